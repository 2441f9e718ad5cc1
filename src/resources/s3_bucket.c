/* s3_bucket.c: the s3_bucket type's four operations. A bucket's settings are separate sub-resources (tags,
 * CORS, ...), each read and put on its own (s3_bucket_settings.c, _cors.c, _lifecycle.c); create and update
 * both end in converge(), which puts only the ones whose want differs from what the bucket has. */
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "aws/proto.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/s3_bucket.h"
#include "resources/schemas.h"
#include "resources/types.h"

/* Reads after a put may see the old configuration for a moment (S3 configuration is eventually consistent):
 * the final read is retried this many times while a setting just put still differs. */
#define SETTLE_READS 10

/* HeadBucket: *exists false on 404; *region the bucket's region from x-amz-bucket-region (NULL when the
 * answer has none). Other refusals name what they mean, as S3's HEAD answers have no body. */
static int head_bucket(struct vp_call *c, const char *name, bool *exists, char **region)
{
    struct vp_request req;
    struct vp_response resp;
    int ret;

    *exists = false;
    *region = NULL;
    vp_request_init(&req, &vp_svc_s3, "HEAD");
    vp_response_init(&resp);
    req.operation = "HeadBucket";
    req.bucket = name;
    ret = vp_aws_send(c->aws, &req, &resp, c->err);
    if (ret == 0) {
        const char *r = vp_kv_get(&resp.headers, "x-amz-bucket-region");
        *exists = true;
        *region = r && *r ? vp_xstrdup(r) : NULL;
    } else if (c->err->http_status == 404) {
        vp_err_clear(c->err);
        ret = 0;
    } else if (c->err->http_status == 301) {
        const char *other = vp_kv_get(&resp.headers, "x-amz-bucket-region");
        ret = vp_fail(c->err, VP_E_AWS, "bucket '%s' is in region %s, not the region vidpipe uses; set the region "
                      "to %s", name, other ? other : "(another)", other ? other : "the bucket's");
    } else if (c->err->http_status == 403) {
        ret = vp_fail(c->err, VP_E_AWS, "bucket '%s' exists but these credentials may not reach it (HTTP 403): it "
                      "belongs to another account, or access is denied", name);
    }
    vp_request_release(&req);
    vp_response_release(&resp);
    return ret;
}

/* The region HeadBucket named, else GetBucketLocation's (an empty LocationConstraint is us-east-1, and the
 * legacy "EU" is eu-west-1): S3 sends x-amz-bucket-region on every HeadBucket answer, so the second call is
 * only for an endpoint that does not. */
static int read_region(struct vp_call *c, const char *name, const char *head_region, json_t *live)
{
    struct vp_xml_doc *doc = NULL;
    char *location = NULL;
    const char *region = head_region;

    if (!region) {
        if (s3_call_sub(c, name, "GET", "GetBucketLocation", "location", NULL, &doc) < 0)
            return -1;
        location = doc ? vp_xml_find_text(doc, NULL, "LocationConstraint") : NULL;
        region = !location || !*location ? "us-east-1" : strcmp(location, "EU") == 0 ? "eu-west-1" : location;
    }
    json_object_set_new(live, "region", json_string(region));
    json_object_set_new(live, "regional_domain_name", json_sprintf("%s.s3.%s.%s", name, region,
                                                                   vp_partition_dns_suffix(region)));
    free(location);
    vp_xml_free(doc);
    return 0;
}

/* A bucket's configurations: each its own GET, none depending on another, so read at once. */
static vp_res_part_fn *const configurations[] = {
    s3_read_tags, s3_read_cors, s3_read_public_access_block, s3_read_encryption, s3_read_versioning,
    s3_read_lifecycle,
};
#define N_CONFIGURATIONS (sizeof(configurations) / sizeof(configurations[0]))

static int read_bucket(struct vp_call *c, const char *name, json_t **live)
{
    json_t *obj;
    bool exists;
    char *region;
    int ret;

    *live = NULL;
    if (head_bucket(c, name, &exists, &region) < 0)
        return -1;
    if (!exists)
        return 0;
    obj = json_object();
    json_object_set_new(obj, "name", json_string(name));
    json_object_set_new(obj, "arn", json_sprintf("arn:aws:s3:::%s", name));
    ret = read_region(c, name, region, obj);
    free(region);
    if (ret < 0 || vp_res_read_parts(c, name, configurations, N_CONFIGURATIONS, obj) < 0) {
        json_decref(obj);
        return -1;
    }
    *live = obj;
    return 0;
}

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    if (read_bucket(c, id, live) < 0)
        return vp_res_context(c, "reading bucket '%s'", id);
    return 0;
}

/* A bucket's settings, in the order converge() puts them: the public access block first, so a bucket is
 * never open while the rest is configured. */
static const struct setting {
    const char *attr;
    s3_put_fn *put;
    bool base;              /* always put on a new bucket: S3's answer for it is a default, not a configuration */
} settings[] = {
    { "public_access_block", s3_put_public_access_block, true },
    { "encryption", s3_put_encryption, true },
    { "tags", s3_put_tags, false },
    { "cors_rules", s3_put_cors, false },
    { "versioning", s3_put_versioning, false },
    { "lifecycle_rules", s3_put_lifecycle, false },
};
#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

/* Which settings converge() put: the final read waits for these to show. */
struct put_set {
    const char *attrs[N_SETTINGS];
    size_t n;
};

/* Puts every setting whose want differs from have (and, on a new bucket, the base ones whatever have says). */
static int converge(struct vp_call *c, const char *name, const json_t *have, const json_t *want, bool new_bucket,
                    struct put_set *done)
{
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const struct setting *s = &settings[i];
        if (!(new_bucket && s->base) && !vp_res_changed(want, have, s->attr))
            continue;
        if (s->put(c, name, json_object_get(want, s->attr)) < 0)
            return -1;
        done->attrs[done->n++] = s->attr;
    }
    return 0;
}

/* The read that ends create and update: retried a few times while a setting just put reads as before. If it
 * never shows, the last read stands (the next plan shows the difference) rather than failing the apply. */
static int settled_read(struct vp_call *c, const char *name, const json_t *want, const struct put_set *done,
                        json_t **live)
{
    for (int attempt = 1;; attempt++) {
        bool settled = true;

        if (read_bucket(c, name, live) < 0)
            return -1;
        if (!*live)
            return vp_fail(c->err, VP_E_AWS, "bucket '%s' disappeared while vidpipe was configuring it", name);
        for (size_t i = 0; i < done->n && settled; i++)
            settled = !vp_res_changed(want, *live, done->attrs[i]);
        if (settled || attempt == SETTLE_READS)
            return 0;
        json_decref(*live);
        *live = NULL;
        vp_res_sleep_ms(c->wait_poll_ms > 0 ? c->wait_poll_ms : 1000);
    }
}

/* HeadBucket for whether the bucket exists, its region not wanted. */
static int bucket_exists(struct vp_call *c, const char *name, bool *exists)
{
    char *region;
    int ret = head_bucket(c, name, exists, &region);

    free(region);
    return ret;
}

static int poll_exists(struct vp_call *c, void *ctx, bool *done)
{
    return bucket_exists(c, ctx, done);
}

static int poll_gone(struct vp_call *c, void *ctx, bool *done)
{
    bool exists;

    if (bucket_exists(c, ctx, &exists) < 0)
        return -1;
    *done = !exists;
    return 0;
}

/* CreateBucket; *adopted when the bucket already exists and is ours (a rerun after a crash mid-create). */
static int create_bucket(struct vp_call *c, const char *name, bool *adopted)
{
    struct vp_buf body = VP_BUF_INIT(0);
    const char *region;
    int ret;

    *adopted = false;
    if (vp_aws_region(c->aws, &region, c->err) < 0)
        return -1;
    if (strcmp(region, "us-east-1") != 0) {
        vp_buf_puts(&body, "<CreateBucketConfiguration xmlns=\"" S3_XMLNS "\">");
        s3_xml_elem(&body, "LocationConstraint", region);
        vp_buf_puts(&body, "</CreateBucketConfiguration>");
    }
    ret = s3_call_sub(c, name, "PUT", "CreateBucket", NULL, body.len ? body.data : NULL, NULL);
    vp_buf_release(&body);
    if (ret < 0 && vp_res_err_is(c->err, "BucketAlreadyOwnedByYou")) {
        vp_err_clear(c->err);
        *adopted = true;
        return 0;
    }
    if (ret < 0 && vp_res_err_is(c->err, "BucketAlreadyExists"))
        return vp_fail(c->err, VP_E_AWS, "bucket name '%s' is taken by another account (bucket names are shared by "
                       "all of AWS): choose another name", name);
    return ret;
}

static int create_and_configure(struct vp_call *c, const char *name, const json_t *want, json_t **live)
{
    struct put_set done = { .n = 0 };
    json_t *have = NULL;
    bool adopted;
    int ret;

    if (create_bucket(c, name, &adopted) < 0)
        return -1;
    if (vp_res_wait(c, "for the new bucket to answer", poll_exists, (void *)name) < 0 ||
        read_bucket(c, name, &have) < 0)
        return -1;
    if (!have)
        return vp_fail(c->err, VP_E_AWS, "bucket '%s' disappeared right after it was created", name);
    ret = converge(c, name, have, want, !adopted, &done);
    json_decref(have);
    if (ret < 0)
        return -1;
    return settled_read(c, name, want, &done, live);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = vp_res_str(want, "name");

    *id = NULL;
    *live = NULL;
    if (!name)
        return vp_fail(c->err, VP_E_AWS, "%s: the bucket has no name", c->address);
    if (create_and_configure(c, name, want, live) < 0)
        return vp_res_context(c, "creating bucket '%s'", name);
    *id = vp_xstrdup(name);
    return 0;
}

/* The plan's have may be stale by now: converge from a fresh read. */
static int update_bucket(struct vp_call *c, const char *id, const json_t *want, json_t **live)
{
    struct put_set done = { .n = 0 };
    json_t *have;
    int ret;

    if (read_bucket(c, id, &have) < 0)
        return -1;
    if (!have)
        return vp_fail(c->err, VP_E_AWS, "bucket '%s' does not exist (deleted outside vidpipe?)", id);
    ret = converge(c, id, have, want, false, &done);
    json_decref(have);
    if (ret < 0)
        return -1;
    return settled_read(c, id, want, &done, live);
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    (void)have;
    *live = NULL;
    if (update_bucket(c, id, want, live) < 0)
        return vp_res_context(c, "updating bucket '%s'", id);
    return 0;
}

static int delete_bucket(struct vp_call *c, const char *id, const json_t *have)
{
    bool exists, has_objects;

    if (bucket_exists(c, id, &exists) < 0)
        return -1;
    if (!exists)
        return 0;
    if (s3_bucket_has_objects(c, id, &has_objects) < 0)
        return -1;
    if (has_objects && !vp_res_bool(have, "force_destroy"))
        return vp_fail(c->err, VP_E_AWS, "bucket '%s' is not empty (it holds objects); empty it or set "
                       "force_destroy: true", id);
    if (has_objects && s3_bucket_purge(c, id) < 0)
        return -1;
    if (s3_call_sub(c, id, "DELETE", "DeleteBucket", NULL, NULL, NULL) < 0) {
        if (!vp_res_err_is(c->err, "NoSuchBucket"))
            return -1;
        vp_err_clear(c->err);
    }
    return vp_res_wait(c, "for the bucket to be gone", poll_gone, (void *)id);
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    if (delete_bucket(c, id, have) < 0)
        return vp_res_context(c, "deleting bucket '%s'", id);
    return 0;
}

const struct vp_resource_type vp_type_s3_bucket = {
    .type = "s3_bucket", .attrs = vp_s3_bucket_attrs, .id_attr = "name",
    .doc = "An S3 bucket with its tags, CORS rules, public access block, default encryption, versioning and "
           "lifecycle rules.",
    .check = vp_s3_bucket_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
    .read_rounds = 2,
};
