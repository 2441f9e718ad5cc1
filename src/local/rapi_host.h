/* rapi_host.h: a local Lambda Runtime API host (the 2018-06-01 API a custom runtime's bootstrap polls), on
 * 127.0.0.1 at an ephemeral port, for `vidpipe invoke` and `vidpipe serve`.
 *
 *   GET  /2018-06-01/runtime/invocation/next           long poll: blocks until an event is queued, then
 *        answers it with Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn, -Trace-Id
 *   POST /2018-06-01/runtime/invocation/ID/response    202; a body over 6 MB: 413, and the invocation fails
 *                                                      with Function.ResponseSizeTooLarge
 *   POST /2018-06-01/runtime/invocation/ID/error       202; {errorMessage, errorType} and the header
 *                                                      Lambda-Runtime-Function-Error-Type
 *   POST /2018-06-01/runtime/init/error                202; every queued or running invocation fails
 * An ID that is not running (unknown, or already answered) gets 400 InvalidRequestID.
 *
 * Thread-safety: libmicrohttpd serves each connection on its own thread; every function here may be called
 * from any thread. The host owns the events queued on it and the outcomes until they are taken by
 * vp_rapi_host_wait. */
#ifndef VP_LOCAL_RAPI_HOST_H
#define VP_LOCAL_RAPI_HOST_H

#include <stddef.h>

#include "base/err.h"

#define VP_RAPI_MAX_PAYLOAD_BYTES (6u * 1024 * 1024)  /* Lambda's synchronous payload quota, both ways */
#define VP_RAPI_ID_LEN 37                              /* a UUID and its NUL */

struct vp_rapi_host;

struct vp_rapi_host_opts {
    const char *function_name;          /* for the invoked function ARN */
    const char *region;                 /* NULL: us-east-1 */
    long timeout_ms;                    /* each invocation's deadline: its dispatch plus this (0: 3 s) */
    size_t max_payload_bytes;           /* 0: VP_RAPI_MAX_PAYLOAD_BYTES */
    /* Optional: called (on a connection thread, host lock not held) whenever an outcome becomes ready, so a
     * caller can wake a poll loop; must not call back into the host. */
    void (*on_outcome)(void *ctx);
    void *on_outcome_ctx;
    /* Optional: called (on a connection thread, host lock not held) when `next` hands request_id out, just
     * before the answer is sent; a benchmark times a runtime's init and each invocation from here. */
    void (*on_dispatch)(void *ctx, const char *request_id);
    void *on_dispatch_ctx;
};

enum vp_rapi_outcome_kind {
    VP_RAPI_RESPONSE = 1,               /* body: the function's response, as posted */
    VP_RAPI_ERROR,                      /* body: the error document {errorMessage, errorType, ...} */
    VP_RAPI_INIT_ERROR,                 /* body: the init error document */
};

struct vp_rapi_outcome {
    enum vp_rapi_outcome_kind kind;
    char *body;                         /* owned; NUL-terminated */
    size_t len;
    char *error_type;                   /* errors: the body's errorType, else the header's, else "Unhandled" */
    char *error_message;                /* errors: the body's errorMessage, else "" */
};

void vp_rapi_outcome_release(struct vp_rapi_outcome *o);

/* Starts serving on 127.0.0.1 at a free port: 0 with *out set, or -1 with err filled. */
int vp_rapi_host_start(const struct vp_rapi_host_opts *opts, struct vp_rapi_host **out, struct vp_err *err);
/* "127.0.0.1:PORT": the value of AWS_LAMBDA_RUNTIME_API (borrowed; lives as long as the host). */
const char *vp_rapi_host_address(const struct vp_rapi_host *h);
unsigned short vp_rapi_host_port(const struct vp_rapi_host *h);
/* Queues one event (copied) for the next `next`; request_id receives its fresh id. -1 when it is larger than
 * the payload quota, or the host is stopping. */
int vp_rapi_host_queue(struct vp_rapi_host *h, const char *event, size_t len, char request_id[VP_RAPI_ID_LEN],
                       struct vp_err *err);
/* Waits up to wait_ms (0: just looks) for the outcome of request_id. 0: *out filled (the caller releases it)
 * and the invocation forgotten; 1: no outcome yet; -1: no such invocation (err filled). An init error posted
 * before the outcome is the outcome. */
int vp_rapi_host_wait(struct vp_rapi_host *h, const char *request_id, long wait_ms, struct vp_rapi_outcome *out,
                      struct vp_err *err);
/* Whether request_id has been handed to the runtime by `next`. */
int vp_rapi_host_dispatched(struct vp_rapi_host *h, const char *request_id);
/* Forgets an invocation (timed out, or its runtime died): later posts for it get 400. */
void vp_rapi_host_cancel(struct vp_rapi_host *h, const char *request_id);
/* Wakes every pending `next` (answered 500), stops serving and frees the host. NULL: nothing. */
void vp_rapi_host_stop(struct vp_rapi_host *h);

#endif
