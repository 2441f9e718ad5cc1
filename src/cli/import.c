/* import.c: `vidpipe import ADDRESS ID`: adopt a resource that already exists into the stack's state. */
#include <stdio.h>
#include <stdlib.h>

#include "aws/client.h"
#include "cli/render.h"
#include "cli/stack.h"
#include "engine/diff.h"
#include "engine/want.h"

static const char usage[] =
    "usage: vidpipe import ADDRESS ID [SPEC] [OPTIONS]\n"
    "\n"
    "Reads the existing resource ID and records it in state as the spec's resource ADDRESS\n"
    "(e.g. vidpipe import s3_bucket.uploads my-existing-bucket). The next plan shows how it differs from\n"
    "the spec.\n"
    "\n"
    "Options:\n"
    "  --var NAME=VALUE      set a variable (repeatable)\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --state PATH          use this local state file instead of the spec's backend\n"
    "  --lock-timeout D      wait up to D (30s, 5m) for the state lock (default 0: fail at once)\n";

int cmd_import(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    struct vp_stack st;
    struct vp_err err = { 0 };
    const struct vp_spec_resource *res;
    const struct vp_resource_type *rt;
    json_t *live = NULL, *deps, *scrubbed, *with_secrets;
    struct vp_aws *aws;
    int status = 1;
    int rc;

    if ((rc = vp_cmd_opts_parse("import", argc, argv, OPT_VARS | OPT_STATE | OPT_LOCK_TIMEOUT, usage, &o)) >= 0)
        return rc;
    if (o.n_args < 2 || o.n_args > 3 || !vp_default_spec_path(o.n_args == 3 ? o.args[2] : NULL)) {
        vp_cmd_opts_release(&o);
        return vp_cli_usage_error("import", "expected ADDRESS ID [SPEC] (and a spec: the address's type comes from it)");
    }
    if (vp_stack_open(cli, &o, vp_default_spec_path(o.n_args == 3 ? o.args[2] : NULL), "import", &st)) {
        vp_cmd_opts_release(&o);
        return 1;
    }
    deps = json_array();
    if (!(res = vp_spec_find(st.spec, o.args[0]))) {
        fprintf(stderr, "vidpipe: error: the spec has no resource '%s'\n", o.args[0]);
        goto done;
    }
    if (st.state && vp_state_resource(st.state, res->address)) {
        fprintf(stderr, "vidpipe: error: %s is already in state; 'vidpipe state rm %s' first to import another\n",
                res->address, res->address);
        goto done;
    }
    rt = vp_resource_type_find(res->type);
    if (!(aws = vp_cli_aws(cli, &err))) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    {
        struct vp_call c = { .aws = aws, .err = &err, .address = res->address };
        if (rt->read(&c, o.args[1], &live) < 0) {
            vp_cli_print_err(cli, &err);
            goto done;
        }
    }
    if (!live) {
        fprintf(stderr, "vidpipe: error: no %s with id '%s' exists\n", rt->type, o.args[1]);
        goto done;
    }
    vp_want_copy_local(rt->attrs, NULL, live);
    for (size_t i = 0; i < res->n_depends; i++) {
        const struct vp_spec_resource *d = vp_spec_find(st.spec, res->depends_on[i]);
        if (d)
            json_array_append_new(deps, json_string(d->address));
    }
    if (!st.state)
        st.state = vp_state_new(st.spec->stack);
    with_secrets = vp_json_scrub(rt->attrs, live);
    scrubbed = vp_json_hide_secrets(with_secrets, st.spec->secrets, true);    /* no secret reaches state */
    json_decref(with_secrets);
    vp_state_put(st.state, res->address, res->type, res->name, o.args[1], "ready", scrubbed, deps);
    json_decref(scrubbed);
    if (st.backend->write(st.backend, st.state, &err) < 0) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    printf("Imported %s [id=%s]. Run 'vidpipe plan' to see how it differs from the spec.\n", res->address, o.args[1]);
    status = 0;
done:
    json_decref(live);
    json_decref(deps);
    vp_stack_close(cli, &st);
    vp_cmd_opts_release(&o);
    return status;
}
