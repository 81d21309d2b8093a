#!/bin/sh
# Run every test binary given as an argument; print each one's cmocka output and a closing
# line "tests: N passed, N failed" counting test cases over all binaries. Exit 1 on any failure.
passed=0
failed=0
status=0
for t in "$@"; do
	out=$(POOLTIDE="${POOLTIDE:-${BUILD:-build}/pooltide}" "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ]; then
		status=1
		[ -z "$f" ] && failed=$((failed + 1)) && echo "$t: exited with status $rc"
	fi
done
echo "tests: $passed passed, $failed failed"
exit $status
