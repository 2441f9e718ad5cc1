/* destroy.c: `vidpipe destroy`: remove every resource of the stack, dependents first. */
#include <stdio.h>

#include "cli/apply_run.h"

static const char usage[] =
    "usage: vidpipe destroy [SPEC] [OPTIONS]\n"
    "\n"
    "Destroys every resource in the stack's state, in reverse dependency order, after asking for 'yes' on a\n"
    "terminal (never waits without one: pass --auto-approve).\n"
    "\n"
    "Options:\n"
    "  --auto-approve        do not ask\n"
    "  --var NAME=VALUE      set a variable (repeatable)\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --target ADDRESS      only this resource and what depends on it (repeatable)\n"
    "  --parallelism N       up to N operations at once (default 10)\n"
    "  --lock-timeout D      wait up to D for the state lock\n"
    "  --state PATH          use this local state file instead of the spec's backend\n";

int cmd_destroy(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    const char *path;
    int status;
    int rc;

    if ((rc = vp_cmd_opts_parse("destroy", argc, argv,
                               OPT_VARS | OPT_STATE | OPT_AUTO_APPROVE | OPT_TARGET | OPT_PARALLELISM | OPT_LOCK_TIMEOUT,
                               usage, &o)) >= 0)
        return rc;
    if (o.n_args > 1 || !(path = vp_default_spec_path(o.n_args ? o.args[0] : NULL))) {
        vp_cmd_opts_release(&o);
        return vp_cli_usage_error("destroy", o.n_args > 1 ? "expected one SPEC" : "no SPEC given and no vidpipe.yaml here");
    }
    status = vp_run_apply(cli, &o, path, NULL, true);
    vp_cmd_opts_release(&o);
    return status;
}
