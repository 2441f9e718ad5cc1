/* common.c: waiters, tag shapes and JSON accessors shared by the providers. */
#include "resources/common.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/xalloc.h"
#include "engine/diff.h"

#define DEFAULT_POLL_MS 1000L
#define DEFAULT_TIMEOUT_MS (10L * 60 * 1000)

static long ms_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

void vp_res_sleep_ms(long ms)
{
    struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

    while (nanosleep(&t, &t) < 0)
        ;
}

int vp_res_wait(struct vp_call *c, const char *what, vp_res_poll_fn *poll, void *ctx)
{
    long poll_ms = c->wait_poll_ms > 0 ? c->wait_poll_ms : DEFAULT_POLL_MS;
    long timeout_ms = c->wait_timeout_ms > 0 ? c->wait_timeout_ms : DEFAULT_TIMEOUT_MS;
    struct timespec start;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        bool done = false;

        if (poll(c, ctx, &done) < 0)
            return -1;
        if (done)
            return 0;
        if (ms_since(&start) + poll_ms > timeout_ms)
            return vp_fail(c->err, VP_E_AWS, "%s: gave up after %.1f s waiting %s", c->address,
                           (double)timeout_ms / 1000.0, what);
        vp_res_sleep_ms(poll_ms);
    }
}

bool vp_res_err_is(const struct vp_err *err, const char *aws_code)
{
    return err->code == VP_E_AWS_SERVICE && strcmp(err->aws_code, aws_code) == 0;
}

int vp_res_context(struct vp_call *c, const char *fmt, ...)
{
    char context[256];
    va_list ap;

    if (c->err->code == VP_E_AWS)
        return -1;
    va_start(ap, fmt);
    vsnprintf(context, sizeof(context), fmt, ap);
    va_end(ap);
    return vp_err_prefix(c->err, "%s", context);
}

json_t *vp_res_tags_from_list(const json_t *list)
{
    json_t *tags = json_object(), *item;
    size_t i;

    json_array_foreach(list, i, item) {
        const char *key = vp_res_str(item, "Key"), *value = vp_res_str(item, "Value");
        if (key)
            json_object_set_new(tags, key, json_string(value ? value : ""));
    }
    return tags;
}

json_t *vp_res_tags_to_list(const json_t *tags)
{
    json_t *list = json_array(), *value;
    const char *key;

    json_object_foreach((json_t *)tags, key, value)
        json_array_append_new(list, json_pack("{s:s, s:s}", "Key", key, "Value",
                                              json_is_string(value) ? json_string_value(value) : ""));
    return list;
}

const char *vp_res_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

bool vp_res_bool(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

long long vp_res_int(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_integer(v) ? (long long)json_integer_value(v) : json_is_real(v) ? (long long)json_real_value(v) : 0;
}

bool vp_res_changed(const json_t *want, const json_t *have, const char *key)
{
    json_t *w = json_object_get(want, key), *h = json_object_get(have, key);

    /* vp_json_same() counts two absent values as different */
    if ((!w || json_is_null(w)) && (!h || json_is_null(h)))
        return false;
    return !vp_json_same(w, h);
}

struct part_run {
    struct vp_call call;                /* the caller's, with this part's own error */
    struct vp_err err;
    const char *id;
    vp_res_part_fn *fn;
    json_t *part;
    int rc;
    pthread_t thread;
    bool started;
};

static void *run_part(void *arg)
{
    struct part_run *r = arg;

    r->rc = r->fn(&r->call, r->id, r->part);
    return NULL;
}

int vp_res_read_parts(struct vp_call *c, const char *id, vp_res_part_fn *const *parts, size_t n, json_t *live)
{
    struct part_run *runs = vp_xcalloc(n ? n : 1, sizeof(*runs));
    int ret = 0;

    for (size_t i = 0; i < n; i++) {
        struct part_run *r = &runs[i];
        r->call = *c;
        r->call.err = &r->err;
        r->id = id;
        r->fn = parts[i];
        r->part = json_object();
        /* a part that cannot get a thread runs here, in turn */
        r->started = pthread_create(&r->thread, NULL, run_part, r) == 0;
        if (!r->started)
            run_part(r);
    }
    for (size_t i = 0; i < n; i++) {
        struct part_run *r = &runs[i];
        if (r->started)
            pthread_join(r->thread, NULL);
        if (r->rc < 0 && ret == 0) {
            *c->err = r->err;
            ret = -1;
        }
        if (ret == 0)
            json_object_update(live, r->part);
        json_decref(r->part);
    }
    free(runs);
    return ret;
}
