#!/bin/sh
# Runs every test: the unit programs, the conformance walks and the scenarios. Each prints "ok - ..." or
# "not ok - ..." lines (or "skip - reason" for a file that cannot run in this build); this counts them and
# ends with one line "N passed, N failed" (", N skipped" when any file was skipped).
# TESTS=pattern runs only the files whose name matches.
set -u
BUILD=${BUILD:-build}
export BUILD
export VIDPIPE="$PWD/$BUILD/vidpipe"
export VP_ROOT="$PWD"
export VP_TESTDATA="${VP_TESTDATA:-$PWD/../shared/testdata}"
pattern=${TESTS:-}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
pass=0
fail=0
skip=0
failed_files=""

run_one() {
    name=$1
    shift
    case "$name" in *"$pattern"*) ;; *) return ;; esac
    out="$log/out"
    start=$(date +%s)
    "$@" >"$out" 2>"$log/err"
    rc=$?
    secs=$(( $(date +%s) - start ))
    p=$(grep -c '^ok - ' "$out")
    f=$(grep -c '^not ok - ' "$out")
    s=$(grep -c '^skip - ' "$out")
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -gt 0 ] && [ "$rc" -eq 0 ]; then
        skip=$((skip + s))
        echo "SKIP $name: $(sed -n 's/^skip - //p' "$out" | head -n 1)"
        return
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name: exited $rc without reporting a failure" >>"$out"
    fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name: ran no test" >>"$out"
    fi
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$f" -gt 0 ]; then
        failed_files="$failed_files $name"
        echo "FAIL $name ($p passed, $f failed, ${secs}s)"
        grep -v '^ok - ' "$out" | sed 's/^/    /'
        sed 's/^/    stderr: /' "$log/err" | tail -n 30
    else
        echo "PASS $name ($p passed, ${secs}s)"
    fi
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_one "unit/$(basename "$t")" "$t"
done
for t in tests/conformance/*.sh tests/scenarios/*.sh; do
    [ -f "$t" ] || continue
    run_one "$t" bash "$t"
done

[ -n "$failed_files" ] && echo "failed:$failed_files"
if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
