# spiky-gen.sh - write a district with very many thin spikes, for the
# bounded-resources case and its benchmark (issue 9).
#
#   sh tests/e2e/spiky-gen.sh DIR SPIKES ORGS
#
# Writes into DIR, in EPSG:4549 metres (import with --s-srs EPSG:4549):
#   districts.geojson    one district 320799: a star around (430000, 3830000)
#                        with SPIKES spikes between radius 5 km and 15 km, so
#                        2 x SPIKES vertices; a spike is 2*pi*5000/SPIKES
#                        metres wide at its base (0.63 m for 50000 spikes)
#   streets.geojson      4 x 4 streets of 8 km covering the star's box
#   communities.geojson  12 x 12 communities of 2.67 km, 111 (urban) or 220
#   organizations.csv    ORGS organizations (编号, 名称, 正式党员数, 党组织类型,
#                        x, y), placed by construction:
#                          id A*: inside the core disc (radius < 4.5 km)
#                          id B*: on a spike's axis, 5-80 % of the way out
#                          id C*: on a gap's axis, 20-95 % of the way out
#                          id D*: beyond 15.3 km (outside the star)
#                        A and B are in the district, C and D are not; a
#                        checker needs nothing but the id's first letter.
#   expected.txt         "in N" and "out N": how many are in the district
#
# Deterministic: a Park-Miller generator in integer-exact arithmetic, so any
# POSIX awk gives the same files.
set -e
dir=$1
spikes=${2:-50000}
orgs=${3:-3000}
mkdir -p "$dir"
awk -v dir="$dir" -v N="$spikes" -v M="$orgs" '
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
function crs() { return "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4549\"}}," }
function box(x0, y0, x1, y1) {
    return sprintf("[[[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]",
                   x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}
BEGIN {
    seed = 20260915
    pi = atan2(0, -1)
    cx = 430000; cy = 3830000; r0 = 5000; R = 15000
    f = dir "/districts.geojson"
    printf "{\"type\":\"FeatureCollection\",%s\"features\":[", crs() > f
    printf "{\"type\":\"Feature\",\"properties\":{\"代码\":\"320799\",\"名称\":\"刺区\"}," > f
    printf "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[" > f
    for (k = 0; k < N; k++) {
        a = 2 * pi * k / N          # valley k
        t = 2 * pi * (k + 0.5) / N  # tip k
        printf "%s[%.6f,%.6f],[%.6f,%.6f]", (k ? "," : ""), cx + r0 * cos(a), cy + r0 * sin(a),
               cx + R * cos(t), cy + R * sin(t) > f
    }
    printf ",[%.6f,%.6f]]]}}]}\n", cx + r0, cy > f
    close(f)

    x0 = cx - 16000; y0 = cy - 16000; S = 32000
    f = dir "/streets.geojson"
    printf "{\"type\":\"FeatureCollection\",%s\"features\":[", crs() > f
    for (i = 0; i < 4; i++)
        for (j = 0; j < 4; j++) {
            sc = sprintf("320799%03d", 4 * i + j + 1)
            printf "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\",\"name\":\"刺%d街道\",\"所属区县代码\":\"320799\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":%s}}",
                   (i || j ? "," : ""), sc, 4 * i + j + 1,
                   box(x0 + j * S / 4, y0 + i * S / 4, x0 + (j + 1) * S / 4, y0 + (i + 1) * S / 4) > f
        }
    printf "]}\n" > f
    close(f)

    f = dir "/communities.geojson"
    printf "{\"type\":\"FeatureCollection\",%s\"features\":[", crs() > f
    n = 0
    for (i = 0; i < 12; i++)
        for (j = 0; j < 12; j++) {
            sc = sprintf("320799%03d", 4 * int(i / 3) + int(j / 3) + 1)
            printf "%s{\"type\":\"Feature\",\"properties\":{\"区划代码\":\"%s%03d\",\"名称\":\"刺%d社区\",\"城乡分类代码\":\"%s\",\"街道代码\":\"%s\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":%s}}",
                   (n ? "," : ""), sc, 3 * (i % 3) + j % 3 + 1, n + 1, ((i + j) % 3 ? "111" : "220"), sc,
                   box(x0 + j * S / 12, y0 + i * S / 12, x0 + (j + 1) * S / 12, y0 + (i + 1) * S / 12) > f
            n++
        }
    printf "]}\n" > f
    close(f)

    f = dir "/organizations.csv"
    print "编号,名称,正式党员数,党组织类型,x,y" > f
    nin = nout = 0
    for (i = 0; i < M; i++) {
        c = i % 5  # 0,1: A  2: B  3: C  4: D
        if (c <= 1) {
            kind = "A"; r = 4500 * sqrt(rnd()); t = 2 * pi * rnd()
        } else if (c == 2) {
            kind = "B"; k = int(N * rnd()); t = 2 * pi * (k + 0.5) / N
            r = r0 + (0.05 + 0.75 * rnd()) * (R - r0)
        } else if (c == 3) {
            kind = "C"; k = int(N * rnd()); t = 2 * pi * k / N
            r = r0 + (0.2 + 0.75 * rnd()) * (R - r0)
        } else {
            kind = "D"; r = 15300 + 6000 * rnd(); t = 2 * pi * rnd()
            if (r * cos(t) > 15900 || r * cos(t) < -15900) r = 15300
            if (r * sin(t) > 15900 || r * sin(t) < -15900) r = 15300
        }
        if (kind == "A" || kind == "B") nin++; else nout++
        printf "%s%05d,刺组织%d,%d,%s,%.6f,%.6f\n", kind, i, i, i % 4, (i % 3 ? "无" : "单独"),
               cx + r * cos(t), cy + r * sin(t) > f
    }
    close(f)
    printf "in %d\nout %d\n", nin, nout > (dir "/expected.txt")
}'
