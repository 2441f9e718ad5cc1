"""videos.py: GET /videos in Python with boto3, the seed's version of src/handlers/videos.c: one DynamoDB Query
on the caller's partition, newest first, with an HMAC-protected page token (same format as videos_token.c)."""
import base64
import hashlib
import hmac
import json
import os

import boto3

import apigw

TABLE = os.environ["VIDPIPE_VIDEOS_TABLE"]
TOKEN_KEY = os.environ["VIDPIPE_PAGE_TOKEN_KEY"].encode()
if len(TOKEN_KEY) < 32:
    raise ValueError("VIDPIPE_PAGE_TOKEN_KEY is shorter than 32 bytes")
MAC_CONTEXT = b"vidpipe videos page token v1\n"

dynamodb = boto3.client("dynamodb")


def mac(payload):
    return hmac.new(TOKEN_KEY, MAC_CONTEXT + payload, hashlib.sha256).digest()


def token_encode(uid, last):
    if last.get("user_id", {}).get("S") != uid:
        return None
    text = json.dumps({"u": uid, "v": last["video_id"]["S"]}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(text + mac(text)).rstrip(b"=").decode()


def token_decode(uid, token):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return None
    text, tag = raw[:-32], raw[-32:]
    if len(raw) <= 32 or not hmac.compare_digest(tag, mac(text)):
        return None
    payload = json.loads(text)
    if payload.get("u") != uid or not isinstance(payload.get("v"), str):
        return None
    return {"user_id": {"S": uid}, "video_id": {"S": payload["v"]}}


def item_view(item):
    s = lambda name: (item.get(name) or {}).get("S")     # noqa: E731
    if not s("video_id"):
        return None
    created = item.get("created_at") or {}
    out = {"video_id": s("video_id"), "status": s("status") or "UNKNOWN",
           "created_at": created.get("S") if "S" in created else int(created["N"]) if "N" in created else None}
    name = s("filename") or (s("source_key") or "").rsplit("/", 1)[-1]
    if name:
        out["filename"] = name
    if out["status"] == "READY":
        if s("playback_url"):
            out["playback_url"] = s("playback_url")
        out["thumbnail_urls"] = [v["S"] for v in (item.get("thumbnail_urls") or {}).get("L", []) if "S" in v]
    if out["status"] == "FAILED":
        out["error"] = s("error_message") or "processing failed"
    return out


def handler(event, context):
    sub = apigw.caller(event)
    if not sub:
        return apigw.unauthorized()
    query = event.get("queryStringParameters") or {}
    limit = query.get("limit", "20")
    if not (isinstance(limit, str) and limit.isdigit() and len(limit) <= 3 and 1 <= int(limit) <= 100):
        return apigw.error(400, "invalid_limit", "'limit' must be a whole number from 1 to 100")
    uid = apigw.user_id(sub)
    args = {"TableName": TABLE, "KeyConditionExpression": "user_id = :u",
            "ExpressionAttributeValues": {":u": {"S": uid}}, "ScanIndexForward": False, "Limit": int(limit)}
    if "next" in query:
        start = token_decode(uid, query["next"]) if isinstance(query["next"], str) else None
        if not start:
            return apigw.error(400, "invalid_token", "'next' is not a page token from this list")
        args["ExclusiveStartKey"] = start
    try:
        out = dynamodb.query(**args)
    except Exception as e:      # noqa: BLE001 - logged; the client gets a plain 500
        print(json.dumps({"level": "ERROR", "message": "listing videos: %s" % e}))
        return apigw.error(500, "internal", "the videos could not be listed; try again")
    body = {"videos": [v for v in map(item_view, out.get("Items", [])) if v]}
    if "LastEvaluatedKey" in out:
        token = token_encode(uid, out["LastEvaluatedKey"])
        if token:
            body["next"] = token
    return apigw.response(200, body)
