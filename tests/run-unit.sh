#!/bin/sh
# Run cmocka unit-test binaries; print one line per binary and a total.
# Usage: run-unit.sh [--results FILE] BINARY...
results=""
if [ "$1" = "--results" ]; then results=$2; shift 2; fi
pass=0; fail=0; failed_bins=""
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    n_pass=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    n_fail=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    n_pass=${n_pass:-0}; n_fail=${n_fail:-0}
    if [ $rc -ne 0 ] && [ "$n_fail" = 0 ]; then n_fail=1; fi
    pass=$((pass + n_pass)); fail=$((fail + n_fail))
    if [ $rc -ne 0 ]; then
        printf '%s\n' "$out" | tail -40
        failed_bins="$failed_bins $(basename "$t")"
        echo "unit: FAIL $(basename "$t") ($n_pass passed, $n_fail failed)"
    else
        echo "unit: ok   $(basename "$t") ($n_pass passed)"
    fi
done
[ -n "$results" ] && echo "$pass $fail" > "$results"
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
