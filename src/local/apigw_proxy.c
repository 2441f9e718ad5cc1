/* apigw_proxy.c: HTTP API routes, payload format 2.0 events and responses (see apigw_proxy.h). */
#include "local/apigw_proxy.h"

#include <ctype.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "base/buf.h"
#include "base/xalloc.h"

void vp_api_response_release(struct vp_api_response *r)
{
    vp_kv_release(&r->headers);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

void vp_api_response_message(struct vp_api_response *r, int status, const char *message)
{
    json_t *doc = json_pack("{s:s}", "message", message);

    free(r->body);
    r->status = status;
    r->body = json_dumps(doc, JSON_COMPACT);
    r->body_len = strlen(r->body);
    vp_kv_set(&r->headers, "Content-Type", "application/json");
    json_decref(doc);
}

/* ---- routes ---- */

static char *decode(const char *s, size_t n)
{
    int out_len = 0;
    char *raw = curl_easy_unescape(NULL, s, (int)n, &out_len), *copy;

    if (!raw)
        return vp_xstrndup(s, n);
    copy = vp_xstrndup(raw, (size_t)out_len);
    curl_free(raw);
    return copy;
}

static void set_param(json_t *params, const char *name, size_t name_len, const char *value, size_t value_len)
{
    char *key = vp_xstrndup(name, name_len), *text = decode(value, value_len);

    json_object_set_new(params, key, json_stringn_nocheck(text, strlen(text)));
    free(text);
    free(key);
}

/* Matches path against a route's path; fills params and the route's specificity: one letter a segment,
 * 'c' literal, 'b' {param}, 'a' {greedy+}, so that a larger string is a more specific route. */
static bool path_matches(const char *route_path, const char *path, json_t *params, char *rank, size_t rank_size)
{
    const char *r = route_path, *p = path;
    size_t depth = 0;

    while (*r == '/' && *p == '/') {
        const char *r_end = strchr(r + 1, '/'), *p_end = strchr(p + 1, '/');
        size_t rn, pn;

        r++, p++;
        r_end = r_end ? r_end : r + strlen(r);
        p_end = p_end ? p_end : p + strlen(p);
        rn = (size_t)(r_end - r);
        pn = (size_t)(p_end - p);
        if (depth + 1 >= rank_size)
            return false;
        if (rn > 3 && r[0] == '{' && r[rn - 2] == '+' && r[rn - 1] == '}') {
            if (!*p)
                return false;
            set_param(params, r + 1, rn - 3, p, strlen(p));
            rank[depth++] = 'a';
            rank[depth] = '\0';
            return *r_end == '\0';
        }
        if (rn > 2 && r[0] == '{' && r[rn - 1] == '}') {
            if (pn == 0)
                return false;
            set_param(params, r + 1, rn - 2, p, pn);
            rank[depth++] = 'b';
        } else {
            if (rn != pn || memcmp(r, p, rn) != 0)
                return false;
            rank[depth++] = 'c';
        }
        r = r_end;
        p = p_end;
    }
    rank[depth] = '\0';
    return *r == '\0' && *p == '\0';
}

const struct vp_wired_route *vp_apigw_match(const struct vp_wired_api *api, const char *method, const char *path,
                                            json_t **path_params)
{
    const struct vp_wired_route *best = NULL, *fallback = NULL;
    char best_rank[128] = "", rank[128];
    bool best_exact = false;

    *path_params = json_object();
    for (size_t i = 0; i < api->n_routes; i++) {
        const struct vp_wired_route *route = &api->routes[i];
        json_t *params;
        bool exact;
        int cmp;

        if (!route->path) {
            fallback = route;
            continue;
        }
        exact = strcmp(route->method, method) == 0;
        if (!exact && strcmp(route->method, "ANY") != 0)
            continue;
        params = json_object();
        if (!path_matches(route->path, path, params, rank, sizeof(rank))) {
            json_decref(params);
            continue;
        }
        cmp = best ? strcmp(rank, best_rank) : 1;
        if (cmp > 0 || (cmp == 0 && exact && !best_exact)) {
            best = route;
            best_exact = exact;
            snprintf(best_rank, sizeof(best_rank), "%s", rank);
            json_decref(*path_params);
            *path_params = params;
        } else {
            json_decref(params);
        }
    }
    return best ? best : fallback;
}

/* ---- the event ---- */

static bool is_text_type(const char *content_type)
{
    static const char *const textual[] = { "text/", "application/json", "application/xml", "application/javascript",
                                           "application/x-www-form-urlencoded", "application/graphql", NULL };

    if (!content_type)
        return true;
    for (size_t i = 0; textual[i]; i++)
        if (strncasecmp(content_type, textual[i], strlen(textual[i])) == 0)
            return true;
    return strstr(content_type, "+json") || strstr(content_type, "+xml");
}

/* Lower-case names; a repeated header's values joined with ','; cookies apart, as API Gateway does. */
static json_t *event_headers(const struct vp_kvlist *headers, json_t *cookies)
{
    json_t *out = json_object();

    for (size_t i = 0; i < headers->n; i++) {
        char *name = vp_xstrdup(headers->items[i].name);
        const char *value = headers->items[i].value;
        json_t *prev;

        for (char *c = name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (strcmp(name, "cookie") == 0) {
            char *copy = vp_xstrdup(value), *save = NULL;
            for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
                while (*part == ' ')
                    part++;
                if (*part)
                    json_array_append_new(cookies, json_string_nocheck(part));
            }
            free(copy);
        } else if ((prev = json_object_get(out, name))) {
            char *joined = vp_xasprintf("%s,%s", json_string_value(prev), value);
            json_object_set_new(out, name, json_string_nocheck(joined));
            free(joined);
        } else {
            json_object_set_new(out, name, json_string_nocheck(value));
        }
        free(name);
    }
    return out;
}

json_t *vp_apigw_query_parameters(const char *raw)
{
    json_t *out = json_object();
    char *copy = vp_xstrdup(raw), *save = NULL;

    for (char *pair = strtok_r(copy, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '='), *key, *value;
        const json_t *prev;

        key = decode(pair, eq ? (size_t)(eq - pair) : strlen(pair));
        value = decode(eq ? eq + 1 : "", eq ? strlen(eq + 1) : 0);
        if ((prev = json_object_get(out, key))) {
            char *joined = vp_xasprintf("%s,%s", json_string_value(prev), value);
            json_object_set_new(out, key, json_string_nocheck(joined));
            free(joined);
        } else {
            json_object_set_new(out, key, json_string_nocheck(value));
        }
        free(key);
        free(value);
    }
    free(copy);
    return out;
}

/* API Gateway passes every claim as a string: numbers as digits, arrays as "[a b c]". */
static json_t *claims_as_strings(const json_t *claims)
{
    json_t *out = json_object(), *v;
    const char *name;

    json_object_foreach((json_t *)claims, name, v) {
        char *text = NULL;
        if (json_is_string(v)) {
            json_object_set(out, name, v);
            continue;
        }
        if (json_is_array(v)) {
            struct vp_buf b;
            size_t i;
            json_t *item;
            vp_buf_init(&b, 0);
            vp_buf_puts(&b, "[");
            json_array_foreach(v, i, item) {
                char *one = json_is_string(item) ? vp_xstrdup(json_string_value(item)) : json_dumps(item, JSON_ENCODE_ANY);
                if (i)
                    vp_buf_puts(&b, " ");
                vp_buf_puts(&b, one ? one : "");
                free(one);
            }
            vp_buf_puts(&b, "]");
            text = vp_xstrndup(b.data, b.len);
            vp_buf_release(&b);
        } else {
            text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        }
        json_object_set_new(out, name, json_string_nocheck(text ? text : ""));
        free(text);
    }
    return out;
}

static json_t *event_body(const struct vp_api_request *req, bool *base64)
{
    const char *type = vp_kv_get(req->headers, "content-type");
    json_t *text;

    *base64 = false;
    if (is_text_type(type) && (text = json_stringn(req->body, req->body_len)))    /* NULL: not UTF-8 */
        return text;
    {
        char *out = vp_xmalloc(4 * ((req->body_len + 2) / 3) + 1);
        int n = EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)req->body, (int)req->body_len);
        json_t *doc = json_stringn_nocheck(out, (size_t)n);
        free(out);
        *base64 = true;
        return doc;
    }
}

json_t *vp_apigw_v2_event(const struct vp_api_request *req, const struct vp_wired_api *api,
                          const struct vp_wired_route *route, const json_t *path_params, const json_t *claims,
                          const char *account_id, const char *request_id)
{
    json_t *cookies = json_array(), *headers = event_headers(req->headers, cookies), *ctx, *event;
    const char *host = vp_kv_get(req->headers, "host"), *agent = vp_kv_get(req->headers, "user-agent");
    struct timeval tv;
    struct tm tm;
    char when[64];
    bool base64 = false;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
    ctx = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:s, s:s, s:I}",
                    "accountId", account_id, "apiId", api->id ? api->id : "local",
                    "domainName", host ? host : "127.0.0.1", "domainPrefix", api->id ? api->id : "local",
                    "http", "method", req->method, "path", req->path, "protocol", "HTTP/1.1",
                    "sourceIp", req->source_ip ? req->source_ip : "127.0.0.1", "userAgent", agent ? agent : "",
                    "requestId", request_id, "routeKey", route->route_key, "stage", api->stage ? api->stage : "$default",
                    "time", when, "timeEpoch", (json_int_t)tv.tv_sec * 1000 + tv.tv_usec / 1000);
    if (claims)
        json_object_set_new(ctx, "authorizer", json_pack("{s:{s:o, s:n}}", "jwt", "claims", claims_as_strings(claims),
                                                         "scopes"));
    event = json_pack("{s:s, s:s, s:s, s:s, s:o}", "version", "2.0", "routeKey", route->route_key, "rawPath", req->path,
                      "rawQueryString", req->raw_query ? req->raw_query : "", "headers", headers);
    if (json_array_size(cookies))
        json_object_set(event, "cookies", cookies);
    json_decref(cookies);
    if (req->raw_query && *req->raw_query)
        json_object_set_new(event, "queryStringParameters", vp_apigw_query_parameters(req->raw_query));
    if (path_params && json_object_size(path_params))
        json_object_set(event, "pathParameters", (json_t *)path_params);
    json_object_set_new(event, "requestContext", ctx);
    if (req->body_len)
        json_object_set_new(event, "body", event_body(req, &base64));
    json_object_set_new(event, "isBase64Encoded", json_boolean(base64));
    return event;
}

/* ---- the response ---- */

static char *scalar_text(const json_t *v)
{
    if (json_is_string(v))
        return vp_xstrdup(json_string_value(v));
    if (json_is_number(v) || json_is_boolean(v))
        return json_dumps(v, JSON_ENCODE_ANY);
    return NULL;
}

static void internal_error(struct vp_api_response *out)
{
    vp_kv_release(&out->headers);
    vp_api_response_message(out, 500, "Internal Server Error");
}

void vp_apigw_v2_response(const char *payload, size_t len, struct vp_api_response *out)
{
    json_t *doc = json_loadb(payload, len, JSON_DECODE_ANY, NULL), *v, *headers;
    const char *name, *body;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (!doc) {
        internal_error(out);
        return;
    }
    if (!json_is_object(doc) || !json_object_get(doc, "statusCode")) {
        out->status = 200;
        out->body = vp_xstrndup(payload, len);
        out->body_len = len;
        vp_kv_set(&out->headers, "Content-Type", "application/json");
        json_decref(doc);
        return;
    }
    v = json_object_get(doc, "statusCode");
    if (!json_is_integer(v) || json_integer_value(v) < 100 || json_integer_value(v) > 599) {
        json_decref(doc);
        internal_error(out);
        return;
    }
    out->status = (int)json_integer_value(v);
    headers = json_object_get(doc, "headers");
    json_object_foreach(headers, name, v) {
        char *text = scalar_text(v);
        if (text)
            vp_kv_add(&out->headers, name, text);
        free(text);
    }
    json_array_foreach(json_object_get(doc, "cookies"), i, v)
        if (json_is_string(v))
            vp_kv_add(&out->headers, "Set-Cookie", json_string_value(v));
    body = json_string_value(json_object_get(doc, "body"));
    if (body && json_is_true(json_object_get(doc, "isBase64Encoded"))) {
        size_t n = strlen(body);
        unsigned char *raw = vp_xmalloc(n / 4 * 3 + 3);
        int got = EVP_DecodeBlock(raw, (const unsigned char *)body, (int)n);
        if (got < 0 || n % 4) {
            free(raw);
            json_decref(doc);
            internal_error(out);
            return;
        }
        got -= (n && body[n - 1] == '=') + (n > 1 && body[n - 2] == '=');  /* EVP_DecodeBlock counts padding */
        out->body = (char *)raw;
        out->body_len = (size_t)got;
    } else {
        out->body = vp_xstrdup(body ? body : "");
        out->body_len = strlen(out->body);
    }
    json_decref(doc);
}
