/* outputs.c: the `outputs:` mapping: NAME to a value (shorthand) or {value, description, sensitive}. Values
 * may refer to anything; the engine evaluates them after apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "spec/spec_internal.h"

#define OUTPUT_NAME_RE "^[a-zA-Z_][a-zA-Z0-9_]*$"

static void add_output(struct vp_loader *ld, const struct vp_node *key, const struct vp_node *body)
{
    static const char *const keys[] = { "value", "description", "sensitive", NULL };
    const struct vp_ref_rules rules = { .owner = -1, .resources = true, .stack = true, .region = true };
    struct vp_spec *spec = ld->spec;
    const struct vp_node *value = body, *sensitive = NULL;
    char where[200];
    bool secret = false;

    if (body->kind == VP_NODE_MAP) {
        snprintf(where, sizeof(where), "output '%.150s'", key->scalar);
        for (size_t i = 0; i < body->n; i++) {
            size_t k = 0;
            while (keys[k] && strcmp(keys[k], body->pairs[i].key->scalar) != 0)
                k++;
            if (!keys[k])
                vp_unknown_key(ld, body->pairs[i].key, where, keys, NULL);
        }
        if (!(value = vp_node_get(body, "value"))) {
            vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "output '%s': missing required key 'value'", key->scalar);
            return;
        }
        sensitive = vp_node_get(body, "sensitive");
        if (sensitive && !(sensitive->kind == VP_NODE_SCALAR && sensitive->plain &&
                           vp_text_bool(sensitive->scalar, &secret)))
            vp_diag_add(ld->diags, VP_E_SPEC, sensitive->pos, "output '%s': sensitive: expected a bool (true or "
                        "false), got %s", key->scalar, vp_node_look(sensitive));
    }
    vp_refs_check_tree(ld, value, &rules);
    spec->outputs = vp_xrealloc(spec->outputs, (spec->n_outputs + 1) * sizeof(*spec->outputs));
    spec->outputs[spec->n_outputs++] = (struct vp_spec_output){ vp_xstrdup(key->scalar), value, secret };
}

void vp_load_outputs(struct vp_loader *ld, const struct vp_node *map)
{
    if (!map || map->kind == VP_NODE_NULL)
        return;
    if (map->kind != VP_NODE_MAP) {
        vp_diag_add(ld->diags, VP_E_SPEC, map->pos, "outputs: expected a mapping of NAME to value, got %s",
                    vp_node_look(map));
        return;
    }
    for (size_t i = 0; i < map->n; i++) {
        const struct vp_node *key = map->pairs[i].key;
        if (!vp_matches(OUTPUT_NAME_RE, key->scalar))
            vp_diag_add(ld->diags, VP_E_SPEC, key->pos, "invalid output name '%s': letters, digits and '_', not "
                        "starting with a digit", key->scalar);
        add_output(ld, key, map->pairs[i].value);
    }
}
