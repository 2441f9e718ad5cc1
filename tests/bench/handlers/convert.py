"""convert.py: S3 ObjectCreated -> a MediaConvert job and a PROCESSING item, in Python with boto3: the seed's
version of src/handlers/convert.c, with the same calls per upload (DynamoDB GetItem; MediaConvert GetJobTemplate
and CreateJob; DynamoDB PutItem) and the same answer {started, skipped}."""
import copy
import datetime
import hashlib
import json
import os
import re
import urllib.parse

import boto3

PREFIX = os.environ.get("VIDPIPE_UPLOAD_PREFIX", "uploads/")
TEMPLATE = os.environ["VIDPIPE_JOB_TEMPLATE"]
ROLE = os.environ["VIDPIPE_MEDIACONVERT_ROLE_ARN"]
OUTPUT_BUCKET = os.environ["VIDPIPE_OUTPUT_BUCKET"]
TABLE = os.environ["VIDPIPE_VIDEOS_TABLE"]
STACK = os.environ.get("VIDPIPE_STACK")
if not ROLE.startswith("arn:"):
    raise ValueError("VIDPIPE_MEDIACONVERT_ROLE_ARN '%s' is not an ARN" % ROLE)

dynamodb = boto3.client("dynamodb")
mediaconvert = boto3.client("mediaconvert", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_MEDIACONVERT")
                            or os.environ.get("VIDPIPE_MEDIACONVERT_ENDPOINT"))

GROUP_SETTINGS = {"HLS_GROUP_SETTINGS": "HlsGroupSettings", "FILE_GROUP_SETTINGS": "FileGroupSettings",
                  "DASH_ISO_GROUP_SETTINGS": "DashIsoGroupSettings", "CMAF_GROUP_SETTINGS": "CmafGroupSettings",
                  "MS_SMOOTH_GROUP_SETTINGS": "MsSmoothGroupSettings"}


class Malformed(ValueError):
    pass


def parse_record(record):
    """(upload dict) or None when the record is not ours; Malformed when it is broken."""
    if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith("ObjectCreated:"):
        return None
    bucket = record["s3"]["bucket"]["name"]
    obj = record["s3"]["object"]
    key = urllib.parse.unquote_plus(obj["key"])
    if not key.startswith(PREFIX):
        return None
    parts = key[len(PREFIX):].split("/")
    if len(parts) != 3 or not re.fullmatch(r"[A-Za-z0-9_%-]{1,768}", parts[0]) or \
            not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", parts[1]) or parts[2] in ("", ".", ".."):
        raise Malformed("key is not <prefix><user>/<video>/<file>")
    version = obj.get("versionId") or obj.get("sequencer") or ""
    return {"bucket": bucket, "key": key, "user_id": parts[0], "video_id": parts[1], "filename": parts[2],
            "token": hashlib.sha256(("%s\n%s\n%s" % (bucket, key, version)).encode()).hexdigest()}


def recorded_job(up):
    item = dynamodb.get_item(TableName=TABLE, ConsistentRead=True, Key={
        "user_id": {"S": up["user_id"]}, "video_id": {"S": up["video_id"]}}).get("Item") or {}
    if item.get("source_key", {}).get("S") == up["key"] and "job_id" in item:
        return item["job_id"]["S"]
    return None


def job_settings(template, up):
    settings = copy.deepcopy(template)
    inputs = settings.get("Inputs") or [{}]
    settings["Inputs"] = [dict(inputs[0], FileInput="s3://%s/%s" % (up["bucket"], up["key"]))]
    destination = "s3://%s/videos/%s/%s/" % (OUTPUT_BUCKET, up["user_id"], up["video_id"])
    for group in settings["OutputGroups"]:
        ogs = group["OutputGroupSettings"]
        ogs.setdefault(GROUP_SETTINGS[ogs["Type"]], {})["Destination"] = destination
    return settings


def start_job(up, template):
    metadata = {"video_id": up["video_id"], "user_id": up["user_id"]}
    if STACK:
        metadata["stack"] = STACK
    job = mediaconvert.create_job(JobTemplate=TEMPLATE, Role=ROLE, Settings=job_settings(template, up),
                                  UserMetadata=metadata, ClientRequestToken=up["token"])
    return job["Job"]["Id"]


def put_item(up, job_id):
    try:
        dynamodb.put_item(
            TableName=TABLE,
            Item={"user_id": {"S": up["user_id"]}, "video_id": {"S": up["video_id"]}, "status": {"S": "PROCESSING"},
                  "source_key": {"S": up["key"]}, "filename": {"S": up["filename"]}, "job_id": {"S": job_id},
                  "created_at": {"S": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}},
            ConditionExpression="attribute_not_exists(video_id) OR (job_id = :job AND #s = :processing)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":job": {"S": job_id}, ":processing": {"S": "PROCESSING"}})
        return True
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False


def handler(event, context):
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("the event is not an S3 notification: no Records array")
    started, skipped, failed = [], [], []
    template = None         # fetched once an invocation, when the first upload needs it
    for i, record in enumerate(records):
        try:
            up = parse_record(record)
        except (Malformed, KeyError, TypeError) as e:
            skipped.append({"record": i, "reason": str(e)})
            continue
        if up is None:
            skipped.append({"record": i, "reason": "not an upload of ours"})
            continue
        try:
            job_id = recorded_job(up)
            if job_id is None:
                if template is None:
                    template = mediaconvert.get_job_template(Name=TEMPLATE)["JobTemplate"]["Settings"]
                job_id = start_job(up, template)
                put_item(up, job_id)
            print(json.dumps({"level": "INFO", "message": "started a job", "key": up["key"], "job_id": job_id}))
            started.append({"key": up["key"], "video_id": up["video_id"], "job_id": job_id})
        except Exception as e:  # noqa: BLE001 - every record is tried; the invocation fails after
            failed.append({"key": up["key"], "error": str(e)})
    if failed:
        raise RuntimeError("%d of %d records failed (retrying is safe): %s" % (
            len(failed), len(records), ", ".join("'%s'" % f["key"] for f in failed)))
    return {"started": started, "skipped": skipped}
