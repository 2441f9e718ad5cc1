/* service.c: the table of services vidpipe calls, with their protocol and endpoint facts. Names follow the
 * AWS SDKs: env_id is the service id upper-cased with spaces as '_' (AWS_ENDPOINT_URL_<env_id>), config_key the
 * same in lower case (a config file's services section). */
#include "aws/service.h"

#include <string.h>

const struct vp_service vp_svc_s3 = {
    .name = "s3", .env_id = "S3", .config_key = "s3", .signing_name = "s3", .endpoint_prefix = "s3",
    .protocol = VP_PROTO_REST_XML,
};
const struct vp_service vp_svc_dynamodb = {
    .name = "dynamodb", .env_id = "DYNAMODB", .config_key = "dynamodb", .signing_name = "dynamodb",
    .endpoint_prefix = "dynamodb", .protocol = VP_PROTO_JSON, .target_prefix = "DynamoDB_20120810",
    .json_version = "1.0",
};
const struct vp_service vp_svc_iam = {
    .name = "iam", .env_id = "IAM", .config_key = "iam", .signing_name = "iam", .endpoint_prefix = "iam",
    .protocol = VP_PROTO_QUERY, .api_version = "2010-05-08", .global = true,
};
const struct vp_service vp_svc_sts = {
    .name = "sts", .env_id = "STS", .config_key = "sts", .signing_name = "sts", .endpoint_prefix = "sts",
    .protocol = VP_PROTO_QUERY, .api_version = "2011-06-15",
};
const struct vp_service vp_svc_lambda = {
    .name = "lambda", .env_id = "LAMBDA", .config_key = "lambda", .signing_name = "lambda",
    .endpoint_prefix = "lambda", .protocol = VP_PROTO_REST_JSON,
};
const struct vp_service vp_svc_mediaconvert = {
    .name = "mediaconvert", .env_id = "MEDIACONVERT", .config_key = "mediaconvert",
    .signing_name = "mediaconvert", .endpoint_prefix = "mediaconvert", .protocol = VP_PROTO_REST_JSON,
};
const struct vp_service vp_svc_mediapackage = {
    .name = "mediapackage", .env_id = "MEDIAPACKAGE", .config_key = "mediapackage",
    .signing_name = "mediapackage", .endpoint_prefix = "mediapackage", .protocol = VP_PROTO_REST_JSON,
};
const struct vp_service vp_svc_apigatewayv2 = {
    .name = "apigatewayv2", .env_id = "APIGATEWAYV2", .config_key = "apigatewayv2",
    .signing_name = "apigateway", .endpoint_prefix = "apigateway", .protocol = VP_PROTO_REST_JSON,
};
const struct vp_service vp_svc_eventbridge = {
    .name = "eventbridge", .env_id = "EVENTBRIDGE", .config_key = "eventbridge", .signing_name = "events",
    .endpoint_prefix = "events", .protocol = VP_PROTO_JSON, .target_prefix = "AWSEvents",
    .json_version = "1.1",
};

const struct vp_service *const vp_services[] = {
    &vp_svc_s3, &vp_svc_dynamodb, &vp_svc_iam, &vp_svc_sts, &vp_svc_lambda, &vp_svc_mediaconvert,
    &vp_svc_mediapackage, &vp_svc_apigatewayv2, &vp_svc_eventbridge, NULL,
};

const struct vp_service *vp_service_find(const char *name)
{
    for (size_t i = 0; vp_services[i]; i++)
        if (strcmp(vp_services[i]->name, name) == 0)
            return vp_services[i];
    return NULL;
}
