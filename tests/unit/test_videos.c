/* test_videos.c: the videos handler (GET /videos) called directly: page tokens (round trip, every one-byte
 * edit refused, bound to one user and one key), table items as the API shows them, the configuration it
 * refuses, and every bad request answered before any call to DynamoDB. The Query itself, page by page, is
 * 6400-videos.sh against moto. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "handlers/handler.h"
#include "handlers/videos.h"
#include "t.h"

#define TOKEN_KEY "0123456789abcdef0123456789abcdef-test-key"

extern char **environ;

static const struct vp_page_key key = { (const unsigned char *)TOKEN_KEY, sizeof(TOKEN_KEY) - 1 };

static void clean_environment(void)
{
    for (int again = 1; again;) {
        again = 0;
        for (char **e = environ; *e; e++)
            if (strncmp(*e, "AWS_", 4) == 0 || strncmp(*e, "VIDPIPE_", 8) == 0) {
                char *name = vp_xstrndup(*e, strcspn(*e, "="));
                unsetenv(name);
                free(name);
                again = 1;
                break;
            }
    }
    setenv("AWS_CONFIG_FILE", "/nonexistent/vidpipe-test", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/vidpipe-test", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);      /* closed: a call would fail */
    setenv("AWS_MAX_ATTEMPTS", "1", 1);
    setenv("VIDPIPE_VIDEOS_TABLE", "videos", 1);
    setenv("VIDPIPE_PAGE_TOKEN_KEY", TOKEN_KEY, 1);
}

static json_t *last_key(const char *user, const char *video)
{
    return json_pack("{s:{s:s}, s:{s:s}}", "user_id", "S", user, "video_id", "S", video);
}

/* ---- tokens ---- */

static void tokens_round_trip(void)
{
    json_t *last = last_key("user-a", "01ARZ3NDEKTSV4RRFFQ69G5FAV"), *start;
    char *token = vp_page_token_encode(&key, "user-a", last);

    EXPECT(token != NULL);
    EXPECT(token && strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                        strlen(token));
    start = token ? vp_page_token_decode(&key, "user-a", token) : NULL;
    EXPECT(json_equal(last, start));
    json_decref(start);
    free(token);
    json_decref(last);
}

static void every_edited_byte_is_refused(void)
{
    json_t *last = last_key("user-a", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
    char *token = vp_page_token_encode(&key, "user-a", last);
    size_t n = strlen(token), accepted = 0;
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    for (size_t i = 0; i < n; i++) {
        char saved = token[i];

        for (const char *c = alphabet; *c; c++) {
            json_t *start;

            if (*c == saved)
                continue;
            token[i] = *c;
            start = vp_page_token_decode(&key, "user-a", token);
            accepted += start != NULL;
            json_decref(start);
        }
        token[i] = saved;
    }
    EXPECT_INTEQ(0, accepted);
    /* cut short, lengthened */
    token[n - 1] = '\0';
    EXPECT(vp_page_token_decode(&key, "user-a", token) == NULL);
    free(token);
    json_decref(last);
}

static void tokens_are_bound_to_one_user_and_key(void)
{
    json_t *last = last_key("user-a", "01ARZ3NDEKTSV4RRFFQ69G5FAV"), *mine;
    char *token = vp_page_token_encode(&key, "user-a", last);
    struct vp_page_key other = { (const unsigned char *)"another key that is long enough!!", 33 };
    char *huge = vp_xmalloc(VP_PAGE_TOKEN_MAX + 2);

    EXPECT(vp_page_token_decode(&key, "user-b", token) == NULL);
    EXPECT(vp_page_token_decode(&other, "user-a", token) == NULL);
    EXPECT(vp_page_token_decode(&key, "user-a", "") == NULL);
    EXPECT(vp_page_token_decode(&key, "user-a", "!!!!") == NULL);
    EXPECT(vp_page_token_decode(&key, "user-a", "eyJ1IjoidXNlci1hIiwidiI6IngifQ") == NULL);  /* no MAC */
    memset(huge, 'A', VP_PAGE_TOKEN_MAX + 1);
    huge[VP_PAGE_TOKEN_MAX + 1] = '\0';
    EXPECT(vp_page_token_decode(&key, "user-a", huge) == NULL);
    /* A LastEvaluatedKey of someone else's partition is never turned into a token for this user. */
    EXPECT(vp_page_token_encode(&key, "user-b", last) == NULL);
    mine = json_pack("{s:{s:s}}", "user_id", "S", "user-a");
    EXPECT(vp_page_token_encode(&key, "user-a", mine) == NULL);
    json_decref(mine);
    free(huge);
    free(token);
    json_decref(last);
}

/* ---- items ---- */

static void expect_item(const char *want, const char *item_json)
{
    json_t *item = json_loads(item_json, 0, NULL), *got = vp_videos_item(item), *w = json_loads(want, 0, NULL);
    char *text = got ? json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT) : NULL;

    if (!json_equal(w, got))
        EXPECT_STREQ(want, text);
    free(text);
    json_decref(w);
    json_decref(got);
    json_decref(item);
}

static void items_show_what_their_status_allows(void)
{
    expect_item("{\"video_id\":\"V1\",\"status\":\"READY\",\"created_at\":\"2026-01-02T03:04:05Z\",\"filename\":"
                "\"clip.mp4\",\"playback_url\":\"https://cdn/x.m3u8\",\"thumbnail_urls\":[\"https://cdn/t0.jpg\","
                "\"https://cdn/t1.jpg\"]}",
                "{\"user_id\":{\"S\":\"u\"},\"video_id\":{\"S\":\"V1\"},\"status\":{\"S\":\"READY\"},\"created_at\":"
                "{\"S\":\"2026-01-02T03:04:05Z\"},\"filename\":{\"S\":\"clip.mp4\"},\"job_id\":{\"S\":\"j\"},"
                "\"source_key\":{\"S\":\"uploads/u/V1/clip.mp4\"},\"playback_url\":{\"S\":\"https://cdn/x.m3u8\"},"
                "\"thumbnail_urls\":{\"L\":[{\"S\":\"https://cdn/t0.jpg\"},{\"N\":\"5\"},"
                "{\"S\":\"https://cdn/t1.jpg\"}]}}");
    expect_item("{\"video_id\":\"V2\",\"status\":\"READY\",\"created_at\":1767000000,\"thumbnail_urls\":[]}",
                "{\"video_id\":{\"S\":\"V2\"},\"status\":{\"S\":\"READY\"},\"created_at\":{\"N\":\"1767000000\"}}");
    expect_item("{\"video_id\":\"V3\",\"status\":\"FAILED\",\"created_at\":null,\"filename\":\"a.mov\",\"error\":"
                "\"bad input\"}",
                "{\"video_id\":{\"S\":\"V3\"},\"status\":{\"S\":\"FAILED\"},\"error_message\":{\"S\":\"bad input\"},"
                "\"source_key\":{\"S\":\"uploads/u/V3/a.mov\"},\"playback_url\":{\"S\":\"https://x\"}}");
    expect_item("{\"video_id\":\"V4\",\"status\":\"PROCESSING\",\"created_at\":\"t\"}",
                "{\"video_id\":{\"S\":\"V4\"},\"status\":{\"S\":\"PROCESSING\"},\"created_at\":{\"S\":\"t\"},"
                "\"playback_url\":{\"S\":\"https://not-yet\"},\"error_message\":{\"S\":\"no\"}}");
    expect_item("{\"video_id\":\"V5\",\"status\":\"UNKNOWN\",\"created_at\":null}", "{\"video_id\":{\"S\":\"V5\"}}");
    {
        json_t *item = json_loads("{\"status\":{\"S\":\"READY\"}}", 0, NULL);

        EXPECT(vp_videos_item(item) == NULL);
        json_decref(item);
    }
}

/* ---- configuration ---- */

static int init_status(void)
{
    void *config = NULL;
    struct vp_err err = { 0 };
    int rc = vp_handler_videos.init(&config, &err);

    vp_handler_videos.release(config);
    return rc;
}

static void configuration_is_checked_at_init(void)
{
    EXPECT_INTEQ(0, init_status());
    unsetenv("VIDPIPE_VIDEOS_TABLE");
    EXPECT_INTEQ(-1, init_status());
    setenv("VIDPIPE_VIDEOS_TABLE", "videos", 1);
    unsetenv("VIDPIPE_PAGE_TOKEN_KEY");
    EXPECT_INTEQ(-1, init_status());
    setenv("VIDPIPE_PAGE_TOKEN_KEY", "short", 1);
    EXPECT_INTEQ(-1, init_status());
    setenv("VIDPIPE_PAGE_TOKEN_KEY", TOKEN_KEY, 1);
}

/* ---- requests ---- */

static json_t *event_for(const char *sub, const char *query_json)
{
    char *path = vp_xasprintf("%s/events/apigw-v2-request-jwt-authorizer.json", t_testdata());
    json_t *event = json_load_file(path, 0, NULL);
    json_t *claims = json_object_get(json_object_get(json_object_get(json_object_get(event, "requestContext"),
                                                                     "authorizer"), "jwt"), "claims");

    free(path);
    if (!event)
        return json_object();
    if (sub)
        json_object_set_new(claims, "sub", json_string(sub));
    json_object_set_new(event, "queryStringParameters", json_loads(query_json ? query_json : "{}", 0, NULL));
    return event;
}

/* The status and error code of one request. */
static int invoke(const json_t *event, char *code, size_t code_size)
{
    struct vp_err err = { 0 };
    struct vp_aws *aws = vp_aws_new(NULL, &err);
    struct vp_lambda_ctx ctx = { .request_id = "test", .aws = aws, .handler = "videos" };
    void *config = NULL;
    json_t *resp = NULL, *body;
    int status;

    EXPECT_INTEQ(0, vp_handler_videos.init(&config, &err));
    EXPECT_INTEQ(0, vp_handler_videos.handle(config, &ctx, event, &resp, &err));
    vp_handler_videos.release(config);
    vp_aws_free(aws);
    status = (int)json_integer_value(json_object_get(resp, "statusCode"));
    body = json_loads(json_string_value(json_object_get(resp, "body")), 0, NULL);
    snprintf(code, code_size, "%s", json_is_object(json_object_get(body, "error")) ?
             json_string_value(json_object_get(json_object_get(body, "error"), "code")) : "-");
    json_decref(body);
    json_decref(resp);
    return status;
}

static void expect_answer(int want_status, const char *want_code, const char *sub, const char *query_json)
{
    json_t *event = event_for(sub, query_json);
    char code[64];

    EXPECT_INTEQ(want_status, invoke(event, code, sizeof(code)));
    EXPECT_STREQ(want_code, code);
    json_decref(event);
}

static void bad_requests_are_answered_before_dynamodb(void)
{
    json_t *last = last_key("user-a", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
    char *token = vp_page_token_encode(&key, "user-a", last), *q;
    const char *limits[] = { "0", "101", "-1", "abc", "10,20", "", " 5", "5 ", "1e2", "0x10", "99999999999999999" };

    expect_answer(401, "unauthorized", NULL, NULL);
    expect_answer(401, "unauthorized", "", NULL);
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        q = vp_xasprintf("{\"limit\": \"%s\"}", limits[i]);
        expect_answer(400, "invalid_limit", "user-a", q);
        free(q);
    }
    expect_answer(400, "invalid_token", "user-a", "{\"next\": \"garbage\"}");
    expect_answer(400, "invalid_token", "user-a", "{\"next\": \"\"}");
    /* user b replays user a's token */
    q = vp_xasprintf("{\"next\": \"%s\"}", token);
    expect_answer(400, "invalid_token", "user-b", q);
    /* the id is the sub, whatever a query parameter says */
    free(q);
    q = vp_xasprintf("{\"next\": \"%s\", \"user_id\": \"user-a\", \"user\": \"user-a\"}", token);
    expect_answer(400, "invalid_token", "user-b", q);
    free(q);
    free(token);
    json_decref(last);
}

/* A failing DynamoDB (nothing listens at the endpoint) is a 500 with a JSON error, not a crash. */
static void a_failing_table_is_a_500(void)
{
    expect_answer(500, "internal", "user-a", "{\"limit\": \"5\"}");
}

int main(void)
{
    clean_environment();
    T_RUN(tokens_round_trip);
    T_RUN(every_edited_byte_is_refused);
    T_RUN(tokens_are_bound_to_one_user_and_key);
    T_RUN(items_show_what_their_status_allows);
    T_RUN(configuration_is_checked_at_init);
    T_RUN(bad_requests_are_answered_before_dynamodb);
    T_RUN(a_failing_table_is_a_500);
    return t_done();
}
