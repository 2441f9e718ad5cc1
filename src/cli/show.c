/* show.c: `vidpipe show`: the stack as vidpipe last applied it (the state), for people or as JSON. */
#include <stdio.h>

#include "cli/render.h"
#include "cli/stack.h"

static const char usage[] =
    "usage: vidpipe show [SPEC] [--json] [--var NAME=VALUE]... [--var-file FILE]... [--state PATH]\n"
    "\n"
    "Prints every resource in the stack's state with its last applied attributes, and the outputs.\n"
    "It makes no AWS call (except to read a state kept in S3).\n"
    "\n"
    "Options:\n"
    "  --json                print the state as JSON (specs/json-output.md)\n"
    "  --var NAME=VALUE      set a variable (repeatable): the stack's name, so its state, may come from one\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --state PATH          use this local state file instead of the spec's backend\n";

int cmd_show(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    struct vp_stack st;
    int rc;

    if ((rc = vp_cmd_opts_parse("show", argc, argv, OPT_VARS | OPT_STATE | OPT_JSON, usage, &o)) >= 0)
        return rc;
    if (o.n_args > 1 || vp_stack_open(cli, &o, vp_default_spec_path(o.n_args ? o.args[0] : NULL), NULL, &st)) {
        vp_cmd_opts_release(&o);
        return o.n_args > 1 ? vp_cli_usage_error("show", "expected one SPEC") : 1;
    }
    if (!st.state)
        fprintf(o.json ? stderr : stdout, "No state: nothing has been applied for this stack.\n");
    if (o.json)
        vp_print_json(stdout, st.state ? st.state : json_null());
    else if (st.state)
        vp_render_state(stdout, st.state, vp_use_color(stdout));
    vp_stack_close(cli, &st);
    vp_cmd_opts_release(&o);
    return 0;
}
