/* convert_calls.c: the AWS calls the convert handler makes: MediaConvert GetJobTemplate and CreateJob
 * (REST-JSON), DynamoDB GetItem and PutItem on the videos table (JSON 1.0). */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "handlers/convert.h"

int vp_convert_template_settings(struct vp_aws *aws, const char *name, json_t **settings, struct vp_err *err)
{
    char *enc = vp_uri_encode_new(name, false);
    char *path = vp_xasprintf("/2017-08-29/jobTemplates/%s", enc);
    json_t *out = NULL;
    int ret = vp_rest_json_call(aws, &vp_svc_mediaconvert, "GetJobTemplate", "GET", path, NULL, NULL, &out, err);

    *settings = NULL;
    if (ret == 0) {
        json_t *s = json_object_get(json_object_get(out, "jobTemplate"), "settings");

        if (json_is_object(s))
            *settings = json_incref(s);
        else
            ret = vp_fail(err, VP_E_AWS_RESPONSE, "job template '%s' has no settings", name);
    }
    json_decref(out);
    free(path);
    free(enc);
    return ret;
}

int vp_convert_create_job(struct vp_aws *aws, json_t *body, char **job_id, struct vp_err *err)
{
    json_t *out = NULL;
    const char *id;
    int ret = vp_rest_json_call(aws, &vp_svc_mediaconvert, "CreateJob", "POST", "/2017-08-29/jobs", NULL, body, &out,
                                err);

    *job_id = NULL;
    if (ret == 0) {
        id = json_string_value(json_object_get(json_object_get(out, "job"), "id"));
        if (id && *id)
            *job_id = vp_xstrdup(id);
        else
            ret = vp_fail(err, VP_E_AWS_RESPONSE, "mediaconvert CreateJob: the answer has no job id");
    }
    json_decref(out);
    return ret;
}

static json_t *item_key(const struct vp_upload *up)
{
    return json_pack("{s:{s:s}, s:{s:s}}", "user_id", "S", up->user_id, "video_id", "S", up->video_id);
}

static const char *string_attr(const json_t *item, const char *name)
{
    return json_string_value(json_object_get(json_object_get(item, name), "S"));
}

int vp_convert_recorded_job(struct vp_aws *aws, const char *table, const struct vp_upload *up, char **job_id,
                            struct vp_err *err)
{
    json_t *in = json_pack("{s:s, s:o, s:b}", "TableName", table, "Key", item_key(up), "ConsistentRead", 1);
    json_t *out = NULL, *item;
    const char *source, *job;
    int ret;

    *job_id = NULL;
    ret = vp_json_call(aws, &vp_svc_dynamodb, "GetItem", in, &out, err);
    if (ret == 0) {
        item = json_object_get(out, "Item");
        source = string_attr(item, "source_key");
        job = string_attr(item, "job_id");
        if (source && job && strcmp(source, up->key) == 0) {
            *job_id = vp_xstrdup(job);
            ret = 1;
        }
    }
    json_decref(in);
    json_decref(out);
    return ret;
}

int vp_convert_put_item(struct vp_aws *aws, const char *table, const struct vp_upload *up, const char *job_id,
                        const char *created_at, struct vp_err *err)
{
    json_t *in = json_pack(
        "{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}, s:s, s:{s:s}, s:{s:{s:s}, s:{s:s}}}",
        "TableName", table,
        "Item", "user_id", "S", up->user_id, "video_id", "S", up->video_id, "status", "S", "PROCESSING",
        "source_key", "S", up->key, "filename", "S", up->filename, "job_id", "S", job_id, "created_at", "S",
        created_at,
        /* A redelivery of the same upload (same job) may write again; nothing else may overwrite the item. */
        "ConditionExpression", "attribute_not_exists(video_id) OR (job_id = :job AND #s = :processing)",
        "ExpressionAttributeNames", "#s", "status",
        "ExpressionAttributeValues", ":job", "S", job_id, ":processing", "S", "PROCESSING");
    json_t *out = NULL;
    int ret = vp_json_call(aws, &vp_svc_dynamodb, "PutItem", in, &out, err);

    if (ret < 0 && strcmp(err->aws_code, "ConditionalCheckFailedException") == 0)
        ret = 0;
    else if (ret == 0)
        ret = 1;
    json_decref(in);
    json_decref(out);
    return ret;
}
