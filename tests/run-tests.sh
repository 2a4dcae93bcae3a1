#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Run cmocka test binaries and add up their results.
#
# Usage (from the repository root): sh tests/run-tests.sh build/tests/test_*
#
# Each binary's output is streamed as it runs. The cmocka summary lines
# "[  PASSED  ] N test(s).", "[  FAILED  ] N test(s)..." and
# "[  SKIPPED ] N test(s)..." are added up, and the last line printed is
# exactly "N passed, N failed, N skipped". A binary that exits non-zero
# without reporting a failure, or that ends without a summary (a crash),
# counts as one failed test. Exits 1 if anything failed, else 0.
set -u

if [ "$#" -eq 0 ]; then
    echo "usage: $0 TEST_BINARY..." >&2
    exit 2
fi

# cmocka's plain-text output is what is parsed below.
CMOCKA_MESSAGE_OUTPUT=stdout
export CMOCKA_MESSAGE_OUTPUT
unset CMOCKA_TEST_ABORT

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fipsmod-tests.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
skipped=0
broken=""

# Sum of N over the lines "[  <WORD> ] N test(s)" of file $2.
count() {
    sed -n "s/^\[  *$1  *\] \([0-9][0-9]*\) test(s).*/\1/p" "$2" |
        awk '{ s += $1 } END { print s + 0 }'
}

for bin in "$@"; do
    name=$(basename "$bin")
    log="$tmp/$name.log"
    echo "=== $name"
    if [ ! -x "$bin" ]; then
        echo "run-tests: $bin is not an executable" >&2
        failed=$((failed + 1))
        broken="$broken $name(missing)"
        continue
    fi
    start=$(date +%s)
    # The exit status of the binary, not of tee, is wanted: save it aside.
    { "$bin" 2>&1; echo $? >"$tmp/rc"; } | tee "$log"
    rc=$(cat "$tmp/rc")
    p=$(count PASSED "$log")
    f=$(count FAILED "$log")
    s=$(count SKIPPED "$log")
    summary=$(grep -c '^\[==========\] [0-9][0-9]* test(s) run\.' "$log")
    if [ "$summary" -eq 0 ]; then
        echo "run-tests: $name ended without a cmocka summary (exit status $rc): counted as a failure"
        f=$((f + 1))
        broken="$broken $name(crashed)"
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "run-tests: $name exited with status $rc but reported no failure: counted as a failure"
        f=1
        broken="$broken $name(exit $rc)"
    elif [ "$f" -gt 0 ]; then
        broken="$broken $name"
    fi
    echo "=== $name: $p passed, $f failed, $s skipped ($(( $(date +%s) - start )) s)"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
done

if [ -n "$broken" ]; then
    echo "failing:$broken"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
