/* http.h: one HTTP exchange over libcurl, nothing AWS-specific: TLS verification on, connect and total
 * timeouts, the proxy environment honoured, connections reused through a pool of easy handles. Used by the
 * signed client (client.c) and by credential sources that call metadata endpoints. Thread-safe. */
#ifndef VP_AWS_HTTP_H
#define VP_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/kv.h"

struct vp_http;                     /* the handle pool */

struct vp_http_request {
    const char *method;
    const char *url;
    const struct vp_kvlist *headers;
    const void *body;
    size_t body_len;
    long connect_timeout_ms;        /* 0: the pool's default */
    long timeout_ms;                /* 0: the pool's default */
    bool no_proxy;                  /* metadata endpoints are never proxied */
    size_t max_body_bytes;          /* 0: the pool's default ceiling */
    bool fresh_connection;          /* a new connection: a not-idempotent request (struct vp_request) */
};

struct vp_http_response {
    long status;
    struct vp_kvlist headers;       /* names as received */
    struct vp_buf body;
};

#define VP_HTTP_RESPONSE_INIT { 0, VP_KVLIST_INIT, VP_BUF_INIT(0) }

struct vp_http *vp_http_new(long connect_timeout_ms, long timeout_ms);
void vp_http_free(struct vp_http *h);
/* 0 when a whole response arrived (any status); -1 with VP_E_AWS_TRANSPORT on a connection, timeout or
 * TLS failure, err->retryable set for the ones worth retrying. */
int vp_http_perform(struct vp_http *h, const struct vp_http_request *req, struct vp_http_response *resp,
                    struct vp_err *err);
void vp_http_response_release(struct vp_http_response *resp);

#endif
