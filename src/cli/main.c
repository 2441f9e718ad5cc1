/* main.c: vidpipe's entry point: global options, then one command from the table. */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "base/log.h"
#include "cli/cli.h"

static const struct vp_command commands[] = {
    { "validate", cmd_validate, "check a spec without calling AWS" },
    { "plan", cmd_plan, "show what apply would change (exit 2 with --detailed-exitcode when it would)" },
    { "apply", cmd_apply, "make AWS match the spec, or carry out a saved plan" },
    { "destroy", cmd_destroy, "destroy every resource of the stack" },
    { "drift", cmd_drift, "report what changed outside vidpipe since the last apply (exit 2 on drift)" },
    { "show", cmd_show, "print the stack's state" },
    { "state", cmd_state, "list, show or forget resources in state" },
    { "import", cmd_import, "adopt an existing resource into state" },
    { "output", cmd_output, "print the stack's outputs" },
    { "invoke", cmd_invoke, "run a lambda_function's artifact locally for one event" },
    { "serve", cmd_serve, "run the stack's HTTP API, S3 and EventBridge wiring locally" },
    { "force-unlock", cmd_force_unlock, "remove a state lock left by a run that is gone" },
    { "debug", cmd_debug, "low-level tools: sign a request, call an API, show credentials or endpoints" },
    { "version", cmd_version, "print the version of vidpipe and its libraries" },
};

static void print_help(FILE *out)
{
    fprintf(out, "usage: vidpipe [--debug] [--profile NAME] [--region REGION] COMMAND [ARGS]\n\n"
                 "A declarative provisioner and reconciler for an AWS video-on-demand pipeline.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nGlobal options (anywhere on the line):\n"
                 "  --debug            log every AWS request to stderr (secrets redacted); also VIDPIPE_LOG=debug\n"
                 "  --profile NAME     the shared config profile (default: AWS_PROFILE or 'default')\n"
                 "  --region REGION    the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)\n"
                 "\nRun 'vidpipe COMMAND --help' for a command's options.\n");
}

/* Takes the global options out of argv wherever they stand (before a lone "--"); returns the new argc,
 * or -1 on a global option missing its value. */
static int take_global_options(int argc, char **argv, struct vp_cli *cli)
{
    int out = 1;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        size_t n = 0;

        if (strcmp(a, "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(a, "--debug") == 0) {
            cli->debug = true;
            continue;
        }
        if (strncmp(a, "--profile", 9) == 0 && (a[9] == '\0' || a[9] == '='))
            slot = &cli->profile, n = 9;
        else if (strncmp(a, "--region", 8) == 0 && (a[8] == '\0' || a[8] == '='))
            slot = &cli->region, n = 8;
        if (!slot) {
            argv[out++] = argv[i];
            continue;
        }
        if (a[n] == '=') {
            *slot = a + n + 1;
        } else if (i + 1 < argc) {
            *slot = argv[++i];
        } else {
            fprintf(stderr, "vidpipe: %s needs a value\n", a);
            return -1;
        }
    }
    argv[out] = NULL;
    return out;
}

int main(int argc, char **argv)
{
    struct vp_cli cli = { 0 };
    int status = 1;

    vp_log_init_from_env();
    argc = take_global_options(argc, argv, &cli);
    if (argc < 0)
        return 1;
    if (cli.debug)
        vp_log_set_level(VP_LOG_DEBUG);
    cli.debug = vp_log_enabled(VP_LOG_DEBUG);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        argv[1] = "version";
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            status = commands[i].run(argc - 1, argv + 1, &cli);
            goto done;
        }
    }
    fprintf(stderr, "vidpipe: '%s' is not a command; see 'vidpipe --help'\n", argv[1]);
done:
    vp_aws_free(cli.aws);
    curl_global_cleanup();
    return status;
}
