/* plan.c: `vidpipe plan`: what apply would change, read-only. */
#include <stdio.h>
#include <stdlib.h>

#include "aws/client.h"
#include "cli/render.h"
#include "cli/render_md.h"
#include "cli/stack.h"
#include "engine/planfile.h"

static const char usage[] =
    "usage: vidpipe plan [SPEC] [OPTIONS]\n"
    "\n"
    "Reads the live resources and shows what apply would change to make them match SPEC (default vidpipe.yaml).\n"
    "\n"
    "Options:\n"
    "  --var NAME=VALUE      set a variable (repeatable; wins over var files)\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --out FILE            save the plan; 'vidpipe apply FILE' applies exactly it, or refuses if anything moved\n"
    "  --format FORMAT       text (the default), json (specs/json-output.md) or markdown (a pull-request\n"
    "                        comment); with GITHUB_STEP_SUMMARY set, the Markdown is also appended to that file\n"
    "  --json                the same as --format json\n"
    "  --detailed-exitcode   exit 2 when there are changes, 0 when none, 1 on error\n"
    "  --destroy             plan the destruction of every resource in state\n"
    "  --target ADDRESS      only this resource and what it depends on (repeatable)\n"
    "  --parallelism N       read up to N resources at once (default 10)\n"
    "  --state PATH          use this local state file instead of the spec's backend\n";

int cmd_plan(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    struct vp_engine_opts eo;
    struct vp_stack st;
    struct vp_plan *plan = NULL;
    char *md = NULL;
    struct vp_err err = { 0 };
    struct vp_aws *aws;
    const char *spec_path;
    int status = 1, add, change, destroy;
    int rc;

    if ((rc = vp_cmd_opts_parse("plan", argc, argv,
                               OPT_VARS | OPT_STATE | OPT_JSON | OPT_FORMAT | OPT_OUT | OPT_DETAILED | OPT_DESTROY |
                                   OPT_TARGET | OPT_PARALLELISM,
                               usage, &o)) >= 0)
        return rc;
    if (o.n_args > 1 || !(spec_path = vp_default_spec_path(o.n_args ? o.args[0] : NULL))) {
        vp_cmd_opts_release(&o);
        return vp_cli_usage_error("plan", o.n_args > 1 ? "expected one SPEC" : "no SPEC given and no vidpipe.yaml here");
    }
    if (vp_stack_open(cli, &o, spec_path, NULL, &st)) {
        vp_cmd_opts_release(&o);
        return 1;
    }
    vp_cmd_engine_opts(&o, &eo);
    if (!(aws = vp_cli_aws(cli, &err)) || vp_engine_plan(aws, st.spec, st.state, &eo, o.destroy, &plan, &err) < 0 ||
        (o.out && vp_planfile_write(o.out, plan, st.spec, o.targets, o.n_targets, &err) < 0)) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    if (o.format == VP_FORMAT_MARKDOWN || getenv("GITHUB_STEP_SUMMARY"))
        md = vp_plan_to_markdown(plan, st.spec->stack);
    if (o.format == VP_FORMAT_JSON) {
        json_t *j = vp_plan_to_json(plan);
        vp_print_json(stdout, j);
        json_decref(j);
    } else if (o.format == VP_FORMAT_MARKDOWN) {
        fputs(md, stdout);
        if (o.out)
            fprintf(stderr, "Saved the plan to %s. Apply exactly it with: vidpipe apply %s\n", o.out, o.out);
    } else {
        vp_render_plan(stdout, plan, vp_use_color(stdout));
        if (o.out)
            printf("\nSaved the plan to %s. Apply exactly it with: vidpipe apply %s\n", o.out, o.out);
    }
    fflush(stdout);
    vp_step_summary_append(md);
    status = o.detailed && vp_plan_count(plan, &add, &change, &destroy) > 0 ? 2 : 0;
done:
    free(md);
    vp_plan_free(plan);
    vp_stack_close(cli, &st);
    vp_cmd_opts_release(&o);
    return status;
}
