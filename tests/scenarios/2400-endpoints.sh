# 2400-endpoints: default endpoints per service and region, and the SDKs' override precedence:
# AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > the profile's services section > the profile's endpoint_url.
. tests/lib.sh
ep() { "$VIDPIPE" debug endpoint "$@" 2>&1 | sed -n 's/^url: //p'; }
export AWS_REGION=eu-west-1
t_eq "dynamodb default" "https://dynamodb.eu-west-1.amazonaws.com" "$(ep dynamodb)"
t_eq "lambda default" "https://lambda.eu-west-1.amazonaws.com" "$(ep lambda)"
t_eq "mediaconvert regional endpoint" "https://mediaconvert.eu-west-1.amazonaws.com" "$(ep mediaconvert)"
t_eq "mediapackage default" "https://mediapackage.eu-west-1.amazonaws.com" "$(ep mediapackage)"
t_eq "apigatewayv2 default" "https://apigateway.eu-west-1.amazonaws.com" "$(ep apigatewayv2)"
t_eq "eventbridge default" "https://events.eu-west-1.amazonaws.com" "$(ep eventbridge)"
t_eq "sts is regional" "https://sts.eu-west-1.amazonaws.com" "$(ep sts)"
t_eq "iam is global" "https://iam.amazonaws.com" "$(ep iam)"
t_contains "iam signs for us-east-1" "$("$VIDPIPE" debug endpoint iam)" "signing region: us-east-1"
t_eq "iam in China" "https://iam.cn-north-1.amazonaws.com.cn" "$(AWS_REGION=cn-northwest-1 ep iam)"
t_eq "dynamodb in China" "https://dynamodb.cn-north-1.amazonaws.com.cn" "$(AWS_REGION=cn-north-1 ep dynamodb)"
t_eq "s3 virtual-hosted" "https://vp-raw.s3.eu-west-1.amazonaws.com" "$(ep s3 --bucket vp-raw)"
t_eq "s3 path style for a dotted bucket" "https://s3.eu-west-1.amazonaws.com/vp.raw" "$(ep s3 --bucket vp.raw)"

export AWS_ENDPOINT_URL=http://127.0.0.1:4566
t_eq "AWS_ENDPOINT_URL applies to all" "http://127.0.0.1:4566" "$(ep dynamodb)"
t_eq "s3 on an IP endpoint is path style" "http://127.0.0.1:4566/vp-raw" "$(ep s3 --bucket vp-raw)"
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000/ AWS_ENDPOINT_URL_APIGATEWAYV2=http://127.0.0.1:9000
t_eq "the service variable wins" "http://127.0.0.1:8000" "$(ep dynamodb)"
t_eq "APIGATEWAYV2 by its service id" "http://127.0.0.1:9000" "$(ep apigatewayv2)"
t_eq "others keep the global one" "http://127.0.0.1:4566" "$(ep lambda)"
t_eq "s3 virtual-hosted on a named host" "http://vp-raw.localhost:4566" "$(AWS_ENDPOINT_URL=http://localhost:4566 ep s3 --bucket vp-raw)"
t_contains "reported as configured" "$("$VIDPIPE" debug endpoint lambda)" "source: configured"
t_eq "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns them off" "https://lambda.eu-west-1.amazonaws.com" "$(AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ep lambda)"
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_APIGATEWAYV2

cat >"$AWS_CONFIG_FILE" <<'INI'
[profile local]
region = us-west-2
endpoint_url = http://127.0.0.1:5000
services = local-services

[services local-services]
dynamodb =
  endpoint_url = http://127.0.0.1:8001
s3 =
  addressing_style = path
  endpoint_url = http://s3.local.test:9000
INI
export AWS_PROFILE=local
unset AWS_REGION
t_eq "the profile's services section" "http://127.0.0.1:8001" "$(ep dynamodb)"
t_eq "the profile's endpoint_url" "http://127.0.0.1:5000" "$(ep lambda)"
t_eq "the profile's region" "signing region: us-west-2" "$("$VIDPIPE" debug endpoint lambda | grep signing)"
t_eq "the environment beats the profile" "http://127.0.0.1:7000" "$(AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:7000 ep lambda)"
unset AWS_PROFILE
export AWS_REGION=us-east-1

# Bad endpoint URLs: one line, exit 1, naming the variable.
for bad in "127.0.0.1:4566" "ftp://127.0.0.1" "http://" "http://127.0.0.1:99999" "http://127.0.0.1:45a6"; do
    t_status "bad AWS_ENDPOINT_URL '$bad' is refused" 1 env AWS_ENDPOINT_URL="$bad" "$VIDPIPE" debug call sts GetCallerIdentity
    t_contains "naming AWS_ENDPOINT_URL ('$bad')" "$T_ERR" "AWS_ENDPOINT_URL"
    t_eq "on one line ('$bad')" "1" "$(printf '%s\n' "$T_ERR" | wc -l | tr -d ' ')"
done
t_status "no region at all is a clear error" 1 env -u AWS_REGION "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "saying how to set one" "$T_ERR" "no AWS region"
