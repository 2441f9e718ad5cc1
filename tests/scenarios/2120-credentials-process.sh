# 2120-credentials-process: credential_process: a command whose JSON (Version 1) on stdout gives the
# credentials. Run without a shell, its words split as a POSIX shell splits them; an expired, malformed or
# failing answer is one clear error that never repeats what the command printed.
. tests/lib.sh
moto_start
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
ENV_SECRET=testsecrettestsecrettestsecret

no_secrets() {
    local s
    for s in procSECRETproc procTOKENproc garbageSECRETgarbage "$ENV_SECRET" secretSTATICsecret; do
        case "$T_OUT$T_ERR" in *"$s"*) t_fail "$1: no secret printed" "found '$s'"; return ;; esac
    done
    t_ok "$1: no secret printed"
}
one_line() { t_eq "$1: one line" "1" "$(printf '%s\n' "$T_ERR" | grep -c .)"; }

# The stand-in credential process: prints what $T_TMP/answer holds and records its arguments, one a line.
mkdir -p "$T_TMP/bin dir"
cat >"$T_TMP/bin dir/creds proc" <<EOF
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T_TMP/args"
if [ -f "$T_TMP/stderr" ]; then cat "$T_TMP/stderr" >&2; fi
cat "$T_TMP/answer"
exit \$(cat "$T_TMP/status" 2>/dev/null || echo 0)
EOF
chmod +x "$T_TMP/bin dir/creds proc"
answer() { printf '%s\n' "$1" >"$T_TMP/answer"; }
later=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)

cat >"$AWS_CONFIG_FILE" <<EOF
[default]
credential_process = "$T_TMP/bin dir/creds proc" --role 'with space' plain\\ escaped "\$HOME" '*'

[profile role]
role_arn = arn:aws:iam::123456789012:role/proc-sourced
source_profile = default

[profile missing]
credential_process = $T_TMP/no-such-command --flag

[profile unclosed]
credential_process = "$T_TMP/bin dir/creds proc

[profile both]
credential_process = "$T_TMP/bin dir/creds proc"
aws_access_key_id = AKIACONFIGKEYS000001
aws_secret_access_key = secretSTATICsecret
EOF

answer '{"Version": 1, "AccessKeyId": "ASIAPROCESS000000001", "SecretAccessKey": "procSECRETproc",
 "SessionToken": "procTOKENproc", "Expiration": "'"$later"'"}'
t_status "process: debug creds" 0 "$VIDPIPE" debug creds
t_contains "process: source" "$T_OUT" "source: credential-process"
t_contains "process: the key id" "$T_OUT" "access key id: ASIAPROCESS000000001"
t_contains "process: a session token" "$T_OUT" "session token: yes"
t_contains "process: the expiry" "$T_OUT" "expires: $later"
no_secrets "process"
t_eq "process: words split like a shell, nothing expanded" \
    "$(printf '%s\n' --role 'with space' 'plain escaped' '$HOME' '*')" "$(cat "$T_TMP/args")"
t_status "process: a real call" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "process: GetCallerIdentity answered" "$T_OUT" "<Arn>"
no_secrets "process call"
t_status "process: as the source of an assumed role" 0 "$VIDPIPE" --profile role debug call sts GetCallerIdentity
t_contains "process: the role was assumed" "$T_OUT" "assumed-role/proc-sourced/"

answer '{"Version": 1, "AccessKeyId": "AKIAPROCESSLONGTERM1", "SecretAccessKey": "procSECRETproc"}'
t_status "process: long-term keys without a token or expiry" 0 "$VIDPIPE" debug creds
t_contains "process: no token" "$T_OUT" "session token: no"
t_contains "process: never expires" "$T_OUT" "expires: never"

answer '{"Version": 1, "AccessKeyId": "ASIAPROCESS000000001", "SecretAccessKey": "procSECRETproc",
 "SessionToken": "procTOKENproc", "Expiration": "2020-01-01T00:00:00Z"}'
t_status "process: expired credentials" 1 "$VIDPIPE" debug creds
t_contains "process: says they expired" "$T_ERR" "credential_process of profile 'default' returned credentials that have already expired"
one_line "process expired"
no_secrets "process expired"

answer 'Traceback: garbageSECRETgarbage is not JSON'
t_status "process: garbage on stdout" 1 "$VIDPIPE" debug creds
t_contains "process: malformed JSON, with its position" "$T_ERR" "credential_process of profile 'default' printed malformed JSON (line 1"
one_line "process garbage"
no_secrets "process garbage"
t_status "process: garbage fails a call too" 1 "$VIDPIPE" debug call sts GetCallerIdentity
no_secrets "process garbage call"
answer '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": garbageSECRETgarbage}'
t_status "process: almost JSON" 1 "$VIDPIPE" debug creds
t_contains "process: malformed" "$T_ERR" "printed malformed JSON"
no_secrets "process almost JSON"
answer '["Version", 1]'
t_status "process: JSON that is not an object" 1 "$VIDPIPE" debug creds
t_contains "process: not an object" "$T_ERR" "printed JSON that is not an object"
answer '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "procSECRETproc"}'
t_status "process: Version 2" 1 "$VIDPIPE" debug creds
t_contains "process: only Version 1" "$T_ERR" "the only supported Version is 1"
answer '{"AccessKeyId": "A", "SecretAccessKey": "procSECRETproc"}'
t_status "process: no Version" 1 "$VIDPIPE" debug creds
t_contains "process: no Version" "$T_ERR" "printed no Version"
answer '{"Version": 1, "AccessKeyId": "ASIAPROCESS000000001"}'
t_status "process: no secret in the answer" 1 "$VIDPIPE" debug creds
t_contains "process: names the missing field" "$T_ERR" "the answer has no SecretAccessKey"
answer '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "procSECRETproc", "Expiration": "soon"}'
t_status "process: a bad Expiration" 1 "$VIDPIPE" debug creds
t_contains "process: not ISO 8601" "$T_ERR" "Expiration 'soon' is not an ISO 8601 time"
: >"$T_TMP/answer"
t_status "process: nothing on stdout" 1 "$VIDPIPE" debug creds
t_contains "process: empty output is malformed" "$T_ERR" "printed malformed JSON"

answer '{"Version": 1, "AccessKeyId": "ASIAPROCESS000000001", "SecretAccessKey": "procSECRETproc"}'
echo 3 >"$T_TMP/status"
printf 'sso session expired; run aws sso login\nmore detail\n' >"$T_TMP/stderr"
t_status "process: a failing command" 1 "$VIDPIPE" debug creds
t_contains "process: its status and first stderr line" "$T_ERR" "credential_process of profile 'default' exited with status 3: sso session expired; run aws sso login"
one_line "process failing"
no_secrets "process failing"
rm -f "$T_TMP/status" "$T_TMP/stderr"

t_status "process: a command that does not exist" 1 "$VIDPIPE" --profile missing debug creds
t_contains "process: cannot run it" "$T_ERR" "credential_process of profile 'missing': cannot run '$T_TMP/no-such-command'"
one_line "process missing"
t_status "process: an unclosed quote" 1 "$VIDPIPE" --profile unclosed debug creds
t_contains "process: says so" "$T_ERR" "unclosed quote"

# botocore's order inside a profile: credentials-file keys, then credential_process, then config-file keys.
t_status "chain: credential_process before the config file's keys" 0 "$VIDPIPE" --profile both debug creds
t_contains "chain: process first" "$T_OUT" "source: credential-process"
printf '[both]\naws_access_key_id = AKIACREDSFILEKEYS001\naws_secret_access_key = secretSTATICsecret\n' \
    >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "chain: the credentials file's keys before credential_process" 0 "$VIDPIPE" --profile both debug creds
t_contains "chain: credentials file first" "$T_OUT" "access key id: AKIACREDSFILEKEYS001"
no_secrets "chain both"
