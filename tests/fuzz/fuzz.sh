#!/bin/sh
# fuzz.sh BINDIR SECONDS TARGET...: runs each libFuzzer target (built by `make fuzz` into BINDIR) for SECONDS,
# one after the other, on a fresh copy of its committed corpus (tests/fuzz/corpus/<target>/): what the run
# finds stays in BINDIR/../corpus/<target>/ and never grows the committed corpus. The target's dictionary
# (tests/fuzz/dict/<target>.dict) is used when there is one. Leak detection is on; UBSan aborts on the first
# report. Prints "ok - fuzz: <target> (N runs)" or "not ok - fuzz: <target>" with the crashing input's path
# (saved in BINDIR/../artifacts/<target>/), then "N passed, N failed"; exits 1 when any target failed.
# Reproduce a crash: BINDIR/<target> PATH; minimise it: BINDIR/<target> -minimize_crash=1 -runs=10000 PATH.
set -u
bindir=$1
seconds=$2
shift 2
root=$(dirname "$bindir")
here=$(dirname "$0")
pass=0
fail=0

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

for t in "$@"; do
    work="$root/corpus/$t" artifacts="$root/artifacts/$t/" log="$root/logs/$t.log"
    rm -rf "$work" "$artifacts"
    mkdir -p "$work" "$artifacts" "$root/logs"
    [ -d "$here/corpus/$t" ] && cp "$here/corpus/$t"/* "$work"/ 2>/dev/null
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$artifacts"
    [ -f "$here/dict/$t.dict" ] && set -- "$@" -dict="$here/dict/$t.dict"
    if "$bindir/$t" "$@" "$work" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        echo "ok - fuzz: $t (${runs:-?} runs in ${seconds}s, corpus $(ls "$work" | wc -l) inputs)"
        pass=$((pass + 1))
    else
        echo "not ok - fuzz: $t"
        grep -E '^==[0-9]+==ERROR|runtime error:|^SUMMARY:|Test unit written to|-fuzzer\] ERROR' "$log" | head -n 8 |
            sed 's/^/#   /'
        echo "#   log: $log"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
