/* uri.h: RFC 3986 percent-encoding as AWS uses it: everything but the unreserved characters
 * A-Z a-z 0-9 - _ . ~ is encoded, with upper-case hex digits. */
#ifndef VP_AWS_URI_H
#define VP_AWS_URI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Appends s[0..n) encoded; with keep_slash, '/' is left as is (for paths). */
void vp_uri_encode(struct vp_buf *out, const char *s, size_t n, bool keep_slash);
/* A new string: s encoded (caller frees). */
char *vp_uri_encode_new(const char *s, bool keep_slash);
/* Appends s[0..n) decoded; with plus_is_space, '+' becomes ' ' (form bodies, S3 event keys). A '%' not followed
 * by two hex digits is kept as is. */
void vp_uri_decode(struct vp_buf *out, const char *s, size_t n, bool plus_is_space);
char *vp_uri_decode_new(const char *s, bool plus_is_space);

#endif
