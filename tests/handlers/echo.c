/* echo.c: a handler for testing the runtime and the artifacts (tests/scenarios/6000-runtime.sh,
 * 6900-artifacts.sh), never deployed. It answers {"event", "requestId", "functionArn", "traceId",
 * "deadlineMs", "remainingMs", "region"} and, by the event's fields:
 *   "fail": true or "TypeName"   fails (errorType "TypeName" when a string is given)
 *   "sleep_ms": N                sleeps N ms (at most 60000) first
 *   "crash": true                dies of SIGSEGV
 *   "log": "text"                logs one line of its own first
 * Init fails when ECHO_REQUIRE names an environment variable that is not set (an init error). */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers/handler.h"

extern const struct vp_handler vp_handler_echo;

static int echo_init(void **config, struct vp_err *err)
{
    const char *required = getenv("ECHO_REQUIRE");

    *config = NULL;
    if (required && *required && !getenv(required))
        return vp_fail(err, VP_E_USAGE, "the environment variable %s is required", required);
    return 0;
}

static void sleep_ms(json_int_t ms)
{
    struct timespec ts;

    if (ms <= 0)
        return;
    if (ms > 60000)
        ms = 60000;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static json_t *nullable(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int echo_handle(void *config, struct vp_lambda_ctx *ctx, const json_t *event, json_t **response,
                       struct vp_err *err)
{
    const json_t *fail = json_object_get(event, "fail");
    const char *log = json_string_value(json_object_get(event, "log"));
    const char *region = NULL;
    struct vp_err region_err = { 0 };

    (void)config;
    *response = NULL;
    if (log)
        vp_lambda_log(ctx, "INFO", NULL, "echo says %s", log);
    sleep_ms(json_integer_value(json_object_get(event, "sleep_ms")));
    if (json_is_true(json_object_get(event, "crash")))
        raise(SIGSEGV);
    if (json_is_string(fail)) {
        vp_fail(err, VP_E_PARSE, "echo was asked to fail");
        snprintf(err->aws_code, sizeof(err->aws_code), "%s", json_string_value(fail));
        return -1;
    }
    if (json_is_true(fail))
        return vp_fail(err, VP_E_PARSE, "echo was asked to fail");
    vp_aws_region(ctx->aws, &region, &region_err);
    *response = json_object();
    json_object_set(*response, "event", (json_t *)event);
    json_object_set_new(*response, "requestId", nullable(ctx->request_id));
    json_object_set_new(*response, "functionArn", nullable(ctx->function_arn));
    json_object_set_new(*response, "traceId", nullable(getenv("_X_AMZN_TRACE_ID")));
    json_object_set_new(*response, "deadlineMs", json_integer(ctx->deadline_ms));
    json_object_set_new(*response, "remainingMs", json_integer(vp_lambda_remaining_ms(ctx)));
    json_object_set_new(*response, "region", nullable(region));
    return 0;
}

const struct vp_handler vp_handler_echo = { "echo", echo_init, echo_handle, NULL };
