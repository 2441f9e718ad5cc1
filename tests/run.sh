#!/bin/sh
# Runs every test: the unit programs, the conformance walks and the scenarios. Each prints "ok - ..." or
# "not ok - ..." lines (or "skip - reason" for a file that cannot run in this build); this counts them and
# ends with one line "N passed, N failed" (", N skipped" when any file was skipped).
# TESTS=pattern runs only the files whose name matches. TEST_JOBS=N runs N files at a time (default 2):
# most of a scenario's time is spent waiting on moto, a single-threaded Python server of its own. The files
# named in ALONE (valgrind, the browser, the demo, signal timing, and the packaging tests, which relink
# $BUILD/vidpipe) run with nothing beside them. Results are printed in file order as they complete.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"     # wait -n and arrays
set -u
BUILD=${BUILD:-build}
export BUILD
export VIDPIPE="$PWD/$BUILD/vidpipe"
export VP_ROOT="$PWD"
# AWS's conformance data sits in ../shared/testdata beside the checkout; a clone made elsewhere (a CI job's
# temporary folder) finds it beside the local repository it was cloned from.
if [ -z "${VP_TESTDATA:-}" ]; then
    VP_TESTDATA=$PWD/../shared/testdata
    origin=$(git config --get remote.origin.url 2>/dev/null || true)
    if [ ! -d "$VP_TESTDATA" ] && [ -n "$origin" ] && [ -d "$origin/../shared/testdata" ]; then
        VP_TESTDATA=$(cd "$origin/../shared/testdata" && pwd)
    fi
fi
export VP_TESTDATA
pattern=${TESTS:-}
jobs_max=${TEST_JOBS:-2}
ALONE="0900-valgrind 3600-interrupt 6950-player-e2e 6960-demo 7100-install 7200-dist 7300-deb"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

names=()
commands=()
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    names+=("unit/$(basename "$t")")
    commands+=("$t")
done
for t in tests/conformance/*.sh tests/scenarios/*.sh; do
    [ -f "$t" ] || continue
    names+=("$t")
    commands+=("bash $t")
done

alone() {
    local a
    for a in $ALONE; do case "$1" in *"$a"*) return 0 ;; esac; done
    return 1
}

# One file: its output in $log/I.out and .err, then "rc secs" in $log/I.done (written last).
run_file() {
    local i=$1 start rc
    start=$(date +%s)
    # shellcheck disable=SC2086
    ${commands[$i]} >"$log/$i.out" 2>"$log/$i.err"
    rc=$?
    echo "$rc $(( $(date +%s) - start ))" >"$log/$i.tmp" && mv "$log/$i.tmp" "$log/$i.done"
}

launch_all() {
    local i
    for i in "${!names[@]}"; do
        case "${names[$i]}" in *"$pattern"*) ;; *) continue ;; esac
        if alone "${names[$i]}"; then
            wait
            run_file "$i"
            continue
        fi
        while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
        run_file "$i" &
    done
    wait
}

pass=0
fail=0
skip=0
failed_files=""

report() {
    local i=$1 name=${names[$1]} out="$log/$1.out" rc secs p f s
    read -r rc secs <"$log/$i.done"
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
        sed 's/^/    stderr: /' "$log/$i.err" | tail -n 30
    else
        echo "PASS $name ($p passed, ${secs}s)"
    fi
}

launch_all &
launcher=$!
for i in "${!names[@]}"; do
    case "${names[$i]}" in *"$pattern"*) ;; *) continue ;; esac
    until [ -f "$log/$i.done" ]; do
        kill -0 "$launcher" 2>/dev/null || [ -f "$log/$i.done" ] || { echo "not ok - ${names[$i]}: never ran"; break; }
        sleep 0.2
    done
    [ -f "$log/$i.done" ] && report "$i" || fail=$((fail + 1))
done
wait "$launcher"

[ -n "$failed_files" ] && echo "failed:$failed_files"
if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
