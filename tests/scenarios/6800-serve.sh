# 6800-serve: `vidpipe serve` runs examples/video-pipeline.yaml's wiring locally against moto and the
# MediaConvert stand-in, with the built handler artifacts:
#   - the HTTP API: routes to the right function with a payload 2.0 event; the JWT authorizer enforced (no
#     token, a forged signature, another issuer's key, another audience: 401 with API Gateway's body); CORS
#     preflights answered as API Gateway answers them; an unknown route is 404;
#   - S3: an object created under the notification's prefix reaches convert as an S3 event (the video is
#     recorded in DynamoDB and a MediaConvert job is created, both read back with boto3); one outside the
#     prefix reaches nothing;
#   - EventBridge: PutEvents (boto3) to serve's endpoint: a job state change matching the rule reaches
#     package (the video becomes READY), one of another stack does not;
#   - /media serves the spec's buckets (Range too); hostile input (path traversal, a foreign bucket, an 11 MB
#     body, truncated JSON, a garbage token, a 100 kB URL) gets a 4xx and serve goes on answering;
#   - it listens on 127.0.0.1 only, and SIGTERM stops it with exit 0, its ports closed.
. tests/lib.sh
handler_artifacts
moto_start
mc_start
export VIDPIPE_WAIT_POLL_MS=20 VIDPIPE_ARTIFACTS_DIR=$ART
cd "$T_TMP"
spec=$VP_ROOT/examples/video-pipeline.yaml
api_port=$(t_free_port)
local_port=$(t_free_port)
API="http://127.0.0.1:$api_port"
LOCAL="http://127.0.0.1:$local_port"
cat >vars.yaml <<VARS
stack: sv
account_id: "123456789012"
app_origin: http://app.localhost:8080
page_token_key: 0123456789abcdef0123456789abcdef-page-token-secret
VARS
t_status "apply the pipeline" 0 "$VIDPIPE" apply "$spec" --var-file vars.yaml --auto-approve

t_bg "$VIDPIPE" serve "$spec" --var-file vars.yaml --port "$api_port" --local-port "$local_port" --dev-issuer \
    --poll-ms 100 >serve.out 2>serve.err
serve_pid=${T_PIDS[-1]}
serve_ready() {  # FILE: until serve printed its wiring (both ports answer 503 before)
    local tries=600
    until grep -q "Press Ctrl-C" "$1" 2>/dev/null; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.05
    done
}
serve_ready serve.out || { t_fail "serve started" "$(cat serve.err)"; exit 1; }
t_contains "it prints the routes" "$(cat serve.out)" "POST /upload"
t_contains "and what S3 invokes" "$(cat serve.out)" "sv-vidpipe-uploads/uploads/ -> sv-convert"
t_contains "and the rule's target" "$(cat serve.out)" "rule sv-vidpipe-job-state -> sv-package"
listen=$(ss -ltnpH | grep "pid=$serve_pid," | awk '{print $4}' | sort -u)
t_eq "it listens on 127.0.0.1 only, on the two ports" \
    "$(printf '127.0.0.1:%s\n' "$api_port" "$local_port" | sort | tr '\n' ' ')" "$(echo "$listen" | sort | tr '\n' ' ')"
cfg=$(curl -s "$LOCAL/config.json")
t_contains "config.json names the API" "$cfg" "\"api_url\": \"$API\""
t_contains "and the issuer's token endpoint" "$cfg" "\"issuer\": \"$LOCAL/issuer\""
t_contains "and the client id (the authorizer's audience)" "$cfg" '"client_id": "vidpipe-app"'

token() {  # USER [CLIENT_ID] [ISSUER_URL]
    curl -sf -X POST "${3:-$LOCAL}/issuer/token" -d grant_type=password -d "username=$1" -d password=x \
        -d "client_id=${2:-vidpipe-app}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
call() {  # METHOD PATH TOKEN [DATA] [extra curl args]: status in $code, body in $body, headers in hdr
    local m=$1 p=$2 t=$3 d=${4:-}
    shift 4 2>/dev/null || shift $#
    local args=(-s -o body -D hdr -w '%{http_code}' -X "$m" "$API$p")
    [ -n "$t" ] && args+=(-H "Authorization: Bearer $t")
    [ -n "$d" ] && args+=(-H 'Content-Type: application/json' --data "$d")
    code=$(curl "${args[@]}" "$@")
    body=$(cat body)
}
alice=$(token alice)
t_check "the development issuer signs a token" test -n "$alice"

# ---- the authorizer ----
call GET /videos ""
t_eq "no token: 401" 401 "$code"
t_eq "with API Gateway's body" '{"message":"Unauthorized"}' "$body"
forged=$(python3 - "$alice" <<'PY'
import base64, json, sys
h, p, s = sys.argv[1].split(".")
c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
c["sub"] = "mallory"
print(h + "." + base64.urlsafe_b64encode(json.dumps(c).encode()).rstrip(b"=").decode() + "." + s)
PY
)
call GET /videos "$forged"
t_eq "a payload changed after signing: 401" 401 "$code"
t_contains "the challenge says why" "$(cat hdr)" 'error="invalid_token"'
call GET /videos "$(token alice other-app)"
t_eq "a token for another audience: 401" 401 "$code"
other_port=$(t_free_port)
other_local=$(t_free_port)
t_bg "$VIDPIPE" serve "$spec" --var-file vars.yaml --port "$other_port" --local-port "$other_local" --dev-issuer \
    >other.out 2>other.err
serve_ready other.out
call GET /videos "$(token alice vidpipe-app "http://127.0.0.1:$other_local")"
t_eq "a token signed by another issuer's key (same iss, same kid scheme): 401" 401 "$code"
kill "${T_PIDS[-1]}"
call GET /videos "$alice"
t_eq "a valid token: 200" 200 "$code"
t_eq "alice has no videos yet" '{"videos": []}' "$(echo "$body" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')"

# ---- routes, CORS ----
call POST /upload "$alice" '{"filename": "my clip.mp4", "content_type": "video/mp4", "size_bytes": 1000}'
t_eq "POST /upload: 200" 200 "$code"
t_contains "presign got alice's claims: the key is under her prefix" "$body" '"key":"uploads/alice/'
t_contains "with the presigned URL on moto" "$body" "\"upload_url\":\"$MOTO_URL/sv-vidpipe-uploads/uploads/alice/"
call POST /upload "$alice" '{"filename": "x.exe", "content_type": "application/x-msdownload", "size_bytes": 10}'
t_eq "a refused upload: the handler's 4xx passes through" 400 "$code"
call GET /nope "$alice"
t_eq "an unknown route: 404" 404 "$code"
t_eq "with API Gateway's body" '{"message":"Not Found"}' "$body"
call OPTIONS /upload "" "" -H "Origin: http://app.localhost:8080" -H "Access-Control-Request-Method: POST" \
    -H "Access-Control-Request-Headers: authorization,content-type"
t_eq "a CORS preflight from the app's origin: 204" 204 "$code"
t_contains "allowing the origin" "$(cat hdr)" "Access-Control-Allow-Origin: http://app.localhost:8080"
t_contains "and the methods" "$(cat hdr)" "Access-Control-Allow-Methods: GET,POST"
call OPTIONS /upload "" "" -H "Origin: http://evil.localhost" -H "Access-Control-Request-Method: POST"
t_lacks "from another origin: no CORS headers" "$(cat hdr)" "Access-Control-Allow-Origin"
call GET /videos "$alice" "" -H "Origin: http://app.localhost:8080"
t_contains "an actual request from the app's origin gets the origin allowed" "$(cat hdr)" \
    "Access-Control-Allow-Origin: http://app.localhost:8080"

# ---- S3 -> convert ----
cat >objects.py <<'PY'
import boto3, os, sys, time
s3 = boto3.client("s3", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
s3.put_object(Bucket="sv-vidpipe-uploads", Key=sys.argv[1], Body=b"not really a video", ContentType="video/mp4")
PY
python3 objects.py "uploads/alice/01JDEMOVIDEO0000000000000A/my clip.mp4"
python3 objects.py "elsewhere/alice/01JDEMOVIDEO0000000000000B/other.mp4"
cat >wait_item.py <<'PY'
import boto3, os, sys, time
ddb = boto3.client("dynamodb", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
want = sys.argv[2]
for _ in range(150):
    it = ddb.get_item(TableName="sv-videos", Key={"user_id": {"S": "alice"}, "video_id": {"S": sys.argv[1]}}).get("Item")
    if it and it["status"]["S"] == want:
        print(it["status"]["S"], it.get("job_id", {}).get("S", ""), it.get("filename", {}).get("S", ""))
        sys.exit(0)
    time.sleep(0.1)
print("absent" if not it else it["status"]["S"])
sys.exit(1)
PY
item=$(python3 wait_item.py 01JDEMOVIDEO0000000000000A PROCESSING)
t_contains "the S3 event reached convert: the video is recorded PROCESSING (boto3)" "$item" "PROCESSING"
t_contains "with the file name decoded from the event's key" "$item" "my clip.mp4"
job=$(echo "$item" | awk '{print $2}')
jobs=$(python3 -c "
import boto3, os
mc = boto3.client('mediaconvert', endpoint_url=os.environ['MC_URL'], region_name='us-east-1')
print(' '.join(j['Id'] for j in mc.list_jobs()['Jobs']))")
t_contains "and a MediaConvert job was created (boto3, the stand-in)" "$jobs" "$job"
t_eq "an object outside the prefix reached nothing" "absent" \
    "$(python3 wait_item.py 01JDEMOVIDEO0000000000000B PROCESSING 2>/dev/null | tail -n 1 | cut -c1-6 || true)"
t_contains "serve logs the delivery" "$(cat serve.err)" "s3 ObjectCreated:Put sv-vidpipe-uploads/uploads/alice/"

# ---- EventBridge -> package ----
cat >put_event.py <<'PY'
import boto3, json, os, sys
ev = boto3.client("events", endpoint_url=os.environ["SERVE_EVENTS"], region_name="us-east-1")
job, stack, status = sys.argv[1], sys.argv[2], sys.argv[3]
detail = {"timestamp": 1700000000000, "accountId": "123456789012", "queue": "arn:aws:mediaconvert:us-east-1:123456789012:queues/Default",
          "jobId": job, "status": status, "userMetadata": {"stack": stack, "user_id": "alice", "video_id": "01JDEMOVIDEO0000000000000A"},
          "outputGroupDetails": [
            {"type": "HLS_GROUP", "playlistFilePaths": ["s3://sv-vidpipe-media/videos/alice/01JDEMOVIDEO0000000000000A/my clip.m3u8"],
             "outputDetails": [{"outputFilePaths": ["s3://sv-vidpipe-media/videos/alice/01JDEMOVIDEO0000000000000A/my clip_720p.m3u8"], "durationInMs": 12000, "videoDetails": {"widthInPx": 1280, "heightInPx": 720}}]},
            {"type": "FILE_GROUP", "outputDetails": [{"outputFilePaths": ["s3://sv-vidpipe-media/videos/alice/01JDEMOVIDEO0000000000000A/thumbnails/my clip_thumb.0000002.jpg"], "durationInMs": 12000}]}]}
r = ev.put_events(Entries=[{"Source": "aws.mediaconvert", "DetailType": "MediaConvert Job State Change",
                            "Detail": json.dumps(detail), "Resources": [f"arn:aws:mediaconvert:us-east-1:123456789012:jobs/{job}"]}])
print(r["FailedEntryCount"], r["Entries"][0].get("EventId", r["Entries"][0]))
PY
export SERVE_EVENTS="$LOCAL/events"
t_contains "an event of another stack is accepted by PutEvents" "$(python3 put_event.py "$job" other COMPLETE)" "0 "
sleep 1
t_eq "but matches no rule: the video stays PROCESSING" "PROCESSING" \
    "$(python3 wait_item.py 01JDEMOVIDEO0000000000000A PROCESSING | awk '{print $1}')"
t_contains "this stack's COMPLETE event is accepted" "$(python3 put_event.py "$job" sv COMPLETE)" "0 "
item=$(python3 wait_item.py 01JDEMOVIDEO0000000000000A READY)
t_contains "the rule delivered it to package: READY (boto3)" "$item" "READY"
t_contains "serve logs the rule's delivery" "$(cat serve.err)" "rule sv-vidpipe-job-state"

# ---- /media: the spec's buckets behind one shared client; hostile input ----
python3 -c "
import boto3, os
s3 = boto3.client('s3', endpoint_url=os.environ['MOTO_URL'], region_name='us-east-1')
s3.put_object(Bucket='sv-vidpipe-media', Key='videos/alice/x/seg 1.ts', Body=bytes(range(256)) * 40, ContentType='video/mp2t')"
media="$LOCAL/media/sv-vidpipe-media/videos/alice/x/seg%201.ts"
t_eq "/media serves an object of the spec's media bucket" "200 10240" "$(curl -s -o m1 -w '%{http_code} %{size_download}' "$media")"
t_eq "again, on the shared client, byte for byte" "200 same" \
    "$(curl -s -o m2 -w '%{http_code}' "$media") $(cmp -s m1 m2 && echo same || echo differs)"
t_eq "a Range request: 206 with the range" "206 100" "$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -r 0-99 "$media")"
t_eq "a path escaping with /../: 400" 400 \
    "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$LOCAL/media/sv-vidpipe-media/../../etc/passwd")"
boto s3 "c.create_bucket(Bucket='sv-private-elsewhere'); c.put_object(Bucket='sv-private-elsewhere', Key='k', Body=b'secret')"
t_eq "a key whose dot segments would climb into another bucket: 400, nothing of it read" "400" \
    "$(curl -s -o esc -w '%{http_code}' "$LOCAL/media/sv-vidpipe-media/..%2Fsv-private-elsewhere%2Fk")$(grep -o secret esc)"
t_eq "a bucket the spec does not declare: 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$LOCAL/media/other-bucket/k")"
head -c 11000000 /dev/zero >big.bin
t_eq "an 11 MB request body: 413" 413 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $alice" \
    -H 'Content-Type: application/json' --data-binary @big.bin "$API/upload")"
t_eq "truncated PutEvents JSON: 400" 400 "$(curl -s -o body -w '%{http_code}' -X POST -H 'X-Amz-Target: AWSEvents.PutEvents' \
    -H 'Content-Type: application/x-amz-json-1.1' --data '{"Entries": [{"Source": "a' "$LOCAL/events")"
t_contains "with the service's error type" "$(cat body)" "SerializationException"
call GET /videos "garbage.not-a.jwt"
t_eq "a garbage token: 401" 401 "$code"
call POST /upload "$alice" '{"filename": "a.mp4", "content_'
t_eq "a truncated JSON body reaches the handler, which answers 400" 400 "$code"
t_contains "with its JSON error" "$body" '"invalid_json"'
t_eq "a 100 kB URL: refused with a 4xx" 4 "$(curl -s -o /dev/null -w '%{http_code}' "$API/videos?q=$(head -c 100000 /dev/zero | tr '\0' a)" | cut -c1)"
t_eq "serve still answers after all of them" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$LOCAL/config.json")"

# ---- stopping ----
kill -TERM "$serve_pid"
rc=0
for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.05; done
wait "$serve_pid" 2>/dev/null || rc=$?
t_eq "SIGTERM stops it with exit 0" 0 "$rc"
t_check "its API port is closed" bash -c "! curl -s -o /dev/null --max-time 1 $API/videos"
t_check "and its local port" bash -c "! curl -s -o /dev/null --max-time 1 $LOCAL/config.json"
