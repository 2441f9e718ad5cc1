# 4300-lambda-function: the lambda_function provider against moto. Through `vidpipe debug resource`: a
# function created from a zip with every setting, read back by boto3 and by vidpipe in exactly want's shape;
# code uploaded only when the zip's base64 SHA-256 differs from Lambda's CodeSha256; configuration and tag
# updates; adoption of an existing function; a role Lambda cannot assume retried, then refused clearly; bad
# zips refused before any call. Through a spec: validate refuses Lambda's reserved environment keys with their
# position; apply creates; a second plan is empty; a changed zip plans and applies a code update, an
# unchanged one never uploads again; an environment change updates the configuration; destroy removes it.
# moto accepts reserved environment keys (real Lambda refuses them): vidpipe's own refusal is what is tested.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
ACCOUNT=123456789012
ROLE="arn:aws:iam::$ACCOUNT:role/vp-test-lambda"

boto iam "c.create_role(RoleName='vp-test-lambda', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))" >/dev/null

# mkzip ZIP TEXT [MODE]: a zip holding an executable 'bootstrap' whose content is TEXT (fixed timestamps,
# so the same TEXT always gives the same bytes and hash).
mkzip() {
    python3 - "$1" "$2" "${3:-755}" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
i = zipfile.ZipInfo("bootstrap", date_time=(2024, 1, 1, 0, 0, 0))
i.external_attr = int(sys.argv[3], 8) << 16
i.create_system = 3
z.writestr(i, "#!/bin/sh\n" + sys.argv[2] + "\n")
z.close()
PY
}
sha() { python3 -c "import base64, hashlib, sys; print(base64.b64encode(hashlib.sha256(open(sys.argv[1], 'rb').read()).digest()).decode())" "$1"; }
# vp_same WANT LIVE: "same" when LIVE holds exactly WANT's attributes (computed and vidpipe-only ones aside).
vp_same() {
    python3 - "$1" "$2" <<'PY'
import json, sys
want, live = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).read())
for k in ("arn", "invoke_arn", "code_sha256", "source_code_hash", "zip_file", "artifact"):
    want.pop(k, None); live.pop(k, None)
diff = sorted(k for k in set(want) | set(live) if want.get(k) != live.get(k))
print("same" if not diff else "; ".join("%s: want %s, live %s" % (k, json.dumps(want.get(k)), json.dumps(live.get(k))) for k in diff))
PY
}
ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }
writes() { ops "$1" | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//'; }
fn() { boto lambda "f = c.get_function(FunctionName='$1'); cfg = f['Configuration']
$2"; }

# ---- the provider alone ----
mkzip v1.zip "echo v1"
cat >full.json <<JSON
{"name": "vp-test-fn", "zip_file": "$T_TMP/v1.zip", "role": "$ROLE", "runtime": "provided.al2023",
 "handler": "bootstrap", "architecture": "arm64", "memory_size": 512, "timeout": 30, "description": "the test function",
 "environment": {"STAGE": "dev", "TABLE_NAME": "videos"}, "tags": {"app": "vidpipe", "env": "dev"}}
JSON
t_status "create a function with every setting" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_function create full.json
printf '%s\n' "$T_OUT" >created.json
printf '%s\n' "$T_ERR" >create.log
t_eq "create returns the function in want's shape" "same" "$(vp_same full.json created.json)"
t_eq "one CreateFunction, nothing else written" "CreateFunction" "$(writes create.log)"
t_contains "with its ARN" "$T_OUT" "\"arn\": \"arn:aws:lambda:us-east-1:$ACCOUNT:function:vp-test-fn\""
t_contains "its invoke ARN" "$T_OUT" "\"invoke_arn\": \"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:$ACCOUNT:function:vp-test-fn/invocations\""
t_contains "and the zip's hash as code_sha256" "$T_OUT" "\"code_sha256\": \"$(sha v1.zip)\""
t_eq "boto3 reads the configuration" "provided.al2023 bootstrap ['arm64'] 512 30 the test function $ROLE" \
    "$(fn vp-test-fn "print(cfg['Runtime'], cfg['Handler'], cfg['Architectures'], cfg['MemorySize'], cfg['Timeout'], cfg['Description'], cfg['Role'])")"
t_eq "boto3 reads the environment" "{'STAGE': 'dev', 'TABLE_NAME': 'videos'}" "$(fn vp-test-fn "print(dict(sorted(cfg['Environment']['Variables'].items())))")"
t_eq "boto3: CodeSha256 is the local zip's base64 SHA-256" "$(sha v1.zip)" "$(fn vp-test-fn "print(cfg['CodeSha256'])")"
FN_ARN="arn:aws:lambda:us-east-1:$ACCOUNT:function:vp-test-fn"
tags() { boto lambda "print(dict(sorted(c.list_tags(Resource='$FN_ARN')['Tags'].items())))"; }
t_eq "boto3 reads the tags" "{'app': 'vidpipe', 'env': 'dev'}" "$(tags)"
t_status "read the function" 0 "$VIDPIPE" debug resource lambda_function read vp-test-fn
printf '%s\n' "$T_OUT" >read.json
t_eq "read after create equals want" "same" "$(vp_same full.json read.json)"
t_eq "source_code_hash reads as CodeSha256" "$(sha v1.zip)" "$(python3 -c "import json; print(json.load(open('read.json'))['source_code_hash'])")"

t_status "an update with nothing changed" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_function update vp-test-fn full.json
printf '%s\n' "$T_ERR" >noop.log
t_eq "writes nothing: the same zip is never uploaded again" "" "$(writes noop.log)"

# Configuration and tags, same zip: UpdateFunctionConfiguration only, then the tag calls.
python3 -c "import json; w = json.load(open('full.json')); w['environment'] = {'STAGE': 'prod'}; w['memory_size'] = 1024
w['timeout'] = 60; w['description'] = ''; w['tags'] = {'app': 'vidpipe', 'team': 'media'}; json.dump(w, open('u1.json', 'w'))"
t_status "update the configuration and tags" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_function update vp-test-fn u1.json
printf '%s\n' "$T_OUT" >u1.out
printf '%s\n' "$T_ERR" >u1.log
t_eq "update returns want" "same" "$(vp_same u1.json u1.out)"
t_eq "configuration and tags, no code" "UpdateFunctionConfiguration UntagResource TagResource" "$(writes u1.log)"
t_eq "boto3 sees the new configuration" "{'STAGE': 'prod'} 1024 60 ''" \
    "$(fn vp-test-fn "print(cfg['Environment']['Variables'], cfg['MemorySize'], cfg['Timeout'], repr(cfg.get('Description', '')))")"
t_eq "boto3 sees the new tags" "{'app': 'vidpipe', 'team': 'media'}" "$(tags)"

# New code: UpdateFunctionCode only.
mkzip v2.zip "echo v2"
python3 -c "import json; w = json.load(open('u1.json')); w['zip_file'] = '$T_TMP/v2.zip'; json.dump(w, open('u2.json', 'w'))"
t_status "update with a changed zip" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_function update vp-test-fn u2.json
printf '%s\n' "$T_ERR" >u2.log
t_eq "uploads the code, nothing else" "UpdateFunctionCode" "$(writes u2.log)"
t_eq "boto3: CodeSha256 is the new zip's" "$(sha v2.zip)" "$(fn vp-test-fn "print(cfg['CodeSha256'])")"
cp v2.zip v2-copy.zip
python3 -c "import json; w = json.load(open('u2.json')); w['zip_file'] = '$T_TMP/v2-copy.zip'; json.dump(w, open('u3.json', 'w'))"
t_status "a zip at another path with the same bytes" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_function update vp-test-fn u3.json
printf '%s\n' "$T_ERR" >u3.log
t_eq "is not uploaded" "" "$(writes u3.log)"

# Adoption: create over an existing function of that name converges it.
python3 -c "import json; w = json.load(open('full.json')); w['timeout'] = 5; json.dump(w, open('adopt.json', 'w'))"
t_status "create over an existing function adopts it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_function create adopt.json
printf '%s\n' "$T_ERR" >adopt.log
t_eq "converging it: code back to v1, configuration, tags" "CreateFunction UpdateFunctionCode UpdateFunctionConfiguration UntagResource TagResource" "$(writes adopt.log)"
t_eq "boto3: converged to want" "5 $(sha v1.zip)" "$(fn vp-test-fn "print(cfg['Timeout'], cfg['CodeSha256'])")"

t_status "delete the function" 0 "$VIDPIPE" debug resource lambda_function delete vp-test-fn
t_eq "boto3: gone" "[]" "$(boto lambda "print([f['FunctionName'] for f in c.list_functions()['Functions']])")"
t_status "read of a missing function" 0 "$VIDPIPE" debug resource lambda_function read vp-test-fn
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing function succeeds" 0 "$VIDPIPE" debug resource lambda_function delete vp-test-fn

# A role Lambda cannot assume (moto: one that does not exist) is retried, then refused with the reason.
python3 -c "import json; w = json.load(open('full.json')); w['role'] = 'arn:aws:iam::$ACCOUNT:role/not-yet'; json.dump(w, open('norole.json', 'w'))"
t_status "a role that never becomes usable" 1 env VIDPIPE_LOG=debug VIDPIPE_WAIT_TIMEOUT_MS=300 "$VIDPIPE" debug resource lambda_function create norole.json
t_contains "is refused after the wait" "$T_ERR" "gave up after 0.3 s waiting until Lambda accepts CreateFunction of function 'vp-test-fn': role 'arn:aws:iam::$ACCOUNT:role/not-yet' still cannot be used by Lambda"
t_eq "after several tries" "yes" "$([ "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -c '^CreateFunction$')" -ge 3 ] && echo yes)"
# ... and one that appears while vidpipe retries (IAM's eventual consistency) is used once it does.
( sleep 0.5; boto iam "c.create_role(RoleName='late', AssumeRolePolicyDocument='{}')" >/dev/null ) &
late_pid=$!
python3 -c "import json; w = json.load(open('full.json')); w['name'] = 'vp-test-late'; w['role'] = 'arn:aws:iam::$ACCOUNT:role/late'; json.dump(w, open('late.json', 'w'))"
t_status "a role that becomes usable while vidpipe retries" 0 env VIDPIPE_WAIT_TIMEOUT_MS=20000 "$VIDPIPE" debug resource lambda_function create late.json
wait "$late_pid"
t_contains "creates the function" "$T_OUT" '"name": "vp-test-late"'
"$VIDPIPE" debug resource lambda_function delete vp-test-late >/dev/null

# Bad code is refused before any call.
python3 -c "import json; w = json.load(open('full.json')); w['zip_file'] = '$T_TMP/nope.zip'; json.dump(w, open('missing.json', 'w'))"
t_status "a missing zip" 1 "$VIDPIPE" debug resource lambda_function create missing.json
t_contains "is named" "$T_ERR" "cannot read the function's zip '$T_TMP/nope.zip'"
echo "not a zip" >bad.zip
python3 -c "import json; w = json.load(open('full.json')); w['zip_file'] = '$T_TMP/bad.zip'; json.dump(w, open('bad.json', 'w'))"
t_status "a file that is not a zip" 1 "$VIDPIPE" debug resource lambda_function create bad.json
t_contains "is refused" "$T_ERR" "is not a zip archive Lambda can read"
mkzip noexec.zip "echo x" 644
python3 -c "import json; w = json.load(open('full.json')); w['zip_file'] = '$T_TMP/noexec.zip'; json.dump(w, open('noexec.json', 'w'))"
t_status "a bootstrap without its x bits" 1 "$VIDPIPE" debug resource lambda_function create noexec.json
t_contains "is refused" "$T_ERR" "'bootstrap' in the function's zip '$T_TMP/noexec.zip' is not executable (mode 644)"
head -c $((50 * 1024 * 1024 + 1)) /dev/zero >huge.zip
python3 -c "import json; w = json.load(open('full.json')); w['zip_file'] = '$T_TMP/huge.zip'; json.dump(w, open('huge.json', 'w'))"
t_status "a zip over 50 MB" 1 "$VIDPIPE" debug resource lambda_function create huge.json
t_contains "is refused with the limit" "$T_ERR" "Lambda takes at most 50 MB uploaded directly"
rm -f huge.zip
python3 -c "import json; w = json.load(open('full.json')); w['artifact'] = 'presign'; json.dump(w, open('both.json', 'w'))"
t_status "both artifact and zip_file" 1 "$VIDPIPE" debug resource lambda_function create both.json
t_contains "is refused" "$T_ERR" "give either artifact (a handler vidpipe builds) or zip_file (your own zip)"
python3 -c "import json; w = json.load(open('full.json')); w['environment']['AWS_REGION'] = 'x'; json.dump(w, open('reserved.json', 'w'))"
t_status "a reserved environment key, even past the validator" 1 "$VIDPIPE" debug resource lambda_function create reserved.json
t_contains "is refused" "$T_ERR" "environment key 'AWS_REGION': Lambda reserves this environment variable"
t_eq "boto3: nothing was created by the refusals" "[]" "$(boto lambda "print([f['FunctionName'] for f in c.list_functions()['Functions']])")"

# artifact: found through VIDPIPE_ARTIFACTS_DIR, and only there when it is set.
mkdir -p arts && mkzip arts/presign.zip "echo presign"
cat >art.json <<JSON
{"name": "vp-test-art", "artifact": "presign", "role": "$ROLE"}
JSON
t_status "artifact from VIDPIPE_ARTIFACTS_DIR" 0 env VIDPIPE_ARTIFACTS_DIR="$T_TMP/arts" "$VIDPIPE" debug resource lambda_function create art.json
t_contains "uploads that zip" "$T_OUT" "\"code_sha256\": \"$(sha arts/presign.zip)\""
t_status "an artifact that is not there" 1 env VIDPIPE_ARTIFACTS_DIR="$T_TMP/nowhere" "$VIDPIPE" debug resource lambda_function update vp-test-art art.json
t_contains "names where it looked" "$T_ERR" "artifact 'presign': no readable $T_TMP/nowhere/presign.zip (VIDPIPE_ARTIFACTS_DIR is set)"
mkdir -p build/handlers && mkzip build/handlers/presign.zip "echo built"
t_status "else build/handlers under the current directory" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_function update vp-test-art art.json
t_eq "whose code is uploaded" "$(sha build/handlers/presign.zip)" "$(fn vp-test-art "print(cfg['CodeSha256'])")"
rm -rf build
"$VIDPIPE" debug resource lambda_function delete vp-test-art >/dev/null

# ---- through a spec ----
mkzip app.zip "echo app v1"
cat >fn.yaml <<YAML
vidpipe: 1
stack: lt
region: us-east-1
tags:
  project: vidpipe
resources:
  worker:
    type: lambda_function
    name: vp-test-worker
    zip_file: app.zip
    role: $ROLE
    memory_size: 256
    timeout: 15
    environment:
      STAGE: dev
YAML
t_status "validate the spec" 0 "$VIDPIPE" validate fn.yaml
sed 's/      STAGE: dev/      STAGE: dev\n      AWS_REGION: eu-west-1/' fn.yaml >reserved.yaml
t_status "validate refuses a reserved environment key" 1 "$VIDPIPE" validate reserved.yaml
t_contains "with its file:line:col" "$T_ERR" "reserved.yaml:16:7: error: lambda_function.worker.environment: key 'AWS_REGION'"
t_contains "naming the key" "$T_ERR" "key 'AWS_REGION': Lambda reserves this environment variable"
sed 's/      STAGE: dev/      STAGE: dev\n      AWS_LAMBDA_FUNCTION_NAME: x\n      AWS_LAMBDA_EXEC_WRAPPER: \/opt\/w\n      TZ: Europe\/Paris/' fn.yaml >prefix.yaml
t_status "validate refuses an AWS_LAMBDA_ key" 1 "$VIDPIPE" validate prefix.yaml
t_contains "at its position" "$T_ERR" "prefix.yaml:16:7"
t_contains "but not AWS_LAMBDA_EXEC_WRAPPER (a wrapper script) or TZ, which Lambda allows" "$T_ERR" "1 error in prefix.yaml"
sed 's/name: vp-test-worker/name: "vp test worker"/' fn.yaml >badname.yaml
t_status "validate refuses a bad function name" 1 "$VIDPIPE" validate badname.yaml
t_contains "saying why" "$T_ERR" "a Lambda function name holds only letters, digits, '_' and '-'"
sed 's/    timeout: 15/    timeout: 15\n    source_code_hash: abc/' fn.yaml >hash.yaml
t_status "validate refuses a source_code_hash in the spec" 1 "$VIDPIPE" validate hash.yaml
t_contains "it is vidpipe's to fill in" "$T_ERR" "leave it out of the spec"
sed 's/    zip_file: app.zip/    zip_file: app.zip\n    artifact: presign/' fn.yaml >both.yaml
t_status "validate refuses both artifact and zip_file" 1 "$VIDPIPE" validate both.yaml
t_contains "at the resource's zip_file" "$T_ERR" "both.yaml:10:5: error: lambda_function.worker: give either artifact (a handler vidpipe builds) or zip_file"
sed '/    zip_file: app.zip/d' fn.yaml >nocode.yaml
t_status "validate refuses a function without code" 1 "$VIDPIPE" validate nocode.yaml
t_contains "naming the resource" "$T_ERR" "nocode.yaml:7:3: error: lambda_function.worker: the function has no code: give artifact"

t_status "plan from nothing" 2 "$VIDPIPE" plan fn.yaml --detailed-exitcode
t_contains "creates the function" "$T_OUT" "+ lambda_function.worker will be created"
t_status "apply" 0 "$VIDPIPE" apply fn.yaml --auto-approve
t_contains "creates it" "$T_OUT" "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
t_eq "boto3: runtime, memory, timeout, env" "provided.al2023 256 15 {'STAGE': 'dev'}" \
    "$(fn vp-test-worker "print(cfg['Runtime'], cfg['MemorySize'], cfg['Timeout'], cfg['Environment']['Variables'])")"
t_eq "boto3: CodeSha256 is the local zip's" "$(sha app.zip)" "$(fn vp-test-worker "print(cfg['CodeSha256'])")"
t_eq "boto3: the spec's default tags" "{'project': 'vidpipe'}" "$(boto lambda "print(c.list_tags(Resource='arn:aws:lambda:us-east-1:$ACCOUNT:function:vp-test-worker')['Tags'])")"
t_status "a second plan has no changes" 0 "$VIDPIPE" plan fn.yaml --detailed-exitcode
t_contains "and says so" "$T_OUT" "No changes."
t_status "a second apply" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply fn.yaml --auto-approve
t_eq "never uploads the unchanged zip" "" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//')"

mkzip app.zip "echo app v2"
t_status "a changed zip plans an update" 2 "$VIDPIPE" plan fn.yaml --detailed-exitcode
t_contains "of the function" "$T_OUT" "~ lambda_function.worker will be updated in place"
t_contains "showing the code's hash" "$T_OUT" "source_code_hash"
t_status "apply the new code" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply fn.yaml --auto-approve
t_eq "one UpdateFunctionCode" "UpdateFunctionCode" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3: CodeSha256 changed to the new zip's" "$(sha app.zip)" "$(fn vp-test-worker "print(cfg['CodeSha256'])")"
t_status "then no changes" 0 "$VIDPIPE" plan fn.yaml --detailed-exitcode

sed -i 's/      STAGE: dev/      STAGE: prod/' fn.yaml
t_status "an environment change plans an update" 2 "$VIDPIPE" plan fn.yaml --detailed-exitcode
t_contains "of environment.STAGE" "$T_OUT" "environment.STAGE"
t_status "apply it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply fn.yaml --auto-approve
t_eq "configuration only, no code" "UpdateFunctionConfiguration" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3 sees it" "{'STAGE': 'prod'}" "$(fn vp-test-worker "print(cfg['Environment']['Variables'])")"

# Code changed outside vidpipe is drift on source_code_hash, and the next apply puts the spec's zip back.
mkzip other.zip "echo other"
boto lambda "c.update_function_code(FunctionName='vp-test-worker', ZipFile=open('other.zip', 'rb').read())" >/dev/null
t_status "code uploaded outside vidpipe plans an update" 2 "$VIDPIPE" plan fn.yaml --detailed-exitcode
t_contains "of source_code_hash" "$T_OUT" "source_code_hash"
t_status "apply puts the spec's zip back" 0 "$VIDPIPE" apply fn.yaml --auto-approve
t_eq "boto3: the spec's code again" "$(sha app.zip)" "$(fn vp-test-worker "print(cfg['CodeSha256'])")"

rm app.zip
t_status "plan with the zip gone" 1 "$VIDPIPE" plan fn.yaml
t_contains "names the resource and the file" "$T_ERR" "lambda_function.worker: cannot read the function's zip 'app.zip'"
mkzip app.zip "echo app v2"
t_status "destroy" 0 "$VIDPIPE" destroy fn.yaml --auto-approve
t_eq "boto3: gone" "[]" "$(boto lambda "print([f['FunctionName'] for f in c.list_functions()['Functions']])")"
