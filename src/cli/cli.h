/* cli.h: what every command gets from main.c: the global options and, on demand, the AWS client.
 * A command returns its exit status: 0 done and nothing pending, 1 error, 2 changes or drift found.
 * Only cli/ prints errors (vp_cli_print_err). */
#ifndef VP_CLI_CLI_H
#define VP_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"

struct vp_aws;

struct vp_cli {
    const char *profile;            /* --profile */
    const char *region;             /* --region */
    bool debug;                     /* --debug or VIDPIPE_LOG=debug */
    struct vp_aws *aws;             /* made by vp_cli_aws() on first use */
};

typedef int vp_cmd_fn(int argc, char **argv, struct vp_cli *cli);

struct vp_command {
    const char *name;
    vp_cmd_fn *run;
    const char *summary;            /* one line of `vidpipe --help` */
};

/* The AWS client for this run, made on first use; NULL with err filled when configuration is broken. */
struct vp_aws *vp_cli_aws(struct vp_cli *cli, struct vp_err *err);
/* Prints "vidpipe: error: MESSAGE" (with the AWS code and request id for service errors) on one line. */
void vp_cli_print_err(const struct vp_cli *cli, const struct vp_err *err);
/* Prints "vidpipe: CMD: MESSAGE" and a hint to --help; returns 1. */
int vp_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole decimal number from min to max, or -1 (so min must be >= 0). */
long vp_cli_parse_long(const char *s, long min, long max);

vp_cmd_fn cmd_version, cmd_debug, cmd_validate;
vp_cmd_fn cmd_plan, cmd_apply, cmd_destroy, cmd_drift, cmd_show, cmd_state, cmd_import, cmd_output, cmd_force_unlock;
vp_cmd_fn cmd_debug_sigv4, cmd_debug_call, cmd_debug_creds, cmd_debug_endpoint;
vp_cmd_fn cmd_debug_resource;
vp_cmd_fn cmd_debug_state;
vp_cmd_fn cmd_debug_schema;
vp_cmd_fn cmd_invoke;
vp_cmd_fn cmd_serve;

#endif
