/* s3_bucket_schema.c: the s3_bucket type's attributes, as data: the validator, the diff, the JSON Schema
 * and specs/README.md are all generated from this table. The operations are in s3_bucket.c. */
#include <stdio.h>

#include "resources/naming.h"
#include "resources/schemas.h"

static const char *const cors_methods[] = { "GET", "PUT", "POST", "DELETE", "HEAD", NULL };
static const char *const sse_algorithms[] = { "AES256", "aws:kms", "aws:kms:dsse", NULL };

static const struct vp_attr cors_rule_fields[] = {
    { .name = "allowed_origins", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .required = true,
      .doc = "Origins allowed to make cross-origin requests (\"https://app.example.com\", \"*\")." },
    { .name = "allowed_methods", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .required = true,
      .enum_values = cors_methods, .doc = "HTTP methods allowed: GET, PUT, POST, DELETE, HEAD." },
    { .name = "allowed_headers", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .doc = "Headers a preflight request may ask for (\"*\" for any)." },
    { .name = "expose_headers", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .doc = "Response headers the browser lets scripts read (ETag, for multipart uploads)." },
    { .name = "max_age_seconds", .kind = VP_K_INT, .min = 0, .max = 2147483647,
      .doc = "How long browsers cache the preflight answer." },
    { 0 }
};

static const struct vp_attr public_access_block_fields[] = {
    { .name = "block_public_acls", .kind = VP_K_BOOL, .default_json = "true",
      .doc = "Refuse requests that add public ACLs." },
    { .name = "ignore_public_acls", .kind = VP_K_BOOL, .default_json = "true",
      .doc = "Ignore public ACLs on the bucket and its objects." },
    { .name = "block_public_policy", .kind = VP_K_BOOL, .default_json = "true",
      .doc = "Refuse bucket policies that grant public access." },
    { .name = "restrict_public_buckets", .kind = VP_K_BOOL, .default_json = "true",
      .doc = "Limit access under a public policy to AWS services and the owner." },
    { 0 }
};

static const struct vp_attr encryption_fields[] = {
    { .name = "algorithm", .kind = VP_K_STRING, .default_json = "\"AES256\"", .enum_values = sse_algorithms,
      .doc = "Default server-side encryption: AES256 (SSE-S3), aws:kms or aws:kms:dsse." },
    { .name = "kms_key_id", .kind = VP_K_STRING,
      .doc = "The KMS key for aws:kms (ARN, id or alias); absent: the AWS managed key." },
    { .name = "bucket_key_enabled", .kind = VP_K_BOOL, .default_json = "false",
      .doc = "Use an S3 Bucket Key to cut KMS requests." },
    { 0 }
};

static const struct vp_attr lifecycle_rule_fields[] = {
    { .name = "id", .kind = VP_K_STRING, .required = true, .min = 1, .max = 255,
      .doc = "The rule's unique name." },
    { .name = "prefix", .kind = VP_K_STRING, .default_json = "\"\"",
      .doc = "Only objects whose key starts with this (empty: every object)." },
    { .name = "enabled", .kind = VP_K_BOOL, .default_json = "true", .doc = "Whether the rule applies." },
    { .name = "abort_incomplete_multipart_days", .kind = VP_K_INT, .min = 1, .max = 36500,
      .doc = "Abort multipart uploads not finished this many days after they started." },
    { .name = "expiration_days", .kind = VP_K_INT, .min = 1, .max = 36500,
      .doc = "Delete objects this many days after they were created." },
    { 0 }
};

const struct vp_attr vp_s3_bucket_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true,
      .check = vp_check_s3_bucket_name, .doc = "The bucket's name, unique across all of AWS." },
    { .name = "force_destroy", .kind = VP_K_BOOL, .local = true, .default_json = "false",
      .doc = "Let destroy delete every object (and version) in the bucket first; otherwise a bucket that "
             "holds objects blocks destroy." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "cors_rules", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = cors_rule_fields,
      .default_json = "[]", .doc = "CORS rules, so browsers may upload straight to the bucket." },
    { .name = "public_access_block", .kind = VP_K_OBJECT, .fields = public_access_block_fields,
      .doc = "The bucket's public access block; all four settings on unless turned off." },
    { .name = "encryption", .kind = VP_K_OBJECT, .fields = encryption_fields,
      .doc = "Default encryption of new objects." },
    { .name = "versioning", .kind = VP_K_BOOL, .default_json = "false",
      .doc = "Keep every version of every object (false after true suspends versioning)." },
    { .name = "lifecycle_rules", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = lifecycle_rule_fields,
      .default_json = "[]", .doc = "Lifecycle rules: abort incomplete multipart uploads, expire objects." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "arn:aws:s3:::NAME" },
    { .name = "region", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The bucket's region." },
    { .name = "regional_domain_name", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "NAME.s3.REGION.amazonaws.com" },
    { 0 }
};

/* ---- rules across attributes, checked at validate time: S3 refuses these at apply time ---- */

int vp_s3_bucket_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *rules = json_object_get(values, "lifecycle_rules"), *rule;
    size_t i, j;

    json_array_foreach(rules, i, rule) {
        const json_t *id = json_object_get(rule, "id");
        const char *name = json_is_string(id) ? json_string_value(id) : "?";

        *attr = "lifecycle_rules";
        if (!json_object_get(rule, "expiration_days") && !json_object_get(rule, "abort_incomplete_multipart_days")) {
            snprintf(msg, size, "lifecycle rule '%s' has no action: set expiration_days or "
                     "abort_incomplete_multipart_days", name);
            return -1;
        }
        for (j = 0; j < i && json_is_string(id); j++) {
            if (json_equal((json_t *)id, json_object_get(json_array_get(rules, j), "id"))) {
                snprintf(msg, size, "two lifecycle rules have the id '%s'", name);
                return -1;
            }
        }
    }
    return 0;
}
