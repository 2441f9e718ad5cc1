/* http_api_read.c: an HTTP API as the attribute table describes it, from GetApi (or GetApis, to find it by
 * name), then at once GetRoutes, GetIntegrations, GetStages and the caller's account (STS GetCallerIdentity,
 * for execution_arn, which no API Gateway answer holds), then GetAuthorizer.
 *
 * DESIGN: the authorizer is found through the routes that use it (GetAuthorizer on their authorizerId), not by
 * listing: moto has no GetAuthorizers (it answers 500, which the client retries), and the validator makes sure
 * a jwt_authorizer always has a route that uses it. A route pointing at another authorizer reads as
 * authorize: false, so the next apply points it back at the API's own. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/http_api.h"

int ha_call(struct vp_call *c, const char *operation, const char *method, const char *path, json_t *in, json_t **out)
{
    json_t *answer = NULL;
    int ret = vp_rest_json_call(c->aws, &vp_svc_apigatewayv2, operation, method, path, NULL, in, &answer, c->err);

    if (out)
        *out = answer;
    else
        json_decref(answer);
    return ret;
}

int ha_call_once(struct vp_call *c, const char *operation, const char *path, json_t *in, json_t **out)
{
    struct vp_call_opts opts = { .not_idempotent = true };
    json_t *answer = NULL;
    int ret = vp_rest_json_call_opts(c->aws, &vp_svc_apigatewayv2, operation, "POST", path, NULL, &opts, in, &answer,
                                     c->err);

    *out = answer;
    return ret;
}

char *ha_api_path(const char *api_id, const char *suffix)
{
    char *enc = vp_uri_encode_new(api_id, false);
    char *path = vp_xasprintf("/v2/apis/%s%s", enc, suffix ? suffix : "");

    free(enc);
    return path;
}

/* The core signs it with the ARN encoded once more, as SigV4 wants for every service but S3. */
char *ha_tags_path(const char *arn)
{
    char *enc = vp_uri_encode_new(arn, false);
    char *path = vp_xasprintf("/v2/tags/%s", enc);

    free(enc);
    return path;
}

/* ---- finding the API ---- */

static bool is_http(const json_t *api)
{
    const char *protocol = vp_res_str(api, "protocolType");

    return !protocol || strcmp(protocol, "HTTP") == 0;
}

/* API ids are short runs of lower-case letters and digits (10 on AWS, 8 on moto). */
static bool looks_like_api_id(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)id[i]) && !isdigit((unsigned char)id[i]))
            return false;
    return true;
}

struct by_name {
    const char *name;
    json_t *found;              /* the matching items */
};

static int each_api(json_t *page, void *ctx, struct vp_err *err)
{
    struct by_name *b = ctx;
    json_t *item;
    size_t i;

    (void)err;
    json_array_foreach(json_object_get(page, "items"), i, item) {
        const char *name = vp_res_str(item, "name");
        if (name && strcmp(name, b->name) == 0 && is_http(item))
            json_array_append(b->found, item);
    }
    return 0;
}

int ha_find_by_name(struct vp_call *c, const char *name, json_t **api)
{
    struct by_name b = { name, json_array() };
    int ret;

    *api = NULL;
    ret = vp_rest_json_paginate(c->aws, &vp_svc_apigatewayv2, "GetApis", "/v2/apis", NULL, "nextToken", "nextToken",
                                each_api, &b, c->err);
    if (ret == 0 && json_array_size(b.found) > 1)
        ret = vp_fail(c->err, VP_E_AWS, "%zu HTTP APIs are named '%s' in this region; vidpipe finds an http_api by "
                      "its name, which must be unique: delete the others, or import the one to manage by its API "
                      "id (%s, ...)", json_array_size(b.found), name,
                      vp_res_str(json_array_get(b.found, 0), "apiId") ? vp_res_str(json_array_get(b.found, 0), "apiId")
                                                                     : "?");
    else if (ret == 0 && json_array_size(b.found) == 1)
        *api = json_incref(json_array_get(b.found, 0));
    json_decref(b.found);
    return ret;
}

int ha_find(struct vp_call *c, const char *id, json_t **api)
{
    *api = NULL;
    if (looks_like_api_id(id)) {
        char *path = ha_api_path(id, NULL);
        json_t *out = NULL;
        int ret = ha_call(c, "GetApi", "GET", path, NULL, &out);

        free(path);
        if (ret == 0 && is_http(out)) {
            *api = out;
            return 0;
        }
        json_decref(out);
        if (ret < 0 && !vp_res_err_is(c->err, "NotFoundException"))
            return -1;
        vp_err_clear(c->err);
    }
    return ha_find_by_name(c, id, api);
}

/* ---- the parts ---- */

static int each_item(json_t *page, void *ctx, struct vp_err *err)
{
    (void)err;
    json_array_extend(ctx, json_object_get(page, "items"));
    return 0;
}

int ha_list_items(struct vp_call *c, const char *operation, const char *api_id, const char *suffix, json_t **items)
{
    char *path = ha_api_path(api_id, suffix);
    int ret;

    *items = json_array();
    ret = vp_rest_json_paginate(c->aws, &vp_svc_apigatewayv2, operation, path, NULL, "nextToken", "nextToken",
                                each_item, *items, c->err);
    free(path);
    return ret;
}

/* GetAuthorizer; *authorizer NULL when it does not exist. */
static int get_authorizer(struct vp_call *c, const char *api_id, const char *authorizer_id, json_t **authorizer)
{
    char *enc = vp_uri_encode_new(authorizer_id, false), *suffix = vp_xasprintf("/authorizers/%s", enc);
    char *path = ha_api_path(api_id, suffix);
    int ret = ha_call(c, "GetAuthorizer", "GET", path, NULL, authorizer);

    free(enc);
    free(suffix);
    free(path);
    if (ret < 0 && vp_res_err_is(c->err, "NotFoundException")) {
        vp_err_clear(c->err);
        *authorizer = NULL;
        return 0;
    }
    return ret;
}

/* The account and partition the credentials belong to, for execution_arn. */
static int caller_identity(struct vp_call *c, char **account, char **partition)
{
    struct vp_kvlist params = VP_KVLIST_INIT;
    struct vp_xml_doc *doc = NULL;
    char *arn;
    int ret;

    *account = *partition = NULL;
    ret = vp_query_call(c->aws, &vp_svc_sts, "GetCallerIdentity", &params, NULL, &doc, c->err);
    vp_kv_release(&params);
    if (ret < 0)
        return vp_err_prefix(c->err, "finding the account for execution_arn");
    *account = vp_xml_find_text(doc, NULL, "Account");
    arn = vp_xml_find_text(doc, NULL, "Arn");
    if (arn && strncmp(arn, "arn:", 4) == 0 && strchr(arn + 4, ':'))
        *partition = vp_xstrndup(arn + 4, (size_t)(strchr(arn + 4, ':') - (arn + 4)));
    free(arn);
    vp_xml_free(doc);
    if (!*account || !**account) {
        free(*account);
        *account = NULL;
        return vp_fail(c->err, VP_E_AWS_RESPONSE, "sts GetCallerIdentity: the answer names no Account");
    }
    if (!*partition)
        *partition = vp_xstrdup("aws");
    return 0;
}

/* ---- the attribute shape ---- */

static json_t *string_list(const json_t *list)
{
    json_t *out = json_array(), *item;
    size_t i;

    json_array_foreach(list, i, item)
        if (json_is_string(item))
            json_array_append(out, item);
    return out;
}

json_t *ha_cors_from_aws(const json_t *cors)
{
    json_t *max_age = json_object_get(cors, "maxAge");

    return json_pack("{s:o, s:o, s:o, s:o, s:I, s:b}", "allow_origins", string_list(json_object_get(cors, "allowOrigins")),
                     "allow_methods", string_list(json_object_get(cors, "allowMethods")), "allow_headers",
                     string_list(json_object_get(cors, "allowHeaders")), "expose_headers",
                     string_list(json_object_get(cors, "exposeHeaders")), "max_age",
                     (json_int_t)(json_is_integer(max_age) ? json_integer_value(max_age) : 0), "allow_credentials",
                     vp_res_bool(cors, "allowCredentials"));
}

static json_t *authorizer_live(const json_t *a)
{
    json_t *jwt = json_object_get(a, "jwtConfiguration"), *sources = json_object_get(a, "identitySource");
    const char *source = json_is_array(sources) ? json_string_value(json_array_get(sources, 0))
                                                : json_string_value(sources);
    const char *name = vp_res_str(a, "name"), *issuer = vp_res_str(jwt, "issuer");

    return json_pack("{s:s, s:s, s:o, s:s}", "name", name ? name : "", "issuer", issuer ? issuer : "", "audience",
                     string_list(json_object_get(jwt, "audience")), "identity_source", source ? source : "");
}

/* "integrations/ID" -> ID; NULL otherwise. */
static const char *target_integration(const json_t *route)
{
    const char *target = vp_res_str(route, "target");

    return target && strncmp(target, "integrations/", 13) == 0 && target[13] ? target + 13 : NULL;
}

/* A route as the attribute table describes it. An integration that is not a Lambda proxy with payload format
 * 2.0 reads as a function_arn that says so, which no spec gives: the difference shows and apply repairs it. */
static json_t *route_live(const json_t *route, const json_t *integration, const char *authorizer_id)
{
    const char *type = vp_res_str(integration, "integrationType"), *format = vp_res_str(integration, "payloadFormatVersion");
    const char *uri = vp_res_str(integration, "integrationUri"), *auth_type = vp_res_str(route, "authorizationType");
    const char *auth_id = vp_res_str(route, "authorizerId"), *key = vp_res_str(route, "routeKey");
    long long timeout = vp_res_int(integration, "timeoutInMillis");
    bool authorize = auth_type && strcmp(auth_type, "JWT") == 0 && auth_id && authorizer_id &&
                     strcmp(auth_id, authorizer_id) == 0;
    json_t *arn;

    if (!integration)
        arn = json_string("");
    else if (type && strcmp(type, "AWS_PROXY") == 0 && format && strcmp(format, "2.0") == 0)
        arn = json_string(uri ? uri : "");
    else {
        char *s = vp_xasprintf("%s (a %s integration, payload format %s)", uri ? uri : "", type ? type : "?",
                               format ? format : "none");
        arn = json_string(s);
        free(s);
    }
    return json_pack("{s:s, s:o, s:b, s:I}", "route_key", key ? key : "", "function_arn", arn, "authorize", authorize,
                     "timeout_ms", (json_int_t)(timeout > 0 ? timeout : 30000));
}

static json_t *stage_live(const json_t *stage)
{
    if (!stage)
        return json_string("");
    if (!vp_res_bool(stage, "autoDeploy"))
        return json_string("$default (auto-deploy off)");
    return json_string("$default");
}

/* The first route (in route_key order) that uses a JWT authorizer names the API's authorizer. */
static const char *routes_authorizer(const json_t *routes)
{
    const char *best_key = NULL, *best = NULL;
    json_t *route;
    size_t i;

    json_array_foreach(routes, i, route) {
        const char *type = vp_res_str(route, "authorizationType"), *id = vp_res_str(route, "authorizerId");
        const char *key = vp_res_str(route, "routeKey");
        if (type && strcmp(type, "JWT") == 0 && id && *id && key && (!best_key || strcmp(key, best_key) < 0)) {
            best_key = key;
            best = id;
        }
    }
    return best;
}

/* parts: the lists and the caller's identity (the account and partition, for execution_arn) */
static int build(struct vp_call *c, const json_t *api, const json_t *parts, struct ha_snapshot *snap)
{
    const char *region, *name = vp_res_str(api, "name"), *description = vp_res_str(api, "description");
    const char *endpoint = vp_res_str(api, "apiEndpoint");
    const char *account = vp_res_str(parts, "account"), *partition = vp_res_str(parts, "partition");
    json_t *authorizer = NULL, *route, *live_routes = json_array(), *tags = json_object_get(api, "tags");
    json_t *routes = json_object_get(parts, "routes");
    char *s;
    size_t i;

    if (snap->authorizer_id && get_authorizer(c, snap->api_id, snap->authorizer_id, &authorizer) < 0)
        goto fail;
    if (!authorizer) {
        free(snap->authorizer_id);
        snap->authorizer_id = NULL;
    }
    if (vp_aws_region(c->aws, &region, c->err) < 0)
        goto fail;
    json_array_foreach(routes, i, route) {
        const char *integration_id = target_integration(route), *key = vp_res_str(route, "routeKey");
        json_t *integration = integration_id ? json_object_get(snap->integrations, integration_id) : NULL;
        json_array_append_new(live_routes, route_live(route, integration, snap->authorizer_id));
        if (key && json_object_get(snap->routes, key) && vp_res_str(route, "routeId"))
            json_array_append_new(snap->extra_routes, json_string(vp_res_str(route, "routeId")));
        else if (key)
            json_object_set_new(snap->routes, key, json_pack("{s:s, s:s?}", "route_id", vp_res_str(route, "routeId"),
                                                             "integration_id", integration ? integration_id : NULL));
    }
    snap->live = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "name", name ? name : "", "description",
                           description ? description : "", "cors", ha_cors_from_aws(json_object_get(api, "corsConfiguration")),
                           "jwt_authorizer", authorizer ? authorizer_live(authorizer) : json_null(), "routes", live_routes,
                           "stage", stage_live(snap->stage), "tags",
                           json_is_object(tags) ? json_deep_copy(tags) : json_object(), "id", snap->api_id);
    live_routes = NULL;
    s = vp_xasprintf("arn:%s:apigateway:%s::/apis/%s", partition, region, snap->api_id);
    json_object_set_new(snap->live, "arn", json_string(s));
    free(s);
    s = vp_xasprintf("arn:%s:execute-api:%s:%s:%s", partition, region, account, snap->api_id);
    json_object_set_new(snap->live, "execution_arn", json_string(s));
    free(s);
    json_object_set_new(snap->live, "invoke_url", json_string(endpoint ? endpoint : ""));
    ha_normalize_in_place(snap->live);
    json_decref(authorizer);
    return 0;
fail:
    json_decref(live_routes);
    json_decref(authorizer);
    return -1;
}

/* The parts of a read after GetApi, none depending on another: read at once (vp_res_read_parts). */
static int list_part(struct vp_call *c, const char *operation, const char *api_id, const char *suffix,
                     const char *key, json_t *part)
{
    json_t *items;

    if (ha_list_items(c, operation, api_id, suffix, &items) < 0)
        return -1;
    json_object_set_new(part, key, items);
    return 0;
}

static int routes_part(struct vp_call *c, const char *api_id, json_t *part)
{
    return list_part(c, "GetRoutes", api_id, "/routes", "routes", part);
}

static int integrations_part(struct vp_call *c, const char *api_id, json_t *part)
{
    return list_part(c, "GetIntegrations", api_id, "/integrations", "integrations", part);
}

static int stages_part(struct vp_call *c, const char *api_id, json_t *part)
{
    return list_part(c, "GetStages", api_id, "/stages", "stages", part);
}

static int identity_part(struct vp_call *c, const char *api_id, json_t *part)
{
    char *account, *partition;

    (void)api_id;
    if (caller_identity(c, &account, &partition) < 0)
        return -1;
    json_object_set_new(part, "account", json_string(account));
    json_object_set_new(part, "partition", json_string(partition));
    free(account);
    free(partition);
    return 0;
}

static vp_res_part_fn *const parts_after_api[] = { routes_part, integrations_part, stages_part, identity_part };

int ha_snapshot_read(struct vp_call *c, const char *id, struct ha_snapshot *snap, bool *found)
{
    json_t *api = NULL, *parts = NULL, *routes, *item;
    size_t i;
    int ret = -1;

    memset(snap, 0, sizeof(*snap));
    *found = false;
    if (ha_find(c, id, &api) < 0)
        return -1;
    if (!api)
        return 0;
    if (!vp_res_str(api, "apiId")) {
        json_decref(api);
        return vp_fail(c->err, VP_E_AWS_RESPONSE, "HTTP API '%s': the answer has no apiId", id);
    }
    snap->api_id = vp_xstrdup(vp_res_str(api, "apiId"));
    snap->routes = json_object();
    snap->integrations = json_object();
    snap->extra_routes = json_array();
    parts = json_object();
    if (vp_res_read_parts(c, snap->api_id, parts_after_api, sizeof(parts_after_api) / sizeof(parts_after_api[0]),
                          parts) < 0)
        goto done;
    routes = json_object_get(parts, "routes");
    json_array_foreach(json_object_get(parts, "integrations"), i, item)
        if (vp_res_str(item, "integrationId"))
            json_object_set(snap->integrations, vp_res_str(item, "integrationId"), item);
    json_array_foreach(json_object_get(parts, "stages"), i, item)
        if (vp_res_str(item, "stageName") && strcmp(vp_res_str(item, "stageName"), "$default") == 0)
            snap->stage = json_incref(item);
    if (routes_authorizer(routes))
        snap->authorizer_id = vp_xstrdup(routes_authorizer(routes));
    if (build(c, api, parts, snap) < 0)
        goto done;
    *found = true;
    ret = 0;
done:
    if (ret < 0)
        ha_snapshot_release(snap);
    json_decref(api);
    json_decref(parts);
    return ret;
}

void ha_snapshot_release(struct ha_snapshot *snap)
{
    free(snap->api_id);
    free(snap->authorizer_id);
    json_decref(snap->routes);
    json_decref(snap->integrations);
    json_decref(snap->extra_routes);
    json_decref(snap->stage);
    json_decref(snap->live);
    memset(snap, 0, sizeof(*snap));
}
