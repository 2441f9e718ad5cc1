/* wiring.c: a spec's functions and what invokes them, resolved from state (see wiring.h). */
#include "local/wiring.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "local/local_eval.h"

static const char *const api_attrs[] = { "name", "cors", "jwt_authorizer", "routes", "stage", NULL };
static const char *const notification_attrs[] = { "bucket", "lambda_functions", NULL };
static const char *const rule_attrs[] = { "name", "event_pattern", "state", "targets", NULL };

static char *str_or_null(const json_t *v)
{
    return json_is_string(v) ? vp_xstrdup(json_string_value(v)) : NULL;
}

static char **string_list(const json_t *list, size_t *n)
{
    char **out = vp_xcalloc(json_array_size(list) + 1, sizeof(char *));
    const json_t *v;
    size_t i;

    *n = 0;
    json_array_foreach(list, i, v)
        if (json_is_string(v))
            out[(*n)++] = vp_xstrdup(json_string_value(v));
    return out;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* The function a target ARN names: the state's ARN, or that ARN with a version or alias qualifier. */
static int function_by_arn(const struct vp_wiring *w, const char *arn, size_t *index)
{
    for (size_t i = 0; i < w->n_functions; i++) {
        size_t n = strlen(w->functions[i].arn);
        if (strncmp(arn, w->functions[i].arn, n) == 0 && (arn[n] == '\0' || arn[n] == ':')) {
            *index = i;
            return 0;
        }
    }
    return -1;
}

static int load_function(const struct vp_spec *spec, const json_t *state, const struct vp_spec_resource *res,
                         struct vp_wiring *w, struct vp_err *err)
{
    struct vp_wired_function *f;
    const json_t *arn = vp_local_state_attr(state, res->address, "arn");

    if (!json_is_string(arn))
        return vp_fail(err, VP_E_STATE, "%s is not in the stack's state (apply it first)", res->address);
    w->functions = vp_xrealloc(w->functions, (w->n_functions + 1) * sizeof(*w->functions));
    f = &w->functions[w->n_functions];
    memset(f, 0, sizeof(*f));
    if (vp_local_function_from_spec(spec, res, state, &f->fn, err) < 0) {
        vp_local_function_release(&f->fn);
        return -1;
    }
    f->resource = vp_xstrdup(res->name);
    f->arn = vp_xstrdup(json_string_value(arn));
    w->n_functions++;
    return 0;
}

/* "POST /upload" -> method POST, path /upload; "$default" -> neither. */
static void split_route_key(struct vp_wired_route *r)
{
    const char *space = strchr(r->route_key, ' ');

    if (strcmp(r->route_key, "$default") == 0 || !space)
        return;
    r->method = vp_xstrndup(r->route_key, (size_t)(space - r->route_key));
    r->path = vp_xstrdup(space + 1);
}

static int load_routes(struct vp_wired_api *api, const json_t *routes, const struct vp_wiring *w, struct vp_err *err)
{
    const json_t *route;
    size_t i;

    api->routes = vp_xcalloc(json_array_size(routes) + 1, sizeof(*api->routes));
    json_array_foreach(routes, i, route) {
        struct vp_wired_route *r = &api->routes[api->n_routes];
        const char *arn = json_string_value(json_object_get(route, "function_arn"));
        const json_t *timeout = json_object_get(route, "timeout_ms");

        r->route_key = vp_xstrdup(json_string_value(json_object_get(route, "route_key")));
        api->n_routes++;
        split_route_key(r);
        r->authorize = !json_is_false(json_object_get(route, "authorize"));
        r->timeout_ms = json_is_integer(timeout) ? (long)json_integer_value(timeout) : 30000;
        if (!arn || function_by_arn(w, arn, &r->fn) < 0)
            return vp_fail(err, VP_E_SPEC, "%s: route '%s' targets %s, which is no lambda_function of this spec",
                           api->address, r->route_key, arn ? arn : "no function");
    }
    return 0;
}

static int load_api(const struct vp_spec *spec, const json_t *state, const struct vp_spec_resource *res,
                    struct vp_wiring *w, struct vp_err *err)
{
    struct vp_wired_api *api;
    const json_t *jwt;
    json_t *obj;
    int rc;

    if (vp_local_eval(spec, res, state, api_attrs, &obj, err) < 0)
        return -1;
    w->apis = vp_xrealloc(w->apis, (w->n_apis + 1) * sizeof(*w->apis));
    api = &w->apis[w->n_apis++];
    memset(api, 0, sizeof(*api));
    api->address = vp_xstrdup(res->address);
    api->name = str_or_null(json_object_get(obj, "name"));
    api->stage = str_or_null(json_object_get(obj, "stage"));
    api->id = str_or_null(vp_local_state_attr(state, res->address, "id"));
    if (json_is_object(json_object_get(obj, "cors")))
        api->cors = json_incref(json_object_get(obj, "cors"));
    if (json_is_object(jwt = json_object_get(obj, "jwt_authorizer"))) {
        api->issuer = str_or_null(json_object_get(jwt, "issuer"));
        api->audiences = string_list(json_object_get(jwt, "audience"), &api->n_audiences);
        api->identity_source = str_or_null(json_object_get(jwt, "identity_source"));
    }
    rc = load_routes(api, json_object_get(obj, "routes"), w, err);
    json_decref(obj);
    return rc;
}

static int load_notification(const struct vp_spec *spec, const json_t *state, const struct vp_spec_resource *res,
                             struct vp_wiring *w, struct vp_err *err)
{
    const json_t *entry;
    json_t *obj;
    size_t i;

    if (vp_local_eval(spec, res, state, notification_attrs, &obj, err) < 0)
        return -1;
    json_array_foreach(json_object_get(obj, "lambda_functions"), i, entry) {
        struct vp_wired_s3 *s;
        const char *arn = json_string_value(json_object_get(entry, "function_arn"));

        w->s3 = vp_xrealloc(w->s3, (w->n_s3 + 1) * sizeof(*w->s3));
        s = &w->s3[w->n_s3++];
        memset(s, 0, sizeof(*s));
        s->address = vp_xstrdup(res->address);
        s->bucket = str_or_null(json_object_get(obj, "bucket"));
        s->config_id = str_or_null(json_object_get(entry, "id"));
        s->events = string_list(json_object_get(entry, "events"), &s->n_events);
        s->prefix = str_or_null(json_object_get(entry, "filter_prefix"));
        s->suffix = str_or_null(json_object_get(entry, "filter_suffix"));
        if (!arn || function_by_arn(w, arn, &s->fn) < 0) {
            vp_fail(err, VP_E_SPEC, "%s: notification '%s' targets %s, which is no lambda_function of this spec",
                    res->address, s->config_id ? s->config_id : "?", arn ? arn : "no function");
            json_decref(obj);
            return -1;
        }
    }
    json_decref(obj);
    return 0;
}

/* Targets that are not functions of this spec (a queue, another account's function) are not run locally. */
static int load_rule(const struct vp_spec *spec, const json_t *state, const struct vp_spec_resource *res,
                     struct vp_wiring *w, struct vp_err *err)
{
    struct vp_wired_rule *r;
    const json_t *target, *pattern;
    const char *st;
    json_t *obj;
    size_t i;

    if (vp_local_eval(spec, res, state, rule_attrs, &obj, err) < 0)
        return -1;
    w->rules = vp_xrealloc(w->rules, (w->n_rules + 1) * sizeof(*w->rules));
    r = &w->rules[w->n_rules++];
    memset(r, 0, sizeof(*r));
    r->address = vp_xstrdup(res->address);
    r->name = str_or_null(json_object_get(obj, "name"));
    r->arn = str_or_null(vp_local_state_attr(state, res->address, "arn"));
    pattern = json_object_get(obj, "event_pattern");
    if (json_is_string(pattern))        /* given as a JSON document in a string */
        r->pattern = json_loads(json_string_value(pattern), 0, NULL);
    else if (json_is_object(pattern))
        r->pattern = json_incref((json_t *)pattern);
    st = json_string_value(json_object_get(obj, "state"));
    r->enabled = !st || strcmp(st, "ENABLED") == 0;
    r->fns = vp_xcalloc(json_array_size(json_object_get(obj, "targets")) + 1, sizeof(size_t));
    json_array_foreach(json_object_get(obj, "targets"), i, target) {
        const char *arn = json_string_value(json_object_get(target, "arn"));
        if (arn && function_by_arn(w, arn, &r->fns[r->n_fns]) == 0)
            r->n_fns++;
    }
    json_decref(obj);
    if (!r->pattern)
        return vp_fail(err, VP_E_SPEC, "%s: the event pattern is not a JSON object", res->address);
    return 0;
}

static int load_bucket(const struct vp_spec *spec, const json_t *state, const struct vp_spec_resource *res,
                       struct vp_wiring *w, struct vp_err *err)
{
    static const char *const names[] = { "name", NULL };
    json_t *obj;

    if (vp_local_eval(spec, res, state, names, &obj, err) < 0)
        return -1;
    if (json_is_string(json_object_get(obj, "name"))) {
        w->buckets = vp_xrealloc(w->buckets, (w->n_buckets + 1) * sizeof(char *));
        w->buckets[w->n_buckets++] = vp_xstrdup(json_string_value(json_object_get(obj, "name")));
    }
    json_decref(obj);
    return 0;
}

static void account_from_arns(struct vp_wiring *w)
{
    /* arn:aws:lambda:REGION:ACCOUNT:function:NAME */
    for (size_t i = 0; i < w->n_functions && !w->account_id; i++) {
        const char *p = w->functions[i].arn;
        for (int colons = 0; colons < 4 && p; colons++)
            p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
        if (p && strchr(p, ':'))
            w->account_id = vp_xstrndup(p, (size_t)(strchr(p, ':') - p));
    }
    if (!w->account_id)
        w->account_id = vp_xstrdup("123456789012");
}

int vp_wiring_load(const struct vp_spec *spec, const json_t *state, struct vp_wiring *w, struct vp_err *err)
{
    memset(w, 0, sizeof(*w));
    for (size_t i = 0; i < spec->n_resources; i++)      /* functions first: the rest names them by ARN */
        if (strcmp(spec->resources[i].type, "lambda_function") == 0 &&
            load_function(spec, state, &spec->resources[i], w, err) < 0)
            goto fail;
    for (size_t i = 0; i < spec->n_resources; i++) {
        const struct vp_spec_resource *res = &spec->resources[i];
        int rc = 0;

        if (strcmp(res->type, "http_api") == 0)
            rc = load_api(spec, state, res, w, err);
        else if (strcmp(res->type, "s3_bucket_notification") == 0)
            rc = load_notification(spec, state, res, w, err);
        else if (strcmp(res->type, "eventbridge_rule") == 0)
            rc = load_rule(spec, state, res, w, err);
        else if (strcmp(res->type, "s3_bucket") == 0)
            rc = load_bucket(spec, state, res, w, err);
        if (rc < 0)
            goto fail;
    }
    account_from_arns(w);
    return 0;
fail:
    vp_wiring_release(w);
    return -1;
}

void vp_wiring_release(struct vp_wiring *w)
{
    for (size_t i = 0; i < w->n_functions; i++) {
        vp_local_function_release(&w->functions[i].fn);
        free(w->functions[i].resource);
        free(w->functions[i].arn);
    }
    free(w->functions);
    for (size_t i = 0; i < w->n_apis; i++) {
        struct vp_wired_api *a = &w->apis[i];
        for (size_t j = 0; j < a->n_routes; j++) {
            free(a->routes[j].route_key);
            free(a->routes[j].method);
            free(a->routes[j].path);
        }
        free(a->routes);
        free(a->address);
        free(a->name);
        free(a->id);
        free(a->stage);
        free(a->issuer);
        free(a->identity_source);
        free_list(a->audiences, a->n_audiences);
        json_decref(a->cors);
    }
    free(w->apis);
    for (size_t i = 0; i < w->n_s3; i++) {
        struct vp_wired_s3 *s = &w->s3[i];
        free(s->address);
        free(s->bucket);
        free(s->config_id);
        free(s->prefix);
        free(s->suffix);
        free_list(s->events, s->n_events);
    }
    free(w->s3);
    for (size_t i = 0; i < w->n_rules; i++) {
        free(w->rules[i].address);
        free(w->rules[i].name);
        free(w->rules[i].arn);
        free(w->rules[i].fns);
        json_decref(w->rules[i].pattern);
    }
    free(w->rules);
    free_list(w->buckets, w->n_buckets);
    free(w->account_id);
    memset(w, 0, sizeof(*w));
}
