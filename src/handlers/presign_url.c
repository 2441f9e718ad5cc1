/* presign_url.c: a presigned S3 PUT URL, made locally with the project's SigV4 signer in query mode. The
 * endpoint and addressing style are the client core's (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, profile
 * settings, path style for IP hosts or when forced), so a URL made here is the URL vidpipe itself would call. */
#include "handlers/presign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "aws/sigv4.h"
#include "aws/uri.h"
#include "base/xalloc.h"

/* scheme://host[:port] and the path that follows it, split out of a bucket URL. */
struct origin {
    char *origin;                   /* "http://127.0.0.1:4569" */
    char *host;                     /* "127.0.0.1:4569": the signed Host header */
    const char *base_path;          /* "" or "/base", borrowed from the URL */
};

static void split_origin(const char *url, struct origin *o)
{
    const char *after_scheme = strstr(url, "://") + 3;   /* vp_endpoint_resolve checked the URL's shape */
    size_t host_len = strcspn(after_scheme, "/");

    o->host = vp_xstrndup(after_scheme, host_len);
    o->origin = vp_xstrndup(url, (size_t)(after_scheme + host_len - url));
    o->base_path = after_scheme + host_len;
}

/* The wire path: the endpoint's base path, the bucket when path-style, then the key encoded once with its
 * '/' kept (what S3's signing rules expect). */
static char *object_path(const char *base_path, bool path_style, const struct vp_presign_put *put)
{
    struct vp_buf path = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    vp_buf_puts(&path, base_path);
    if (path.len && path.data[path.len - 1] == '/')
        path.data[--path.len] = '\0';
    if (path_style) {
        vp_buf_putc(&path, '/');
        vp_uri_encode(&path, put->bucket, strlen(put->bucket), false);
    }
    vp_buf_putc(&path, '/');
    vp_uri_encode(&path, put->key, strlen(put->key), true);
    return vp_buf_detach(&path, NULL);
}

static char *join_url(const char *origin, const char *path, const struct vp_kvlist *query)
{
    struct vp_buf url = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    vp_buf_puts(&url, origin);
    vp_buf_puts(&url, path);
    for (size_t i = 0; i < query->n; i++) {
        vp_buf_putc(&url, i ? '&' : '?');
        vp_uri_encode(&url, query->items[i].name, strlen(query->items[i].name), false);
        vp_buf_putc(&url, '=');
        vp_uri_encode(&url, query->items[i].value, strlen(query->items[i].value), false);
    }
    return vp_buf_detach(&url, NULL);
}

static int sign(const struct vp_presign_put *put, const char *region, const struct origin *o, const char *path,
                const struct vp_creds *creds, struct vp_kvlist *query, struct vp_err *err)
{
    struct vp_kvlist headers = VP_KVLIST_INIT;
    struct vp_sigv4 sig = VP_SIGV4_INIT;
    struct vp_sigv4_request req = { .method = "PUT", .path = path, .query = query, .headers = &headers };
    struct vp_sigv4_params params = {
        .service = vp_svc_s3.signing_name, .region = vp_endpoint_signing_region(&vp_svc_s3, region),
        .time = put->now, .mode = VP_SIGV4_QUERY, .expires_s = put->expires_s, .s3_rules = true,
        .payload_hash = "UNSIGNED-PAYLOAD",
    };
    int ret;

    /* These are signed: the uploader must send this Content-Type, and exactly the size it declared (a
     * presigned PUT bounds the size only through a signed Content-Length), to this host. */
    vp_kv_add(&headers, "Host", o->host);
    vp_kv_add(&headers, "Content-Type", put->content_type);
    if (put->content_length > 0) {
        char length[24];
        snprintf(length, sizeof length, "%lld", put->content_length);
        vp_kv_add(&headers, "Content-Length", length);
    }
    ret = vp_sigv4_sign(&req, &params, creds, &sig, err);
    vp_sigv4_release(&sig);
    vp_kv_release(&headers);
    return ret;
}

int vp_presign_put_url(struct vp_aws *aws, const struct vp_presign_put *put, char **url, struct vp_err *err)
{
    struct vp_creds creds = { 0 };
    struct vp_kvlist query = VP_KVLIST_INIT;
    struct origin o = { 0 };
    const char *region;
    char *endpoint = NULL, *bucket_url = NULL, *path = NULL;
    bool custom = false, path_style = true;
    int ret = -1;

    *url = NULL;
    if (vp_aws_region(aws, &region, err) < 0 ||
        vp_endpoint_resolve(aws, &vp_svc_s3, region, &endpoint, &custom, err) < 0)
        goto done;
    if (vp_aws_get_creds(aws, &creds, err) < 0)
        goto done;
    bucket_url = vp_s3_bucket_url(endpoint, put->bucket, aws->cfg.s3_force_path_style, &path_style);
    split_origin(bucket_url, &o);
    path = object_path(o.base_path, path_style, put);
    if (sign(put, region, &o, path, &creds, &query, err) < 0)
        goto done;
    *url = join_url(o.origin, path, &query);
    ret = 0;
done:
    vp_creds_release(&creds);
    vp_kv_release(&query);
    free(o.origin);
    free(o.host);
    free(path);
    free(bucket_url);
    free(endpoint);
    return ret;
}
