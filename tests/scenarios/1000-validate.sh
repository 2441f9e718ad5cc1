# 1000-validate: `vidpipe validate` reports each kind of spec error with its exact file:line:col and exit 1,
# passes the examples, and never calls AWS.
. tests/lib.sh
cd "$T_TMP"

# spec NAME: writes stdin to NAME.yaml after the common head (lines 1-3).
spec() {
    { printf 'vidpipe: 1\nstack: dev\nregion: us-east-1\n'; cat; } >"$1.yaml"
}
# bad DESC FILE WANT [ARGS]: validate FILE exits 1 and prints WANT as one of its lines.
bad() {
    local desc=$1 file=$2 want=$3
    shift 3
    t_status "$desc: exit 1" 1 "$VIDPIPE" validate "$file" "$@"
    t_contains "$desc: says where and what" "$T_ERR" "$want"
}

printf 'vidpipe: 1\nstack: dev\nregion: [us-east-1\n' >syntax.yaml
bad "YAML syntax error" syntax.yaml \
    "syntax.yaml:4:1: error: did not find expected ',' or ']' (while parsing a flow sequence that starts at 3:9)"

spec unknown_key <<'EOF'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_kye: id
    attributes: {id: S}
EOF
bad "unknown key" unknown_key.yaml \
    "unknown_key.yaml:8:5: error: unknown key 'hash_kye' in dynamodb_table.videos; did you mean 'hash_key'?"
t_contains "the missing hash_key too" "$T_ERR" \
    "unknown_key.yaml:5:3: error: dynamodb_table.videos: missing required attribute 'hash_key'"
t_contains "with a summary" "$T_ERR" "vidpipe: 2 errors in unknown_key.yaml"

spec wrong_type <<'EOF'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: id
    attributes: {id: S}
    point_in_time_recovery: "yes"
    read_capacity: lots
EOF
bad "wrong type" wrong_type.yaml \
    "wrong_type.yaml:10:29: error: dynamodb_table.videos.point_in_time_recovery: expected a bool (true or false), got a string"
t_contains "every error, not just the first" "$T_ERR" \
    "wrong_type.yaml:11:20: error: dynamodb_table.videos.read_capacity: expected an integer, got a string"

printf 'vidpipe: 1\nregion: us-east-1\n' >missing.yaml
bad "missing required key" missing.yaml "missing.yaml:1:1: error: missing required key 'stack'"

spec bucket <<'EOF'
resources:
  uploads:
    type: s3_bucket
    name: Dev_Uploads
EOF
bad "bad S3 bucket name" bucket.yaml \
    "bucket.yaml:7:11: error: s3_bucket.uploads.name: 'Dev_Uploads': an S3 bucket name holds only lowercase letters, digits, dots and hyphens"

spec table <<'EOF'
variables:
  prefix: dev
resources:
  videos:
    type: dynamodb_table
    name: ${var.prefix}/videos
    hash_key: id
    attributes: {id: S}
EOF
bad "bad DynamoDB table name (after variables)" table.yaml \
    "table.yaml:9:11: error: dynamodb_table.videos.name: 'dev/videos': a DynamoDB table or index name holds only letters, digits, '_', '-' and '.'"

spec ref <<'EOF'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: id
    attributes: {id: S}
outputs:
  arn: ${videoz.arn}
  stream: ${videos.arnn}
EOF
bad "reference to nothing" ref.yaml "ref.yaml:11:8: error: \${videoz.arn}: no resource named 'videoz'; did you mean 'videos'?"
t_contains "an attribute that does not exist" "$T_ERR" \
    "ref.yaml:12:11: error: \${videos.arnn}: dynamodb_table has no attribute 'arnn'; did you mean 'arn'?"

spec cycle <<'EOF'
resources:
  uploads:
    type: s3_bucket
    name: dev-uploads
    tags: {table: "${videos.arn}"}
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: id
    attributes: {id: S}
    depends_on: [uploads]
EOF
bad "reference cycle" cycle.yaml "cycle.yaml:14:18: error: dependency cycle: uploads -> videos -> uploads"

spec dup <<'EOF'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: id
    attributes: {id: S}
  videos:
    type: dynamodb_table
    name: dev-videos-2
    hash_key: id
    attributes: {id: S}
EOF
bad "duplicate resource (a duplicate key)" dup.yaml "dup.yaml:10:3: error: duplicate key 'videos' (first at 5:3)"

spec same_name <<'EOF'
resources:
  media:
    type: s3_bucket
    name: dev-media
  media:
    type: dynamodb_table
    name: dev-media
    hash_key: id
    attributes: {id: S}
EOF
bad "same name across types" same_name.yaml "same_name.yaml:8:3: error: duplicate key 'media' (first at 5:3)"

spec vars <<'EOF'
variables:
  prefix: {type: string}
resources:
  uploads:
    type: s3_bucket
    name: ${var.prefx}-uploads
EOF
bad "unknown variable" vars.yaml "vars.yaml:9:11: error: \${var.prefx}: no variable 'prefx'; did you mean 'prefix'?" \
    --var prefix=dev
bad "unknown --var" vars.yaml "vidpipe: error: --var: no variable 'nope' in the spec" --var prefix=dev --var nope=1
bad "missing variable value" vars.yaml \
    "vars.yaml:5:3: error: variable 'prefix' has no value; set it with --var prefix=VALUE or in a --var-file"

spec enum <<'EOF'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: id
    attributes: {id: S}
    billing_mode: ON_DEMAND
EOF
bad "bad enum" enum.yaml \
    "enum.yaml:10:19: error: dynamodb_table.videos.billing_mode must be one of PAY_PER_REQUEST, PROVISIONED; got 'ON_DEMAND'"

printf '# production\nstack: prod\nraw_upload_retention_days: many\nregoin: eu-west-1\n' >bad.vars.yaml
bad "--var-file errors at their place" "$VP_ROOT/examples/storage.yaml" \
    "bad.vars.yaml:3:28: error: variable 'raw_upload_retention_days': expected a number, got a string" --var-file bad.vars.yaml
t_contains "an unknown name in a var file" "$T_ERR" \
    "bad.vars.yaml:4:1: error: no variable 'regoin' in the spec; did you mean 'region'?"

t_status "--json reports the diagnostics" 1 "$VIDPIPE" validate --json enum.yaml
t_eq "as data" "false enum.yaml 10 19 spec" \
    "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); x=d["diagnostics"][0]; print(d["valid"] and "true" or "false", x["file"], x["line"], x["col"], x["code"])')"

t_status "the storage example is valid" 0 "$VIDPIPE" validate "$VP_ROOT/examples/storage.yaml"
t_eq "and says so" "$VP_ROOT/examples/storage.yaml: valid (2 resources)" "$T_OUT"
t_status "with the production var file" 0 "$VIDPIPE" validate "$VP_ROOT/examples/storage.yaml" \
    --var-file "$VP_ROOT/examples/storage.production.vars.yaml"
t_status "the minimal example is valid" 0 "$VIDPIPE" validate "$VP_ROOT/examples/minimal.yaml"
for env in staging production; do
    t_status "the pipeline example is valid with its $env var file" 0 "$VIDPIPE" validate \
        "$VP_ROOT/examples/video-pipeline.yaml" --var-file "$VP_ROOT/examples/video-pipeline.$env.vars.yaml" \
        --var page_token_key=0123456789abcdef0123456789abcdef
    t_eq "with all its resources" "$VP_ROOT/examples/video-pipeline.yaml: valid (22 resources)" "$T_OUT"
done
t_status "without its secret it says what to set" 1 "$VIDPIPE" validate "$VP_ROOT/examples/video-pipeline.yaml" \
    --var-file "$VP_ROOT/examples/video-pipeline.staging.vars.yaml"
t_contains "naming the variable and where it is declared" "$T_ERR" "variable 'page_token_key' has no value"
t_status "--json when valid" 0 "$VIDPIPE" validate --json "$VP_ROOT/examples/storage.yaml"
t_contains "valid true" "$T_OUT" '"valid": true'

unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
t_status "no AWS call: no credentials and a dead endpoint" 0 env AWS_ENDPOINT_URL=http://127.0.0.1:9 \
    "$VIDPIPE" validate "$VP_ROOT/examples/storage.yaml"

t_status "--help" 0 "$VIDPIPE" validate --help
t_contains "prints the usage" "$T_OUT" "usage: vidpipe validate"
t_status "an unknown option" 1 "$VIDPIPE" validate --nope
t_contains "is named" "$T_ERR" "unknown option '--nope'"
t_status "no spec and no vidpipe.yaml" 1 "$VIDPIPE" validate
t_contains "says so" "$T_ERR" "no SPEC given"

# Rules across attributes that AWS would refuse only at apply time.
spec unused_attr <<'EOF2'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: user_id
    attributes: {user_id: S, status: S}
EOF2
bad "a declared attribute no key uses" unused_attr.yaml \
    "unused_attr.yaml:9:5: error: dynamodb_table.videos: attribute 'status' is declared but no key or index uses it; declare only key attributes (DynamoDB refuses the others)"
spec undeclared_key <<'EOF2'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: user_id
    attributes: {user_id: S}
    global_secondary_indexes:
      - {name: by-status, hash_key: status}
EOF2
bad "an index key not declared" undeclared_key.yaml \
    "undeclared_key.yaml:9:5: error: dynamodb_table.videos: 'status' is a key but is not declared in attributes"
spec provisioned <<'EOF2'
resources:
  videos:
    type: dynamodb_table
    name: dev-videos
    hash_key: user_id
    attributes: {user_id: S}
    billing_mode: PROVISIONED
    read_capacity: 5
EOF2
bad "PROVISIONED without both capacities" provisioned.yaml \
    "provisioned.yaml:10:5: error: dynamodb_table.videos: the table needs read_capacity and write_capacity with billing_mode PROVISIONED"
spec no_action <<'EOF2'
resources:
  uploads:
    type: s3_bucket
    name: dev-uploads-bucket
    lifecycle_rules:
      - {id: nothing, prefix: tmp/}
EOF2
bad "a lifecycle rule with no action" no_action.yaml \
    "no_action.yaml:8:5: error: s3_bucket.uploads: lifecycle rule 'nothing' has no action: set expiration_days or abort_incomplete_multipart_days"
