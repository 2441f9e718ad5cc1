/* fuzz_xml_error.c: an XML answer body -> the XML reader (expat into vp_xml tree: DOCTYPE refused, depth
 * bounded), the lookups the response readers use, the formatter `vidpipe debug call` prints with, and the
 * error parsers of S3 (REST-XML) and IAM/STS (Query) as the client core runs them on a failed answer. */
#include <jansson.h>
#include <stdlib.h>

#include "aws/error.h"
#include "aws/xml.h"
#include "fuzz.h"

/* Walks every element as the S3 and IAM readers do: by name, direct children, same-named siblings. */
static void walk(const struct vp_xml_doc *doc, const struct vp_xml_node *node, size_t *budget)
{
    for (const struct vp_xml_node *ch = node->first_child; ch && *budget; ch = ch->next_sibling) {
        (*budget)--;
        (void)vp_xml_child(node, ch->name);
        (void)vp_xml_next_named(ch);
        walk(doc, ch, budget);
    }
}

static void read_answer(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "Code", "Message", "RequestId", "Key", "IsTruncated",
                                         "NextContinuationToken", "Arn", "Tag", "CORSRule", "Rule", NULL };
    struct vp_xml_doc *doc = NULL;
    struct vp_buf formatted = VP_BUF_INIT(0);
    struct vp_err err = { 0 };
    size_t budget = 10000;

    if (vp_xml_parse((const char *)data, size, &doc, &err) < 0)
        return;
    for (size_t i = 0; names[i]; i++)
        free(vp_xml_find_text(doc, NULL, names[i]));
    walk(doc, doc->root, &budget);
    vp_xml_format(doc, &formatted);
    vp_buf_release(&formatted);
    vp_xml_free(doc);
}

static void error_answer(const struct vp_service *svc, long status, const uint8_t *data, size_t size)
{
    struct vp_response resp;
    struct vp_err err = { 0 };

    vp_response_init(&resp);
    resp.status = status;
    vp_kv_add(&resp.headers, "x-amz-request-id", "4442587FB7D0A2F9");
    vp_buf_put(&resp.body, data, size);
    vp_error_from_response(svc, "Fuzz", &resp, &err);
    vp_response_release(&resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_answer(data, size);
    error_answer(&vp_svc_s3, 403, data, size);
    error_answer(&vp_svc_iam, 400, data, size);
    return 0;
}
