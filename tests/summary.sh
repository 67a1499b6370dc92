#!/bin/sh
# Count the test results of every .trs file under each DIR and print the
# last line of the run: "N passed, N failed".
[ $# -gt 0 ] || set -- tests
pass=0; fail=0; skip=0
for f in $(find "$@" -name '*.trs' 2>/dev/null); do
	p=$(grep -c '^:test-result: \(PASS\|XFAIL\)' "$f")
	s=$(grep -c '^:test-result: SKIP' "$f")
	x=$(grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)' "$f")
	pass=$((pass + p)); fail=$((fail + x)); skip=$((skip + s))
done
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
