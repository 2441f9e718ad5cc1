/* runtime_log.c: the handlers' log lines and clock. One JSON object a line on stdout, which Lambda sends
 * to CloudWatch Logs, where Logs Insights reads the fields; flushed at once, so a line is never lost to a
 * crash or a freeze between invocations. */
#include "handlers/runtime_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/xalloc.h"

long long vp_runtime_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long vp_lambda_remaining_ms(const struct vp_lambda_ctx *ctx)
{
    /* No deadline (a local run without one) is no limit, not an expired one. */
    if (!ctx || ctx->deadline_ms <= 0)
        return LLONG_MAX;
    return ctx->deadline_ms - vp_runtime_now_ms();
}

/* RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:00.123Z". */
static void format_timestamp(long long now_ms, char out[32])
{
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    char day[24];

    if (!gmtime_r(&secs, &tm) || strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(day, sizeof(day), "1970-01-01T00:00:00");
    snprintf(out, 32, "%s.%03dZ", day, (int)(now_ms % 1000));
}

char *vp_lambda_log_format(const struct vp_lambda_ctx *ctx, const char *level, const json_t *extra,
                           const char *message, long long now_ms)
{
    json_t *line = json_object();
    char stamp[32];
    char *text;

    format_timestamp(now_ms, stamp);
    json_object_set_new(line, "timestamp", json_string(stamp));
    json_object_set_new(line, "level", vp_runtime_json_string(level ? level : "INFO"));
    json_object_set_new(line, "requestId", ctx && ctx->request_id ? vp_runtime_json_string(ctx->request_id) : json_null());
    json_object_set_new(line, "handler", ctx && ctx->handler ? vp_runtime_json_string(ctx->handler) : json_null());
    json_object_set_new(line, "message", vp_runtime_json_string(message));
    if (json_is_object(extra))
        json_object_update_missing(line, (json_t *)extra);   /* extra never overrides the fields above */
    text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text)
        abort();                        /* only out of memory: every string in it is valid */
    return text;
}

void vp_lambda_log(const struct vp_lambda_ctx *ctx, const char *level, const json_t *extra, const char *fmt, ...)
{
    va_list ap, ap2;
    int n;
    char *message, *line;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    message = vp_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    if (n < 0 || vsnprintf(message, (size_t)n + 1, fmt, ap2) < 0)
        message[0] = '\0';
    va_end(ap2);
    line = vp_lambda_log_format(ctx, level, extra, message, vp_runtime_now_ms());
    flockfile(stdout);                  /* one whole line even when a handler logs from several threads */
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    funlockfile(stdout);
    free(line);
    free(message);
}
