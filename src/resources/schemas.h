/* schemas.h: the attribute tables of the resource types (one <type>_schema.c each). */
#ifndef VP_RESOURCES_SCHEMAS_H
#define VP_RESOURCES_SCHEMAS_H

#include "spec/schema.h"

extern const struct vp_attr vp_s3_bucket_attrs[];
extern const struct vp_attr vp_dynamodb_table_attrs[];
extern const struct vp_attr vp_lambda_function_attrs[];

/* Rules across attributes (vp_type_check_fn), in the same files. */
vp_type_check_fn vp_s3_bucket_check, vp_dynamodb_table_check;
vp_type_check_fn vp_lambda_function_check;

#endif
