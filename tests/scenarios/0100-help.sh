# 0100-help: every command answers --help on stdout with exit 0, and an unknown option or command with one
# clear line and exit 1; `vidpipe version` names the commit it was built from and libmicrohttpd.
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
# The commit it was built from (the build recompiles version.c when HEAD moves), as the Makefile finds it.
commit=$(git -C "$VP_ROOT" rev-parse --short=12 HEAD 2>/dev/null || cat "$VP_ROOT/.commit" 2>/dev/null || echo unknown)
t_eq "names the commit it was built from ($commit)" "(commit $commit)" \
    "$(printf '%s\n' "$T_OUT" | sed -n '1s/^vidpipe [^ ]* //p')"
mhd=$(pkg-config --modversion libmicrohttpd 2>/dev/null || echo "")
t_contains "names libmicrohttpd's version" "$T_OUT" "libmicrohttpd $mhd"
t_status "plan with no spec and no vidpipe.yaml" 1 env -C "$T_TMP" "$VIDPIPE" plan
t_contains "says so" "$T_ERR" "no SPEC given"
