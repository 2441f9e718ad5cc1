/* vars.c: the spec's variables: declarations (a default as shorthand, or {type, default, description,
 * sensitive}), then values from --var-file files in order, then --var, each converted to the declared type.
 * Later sources win. A variable left without a value is an error pointing at its declaration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "spec/spec_internal.h"

#define VAR_NAME_RE "^[a-zA-Z_][a-zA-Z0-9_]*$"

static const char *const decl_keys[] = { "type", "default", "description", "sensitive", NULL };
static const char *const type_names[] = { "string", "number", "bool", "list", "map", NULL };

/* The type a shorthand default (or a long form without `type`) implies. */
static const char *infer_type(const struct vp_node *n)
{
    json_int_t i;
    double d;
    bool b;

    if (!n || n->kind == VP_NODE_NULL)
        return "string";
    if (n->kind == VP_NODE_SEQ)
        return "list";
    if (n->kind == VP_NODE_MAP)
        return "map";
    if (n->plain && (vp_text_int(n->scalar, &i) || vp_text_real(n->scalar, &d)))
        return "number";
    if (n->plain && vp_text_bool(n->scalar, &b))
        return "bool";
    return "string";
}

/* A node as a value of the type: scalars are read by their text (a var file may quote a number); NULL with
 * *why set when it is not one. */
static json_t *convert(const struct vp_node *n, const char *type, const char **why)
{
    json_int_t i;
    double d;
    bool b;

    *why = NULL;
    if (strcmp(type, "list") == 0 || strcmp(type, "map") == 0) {
        bool list = type[0] == 'l';
        if (n->kind == (list ? VP_NODE_SEQ : VP_NODE_MAP))
            return vp_node_literal(n);
        *why = list ? "a list" : "a mapping";
        return NULL;
    }
    if (n->kind != VP_NODE_SCALAR) {
        *why = strcmp(type, "number") == 0 ? "a number" : strcmp(type, "bool") == 0 ? "a bool (true or false)" : "a string";
        return NULL;
    }
    if (strcmp(type, "number") == 0) {
        if (vp_text_int(n->scalar, &i))
            return json_integer(i);
        if (vp_text_real(n->scalar, &d))
            return json_real(d);
        *why = "a number";
        return NULL;
    }
    if (strcmp(type, "bool") == 0) {
        if (vp_text_bool(n->scalar, &b))
            return json_boolean(b);
        *why = "a bool (true or false)";
        return NULL;
    }
    return json_string(n->scalar);
}

/* A variable whose value was wrong: references to it are not checked further, and "has no value" is not said. */
static void set_broken(struct vp_loader *ld, const char *name)
{
    json_object_set_new(ld->var_types, name, json_string("broken"));
    json_object_del(ld->spec->vars, name);
}

/* Sets the variable from a node; a diagnostic at the node when it does not convert. */
static void set_from_node(struct vp_loader *ld, const char *name, const struct vp_node *n, const char *what)
{
    const char *type = json_string_value(json_object_get(ld->var_types, name)), *why;
    json_t *v = convert(n, type, &why);

    if (!v) {
        vp_diag_add(ld->diags, VP_E_SPEC, n->pos, "%s '%s': expected %s, got %s", what, name, why, vp_node_look(n));
        set_broken(ld, name);
        return;
    }
    json_object_set_new(ld->spec->vars, name, v);
}

static void declare_long(struct vp_loader *ld, const char *name, const struct vp_node *decl)
{
    const struct vp_node *type = vp_node_get(decl, "type"), *def = vp_node_get(decl, "default");
    const struct vp_node *sensitive = vp_node_get(decl, "sensitive"), *desc = vp_node_get(decl, "description");
    const char *type_name = infer_type(def);
    char where[200];
    bool b;

    snprintf(where, sizeof(where), "variable '%s'", name);
    for (size_t i = 0; i < decl->n; i++) {
        const char *key = decl->pairs[i].key->scalar;
        size_t k = 0;
        while (decl_keys[k] && strcmp(decl_keys[k], key) != 0)
            k++;
        if (!decl_keys[k])
            vp_unknown_key(ld, decl->pairs[i].key, where, decl_keys, NULL);
    }
    if (type) {
        size_t k = 0;
        while (type->kind == VP_NODE_SCALAR && type_names[k] && strcmp(type_names[k], type->scalar) != 0)
            k++;
        if (type->kind != VP_NODE_SCALAR || !type_names[k]) {
            vp_diag_add(ld->diags, VP_E_SPEC, type->pos, "variable '%s': type must be one of string, number, bool, "
                        "list, map; got %s%s%s", name, type->kind == VP_NODE_SCALAR ? "'" : "",
                        type->kind == VP_NODE_SCALAR ? type->scalar : vp_node_look(type),
                        type->kind == VP_NODE_SCALAR ? "'" : "");
            set_broken(ld, name);
            return;
        }
        type_name = type_names[k];
    }
    if (sensitive && !(sensitive->kind == VP_NODE_SCALAR && sensitive->plain && vp_text_bool(sensitive->scalar, &b)))
        vp_diag_add(ld->diags, VP_E_SPEC, sensitive->pos, "variable '%s': sensitive: expected a bool (true or false), "
                    "got %s", name, vp_node_look(sensitive));
    else if (sensitive && b)
        json_object_set_new(ld->sensitive_vars, name, json_true());
    if (desc && desc->kind != VP_NODE_SCALAR)
        vp_diag_add(ld->diags, VP_E_SPEC, desc->pos, "variable '%s': description: expected a string, got %s", name,
                    vp_node_look(desc));
    json_object_set_new(ld->var_types, name, json_string(type_name));
    if (def && def->kind != VP_NODE_NULL)
        set_from_node(ld, name, def, "the default of variable");
}

static void declare(struct vp_loader *ld, const struct vp_node *key, const struct vp_node *value)
{
    const char *name = key->scalar;

    if (!vp_matches(VAR_NAME_RE, name)) {
        vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "invalid variable name '%s': letters, digits and '_', not "
                    "starting with a digit", name);
        return;
    }
    if (value->kind == VP_NODE_MAP) {
        declare_long(ld, name, value);
        return;
    }
    json_object_set_new(ld->var_types, name, json_string(infer_type(value)));
    if (value->kind != VP_NODE_NULL)
        set_from_node(ld, name, value, "the default of variable");
}

/* "no variable 'x' in the spec; did you mean 'y'?" */
static void no_such_variable(struct vp_loader *ld, struct vp_pos pos, const char *prefix, const char *name)
{
    struct vp_suggest s;
    const char *declared;
    json_t *type;
    char hint[160];

    vp_suggest_init(&s, name);
    json_object_foreach(ld->var_types, declared, type)
        vp_suggest_try(&s, declared);
    vp_diag_add(ld->diags, VP_E_SPEC, pos, "%sno variable '%s' in the spec%s", prefix, name,
                vp_suggest_hint(&s, hint, sizeof(hint)));
}

static bool usable(struct vp_loader *ld, const char *name)
{
    const char *type = json_string_value(json_object_get(ld->var_types, name));
    return type && strcmp(type, "broken") != 0;
}

static void read_var_file(struct vp_loader *ld, const char *path)
{
    struct vp_node *root = NULL;
    struct vp_err err = { 0 };
    size_t first = ld->diags->n;

    if (vp_yaml_parse_file(path, &root, &err) < 0) {
        vp_diag_add_err(ld->diags, &err);
        return;
    }
    if (root->kind != VP_NODE_MAP && root->kind != VP_NODE_NULL)
        vp_diag_add(ld->diags, VP_E_SPEC, root->pos, "a var file is a mapping of variable names to values, not %s",
                    vp_node_look(root));
    for (size_t i = 0; root->kind == VP_NODE_MAP && i < root->n; i++) {
        const struct vp_node *key = root->pairs[i].key;
        if (!json_object_get(ld->var_types, key->scalar))
            no_such_variable(ld, key->pos, "", key->scalar);
        else if (usable(ld, key->scalar))
            set_from_node(ld, key->scalar, root->pairs[i].value, "variable");
    }
    for (size_t i = first; i < ld->diags->n; i++)       /* the tree goes now; the caller's name stays */
        if (ld->diags->items[i].pos.file == root->pos.file)
            ld->diags->items[i].pos.file = path;
    vp_node_free(root);
}

/* --var NAME=VALUE: the text is the value of a string; a number or bool is parsed from it; a list or map is
 * read as YAML flow or JSON ("[a, b]", "{k: v}"). */
static void set_from_option(struct vp_loader *ld, const char *name, const char *text)
{
    const char *type = json_string_value(json_object_get(ld->var_types, name)), *why;
    struct vp_node scalar = { .kind = VP_NODE_SCALAR, .scalar = (char *)text };
    struct vp_node *parsed = NULL;
    struct vp_err err = { 0 };
    const struct vp_pos nowhere = { NULL, 0, 0 };
    json_t *v;

    if ((strcmp(type, "list") == 0 || strcmp(type, "map") == 0) &&
        vp_yaml_parse_string(text, strlen(text), "--var", &parsed, &err) < 0) {
        vp_diag_add(ld->diags, VP_E_SPEC, nowhere, "--var %s: expected a %s (YAML flow or JSON): %s", name, type,
                    err.msg);
        set_broken(ld, name);
        return;
    }
    v = convert(parsed ? parsed : &scalar, type, &why);
    if (v) {
        json_object_set_new(ld->spec->vars, name, v);
    } else {
        vp_diag_add(ld->diags, VP_E_SPEC, nowhere, "--var %s: expected %s, got '%s'", name, why, text);
        set_broken(ld, name);
    }
    vp_node_free(parsed);
}

/* The string forms of a sensitive value (every string and number inside it), for masking. */
static void collect_secrets(json_t *secrets, const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_string(v) && json_string_length(v) > 0)
        json_array_append_new(secrets, json_string(json_string_value(v)));
    else if (json_is_integer(v))
        json_array_append_new(secrets, json_sprintf("%lld", (long long)json_integer_value(v)));
    else if (json_is_array(v))
        json_array_foreach(v, i, item)
            collect_secrets(secrets, item);
    else if (json_is_object(v))
        json_object_foreach((json_t *)v, key, item)
            collect_secrets(secrets, item);
}

static void record_secrets(struct vp_loader *ld)
{
    const char *name;
    json_t *on;

    json_object_foreach(ld->sensitive_vars, name, on)
        collect_secrets(ld->spec->secrets, json_object_get(ld->spec->vars, name));
}

void vp_load_variables(struct vp_loader *ld, const struct vp_node *decls)
{
    const struct vp_spec_options *o = ld->opts;

    if (decls && decls->kind != VP_NODE_MAP && decls->kind != VP_NODE_NULL) {
        vp_diag_add(ld->diags, VP_E_SPEC, decls->pos, "variables: expected a mapping of NAME to default or "
                    "{type, default, description, sensitive}, got %s", vp_node_look(decls));
        decls = NULL;
    }
    for (size_t i = 0; decls && i < decls->n; i++)
        declare(ld, decls->pairs[i].key, decls->pairs[i].value);
    for (size_t i = 0; i < o->n_var_files; i++)
        read_var_file(ld, o->var_files[i]);
    for (size_t i = 0; o->vars && i < o->vars->n; i++) {
        const char *name = o->vars->items[i].name;
        if (!json_object_get(ld->var_types, name))
            no_such_variable(ld, (struct vp_pos){ NULL, 0, 0 }, "--var: ", name);
        else if (usable(ld, name))
            set_from_option(ld, name, o->vars->items[i].value);
    }
    for (size_t i = 0; decls && i < decls->n; i++) {
        const struct vp_node *key = decls->pairs[i].key;
        if (usable(ld, key->scalar) && !json_object_get(ld->spec->vars, key->scalar))
            vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "variable '%s' has no value; set it with --var %s=VALUE or "
                        "in a --var-file", key->scalar, key->scalar);
    }
    record_secrets(ld);
}
