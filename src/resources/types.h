/* types.h: the resource types (one file each in src/resources/). */
#ifndef VP_RESOURCES_TYPES_H
#define VP_RESOURCES_TYPES_H

#include "engine/resource.h"

extern const struct vp_resource_type vp_type_s3_bucket;        /* s3_bucket.c */
extern const struct vp_resource_type vp_type_dynamodb_table;   /* dynamodb_table.c */
extern const struct vp_resource_type vp_type_lambda_function;  /* lambda_function.c */
extern const struct vp_resource_type vp_type_iam_role;         /* iam_role.c */
extern const struct vp_resource_type vp_type_mediapackage_channel, vp_type_mediapackage_hls_endpoint; /* mediapackage_*.c */
extern const struct vp_resource_type vp_type_mediaconvert_job_template; /* mediaconvert_job_template.c */
extern const struct vp_resource_type vp_type_http_api;        /* http_api.c */
extern const struct vp_resource_type vp_type_lambda_permission, vp_type_s3_bucket_notification, vp_type_eventbridge_rule;

#endif
