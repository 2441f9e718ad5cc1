# 5000-drift: changes made behind vidpipe's back with boto3 (CORS removed, TTL disabled, a tag changed, a GSI
# deleted) make `drift` exit 2 and name each attribute; the next apply restores them (read back with boto3).
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
spec=$VP_ROOT/examples/storage.yaml
t_check "apply" "$VIDPIPE" apply "$spec" --var stack=d1 --auto-approve
t_status "no drift right after apply" 0 "$VIDPIPE" drift "$spec" --var stack=d1
t_contains "says so" "$T_OUT" "No drift"

boto s3 "c.delete_bucket_cors(Bucket='d1-vidpipe-uploads')
c.put_bucket_tagging(Bucket='d1-vidpipe-uploads', Tagging={'TagSet': [{'Key':'project','Value':'vidpipe'},{'Key':'stack','Value':'d1'},{'Key':'role','Value':'hacked'}]})"
boto dynamodb "c.update_time_to_live(TableName='d1-videos', TimeToLiveSpecification={'Enabled': False, 'AttributeName': 'expires_at'})
c.update_table(TableName='d1-videos', GlobalSecondaryIndexUpdates=[{'Delete': {'IndexName': 'by-status'}}])"

t_status "drift exits 2" 2 "$VIDPIPE" drift "$spec" --var stack=d1
t_contains "names the CORS rules" "$T_OUT" "cors_rules"
t_contains "names the changed tag" "$T_OUT" "tags.role"
t_contains "names the TTL" "$T_OUT" "ttl_attribute"
t_contains "names the index" "$T_OUT" "global_secondary_indexes"
t_status "drift --json exits 2 too" 2 "$VIDPIPE" drift "$spec" --var stack=d1 --json
t_eq "two resources drifted" "2 0" "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["drifted"], d["errors"])')"
t_status "plan shows the repair, marked as drift" 2 "$VIDPIPE" plan "$spec" --var stack=d1 --detailed-exitcode
t_contains "changed outside vidpipe" "$T_OUT" "(changed outside vidpipe)"
t_status "apply repairs" 0 "$VIDPIPE" apply "$spec" --var stack=d1 --auto-approve
t_eq "boto3: CORS back" "['http://localhost:8080']" "$(boto s3 "print(c.get_bucket_cors(Bucket='d1-vidpipe-uploads')['CORSRules'][0]['AllowedOrigins'])")"
t_eq "boto3: tag back" "uploads" "$(boto s3 "print({t['Key']:t['Value'] for t in c.get_bucket_tagging(Bucket='d1-vidpipe-uploads')['TagSet']}['role'])")"
t_eq "boto3: TTL back" "ENABLED" "$(boto dynamodb "print(c.describe_time_to_live(TableName='d1-videos')['TimeToLiveDescription']['TimeToLiveStatus'])")"
t_eq "boto3: index back" "by-status" "$(boto dynamodb "print(' '.join(g['IndexName'] for g in c.describe_table(TableName='d1-videos')['Table'].get('GlobalSecondaryIndexes', [])))")"
t_status "no drift after the repair" 0 "$VIDPIPE" drift "$spec" --var stack=d1

boto s3 "c.delete_bucket_lifecycle(Bucket='d1-vidpipe-uploads')
for o in []: pass"
boto dynamodb "c.delete_table(TableName='d1-videos')"
t_status "a resource deleted outside vidpipe is drift" 2 "$VIDPIPE" drift "$spec" --var stack=d1
t_contains "reported as deleted" "$T_OUT" "dynamodb_table.videos was deleted outside vidpipe"
t_status "and apply re-creates it" 0 "$VIDPIPE" apply "$spec" --var stack=d1 --auto-approve
t_eq "boto3: the table is back" "ACTIVE" "$(boto dynamodb "print(c.describe_table(TableName='d1-videos')['Table']['TableStatus'])")"

# A read that fails is an error for that resource, never "no drift".
t_status "drift against a dead endpoint exits 1" 1 env AWS_ENDPOINT_URL=http://127.0.0.1:1 AWS_MAX_ATTEMPTS=1 "$VIDPIPE" drift "$spec" --var stack=d1
t_contains "naming what could not be read" "$T_OUT" "could not be read"
