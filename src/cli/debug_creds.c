/* debug_creds.c: `vidpipe debug creds [--repeat N]`: which source of the credential chain answers, the access
 * key id, whether a session token came with it and when it expires. Never the secret or the token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "cli/cli.h"

static const char usage[] =
    "usage: vidpipe debug creds [--repeat N]\n"
    "\n"
    "Resolves AWS credentials as every call does (environment, assumed role, web identity, profile,\n"
    "credential_process, container, instance metadata) and prints where they came from, the access key id,\n"
    "whether a session token is present and when they expire. The secret and the token are never printed.\n"
    "\n"
    "  --repeat N   ask the client for credentials N times in this one process, as N calls would: temporary\n"
    "               credentials with less than 10 minutes left are fetched again\n";

static void print_creds(const struct vp_aws *aws, const struct vp_creds *c, time_t now)
{
    char when[32];

    printf("source: %s\n", c->source ? c->source : "unknown");
    printf("profile: %s\n", aws->cfg.profile);
    printf("region: %s\n", aws->cfg.region ? aws->cfg.region : "(none)");
    printf("access key id: %s\n", c->access_key_id ? c->access_key_id : "");
    printf("session token: %s\n", c->session_token ? "yes" : "no");
    if (!c->expires_at) {
        printf("expires: never\n");
    } else {
        struct tm tm;
        gmtime_r(&c->expires_at, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        printf("expires: %s (in %lld s)\n", when, (long long)(c->expires_at - now));
    }
}

int cmd_debug_creds(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_err err = { 0 };
    struct vp_aws *aws;
    long repeat = 1;
    char *end;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = strtol(argv[++i], &end, 10);
            if (*end || repeat < 1 || repeat > 1000)
                return vp_cli_usage_error("debug creds", "--repeat takes a number from 1 to 1000");
            continue;
        }
        return vp_cli_usage_error("debug creds", "unexpected argument '%s'", argv[i]);
    }
    if (!(aws = vp_cli_aws(cli, &err))) {
        vp_cli_print_err(cli, &err);
        return 1;
    }
    for (long i = 0; i < repeat; i++) {
        struct vp_creds c = { 0 };
        if (vp_aws_get_creds(aws, &c, &err) < 0) {
            vp_cli_print_err(cli, &err);
            return 1;
        }
        if (i == 0)
            print_creds(aws, &c, aws->now());
        vp_creds_release(&c);
    }
    return 0;
}
