/* validate.c: a resource's attribute values against its type's table: keys, kinds, required attributes and
 * fields, enum values, ranges, AWS naming rules, values AWS sets. Scalars are evaluated with the variables
 * known (so ${var.stack}-videos is checked as the name it becomes); a value that uses a resource attribute
 * is checked for its shape only, since its value is known after apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "spec/spec_internal.h"

struct check {
    struct vp_loader *ld;
    int owner;                          /* the resource's index */
};

static void check_value(struct check *c, const struct vp_node *node, const struct vp_attr *a, const char *path);

/* ---- a known value against the attribute's rules ---- */

static void check_string(struct check *c, struct vp_pos pos, const struct vp_attr *a, const char *s, const char *path)
{
    struct vp_buf allowed = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    const char *why;
    size_t len = strlen(s);

    if (a->enum_values) {
        size_t k = 0;
        while (a->enum_values[k] && strcmp(a->enum_values[k], s) != 0)
            k++;
        if (!a->enum_values[k]) {
            for (k = 0; a->enum_values[k]; k++)
                vp_buf_printf(&allowed, "%s%s", k ? ", " : "", a->enum_values[k]);
            vp_diag_add(c->ld->diags, VP_E_SPEC, pos, "%s must be one of %s; got '%s'", path, allowed.data, s);
            vp_buf_release(&allowed);
        }
    }
    if (a->max > 0 && ((long)len < a->min || (long)len > a->max))
        vp_diag_add(c->ld->diags, VP_E_SPEC, pos, "%s must be %ld to %ld characters long; got %zu", path, a->min,
                    a->max, len);
    if (a->check && (why = a->check(s)))
        vp_diag_add(c->ld->diags, VP_E_SPEC, pos, "%s: '%s': %s", path, s, why);
}

static void check_known(struct check *c, struct vp_pos pos, const struct vp_attr *a, const json_t *v, const char *path)
{
    struct vp_attr elem;
    const char *key;
    json_t *item;
    size_t i;

    switch (a->kind) {
    case VP_K_STRING:
        check_string(c, pos, a, json_string_value(v), path);
        break;
    case VP_K_INT:
        if (a->max > 0 && (json_integer_value(v) < a->min || json_integer_value(v) > a->max))
            vp_diag_add(c->ld->diags, VP_E_SPEC, pos, "%s must be from %ld to %ld; got %" JSON_INTEGER_FORMAT, path,
                        a->min, a->max, json_integer_value(v));
        break;
    case VP_K_LIST:                     /* a whole list from a variable: its strings */
        vp_schema_elem(a, &elem);
        json_array_foreach(v, i, item)
            if (elem.kind == VP_K_STRING && json_is_string(item))
                check_string(c, pos, &elem, json_string_value(item), path);
        break;
    case VP_K_MAP:
        vp_schema_elem(a, &elem);
        json_object_foreach((json_t *)v, key, item) {
            const char *why = a->check ? a->check(key) : NULL;
            if (why)
                vp_diag_add(c->ld->diags, VP_E_SPEC, pos, "%s: key '%s': %s", path, key, why);
            if (elem.kind == VP_K_STRING && json_is_string(item))
                check_string(c, pos, &elem, json_string_value(item), path);
        }
        break;
    default:
        break;
    }
}

/* ---- the shapes of nodes ---- */

static void check_scalar(struct check *c, const struct vp_node *node, const struct vp_attr *a, const char *path)
{
    const struct vp_ref_rules rules = { .owner = c->owner, .resources = true, .stack = true, .region = true };
    struct vp_err err = { 0 };
    struct vp_expr e;
    json_t *v = NULL;
    bool unknown, single;
    int rc;

    if (vp_expr_parse(node, &e, &err) < 0) {
        vp_diag_add(c->ld->diags, VP_E_SPEC, err.pos, "%s: %s", path, err.msg);
        return;
    }
    rc = vp_refs_check(c->ld, node, &e, &rules);
    single = e.n == 1 && e.n_refs == 1;
    vp_expr_release(&e);
    if (rc < 0)
        return;
    if (rc > 0) {                       /* known after apply: only a whole reference can be other than a string */
        if (!single && a->kind != VP_K_STRING && a->kind != VP_K_JSON)
            vp_diag_add(c->ld->diags, VP_E_SPEC, node->pos, "%s: expected %s, got a string", path,
                        vp_kind_expected(a->kind));
        return;
    }
    if (vp_spec_eval(c->ld->spec, node, a, NULL, NULL, &v, &unknown, &err) < 0) {
        vp_diag_add(c->ld->diags, VP_E_SPEC, err.pos, "%s: %s", path, err.msg);
        return;
    }
    check_known(c, node->pos, a, v, path);
    json_decref(v);
}

static void check_object(struct check *c, const struct vp_node *node, const struct vp_attr *fields, const char *path)
{
    static const char *const none[] = { NULL };

    for (size_t i = 0; i < node->n; i++) {
        const struct vp_node *key = node->pairs[i].key;
        const struct vp_attr *f = vp_schema_attr(fields, key->scalar);
        char *sub;

        if (!f) {
            vp_unknown_key(c->ld, key, path, none, fields);
            continue;
        }
        sub = vp_xasprintf("%s.%s", path, key->scalar);
        if (f->on_change == VP_COMPUTED)
            vp_diag_add(c->ld->diags, VP_E_SPEC, key->pos, "%s is set by AWS and cannot be set", sub);
        else if (node->pairs[i].value->kind != VP_NODE_NULL)
            check_value(c, node->pairs[i].value, f, sub);
        free(sub);
    }
    for (const struct vp_attr *f = fields; f->name; f++) {
        const struct vp_node *v = vp_node_get(node, f->name);
        if (f->required && (!v || v->kind == VP_NODE_NULL))
            vp_diag_add(c->ld->diags, VP_E_SPEC, node->pos, "%s: missing required key '%s'", path, f->name);
    }
}

static void check_seq(struct check *c, const struct vp_node *node, const struct vp_attr *a, const char *path)
{
    struct vp_attr elem;

    vp_schema_elem(a, &elem);
    for (size_t i = 0; i < node->n; i++) {
        char *sub = vp_xasprintf("%s[%zu]", path, i);
        if (node->items[i]->kind == VP_NODE_NULL)
            vp_diag_add(c->ld->diags, VP_E_SPEC, node->items[i]->pos, "%s: expected %s, got null", sub,
                        vp_kind_expected(elem.kind));
        else
            check_value(c, node->items[i], &elem, sub);
        free(sub);
    }
}

static void check_map(struct check *c, const struct vp_node *node, const struct vp_attr *a, const char *path)
{
    struct vp_attr elem;

    vp_schema_elem(a, &elem);
    for (size_t i = 0; i < node->n; i++) {
        const struct vp_node *key = node->pairs[i].key;
        const char *why = a->check ? a->check(key->scalar) : NULL;
        char *sub = vp_xasprintf("%s.%s", path, key->scalar);

        if (why)
            vp_diag_add(c->ld->diags, VP_E_SPEC, key->pos, "%s: key '%s': %s", path, key->scalar, why);
        if (node->pairs[i].value->kind == VP_NODE_NULL)
            vp_diag_add(c->ld->diags, VP_E_SPEC, node->pairs[i].value->pos, "%s: expected %s, got null", sub,
                        vp_kind_expected(elem.kind));
        else
            check_value(c, node->pairs[i].value, &elem, sub);
        free(sub);
    }
}

static void check_value(struct check *c, const struct vp_node *node, const struct vp_attr *a, const char *path)
{
    const struct vp_ref_rules rules = { .owner = c->owner, .resources = true, .stack = true, .region = true };

    if (a->kind == VP_K_JSON) {
        vp_refs_check_tree(c->ld, node, &rules);
        return;
    }
    switch (node->kind) {
    case VP_NODE_NULL:
        return;
    case VP_NODE_SCALAR:
        check_scalar(c, node, a, path);
        return;
    case VP_NODE_SEQ:
        if (a->kind == VP_K_LIST) {
            check_seq(c, node, a, path);
            return;
        }
        break;
    case VP_NODE_MAP:
        if (a->kind == VP_K_MAP) {
            check_map(c, node, a, path);
            return;
        }
        if (a->kind == VP_K_OBJECT) {
            check_object(c, node, a->fields, path);
            return;
        }
        break;
    }
    vp_diag_add(c->ld->diags, VP_E_SPEC, node->pos, "%s: expected %s, got %s", path, vp_kind_expected(a->kind),
                vp_node_look(node));
}

/* The type's rules across attributes, once every attribute passed its own checks. */
static void check_across(struct vp_loader *ld, const struct vp_spec_resource *r)
{
    json_t *values = json_object();
    const char *attr = NULL;
    char msg[256] = "";
    struct vp_err err = { 0 };

    for (const struct vp_attr *a = r->schema->attrs; a->name; a++) {
        const struct vp_node *node = vp_node_get(r->node, a->name);
        json_t *v = NULL;
        bool unknown = false;

        if (a->on_change == VP_COMPUTED || !node || node->kind == VP_NODE_NULL)
            continue;
        if (vp_spec_eval(ld->spec, node, a, NULL, NULL, &v, &unknown, &err) == 0)
            json_object_set_new(values, a->name, v);
    }
    if (r->schema->check(values, msg, sizeof(msg), &attr) < 0) {
        const struct vp_node *at = attr ? vp_node_key(r->node, attr) : NULL;
        vp_diag_add(ld->diags, VP_E_SPEC, at ? at->pos : r->pos, "%s: %s", r->address, msg);
    }
    json_decref(values);
}

void vp_validate_resource(struct vp_loader *ld, size_t index)
{
    static const char *const own_keys[] = { "type", "depends_on", NULL };
    const struct vp_spec_resource *r = &ld->spec->resources[index];
    struct check c = { ld, (int)index };
    size_t problems_before = ld->diags->n;

    if (!r->schema)
        return;                         /* its type is unknown: reported already */
    for (size_t i = 0; i < r->node->n; i++) {
        const struct vp_node *key = r->node->pairs[i].key, *value = r->node->pairs[i].value;
        const struct vp_attr *a = vp_schema_attr(r->schema->attrs, key->scalar);
        char *path;

        if (strcmp(key->scalar, "type") == 0 || strcmp(key->scalar, "depends_on") == 0)
            continue;
        if (!a) {
            vp_unknown_key(ld, key, r->address, own_keys, r->schema->attrs);
            continue;
        }
        path = vp_xasprintf("%s.%s", r->address, key->scalar);
        if (a->on_change == VP_COMPUTED)
            vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "%s: %s is set by AWS and cannot be set", r->address, a->name);
        else
            check_value(&c, value, a, path);
        free(path);
    }
    for (const struct vp_attr *a = r->schema->attrs; a->name; a++) {
        const struct vp_node *v = vp_node_get(r->node, a->name);
        if (a->required && (!v || v->kind == VP_NODE_NULL))
            vp_diag_add(ld->diags, VP_E_SPEC, r->pos, "%s: missing required attribute '%s'", r->address, a->name);
    }
    if (r->schema->check && ld->diags->n == problems_before)
        check_across(ld, r);
}
