# 4500-wiring: the types that wire the pipeline together, against moto: lambda_permission (a statement of a
# function's policy), s3_bucket_notification (the functions a bucket invokes) and eventbridge_rule (a pattern
# and its targets). Through `vidpipe debug resource`: a statement read back from GetPolicy in want's shape,
# adopted when it is already there, refused when its id is taken by another statement; AddPermission retried
# while the function is not found yet; a notification put retried while S3 cannot validate its destination; a
# rule's targets swapped. Through a spec: apply creates all four, boto3 reads them; a second plan is empty;
# changes behind vidpipe's back are drift naming the attribute and the next apply repairs them; an update of
# a target's input; destroy removes everything; validation refuses an s3 principal without source_account.
#
# Where moto is not AWS, vidpipe's behaviour is tested against AWS's documented one:
#  - moto accepts a second AddPermission with a statement id in use (and keeps both); AWS answers 409
#    ResourceConflictException. vidpipe looks first: the same statement is adopted, another one refused.
#  - moto never refuses PutBucketNotificationConfiguration; AWS does, with InvalidArgument "Unable to validate
#    the following destination configurations", until the function lets s3.amazonaws.com invoke it. A proxy
#    in front of moto gives that answer twice, as AWS does right after AddPermission.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
ACCOUNT=123456789012
ROLE="arn:aws:iam::$ACCOUNT:role/vp-wiring"
FN=vp-wiring-fn
FN_ARN="arn:aws:lambda:us-east-1:$ACCOUNT:function:$FN"
BUCKET=vp-wiring-uploads

ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }
writes() { ops "$1" | grep -v '^Get\|^List\|^Describe' | tr '\n' ' ' | sed 's/ $//'; }
mkfn() {
    boto lambda "
import io, zipfile
b = io.BytesIO(); z = zipfile.ZipFile(b, 'w'); i = zipfile.ZipInfo('bootstrap'); i.external_attr = 0o755 << 16
z.writestr(i, '#!/bin/sh\n'); z.close()
c.create_function(FunctionName='$1', Role='$ROLE', Runtime='provided.al2023', Handler='bootstrap', Code={'ZipFile': b.getvalue()})" >/dev/null
}
# statements [FUNCTION]: the function's policy as "Sid principal source_arn source_account" lines, sorted.
statements() {
    boto lambda "
try:
    p = json.loads(c.get_policy(FunctionName='${1:-$FN}')['Policy'])
except c.exceptions.ResourceNotFoundException:
    p = {'Statement': []}
for s in sorted(p['Statement'], key=lambda s: s['Sid']):
    cond = s.get('Condition', {})
    print(s['Sid'], s['Action'], s['Principal'].get('Service', s['Principal']), cond.get('ArnLike', {}).get('AWS:SourceArn', '-'),
          cond.get('StringEquals', {}).get('AWS:SourceAccount', '-'))"
}
notification() {
    boto s3 "
n = c.get_bucket_notification_configuration(Bucket='$BUCKET').get('LambdaFunctionConfigurations', [])
for f in n:
    rules = sorted((r['Name'].lower(), r['Value']) for r in f.get('Filter', {}).get('Key', {}).get('FilterRules', []))
    print(f['Id'], f['LambdaFunctionArn'], f['Events'], rules)"
}

boto iam "c.create_role(RoleName='vp-wiring', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))" >/dev/null
mkfn "$FN"
boto s3 "c.create_bucket(Bucket='$BUCKET')"

# ---- lambda_permission alone ----
cat >perm.json <<JSON
{"function": "$FN_ARN", "statement_id": "s3-invoke", "principal": "s3.amazonaws.com",
 "source_arn": "arn:aws:s3:::$BUCKET", "source_account": "$ACCOUNT"}
JSON
t_status "create a permission" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_permission create perm.json
printf '%s\n' "$T_ERR" >perm.log
t_contains "its id is FUNCTION/STATEMENT_ID" "$T_OUT" "\"id\": \"$FN_ARN/s3-invoke\""
t_contains "with the default action" "$T_OUT" '"action": "lambda:InvokeFunction"'
t_eq "one AddPermission" "AddPermission" "$(writes perm.log)"
t_eq "boto3 reads the statement" "s3-invoke lambda:InvokeFunction s3.amazonaws.com arn:aws:s3:::$BUCKET $ACCOUNT" "$(statements)"
t_status "read it" 0 "$VIDPIPE" debug resource lambda_permission read "$FN_ARN/s3-invoke"
t_eq "in want's shape" "same" "$(python3 -c "
import json, sys
want = json.load(open('perm.json')); want['action'] = 'lambda:InvokeFunction'; want['id'] = '$FN_ARN/s3-invoke'
live = json.loads(sys.stdin.read())
print('same' if want == live else 'want %s live %s' % (want, live))" <<<"$T_OUT")"
t_status "create it again" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource lambda_permission create perm.json
printf '%s\n' "$T_ERR" >again.log
t_eq "adopts the statement already there: nothing written" "" "$(writes again.log)"
t_eq "boto3: still one statement" "1" "$(statements | wc -l)"
sed 's/"source_account": "[0-9]*"/"source_account": "210987654321"/' perm.json >other.json
t_status "a statement id taken by another statement" 1 "$VIDPIPE" debug resource lambda_permission create other.json
t_contains "is refused, as AWS refuses it (moto would keep both)" "$T_ERR" "already has a statement 's3-invoke' with another source_account: remove it, or choose another statement_id"
t_eq "boto3: still the one statement" "1" "$(statements | wc -l)"
t_status "delete it" 0 "$VIDPIPE" debug resource lambda_permission delete "$FN_ARN/s3-invoke"
t_eq "boto3: gone" "" "$(statements)"
t_status "read of a missing statement" 0 "$VIDPIPE" debug resource lambda_permission read "$FN_ARN/s3-invoke"
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing statement succeeds" 0 "$VIDPIPE" debug resource lambda_permission delete "$FN_ARN/s3-invoke"
t_status "delete on a missing function succeeds" 0 "$VIDPIPE" debug resource lambda_permission delete "nofn/x"
# A function created moments before may not be found yet: AddPermission is retried.
( sleep 0.5; mkfn vp-wiring-late ) &
late_pid=$!
cat >late.json <<JSON
{"function": "vp-wiring-late", "statement_id": "events", "principal": "events.amazonaws.com"}
JSON
t_status "a function that appears while vidpipe retries" 0 env VIDPIPE_LOG=debug VIDPIPE_WAIT_TIMEOUT_MS=20000 "$VIDPIPE" debug resource lambda_permission create late.json
wait "$late_pid"
t_eq "gets the statement" "events lambda:InvokeFunction events.amazonaws.com - -" "$(statements vp-wiring-late)"
t_eq "after several tries" "yes" "$([ "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -c '^AddPermission$')" -ge 2 ] && echo yes)"
sed 's/vp-wiring-late/vp-wiring-never/' late.json >never.json
t_status "a function that never appears" 1 env VIDPIPE_WAIT_TIMEOUT_MS=300 "$VIDPIPE" debug resource lambda_permission create never.json
t_contains "is refused after the wait" "$T_ERR" "gave up after 0.3 s waiting until Lambda accepts AddPermission on function 'vp-wiring-never'"

# ---- s3_bucket_notification: S3 cannot validate the destination at first ----
cat >proxy.py <<'PY'
# Answers the first N PutBucketNotificationConfiguration as AWS does before the permission is seen.
import http.client, http.server, sys, urllib.parse
UP = urllib.parse.urlsplit(sys.argv[1]); left = [int(sys.argv[2])]
ERR = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message>Unable to validate '
       b'the following destination configurations</Message><RequestId>X</RequestId></Error>')
class H(http.server.BaseHTTPRequestHandler):
    def go(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if self.command == 'PUT' and 'notification' in self.path and left[0] > 0:
            left[0] -= 1
            self.send_response(400); self.send_header('Content-Type', 'application/xml')
            self.send_header('Content-Length', str(len(ERR))); self.end_headers(); self.wfile.write(ERR); return
        conn = http.client.HTTPConnection(UP.hostname, UP.port)
        conn.request(self.command, self.path, body, {k: v for k, v in self.headers.items()})
        r = conn.getresponse(); data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ('content-length', 'connection', 'transfer-encoding', 'server', 'date'):
                self.send_header(k, v)
        self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)
    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = go
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H); print(s.server_port, flush=True); s.serve_forever()
PY
t_bg python3 proxy.py "$MOTO_URL" 2 >proxy.port
t_bg python3 proxy.py "$MOTO_URL" 1000000 >never.port
while [ ! -s proxy.port ] || [ ! -s never.port ]; do sleep 0.05; done
PROXY_URL="http://127.0.0.1:$(head -n 1 proxy.port)"
NEVER_URL="http://127.0.0.1:$(head -n 1 never.port)"
cat >notify.json <<JSON
{"bucket": "$BUCKET", "lambda_functions": [{"id": "on-upload", "function_arn": "$FN_ARN",
 "events": ["s3:ObjectCreated:*"], "filter_prefix": "uploads/", "filter_suffix": ".mp4"}]}
JSON
t_status "put a notification S3 cannot validate at first" 0 env AWS_ENDPOINT_URL="$PROXY_URL" VIDPIPE_LOG=debug "$VIDPIPE" debug resource s3_bucket_notification create notify.json
t_eq "is retried until S3 takes it" "3" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -c '^PutBucketNotificationConfiguration$')"
t_contains "its id is the bucket" "$T_OUT" "\"id\": \"$BUCKET\""
t_eq "boto3 reads it" "on-upload $FN_ARN ['s3:ObjectCreated:*'] [('prefix', 'uploads/'), ('suffix', '.mp4')]" "$(notification)"
t_status "a destination never validated" 1 env AWS_ENDPOINT_URL="$NEVER_URL" VIDPIPE_WAIT_TIMEOUT_MS=300 "$VIDPIPE" debug resource s3_bucket_notification create notify.json
t_contains "is refused after the wait" "$T_ERR" "until S3 may invoke every function of the notification configuration (is there a lambda_permission for s3.amazonaws.com"
t_status "delete it" 0 "$VIDPIPE" debug resource s3_bucket_notification delete "$BUCKET"
t_eq "boto3: the configuration is empty" "" "$(notification)"
t_status "read an empty configuration" 0 "$VIDPIPE" debug resource s3_bucket_notification read "$BUCKET"
t_contains "as no functions" "$T_OUT" '"lambda_functions": []'
t_status "read on a missing bucket" 0 "$VIDPIPE" debug resource s3_bucket_notification read vp-no-such-bucket
t_eq "prints null" "null" "$T_OUT"
t_status "delete on a missing bucket succeeds" 0 "$VIDPIPE" debug resource s3_bucket_notification delete vp-no-such-bucket
t_status "create on a missing bucket" 1 "$VIDPIPE" debug resource s3_bucket_notification create <(sed "s/$BUCKET/vp-no-such-bucket/" notify.json)
t_contains "names it" "$T_ERR" "bucket 'vp-no-such-bucket' does not exist"

# ---- eventbridge_rule alone: targets swapped, input changed ----
cat >rule.json <<JSON
{"name": "vp-wiring-solo", "event_pattern": {"source": ["aws.s3"]}, "description": "solo",
 "targets": [{"id": "a", "arn": "$FN_ARN"}, {"id": "b", "arn": "$FN_ARN", "input": "{\"x\": 1}"}], "tags": {"k": "v"}}
JSON
t_status "create a rule with two targets" 0 "$VIDPIPE" debug resource eventbridge_rule create rule.json
t_contains "with its ARN" "$T_OUT" "\"arn\": \"arn:aws:events:us-east-1:$ACCOUNT:rule/vp-wiring-solo\""
python3 -c "import json; w = json.load(open('rule.json')); w['targets'] = [{'id': 'b', 'arn': '$FN_ARN', 'input': '{\"x\": 2}'}, {'id': 'c', 'arn': '$FN_ARN'}]
w['tags'] = {'k2': 'v2'}; w['state'] = 'DISABLED'; json.dump(w, open('rule2.json', 'w'))"
t_status "update: drop a, change b, add c, retag, disable" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource eventbridge_rule update vp-wiring-solo rule2.json
t_eq "the calls" "PutRule RemoveTargets PutTargets UntagResource TagResource" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^List\|^Describe' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3 reads the targets" "[('b', '{\"x\": 2}'), ('c', None)]" \
    "$(boto events "print(sorted((t['Id'], t.get('Input')) for t in c.list_targets_by_rule(Rule='vp-wiring-solo')['Targets']))")"
t_eq "boto3 reads state and tags" "DISABLED [{'Key': 'k2', 'Value': 'v2'}]" \
    "$(boto events "print(c.describe_rule(Name='vp-wiring-solo')['State'], c.list_tags_for_resource(ResourceARN='arn:aws:events:us-east-1:$ACCOUNT:rule/vp-wiring-solo')['Tags'])")"
t_status "delete it (its targets first: DeleteRule refuses a rule with targets)" 0 "$VIDPIPE" debug resource eventbridge_rule delete vp-wiring-solo
t_eq "boto3: gone" "[]" "$(boto events "print(c.list_rules()['Rules'])")"
t_status "delete of a missing rule succeeds" 0 "$VIDPIPE" debug resource eventbridge_rule delete vp-wiring-solo

# ---- through a spec ----
cat >wiring.yaml <<YAML
vidpipe: 1
stack: wt
region: us-east-1
tags:
  project: vidpipe
resources:
  s3_invoke:
    type: lambda_permission
    function: $FN_ARN
    statement_id: s3-invoke
    principal: s3.amazonaws.com
    source_arn: arn:aws:s3:::$BUCKET
    source_account: "$ACCOUNT"
  uploads_notify:
    type: s3_bucket_notification
    bucket: $BUCKET
    depends_on: [s3_invoke]
    lambda_functions:
      - id: convert-on-upload
        function_arn: $FN_ARN
        events: [s3:ObjectCreated:*]
        filter_prefix: uploads/
        filter_suffix: .mp4
  job_events:
    type: eventbridge_rule
    name: vp-wiring-jobs
    description: MediaConvert jobs of stack wt
    event_pattern:
      source: [aws.mediaconvert]
      detail-type: [MediaConvert Job State Change]
      detail:
        status: [COMPLETE, ERROR]
        userMetadata:
          stack: [wt]
    targets:
      - id: package
        arn: $FN_ARN
    tags:
      role: jobs
  events_invoke:
    type: lambda_permission
    function: $FN
    statement_id: events-invoke
    principal: events.amazonaws.com
    source_arn: \${job_events.arn}
YAML
t_status "validate the spec" 0 "$VIDPIPE" validate wiring.yaml
sed '/    source_account: /d' wiring.yaml >noaccount.yaml
t_status "validate refuses an s3 principal without source_account" 1 "$VIDPIPE" validate noaccount.yaml
t_contains "with its file:line:col" "$T_ERR" "noaccount.yaml:11:5: error: lambda_permission.s3_invoke"
t_contains "saying why" "$T_ERR" "principal s3.amazonaws.com needs source_account"
sed 's/statement_id: s3-invoke/statement_id: "s3 invoke"/' wiring.yaml >badsid.yaml
t_status "validate refuses a bad statement id" 1 "$VIDPIPE" validate badsid.yaml
t_contains "at its position" "$T_ERR" "badsid.yaml:10:19"
t_contains "saying why" "$T_ERR" "a statement id holds only letters, digits, '_' and '-'"
sed 's/\[s3:ObjectCreated:\*\]/[s3:ObjectCreated:Pot]/' wiring.yaml >badevent.yaml
t_status "validate refuses an unknown S3 event" 1 "$VIDPIPE" validate badevent.yaml
t_contains "at its position" "$T_ERR" "badevent.yaml:21:"
sed '/    event_pattern:/,/          stack: \[wt\]/c\    event_pattern: [aws.mediaconvert]' wiring.yaml >badpattern.yaml
t_status "validate refuses a pattern that is not an object" 1 "$VIDPIPE" validate badpattern.yaml
t_contains "at its position" "$T_ERR" "badpattern.yaml:28:5: error: eventbridge_rule.job_events: event_pattern is a JSON object"

t_status "apply" 0 "$VIDPIPE" apply wiring.yaml --auto-approve
t_contains "creates the four" "$T_OUT" "Apply complete! Resources: 4 added, 0 changed, 0 destroyed."
RULE_ARN="arn:aws:events:us-east-1:$ACCOUNT:rule/vp-wiring-jobs"
t_eq "boto3: both statements" "events-invoke lambda:InvokeFunction events.amazonaws.com $RULE_ARN -
s3-invoke lambda:InvokeFunction s3.amazonaws.com arn:aws:s3:::$BUCKET $ACCOUNT" "$(statements)"
t_eq "boto3: the notification and its filter rules" "convert-on-upload $FN_ARN ['s3:ObjectCreated:*'] [('prefix', 'uploads/'), ('suffix', '.mp4')]" "$(notification)"
t_eq "boto3: the rule's pattern, equal as JSON" "True ENABLED MediaConvert jobs of stack wt" "$(boto events "r = c.describe_rule(Name='vp-wiring-jobs')
print(json.loads(r['EventPattern']) == {'source': ['aws.mediaconvert'], 'detail-type': ['MediaConvert Job State Change'],
      'detail': {'status': ['COMPLETE', 'ERROR'], 'userMetadata': {'stack': ['wt']}}}, r['State'], r['Description'])")"
t_eq "boto3: the rule's target" "[('package', '$FN_ARN')]" "$(boto events "print([(t['Id'], t['Arn']) for t in c.list_targets_by_rule(Rule='vp-wiring-jobs')['Targets']])")"
t_eq "boto3: the rule's tags, the spec's default ones merged" "{'project': 'vidpipe', 'role': 'jobs'}" \
    "$(boto events "print(dict(sorted((t['Key'], t['Value']) for t in c.list_tags_for_resource(ResourceARN='$RULE_ARN')['Tags'])))")"
t_status "a second plan has no changes" 0 "$VIDPIPE" plan wiring.yaml --detailed-exitcode
t_contains "and says so" "$T_OUT" "No changes."
t_status "no drift right after apply" 0 "$VIDPIPE" drift wiring.yaml

# Behind vidpipe's back: the notification removed, the rule's pattern changed.
boto s3 "c.put_bucket_notification_configuration(Bucket='$BUCKET', NotificationConfiguration={})"
boto events "c.put_rule(Name='vp-wiring-jobs', EventPattern=json.dumps({'source': ['aws.s3']}), State='ENABLED', Description='MediaConvert jobs of stack wt')" >/dev/null
t_status "drift exits 2" 2 "$VIDPIPE" drift wiring.yaml
t_contains "naming the notification's lambda_functions" "$T_OUT" "lambda_functions"
t_contains "and the rule's event_pattern" "$T_OUT" "event_pattern"
t_status "apply repairs it" 0 "$VIDPIPE" apply wiring.yaml --auto-approve
t_contains "two updates" "$T_OUT" "0 added, 2 changed, 0 destroyed."
t_eq "boto3: the notification is back" "convert-on-upload $FN_ARN ['s3:ObjectCreated:*'] [('prefix', 'uploads/'), ('suffix', '.mp4')]" "$(notification)"
t_eq "boto3: the pattern is back" "['aws.mediaconvert']" "$(boto events "print(json.loads(c.describe_rule(Name='vp-wiring-jobs')['EventPattern'])['source'])")"
t_status "no drift after the repair" 0 "$VIDPIPE" drift wiring.yaml
# A statement removed behind vidpipe's back is re-added.
boto lambda "c.remove_permission(FunctionName='$FN', StatementId='events-invoke')"
t_status "a removed statement is drift" 2 "$VIDPIPE" drift wiring.yaml
t_status "apply re-adds it" 0 "$VIDPIPE" apply wiring.yaml --auto-approve
t_eq "boto3: both statements again" "2" "$(statements | wc -l)"

# An update: a target's constant input and the notification's suffix.
sed -i 's/        arn: arn:aws:lambda:\(.*\)$/        arn: arn:aws:lambda:\1\n        input: "{\\"stack\\": \\"wt\\"}"/; s/filter_suffix: .mp4/filter_suffix: .mov/' wiring.yaml
t_status "an update plans" 2 "$VIDPIPE" plan wiring.yaml --detailed-exitcode
t_contains "of the target's input" "$T_OUT" "targets[0].input"
t_contains "and the suffix" "$T_OUT" "lambda_functions[0].filter_suffix"
t_status "apply it" 0 "$VIDPIPE" apply wiring.yaml --auto-approve
t_eq "boto3: the target's input" "{\"stack\": \"wt\"}" "$(boto events "print(c.list_targets_by_rule(Rule='vp-wiring-jobs')['Targets'][0]['Input'])")"
t_contains "boto3: the suffix" "$(notification)" "('suffix', '.mov')"
t_status "then no changes" 0 "$VIDPIPE" plan wiring.yaml --detailed-exitcode
# A permission's attributes all replace (Lambda has no UpdatePermission).
sed -i 's/    statement_id: events-invoke/    statement_id: events-invoke-2/' wiring.yaml
t_status "a new statement id plans a replacement" 2 "$VIDPIPE" plan wiring.yaml --detailed-exitcode
t_contains "of the permission" "$T_OUT" "lambda_permission.events_invoke must be replaced"
t_status "apply it" 0 "$VIDPIPE" apply wiring.yaml --auto-approve
t_eq "boto3: the new statement replaced the old" "events-invoke-2 s3-invoke" "$(statements | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"

t_status "destroy" 0 "$VIDPIPE" destroy wiring.yaml --auto-approve
t_eq "boto3: the policy's statements removed" "" "$(statements)"
t_eq "boto3: the notification configuration empty" "" "$(notification)"
t_eq "boto3: the rule deleted" "[]" "$(boto events "print(c.list_rules()['Rules'])")"
t_eq "boto3: the bucket and function, not vidpipe's, stay" "$BUCKET $FN" \
    "$(boto s3 "print(c.head_bucket(Bucket='$BUCKET') and '$BUCKET', boto3.client('lambda', endpoint_url='$MOTO_URL', region_name='us-east-1').get_function(FunctionName='$FN')['Configuration']['FunctionName'])")"
