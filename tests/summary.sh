#!/bin/sh
# Add up the per-suite result files ("PASSED FAILED") written by the runners.
pass=0; fail=0
for d in "$@"; do
    for f in "$d"/*; do
        [ -f "$f" ] || continue
        read p f2 < "$f"
        pass=$((pass + p)); fail=$((fail + f2))
    done
done
echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
