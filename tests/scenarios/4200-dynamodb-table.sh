# 4200-dynamodb-table: the dynamodb_table provider against moto through `vidpipe debug resource`: a table
# created with every setting, read back by boto3 and by vidpipe in exactly want's shape; updates that add,
# remove and redefine indexes one UpdateTable at a time; deletion protection blocking delete; missing tables
# reading as null and deleting as success. moto makes tables ACTIVE at once, so the waiters are tested
# against a small fake DynamoDB that answers CREATING for a while (or forever).
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
T=vp-test-videos

# vp_same WANT LIVE: "same" when LIVE holds exactly WANT's attributes (computed ones aside), else the differences.
vp_same() {
    python3 - "$1" "$2" <<'PY'
import json, sys
want, live = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).read())
for k in ("arn", "stream_arn"):
    want.pop(k, None); live.pop(k, None)
diff = sorted(k for k in set(want) | set(live) if want.get(k) != live.get(k))
print("same" if not diff else "; ".join("%s: want %s, live %s" % (k, json.dumps(want.get(k)), json.dumps(live.get(k))) for k in diff))
PY
}
ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }
# edit IN OUT PYTHON: OUT is IN's JSON (as w) after PYTHON ran on it.
edit() { python3 -c "import json; w = json.load(open('$1')); $3; json.dump(w, open('$2', 'w'))"; }

cat >"$T_TMP/full.json" <<JSON
{"name": "$T", "hash_key": "user_id", "range_key": "video_id",
 "attributes": {"user_id": "S", "video_id": "S", "status": "S", "created_at": "N"},
 "billing_mode": "PAY_PER_REQUEST",
 "global_secondary_indexes": [
   {"name": "by_status", "hash_key": "status", "range_key": "created_at", "projection_type": "INCLUDE",
    "non_key_attributes": ["title", "duration"]}],
 "ttl_attribute": "expires_at", "point_in_time_recovery": true, "deletion_protection": true,
 "tags": {"env": "dev", "app": "vidpipe"}}
JSON
t_status "create a table with every setting" 0 "$VIDPIPE" debug resource dynamodb_table create "$T_TMP/full.json"
printf '%s\n' "$T_OUT" >"$T_TMP/created.json"
t_eq "create returns the table in want's shape" "same" "$(vp_same "$T_TMP/full.json" "$T_TMP/created.json")"
t_contains "with its ARN" "$T_OUT" "\"arn\": \"arn:aws:dynamodb:us-east-1:123456789012:table/$T\""
t_status "read the table" 0 "$VIDPIPE" debug resource dynamodb_table read "$T"
printf '%s\n' "$T_OUT" >"$T_TMP/read.json"
t_eq "read after create equals want (a plan would show no change)" "same" "$(vp_same "$T_TMP/full.json" "$T_TMP/read.json")"

t_eq "boto3 reads the keys and billing" "user_id:HASH video_id:RANGE PAY_PER_REQUEST" \
    "$(boto dynamodb "t = c.describe_table(TableName='$T')['Table']
print(' '.join(k['AttributeName'] + ':' + k['KeyType'] for k in t['KeySchema']), t['BillingModeSummary']['BillingMode'])")"
t_eq "boto3 reads the index" "by_status status:HASH created_at:RANGE INCLUDE ['title', 'duration']" \
    "$(boto dynamodb "g = c.describe_table(TableName='$T')['Table']['GlobalSecondaryIndexes'][0]
print(g['IndexName'], ' '.join(k['AttributeName'] + ':' + k['KeyType'] for k in g['KeySchema']), g['Projection']['ProjectionType'], g['Projection']['NonKeyAttributes'])")"
t_eq "boto3 reads TTL" "ENABLED expires_at" \
    "$(boto dynamodb "d = c.describe_time_to_live(TableName='$T')['TimeToLiveDescription']; print(d['TimeToLiveStatus'], d['AttributeName'])")"
t_eq "boto3 reads point-in-time recovery" "ENABLED" \
    "$(boto dynamodb "print(c.describe_continuous_backups(TableName='$T')['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']['PointInTimeRecoveryStatus'])")"
t_eq "boto3 reads deletion protection" "True" "$(boto dynamodb "print(c.describe_table(TableName='$T')['Table']['DeletionProtectionEnabled'])")"
ARN="arn:aws:dynamodb:us-east-1:123456789012:table/$T"
# moto's TagResource appends a duplicate key instead of replacing it (real DynamoDB replaces): the last wins.
tags() { boto dynamodb "print(dict(sorted((t['Key'], t['Value']) for t in c.list_tags_of_resource(ResourceArn='$ARN')['Tags'])))"; }
t_eq "boto3 reads the tags" "{'app': 'vidpipe', 'env': 'dev'}" "$(tags)"

# Deletion protection blocks delete until an update turns it off.
t_status "delete refuses a protected table" 1 "$VIDPIPE" debug resource dynamodb_table delete "$T"
t_contains "and says what to do" "$T_ERR" "table '$T' has deletion_protection on; set deletion_protection: false and apply before destroying"
t_eq "boto3: the table is still there" "ACTIVE" "$(boto dynamodb "print(c.describe_table(TableName='$T')['Table']['TableStatus'])")"

# Update 1: add an index (its key attribute declared), change tags, TTL attribute, PITR off, protection off.
edit "$T_TMP/full.json" "$T_TMP/u1.json" "
w['attributes']['owner_id'] = 'S'
w['global_secondary_indexes'].append({'name': 'by_owner', 'hash_key': 'owner_id', 'projection_type': 'KEYS_ONLY', 'non_key_attributes': []})
w['tags'] = {'env': 'prod', 'team': 'media'}
w['ttl_attribute'] = 'purge_at'
w['point_in_time_recovery'] = False
w['deletion_protection'] = False"
t_status "update: add an index and change the rest" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource dynamodb_table update "$T" "$T_TMP/u1.json"
printf '%s\n' "$T_OUT" >"$T_TMP/u1.out"
printf '%s\n' "$T_ERR" >"$T_TMP/u1.log"
t_eq "update returns want" "same" "$(vp_same "$T_TMP/u1.json" "$T_TMP/u1.out")"
t_eq "the calls that change things" "UpdateTable UpdateTable UpdateTimeToLive UpdateTimeToLive UpdateContinuousBackups UntagResource TagResource" \
    "$(ops "$T_TMP/u1.log" | grep -v '^Describe\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3 sees both indexes" "['by_owner', 'by_status']" \
    "$(boto dynamodb "print(sorted(g['IndexName'] for g in c.describe_table(TableName='$T')['Table']['GlobalSecondaryIndexes']))")"
t_eq "boto3 sees the new TTL attribute" "ENABLED purge_at" \
    "$(boto dynamodb "d = c.describe_time_to_live(TableName='$T')['TimeToLiveDescription']; print(d['TimeToLiveStatus'], d['AttributeName'])")"
t_eq "boto3 sees PITR off" "DISABLED" \
    "$(boto dynamodb "print(c.describe_continuous_backups(TableName='$T')['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']['PointInTimeRecoveryStatus'])")"
t_eq "boto3 sees the new tags" "{'env': 'prod', 'team': 'media'}" "$(tags)"
t_status "a repeated update changes nothing" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource dynamodb_table update "$T" "$T_TMP/u1.json"
printf '%s\n' "$T_ERR" >"$T_TMP/noop.log"
t_eq "no write call" "" "$(ops "$T_TMP/noop.log" | grep -v '^Describe\|^List')"

# Update 2: remove one index, redefine the other (removed, then added again), and go PROVISIONED.
edit "$T_TMP/u1.json" "$T_TMP/u2.json" "
del w['attributes']['owner_id'], w['attributes']['created_at']
w['global_secondary_indexes'] = [{'name': 'by_status', 'hash_key': 'status', 'projection_type': 'ALL', 'non_key_attributes': [], 'read_capacity': 2, 'write_capacity': 1}]
w['billing_mode'] = 'PROVISIONED'; w['read_capacity'] = 5; w['write_capacity'] = 3"
t_status "update: remove one index, redefine one, switch billing" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource dynamodb_table update "$T" "$T_TMP/u2.json"
printf '%s\n' "$T_OUT" >"$T_TMP/u2.out"
printf '%s\n' "$T_ERR" >"$T_TMP/u2.log"
t_eq "update returns want" "same" "$(vp_same "$T_TMP/u2.json" "$T_TMP/u2.out")"
t_eq "one UpdateTable per index change, removals first: 2 removals, billing, 1 addition" "4" \
    "$(ops "$T_TMP/u2.log" | grep -c '^UpdateTable$')"
t_eq "boto3 sees the one index, redefined" "by_status ALL ['status'] 2 1" \
    "$(boto dynamodb "g = c.describe_table(TableName='$T')['Table']['GlobalSecondaryIndexes']
print(' '.join(x['IndexName'] for x in g), g[0]['Projection']['ProjectionType'], [k['AttributeName'] for k in g[0]['KeySchema']], g[0]['ProvisionedThroughput']['ReadCapacityUnits'], g[0]['ProvisionedThroughput']['WriteCapacityUnits'])")"
t_eq "boto3 sees provisioned billing" "PROVISIONED 5 3" \
    "$(boto dynamodb "t = c.describe_table(TableName='$T')['Table']
print(t['BillingModeSummary']['BillingMode'], t['ProvisionedThroughput']['ReadCapacityUnits'], t['ProvisionedThroughput']['WriteCapacityUnits'])")"
t_status "read after the updates" 0 "$VIDPIPE" debug resource dynamodb_table read "$T"
printf '%s\n' "$T_OUT" >"$T_TMP/read2.json"
t_eq "equals want" "same" "$(vp_same "$T_TMP/u2.json" "$T_TMP/read2.json")"

# Unprotected now: delete works, twice.
t_status "delete the table" 0 "$VIDPIPE" debug resource dynamodb_table delete "$T"
t_eq "boto3: gone" "[]" "$(boto dynamodb "print(c.list_tables()['TableNames'])")"
t_status "read of a missing table" 0 "$VIDPIPE" debug resource dynamodb_table read "$T"
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing table succeeds" 0 "$VIDPIPE" debug resource dynamodb_table delete "$T"

# Defaults: a table given only its keys.
cat >"$T_TMP/minimal.json" <<JSON
{"name": "vp-test-min", "hash_key": "id", "attributes": {"id": "S"}}
JSON
t_status "create a table given only its key" 0 "$VIDPIPE" debug resource dynamodb_table create "$T_TMP/minimal.json"
printf '%s\n' "$T_OUT" >"$T_TMP/min.out"
t_eq "reads as the defaults" "same" "$(vp_same <(python3 -c "import json; print(json.dumps(dict(json.load(open('$T_TMP/minimal.json')),
    billing_mode='PAY_PER_REQUEST', global_secondary_indexes=[], point_in_time_recovery=False, deletion_protection=False, tags={})))") "$T_TMP/min.out")"

# Adoption: a table that already exists (a rerun after a crash mid-create) is converged, not refused.
edit "$T_TMP/minimal.json" "$T_TMP/adopt.json" "w['tags'] = {'adopted': 'yes'}; w['point_in_time_recovery'] = True"
t_status "create over an existing table of that name adopts it" 0 "$VIDPIPE" debug resource dynamodb_table create "$T_TMP/adopt.json"
t_eq "boto3: converged to want" "{'adopted': 'yes'} ENABLED" \
    "$(boto dynamodb "print(dict((t['Key'], t['Value']) for t in c.list_tags_of_resource(ResourceArn='arn:aws:dynamodb:us-east-1:123456789012:table/vp-test-min')['Tags']),
c.describe_continuous_backups(TableName='vp-test-min')['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']['PointInTimeRecoveryStatus'])")"
edit "$T_TMP/minimal.json" "$T_TMP/otherkey.json" "w['hash_key'] = 'pk'; w['attributes'] = {'pk': 'N'}"
t_status "but not when its keys differ" 1 "$VIDPIPE" debug resource dynamodb_table create "$T_TMP/otherkey.json"
t_contains "which it says" "$T_ERR" "table 'vp-test-min' exists with keys (id), the spec wants (pk)"

# Waiters, on a fake DynamoDB whose tables stay CREATING for a number of DescribeTable calls (-1: forever).
cat >"$T_TMP/fake_ddb.py" <<'PY'
import http.server, json, sys
creating = int(sys.argv[1]); calls = {"DescribeTable": 0}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        op = self.headers.get("X-Amz-Target", "").split(".")[-1]
        calls[op] = calls.get(op, 0) + 1
        table = {"TableName": body.get("TableName"), "TableStatus": "ACTIVE", "TableArn": "arn:aws:dynamodb:us-east-1:1:table/t",
                 "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                 "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}}
        if op == "DescribeTable" and (creating < 0 or calls[op] <= creating):
            table["TableStatus"] = "CREATING"
        out = {"CreateTable": {"TableDescription": table}, "DescribeTable": {"Table": table},
               "DescribeTimeToLive": {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}},
               "DescribeContinuousBackups": {"ContinuousBackupsDescription": {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}},
               "ListTagsOfResource": {"Tags": []}}.get(op, {})
        data = json.dumps(out).encode()
        self.send_response(200); self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
s = http.server.HTTPServer(("127.0.0.1", 0), H); print(s.server_address[1], flush=True); s.serve_forever()
PY
fake_start() {
    t_bg python3 "$T_TMP/fake_ddb.py" "$1" >"$T_TMP/fake.port"
    local tries=100
    while [ ! -s "$T_TMP/fake.port" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
    FAKE_URL="http://127.0.0.1:$(head -n 1 "$T_TMP/fake.port")"
}
fake_start 5
t_status "create waits while the table is CREATING" 0 env AWS_ENDPOINT_URL="$FAKE_URL" VIDPIPE_LOG=debug "$VIDPIPE" debug resource dynamodb_table create "$T_TMP/minimal.json"
printf '%s\n' "$T_ERR" >"$T_TMP/wait.log"
t_contains "and returns the table once ACTIVE" "$T_OUT" '"name": "vp-test-min"'
t_eq "polling DescribeTable until it is ACTIVE" "yes" "$([ "$(ops "$T_TMP/wait.log" | grep -c '^DescribeTable$')" -ge 6 ] && echo yes)"
fake_start -1
t_status "a table that never becomes ACTIVE" 1 env AWS_ENDPOINT_URL="$FAKE_URL" VIDPIPE_WAIT_TIMEOUT_MS=300 "$VIDPIPE" debug resource dynamodb_table create "$T_TMP/minimal.json"
t_contains "stops with a clear error" "$T_ERR" "gave up after 0.3 s waiting until table 'vp-test-min' and its indexes are ACTIVE"
