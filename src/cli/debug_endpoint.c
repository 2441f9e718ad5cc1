/* debug_endpoint.c: `vidpipe debug endpoint SERVICE [--bucket NAME]`: where a service's calls go and the
 * region they are signed for, after every override (AWS_ENDPOINT_URL*, profile settings). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "cli/cli.h"

int cmd_debug_endpoint(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_err err = { 0 };
    const struct vp_service *svc;
    const char *bucket = NULL, *region;
    struct vp_aws *aws;
    char *url = NULL, *bucket_url = NULL;
    bool custom, path_style = false;

    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: vidpipe debug endpoint SERVICE [--bucket NAME]\n\n"
               "Prints the endpoint URL a service resolves to, whether it was configured, and the signing region.\n");
        return 0;
    }
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--bucket") == 0))
        return vp_cli_usage_error("debug endpoint", "expected SERVICE [--bucket NAME]");
    if (!(svc = vp_service_find(argv[1])))
        return vp_cli_usage_error("debug endpoint", "unknown service '%s'", argv[1]);
    if (argc == 4)
        bucket = argv[3];
    if (!(aws = vp_cli_aws(cli, &err)) || vp_aws_region(aws, &region, &err) < 0 ||
        vp_endpoint_resolve(aws, svc, region, &url, &custom, &err) < 0) {
        vp_cli_print_err(cli, &err);
        return 1;
    }
    if (bucket) {
        bucket_url = vp_s3_bucket_url(url, bucket, aws->cfg.s3_force_path_style, &path_style);
        printf("url: %s%s%s\n", bucket_url, path_style ? "/" : "", path_style ? bucket : "");
        printf("addressing: %s\n", path_style ? "path" : "virtual-hosted");
    } else {
        printf("url: %s\n", url);
    }
    printf("source: %s\n", custom ? "configured" : "default");
    printf("signing region: %s\n", vp_endpoint_signing_region(svc, region));
    free(url);
    free(bucket_url);
    return 0;
}
