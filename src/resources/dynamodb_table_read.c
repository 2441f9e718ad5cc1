/* dynamodb_table_read.c: a table as the attribute table describes it, from DescribeTable, DescribeTimeToLive,
 * DescribeContinuousBackups and ListTagsOfResource; and the waiters on a table's status. */
#include <stdio.h>
#include <string.h>

#include "aws/proto.h"
#include "resources/common.h"
#include "resources/dynamodb_table.h"

int ddb_call(struct vp_call *c, const char *operation, json_t *in, json_t **out)
{
    json_t *answer = NULL;
    int ret = vp_json_call(c->aws, &vp_svc_dynamodb, operation, in, &answer, c->err);

    if (out)
        *out = answer;
    else
        json_decref(answer);
    return ret;
}

int ddb_describe(struct vp_call *c, const char *name, json_t **table)
{
    json_t *in = json_pack("{s:s}", "TableName", name), *out = NULL;
    int ret = ddb_call(c, "DescribeTable", in, &out);

    *table = NULL;
    json_decref(in);
    if (ret < 0) {
        if (!vp_res_err_is(c->err, "ResourceNotFoundException"))
            return -1;
        vp_err_clear(c->err);
        return 0;
    }
    *table = json_incref(json_object_get(out, "Table"));
    json_decref(out);
    return 0;
}

static void add_key_names(json_t *used, const json_t *key_schema)
{
    json_t *k;
    size_t i;

    json_array_foreach(key_schema, i, k)
        if (vp_res_str(k, "AttributeName"))
            json_object_set_new(used, vp_res_str(k, "AttributeName"), json_true());
}

/* AttributeDefinitions as {name: type}, keeping only attributes some key uses: after an index is removed
 * DynamoDB may still list its key attribute, and want declares only attributes that keys use. */
static json_t *attributes_of(const json_t *table)
{
    json_t *used = json_object(), *attrs = json_object(), *d, *index;
    size_t i;

    add_key_names(used, json_object_get(table, "KeySchema"));
    json_array_foreach(json_object_get(table, "GlobalSecondaryIndexes"), i, index)
        add_key_names(used, json_object_get(index, "KeySchema"));
    json_array_foreach(json_object_get(table, "LocalSecondaryIndexes"), i, index)
        add_key_names(used, json_object_get(index, "KeySchema"));
    json_array_foreach(json_object_get(table, "AttributeDefinitions"), i, d) {
        const char *name = vp_res_str(d, "AttributeName"), *type = vp_res_str(d, "AttributeType");
        if (name && type && json_object_get(used, name))
            json_object_set_new(attrs, name, json_string(type));
    }
    json_decref(used);
    return attrs;
}

static void set_keys(json_t *live, const json_t *key_schema)
{
    json_t *k;
    size_t i;

    json_array_foreach(key_schema, i, k) {
        const char *type = vp_res_str(k, "KeyType"), *name = vp_res_str(k, "AttributeName");
        if (type && name)
            json_object_set_new(live, strcmp(type, "HASH") == 0 ? "hash_key" : "range_key", json_string(name));
    }
}

/* BillingModeSummary is absent on tables that were always PROVISIONED (and on some emulators): then
 * provisioned capacity tells. */
static const char *billing_mode_of(const json_t *table)
{
    const char *mode = vp_res_str(json_object_get(table, "BillingModeSummary"), "BillingMode");

    if (mode)
        return mode;
    return vp_res_int(json_object_get(table, "ProvisionedThroughput"), "ReadCapacityUnits") > 0 ? "PROVISIONED"
                                                                                                : "PAY_PER_REQUEST";
}

static void set_description(json_t *live, const json_t *table)
{
    const char *mode = billing_mode_of(table);
    bool provisioned = strcmp(mode, "PROVISIONED") == 0;
    json_t *gsis = json_array(), *index, *throughput = json_object_get(table, "ProvisionedThroughput");
    size_t i;

    json_object_set_new(live, "name", json_string(vp_res_str(table, "TableName")));
    set_keys(live, json_object_get(table, "KeySchema"));
    json_object_set_new(live, "attributes", attributes_of(table));
    json_object_set_new(live, "billing_mode", json_string(mode));
    if (provisioned) {
        json_object_set_new(live, "read_capacity", json_integer(vp_res_int(throughput, "ReadCapacityUnits")));
        json_object_set_new(live, "write_capacity", json_integer(vp_res_int(throughput, "WriteCapacityUnits")));
    }
    json_array_foreach(json_object_get(table, "GlobalSecondaryIndexes"), i, index)
        json_array_append_new(gsis, ddb_gsi_from_aws(index, provisioned));
    json_object_set_new(live, "global_secondary_indexes", gsis);
    json_object_set_new(live, "deletion_protection", json_boolean(vp_res_bool(table, "DeletionProtectionEnabled")));
    json_object_set_new(live, "arn", json_string(vp_res_str(table, "TableArn")));
    if (vp_res_bool(json_object_get(table, "StreamSpecification"), "StreamEnabled") &&
        vp_res_str(table, "LatestStreamArn"))
        json_object_set_new(live, "stream_arn", json_string(vp_res_str(table, "LatestStreamArn")));
}

/* TTL counts as on while it is ENABLING too: it was asked for. */
static int read_ttl(struct vp_call *c, const char *name, json_t *live)
{
    json_t *in = json_pack("{s:s}", "TableName", name), *out = NULL, *desc;
    const char *status, *attr;
    int ret = ddb_call(c, "DescribeTimeToLive", in, &out);

    json_decref(in);
    if (ret < 0)
        return -1;
    desc = json_object_get(out, "TimeToLiveDescription");
    status = vp_res_str(desc, "TimeToLiveStatus");
    attr = vp_res_str(desc, "AttributeName");
    if (status && attr && (strcmp(status, "ENABLED") == 0 || strcmp(status, "ENABLING") == 0))
        json_object_set_new(live, "ttl_attribute", json_string(attr));
    json_decref(out);
    return 0;
}

static int read_pitr(struct vp_call *c, const char *name, json_t *live)
{
    json_t *in = json_pack("{s:s}", "TableName", name), *out = NULL;
    const char *status;
    int ret = ddb_call(c, "DescribeContinuousBackups", in, &out);

    json_decref(in);
    if (ret < 0)
        return -1;
    status = vp_res_str(json_object_get(json_object_get(out, "ContinuousBackupsDescription"),
                                        "PointInTimeRecoveryDescription"), "PointInTimeRecoveryStatus");
    json_object_set_new(live, "point_in_time_recovery",
                        json_boolean(status && (strcmp(status, "ENABLED") == 0 || strcmp(status, "ENABLING") == 0)));
    json_decref(out);
    return 0;
}

static int add_tags_page(json_t *page, void *ctx, struct vp_err *err)
{
    json_t *tags = ctx, *more = vp_res_tags_from_list(json_object_get(page, "Tags"));

    (void)err;
    json_object_update(tags, more);
    json_decref(more);
    return 0;
}

static int read_tags(struct vp_call *c, const char *arn, json_t *live)
{
    json_t *in = json_pack("{s:s}", "ResourceArn", arn), *tags = json_object();
    int ret = vp_json_paginate(c->aws, &vp_svc_dynamodb, "ListTagsOfResource", in, "NextToken", "NextToken",
                               add_tags_page, tags, c->err);

    json_decref(in);
    if (ret < 0) {
        json_decref(tags);
        return -1;
    }
    json_object_set_new(live, "tags", tags);
    return 0;
}

int ddb_read(struct vp_call *c, const char *name, json_t **live)
{
    json_t *table, *obj;

    *live = NULL;
    if (ddb_describe(c, name, &table) < 0)
        return -1;
    if (!table)
        return 0;
    obj = json_object();
    set_description(obj, table);
    json_decref(table);
    if (read_ttl(c, name, obj) < 0 || read_pitr(c, name, obj) < 0 || read_tags(c, vp_res_str(obj, "arn"), obj) < 0) {
        json_decref(obj);
        return -1;
    }
    *live = obj;
    return 0;
}

static bool all_active(const json_t *table)
{
    json_t *index;
    size_t i;

    if (strcmp(vp_res_str(table, "TableStatus") ? vp_res_str(table, "TableStatus") : "", "ACTIVE") != 0)
        return false;
    json_array_foreach(json_object_get(table, "GlobalSecondaryIndexes"), i, index) {
        const char *status = vp_res_str(index, "IndexStatus");
        if (!status || strcmp(status, "ACTIVE") != 0 || vp_res_bool(index, "Backfilling"))
            return false;
    }
    return true;
}

struct table_wait {
    const char *name, *index;
};

static int poll_active(struct vp_call *c, void *ctx, bool *done)
{
    struct table_wait *w = ctx;
    json_t *table;

    if (ddb_describe(c, w->name, &table) < 0)
        return -1;
    if (!table)
        return vp_fail(c->err, VP_E_AWS, "table '%s' disappeared while vidpipe was waiting for it", w->name);
    *done = all_active(table);
    if (*done && w->index) {
        json_t *index;
        size_t i;
        json_array_foreach(json_object_get(table, "GlobalSecondaryIndexes"), i, index)
            if (strcmp(vp_res_str(index, "IndexName") ? vp_res_str(index, "IndexName") : "", w->index) == 0)
                *done = false;
    }
    json_decref(table);
    return 0;
}

int ddb_wait_active(struct vp_call *c, const char *name)
{
    struct table_wait w = { name, NULL };
    char what[300];

    snprintf(what, sizeof(what), "until table '%s' and its indexes are ACTIVE", name);
    return vp_res_wait(c, what, poll_active, &w);
}

int ddb_wait_index_gone(struct vp_call *c, const char *name, const char *index)
{
    struct table_wait w = { name, index };
    char what[600];

    snprintf(what, sizeof(what), "until index '%s' is gone from table '%s'", index, name);
    return vp_res_wait(c, what, poll_active, &w);
}

static int poll_gone(struct vp_call *c, void *ctx, bool *done)
{
    json_t *table;

    if (ddb_describe(c, ctx, &table) < 0)
        return -1;
    *done = table == NULL;
    json_decref(table);
    return 0;
}

int ddb_wait_gone(struct vp_call *c, const char *name)
{
    char what[300];

    snprintf(what, sizeof(what), "until table '%s' is gone", name);
    return vp_res_wait(c, what, poll_gone, (void *)name);
}
