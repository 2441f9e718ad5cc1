# 3800-sensitive: a sensitive variable's value is applied to AWS but never printed (plan, apply, drift, JSON
# output) and never written to state, where a digest stands in; plans and drift still compare correctly.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
secret='s3cr3t-Token-value-42'
cat >spec.yaml <<'YAML'
vidpipe: 1
stack: sens
region: us-east-1
variables:
  api_token:
    type: string
    sensitive: true
resources:
  media:
    type: s3_bucket
    name: sens-media-bucket
    tags:
      token: ${var.api_token}
      note: "Bearer ${var.api_token}"
outputs:
  bucket: ${media.name}
  header: "Bearer ${var.api_token}"
  private:
    value: ${media.name}-private
    sensitive: true
YAML
t_status "plan with a sensitive variable" 2 "$VIDPIPE" plan spec.yaml --var "api_token=$secret" --detailed-exitcode
t_lacks "the plan never shows it" "$T_OUT$T_ERR" "$secret"
t_contains "it shows (sensitive) instead" "$T_OUT" "(sensitive)"
t_status "plan --json" 2 "$VIDPIPE" plan spec.yaml --var "api_token=$secret" --json --detailed-exitcode
t_lacks "nor does its JSON" "$T_OUT" "$secret"
t_status "apply" 0 "$VIDPIPE" apply spec.yaml --var "api_token=$secret" --auto-approve
t_lacks "nor does apply" "$T_OUT$T_ERR" "$secret"
t_eq "boto3: AWS has the real value" "Bearer $secret $secret" \
    "$(boto s3 "t = {x['Key']: x['Value'] for x in c.get_bucket_tagging(Bucket='sens-media-bucket')['TagSet']}; print(t['note'], t['token'])")"
t_lacks "the state never holds it" "$(cat state/sens.json state/sens.json.backup 2>/dev/null)" "$secret"
t_contains "a digest stands in" "$(cat state/sens.json)" '"token": "sha256:'
t_contains "an output holding the secret is shown as (sensitive)" "$T_OUT" "header = (sensitive)"
t_contains "so is an output marked sensitive" "$T_OUT" "private = (sensitive)"
t_contains "others as they are" "$T_OUT" 'bucket = "sens-media-bucket"'
t_lacks "a sensitive output's value is not in state either" "$(cat state/sens.json)" "sens-media-bucket-private"
t_status "output NAME of a sensitive output" 0 "$VIDPIPE" output private spec.yaml --var "api_token=$secret"
t_eq "says (sensitive)" "(sensitive)" "$T_OUT"
t_status "a second plan sees through the digest: no changes" 0 "$VIDPIPE" plan spec.yaml --var "api_token=$secret" --detailed-exitcode
t_status "no drift either" 0 "$VIDPIPE" drift spec.yaml --var "api_token=$secret"
t_status "a new value is a change" 2 "$VIDPIPE" plan spec.yaml --var "api_token=other-$secret" --detailed-exitcode
t_lacks "still not shown" "$T_OUT" "other-$secret"
boto s3 "c.put_bucket_tagging(Bucket='sens-media-bucket', Tagging={'TagSet': [{'Key': 'token', 'Value': 'changed-by-hand'}, {'Key': 'note', 'Value': 'Bearer $secret'}]})"
t_status "drift on the secret's attribute is found" 2 "$VIDPIPE" drift spec.yaml --var "api_token=$secret" --json
t_contains "and named" "$T_OUT" '"tags.token"'
t_lacks "without showing the live secret-bearing values" "$T_OUT" "$secret"
t_status "apply repairs it" 0 "$VIDPIPE" apply spec.yaml --var "api_token=$secret" --auto-approve
t_eq "boto3: repaired" "$secret" \
    "$(boto s3 "print({x['Key']: x['Value'] for x in c.get_bucket_tagging(Bucket='sens-media-bucket')['TagSet']}['token'])")"
