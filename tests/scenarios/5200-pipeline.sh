# 5200-pipeline: examples/video-pipeline.yaml, the whole pipeline (22 resources of 11 types), applied from
# nothing against moto and the MediaConvert stand-in, then read back with boto3 and compared with the spec:
# the functions' environments and code, the notification, the routes and authorizer, the rule, the policies.
# One change per resource type made behind vidpipe's back is found by drift and repaired by apply; rebuilt
# zips change nothing; a second stack beside the first is never touched; destroy leaves nothing.
# moto cannot change a MediaPackage channel out of band (UpdateChannel answers 500, there is no tag API), so
# the channel's drift is shown in 4700 against a stand-in that answers as AWS does.
. tests/lib.sh
handler_artifacts
moto_start
mc_start
export VIDPIPE_WAIT_POLL_MS=20 VIDPIPE_ARTIFACTS_DIR=$ART
cd "$T_TMP"
spec=$VP_ROOT/examples/video-pipeline.yaml
key=0123456789abcdef0123456789abcdef-page-token-secret
vars() { echo "--var stack=$1 --var account_id=123456789012 --var page_token_key=$key"; }

t_status "apply the whole pipeline from nothing" 0 "$VIDPIPE" apply "$spec" $(vars t1) --auto-approve
t_contains "every resource is created" "$T_OUT" "Apply complete! Resources: 22 added, 0 changed, 0 destroyed."
t_status "a second plan has nothing to do" 0 "$VIDPIPE" plan "$spec" $(vars t1) --detailed-exitcode
t_status "a second stack beside it" 0 "$VIDPIPE" apply "$spec" $(vars t2) --auto-approve
t_lacks "the page-token key is never printed" "$T_OUT$T_ERR" "$key"
t_lacks "nor written to state" "$(cat state/t1.json state/t2.json)" "$key"

# ---- read back with boto3 and compare with the spec ----
cat >check.py <<'PY'
import base64, hashlib, json, os, sys, boto3
stack, art, mc_url = sys.argv[1], sys.argv[2], os.environ["MC_URL"]
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
lam, s3, api, ev, iam, mp = (boto3.client(s, **kw) for s in ("lambda", "s3", "apigatewayv2", "events", "iam", "mediapackage"))
mc = boto3.client("mediaconvert", endpoint_url=mc_url, region_name="us-east-1")
out = {}
for fn, artifact in (("presign", "presign"), ("convert", "convert"), ("package", "package"), ("videos", "videos")):
    c = lam.get_function(FunctionName=f"{stack}-{fn}")["Configuration"]
    local = base64.b64encode(hashlib.sha256(open(f"{art}/{artifact}.zip", "rb").read()).digest()).decode()
    out[f"{fn}.code"] = "same" if c["CodeSha256"] == local else f"{c['CodeSha256']} != {local}"
    out[f"{fn}.runtime"] = c["Runtime"] + " " + c["Handler"]
    out[f"{fn}.env"] = " ".join(sorted(c.get("Environment", {}).get("Variables", {})))
env = lam.get_function(FunctionName=f"{stack}-convert")["Configuration"]["Environment"]["Variables"]
out["convert.env.values"] = " ".join(env[k] for k in ("VIDPIPE_JOB_TEMPLATE", "VIDPIPE_OUTPUT_BUCKET", "VIDPIPE_VIDEOS_TABLE", "VIDPIPE_STACK"))
n = s3.get_bucket_notification_configuration(Bucket=f"{stack}-vidpipe-uploads")["LambdaFunctionConfigurations"][0]
out["notification"] = " ".join([n["LambdaFunctionArn"].split(":")[-1], ",".join(n["Events"]),
                                *[r["Name"].lower() + "=" + r["Value"] for r in n["Filter"]["Key"]["FilterRules"]]])
a = [x for x in api.get_apis()["Items"] if x["Name"] == f"{stack}-vidpipe"][0]
routes = sorted((r["RouteKey"], r["AuthorizationType"]) for r in api.get_routes(ApiId=a["ApiId"])["Items"])
out["routes"] = " ".join(f"{k}:{t}" for k, t in routes)
auth_id = api.get_routes(ApiId=a["ApiId"])["Items"][0]["AuthorizerId"]
au = api.get_authorizer(ApiId=a["ApiId"], AuthorizerId=auth_id)
out["authorizer"] = au["JwtConfiguration"]["Issuer"] + " " + ",".join(au["JwtConfiguration"]["Audience"])
integ = api.get_integrations(ApiId=a["ApiId"])["Items"]
out["integrations"] = " ".join(sorted(i["IntegrationUri"].split(":")[-1] + "/" + i["PayloadFormatVersion"] for i in integ))
r = ev.describe_rule(Name=f"{stack}-vidpipe-job-state")
p = json.loads(r["EventPattern"])
out["rule"] = " ".join([p["source"][0], ",".join(p["detail"]["status"]), p["detail"]["userMetadata"]["stack"][0],
                        ev.list_targets_by_rule(Rule=f"{stack}-vidpipe-job-state")["Targets"][0]["Arn"].split(":")[-1]])
stars = []
for role in ("presign", "convert", "package", "videos", "mediaconvert"):
    name = f"{stack}-vidpipe-{role}"
    for pol in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=name, PolicyName=pol)["PolicyDocument"]
        for st in doc["Statement"]:
            res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            if "*" in res:
                stars.append(f"{name}:{st.get('Sid')}")
out["policies.star"] = " ".join(stars) or "none"
doc = iam.get_role_policy(RoleName=f"{stack}-vidpipe-presign", PolicyName="presign")["PolicyDocument"]
out["presign.s3"] = [s for s in doc["Statement"] if s["Sid"] == "PutOwnUploads"][0]["Resource"]
pol = json.loads(lam.get_policy(FunctionName=f"{stack}-convert")["Policy"])["Statement"][0]
out["convert.permission"] = pol["Principal"]["Service"] + " " + pol["Condition"]["StringEquals"]["AWS:SourceAccount"]
e = mp.describe_origin_endpoint(Id=f"{stack}-vidpipe-hls")
out["hls"] = e["ChannelId"] + " " + str(e["HlsPackage"]["SegmentDurationSeconds"])
t = mc.get_job_template(Name=f"{stack}-vidpipe-hls")["JobTemplate"]
out["template"] = " ".join(o["NameModifier"] for g in t["Settings"]["OutputGroups"] for o in g["Outputs"])
for k, v in out.items():
    print(f"{k}={v}")
PY
python3 check.py t1 "$ART" >t1.check 2>check.err || t_fail "boto3 reads the stack back" "$(tail -5 check.err)"
val() { sed -n "s|^$1=||p" t1.check; }
for fn in presign convert package videos; do
    t_eq "boto3: $fn's code is the local zip (CodeSha256)" "same" "$(val $fn.code)"
    t_eq "boto3: $fn runs on provided.al2023" "provided.al2023 bootstrap" "$(val $fn.runtime)"
done
t_eq "boto3: presign's environment" "VIDPIPE_UPLOAD_BUCKET VIDPIPE_UPLOAD_PREFIX VIDPIPE_UPLOAD_URL_EXPIRES" "$(val presign.env)"
t_eq "boto3: convert's environment points at this stack" "t1-vidpipe-hls t1-vidpipe-media t1-videos t1" "$(val convert.env.values)"
t_eq "boto3: videos' environment carries the table and the key" "VIDPIPE_PAGE_TOKEN_KEY VIDPIPE_VIDEOS_TABLE" "$(val videos.env)"
t_eq "boto3: uploads notify convert on ObjectCreated under uploads/" "t1-convert s3:ObjectCreated:* prefix=uploads/" "$(val notification)"
t_eq "boto3: both routes, behind the JWT authorizer" "GET /videos:JWT POST /upload:JWT" "$(val routes)"
t_eq "boto3: the authorizer's issuer and audience" "https://issuer.example.com/ vidpipe-app" "$(val authorizer)"
t_eq "boto3: Lambda proxy integrations, payload format 2.0" "t1-presign/2.0 t1-videos/2.0" "$(val integrations)"
t_eq "boto3: the rule matches this stack's finished jobs, for package" "aws.mediaconvert COMPLETE,ERROR t1 t1-package" "$(val rule)"
t_eq "boto3: no policy grants on Resource \"*\"" "none" "$(val policies.star)"
t_eq "boto3: presign may only put under the uploads prefix" "arn:aws:s3:::t1-vidpipe-uploads/uploads/*" "$(val presign.s3)"
t_eq "boto3: S3 may invoke convert only for this account" "s3.amazonaws.com 123456789012" "$(val convert.permission)"
t_eq "boto3: the HLS endpoint on the stack's channel" "t1-vidpipe 6" "$(val hls)"
t_eq "stand-in: the job template's renditions and thumbnails" "_720p _360p _thumb" "$(val template)"

# ---- one change per resource type behind vidpipe's back ----
python3 - <<PY
import json, os, boto3
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
s3, ddb, iam, lam = (boto3.client(s, **kw) for s in ("s3", "dynamodb", "iam", "lambda"))
ev, api, mp = (boto3.client(s, **kw) for s in ("events", "apigatewayv2", "mediapackage"))
mc = boto3.client("mediaconvert", endpoint_url=os.environ["MC_URL"], region_name="us-east-1")
s3.delete_bucket_cors(Bucket="t1-vidpipe-uploads")
ddb.update_continuous_backups(TableName="t1-videos", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
iam.put_role_policy(RoleName="t1-vidpipe-presign", PolicyName="presign", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Sid": "Wider", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::t1-vidpipe-uploads/*"}]}))
lam.update_function_configuration(FunctionName="t1-presign", Timeout=9)
lam.remove_permission(FunctionName="t1-convert", StatementId="s3-uploads")
s3.put_bucket_notification_configuration(Bucket="t1-vidpipe-uploads", NotificationConfiguration={})
ev.put_rule(Name="t1-vidpipe-job-state", EventPattern=json.dumps({"source": ["aws.mediaconvert"]}))
a = [x for x in api.get_apis()["Items"] if x["Name"] == "t1-vidpipe"][0]
r = [x for x in api.get_routes(ApiId=a["ApiId"])["Items"] if x["RouteKey"] == "GET /videos"][0]
api.delete_route(ApiId=a["ApiId"], RouteId=r["RouteId"])
e = mp.describe_origin_endpoint(Id="t1-vidpipe-hls")
hls = dict(e["HlsPackage"], SegmentDurationSeconds=2)
mp.update_origin_endpoint(Id="t1-vidpipe-hls", HlsPackage=hls, ManifestName=e["ManifestName"], Description=e.get("Description", ""),
    StartoverWindowSeconds=e.get("StartoverWindowSeconds", 0), TimeDelaySeconds=e.get("TimeDelaySeconds", 0),
    Origination=e.get("Origination", "ALLOW"), Whitelist=e.get("Whitelist", []))
t = mc.get_job_template(Name="t1-vidpipe-hls")["JobTemplate"]
t["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]["SegmentLength"] = 10
mc.update_job_template(Name="t1-vidpipe-hls", Settings=t["Settings"])
PY
t_status "drift finds every change (exit 2)" 2 "$VIDPIPE" drift "$spec" $(vars t1) --json
printf '%s' "$T_OUT" >drift.json
drifted() { python3 -c "
import json; d = json.load(open('drift.json'))
r = {x['address']: x for x in d['resources']}['$1']
print(r['status'], ' '.join(r['changed_paths']))"; }
t_contains "s3_bucket: the CORS rules" "$(drifted s3_bucket.uploads)" "drifted cors_rules"
t_contains "dynamodb_table: point-in-time recovery" "$(drifted dynamodb_table.videos_table)" "point_in_time_recovery"
t_contains "iam_role: the inline policy" "$(drifted iam_role.presign_role)" "inline_policies"
t_contains "lambda_function: the timeout" "$(drifted lambda_function.presign)" "timeout"
t_contains "lambda_permission: removed" "$(drifted lambda_permission.convert_from_uploads)" "deleted"
t_contains "s3_bucket_notification: its functions" "$(drifted s3_bucket_notification.upload_events)" "lambda_functions"
t_contains "eventbridge_rule: the pattern" "$(drifted eventbridge_rule.job_events)" "event_pattern"
t_contains "http_api: its routes" "$(drifted http_api.api)" "routes"
t_contains "mediapackage_hls_endpoint: the segment duration" "$(drifted mediapackage_hls_endpoint.hls)" "segment_duration_seconds"
t_contains "mediaconvert_job_template: the settings" "$(drifted mediaconvert_job_template.job_template)" "drifted"
t_lacks "the drift report never shows the key" "$(cat drift.json)" "$key"
t_status "the next apply repairs everything" 0 "$VIDPIPE" apply "$spec" $(vars t1) --auto-approve
t_status "no drift left" 0 "$VIDPIPE" drift "$spec" $(vars t1)
t_status "and nothing to plan" 0 "$VIDPIPE" plan "$spec" $(vars t1) --detailed-exitcode
python3 check.py t1 "$ART" >t1.after 2>check.err
t_eq "boto3: the stack reads back as it did before the changes" "$(cat t1.check)" "$(cat t1.after)"

# ---- rebuilt zips (same sources) change nothing ----
mkdir rebuilt
for fn in presign convert package videos; do
    sh "$VP_ROOT/scripts/bundle-handler.sh" "$ART/$fn.elf" "rebuilt/$fn" >/dev/null &&
        "$(dirname "$ART")/tools/mkzip" "rebuilt/$fn.zip" "rebuilt/$fn" >/dev/null
done
t_eq "the rebuilt zips are byte-identical" "$(cd "$ART" && sha256sum presign.zip convert.zip package.zip videos.zip)" \
    "$(cd rebuilt && sha256sum presign.zip convert.zip package.zip videos.zip)"
VIDPIPE_ARTIFACTS_DIR=$T_TMP/rebuilt t_status "so a plan with them uploads no code" 0 "$VIDPIPE" plan "$spec" $(vars t1) --detailed-exitcode

# ---- destroy leaves nothing of t1, and t2 untouched ----
t_status "destroy t1" 0 "$VIDPIPE" destroy "$spec" $(vars t1) --auto-approve
t_contains "all of it" "$T_OUT" "Destroy complete! Resources: 22 destroyed."
t_eq "boto3: nothing named t1 is left in any service" "" "$(python3 - <<PY
import os, boto3
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
c = lambda s: boto3.client(s, **kw)
names = [b["Name"] for b in c("s3").list_buckets()["Buckets"]] + c("dynamodb").list_tables()["TableNames"]
names += [r["RoleName"] for r in c("iam").list_roles()["Roles"]] + [f["FunctionName"] for f in c("lambda").list_functions()["Functions"]]
names += [a["Name"] for a in c("apigatewayv2").get_apis()["Items"]] + [r["Name"] for r in c("events").list_rules()["Rules"]]
names += [x["Id"] for x in c("mediapackage").list_channels()["Channels"]] + [x["Id"] for x in c("mediapackage").list_origin_endpoints()["OriginEndpoints"]]
mc = boto3.client("mediaconvert", endpoint_url=os.environ["MC_URL"], region_name="us-east-1")
names += [t["Name"] for t in mc.list_job_templates()["JobTemplates"]]
print(" ".join(sorted(n for n in names if n.startswith("t1-"))))
PY
)"
t_status "t2 was never touched: no drift" 0 "$VIDPIPE" drift "$spec" $(vars t2)
python3 check.py t2 "$ART" >t2.check 2>check.err
t_eq "boto3: t2 reads back whole" "same same same same" "$(sed -n 's/^[a-z]*\.code=//p' t2.check | tr '\n' ' ' | sed 's/ $//')"
