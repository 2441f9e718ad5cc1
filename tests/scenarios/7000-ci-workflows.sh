# 7000-ci-workflows: the CI examples (examples/ci/) run as their runners would run them, against moto. Each
# GitHub workflow and the GitLab pipeline is read with PyYAML by tests/fixtures/ci_runner.py, which runs
# its jobs' shell steps in order in a fresh workspace with the runner's environment (GITHUB_ENV, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, GITHUB_PATH, the event, CI_* variables, a loopback OIDC token endpoint or id_tokens,
# artifacts). Only the steps marked `# install:` (replaced by the vidpipe under test) and `# github-api:` /
# `# gitlab-api:` (comments, finding artifacts: replaced by stubs that hand over what the API would) are not
# run as written. The jobs get no AWS key: only AWS_ENDPOINT_URL, pointing at a recorder in front of moto, is
# added; the recorder shows every AWS call signed with keys moto issued for AssumeRoleWithWebIdentity with a
# token the emulated OIDC provider minted. The story, for each platform: plan on a pull/merge request ->
# apply of that reviewed plan on merge -> nightly drift: none -> a change behind vidpipe's back -> drift
# fails naming it -> a stale reviewed plan is refused, a fresh one applied -> a staging/* branch's stack
# deployed, then destroyed when the branch is deleted, leaving nothing (all checked with boto3).
# What moto cannot show: that AWS verifies the token's signature, audience and the trust policies' conditions
# (moto's AssumeRoleWithWebIdentity accepts any token for any role), nor that the roles' permission policies
# allow exactly what vidpipe does (moto enforces no IAM policy here).
. tests/lib.sh
python3 -c 'import yaml' 2>/dev/null || { echo "skip - PyYAML is not installed"; exit 0; }
command -v jq >/dev/null || { echo "skip - jq is not installed (the workflows' shell glue uses it, as runners have it)"; exit 0; }
moto_start
export VIDPIPE_WAIT_POLL_MS=20

RUNNER="$VP_ROOT/tests/fixtures/ci_runner.py"
EX="$VP_ROOT/examples/ci"
ACCOUNT=123456789012
REQS="$T_TMP/aws-requests.jsonl"
t_bg python3 "$VP_ROOT/tests/fixtures/aws_recorder.py" --upstream "$MOTO_URL" --log "$REQS" >"$T_TMP/recorder.port" 2>"$T_TMP/recorder.log"
tries=100
while [ ! -s "$T_TMP/recorder.port" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
REC_URL="http://127.0.0.1:$(head -n 1 "$T_TMP/recorder.port")"
t_wait_http "$REC_URL/" 10 || { t_fail "the recorder started" "$(cat "$T_TMP/recorder.log")"; exit 1; }

t_check "examples/ci/vidpipe.yaml is a valid spec" "$VIDPIPE" validate "$EX/vidpipe.yaml"
t_check "and a valid staging stack" "$VIDPIPE" validate "$EX/vidpipe.yaml" --var stack=staging-login-page --var force_destroy=true
t_check "it validates against specs/vidpipe.schema.json" python3 -c "
import json, jsonschema, yaml
jsonschema.Draft202012Validator(json.load(open('$VP_ROOT/specs/vidpipe.schema.json'))).validate(yaml.safe_load(open('$EX/vidpipe.yaml')))"

# aws_setup: what an administrator creates once (examples/ci/README.md): the state bucket, the OIDC providers
# and the roles, with the trust and permission policies of examples/ci/aws/.
aws_setup() {
    py "
import boto3, json
s3 = boto3.client('s3', endpoint_url='$MOTO_URL', region_name='us-east-1')
s3.create_bucket(Bucket='acme-vidpipe-state')
s3.put_bucket_versioning(Bucket='acme-vidpipe-state', VersioningConfiguration={'Status': 'Enabled'})
iam = boto3.client('iam', endpoint_url='$MOTO_URL', region_name='us-east-1')
iam.create_open_id_connect_provider(Url='https://token.actions.githubusercontent.com', ClientIDList=['sts.amazonaws.com'],
                                    ThumbprintList=['6938fd4d98bab03faadb97b34396831e3780aea1'])
iam.create_open_id_connect_provider(Url='https://gitlab.com', ClientIDList=['sts.amazonaws.com'],
                                    ThumbprintList=['b3dd7606d2b5a8b4a13771dbecc9ee1cecafa38a'])
for platform in ('github', 'gitlab'):
    for use in ('plan', 'apply', 'staging'):
        name = 'vidpipe-%s-%s' % (platform, use)
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=open('$EX/aws/%s-trust-%s.json' % (platform, use)).read())
        iam.put_role_policy(RoleName=name, PolicyName='vidpipe', PolicyDocument=open('$EX/aws/policy-%s.json' % use).read())
"
}
role() { echo "arn:aws:iam::$ACCOUNT:role/vidpipe-$1-$2"; }

# The repository at two commits: the spec as examples/ci has it (v1), then with another app origin (v2).
mk_repo() {
    mkdir -p "$1/.github/workflows"
    cp "$EX/vidpipe.yaml" "$1/vidpipe.yaml"
    cp "$EX"/github/*.yml "$1/.github/workflows/"
    cp "$EX/gitlab/.gitlab-ci.yml" "$1/.gitlab-ci.yml"
}
mk_repo "$T_TMP/repo-v1"
mk_repo "$T_TMP/repo-v2"
sed -i 's|default: https://videos.acme.example|default: https://www.acme.example|' "$T_TMP/repo-v2/vidpipe.yaml"
t_lacks "v2 changes the spec" "$(cat "$T_TMP/repo-v2/vidpipe.yaml")" "https://videos.acme.example"

# jq_ FILE FILTER: one value of a JSON file.
jq_() { jq -r "$2" "$1" 2>/dev/null; }
# snap: what boto3 sees now, as JSON in $SNAP: buckets, tables, each bucket's allowed origins, each table's TTL
# status and the addresses in each state object; the checks below read it (one Python start, not one each).
snap() {
    SNAP=$(py "
import boto3, json
kw = dict(endpoint_url='$MOTO_URL', region_name='us-east-1')
s3, ddb = boto3.client('s3', **kw), boto3.client('dynamodb', **kw)
out = {'buckets': sorted(b['Name'] for b in s3.list_buckets()['Buckets']), 'tables': sorted(ddb.list_tables()['TableNames']),
       'cors': {}, 'ttl': {}, 'state': {}}
for b in out['buckets']:
    try:
        out['cors'][b] = s3.get_bucket_cors(Bucket=b)['CORSRules'][0]['AllowedOrigins']
    except s3.exceptions.ClientError:
        pass
for t in out['tables']:
    out['ttl'][t] = ddb.describe_time_to_live(TableName=t)['TimeToLiveDescription']['TimeToLiveStatus']
for o in s3.list_objects_v2(Bucket='acme-vidpipe-state').get('Contents', []):
    if o['Key'].endswith('.json'):
        doc = json.load(s3.get_object(Bucket='acme-vidpipe-state', Key=o['Key'])['Body'])
        out['state'][o['Key']] = sorted(r['address'] for r in doc['resources'])
print(json.dumps(out))")
}
sj() { printf '%s' "$SNAP" | jq -r "$1"; }
buckets() { sj '.buckets | join(" ")'; }
tables() { sj '.tables | join(" ")'; }
bucket_cors() { sj ".cors[\"$1\"] // [] | join(\" \")"; }
state_addresses() { sj ".state[\"videos/$1.json\"] // [] | join(\" \")"; }

STUBS="$T_TMP/stubs"
ARTS="$T_TMP/artifacts"
mkdir -p "$STUBS/github" "$STUBS/gitlab" "$ARTS"
# --- stubs: what the steps that are not run would have done -------------------------------------------------
cat >"$STUBS/github/install.sh" <<'SH'
# The vidpipe under test where the real step builds it.
mkdir -p "$RUNNER_TEMP/vidpipe/build"
ln -sf "$EMU_VIDPIPE" "$RUNNER_TEMP/vidpipe/build/vidpipe"
echo "$RUNNER_TEMP/vidpipe/build" >>"$GITHUB_PATH"
"$RUNNER_TEMP/vidpipe/build/vidpipe" version
SH
cat >"$STUBS/github/github-api--plan.sh" <<'SH'
# Posting the comment: keep what it would be made from.
cp plan.md "$EMU_OUT/comment-pr$PR_NUMBER.md"
SH
cat >"$STUBS/gitlab/install.sh" <<'SH'
mkdir -p "$CI_BUILDS_DIR/vidpipe/build"
ln -sf "$EMU_VIDPIPE" "$CI_BUILDS_DIR/vidpipe/build/vidpipe"
export PATH="$CI_BUILDS_DIR/vidpipe/build:$PATH"
vidpipe version
SH
cat >"$STUBS/gitlab/gitlab-api--vidpipe-plan.sh" <<'SH'
if [ -n "${CI_MERGE_REQUEST_IID:-}" ]; then cp plan.md "$EMU_OUT/note-mr$CI_MERGE_REQUEST_IID.md"; fi
SH
# github_apply_stub ARTIFACT_RUN ARTIFACT_NAME SOURCE: the API's answer to "which plan was reviewed".
github_apply_stub() {
    cat >"$STUBS/github/github-api--apply.sh" <<SH
mkdir -p reviewed
cp "\$EMU_ARTIFACTS/$1/$2/"* reviewed/
echo "source=$3" >>"\$GITHUB_OUTPUT"
SH
}
# gitlab_apply_stub PIPELINE MR: the merged merge request and its last pipeline, whose vidpipe-plan artifacts
# are fetched.
gitlab_apply_stub() {
    cat >"$STUBS/gitlab/gitlab-api--vidpipe-apply.sh" <<SH
if [ ! -f reviewed/plan.bin ]; then
    cp "\$EMU_ARTIFACTS/$1/vidpipe-plan/plan.bin" "\$EMU_ARTIFACTS/$1/vidpipe-plan/plan.md" reviewed/
    echo "applying the plan reviewed on !$2"
fi
SH
}

# run_gh NAME WORKFLOW EVENT REF RUN_ID REPO [ARGS...]: runs a workflow; its record is in $T_TMP/ci/NAME.
run_gh() {
    local name=$1 wf=$2 event=$3 ref=$4 run=$5 repo=$6
    shift 6
    python3 "$RUNNER" github --workflow "$repo/.github/workflows/$wf" --event "$event" --ref "$ref" --run-id "$run" \
        --repo "$repo" --out "$T_TMP/ci/$name" --artifacts "$ARTS/github" --stubs "$STUBS/github" --vidpipe "$VIDPIPE" \
        --sha "$(printf '%s' "$name" | sha1sum | cut -c 1-40)" \
        --var VIDPIPE_PLAN_ROLE_ARN="$(role github plan)" --var VIDPIPE_APPLY_ROLE_ARN="$(role github apply)" \
        --var VIDPIPE_STAGING_ROLE_ARN="$(role github staging)" \
        --env AWS_ENDPOINT_URL="$REC_URL" --env AWS_EC2_METADATA_DISABLED=true --env VIDPIPE_WAIT_POLL_MS=20 \
        --probe 'vidpipe debug creds' --probe "env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p' | sort | tr '\n' ' '" \
        "$@" >"$T_TMP/ci-$name.log" 2>&1
    GH_RC=$?
    R="$T_TMP/ci/$name/result.json"
    [ "$GH_RC" -le 1 ] || t_fail "$name: the emulator ran the workflow" "$(tail -n 5 "$T_TMP/ci-$name.log")"
}
# job_is NAME STATUS: the last job of run NAME ended so.
job_is() {
    t_eq "$1: job $2" "$2" "$(jq_ "$T_TMP/ci/$1/result.json" '.jobs[-1].status')"
    [ "$(jq_ "$T_TMP/ci/$1/result.json" '.jobs[-1].status')" = "$2" ] || sed 's/^/#   /' "$T_TMP/ci-$1.log" | tail -n 40
}
# ws NAME: the workspace (project folder) the job ran in.
ws() { jq_ "$T_TMP/ci/$1/result.json" '.jobs[-1].workspace // .jobs[-1].project_dir'; }
step() { jq_ "$T_TMP/ci/$1/result.json" ".jobs[-1].steps[] | select(.name == \"$2\") | $3"; }
probe() { jq_ "$T_TMP/ci/$1/result.json" ".jobs[-1].probes[$2].output"; }
claims() { jq -r "select(.job == \"$1\") | .claims.$2" "$T_TMP/ci/$3/tokens.jsonl" 2>/dev/null | tail -n 1; }
# web_identity_checks NAME ROLE: the job's credentials came from web identity and nothing else.
web_identity_checks() {
    t_contains "$1: debug creds in the job's environment: web identity" "$(probe "$1" 0)" "source: web-identity"
    t_eq "$1: the job's AWS environment: no key, a role and a token file" \
        "AWS_EC2_METADATA_DISABLED AWS_ENDPOINT_URL AWS_REGION AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE " \
        "$(probe "$1" 1)"
    t_eq "$1: the token was asked for the audience sts.amazonaws.com" "sts.amazonaws.com" \
        "$(jq_ "$T_TMP/ci/$1/result.json" '[.jobs[-1].token_requests[].audience] | unique | join(",")')"
}

# ============================================================================================================
# GitHub Actions
# ============================================================================================================
aws_setup
event() { printf '%s' "$2" >"$T_TMP/event-$1.json"; echo "$T_TMP/event-$1.json"; }
PR7=$(event pr7 '{"action": "opened", "number": 7, "pull_request": {"number": 7, "head": {"sha": "aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7", "ref": "feature/storage"}, "base": {"ref": "main"}}}')

# --- GitOps: the pull request is planned -------------------------------------------------------------------
run_gh pr7-plan vidpipe-plan.yml pull_request refs/pull/7/merge 1001 "$T_TMP/repo-v1" --event-json "$PR7"
job_is pr7-plan success
W=$(ws pr7-plan)
t_eq "pr7-plan: install and the comment were the only steps not run as written" "stub:install stub:github-api" \
    "$(jq_ "$R" '[.jobs[-1].steps[] | select(.kind | startswith("stub")) | .kind] | join(" ")')"
t_eq "pr7-plan: the plan step says there are changes" "true" "$(step pr7-plan "vidpipe plan" .outputs.changes)"
t_check "pr7-plan: plan.bin is written" test -s "$W/plan.bin"
t_contains "pr7-plan: plan.md has the Markdown summary" "$(cat "$W/plan.md" 2>/dev/null)" "s3_bucket.uploads"
t_contains "pr7-plan: vidpipe appended the summary to GITHUB_STEP_SUMMARY" "$(jq_ "$R" '.jobs[-1].summary')" "s3_bucket.uploads"
t_eq "pr7-plan: the artifact is named by PR and head commit" "plan.bin plan.md" \
    "$(ls "$ARTS/github/1001/vidpipe-plan-pr7-aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
t_check "pr7-plan: the comment would carry plan.md" cmp "$T_TMP/ci/pr7-plan/comment-pr7.md" "$W/plan.md"
t_eq "pr7-plan: the token's subject is the pull request's" "repo:acme/videos:pull_request" "$(claims vidpipe-plan.yml/plan sub pr7-plan)"
web_identity_checks pr7-plan
t_eq "pr7-plan: concurrency per pull request" "vidpipe-plan-7" "$(jq_ "$R" '.jobs[-1].concurrency.group')"
snap
t_eq "boto3: a plan created nothing" "acme-vidpipe-state" "$(buckets)"
# Without `id-token: write` a GitHub job gets no token endpoint: the same workflow fails at its token step.
cp -r "$T_TMP/repo-v1" "$T_TMP/repo-noperm"
sed -i '/id-token: write/d' "$T_TMP/repo-noperm/.github/workflows/vidpipe-plan.yml"
run_gh pr7-noperm vidpipe-plan.yml pull_request refs/pull/7/merge 1004 "$T_TMP/repo-noperm" --event-json "$PR7"
job_is pr7-noperm failure
t_eq "pr7-noperm: at the token step" "failure" "$(step pr7-noperm "AWS web identity" .outcome)"
run_gh pr7-apply-not vidpipe-apply.yml pull_request refs/pull/7/merge 1002 "$T_TMP/repo-v1" --event-json "$PR7"
job_is pr7-apply-not not-triggered
run_gh pr7-staging-not vidpipe-deploy-staging.yml pull_request refs/pull/7/merge 1003 "$T_TMP/repo-v1" --event-json "$PR7"
job_is pr7-staging-not not-triggered

# --- GitOps: the merge applies exactly the reviewed plan ------------------------------------------------------
PUSH=$(event push '{"ref": "refs/heads/main", "after": "cccccccc"}')
github_apply_stub 1001 vidpipe-plan-pr7-aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7 "#7 (vidpipe-plan-pr7-aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7aaaaaaa7)"
run_gh merge7 vidpipe-apply.yml push refs/heads/main 1010 "$T_TMP/repo-v1" --event-json "$PUSH"
job_is merge7 success
t_contains "merge7: it applied the reviewed plan" "$(cat "$T_TMP/ci-merge7.log")" "Apply complete! Resources: 2 added"
t_eq "merge7: in the environment production" "production" "$(jq_ "$R" '.jobs[-1].environment')"
t_eq "merge7: one apply at a time, never cancelled" "vidpipe-apply-production false" \
    "$(jq_ "$R" '.jobs[-1].concurrency | "\(.group) \(."cancel-in-progress")"')"
t_eq "merge7: the token's subject is the environment's" "repo:acme/videos:environment:production" "$(claims vidpipe-apply.yml/apply sub merge7)"
web_identity_checks merge7
t_contains "merge7: the job summary names the PR" "$(jq_ "$R" '.jobs[-1].summary')" "Applied the plan reviewed on #7"
snap
t_eq "boto3: the bucket, with the spec's origin" "https://videos.acme.example" "$(bucket_cors acme-production-uploads)"
t_eq "boto3: the table" "acme-production-videos" "$(tables)"
t_eq "boto3: the state in S3 holds both" "dynamodb_table.videos s3_bucket.uploads" "$(state_addresses production)"
run_gh main-staging-not vidpipe-deploy-staging.yml push refs/heads/main 1011 "$T_TMP/repo-v1" --event-json "$PUSH"
job_is main-staging-not not-triggered

# --- Scheduled drift ------------------------------------------------------------------------------------------
run_gh drift1 vidpipe-drift.yml schedule refs/heads/main 1020 "$T_TMP/repo-v1"
job_is drift1 success
t_eq "drift1: vidpipe drift exited 0" "0" "$(step drift1 "vidpipe drift" .outputs.exit)"
t_eq "drift1: drift.json uploaded: nothing drifted" "0 2" \
    "$(jq_ "$ARTS/github/1020/vidpipe-drift-1020/drift.json" '"\(.drifted) \(.resources_checked)"')"
t_contains "drift1: the Markdown report in the job summary" "$(jq_ "$R" '.jobs[-1].summary')" "vidpipe drift for \`production\`: 0 drifted"
t_eq "drift1: the token's subject is main's" "repo:acme/videos:ref:refs/heads/main" "$(claims vidpipe-drift.yml/drift sub drift1)"
web_identity_checks drift1

boto s3 "c.put_bucket_cors(Bucket='acme-production-uploads', CORSConfiguration={'CORSRules': [{'AllowedOrigins': ['https://evil.example'], 'AllowedMethods': ['PUT', 'GET']}]})"
run_gh drift2 vidpipe-drift.yml schedule refs/heads/main 1021 "$T_TMP/repo-v1"
job_is drift2 failure
t_eq "drift2: vidpipe drift exited 2" "2" "$(step drift2 "vidpipe drift" .outputs.exit)"
t_eq "drift2: the job fails as drift" "Drift in production" "$(jq_ "$R" '.jobs[-1].annotations[0].title')"
t_contains "drift2: naming the resource and attribute" "$(jq_ "$R" '.jobs[-1].annotations[0].message')" "s3_bucket.uploads (drifted: cors_rules)"
t_eq "drift2: drift.json was uploaded though the job failed" "success" "$(step drift2 "Upload drift.json" .outcome)"
t_eq "drift2: drift.json lists it" "s3_bucket.uploads drifted" \
    "$(jq_ "$ARTS/github/1021/vidpipe-drift-1021/drift.json" '.resources[] | select(.status != "in_sync") | "\(.address) \(.status)"')"
t_contains "drift2: the Markdown report in the job summary" "$(jq_ "$R" '.jobs[-1].summary')" "cors_rules"

run_gh drift3 vidpipe-drift.yml workflow_dispatch refs/heads/main 1022 "$T_TMP/repo-v1" \
    --env AWS_ENDPOINT_URL=http://127.0.0.1:1 --env VIDPIPE_CONNECT_TIMEOUT_MS=300 --env AWS_MAX_ATTEMPTS=1
job_is drift3 failure
t_eq "drift3: AWS unreachable: vidpipe drift exited 1" "1" "$(step drift3 "vidpipe drift" .outputs.exit)"
t_eq "drift3: the job fails as an error, not as drift" "vidpipe drift failed (not drift)" "$(jq_ "$R" '.jobs[-1].annotations[0].title')"
t_eq "drift3: drift.json is uploaded all the same" "success" "$(step drift3 "Upload drift.json" .outcome)"

# --- GitOps: a reviewed plan gone stale is refused; a fresh plan from main replaces it --------------------------
PR8=$(event pr8 '{"action": "synchronize", "number": 8, "pull_request": {"number": 8, "head": {"sha": "bbbbbbb8bbbbbbb8bbbbbbb8bbbbbbb8bbbbbbb8", "ref": "feature/origin"}, "base": {"ref": "main"}}}')
run_gh pr8-plan vidpipe-plan.yml pull_request refs/pull/8/merge 1030 "$T_TMP/repo-v2" --event-json "$PR8"
job_is pr8-plan success
boto dynamodb "c.update_time_to_live(TableName='acme-production-videos', TimeToLiveSpecification={'Enabled': False, 'AttributeName': 'expires_at'})"
github_apply_stub 1030 vidpipe-plan-pr8-bbbbbbb8bbbbbbb8bbbbbbb8bbbbbbb8bbbbbbb8 "#8"
run_gh merge8 vidpipe-apply.yml push refs/heads/main 1031 "$T_TMP/repo-v2" --event-json "$PUSH"
job_is merge8 failure
t_eq "merge8: the stale plan is refused" "The reviewed plan is stale; nothing was applied" "$(jq_ "$R" '.jobs[-1].annotations[0].title')"
t_contains "merge8: saying what moved" "$(jq_ "$R" '.jobs[-1].annotations[0].message')" "dynamodb_table.videos changed in AWS since the plan was made"
snap
t_eq "boto3: nothing of it was applied" "https://evil.example" "$(bucket_cors acme-production-uploads)"

run_gh replan vidpipe-plan.yml workflow_dispatch refs/heads/main 1040 "$T_TMP/repo-v2"
job_is replan success
t_contains "replan: the summary says how to apply it" "$(jq_ "$R" '.jobs[-1].summary')" "plan-run-id 1040"
t_eq "replan: the artifact is named by the run" "plan.bin plan.md" "$(ls "$ARTS/github/1040/vidpipe-plan-run1040" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
github_apply_stub 1040 vidpipe-plan-run1040 "run 1040"
run_gh apply-replan vidpipe-apply.yml workflow_dispatch refs/heads/main 1041 "$T_TMP/repo-v2" --input plan-run-id=1040
job_is apply-replan success
snap
t_eq "boto3: the new origin is applied and the drift repaired" "https://www.acme.example" "$(bucket_cors acme-production-uploads)"
t_eq "boto3: the TTL is back" "ENABLED" "$(sj '.ttl["acme-production-videos"]')"
run_gh drift4 vidpipe-drift.yml schedule refs/heads/main 1042 "$T_TMP/repo-v2"
job_is drift4 success

# --- Staging teardown -----------------------------------------------------------------------------------------
SPUSH=$(event spush '{"ref": "refs/heads/staging/Login-Page"}')
run_gh staging vidpipe-deploy-staging.yml push refs/heads/staging/Login-Page 1050 "$T_TMP/repo-v2" --event-json "$SPUSH"
job_is staging success
t_eq "staging: the branch's stack name" "staging-login-page" "$(step staging "Stack name" .outputs.stack)"
t_eq "staging: one run per branch" "vidpipe-staging-staging/Login-Page" "$(jq_ "$R" '.jobs[-1].concurrency.group')"
t_eq "staging: the token's subject is the environment staging's" "repo:acme/videos:environment:staging" "$(claims vidpipe-deploy-staging.yml/deploy sub staging)"
web_identity_checks staging
snap
t_eq "boto3: the staging bucket beside production's" "acme-production-uploads acme-staging-login-page-uploads acme-vidpipe-state" "$(buckets)"
t_eq "boto3: its state is its own" "dynamodb_table.videos s3_bucket.uploads" "$(state_addresses staging-login-page)"
boto s3 "c.put_object(Bucket='acme-staging-login-page-uploads', Key='uploads/u1/v1.mp4', Body=b'video')"
run_gh staging-apply-not vidpipe-apply.yml push refs/heads/staging/Login-Page 1051 "$T_TMP/repo-v2" --event-json "$SPUSH"
job_is staging-apply-not not-triggered

DEL_TAG=$(event deltag '{"ref": "staging/v1", "ref_type": "tag"}')
run_gh del-tag vidpipe-destroy-staging.yml delete refs/heads/main 1060 "$T_TMP/repo-v2" --event-json "$DEL_TAG"
job_is del-tag skipped
DEL_FEATURE=$(event delfeature '{"ref": "feature/origin", "ref_type": "branch"}')
run_gh del-feature vidpipe-destroy-staging.yml delete refs/heads/main 1061 "$T_TMP/repo-v2" --event-json "$DEL_FEATURE"
job_is del-feature skipped
snap
t_eq "boto3: deleting other refs destroyed nothing" "acme-production-uploads acme-staging-login-page-uploads acme-vidpipe-state" "$(buckets)"

DEL=$(event del '{"ref": "staging/Login-Page", "ref_type": "branch"}')
run_gh destroy vidpipe-destroy-staging.yml delete refs/heads/main 1062 "$T_TMP/repo-v2" --event-json "$DEL"
job_is destroy success
t_eq "destroy: the same stack name" "staging-login-page" "$(step destroy "Stack name" .outputs.stack)"
t_eq "destroy: the same concurrency group as the deploys" "vidpipe-staging-staging/Login-Page" "$(jq_ "$R" '.jobs[-1].concurrency.group')"
web_identity_checks destroy
snap
t_eq "boto3: no bucket of the staging stack is left (its upload included)" "acme-production-uploads acme-vidpipe-state" "$(buckets)"
t_eq "boto3: no table of it" "acme-production-videos" "$(tables)"
t_eq "boto3: its state is empty" "" "$(state_addresses staging-login-page)"
t_contains "destroy: the job summary says so" "$(jq_ "$R" '.jobs[-1].summary')" "Stack \`staging-login-page\` of the deleted branch"

# --- Credentials: every AWS call of every job came from web identity -------------------------------------------
# cred_checks PLATFORM: over every request the jobs made (the recorder's log, which also has the key id STS
# answered each AssumeRoleWithWebIdentity with) and every token the emulated OIDC provider minted.
cred_checks() {
    local out
    out=$(python3 - "$REQS" "$T_TMP/ci" "$1" <<'PY'
import glob, json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
tokens = {}
for f in glob.glob(sys.argv[2] + "/*/tokens.jsonl"):
    for l in open(f):
        t = json.loads(l)
        if t["platform"] == sys.argv[3]:
            tokens[t["token"]] = t["claims"]
assume = [r for r in reqs if r.get("action") == "AssumeRoleWithWebIdentity"]
issued = {r["issued_akid"] for r in assume if r.get("issued_akid")}
signed = [r for r in reqs if r.get("akid")]
bad_tokens = [r["session"] for r in assume if r["token"] not in tokens or tokens[r["token"]]["aud"] != "sts.amazonaws.com"]
print("assumed:", len(assume) > 0 and all(r["status"] == 200 for r in assume))
print("unsigned assume:", all(r["akid"] is None for r in assume))
print("tokens minted for sts.amazonaws.com:", not bad_tokens)
print("signed calls:", len(signed))
print("every signed call with a key STS issued:", all(r["akid"] in issued for r in signed))
print("no call with another key:", sorted({r["akid"] for r in signed} - issued))
print("roles:", " ".join(sorted({r["role_arn"].split("/")[-1] for r in assume})))
print("sessions:", "|".join(sorted({"%s %s" % (r["session"], r["role_arn"].split("/")[-1]) for r in assume})))
PY
)
    CRED_OUT=$out
    t_contains "$1 credentials: the jobs assumed roles" "$out" "assumed: True"
    t_contains "$1 credentials: AssumeRoleWithWebIdentity unsigned (the token is the proof)" "$out" "unsigned assume: True"
    t_contains "$1 credentials: with tokens the OIDC provider minted for sts.amazonaws.com" "$out" "tokens minted for sts.amazonaws.com: True"
    t_contains "$1 credentials: every other call signed with a key STS issued for those" "$out" "every signed call with a key STS issued: True"
    t_contains "$1 credentials: no other key" "$out" "no call with another key: []"
    t_contains "$1 credentials: the three roles, each where its workflow asks" "$out" \
        "roles: vidpipe-$1-apply vidpipe-$1-plan vidpipe-$1-staging"
}
cred_checks github
t_contains "github: each job's session ran as its role" "$CRED_OUT" \
    "github-1001-1 vidpipe-github-plan|github-1010-1 vidpipe-github-apply|github-1020-1 vidpipe-github-plan|github-1021-1 vidpipe-github-plan|github-1030-1 vidpipe-github-plan|github-1031-1 vidpipe-github-apply|github-1040-1 vidpipe-github-plan|github-1041-1 vidpipe-github-apply|github-1042-1 vidpipe-github-plan|github-1050-1 vidpipe-github-staging|github-1062-1 vidpipe-github-staging"

# ============================================================================================================
# GitLab CI: the same story with .gitlab-ci.yml
# ============================================================================================================
moto_reset
: >"$REQS"
rm -rf "$T_TMP/ci"
aws_setup
# run_gl NAME PIPELINE SOURCE REPO [ARGS...]: runs a pipeline (or, with --play, one manual job of it).
run_gl() {
    local name=$1 pipeline=$2 source=$3 repo=$4
    shift 4
    python3 "$RUNNER" gitlab --file "$repo/.gitlab-ci.yml" --source "$source" --pipeline-id "$pipeline" \
        --pipeline-dir "$T_TMP/pipelines/$pipeline" --repo "$repo" --out "$T_TMP/ci/$name" --artifacts "$ARTS/gitlab" \
        --stubs "$STUBS/gitlab" --vidpipe "$VIDPIPE" --sha "$(printf '%s' "$name" | sha1sum | cut -c 1-40)" \
        --var VIDPIPE_PLAN_ROLE_ARN="$(role gitlab plan)" --var VIDPIPE_APPLY_ROLE_ARN="$(role gitlab apply)" \
        --var VIDPIPE_STAGING_ROLE_ARN="$(role gitlab staging)" --var VIDPIPE_API_TOKEN=glpat-never-used \
        --env AWS_ENDPOINT_URL="$REC_URL" --env AWS_EC2_METADATA_DISABLED=true --env VIDPIPE_WAIT_POLL_MS=20 \
        --probe 'vidpipe debug creds' --probe "env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p' | sort | tr '\n' ' '" \
        "$@" >"$T_TMP/ci-$name.log" 2>&1
    GL_RC=$?
    R="$T_TMP/ci/$name/result.json"
    [ "$GL_RC" -le 1 ] || t_fail "$name: the emulator ran the pipeline" "$(tail -n 5 "$T_TMP/ci-$name.log")"
}
gl_jobs() { jq_ "$T_TMP/ci/$1/result.json" '[.jobs[] | "\(.job)=\(.status)"] | join(" ")'; }
gl_job() { jq_ "$T_TMP/ci/$1/result.json" ".jobs[] | select(.job == \"$2\") | $3"; }
gl_web_identity_checks() {
    t_contains "$1: debug creds in the job's shell: web identity" "$(gl_job "$1" "$2" '.probes[0].output')" "source: web-identity"
    t_eq "$1: the job's AWS environment: no key, a role and a token file" \
        "AWS_EC2_METADATA_DISABLED AWS_ENDPOINT_URL AWS_REGION AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE " \
        "$(gl_job "$1" "$2" '.probes[1].output')"
    t_eq "$1: the ID token's audience" "sts.amazonaws.com" "$(claims "$2" aud "$1")"
}

# --- GitOps: the merge request is planned -----------------------------------------------------------------------
run_gl mr3 101 merge_request_event "$T_TMP/repo-v1" --mr-iid 3 --mr-source-branch feature/storage --mr-target-branch main
t_eq "mr3: a merge request pipeline plans, and only that" "vidpipe-plan=success" "$(gl_jobs mr3)"
P=$(gl_job mr3 vidpipe-plan .project_dir)
t_check "mr3: plan.bin" test -s "$P/plan.bin"
t_contains "mr3: plan.md has the Markdown summary" "$(cat "$P/plan.md" 2>/dev/null)" "s3_bucket.uploads"
t_eq "mr3: both are the job's artifacts" "plan.bin plan.md" "$(gl_job mr3 vidpipe-plan '.artifacts | join(" ")')"
t_check "mr3: the note would carry plan.md" cmp "$T_TMP/ci/mr3/note-mr3.md" "$P/plan.md"
t_eq "mr3: the ID token's subject is the source branch's" "project_path:acme/videos:ref_type:branch:ref:feature/storage" \
    "$(claims vidpipe-plan sub mr3)"
gl_web_identity_checks mr3 vidpipe-plan
snap
t_eq "boto3: a plan created nothing" "acme-vidpipe-state" "$(buckets)"

# Without id_tokens a GitLab job has no token: the same pipeline's plan fails, vidpipe saying why.
cp -r "$T_TMP/repo-v1" "$T_TMP/repo-noid"
sed -i '/^  id_tokens:/,/aud: sts.amazonaws.com/d' "$T_TMP/repo-noid/.gitlab-ci.yml"
run_gl mr3-noid 100 merge_request_event "$T_TMP/repo-noid" --mr-iid 3 --mr-source-branch feature/storage --mr-target-branch main
t_eq "mr3-noid: without id_tokens the plan fails" "vidpipe-plan=failed" "$(gl_jobs mr3-noid)"
t_contains "mr3-noid: the token file is empty" "$(gl_job mr3-noid vidpipe-plan .log)" "is empty"

# --- GitOps: the merge applies the reviewed plan -----------------------------------------------------------------
gitlab_apply_stub 101 3
run_gl merge3 102 push "$T_TMP/repo-v1" --branch main
t_eq "merge3: the default branch's pipeline applies, and only that" "vidpipe-apply=success" "$(gl_jobs merge3)"
t_contains "merge3: it applied the reviewed plan" "$(gl_job merge3 vidpipe-apply .log)" "Apply complete! Resources: 2 added"
t_eq "merge3: environment production, one at a time" "production vidpipe-production" \
    "$(gl_job merge3 vidpipe-apply '"\(.environment.name) \(.resource_group)"')"
t_eq "merge3: the ID token's subject is main's" "project_path:acme/videos:ref_type:branch:ref:main" "$(claims vidpipe-apply sub merge3)"
gl_web_identity_checks merge3 vidpipe-apply
snap
t_eq "boto3: the bucket, with the spec's origin" "https://videos.acme.example" "$(bucket_cors acme-production-uploads)"
t_eq "boto3: the state in S3 holds both" "dynamodb_table.videos s3_bucket.uploads" "$(state_addresses production)"

# --- Scheduled drift --------------------------------------------------------------------------------------------
run_gl drift1 103 schedule "$T_TMP/repo-v1" --branch main
t_eq "drift1: a scheduled pipeline checks drift, and only that" "vidpipe-drift=success" "$(gl_jobs drift1)"
t_eq "drift1: drift.json: nothing drifted" "0 2" "$(jq_ "$ARTS/gitlab/103/vidpipe-drift/drift.json" '"\(.drifted) \(.resources_checked)"')"
t_contains "drift1: drift.md has the Markdown report" "$(cat "$ARTS/gitlab/103/vidpipe-drift/drift.md" 2>/dev/null)" "vidpipe drift for \`production\`: 0 drifted"
gl_web_identity_checks drift1 vidpipe-drift

boto s3 "c.put_bucket_cors(Bucket='acme-production-uploads', CORSConfiguration={'CORSRules': [{'AllowedOrigins': ['https://evil.example'], 'AllowedMethods': ['PUT']}]})"
run_gl drift2 104 schedule "$T_TMP/repo-v1" --branch main
t_eq "drift2: the drift job fails" "vidpipe-drift=failed" "$(gl_jobs drift2)"
t_eq "drift2: with vidpipe drift's exit 2" "2" "$(gl_job drift2 vidpipe-drift .exit)"
t_contains "drift2: saying it is drift, naming the resource" "$(gl_job drift2 vidpipe-drift .log)" "s3_bucket.uploads (drifted: cors_rules)"
t_eq "drift2: drift.json kept though the job failed, listing it" "s3_bucket.uploads drifted" \
    "$(jq_ "$ARTS/gitlab/104/vidpipe-drift/drift.json" '.resources[] | select(.status != "in_sync") | "\(.address) \(.status)"')"
run_gl drift3 105 schedule "$T_TMP/repo-v1" --branch main --env AWS_ENDPOINT_URL=http://127.0.0.1:1 \
    --env VIDPIPE_CONNECT_TIMEOUT_MS=300 --env AWS_MAX_ATTEMPTS=1
t_eq "drift3: AWS unreachable: the job fails with exit 1" "failed 1" "$(gl_job drift3 vidpipe-drift '"\(.status) \(.exit)"')"
t_contains "drift3: saying it is not drift" "$(gl_job drift3 vidpipe-drift .log)" "this is not drift"

# --- A pipeline run by hand on main: plan, then play apply (how drift is repaired, or a stale plan replaced) ------
run_gl web 106 web "$T_TMP/repo-v1" --branch main
t_eq "web: plans, and waits with apply" "vidpipe-plan=success vidpipe-apply=manual" "$(gl_jobs web)"
run_gl web-play 106 web "$T_TMP/repo-v1" --branch main --play vidpipe-apply
t_eq "web: the played apply applies the pipeline's own plan" "vidpipe-apply=success" "$(gl_jobs web-play)"
snap
t_eq "boto3: the drift is repaired" "https://videos.acme.example" "$(bucket_cors acme-production-uploads)"

# --- A stale reviewed plan is refused ------------------------------------------------------------------------------
run_gl mr4 107 merge_request_event "$T_TMP/repo-v2" --mr-iid 4 --mr-source-branch feature/origin --mr-target-branch main
t_eq "mr4: planned" "vidpipe-plan=success" "$(gl_jobs mr4)"
boto dynamodb "c.update_time_to_live(TableName='acme-production-videos', TimeToLiveSpecification={'Enabled': False, 'AttributeName': 'expires_at'})"
gitlab_apply_stub 107 4
run_gl merge4 108 push "$T_TMP/repo-v2" --branch main
t_eq "merge4: the apply fails" "vidpipe-apply=failed" "$(gl_jobs merge4)"
t_contains "merge4: the stale plan is refused, nothing applied" "$(gl_job merge4 vidpipe-apply .log)" "the reviewed plan is stale; nothing was applied"
snap
t_eq "boto3: nothing of it was applied" "https://videos.acme.example" "$(bucket_cors acme-production-uploads)"

# --- Staging: a review environment per staging/* branch, stopped when the branch is deleted ----------------------
run_gl staging 110 push "$T_TMP/repo-v2" --branch staging/Login-Page
t_eq "staging: deploys, the stop job waits" "vidpipe-staging-deploy=success vidpipe-staging-destroy=manual" "$(gl_jobs staging)"
t_eq "staging: the environment and its stop job" "staging/staging-login-page vidpipe-staging-destroy" \
    "$(gl_job staging vidpipe-staging-deploy '"\(.environment.name) \(.environment.on_stop)"')"
t_eq "staging: the ID token's subject is the branch's" "project_path:acme/videos:ref_type:branch:ref:staging/Login-Page" \
    "$(claims vidpipe-staging-deploy sub staging)"
gl_web_identity_checks staging vidpipe-staging-deploy
snap
t_eq "boto3: the staging bucket beside production's" "acme-production-uploads acme-staging-login-page-uploads acme-vidpipe-state" "$(buckets)"
boto s3 "c.put_object(Bucket='acme-staging-login-page-uploads', Key='uploads/u1/v1.mp4', Body=b'video')"
run_gl stop 110 push "$T_TMP/repo-v2" --branch staging/Login-Page --play vidpipe-staging-destroy --branch-deleted
t_eq "stop: the branch deleted, GitLab's stop job runs" "vidpipe-staging-destroy=success" "$(gl_jobs stop)"
t_eq "stop: it stopped the environment" "staging/staging-login-page stop" \
    "$(gl_job stop vidpipe-staging-destroy '"\(.environment.name) \(.environment.action)"')"
t_eq "stop: with the spec from the deploy's artifacts (no checkout of the deleted branch)" "vidpipe-staging-deploy" \
    "$(gl_job stop vidpipe-staging-destroy '.unpacked | join(" ")')"
snap
t_eq "boto3: no bucket of the staging stack is left" "acme-production-uploads acme-vidpipe-state" "$(buckets)"
t_eq "boto3: no table of it" "acme-production-videos" "$(tables)"
t_eq "boto3: its state is empty" "" "$(state_addresses staging-login-page)"

cred_checks gitlab
