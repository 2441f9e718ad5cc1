/* literal.c: scalars by their look (YAML 1.2's core schema, as far as a spec needs it), and the words
 * messages use for kinds of values. */
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec_internal.h"

bool vp_text_int(const char *s, json_int_t *v)
{
    const char *p = s + (*s == '-' || *s == '+');
    char *end;
    long long n;

    if (!*p || strspn(p, "0123456789") != strlen(p))
        return false;
    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno == ERANGE || *end)
        return false;
    *v = (json_int_t)n;
    return true;
}

bool vp_text_real(const char *s, double *v)
{
    char *end;
    double d;

    if (!*s || strspn(s, "0123456789.eE+-") != strlen(s) || !strpbrk(s, "0123456789"))
        return false;
    errno = 0;
    d = strtod(s, &end);
    if (errno == ERANGE || *end || !isfinite(d))
        return false;
    *v = d;
    return true;
}

bool vp_text_bool(const char *s, bool *v)
{
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
        *v = true;
    else if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
        *v = false;
    else
        return false;
    return true;
}

static json_t *scalar_literal(const struct vp_node *n)
{
    json_int_t i;
    double d;
    bool b;

    if (n->plain && vp_text_int(n->scalar, &i))
        return json_integer(i);
    if (n->plain && vp_text_real(n->scalar, &d))
        return json_real(d);
    if (n->plain && vp_text_bool(n->scalar, &b))
        return json_boolean(b);
    return json_string(n->scalar);
}

json_t *vp_node_literal(const struct vp_node *n)
{
    json_t *v;

    switch (n->kind) {
    case VP_NODE_NULL:
        return json_null();
    case VP_NODE_SCALAR:
        return scalar_literal(n);
    case VP_NODE_SEQ:
        v = json_array();
        for (size_t i = 0; i < n->n; i++)
            json_array_append_new(v, vp_node_literal(n->items[i]));
        return v;
    case VP_NODE_MAP:
        v = json_object();
        for (size_t i = 0; i < n->n; i++)
            json_object_set_new(v, n->pairs[i].key->scalar, vp_node_literal(n->pairs[i].value));
        return v;
    }
    return json_null();
}

const char *vp_json_look(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a bool";
    case JSON_ARRAY: return "a list";
    case JSON_OBJECT: return "a mapping";
    case JSON_NULL: return "null";
    }
    return "a value";
}

const char *vp_node_look(const struct vp_node *n)
{
    json_t *v = n->kind == VP_NODE_SCALAR ? scalar_literal(n) : NULL;
    const char *look;

    switch (n->kind) {
    case VP_NODE_NULL: return "null";
    case VP_NODE_SEQ: return "a list";
    case VP_NODE_MAP: return "a mapping";
    case VP_NODE_SCALAR: break;
    }
    look = vp_json_look(v);
    json_decref(v);
    return look;
}

const char *vp_kind_expected(enum vp_kind kind)
{
    switch (kind) {
    case VP_K_STRING: return "a string";
    case VP_K_INT: return "an integer";
    case VP_K_BOOL: return "a bool (true or false)";
    case VP_K_LIST: return "a list";
    case VP_K_MAP:
    case VP_K_OBJECT: return "a mapping";
    case VP_K_JSON: return "a value";
    }
    return "a value";
}

bool vp_matches(const char *pattern, const char *s)
{
    regex_t re;
    bool ok;

    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}
