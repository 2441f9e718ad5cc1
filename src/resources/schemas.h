/* schemas.h: the attribute tables of the resource types (one <type>_schema.c each). */
#ifndef VP_RESOURCES_SCHEMAS_H
#define VP_RESOURCES_SCHEMAS_H

#include "spec/schema.h"

extern const struct vp_attr vp_s3_bucket_attrs[];
extern const struct vp_attr vp_dynamodb_table_attrs[];
extern const struct vp_attr vp_lambda_function_attrs[];
extern const struct vp_attr vp_iam_role_attrs[];
extern const struct vp_attr vp_mediapackage_channel_attrs[], vp_mediapackage_hls_endpoint_attrs[];
extern const struct vp_attr vp_mediaconvert_job_template_attrs[];
extern const struct vp_attr vp_http_api_attrs[];
extern const struct vp_attr vp_lambda_permission_attrs[], vp_s3_bucket_notification_attrs[], vp_eventbridge_rule_attrs[];

/* Rules across attributes (vp_type_check_fn), in the same files. */
vp_type_check_fn vp_s3_bucket_check, vp_dynamodb_table_check;
vp_type_check_fn vp_lambda_function_check;
vp_type_check_fn vp_iam_role_check;
vp_type_check_fn vp_lambda_permission_check, vp_s3_bucket_notification_check, vp_eventbridge_rule_check;

#endif
