/* event_pattern.c: matching an event against a checked event pattern (see event_pattern.h for the rules),
 * and the value helpers the checker shares: numbers, wildcards, IP addresses and case folding. */
#include "local/event_pattern.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* ---- numbers: millionths within +-5e9, as EventBridge compares them ---- */

int vp_ep_number_scaled(double d, long long *out)
{
    if (!(d >= -VP_EP_NUMBER_LIMIT && d <= VP_EP_NUMBER_LIMIT))     /* NaN too */
        return -1;
    *out = llround(d * 1e6);
    return 0;
}

bool vp_ep_number_has_6_decimals(double d)
{
    double scaled = d * 1e6;

    /* a double near 5e15 cannot hold a 7th decimal anyway: allow its own rounding error */
    return fabs(scaled - round(scaled)) <= 1e-3 + fabs(scaled) * 2.5e-16;
}

/* A number EventBridge can compare: within the range, at most 6 decimals. */
static bool comparable(const json_t *v, long long *scaled)
{
    return json_is_number(v) && vp_ep_number_scaled(json_number_value(v), scaled) == 0 &&
           vp_ep_number_has_6_decimals(json_number_value(v));
}

static bool numbers_equal(const json_t *a, const json_t *b)
{
    long long x, y;

    if (json_is_integer(a) && json_is_integer(b))
        return json_integer_value(a) == json_integer_value(b);
    if (comparable(a, &x) && comparable(b, &y))
        return x == y;
    return json_number_value(a) == json_number_value(b);
}

/* {"numeric": [op, n(, op2, m)]} against a number. */
static bool in_numeric_range(const json_t *range, const json_t *value)
{
    long long v, bound;

    if (!comparable(value, &v))
        return false;
    for (size_t i = 0; i + 1 < json_array_size(range); i += 2) {
        const char *op = json_string_value(json_array_get(range, i));

        if (!op || vp_ep_number_scaled(json_number_value(json_array_get(range, i + 1)), &bound) < 0)
            return false;
        if ((!strcmp(op, "=") && v != bound) || (!strcmp(op, "<") && !(v < bound)) ||
            (!strcmp(op, "<=") && !(v <= bound)) || (!strcmp(op, ">") && !(v > bound)) ||
            (!strcmp(op, ">=") && !(v >= bound)))
            return false;
    }
    return true;
}

/* ---- wildcards: '*' any run of bytes, "\*" and "\\" literal ---- */

const char *vp_ep_wildcard_invalid(const char *wildcard, size_t *pos)
{
    for (size_t i = 0; wildcard[i]; i++) {
        *pos = i;
        if (wildcard[i] == '*' && wildcard[i + 1] == '*')
            return "Consecutive wildcard characters";
        if (wildcard[i] == '\\') {
            if (wildcard[i + 1] != '*' && wildcard[i + 1] != '\\')
                return "Invalid escape character";
            i++;
        }
    }
    return NULL;
}

bool vp_ep_wildcard_match(const char *w, const char *s, size_t n)
{
    size_t pi = 0, si = 0, star_pi = 0, star_si = 0;
    bool have_star = false;

    while (si < n) {
        if (w[pi] == '*') {
            have_star = true;
            star_pi = ++pi;
            star_si = si;
            continue;
        }
        if (w[pi]) {
            bool escaped = w[pi] == '\\' && (w[pi + 1] == '*' || w[pi + 1] == '\\');
            char c = escaped ? w[pi + 1] : w[pi];

            if (c == s[si]) {
                pi += escaped ? 2 : 1;
                si++;
                continue;
            }
        }
        if (!have_star)
            return false;
        pi = star_pi;           /* let the last star swallow one more byte */
        si = ++star_si;
    }
    while (w[pi] == '*')
        pi++;
    return w[pi] == '\0';
}

/* ---- IP addresses and CIDR blocks ---- */

int vp_ep_ip_parse(const char *text, size_t len, struct vp_ep_cidr *out)
{
    char buf[64];
    unsigned char v4[4];

    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    memset(out, 0, sizeof(*out));
    out->bits = 128;
    if (inet_pton(AF_INET, buf, v4) == 1) {
        out->addr[10] = out->addr[11] = 0xff;
        memcpy(out->addr + 12, v4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, buf, out->addr) == 1 ? 0 : -1;
}

int vp_ep_cidr_parse(const char *text, struct vp_ep_cidr *out, const char **why)
{
    const char *slash = strchr(text, '/');
    bool v4;
    long bits;
    char *end;

    if (!slash || strchr(slash + 1, '/')) {
        *why = "Malformed CIDR, one '/' required";
        return -1;
    }
    if (vp_ep_ip_parse(text, (size_t)(slash - text), out) < 0) {
        *why = "Malformed CIDR, invalid IP address";
        return -1;
    }
    v4 = strchr(text, ':') == NULL || (size_t)(strchr(text, ':') - text) > (size_t)(slash - text);
    bits = slash[1] >= '0' && slash[1] <= '9' ? strtol(slash + 1, &end, 10) : -1;
    if (bits < 0 || *end != '\0' || bits > (v4 ? 32 : 128)) {
        *why = "Malformed CIDR, mask bits must be an integer within the address's size";
        return -1;
    }
    out->bits = (int)bits + (v4 ? 96 : 0);
    return 0;
}

static bool cidr_contains(const struct vp_ep_cidr *block, const struct vp_ep_cidr *ip)
{
    int full = block->bits / 8, rest = block->bits % 8;

    if (memcmp(block->addr, ip->addr, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((block->addr[full] ^ ip->addr[full]) & (0xff00 >> rest) & 0xff) == 0;
}

/* Two strings that both are IP addresses compare as addresses ("::1" and "0:0:0:0:0:0:0:1" are one). */
static bool same_ip(const json_t *a, const json_t *b)
{
    struct vp_ep_cidr x, y;

    return vp_ep_ip_parse(json_string_value(a), json_string_length(a), &x) == 0 &&
           vp_ep_ip_parse(json_string_value(b), json_string_length(b), &y) == 0 &&
           memcmp(x.addr, y.addr, sizeof(x.addr)) == 0;
}

/* ---- strings ---- */

static bool has_prefix(const json_t *v, const char *p)
{
    size_t n = strlen(p);

    return json_string_length(v) >= n && memcmp(json_string_value(v), p, n) == 0;
}

static bool has_suffix(const json_t *v, const char *p)
{
    size_t n = strlen(p), len = json_string_length(v);

    return len >= n && memcmp(json_string_value(v) + len - n, p, n) == 0;
}

/* Lower case for ASCII, Latin-1, Greek and Cyrillic letters. */
static uint32_t fold(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
        (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) || (cp >= 0x410 && cp <= 0x42f))
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40f)
        return cp + 0x50;
    return cp;
}

/* The folded code points of s (a byte that does not start a valid sequence stands for itself, marked). */
static size_t fold_text(const char *s, size_t n, uint32_t **out)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t *cps = vp_xmalloc((n + 1) * sizeof(*cps));
    size_t count = 0;

    for (size_t i = 0; i < n;) {
        size_t len = u[i] < 0x80 ? 1 : (u[i] & 0xe0) == 0xc0 ? 2 : (u[i] & 0xf0) == 0xe0 ? 3 : (u[i] & 0xf8) == 0xf0 ? 4 : 0;
        uint32_t cp = len == 1 ? u[i] : len == 2 ? u[i] & 0x1f : len == 3 ? u[i] & 0x0f : u[i] & 0x07;

        for (size_t k = 1; len && k < len; k++) {
            if (i + k >= n || (u[i + k] & 0xc0) != 0x80) {
                len = 0;
                break;
            }
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        if (len == 0) {
            cps[count++] = 0x80000000u | u[i];
            i++;
        } else {
            cps[count++] = fold(cp);
            i += len;
        }
    }
    *out = cps;
    return count;
}

enum text_op { TEXT_EQUALS, TEXT_PREFIX, TEXT_SUFFIX };

static bool ignore_case(const json_t *v, const char *pattern, enum text_op op)
{
    uint32_t *a, *b;
    size_t na = fold_text(json_string_value(v), json_string_length(v), &a);
    size_t nb = fold_text(pattern, strlen(pattern), &b);
    bool ok = op == TEXT_EQUALS ? na == nb && memcmp(a, b, na * sizeof(*a)) == 0
            : op == TEXT_PREFIX ? na >= nb && memcmp(a, b, nb * sizeof(*a)) == 0
                                : na >= nb && memcmp(a + na - nb, b, nb * sizeof(*a)) == 0;

    free(a);
    free(b);
    return ok;
}

/* prefix/suffix: a string, or {"equals-ignore-case": string}. */
static bool affix(const json_t *operand, const json_t *v, enum text_op op)
{
    if (json_is_object(operand))
        return ignore_case(v, json_string_value(json_object_get(operand, "equals-ignore-case")), op);
    return op == TEXT_PREFIX ? has_prefix(v, json_string_value(operand)) : has_suffix(v, json_string_value(operand));
}

/* ---- anything-but ---- */

static bool text_excluded(const char *op, const char *text, const json_t *v)
{
    if (!strcmp(op, "prefix"))
        return has_prefix(v, text);
    if (!strcmp(op, "suffix"))
        return has_suffix(v, text);
    if (!strcmp(op, "equals-ignore-case"))
        return ignore_case(v, text, TEXT_EQUALS);
    return vp_ep_wildcard_match(text, json_string_value(v), json_string_length(v));
}

static bool excluded_value(const json_t *x, const json_t *v)
{
    if (json_is_string(x))
        return json_is_string(v) && json_equal(x, v);
    return json_is_number(x) && json_is_number(v) && numbers_equal(x, v);
}

/* Whether anything-but's operand lets v through: only values of its own kind can be excluded. */
static bool anything_but(const json_t *operand, const json_t *v)
{
    size_t i;
    const json_t *item;

    if (json_is_object(operand)) {
        const char *op;
        json_t *texts;

        if (!json_is_string(v))
            return true;
        json_object_foreach((json_t *)operand, op, texts) {
            if (json_is_string(texts))
                return !text_excluded(op, json_string_value(texts), v);
            json_array_foreach(texts, i, item)
                if (text_excluded(op, json_string_value(item), v))
                    return false;
        }
        return true;
    }
    if (!json_is_array(operand))
        return !excluded_value(operand, v);
    json_array_foreach(operand, i, item)
        if (excluded_value(item, v))
            return false;
    return true;
}

/* ---- matching ---- */

/* One alternative (not "exists") against one leaf value. */
static bool alternative_matches(const json_t *alt, const json_t *v)
{
    const char *op;
    json_t *operand;

    if (json_is_string(alt))
        return json_is_string(v) && (json_equal(alt, v) || same_ip(alt, v));
    if (json_is_number(alt))
        return json_is_number(v) && numbers_equal(alt, v);
    if (!json_is_object(alt))
        return json_typeof(alt) == json_typeof(v);          /* true, false, null */
    json_object_foreach((json_t *)alt, op, operand) {
        if (!strcmp(op, "numeric"))
            return in_numeric_range(operand, v);
        if (!strcmp(op, "anything-but"))
            return anything_but(operand, v);
        if (!json_is_string(v))
            return false;
        if (!strcmp(op, "prefix"))
            return affix(operand, v, TEXT_PREFIX);
        if (!strcmp(op, "suffix"))
            return affix(operand, v, TEXT_SUFFIX);
        if (!strcmp(op, "equals-ignore-case"))
            return ignore_case(v, json_string_value(operand), TEXT_EQUALS);
        if (!strcmp(op, "wildcard"))
            return vp_ep_wildcard_match(json_string_value(operand), json_string_value(v), json_string_length(v));
        if (!strcmp(op, "cidr")) {
            struct vp_ep_cidr block, ip;
            const char *why;

            return vp_ep_cidr_parse(json_string_value(operand), &block, &why) == 0 &&
                   vp_ep_ip_parse(json_string_value(v), json_string_length(v), &ip) == 0 &&
                   cidr_contains(&block, &ip);
        }
    }
    return false;
}

/* Whether any leaf value of field (itself, or the scalars of an array, nested arrays flattened; objects are
 * not leaves) matches alt. NULL alt: whether there is a leaf value at all. */
static bool any_leaf(const json_t *field, const json_t *alt)
{
    size_t i;
    const json_t *item;

    if (!field || json_is_object(field))
        return false;
    if (!json_is_array(field))
        return !alt || alternative_matches(alt, field);
    json_array_foreach(field, i, item)
        if (any_leaf(item, alt))
            return true;
    return false;
}

static bool leaf_matches(const json_t *alternatives, const json_t *field)
{
    size_t i;
    const json_t *alt;

    json_array_foreach(alternatives, i, alt) {
        const json_t *exists = json_is_object(alt) ? json_object_get(alt, "exists") : NULL;

        if (exists ? any_leaf(field, NULL) == json_is_true(exists) : any_leaf(field, alt))
            return true;
    }
    return false;
}

static bool object_matches(const json_t *pattern, const json_t *event);

/* A sub-pattern against a field: an array matches when one element does (every condition inside the
 * sub-pattern then holds within that one element); an array holding no object counts as absent. */
static bool nested_matches(const json_t *pattern, const json_t *field)
{
    size_t i;
    const json_t *item;
    bool holds_object = false;

    if (!json_is_array(field))
        return object_matches(pattern, field);
    json_array_foreach(field, i, item) {
        if (json_is_object(item) || json_is_array(item)) {
            holds_object = holds_object || json_is_object(item);
            if (nested_matches(pattern, item))
                return true;
        }
    }
    return !holds_object && object_matches(pattern, NULL);
}

/* event may be NULL or not an object: every field is then absent. */
static bool object_matches(const json_t *pattern, const json_t *event)
{
    const char *name;
    json_t *want;

    json_object_foreach((json_t *)pattern, name, want) {
        const json_t *field = json_is_object(event) ? json_object_get(event, name) : NULL;
        bool ok = false;

        if (strcmp(name, "$or") == 0) {
            size_t i;
            const json_t *branch;

            json_array_foreach(want, i, branch)
                if ((ok = object_matches(branch, event)))
                    break;
        } else if (json_is_object(want)) {
            ok = nested_matches(want, field);
        } else {
            ok = leaf_matches(want, field);
        }
        if (!ok)
            return false;
    }
    return true;
}

bool vp_event_pattern_match(const json_t *pattern, const json_t *event)
{
    return json_is_object(pattern) && object_matches(pattern, event);
}
