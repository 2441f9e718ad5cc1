# 4400-iam-role: the iam_role provider against moto. Through `vidpipe debug resource`: a role created with every
# setting (path, description, session length, trust policy, inline and managed policies, tags), read back by
# boto3 and by vidpipe in exactly want's shape; policy documents compared by meaning (a one-element list and a
# string, list order, a lone statement object: no write); each setting updated in place; adoption of an
# existing role; delete detaching and deleting every policy first; the rules refused before any call. Pages
# of ListRolePolicies, ListAttachedRolePolicies and ListRoleTags followed with Marker (a stub IAM: moto never
# pages them). Through a spec: validate refuses bad names, documents without a Statement list and broad grants
# on "Resource": "*" with their file:line:col; apply creates; a second plan is empty; an update in place;
# changes made with boto3 are drift, repaired by the next apply; destroy removes the role.
#
# moto answers policy documents URL-encoded inside the XML, as IAM does (boto3 decodes them into dicts), and
# keeps them as sent. moto loads no AWS managed policies by default: customer managed ones stand in.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
ACCOUNT=123456789012

boto iam "
doc = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'logs:PutLogEvents', 'Resource': '*'}]})
for name in ('vp-logs', 'vp-xray', 'vp-extra'):
    c.create_policy(PolicyName=name, PolicyDocument=doc)" >/dev/null
LOGS="arn:aws:iam::$ACCOUNT:policy/vp-logs"
XRAY="arn:aws:iam::$ACCOUNT:policy/vp-xray"
EXTRA="arn:aws:iam::$ACCOUNT:policy/vp-extra"

# vp_same WANT LIVE: "same" when LIVE holds exactly WANT's attributes (computed ones aside).
vp_same() {
    python3 - "$1" "$2" <<'PY'
import json, sys
want, live = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).read())
for k in ("arn", "unique_id"):
    want.pop(k, None); live.pop(k, None)
diff = sorted(k for k in set(want) | set(live) if want.get(k) != live.get(k))
print("same" if not diff else "; ".join("%s: want %s, live %s" % (k, json.dumps(want.get(k)), json.dumps(live.get(k))) for k in diff))
PY
}
ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }
writes() { ops "$1" | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//'; }
# edit IN OUT PYTHON: OUT is IN's JSON as `w`, after PYTHON ran on it.
edit() { python3 -c "import json; w = json.load(open('$1')); $3; json.dump(w, open('$2', 'w'))"; }
role() { boto iam "r = c.get_role(RoleName='$1')['Role']
$2"; }

# ---- the provider alone ----
# Written in the canonical shape read returns (one Action as a string, lists sorted), so read equals want.
cat >full.json <<JSON
{"name": "vp-test-role", "path": "/vidpipe/", "description": "the test role", "max_session_duration": 7200,
 "assume_role_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
   "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
 "inline_policies": {
   "uploads": {"Version": "2012-10-17", "Statement": [{"Sid": "ReadWrite", "Effect": "Allow",
     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::vp-uploads/*"}]},
   "table": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem",
     "Resource": "arn:aws:dynamodb:us-east-1:$ACCOUNT:table/videos"}]}},
 "managed_policy_arns": ["$LOGS", "$XRAY"],
 "tags": {"app": "vidpipe", "env": "dev"}}
JSON
t_status "create a role with every setting" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role create full.json
printf '%s\n' "$T_OUT" >created.json
printf '%s\n' "$T_ERR" >create.log
t_eq "create returns the role in want's shape" "same" "$(vp_same full.json created.json)"
t_eq "CreateRole, then each policy" "CreateRole PutRolePolicy PutRolePolicy AttachRolePolicy AttachRolePolicy" \
    "$(writes create.log)"
t_eq "waits until GetRole finds the role before adding policies (IAM is eventually consistent)" "CreateRole GetRole" \
    "$(ops create.log | head -2 | tr '\n' ' ' | sed 's/ $//')"
t_contains "with its ARN (the path in it)" "$T_OUT" "\"arn\": \"arn:aws:iam::$ACCOUNT:role/vidpipe/vp-test-role\""
t_contains "and its unique id" "$T_OUT" '"unique_id": "AROA'
t_eq "boto3 reads path, description, session length" "/vidpipe/ the test role 7200" \
    "$(role vp-test-role "print(r['Path'], r['Description'], r['MaxSessionDuration'])")"
t_eq "boto3 reads the trust policy" "[{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]" \
    "$(role vp-test-role "print(r['AssumeRolePolicyDocument']['Statement'])")"
t_eq "boto3 reads the inline policies" "['table', 'uploads'] ['s3:GetObject', 's3:PutObject'] arn:aws:s3:::vp-uploads/*" \
    "$(boto iam "p = c.get_role_policy(RoleName='vp-test-role', PolicyName='uploads')['PolicyDocument']['Statement'][0]
print(sorted(c.list_role_policies(RoleName='vp-test-role')['PolicyNames']), p['Action'], p['Resource'])")"
attached() { boto iam "print(sorted(p['PolicyArn'] for p in c.list_attached_role_policies(RoleName='$1')['AttachedPolicies']))"; }
tags() { boto iam "print(dict(sorted((t['Key'], t['Value']) for t in c.list_role_tags(RoleName='$1')['Tags'])))"; }
t_eq "boto3 reads the managed policies" "['$LOGS', '$XRAY']" "$(attached vp-test-role)"
t_eq "boto3 reads the tags" "{'app': 'vidpipe', 'env': 'dev'}" "$(tags vp-test-role)"
t_status "read the role" 0 "$VIDPIPE" debug resource iam_role read vp-test-role
printf '%s\n' "$T_OUT" >read.json
t_eq "read after create equals want" "same" "$(vp_same full.json read.json)"

t_status "an update with nothing changed" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role update vp-test-role full.json
printf '%s\n' "$T_ERR" >noop.log
t_eq "writes nothing" "" "$(writes noop.log)"
# The same policies written another way: one-element lists, other orders, a lone statement object, an empty
# Sid, the document as JSON text, the managed policies in another order. IAM means the same: no write.
edit full.json same.json "
w['assume_role_policy'] = json.dumps({'Statement': {'Action': ['sts:AssumeRole'], 'Effect': 'Allow', 'Sid': '',
    'Principal': {'Service': ['lambda.amazonaws.com']}}, 'Version': '2012-10-17'})
w['inline_policies']['uploads']['Statement'][0]['Action'] = ['s3:PutObject', 's3:GetObject', 's3:PutObject']
w['inline_policies']['table']['Statement'][0]['Resource'] = ['arn:aws:dynamodb:us-east-1:$ACCOUNT:table/videos']
w['managed_policy_arns'] = ['$XRAY', '$LOGS']"
t_status "an update with equivalent documents" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role update vp-test-role same.json
printf '%s\n' "$T_ERR" >same.log
t_eq "writes nothing either" "" "$(writes same.log)"

# IAM stores an account id given as a principal as the account's root ARN (moto keeps it as sent: the ARN is
# put there with boto3, as IAM would): the two mean the same and compare equal.
edit full.json acct.json "w['assume_role_policy']['Statement'][0]['Principal'] = {'AWS': '$ACCOUNT'}"
t_status "a trust policy naming an account" 0 "$VIDPIPE" debug resource iam_role update vp-test-role acct.json
boto iam "c.update_assume_role_policy(RoleName='vp-test-role', PolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::$ACCOUNT:root'}, 'Action': 'sts:AssumeRole'}]}))"
t_status "read back as the account's root ARN" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role update vp-test-role acct.json
printf '%s\n' "$T_ERR" >acct.log
t_eq "is the same policy: nothing written" "" "$(writes acct.log)"

# Every setting at once: trust policy, description, session length, an inline policy changed, one removed,
# one added, a managed policy swapped, tags. New permissions go on before old ones come off.
edit full.json u1.json "
w['description'] = ''; w['max_session_duration'] = 3600
w['assume_role_policy']['Statement'][0]['Principal'] = {'Service': 'edgelambda.amazonaws.com'}
w['inline_policies']['uploads']['Statement'][0]['Action'] = 's3:GetObject'
del w['inline_policies']['table']
w['inline_policies']['events'] = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'events:PutEvents',
    'Resource': 'arn:aws:events:us-east-1:$ACCOUNT:event-bus/default'}]}
w['managed_policy_arns'] = ['$EXTRA', '$LOGS']
w['tags'] = {'app': 'vidpipe', 'team': 'media'}"
t_status "update every setting" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role update vp-test-role u1.json
printf '%s\n' "$T_OUT" >u1.out
printf '%s\n' "$T_ERR" >u1.log
t_eq "update returns want" "same" "$(vp_same u1.json u1.out)"
t_eq "one call per change, additions first" \
    "UpdateAssumeRolePolicy UpdateRole PutRolePolicy PutRolePolicy AttachRolePolicy DeleteRolePolicy DetachRolePolicy UntagRole TagRole" \
    "$(writes u1.log)"
t_eq "boto3 sees the new trust policy" "{'Service': 'edgelambda.amazonaws.com'}" \
    "$(role vp-test-role "print(r['AssumeRolePolicyDocument']['Statement'][0]['Principal'])")"
t_eq "boto3: the description cleared, the session length back to 3600" "'' 3600" \
    "$(role vp-test-role "print(repr(r.get('Description', '')), r['MaxSessionDuration'])")"
t_eq "boto3 sees the inline policies" "['events', 'uploads'] s3:GetObject" \
    "$(boto iam "print(sorted(c.list_role_policies(RoleName='vp-test-role')['PolicyNames']),
    c.get_role_policy(RoleName='vp-test-role', PolicyName='uploads')['PolicyDocument']['Statement'][0]['Action'])")"
t_eq "boto3 sees the managed policies" "['$EXTRA', '$LOGS']" "$(attached vp-test-role)"
t_eq "boto3 sees the tags" "{'app': 'vidpipe', 'team': 'media'}" "$(tags vp-test-role)"

# Adoption: create over an existing role of that name converges it.
t_status "create over an existing role adopts it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role create full.json
printf '%s\n' "$T_OUT" >adopt.json
t_eq "converged to want" "same" "$(vp_same full.json adopt.json)"
t_eq "boto3: back to the first settings" "/vidpipe/ the test role 7200 ['$LOGS', '$XRAY']" \
    "$(role vp-test-role "print(r['Path'], r['Description'], r['MaxSessionDuration'])") $(attached vp-test-role)"

t_status "delete the role" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role delete vp-test-role
t_eq "every policy detached and deleted first" "DetachRolePolicy DetachRolePolicy DeleteRolePolicy DeleteRolePolicy DeleteRole" \
    "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3: gone" "NoSuchEntity" "$(boto iam "
try: c.get_role(RoleName='vp-test-role'); print('still there')
except c.exceptions.NoSuchEntityException: print('NoSuchEntity')")"
t_status "read of a missing role" 0 "$VIDPIPE" debug resource iam_role read vp-test-role
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing role succeeds" 0 "$VIDPIPE" debug resource iam_role delete vp-test-role

# The type's rules hold without a spec too, before any call.
edit full.json broad.json "w['inline_policies']['uploads']['Statement'][0]['Resource'] = '*'
w['inline_policies']['uploads']['Statement'][0]['Action'] = 's3:*'"
t_status "a broad grant, past the validator" 1 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource iam_role create broad.json
t_contains "is refused" "$T_ERR" "inline policy 'uploads': Statement[0] allows 's3:*' on every resource"
t_eq "before any call" "" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin)"
edit full.json nostmt.json "w['assume_role_policy'] = {'Version': '2012-10-17'}"
t_status "a trust policy without statements" 1 "$VIDPIPE" debug resource iam_role create nostmt.json
t_contains "is refused" "$T_ERR" "assume_role_policy: the policy document needs a Statement list"
t_eq "boto3: nothing was created by the refusals" "[]" "$(boto iam "print([r['RoleName'] for r in c.list_roles()['Roles']])")"

# ---- pages: a stub IAM that answers two items a page, as IAM does past MaxItems (moto never pages) ----
cat >stub.py <<'PY'
import http.server, sys, urllib.parse
doc = urllib.parse.quote('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}', safe='')
pol = urllib.parse.quote('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}', safe='')
lists = {
    'ListRolePolicies': ('PolicyNames', ['p%d' % i for i in range(5)], lambda v: v),
    'ListAttachedRolePolicies': ('AttachedPolicies', ['arn:aws:iam::1:policy/m%d' % i for i in range(5)],
                                 lambda v: '<PolicyName>x</PolicyName><PolicyArn>%s</PolicyArn>' % v),
}
tags = ''.join('<member><Key>t%d</Key><Value>v</Value></member>' % i for i in range(5))   # GetRole carries them all
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers['Content-Length'])).decode()))
        a = form['Action']
        if a == 'GetRole':
            body = ('<Role><Path>/</Path><RoleName>paged</RoleName><RoleId>AROASTUB</RoleId><Arn>arn:aws:iam::1:role/paged</Arn>'
                    '<AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration><Tags>%s</Tags></Role>' % (doc, tags))
        elif a == 'GetRolePolicy':
            body = '<RoleName>paged</RoleName><PolicyName>%s</PolicyName><PolicyDocument>%s</PolicyDocument>' % (form['PolicyName'], pol)
        else:
            el, items, fmt = lists[a]
            start = int(form.get('Marker', '0'))
            page = items[start:start + 2]
            more = start + 2 < len(items)
            body = '<%s>%s</%s><IsTruncated>%s</IsTruncated>%s' % (el, ''.join('<member>%s</member>' % fmt(v) for v in page), el,
                   'true' if more else 'false', '<Marker>%d</Marker>' % (start + 2) if more else '')
        out = ('<%sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><%sResult>%s</%sResult></%sResponse>' % (a, a, body, a, a)).encode()
        self.send_response(200); self.send_header('Content-Type', 'text/xml'); self.send_header('Content-Length', str(len(out)))
        self.end_headers(); self.wfile.write(out)
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
t_bg python3 stub.py >stub.port
for _ in $(seq 50); do [ -s stub.port ] && break; sleep 0.1; done
t_status "read a role whose lists span pages" 0 env VIDPIPE_LOG=debug AWS_ENDPOINT_URL_IAM="http://127.0.0.1:$(head -n 1 stub.port)" \
    "$VIDPIPE" debug resource iam_role read paged
t_eq "every inline policy, managed policy and tag of the 3 pages each" "5 5 5" \
    "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r["inline_policies"]), len(r["managed_policy_arns"]), len(r["tags"]))')"
t_eq "three calls of each list (the tags come with GetRole: no ListRoleTags)" "3 3" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | sort | uniq -c | awk '$2 ~ /^List/ {print $1}' | tr '\n' ' ' | sed 's/ $//')"

# ---- through a spec ----
cat >role.yaml <<YAML
vidpipe: 1
stack: lt
region: us-east-1
tags:
  project: vidpipe
resources:
  worker_role:
    type: iam_role
    name: \${stack}-worker
    description: runs the worker
    assume_role_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: { Service: lambda.amazonaws.com }
          Action: sts:AssumeRole
    inline_policies:
      uploads:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [s3:PutObject, s3:GetObject]
            Resource: arn:aws:s3:::\${stack}-uploads/*
          - Effect: Allow
            Action: s3:ListAllMyBuckets
            Resource: "*"
    managed_policy_arns: [$LOGS]
    tags:
      team: media
YAML
t_status "validate the spec" 0 "$VIDPIPE" validate role.yaml
sed 's/    name: \${stack}-worker/    name: "lt worker"/' role.yaml >badname.yaml
t_status "validate refuses a bad role name" 1 "$VIDPIPE" validate badname.yaml
t_contains "at its position, saying why" "$T_ERR" "badname.yaml:9:11: error: iam_role.worker_role.name"
t_contains "naming the rule" "$T_ERR" "an IAM role name holds only letters, digits and '_+=,.@-'"
sed 's/            Action: \[s3:PutObject, s3:GetObject\]/            Action: [s3:GetObject, "s3:*"]/; s/            Resource: arn:aws:s3:::\${stack}-uploads\/\*/            Resource: "*"/' role.yaml >broad.yaml
t_status "validate refuses s3:* on every resource" 1 "$VIDPIPE" validate broad.yaml
t_contains "at inline_policies, naming the statement and the action" "$T_ERR" \
    "broad.yaml:17:5: error: iam_role.worker_role: inline policy 'uploads': Statement[0] allows 's3:*' on every resource"
sed 's/            Action: s3:ListAllMyBuckets/            Action: ["iam:*"]/' role.yaml >passrole.yaml
t_status "validate refuses iam:* on every resource" 1 "$VIDPIPE" validate passrole.yaml
t_contains "saying it includes iam:PassRole" "$T_ERR" "Statement[1] allows 'iam:*' (which includes iam:PassRole) on every resource"
sed 's/            Action: s3:ListAllMyBuckets/            Action: lambda:InvokeFunction\n            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } }/' role.yaml >cond.yaml
t_status "a Condition makes such a grant acceptable" 0 "$VIDPIPE" validate cond.yaml
sed 's/^      Statement:$/      Statements:/' role.yaml >nostmt.yaml
t_status "validate refuses a trust policy without a Statement list" 1 "$VIDPIPE" validate nostmt.yaml
t_contains "at assume_role_policy" "$T_ERR" "nostmt.yaml:11:5: error: iam_role.worker_role: assume_role_policy: the policy document needs a Statement list"
sed 's/    description: runs the worker/    description: runs the worker\n    max_session_duration: 60/' role.yaml >short.yaml
t_status "validate refuses a session shorter than an hour" 1 "$VIDPIPE" validate short.yaml
t_contains "at its position" "$T_ERR" "short.yaml:11:27"
sed "s|    managed_policy_arns: \[$LOGS\]|    managed_policy_arns: [vp-logs]|" role.yaml >badarn.yaml
t_status "validate refuses a managed policy that is not an ARN" 1 "$VIDPIPE" validate badarn.yaml
t_contains "saying what one looks like" "$T_ERR" "a managed policy ARN reads arn:aws:iam::ACCOUNT:policy/NAME"

t_status "plan from nothing" 2 "$VIDPIPE" plan role.yaml --detailed-exitcode
t_contains "creates the role" "$T_OUT" "+ iam_role.worker_role will be created"
t_status "apply" 0 "$VIDPIPE" apply role.yaml --auto-approve
t_contains "creates it" "$T_OUT" "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
t_eq "boto3: description and trust policy" "runs the worker {'Service': 'lambda.amazonaws.com'}" \
    "$(role lt-worker "print(r['Description'], r['AssumeRolePolicyDocument']['Statement'][0]['Principal'])")"
t_eq "boto3: the inline policy, interpolated" "arn:aws:s3:::lt-uploads/*" \
    "$(boto iam "print(c.get_role_policy(RoleName='lt-worker', PolicyName='uploads')['PolicyDocument']['Statement'][0]['Resource'])")"
t_eq "boto3: the managed policy" "['$LOGS']" "$(attached lt-worker)"
t_eq "boto3: the spec's default tags with the role's" "{'project': 'vidpipe', 'team': 'media'}" "$(tags lt-worker)"
t_status "a second plan has no changes" 0 "$VIDPIPE" plan role.yaml --detailed-exitcode
t_contains "and says so" "$T_OUT" "No changes."

sed -i 's/    description: runs the worker/    description: runs the worker v2\n    max_session_duration: 7200/' role.yaml
t_status "a description and session change plans an update" 2 "$VIDPIPE" plan role.yaml --detailed-exitcode
t_contains "in place" "$T_OUT" "~ iam_role.worker_role will be updated in place"
t_status "apply it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply role.yaml --auto-approve
t_eq "one UpdateRole" "UpdateRole" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3 sees it" "runs the worker v2 7200" "$(role lt-worker "print(r['Description'], r['MaxSessionDuration'])")"
t_status "then no changes" 0 "$VIDPIPE" plan role.yaml --detailed-exitcode

# Changes behind vidpipe's back: a policy rewritten, a managed policy attached, the trust policy and a tag.
boto iam "
c.put_role_policy(RoleName='lt-worker', PolicyName='uploads', PolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Action': 's3:DeleteObject', 'Resource': 'arn:aws:s3:::lt-uploads/*'}]}))
c.put_role_policy(RoleName='lt-worker', PolicyName='sneaky', PolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Action': 'sqs:SendMessage', 'Resource': '*'}]}))
c.attach_role_policy(RoleName='lt-worker', PolicyArn='$EXTRA')
c.update_assume_role_policy(RoleName='lt-worker', PolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::$ACCOUNT:root'}, 'Action': 'sts:AssumeRole'}]}))
c.tag_role(RoleName='lt-worker', Tags=[{'Key': 'team', 'Value': 'hacked'}])" >/dev/null
t_status "drift exits 2" 2 "$VIDPIPE" drift role.yaml
t_contains "names the rewritten inline policy" "$T_OUT" "inline_policies.uploads"
t_contains "names the added one" "$T_OUT" "inline_policies.sneaky"
t_contains "names the managed policies" "$T_OUT" "managed_policy_arns"
t_contains "names the trust policy" "$T_OUT" "assume_role_policy"
t_contains "names the tag" "$T_OUT" "tags.team"
t_status "apply repairs" 0 "$VIDPIPE" apply role.yaml --auto-approve
t_eq "boto3: the inline policies back" "['uploads'] ['s3:GetObject', 's3:PutObject']" \
    "$(boto iam "print(sorted(c.list_role_policies(RoleName='lt-worker')['PolicyNames']),
    c.get_role_policy(RoleName='lt-worker', PolicyName='uploads')['PolicyDocument']['Statement'][0]['Action'])")"
t_eq "boto3: the managed policies back" "['$LOGS']" "$(attached lt-worker)"
t_eq "boto3: the trust policy back" "{'Service': 'lambda.amazonaws.com'}" \
    "$(role lt-worker "print(r['AssumeRolePolicyDocument']['Statement'][0]['Principal'])")"
t_eq "boto3: the tag back" "{'project': 'vidpipe', 'team': 'media'}" "$(tags lt-worker)"
t_status "no drift after the repair" 0 "$VIDPIPE" drift role.yaml

t_status "destroy" 0 "$VIDPIPE" destroy role.yaml --auto-approve
t_eq "boto3: gone" "[]" "$(boto iam "print([r['RoleName'] for r in c.list_roles()['Roles']])")"
t_eq "boto3: the managed policy itself is left alone" "1" \
    "$(boto iam "print(len([p for p in c.list_policies(Scope='Local')['Policies'] if p['PolicyName'] == 'vp-logs']))")"
