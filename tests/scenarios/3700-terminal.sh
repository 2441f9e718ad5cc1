# 3700-terminal: at a terminal (a pseudo-terminal from script(1)), plans are in colour unless NO_COLOR is
# set, and apply asks for confirmation: only "yes" goes on.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20
cd "$T_TMP"
cat >spec.yaml <<'YAML'
vidpipe: 1
stack: tty
region: us-east-1
resources:
  media:
    type: s3_bucket
    name: tty-media-bucket
YAML
esc=$(printf '\033[')
at_tty() {  # at_tty INPUT CMD: runs CMD on a pseudo-terminal, INPUT typed in; output in T_OUT
    T_OUT=$(printf '%s' "$1" | script -qefc "$2" /dev/null 2>&1)
}
at_tty "" "$VIDPIPE plan spec.yaml"
t_contains "a plan at a terminal is in colour" "$T_OUT" "${esc}32m+"
at_tty "" "NO_COLOR=1 $VIDPIPE plan spec.yaml"
t_lacks "NO_COLOR turns colour off" "$T_OUT" "$esc"
t_contains "the plan is still there" "$T_OUT" "+ s3_bucket.media will be created"
t_status "piped, there is no colour" 2 "$VIDPIPE" plan spec.yaml --detailed-exitcode
t_lacks "(no escape codes)" "$T_OUT" "$esc"

at_tty "no
" "$VIDPIPE apply spec.yaml"
t_contains "apply asks at a terminal" "$T_OUT" "Only 'yes' will be accepted"
t_contains "and anything but yes cancels" "$T_OUT" "cancelled"
t_eq "boto3: nothing was created" "" "$(boto s3 "print(' '.join(b['Name'] for b in c.list_buckets()['Buckets']))")"
at_tty "yes
" "$VIDPIPE apply spec.yaml"
t_contains "yes applies" "$T_OUT" "Apply complete! Resources: 1 added"
t_eq "boto3: the bucket exists" "tty-media-bucket" "$(boto s3 "print(' '.join(b['Name'] for b in c.list_buckets()['Buckets']))")"
