# 4600-mediaconvert-job-template: the mediaconvert_job_template provider against the MediaConvert stand-in
# (tests/fixtures/mediaconvert_standin.py, which checks every request against botocore's model), read back with
# boto3. Through `vidpipe debug resource`: a template written from intent (a ladder, a segment length,
# thumbnails) whose Settings boto3 sees; read in want's shape; an update that rewrites the Settings whole and
# converges tags, and a repeated one that writes nothing; a document the stand-in refuses is a clear error;
# the account endpoint attribute, and AWS_ENDPOINT_URL_MEDIACONVERT winning over it; delete twice. Through a
# spec: validate refuses bad ladders at file:line:col; apply, an empty second plan, an update; changes made
# with boto3 (another segment length; a codec setting no attribute describes) are drift (exit 2) naming the
# attribute (or settings_fingerprint) and the next apply repairs them; destroy removes the template.
. tests/lib.sh

mc_start
# mc CODE: Python with `c` a boto3 MediaConvert client at the stand-in, `tmpl(name)` a template's JSON.
mc() {
    python3 -c "
import boto3, json
c = boto3.client('mediaconvert', endpoint_url='$MC_URL', region_name='us-east-1')
def tmpl(name):
    return c.get_job_template(Name=name)['JobTemplate']
def hls(t):
    return t['Settings']['OutputGroups'][0]
def thumbs(t):
    return t['Settings']['OutputGroups'][1]
$1"
}
ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }
writes() { printf '%s\n' "$1" >"$T_TMP/log"; ops "$T_TMP/log" | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//'; }
# vp_same WANT LIVE: "same" when LIVE holds WANT's attributes (computed ones and the fingerprint aside).
vp_same() {
    python3 - "$1" "$2" <<'PY'
import json, sys
want, live = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).read())
for k in ("arn", "settings_fingerprint", "endpoint"):
    want.pop(k, None); live.pop(k, None)
diff = sorted(k for k in set(want) | set(live) if want.get(k) != live.get(k))
print("same" if not diff else "; ".join("%s: want %s, live %s" % (k, json.dumps(want.get(k)), json.dumps(live.get(k))) for k in diff))
PY
}
edit() { python3 -c "import json; w = json.load(open('$1')); $3; json.dump(w, open('$2', 'w'))"; }
QUEUE=arn:aws:mediaconvert:us-east-1:123456789012:queues/vp-fast

# ---- the provider alone ----
cat >"$T_TMP/full.json" <<JSON
{"name": "vp-test-hls", "description": "VOD ladder", "category": "vidpipe", "destination": "s3://vp-outputs/videos/",
 "renditions": [{"name": "1080p", "width": 1920, "height": 1080, "max_bitrate": 8500000, "qvbr_quality": 8},
                {"name": "720p", "width": 1280, "height": 720, "max_bitrate": 6000000, "qvbr_quality": 7},
                {"name": "360p", "width": 640, "height": 360, "max_bitrate": 1500000, "qvbr_quality": 7}],
 "segment_length": 3, "audio_bitrate": 128000,
 "thumbnails": {"interval_seconds": 5, "max_captures": 20, "width": 480, "height": 270, "quality": 80},
 "queue": "$QUEUE", "acceleration": "PREFERRED", "priority": 10, "status_update_interval": "SECONDS_10",
 "endpoint": "", "tags": {"env": "dev", "app": "vidpipe"}}
JSON
t_status "create a template with every setting" 0 "$VIDPIPE" debug resource mediaconvert_job_template create "$T_TMP/full.json"
printf '%s\n' "$T_OUT" >"$T_TMP/created.json"
t_eq "create returns the template in want's shape" "same" "$(vp_same "$T_TMP/full.json" "$T_TMP/created.json")"
t_contains "with its ARN" "$T_OUT" '"arn": "arn:aws:mediaconvert:us-east-1:123456789012:jobTemplates/vp-test-hls"'
t_status "read it" 0 "$VIDPIPE" debug resource mediaconvert_job_template read vp-test-hls
printf '%s\n' "$T_OUT" >"$T_TMP/read.json"
t_eq "read after create equals want" "same" "$(vp_same "$T_TMP/full.json" "$T_TMP/read.json")"

t_eq "boto3: the HLS group's destination and segmenting" "HLS_GROUP_SETTINGS s3://vp-outputs/videos/ 3 0 SEGMENTED_FILES INTEGER SINGLE_DIRECTORY" \
    "$(mc "g = hls(tmpl('vp-test-hls'))['OutputGroupSettings']; h = g['HlsGroupSettings']
print(g['Type'], h['Destination'], h['SegmentLength'], h['MinSegmentLength'], h['SegmentControl'], h['ManifestDurationFormat'], h['DirectoryStructure'])")"
t_eq "boto3: one output per rendition, named _NAME, at its size" "_1080p:1920x1080 _720p:1280x720 _360p:640x360" \
    "$(mc "print(' '.join('%s:%dx%d' % (o['NameModifier'], o['VideoDescription']['Width'], o['VideoDescription']['Height']) for o in hls(tmpl('vp-test-hls'))['Outputs']))")"
t_eq "boto3: H.264 QVBR capped, one GOP per segment, scene change detection" "M3U8 H_264 QVBR 8 8500000 3.0 SECONDS TRANSITION_DETECTION" \
    "$(mc "o = hls(tmpl('vp-test-hls'))['Outputs'][0]; v = o['VideoDescription']['CodecSettings']; h = v['H264Settings']
print(o['ContainerSettings']['Container'], v['Codec'], h['RateControlMode'], h['QvbrSettings']['QvbrQualityLevel'], h['MaxBitrate'], h['GopSize'], h['GopSizeUnits'], h['SceneChangeDetect'])")"
t_eq "boto3: AAC stereo 48 kHz from Audio Selector 1" "AAC 128000 CODING_MODE_2_0 48000 Audio Selector 1" \
    "$(mc "a = hls(tmpl('vp-test-hls'))['Outputs'][2]['AudioDescriptions'][0]; s = a['CodecSettings']['AacSettings']
print(a['CodecSettings']['Codec'], s['Bitrate'], s['CodingMode'], s['SampleRate'], a['AudioSourceName'])")"
t_eq "boto3: thumbnails by frame capture under thumbnails/" "FILE_GROUP_SETTINGS s3://vp-outputs/videos/thumbnails/ RAW jpg _thumb 480x270 FRAME_CAPTURE 1/5 20 80" \
    "$(mc "g = thumbs(tmpl('vp-test-hls')); o = g['Outputs'][0]; v = o['VideoDescription']; f = v['CodecSettings']['FrameCaptureSettings']
print(g['OutputGroupSettings']['Type'], g['OutputGroupSettings']['FileGroupSettings']['Destination'], o['ContainerSettings']['Container'], o['Extension'], o['NameModifier'],
      '%dx%d' % (v['Width'], v['Height']), v['CodecSettings']['Codec'], '%d/%d' % (f['FramerateNumerator'], f['FramerateDenominator']), f['MaxCaptures'], f['Quality'])")"
t_eq "boto3: the input template the convert handler fills in" "DEFAULT ZEROBASED" \
    "$(mc "i = tmpl('vp-test-hls')['Settings']['Inputs'][0]; print(i['AudioSelectors']['Audio Selector 1']['DefaultSelection'], i['TimecodeSource'])")"
t_eq "boto3: the template's own settings" "VOD ladder vidpipe $QUEUE PREFERRED 10 SECONDS_10" \
    "$(mc "t = tmpl('vp-test-hls'); print(t['Description'], t['Category'], t['Queue'], t['AccelerationSettings']['Mode'], t['Priority'], t['StatusUpdateInterval'])")"
ARN=arn:aws:mediaconvert:us-east-1:123456789012:jobTemplates/vp-test-hls
tags() { mc "print(dict(sorted(c.list_tags_for_resource(Arn='$ARN')['ResourceTags']['Tags'].items())))"; }
t_eq "boto3: the tags" "{'app': 'vidpipe', 'env': 'dev'}" "$(tags)"

# Update: another segment length, a rendition less, no queue (the default one), tags changed.
edit "$T_TMP/full.json" "$T_TMP/u1.json" "
w['segment_length'] = 6; w['renditions'] = w['renditions'][1:]; w['queue'] = ''; w['description'] = ''
w['tags'] = {'env': 'prod', 'team': 'media'}"
t_status "update: segment length, ladder, queue, tags" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediaconvert_job_template update vp-test-hls "$T_TMP/u1.json"
printf '%s\n' "$T_OUT" >"$T_TMP/u1.out"
t_eq "update returns want" "same" "$(vp_same "$T_TMP/u1.json" "$T_TMP/u1.out")"
t_eq "one UpdateJobTemplate, then the tags" "UpdateJobTemplate UntagResource TagResource" "$(writes "$T_ERR")"
t_eq "boto3: the settings replaced whole" "6 6.0 ['_720p', '_360p']" \
    "$(mc "t = tmpl('vp-test-hls'); g = hls(t)
print(g['OutputGroupSettings']['HlsGroupSettings']['SegmentLength'], g['Outputs'][0]['VideoDescription']['CodecSettings']['H264Settings']['GopSize'], [o['NameModifier'] for o in g['Outputs']])")"
t_eq "boto3: back on the default queue, description cleared" "arn:aws:mediaconvert:us-east-1:123456789012:queues/Default ''" \
    "$(mc "t = tmpl('vp-test-hls'); print(t['Queue'], repr(t['Description']))")"
t_eq "boto3: the new tags" "{'env': 'prod', 'team': 'media'}" "$(tags)"
t_status "a repeated update" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediaconvert_job_template update vp-test-hls "$T_TMP/u1.json"
t_eq "writes nothing" "" "$(writes "$T_ERR")"
edit "$T_TMP/u1.json" "$T_TMP/u2.json" "w['tags'] = {'env': 'prod'}"
t_status "a tags-only update" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediaconvert_job_template update vp-test-hls "$T_TMP/u2.json"
t_eq "leaves the settings alone" "UntagResource" "$(writes "$T_ERR")"

# A document the service refuses (vidpipe's validator is bypassed here) is a clear error, and nothing is made.
edit "$T_TMP/full.json" "$T_TMP/bad.json" "w['name'] = 'vp-test-bad'; w['renditions'][0]['width'] = 10000; w['tags'] = {}"
t_status "a template MediaConvert refuses" 1 "$VIDPIPE" debug resource mediaconvert_job_template create "$T_TMP/bad.json"
t_contains "says which template and why" "$T_ERR" "creating job template 'vp-test-bad'"
t_contains "with the service's error" "$T_ERR" "BadRequestException"
t_contains "naming the setting" "$T_ERR" "10000 is more than the maximum 8192"
t_eq "boto3: no such template" "['vp-test-hls']" "$(mc "print([t['Name'] for t in c.list_job_templates()['JobTemplates']])")"

# Adoption: create over an existing template of that name converges it instead of failing.
t_status "create over the existing template adopts it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediaconvert_job_template create "$T_TMP/full.json"
t_eq "converging it on want" "CreateJobTemplate UpdateJobTemplate TagResource" "$(writes "$T_ERR")"
t_eq "boto3: segment length from want again" "3" "$(mc "print(hls(tmpl('vp-test-hls'))['OutputGroupSettings']['HlsGroupSettings']['SegmentLength'])")"

t_status "delete the template" 0 "$VIDPIPE" debug resource mediaconvert_job_template delete vp-test-hls
t_eq "boto3: gone" "[]" "$(mc "print([t['Name'] for t in c.list_job_templates()['JobTemplates']])")"
t_status "read of a missing template" 0 "$VIDPIPE" debug resource mediaconvert_job_template read vp-test-hls
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing template succeeds" 0 "$VIDPIPE" debug resource mediaconvert_job_template delete vp-test-hls

# An account endpoint: calls go there instead of the regional endpoint, and the id remembers it.
cat >"$T_TMP/ep.json" <<JSON
{"name": "vp-test-ep", "destination": "s3://vp-outputs/videos/", "endpoint": "$MC_URL/"}
JSON
t_status "create through the endpoint attribute" 0 env -u AWS_ENDPOINT_URL_MEDIACONVERT "$VIDPIPE" debug resource mediaconvert_job_template create "$T_TMP/ep.json"
t_eq "boto3: the template is there, with the default ladder" "['_720p', '_360p']" \
    "$(mc "print([o['NameModifier'] for o in hls(tmpl('vp-test-ep'))['Outputs']])")"
t_status "read by NAME@ENDPOINT" 0 env -u AWS_ENDPOINT_URL_MEDIACONVERT "$VIDPIPE" debug resource mediaconvert_job_template read "vp-test-ep@$MC_URL"
t_contains "finds it" "$T_OUT" '"name": "vp-test-ep"'
t_status "AWS_ENDPOINT_URL_MEDIACONVERT wins over the attribute" 1 env AWS_ENDPOINT_URL_MEDIACONVERT=http://127.0.0.1:1 AWS_MAX_ATTEMPTS=1 \
    "$VIDPIPE" debug resource mediaconvert_job_template read "vp-test-ep@$MC_URL"
t_contains "(it went to the override)" "$T_ERR" "127.0.0.1 port 1"
t_status "delete by NAME@ENDPOINT" 0 env -u AWS_ENDPOINT_URL_MEDIACONVERT "$VIDPIPE" debug resource mediaconvert_job_template delete "vp-test-ep@$MC_URL"
t_eq "boto3: gone" "[]" "$(mc "print([t['Name'] for t in c.list_job_templates()['JobTemplates']])")"

# ---- through a spec ----
cd "$T_TMP" || exit 1
cat >jt.yaml <<'YAML'
vidpipe: 1
stack: jt
region: us-east-1
tags:
  project: vidpipe
resources:
  ladder:
    type: mediaconvert_job_template
    name: vp-test-ladder
    destination: s3://vp-outputs/videos/
    renditions:
      - name: 720p
        width: 1280
        height: 720
        max_bitrate: 6000000
      - name: 360p
        width: 640
        height: 360
        max_bitrate: 1500000
    segment_length: 6
    thumbnails:
      interval_seconds: 5
      quality: 80
YAML
t_status "validate the spec" 0 "$VIDPIPE" validate jt.yaml
sed 's/        width: 1280/        width: 8000/' jt.yaml >big.yaml
t_status "validate refuses a rendition too wide" 1 "$VIDPIPE" validate big.yaml
t_contains "at its file:line:col" "$T_ERR" "big.yaml:13:16: error: mediaconvert_job_template.ladder.renditions[0].width must be from 64 to 4096; got 8000"
sed 's/        height: 360/        height: 361/' jt.yaml >odd.yaml
t_status "validate refuses an odd height" 1 "$VIDPIPE" validate odd.yaml
t_contains "naming the rendition" "$T_ERR" "odd.yaml:11:5: error: mediaconvert_job_template.ladder: rendition '360p': height 361 is odd"
sed 's/      - name: 360p/      - name: 720p/' jt.yaml >dup.yaml
t_status "validate refuses two renditions of one name" 1 "$VIDPIPE" validate dup.yaml
t_contains "saying why" "$T_ERR" "two renditions are named '720p'"
sed 's/        max_bitrate: 1500000/        max_bitrate: 50000/' jt.yaml >rate.yaml
t_status "validate refuses a bitrate under the floor" 1 "$VIDPIPE" validate rate.yaml
t_contains "at its position" "$T_ERR" "rate.yaml:19:22: error: mediaconvert_job_template.ladder.renditions[1].max_bitrate must be from 100000 to 20000000; got 50000"
sed 's|destination: s3://vp-outputs/videos/|destination: s3://vp-outputs/videos|' jt.yaml >dest.yaml
t_status "validate refuses a destination that is not a folder" 1 "$VIDPIPE" validate dest.yaml
t_contains "saying what it must be" "$T_ERR" "the destination is an S3 folder: s3://BUCKET/ or s3://BUCKET/PREFIX/"
sed 's/    segment_length: 6/    segment_length: 6\n    settings_fingerprint: abc/' jt.yaml >fp.yaml
t_status "validate refuses a settings_fingerprint in the spec" 1 "$VIDPIPE" validate fp.yaml
t_contains "it is vidpipe's to fill in" "$T_ERR" "leave it out of the spec"
sed 's/    name: vp-test-ladder/    name: "vp test ladder"/' jt.yaml >name.yaml
t_status "validate refuses a bad template name" 1 "$VIDPIPE" validate name.yaml
t_contains "saying why" "$T_ERR" "a job template name is 1 to 128 letters, digits, '_' and '-'"
sed 's/    segment_length: 6/    segment_length: 6\n    queue: arn:aws:mediaconvert:us-east-1:123456789012:queues\/Default/' jt.yaml >queue.yaml
t_status "validate refuses naming the default queue" 1 "$VIDPIPE" validate queue.yaml
t_contains "saying what to do" "$T_ERR" "leave queue empty for the default queue"

t_status "plan from nothing" 2 "$VIDPIPE" plan jt.yaml --detailed-exitcode
t_contains "creates the template" "$T_OUT" "+ mediaconvert_job_template.ladder will be created"
t_status "apply" 0 "$VIDPIPE" apply jt.yaml --auto-approve
t_contains "creates it" "$T_OUT" "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
t_eq "boto3: the ladder and segment length" "6 ['_720p', '_360p'] _thumb" \
    "$(mc "t = tmpl('vp-test-ladder'); print(hls(t)['OutputGroupSettings']['HlsGroupSettings']['SegmentLength'], [o['NameModifier'] for o in hls(t)['Outputs']], thumbs(t)['Outputs'][0]['NameModifier'])")"
t_eq "boto3: the spec's default tags" "{'project': 'vidpipe'}" \
    "$(mc "print(c.list_tags_for_resource(Arn='arn:aws:mediaconvert:us-east-1:123456789012:jobTemplates/vp-test-ladder')['ResourceTags']['Tags'])")"
t_status "a second plan has no changes" 0 "$VIDPIPE" plan jt.yaml --detailed-exitcode
t_contains "and says so" "$T_OUT" "No changes."
t_status "no drift right after apply" 0 "$VIDPIPE" drift jt.yaml

sed -i 's/    segment_length: 6/    segment_length: 4/' jt.yaml
t_status "a new segment length plans an update" 2 "$VIDPIPE" plan jt.yaml --detailed-exitcode
t_contains "in place" "$T_OUT" "~ mediaconvert_job_template.ladder will be updated in place"
t_contains "of segment_length" "$T_OUT" "segment_length"
t_lacks "and of nothing else" "$T_OUT" "settings_fingerprint"
t_status "apply it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply jt.yaml --auto-approve
t_eq "one UpdateJobTemplate" "UpdateJobTemplate" "$(writes "$T_ERR")"
t_eq "boto3: segments and GOPs of 4 s" "4 4.0" \
    "$(mc "g = hls(tmpl('vp-test-ladder')); print(g['OutputGroupSettings']['HlsGroupSettings']['SegmentLength'], g['Outputs'][1]['VideoDescription']['CodecSettings']['H264Settings']['GopSize'])")"
t_status "then no changes" 0 "$VIDPIPE" plan jt.yaml --detailed-exitcode

# Another segment length set with boto3 (the whole Settings sent back, as UpdateJobTemplate wants), GOPs
# changed with it as vidpipe would: drift names segment_length alone.
mc "t = tmpl('vp-test-ladder'); g = hls(t); g['OutputGroupSettings']['HlsGroupSettings']['SegmentLength'] = 10
for o in g['Outputs']:
    o['VideoDescription']['CodecSettings']['H264Settings']['GopSize'] = 10.0
c.update_job_template(Name='vp-test-ladder', Settings=t['Settings'])" >/dev/null
t_status "a segment length changed outside vidpipe is drift" 2 "$VIDPIPE" drift jt.yaml
t_contains "naming the attribute" "$T_OUT" "segment_length             = 4 -> 10"
t_lacks "and only it" "$T_OUT" "settings_fingerprint"
t_status "the next apply repairs it" 0 "$VIDPIPE" apply jt.yaml --auto-approve
t_eq "boto3: 4 s again" "4 4.0" "$(mc "g = hls(tmpl('vp-test-ladder')); print(g['OutputGroupSettings']['HlsGroupSettings']['SegmentLength'], g['Outputs'][0]['VideoDescription']['CodecSettings']['H264Settings']['GopSize'])")"
t_status "no drift after the repair" 0 "$VIDPIPE" drift jt.yaml
# The segment length alone, GOPs left at 4 s: a document vidpipe would not write, so settings_fingerprint too.
mc "t = tmpl('vp-test-ladder'); hls(t)['OutputGroupSettings']['HlsGroupSettings']['SegmentLength'] = 8
c.update_job_template(Name='vp-test-ladder', Settings=t['Settings'])" >/dev/null
t_status "a segment length changed without its GOPs is drift" 2 "$VIDPIPE" drift jt.yaml
t_contains "naming the attribute" "$T_OUT" "segment_length             = 4 -> 8"
t_contains "and settings_fingerprint (the GOPs no longer match)" "$T_OUT" "settings_fingerprint"
t_status "the next apply repairs it" 0 "$VIDPIPE" apply jt.yaml --auto-approve
t_status "no drift after the repair" 0 "$VIDPIPE" drift jt.yaml

# A setting no attribute describes, changed in the console: drift on settings_fingerprint.
mc "t = tmpl('vp-test-ladder'); t['Settings']['OutputGroups'][0]['Outputs'][0]['VideoDescription']['CodecSettings']['H264Settings']['CodecProfile'] = 'HIGH'
c.update_job_template(Name='vp-test-ladder', Settings=t['Settings'])" >/dev/null
t_status "a codec profile set outside vidpipe is drift" 2 "$VIDPIPE" drift jt.yaml
t_contains "on settings_fingerprint" "$T_OUT" "settings_fingerprint"
t_lacks "no attribute changed" "$T_OUT" "segment_length"
t_status "the plan repairs it" 2 "$VIDPIPE" plan jt.yaml --detailed-exitcode
t_contains "marked as drift" "$T_OUT" "(changed outside vidpipe)"
t_status "apply" 0 "$VIDPIPE" apply jt.yaml --auto-approve
t_eq "boto3: vidpipe's document again" "False" \
    "$(mc "print('CodecProfile' in hls(tmpl('vp-test-ladder'))['Outputs'][0]['VideoDescription']['CodecSettings']['H264Settings'])")"
t_status "no drift after the repair" 0 "$VIDPIPE" drift jt.yaml

mc "c.delete_job_template(Name='vp-test-ladder')" >/dev/null
t_status "a template deleted outside vidpipe is drift" 2 "$VIDPIPE" drift jt.yaml
t_contains "and says so" "$T_OUT" "deleted outside vidpipe"
t_status "apply re-creates it" 0 "$VIDPIPE" apply jt.yaml --auto-approve
t_contains "as an addition" "$T_OUT" "1 added"

t_status "destroy" 0 "$VIDPIPE" destroy jt.yaml --auto-approve
t_eq "boto3: gone" "[]" "$(mc "print([t['Name'] for t in c.list_job_templates()['JobTemplates']])")"
t_eq "every request the stand-in checked was valid" "0" "$(curl -s "$MC_URL/_standin/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["invalid"] - 1)')"
