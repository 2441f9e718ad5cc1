/* eval.c: a value node to JSON, typed by its attribute: references replaced by their values, literal
 * scalars read as the attribute's kind. The loader uses it (with no resolver: resource attributes unknown)
 * to check values and to compute stack, region, tags and backend; the engine uses it with a resolver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "spec/spec_internal.h"

struct eval {
    const struct vp_spec *spec;
    vp_ref_fn *resolve;
    void *ctx;
    bool *unknown;
    struct vp_err *err;
};

static int fail_at(struct eval *e, struct vp_pos pos, const char *fmt, const char *a, const char *b)
{
    vp_fail(e->err, VP_E_SPEC, fmt, a, b);
    e->err->pos = pos;
    return -1;
}

/* The value of one reference: a new reference, or NULL when it is not known yet. */
static int ref_value(struct eval *e, const struct vp_node *node, const struct vp_expr_part *p, json_t **v)
{
    const char *s = NULL;
    char shown[160];

    *v = NULL;
    vp_expr_ref_text(p, shown, sizeof(shown));
    switch (p->kind) {
    case VP_REF_VAR:
        if (!(*v = json_object_get(e->spec->vars, p->text)))
            return fail_at(e, vp_expr_pos(node, p), "%s: variable '%s' has no value", shown, p->text);
        json_incref(*v);
        return 0;
    case VP_REF_STACK:
    case VP_REF_REGION:
        if (!(s = p->kind == VP_REF_STACK ? e->spec->stack : e->spec->region))
            return fail_at(e, vp_expr_pos(node, p), "%s cannot be used here%s", shown, "");
        *v = json_string(s);
        return 0;
    case VP_REF_RESOURCE:
        if (e->resolve && e->resolve(e->ctx, p->text, p->attr, v, e->err) < 0)
            return -1;
        if (!*v)
            *e->unknown = true;
        return 0;
    }
    return 0;
}

/* A value's text inside a longer string. */
static int append_text(struct eval *e, const struct vp_node *node, const struct vp_expr_part *p, const json_t *v,
                       struct vp_buf *out)
{
    char shown[160];

    switch (json_typeof(v)) {
    case JSON_STRING: vp_buf_puts(out, json_string_value(v)); return 0;
    case JSON_INTEGER: vp_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return 0;
    case JSON_REAL: vp_buf_printf(out, "%.17g", json_real_value(v)); return 0;
    case JSON_TRUE: vp_buf_puts(out, "true"); return 0;
    case JSON_FALSE: vp_buf_puts(out, "false"); return 0;
    case JSON_NULL: return 0;
    default:
        return fail_at(e, vp_expr_pos(node, p), "%s is %s and cannot be part of a string",
                       vp_expr_ref_text(p, shown, sizeof(shown)), vp_json_look(v));
    }
}

/* A scalar by its look: a literal, the one reference it is, or the string it interpolates. */
static int eval_scalar_raw(struct eval *e, const struct vp_node *node, const struct vp_expr *x, json_t **out)
{
    struct vp_buf text = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    bool unknown = false;

    if (x->n_refs == 0) {
        if (strstr(node->scalar, "$${")) {
            char *s = vp_expr_text(x);
            *out = json_string(s);
            free(s);
        } else {
            *out = vp_node_literal(node);
        }
        return 0;
    }
    if (x->n == 1) {
        if (ref_value(e, node, &x->parts[0], out) < 0)
            return -1;
        if (!*out)
            *out = json_string(VP_UNKNOWN_VALUE);
        return 0;
    }
    for (size_t i = 0; i < x->n; i++) {
        json_t *v = NULL;
        if (!x->parts[i].is_ref) {
            vp_buf_puts(&text, x->parts[i].text);
            continue;
        }
        if (ref_value(e, node, &x->parts[i], &v) < 0) {
            vp_buf_release(&text);
            return -1;
        }
        if (!v) {
            unknown = true;
            continue;
        }
        if (append_text(e, node, &x->parts[i], v, &text) < 0) {
            json_decref(v);
            vp_buf_release(&text);
            return -1;
        }
        json_decref(v);
    }
    *out = json_string(unknown ? VP_UNKNOWN_VALUE : text.data);
    vp_buf_release(&text);
    return 0;
}

static bool is_unknown(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), VP_UNKNOWN_VALUE) == 0;
}

/* The raw value made the attribute's kind, or an error "expected an integer, got a string". */
static int coerce(struct eval *e, const struct vp_node *node, const struct vp_expr *x, const struct vp_attr *a,
                  json_t **v)
{
    json_t *typed = NULL;
    struct vp_buf text = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    if (is_unknown(*v))
        return 0;
    switch (a->kind) {
    case VP_K_STRING:
        if (x->n_refs == 0) {
            char *s = vp_expr_text(x);          /* the text as written: 007 stays 007 */
            typed = json_string(s);
            free(s);
        } else if (!json_is_string(*v) && !json_is_array(*v) && !json_is_object(*v)) {
            append_text(e, node, &x->parts[0], *v, &text);
            typed = json_string(text.data);
            vp_buf_release(&text);
        }
        break;
    case VP_K_INT:
        if (json_is_real(*v) && json_real_value(*v) == (double)(json_int_t)json_real_value(*v))
            typed = json_integer((json_int_t)json_real_value(*v));
        break;
    default:
        break;
    }
    if (typed) {
        json_decref(*v);
        *v = typed;
    }
    if ((a->kind == VP_K_STRING && json_is_string(*v)) || (a->kind == VP_K_INT && json_is_integer(*v)) ||
        (a->kind == VP_K_BOOL && json_is_boolean(*v)) || (a->kind == VP_K_LIST && json_is_array(*v)) ||
        ((a->kind == VP_K_MAP || a->kind == VP_K_OBJECT) && json_is_object(*v)) || a->kind == VP_K_JSON)
        return 0;
    fail_at(e, node->pos, "expected %s, got %s", vp_kind_expected(a->kind), vp_json_look(*v));
    json_decref(*v);
    *v = NULL;
    return -1;
}

static int eval_scalar(struct eval *e, const struct vp_node *node, const struct vp_attr *a, json_t **out)
{
    struct vp_expr x;
    int rc;

    *out = NULL;
    if (vp_expr_parse(node, &x, e->err) < 0)
        return -1;
    rc = eval_scalar_raw(e, node, &x, out);
    if (rc == 0 && is_unknown(*out))
        *e->unknown = true;
    if (rc == 0 && a)
        rc = coerce(e, node, &x, a, out);
    vp_expr_release(&x);
    return rc;
}

static int eval_node(struct eval *e, const struct vp_node *node, const struct vp_attr *a, json_t **out);

static int eval_seq(struct eval *e, const struct vp_node *node, const struct vp_attr *a, json_t **out)
{
    struct vp_attr elem;

    if (a)
        vp_schema_elem(a, &elem);
    *out = json_array();
    for (size_t i = 0; i < node->n; i++) {
        json_t *v;
        if (eval_node(e, node->items[i], a ? &elem : NULL, &v) < 0) {
            json_decref(*out);
            *out = NULL;
            return -1;
        }
        json_array_append_new(*out, v);
    }
    return 0;
}

static int eval_map(struct eval *e, const struct vp_node *node, const struct vp_attr *a, json_t **out)
{
    struct vp_attr elem;

    if (a && a->kind == VP_K_MAP)
        vp_schema_elem(a, &elem);
    *out = json_object();
    for (size_t i = 0; i < node->n; i++) {
        const char *key = node->pairs[i].key->scalar;
        const struct vp_attr *field = NULL;
        json_t *v;

        if (a && a->kind == VP_K_MAP)
            field = &elem;
        else if (a && a->kind == VP_K_OBJECT)
            field = vp_schema_attr(a->fields, key);
        if (eval_node(e, node->pairs[i].value, field, &v) < 0) {
            json_decref(*out);
            *out = NULL;
            return -1;
        }
        json_object_set_new(*out, key, v);
    }
    return 0;
}

static int eval_node(struct eval *e, const struct vp_node *node, const struct vp_attr *a, json_t **out)
{
    if (a && a->kind == VP_K_JSON)
        a = NULL;                           /* any value, by its look */
    switch (node->kind) {
    case VP_NODE_NULL:
        *out = json_null();
        return 0;
    case VP_NODE_SCALAR:
        return eval_scalar(e, node, a, out);
    case VP_NODE_SEQ:
        if (a && a->kind != VP_K_LIST)
            break;
        return eval_seq(e, node, a, out);
    case VP_NODE_MAP:
        if (a && a->kind != VP_K_MAP && a->kind != VP_K_OBJECT)
            break;
        return eval_map(e, node, a, out);
    }
    *out = NULL;
    return fail_at(e, node->pos, "expected %s, got %s", vp_kind_expected(a->kind), vp_node_look(node));
}

int vp_spec_eval(const struct vp_spec *spec, const struct vp_node *node, const struct vp_attr *attr,
                 vp_ref_fn *resolve, void *ctx, json_t **out, bool *unknown, struct vp_err *err)
{
    struct eval e = { spec, resolve, ctx, unknown, err };

    *unknown = false;
    return eval_node(&e, node, attr, out);
}
