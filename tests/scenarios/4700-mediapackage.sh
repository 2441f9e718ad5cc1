# 4700-mediapackage: the mediapackage_channel and mediapackage_hls_endpoint providers. Against moto through
# `vidpipe debug resource`: a channel and an HLS origin endpoint created with every setting, read back by
# boto3 and by vidpipe in exactly want's shape; an endpoint update that is one full UpdateOriginEndpoint
# (moto blanks every field not sent: the untouched settings surviving proves all were sent); adoption;
# missing resources read as null and delete as success. Through a spec against moto: validate errors with
# file:line:col; apply, the endpoint's url as an output, a second plan with no changes, a segment duration
# update, drift made with boto3's update_origin_endpoint named by attribute and repaired, destroy in
# dependency order.
#
# moto 5.2.1 gaps, tested instead against tests/fixtures/fake_mediapackage.py, which answers as AWS documents:
# UpdateChannel (moto: 500), TagResource/UntagResource (moto: 404, no tag API at all: on moto tags are only
# ever set by CreateChannel/CreateOriginEndpoint, so the spec part never changes tags), the channel's HLS
# ingest URL (moto reports none: hls_ingest_url is ""), NotFoundException as HTTP 404 (moto: 400), and
# CreateOriginEndpoint answering "Channel not found" right after CreateChannel (moto never refuses).
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"

# vp_same WANT LIVE: "same" when LIVE holds exactly WANT's attributes (computed ones aside), else the differences.
vp_same() {
    python3 - "$1" "$2" <<'PY'
import json, sys
want, live = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).read())
for k in ("arn", "url", "hls_ingest_url"):
    want.pop(k, None); live.pop(k, None)
diff = sorted(k for k in set(want) | set(live) if want.get(k) != live.get(k))
print("same" if not diff else "; ".join("%s: want %s, live %s" % (k, json.dumps(want.get(k)), json.dumps(live.get(k))) for k in diff))
PY
}
ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }
writes() { ops "$1" | grep -v '^Describe\|^List' | tr '\n' ' ' | sed 's/ $//'; }
edit() { python3 -c "import json; w = json.load(open('$1')); $3; json.dump(w, open('$2', 'w'))"; }
ep() { boto mediapackage "e = c.describe_origin_endpoint(Id='$1'); h = e.get('HlsPackage', {})
$2"; }

# ---- the providers alone, on moto ----
cat >ch.json <<'JSON'
{"id": "vp-test-ch", "description": "live input", "tags": {"app": "vidpipe", "env": "dev"}}
JSON
t_status "create a channel" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediapackage_channel create ch.json
printf '%s\n' "$T_OUT" >ch.out
printf '%s\n' "$T_ERR" >ch.log
t_eq "create returns the channel in want's shape" "same" "$(vp_same ch.json ch.out)"
t_eq "one CreateChannel, tags in it" "CreateChannel" "$(writes ch.log)"
# moto's ARN lacks region and account (arn:aws:mediapackage:channel:ID): vidpipe reports what it is given.
t_contains "with the ARN MediaPackage reports" "$T_OUT" '"arn": "arn:aws:mediapackage:'
t_eq "boto3 reads the channel" "live input {'app': 'vidpipe', 'env': 'dev'}" \
    "$(boto mediapackage "d = c.describe_channel(Id='vp-test-ch'); print(d['Description'], dict(sorted(d['Tags'].items())))")"
t_status "read the channel" 0 "$VIDPIPE" debug resource mediapackage_channel read vp-test-ch
printf '%s\n' "$T_OUT" >ch.read
t_eq "read equals want" "same" "$(vp_same ch.json ch.read)"
t_status "an update with nothing changed" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediapackage_channel update vp-test-ch ch.json
printf '%s\n' "$T_ERR" >noop.log
t_eq "writes nothing" "" "$(writes noop.log)"

cat >ep.json <<'JSON'
{"id": "vp-test-ep", "channel_id": "vp-test-ch", "description": "HLS playback", "manifest_name": "main",
 "segment_duration_seconds": 4, "playlist_window_seconds": 120, "startover_window_seconds": 300,
 "time_delay_seconds": 10, "origination": "ALLOW", "whitelist": ["10.0.0.0/8", "192.168.0.0/16"],
 "ad_markers": "DATERANGE", "program_date_time_interval_seconds": 5, "include_iframe_only_stream": true,
 "tags": {"app": "vidpipe"}}
JSON
t_status "create an HLS endpoint with every setting" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediapackage_hls_endpoint create ep.json
printf '%s\n' "$T_OUT" >ep.out
printf '%s\n' "$T_ERR" >ep.log
t_eq "create returns the endpoint in want's shape" "same" "$(vp_same ep.json ep.out)"
t_eq "one CreateOriginEndpoint" "CreateOriginEndpoint" "$(writes ep.log)"
t_contains "with its playback url" "$T_OUT" '"url": "https://origin-endpoint.mediapackage.us-east-1.amazonaws.com/vp-test-ep"'
t_eq "boto3 reads the endpoint" "vp-test-ch HLS playback main 300 10 ALLOW ['10.0.0.0/8', '192.168.0.0/16'] {'app': 'vidpipe'}" \
    "$(ep vp-test-ep "print(e['ChannelId'], e['Description'], e['ManifestName'], e['StartoverWindowSeconds'], e['TimeDelaySeconds'], e['Origination'], e['Whitelist'], e['Tags'])")"
t_eq "boto3 reads the HLS package" "4 120 DATERANGE 5 True" \
    "$(ep vp-test-ep "print(h['SegmentDurationSeconds'], h['PlaylistWindowSeconds'], h['AdMarkers'], h['ProgramDateTimeIntervalSeconds'], h['IncludeIframeOnlyStream'])")"
t_status "read the endpoint" 0 "$VIDPIPE" debug resource mediapackage_hls_endpoint read vp-test-ep
printf '%s\n' "$T_OUT" >ep.read
t_eq "read equals want" "same" "$(vp_same ep.json ep.read)"

# One setting changed: one UpdateOriginEndpoint carrying all of them (moto keeps only what is sent).
edit ep.json ep2.json "w['segment_duration_seconds'] = 8; w['origination'] = 'DENY'"
t_status "update two settings" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediapackage_hls_endpoint update vp-test-ep ep2.json
printf '%s\n' "$T_OUT" >ep2.out
printf '%s\n' "$T_ERR" >ep2.log
t_eq "update returns want" "same" "$(vp_same ep2.json ep2.out)"
t_eq "one UpdateOriginEndpoint" "UpdateOriginEndpoint" "$(writes ep2.log)"
t_eq "boto3 sees the change, and every untouched setting kept" "8 DENY main HLS playback 300 10 120 DATERANGE 5 True ['10.0.0.0/8', '192.168.0.0/16']" \
    "$(ep vp-test-ep "print(h['SegmentDurationSeconds'], e['Origination'], e['ManifestName'], e['Description'], e['StartoverWindowSeconds'], e['TimeDelaySeconds'], h['PlaylistWindowSeconds'], h['AdMarkers'], h['ProgramDateTimeIntervalSeconds'], h['IncludeIframeOnlyStream'], e['Whitelist'])")"
t_status "a repeated update" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediapackage_hls_endpoint update vp-test-ep ep2.json
printf '%s\n' "$T_ERR" >noop2.log
t_eq "writes nothing" "" "$(writes noop2.log)"

# Adoption: create over an existing endpoint converges it; one on another channel is refused.
t_status "create over the existing endpoint adopts it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource mediapackage_hls_endpoint create ep.json
printf '%s\n' "$T_ERR" >adopt.log
t_eq "by updating it" "UpdateOriginEndpoint" "$(writes adopt.log)"
t_eq "boto3: converged to want" "4 ALLOW" "$(ep vp-test-ep "print(h['SegmentDurationSeconds'], e['Origination'])")"
edit ep.json other.json "w['channel_id'] = 'vp-test-other'"
t_status "but not when it is on another channel" 1 "$VIDPIPE" debug resource mediapackage_hls_endpoint create other.json
t_contains "which it says" "$T_ERR" "origin endpoint 'vp-test-ep' exists on channel 'vp-test-ch', the spec wants channel 'vp-test-other'"

t_status "delete the endpoint" 0 "$VIDPIPE" debug resource mediapackage_hls_endpoint delete vp-test-ep
t_eq "boto3: gone" "[]" "$(boto mediapackage "print([e['Id'] for e in c.list_origin_endpoints()['OriginEndpoints']])")"
t_status "read of a missing endpoint (moto's NotFoundException is HTTP 400)" 0 "$VIDPIPE" debug resource mediapackage_hls_endpoint read vp-test-ep
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing endpoint succeeds" 0 "$VIDPIPE" debug resource mediapackage_hls_endpoint delete vp-test-ep
t_status "delete the channel" 0 "$VIDPIPE" debug resource mediapackage_channel delete vp-test-ch
t_eq "boto3: gone" "[]" "$(boto mediapackage "print([c_['Id'] for c_ in c.list_channels()['Channels']])")"
t_status "read of a missing channel" 0 "$VIDPIPE" debug resource mediapackage_channel read vp-test-ch
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing channel succeeds" 0 "$VIDPIPE" debug resource mediapackage_channel delete vp-test-ch

# Defaults: an endpoint given only its ids reads back as the schema's defaults.
"$VIDPIPE" debug resource mediapackage_channel create ch.json >/dev/null
echo '{"id": "vp-test-min", "channel_id": "vp-test-ch"}' >min.json
t_status "create an endpoint given only its ids" 0 "$VIDPIPE" debug resource mediapackage_hls_endpoint create min.json
printf '%s\n' "$T_OUT" >min.out
t_eq "reads as the defaults" "same" "$(vp_same <(python3 -c "import json; print(json.dumps(dict(json.load(open('min.json')), description='',
    manifest_name='index', segment_duration_seconds=6, playlist_window_seconds=60, startover_window_seconds=0, time_delay_seconds=0,
    origination='ALLOW', whitelist=[], ad_markers='NONE', program_date_time_interval_seconds=0, include_iframe_only_stream=False, tags={})))") min.out)"
"$VIDPIPE" debug resource mediapackage_hls_endpoint delete vp-test-min >/dev/null
"$VIDPIPE" debug resource mediapackage_channel delete vp-test-ch >/dev/null

# ---- what moto cannot show, against the fake MediaPackage that answers as AWS documents ----
fake_start() {
    t_bg python3 "$VP_ROOT/tests/fixtures/fake_mediapackage.py" "$@" >fake.port
    local tries=100
    while [ ! -s fake.port ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
    FAKE_URL="http://127.0.0.1:$(head -n 1 fake.port)"
}
fake_requests() { curl -s "$FAKE_URL/_fake/requests" | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)))'; }
fake_start --not-found-creates 3
fvp() { env AWS_ENDPOINT_URL="$FAKE_URL" "$VIDPIPE" "$@"; }
t_status "fake: create a channel" 0 fvp debug resource mediapackage_channel create ch.json
t_contains "hls_ingest_url is the first ingest endpoint's URL" "$T_OUT" '"hls_ingest_url": "https://ingest.example/in/v2/vp-test-ch/channel"'
edit ch.json ch2.json "w['description'] = 'renamed'; w['tags'] = {'app': 'vidpipe', 'team': 'media'}"
t_status "fake: update the description and tags" 0 env VIDPIPE_LOG=debug AWS_ENDPOINT_URL="$FAKE_URL" "$VIDPIPE" debug resource mediapackage_channel update vp-test-ch ch2.json
printf '%s\n' "$T_OUT" >ch2.out
printf '%s\n' "$T_ERR" >ch2.log
t_eq "fake: UpdateChannel, then the tag calls" "UpdateChannel UntagResource TagResource" "$(writes ch2.log)"
t_eq "fake: update returns want" "same" "$(vp_same ch2.json ch2.out)"
t_contains "fake: UntagResource names the dropped key, the ARN encoded in the path" "$(fake_requests)" \
    "DELETE /tags/arn%3Aaws%3Amediapackage%3Aus-east-1%3A123456789012%3Achannels%2Fvp-test-ch?tagKeys=env"
t_contains "fake: UpdateChannel is a PUT on the channel" "$(fake_requests)" "PUT /channels/vp-test-ch"

t_status "fake: an endpoint whose channel is 'not found' at first" 0 env VIDPIPE_LOG=debug AWS_ENDPOINT_URL="$FAKE_URL" "$VIDPIPE" debug resource mediapackage_hls_endpoint create ep.json
printf '%s\n' "$T_ERR" >retry.log
t_eq "fake: CreateOriginEndpoint retried until it succeeds" "4" "$(ops retry.log | grep -c '^CreateOriginEndpoint$')"
t_contains "fake: with its url" "$T_OUT" '"url": "https://example.mediapackage.us-east-1.amazonaws.com/out/v1/vp-test-ep/main.m3u8"'
edit ep.json ep3.json "w['tags'] = {'app': 'vidpipe', 'stage': 'prod'}"
t_status "fake: endpoint tags" 0 env VIDPIPE_LOG=debug AWS_ENDPOINT_URL="$FAKE_URL" "$VIDPIPE" debug resource mediapackage_hls_endpoint update vp-test-ep ep3.json
printf '%s\n' "$T_OUT" >ep3.out
printf '%s\n' "$T_ERR" >ep3.log
t_eq "fake: TagResource only" "TagResource" "$(writes ep3.log)"
t_eq "fake: update returns want" "same" "$(vp_same ep3.json ep3.out)"
edit ep.json never.json "w['id'] = 'vp-test-never'; w['channel_id'] = 'vp-test-nochannel'"
t_status "fake: a channel that never appears" 1 env VIDPIPE_WAIT_TIMEOUT_MS=300 AWS_ENDPOINT_URL="$FAKE_URL" "$VIDPIPE" debug resource mediapackage_hls_endpoint create never.json
t_contains "fake: is given up on, naming it" "$T_ERR" "gave up after 0.3 s waiting until MediaPackage finds channel 'vp-test-nochannel' to create origin endpoint 'vp-test-never' on"
t_status "fake: delete the endpoint" 0 fvp debug resource mediapackage_hls_endpoint delete vp-test-ep
t_status "fake: a missing endpoint (HTTP 404) reads as null" 0 fvp debug resource mediapackage_hls_endpoint read vp-test-ep
t_eq "fake: null" "null" "$T_OUT"
t_status "fake: and deletes as success" 0 fvp debug resource mediapackage_hls_endpoint delete vp-test-ep
t_status "fake: delete the channel" 0 fvp debug resource mediapackage_channel delete vp-test-ch
t_status "fake: a missing channel reads as null" 0 fvp debug resource mediapackage_channel read vp-test-ch
t_eq "fake: null" "null" "$T_OUT"

# ---- through a spec, on moto ----
cat >mp.yaml <<'YAML'
vidpipe: 1
stack: mpt
region: us-east-1
tags:
  project: vidpipe
resources:
  live:
    type: mediapackage_channel
    id: vp-test-live
    description: live input
  hls:
    type: mediapackage_hls_endpoint
    id: vp-test-hls
    channel_id: ${live.id}
    segment_duration_seconds: 6
    whitelist:
      - 10.0.0.0/8
outputs:
  playback_url: ${hls.url}
YAML
t_status "validate the spec" 0 "$VIDPIPE" validate mp.yaml
sed 's/id: vp-test-live/id: "vp test live"/' mp.yaml >badid.yaml
t_status "validate refuses a bad channel id" 1 "$VIDPIPE" validate badid.yaml
t_contains "at its file:line:col, saying why" "$T_ERR" "badid.yaml:9:9: error: mediapackage_channel.live.id: 'vp test live': a MediaPackage id holds only letters, digits, '_' and '-'"
sed 's/segment_duration_seconds: 6/segment_duration_seconds: 31/' mp.yaml >badseg.yaml
t_status "validate refuses a segment duration over 30" 1 "$VIDPIPE" validate badseg.yaml
t_contains "at its position" "$T_ERR" "badseg.yaml:15:31: error: mediapackage_hls_endpoint.hls.segment_duration_seconds must be from 1 to 30; got 31"
sed 's/    segment_duration_seconds: 6/    segment_duration_seconds: 6\n    origination: MAYBE/' mp.yaml >badorig.yaml
t_status "validate refuses an unknown origination" 1 "$VIDPIPE" validate badorig.yaml
t_contains "listing the choices" "$T_ERR" "badorig.yaml:16:18: error: mediapackage_hls_endpoint.hls.origination must be one of ALLOW, DENY; got 'MAYBE'"
sed 's/    segment_duration_seconds: 6/    segment_duration_seconds: 6\n    ad_markers: DATERANGE/' mp.yaml >daterange.yaml
t_status "validate refuses DATERANGE ad markers without program date-time" 1 "$VIDPIPE" validate daterange.yaml
t_contains "naming the rule" "$T_ERR" "daterange.yaml:16:5: error: mediapackage_hls_endpoint.hls: ad_markers DATERANGE needs program_date_time_interval_seconds greater than 0"

t_status "plan from nothing" 2 "$VIDPIPE" plan mp.yaml --detailed-exitcode
t_contains "creates the channel" "$T_OUT" "+ mediapackage_channel.live will be created"
t_contains "and the endpoint" "$T_OUT" "+ mediapackage_hls_endpoint.hls will be created"
t_status "apply" 0 "$VIDPIPE" apply mp.yaml --auto-approve
t_contains "creates both" "$T_OUT" "Apply complete! Resources: 2 added, 0 changed, 0 destroyed."
t_eq "boto3: the channel, with the spec's default tags" "live input {'project': 'vidpipe'}" \
    "$(boto mediapackage "d = c.describe_channel(Id='vp-test-live'); print(d['Description'], d['Tags'])")"
t_eq "boto3: the endpoint on it" "vp-test-live 6 60 index ['10.0.0.0/8'] {'project': 'vidpipe'}" \
    "$(ep vp-test-hls "print(e['ChannelId'], h['SegmentDurationSeconds'], h['PlaylistWindowSeconds'], e['ManifestName'], e['Whitelist'], e['Tags'])")"
URL=$(ep vp-test-hls "print(e['Url'])")
t_status "the playback url is an output" 0 "$VIDPIPE" output playback_url mp.yaml
t_eq "the endpoint's Url" "$URL" "$T_OUT"
t_status "a second plan has no changes" 0 "$VIDPIPE" plan mp.yaml --detailed-exitcode
t_contains "and says so" "$T_OUT" "No changes."

sed -i 's/segment_duration_seconds: 6/segment_duration_seconds: 2/' mp.yaml
t_status "a new segment duration plans an update" 2 "$VIDPIPE" plan mp.yaml --detailed-exitcode
t_contains "in place" "$T_OUT" "~ mediapackage_hls_endpoint.hls will be updated in place"
t_contains "of segment_duration_seconds" "$T_OUT" "segment_duration_seconds"
t_status "apply it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply mp.yaml --auto-approve
t_eq "one UpdateOriginEndpoint" "UpdateOriginEndpoint" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Describe\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3 sees it, the rest kept" "2 60 index ['10.0.0.0/8']" \
    "$(ep vp-test-hls "print(h['SegmentDurationSeconds'], h['PlaylistWindowSeconds'], e['ManifestName'], e['Whitelist'])")"
t_status "then no changes" 0 "$VIDPIPE" plan mp.yaml --detailed-exitcode

# Drift: boto3 changes the manifest name and segment duration, sending every field (UpdateOriginEndpoint is
# a full PUT; moto blanks what is not sent).
boto mediapackage "e = c.describe_origin_endpoint(Id='vp-test-hls'); h = e['HlsPackage']; h['SegmentDurationSeconds'] = 10
c.update_origin_endpoint(Id='vp-test-hls', Description=e['Description'], ManifestName='other', HlsPackage=h,
    StartoverWindowSeconds=e['StartoverWindowSeconds'], TimeDelaySeconds=e['TimeDelaySeconds'], Origination=e['Origination'], Whitelist=e['Whitelist'])"
t_status "drift exits 2" 2 "$VIDPIPE" drift mp.yaml
t_contains "naming the endpoint" "$T_OUT" "mediapackage_hls_endpoint.hls changed outside vidpipe"
t_contains "and manifest_name" "$T_OUT" 'manifest_name              = "index" -> "other"'
t_contains "and segment_duration_seconds" "$T_OUT" "segment_duration_seconds   = 2 -> 10"
t_lacks "not the channel" "$T_OUT" "mediapackage_channel.live changed"
t_status "apply repairs it" 0 "$VIDPIPE" apply mp.yaml --auto-approve
t_contains "as a change" "$T_OUT" "Resources: 0 added, 1 changed, 0 destroyed."
t_eq "boto3: the spec's settings again" "2 index" "$(ep vp-test-hls "print(h['SegmentDurationSeconds'], e['ManifestName'])")"
t_status "no drift after the repair" 0 "$VIDPIPE" drift mp.yaml

t_status "destroy" 0 "$VIDPIPE" destroy mp.yaml --auto-approve
t_eq "the endpoint before its channel" "mediapackage_hls_endpoint.hls mediapackage_channel.live" \
    "$(printf '%s\n' "$T_OUT" | sed -n 's/^\(mediapackage_[a-z_]*\.[a-z]*\): destruction complete.*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3: no endpoint left" "[]" "$(boto mediapackage "print([e['Id'] for e in c.list_origin_endpoints()['OriginEndpoints']])")"
t_eq "boto3: no channel left" "[]" "$(boto mediapackage "print([c_['Id'] for c_ in c.list_channels()['Channels']])")"
