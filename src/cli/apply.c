/* apply.c: `vidpipe apply`: make AWS match the spec, or carry out a saved plan. */
#include <stdio.h>

#include "cli/apply_run.h"
#include "engine/planfile.h"

static const char usage[] =
    "usage: vidpipe apply [SPEC | PLANFILE] [OPTIONS]\n"
    "\n"
    "Makes the live resources match SPEC (default vidpipe.yaml): plans, shows the plan, asks for 'yes' on a\n"
    "terminal (never waits without one: pass --auto-approve), then applies, recording every finished\n"
    "operation in state at once. With a PLANFILE from 'plan --out', applies exactly that plan, or refuses\n"
    "when the state or the live resources moved since it was made.\n"
    "\n"
    "Options:\n"
    "  --auto-approve        do not ask\n"
    "  --var NAME=VALUE      set a variable (repeatable)\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --target ADDRESS      only this resource and what it depends on (repeatable)\n"
    "  --parallelism N       up to N operations at once (default 10)\n"
    "  --lock-timeout D      wait up to D (30s, 5m) for the state lock (default 0: fail at once)\n"
    "  --state PATH          use this local state file instead of the spec's backend\n";

int cmd_apply(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    const char *path;
    int status;
    int rc;

    if ((rc = vp_cmd_opts_parse("apply", argc, argv,
                               OPT_VARS | OPT_STATE | OPT_AUTO_APPROVE | OPT_TARGET | OPT_PARALLELISM | OPT_LOCK_TIMEOUT,
                               usage, &o)) >= 0)
        return rc;
    if (o.n_args > 1 || !(path = vp_default_spec_path(o.n_args ? o.args[0] : NULL))) {
        vp_cmd_opts_release(&o);
        return vp_cli_usage_error("apply", o.n_args > 1 ? "expected one SPEC or PLANFILE" : "no SPEC given and no vidpipe.yaml here");
    }
    if (vp_planfile_is(path)) {
        if (o.spec.vars.n || o.spec.n_var_files || o.n_targets) {
            vp_cmd_opts_release(&o);
            return vp_cli_usage_error("apply", "a saved plan already fixes the variables and targets");
        }
        status = vp_run_apply(cli, &o, NULL, path, false);
    } else {
        status = vp_run_apply(cli, &o, path, NULL, false);
    }
    vp_cmd_opts_release(&o);
    return status;
}
