# 6500-invoke: `vidpipe invoke` runs a function's zip locally under its own Runtime API host. A small Python
# bootstrap (a custom runtime speaking the Runtime API with urllib) shows: the response comes back; the
# function sees the spec's environment, Lambda's variables and the caller's credentials and endpoint, and not
# an unrelated caller variable; a function error, an init error, a crash, a timeout and a response over 6 MB
# each give exit 1 and a clear message, leaving no process and no temporary folder; a bad event stops
# before anything starts; the host refuses an unknown request id. With the C echo handler (when built): a
# SIGSEGV is reported as such. With the presign artifact (when built): an unauthenticated request gets 401.
. tests/lib.sh
cd "$T_TMP"
mkdir tmp
export TMPDIR="$T_TMP/tmp"          # vidpipe's temporary folders land here, to be checked
export FOO_SECRET=do-not-leak AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ENDPOINT_URL_S3=http://127.0.0.1:8

# mkzip ZIP FILE: a zip holding FILE as an executable 'bootstrap'.
mkzip() {
    python3 - "$1" "$2" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
i = zipfile.ZipInfo("bootstrap", date_time=(2024, 1, 1, 0, 0, 0))
i.external_attr = 0o100755 << 16
i.create_system = 3
z.writestr(i, open(sys.argv[2]).read())
z.close()
PY
}

cat >bootstrap.py <<'PY'
#!/usr/bin/env python3
# A custom runtime for the test; MODE (from the function's environment) picks what it does.
import json, os, subprocess, sys, time, urllib.error, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
mode = os.environ.get("MODE", "respond")

def post(path, body, headers=None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(api + path, data=data, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)

if os.environ.get("MARK"):
    open(os.environ["MARK"], "w").write("ran")
if mode == "crash":
    print("about to exit 3", file=sys.stderr, flush=True)
    sys.exit(3)
if mode == "init-error":
    post("/init/error", {"errorMessage": "TABLE is not set", "errorType": "Runtime.ConfigError"},
         {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigError"})
    sys.exit(1)
with urllib.request.urlopen(api + "/invocation/next") as r:
    rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
    headers = {k: r.headers[k] for k in ("Lambda-Runtime-Aws-Request-Id", "Lambda-Runtime-Deadline-Ms",
               "Lambda-Runtime-Invoked-Function-Arn", "Lambda-Runtime-Trace-Id")}
    event = json.load(r)
print("function log line for " + rid, flush=True)
if mode == "sleep":
    subprocess.Popen(["sleep", "31.5"])     # a grandchild: must be ended too
    time.sleep(30)
if mode == "error":
    post("/invocation/%s/error" % rid, {"errorMessage": "the video is gone", "errorType": "VideoGone"},
         {"Lambda-Runtime-Function-Error-Type": "VideoGone"})
    time.sleep(30)                          # Lambda freezes, then ends, the runtime: so must vidpipe
if mode == "big":
    post("/invocation/%s/response" % rid, b'"' + b"x" * (7 * 1024 * 1024) + b'"')
    time.sleep(30)
bad_status, bad_body = post("/invocation/00000000-0000-4000-8000-000000000000/response", {"no": "one"})
status, _ = post("/invocation/%s/response" % rid, {"event": event, "env": dict(os.environ), "headers": headers,
                 "cwd": os.getcwd(), "bad_id": [bad_status, bad_body.get("errorType")]})
time.sleep(30)
PY
mkzip fn.zip bootstrap.py
echo '{"video": "v1", "n": 3}' >event.json

# jq-less JSON reads: jget FILE PYTHON-EXPR (d is the document)
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
leftovers() {
    local procs
    procs=$(pgrep -f "$T_TMP/tmp|sleep 31.5" | tr '\n' ' ')
    echo "tmp=[$(ls -A "$T_TMP/tmp")] procs=[$procs]"
}

# ---- spec-less: --zip ----
t_status "invoke --zip returns the response" 0 "$VIDPIPE" invoke --zip fn.zip --event event.json --env STAGE=dev
printf '%s\n' "$T_OUT" >out.json
t_eq "the event reached the function" "v1 3" "$(jget out.json 'd["event"]["video"], d["event"]["n"]')"
t_contains "the function's log line is on stderr" "$T_ERR" "function log line for"
t_eq "the host refuses an unknown request id" "400 InvalidRequestID" "$(jget out.json '*d["bad_id"]')"
t_eq "no process or temporary folder is left" "tmp=[] procs=[]" "$(leftovers)"

# ---- through a spec: the function's environment, with a reference from state ----
cat >app.yaml <<'YAML'
vidpipe: 1
stack: inv
region: eu-west-1
resources:
  videos:
    type: dynamodb_table
    name: inv-videos
    hash_key: id
    attributes:
      id: S
  worker:
    type: lambda_function
    name: inv-worker
    zip_file: fn.zip
    role: arn:aws:iam::123456789012:role/inv
    memory_size: 512
    timeout: 5
    environment:
      STAGE: ${var.stage}
      TABLE: ${videos.arn}
variables:
  stage: { default: dev }
YAML
t_status "a reference with no state is refused, naming it" 1 "$VIDPIPE" invoke worker --event event.json app.yaml --state none.json
t_contains "the message names the reference" "$T_ERR" '${videos.arn}'
t_eq "nothing was started" "tmp=[] procs=[]" "$(leftovers)"
cat >state.json <<'JSON'
{"format_version": 1, "serial": 3, "lineage": "0b7f1a9e-1c1e-4a59-9c33-7a1cbd7ed0a1", "stack": "inv",
 "resources": [{"address": "dynamodb_table.videos", "type": "dynamodb_table", "name": "videos", "id": "inv-videos",
   "status": "ready", "attributes": {"name": "inv-videos", "arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/inv-videos"},
   "depends_on": []}], "outputs": {}}
JSON
t_status "invoke a spec's function by name" 0 "$VIDPIPE" invoke worker --event event.json app.yaml --state state.json --var stage=prod
printf '%s\n' "$T_OUT" >spec.json
t_eq "it sees the spec's environment, references resolved from state" \
    "prod arn:aws:dynamodb:eu-west-1:123456789012:table/inv-videos" "$(jget spec.json 'd["env"]["STAGE"], d["env"]["TABLE"]')"
t_eq "and Lambda's variables" "inv-worker 512 \$LATEST eu-west-1 eu-west-1 bootstrap :UTC" \
    "$(jget spec.json '" ".join(d["env"][k] for k in ("AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_REGION", "AWS_DEFAULT_REGION", "_HANDLER", "TZ"))')"
t_eq "the Runtime API is on loopback" "127.0.0.1" "$(jget spec.json 'd["env"]["AWS_LAMBDA_RUNTIME_API"].split(":")[0]')"
t_eq "LAMBDA_TASK_ROOT is its working folder" "True" "$(jget spec.json 'd["env"]["LAMBDA_TASK_ROOT"] == d["cwd"] and d["cwd"].endswith("/task")')"
t_eq "it gets the caller's credentials" "AKIATESTTESTTEST1234" "$(jget spec.json 'd["env"]["AWS_ACCESS_KEY_ID"]')"
t_eq "and the caller's endpoints" "http://127.0.0.1:9 http://127.0.0.1:8" "$(jget spec.json 'd["env"]["AWS_ENDPOINT_URL"], d["env"]["AWS_ENDPOINT_URL_S3"]')"
t_eq "but nothing else of the caller's environment" "None None" "$(jget spec.json 'd["env"].get("FOO_SECRET"), d["env"].get("HOME")')"
t_eq "the headers" "inv-worker True True" "$(jget spec.json 'd["headers"]["Lambda-Runtime-Invoked-Function-Arn"].split(":function:")[1], d["headers"]["Lambda-Runtime-Trace-Id"].startswith("Root=1-"), int(d["headers"]["Lambda-Runtime-Deadline-Ms"]) > 0')"
t_eq "the ARN names the spec's region" "arn:aws:lambda:eu-west-1:000000000000:function:inv-worker" "$(jget spec.json 'd["headers"]["Lambda-Runtime-Invoked-Function-Arn"]')"
t_status "by address too" 0 "$VIDPIPE" invoke lambda_function.worker --event event.json app.yaml --state state.json
t_status "a resource that is not a function is refused" 1 "$VIDPIPE" invoke videos --event event.json app.yaml --state state.json
t_contains "saying so" "$T_ERR" "dynamodb_table.videos, a dynamodb_table: invoke runs a lambda_function"
t_status "an unknown function is refused" 1 "$VIDPIPE" invoke nosuch --event event.json app.yaml --state state.json
t_contains "naming it" "$T_ERR" "no resource 'nosuch'"

# ---- failures ----
t_status "a function error exits 1" 1 "$VIDPIPE" invoke --zip fn.zip --event event.json --env MODE=error
t_contains "with errorType: errorMessage" "$T_ERR" "VideoGone: the video is gone"
t_eq "the error document is on stdout" "VideoGone" "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["errorType"])')"
t_eq "the runtime is ended after answering" "tmp=[] procs=[]" "$(leftovers)"

t_status "an init error exits 1" 1 "$VIDPIPE" invoke --zip fn.zip --event event.json --env MODE=init-error
t_contains "saying so" "$T_ERR" "failed to initialize: Runtime.ConfigError: TABLE is not set"

t_status "a crash exits 1" 1 "$VIDPIPE" invoke --zip fn.zip --event event.json --env MODE=crash
t_contains "with the exit status" "$T_ERR" "Runtime exited with error: exit status 3"
t_contains "and the function's stderr" "$T_ERR" "about to exit 3"
t_eq "no process or temporary folder is left" "tmp=[] procs=[]" "$(leftovers)"

start=$(date +%s)
t_status "a timeout exits 1" 1 "$VIDPIPE" invoke --zip fn.zip --event event.json --env MODE=sleep --timeout 1
took=$(( $(date +%s) - start ))
t_contains "as Lambda says it" "$T_ERR" "Task timed out after 1.00 seconds"
t_eq "in about a second" "yes" "$([ "$took" -le 4 ] && echo yes || echo "no: ${took}s")"
t_eq "the runtime and its child are ended, the folder removed" "tmp=[] procs=[]" "$(leftovers)"

"$VIDPIPE" invoke --zip fn.zip --event event.json --env MODE=sleep --timeout 30 >/dev/null 2>term.err &
pid=$!
T_PIDS+=($pid)
for _ in $(seq 100); do grep -q "function log line" term.err && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
t_eq "SIGTERM ends the run with 130" "130" "$?"
t_contains "saying so" "$(cat term.err)" "interrupted"
t_eq "the runtime and its child are ended, the folder removed" "tmp=[] procs=[]" "$(leftovers)"

t_status "a response over 6 MB is a function error" 1 "$VIDPIPE" invoke --zip fn.zip --event event.json --env MODE=big
t_contains "Function.ResponseSizeTooLarge" "$T_ERR" "Function.ResponseSizeTooLarge"

# ---- a bad event stops before anything starts ----
echo '{"video": ' >bad.json
t_status "an event that is not JSON" 1 "$VIDPIPE" invoke --zip fn.zip --event bad.json --env MARK="$T_TMP/ran"
t_contains "is refused with its position" "$T_ERR" "event file 'bad.json' is not JSON: line"
t_status "a missing event file" 1 "$VIDPIPE" invoke --zip fn.zip --event nosuch.json --env MARK="$T_TMP/ran"
t_contains "is refused" "$T_ERR" "nosuch.json"
python3 -c 'print("\"" + "x" * (6 * 1024 * 1024 + 10) + "\"")' >huge.json
t_status "an event over 6 MB" 1 "$VIDPIPE" invoke --zip fn.zip --event huge.json --env MARK="$T_TMP/ran"
t_contains "is refused" "$T_ERR" "6 MB"
t_eq "the function never ran" "no" "$([ -e "$T_TMP/ran" ] && echo yes || echo no)"
t_eq "and no folder was made" "tmp=[] procs=[]" "$(leftovers)"
t_status "--event is required" 1 "$VIDPIPE" invoke --zip fn.zip
t_status "--help prints the usage" 0 "$VIDPIPE" invoke --help
t_contains "usage" "$T_OUT" "usage: vidpipe invoke FUNCTION --event FILE"

# ---- the C runtime (tests/handlers/echo.c), when built ----
echo_zip="$VP_ROOT/build/tests/handlers/echo.zip"
if [ -f "$echo_zip" ]; then
    t_status "the echo handler answers through its bundled loader" 0 "$VIDPIPE" invoke --zip "$echo_zip" --event event.json
    t_contains "with the event" "$T_OUT" '"video": "v1"'
    echo '{"crash": true}' >crash.json
    t_status "a SIGSEGV exits 1" 1 "$VIDPIPE" invoke --zip "$echo_zip" --event crash.json
    t_contains "naming the signal" "$T_ERR" "Runtime exited with error: signal 11"
    t_eq "no process or temporary folder is left" "tmp=[] procs=[]" "$(leftovers)"
else
    echo "skip - echo artifact not built yet"
fi

# ---- the presign artifact, when built ----
presign_dir="$VP_ROOT/build/handlers"
if [ -f "$presign_dir/presign.zip" ]; then
    cat >presign.yaml <<'YAML'
vidpipe: 1
stack: inv
region: us-east-1
resources:
  presign:
    type: lambda_function
    name: inv-presign
    artifact: presign
    role: arn:aws:iam::123456789012:role/inv
    environment:
      VIDPIPE_UPLOAD_BUCKET: inv-uploads
      VIDPIPE_TABLE: inv-videos
YAML
    t_status "presign answers an unauthenticated request" 0 env VIDPIPE_ARTIFACTS_DIR="$presign_dir" \
        "$VIDPIPE" invoke presign --event "$VP_TESTDATA/events/apigw-v2-request-no-authorizer.json" presign.yaml --state none.json
    t_eq "with 401" "401" "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["statusCode"])')"
    t_eq "no process or temporary folder is left" "tmp=[] procs=[]" "$(leftovers)"
else
    echo "skip - presign artifact not built yet"
fi
