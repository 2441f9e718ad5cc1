/* plan.c: the plan: every resource the spec or the state names, read live in parallel, then compared in
 * dependency order with what the spec wants.
 *
 * DESIGN: planning runs in three passes. (1) Nodes: the spec's resources and the state's, restricted by
 * --target to the targets and what they depend on (for destroy: what depends on them). (2) Reads: every node
 * whose physical id is known (from state, or from the spec when it uses no reference) is read at once, up to
 * --parallelism. (3) Decisions, in dependency order, so a reference to another resource resolves to its
 * planned value: a non-computed attribute is what the spec wants of it, a computed one is its live value, or
 * "known after apply" when it will be created or replaced. A resource that exists in AWS but not in state is
 * an error, not a silent takeover: `vidpipe import` adopts it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/xalloc.h"
#include "engine/diff.h"
#include "engine/engine.h"
#include "engine/graph.h"
#include "engine/plan_internal.h"
#include "engine/pool.h"
#include "engine/want.h"

const char *vp_action_name(enum vp_action action)
{
    switch (action) {
    case VP_ACT_NOOP: return "no-op";
    case VP_ACT_CREATE: return "create";
    case VP_ACT_UPDATE: return "update";
    case VP_ACT_REPLACE: return "replace";
    case VP_ACT_DELETE: return "delete";
    }
    return "?";
}

void vp_engine_opts_init(struct vp_engine_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->parallelism = 10;
}

struct pnode {
    struct vp_change ch;
    const json_t *rec;              /* the state's record, borrowed */
    bool planned;
    /* the read */
    struct vp_aws *aws;
    const struct vp_engine_opts *opts;
    json_t *live;
    int read_rc;
    struct vp_err err;
};

struct planner {
    struct vp_aws *aws;
    const struct vp_spec *spec;
    const json_t *state;
    const struct vp_engine_opts *opts;
    bool destroy;
    struct pnode *nodes;
    size_t n;
    struct vp_graph graph;
};

static struct pnode *node_by_name(struct planner *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->nodes[i].ch.res && strcmp(p->nodes[i].ch.res->name, name) == 0)
            return &p->nodes[i];
    return NULL;
}

static ssize_t index_of_address(struct planner *p, const char *address)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->nodes[i].ch.address, address) == 0)
            return (ssize_t)i;
    return -1;
}

static void add_node(struct planner *p, const struct vp_spec_resource *res, const struct vp_resource_type *rt,
                     const char *address, const char *name, const json_t *rec)
{
    struct pnode *n = &p->nodes[p->n++];

    memset(n, 0, sizeof(*n));
    n->ch.address = vp_xstrdup(address);
    n->ch.type = vp_xstrdup(rt->type);
    n->ch.name = vp_xstrdup(name);
    n->ch.rt = rt;
    n->ch.res = res;
    n->ch.changed = json_array();
    n->ch.replace_paths = json_array();
    n->ch.drifted = json_array();
    n->ch.depends_on = json_array();
    n->rec = rec;
    if (rec) {
        const char *id = json_string_value(json_object_get(rec, "id"));
        /* a create recorded before it started has no id when AWS makes it (a permission's, a notification's) */
        n->ch.id = id ? vp_xstrdup(id) : NULL;
        n->ch.prior = json_incref(json_object_get(rec, "attributes"));
    }
}

static int collect_nodes(struct planner *p, struct vp_err *err)
{
    json_t *resources = json_object_get(p->state, "resources"), *rec;
    size_t cap = (p->spec ? p->spec->n_resources : 0) + json_array_size(resources), i;

    p->nodes = vp_xcalloc(cap ? cap : 1, sizeof(*p->nodes));
    if (!p->destroy && p->spec) {
        for (i = 0; i < p->spec->n_resources; i++) {
            const struct vp_spec_resource *r = &p->spec->resources[i];
            const struct vp_resource_type *rt = vp_resource_type_find(r->type);
            if (!rt)
                return vp_fail(err, VP_E_SPEC, "%s: unknown resource type '%s'", r->address, r->type);
            add_node(p, r, rt, r->address, r->name, vp_state_resource(p->state, r->address));
        }
    }
    json_array_foreach(resources, i, rec) {
        const char *address = json_string_value(json_object_get(rec, "address"));
        const char *type = json_string_value(json_object_get(rec, "type"));
        const struct vp_resource_type *rt = type ? vp_resource_type_find(type) : NULL;

        if (!address || index_of_address(p, address) >= 0)
            continue;
        if (!rt)
            return vp_fail(err, VP_E_STATE, "state resource '%s' has unknown type '%s'", address, type ? type : "?");
        add_node(p, p->spec ? vp_spec_find(p->spec, address) : NULL, rt, address,
                 json_string_value(json_object_get(rec, "name")), rec);
    }
    return 0;
}

/* Edges: the spec's dependencies for spec resources, the recorded ones for state-only resources. */
static void build_graph(struct planner *p)
{
    vp_graph_init(&p->graph, p->n);
    for (size_t i = 0; i < p->n; i++) {
        struct pnode *n = &p->nodes[i];
        if (n->ch.res && !p->destroy) {
            for (size_t d = 0; d < n->ch.res->n_depends; d++) {
                const struct vp_spec_resource *dep = vp_spec_find(p->spec, n->ch.res->depends_on[d]);
                ssize_t j = dep ? index_of_address(p, dep->address) : -1;
                if (j >= 0) {
                    vp_graph_add_edge(&p->graph, i, (size_t)j);
                    json_array_append_new(n->ch.depends_on, json_string(dep->address));
                }
            }
        } else if (n->rec) {
            size_t k;
            json_t *dep;
            json_array_foreach(json_object_get(n->rec, "depends_on"), k, dep) {
                ssize_t j = index_of_address(p, json_string_value(dep));
                if (j >= 0)
                    vp_graph_add_edge(&p->graph, i, (size_t)j);
                json_array_append(n->ch.depends_on, dep);
            }
        }
    }
}

static bool matches_target(const struct pnode *n, const char *target)
{
    return strcmp(n->ch.address, target) == 0 || strcmp(n->ch.name, target) == 0;
}

/* --target: keep the targets and what they need (destroy: what needs them). */
static int apply_targets(struct planner *p, struct vp_err *err)
{
    unsigned char *keep;
    size_t kept = 0;

    if (!p->opts->n_targets)
        return 0;
    keep = vp_xcalloc(p->n ? p->n : 1, 1);
    for (size_t t = 0; t < p->opts->n_targets; t++) {
        bool found = false;
        for (size_t i = 0; i < p->n; i++)
            if (matches_target(&p->nodes[i], p->opts->targets[t]))
                keep[i] = 1, found = true;
        if (!found) {
            free(keep);
            return vp_fail(err, VP_E_USAGE, "--target '%s' names no resource of the spec or the state",
                           p->opts->targets[t]);
        }
    }
    vp_graph_close(&p->graph, keep, p->destroy);
    for (size_t i = 0; i < p->n; i++) {
        if (keep[i])
            p->nodes[kept++] = p->nodes[i];
        else
            vp_change_release(&p->nodes[i].ch);
    }
    p->n = kept;
    free(keep);
    vp_graph_release(&p->graph);
    build_graph(p);
    return 0;
}

/* References are unknown while ids are being worked out. */
static int resolve_unknown(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err)
{
    (void)ctx, (void)resource, (void)attr, (void)err;
    *value = NULL;
    return 0;
}

/* The physical id of a spec resource not in state, when the spec fixes it without references. */
static char *static_id(struct planner *p, struct pnode *n)
{
    const struct vp_node *node = vp_node_get(n->ch.res->node, n->ch.rt->id_attr);
    const struct vp_attr *attr = vp_schema_attr(n->ch.rt->attrs, n->ch.rt->id_attr);
    struct vp_err err = { 0 };
    json_t *v = NULL;
    bool unknown = false;
    char *id = NULL;

    if (node && vp_spec_eval(p->spec, node, attr, resolve_unknown, p, &v, &unknown, &err) == 0 && !unknown &&
        json_is_string(v))
        id = vp_xstrdup(json_string_value(v));
    json_decref(v);
    return id;
}

static void read_job(void *arg)
{
    struct pnode *n = arg;
    struct vp_call c = {
        .aws = n->aws, .err = &n->err, .address = n->ch.address,
        .wait_poll_ms = n->opts->wait_poll_ms, .wait_timeout_ms = n->opts->wait_timeout_ms,
    };

    n->read_rc = n->ch.rt->read(&c, n->ch.id, &n->live);
    if (n->read_rc < 0)
        vp_err_prefix(&n->err, "reading %s", n->ch.address);
}

/* The longest reads first (longest processing time first: the plan ends about when its longest read does,
 * not a long read's length after everything else); the node order within equal lengths. */
static int longest_read_first(const void *a, const void *b)
{
    const struct pnode *x = *(void *const *)a, *y = *(void *const *)b;
    unsigned rx = x->ch.rt->read_rounds, ry = y->ch.rt->read_rounds;

    if (rx != ry)
        return rx > ry ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int read_all(struct planner *p, struct vp_err *err)
{
    void **jobs = vp_xcalloc(p->n ? p->n : 1, sizeof(*jobs));
    size_t n_jobs = 0;
    int ret = 0;

    for (size_t i = 0; i < p->n; i++) {
        struct pnode *n = &p->nodes[i];
        if (!n->ch.id && n->ch.res)
            n->ch.id = static_id(p, n);
        if (!n->ch.id)
            continue;
        n->aws = p->aws;
        n->opts = p->opts;
        jobs[n_jobs++] = n;
    }
    qsort(jobs, n_jobs, sizeof(*jobs), longest_read_first);
    vp_pool_run(jobs, n_jobs, read_job, p->opts->parallelism);
    for (size_t i = 0; i < n_jobs && ret == 0; i++) {
        struct pnode *n = jobs[i];
        if (n->read_rc < 0) {
            *err = n->err;
            ret = -1;
        }
    }
    free(jobs);
    return ret;
}

/* A reference's planned value: what the spec wants of a non-computed attribute, the live value of a
 * computed one, unknown when the resource will be (re)created. */
static int resolve_planned(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err)
{
    struct planner *p = ctx;
    struct pnode *n = node_by_name(p, resource);
    const struct vp_attr *a;

    *value = NULL;
    if (!n)
        return vp_fail(err, VP_E_SPEC, "reference to '%s.%s': no such resource in this plan", resource, attr);
    a = vp_schema_attr(n->ch.rt->attrs, attr);
    if (n->planned && a && a->on_change != VP_COMPUTED && n->ch.after) {
        json_t *v = json_object_get(n->ch.after, attr);
        *value = v && !vp_json_has_unknown(v) ? json_incref(v) : NULL;
        return 0;
    }
    if (n->ch.action == VP_ACT_CREATE || n->ch.action == VP_ACT_REPLACE || !n->live)
        return 0;
    if (json_object_get(n->live, attr))
        *value = json_incref(json_object_get(n->live, attr));
    return 0;
}

static bool status_creating(const json_t *rec)
{
    const char *status = json_string_value(json_object_get(rec, "status"));
    return status && strcmp(status, "creating") == 0;
}

static int decide(struct planner *p, struct pnode *n, struct vp_err *err)
{
    struct vp_change *ch = &n->ch;
    bool unknown;

    ch->before = json_incref(n->live);
    if (ch->before)
        vp_want_copy_local(ch->rt->attrs, ch->prior, ch->before);
    if (ch->prior && ch->before && !status_creating(n->rec))
        vp_diff(ch->rt->attrs, ch->prior, ch->before, true, ch->drifted, NULL);
    if (p->destroy || !ch->res) {
        ch->action = VP_ACT_DELETE;
        n->planned = true;
        return 0;
    }
    if (vp_want_build(p->spec, ch->res, ch->rt, resolve_planned, p, &ch->after, &unknown, err) < 0)
        return -1;
    ch->unknown = unknown;
    if (!ch->id) {
        json_t *id = json_object_get(ch->after, ch->rt->id_attr);
        if (json_is_string(id) && !vp_json_has_unknown(id))
            ch->id = vp_xstrdup(json_string_value(id));
    }
    if (!n->rec && n->live) {
        return vp_fail(err, VP_E_STATE,
                       "%s: '%s' already exists in AWS but not in this stack's state; adopt it with "
                       "'vidpipe import %s %s' or give the resource another name",
                       ch->address, ch->id, ch->address, ch->id);
    }
    if (!n->live) {
        ch->action = VP_ACT_CREATE;
        if (n->rec && !status_creating(n->rec))
            json_array_append_new(ch->drifted, json_string("(deleted outside vidpipe)"));
    } else {
        ch->adopting = status_creating(n->rec);
        vp_diff(ch->rt->attrs, ch->after, ch->before, false, ch->changed, ch->replace_paths);
        if (json_array_size(ch->replace_paths))
            ch->action = VP_ACT_REPLACE;
        else if (json_array_size(ch->changed) || ch->adopting)
            ch->action = VP_ACT_UPDATE;
        else
            ch->action = VP_ACT_NOOP;
    }
    n->planned = true;
    return 0;
}

static void take_changes(struct planner *p, const size_t *order, struct vp_plan *plan)
{
    size_t k = 0;

    plan->changes = vp_xcalloc(p->n ? p->n : 1, sizeof(*plan->changes));
    plan->n = p->n;
    /* creates and updates in dependency order; deletes after, dependents first */
    for (size_t i = 0; i < p->n; i++)
        if (p->nodes[order[i]].ch.action != VP_ACT_DELETE)
            plan->changes[k++] = p->nodes[order[i]].ch;
    for (size_t i = p->n; i-- > 0;)
        if (p->nodes[order[i]].ch.action == VP_ACT_DELETE)
            plan->changes[k++] = p->nodes[order[i]].ch;
    for (size_t i = 0; i < p->n; i++) {
        memset(&p->nodes[i].ch, 0, sizeof(p->nodes[i].ch));
        json_decref(p->nodes[i].live);
        p->nodes[i].live = NULL;
    }
}

static void planner_release(struct planner *p)
{
    for (size_t i = 0; i < p->n; i++) {
        vp_change_release(&p->nodes[i].ch);
        json_decref(p->nodes[i].live);
    }
    free(p->nodes);
    vp_graph_release(&p->graph);
}

int vp_engine_plan(struct vp_aws *aws, const struct vp_spec *spec, const json_t *state,
                   const struct vp_engine_opts *opts, bool destroy, struct vp_plan **out, struct vp_err *err)
{
    struct planner p = { .aws = aws, .spec = spec, .state = state, .opts = opts, .destroy = destroy };
    struct vp_plan *plan = vp_xcalloc(1, sizeof(*plan));
    size_t *order = NULL;
    int ret = -1;

    vp_aws_limit_in_flight(aws, opts->parallelism);    /* requests, not only resources: providers read parts at once */

    *out = NULL;
    plan->destroy = destroy;
    if (state) {
        plan->have_state = true;
        plan->serial = (long)json_integer_value(json_object_get(state, "serial"));
        snprintf(plan->lineage, sizeof(plan->lineage), "%s", json_string_value(json_object_get(state, "lineage")));
    }
    if (collect_nodes(&p, err) < 0)
        goto done;
    build_graph(&p);
    if (apply_targets(&p, err) < 0 || read_all(&p, err) < 0)
        goto done;
    order = vp_xcalloc(p.n ? p.n : 1, sizeof(*order));
    if (vp_graph_order(&p.graph, order) < 0) {
        vp_fail(err, VP_E_SPEC_CYCLE, "the resources' dependencies form a cycle");
        goto done;
    }
    for (size_t i = 0; i < p.n; i++)
        if (decide(&p, &p.nodes[order[i]], err) < 0)
            goto done;
    take_changes(&p, order, plan);
    *out = plan;
    plan = NULL;
    ret = 0;
done:
    free(order);
    planner_release(&p);
    vp_plan_free(plan);
    return ret;
}

void vp_change_release(struct vp_change *ch)
{
    free(ch->address);
    free(ch->type);
    free(ch->name);
    free(ch->id);
    json_decref(ch->before);
    json_decref(ch->after);
    json_decref(ch->prior);
    json_decref(ch->changed);
    json_decref(ch->replace_paths);
    json_decref(ch->drifted);
    json_decref(ch->depends_on);
    memset(ch, 0, sizeof(*ch));
}

void vp_plan_free(struct vp_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->n; i++)
        vp_change_release(&plan->changes[i]);
    free(plan->changes);
    free(plan);
}

int vp_plan_count(const struct vp_plan *plan, int *add, int *change, int *destroy)
{
    *add = *change = *destroy = 0;
    for (size_t i = 0; i < plan->n; i++) {
        switch (plan->changes[i].action) {
        case VP_ACT_CREATE: (*add)++; break;
        case VP_ACT_UPDATE: (*change)++; break;
        case VP_ACT_REPLACE: (*add)++, (*destroy)++; break;
        case VP_ACT_DELETE: (*destroy)++; break;
        case VP_ACT_NOOP: break;
        }
    }
    return *add + *change + *destroy;
}
