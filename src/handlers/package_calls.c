/* package_calls.c: the AWS calls the package handler makes: MediaPackage (v1) DescribeChannel, CreateChannel,
 * DescribeOriginEndpoint and CreateOriginEndpoint (REST-JSON); DynamoDB UpdateItem and GetItem on the videos
 * table (JSON 1.0). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "handlers/package.h"

#define ENDPOINT_CREATE_TRIES 5         /* "channel not found" right after CreateChannel (aws-cdk #13835) */
#define ENDPOINT_RETRY_MS 200           /* doubled after each try: 200 ms .. 1.6 s */

/* ---- MediaPackage ---- */

static bool is_code(const struct vp_err *err, const char *code)
{
    return strcmp(err->aws_code, code) == 0;
}

/* Whether the error's message says something was not found (in any case). */
static bool says_not_found(const struct vp_err *err)
{
    char lower[sizeof(err->msg)];
    size_t i;

    for (i = 0; err->msg[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)err->msg[i]);
    lower[i] = '\0';
    return strstr(lower, "not found") != NULL;
}

/* GET /<collection>/<id>: 1 exists, 0 NotFoundException, -1 another error. */
static int describe(struct vp_aws *aws, const char *operation, const char *collection, const char *id,
                    struct vp_err *err)
{
    char *enc = vp_uri_encode_new(id, false), *path = vp_xasprintf("/%s/%s", collection, enc);
    json_t *out = NULL;
    int ret = vp_rest_json_call(aws, &vp_svc_mediapackage, operation, "GET", path, NULL, NULL, &out, err);

    if (ret == 0)
        ret = 1;
    else if (is_code(err, "NotFoundException"))
        ret = 0;
    json_decref(out);
    free(path);
    free(enc);
    return ret;
}

/* POST /<collection> with body (stolen): 0 created, or found already there (another invocation won the
 * race: ConflictException or UnprocessableEntityException, then seen by describe); -1 error. */
static int create(struct vp_aws *aws, const char *operation, const char *collection, json_t *body,
                  const char *describe_op, const char *id, struct vp_err *err)
{
    char *path = vp_xasprintf("/%s", collection);
    json_t *out = NULL;
    int ret = vp_rest_json_call(aws, &vp_svc_mediapackage, operation, "POST", path, NULL, body, &out, err);

    if (ret < 0 && (is_code(err, "ConflictException") || is_code(err, "UnprocessableEntityException")) &&
        !says_not_found(err)) {
        struct vp_err again = { 0 };

        if (describe(aws, describe_op, collection, id, &again) == 1)
            ret = 0;
    }
    json_decref(out);
    json_decref(body);
    free(path);
    return ret;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

static int ensure_channel(struct vp_aws *aws, const char *channel_id, struct vp_err *err)
{
    int found = describe(aws, "DescribeChannel", "channels", channel_id, err);

    if (found != 0)
        return found < 0 ? vp_err_prefix(err, "reading channel '%s'", channel_id) : 0;
    if (create(aws, "CreateChannel", "channels",
               json_pack("{s:s, s:s}", "id", channel_id, "description", "vidpipe video playback"),
               "DescribeChannel", channel_id, err) < 0)
        return vp_err_prefix(err, "creating channel '%s'", channel_id);
    return 0;
}

/* A channel just created can still be "not found" for CreateOriginEndpoint: that one error is retried. */
static bool channel_not_ready(const struct vp_err *err)
{
    return (is_code(err, "NotFoundException") || is_code(err, "UnprocessableEntityException")) &&
           says_not_found(err);
}

static int ensure_endpoint(struct vp_aws *aws, const char *channel_id, const char *endpoint_id, struct vp_err *err)
{
    int found = describe(aws, "DescribeOriginEndpoint", "origin_endpoints", endpoint_id, err);
    long delay_ms = ENDPOINT_RETRY_MS;

    if (found != 0)
        return found < 0 ? vp_err_prefix(err, "reading origin endpoint '%s'", endpoint_id) : 0;
    for (int attempt = 1;; attempt++) {
        json_t *body = json_pack("{s:s, s:s, s:s, s:{s:i, s:i}}", "channelId", channel_id, "id", endpoint_id,
                                 "description", "vidpipe HLS playback", "hlsPackage", "segmentDurationSeconds", 6,
                                 "playlistWindowSeconds", 60);

        if (create(aws, "CreateOriginEndpoint", "origin_endpoints", body, "DescribeOriginEndpoint", endpoint_id,
                   err) == 0)
            return 0;
        if (!channel_not_ready(err) || attempt == ENDPOINT_CREATE_TRIES)
            return vp_err_prefix(err, "creating origin endpoint '%s'", endpoint_id);
        sleep_ms(delay_ms);
        delay_ms *= 2;
    }
}

int vp_package_ensure_origin(struct vp_aws *aws, const char *channel_id, const char *endpoint_id,
                             struct vp_err *err)
{
    if (ensure_channel(aws, channel_id, err) < 0 || ensure_endpoint(aws, channel_id, endpoint_id, err) < 0)
        return -1;
    return 0;
}

/* ---- the videos item ---- */

static void rfc3339_now(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The UpdateItem input: PROCESSING (for this job) -> READY or FAILED, nothing else. */
static json_t *update_input(const struct vp_package_update *u)
{
    char now[32], code[32];
    json_t *in, *values;

    rfc3339_now(now);
    in = json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:s, s:{s:s}}", "TableName", u->table, "Key", "user_id", "S",
                   u->user_id, "video_id", "S", u->video_id, "ConditionExpression",
                   "#s = :processing AND job_id = :job", "ExpressionAttributeNames", "#s", "status");
    values = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}}", ":processing", "S", "PROCESSING", ":job", "S", u->job_id,
                       ":now", "S", now);
    if (u->playback_url) {
        json_t *thumbs = json_array();
        const json_t *t;
        size_t i;

        json_array_foreach(u->thumbnail_urls, i, t)
            json_array_append_new(thumbs, json_pack("{s:O}", "S", t));
        json_object_set_new(in, "UpdateExpression", json_string("SET #s = :ready, playback_url = :url, "
                                                                "thumbnail_urls = :thumbs, finished_at = :now"));
        json_object_set_new(values, ":ready", json_pack("{s:s}", "S", "READY"));
        json_object_set_new(values, ":url", json_pack("{s:s}", "S", u->playback_url));
        json_object_set_new(values, ":thumbs", json_pack("{s:o}", "L", thumbs));
    } else {
        snprintf(code, sizeof(code), "%lld", u->error_code);
        json_object_set_new(in, "UpdateExpression", json_string("SET #s = :failed, error_message = :msg, "
                                                                "error_code = :code, finished_at = :now"));
        json_object_set_new(values, ":failed", json_pack("{s:s}", "S", "FAILED"));
        json_object_set_new(values, ":msg", json_pack("{s:s}", "S", u->error_message));
        json_object_set_new(values, ":code", json_pack("{s:s}", "N", code));
    }
    json_object_set_new(in, "ExpressionAttributeValues", values);
    return in;
}

/* After a failed condition: the item's status (new string), or VP_E_STATE when there is no item. */
static int current_status(struct vp_aws *aws, const struct vp_package_update *u, char **current, struct vp_err *err)
{
    json_t *in = json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:b}", "TableName", u->table, "Key", "user_id", "S",
                           u->user_id, "video_id", "S", u->video_id, "ConsistentRead", 1);
    json_t *out = NULL, *item;
    int ret = vp_json_call(aws, &vp_svc_dynamodb, "GetItem", in, &out, err);

    if (ret == 0) {
        item = json_object_get(out, "Item");
        if (!json_is_object(item)) {
            ret = vp_fail(err, VP_E_STATE, "video '%s' of user '%s' has no item yet", u->video_id, u->user_id);
        } else {
            const char *s = json_string_value(json_object_get(json_object_get(item, "status"), "S"));
            *current = vp_xstrdup(s ? s : "(none)");
        }
    }
    json_decref(in);
    json_decref(out);
    return ret;
}

int vp_package_update_item(struct vp_aws *aws, const struct vp_package_update *u, char **current,
                           struct vp_err *err)
{
    json_t *in = update_input(u), *out = NULL;
    int ret = vp_json_call(aws, &vp_svc_dynamodb, "UpdateItem", in, &out, err);

    *current = NULL;
    if (ret == 0)
        ret = 1;
    else if (is_code(err, "ConditionalCheckFailedException"))
        ret = current_status(aws, u, current, err);
    json_decref(in);
    json_decref(out);
    return ret;
}
