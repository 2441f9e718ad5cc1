/* apigw_cors.h: API Gateway HTTP API's CORS, for `vidpipe serve`. When an API has a CORS configuration,
 * API Gateway itself answers preflight requests (OPTIONS with Origin and Access-Control-Request-Method)
 * without invoking anything, and on other requests from an allowed origin it sets the CORS headers,
 * replacing any the integration returned. */
#ifndef VP_LOCAL_APIGW_CORS_H
#define VP_LOCAL_APIGW_CORS_H

#include <jansson.h>
#include <stdbool.h>

#include "local/apigw_proxy.h"

/* Whether req is a preflight this API answers itself (it has a CORS configuration). */
bool vp_cors_is_preflight(const json_t *cors, const struct vp_api_request *req);
/* The preflight's answer: 204, with the CORS headers only when origin, method and headers are allowed. */
void vp_cors_preflight(const json_t *cors, const struct vp_api_request *req, struct vp_api_response *out);
/* Sets the CORS headers of an actual request's response (none when the origin is not allowed). */
void vp_cors_decorate(const json_t *cors, const struct vp_api_request *req, struct vp_api_response *out);

#endif
