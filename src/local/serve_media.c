/* serve_media.c: /media/BUCKET/KEY on the local port of `vidpipe serve`: the objects of the spec's buckets,
 * read from S3 with serve's own credentials and answered as a CDN in front of a private bucket would answer
 * them (CloudFront with origin access control): the bucket stays private, players fetch over plain HTTP.
 * Only buckets the spec declares are served; GET and HEAD, with Range passed through. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/client.h"
#include "aws/service.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "local/serve_internal.h"

static bool spec_bucket(const struct vp_wiring *w, const char *bucket)
{
    for (size_t i = 0; i < w->n_buckets; i++)
        if (strcmp(w->buckets[i], bucket) == 0)
            return true;
    return false;
}

/* "." or ".." as a segment of the (decoded) key: refused, as no player asks for one and an upstream or a
 * server on the way that resolves them would read outside the bucket ("../other-bucket/k"). */
static bool has_dot_segment(const char *key)
{
    for (const char *seg = key; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
        size_t len = strcspn(seg, "/");

        if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return true;
    }
    return false;
}

static void copy_header(const struct vp_response *from, struct vp_api_response *to, const char *name)
{
    const char *v = vp_kv_get(&from->headers, name);

    if (v)
        vp_kv_set(&to->headers, name, v);
}

/* The shared client (vp_aws_send is safe from many threads: apply's workers share one too). */
static struct vp_aws *media_client(struct server *s, struct vp_err *err)
{
    struct vp_aws_options opts = { .region = s->o->region };
    struct vp_aws *aws;

    pthread_mutex_lock(&s->media_lock);
    if (!s->media_aws)
        s->media_aws = vp_aws_new(&opts, err);
    aws = s->media_aws;
    pthread_mutex_unlock(&s->media_lock);
    return aws;
}

static void fetch(struct server *s, const struct vp_api_request *req, const char *bucket, const char *key,
                  struct vp_api_response *out)
{
    struct vp_request r;
    struct vp_response resp;
    struct vp_err err = { 0 };
    struct vp_aws *aws = media_client(s, &err);
    const char *range = vp_kv_get(req->headers, "range");
    static const char *const passed[] = { "Content-Type", "ETag", "Last-Modified", "Content-Range", "Accept-Ranges",
                                          "Cache-Control", NULL };

    if (!aws) {
        serve_log(s, "media: %s", err.msg);
        vp_api_response_message(out, 502, "Bad Gateway");
        return;
    }
    vp_request_init(&r, &vp_svc_s3, strcmp(req->method, "HEAD") == 0 ? "HEAD" : "GET");
    vp_response_init(&resp);
    r.operation = "GetObject";
    r.bucket = bucket;
    vp_request_path_add(&r, key, true);
    if (range)
        vp_kv_add(&r.headers, "Range", range);
    if (vp_aws_send(aws, &r, &resp, &err) == 0) {
        out->status = (int)resp.status;
        out->body_len = resp.body.len;
        out->body = vp_xmalloc(resp.body.len + 1);
        memcpy(out->body, resp.body.data, resp.body.len);
        out->body[resp.body.len] = '\0';
        for (size_t i = 0; passed[i]; i++)
            copy_header(&resp, out, passed[i]);
    } else if (resp.status == 404 || resp.status == 403 || resp.status == 416) {
        vp_api_response_message(out, (int)resp.status, resp.status == 416 ? "Range Not Satisfiable" :
                                                        resp.status == 404 ? "Not Found" : "Forbidden");
    } else {
        serve_log(s, "media: %s/%s: %s", bucket, key, err.msg);
        vp_api_response_message(out, 502, "Bad Gateway");
    }
    vp_request_release(&r);
    vp_response_release(&resp);
}

void serve_media_request(struct server *s, const struct vp_api_request *req, struct vp_api_response *out)
{
    const char *rest = req->path + strlen("/media/"), *slash = strchr(rest, '/');
    char *bucket, *key;

    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        vp_api_response_message(out, 405, "Method Not Allowed");
        return;
    }
    if (!slash || slash == rest || !slash[1]) {
        vp_api_response_message(out, 404, "Not Found");
        return;
    }
    bucket = vp_xstrndup(rest, (size_t)(slash - rest));
    key = vp_uri_decode_new(slash + 1, false);
    if (key && has_dot_segment(key))
        vp_api_response_message(out, 400, "Bad Request");
    else if (!spec_bucket(s->o->wiring, bucket) || !key)
        vp_api_response_message(out, 404, "Not Found");
    else
        fetch(s, req, bucket, key, out);
    free(bucket);
    free(key);
}
