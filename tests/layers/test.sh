#!/bin/sh
# tests/layers/test.sh - proves that the layer check can fail.
#
# Usage: sh tests/layers/test.sh      (from the repository root; `make layers-check`)
#
# 1. Runs tests/layers/check.sh on a small good tree (must pass), then on that
#    tree plus one bad file per rule (each must fail, naming the file and line).
# 2. With CC and ANALYSIS_CFLAGS, GEODATA_CFLAGS, RENDER_CFLAGS in the
#    environment (the Makefile passes its own), compiles a one-line file per
#    dependency header with each layer's flags: a header of another layer must
#    not compile, the layer's own must (so that the failures mean something).
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
n=0

ok() { n=$((n + 1)); }
ko() { n=$((n + 1)); fails=$((fails + 1)); echo "layers-test: FAIL $*"; }

# A tree that keeps every rule: what the real sources do.
good_tree() {
    rm -rf "$tmp/t" && mkdir -p "$tmp/t" && cd "$tmp/t" || exit 1
    mkdir -p analysis geodata render cli tools tests/unit/analysis tests/unit/geodata \
        tests/unit/render tests/fuzz
    printf '#include <stdarg.h>\n#include <stddef.h>\n' >analysis/err.h
    printf '#include <geos_c.h>\n#include "err.h"\n' >analysis/geos.h
    printf '#include "geos.h"\n#include <glpk.h>\n#include <pthread.h>\n' >analysis/propose_mip.c
    printf '#include <sqlite3.h>\n#include <spatialite.h>\n#include "../analysis/geos.h"\n#include "store_sql.h"\n' >geodata/store.c
    printf '#include <gdal.h>\n#include <ogr_api.h>\n#include <cpl_vsi.h>\n#include <proj.h>\n#include "../analysis/err.h"\n' >geodata/import.c
    printf '#include "store_sql.h"\n' >geodata/plan.c
    printf '#include <cairo.h>\n#include <pango/pangocairo.h>\n#include "../analysis/model.h"\n' >render/draw.c
    printf '#include "../geodata/store.h"\n#include "../render/map.h"\n#include <gdal.h>\n' >cli/main.c
    printf '#include "../analysis/geos.h"\n#include "../geodata/creditcode.h"\n' >tools/mksample.c
    printf '#include <cmocka.h>\n#include "../../../analysis/place.h"\n' >tests/unit/analysis/test_place.c
    printf '#include <sqlite3.h>\n#include "../../../geodata/store_sql.h"\n' >tests/unit/geodata/test_store.c
    printf '#include <cairo.h>\n#include "../../../render/map.h"\n' >tests/unit/render/test_map.c
    printf '#include "../../geodata/store_sql.h"\n' >tests/fuzz/fuzz_import_csv.c
    cd "$here/../.." || exit 1
}

# expect_fail FILE LINE CONTENT: the good tree plus FILE holding CONTENT at
# line LINE must fail the check, and the output must name FILE:LINE.
expect_fail() {
    good_tree
    mkdir -p "$tmp/t/$(dirname "$1")"
    { i=1; while [ "$i" -lt "$2" ]; do echo "/* filler */"; i=$((i + 1)); done
      printf '%s\n' "$3"; } >"$tmp/t/$1"
    out=$(sh "$here/check.sh" "$tmp/t" 2>&1); rc=$?
    if [ "$rc" -eq 0 ]; then
        ko "check.sh passed $1 with: $3"
    elif ! printf '%s\n' "$out" | grep -q "^$1:$2: "; then
        ko "check.sh failed on $1 but did not name $1:$2 (output: $out)"
    else
        ok
    fi
}

good_tree
if out=$(sh "$here/check.sh" "$tmp/t" 2>&1); then ok; else ko "the good tree fails: $out"; fi

expect_fail analysis/bad.c 3 '#include <gdal.h>'
expect_fail analysis/bad.c 1 '#include <ogr_api.h>'
expect_fail analysis/bad.c 1 '#include <cpl_conv.h>'
expect_fail analysis/bad.c 1 '#include <sqlite3.h>'
expect_fail analysis/bad.c 1 '#include <spatialite.h>'
expect_fail analysis/bad.h 2 '#include <cairo.h>'
expect_fail analysis/bad.c 1 '#include <pango/pangocairo.h>'
expect_fail analysis/bad.c 1 '#include <proj.h>'
expect_fail analysis/bad.c 1 '#include "../geodata/store.h"'
expect_fail analysis/bad.c 1 '#include "../render/map.h"'
expect_fail analysis/bad.c 1 '  #  include "../cli/cli.h"'
expect_fail analysis/bad.c 1 '#include "./../geodata/x/../store.h"'
expect_fail tests/unit/analysis/test_bad.c 4 '#include "../../../geodata/store.h"'
expect_fail tests/unit/analysis/test_bad.c 1 '#include <gdal.h>'
expect_fail render/bad.c 2 '#include <gdal.h>'
expect_fail render/bad.c 1 '#include <sqlite3.h>'
expect_fail render/bad.c 1 '#include "../geodata/store.h"'
expect_fail render/bad.c 1 '#include "../cli/cli.h"'
expect_fail tests/unit/render/test_bad.c 1 '#include "../../../geodata/export.h"'
expect_fail geodata/bad.c 1 '#include <cairo.h>'
expect_fail geodata/bad.c 1 '#include <pango/pango.h>'
expect_fail geodata/bad.c 1 '#include "../render/map.h"'
expect_fail geodata/bad.c 1 '#include "../cli/cli.h"'
expect_fail geodata/plan.c 2 '#include <sqlite3.h>'
expect_fail cli/util.c 1 '#include <sqlite3.h>'
expect_fail cli/util.c 1 '#include "../geodata/store_sql.h"'
expect_fail render/draw.c 1 '#include "../geodata/store_sql.h"'
expect_fail render/draw.c 1 '#include <geos_c.h>'
expect_fail cli/main.c 1 '#include <geos_c.h>'
expect_fail analysis/model.h 1 '#include <geos_c.h>'
expect_fail analysis/err.h 1 '#include "model.h"'
expect_fail analysis/err.h 1 '#include <geos_c.h>'

# Compile flags: each layer sees its own dependencies' headers and no others'.
# (sqlite3.h, spatialite.h and proj.h live in /usr/include, where no flag can
# hide them: check.sh and the link check cover those.)
probe() { # probe LAYER-FLAGS HEADER EXPECT(ok|fails)
    printf '#include <%s>\nint layers_probe;\n' "$2" >"$tmp/probe.c"
    # shellcheck disable=SC2086
    if $CC $1 -fsyntax-only "$tmp/probe.c" >/dev/null 2>&1; then got=ok; else got=fails; fi
    if [ "$got" = "$3" ]; then ok; else ko "<$2> with flags '$1': expected to $3, it $got"; fi
}
if [ -n "${CC:-}" ] && [ -n "${GEODATA_CFLAGS:-}" ] && [ -n "${RENDER_CFLAGS:-}" ]; then
    A=${ANALYSIS_CFLAGS:-}
    probe "$A" geos_c.h ok
    probe "$A" gdal.h fails
    probe "$A" ogr_api.h fails
    probe "$A" cairo.h fails
    probe "$A" pango/pangocairo.h fails
    probe "$GEODATA_CFLAGS" gdal.h ok
    probe "$GEODATA_CFLAGS" ogr_api.h ok
    probe "$GEODATA_CFLAGS" cairo.h fails
    probe "$GEODATA_CFLAGS" pango/pangocairo.h fails
    probe "$RENDER_CFLAGS" cairo.h ok
    probe "$RENDER_CFLAGS" pango/pangocairo.h ok
    probe "$RENDER_CFLAGS" gdal.h fails
    probe "$RENDER_CFLAGS" cpl_conv.h fails
else
    echo "layers-test: CC and the layer flags not given: compile probes skipped"
fi

if [ "$fails" -ne 0 ]; then
    echo "layers-test: $fails of $n failed"
    exit 1
fi
echo "layers-test: $n checks ok (the layer check fails where it must)"
