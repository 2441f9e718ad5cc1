/* runtime.c: vp_runtime_run(), the Lambda Runtime API loop every bootstrap runs (custom runtime, the
 * provided.al2023 way): init once, then next -> handle -> response or error, forever.
 *
 * DESIGN: the handler's init and the AWS client are made once, before the first `next`, so their cost
 * falls in Lambda's init phase; a failure there is posted to init/error and the process exits 1, as
 * Lambda expects. Each invocation is one `next`, one post and one log line. The runtime trusts nothing
 * in the event: a body over 6 MB or one that is not JSON is answered with an "InvalidEvent" error for its
 * own request id, and the loop goes on. A handler that crashes takes the process with it; Lambda reports
 * that itself (Runtime.ExitError), so no signal handling is needed here. */
#include "handlers/handler.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "handlers/runtime_api.h"
#include "handlers/runtime_internal.h"

struct runtime {
    const struct vp_handler *h;
    struct vp_rapi *api;
    struct vp_aws *aws;
    void *config;                       /* what h->init made */
};

/* What one invocation came to, for its post and its log line. */
struct outcome {
    char *body;                         /* the response, compact JSON; NULL on failure */
    bool failed;
    char error_type[64];                /* when failed */
    struct vp_err err;
};

static int start(struct runtime *rt);
static int serve(struct runtime *rt);
static void stop(struct runtime *rt);
static void invoke(struct runtime *rt, const struct vp_rapi_event *ev);

int vp_runtime_run(const struct vp_handler *h)
{
    struct runtime rt = { .h = h };
    int status;

    vp_log_init_from_env();
    signal(SIGPIPE, SIG_IGN);           /* a Runtime API that hangs up mid-post is an error, not our death */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    status = start(&rt) < 0 ? 1 : serve(&rt);
    stop(&rt);
    curl_global_cleanup();
    return status;
}

/* Posts an init error and logs it; returns -1. */
static int init_failed(struct runtime *rt, const struct vp_err *err)
{
    struct vp_lambda_ctx ctx = { .handler = rt->h->name };
    const char *type = vp_runtime_error_type(err);
    json_t *extra = json_pack("{s:s}", "errorType", type);
    struct vp_err post_err = { 0 };

    if (vp_rapi_report(rt->api, NULL, type, err->msg, &post_err) < 0)
        json_object_set_new(extra, "postError", vp_runtime_json_string(post_err.msg));
    vp_lambda_log(&ctx, "ERROR", extra, "init failed: %s", err->msg);
    json_decref(extra);
    return -1;
}

static int start(struct runtime *rt)
{
    const char *host_port = getenv("AWS_LAMBDA_RUNTIME_API");
    struct vp_err err = { 0 };

    if (!host_port || !*host_port) {
        struct vp_lambda_ctx ctx = { .handler = rt->h->name };
        vp_lambda_log(&ctx, "ERROR", NULL, "AWS_LAMBDA_RUNTIME_API is not set: this program runs inside AWS Lambda "
                                           "or under `vidpipe invoke`");
        return -1;
    }
    rt->api = vp_rapi_new(host_port);
    /* Credentials come from the environment Lambda sets (AWS_ACCESS_KEY_ID, ..., AWS_SESSION_TOKEN), the
     * region from AWS_REGION: the client's usual chain finds both. */
    rt->aws = vp_aws_new(NULL, &err);
    if (!rt->aws) {
        vp_err_prefix(&err, "creating the AWS client");
        return init_failed(rt, &err);
    }
    if (rt->h->init && rt->h->init(&rt->config, &err) < 0)
        return init_failed(rt, &err);
    return 0;
}

static void stop(struct runtime *rt)
{
    if (rt->h->release && rt->config)
        rt->h->release(rt->config);
    vp_aws_free(rt->aws);
    vp_rapi_free(rt->api);
}

/* Runs invocations until the Runtime API goes away: 0 when it closed or stopped answering (the normal end
 * of a local run), 1 when it answered something the runtime cannot use. */
static int serve(struct runtime *rt)
{
    struct vp_rapi_event ev;
    struct vp_err err = { 0 };
    struct vp_lambda_ctx ctx = { .handler = rt->h->name };
    int status;

    vp_rapi_event_init(&ev);
    for (;;) {
        if (vp_rapi_next(rt->api, &ev, &err) < 0) {
            status = err.code == VP_E_AWS_TRANSPORT ? 0 : 1;
            break;
        }
        if (!ev.request_id || !*ev.request_id) {
            vp_fail(&err, VP_E_AWS_RESPONSE, "Runtime API next answered without a request id");
            status = 1;
            break;
        }
        invoke(rt, &ev);
    }
    vp_lambda_log(&ctx, status ? "ERROR" : "INFO", NULL, "runtime stopping: %s", err.msg);
    vp_rapi_event_release(&ev);
    return status;
}

/* _X_AMZN_TRACE_ID carries this invocation's X-Ray trace header to the code that calls AWS. */
static void set_trace_env(const char *trace_id)
{
    if (trace_id && *trace_id)
        setenv("_X_AMZN_TRACE_ID", trace_id, 1);
    else
        unsetenv("_X_AMZN_TRACE_ID");
}

static void fail_outcome(struct outcome *o, const char *error_type, const struct vp_err *err)
{
    o->failed = true;
    snprintf(o->error_type, sizeof(o->error_type), "%s", error_type);
    o->err = *err;
    if (!o->err.msg[0])
        snprintf(o->err.msg, sizeof(o->err.msg), "the handler failed without saying why");
}

/* Calls the handler on a parsed event; fills o with the response or the failure. */
static void run_handler(struct runtime *rt, struct vp_lambda_ctx *ctx, const json_t *event, struct outcome *o)
{
    json_t *response = NULL;
    struct vp_err err = { 0 };
    size_t len;

    if (rt->h->handle(rt->config, ctx, event, &response, &err) < 0) {
        fail_outcome(o, vp_runtime_error_type(&err), &err);
        json_decref(response);
        return;
    }
    o->body = json_dumps(response ? response : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(response);
    len = o->body ? strlen(o->body) : 0;
    if (len > VP_RUNTIME_MAX_EVENT_BYTES) {     /* the Runtime API would refuse it (413): say why instead */
        vp_fail(&err, VP_E_LIMIT, "response is %zu bytes, more than Lambda's %u", len, VP_RUNTIME_MAX_EVENT_BYTES);
        free(o->body);
        o->body = NULL;
        fail_outcome(o, "ResponseSizeTooLarge", &err);
    } else if (!o->body) {
        vp_fail(&err, VP_E_PARSE, "the handler's response cannot be written as JSON");
        fail_outcome(o, "InvalidResponse", &err);
    }
}

static void invoke(struct runtime *rt, const struct vp_rapi_event *ev)
{
    struct vp_lambda_ctx ctx = {
        .request_id = ev->request_id, .function_arn = ev->function_arn, .trace_id = ev->trace_id,
        .deadline_ms = ev->deadline_ms, .aws = rt->aws, .handler = rt->h->name,
    };
    struct outcome o = { 0 };
    struct vp_err err = { 0 }, post_err = { 0 };
    long long start_ms = vp_runtime_now_ms();
    json_t *event = NULL, *extra;
    int posted;

    set_trace_env(ev->trace_id);
    if (vp_runtime_parse_event(ev->body.data, ev->body.len, ev->truncated, &event, &err) < 0)
        fail_outcome(&o, "InvalidEvent", &err);
    else
        run_handler(rt, &ctx, event, &o);
    json_decref(event);
    extra = json_pack("{s:I}", "durationMs", (json_int_t)(vp_runtime_now_ms() - start_ms));

    if (o.failed) {
        posted = vp_rapi_report(rt->api, ev->request_id, o.error_type, o.err.msg, &post_err);
        json_object_set_new(extra, "errorType", vp_runtime_json_string(o.error_type));
    } else {
        posted = vp_rapi_respond(rt->api, ev->request_id, o.body, strlen(o.body), &post_err);
    }
    if (posted < 0)
        json_object_set_new(extra, "postError", vp_runtime_json_string(post_err.msg));
    if (o.failed)
        vp_lambda_log(&ctx, "ERROR", extra, "invocation failed: %s", o.err.msg);
    else
        vp_lambda_log(&ctx, posted < 0 ? "ERROR" : "INFO", extra, "invocation succeeded");
    json_decref(extra);
    free(o.body);
}
