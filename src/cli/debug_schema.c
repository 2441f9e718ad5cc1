/* debug_schema.c: `vidpipe debug schema --json-schema | --markdown`: the spec format, generated from the
 * resource types' attribute tables (src/resources/<type>_schema.c) so the committed JSON Schema and the
 * resource reference in specs/README.md cannot drift from the code. scripts/gen-docs.sh (`make docs`)
 * writes both; tests/scenarios/1900-docs.sh fails when either is stale. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "engine/resource.h"

static const char usage[] =
    "usage: vidpipe debug schema (--json-schema | --markdown)\n"
    "\n"
    "Prints the spec format, generated from the resource types' attribute tables.\n"
    "\n"
    "  --json-schema   the JSON Schema (draft 2020-12) of a whole spec: specs/vidpipe.schema.json\n"
    "  --markdown      the resource reference: the generated part of specs/README.md\n";

/* ---- what the JSON Schema and the Markdown share ---- */

/* Appends text as a sentence of b: a full stop closes what came before when it has none. */
static void add_sentence(struct vp_buf *b, const char *text)
{
    if (b->len > 0) {
        if (b->data[b->len - 1] != '.')
            vp_buf_putc(b, '.');
        vp_buf_putc(b, ' ');
    }
    vp_buf_puts(b, text);
}

/* The attribute's doc and what the table says beyond its kind. The Markdown has columns for whether a
 * change replaces the resource, the JSON Schema (an editor's hover text) does not. */
static char *describe(const struct vp_attr *a, const char *resource_word, bool markdown)
{
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    vp_buf_puts(&b, a->doc ? a->doc : "");
    if (markdown && a->enum_values) {
        add_sentence(&b, a->kind == VP_K_LIST ? "Each one of:" : a->kind == VP_K_MAP ? "Values one of:" : "One of:");
        for (size_t i = 0; a->enum_values[i]; i++)
            vp_buf_printf(&b, "%s`%s`", i ? ", " : " ", a->enum_values[i]);
    }
    if (markdown && a->max > 0 && a->kind == VP_K_INT) {
        add_sentence(&b, "");
        vp_buf_printf(&b, "From %ld to %ld", a->min, a->max);
    } else if (markdown && a->max > 0 && a->kind == VP_K_STRING) {
        add_sentence(&b, "");
        vp_buf_printf(&b, "%ld to %ld characters", a->min, a->max);
    }
    if (a->local)
        add_sentence(&b, "A vidpipe setting, never read from AWS");
    if (a->sensitive)
        add_sentence(&b, "Sensitive: masked in plans, never written to state");
    if (!markdown && a->on_change == VP_REPLACE)
        add_sentence(&b, "Changing it replaces the resource");
    if (a->on_change == VP_COMPUTED) {
        add_sentence(&b, "");
        vp_buf_printf(&b, "Read only: refer to it as `${%s.%s}`", resource_word, a->name);
    }
    if (b.len > 0 && b.data[b.len - 1] != '.')
        vp_buf_putc(&b, '.');
    return vp_buf_detach(&b, NULL);
}

static json_t *parse_default(const struct vp_attr *a)
{
    json_t *v = json_loads(a->default_json, JSON_DECODE_ANY, NULL);

    if (!v) {   /* a broken table: the unit tests of the types catch it first */
        fprintf(stderr, "vidpipe: BUG: attribute '%s': default %s is not JSON\n", a->name, a->default_json);
        abort();
    }
    return v;
}

/* ---- JSON Schema ---- */

static json_t *ref(const char *def)
{
    char *path = vp_xasprintf("#/$defs/%s", def);
    json_t *r = json_pack("{s:s}", "$ref", path);

    free(path);
    return r;
}

/* schema, or a string that is one whole ${...} expression: it takes the referenced value's type. */
static json_t *or_expression(json_t *schema)
{
    return json_pack("{s:[o,o]}", "anyOf", schema, ref("expression"));
}

static json_t *string_list(const char *const *values)
{
    json_t *list = json_array();

    for (size_t i = 0; values[i]; i++)
        json_array_append_new(list, json_string(values[i]));
    return list;
}

/* A string with an enum or a length; one that holds ${...} is only checked once evaluated. */
static json_t *string_schema(const struct vp_attr *a, bool with_length)
{
    json_t *s = json_pack("{s:s}", "type", "string");
    bool constrained = false;

    if (a->enum_values) {
        json_object_set_new(s, "enum", string_list(a->enum_values));
        constrained = true;
    }
    if (with_length && a->max > 0) {
        json_object_set_new(s, "minLength", json_integer(a->min));
        json_object_set_new(s, "maxLength", json_integer(a->max));
        constrained = true;
    }
    return constrained ? json_pack("{s:[o,o]}", "anyOf", s, ref("interpolated")) : s;
}

static json_t *object_schema(const struct vp_attr *fields);

/* A LIST's element or a MAP's value. */
static json_t *element_schema(const struct vp_attr *a)
{
    switch (a->elem_kind) {
    case VP_K_STRING: return string_schema(a, false);
    case VP_K_INT: return or_expression(json_pack("{s:s}", "type", "integer"));
    case VP_K_BOOL: return or_expression(json_pack("{s:s}", "type", "boolean"));
    case VP_K_OBJECT: return or_expression(object_schema(a->fields));
    default: return json_object();
    }
}

static json_t *value_schema(const struct vp_attr *a)
{
    json_t *s;

    switch (a->kind) {
    case VP_K_STRING: return string_schema(a, true);
    case VP_K_INT:
        s = json_pack("{s:s}", "type", "integer");
        if (a->max > 0) {
            json_object_set_new(s, "minimum", json_integer(a->min));
            json_object_set_new(s, "maximum", json_integer(a->max));
        }
        return or_expression(s);
    case VP_K_BOOL: return or_expression(json_pack("{s:s}", "type", "boolean"));
    case VP_K_LIST: return or_expression(json_pack("{s:s,s:o}", "type", "array", "items", element_schema(a)));
    case VP_K_MAP:
        return or_expression(json_pack("{s:s,s:o}", "type", "object", "additionalProperties", element_schema(a)));
    case VP_K_OBJECT: return or_expression(object_schema(a->fields));
    case VP_K_JSON: break;
    }
    return json_object();
}

static json_t *attr_schema(const struct vp_attr *a)
{
    json_t *s = value_schema(a);
    char *doc = describe(a, "NAME", false);

    if (*doc)
        json_object_set_new(s, "description", json_string(doc));
    if (a->default_json)
        json_object_set_new(s, "default", parse_default(a));
    free(doc);
    return s;
}

/* The settable fields (computed ones are left out: a spec cannot set them), nothing else allowed. */
static json_t *object_schema(const struct vp_attr *fields)
{
    json_t *props = json_object(), *required = json_array();
    json_t *s = json_pack("{s:s,s:b,s:o}", "type", "object", "additionalProperties", 0, "properties", props);

    for (const struct vp_attr *a = fields; a->name; a++) {
        if (a->on_change == VP_COMPUTED)
            continue;
        json_object_set_new(props, a->name, attr_schema(a));
        if (a->required)
            json_array_append_new(required, json_string(a->name));
    }
    if (json_array_size(required) > 0)
        json_object_set_new(s, "required", required);
    else
        json_decref(required);
    return s;
}

static char *type_def_name(const struct vp_resource_type *t)
{
    return vp_xasprintf("type.%s", t->type);
}

/* One type's resource: `type`, `depends_on` and the type's attributes at the same level. */
static json_t *type_schema(const struct vp_resource_type *t)
{
    json_t *s = object_schema(t->attrs);
    json_t *props = json_object_get(s, "properties"), *required = json_object_get(s, "required");

    json_object_set_new(props, "type", json_pack("{s:s}", "const", t->type));
    json_object_set_new(props, "depends_on", ref("depends_on"));
    if (!required)
        json_object_set_new(s, "required", (required = json_array()));
    json_array_insert_new(required, 0, json_string("type"));
    if (t->doc && *t->doc)
        json_object_set_new(s, "description", json_string(t->doc));
    return s;
}

/* A resource: its `type` picks the type's schema. */
static json_t *resource_schema(void)
{
    json_t *types = json_array(), *all_of = json_array();

    for (size_t i = 0; vp_resource_types[i]; i++) {
        const struct vp_resource_type *t = vp_resource_types[i];
        char *def = type_def_name(t);
        json_array_append_new(types, json_string(t->type));
        json_array_append_new(all_of, json_pack("{s:{s:{s:{s:s}},s:[s]},s:o}",
                                                "if", "properties", "type", "const", t->type, "required", "type",
                                                "then", ref(def)));
        free(def);
    }
    return json_pack("{s:s,s:s,s:[s],s:{s:{s:s,s:o}},s:o}",
                     "description", "A resource: its type, depends_on and the type's attributes at this level.",
                     "type", "object", "required", "type",
                     "properties", "type", "description", "The resource type.", "enum", types,
                     "allOf", all_of);
}

static json_t *top_level_properties(void)
{
    json_t *stack_name = json_pack("{s:s}", "pattern", "^[a-z][a-z0-9-]{0,31}$");
    json_t *region_name = json_pack("{s:s}", "pattern", "^[a-z]{2}(-[a-z]+)+-[0-9]+$");

    return json_pack(
        "{"
        "s:{s:s,s:s,s:i},"
        "s:{s:s,s:s,s:[o,o]},"
        "s:{s:s,s:s,s:[o,o]},"
        "s:{s:s,s:s,s:{s:s},s:o},"
        "s:{s:s,s:s,s:{s:s}},"
        "s:o,"
        "s:{s:s,s:s,s:o},"
        "s:{s:s,s:s,s:o}"
        "}",
        "vidpipe", "description", "The spec format's version: 1.", "type", "integer", "const", 1,
        "stack", "description",
        "The stack's name, prefix of physical names and of the state file; after variables, "
        "^[a-z][a-z0-9-]{0,31}$.",
        "type", "string", "anyOf", stack_name, ref("interpolated"),
        "region", "description", "The AWS region every resource lives in (us-east-1); may use ${var.NAME}.",
        "type", "string", "anyOf", region_name, ref("interpolated"),
        "variables", "description", "Inputs, set with --var NAME=VALUE or --var-file FILE.", "type", "object",
        "propertyNames", "pattern", "^[a-zA-Z_][a-zA-Z0-9_]*$", "additionalProperties", ref("variable"),
        "tags", "description", "Default tags, merged under each resource's own tags.", "type", "object",
        "additionalProperties", "type", "string",
        "backend", ref("backend"),
        "resources", "description", "The resources, by name: ${NAME.ATTR} refers to one's attributes.",
        "type", "object", "additionalProperties", ref("resource"),
        "outputs", "description", "Values printed after apply and by vidpipe output, by name.", "type", "object",
        "additionalProperties", ref("output"));
}

static json_t *variable_schema(void)
{
    return json_pack(
        "{s:[{s:s,s:[s,s,s]},{s:s,s:b,s:{s:{s:s,s:[s,s,s,s,s]},s:{s:s},s:{s:s},s:{s:s,s:s}}}]}",
        "anyOf",
        "description", "Shorthand: the default.", "type", "string", "number", "boolean",
        "type", "object", "additionalProperties", 0, "properties",
        "type", "description", "What a value must be (default: the default's type, else string).", "enum",
        "string", "number", "bool", "list", "map",
        "default", "description", "The value when no --var or var file sets it; none: the variable must be set.",
        "description", "type", "string",
        "sensitive", "description", "Mask the value in plans and outputs.", "type", "boolean");
}

static json_t *output_schema(void)
{
    return json_pack(
        "{s:[{s:s,s:[s,s,s,s]},{s:s,s:b,s:[s],s:{s:{s:s},s:{s:s},s:{s:s,s:s}}}]}",
        "anyOf",
        "description", "Shorthand: the value.", "type", "string", "number", "boolean", "array",
        "type", "object", "additionalProperties", 0, "required", "value", "properties",
        "value", "description", "The value, usually ${NAME.ATTR}.",
        "description", "type", "string",
        "sensitive", "description", "Print (sensitive) instead of the value.", "type", "boolean");
}

static json_t *backend_schema(void)
{
    return json_pack(
        "{s:s,s:s,s:b,s:i,s:i,s:{"
        "s:{s:s,s:s,s:b,s:{s:{s:s,s:s}}},"
        "s:{s:s,s:s,s:b,s:[s,s],s:{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}}"
        "}}",
        "description", "Where state is kept: local (the default) or s3.", "type", "object",
        "additionalProperties", 0, "minProperties", 1, "maxProperties", 1, "properties",
        "local", "description", "A file on this machine.", "type", "object", "additionalProperties", 0,
        "properties", "path", "description", "The state file (default state/<stack>.json).", "type", "string",
        "s3", "description", "An S3 object, locked with conditional writes.", "type", "object",
        "additionalProperties", 0, "required", "bucket", "key", "properties",
        "bucket", "description", "The bucket holding the state.", "type", "string",
        "key", "description", "The state object's key.", "type", "string",
        "region", "description", "The bucket's region (default: the spec's).", "type", "string");
}

static json_t *json_schema(void)
{
    json_t *defs = json_pack(
        "{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s},s:{s:s,s:s,s:{s:s},s:b},s:o,s:o,s:o,s:o}",
        "expression", "description", "One whole ${...} expression: it takes the referenced value's type.",
        "type", "string", "pattern", "^\\$\\{[^}]+\\}$",
        "interpolated", "description", "A string holding ${...}: checked once evaluated.",
        "type", "string", "pattern", "\\$\\{",
        "depends_on", "description", "Resources (by name) created before this one and deleted after it.",
        "type", "array", "items", "type", "string", "uniqueItems", 1,
        "variable", variable_schema(), "output", output_schema(), "backend", backend_schema(),
        "resource", resource_schema());

    for (size_t i = 0; vp_resource_types[i]; i++) {
        char *def = type_def_name(vp_resource_types[i]);
        json_object_set_new(defs, def, type_schema(vp_resource_types[i]));
        free(def);
    }
    return json_pack("{s:s,s:s,s:s,s:s,s:b,s:[s,s,s],s:o,s:o}",
                     "$schema", "https://json-schema.org/draft/2020-12/schema",
                     "title", "vidpipe spec",
                     "description", "A vidpipe pipeline spec (specs/README.md). Generated by "
                                    "`vidpipe debug schema --json-schema`; do not edit.",
                     "type", "object", "additionalProperties", 0, "required", "vidpipe", "stack", "region",
                     "properties", top_level_properties(), "$defs", defs);
}

static int print_json_schema(void)
{
    json_t *schema = json_schema();
    char *text = schema ? json_dumps(schema, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

    json_decref(schema);
    if (!text) {
        fprintf(stderr, "vidpipe: error: the JSON Schema could not be built\n");
        return 1;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

/* ---- Markdown ---- */

static const char *kind_name(enum vp_kind k)
{
    switch (k) {
    case VP_K_STRING: return "string";
    case VP_K_INT: return "integer";
    case VP_K_BOOL: return "bool";
    case VP_K_LIST: return "list";
    case VP_K_MAP: return "map";
    case VP_K_OBJECT: return "object";
    case VP_K_JSON: return "JSON (any value)";
    }
    return "?";
}

static const char *on_change_text(enum vp_on_change c)
{
    switch (c) {
    case VP_UPDATE: return "updates in place";
    case VP_REPLACE: return "replaces";
    case VP_COMPUTED: return "computed, read only";
    }
    return "?";
}

/* Table cells hold no raw '|' or line break. */
static void put_cell(const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            fputs("\\|", stdout);
        else
            putchar(*p == '\n' ? ' ' : *p);
    }
}

static void md_row(const struct vp_attr *a, const char *path, enum vp_on_change on_change)
{
    char *doc = describe(a, "NAME", true);

    printf("| `%s` | %s", path, kind_name(a->kind));
    if (a->kind == VP_K_LIST || a->kind == VP_K_MAP)
        printf(" of %s", kind_name(a->elem_kind));
    printf(" | %s | ", on_change == VP_COMPUTED ? "-" : a->required ? "yes" : "no");
    if (a->default_json) {
        putchar('`');
        put_cell(a->default_json);
        putchar('`');
    }
    printf(" | %s | ", on_change_text(on_change));
    put_cell(doc);
    printf(" |\n");
    free(doc);
}

/* Rows for attrs, nested fields right after their parent: a.b for an object's, a[].b for a list's
 * elements', a.*.b for a map's values'. A field of something that replaces when changed replaces too. */
static void md_rows(const struct vp_attr *attrs, const char *prefix, enum vp_on_change parent)
{
    for (const struct vp_attr *a = attrs; a->name; a++) {
        char *path = vp_xasprintf("%s%s", prefix, a->name);
        enum vp_on_change on_change = parent == VP_REPLACE ? VP_REPLACE : a->on_change;

        md_row(a, path, on_change);
        if (a->fields) {
            char *sub = vp_xasprintf("%s%s", path, a->kind == VP_K_LIST ? "[]." : a->kind == VP_K_MAP ? ".*." : ".");
            md_rows(a->fields, sub, on_change);
            free(sub);
        }
        free(path);
    }
}

static int print_markdown(void)
{
    printf("The attributes of each resource type, generated from vidpipe's attribute tables by\n"
           "`vidpipe debug schema --markdown` (`make docs` refreshes this section; do not edit it by hand).\n"
           "They sit directly under the resource's name, beside `type` and `depends_on`. A nested field\n"
           "(`a.b` of an object, `a[].b` of each element of a list) marked required is required when its\n"
           "parent is given. Computed attributes cannot be set; other resources and outputs refer to them\n"
           "as `${NAME.ATTR}`, as to any attribute.\n\nTypes:");
    for (size_t i = 0; vp_resource_types[i]; i++)
        printf("%s [`%s`](#%s)", i ? "," : "", vp_resource_types[i]->type, vp_resource_types[i]->type);
    printf(".\n");
    for (size_t i = 0; vp_resource_types[i]; i++) {
        const struct vp_resource_type *t = vp_resource_types[i];
        printf("\n### `%s`\n\n", t->type);
        if (t->doc && *t->doc)
            printf("%s\n\n", t->doc);
        printf("| attribute | type | required | default | on change | description |\n"
               "|---|---|---|---|---|---|\n");
        md_rows(t->attrs, "", VP_UPDATE);
    }
    return 0;
}

int cmd_debug_schema(int argc, char **argv, struct vp_cli *cli)
{
    static const struct option options[] = {
        { "json-schema", no_argument, NULL, 'j' },
        { "markdown", no_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, format = 0, rc;

    (void)cli;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'j':
        case 'm':
            if (format && format != c)
                return vp_cli_usage_error("debug schema", "--json-schema and --markdown exclude each other");
            format = c;
            break;
        case 'h': fputs(usage, stdout); return 0;
        default: return vp_cli_usage_error("debug schema", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return vp_cli_usage_error("debug schema", "unexpected argument '%s'", argv[optind]);
    if (!format)
        return vp_cli_usage_error("debug schema", "expected --json-schema or --markdown");
    rc = format == 'j' ? print_json_schema() : print_markdown();
    return fflush(stdout) == 0 ? rc : 1;
}
