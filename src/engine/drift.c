/* drift.c: what changed outside vidpipe: every resource in state read live, in parallel, and compared with
 * the attributes vidpipe last applied. A read that fails is reported as an error for that resource, never
 * as "no drift". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/diff.h"
#include "engine/engine.h"
#include "engine/pool.h"
#include "engine/want.h"

struct drift_job {
    struct vp_drift_item *item;
    const struct vp_resource_type *rt;
    struct vp_aws *aws;
    const struct vp_engine_opts *opts;
};

static void read_one(void *arg)
{
    struct drift_job *j = arg;
    struct vp_drift_item *it = j->item;
    struct vp_err err = { 0 };
    struct vp_call c = {
        .aws = j->aws, .err = &err, .address = it->address,
        .wait_poll_ms = j->opts->wait_poll_ms, .wait_timeout_ms = j->opts->wait_timeout_ms,
    };

    it->changed = json_array();
    if (j->rt->read(&c, it->id, &it->live) < 0) {
        it->error = vp_xstrdup(err.msg[0] ? err.msg : "the read failed without a message");
        it->error_code = err.code ? err.code : VP_E_AWS;
        it->http_status = err.http_status;
        snprintf(it->aws_code, sizeof(it->aws_code), "%s", err.aws_code);
        json_decref(it->live);      /* whatever a failed read left is not the live resource */
        it->live = NULL;
        return;
    }
    if (!it->live) {
        json_array_append_new(it->changed, json_string("(deleted outside vidpipe)"));
        return;
    }
    vp_want_copy_local(j->rt->attrs, it->prior, it->live);
    vp_diff(j->rt->attrs, it->prior, it->live, true, it->changed, NULL);
}

static bool targeted(const struct vp_engine_opts *opts, const char *address, const char *name)
{
    if (!opts->n_targets)
        return true;
    for (size_t t = 0; t < opts->n_targets; t++)
        if (strcmp(opts->targets[t], address) == 0 || (name && strcmp(opts->targets[t], name) == 0))
            return true;
    return false;
}

int vp_engine_drift(struct vp_aws *aws, const json_t *state, const struct vp_engine_opts *opts,
                    struct vp_drift **out, struct vp_err *err)
{
    json_t *resources = json_object_get(state, "resources"), *rec;
    size_t n = json_array_size(resources), i, k = 0;
    struct vp_drift *d = vp_xcalloc(1, sizeof(*d));
    struct drift_job *jobs = vp_xcalloc(n ? n : 1, sizeof(*jobs));
    void **ptrs = vp_xcalloc(n ? n : 1, sizeof(*ptrs));

    vp_aws_limit_in_flight(aws, opts->parallelism);    /* requests, not only resources: providers read parts at once */

    d->items = vp_xcalloc(n ? n : 1, sizeof(*d->items));
    json_array_foreach(resources, i, rec) {
        const char *address = json_string_value(json_object_get(rec, "address"));
        const char *type = json_string_value(json_object_get(rec, "type"));
        const struct vp_resource_type *rt = type ? vp_resource_type_find(type) : NULL;
        struct vp_drift_item *it;

        if (!address || !targeted(opts, address, json_string_value(json_object_get(rec, "name"))))
            continue;
        if (!rt) {
            vp_drift_free(d);
            free(jobs);
            free(ptrs);
            return vp_fail(err, VP_E_STATE, "state resource '%s' has unknown type '%s'", address, type ? type : "?");
        }
        it = &d->items[d->n++];
        it->address = vp_xstrdup(address);
        it->type = vp_xstrdup(type);
        it->id = vp_xstrdup(json_string_value(json_object_get(rec, "id")) ? json_string_value(json_object_get(rec, "id")) : "");
        it->prior = json_incref(json_object_get(rec, "attributes"));
        jobs[k] = (struct drift_job){ .item = it, .rt = rt, .aws = aws, .opts = opts };
        ptrs[k] = &jobs[k];
        k++;
    }
    vp_pool_run(ptrs, k, read_one, opts->parallelism);
    for (i = 0; i < d->n; i++) {
        if (d->items[i].error)
            d->errors++;
        else if (json_array_size(d->items[i].changed))
            d->drifted++;
    }
    free(jobs);
    free(ptrs);
    *out = d;
    return 0;
}

void vp_drift_free(struct vp_drift *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].address);
        free(d->items[i].type);
        free(d->items[i].id);
        free(d->items[i].error);
        json_decref(d->items[i].prior);
        json_decref(d->items[i].live);
        json_decref(d->items[i].changed);
    }
    free(d->items);
    free(d);
}
