/* error.c: error answers of the four AWS protocols.
 *   JSON and REST-JSON: x-amzn-ErrorType header or the body's __type/code ("prefix#Code:url" trimmed to
 *   Code), message in message/Message.
 *   Query (IAM, STS): <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>.
 *   REST-XML (S3): <Error><Code/><Message/><RequestId/></Error>; HEAD answers carry no body. */
#include "aws/error.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"

const char *vp_response_request_id(const struct vp_response *resp)
{
    static const char *const names[] = { "x-amzn-RequestId", "x-amz-request-id", "x-amzn-request-id", NULL };

    for (size_t i = 0; names[i]; i++) {
        const char *v = vp_kv_get(&resp->headers, names[i]);
        if (v && *v)
            return v;
    }
    return NULL;
}

/* "aws.protocoltests#FooError:http://..." -> "FooError" */
static void copy_code(char *dst, size_t size, const char *raw)
{
    const char *hash = strrchr(raw, '#');
    const char *start = hash ? hash + 1 : raw;
    size_t n = strcspn(start, ":");

    if (n >= size)
        n = size - 1;
    memcpy(dst, start, n);
    dst[n] = '\0';
}

static const char *json_str(json_t *obj, const char *a, const char *b)
{
    const char *v = json_string_value(json_object_get(obj, a));

    return v ? v : json_string_value(json_object_get(obj, b));
}

static bool parse_json_error(const struct vp_response *resp, char *code, size_t code_size, char *msg,
                             size_t msg_size)
{
    const char *header = vp_kv_get(&resp->headers, "x-amzn-ErrorType");
    json_t *body = resp->body.len ? json_loadb(resp->body.data, resp->body.len, 0, NULL) : NULL;
    const char *raw = header;
    bool ok = false;

    if (json_is_object(body)) {
        const char *m = json_str(body, "message", "Message");
        if (!raw)
            raw = json_str(body, "__type", "code");
        if (!raw)
            raw = json_str(body, "Code", "errorType");
        if (!m)
            m = json_str(body, "errorMessage", "Error");
        if (m)
            snprintf(msg, msg_size, "%s", m);
        ok = true;
    }
    if (raw && *raw) {
        copy_code(code, code_size, raw);
        ok = true;
    }
    json_decref(body);
    return ok && code[0];
}

static bool parse_xml_error(const struct vp_response *resp, char *code, size_t code_size, char *msg,
                            size_t msg_size, char *request_id, size_t rid_size)
{
    struct vp_xml_doc *doc = NULL;
    char *c, *m, *r;

    if (!resp->body.len || vp_xml_parse(resp->body.data, resp->body.len, &doc, NULL) < 0)
        return false;
    c = vp_xml_find_text(doc, NULL, "Code");
    m = vp_xml_find_text(doc, NULL, "Message");
    r = vp_xml_find_text(doc, NULL, "RequestId");
    if (c)
        snprintf(code, code_size, "%s", c);
    if (m)
        snprintf(msg, msg_size, "%s", m);
    if (r && !request_id[0])
        snprintf(request_id, rid_size, "%s", r);
    free(c);
    free(m);
    free(r);
    vp_xml_free(doc);
    return code[0] != '\0';
}

/* The first characters of a body that is not an AWS error, on one line, for the message. */
static void body_excerpt(const struct vp_response *resp, char *out, size_t size)
{
    size_t j = 0;

    for (size_t i = 0; i < resp->body.len && j + 1 < size && j < 120; i++) {
        unsigned char ch = (unsigned char)resp->body.data[i];
        if (isspace(ch)) {
            if (j && out[j - 1] != ' ')
                out[j++] = ' ';
        } else if (isprint(ch)) {
            out[j++] = (char)ch;
        }
    }
    out[j] = '\0';
}

static const char *status_code_name(long status)
{
    switch (status) {
    case 301: return "PermanentRedirect";
    case 304: return "NotModified";
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 412: return "PreconditionFailed";
    default: return NULL;
    }
}

int vp_error_from_response(const struct vp_service *svc, const char *operation, const struct vp_response *resp,
                           struct vp_err *err)
{
    char code[64] = "", msg[300] = "", rid[80] = "", excerpt[128];
    const char *rid_header = vp_response_request_id(resp);
    bool parsed;

    if (rid_header)
        snprintf(rid, sizeof(rid), "%s", rid_header);
    if (svc->protocol == VP_PROTO_JSON || svc->protocol == VP_PROTO_REST_JSON)
        parsed = parse_json_error(resp, code, sizeof(code), msg, sizeof(msg));
    else
        parsed = parse_xml_error(resp, code, sizeof(code), msg, sizeof(msg), rid, sizeof(rid));

    if (parsed) {
        vp_fail(err, VP_E_AWS_SERVICE, "%s %s: %s%s%s", svc->name, operation, code, msg[0] ? ": " : "", msg);
    } else {
        /* Not an AWS error document: a proxy's HTML page, an empty HEAD answer. */
        const char *name = status_code_name(resp->status);
        if (name)
            snprintf(code, sizeof(code), "%s", name);
        else
            snprintf(code, sizeof(code), "%ld", resp->status);
        body_excerpt(resp, excerpt, sizeof(excerpt));
        vp_fail(err, VP_E_AWS_SERVICE, "%s %s: HTTP %ld%s%s", svc->name, operation, resp->status,
                excerpt[0] ? ", not an AWS error answer: " : "", excerpt);
    }
    err->http_status = (int)resp->status;
    snprintf(err->service, sizeof(err->service), "%s", svc->name);
    snprintf(err->aws_code, sizeof(err->aws_code), "%s", code);
    snprintf(err->request_id, sizeof(err->request_id), "%s", rid);
    return -1;
}
