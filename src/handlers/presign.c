/* presign.c: POST /upload. A signed-in caller asks to upload one video ({filename, content_type,
 * size_bytes}); the answer is a presigned S3 PUT URL for a fresh key under the caller's own prefix:
 *
 *   <VIDPIPE_UPLOAD_PREFIX><user id>/<video id>/<file name>
 *
 * The user id is the JWT sub made safe as one key segment (vp_apigw_user_id), the video id a fresh ULID and
 * the file name a sanitised copy of the client's (vp_presign_filename), so no input can move the key out of
 * the caller's prefix. Presigning is local: no call reaches S3 or any other service. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"
#include "handlers/apigw.h"
#include "handlers/config.h"
#include "handlers/handler.h"
#include "handlers/presign.h"

#define BODY_MAX (64u * 1024)               /* {filename, content_type, size_bytes} is a few hundred bytes */
#define FILENAME_IN_MAX 1024                /* longer is not a file name: 400, not silently cut */
#define SINGLE_PUT_MAX (5LL << 30)          /* S3 refuses a single PUT over 5 GiB */
#define DEFAULT_CONTENT_TYPES "video/mp4,video/quicktime,video/webm,video/x-matroska,video/x-msvideo,video/mpeg"

struct presign_config {
    char *bucket;
    char *prefix;                           /* "" or ends with '/' */
    char **content_types;                   /* lower case */
    size_t n_content_types;
    long long max_upload_bytes;
    long expires_s;
};

static void presign_release(void *config)
{
    struct presign_config *c = config;

    if (!c)
        return;
    for (size_t i = 0; i < c->n_content_types; i++)
        free(c->content_types[i]);
    free(c->content_types);
    free(c->bucket);
    free(c->prefix);
    free(c);
}

/* ---- init: the settings, each checked once ---- */

static int read_bucket(struct presign_config *c, struct vp_err *err)
{
    const char *v;
    size_t n;

    if (vp_env_required("VIDPIPE_UPLOAD_BUCKET", &v, err) < 0)
        return -1;
    n = strlen(v);
    if (n < 3 || n > 63 || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789.-") != n)
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_UPLOAD_BUCKET '%s' is not an S3 bucket name", v);
    c->bucket = vp_xstrdup(v);
    return 0;
}

/* The prefix is the operator's, but is still checked: it must keep keys relative and segment-clean. */
static int read_prefix(struct presign_config *c, struct vp_err *err)
{
    const char *v = getenv("VIDPIPE_UPLOAD_PREFIX");
    size_t n;

    if (!v)
        v = "uploads/";
    n = strlen(v);
    if (n > 256 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/") != n ||
        v[0] == '/' || (n && v[n - 1] != '/') || strstr(v, "//") || strstr(v, "/.") || strstr(v, "./") || v[0] == '.')
        return vp_fail(err, VP_E_USAGE,
                       "VIDPIPE_UPLOAD_PREFIX '%s' must be empty or like 'uploads/': segments of A-Z a-z 0-9 . _ - "
                       "each ending in '/', none starting with '.'", v);
    c->prefix = vp_xstrdup(v);
    return 0;
}

static bool is_media_type(const char *s)
{
    const char *slash = strchr(s, '/');
    static const char token[] = "abcdefghijklmnopqrstuvwxyz0123456789.+-";

    return slash && slash > s && slash[1] && strspn(s, token) == (size_t)(slash - s) &&
           strspn(slash + 1, token) == strlen(slash + 1);
}

static int read_content_types(struct presign_config *c, struct vp_err *err)
{
    char *list = vp_xstrdup(vp_env_or("VIDPIPE_ALLOWED_CONTENT_TYPES", DEFAULT_CONTENT_TYPES)), *save = NULL;
    int ret = 0;

    for (char *item = strtok_r(list, ",", &save); item && ret == 0; item = strtok_r(NULL, ",", &save)) {
        char *end = item + strlen(item);

        while (*item == ' ' || *item == '\t')
            item++;
        while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        for (char *p = item; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!is_media_type(item)) {
            ret = vp_fail(err, VP_E_USAGE, "VIDPIPE_ALLOWED_CONTENT_TYPES: '%s' is not a media type like video/mp4",
                          item);
            break;
        }
        c->content_types = vp_xrealloc(c->content_types, (c->n_content_types + 1) * sizeof(*c->content_types));
        c->content_types[c->n_content_types++] = vp_xstrdup(item);
    }
    if (ret == 0 && c->n_content_types == 0)
        ret = vp_fail(err, VP_E_USAGE, "VIDPIPE_ALLOWED_CONTENT_TYPES lists no media type");
    free(list);
    return ret;
}

static int presign_init(void **config, struct vp_err *err)
{
    struct presign_config *c = vp_xcalloc(1, sizeof(*c));
    long long expires_s = 0;

    *config = NULL;
    if (read_bucket(c, err) < 0 || read_prefix(c, err) < 0 || read_content_types(c, err) < 0 ||
        vp_env_integer("VIDPIPE_MAX_UPLOAD_BYTES", SINGLE_PUT_MAX, 1, SINGLE_PUT_MAX, &c->max_upload_bytes, err) < 0 ||
        vp_env_integer("VIDPIPE_UPLOAD_URL_EXPIRES", 900, 1, 3600, &expires_s, err) < 0) {
        presign_release(c);
        return vp_err_prefix(err, "presign");
    }
    c->expires_s = (long)expires_s;
    *config = c;
    return 0;
}

/* ---- handle ---- */

/* What the client asked for, checked. Strings are borrowed from the parsed body. */
struct upload_request {
    const char *filename;
    const char *content_type;               /* the allowlist's spelling */
    long long size_bytes;
};

static const char *allowed_type(const struct presign_config *c, const char *requested)
{
    for (size_t i = 0; i < c->n_content_types; i++)
        if (strcasecmp(requested, c->content_types[i]) == 0)
            return c->content_types[i];
    return NULL;
}

/* NULL with *r filled, or the 400 response that says which field is wrong. */
static json_t *check_request(const struct presign_config *c, const json_t *body, struct upload_request *r)
{
    const json_t *filename = json_object_get(body, "filename"), *type = json_object_get(body, "content_type"),
                 *size = json_object_get(body, "size_bytes");

    if (!json_is_string(filename))
        return vp_apigw_error(400, "invalid_request", "'filename' must be a string");
    if (json_string_length(filename) > FILENAME_IN_MAX)
        return vp_apigw_error(400, "invalid_request", "'filename' is longer than %d bytes", FILENAME_IN_MAX);
    if (!json_is_string(type))
        return vp_apigw_error(400, "invalid_request", "'content_type' must be a string");
    if (!(r->content_type = allowed_type(c, json_string_value(type))))
        return vp_apigw_error(400, "unsupported_content_type", "'content_type' must be one of the allowed video "
                              "types (%s%s)", c->content_types[0], c->n_content_types > 1 ? ", ..." : "");
    if (!json_is_integer(size))
        return vp_apigw_error(400, "invalid_request", "'size_bytes' must be a whole number");
    r->size_bytes = json_integer_value(size);
    if (r->size_bytes < 1 || r->size_bytes > c->max_upload_bytes)
        return vp_apigw_error(400, "invalid_size", "'size_bytes' must be from 1 to %lld", c->max_upload_bytes);
    r->filename = json_string_value(filename);
    return NULL;
}

/* A failure on our side: the details go to the log, the client gets a plain 500. */
static json_t *internal_error(struct vp_lambda_ctx *ctx, const char *what, const struct vp_err *err)
{
    vp_lambda_log(ctx, "ERROR", NULL, "%s: %s", what, err->msg);
    return vp_apigw_error(500, "internal", "the upload could not be prepared; try again");
}

static json_t *answer(const struct presign_config *c, struct vp_lambda_ctx *ctx, const char *sub,
                      const struct upload_request *r)
{
    char video_id[VP_VIDEO_ID_LEN + 1], *user_id, *filename, *url = NULL;
    struct vp_presign_put put = { .bucket = c->bucket, .content_type = r->content_type,
                                  .content_length = r->size_bytes, .expires_s = c->expires_s,
                                  .now = ctx->aws->now() };
    struct vp_err err = { 0 };
    json_t *resp;
    char *key;

    if (vp_video_id_new(video_id, &err) < 0)
        return internal_error(ctx, "making a video id", &err);
    user_id = vp_apigw_user_id(sub);
    filename = vp_presign_filename(r->filename);
    put.key = key = vp_xasprintf("%s%s/%s/%s", c->prefix, user_id, video_id, filename);
    if (vp_presign_put_url(ctx->aws, &put, &url, &err) < 0) {
        resp = internal_error(ctx, "presigning the upload URL", &err);
    } else {
        json_t *fields = json_pack("{s:s, s:s, s:I}", "video_id", video_id, "key", key, "size_bytes",
                                   (json_int_t)r->size_bytes);

        vp_lambda_log(ctx, "INFO", fields, "presigned an upload");
        json_decref(fields);
        char length[24];

        snprintf(length, sizeof length, "%lld", r->size_bytes);
        resp = vp_apigw_response(200, json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:i}", "video_id", video_id,
                                                "key", key, "upload_url", url, "method", "PUT", "headers",
                                                "Content-Type", r->content_type, "Content-Length", length,
                                                "expires_in", (int)c->expires_s));
    }
    free(url);
    free(key);
    free(filename);
    free(user_id);
    return resp;
}

static int presign_handle(void *config, struct vp_lambda_ctx *ctx, const json_t *event, json_t **response,
                          struct vp_err *err)
{
    const struct presign_config *c = config;
    struct upload_request r = { 0 };
    const char *sub = vp_apigw_caller(event);
    json_t *body;

    (void)err;
    if (!sub) {
        *response = vp_apigw_unauthorized();
        return 0;
    }
    if (!(body = vp_apigw_json_body(event, BODY_MAX, response)))
        return 0;
    if (!(*response = check_request(c, body, &r)))
        *response = answer(c, ctx, sub, &r);
    json_decref(body);
    return 0;
}

const struct vp_handler vp_handler_presign = {
    .name = "presign",
    .init = presign_init,
    .handle = presign_handle,
    .release = presign_release,
};
