# 2300-retries: the standard retry mode against the fault proxy in front of moto: throttling and transient
# errors are retried with the attempt budget, final errors are not, the quota stops a storm, clock skew is
# corrected, and AWS_MAX_ATTEMPTS / AWS_RETRY_MODE are honoured.
. tests/lib.sh
moto_start
python3 -c "
import boto3
boto3.client('dynamodb', endpoint_url='$MOTO_URL', region_name='us-east-1').create_table(TableName='vp-videos',
    BillingMode='PAY_PER_REQUEST', AttributeDefinitions=[{'AttributeName':'k','AttributeType':'S'}],
    KeySchema=[{'AttributeName':'k','KeyType':'HASH'}])
boto3.client('s3', endpoint_url='$MOTO_URL', region_name='us-east-1').create_bucket(Bucket='vp-b')"
fault_start
export VIDPIPE_RETRY_BASE_MS=5
describe() { "$VIDPIPE" debug call dynamodb DescribeTable '{"TableName":"vp-videos"}'; }

# run_with SCRIPT DESC WANT_STATUS WANT_REQUESTS CMD...
run_with() {
    local script=$1 desc=$2 want=$3 want_requests=$4 before
    shift 4
    fault_script "$script"
    before=$(fault_requests)
    t_status "$desc" "$want" "$@"
    t_eq "$desc: $want_requests requests sent" "$want_requests" "$(( $(fault_requests) - before ))"
}

run_with "throttle,throttle" "two throttles, then success" 0 3 describe
run_with "429" "429 TooManyRequests is retried" 0 2 describe
run_with "slowdown,500" "S3 SlowDown and 500 are retried" 0 3 "$VIDPIPE" debug call s3 ListObjectsV2 --bucket vp-b --query list-type=2
run_with "reset" "a connection reset is retried" 0 2 describe
run_with "truncate" "a truncated answer is retried" 0 2 describe
run_with "500,500,500" "three 500s exhaust the default 3 attempts" 1 3 describe
t_contains "the last error is reported" "$T_ERR" "InternalServerError"
run_with "html502,html502,html502" "a proxy's HTML 502 is retried, then reported" 1 3 describe
t_contains "as HTTP 502 with the page's text" "$T_ERR" "HTTP 502, not an AWS error answer: <html> <head><title>502 Bad Gateway"
t_eq "on one line" "1" "$(printf '%s\n' "$T_ERR" | wc -l | tr -d ' ')"
run_with "" "a final error (missing table) is not retried" 1 1 "$VIDPIPE" debug call dynamodb DescribeTable '{"TableName":"vp-none"}'
export AWS_MAX_ATTEMPTS=5
run_with "500,500,500,500" "AWS_MAX_ATTEMPTS=5 allows 4 retries" 0 5 describe
export AWS_MAX_ATTEMPTS=1
run_with "throttle" "AWS_MAX_ATTEMPTS=1 never retries" 1 1 describe
unset AWS_MAX_ATTEMPTS
export AWS_RETRY_MODE=legacy
run_with "500,500,500,500" "legacy mode makes 5 attempts" 0 5 describe
unset AWS_RETRY_MODE
t_status "an unknown AWS_RETRY_MODE is an error" 1 env AWS_RETRY_MODE=sometimes "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "naming the setting" "$T_ERR" "AWS_RETRY_MODE"

# The quota: 500 tokens at 5 a retry stop a storm of 500s after 100 retries even with attempts to spare.
export AWS_MAX_ATTEMPTS=1000 VIDPIPE_RETRY_BASE_MS=0
run_with "$(python3 -c 'print(",".join(["500"]*300))')" "the retry quota stops a storm" 1 101 describe
fault_script ""
unset AWS_MAX_ATTEMPTS
export VIDPIPE_RETRY_BASE_MS=5

# Clock skew: a RequestTimeTooSkewed answer dated an hour ahead corrects the clock and retries at once.
run_with "skew" "clock skew is corrected and the call retried" 0 2 "$VIDPIPE" --debug debug call s3 ListObjectsV2 --bucket vp-b --query list-type=2
# (3599 to 3601: the proxy's date and ours may straddle a second boundary)
t_eq "saying so" "yes" "$(printf '%s' "$T_ERR" | grep -Eq 'local clock is 3(599|600|601) s off' && echo yes || echo no)"

# Timeouts: an answer slower than the timeout is abandoned and retried.
export VIDPIPE_HTTP_TIMEOUT_MS=500
run_with "delay:3000" "a slow answer times out and is retried" 0 2 describe
unset VIDPIPE_HTTP_TIMEOUT_MS

# Connection refused: retried, then one clear line.
port=$(t_free_port)
t_status "nothing listening: retried, then an error" 1 env AWS_ENDPOINT_URL="http://127.0.0.1:$port" "$VIDPIPE" --debug debug call sts GetCallerIdentity
t_contains "three attempts" "$T_ERR" "attempt 3/3"
t_contains "a clear message" "$T_ERR" "vidpipe: error: sts GetCallerIdentity: Failed to connect to 127.0.0.1 port $port"
