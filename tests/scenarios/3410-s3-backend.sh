# 3410-s3-backend: state kept in S3 for a team: two runners in different folders (as on two machines, with
# nothing shared but the bucket) apply at once; exactly one runs, the other fails naming the holder. The
# state object is read back with boto3, and a third runner plans from it with no changes.
. tests/lib.sh
moto_start
boto s3 "c.create_bucket(Bucket='team-state'); c.put_bucket_versioning(Bucket='team-state', VersioningConfiguration={'Status': 'Enabled'})"
fault_start --latency-ms 150          # every call takes 150 ms, so the two applies overlap
export VIDPIPE_WAIT_POLL_MS=20
cat >"$T_TMP/spec.yaml" <<'YAML'
vidpipe: 1
stack: team
region: us-east-1
backend:
  s3:
    bucket: team-state
    key: vidpipe/${stack}.json
resources:
  media:
    type: s3_bucket
    name: team-media-bucket
  videos:
    type: dynamodb_table
    name: team-videos
    hash_key: id
    attributes: {id: S}
outputs:
  table: ${videos.name}
YAML
mkdir -p "$T_TMP/runner1" "$T_TMP/runner2" "$T_TMP/runner3"
(cd "$T_TMP/runner1" && "$VIDPIPE" apply ../spec.yaml --auto-approve >out 2>err; echo $? >rc) &
r1=$!
(cd "$T_TMP/runner2" && "$VIDPIPE" apply ../spec.yaml --auto-approve >out 2>err; echo $? >rc) &
r2=$!
wait $r1 $r2
t_eq "of two concurrent applies, one succeeds and one fails" "0 1" \
    "$(cat "$T_TMP/runner1/rc" "$T_TMP/runner2/rc" | sort | tr '\n' ' ' | sed 's/ $//')"
# The loser is refused at the lock, naming its holder. moto's If-None-Match is not atomic (its threaded server
# checks, then writes: under load both runners have been seen to create the lock), and then the state's own
# conditional write refuses the second writer; real S3 decides conditional writes atomically.
loser_err=$(cat "$T_TMP"/runner*/err)
case "$loser_err" in
    *"changed by another run since it was read"*)
        t_ok "the loser is refused (by the state's conditional write: moto let both take the lock)" ;;
    *) t_contains "the loser names the lock's holder" "$loser_err" "s3://team-state/vidpipe/team.json' is locked by" ;;
esac
t_eq "boto3: the table was created once" "team-videos" "$(boto dynamodb "print(' '.join(c.list_tables()['TableNames']))")"
t_eq "boto3: the state object holds both resources" "dynamodb_table.videos s3_bucket.media" \
    "$(boto s3 "s=json.load(c.get_object(Bucket='team-state', Key='vidpipe/team.json')['Body']); print(' '.join(sorted(r['address'] for r in s['resources'])))")"
t_eq "boto3: no lock object is left behind" "vidpipe/team.json" \
    "$(boto s3 "print(' '.join(sorted({o['Key'] for o in c.list_objects_v2(Bucket='team-state')['Contents']} - {'vidpipe/team.json.backup'})))")"
t_eq "nothing was written locally" "no" "$([ -e "$T_TMP/runner1/state" ] || [ -e "$T_TMP/runner2/state" ] && echo yes || echo no)"

cd "$T_TMP/runner3"
t_status "a third runner plans from the shared state: no changes" 0 "$VIDPIPE" plan ../spec.yaml --detailed-exitcode
t_status "and reads its outputs" 0 "$VIDPIPE" output table ../spec.yaml
t_eq "from S3" "team-videos" "$T_OUT"
t_status "destroy from there" 0 "$VIDPIPE" destroy ../spec.yaml --auto-approve
t_eq "boto3: the table is gone" "" "$(boto dynamodb "print(' '.join(c.list_tables()['TableNames']))")"
t_eq "boto3: the state object is empty" "0" \
    "$(boto s3 "print(len(json.load(c.get_object(Bucket='team-state', Key='vidpipe/team.json')['Body'])['resources']))")"
