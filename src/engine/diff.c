/* diff.c: what differs between two attribute objects, path by path. Lists compare element by element when
 * their lengths match (so one changed field names its index) and whole otherwise; maps key by key. */
#include "engine/diff.h"

#include <stdio.h>
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

bool vp_json_same(const json_t *a, const json_t *b)
{
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

static void diff_value(const struct vp_attr *attr, const char *path, const json_t *want, const json_t *have,
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

size_t vp_diff(const struct vp_attr *attrs, const json_t *want, const json_t *have, bool skip_local,
               json_t *changed, json_t *replace)
{
    struct diff_out out = { changed, replace, 0 };

    for (const struct vp_attr *a = attrs; a->name; a++) {
        if (a->on_change == VP_COMPUTED || (skip_local && a->local))
            continue;
        diff_value(a, a->name, json_object_get(want, a->name), json_object_get(have, a->name),
                   a->on_change == VP_REPLACE, &out);
    }
    return out.count;
}
