#!/bin/sh
# make bench-peers: orgcover side by side with PostGIS and the SpatiaLite CLI (issue 13),
# from the same files to the same two answers: organizations per community, and
# organizations outside every community. Each step is timed (wall clock) with its peak
# memory; the script fails when the three answers differ. docs/BENCHMARKS.md, "Side by
# side with PostGIS and SpatiaLite", has the table and the rules.
# Usage: bench/peers.sh [BUILD_DIR] [full|quick|N_COMMUNITIES:N_ORGS]
#   full   5x10^4 communities, 10^6 organizations (issue 13's national case)
#   quick  10^3 communities, 10^4 organizations (seconds; checks the answers agree)
# PEERS_OUTSIDE (default 0.01): the fraction of organizations placed outside every community.
# PEERS_SETTLE (default 5): seconds of pause before each system's first step (settle below).
set -eu
B=${1:-build}
size=${2:-full}
case $size in
full) nc=50000 no=1000000 ;;
quick) nc=1000 no=10000 ;;
*:*) nc=${size%%:*} no=${size##*:} ;;
*) echo "usage: bench/peers.sh [BUILD_DIR] [full|quick|N_COMMUNITIES:N_ORGS]" >&2; exit 2 ;;
esac
outside=${PEERS_OUTSIDE:-0.01}
OC="$B/orgcover"
export ORGCOVER_LANG=en
[ -x "$OC" ] && [ -x "$B/tools/mkcountry" ] || { echo "peers: build first: make all tools" >&2; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
for need in "$PGBIN/initdb" /usr/bin/spatialite /usr/bin/time /usr/bin/ogr2ogr; do
    [ -x "$need" ] || { echo "peers: $need is missing; install with: make deps-check" >&2; exit 1; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgcover-peers.XXXXXX")
pg="$scratch/pg"
sampler=
cleanup() {
    [ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
    [ ! -f "$pg/data/postmaster.pid" ] || as_pg "$PGBIN/pg_ctl" -D "$pg/data" -m immediate stop > /dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$scratch"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
echo "versions: orgcover $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'), $("$PGBIN/postgres" --version), SpatiaLite $(spatialite :memory: 'SELECT spatialite_version()' 2>/dev/null), SQLite $(spatialite -version | cut -d' ' -f1), $(ogrinfo --version)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- The input: mkcountry's country (WGS84), communities reprojected to CGCS2000 /
# Gauss-Kruger CM 111E (EPSG:4508, metres); the organizations stay a CSV of lon/lat
# (EPSG:4326), which every system projects to EPSG:4508 itself while loading. Points
# are kept 5 % of a cell off every edge, the outside ones 0.05 degrees east of the
# grid, so no point lies on a community's boundary (see docs/BENCHMARKS.md).
d="$scratch/data"
t0=$(date +%s.%N)
"$B/tools/mkcountry" --outside "$outside" "$nc" "$no" "$d" > "$scratch/gen.log"
ogr2ogr -f GPKG -t_srs EPSG:4508 -lco SPATIAL_INDEX=NO -nln communities "$d/communities-4508.gpkg" "$d/communities.gpkg"
# The generated files on disk before the first timed step: otherwise the kernel's
# write-back of their 80 MB lands on whichever system runs first (orgcover).
sync
t1=$(date +%s.%N)
# Before each system's first step: the files on disk, and a pause in which the
# memory the previous programs freed (the generator's gigabyte; a system's last
# step) is handed back by the guest to the host, which on this machine kind takes
# CPU and slows fresh pages for a few seconds after a large exit. The steps of
# one system then run back to back, as a user runs them.
settle() { sync; sleep "${PEERS_SETTLE:-5}"; }
csv="$d/organizations.csv" gpkg="$d/communities-4508.gpkg"
echo "input: $nc communities (EPSG:4508 GeoPackage, $(du -k "$gpkg" | cut -f1) KiB), $no organizations" \
     "(CSV, $(du -k "$csv" | cut -f1) KiB), outside fraction $outside; generated in" \
     "$(echo "$t1 $t0" | awk '{printf "%.1f", $1 - $2}') s (not counted)"

# ---- Timing. step SYSTEM CATEGORY LABEL OUT COMMAND...: runs COMMAND with stdout in OUT,
# prints its seconds and peak memory, and records "system|category|seconds|peak_kib"
# in $scratch/steps. Peak memory is the command's own peak RSS (/usr/bin/time %M), plus,
# for PostGIS, the server's: the largest total PSS of the cluster's processes sampled
# every 0.2 s while the step runs (shared buffers counted once).
: > "$scratch/steps"
step() {
    sys=$1 cat=$2 label=$3 out=$4; shift 4
    [ "$sys" != PostGIS ] || start_sampler
    t0=$(date +%s.%N)
    /usr/bin/time -f %M -o "$scratch/rss" "$@" > "$out" 2> "$scratch/err" ||
        { echo "$sys $label FAILED"; cat "$scratch/err" "$out" | head -40; exit 1; }
    t1=$(date +%s.%N)
    kib=$(cat "$scratch/rss")
    server=""
    if [ "$sys" = PostGIS ]; then
        stop_sampler
        skib=$(cat "$scratch/pss")
        server=" (client $(kib_mib "$kib"), server $(kib_mib "$skib"))"
        kib=$((kib + skib))
    fi
    s=$(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}')
    echo "$sys|$cat|$s|$kib" >> "$scratch/steps"
    echo "$sys $label: seconds=$s peak_mib=$(kib_mib "$kib")$server"
}
kib_mib() { echo "$1" | awk '{printf "%.0f", $1 / 1024}'; }
cluster_pss() { # KiB: the postmaster and its children, proportional set size
    pm=$(head -1 "$pg/data/postmaster.pid")
    for p in $pm $(ps -o pid= --ppid "$pm"); do cat "/proc/$p/smaps_rollup" 2>/dev/null || true; done |
        awk '/^Pss:/ {s += $2} END {print s + 0}'
}
start_sampler() {
    echo 0 > "$scratch/pss"
    (max=0; while :; do v=$(cluster_pss); [ "$v" -le "$max" ] ||
        { max=$v; echo "$max" > "$scratch/pss.new" && mv "$scratch/pss.new" "$scratch/pss"; }; sleep 0.2; done) &
    sampler=$!
}
stop_sampler() {
    v=$(cluster_pss)
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    sampler=
    [ "$v" -le "$(cat "$scratch/pss")" ] || echo "$v" > "$scratch/pss"
}

# ---- orgcover: a new store in EPSG:4508, both imports, then one status that gives both
# answers (JSON: outside_all_communities, and one line per community with its count).
S="$scratch/orgcover.sqlite"
settle
step orgcover init "init --crs EPSG:4508" /dev/null "$OC" -q --db "$S" init --crs EPSG:4508
step orgcover "load communities" "import communities" /dev/null "$OC" -q --db "$S" import communities "$gpkg"
step orgcover "load organizations" "import organizations" /dev/null "$OC" -q --db "$S" import organizations "$csv"
step orgcover answer "status --by community --format json (first: assign)" "$scratch/oc.json" \
    "$OC" -q --db "$S" status --by community --format json
awk 'NR == 1 { if (match($0, /"outside_all_communities": [0-9]+/)) out = substr($0, RSTART + 27, RLENGTH - 27) }
     /^  \{"code": / { c = $0; sub(/^  \{"code": "/, "", c); sub(/".*/, "", c)
                       n = $0; sub(/.*"organizations": /, "", n); sub(/,.*/, "", n); print c, n }
     END { print "outside", out }' "$scratch/oc.json" | LC_ALL=C sort > "$scratch/oc.ans"

# ---- PostGIS: a throwaway cluster on a Unix socket (as tests/e2e/cases/import-postgis),
# memory settings for a 10^6-row load; not counted: initdb, start, CREATE EXTENSION.
mkdir "$pg" && chmod 777 "$pg"
as_pg() { if [ "$(id -u)" = 0 ]; then (cd "$pg" && runuser -u postgres -- "$@"); else "$@"; fi; }
as_pg "$PGBIN/initdb" -D "$pg/data" -A trust -U postgres > "$scratch/initdb.log" 2>&1 || { cat "$scratch/initdb.log"; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$pg/data" -l "$pg/log" -w start -o "-k $pg -c listen_addresses= -p 5498 \
    -c shared_buffers=512MB -c work_mem=64MB -c maintenance_work_mem=512MB -c max_wal_size=4GB" > /dev/null ||
    { cat "$pg/log"; exit 1; }
conn="PG:host=$pg port=5498 user=postgres dbname=postgres"
# (a command line, not a function: /usr/bin/time runs it)
psql_="psql -X -q -v ON_ERROR_STOP=1 -h $pg -p 5498 -U postgres"
$psql_ -c "CREATE EXTENSION postgis" > /dev/null
settle
step PostGIS "load communities" "ogr2ogr (COPY) communities" /dev/null \
    ogr2ogr -f PostgreSQL "$conn" "$gpkg" -nln communities -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NONE
cat > "$scratch/pg-orgs.sql" <<EOF
CREATE TABLE orgs_csv (id text, name text, members text, party text, comm text, instructor text, lon float8, lat float8);
\\copy orgs_csv FROM '$csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE orgs AS SELECT id, ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 4508)::geometry(Point, 4508) AS geom FROM orgs_csv;
DROP TABLE orgs_csv;
EOF
step PostGIS "load organizations" "COPY organizations + ST_Transform" /dev/null $psql_ -f "$scratch/pg-orgs.sql"
step PostGIS index "GiST indexes, ANALYZE" /dev/null $psql_ \
    -c "CREATE INDEX ON orgs USING gist (geom)" -c "CREATE INDEX ON communities USING gist (geom)" -c "ANALYZE"
# One counting query; outside = N - sum, exact when no point is in two communities
# (checked below, not counted).
step PostGIS answer "count per community; outside = N - sum" "$scratch/pg.out" $psql_ -At -F' ' \
    -c "SELECT c.code, count(o.id) FROM communities c LEFT JOIN orgs o ON ST_Intersects(c.geom, o.geom) GROUP BY c.code ORDER BY c.code" \
    -c "SELECT 'total', count(*) FROM orgs"
awk '$1 == "total" { n = $2; next } { s += $2; print } END { print "outside", n - s }' "$scratch/pg.out" | LC_ALL=C sort > "$scratch/pg.ans"
$psql_ -At -c "SELECT count(*) FROM (SELECT o.id FROM orgs o JOIN communities c ON ST_Intersects(c.geom, o.geom) GROUP BY o.id HAVING count(*) > 1) t" > "$scratch/pg.twice"
as_pg "$PGBIN/pg_ctl" -D "$pg/data" -m fast stop > /dev/null

# ---- SpatiaLite: the CLI (spatialite) on a new database (it creates the spatial
# metadata); the communities read from the GeoPackage by SpatiaLite itself (ATTACH,
# GeomFromGPB); the organizations loaded with ogr2ogr, which projects the points about 3x
# faster than SpatiaLite's Transform through VirtualText (docs/BENCHMARKS.md); SpatiaLite's
# R*Tree indexes, then a count per community joining the points' R*Tree table directly
# (about twice as fast as through the SpatialIndex virtual table; GEOS's prepared-geometry
# cache is hit while one community is tested). A 512 MB page cache keeps the R*Tree
# builds from re-reading pages.
L="$scratch/spatialite.sqlite"
sl="spatialite -bail $L"
cache="PRAGMA cache_size = -524288;"
settle
step SpatiaLite init "new database (spatial metadata)" /dev/null $sl "SELECT 1"
step SpatiaLite "load communities" "GeoPackage via GeomFromGPB" /dev/null $sl "ATTACH '$gpkg' AS g;
    CREATE TABLE communities (code TEXT PRIMARY KEY);
    SELECT AddGeometryColumn('communities', 'geom', 4508, 'MULTIPOLYGON', 'XY');
    INSERT INTO communities (code, geom) SELECT code, CastToMultiPolygon(GeomFromGPB(geom)) FROM g.communities;"
step SpatiaLite "load organizations" "ogr2ogr CSV -t_srs EPSG:4508" /dev/null \
    ogr2ogr -f SQLite -update "$L" "$csv" -nln orgs -select 编号 -oo X_POSSIBLE_NAMES=经度 \
    -oo Y_POSSIBLE_NAMES=纬度 -s_srs EPSG:4326 -t_srs EPSG:4508 -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NO -gt 1000000
step SpatiaLite index "CreateSpatialIndex x2" /dev/null $sl \
    "$cache SELECT CreateSpatialIndex('orgs', 'geom'); SELECT CreateSpatialIndex('communities', 'geom');"
# o.ROWID = r.pkid: the R*Tree's entries are the points' rowids.
near="idx_orgs_geom r JOIN orgs o ON o.ROWID = r.pkid WHERE r.xmin <= MbrMaxX(c.geom) AND r.xmax >= MbrMinX(c.geom)
      AND r.ymin <= MbrMaxY(c.geom) AND r.ymax >= MbrMinY(c.geom) AND ST_Intersects(c.geom, o.geom)"
step SpatiaLite answer "count per community (R*Tree join); outside = N - sum" "$scratch/sl.out" $sl "$cache
    SELECT c.code, (SELECT count(*) FROM $near) FROM communities c ORDER BY c.code;
    SELECT 'total', count(*) FROM orgs;"
awk -F'|' '$1 == "total" { n = $2; next } { s += $2; print $1, $2 } END { print "outside", n - s }' "$scratch/sl.out" | LC_ALL=C sort > "$scratch/sl.ans"
# (CROSS JOIN keeps the communities outside, as in the correlated count above.)
$sl "$cache SELECT count(*) FROM (SELECT o.ROWID FROM communities c CROSS JOIN $near GROUP BY o.ROWID HAVING count(*) > 1)" > "$scratch/sl.twice"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- The answers must agree, line for line (every community with its count, zeros
# included, in code order, then "outside N").
fail=0
for p in pg sl; do
    case $p in pg) name=PostGIS ;; *) name=SpatiaLite ;; esac
    twice=$(cat "$scratch/$p.twice")
    if [ "$twice" != 0 ]; then
        echo "ANSWERS: $name puts $twice organizations in two or more communities; outside = N - sum is not exact"
        fail=1
    fi
    if ! cmp -s "$scratch/oc.ans" "$scratch/$p.ans"; then
        echo "ANSWERS DIFFER: orgcover (<) and $name (>), first differences:"
        diff "$scratch/oc.ans" "$scratch/$p.ans" | head -20
        fail=1
    fi
done
nlines=$(($(wc -l < "$scratch/oc.ans") - 1))
[ "$nlines" = "$nc" ] || { echo "ANSWERS: orgcover lists $nlines communities, not $nc"; fail=1; }
[ "$fail" = 0 ] || exit 1
echo "answers: identical in all three: $nc communities' counts ($(awk '$1 != "outside" && $2 == 0' "$scratch/oc.ans" | wc -l) of them 0)," \
     "$(awk '$1 == "outside" {print $2}' "$scratch/oc.ans") organizations outside every community"

# ---- The table (markdown): seconds and peak MiB per step, files to answer = the sum of
# the steps, its peak = the largest step's, and the ratios.
awk -F'|' -v nc="$nc" -v no="$no" '
    { t[$1, $2] += $3; m[$1, $2] = $4 > m[$1, $2] ? $4 : m[$1, $2]; seen[$1, $2] = 1
      T[$1] += $3; M[$1] = $4 > M[$1] ? $4 : M[$1] }
    function cell(s, c) { return seen[s, c] ? sprintf("%.2f s, %.0f MiB", t[s, c], m[s, c] / 1024) : "-" }
    END {
        ns = split("orgcover PostGIS SpatiaLite", sys, " ")
        nc_ = split("init|load communities|load organizations|index|answer", cat, "|")
        printf "\n%s communities, %s organizations\n\n| step | %s | %s | %s |\n|---|---|---|---|\n", nc, no, sys[1], sys[2], sys[3]
        for (i = 1; i <= nc_; i++) {
            printf "| %s |", cat[i]
            for (j = 1; j <= ns; j++) printf " %s |", cell(sys[j], cat[i])
            printf "\n"
        }
        printf "| **files to answer** |"
        for (j = 1; j <= ns; j++) printf " **%.2f s**, %.0f MiB |", T[sys[j]], M[sys[j]] / 1024
        printf "\n\nfiles to answer, peer time / orgcover time: PostGIS %.2f, SpatiaLite %.2f (above 1: orgcover is faster)\n",
               T["PostGIS"] / T["orgcover"], T["SpatiaLite"] / T["orgcover"]
    }' "$scratch/steps"
