/* dynamodb_table.c: the dynamodb_table type's four operations. Create sends everything CreateTable takes
 * (keys, attributes, billing, indexes, tags, deletion protection) and then converges the rest (time to live,
 * point-in-time recovery) like an update does (dynamodb_table_update.c). */
#include <string.h>

#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/dynamodb_table.h"
#include "resources/schemas.h"
#include "resources/types.h"

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    if (ddb_read(c, id, live) < 0)
        return vp_res_context(c, "reading table '%s'", id);
    return 0;
}

static json_t *attribute_definitions(const json_t *attributes)
{
    json_t *defs = json_array(), *type;
    const char *name;

    json_object_foreach((json_t *)attributes, name, type)
        json_array_append_new(defs, json_pack("{s:s, s:s}", "AttributeName", name, "AttributeType",
                                              json_is_string(type) ? json_string_value(type) : "S"));
    return defs;
}

static json_t *create_input(const json_t *want)
{
    const char *mode = vp_res_str(want, "billing_mode");
    bool provisioned = mode && strcmp(mode, "PROVISIONED") == 0;
    json_t *gsis = json_array(), *gsi, *tags = json_object_get(want, "tags");
    json_t *in = json_pack("{s:s, s:o, s:o, s:s, s:b}", "TableName", vp_res_str(want, "name"), "KeySchema",
                           ddb_key_schema(vp_res_str(want, "hash_key"), vp_res_str(want, "range_key")),
                           "AttributeDefinitions", attribute_definitions(json_object_get(want, "attributes")),
                           "BillingMode", provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
                           "DeletionProtectionEnabled", vp_res_bool(want, "deletion_protection"));
    size_t i;

    if (provisioned)
        json_object_set_new(in, "ProvisionedThroughput",
                            json_pack("{s:I, s:I}", "ReadCapacityUnits", (json_int_t)vp_res_int(want, "read_capacity"),
                                      "WriteCapacityUnits", (json_int_t)vp_res_int(want, "write_capacity")));
    json_array_foreach(json_object_get(want, "global_secondary_indexes"), i, gsi)
        json_array_append_new(gsis, ddb_gsi_to_aws(gsi, provisioned));
    if (json_array_size(gsis))
        json_object_set(in, "GlobalSecondaryIndexes", gsis);
    json_decref(gsis);
    if (json_object_size(tags))
        json_object_set_new(in, "Tags", vp_res_tags_to_list(tags));
    return in;
}

/* CreateTable. A table of that name that already exists is adopted (a rerun after a crash mid-create):
 * converging it makes it what want says, and fails clearly if its keys differ. */
static int create_table(struct vp_call *c, const char *name, const json_t *want)
{
    json_t *in = create_input(want);
    int ret = ddb_call(c, "CreateTable", in, NULL);

    json_decref(in);
    if (ret < 0 && vp_res_err_is(c->err, "ResourceInUseException")) {
        json_t *table;
        if (ddb_describe(c, name, &table) < 0)
            return -1;
        if (!table)
            return vp_fail(c->err, VP_E_AWS, "table '%s' is in use but cannot be described", name);
        ret = strcmp(vp_res_str(table, "TableStatus") ? vp_res_str(table, "TableStatus") : "", "DELETING") == 0 ?
                  vp_fail(c->err, VP_E_AWS, "table '%s' is being deleted; apply again once it is gone", name) : 0;
        json_decref(table);
    }
    return ret;
}

static int create_and_converge(struct vp_call *c, const char *name, const json_t *want, json_t **live)
{
    json_t *have;
    int ret;

    if (create_table(c, name, want) < 0 || ddb_wait_active(c, name) < 0 || ddb_read(c, name, &have) < 0)
        return -1;
    if (!have)
        return vp_fail(c->err, VP_E_AWS, "table '%s' disappeared right after it was created", name);
    ret = ddb_converge(c, name, have, want);
    json_decref(have);
    if (ret < 0 || ddb_read(c, name, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "table '%s' disappeared while vidpipe was configuring it", name);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = vp_res_str(want, "name");

    *id = NULL;
    *live = NULL;
    if (!name)
        return vp_fail(c->err, VP_E_AWS, "%s: the table has no name", c->address);
    if (create_and_converge(c, name, want, live) < 0)
        return vp_res_context(c, "creating table '%s'", name);
    *id = vp_xstrdup(name);
    return 0;
}

/* have comes from the plan's read; the table is read again here so every decision is made on what it is now
 * (an index may have finished building, or another tool changed it, since the plan). */
static int update_table(struct vp_call *c, const char *id, const json_t *want, json_t **live)
{
    json_t *have;
    int ret;

    if (ddb_wait_active(c, id) < 0 || ddb_read(c, id, &have) < 0)
        return -1;
    if (!have)
        return vp_fail(c->err, VP_E_AWS, "table '%s' does not exist (deleted outside vidpipe?)", id);
    ret = ddb_converge(c, id, have, want);
    json_decref(have);
    if (ret < 0 || ddb_read(c, id, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "table '%s' disappeared while vidpipe was updating it", id);
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    (void)have;
    *live = NULL;
    if (update_table(c, id, want, live) < 0)
        return vp_res_context(c, "updating table '%s'", id);
    return 0;
}

static int delete_table(struct vp_call *c, const char *id, const json_t *have)
{
    json_t *table, *in;
    const char *status;
    int ret;

    if (ddb_describe(c, id, &table) < 0)
        return -1;
    if (!table)
        return 0;
    if (vp_res_bool(have, "deletion_protection") || vp_res_bool(table, "DeletionProtectionEnabled")) {
        json_decref(table);
        return vp_fail(c->err, VP_E_AWS, "table '%s' has deletion_protection on; set deletion_protection: false "
                       "and apply before destroying", id);
    }
    status = vp_res_str(table, "TableStatus");
    ret = status && strcmp(status, "DELETING") == 0 ? 1 : 0;
    json_decref(table);
    if (ret == 1)
        return ddb_wait_gone(c, id);
    /* DeleteTable is refused while the table or an index is still being created or updated. */
    if (ddb_wait_active(c, id) < 0)
        return -1;
    in = json_pack("{s:s}", "TableName", id);
    ret = ddb_call(c, "DeleteTable", in, NULL);
    json_decref(in);
    if (ret < 0) {
        if (!vp_res_err_is(c->err, "ResourceNotFoundException"))
            return -1;
        vp_err_clear(c->err);
    }
    return ddb_wait_gone(c, id);
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    if (delete_table(c, id, have) < 0)
        return vp_res_context(c, "deleting table '%s'", id);
    return 0;
}

const struct vp_resource_type vp_type_dynamodb_table = {
    .type = "dynamodb_table", .attrs = vp_dynamodb_table_attrs, .id_attr = "name",
    .doc = "A DynamoDB table with its keys, billing, global secondary indexes, time to live, point-in-time "
           "recovery, deletion protection and tags.",
    .check = vp_dynamodb_table_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
    .read_rounds = 4,
};
