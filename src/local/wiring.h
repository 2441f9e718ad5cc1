/* wiring.h: what `vidpipe serve` runs, read from a spec and its stack's state: the functions, the HTTP APIs'
 * routes to them, the S3 notifications that invoke them and the EventBridge rules that target them. Every
 * reference is resolved from state, and a target ARN is matched to the lambda_function the state records
 * with that ARN, so the local wiring is exactly what was applied. */
#ifndef VP_LOCAL_WIRING_H
#define VP_LOCAL_WIRING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "local/function_spec.h"
#include "spec/spec.h"

struct vp_wired_function {
    struct vp_local_function fn;
    char *resource;                     /* the spec's name for it: "presign" */
    char *arn;                          /* from state */
};

struct vp_wired_route {
    char *route_key;                    /* "POST /upload", "GET /videos/{id}", "ANY /{proxy+}", "$default" */
    char *method;                       /* "POST", "ANY"; NULL for $default */
    char *path;                         /* "/upload"; NULL for $default */
    size_t fn;                          /* index in functions */
    bool authorize;
    long timeout_ms;
};

struct vp_wired_api {
    char *address, *name, *id, *stage;
    json_t *cors;                       /* the cors attribute, or NULL */
    char *issuer;                       /* NULL: no JWT authorizer */
    char **audiences;
    size_t n_audiences;
    char *identity_source;              /* "$request.header.Authorization" */
    struct vp_wired_route *routes;
    size_t n_routes;
};

struct vp_wired_s3 {
    char *address, *bucket, *config_id;
    char **events;                      /* "s3:ObjectCreated:*" */
    size_t n_events;
    char *prefix, *suffix;
    size_t fn;
};

struct vp_wired_rule {
    char *address, *name, *arn;
    json_t *pattern;
    bool enabled;
    size_t *fns;
    size_t n_fns;
};

struct vp_wiring {
    struct vp_wired_function *functions;
    size_t n_functions;
    struct vp_wired_api *apis;
    size_t n_apis;
    struct vp_wired_s3 *s3;
    size_t n_s3;
    struct vp_wired_rule *rules;
    size_t n_rules;
    char **buckets;                     /* the names of the spec's s3_bucket resources */
    size_t n_buckets;
    char *account_id;                   /* from the functions' ARNs; "123456789012" when there are none */
};

/* 0 with *w filled, or -1 with err naming what is missing (a resource not applied yet, a target ARN that
 * no function of the spec has). */
int vp_wiring_load(const struct vp_spec *spec, const json_t *state, struct vp_wiring *w, struct vp_err *err);
void vp_wiring_release(struct vp_wiring *w);

#endif
