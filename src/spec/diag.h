/* diag.h: diagnostics that accumulate, as Terraform's do: validation reports every problem it finds, each
 * with its position, before vidpipe stops. Printed "FILE:LINE:COL: error: MESSAGE" by cli/. */
#ifndef VP_SPEC_DIAG_H
#define VP_SPEC_DIAG_H

#include <stddef.h>

#include "base/err.h"

struct vp_diag {
    enum vp_errcode code;
    struct vp_pos pos;
    char *msg;                          /* "unknown key 'hash_kye'; did you mean 'hash_key'?" */
};

struct vp_diags {
    struct vp_diag *items;
    size_t n, cap;
};

#define VP_DIAGS_INIT { NULL, 0, 0 }

void vp_diag_add(struct vp_diags *d, enum vp_errcode code, struct vp_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Copies an error (with its position) in as one diagnostic. */
void vp_diag_add_err(struct vp_diags *d, const struct vp_err *err);
/* Sorts by file, line and column (so output follows the document) and drops exact duplicates. */
void vp_diags_sort(struct vp_diags *d);
void vp_diags_release(struct vp_diags *d);

#endif
