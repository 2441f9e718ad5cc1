#!/usr/bin/env python3
"""peer_boto3.py: the reference a user would write instead of vidpipe plan: a boto3 script reading every
resource of a vidpipe state file, every attribute group a user must read to compare it with a spec (for a
bucket: location, tags, CORS, public access block, encryption, versioning, lifecycle; for a table: describe,
TTL, continuous backups, tags; ...). --threads 1 reads the resources one by one, --threads 10 maps a
ThreadPoolExecutor(10) over them (one resource's reads in order on one thread).
Usage: peer_boto3.py STATE.json --endpoint URL [--mc-endpoint URL] [--threads N] [--limit N]
Prints one JSON line: {"resources": N, "calls": N, "errors": N, "read_ms": X} (read_ms: the reads only,
without Python's start and boto3's import, which the driver's wall time includes).
"""
import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.config
import botocore.exceptions

calls = 0
errors = 0
lock = threading.Lock()


def count(**_):
    global calls
    with lock:
        calls += 1


def soft(fn, **kw):
    """A read whose 'not configured' error is an answer (no CORS, no lifecycle...), as for vidpipe."""
    global errors
    try:
        return fn(**kw)
    except botocore.exceptions.ClientError as e:
        if e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in (404, 400) or "NoSuch" in str(e):
            return None
        with lock:
            errors += 1
        return None


def make_readers(c):
    s3, ddb, iam, ev, lam, mp, api, mc = (c[k] for k in ("s3", "dynamodb", "iam", "events", "lambda",
                                                          "mediapackage", "apigatewayv2", "mediaconvert"))

    def bucket(rid, attrs):
        for fn in (s3.get_bucket_location, s3.get_bucket_tagging, s3.get_bucket_cors, s3.get_public_access_block,
                   s3.get_bucket_encryption, s3.get_bucket_versioning, s3.get_bucket_lifecycle_configuration):
            soft(fn, Bucket=rid)

    def table(rid, attrs):
        d = soft(ddb.describe_table, TableName=rid)
        soft(ddb.describe_time_to_live, TableName=rid)
        soft(ddb.describe_continuous_backups, TableName=rid)
        if d:
            soft(ddb.list_tags_of_resource, ResourceArn=d["Table"]["TableArn"])

    def role(rid, attrs):
        soft(iam.get_role, RoleName=rid)
        names = soft(iam.list_role_policies, RoleName=rid) or {}
        for name in names.get("PolicyNames", []):
            soft(iam.get_role_policy, RoleName=rid, PolicyName=name)
        soft(iam.list_attached_role_policies, RoleName=rid)
        soft(iam.list_role_tags, RoleName=rid)

    def rule(rid, attrs):
        bus, _, name = rid.rpartition("/")
        kw = {"Name": name, **({"EventBusName": bus} if bus else {})}
        d = soft(ev.describe_rule, **kw)
        soft(ev.list_targets_by_rule, Rule=name, **({"EventBusName": bus} if bus else {}))
        if d:
            soft(ev.list_tags_for_resource, ResourceARN=d["Arn"])

    def function(rid, attrs):
        soft(lam.get_function, FunctionName=rid)           # configuration, code hash and tags at once

    def permission(rid, attrs):
        soft(lam.get_policy, FunctionName=rid.split("/")[0])

    def notification(rid, attrs):
        soft(s3.get_bucket_notification_configuration, Bucket=rid)

    def channel(rid, attrs):
        soft(mp.describe_channel, Id=rid)

    def endpoint(rid, attrs):
        soft(mp.describe_origin_endpoint, Id=rid)

    def template(rid, attrs):
        d = soft(mc.get_job_template, Name=rid.split("@")[0])
        if d:
            soft(mc.list_tags_for_resource, Arn=d["JobTemplate"]["Arn"])

    def http_api(rid, attrs):
        soft(api.get_api, ApiId=rid)
        soft(api.get_routes, ApiId=rid)
        soft(api.get_integrations, ApiId=rid)
        soft(api.get_authorizers, ApiId=rid)
        soft(api.get_stage, ApiId=rid, StageName="$default")

    return {"s3_bucket": bucket, "dynamodb_table": table, "iam_role": role, "eventbridge_rule": rule,
            "lambda_function": function, "lambda_permission": permission, "s3_bucket_notification": notification,
            "mediapackage_channel": channel, "mediapackage_hls_endpoint": endpoint,
            "mediaconvert_job_template": template, "http_api": http_api}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("state")
    p.add_argument("--endpoint", required=True)
    p.add_argument("--mc-endpoint")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="read only the first N resources")
    a = p.parse_args()
    resources = json.load(open(a.state))["resources"]
    if a.limit:
        resources = resources[:a.limit]
    cfg = botocore.config.Config(max_pool_connections=max(10, a.threads), retries={"mode": "standard"})
    clients = {}
    for svc in ("s3", "dynamodb", "iam", "events", "lambda", "mediapackage", "apigatewayv2", "mediaconvert"):
        url = a.mc_endpoint if svc == "mediaconvert" and a.mc_endpoint else a.endpoint
        clients[svc] = boto3.client(svc, endpoint_url=url, region_name="us-east-1", config=cfg)
        clients[svc].meta.events.register("before-send", count)
    readers = make_readers(clients)

    def read(r):
        readers[r["type"]](r["id"], r.get("attributes", {}))

    start = time.monotonic()
    if a.threads <= 1:
        for r in resources:
            read(r)
    else:
        with ThreadPoolExecutor(a.threads) as pool:
            list(pool.map(read, resources))
    read_ms = (time.monotonic() - start) * 1000
    print(json.dumps({"resources": len(resources), "calls": calls, "errors": errors, "read_ms": round(read_ms, 1)}))


if __name__ == "__main__":
    sys.exit(main())
