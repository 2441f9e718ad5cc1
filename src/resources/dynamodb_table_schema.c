/* dynamodb_table_schema.c: the dynamodb_table type's attributes, as data (see s3_bucket_schema.c). The
 * operations are in dynamodb_table.c. */
#include <stdio.h>
#include <string.h>

#include "resources/naming.h"
#include "resources/schemas.h"
#include "spec/spec.h"

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

/* ---- rules across attributes, checked at validate time: DynamoDB refuses these at apply time ---- */

static bool is_set(const json_t *v)
{
    return v && !json_is_null(v);
}

static bool is_known_string(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), VP_UNKNOWN_VALUE) != 0;
}

static int fail(char *msg, size_t size, const char **attr, const char *at, const char *fmt, const char *a, const char *b)
{
    snprintf(msg, size, fmt, a, b);
    *attr = at;
    return -1;
}

/* Every key (the table's and each index's) is declared in attributes, and every declared attribute is a key:
 * DynamoDB refuses "AttributeDefinitions ... not used" and undeclared keys alike. */
static int check_keys(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *attrs = json_object_get(values, "attributes"), *gsi;
    const char *keys[2 + 2 * 64];
    size_t n = 0, i;
    const char *name;
    json_t *v;

    if (!json_is_object(attrs))
        return 0;
    keys[n++] = json_string_value(json_object_get(values, "hash_key"));
    keys[n++] = json_string_value(json_object_get(values, "range_key"));
    json_array_foreach(json_object_get(values, "global_secondary_indexes"), i, gsi) {
        if (n + 2 > sizeof keys / sizeof keys[0])
            break;
        keys[n++] = json_string_value(json_object_get(gsi, "hash_key"));
        keys[n++] = json_string_value(json_object_get(gsi, "range_key"));
    }
    for (i = 0; i < n; i++)
        if (keys[i] && strcmp(keys[i], VP_UNKNOWN_VALUE) != 0 && !json_object_get(attrs, keys[i]))
            return fail(msg, size, attr, "attributes", "'%s' is a key but is not declared in attributes%s", keys[i], "");
    json_object_foreach((json_t *)attrs, name, v) {
        bool used = false;
        for (i = 0; i < n && !used; i++)
            used = keys[i] && strcmp(keys[i], name) == 0;
        if (!used)
            return fail(msg, size, attr, "attributes", "attribute '%s' is declared but no key or index uses it; "
                        "declare only key attributes (DynamoDB refuses the others)%s", name, "");
    }
    return 0;
}

static int check_capacity(const json_t *obj, bool provisioned, const char *what, char *msg, size_t size,
                          const char **attr, const char *at)
{
    bool read = is_set(json_object_get(obj, "read_capacity")), write = is_set(json_object_get(obj, "write_capacity"));

    if (provisioned && !(read && write))
        return fail(msg, size, attr, at, "%s needs read_capacity and write_capacity with billing_mode PROVISIONED%s",
                    what, "");
    if (!provisioned && (read || write))
        return fail(msg, size, attr, at, "%s sets a capacity, which only billing_mode PROVISIONED takes%s", what, "");
    return 0;
}

static int check_indexes(const json_t *values, bool provisioned, char *msg, size_t size, const char **attr)
{
    const json_t *list = json_object_get(values, "global_secondary_indexes"), *gsi;
    size_t i, j;

    json_array_foreach(list, i, gsi) {
        const json_t *name = json_object_get(gsi, "name"), *projection = json_object_get(gsi, "projection_type");
        const json_t *extra = json_object_get(gsi, "non_key_attributes");
        bool include = is_known_string(projection) && strcmp(json_string_value(projection), "INCLUDE") == 0;
        char what[300];

        snprintf(what, sizeof what, "index '%s'", is_known_string(name) ? json_string_value(name) : "?");
        for (j = 0; j < i && is_known_string(name); j++)
            if (json_equal((json_t *)name, json_object_get(json_array_get(list, j), "name")))
                return fail(msg, size, attr, "global_secondary_indexes", "two indexes are named '%s'%s",
                            json_string_value(name), "");
        if (check_capacity(gsi, provisioned, what, msg, size, attr, "global_secondary_indexes") < 0)
            return -1;
        if (is_known_string(projection) && include != (json_array_size(extra) > 0))
            return fail(msg, size, attr, "global_secondary_indexes", include
                        ? "%s has projection_type INCLUDE but no non_key_attributes%s"
                        : "%s lists non_key_attributes, which only projection_type INCLUDE takes%s", what, "");
    }
    return 0;
}

int vp_dynamodb_table_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *mode = json_object_get(values, "billing_mode");
    bool provisioned = is_known_string(mode) && strcmp(json_string_value(mode), "PROVISIONED") == 0;

    if (check_keys(values, msg, size, attr) < 0)
        return -1;
    if (is_known_string(mode) || !is_set(mode))
        if (check_capacity(values, provisioned, "the table", msg, size, attr, "billing_mode") < 0 ||
            check_indexes(values, provisioned, msg, size, attr) < 0)
            return -1;
    return 0;
}
