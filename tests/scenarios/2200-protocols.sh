# 2200-protocols: one real call per protocol through the client core against moto, each result read back
# with boto3 (the independent reader), and boto3's writes read with vidpipe.
. tests/lib.sh
moto_start

boto() {  # boto SERVICE CODE: runs CODE with `c` a boto3 client of SERVICE at the same endpoint
    python3 -c "
import boto3, json, sys
c = boto3.client('$1', endpoint_url='$MOTO_URL', region_name='us-east-1')
$2"
}

# REST-XML (S3): create a bucket, put and get CORS; boto3 sees both.
t_status "s3 CreateBucket" 0 "$VIDPIPE" debug call s3 CreateBucket --method PUT --bucket vp-raw-uploads
t_eq "boto3 lists the bucket" "vp-raw-uploads" "$(boto s3 "print(' '.join(b['Name'] for b in c.list_buckets()['Buckets']))")"
cat >"$T_TMP/cors.xml" <<'XML'
<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>
XML
t_status "s3 PutBucketCors" 0 "$VIDPIPE" debug call s3 PutBucketCors --method PUT --bucket vp-raw-uploads --query cors --body @"$T_TMP/cors.xml"
t_eq "boto3 reads the CORS rule" "['https://app.example.com'] ['PUT'] 3000" \
    "$(boto s3 "r = c.get_bucket_cors(Bucket='vp-raw-uploads')['CORSRules'][0]; print(r['AllowedOrigins'], r['AllowedMethods'], r['MaxAgeSeconds'])")"
t_status "s3 GetBucketCors" 0 "$VIDPIPE" debug call s3 GetBucketCors --bucket vp-raw-uploads --query cors
t_contains "vidpipe reads the CORS rule back" "$T_OUT" "<AllowedOrigin>https://app.example.com</AllowedOrigin>"
t_status "s3 ListBuckets" 0 "$VIDPIPE" debug call s3 ListBuckets
t_contains "vidpipe lists the bucket" "$T_OUT" "<Name>vp-raw-uploads</Name>"
boto s3 "c.put_object(Bucket='vp-raw-uploads', Key='uploads/u 1/clip é.mp4', Body=b'hello')"
t_status "s3 GetObject of a key with a space and UTF-8" 0 "$VIDPIPE" debug call s3 GetObject --bucket vp-raw-uploads --key "uploads/u 1/clip é.mp4"
t_eq "the object's bytes" "hello" "$T_OUT"
t_status "s3 missing bucket is an error" 1 "$VIDPIPE" debug call s3 GetBucketCors --bucket vp-none --query cors
t_contains "with the S3 error code" "$T_ERR" "NoSuchBucket"

# JSON 1.0 (DynamoDB): create and describe a table; boto3 sees its key schema.
t_status "dynamodb CreateTable" 0 "$VIDPIPE" debug call dynamodb CreateTable '{"TableName":"vp-videos","BillingMode":"PAY_PER_REQUEST",
  "AttributeDefinitions":[{"AttributeName":"user_id","AttributeType":"S"},{"AttributeName":"video_id","AttributeType":"S"}],
  "KeySchema":[{"AttributeName":"user_id","KeyType":"HASH"},{"AttributeName":"video_id","KeyType":"RANGE"}]}'
t_eq "boto3 reads the key schema" "user_id:HASH video_id:RANGE PAY_PER_REQUEST" \
    "$(boto dynamodb "t = c.describe_table(TableName='vp-videos')['Table']; print(' '.join(k['AttributeName']+':'+k['KeyType'] for k in t['KeySchema']), t['BillingModeSummary']['BillingMode'])")"
t_status "dynamodb DescribeTable" 0 "$VIDPIPE" debug call dynamodb DescribeTable '{"TableName":"vp-videos"}'
t_contains "vidpipe reads the table" "$T_OUT" '"TableStatus": "ACTIVE"'
t_status "dynamodb error is parsed" 1 "$VIDPIPE" debug call dynamodb DescribeTable '{"TableName":"vp-none"}'
t_contains "with its code" "$T_ERR" "ResourceNotFoundException"

# Query (IAM): create and get a role; boto3 reads the trust policy.
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
t_status "iam CreateRole" 0 "$VIDPIPE" debug call iam CreateRole RoleName=vp-presign "AssumeRolePolicyDocument=$trust" Path=/vidpipe/
t_eq "boto3 reads the role" "/vidpipe/ lambda.amazonaws.com" \
    "$(boto iam "r = c.get_role(RoleName='vp-presign')['Role']; print(r['Path'], r['AssumeRolePolicyDocument']['Statement'][0]['Principal']['Service'])")"
t_status "iam GetRole" 0 "$VIDPIPE" debug call iam GetRole RoleName=vp-presign
t_contains "vidpipe reads the role ARN" "$T_OUT" "arn:aws:iam::123456789012:role/vidpipe/vp-presign"
t_status "iam error is parsed" 1 "$VIDPIPE" debug call iam GetRole RoleName=vp-none
t_contains "with its code" "$T_ERR" "NoSuchEntity"

# Query (STS): the caller's identity matches boto3's.
t_status "sts GetCallerIdentity" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "the same account boto3 sees" "$T_OUT" "<Account>$(boto sts "print(c.get_caller_identity()['Account'])")</Account>"

# REST-JSON (Lambda): a function boto3 made is listed by vidpipe.
boto lambda "
import io, zipfile
b = io.BytesIO(); z = zipfile.ZipFile(b, 'w'); z.writestr('bootstrap', 'x'); z.close()
c.create_function(FunctionName='vp-presign', Runtime='provided.al2023', Role='arn:aws:iam::123456789012:role/vidpipe/vp-presign',
                  Handler='bootstrap', Code={'ZipFile': b.getvalue()})"
t_status "lambda ListFunctions" 0 "$VIDPIPE" debug call lambda ListFunctions --path /2015-03-31/functions/
t_contains "vidpipe lists the function" "$T_OUT" '"FunctionName": "vp-presign"'
t_status "lambda error is parsed" 1 "$VIDPIPE" debug call lambda GetFunction --path /2015-03-31/functions/vp-none
t_contains "with its code" "$T_ERR" "ResourceNotFoundException"

# REST-JSON (MediaPackage, API Gateway v2) and JSON 1.1 (EventBridge): list what boto3 made.
boto mediapackage "c.create_channel(Id='vp-channel', Description='vidpipe test')"
t_status "mediapackage ListChannels" 0 "$VIDPIPE" debug call mediapackage ListChannels --path /channels
t_contains "vidpipe lists the channel" "$T_OUT" '"id": "vp-channel"'
api_id=$(boto apigatewayv2 "print(c.create_api(Name='vp-api', ProtocolType='HTTP')['ApiId'])")
t_status "apigatewayv2 GetApis" 0 "$VIDPIPE" debug call apigatewayv2 GetApis --path /v2/apis
t_contains "vidpipe lists the API" "$T_OUT" "\"apiId\": \"$api_id\""
boto events "c.put_rule(Name='vp-mediaconvert', EventPattern='{\"source\":[\"aws.mediaconvert\"]}')"
t_status "eventbridge ListRules" 0 "$VIDPIPE" debug call eventbridge ListRules '{"NamePrefix":"vp-"}'
t_contains "vidpipe lists the rule" "$T_OUT" '"Name": "vp-mediaconvert"'

# vidpipe writes through JSON 1.1, boto3 reads.
t_status "eventbridge PutRule" 0 "$VIDPIPE" debug call eventbridge PutRule '{"Name":"vp-second","ScheduleExpression":"rate(1 day)"}'
t_eq "boto3 reads the rule vidpipe wrote" "rate(1 day)" "$(boto events "print(c.describe_rule(Name='vp-second')['ScheduleExpression'])")"
