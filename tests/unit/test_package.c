/* test_package.c: the package handler's pieces without AWS: MediaConvert Job State Change events read
 * defensively (AWS's samples and broken ones), the playback URL of the HLS main playlist, and the thumbnail
 * list derived from the last frame capture's name. The calls are covered by tests/scenarios/6300-package.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "handlers/package.h"
#include "t.h"

#define BASE "https://cdn.example.com"

static json_t *sample(const char *name)
{
    char path[1024];
    json_error_t jerr;

    snprintf(path, sizeof(path), "%s/events/%s", t_testdata(), name);
    return json_load_file(path, 0, &jerr);
}

static void parses_aws_samples(void)
{
    json_t *complete = sample("mediaconvert-job-complete-hls.json"), *progressing = sample("mediaconvert-job-progressing.json");
    struct vp_job_event ev;
    struct vp_err err = { 0 };

    EXPECT(complete && progressing);
    EXPECT_INTEQ(0, vp_package_parse_event(complete, &ev, &err));
    EXPECT_INTEQ(VP_JOB_COMPLETE, ev.state);
    EXPECT_STREQ("1536964333549-opn151", ev.job_id);
    EXPECT(ev.user_id == NULL && ev.video_id == NULL);         /* userMetadata {}: not a vidpipe job */
    EXPECT_INTEQ(1, json_array_size(ev.output_groups));
    EXPECT_INTEQ(0, vp_package_parse_event(progressing, &ev, &err));
    EXPECT_INTEQ(VP_JOB_OTHER, ev.state);
    EXPECT_STREQ("PROGRESSING", ev.status);
    json_object_set_new(json_object_get(complete, "detail"), "userMetadata",
                        json_pack("{s:s, s:s}", "user_id", "user-a", "video_id", "01HZX"));
    EXPECT_INTEQ(0, vp_package_parse_event(complete, &ev, &err));
    EXPECT_STREQ("user-a", ev.user_id);
    EXPECT_STREQ("01HZX", ev.video_id);
    json_decref(complete);
    json_decref(progressing);
}

static void reads_errors(void)
{
    json_t *e = json_pack("{s:{s:s, s:s, s:i, s:s, s:{s:s, s:s}}}", "detail", "status", "ERROR", "jobId", "j",
                          "errorCode", 1010, "errorMessage", "Unable to open input", "userMetadata", "user_id", "u",
                          "video_id", "v");
    struct vp_job_event ev;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, vp_package_parse_event(e, &ev, &err));
    EXPECT_INTEQ(VP_JOB_ERROR, ev.state);
    EXPECT_INTEQ(1010, ev.error_code);
    EXPECT_STREQ("Unable to open input", ev.error_message);
    json_decref(e);
}

static void refuses_broken_events(void)
{
    static const char *const bad[] = {
        "{}", "[]", "7", "{\"detail\": []}", "{\"detail\": {\"status\": \"COMPLETE\"}}",
        "{\"detail\": {\"jobId\": \"j\"}}", "{\"detail\": {\"status\": 1, \"jobId\": \"j\"}}",
        "{\"detail\": {\"status\": \"COMPLETE\", \"jobId\": \"\"}}",
        "{\"detail-type\": \"Object Created\", \"detail\": {\"status\": \"COMPLETE\", \"jobId\": \"j\"}}",
        "{\"detail\": {\"status\": \"COMPLETE\", \"jobId\": \"j\", \"userMetadata\": \"x\"}}",
        "{\"detail\": {\"status\": \"COMPLETE\", \"jobId\": \"j\", \"outputGroupDetails\": {}}}",
        "{\"detail\": {\"status\": \"ERROR\", \"jobId\": \"j\", \"errorCode\": \"1010\"}}",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_error_t jerr;
        json_t *e = json_loads(bad[i], JSON_DECODE_ANY, &jerr);
        struct vp_job_event ev;
        struct vp_err err = { 0 };

        if (!e || vp_package_parse_event(e, &ev, &err) != -1)
            t_expect(__FILE__, __LINE__, bad[i], false);
        EXPECT(err.msg[0] != '\0');
        json_decref(e);
    }
}

static void ignores_ids_outside_their_characters(void)
{
    json_t *e = json_pack("{s:{s:s, s:s, s:{s:s, s:s}}}", "detail", "status", "COMPLETE", "jobId", "j", "userMetadata",
                          "user_id", "../etc", "video_id", "v");
    struct vp_job_event ev;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, vp_package_parse_event(e, &ev, &err));
    EXPECT(ev.user_id == NULL && ev.video_id == NULL);
    json_decref(e);
}

static json_t *groups(const char *text)
{
    json_error_t jerr;

    return json_loads(text, 0, &jerr);
}

static void playback_url_is_base_plus_the_playlist_path(void)
{
    json_t *complete = sample("mediaconvert-job-complete-hls.json");
    json_t *g = groups("[{\"type\": \"FILE_GROUP\"}, {\"type\": \"HLS_GROUP\", \"playlistFilePaths\": "
                       "[\"s3://out/videos/u/v/My Movie \xc3\xbc+.m3u8\"]}]");
    struct vp_err err = { 0 };
    char *url = vp_package_playback_url(BASE, json_object_get(json_object_get(complete, "detail"), "outputGroupDetails"), &err);

    EXPECT_STREQ(BASE "/hls/main.m3u8", url);                  /* s3://amzn-s3-demo-bucket/hls/main.m3u8 */
    free(url);
    url = vp_package_playback_url(BASE, g, &err);
    EXPECT_STREQ(BASE "/videos/u/v/My%20Movie%20%C3%BC%2B.m3u8", url);
    free(url);
    json_decref(g);
    json_decref(complete);
}

static void playback_url_refuses_odd_paths(void)
{
    static const char *const bad[] = {
        "[]", "[{\"type\": \"FILE_GROUP\", \"playlistFilePaths\": [\"s3://b/k.m3u8\"]}]",
        "[{\"type\": \"HLS_GROUP\"}]", "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": []}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [5]}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [\"https://b/k.m3u8\"]}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [\"s3://b\"]}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [\"s3:///k.m3u8\"]}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [\"s3://b/\"]}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [\"s3://b/a/../k.m3u8\"]}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [\"s3://b/a//k.m3u8\"]}]",
        "[{\"type\": \"HLS_GROUP\", \"playlistFilePaths\": [\"s3://b/a\\nb.m3u8\"]}]",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *g = groups(bad[i]);
        struct vp_err err = { 0 };
        char *url = vp_package_playback_url(BASE, g, &err);

        if (!g || url)
            t_expect(__FILE__, __LINE__, bad[i], false);
        EXPECT(err.msg[0] != '\0');
        free(url);
        json_decref(g);
    }
}

static void thumbnails_run_from_zero_to_the_last_capture(void)
{
    json_t *g = groups("[{\"type\": \"HLS_GROUP\", \"outputDetails\": [{\"outputFilePaths\": [\"s3://b/v/x.0000001.jpg\"]}]},"
                       "{\"type\": \"FILE_GROUP\", \"outputDetails\": [{\"outputFilePaths\": "
                       "[\"s3://out/videos/u/v/a b_thumb.0000011.jpg\"]}]}]");
    bool truncated = true;
    json_t *urls = vp_package_thumbnail_urls(BASE, g, &truncated);

    EXPECT_INTEQ(12, json_array_size(urls));
    EXPECT(!truncated);
    EXPECT_STREQ(BASE "/videos/u/v/a%20b_thumb.0000000.jpg", json_string_value(json_array_get(urls, 0)));
    EXPECT_STREQ(BASE "/videos/u/v/a%20b_thumb.0000005.jpg", json_string_value(json_array_get(urls, 5)));
    EXPECT_STREQ(BASE "/videos/u/v/a%20b_thumb.0000011.jpg", json_string_value(json_array_get(urls, 11)));
    json_decref(urls);
    json_decref(g);
}

static void thumbnails_skip_what_is_not_a_capture(void)
{
    json_t *g = groups("[{\"type\": \"FILE_GROUP\", \"outputDetails\": [{\"outputFilePaths\": ["
                       "\"s3://b/v/movie.mp4\", \"s3://b/v/movie.1234567.mp4\", \"s3://b/v/x.000001.jpg\","
                       "\"s3://b/v/x.00000a1.jpg\", \"s3://b/v/x0000001.jpg\", \"s3://b/../x.0000001.jpg\", 5,"
                       "\"http://b/x.0000001.jpg\", \"s3://b/.0000001.jpg\"]}, 7, {\"outputFilePaths\": 3}]},"
                       "{\"type\": \"FILE_GROUP\", \"outputDetails\": {}}, \"x\", null]");
    bool truncated;
    json_t *urls = vp_package_thumbnail_urls(BASE, g, &truncated), *none;

    EXPECT_INTEQ(0, json_array_size(urls));
    none = vp_package_thumbnail_urls(BASE, NULL, &truncated);
    EXPECT_INTEQ(0, json_array_size(none));
    json_decref(none);
    json_decref(urls);
    json_decref(g);
}

static void thumbnails_are_capped(void)
{
    json_t *g = groups("[{\"type\": \"FILE_GROUP\", \"outputDetails\": [{\"outputFilePaths\": "
                       "[\"s3://b/v/t.9999999.JPG\"]}]}]");
    bool truncated = false;
    json_t *urls = vp_package_thumbnail_urls(BASE, g, &truncated);

    EXPECT_INTEQ(VP_PACKAGE_MAX_THUMBNAILS, json_array_size(urls));
    EXPECT(truncated);
    EXPECT_STREQ(BASE "/v/t.0000999.JPG", json_string_value(json_array_get(urls, VP_PACKAGE_MAX_THUMBNAILS - 1)));
    json_decref(urls);
    json_decref(g);
}

int main(void)
{
    T_RUN(parses_aws_samples);
    T_RUN(reads_errors);
    T_RUN(refuses_broken_events);
    T_RUN(ignores_ids_outside_their_characters);
    T_RUN(playback_url_is_base_plus_the_playlist_path);
    T_RUN(playback_url_refuses_odd_paths);
    T_RUN(thumbnails_run_from_zero_to_the_last_capture);
    T_RUN(thumbnails_skip_what_is_not_a_capture);
    T_RUN(thumbnails_are_capped);
    return t_done();
}
