#!/bin/sh
# End-to-end tests: run the real binary on real files.
#
# Each case is a folder tests/e2e/cases/NAME/ holding
#   cmd     shell commands to run (sh, set -e off); $OC is the binary,
#           $DATA the repository's data/, $FIX tests/fixtures/, $T a fresh
#           scratch folder (also the working directory), $SRC the repo root
#   rc      expected exit status of cmd (default 0)
#   stdout  patterns, one per line (grep -E); each must match the output;
#   stderr  a line starting with '!' must NOT match
#   check   optional script run afterwards with the same environment; must exit 0
#
# Usage: run.sh [--results FILE] [--valgrind] BINARY [CASE...]
results=""; wrap=""
while [ $# -gt 0 ]; do
    case "$1" in
        --results) results=$2; shift 2 ;;
        --valgrind) wrap="valgrind -q --error-exitcode=99 --leak-check=full"; shift ;;
        *) break ;;
    esac
done
bin=$1; shift
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case "$bin" in /*) ;; *) bin="$SRC/$bin" ;; esac
cases_dir="$SRC/tests/e2e/cases"
if [ $# -gt 0 ]; then cases="$*"; else cases=$(ls "$cases_dir"); fi
pass=0; fail=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgcover-e2e.XXXXXX")
for c in $cases; do
    d="$cases_dir/$c"
    [ -f "$d/cmd" ] || continue
    T="$scratch/$c"; mkdir -p "$T"
    want_rc=0; [ -f "$d/rc" ] && want_rc=$(cat "$d/rc")
    ( cd "$T" && OC="$wrap $bin" DATA="$SRC/data" FIX="$SRC/tests/fixtures" T="$T" SRC="$SRC" \
        ORGCOVER_DB= LC_ALL=C.UTF-8 sh "$d/cmd" >"$T/.stdout" 2>"$T/.stderr" ); rc=$?
    why=""
    [ "$rc" = "$want_rc" ] || why="exit status $rc, expected $want_rc"
    for stream in stdout stderr; do
        [ -f "$d/$stream" ] || continue
        while IFS= read -r pat || [ -n "$pat" ]; do
            [ -n "$pat" ] || continue
            case "$pat" in
                '!'*) if grep -Eq -- "${pat#!}" "$T/.$stream"; then why="$why; $stream matches '${pat#!}'"; fi ;;
                *) if ! grep -Eq -- "$pat" "$T/.$stream"; then why="$why; $stream lacks '$pat'"; fi ;;
            esac
        done < "$d/$stream"
    done
    if [ -z "$why" ] && [ -f "$d/check" ]; then
        if ! ( cd "$T" && OC="$bin" DATA="$SRC/data" FIX="$SRC/tests/fixtures" T="$T" SRC="$SRC" \
                 LC_ALL=C.UTF-8 sh "$d/check" >"$T/.check" 2>&1 ); then
            why="check failed: $(tail -5 "$T/.check")"
        fi
    fi
    # AddressSanitizer / UBSan reports fail a case whatever its exit status.
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/.stderr"; then
        why="$why; sanitizer report: $(grep -E -m1 'Sanitizer|runtime error' "$T/.stderr")"
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1)); echo "e2e: ok   $c"
    else
        fail=$((fail + 1)); echo "e2e: FAIL $c: ${why#; }"
        echo "---- stderr:"; tail -15 "$T/.stderr"; echo "---- stdout:"; tail -15 "$T/.stdout"
    fi
done
[ "$fail" -eq 0 ] && rm -rf "$scratch"
[ -n "$results" ] && echo "$pass $fail" > "$results"
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
