/* resources.c: the `resources:` mapping to the spec's list of resources: names, types, addresses and
 * explicit depends_on. Attribute values are checked by validate.c once every resource is known (a value
 * may refer to a resource further down). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "spec/spec_internal.h"

/* Names are identifiers, so ${NAME.ATTR} reads without ambiguity; unique across types (references use the
 * bare name). var, stack and region would read as the other references. */
#define RESOURCE_NAME_RE "^[a-z][a-z0-9_]{0,63}$"

static const struct vp_type_schema *find_type(struct vp_loader *ld, const struct vp_node *type)
{
    const struct vp_type_schema *const *types = ld->opts->types;
    struct vp_suggest s;
    char hint[160];

    if (type->kind != VP_NODE_SCALAR) {
        vp_diag_add(ld->diags, VP_E_SPEC, type->pos, "type: expected a resource type name, got %s",
                    vp_node_look(type));
        return NULL;
    }
    vp_suggest_init(&s, type->scalar);
    for (size_t i = 0; types && types[i]; i++) {
        if (strcmp(types[i]->type, type->scalar) == 0)
            return types[i];
        vp_suggest_try(&s, types[i]->type);
    }
    vp_diag_add(ld->diags, VP_E_SPEC, type->pos, "unknown resource type '%s'%s", type->scalar,
                vp_suggest_hint(&s, hint, sizeof(hint)));
    return NULL;
}

static void check_name(struct vp_loader *ld, const struct vp_node *key)
{
    const char *name = key->scalar;

    if (strcmp(name, "var") == 0 || strcmp(name, "stack") == 0 || strcmp(name, "region") == 0)
        vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "'%s' cannot name a resource: ${%s...} means something else",
                    name, name);
    else if (!vp_matches(RESOURCE_NAME_RE, name))
        vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "invalid resource name '%s': lowercase letters, digits and '_', "
                    "starting with a letter, at most 64", name);
}

static void add_resource(struct vp_loader *ld, const struct vp_node *key, const struct vp_node *body)
{
    struct vp_spec *spec = ld->spec;
    const struct vp_node *type = vp_node_get(body, "type");
    const struct vp_type_schema *schema = NULL;
    struct vp_spec_resource *r;

    if (!type || type->kind == VP_NODE_NULL)
        vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "resource '%s': missing required key 'type'", key->scalar);
    else
        schema = find_type(ld, type);
    spec->resources = vp_xrealloc(spec->resources, (spec->n_resources + 1) * sizeof(*spec->resources));
    ld->dep_pos = vp_xrealloc(ld->dep_pos, (spec->n_resources + 1) * sizeof(*ld->dep_pos));
    ld->dep_pos[spec->n_resources] = NULL;
    r = &spec->resources[spec->n_resources++];
    memset(r, 0, sizeof(*r));
    r->name = vp_xstrdup(key->scalar);
    r->type = vp_xstrdup(schema ? schema->type : type && type->kind == VP_NODE_SCALAR ? type->scalar : "unknown");
    r->address = vp_xasprintf("%s.%s", r->type, r->name);
    r->schema = schema;
    r->node = body;
    r->pos = key->pos;
}

/* depends_on: a list of resource names, each one that exists and is not this one. */
static void load_depends_on(struct vp_loader *ld, size_t index)
{
    const struct vp_spec_resource *r = &ld->spec->resources[index];
    const struct vp_node *list = vp_node_get(r->node, "depends_on");
    struct vp_suggest s;
    char hint[160];

    if (!list || list->kind == VP_NODE_NULL)
        return;
    if (list->kind != VP_NODE_SEQ) {
        vp_diag_add(ld->diags, VP_E_SPEC, list->pos, "%s.depends_on: expected a list of resource names, got %s",
                    r->address, vp_node_look(list));
        return;
    }
    for (size_t i = 0; i < list->n; i++) {
        const struct vp_node *item = list->items[i];
        const char *name = item->scalar;
        bool found = false;

        if (item->kind != VP_NODE_SCALAR) {
            vp_diag_add(ld->diags, VP_E_SPEC, item->pos, "%s.depends_on: expected a resource name, got %s",
                        r->address, vp_node_look(item));
            continue;
        }
        vp_suggest_init(&s, name);
        for (size_t j = 0; j < ld->spec->n_resources && !found; j++) {
            found = strcmp(ld->spec->resources[j].name, name) == 0;
            vp_suggest_try(&s, ld->spec->resources[j].name);
        }
        if (!found)
            vp_diag_add(ld->diags, VP_E_SPEC, item->pos, "%s.depends_on: no resource named '%s'%s", r->address, name,
                        vp_suggest_hint(&s, hint, sizeof(hint)));
        else if (strcmp(name, r->name) == 0)
            vp_diag_add(ld->diags, VP_E_SPEC_CYCLE, item->pos, "%s depends on itself", r->address);
        else
            vp_refs_add_dep(ld, index, name, item->pos);
    }
}

void vp_load_resources(struct vp_loader *ld, const struct vp_node *map)
{
    if (!map || map->kind == VP_NODE_NULL)
        return;
    if (map->kind != VP_NODE_MAP) {
        vp_diag_add(ld->diags, VP_E_SPEC, map->pos, "resources: expected a mapping of NAME to resource, got %s",
                    vp_node_look(map));
        return;
    }
    for (size_t i = 0; i < map->n; i++) {
        const struct vp_node *key = map->pairs[i].key, *body = map->pairs[i].value;

        check_name(ld, key);
        if (body->kind != VP_NODE_MAP) {
            vp_diag_add(ld->diags, VP_E_SPEC, body->pos, "resource '%s': expected a mapping with type and "
                        "attributes, got %s", key->scalar, vp_node_look(body));
            continue;
        }
        add_resource(ld, key, body);
    }
    for (size_t i = 0; i < ld->spec->n_resources; i++)
        load_depends_on(ld, i);
}
