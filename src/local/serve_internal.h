/* serve_internal.h: what the parts of `vidpipe serve` share (serve.c runs them; serve_http.c is the HTTP
 * plumbing, serve_api.c the API port, serve_local.c the local services port, serve_async.c the queued
 * deliveries from S3 and EventBridge). */
#ifndef VP_LOCAL_SERVE_INTERNAL_H
#define VP_LOCAL_SERVE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "local/apigw_proxy.h"
#include "local/dev_issuer.h"
#include "local/function_run.h"
#include "local/jwks.h"
#include "local/s3_watch.h"
#include "local/serve.h"

#define SERVE_WORKERS 2                 /* queued deliveries run two at a time */
#define SERVE_MAX_BODY (10u * 1024 * 1024)   /* API Gateway's request payload quota */

struct delivery {
    struct delivery *next;
    size_t fn;
    char *event;
    size_t len;
    int attempt;                        /* 0, then the retries 1 and 2 */
    long long not_before_ms;
    char *what;                         /* "s3 dev-uploads/uploads/x.mp4", for the log */
};

struct serve_watch {
    char *bucket;
    struct vp_s3_watch *watch;          /* NULL until it could be listed */
};

struct server {
    const struct vp_serve_opts *o;
    const struct vp_wired_api *api;     /* NULL: the spec has no http_api */
    struct MHD_Daemon *api_daemon, *local_daemon;
    char api_url[64], local_url[64], issuer_url[96];
    struct vp_dev_issuer *issuer;
    struct vp_jwks_cache *jwks;

    pthread_mutex_t lock;               /* the queue, stopping */
    pthread_cond_t wake;
    struct delivery *queue;
    bool stopping;
    pthread_t workers[SERVE_WORKERS], poller;
    size_t n_workers;
    bool poller_running;
    struct serve_watch *watches;
    size_t n_watches;

    pthread_mutex_t log_lock;
    atomic_int ready;                   /* until everything is up, both ports answer 503 */
    void *listeners[2];                 /* serve_http.c's, freed after the daemons stop */
    /* /media's S3 client: made on the first request and shared by every connection thread after (a player
     * fetches a segment every few seconds; a client per request resolved credentials each time) */
    pthread_mutex_t media_lock;
    struct vp_aws *media_aws;
    size_t n_listeners;
};

/* Request handlers: fill out (status, headers, body) for one complete request. */
typedef void serve_handler(struct server *s, const struct vp_api_request *req, struct vp_api_response *out);
void serve_api_request(struct server *s, const struct vp_api_request *req, struct vp_api_response *out);
void serve_local_request(struct server *s, const struct vp_api_request *req, struct vp_api_response *out);
void serve_media_request(struct server *s, const struct vp_api_request *req, struct vp_api_response *out);

/* Starts a libmicrohttpd daemon on 127.0.0.1:port (0: any) answering with handler; *port_out the port. */
struct MHD_Daemon *serve_http_start(struct server *s, unsigned short port, serve_handler *handler,
                                    unsigned short *port_out, struct vp_err *err);

/* Runs one function for one event (blocking); 0 with res filled, or -1 when it could not be run. */
int serve_invoke(struct server *s, size_t fn, const char *event, size_t len, long timeout_ms,
                 struct vp_invoke_result *res, struct vp_err *err);

/* Queues an asynchronous delivery (event stolen). */
void serve_enqueue(struct server *s, size_t fn, json_t *event, const char *what);
/* An EventBridge event, delivered to every enabled rule's function targets it matches. */
void serve_deliver_event(struct server *s, const json_t *event);
int serve_async_start(struct server *s, struct vp_err *err);
void serve_async_stop(struct server *s);

void serve_log(struct server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
