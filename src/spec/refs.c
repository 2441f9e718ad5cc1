/* refs.c: references between things in a spec: that each ${...} points at something that exists, the
 * dependencies they make, and cycles among them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "spec/spec_internal.h"

static int find_resource(const struct vp_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->n_resources; i++)
        if (strcmp(spec->resources[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int check_var(struct vp_loader *ld, const struct vp_expr_part *p, struct vp_pos pos, const char *shown)
{
    struct vp_suggest s;
    const char *name;
    json_t *type;
    char hint[160];

    if (json_object_get(ld->var_types, p->text))
        return json_object_get(ld->spec->vars, p->text) ? 0 : 1;   /* without a value: reported already */
    vp_suggest_init(&s, p->text);
    json_object_foreach(ld->var_types, name, type)
        vp_suggest_try(&s, name);
    vp_diag_add(ld->diags, VP_E_SPEC, pos, "%s: no variable '%s'%s", shown, p->text,
                vp_suggest_hint(&s, hint, sizeof(hint)));
    return -1;
}

static int check_resource(struct vp_loader *ld, const struct vp_expr_part *p, struct vp_pos pos, const char *shown,
                          const struct vp_ref_rules *rules)
{
    const struct vp_spec *spec = ld->spec;
    int target = find_resource(spec, p->text);
    struct vp_suggest s;
    char hint[160];

    if (!rules->resources) {
        vp_diag_add(ld->diags, VP_E_SPEC, pos, "%s: %s cannot refer to a resource", shown, rules->where);
        return -1;
    }
    if (target < 0) {
        vp_suggest_init(&s, p->text);
        for (size_t i = 0; i < spec->n_resources; i++)
            vp_suggest_try(&s, spec->resources[i].name);
        vp_diag_add(ld->diags, VP_E_SPEC, pos, "%s: no resource named '%s'%s", shown, p->text,
                    vp_suggest_hint(&s, hint, sizeof(hint)));
        return -1;
    }
    if (spec->resources[target].schema && !vp_schema_attr(spec->resources[target].schema->attrs, p->attr)) {
        vp_suggest_init(&s, p->attr);
        for (const struct vp_attr *a = spec->resources[target].schema->attrs; a->name; a++)
            vp_suggest_try(&s, a->name);
        vp_diag_add(ld->diags, VP_E_SPEC, pos, "%s: %s has no attribute '%s'%s", shown, spec->resources[target].type,
                    p->attr, vp_suggest_hint(&s, hint, sizeof(hint)));
        return -1;
    }
    if (rules->owner == target) {
        vp_diag_add(ld->diags, VP_E_SPEC_CYCLE, pos, "%s: %s refers to itself", shown, spec->resources[target].address);
        return -1;
    }
    if (rules->owner >= 0)
        vp_refs_add_dep(ld, (size_t)rules->owner, p->text, pos);
    return 1;
}

int vp_refs_check(struct vp_loader *ld, const struct vp_node *node, const struct vp_expr *e,
                  const struct vp_ref_rules *rules)
{
    int worst = 0;

    for (size_t i = 0; i < e->n; i++) {
        const struct vp_expr_part *p = &e->parts[i];
        struct vp_pos pos = vp_expr_pos(node, p);
        char shown[160];
        int rc = 0;

        if (!p->is_ref)
            continue;
        vp_expr_ref_text(p, shown, sizeof(shown));
        if (p->kind == VP_REF_VAR) {
            rc = check_var(ld, p, pos, shown);
        } else if (p->kind == VP_REF_RESOURCE) {
            rc = check_resource(ld, p, pos, shown, rules);
        } else if ((p->kind == VP_REF_STACK && !rules->stack) || (p->kind == VP_REF_REGION && !rules->region)) {
            vp_diag_add(ld->diags, VP_E_SPEC, pos, "%s cannot be used in %s", shown, rules->where);
            rc = -1;
        } else if (!(p->kind == VP_REF_STACK ? ld->spec->stack : ld->spec->region)) {
            rc = 1;                             /* it failed to evaluate: reported already */
        }
        if (rc < 0 || (rc > 0 && worst == 0))
            worst = rc;
    }
    return worst;
}

void vp_refs_check_tree(struct vp_loader *ld, const struct vp_node *node, const struct vp_ref_rules *rules)
{
    struct vp_expr e;
    struct vp_err err = { 0 };

    switch (node->kind) {
    case VP_NODE_NULL:
        return;
    case VP_NODE_SCALAR:
        if (vp_expr_parse(node, &e, &err) < 0) {
            vp_diag_add_err(ld->diags, &err);
            return;
        }
        vp_refs_check(ld, node, &e, rules);
        vp_expr_release(&e);
        return;
    case VP_NODE_SEQ:
        for (size_t i = 0; i < node->n; i++)
            vp_refs_check_tree(ld, node->items[i], rules);
        return;
    case VP_NODE_MAP:
        for (size_t i = 0; i < node->n; i++)
            vp_refs_check_tree(ld, node->pairs[i].value, rules);
        return;
    }
}

void vp_refs_add_dep(struct vp_loader *ld, size_t owner, const char *name, struct vp_pos pos)
{
    struct vp_spec_resource *r = &ld->spec->resources[owner];

    for (size_t i = 0; i < r->n_depends; i++)
        if (strcmp(r->depends_on[i], name) == 0)
            return;
    r->depends_on = vp_xrealloc(r->depends_on, (r->n_depends + 1) * sizeof(*r->depends_on));
    ld->dep_pos[owner] = vp_xrealloc(ld->dep_pos[owner], (r->n_depends + 1) * sizeof(*ld->dep_pos[owner]));
    r->depends_on[r->n_depends] = vp_xstrdup(name);
    ld->dep_pos[owner][r->n_depends++] = pos;
}

/* ---- cycles: a depth-first walk in document order; an edge back to a resource on the walk's path closes a
 * cycle, reported at that edge (where the reference or depends_on entry is written). ---- */

enum { WHITE, GREY, BLACK };

struct walk {
    struct vp_loader *ld;
    int *color;
    size_t *path, *next, depth;     /* the walk's path, and the next dependency to try at each step */
};

static void report_cycle(struct walk *w, size_t from, size_t dep, size_t to)
{
    struct vp_buf msg = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    const struct vp_spec *spec = w->ld->spec;
    size_t start = w->depth;

    while (start > 0 && w->path[start - 1] != to)
        start--;
    vp_buf_puts(&msg, "dependency cycle: ");
    for (size_t i = start - 1; i < w->depth; i++)
        vp_buf_printf(&msg, "%s -> ", spec->resources[w->path[i]].name);
    vp_buf_puts(&msg, spec->resources[to].name);
    vp_diag_add(w->ld->diags, VP_E_SPEC_CYCLE, w->ld->dep_pos[from][dep], "%s", msg.data);
    vp_buf_release(&msg);
}

/* Iterative, so a long chain of resources cannot overflow the stack. */
static void visit(struct walk *w, size_t root)
{
    w->color[root] = GREY;
    w->path[0] = root;
    w->next[0] = 0;
    w->depth = 1;
    while (w->depth) {
        size_t i = w->path[w->depth - 1], d = w->next[w->depth - 1]++;
        const struct vp_spec_resource *r = &w->ld->spec->resources[i];
        int j;

        if (d >= r->n_depends) {
            w->color[i] = BLACK;
            w->depth--;
            continue;
        }
        if ((j = find_resource(w->ld->spec, r->depends_on[d])) < 0)
            continue;
        if (w->color[j] == GREY) {
            report_cycle(w, i, d, (size_t)j);
        } else if (w->color[j] == WHITE) {
            w->color[j] = GREY;
            w->path[w->depth] = (size_t)j;
            w->next[w->depth++] = 0;
        }
    }
}

void vp_refs_find_cycles(struct vp_loader *ld)
{
    size_t n = ld->spec->n_resources;
    struct walk w = { ld, vp_xcalloc(n + 1, sizeof(int)), vp_xcalloc(n + 1, sizeof(size_t)),
                      vp_xcalloc(n + 1, sizeof(size_t)), 0 };

    for (size_t i = 0; i < n; i++)
        if (w.color[i] == WHITE)
            visit(&w, i);
    free(w.color);
    free(w.path);
    free(w.next);
}
