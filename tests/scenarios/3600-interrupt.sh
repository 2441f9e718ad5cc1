# 3600-interrupt: an apply killed (SIGKILL) at any point loses nothing: the state always parses, and a rerun
# converges without duplicates; Ctrl-C (SIGINT) finishes what is in flight, saves state, unlocks, exits 1.
. tests/lib.sh
moto_start
fault_start --latency-ms 60
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
spec=$VP_ROOT/examples/storage.yaml
for delay in 0.2 0.5 0.9 1.4; do
    moto_reset
    rm -rf state
    "$VIDPIPE" apply "$spec" --var stack=k1 --auto-approve >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    if [ -f state/k1.json ]; then
        t_check "killed after ${delay}s: the state parses" python3 -c 'import json; json.load(open("state/k1.json"))'
    else
        t_ok "killed after ${delay}s: no state written yet"
    fi
    rm -f state/k1.json.lock        # the killed run's lock (force-unlock's job; tested in 3200)
    t_status "killed after ${delay}s: a rerun converges" 0 "$VIDPIPE" apply "$spec" --var stack=k1 --auto-approve
    t_status "killed after ${delay}s: then nothing is left to do" 0 "$VIDPIPE" plan "$spec" --var stack=k1 --detailed-exitcode
    t_eq "killed after ${delay}s: one bucket, one table (boto3)" "k1-vidpipe-uploads k1-videos" \
        "$(boto s3 "print(' '.join(b['Name'] for b in c.list_buckets()['Buckets']))") $(boto dynamodb "print(' '.join(c.list_tables()['TableNames']))")"
done

"$VIDPIPE" apply "$spec" --var stack=k1 --var app_origin=https://int.example.com --auto-approve >"$T_TMP/int.out" 2>&1 &
pid=$!
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
t_eq "Ctrl-C: exits non-zero" "1" "$rc"
t_check "Ctrl-C: the state parses" python3 -c 'import json; json.load(open("state/k1.json"))'
t_eq "Ctrl-C: the lock is released" "no" "$([ -f state/k1.json.lock ] && echo yes || echo no)"
t_status "Ctrl-C: a rerun converges" 0 "$VIDPIPE" apply "$spec" --var stack=k1 --var app_origin=https://int.example.com --auto-approve
