/* serve.c: `vidpipe serve`'s lifetime (see serve.h): the ports, the issuer, the deliveries, then waiting
 * for the stop flag, then everything stopped in reverse. */
#include "local/serve.h"

#include <microhttpd.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "base/xalloc.h"
#include "local/serve_internal.h"

static const struct vp_wired_api *pick_api(const struct vp_wiring *w, const char *which, struct vp_err *err)
{
    if (!w->n_apis)
        return NULL;
    if (!which)
        return &w->apis[0];
    for (size_t i = 0; i < w->n_apis; i++) {
        const char *address = w->apis[i].address, *dot = strchr(address, '.');
        if (strcmp(address, which) == 0 || (dot && strcmp(dot + 1, which) == 0))
            return &w->apis[i];
    }
    vp_fail(err, VP_E_USAGE, "no http_api '%s' in the spec", which);
    return NULL;
}

static void stop_all(struct server *s)
{
    if (s->api_daemon)
        MHD_stop_daemon(s->api_daemon);
    if (s->local_daemon)
        MHD_stop_daemon(s->local_daemon);
    serve_async_stop(s);
    for (size_t i = 0; i < s->n_listeners; i++)
        free(s->listeners[i]);
    vp_dev_issuer_free(s->issuer);
    vp_jwks_cache_free(s->jwks);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->log_lock);
    pthread_mutex_destroy(&s->media_lock);
    vp_aws_free(s->media_aws);
    pthread_cond_destroy(&s->wake);
}

static int start_ports(struct server *s, struct vp_err *err)
{
    unsigned short api_port = 0, local_port = 0;

    if (!(s->api_daemon = serve_http_start(s, s->o->api_port, serve_api_request, &api_port, err)))
        return vp_err_prefix(err, "the API port");
    if (!(s->local_daemon = serve_http_start(s, s->o->local_port, serve_local_request, &local_port, err)))
        return vp_err_prefix(err, "the local services port");
    snprintf(s->api_url, sizeof(s->api_url), "http://127.0.0.1:%u", api_port);
    snprintf(s->local_url, sizeof(s->local_url), "http://127.0.0.1:%u", local_port);
    snprintf(s->issuer_url, sizeof(s->issuer_url), "%s/issuer", s->local_url);
    return 0;
}

int vp_serve_run(const struct vp_serve_opts *o, struct vp_err *err)
{
    struct server s;
    int rc = -1;

    memset(&s, 0, sizeof(s));
    s.o = o;
    pthread_mutex_init(&s.lock, NULL);
    pthread_mutex_init(&s.log_lock, NULL);
    pthread_mutex_init(&s.media_lock, NULL);
    pthread_cond_init(&s.wake, NULL);
    s.api = pick_api(o->wiring, o->api, err);
    if (!s.api && o->api)
        goto done;
    s.jwks = vp_jwks_cache_new(NULL);
    if (start_ports(&s, err) < 0)
        goto done;
    if (o->dev_issuer && s.api && s.api->issuer &&
        vp_dev_issuer_new_at(s.api->issuer, s.issuer_url, &s.issuer, err) < 0)
        goto done;
    if (serve_async_start(&s, err) < 0)
        goto done;
    if (o->on_ready)
        o->on_ready(o->on_ready_ctx, s.api_url, s.local_url);
    atomic_store(&s.ready, 1);
    while (!*o->stop)
        poll(NULL, 0, 100);
    serve_log(&s, "stopping");
    rc = 0;
done:
    stop_all(&s);
    return rc;
}
