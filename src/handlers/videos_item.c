/* videos_item.c: one row of the videos table (DynamoDB JSON) as GET /videos shows it. The attribute names
 * are the pipeline's (convert and package write them): user_id, video_id, status, source_key, job_id,
 * created_at, filename, playback_url, thumbnail_urls (a list of strings) and error_message. Internal ones
 * (source_key, job_id) are not shown. */
#include "handlers/videos.h"

#include <stdlib.h>
#include <string.h>

static const char *string_attr(const json_t *item, const char *name)
{
    const json_t *s = json_object_get(json_object_get(item, name), "S");

    return json_is_string(s) ? json_string_value(s) : NULL;
}

/* created_at as written: a string (RFC 3339) stays a string; a number (epoch seconds) becomes a number. */
static json_t *created_at(const json_t *item)
{
    const json_t *attr = json_object_get(item, "created_at");
    const json_t *s = json_object_get(attr, "S"), *n = json_object_get(attr, "N");

    if (json_is_string(s))
        return json_copy((json_t *)s);
    if (json_is_string(n))
        return json_integer(strtoll(json_string_value(n), NULL, 10));
    return json_null();
}

/* The file name the user uploaded, as sanitised into the key: the filename attribute, else the key's last
 * segment. */
static const char *filename(const json_t *item)
{
    const char *name = string_attr(item, "filename"), *key = string_attr(item, "source_key"), *slash;

    if (name || !key)
        return name;
    slash = strrchr(key, '/');
    return slash ? slash + 1 : key;
}

static json_t *thumbnail_urls(const json_t *item)
{
    const json_t *list = json_object_get(json_object_get(item, "thumbnail_urls"), "L");
    json_t *urls = json_array();
    size_t i;
    const json_t *v;

    json_array_foreach(list, i, v) {
        const json_t *s = json_object_get(v, "S");

        if (json_is_string(s))
            json_array_append_new(urls, json_copy((json_t *)s));
    }
    return urls;
}

json_t *vp_videos_item(const json_t *item)
{
    const char *video_id = string_attr(item, "video_id"), *status = string_attr(item, "status");
    const char *name = filename(item);
    json_t *out;

    if (!video_id)
        return NULL;
    if (!status)
        status = "UNKNOWN";
    out = json_pack("{s:s, s:s, s:o}", "video_id", video_id, "status", status, "created_at", created_at(item));
    if (name && *name)
        json_object_set_new(out, "filename", json_string(name));
    if (strcmp(status, "READY") == 0) {
        const char *playback = string_attr(item, "playback_url");

        if (playback)
            json_object_set_new(out, "playback_url", json_string(playback));
        json_object_set_new(out, "thumbnail_urls", thumbnail_urls(item));
    }
    if (strcmp(status, "FAILED") == 0) {
        const char *error = string_attr(item, "error_message");

        json_object_set_new(out, "error", json_string(error ? error : "processing failed"));
    }
    return out;
}
