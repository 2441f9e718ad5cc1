#!/usr/bin/env bash
# make demo: the whole video pipeline on this machine, without an AWS account. moto server stands in for S3,
# DynamoDB, IAM, STS, Lambda, MediaPackage, API Gateway and EventBridge, and a MediaConvert stand-in
# transcodes with ffmpeg; vidpipe provisions examples/video-pipeline.yaml against them exactly as it would
# against AWS, then `vidpipe serve` runs the pipeline: the HTTP API with its JWT authorizer, S3 notifications
# and EventBridge rules invoking the four C handlers' built artifacts. One real video goes through it, from
# upload to an HLS ladder with thumbnails. Everything listens on 127.0.0.1 and stops on exit or Ctrl-C.
#
# On a terminal, the demo then keeps the pipeline running for the web page until Enter or Ctrl-C.
# DEMO_KEEP=0 ends at once; DEMO_KEEP=1 keeps it running even without a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
VP_ROOT=$PWD
VIDPIPE=$(realpath "${VIDPIPE:-build/vidpipe}")
export VP_ROOT VIDPIPE VIDPIPE_ARTIFACTS_DIR=${VIDPIPE_ARTIFACTS_DIR:-$VP_ROOT/build/handlers}

python3 -c 'import moto, boto3' 2>/dev/null || { echo "demo: python3 needs moto and boto3 (pip-installed on the image)" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "demo: ffmpeg is missing (make installs it: sh scripts/deps.sh)" >&2; exit 1; }
[ -f examples/player/node_modules/hls.js/dist/hls.min.js ] ||
    npm ci --prefix examples/player --no-audit --no-fund --loglevel=error >/dev/null
. scripts/local-stack.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vidpipe-demo.XXXXXX")
cleanup() {
    local_stack_down
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

demo_start=$(date +%s%N)
step() {  # step TITLE CMD...: runs one step, printing its title and duration
    local title=$1 start end
    shift
    start=$(date +%s%N)
    "$@" >"$tmp/out" 2>&1 || { echo "FAILED: $title"; cat "$tmp/out"; exit 1; }
    end=$(date +%s%N)
    printf '  %-66s %7.2f s\n' "$title" "$(( (end - start) / 1000000 ))e-3"
}

# get PATH [TOKEN]: GET on the API; the body in $tmp/body, the status printed.
api() {
    local method=$1 path=$2 token=${3:-} data=${4:-}
    local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$method" "$LS_API_URL$path")
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data "$data")
    curl "${args[@]}"
}
expect_status() {  # WANT METHOD PATH [TOKEN] [DATA]
    local want=$1 got
    shift
    got=$(api "$@")
    [ "$got" = "$want" ] || { echo "$1 $2 answered $got, not $want: $(cat "$tmp/body")"; return 1; }
}
json() { python3 -c "import json,sys; d=json.load(open('$tmp/body')); print($1)"; }

make_video() {
    ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=12" \
        -f lavfi -i "sine=frequency=440:duration=12" -c:v libx264 -preset veryfast -pix_fmt yuv420p \
        -c:a aac -shortest "$tmp/demo clip.mp4"
}
get_token() { local_stack_token alice >"$tmp/token"; }
forged_token() {  # alice's token with its payload changed to bob: the signature no longer matches
    python3 - "$(cat "$tmp/token")" >"$tmp/forged" <<'PY'
import base64, json, sys
h, p, s = sys.argv[1].split(".")
claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
claims["sub"] = "bob"
print(h + "." + base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode() + "." + s)
PY
}
refused() {
    expect_status 401 GET /videos && expect_status 401 GET /videos "$(cat "$tmp/forged")"
}
presign() {
    local size
    size=$(stat -c %s "$tmp/demo clip.mp4")
    expect_status 200 POST /upload "$(cat "$tmp/token")" \
        "{\"filename\": \"demo clip.mp4\", \"content_type\": \"video/mp4\", \"size_bytes\": $size}"
    cp "$tmp/body" "$tmp/presign.json"
}
upload() {
    local url
    url=$(python3 -c "import json; print(json.load(open('$tmp/presign.json'))['upload_url'])")
    curl -sf -X PUT -H 'Content-Type: video/mp4' --data-binary @"$tmp/demo clip.mp4" "$url" -o /dev/null
}
status_of_video() {
    local id
    id=$(python3 -c "import json; print(json.load(open('$tmp/presign.json'))['video_id'])")
    expect_status 200 GET /videos "$(cat "$tmp/token")" >/dev/null || return 1
    json "next((v['status'] for v in d['videos'] if v['video_id'] == '$id'), 'absent')"
}
wait_status() {  # WANT SECONDS: until the video has the status (FAILED ends the wait)
    local want=$1 deadline=$(( $(date +%s) + $2 )) got
    while [ "$(date +%s)" -lt "$deadline" ]; do
        got=$(status_of_video)
        [ "$got" = "$want" ] && return 0
        [ "$got" = FAILED ] && { echo "the video FAILED: $(cat "$tmp/body")"; return 1; }
        sleep 0.2
    done
    echo "still '$got' after $2 s, not $want; serve's log:"
    tail -n 40 "$tmp/stack/serve.log"
    return 1
}
fetch_outputs() {
    local playback thumb
    playback=$(json "d['videos'][0]['playback_url']")
    thumb=$(json "d['videos'][0]['thumbnail_urls'][0]")
    curl -sf "$playback" -o "$tmp/master.m3u8" || {
        echo "cannot fetch $playback; the media bucket holds:"
        python3 -c "import boto3; [print(' ', o['Key']) for o in boto3.client('s3').list_objects_v2(Bucket='$LS_STACK-vidpipe-media').get('Contents', [])]"
        return 1
    }
    curl -sf "$thumb" -o "$tmp/thumb.jpg" || { echo "cannot fetch $thumb"; return 1; }
    grep -q '#EXT-X-STREAM-INF' "$tmp/master.m3u8"
}

echo "vidpipe demo: the whole pipeline on 127.0.0.1, from upload to HLS playback"
echo
step "start moto and the MediaConvert stand-in (ffmpeg)" local_stack_emulators "$tmp/stack"
step "vidpipe apply examples/video-pipeline.yaml (22 resources)" local_stack_apply "$tmp/stack"
grep -E '^Apply complete' "$tmp/stack/apply.log" | sed 's/^/    /'
step "vidpipe serve: HTTP API, S3 and EventBridge wiring, web app" local_stack_serve "$tmp/stack"
sed -n '/^  API/,/^  Dev issuer/p' "$tmp/stack/serve.log" | sed 's/^/  /'
step "make a 12 s 720p test video with ffmpeg" make_video
step "sign in as alice with the development issuer (a signed JWT)" get_token
forged_token
step "the authorizer refuses no token and a forged one (401)" refused
step "POST /upload: presign answers with a presigned S3 URL" presign
step "PUT the video to the presigned URL" upload
step "S3 event -> convert: MediaConvert job started, video PROCESSING" wait_status PROCESSING 60
step "MediaConvert stand-in transcodes; its event -> package: READY" wait_status READY 240
step "GET /videos: the master playlist and a thumbnail fetched" fetch_outputs
echo
python3 - "$tmp/body" "$tmp/master.m3u8" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["videos"][0]
print(f"  {v['filename']}: {v['status']}")
print(f"    playback:   {v['playback_url']}")
print(f"    thumbnails: {len(v.get('thumbnail_urls', []))}, first {v['thumbnail_urls'][0]}")
for line in open(sys.argv[2]):
    if line.startswith("#EXT-X-STREAM-INF"):
        print("    rendition:  " + line.split(":", 1)[1].strip())
PY
total=$(( ($(date +%s%N) - demo_start) / 1000000 ))
printf '\n  whole run so far: %.1f s\n\n' "${total}e-3"
echo "Web page: $LS_LOCAL_URL/  (sign in, upload, watch the HLS stream)"
keep=${DEMO_KEEP:-}
[ -z "$keep" ] && { [ -t 0 ] && keep=1 || keep=0; }
if [ "$keep" = 1 ]; then
    echo "The pipeline keeps running for the page; press Enter or Ctrl-C to stop everything."
    read -r _ || true
fi
echo "demo done; everything it started is stopped."
