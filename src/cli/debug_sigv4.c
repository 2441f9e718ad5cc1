/* debug_sigv4.c: `vidpipe debug sigv4`: signs a test-suite request file with its context file and prints one
 * stage, byte for byte as the suite's expected file of that name holds it (no newline is added). */
#include <stdio.h>
#include <string.h>

#include "aws/sigv4.h"
#include "aws/sigv4_case.h"
#include "cli/cli.h"

#define CMD "debug sigv4"

static const char usage[] =
    "usage: vidpipe debug sigv4 --context CONTEXT.json --request REQUEST.txt [--mode header|query]\n"
    "                           --print canonical-request|string-to-sign|signature|signed-request\n"
    "\n"
    "Signs the request with AWS Signature Version 4 as the context file says (credentials, region, service,\n"
    "timestamp, expiration_in_seconds, normalize, sign_body, omit_session_token) and prints one stage exactly\n"
    "as the AWS SigV4 test suite's {header,query}-<stage>.txt files hold it.\n"
    "\n"
    "  --context FILE   the case's context.json\n"
    "  --request FILE   the case's request.txt\n"
    "  --mode MODE      header: the Authorization header (default); query: a presigned URL\n"
    "  --print STAGE    canonical-request, string-to-sign, signature or signed-request\n";

enum stage { STAGE_NONE, STAGE_CANONICAL_REQUEST, STAGE_STRING_TO_SIGN, STAGE_SIGNATURE, STAGE_SIGNED_REQUEST };

struct options {
    const char *context, *request, *mode_name, *stage_name;
    enum vp_sigv4_mode mode;
    enum stage stage;
};

static enum stage stage_from_name(const char *name)
{
    static const struct { const char *name; enum stage stage; } stages[] = {
        { "canonical-request", STAGE_CANONICAL_REQUEST },
        { "string-to-sign", STAGE_STRING_TO_SIGN },
        { "signature", STAGE_SIGNATURE },
        { "signed-request", STAGE_SIGNED_REQUEST },
    };

    for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
        if (strcmp(name, stages[i].name) == 0)
            return stages[i].stage;
    return STAGE_NONE;
}

/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; 1 with *value set, 0 when it is another option,
 * -1 when the value is missing. */
static int take_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

/* 0, or the exit status after printing why the command line is wrong. */
static int parse_options(int argc, char **argv, struct options *o)
{
    static const char *const names[] = { "--context", "--request", "--mode", "--print" };

    for (int i = 1; i < argc; i++) {
        const char **slots[] = { &o->context, &o->request, &o->mode_name, &o->stage_name };
        int found = 0;

        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) && !found; k++) {
            found = take_option(argc, argv, &i, names[k], slots[k]);
            if (found < 0)
                return vp_cli_usage_error(CMD, "%s needs a value", names[k]);
        }
        if (!found)
            return vp_cli_usage_error(CMD, "unknown argument '%s'", argv[i]);
    }
    if (!o->context || !o->request || !o->stage_name)
        return vp_cli_usage_error(CMD, "--context, --request and --print are required");
    if (!o->mode_name || strcmp(o->mode_name, "header") == 0)
        o->mode = VP_SIGV4_HEADER;
    else if (strcmp(o->mode_name, "query") == 0)
        o->mode = VP_SIGV4_QUERY;
    else
        return vp_cli_usage_error(CMD, "--mode is header or query, not '%s'", o->mode_name);
    if ((o->stage = stage_from_name(o->stage_name)) == STAGE_NONE)
        return vp_cli_usage_error(CMD, "--print is canonical-request, string-to-sign, signature or signed-request, "
                                  "not '%s'", o->stage_name);
    return 0;
}

static void print_stage(const struct options *o, const struct vp_sigv4_case *c, const struct vp_sigv4 *sig)
{
    struct vp_buf signed_request = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    switch (o->stage) {
    case STAGE_CANONICAL_REQUEST:
        fwrite(sig->canonical_request.data, 1, sig->canonical_request.len, stdout);
        break;
    case STAGE_STRING_TO_SIGN:
        fwrite(sig->string_to_sign.data, 1, sig->string_to_sign.len, stdout);
        break;
    case STAGE_SIGNATURE:
        fputs(sig->signature, stdout);
        break;
    case STAGE_SIGNED_REQUEST:
        vp_sigv4_case_write_signed(c, o->mode, &signed_request);
        fwrite(signed_request.data, 1, signed_request.len, stdout);
        break;
    case STAGE_NONE:
        break;
    }
    vp_buf_release(&signed_request);
}

int cmd_debug_sigv4(int argc, char **argv, struct vp_cli *cli)
{
    struct options o = { 0 };
    struct vp_sigv4_case c;
    struct vp_sigv4 sig = VP_SIGV4_INIT;
    struct vp_err err = { 0 };
    int status = 1;

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
    if (parse_options(argc, argv, &o) != 0)
        return 1;
    vp_sigv4_case_init(&c);
    if (vp_sigv4_case_read_context(&c, o.context, &err) < 0 ||
        vp_sigv4_case_read_request(&c, o.request, &err) < 0 || vp_sigv4_case_sign(&c, o.mode, &sig, &err) < 0) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    print_stage(&o, &c, &sig);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "vidpipe " CMD ": cannot write the output\n");
        goto done;
    }
    status = 0;
done:
    vp_sigv4_release(&sig);
    vp_sigv4_case_release(&c);
    return status;
}
