/* fuzz_spec.c: YAML spec text -> the real loader (parse, variables, settings, resources, validation, cycles,
 * outputs) with every resource type's schema, then every attribute and output evaluated as the plan would,
 * with each ${NAME.ATTR} "known after apply". */
#include <jansson.h>
#include <stdbool.h>

#include "engine/resource.h"
#include "fuzz.h"
#include "spec/spec.h"

/* Every resource attribute is still unknown: the plan of a stack that does not exist yet. */
static int resolve_unknown(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err)
{
    (void)ctx;
    (void)resource;
    (void)attr;
    (void)err;
    *value = NULL;
    return 0;
}

static void eval_one(const struct vp_spec *spec, const struct vp_node *node, const struct vp_attr *attr)
{
    json_t *v = NULL;
    bool unknown = false;
    struct vp_err err = { 0 };

    if (vp_spec_eval(spec, node, attr, resolve_unknown, NULL, &v, &unknown, &err) == 0)
        json_decref(v);
}

static void eval_all(const struct vp_spec *spec)
{
    for (size_t i = 0; i < spec->n_resources; i++) {
        const struct vp_spec_resource *r = &spec->resources[i];
        if (!r->node || r->node->kind != VP_NODE_MAP)
            continue;
        for (size_t k = 0; k < r->node->n; k++) {
            const struct vp_node_pair *p = &r->node->pairs[k];
            const struct vp_attr *attr = r->schema ? vp_schema_attr(r->schema->attrs, p->key->scalar) : NULL;
            if (attr)
                eval_one(spec, p->value, attr);
        }
    }
    for (size_t i = 0; i < spec->n_outputs; i++)
        eval_one(spec, spec->outputs[i].value, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vp_spec_options opts = { .types = vp_resource_schemas() };
    struct vp_diags diags = VP_DIAGS_INIT;
    struct vp_spec *spec = NULL;

    if (vp_spec_load_text((const char *)data, size, "fuzz.yaml", &opts, &spec, &diags) == 0) {
        vp_spec_find(spec, "uploads");
        eval_all(spec);
    }
    vp_spec_free(spec);
    vp_diags_release(&diags);
    return 0;
}
