# 6300-package: EventBridge "MediaConvert Job State Change" -> the video's item READY or FAILED, end to end
# against moto (DynamoDB, MediaPackage v1). The package handler (driven by build/tests/drive-handler) creates
# the stack's MediaPackage channel and HLS origin endpoint when missing, sets READY with the playback and
# thumbnail URLs on COMPLETE and FAILED with the error on ERROR; a repeated, stale or out-of-order event changes
# nothing. Hostile events are logged errors, never a crash. moto quirks met here (FIELD-NOTES): MediaPackage
# answers NotFoundException with HTTP 400 (AWS: 404) and CreateChannel on an existing id overwrites it (AWS:
# UnprocessableEntityException), so "no second channel" is checked by the calls made, not only by the count.
. tests/lib.sh
DRIVE="$VP_ROOT/${BUILD:-build}/tests/drive-handler"
[ -x "$DRIVE" ] || { echo "skip - $DRIVE is not built (make)"; exit 0; }

moto_start
boto dynamodb "c.create_table(TableName='vp-videos', BillingMode='PAY_PER_REQUEST',
    KeySchema=[{'AttributeName': 'user_id', 'KeyType': 'HASH'}, {'AttributeName': 'video_id', 'KeyType': 'RANGE'}],
    AttributeDefinitions=[{'AttributeName': 'user_id', 'AttributeType': 'S'}, {'AttributeName': 'video_id', 'AttributeType': 'S'}])"
export VIDPIPE_VIDEOS_TABLE=vp-videos VIDPIPE_PLAYBACK_BASE_URL=https://d111111abcdef8.cloudfront.net/ \
    VIDPIPE_MEDIAPACKAGE_CHANNEL=vp-dev-channel VIDPIPE_MEDIAPACKAGE_ENDPOINT=vp-dev-hls
BASE=https://d111111abcdef8.cloudfront.net

# processing USER VIDEO JOB: the item convert writes.
processing() {
    boto dynamodb "c.put_item(TableName='vp-videos', Item={'user_id': {'S': '$1'}, 'video_id': {'S': '$2'},
    'status': {'S': 'PROCESSING'}, 'job_id': {'S': '$3'}, 'source_key': {'S': 'uploads/$1/$2/clip.mp4'},
    'filename': {'S': 'clip.mp4'}, 'created_at': {'S': '2024-05-01T10:00:00Z'}})"
}
# item USER VIDEO: the whole item as sorted JSON ("{}" when there is none).
item() {
    boto dynamodb "print(json.dumps(c.get_item(TableName='vp-videos', Key={'user_id': {'S': '$1'}, 'video_id': {'S': '$2'}}).get('Item', {}), sort_keys=True))"
}
attr() { item "$1" "$2" | jq -r --arg a "$3" '.[$a] | if . == null then "-" elif .S then .S elif .N then .N else (.L | map(.S) | join(" ")) end'; }
# complete OUT USER VIDEO JOB PLAYLIST [THUMB]: AWS's COMPLETE sample for an HLS group, with the job's
# userMetadata, its playlist, and a frame-capture file group whose last capture is THUMB.
complete() {
    python3 - "$VP_TESTDATA/events/mediaconvert-job-complete-hls.json" "$@" <<'PY'
import json, sys
sample, out, user, video, job, playlist = sys.argv[1:7]
thumb = sys.argv[7] if len(sys.argv) > 7 else None
e = json.load(open(sample))
d = e["detail"]
d["jobId"] = job
d["userMetadata"] = {"user_id": user, "video_id": video}
e["resources"] = ["arn:aws:mediaconvert:us-east-1:123456789012:jobs/" + job]
hls = d["outputGroupDetails"][0]
hls["playlistFilePaths"] = [playlist]
for i, o in enumerate(hls["outputDetails"]):
    o["outputFilePaths"] = [playlist.replace(".m3u8", "_%d.m3u8" % i)]
if thumb:
    d["outputGroupDetails"].append({"type": "FILE_GROUP", "outputDetails": [
        {"outputFilePaths": [thumb], "durationInMs": 60000,
         "videoDetails": {"widthInPx": 1280, "heightInPx": 720}}]})
json.dump(e, open(out, "w"))
PY
}
# state OUT USER VIDEO JOB STATUS [CODE MESSAGE]: AWS's PROGRESSING sample with another status.
state() {
    python3 - "$VP_TESTDATA/events/mediaconvert-job-progressing.json" "$@" <<'PY'
import json, sys
sample, out, user, video, job, status = sys.argv[1:7]
e = json.load(open(sample))
d = e["detail"]
d.update({"jobId": job, "status": status, "userMetadata": {"user_id": user, "video_id": video}})
if len(sys.argv) > 7:
    d["errorCode"] = int(sys.argv[7])
    d["errorMessage"] = sys.argv[8]
json.dump(e, open(out, "w"))
PY
}
# package FILE: drives the handler (debug log on: the AWS calls are in $ERR); $OUT, $RC.
package() {
    OUT=$(VIDPIPE_LOG=debug "$DRIVE" package "$1" 2>"$T_TMP/drive.err")
    RC=$?
    ERR=$(cat "$T_TMP/drive.err")
}
calls() { printf '%s\n' "$ERR" | sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//'; }

# ---- COMPLETE: channel and endpoint created, READY with the URLs ----
V1=01HZX0000000000000000000V1
processing user-a $V1 job-1
complete "$T_TMP/c1.json" user-a $V1 job-1 "s3://vp-outputs/videos/user-a/$V1/clip.m3u8" \
    "s3://vp-outputs/videos/user-a/$V1/clip_thumb.0000011.jpg"
package "$T_TMP/c1.json"
t_eq "COMPLETE: the handler succeeds" "0" "$RC"
t_eq "the calls: channel and endpoint looked up and created, then the item updated" \
    "DescribeChannel CreateChannel DescribeOriginEndpoint CreateOriginEndpoint UpdateItem" "$(calls)"
t_eq "boto3: the channel exists" "vp-dev-channel" \
    "$(boto mediapackage "print(c.describe_channel(Id='vp-dev-channel')['Id'])")"
t_eq "boto3: its HLS origin endpoint exists" "vp-dev-channel 6" \
    "$(boto mediapackage "e = c.describe_origin_endpoint(Id='vp-dev-hls'); print(e['ChannelId'], e['HlsPackage']['SegmentDurationSeconds'])")"
t_eq "the item is READY" "READY" "$(attr user-a $V1 status)"
t_eq "playback_url: the base URL + the HLS main playlist's path" "$BASE/videos/user-a/$V1/clip.m3u8" \
    "$(attr user-a $V1 playback_url)"
thumbs=$(attr user-a $V1 thumbnail_urls)
t_eq "twelve thumbnails: .0000000 to .0000011 (MediaConvert names only the last)" "12" "$(printf '%s' "$thumbs" | wc -w)"
t_eq "the first and last thumbnail URLs" "$BASE/videos/user-a/$V1/clip_thumb.0000000.jpg $BASE/videos/user-a/$V1/clip_thumb.0000011.jpg" \
    "$(printf '%s' "$thumbs" | tr ' ' '\n' | sed -n '1p;$p' | tr '\n' ' ' | sed 's/ $//')"
t_eq "the rest of the item is kept" "job-1 clip.mp4 2024-05-01T10:00:00Z" \
    "$(attr user-a $V1 job_id) $(attr user-a $V1 filename) $(attr user-a $V1 created_at)"
t_eq "the response" "READY true" "$(printf '%s' "$OUT" | jq -r '"\(.status) \(.changed)"')"

# ---- the same event again: nothing changes ----
before=$(item user-a $V1)
package "$T_TMP/c1.json"
t_eq "a repeated COMPLETE succeeds" "0" "$RC"
t_eq "and changes nothing" "$before" "$(item user-a $V1)"
t_eq "no second channel: looked up, not created" "DescribeChannel DescribeOriginEndpoint UpdateItem GetItem" "$(calls)"
t_eq "boto3: one channel, one endpoint" "1 1" \
    "$(boto mediapackage "print(len(c.list_channels()['Channels']), len(c.list_origin_endpoints()['OriginEndpoints']))")"
t_contains "logged as left as it was" "$ERR" "video left as it was"

# ---- ERROR: FAILED with the message; forward only ----
V2=01HZX0000000000000000000V2
processing user-a $V2 job-2
state "$T_TMP/e2.json" user-a $V2 job-2 ERROR 1010 "Unable to open input file [s3://vp-uploads/x.mp4]"
package "$T_TMP/e2.json"
t_eq "ERROR: the handler succeeds" "0" "$RC"
t_eq "the item is FAILED with the error" "FAILED|Unable to open input file [s3://vp-uploads/x.mp4]|1010" \
    "$(attr user-a $V2 status)|$(attr user-a $V2 error_message)|$(attr user-a $V2 error_code)"
t_eq "no MediaPackage call for an error" "UpdateItem" "$(calls)"
before=$(item user-a $V2)
package "$T_TMP/e2.json"
t_eq "a repeated ERROR changes nothing" "0 $before" "$RC $(item user-a $V2)"
state "$T_TMP/e1.json" user-a $V1 job-1 ERROR 1999 "late"
before=$(item user-a $V1)
package "$T_TMP/e1.json"
t_eq "an ERROR after READY changes nothing (forward only)" "0 $before" "$RC $(item user-a $V1)"
complete "$T_TMP/c2.json" user-a $V2 job-2 "s3://vp-outputs/videos/user-a/$V2/clip.m3u8"
package "$T_TMP/c2.json"
t_eq "a COMPLETE after FAILED changes nothing" "0 FAILED" "$RC $(attr user-a $V2 status)"

# ---- other statuses, other jobs ----
V3=01HZX0000000000000000000V3
processing user-b $V3 job-3
before=$(item user-b $V3)
for s in PROGRESSING STATUS_UPDATE INPUT_INFORMATION SUBMITTED; do
    state "$T_TMP/s.json" user-b $V3 job-3 $s
    package "$T_TMP/s.json"
    t_eq "$s is ignored" "0 $before" "$RC $(item user-b $V3)"
done
t_contains "and logged" "$ERR" "no change of state"
complete "$T_TMP/stale.json" user-b $V3 job-OTHER "s3://vp-outputs/videos/user-b/$V3/clip.m3u8"
package "$T_TMP/stale.json"
t_eq "a COMPLETE for a job the item does not record changes nothing" "0 $before" "$RC $(item user-b $V3)"
package "$VP_TESTDATA/events/mediaconvert-job-complete-hls.json"
t_eq "AWS's sample as is (no userMetadata: not a vidpipe job) is ignored" "0" "$RC"
t_contains "and logged" "$ERR" "not a vidpipe job"
complete "$T_TMP/none.json" user-z 01HZX0000000000000000000VZ job-z "s3://vp-outputs/videos/user-z/01HZX0000000000000000000VZ/clip.m3u8"
package "$T_TMP/none.json"
t_eq "a COMPLETE before convert recorded the video fails, to be retried" "1 {}" \
    "$RC $(item user-z 01HZX0000000000000000000VZ)"
t_contains "saying so" "$ERR" "has no item yet"

# ---- names that need encoding; outputs without a playlist ----
V4=01HZX0000000000000000000V4
processing user-b $V4 job-4
complete "$T_TMP/c4.json" user-b $V4 job-4 "s3://vp-outputs/videos/user-b/$V4/My Movie ünï+.m3u8" \
    "s3://vp-outputs/videos/user-b/$V4/My Movie ünï+_thumb.0000000.jpg"
package "$T_TMP/c4.json"
t_eq "a playlist name with spaces and unicode is percent-encoded" \
    "$BASE/videos/user-b/$V4/My%20Movie%20%C3%BCn%C3%AF%2B.m3u8" "$(attr user-b $V4 playback_url)"
t_eq "one capture, one thumbnail" "$BASE/videos/user-b/$V4/My%20Movie%20%C3%BCn%C3%AF%2B_thumb.0000000.jpg" \
    "$(attr user-b $V4 thumbnail_urls)"
V5=01HZX0000000000000000000V5
processing user-b $V5 job-5
complete "$T_TMP/c5.json" user-b $V5 job-5 "s3://vp-outputs/videos/user-b/$V5/clip.m3u8"
python3 -c "
import json; e = json.load(open('$T_TMP/c5.json')); e['detail']['outputGroupDetails'][0]['type'] = 'FILE_GROUP'
json.dump(e, open('$T_TMP/c5.json', 'w'))"
package "$T_TMP/c5.json"
t_eq "a COMPLETE without an HLS playlist marks the video FAILED" "0 FAILED" "$RC $(attr user-b $V5 status)"
t_contains "saying why" "$(attr user-b $V5 error_message)" "no HLS group"

# ---- hostile events: logged errors, never a crash or a hang ----
hostile() {
    local name=$1 want=$2
    printf '%s' "$3" >"$T_TMP/hostile.json"
    timeout 20 "$DRIVE" package "$T_TMP/hostile.json" >"$T_TMP/h.out" 2>"$T_TMP/h.err"
    local rc=$?
    if [ "$rc" = "$want" ] && ! grep -q "AddressSanitizer\|runtime error" "$T_TMP/h.err"; then
        t_ok "hostile: $name"
    else
        t_fail "hostile: $name" "exit want $want got $rc" "$(tail -n 5 "$T_TMP/h.err")"
    fi
}
V6=01HZX0000000000000000000V6
processing user-c $V6 job-6
meta='"userMetadata":{"user_id":"user-c","video_id":"'$V6'"}'
hostile "an empty object" 1 '{}'
hostile "an array" 1 '[]'
hostile "detail is a string" 1 '{"detail":"x"}'
hostile "status is a number" 1 '{"detail":{"status":5,"jobId":"job-6"}}'
hostile "another detail-type" 1 '{"detail-type":"Object Created","detail":{"status":"COMPLETE","jobId":"j"}}'
hostile "userMetadata is an array" 1 '{"detail":{"status":"COMPLETE","jobId":"job-6","userMetadata":[1]}}'
hostile "user and video ids outside their character set" 0 '{"detail":{"status":"COMPLETE","jobId":"job-6","userMetadata":{"user_id":"../x","video_id":"a\u0000b"}}}'
hostile "outputGroupDetails is an object" 1 '{"detail":{"status":"COMPLETE","jobId":"job-6",'"$meta"',"outputGroupDetails":{}}}'
hostile "errorCode is a string" 1 '{"detail":{"status":"ERROR","jobId":"job-6",'"$meta"',"errorCode":"x"}}'
hostile "output groups of every wrong type" 0 '{"detail":{"status":"COMPLETE","jobId":"job-6",'"$meta"',"outputGroupDetails":[1,null,"x",{"type":5},{"type":"HLS_GROUP","playlistFilePaths":"s3://b/k"},{"type":"HLS_GROUP","playlistFilePaths":[7]},{"type":"FILE_GROUP","outputDetails":[{"outputFilePaths":[1,"s3://b/../x.0000001.jpg","s3://b/a.00000x1.jpg","s3://b/.0000001.jpg","http://b/a.0000001.jpg"]}]}]}}'
t_eq "a playlist that is not a string fails the video" "FAILED" "$(attr user-c $V6 status)"
V7=01HZX0000000000000000000V7
processing user-c $V7 job-7
hostile "a capture number of 9999999 is cut to the cap" 0 '{"detail":{"status":"COMPLETE","jobId":"job-7","userMetadata":{"user_id":"user-c","video_id":"'$V7'"},"outputGroupDetails":[{"type":"HLS_GROUP","playlistFilePaths":["s3://b/v/p.m3u8"]},{"type":"FILE_GROUP","outputDetails":[{"outputFilePaths":["s3://b/v/t.9999999.jpg"]}]}]}}'
t_eq "to 1000 thumbnails" "READY 1000" "$(attr user-c $V7 status) $(attr user-c $V7 thumbnail_urls | wc -w)"
t_contains "logged" "$(cat "$T_TMP/h.err")" "only the first 1000 thumbnails"
hostile "deep nesting" 1 "{\"detail\":{\"status\":\"COMPLETE\",\"jobId\":\"j\",\"userMetadata\":$(printf '%0.s[' $(seq 1000))$(printf '%0.s]' $(seq 1000))}}"
hostile "deep nesting in the outputs" 0 "{\"detail\":{\"status\":\"COMPLETE\",\"jobId\":\"j\",$meta,\"outputGroupDetails\":$(printf '%0.s[' $(seq 1000))$(printf '%0.s]' $(seq 1000))}}"
env -u VIDPIPE_PLAYBACK_BASE_URL "$DRIVE" package "$T_TMP/c1.json" >/dev/null 2>"$T_TMP/init.err"
t_eq "init names a missing setting" "2 drive-handler: init: VIDPIPE_PLAYBACK_BASE_URL is not set" "$? $(cat "$T_TMP/init.err")"
env -u VIDPIPE_MEDIAPACKAGE_ENDPOINT "$DRIVE" package "$T_TMP/c1.json" >/dev/null 2>"$T_TMP/init.err"
t_contains "the channel and endpoint settings go together" "$(cat "$T_TMP/init.err")" "go together"
