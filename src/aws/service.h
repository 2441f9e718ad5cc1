/* service.h: what the client knows of each AWS service it speaks to: names, protocol, endpoint shape. */
#ifndef VP_AWS_SERVICE_H
#define VP_AWS_SERVICE_H

#include <stdbool.h>

enum vp_protocol {
    VP_PROTO_JSON,          /* POST / with X-Amz-Target (DynamoDB 1.0, EventBridge 1.1) */
    VP_PROTO_REST_JSON,     /* Lambda, MediaConvert, MediaPackage, API Gateway v2 */
    VP_PROTO_REST_XML,      /* S3 */
    VP_PROTO_QUERY,         /* IAM, STS: form body, XML responses */
};

struct vp_service {
    const char *name;           /* "dynamodb": for logs and errors */
    const char *env_id;         /* "DYNAMODB": AWS_ENDPOINT_URL_<env_id> */
    const char *config_key;     /* "dynamodb": the key in a config file's services section */
    const char *signing_name;   /* "dynamodb", "apigateway", "events", ... */
    const char *endpoint_prefix;/* host prefix: "dynamodb", "apigateway", "events" */
    enum vp_protocol protocol;
    const char *target_prefix;  /* JSON protocol: "DynamoDB_20120810", "AWSEvents" */
    const char *json_version;   /* JSON protocol: "1.0" or "1.1" */
    const char *api_version;    /* Query protocol: "2010-05-08" (IAM), "2011-06-15" (STS) */
    bool global;                /* IAM: one endpoint, signed for us-east-1 */
};

extern const struct vp_service vp_svc_s3, vp_svc_dynamodb, vp_svc_iam, vp_svc_sts, vp_svc_lambda,
    vp_svc_mediaconvert, vp_svc_mediapackage, vp_svc_apigatewayv2, vp_svc_eventbridge;

/* By name ("s3", "dynamodb", "iam", "sts", "lambda", "mediaconvert", "mediapackage", "apigatewayv2",
 * "eventbridge"); NULL if unknown. */
const struct vp_service *vp_service_find(const char *name);
/* Every service, NULL-terminated. */
extern const struct vp_service *const vp_services[];

#endif
