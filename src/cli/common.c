/* common.c: what commands share: the lazily made AWS client and the one way errors are printed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "aws/client.h"
#include "cli/cli.h"

struct vp_aws *vp_cli_aws(struct vp_cli *cli, struct vp_err *err)
{
    if (!cli->aws) {
        struct vp_aws_options opts = { .profile = cli->profile, .region = cli->region };
        cli->aws = vp_aws_new(&opts, err);
    }
    return cli->aws;
}

void vp_cli_print_err(const struct vp_cli *cli, const struct vp_err *err)
{
    (void)cli;
    if (err->code == VP_E_AWS_SERVICE && err->request_id[0])
        fprintf(stderr, "vidpipe: error: %s (HTTP %d, request id %s)\n", err->msg, err->http_status,
                err->request_id);
    else if (err->code == VP_E_AWS_SERVICE)
        fprintf(stderr, "vidpipe: error: %s (HTTP %d)\n", err->msg, err->http_status);
    else
        fprintf(stderr, "vidpipe: error: %s\n", err->msg);
}

int vp_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "vidpipe %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "; see 'vidpipe %s --help'\n", cmd);
    return 1;
}

long vp_cli_parse_long(const char *s, long min, long max)
{
    char *end;
    long v = strtol(s, &end, 10);

    return (*s && !*end && v >= min && v <= max) ? v : -1;
}
