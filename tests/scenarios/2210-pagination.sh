# 2210-pagination: list calls walk every page (JSON tokens, REST-JSON query tokens, S3 continuation tokens),
# compared with what boto3 created.
. tests/lib.sh
moto_start
python3 -c "
import boto3
d = boto3.client('dynamodb', endpoint_url='$MOTO_URL', region_name='us-east-1')
for i in range(23):
    d.create_table(TableName='vp-t%02d' % i, BillingMode='PAY_PER_REQUEST',
                   AttributeDefinitions=[{'AttributeName':'k','AttributeType':'S'}], KeySchema=[{'AttributeName':'k','KeyType':'HASH'}])
e = boto3.client('events', endpoint_url='$MOTO_URL', region_name='us-east-1')
for i in range(12):
    e.put_rule(Name='vp-r%02d' % i, ScheduleExpression='rate(1 day)')
s = boto3.client('s3', endpoint_url='$MOTO_URL', region_name='us-east-1')
s.create_bucket(Bucket='vp-pages')
for i in range(7):
    s.put_object(Bucket='vp-pages', Key='k%d' % i, Body=b'x')
"
t_status "dynamodb ListTables, 5 a page" 0 "$VIDPIPE" debug call dynamodb ListTables '{"Limit":5}' --all-pages
t_eq "all 23 tables, in order" "$(printf 'vp-t%02d ' $(seq 0 22))" "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["TableNames"]), end=" ")')"
t_contains "in 5 pages" "$T_ERR" "5 pages"
t_status "eventbridge ListRules, 5 a page" 0 "$VIDPIPE" debug call eventbridge ListRules '{"Limit":5}' --all-pages
t_eq "all 12 rules" "12" "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Rules"]))')"
t_status "s3 ListObjectsV2, 2 a page" 0 "$VIDPIPE" debug call s3 ListObjectsV2 --bucket vp-pages --query list-type=2 --query max-keys=2 --all-pages
t_eq "all 7 keys" "7" "$(printf '%s' "$T_OUT" | grep -o '<Key>' | wc -l | tr -d ' ')"
t_contains "in 4 pages" "$T_ERR" "4 pages"

# Between tests the emulator is reset, and nothing of this test is left.
moto_reset
t_status "after a reset" 0 "$VIDPIPE" debug call dynamodb ListTables
t_contains "no table is left" "$T_OUT" '"TableNames": []'
