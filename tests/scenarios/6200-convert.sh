# 6200-convert: S3 ObjectCreated -> MediaConvert job + PROCESSING item, end to end. The convert handler (driven
# by build/tests/drive-handler) reads uploads from moto's S3 events, starts jobs at the MediaConvert stand-in
# (tests/fixtures/mediaconvert_standin.py, which checks every request against botocore's model) and writes the
# videos table in moto; boto3 reads both back. One job and one item per object, even when an event is delivered
# twice, after the idempotency window, or in a batch; keys with spaces and unicode work; objects outside the
# prefix are ignored; hostile events are logged errors, never a crash.
. tests/lib.sh
DRIVE="$VP_ROOT/${BUILD:-build}/tests/drive-handler"
[ -x "$DRIVE" ] || { echo "skip - $DRIVE is not built (make)"; exit 0; }

mc() {
    python3 -c "
import boto3, json
c = boto3.client('mediaconvert', endpoint_url='$MC_URL', region_name='us-east-1')
$1"
}
njobs() { mc "print(len(c.list_jobs()['Jobs']))"; }
nitems() { boto dynamodb "print(c.scan(TableName='vp-videos')['Count'])"; }

moto_start
mc_start
boto s3 "c.create_bucket(Bucket='vp-uploads'); c.create_bucket(Bucket='vp-outputs')"
boto dynamodb "c.create_table(TableName='vp-videos', BillingMode='PAY_PER_REQUEST',
    KeySchema=[{'AttributeName': 'user_id', 'KeyType': 'HASH'}, {'AttributeName': 'video_id', 'KeyType': 'RANGE'}],
    AttributeDefinitions=[{'AttributeName': 'user_id', 'AttributeType': 'S'}, {'AttributeName': 'video_id', 'AttributeType': 'S'}])"
# The template: an HLS ladder and a frame-capture file group, no destinations (each job sets them).
mc "c.create_job_template(Name='vp-hls', Settings={'OutputGroups': [
  {'Name': 'HLS', 'OutputGroupSettings': {'Type': 'HLS_GROUP_SETTINGS', 'HlsGroupSettings': {'SegmentLength': 6, 'MinSegmentLength': 0}},
   'Outputs': [{'NameModifier': '_720', 'ContainerSettings': {'Container': 'M3U8'}}]},
  {'Name': 'Thumbnails', 'OutputGroupSettings': {'Type': 'FILE_GROUP_SETTINGS', 'FileGroupSettings': {}},
   'Outputs': [{'NameModifier': '_thumb', 'ContainerSettings': {'Container': 'RAW'},
                'VideoDescription': {'CodecSettings': {'Codec': 'FRAME_CAPTURE', 'FrameCaptureSettings':
                    {'FramerateNumerator': 1, 'FramerateDenominator': 5, 'MaxCaptures': 500, 'Quality': 80}}}}]}],
  'Inputs': [{'TimecodeSource': 'ZEROBASED'}]})"
export VIDPIPE_JOB_TEMPLATE=vp-hls VIDPIPE_MEDIACONVERT_ROLE_ARN=arn:aws:iam::123456789012:role/vp-mediaconvert \
    VIDPIPE_OUTPUT_BUCKET=vp-outputs VIDPIPE_VIDEOS_TABLE=vp-videos

# upload KEY...: puts each object in the uploads bucket; event OUT KEY...: an S3 event from AWS's sample with one
# record per key (the key URL-encoded as S3 encodes it: '+' for a space), each with the object's real versionId
# or, for an unversioned bucket, a sequencer.
upload() { boto s3 "
for k in sys.argv[1:]:
    c.put_object(Bucket='vp-uploads', Key=k, Body=b'clip')" "$@"; }
boto() {
    local svc=$1 code=$2
    shift 2
    python3 -c "
import boto3, json, sys
c = boto3.client('$svc', endpoint_url='$MOTO_URL', region_name='${AWS_REGION:-us-east-1}')
$code" "$@"
}
event() {
    python3 - "$VP_TESTDATA/events/s3-event.json" "$@" <<'PY'
import copy, json, sys, urllib.parse
sample, out, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
record = json.load(open(sample))["Records"][0]
records = []
for i, key in enumerate(keys):
    r = copy.deepcopy(record)
    r["s3"]["bucket"]["name"] = "vp-uploads"
    r["s3"]["bucket"]["arn"] = "arn:aws:s3:::vp-uploads"
    r["s3"]["object"]["key"] = urllib.parse.quote_plus(key, safe="/")
    del r["s3"]["object"]["versionId"]
    r["s3"]["object"]["sequencer"] = "0055AED6DCD9028%03d" % i
    records.append(r)
json.dump({"Records": records}, open(out, "w"))
PY
}
# convert FILE: drives the handler; stdout in $OUT, stderr (its log) in $ERR, exit status in $RC.
convert() {
    OUT=$("$DRIVE" convert "$1" 2>"$T_TMP/drive.err")
    RC=$?
    ERR=$(cat "$T_TMP/drive.err")
}
item() { boto dynamodb "i = c.get_item(TableName='vp-videos', Key={'user_id': {'S': sys.argv[1]}, 'video_id': {'S': sys.argv[2]}}).get('Item', {})
print(' '.join(sys.argv[3:]) and '|'.join(list(i.get(a, {}).values())[0] if i.get(a) else '-' for a in sys.argv[3:]))" "$@"; }

# ---- one upload: one job, one item ----
K1="uploads/user-a/01HZX0000000000000000000V1/clip.mp4"
upload "$K1"
event "$T_TMP/one.json" "$K1"
convert "$T_TMP/one.json"
t_eq "one upload: the handler succeeds" "0" "$RC"
t_eq "one job at MediaConvert" "1" "$(njobs)"
JOB1=$(mc "print(c.list_jobs()['Jobs'][0]['Id'])")
t_eq "the job: template, role, input, metadata" \
    "vp-hls arn:aws:iam::123456789012:role/vp-mediaconvert s3://vp-uploads/$K1 user-a 01HZX0000000000000000000V1" \
    "$(mc "j = c.get_job(Id='$JOB1')['Job']
print(j['JobTemplate'], j['Role'], j['Settings']['Inputs'][0]['FileInput'], j['UserMetadata']['user_id'], j['UserMetadata']['video_id'])")"
t_eq "the job keeps the template's input settings" "ZEROBASED" \
    "$(mc "print(c.get_job(Id='$JOB1')['Job']['Settings']['Inputs'][0]['TimecodeSource'])")"
t_eq "every output group writes under videos/<user>/<video>/ in the outputs bucket" \
    "s3://vp-outputs/videos/user-a/01HZX0000000000000000000V1/ s3://vp-outputs/videos/user-a/01HZX0000000000000000000V1/" \
    "$(mc "g = c.get_job(Id='$JOB1')['Job']['Settings']['OutputGroups']
print(g[0]['OutputGroupSettings']['HlsGroupSettings']['Destination'], g[1]['OutputGroupSettings']['FileGroupSettings']['Destination'])")"
t_eq "the template's outputs are kept" "_720 FRAME_CAPTURE" \
    "$(mc "g = c.get_job(Id='$JOB1')['Job']['Settings']['OutputGroups']
print(g[0]['Outputs'][0]['NameModifier'], g[1]['Outputs'][0]['VideoDescription']['CodecSettings']['Codec'])")"
t_eq "the ClientRequestToken is 64 hex digits" "64" \
    "$(mc "print(len(c.get_job(Id='$JOB1')['Job']['ClientRequestToken'].strip('0123456789abcdef')) or 64)")"
t_eq "one item: PROCESSING with the key, file name and job" "PROCESSING|$K1|clip.mp4|$JOB1" \
    "$(item user-a 01HZX0000000000000000000V1 status source_key filename job_id)"
t_contains "created_at is RFC 3339 UTC" "$(item user-a 01HZX0000000000000000000V1 created_at | grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')" "Z"
t_eq "the response names the job" "$JOB1" "$(printf '%s' "$OUT" | jq -r '.started[0].job_id')"
t_contains "the log says a job started" "$ERR" "started a job"

# ---- the same event again: nothing new ----
convert "$T_TMP/one.json"
t_eq "a redelivered event succeeds" "0" "$RC"
t_eq "still one job" "1" "$(njobs)"
t_eq "the item still names the first job" "$JOB1" "$(item user-a 01HZX0000000000000000000V1 job_id)"
t_contains "the log says the job was started before" "$ERR" "started before"
curl -s -X POST "$MC_URL/_standin/tokens/expire" >/dev/null   # as if MediaConvert's minute had passed
convert "$T_TMP/one.json"
t_eq "redelivered after the token window: still one job (the item records it)" "1 $JOB1" \
    "$(njobs) $(item user-a 01HZX0000000000000000000V1 job_id)"
# The item written but lost between CreateJob and PutItem: the token alone keeps the job single.
boto dynamodb "c.delete_item(TableName='vp-videos', Key={'user_id': {'S': 'user-a'}, 'video_id': {'S': '01HZX0000000000000000000V1'}})"
curl -s -X POST "$MC_URL/_standin/reset" >/dev/null
mc "c.create_job_template(Name='vp-hls', Settings={'OutputGroups': [{'Name': 'HLS', 'OutputGroupSettings': {'Type': 'HLS_GROUP_SETTINGS', 'HlsGroupSettings': {'SegmentLength': 6}}, 'Outputs': [{'NameModifier': '_720', 'ContainerSettings': {'Container': 'M3U8'}}]}]})"
cp "$T_TMP/one.json" "$T_TMP/one-again.json"
convert "$T_TMP/one.json" && convert "$T_TMP/one-again.json"
JOBA=$(item user-a 01HZX0000000000000000000V1 job_id)
boto dynamodb "c.delete_item(TableName='vp-videos', Key={'user_id': {'S': 'user-a'}, 'video_id': {'S': '01HZX0000000000000000000V1'}})"
convert "$T_TMP/one.json"
t_eq "a retry within the window after a lost item: the same job, recorded again" "1 $JOBA" \
    "$(njobs) $(item user-a 01HZX0000000000000000000V1 job_id)"

# ---- a batch of several records, twice ----
K2="uploads/user-a/01HZX0000000000000000000V2/a.mp4"
K3="uploads/user-b/01HZX0000000000000000000V3/My Movie + ünïcödé 🎬.mov"
K4="uploads/user-b/01HZX0000000000000000000V4/100% real (final).mp4"
upload "$K2" "$K3" "$K4"
event "$T_TMP/batch.json" "$K2" "$K3" "$K4"
t_contains "the event encodes the key as S3 does" "$(cat "$T_TMP/batch.json")" "My+Movie+%2B+%C3%BCn%C3%AFc%C3%B6d%C3%A9+%F0%9F%8E%AC.mov"
convert "$T_TMP/batch.json"
t_eq "a batch of three: the handler succeeds" "0" "$RC"
convert "$T_TMP/batch.json"
t_eq "the batch again: the handler succeeds" "0" "$RC"
t_eq "one job and one item per object" "4 4" "$(njobs) $(nitems)"
t_eq "a key with spaces, '+' and unicode: decoded for the job's input" "s3://vp-uploads/$K3" \
    "$(mc "print([j for j in c.list_jobs()['Jobs'] if j['UserMetadata']['video_id'] == '01HZX0000000000000000000V3'][0]['Settings']['Inputs'][0]['FileInput'])")"
t_eq "and for the item" "My Movie + ünïcödé 🎬.mov|$K3" "$(item user-b 01HZX0000000000000000000V3 filename source_key)"
t_eq "a key with '%' and parentheses" "100% real (final).mp4" "$(item user-b 01HZX0000000000000000000V4 filename)"

# ---- objects that are not uploads: skipped, nothing started ----
upload "other/x.mp4" "uploads/loose.mp4" "uploads/u/v/w/deep.mp4"
event "$T_TMP/outside.json" "other/x.mp4" "uploads/loose.mp4" "uploads/u/v/w/deep.mp4" "uploads/u/../v/x.mp4" "uploads/u v/x/y.mp4"
convert "$T_TMP/outside.json"
t_eq "objects outside the prefix or not shaped like an upload: success, skipped" "0" "$RC"
t_eq "no job and no item for them" "4 4" "$(njobs) $(nitems)"
t_contains "logged as outside the prefix" "$ERR" "outside the upload prefix"
t_contains "malformed keys logged as errors" "$ERR" '"level":"ERROR"'
t_eq "the response lists five skipped records" "5" "$(printf '%s' "$OUT" | jq '.skipped | length')"
python3 - "$VP_TESTDATA/events/s3-event.json" "$T_TMP/removed.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["Records"][0]["eventName"] = "ObjectRemoved:Delete"
e["Records"][0]["s3"]["object"]["key"] = "uploads/u/v/x.mp4"
json.dump(e, open(sys.argv[2], "w"))
PY
convert "$T_TMP/removed.json"
t_eq "an ObjectRemoved record is skipped" "0 4" "$RC $(njobs)"
VIDPIPE_UPLOAD_PREFIX=incoming/ convert "$T_TMP/one.json"
t_eq "VIDPIPE_UPLOAD_PREFIX decides what is an upload" "0 4" "$RC $(njobs)"

# ---- failures: the invocation fails after every record, naming the keys ----
K5="uploads/user-c/01HZX0000000000000000000V5/b.mp4"
event "$T_TMP/fail.json" "$K5" "other/y.mp4"
VIDPIPE_JOB_TEMPLATE=no-such-template convert "$T_TMP/fail.json"
t_eq "a job that cannot start fails the invocation" "1" "$RC"
t_contains "naming the failed key" "$ERR" "1 of 2 records failed (retrying is safe): '$K5'"
t_contains "and why" "$ERR" "NotFoundException"
t_eq "no item for it" "-" "$(item user-c 01HZX0000000000000000000V5 status)"
env -u VIDPIPE_OUTPUT_BUCKET "$DRIVE" convert "$T_TMP/fail.json" >/dev/null 2>"$T_TMP/init.err"
t_eq "init names a missing setting" "2 drive-handler: init: VIDPIPE_OUTPUT_BUCKET is not set" "$? $(cat "$T_TMP/init.err")"

# ---- hostile events: logged errors, never a crash or a hang ----
hostile() {
    local name=$1 want=$2
    printf '%s' "$3" >"$T_TMP/hostile.json"
    timeout 20 "$DRIVE" convert "$T_TMP/hostile.json" >"$T_TMP/h.out" 2>"$T_TMP/h.err"
    local rc=$?
    if [ "$rc" = "$want" ] && ! grep -q "AddressSanitizer\|runtime error" "$T_TMP/h.err"; then
        t_ok "hostile: $name"
    else
        t_fail "hostile: $name" "exit want $want got $rc" "$(tail -n 5 "$T_TMP/h.err")"
    fi
}
rec() { printf '{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"vp-uploads"},"object":{"key":%s}}}' "$1"; }
hostile "an empty object" 1 '{}'
hostile "not an object" 1 '[1,2,3]'
hostile "Records is a string" 1 '{"Records":"x"}'
hostile "records of every wrong type" 0 '{"Records":[1,null,"x",[],{},{"s3":5},{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"object":{"key":7},"bucket":{"name":[]}}}]}'
hostile "an invalid percent-escape" 0 "{\"Records\":[$(rec '"uploads/u/v/%zz.mp4"'),$(rec '"uploads/u/v/a%2"')]}"
hostile "a key escaping upwards" 0 "{\"Records\":[$(rec '"uploads/u/%2E%2E/x.mp4"'),$(rec '"uploads/../../etc/passwd"')]}"
hostile "control characters and NUL" 0 "{\"Records\":[$(rec '"uploads/u/v/a%0Ab.mp4"'),$(rec '"uploads/u/v/a%00b.mp4"'),$(rec '"uploads/u/v/a\u0001b.mp4"')]}"
hostile "bytes that are not UTF-8" 0 "{\"Records\":[$(rec '"uploads/u/v/%C3%28.mp4"'),$(rec '"uploads/u/v/%FF.mp4"')]}"
hostile "a huge key" 0 "{\"Records\":[$(rec "\"uploads/u/v/$(head -c 70000 /dev/zero | tr '\0' 'a')\"")]}"
hostile "deep nesting" 0 "{\"Records\":[$(printf '%0.s[' $(seq 1000))$(printf '%0.s]' $(seq 1000))]}"
hostile "a huge batch is refused whole" 1 "{\"Records\":[$(for i in $(seq 150); do rec '"other/x"'; printf ','; done)$(rec '"other/y"')]}"
t_contains "and says why" "$(cat "$T_TMP/h.err")" "151 records"
t_eq "hostile events started nothing" "4 4" "$(njobs) $(nitems)"
t_eq "the stand-in found no request vidpipe sent invalid for the model" "0" \
    "$(curl -s "$MC_URL/_standin/health" | jq .invalid)"
