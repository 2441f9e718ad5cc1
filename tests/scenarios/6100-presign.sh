# 6100-presign: POST /upload end to end. The presign handler (driven by build/tests/drive-handler, no
# Runtime API needed) answers a presigned PUT URL; curl really uploads with it to moto, and boto3 finds the
# object under the caller's own prefix, even for a "../" file name. Hostile requests get a JSON 4xx, never a
# crash. moto accepts any signature (a known emulator gap) and s3rver checks only expiry, so the refusals are
# shown against tests/fixtures/presign_verifier.py, which recomputes the signature with botocore: a changed
# key, a changed Content-Type, an altered signature or session token and an expired URL are all refused with
# 403. s3rver (npm, when available) shows the URL uploads and expires there too.
. tests/lib.sh
DRIVE="$VP_ROOT/$BUILD/tests/drive-handler"
[ -x "$DRIVE" ] || { echo "skip - $DRIVE is not built (make)"; exit 0; }

# Request bodies, one file each (hostile ones made in one Python run).
B="$T_TMP/bodies"
mkdir -p "$B"
python3 - "$B" <<'PY'
import json, os, sys
d = sys.argv[1]
def body(name, text):
    open(os.path.join(d, name), "wb").write(text if isinstance(text, bytes) else text.encode())
body("good", json.dumps({"filename": "holiday clip.mp4", "content_type": "video/mp4", "size_bytes": 100000}))
body("dotdot", json.dumps({"filename": "../../user-a/x/../../../etc/passwd", "content_type": "video/webm",
                           "size_bytes": 100000}))
body("empty", "")
body("invalid", '{"filename": ')
body("missing", "{}")
body("types", json.dumps({"filename": ["a"], "content_type": "video/mp4", "size_bytes": "1"}))
body("toobig", json.dumps({"filename": "a", "content_type": "video/mp4", "size_bytes": 6 << 30}))
body("html", json.dumps({"filename": "a.html", "content_type": "text/html", "size_bytes": 1}))
body("6mb", '{"filename": "' + "a" * (6 << 20) + '"}')
body("deep", '{"filename": ' + "[" * 10000 + "]" * 10000 + "}")
body("longname", json.dumps({"filename": "n" * 5000, "content_type": "video/mp4", "size_bytes": 1}))
body("nul-escaped", '{"filename": "a\\u0000../../x", "content_type": "video/mp4", "size_bytes": 1}')
body("nul-raw", b'{"filename": "a\x00b", "content_type": "video/mp4", "size_bytes": 1}')
PY

# event FILE SUB BODY: a POST /upload event from AWS's JWT-authorizer sample, with claims.sub = SUB ("-": no
# authorizer at all) and the body from $B/BODY ("none": no body).
event() {
    local nobody=0 file="$B/$3"
    [ "$3" = none ] && nobody=1 file=/dev/null
    jq --arg sub "$2" --arg nobody "$nobody" --rawfile body "$file" '
        .rawPath = "/upload" | .requestContext.http.path = "/upload" | .requestContext.http.method = "POST"
        | .routeKey = "POST /upload" | .requestContext.routeKey = "POST /upload"
        | if $sub == "-" then del(.requestContext.authorizer) else .requestContext.authorizer.jwt.claims.sub = $sub end
        | if $nobody == "1" then del(.body) else .body = $body end' \
        "$VP_TESTDATA/events/apigw-v2-request-jwt-authorizer.json" >"$1"
}
# presign SUB BODY: drives the handler; the response is in $RESP, its parsed body in $BODY.
presign() {
    event "$T_TMP/event.json" "$1" "$2"
    RESP=$("$DRIVE" presign "$T_TMP/event.json" 2>"$T_TMP/drive.err")
    DRIVE_RC=$?
    BODY=$(printf '%s' "$RESP" | jq -r '.body // empty' 2>/dev/null)
}
field() { printf '%s' "$BODY" | jq -r "$1"; }
# put URL CONTENT_TYPE FILE: the HTTP status of a PUT.
put() { curl -s -o "$T_TMP/put.out" -w '%{http_code}' -X PUT -H "Content-Type: $2" --data-binary "@$3" "$1"; }

head -c 100000 /dev/urandom >"$T_TMP/clip.mp4"
GOOD=good

# ---- against moto: the URL uploads, under the caller's prefix ----
moto_start
boto s3 "c.create_bucket(Bucket='vp-uploads')"
export VIDPIPE_UPLOAD_BUCKET=vp-uploads

presign user-a "$GOOD"
t_eq "presign answers 200" "200" "$(printf '%s' "$RESP" | jq -r .statusCode)"
key=$(field .key)
id=$(field .video_id)
url=$(field .upload_url)
t_eq "the key is <prefix><sub>/<video id>/<file name>" "uploads/user-a/$id/holiday_clip.mp4" "$key"
t_eq "the video id is a 26-character ULID" "26" "$(printf '%s' "$id" | tr -cd '0-9A-HJKMNP-TV-Z' | wc -c)"
t_contains "the URL is presigned for the size, the type and the host" "$url" \
    "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"
t_eq "the client is told the method and headers to use" "PUT video/mp4 100000 900" \
    "$(field '.method + " " + .headers["Content-Type"] + " " + .headers["Content-Length"] + " " + (.expires_in|tostring)')"
t_eq "curl uploads with the URL" "200" "$(put "$url" video/mp4 "$T_TMP/clip.mp4")"
t_eq "boto3: the object is under the caller's prefix, whole" "uploads/user-a/$id/holiday_clip.mp4 100000 video/mp4" \
    "$(boto s3 "
for o in c.list_objects_v2(Bucket='vp-uploads', Prefix='uploads/user-a/')['Contents']:
    h = c.head_object(Bucket='vp-uploads', Key=o['Key'])
    print(o['Key'], o['Size'], h['ContentType'])")"

presign user-b dotdot
key=$(field .key)
t_eq "a '../' file name stays in the caller's own folder" "uploads/user-b/$(field .video_id)/passwd" "$key"
t_eq "and uploads there" "200" "$(put "$(field .upload_url)" video/webm "$T_TMP/clip.mp4")"
presign '../../user-a' "$GOOD"
t_eq "a hostile sub is one encoded segment" "uploads/%2E%2E%2F%2E%2E%2Fuser-a/" "$(field .key | cut -d/ -f1-2)/"
t_eq "boto3: nothing was written outside the callers' prefixes" "uploads/user-a/ uploads/user-b/" \
    "$(boto s3 "print(' '.join(sorted({'/'.join(o['Key'].split('/')[:2]) + '/' for o in c.list_objects_v2(Bucket='vp-uploads')['Contents']})))")"

# ---- hostile requests: a JSON 4xx, never a crash ----
hostile() {
    local desc=$1 want=$2 sub=$3 body=$4
    presign "$sub" "$body"
    if [ "$DRIVE_RC" = 0 ] && [ "$(printf '%s' "$RESP" | jq -r .statusCode)" = "$want" ] &&
        [ -n "$(field '.error.code // empty')" ]; then
        t_ok "$desc: $want"
    else
        t_fail "$desc: want $want" "exit $DRIVE_RC, response: $(printf '%s' "$RESP" | head -c 300)" \
            "stderr: $(tail -n 3 "$T_TMP/drive.err")"
    fi
}
hostile "no authorizer" 401 - good
hostile "empty sub" 401 "" good
hostile "no body" 400 user-a none
hostile "an empty body" 400 user-a empty
hostile "invalid JSON" 400 user-a invalid
hostile "missing fields" 400 user-a missing
hostile "wrong types" 400 user-a types
hostile "a size over the limit" 400 user-a toobig
hostile "a type not on the allowlist" 400 user-a html
hostile "a 6 MB body" 400 user-a 6mb
hostile "10000-deep nesting" 400 user-a deep
hostile "an overlong file name" 400 user-a longname
hostile "a NUL in the file name" 400 user-a nul-escaped
hostile "a raw NUL in the body" 400 user-a nul-raw

# Presigning is local: with every endpoint on a closed port it still answers.
port=$(t_free_port)
AWS_ENDPOINT_URL="http://127.0.0.1:$port" presign user-a "$GOOD"
t_eq "no network call: a closed endpoint port does not matter" "200" "$(printf '%s' "$RESP" | jq -r .statusCode)"

# ---- against a verifying stand-in: altered URLs are refused ----
# tests/fixtures/presign_verifier.py recomputes each signature with botocore; moto and s3rver 3.7.1 do not
# check SigV4 signatures at all (see the fixture).
start_verifier() {
    local portfile="$T_TMP/verifier.port"
    t_bg python3 "$VP_ROOT/tests/fixtures/presign_verifier.py" --access-key "$AWS_ACCESS_KEY_ID" \
        --secret-key "$AWS_SECRET_ACCESS_KEY" >"$portfile" 2>"$T_TMP/verifier.log"
    local tries=100
    while [ ! -s "$portfile" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
    VERIFIER_URL="http://127.0.0.1:$(head -n 1 "$portfile")"
}
start_verifier
export AWS_ENDPOINT_URL_S3="$VERIFIER_URL"
presign user-a "$GOOD"
url=$(field .upload_url)
t_contains "the URL is path-style at the loopback address" "$url" "$VERIFIER_URL/vp-uploads/uploads/user-a/"
t_eq "verifier: the URL's signature is right, and it uploads" "200" "$(put "$url" video/mp4 "$T_TMP/clip.mp4")"
t_eq "verifier: the object is stored under the caller's prefix" "100000 video/mp4" \
    "$(curl -s "$VERIFIER_URL/_objects" | jq -r --arg k "vp-uploads/$(field .key)" '.[$k] | "\(.size) \(.content_type)"')"
t_eq "verifier: another file name with the same signature is refused" "403" \
    "$(put "${url/holiday_clip.mp4?/other.mp4?}" video/mp4 "$T_TMP/clip.mp4")"
t_eq "verifier: another user's folder with the same signature is refused" "403" \
    "$(put "${url/\/user-a\//\/user-b\/}" video/mp4 "$T_TMP/clip.mp4")"
t_eq "verifier: another Content-Type is refused" "403" "$(put "$url" text/html "$T_TMP/clip.mp4")"
head -c 100001 /dev/zero >"$T_TMP/bigger.mp4"
t_eq "verifier: a body larger than the declared size_bytes is refused" "403" "$(put "$url" video/mp4 "$T_TMP/bigger.mp4")"
sig=${url##*X-Amz-Signature=}
flipped=${sig:0:63}$([ "${sig:63:1}" = 0 ] && echo 1 || echo 0)
t_eq "verifier: an altered signature is refused" "403" "$(put "${url%"$sig"}$flipped" video/mp4 "$T_TMP/clip.mp4")"
t_eq "verifier: a longer expiry than signed is refused" "403" \
    "$(put "${url/X-Amz-Expires=900/X-Amz-Expires=3600}" video/mp4 "$T_TMP/clip.mp4")"
t_contains "verifier: says why" "$(cat "$T_TMP/put.out")" "SignatureDoesNotMatch"

AWS_SESSION_TOKEN=token/of+a=session presign user-a "$GOOD"
url=$(field .upload_url)
t_contains "temporary credentials put the session token in the URL" "$url" "X-Amz-Security-Token=token%2Fof%2Ba%3Dsession"
t_eq "verifier: a URL with a session token uploads" "200" "$(put "$url" video/mp4 "$T_TMP/clip.mp4")"
t_eq "verifier: another session token is refused" "403" \
    "$(put "${url/token%2Fof/token%2Fxx}" video/mp4 "$T_TMP/clip.mp4")"

VIDPIPE_UPLOAD_URL_EXPIRES=1 presign user-a "$GOOD"
short_url=$(field .upload_url)
t_eq "a 1-second URL says so" "1" "$(field .expires_in)"

# ---- against s3rver (an S3 emulator from npm): the URL uploads; expiry is enforced ----
S3RVER_DIR="$VP_ROOT/.cache/npm"
s3rver_ready=no
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "skip - node and npm are not installed: the s3rver checks need them"
elif [ ! -x "$S3RVER_DIR/node_modules/.bin/s3rver" ] &&
    ! { mkdir -p "$S3RVER_DIR" && npm install --prefix "$S3RVER_DIR" --no-audit --no-fund --silent s3rver@3 \
        >"$T_TMP/npm.log" 2>&1; }; then
    echo "skip - npm could not install s3rver@3: $(tail -n 1 "$T_TMP/npm.log")"
else
    s3port=$(t_free_port)
    mkdir -p "$T_TMP/s3rver"
    t_bg "$S3RVER_DIR/node_modules/.bin/s3rver" -d "$T_TMP/s3rver" -a 127.0.0.1 -p "$s3port" --silent \
        --configure-bucket vp-uploads >"$T_TMP/s3rver.log" 2>&1
    if t_wait_http "http://127.0.0.1:$s3port/" 30; then
        s3rver_ready=yes
    else
        t_fail "s3rver started" "$(tail -n 5 "$T_TMP/s3rver.log")"
    fi
fi
if [ "$s3rver_ready" = yes ]; then
    # s3rver's one account is S3RVER/S3RVER.
    export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_ENDPOINT_URL_S3="http://127.0.0.1:$s3port"
    presign user-a "$GOOD"
    t_eq "s3rver: the URL uploads" "200" "$(put "$(field .upload_url)" video/mp4 "$T_TMP/clip.mp4")"
    t_eq "s3rver: the object is there" "100000" "$(python3 -c "
import boto3
c = boto3.client('s3', endpoint_url='http://127.0.0.1:$s3port', region_name='us-east-1')
print(c.head_object(Bucket='vp-uploads', Key='$(field .key)')['ContentLength'])")"
    VIDPIPE_UPLOAD_URL_EXPIRES=1 presign user-a "$GOOD"
    s3rver_short_url=$(field .upload_url)
fi

sleep 2.2
t_eq "verifier: an expired URL is refused" "403" "$(put "$short_url" video/mp4 "$T_TMP/clip.mp4")"
t_contains "verifier: as expired" "$(cat "$T_TMP/put.out")" "Request has expired"
if [ "$s3rver_ready" = yes ]; then
    t_eq "s3rver: an expired URL is refused" "403" "$(put "$s3rver_short_url" video/mp4 "$T_TMP/clip.mp4")"
fi
