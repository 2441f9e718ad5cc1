/* s3_bucket_settings.c: a bucket's tags, public access block, default encryption and versioning: read into
 * live, put from want. An error answer that means "not configured" reads as what S3 then enforces. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "resources/common.h"
#include "resources/s3_bucket.h"

/* Reads a sub-resource; *doc NULL (and no error) when S3 answers missing_code: nothing is configured. */
static int get_config(struct vp_call *c, const char *bucket, const char *operation, const char *subresource,
                      const char *missing_code, struct vp_xml_doc **doc)
{
    if (s3_call_sub(c, bucket, "GET", operation, subresource, NULL, doc) == 0)
        return 0;
    if (vp_res_err_is(c->err, missing_code)) {
        vp_err_clear(c->err);
        return 0;
    }
    return -1;
}

static bool xml_bool(struct vp_xml_node *node, const char *name)
{
    char *text = s3_xml_child(node, name);
    bool on = text && strcmp(text, "true") == 0;

    free(text);
    return on;
}

static int put_config(struct vp_call *c, const char *bucket, const char *operation, const char *subresource,
                      struct vp_buf *body)
{
    int ret = s3_call_sub(c, bucket, "PUT", operation, subresource, body->data, NULL);

    vp_buf_release(body);
    return ret;
}

int s3_read_tags(struct vp_call *c, const char *bucket, json_t *live)
{
    json_t *tags = json_object();
    struct vp_xml_doc *doc;

    if (get_config(c, bucket, "GetBucketTagging", "tagging", "NoSuchTagSet", &doc) < 0) {
        json_decref(tags);
        return -1;
    }
    for (struct vp_xml_node *t = doc ? vp_xml_find(doc, NULL, "Tag") : NULL; t; t = vp_xml_next_named(t)) {
        char *key = s3_xml_child(t, "Key"), *value = s3_xml_child(t, "Value");
        if (key)
            json_object_set_new(tags, key, json_string(value ? value : ""));
        free(key);
        free(value);
    }
    vp_xml_free(doc);
    json_object_set_new(live, "tags", tags);
    return 0;
}

int s3_put_tags(struct vp_call *c, const char *bucket, const json_t *tags)
{
    struct vp_buf body = VP_BUF_INIT(0);
    const char *key;
    json_t *value;

    if (json_object_size(tags) == 0)
        return s3_call_sub(c, bucket, "DELETE", "DeleteBucketTagging", "tagging", NULL, NULL);
    vp_buf_puts(&body, "<Tagging xmlns=\"" S3_XMLNS "\"><TagSet>");
    json_object_foreach((json_t *)tags, key, value) {
        vp_buf_puts(&body, "<Tag>");
        s3_xml_elem(&body, "Key", key);
        s3_xml_elem(&body, "Value", json_is_string(value) ? json_string_value(value) : "");
        vp_buf_puts(&body, "</Tag>");
    }
    vp_buf_puts(&body, "</TagSet></Tagging>");
    return put_config(c, bucket, "PutBucketTagging", "tagging", &body);
}

/* The public access block's fields: the attribute table's names and S3's element names. */
static const struct { const char *attr, *xml; } pab_fields[] = {
    { "block_public_acls", "BlockPublicAcls" },
    { "ignore_public_acls", "IgnorePublicAcls" },
    { "block_public_policy", "BlockPublicPolicy" },
    { "restrict_public_buckets", "RestrictPublicBuckets" },
};
#define N_PAB_FIELDS (sizeof(pab_fields) / sizeof(pab_fields[0]))

/* A bucket without a public access block has all four settings off. */
int s3_read_public_access_block(struct vp_call *c, const char *bucket, json_t *live)
{
    json_t *pab = json_object();
    struct vp_xml_node *root;
    struct vp_xml_doc *doc;

    if (get_config(c, bucket, "GetPublicAccessBlock", "publicAccessBlock", "NoSuchPublicAccessBlockConfiguration",
                   &doc) < 0) {
        json_decref(pab);
        return -1;
    }
    root = doc ? doc->root : NULL;
    for (size_t i = 0; i < N_PAB_FIELDS; i++)
        json_object_set_new(pab, pab_fields[i].attr, json_boolean(root && xml_bool(root, pab_fields[i].xml)));
    vp_xml_free(doc);
    json_object_set_new(live, "public_access_block", pab);
    return 0;
}

int s3_put_public_access_block(struct vp_call *c, const char *bucket, const json_t *pab)
{
    struct vp_buf body = VP_BUF_INIT(0);

    vp_buf_puts(&body, "<PublicAccessBlockConfiguration xmlns=\"" S3_XMLNS "\">");
    for (size_t i = 0; i < N_PAB_FIELDS; i++)
        s3_xml_elem(&body, pab_fields[i].xml, vp_res_bool(pab, pab_fields[i].attr) ? "true" : "false");
    vp_buf_puts(&body, "</PublicAccessBlockConfiguration>");
    return put_config(c, bucket, "PutPublicAccessBlock", "publicAccessBlock", &body);
}

/* Without a configuration S3 still encrypts every new object with SSE-S3 (since January 2023): AES256. */
int s3_read_encryption(struct vp_call *c, const char *bucket, json_t *live)
{
    json_t *enc = json_object();
    struct vp_xml_node *rule, *by_default;
    char *algorithm = NULL, *key_id = NULL;
    struct vp_xml_doc *doc;

    if (get_config(c, bucket, "GetBucketEncryption", "encryption", "ServerSideEncryptionConfigurationNotFoundError",
                   &doc) < 0) {
        json_decref(enc);
        return -1;
    }
    rule = doc ? vp_xml_find(doc, NULL, "Rule") : NULL;
    by_default = s3_xml_child_node(rule, "ApplyServerSideEncryptionByDefault");
    if (by_default) {
        algorithm = s3_xml_child(by_default, "SSEAlgorithm");
        key_id = s3_xml_child(by_default, "KMSMasterKeyID");
    }
    json_object_set_new(enc, "algorithm", json_string(algorithm && *algorithm ? algorithm : "AES256"));
    if (key_id && *key_id)
        json_object_set_new(enc, "kms_key_id", json_string(key_id));
    json_object_set_new(enc, "bucket_key_enabled", json_boolean(rule && xml_bool(rule, "BucketKeyEnabled")));
    free(algorithm);
    free(key_id);
    vp_xml_free(doc);
    json_object_set_new(live, "encryption", enc);
    return 0;
}

int s3_put_encryption(struct vp_call *c, const char *bucket, const json_t *enc)
{
    struct vp_buf body = VP_BUF_INIT(0);
    const char *algorithm = vp_res_str(enc, "algorithm"), *key_id = vp_res_str(enc, "kms_key_id");

    vp_buf_puts(&body, "<ServerSideEncryptionConfiguration xmlns=\"" S3_XMLNS "\"><Rule>"
                       "<ApplyServerSideEncryptionByDefault>");
    s3_xml_elem(&body, "SSEAlgorithm", algorithm ? algorithm : "AES256");
    if (key_id)
        s3_xml_elem(&body, "KMSMasterKeyID", key_id);
    vp_buf_puts(&body, "</ApplyServerSideEncryptionByDefault>");
    s3_xml_elem(&body, "BucketKeyEnabled", vp_res_bool(enc, "bucket_key_enabled") ? "true" : "false");
    vp_buf_puts(&body, "</Rule></ServerSideEncryptionConfiguration>");
    return put_config(c, bucket, "PutBucketEncryption", "encryption", &body);
}

/* Enabled reads as true; Suspended, or never enabled (no Status), as false. */
int s3_read_versioning(struct vp_call *c, const char *bucket, json_t *live)
{
    struct vp_xml_doc *doc;
    char *status;

    if (s3_call_sub(c, bucket, "GET", "GetBucketVersioning", "versioning", NULL, &doc) < 0)
        return -1;
    status = doc ? vp_xml_find_text(doc, NULL, "Status") : NULL;
    json_object_set_new(live, "versioning", json_boolean(status && strcmp(status, "Enabled") == 0));
    free(status);
    vp_xml_free(doc);
    return 0;
}

/* Versioning cannot be turned off once on, only suspended. */
int s3_put_versioning(struct vp_call *c, const char *bucket, const json_t *enabled)
{
    struct vp_buf body = VP_BUF_INIT(0);

    vp_buf_puts(&body, "<VersioningConfiguration xmlns=\"" S3_XMLNS "\">");
    s3_xml_elem(&body, "Status", json_is_true(enabled) ? "Enabled" : "Suspended");
    vp_buf_puts(&body, "</VersioningConfiguration>");
    return put_config(c, bucket, "PutBucketVersioning", "versioning", &body);
}
