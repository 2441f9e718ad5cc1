/* serve_api.c: the API port of `vidpipe serve`: API Gateway's part of a request (CORS, the route, the JWT
 * authorizer), then the route's function through a payload 2.0 event, and its answer as the response. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "base/xalloc.h"
#include "engine/state.h"
#include "local/apigw_cors.h"
#include "local/jwt.h"
#include "local/serve_internal.h"

static long long now_ms(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The token where the authorizer's identity source says: $request.header.NAME or $request.querystring.NAME. */
static char *identity(const struct vp_wired_api *api, const struct vp_api_request *req)
{
    const char *source = api->identity_source ? api->identity_source : "$request.header.Authorization";
    const char *value = NULL, *token;

    if (strncmp(source, "$request.header.", 16) == 0) {
        value = vp_kv_get(req->headers, source + 16);
    } else if (strncmp(source, "$request.querystring.", 21) == 0) {
        json_t *params = vp_apigw_query_parameters(req->raw_query), *v;
        char *found = NULL;

        if ((v = json_object_get(params, source + 21)) && json_is_string(v))
            found = vp_xstrdup(json_string_value(v));
        json_decref(params);
        return found;
    }
    token = value ? vp_jwt_from_authorization(value) : NULL;
    return token ? vp_xstrdup(token) : NULL;
}

static void unauthorized(struct vp_api_response *out, const char *reason)
{
    char *challenge = vp_xasprintf("Bearer scope=\"\" error=\"invalid_token\" error_description=\"%s\"", reason);

    vp_api_response_message(out, 401, "Unauthorized");
    vp_kv_set(&out->headers, "www-authenticate", challenge);
    free(challenge);
}

static void forbidden(struct vp_api_response *out)
{
    vp_api_response_message(out, 403, "Forbidden");
    vp_kv_set(&out->headers, "www-authenticate", "Bearer error=\"insufficient_scope\"");
}

/* The JWT authorizer: 0 with *claims, or -1 after filling a 401. */
static int authorize(struct server *s, const struct vp_api_request *req, json_t **claims,
                     struct vp_api_response *out)
{
    const struct vp_wired_api *api = s->api;
    struct vp_jwt_policy policy = { .issuer = api->issuer, .audiences = (const char *const *)api->audiences,
                                    .n_audiences = api->n_audiences };
    struct vp_err err = { 0 };
    const char *reason = "the token is invalid";
    char *token = identity(api, req);
    json_t *jwks = NULL;
    int rc = -1;

    *claims = NULL;
    if (!token) {
        vp_api_response_message(out, 401, "Unauthorized");
        return -1;
    }
    if (s->issuer) {
        jwks = vp_dev_issuer_jwks(s->issuer);
        if (vp_jwt_verify(token, jwks, &policy, claims, &reason, &err) == 0)
            rc = 0;
    } else if (vp_jwks_cache_verify(s->jwks, token, &policy, claims, &reason, &err) == 0) {
        rc = 0;
    }
    if (rc < 0) {
        serve_log(s, "authorizer: 401: %s", err.msg);
        if (reason == vp_jwt_insufficient_scope)
            forbidden(out);
        else
            unauthorized(out, reason);
    }
    json_decref(jwks);
    free(token);
    return rc;
}

static void invoke_route(struct server *s, const struct vp_api_request *req, const struct vp_wired_route *route,
                         const json_t *params, const json_t *claims, struct vp_api_response *out)
{
    char request_id[37];
    struct vp_invoke_result res;
    struct vp_err err = { 0 };
    json_t *event;
    char *text;

    vp_uuid4(request_id);
    event = vp_apigw_v2_event(req, s->api, route, params, claims, s->o->wiring->account_id, request_id);
    text = json_dumps(event, JSON_COMPACT);
    json_decref(event);
    if (serve_invoke(s, route->fn, text, strlen(text), route->timeout_ms, &res, &err) < 0) {
        serve_log(s, "%s: cannot run %s: %s", route->route_key, s->o->wiring->functions[route->fn].fn.name, err.msg);
        vp_api_response_message(out, 500, "Internal Server Error");
    } else {
        if (res.status == VP_INVOKE_RESPONSE)
            vp_apigw_v2_response(res.payload, res.len, out);
        else if (res.status == VP_INVOKE_TIMEOUT)
            vp_api_response_message(out, 503, "Service Unavailable");
        else
            vp_api_response_message(out, 500, "Internal Server Error");
        vp_invoke_result_release(&res);
    }
    free(text);
}

void serve_api_request(struct server *s, const struct vp_api_request *req, struct vp_api_response *out)
{
    const struct vp_wired_route *route;
    json_t *params = NULL, *claims = NULL;
    long long start = now_ms();

    if (!s->api) {
        vp_api_response_message(out, 404, "Not Found");
        return;
    }
    if (vp_cors_is_preflight(s->api->cors, req)) {
        vp_cors_preflight(s->api->cors, req, out);
        serve_log(s, "%s %s -> %d (CORS preflight)", req->method, req->path, out->status);
        return;
    }
    route = vp_apigw_match(s->api, req->method, req->path, &params);
    if (!route)
        vp_api_response_message(out, 404, "Not Found");
    else if (!(route->authorize && s->api->issuer) || authorize(s, req, &claims, out) == 0)
        invoke_route(s, req, route, params, claims, out);
    vp_cors_decorate(s->api->cors, req, out);
    serve_log(s, "%s %s -> %d %s (%lld ms)", req->method, req->path, out->status,
              route ? s->o->wiring->functions[route->fn].fn.name : "no route", now_ms() - start);
    json_decref(params);
    json_decref(claims);
}
