# 4100-s3-bucket: the s3_bucket provider against moto through `vidpipe debug resource`: a bucket created with
# every setting, read back by boto3 (the independent reader) and by vidpipe in exactly want's shape (so a plan
# right after apply shows no change); updates that touch only what differs; delete refusing a bucket with
# objects unless force_destroy; missing buckets reading as null and deleting as success.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
B=vp-test-uploads

# vp_same WANT LIVE: prints "same" when LIVE (vidpipe's read) holds exactly WANT's attributes, computed
# (arn, region, regional_domain_name) and local (force_destroy) ones aside; else the differences.
vp_same() {
    python3 - "$1" "$2" <<'PY'
import json, sys
want, live = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).read())
for k in ("arn", "region", "regional_domain_name", "force_destroy"):
    want.pop(k, None); live.pop(k, None)
diff = sorted(k for k in set(want) | set(live) if want.get(k) != live.get(k))
print("same" if not diff else "; ".join("%s: want %s, live %s" % (k, json.dumps(want.get(k)), json.dumps(live.get(k))) for k in diff))
PY
}
# ops FILE: the AWS operations a debug log made, one per line.
ops() { sed -n 's/^vidpipe debug: http \([A-Za-z]*\) .*/\1/p' "$1"; }

# Every setting given, defaults written out, so read must equal this file exactly.
cat >"$T_TMP/full.json" <<JSON
{"name": "$B", "force_destroy": false, "tags": {"env": "dev", "team": "video & <audio>"},
 "cors_rules": [
   {"allowed_origins": ["https://app.example.com"], "allowed_methods": ["PUT", "POST"], "allowed_headers": ["*"],
    "expose_headers": ["ETag"], "max_age_seconds": 3000},
   {"allowed_origins": ["*"], "allowed_methods": ["GET"], "allowed_headers": [], "expose_headers": []}],
 "public_access_block": {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": false,
                         "restrict_public_buckets": true},
 "encryption": {"algorithm": "aws:kms", "kms_key_id": "alias/vp-uploads", "bucket_key_enabled": true},
 "versioning": true,
 "lifecycle_rules": [
   {"id": "abort-uploads", "prefix": "", "enabled": true, "abort_incomplete_multipart_days": 2},
   {"id": "expire-tmp", "prefix": "tmp/", "enabled": false, "expiration_days": 7}]}
JSON
t_status "create a bucket with every setting" 0 "$VIDPIPE" debug resource s3_bucket create "$T_TMP/full.json"
printf '%s\n' "$T_OUT" >"$T_TMP/created.json"
t_eq "create returns the bucket in want's shape" "same" "$(vp_same "$T_TMP/full.json" "$T_TMP/created.json")"
t_contains "with its ARN" "$T_OUT" "\"arn\": \"arn:aws:s3:::$B\""
t_contains "with its region" "$T_OUT" '"region": "us-east-1"'
t_contains "with its regional domain name" "$T_OUT" "\"regional_domain_name\": \"$B.s3.us-east-1.amazonaws.com\""
t_status "read the bucket" 0 "$VIDPIPE" debug resource s3_bucket read "$B"
printf '%s\n' "$T_OUT" >"$T_TMP/read.json"
t_eq "read after create equals want (a plan would show no change)" "same" "$(vp_same "$T_TMP/full.json" "$T_TMP/read.json")"

t_eq "boto3 reads the CORS rules in order" "[['https://app.example.com'], ['PUT', 'POST'], ['*'], ['ETag'], 3000] [['*'], ['GET']]" \
    "$(boto s3 "r = c.get_bucket_cors(Bucket='$B')['CORSRules']
print([r[0]['AllowedOrigins'], r[0]['AllowedMethods'], r[0]['AllowedHeaders'], r[0]['ExposeHeaders'], r[0]['MaxAgeSeconds']], [r[1]['AllowedOrigins'], r[1]['AllowedMethods']])")"
t_eq "boto3 reads the tags (XML-escaped on the wire)" "{'env': 'dev', 'team': 'video & <audio>'}" \
    "$(boto s3 "print(dict(sorted((t['Key'], t['Value']) for t in c.get_bucket_tagging(Bucket='$B')['TagSet'])))")"
t_eq "boto3 reads the public access block" "True True False True" \
    "$(boto s3 "p = c.get_public_access_block(Bucket='$B')['PublicAccessBlockConfiguration']
print(p['BlockPublicAcls'], p['IgnorePublicAcls'], p['BlockPublicPolicy'], p['RestrictPublicBuckets'])")"
t_eq "boto3 reads the default encryption" "aws:kms alias/vp-uploads True" \
    "$(boto s3 "r = c.get_bucket_encryption(Bucket='$B')['ServerSideEncryptionConfiguration']['Rules'][0]
d = r['ApplyServerSideEncryptionByDefault']; print(d['SSEAlgorithm'], d['KMSMasterKeyID'], r['BucketKeyEnabled'])")"
t_eq "boto3 reads versioning" "Enabled" "$(boto s3 "print(c.get_bucket_versioning(Bucket='$B')['Status'])")"
t_eq "boto3 reads the lifecycle rules in order" "abort-uploads Enabled 2 | expire-tmp Disabled tmp/ 7" \
    "$(boto s3 "r = c.get_bucket_lifecycle_configuration(Bucket='$B')['Rules']
print(r[0]['ID'], r[0]['Status'], r[0]['AbortIncompleteMultipartUpload']['DaysAfterInitiation'], '|', r[1]['ID'], r[1]['Status'], r[1]['Filter']['Prefix'], r[1]['Expiration']['Days'])")"

# A bucket given only its name: S3's defaults are what want's defaults say. moto reports no public access
# block and no encryption for a new bucket (real S3: SSE-S3 always on); create puts both, so they read back.
echo '{"name": "vp-test-minimal"}' >"$T_TMP/minimal.json"
t_status "create a bucket with only a name" 0 "$VIDPIPE" debug resource s3_bucket create "$T_TMP/minimal.json"
t_contains "public access fully blocked by default" "$(printf '%s' "$T_OUT" | tr -d ' \n')" \
    '"public_access_block":{"block_public_acls":true,"block_public_policy":true,"ignore_public_acls":true,"restrict_public_buckets":true}'
t_contains "SSE-S3 by default" "$(printf '%s' "$T_OUT" | tr -d ' \n')" '"encryption":{"algorithm":"AES256","bucket_key_enabled":false}'
t_contains "empty lists as []" "$(printf '%s' "$T_OUT" | tr -d ' \n')" '"cors_rules":[],'
t_eq "boto3 sees the public access block put on the new bucket" "True" \
    "$(boto s3 "print(all(c.get_public_access_block(Bucket='vp-test-minimal')['PublicAccessBlockConfiguration'].values()))")"
t_eq "boto3 sees the encryption put on the new bucket" "AES256" \
    "$(boto s3 "print(c.get_bucket_encryption(Bucket='vp-test-minimal')['ServerSideEncryptionConfiguration']['Rules'][0]['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'])")"
t_status "creating it again adopts it" 0 "$VIDPIPE" debug resource s3_bucket create "$T_TMP/minimal.json"
t_contains "still the same bucket" "$T_OUT" '"name": "vp-test-minimal"'

# Update: tags changed, CORS removed, versioning suspended, one lifecycle rule dropped; encryption and the
# public access block are unchanged, so they are not put again.
python3 - "$T_TMP/full.json" "$T_TMP/update.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
w["tags"] = {"env": "prod", "owner": "media"}
w["cors_rules"] = []
w["versioning"] = False
w["lifecycle_rules"] = w["lifecycle_rules"][:1]
json.dump(w, open(sys.argv[2], "w"))
PY
t_status "update the bucket" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource s3_bucket update "$B" "$T_TMP/update.json"
printf '%s\n' "$T_OUT" >"$T_TMP/updated.json"
printf '%s\n' "$T_ERR" >"$T_TMP/update.log"
t_eq "update returns want" "same" "$(vp_same "$T_TMP/update.json" "$T_TMP/updated.json")"
t_eq "update puts only what differs" "DeleteBucketCors PutBucketLifecycleConfiguration PutBucketTagging PutBucketVersioning" \
    "$(ops "$T_TMP/update.log" | grep -v '^Get\|^Head' | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3: the CORS configuration is gone" "NoSuchCORSConfiguration" \
    "$(boto s3 "
try: c.get_bucket_cors(Bucket='$B'); print('still there')
except c.exceptions.ClientError as e: print(e.response['Error']['Code'])")"
t_eq "boto3: versioning suspended" "Suspended" "$(boto s3 "print(c.get_bucket_versioning(Bucket='$B')['Status'])")"
t_eq "boto3: the new tags" "{'env': 'prod', 'owner': 'media'}" \
    "$(boto s3 "print(dict(sorted((t['Key'], t['Value']) for t in c.get_bucket_tagging(Bucket='$B')['TagSet'])))")"
t_eq "boto3: one lifecycle rule left" "['abort-uploads']" \
    "$(boto s3 "print([r['ID'] for r in c.get_bucket_lifecycle_configuration(Bucket='$B')['Rules']])")"
t_status "an update with nothing to change" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource s3_bucket update "$B" "$T_TMP/update.json"
printf '%s\n' "$T_ERR" >"$T_TMP/noop.log"
t_eq "puts nothing" "" "$(ops "$T_TMP/noop.log" | grep -v '^Get\|^Head')"
python3 -c "
import json; w = json.load(open('$T_TMP/update.json')); w['tags'] = {}; w['lifecycle_rules'] = []
json.dump(w, open('$T_TMP/untag.json', 'w'))"
t_status "update to no tags and no lifecycle rules" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug resource s3_bucket update "$B" "$T_TMP/untag.json"
printf '%s\n' "$T_ERR" >"$T_TMP/untag.log"
t_eq "deletes both configurations" "DeleteBucketLifecycle DeleteBucketTagging" \
    "$(ops "$T_TMP/untag.log" | grep -v '^Get\|^Head' | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_eq "boto3: the tag set is gone" "NoSuchTagSet" \
    "$(boto s3 "
try: c.get_bucket_tagging(Bucket='$B'); print('still there')
except c.exceptions.ClientError as e: print(e.response['Error']['Code'])")"

# Delete: objects (with old versions and a delete marker) block it unless force_destroy.
boto s3 "
c.put_bucket_versioning(Bucket='$B', VersioningConfiguration={'Status': 'Enabled'})
for i in range(3): c.put_object(Bucket='$B', Key='uploads/u 1/clip é.mp4', Body=b'v%d' % i)
c.put_object(Bucket='$B', Key='a&b<c>.txt', Body=b'x')
c.delete_object(Bucket='$B', Key='a&b<c>.txt')"
t_status "delete refuses a bucket that holds objects" 1 "$VIDPIPE" debug resource s3_bucket delete "$B"
t_contains "and says why and what to do" "$T_ERR" "bucket '$B' is not empty (it holds objects); empty it or set force_destroy: true"
t_eq "boto3: the bucket and its objects are still there" "5" \
    "$(boto s3 "r = c.list_object_versions(Bucket='$B'); print(len(r.get('Versions', [])) + len(r.get('DeleteMarkers', [])))")"
t_status "delete --force-destroy empties the bucket, every version and delete marker" 0 \
    "$VIDPIPE" debug resource s3_bucket delete "$B" --force-destroy
t_eq "boto3: the bucket is gone" "False" "$(boto s3 "print('$B' in [b['Name'] for b in c.list_buckets()['Buckets']])")"
t_status "read of a missing bucket" 0 "$VIDPIPE" debug resource s3_bucket read "$B"
t_eq "prints null" "null" "$T_OUT"
t_status "delete of a missing bucket succeeds" 0 "$VIDPIPE" debug resource s3_bucket delete "$B"
t_status "an empty bucket deletes without force_destroy" 0 "$VIDPIPE" debug resource s3_bucket delete vp-test-minimal

# More than one DeleteObjects batch (1000 keys each).
boto s3 "
c.create_bucket(Bucket='vp-test-many')
for i in range(1001): c.put_object(Bucket='vp-test-many', Key='k/%04d' % i, Body=b'')"
t_status "force_destroy empties a bucket of 1001 objects" 0 "$VIDPIPE" debug resource s3_bucket delete vp-test-many --force-destroy
t_eq "boto3: gone" "False" "$(boto s3 "print('vp-test-many' in [b['Name'] for b in c.list_buckets()['Buckets']])")"

# Another region: CreateBucketConfiguration carries the LocationConstraint.
t_status "create in eu-west-1" 0 env AWS_REGION=eu-west-1 "$VIDPIPE" debug resource s3_bucket create "$T_TMP/minimal.json"
t_contains "reports its region" "$T_OUT" '"regional_domain_name": "vp-test-minimal.s3.eu-west-1.amazonaws.com"'
t_eq "boto3: the bucket's location" "eu-west-1" "$(boto s3 "print(c.get_bucket_location(Bucket='vp-test-minimal')['LocationConstraint'])")"

t_status "usage: update needs ID and WANT.json" 1 "$VIDPIPE" debug resource s3_bucket update "$B"
t_status "unknown type" 1 "$VIDPIPE" debug resource s3_nope read x
t_contains "is named" "$T_ERR" "unknown resource type 's3_nope'"
