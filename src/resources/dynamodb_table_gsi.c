/* dynamodb_table_gsi.c: global secondary indexes. DynamoDB creates or deletes one index per UpdateTable and
 * refuses another while one is in progress, so every change is its own call, followed by a wait. Indexes
 * are matched by name: an index whose keys or projection changed is removed, then added again. */
#include <string.h>

#include "resources/common.h"
#include "resources/dynamodb_table.h"

json_t *ddb_key_schema(const char *hash_key, const char *range_key)
{
    json_t *schema = json_array();

    json_array_append_new(schema, json_pack("{s:s, s:s}", "AttributeName", hash_key, "KeyType", "HASH"));
    if (range_key)
        json_array_append_new(schema, json_pack("{s:s, s:s}", "AttributeName", range_key, "KeyType", "RANGE"));
    return schema;
}

json_t *ddb_gsi_from_aws(const json_t *index, bool provisioned)
{
    json_t *gsi = json_object(), *k, *projection = json_object_get(index, "Projection"), *non_key;
    json_t *throughput = json_object_get(index, "ProvisionedThroughput");
    const char *type = vp_res_str(projection, "ProjectionType");
    size_t i;

    json_object_set_new(gsi, "name", json_string(vp_res_str(index, "IndexName")));
    json_array_foreach(json_object_get(index, "KeySchema"), i, k) {
        const char *key_type = vp_res_str(k, "KeyType"), *attr = vp_res_str(k, "AttributeName");
        if (key_type && attr)
            json_object_set_new(gsi, strcmp(key_type, "HASH") == 0 ? "hash_key" : "range_key", json_string(attr));
    }
    json_object_set_new(gsi, "projection_type", json_string(type ? type : "ALL"));
    non_key = json_object_get(projection, "NonKeyAttributes");
    json_object_set_new(gsi, "non_key_attributes", json_is_array(non_key) ? json_deep_copy(non_key) : json_array());
    if (provisioned) {
        json_object_set_new(gsi, "read_capacity", json_integer(vp_res_int(throughput, "ReadCapacityUnits")));
        json_object_set_new(gsi, "write_capacity", json_integer(vp_res_int(throughput, "WriteCapacityUnits")));
    }
    return gsi;
}

static json_t *throughput_of(const json_t *obj)
{
    return json_pack("{s:I, s:I}", "ReadCapacityUnits", (json_int_t)vp_res_int(obj, "read_capacity"),
                     "WriteCapacityUnits", (json_int_t)vp_res_int(obj, "write_capacity"));
}

json_t *ddb_gsi_to_aws(const json_t *gsi, bool provisioned)
{
    json_t *projection = json_pack("{s:s}", "ProjectionType", vp_res_str(gsi, "projection_type") ?
                                                               vp_res_str(gsi, "projection_type") : "ALL");
    json_t *non_key = json_object_get(gsi, "non_key_attributes");
    json_t *index = json_pack("{s:s, s:o, s:o}", "IndexName", vp_res_str(gsi, "name"), "KeySchema",
                              ddb_key_schema(vp_res_str(gsi, "hash_key"), vp_res_str(gsi, "range_key")),
                              "Projection", projection);

    if (json_array_size(non_key) > 0)
        json_object_set(projection, "NonKeyAttributes", non_key);
    if (provisioned)
        json_object_set_new(index, "ProvisionedThroughput", throughput_of(gsi));
    return index;
}

const json_t *ddb_gsi_find(const json_t *list, const char *index)
{
    json_t *gsi;
    size_t i;

    json_array_foreach(list, i, gsi) {
        const char *name = vp_res_str(gsi, "name");
        if (name && strcmp(name, index) == 0)
            return gsi;
    }
    return NULL;
}

bool ddb_gsi_redefined(const json_t *a, const json_t *b)
{
    static const char *const defining[] = { "hash_key", "range_key", "projection_type", "non_key_attributes" };

    for (size_t i = 0; i < sizeof(defining) / sizeof(defining[0]); i++)
        if (vp_res_changed(a, b, defining[i]))
            return true;
    return false;
}

static bool is_provisioned(const json_t *obj)
{
    const char *mode = vp_res_str(obj, "billing_mode");

    return mode && strcmp(mode, "PROVISIONED") == 0;
}

/* One UpdateTable changing one index, then the wait DynamoDB needs before the next. */
static int update_index(struct vp_call *c, const char *name, json_t *update, json_t *attribute_definitions)
{
    json_t *in = json_pack("{s:s, s:[o]}", "TableName", name, "GlobalSecondaryIndexUpdates", update);
    int ret;

    if (attribute_definitions)
        json_object_set_new(in, "AttributeDefinitions", attribute_definitions);
    ret = ddb_call(c, "UpdateTable", in, NULL);
    json_decref(in);
    return ret;
}

int ddb_remove_gsis(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    const json_t *want_list = json_object_get(want, "global_secondary_indexes");
    json_t *gsi;
    size_t i;

    json_array_foreach(json_object_get(have, "global_secondary_indexes"), i, gsi) {
        const char *index = vp_res_str(gsi, "name");
        const json_t *wanted = index ? ddb_gsi_find(want_list, index) : NULL;

        if (!index || (wanted && !ddb_gsi_redefined(gsi, wanted)))
            continue;
        if (update_index(c, name, json_pack("{s:{s:s}}", "Delete", "IndexName", index), NULL) < 0 ||
            ddb_wait_index_gone(c, name, index) < 0)
            return vp_res_context(c, "removing index '%s'", index);
    }
    return 0;
}

/* The key attributes of the table and of indexes, typed from want (or have, for an attribute want lacks),
 * as AttributeDefinitions. Only attributes some key uses: DynamoDB refuses others. */
struct key_attrs {
    json_t *used;           /* {name: true} */
    const json_t *want, *have;
};

static void use(struct key_attrs *k, const char *attr)
{
    if (attr)
        json_object_set_new(k->used, attr, json_true());
}

static void use_index(struct key_attrs *k, const json_t *gsi)
{
    use(k, vp_res_str(gsi, "hash_key"));
    use(k, vp_res_str(gsi, "range_key"));
}

static json_t *definitions(const struct key_attrs *k)
{
    json_t *defs = json_array(), *v;
    const char *attr;

    json_object_foreach(k->used, attr, v) {
        const char *type = vp_res_str(json_object_get(k->want, "attributes"), attr);
        if (!type)
            type = vp_res_str(json_object_get(k->have, "attributes"), attr);
        json_array_append_new(defs, json_pack("{s:s, s:s}", "AttributeName", attr, "AttributeType", type ? type : "S"));
    }
    return defs;
}

/* Changes the throughput of an index kept as it was (PROVISIONED billing only). */
static int update_capacity(struct vp_call *c, const char *name, const json_t *gsi, const json_t *had)
{
    const char *index = vp_res_str(gsi, "name");

    if (!vp_res_changed(gsi, had, "read_capacity") && !vp_res_changed(gsi, had, "write_capacity"))
        return 0;
    if (update_index(c, name, json_pack("{s:{s:s, s:o}}", "Update", "IndexName", index, "ProvisionedThroughput",
                                        throughput_of(gsi)), NULL) < 0 ||
        ddb_wait_active(c, name) < 0)
        return vp_res_context(c, "changing the capacity of index '%s'", index);
    return 0;
}

int ddb_add_gsis(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    const json_t *have_list = json_object_get(have, "global_secondary_indexes");
    struct key_attrs keys = { json_object(), want, have };
    bool provisioned = is_provisioned(want);
    json_t *gsi;
    size_t i;
    int ret = 0;

    /* The indexes that exist now: those kept (ddb_remove_gsis ran first) and then each one added. */
    use(&keys, vp_res_str(want, "hash_key"));
    use(&keys, vp_res_str(want, "range_key"));
    json_array_foreach(json_object_get(want, "global_secondary_indexes"), i, gsi) {
        const json_t *had = ddb_gsi_find(have_list, vp_res_str(gsi, "name"));
        if (had && !ddb_gsi_redefined(gsi, had))
            use_index(&keys, gsi);
    }
    json_array_foreach(json_object_get(want, "global_secondary_indexes"), i, gsi) {
        const char *index = vp_res_str(gsi, "name");
        const json_t *had = ddb_gsi_find(have_list, index);

        if (had && !ddb_gsi_redefined(gsi, had)) {
            if (provisioned && is_provisioned(have) && (ret = update_capacity(c, name, gsi, had)) < 0)
                break;
            continue;
        }
        use_index(&keys, gsi);
        if ((ret = update_index(c, name, json_pack("{s:o}", "Create", ddb_gsi_to_aws(gsi, provisioned)),
                                definitions(&keys))) < 0 ||
            (ret = ddb_wait_active(c, name)) < 0) {
            vp_res_context(c, "adding index '%s'", index);
            break;
        }
    }
    json_decref(keys.used);
    return ret;
}
