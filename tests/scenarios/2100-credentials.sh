# 2100-credentials: the chain's first and plainest sources, the environment and a profile's static keys, in
# botocore's order; `--profile` against AWS_PROFILE; and every way it ends in one clear line: nothing found
# (listing what was tried), half-set keys, malformed files, an unknown profile. No secret is ever printed.
. tests/lib.sh
moto_start
ENV_SECRET=$AWS_SECRET_ACCESS_KEY

# no_secrets DESC: nothing printed by the last t_status holds a secret this file uses.
no_secrets() {
    local s
    for s in "$ENV_SECRET" secretDEFAULTsecret secretDEVsecret tokenDEVtoken secretCFGsecret tok-env-123 \
        secretONLYsecret; do
        case "$T_OUT$T_ERR" in *"$s"*) t_fail "$1: no secret printed" "found '$s'"; return ;; esac
    done
    t_ok "$1: no secret printed"
}
one_line() { t_eq "$1: one line" "1" "$(printf '%s\n' "$T_ERR" | grep -c .)"; }

# --- the environment ---
t_status "env: debug creds" 0 "$VIDPIPE" debug creds
t_contains "env: source" "$T_OUT" "source: env"
t_contains "env: the access key id is shown" "$T_OUT" "access key id: AKIATESTTESTTEST1234"
t_contains "env: no session token" "$T_OUT" "session token: no"
t_contains "env: long-term keys never expire" "$T_OUT" "expires: never"
no_secrets "env"
t_status "env: a real call" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "env: GetCallerIdentity answered" "$T_OUT" "<Account>123456789012</Account>"
no_secrets "env call"

t_status "env: with a session token" 0 env AWS_SESSION_TOKEN=tok-env-123 "$VIDPIPE" debug creds
t_contains "env: the token is reported, not shown" "$T_OUT" "session token: yes"
no_secrets "env token"
future=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
t_status "env: AWS_CREDENTIAL_EXPIRATION" 0 env AWS_SESSION_TOKEN=tok-env-123 AWS_CREDENTIAL_EXPIRATION="$future" \
    "$VIDPIPE" debug creds
t_contains "env: the expiry is reported" "$T_OUT" "expires: $future"
t_status "env: expired credentials are refused" 1 env AWS_CREDENTIAL_EXPIRATION=2020-01-01T00:00:00Z "$VIDPIPE" debug creds
t_contains "env: saying they expired" "$T_ERR" "expired at 2020-01-01T00:00:00Z"
one_line "env expired"
t_status "env: a key id without its secret is broken, not absent" 1 env -u AWS_SECRET_ACCESS_KEY "$VIDPIPE" debug creds
t_contains "env: naming the missing variable" "$T_ERR" "AWS_SECRET_ACCESS_KEY is not"
one_line "env partial"
t_status "env: the real call fails the same way" 1 env -u AWS_SECRET_ACCESS_KEY "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "env: call error names the variable" "$T_ERR" "AWS_SECRET_ACCESS_KEY"

# --- a profile's static keys ---
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<'INI'
# comments are fine
[default]
aws_access_key_id = AKIAPROFILEDEFAULT01
aws_secret_access_key = secretDEFAULTsecret

[dev]
aws_access_key_id=AKIAPROFILEDEV000001
aws_secret_access_key=secretDEVsecret
aws_session_token=tokenDEVtoken
INI
cat >"$AWS_CONFIG_FILE" <<'INI'
[default]
region = eu-west-1
[profile dev]
region = eu-central-1
aws_access_key_id = AKIASHADOWEDBYCREDS1
aws_secret_access_key = secretCFGsecret
[profile cfgonly]
aws_access_key_id = AKIACONFIGFILEONLY01
aws_secret_access_key = secretCFGsecret
INI
t_status "chain: env wins over the default profile" 0 "$VIDPIPE" debug creds
t_contains "chain: env first" "$T_OUT" "source: env"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
t_status "profile: default from the credentials file" 0 "$VIDPIPE" debug creds
t_contains "profile: source" "$T_OUT" "source: credentials-file"
t_contains "profile: default's key id" "$T_OUT" "access key id: AKIAPROFILEDEFAULT01"
t_contains "profile: AWS_REGION still wins over the profile's region" "$T_OUT" "region: us-east-1"
no_secrets "profile default"
t_status "profile: a real call" 0 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "profile: GetCallerIdentity answered" "$T_OUT" "<Arn>"
t_status "profile: AWS_PROFILE=dev" 0 env AWS_PROFILE=dev "$VIDPIPE" debug creds
t_contains "profile: the credentials file wins over the config file" "$T_OUT" "access key id: AKIAPROFILEDEV000001"
t_contains "profile: dev's session token" "$T_OUT" "session token: yes"
no_secrets "profile dev"
t_status "profile: --profile dev" 0 "$VIDPIPE" --profile dev debug creds
t_contains "profile: --profile selects dev" "$T_OUT" "profile: dev"
t_status "profile: keys in the config file" 0 "$VIDPIPE" --profile cfgonly debug creds
t_contains "profile: source config-file" "$T_OUT" "source: config-file"
t_contains "profile: config file's key id" "$T_OUT" "access key id: AKIACONFIGFILEONLY01"
t_status "profile: region from the profile without AWS_REGION" 0 env -u AWS_REGION AWS_PROFILE=dev "$VIDPIPE" debug creds
t_contains "profile: dev's region" "$T_OUT" "region: eu-central-1"
t_status "profile: AWS_DEFAULT_REGION over the profile's" 0 env -u AWS_REGION AWS_DEFAULT_REGION=sa-east-1 \
    AWS_PROFILE=dev "$VIDPIPE" debug creds
t_contains "profile: AWS_DEFAULT_REGION" "$T_OUT" "region: sa-east-1"

# botocore: environment keys beat AWS_PROFILE, but --profile turns the environment off.
export AWS_ACCESS_KEY_ID=AKIATESTTESTTEST1234 AWS_SECRET_ACCESS_KEY=$ENV_SECRET
t_status "chain: AWS_PROFILE does not beat environment keys" 0 env AWS_PROFILE=dev "$VIDPIPE" debug creds
t_contains "chain: env with AWS_PROFILE" "$T_OUT" "source: env"
t_status "chain: --profile does" 0 "$VIDPIPE" --profile dev debug creds
t_contains "chain: the profile's keys with --profile" "$T_OUT" "access key id: AKIAPROFILEDEV000001"
t_status "chain: --profile call signs with the profile" 0 "$VIDPIPE" --profile dev debug call sts GetCallerIdentity
no_secrets "chain --profile"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

cat >"$AWS_SHARED_CREDENTIALS_FILE" <<'INI'
[half]
aws_access_key_id = AKIAHALFHALFHALF0001
INI
t_status "profile: a key id without a secret is broken" 1 "$VIDPIPE" --profile half debug creds
t_contains "profile: naming the profile and file" "$T_ERR" "profile 'half' in $AWS_SHARED_CREDENTIALS_FILE has aws_access_key_id but no aws_secret_access_key"
one_line "profile half"

# --- nothing anywhere ---
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "none: nothing found is exit 1" 1 "$VIDPIPE" debug creds
t_contains "none: listing every source tried" "$T_ERR" \
    "no AWS credentials found; tried: env, web-identity, profile 'default' ($AWS_CONFIG_FILE, $AWS_SHARED_CREDENTIALS_FILE), container, imds (disabled by AWS_EC2_METADATA_DISABLED)"
one_line "none"
t_status "none: a call fails the same way" 1 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "none: call error" "$T_ERR" "no AWS credentials found; tried: env,"
rm -f "$AWS_CONFIG_FILE" "$AWS_SHARED_CREDENTIALS_FILE"
t_status "none: missing files are empty files" 1 "$VIDPIPE" debug creds
t_contains "none: missing files" "$T_ERR" "no AWS credentials found"
printf '[profile p]\nregion = us-west-2\n' >"$AWS_CONFIG_FILE"
t_status "none: --profile says the environment was skipped" 1 env AWS_ACCESS_KEY_ID=AKIAIGNOREDIGNORED01 \
    AWS_SECRET_ACCESS_KEY=secretONLYsecret "$VIDPIPE" --profile p debug creds
t_contains "none: env skipped" "$T_ERR" "tried: env (skipped: --profile p chooses the profile's credentials)"
no_secrets "none --profile"
t_status "none: a secret without a key id is not credentials (as in botocore)" 1 env \
    AWS_SECRET_ACCESS_KEY=secretONLYsecret "$VIDPIPE" debug creds
t_contains "none: secret alone" "$T_ERR" "no AWS credentials found"
no_secrets "none secret alone"

# --- broken configuration: one clear line, never a crash ---
printf '[default]\nregion = us-east-1\nthis line has no equals sign\n' >"$AWS_CONFIG_FILE"
t_status "malformed config file" 1 "$VIDPIPE" debug creds
t_contains "malformed config: path and line" "$T_ERR" "$AWS_CONFIG_FILE:3: expected 'key = value'"
one_line "malformed config"
t_status "malformed config fails a call too" 1 "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "malformed config: call" "$T_ERR" "$AWS_CONFIG_FILE:3:"
: >"$AWS_CONFIG_FILE"
printf 'aws_access_key_id = AKIANOSECTION0000001\n' >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "malformed credentials file: a key before any section" 1 "$VIDPIPE" debug creds
t_contains "malformed credentials: path and line" "$T_ERR" "$AWS_SHARED_CREDENTIALS_FILE:1: a setting before any [section] header"
one_line "malformed credentials"
printf '[default]\naws_access_key_id = AKIAPASTEDSECRET0001\nsecretONLYsecret\n' >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "malformed credentials file: a pasted secret line" 1 "$VIDPIPE" debug creds
t_contains "malformed credentials: line 3" "$T_ERR" "$AWS_SHARED_CREDENTIALS_FILE:3:"
no_secrets "malformed credentials"
printf '[default\naws_access_key_id = x\n' >"$AWS_SHARED_CREDENTIALS_FILE"
t_status "malformed credentials file: an unclosed header" 1 "$VIDPIPE" debug creds
t_contains "malformed credentials: unclosed header" "$T_ERR" "$AWS_SHARED_CREDENTIALS_FILE:1: section header has no closing ']'"
: >"$AWS_SHARED_CREDENTIALS_FILE"
printf '[default]\nmax_attempts = lots\n' >"$AWS_CONFIG_FILE"
t_status "a bad max_attempts" 1 "$VIDPIPE" debug creds
t_contains "a bad max_attempts: named" "$T_ERR" "max_attempts in profile 'default' is 'lots'"
t_status "a bad AWS_RETRY_MODE" 1 env AWS_RETRY_MODE=turbo "$VIDPIPE" debug creds
t_contains "a bad AWS_RETRY_MODE: named" "$T_ERR" "AWS_RETRY_MODE is 'turbo'; it must be standard, legacy or adaptive"
: >"$AWS_CONFIG_FILE"

t_status "unknown profile (--profile)" 1 "$VIDPIPE" --profile nope debug creds
t_contains "unknown profile: both files named" "$T_ERR" "profile 'nope' not found in $AWS_CONFIG_FILE or $AWS_SHARED_CREDENTIALS_FILE"
one_line "unknown profile"
t_status "unknown profile (AWS_PROFILE)" 1 env AWS_PROFILE=nope "$VIDPIPE" debug call sts GetCallerIdentity
t_contains "unknown profile: from AWS_PROFILE" "$T_ERR" "profile 'nope' not found"

printf '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n' >"$AWS_CONFIG_FILE"
t_status "an IAM Identity Center profile" 1 "$VIDPIPE" --profile sso debug creds
t_contains "sso: says what to do instead" "$T_ERR" "aws configure export-credentials --profile sso --format process"
one_line "sso"
