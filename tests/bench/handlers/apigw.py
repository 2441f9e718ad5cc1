"""apigw.py: API Gateway HTTP API (payload 2.0) helpers shared by presign.py and videos.py, as
src/handlers/apigw.c: the caller's JWT sub, the user id made from it, JSON answers and errors."""
import base64
import json

SUB_MAX = 256


def caller(event):
    sub = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get("claims", {}).get("sub")
    if not isinstance(sub, str) or not sub or len(sub.encode()) > SUB_MAX or "\0" in sub:
        return None
    return sub


def user_id(sub):
    """The sub as one key segment: A-Z a-z 0-9 _ - kept, every other byte %XX."""
    return "".join(chr(b) if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "_-") else "%%%02X" % b
                   for b in sub.encode())


def response(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json", "cache-control": "no-store"},
            "body": json.dumps(body, separators=(",", ":"))}


def error(status, code, message):
    return response(status, {"error": {"code": code, "message": message}})


def unauthorized():
    return error(401, "unauthorized", "this route needs a signed-in caller (a JWT with a sub claim)")


def json_body(event, max_bytes):
    """(body dict, None) or (None, the 400 answer)."""
    body = event.get("body")
    if not isinstance(body, str) or not body:
        return None, error(400, "missing_body", "the request needs a JSON body")
    if event.get("isBase64Encoded") is True:
        try:
            raw = base64.b64decode(body, validate=True)
        except ValueError:
            return None, error(400, "invalid_body", "the request body is not valid base64")
    else:
        raw = body.encode()
    if len(raw) > max_bytes:
        return None, error(400, "body_too_large", "the request body is too large")
    try:
        doc = json.loads(raw)
    except ValueError:
        return None, error(400, "invalid_json", "the request body is not valid JSON")
    if not isinstance(doc, dict):
        return None, error(400, "invalid_json", "the request body must be a JSON object")
    return doc, None
