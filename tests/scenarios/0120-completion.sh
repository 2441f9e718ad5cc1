# 0120-completion: the bash and zsh completions (completions/vidpipe.bash, completions/_vidpipe) complete
# the commands; for every command (and debug subcommand) exactly the options its --help lists (read as
# tests/fixtures/cli_help.sh reads them; --help itself aside); --format's values; SPEC files; and resource
# addresses: those in state (from `vidpipe state list`, which reads the local state file) for state show|rm,
# those of the spec and the state for --target, the spec's not yet in state for import, lambda functions for
# invoke. A spec whose state is in S3 is never asked: completion makes no AWS call. bash's completion
# function is driven with COMP_WORDS and COMP_CWORD; zsh's in a real interactive zsh (zsh/zpty).
. tests/lib.sh
. "$VP_ROOT/tests/fixtures/cli_help.sh"
BASH_COMP=$VP_ROOT/completions/vidpipe.bash
ZSH_COMP=$VP_ROOT/completions/_vidpipe

# `vidpipe` on PATH is a wrapper that logs how completion runs it, then runs the build's.
mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/vidpipe" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$T_TMP/calls.log"
exec "$VIDPIPE" "\$@"
EOF
chmod +x "$T_TMP/bin/vidpipe"
export PATH="$T_TMP/bin:$PATH"
calls() { cat "$T_TMP/calls.log" 2>/dev/null; rm -f "$T_TMP/calls.log"; }

# A stack: vidpipe.yaml with three resources; its state (specs/state.md's format) holds two of them.
W=$T_TMP/work
mkdir -p "$W/state" "$W/specs"
cat >"$W/vidpipe.yaml" <<'YAML'
vidpipe: 1
stack: ${var.stack}
region: us-east-1
variables:
  stack: comp

resources:
  uploads:
    type: s3_bucket
    name: ${var.stack}-vidpipe-uploads

  # in the spec, not yet in state
  videos:
    type: "dynamodb_table"
    name: ${var.stack}-videos
    hash_key: user_id
    attributes:
      user_id: S

  presign:
    type: lambda_function        # a handler vidpipe builds
    name: ${var.stack}-presign
    artifact: presign
    role: arn:aws:iam::123456789012:role/presign

outputs:
  bucket: ${uploads.name}
YAML
cat >"$W/state/comp.json" <<'JSON'
{
  "format_version": 1,
  "serial": 3,
  "lineage": "0b6c1c4e-3f0e-4c35-9d0f-5b2f3f1f7a10",
  "stack": "comp",
  "vidpipe_version": "0.1.0-dev",
  "resources": [
    {"address": "s3_bucket.uploads", "type": "s3_bucket", "name": "uploads", "id": "comp-vidpipe-uploads",
     "status": "ready", "attributes": {"name": "comp-vidpipe-uploads"}, "depends_on": []},
    {"address": "lambda_function.presign", "type": "lambda_function", "name": "presign", "id": "comp-presign",
     "status": "ready", "attributes": {"name": "comp-presign"}, "depends_on": []}
  ],
  "outputs": {"bucket": "comp-vidpipe-uploads"}
}
JSON
sed 's/"comp"/"other"/; s/s3_bucket.uploads/s3_bucket.media/; s/"uploads"/"media"/' "$W/state/comp.json" >"$W/other.json"
: >"$W/specs/b.yml"
: >"$W/notes.txt"
: >"$W/vars.json"
cd "$W" || exit 1
t_eq "the stack: vidpipe state list reads its state" "s3_bucket.uploads lambda_function.presign" \
    "$("$VIDPIPE" state list | tr '\n' ' ' | sed 's/ $//')"
calls >/dev/null

state2=$(printf '%s\n' lambda_function.presign s3_bucket.uploads)
all3=$(printf '%s\n' dynamodb_table.videos lambda_function.presign s3_bucket.uploads)
specs=$(printf '%s\n' specs state vidpipe.yaml)        # *.yaml, *.yml and folders
nl() { printf '%s\n' "$@"; }
# without W: the options a help lists, without --help
opts_of() { vp_help_options "$("$VIDPIPE" "$@" --help)"; }

# ---------------------------------------------------------------- bash
# bcomp LINE: what _vidpipe offers at the end of LINE (its words split at spaces and at '=' after an
# option, as bash does with the default COMP_WORDBREAKS), sorted.
bcomp() {
    bash -c '
        . "$1"
        read -ra COMP_WORDS <<<"$(printf "%s" "$2" | sed "s/\(--[a-z-]*\)=/\1 = /")"
        case $2 in *" " | *=) COMP_WORDS+=("") ;; esac
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE=$2 COMP_POINT=${#2}
        _vidpipe
        printf "%s\n" "${COMPREPLY[@]}"
    ' bcomp "$BASH_COMP" "$1" | sed '/^$/d' | LC_ALL=C sort -u
}

t_check "bash: the script parses" bash -n "$BASH_COMP"
t_eq "bash: it registers _vidpipe for vidpipe" "complete -F _vidpipe vidpipe" \
    "$(bash -c '. "$1"; complete -p vidpipe' _ "$BASH_COMP")"
t_eq "bash: vidpipe pl<TAB>" "plan" "$(bcomp 'vidpipe pl')"
t_eq "bash: vidpipe <TAB>: every command" "$(vp_commands | LC_ALL=C sort)" "$(bcomp 'vidpipe ')"
t_eq "bash: vidpipe --<TAB>: the global options" \
    "$( (vp_cmd_options ""; nl --help --version) | LC_ALL=C sort)" "$(bcomp 'vidpipe --')"
for cmd in $(vp_commands); do
    subs=$(vp_subcommands "$("$VIDPIPE" "$cmd" --help)")
    if [ -z "$subs" ]; then
        t_eq "bash: vidpipe $cmd --<TAB>: the options of its --help" \
            "$(opts_of "$cmd")" "$(bcomp "vidpipe $cmd --" | grep -vx -- --help)"
        continue
    fi
    t_eq "bash: vidpipe $cmd <TAB>: its subcommands" "$(printf '%s\n' "$subs" | LC_ALL=C sort)" "$(bcomp "vidpipe $cmd ")"
    for sub in $subs; do
        t_eq "bash: vidpipe $cmd $sub --<TAB>: the options of its --help" \
            "$(opts_of "$cmd" "$sub")" "$(bcomp "vidpipe $cmd $sub --" | grep -vx -- --help)"
    done
done
t_eq "bash: plan --format <TAB>" "$(nl json markdown text)" "$(bcomp 'vidpipe plan --format ')"
t_eq "bash: drift --format=m<TAB>" "markdown" "$(bcomp 'vidpipe drift --format=m')"
t_eq "bash: plan <TAB>: specs and folders" "$specs" "$(bcomp 'vidpipe plan ')"
t_eq "bash: plan --var-file <TAB>: YAML and JSON files" "$(nl other.json specs state vars.json vidpipe.yaml)" \
    "$(bcomp 'vidpipe plan --var-file ')"
calls >/dev/null
t_eq "bash: state show <TAB>: the addresses in state" "$state2" "$(bcomp 'vidpipe state show ')"
t_eq "bash: ... from vidpipe state list" "state list vidpipe.yaml" "$(calls)"
t_eq "bash: state rm s3<TAB>" "s3_bucket.uploads" "$(bcomp 'vidpipe state rm s3')"
t_eq "bash: state show <TAB> --state other.json: that state's" "$(nl lambda_function.presign s3_bucket.media)" \
    "$(bcomp 'vidpipe state show --state other.json ')"
t_eq "bash: ... asked with the line's --state and variables" "state list vidpipe.yaml --state other.json --var stack=x" \
    "$(calls >/dev/null; bcomp 'vidpipe state show --var stack=x --state other.json ' >/dev/null; calls)"
t_eq "bash: ... and its SPEC" "state list specs/b.yml --var-file vars.json" \
    "$(calls >/dev/null; bcomp 'vidpipe plan specs/b.yml --var-file vars.json --target ' >/dev/null; calls)"
t_eq "bash: state show <TAB> --var stack=none: no state, nothing" "" "$(bcomp 'vidpipe state show --var stack=none ')"
t_eq "bash: plan --target <TAB>: the spec's and the state's" "$all3" "$(bcomp 'vidpipe plan --target ')"
t_eq "bash: apply --target=l<TAB>" "lambda_function.presign" "$(bcomp 'vidpipe apply --target=l')"
t_eq "bash: import <TAB>: the spec's not in state" "dynamodb_table.videos" "$(bcomp 'vidpipe import ')"
t_eq "bash: invoke <TAB>: the lambda functions" "lambda_function.presign" "$(bcomp 'vidpipe invoke ')"
t_eq "bash: invoke F --event <TAB>: JSON files" "$(nl other.json specs state vars.json)" \
    "$(bcomp 'vidpipe invoke lambda_function.presign --event ')"
t_eq "bash: debug call <TAB>: the services" \
    "$(nl apigatewayv2 dynamodb eventbridge iam lambda mediaconvert mediapackage s3 sts)" "$(bcomp 'vidpipe debug call ')"

# A spec whose state is in S3: its addresses, never a `state list` (that would call S3).
mkdir -p "$T_TMP/s3"
printf 'vidpipe: 1\nstack: s3b\nregion: us-east-1\nbackend:\n  s3:\n    bucket: b\n    key: k.json\nresources:\n  media:\n    type: s3_bucket\n    name: s3b-media\n' \
    >"$T_TMP/s3/vidpipe.yaml"
t_status "the S3-backed spec is valid" 0 "$VIDPIPE" validate "$T_TMP/s3/vidpipe.yaml"
calls >/dev/null
t_eq "bash: S3 state: state show <TAB> offers nothing" "" "$(cd "$T_TMP/s3" && bcomp 'vidpipe state show ')"
t_eq "bash: S3 state: plan --target <TAB> offers the spec's" "s3_bucket.media" "$(cd "$T_TMP/s3" && bcomp 'vidpipe plan --target ')"
t_eq "bash: S3 state: vidpipe was not run" "" "$(calls)"

# ---------------------------------------------------------------- zsh
if ! command -v zsh >/dev/null; then
    t_fail "zsh is installed (sh scripts/deps.sh test installs it)"
    exit 1
fi
t_check "zsh: _vidpipe parses (zsh -n)" zsh -n "$ZSH_COMP"
t_eq "zsh: it is a #compdef vidpipe file" "#compdef vidpipe" "$(head -n 1 "$ZSH_COMP")"

# All the lines in one zsh; their answers, separated by "--" lines, into Z[i].
lines=("vidpipe pl" "vidpipe " "vidpipe --" "vidpipe plan --format " "vidpipe plan " "vidpipe state "
    "vidpipe state show " "vidpipe state rm --state other.json " "vidpipe plan --target " "vidpipe import "
    "vidpipe invoke " "vidpipe debug ")
first_opt=${#lines[@]}
opt_lines=()
for cmd in $(vp_commands); do
    subs=$(vp_subcommands "$("$VIDPIPE" "$cmd" --help)")
    if [ -z "$subs" ]; then
        opt_lines+=("$cmd")
    else
        for sub in $subs; do opt_lines+=("$cmd $sub"); done
    fi
done
for c in "${opt_lines[@]}"; do lines+=("vidpipe $c --"); done
zout=$(zsh "$VP_ROOT/tests/fixtures/zsh_complete.zsh" "$VP_ROOT/completions" "${lines[@]}" 2>"$T_TMP/zsh.err")
zrc=$?
t_eq "zsh: answered every line" "0 ${#lines[@]}" "$zrc $(printf '%s\n' "$zout" | grep -cx -- --)"
Z=()
block=""
while IFS= read -r l; do
    if [ "$l" = "--" ]; then Z+=("$block"); block=""; else block=${block:+$block$'\n'}$l; fi
done <<<"$zout"
zs() { printf '%s\n' "${Z[$1]:-}" | sed '/^$/d' | sed 's|/$||' | LC_ALL=C sort -u; }

t_eq "zsh: vidpipe pl<TAB>" "plan" "$(zs 0)"
t_eq "zsh: vidpipe <TAB>: every command" "$(vp_commands | LC_ALL=C sort)" "$(zs 1)"
t_eq "zsh: vidpipe --<TAB>: the global options" "$( (vp_cmd_options ""; nl --help --version) | LC_ALL=C sort)" "$(zs 2)"
t_eq "zsh: plan --format <TAB>" "$(nl json markdown text)" "$(zs 3)"
t_eq "zsh: plan <TAB>: specs and folders" "$specs" "$(zs 4)"
t_eq "zsh: state <TAB>" "$(nl list rm show)" "$(zs 5)"
t_eq "zsh: state show <TAB>: the addresses in state" "$state2" "$(zs 6)"
t_eq "zsh: state rm --state other.json <TAB>: that state's" "$(nl lambda_function.presign s3_bucket.media)" "$(zs 7)"
t_eq "zsh: plan --target <TAB>: the spec's and the state's" "$all3" "$(zs 8)"
t_eq "zsh: import <TAB>: the spec's not in state" "dynamodb_table.videos" "$(zs 9)"
t_eq "zsh: invoke <TAB>: the lambda functions" "lambda_function.presign" "$(zs 10)"
t_eq "zsh: debug <TAB>: its subcommands" "$(vp_subcommands "$("$VIDPIPE" debug --help)" | LC_ALL=C sort)" "$(zs 11)"
i=$first_opt
for c in "${opt_lines[@]}"; do
    # shellcheck disable=SC2086
    t_eq "zsh: vidpipe $c --<TAB>: the options of its --help" "$(opts_of $c)" "$(zs "$i" | grep -vx -- --help)"
    i=$((i + 1))
done
