/* runtime_api.c: the Lambda Runtime API client, the one place the runtime uses libcurl directly (the
 * Runtime API is a local, unsigned HTTP endpoint, so the AWS client core has nothing to add).
 *
 * What aws-lambda-cpp does, and why: `next` is a long poll that lasts while the function is frozen
 * between invocations, so it has no total timeout; connecting gets 1 s (the API is on the same host);
 * proxies are never used, whatever the environment says (CURLOPT_NOPROXY "*"); posts carry an explicit
 * Content-Length and no "Expect: 100-continue" round trip. */
#include "handlers/runtime_api.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"
#include "handlers/runtime_internal.h"

#define CONNECT_TIMEOUT_MS 1000L
#define ANSWER_MAX_BYTES (64u << 10)    /* what we keep of the API's answer to a post, for error messages */

struct vp_rapi {
    CURL *curl;                         /* one handle: its connection is reused between calls */
    char *base;                         /* "http://127.0.0.1:9001/2018-06-01/runtime/" */
};

struct vp_rapi *vp_rapi_new(const char *host_port)
{
    struct vp_rapi *api = vp_xcalloc(1, sizeof(*api));

    api->base = vp_xasprintf("http://%s/2018-06-01/runtime/", host_port);
    api->curl = curl_easy_init();
    if (!api->curl)
        abort();                        /* only out of memory: allocation failure aborts everywhere */
    return api;
}

void vp_rapi_free(struct vp_rapi *api)
{
    if (!api)
        return;
    curl_easy_cleanup(api->curl);
    free(api->base);
    free(api);
}

void vp_rapi_event_init(struct vp_rapi_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    vp_buf_init(&ev->body, VP_RUNTIME_MAX_EVENT_BYTES);
}

void vp_rapi_event_release(struct vp_rapi_event *ev)
{
    free(ev->request_id);
    free(ev->function_arn);
    free(ev->trace_id);
    vp_buf_release(&ev->body);
    vp_rapi_event_init(ev);
}

/* The value of header `name` in line, trimmed, as a new string; NULL when the line is another header. */
static char *header_value(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    const char *v, *end = line + len;

    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return NULL;
    v = line + n + 1;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return vp_xstrndup(v, (size_t)(end - v));
}

static void set_header(char **field, char *value)
{
    if (!value)
        return;
    free(*field);
    *field = value;
}

static long long parse_deadline(const char *v)
{
    char *end;
    long long ms = strtoll(v, &end, 10);

    return end != v && *end == '\0' && ms > 0 ? ms : 0;
}

void vp_rapi_event_header(struct vp_rapi_event *ev, const char *line, size_t len)
{
    char *deadline = header_value(line, len, "Lambda-Runtime-Deadline-Ms");

    set_header(&ev->request_id, header_value(line, len, "Lambda-Runtime-Aws-Request-Id"));
    set_header(&ev->function_arn, header_value(line, len, "Lambda-Runtime-Invoked-Function-Arn"));
    set_header(&ev->trace_id, header_value(line, len, "Lambda-Runtime-Trace-Id"));
    if (deadline) {
        ev->deadline_ms = parse_deadline(deadline);
        free(deadline);
    }
}

static size_t on_event_header(char *p, size_t size, size_t n, void *ud)
{
    vp_rapi_event_header(ud, p, size * n);
    return size * n;
}

/* Keeps the body up to its ceiling and counts the rest without keeping it: an oversized event is then
 * answered with an error for its own request id, and the connection stays usable. */
static size_t on_event_body(char *p, size_t size, size_t n, void *ud)
{
    struct vp_rapi_event *ev = ud;
    size_t len = size * n;

    if (!ev->truncated && vp_buf_add(&ev->body, p, len, NULL) < 0)
        ev->truncated = true;
    return len;
}

static size_t on_answer_body(char *p, size_t size, size_t n, void *ud)
{
    vp_buf_add(ud, p, size * n, NULL);          /* past the ceiling the rest is dropped: it is only shown */
    return size * n;
}

static void common_options(struct vp_rapi *api, const char *url)
{
    CURL *c = api->curl;

    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
}

static int perform(struct vp_rapi *api, const char *what, long *status, struct vp_err *err)
{
    char msg[CURL_ERROR_SIZE] = "";
    CURLcode rc;

    curl_easy_setopt(api->curl, CURLOPT_ERRORBUFFER, msg);
    rc = curl_easy_perform(api->curl);
    curl_easy_setopt(api->curl, CURLOPT_ERRORBUFFER, NULL);
    if (rc != CURLE_OK)
        return vp_fail(err, VP_E_AWS_TRANSPORT, "Runtime API %s: %s", what, msg[0] ? msg : curl_easy_strerror(rc));
    curl_easy_getinfo(api->curl, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

int vp_rapi_next(struct vp_rapi *api, struct vp_rapi_event *ev, struct vp_err *err)
{
    char *url = vp_xasprintf("%sinvocation/next", api->base);
    long status = 0;
    int ret;

    vp_rapi_event_release(ev);
    common_options(api, url);
    curl_easy_setopt(api->curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(api->curl, CURLOPT_HEADERFUNCTION, on_event_header);
    curl_easy_setopt(api->curl, CURLOPT_HEADERDATA, ev);
    curl_easy_setopt(api->curl, CURLOPT_WRITEFUNCTION, on_event_body);
    curl_easy_setopt(api->curl, CURLOPT_WRITEDATA, ev);
    ret = perform(api, "next", &status, err);
    if (ret == 0 && status != 200)
        ret = vp_fail(err, VP_E_AWS_RESPONSE, "Runtime API next answered HTTP %ld: %.200s", status, ev->body.data);
    free(url);
    return ret;
}

/* The error type as a header value: printable ASCII only, so no header can be smuggled in. */
static char *error_type_header(const char *error_type)
{
    char *h = vp_xasprintf("Lambda-Runtime-Function-Error-Type: %s", error_type);

    for (char *p = h; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
    return h;
}

/* POSTs body to url; -1 unless the API answers 2xx (it says 202). */
static int post(struct vp_rapi *api, const char *url, const char *error_type, const char *body, size_t len,
                struct vp_err *err)
{
    struct curl_slist *headers = NULL;
    struct vp_buf answer = VP_BUF_INIT(ANSWER_MAX_BYTES);
    char *type_header = error_type ? error_type_header(error_type) : NULL;
    long status = 0;
    int ret;

    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (type_header)
        headers = curl_slist_append(headers, type_header);
    common_options(api, url);
    curl_easy_setopt(api->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(api->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(api->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);   /* Content-Length */
    curl_easy_setopt(api->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(api->curl, CURLOPT_WRITEFUNCTION, on_answer_body);
    curl_easy_setopt(api->curl, CURLOPT_WRITEDATA, &answer);
    ret = perform(api, "post", &status, err);
    if (ret == 0 && (status < 200 || status > 299))
        ret = vp_fail(err, VP_E_AWS_RESPONSE, "Runtime API answered HTTP %ld to %s: %.300s", status, url, answer.data);
    curl_easy_setopt(api->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    free(type_header);
    vp_buf_release(&answer);
    return ret;
}

/* base + "invocation/{id}/" + what, the id percent-encoded: it comes from a header and goes into a path. */
static char *invocation_url(struct vp_rapi *api, const char *request_id, const char *what)
{
    char *id = curl_easy_escape(api->curl, request_id, 0);
    char *url;

    if (!id)
        abort();                        /* only out of memory */
    url = vp_xasprintf("%sinvocation/%s/%s", api->base, id, what);
    curl_free(id);
    return url;
}

int vp_rapi_respond(struct vp_rapi *api, const char *request_id, const char *body, size_t len, struct vp_err *err)
{
    char *url = invocation_url(api, request_id, "response");
    int ret = post(api, url, NULL, body, len, err);

    free(url);
    return ret;
}

int vp_rapi_report(struct vp_rapi *api, const char *request_id, const char *error_type, const char *error_message,
                   struct vp_err *err)
{
    char *body = vp_runtime_error_body(error_type, error_message);
    char *url = request_id ? invocation_url(api, request_id, "error") : vp_xasprintf("%sinit/error", api->base);
    int ret;

    ret = post(api, url, error_type, body, strlen(body), err);
    free(url);
    free(body);
    return ret;
}
