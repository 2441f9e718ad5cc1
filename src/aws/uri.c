/* uri.c: percent-encoding and decoding. */
#include "aws/uri.h"

#include <string.h>

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

void vp_uri_encode(struct vp_buf *out, const char *s, size_t n, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (is_unreserved(c) || (keep_slash && c == '/')) {
            vp_buf_putc(out, (char)c);
        } else {
            char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
            vp_buf_put(out, esc, 3);
        }
    }
}

char *vp_uri_encode_new(const char *s, bool keep_slash)
{
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    vp_uri_encode(&b, s, strlen(s), keep_slash);
    return vp_buf_detach(&b, NULL);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void vp_uri_decode(struct vp_buf *out, const char *s, size_t n, bool plus_is_space)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            vp_buf_putc(out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            vp_buf_putc(out, ' ');
        } else {
            vp_buf_putc(out, s[i]);
        }
    }
}

char *vp_uri_decode_new(const char *s, bool plus_is_space)
{
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    vp_uri_decode(&b, s, strlen(s), plus_is_space);
    return vp_buf_detach(&b, NULL);
}
