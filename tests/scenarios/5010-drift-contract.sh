# 5010-drift-contract: the scheduled drift job's contract. Real `drift --json` reports (no drift, drift, a
# deleted resource, one resource whose read fails) validate against specs/drift.schema.json (with the
# jsonschema module when it is there, and always with the structural validator); exit 0 with no drift, 2
# with drift, 1 when any read failed: one resource's read answered 500 or access denied (the fault proxy,
# scripted so exactly that read fails) is an error for that resource in JSON, text and Markdown, the exit
# status is 1, never 0, and the other resources are still reported.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20 VIDPIPE_RETRY_BASE_MS=1
schema=$VP_ROOT/specs/drift.schema.json
check=$VP_ROOT/tests/fixtures/drift_json_check.py
cd "$T_TMP"
# The table first: with --parallelism 1 it is the first resource in state and its read the first request.
cat >spec.yaml <<'YAML'
vidpipe: 1
stack: dc
region: us-east-1
resources:
  videos:
    type: dynamodb_table
    name: dc-videos
    hash_key: id
    attributes: {id: S}
  media:
    type: s3_bucket
    name: dc-media
    tags: {team: video}
  old:
    type: s3_bucket
    name: dc-old
YAML

# validates DESC FILE: the report in FILE against the schema, both ways.
validates() {
    local how
    for how in "" --structural; do
        if out=$(python3 "$check" $how "$schema" "$2" 2>&1); then t_ok "$1: $out"
        else t_fail "$1 ${how:-(jsonschema if importable)}" "$out"; fi
    done
}
field() {   # field FILE ADDRESS KEY: a resource's field in a report
    python3 -c "import json,sys; r={x['address']: x for x in json.load(open('$1'))['resources']}; print(r['$2'].get('$3'))"
}

if python3 -c 'import json; json.load(open("'"$schema"'"))' 2>/dev/null; then t_ok "the schema is JSON"; else t_fail "the schema is JSON"; fi
if python3 -c 'import jsonschema' 2>/dev/null; then
    t_check "the schema is a valid JSON Schema" python3 -c "
import json, jsonschema; s = json.load(open('$schema')); jsonschema.validators.validator_for(s).check_schema(s)"
else
    echo "skip - jsonschema is not importable: the structural validator alone checks the reports"
fi

t_check "apply" "$VIDPIPE" apply spec.yaml --auto-approve --parallelism 1
t_status "no drift: exit 0" 0 "$VIDPIPE" drift spec.yaml --json
printf '%s\n' "$T_OUT" >clean.json
validates "the no-drift report" clean.json
t_eq "every resource in sync" "in_sync in_sync in_sync" \
    "$(python3 -c 'import json; print(" ".join(r["status"] for r in json.load(open("clean.json"))["resources"]))')"
t_status "--format json is --json" 0 "$VIDPIPE" drift spec.yaml --format json
t_eq "the same report" "$(cat clean.json)" "$T_OUT"

# A read that fails on a stack without drift is exit 1, never 0.
fault_start
fault_script "500"
t_status "one read answered 500, nothing drifted: exit 1, not 0" 1 env AWS_MAX_ATTEMPTS=1 \
    "$VIDPIPE" drift spec.yaml --json --parallelism 1
printf '%s\n' "$T_OUT" >err500.json
validates "the report with a failed read" err500.json
t_eq "exactly one fault was used" "1" "$(fault_stat faults)"
t_eq "the table is the error" "error" "$(field err500.json dynamodb_table.videos status)"
t_eq "the others are still reported, in sync" "in_sync in_sync" \
    "$(field err500.json s3_bucket.media status) $(field err500.json s3_bucket.old status)"
t_eq "counts" "0 1" "$(python3 -c 'import json; d=json.load(open("err500.json")); print(d["drifted"], d["errors"])')"
t_contains "the error says what failed" "$(field err500.json dynamodb_table.videos error)" "DescribeTable"
t_eq "its HTTP status" "500" "$(field err500.json dynamodb_table.videos http_status)"
t_eq "its kind" "aws_service" "$(field err500.json dynamodb_table.videos error_code)"

# Drift behind vidpipe's back, then an access-denied read of the table.
boto s3 "c.put_bucket_tagging(Bucket='dc-media', Tagging={'TagSet': [{'Key': 'team', 'Value': 'someone-else'}]})
c.delete_bucket(Bucket='dc-old')"
t_status "drift: exit 2" 2 "$VIDPIPE" drift spec.yaml --json
printf '%s\n' "$T_OUT" >drift.json
validates "the drift report" drift.json
t_eq "drifted and deleted" "drifted deleted" "$(field drift.json s3_bucket.media status) $(field drift.json s3_bucket.old status)"
t_eq "the changed path" "['tags.team']" "$(field drift.json s3_bucket.media changed_paths)"
t_eq "a deleted resource has no live attributes (null)" "None" "$(field drift.json s3_bucket.old live)"

fault_script "denied"
t_status "access denied on one read, with drift elsewhere: exit 1, not 2" 1 env AWS_MAX_ATTEMPTS=1 \
    "$VIDPIPE" drift spec.yaml --json --parallelism 1
printf '%s\n' "$T_OUT" >denied.json
validates "the report with an access-denied read" denied.json
t_eq "the table is the error" "error" "$(field denied.json dynamodb_table.videos status)"
t_eq "the service's code" "AccessDeniedException" "$(field denied.json dynamodb_table.videos aws_error_code)"
t_eq "HTTP 403" "403" "$(field denied.json dynamodb_table.videos http_status)"
t_eq "never a live value for it" "None" "$(field denied.json dynamodb_table.videos live)"
t_eq "the others are still reported" "drifted deleted" \
    "$(field denied.json s3_bucket.media status) $(field denied.json s3_bucket.old status)"
t_eq "counts" "2 1 3" "$(python3 -c 'import json; d=json.load(open("denied.json")); print(d["drifted"], d["errors"], d["resources_checked"])')"

fault_script "denied"
t_status "the text report: exit 1" 1 env AWS_MAX_ATTEMPTS=1 "$VIDPIPE" drift spec.yaml --parallelism 1
t_contains "names the resource that could not be read" "$T_OUT" "dynamodb_table.videos: could not be read"
t_contains "with the service's answer" "$T_OUT" "AccessDenied"
t_contains "still reports the drift" "$T_OUT" "s3_bucket.media changed outside vidpipe"
t_contains "sums up" "$T_OUT" "1 of 3 resources could not be read; 2 drifted"
fault_script "denied"
t_status "the Markdown report: exit 1" 1 env AWS_MAX_ATTEMPTS=1 "$VIDPIPE" drift spec.yaml --parallelism 1 --format markdown
t_contains "counts the error in its title" "$T_OUT" "### vidpipe drift for \`dc\`: 2 drifted, 0 in sync, 1 error"
t_contains "an error row" "$T_OUT" "| \`dynamodb_table.videos\` | \`dynamodb_table\` | \`!\` error | could not be read: "
t_contains "the drifted rows" "$T_OUT" "| \`s3_bucket.old\` | \`s3_bucket\` | \`-\` deleted | deleted outside vidpipe |"

# The schema has teeth: reports that break the contract are refused, both ways.
python3 - drift.json <<'PY' >broken.txt
import copy, json, sys
good = json.load(open(sys.argv[1]))
def broken(name, change):
    d = copy.deepcopy(good)
    change(d)
    json.dump(d, open(name, "w"))
    print(name)
broken("b-status.json", lambda d: d["resources"][0].update(status="ok"))
broken("b-error-without-why.json", lambda d: d["resources"][0].update(status="error", changed_paths=[], live=None))
broken("b-in-sync-with-paths.json", lambda d: d["resources"][0].update(status="in_sync", changed_paths=["tags.x"]))
broken("b-version.json", lambda d: d.update(format_version="2"))
broken("b-count.json", lambda d: d.update(drifted=0))
broken("b-undocumented.json", lambda d: d["resources"][0].update(surprise=1))
PY
for f in $(cat broken.txt); do
    for how in "" --structural; do
        if python3 "$check" $how "$schema" "$f" >/dev/null 2>&1; then t_fail "$f is refused ${how:-(jsonschema)}"
        else t_ok "$f is refused ${how:-(jsonschema if importable)}"; fi
    done
done
fault_script ""
