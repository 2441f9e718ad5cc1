/* serve.h: `vidpipe serve`: a spec's pipeline run on this machine, the way AWS would run it, like
 * `sam local start-api` but for the whole wiring:
 *
 *   - the HTTP API: each route of the spec's http_api, on 127.0.0.1:api_port, invokes its function's built
 *     artifact under a local Runtime API host (function_run.h) with a payload 2.0 event; the JWT authorizer
 *     and CORS are enforced as API Gateway enforces them (apigw_proxy.h, apigw_cors.h, jwt.h);
 *   - S3 notifications: the buckets the spec's s3_bucket_notification resources name are watched (s3_watch.h)
 *     and each new object is delivered to the functions wired to it, as S3 delivers it (s3_event.h);
 *   - EventBridge: a PutEvents endpoint at http://127.0.0.1:local_port/events (point AWS_ENDPOINT_URL_EVENTS
 *     there) matches each event against the spec's rules (event_pattern.h) and delivers it to their function
 *     targets;
 *   - local services on 127.0.0.1:local_port: a web app folder at /, /config.json telling it where the API
 *     and the issuer are, and with dev_issuer a development OIDC issuer at /issuer (dev_issuer.h) whose
 *     tokens the authorizer accepts in place of the spec's issuer.
 *
 * S3 and EventBridge invoke functions asynchronously, so those deliveries are queued and retried twice on a
 * function error as Lambda does (after 1 s and 2 s here, 1 and 2 minutes on AWS). Everything binds to
 * 127.0.0.1 only. */
#ifndef VP_LOCAL_SERVE_H
#define VP_LOCAL_SERVE_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "aws/creds.h"
#include "base/err.h"
#include "local/wiring.h"

struct vp_serve_opts {
    const struct vp_wiring *wiring;
    const char *region;
    const struct vp_creds *creds;       /* given to the functions, as Lambda gives them their role's; may be NULL */
    unsigned short api_port;            /* 0: any free port */
    unsigned short local_port;          /* 0: any free port */
    const char *api;                    /* which http_api (name or address) when the spec has several; NULL: first */
    const char *web_dir;                /* served at / of the local port; NULL: none */
    bool dev_issuer;
    long poll_ms;                       /* S3 watch interval; 0: 500 */
    const json_t *env_overrides;        /* {"FunctionResourceOrName": {"VAR": "value"}, "Parameters": {...}} */
    FILE *log;                          /* access lines and the functions' logs */
    const volatile sig_atomic_t *stop;  /* serving ends when it becomes non-zero */
    /* Called once everything listens, with the URLs (for the caller to print). */
    void (*on_ready)(void *ctx, const char *api_url, const char *local_url);
    void *on_ready_ctx;
};

/* Serves until *stop; 0 after a clean stop, or -1 with err filled when it could not start. */
int vp_serve_run(const struct vp_serve_opts *o, struct vp_err *err);

#endif
