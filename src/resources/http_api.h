/* http_api.h: the http_api provider's parts (internal to src/resources/http_api*.c). One http_api is a whole API
 * Gateway v2 HTTP API: the API itself (name, description, CORS, tags), at most one JWT authorizer, one Lambda
 * proxy integration per route, the routes, and the $default stage. */
#ifndef VP_RESOURCES_HTTP_API_H
#define VP_RESOURCES_HTTP_API_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/resource.h"

/* What one read finds: the ids of the parts beside the attributes, so a change can address them. */
struct ha_snapshot {
    char *api_id;
    char *authorizer_id;        /* the authorizer the routes use (NULL: none) */
    json_t *routes;             /* route_key -> {"route_id", "integration_id"} (integration_id absent: none) */
    json_t *integrations;       /* integration id -> GetIntegrations item, every one of the API's */
    json_t *extra_routes;       /* ids of routes whose key an earlier route has (moto allows it; a create
                                   resent after its answer was lost made them): deleted by a change */
    json_t *stage;              /* the $default stage as GetStages lists it, or NULL */
    json_t *live;               /* the API as the attribute table describes it */
};

/* http_api_schema.c */
/* A copy of want in the shape read reports: jwt_authorizer null when no issuer is given (the engine fills an
 * absent object with its fields' defaults), routes sorted by route_key, CORS lists sorted, header names in
 * lower case (API Gateway stores them so). The type's prepare_want does the same in place. */
json_t *ha_normalize(const json_t *want);
void ha_normalize_in_place(json_t *want);
/* The type's rules across attributes (vp_type_check_fn): route keys unique, authorize: true only with a
 * jwt_authorizer, a jwt_authorizer only with a route that uses it, at least one audience. */
vp_type_check_fn vp_http_api_check;
/* A route's function_arn: a Lambda function's ARN, not its invoke_arn (vp_attr_check_fn). */
const char *ha_check_function_arn(const char *arn);
/* The type's prepare_want: ha_normalize_in_place. */
int vp_http_api_prepare_want(json_t *want, struct vp_err *err);

/* http_api_read.c */
/* One API Gateway v2 call; path already percent-encoded; in borrowed (NULL: no body); *out new or NULL. */
int ha_call(struct vp_call *c, const char *operation, const char *method, const char *path, json_t *in, json_t **out);
/* A create (POST) sent once: AWS makes the new part's id, so a lost answer is not resent blindly; a transport
 * failure comes back with err->maybe_done, for the caller to look for what it made (struct vp_request). */
int ha_call_once(struct vp_call *c, const char *operation, const char *path, json_t *in, json_t **out);
/* Every item of a list (GetRoutes, GetIntegrations, GetStages, ...) under /v2/apis/ID + suffix. */
int ha_list_items(struct vp_call *c, const char *operation, const char *api_id, const char *suffix, json_t **items);
/* "/v2/apis/ID" + suffix (NULL: none), ID percent-encoded. Caller frees. */
char *ha_api_path(const char *api_id, const char *suffix);
/* "/v2/tags/ARN", the ARN percent-encoded. Caller frees. */
char *ha_tags_path(const char *arn);
/* Finds the HTTP API that id names: an API id, or else a name (unique among the region's HTTP APIs: two of
 * the same name is an error). *api (GetApi's answer) NULL when there is none. */
int ha_find(struct vp_call *c, const char *id, json_t **api);
/* Finds the HTTP API of that name only. */
int ha_find_by_name(struct vp_call *c, const char *name, json_t **api);
/* Reads everything; *found false (snap empty) when there is no such API. */
int ha_snapshot_read(struct vp_call *c, const char *id, struct ha_snapshot *snap, bool *found);
void ha_snapshot_release(struct ha_snapshot *snap);
/* The CORS object of the attribute table from AWS's corsConfiguration (NULL: none, every field its default). */
json_t *ha_cors_from_aws(const json_t *cors);

#endif
