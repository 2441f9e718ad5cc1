/* package_event.c: what a "MediaConvert Job State Change" event says, and the URLs a COMPLETE event's
 * outputs map to. Events come from EventBridge, but every field's type is still checked before use. */
#include "handlers/package.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/uri.h"
#include "base/buf.h"
#include "base/xalloc.h"

static const char *str_at(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An id from userMetadata: the characters convert puts in keys, bounded. */
static const char *metadata_id(const json_t *metadata, const char *name, size_t max)
{
    static const char id_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-%";
    const char *v = str_at(metadata, name);
    size_t n = v ? strlen(v) : 0;

    if (n == 0 || n > max || strspn(v, id_chars) != n)
        return NULL;
    return v;
}

int vp_package_parse_event(const json_t *event, struct vp_job_event *ev, struct vp_err *err)
{
    const json_t *detail = json_object_get(event, "detail"), *metadata, *code;
    const char *type = str_at(event, "detail-type");

    memset(ev, 0, sizeof(*ev));
    if (!json_is_object(event) || !json_is_object(detail))
        return vp_fail(err, VP_E_PARSE, "the event has no detail object");
    if (type && strcmp(type, "MediaConvert Job State Change") != 0)
        return vp_fail(err, VP_E_PARSE, "the event is a '%.100s', not a MediaConvert Job State Change", type);
    ev->status = str_at(detail, "status");
    ev->job_id = str_at(detail, "jobId");
    if (!ev->status || !ev->job_id || !*ev->job_id || strlen(ev->job_id) > 256)
        return vp_fail(err, VP_E_PARSE, "the event's detail has no status and jobId strings");
    ev->state = strcmp(ev->status, "COMPLETE") == 0 ? VP_JOB_COMPLETE
                : strcmp(ev->status, "ERROR") == 0  ? VP_JOB_ERROR
                                                     : VP_JOB_OTHER;
    metadata = json_object_get(detail, "userMetadata");
    if (metadata && !json_is_object(metadata))
        return vp_fail(err, VP_E_PARSE, "the event's detail.userMetadata is not an object");
    ev->user_id = metadata_id(metadata, "user_id", VP_PACKAGE_USER_ID_MAX);
    ev->video_id = metadata_id(metadata, "video_id", VP_PACKAGE_VIDEO_ID_MAX);
    if (!ev->user_id || !ev->video_id)
        ev->user_id = ev->video_id = NULL;
    ev->output_groups = json_object_get(detail, "outputGroupDetails");
    if (ev->output_groups && !json_is_array(ev->output_groups))
        return vp_fail(err, VP_E_PARSE, "the event's detail.outputGroupDetails is not an array");
    ev->error_message = str_at(detail, "errorMessage");
    code = json_object_get(detail, "errorCode");
    if (code && !json_is_integer(code))
        return vp_fail(err, VP_E_PARSE, "the event's detail.errorCode is not a number");
    ev->error_code = code ? (long long)json_integer_value(code) : 0;
    return 0;
}

/* ---- URLs ---- */

/* The object path of s3://bucket/path (borrowed, inside uri), or NULL when uri is not of that form or the
 * path has a control character or a "." or ".." segment. */
static const char *s3_path(const char *uri)
{
    const char *path;

    if (!uri || strncmp(uri, "s3://", 5) != 0 || !(path = strchr(uri + 5, '/')) || path == uri + 5 || !path[1])
        return NULL;
    path++;
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return NULL;
    for (const char *seg = path; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
        size_t n = strcspn(seg, "/");

        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return NULL;
    }
    return path;
}

static char *url_for(const char *base, const char *path, size_t path_len)
{
    struct vp_buf url = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    vp_buf_puts(&url, base);
    vp_buf_putc(&url, '/');
    vp_uri_encode(&url, path, path_len, true);
    return vp_buf_detach(&url, NULL);
}

/* The groups of one type in outputGroupDetails. */
static bool group_is(const json_t *group, const char *type)
{
    const char *t = str_at(group, "type");

    return t && strcmp(t, type) == 0;
}

char *vp_package_playback_url(const char *base, const json_t *output_groups, struct vp_err *err)
{
    const json_t *group;
    size_t i;

    json_array_foreach(output_groups, i, group) {
        const json_t *playlists = json_object_get(group, "playlistFilePaths");
        const char *uri, *path;

        if (!group_is(group, "HLS_GROUP") || !json_is_array(playlists))
            continue;
        uri = json_string_value(json_array_get(playlists, 0));
        if (!(path = s3_path(uri))) {
            vp_fail(err, VP_E_PARSE, "the HLS group's playlist '%.200s' is not an s3://bucket/key URI",
                    uri ? uri : "(not a string)");
            return NULL;
        }
        return url_for(base, path, strlen(path));
    }
    vp_fail(err, VP_E_PARSE, "the job's outputs hold no HLS group with a playlist");
    return NULL;
}

/* The capture number of ".../name.0000011.jpg": 11, with *stem_len the length of ".../name" (path borrowed);
 * -1 when the path does not end in .<7 digits>.jpg (frame capture writes JPEG only). */
static long capture_number(const char *path, size_t *stem_len)
{
    const char *ext = strrchr(path, '.'), *digits;
    long n = 0;

    if (!ext || ext - path < 9 || (strcasecmp(ext, ".jpg") != 0 && strcasecmp(ext, ".jpeg") != 0))
        return -1;
    digits = ext - 7;
    if (digits[-1] != '.')
        return -1;
    for (const char *p = digits; p < ext; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        n = n * 10 + (*p - '0');
    }
    *stem_len = (size_t)(digits - 1 - path);
    return n;
}

/* Appends the URLs of captures .0000000 to .<last> of one output's path; false when the cap was hit. */
static bool add_captures(json_t *urls, const char *base, const char *path)
{
    size_t stem_len;
    long last = capture_number(path, &stem_len);
    const char *ext = strrchr(path, '.');

    for (long i = 0; i <= last; i++) {
        char *name, *url;

        if (json_array_size(urls) >= VP_PACKAGE_MAX_THUMBNAILS)
            return false;
        name = vp_xasprintf("%.*s.%07ld%s", (int)stem_len, path, i, ext);
        url = url_for(base, name, strlen(name));
        json_array_append_new(urls, json_string(url));
        free(url);
        free(name);
    }
    return true;
}

json_t *vp_package_thumbnail_urls(const char *base, const json_t *output_groups, bool *truncated)
{
    json_t *urls = json_array();
    const json_t *group, *output, *file;
    size_t i, j, k;

    *truncated = false;
    json_array_foreach(output_groups, i, group) {
        if (!group_is(group, "FILE_GROUP"))
            continue;
        json_array_foreach(json_object_get(group, "outputDetails"), j, output) {
            json_array_foreach(json_object_get(output, "outputFilePaths"), k, file) {
                const char *path = s3_path(json_string_value(file));

                if (path && !add_captures(urls, base, path))
                    *truncated = true;
            }
        }
    }
    return urls;
}
