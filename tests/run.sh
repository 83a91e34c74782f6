#!/bin/sh
# tests/run.sh - run every unit test binary ($TEST_BIN/test_*) and every shell
# test (tests/*/*.test.sh), then print the total "N passed, N failed, N skipped".
# Each test program prints its own such line last; a program that crashes or
# prints none counts as one failure.
set -u
: "${NEWSFS:=build/newsfs}" "${TEST_BIN:=build/tests}"
TEST_FIXTURES=${TEST_FIXTURES:-$(pwd)/tests/fixtures}
export NEWSFS TEST_BIN TEST_FIXTURES
NEWSFS=$(cd "$(dirname "$NEWSFS")" && pwd)/$(basename "$NEWSFS")
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

add() { # add NAME: fold the last summary line of $log into the totals
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL $1: no summary line (crashed?)"
        failed=$((failed + 1))
        return
    fi
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $1: exit status $2"
        failed=$((failed + 1))
    fi
}

for t in "$TEST_BIN"/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    echo "== $name"
    "$t" >"$log" 2>&1
    rc=$?
    grep -vE '^ok   ' "$log"
    add "$name" $rc
done

for t in tests/*/*.test.sh; do
    [ -f "$t" ] || continue
    echo "== $t"
    sh "$t" >"$log" 2>&1
    rc=$?
    grep -vE '^ok   ' "$log"
    add "$t" $rc
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
