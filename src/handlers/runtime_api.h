/* runtime_api.h: the Lambda Runtime API client (runtime_api.c), for runtime.c only. Plain HTTP to
 * http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/: no signing, never a proxy. Not thread-safe: the
 * runtime's loop is its only user. */
#ifndef VP_HANDLERS_RUNTIME_API_H
#define VP_HANDLERS_RUNTIME_API_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

struct vp_rapi;

/* One invocation as next delivered it. */
struct vp_rapi_event {
    char *request_id;               /* NULL when the header was missing */
    char *function_arn;
    char *trace_id;                 /* NULL when absent */
    long long deadline_ms;          /* 0 when absent or not a number */
    struct vp_buf body;             /* at most VP_RUNTIME_MAX_EVENT_BYTES kept */
    bool truncated;                 /* more arrived than was kept */
};

/* host_port is AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001"). */
struct vp_rapi *vp_rapi_new(const char *host_port);
void vp_rapi_free(struct vp_rapi *api);

void vp_rapi_event_init(struct vp_rapi_event *ev);
void vp_rapi_event_release(struct vp_rapi_event *ev);
/* Feeds one raw header line ("Name: value\r\n") of a next answer into ev; other headers are ignored. */
void vp_rapi_event_header(struct vp_rapi_event *ev, const char *line, size_t len);

/* Waits for the next invocation, without a time limit (the long poll can last as long as the function is
 * frozen). -1 with VP_E_AWS_TRANSPORT when the Runtime API is gone, VP_E_AWS_RESPONSE on a non-200 answer. */
int vp_rapi_next(struct vp_rapi *api, struct vp_rapi_event *ev, struct vp_err *err);
/* POST invocation/{id}/response with the body as JSON. */
int vp_rapi_respond(struct vp_rapi *api, const char *request_id, const char *body, size_t len, struct vp_err *err);
/* POST invocation/{id}/error, or init/error when request_id is NULL, with the error body and the
 * Lambda-Runtime-Function-Error-Type header. */
int vp_rapi_report(struct vp_rapi *api, const char *request_id, const char *error_type, const char *error_message,
                   struct vp_err *err);

#endif
