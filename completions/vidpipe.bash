# bash completion for vidpipe                                                   -*- shell-script -*-
#
# Installed as share/bash-completion/completions/vidpipe by `make install`; or: . completions/vidpipe.bash
#
# Completes the commands; each command's options (the lists in _vidpipe_options are those `vidpipe CMD
# --help` lists, plus --help: tests/scenarios/0120-completion.sh fails when they differ); SPEC arguments
# (*.yaml, *.yml); the values of --format, --mode, --print and of the file and folder options; and
# resource addresses for `state show|rm`, `import`, `--target` and `invoke`. Addresses in state come from
# `vidpipe state list`, given the SPEC, --var, --var-file and --state of the line: it reads the local state
# file and calls no AWS API; a spec whose state is kept in S3 (backend: s3) is not asked, unless --state
# names a local file. Addresses in the spec are read from its `resources:` block (TYPE.NAME).

_vidpipe_commands='validate plan apply destroy drift show state import output invoke serve force-unlock debug version'

# _vidpipe_options CMD [SUBCOMMAND]: the options of CMD (of debug's SUBCOMMAND).
_vidpipe_options() {
    case $1 in
    validate) echo --var --var-file --json --help ;;
    plan) echo --var --var-file --out --format --json --detailed-exitcode --destroy --target --parallelism \
        --state --help ;;
    apply) echo --auto-approve --var --var-file --target --parallelism --lock-timeout --state --help ;;
    destroy) echo --auto-approve --var --var-file --target --parallelism --lock-timeout --state --help ;;
    drift) echo --format --json --target --var --var-file --parallelism --state --help ;;
    show | output) echo --json --var --var-file --state --help ;;
    state | import) echo --var --var-file --state --lock-timeout --help ;;
    force-unlock) echo --var --var-file --state --help ;;
    invoke) echo --event --var --var-file --state --timeout --env --zip --name --memory --handler --help ;;
    serve) echo --port --local-port --web --dev-issuer --env-vars --api --poll-ms --var --var-file --state \
        --help ;;
    version) echo --help ;;
    debug)
        case $2 in
        sigv4) echo --context --request --mode --print --help ;;
        call) echo --method --path --bucket --key --query --header --body --status --all-pages --help ;;
        creds) echo --repeat --help ;;
        endpoint) echo --bucket --help ;;
        resource) echo --force-destroy --help ;;
        state) echo --timeout-ms --hold-ms --writer --count --help ;;
        schema) echo --json-schema --markdown --help ;;
        *) echo --help ;;
        esac
        ;;
    esac
}

# _vidpipe_takes_value OPTION: true when OPTION takes a value (in the next word, or after '=').
_vidpipe_takes_value() {
    case $1 in
    --profile | --region | --var | --var-file | --out | --format | --target | --parallelism | --lock-timeout | \
        --state | --event | --timeout | --env | --zip | --name | --memory | --handler | --port | --local-port | \
        --web | --env-vars | --api | --poll-ms | --context | --request | --mode | --print | --method | --path | \
        --bucket | --key | --query | --header | --body | --repeat | --timeout-ms | --hold-ms | --writer | --count)
        return 0
        ;;
    esac
    return 1
}

_vidpipe_services='s3 dynamodb iam sts lambda mediaconvert mediapackage apigatewayv2 eventbridge'
_vidpipe_types='dynamodb_table eventbridge_rule http_api iam_role lambda_function lambda_permission
 mediaconvert_job_template mediapackage_channel mediapackage_hls_endpoint s3_bucket s3_bucket_notification'

# _vidpipe_reply WORDS...: COMPREPLY = those of WORDS that start with $cur.
_vidpipe_reply() {
    local w
    for w in "$@"; do
        [[ $w == "$cur"* ]] && COMPREPLY+=("$w")
    done
}

# _vidpipe_files [PATTERN...]: files matching one of the glob PATTERNs (all files without one) and
# folders, completed from $cur.
_vidpipe_files() {
    local f p
    type compopt &>/dev/null && compopt -o filenames 2>/dev/null
    while IFS= read -r f; do
        if [[ -d $f ]]; then
            COMPREPLY+=("$f")
            continue
        fi
        [[ $# -eq 0 ]] && { COMPREPLY+=("$f"); continue; }
        for p in "$@"; do
            # shellcheck disable=SC2254
            case $f in $p) COMPREPLY+=("$f"); break ;; esac
        done
    done < <(compgen -f -- "$cur")
}

_vidpipe_dirs() {
    type compopt &>/dev/null && compopt -o filenames 2>/dev/null
    local f
    while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -d -- "$cur")
}

# _vidpipe_spec_of SPEC: the spec a command reads: SPEC, or vidpipe.yaml when it exists.
_vidpipe_spec_of() {
    if [[ -n $1 ]]; then
        echo "$1"
    elif [[ -r vidpipe.yaml ]]; then
        echo vidpipe.yaml
    fi
}

# _vidpipe_state_addresses: the addresses in the stack's state, one a line, from `vidpipe state list`
# with the line's spec, variables and --state (set by _vidpipe_scan). Nothing when the spec keeps its
# state in S3 and no --state is given: completion never calls AWS.
_vidpipe_state_addresses() {
    local spec
    spec=$(_vidpipe_spec_of "$_vp_spec")
    if [[ -z $_vp_state ]]; then
        [[ -n $spec && -r $spec ]] || return
        awk '/^backend:.*s3/ { f = 1 } /^backend:/ { b = 1; next } /^[^[:space:]#]/ { b = 0 }
             b && /^[[:space:]]+s3:/ { f = 1 } END { exit !f }' "$spec" 2>/dev/null && return
    fi
    local -a args=(state list)
    [[ -n $spec ]] && args+=("$spec")
    [[ -n $_vp_state ]] && args+=(--state "$_vp_state")
    args+=("${_vp_vars[@]}")
    if type timeout &>/dev/null; then
        timeout 3 "$_vp_prog" "${args[@]}" </dev/null 2>/dev/null
    else
        "$_vp_prog" "${args[@]}" </dev/null 2>/dev/null
    fi
}

# _vidpipe_spec_addresses: TYPE.NAME of every resource in the spec's `resources:` block (block style, as
# vidpipe's examples write it: each resource a key with its `type:` among its keys).
_vidpipe_spec_addresses() {
    local spec
    spec=$(_vidpipe_spec_of "$_vp_spec")
    [[ -n $spec && -r $spec ]] || return
    awk '
        /^resources:[[:space:]]*(#.*)?$/ { r = 1; next }
        !r { next }
        /^[^[:space:]#]/ { r = 0; next }
        /^[[:space:]]*(#.*)?$/ { next }
        {
            match($0, /^[[:space:]]*/); ind = RLENGTH; line = substr($0, ind + 1)
            if (!base) base = ind
            if (ind == base) {
                name = line; sub(/:.*/, "", name); kid = 0
                if (name !~ /^[a-z][a-z0-9_]*$/) name = ""
                next
            }
            if (!kid) kid = ind
            if (ind == kid && name != "" && line ~ /^type:/) {
                t = line; sub(/^type:[[:space:]]*/, "", t); sub(/[[:space:]]*(#.*)?$/, "", t)
                gsub(/["\047]/, "", t)
                print t "." name; name = ""
            }
        }' "$spec" 2>/dev/null
}

# _vidpipe_scan: reads the line: the program, the command and its subcommand, the positional arguments
# before the cursor (_vp_args), and what `state list` needs (_vp_spec, _vp_state, _vp_vars).
_vidpipe_scan() {
    local i w prev_valued=""
    _vp_prog=${COMP_WORDS[0]}
    _vp_cmd="" _vp_sub="" _vp_spec="" _vp_state="" _vp_vars=() _vp_args=()
    # shellcheck disable=SC2088 # a literal ~/ as typed: COMP_WORDS are not expanded
    [[ $_vp_prog == "~/"* ]] && _vp_prog=$HOME/${_vp_prog#"~/"}
    for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -n $prev_valued ]]; then
            if [[ $w == "=" ]]; then
                continue
            fi
            case $prev_valued in
            --state) _vp_state=$w ;;
            --var | --var-file) _vp_vars+=("$prev_valued" "$w") ;;
            esac
            prev_valued=""
            continue
        fi
        [[ $i -eq $COMP_CWORD ]] && continue
        case $w in
        --) ;;
        --*=*) ;;
        --*) _vidpipe_takes_value "$w" && prev_valued=$w ;;
        *)
            if [[ -z $_vp_cmd ]]; then
                _vp_cmd=$w
            elif [[ $_vp_cmd == debug && -z $_vp_sub ]]; then
                _vp_sub=$w
            else
                [[ $i -lt $COMP_CWORD ]] && _vp_args+=("$w")
                [[ -z $_vp_spec && ($w == *.yaml || $w == *.yml) ]] && _vp_spec=$w
            fi
            ;;
        esac
    done
}

# _vidpipe_value OPTION: completes OPTION's value.
_vidpipe_value() {
    case $1 in
    --format) _vidpipe_reply text json markdown ;;
    --mode) _vidpipe_reply header query ;;
    --print) _vidpipe_reply canonical-request string-to-sign signature signed-request ;;
    --var-file) _vidpipe_files '*.yaml' '*.yml' '*.json' ;;
    --state) _vidpipe_files '*.json' ;;
    --event | --env-vars | --context) _vidpipe_files '*.json' ;;
    --request) _vidpipe_files '*.txt' ;;
    --zip) _vidpipe_files '*.zip' ;;
    --out) _vidpipe_files ;;
    --web) _vidpipe_dirs ;;
    --target)
        local a
        while IFS= read -r a; do [[ -n $a ]] && _vidpipe_reply "$a"; done < <(
            { _vidpipe_state_addresses; _vidpipe_spec_addresses; } | sort -u)
        ;;
    --profile)
        local p
        while IFS= read -r p; do _vidpipe_reply "$p"; done < <(
            sed -n 's/^\[profile  *\([^]]*\)\].*/\1/p; s/^\[\(default\)\].*/\1/p' \
                "${AWS_CONFIG_FILE:-$HOME/.aws/config}" 2>/dev/null
            sed -n 's/^\[\([^]]*\)\].*/\1/p' "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" 2>/dev/null)
        ;;
    esac
}

_vidpipe() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" opt=""
    local _vp_prog _vp_cmd _vp_sub _vp_spec _vp_state
    local -a _vp_vars _vp_args
    COMPREPLY=()
    [[ $COMP_CWORD -gt 0 ]] && prev=${COMP_WORDS[COMP_CWORD - 1]}

    # An option's value: "--opt VALUE", "--opt=VALUE" (bash splits at '=': "--opt" "=" "VALUE").
    if [[ $cur == "=" && $prev == --* ]]; then
        opt=$prev cur=""
    elif [[ $prev == "=" && $COMP_CWORD -gt 1 && ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif _vidpipe_takes_value "$prev"; then
        opt=$prev
    fi
    _vidpipe_scan
    if [[ -n $opt ]]; then
        _vidpipe_takes_value "$opt" && _vidpipe_value "$opt"
        return 0
    fi

    if [[ -z $_vp_cmd ]]; then
        if [[ $cur == -* ]]; then
            _vidpipe_reply --debug --profile --region --help --version
        else
            # shellcheck disable=SC2086
            _vidpipe_reply $_vidpipe_commands
        fi
        return 0
    fi
    if [[ $cur == -* ]]; then
        # shellcheck disable=SC2046
        _vidpipe_reply $(_vidpipe_options "$_vp_cmd" "$_vp_sub")
        return 0
    fi

    local n=${#_vp_args[@]} a
    case $_vp_cmd in
    validate | plan | destroy | drift | show | serve) _vidpipe_files '*.yaml' '*.yml' ;;
    apply) _vidpipe_files ;;                    # SPEC or a PLANFILE saved by plan --out
    state)
        if [[ $n -eq 0 ]]; then
            _vidpipe_reply list show rm
        elif [[ $n -eq 1 && ${_vp_args[0]} != list ]]; then
            while IFS= read -r a; do [[ -n $a ]] && _vidpipe_reply "$a"; done < <(_vidpipe_state_addresses)
        else
            _vidpipe_files '*.yaml' '*.yml'
        fi
        ;;
    import)                                     # ADDRESS: one of the spec's, not yet in state
        if [[ $n -eq 0 ]]; then
            while IFS= read -r a; do [[ -n $a ]] && _vidpipe_reply "$a"; done < <(
                comm -23 <(_vidpipe_spec_addresses | sort -u) <(_vidpipe_state_addresses | sort -u))
        elif [[ $n -ge 2 ]]; then
            _vidpipe_files '*.yaml' '*.yml'
        fi
        ;;
    invoke)                                     # FUNCTION: a lambda_function of the state or the spec
        if [[ $n -eq 0 ]]; then
            while IFS= read -r a; do [[ $a == lambda_function.* ]] && _vidpipe_reply "$a"; done < <(
                { _vidpipe_state_addresses; _vidpipe_spec_addresses; } | sort -u)
        else
            _vidpipe_files '*.yaml' '*.yml'
        fi
        ;;
    output)                                     # NAME or SPEC
        _vidpipe_files '*.yaml' '*.yml'
        ;;
    force-unlock)
        [[ $n -ge 1 ]] && _vidpipe_files '*.yaml' '*.yml'
        ;;
    debug)
        if [[ -z $_vp_sub ]]; then
            _vidpipe_reply sigv4 call creds endpoint resource state schema
            return 0
        fi
        case $_vp_sub in
        call | endpoint)
            # shellcheck disable=SC2086
            [[ $n -eq 0 ]] && _vidpipe_reply $_vidpipe_services
            ;;
        resource)
            # shellcheck disable=SC2086
            if [[ $n -eq 0 ]]; then
                _vidpipe_reply $_vidpipe_types
            elif [[ $n -eq 1 ]]; then
                _vidpipe_reply read create update delete
            elif [[ ${_vp_args[1]} == create || ($n -eq 3 && ${_vp_args[1]} == update) ]]; then
                _vidpipe_files '*.json'
            fi
            ;;
        state)
            if [[ $n -eq 0 ]]; then
                _vidpipe_reply read lock bump
            elif [[ $n -eq 1 ]]; then
                _vidpipe_files '*.json'
            fi
            ;;
        esac
        ;;
    esac
    return 0
}

complete -F _vidpipe vidpipe
