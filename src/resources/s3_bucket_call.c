/* s3_bucket_call.c: S3 calls on one bucket through the client core, and the XML reading and writing the
 * bucket's sub-resources share. */
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"
#include "resources/s3_bucket.h"

int s3_call(struct vp_call *c, const char *bucket, const char *method, const char *operation,
            const struct vp_kvlist *query, const char *body, xmlDoc **doc)
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
                const char *subresource, const char *body, xmlDoc **doc)
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
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': vp_buf_puts(b, "&amp;"); break;
        case '<': vp_buf_puts(b, "&lt;"); break;
        case '>': vp_buf_puts(b, "&gt;"); break;
        case '"': vp_buf_puts(b, "&quot;"); break;
        case '\'': vp_buf_puts(b, "&apos;"); break;
        default: vp_buf_putc(b, *p); break;
        }
    }
    vp_buf_printf(b, "</%s>", tag);
}

xmlNode *s3_xml_child_node(xmlNode *node, const char *name)
{
    for (xmlNode *n = node ? node->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

static char *node_text(xmlNode *n)
{
    xmlChar *content = xmlNodeGetContent(n);
    char *text = vp_xstrdup(content ? (const char *)content : "");

    xmlFree(content);
    return text;
}

char *s3_xml_child(xmlNode *node, const char *name)
{
    xmlNode *n = s3_xml_child_node(node, name);

    return n ? node_text(n) : NULL;
}

json_t *s3_xml_children(xmlNode *node, const char *name)
{
    json_t *list = json_array();

    for (xmlNode *n = s3_xml_child_node(node, name); n; n = vp_xml_next_named(n)) {
        char *text = node_text(n);
        json_array_append_new(list, json_string(text));
        free(text);
    }
    return list;
}
