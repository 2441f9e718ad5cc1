/* force_unlock.c: `vidpipe force-unlock LOCK_ID`: remove a lock left by a run that is gone. */
#include <stdio.h>

#include "cli/stack.h"

static const char usage[] =
    "usage: vidpipe force-unlock LOCK_ID [SPEC] [--state PATH]\n"
    "\n"
    "Removes the state lock with that id (shown in the error of a run that found it held). Only do this when\n"
    "the run that holds it is gone: two runs applying at once can both change AWS.\n"
    "\n"
    "Options:\n"
    "  --var NAME=VALUE      set a variable (repeatable): the stack's name, so its state, may come from one\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --state PATH          the local state file whose lock to remove, instead of the spec's backend\n";

int cmd_force_unlock(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    struct vp_stack st;
    struct vp_err err = { 0 };
    int status = 1;
    int rc;

    if ((rc = vp_cmd_opts_parse("force-unlock", argc, argv, OPT_VARS | OPT_STATE, usage, &o)) >= 0)
        return rc;
    if (o.n_args < 1 || o.n_args > 2) {
        vp_cmd_opts_release(&o);
        return vp_cli_usage_error("force-unlock", "expected LOCK_ID [SPEC]");
    }
    if (vp_stack_open(cli, &o, vp_default_spec_path(o.n_args == 2 ? o.args[1] : NULL), NULL, &st)) {
        vp_cmd_opts_release(&o);
        return 1;
    }
    if (st.backend->force_unlock(st.backend, o.args[0], &err) < 0) {
        vp_cli_print_err(cli, &err);
    } else {
        printf("Lock %s removed from %s.\n", o.args[0], st.backend->where);
        status = 0;
    }
    vp_stack_close(cli, &st);
    vp_cmd_opts_release(&o);
    return status;
}
