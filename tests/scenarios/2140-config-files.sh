# 2140-config-files: vidpipe reads awkward config and credentials files exactly as botocore does. Each case
# gives both the same files and profile and compares what they make of them: the region, the access key
# id, or that the files are refused.
. tests/lib.sh
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION

# botocore_view: "region=<r> key=<akid>" as botocore sees it, or "error".
botocore_view() {
    python3 - <<'PY' 2>/dev/null || echo error
import botocore.session
s = botocore.session.Session()
c = s.get_credentials()
print("region=%s key=%s" % (s.get_config_variable("region"), c.access_key if c else None))
PY
}
# vidpipe_view: the same from `vidpipe debug creds`.
vidpipe_view() {
    local out
    out=$("$VIDPIPE" debug creds 2>/dev/null) || { echo error; return; }
    printf '%s\n' "$out" | awk -F': ' '$1 == "region" { r = $2 } $1 == "access key id" { k = $2 }
        END { if (r == "(none)") r = "None"; print "region=" r " key=" k }'
}
# same DESC CONFIG CREDENTIALS [VAR=VALUE...]: both readers agree on these files.
same() {
    local desc=$1 want got
    printf '%b' "$2" >"$AWS_CONFIG_FILE"
    printf '%b' "$3" >"$AWS_SHARED_CREDENTIALS_FILE"
    shift 3
    want=$(env "$@" bash -c "$(declare -f botocore_view); botocore_view")
    got=$(env "$@" VIDPIPE="$VIDPIPE" bash -c "$(declare -f vidpipe_view); vidpipe_view")
    t_eq "like botocore: $desc ($want)" "$want" "$got"
}

KEYS='aws_access_key_id = AKIAFILEKEYS00000001\naws_secret_access_key = s\n'
same "plain default" "[default]\nregion = eu-west-1\n" "[default]\n$KEYS"
same "inline text after a value is part of it" "[default]\nregion = eu-west-1 # Ireland\n" "[default]\n$KEYS"
same "comments with # and ;" "# top\n; top\n[default]\n  # indented\nregion = eu-west-1\n" "; c\n[default]\n$KEYS"
same "a colon and an upper-case key" "[default]\nRegion: ap-south-1\n" "[default]\n$KEYS"
same "indented settings" "[default]\n    region = us-west-2\n" "[default]\n  $KEYS"
same "a continued value does not swallow the next key" "[default]\nnote = one\n  two\nregion = us-west-2\n" "[default]\n$KEYS"
same "a key in both files: the credentials file's" "[default]\nregion = eu-west-1\n" "[default]\nregion = eu-north-1\n$KEYS"
same "[profile default] after [default]" "[default]\nregion = eu-west-1\n[profile default]\nregion = eu-west-2\n" "[default]\n$KEYS"
same "a quoted profile name" "[profile \"my dev\"]\nregion = sa-east-1\n" "[my dev]\n$KEYS" AWS_PROFILE="my dev"
same "extra spaces in a profile header" "[profile    spaced]\nregion = me-south-1\n" "[spaced]\n$KEYS" AWS_PROFILE=spaced
same "config-file keys when the credentials file has none" "[profile c]\nregion = eu-west-1\n$KEYS" "" AWS_PROFILE=c
same "the credentials file's keys over the config file's" \
    "[default]\naws_access_key_id = AKIACONFIGKEYS000001\naws_secret_access_key = s\n" "[default]\n$KEYS"
same "a profile only in the credentials file" "" "[solo]\nregion = us-east-2\n$KEYS" AWS_PROFILE=solo
same "[profile x] in the credentials file is not profile x" "" "[profile x]\n$KEYS" AWS_PROFILE=x
same "[x] in the config file is not profile x" "[x]\nregion = eu-west-1\n" "" AWS_PROFILE=x
same "AWS_DEFAULT_PROFILE before AWS_PROFILE" "[profile a]\nregion = eu-west-1\n[profile b]\nregion = eu-west-2\n" \
    "[a]\n$KEYS[b]\n$KEYS" AWS_PROFILE=a AWS_DEFAULT_PROFILE=b
same "AWS_DEFAULT_REGION over the profile" "[default]\nregion = eu-west-1\n" "[default]\n$KEYS" AWS_DEFAULT_REGION=ca-central-1
same "a section given twice is refused" "[default]\nregion = a\n[default]\nregion = b\n" "[default]\n$KEYS"
same "a key given twice is refused" "[default]\nregion = a\nregion = b\n" "[default]\n$KEYS"
same "a line without '=' is refused" "[default]\nregion\n" "[default]\n$KEYS"
same "a setting before any section is refused" "region = a\n" "[default]\n$KEYS"
same "an unclosed header is refused" "[default\nregion = a\n" "[default]\n$KEYS"
same "a malformed nested block is refused" "[default]\ns3 =\n  addressing_style\n" "[default]\n$KEYS"
same "a malformed credentials file is refused" "[default]\nregion = a\n" "[default]\njunk\n"
same "a well-formed nested block" "[default]\ns3 =\n  addressing_style = path\n\n  use_accelerate_endpoint = false\nregion = af-south-1\n" \
    "[default]\n$KEYS"
same "an unknown explicit profile is refused" "[default]\nregion = a\n" "[default]\n$KEYS" AWS_PROFILE=nope
