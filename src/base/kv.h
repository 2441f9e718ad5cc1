/* kv.h: an ordered list of name/value string pairs, for HTTP headers and query parameters. Order is kept:
 * duplicate names are allowed and meaningful (SigV4 joins repeated headers in request order). */
#ifndef VP_BASE_KV_H
#define VP_BASE_KV_H

#include <stddef.h>

struct vp_kv {
    char *name, *value;         /* owned */
};

struct vp_kvlist {
    struct vp_kv *items;
    size_t n, cap;
};

#define VP_KVLIST_INIT { NULL, 0, 0 }

void vp_kv_add(struct vp_kvlist *l, const char *name, const char *value);
void vp_kv_addn(struct vp_kvlist *l, const char *name, size_t name_len, const char *value, size_t value_len);
/* Replaces every pair of that name (case-insensitively) with one pair, or adds it. */
void vp_kv_set(struct vp_kvlist *l, const char *name, const char *value);
/* The first value of that name, compared case-insensitively; borrowed; NULL if absent. */
const char *vp_kv_get(const struct vp_kvlist *l, const char *name);
void vp_kv_remove(struct vp_kvlist *l, const char *name);
void vp_kv_copy(struct vp_kvlist *dst, const struct vp_kvlist *src);
void vp_kv_release(struct vp_kvlist *l);

#endif
