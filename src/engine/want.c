/* want.c: from spec nodes to the JSON a provider takes: evaluation, defaults, default tags. */
#include "engine/want.h"

#include <string.h>

static json_t *parse_default(const char *text)
{
    return text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
}

static void defaults_into(const struct vp_attr *attr, json_t *value)
{
    size_t i;
    json_t *item;
    const char *key;

    if (!attr->fields)
        return;
    if (attr->kind == VP_K_OBJECT && json_is_object(value)) {
        vp_want_defaults(attr->fields, value);
    } else if (attr->kind == VP_K_LIST && json_is_array(value)) {
        json_array_foreach(value, i, item)
            if (json_is_object(item))
                vp_want_defaults(attr->fields, item);
    } else if (attr->kind == VP_K_MAP && json_is_object(value)) {
        json_object_foreach(value, key, item)
            if (json_is_object(item))
                vp_want_defaults(attr->fields, item);
    }
}

void vp_want_defaults(const struct vp_attr *attrs, json_t *obj)
{
    for (const struct vp_attr *a = attrs; a->name; a++) {
        json_t *v = json_object_get(obj, a->name);

        if (a->on_change == VP_COMPUTED)
            continue;
        if (!v || json_is_null(v)) {
            json_t *d = parse_default(a->default_json);
            if (!d && a->kind == VP_K_OBJECT && a->fields)
                d = json_object();
            if (!d)
                continue;
            json_object_set_new(obj, a->name, d);
            v = d;
        }
        defaults_into(a, v);
    }
}

void vp_want_copy_local(const struct vp_attr *attrs, const json_t *from, json_t *live)
{
    for (const struct vp_attr *a = attrs; a->name; a++) {
        json_t *v;
        if (!a->local)
            continue;
        v = from ? json_object_get(from, a->name) : NULL;
        if (v)
            json_object_set(live, a->name, v);
        else if ((v = parse_default(a->default_json)))
            json_object_set_new(live, a->name, v);
    }
}

/* The spec's default tags under the resource's own (the resource's win). */
static void merge_default_tags(const struct vp_spec *spec, json_t *want)
{
    json_t *own = json_object_get(want, "tags"), *merged;

    if (!json_is_object(spec->tags) || json_object_size(spec->tags) == 0)
        return;
    merged = json_deep_copy(spec->tags);
    if (json_is_object(own))
        json_object_update(merged, own);
    json_object_set_new(want, "tags", merged);
}

int vp_want_build(const struct vp_spec *spec, const struct vp_spec_resource *res, const struct vp_resource_type *rt,
                  vp_ref_fn *resolve, void *ctx, json_t **want, bool *unknown, struct vp_err *err)
{
    json_t *obj = json_object();

    *unknown = false;
    for (const struct vp_attr *a = rt->attrs; a->name; a++) {
        const struct vp_node *node;
        json_t *v = NULL;
        bool unk = false;

        if (a->on_change == VP_COMPUTED || !(node = vp_node_get(res->node, a->name)))
            continue;
        if (vp_spec_eval(spec, node, a, resolve, ctx, &v, &unk, err) < 0) {
            json_decref(obj);
            *want = NULL;
            return vp_err_prefix(err, "%s.%s", res->address, a->name);
        }
        *unknown |= unk;
        json_object_set_new(obj, a->name, v);
    }
    if (vp_schema_attr(rt->attrs, "tags"))
        merge_default_tags(spec, obj);
    vp_want_defaults(rt->attrs, obj);
    if (rt->prepare_want && rt->prepare_want(obj, err) < 0) {
        json_decref(obj);
        *want = NULL;
        return vp_err_prefix(err, "%s", res->address);
    }
    *want = obj;
    return 0;
}
