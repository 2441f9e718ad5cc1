/* s3_bucket_call.c: S3 calls on one bucket through the client core, and the XML reading and writing the
 * bucket's sub-resources share. */

#include "aws/proto.h"
#include "base/xalloc.h"
#include "resources/s3_bucket.h"

int s3_call(struct vp_call *c, const char *bucket, const char *method, const char *operation,
            const struct vp_kvlist *query, const char *body, struct vp_xml_doc **doc)
{
    struct vp_request req;
    struct vp_response resp;
    int ret;

    if (doc)
        *doc = NULL;
    vp_request_init(&req, &vp_svc_s3, method);
    vp_response_init(&resp);
    req.operation = operation;
    req.bucket = bucket;
    if (query)
        vp_kv_copy(&req.query, query);
    if (body)
        vp_buf_puts(&req.body, body);
    ret = vp_rest_xml_call(c->aws, &req, &resp, c->err);
    if (ret == 0 && doc && resp.body.len && vp_xml_parse(resp.body.data, resp.body.len, doc, c->err) < 0)
        ret = vp_err_prefix(c->err, "s3 %s", operation);
    vp_request_release(&req);
    vp_response_release(&resp);
    return ret;
}

int s3_call_sub(struct vp_call *c, const char *bucket, const char *method, const char *operation,
                const char *subresource, const char *body, struct vp_xml_doc **doc)
{
    struct vp_kvlist query = VP_KVLIST_INIT;
    int ret;

    if (subresource)
        vp_kv_add(&query, subresource, "");
    ret = s3_call(c, bucket, method, operation, &query, body, doc);
    vp_kv_release(&query);
    return ret;
}

void s3_xml_elem(struct vp_buf *b, const char *tag, const char *text)
{
    vp_buf_printf(b, "<%s>", tag);
    vp_xml_put_escaped(b, text);
    vp_buf_printf(b, "</%s>", tag);
}

struct vp_xml_node *s3_xml_child_node(const struct vp_xml_node *node, const char *name)
{
    return vp_xml_child(node, name);
}

char *s3_xml_child(const struct vp_xml_node *node, const char *name)
{
    struct vp_xml_node *n = vp_xml_child(node, name);

    return n ? vp_xstrdup(n->text) : NULL;
}

json_t *s3_xml_children(const struct vp_xml_node *node, const char *name)
{
    json_t *list = json_array();

    for (struct vp_xml_node *n = vp_xml_child(node, name); n; n = vp_xml_next_named(n))
        json_array_append_new(list, json_string(n->text));
    return list;
}
