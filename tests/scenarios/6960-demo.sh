# 6960-demo: `make demo`'s script (scripts/demo.sh) as a newcomer runs it: it drives a real video through the
# whole local pipeline and prints each step with its duration and the page's URL; while it keeps the
# pipeline up for the page, everything it started listens on 127.0.0.1 only and the page answers; Enter
# stops it and leaves no process behind; a second run works too, and Ctrl-C during a run also leaves
# nothing. The whole run stays well under five minutes. Processes are traced by a marker variable every
# child inherits, read back from /proc.
. tests/lib.sh
[ -f "$VP_ROOT/$BUILD/handlers/presign.zip" ] || [ -f "$VP_ROOT/build/handlers/presign.zip" ] ||
    { echo "skip - no handler artifacts built (make)"; exit 0; }
[ -f "$VP_ROOT/$BUILD/handlers/presign.zip" ] || export VIDPIPE_ARTIFACTS_DIR=$VP_ROOT/build/handlers
export TMPDIR=$T_TMP
mark="VP_DEMO_MARK=$T_NAME-$$-$RANDOM"

marked_pids() {  # the processes carrying this test's marker in their environment
    local p
    for p in /proc/[0-9]*; do
        tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qx "$mark" && echo "${p#/proc/}"
    done
}

# ---- a first run, kept up for the page until Enter ----
mkfifo "$T_TMP/stdin"
start=$(date +%s)
env "$mark" DEMO_KEEP=1 bash "$VP_ROOT/scripts/demo.sh" <"$T_TMP/stdin" >"$T_TMP/demo1.out" 2>&1 &
demo=$!
exec 3>"$T_TMP/stdin"
for _ in $(seq 1200); do
    grep -q "press Enter" "$T_TMP/demo1.out" && break
    kill -0 "$demo" 2>/dev/null || break
    sleep 0.25
done
out=$(cat "$T_TMP/demo1.out")
t_contains "the demo reaches READY" "$out" "MediaConvert stand-in transcodes; its event -> package: READY"
t_contains "it names each step with its duration" "$out" "PUT the video to the presigned URL"
t_contains "the renditions are listed" "$out" "RESOLUTION=1280x720"
page=$(sed -n 's/^Web page: \(http[^ ]*\).*/\1/p' "$T_TMP/demo1.out")
t_contains "it prints the page's URL" "$page" "http://127.0.0.1:"
t_eq "the page answers" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$page")"
pids=$(marked_pids | tr '\n' '|' | sed 's/|$//')
listening=$(ss -ltnpH | grep -E "pid=($pids)," | awk '{print $4}')
t_check "its servers are up (moto, the stand-in, serve)" test "$(echo "$listening" | wc -l)" -ge 4
t_eq "every one listens on 127.0.0.1 only" "" "$(echo "$listening" | grep -v '^127\.0\.0\.1:' || true)"
echo >&3
exec 3>&-
wait "$demo"
t_eq "Enter ends it with exit 0" 0 "$?"
t_eq "and leaves no process behind" "" "$(marked_pids)"
t_check "the whole run took under five minutes" test $(( $(date +%s) - start )) -lt 300

# ---- a second run ----
env "$mark" DEMO_KEEP=0 bash "$VP_ROOT/scripts/demo.sh" </dev/null >"$T_TMP/demo2.out" 2>&1
t_eq "a second run works too" 0 "$?"
t_contains "and reaches READY" "$(cat "$T_TMP/demo2.out")" "its event -> package: READY"
t_eq "leaving nothing" "" "$(marked_pids)"

# ---- Ctrl-C in the middle ----
# A background job of a script starts with SIGINT ignored, and bash cannot trap a signal ignored at entry:
# the demo is started with SIGINT back to its default, in a process group of its own, as on a terminal.
as_on_a_terminal='import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])'
env "$mark" DEMO_KEEP=0 python3 -c "$as_on_a_terminal" bash "$VP_ROOT/scripts/demo.sh" </dev/null >"$T_TMP/demo3.out" 2>&1 &
demo=$!
for _ in $(seq 600); do
    grep -q "vidpipe serve:" "$T_TMP/demo3.out" && break
    sleep 0.1
done
kill -INT -- -"$demo"
wait "$demo"
rc=$?
t_eq "Ctrl-C stops it with exit 130" 130 "$rc"
t_eq "and leaves no process behind" "" "$(marked_pids)"
t_eq "nor its temporary folder" "" "$(ls -d "$T_TMP"/vidpipe-demo.* 2>/dev/null)"
