/* endpoint.c: where a service's requests go. The precedence is the AWS SDKs and Tools reference guide's
 * ("Service-specific endpoints"): AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns every override off; then
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's `services` section, the profile's endpoint_url,
 * and last the service's default endpoint for the region and its partition. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "base/xalloc.h"
#include <stdio.h>

static bool env_true(const char *name)
{
    const char *v = getenv(name);

    return v && strcasecmp(v, "true") == 0;
}

/* A usable endpoint is http(s)://host[:port][/path] with a non-empty host and a numeric port. */
int vp_endpoint_check(const char *url, const char *where, struct vp_err *err)
{
    const char *p, *host;
    size_t host_len;

    if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        host = url + 7;
    else
        return vp_fail(err, VP_E_AWS_ENDPOINT, "%s: endpoint URL '%s' must start with http:// or https://", where, url);
    host_len = strcspn(host, ":/?#");
    if (host_len == 0)
        return vp_fail(err, VP_E_AWS_ENDPOINT, "%s: endpoint URL '%s' has no host", where, url);
    for (p = host; p < host + host_len; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_' && *p != '[' && *p != ']')
            return vp_fail(err, VP_E_AWS_ENDPOINT, "%s: endpoint URL '%s' has an invalid host", where, url);
    p = host + host_len;
    if (*p == ':') {
        char *end;
        long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || port <= 0 || port > 65535 || (*end && *end != '/'))
            return vp_fail(err, VP_E_AWS_ENDPOINT, "%s: endpoint URL '%s' has an invalid port", where, url);
        p = end;
    }
    if (*p && *p != '/')
        return vp_fail(err, VP_E_AWS_ENDPOINT, "%s: endpoint URL '%s' may not have a query or fragment", where, url);
    if (strpbrk(p, "?# \t"))
        return vp_fail(err, VP_E_AWS_ENDPOINT, "%s: endpoint URL '%s' may not have a query or fragment", where, url);
    return 0;
}

static char *trimmed_copy(const char *url)
{
    size_t n = strlen(url);

    while (n > 0 && url[n - 1] == '/')
        n--;
    return vp_xstrndup(url, n);
}

static int from_override(const char *url, const char *where, char **out, struct vp_err *err)
{
    if (vp_endpoint_check(url, where, err) < 0)
        return -1;
    *out = trimmed_copy(url);
    return 1;
}

/* The configured override, if any: 1 found (*out set), 0 none, -1 invalid. */
static int configured_endpoint(struct vp_aws *aws, const struct vp_service *svc, char **out, struct vp_err *err)
{
    char name[64];
    const char *v, *services;

    if (env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ||
        (vp_config_get(&aws->cfg, "ignore_configured_endpoint_urls") &&
         strcasecmp(vp_config_get(&aws->cfg, "ignore_configured_endpoint_urls"), "true") == 0))
        return 0;
    snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", svc->env_id);
    if ((v = getenv(name)) && *v)
        return from_override(v, name, out, err);
    if ((v = getenv("AWS_ENDPOINT_URL")) && *v)
        return from_override(v, "AWS_ENDPOINT_URL", out, err);
    services = vp_config_get(&aws->cfg, "services");
    if (services) {
        char section[128], key[64];
        const struct vp_kvlist *kv;

        snprintf(section, sizeof(section), "services %s", services);
        snprintf(key, sizeof(key), "%s.endpoint_url", svc->config_key);
        kv = vp_ini_section(&aws->cfg.config_file, section);
        if (kv && (v = vp_kv_get(kv, key)) && *v)
            return from_override(v, "config file services section", out, err);
    }
    if ((v = vp_config_get(&aws->cfg, "endpoint_url")) && *v)
        return from_override(v, "profile endpoint_url", out, err);
    return 0;
}

const char *vp_partition_dns_suffix(const char *region)
{
    if (strncmp(region, "cn-", 3) == 0)
        return "amazonaws.com.cn";
    return "amazonaws.com";
}

const char *vp_endpoint_signing_region(const struct vp_service *svc, const char *region)
{
    if (!svc->global)
        return region;
    if (strncmp(region, "cn-", 3) == 0)
        return "cn-north-1";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "us-gov-west-1";
    return "us-east-1";
}

static char *default_endpoint(const struct vp_service *svc, const char *region)
{
    const char *suffix = vp_partition_dns_suffix(region);

    if (svc->global) {
        /* IAM has one endpoint per partition, signed for that partition's home region. */
        if (strncmp(region, "cn-", 3) == 0)
            return vp_xstrdup("https://iam.cn-north-1.amazonaws.com.cn");
        if (strncmp(region, "us-gov-", 7) == 0)
            return vp_xstrdup("https://iam.us-gov.amazonaws.com");
        return vp_xstrdup("https://iam.amazonaws.com");
    }
    return vp_xasprintf("https://%s.%s.%s", svc->endpoint_prefix, region, suffix);
}

int vp_endpoint_resolve(struct vp_aws *aws, const struct vp_service *svc, const char *region, char **url,
                        bool *custom, struct vp_err *err)
{
    int found = configured_endpoint(aws, svc, url, err);

    if (found < 0)
        return -1;
    *custom = found == 1;
    if (!found)
        *url = default_endpoint(svc, region);
    return 0;
}

/* S3 bucket names usable as a DNS label: lower case letters, digits and '-', 3 to 63 long, no dots (a dot
 * breaks the wildcard certificate). */
static bool dns_compatible_bucket(const char *bucket)
{
    size_t n = strlen(bucket);

    if (n < 3 || n > 63 || bucket[0] == '-' || bucket[n - 1] == '-')
        return false;
    for (const char *p = bucket; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return false;
    return true;
}

static bool host_is_ip(const char *host, size_t len)
{
    if (len && host[0] == '[')
        return true;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)host[i]) && host[i] != '.')
            return false;
    return len > 0;
}

/* S3 addressing, as the S3 endpoint rules decide it: virtual-hosted (bucket.host) unless path style is
 * forced, the bucket is not a DNS label, or the endpoint's host is an IP address. */
char *vp_s3_bucket_url(const char *endpoint, const char *bucket, bool force_path_style, bool *path_style)
{
    const char *scheme_end = strstr(endpoint, "://");
    const char *host = scheme_end ? scheme_end + 3 : endpoint;
    size_t host_len = strcspn(host, ":/");

    *path_style = force_path_style || !dns_compatible_bucket(bucket) || host_is_ip(host, host_len);
    if (*path_style)
        return vp_xstrdup(endpoint);
    return vp_xasprintf("%.*s%s.%s", (int)(host - endpoint), endpoint, bucket, host);
}
