# 3650-faults: the whole pipeline (examples/video-pipeline.yaml, 22 resources) applied from nothing, changed and
# destroyed through fault proxies that fail 20% of the requests at random (fixed seeds): throttling (400
# ThrottlingException, 429, 503 SlowDown), 500s, connection resets, truncated bodies, random latency, and the
# faults a reconciler must survive: the request IS carried out, then its answer is lost (reset) or cut short.
# One proxy fronts moto, a second the MediaConvert stand-in.
#
# What "converges" means here: each step is `vidpipe apply` (or destroy) run again until it succeeds, at most
# MAX_RUNS times. Retries absorb the faults, but not always: at 20% a call fails all 3 standard-mode attempts
# with probability 0.2^3 = 0.8%, and an apply makes some 250 calls, so most runs would fail somewhere. The
# test sets AWS_MAX_ATTEMPTS=5, as a user on a flaky network would (0.03% a call, a run fails about one time
# in 13), and lets a step take up to MAX_RUNS runs. A run that fails must fail cleanly: exit 1 with a message
# naming the resource (its address), never a crash, and a state file that is still valid JSON. After each
# step an independent reader (boto3, straight at moto and the stand-in, no faults) checks that state equals
# the live resources: every resource in state exists live with the same physical id, every live resource of
# the stack is in state, nothing is duplicated (HTTP APIs and their parts have AWS-made ids, so a resent
# create could make a second one; the others are listed by name, Lambda permissions by statement), and
# `plan --detailed-exitcode` on a fault-free path exits 0. After destroy nothing of the stack is left. The
# proxies' stats must show every kind of fault injected.
# The seeds fix the faults' sequence, not which request gets which fault: vidpipe's worker threads interleave
# differently from run to run. So a first, deterministic part loses every other answer of a small HTTP API's
# requests: each create is carried out and its answer lost at least once.
# FAULT_SEED=N picks another seed; FAULT_MAX_RUNS=N another bound on runs.
. tests/lib.sh
handler_artifacts
SEED=${FAULT_SEED:-3}
MAX_RUNS=${FAULT_MAX_RUNS:-3}
moto_start
mc_start
fault_start --rate 0.2 --seed "$SEED" --after-faults --slow-ms 100
# The stand-in behind a proxy of its own (another seed), so MediaConvert calls see the same faults.
mc_fault_port=$T_TMP/mc-fault.port
t_bg python3 "$VP_ROOT/tests/fixtures/fault_proxy.py" --upstream "$MC_URL" --rate 0.2 --seed "$((SEED + 1000))" \
    --after-faults --slow-ms 100 >"$mc_fault_port" 2>"$T_TMP/mc-fault.log"
tries=100
while [ ! -s "$mc_fault_port" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
MC_FAULT_URL="http://127.0.0.1:$(head -n 1 "$mc_fault_port")"
t_wait_http "$MC_FAULT_URL/_fault/stats" 10 || { t_fail "the MediaConvert fault proxy started"; exit 1; }
export AWS_ENDPOINT_URL_MEDIACONVERT=$MC_FAULT_URL
export VIDPIPE_WAIT_POLL_MS=20 VIDPIPE_RETRY_BASE_MS=5 VIDPIPE_ARTIFACTS_DIR=$ART AWS_MAX_ATTEMPTS=5
cd "$T_TMP"
spec=$VP_ROOT/examples/video-pipeline.yaml
key=0123456789abcdef0123456789abcdef-page-token-secret
vars="--var stack=f1 --var account_id=123456789012 --var page_token_key=$key"
# The change: a new web origin (both buckets' CORS, the API's CORS), a new JWT issuer (the authorizer), a new
# segment length (the job template, the HLS endpoint) and a shorter retention (the uploads' lifecycle).
change="--var app_origin=https://videos.example.com --var jwt_issuer=https://login.example.com/"
change="$change --var segment_length=4 --var raw_upload_retention_days=7"

# converge STEP CMD...: runs CMD until it exits 0, at most MAX_RUNS times; every failed run must be clean.
types="s3_bucket|dynamodb_table|iam_role|lambda_function|lambda_permission|mediaconvert_job_template"
types="$types|mediapackage_channel|mediapackage_hls_endpoint|http_api|eventbridge_rule|s3_bucket_notification"
converge() {
    local step=$1 run rc bad=""
    shift
    for run in $(seq 1 "$MAX_RUNS"); do
        "$@" >"$T_TMP/run.out" 2>"$T_TMP/run.err"
        rc=$?
        cat "$T_TMP/run.out" "$T_TMP/run.err" >>"$T_TMP/runs.log"
        if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' state/f1.json 2>/dev/null &&
           [ -e state/f1.json ]; then
            bad="run $run left state/f1.json that is not JSON"
        fi
        [ "$rc" = 0 ] && break
        if [ "$rc" != 1 ]; then
            bad="$bad; run $run exited $rc (want 0 or 1): $(tail -n 3 "$T_TMP/run.err")"
        elif ! grep -Eq "($types)\.[a-z_]+" "$T_TMP/run.err"; then
            bad="$bad; run $run failed without naming a resource: $(tail -n 3 "$T_TMP/run.err")"
        fi
        echo "# $step: run $run failed cleanly: $(grep -m1 -i error "$T_TMP/run.err")"
    done
    if [ "$rc" = 0 ]; then t_ok "$step converges through 20% faults ($run of at most $MAX_RUNS runs)"
    else t_fail "$step converges through 20% faults" "still failing after $MAX_RUNS runs" "$(tail -n 5 "$T_TMP/run.err")"; fi
    if [ -z "$bad" ]; then t_ok "$step: every failed run was clean (exit 1, the resource named, state intact)"
    else t_fail "$step: every failed run was clean" "$bad"; fi
}

# The independent reader: prints one line per problem (nothing when state and the live stack agree).
cat >agree.py <<'PY'
import json, os, sys, boto3
stack, expect_empty = sys.argv[1], sys.argv[2] == "empty"
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
s3, ddb, iam, lam, ev, api, mp = (boto3.client(s, **kw) for s in
                                  ("s3", "dynamodb", "iam", "lambda", "events", "apigatewayv2", "mediapackage"))
mc = boto3.client("mediaconvert", endpoint_url=os.environ["MC_URL"], region_name="us-east-1")
try:
    st = json.load(open(f"state/{stack}.json"))
except FileNotFoundError:
    st = {"resources": []}
recs = st.get("resources", [])
problems = []
if isinstance(recs, dict):
    recs = [dict(v, address=k) for k, v in recs.items()]
state = {}
for r in recs:
    if r.get("status") not in (None, "ready"):
        problems.append(f"{r.get('address')}: status {r.get('status')} in state")
    state.setdefault(r["type"], []).append(r["id"])
p = stack + "-"
live = {
    "s3_bucket": [b["Name"] for b in s3.list_buckets().get("Buckets", []) if b["Name"].startswith(p)],
    "dynamodb_table": [t for t in ddb.list_tables()["TableNames"] if t.startswith(p)],
    "iam_role": [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(p)],
    "lambda_function": [f["FunctionName"] for f in lam.list_functions()["Functions"] if f["FunctionName"].startswith(p)],
    "eventbridge_rule": [r["Name"] for r in ev.list_rules(NamePrefix=p)["Rules"]],
    "http_api": [a["ApiId"] for a in api.get_apis()["Items"] if a["Name"].startswith(p)],
    "mediapackage_channel": [c["Id"] for c in mp.list_channels()["Channels"] if c["Id"].startswith(p)],
    "mediapackage_hls_endpoint": [e["Id"] for e in mp.list_origin_endpoints()["OriginEndpoints"] if e["Id"].startswith(p)],
    "mediaconvert_job_template": [t["Name"] for t in mc.list_job_templates()["JobTemplates"] if t["Name"].startswith(p)],
}
# No duplicates by name: the HTTP APIs (AWS-made ids) and everything else listed.
names = [a["Name"] for a in api.get_apis()["Items"] if a["Name"].startswith(p)]
for n in set(names):
    if names.count(n) > 1:
        problems.append(f"http_api: {names.count(n)} APIs named {n}")
for t, ids in live.items():
    for i in set(ids):
        if ids.count(i) > 1:
            problems.append(f"{t}: {i} listed {ids.count(i)} times")
    if sorted(state.get(t, [])) != sorted(ids):
        problems.append(f"{t}: state has {sorted(state.get(t, []))}, live has {sorted(ids)}")
# The API's parts: one authorizer, one integration per route, one route per key, one stage.
for a in live["http_api"]:
    routes = [r["RouteKey"] for r in api.get_routes(ApiId=a)["Items"]]
    integ = api.get_integrations(ApiId=a)["Items"]
    # moto has no GetAuthorizers: the authorizers the routes use, then each read by id
    auth = {r.get("AuthorizerId") for r in api.get_routes(ApiId=a)["Items"]}
    stages = api.get_stages(ApiId=a)["Items"]
    if sorted(routes) != ["GET /videos", "POST /upload"]:
        problems.append(f"http_api {a}: routes {sorted(routes)}")
    if len(integ) != 2:
        problems.append(f"http_api {a}: {len(integ)} integrations, want 2")
    if len(auth) != 1:
        problems.append(f"http_api {a}: {len(auth)} authorizers, want 1")
    if len(stages) != 1:
        problems.append(f"http_api {a}: {len(stages)} stages, want 1")
# Lambda permissions: each statement once, and exactly those state holds.
stmts = []
for f in live["lambda_function"]:
    try:
        pol = json.loads(lam.get_policy(FunctionName=f)["Policy"])
    except lam.exceptions.ResourceNotFoundException:
        continue
    stmts += [f"{f}/{s['Sid']}" for s in pol["Statement"]]
for s in set(stmts):
    if stmts.count(s) > 1:
        problems.append(f"lambda_permission: statement {s} {stmts.count(s)} times")
want_perm = 0 if expect_empty else 4
if len(stmts) != want_perm or len(state.get("lambda_permission", [])) != want_perm:
    problems.append(f"lambda_permission: {len(stmts)} live statements, {len(state.get('lambda_permission', []))} in state, want {want_perm}")
# The rule's targets and the bucket's notification: one each.
for r in live["eventbridge_rule"]:
    n = len(ev.list_targets_by_rule(Rule=r)["Targets"])
    if n != 1:
        problems.append(f"eventbridge_rule {r}: {n} targets")
if f"{p}vidpipe-uploads" in live["s3_bucket"]:
    n = len(s3.get_bucket_notification_configuration(Bucket=f"{p}vidpipe-uploads").get("LambdaFunctionConfigurations", []))
    if n != 1:
        problems.append(f"s3_bucket_notification: {n} Lambda configurations")
total = sum(len(v) for v in state.values())
if expect_empty and (total or any(live.values())):
    problems.append(f"after destroy: {total} resources in state, live: {[(t, v) for t, v in live.items() if v]}")
if not expect_empty and total != 22:
    problems.append(f"state holds {total} resources, want 22")
print("\n".join(problems))
PY

# agree STEP [empty]: state equals the live stack, and a fault-free plan has nothing to do.
agree() {
    local problems
    problems=$(python3 agree.py f1 "${2:-full}" 2>&1)
    if [ -z "$problems" ]; then t_ok "$1: state equals the live resources, nothing duplicated"
    else t_fail "$1: state equals the live resources, nothing duplicated" "$problems"; fi
    [ "${2:-}" = empty ] && return
    t_status "$1: a fault-free plan has nothing to do" 0 env AWS_ENDPOINT_URL="$MOTO_URL" \
        AWS_ENDPOINT_URL_MEDIACONVERT="$MC_URL" "$VIDPIPE" plan "$spec" $vars ${3:-} --detailed-exitcode
    [ -n "${FAULT_VERBOSE:-}" ] && printf '%s\n' "$T_OUT" | grep -E '^ *[-+~]|^Plan' | sed 's/^/#   plan: /'
}

# ---- deterministic: every other request is carried out and its answer lost ----
# An HTTP API's parts have ids AWS makes, so a create resent blindly after a lost answer makes a second one.
# Through a proxy that loses every other answer, each create (CreateApi, CreateIntegration, CreateRoute,
# CreateStage) has its answer lost once: vidpipe must find what it made and adopt it, not send it again.
cat >lost.yaml <<'YAML'
vidpipe: 1
stack: d1
region: us-east-1
resources:
  api:
    type: http_api
    name: d1-lost
    routes:
      - route_key: POST /a
        function_arn: arn:aws:lambda:us-east-1:123456789012:function:d1-a
        authorize: false
      - route_key: GET /b
        function_arn: arn:aws:lambda:us-east-1:123456789012:function:d1-b
        authorize: false
YAML
lost_port=$T_TMP/lost.port
t_bg python3 "$VP_ROOT/tests/fixtures/fault_proxy.py" --upstream "$MOTO_URL" \
    --script "$(python3 -c 'print(",".join(["lost", "pass"] * 200))')" >"$lost_port" 2>"$T_TMP/lost.log"
tries=100
while [ ! -s "$lost_port" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
LOST_URL="http://127.0.0.1:$(head -n 1 "$lost_port")"
t_wait_http "$LOST_URL/_fault/stats" 10 || { t_fail "the lost-answer proxy started"; exit 1; }
t_status "every other answer lost: the HTTP API is created" 0 env AWS_ENDPOINT_URL="$LOST_URL" \
    "$VIDPIPE" apply lost.yaml --auto-approve
t_eq "one API, two routes, two integrations, one stage: nothing made twice" "1 2 2 1" "$(boto apigatewayv2 '
apis = [a["ApiId"] for a in c.get_apis()["Items"] if a["Name"] == "d1-lost"]
parts = [len(getattr(c, "get_" + w)(ApiId=apis[0])["Items"]) for w in ("routes", "integrations", "stages")] if apis else []
print(len(apis), *parts)')"
t_eq "state holds the API's own id" "$(boto apigatewayv2 'print(*[a["ApiId"] for a in c.get_apis()["Items"] if a["Name"] == "d1-lost"])')" \
    "$(python3 -c 'import json; print(json.load(open("state/d1.json"))["resources"][0]["id"])' 2>&1)"
t_status "and a fault-free plan has nothing to do" 0 "$VIDPIPE" plan lost.yaml --detailed-exitcode
# What such a resend left behind before (moto keeps two routes of one key; AWS would refuse the second) is
# repaired: the extra route is deleted.
boto apigatewayv2 '
a = [a["ApiId"] for a in c.get_apis()["Items"] if a["Name"] == "d1-lost"][0]
i = c.create_integration(ApiId=a, IntegrationType="AWS_PROXY", PayloadFormatVersion="2.0",
                         IntegrationUri="arn:aws:lambda:us-east-1:123456789012:function:d1-a")["IntegrationId"]
c.create_route(ApiId=a, RouteKey="POST /a", Target="integrations/" + i)'
t_status "a second route of one key shows in the plan" 2 "$VIDPIPE" plan lost.yaml --detailed-exitcode
t_status "and apply repairs it" 0 "$VIDPIPE" apply lost.yaml --auto-approve
t_eq "one route per key, one integration per route again" "2 2" "$(boto apigatewayv2 '
a = [a["ApiId"] for a in c.get_apis()["Items"] if a["Name"] == "d1-lost"][0]
print(len(c.get_routes(ApiId=a)["Items"]), len(c.get_integrations(ApiId=a)["Items"]))')"
t_status "then nothing is left to do" 0 "$VIDPIPE" plan lost.yaml --detailed-exitcode
t_status "every other answer lost: destroy" 0 env AWS_ENDPOINT_URL="$LOST_URL" "$VIDPIPE" destroy lost.yaml --auto-approve
t_eq "nothing is left" "0" "$(boto apigatewayv2 'print(len([a for a in c.get_apis()["Items"] if a["Name"] == "d1-lost"]))')"
t_contains "answers were lost" "$(curl -s "$LOST_URL/_fault/stats")" '"lost": '

# ---- the pipeline through 20% random faults ----
converge "apply from nothing" "$VIDPIPE" apply "$spec" $vars --auto-approve
agree "apply from nothing"
converge "a change to 8 resources" "$VIDPIPE" apply "$spec" $vars $change --auto-approve
agree "the change" full "$change"
t_eq "the change is live (the HLS endpoint's segments)" "4" \
    "$(boto mediapackage 'print(c.describe_origin_endpoint(Id="f1-vidpipe-hls")["HlsPackage"]["SegmentDurationSeconds"])')"
converge "destroy" "$VIDPIPE" destroy "$spec" $vars $change --auto-approve
agree "destroy" empty

# The faults really happened: every kind, on both proxies together.
stats=$(python3 - "$FAULT_URL" "$MC_FAULT_URL" <<'PY'
import json, sys, urllib.request
by = {}
for url in sys.argv[1:]:
    s = json.load(urllib.request.urlopen(url + "/_fault/stats"))
    for k, v in s["by_action"].items():
        by[k] = by.get(k, 0) + v
print(" ".join(f"{k}={v}" for k, v in sorted(by.items())))
PY
)
echo "# faults injected (seed $SEED): $stats"
for kind in throttle 429 slowdown 500 reset truncate lost lost-truncate slow; do
    case " $stats" in
        *" $kind="*) t_ok "faults of kind '$kind' were injected" ;;
        *) t_fail "faults of kind '$kind' were injected" "stats: $stats" ;;
    esac
done
