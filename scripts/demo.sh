#!/usr/bin/env bash
# make demo: what vidpipe can do today, locally, without an AWS account. It starts moto server on a free
# loopback port, points vidpipe at it with AWS_ENDPOINT_URL exactly as a user would point at LocalStack, and
# makes real calls in every protocol through vidpipe's client core. Everything it starts stops on exit.
# (Until the reconciler lands this shows the client core; then it becomes the whole pipeline.)
set -euo pipefail
cd "$(dirname "$0")/.."
VIDPIPE=${VIDPIPE:-build/vidpipe}

python3 -c 'import moto, boto3' 2>/dev/null || { echo "demo: python3 needs moto and boto3 (pip-installed on the image)" >&2; exit 1; }
tmp=$(mktemp -d)
moto_pid=
cleanup() {
    [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIADEMODEMODEMO0000 AWS_SECRET_ACCESS_KEY=demo-secret-not-real
export AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials"
for _ in $(seq 100); do curl -s -o /dev/null "$AWS_ENDPOINT_URL/moto-api/" && break; sleep 0.1; done

step() {  # step TITLE CMD...: runs one step, printing its title and duration
    local title=$1 start end
    shift
    start=$(date +%s%N)
    "$@" >"$tmp/out" 2>&1 || { echo "FAILED: $title"; cat "$tmp/out"; exit 1; }
    end=$(date +%s%N)
    printf '%-58s %6.1f ms\n' "$title" "$(( (end - start) / 1000 ))e-3"
}

echo "vidpipe demo: moto server at $AWS_ENDPOINT_URL (loopback only)"
step "sts GetCallerIdentity (Query protocol)" "$VIDPIPE" debug call sts GetCallerIdentity
step "s3 CreateBucket vp-demo-uploads (REST-XML)" "$VIDPIPE" debug call s3 CreateBucket --method PUT --bucket vp-demo-uploads
printf '%s' '<CORSConfiguration><CORSRule><AllowedOrigin>http://127.0.0.1:8080</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>' >"$tmp/cors.xml"
step "s3 PutBucketCors" "$VIDPIPE" debug call s3 PutBucketCors --method PUT --bucket vp-demo-uploads --query cors --body @"$tmp/cors.xml"
step "dynamodb CreateTable vp-demo-videos (JSON 1.0)" "$VIDPIPE" debug call dynamodb CreateTable '{"TableName":"vp-demo-videos","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"user_id","AttributeType":"S"},{"AttributeName":"video_id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"user_id","KeyType":"HASH"},{"AttributeName":"video_id","KeyType":"RANGE"}]}'
step "iam CreateRole vp-demo-presign" "$VIDPIPE" debug call iam CreateRole RoleName=vp-demo-presign 'AssumeRolePolicyDocument={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
step "eventbridge PutRule vp-demo-mediaconvert (JSON 1.1)" "$VIDPIPE" debug call eventbridge PutRule '{"Name":"vp-demo-mediaconvert","EventPattern":"{\"source\":[\"aws.mediaconvert\"]}"}'
step "lambda ListFunctions (REST-JSON)" "$VIDPIPE" debug call lambda ListFunctions --path /2015-03-31/functions/
step "apigatewayv2 GetApis (REST-JSON)" "$VIDPIPE" debug call apigatewayv2 GetApis --path /v2/apis
step "mediapackage ListChannels (REST-JSON)" "$VIDPIPE" debug call mediapackage ListChannels --path /channels
echo
echo "What boto3, an independent client, sees now:"
python3 - <<PY
import boto3
kw = dict(endpoint_url="$AWS_ENDPOINT_URL", region_name="us-east-1")
print("  buckets:", [b["Name"] for b in boto3.client("s3", **kw).list_buckets()["Buckets"]])
print("  CORS:   ", boto3.client("s3", **kw).get_bucket_cors(Bucket="vp-demo-uploads")["CORSRules"][0]["AllowedOrigins"])
print("  tables: ", boto3.client("dynamodb", **kw).list_tables()["TableNames"])
print("  roles:  ", [r["RoleName"] for r in boto3.client("iam", **kw).list_roles()["Roles"]])
print("  rules:  ", [r["Name"] for r in boto3.client("events", **kw).list_rules()["Rules"]])
PY
echo
echo "One call with --debug (secrets redacted):"
"$VIDPIPE" --debug debug call sts GetCallerIdentity 2>&1 >/dev/null | grep -E 'http (GetCallerIdentity|> Authorization)'
echo "demo done; moto stopped."
