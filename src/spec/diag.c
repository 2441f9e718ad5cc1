/* diag.c: accumulating diagnostics, sorted into document order for printing. */
#include "spec/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

static void add(struct vp_diags *d, enum vp_errcode code, struct vp_pos pos, char *msg)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = vp_xrealloc(d->items, d->cap * sizeof(*d->items));
    }
    d->items[d->n].code = code;
    d->items[d->n].pos = pos;
    d->items[d->n++].msg = msg;
}

void vp_diag_add(struct vp_diags *d, enum vp_errcode code, struct vp_pos pos, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *msg;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    msg = vp_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    msg[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    add(d, code, pos, msg);
}

void vp_diag_add_err(struct vp_diags *d, const struct vp_err *err)
{
    add(d, err->code, err->pos, vp_xstrdup(err->msg));
}

/* A diagnostic and where it was added, so equal positions keep the order they were found in. */
struct ranked {
    struct vp_diag d;
    size_t index;
};

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_pos(const struct vp_diag *a, const struct vp_diag *b)
{
    int c = cmp_str(a->pos.file, b->pos.file);

    if (c)
        return c;
    if (a->pos.line != b->pos.line)
        return a->pos.line < b->pos.line ? -1 : 1;
    if (a->pos.col != b->pos.col)
        return a->pos.col < b->pos.col ? -1 : 1;
    return 0;
}

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    int c = cmp_pos(&a->d, &b->d);

    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool same(const struct vp_diag *a, const struct vp_diag *b)
{
    return cmp_pos(a, b) == 0 && a->code == b->code && strcmp(a->msg, b->msg) == 0;
}

void vp_diags_sort(struct vp_diags *d)
{
    struct ranked *r;
    size_t kept = 0;

    if (d->n < 2)
        return;
    r = vp_xmalloc(d->n * sizeof(*r));
    for (size_t i = 0; i < d->n; i++)
        r[i] = (struct ranked){ d->items[i], i };
    qsort(r, d->n, sizeof(*r), cmp_ranked);
    for (size_t i = 0; i < d->n; i++) {
        bool dup = false;
        /* equal diagnostics sit at the same position, so only that run needs a look */
        for (size_t j = kept; j > 0 && cmp_pos(&d->items[j - 1], &r[i].d) == 0 && !dup; j--)
            dup = same(&d->items[j - 1], &r[i].d);
        if (dup)
            free(r[i].d.msg);
        else
            d->items[kept++] = r[i].d;
    }
    d->n = kept;
    free(r);
}

void vp_diags_release(struct vp_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].msg);
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}
