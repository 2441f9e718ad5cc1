/* diff.c: what differs between two attribute objects, path by path. Lists compare element by element when
 * their lengths match (so one changed field names its index) and whole otherwise; maps key by key. */
#include "engine/diff.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "spec/spec.h"

bool vp_json_has_unknown(const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_string(v))
        return strcmp(json_string_value(v), VP_UNKNOWN_VALUE) == 0;
    if (json_is_array(v)) {
        json_array_foreach(v, i, item)
            if (vp_json_has_unknown(item))
                return true;
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, item)
            if (vp_json_has_unknown(item))
                return true;
    }
    return false;
}

static bool is_digest(const json_t *v);

/* A string and a digest in its place (a sensitive value as state keeps it) are the same value. */
static bool same_through_digest(const json_t *a, const json_t *b)
{
    const json_t *digest = is_digest(a) ? a : b, *plain = digest == a ? b : a;
    char *d;
    bool same;

    if (!is_digest(digest) || is_digest(plain) || !json_is_string(plain))
        return false;
    d = vp_json_digest(plain);
    same = strcmp(d, json_string_value(digest)) == 0;
    free(d);
    return same;
}

bool vp_json_same(const json_t *a, const json_t *b)
{
    if (!a && !b)
        return true;
    if (json_is_string(a) && json_is_string(b) && strcmp(json_string_value(a), json_string_value(b)) != 0)
        return same_through_digest(a, b);
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_is_null(a) && !b)
        return true;
    if (!a && json_is_null(b))
        return true;
    if (!a || !b)
        return false;
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!vp_json_same(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    }
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *v;
        if (json_object_size(a) != json_object_size(b))
            return false;
        json_object_foreach((json_t *)a, key, v)
            if (!vp_json_same(v, json_object_get(b, key)))
                return false;
        return true;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

struct diff_out {
    json_t *changed, *replace;
    size_t count;
};

static void record(struct diff_out *out, const char *path, bool forces_replace)
{
    json_array_append_new(out->changed, json_string(path));
    if (forces_replace && out->replace)
        json_array_append_new(out->replace, json_string(path));
    out->count++;
}

static void diff_value(const struct vp_attr *attr, const char *path, const json_t *want, const json_t *have,
                       bool forces_replace, struct diff_out *out);

static void diff_fields(const struct vp_attr *fields, const char *path, const json_t *want, const json_t *have,
                        bool forces_replace, struct diff_out *out)
{
    for (const struct vp_attr *f = fields; f->name; f++) {
        char *sub = vp_xasprintf("%s.%s", path, f->name);
        diff_value(f, sub, json_object_get(want, f->name), json_object_get(have, f->name),
                   forces_replace || f->on_change == VP_REPLACE, out);
        free(sub);
    }
}

static void diff_map(const struct vp_attr *attr, const char *path, const json_t *want, const json_t *have,
                     bool forces_replace, struct diff_out *out)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)want, key, v) {
        char *sub = vp_xasprintf("%s.%s", path, key);
        if (attr->fields)
            diff_fields(attr->fields, sub, v, json_object_get(have, key), forces_replace, out);
        else if (!vp_json_same(v, json_object_get(have, key)) || vp_json_has_unknown(v))
            record(out, sub, forces_replace);
        free(sub);
    }
    json_object_foreach((json_t *)have, key, v) {
        if (!json_object_get(want, key)) {
            char *sub = vp_xasprintf("%s.%s", path, key);
            record(out, sub, forces_replace);
            free(sub);
        }
    }
}

/* Lists of named things (indexes by name, lifecycle rules by id) are sets: AWS does not promise their order.
 * Their key is the first field when it is called name or id. */
static const char *list_key(const struct vp_attr *attr)
{
    const struct vp_attr *f = attr->fields;
    return f && f->kind == VP_K_STRING && (strcmp(f->name, "name") == 0 || strcmp(f->name, "id") == 0) ? f->name : NULL;
}

/* A copy of have in want's order, matched by key; items want does not name keep their order at the end. */
static json_t *align_by_key(const char *key, const json_t *want, const json_t *have)
{
    json_t *aligned = json_array(), *rest = json_deep_copy(have), *w;
    size_t i, j;

    json_array_foreach(want, i, w) {
        json_t *k = json_object_get(w, key);
        for (j = 0; k && j < json_array_size(rest); j++) {
            if (vp_json_same(k, json_object_get(json_array_get(rest, j), key))) {
                json_array_append(aligned, json_array_get(rest, j));
                json_array_remove(rest, j);
                break;
            }
        }
    }
    json_array_extend(aligned, rest);
    json_decref(rest);
    return aligned;
}

static void diff_in_order(const struct vp_attr *attr, const char *path, const json_t *want, const json_t *have,
                          bool forces_replace, struct diff_out *out);

static void diff_value(const struct vp_attr *attr, const char *path, const json_t *want, const json_t *have,
                       bool forces_replace, struct diff_out *out)
{
    json_t *aligned;

    if (!(attr->kind == VP_K_LIST && list_key(attr) && json_is_array(want) && json_is_array(have))) {
        diff_in_order(attr, path, want, have, forces_replace, out);
        return;
    }
    aligned = align_by_key(list_key(attr), want, have);
    diff_in_order(attr, path, want, aligned, forces_replace, out);
    json_decref(aligned);
}

static void diff_in_order(const struct vp_attr *attr, const char *path, const json_t *want, const json_t *have,
                          bool forces_replace, struct diff_out *out)
{
    if (vp_json_has_unknown(want)) {
        record(out, path, forces_replace);
        return;
    }
    if (attr->kind == VP_K_OBJECT && attr->fields && json_is_object(want) && json_is_object(have)) {
        diff_fields(attr->fields, path, want, have, forces_replace, out);
    } else if (attr->kind == VP_K_MAP && json_is_object(want) && json_is_object(have)) {
        diff_map(attr, path, want, have, forces_replace, out);
    } else if (attr->kind == VP_K_LIST && attr->fields && json_is_array(want) && json_is_array(have) &&
               json_array_size(want) == json_array_size(have)) {
        for (size_t i = 0; i < json_array_size(want); i++) {
            char *sub = vp_xasprintf("%s[%zu]", path, i);
            diff_fields(attr->fields, sub, json_array_get(want, i), json_array_get(have, i), forces_replace, out);
            free(sub);
        }
    } else if (!vp_json_same(want, have)) {
        record(out, path, forces_replace);
    }
}

char *vp_json_digest(const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    unsigned char md[SHA256_DIGEST_LENGTH];
    char *out = vp_xmalloc(7 + 2 * SHA256_DIGEST_LENGTH + 1);

    SHA256((const unsigned char *)(text ? text : "null"), text ? strlen(text) : 4, md);
    memcpy(out, "sha256:", 7);
    for (size_t i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
    free(text);
    return out;
}

static bool is_digest(const json_t *v)
{
    return json_is_string(v) && strncmp(json_string_value(v), "sha256:", 7) == 0;
}

json_t *vp_json_scrub(const struct vp_attr *attrs, const json_t *attributes)
{
    json_t *copy = json_deep_copy(attributes);

    for (const struct vp_attr *a = attrs; a->name; a++) {
        json_t *v = json_object_get(copy, a->name);
        if (a->sensitive && v && !json_is_null(v) && !is_digest(v)) {
            char *d = vp_json_digest(v);
            json_object_set_new(copy, a->name, json_string(d));
            free(d);
        }
    }
    return copy;
}

static bool holds_secret(const char *s, const json_t *secrets)
{
    const json_t *secret;
    size_t i;

    json_array_foreach(secrets, i, secret)
        if (json_string_length(secret) > 0 && strstr(s, json_string_value(secret)))
            return true;
    return false;
}

json_t *vp_json_hide_secrets(const json_t *v, const json_t *secrets, bool digest)
{
    const char *key;
    json_t *item, *out;
    size_t i;

    if (!v)
        return NULL;
    if (json_is_string(v) && json_array_size(secrets) && holds_secret(json_string_value(v), secrets)) {
        char *d = digest ? vp_json_digest(v) : NULL;
        out = json_string(d ? d : "(sensitive)");
        free(d);
        return out;
    }
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach(v, i, item)
            json_array_append_new(out, vp_json_hide_secrets(item, secrets, digest));
        return out;
    }
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach((json_t *)v, key, item)
            json_object_set_new(out, key, vp_json_hide_secrets(item, secrets, digest));
        return out;
    }
    return json_deep_copy(v);
}

/* A sensitive value recorded in state is its digest: compare digests then. */
static void diff_sensitive(const struct vp_attr *a, const json_t *want, const json_t *have, struct diff_out *out)
{
    char *w = is_digest(want) ? vp_xstrdup(json_string_value(want)) : vp_json_digest(want);
    char *h = is_digest(have) ? vp_xstrdup(json_string_value(have)) : vp_json_digest(have);

    if (vp_json_has_unknown(want) || strcmp(w, h) != 0)
        record(out, a->name, a->on_change == VP_REPLACE);
    free(w);
    free(h);
}

size_t vp_diff(const struct vp_attr *attrs, const json_t *want, const json_t *have, bool skip_local,
               json_t *changed, json_t *replace)
{
    struct diff_out out = { changed, replace, 0 };

    for (const struct vp_attr *a = attrs; a->name; a++) {
        if (a->on_change == VP_COMPUTED || (skip_local && a->local))
            continue;
        if (a->sensitive && (is_digest(json_object_get(want, a->name)) || is_digest(json_object_get(have, a->name)))) {
            diff_sensitive(a, json_object_get(want, a->name), json_object_get(have, a->name), &out);
            continue;
        }
        diff_value(a, a->name, json_object_get(want, a->name), json_object_get(have, a->name),
                   a->on_change == VP_REPLACE, &out);
    }
    return out.count;
}
