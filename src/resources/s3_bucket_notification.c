/* s3_bucket_notification.c: the s3_bucket_notification type: which Lambda functions a bucket invokes, for which
 * events and keys. A bucket has one notification configuration, and this resource owns it whole: create and
 * update put the entire configuration, delete puts an empty one. Queue (SQS), topic (SNS) and EventBridge
 * notifications are out of scope: they are neither read nor kept, so an apply removes any set outside vidpipe.
 * The physical id is the bucket's name.
 *
 * DESIGN: S3 checks that it may invoke each function when the configuration is put, and refuses it with
 * InvalidArgument "Unable to validate the following destination configurations" until the function's policy
 * lets s3.amazonaws.com invoke it (a lambda_permission): the spec must order the notification after the
 * permission (depends_on, or a reference). Even then the permission can take a moment to be seen, so that
 * refusal is retried every wait_poll_ms for up to two minutes (or the wait timeout when shorter), as the
 * Terraform provider does. moto never refuses it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/proto.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/s3_bucket.h"
#include "resources/schemas.h"
#include "resources/types.h"

#define VALIDATE_WAIT_MS (2L * 60 * 1000)
#define SETTLE_READS 10

/* ---- reading ---- */

/* <Filter><S3Key><FilterRule><Name>prefix</Name><Value>uploads/</Value></FilterRule>...: S3 answers the names
 * as "Prefix" and "Suffix" where they were put in lower case, so they compare without case. */
static void filter_from_xml(const struct vp_xml_node *conf, json_t *item)
{
    struct vp_xml_node *key = vp_xml_child(vp_xml_child(conf, "Filter"), "S3Key");

    for (struct vp_xml_node *rule = vp_xml_child(key, "FilterRule"); rule; rule = vp_xml_next_named(rule)) {
        struct vp_xml_node *name = vp_xml_child(rule, "Name"), *value = vp_xml_child(rule, "Value");
        if (!name || !value)
            continue;
        if (strcasecmp(name->text, "prefix") == 0)
            json_object_set_new(item, "filter_prefix", json_string(value->text));
        else if (strcasecmp(name->text, "suffix") == 0)
            json_object_set_new(item, "filter_suffix", json_string(value->text));
    }
}

/* One <CloudFunctionConfiguration> (the wire name of LambdaFunctionConfiguration). */
static json_t *function_from_xml(const struct vp_xml_node *conf)
{
    struct vp_xml_node *id = vp_xml_child(conf, "Id"), *arn = vp_xml_child(conf, "CloudFunction");
    json_t *item = json_object();

    json_object_set_new(item, "id", json_string(id ? id->text : ""));
    json_object_set_new(item, "function_arn", json_string(arn ? arn->text : ""));
    json_object_set_new(item, "events", s3_xml_children(conf, "Event"));
    json_object_set_new(item, "filter_prefix", json_string(""));
    json_object_set_new(item, "filter_suffix", json_string(""));
    filter_from_xml(conf, item);
    return item;
}

/* *live NULL when the bucket does not exist; a bucket without notifications has lambda_functions []. */
static int read_notification(struct vp_call *c, const char *bucket, json_t **live)
{
    struct vp_xml_doc *doc = NULL;
    json_t *list;

    *live = NULL;
    if (s3_call_sub(c, bucket, "GET", "GetBucketNotificationConfiguration", "notification", NULL, &doc) < 0) {
        if (!vp_res_err_is(c->err, "NoSuchBucket"))
            return -1;
        vp_err_clear(c->err);
        return 0;
    }
    list = json_array();
    for (struct vp_xml_node *n = doc ? vp_xml_child(doc->root, "CloudFunctionConfiguration") : NULL; n;
         n = vp_xml_next_named(n))
        json_array_append_new(list, function_from_xml(n));
    vp_xml_free(doc);
    *live = json_pack("{s:s, s:o, s:s}", "bucket", bucket, "lambda_functions", list, "id", bucket);
    return 0;
}

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    if (read_notification(c, id, live) < 0)
        return vp_res_context(c, "reading the notification configuration of bucket '%s'", id);
    return 0;
}

/* ---- putting ---- */

static void put_filter_rule(struct vp_buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    vp_buf_puts(b, "<FilterRule>");
    s3_xml_elem(b, "Name", name);
    s3_xml_elem(b, "Value", value);
    vp_buf_puts(b, "</FilterRule>");
}

/* The whole configuration; an empty list is an empty configuration, which removes every notification. */
static char *configuration_xml(const json_t *functions)
{
    struct vp_buf b = VP_BUF_INIT(0);
    json_t *item, *event;
    size_t i, j;

    vp_buf_puts(&b, "<NotificationConfiguration xmlns=\"" S3_XMLNS "\">");
    json_array_foreach(functions, i, item) {
        const char *prefix = vp_res_str(item, "filter_prefix"), *suffix = vp_res_str(item, "filter_suffix");

        vp_buf_puts(&b, "<CloudFunctionConfiguration>");
        s3_xml_elem(&b, "Id", vp_res_str(item, "id") ? vp_res_str(item, "id") : "");
        s3_xml_elem(&b, "CloudFunction", vp_res_str(item, "function_arn") ? vp_res_str(item, "function_arn") : "");
        json_array_foreach(json_object_get(item, "events"), j, event)
            if (json_is_string(event))
                s3_xml_elem(&b, "Event", json_string_value(event));
        if ((prefix && *prefix) || (suffix && *suffix)) {
            vp_buf_puts(&b, "<Filter><S3Key>");
            put_filter_rule(&b, "prefix", prefix);
            put_filter_rule(&b, "suffix", suffix);
            vp_buf_puts(&b, "</S3Key></Filter>");
        }
        vp_buf_puts(&b, "</CloudFunctionConfiguration>");
    }
    vp_buf_puts(&b, "</NotificationConfiguration>");
    return vp_buf_detach(&b, NULL);
}

static bool destination_not_validated(const struct vp_err *err)
{
    return vp_res_err_is(err, "InvalidArgument") && strstr(err->msg, "Unable to validate");
}

static int poll_put(struct vp_call *c, void *ctx, bool *done)
{
    const char *const *args = ctx;      /* bucket, body */

    *done = false;
    if (s3_call_sub(c, args[0], "PUT", "PutBucketNotificationConfiguration", "notification", args[1], NULL) == 0) {
        *done = true;
        return 0;
    }
    if (destination_not_validated(c->err)) {
        vp_err_clear(c->err);
        return 0;
    }
    return -1;
}

static int put_configuration(struct vp_call *c, const char *bucket, const json_t *functions)
{
    struct vp_call bounded = *c;
    char *body = configuration_xml(functions);
    const char *args[] = { bucket, body };
    long timeout_ms = c->wait_timeout_ms > 0 && c->wait_timeout_ms < VALIDATE_WAIT_MS ? c->wait_timeout_ms
                                                                                      : VALIDATE_WAIT_MS;
    int ret;

    bounded.wait_timeout_ms = timeout_ms;
    ret = vp_res_wait(&bounded, "until S3 may invoke every function of the notification configuration (is there a "
                      "lambda_permission for s3.amazonaws.com with this bucket as source_arn, and does the "
                      "notification depend on it?)", poll_put, (void *)args);
    free(body);
    return ret;
}

/* ---- the operations ---- */

/* The read that ends create and update, retried a few times while the configuration just put reads as before
 * (S3 configuration is eventually consistent); if it never shows, the last read stands (the next plan shows
 * the difference). */
static int settled_read(struct vp_call *c, const char *bucket, const json_t *want, json_t **live)
{
    for (int attempt = 1;; attempt++) {
        if (read_notification(c, bucket, live) < 0)
            return -1;
        if (!*live)
            return vp_fail(c->err, VP_E_AWS, "bucket '%s' disappeared while vidpipe was configuring it", bucket);
        if (!vp_res_changed(want, *live, "lambda_functions") || attempt == SETTLE_READS)
            return 0;
        json_decref(*live);
        *live = NULL;
        vp_res_sleep_ms(c->wait_poll_ms > 0 ? c->wait_poll_ms : 1000);
    }
}

static int configure(struct vp_call *c, const char *bucket, const json_t *want, json_t **live)
{
    if (put_configuration(c, bucket, json_object_get(want, "lambda_functions")) < 0) {
        if (vp_res_err_is(c->err, "NoSuchBucket"))
            return vp_fail(c->err, VP_E_AWS, "%s: bucket '%s' does not exist", c->address, bucket);
        return -1;
    }
    return settled_read(c, bucket, want, live);
}

/* Creating is putting the whole configuration, which also takes over whatever the bucket had. */
static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *bucket = vp_res_str(want, "bucket");

    *id = NULL;
    *live = NULL;
    if (!bucket)
        return vp_fail(c->err, VP_E_AWS, "%s: the notification configuration has no bucket", c->address);
    if (configure(c, bucket, want, live) < 0)
        return vp_res_context(c, "putting the notification configuration of bucket '%s'", bucket);
    *id = vp_xstrdup(bucket);
    return 0;
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    (void)have;
    *live = NULL;
    if (configure(c, id, want, live) < 0)
        return vp_res_context(c, "putting the notification configuration of bucket '%s'", id);
    return 0;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    json_t *none = json_array();
    int ret = put_configuration(c, id, none);

    (void)have;
    json_decref(none);
    if (ret < 0 && vp_res_err_is(c->err, "NoSuchBucket")) {
        vp_err_clear(c->err);
        return 0;
    }
    return ret < 0 ? vp_res_context(c, "removing the notification configuration of bucket '%s'", id) : 0;
}

const struct vp_resource_type vp_type_s3_bucket_notification = {
    .type = "s3_bucket_notification", .attrs = vp_s3_bucket_notification_attrs, .id_attr = "id",
    .doc = "A bucket's notification configuration, owned whole: the Lambda functions it invokes on which events "
           "and keys (queue and topic notifications are not managed and are removed). Make it depend on the "
           "lambda_permission that lets s3.amazonaws.com invoke each function: S3 refuses it until then.",
    .check = vp_s3_bucket_notification_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
};
