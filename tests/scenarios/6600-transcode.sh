# 6600-transcode: a real video through vidpipe's job template, the real convert handler and the MediaConvert
# stand-in transcoding with ffmpeg (tests/fixtures/mediaconvert_standin.py --transcode), checked with ffprobe.
# `vidpipe apply` makes the buckets, the table, the job template (720p and 360p under low bitrate caps, 4 s
# segments, thumbnails every 5 s) and the job_events rule of examples/video-pipeline.yaml (targeting an SQS queue
# in moto); `vidpipe invoke` runs the convert artifact on an S3 event for two uploads (a 13 s 1080p clip with
# sound, and a text file named .mp4). The clip's job ends COMPLETE: the multivariant playlist names each
# rendition (URI, RESOLUTION, BANDWIDTH, CODECS); each rendition has the template's size, AAC sound, 4 s
# segments (the last shorter) and TARGETDURATION 4, and keeps to its max_bitrate under MediaConvert's HRD
# buffer model; the thumbnails are min(max_captures, ceil(duration/interval)) JPEGs of the template's size;
# every file has its Content-Type. The text file's job ends ERROR 1010. Both "MediaConvert Job State Change"
# events reach the queue through moto's EventBridge, shaped as AWS documents them; the PROGRESSING events and a
# job of another stack are filtered out by the rule. Without --transcode, the test hooks send the same events.
. tests/lib.sh
ARTIFACTS="$VP_ROOT/${BUILD:-build}/handlers"
for tool in ffmpeg ffprobe; do
    command -v "$tool" >/dev/null || { echo "skip - $tool is not installed (scripts/deps.sh installs it)"; exit 0; }
done
[ -f "$ARTIFACTS/convert.zip" ] || { echo "skip - $ARTIFACTS/convert.zip is not built (make; sanitizer builds make no zips)"; exit 0; }
cd "$T_TMP" || exit 1

STACK=tc
UPLOADS=tc-vidpipe-uploads MEDIA=tc-vidpipe-media
USER_ID=user-1 VIDEO_ID=01J0TRANSCODE000000000VID1 BAD_ID=01J0TRANSCODE000000000TXT1
CLIP="uploads/$USER_ID/$VIDEO_ID/My Movie.mp4"
TEXT="uploads/$USER_ID/$BAD_ID/notes.mp4"
SEGMENT=4 INTERVAL=5 MAX_CAPTURES=3 DURATION=13

# boto SERVICE CODE [ARG...]: lib.sh's boto, with arguments for CODE (sys.argv), as in 6200.
boto() {
    local svc=$1 code=$2
    shift 2
    python3 -c "
import boto3, json, sys, time
c = boto3.client('$svc', endpoint_url='$MOTO_URL', region_name='${AWS_REGION:-us-east-1}')
$code" "$@"
}
moto_start
QUEUE_URL=$(boto sqs "print(c.create_queue(QueueName='tc-job-events')['QueueUrl'])")
QUEUE_ARN=arn:aws:sqs:us-east-1:123456789012:tc-job-events
mc_start --transcode --events-endpoint "$MOTO_URL"
t_eq "the stand-in transcodes" "true" "$(curl -s "$MC_URL/_standin/health" | jq .transcode)"

# ---- the clip: 13 s of 1080p test pattern with a tone (the last 4 s segment is 1 s long) ----
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i "testsrc2=size=1920x1080:rate=25:duration=$DURATION" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$DURATION" -c:v libx264 -preset ultrafast -crf 30 \
    -pix_fmt yuv420p -c:a aac -b:a 128k -shortest clip.mp4
t_eq "a 13 s 1920x1080 H.264/AAC clip is made" "13.000000 h264 1920x1080 aac" "$(ffprobe -v error -of json \
    -show_entries format=duration:stream=codec_name,width,height clip.mp4 | jq -r '[.format.duration] + [.streams[] |
    .codec_name + (if .width then " \(.width)x\(.height)" else "" end)] | join(" ")')"
echo "these are notes, not a video" >notes.txt
# ---- the stack, as vidpipe makes it ----
# The caps are low on purpose: this clip at QVBR 7 takes about 3.2 Mb/s at 720p and 0.7 Mb/s at 360p uncapped,
# so the caps (not the quality level) bound what the encoder spends.
cat >tc.yaml <<YAML
vidpipe: 1
stack: $STACK
region: us-east-1
resources:
  uploads:
    type: s3_bucket
    name: $UPLOADS
  media:
    type: s3_bucket
    name: $MEDIA
  videos:
    type: dynamodb_table
    name: tc-videos
    hash_key: user_id
    range_key: video_id
    attributes:
      user_id: S
      video_id: S
  job_template:
    type: mediaconvert_job_template
    name: tc-vidpipe-hls
    destination: s3://\${media.name}/videos/
    segment_length: $SEGMENT
    renditions:
      - {name: 720p, width: 1280, height: 720, max_bitrate: 800000}
      - {name: 360p, width: 640, height: 360, max_bitrate: 250000}
    thumbnails:
      interval_seconds: $INTERVAL
      max_captures: $MAX_CAPTURES
  job_events:
    type: eventbridge_rule
    name: tc-vidpipe-job-state
    event_pattern:
      source: [aws.mediaconvert]
      detail-type: [MediaConvert Job State Change]
      detail:
        status: [COMPLETE, ERROR]
        userMetadata:
          stack: ["$STACK"]
    targets:
      - id: queue
        arn: $QUEUE_ARN
  convert:
    type: lambda_function
    name: tc-convert
    artifact: convert
    role: arn:aws:iam::123456789012:role/tc-convert
    timeout: 30
    environment:
      VIDPIPE_UPLOAD_PREFIX: uploads/
      VIDPIPE_JOB_TEMPLATE: \${job_template.name}
      VIDPIPE_MEDIACONVERT_ROLE_ARN: arn:aws:iam::123456789012:role/tc-mediaconvert
      VIDPIPE_OUTPUT_BUCKET: \${media.name}
      VIDPIPE_VIDEOS_TABLE: \${videos.name}
      VIDPIPE_STACK: $STACK
YAML
export VIDPIPE_ARTIFACTS_DIR="$ARTIFACTS"
# The function itself is not deployed (moto would want its role): invoke runs it locally with the state's values.
t_status "apply the buckets, table, job template and job_events rule" 0 "$VIDPIPE" apply tc.yaml --auto-approve \
    --target uploads --target media --target videos --target job_template --target job_events
t_contains "four resources and the rule are created" "$T_OUT" "Apply complete! Resources: 5 added"
[ -s state/$STACK.json ] || exit 1

boto s3 "c.upload_file('clip.mp4', '$UPLOADS', sys.argv[1], ExtraArgs={'ContentType': 'video/mp4'})
c.upload_file('notes.txt', '$UPLOADS', sys.argv[2], ExtraArgs={'ContentType': 'video/mp4'})" "$CLIP" "$TEXT"

# The S3 event for both uploads, from AWS's sample record (keys URL-encoded as S3 encodes them: '+' for a space).
python3 - "$VP_TESTDATA/events/s3-event.json" event.json "$UPLOADS" "$CLIP" "$TEXT" <<'PY'
import copy, json, sys, urllib.parse
sample, out, bucket, keys = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
record = json.load(open(sample))["Records"][0]
records = []
for i, key in enumerate(keys):
    r = copy.deepcopy(record)
    r["s3"]["bucket"]["name"] = bucket
    r["s3"]["bucket"]["arn"] = "arn:aws:s3:::" + bucket
    r["s3"]["object"]["key"] = urllib.parse.quote_plus(key, safe="/")
    del r["s3"]["object"]["versionId"]
    r["s3"]["object"]["sequencer"] = "0055AED6DCD9028%03d" % i
    records.append(r)
json.dump({"Records": records}, open(out, "w"))
PY
t_status "vidpipe invoke runs the convert artifact on the uploads" 0 "$VIDPIPE" invoke convert --event event.json tc.yaml
JOB=$(printf '%s' "$T_OUT" | jq -r --arg v "$VIDEO_ID" '.started[] | select(.video_id == $v) | .job_id')
BAD_JOB=$(printf '%s' "$T_OUT" | jq -r --arg v "$BAD_ID" '.started[] | select(.video_id == $v) | .job_id')
t_eq "it started a job per upload" "2" "$(printf '%s' "$T_OUT" | jq '.started | length')"
[ -n "$JOB" ] && [ -n "$BAD_JOB" ] || exit 1

# mc CODE: Python with `c` a boto3 MediaConvert client at the stand-in.
mc() {
    python3 -c "
import boto3, json, sys, time
c = boto3.client('mediaconvert', endpoint_url='$MC_URL', region_name='us-east-1')
$1" "${@:2}"
}
# wait_job ID: its final status (or the last seen after 45 s).
wait_job() {
    mc "
end = time.time() + 45
while True:
    s = c.get_job(Id=sys.argv[1])['Job']['Status']
    if s in ('COMPLETE', 'ERROR', 'CANCELED') or time.time() > end:
        break
    time.sleep(0.25)
print(s)" "$1"
}
start=$(date +%s)
t_eq "the clip's job ends COMPLETE" "COMPLETE" "$(wait_job "$JOB")"
echo "# transcoded in $(( $(date +%s) - start ))s"
t_eq "the text file's job ends ERROR" "ERROR" "$(wait_job "$BAD_JOB")"
t_eq "with MediaConvert's code and message for an input that is not a video" \
    "1010 Unable to open input file [s3://$UPLOADS/$TEXT]: [Failed probe/open: [No parser found for container]]" \
    "$(mc "j = c.get_job(Id=sys.argv[1])['Job']; print(j['ErrorCode'], j['ErrorMessage'])" "$BAD_JOB")"
t_eq "GetJob reports each output's duration and size (the model's OutputGroupDetails)" \
    "[[13000, 1280, 720], [13000, 640, 360]] [[13000, 640, 360]]" \
    "$(mc "g = c.get_job(Id=sys.argv[1])['Job']['OutputGroupDetails']
print(' '.join(str([[d['DurationInMs'], d['VideoDetails']['WidthInPx'], d['VideoDetails']['HeightInPx']] for d in x['OutputDetails']]) for x in g))" "$JOB")"

# ---- the outputs, downloaded and measured ----
PREFIX="videos/$USER_ID/$VIDEO_ID/"
mkdir media
boto s3 "
for o in c.list_objects_v2(Bucket='$MEDIA', Prefix=sys.argv[1])['Contents']:
    name = o['Key'][len(sys.argv[1]):]
    c.download_file('$MEDIA', o['Key'], 'media/' + name)
    print(name + '\t' + c.head_object(Bucket='$MEDIA', Key=o['Key'])['ContentType'])" "$PREFIX" | sort >objects.txt
t_eq "the files, named as MediaConvert names them, each with its Content-Type" "My Movie.m3u8	application/vnd.apple.mpegurl
My Movie_360p.m3u8	application/vnd.apple.mpegurl
My Movie_360p_00001.ts	video/MP2T
My Movie_360p_00002.ts	video/MP2T
My Movie_360p_00003.ts	video/MP2T
My Movie_360p_00004.ts	video/MP2T
My Movie_720p.m3u8	application/vnd.apple.mpegurl
My Movie_720p_00001.ts	video/MP2T
My Movie_720p_00002.ts	video/MP2T
My Movie_720p_00003.ts	video/MP2T
My Movie_720p_00004.ts	video/MP2T
My Movie_thumb.0000000.jpg	image/jpeg
My Movie_thumb.0000001.jpg	image/jpeg
My Movie_thumb.0000002.jpg	image/jpeg" "$(cat objects.txt)"

# measure.py: reads the playlists, ffprobes every segment and thumbnail; prints "description<TAB>want<TAB>got".
cat >measure.py <<'PY'
import fractions, glob, json, math, os, re, subprocess, sys
out, segment, interval, max_captures = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
duration = float(sys.argv[5])
template = {"720p": (1280, 720, 800000), "360p": (640, 360, 250000)}
def check(desc, want, got):
    print("%s\t%s\t%s" % (desc, want, got))
def probe(path, *args):
    return json.loads(subprocess.run(["ffprobe", "-v", "error", "-of", "json"] + list(args) + [path],
                                     capture_output=True, check=True).stdout)
def attrs(line):
    return dict((k, v.strip('"')) for k, v in re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1]))

master = open(os.path.join(out, "My Movie.m3u8")).read().splitlines()
check("the multivariant playlist starts as MediaConvert's", "#EXTM3U #EXT-X-VERSION:3 #EXT-X-INDEPENDENT-SEGMENTS", " ".join(master[:3]))
variants = [(attrs(master[i]), master[i + 1]) for i in range(len(master)) if master[i].startswith("#EXT-X-STREAM-INF:")]
check("it names both renditions", "My Movie_720p.m3u8 My Movie_360p.m3u8", " ".join(uri for _, uri in variants))
for a, uri in variants:
    name = uri[len("My Movie_"):-len(".m3u8")]
    width, height, cap = template[name]
    check("%s: RESOLUTION is the template's" % name, "%dx%d" % (width, height), a.get("RESOLUTION"))
    check("%s: CODECS are H.264 and AAC-LC" % name, "avc1 mp4a.40.2",
          " ".join(c.split(".")[0] if c.startswith("avc1.") else c for c in a.get("CODECS", "").split(",")))
    lines = open(os.path.join(out, uri)).read().splitlines()
    check("%s: a VOD playlist with TARGETDURATION = segment_length" % name,
          "#EXTM3U #EXT-X-VERSION:3 #EXT-X-TARGETDURATION:%d #EXT-X-MEDIA-SEQUENCE:1 #EXT-X-PLAYLIST-TYPE:VOD ... #EXT-X-ENDLIST" % segment,
          " ".join(lines[:5]) + " ... " + lines[-1])
    extinf = [float(l[8:].split(",")[0]) for l in lines if l.startswith("#EXTINF:")]
    segments = [l for l in lines if l and not l.startswith("#")]
    n = math.ceil(duration / segment)
    check("%s: %d segments, EXTINF %d each but the last" % (name, n, segment),
          " ".join([str(segment)] * (n - 1) + ["%g" % (duration - segment * (n - 1))]), " ".join("%g" % d for d in extinf))
    check("%s: named <name>_<modifier>_00001.ts ..." % name,
          " ".join("My Movie_%s_%05d.ts" % (name, k) for k in range(1, n + 1)), " ".join(segments))
    # Each segment measured: its frames (all video packets), their size, the sound.
    sizes, keys, bits, sound, seconds, profiles = set(), "", [], set(), [], set()
    for s in segments:
        info = probe(os.path.join(out, s), "-show_streams", "-show_packets", "-show_entries",
                     "packet=stream_index,size,flags:stream=index,codec_type,codec_name,profile,level,width,height,"
                     "avg_frame_rate,channels,sample_rate")
        video = [x for x in info["streams"] if x["codec_type"] == "video"][0]
        audio = [x for x in info["streams"] if x["codec_type"] == "audio"]
        fps = fractions.Fraction(video["avg_frame_rate"])
        packets = [p for p in info["packets"] if p["stream_index"] == video["index"]]
        sizes.add("%s %dx%d" % (video["codec_name"], video["width"], video["height"]))
        keys += packets[0]["flags"][0]
        seconds.append(float(len(packets) / fps))
        bits.append(sum(int(p["size"]) for p in packets) * 8)
        sound.add(" ".join("%s %s %sHz" % (x["codec_name"], x["channels"], x["sample_rate"]) for x in audio) or "none")
        profiles.add("avc1.%02x..%02x" % ({"Constrained Baseline": 66, "Baseline": 66, "Main": 77, "High": 100}
                                          .get(video.get("profile"), 0), video.get("level", 0)))
    check("%s: every segment starts on a key frame" % name, "K" * n, keys)
    check("%s: every segment is %dx%d H.264" % (name, width, height), "h264 %dx%d" % (width, height),
          " ".join(sorted(sizes)))
    check("%s: every segment's frames last segment_length seconds (the last less), as EXTINF says" % name,
          " ".join("%g" % d for d in extinf), " ".join("%g" % d for d in seconds))
    check("%s: every segment has stereo AAC at 48 kHz" % name, "aac 2 48000Hz", " ".join(sorted(sound)))
    avc1 = [c for c in a.get("CODECS", "").split(",") if c.startswith("avc1.")]
    check("%s: CODECS names the segments' H.264 profile and level" % name, " ".join(sorted(profiles)),
          " ".join(c[:7] + ".." + c[9:] for c in avc1))
    # max_bitrate under MediaConvert's HRD model (a buffer of twice max_bitrate, 90% full at the start, as the
    # template sets no hrdBufferSize): by any time t the video may have spent at most 0.9 * 2 * cap + cap * t
    # bits. That buffer is the only tolerance: the average over the clip may exceed the cap by 1.8 * cap / duration.
    allowance, spent, worst, t = 0.9 * 2 * cap, 0, [], 0.0
    for b, s in zip(bits, seconds):
        spent += b
        t += s
        worst.append(spent - (allowance + cap * t))
    average = sum(bits) / sum(seconds)
    check("%s: the video keeps to max_bitrate %d under the HRD buffer at every segment's end (average %d b/s, "
          "closest %d bits under)" % (name, cap, average, -max(worst)), "yes",
          "yes" if max(worst) <= 0 else "no: over by %d bits" % max(worst))
    check("%s: and its average is within the buffer's allowance over %gs" % (name, duration), "yes",
          "yes" if average <= cap * (1 + allowance / cap / duration) else "no: %d b/s" % average)
    # BANDWIDTH is the peak segment bitrate of the whole stream (HLS, RFC 8216 4.3.4.2), AVERAGE-BANDWIDTH the mean.
    rates = [os.path.getsize(os.path.join(out, s)) * 8 / d for s, d in zip(segments, extinf)]
    check("%s: BANDWIDTH covers every segment's bitrate (peak %d)" % (name, max(rates)), "yes",
          "yes" if int(a["BANDWIDTH"]) >= max(rates) - 1 else "no: BANDWIDTH=%s" % a["BANDWIDTH"])
    check("%s: AVERAGE-BANDWIDTH <= BANDWIDTH" % name, "yes",
          "yes" if int(a["AVERAGE-BANDWIDTH"]) <= int(a["BANDWIDTH"]) else "no: %s > %s" % (a["AVERAGE-BANDWIDTH"], a["BANDWIDTH"]))

thumbs = sorted(glob.glob(os.path.join(out, "My Movie_thumb.*.jpg")))
want = min(max_captures, math.ceil(duration / interval))
check("thumbnails: min(max_captures, ceil(duration / interval)) = %d" % want, str(want), str(len(thumbs)))
check("thumbnails: 640x360 JPEGs (the template's default size)", "mjpeg 640x360",
      " ".join(sorted(set("%s %dx%d" % (s["codec_name"], s["width"], s["height"])
                          for t in thumbs for s in probe(t, "-show_streams")["streams"]))))
PY
python3 measure.py media "$SEGMENT" "$INTERVAL" "$MAX_CAPTURES" "$DURATION" >measure.txt 2>measure.err ||
    t_fail "the outputs could be measured" "$(tail -n 5 measure.err)"
while IFS="$(printf '\t')" read -r desc want got; do
    t_eq "$desc" "$want" "$got"
done <measure.txt

# ---- the events, as EventBridge delivered them to the rule's queue ----
# A job of another stack (its input missing: ERROR at once) sends events too, which the rule leaves out, as it
# leaves out PROGRESSING.
OTHER=$(mc "print(c.create_job(Role='arn:aws:iam::123456789012:role/x', UserMetadata={'stack': 'other'},
    Settings={'Inputs': [{'FileInput': 's3://$UPLOADS/uploads/u/v/missing.mp4'}]})['Job']['Id'])")
t_eq "a job whose input is missing ends ERROR 1010 too" \
    "ERROR 1010 Unable to open input file [s3://$UPLOADS/uploads/u/v/missing.mp4]: [Failed probe/open: [Can't read input stream: [Failed to read data: HeadObject failed]]]" \
    "$(wait_job "$OTHER") $(mc "j = c.get_job(Id=sys.argv[1])['Job']; print(j['ErrorCode'], j['ErrorMessage'])" "$OTHER")"
t_eq "the stand-in sent six events (PROGRESSING, then COMPLETE or ERROR, for each job)" "6 0" \
    "$(curl -s "$MC_URL/_standin/health" | jq -r '"\(.events_sent) \(.events_failed)"')"
boto sqs "
msgs, end = [], time.time() + 10
while len(msgs) < 2 and time.time() < end:
    msgs += c.receive_message(QueueUrl='$QUEUE_URL', MaxNumberOfMessages=10, WaitTimeSeconds=1).get('Messages', [])
msgs += c.receive_message(QueueUrl='$QUEUE_URL', MaxNumberOfMessages=10, WaitTimeSeconds=1).get('Messages', [])
json.dump([json.loads(m['Body']) for m in msgs], open('events.json', 'w'))"
ev() { jq -r --arg j "$1" ".[] | select(.detail.jobId == \$j) | $2" events.json; }
t_eq "the rule delivered the COMPLETE and ERROR events of this stack: not PROGRESSING, not the other stack's" \
    "COMPLETE ERROR" "$(jq -r '[.[] | .detail.status] | sort | join(" ")' events.json)"
t_eq "COMPLETE: source, detail-type, resources" \
    "aws.mediaconvert|MediaConvert Job State Change|arn:aws:mediaconvert:us-east-1:123456789012:jobs/$JOB" \
    "$(ev "$JOB" '[.source, ."detail-type", (.resources | join(","))] | join("|")')"
t_eq "COMPLETE: the detail's members, as AWS documents them" \
    "accountId jobId outputGroupDetails queue status timestamp userMetadata" "$(ev "$JOB" '.detail | keys | join(" ")')"
t_eq "COMPLETE: status, account, queue" "COMPLETE 123456789012 arn:aws:mediaconvert:us-east-1:123456789012:queues/Default" \
    "$(ev "$JOB" '[.detail.status, .detail.accountId, .detail.queue] | join(" ")')"
t_eq "COMPLETE: userMetadata as convert set it" "{\"stack\":\"$STACK\",\"user_id\":\"$USER_ID\",\"video_id\":\"$VIDEO_ID\"}" \
    "$(ev "$JOB" '.detail.userMetadata | to_entries | sort_by(.key) | from_entries | tojson')"
t_eq "COMPLETE: a millisecond timestamp" "yes" "$(ev "$JOB" 'if .detail.timestamp > 1600000000000 then "yes" else "no" end')"
t_eq "COMPLETE: the HLS group names the multivariant playlist and each rendition's" \
    "HLS_GROUP s3://$MEDIA/${PREFIX}My Movie.m3u8 | s3://$MEDIA/${PREFIX}My Movie_720p.m3u8 1280x720 13000 | s3://$MEDIA/${PREFIX}My Movie_360p.m3u8 640x360 13000" \
    "$(ev "$JOB" '.detail.outputGroupDetails[0] | "\(.type) \(.playlistFilePaths[0]) | " + ([.outputDetails[] | "\(.outputFilePaths[0]) \(.videoDetails.widthInPx)x\(.videoDetails.heightInPx) \(.durationInMs)"] | join(" | "))')"
t_eq "COMPLETE: the file group names the last capture (MediaConvert's rule)" \
    "FILE_GROUP s3://$MEDIA/${PREFIX}My Movie_thumb.0000002.jpg 640x360" \
    "$(ev "$JOB" '.detail.outputGroupDetails[1] | "\(.type) \(.outputDetails[0].outputFilePaths[0]) \(.outputDetails[0].videoDetails.widthInPx)x\(.outputDetails[0].videoDetails.heightInPx)"')"
t_eq "ERROR: status, errorCode, errorMessage, userMetadata" \
    "ERROR|1010|Unable to open input file [s3://$UPLOADS/$TEXT]: [Failed probe/open: [No parser found for container]]|$BAD_ID" \
    "$(ev "$BAD_JOB" '[.detail.status, (.detail.errorCode | tostring), .detail.errorMessage, .detail.userMetadata.video_id] | join("|")')"
t_eq "ERROR: no outputGroupDetails" "accountId errorCode errorMessage jobId queue status timestamp userMetadata" \
    "$(ev "$BAD_JOB" '.detail | keys | join(" ")')"

# ---- without --transcode: the hooks send the events (the endpoint from AWS_ENDPOINT_URL_EVENTS) ----
t_bg env AWS_ENDPOINT_URL_EVENTS="$MOTO_URL" python3 "$VP_ROOT/tests/fixtures/mediaconvert_standin.py" >hooks.port 2>hooks.log
for _ in $(seq 100); do [ -s hooks.port ] && break; sleep 0.05; done
HOOKS_URL="http://127.0.0.1:$(head -n 1 hooks.port)"
t_wait_http "$HOOKS_URL/_standin/health" 20
MAIN_URL=$MC_URL MC_URL=$HOOKS_URL
H1=$(mc "print(c.create_job(Role='arn:aws:iam::123456789012:role/x', UserMetadata={'stack': '$STACK', 'video_id': 'h1'},
    Settings={'Inputs': [{'FileInput': 's3://$UPLOADS/uploads/u/h1/a.mp4'}]})['Job']['Id'])")
H2=$(mc "print(c.create_job(Role='arn:aws:iam::123456789012:role/x', UserMetadata={'stack': '$STACK', 'video_id': 'h2'},
    Settings={'Inputs': [{'FileInput': 's3://$UPLOADS/uploads/u/h2/a.mp4'}]})['Job']['Id'])")
t_eq "without --transcode a job stays SUBMITTED" "SUBMITTED" "$(mc "print(c.get_job(Id=sys.argv[1])['Job']['Status'])" "$H1")"
curl -s -X POST -d '{"outputGroupDetails": [{"type": "HLS_GROUP", "playlistFilePaths": ["s3://m/h1.m3u8"], "outputDetails": []}]}' \
    "$HOOKS_URL/_standin/jobs/$H1/complete" >/dev/null
curl -s -X POST -d '{"errorCode": 1030, "errorMessage": "hook error"}' "$HOOKS_URL/_standin/jobs/$H2/error" >/dev/null
boto sqs "
msgs, end = [], time.time() + 10
while len(msgs) < 2 and time.time() < end:
    msgs += c.receive_message(QueueUrl='$QUEUE_URL', MaxNumberOfMessages=10, WaitTimeSeconds=1).get('Messages', [])
json.dump([json.loads(m['Body']) for m in msgs], open('events.json', 'w'))"
t_eq "the complete hook's event carries the hook's outputGroupDetails" "COMPLETE s3://m/h1.m3u8 h1" \
    "$(ev "$H1" '"\(.detail.status) \(.detail.outputGroupDetails[0].playlistFilePaths[0]) \(.detail.userMetadata.video_id)"')"
t_eq "the error hook's event carries its code and message" "ERROR 1030 hook error" \
    "$(ev "$H2" '"\(.detail.status) \(.detail.errorCode) \(.detail.errorMessage)"')"
t_eq "neither stand-in found a request invalid for the model" "0 0" \
    "$(curl -s "$MAIN_URL/_standin/health" | jq .invalid) $(curl -s "$HOOKS_URL/_standin/health" | jq .invalid)"
