# 3100-replace-remove: a change to a replace-only attribute shows -/+ and replaces; an in-place change shows ~
# and updates; removing a resource from the spec shows - and destroys it (each read back with boto3).
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
write_spec() {  # write_spec RANGE_KEY EXTRA_RESOURCE(yes/no) TAG
    cat >spec.yaml <<YAML
vidpipe: 1
stack: r1
region: us-east-1
resources:
  videos:
    type: dynamodb_table
    name: r1-videos
    hash_key: user_id
    range_key: $1
    attributes: {user_id: S, $1: S}
    tags: {tier: "$3"}
YAML
    if [ "$2" = yes ]; then
        cat >>spec.yaml <<YAML
  scratch:
    type: s3_bucket
    name: r1-scratch-bucket
YAML
    fi
}
write_spec video_id yes gold
t_check "apply the first version" "$VIDPIPE" apply spec.yaml --auto-approve

write_spec video_id yes silver
t_status "an in-place change plans ~" 2 "$VIDPIPE" plan spec.yaml --detailed-exitcode
t_contains "as an update" "$T_OUT" "~ dynamodb_table.videos will be updated in place"
t_contains "of the tag" "$T_OUT" 'tags.tier'
t_check "apply it" "$VIDPIPE" apply spec.yaml --auto-approve
t_eq "boto3: the tag changed in place" "silver" "$(boto dynamodb "arn=c.describe_table(TableName='r1-videos')['Table']['TableArn']; print({t['Key']:t['Value'] for t in c.list_tags_of_resource(ResourceArn=arn)['Tags']}['tier'])")"

write_spec created_at yes silver
t_status "a new range key plans -/+" 2 "$VIDPIPE" plan spec.yaml --detailed-exitcode
t_contains "as a replacement" "$T_OUT" "-/+ dynamodb_table.videos must be replaced"
t_contains "saying which attribute forces it" "$T_OUT" "# forces replacement"
t_status "plan --json says delete then create" 2 "$VIDPIPE" plan spec.yaml --json --detailed-exitcode
t_eq "actions" '["delete", "create"]' "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(json.dumps([c["actions"] for c in json.load(sys.stdin)["changes"] if c["address"]=="dynamodb_table.videos"][0]))')"
t_check "apply the replacement" "$VIDPIPE" apply spec.yaml --auto-approve
t_eq "boto3: the table has the new key" "created_at" "$(boto dynamodb "print([k['AttributeName'] for k in c.describe_table(TableName='r1-videos')['Table']['KeySchema'] if k['KeyType']=='RANGE'][0])")"

write_spec created_at no silver
t_status "a resource gone from the spec plans -" 2 "$VIDPIPE" plan spec.yaml --detailed-exitcode
t_contains "as a destroy" "$T_OUT" "- s3_bucket.scratch will be destroyed"
t_check "apply destroys it" "$VIDPIPE" apply spec.yaml --auto-approve
t_eq "boto3: the bucket is gone" "[]" "$(boto s3 "print([b['Name'] for b in c.list_buckets()['Buckets']])")"
t_eq "and so is its record" "dynamodb_table.videos" "$("$VIDPIPE" state list spec.yaml)"
t_status "nothing left to do" 0 "$VIDPIPE" plan spec.yaml --detailed-exitcode
