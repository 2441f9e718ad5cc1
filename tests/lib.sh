# lib.sh: shared by the shell tests (bash). Source it first; it gives each test file a private temporary
# folder, a clean AWS environment (no real ~/.aws, fake keys), helpers to start loopback servers that are
# always stopped on exit, and checks that print "ok - ..." or "not ok - ..." for tests/run.sh to count.

set -u
VIDPIPE=${VIDPIPE:-$PWD/build/vidpipe}
VP_ROOT=${VP_ROOT:-$PWD}
VP_TESTDATA=${VP_TESTDATA:-$VP_ROOT/../shared/testdata}
T_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vp-$T_NAME.XXXXXX")
T_PIDS=()

t_cleanup() {
    local pid
    for pid in "${T_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${T_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

# A clean AWS environment: nothing from the machine leaks in.
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset VIDPIPE_LOG
export HOME="$T_TMP/home"
mkdir -p "$HOME"
export AWS_CONFIG_FILE="$T_TMP/aws-config" AWS_SHARED_CREDENTIALS_FILE="$T_TMP/aws-credentials"
export AWS_ACCESS_KEY_ID=AKIATESTTESTTEST1234 AWS_SECRET_ACCESS_KEY=testsecrettestsecrettestsecret AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

t_ok() { echo "ok - $T_NAME: $1"; }
t_fail() {
    echo "not ok - $T_NAME: $1"
    shift
    local line
    for line in "$@"; do echo "#   $line"; done
}

# t_check DESC CMD...: passes when CMD exits 0.
t_check() {
    local desc=$1
    shift
    if "$@" >"$T_TMP/check.out" 2>&1; then t_ok "$desc"; else t_fail "$desc" "command failed: $*" "$(tail -n 5 "$T_TMP/check.out")"; fi
}
# t_status DESC WANT CMD...: passes when CMD exits WANT; its stdout is in $T_OUT, stderr in $T_ERR.
t_status() {
    local desc=$1 want=$2 got
    shift 2
    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    got=$?
    T_OUT=$(cat "$T_TMP/out")
    T_ERR=$(cat "$T_TMP/err")
    if [ "$got" = "$want" ]; then t_ok "$desc"; else t_fail "$desc" "exit want $want got $got: $*" "stderr: $(tail -n 5 "$T_TMP/err")"; fi
}
t_eq() {
    if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "want: $2" "got:  $3"; fi
}
t_contains() {
    case "$2" in *"$3"*) t_ok "$1" ;; *) t_fail "$1" "wanted to find: $3" "in: $(printf '%s' "$2" | head -c 600)" ;; esac
}
t_lacks() {
    case "$2" in *"$3"*) t_fail "$1" "did not want to find: $3" "in: $(printf '%s' "$2" | head -c 600)" ;; *) t_ok "$1" ;; esac
}

t_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# t_wait_http URL [SECONDS]: waits until something answers at URL.
t_wait_http() {
    local url=$1 tries=$(( ${2:-20} * 10 ))
    while [ "$tries" -gt 0 ]; do
        curl -s -o /dev/null --max-time 1 "$url" && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    echo "nothing answered at $url" >&2
    return 1
}

# t_bg CMD...: starts CMD in the background; it is stopped when the test exits.
t_bg() {
    "$@" &
    T_PIDS+=($!)
}

# moto_start: moto server on a free loopback port; exports MOTO_URL and AWS_ENDPOINT_URL.
moto_start() {
    local port
    port=$(t_free_port)
    t_bg python3 -m moto.server -H 127.0.0.1 -p "$port" >"$T_TMP/moto.log" 2>&1
    MOTO_URL="http://127.0.0.1:$port"
    export MOTO_URL AWS_ENDPOINT_URL="$MOTO_URL"
    t_wait_http "$MOTO_URL/moto-api/" 30 || { t_fail "moto server started"; exit 1; }
}
moto_reset() {
    curl -s -X POST "$MOTO_URL/moto-api/reset" >/dev/null
}

# py CODE: runs Python with boto3 pointed at the same endpoint (the independent reader).
py() {
    python3 -c "$1"
}

# fault_start [ARGS]: the fault proxy in front of moto; exports FAULT_URL and points AWS_ENDPOINT_URL at it.
fault_start() {
    local portfile="$T_TMP/fault.port"
    t_bg python3 "$VP_ROOT/tests/fixtures/fault_proxy.py" --upstream "$MOTO_URL" "$@" >"$portfile" 2>"$T_TMP/fault.log"
    local tries=100
    while [ ! -s "$portfile" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
    FAULT_URL="http://127.0.0.1:$(head -n 1 "$portfile")"
    export FAULT_URL AWS_ENDPOINT_URL="$FAULT_URL"
    t_wait_http "$FAULT_URL/_fault/stats" 10
}
fault_script() { curl -s -X POST --data "$1" "$FAULT_URL/_fault/script" >/dev/null; }
fault_requests() { curl -s "$FAULT_URL/_fault/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }
fault_stat() { curl -s "$FAULT_URL/_fault/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# handler_artifacts: sets ART to the folder of the built handler zips: this build's, else the normal build's
# (sanitizer builds make no artifacts); when there are none the test is skipped (exit 0, "skip - ...").
handler_artifacts() {
    ART=$VP_ROOT/${BUILD:-build}/handlers
    [ -f "$ART/presign.zip" ] || ART=$VP_ROOT/build/handlers
    [ -f "$ART/presign.zip" ] || { echo "skip - no handler artifacts built (make)"; exit 0; }
}

# mc_start [ARGS]: the MediaConvert stand-in (tests/fixtures/mediaconvert_standin.py: every request checked
# against botocore's MediaConvert model) on a free loopback port; exports MC_URL and AWS_ENDPOINT_URL_MEDIACONVERT.
mc_start() {
    local portfile="$T_TMP/mc.port" tries=100
    t_bg python3 "$VP_ROOT/tests/fixtures/mediaconvert_standin.py" "$@" >"$portfile" 2>"$T_TMP/mc.log"
    while [ ! -s "$portfile" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
    MC_URL="http://127.0.0.1:$(head -n 1 "$portfile")"
    export MC_URL AWS_ENDPOINT_URL_MEDIACONVERT="$MC_URL"
    t_wait_http "$MC_URL/_standin/health" 20 || { t_fail "the stand-in started" "$(cat "$T_TMP/mc.log")"; exit 1; }
}

# boto SERVICE CODE: runs Python CODE with `c` a boto3 client of SERVICE at the test's endpoint (MOTO_URL).
boto() {
    python3 -c "
import boto3, json, sys
c = boto3.client('$1', endpoint_url='$MOTO_URL', region_name='${AWS_REGION:-us-east-1}')
$2"
}
