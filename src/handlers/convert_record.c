/* convert_record.c: one S3 event record to one upload: the key decoded as S3 encodes it, split into the
 * user id, video id and file name presign.c put in it, and the job's idempotency token. Records come from
 * the outside: every field's type and size is checked before use. */
#include "handlers/convert.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "aws/uri.h"
#include "base/buf.h"
#include "base/xalloc.h"

void vp_upload_release(struct vp_upload *up)
{
    free(up->bucket);
    free(up->key);
    free(up->user_id);
    free(up->video_id);
    free(up->filename);
    free(up->version);
    memset(up, 0, sizeof(*up));
}

/* ---- the key ---- */

/* Every '%' starts an escape of two hex digits (S3 writes '%' itself as %25). */
static bool escapes_valid(const char *raw)
{
    for (const char *p = strchr(raw, '%'); p; p = strchr(p + 1, '%'))
        if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
            return false;
    return true;
}

static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
            return true;
    return false;
}

int vp_convert_decode_key(const char *raw, char **key, struct vp_err *err)
{
    struct vp_buf out = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    json_t *utf8;

    *key = NULL;
    if (strlen(raw) > 3 * VP_CONVERT_KEY_MAX)
        return vp_fail(err, VP_E_PARSE, "key is longer than %d bytes", VP_CONVERT_KEY_MAX);
    if (!escapes_valid(raw))
        return vp_fail(err, VP_E_PARSE, "key has a '%%' that is not followed by two hex digits");
    vp_uri_decode(&out, raw, strlen(raw), true);
    if (out.len == 0 || out.len > VP_CONVERT_KEY_MAX) {
        vp_buf_release(&out);
        return vp_fail(err, VP_E_PARSE, "key is empty or longer than %d bytes", VP_CONVERT_KEY_MAX);
    }
    if (has_control(out.data, out.len)) {           /* NUL (%00) included */
        vp_buf_release(&out);
        return vp_fail(err, VP_E_PARSE, "key holds a control character");
    }
    utf8 = json_stringn(out.data, out.len);         /* jansson refuses bytes that are not UTF-8 */
    if (!utf8) {
        vp_buf_release(&out);
        return vp_fail(err, VP_E_PARSE, "key is not UTF-8");
    }
    json_decref(utf8);
    *key = vp_buf_detach(&out, NULL);
    return 0;
}

static bool only_chars(const char *s, size_t n, const char *extra)
{
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i]))
            return false;
    return true;
}

static bool dot_segment(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

int vp_convert_split_key(const char *key, const char *prefix, struct vp_upload *up, struct vp_err *err)
{
    size_t plen = strlen(prefix), ulen, vlen, flen;
    const char *user, *video, *file, *slash;

    if (strncmp(key, prefix, plen) != 0)
        return 0;
    user = key + plen;
    if (!(slash = strchr(user, '/')))
        return vp_fail(err, VP_E_PARSE, "key is not <prefix><user>/<video>/<file>: no video segment");
    ulen = (size_t)(slash - user);
    video = slash + 1;
    if (!(slash = strchr(video, '/')))
        return vp_fail(err, VP_E_PARSE, "key is not <prefix><user>/<video>/<file>: no file segment");
    vlen = (size_t)(slash - video);
    file = slash + 1;
    flen = strlen(file);
    if (strchr(file, '/'))
        return vp_fail(err, VP_E_PARSE, "key is not <prefix><user>/<video>/<file>: too many segments");
    if (ulen == 0 || ulen > VP_CONVERT_USER_ID_MAX || !only_chars(user, ulen, "_-%"))
        return vp_fail(err, VP_E_PARSE,
                       "key's user segment is empty, too long or holds a character outside A-Z a-z 0-9 _ - %%");
    if (vlen == 0 || vlen > VP_CONVERT_VIDEO_ID_MAX || !only_chars(video, vlen, "_-"))
        return vp_fail(err, VP_E_PARSE,
                       "key's video segment is empty, too long or holds a character outside A-Z a-z 0-9 _ -");
    if (flen == 0 || dot_segment(file, flen))
        return vp_fail(err, VP_E_PARSE, "key's file name is empty, '.' or '..'");
    up->user_id = vp_xstrndup(user, ulen);
    up->video_id = vp_xstrndup(video, vlen);
    up->filename = vp_xstrdup(file);
    return 1;
}

/* ---- the record ---- */

/* A string member, or NULL when it is absent or not a string. */
static const char *str_at(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool is_object_created(const json_t *record)
{
    const char *source = str_at(record, "eventSource"), *name = str_at(record, "eventName");

    return source && strcmp(source, "aws:s3") == 0 && name && strncmp(name, "ObjectCreated:", 14) == 0;
}

static const char *object_version(const json_t *object)
{
    const char *v = str_at(object, "versionId");

    if (v && *v && strlen(v) <= 1024)
        return v;
    v = str_at(object, "sequencer");
    if (v && *v && strlen(v) <= 1024)
        return v;
    return "";
}

int vp_convert_parse_record(const json_t *record, const char *prefix, struct vp_upload *up, const char **why,
                            struct vp_err *err)
{
    const json_t *s3, *object;
    const char *bucket, *raw_key;
    char *key;
    int taken;

    memset(up, 0, sizeof(*up));
    *why = NULL;
    if (!json_is_object(record))
        return vp_fail(err, VP_E_PARSE, "record is not an object");
    if (!is_object_created(record)) {
        *why = "not an S3 ObjectCreated record";
        return 0;
    }
    s3 = json_object_get(record, "s3");
    object = json_object_get(s3, "object");
    bucket = str_at(json_object_get(s3, "bucket"), "name");
    raw_key = str_at(object, "key");
    if (!json_is_object(s3) || !json_is_object(object) || !bucket || !raw_key)
        return vp_fail(err, VP_E_PARSE, "record has no s3.bucket.name and s3.object.key strings");
    if (*bucket == '\0' || strlen(bucket) > 63 || strchr(bucket, '/') || has_control(bucket, strlen(bucket)))
        return vp_fail(err, VP_E_PARSE, "record's bucket name is not an S3 bucket name");
    if (vp_convert_decode_key(raw_key, &key, err) < 0)
        return -1;
    taken = vp_convert_split_key(key, prefix, up, err);
    if (taken <= 0) {
        free(key);
        if (taken == 0)
            *why = "key is outside the upload prefix";
        return taken;
    }
    up->bucket = vp_xstrdup(bucket);
    up->key = key;
    up->version = vp_xstrdup(object_version(object));
    return 1;
}

void vp_convert_token(const char *bucket, const char *key, const char *version, char out[VP_CONVERT_TOKEN_LEN + 1])
{
    char *text = vp_xasprintf("%s\n%s\n%s", bucket, key, version);

    vp_sha256_hex(text, strlen(text), out);
    free(text);
}
