# 0900-valgrind: the CLI is leak-free under valgrind (no definite or indirect leak, no invalid access) on
# a success path, a service error path, a retry path and an argument error; and through the reconciler
# (validate, apply, plan, drift, show, destroy, a locked state) and a local invoke.
. tests/lib.sh
case "$BUILD" in *asan*) echo "skip - valgrind cannot run a binary built with AddressSanitizer"; exit 0 ;; esac
command -v valgrind >/dev/null || { t_fail "valgrind is installed"; exit 0; }
moto_start
vg() {
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --log-file="$T_TMP/vg.log" "$VIDPIPE" "$@"
}
check_clean() {  # check_clean DESC WANT_STATUS ARGS...
    local desc=$1 want=$2
    shift 2
    t_status "$desc under valgrind" "$want" vg "$@"
    if [ -s "$T_TMP/vg.log" ]; then t_fail "$desc: valgrind is silent" "$(head -n 20 "$T_TMP/vg.log")"; else t_ok "$desc: valgrind is silent"; fi
}
check_clean "a Query call" 0 debug call sts GetCallerIdentity
check_clean "a JSON call" 0 debug call dynamodb ListTables
check_clean "an S3 call" 0 debug call s3 ListBuckets
check_clean "a service error" 1 debug call dynamodb DescribeTable '{"TableName":"vp-none"}'
check_clean "a usage error" 1 debug call nosuchservice Op
check_clean "a debug-logged call" 0 --debug debug call lambda ListFunctions --path /2015-03-31/functions/
check_clean "version" 0 version

# The reconciler and local invoke: threads, state files, locks, sensitive values, error paths.
cd "$T_TMP"
cat >bad.yaml <<'YAML'
vidpipe: 1
stack: vg
region: us-east-1
resources:
  media: {type: s3_bucket, name: Not_A_Bucket, colour: blue}
YAML
cat >spec.yaml <<'YAML'
vidpipe: 1
stack: vg
region: us-east-1
variables:
  secret: {type: string, sensitive: true, default: not-really-secret}
resources:
  media:
    type: s3_bucket
    name: vg-media-bucket
    tags: {token: "${var.secret}"}
  videos:
    type: dynamodb_table
    name: vg-videos
    hash_key: id
    attributes: {id: S, status: S}
    global_secondary_indexes:
      - {name: by-status, hash_key: status}
    ttl_attribute: expires_at
outputs:
  table: ${videos.arn}
YAML
check_clean "validate with spec errors" 1 validate bad.yaml
export VIDPIPE_WAIT_POLL_MS=20
check_clean "apply (worker threads, state writes, the lock)" 0 apply spec.yaml --auto-approve
check_clean "plan with nothing to do" 0 plan spec.yaml --detailed-exitcode --json
check_clean "drift" 0 drift spec.yaml --json
check_clean "show" 0 show --json --state state/vg.json
echo '{"id": "held-elsewhere", "operation": "apply", "who": "ci@runner", "created": "2026-12-01T00:00:00Z"}' >state/vg.json.lock
check_clean "apply on a locked state (an error path)" 1 apply spec.yaml --auto-approve
rm state/vg.json.lock
check_clean "destroy" 0 destroy spec.yaml --auto-approve
echo_zip=$VP_ROOT/$BUILD/tests/handlers/echo.zip
if [ -f "$echo_zip" ]; then
    echo '{"hello": "world"}' >event.json
    check_clean "invoke a function under the local Runtime API" 0 invoke --zip "$echo_zip" --event event.json
else
    echo "skip - the echo handler's zip is not built"
fi
