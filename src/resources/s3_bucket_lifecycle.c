/* s3_bucket_lifecycle.c: a bucket's lifecycle rules, in the order S3 returns them (the order written). Only
 * the actions vidpipe manages are read: a prefix filter, expiration in days, aborting multipart uploads. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "resources/common.h"
#include "resources/s3_bucket.h"

static void set_days(json_t *rule, const char *attr, struct vp_xml_node *action, const char *element)
{
    char *days = s3_xml_child(action, element);

    if (days && *days)
        json_object_set_new(rule, attr, json_integer(strtoll(days, NULL, 10)));
    free(days);
}

/* The rule's prefix: <Filter><Prefix>, <Filter><And><Prefix>, or the older rule-level <Prefix>; "" for none. */
static char *rule_prefix(struct vp_xml_node *node)
{
    struct vp_xml_node *filter = s3_xml_child_node(node, "Filter");
    char *prefix = NULL;

    if (filter) {
        prefix = s3_xml_child(filter, "Prefix");
        if (!prefix)
            prefix = s3_xml_child(s3_xml_child_node(filter, "And"), "Prefix");
    }
    if (!prefix)
        prefix = s3_xml_child(node, "Prefix");
    return prefix;
}

static json_t *rule_from_xml(struct vp_xml_node *node)
{
    json_t *rule = json_object();
    char *id = s3_xml_child(node, "ID"), *status = s3_xml_child(node, "Status"), *prefix = rule_prefix(node);

    json_object_set_new(rule, "id", json_string(id ? id : ""));
    json_object_set_new(rule, "prefix", json_string(prefix ? prefix : ""));
    json_object_set_new(rule, "enabled", json_boolean(status && strcmp(status, "Enabled") == 0));
    set_days(rule, "abort_incomplete_multipart_days", s3_xml_child_node(node, "AbortIncompleteMultipartUpload"),
             "DaysAfterInitiation");
    set_days(rule, "expiration_days", s3_xml_child_node(node, "Expiration"), "Days");
    free(id);
    free(status);
    free(prefix);
    return rule;
}

int s3_read_lifecycle(struct vp_call *c, const char *bucket, json_t *live)
{
    json_t *rules = json_array();
    struct vp_xml_doc *doc = NULL;

    if (s3_call_sub(c, bucket, "GET", "GetBucketLifecycleConfiguration", "lifecycle", NULL, &doc) < 0) {
        if (!vp_res_err_is(c->err, "NoSuchLifecycleConfiguration")) {
            json_decref(rules);
            return -1;
        }
        vp_err_clear(c->err);
    }
    for (struct vp_xml_node *n = doc ? vp_xml_find(doc, NULL, "Rule") : NULL; n; n = vp_xml_next_named(n))
        json_array_append_new(rules, rule_from_xml(n));
    vp_xml_free(doc);
    json_object_set_new(live, "lifecycle_rules", rules);
    return 0;
}

static void put_days(struct vp_buf *b, const json_t *rule, const char *attr, const char *action,
                     const char *element)
{
    json_t *days = json_object_get(rule, attr);

    if (json_is_integer(days))
        vp_buf_printf(b, "<%s><%s>%lld</%s></%s>", action, element, (long long)json_integer_value(days), element,
                      action);
}

/* An empty list deletes the configuration (S3 refuses one without rules). The whole configuration is
 * replaced at once, so S3 keeps the rules in the order written here. */
int s3_put_lifecycle(struct vp_call *c, const char *bucket, const json_t *rules)
{
    struct vp_buf body = VP_BUF_INIT(0);
    json_t *rule;
    size_t i;
    int ret;

    if (json_array_size(rules) == 0)
        return s3_call_sub(c, bucket, "DELETE", "DeleteBucketLifecycle", "lifecycle", NULL, NULL);
    vp_buf_puts(&body, "<LifecycleConfiguration xmlns=\"" S3_XMLNS "\">");
    json_array_foreach(rules, i, rule) {
        const char *id = vp_res_str(rule, "id"), *prefix = vp_res_str(rule, "prefix");
        json_t *enabled = json_object_get(rule, "enabled");

        vp_buf_puts(&body, "<Rule>");
        s3_xml_elem(&body, "ID", id ? id : "");
        vp_buf_puts(&body, "<Filter>");
        s3_xml_elem(&body, "Prefix", prefix ? prefix : "");
        vp_buf_puts(&body, "</Filter>");
        s3_xml_elem(&body, "Status", json_is_false(enabled) ? "Disabled" : "Enabled");
        put_days(&body, rule, "expiration_days", "Expiration", "Days");
        put_days(&body, rule, "abort_incomplete_multipart_days", "AbortIncompleteMultipartUpload",
                 "DaysAfterInitiation");
        vp_buf_puts(&body, "</Rule>");
    }
    vp_buf_puts(&body, "</LifecycleConfiguration>");
    ret = s3_call_sub(c, bucket, "PUT", "PutBucketLifecycleConfiguration", "lifecycle", body.data, NULL);
    vp_buf_release(&body);
    return ret;
}
