#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The known-answer test harness behind `make kat`.
#
# Runs the module's self-test (when the tool has a `selftest` command), then
# answers every ACVP vector set with `build/fipsmod acvp` and grades the
# answers with `build/kat-grade`: first the sets shipped in kat-vectors/,
# then NIST's sample sets in ../shared/vectors/acvp/ when that folder exists.
#
# Random answers (RSA keyGen GDT keys, RSA sigGen keys and signatures,
# ECDSA keyGen keys, ECDSA sigGen keys and signatures) can never equal
# NIST's: build/kat-verify (tests/kat/kat_verify.c, OpenSSL's libcrypto as
# the independent oracle) checks them and kat-grade takes its verdicts for
# those tests (see both files); `make kat` builds it. Those tests are never
# passed unchecked: without a verdict they are compared with NIST's answers
# and fail.
#
# Output, one line per vector set, meant to be read by people and by grep:
#   PASS <name> <passed>/<claimed> [(<k> not claimed: <why>)] [<seconds> s]
#   FAIL <name> <passed>/<claimed> [(...)] [<seconds> s]   + indented details
#   SKIP <name>: <reason>          (fipsmod exit status 3: not supported yet)
# and last "<N> passed, <N> failed, <N> skipped": passed and failed count
# test cases, skipped counts vector sets. Names are kat:<dir> and
# acvp:<dir>. A fipsmod crash or other non-zero exit fails every test of
# the set. Exit status 1 when anything failed, 2 when the tools are missing.
#
# Usage: sh tests/kat/run-kat.sh [PATTERN...]
#   With patterns, only the sets whose name contains one of them run
#   (e.g. `sh tests/kat/run-kat.sh SHA2-256 HMAC`).
# Responses and stderr of each set are kept in build/kat/ for inspection.
set -u

cd "$(dirname "$0")/../.." || exit 2

FIPSMOD=build/fipsmod
GRADE=build/kat-grade
VERIFY=build/kat-verify
OUT=build/kat
ACVP_DIR=../shared/vectors/acvp

for tool in "$FIPSMOD" "$GRADE" "$VERIFY"; do
    if [ ! -x "$tool" ]; then
        echo "run-kat.sh: $tool is not built (run: make kat)" >&2
        exit 2
    fi
done
mkdir -p "$OUT" || exit 2

echo "implementations: FIPSMOD_CPU=${FIPSMOD_CPU:-native} (make kat-portable forces the portable code)"

passed=0
failed=0
skipped=0

# Nanoseconds since the epoch; whole seconds where date lacks %N.
now_ns() {
    t=$(date +%s%N)
    case $t in
        *N*) echo "$(( $(date +%s) * 1000000000 ))" ;;
        *) echo "$t" ;;
    esac
}

seconds_since() {
    awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

# Print at most 5 lines of a file, indented under the set's line.
details() {
    head -n 5 "$1" | sed 's/^/    /'
}

selected() {
    [ $# -eq 1 ] && return 0
    name=$1
    shift
    for pattern in "$@"; do
        case $name in *"$pattern"*) return 0 ;; esac
    done
    return 1
}

# run_set NAME DIR
run_set() {
    name=$1
    dir=$2
    file=$(printf '%s' "$name" | tr ':/' '--')
    resp=$OUT/$file.response.json
    err=$OUT/$file.stderr
    gerr=$OUT/$file.grade.stderr
    verdicts=$OUT/$file.verdicts.json
    verr=$OUT/$file.verify.stderr

    if [ ! -f "$dir/prompt.json" ] || [ ! -f "$dir/expectedResults.json" ]; then
        echo "SKIP $name: no prompt.json and expectedResults.json in $dir"
        skipped=$((skipped + 1))
        return
    fi

    start=$(now_ns)
    "$FIPSMOD" acvp "$dir/prompt.json" > "$resp" 2> "$err"
    rc=$?
    if [ "$rc" -eq 3 ]; then
        reason=$(sed -n 's/^fipsmod acvp: //p' "$err" | head -n 1)
        [ -n "$reason" ] || reason=$(head -n 1 "$err")
        echo "SKIP $name: ${reason:-not supported}"
        skipped=$((skipped + 1))
        return
    fi
    why=""
    if [ "$rc" -ne 0 ]; then
        if [ "$rc" -gt 128 ]; then
            why="fipsmod acvp was killed by signal $((rc - 128))"
        else
            why="fipsmod acvp exited with status $rc"
        fi
        # Grade an empty response: every test of the set counts as failed.
        printf '{"testGroups": []}\n' > "$resp"
    fi

    # Verdicts for the random answers (an empty list for most sets).
    vwhy=""
    set --
    if [ -x "$VERIFY" ]; then
        if "$VERIFY" "$dir/prompt.json" "$resp" > "$verdicts" 2> "$verr"; then
            set -- --verdicts "$verdicts"
        else
            vwhy="kat-verify exited with status $?"
        fi
    fi
    line=$("$GRADE" "$@" "$dir/expectedResults.json" "$resp" 2> "$gerr")
    grc=$?
    secs=$(seconds_since "$start")
    counts=$(printf '%s\n' "$line" | sed -n \
        's/^passed=\([0-9]*\) failed=\([0-9]*\) notclaimed=\([0-9]*\) total=\([0-9]*\)$/\1 \2 \3 \4/p')
    if [ -z "$counts" ]; then
        echo "FAIL $name 0/0 [$secs s]"
        echo "    kat-grade exited with status $grc and printed no result"
        details "$gerr"
        failed=$((failed + 1))
        return
    fi
    # shellcheck disable=SC2086
    set -- $counts
    p=$1 f=$2 nc=$3 total=$4
    claimed=$((total - nc))
    note=""
    if [ "$nc" -gt 0 ]; then
        # fipsmod counts unclaimed tests per reason on stderr.
        if grep 'not claimed (' "$err" | grep -qv 'bit-oriented'; then
            note=" ($nc not claimed: see $err)"
        else
            note=" ($nc not claimed: bit-oriented)"
        fi
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -eq 0 ] && [ "$grc" -eq 0 ] && [ "$f" -eq 0 ] && [ -z "$vwhy" ]; then
        echo "PASS $name $p/$claimed$note [$secs s]"
    else
        echo "FAIL $name $p/$claimed$note [$secs s]"
        if [ -n "$why" ]; then
            echo "    $why:"
            details "$err"
        elif [ -n "$vwhy" ]; then
            echo "    $vwhy:"
            details "$verr"
        else
            details "$gerr"
        fi
    fi
}

# ---- power-up self-test --------------------------------------------------
if "$FIPSMOD" help 2>/dev/null | awk '$1 == "selftest" { found = 1 } END { exit !found }'; then
    start=$(now_ns)
    if "$FIPSMOD" selftest > "$OUT/selftest.log" 2>&1; then
        echo "selftest: passed [$(seconds_since "$start") s]"
    else
        rc=$?
        echo "selftest: FAILED with status $rc [$(seconds_since "$start") s]"
        details "$OUT/selftest.log"
        failed=$((failed + 1))
    fi
else
    echo "selftest: command not available yet, skipped"
fi

# ---- vector sets ---------------------------------------------------------
for dir in kat-vectors/*/; do
    [ -d "$dir" ] || continue
    name=kat:$(basename "$dir")
    selected "$name" "$@" && run_set "$name" "${dir%/}"
done

if [ -d "$ACVP_DIR" ]; then
    for dir in "$ACVP_DIR"/*/; do
        [ -d "$dir" ] || continue
        name=acvp:$(basename "$dir")
        selected "$name" "$@" && run_set "$name" "${dir%/}"
    done
else
    echo "$ACVP_DIR not found: running kat-vectors/ only"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
