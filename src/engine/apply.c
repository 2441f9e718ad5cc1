/* apply.c: carrying out a plan.
 *
 * DESIGN: each change is a task that waits for the tasks it depends on (a delete waits instead for the
 * deletes of what depended on it). Up to --parallelism tasks run at once on worker threads; only this
 * (the calling) thread evaluates inputs and writes state. Before a create, the resource is recorded with
 * status "creating" and its physical id, so a crash mid-create leaves a record the next plan reads and
 * adopts; after every finished operation the state is written at once (completions that arrive together,
 * and the creates they let start, share one write). A failed task skips what depends on it while independent
 * tasks go on; the first SIGINT stops new work, lets what is in flight finish, writes state and returns
 * VP_E_INTERRUPTED. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "engine/diff.h"
#include "engine/engine.h"
#include "engine/want.h"

enum task_state { T_WAITING, T_READY, T_RUNNING, T_DONE, T_FAILED, T_SKIPPED };
enum task_op { OP_CREATE, OP_UPDATE, OP_DELETE };

struct task {
    const struct vp_change *ch;
    enum task_state state;
    enum task_op op;
    bool replacing;                 /* a replace: delete first, then create */
    size_t waiting_for;             /* unfinished prerequisites */
    size_t *dependents, n_dependents;
    /* the operation, handed to a worker and back */
    json_t *want;
    json_t *live;
    char *id;
    int rc;
    struct vp_err err;
    struct timespec started;
    struct task *next_done;
};

struct walker {
    struct vp_aws *aws;
    const struct vp_spec *spec;
    struct vp_backend *backend;
    json_t *state;
    const struct vp_engine_opts *opts;
    struct task *tasks;
    size_t n;
    /* shared with workers, under lock */
    pthread_mutex_t lock;
    pthread_cond_t work_cv, done_cv;
    struct task **queue;            /* dispatched, not yet taken by a worker */
    size_t queued, queue_cap;
    struct task *done;              /* finished by workers, not yet recorded */
    bool shutdown;
    /* main thread only */
    size_t running;
    struct vp_err first_err;
    bool failed, state_broken;
    bool dirty;                     /* state changed since it was last written */
};

static double seconds_since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void run_operation(struct walker *w, struct task *t)
{
    struct vp_call c = {
        .aws = w->aws, .err = &t->err, .address = t->ch->address,
        .wait_poll_ms = w->opts->wait_poll_ms, .wait_timeout_ms = w->opts->wait_timeout_ms,
    };
    const struct vp_resource_type *rt = t->ch->rt;
    char *new_id = NULL;

    switch (t->op) {
    case OP_CREATE:
        t->rc = rt->create(&c, t->want, &new_id, &t->live);
        if (t->rc == 0) {
            free(t->id);
            t->id = new_id;
        }
        break;
    case OP_UPDATE:
        t->rc = rt->update(&c, t->id, t->ch->before, t->want, &t->live);
        break;
    case OP_DELETE:
        t->rc = rt->delete(&c, t->id, t->ch->before ? t->ch->before : t->ch->prior);
        break;
    }
}

static void *worker(void *arg)
{
    struct walker *w = arg;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct task *t;
        while (!w->queued && !w->shutdown)
            pthread_cond_wait(&w->work_cv, &w->lock);
        if (!w->queued)
            break;
        t = w->queue[--w->queued];
        pthread_mutex_unlock(&w->lock);
        run_operation(w, t);
        pthread_mutex_lock(&w->lock);
        t->next_done = w->done;
        w->done = t;
        pthread_cond_signal(&w->done_cv);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static ssize_t task_of(struct walker *w, const char *address)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->tasks[i].ch->address, address) == 0)
            return (ssize_t)i;
    return -1;
}

static void add_prerequisite(struct walker *w, size_t task, size_t before)
{
    struct task *b = &w->tasks[before];

    b->dependents = vp_xrealloc(b->dependents, (b->n_dependents + 1) * sizeof(*b->dependents));
    b->dependents[b->n_dependents++] = task;
    w->tasks[task].waiting_for++;
}

/* A task waits for what it depends on; a delete waits for the deletes of what depended on it. */
static void link_tasks(struct walker *w)
{
    for (size_t i = 0; i < w->n; i++) {
        const struct vp_change *ch = w->tasks[i].ch;
        size_t k;
        json_t *dep;

        json_array_foreach(ch->depends_on, k, dep) {
            ssize_t j = task_of(w, json_string_value(dep));
            if (j < 0 || (size_t)j == i)
                continue;
            if (ch->action == VP_ACT_DELETE && w->tasks[j].ch->action == VP_ACT_DELETE)
                add_prerequisite(w, (size_t)j, i);      /* delete the dependent (i) before j */
            else if (ch->action != VP_ACT_DELETE)
                add_prerequisite(w, i, (size_t)j);
        }
    }
}

static int write_state(struct walker *w)
{
    struct vp_err err = { 0 };

    if (!w->dirty)
        return 0;
    if (w->backend->write(w->backend, w->state, &err) == 0) {
        w->dirty = false;
        return 0;
    }
    if (!w->state_broken) {
        w->first_err = err;
        vp_err_prefix(&w->first_err, "writing state");
    }
    w->state_broken = w->failed = true;
    return -1;
}

/* References during apply: the resource is done, so its recorded attributes are what it is now. */
static int resolve_applied(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err)
{
    struct walker *w = ctx;
    const struct vp_spec_resource *r = vp_spec_find(w->spec, resource);
    json_t *rec = r ? vp_state_resource(w->state, r->address) : NULL;
    json_t *v = rec ? json_object_get(json_object_get(rec, "attributes"), attr) : NULL;

    *value = NULL;
    if (!v)
        return vp_fail(err, VP_E_STATE, "reference to '%s.%s': no value recorded for it", resource, attr);
    *value = json_incref(v);
    return 0;
}

/* For outputs: a reference to a resource not in state (skipped by --target) leaves the output out. */
static int resolve_for_output(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err)
{
    struct walker *w = ctx;
    const struct vp_spec_resource *r = vp_spec_find(w->spec, resource);
    json_t *rec = r ? vp_state_resource(w->state, r->address) : NULL;
    json_t *v = rec ? json_object_get(json_object_get(rec, "attributes"), attr) : NULL;

    (void)err;
    *value = v ? json_incref(v) : NULL;
    return 0;
}

static void record(struct walker *w, const struct task *t, const char *status, json_t *attributes)
{
    json_t *scrubbed = attributes ? vp_json_scrub(t->ch->rt->attrs, attributes) : NULL;
    json_t *hidden = scrubbed && w->spec ? vp_json_hide_secrets(scrubbed, w->spec->secrets, true) : NULL;

    /* Nothing secret reaches state: sensitive attributes and values holding a sensitive variable's value are
     * kept as digests, which comparisons see through. */
    vp_state_put(w->state, t->ch->address, t->ch->type, t->ch->name, t->id, status, hidden ? hidden : scrubbed,
                 t->ch->depends_on);
    json_decref(hidden);
    json_decref(scrubbed);
    w->dirty = true;
}

/* Prepares a task on the main thread (a create is recorded "creating", not yet written): 0, or -1 when it
 * failed before starting. */
static int prepare(struct walker *w, struct task *t)
{
    bool unknown = false;

    clock_gettime(CLOCK_MONOTONIC, &t->started);
    if (t->op != OP_DELETE) {
        json_decref(t->want);
        t->want = NULL;
        if (vp_want_build(w->spec, t->ch->res, t->ch->rt, resolve_applied, w, &t->want, &unknown, &t->err) < 0)
            return -1;
        if (unknown) {
            vp_fail(&t->err, VP_E_STATE, "%s: some values are still unknown at apply time", t->ch->address);
            return -1;
        }
    }
    if (t->op == OP_CREATE) {
        json_t *id = json_object_get(t->want, t->ch->rt->id_attr);
        free(t->id);
        t->id = json_is_string(id) ? vp_xstrdup(json_string_value(id)) : NULL;
        record(w, t, "creating", t->want);  /* found and adopted by the next run if this one dies */
    }
    return 0;
}

/* Hands a prepared task to a worker, once its "creating" record is written. */
static void hand_over(struct walker *w, struct task *t)
{
    if (w->opts->progress)
        w->opts->progress(w->opts->progress_ctx, t->ch, t->op == OP_DELETE && t->replacing ? "start-replace" : "start",
                          0, NULL);
    t->state = T_RUNNING;
    pthread_mutex_lock(&w->lock);
    w->queue[w->queued++] = t;
    pthread_cond_signal(&w->work_cv);
    pthread_mutex_unlock(&w->lock);
    w->running++;
}

static void skip_dependents(struct walker *w, struct task *t)
{
    for (size_t d = 0; d < t->n_dependents; d++) {
        struct task *dep = &w->tasks[t->dependents[d]];
        if (dep->state == T_WAITING || dep->state == T_READY) {
            dep->state = T_SKIPPED;
            skip_dependents(w, dep);
        }
    }
}

static void finish(struct walker *w, struct task *t)
{
    t->state = T_DONE;
    for (size_t d = 0; d < t->n_dependents; d++) {
        struct task *dep = &w->tasks[t->dependents[d]];
        if (--dep->waiting_for == 0 && dep->state == T_WAITING)
            dep->state = T_READY;
    }
}

static void fail(struct walker *w, struct task *t)
{
    if (!w->failed)
        w->first_err = t->err;
    w->failed = true;
    t->state = T_FAILED;
    skip_dependents(w, t);
    if (w->opts->progress)
        w->opts->progress(w->opts->progress_ctx, t->ch, "failed", seconds_since(&t->started), &t->err);
}

/* Records one finished operation in state (main thread). */
static void complete(struct walker *w, struct task *t)
{
    w->running--;
    if (t->rc < 0) {
        fail(w, t);
        return;
    }
    if (t->op == OP_DELETE) {
        vp_state_remove(w->state, t->ch->address);
        w->dirty = true;
        if (t->replacing) {             /* the second half of a replace: create it again */
            t->op = OP_CREATE;
            t->state = T_READY;
            return;
        }
    } else {
        const struct vp_attr *aws_id = vp_schema_attr(t->ch->rt->attrs, "id");
        const char *live_id = json_string_value(json_object_get(t->live, "id"));
        /* An adopted create (recorded "creating" under its name, found by name) takes the id AWS gave it, as
         * create would have returned it: a computed "id" is the physical id (an HTTP API's generated id). */
        if (t->ch->adopting && aws_id && aws_id->on_change == VP_COMPUTED && live_id && *live_id) {
            free(t->id);
            t->id = vp_xstrdup(live_id);
        }
        vp_want_copy_local(t->ch->rt->attrs, t->want, t->live);
        record(w, t, "ready", t->live);
    }
    if (w->opts->progress)
        w->opts->progress(w->opts->progress_ctx, t->ch, "done", seconds_since(&t->started), NULL);
    json_decref(t->live);
    t->live = NULL;
    finish(w, t);
}

/* A no-op still refreshes the record when AWS or vidpipe's own settings moved. */
static void complete_noop(struct walker *w, struct task *t)
{
    json_t *rec = vp_state_resource(w->state, t->ch->address);

    if (!t->id && t->ch->id)        /* init_tasks set it already when the plan knew it */
        t->id = vp_xstrdup(t->ch->id);
    if (t->ch->before && (!rec || !vp_json_same(json_object_get(rec, "attributes"), t->ch->before)))
        record(w, t, "ready", t->ch->before);
    finish(w, t);
}

static void init_tasks(struct walker *w, const struct vp_plan *plan)
{
    w->n = plan->n;
    w->tasks = vp_xcalloc(w->n ? w->n : 1, sizeof(*w->tasks));
    w->queue_cap = w->n ? w->n : 1;
    w->queue = vp_xcalloc(w->queue_cap, sizeof(*w->queue));
    for (size_t i = 0; i < w->n; i++) {
        struct task *t = &w->tasks[i];
        t->ch = &plan->changes[i];
        t->id = t->ch->id ? vp_xstrdup(t->ch->id) : NULL;
        switch (t->ch->action) {
        case VP_ACT_CREATE: t->op = OP_CREATE; break;
        case VP_ACT_UPDATE: t->op = OP_UPDATE; break;
        case VP_ACT_REPLACE: t->op = OP_DELETE, t->replacing = true; break;
        case VP_ACT_DELETE: t->op = OP_DELETE; break;
        case VP_ACT_NOOP: t->op = OP_UPDATE; break;
        }
    }
    link_tasks(w);
    for (size_t i = 0; i < w->n; i++)
        if (w->tasks[i].waiting_for == 0)
            w->tasks[i].state = T_READY;
}

static bool stopping(struct walker *w)
{
    return w->state_broken || (w->opts->interrupted && *w->opts->interrupted);
}

/* Starts every ready task there is room for; no-ops complete at once. True if anything happened. The creates
 * started together (and the completions recorded just before) share one state write, made before any of
 * them is sent: a write per operation made a long apply spend its time writing state. */
static bool start_ready(struct walker *w, size_t parallelism)
{
    struct task **batch = vp_xcalloc(parallelism, sizeof(*batch));
    size_t n_batch = 0;
    bool progressed = false;

    for (size_t i = 0; i < w->n && !stopping(w); i++) {
        struct task *t = &w->tasks[i];
        if (t->state != T_READY)
            continue;
        if (t->ch->action == VP_ACT_NOOP) {
            complete_noop(w, t);
            progressed = true;
            continue;
        }
        if (w->running + n_batch >= parallelism)
            break;
        t->state = T_RUNNING;           /* taken: not seen as ready again while the batch is made */
        if (prepare(w, t) < 0)
            fail(w, t);
        else
            batch[n_batch++] = t;
        progressed = true;
    }
    if (n_batch && write_state(w) < 0) {
        for (size_t i = 0; i < n_batch; i++) {
            batch[i]->err = w->first_err;
            fail(w, batch[i]);
        }
        n_batch = 0;
    }
    for (size_t i = 0; i < n_batch; i++)
        hand_over(w, batch[i]);
    free(batch);
    return progressed;
}

static void walk(struct walker *w)
{
    size_t parallelism = w->opts->parallelism > 0 ? (size_t)w->opts->parallelism : 1;

    for (;;) {
        struct task *done;

        while (start_ready(w, parallelism))
            ;
        write_state(w);                 /* the completions no start's write took along */
        if (w->running == 0)
            break;
        pthread_mutex_lock(&w->lock);
        while (!w->done)
            pthread_cond_wait(&w->done_cv, &w->lock);
        done = w->done;
        w->done = NULL;
        pthread_mutex_unlock(&w->lock);
        for (; done; done = done->next_done)
            complete(w, done);
    }
}

/* What state keeps of an output: a sensitive one, or any value holding a secret, only as its digest. */
static json_t *output_for_state(const struct vp_spec_output *o, const json_t *v, const json_t *secrets)
{
    char *digest;
    json_t *kept;

    if (!o->sensitive)
        return vp_json_hide_secrets(v, secrets, true);
    digest = vp_json_digest(v);
    kept = json_string(digest);
    free(digest);
    return kept;
}

static int outputs_into_state(struct walker *w, struct vp_err *err)
{
    json_t *outputs = json_object();

    for (size_t i = 0; w->spec && i < w->spec->n_outputs; i++) {
        const struct vp_spec_output *o = &w->spec->outputs[i];
        json_t *v = NULL;
        bool unknown = false;
        if (vp_spec_eval(w->spec, o->value, NULL, resolve_for_output, w, &v, &unknown, err) < 0) {
            json_decref(outputs);
            return vp_err_prefix(err, "output '%s'", o->name);
        }
        if (unknown) {
            json_decref(v);         /* refers to something not applied (a --target run) */
        } else {
            json_object_set_new(outputs, o->name, output_for_state(o, v, w->spec->secrets));
            json_decref(v);
        }
    }
    if (!vp_json_same(outputs, json_object_get(w->state, "outputs")))
        w->dirty = true;
    json_object_set_new(w->state, "outputs", outputs);
    return 0;
}

int vp_engine_apply(struct vp_aws *aws, const struct vp_spec *spec, struct vp_backend *backend, json_t *state,
                    const struct vp_plan *plan, const struct vp_engine_opts *opts, struct vp_err *err)
{
    struct walker w = { .aws = aws, .spec = spec, .backend = backend, .state = state, .opts = opts };
    size_t threads = opts->parallelism > 0 ? (size_t)opts->parallelism : 1, started = 0;
    pthread_t *ids;
    size_t not_done = 0;

    vp_aws_limit_in_flight(aws, opts->parallelism);    /* requests, not only resources: providers read parts at once */
    int ret = 0;

    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.work_cv, NULL);
    pthread_cond_init(&w.done_cv, NULL);
    init_tasks(&w, plan);
    if (threads > w.n)
        threads = w.n ? w.n : 1;
    ids = vp_xcalloc(threads, sizeof(*ids));
    for (size_t i = 0; i < threads; i++)
        if (pthread_create(&ids[i], NULL, worker, &w) == 0)
            started++;
    if (started == 0) {
        vp_fail(err, VP_E_STATE, "cannot start worker threads");
        ret = -1;
    } else {
        walk(&w);
    }
    pthread_mutex_lock(&w.lock);
    w.shutdown = true;
    pthread_cond_broadcast(&w.work_cv);
    pthread_mutex_unlock(&w.lock);
    for (size_t i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    for (size_t i = 0; i < w.n; i++)
        if (w.tasks[i].state != T_DONE)
            not_done++;
    if (ret == 0 && !w.failed && !not_done && spec && !plan->destroy && outputs_into_state(&w, err) < 0)
        ret = -1;
    else if (ret == 0 && !w.state_broken && plan->destroy && !not_done &&
             json_object_size(json_object_get(state, "outputs"))) {
        json_object_set_new(state, "outputs", json_object());
        w.dirty = true;
    }
    if (ret == 0 && !w.state_broken && write_state(&w) < 0)
        ret = -1;
    if (ret == 0 && w.failed) {
        *err = w.first_err;
        ret = -1;
    } else if (ret == 0 && not_done) {
        vp_fail(err, VP_E_INTERRUPTED, "interrupted: %zu of %zu operations not done; state saved, run again to finish",
                not_done, w.n);
        ret = -1;
    }
    for (size_t i = 0; i < w.n; i++) {
        json_decref(w.tasks[i].want);
        json_decref(w.tasks[i].live);
        free(w.tasks[i].id);
        free(w.tasks[i].dependents);
    }
    free(w.tasks);
    free(w.queue);
    free(ids);
    pthread_cond_destroy(&w.work_cv);
    pthread_cond_destroy(&w.done_cv);
    pthread_mutex_destroy(&w.lock);
    return ret;
}
