/* engine.h: plan, apply, destroy and drift. Three pictures are kept apart, as in Terraform: the spec (what
 * is wanted), the state (what vidpipe last applied) and the live read (what AWS has now). A plan is the spec
 * against the live read; drift is the live read against the state.
 *
 * Thread-safety: the engine runs provider operations on worker threads (up to opts->parallelism at once)
 * but only the calling thread writes state. */
#ifndef VP_ENGINE_ENGINE_H
#define VP_ENGINE_ENGINE_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>

#include "aws/client.h"
#include "engine/resource.h"
#include "engine/state.h"
#include "spec/spec.h"

enum vp_action { VP_ACT_NOOP, VP_ACT_CREATE, VP_ACT_UPDATE, VP_ACT_REPLACE, VP_ACT_DELETE };

/* "no-op", "create", "update", "replace", "delete" */
const char *vp_action_name(enum vp_action action);

struct vp_change {
    char *address, *type, *name;
    const struct vp_resource_type *rt;
    const struct vp_spec_resource *res;     /* NULL when the resource is only in state (a delete) */
    enum vp_action action;
    char *id;                               /* the physical id; NULL while unknown */
    json_t *before;                         /* live attributes; NULL when it does not exist */
    json_t *after;                          /* wanted attributes; NULL for a delete; may hold unknowns */
    json_t *prior;                          /* last applied attributes (state); NULL when not in state */
    json_t *changed;                        /* paths that differ: ["cors_rules", "tags.env"] */
    json_t *replace_paths;                  /* the changed paths that force a replacement */
    json_t *drifted;                        /* paths where live differs from the last applied state */
    json_t *depends_on;                     /* addresses this resource depends on */
    bool unknown;                           /* some wanted values are known only after apply */
    bool adopting;                          /* in state as "creating": found live, taken over */
};

struct vp_plan {
    struct vp_change *changes;              /* in dependency order (reverse for destroy) */
    size_t n;
    bool destroy;
    bool have_state;
    char lineage[40];
    long serial;                            /* the state's serial the plan was made from */
};

struct vp_engine_opts {
    int parallelism;                        /* operations at once; 10 by default */
    const char *const *targets;             /* --target: addresses or names; NULL/0: everything */
    size_t n_targets;
    long wait_poll_ms, wait_timeout_ms;     /* waiters (0: the providers' defaults) */
    volatile sig_atomic_t *interrupted;     /* set by the first SIGINT: finish in-flight work, then stop */
    /* Called on the calling thread as operations start ("start") and end ("done", "failed"). */
    void (*progress)(void *ctx, const struct vp_change *change, const char *event, double seconds,
                     const struct vp_err *err);
    void *progress_ctx;
};

void vp_engine_opts_init(struct vp_engine_opts *opts);

/* Reads every resource of the spec and of the state, and plans what makes AWS match the spec (or, with
 * destroy, what removes everything the state knows). */
int vp_engine_plan(struct vp_aws *aws, const struct vp_spec *spec, const json_t *state,
                   const struct vp_engine_opts *opts, bool destroy, struct vp_plan **out, struct vp_err *err);
/* Carries out a plan; every finished operation is written to state at once through backend. state is
 * updated in place. On failure the operations that finished are recorded and the first error returned. */
int vp_engine_apply(struct vp_aws *aws, const struct vp_spec *spec, struct vp_backend *backend, json_t *state,
                    const struct vp_plan *plan, const struct vp_engine_opts *opts, struct vp_err *err);
int vp_plan_count(const struct vp_plan *plan, int *add, int *change, int *destroy);
void vp_plan_free(struct vp_plan *plan);

/* Drift: every resource in state read live and compared with its last applied attributes. */
struct vp_drift_item {
    char *address, *type, *id;
    json_t *prior, *live;                   /* live NULL: deleted outside vidpipe */
    json_t *changed;                        /* paths */
    char *error;                            /* the read failed: this, never "no drift" */
    enum vp_errcode error_code;             /* and why, when error is set: VP_E_AWS_SERVICE, ... */
    int http_status;                        /* the failed call's HTTP status (service errors), else 0 */
    char aws_code[64];                      /* the service's error code ("AccessDeniedException"), or "" */
};

struct vp_drift {
    struct vp_drift_item *items;
    size_t n;
    int drifted, errors;
};

int vp_engine_drift(struct vp_aws *aws, const json_t *state, const struct vp_engine_opts *opts,
                    struct vp_drift **out, struct vp_err *err);
void vp_drift_free(struct vp_drift *drift);

#endif
