/* mediaconvert_job_template_schema.c: the mediaconvert_job_template type's attributes, as data (see
 * s3_bucket_schema.c). The operations are in mediaconvert_job_template.c, the Settings document in
 * mediaconvert_job_template_settings.c.
 *
 * Users state intent (a rendition ladder, a segment length, thumbnails); vidpipe writes MediaConvert's
 * Settings document from it. settings_fingerprint stands for everything in that document no attribute
 * describes: want holds the generator's fingerprint (prepare_want); read reports the same when the document is
 * exactly what vidpipe generates from the attributes read back, else the document's own SHA-256 (see
 * mediaconvert_job_template.c), so an edit outside vidpipe of any setting is a change. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "aws/endpoint.h"
#include "resources/mediaconvert_job_template.h"
#include "resources/naming.h"
#include "resources/schemas.h"
#include "spec/spec.h"

#define MAX_RENDITIONS 10

static const char *const acceleration_modes[] = { "DISABLED", "ENABLED", "PREFERRED", NULL };
static const char *const status_update_intervals[] = {
    "SECONDS_10", "SECONDS_12", "SECONDS_15", "SECONDS_20", "SECONDS_30", "SECONDS_60", "SECONDS_120",
    "SECONDS_180", "SECONDS_240", "SECONDS_300", "SECONDS_360", "SECONDS_420", "SECONDS_480", "SECONDS_540",
    "SECONDS_600", NULL,
};

static bool only_word_chars(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

static const char *check_template_name(const char *name)
{
    if (!*name || strlen(name) > 128 || !only_word_chars(name))
        return "a job template name is 1 to 128 letters, digits, '_' and '-'";
    return NULL;
}

static const char *check_rendition_name(const char *name)
{
    if (!*name || strlen(name) > 32 || !only_word_chars(name))
        return "a rendition name is 1 to 32 letters, digits, '_' and '-' (it becomes the output's suffix, _NAME)";
    return NULL;
}

/* s3://BUCKET/ or s3://BUCKET/PREFIX/: the HLS group writes there, the thumbnails under thumbnails/. */
static const char *check_destination(const char *url)
{
    const char *bucket = url + 5, *slash;

    if (strncmp(url, "s3://", 5) != 0 || !(slash = strchr(bucket, '/')) || slash - bucket < 3 || slash - bucket > 63 ||
        url[strlen(url) - 1] != '/')
        return "the destination is an S3 folder: s3://BUCKET/ or s3://BUCKET/PREFIX/ (ending with '/')";
    for (const char *p = bucket; p < slash; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' && *p != '.')
            return "the destination's bucket name holds only a-z, 0-9, '.' and '-'";
    return NULL;
}

/* Empty for the account's default queue, else a queue's ARN. */
static const char *check_queue(const char *arn)
{
    const char *q;
    size_t n = strlen(arn);

    if (!*arn)
        return NULL;
    if (strncmp(arn, "arn:", 4) != 0 || !strstr(arn, ":mediaconvert:") || !(q = strstr(arn, ":queues/")) || !q[8])
        return "queue is a MediaConvert queue's ARN (arn:aws:mediaconvert:REGION:ACCOUNT:queues/NAME), or empty for "
               "the default queue";
    if (n >= 15 && strcmp(arn + n - 15, ":queues/Default") == 0)
        return "leave queue empty for the default queue";
    return NULL;
}

static const char *check_endpoint(const char *url)
{
    struct vp_err err = { 0 };

    if (*url && vp_endpoint_check(url, "endpoint", &err) < 0)
        return "endpoint is an https://HOST URL (a MediaConvert account endpoint), or empty for the regional one";
    return NULL;
}

static const char *check_fingerprint(const char *value)
{
    (void)value;
    return "vidpipe fills settings_fingerprint in from the other attributes; leave it out of the spec";
}

static const struct vp_attr rendition_fields[] = {
    { .name = "name", .kind = VP_K_STRING, .required = true, .check = check_rendition_name,
      .doc = "The rendition's name: its output files and playlist end in _NAME (\"720p\": video_720p.m3u8)." },
    { .name = "width", .kind = VP_K_INT, .required = true, .min = 64, .max = 4096,
      .doc = "Width in pixels (even)." },
    { .name = "height", .kind = VP_K_INT, .required = true, .min = 64, .max = 2304,
      .doc = "Height in pixels (even)." },
    { .name = "max_bitrate", .kind = VP_K_INT, .required = true, .min = 100000, .max = 20000000,
      .doc = "The cap on the video bitrate, bits per second (QVBR spends less where the picture allows)." },
    { .name = "qvbr_quality", .kind = VP_K_INT, .default_json = "7", .min = 1, .max = 10,
      .doc = "QVBR quality level, 1 to 10 (higher: better and larger)." },
    { 0 }
};

static const struct vp_attr thumbnail_fields[] = {
    { .name = "interval_seconds", .kind = VP_K_INT, .default_json = "5", .min = 1, .max = 3600,
      .doc = "One image every this many seconds." },
    { .name = "max_captures", .kind = VP_K_INT, .default_json = "10", .min = 1, .max = 10000,
      .doc = "At most this many images per video." },
    { .name = "width", .kind = VP_K_INT, .default_json = "640", .min = 32, .max = 4096,
      .doc = "Image width in pixels." },
    { .name = "height", .kind = VP_K_INT, .default_json = "360", .min = 32, .max = 2304,
      .doc = "Image height in pixels." },
    { .name = "quality", .kind = VP_K_INT, .default_json = "80", .min = 1, .max = 100,
      .doc = "JPEG quality, 1 to 100." },
    { 0 }
};

const struct vp_attr vp_mediaconvert_job_template_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true, .min = 1, .max = 128,
      .check = check_template_name, .doc = "The template's name, unique in the account and region; jobs name it." },
    { .name = "description", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 1024,
      .doc = "A description." },
    { .name = "category", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 256,
      .doc = "A category, to group templates in the console and ListJobTemplates." },
    { .name = "destination", .kind = VP_K_STRING, .required = true, .min = 6, .max = 1024, .check = check_destination,
      .doc = "The outputs' S3 folder, s3://BUCKET/PREFIX/ (HLS there, thumbnails under thumbnails/); each job "
             "sets its own per-video folder in the same bucket." },
    { .name = "renditions", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = rendition_fields,
      .default_json = "[{\"name\": \"720p\", \"width\": 1280, \"height\": 720, \"max_bitrate\": 6000000},"
                      " {\"name\": \"360p\", \"width\": 640, \"height\": 360, \"max_bitrate\": 1500000}]",
      .doc = "The HLS ladder, 1 to 10 renditions: H.264 in QVBR with a capped bitrate, each with the audio." },
    { .name = "segment_length", .kind = VP_K_INT, .default_json = "6", .min = 1, .max = 30,
      .doc = "HLS segment length in seconds; the GOP is as long, so every segment starts on a key frame." },
    { .name = "audio_bitrate", .kind = VP_K_INT, .default_json = "96000", .min = 64000, .max = 320000,
      .doc = "AAC stereo bitrate at 48 kHz, bits per second." },
    { .name = "thumbnails", .kind = VP_K_OBJECT, .fields = thumbnail_fields,
      .doc = "JPEG thumbnails captured from the video (a frame-capture output, _thumb.0000000.jpg, ...)." },
    { .name = "queue", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 2048, .check = check_queue,
      .doc = "The ARN of the queue jobs go to; empty: the account's default queue." },
    { .name = "acceleration", .kind = VP_K_STRING, .default_json = "\"DISABLED\"", .enum_values = acceleration_modes,
      .doc = "Accelerated transcoding: DISABLED, ENABLED or PREFERRED." },
    { .name = "priority", .kind = VP_K_INT, .default_json = "0", .min = -50, .max = 50,
      .doc = "Job priority in the queue, -50 to 50." },
    { .name = "status_update_interval", .kind = VP_K_STRING, .default_json = "\"SECONDS_60\"",
      .enum_values = status_update_intervals,
      .doc = "How often jobs send STATUS_UPDATE events: SECONDS_10 ... SECONDS_600." },
    { .name = "endpoint", .kind = VP_K_STRING, .local = true, .default_json = "\"\"", .min = 0, .max = 1024,
      .check = check_endpoint,
      .doc = "An account endpoint URL to call instead of the regional https://mediaconvert.REGION.amazonaws.com "
             "(AWS_ENDPOINT_URL_MEDIACONVERT still overrides both). Reads and deletes use the endpoint the "
             "template was created through, kept in its id (NAME@URL)." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "settings_fingerprint", .kind = VP_K_STRING, .check = check_fingerprint,
      .doc = "Filled in by vidpipe, never set in a spec: the fingerprint of the Settings document vidpipe "
             "generates; a template whose document holds anything else (edited in the console) reads as that "
             "document's SHA-256, so the change shows and the next apply writes vidpipe's document back." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The template's ARN." },
    { 0 }
};

/* ---- rules across attributes, checked at validate time: MediaConvert refuses these at apply time ---- */

static bool known_int(const json_t *v)
{
    return json_is_integer(v);
}

int vp_mediaconvert_job_template_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *list = json_object_get(values, "renditions"), *r;
    size_t i, j;

    *attr = "renditions";
    if (json_is_array(list) && (json_array_size(list) < 1 || json_array_size(list) > MAX_RENDITIONS)) {
        snprintf(msg, size, "give 1 to %d renditions (%zu given)", MAX_RENDITIONS, json_array_size(list));
        return -1;
    }
    json_array_foreach(list, i, r) {
        const json_t *name = json_object_get(r, "name"), *w = json_object_get(r, "width"), *h = json_object_get(r, "height");
        const char *n = json_is_string(name) ? json_string_value(name) : "?";

        if (known_int(w) && json_integer_value(w) % 2) {
            snprintf(msg, size, "rendition '%s': width %lld is odd; H.264 4:2:0 needs even dimensions", n,
                     (long long)json_integer_value(w));
            return -1;
        }
        if (known_int(h) && json_integer_value(h) % 2) {
            snprintf(msg, size, "rendition '%s': height %lld is odd; H.264 4:2:0 needs even dimensions", n,
                     (long long)json_integer_value(h));
            return -1;
        }
        for (j = 0; j < i && json_is_string(name) && strcmp(n, VP_UNKNOWN_VALUE) != 0; j++) {
            if (json_equal((json_t *)name, json_object_get(json_array_get(list, j), "name"))) {
                snprintf(msg, size, "two renditions are named '%s' (their output files would collide)", n);
                return -1;
            }
        }
    }
    *attr = NULL;
    return 0;
}
