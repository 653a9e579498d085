#!/bin/sh
# make bench: the figures of docs/BENCHMARKS.md. Each line printed names what ran.
# Usage: bench/run.sh [BUILD_DIR] [quick]
#   quick: small sizes only (a smoke test of the benchmark itself)
set -eu
B=${1:-build}
mode=${2:-full}
OC="$B/orgcover"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgcover-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"

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

if [ "$mode" = quick ]; then sizes="10000"; else sizes="100000 1000000"; fi
for n in $sizes; do
    gen_orgs "$n" > "$scratch/orgs.csv"
    rm -f "$scratch/b.sqlite"
    timed "import orgs=$n (CSV, one transaction, index after load)" \
        "$OC" -q --db "$scratch/b.sqlite" import organizations "$scratch/orgs.csv"
    timed "status orgs=$n (load + assign + save assignments + classify)" \
        "$OC" -q --db "$scratch/b.sqlite" status
    timed "status orgs=$n again (assignments reused)" \
        "$OC" -q --db "$scratch/b.sqlite" status
done

if [ "$mode" = quick ]; then
    "$B/tools/bench_assign" 10000 6000
    "$B/tools/bench_propose" 10000
else
    "$B/tools/bench_assign" 10000 6000
    "$B/tools/bench_assign" 100000 60000
    "$B/tools/bench_assign" 1000000 600000
    "$B/tools/bench_propose" 10000 100000 1000000
fi
if [ -x "$B/tools/bench_render" ]; then
    if [ "$mode" = quick ]; then "$B/tools/bench_render" 10000 6000 "$scratch"
    else "$B/tools/bench_render" 1000000 600000 "$scratch"; fi
fi
