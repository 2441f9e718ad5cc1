# 6000-runtime: the Lambda runtime (src/handlers/runtime*.c) against a Runtime API double
# (tests/fixtures/runtime_api.py), running the echo test handler's local bootstrap: responses and errors
# posted for the right request id, init errors, trace id and deadline handed to the handler, one JSON log
# line per event, hostile events answered with an error instead of a crash, and a `next` long poll that
# no HTTP timeout cuts short.
. tests/lib.sh
BOOT="$VP_ROOT/$BUILD/bin/bootstrap-echo"
[ -x "$BOOT" ] || { echo "not ok - $T_NAME: $BOOT is not built"; exit 1; }

portfile="$T_TMP/rapi.port"
t_bg python3 "$VP_ROOT/tests/fixtures/runtime_api.py" >"$portfile" 2>"$T_TMP/rapi.log"
tries=100
while [ ! -s "$portfile" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
RAPI="127.0.0.1:$(head -n 1 "$portfile")"
t_wait_http "http://$RAPI/_test/results" 10 || { t_fail "Runtime API double started"; exit 1; }

# enqueue ID BODY [QUERY]: queues an event; BODY "@file" reads a file.
enqueue() {
    local data=$2
    case "$data" in @*) ;; *) printf '%s' "$data" >"$T_TMP/event"; data="@$T_TMP/event" ;; esac
    curl -s -o /dev/null -X POST --data-binary "$data" "http://$RAPI/_test/enqueue?id=$1${3:+&$3}"
}
reset_api() { curl -s -o /dev/null -X POST "http://$RAPI/_test/reset"; }
# res EXPR: a Python expression over r, the double's results ({"responses", "errors", "init_errors", ...}).
res() {
    curl -s "http://$RAPI/_test/results" >"$T_TMP/results.json"
    python3 -c "
import json
r = json.load(open('$T_TMP/results.json'))
def resp(i): return json.loads(r['responses'][i])
def errbody(i): return json.loads(r['errors'][i]['body'])
print($1)"
}
# run_boot [ENV=V...]: runs the bootstrap until the double runs out of events; stdout in $T_TMP/log.
run_boot() {
    env AWS_LAMBDA_RUNTIME_API="$RAPI" "$@" timeout 60 "$BOOT" >"$T_TMP/log" 2>"$T_TMP/stderr"
    BOOT_RC=$?
}
log_lines_for() { grep -c "\"requestId\":\"$1\"" "$T_TMP/log"; }

# --- responses, errors, trace id and deadline -------------------------------------------------------
deadline=$(( $(date +%s) * 1000 + 45000 ))
trace="Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
enqueue r-ok '{"hello":"world"}' "trace=$trace&deadline_ms=$deadline"
enqueue r-notrace '{"n":2}' "no_trace=1"
enqueue r-fail '{"fail":"BoomError"}'
enqueue r-fail-plain '{"fail":true}'
enqueue r-log '{"log":"hi there"}'
enqueue 'r%2Fodd%20id' '"just a string"'
run_boot _X_AMZN_TRACE_ID=stale-from-the-environment
t_eq "the runtime exits 0 when the Runtime API goes away" 0 "$BOOT_RC"
t_eq "response posted for its request id" "world r-ok" "$(res "resp('r-ok')['event']['hello'], resp('r-ok')['requestId']")"
t_eq "_X_AMZN_TRACE_ID is the event's trace id" "$trace" "$(res "resp('r-ok')['traceId']")"
t_eq "_X_AMZN_TRACE_ID is unset for an event without one" "None" "$(res "resp('r-notrace')['traceId']")"
t_eq "the deadline reaches the handler" "$deadline" "$(res "resp('r-ok')['deadlineMs']")"
t_eq "remaining time is counted from the deadline" "True" "$(res "30000 < resp('r-ok')['remainingMs'] <= 45000")"
t_eq "the function ARN reaches the handler" "arn:aws:lambda:us-east-1:123456789012:function:test" "$(res "resp('r-ok')['functionArn']")"
t_eq "the AWS client has the region" "us-east-1" "$(res "resp('r-ok')['region']")"
t_eq "error posted with the handler's errorType in body and header" "BoomError BoomError echo was asked to fail []" \
    "$(res "r['errors']['r-fail']['type'], errbody('r-fail')['errorType'], errbody('r-fail')['errorMessage'], errbody('r-fail')['stackTrace']")"
t_eq "an error without an AWS code is typed by its vidpipe code" "parse parse" \
    "$(res "r['errors']['r-fail-plain']['type'], errbody('r-fail-plain')['errorType']")"
t_eq "a request id is percent-encoded into the path" "just a string" "$(res "resp('r/odd id')['event']")"
t_eq "every post had a matching Content-Length" "True" "$(res "r['content_length_ok']")"
t_eq "stdout is JSON lines only" "" "$(python3 -c "
import json, sys
for line in open('$T_TMP/log'):
    try: json.loads(line)
    except ValueError: print('not JSON:', line.strip())")"
t_eq "one log line per event, with its request id" "1 1 1 1" \
    "$(echo "$(log_lines_for r-ok) $(log_lines_for r-notrace) $(log_lines_for r-fail) $(log_lines_for r-fail-plain)")"
t_eq "a handler's own line comes with the runtime's" "2" "$(log_lines_for r-log)"
t_contains "log lines carry level, handler and fields" "$(grep '"requestId":"r-fail"' "$T_TMP/log")" \
    '"level":"ERROR","requestId":"r-fail","handler":"echo","message":"invocation failed: echo was asked to fail","durationMs":'
t_contains "log lines have an RFC 3339 UTC timestamp with milliseconds" "$(head -n 1 "$T_TMP/log")" '"timestamp":"20'
t_eq "the timestamp's shape" "True" "$(head -n 1 "$T_TMP/log" | python3 -c "
import json, re, sys
print(bool(re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', json.loads(sys.stdin.readline())['timestamp'])))")"

# --- hostile events: an error for that invocation, and the loop goes on ----------------------------------
reset_api
python3 -c "import sys; sys.stdout.write('{\"a\":\"' + 'x' * (7 << 20) + '\"}')" >"$T_TMP/big.json"
python3 -c "import sys; sys.stdout.write('[' * 300000)" >"$T_TMP/deep.json"
enqueue r-bad 'nope, not JSON'
enqueue r-big "@$T_TMP/big.json"
enqueue r-deep "@$T_TMP/deep.json"
enqueue r-empty ''
enqueue r-surrogate '"\ud800"'
enqueue r-after '{"still":"here"}'
run_boot
t_eq "the runtime survives hostile events" 0 "$BOOT_RC"
t_eq "invalid JSON gives an InvalidEvent error" "InvalidEvent InvalidEvent" \
    "$(res "r['errors']['r-bad']['type'], errbody('r-bad')['errorType']")"
t_eq "a 7 MB event gives an InvalidEvent error" "InvalidEvent True" \
    "$(res "r['errors']['r-big']['type'], 'larger than 6291456 bytes' in errbody('r-big')['errorMessage']")"
t_eq "deep nesting, an empty body and a lone surrogate give errors" "InvalidEvent InvalidEvent InvalidEvent" \
    "$(res "r['errors']['r-deep']['type'], r['errors']['r-empty']['type'], r['errors']['r-surrogate']['type']")"
t_eq "the event after them is answered" "here" "$(res "resp('r-after')['event']['still']")"
t_eq "one log line each" "1 1 1" "$(echo "$(log_lines_for r-bad) $(log_lines_for r-big) $(log_lines_for r-after)")"

# --- init errors -------------------------------------------------------------------------------------
reset_api
enqueue r-never '{}'
run_boot ECHO_REQUIRE=ECHO_TABLE_NAME
t_eq "an init failure exits 1" 1 "$BOOT_RC"
t_eq "the init error is posted to init/error with its type" "usage usage" \
    "$(res "r['init_errors'][0]['type'], json.loads(r['init_errors'][0]['body'])['errorType']")"
t_contains "the init error says what is missing" "$(res "r['init_errors'][0]['body']")" "ECHO_TABLE_NAME is required"
t_eq "no invocation is asked for after an init failure" "0 {}" "$(res "r['next_calls'], r['responses']")"
t_contains "the init failure is logged as a JSON line" "$(cat "$T_TMP/log")" '"level":"ERROR","requestId":null,"handler":"echo","message":"init failed:'
reset_api
t_status "without AWS_LAMBDA_RUNTIME_API the bootstrap says where it runs, exit 1" 1 env -u AWS_LAMBDA_RUNTIME_API timeout 10 "$BOOT"
t_contains "and says it in a log line" "$T_OUT" "AWS_LAMBDA_RUNTIME_API is not set"

# --- the long poll has no total timeout ------------------------------------------------------------------
reset_api
enqueue r-slow '{"slow":true}' "delay_ms=3000"
start=$(date +%s)
run_boot VIDPIPE_HTTP_TIMEOUT_MS=1000 VIDPIPE_CONNECT_TIMEOUT_MS=500
t_eq "an event delivered after 3 s is still received (HTTP timeout 1 s)" "True" "$(res "resp('r-slow')['event']['slow']")"
t_eq "and the runtime waited for it" "True" "$([ $(( $(date +%s) - start )) -ge 3 ] && echo True || echo False)"

# --- a handler that crashes takes the process down; the runtime posts nothing for it -----------------------
reset_api
enqueue r-crash '{"crash":true}'
run_boot
t_eq "a crashing handler ends the process with a failure" "True" "$([ "$BOOT_RC" -ne 0 ] && echo True || echo False)"
t_eq "nothing is posted for the crashed invocation" "{} {}" "$(res "r['responses'], r['errors']")"

# --- proxies are never used for the Runtime API -------------------------------------------------------------
reset_api
enqueue r-proxy '{}'
unset NO_PROXY no_proxy
run_boot http_proxy=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
t_eq "an http_proxy in the environment is not used" "r-proxy" "$(res "resp('r-proxy')['requestId']")"
