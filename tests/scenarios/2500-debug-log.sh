# 2500-debug-log: --debug and VIDPIPE_LOG=debug log each request's method, URL, status, latency, attempt and
# request id, and never a secret: no signature, credential, session token or secret key.
. tests/lib.sh
moto_start
export AWS_SESSION_TOKEN=FQoGZXIvYXdzEXAMPLESESSIONTOKENVALUE
t_status "a call with --debug" 0 "$VIDPIPE" --debug debug call sts GetCallerIdentity
log=$T_ERR
t_contains "method, operation and URL" "$log" "http GetCallerIdentity POST $MOTO_URL/ -> 200 in"
t_contains "the attempt" "$log" "(attempt 1/3, request id"
t_contains "the request id" "$log" "request id $(printf '%s' "$log" | sed -n 's/.*request id \([^)]*\)).*/\1/p' | head -n 1)"
t_lacks "no secret key" "$log" "$AWS_SECRET_ACCESS_KEY"
t_lacks "no session token" "$log" "$AWS_SESSION_TOKEN"
t_lacks "no signature" "$log" "Signature="
t_contains "Authorization redacted" "$log" "Authorization: REDACTED"
t_contains "the token header redacted" "$log" "X-Amz-Security-Token: REDACTED"
t_status "VIDPIPE_LOG=debug does the same" 0 env VIDPIPE_LOG=debug "$VIDPIPE" debug call dynamodb ListTables
t_contains "a DynamoDB line" "$T_ERR" "http ListTables POST $MOTO_URL/ -> 200"
t_lacks "and no secret" "$T_ERR" "$AWS_SECRET_ACCESS_KEY"
t_status "without --debug nothing is logged" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_eq "stderr is empty" "" "$T_ERR"
