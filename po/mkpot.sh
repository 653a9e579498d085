#!/bin/sh
# po/mkpot.sh - extract every message marked _() or N_() in the sources into
# a .pot template (default po/orgcover.pot); render/'s map_tr(en, s) and
# map_trn(en, one, many, n) (render_int.h) are messages too. `make pot` and the e2e case
# i18n-catalogue both use it, so they see the same messages.
# Usage: sh po/mkpot.sh [OUT.pot]      (run from the repository root)
set -e
out=${1:-po/orgcover.pot}
# shellcheck disable=SC2046
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=map_tr:2 --keyword=map_trn:2,3 \
    --add-comments=TRANSLATORS: --package-name=orgcover --msgid-bugs-address=orgcover \
    --sort-by-file --add-location=file -o "$out" \
    $(find analysis geodata render cli -name '*.c' | LC_ALL=C sort)
