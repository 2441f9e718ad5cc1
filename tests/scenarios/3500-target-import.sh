# 3500-target-import: --target limits a run to a resource and what it depends on; import adopts a resource
# that already exists, and a resource that exists but is not in state is never silently taken over.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
cat >spec.yaml <<'YAML'
vidpipe: 1
stack: g1
region: us-east-1
resources:
  uploads:
    type: s3_bucket
    name: g1-uploads-bucket
  outputs_bucket:
    type: s3_bucket
    name: g1-outputs-bucket
  videos:
    type: dynamodb_table
    name: g1-videos
    hash_key: user_id
    attributes: {user_id: S}
    tags: {source: "${uploads.name}"}
YAML
t_status "plan --target videos" 2 "$VIDPIPE" plan spec.yaml --target dynamodb_table.videos --detailed-exitcode
t_contains "includes what it depends on" "$T_OUT" "+ s3_bucket.uploads"
t_lacks "but nothing else" "$T_OUT" "outputs_bucket"
t_check "apply --target videos" "$VIDPIPE" apply spec.yaml --target videos --auto-approve
t_eq "boto3: only the target and its dependency exist" "g1-uploads-bucket" "$(boto s3 "print(' '.join(b['Name'] for b in c.list_buckets()['Buckets']))")"
t_eq "the reference resolved into the tag" "g1-uploads-bucket" "$(boto dynamodb "arn=c.describe_table(TableName='g1-videos')['Table']['TableArn']; print({t['Key']:t['Value'] for t in c.list_tags_of_resource(ResourceArn=arn)['Tags']}['source'])")"
t_status "an unknown target is an error" 1 "$VIDPIPE" plan spec.yaml --target s3_bucket.nope

boto s3 "c.create_bucket(Bucket='g1-outputs-bucket')"
t_status "an existing bucket not in state is not taken over" 1 "$VIDPIPE" plan spec.yaml
t_contains "the error says how to import it" "$T_ERR" "vidpipe import s3_bucket.outputs_bucket g1-outputs-bucket"
t_status "import it" 0 "$VIDPIPE" import s3_bucket.outputs_bucket g1-outputs-bucket spec.yaml
t_contains "confirms" "$T_OUT" "Imported s3_bucket.outputs_bucket"
t_status "now the plan converges it" 0 "$VIDPIPE" apply spec.yaml --auto-approve
t_status "and nothing is left to do" 0 "$VIDPIPE" plan spec.yaml --detailed-exitcode
t_status "state rm forgets it" 0 "$VIDPIPE" state rm s3_bucket.outputs_bucket spec.yaml
t_eq "boto3: still there" "1" "$(boto s3 "print(sum(b['Name']=='g1-outputs-bucket' for b in c.list_buckets()['Buckets']))")"
t_status "import of a missing id" 1 "$VIDPIPE" import s3_bucket.outputs_bucket no-such-bucket-xyz spec.yaml
t_contains "says so" "$T_ERR" "no s3_bucket with id 'no-such-bucket-xyz'"
