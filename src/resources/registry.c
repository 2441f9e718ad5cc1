/* registry.c: every resource type vidpipe manages. Adding a type: write resources/<type>.c with its
 * attribute table and the four operations, declare it in resources/types.h, list it here. */
#include <string.h>

#include "engine/resource.h"
#include "resources/types.h"

const struct vp_resource_type *const vp_resource_types[] = {
    &vp_type_s3_bucket,
    &vp_type_dynamodb_table,
    &vp_type_lambda_function,
    &vp_type_iam_role,
    &vp_type_mediapackage_channel, &vp_type_mediapackage_hls_endpoint,
    &vp_type_mediaconvert_job_template,
    &vp_type_http_api,
    &vp_type_lambda_permission, &vp_type_s3_bucket_notification, &vp_type_eventbridge_rule,
    NULL,
};

/* The types lookups see: the registry, or a test's in-memory types (vp_resource_types_use). */
static const struct vp_resource_type *const *active = vp_resource_types;

void vp_resource_types_use(const struct vp_resource_type *const *types)
{
    active = types ? types : vp_resource_types;
}

const struct vp_resource_type *vp_resource_type_find(const char *type)
{
    for (size_t i = 0; active[i]; i++)
        if (strcmp(active[i]->type, type) == 0)
            return active[i];
    return NULL;
}

const struct vp_type_schema *const *vp_resource_schemas(void)
{
    static struct vp_type_schema schemas[sizeof(vp_resource_types) / sizeof(vp_resource_types[0])];
    static const struct vp_type_schema *list[sizeof(vp_resource_types) / sizeof(vp_resource_types[0])];

    if (!list[0]) {
        for (size_t i = 0; vp_resource_types[i]; i++) {
            schemas[i].type = vp_resource_types[i]->type;
            schemas[i].attrs = vp_resource_types[i]->attrs;
            schemas[i].check = vp_resource_types[i]->check;
            list[i] = &schemas[i];
        }
    }
    return list;
}
