#!/bin/sh
# End-to-end tests: run the real binary on real files.
#
# Each case is a folder tests/e2e/cases/NAME/ holding
#   cmd     shell commands to run (sh, set -e off); $OC is the binary,
#           $DATA the repository's data/, $FIX tests/fixtures/, $T a fresh
#           scratch folder (also the working directory), $SRC the repo root,
#           $BIN the binary without any wrapper (its folder holds tools/)
#   rc      expected exit status of cmd (default 0)
#   stdout  patterns, one per line (grep -E); each must match the output;
#   stderr  a line starting with '!' must NOT match
#   check   optional script run afterwards with the same environment; must exit 0
#
# Cases are independent and run $E2E_JOBS (default 2) at a time.
# Usage: run.sh [--results FILE] [--valgrind] BINARY [CASE...]
results=""
[ "${E2E_ONE:-}" ] || wrap=""
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

# One case, run in its own folder of $scratch; the verdict goes to $T/.result.
run_one() {
    c=$1
    d="$cases_dir/$c"
    [ -f "$d/cmd" ] || return 0
    T="$scratch/$c"; mkdir -p "$T"
    want_rc=0; [ -f "$d/rc" ] && want_rc=$(cat "$d/rc")
    ( cd "$T" && OC="$wrap $bin" BIN="$bin" DATA="$SRC/data" FIX="$SRC/tests/fixtures" T="$T" SRC="$SRC" \
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
        echo "e2e: ok   $c" > "$T/.result"
    else
        { echo "e2e: FAIL $c: ${why#; }"
          echo "---- stderr:"; tail -15 "$T/.stderr"; echo "---- stdout:"; tail -15 "$T/.stdout"
        } > "$T/.result"
    fi
}

if [ "${E2E_ONE:-}" ]; then # re-entered through xargs below: one case
    run_one "$E2E_ONE"
    exit 0
fi
if [ $# -gt 0 ]; then cases="$*"; else cases=$(ls "$cases_dir"); fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgcover-e2e.XXXXXX")
export scratch wrap
printf '%s\n' $cases | xargs -P "${E2E_JOBS:-2}" -I{} env E2E_ONE={} sh "$0" "$bin"
pass=0; fail=0
for c in $cases; do
    [ -f "$cases_dir/$c/cmd" ] || continue
    r="$scratch/$c/.result"
    if [ -f "$r" ] && head -1 "$r" | grep -q '^e2e: ok'; then
        pass=$((pass + 1)); cat "$r"
    else
        fail=$((fail + 1))
        if [ -f "$r" ]; then cat "$r"; else echo "e2e: FAIL $c: no result (the runner died)"; fi
    fi
done
[ "$fail" -eq 0 ] && rm -rf "$scratch"
[ -n "$results" ] && echo "$pass $fail" > "$results"
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
