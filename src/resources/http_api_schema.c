/* http_api_schema.c: the http_api type's attributes, as data (see s3_bucket_schema.c), the rules across them,
 * and the normal form want and live share. The operations are in http_api.c, reading in http_api_read.c.
 *
 * One http_api is the whole HTTP API as its users think of it: the parts API Gateway keeps apart (a JWT
 * authorizer, one Lambda proxy integration per route, the routes, the $default stage) are the provider's to
 * manage. Routes are a set keyed by route_key: want and live both list them sorted by it, so their order in
 * the spec never shows as a change. The API's physical id is its API id, which API Gateway picks; before
 * it exists vidpipe finds it by name (http_api_read.c), so names must be unique among a region's HTTP APIs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "resources/http_api.h"
#include "resources/naming.h"
#include "resources/schemas.h"
#include "spec/spec.h"

/* ---- rules for single values ---- */

static bool is_method(const char *s, size_t n)
{
    static const char *const methods[] = { "ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", NULL };

    for (size_t i = 0; methods[i]; i++)
        if (strlen(methods[i]) == n && strncmp(methods[i], s, n) == 0)
            return true;
    return false;
}

/* One path segment: literal characters, or a whole {name} (a greedy {name+} only as the last one). */
static const char *check_segment(const char *seg, size_t n, bool last)
{
    if (n == 0)
        return "the path has an empty segment ('//' or a trailing '/'): write /videos, not /videos/";
    if (seg[0] == '{' || memchr(seg, '{', n) || memchr(seg, '}', n)) {
        size_t inner = n - 2;
        if (seg[0] != '{' || seg[n - 1] != '}' || n < 3)
            return "a path parameter is a whole segment in braces: /videos/{id}";
        if (seg[n - 2] == '+') {
            if (!last)
                return "a greedy path parameter {name+} can only be the last segment";
            inner--;
        }
        if (inner == 0)
            return "a path parameter needs a name: {id}";
        for (size_t i = 1; i <= inner; i++)
            if (!isalnum((unsigned char)seg[i]) && seg[i] != '_' && seg[i] != '-' && seg[i] != '.')
                return "a path parameter's name holds only letters, digits, '_', '-' and '.'";
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (isspace((unsigned char)seg[i]) || (unsigned char)seg[i] < 0x21 || seg[i] == '?' || seg[i] == '#')
            return "the path holds a space, a control character, '?' or '#'";
    return NULL;
}

/* "$default", or "METHOD /path" as API Gateway's HTTP APIs take route keys. */
static const char *check_route_key(const char *key)
{
    const char *space = strchr(key, ' '), *path, *seg;

    if (strcmp(key, "$default") == 0)
        return NULL;
    if (!space || !is_method(key, (size_t)(space - key)))
        return "a route key is $default or 'METHOD /path' with METHOD one of ANY, GET, POST, PUT, PATCH, DELETE, "
               "HEAD, OPTIONS (in capitals), one space, then the path: 'POST /upload'";
    path = space + 1;
    if (path[0] != '/')
        return "the path starts with '/': 'GET /videos'";
    if (strlen(path) > 4096)
        return "the path is longer than 4096 characters";
    if (strcmp(path, "/") == 0)
        return NULL;
    for (seg = path + 1;;) {
        const char *end = strchr(seg, '/'), *why;
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if ((why = check_segment(seg, n, !end)))
            return why;
        if (!end)
            return NULL;
        seg = end + 1;
    }
}

static const char *check_issuer(const char *issuer)
{
    if (strncmp(issuer, "https://", 8) != 0 || !issuer[8] || issuer[8] == '/')
        return "the issuer is an https URL (https://cognito-idp.REGION.amazonaws.com/POOL_ID, "
               "https://YOUR_DOMAIN.auth0.com/): API Gateway fetches its keys from ISSUER/.well-known/openid-configuration";
    for (const char *p = issuer; *p; p++)
        if (isspace((unsigned char)*p))
            return "the issuer holds a space";
    return NULL;
}

static const char *check_identity_source(const char *source)
{
    const char *name = NULL;

    if (strncmp(source, "$request.header.", 16) == 0)
        name = source + 16;
    else if (strncmp(source, "$request.querystring.", 21) == 0)
        name = source + 21;
    if (!name || !*name)
        return "a JWT authorizer reads its token from one header or query parameter: $request.header.NAME or "
               "$request.querystring.NAME";
    return NULL;
}

const char *ha_check_function_arn(const char *arn)
{
    if (strstr(arn, ":apigateway:"))
        return "give the Lambda function's ARN (${fn.arn}), not its invoke_arn: HTTP APIs take the function ARN";
    if (strncmp(arn, "arn:", 4) != 0 || !strstr(arn, ":lambda:") || !strstr(arn, ":function:"))
        return "the integration's target is a Lambda function's ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME "
               "(${fn.arn})";
    return NULL;
}

static const char *check_origin(const char *origin)
{
    const char *host;

    if (strcmp(origin, "*") == 0)
        return NULL;
    if (strncmp(origin, "https://", 8) == 0)
        host = origin + 8;
    else if (strncmp(origin, "http://", 7) == 0)
        host = origin + 7;
    else
        return "an origin is '*' or scheme://host[:port], as browsers send it: https://app.example.com";
    if (!*host || strchr(host, '/'))
        return "an origin has no path, not even a trailing '/': browsers send https://app.example.com, which "
               "https://app.example.com/ never matches";
    for (const char *p = host; *p; p++)
        if (isspace((unsigned char)*p))
            return "an origin holds no spaces";
    return NULL;
}

static const char *check_header(const char *name)
{
    if (strcmp(name, "*") == 0)
        return NULL;
    if (!*name)
        return "a header name is not empty";
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("!#$%&'*+-.^_`|~", *p))
            return "a header name is one HTTP token (letters, digits, '-', ...), one name per list item";
    return NULL;
}

static const char *const cors_methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*", NULL };
static const char *const stages[] = { "$default", NULL };

static const struct vp_attr cors_fields[] = {
    { .name = "allow_origins", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .check = check_origin, .doc = "Origins browsers may call from ('*': any): https://app.example.com." },
    { .name = "allow_methods", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .enum_values = cors_methods, .doc = "Methods allowed: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or '*'." },
    { .name = "allow_headers", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .check = check_header, .doc = "Request headers allowed ('*': any); compared without regard to case." },
    { .name = "expose_headers", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .check = check_header, .doc = "Response headers scripts may read; compared without regard to case." },
    { .name = "max_age", .kind = VP_K_INT, .default_json = "0", .min = -1, .max = 86400,
      .doc = "Seconds browsers may cache a preflight answer (-1: not at all)." },
    { .name = "allow_credentials", .kind = VP_K_BOOL, .default_json = "false",
      .doc = "Whether browsers send cookies and Authorization headers cross-origin." },
    { 0 }
};

static const struct vp_attr jwt_fields[] = {
    { .name = "name", .kind = VP_K_STRING, .default_json = "\"jwt\"", .min = 1, .max = 128,
      .doc = "The authorizer's name." },
    { .name = "issuer", .kind = VP_K_STRING, .required = true, .check = check_issuer,
      .doc = "The token issuer, an https URL (a Cognito user pool: https://cognito-idp.REGION.amazonaws.com/POOL)." },
    { .name = "audience", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .required = true,
      .doc = "Accepted audiences (aud, or client_id for Cognito access tokens): at least one." },
    { .name = "identity_source", .kind = VP_K_STRING, .default_json = "\"$request.header.Authorization\"",
      .check = check_identity_source, .doc = "Where the token is: $request.header.NAME or $request.querystring.NAME." },
    { 0 }
};

static const struct vp_attr route_fields[] = {
    { .name = "route_key", .kind = VP_K_STRING, .required = true, .check = check_route_key,
      .doc = "'METHOD /path' ('POST /upload', 'GET /videos/{id}') or $default; unique in the API." },
    { .name = "function_arn", .kind = VP_K_STRING, .required = true, .check = ha_check_function_arn,
      .doc = "The Lambda function the route invokes (${fn.arn}), as a proxy integration with payload format 2.0." },
    { .name = "authorize", .kind = VP_K_BOOL, .default_json = "true",
      .doc = "Whether the route needs a valid token (jwt_authorizer); false: open to anyone." },
    { .name = "timeout_ms", .kind = VP_K_INT, .default_json = "30000", .min = 50, .max = 30000,
      .doc = "How long API Gateway waits for the function, 50 to 30000 ms." },
    { 0 }
};

const struct vp_attr vp_http_api_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .required = true, .min = 1, .max = 128,
      .doc = "The API's name; vidpipe finds the API by it before it has an id, so it must be unique among the "
             "region's HTTP APIs. A change renames the API in place." },
    { .name = "description", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 1024,
      .doc = "A description." },
    { .name = "cors", .kind = VP_K_OBJECT, .fields = cors_fields,
      .doc = "CORS, answered by API Gateway itself (preflight included); absent or all defaults: none." },
    { .name = "jwt_authorizer", .kind = VP_K_OBJECT, .fields = jwt_fields,
      .doc = "The JWT authorizer routes with authorize: true use; absent: every route must set authorize: false." },
    { .name = "routes", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = route_fields, .default_json = "[]",
      .doc = "The routes, each a Lambda proxy integration (payload format 2.0); a set keyed by route_key." },
    { .name = "stage", .kind = VP_K_STRING, .default_json = "\"$default\"", .enum_values = stages,
      .doc = "Always $default, auto-deployed, so every change is live at invoke_url at once; read back so a "
             "stage deleted or no longer auto-deploying shows as drift. No need to set it." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "id", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The API id API Gateway gave it." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The API's ARN: arn:aws:apigateway:REGION::/apis/ID." },
    { .name = "execution_arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "arn:aws:execute-api:REGION:ACCOUNT:ID, for a lambda_permission's source_arn: "
             "\"${api.execution_arn}/*/*\"." },
    { .name = "invoke_url", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The URL the $default stage answers at (https://ID.execute-api.REGION.amazonaws.com)." },
    { 0 }
};

/* ---- rules across values, at validate time (and in the provider, for what bypasses the validator) ---- */

static bool is_known_string(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), VP_UNKNOWN_VALUE) != 0;
}

static bool has_authorizer(const json_t *values)
{
    const json_t *jwt = json_object_get(values, "jwt_authorizer");

    return json_is_object(jwt) && json_object_get(jwt, "issuer") && !json_is_null(json_object_get(jwt, "issuer"));
}

int vp_http_api_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *routes = json_object_get(values, "routes"), *route, *jwt = json_object_get(values, "jwt_authorizer");
    bool authorizer = has_authorizer(values), any_authorized = false;
    size_t i, j;

    *attr = NULL;
    if (authorizer && json_is_array(json_object_get(jwt, "audience")) &&
        json_array_size(json_object_get(jwt, "audience")) == 0) {
        *attr = "jwt_authorizer";
        snprintf(msg, size, "jwt_authorizer.audience is empty: list the audiences tokens must name (at least one)");
        return -1;
    }
    if (!json_is_array(routes))
        return 0;
    json_array_foreach(routes, i, route) {
        const json_t *key = json_object_get(route, "route_key"), *authorize = json_object_get(route, "authorize");
        bool authorized = !json_is_false(authorize) && !(json_is_string(authorize));

        *attr = "routes";
        for (j = 0; j < i && is_known_string(key); j++)
            if (json_equal((json_t *)key, json_object_get(json_array_get(routes, j), "route_key"))) {
                snprintf(msg, size, "two routes have route_key '%s'", json_string_value(key));
                return -1;
            }
        if (authorized && !authorizer && !json_is_string(jwt)) {
            snprintf(msg, size, "route '%s' has authorize: true%s but the API has no jwt_authorizer: add one, or "
                     "set authorize: false on the routes anyone may call", is_known_string(key) ?
                     json_string_value(key) : "?", authorize ? "" : " (the default)");
            return -1;
        }
        any_authorized |= authorized || json_is_string(authorize);
    }
    if (authorizer && !any_authorized) {
        *attr = "jwt_authorizer";
        snprintf(msg, size, "no route uses jwt_authorizer: set authorize: true on a route, or remove jwt_authorizer "
                 "(vidpipe finds the authorizer through the routes that use it)");
        return -1;
    }
    *attr = NULL;
    return 0;
}

/* ---- the normal form ---- */

static int cmp_strings(const void *a, const void *b)
{
    const char *x = json_string_value(*(json_t *const *)a), *y = json_string_value(*(json_t *const *)b);

    return strcmp(x ? x : "", y ? y : "");
}

static int cmp_routes(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "route_key"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "route_key"));

    return strcmp(x ? x : "", y ? y : "");
}

/* The array's items sorted by cmp (a new array holding the same items). */
static json_t *sorted(const json_t *list, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(list), i;
    json_t **items = vp_xcalloc(n ? n : 1, sizeof(*items)), *out = json_array(), *item;

    json_array_foreach(list, i, item)
        items[i] = item;
    qsort(items, n, sizeof(*items), cmp);
    for (i = 0; i < n; i++)
        json_array_append(out, items[i]);
    free(items);
    return out;
}

static void sort_strings(json_t *obj, const char *key, bool lower)
{
    json_t *list = json_object_get(obj, key), *item, *out;
    size_t i;

    if (!json_is_array(list))
        return;
    out = json_array();
    json_array_foreach(list, i, item) {
        if (lower && json_is_string(item) && strcmp(json_string_value(item), VP_UNKNOWN_VALUE) != 0) {
            char *s = vp_xstrdup(json_string_value(item));
            for (char *p = s; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            json_array_append_new(out, json_string(s));
            free(s);
        } else {
            json_array_append(out, item);
        }
    }
    json_object_set_new(obj, key, sorted(out, cmp_strings));
    json_decref(out);
}

void ha_normalize_in_place(json_t *want)
{
    json_t *cors = json_object_get(want, "cors"), *jwt = json_object_get(want, "jwt_authorizer");
    json_t *routes = json_object_get(want, "routes");

    if (json_is_object(cors)) {
        sort_strings(cors, "allow_origins", false);
        sort_strings(cors, "allow_methods", false);
        sort_strings(cors, "allow_headers", true);
        sort_strings(cors, "expose_headers", true);
    }
    if (!has_authorizer(want))
        json_object_set_new(want, "jwt_authorizer", json_null());
    else if (jwt)
        sort_strings(jwt, "audience", false);
    if (json_is_array(routes))
        json_object_set_new(want, "routes", sorted(routes, cmp_routes));
}

json_t *ha_normalize(const json_t *want)
{
    json_t *copy = json_deep_copy(want);

    ha_normalize_in_place(copy);
    return copy;
}

int vp_http_api_prepare_want(json_t *want, struct vp_err *err)
{
    (void)err;
    ha_normalize_in_place(want);
    return 0;
}
