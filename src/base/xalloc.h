/* xalloc.h: allocation that aborts on exhaustion, as git and aws-c-common do, so error paths are kept for
 * failures a user can act on. */
#ifndef VP_BASE_XALLOC_H
#define VP_BASE_XALLOC_H

#include <stddef.h>

void *vp_xmalloc(size_t n);
void *vp_xcalloc(size_t count, size_t size);
void *vp_xrealloc(void *p, size_t n);
char *vp_xstrdup(const char *s);
char *vp_xstrndup(const char *s, size_t n);
/* A new string formatted as by printf; the caller frees it. */
char *vp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
