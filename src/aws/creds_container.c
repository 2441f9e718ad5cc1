/* creds_container.c: container credentials (ECS task roles, EKS Pod Identity):
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on http://169.254.170.2, or AWS_CONTAINER_CREDENTIALS_FULL_URI,
 * with the Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 * AWS_CONTAINER_AUTHORIZATION_TOKEN. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/creds_sources.h"
#include "base/xalloc.h"

#define ECS_HOST "http://169.254.170.2"
#define ATTEMPTS 3                  /* botocore's ContainerMetadataFetcher: 3 tries, 1 s apart, 2 s timeout */
#define RETRY_SLEEP_MS 1000
#define TIMEOUT_MS 2000
#define BODY_MAX (64u << 10)

/* The SDKs let a full URI use plain http only towards this host itself or the container agents' link-local
 * addresses (ECS 169.254.170.2, EKS Pod Identity 169.254.170.23 and fd00:ec2::23): a token must never
 * travel in clear text over a network. https may name any host. */
static bool http_host_allowed(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6, loop6 = IN6ADDR_LOOPBACK_INIT;

    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "169.254.170.2") == 0 ||
        strcmp(host, "169.254.170.23") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1) {
        struct in6_addr eks;
        inet_pton(AF_INET6, "fd00:ec2::23", &eks);
        return memcmp(&a6, &loop6, sizeof(a6)) == 0 || memcmp(&a6, &eks, sizeof(a6)) == 0;
    }
    return false;
}

static int check_full_uri(const char *uri, struct vp_err *err)
{
    const char *h, *he;
    char host[256];

    if (strncasecmp(uri, "https://", 8) == 0)
        return 0;
    if (strncasecmp(uri, "http://", 7) != 0)
        return vp_fail(err, VP_E_AWS_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI '%.200s' is not an http or https URL",
                       uri);
    h = uri + 7;
    he = h + strcspn(h, "/?#");
    if (memchr(h, '@', (size_t)(he - h)))
        return vp_fail(err, VP_E_AWS_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI '%.200s' must not carry a user name",
                       uri);
    if (*h == '[') {
        const char *close = memchr(h, ']', (size_t)(he - h));
        if (!close)
            return vp_fail(err, VP_E_AWS_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI '%.200s' is malformed", uri);
        h++;
        he = close;
    } else {
        const char *colon = memchr(h, ':', (size_t)(he - h));
        if (colon)
            he = colon;
    }
    snprintf(host, sizeof(host), "%.*s", (int)(he - h), h);
    if (!http_host_allowed(host))
        return vp_fail(err, VP_E_AWS_CONFIG,
                       "AWS_CONTAINER_CREDENTIALS_FULL_URI '%.200s' uses http to '%s': plain http is allowed only to "
                       "a loopback address or the container agent (169.254.170.2, 169.254.170.23, fd00:ec2::23); use "
                       "https", uri, host);
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0)
        ;
}

/* GETs the credentials; retries a transport failure or a 5xx, not an answer that says no (a 4xx). */
static int fetch(struct vp_aws *aws, const char *url, const char *auth, struct vp_http_response *resp,
                 struct vp_err *err)
{
    struct vp_kvlist headers = VP_KVLIST_INIT;
    struct vp_http_request req = { .method = "GET", .url = url, .headers = &headers, .connect_timeout_ms = TIMEOUT_MS,
                                   .timeout_ms = TIMEOUT_MS, .no_proxy = true, .max_body_bytes = BODY_MAX };
    int ret = -1;

    vp_kv_add(&headers, "Accept", "application/json");
    if (auth)
        vp_kv_add(&headers, "Authorization", auth);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        if (attempt > 1)
            sleep_ms(RETRY_SLEEP_MS);
        vp_http_response_release(resp);
        if (vp_http_perform(aws->http, &req, resp, err) < 0)
            continue;
        if (resp->status == 200) {
            ret = 0;
            break;
        }
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "HTTP %ld", resp->status);
        if (resp->status < 500 && resp->status != 429)
            break;
    }
    for (size_t i = 0; i < headers.n; i++) {
        if (strcasecmp(headers.items[i].name, "Authorization") == 0) {
            vp_creds_free_token(headers.items[i].value);
            headers.items[i].value = NULL;
        }
    }
    vp_kv_release(&headers);
    return ret;
}

static int load_container(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    const char *rel = vp_creds_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = vp_creds_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *token_file = vp_creds_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    struct vp_http_response resp = VP_HTTP_RESPONSE_INIT;
    char *url, *auth = NULL, what[300];
    json_t *doc = NULL;
    json_error_t jerr;
    int ret = -1;

    if (!rel && !full)
        return 0;
    /* The relative URI wins when both are set, as in botocore. */
    if (rel) {
        url = vp_xasprintf("%s%s%s", ECS_HOST, rel[0] == '/' ? "" : "/", rel);
    } else {
        if (check_full_uri(full, err) < 0)
            return -1;
        url = vp_xstrdup(full);
    }
    snprintf(what, sizeof(what), "container credentials from %.250s", url);
    /* The token file wins over the variable (EKS Pod Identity rotates the file). */
    if (token_file) {
        if (vp_creds_read_token_file(token_file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &auth, err) < 0)
            goto done;
    } else if (vp_creds_env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        auth = vp_xstrdup(vp_creds_env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    }
    if (auth && strpbrk(auth, "\r\n")) {
        vp_fail(err, VP_E_AWS_CONFIG, "the container authorization token is not a legal header value (it has a line "
                                      "break)");
        goto done;
    }
    if (fetch(aws, url, auth, &resp, err) < 0) {
        vp_err_prefix(err, "%s", what);
        err->code = VP_E_AWS_NO_CREDENTIALS;
        goto done;
    }
    doc = json_loadb(resp.body.data, resp.body.len, 0, &jerr);
    if (!doc) {
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "%s: the answer is not JSON", what);
        goto done;
    }
    if (vp_creds_from_json(doc, "Token", true, what, "container", out, err) < 0)
        goto done;
    ret = 1;
done:
    json_decref(doc);
    vp_creds_free_token(auth);
    vp_creds_wipe_buf(&resp.body);
    vp_http_response_release(&resp);
    free(url);
    return ret;
}

const struct vp_cred_source vp_cred_container = { "container", load_container };
