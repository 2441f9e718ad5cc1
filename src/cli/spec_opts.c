/* spec_opts.c: --var and --var-file, and loading a spec with them and the registered resource types;
 * validation diagnostics are printed here, one a line, then a summary. */
#include "cli/spec_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/resource.h"

void vp_spec_opts_init(struct vp_spec_opts *o)
{
    memset(o, 0, sizeof(*o));
}

int vp_spec_opts_add_var(struct vp_spec_opts *o, const char *assignment, struct vp_err *err)
{
    const char *eq = strchr(assignment, '=');

    if (!eq || eq == assignment)
        return vp_fail(err, VP_E_USAGE, "--var takes NAME=VALUE, not '%s'", assignment);
    vp_kv_addn(&o->vars, assignment, (size_t)(eq - assignment), eq + 1, strlen(eq + 1));
    return 0;
}

void vp_spec_opts_add_var_file(struct vp_spec_opts *o, const char *path)
{
    o->var_files = vp_xrealloc(o->var_files, (o->n_var_files + 1) * sizeof(*o->var_files));
    o->var_files[o->n_var_files++] = path;
}

static void print_diag(const struct vp_diag *d)
{
    if (d->pos.file && d->pos.line)
        fprintf(stderr, "%s:%d:%d: error: %s\n", d->pos.file, d->pos.line, d->pos.col, d->msg);
    else if (d->pos.file)
        fprintf(stderr, "%s: error: %s\n", d->pos.file, d->msg);
    else
        fprintf(stderr, "vidpipe: error: %s\n", d->msg);
}

struct vp_spec *vp_spec_opts_load(const struct vp_spec_opts *o, const char *path)
{
    struct vp_spec_options opts = {
        .var_files = o->var_files, .n_var_files = o->n_var_files, .vars = &o->vars, .types = vp_resource_schemas(),
    };
    struct vp_diags diags = VP_DIAGS_INIT;
    struct vp_spec *spec = NULL;

    if (vp_spec_load(path, &opts, &spec, &diags) < 0) {
        for (size_t i = 0; i < diags.n; i++)
            print_diag(&diags.items[i]);
        fprintf(stderr, "vidpipe: %zu error%s in %s\n", diags.n, diags.n == 1 ? "" : "s", path);
    }
    vp_diags_release(&diags);
    return spec;
}

void vp_spec_opts_release(struct vp_spec_opts *o)
{
    vp_kv_release(&o->vars);
    free(o->var_files);
    memset(o, 0, sizeof(*o));
}
