/* test_presign.c: the presign handler (POST /upload) called directly: video ids, file names and user ids
 * that cannot leave the caller's prefix, the configuration it refuses, every kind of bad request answered
 * with a JSON 4xx, and a presigned URL pinned to an independently computed signature (botocore's
 * S3SigV4QueryAuth gives the same). The S3 endpoint is a closed loopback port throughout: presigning must
 * not touch the network. That the URL really uploads, and is refused when altered, is 6100-presign.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "handlers/apigw.h"
#include "handlers/handler.h"
#include "handlers/presign.h"
#include "t.h"

#define CLOSED_PORT_URL "http://127.0.0.1:9"   /* discard: nothing listens there on a test machine */

extern char **environ;

/* Nothing from the machine: no profile files, no metadata service, fixed keys, endpoint on a closed port. */
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
    setenv("AWS_ENDPOINT_URL", CLOSED_PORT_URL, 1);
    setenv("VIDPIPE_UPLOAD_BUCKET", "vp-uploads", 1);
}

/* The JWT-authorizer sample event from AWS, as a POST /upload from sub with body (NULL: none). */
static json_t *event_for(const char *sub, const char *body)
{
    char *path = vp_xasprintf("%s/events/apigw-v2-request-jwt-authorizer.json", t_testdata());
    json_t *event = json_load_file(path, 0, NULL);
    json_t *claims = json_object_get(json_object_get(json_object_get(json_object_get(event, "requestContext"),
                                                                     "authorizer"), "jwt"), "claims");

    free(path);
    if (!event)
        return json_object();
    json_object_set_new(json_object_get(json_object_get(event, "requestContext"), "http"), "method",
                        json_string("POST"));
    if (sub)
        json_object_set_new(claims, "sub", json_string(sub));
    if (body)
        json_object_set_new(event, "body", json_string(body));
    else
        json_object_del(event, "body");
    return event;
}

struct run {
    int status;
    json_t *body;                       /* the response body, parsed */
    const char *error_code;             /* borrowed from body */
};

static void run_release(struct run *r)
{
    json_decref(r->body);
}

/* init, handle, release around one event (borrowed). */
static struct run invoke(const json_t *event)
{
    struct run r = { 0 };
    struct vp_err err = { 0 };
    struct vp_aws *aws = vp_aws_new(NULL, &err);
    struct vp_lambda_ctx ctx = { .request_id = "test", .aws = aws, .handler = "presign" };
    void *config = NULL;
    json_t *resp = NULL;

    EXPECT(aws != NULL);
    EXPECT_INTEQ(0, vp_handler_presign.init(&config, &err));
    EXPECT_INTEQ(0, vp_handler_presign.handle(config, &ctx, event, &resp, &err));
    vp_handler_presign.release(config);
    vp_aws_free(aws);
    r.status = (int)json_integer_value(json_object_get(resp, "statusCode"));
    EXPECT_STREQ("application/json", json_string_value(json_object_get(json_object_get(resp, "headers"),
                                                                       "content-type")));
    r.body = json_loads(json_string_value(json_object_get(resp, "body")), 0, NULL);
    EXPECT(json_is_object(r.body));
    r.error_code = json_string_value(json_object_get(json_object_get(r.body, "error"), "code"));
    json_decref(resp);
    return r;
}

static struct run invoke_body(const char *sub, const char *body)
{
    json_t *event = event_for(sub, body);
    struct run r = invoke(event);

    json_decref(event);
    return r;
}

/* ---- ids, names ---- */

static void video_ids_are_ulids(void)
{
    unsigned char zero[10] = { 0 }, ones[10];
    char id[VP_VIDEO_ID_LEN + 1], a[VP_VIDEO_ID_LEN + 1], b[VP_VIDEO_ID_LEN + 1];
    struct vp_err err;

    memset(ones, 0xff, sizeof(ones));
    vp_video_id_format(0, zero, id);
    EXPECT_STREQ("00000000000000000000000000", id);
    vp_video_id_format(0xffffffffffffULL, ones, id);
    EXPECT_STREQ("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", id);
    /* The ULID specification's example: 1469918176385 ms is "01ARYZ6S41". */
    vp_video_id_format(1469918176385ULL, zero, id);
    EXPECT_STREQ("01ARYZ6S410000000000000000", id);
    /* Later milliseconds sort later, whatever the random part. */
    vp_video_id_format(1469918176385ULL, ones, a);
    vp_video_id_format(1469918176386ULL, zero, b);
    EXPECT(strcmp(a, b) < 0);
    EXPECT_INTEQ(0, vp_video_id_new(a, &err));
    EXPECT_INTEQ(0, vp_video_id_new(b, &err));
    EXPECT_INTEQ(VP_VIDEO_ID_LEN, strlen(a));
    EXPECT(strcmp(a, b) != 0);
    EXPECT_INTEQ(VP_VIDEO_ID_LEN, strspn(a, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"));
}

static void expect_filename(const char *want, const char *in)
{
    char *got = vp_presign_filename(in);

    EXPECT_STREQ(want, got);
    free(got);
}

static void file_names_are_one_safe_segment(void)
{
    char longname[400], *got;

    expect_filename("clip.mp4", "clip.mp4");
    expect_filename("passwd", "../../etc/passwd");
    expect_filename("win.ini", "..\\..\\windows\\win.ini");
    expect_filename("my_movie_1_.mp4", "my movie (1).mp4");
    expect_filename("hidden.mp4", ".hidden.mp4");
    expect_filename("rf.mp4", "-rf.mp4");
    expect_filename("ab.mp4", "a\x01\x1f\x7f" "b.mp4");
    expect_filename("vid_o.mp4", "vid\xc3\xa9o.mp4");
    expect_filename("a.b.mp4", "a...b..mp4");
    expect_filename("video", "");
    expect_filename("video", "...");
    expect_filename("video", "a/..");
    expect_filename("video", "/");
    expect_filename("video", "\x01\x02");
    expect_filename("x_2F._2Fy", "x%2F..%2Fy");     /* not decoded: no escape can smuggle a separator */
    memset(longname, 'a', 300);
    strcpy(longname + 300, ".mp4");
    got = vp_presign_filename(longname);
    EXPECT_INTEQ(VP_FILENAME_MAX, strlen(got));
    EXPECT_STREQ(".mp4", got + strlen(got) - 4);
    free(got);
    /* An extension longer than 16 bytes is not kept whole. */
    memset(longname, 'b', 300);
    longname[150] = '.';
    got = vp_presign_filename(longname);
    EXPECT_INTEQ(VP_FILENAME_MAX, strlen(got));
    free(got);
    /* A stem of separators only: the cut never leaves a leading '.'. */
    for (int i = 0; i < 300; i++)
        longname[i] = i % 2 ? '.' : '_';
    strcpy(longname + 300, "x.mp4");
    got = vp_presign_filename(longname);
    EXPECT(got[0] != '.');
    EXPECT(strstr(got, "..") == NULL);
    free(got);
}

static void expect_user_id(const char *want, const char *sub)
{
    char *got = vp_apigw_user_id(sub);

    EXPECT_STREQ(want, got);
    free(got);
}

static void user_ids_are_one_segment(void)
{
    expect_user_id("3f1c9a2e-8d4b-4c1a-9e2f-0a1b2c3d4e5f", "3f1c9a2e-8d4b-4c1a-9e2f-0a1b2c3d4e5f");
    expect_user_id("%2E%2E", "..");
    expect_user_id("%2E%2E%2Fother", "../other");
    expect_user_id("auth0%7C123", "auth0|123");
    expect_user_id("a%25b", "a%b");         /* '%' itself is encoded: the mapping stays one-to-one */
    expect_user_id("%C3%A9", "\xc3\xa9");
}

/* ---- configuration ---- */

static int init_status(void)
{
    void *config = NULL;
    struct vp_err err = { 0 };
    int rc = vp_handler_presign.init(&config, &err);

    vp_handler_presign.release(config);
    return rc;
}

static void expect_init_refuses(const char *name, const char *value)
{
    setenv(name, value, 1);
    EXPECT_INTEQ(-1, init_status());
    unsetenv(name);
}

static void configuration_is_checked_at_init(void)
{
    void *config = NULL;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, init_status());
    unsetenv("VIDPIPE_UPLOAD_BUCKET");
    EXPECT_INTEQ(-1, vp_handler_presign.init(&config, &err));
    EXPECT(config == NULL);
    EXPECT(strstr(err.msg, "VIDPIPE_UPLOAD_BUCKET") != NULL);
    setenv("VIDPIPE_UPLOAD_BUCKET", "vp-uploads", 1);
    expect_init_refuses("VIDPIPE_UPLOAD_BUCKET", "Bad_Bucket");
    setenv("VIDPIPE_UPLOAD_BUCKET", "vp-uploads", 1);
    expect_init_refuses("VIDPIPE_UPLOAD_URL_EXPIRES", "3601");
    expect_init_refuses("VIDPIPE_UPLOAD_URL_EXPIRES", "0");
    expect_init_refuses("VIDPIPE_UPLOAD_URL_EXPIRES", "15m");
    expect_init_refuses("VIDPIPE_UPLOAD_URL_EXPIRES", "-5");
    expect_init_refuses("VIDPIPE_MAX_UPLOAD_BYTES", "5368709121");     /* over S3's 5 GiB single PUT */
    expect_init_refuses("VIDPIPE_MAX_UPLOAD_BYTES", "0");
    expect_init_refuses("VIDPIPE_UPLOAD_PREFIX", "../up/");
    expect_init_refuses("VIDPIPE_UPLOAD_PREFIX", "/up/");
    expect_init_refuses("VIDPIPE_UPLOAD_PREFIX", "up");
    expect_init_refuses("VIDPIPE_UPLOAD_PREFIX", "up/../x/");
    expect_init_refuses("VIDPIPE_UPLOAD_PREFIX", "up/.x/");
    expect_init_refuses("VIDPIPE_ALLOWED_CONTENT_TYPES", "video");
    expect_init_refuses("VIDPIPE_ALLOWED_CONTENT_TYPES", " , ");
    expect_init_refuses("VIDPIPE_ALLOWED_CONTENT_TYPES", "video/mp4;codecs=x");
    setenv("VIDPIPE_UPLOAD_URL_EXPIRES", "3600", 1);
    setenv("VIDPIPE_UPLOAD_PREFIX", "", 1);
    setenv("VIDPIPE_ALLOWED_CONTENT_TYPES", " Video/MP4 , video/webm ", 1);
    EXPECT_INTEQ(0, init_status());
    unsetenv("VIDPIPE_UPLOAD_URL_EXPIRES");
    unsetenv("VIDPIPE_UPLOAD_PREFIX");
    unsetenv("VIDPIPE_ALLOWED_CONTENT_TYPES");
}

/* ---- requests ---- */

static void a_good_request_gets_a_url_under_the_callers_prefix(void)
{
    struct run r = invoke_body("user-1", "{\"filename\": \"../../evil/clip.mp4\", \"content_type\": \"VIDEO/MP4\", "
                                         "\"size_bytes\": 1048576}");
    const char *id = json_string_value(json_object_get(r.body, "video_id"));
    const char *key = json_string_value(json_object_get(r.body, "key"));
    const char *url = json_string_value(json_object_get(r.body, "upload_url"));
    char *want_key = vp_xasprintf("uploads/user-1/%s/clip.mp4", id ? id : "?");
    char *want_url = vp_xasprintf(CLOSED_PORT_URL "/vp-uploads/uploads/user-1/%s/clip.mp4?", id ? id : "?");

    EXPECT_INTEQ(200, r.status);
    EXPECT(id && strlen(id) == VP_VIDEO_ID_LEN);
    EXPECT_STREQ(want_key, key);
    EXPECT(url && strncmp(url, want_url, strlen(want_url)) == 0);
    EXPECT(url && strstr(url, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F") != NULL);
    EXPECT(url && strstr(url, "&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&X-Amz-Expires=900"
                              "&X-Amz-Signature=") != NULL);
    EXPECT(url && strstr(url, "X-Amz-Security-Token") == NULL);
    EXPECT_STREQ("PUT", json_string_value(json_object_get(r.body, "method")));
    /* The allowlist's spelling is what was signed, so that is what the client must send. */
    EXPECT_STREQ("video/mp4", json_string_value(json_object_get(json_object_get(r.body, "headers"), "Content-Type")));
    /* The declared size is signed too: the upload must be exactly that long. */
    EXPECT_STREQ("1048576", json_string_value(json_object_get(json_object_get(r.body, "headers"), "Content-Length")));
    EXPECT_INTEQ(900, json_integer_value(json_object_get(r.body, "expires_in")));
    free(want_key);
    free(want_url);
    run_release(&r);
}

static void settings_shape_the_answer(void)
{
    struct run r;
    const char *url, *key;

    setenv("AWS_SESSION_TOKEN", "session/token+=", 1);
    setenv("VIDPIPE_UPLOAD_URL_EXPIRES", "60", 1);
    setenv("VIDPIPE_UPLOAD_PREFIX", "in/raw/", 1);
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:10/base", 1);
    r = invoke_body("auth0|42", "{\"filename\": \"a.webm\", \"content_type\": \"video/webm\", \"size_bytes\": 1}");
    url = json_string_value(json_object_get(r.body, "upload_url"));
    key = json_string_value(json_object_get(r.body, "key"));
    EXPECT_INTEQ(200, r.status);
    EXPECT(key && strncmp(key, "in/raw/auth0%7C42/", 18) == 0);
    /* The key's '%' is itself encoded in the URL: S3 stores the key exactly as the answer names it. */
    EXPECT(url && strncmp(url, "http://127.0.0.1:10/base/vp-uploads/in/raw/auth0%257C42/", 56) == 0);
    EXPECT(url && strstr(url, "&X-Amz-Expires=60&X-Amz-Security-Token=session%2Ftoken%2B%3D&X-Amz-Signature=") != NULL);
    EXPECT_INTEQ(60, json_integer_value(json_object_get(r.body, "expires_in")));
    run_release(&r);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("VIDPIPE_UPLOAD_URL_EXPIRES");
    unsetenv("VIDPIPE_UPLOAD_PREFIX");
    unsetenv("AWS_ENDPOINT_URL_S3");
}

static time_t pinned_now(void)
{
    return 1440938160;                  /* 2015-08-30T12:36:00Z */
}

/* The same URL botocore's S3SigV4QueryAuth makes for these inputs (signature computed with it). */
static void the_signature_matches_botocore(void)
{
    struct vp_err err = { 0 };
    struct vp_aws *aws = vp_aws_new(NULL, &err);
    struct vp_presign_put put = { .bucket = "vp-uploads",
                                  .key = "uploads/user-1/01ARZ3NDEKTSV4RRFFQ69G5FAV/my clip.mp4",
                                  .content_type = "video/mp4", .expires_s = 900, .now = pinned_now() };
    char *url = NULL;

    EXPECT_INTEQ(0, vp_presign_put_url(aws, &put, &url, &err));
    EXPECT_STREQ(CLOSED_PORT_URL "/vp-uploads/uploads/user-1/01ARZ3NDEKTSV4RRFFQ69G5FAV/my%20clip.mp4"
                 "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2F"
                 "aws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Expires=900"
                 "&X-Amz-Signature=e25b07829dfe25875328dcb64afbcb86e8ab0a75e54d50d38f681dbe9e5cf9cd", url);
    free(url);
    /* With the size signed (botocore again, with Content-Length: 1048576 among the headers). */
    put.content_length = 1048576;
    EXPECT_INTEQ(0, vp_presign_put_url(aws, &put, &url, &err));
    EXPECT(url && strstr(url, "&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&") != NULL);
    EXPECT(url && strstr(url, "&X-Amz-Signature=3ec1ff2372d707caed10b6b389aed80633033a335667673d26addb8c4f81994a") != NULL);
    free(url);
    put.content_length = 0;
    /* A DNS-style endpoint gets virtual-hosted addressing, as the client core decides. */
    setenv("AWS_ENDPOINT_URL_S3", "https://s3.example.test", 1);
    EXPECT_INTEQ(0, vp_presign_put_url(aws, &put, &url, &err));
    EXPECT(url && strncmp(url, "https://vp-uploads.s3.example.test/uploads/user-1/", 50) == 0);
    free(url);
    unsetenv("AWS_ENDPOINT_URL_S3");
    vp_aws_free(aws);
}

static void expect_refused(int want_status, const char *want_code, const char *sub, const char *body)
{
    struct run r = invoke_body(sub, body);

    EXPECT_INTEQ(want_status, r.status);
    EXPECT_STREQ(want_code, r.error_code);
    EXPECT(json_is_string(json_object_get(json_object_get(r.body, "error"), "message")));
    run_release(&r);
}

static void callers_without_a_sub_get_401(void)
{
    const char *ok = "{\"filename\": \"a.mp4\", \"content_type\": \"video/mp4\", \"size_bytes\": 1}";
    const char *files[] = { "apigw-v2-request-no-authorizer.json", "apigw-v2-request-iam.json",
                            "apigw-v2-request-jwt-authorizer.json" };

    expect_refused(401, "unauthorized", "", ok);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *path = vp_xasprintf("%s/events/%s", t_testdata(), files[i]);
        json_t *event = json_load_file(path, 0, NULL);
        struct run r;

        EXPECT(event != NULL);
        json_object_set_new(event, "body", json_string(ok));
        r = invoke(event);
        EXPECT_INTEQ(401, r.status);
        run_release(&r);
        json_decref(event);
        free(path);
    }
    {
        json_t *event = event_for(NULL, ok);
        struct run r;

        json_object_set_new(json_object_get(json_object_get(json_object_get(json_object_get(event, "requestContext"),
                                                            "authorizer"), "jwt"), "claims"), "sub", json_integer(7));
        r = invoke(event);
        EXPECT_INTEQ(401, r.status);
        run_release(&r);
        json_decref(event);
    }
}

static void bad_fields_get_400(void)
{
    expect_refused(400, "missing_body", "u", NULL);
    expect_refused(400, "missing_body", "u", "");
    expect_refused(400, "invalid_json", "u", "{");
    expect_refused(400, "invalid_json", "u", "[1, 2]");
    expect_refused(400, "invalid_json", "u", "\"just a string\"");
    expect_refused(400, "invalid_json", "u", "{\"filename\": \"a\", \"filename\": \"b\"}");
    expect_refused(400, "invalid_request", "u", "{}");
    expect_refused(400, "invalid_request", "u", "{\"content_type\": \"video/mp4\", \"size_bytes\": 1}");
    expect_refused(400, "invalid_request", "u",
                   "{\"filename\": 5, \"content_type\": \"video/mp4\", \"size_bytes\": 1}");
    expect_refused(400, "invalid_request", "u", "{\"filename\": \"a\", \"size_bytes\": 1}");
    expect_refused(400, "invalid_request", "u", "{\"filename\": \"a\", \"content_type\": [], \"size_bytes\": 1}");
    expect_refused(400, "unsupported_content_type", "u",
                   "{\"filename\": \"a\", \"content_type\": \"text/html\", \"size_bytes\": 1}");
    expect_refused(400, "unsupported_content_type", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4; codecs=avc1\", \"size_bytes\": 1}");
    expect_refused(400, "invalid_request", "u", "{\"filename\": \"a\", \"content_type\": \"video/mp4\"}");
    expect_refused(400, "invalid_request", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": \"10\"}");
    expect_refused(400, "invalid_request", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": 1.5}");
    expect_refused(400, "invalid_request", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": true}");
    expect_refused(400, "invalid_size", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": 0}");
    expect_refused(400, "invalid_size", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": -1}");
    expect_refused(400, "invalid_size", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": 5368709121}");
    expect_refused(400, "invalid_json", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": 99999999999999999999999}");
    setenv("VIDPIPE_MAX_UPLOAD_BYTES", "1000", 1);
    expect_refused(400, "invalid_size", "u",
                   "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": 1001}");
    unsetenv("VIDPIPE_MAX_UPLOAD_BYTES");
}

static void hostile_bodies_get_400(void)
{
    size_t big = 6u << 20, deep = 10000;
    char *body = vp_xmalloc(big + 1), *name = vp_xmalloc(2100);
    json_t *event;
    struct run r;

    /* 6 MB */
    memset(body, ' ', big);
    body[0] = '{';
    body[big - 1] = '}';
    body[big] = '\0';
    expect_refused(400, "body_too_large", "u", body);
    /* 10000-deep nesting, inside the size bound */
    for (size_t i = 0; i < deep; i++)
        body[i] = '[', body[2 * deep - 1 - i] = ']';
    body[2 * deep] = '\0';
    expect_refused(400, "invalid_json", "u", body);
    memset(body, '[', deep);
    strcpy(body + deep, "");
    expect_refused(400, "invalid_json", "u", body);
    memcpy(body, "{\"a\":", 5);
    memset(body + 5, '{', deep);
    body[5 + deep] = '\0';
    expect_refused(400, "invalid_json", "u", body);
    /* NUL: escaped in a JSON string, and raw in the body */
    expect_refused(400, "invalid_json", "u",
                   "{\"filename\": \"a\\u0000/../../x\", \"content_type\": \"video/mp4\", \"size_bytes\": 1}");
    event = event_for("u", NULL);
    json_object_set_new(event, "body", json_stringn("{\"filename\": \"a\0b\"}", 20));
    r = invoke(event);
    EXPECT_INTEQ(400, r.status);
    run_release(&r);
    json_decref(event);
    /* an overlong file name */
    memset(name, 'n', 2000);
    name[2000] = '\0';
    snprintf(body, big, "{\"filename\": \"%s\", \"content_type\": \"video/mp4\", \"size_bytes\": 1}", name);
    expect_refused(400, "invalid_request", "u", body);
    /* a sub with a NUL in it is no identity */
    event = event_for(NULL, "{\"filename\": \"a\", \"content_type\": \"video/mp4\", \"size_bytes\": 1}");
    json_object_set_new(json_object_get(json_object_get(json_object_get(json_object_get(event, "requestContext"),
                                                        "authorizer"), "jwt"), "claims"), "sub",
                        json_stringn("a\0b", 3));
    r = invoke(event);
    EXPECT_INTEQ(401, r.status);
    run_release(&r);
    json_decref(event);
    free(name);
    free(body);
}

static void base64_bodies_are_decoded_and_bounded(void)
{
    /* {"filename":"a.mp4","content_type":"video/mp4","size_bytes":5} */
    const char *good = "eyJmaWxlbmFtZSI6ImEubXA0IiwiY29udGVudF90eXBlIjoidmlkZW8vbXA0Iiwic2l6ZV9ieXRlcyI6NX0=";
    json_t *event = event_for("u", good);
    struct run r;
    char *huge;

    json_object_set_new(event, "isBase64Encoded", json_true());
    r = invoke(event);
    EXPECT_INTEQ(200, r.status);
    EXPECT(strstr(json_string_value(json_object_get(r.body, "key")), "/a.mp4") != NULL);
    run_release(&r);
    json_object_set_new(event, "body", json_string("not base64!"));
    r = invoke(event);
    EXPECT_INTEQ(400, r.status);
    EXPECT_STREQ("invalid_body", r.error_code);
    run_release(&r);
    huge = vp_xmalloc(200001);
    memset(huge, 'A', 200000);
    huge[200000] = '\0';
    json_object_set_new(event, "body", json_string(huge));
    r = invoke(event);
    EXPECT_INTEQ(400, r.status);
    EXPECT_STREQ("body_too_large", r.error_code);
    run_release(&r);
    free(huge);
    json_decref(event);
}

static void the_event_shape_itself_may_be_wrong(void)
{
    const char *shapes[] = { "{}", "[]", "{\"requestContext\": []}", "{\"requestContext\": {\"authorizer\": 5}}",
                             "{\"requestContext\": {\"authorizer\": {\"jwt\": {\"claims\": {\"sub\": \"u\"}}}}, "
                             "\"body\": 5}",
                             "{\"requestContext\": {\"authorizer\": {\"jwt\": {\"claims\": {\"sub\": \"u\"}}}}, "
                             "\"body\": {\"filename\": \"a\"}}" };

    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        json_t *event = json_loads(shapes[i], JSON_DECODE_ANY, NULL);
        struct run r = invoke(event);

        EXPECT(r.status == 400 || r.status == 401);
        run_release(&r);
        json_decref(event);
    }
}

int main(void)
{
    clean_environment();
    T_RUN(video_ids_are_ulids);
    T_RUN(file_names_are_one_safe_segment);
    T_RUN(user_ids_are_one_segment);
    T_RUN(configuration_is_checked_at_init);
    T_RUN(a_good_request_gets_a_url_under_the_callers_prefix);
    T_RUN(settings_shape_the_answer);
    T_RUN(the_signature_matches_botocore);
    T_RUN(callers_without_a_sub_get_401);
    T_RUN(bad_fields_get_400);
    T_RUN(hostile_bodies_get_400);
    T_RUN(base64_bodies_are_decoded_and_bounded);
    T_RUN(the_event_shape_itself_may_be_wrong);
    return t_done();
}
