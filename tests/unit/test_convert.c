/* test_convert.c: the convert handler's pieces without AWS: S3 event keys decoded as S3 encodes them, keys
 * split into user, video and file, records read defensively, the idempotency token, and the CreateJob body
 * built from a template. The calls themselves are covered by tests/scenarios/6200-convert.sh. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "handlers/convert.h"
#include "t.h"

static char *decoded(const char *raw)
{
    struct vp_err err = { 0 };
    char *key = NULL;

    return vp_convert_decode_key(raw, &key, &err) == 0 ? key : NULL;
}

static void decode_key_as_s3_encodes_it(void)
{
    char *k;

    EXPECT_STREQ("Happy Face.jpg", (k = decoded("Happy+Face.jpg")));
    free(k);
    EXPECT_STREQ("Happy Face.jpg", (k = decoded("Happy%20Face.jpg")));
    free(k);
    EXPECT_STREQ("a+b", (k = decoded("a%2Bb")));                  /* a real '+' is %2B */
    free(k);
    EXPECT_STREQ("100%", (k = decoded("100%25")));
    free(k);
    EXPECT_STREQ("uploads/u/v/\xc3\xbc\xf0\x9f\x8e\xac.mp4", (k = decoded("uploads/u/v/%C3%BC%F0%9F%8E%AC.mp4")));
    free(k);
    EXPECT_STREQ("\xc3\xbc", (k = decoded("\xc3\xbc")));           /* unescaped UTF-8 is fine too */
    free(k);
}

static void decode_key_refuses_what_s3_never_sends(void)
{
    struct vp_err err = { 0 };
    char *key = (char *)"untouched", big[4000];

    EXPECT_INTEQ(-1, vp_convert_decode_key("a%zzb", &key, &err));
    EXPECT(key == NULL);
    EXPECT(strstr(err.msg, "two hex digits") != NULL);
    EXPECT(decoded("a%2") == NULL);
    EXPECT(decoded("a%") == NULL);
    EXPECT(decoded("a%0Ab") == NULL);                            /* newline */
    EXPECT(decoded("a%00b") == NULL);                            /* NUL */
    EXPECT(decoded("a%7Fb") == NULL);                            /* DEL */
    EXPECT(decoded("a\tb") == NULL);
    EXPECT(decoded("%C3%28") == NULL);                           /* not UTF-8 */
    EXPECT(decoded("%FF") == NULL);
    EXPECT(decoded("%C0%AF") == NULL);                           /* overlong '/' */
    EXPECT(decoded("") == NULL);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    EXPECT(decoded(big) == NULL);
    big[VP_CONVERT_KEY_MAX] = '\0';
    key = decoded(big);
    EXPECT(key != NULL);                                         /* exactly S3's limit */
    free(key);
}

static void split_key_takes_uploads_only(void)
{
    struct vp_upload up = { 0 };
    struct vp_err err = { 0 };

    EXPECT_INTEQ(1, vp_convert_split_key("uploads/user-a/01HZX/My Movie.mp4", "uploads/", &up, &err));
    EXPECT_STREQ("user-a", up.user_id);
    EXPECT_STREQ("01HZX", up.video_id);
    EXPECT_STREQ("My Movie.mp4", up.filename);
    vp_upload_release(&up);
    EXPECT_INTEQ(1, vp_convert_split_key("google-oauth2%7C123/v/f", "", &up, &err));
    EXPECT_STREQ("google-oauth2%7C123", up.user_id);
    vp_upload_release(&up);
    EXPECT_INTEQ(0, vp_convert_split_key("other/u/v/f.mp4", "uploads/", &up, &err));
    EXPECT_INTEQ(0, vp_convert_split_key("uploadsx/u/v/f.mp4", "uploads/", &up, &err));
    EXPECT(up.user_id == NULL);
}

static void split_key_refuses_other_shapes(void)
{
    static const char *const bad[] = {
        "uploads/f.mp4", "uploads/u/f.mp4", "uploads/u/v/w/f.mp4", "uploads//v/f.mp4", "uploads/u//f.mp4",
        "uploads/u/v/", "uploads/u/v/..", "uploads/u/v/.", "uploads/../v/f", "uploads/u/../f", "uploads/u v/x/f",
        "uploads/u/v.v/f", "uploads/u/v%41/f",
    };
    struct vp_upload up = { 0 };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vp_err err = { 0 };
        int r = vp_convert_split_key(bad[i], "uploads/", &up, &err);

        if (r != -1)
            t_expect(__FILE__, __LINE__, bad[i], false);
        EXPECT(err.msg[0] != '\0');
        vp_upload_release(&up);
    }
}

static json_t *record_with(const char *key)
{
    return json_pack("{s:s, s:s, s:{s:{s:s}, s:{s:s, s:s}}}", "eventSource", "aws:s3", "eventName",
                     "ObjectCreated:CompleteMultipartUpload", "s3", "bucket", "name", "vp-uploads", "object", "key", key,
                     "sequencer", "0055AED6DCD90281E5");
}

static void record_is_read_defensively(void)
{
    struct vp_upload up;
    struct vp_err err = { 0 };
    const char *why;
    json_t *r = record_with("uploads/u/v/My+Movie.mp4");

    EXPECT_INTEQ(1, vp_convert_parse_record(r, "uploads/", &up, &why, &err));
    EXPECT_STREQ("vp-uploads", up.bucket);
    EXPECT_STREQ("uploads/u/v/My Movie.mp4", up.key);
    EXPECT_STREQ("0055AED6DCD90281E5", up.version);             /* no versionId: the sequencer */
    vp_upload_release(&up);
    json_object_set_new(json_object_get(json_object_get(r, "s3"), "object"), "versionId", json_string("v1"));
    EXPECT_INTEQ(1, vp_convert_parse_record(r, "uploads/", &up, &why, &err));
    EXPECT_STREQ("v1", up.version);
    vp_upload_release(&up);
    json_object_set_new(r, "eventName", json_string("ObjectRemoved:Delete"));
    EXPECT_INTEQ(0, vp_convert_parse_record(r, "uploads/", &up, &why, &err));
    EXPECT(why != NULL);
    json_decref(r);

    r = record_with("other/x");
    EXPECT_INTEQ(0, vp_convert_parse_record(r, "uploads/", &up, &why, &err));
    EXPECT_STREQ("key is outside the upload prefix", why);
    json_decref(r);
    r = json_pack("{s:s, s:s, s:{s:{s:i}, s:{s:s}}}", "eventSource", "aws:s3", "eventName", "ObjectCreated:Put", "s3",
                  "bucket", "name", 5, "object", "key", "uploads/u/v/f");
    EXPECT_INTEQ(-1, vp_convert_parse_record(r, "uploads/", &up, &why, &err));
    json_decref(r);
    r = json_pack("{s:s, s:s, s:[]}", "eventSource", "aws:s3", "eventName", "ObjectCreated:Put", "s3");
    EXPECT_INTEQ(-1, vp_convert_parse_record(r, "uploads/", &up, &why, &err));
    json_decref(r);
    r = json_integer(7);
    EXPECT_INTEQ(-1, vp_convert_parse_record(r, "uploads/", &up, &why, &err));
    EXPECT(up.key == NULL);
    json_decref(r);
}

static void token_is_stable_and_fits_mediaconvert(void)
{
    char a[VP_CONVERT_TOKEN_LEN + 1], b[VP_CONVERT_TOKEN_LEN + 1];

    vp_convert_token("vp-uploads", "uploads/u/v/My Movie.mp4", "0055AED6DCD90281E5", a);
    /* python3: hashlib.sha256(b"vp-uploads\nuploads/u/v/My Movie.mp4\n0055AED6DCD90281E5").hexdigest() */
    EXPECT_STREQ("27d6970f06d1731e2833478b2b4b23900c8792f2d6994382a5e3e03b4f8d7e3f", a);
    EXPECT_INTEQ(64, strlen(a));
    vp_convert_token("vp-uploads", "uploads/u/v/My Movie.mp4", "0055AED6DCD90281E6", b);
    EXPECT(strcmp(a, b) != 0);                                   /* a new upload of the same key: a new job */
    vp_convert_token("vp-uploads2", "uploads/u/v/My Movie.mp4", "0055AED6DCD90281E5", b);
    EXPECT(strcmp(a, b) != 0);
}

static void job_request_fills_the_template(void)
{
    struct vp_convert_job job = { "vp-hls", "arn:aws:iam::1:role/mc", "vp-outputs", "qa1" };
    struct vp_upload up = { (char *)"vp-uploads", (char *)"uploads/u/v/a b.mp4", (char *)"u", (char *)"v",
                            (char *)"a b.mp4", (char *)"seq" };
    struct vp_err err = { 0 };
    json_error_t jerr;
    json_t *tmpl = json_loads("{\"inputs\": [{\"timecodeSource\": \"ZEROBASED\"}], \"outputGroups\": ["
                              "{\"outputGroupSettings\": {\"type\": \"HLS_GROUP_SETTINGS\", \"hlsGroupSettings\": "
                              "{\"segmentLength\": 6}}, \"outputs\": [{\"nameModifier\": \"_720\"}]},"
                              "{\"outputGroupSettings\": {\"type\": \"FILE_GROUP_SETTINGS\"}}]}", 0, &jerr);
    json_t *body = vp_convert_job_request(&job, &up, tmpl, &err), *s;

    EXPECT(body != NULL);
    s = json_object_get(body, "settings");
    EXPECT_STREQ("vp-hls", json_string_value(json_object_get(body, "jobTemplate")));
    EXPECT_STREQ("arn:aws:iam::1:role/mc", json_string_value(json_object_get(body, "role")));
    EXPECT_INTEQ(64, strlen(json_string_value(json_object_get(body, "clientRequestToken"))));
    EXPECT_STREQ("v", json_string_value(json_object_get(json_object_get(body, "userMetadata"), "video_id")));
    EXPECT_STREQ("u", json_string_value(json_object_get(json_object_get(body, "userMetadata"), "user_id")));
    /* The stack's EventBridge rule matches its own jobs on this. */
    EXPECT_STREQ("qa1", json_string_value(json_object_get(json_object_get(body, "userMetadata"), "stack")));
    EXPECT_STREQ("s3://vp-uploads/uploads/u/v/a b.mp4",
                 json_string_value(json_object_get(json_array_get(json_object_get(s, "inputs"), 0), "fileInput")));
    EXPECT_STREQ("ZEROBASED",
                 json_string_value(json_object_get(json_array_get(json_object_get(s, "inputs"), 0), "timecodeSource")));
    EXPECT_STREQ("s3://vp-outputs/videos/u/v/",
                 json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(
                     json_object_get(s, "outputGroups"), 0), "outputGroupSettings"), "hlsGroupSettings"), "destination")));
    EXPECT_INTEQ(6, json_integer_value(json_object_get(json_object_get(json_object_get(json_array_get(
                     json_object_get(s, "outputGroups"), 0), "outputGroupSettings"), "hlsGroupSettings"), "segmentLength")));
    EXPECT_STREQ("s3://vp-outputs/videos/u/v/",
                 json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(
                     json_object_get(s, "outputGroups"), 1), "outputGroupSettings"), "fileGroupSettings"), "destination")));
    /* the template itself is not changed */
    EXPECT(json_object_get(json_object_get(json_object_get(json_array_get(json_object_get(tmpl, "outputGroups"), 0),
                                                           "outputGroupSettings"), "hlsGroupSettings"), "destination") == NULL);
    json_decref(body);
    json_decref(tmpl);
}

static void job_request_refuses_a_template_without_outputs(void)
{
    struct vp_convert_job job = { "vp-hls", "arn:aws:iam::1:role/mc", "vp-outputs", NULL };
    struct vp_upload up = { (char *)"b", (char *)"k", (char *)"u", (char *)"v", (char *)"f", (char *)"" };
    struct vp_err err = { 0 };
    json_t *empty = json_object();
    json_t *odd = json_pack("{s:[{s:{s:s}}]}", "outputGroups", "outputGroupSettings", "type", "SOMETHING_NEW");

    EXPECT(vp_convert_job_request(&job, &up, empty, &err) == NULL);
    EXPECT(strstr(err.msg, "no output groups") != NULL);
    EXPECT(vp_convert_job_request(&job, &up, NULL, &err) == NULL);
    EXPECT(vp_convert_job_request(&job, &up, odd, &err) == NULL);
    EXPECT(strstr(err.msg, "output group 1") != NULL);
    json_decref(empty);
    json_decref(odd);
}

int main(void)
{
    T_RUN(decode_key_as_s3_encodes_it);
    T_RUN(decode_key_refuses_what_s3_never_sends);
    T_RUN(split_key_takes_uploads_only);
    T_RUN(split_key_refuses_other_shapes);
    T_RUN(record_is_read_defensively);
    T_RUN(token_is_stable_and_fits_mediaconvert);
    T_RUN(job_request_fills_the_template);
    T_RUN(job_request_refuses_a_template_without_outputs);
    return t_done();
}
