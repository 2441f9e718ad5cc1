/* test_runtime.c: the Lambda runtime's pure parts: log lines, the clock, event limits, error bodies and
 * the Runtime API's headers. The loop itself runs against a Runtime API double in 6000-runtime.sh. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "handlers/handler.h"
#include "handlers/runtime_api.h"
#include "handlers/runtime_internal.h"
#include "t.h"

static void log_line_has_the_fields_in_order(void)
{
    struct vp_lambda_ctx ctx = { .request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd", .handler = "presign" };
    json_t *extra = json_pack("{s:s,s:i,s:s}", "key", "uploads/a.mp4", "bytes", 42, "message", "not this one");
    char *line = vp_lambda_log_format(&ctx, "INFO", extra, "presigned \"PUT\"", 1714564800123LL);

    EXPECT_STREQ("{\"timestamp\":\"2024-05-01T12:00:00.123Z\",\"level\":\"INFO\","
                 "\"requestId\":\"8476a536-e9f4-11e8-9739-2dfe598c3fcd\",\"handler\":\"presign\","
                 "\"message\":\"presigned \\\"PUT\\\"\",\"key\":\"uploads/a.mp4\",\"bytes\":42}",
                 line);
    EXPECT(strchr(line, '\n') == NULL);
    free(line);
    json_decref(extra);
}

static void log_line_without_context_or_extra(void)
{
    char *line = vp_lambda_log_format(NULL, "ERROR", NULL, "init failed", 7);

    EXPECT_STREQ("{\"timestamp\":\"1970-01-01T00:00:00.007Z\",\"level\":\"ERROR\",\"requestId\":null,"
                 "\"handler\":null,\"message\":\"init failed\"}",
                 line);
    free(line);
}

static void log_line_survives_bytes_that_are_not_utf8(void)
{
    struct vp_lambda_ctx ctx = { .request_id = "id\xff", .handler = "echo" };
    char *line = vp_lambda_log_format(&ctx, "INFO", NULL, "caf\xe9 \x01", 0);
    json_error_t jerr;
    json_t *j = json_loads(line, 0, &jerr);

    EXPECT(j != NULL);
    EXPECT_STREQ("caf? \x01", json_string_value(json_object_get(j, "message")));
    EXPECT_STREQ("id?", json_string_value(json_object_get(j, "requestId")));
    json_decref(j);
    free(line);
}

static void remaining_time_counts_down_to_the_deadline(void)
{
    struct vp_lambda_ctx ctx = { 0 };
    long long left;

    ctx.deadline_ms = vp_runtime_now_ms() + 5000;
    left = vp_lambda_remaining_ms(&ctx);
    EXPECT(left > 4000 && left <= 5000);
    ctx.deadline_ms = vp_runtime_now_ms() - 1000;
    EXPECT(vp_lambda_remaining_ms(&ctx) < 0);
    ctx.deadline_ms = 0;                        /* no deadline: no limit */
    EXPECT_INTEQ(LLONG_MAX, vp_lambda_remaining_ms(&ctx));
    EXPECT(vp_runtime_now_ms() > 1700000000000LL);
}

static int parse(const char *body, size_t len, bool truncated, struct vp_err *err)
{
    json_t *event = NULL;
    int ret = vp_runtime_parse_event(body, len, truncated, &event, err);

    EXPECT((ret == 0) == (event != NULL));
    json_decref(event);
    return ret;
}

static void events_any_json_value_is_accepted(void)
{
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, parse("{\"a\":[1,2,{}]}", 14, false, &err));
    EXPECT_INTEQ(0, parse("\"hello\"", 7, false, &err));
    EXPECT_INTEQ(0, parse(" 42 ", 4, false, &err));
    EXPECT_INTEQ(0, parse("null", 4, false, &err));
}

static void events_that_are_not_json_are_refused(void)
{
    struct vp_err err = { 0 };

    EXPECT_INTEQ(-1, parse("", 0, false, &err));
    EXPECT_INTEQ(VP_E_PARSE, err.code);
    EXPECT_INTEQ(-1, parse("{\"a\":", 5, false, &err));
    EXPECT_INTEQ(VP_E_PARSE, err.code);
    EXPECT(strstr(err.msg, "not valid JSON") != NULL);
    EXPECT_INTEQ(-1, parse("{} {}", 5, false, &err));
    EXPECT_INTEQ(-1, parse("{\"a\":1}\0garbage", 15, false, &err));     /* a NUL byte inside the body */
    EXPECT_INTEQ(-1, parse("\"\xff\xfe\"", 4, false, &err));            /* not UTF-8 */
    EXPECT_INTEQ(-1, parse("{\"a\":\"\\u0000\"}", 14, false, &err));    /* NUL in a string */
}

static void events_nested_without_end_are_refused_not_crashed(void)
{
    size_t n = 200000;
    char *deep = malloc(n);
    struct vp_err err = { 0 };

    memset(deep, '[', n);
    EXPECT_INTEQ(-1, parse(deep, n, false, &err));
    EXPECT_INTEQ(VP_E_PARSE, err.code);
    free(deep);
}

static void events_over_six_megabytes_are_refused(void)
{
    size_t n = VP_RUNTIME_MAX_EVENT_BYTES;
    char *big = malloc(n + 1);
    struct vp_err err = { 0 };

    /* Exactly at the limit: a JSON string of n bytes in all. */
    memset(big, 'a', n + 1);
    big[0] = '"';
    big[n - 1] = '"';
    EXPECT_INTEQ(0, parse(big, n, false, &err));
    big[n - 1] = 'a';
    big[n] = '"';
    EXPECT_INTEQ(-1, parse(big, n + 1, false, &err));
    EXPECT_INTEQ(VP_E_LIMIT, err.code);
    EXPECT(strstr(err.msg, "larger than 6291456 bytes") != NULL);
    EXPECT_INTEQ(-1, parse("{}", 2, true, &err));          /* the reader kept only part of it */
    EXPECT_INTEQ(VP_E_LIMIT, err.code);
    free(big);
}

static void error_body_has_the_lambda_fields(void)
{
    char *body = vp_runtime_error_body("InvalidEvent", "event is \"bad\"\n");
    char *odd = vp_runtime_error_body("T\xff", "m\xfe");

    EXPECT_STREQ("{\"errorMessage\":\"event is \\\"bad\\\"\\n\",\"errorType\":\"InvalidEvent\",\"stackTrace\":[]}", body);
    EXPECT_STREQ("{\"errorMessage\":\"m?\",\"errorType\":\"T?\",\"stackTrace\":[]}", odd);
    free(body);
    free(odd);
}

static void error_type_prefers_the_aws_code(void)
{
    struct vp_err err = { 0 };

    EXPECT_STREQ("HandlerError", vp_runtime_error_type(&err));
    vp_fail(&err, VP_E_AWS_TRANSPORT, "connection refused");
    EXPECT_STREQ("aws_transport", vp_runtime_error_type(&err));
    strcpy(err.aws_code, "AccessDeniedException");
    EXPECT_STREQ("AccessDeniedException", vp_runtime_error_type(&err));
}

static void header(struct vp_rapi_event *ev, const char *line)
{
    vp_rapi_event_header(ev, line, strlen(line));
}

static void runtime_api_headers_are_read(void)
{
    struct vp_rapi_event ev;

    vp_rapi_event_init(&ev);
    header(&ev, "HTTP/1.1 200 OK\r\n");
    header(&ev, "lambda-runtime-aws-request-id:   8476a536  \r\n");
    header(&ev, "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n");
    header(&ev, "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-2:123456789012:function:custom-runtime\r\n");
    header(&ev, "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419\r\n");
    header(&ev, "Lambda-Runtime-Client-Context: {}\r\n");
    header(&ev, "Lambda-Runtime-Aws-Request-Id-Other: nope\r\n");
    header(&ev, "\r\n");
    EXPECT_STREQ("8476a536", ev.request_id);
    EXPECT_INTEQ(1542409706888LL, ev.deadline_ms);
    EXPECT_STREQ("arn:aws:lambda:us-east-2:123456789012:function:custom-runtime", ev.function_arn);
    EXPECT_STREQ("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419", ev.trace_id);
    header(&ev, "Lambda-Runtime-Deadline-Ms: soon\r\n");
    EXPECT_INTEQ(0, ev.deadline_ms);
    header(&ev, "Lambda-Runtime-Deadline-Ms: 12x\r\n");
    EXPECT_INTEQ(0, ev.deadline_ms);
    header(&ev, "Lambda-Runtime-Deadline-Ms:");
    EXPECT_INTEQ(0, ev.deadline_ms);
    vp_rapi_event_release(&ev);
    EXPECT(ev.request_id == NULL && ev.trace_id == NULL && ev.body.len == 0);
}

int main(void)
{
    T_RUN(log_line_has_the_fields_in_order);
    T_RUN(log_line_without_context_or_extra);
    T_RUN(log_line_survives_bytes_that_are_not_utf8);
    T_RUN(remaining_time_counts_down_to_the_deadline);
    T_RUN(events_any_json_value_is_accepted);
    T_RUN(events_that_are_not_json_are_refused);
    T_RUN(events_nested_without_end_are_refused_not_crashed);
    T_RUN(events_over_six_megabytes_are_refused);
    T_RUN(error_body_has_the_lambda_fields);
    T_RUN(error_type_prefers_the_aws_code);
    T_RUN(runtime_api_headers_are_read);
    return t_done();
}
