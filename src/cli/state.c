/* state.c: `vidpipe state list|show|rm`: looking into the state and forgetting a resource (it stays in AWS). */
#include <stdio.h>
#include <string.h>

#include "cli/render.h"
#include "cli/stack.h"

static const char usage[] =
    "usage: vidpipe state list [SPEC] [--state PATH]\n"
    "       vidpipe state show ADDRESS [SPEC] [--state PATH]\n"
    "       vidpipe state rm ADDRESS [SPEC] [--state PATH] [--lock-timeout D]\n"
    "\n"
    "list: the address of every resource in state, one a line. show: one resource's recorded attributes.\n"
    "rm: forget a resource; it stays in AWS, and the next plan would create it anew (or 'import' it).\n"
    "\n"
    "Options:\n"
    "  --var NAME=VALUE      set a variable (repeatable): the stack's name, so its state, may come from one\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --state PATH          use this local state file instead of the spec's backend\n"
    "  --lock-timeout D      rm: wait up to D (30s, 5m) for the state lock (default 0: fail at once)\n";

static int state_rm(struct vp_cli *cli, struct vp_stack *st, const char *address)
{
    struct vp_err err = { 0 };

    if (!st->state || vp_state_remove(st->state, address) < 0) {
        fprintf(stderr, "vidpipe: error: no resource '%s' in state\n", address);
        return 1;
    }
    if (st->backend->write(st->backend, st->state, &err) < 0) {
        vp_cli_print_err(cli, &err);
        return 1;
    }
    printf("Removed %s from state; it still exists in AWS.\n", address);
    return 0;
}

int cmd_state(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    struct vp_stack st;
    const char *sub, *address = NULL, *spec = NULL;
    int status = 0;
    int rc;

    if ((rc = vp_cmd_opts_parse("state", argc, argv, OPT_VARS | OPT_STATE | OPT_LOCK_TIMEOUT, usage, &o)) >= 0)
        return rc;
    sub = o.n_args ? o.args[0] : NULL;
    if (sub && strcmp(sub, "list") == 0 && o.n_args <= 2) {
        spec = o.n_args == 2 ? o.args[1] : NULL;
    } else if (sub && (strcmp(sub, "show") == 0 || strcmp(sub, "rm") == 0) && o.n_args >= 2 && o.n_args <= 3) {
        address = o.args[1];
        spec = o.n_args == 3 ? o.args[2] : NULL;
    } else {
        vp_cmd_opts_release(&o);
        return vp_cli_usage_error("state", "expected 'list', 'show ADDRESS' or 'rm ADDRESS'");
    }
    if (vp_stack_open(cli, &o, vp_default_spec_path(spec), strcmp(sub, "rm") == 0 ? "state rm" : NULL, &st)) {
        vp_cmd_opts_release(&o);
        return 1;
    }
    if (strcmp(sub, "list") == 0) {
        size_t i;
        json_t *rec;
        json_array_foreach(json_object_get(st.state, "resources"), i, rec)
            printf("%s\n", json_string_value(json_object_get(rec, "address")));
    } else if (strcmp(sub, "show") == 0) {
        json_t *rec = st.state ? vp_state_resource(st.state, address) : NULL;
        if (!rec) {
            fprintf(stderr, "vidpipe: error: no resource '%s' in state\n", address);
            status = 1;
        } else {
            vp_print_json(stdout, rec);
        }
    } else {
        status = state_rm(cli, &st, address);
    }
    vp_stack_close(cli, &st);
    vp_cmd_opts_release(&o);
    return status;
}
