# 3300-saved-plan: `plan --out` then `apply PLANFILE` applies exactly that plan; a saved plan is refused when
# the state moved (another apply), when a live resource moved (a boto3 change), or when the spec changed.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
cp "$VP_ROOT/examples/storage.yaml" spec.yaml
t_status "plan --out from nothing" 0 "$VIDPIPE" plan spec.yaml --var stack=p1 --out p1.plan
t_contains "says how to apply it" "$T_OUT" "vidpipe apply p1.plan"
t_status "apply the saved plan" 0 "$VIDPIPE" apply p1.plan
t_contains "created both" "$T_OUT" "2 added"
t_eq "boto3: the table exists" "p1-videos" "$(boto dynamodb "print(' '.join(c.list_tables()['TableNames']))")"

t_check "a plan saved now" "$VIDPIPE" plan spec.yaml --var stack=p1 --var app_origin=https://one.example.com --out one.plan
t_check "then another apply moves the state" "$VIDPIPE" apply spec.yaml --var stack=p1 --var app_origin=https://two.example.com --auto-approve
t_status "the saved plan is refused as stale" 1 "$VIDPIPE" apply one.plan
t_contains "because the state changed" "$T_ERR" "saved plan is stale: the state changed"
t_eq "boto3: nothing of the stale plan was applied" "['https://two.example.com']" "$(boto s3 "print(c.get_bucket_cors(Bucket='p1-vidpipe-uploads')['CORSRules'][0]['AllowedOrigins'])")"

t_check "a plan saved now" "$VIDPIPE" plan spec.yaml --var stack=p1 --var app_origin=https://three.example.com --out three.plan
boto dynamodb "c.update_time_to_live(TableName='p1-videos', TimeToLiveSpecification={'Enabled': False, 'AttributeName': 'expires_at'})"
t_status "a live change since the plan refuses it" 1 "$VIDPIPE" apply three.plan
t_contains "naming the resource" "$T_ERR" "dynamodb_table.videos changed in AWS since the plan was made"

t_check "a plan saved now" "$VIDPIPE" plan spec.yaml --var stack=p1 --out four.plan
echo "# an edit" >>spec.yaml
t_status "an edited spec refuses it" 1 "$VIDPIPE" apply four.plan
t_contains "naming the spec" "$T_ERR" "spec.yaml' changed since the plan was made"
t_status "a saved plan takes no --var" 1 "$VIDPIPE" apply four.plan --var stack=p2
t_status "a file that is not a plan nor a spec" 1 "$VIDPIPE" apply /dev/null
