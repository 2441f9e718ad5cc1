/* apigw_cors.c: API Gateway's CORS answers (see apigw_cors.h; the AWS guide "Configuring CORS for an HTTP
 * API"). */
#include "local/apigw_cors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"

static bool listed(const json_t *list, const char *value, bool ignore_case)
{
    const json_t *v;
    size_t i;

    json_array_foreach(list, i, v) {
        const char *s = json_string_value(v);
        if (s && (strcmp(s, "*") == 0 || (ignore_case ? strcasecmp(s, value) : strcmp(s, value)) == 0))
            return true;
    }
    return false;
}

static char *joined(const json_t *list)
{
    struct vp_buf b;
    const json_t *v;
    size_t i;
    char *out;

    vp_buf_init(&b, 0);
    json_array_foreach(list, i, v) {
        if (i)
            vp_buf_puts(&b, ",");
        vp_buf_puts(&b, json_string_value(v) ? json_string_value(v) : "");
    }
    out = vp_xstrndup(b.data ? b.data : "", b.len);
    vp_buf_release(&b);
    return out;
}

/* The Access-Control-Allow-Origin value for origin: "*" when any origin is allowed (and no credentials),
 * else the origin itself; NULL when it is not allowed. */
static const char *allowed_origin(const json_t *cors, const char *origin)
{
    const json_t *origins = json_object_get(cors, "allow_origins");

    if (!origin || !json_array_size(origins))
        return NULL;
    if (listed(origins, origin, false)) {
        for (size_t i = 0; i < json_array_size(origins); i++)
            if (strcmp(json_string_value(json_array_get(origins, i)), origin) == 0)
                return origin;
        return json_is_true(json_object_get(cors, "allow_credentials")) ? origin : "*";
    }
    return NULL;
}

static void set_list_header(struct vp_api_response *out, const char *name, const json_t *list)
{
    char *text;

    if (!json_array_size(list))
        return;
    text = joined(list);
    vp_kv_set(&out->headers, name, text);
    free(text);
}

bool vp_cors_is_preflight(const json_t *cors, const struct vp_api_request *req)
{
    return cors && strcmp(req->method, "OPTIONS") == 0 && vp_kv_get(req->headers, "origin") &&
           vp_kv_get(req->headers, "access-control-request-method");
}

/* Every header the preflight asks for is allowed. */
static bool headers_allowed(const json_t *cors, const char *requested)
{
    char *copy, *save = NULL;
    bool ok = true;

    if (!requested || !*requested)
        return true;
    copy = vp_xstrdup(requested);
    for (char *h = strtok_r(copy, ",", &save); h && ok; h = strtok_r(NULL, ",", &save)) {
        while (*h == ' ')
            h++;
        for (char *end = h + strlen(h); end > h && end[-1] == ' ';)
            *--end = '\0';
        ok = !*h || listed(json_object_get(cors, "allow_headers"), h, true);
    }
    free(copy);
    return ok;
}

void vp_cors_preflight(const json_t *cors, const struct vp_api_request *req, struct vp_api_response *out)
{
    const char *origin = allowed_origin(cors, vp_kv_get(req->headers, "origin"));
    const char *method = vp_kv_get(req->headers, "access-control-request-method");
    const json_t *max_age = json_object_get(cors, "max_age");

    memset(out, 0, sizeof(*out));
    out->status = 204;
    out->body = vp_xstrdup("");
    if (!origin || !listed(json_object_get(cors, "allow_methods"), method, true) ||
        !headers_allowed(cors, vp_kv_get(req->headers, "access-control-request-headers")))
        return;
    vp_kv_set(&out->headers, "Access-Control-Allow-Origin", origin);
    set_list_header(out, "Access-Control-Allow-Methods", json_object_get(cors, "allow_methods"));
    set_list_header(out, "Access-Control-Allow-Headers", json_object_get(cors, "allow_headers"));
    if (json_is_integer(max_age) && json_integer_value(max_age) > 0) {
        char text[24];
        snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(max_age));
        vp_kv_set(&out->headers, "Access-Control-Max-Age", text);
    }
    if (json_is_true(json_object_get(cors, "allow_credentials")))
        vp_kv_set(&out->headers, "Access-Control-Allow-Credentials", "true");
}

void vp_cors_decorate(const json_t *cors, const struct vp_api_request *req, struct vp_api_response *out)
{
    static const char *const ours[] = { "Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                                        "Access-Control-Allow-Headers", "Access-Control-Expose-Headers",
                                        "Access-Control-Max-Age", "Access-Control-Allow-Credentials", NULL };
    const char *origin;

    if (!cors)
        return;
    for (size_t i = 0; ours[i]; i++)        /* API Gateway replaces the integration's CORS headers */
        vp_kv_remove(&out->headers, ours[i]);
    if (!(origin = allowed_origin(cors, vp_kv_get(req->headers, "origin"))))
        return;
    vp_kv_set(&out->headers, "Access-Control-Allow-Origin", origin);
    set_list_header(out, "Access-Control-Expose-Headers", json_object_get(cors, "expose_headers"));
    if (json_is_true(json_object_get(cors, "allow_credentials")))
        vp_kv_set(&out->headers, "Access-Control-Allow-Credentials", "true");
    vp_kv_set(&out->headers, "Vary", "Origin");
}
