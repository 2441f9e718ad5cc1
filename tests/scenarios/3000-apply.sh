# 3000-apply: the storage example applied from nothing against moto creates both resources as the spec says
# (read back with boto3); a second plan has nothing to do; outputs, show and state list report the stack.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
spec=$VP_ROOT/examples/storage.yaml

t_status "plan from nothing has changes (--detailed-exitcode 2)" 2 "$VIDPIPE" plan "$spec" --var stack=t1 --detailed-exitcode
t_contains "it creates the bucket" "$T_OUT" "+ s3_bucket.uploads will be created"
t_contains "and the table" "$T_OUT" "+ dynamodb_table.videos will be created"
t_contains "with a summary" "$T_OUT" "Plan: 2 to add, 0 to change, 0 to destroy."
t_status "apply from nothing" 0 "$VIDPIPE" apply "$spec" --var stack=t1 --auto-approve
t_contains "reports each operation with its time" "$T_OUT" "s3_bucket.uploads: creation complete after"
t_contains "and the total" "$T_OUT" "Apply complete! Resources: 2 added, 0 changed, 0 destroyed."

t_eq "boto3: the bucket's CORS" "['http://localhost:8080'] ['PUT'] 3000" \
    "$(boto s3 "r = c.get_bucket_cors(Bucket='t1-vidpipe-uploads')['CORSRules'][0]; print(r['AllowedOrigins'], r['AllowedMethods'], r['MaxAgeSeconds'])")"
t_eq "boto3: default tags merged with the bucket's" "project=vidpipe role=uploads stack=t1" \
    "$(boto s3 "print(' '.join(sorted(t['Key']+'='+t['Value'] for t in c.get_bucket_tagging(Bucket='t1-vidpipe-uploads')['TagSet'])))")"
t_eq "boto3: lifecycle rules" "abort-incomplete-uploads expire-raw-uploads:30" \
    "$(boto s3 "rs = c.get_bucket_lifecycle_configuration(Bucket='t1-vidpipe-uploads')['Rules']; print(' '.join(sorted(r['ID'] + (':%d' % r['Expiration']['Days'] if 'Expiration' in r else '') for r in rs)))")"
t_eq "boto3: the table's keys and index" "user_id:HASH video_id:RANGE by-status" \
    "$(boto dynamodb "t = c.describe_table(TableName='t1-videos')['Table']; print(' '.join(k['AttributeName']+':'+k['KeyType'] for k in t['KeySchema']), ' '.join(g['IndexName'] for g in t['GlobalSecondaryIndexes']))")"
t_eq "boto3: TTL on expires_at" "ENABLED expires_at" \
    "$(boto dynamodb "d = c.describe_time_to_live(TableName='t1-videos')['TimeToLiveDescription']; print(d['TimeToLiveStatus'], d['AttributeName'])")"
t_eq "boto3: point-in-time recovery" "ENABLED" \
    "$(boto dynamodb "print(c.describe_continuous_backups(TableName='t1-videos')['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']['PointInTimeRecoveryStatus'])")"

t_status "a second plan has nothing to do (--detailed-exitcode 0)" 0 "$VIDPIPE" plan "$spec" --var stack=t1 --detailed-exitcode
t_contains "and says so" "$T_OUT" "No changes."
t_status "plan --json" 0 "$VIDPIPE" plan "$spec" --var stack=t1 --json
t_eq "summarises no change" '{"add": 0, "change": 0, "destroy": 0}' "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["summary"], sort_keys=True))')"
t_status "a second apply changes nothing" 0 "$VIDPIPE" apply "$spec" --var stack=t1 --auto-approve
t_contains "and says so" "$T_OUT" "Resources: 0 added, 0 changed, 0 destroyed."

t_status "output NAME" 0 "$VIDPIPE" output uploads_bucket "$spec" --var stack=t1
t_eq "prints the bucket name" "t1-vidpipe-uploads" "$T_OUT"
t_status "output --json" 0 "$VIDPIPE" output --json "$spec" --var stack=t1
t_contains "holds the table ARN" "$T_OUT" "arn:aws:dynamodb:us-east-1:123456789012:table/t1-videos"
t_status "state list" 0 "$VIDPIPE" state list "$spec" --var stack=t1
t_eq "lists both addresses" "dynamodb_table.videos s3_bucket.uploads" "$(printf '%s' "$T_OUT" | sort | tr '\n' ' ' | sed 's/ $//')"
t_status "show --json" 0 "$VIDPIPE" show --json --state state/t1.json
t_eq "the state file is where the stack's name says" "2" "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["resources"]))')"
t_lacks "the state holds no credential" "$(cat state/t1.json)" "$AWS_SECRET_ACCESS_KEY"
t_status "apply without --auto-approve and no terminal refuses, never waits" 1 "$VIDPIPE" apply "$spec" --var stack=t1 --var app_origin=https://x.example.com </dev/null
t_contains "telling how" "$T_ERR" "pass --auto-approve"
