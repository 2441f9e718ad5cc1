# 3400-state-backends: the state backends on their own, driven with `vidpipe debug state`: two writers
# racing on one state never lose an update (local: the serial check under a folder lock; S3: If-Match on
# the ETag, enforced by moto), the previous version is kept as a backup, and a lock is exclusive, waits with
# a timeout and names its holder. Read back with boto3 for S3.
. tests/lib.sh
moto_start
cd "$T_TMP"

# Local file.
"$VIDPIPE" debug state bump state/race.json --writer a --count 40 >a.out 2>&1 &
pa=$!
"$VIDPIPE" debug state bump state/race.json --writer b --count 40 >b.out 2>&1 &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
t_eq "local: both racing writers finished" "0 0" "$ra $rb"
t_eq "local: no update lost (a=40 b=40, serial 80)" "40 40 80" \
    "$(python3 -c 'import json; s=json.load(open("state/race.json")); print(s["outputs"]["a"], s["outputs"]["b"], s["serial"])')"
t_eq "local: the backup is the version before" "79" \
    "$(python3 -c 'import json; print(json.load(open("state/race.json.backup"))["serial"])')"
t_eq "local: the state file is private (0600)" "600" "$(stat -c %a state/race.json)"
t_eq "local: no temporary file left behind" "race.json race.json.backup" "$(ls state | tr '\n' ' ' | sed 's/ $//')"

"$VIDPIPE" debug state lock state/race.json --hold-ms 1500 >holder.out &
holder=$!
for _ in $(seq 100); do [ -f state/race.json.lock ] && break; sleep 0.05; done
t_eq "local: the lock file exists while held" "yes" "$([ -s state/race.json.lock ] && echo yes || echo no)"
t_status "local: a second lock fails at once" 1 "$VIDPIPE" debug state lock state/race.json
t_contains "naming the holder's id" "$T_ERR" "is locked by $(python3 -c 'import json; print(json.load(open("state/race.json.lock"))["id"])')"
t_contains "its operation, user and time" "$T_ERR" "(debug by $(id -un)@"
t_status "local: with a timeout it waits for the holder" 0 "$VIDPIPE" debug state lock state/race.json --timeout-ms 10000
wait $holder
t_eq "local: the lock is gone after" "no" "$([ -e state/race.json.lock ] && echo yes || echo no)"

# S3, with moto enforcing conditional writes.
boto s3 "c.create_bucket(Bucket='team-state')"
backend=s3://team-state/stacks/dev.json
"$VIDPIPE" debug state bump $backend --writer a --count 25 >a.out 2>&1 &
pa=$!
"$VIDPIPE" debug state bump $backend --writer b --count 25 >b.out 2>&1 &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
t_eq "s3: both racing writers finished" "0 0" "$ra $rb"
t_eq "s3 (boto3): no update lost (a=25 b=25, serial 50)" "25 25 50" \
    "$(boto s3 "s=json.load(c.get_object(Bucket='team-state', Key='stacks/dev.json')['Body']); print(s['outputs']['a'], s['outputs']['b'], s['serial'])")"
t_eq "s3 (boto3): the backup is the version before" "49" \
    "$(boto s3 "print(json.load(c.get_object(Bucket='team-state', Key='stacks/dev.json.backup')['Body'])['serial'])")"
retries=$(cat a.out b.out | sed -n 's/.*retries: \([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
t_eq "s3: the race really happened (some writes were refused and retried)" "yes" "$([ "${retries:-0}" -gt 0 ] && echo yes || echo "no: $(cat a.out b.out)")"

"$VIDPIPE" debug state lock $backend --hold-ms 2000 >holder.out &
holder=$!
for _ in $(seq 100); do [ -s holder.out ] && break; sleep 0.05; done
t_eq "s3: the holder printed its lock id" "yes" "$(grep -Eq '^[0-9a-f-]{36}$' holder.out && echo yes || echo no)"
t_eq "s3 (boto3): the lock object holds the holder's id" "$(cat holder.out)" \
    "$(boto s3 "print(json.load(c.get_object(Bucket='team-state', Key='stacks/dev.json.lock')['Body'])['id'])")"
t_status "s3: a second lock fails at once" 1 "$VIDPIPE" debug state lock $backend
t_contains "naming the holder" "$T_ERR" "s3://team-state/stacks/dev.json' is locked by $(cat holder.out) (debug by "
t_status "s3: with a timeout it waits for the holder" 0 "$VIDPIPE" debug state lock $backend --timeout-ms 15000
wait $holder
t_eq "s3 (boto3): no lock object is left" "stacks/dev.json stacks/dev.json.backup" \
    "$(boto s3 "print(' '.join(o['Key'] for o in c.list_objects_v2(Bucket='team-state')['Contents']))")"
