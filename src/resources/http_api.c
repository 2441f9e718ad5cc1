/* http_api.c: the http_api type's four operations. Create makes the API (name, description, CORS, tags in one
 * CreateApi) and then converges the parts like an update does: the JWT authorizer, per route a Lambda proxy
 * integration (AWS_PROXY, payload format 2.0 set explicitly: API Gateway would otherwise default a Lambda
 * integration to 1.0 on some paths) and the route, then the $default stage with auto-deploy, so every change
 * is live at once with no deployment to make.
 *
 * Order of a change: the API's own fields and tags; the authorizer created or updated (before the routes that
 * use it); routes created, updated or deleted, by route_key; integrations no route targets any more deleted;
 * an authorizer no longer wanted deleted (after the routes stopped using it, as API Gateway requires); the
 * stage created when missing. Every decision is made on a fresh read, not on the plan's. */
#include <string.h>

#include "aws/proto.h"
#include "aws/retry.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/http_api.h"
#include "resources/schemas.h"
#include "resources/types.h"

/* ---- request bodies ---- */

static bool cors_is_default(const json_t *cors)
{
    static const char *const lists[] = { "allow_origins", "allow_methods", "allow_headers", "expose_headers", NULL };

    for (size_t i = 0; lists[i]; i++)
        if (json_array_size(json_object_get(cors, lists[i])))
            return false;
    return vp_res_int(cors, "max_age") == 0 && !vp_res_bool(cors, "allow_credentials");
}

static json_t *list_or_empty(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_array(v) ? json_deep_copy(v) : json_array();
}

/* Every field, so UpdateApi replaces the whole configuration rather than merging into it. */
static json_t *cors_to_aws(const json_t *cors)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:I, s:b}", "allowOrigins", list_or_empty(cors, "allow_origins"),
                     "allowMethods", list_or_empty(cors, "allow_methods"), "allowHeaders",
                     list_or_empty(cors, "allow_headers"), "exposeHeaders", list_or_empty(cors, "expose_headers"),
                     "maxAge", (json_int_t)vp_res_int(cors, "max_age"), "allowCredentials",
                     vp_res_bool(cors, "allow_credentials"));
}

static const char *str_or_empty(const json_t *obj, const char *key)
{
    return vp_res_str(obj, key) ? vp_res_str(obj, key) : "";
}

static json_t *authorizer_input(const json_t *jwt)
{
    return json_pack("{s:s, s:s, s:[s], s:{s:s, s:o}}", "name", str_or_empty(jwt, "name"), "authorizerType", "JWT",
                     "identitySource", str_or_empty(jwt, "identity_source"), "jwtConfiguration", "issuer",
                     str_or_empty(jwt, "issuer"), "audience", list_or_empty(jwt, "audience"));
}

static json_t *integration_input(const json_t *route)
{
    return json_pack("{s:s, s:s, s:s, s:I}", "integrationType", "AWS_PROXY", "integrationUri",
                     str_or_empty(route, "function_arn"), "payloadFormatVersion", "2.0", "timeoutInMillis",
                     (json_int_t)vp_res_int(route, "timeout_ms"));
}

/* CreateRoute and UpdateRoute: the target and who may call it. */
static json_t *route_input(const json_t *route, const char *integration_id, const char *authorizer_id)
{
    char *target = vp_xasprintf("integrations/%s", integration_id);
    bool authorize = vp_res_bool(route, "authorize");
    json_t *in = json_pack("{s:s, s:s}", "target", target, "authorizationType", authorize ? "JWT" : "NONE");

    if (authorize)
        json_object_set_new(in, "authorizerId", json_string(authorizer_id ? authorizer_id : ""));
    free(target);
    return in;
}

/* A path under the API: "/v2/apis/API" + "/" + what + "/" + ID (percent-encoded). */
static char *part_path(const char *api_id, const char *what, const char *id)
{
    char *enc = vp_uri_encode_new(id, false), *suffix = vp_xasprintf("/%s/%s", what, enc), *path;

    path = ha_api_path(api_id, suffix);
    free(enc);
    free(suffix);
    return path;
}

/* Deletes one part; one already gone is fine. */
static int delete_part(struct vp_call *c, const char *operation, const char *api_id, const char *what, const char *id)
{
    char *path = part_path(api_id, what, id);
    int ret = ha_call(c, operation, "DELETE", path, NULL, NULL);

    free(path);
    if (ret < 0 && vp_res_err_is(c->err, "NotFoundException")) {
        vp_err_clear(c->err);
        ret = 0;
    }
    return ret;
}

/* After a create whose answer was lost: the id of the part of the list that matches in's match_field and that
 * known (ids the snapshot already had; NULL: none) does not hold, or NULL when the create did not happen. */
static int find_made_part(struct vp_call *c, const char *list_operation, const char *api_id, const char *suffix,
                          const char *id_field, const char *match_field, const json_t *in, const json_t *known,
                          char **id)
{
    const char *want = vp_res_str(in, match_field);
    json_t *items, *item;
    size_t i;

    *id = NULL;
    if (ha_list_items(c, list_operation, api_id, suffix, &items) < 0) {
        json_decref(items);
        return -1;
    }
    json_array_foreach(items, i, item) {
        const char *have = vp_res_str(item, match_field), *item_id = vp_res_str(item, id_field);
        if (want && have && item_id && strcmp(want, have) == 0 && !json_object_get(known, item_id)) {
            *id = vp_xstrdup(item_id);
            break;
        }
    }
    json_decref(items);
    return 0;
}

/* POST to /v2/apis/API/what; *id the answer's id_field (new). AWS makes the id, so a create is sent once per
 * try: when its answer is lost (err->maybe_done), the part it may have made is looked for (by match_field,
 * listed by list_operation) and adopted, and only when there is none is it sent again. A blind resend would
 * leave a second route, integration or authorizer beside the first. */
static int create_part(struct vp_call *c, const char *operation, const char *api_id, const char *what, json_t *in,
                       const char *id_field, const char *list_operation, const char *match_field,
                       const json_t *known, char **id)
{
    char *suffix = vp_xasprintf("/%s", what), *path = ha_api_path(api_id, suffix);
    json_t *out = NULL;
    int ret;

    *id = NULL;
    for (int tries = 1;; tries++) {
        ret = ha_call_once(c, operation, path, in, &out);
        if (ret == 0 || !c->err->maybe_done || tries >= vp_retry_max_attempts(c->aws))
            break;
        json_decref(out);
        out = NULL;
        vp_err_clear(c->err);
        if (find_made_part(c, list_operation, api_id, suffix, id_field, match_field, in, known, id) < 0 || *id) {
            free(suffix);
            free(path);
            return *id ? 0 : -1;
        }
    }
    free(suffix);
    free(path);
    if (ret == 0 && !vp_res_str(out, id_field))
        ret = vp_fail(c->err, VP_E_AWS_RESPONSE, "apigatewayv2 %s: the answer has no %s", operation, id_field);
    if (ret == 0)
        *id = vp_xstrdup(vp_res_str(out, id_field));
    json_decref(out);
    return ret;
}

static int patch_part(struct vp_call *c, const char *operation, const char *api_id, const char *what, const char *id,
                      json_t *in)
{
    char *path = part_path(api_id, what, id);
    int ret = ha_call(c, operation, "PATCH", path, in, NULL);

    free(path);
    return ret;
}

/* ---- converging ---- */

static int converge_api(struct vp_call *c, const struct ha_snapshot *snap, const json_t *want)
{
    const json_t *have = snap->live, *cors = json_object_get(want, "cors");
    bool cors_changed = vp_res_changed(want, have, "cors"), drop_cors = cors_changed && cors_is_default(cors);
    char *path = ha_api_path(snap->api_id, NULL);
    int ret = 0;

    if (vp_res_changed(want, have, "name") || vp_res_changed(want, have, "description") || (cors_changed && !drop_cors)) {
        json_t *in = json_pack("{s:s, s:s}", "name", str_or_empty(want, "name"), "description",
                               str_or_empty(want, "description"));
        if (cors_changed && !drop_cors)
            json_object_set_new(in, "corsConfiguration", cors_to_aws(cors));
        ret = ha_call(c, "UpdateApi", "PATCH", path, in, NULL);
        json_decref(in);
    }
    free(path);
    if (ret == 0 && drop_cors) {
        path = ha_api_path(snap->api_id, "/cors");
        ret = ha_call(c, "DeleteCorsConfiguration", "DELETE", path, NULL, NULL);
        free(path);
        if (ret < 0 && vp_res_err_is(c->err, "NotFoundException")) {
            vp_err_clear(c->err);
            ret = 0;
        }
    }
    return ret;
}

static int converge_tags(struct vp_call *c, const struct ha_snapshot *snap, const json_t *want)
{
    json_t *have = json_object_get(snap->live, "tags"), *wanted = json_object_get(want, "tags"), *set = json_object();
    char *path = ha_tags_path(vp_res_str(snap->live, "arn"));
    struct vp_kvlist remove = VP_KVLIST_INIT;
    const char *key;
    json_t *v;
    int ret = 0;

    json_object_foreach(have, key, v)
        if (!json_object_get(wanted, key))
            vp_kv_add(&remove, "tagKeys", key);
    json_object_foreach(wanted, key, v)
        if (!json_equal(v, json_object_get(have, key)))
            json_object_set(set, key, v);
    if (remove.n) {
        json_t *out = NULL;
        ret = vp_rest_json_call(c->aws, &vp_svc_apigatewayv2, "UntagResource", "DELETE", path, &remove, NULL, &out,
                                c->err);
        json_decref(out);
    }
    if (ret == 0 && json_object_size(set)) {
        json_t *in = json_pack("{s:O}", "tags", set);
        ret = ha_call(c, "TagResource", "POST", path, in, NULL);
        json_decref(in);
    }
    vp_kv_release(&remove);
    json_decref(set);
    free(path);
    return ret;
}

/* Creates or updates the authorizer want names; *authorizer_id is the one routes use from now (NULL: none). */
static int converge_authorizer(struct vp_call *c, const struct ha_snapshot *snap, const json_t *want,
                               char **authorizer_id)
{
    const json_t *jwt = json_object_get(want, "jwt_authorizer");
    json_t *in;
    int ret = 0;

    *authorizer_id = snap->authorizer_id ? vp_xstrdup(snap->authorizer_id) : NULL;
    if (!json_is_object(jwt))
        return 0;
    in = authorizer_input(jwt);
    if (!*authorizer_id)
        ret = create_part(c, "CreateAuthorizer", snap->api_id, "authorizers", in, "authorizerId", "GetAuthorizers",
                          "name", NULL, authorizer_id);
    else if (vp_res_changed(want, snap->live, "jwt_authorizer"))
        ret = patch_part(c, "UpdateAuthorizer", snap->api_id, "authorizers", *authorizer_id, in);
    json_decref(in);
    return ret;
}

static const json_t *route_by_key(const json_t *routes, const char *key)
{
    json_t *route;
    size_t i;

    json_array_foreach(routes, i, route)
        if (key && vp_res_str(route, "route_key") && strcmp(vp_res_str(route, "route_key"), key) == 0)
            return route;
    return NULL;
}

/* One wanted route: its integration (created, or updated when its function or timeout differ), then the
 * route (created, or updated when its target or authorization differ). Adds the integration to used. */
static int converge_route(struct vp_call *c, const struct ha_snapshot *snap, const json_t *route,
                          const char *authorizer_id, json_t *used)
{
    const char *key = vp_res_str(route, "route_key");
    const json_t *ids = json_object_get(snap->routes, key), *have = route_by_key(json_object_get(snap->live, "routes"), key);
    const char *route_id = vp_res_str(ids, "route_id"), *have_integration = vp_res_str(ids, "integration_id");
    char *integration_id = have_integration ? vp_xstrdup(have_integration) : NULL;
    bool retarget = !integration_id, authorizer_moved = vp_res_bool(route, "authorize") && authorizer_id &&
                    (!snap->authorizer_id || strcmp(authorizer_id, snap->authorizer_id) != 0);
    json_t *in = integration_input(route);
    int ret = 0;

    if (!integration_id)
        ret = create_part(c, "CreateIntegration", snap->api_id, "integrations", in, "integrationId",
                          "GetIntegrations", "integrationUri", snap->integrations, &integration_id);
    else if (vp_res_changed(route, have, "function_arn") || vp_res_changed(route, have, "timeout_ms"))
        ret = patch_part(c, "UpdateIntegration", snap->api_id, "integrations", integration_id, in);
    json_decref(in);
    if (ret < 0)
        goto done;
    json_object_set_new(used, integration_id, json_true());
    in = route_input(route, integration_id, authorizer_id);
    if (!route_id) {
        char *new_id = NULL;
        json_object_set_new(in, "routeKey", json_string(key));
        ret = create_part(c, "CreateRoute", snap->api_id, "routes", in, "routeId", "GetRoutes", "routeKey", NULL,
                          &new_id);
        free(new_id);
    } else if (retarget || authorizer_moved || vp_res_changed(route, have, "authorize")) {
        ret = patch_part(c, "UpdateRoute", snap->api_id, "routes", route_id, in);
    }
    json_decref(in);
done:
    free(integration_id);
    return ret;
}

static int converge_routes(struct vp_call *c, const struct ha_snapshot *snap, const json_t *want,
                           const char *authorizer_id)
{
    const json_t *routes = json_object_get(want, "routes"), *route;
    json_t *used = json_object(), *v;
    const char *key;
    size_t i;
    int ret = 0;

    json_array_foreach(snap->extra_routes, i, v)
        if ((ret = delete_part(c, "DeleteRoute", snap->api_id, "routes", json_string_value(v))) < 0)
            goto done;
    json_array_foreach(routes, i, route)
        if ((ret = converge_route(c, snap, route, authorizer_id, used)) < 0)
            goto done;
    json_object_foreach(snap->routes, key, v)
        if (!route_by_key(routes, key) &&
            (ret = delete_part(c, "DeleteRoute", snap->api_id, "routes", vp_res_str(v, "route_id"))) < 0)
            goto done;
    /* the integrations of deleted routes, and any a crash left without a route */
    json_object_foreach(snap->integrations, key, v)
        if (!json_object_get(used, key) && (ret = delete_part(c, "DeleteIntegration", snap->api_id, "integrations", key)) < 0)
            goto done;
done:
    json_decref(used);
    return ret;
}

static int converge_stage(struct vp_call *c, const struct ha_snapshot *snap)
{
    json_t *in;
    char *id = NULL;
    int ret;

    if (snap->stage && vp_res_bool(snap->stage, "autoDeploy"))
        return 0;
    in = json_pack("{s:s, s:b}", "stageName", "$default", "autoDeploy", 1);
    if (!snap->stage) {
        ret = create_part(c, "CreateStage", snap->api_id, "stages", in, "stageName", "GetStages", "stageName", NULL,
                          &id);
        free(id);
    } else {
        json_object_del(in, "stageName");
        ret = patch_part(c, "UpdateStage", snap->api_id, "stages", "$default", in);
    }
    json_decref(in);
    return ret;
}

static int converge(struct vp_call *c, const struct ha_snapshot *snap, const json_t *want)
{
    char *authorizer_id = NULL;
    int ret;

    ret = converge_api(c, snap, want);
    if (ret == 0)
        ret = converge_tags(c, snap, want);
    if (ret == 0)
        ret = converge_authorizer(c, snap, want, &authorizer_id);
    if (ret == 0)
        ret = converge_routes(c, snap, want, authorizer_id);
    if (ret == 0 && !json_is_object(json_object_get(want, "jwt_authorizer")) && snap->authorizer_id)
        ret = delete_part(c, "DeleteAuthorizer", snap->api_id, "authorizers", snap->authorizer_id);
    if (ret == 0)
        ret = converge_stage(c, snap);
    free(authorizer_id);
    return ret;
}

/* ---- the operations ---- */

/* The rules the validator applies, for what reaches the provider without a spec (`vidpipe debug resource`). */
static int check_want(struct vp_call *c, const json_t *want)
{
    char msg[256];
    const char *attr;

    const json_t *route;
    size_t i;

    if (vp_http_api_check(want, msg, sizeof(msg), &attr) < 0)
        return vp_fail(c->err, VP_E_SPEC, "%s", msg);
    /* a reference is checked only once its value is known: ${fn.invoke_arn} passes the validator */
    json_array_foreach(json_object_get(want, "routes"), i, route) {
        const char *why = ha_check_function_arn(str_or_empty(route, "function_arn"));
        if (why)
            return vp_fail(c->err, VP_E_SPEC, "route '%s': function_arn '%s': %s", str_or_empty(route, "route_key"),
                           str_or_empty(route, "function_arn"), why);
    }
    return 0;
}

static int read_back(struct vp_call *c, const char *api_id, json_t **live)
{
    struct ha_snapshot snap;
    bool found;

    if (ha_snapshot_read(c, api_id, &snap, &found) < 0)
        return -1;
    if (!found)
        return vp_fail(c->err, VP_E_AWS, "HTTP API '%s' disappeared while vidpipe was configuring it", api_id);
    *live = json_incref(snap.live);
    ha_snapshot_release(&snap);
    return 0;
}

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    struct ha_snapshot snap;
    bool found;

    *live = NULL;
    if (ha_snapshot_read(c, id, &snap, &found) < 0)
        return vp_res_context(c, "reading HTTP API '%s'", id);
    if (found)
        *live = json_incref(snap.live);
    ha_snapshot_release(&snap);
    return 0;
}

/* CreateApi, unless an HTTP API of that name exists (a rerun after a crash mid-create): it is adopted. Then the
 * parts, as an update makes them. *api_id is the new API's id. */
static int create_api(struct vp_call *c, const json_t *want, char **api_id)
{
    const char *name = vp_res_str(want, "name");
    const json_t *cors = json_object_get(want, "cors"), *tags = json_object_get(want, "tags");
    struct ha_snapshot snap;
    json_t *api, *in, *out = NULL;
    bool found;
    int ret;

    *api_id = NULL;
    if (ha_find_by_name(c, name, &api) < 0)
        return -1;
    if (!api) {
        in = json_pack("{s:s, s:s}", "name", name, "protocolType", "HTTP");
        if (*str_or_empty(want, "description"))
            json_object_set_new(in, "description", json_string(vp_res_str(want, "description")));
        if (json_is_object(cors) && !cors_is_default(cors))
            json_object_set_new(in, "corsConfiguration", cors_to_aws(cors));
        if (json_object_size(tags))
            json_object_set(in, "tags", (json_t *)tags);
        /* sent once per try: after a lost answer, an API of that name is the one it made (create_part) */
        for (int tries = 1;; tries++) {
            ret = ha_call_once(c, "CreateApi", "/v2/apis", in, &out);
            if (ret == 0 || !c->err->maybe_done || tries >= vp_retry_max_attempts(c->aws))
                break;
            json_decref(out);
            out = NULL;
            vp_err_clear(c->err);
            if (ha_find_by_name(c, name, &out) < 0 || out)
                break;
        }
        json_decref(in);
        if (!out)
            return -1;
        api = out;
    }
    if (!vp_res_str(api, "apiId")) {
        json_decref(api);
        return vp_fail(c->err, VP_E_AWS_RESPONSE, "apigatewayv2 CreateApi: the answer has no apiId");
    }
    *api_id = vp_xstrdup(vp_res_str(api, "apiId"));
    json_decref(api);
    if (ha_snapshot_read(c, *api_id, &snap, &found) < 0)
        return -1;
    ret = found ? converge(c, &snap, want)
                : vp_fail(c->err, VP_E_AWS, "HTTP API '%s' (%s) disappeared right after it was created", name, *api_id);
    ha_snapshot_release(&snap);
    return ret;
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    json_t *norm = ha_normalize(want);
    const char *name = vp_res_str(norm, "name");
    char *api_id = NULL;
    int ret;

    *id = NULL;
    *live = NULL;
    if (!name)
        ret = vp_fail(c->err, VP_E_AWS, "%s: the HTTP API has no name", c->address);
    else
        ret = check_want(c, norm) < 0 || create_api(c, norm, &api_id) < 0 || read_back(c, api_id, live) < 0 ? -1 : 0;
    if (ret < 0) {
        free(api_id);
        vp_res_context(c, "creating HTTP API '%s'", name ? name : "?");
    } else {
        *id = api_id;
    }
    json_decref(norm);
    return ret;
}

/* have comes from the plan's read; the API is read again so every decision is made on what it is now. */
static int update_api(struct vp_call *c, const char *id, const json_t *want, json_t **live)
{
    struct ha_snapshot snap;
    bool found;
    int ret;

    if (check_want(c, want) < 0 || ha_snapshot_read(c, id, &snap, &found) < 0)
        return -1;
    if (!found)
        return vp_fail(c->err, VP_E_AWS, "HTTP API '%s' does not exist (deleted outside vidpipe?)", id);
    ret = converge(c, &snap, want);
    if (ret == 0)
        ret = read_back(c, snap.api_id, live);
    ha_snapshot_release(&snap);
    return ret;
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    json_t *norm = ha_normalize(want);
    int ret;

    (void)have;
    *live = NULL;
    ret = update_api(c, id, norm, live);
    json_decref(norm);
    return ret < 0 ? vp_res_context(c, "updating HTTP API '%s'", id) : 0;
}

/* DeleteApi takes the parts with it. */
static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    json_t *api;
    char *path;
    int ret;

    (void)have;
    if (ha_find(c, id, &api) < 0)
        return vp_res_context(c, "deleting HTTP API '%s'", id);
    if (!api)
        return 0;
    path = ha_api_path(vp_res_str(api, "apiId") ? vp_res_str(api, "apiId") : id, NULL);
    json_decref(api);
    ret = ha_call(c, "DeleteApi", "DELETE", path, NULL, NULL);
    free(path);
    if (ret < 0 && vp_res_err_is(c->err, "NotFoundException")) {
        vp_err_clear(c->err);
        return 0;
    }
    return ret < 0 ? vp_res_context(c, "deleting HTTP API '%s'", id) : 0;
}

const struct vp_resource_type vp_type_http_api = {
    .type = "http_api", .attrs = vp_http_api_attrs, .id_attr = "name",
    .doc = "An API Gateway HTTP API whole: CORS, an optional JWT authorizer, routes each invoking a Lambda "
           "function (proxy integration, payload format 2.0) and the auto-deployed $default stage; found by name "
           "until created, then by its API id.",
    .check = vp_http_api_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
    .read_rounds = 3,
    .prepare_want = vp_http_api_prepare_want,
};
