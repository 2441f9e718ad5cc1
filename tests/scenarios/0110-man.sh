# 0110-man: the man pages (man/*.1) say what --help says. Every command of `vidpipe --help` and of main.c's
# table has a page vidpipe-COMMAND.1; the options its help lists (tests/fixtures/cli_help.sh says how they
# are read) are exactly the --names of the page's OPTIONS section; its SYNOPSIS is its usage block (spacing
# aside); vidpipe.1 has the global options, every command and every environment variable vidpipe reads;
# groff and man render every page without a warning, within 80 columns.
. tests/lib.sh
. "$VP_ROOT/tests/fixtures/cli_help.sh"
MAN=$VP_ROOT/man

# man_section FILE NAME: the roff source of section NAME, with \- as - and font escapes dropped.
man_section() {
    awk -v name="$2" '/^\.SH/ { s = ($0 == ".SH " name || $0 == ".SH \"" name "\"") ; next } s' "$1" |
        sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\&//g'
}
# man_options FILE: the --names of the OPTIONS section, sorted, one a line (--help left out, as in help).
man_options() {
    man_section "$1" OPTIONS | grep -oE -- '--[a-z][a-z-]*' | grep -vx -- '--help' | sort -u
}
# man_rendered FILE NAME: section NAME as man shows it (one long line per paragraph).
man_rendered() {
    groff -man -Tascii -P-cbou -rLL=400n "$1" 2>/dev/null | awk -v name="$2" '/^[^ ]/ { s = ($0 == name); next } s'
}
squeeze() { tr -d ' \t\n'; }
spaced() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }

# check_page CMD FILE: options and synopsis of FILE against CMD's help ("" for vidpipe itself).
check_page() {
    local cmd=$1 page=$2 label=${1:-vidpipe} want got
    want=$(vp_cmd_options "$cmd")
    got=$(man_options "$page")
    if [ -n "$want$got" ] && [ "$want" = "$got" ]; then
        t_ok "$label: OPTIONS has exactly the options of --help ($(printf '%s' "$want" | tr '\n' ' '))"
    elif [ -z "$want$got" ]; then
        t_ok "$label: no options, in --help and in OPTIONS"
    else
        t_fail "$label: OPTIONS has exactly the options of --help" \
            "only in --help: $(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')" \
            "only in $(basename "$page"): $(comm -13 <(echo "$want") <(echo "$got") | tr '\n' ' ')"
    fi
    want=$(vp_cmd_usage "$cmd")
    got=$(man_rendered "$page" SYNOPSIS)
    if [ "$(printf '%s' "$want" | squeeze)" = "$(printf '%s' "$got" | squeeze)" ]; then
        t_ok "$label: SYNOPSIS is the usage of --help"
    else
        t_fail "$label: SYNOPSIS is the usage of --help" "usage:    $(printf '%s' "$want" | spaced)" \
            "SYNOPSIS: $(printf '%s' "$got" | spaced)"
    fi
    want=$(vp_help_options "$(printf '%s\n' "$want")")
    got=$(man_section "$page" SYNOPSIS | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    t_eq "$label: SYNOPSIS names the options the usage line names" "$want" "$got"
}

# check_render FILE: groff -ww and man --warnings say nothing; no line is wider than 80 columns.
check_render() {
    local page=$1 name out wide
    name=$(basename "$page")
    out=$(groff -man -ww -z "$page" 2>&1)
    t_eq "$name: groff -man -ww reports no warning" "" "$out"
    out=$(man --warnings -l "$page" 2>&1 >/dev/null)
    t_eq "$name: man --warnings reports no warning" "" "$out"
    wide=$(MANWIDTH=80 man -l "$page" 2>/dev/null | awk 'length($0) > 80')
    t_eq "$name: fits in 80 columns" "" "$wide"
}

if ! command -v groff >/dev/null || ! command -v man >/dev/null; then
    t_fail "groff and man are installed (sh scripts/deps.sh test installs man-db)"
    exit 1
fi

commands=$(vp_commands)
t_eq "main.c's table and vidpipe --help list the same commands" "$(vp_table_commands)" "$commands"
for cmd in $(printf '%s\n%s\n' "$commands" "$(vp_table_commands)" | sort -u); do
    page=$MAN/vidpipe-$cmd.1
    if [ ! -f "$page" ]; then
        t_fail "$cmd: man/vidpipe-$cmd.1 exists"
        continue
    fi
    t_ok "$cmd: man/vidpipe-$cmd.1 exists"
    t_eq "$cmd: the page is titled VIDPIPE-$cmd" "VIDPIPE-${cmd^^}" "$(sed -n 's/^\.TH \([^ ]*\) 1 .*/\1/p' "$page" | sed 's/\\-/-/g')"
    t_contains "$cmd: NAME is vidpipe-$cmd" "$(man_section "$page" NAME)" "vidpipe-$cmd - "
    check_page "$cmd" "$page"
    check_render "$page"
done
for page in "$MAN"/vidpipe-*.1; do
    cmd=$(basename "$page" .1)
    cmd=${cmd#vidpipe-}
    case " $(printf '%s' "$commands" | tr '\n' ' ') " in
    *" $cmd "*) ;;
    *) t_fail "$(basename "$page"): a page for a command vidpipe has" "there is no '$cmd' in vidpipe --help" ;;
    esac
done

# vidpipe.1: the global options, the command list, SEE ALSO, the environment.
t_check "vidpipe.1 exists" test -f "$MAN/vidpipe.1"
check_page "" "$MAN/vidpipe.1"
check_render "$MAN/vidpipe.1"
t_eq "vidpipe.1: COMMANDS lists every command, in the order of --help" "$commands" \
    "$(man_section "$MAN/vidpipe.1" COMMANDS | awk 'tp { print $2; tp = 0 } /^\.TP/ { tp = 1 }')"
see_also=$(man_section "$MAN/vidpipe.1" "SEE ALSO")
missing=""
for cmd in $commands; do
    case "$see_also" in *"vidpipe-$cmd (1)"*) ;; *) missing="$missing vidpipe-$cmd(1)" ;; esac
done
t_eq "vidpipe.1: SEE ALSO names every command's page" "" "$missing"
# Every variable vidpipe itself reads (the client core's AWS_* settings, VIDPIPE_*, getenv anywhere in the
# CLI, engine and providers; not the handlers', which specs/handlers.md documents).
env_doc=$(man_rendered "$MAN/vidpipe.1" ENVIRONMENT)
missing=""
for v in $({
    grep -ohE '"(AWS|VIDPIPE)_[A-Z0-9_]*"' "$VP_ROOT"/src/{aws,base,cli,engine}/*.c
    grep -ohE 'getenv\("[A-Za-z_][A-Za-z0-9_]*"\)' "$VP_ROOT"/src/{aws,base,cli,engine,resources}/*.c | sed 's/getenv(\(.*\))/\1/'
} | tr -d '"' | sort -u | grep -vx 'USER\|TMPDIR'); do
    case "$env_doc" in *"$v"*) ;; *) missing="$missing $v" ;; esac
done
t_eq "vidpipe.1: ENVIRONMENT documents every variable vidpipe reads" "" "$missing"
for v in AWS_ENDPOINT_URL 'AWS_ENDPOINT_URL_<SERVICE>' VIDPIPE_LOG VIDPIPE_ARTIFACTS_DIR VIDPIPE_WAIT_POLL_MS NO_COLOR GITHUB_STEP_SUMMARY; do
    t_contains "vidpipe.1: ENVIRONMENT has $v" "$env_doc" "$v"
done
for s in FILES "EXIT STATUS" EXAMPLES; do
    t_check "vidpipe.1: has $s" grep -qx "\\.SH \"\\?$s\"\\?" "$MAN/vidpipe.1"
done
t_contains "vidpipe.1: FILES has the state" "$(man_rendered "$MAN/vidpipe.1" FILES)" "state/STACK.json"
t_contains "vidpipe.1: FILES has vidpipe.yaml" "$(man_rendered "$MAN/vidpipe.1" FILES)" "vidpipe.yaml"
