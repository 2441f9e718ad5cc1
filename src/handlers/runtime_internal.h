/* runtime_internal.h: the runtime's pieces that tests reach (tests/unit/test_runtime.c); not for handlers.
 * runtime.c runs the loop; runtime_api.c talks to the Runtime API; runtime_event.c checks events and builds
 * error bodies; runtime_log.c writes the log lines. */
#ifndef VP_HANDLERS_RUNTIME_INTERNAL_H
#define VP_HANDLERS_RUNTIME_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/err.h"
#include "handlers/handler.h"

/* The Runtime API delivers at most 6 MB (6,291,456 bytes, the synchronous invocation payload limit). */
#define VP_RUNTIME_MAX_EVENT_BYTES (6u << 20)

/* Parses one event body. body_len is the length received; truncated means more arrived than was kept.
 * 0 with *event a new reference (any JSON value); -1 (err filled, the message fit for errorMessage) for an
 * event too big, empty, or not valid JSON. */
int vp_runtime_parse_event(const char *body, size_t body_len, bool truncated, json_t **event, struct vp_err *err);

/* The body of an invocation or init error: {"errorMessage", "errorType", "stackTrace": []}, compact.
 * Caller frees. Never NULL: bytes that are not UTF-8 are replaced. */
char *vp_runtime_error_body(const char *error_type, const char *error_message);

/* The errorType for a handler's failure: the AWS error code when there is one ("AccessDeniedException"),
 * else the vidpipe code's name ("aws_transport"), else "HandlerError". */
const char *vp_runtime_error_type(const struct vp_err *err);

/* One log line without its newline (see vp_lambda_log), at now_ms (epoch milliseconds). Caller frees. */
char *vp_lambda_log_format(const struct vp_lambda_ctx *ctx, const char *level, const json_t *extra,
                           const char *message, long long now_ms);

/* Epoch milliseconds, from the real-time clock. */
long long vp_runtime_now_ms(void);

/* A JSON string of s: s itself when it is UTF-8, else s with every byte above 0x7f turned into '?'. */
json_t *vp_runtime_json_string(const char *s);

#endif
