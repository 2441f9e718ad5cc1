/* version.c: `vidpipe version`: vidpipe's version and commit, and the versions of the libraries it runs on. */
#include <curl/curl.h>
#include <expat.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>
#include <zip.h>

#include "cli/cli.h"

#ifndef VP_COMMIT
#define VP_COMMIT "unknown"
#endif

int cmd_version(int argc, char **argv, struct vp_cli *cli)
{
    XML_Expat_Version expat = XML_ExpatVersionInfo();

    (void)cli;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: vidpipe version\n\nPrints vidpipe's version and commit and the library versions.\n");
        return 0;
    }
    if (argc > 1)
        return vp_cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("vidpipe %s (commit %s)\n", VP_VERSION, VP_COMMIT);
    printf("libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
    printf("openssl %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
    printf("libyaml %s\n", yaml_get_version_string());
    printf("jansson %s\n", jansson_version_str());
    printf("expat %d.%d.%d\n", expat.major, expat.minor, expat.micro);
    printf("libzip %s\n", zip_libzip_version());
    printf("libmicrohttpd %s\n", MHD_get_version());
    return 0;
}
