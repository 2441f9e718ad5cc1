# 2130-credentials-metadata: the machine's credential endpoints, played on loopback by
# tests/fixtures/metadata_server.py: container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI with an
# authorization token or token file) and EC2 instance metadata (IMDSv2 through
# AWS_EC2_METADATA_SERVICE_ENDPOINT), their place in the chain, and the refresh of credentials with less
# than 10 minutes left (the fixture counts requests). The relative container URI needs 169.254.170.2, which
# a test may not reach, so it is not exercised here.
. tests/lib.sh
moto_start
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
ENV_SECRET=testsecrettestsecrettestsecret

meta_start() {
    local portfile="$T_TMP/meta.port" tries=100
    rm -f "$portfile"
    t_bg python3 "$VP_ROOT/tests/fixtures/metadata_server.py" "$@" >"$portfile" 2>>"$T_TMP/meta.log"
    while [ ! -s "$portfile" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
    META_URL="http://127.0.0.1:$(head -n 1 "$portfile")"
    t_wait_http "$META_URL/_stats" 10 || { t_fail "metadata fixture started"; exit 1; }
}
meta_stat() { curl -s "$META_URL/_stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
meta_config() { curl -s -X POST --data "$1" "$META_URL/_config" >/dev/null; }
no_secrets() {
    local s
    for s in fixture-secret- fixture-session-token- container-auth-do-not-print "$ENV_SECRET"; do
        case "$T_OUT$T_ERR" in *"$s"*) t_fail "$1: no secret printed" "found '$s'"; return ;; esac
    done
    t_ok "$1: no secret printed"
}
one_line() { t_eq "$1: one line" "1" "$(printf '%s\n' "$T_ERR" | grep -c .)"; }

meta_start --auth-token container-auth-do-not-print

# --- container credentials ---
export AWS_CONTAINER_CREDENTIALS_FULL_URI="$META_URL/container/creds"
export AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-do-not-print
t_status "container: debug creds" 0 "$VIDPIPE" debug creds
t_contains "container: source" "$T_OUT" "source: container"
t_contains "container: the fixture's key id" "$T_OUT" "access key id: ASIAFIXTUREC"
t_contains "container: a session token" "$T_OUT" "session token: yes"
t_contains "container: an expiry about an hour away" "$T_OUT" "(in 3"
t_eq "container: one request" "1" "$(meta_stat container)"
no_secrets "container"
t_status "container: a real call" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "container: GetCallerIdentity answered" "$T_OUT" "<Arn>"
t_status "container: --debug logs no secret" 0 "$VIDPIPE" --debug debug call sts GetCallerIdentity
no_secrets "container --debug"
t_status "container: a wrong token" 1 env AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong "$VIDPIPE" debug creds
t_contains "container: HTTP 401 with the URL" "$T_ERR" "container credentials from $META_URL/container/creds: HTTP 401"
one_line "container 401"
t_eq "container: a 401 is not retried" "1" "$(meta_stat unauthorized)"
unset AWS_CONTAINER_AUTHORIZATION_TOKEN
t_status "container: no token at all" 1 "$VIDPIPE" debug creds
t_contains "container: refused" "$T_ERR" "HTTP 401"
printf 'container-auth-do-not-print\n' >"$T_TMP/auth-token"
t_status "container: the token file" 0 env AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_TMP/auth-token" "$VIDPIPE" debug creds
t_contains "container: token file accepted" "$T_OUT" "source: container"
t_status "container: the token file wins over the variable" 0 env AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_TMP/auth-token" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong "$VIDPIPE" debug call sts GetCallerIdentity
no_secrets "container token file"
t_status "container: an unreadable token file" 1 env AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_TMP/missing" "$VIDPIPE" debug creds
t_contains "container: names it" "$T_ERR" "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE $T_TMP/missing: cannot read"
export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_TMP/auth-token"
t_status "container: plain http to another host is refused" 1 env AWS_CONTAINER_CREDENTIALS_FULL_URI=http://10.0.0.1/creds \
    "$VIDPIPE" debug creds
t_contains "container: use https" "$T_ERR" "plain http is allowed only to a loopback address or the container agent"
one_line "container non-loopback"
t_status "container: not a URL" 1 env AWS_CONTAINER_CREDENTIALS_FULL_URI=file:///etc/passwd "$VIDPIPE" debug creds
t_contains "container: http or https" "$T_ERR" "is not an http or https URL"
t_status "container: localhost is loopback" 0 env \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="http://localhost:${META_URL##*:}/container/creds" "$VIDPIPE" debug creds
meta_config '{"creds_body": "garbage"}'
t_status "container: an answer that is not JSON" 1 "$VIDPIPE" debug creds
t_contains "container: says so" "$T_ERR" "the answer is not JSON"
meta_config '{"creds_body": "partial"}'
t_status "container: an answer without a secret" 1 "$VIDPIPE" debug creds
t_contains "container: names the field" "$T_ERR" "the answer has no SecretAccessKey"
meta_config '{"creds_body": "ok", "creds_status": 500}'
before=$(meta_stat container)
t_status "container: a 500 is retried, then an error" 1 "$VIDPIPE" debug creds
t_eq "container: three attempts" "$((before + 3))" "$(meta_stat container)"
t_contains "container: HTTP 500" "$T_ERR" "HTTP 500"
meta_config '{"creds_status": 200}'
dead=$(t_free_port)
t_status "container: nothing listening" 1 env AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$dead/creds" \
    "$VIDPIPE" debug creds
t_contains "container: the URL in the error" "$T_ERR" "container credentials from http://127.0.0.1:$dead/creds"
one_line "container dead"

# --- chain order around the container ---
printf '[default]\naws_access_key_id = AKIAPROFILEBEATSCONT\naws_secret_access_key = x\n' >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "chain: the profile's keys before the container" 0 "$VIDPIPE" debug creds
t_contains "chain: profile first" "$T_OUT" "source: credentials-file"
: >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "chain: environment keys before the container" 0 env AWS_ACCESS_KEY_ID=AKIATESTTESTTEST1234 \
    AWS_SECRET_ACCESS_KEY="$ENV_SECRET" "$VIDPIPE" debug creds
t_contains "chain: env first" "$T_OUT" "source: env"

# --- refresh: less than 10 minutes left means fetched again on the next use ---
meta_config '{"expires_in": 300}'
before=$(meta_stat container)
t_status "refresh: three uses of 5-minute credentials" 0 "$VIDPIPE" debug creds --repeat 3
t_eq "refresh: fetched three times" "$((before + 3))" "$(meta_stat container)"
meta_config '{"expires_in": 3600}'
before=$(meta_stat container)
t_status "refresh: three uses of 1-hour credentials" 0 "$VIDPIPE" debug creds --repeat 3
t_eq "refresh: fetched once" "$((before + 1))" "$(meta_stat container)"
meta_config '{"expires_in": 599}'
before=$(meta_stat container)
t_status "refresh: 9 min 59 s left is refreshed" 0 "$VIDPIPE" debug creds --repeat 2
t_eq "refresh: fetched twice" "$((before + 2))" "$(meta_stat container)"
meta_config '{"expires_in": 3600}'

# --- IMDSv2 ---
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_EC2_METADATA_DISABLED
export AWS_EC2_METADATA_SERVICE_ENDPOINT="$META_URL"
refused=$(meta_stat unauthorized)
t_status "imds: debug creds" 0 "$VIDPIPE" debug creds
t_contains "imds: source" "$T_OUT" "source: imds"
t_contains "imds: the fixture's key id" "$T_OUT" "access key id: ASIAFIXTUREI"
t_contains "imds: a session token" "$T_OUT" "session token: yes"
no_secrets "imds"
t_eq "imds: one token request" "1" "$(meta_stat token)"
t_eq "imds: one role listing" "1" "$(meta_stat role)"
t_eq "imds: one credentials read" "1" "$(meta_stat imds_creds)"
t_eq "imds: every read carried the token (none refused)" "$refused" "$(meta_stat unauthorized)"
t_status "imds: a real call" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "imds: GetCallerIdentity answered" "$T_OUT" "<Arn>"
t_status "imds: --debug logs no secret" 0 "$VIDPIPE" --debug debug call sts GetCallerIdentity
no_secrets "imds --debug"
t_status "imds: a trailing slash on the endpoint" 0 env AWS_EC2_METADATA_SERVICE_ENDPOINT="$META_URL/" "$VIDPIPE" debug creds
printf '[default]\nec2_metadata_service_endpoint = %s\n' "$META_URL" >"$AWS_CONFIG_FILE"
t_status "imds: the endpoint from the profile" 0 env -u AWS_EC2_METADATA_SERVICE_ENDPOINT "$VIDPIPE" debug creds
t_contains "imds: profile endpoint used" "$T_OUT" "source: imds"
: >"$AWS_CONFIG_FILE"
before=$(meta_stat requests)
t_status "imds: AWS_EC2_METADATA_DISABLED=true skips it" 1 env AWS_EC2_METADATA_DISABLED=TRUE "$VIDPIPE" debug creds
t_eq "imds: not contacted when disabled" "$before" "$(meta_stat requests)"
meta_config '{"role": ""}'
t_status "imds: no role attached" 1 "$VIDPIPE" debug creds
t_contains "imds: the reason is listed" "$T_ERR" "imds ($META_URL: no IAM role (HTTP 404))"
one_line "imds no role"
meta_config '{"role": "vidpipe-fixture-role", "creds_body": "partial"}'
t_status "imds: an incomplete answer is no credentials (as in botocore)" 1 "$VIDPIPE" debug creds
t_contains "imds: says so" "$T_ERR" "the credentials answer is incomplete or not JSON"
no_secrets "imds partial"
meta_config '{"creds_body": "ok", "token_status": 404, "imds_v1": true}'
before=$(meta_stat v1)
t_status "imds: an IMDSv1-only endpoint" 0 "$VIDPIPE" debug creds
t_contains "imds: v1 works" "$T_OUT" "source: imds"
t_eq "imds: two tokenless reads" "$((before + 2))" "$(meta_stat v1)"
t_status "imds: AWS_EC2_METADATA_V1_DISABLED forbids the fallback" 1 env AWS_EC2_METADATA_V1_DISABLED=true "$VIDPIPE" debug creds
t_contains "imds: v1 disabled" "$T_ERR" "no IMDSv2 token and IMDSv1 is disabled"
meta_config '{"token_status": 200, "imds_v1": false}'
start=$(date +%s%N)
t_status "imds: nothing listening fails fast" 1 env AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$dead" "$VIDPIPE" debug creds
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
t_contains "imds: no answer" "$T_ERR" "imds (http://127.0.0.1:$dead: no answer"
if [ "$elapsed_ms" -lt 1500 ]; then t_ok "imds: gave up in ${elapsed_ms} ms"; else t_fail "imds: gave up quickly" "took ${elapsed_ms} ms"; fi
t_status "imds: a bad endpoint" 1 env AWS_EC2_METADATA_SERVICE_ENDPOINT=169.254.169.254 "$VIDPIPE" debug creds
t_contains "imds: not a URL" "$T_ERR" "the instance metadata endpoint '169.254.169.254' is not an http or https URL"

meta_config '{"expires_in": 300}'
before=$(meta_stat imds_creds)
t_status "imds refresh: three uses of 5-minute credentials" 0 "$VIDPIPE" debug creds --repeat 3
t_eq "imds refresh: fetched three times" "$((before + 3))" "$(meta_stat imds_creds)"
meta_config '{"expires_in": 3600}'
before=$(meta_stat imds_creds)
t_status "imds refresh: 1-hour credentials are cached" 0 "$VIDPIPE" debug creds --repeat 3
t_eq "imds refresh: fetched once" "$((before + 1))" "$(meta_stat imds_creds)"

# --- chain order: the container comes before IMDS ---
export AWS_CONTAINER_CREDENTIALS_FULL_URI="$META_URL/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_TMP/auth-token"
t_status "chain: the container before IMDS" 0 "$VIDPIPE" debug creds
t_contains "chain: container first" "$T_OUT" "source: container"
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
printf '[profile viaimds]\nrole_arn = arn:aws:iam::123456789012:role/from-imds\ncredential_source = Ec2InstanceMetadata\n' \
    >"$AWS_CONFIG_FILE"
t_status "chain: credential_source = Ec2InstanceMetadata" 0 "$VIDPIPE" --profile viaimds debug call sts GetCallerIdentity
t_contains "chain: role assumed with IMDS credentials" "$T_OUT" "assumed-role/from-imds/"
no_secrets "credential_source imds"
