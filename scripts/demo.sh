#!/usr/bin/env bash
# make demo: what vidpipe can do today, locally, without an AWS account. It starts moto server on a free
# loopback port, points vidpipe at it with AWS_ENDPOINT_URL exactly as a user would point at LocalStack, and
# runs the reconciler on examples/storage.yaml: validate, plan, apply, a change made behind vidpipe's back
# found by drift and undone by apply, then destroy, each checked with boto3. Everything it starts stops on
# exit. (When the handlers and the remaining providers land, this becomes the whole pipeline.)
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

spec=examples/storage.yaml
export VIDPIPE_WAIT_POLL_MS=100
cd "$tmp"                       # state/ lands here, not in the checkout
spec="$OLDPWD/$spec"
VIDPIPE="$(cd "$OLDPWD" && realpath "$VIDPIPE")"

echo "vidpipe demo: examples/storage.yaml against moto server at $AWS_ENDPOINT_URL (loopback only)"
echo
step "validate the spec (no AWS call)" "$VIDPIPE" validate "$spec"
echo
echo "\$ vidpipe plan examples/storage.yaml"
"$VIDPIPE" plan "$spec" | sed 's/^/  /'
step "apply: the bucket and the table created concurrently" "$VIDPIPE" apply "$spec" --auto-approve
sed -n '/: creating\.\.\./,$p' "$tmp/out" | sed 's/^/  /'
step "plan again: nothing to do (exit 0)" "$VIDPIPE" plan "$spec" --detailed-exitcode

echo
echo "What boto3, an independent client, sees now:"
python3 - <<PY
import boto3
kw = dict(endpoint_url="$AWS_ENDPOINT_URL", region_name="us-east-1")
s3, ddb = boto3.client("s3", **kw), boto3.client("dynamodb", **kw)
print("  bucket CORS origins:", s3.get_bucket_cors(Bucket="dev-vidpipe-uploads")["CORSRules"][0]["AllowedOrigins"])
print("  lifecycle rules:    ", [r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket="dev-vidpipe-uploads")["Rules"]])
t = ddb.describe_table(TableName="dev-videos")["Table"]
print("  table keys:         ", [k["AttributeName"] + ":" + k["KeyType"] for k in t["KeySchema"]])
print("  table indexes:      ", [g["IndexName"] for g in t["GlobalSecondaryIndexes"]])
print("  TTL:                ", ddb.describe_time_to_live(TableName="dev-videos")["TimeToLiveDescription"]["TimeToLiveStatus"])
print()
print("Someone removes the bucket's CORS rules and turns TTL off by hand...")
s3.delete_bucket_cors(Bucket="dev-vidpipe-uploads")
ddb.update_time_to_live(TableName="dev-videos", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires_at"})
PY
echo
echo "\$ vidpipe drift examples/storage.yaml"
set +e
"$VIDPIPE" drift "$spec" | sed 's/^/  /'
rc=${PIPESTATUS[0]}
set -e
echo "  (exit $rc: drift found)"
step "apply restores what the spec says" "$VIDPIPE" apply "$spec" --auto-approve
step "drift again: none (exit 0)" "$VIDPIPE" drift "$spec"
step "destroy the stack" "$VIDPIPE" destroy "$spec" --auto-approve
python3 - <<PY
import boto3
kw = dict(endpoint_url="$AWS_ENDPOINT_URL", region_name="us-east-1")
left = [b["Name"] for b in boto3.client("s3", **kw).list_buckets()["Buckets"]] + boto3.client("dynamodb", **kw).list_tables()["TableNames"]
print("  boto3 after destroy: %s" % (left or "nothing left"))
PY
echo "demo done; moto stopped."
