/* rapi_host.c: the local Lambda Runtime API host (see rapi_host.h), on libmicrohttpd.
 *
 * DESIGN: libmicrohttpd runs one thread per connection (MHD_USE_THREAD_PER_CONNECTION), so the `next` long
 * poll simply blocks its own thread on the host's condition variable until an event is queued or the host
 * stops. Invocations live in one list under one mutex: QUEUED (waiting for a `next`), RUNNING (handed out,
 * waiting for a response or error), DONE (outcome ready, waiting for vp_rapi_host_wait to take it). The
 * same condition variable wakes `next` pollers and outcome waiters; it runs on CLOCK_MONOTONIC so waits are
 * immune to wall-clock steps. */
#include "local/rapi_host.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/state.h"

#define API_PREFIX "/2018-06-01/runtime/"
#define INVOCATION_PREFIX API_PREFIX "invocation/"

enum inv_state { INV_QUEUED, INV_RUNNING, INV_DONE };

struct invocation {
    char id[VP_RAPI_ID_LEN];
    char *event;
    size_t len;
    enum inv_state state;
    struct vp_rapi_outcome outcome;     /* INV_DONE */
    struct invocation *next;
};

struct vp_rapi_host {
    struct MHD_Daemon *daemon;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    struct invocation *invocations;     /* in queue order */
    bool stopping;
    bool have_init_error;               /* posted while nothing was pending: fails the next queued event */
    struct vp_rapi_outcome init_error;
    char *arn;
    long timeout_ms;
    size_t max_payload;
    unsigned short port;
    char address[32];
    void (*on_outcome)(void *ctx);
    void *on_outcome_ctx;
    void (*on_dispatch)(void *ctx, const char *request_id);
    void *on_dispatch_ctx;
};

/* One HTTP request's upload, kept across libmicrohttpd's calls of the access handler. */
struct request {
    struct vp_buf body;
    bool too_large;
};

void vp_rapi_outcome_release(struct vp_rapi_outcome *o)
{
    if (!o)
        return;
    free(o->body);
    free(o->error_type);
    free(o->error_message);
    memset(o, 0, sizeof(*o));
}

static void outcome_copy(struct vp_rapi_outcome *dst, const struct vp_rapi_outcome *src)
{
    dst->kind = src->kind;
    dst->body = vp_xmalloc(src->len + 1);
    memcpy(dst->body, src->body, src->len + 1);
    dst->len = src->len;
    dst->error_type = src->error_type ? vp_xstrdup(src->error_type) : NULL;
    dst->error_message = src->error_message ? vp_xstrdup(src->error_message) : NULL;
}

static long long now_epoch_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* X-Ray's format: Root=1-{epoch seconds, 8 hex}-{96 random bits, 24 hex};Parent={64 bits, 16 hex};Sampled=0 */
static void trace_id(char *out, size_t size)
{
    unsigned char r[20];
    char hex[41];

    if (RAND_bytes(r, sizeof(r)) != 1)
        memset(r, 0, sizeof(r));
    for (size_t i = 0; i < sizeof(r); i++)
        snprintf(hex + 2 * i, 3, "%02x", r[i]);
    snprintf(out, size, "Root=1-%08lx-%.24s;Parent=%.16s;Sampled=0", (unsigned long)time(NULL), hex, hex + 24);
}

static struct invocation *find(struct vp_rapi_host *h, const char *id)
{
    for (struct invocation *i = h->invocations; i; i = i->next)
        if (strcmp(i->id, id) == 0)
            return i;
    return NULL;
}

static void unlink_invocation(struct vp_rapi_host *h, struct invocation *inv)
{
    for (struct invocation **p = &h->invocations; *p; p = &(*p)->next) {
        if (*p == inv) {
            *p = inv->next;
            break;
        }
    }
    free(inv->event);
    vp_rapi_outcome_release(&inv->outcome);
    free(inv);
}

/* Builds an outcome from a posted body: errors take their type and message from the document. */
static void outcome_from(struct vp_rapi_outcome *o, enum vp_rapi_outcome_kind kind, const char *body, size_t len,
                         const char *type_header)
{
    json_t *doc = NULL;
    const char *type = NULL, *message = NULL;

    memset(o, 0, sizeof(*o));
    o->kind = kind;
    if (kind != VP_RAPI_RESPONSE) {
        doc = json_loadb(body, len, 0, NULL);
        type = json_string_value(json_object_get(doc, "errorType"));
        message = json_string_value(json_object_get(doc, "errorMessage"));
        if (!type || !*type)
            type = type_header && *type_header ? type_header : "Unhandled";
        o->error_type = vp_xstrdup(type);
        if (!message && !doc && len)
            message = body;             /* not JSON: the text is the message */
        o->error_message = vp_xstrdup(message ? message : "");
        if (!json_is_object(doc)) {     /* hand on a well-formed error document */
            json_t *fixed = json_pack("{s:s, s:s}", "errorMessage", o->error_message, "errorType", o->error_type);
            o->body = json_dumps(fixed, JSON_COMPACT);
            o->len = strlen(o->body);
            json_decref(fixed);
            json_decref(doc);
            return;
        }
        json_decref(doc);
    }
    o->body = vp_xmalloc(len + 1);
    memcpy(o->body, body, len);
    o->body[len] = '\0';
    o->len = len;
}

static void notify(struct vp_rapi_host *h)
{
    if (h->on_outcome)
        h->on_outcome(h->on_outcome_ctx);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    MHD_add_response_header(r, "Content-Type", "application/json");
    ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn, unsigned int status, const char *type,
                                   const char *message)
{
    json_t *doc = json_pack("{s:s, s:s}", "errorMessage", message, "errorType", type);
    char *text = json_dumps(doc, JSON_COMPACT);
    enum MHD_Result ret = reply(conn, status, text);

    free(text);
    json_decref(doc);
    return ret;
}

static enum MHD_Result reply_accepted(struct MHD_Connection *conn)
{
    return reply(conn, MHD_HTTP_ACCEPTED, "{\"status\":\"OK\"}");
}

/* GET .../invocation/next: blocks until an event is queued or the host stops. */
static enum MHD_Result handle_next(struct vp_rapi_host *h, struct MHD_Connection *conn)
{
    struct invocation *inv = NULL;
    struct MHD_Response *r;
    char deadline[32], trace[96], id[VP_RAPI_ID_LEN];
    enum MHD_Result ret;

    pthread_mutex_lock(&h->mu);
    for (;;) {
        if (h->stopping)
            break;
        for (inv = h->invocations; inv && inv->state != INV_QUEUED; inv = inv->next)
            ;
        if (inv)
            break;
        pthread_cond_wait(&h->cond, &h->mu);
    }
    if (!inv) {
        pthread_mutex_unlock(&h->mu);
        return reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "ServiceStopping", "the runtime API host is stopping");
    }
    inv->state = INV_RUNNING;
    snprintf(deadline, sizeof(deadline), "%lld", now_epoch_ms() + h->timeout_ms);
    trace_id(trace, sizeof(trace));
    r = MHD_create_response_from_buffer(inv->len, inv->event, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Lambda-Runtime-Aws-Request-Id", inv->id);
    MHD_add_response_header(r, "Lambda-Runtime-Deadline-Ms", deadline);
    MHD_add_response_header(r, "Lambda-Runtime-Invoked-Function-Arn", h->arn);
    MHD_add_response_header(r, "Lambda-Runtime-Trace-Id", trace);
    memcpy(id, inv->id, sizeof(id));
    pthread_mutex_unlock(&h->mu);
    if (h->on_dispatch)
        h->on_dispatch(h->on_dispatch_ctx, id);
    ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* POST .../invocation/ID/response and .../invocation/ID/error. */
static enum MHD_Result handle_result(struct vp_rapi_host *h, struct MHD_Connection *conn, const char *id,
                                     bool is_error, struct request *req)
{
    const char *type_header =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Lambda-Runtime-Function-Error-Type");
    struct invocation *inv;
    char message[160];

    pthread_mutex_lock(&h->mu);
    inv = find(h, id);
    if (!inv || inv->state != INV_RUNNING) {
        pthread_mutex_unlock(&h->mu);
        snprintf(message, sizeof(message), "invalid request ID '%.64s': %s", id,
                 inv ? "not running (already answered, or not handed out yet)" : "no such invocation");
        return reply_error(conn, MHD_HTTP_BAD_REQUEST, "InvalidRequestID", message);
    }
    if (req->too_large) {
        snprintf(message, sizeof(message), "Response payload size exceeded maximum allowed payload size (%zu bytes).",
                 h->max_payload);
        json_t *doc = json_pack("{s:s, s:s}", "errorMessage", message, "errorType", "Function.ResponseSizeTooLarge");
        char *text = json_dumps(doc, JSON_COMPACT);
        outcome_from(&inv->outcome, VP_RAPI_ERROR, text, strlen(text), NULL);
        inv->state = INV_DONE;
        pthread_cond_broadcast(&h->cond);
        pthread_mutex_unlock(&h->mu);
        notify(h);
        enum MHD_Result ret = reply(conn, MHD_HTTP_CONTENT_TOO_LARGE, text);
        free(text);
        json_decref(doc);
        return ret;
    }
    outcome_from(&inv->outcome, is_error ? VP_RAPI_ERROR : VP_RAPI_RESPONSE, req->body.data, req->body.len,
                 type_header);
    inv->state = INV_DONE;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->mu);
    notify(h);
    return reply_accepted(conn);
}

/* POST .../init/error: fails every pending invocation (or the next one queued). */
static enum MHD_Result handle_init_error(struct vp_rapi_host *h, struct MHD_Connection *conn, struct request *req)
{
    const char *type_header =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Lambda-Runtime-Function-Error-Type");
    struct vp_rapi_outcome o;
    bool any = false;

    if (req->too_large)
        return reply_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "RequestEntityTooLarge", "the init error is too large");
    outcome_from(&o, VP_RAPI_INIT_ERROR, req->body.data, req->body.len, type_header);
    pthread_mutex_lock(&h->mu);
    for (struct invocation *inv = h->invocations; inv; inv = inv->next) {
        if (inv->state == INV_DONE)
            continue;
        vp_rapi_outcome_release(&inv->outcome);
        outcome_copy(&inv->outcome, &o);
        inv->state = INV_DONE;
        any = true;
    }
    if (!any) {
        vp_rapi_outcome_release(&h->init_error);
        h->init_error = o;
        h->have_init_error = true;
    } else {
        vp_rapi_outcome_release(&o);
    }
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->mu);
    notify(h);
    return reply_accepted(conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct vp_rapi_host *h = cls;
    struct request *req = *con_cls;
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

    (void)version;
    if (!req) {                         /* the headers: make room for the body */
        req = vp_xcalloc(1, sizeof(*req));
        vp_buf_init(&req->body, h->max_payload);
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_data_size) {
        struct vp_err err = { 0 };
        if (!req->too_large && vp_buf_add(&req->body, upload_data, *upload_data_size, &err) < 0) {
            req->too_large = true;
            vp_buf_release(&req->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(url, INVOCATION_PREFIX "next") == 0)
        return get ? handle_next(h, conn)
                   : reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed", "use GET");
    if (strcmp(url, API_PREFIX "init/error") == 0)
        return post ? handle_init_error(h, conn, req)
                    : reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed", "use POST");
    if (strncmp(url, INVOCATION_PREFIX, strlen(INVOCATION_PREFIX)) == 0) {
        const char *id = url + strlen(INVOCATION_PREFIX), *slash = strchr(id, '/');
        char idbuf[128];
        if (slash && (size_t)(slash - id) < sizeof(idbuf) && slash > id &&
            (strcmp(slash, "/response") == 0 || strcmp(slash, "/error") == 0)) {
            if (!post)
                return reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed", "use POST");
            memcpy(idbuf, id, (size_t)(slash - id));
            idbuf[slash - id] = '\0';
            return handle_result(h, conn, idbuf, strcmp(slash, "/error") == 0, req);
        }
    }
    return reply_error(conn, MHD_HTTP_NOT_FOUND, "NotFound", "no such Runtime API resource");
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct request *req = *con_cls;

    (void)cls, (void)conn, (void)toe;
    if (req) {
        vp_buf_release(&req->body);
        free(req);
        *con_cls = NULL;
    }
}

int vp_rapi_host_start(const struct vp_rapi_host_opts *opts, struct vp_rapi_host **out, struct vp_err *err)
{
    struct vp_rapi_host *h = vp_xcalloc(1, sizeof(*h));
    struct sockaddr_in addr;
    pthread_condattr_t ca;
    const union MHD_DaemonInfo *info;
    socklen_t alen = sizeof(addr);

    *out = NULL;
    pthread_mutex_init(&h->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cond, &ca);
    pthread_condattr_destroy(&ca);
    h->arn = vp_xasprintf("arn:aws:lambda:%s:000000000000:function:%s", opts->region ? opts->region : "us-east-1",
                          opts->function_name ? opts->function_name : "function");
    h->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 3000;
    h->max_payload = opts->max_payload_bytes ? opts->max_payload_bytes : VP_RAPI_MAX_PAYLOAD_BYTES;
    h->on_outcome = opts->on_outcome;
    h->on_outcome_ctx = opts->on_outcome_ctx;
    h->on_dispatch = opts->on_dispatch;
    h->on_dispatch_ctx = opts->on_dispatch_ctx;

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
                                 on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
    if (!h->daemon) {
        vp_rapi_host_stop(h);
        return vp_fail(err, VP_E_IO, "cannot start the Lambda Runtime API host on 127.0.0.1");
    }
    info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&addr, &alen) != 0) {
        vp_rapi_host_stop(h);
        return vp_fail(err, VP_E_IO, "cannot learn the Runtime API host's port: %s", strerror(errno));
    }
    h->port = ntohs(addr.sin_port);
    snprintf(h->address, sizeof(h->address), "127.0.0.1:%u", (unsigned)h->port);
    *out = h;
    return 0;
}

const char *vp_rapi_host_address(const struct vp_rapi_host *h)
{
    return h->address;
}

unsigned short vp_rapi_host_port(const struct vp_rapi_host *h)
{
    return h->port;
}

int vp_rapi_host_queue(struct vp_rapi_host *h, const char *event, size_t len, char request_id[VP_RAPI_ID_LEN],
                       struct vp_err *err)
{
    struct invocation *inv, **tail;

    if (len > h->max_payload)
        return vp_fail(err, VP_E_LIMIT, "the event is %zu bytes, over the %zu-byte payload quota", len,
                       h->max_payload);
    inv = vp_xcalloc(1, sizeof(*inv));
    vp_uuid4(inv->id);
    inv->event = vp_xmalloc(len + 1);
    memcpy(inv->event, event, len);
    inv->event[len] = '\0';
    inv->len = len;
    pthread_mutex_lock(&h->mu);
    if (h->stopping) {
        pthread_mutex_unlock(&h->mu);
        free(inv->event);
        free(inv);
        return vp_fail(err, VP_E_IO, "the Runtime API host is stopping");
    }
    if (h->have_init_error) {           /* the runtime failed before this event came: it fails too */
        inv->outcome = h->init_error;
        memset(&h->init_error, 0, sizeof(h->init_error));
        h->have_init_error = false;
        inv->state = INV_DONE;
    }
    for (tail = &h->invocations; *tail; tail = &(*tail)->next)
        ;
    *tail = inv;
    memcpy(request_id, inv->id, VP_RAPI_ID_LEN);
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->mu);
    return 0;
}

int vp_rapi_host_wait(struct vp_rapi_host *h, const char *request_id, long wait_ms, struct vp_rapi_outcome *out,
                      struct vp_err *err)
{
    struct timespec until;
    struct invocation *inv;
    bool timed_out = false;
    int ret = 1;

    memset(out, 0, sizeof(*out));
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&h->mu);
    for (;;) {
        if (!(inv = find(h, request_id))) {
            ret = vp_fail(err, VP_E_USAGE, "no invocation '%s' on this host", request_id);
            break;
        }
        if (inv->state == INV_DONE) {
            *out = inv->outcome;
            memset(&inv->outcome, 0, sizeof(inv->outcome));
            unlink_invocation(h, inv);
            ret = 0;
            break;
        }
        if (timed_out || wait_ms <= 0)
            break;                      /* ret is 1: nothing yet */
        if (pthread_cond_timedwait(&h->cond, &h->mu, &until) == ETIMEDOUT)
            timed_out = true;           /* one last look, then give up */
    }
    pthread_mutex_unlock(&h->mu);
    return ret;
}

int vp_rapi_host_dispatched(struct vp_rapi_host *h, const char *request_id)
{
    struct invocation *inv;
    int ret;

    pthread_mutex_lock(&h->mu);
    inv = find(h, request_id);
    ret = inv && inv->state != INV_QUEUED;
    pthread_mutex_unlock(&h->mu);
    return ret;
}

void vp_rapi_host_cancel(struct vp_rapi_host *h, const char *request_id)
{
    struct invocation *inv;

    pthread_mutex_lock(&h->mu);
    if ((inv = find(h, request_id)))
        unlink_invocation(h, inv);
    pthread_mutex_unlock(&h->mu);
}

void vp_rapi_host_stop(struct vp_rapi_host *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);
    h->stopping = true;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->mu);
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    while (h->invocations)
        unlink_invocation(h, h->invocations);
    vp_rapi_outcome_release(&h->init_error);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->mu);
    free(h->arn);
    free(h);
}
