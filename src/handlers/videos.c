/* videos.c: GET /videos. The signed-in caller's own videos, newest first, a page at a time: one DynamoDB
 * Query on the caller's partition (user_id = the JWT sub as vp_apigw_user_id spells it; never a path or
 * query parameter), ScanIndexForward false so the time-ordered video ids come newest first.
 *
 *   ?limit=N    1..100, default 20
 *   ?next=T     the previous answer's "next": an HMAC-protected token bound to the caller (videos_token.c) */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"
#include "handlers/apigw.h"
#include "handlers/config.h"
#include "handlers/handler.h"
#include "handlers/videos.h"

#define LIMIT_DEFAULT 20
#define LIMIT_MAX 100

struct videos_config {
    char *table;
    unsigned char *token_key;
    size_t token_key_len;
};

static void videos_release(void *config)
{
    struct videos_config *c = config;

    if (!c)
        return;
    if (c->token_key)
        memset(c->token_key, 0, c->token_key_len);
    free(c->token_key);
    free(c->table);
    free(c);
}

/* VIDPIPE_PAGE_TOKEN_KEY is a secret (the spec sets it as a sensitive value): its bytes are the HMAC key. */
static int videos_init(void **config, struct vp_err *err)
{
    struct videos_config *c = vp_xcalloc(1, sizeof(*c));
    const char *table, *key;

    *config = NULL;
    if (vp_env_required("VIDPIPE_VIDEOS_TABLE", &table, err) < 0 ||
        vp_env_required("VIDPIPE_PAGE_TOKEN_KEY", &key, err) < 0)
        goto fail;
    if (strlen(key) < VP_PAGE_TOKEN_KEY_MIN) {
        vp_fail(err, VP_E_USAGE, "VIDPIPE_PAGE_TOKEN_KEY is shorter than %d bytes (make one with "
                "`openssl rand -base64 32`)", VP_PAGE_TOKEN_KEY_MIN);
        goto fail;
    }
    c->table = vp_xstrdup(table);
    c->token_key_len = strlen(key);
    c->token_key = (unsigned char *)vp_xstrdup(key);
    *config = c;
    return 0;
fail:
    videos_release(c);
    return vp_err_prefix(err, "videos");
}

/* ?limit: plain digits 1..100 (API Gateway joins a repeated parameter with ',', which is refused too). */
static int parse_limit(const char *text, int *limit)
{
    size_t n;

    *limit = LIMIT_DEFAULT;
    if (!text)
        return 0;
    n = strlen(text);
    if (n == 0 || n > 3 || strspn(text, "0123456789") != n)
        return -1;
    *limit = atoi(text);
    return *limit >= 1 && *limit <= LIMIT_MAX ? 0 : -1;
}

static json_t *query_input(const struct videos_config *c, const char *user_id, int limit, json_t *start)
{
    json_t *in = json_pack("{s:s, s:s, s:{s:{s:s}}, s:b, s:i}", "TableName", c->table, "KeyConditionExpression",
                           "user_id = :u", "ExpressionAttributeValues", ":u", "S", user_id, "ScanIndexForward", 0,
                           "Limit", limit);

    if (start)
        json_object_set(in, "ExclusiveStartKey", start);
    return in;
}

/* {videos: [...], next?} from the Query's answer. */
static json_t *page_answer(const struct videos_config *c, const char *user_id, const json_t *out)
{
    struct vp_page_key key = { c->token_key, c->token_key_len };
    const json_t *last = json_object_get(out, "LastEvaluatedKey"), *item;
    json_t *videos = json_array(), *body;
    size_t i;

    json_array_foreach(json_object_get(out, "Items"), i, item) {
        json_t *video = vp_videos_item(item);

        if (video)
            json_array_append_new(videos, video);
    }
    body = json_pack("{s:o}", "videos", videos);
    if (last) {
        char *token = vp_page_token_encode(&key, user_id, last);

        if (token)
            json_object_set_new(body, "next", json_string(token));
        free(token);
    }
    return body;
}

static json_t *list_videos(const struct videos_config *c, struct vp_lambda_ctx *ctx, const char *user_id, int limit,
                           json_t *start)
{
    json_t *in = query_input(c, user_id, limit, start), *out = NULL, *resp;
    struct vp_err err = { 0 };

    if (vp_json_call(ctx->aws, &vp_svc_dynamodb, "Query", in, &out, &err) < 0) {
        vp_lambda_log(ctx, "ERROR", NULL, "listing videos: %s", err.msg);
        resp = vp_apigw_error(500, "internal", "the videos could not be listed; try again");
    } else {
        resp = vp_apigw_response(200, page_answer(c, user_id, out));
    }
    json_decref(in);
    json_decref(out);
    return resp;
}

static int videos_handle(void *config, struct vp_lambda_ctx *ctx, const json_t *event, json_t **response,
                         struct vp_err *err)
{
    const struct videos_config *c = config;
    struct vp_page_key key = { c->token_key, c->token_key_len };
    const char *sub = vp_apigw_caller(event), *limit_text, *next;
    json_t *start = NULL;
    char *user_id;
    int limit;

    (void)err;
    if (!sub) {
        *response = vp_apigw_unauthorized();
        return 0;
    }
    if (vp_apigw_query(event, "limit", &limit_text) < 0 || parse_limit(limit_text, &limit) < 0) {
        *response = vp_apigw_error(400, "invalid_limit", "'limit' must be a whole number from 1 to %d", LIMIT_MAX);
        return 0;
    }
    user_id = vp_apigw_user_id(sub);
    if (vp_apigw_query(event, "next", &next) < 0 || (next && !(start = vp_page_token_decode(&key, user_id, next))))
        *response = vp_apigw_error(400, "invalid_token", "'next' is not a page token from this list");
    else
        *response = list_videos(c, ctx, user_id, limit, start);
    json_decref(start);
    free(user_id);
    return 0;
}

const struct vp_handler vp_handler_videos = {
    .name = "videos",
    .init = videos_init,
    .handle = videos_handle,
    .release = videos_release,
};
