"""presign.py: POST /upload in Python with boto3, the seed's version of src/handlers/presign.c: a presigned S3
PUT URL for a fresh key <prefix><user id>/<video id>/<file name>, made locally (no call reaches S3)."""
import json
import os
import re
import secrets
import time

import boto3

import apigw

BUCKET = os.environ["VIDPIPE_UPLOAD_BUCKET"]
PREFIX = os.environ.get("VIDPIPE_UPLOAD_PREFIX", "uploads/")
CONTENT_TYPES = [t.strip().lower() for t in os.environ.get(
    "VIDPIPE_ALLOWED_CONTENT_TYPES",
    "video/mp4,video/quicktime,video/webm,video/x-matroska,video/x-msvideo,video/mpeg").split(",") if t.strip()]
MAX_UPLOAD_BYTES = int(os.environ.get("VIDPIPE_MAX_UPLOAD_BYTES") or 5 << 30)
EXPIRES_S = int(os.environ.get("VIDPIPE_UPLOAD_URL_EXPIRES") or 900)
if not re.fullmatch(r"[a-z0-9.-]{3,63}", BUCKET):
    raise ValueError("VIDPIPE_UPLOAD_BUCKET '%s' is not an S3 bucket name" % BUCKET)

s3 = boto3.client("s3")

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def video_id():
    """A ULID: 48 bits of milliseconds, 80 random bits, 26 Crockford base32 characters."""
    n = (int(time.time() * 1000) << 80) | int.from_bytes(secrets.token_bytes(10), "big")
    return "".join(CROCKFORD[(n >> (5 * i)) & 31] for i in reversed(range(26)))


def safe_filename(name):
    base = re.split(r"[/\\]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base)
    base = re.sub(r"_+", "_", re.sub(r"\.+", ".", base)).lstrip(".-").rstrip(".")
    if len(base) > 128:
        stem, dot, ext = base.rpartition(".")
        ext = "." + ext if dot and stem and len(ext) < 16 else ""
        base = base[:128 - len(ext)].rstrip("._") + ext
    return base or "video"


def handler(event, context):
    sub = apigw.caller(event)
    if not sub:
        return apigw.unauthorized()
    body, bad = apigw.json_body(event, 64 * 1024)
    if bad:
        return bad
    filename, ctype, size = body.get("filename"), body.get("content_type"), body.get("size_bytes")
    if not isinstance(filename, str):
        return apigw.error(400, "invalid_request", "'filename' must be a string")
    if not isinstance(ctype, str) or ctype.lower() not in CONTENT_TYPES:
        return apigw.error(400, "unsupported_content_type", "'content_type' must be one of the allowed video types")
    if not isinstance(size, int) or isinstance(size, bool):
        return apigw.error(400, "invalid_request", "'size_bytes' must be a whole number")
    if not 1 <= size <= MAX_UPLOAD_BYTES:
        return apigw.error(400, "invalid_size", "'size_bytes' must be from 1 to %d" % MAX_UPLOAD_BYTES)
    vid = video_id()
    key = "%s%s/%s/%s" % (PREFIX, apigw.user_id(sub), vid, safe_filename(filename))
    url = s3.generate_presigned_url("put_object", ExpiresIn=EXPIRES_S, HttpMethod="PUT", Params={
        "Bucket": BUCKET, "Key": key, "ContentType": ctype.lower(), "ContentLength": size})
    print(json.dumps({"level": "INFO", "message": "presigned an upload", "video_id": vid, "key": key,
                      "size_bytes": size}))
    return apigw.response(200, {"video_id": vid, "key": key, "upload_url": url, "method": "PUT",
                                "headers": {"Content-Type": ctype.lower(), "Content-Length": str(size)},
                                "expires_in": EXPIRES_S})
