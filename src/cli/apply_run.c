/* apply_run.c: the body of `vidpipe apply` and `vidpipe destroy`: under the state lock, plan afresh (or check
 * a saved plan is still true), ask unless approved, then apply with a line per operation as it starts and
 * ends. */
#include "cli/apply_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "base/xalloc.h"
#include "cli/render.h"
#include "engine/planfile.h"

static const char *verb(const struct vp_change *ch, const char *event)
{
    bool start = strncmp(event, "start", 5) == 0;

    switch (ch->action) {
    case VP_ACT_CREATE: return start ? "creating..." : "creation complete";
    case VP_ACT_UPDATE: return start ? "modifying..." : "modifications complete";
    case VP_ACT_REPLACE:
        if (strcmp(event, "start-replace") == 0)
            return "destroying (to replace)...";
        return start ? "creating (replacement)..." : "replacement complete";
    case VP_ACT_DELETE: return start ? "destroying..." : "destruction complete";
    default: return event;
    }
}

static void progress(void *ctx, const struct vp_change *ch, const char *event, double seconds, const struct vp_err *err)
{
    (void)ctx;
    if (strcmp(event, "failed") == 0)
        fprintf(stderr, "%s: failed after %.1fs: %s\n", ch->address, seconds, err->msg);
    else if (strncmp(event, "start", 5) == 0)
        printf("%s: %s\n", ch->address, verb(ch, event));
    else
        printf("%s: %s after %.1fs%s%s%s\n", ch->address, verb(ch, event), seconds, ch->id ? " [id=" : "",
               ch->id ? ch->id : "", ch->id ? "]" : "");
    fflush(stdout);
}

/* A saved plan's spec and variables become this run's, and its targets. */
static int adopt_planfile(struct vp_planfile *pf, struct vp_cmd_opts *o, struct vp_err *err)
{
    char sha[65];
    const char *name;
    json_t *v;
    size_t i;

    if (vp_file_sha256(pf->spec_path, sha, err) < 0)
        return vp_err_prefix(err, "the saved plan's spec");
    if (strcmp(sha, pf->spec_sha256) != 0)
        return vp_fail(err, VP_E_STATE_STALE_PLAN, "saved plan is stale: '%s' changed since the plan was made",
                       pf->spec_path);
    json_object_foreach(pf->vars, name, v) {
        char *value = json_is_string(v) ? vp_xstrdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        char *assignment = vp_xasprintf("%s=%s", name, value);
        vp_spec_opts_add_var(&o->spec, assignment, err);
        free(assignment);
        free(value);
    }
    o->targets = vp_xcalloc(json_array_size(pf->targets) + 1, sizeof(*o->targets));
    json_array_foreach(pf->targets, i, v)
        o->targets[o->n_targets++] = json_string_value(v);
    return 0;
}

static void print_outputs(const json_t *state)
{
    const char *key;
    json_t *v;

    if (!json_object_size(json_object_get(state, "outputs")))
        return;
    printf("\nOutputs:\n");
    json_object_foreach(json_object_get(state, "outputs"), key, v) {
        char *text = vp_render_value(v);
        printf("  %s = %s\n", key, text);
        free(text);
    }
}

int vp_run_apply(struct vp_cli *cli, struct vp_cmd_opts *o, const char *spec_path, const char *planfile_path,
                 bool destroy)
{
    struct vp_planfile pf = { 0 };
    struct vp_engine_opts eo;
    struct vp_stack st = { 0 };
    struct vp_plan *plan = NULL;
    struct vp_err err = { 0 };
    struct vp_aws *aws;
    int status = 1, add, change, removed;

    if (planfile_path) {
        if (vp_planfile_read(planfile_path, &pf, &err) < 0 || adopt_planfile(&pf, o, &err) < 0) {
            vp_cli_print_err(cli, &err);
            goto done;
        }
        spec_path = pf.spec_path;
        destroy = pf.destroy;
    }
    if (vp_stack_open(cli, o, spec_path, destroy ? "destroy" : "apply", &st))
        goto done;
    vp_cmd_engine_opts(o, &eo);
    eo.progress = progress;
    vp_install_interrupt_handler();
    if (!(aws = vp_cli_aws(cli, &err)) || vp_engine_plan(aws, st.spec, st.state, &eo, destroy, &plan, &err) < 0 ||
        (planfile_path && vp_planfile_check(&pf, st.state, plan, &err) < 0)) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    if (!planfile_path)
        vp_render_plan(stdout, plan, vp_use_color(stdout));
    if (vp_plan_count(plan, &add, &change, &removed) > 0 && !o->auto_approve && !planfile_path) {
        char *question = vp_xasprintf("\nDo you want to %s stack '%s'?", destroy ? "DESTROY every resource of" : "apply these changes to",
                                      st.spec->stack);
        bool yes = vp_confirm(question);
        free(question);
        if (!yes) {
            fprintf(stderr, "vidpipe: %s cancelled; nothing was changed\n", destroy ? "destroy" : "apply");
            goto done;
        }
    }
    if (!st.state)
        st.state = vp_state_new(st.spec->stack);
    if (vp_engine_apply(aws, st.spec, st.backend, st.state, plan, &eo, &err) < 0) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    if (destroy)
        printf("\nDestroy complete! Resources: %d destroyed.\n", removed);
    else
        printf("\nApply complete! Resources: %d added, %d changed, %d destroyed.\n", add, change, removed);
    if (!destroy)
        print_outputs(st.state);
    status = 0;
done:
    vp_plan_free(plan);
    vp_stack_close(cli, &st);
    vp_planfile_release(&pf);
    return status;
}
