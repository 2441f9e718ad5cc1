# 1900-docs: the spec format's docs are generated from the attribute tables and never drift from them: the
# committed specs/vidpipe.schema.json and the resource reference in specs/README.md are exactly what
# `vidpipe debug schema` prints (`make docs` refreshes both); the schema is a valid JSON Schema that accepts
# the example spec and rejects broken ones; the README names every attribute and shows the real example.
. tests/lib.sh
readme="$VP_ROOT/specs/README.md"
committed="$VP_ROOT/specs/vidpipe.schema.json"
example="$VP_ROOT/examples/storage.yaml"

t_status "debug schema --help" 0 "$VIDPIPE" debug schema --help
t_contains "prints its usage" "$T_OUT" "usage: vidpipe debug schema"
t_status "debug schema needs a format" 1 "$VIDPIPE" debug schema
t_contains "says which" "$T_ERR" "--json-schema or --markdown"
t_status "the two formats exclude each other" 1 "$VIDPIPE" debug schema --json-schema --markdown
t_status "an unknown option" 1 "$VIDPIPE" debug schema --yaml
t_contains "is named" "$T_ERR" "--yaml"
t_contains "debug --help lists schema" "$("$VIDPIPE" debug --help)" "schema"

t_status "debug schema --json-schema" 0 "$VIDPIPE" debug schema --json-schema
"$VIDPIPE" debug schema --json-schema >"$T_TMP/schema.json" 2>/dev/null
t_status "debug schema --markdown" 0 "$VIDPIPE" debug schema --markdown
"$VIDPIPE" debug schema --markdown >"$T_TMP/reference.md" 2>/dev/null

if cmp -s "$committed" "$T_TMP/schema.json"; then
    t_ok "specs/vidpipe.schema.json is what debug schema --json-schema prints"
else
    t_fail "specs/vidpipe.schema.json is what debug schema --json-schema prints (run make docs)" \
        "$(diff "$committed" "$T_TMP/schema.json" | head -n 10)"
fi

# The generated section: the lines between the markers are a blank line, the reference, a blank line.
sed -n '/^<!-- BEGIN GENERATED RESOURCE REFERENCE -->$/,/^<!-- END GENERATED RESOURCE REFERENCE -->$/p' \
    "$readme" | sed '1d;$d' >"$T_TMP/section.md"
{ echo; cat "$T_TMP/reference.md"; echo; } >"$T_TMP/want-section.md"
markers="$(grep -c '^<!-- BEGIN GENERATED RESOURCE REFERENCE -->$' "$readme")"
markers="$markers $(grep -c '^<!-- END GENERATED RESOURCE REFERENCE -->$' "$readme")"
t_eq "README.md has each marker once" "1 1" "$markers"
if cmp -s "$T_TMP/want-section.md" "$T_TMP/section.md"; then
    t_ok "README.md's resource reference is what debug schema --markdown prints"
else
    t_fail "README.md's resource reference is what debug schema --markdown prints (run make docs)" \
        "$(diff "$T_TMP/want-section.md" "$T_TMP/section.md" | head -n 10)"
fi

cat >"$T_TMP/check.py" <<'PY'
import copy, json, re, sys
import jsonschema, yaml

mode, schema_path, readme_path, example_path = sys.argv[1:5]
schema = json.load(open(schema_path))
readme = open(readme_path).read()
example = yaml.safe_load(open(example_path))
validator = jsonschema.Draft202012Validator(schema)

def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

def object_of(s):
    """The object schema inside s (through $ref and anyOf), or None."""
    if "$ref" in s:
        return object_of(schema["$defs"][s["$ref"].split("/")[-1]])
    if s.get("type") == "object" and "properties" in s:
        return s
    for alt in s.get("anyOf", []):
        found = object_of(alt)
        if found:
            return found
    return None

def array_items(s):
    if s.get("type") == "array":
        return s["items"]
    for alt in s.get("anyOf", []):
        found = array_items(alt)
        if found is not None:
            return found
    return None

def attribute_paths(obj, prefix=""):
    for name, s in obj["properties"].items():
        if not prefix and name in ("type", "depends_on"):
            continue
        yield prefix + name
        sub = object_of(s)
        if sub:
            yield from attribute_paths(sub, prefix + name + ".")
        items = array_items(s)
        if items is not None and object_of(items):
            yield from attribute_paths(object_of(items), prefix + name + "[].")

if mode == "check-schema":
    jsonschema.Draft202012Validator.check_schema(schema)
elif mode == "types":
    types = schema["$defs"]["resource"]["properties"]["type"]["enum"]
    if len(types) < 2:
        fail("expected every type in the resource enum, got %r" % types)
    for t in types:
        if ("### `%s`" % t) not in readme:
            fail("README.md has no section for %s" % t)
elif mode == "attributes":
    missing = []
    for t in schema["$defs"]["resource"]["properties"]["type"]["enum"]:
        for path in attribute_paths(schema["$defs"]["type." + t]):
            if ("`%s`" % path) not in readme:
                missing.append("%s: %s" % (t, path))
    for key in schema["properties"]:
        if ("`%s`" % key) not in readme:
            missing.append("top-level key " + key)
    if missing:
        fail("not in README.md: " + ", ".join(missing))
elif mode == "example":
    errors = sorted(e.message for e in validator.iter_errors(example))
    if errors:
        fail("\n".join(errors))
elif mode == "readme-example":
    block = re.search(r"```yaml\n(.*?)```", readme, re.S)
    if not block or yaml.safe_load(block.group(1)) != example:
        fail("the README's first YAML block is not examples/storage.yaml (comments aside)")
elif mode.startswith("reject:") or mode.startswith("accept:"):
    want_valid = mode.startswith("accept:")
    spec = copy.deepcopy(example)
    change = mode.split(":", 1)[1]
    res = spec["resources"]
    if change == "unknown-top-level-key": spec["stak"] = "dev"
    elif change == "unknown-attribute": res["videos"]["hash_kye"] = "user_id"
    elif change == "unknown-nested-field": res["uploads"]["cors_rules"][0]["allowed_origin"] = ["*"]
    elif change == "wrong-type": res["uploads"]["versioning"] = "yes"
    elif change == "wrong-type-int": res["uploads"]["lifecycle_rules"][0]["expiration_days"] = "ten"
    elif change == "missing-name": del res["videos"]["name"]
    elif change == "missing-type": del res["videos"]["type"]
    elif change == "bad-enum": res["videos"]["billing_mode"] = "FREE"
    elif change == "bad-enum-in-list": res["uploads"]["cors_rules"][0]["allowed_methods"] = ["PATCH"]
    elif change == "out-of-range": res["videos"]["read_capacity"] = 0
    elif change == "unknown-type": res["videos"]["type"] = "sqs_queue"
    elif change == "computed-attribute": res["videos"]["arn"] = "arn:aws:dynamodb:us-east-1:1:table/x"
    elif change == "missing-version": del spec["vidpipe"]
    elif change == "version-2": spec["vidpipe"] = 2
    elif change == "bad-stack": spec["stack"] = "Dev_Stack"
    elif change == "bad-variable-name": spec["variables"]["9lives"] = 1
    elif change == "bad-variable-type": spec["variables"]["region"] = {"type": "text"}
    elif change == "two-backends": spec["backend"] = {"local": {}, "s3": {"bucket": "b", "key": "k"}}
    elif change == "s3-backend-without-key": spec["backend"] = {"s3": {"bucket": "b"}}
    elif change == "output-without-value": spec["outputs"]["x"] = {"description": "no value"}
    elif change == "int-expression": res["uploads"]["cors_rules"][0]["max_age_seconds"] = "${var.max_age}"
    elif change == "bool-expression": res["videos"]["point_in_time_recovery"] = "${var.pitr}"
    elif change == "enum-expression": res["videos"]["billing_mode"] = "${var.billing}"
    elif change == "s3-backend": spec["backend"] = {"s3": {"bucket": "b", "key": "dev.json", "region": "eu-west-1"}}
    elif change == "long-output": spec["outputs"]["x"] = {"value": "${videos.arn}", "sensitive": True}
    elif change == "depends-on": res["videos"]["depends_on"] = ["uploads"]
    else: fail("no such change " + change)
    errors = list(validator.iter_errors(spec))
    if want_valid and errors:
        fail("; ".join(e.message for e in errors))
    if not want_valid and not errors:
        fail("the schema accepted it")
else:
    fail("no such mode " + mode)
PY
chk() { python3 "$T_TMP/check.py" "$1" "$committed" "$readme" "$example"; }
t_check "the schema is a valid JSON Schema (draft 2020-12)" chk check-schema
t_check "README.md has a section for every type" chk types
t_check "README.md names every attribute of every type and every top-level key" chk attributes
t_check "examples/storage.yaml validates against the schema" chk example
for ex in minimal video-pipeline; do
    example="$VP_ROOT/examples/$ex.yaml" t_check "examples/$ex.yaml validates against the schema" chk example
done
t_check "README.md's annotated example is examples/storage.yaml" chk readme-example
for change in unknown-top-level-key unknown-attribute unknown-nested-field wrong-type wrong-type-int \
    missing-name missing-type bad-enum bad-enum-in-list out-of-range unknown-type computed-attribute \
    missing-version version-2 bad-stack bad-variable-name bad-variable-type two-backends \
    s3-backend-without-key output-without-value; do
    t_check "the schema rejects a spec with $change" chk "reject:$change"
done
for change in int-expression bool-expression enum-expression s3-backend long-output depends-on; do
    t_check "the schema accepts a spec with $change" chk "accept:$change"
done
