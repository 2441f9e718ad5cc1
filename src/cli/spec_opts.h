/* spec_opts.h: the options every command that reads a spec shares (--var, --var-file), and loading the spec
 * with them: validation diagnostics are printed here, "FILE:LINE:COL: error: MESSAGE", one a line, then a
 * summary line. Implemented in spec_opts.c. */
#ifndef VP_CLI_SPEC_OPTS_H
#define VP_CLI_SPEC_OPTS_H

#include <stddef.h>

#include "base/err.h"
#include "base/kv.h"
#include "spec/spec.h"

struct vp_spec_opts {
    struct vp_kvlist vars;              /* --var NAME=VALUE, in order */
    const char **var_files;             /* --var-file FILE, in order (borrowed from argv) */
    size_t n_var_files;
};

void vp_spec_opts_init(struct vp_spec_opts *o);
/* --var NAME=VALUE: -1 with err filled when there is no '=' or no name. */
int vp_spec_opts_add_var(struct vp_spec_opts *o, const char *assignment, struct vp_err *err);
void vp_spec_opts_add_var_file(struct vp_spec_opts *o, const char *path);
/* Loads and validates path with the registered resource types; on failure prints every diagnostic and
 * returns NULL. */
struct vp_spec *vp_spec_opts_load(const struct vp_spec_opts *o, const char *path);
void vp_spec_opts_release(struct vp_spec_opts *o);

#endif
