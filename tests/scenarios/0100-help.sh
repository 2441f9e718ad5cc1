# 0100-help: every command answers --help on stdout with exit 0, and an unknown option or command with one
# clear line and exit 1.
. tests/lib.sh
for cmd in plan apply destroy drift show state import output force-unlock validate version debug invoke serve; do
    t_status "$cmd --help" 0 "$VIDPIPE" "$cmd" --help
    t_contains "$cmd --help prints its usage" "$T_OUT" "usage: vidpipe $cmd"
done
for cmd in plan apply destroy drift show; do
    t_status "$cmd --no-such-option" 1 "$VIDPIPE" "$cmd" --no-such-option
    t_contains "$cmd names the option" "$T_ERR" "--no-such-option"
done
t_status "an unknown command" 1 "$VIDPIPE" frobnicate
t_contains "is named" "$T_ERR" "'frobnicate' is not a command"
t_status "vidpipe --help" 0 "$VIDPIPE" --help
t_contains "lists the commands" "$T_OUT" "apply"
t_status "version" 0 "$VIDPIPE" version
t_contains "names the libraries" "$T_OUT" "libcurl"
t_status "plan with no spec and no vidpipe.yaml" 1 env -C "$T_TMP" "$VIDPIPE" plan
t_contains "says so" "$T_ERR" "no SPEC given"
