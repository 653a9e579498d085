#!/bin/sh
# tests/layers/check.sh - fail when a layer includes what it must not.
#
# Usage: sh tests/layers/check.sh [ROOT]     (ROOT defaults to .)
#
# Reads every #include of ROOT/{analysis,geodata,render,cli,tools,tests}/**/*.[ch]
# (a unit test under tests/unit/<layer>/ counts as part of its layer) and
# prints one line per include that breaks a rule of docs/ARCHITECTURE.md:
#
#   analysis/  no GDAL/OGR/CPL, SQLite, SpatiaLite, PROJ, cairo, pango, glib
#              headers; nothing of geodata/, render/ or cli/
#   geodata/   no cairo, pango, glib headers; nothing of render/ or cli/
#   render/    no GDAL/OGR/CPL, SQLite, SpatiaLite, PROJ headers; nothing of
#              geodata/ or cli/
#   anywhere   <geos_c.h> only in analysis/geos.h (STYLE.md 8, reentrant API);
#              <sqlite3.h> and <spatialite.h> only in geodata/store.c (and
#              <sqlite3.h> in rtree.c and sqlmem.c, its helpers) and in
#              tests (fixtures that are not stores); geodata/store_sql.h only
#              from geodata/ and tests/; analysis/err.h includes C library
#              headers only, so every layer can take it without the model.
#
# Exit 0 when every include keeps the rules, 1 otherwise (or on a usage error).
# The compiler and linker enforce the same layers (Makefile, `make
# layers-check`); this check also catches the headers that sit in
# /usr/include, where no compile flag can hide them (sqlite3.h, proj.h).
set -u
root=${1:-.}
if [ ! -d "$root" ]; then
    echo "layers: no such folder: $root" >&2
    exit 1
fi
cd "$root" || exit 1

files=$(find analysis geodata render cli tools tests -type f \( -name '*.c' -o -name '*.h' \) \
    2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || { echo "layers: no sources under $root" >&2; exit 1; }

# shellcheck disable=SC2086
awk '
function layer_of(path) {
    if (path ~ /^tests\/unit\/analysis\//) return "analysis"
    if (path ~ /^tests\/unit\/geodata\//) return "geodata"
    if (path ~ /^tests\/unit\/render\//) return "render"
    if (path ~ /^tests\//) return "tests"
    split(path, p, "/")
    return p[1]
}
# The folder a quoted include lands in, relative to the root ("" if outside it).
function resolve(file, inc,    n, parts, i, k, stack, top, out) {
    n = split(file, parts, "/")
    top = 0
    for (i = 1; i < n; i++) stack[++top] = parts[i]
    k = split(inc, parts, "/")
    for (i = 1; i <= k; i++) {
        if (parts[i] == "" || parts[i] == ".") continue
        if (parts[i] == "..") { if (top > 0) top--; else return ""; continue }
        stack[++top] = parts[i]
    }
    out = ""
    for (i = 1; i <= top; i++) out = out (i > 1 ? "/" : "") stack[i]
    return out
}
function bad(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg
    nbad++
}
BEGIN {
    sys["analysis"] = "^(gdal|ogr|cpl_|sqlite3|spatialite|proj|cairo|pango|glib|fontconfig)"
    sys["geodata"] = "^(cairo|pango|glib|fontconfig)"
    sys["render"] = "^(gdal|ogr|cpl_|sqlite3|spatialite|proj)"
    may["analysis"] = "GEOS (through analysis/geos.h) and GLPK only"
    may["geodata"] = "GDAL/OGR, SQLite, SpatiaLite, PROJ and analysis/, never cairo or pango"
    may["render"] = "cairo, pango and analysis/, never GDAL, SQLite or PROJ"
    dirs["analysis"] = "^(geodata|render|cli)/"
    dirs["geodata"] = "^(render|cli)/"
    dirs["render"] = "^(geodata|cli)/"
    nbad = 0
}
/^[ \t]*#[ \t]*include[ \t]*[<"]/ {
    line = $0
    sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
    quoted = substr(line, 1, 1) == "\""
    name = substr(line, 2)
    sub(/[>"].*$/, "", name)
    layer = layer_of(FILENAME)
    if (!quoted) {
        if (layer in sys && name ~ sys[layer])
            bad("includes <" name ">: " layer "/ may use " may[layer])
        if (name == "geos_c.h" && FILENAME != "analysis/geos.h")
            bad("includes <geos_c.h>: include analysis/geos.h instead (reentrant API only)")
        # geodata/rtree.c writes the SQLite R*Tree format for store.c, on its connection;
        # geodata/sqlmem.c configures the allocator SQLite uses for it.
        if ((name == "sqlite3.h" || name == "spatialite.h") && FILENAME != "geodata/store.c" &&
            !((FILENAME == "geodata/rtree.c" || FILENAME == "geodata/sqlmem.c") &&
              name == "sqlite3.h") && FILENAME !~ /^tests\//)
            bad("includes <" name ">: only geodata/store.c talks to SQLite (use geodata/store_sql.h)")
        if (FILENAME == "analysis/err.h" && name !~ /^std[a-z]*\.h$/)
            bad("includes <" name ">: analysis/err.h takes the C library only")
        next
    }
    target = resolve(FILENAME, name)
    if (layer in dirs && target ~ dirs[layer])
        bad("includes \"" name "\": " layer "/ must not reach " substr(target, 1, index(target, "/") - 1) "/")
    if (target == "geodata/store_sql.h" && FILENAME !~ /^(geodata|tests)\//)
        bad("includes \"" name "\": private to geodata/ (use geodata/store.h)")
    if (FILENAME == "analysis/err.h")
        bad("includes \"" name "\": analysis/err.h takes the C library only")
}
END {
    if (nbad) {
        printf "layers: %d include(s) across the layers; see docs/ARCHITECTURE.md\n", nbad
        exit 1
    }
}
' $files || exit 1
echo "layers: includes ok ($(printf '%s\n' "$files" | wc -l | tr -d ' ') files)"
