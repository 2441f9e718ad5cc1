/* dynamodb_table_schema.c: the dynamodb_table type's attributes, as data (see s3_bucket_schema.c). The
 * operations are in dynamodb_table.c. */
#include "resources/naming.h"
#include "resources/schemas.h"

static const char *const attribute_types[] = { "S", "N", "B", NULL };
static const char *const billing_modes[] = { "PAY_PER_REQUEST", "PROVISIONED", NULL };
static const char *const projection_types[] = { "ALL", "KEYS_ONLY", "INCLUDE", NULL };

/* An index cannot be changed in place except for its throughput: any other change removes and re-adds it,
 * which the table's update does one index at a time. */
static const struct vp_attr gsi_fields[] = {
    { .name = "name", .kind = VP_K_STRING, .required = true, .check = vp_check_dynamodb_name,
      .doc = "The index's name." },
    { .name = "hash_key", .kind = VP_K_STRING, .required = true, .check = vp_check_dynamodb_key_name,
      .doc = "The index's partition key (declared in attributes)." },
    { .name = "range_key", .kind = VP_K_STRING, .check = vp_check_dynamodb_key_name,
      .doc = "The index's sort key (declared in attributes)." },
    { .name = "projection_type", .kind = VP_K_STRING, .default_json = "\"ALL\"", .enum_values = projection_types,
      .doc = "Attributes copied into the index: ALL, KEYS_ONLY or INCLUDE." },
    { .name = "non_key_attributes", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .doc = "With INCLUDE: the attributes copied besides the keys." },
    { .name = "read_capacity", .kind = VP_K_INT, .min = 1, .max = 40000,
      .doc = "PROVISIONED billing: the index's read capacity units." },
    { .name = "write_capacity", .kind = VP_K_INT, .min = 1, .max = 40000,
      .doc = "PROVISIONED billing: the index's write capacity units." },
    { 0 }
};

const struct vp_attr vp_dynamodb_table_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true,
      .check = vp_check_dynamodb_name, .doc = "The table's name, unique in the account and region." },
    { .name = "hash_key", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true,
      .check = vp_check_dynamodb_key_name, .doc = "The partition key (declared in attributes)." },
    { .name = "range_key", .kind = VP_K_STRING, .on_change = VP_REPLACE, .check = vp_check_dynamodb_key_name,
      .doc = "The sort key (declared in attributes)." },
    { .name = "attributes", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .required = true,
      .enum_values = attribute_types, .check = vp_check_dynamodb_key_name,
      .doc = "Every key attribute of the table and its indexes, with its type: S, N or B." },
    { .name = "billing_mode", .kind = VP_K_STRING, .default_json = "\"PAY_PER_REQUEST\"", .enum_values = billing_modes,
      .doc = "PAY_PER_REQUEST (on demand) or PROVISIONED." },
    { .name = "read_capacity", .kind = VP_K_INT, .min = 1, .max = 40000,
      .doc = "PROVISIONED billing: read capacity units." },
    { .name = "write_capacity", .kind = VP_K_INT, .min = 1, .max = 40000,
      .doc = "PROVISIONED billing: write capacity units." },
    { .name = "global_secondary_indexes", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = gsi_fields,
      .default_json = "[]", .doc = "Global secondary indexes, added or removed one at a time." },
    { .name = "ttl_attribute", .kind = VP_K_STRING, .min = 1, .max = 255,
      .doc = "The attribute holding each item's expiry (epoch seconds); absent: TTL off." },
    { .name = "point_in_time_recovery", .kind = VP_K_BOOL, .default_json = "false",
      .doc = "Continuous backups with point-in-time recovery." },
    { .name = "deletion_protection", .kind = VP_K_BOOL, .default_json = "false",
      .doc = "While true, the table cannot be deleted (destroy fails)." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The table's ARN." },
    { .name = "stream_arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The latest stream's ARN, when streams are on." },
    { 0 }
};
