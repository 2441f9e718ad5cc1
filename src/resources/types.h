/* types.h: the resource types (one file each in src/resources/). */
#ifndef VP_RESOURCES_TYPES_H
#define VP_RESOURCES_TYPES_H

#include "engine/resource.h"

extern const struct vp_resource_type vp_type_s3_bucket;        /* s3_bucket.c */
extern const struct vp_resource_type vp_type_dynamodb_table;   /* dynamodb_table.c */
extern const struct vp_resource_type vp_type_lambda_function;  /* lambda_function.c */

#endif
