# 4800-http-api: the http_api provider against moto. Through `vidpipe debug resource`: an HTTP API created
# whole (CORS, a JWT authorizer, two Lambda proxy routes, the $default stage), read back by boto3 and by vidpipe
# in exactly want's shape; updates that change the API, the authorizer, a route's function and timeout, remove
# a route and add an open one, each with only the calls it needs; adoption by name; delete. Through a spec:
# validate refuses malformed route keys, issuers and origins, and routes that need an authorizer the API lacks,
# with file:line:col; apply creates the API with routes on functions made in the same run; a second plan is
# empty; invoke_url is an output; a route deleted and an audience changed with boto3 are drift that the next
# apply repairs; destroy leaves no API.
# moto has no GetAuthorizers (500): vidpipe finds the authorizer through the routes that use it, and boto3 reads
# it with get_authorizer. moto has no UpdateStage and no deployments: the stage is created once, auto-deploying.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
ACCOUNT=123456789012
FN="arn:aws:lambda:us-east-1:$ACCOUNT:function"

# vp_same WANT LIVE: "same" when LIVE is WANT in vidpipe's normal form (defaults filled, routes sorted by
# route_key, CORS lists sorted, header names in lower case), computed attributes aside; else the differences.
vp_same() {
    python3 - "$1" "$2" <<'PY'
import json, sys
want, live = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).read())
for k in ("id", "arn", "execution_arn", "invoke_url"):
    live.pop(k, None)
cors = dict(dict(allow_origins=[], allow_methods=[], allow_headers=[], expose_headers=[], max_age=0, allow_credentials=False), **want.get("cors", {}))
for k in ("allow_origins", "allow_methods", "allow_headers", "expose_headers"):
    cors[k] = sorted(x.lower() if "headers" in k else x for x in cors[k])
jwt = want.get("jwt_authorizer")
if jwt:
    jwt = dict(dict(name="jwt", identity_source="$request.header.Authorization"), **jwt)
    jwt["audience"] = sorted(jwt["audience"])
routes = sorted((dict(dict(authorize=True, timeout_ms=30000), **r) for r in want.get("routes", [])), key=lambda r: r["route_key"])
norm = dict(name=want["name"], description=want.get("description", ""), cors=cors, jwt_authorizer=jwt, routes=routes,
            stage="$default", tags=want.get("tags", {}))
diff = sorted(k for k in set(norm) | set(live) if norm.get(k) != live.get(k))
print("same" if not diff else "; ".join("%s: want %s, live %s" % (k, json.dumps(norm.get(k)), json.dumps(live.get(k))) for k in diff))
PY
}
ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }
writes() { ops "$1" | grep -v '^Get' | tr '\n' ' ' | sed 's/ $//'; }
# edit IN OUT PYTHON: OUT is IN's JSON (as w) after PYTHON ran on it.
edit() { python3 -c "import json; w = json.load(open('$1')); $3; json.dump(w, open('$2', 'w'))"; }
api_id() { boto apigatewayv2 "print(' '.join(a['ApiId'] for a in c.get_apis()['Items'] if a['Name'] == '$1'))"; }
routes() { boto apigatewayv2 "
rs = sorted(c.get_routes(ApiId='$1')['Items'], key=lambda r: r['RouteKey'])
print('; '.join('%s %s %s' % (r['RouteKey'], r.get('AuthorizationType'), r.get('Target', '').split('/')[0]) for r in rs))"; }
# route_fn API KEY: the integration behind a route: type, payload format, uri, timeout.
route_fn() { boto apigatewayv2 "
r = [r for r in c.get_routes(ApiId='$1')['Items'] if r['RouteKey'] == '$2'][0]
i = c.get_integration(ApiId='$1', IntegrationId=r['Target'].split('/')[1])
print(i['IntegrationType'], i['PayloadFormatVersion'], i['IntegrationUri'], i['TimeoutInMillis'])"; }
# authorizer API: the authorizer the JWT routes use (moto has no get_authorizers).
authorizer() { boto apigatewayv2 "
ids = {r['AuthorizerId'] for r in c.get_routes(ApiId='$1')['Items'] if r.get('AuthorizationType') == 'JWT'}
for i in sorted(ids):
    a = c.get_authorizer(ApiId='$1', AuthorizerId=i)
    print(a['Name'], a['AuthorizerType'], a['IdentitySource'], a['JwtConfiguration']['Issuer'], a['JwtConfiguration']['Audience'])"; }

# ---- the provider alone ----
cat >full.json <<JSON
{"name": "vp-test-api", "description": "the upload API",
 "cors": {"allow_origins": ["https://app.example.com"], "allow_methods": ["POST", "GET"],
          "allow_headers": ["Content-Type", "Authorization"], "expose_headers": ["X-Request-Id"], "max_age": 600,
          "allow_credentials": true},
 "jwt_authorizer": {"issuer": "https://issuer.example.com/pool", "audience": ["web-app"]},
 "routes": [{"route_key": "POST /upload", "function_arn": "$FN:presign"},
            {"route_key": "GET /videos", "function_arn": "$FN:videos", "timeout_ms": 5000}],
 "tags": {"app": "vidpipe", "env": "dev"}}
JSON
t_status "create an HTTP API with every part" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource http_api create full.json
printf '%s\n' "$T_OUT" >created.json
printf '%s\n' "$T_ERR" >create.log
t_eq "create returns the API in want's shape" "same" "$(vp_same full.json created.json)"
t_eq "the calls that make it: the API, the authorizer, per route an integration and the route, the stage" \
    "CreateApi CreateAuthorizer CreateIntegration CreateRoute CreateIntegration CreateRoute CreateStage" \
    "$(writes create.log)"
ID=$(api_id vp-test-api)
t_contains "its id is the API id" "$T_OUT" "\"id\": \"$ID\""
t_contains "its ARN" "$T_OUT" "\"arn\": \"arn:aws:apigateway:us-east-1::/apis/$ID\""
t_contains "its execution ARN, for lambda_permission" "$T_OUT" "\"execution_arn\": \"arn:aws:execute-api:us-east-1:$ACCOUNT:$ID\""
t_contains "its invoke URL" "$T_OUT" "\"invoke_url\": \"https://$ID.execute-api.us-east-1.amazonaws.com\""
t_eq "boto3: the routes, both behind the JWT authorizer, each targeting an integration" \
    "GET /videos JWT integrations; POST /upload JWT integrations" "$(routes "$ID")"
t_eq "boto3: POST /upload is a Lambda proxy, payload format 2.0, on presign" "AWS_PROXY 2.0 $FN:presign 30000" "$(route_fn "$ID" "POST /upload")"
t_eq "boto3: GET /videos on videos, 5 s" "AWS_PROXY 2.0 $FN:videos 5000" "$(route_fn "$ID" "GET /videos")"
t_eq "boto3: the authorizer" "jwt JWT ['\$request.header.Authorization'] https://issuer.example.com/pool ['web-app']" "$(authorizer "$ID")"
t_eq "boto3: the \$default stage, auto-deploying" "\$default True" \
    "$(boto apigatewayv2 "print(' '.join('%s %s' % (s['StageName'], s.get('AutoDeploy')) for s in c.get_stages(ApiId='$ID')['Items']))")"
t_eq "boto3: CORS" "['https://app.example.com'] ['GET', 'POST'] ['authorization', 'content-type'] ['x-request-id'] 600 True" \
    "$(boto apigatewayv2 "x = c.get_api(ApiId='$ID')['CorsConfiguration']
print(x['AllowOrigins'], x['AllowMethods'], x['AllowHeaders'], x['ExposeHeaders'], x['MaxAge'], x['AllowCredentials'])")"
t_eq "boto3: name, description, protocol, tags" "vp-test-api the upload API HTTP {'app': 'vidpipe', 'env': 'dev'}" \
    "$(boto apigatewayv2 "a = c.get_api(ApiId='$ID'); print(a['Name'], a['Description'], a['ProtocolType'], dict(sorted(a['Tags'].items())))")"
t_status "read by API id" 0 "$VIDPIPE" debug resource http_api read "$ID"
printf '%s\n' "$T_OUT" >read.json
t_eq "read after create equals want" "same" "$(vp_same full.json read.json)"
t_status "read by name (before an id is known)" 0 "$VIDPIPE" debug resource http_api read vp-test-api
t_contains "finds the same API" "$T_OUT" "\"id\": \"$ID\""

t_status "an update with nothing changed" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource http_api update "$ID" full.json
printf '%s\n' "$T_ERR" >noop.log
t_eq "writes nothing" "" "$(writes noop.log)"

# Everything at once: rename, CORS, audience, one route's function and timeout, one route removed, an open one
# added, tags.
edit full.json u1.json "
w['name'] = 'vp-test-api-2'; w['description'] = ''
w['cors'] = {'allow_origins': ['https://app.example.com', 'http://localhost:8080'], 'allow_methods': ['GET', 'POST', 'OPTIONS']}
w['jwt_authorizer']['audience'] = ['web-app', 'cli']
w['routes'] = [{'route_key': 'POST /upload', 'function_arn': '$FN:presign-v2', 'timeout_ms': 10000},
               {'route_key': 'GET /health', 'function_arn': '$FN:health', 'authorize': False}]
w['tags'] = {'app': 'vidpipe', 'team': 'media'}"
t_status "update every part" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource http_api update "$ID" u1.json
printf '%s\n' "$T_OUT" >u1.out
printf '%s\n' "$T_ERR" >u1.log
t_eq "update returns want" "same" "$(vp_same u1.json u1.out)"
t_eq "only the calls the changes need, the removed route's integration last" \
    "UpdateApi UntagResource TagResource UpdateAuthorizer CreateIntegration CreateRoute UpdateIntegration DeleteRoute DeleteIntegration" \
    "$(writes u1.log)"
t_contains "the id stays the API id after a rename" "$T_OUT" "\"id\": \"$ID\""
t_eq "boto3: the routes, GET /health open" "GET /health NONE integrations; POST /upload JWT integrations" "$(routes "$ID")"
t_eq "boto3: POST /upload on the new function and timeout" "AWS_PROXY 2.0 $FN:presign-v2 10000" "$(route_fn "$ID" "POST /upload")"
t_eq "boto3: GET /health is a 2.0 Lambda proxy too" "AWS_PROXY 2.0 $FN:health 30000" "$(route_fn "$ID" "GET /health")"
t_eq "boto3: two integrations left" "2" "$(boto apigatewayv2 "print(len(c.get_integrations(ApiId='$ID')['Items']))")"
t_eq "boto3: the new audience" "jwt JWT ['\$request.header.Authorization'] https://issuer.example.com/pool ['cli', 'web-app']" "$(authorizer "$ID")"
t_eq "boto3: the new name and CORS" "vp-test-api-2 ['http://localhost:8080', 'https://app.example.com'] ['GET', 'OPTIONS', 'POST'] []" \
    "$(boto apigatewayv2 "a = c.get_api(ApiId='$ID'); x = a['CorsConfiguration']; print(a['Name'], x['AllowOrigins'], x['AllowMethods'], x.get('AllowHeaders'))")"
t_eq "boto3: the new tags" "{'app': 'vidpipe', 'team': 'media'}" "$(boto apigatewayv2 "print(dict(sorted(c.get_api(ApiId='$ID')['Tags'].items())))")"

# No authorizer and no CORS any more: every route open; the authorizer is deleted after the routes stop using it.
edit u1.json u2.json "
del w['jwt_authorizer'], w['cors']
w['routes'][0]['authorize'] = False"
t_status "update: drop the authorizer and CORS" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource http_api update "$ID" u2.json
printf '%s\n' "$T_OUT" >u2.out
printf '%s\n' "$T_ERR" >u2.log
t_eq "update returns want" "same" "$(vp_same u2.json u2.out)"
t_eq "CORS deleted, the route opened, then the authorizer deleted" \
    "DeleteCorsConfiguration UpdateRoute DeleteAuthorizer" "$(writes u2.log)"
t_eq "boto3: both routes open" "GET /health NONE integrations; POST /upload NONE integrations" "$(routes "$ID")"
t_eq "boto3: no CORS" "None" "$(boto apigatewayv2 "print(c.get_api(ApiId='$ID').get('CorsConfiguration'))")"

edit u2.json needs-auth.json "w['routes'][0]['authorize'] = True"
t_status "a route that needs an authorizer the API lacks, even past the validator" 1 "$VIDPIPE" debug resource http_api update "$ID" needs-auth.json
t_contains "is refused" "$T_ERR" "route 'POST /upload' has authorize: true but the API has no jwt_authorizer"

# Adoption: create over an existing API of that name (a rerun after a crash mid-create) converges it.
edit full.json adopt.json "w['name'] = 'vp-test-api-2'"
t_status "create over an existing API of that name adopts it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource http_api create adopt.json
printf '%s\n' "$T_OUT" >adopt.out
printf '%s\n' "$T_ERR" >adopt.log
t_lacks "no second API" "$(writes adopt.log)" "CreateApi"
t_contains "the same API" "$T_OUT" "\"id\": \"$ID\""
t_eq "converged to want" "same" "$(vp_same adopt.json adopt.out)"
t_eq "boto3: one API" "1" "$(boto apigatewayv2 "print(len(c.get_apis()['Items']))")"

edit full.json invoke.json "w['routes'][0]['function_arn'] = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/$FN:presign/invocations'"
t_status "but the provider refuses it once known" 1 "$VIDPIPE" debug resource http_api update "$ID" invoke.json
t_contains "saying what to give" "$T_ERR" "give the Lambda function's ARN (\${fn.arn}), not its invoke_arn"
t_status "delete the API" 0 "$VIDPIPE" debug resource http_api delete "$ID"
t_eq "boto3: gone" "[]" "$(boto apigatewayv2 "print(c.get_apis()['Items'])")"
t_status "read of a missing API" 0 "$VIDPIPE" debug resource http_api read "$ID"
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing API succeeds" 0 "$VIDPIPE" debug resource http_api delete "$ID"

# Two HTTP APIs of one name: vidpipe cannot tell which is its own, and says so.
boto apigatewayv2 "c.create_api(Name='twin', ProtocolType='HTTP'); c.create_api(Name='twin', ProtocolType='HTTP')" >/dev/null
t_status "a name two APIs share" 1 "$VIDPIPE" debug resource http_api read twin
t_contains "is refused" "$T_ERR" "2 HTTP APIs are named 'twin' in this region"
boto apigatewayv2 "[c.delete_api(ApiId=a['ApiId']) for a in c.get_apis()['Items']]" >/dev/null

# ---- through a spec: the API in front of two functions made in the same run ----
boto iam "c.create_role(RoleName='vp-test-lambda', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))" >/dev/null
python3 -c "
import zipfile
z = zipfile.ZipFile('app.zip', 'w'); i = zipfile.ZipInfo('bootstrap', date_time=(2024, 1, 1, 0, 0, 0))
i.external_attr = 0o755 << 16; i.create_system = 3; z.writestr(i, '#!/bin/sh\n'); z.close()"
cat >api.yaml <<YAML
vidpipe: 1
stack: ha
region: us-east-1
tags:
  project: vidpipe
resources:
  presign:
    type: lambda_function
    name: vp-test-presign
    zip_file: app.zip
    role: arn:aws:iam::$ACCOUNT:role/vp-test-lambda
  videos:
    type: lambda_function
    name: vp-test-videos
    zip_file: app.zip
    role: arn:aws:iam::$ACCOUNT:role/vp-test-lambda
  api:
    type: http_api
    name: vp-test-http
    cors:
      allow_origins: ["https://app.example.com"]
      allow_methods: [GET, POST]
      allow_headers: [Authorization, Content-Type]
    jwt_authorizer:
      issuer: https://issuer.example.com/pool
      audience: [web-app]
    routes:
      - route_key: POST /upload
        function_arn: \${presign.arn}
      - route_key: GET /videos
        function_arn: \${videos.arn}
        timeout_ms: 10000
outputs:
  api_url: \${api.invoke_url}
  api_execution_arn: \${api.execution_arn}
YAML
t_status "validate the spec" 0 "$VIDPIPE" validate api.yaml
sed 's|route_key: GET /videos|route_key: GET videos|' api.yaml >badkey.yaml
t_status "validate refuses a route key without a leading /" 1 "$VIDPIPE" validate badkey.yaml
t_contains "at its file:line:col, saying why" "$T_ERR" "badkey.yaml:30:20: error: http_api.api.routes[1].route_key: 'GET videos': the path starts with '/'"
sed 's|route_key: POST /upload|route_key: post /upload|' api.yaml >lowkey.yaml
t_status "validate refuses a lower-case method" 1 "$VIDPIPE" validate lowkey.yaml
t_contains "naming the shape" "$T_ERR" "a route key is \$default or 'METHOD /path'"
sed 's|route_key: GET /videos|route_key: GET /videos/{id/x}|' api.yaml >badparam.yaml
t_status "validate refuses a malformed path parameter" 1 "$VIDPIPE" validate badparam.yaml
t_contains "saying why" "$T_ERR" "a path parameter is a whole segment in braces"
sed 's|issuer: https://issuer.example.com/pool|issuer: http://issuer.example.com/pool|' api.yaml >http.yaml
t_status "validate refuses an http issuer" 1 "$VIDPIPE" validate http.yaml
t_contains "at its position" "$T_ERR" "http.yaml:25:15: error: http_api.api.jwt_authorizer.issuer"
sed 's|allow_origins: \["https://app.example.com"\]|allow_origins: ["https://app.example.com/"]|' api.yaml >origin.yaml
t_status "validate refuses an origin with a path" 1 "$VIDPIPE" validate origin.yaml
t_contains "saying browsers never send one" "$T_ERR" "an origin has no path, not even a trailing '/'"
sed '/jwt_authorizer:/,/audience:/d' api.yaml >noauth.yaml
t_status "validate refuses routes that need an authorizer the API lacks" 1 "$VIDPIPE" validate noauth.yaml
t_contains "at routes, naming the route" "$T_ERR" "noauth.yaml:24:5: error: http_api.api: route 'POST /upload' has authorize: true (the default) but the API has no jwt_authorizer"
sed 's|        timeout_ms: 10000|        timeout_ms: 10000\n        authorize: false|; s|        function_arn: ${presign.arn}|        function_arn: ${presign.arn}\n        authorize: false|' api.yaml >unused.yaml
t_status "validate refuses an authorizer no route uses" 1 "$VIDPIPE" validate unused.yaml
t_contains "at jwt_authorizer" "$T_ERR" "unused.yaml:24:5: error: http_api.api: no route uses jwt_authorizer"
sed 's|route_key: GET /videos|route_key: POST /upload|' api.yaml >dup.yaml
t_status "validate refuses two routes with one key" 1 "$VIDPIPE" validate dup.yaml
t_contains "naming it" "$T_ERR" "two routes have route_key 'POST /upload'"
sed 's|function_arn: ${videos.arn}|function_arn: ${videos.invoke_arn}|' api.yaml >invoke.yaml
t_status "an invoke_arn where the function ARN goes passes validate (a reference, known after apply)" 0 "$VIDPIPE" validate invoke.yaml
sed 's|timeout_ms: 10000|timeout_ms: 40000|' api.yaml >timeout.yaml
t_status "validate refuses a timeout over 30 s" 1 "$VIDPIPE" validate timeout.yaml
t_contains "with the range" "$T_ERR" "timeout_ms must be from 50 to 30000; got 40000"

t_status "plan from nothing" 2 "$VIDPIPE" plan api.yaml --detailed-exitcode
t_contains "creates the API" "$T_OUT" "+ http_api.api will be created"
t_status "apply" 0 "$VIDPIPE" apply api.yaml --auto-approve
t_contains "creates the functions and the API" "$T_OUT" "Apply complete! Resources: 3 added, 0 changed, 0 destroyed."
ID=$(api_id vp-test-http)
t_eq "boto3: the routes behind the authorizer" "GET /videos JWT integrations; POST /upload JWT integrations" "$(routes "$ID")"
t_eq "boto3: POST /upload invokes presign, payload format 2.0" "AWS_PROXY 2.0 $FN:vp-test-presign 30000" "$(route_fn "$ID" "POST /upload")"
t_eq "boto3: GET /videos invokes videos" "AWS_PROXY 2.0 $FN:vp-test-videos 10000" "$(route_fn "$ID" "GET /videos")"
t_eq "boto3: the authorizer" "jwt JWT ['\$request.header.Authorization'] https://issuer.example.com/pool ['web-app']" "$(authorizer "$ID")"
t_eq "boto3: the spec's default tags" "{'project': 'vidpipe'}" "$(boto apigatewayv2 "print(c.get_api(ApiId='$ID')['Tags'])")"
t_status "a second plan has no changes" 0 "$VIDPIPE" plan api.yaml --detailed-exitcode
t_contains "and says so" "$T_OUT" "No changes."
t_status "output api_url" 0 "$VIDPIPE" output api_url api.yaml
t_eq "is the invoke URL" "https://$ID.execute-api.us-east-1.amazonaws.com" "$T_OUT"
t_status "output api_execution_arn" 0 "$VIDPIPE" output api_execution_arn api.yaml
t_eq "is the execution ARN" "arn:aws:execute-api:us-east-1:$ACCOUNT:$ID" "$T_OUT"
t_eq "the state records the API id" "$ID" "$(python3 -c "import json; print([r['id'] for r in json.load(open('state/ha.json'))['resources'] if r['address'] == 'http_api.api'][0])")"

# Routes are a set: their order in the spec is no change.
python3 - <<'PY'
s = open("api.yaml").read()
a = "      - route_key: POST /upload\n        function_arn: ${presign.arn}\n"
b = "      - route_key: GET /videos\n        function_arn: ${videos.arn}\n        timeout_ms: 10000\n"
open("swapped.yaml", "w").write(s.replace(a + b, b + a))
PY
t_status "routes listed in another order plan no change" 0 "$VIDPIPE" plan swapped.yaml --detailed-exitcode

# A change in the spec: a third, open route and another audience.
sed 's|audience: \[web-app\]|audience: [web-app, cli]|; s|outputs:|      - route_key: GET /health\n        function_arn: ${videos.arn}\n        authorize: false\noutputs:|' api.yaml >api2.yaml
t_status "a new route and audience plan an update" 2 "$VIDPIPE" plan api2.yaml --detailed-exitcode
t_contains "in place" "$T_OUT" "~ http_api.api will be updated in place"
t_status "apply it" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply api2.yaml --auto-approve
t_eq "only what changed" "UpdateAuthorizer CreateIntegration CreateRoute" "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3: three routes, /health open" "GET /health NONE integrations; GET /videos JWT integrations; POST /upload JWT integrations" "$(routes "$ID")"
t_status "then no changes" 0 "$VIDPIPE" plan api2.yaml --detailed-exitcode

# Changes behind vidpipe's back: a route deleted, the audience changed.
boto apigatewayv2 "
r = [r for r in c.get_routes(ApiId='$ID')['Items'] if r['RouteKey'] == 'GET /videos'][0]
c.delete_route(ApiId='$ID', RouteId=r['RouteId'])
c.update_authorizer(ApiId='$ID', AuthorizerId=r['AuthorizerId'], JwtConfiguration={'Issuer': 'https://issuer.example.com/pool', 'Audience': ['evil']})" >/dev/null
t_status "drift exits 2" 2 "$VIDPIPE" drift api2.yaml
t_contains "names the routes" "$T_OUT" "routes"
t_contains "and the audience" "$T_OUT" "jwt_authorizer.audience"
t_status "apply repairs" 0 env VIDPIPE_LOG=debug "$VIDPIPE" apply api2.yaml --auto-approve
t_eq "the route re-created on its old integration, the authorizer updated" "UpdateAuthorizer CreateIntegration CreateRoute DeleteIntegration" \
    "$(printf '%s\n' "$T_ERR" | ops /dev/stdin | grep -v '^Get\|^List' | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3: the route is back" "GET /health NONE integrations; GET /videos JWT integrations; POST /upload JWT integrations" "$(routes "$ID")"
t_eq "boto3: on its function" "AWS_PROXY 2.0 $FN:vp-test-videos 10000" "$(route_fn "$ID" "GET /videos")"
t_eq "boto3: the audience is back" "jwt JWT ['\$request.header.Authorization'] https://issuer.example.com/pool ['cli', 'web-app']" "$(authorizer "$ID")"
t_status "no drift after the repair" 0 "$VIDPIPE" drift api2.yaml

# The stage deleted behind vidpipe's back is drift too, and apply puts it back.
boto apigatewayv2 "c.delete_stage(ApiId='$ID', StageName='\$default')" >/dev/null
t_status "a deleted stage is drift" 2 "$VIDPIPE" drift api2.yaml
t_contains "on stage" "$T_OUT" "stage"
t_status "apply re-creates it" 0 "$VIDPIPE" apply api2.yaml --auto-approve
t_eq "boto3: the \$default stage, auto-deploying" "\$default True" \
    "$(boto apigatewayv2 "print(' '.join('%s %s' % (s['StageName'], s.get('AutoDeploy')) for s in c.get_stages(ApiId='$ID')['Items']))")"

t_status "destroy" 0 "$VIDPIPE" destroy api2.yaml --auto-approve
t_eq "boto3: no API left" "[]" "$(boto apigatewayv2 "print(c.get_apis()['Items'])")"
