/* test_spec.c: the spec layer: YAML positions and refusals, evaluation (interpolation, typed references,
 * "$${", unknowns), variable precedence and conversion, and each kind of validation error with its position. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "spec/spec.h"
#include "t.h"

/* ---- a small type of our own, so the tests do not move when a provider's table does ---- */

static const char *check_no_upper(const char *v)
{
    for (; *v; v++)
        if (*v >= 'A' && *v <= 'Z')
            return "no upper case here";
    return NULL;
}

static const char *const colors[] = { "RED", "BLUE", NULL };
static const struct vp_attr rule_fields[] = {
    { .name = "id", .kind = VP_K_STRING, .required = true },
    { .name = "days", .kind = VP_K_INT, .min = 1, .max = 10 },
    { 0 },
};
static const struct vp_attr thing_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .required = true, .check = check_no_upper, .min = 3, .max = 20 },
    { .name = "size", .kind = VP_K_INT, .min = 1, .max = 100 },
    { .name = "on", .kind = VP_K_BOOL },
    { .name = "color", .kind = VP_K_STRING, .enum_values = colors },
    { .name = "names", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .check = check_no_upper },
    { .name = "rules", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = rule_fields },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .check = check_no_upper },
    { .name = "policy", .kind = VP_K_JSON },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED },
    { 0 },
};
static const struct vp_type_schema thing_schema = { .type = "thing", .attrs = thing_attrs };
static const struct vp_type_schema *const types[] = { &thing_schema, NULL };

static char dir[] = "/tmp/vp-test-spec-XXXXXX";

static char *write_file(const char *name, const char *text)
{
    char *path = vp_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text as spec.yaml with the options; the diagnostics joined as "L:C: msg\n" into *report. */
static struct vp_spec *load_with(const char *text, struct vp_spec_options *opts, char **report)
{
    char *path = write_file("spec.yaml", text);
    struct vp_diags diags = VP_DIAGS_INIT;
    struct vp_spec *spec = NULL;
    size_t len = 1;
    char *out;

    opts->types = types;
    vp_spec_load(path, opts, &spec, &diags);
    for (size_t i = 0; i < diags.n; i++)
        len += strlen(diags.items[i].msg) + 32;
    out = vp_xcalloc(1, len);
    for (size_t i = 0; i < diags.n; i++)
        sprintf(out + strlen(out), "%d:%d: %s\n", diags.items[i].pos.line, diags.items[i].pos.col,
                diags.items[i].msg);
    vp_diags_release(&diags);
    free(path);
    *report = out;
    return spec;
}

static struct vp_spec *load(const char *text, char **report)
{
    struct vp_spec_options opts = { 0 };
    return load_with(text, &opts, report);
}

#define HEAD "vidpipe: 1\nstack: dev\nregion: us-east-1\n"

/* ---- yaml ---- */

static void yaml_positions_are_one_based(void)
{
    const char *text = "a: 1\nb:\n  - x\n  - \"y\"\nc: {d: true}\ne:\n";
    struct vp_node *root = NULL;
    struct vp_err err = { 0 };
    const struct vp_node *b, *c;

    EXPECT_INTEQ(0, vp_yaml_parse_string(text, strlen(text), "t.yaml", &root, &err));
    EXPECT_INTEQ(VP_NODE_MAP, root->kind);
    EXPECT_STREQ("t.yaml", root->pos.file);
    EXPECT_INTEQ(4, root->n);
    EXPECT_INTEQ(1, vp_node_get(root, "a")->pos.line);
    EXPECT_INTEQ(4, vp_node_get(root, "a")->pos.col);
    EXPECT(vp_node_get(root, "a")->plain);
    b = vp_node_get(root, "b");
    EXPECT_INTEQ(VP_NODE_SEQ, b->kind);
    EXPECT_INTEQ(4, b->items[1]->pos.line);
    EXPECT_INTEQ(5, b->items[1]->pos.col);
    EXPECT(!b->items[1]->plain);
    c = vp_node_get(root, "c");
    EXPECT_INTEQ(5, vp_node_key(c, "d")->pos.col);
    EXPECT_INTEQ(5, vp_node_key(root, "c")->pos.line);
    EXPECT_INTEQ(VP_NODE_NULL, vp_node_get(root, "e")->kind);
    EXPECT(vp_node_get(root, "zz") == NULL);
    vp_node_free(root);
}

static void yaml_expect_error(const char *text, int line, int col, const char *msg)
{
    struct vp_node *root = NULL;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(-1, vp_yaml_parse_string(text, strlen(text), "t.yaml", &root, &err));
    EXPECT(root == NULL);
    EXPECT_INTEQ(VP_E_SPEC_SYNTAX, err.code);
    EXPECT_STREQ("t.yaml", err.pos.file);
    EXPECT_INTEQ(line, err.pos.line);
    EXPECT_INTEQ(col, err.pos.col);
    EXPECT_STREQ(msg, err.msg);
}

static void yaml_refuses_what_a_spec_never_needs(void)
{
    char deep[200] = "a: ";

    yaml_expect_error("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first at 1:1)");
    yaml_expect_error("a: &x 1\nb: *x\n", 1, 4, "anchors and aliases are not supported");
    yaml_expect_error("a: [1]\nb: *x\n", 2, 4, "anchors and aliases are not supported");
    yaml_expect_error("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document; a spec is one document");
    yaml_expect_error("? [a]\n: 1\n", 1, 3, "a mapping key must be a plain string, not a list or mapping");
    yaml_expect_error("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed in this context");
    yaml_expect_error("a: 1\nb: x\xff\n", 2, 5, "invalid leading UTF-8 octet");
    for (int i = 0; i < 70; i++)
        strcat(deep, "[");
    yaml_expect_error(deep, 1, 67, "nesting deeper than 64 levels");
}

static void yaml_bounds_the_file_size(void)
{
    char *path = vp_xasprintf("%s/big.yaml", dir);
    FILE *f = fopen(path, "w");
    struct vp_node *root = NULL;
    struct vp_err err = { 0 };

    for (int i = 0; i < (5 << 20) / 16; i++)
        fputs("# padding......\n", f);
    fclose(f);
    EXPECT_INTEQ(-1, vp_yaml_parse_file(path, &root, &err));
    EXPECT_INTEQ(VP_E_LIMIT, err.code);
    EXPECT(strstr(err.msg, "larger than 4 MiB") != NULL);
    EXPECT(err.pos.file == path);
    unlink(path);
    free(path);
}

static void yaml_empty_is_a_null_root(void)
{
    struct vp_node *root = NULL;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, vp_yaml_parse_string("", 0, "t.yaml", &root, &err));
    EXPECT_INTEQ(VP_NODE_NULL, root->kind);
    vp_node_free(root);
}

/* ---- eval ---- */

static int resolver(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err)
{
    (void)ctx, (void)err;
    *value = NULL;
    if (strcmp(resource, "a") == 0 && strcmp(attr, "arn") == 0)
        *value = json_string("arn:a");
    else if (strcmp(resource, "a") == 0 && strcmp(attr, "size") == 0)
        *value = json_integer(7);
    return 0;
}

static const char *const eval_spec = HEAD
    "variables:\n  n: 5\n  on: true\n  who: world\n  list: [x, y]\n"
    "resources:\n  a:\n    type: thing\n    name: aaa\n  b:\n    type: thing\n    name: bbb\n"
    "outputs:\n"
    "  greeting: hello ${var.who} in ${stack}/${region}\n"
    "  count: ${var.n}\n"
    "  literal: $${var.who} costs $$5\n"
    "  arn: ${a.arn}\n"
    "  mixed: \"${a.arn}:${b.arn}\"\n"
    "  plain: [3, true, '3', x]\n"
    "  size: ${a.size}\n"
    "  list: ${var.list}\n";

static json_t *eval_output(const struct vp_spec *spec, const char *name, const struct vp_attr *attr, bool *unknown)
{
    struct vp_err err = { 0 };
    json_t *v = NULL;

    for (size_t i = 0; i < spec->n_outputs; i++)
        if (strcmp(spec->outputs[i].name, name) == 0 &&
            vp_spec_eval(spec, spec->outputs[i].value, attr, resolver, NULL, &v, unknown, &err) < 0)
            printf("#   eval %s: %s\n", name, err.msg);
    return v;
}

static void expect_json(const char *want, json_t *v)
{
    char *got = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    EXPECT_STREQ(want, got ? got : "(null)");
    free(got);
    json_decref(v);
}

static void eval_interpolates_and_types(void)
{
    static const struct vp_attr int_attr = { .name = "n", .kind = VP_K_INT };
    static const struct vp_attr string_attr = { .name = "s", .kind = VP_K_STRING };
    char *report;
    struct vp_spec *spec = load(eval_spec, &report);
    bool unknown = true;

    EXPECT_STREQ("", report);
    free(report);
    if (!spec)
        return;
    expect_json("\"hello world in dev/us-east-1\"", eval_output(spec, "greeting", NULL, &unknown));
    EXPECT(!unknown);
    expect_json("5", eval_output(spec, "count", &int_attr, &unknown));
    expect_json("\"5\"", eval_output(spec, "count", &string_attr, &unknown));
    expect_json("\"${var.who} costs $$5\"", eval_output(spec, "literal", NULL, &unknown));
    expect_json("\"arn:a\"", eval_output(spec, "arn", NULL, &unknown));
    EXPECT(!unknown);
    expect_json("\"" VP_UNKNOWN_VALUE "\"", eval_output(spec, "mixed", NULL, &unknown));
    EXPECT(unknown);
    expect_json("[3,true,\"3\",\"x\"]", eval_output(spec, "plain", NULL, &unknown));
    expect_json("7", eval_output(spec, "size", &int_attr, &unknown));
    expect_json("[\"x\",\"y\"]", eval_output(spec, "list", NULL, &unknown));
    vp_spec_free(spec);
}

static void eval_without_resolver_is_unknown(void)
{
    char *report;
    struct vp_spec *spec = load(eval_spec, &report);
    struct vp_err err = { 0 };
    json_t *v = NULL;
    bool unknown = false;

    free(report);
    if (!spec)
        return;
    EXPECT_INTEQ(0, vp_spec_eval(spec, spec->outputs[3].value, NULL, NULL, NULL, &v, &unknown, &err));
    EXPECT(unknown);
    expect_json("\"" VP_UNKNOWN_VALUE "\"", v);
    vp_spec_eval(spec, vp_node_get(spec->resources[0].node, "name"), &thing_attrs[1], NULL, NULL, &v, &unknown, &err);
    EXPECT_STREQ("expected an integer, got a string", err.msg);
    EXPECT_INTEQ(12, err.pos.line);
    vp_spec_free(spec);
}

static void spec_find_and_depends(void)
{
    char *report;
    struct vp_spec *spec = load(HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n"
                                     "  b:\n    type: thing\n    name: \"${a.arn}\"\n    depends_on: [c]\n"
                                     "  c:\n    type: thing\n    name: ccc\n    tags: {x: \"${a.name}\"}\n",
                                &report);

    EXPECT_STREQ("", report);
    free(report);
    if (!spec)
        return;
    EXPECT(vp_spec_find(spec, "b") == &spec->resources[1]);
    EXPECT(vp_spec_find(spec, "thing.c") == &spec->resources[2]);
    EXPECT(vp_spec_find(spec, "other.c") == NULL);
    EXPECT_STREQ("thing.b", spec->resources[1].address);
    EXPECT_INTEQ(2, spec->resources[1].n_depends);
    EXPECT_STREQ("c", spec->resources[1].depends_on[0]);
    EXPECT_STREQ("a", spec->resources[1].depends_on[1]);
    EXPECT_INTEQ(1, spec->resources[2].n_depends);
    EXPECT_INTEQ(VP_BACKEND_LOCAL, spec->backend.kind);
    EXPECT(spec->backend.path == NULL);
    vp_spec_free(spec);
}

/* ---- variables ---- */

static void vars_later_sources_win(void)
{
    char *f1 = write_file("one.yaml", "a: from-one\nb: from-one\nc: from-one\nn: '4'\n");
    char *f2 = write_file("two.json", "{\"b\": \"from-two\", \"c\": \"from-two\", \"l\": [1, 2]}\n");
    const char *files[] = { f1, f2 };
    struct vp_kvlist vars = VP_KVLIST_INIT;
    struct vp_spec_options opts = { .var_files = files, .n_var_files = 2, .vars = &vars };
    char *report, *text;
    struct vp_spec *spec;

    vp_kv_add(&vars, "c", "from-var");
    vp_kv_add(&vars, "on", "false");
    spec = load_with(HEAD "variables:\n  a: default\n  b: default\n  c: default\n  d: default\n"
                          "  n: {type: number, default: 1}\n  on: true\n  l: {type: list}\n"
                          "tags:\n  who: ${var.c}-${stack}\n"
                          "backend:\n  s3: {bucket: \"${stack}-state\", key: \"${var.a}.json\"}\n",
                     &opts, &report);
    EXPECT_STREQ("", report);
    free(report);
    if (spec) {
        text = json_dumps(spec->vars, JSON_COMPACT | JSON_SORT_KEYS);
        EXPECT_STREQ("{\"a\":\"from-one\",\"b\":\"from-two\",\"c\":\"from-var\",\"d\":\"default\",\"l\":[1,2],\"n\":4,"
                     "\"on\":false}", text);
        free(text);
        EXPECT_STREQ("from-var-dev", json_string_value(json_object_get(spec->tags, "who")));
        EXPECT_INTEQ(VP_BACKEND_S3, spec->backend.kind);
        EXPECT_STREQ("dev-state", spec->backend.bucket);
        EXPECT_STREQ("from-one.json", spec->backend.key);
        EXPECT(spec->backend.region == NULL);
    }
    vp_spec_free(spec);
    vp_kv_release(&vars);
    free(f1);
    free(f2);
}

static void vars_errors(void)
{
    char *f1 = write_file("bad.yaml", "n: lots\nnope: 1\n");
    const char *files[] = { f1 };
    struct vp_kvlist vars = VP_KVLIST_INIT;
    struct vp_spec_options opts = { .var_files = files, .n_var_files = 1, .vars = &vars };
    char *report;
    struct vp_spec *spec;

    vp_kv_add(&vars, "on", "maybe");
    vp_kv_add(&vars, "gone", "x");
    spec = load_with(HEAD "variables:\n  n: {type: number}\n  on: true\n  must: {description: needed}\n"
                          "  1x: 1\n  t: {type: int}\n",
                     &opts, &report);
    EXPECT(spec == NULL);
    EXPECT_STREQ("0:0: --var on: expected a bool (true or false), got 'maybe'\n"
                 "0:0: --var: no variable 'gone' in the spec\n"
                 "1:4: variable 'n': expected a number, got a string\n"
                 "2:1: no variable 'nope' in the spec\n"
                 "7:3: variable 'must' has no value; set it with --var must=VALUE or in a --var-file\n"
                 "8:3: invalid variable name '1x': letters, digits and '_', not starting with a digit\n"
                 "9:13: variable 't': type must be one of string, number, bool, list, map; got 'int'\n",
                 report);
    free(report);
    vp_kv_release(&vars);
    free(f1);
}

/* ---- validation: each kind of error, at its position ---- */

struct bad_case {
    const char *text;
    const char *want;                   /* the whole report */
};

static const struct bad_case bad_cases[] = {
    { "vidpipe: 2\nstack: dev\nregion: us-east-1\n", "1:10: unsupported spec version 2; this vidpipe reads version 1\n" },
    { "stack: dev\nregion: us-east-1\n", "1:1: missing required key 'vidpipe' (the format version: 'vidpipe: 1')\n" },
    { "", "1:1: the spec is empty\n" },
    { HEAD "resourcs: {}\n", "4:1: unknown key 'resourcs' in the spec; did you mean 'resources'?\n" },
    { "vidpipe: 1\nstack: Dev_1\nregion: us-east-1\n",
      "2:8: stack 'Dev_1' must match ^[a-z][a-z0-9-]{0,31}$ (lowercase letters, digits and '-', starting with a "
      "letter, at most 32)\n" },
    { "vidpipe: 1\nstack: dev\nregion: useast1\n",
      "3:9: region 'useast1' does not look like an AWS region (such as us-east-1)\n" },
    { "vidpipe: 1\nstack: ${stack}\nregion: us-east-1\n", "2:8: ${stack} cannot be used in stack\n" },
    { HEAD "resources:\n  a: {type: thing, name: aaa}\ntags: {x: \"${a.arn}\"}\n",
      "6:11: ${a.arn}: tags.x cannot refer to a resource\n" },
    { HEAD "backend: {local: {path: x}, s3: {bucket: b, key: k}}\n", "4:10: backend: expected exactly one of local or s3\n" },
    { HEAD "backend: {s3: {bucket: b, kye: k}}\n",
      "4:11: backend.s3: missing required key 'key'\n4:27: unknown key 'kye' in backend.s3; did you mean 'key'?\n" },
    { HEAD "resources:\n  a:\n    name: aaa\n", "5:3: resource 'a': missing required key 'type'\n" },
    { HEAD "resources:\n  a:\n    type: thang\n", "6:11: unknown resource type 'thang'; did you mean 'thing'?\n" },
    { HEAD "resources:\n  My-A:\n    type: thing\n    name: aaa\n",
      "5:3: invalid resource name 'My-A': lowercase letters, digits and '_', starting with a letter, at most 64\n" },
    { HEAD "resources:\n  a:\n    type: thing\n", "5:3: thing.a: missing required attribute 'name'\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    nme: aaa\n    name: aaa\n",
      "7:5: unknown key 'nme' in thing.a; did you mean 'name'?\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    on: 'yes'\n",
      "8:9: thing.a.on: expected a bool (true or false), got a string\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    size: abc\n",
      "8:11: thing.a.size: expected an integer, got a string\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    size: 101\n",
      "8:11: thing.a.size must be from 1 to 100; got 101\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: [aaa]\n", "7:11: thing.a.name: expected a string, got a list\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aa\n",
      "7:11: thing.a.name must be 3 to 20 characters long; got 2\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaA\n", "7:11: thing.a.name: 'aaA': no upper case here\n" },
    { HEAD "variables: {p: X}\nresources:\n  a:\n    type: thing\n    name: ${var.p}-aa\n",
      "8:11: thing.a.name: 'X-aa': no upper case here\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    names: [ok, Bad]\n",
      "8:17: thing.a.names[1]: 'Bad': no upper case here\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    tags: {Bad: x}\n",
      "8:12: thing.a.tags: key 'Bad': no upper case here\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    color: GREEN\n",
      "8:12: thing.a.color must be one of RED, BLUE; got 'GREEN'\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    arn: x\n",
      "8:5: thing.a: arn is set by AWS and cannot be set\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    rules:\n      - {id: x, dayz: 3}\n      - {days: 0}\n",
      "9:17: unknown key 'dayz' in thing.a.rules[0]; did you mean 'days'?\n"
      "10:9: thing.a.rules[1]: missing required key 'id'\n"
      "10:16: thing.a.rules[1].days must be from 1 to 10; got 0\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    size: \"${var.n}\"\n",
      "8:11: ${var.n}: no variable 'n'\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: ${b.arn}\n",
      "7:11: ${b.arn}: no resource named 'b'\n" },
    { HEAD "resources:\n  aaa:\n    type: thing\n    name: x${aab.arn}\n  aab: {type: thing, name: \"${aaa.arnn}\"}\n",
      "8:28: ${aaa.arnn}: thing has no attribute 'arnn'; did you mean 'arn'?\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: \"${a.arn}\"\n", "7:11: ${a.arn}: thing.a refers to itself\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n    depends_on: [a]\n",
      "8:18: thing.a depends on itself\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: \"${b.arn}\"\n  b:\n    type: thing\n    name: ${c.name}\n"
           "  c:\n    type: thing\n    name: ccc\n    depends_on: [a]\n",
      "14:18: dependency cycle: a -> b -> c -> a\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa ${oops\n",
      "7:15: thing.a.name: unterminated '${' (no closing '}')\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa ${}\n", "7:15: thing.a.name: empty reference '${}'\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: ${foo}\n",
      "7:11: thing.a.name: '${foo}' is not a reference; write ${var.NAME}, ${stack}, ${region} or "
      "${RESOURCE.ATTRIBUTE} (and $${ for a literal ${)\n" },
    { HEAD "resources:\n  a:\n    type: thing\n    name: aaa\n  b:\n    type: thing\n    name: bbb\n    size: x${a.size}\n",
      "11:11: thing.b.size: expected an integer, got a string\n" },
    { HEAD "outputs:\n  x: ${nothing.arn}\n  y: {valu: 1}\n",
      "5:6: ${nothing.arn}: no resource named 'nothing'\n6:3: output 'y': missing required key 'value'\n"
      "6:7: unknown key 'valu' in output 'y'; did you mean 'value'?\n" },
};

static void validation_reports_each_error_at_its_place(void)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        char *report;
        struct vp_spec *spec = load(bad_cases[i].text, &report);

        EXPECT(spec == NULL);
        if (strcmp(bad_cases[i].want, report) != 0)
            printf("#   case %zu:\n", i);
        EXPECT_STREQ(bad_cases[i].want, report);
        free(report);
        vp_spec_free(spec);
    }
}

static void validation_accepts_typed_references(void)
{
    char *report;
    struct vp_spec *spec = load(HEAD "variables:\n  n: 5\n  on: true\n  names: [a, b]\n"
                                     "resources:\n  a:\n    type: thing\n    name: aaa\n    size: ${var.n}\n"
                                     "    on: ${var.on}\n    names: ${var.names}\n    policy: {k: [1, \"${b.arn}\"]}\n"
                                     "    rules: [{id: \"${b.name}\", days: \"${b.size}\"}]\n"
                                     "  b:\n    type: thing\n    name: bbb\n    size: 5\n",
                                &report);

    EXPECT_STREQ("", report);
    EXPECT(spec != NULL);
    free(report);
    vp_spec_free(spec);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    T_RUN(yaml_positions_are_one_based);
    T_RUN(yaml_refuses_what_a_spec_never_needs);
    T_RUN(yaml_empty_is_a_null_root);
    T_RUN(yaml_bounds_the_file_size);
    T_RUN(eval_interpolates_and_types);
    T_RUN(eval_without_resolver_is_unknown);
    T_RUN(spec_find_and_depends);
    T_RUN(vars_later_sources_win);
    T_RUN(vars_errors);
    T_RUN(validation_reports_each_error_at_its_place);
    T_RUN(validation_accepts_typed_references);
    for (const char *const *f = (const char *const[]){ "spec.yaml", "one.yaml", "two.json", "bad.yaml", NULL }; *f;
         f++) {
        char *path = vp_xasprintf("%s/%s", dir, *f);
        unlink(path);
        free(path);
    }
    rmdir(dir);
    return t_done();
}
