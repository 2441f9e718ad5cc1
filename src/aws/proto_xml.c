/* proto_xml.c: the Query protocol (IAM, STS: a form body, XML answers) and REST-XML (S3). */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"

/* Form encoding as botocore writes it (Python's urlencode): unreserved characters as they are, a space as
 * '+', everything else %XX. IAM-enforcing emulators re-sign the body byte for byte, so this must match. */
static void form_encode(struct vp_buf *out, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == ' ')
            vp_buf_putc(out, '+');
        else
            vp_uri_encode(out, p, 1, false);
    }
}

static void form_add(struct vp_buf *body, const char *name, const char *value)
{
    if (body->len)
        vp_buf_putc(body, '&');
    form_encode(body, name);
    vp_buf_putc(body, '=');
    form_encode(body, value);
}

int vp_query_call(struct vp_aws *aws, const struct vp_service *svc, const char *action,
                  const struct vp_kvlist *params, const struct vp_call_opts *opts,
                  struct vp_xml_doc **out, struct vp_err *err)
{
    struct vp_request req;
    struct vp_response resp;
    int ret;

    *out = NULL;
    vp_request_init(&req, svc, "POST");
    vp_response_init(&resp);
    req.operation = action;
    if (opts) {
        req.anonymous = opts->anonymous;
        req.creds = opts->creds;
        req.region = opts->region;
    }
    vp_kv_add(&req.headers, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    form_add(&req.body, "Action", action);
    form_add(&req.body, "Version", svc->api_version);
    for (size_t i = 0; params && i < params->n; i++)
        form_add(&req.body, params->items[i].name, params->items[i].value);
    ret = vp_aws_send(aws, &req, &resp, err);
    if (ret == 0 && vp_xml_parse(resp.body.data, resp.body.len, out, err) < 0)
        ret = vp_err_prefix(err, "%s %s", svc->name, action);
    /* the body may carry a web identity token or a session policy: wipe it before it is freed */
    OPENSSL_cleanse(req.body.data, req.body.len);
    vp_request_release(&req);
    vp_response_release(&resp);
    return ret;
}

/* S3 requires Content-MD5 on several configuration calls (PutBucketCors, PutBucketLifecycleConfiguration,
 * DeleteObjects, ...) and accepts it on all: send it with every body. */
static void add_content_md5(struct vp_request *req)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    unsigned char b64[64];

    if (vp_kv_get(&req->headers, "Content-MD5"))
        return;
    EVP_Digest(req->body.data, req->body.len, md, &md_len, EVP_md5(), NULL);
    EVP_EncodeBlock(b64, md, (int)md_len);
    vp_kv_add(&req->headers, "Content-MD5", (const char *)b64);
}

int vp_rest_xml_call(struct vp_aws *aws, struct vp_request *req, struct vp_response *resp, struct vp_err *err)
{
    if (req->body.len) {
        if (!vp_kv_get(&req->headers, "Content-Type"))
            vp_kv_add(&req->headers, "Content-Type", "application/xml");
        add_content_md5(req);
    }
    return vp_aws_send(aws, req, resp, err);
}
