/* serve_http.c: the HTTP plumbing of `vidpipe serve`: libmicrohttpd daemons on 127.0.0.1 that collect each
 * request whole (raw path and query as sent, headers, body up to API Gateway's 10 MB) and hand it to a
 * handler. DESIGN: one thread per connection, so a request waiting on a function never holds up another. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "local/serve_internal.h"

struct listener {
    struct server *server;
    serve_handler *handler;
};

struct pending {
    char *raw_uri;                      /* path?query, exactly as sent */
    struct vp_buf body;
    bool headers_seen;                  /* MHD's first call: headers only, the body comes after */
    bool too_large;
};

/* MHD calls this first for every request, with the URI before any decoding: it becomes the request's state. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct pending *p = vp_xcalloc(1, sizeof(*p));

    (void)cls;
    (void)conn;
    p->raw_uri = vp_xstrdup(uri ? uri : "/");
    vp_buf_init(&p->body, SERVE_MAX_BODY);
    return p;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode code)
{
    struct pending *p = *state;

    (void)cls;
    (void)conn;
    (void)code;
    if (!p)
        return;
    free(p->raw_uri);
    vp_buf_release(&p->body);
    free(p);
    *state = NULL;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
    (void)kind;
    vp_kv_add(cls, name, value ? value : "");
    return MHD_YES;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, const struct vp_api_response *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(r->body_len, r->body ? r->body : (char *)"",
                                                                MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    for (size_t i = 0; i < r->headers.n; i++)
        MHD_add_response_header(resp, r->headers.items[i].name, r->headers.items[i].value);
    ret = MHD_queue_response(conn, (unsigned int)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void client_ip(struct MHD_Connection *conn, char *out, size_t size)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;

    snprintf(out, size, "127.0.0.1");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)size);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **state)
{
    struct listener *l = cls;
    struct pending *p = *state;
    struct vp_api_response out = { 0 };
    struct vp_kvlist headers = { 0 };
    struct vp_api_request req = { 0 };
    char ip[INET6_ADDRSTRLEN], *path, *query;
    enum MHD_Result ret;

    (void)url;
    (void)version;
    if (!p->headers_seen) {
        p->headers_seen = true;
        return MHD_YES;
    }
    if (*upload_data_size) {
        struct vp_err err = { 0 };
        if (!p->too_large && vp_buf_add(&p->body, upload_data, *upload_data_size, &err) < 0)
            p->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (p->too_large) {
        vp_api_response_message(&out, 413, "Request Entity Too Large");
        ret = send_response(conn, &out);
        vp_api_response_release(&out);
        return ret;
    }
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &headers);
    client_ip(conn, ip, sizeof(ip));
    path = vp_xstrdup(p->raw_uri);
    query = strchr(path, '?');
    if (query)
        *query++ = '\0';
    req.method = method;
    req.path = path;
    req.raw_query = query ? query : "";
    req.headers = &headers;
    req.body = p->body.data ? p->body.data : "";
    req.body_len = p->body.len;
    req.source_ip = ip;
    if (atomic_load(&l->server->ready))
        l->handler(l->server, &req, &out);
    else
        vp_api_response_message(&out, 503, "Service Unavailable: starting");
    ret = send_response(conn, &out);
    vp_api_response_release(&out);
    vp_kv_release(&headers);
    free(path);
    return ret;
}

static void free_listener(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode c)
{
    on_completed(cls, conn, state, c);
}

struct MHD_Daemon *serve_http_start(struct server *s, unsigned short port, serve_handler *handler,
                                    unsigned short *port_out, struct vp_err *err)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    struct listener *l = vp_xcalloc(1, sizeof(*l));     /* freed by serve.c after the daemon stops */
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;

    l->server = s;
    l->handler = handler;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
                         NULL, NULL, on_request, l, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, free_listener, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_END);
    if (!d) {
        free(l);
        return vp_fail(err, VP_E_IO, "cannot listen on 127.0.0.1:%u (in use?)", port), NULL;
    }
    s->listeners[s->n_listeners++] = l;
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *port_out = info ? info->port : port;
    return d;
}
