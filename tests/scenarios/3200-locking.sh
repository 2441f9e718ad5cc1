# 3200-locking: two applies on one state never both run: the second fails naming the holder (or waits with
# --lock-timeout); force-unlock clears a lock left by a killed run.
. tests/lib.sh
moto_start
fault_start --latency-ms 150          # every call takes 150 ms, so an apply lasts long enough to overlap
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
spec=$VP_ROOT/examples/storage.yaml
"$VIDPIPE" apply "$spec" --var stack=l1 --auto-approve >"$T_TMP/a.out" 2>&1 &
first=$!
for _ in $(seq 100); do [ -f state/l1.json.lock ] && break; sleep 0.05; done
t_status "a second apply while the first runs fails" 1 "$VIDPIPE" apply "$spec" --var stack=l1 --auto-approve
t_contains "naming the holder and the operation" "$T_ERR" "(apply by "
t_contains "and how to clear a stale lock" "$T_ERR" "force-unlock"
wait "$first"
t_eq "the first apply succeeded" "0" "$?"
t_eq "exactly one apply created the table (boto3)" "l1-videos" "$(boto dynamodb "print(' '.join(c.list_tables()['TableNames']))")"

# --lock-timeout waits for the holder to finish.
"$VIDPIPE" apply "$spec" --var stack=l1 --var app_origin=https://a.example.com --auto-approve >/dev/null 2>&1 &
first=$!
for _ in $(seq 100); do [ -f state/l1.json.lock ] && break; sleep 0.05; done
t_status "apply --lock-timeout 60s" 0 "$VIDPIPE" apply "$spec" --var stack=l1 --var app_origin=https://a.example.com --auto-approve --lock-timeout 60s
wait "$first"

# A lock left by a killed run: force-unlock with its id.
"$VIDPIPE" apply "$spec" --var stack=l1 --var app_origin=https://b.example.com --auto-approve >/dev/null 2>&1 &
victim=$!
for _ in $(seq 100); do [ -f state/l1.json.lock ] && break; sleep 0.05; done
kill -9 "$victim"; wait "$victim" 2>/dev/null
t_status "the killed run's lock blocks the next" 1 "$VIDPIPE" apply "$spec" --var stack=l1 --auto-approve
lock_id=$(python3 -c 'import json; print(json.load(open("state/l1.json.lock"))["id"])')
t_status "force-unlock with a wrong id is refused" 1 "$VIDPIPE" force-unlock not-the-id "$spec" --var stack=l1
t_status "force-unlock with the id" 0 "$VIDPIPE" force-unlock "$lock_id" "$spec" --var stack=l1
t_status "then apply converges" 0 "$VIDPIPE" apply "$spec" --var stack=l1 --var app_origin=https://b.example.com --auto-approve
t_eq "boto3: the last origin is applied" "['https://b.example.com']" "$(boto s3 "print(c.get_bucket_cors(Bucket='l1-vidpipe-uploads')['CORSRules'][0]['AllowedOrigins'])")"
