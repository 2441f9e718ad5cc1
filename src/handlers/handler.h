/* handler.h: what a Lambda handler is to vidpipe's runtime (runtime.c). A handler is a table: an init that
 * reads its configuration from the environment once, before the first event, and a handle function that
 * turns one event into one response. The runtime owns the Runtime API loop (next, response, error, init
 * error), the request id, deadline and trace id, logging and the AWS client; handlers own no loop, print
 * nothing directly, and never exit.
 *
 * Handlers behind API Gateway (presign, videos) answer every request, good or bad, with an HTTP response
 * object {statusCode, headers, body} (payload format 2.0) and return 0: a 4xx is a response, not a
 * function error. Event handlers (convert, package) return -1 with err filled for a failure Lambda should
 * retry or report; the runtime posts it as {errorType, errorMessage}. */
#ifndef VP_HANDLERS_HANDLER_H
#define VP_HANDLERS_HANDLER_H

#include <jansson.h>

#include "aws/client.h"
#include "base/err.h"

/* One invocation, as the Runtime API's headers describe it. */
struct vp_lambda_ctx {
    const char *request_id;             /* Lambda-Runtime-Aws-Request-Id */
    const char *function_arn;           /* Lambda-Runtime-Invoked-Function-Arn */
    const char *trace_id;               /* Lambda-Runtime-Trace-Id (also exported as _X_AMZN_TRACE_ID) */
    long long deadline_ms;              /* Lambda-Runtime-Deadline-Ms: epoch milliseconds */
    struct vp_aws *aws;                 /* the client core; credentials from the Lambda environment */
    const char *handler;                /* the handler's name, for log lines */
};

struct vp_handler {
    const char *name;                   /* "presign" */
    /* Reads the configuration from the environment; -1 (err filled) is reported as an init error. NULL: none. */
    int (*init)(void **config, struct vp_err *err);
    /* One event in (borrowed), one response out (a new reference). */
    int (*handle)(void *config, struct vp_lambda_ctx *ctx, const json_t *event, json_t **response, struct vp_err *err);
    void (*release)(void *config);
};

/* The handlers (one file each). */
extern const struct vp_handler vp_handler_presign, vp_handler_convert, vp_handler_package, vp_handler_videos;

/* Logs one JSON line to stdout (CloudWatch Logs and Logs Insights read it as fields):
 * {"timestamp": RFC 3339, "level": "INFO", "requestId": ..., "handler": ..., "message": ...} plus the
 * fields of extra (borrowed; may be NULL). Never logs a secret: callers pass ids and keys, not tokens. */
void vp_lambda_log(const struct vp_lambda_ctx *ctx, const char *level, const json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Milliseconds left before the deadline (negative when past). */
long long vp_lambda_remaining_ms(const struct vp_lambda_ctx *ctx);

/* Runs the Runtime API loop for h at AWS_LAMBDA_RUNTIME_API; main() of every bootstrap. Returns only when
 * the Runtime API goes away (exit status). */
int vp_runtime_run(const struct vp_handler *h);

#endif
