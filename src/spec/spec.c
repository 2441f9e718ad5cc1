/* spec.c: loading a spec: parse, then the phases in an order where each finds what it needs (variables
 * before anything that uses them, every resource before any reference to one), collecting every problem;
 * and looking resources up. */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "spec/spec_internal.h"

static const char *const top_keys[] = { "vidpipe", "stack", "region", "variables", "tags", "backend", "resources",
                                        "outputs", NULL };

static void check_top_keys(struct vp_loader *ld, const struct vp_node *root)
{
    for (size_t i = 0; i < root->n; i++) {
        size_t k = 0;
        while (top_keys[k] && strcmp(top_keys[k], root->pairs[i].key->scalar) != 0)
            k++;
        if (!top_keys[k])
            vp_unknown_key(ld, root->pairs[i].key, "the spec", top_keys, NULL);
    }
}

static void check_version(struct vp_loader *ld, const struct vp_node *root)
{
    const struct vp_node *v = vp_node_get(root, "vidpipe");

    if (!v)
        vp_diag_add(ld->diags, VP_E_SPEC, root->pos, "missing required key 'vidpipe' (the format version: "
                    "'vidpipe: 1')");
    else if (!(v->kind == VP_NODE_SCALAR && v->plain && strcmp(v->scalar, "1") == 0))
        vp_diag_add(ld->diags, VP_E_SPEC, v->pos, "unsupported spec version %s; this vidpipe reads version 1",
                    v->kind == VP_NODE_SCALAR ? v->scalar : vp_node_look(v));
}

static void run_phases(struct vp_loader *ld)
{
    const struct vp_node *root = ld->spec->root;

    if (root->kind == VP_NODE_NULL) {
        vp_diag_add(ld->diags, VP_E_SPEC, root->pos, "the spec is empty");
        return;
    }
    if (root->kind != VP_NODE_MAP) {
        vp_diag_add(ld->diags, VP_E_SPEC, root->pos, "a spec is a mapping of keys (vidpipe, stack, region, variables, "
                    "tags, backend, resources, outputs), not %s", vp_node_look(root));
        return;
    }
    check_top_keys(ld, root);
    check_version(ld, root);
    vp_load_variables(ld, vp_node_get(root, "variables"));
    vp_load_settings(ld);
    vp_load_resources(ld, vp_node_get(root, "resources"));
    for (size_t i = 0; i < ld->spec->n_resources; i++)
        vp_validate_resource(ld, i);
    vp_refs_find_cycles(ld);
    vp_load_outputs(ld, vp_node_get(root, "outputs"));
}

/* text NULL: read the file at path; else parse text (len bytes), naming it path in positions. */
static int load(const char *path, const char *text, size_t len, const struct vp_spec_options *opts,
                struct vp_spec **out, struct vp_diags *diags)
{
    struct vp_loader ld = { .opts = opts, .diags = diags, .var_types = json_object(),
                            .sensitive_vars = json_object() };
    struct vp_spec *spec = vp_xcalloc(1, sizeof(*spec));
    struct vp_err err = { 0 };
    size_t first = diags->n;

    *out = NULL;
    spec->path = vp_xstrdup(path);
    spec->vars = json_object();
    spec->secrets = json_array();
    spec->tags = json_object();
    ld.spec = spec;
    if ((text ? vp_yaml_parse_string(text, len, path, &spec->root, &err)
              : vp_yaml_parse_file(path, &spec->root, &err)) < 0)
        vp_diag_add_err(diags, &err);
    else
        run_phases(&ld);
    for (size_t i = 0; i < spec->n_resources; i++)
        free(ld.dep_pos[i]);
    free(ld.dep_pos);
    json_decref(ld.var_types);
    json_decref(ld.sensitive_vars);
    if (diags->n == first) {
        *out = spec;
        return 0;
    }
    for (size_t i = first; i < diags->n; i++)       /* the tree goes now; the caller's name stays */
        if (spec->root && diags->items[i].pos.file == spec->root->pos.file)
            diags->items[i].pos.file = path;
    vp_diags_sort(diags);
    vp_spec_free(spec);
    return -1;
}

int vp_spec_load(const char *path, const struct vp_spec_options *opts, struct vp_spec **out, struct vp_diags *diags)
{
    return load(path, NULL, 0, opts, out, diags);
}

int vp_spec_load_text(const char *text, size_t len, const char *path, const struct vp_spec_options *opts,
                      struct vp_spec **out, struct vp_diags *diags)
{
    return load(path, text, len, opts, out, diags);
}

void vp_spec_free(struct vp_spec *spec)
{
    if (!spec)
        return;
    for (size_t i = 0; i < spec->n_resources; i++) {
        struct vp_spec_resource *r = &spec->resources[i];
        free(r->name);
        free(r->type);
        free(r->address);
        for (size_t d = 0; d < r->n_depends; d++)
            free(r->depends_on[d]);
        free(r->depends_on);
    }
    free(spec->resources);
    json_decref(spec->secrets);
    for (size_t i = 0; i < spec->n_outputs; i++)
        free(spec->outputs[i].name);
    free(spec->outputs);
    free(spec->backend.path);
    free(spec->backend.bucket);
    free(spec->backend.key);
    free(spec->backend.region);
    json_decref(spec->vars);
    json_decref(spec->tags);
    free(spec->stack);
    free(spec->region);
    free(spec->path);
    vp_node_free(spec->root);
    free(spec);
}

const struct vp_spec_resource *vp_spec_find(const struct vp_spec *spec, const char *name_or_address)
{
    for (size_t i = 0; spec && i < spec->n_resources; i++)
        if (strcmp(spec->resources[i].name, name_or_address) == 0 ||
            strcmp(spec->resources[i].address, name_or_address) == 0)
            return &spec->resources[i];
    return NULL;
}
