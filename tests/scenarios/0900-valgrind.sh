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
export GITHUB_STEP_SUMMARY="$T_TMP/summary.md"
check_clean "plan --format markdown of a change, appended to a step summary" 0 plan spec.yaml --format markdown \
    --var secret=rotated-secret
check_clean "plan --destroy --format markdown" 0 plan spec.yaml --destroy --format markdown
check_clean "drift --format markdown, appended to a step summary" 0 drift spec.yaml --format markdown
unset GITHUB_STEP_SUMMARY
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

# vidpipe serve: its threads (HTTP connections, delivery workers, the S3 poller), a routed call, a PutEvents
# delivery, the development issuer, and a SIGTERM stop.
if [ -f "$echo_zip" ]; then
    cat >serve.yaml <<YAML
vidpipe: 1
stack: vgs
region: us-east-1
resources:
  role:
    type: iam_role
    name: vgs-echo
    assume_role_policy:
      Version: "2012-10-17"
      Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  echo:
    type: lambda_function
    name: vgs-echo
    zip_file: $echo_zip
    role: \${role.arn}
  inbox:
    type: s3_bucket
    name: vgs-inbox
  inbox_events:
    type: s3_bucket_notification
    bucket: \${inbox.name}
    lambda_functions:
      - {id: echo, function_arn: "\${echo.arn}", events: ["s3:ObjectCreated:*"]}
  rule:
    type: eventbridge_rule
    name: vgs-rule
    event_pattern: {source: [vg.test]}
    targets: [{id: echo, arn: "\${echo.arn}"}]
  api:
    type: http_api
    name: vgs-api
    jwt_authorizer: {issuer: "https://issuer.example.com/", audience: [vg]}
    routes:
      - {route_key: "POST /echo", function_arn: "\${echo.arn}"}
YAML
    t_status "apply the serve spec" 0 "$VIDPIPE" apply serve.yaml --auto-approve
    api_port=$(t_free_port)
    local_port=$(t_free_port)
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --log-file="$T_TMP/vg-serve.log" "$VIDPIPE" serve serve.yaml --port "$api_port" --local-port "$local_port" \
        --dev-issuer --poll-ms 200 >serve.out 2>serve.err &
    serve_pid=$!
    for _ in $(seq 600); do grep -q "Press Ctrl-C" serve.out && break; sleep 0.1; done
    token=$(curl -s -X POST "http://127.0.0.1:$local_port/issuer/token" -d grant_type=password -d username=val \
        -d client_id=vg | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    t_eq "serve under valgrind routes a call" 200 "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $token" --data '{"a":1}' "http://127.0.0.1:$api_port/echo")"
    t_eq "and refuses a call without a token" 401 "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
        "http://127.0.0.1:$api_port/echo")"
    curl -s -X POST -H 'X-Amz-Target: AWSEvents.PutEvents' -H 'Content-Type: application/x-amz-json-1.1' \
        --data '{"Entries":[{"Source":"vg.test","DetailType":"t","Detail":"{}"}]}' \
        "http://127.0.0.1:$local_port/events" >/dev/null
    boto s3 "c.put_object(Bucket='vgs-inbox', Key='a b.txt', Body=b'x')"
    for _ in $(seq 100); do [ "$(grep -c -- '-> vgs-echo: done' serve.err)" -ge 2 ] && break; sleep 0.1; done
    t_check "it delivered the event and the S3 notification" test "$(grep -c -- '-> vgs-echo: done' serve.err)" -ge 2
    kill -TERM "$serve_pid"
    wait "$serve_pid"
    t_eq "serve under valgrind stops with exit 0 on SIGTERM" 0 "$?"
    if [ -s "$T_TMP/vg-serve.log" ]; then t_fail "serve: valgrind is silent" "$(head -n 30 "$T_TMP/vg-serve.log")"; else t_ok "serve: valgrind is silent"; fi
fi
