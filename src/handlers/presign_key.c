/* presign_key.c: the pieces of an upload's object key: a fresh video id and a file name that is safe as the
 * key's last segment. */
#include "handlers/presign.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "base/buf.h"
#include "base/xalloc.h"

void vp_video_id_format(uint64_t unix_ms, const unsigned char random[10], char out[VP_VIDEO_ID_LEN + 1])
{
    static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char bytes[16];

    for (int i = 0; i < 6; i++)
        bytes[i] = (unsigned char)(unix_ms >> (8 * (5 - i)));
    memcpy(bytes + 6, random, 10);
    /* 26 characters carry 130 bits: the first holds only the top 3 bits of the 128. Bit b counts from the
     * most significant bit of bytes[0]; character i covers bits 5i-2 .. 5i+2. */
    for (int i = 0; i < VP_VIDEO_ID_LEN; i++) {
        unsigned v = 0;

        for (int b = 5 * i - 2; b <= 5 * i + 2; b++) {
            unsigned bit = b < 0 ? 0 : (bytes[b / 8] >> (7 - b % 8)) & 1u;
            v = (v << 1) | bit;
        }
        out[i] = crockford[v];
    }
    out[VP_VIDEO_ID_LEN] = '\0';
}

int vp_video_id_new(char out[VP_VIDEO_ID_LEN + 1], struct vp_err *err)
{
    unsigned char random[10];
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0)
        return vp_fail(err, VP_E_IO, "reading the clock failed");
    if (RAND_bytes(random, sizeof(random)) != 1)
        return vp_fail(err, VP_E_IO, "the random number generator failed");
    vp_video_id_format((uint64_t)ts.tv_sec * 1000u + (uint64_t)(ts.tv_nsec / 1000000), random, out);
    return 0;
}

static bool is_safe(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

/* The last segment after '/' or '\'. */
static const char *base_name(const char *name)
{
    const char *base = name;

    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    return base;
}

/* Safe bytes only, one '_' for each run of others, runs of '.' or '_' collapsed, no leading '.' or '-'. */
static void clean_bytes(const char *in, struct vp_buf *out)
{
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        char c = (char)*p;
        char last = out->len ? out->data[out->len - 1] : '\0';

        if (*p < 0x20 || *p == 0x7f)
            continue;
        if (!is_safe(*p))
            c = '_';
        if ((c == '_' || c == '.') && c == last)
            continue;
        if (out->len == 0 && (c == '.' || c == '-'))
            continue;
        vp_buf_putc(out, c);
    }
    while (out->len && out->data[out->len - 1] == '.')
        out->data[--out->len] = '\0';
}

/* Cuts name to VP_FILENAME_MAX bytes, keeping an extension of up to 16 bytes (".mp4", ".webm"). */
static void bound_length(struct vp_buf *name)
{
    const char *dot = strrchr(name->data, '.');
    size_t ext_len = dot ? strlen(dot) : 0;
    char *ext;

    if (name->len <= VP_FILENAME_MAX)
        return;
    if (!dot || dot == name->data || ext_len > 16)
        ext_len = 0;
    ext = vp_xstrdup(name->data + name->len - ext_len);
    name->len = VP_FILENAME_MAX - ext_len;
    while (name->len && (name->data[name->len - 1] == '.' || name->data[name->len - 1] == '_'))
        name->len--;
    name->data[name->len] = '\0';
    if (name->len == 0)
        vp_buf_puts(name, "video");     /* never let the extension become a leading '.' */
    vp_buf_puts(name, ext);
    free(ext);
}

char *vp_presign_filename(const char *name)
{
    struct vp_buf out = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    clean_bytes(base_name(name), &out);
    bound_length(&out);
    if (out.len == 0)
        vp_buf_puts(&out, "video");
    return vp_buf_detach(&out, NULL);
}
