/* settings.c: the stack-wide settings, evaluated at load time: stack, region, default tags and the state
 * backend. They may use ${var.X}; region, tags and backend also ${stack} and (but region) ${region}; never a
 * resource attribute, which is only known once resources exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "spec/spec_internal.h"

#define STACK_RE "^[a-z][a-z0-9-]{0,31}$"
#define REGION_RE "^[a-z]{2}(-[a-z]+)+-[0-9]+$"

static const struct vp_attr string_attr = { .name = "setting", .kind = VP_K_STRING };

/* A setting's string value (a new string), or NULL: after a diagnostic, or quietly when it uses something that
 * failed already (a variable without a value). */
static char *eval_string(struct vp_loader *ld, const struct vp_node *node, const char *where, bool stack,
                         bool region)
{
    const struct vp_ref_rules rules = { .owner = -1, .stack = stack, .region = region, .where = where };
    struct vp_err err = { 0 };
    struct vp_expr e;
    json_t *v = NULL;
    bool unknown;
    char *s = NULL;
    int rc;

    if (node->kind != VP_NODE_SCALAR) {
        vp_diag_add(ld->diags, VP_E_SPEC, node->pos, "%s: expected a string, got %s", where, vp_node_look(node));
        return NULL;
    }
    if (vp_expr_parse(node, &e, &err) < 0) {
        vp_diag_add(ld->diags, VP_E_SPEC, err.pos, "%s: %s", where, err.msg);
        return NULL;
    }
    rc = vp_refs_check(ld, node, &e, &rules);
    vp_expr_release(&e);
    if (rc != 0)
        return NULL;
    if (vp_spec_eval(ld->spec, node, &string_attr, NULL, NULL, &v, &unknown, &err) < 0)
        vp_diag_add(ld->diags, VP_E_SPEC, err.pos, "%s: %s", where, err.msg);
    else
        s = vp_xstrdup(json_string_value(v));
    json_decref(v);
    return s;
}

static void load_stack_and_region(struct vp_loader *ld, const struct vp_node *root)
{
    const struct vp_node *stack = vp_node_get(root, "stack"), *region = vp_node_get(root, "region");
    struct vp_spec *spec = ld->spec;

    if (!stack)
        vp_diag_add(ld->diags, VP_E_SPEC, root->pos, "missing required key 'stack' (the stack's name, such as dev)");
    else if ((spec->stack = eval_string(ld, stack, "stack", false, false)) && !vp_matches(STACK_RE, spec->stack))
        vp_diag_add(ld->diags, VP_E_SPEC, stack->pos, "stack '%s' must match " STACK_RE " (lowercase letters, digits "
                    "and '-', starting with a letter, at most 32)", spec->stack);
    if (!region)
        vp_diag_add(ld->diags, VP_E_SPEC, root->pos, "missing required key 'region' (the AWS region, such as "
                    "us-east-1)");
    else if ((spec->region = eval_string(ld, region, "region", true, false)) && !vp_matches(REGION_RE, spec->region))
        vp_diag_add(ld->diags, VP_E_SPEC, region->pos, "region '%s' does not look like an AWS region (such as "
                    "us-east-1)", spec->region);
}

static void load_tags(struct vp_loader *ld, const struct vp_node *tags)
{
    char where[300];

    if (!tags || tags->kind == VP_NODE_NULL)
        return;
    if (tags->kind != VP_NODE_MAP) {
        vp_diag_add(ld->diags, VP_E_SPEC, tags->pos, "tags: expected a mapping of tag names to values, got %s",
                    vp_node_look(tags));
        return;
    }
    for (size_t i = 0; i < tags->n; i++) {
        char *v;
        snprintf(where, sizeof(where), "tags.%.200s", tags->pairs[i].key->scalar);
        if ((v = eval_string(ld, tags->pairs[i].value, where, true, true)))
            json_object_set_new(ld->spec->tags, tags->pairs[i].key->scalar, json_string(v));
        free(v);
    }
}

/* One backend setting: a string, or NULL when absent (or wrong: diagnosed). */
static char *backend_string(struct vp_loader *ld, const struct vp_node *kind, const char *kind_name, const char *key,
                            bool required, const struct vp_node *where_key)
{
    const struct vp_node *n = vp_node_get(kind, key);
    char where[64];

    snprintf(where, sizeof(where), "backend.%s.%s", kind_name, key);
    if (!n || n->kind == VP_NODE_NULL) {
        if (required)
            vp_diag_add(ld->diags, VP_E_SPEC, where_key->pos, "backend.%s: missing required key '%s'", kind_name, key);
        return NULL;
    }
    return eval_string(ld, n, where, true, true);
}

static void check_keys(struct vp_loader *ld, const struct vp_node *map, const char *where, const char *const *known)
{
    for (size_t i = 0; map && map->kind == VP_NODE_MAP && i < map->n; i++) {
        size_t k = 0;
        while (known[k] && strcmp(known[k], map->pairs[i].key->scalar) != 0)
            k++;
        if (!known[k])
            vp_unknown_key(ld, map->pairs[i].key, where, known, NULL);
    }
}

static void load_backend(struct vp_loader *ld, const struct vp_node *backend)
{
    static const char *const kinds[] = { "local", "s3", NULL };
    static const char *const local_keys[] = { "path", NULL };
    static const char *const s3_keys[] = { "bucket", "key", "region", NULL };
    struct vp_spec_backend *b = &ld->spec->backend;
    const struct vp_node *local, *s3, *settings;

    b->kind = VP_BACKEND_LOCAL;
    if (!backend || backend->kind == VP_NODE_NULL)
        return;
    if (backend->kind != VP_NODE_MAP) {
        vp_diag_add(ld->diags, VP_E_SPEC, backend->pos, "backend: expected a mapping ({local: {path: P}} or "
                    "{s3: {bucket: B, key: K}}), got %s", vp_node_look(backend));
        return;
    }
    check_keys(ld, backend, "backend", kinds);
    local = vp_node_key(backend, "local");
    s3 = vp_node_key(backend, "s3");
    if (!local == !s3) {
        vp_diag_add(ld->diags, VP_E_SPEC, backend->pos, "backend: expected exactly one of local or s3");
        return;
    }
    settings = vp_node_get(backend, local ? "local" : "s3");
    if (settings->kind != VP_NODE_MAP && settings->kind != VP_NODE_NULL) {
        vp_diag_add(ld->diags, VP_E_SPEC, settings->pos, "backend.%s: expected a mapping, got %s",
                    local ? "local" : "s3", vp_node_look(settings));
        return;
    }
    if (local) {
        check_keys(ld, settings, "backend.local", local_keys);
        b->path = backend_string(ld, settings, "local", "path", false, local);
        return;
    }
    b->kind = VP_BACKEND_S3;
    check_keys(ld, settings, "backend.s3", s3_keys);
    b->bucket = backend_string(ld, settings, "s3", "bucket", true, s3);
    b->key = backend_string(ld, settings, "s3", "key", true, s3);
    b->region = backend_string(ld, settings, "s3", "region", false, s3);
}

void vp_load_settings(struct vp_loader *ld)
{
    const struct vp_node *root = ld->spec->root;

    load_stack_and_region(ld, root);
    load_tags(ld, vp_node_get(root, "tags"));
    load_backend(ld, vp_node_get(root, "backend"));
}
