/* s3_bucket_notification_schema.c: the s3_bucket_notification type's attributes, as data (see
 * s3_bucket_schema.c). The operations are in s3_bucket_notification.c. */
#include <stdio.h>
#include <string.h>

#include "resources/naming.h"
#include "resources/schemas.h"

/* The event types S3 can notify of (S3 user guide, "Supported event types"). */
static const char *const event_types[] = {
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition", "s3:IntelligentTiering",
    "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
    NULL,
};

static const struct vp_attr lambda_function_fields[] = {
    { .name = "id", .kind = VP_K_STRING, .required = true, .min = 1, .max = 255,
      .doc = "The configuration's Id, unique in the bucket's notification configuration." },
    { .name = "function_arn", .kind = VP_K_STRING, .required = true, .min = 1, .max = 1024,
      .doc = "The ARN of the function S3 invokes (usually ${FUNCTION.arn})." },
    { .name = "events", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .required = true, .enum_values = event_types,
      .doc = "The event types that invoke it: s3:ObjectCreated:*, s3:ObjectRemoved:*, ..." },
    { .name = "filter_prefix", .kind = VP_K_STRING, .default_json = "\"\"", .max = 1024,
      .doc = "Only objects whose key starts with this (uploads/); empty: any." },
    { .name = "filter_suffix", .kind = VP_K_STRING, .default_json = "\"\"", .max = 1024,
      .doc = "Only objects whose key ends with this (.mp4); empty: any." },
    { 0 }
};

const struct vp_attr vp_s3_bucket_notification_attrs[] = {
    { .name = "bucket", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true,
      .check = vp_check_s3_bucket_name, .doc = "The bucket whose notification configuration this is (its name)." },
    { .name = "lambda_functions", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = lambda_function_fields,
      .default_json = "[]", .doc = "The functions S3 invokes, each for some event types and keys." },
    { .name = "id", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The bucket's name: the configuration's physical id." },
    { 0 }
};

/* S3 refuses these at apply time; the ids are also how plans match configurations. */
int vp_s3_bucket_notification_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *list = json_object_get(values, "lambda_functions"), *item;
    size_t i, j;

    *attr = "lambda_functions";
    json_array_foreach(list, i, item) {
        const char *id = json_string_value(json_object_get(item, "id"));
        const json_t *events = json_object_get(item, "events");

        if (json_is_array(events) && json_array_size(events) == 0) {
            snprintf(msg, size, "lambda function configuration '%s' has no events", id ? id : "?");
            return -1;
        }
        for (j = 0; id && j < i; j++) {
            const char *other = json_string_value(json_object_get(json_array_get(list, j), "id"));
            if (other && strcmp(id, other) == 0) {
                snprintf(msg, size, "two lambda function configurations have the id '%s'", id);
                return -1;
            }
        }
    }
    *attr = NULL;
    return 0;
}
