# local-stack.sh: the whole pipeline on this machine, for `make demo` and the end-to-end tests (sourced, bash).
#
#   local_stack_up DIR     moto server (S3, DynamoDB, IAM, STS, Lambda, MediaPackage, API Gateway v2, EventBridge)
#                          and the MediaConvert stand-in transcoding with ffmpeg, each on a free 127.0.0.1 port;
#                          `vidpipe apply examples/video-pipeline.yaml` against them (state in DIR/state); then
#                          `vidpipe serve` with the web app, the development issuer and the stand-in's events.
#                          Exports LS_MOTO_URL, LS_MC_URL, LS_API_URL, LS_LOCAL_URL, LS_STACK and the AWS_* settings.
#   local_stack_down       stops everything local_stack_up started (also on any exit: call it from a trap).
#
# Needs VP_ROOT (the checkout) and VIDPIPE (the built binary); LS_STACK (default demo) names the stack.
LS_PIDS=()
LS_STACK=${LS_STACK:-demo}

ls_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ls_wait_http() {  # URL SECONDS [-f]: until something answers at URL (with -f: a 2xx answer)
    local tries=$(( $2 * 20 ))
    while [ "$tries" -gt 0 ]; do
        curl -s ${3:-} -o /dev/null "$1" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    return 1
}

# LOG CMD...: a server in the background, remembered for local_stack_down. It runs in a session of its own
# (setsid execs it in place, so $! is the server), so that a Ctrl-C on the terminal reaches only the script,
# which then stops the servers in order.
ls_start() {
    local log=$1
    shift
    setsid "$@" >"$log" 2>&1 </dev/null &
    LS_PIDS+=($!)
}

# Stops every server: SIGTERM, up to 10 s to finish, then SIGKILL.
local_stack_down() {
    local pid tries=200 alive
    for pid in "${LS_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    while [ "$tries" -gt 0 ]; do
        alive=0
        for pid in "${LS_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1 || true; done
        [ "$alive" = 0 ] && break
        sleep 0.05
        tries=$((tries - 1))
    done
    for pid in "${LS_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    LS_PIDS=()
}

local_stack_up() {
    local_stack_emulators "$1" && local_stack_apply "$1" && local_stack_serve "$1"
}

# The three steps of local_stack_up, for callers that time them.
local_stack_emulators() {
    local dir=$1 moto_port mc_port api_port local_port
    mkdir -p "$dir"
    moto_port=$(ls_free_port)
    mc_port=$(ls_free_port)
    api_port=$(ls_free_port)
    local_port=$(ls_free_port)
    LS_MOTO_URL="http://127.0.0.1:$moto_port"
    LS_MC_URL="http://127.0.0.1:$mc_port"
    LS_API_URL="http://127.0.0.1:$api_port"
    LS_LOCAL_URL="http://127.0.0.1:$local_port"
    export LS_MOTO_URL LS_MC_URL LS_API_URL LS_LOCAL_URL LS_STACK
    # Fake keys and our endpoints only: nothing reaches AWS, nothing of ~/.aws is read.
    export AWS_ENDPOINT_URL="$LS_MOTO_URL" AWS_ENDPOINT_URL_MEDIACONVERT="$LS_MC_URL" AWS_REGION=us-east-1
    export AWS_ACCESS_KEY_ID=AKIADEMODEMODEMO0000 AWS_SECRET_ACCESS_KEY=demo-secret-not-real
    export AWS_CONFIG_FILE="$dir/aws-config" AWS_SHARED_CREDENTIALS_FILE="$dir/aws-credentials"
    export AWS_EC2_METADATA_DISABLED=true NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
    export VIDPIPE_WAIT_POLL_MS=${VIDPIPE_WAIT_POLL_MS:-50}

    ls_start "$dir/moto.log" python3 -m moto.server -H 127.0.0.1 -p "$moto_port"
    # The stand-in sends "MediaConvert Job State Change" events to serve's EventBridge endpoint.
    AWS_ENDPOINT_URL_EVENTS="$LS_LOCAL_URL/events" ls_start "$dir/mediaconvert.log" \
        python3 "$VP_ROOT/tests/fixtures/mediaconvert_standin.py" --port "$mc_port" --transcode
    ls_wait_http "$LS_MOTO_URL/moto-api/" 30 || { echo "moto did not start: $(cat "$dir/moto.log")" >&2; return 1; }
    ls_wait_http "$LS_MC_URL/_standin/health" 30 ||
        { echo "the MediaConvert stand-in did not start: $(cat "$dir/mediaconvert.log")" >&2; return 1; }
}

local_stack_apply() {
    local dir=$1 key
    key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
    cat >"$dir/local.vars.yaml" <<VARS
stack: $LS_STACK
account_id: "123456789012"
app_origin: $LS_LOCAL_URL
page_token_key: $key
segment_length: 4
VARS
    chmod 600 "$dir/local.vars.yaml"
    # The media bucket is private, as on AWS: players fetch through serve's /media, as through a CDN.
    cat >"$dir/env-vars.json" <<JSON
{"package": {"VIDPIPE_PLAYBACK_BASE_URL": "$LS_LOCAL_URL/media/$LS_STACK-vidpipe-media"}}
JSON
    (cd "$dir" && "$VIDPIPE" apply "$VP_ROOT/examples/video-pipeline.yaml" --var-file local.vars.yaml --auto-approve) \
        >"$dir/apply.log" 2>&1 || { echo "apply failed:" >&2; cat "$dir/apply.log" >&2; return 1; }
}

local_stack_serve() {
    local dir=$1 api_port=${LS_API_URL##*:} local_port=${LS_LOCAL_URL##*:}
    (cd "$dir" && exec setsid "$VIDPIPE" serve "$VP_ROOT/examples/video-pipeline.yaml" --var-file local.vars.yaml \
        --port "$api_port" --local-port "$local_port" --web "$VP_ROOT/examples/player" --dev-issuer \
        --env-vars env-vars.json --poll-ms 200) >"$dir/serve.log" 2>&1 </dev/null &
    LS_PIDS+=($!)
    ls_wait_http "$LS_LOCAL_URL/config.json" 30 -f || { echo "serve did not start:" >&2; cat "$dir/serve.log" >&2; return 1; }
}

# local_stack_token USER: a token from the development issuer.
local_stack_token() {
    curl -sf -X POST "$LS_LOCAL_URL/issuer/token" --data-urlencode grant_type=password \
        --data-urlencode "username=$1" --data-urlencode password=dev --data-urlencode client_id=vidpipe-app |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
