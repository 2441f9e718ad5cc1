/* drift.c: `vidpipe drift`: what changed outside vidpipe since the last apply. For scheduled jobs: exit 0
 * with no drift, 2 with drift, 1 on error (a resource that could not be read is an error, never "no drift"). */
#include <stdio.h>
#include <stdlib.h>

#include "aws/client.h"
#include "cli/render.h"
#include "cli/render_md.h"
#include "cli/stack.h"

static const char usage[] =
    "usage: vidpipe drift [SPEC] [OPTIONS]\n"
    "\n"
    "Reads every resource in the stack's state and reports, attribute by attribute, what changed outside\n"
    "vidpipe since the last apply (what the spec changed is 'vidpipe plan''s business).\n"
    "Exit status: 0 no drift, 2 drift found, 1 error (including a resource that could not be read).\n"
    "\n"
    "Options:\n"
    "  --format FORMAT       text (the default), json (specs/json-output.md, specs/drift.schema.json) or\n"
    "                        markdown; with GITHUB_STEP_SUMMARY set, the Markdown is also appended to that file\n"
    "  --json                the same as --format json\n"
    "  --target ADDRESS      only these resources (repeatable)\n"
    "  --var NAME=VALUE, --var-file FILE   variables of the spec\n"
    "  --parallelism N       read up to N resources at once (default 10)\n"
    "  --state PATH          use this local state file instead of the spec's backend\n";

int cmd_drift(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    struct vp_engine_opts eo;
    struct vp_stack st;
    struct vp_drift *drift = NULL;
    char *md = NULL;
    struct vp_err err = { 0 };
    struct vp_aws *aws;
    int status = 1;
    int rc;

    if ((rc = vp_cmd_opts_parse("drift", argc, argv, OPT_VARS | OPT_STATE | OPT_JSON | OPT_FORMAT | OPT_TARGET |
                                                 OPT_PARALLELISM,
                               usage, &o)) >= 0)
        return rc;
    if (o.n_args > 1) {
        vp_cmd_opts_release(&o);
        return vp_cli_usage_error("drift", "expected one SPEC");
    }
    if (vp_stack_open(cli, &o, vp_default_spec_path(o.n_args ? o.args[0] : NULL), NULL, &st)) {
        vp_cmd_opts_release(&o);
        return 1;
    }
    vp_cmd_engine_opts(&o, &eo);
    if (!st.state) {
        json_t *empty = json_object();
        json_object_set_new(empty, "resources", json_array());
        st.state = empty;
    }
    if (!(aws = vp_cli_aws(cli, &err)) || vp_engine_drift(aws, st.state, &eo, &drift, &err) < 0) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    if (o.format == VP_FORMAT_MARKDOWN || getenv("GITHUB_STEP_SUMMARY"))
        md = vp_drift_to_markdown(drift, st.spec ? st.spec->stack
                                                 : json_string_value(json_object_get(st.state, "stack")));
    if (o.format == VP_FORMAT_JSON) {
        json_t *j = vp_drift_to_json(drift);
        vp_print_json(stdout, j);
        json_decref(j);
    } else if (o.format == VP_FORMAT_MARKDOWN) {
        fputs(md, stdout);
    } else {
        vp_render_drift(stdout, drift, vp_use_color(stdout));
    }
    fflush(stdout);
    vp_step_summary_append(md);
    status = drift->errors ? 1 : drift->drifted ? 2 : 0;
done:
    free(md);
    vp_drift_free(drift);
    vp_stack_close(cli, &st);
    vp_cmd_opts_release(&o);
    return status;
}
