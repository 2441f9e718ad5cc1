# 5100-destroy: destroy leaves nothing of the stack (listed with boto3), refuses a bucket with objects
# unless force_destroy, and leaves other stacks alone.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
spec=$VP_ROOT/examples/storage.yaml
t_check "apply stack x1" "$VIDPIPE" apply "$spec" --var stack=x1 --auto-approve
t_check "apply stack x2 beside it" "$VIDPIPE" apply "$spec" --var stack=x2 --auto-approve
boto s3 "c.put_object(Bucket='x1-vidpipe-uploads', Key='uploads/u1/v1.mp4', Body=b'video')"
t_status "destroy refuses a bucket that holds objects" 1 "$VIDPIPE" destroy "$spec" --var stack=x1 --auto-approve
t_contains "with a clear error" "$T_ERR" "bucket 'x1-vidpipe-uploads' is not empty"
t_contains "that says how to go on" "$T_ERR" "force_destroy: true"
t_eq "the bucket is still in state; the table, which did not depend on it, is destroyed" "s3_bucket.uploads" "$("$VIDPIPE" state list "$spec" --var stack=x1)"
t_eq "boto3: the object is still there" "1" "$(boto s3 "print(c.list_objects_v2(Bucket='x1-vidpipe-uploads')['KeyCount'])")"
boto s3 "c.delete_object(Bucket='x1-vidpipe-uploads', Key='uploads/u1/v1.mp4')"
t_status "destroy (plan shows it first)" 0 "$VIDPIPE" destroy "$spec" --var stack=x1 --auto-approve
t_contains "each resource is shown" "$T_OUT" "- s3_bucket.uploads will be destroyed"
t_contains "and destroyed" "$T_OUT" "Destroy complete! Resources: 1 destroyed."
t_eq "boto3: no bucket of x1 left" "x2-vidpipe-uploads" "$(boto s3 "print(' '.join(b['Name'] for b in c.list_buckets()['Buckets']))")"
t_eq "boto3: no table of x1 left" "x2-videos" "$(boto dynamodb "print(' '.join(c.list_tables()['TableNames']))")"
t_eq "the state is empty" "" "$("$VIDPIPE" state list "$spec" --var stack=x1)"
t_status "x2 has no drift" 0 "$VIDPIPE" drift "$spec" --var stack=x2
t_status "destroy again has nothing to do" 0 "$VIDPIPE" destroy "$spec" --var stack=x1 --auto-approve

# force_destroy: the spec lets destroy empty the bucket first (every version, too).
cat >force.yaml <<'YAML'
vidpipe: 1
stack: x3
region: us-east-1
resources:
  scratch:
    type: s3_bucket
    name: x3-scratch-bucket
    versioning: true
    force_destroy: true
YAML
t_check "apply a bucket with force_destroy" "$VIDPIPE" apply force.yaml --auto-approve
boto s3 "c.put_object(Bucket='x3-scratch-bucket', Key='a', Body=b'1'); c.put_object(Bucket='x3-scratch-bucket', Key='a', Body=b'2')"
t_status "destroy empties and deletes it" 0 "$VIDPIPE" destroy force.yaml --auto-approve
t_eq "boto3: it is gone" "x2-vidpipe-uploads" "$(boto s3 "print(' '.join(b['Name'] for b in c.list_buckets()['Buckets']))")"
