/* output.c: `vidpipe output [NAME]`: the stack's outputs as last applied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render.h"
#include "cli/stack.h"

static const char usage[] =
    "usage: vidpipe output [NAME] [--json] [SPEC] [--state PATH]\n"
    "\n"
    "Prints the outputs recorded by the last apply: all of them as NAME = VALUE, or one NAME's value alone\n"
    "(a string raw, anything else as JSON), or all as one JSON object with --json.\n"
    "\n"
    "Options:\n"
    "  --json                print the value (or all outputs) as JSON\n"
    "  --var NAME=VALUE      set a variable (repeatable): the stack's name, so its state, may come from one\n"
    "  --var-file FILE       read variables from a YAML file (repeatable)\n"
    "  --state PATH          use this local state file instead of the spec's backend\n";

int cmd_output(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_cmd_opts o;
    struct vp_stack st;
    const char *name = NULL, *spec = NULL;
    json_t *outputs;
    int status = 0;
    int rc;

    if ((rc = vp_cmd_opts_parse("output", argc, argv, OPT_VARS | OPT_STATE | OPT_JSON, usage, &o)) >= 0)
        return rc;
    /* output [NAME] [SPEC]: a .yaml/.yml argument is the spec */
    for (int i = 0; i < o.n_args; i++) {
        const char *a = o.args[i];
        size_t n = strlen(a);
        if ((n > 5 && strcmp(a + n - 5, ".yaml") == 0) || (n > 4 && strcmp(a + n - 4, ".yml") == 0))
            spec = a;
        else
            name = a;
    }
    if (vp_stack_open(cli, &o, vp_default_spec_path(spec), NULL, &st)) {
        vp_cmd_opts_release(&o);
        return 1;
    }
    outputs = json_object_get(st.state, "outputs");
    if (name) {
        json_t *v = json_object_get(outputs, name);
        if (!v) {
            fprintf(stderr, "vidpipe: error: no output '%s' (apply first, or check the name)\n", name);
            status = 1;
        } else if (json_is_string(v) && !o.json && strncmp(json_string_value(v), "sha256:", 7) != 0) {
            printf("%s\n", json_string_value(v));
        } else if (!o.json) {
            char *text = vp_render_value(v);
            printf("%s\n", text);
            free(text);
        } else {
            vp_print_json(stdout, v);
        }
    } else if (o.json) {
        vp_print_json(stdout, outputs ? outputs : json_object());
    } else {
        const char *key;
        json_t *v;
        json_object_foreach(outputs, key, v) {
            char *text = vp_render_value(v);
            printf("%s = %s\n", key, text);
            free(text);
        }
    }
    vp_stack_close(cli, &st);
    vp_cmd_opts_release(&o);
    return status;
}
