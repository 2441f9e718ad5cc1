/* event_pattern_check.c: what PutRule refuses in an event pattern (InvalidEventPatternException), with the
 * reasons aws/event-ruler's rule compiler gives, each followed by the path of the offending value. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "local/event_pattern.h"

#define PATH_MAX_LEN 400

struct check {
    char path[PATH_MAX_LEN];        /* "detail.status[1]" */
    size_t len;
    struct vp_err *err;
};

/* Names refused inside a "$or" sub-pattern: the operators and words event-ruler reserves. */
static const char *const reserved_in_or[] = {
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
    "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after",
    "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
    "ip-address-not-in-range", NULL,
};

static int refuse(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct check *c, const char *fmt, ...)
{
    char reason[300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    vp_fail(c->err, VP_E_SPEC, "Event pattern is not valid. Reason: %s at %s", reason,
            c->len ? c->path : "the top level");
    snprintf(c->err->aws_code, sizeof(c->err->aws_code), "%s", "InvalidEventPatternException");
    return -1;
}

/* Appends ".name" (or "name" at the start) or "[i]" to the path; returns the length to restore. */
static size_t push_name(struct check *c, const char *name)
{
    size_t before = c->len;
    int n = snprintf(c->path + c->len, sizeof(c->path) - c->len, "%s%s", c->len ? "." : "", name);

    if (n > 0)
        c->len = c->len + (size_t)n < sizeof(c->path) ? c->len + (size_t)n : sizeof(c->path) - 1;
    return before;
}

static size_t push_index(struct check *c, size_t i)
{
    size_t before = c->len;
    int n = snprintf(c->path + c->len, sizeof(c->path) - c->len, "[%zu]", i);

    if (n > 0)
        c->len = c->len + (size_t)n < sizeof(c->path) ? c->len + (size_t)n : sizeof(c->path) - 1;
    return before;
}

static void pop(struct check *c, size_t len)
{
    c->len = len;
    c->path[len] = '\0';
}

static bool is_reserved_in_or(const char *name)
{
    for (size_t i = 0; reserved_in_or[i]; i++)
        if (strcmp(reserved_in_or[i], name) == 0)
            return true;
    return false;
}

/* ---- leaf values ---- */

/* A number a pattern may compare numerically. */
static int check_number(struct check *c, const json_t *v)
{
    long long scaled;

    if (!json_is_number(v))
        return refuse(c, "%s", "Value of numeric comparison must be numeric");
    if (vp_ep_number_scaled(json_number_value(v), &scaled) < 0)
        return refuse(c, "%s", "Value must be between -5.0E9 and 5.0E9, inclusive");
    if (!vp_ep_number_has_6_decimals(json_number_value(v)))
        return refuse(c, "%s", "Only values upto 6 decimals are supported");
    return 0;
}

static int check_wildcard(struct check *c, const json_t *v)
{
    const char *why;
    size_t pos;

    if (!json_is_string(v))
        return refuse(c, "%s", "wildcard match pattern must be a string");
    if ((why = vp_ep_wildcard_invalid(json_string_value(v), &pos)))
        return refuse(c, "%s at pos %zu", why, pos);
    return 0;
}

/* {"numeric": [op, n]} or [">"|">=", n, "<"|"<=", m] */
static int check_numeric(struct check *c, const json_t *range)
{
    const char *op, *op2;
    size_t n = json_array_size(range);

    if (!json_is_array(range))
        return refuse(c, "%s", "Value of numeric must be an array.");
    if (n < 2 || !json_is_string(json_array_get(range, 0)))
        return refuse(c, "%s", "Invalid member in numeric match");
    op = json_string_value(json_array_get(range, 0));
    if (strcmp(op, "=") && strcmp(op, "<") && strcmp(op, "<=") && strcmp(op, ">") && strcmp(op, ">="))
        return refuse(c, "Unrecognized numeric range operator: %s", op);
    if (check_number(c, json_array_get(range, 1)) < 0)
        return -1;
    if (n == 2)
        return 0;
    if (op[0] != '>')
        return refuse(c, "%s", "Too many elements in numeric expression");
    if (n != 4)
        return refuse(c, "%s", "Too many terms in numeric range expression");
    if (!json_is_string(json_array_get(range, 2)))
        return refuse(c, "%s", "Bad value in numeric range");
    op2 = json_string_value(json_array_get(range, 2));
    if (strcmp(op2, "<") && strcmp(op2, "<="))
        return refuse(c, "Bad numeric range operator: %s", op2);
    if (check_number(c, json_array_get(range, 3)) < 0)
        return -1;
    if (json_number_value(json_array_get(range, 1)) >= json_number_value(json_array_get(range, 3)))
        return refuse(c, "%s", "Bottom must be less than top");
    return 0;
}

/* {"prefix"|"suffix": {"equals-ignore-case": "s"}} */
static int check_ignore_case_form(struct check *c, const char *op, const json_t *v)
{
    const char *key;
    json_t *inner;

    if (json_object_size(v) != 1) {
        return json_object_size(v) == 0 ? refuse(c, "%s expression name not found", op)
                                         : refuse(c, "%s", "Only one key allowed in match expression");
    }
    json_object_foreach((json_t *)v, key, inner) {
        if (strcmp(key, "equals-ignore-case") != 0)
            return refuse(c, "Unsupported %s pattern: %s", op, key);
        if (!json_is_string(inner))
            return refuse(c, "%s", "equals-ignore-case match pattern must be a string");
    }
    return 0;
}

/* One string (or each string of a list) under anything-but's prefix/suffix/equals-ignore-case/wildcard. */
static int check_anything_but_text(struct check *c, const char *op, const json_t *v)
{
    if (json_is_string(v)) {
        if ((!strcmp(op, "prefix") || !strcmp(op, "suffix")) && json_string_length(v) == 0)
            return refuse(c, "%s", "Null prefix/suffix not allowed");
        return strcmp(op, "wildcard") == 0 ? check_wildcard(c, v) : 0;
    }
    if (strcmp(op, "equals-ignore-case") == 0)
        return refuse(c, "%s", "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.");
    if (strcmp(op, "wildcard") == 0)
        return refuse(c, "%s", "wildcard match pattern must be a string");
    return refuse(c, "%s", "prefix/suffix match pattern must be a string");
}

static int check_anything_but(struct check *c, const json_t *v)
{
    size_t i, strings = 0, numbers = 0;
    const json_t *item;

    if (json_is_object(v)) {
        const char *op;
        json_t *inner;

        if (json_object_size(v) != 1)
            return json_object_size(v) == 0 ? refuse(c, "%s", "Anything-But expression name not found")
                                             : refuse(c, "%s", "Only one key allowed in match expression");
        json_object_foreach((json_t *)v, op, inner) {
            if (strcmp(op, "prefix") && strcmp(op, "suffix") && strcmp(op, "equals-ignore-case") &&
                strcmp(op, "wildcard"))
                return refuse(c, "Unsupported anything-but pattern: %s", op);
            if (!json_is_array(inner))
                return check_anything_but_text(c, op, inner);
            json_array_foreach(inner, i, item)
                if (check_anything_but_text(c, op, item) < 0)
                    return -1;
        }
        return 0;
    }
    if (json_is_string(v))
        return 0;
    if (json_is_number(v))
        return check_number(c, v);
    if (!json_is_array(v))
        return refuse(c, "%s", "Value of anything-but must be an array or single string/number value.");
    json_array_foreach(v, i, item) {
        if (json_is_string(item)) {
            strings++;
        } else if (json_is_number(item)) {
            if (check_number(c, item) < 0)
                return -1;
            numbers++;
        } else {
            return refuse(c, "%s", "Inside anything but list, start|null|boolean is not supported.");
        }
    }
    if ((strings && numbers) || (!strings && !numbers))
        return refuse(c, "%s", "Inside anything but list, either all values are number or string, mixed type is not supported");
    return 0;
}

/* One {operator: operand} alternative. */
static int check_operator(struct check *c, const json_t *expr)
{
    const char *op;
    json_t *v;

    if (json_object_size(expr) == 0)
        return refuse(c, "%s", "Match expression name not found");
    if (json_object_size(expr) > 1)
        return refuse(c, "%s", "Only one key allowed in match expression");
    json_object_foreach((json_t *)expr, op, v) {
        if (!strcmp(op, "prefix") || !strcmp(op, "suffix")) {
            if (json_is_object(v))
                return check_ignore_case_form(c, op, v);
            if (!json_is_string(v))
                return refuse(c, "%s match pattern must be a string", op);
        } else if (!strcmp(op, "equals-ignore-case")) {
            if (!json_is_string(v))
                return refuse(c, "%s", "equals-ignore-case match pattern must be a string");
        } else if (!strcmp(op, "wildcard")) {
            return check_wildcard(c, v);
        } else if (!strcmp(op, "numeric")) {
            return check_numeric(c, v);
        } else if (!strcmp(op, "anything-but")) {
            return check_anything_but(c, v);
        } else if (!strcmp(op, "exists")) {
            if (!json_is_boolean(v))
                return refuse(c, "%s", "exists match pattern must be either true or false.");
        } else if (!strcmp(op, "cidr")) {
            struct vp_ep_cidr block;
            const char *why = "prefix match pattern must be a string";

            if (!json_is_string(v) || vp_ep_cidr_parse(json_string_value(v), &block, &why) < 0)
                return refuse(c, "%s", why);
        } else {
            return refuse(c, "Unrecognized match type %s", op);
        }
    }
    return 0;
}

/* A field's list of alternatives. */
static int check_alternatives(struct check *c, const json_t *list)
{
    size_t i;
    const json_t *item;

    if (json_array_size(list) == 0)
        return refuse(c, "%s", "Empty arrays are not allowed");
    json_array_foreach(list, i, item) {
        size_t back = push_index(c, i);
        int ret = 0;

        if (json_is_object(item))
            ret = check_operator(c, item);
        else if (json_is_array(item))
            ret = refuse(c, "%s", "Match value must be String, number, true, false, or null");
        if (ret < 0)
            return -1;
        pop(c, back);
    }
    return 0;
}

/* ---- structure ---- */

static int check_object(struct check *c, const json_t *obj, bool inside_or);

static int check_or(struct check *c, const json_t *branches)
{
    size_t i;
    const json_t *branch;

    if (!json_is_array(branches))
        return refuse(c, "%s", "It must be an Array followed with $or.");
    json_array_foreach(branches, i, branch) {
        size_t back = push_index(c, i);

        if (!json_is_object(branch))
            return refuse(c, "%s", "Only JSON object is allowed in array of $or relationship.");
        if (check_object(c, branch, true) < 0)
            return -1;
        pop(c, back);
    }
    if (json_array_size(branches) < 2)
        return refuse(c, "%s", "There must have at least 2 Objects in $or relationship.");
    return 0;
}

static int check_object(struct check *c, const json_t *obj, bool inside_or)
{
    const char *name;
    json_t *v;

    if (json_object_size(obj) == 0)
        return refuse(c, "%s", "Empty objects are not allowed");
    json_object_foreach((json_t *)obj, name, v) {
        size_t back = push_name(c, name);
        int ret;

        if (strcmp(name, "$or") == 0)
            ret = check_or(c, v);
        else if (inside_or && is_reserved_in_or(name))
            ret = refuse(c, "%s is Ruler reserved fieldName which cannot be used inside $or.", name);
        else if (json_is_object(v))
            ret = check_object(c, v, inside_or);
        else if (json_is_array(v))
            ret = check_alternatives(c, v);
        else
            ret = refuse(c, "\"%s\" must be an object or an array", name);
        if (ret < 0)
            return -1;
        pop(c, back);
    }
    return 0;
}

int vp_event_pattern_check(const json_t *pattern, struct vp_err *err)
{
    struct check c = { .path = "", .len = 0, .err = err };

    if (!json_is_object(pattern))
        return refuse(&c, "%s", "Filter is not an object");
    return check_object(&c, pattern, false);
}
