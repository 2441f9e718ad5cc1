/* s3_bucket_cors.c: a bucket's CORS rules, kept in the order S3 returns them (the order they were written,
 * which is also the order S3 matches them in). */
#include <stdlib.h>

#include "aws/proto.h"
#include "resources/common.h"
#include "resources/s3_bucket.h"

static json_t *rule_from_xml(struct vp_xml_node *node)
{
    json_t *rule = json_object();
    char *max_age = s3_xml_child(node, "MaxAgeSeconds");

    json_object_set_new(rule, "allowed_origins", s3_xml_children(node, "AllowedOrigin"));
    json_object_set_new(rule, "allowed_methods", s3_xml_children(node, "AllowedMethod"));
    json_object_set_new(rule, "allowed_headers", s3_xml_children(node, "AllowedHeader"));
    json_object_set_new(rule, "expose_headers", s3_xml_children(node, "ExposeHeader"));
    if (max_age && *max_age)
        json_object_set_new(rule, "max_age_seconds", json_integer(strtoll(max_age, NULL, 10)));
    free(max_age);
    return rule;
}

int s3_read_cors(struct vp_call *c, const char *bucket, json_t *live)
{
    json_t *rules = json_array();
    struct vp_xml_doc *doc = NULL;

    if (s3_call_sub(c, bucket, "GET", "GetBucketCors", "cors", NULL, &doc) < 0) {
        if (!vp_res_err_is(c->err, "NoSuchCORSConfiguration")) {
            json_decref(rules);
            return -1;
        }
        vp_err_clear(c->err);
    }
    for (struct vp_xml_node *n = doc ? vp_xml_find(doc, NULL, "CORSRule") : NULL; n; n = vp_xml_next_named(n))
        json_array_append_new(rules, rule_from_xml(n));
    vp_xml_free(doc);
    json_object_set_new(live, "cors_rules", rules);
    return 0;
}

static void put_strings(struct vp_buf *b, const char *tag, const json_t *list)
{
    json_t *item;
    size_t i;

    json_array_foreach(list, i, item)
        if (json_is_string(item))
            s3_xml_elem(b, tag, json_string_value(item));
}

/* An empty list deletes the configuration: S3 refuses a <CORSConfiguration> without rules. */
int s3_put_cors(struct vp_call *c, const char *bucket, const json_t *rules)
{
    struct vp_buf body = VP_BUF_INIT(0);
    json_t *rule;
    size_t i;
    int ret;

    if (json_array_size(rules) == 0)
        return s3_call_sub(c, bucket, "DELETE", "DeleteBucketCors", "cors", NULL, NULL);
    vp_buf_puts(&body, "<CORSConfiguration xmlns=\"" S3_XMLNS "\">");
    json_array_foreach(rules, i, rule) {
        json_t *max_age = json_object_get(rule, "max_age_seconds");

        vp_buf_puts(&body, "<CORSRule>");
        put_strings(&body, "AllowedHeader", json_object_get(rule, "allowed_headers"));
        put_strings(&body, "AllowedMethod", json_object_get(rule, "allowed_methods"));
        put_strings(&body, "AllowedOrigin", json_object_get(rule, "allowed_origins"));
        put_strings(&body, "ExposeHeader", json_object_get(rule, "expose_headers"));
        if (json_is_integer(max_age))
            vp_buf_printf(&body, "<MaxAgeSeconds>%lld</MaxAgeSeconds>", (long long)json_integer_value(max_age));
        vp_buf_puts(&body, "</CORSRule>");
    }
    vp_buf_puts(&body, "</CORSConfiguration>");
    ret = s3_call_sub(c, bucket, "PUT", "PutBucketCors", "cors", body.data, NULL);
    vp_buf_release(&body);
    return ret;
}
