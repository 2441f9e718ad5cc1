# 3610-crash: vidpipe SIGKILLed right after its k-th AWS request (the request carried out, its answer never
# read), over a whole apply of examples/video-pipeline.yaml and over a whole destroy. After each kill: the state
# parses and is a valid vidpipe state, the killed run's lock is cleared with force-unlock as a user would, a
# rerun converges, a plan then has nothing to do, and boto3 (the independent reader) finds no resource twice
# (HTTP APIs by name: their ids are AWS-generated) and every live resource of the stack in state under its
# physical id. Then Ctrl-C (SIGINT) mid-apply: in-flight work finishes, state saved, lock released, exit 1.
# The fault proxy (tests/fixtures/fault_proxy.py --kill-after) counts every request, moto's and the
# MediaConvert stand-in's (routed through the same proxy), and kills at the k-th.
# k is sampled here (the first few, the last few and every Nth between); CRASH_K=all (make soak) runs every k;
# CRASH_K="3 17" runs exactly those (apply and destroy alike).
. tests/lib.sh
handler_artifacts
moto_start
mc_start
fault_start --route "/2017-08-29/=$MC_URL"
export AWS_ENDPOINT_URL_MEDIACONVERT=$FAULT_URL VIDPIPE_WAIT_POLL_MS=20 VIDPIPE_ARTIFACTS_DIR=$ART
cd "$T_TMP"
spec=$VP_ROOT/examples/video-pipeline.yaml
stack=c1
vars="--var stack=$stack --var account_id=123456789012 --var page_token_key=0123456789abcdef0123456789abcdef-crash"
CRASH_K=${CRASH_K:-sample}

reset_all() {
    moto_reset
    curl -s -X POST "$MC_URL/_standin/reset" >/dev/null
    rm -rf state
}
proxy() { curl -s -X POST "$FAULT_URL/_fault/$1" >/dev/null; }

# The independent reader: every resource of the stack that exists (boto3, straight at moto and the stand-in,
# not through the proxy) against the state file. MODE: "killed" (right after a kill: a live resource must be
# known to state, by id or, for a create in flight, by its name), "converged" (live == state, all ready),
# "gone" (nothing live, nothing in state). Prints one line per problem; nothing when all is well.
cat >reader.py <<'PY'
import collections, json, os, sys, boto3
mode, stack, path = sys.argv[1], sys.argv[2], sys.argv[3]
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
c = lambda s: boto3.client(s, **kw)
mc = boto3.client("mediaconvert", endpoint_url=os.environ["MC_URL"], region_name="us-east-1")
mine = lambda name: name.startswith(stack + "-")
problems, live = [], []     # live: (type, id, name)

def once(kind, names):
    for name, n in collections.Counter(names).items():
        if n > 1:
            problems.append(f"{kind} {name} exists {n} times")

buckets = [b["Name"] for b in c("s3").list_buckets()["Buckets"] if mine(b["Name"])]
live += [("s3_bucket", b, b) for b in buckets]
for b in buckets:
    n = c("s3").get_bucket_notification_configuration(Bucket=b)
    if n.get("LambdaFunctionConfigurations"):
        live.append(("s3_bucket_notification", b, b))
        once(f"notification of {b}", [x.get("Id") for x in n["LambdaFunctionConfigurations"]])
live += [("dynamodb_table", t, t) for t in c("dynamodb").list_tables()["TableNames"] if mine(t)]
live += [("iam_role", r["RoleName"], r["RoleName"]) for r in c("iam").list_roles()["Roles"] if mine(r["RoleName"])]
lam = c("lambda")
for f in lam.list_functions()["Functions"]:
    if not mine(f["FunctionName"]):
        continue
    live.append(("lambda_function", f["FunctionName"], f["FunctionName"]))
    try:
        sids = [s["Sid"] for s in json.loads(lam.get_policy(FunctionName=f["FunctionName"])["Policy"])["Statement"]]
    except lam.exceptions.ResourceNotFoundException:
        sids = []
    once(f"permission of {f['FunctionName']}", sids)
    live += [("lambda_permission", f"{f['FunctionArn']}/{s}", s) for s in sids]
api = c("apigatewayv2")
apis = [a for a in api.get_apis()["Items"] if mine(a["Name"])]
once("HTTP API", [a["Name"] for a in apis])
for a in apis:
    live.append(("http_api", a["ApiId"], a["Name"]))
    i = a["ApiId"]
    once(f"route of {a['Name']}", [r["RouteKey"] for r in api.get_routes(ApiId=i)["Items"]])
    once(f"integration of {a['Name']}", [x["IntegrationUri"] for x in api.get_integrations(ApiId=i)["Items"]])
    routes = api.get_routes(ApiId=i)["Items"]
    # moto answers GetAuthorizers with a 500: the authorizers the routes use must be one
    if len({r.get("AuthorizerId") for r in routes if r.get("AuthorizerId")}) > 1:
        problems.append(f"the routes of {a['Name']} use more than one authorizer")
    once(f"stage of {a['Name']}", [x["StageName"] for x in api.get_stages(ApiId=i)["Items"]])
ev = c("events")
for r in ev.list_rules()["Rules"]:
    if mine(r["Name"]):
        live.append(("eventbridge_rule", r["Name"], r["Name"]))
        once(f"target of {r['Name']}", [t["Id"] for t in ev.list_targets_by_rule(Rule=r["Name"])["Targets"]])
mp = c("mediapackage")
live += [("mediapackage_channel", x["Id"], x["Id"]) for x in mp.list_channels()["Channels"] if mine(x["Id"])]
live += [("mediapackage_hls_endpoint", x["Id"], x["Id"]) for x in mp.list_origin_endpoints()["OriginEndpoints"] if mine(x["Id"])]
live += [("mediaconvert_job_template", t["Name"], t["Name"]) for t in mc.list_job_templates()["JobTemplates"] if mine(t["Name"])]
once("resource", [(t, i) for t, i, _ in live])

recs = json.load(open(path))["resources"] if os.path.exists(path) else []
once("state record", [r["address"] for r in recs])
by_id = {(r["type"], r.get("id")): r for r in recs}
def known(t, i, name):
    if (t, i) in by_id:
        return True
    # a create in flight is recorded before it starts, under the name it is created with
    return any(r["type"] == t and r.get("status") == "creating" and
               name in (r.get("id"), *(r["attributes"].get(a) for a in ("name", "statement_id", "bucket")))
               for r in recs)
for t, i, name in live:
    if mode == "gone":
        problems.append(f"{t} {i} is still live")
    elif not known(t, i, name):
        problems.append(f"{t} {i} is live but not in state")
if mode == "converged":
    live_ids = {(t, i) for t, i, _ in live}
    for r in recs:
        if (r["type"], r.get("id")) not in live_ids:
            problems.append(f"{r['address']} in state as {r.get('id')} but not live")
        if r.get("status") != "ready":
            problems.append(f"{r['address']} is {r.get('status')}")
    if len(recs) != 22:
        problems.append(f"{len(recs)} resources in state, want 22")
if mode == "gone" and recs:
    problems.append("state still holds " + " ".join(r["address"] for r in recs))
print("\n".join(problems))
PY
reader() { python3 reader.py "$1" "$stack" "state/$stack.json" 2>&1; }

# count_requests COMMAND...: sets $n_requests to how many AWS requests a whole run of COMMAND makes.
count_requests() {
    proxy reset
    "$VIDPIPE" "$@" $vars --auto-approve >count.out 2>&1 || { t_fail "a clean $1, counted" "$(tail -n 5 count.out)"; exit 1; }
    n_requests=$(fault_requests)
}

# ks N FRACTIONS: the k values in 1..N: all of them (CRASH_K=all), those of the list CRASH_K, or the sample:
# these fractions of N (a sample that fits make check's time; 0.85 of an apply is its API and permissions).
ks() {
    local n=$1
    shift
    case "$CRASH_K" in
    all) seq 1 "$n" ;;
    sample) for f in "$@"; do awk -v n="$n" -v f="$f" 'BEGIN { k = int(n * f + 0.5); print (k < 1 ? 1 : k) }'; done ;;
    *) echo "$CRASH_K" | tr ' ' '\n' | awk -v n="$n" '$1 >= 1 && $1 <= n' ;;
    esac | sort -nu
}

# kill_at K COMMAND...: runs vidpipe COMMAND with the proxy set to SIGKILL it after its K-th request. Its pid is
# written by the shell that then execs vidpipe, so the proxy knows it before the first request. Sets $rc.
kill_at() {
    local k=$1
    shift
    rm -f pid
    proxy reset
    proxy "kill?after=$k&pidfile=$T_TMP/pid"
    # (in a subshell whose stderr is dropped: bash's "Killed" notice is noise here)
    ( sh -c 'echo $$ >pid; exec "$@"' sh "$VIDPIPE" "$@" $vars --auto-approve >killed.out 2>&1; echo $? >rc ) 2>/dev/null
    rc=$(cat rc)
}

# After a kill: the state is valid, the lock is cleared the documented way, nothing is unknown to state.
after_kill() {
    local what=$1 k=$2 bad lock_id
    if [ "$rc" != 137 ]; then
        t_ok "$what k=$k: finished before its k-th request (exit $rc): nothing to check"
        return 1
    fi
    if [ -f "state/$stack.json" ]; then
        t_check "$what k=$k: killed; the state is JSON" python3 -c "import json; json.load(open('state/$stack.json'))"
        t_status "$what k=$k: and a valid vidpipe state (state list)" 0 "$VIDPIPE" state list --state "state/$stack.json"
    else
        t_ok "$what k=$k: killed before the first state write"
    fi
    bad=$(reader killed)
    t_eq "$what k=$k: boto3: nothing twice, nothing live that state does not know" "" "$bad"
    if [ -f "state/$stack.json.lock" ]; then
        lock_id=$(python3 -c "import json; print(json.load(open('state/$stack.json.lock'))['id'])")
        t_status "$what k=$k: the killed run's lock is cleared by force-unlock" 0 "$VIDPIPE" force-unlock "$lock_id" --state "state/$stack.json"
    else
        t_fail "$what k=$k: the killed run held the lock" "no state/$stack.json.lock"
    fi
    return 0
}

# ---- apply, killed after its k-th request ----
reset_all
count_requests apply "$spec"
n_apply=$n_requests
t_eq "boto3: a clean apply converges" "" "$(reader converged)"
count_requests destroy "$spec"
n_destroy=$n_requests
t_eq "boto3: a clean destroy leaves nothing" "" "$(reader gone)"
echo "# a full apply makes $n_apply AWS requests, a full destroy $n_destroy"
killed=0
for k in $(ks "$n_apply" 0.01 0.5 0.85 1); do
    reset_all
    kill_at "$k" apply "$spec"
    after_kill apply "$k" || continue
    killed=$((killed + 1))
    t_status "apply k=$k: the rerun converges" 0 "$VIDPIPE" apply "$spec" $vars --auto-approve
    t_status "apply k=$k: then nothing is left to do" 0 "$VIDPIPE" plan "$spec" $vars --detailed-exitcode
    t_eq "apply k=$k: boto3: each resource once, live == state" "" "$(reader converged)"
done
[ -z "$(ks "$n_apply" 1)" ] || { [ "$killed" -gt 0 ] && t_ok "$killed applies were killed mid-way" || t_fail "no apply was killed"; }

# ---- destroy, killed after its k-th request ----
killed=0
for k in $(ks "$n_destroy" 0.5 1); do
    reset_all
    "$VIDPIPE" apply "$spec" $vars --auto-approve >full.out 2>&1 || { t_fail "destroy k=$k: the apply before it" "$(tail -n 5 full.out)"; continue; }
    kill_at "$k" destroy "$spec"
    after_kill destroy "$k" || continue
    killed=$((killed + 1))
    t_status "destroy k=$k: the rerun converges" 0 "$VIDPIPE" destroy "$spec" $vars --auto-approve
    t_eq "destroy k=$k: boto3: nothing of the stack is live or in state" "" "$(reader gone)"
done
[ -z "$(ks "$n_destroy" 1)" ] || { [ "$killed" -gt 0 ] && t_ok "$killed destroys were killed mid-way" || t_fail "no destroy was killed"; }

# ---- Ctrl-C mid-apply: the operations in flight finish, state is saved, the lock released ----
reset_all
proxy reset
curl -s -X POST --data "$(printf 'delay:40,%.0s' $(seq 400))" "$FAULT_URL/_fault/script" >/dev/null
"$VIDPIPE" apply "$spec" $vars --auto-approve >int.out 2>&1 &
pid=$!
for _ in $(seq 200); do [ "$(fault_requests)" -ge $((n_apply / 3)) ] && break; sleep 0.05; done
kill -INT "$pid"
wait "$pid"
rc=$?
proxy reset
t_eq "Ctrl-C: exits 1" "1" "$rc"
t_contains "Ctrl-C: says it was interrupted and state is saved" "$(cat int.out)" "state saved"
t_check "Ctrl-C: the state parses" python3 -c "import json; json.load(open('state/$stack.json'))"
t_status "Ctrl-C: the state is a valid vidpipe state" 0 "$VIDPIPE" state list --state "state/$stack.json"
t_eq "Ctrl-C: the lock is released" "no" "$([ -f "state/$stack.json.lock" ] && echo yes || echo no)"
t_eq "Ctrl-C: nothing half-done: every live resource is in state, ready" "" \
    "$(python3 -c "
import json; print(' '.join(r['address'] for r in json.load(open('state/$stack.json'))['resources'] if r['status'] != 'ready'))")$(reader killed)"
t_status "Ctrl-C: a rerun converges" 0 "$VIDPIPE" apply "$spec" $vars --auto-approve
t_status "Ctrl-C: then nothing is left to do" 0 "$VIDPIPE" plan "$spec" $vars --detailed-exitcode
t_eq "Ctrl-C: boto3: each resource once, live == state" "" "$(reader converged)"
