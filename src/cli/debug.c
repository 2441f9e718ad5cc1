/* debug.c: `vidpipe debug SUBCOMMAND`: the low-level tools tests and users reach the client core with. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct vp_command subcommands[] = {
    { "sigv4", cmd_debug_sigv4, "sign a request file with a context file; print any stage" },
    { "call", cmd_debug_call, "call one AWS API operation through the client core" },
    { "creds", cmd_debug_creds, "show where credentials come from (never the secret)" },
    { "endpoint", cmd_debug_endpoint, "show the endpoint a service resolves to" },
    { "resource", cmd_debug_resource, "read, create, update or delete one resource through its provider" },
    { "state", cmd_debug_state, "read, lock or write a state backend directly (local path or s3://bucket/key)" },
    { "schema", cmd_debug_schema, "print the spec format as JSON Schema or Markdown, from the attribute tables" },
};

int cmd_debug(int argc, char **argv, struct vp_cli *cli)
{
    size_t n = sizeof(subcommands) / sizeof(subcommands[0]);

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "usage: vidpipe debug SUBCOMMAND [ARGS]\n\nSubcommands:\n");
        for (size_t i = 0; i < n; i++)
            fprintf(out, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
        return argc < 2 ? 1 : 0;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1, cli);
    return vp_cli_usage_error("debug", "'%s' is not a debug subcommand", argv[1]);
}
