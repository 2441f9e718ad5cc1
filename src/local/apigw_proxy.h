/* apigw_proxy.h: API Gateway HTTP API's Lambda proxy integration, payload format 2.0, for `vidpipe serve`:
 * which route a request takes, the event the function gets, and the HTTP response its answer becomes, as the
 * AWS guide "Working with AWS Lambda proxy integrations for HTTP APIs" describes them. */
#ifndef VP_LOCAL_APIGW_PROXY_H
#define VP_LOCAL_APIGW_PROXY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/kv.h"
#include "local/wiring.h"

struct vp_api_request {
    const char *method;
    const char *path;                   /* as sent, still percent-encoded, without the query */
    const char *raw_query;              /* after '?', "" when none */
    const struct vp_kvlist *headers;    /* as received: names in any case, a repeated header repeated */
    const char *body;
    size_t body_len;
    const char *source_ip;
};

struct vp_api_response {
    int status;
    struct vp_kvlist headers;
    char *body;                         /* owned */
    size_t body_len;
};

void vp_api_response_release(struct vp_api_response *r);
/* A JSON answer {"message": message}, API Gateway's own error shape. */
void vp_api_response_message(struct vp_api_response *r, int status, const char *message);

/* The route API Gateway picks for METHOD PATH: the most specific path (literal segments over {param}, over a
 * greedy {proxy+}), then the exact method over ANY, else $default; NULL when none (404). *path_params gets
 * a new object of the path's parameters (empty when none). */
const struct vp_wired_route *vp_apigw_match(const struct vp_wired_api *api, const char *method, const char *path,
                                            json_t **path_params);

/* A raw query string's key=value pairs, decoded, as API Gateway's queryStringParameters: a repeated key's
 * values joined with ','. */
json_t *vp_apigw_query_parameters(const char *raw);

/* The 2.0 event for a request that took route (claims: the JWT's, NULL without an authorizer). */
json_t *vp_apigw_v2_event(const struct vp_api_request *req, const struct vp_wired_api *api,
                          const struct vp_wired_route *route, const json_t *path_params, const json_t *claims,
                          const char *account_id, const char *request_id);

/* The HTTP response for a function's answer: {statusCode, headers, cookies, body, isBase64Encoded}, or any
 * other JSON, which API Gateway sends as a 200 application/json body. An answer that is not JSON or has a
 * bad statusCode is API Gateway's 500 {"message":"Internal Server Error"}. */
void vp_apigw_v2_response(const char *payload, size_t len, struct vp_api_response *out);

#endif
