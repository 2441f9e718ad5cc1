/* test_local_rapi.c: the local Runtime API host (src/local/rapi_host.c) driven over HTTP with libcurl, as a
 * runtime would: the long poll, the headers, responses, errors, init errors, the 6 MB bound, unknown and
 * repeated request ids, stopping with a poll pending; and the zip unpacker's refusals. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "base/xalloc.h"
#include "local/function_run.h"
#include "local/rapi_host.h"
#include "t.h"

struct http {
    long status;
    char body[4096];
    size_t len;
    char headers[4096];
    size_t hlen;
};

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
    struct http *h = ctx;
    size_t len = size * n, room = sizeof(h->body) - 1 - h->len;

    memcpy(h->body + h->len, p, len < room ? len : room);
    h->len += len < room ? len : room;
    h->body[h->len] = '\0';
    return len;
}

static size_t collect_header(char *p, size_t size, size_t n, void *ctx)
{
    struct http *h = ctx;
    size_t len = size * n, room = sizeof(h->headers) - 1 - h->hlen;

    memcpy(h->headers + h->hlen, p, len < room ? len : room);
    h->hlen += len < room ? len : room;
    h->headers[h->hlen] = '\0';
    return len;
}

/* One request to the host; body NULL: GET. */
static void call(struct vp_rapi_host *host, const char *path, const char *body, size_t len, const char *header,
                 struct http *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hs = NULL;
    char *url = vp_xasprintf("http://%s/2018-06-01/runtime/%s", vp_rapi_host_address(host), path);

    memset(out, 0, sizeof(*out));
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        hs = curl_slist_append(hs, "Expect:");
    }
    if (header)
        hs = curl_slist_append(hs, header);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    free(url);
}

static void post(struct vp_rapi_host *host, const char *path, const char *body, const char *header, struct http *out)
{
    call(host, path, body, strlen(body), header, out);
}

struct poller {
    struct vp_rapi_host *host;
    struct http got;
    volatile int done;
};

static void *poll_next(void *arg)
{
    struct poller *p = arg;

    call(p->host, "invocation/next", NULL, 0, NULL, &p->got);
    p->done = 1;
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static struct vp_rapi_host *start(size_t max)
{
    struct vp_rapi_host_opts o = { .function_name = "fn", .region = "eu-west-1", .timeout_ms = 5000,
                                   .max_payload_bytes = max };
    struct vp_rapi_host *h = NULL;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, vp_rapi_host_start(&o, &h, &err));
    return h;
}

/* Queues one event and takes it with `next`; id receives its request id. */
static void dispatch(struct vp_rapi_host *h, const char *event, char id[VP_RAPI_ID_LEN])
{
    struct vp_err err = { 0 };
    struct http got;

    EXPECT_INTEQ(0, vp_rapi_host_queue(h, event, strlen(event), id, &err));
    call(h, "invocation/next", NULL, 0, NULL, &got);
    EXPECT_INTEQ(200, got.status);
    EXPECT_STREQ(event, got.body);
}

static void next_blocks_until_an_event_is_queued(void)
{
    struct vp_rapi_host *h = start(0);
    struct poller p = { .host = h };
    struct vp_err err = { 0 };
    char id[VP_RAPI_ID_LEN], want[128];
    pthread_t t;

    EXPECT(vp_rapi_host_port(h) > 0);
    EXPECT(strncmp(vp_rapi_host_address(h), "127.0.0.1:", 10) == 0);
    pthread_create(&t, NULL, poll_next, &p);
    sleep_ms(200);
    EXPECT_INTEQ(0, p.done);
    EXPECT_INTEQ(0, vp_rapi_host_queue(h, "{\"a\":1}", 7, id, &err));
    pthread_join(t, NULL);
    EXPECT_INTEQ(200, p.got.status);
    EXPECT_STREQ("{\"a\":1}", p.got.body);
    snprintf(want, sizeof(want), "Lambda-Runtime-Aws-Request-Id: %s", id);
    EXPECT(strstr(p.got.headers, want) != NULL);
    EXPECT(strstr(p.got.headers, "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:eu-west-1:000000000000:function:fn"));
    EXPECT(strstr(p.got.headers, "Lambda-Runtime-Trace-Id: Root=1-") != NULL);
    EXPECT(strstr(p.got.headers, ";Sampled=0") != NULL);
    EXPECT(strstr(p.got.headers, "Lambda-Runtime-Deadline-Ms: 1") != NULL);
    EXPECT_INTEQ(1, vp_rapi_host_dispatched(h, id));
    vp_rapi_host_stop(h);
}

static void a_response_is_taken_once(void)
{
    struct vp_rapi_host *h = start(0);
    struct vp_rapi_outcome o;
    struct vp_err err = { 0 };
    struct http got;
    char id[VP_RAPI_ID_LEN], path[128];

    dispatch(h, "{}", id);
    EXPECT_INTEQ(1, vp_rapi_host_wait(h, id, 50, &o, &err));     /* nothing yet */
    snprintf(path, sizeof(path), "invocation/%s/response", id);
    post(h, path, "{\"ok\":true}", NULL, &got);
    EXPECT_INTEQ(202, got.status);
    post(h, path, "{\"again\":true}", NULL, &got);
    EXPECT_INTEQ(400, got.status);
    EXPECT(strstr(got.body, "InvalidRequestID") != NULL);
    EXPECT_INTEQ(0, vp_rapi_host_wait(h, id, 1000, &o, &err));
    EXPECT_INTEQ(VP_RAPI_RESPONSE, o.kind);
    EXPECT_STREQ("{\"ok\":true}", o.body);
    vp_rapi_outcome_release(&o);
    EXPECT_INTEQ(-1, vp_rapi_host_wait(h, id, 0, &o, &err));     /* taken: forgotten */
    vp_rapi_host_stop(h);
}

static void unknown_and_unsent_ids_get_400(void)
{
    struct vp_rapi_host *h = start(0);
    struct vp_err err = { 0 };
    struct http got;
    char id[VP_RAPI_ID_LEN], path[128];

    post(h, "invocation/00000000-0000-4000-8000-000000000000/response", "{}", NULL, &got);
    EXPECT_INTEQ(400, got.status);
    EXPECT(strstr(got.body, "\"errorType\":\"InvalidRequestID\"") != NULL);
    EXPECT_INTEQ(0, vp_rapi_host_queue(h, "{}", 2, id, &err));
    snprintf(path, sizeof(path), "invocation/%s/error", id);   /* queued, not handed out yet */
    post(h, path, "{}", NULL, &got);
    EXPECT_INTEQ(400, got.status);
    post(h, "invocation/nope", "{}", NULL, &got);
    EXPECT_INTEQ(404, got.status);
    call(h, "invocation/x/response", NULL, 0, NULL, &got);
    EXPECT_INTEQ(405, got.status);
    vp_rapi_host_stop(h);
}

static void an_error_takes_its_type_from_the_document_or_header(void)
{
    struct vp_rapi_host *h = start(0);
    struct vp_rapi_outcome o;
    struct vp_err err = { 0 };
    struct http got;
    char id[VP_RAPI_ID_LEN], path[128];

    dispatch(h, "{}", id);
    snprintf(path, sizeof(path), "invocation/%s/error", id);
    post(h, path, "{\"errorMessage\":\"gone\",\"errorType\":\"VideoGone\",\"stackTrace\":[]}",
         "Lambda-Runtime-Function-Error-Type: Other", &got);
    EXPECT_INTEQ(202, got.status);
    EXPECT_INTEQ(0, vp_rapi_host_wait(h, id, 1000, &o, &err));
    EXPECT_INTEQ(VP_RAPI_ERROR, o.kind);
    EXPECT_STREQ("VideoGone", o.error_type);
    EXPECT_STREQ("gone", o.error_message);
    vp_rapi_outcome_release(&o);

    dispatch(h, "{}", id);
    snprintf(path, sizeof(path), "invocation/%s/error", id);
    post(h, path, "plain text", "Lambda-Runtime-Function-Error-Type: Runtime.Unknown", &got);
    EXPECT_INTEQ(0, vp_rapi_host_wait(h, id, 1000, &o, &err));
    EXPECT_STREQ("Runtime.Unknown", o.error_type);
    EXPECT_STREQ("plain text", o.error_message);
    EXPECT(strstr(o.body, "\"errorType\":\"Runtime.Unknown\"") != NULL);
    vp_rapi_outcome_release(&o);
    vp_rapi_host_stop(h);
}

static void a_response_over_the_quota_fails_with_413(void)
{
    struct vp_rapi_host *h = start(16);
    struct vp_rapi_outcome o;
    struct vp_err err = { 0 };
    struct http got;
    char id[VP_RAPI_ID_LEN], path[128];

    dispatch(h, "{}", id);
    snprintf(path, sizeof(path), "invocation/%s/response", id);
    post(h, path, "\"0123456789abcdefghij\"", NULL, &got);
    EXPECT_INTEQ(413, got.status);
    EXPECT_INTEQ(0, vp_rapi_host_wait(h, id, 1000, &o, &err));
    EXPECT_INTEQ(VP_RAPI_ERROR, o.kind);
    EXPECT_STREQ("Function.ResponseSizeTooLarge", o.error_type);
    vp_rapi_outcome_release(&o);
    EXPECT_INTEQ(-1, vp_rapi_host_queue(h, "\"0123456789abcdefghij\"", 22, id, &err));   /* events too */
    EXPECT_INTEQ(VP_E_LIMIT, err.code);
    vp_rapi_host_stop(h);
}

static void an_init_error_fails_the_pending_invocation(void)
{
    struct vp_rapi_host *h = start(0);
    struct vp_rapi_outcome o;
    struct vp_err err = { 0 };
    struct http got;
    char id[VP_RAPI_ID_LEN];

    EXPECT_INTEQ(0, vp_rapi_host_queue(h, "{}", 2, id, &err));
    post(h, "init/error", "{\"errorMessage\":\"no TABLE\",\"errorType\":\"Runtime.ConfigError\"}", NULL, &got);
    EXPECT_INTEQ(202, got.status);
    EXPECT_INTEQ(0, vp_rapi_host_wait(h, id, 1000, &o, &err));
    EXPECT_INTEQ(VP_RAPI_INIT_ERROR, o.kind);
    EXPECT_STREQ("Runtime.ConfigError", o.error_type);
    EXPECT_STREQ("no TABLE", o.error_message);
    vp_rapi_outcome_release(&o);
    /* With nothing pending, it fails the next event queued. */
    post(h, "init/error", "{\"errorMessage\":\"again\",\"errorType\":\"X\"}", NULL, &got);
    EXPECT_INTEQ(0, vp_rapi_host_queue(h, "{}", 2, id, &err));
    EXPECT_INTEQ(0, vp_rapi_host_wait(h, id, 0, &o, &err));
    EXPECT_STREQ("again", o.error_message);
    vp_rapi_outcome_release(&o);
    vp_rapi_host_stop(h);
}

static void stop_ends_a_pending_poll(void)
{
    struct vp_rapi_host *h = start(0);
    struct poller p = { .host = h };
    struct vp_err err = { 0 };
    char id[VP_RAPI_ID_LEN];
    pthread_t t;

    EXPECT_INTEQ(0, vp_rapi_host_queue(h, "{}", 2, id, &err));   /* left unanswered: freed by stop */
    call(h, "invocation/next", NULL, 0, NULL, &p.got);
    pthread_create(&t, NULL, poll_next, &p);
    sleep_ms(100);
    vp_rapi_host_stop(h);
    pthread_join(t, NULL);
    EXPECT_INTEQ(1, p.done);
    EXPECT(p.got.status != 200);
}

/* A zip with one entry of that name. */
static void make_zip(const char *path, const char *name)
{
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
    zip_source_t *s = zip_source_buffer(z, "x", 1, 0);

    zip_file_add(z, name, s, ZIP_FL_OVERWRITE);
    zip_close(z);
}

static void unzip_refuses_names_outside_the_folder(void)
{
    char dir[] = "/tmp/vp-test-unzip-XXXXXX";
    const char *bad[] = { "../evil", "/abs", "a/../../evil", NULL };
    struct vp_err err = { 0 };
    char *zip, *task;
    struct stat st;

    EXPECT(mkdtemp(dir) != NULL);
    zip = vp_xasprintf("%s/t.zip", dir);
    task = vp_xasprintf("%s/task", dir);
    mkdir(task, 0755);
    for (size_t i = 0; bad[i]; i++) {
        make_zip(zip, bad[i]);
        EXPECT_INTEQ(-1, vp_unzip_to(zip, task, &err));
        EXPECT(strstr(err.msg, "refusing entry") != NULL);
    }
    make_zip(zip, "sub/dir/file");
    EXPECT_INTEQ(0, vp_unzip_to(zip, task, &err));
    free(zip);
    zip = vp_xasprintf("%s/sub/dir/file", task);
    EXPECT_INTEQ(0, stat(zip, &st));
    vp_remove_tree(dir);
    EXPECT(stat(dir, &st) != 0);
    free(zip);
    free(task);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    T_RUN(next_blocks_until_an_event_is_queued);
    T_RUN(a_response_is_taken_once);
    T_RUN(unknown_and_unsent_ids_get_400);
    T_RUN(an_error_takes_its_type_from_the_document_or_header);
    T_RUN(a_response_over_the_quota_fails_with_413);
    T_RUN(an_init_error_fails_the_pending_invocation);
    T_RUN(stop_ends_a_pending_poll);
    T_RUN(unzip_refuses_names_outside_the_folder);
    curl_global_cleanup();
    return t_done();
}
