/* dynamodb_table_update.c: makes a table match want, in the order DynamoDB allows (and the AWS provider
 * uses): index removals, then table-level changes, then index additions, each UpdateTable followed by a wait
 * for ACTIVE; then time to live, point-in-time recovery and tags, which are separate APIs. */
#include <string.h>

#include "resources/common.h"
#include "resources/dynamodb_table.h"

static bool is_provisioned(const json_t *obj)
{
    const char *mode = vp_res_str(obj, "billing_mode");

    return mode && strcmp(mode, "PROVISIONED") == 0;
}

static int update_table(struct vp_call *c, const char *name, json_t *in)
{
    int ret;

    json_object_set_new(in, "TableName", json_string(name));
    ret = ddb_call(c, "UpdateTable", in, NULL);
    json_decref(in);
    if (ret < 0)
        return -1;
    return ddb_wait_active(c, name);
}

/* A switch to PROVISIONED must give every index its throughput in the same call. */
static void add_index_throughput(json_t *in, const json_t *have, const json_t *want)
{
    json_t *updates = json_array(), *gsi;
    size_t i;

    json_array_foreach(json_object_get(want, "global_secondary_indexes"), i, gsi) {
        const json_t *had = ddb_gsi_find(json_object_get(have, "global_secondary_indexes"), vp_res_str(gsi, "name"));
        if (!had || ddb_gsi_redefined(gsi, had))
            continue;           /* removed already, added later with its throughput */
        json_array_append_new(updates, json_pack("{s:{s:s, s:{s:I, s:I}}}", "Update", "IndexName",
                                                 vp_res_str(gsi, "name"), "ProvisionedThroughput",
                                                 "ReadCapacityUnits", (json_int_t)vp_res_int(gsi, "read_capacity"),
                                                 "WriteCapacityUnits", (json_int_t)vp_res_int(gsi, "write_capacity")));
    }
    if (json_array_size(updates))
        json_object_set_new(in, "GlobalSecondaryIndexUpdates", updates);
    else
        json_decref(updates);
}

static int update_billing(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    bool provisioned = is_provisioned(want);
    json_t *in;

    if (!vp_res_changed(want, have, "billing_mode") &&
        !(provisioned && (vp_res_changed(want, have, "read_capacity") || vp_res_changed(want, have, "write_capacity"))))
        return 0;
    in = json_pack("{s:s}", "BillingMode", provisioned ? "PROVISIONED" : "PAY_PER_REQUEST");
    if (provisioned) {
        json_object_set_new(in, "ProvisionedThroughput",
                            json_pack("{s:I, s:I}", "ReadCapacityUnits", (json_int_t)vp_res_int(want, "read_capacity"),
                                      "WriteCapacityUnits", (json_int_t)vp_res_int(want, "write_capacity")));
        if (!is_provisioned(have))
            add_index_throughput(in, have, want);
    }
    if (update_table(c, name, in) < 0)
        return vp_res_context(c, "changing the billing mode or capacity");
    return 0;
}

static int update_deletion_protection(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    if (!vp_res_changed(want, have, "deletion_protection"))
        return 0;
    if (update_table(c, name, json_pack("{s:b}", "DeletionProtectionEnabled",
                                        vp_res_bool(want, "deletion_protection"))) < 0)
        return vp_res_context(c, "changing deletion protection");
    return 0;
}

static int set_ttl(struct vp_call *c, const char *name, const char *attr, bool enabled)
{
    json_t *in = json_pack("{s:s, s:{s:b, s:s}}", "TableName", name, "TimeToLiveSpecification", "Enabled", enabled,
                           "AttributeName", attr);
    int ret = ddb_call(c, "UpdateTimeToLive", in, NULL);

    json_decref(in);
    return ret;
}

/* A different attribute means disabling the old one, then enabling the new one. AWS allows roughly one
 * TTL change an hour, so the second call can be refused: the message then says so. */
static int update_ttl(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    const char *old = vp_res_str(have, "ttl_attribute"), *new = vp_res_str(want, "ttl_attribute");

    if (!vp_res_changed(want, have, "ttl_attribute"))
        return 0;
    if (old && set_ttl(c, name, old, false) < 0)
        return vp_res_context(c, "turning off time to live on '%s'", old);
    if (new && set_ttl(c, name, new, true) < 0)
        return vp_res_context(c, "turning on time to live on '%s'", new);
    return 0;
}

static int update_pitr(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    json_t *in;
    int ret;

    if (!vp_res_changed(want, have, "point_in_time_recovery"))
        return 0;
    in = json_pack("{s:s, s:{s:b}}", "TableName", name, "PointInTimeRecoverySpecification",
                   "PointInTimeRecoveryEnabled", vp_res_bool(want, "point_in_time_recovery"));
    ret = ddb_call(c, "UpdateContinuousBackups", in, NULL);
    json_decref(in);
    if (ret < 0)
        return vp_res_context(c, "changing point-in-time recovery");
    return 0;
}

/* UntagResource for keys want drops, TagResource for keys added or changed. */
static int update_tags(struct vp_call *c, const json_t *have, const json_t *want)
{
    const json_t *old = json_object_get(have, "tags"), *new = json_object_get(want, "tags");
    const char *arn = vp_res_str(have, "arn"), *key;
    json_t *removed = json_array(), *changed = json_object(), *value, *in;
    int ret = 0;

    json_object_foreach((json_t *)old, key, value)
        if (!json_object_get(new, key))
            json_array_append_new(removed, json_string(key));
    json_object_foreach((json_t *)new, key, value)
        if (!json_equal(value, json_object_get(old, key)))
            json_object_set(changed, key, value);
    if (json_array_size(removed)) {
        in = json_pack("{s:s, s:O}", "ResourceArn", arn, "TagKeys", removed);
        ret = ddb_call(c, "UntagResource", in, NULL);
        json_decref(in);
    }
    if (ret == 0 && json_object_size(changed)) {
        in = json_pack("{s:s, s:o}", "ResourceArn", arn, "Tags", vp_res_tags_to_list(changed));
        ret = ddb_call(c, "TagResource", in, NULL);
        json_decref(in);
    }
    json_decref(removed);
    json_decref(changed);
    return ret < 0 ? vp_res_context(c, "changing tags") : 0;
}

static int check_keys(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    const char *hash = vp_res_str(want, "hash_key"), *had_hash = vp_res_str(have, "hash_key");
    const char *range = vp_res_str(want, "range_key"), *had_range = vp_res_str(have, "range_key");

    if (!vp_res_changed(want, have, "hash_key") && !vp_res_changed(want, have, "range_key"))
        return 0;
    return vp_fail(c->err, VP_E_AWS, "table '%s' exists with keys (%s%s%s), the spec wants (%s%s%s): a table's keys "
                   "cannot change; rename the table or delete it first", name, had_hash ? had_hash : "?",
                   had_range ? ", " : "", had_range ? had_range : "", hash ? hash : "?", range ? ", " : "",
                   range ? range : "");
}

int ddb_converge(struct vp_call *c, const char *name, const json_t *have, const json_t *want)
{
    if (check_keys(c, name, have, want) < 0 || ddb_remove_gsis(c, name, have, want) < 0 ||
        update_billing(c, name, have, want) < 0 || update_deletion_protection(c, name, have, want) < 0 ||
        ddb_add_gsis(c, name, have, want) < 0 || update_ttl(c, name, have, want) < 0 ||
        update_pitr(c, name, have, want) < 0 || update_tags(c, have, want) < 0)
        return -1;
    return 0;
}
