# 2600-bad-answers: answers that are not what the protocol promises give one clear line and exit 1,
# never a crash: a 200 that is not JSON, a truncated body that stays truncated, an HTML page.
. tests/lib.sh
moto_start
fault_start
export VIDPIPE_RETRY_BASE_MS=1
fault_script "nonjson"
t_status "a 200 that is not JSON" 1 "$VIDPIPE" debug call dynamodb ListTables
t_contains "is reported as malformed" "$T_ERR" "vidpipe: error: dynamodb ListTables: malformed JSON answer (HTTP 200"
t_eq "on one line" "1" "$(printf '%s\n' "$T_ERR" | wc -l | tr -d ' ')"
fault_script "truncate,truncate,truncate"
t_status "a body truncated on every attempt" 1 "$VIDPIPE" debug call lambda ListFunctions --path /2015-03-31/functions/
t_contains "is a transfer error" "$T_ERR" "vidpipe: error: lambda ListFunctions:"
fault_script "nonjson"
t_status "an S3 answer that is not XML where XML is parsed" 0 "$VIDPIPE" debug call s3 ListBuckets
fault_script "nonjson"
t_status "a Query answer that is not XML" 1 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "is reported as malformed" "$T_ERR" "malformed XML answer"
fault_script "html502,html502,html502"
t_status "an HTML 502 on a Query call" 1 "$VIDPIPE" debug call iam ListRoles
t_contains "is HTTP 502" "$T_ERR" "iam ListRoles: HTTP 502"
fault_script ""
