/* serve_async.c: the asynchronous side of `vidpipe serve`: deliveries from S3 notifications and EventBridge
 * rules, queued and run by two workers, each retried twice on a function error as Lambda retries an
 * asynchronous invocation (after 1 s and 2 s here instead of 1 and 2 minutes); and the poller that watches
 * the notified buckets. Also the one place functions are run from (serve_invoke). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/xalloc.h"
#include "local/event_pattern.h"
#include "local/s3_event.h"
#include "local/serve_internal.h"

#define RETRIES 2

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void serve_log(struct server *s, const char *fmt, ...)
{
    FILE *log = s->o->log;
    char when[16];
    time_t t = time(NULL);
    struct tm tm;
    va_list ap;

    if (!log)
        return;
    localtime_r(&t, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    pthread_mutex_lock(&s->log_lock);
    fprintf(log, "%s serve: ", when);
    va_start(ap, fmt);
    vfprintf(log, fmt, ap);
    va_end(ap);
    fputc('\n', log);
    fflush(log);
    pthread_mutex_unlock(&s->log_lock);
}

/* ---- running a function ---- */

/* --env-vars: a function's own entry (by resource name or function name) sets its variables; "Parameters"
 * overrides a variable in every function that has it, as `sam local` does. */
static void apply_overrides(const json_t *overrides, const struct vp_wired_function *f, struct vp_kvlist *env)
{
    const json_t *mine = json_object_get(overrides, f->resource), *v;
    const char *name;

    json_object_foreach((json_t *)json_object_get(overrides, "Parameters"), name, v)
        if (json_is_string(v) && vp_kv_get(env, name))
            vp_kv_set(env, name, json_string_value(v));
    if (!mine)
        mine = json_object_get(overrides, f->fn.name);
    json_object_foreach((json_t *)mine, name, v)
        if (json_is_string(v))
            vp_kv_set(env, name, json_string_value(v));
}

int serve_invoke(struct server *s, size_t fn, const char *event, size_t len, long timeout_ms,
                 struct vp_invoke_result *res, struct vp_err *err)
{
    const struct vp_wired_function *f = &s->o->wiring->functions[fn];
    struct vp_kvlist env = { 0 };
    struct vp_function_config cfg = {
        .name = f->fn.name, .zip_path = f->fn.zip_path, .region = s->o->region, .handler = f->fn.handler,
        .timeout_s = f->fn.timeout_s, .memory_mb = f->fn.memory_mb, .environment = &env, .creds = s->o->creds,
        .interrupted = s->o->stop,
    };
    int rc;

    (void)timeout_ms;                   /* API Gateway's own limit is at most 30 s; the function's rules */
    vp_kv_copy(&env, &f->fn.environment);
    apply_overrides(s->o->env_overrides, f, &env);
    rc = vp_function_invoke(&cfg, event, len, s->o->log, res, err);
    vp_kv_release(&env);
    if (rc == 0 && res->status != VP_INVOKE_RESPONSE)
        serve_log(s, "%s: %s: %s", f->fn.name, res->error_type ? res->error_type : "error",
                  res->error_message ? res->error_message : "");
    return rc;
}

/* ---- the queue ---- */

static void push(struct server *s, struct delivery *d)
{
    struct delivery **p = &s->queue;

    while (*p)
        p = &(*p)->next;
    d->next = NULL;
    *p = d;
    pthread_cond_broadcast(&s->wake);
}

void serve_enqueue(struct server *s, size_t fn, json_t *event, const char *what)
{
    struct delivery *d = vp_xcalloc(1, sizeof(*d));

    d->fn = fn;
    d->event = json_dumps(event, JSON_COMPACT);
    d->len = strlen(d->event);
    d->what = vp_xstrdup(what);
    json_decref(event);
    pthread_mutex_lock(&s->lock);
    push(s, d);
    pthread_mutex_unlock(&s->lock);
}

static void free_delivery(struct delivery *d)
{
    free(d->event);
    free(d->what);
    free(d);
}

/* The first delivery that is due, waiting for one; NULL when stopping. */
static struct delivery *take(struct server *s)
{
    struct delivery *d = NULL;

    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        long long now = now_ms(), soonest = 0;
        struct delivery **p;

        for (p = &s->queue; *p; p = &(*p)->next) {
            if ((*p)->not_before_ms <= now)
                break;
            if (!soonest || (*p)->not_before_ms < soonest)
                soonest = (*p)->not_before_ms;
        }
        if (*p) {
            d = *p;
            *p = d->next;
            break;
        }
        if (soonest) {
            struct timespec until = { .tv_sec = soonest / 1000, .tv_nsec = (soonest % 1000) * 1000000 };
            pthread_cond_timedwait(&s->wake, &s->lock, &until);
        } else {
            pthread_cond_wait(&s->wake, &s->lock);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return d;
}

static void *worker(void *arg)
{
    struct server *s = arg;
    struct delivery *d;

    while ((d = take(s))) {
        const char *name = s->o->wiring->functions[d->fn].fn.name;
        struct vp_invoke_result res;
        struct vp_err err = { 0 };
        bool failed = true;

        serve_log(s, "%s -> %s%s", d->what, name, d->attempt ? " (retry)" : "");
        if (serve_invoke(s, d->fn, d->event, d->len, 0, &res, &err) < 0) {
            serve_log(s, "%s: cannot run: %s", name, err.msg);
        } else {
            failed = res.status != VP_INVOKE_RESPONSE;
            if (!failed)
                serve_log(s, "%s -> %s: done (%ld ms)", d->what, name, res.duration_ms);
            if (res.status == VP_INVOKE_INTERRUPTED)
                failed = false;
            vp_invoke_result_release(&res);
        }
        if (failed && d->attempt < RETRIES) {
            d->attempt++;
            d->not_before_ms = now_ms() + 1000L * d->attempt;
            pthread_mutex_lock(&s->lock);
            push(s, d);
            pthread_mutex_unlock(&s->lock);
            continue;
        }
        if (failed)
            serve_log(s, "%s -> %s: failed after %d retries; the event is dropped", d->what, name, RETRIES);
        free_delivery(d);
    }
    return NULL;
}

/* ---- EventBridge ---- */

void serve_deliver_event(struct server *s, const json_t *event)
{
    const struct vp_wiring *w = s->o->wiring;
    const char *type = json_string_value(json_object_get(event, "detail-type"));

    for (size_t i = 0; i < w->n_rules; i++) {
        const struct vp_wired_rule *r = &w->rules[i];
        char *what;

        if (!r->enabled || !vp_event_pattern_match(r->pattern, event))
            continue;
        what = vp_xasprintf("rule %s (%s)", r->name ? r->name : r->address, type ? type : "event");
        for (size_t j = 0; j < r->n_fns; j++)
            serve_enqueue(s, r->fns[j], json_deep_copy(event), what);
        free(what);
    }
}

/* ---- S3 ---- */

struct s3_poll_ctx {
    struct server *s;
    const char *bucket;
};

static void on_s3_object(void *ctx, const struct vp_s3_object_event *e)
{
    struct s3_poll_ctx *pc = ctx;
    const struct vp_wiring *w = pc->s->o->wiring;

    for (size_t i = 0; i < w->n_s3; i++) {
        const struct vp_wired_s3 *wire = &w->s3[i];
        struct vp_s3_object_event mine = *e;
        json_t *record;
        char *what;

        if (strcmp(wire->bucket, pc->bucket) != 0 ||
            !vp_s3_notification_selects((const char *const *)wire->events, wire->n_events, wire->prefix, wire->suffix,
                                        e->event_name, e->key))
            continue;
        mine.configuration_id = wire->config_id;
        mine.region = pc->s->o->region;
        record = vp_s3_event_record(&mine, time(NULL));
        what = vp_xasprintf("s3 %s %s/%s", e->event_name, e->bucket, e->key);
        serve_enqueue(pc->s, wire->fn, json_pack("{s:[o]}", "Records", record), what);
        free(what);
    }
}

static bool sleep_unless_stopping(struct server *s, long ms)
{
    struct timespec until;
    long long t = now_ms() + ms;
    bool stopping;

    until.tv_sec = t / 1000;
    until.tv_nsec = (t % 1000) * 1000000;
    pthread_mutex_lock(&s->lock);
    if (!s->stopping)
        pthread_cond_timedwait(&s->wake, &s->lock, &until);
    stopping = s->stopping;
    pthread_mutex_unlock(&s->lock);
    return !stopping;
}

static void *poller(void *arg)
{
    struct server *s = arg;
    long interval = s->o->poll_ms > 0 ? s->o->poll_ms : 500;

    do {
        for (size_t i = 0; i < s->n_watches; i++) {
            struct serve_watch *sw = &s->watches[i];
            struct s3_poll_ctx ctx = { s, sw->bucket };
            struct vp_err err = { 0 };

            if (!sw->watch) {
                if (vp_s3_watch_new(sw->bucket, s->o->region, NULL, &sw->watch, &err) < 0)
                    serve_log(s, "s3: cannot watch bucket %s yet: %s", sw->bucket, err.msg);
                continue;
            }
            if (vp_s3_watch_poll(sw->watch, on_s3_object, &ctx, &err) < 0)
                serve_log(s, "s3: listing %s: %s", sw->bucket, err.msg);
        }
    } while (sleep_unless_stopping(s, interval));
    return NULL;
}

/* ---- start and stop ---- */

static void add_watch(struct server *s, const char *bucket)
{
    for (size_t i = 0; i < s->n_watches; i++)
        if (strcmp(s->watches[i].bucket, bucket) == 0)
            return;
    s->watches = vp_xrealloc(s->watches, (s->n_watches + 1) * sizeof(*s->watches));
    s->watches[s->n_watches].bucket = vp_xstrdup(bucket);
    s->watches[s->n_watches++].watch = NULL;
}

int serve_async_start(struct server *s, struct vp_err *err)
{
    const struct vp_wiring *w = s->o->wiring;

    for (size_t i = 0; i < w->n_s3; i++) {
        struct vp_err werr = { 0 };
        add_watch(s, w->s3[i].bucket);
        /* the baseline now, so that what is uploaded from here on is delivered */
        if (vp_s3_watch_new(w->s3[i].bucket, s->o->region, NULL, &s->watches[s->n_watches - 1].watch, &werr) < 0 &&
            !s->watches[s->n_watches - 1].watch)
            serve_log(s, "s3: cannot watch bucket %s yet: %s", w->s3[i].bucket, werr.msg);
    }
    for (s->n_workers = 0; s->n_workers < SERVE_WORKERS; s->n_workers++)
        if (pthread_create(&s->workers[s->n_workers], NULL, worker, s) != 0)
            return vp_fail(err, VP_E_IO, "cannot start a worker thread");
    if (s->n_watches) {
        if (pthread_create(&s->poller, NULL, poller, s) != 0)
            return vp_fail(err, VP_E_IO, "cannot start the S3 poller thread");
        s->poller_running = true;
    }
    return 0;
}

void serve_async_stop(struct server *s)
{
    size_t dropped = 0;

    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < s->n_workers; i++)
        pthread_join(s->workers[i], NULL);
    if (s->poller_running)
        pthread_join(s->poller, NULL);
    while (s->queue) {
        struct delivery *d = s->queue;
        s->queue = d->next;
        free_delivery(d);
        dropped++;
    }
    if (dropped)
        serve_log(s, "stopping: %zu queued deliveries dropped", dropped);
    for (size_t i = 0; i < s->n_watches; i++) {
        vp_s3_watch_free(s->watches[i].watch);
        free(s->watches[i].bucket);
    }
    free(s->watches);
}
