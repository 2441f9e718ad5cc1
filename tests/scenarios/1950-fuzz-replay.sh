# 1950-fuzz-replay: every fuzz target (tests/fuzz/fuzz_*.c), built with the normal compiler and linked with
# tests/fuzz/replay.c into $BUILD/tests/fuzz/, runs without a crash, leak or sanitizer report (under
# `make asan` the binaries carry ASan and UBSan) over its committed seed corpus and over every input a fuzz
# run ever crashed on (tests/fuzz/regressions/<target>/). `make fuzz` does the fuzzing itself (clang).
. tests/lib.sh
BUILD=${BUILD:-build}
bindir="$VP_ROOT/$BUILD/tests/fuzz"
fuzz="$VP_ROOT/tests/fuzz"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

count_files() { find "$@" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }

targets=0
for src in "$fuzz"/fuzz_*.c; do
    t=$(basename "$src" .c)
    targets=$((targets + 1))
    if [ ! -x "$bindir/$t" ]; then
        t_fail "$t: replay binary built" "missing: $bindir/$t (make BUILD=$BUILD all builds it)"
        continue
    fi
    seeds=$(count_files "$fuzz/corpus/$t")
    [ "$seeds" -gt 0 ] && t_ok "$t: has a committed seed corpus ($seeds inputs)" ||
        t_fail "$t: has a committed seed corpus" "tests/fuzz/corpus/$t/ is empty or missing"
    set -- "$fuzz/corpus/$t"
    [ -d "$fuzz/regressions/$t" ] && set -- "$@" "$fuzz/regressions/$t"
    want=$(count_files "$@")
    t_status "$t: replays its corpus and regressions without a crash, leak or sanitizer report" 0 "$bindir/$t" "$@"
    t_eq "$t: every input was replayed" "replayed $want inputs" "$T_OUT"
done
t_eq "eight fuzz targets" 8 "$targets"

# The crashes found so far stay fixed (each was a bug in src/; the file names say which).
t_check "fuzz_videos: regressions are there" test -s "$fuzz/regressions/fuzz_videos/empty-video-id.json"

# The harness itself can fail: an input that cannot be read is an error, not a silent pass.
t_status "replay fails on an unreadable input" 1 "$bindir/fuzz_json_error" "$T_TMP/no-such-input"

# The committed corpus stays small (KBs, not a fuzz run's growth).
size=$(du -sk --apparent-size "$fuzz/corpus" "$fuzz/regressions" | awk '{s += $1} END {print s}')
[ "$size" -le 512 ] && t_ok "committed corpus and regressions are small (${size} KiB)" ||
    t_fail "committed corpus and regressions are small" "${size} KiB in tests/fuzz/corpus and regressions"
