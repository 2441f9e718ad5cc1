/* buf.c: bounded growable buffers. */
#include "base/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

char vp_buf_empty[1];

void vp_buf_init(struct vp_buf *b, size_t max)
{
    b->data = vp_buf_empty;
    b->len = b->cap = 0;
    b->max = max;
}

static void grow(struct vp_buf *b, size_t extra)
{
    size_t want = b->len + extra + 1, cap = b->cap ? b->cap : 64;

    if (want <= b->cap)
        return;
    while (cap < want)
        cap *= 2;
    if (b->data == vp_buf_empty) {
        b->data = vp_xmalloc(cap);
        b->data[0] = '\0';
    } else {
        b->data = vp_xrealloc(b->data, cap);
    }
    b->cap = cap;
}

void vp_buf_put(struct vp_buf *b, const void *p, size_t n)
{
    grow(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

int vp_buf_add(struct vp_buf *b, const void *p, size_t n, struct vp_err *err)
{
    if (b->max && (n > b->max || b->len > b->max - n))
        return vp_fail(err, VP_E_LIMIT, "more than %zu bytes", b->max);
    vp_buf_put(b, p, n);
    return 0;
}

int vp_buf_adds(struct vp_buf *b, const char *s, struct vp_err *err)
{
    return vp_buf_add(b, s, strlen(s), err);
}

void vp_buf_puts(struct vp_buf *b, const char *s)
{
    vp_buf_put(b, s, strlen(s));
}

void vp_buf_putc(struct vp_buf *b, char c)
{
    vp_buf_put(b, &c, 1);
}

static void vaddf(struct vp_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n <= 0)
        return;
    grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void vp_buf_printf(struct vp_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vaddf(b, fmt, ap);
    va_end(ap);
}

int vp_buf_addf(struct vp_buf *b, struct vp_err *err, const char *fmt, ...)
{
    va_list ap;
    size_t before = b->len;

    va_start(ap, fmt);
    vaddf(b, fmt, ap);
    va_end(ap);
    if (b->max && b->len > b->max) {
        b->len = before;
        b->data[before] = '\0';
        return vp_fail(err, VP_E_LIMIT, "more than %zu bytes", b->max);
    }
    return 0;
}

void vp_buf_reset(struct vp_buf *b)
{
    b->len = 0;
    if (b->data != vp_buf_empty)
        b->data[0] = '\0';
}

char *vp_buf_detach(struct vp_buf *b, size_t *len)
{
    char *p = b->data == vp_buf_empty ? vp_xstrdup("") : b->data;

    if (len)
        *len = b->len;
    vp_buf_init(b, b->max);
    return p;
}

void vp_buf_release(struct vp_buf *b)
{
    if (b->data != vp_buf_empty)
        free(b->data);
    vp_buf_init(b, b->max);
}

int vp_buf_read_file(struct vp_buf *b, const char *path, struct vp_err *err)
{
    char chunk[8192];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        return vp_fail(err, VP_E_IO, "cannot read '%s': %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (vp_buf_add(b, chunk, n, err) < 0) {
            fclose(f);
            return vp_err_prefix(err, "reading '%s'", path);
        }
    }
    if (ferror(f)) {
        fclose(f);
        return vp_fail(err, VP_E_IO, "cannot read '%s': %s", path, strerror(errno));
    }
    fclose(f);
    return 0;
}
