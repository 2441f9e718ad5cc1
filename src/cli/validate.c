/* validate.c: `vidpipe validate`: loads and checks a spec (variables applied) without any AWS call, and
 * reports every problem with its file:line:col. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/spec_opts.h"
#include "engine/resource.h"

static const char usage[] =
    "usage: vidpipe validate [SPEC] [--var NAME=VALUE]... [--var-file FILE]... [--json]\n"
    "\n"
    "Checks SPEC (default vidpipe.yaml) without calling AWS: keys, types, required attributes, AWS naming rules,\n"
    "references, dependency cycles and variables. Every problem is reported as FILE:LINE:COL: error: MESSAGE.\n"
    "\n"
    "Options:\n"
    "  --var NAME=VALUE      set a variable (repeatable; wins over var files)\n"
    "  --var-file FILE       read variables from a YAML or JSON file (repeatable; later files win)\n"
    "  --json                print {\"valid\": ..., \"diagnostics\": [...]} on stdout\n";

static json_t *diag_to_json(const struct vp_diag *d)
{
    return json_pack("{s:s?, s:i, s:i, s:s, s:s}", "file", d->pos.file, "line", d->pos.line, "col", d->pos.col,
                     "code", vp_errcode_name(d->code), "message", d->msg);
}

/* --json: the whole verdict as one JSON document on stdout. */
static int validate_json(const struct vp_spec_opts *o, const char *path)
{
    struct vp_spec_options opts = {
        .var_files = o->var_files, .n_var_files = o->n_var_files, .vars = &o->vars, .types = vp_resource_schemas(),
    };
    struct vp_diags diags = VP_DIAGS_INIT;
    struct vp_spec *spec = NULL;
    json_t *list = json_array(), *doc;
    char *text;
    int rc = vp_spec_load(path, &opts, &spec, &diags);

    for (size_t i = 0; i < diags.n; i++)
        json_array_append_new(list, diag_to_json(&diags.items[i]));
    doc = json_pack("{s:b, s:o}", "valid", rc == 0, "diagnostics", list);
    if (spec)
        json_object_set_new(doc, "resources", json_integer((json_int_t)spec->n_resources));
    text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    printf("%s\n", text);
    free(text);
    json_decref(doc);
    vp_diags_release(&diags);
    vp_spec_free(spec);
    return rc == 0 ? 0 : 1;
}

static int validate_text(const struct vp_spec_opts *o, const char *path)
{
    struct vp_spec *spec = vp_spec_opts_load(o, path);

    if (!spec)
        return 1;
    printf("%s: valid (%zu resource%s)\n", path, spec->n_resources, spec->n_resources == 1 ? "" : "s");
    vp_spec_free(spec);
    return 0;
}

int cmd_validate(int argc, char **argv, struct vp_cli *cli)
{
    enum { O_VAR = 256, O_VAR_FILE, O_JSON };
    static const struct option options[] = {
        { "var", required_argument, NULL, O_VAR }, { "var-file", required_argument, NULL, O_VAR_FILE },
        { "json", no_argument, NULL, O_JSON }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    struct vp_spec_opts o;
    struct vp_err err = { 0 };
    const char *path = NULL;
    bool json = false;
    int c, status = 1;

    (void)cli;                          /* never vp_cli_aws: validate makes no AWS call */
    vp_spec_opts_init(&o);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            vp_spec_opts_release(&o);
            return 0;
        case O_VAR:
            if (vp_spec_opts_add_var(&o, optarg, &err) < 0) {
                vp_spec_opts_release(&o);
                return vp_cli_usage_error("validate", "%s", err.msg);
            }
            break;
        case O_VAR_FILE: vp_spec_opts_add_var_file(&o, optarg); break;
        case O_JSON: json = true; break;
        default:
            vp_spec_opts_release(&o);
            if (optopt >= O_VAR)
                return vp_cli_usage_error("validate", "option '%s' needs a value", argv[optind - 1]);
            return vp_cli_usage_error("validate", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1) {
        vp_spec_opts_release(&o);
        return vp_cli_usage_error("validate", "expected one SPEC");
    }
    path = optind < argc ? argv[optind] : access("vidpipe.yaml", R_OK) == 0 ? "vidpipe.yaml" : NULL;
    if (!path) {
        vp_spec_opts_release(&o);
        return vp_cli_usage_error("validate", "no SPEC given and no vidpipe.yaml here");
    }
    status = json ? validate_json(&o, path) : validate_text(&o, path);
    vp_spec_opts_release(&o);
    return status;
}
