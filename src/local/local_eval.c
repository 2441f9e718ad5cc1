/* local_eval.c: resource attributes evaluated against the stack's state (see local_eval.h). */
#include "local/local_eval.h"

#include "engine/state.h"
#include "engine/want.h"

struct resolver {
    const struct vp_spec *spec;
    const json_t *state;
};

static int resolve_from_state(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err)
{
    const struct resolver *rs = ctx;
    const struct vp_spec_resource *r = vp_spec_find(rs->spec, resource);
    json_t *rec, *v;

    *value = NULL;
    if (!r)
        return vp_fail(err, VP_E_SPEC, "reference '${%s.%s}': no resource '%s' in the spec", resource, attr, resource);
    if (!rs->state)
        return vp_fail(err, VP_E_STATE, "reference '${%s.%s}' is unknown: the stack has no state yet (apply it first)",
                       resource, attr);
    if (!(rec = vp_state_resource(rs->state, r->address)))
        return vp_fail(err, VP_E_STATE, "reference '${%s.%s}' is unknown: %s is not in the stack's state (apply it "
                       "first)", resource, attr, r->address);
    if (!(v = json_object_get(json_object_get(rec, "attributes"), attr)))
        return vp_fail(err, VP_E_STATE, "reference '${%s.%s}' is unknown: the state records no '%s' for %s",
                       resource, attr, attr, r->address);
    *value = json_incref(v);
    return 0;
}

int vp_local_eval(const struct vp_spec *spec, const struct vp_spec_resource *res, const json_t *state,
                  const char *const *names, json_t **out, struct vp_err *err)
{
    struct resolver rs = { spec, state };
    const struct vp_attr *attrs = res->schema ? res->schema->attrs : NULL;
    json_t *obj = json_object();

    *out = NULL;
    for (size_t i = 0; names[i]; i++) {
        const struct vp_node *node = vp_node_get(res->node, names[i]);
        bool unknown = false;
        json_t *v = NULL;

        if (!node)
            continue;
        if (vp_spec_eval(spec, node, attrs ? vp_schema_attr(attrs, names[i]) : NULL, resolve_from_state, &rs, &v,
                         &unknown, err) < 0) {
            json_decref(obj);
            return vp_err_prefix(err, "%s.%s", res->address, names[i]);
        }
        json_object_set_new(obj, names[i], v);
    }
    if (attrs)
        vp_want_defaults(attrs, obj);
    *out = obj;
    return 0;
}

const json_t *vp_local_state_attr(const json_t *state, const char *address, const char *attr)
{
    const json_t *rec = state ? vp_state_resource(state, address) : NULL;

    return rec ? json_object_get(json_object_get(rec, "attributes"), attr) : NULL;
}
