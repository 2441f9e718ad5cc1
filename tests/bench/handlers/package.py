"""package.py: EventBridge "MediaConvert Job State Change" -> the video READY or FAILED, in Python with boto3:
the seed's version of src/handlers/package.c, with the same calls (MediaPackage DescribeChannel and
DescribeOriginEndpoint, created when missing, once a container; DynamoDB UpdateItem, GetItem when the condition
fails) and the same answer."""
import datetime
import json
import os
import urllib.parse

import boto3

TABLE = os.environ["VIDPIPE_VIDEOS_TABLE"]
PLAYBACK_BASE = os.environ["VIDPIPE_PLAYBACK_BASE_URL"].rstrip("/")
CHANNEL = os.environ.get("VIDPIPE_MEDIAPACKAGE_CHANNEL")
ENDPOINT = os.environ.get("VIDPIPE_MEDIAPACKAGE_ENDPOINT")
if not PLAYBACK_BASE.startswith(("https://", "http://")):
    raise ValueError("VIDPIPE_PLAYBACK_BASE_URL must start with https:// or http://")

dynamodb = boto3.client("dynamodb")
mediapackage = boto3.client("mediapackage")
origin_ready = False


def ensure_origin():
    try:
        mediapackage.describe_channel(Id=CHANNEL)
    except mediapackage.exceptions.NotFoundException:
        mediapackage.create_channel(Id=CHANNEL, Description="vidpipe video playback")
    try:
        mediapackage.describe_origin_endpoint(Id=ENDPOINT)
    except mediapackage.exceptions.NotFoundException:
        mediapackage.create_origin_endpoint(ChannelId=CHANNEL, Id=ENDPOINT, Description="vidpipe HLS playback",
                                            HlsPackage={"SegmentDurationSeconds": 6, "PlaylistWindowSeconds": 60})


def s3_path(uri):
    if not isinstance(uri, str) or not uri.startswith("s3://") or "/" not in uri[5:]:
        raise ValueError("'%s' is not an s3://bucket/key URI" % uri)
    return uri[5:].split("/", 1)[1]


def url_for(path):
    return PLAYBACK_BASE + "/" + urllib.parse.quote(path, safe="/-_.~")


def playback_url(groups):
    for g in groups:
        if g.get("type") == "HLS_GROUP" and g.get("playlistFilePaths"):
            return url_for(s3_path(g["playlistFilePaths"][0]))
    raise ValueError("the job's outputs hold no HLS group with a playlist")


def thumbnail_urls(groups):
    urls = []
    for g in groups:
        if g.get("type") != "FILE_GROUP":
            continue
        for out in g.get("outputDetails", []):
            for f in out.get("outputFilePaths", []):
                path = s3_path(f)
                stem, _, rest = path.rpartition(".")[0].rpartition(".")
                if rest.isdigit() and len(rest) == 7:
                    urls += [url_for("%s.%07d.jpg" % (stem, i)) for i in range(int(rest) + 1)][:1000 - len(urls)]
    return urls


def update(user_id, video_id, job_id, playback=None, thumbs=None, message=None, code=0):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {":processing": {"S": "PROCESSING"}, ":job": {"S": job_id}, ":now": {"S": now}}
    if playback:
        expr = "SET #s = :ready, playback_url = :url, thumbnail_urls = :thumbs, finished_at = :now"
        values.update({":ready": {"S": "READY"}, ":url": {"S": playback},
                       ":thumbs": {"L": [{"S": t} for t in thumbs]}})
    else:
        expr = "SET #s = :failed, error_message = :msg, error_code = :code, finished_at = :now"
        values.update({":failed": {"S": "FAILED"}, ":msg": {"S": message}, ":code": {"N": str(code)}})
    key = {"user_id": {"S": user_id}, "video_id": {"S": video_id}}
    try:
        dynamodb.update_item(TableName=TABLE, Key=key, UpdateExpression=expr, ExpressionAttributeValues=values,
                             ConditionExpression="#s = :processing AND job_id = :job",
                             ExpressionAttributeNames={"#s": "status"})
        return "READY" if playback else "FAILED", True
    except dynamodb.exceptions.ConditionalCheckFailedException:
        item = dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True).get("Item")
        if not item:
            raise RuntimeError("video '%s' of user '%s' has no item yet" % (video_id, user_id))
        return item.get("status", {}).get("S", "(none)"), False


def handler(event, context):
    global origin_ready
    detail = event.get("detail")
    if not isinstance(detail, dict) or not isinstance(detail.get("status"), str) or not detail.get("jobId"):
        raise ValueError("the event's detail has no status and jobId strings")
    status, job_id = detail["status"], detail["jobId"]
    metadata = detail.get("userMetadata") or {}
    user_id, video_id = metadata.get("user_id"), metadata.get("video_id")
    if status not in ("COMPLETE", "ERROR") or not user_id or not video_id:
        return {"ignored": job_id, "status": status}
    if status == "COMPLETE":
        if CHANNEL and not origin_ready:
            ensure_origin()
            origin_ready = True
        groups = detail.get("outputGroupDetails") or []
        try:
            playback = playback_url(groups)
        except ValueError as e:
            new_status, changed = update(user_id, video_id, job_id, message=str(e))
            playback = None
        else:
            new_status, changed = update(user_id, video_id, job_id, playback, thumbnail_urls(groups))
    else:
        playback = None
        new_status, changed = update(user_id, video_id, job_id, message=detail.get("errorMessage")
                                     or "the transcoding job failed", code=detail.get("errorCode") or 0)
    print(json.dumps({"level": "INFO", "message": "video is %s" % new_status, "job_id": job_id}))
    answer = {"video_id": video_id, "user_id": user_id, "status": new_status, "changed": changed}
    if playback:
        answer["playback_url"] = playback
    return answer
