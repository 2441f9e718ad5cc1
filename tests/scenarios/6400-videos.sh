# 6400-videos: GET /videos against moto's DynamoDB. Items for several users are put with boto3; the videos
# handler (driven by build/tests/drive-handler, no Runtime API needed) lists only the caller's own, newest
# first, page by page with ?limit=2 and the opaque `next` token. A token edited by one byte, replayed by
# another user, or forged is refused with 400; the user comes from the JWT alone, never from the query.
. tests/lib.sh
DRIVE="$VP_ROOT/$BUILD/tests/drive-handler"
[ -x "$DRIVE" ] || { echo "skip - $DRIVE is not built (make)"; exit 0; }

moto_start
export VIDPIPE_VIDEOS_TABLE=videos VIDPIPE_PAGE_TOKEN_KEY="$(head -c 32 /dev/urandom | base64)"
boto dynamodb "
c.create_table(TableName='videos', BillingMode='PAY_PER_REQUEST',
    KeySchema=[{'AttributeName': 'user_id', 'KeyType': 'HASH'}, {'AttributeName': 'video_id', 'KeyType': 'RANGE'}],
    AttributeDefinitions=[{'AttributeName': 'user_id', 'AttributeType': 'S'}, {'AttributeName': 'video_id', 'AttributeType': 'S'}])
def put(user, vid, status, **extra):
    item = {'user_id': {'S': user}, 'video_id': {'S': vid}, 'status': {'S': status},
            'created_at': {'S': '2026-01-0%sT00:00:00Z' % vid[-1]}, 'job_id': {'S': 'job-' + vid},
            'source_key': {'S': 'uploads/%s/%s/clip-%s.mp4' % (user, vid, vid[-1])}}
    item.update(extra)
    c.put_item(TableName='videos', Item=item)
# ULIDs: the first 10 characters are the time, so these sort oldest (1) to newest (5).
put('user-a', '01J0000001AAAAAAAAAAAAAAA1', 'READY', playback_url={'S': 'https://cdn.example/a1/index.m3u8'},
    thumbnail_urls={'L': [{'S': 'https://cdn.example/a1/t0.jpg'}, {'S': 'https://cdn.example/a1/t1.jpg'}]})
put('user-a', '01J0000002AAAAAAAAAAAAAAA2', 'FAILED', error_message={'S': 'the input has no video track'})
put('user-a', '01J0000003AAAAAAAAAAAAAAA3', 'PROCESSING', filename={'S': 'my holiday.mp4'})
put('user-a', '01J0000004AAAAAAAAAAAAAAA4', 'READY', playback_url={'S': 'https://cdn.example/a4/index.m3u8'})
put('user-a', '01J0000005AAAAAAAAAAAAAAA5', 'PROCESSING')
put('user-b', '01J0000001BBBBBBBBBBBBBBB1', 'READY', playback_url={'S': 'https://cdn.example/b1/index.m3u8'})
put('user-b', '01J0000006BBBBBBBBBBBBBBB6', 'PROCESSING')
put('user-b', '01J0000007BBBBBBBBBBBBBBB7', 'PROCESSING')
put('user-ab', '01J0000009CCCCCCCCCCCCCCC9', 'PROCESSING')
"

# event FILE SUB QUERY_JSON: a GET /videos event from AWS's JWT-authorizer sample ("-": no authorizer).
event() {
    jq --arg sub "$2" --argjson q "$3" '
        .rawPath = "/videos" | .requestContext.http.path = "/videos" | .requestContext.http.method = "GET"
        | .routeKey = "GET /videos" | .requestContext.routeKey = "GET /videos" | del(.body)
        | .queryStringParameters = $q | .rawQueryString = ($q | to_entries | map("\(.key)=\(.value | @uri)") | join("&"))
        | if $sub == "-" then del(.requestContext.authorizer) else .requestContext.authorizer.jwt.claims.sub = $sub end' \
        "$VP_TESTDATA/events/apigw-v2-request-jwt-authorizer.json" >"$1"
}
# drive FILE: the handler on one event file; $STATUS, $BODY (the response body), $DRIVE_RC.
drive() {
    RESP=$("$DRIVE" videos "$1" 2>"$T_TMP/drive.err")
    DRIVE_RC=$?
    STATUS=$(printf '%s' "$RESP" | jq -r '.statusCode // "none"' 2>/dev/null)
    BODY=$(printf '%s' "$RESP" | jq -r '.body // empty' 2>/dev/null)
}
# list SUB QUERY_JSON: drives the handler with a fresh event.
list() {
    event "$T_TMP/event.json" "$1" "$2"
    drive "$T_TMP/event.json"
}
ids() { printf '%s' "$BODY" | jq -r '[.videos[].video_id[10:]] | join(" ")'; }
next() { printf '%s' "$BODY" | jq -r '.next // empty'; }

# ---- paging ----
list user-a '{"limit": "2"}'
t_eq "page 1: 200" "200" "$STATUS"
t_eq "page 1: the two newest of the caller's videos" "AAAAAAAAAAAAAAA5 AAAAAAAAAAAAAAA4" "$(ids)"
token1=$(next)
t_eq "page 1: a next token" "yes" "$([ -n "$token1" ] && echo yes)"
list user-a "$(jq -cn --arg t "$token1" '{limit: "2", next: $t}')"
t_eq "page 2: the next two" "AAAAAAAAAAAAAAA3 AAAAAAAAAAAAAAA2" "$(ids)"
token2=$(next)
list user-a "$(jq -cn --arg t "$token2" '{limit: "2", next: $t}')"
t_eq "page 3: the oldest, and no next token" "AAAAAAAAAAAAAAA1 next=" "$(ids) next=$(next)"

list user-a '{}'
t_eq "the default page has all five, newest first, and no token" \
    "AAAAAAAAAAAAAAA5 AAAAAAAAAAAAAAA4 AAAAAAAAAAAAAAA3 AAAAAAAAAAAAAAA2 AAAAAAAAAAAAAAA1 next=" "$(ids) next=$(next)"
t_eq "a READY video shows its playback and thumbnail URLs" \
    '{"video_id":"01J0000001AAAAAAAAAAAAAAA1","status":"READY","created_at":"2026-01-01T00:00:00Z","filename":"clip-1.mp4","playback_url":"https://cdn.example/a1/index.m3u8","thumbnail_urls":["https://cdn.example/a1/t0.jpg","https://cdn.example/a1/t1.jpg"]}' \
    "$(printf '%s' "$BODY" | jq -c '.videos[4]')"
t_eq "a FAILED video shows its error" "FAILED the input has no video track null" \
    "$(printf '%s' "$BODY" | jq -r '.videos[3] | "\(.status) \(.error) \(.playback_url)"')"
t_eq "a PROCESSING video shows neither, and its file name" "PROCESSING my holiday.mp4 null null" \
    "$(printf '%s' "$BODY" | jq -r '.videos[2] | "\(.status) \(.filename) \(.playback_url) \(.error)"')"
t_eq "internal attributes are not shown" "" "$(printf '%s' "$BODY" | jq -r '[.videos[] | .job_id, .source_key, .user_id | values] | join(",")')"

list user-b '{"limit": "2"}'
t_eq "user b sees only their own, newest first" "BBBBBBBBBBBBBBB7 BBBBBBBBBBBBBBB6" "$(ids)"
tokenb=$(next)
list user-a '{"user_id": "user-b", "user": "user-b", "sub": "user-b"}'
t_eq "query parameters cannot choose the user" \
    "AAAAAAAAAAAAAAA5 AAAAAAAAAAAAAAA4 AAAAAAAAAAAAAAA3 AAAAAAAAAAAAAAA2 AAAAAAAAAAAAAAA1" "$(ids)"
list nobody-yet '{}'
t_eq "a user without videos gets an empty list" '{"videos":[]}' "$BODY"

# ---- tokens that must not work ----
pos=20
c=${token1:$pos:1}
edited="${token1:0:$pos}$([ "$c" = A ] && echo B || echo A)${token1:$((pos + 1))}"
list user-a "$(jq -cn --arg t "$edited" '{limit: "2", next: $t}')"
t_eq "a token edited by one byte: 400" "400 invalid_token" "$STATUS $(printf '%s' "$BODY" | jq -r .error.code)"
list user-a "$(jq -cn --arg t "${token1}A" '{limit: "2", next: $t}')"
t_eq "a token with a byte added: 400" "400" "$STATUS"
list user-b "$(jq -cn --arg t "$token1" '{limit: "2", next: $t}')"
t_eq "user b replaying user a's token: 400" "400 invalid_token" "$STATUS $(printf '%s' "$BODY" | jq -r .error.code)"
list user-a "$(jq -cn --arg t "$tokenb" '{limit: "2", next: $t}')"
t_eq "user a replaying user b's token: 400" "400" "$STATUS"
forged=$(printf '{"u":"user-b","v":"01J0000007BBBBBBBBBBBBBBB7"}0123456789abcdef0123456789abcdef' | base64 -w0 | tr '+/' '-_' | tr -d '=')
list user-b "$(jq -cn --arg t "$forged" '{next: $t}')"
t_eq "a forged token: 400" "400" "$STATUS"
VIDPIPE_PAGE_TOKEN_KEY="another-key-another-key-another-key-!!" list user-a "$(jq -cn --arg t "$token1" '{next: $t}')"
t_eq "a token made under another key: 400" "400" "$STATUS"

# ---- hostile requests: a JSON 4xx, never a crash ----
hostile() {
    local desc=$1 want=$2
    shift 2
    if [ "$1" = --file ]; then drive "$2"; else list "$@"; fi
    if [ "$DRIVE_RC" = 0 ] && [ "$STATUS" = "$want" ] && [ -n "$(printf '%s' "$BODY" | jq -r '.error.code // empty')" ]; then
        t_ok "$desc: $want"
    else
        t_fail "$desc: want $want" "exit $DRIVE_RC, response: $(printf '%s' "$RESP" | head -c 300)" \
            "stderr: $(tail -n 3 "$T_TMP/drive.err")"
    fi
}
hostile "no authorizer" 401 - '{}'
hostile "an empty sub" 401 "" '{}'
hostile "limit 0" 400 user-a '{"limit": "0"}'
hostile "limit 101" 400 user-a '{"limit": "101"}'
hostile "limit not a number" 400 user-a '{"limit": "ten"}'
hostile "a repeated limit" 400 user-a '{"limit": "2,3"}'
hostile "a malformed token" 400 user-a '{"next": "not a token!"}'
hostile "a NUL in the limit" 400 user-a '{"limit": "5\u0000x"}'
hostile "a NUL in the token" 400 user-a "$(jq -cn --arg t "$token1" '{next: ($t[0:10] + "\u0000" + $t[10:])}')"
head -c $((6 << 20)) /dev/zero | tr '\0' 'A' >"$T_TMP/big"
event "$T_TMP/event.json" user-a '{}'
jq --rawfile t "$T_TMP/big" '.queryStringParameters.next = $t' "$T_TMP/event.json" >"$T_TMP/big-token.json"
hostile "a 6 MB token" 400 --file "$T_TMP/big-token.json"
list user-a "$(jq -cn '{limit: "1", next: ("[" * 10000)}')"
t_eq "a 10000-deep token: 400" "400" "$STATUS"
event "$T_TMP/event.json" user-a '{"limit": "1"}'
jq --rawfile b "$T_TMP/big" '.body = $b' "$T_TMP/event.json" >"$T_TMP/big-event.json"
t_eq "a GET with a 6 MB body ignores it" "200 1" \
    "$("$DRIVE" videos "$T_TMP/big-event.json" 2>/dev/null | jq -r '"\(.statusCode) \(.body | fromjson | .videos | length)"')"
