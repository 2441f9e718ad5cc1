/* buf.h: a growable byte buffer with a ceiling, always NUL-terminated. An append past the ceiling fails
 * (a 6 MB hostile body stops here) instead of growing without bound. */
#ifndef VP_BASE_BUF_H
#define VP_BASE_BUF_H

#include <stddef.h>

#include "base/err.h"

struct vp_buf {
    char *data;                 /* never NULL after init; NUL-terminated */
    size_t len, cap, max;       /* max 0: no ceiling */
};

extern char vp_buf_empty[1];
#define VP_BUF_INIT(limit) { .data = vp_buf_empty, .len = 0, .cap = 0, .max = (limit) }
#define VP_BUF_UNBOUNDED 0

void vp_buf_init(struct vp_buf *b, size_t max);
int vp_buf_add(struct vp_buf *b, const void *p, size_t n, struct vp_err *err);
int vp_buf_adds(struct vp_buf *b, const char *s, struct vp_err *err);
int vp_buf_addf(struct vp_buf *b, struct vp_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Unbounded appends for buffers built from trusted pieces (max must be 0); they cannot fail. */
void vp_buf_put(struct vp_buf *b, const void *p, size_t n);
void vp_buf_puts(struct vp_buf *b, const char *s);
void vp_buf_putc(struct vp_buf *b, char c);
void vp_buf_printf(struct vp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vp_buf_reset(struct vp_buf *b);                /* len 0, memory kept */
char *vp_buf_detach(struct vp_buf *b, size_t *len); /* the caller owns the bytes; b is reset to empty */
void vp_buf_release(struct vp_buf *b);              /* frees; b is as after VP_BUF_INIT with the same max */
/* Reads a whole file into b (bounded by b->max). */
int vp_buf_read_file(struct vp_buf *b, const char *path, struct vp_err *err);

#endif
