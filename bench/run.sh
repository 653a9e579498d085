#!/bin/sh
# make bench: the figures of docs/BENCHMARKS.md. Each line printed names what ran.
# Usage: bench/run.sh [BUILD_DIR] [quick|full] [all|country]
#   quick: small sizes only (a smoke test of the benchmark itself)
#   country: only the end-to-end national run (the last section)
set -eu
B=${1:-build}
mode=${2:-full}
only=${3:-all}
OC="$B/orgcover"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgcover-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# Synthetic organizations spread over a 2x1 degree box around Lianyungang, own ids
# (no credit codes), realistic member counts. awk's rand() is seeded for reproducibility.
gen_orgs() {
    awk -v n="$1" 'BEGIN {
        srand(42);
        print "编号,名称,正式党员数,党组织类型,社区社会组织,经度,纬度";
        for (i = 1; i <= n; i++) {
            r = rand(); m = r < 0.55 ? 0 : r < 0.75 ? 1 : r < 0.85 ? 2 : 3 + int(rand() * 20);
            p = rand() < 0.6 ? "联合" : "无";
            printf "ORG%07d,社会组织%d,%d,%s,%s,%.6f,%.6f\n", i, i, m, p, (rand() < 0.45 ? "是" : "否"),
                   118.5 + 2 * rand(), 34.0 + rand();
        }
    }'
}

timed() { # label, command...: print "label seconds=S"
    label=$1; shift
    t0=$(date +%s.%N)
    "$@" > "$scratch/out" 2>&1 || { echo "$label FAILED"; cat "$scratch/out"; exit 1; }
    t1=$(date +%s.%N)
    echo "$label seconds=$(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}')"
}

if [ "$only" = all ]; then
if [ "$mode" = quick ]; then sizes="10000"; else sizes="100000 1000000"; fi
for n in $sizes; do
    gen_orgs "$n" > "$scratch/orgs.csv"
    rm -f "$scratch/b.sqlite"
    # No init: the store's CRS is chosen from the data's extent; the rows are
    # written while read under the CRS the first chunk chooses, kept when the
    # whole extent agrees (geodata/import.c, struct guess).
    timed "import orgs=$n (CSV into a new store, CRS chosen from the data; one transaction)" \
        "$OC" -q --db "$scratch/b.sqlite" import organizations "$scratch/orgs.csv"
    timed "status orgs=$n (load + assign + save assignments + classify)" \
        "$OC" -q --db "$scratch/b.sqlite" status
    timed "status orgs=$n again (assignments reused)" \
        "$OC" -q --db "$scratch/b.sqlite" status
done

# Joint branches, heuristic against the MIP solver's exact mode (issue 12): the sample
# project, then a synthetic city of about 10^4 joint-branch candidates.
d="$scratch/demo"
"$OC" -q demo "$d" > /dev/null
for m in "" "--exact"; do
    t0=$(date +%s.%N)
    "$OC" -q --db "$d/orgcover.sqlite" propose $m --format json > "$scratch/p.json"
    t1=$(date +%s.%N)
    echo "sample propose $m: seconds=$(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}')" \
         "$(grep -o '"covered": [0-9]*' "$scratch/p.json" | head -1)" \
         "$(grep -o '"optimal_scopes": [0-9]*, "scopes": [0-9]*, "gap": [0-9]*' "$scratch/p.json")" \
         "total diameter $(grep '"kind": "joint"' "$scratch/p.json" | sed 's/.*"diameter_m": \([0-9.]*\).*/\1/' | awk '{s += $1} END {printf "%.0f m", s}')"
done
if [ "$mode" = quick ]; then
    "$B/tools/bench_propose" --exact 2500
else
    "$B/tools/bench_propose" --exact 11400
fi

if [ "$mode" = quick ]; then
    "$B/tools/bench_assign" 10000 6000
    "$B/tools/bench_propose" 10000
    "$B/tools/bench_propose" --one-scope 11400
    "$B/tools/bench_place" 10000 300 4000 60000 100
else
    "$B/tools/bench_assign" 10000 6000
    "$B/tools/bench_assign" 100000 60000
    "$B/tools/bench_assign" 1000000 600000
    "$B/tools/bench_propose" 10000 100000 1000000
    # one scope (no streets imported): about 10^4, 10^5, 5x10^5 and 10^6 candidates
    echo "propose in one scope, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$B/tools/bench_propose" --one-scope 11400 114000 570000 1140000
    "$B/tools/bench_place" 1000000 3000 40000 600000 10000
fi
if [ -x "$B/tools/bench_render" ]; then
    if [ "$mode" = quick ]; then "$B/tools/bench_render" 10000 6000 "$scratch"
    else "$B/tools/bench_render" 1000000 600000 "$scratch"; fi
fi
fi # only=all

# The whole country, end to end, through the real binary on a real store file:
# mkcountry writes districts/streets/communities GeoPackages and an organizations
# CSV (WGS84, lon 100..120, lat 22..40); the store is created in CGCS2000 /
# Gauss-Kruger CM 111E (EPSG:4508, metres, central meridian in the middle of the
# extent). Each step prints its seconds and, with /usr/bin/time, its peak RSS.
# Each country step starts after sync and a pause (COUNTRY_SETTLE seconds, default 3):
# on this machine kind the memory a large step frees is handed back to the host
# for a few seconds after it exits, which slows the next step by up to a second;
# the figures are each step's own, as a planner running one command sees it.
ctimed() { # label, command...: like timed, plus peak_rss_mib when /usr/bin/time exists
    label=$1; shift
    sync; sleep "${COUNTRY_SETTLE:-3}"
    if [ -x /usr/bin/time ]; then
        line=$(timed "$label" /usr/bin/time -f %M -o "$scratch/rss" "$@") || { echo "$line"; exit 1; }
        echo "$line peak_rss_mib=$(awk '{printf "%.0f", $1 / 1024}' "$scratch/rss")"
    else
        timed "$label" "$@"
    fi
}
if [ "$mode" = quick ]; then countries="6000:10000"; else countries="60000:100000 600000:1000000"; fi
for c in $countries; do
    nc=${c%%:*} no=${c##*:}
    d="$scratch/country"
    rm -rf "$d"
    "$B/tools/mkcountry" "$nc" "$no" "$d"
    S="$d/country.sqlite"
    tag="communities=$nc orgs=$no"
    echo "country $tag, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    ctimed "country $tag init --crs EPSG:4508" "$OC" -q --db "$S" init --crs EPSG:4508
    for l in districts streets communities; do
        ctimed "country $tag import $l" "$OC" -q --db "$S" import "$l" "$d/$l.gpkg"
    done
    ctimed "country $tag import organizations" "$OC" -q --db "$S" import organizations "$d/organizations.csv"
    ctimed "country $tag status (first: assign + save assignments)" "$OC" -q --db "$S" status
    ctimed "country $tag status (again)" "$OC" -q --db "$S" status
    ctimed "country $tag status --by district" "$OC" -q --db "$S" status --by district
    ctimed "country $tag targets --format json" "$OC" -q --db "$S" targets --format json
    ctimed "country $tag uncovered --format csv" "$OC" -q --db "$S" uncovered --format csv
    ctimed "country $tag propose --format json" "$OC" -q --db "$S" propose --format json
    ctimed "country $tag render coverage png" "$OC" -q --db "$S" render -o "$d/country.png"
    ctimed "country $tag render targets pdf" "$OC" -q --db "$S" render -o "$d/country.pdf" --theme targets
    echo "country $tag store $(du -m "$S" | cut -f1) MiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
