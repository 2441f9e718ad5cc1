/* kv.c: ordered name/value lists. */
#include "base/kv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"

void vp_kv_addn(struct vp_kvlist *l, const char *name, size_t name_len, const char *value, size_t value_len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = vp_xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->n].name = vp_xstrndup(name, name_len);
    l->items[l->n].value = vp_xstrndup(value, value_len);
    l->n++;
}

void vp_kv_add(struct vp_kvlist *l, const char *name, const char *value)
{
    vp_kv_addn(l, name, strlen(name), value, strlen(value));
}

const char *vp_kv_get(const struct vp_kvlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->items[i].name, name) == 0)
            return l->items[i].value;
    return NULL;
}

void vp_kv_remove(struct vp_kvlist *l, const char *name)
{
    size_t j = 0;

    for (size_t i = 0; i < l->n; i++) {
        if (strcasecmp(l->items[i].name, name) == 0) {
            free(l->items[i].name);
            free(l->items[i].value);
        } else {
            l->items[j++] = l->items[i];
        }
    }
    l->n = j;
}

void vp_kv_set(struct vp_kvlist *l, const char *name, const char *value)
{
    vp_kv_remove(l, name);
    vp_kv_add(l, name, value);
}

void vp_kv_copy(struct vp_kvlist *dst, const struct vp_kvlist *src)
{
    for (size_t i = 0; i < src->n; i++)
        vp_kv_add(dst, src->items[i].name, src->items[i].value);
}

void vp_kv_release(struct vp_kvlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}
