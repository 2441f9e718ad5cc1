/* proto.h: the four AWS protocols on top of vp_aws_send(). Each builds the request its protocol
 * prescribes and decodes the answer; errors are parsed by the client core into struct vp_err. */
#ifndef VP_AWS_PROTO_H
#define VP_AWS_PROTO_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"
#include "aws/xml.h"

/* Per-call overrides; NULL means none. */
struct vp_call_opts {
    const struct vp_creds *creds;   /* sign with these (assume-role's source profile) */
    bool anonymous;                 /* send unsigned (AssumeRoleWithWebIdentity) */
    const char *region;             /* call another region than the client's */
    const char *endpoint;           /* in place of the service's default endpoint (struct vp_request) */
    bool not_idempotent;            /* struct vp_request: no blind retry after a transport failure */
};

/* JSON 1.0/1.1 (DynamoDB, EventBridge): POST / with X-Amz-Target. in may be NULL ({}); *out is a new
 * reference ({} for an empty answer). */
int vp_json_call(struct vp_aws *aws, const struct vp_service *svc, const char *operation, json_t *in,
                 json_t **out, struct vp_err *err);

/* REST-JSON (Lambda, MediaConvert, MediaPackage, API Gateway v2). path is the wire path, already
 * percent-encoded (use vp_request_path_add to build one); query may be NULL; in may be NULL (no body). */
int vp_rest_json_call(struct vp_aws *aws, const struct vp_service *svc, const char *operation,
                      const char *method, const char *path, const struct vp_kvlist *query, json_t *in,
                      json_t **out, struct vp_err *err);
/* The same with per-call overrides (opts may be NULL; creds, anonymous, region and endpoint apply). */
int vp_rest_json_call_opts(struct vp_aws *aws, const struct vp_service *svc, const char *operation,
                           const char *method, const char *path, const struct vp_kvlist *query,
                           const struct vp_call_opts *opts, json_t *in, json_t **out, struct vp_err *err);

/* Query (IAM, STS): a form body Action=...&Version=... plus params; *out is the parsed XML answer (vp_xml_free). */
int vp_query_call(struct vp_aws *aws, const struct vp_service *svc, const char *action,
                  const struct vp_kvlist *params, const struct vp_call_opts *opts,
                  struct vp_xml_doc **out, struct vp_err *err);

/* REST-XML (S3): the caller fills req (bucket, path, query, headers, body); the answer's body stays raw
 * in resp (use vp_xml_parse on it). */
int vp_rest_xml_call(struct vp_aws *aws, struct vp_request *req, struct vp_response *resp, struct vp_err *err);

/* Pagination for JSON list calls: calls operation with in (borrowed; the token field is set on a copy) and
 * calls each() with every page until the answer has no next token. token_in names the request field
 * ("ExclusiveStartKey", "NextToken", "Marker", "nextToken"), token_out the answer's ("LastEvaluatedKey",
 * "NextToken", "NextMarker", "nextToken"). each() returns 0 to go on, 1 to stop early, -1 on error. */
typedef int vp_page_fn(json_t *page, void *ctx, struct vp_err *err);
int vp_json_paginate(struct vp_aws *aws, const struct vp_service *svc, const char *operation, json_t *in,
                     const char *token_in, const char *token_out, vp_page_fn *each, void *ctx,
                     struct vp_err *err);
/* The same for REST-JSON GET list calls whose token travels in the query string. */
int vp_rest_json_paginate(struct vp_aws *aws, const struct vp_service *svc, const char *operation,
                          const char *path, const struct vp_kvlist *query, const char *token_in,
                          const char *token_out, vp_page_fn *each, void *ctx, struct vp_err *err);

#endif
