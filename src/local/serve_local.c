/* serve_local.c: the local services port of `vidpipe serve`: the web app's folder, /config.json, the
 * development issuer under /issuer, and EventBridge's PutEvents under /events. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "local/events_put.h"
#include "local/serve_internal.h"

#define STATIC_MAX (64u * 1024 * 1024)

static void set_body(struct vp_api_response *out, int status, const char *type, char *body, size_t len)
{
    out->status = status;
    free(out->body);
    out->body = body;
    out->body_len = len;
    vp_kv_set(&out->headers, "Content-Type", type);
}

static void config_json(struct server *s, struct vp_api_response *out)
{
    const struct vp_wired_api *api = s->api;
    json_t *doc = json_pack("{s:s, s:s}", "api_url", s->api_url, "region", s->o->region ? s->o->region : "us-east-1");
    char *text;

    if (api && api->issuer) {
        json_object_set_new(doc, "issuer", json_string(s->issuer ? s->issuer_url : api->issuer));
        json_object_set_new(doc, "token_issuer", json_string(api->issuer));
        if (api->n_audiences)
            json_object_set_new(doc, "client_id", json_string(api->audiences[0]));
    }
    text = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    set_body(out, 200, "application/json", text, strlen(text));
    vp_kv_set(&out->headers, "Cache-Control", "no-store");
}

static void deliver_event(void *ctx, const json_t *event)
{
    serve_deliver_event(ctx, event);
}

static void put_events(struct server *s, const struct vp_api_request *req, struct vp_api_response *out)
{
    const char *target = vp_kv_get(req->headers, "x-amz-target");
    char *body = NULL;
    int status = 400;

    if (strcmp(req->method, "POST") != 0 || !target || strcmp(target, "AWSEvents.PutEvents") != 0) {
        body = vp_xasprintf("{\"__type\":\"UnknownOperationException\",\"message\":\"this local bus answers "
                            "AWSEvents.PutEvents only, not %s\"}", target ? target : "(no X-Amz-Target)");
        set_body(out, 400, "application/x-amz-json-1.1", body, strlen(body));
        return;
    }
    vp_events_put_handle(req->body, req->body_len, s->o->wiring->account_id, s->o->region ? s->o->region : "us-east-1",
                         deliver_event, s, &status, &body);
    set_body(out, status, "application/x-amz-json-1.1", body, strlen(body));
}

static const char *content_type(const char *path)
{
    static const struct { const char *ext, *type; } types[] = {
        { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
        { ".mjs", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
        { ".json", "application/json" }, { ".map", "application/json" }, { ".svg", "image/svg+xml" },
        { ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".ico", "image/x-icon" }, { ".txt", "text/plain" },
    };
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcasecmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* A file under the web folder; "/" is index.html. Paths with ".." segments or NUL are refused. */
static void static_file(struct server *s, const struct vp_api_request *req, struct vp_api_response *out)
{
    const char *rel = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
    struct vp_buf data;
    struct vp_err err = { 0 };
    struct stat st;
    char *file;

    if (!s->o->web_dir || (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)) {
        vp_api_response_message(out, 404, "Not Found");
        return;
    }
    if (strstr(rel, "/../") || strstr(rel, "%") || (strlen(rel) >= 3 && strcmp(rel + strlen(rel) - 3, "/..") == 0)) {
        vp_api_response_message(out, 400, "Bad Request");
        return;
    }
    file = vp_xasprintf("%s%s", s->o->web_dir, rel);
    vp_buf_init(&data, STATIC_MAX);
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) || vp_buf_read_file(&data, file, &err) < 0) {
        vp_api_response_message(out, 404, "Not Found");
    } else {
        size_t len = data.len;
        char *bytes = len ? data.data : vp_xstrdup("");
        if (len)
            data.data = vp_buf_empty;   /* the response owns the bytes now */
        set_body(out, 200, content_type(file), bytes, len);
        vp_kv_set(&out->headers, "Cache-Control", "no-cache");
    }
    vp_buf_release(&data);
    free(file);
}

void serve_local_request(struct server *s, const struct vp_api_request *req, struct vp_api_response *out)
{
    if (strcmp(req->path, "/config.json") == 0) {
        config_json(s, out);
    } else if (s->issuer && (strcmp(req->path, "/issuer") == 0 || strncmp(req->path, "/issuer/", 8) == 0)) {
        const char *type_out = "application/json";
        char *body = NULL;
        int status = 404;
        vp_dev_issuer_handle(s->issuer, req->method, req->path + 7, vp_kv_get(req->headers, "content-type"), req->body,
                             req->body_len, &status, &type_out, &body);
        set_body(out, status, type_out, body ? body : vp_xstrdup(""), body ? strlen(body) : 0);
        vp_kv_set(&out->headers, "Cache-Control", "no-store");
    } else if (strcmp(req->path, "/events") == 0 || strncmp(req->path, "/events/", 8) == 0) {
        put_events(s, req, out);
    } else if (strncmp(req->path, "/media/", 7) == 0) {
        serve_media_request(s, req, out);
    } else {
        static_file(s, req, out);
    }
    if (strcmp(req->path, "/events") != 0 && strncmp(req->path, "/events/", 8) != 0)
        serve_log(s, "local: %s %s -> %d", req->method, req->path, out->status);
}
