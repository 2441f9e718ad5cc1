/* apigw.h: what the API Gateway handlers (presign, videos) share: the caller's identity from the JWT
 * authorizer, HTTP responses in payload format 2.0, and bounded parsing of the request body and query.
 *
 * Every response is {statusCode, headers, body}; errors carry {"error": {"code": ..., "message": ...}}.
 * Messages are for the API's client: they name the field that is wrong, never an internal detail. */
#ifndef VP_HANDLERS_APIGW_H
#define VP_HANDLERS_APIGW_H

#include <jansson.h>
#include <stddef.h>

/* The caller: requestContext.authorizer.jwt.claims.sub, borrowed from event; NULL when the route has no
 * JWT authorizer, the claim is missing, not a string, empty, longer than VP_APIGW_SUB_MAX or holds a NUL.
 * Identity never comes from the path, query or body. */
#define VP_APIGW_SUB_MAX 256
const char *vp_apigw_caller(const json_t *event);

/* The caller's id as it appears in S3 keys and in the videos table's user_id: the sub with every byte
 * outside [A-Za-z0-9_-] percent-encoded (upper-case hex). The mapping is one-to-one, and the result never
 * holds '/' or '.', so it is always exactly one key segment and never "." or "..". Caller frees. */
char *vp_apigw_user_id(const char *sub);

/* A response with status and a JSON body (stolen). */
json_t *vp_apigw_response(int status, json_t *body);
/* {"error": {"code": code, "message": ...}} with status. */
json_t *vp_apigw_error(int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 401 for a request without a usable JWT sub. */
json_t *vp_apigw_unauthorized(void);

/* The request body as a JSON object (a new reference), decoded from base64 when isBase64Encoded is true.
 * Returns NULL and sets *error_response (400) when the body is missing, longer than max_bytes (before or
 * after decoding), not valid base64, holds a NUL byte, is not JSON, nests too deeply or is not an object. */
json_t *vp_apigw_json_body(const json_t *event, size_t max_bytes, json_t **error_response);

/* A query string parameter: 0 with *value borrowed (NULL when absent); -1 when it is not a string or holds a
 * NUL byte (answer 400). API Gateway joins repeated parameters with commas. */
int vp_apigw_query(const json_t *event, const char *name, const char **value);

#endif
