# 2110-credentials-sts: the sources that ask STS: web identity (AssumeRoleWithWebIdentity, from the
# environment or a profile) and a profile's role (AssumeRole with source_profile, chained, credential_source),
# against moto's STS. moto records every session it issues (moto-api/data.json), so the key id vidpipe
# reports is checked against the one moto handed out, and GetCallerIdentity signed with it names the role.
. tests/lib.sh
moto_start
ENV_SECRET=$AWS_SECRET_ACCESS_KEY
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# moto_sessions FIELD: one line per session moto issued, oldest first.
moto_sessions() {
    curl -s "$MOTO_URL/moto-api/data.json" |
        python3 -c "import json,sys; [print(r['$1']) for r in json.load(sys.stdin)['sts']['AssumedRole']]"
}
# no_moto_secrets DESC: no secret key or session token moto issued (nor the OIDC token) was printed.
no_moto_secrets() {
    local s
    for s in $(moto_sessions secret_access_key) $(moto_sessions session_token) "$ENV_SECRET" oidc-token-do-not-print \
        secretBASEsecret; do
        case "$T_OUT$T_ERR" in *"$s"*) t_fail "$1: no secret printed" "found a secret"; return ;; esac
    done
    t_ok "$1: no secret printed"
}
one_line() { t_eq "$1: one line" "1" "$(printf '%s\n' "$T_ERR" | grep -c .)"; }

printf 'oidc-token-do-not-print\n' >"$T_TMP/oidc-token"

# --- web identity from the environment ---
export AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/oidc-token" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/gh-deploy
export AWS_ROLE_SESSION_NAME=run-42
t_status "web identity: debug creds" 0 "$VIDPIPE" debug creds
t_contains "web identity: source" "$T_OUT" "source: web-identity"
t_contains "web identity: a session token" "$T_OUT" "session token: yes"
t_contains "web identity: an expiry" "$T_OUT" "expires: 20"
t_eq "web identity: the key id is the one moto issued" "access key id: $(moto_sessions access_key_id | tail -n 1)" \
    "$(printf '%s\n' "$T_OUT" | grep '^access key id:')"
t_eq "web identity: moto saw the session name" "run-42" "$(moto_sessions session_name | tail -n 1)"
no_moto_secrets "web identity"
t_status "web identity: a real call" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "web identity: the call ran as the role" "$T_OUT" "assumed-role/gh-deploy/run-42"
no_moto_secrets "web identity call"
t_status "web identity: --debug logs no secret" 0 "$VIDPIPE" --debug debug call sts GetCallerIdentity
no_moto_secrets "web identity --debug"
unset AWS_ROLE_SESSION_NAME
t_status "web identity: a default session name" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "web identity: vidpipe-session-<time>" "$T_OUT" "assumed-role/gh-deploy/vidpipe-session-"
t_status "web identity: AWS_ROLE_ARN is required" 1 env -u AWS_ROLE_ARN "$VIDPIPE" debug creds
t_contains "web identity: says so" "$T_ERR" "no role to assume: set AWS_ROLE_ARN"
one_line "web identity no role"
t_status "web identity: an unreadable token file" 1 env AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/missing" "$VIDPIPE" debug creds
t_contains "web identity: names the file" "$T_ERR" "web identity token file $T_TMP/missing: cannot read"
one_line "web identity missing file"
: >"$T_TMP/empty-token"
t_status "web identity: an empty token file" 1 env AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/empty-token" "$VIDPIPE" debug creds
t_contains "web identity: empty" "$T_ERR" "is empty"
t_status "chain: environment keys win over web identity" 0 env AWS_ACCESS_KEY_ID=AKIATESTTESTTEST1234 \
    AWS_SECRET_ACCESS_KEY="$ENV_SECRET" "$VIDPIPE" debug creds
t_contains "chain: env first" "$T_OUT" "source: env"

# --- web identity from a profile ---
unset AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN
cat >"$AWS_CONFIG_FILE" <<INI
[profile wi]
web_identity_token_file = $T_TMP/oidc-token
role_arn = arn:aws:iam::123456789012:role/from-profile
role_session_name = profile-session
INI
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<'INI'
[wi]
aws_access_key_id = AKIASTATICKEYSOFWI01
aws_secret_access_key = secretBASEsecret
INI
t_status "web identity from a profile" 0 "$VIDPIPE" --profile wi debug call sts GetCallerIdentity
t_contains "web identity profile: ran as its role" "$T_OUT" "assumed-role/from-profile/profile-session"
t_status "chain: the profile's web identity wins over its static keys" 0 "$VIDPIPE" --profile wi debug creds
t_contains "chain: web identity before static keys" "$T_OUT" "source: web-identity"
# Each web identity setting on its own: the environment's variable, else the profile's key.
t_status "web identity: the environment's variables over the profile's keys" 0 env AWS_PROFILE=wi \
    AWS_ROLE_ARN=arn:aws:iam::123456789012:role/from-env AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/oidc-token" \
    "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "web identity: the environment's role, the profile's session name" "$T_OUT" \
    "assumed-role/from-env/profile-session"
t_status "chain: --profile ignores the environment's web identity variables" 0 \
    env AWS_ROLE_ARN=arn:aws:iam::123456789012:role/from-env AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/oidc-token" \
    "$VIDPIPE" --profile wi debug call sts GetCallerIdentity
t_contains "chain: the profile's role with --profile" "$T_OUT" "assumed-role/from-profile/profile-session"

# --- assume role with source_profile ---
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<'INI'
[base]
aws_access_key_id = AKIABASEBASEBASE0001
aws_secret_access_key = secretBASEsecret
INI
cat >"$AWS_CONFIG_FILE" <<'INI'
[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deployer
source_profile = base
role_session_name = deploy-session
external_id = ext-123
duration_seconds = 1800

[profile top]
role_arn = arn:aws:iam::123456789012:role/top
source_profile = deploy

[profile self]
role_arn = arn:aws:iam::123456789012:role/self-role
source_profile = self
aws_access_key_id = AKIASELFSELFSELF0001
aws_secret_access_key = secretBASEsecret

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = loop-b
[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = loop-a

[profile orphan]
role_arn = arn:aws:iam::123456789012:role/orphan
source_profile = nowhere

[profile both]
role_arn = arn:aws:iam::123456789012:role/both
source_profile = base
credential_source = Environment

[profile neither]
role_arn = arn:aws:iam::123456789012:role/neither

[profile from-env]
role_arn = arn:aws:iam::123456789012:role/env-sourced
credential_source = Environment

[profile bad-source]
role_arn = arn:aws:iam::123456789012:role/x
credential_source = Laptop

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/mfa
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/me

[profile empty-source]
region = us-west-2
[profile needs-empty]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = empty-source
INI
t_status "assume role: debug creds" 0 "$VIDPIPE" --profile deploy debug creds
t_contains "assume role: source" "$T_OUT" "source: assume-role"
t_eq "assume role: the key id is the one moto issued" "access key id: $(moto_sessions access_key_id | tail -n 1)" \
    "$(printf '%s\n' "$T_OUT" | grep '^access key id:')"
t_eq "assume role: the external id reached STS" "ext-123" "$(moto_sessions external_id | tail -n 1)"
no_moto_secrets "assume role"
t_status "assume role: a real call" 0 env AWS_PROFILE=deploy "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "assume role: ran as the role" "$T_OUT" "assumed-role/deployer/deploy-session"
no_moto_secrets "assume role call"
t_status "assume role: chained source profiles" 0 "$VIDPIPE" --profile top debug call sts GetCallerIdentity
t_contains "assume role: ran as the last role" "$T_OUT" "assumed-role/top/vidpipe-session-"
t_status "assume role: a profile may source itself for its keys" 0 "$VIDPIPE" --profile self debug call sts GetCallerIdentity
t_contains "assume role: self-sourced" "$T_OUT" "assumed-role/self-role/"
t_status "assume role: a loop is refused" 1 "$VIDPIPE" --profile loop-a debug creds
t_contains "assume role: the loop is shown" "$T_ERR" "source_profile loop: loop-a -> loop-b -> loop-a"
one_line "loop"
t_status "assume role: a missing source profile" 1 "$VIDPIPE" --profile orphan debug creds
t_contains "assume role: names it" "$T_ERR" "source_profile 'nowhere' of profile 'orphan' is not in"
t_status "assume role: source_profile and credential_source together" 1 "$VIDPIPE" --profile both debug creds
t_contains "assume role: keep one" "$T_ERR" "sets both source_profile and credential_source"
t_status "assume role: neither" 1 "$VIDPIPE" --profile neither debug creds
t_contains "assume role: says neither" "$T_ERR" "neither source_profile nor credential_source"
t_status "assume role: a source profile with no credentials" 1 "$VIDPIPE" --profile needs-empty debug creds
t_contains "assume role: says so" "$T_ERR" "source_profile 'empty-source' of profile 'needs-empty' has no credentials"
t_status "assume role: an unknown credential_source" 1 "$VIDPIPE" --profile bad-source debug creds
t_contains "assume role: lists the valid ones" "$T_ERR" "credential_source 'Laptop' is not one of Environment"
t_status "assume role: mfa_serial cannot be prompted for" 1 "$VIDPIPE" --profile mfa debug creds
t_contains "assume role: says why" "$T_ERR" "needs an MFA code"
one_line "mfa"
t_status "assume role: credential_source = Environment" 0 env AWS_ACCESS_KEY_ID=AKIATESTTESTTEST1234 \
    AWS_SECRET_ACCESS_KEY="$ENV_SECRET" "$VIDPIPE" --profile from-env debug call sts GetCallerIdentity
t_contains "assume role: from the environment's keys" "$T_OUT" "assumed-role/env-sourced/"
t_status "assume role: credential_source = Environment without keys" 1 "$VIDPIPE" --profile from-env debug creds
t_contains "assume role: found nothing" "$T_ERR" "credential_source Environment found no credentials"
# botocore: the profile's role comes before the environment's web identity.
t_status "chain: a profile's role wins over web identity variables" 0 env AWS_PROFILE=deploy \
    AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/oidc-token" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/gh "$VIDPIPE" debug creds
t_contains "chain: assume-role before web-identity" "$T_OUT" "source: assume-role"
t_status "chain: but environment keys win over the role" 0 env AWS_PROFILE=deploy AWS_ACCESS_KEY_ID=AKIATESTTESTTEST1234 \
    AWS_SECRET_ACCESS_KEY="$ENV_SECRET" "$VIDPIPE" debug creds
t_contains "chain: env before assume-role" "$T_OUT" "source: env"

# STS refusing: the service's error, on one line.
t_status "assume role: STS errors reach the user" 1 env AWS_ENDPOINT_URL_STS=http://127.0.0.1:1 VIDPIPE_CONNECT_TIMEOUT_MS=500 \
    AWS_MAX_ATTEMPTS=1 "$VIDPIPE" --profile deploy debug creds
t_contains "assume role: names the profile and role" "$T_ERR" "profile 'deploy': assuming arn:aws:iam::123456789012:role/deployer"
one_line "sts down"

# --- the signer: a moto that checks signatures (INITIAL_NO_AUTH_ACTION_COUNT) proves AssumeRole is signed
# with the source profile's own secret. (This moto answers 500 to any unsigned request, so web identity,
# which AWS takes unsigned, is tested on the permissive moto above.)
INITIAL_NO_AUTH_ACTION_COUNT=4 moto_start
py "
import boto3, json
iam = boto3.client('iam', endpoint_url='$MOTO_URL', region_name='us-east-1', aws_access_key_id='x',
                   aws_secret_access_key='y')
iam.create_user(UserName='base')
k = iam.create_access_key(UserName='base')['AccessKey']
iam.put_user_policy(UserName='base', PolicyName='sts', PolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Action': 'sts:*', 'Resource': '*'}]}))
iam.create_role(RoleName='deployer', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': '*'}, 'Action': 'sts:AssumeRole'}]}))
open('$T_TMP/base-keys', 'w').write('[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                                    % (k['AccessKeyId'], k['SecretAccessKey']))
"
cp "$T_TMP/base-keys" "$AWS_SHARED_CREDENTIALS_FILE"
t_status "signed: the source profile's keys are valid" 0 "$VIDPIPE" --profile base debug call sts GetCallerIdentity
t_contains "signed: as the IAM user" "$T_OUT" "user/base"
t_status "signed: AssumeRole signed with them" 0 "$VIDPIPE" --profile deploy debug call sts GetCallerIdentity
t_contains "signed: then the call as the role" "$T_OUT" "assumed-role/deployer/"
sed 's/^aws_secret_access_key = ./aws_secret_access_key = #/' "$T_TMP/base-keys" >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "signed: a wrong source secret is refused by STS" 1 "$VIDPIPE" --profile deploy debug creds
t_contains "signed: SignatureDoesNotMatch" "$T_ERR" "sts AssumeRole: SignatureDoesNotMatch"
one_line "signed wrong secret"
