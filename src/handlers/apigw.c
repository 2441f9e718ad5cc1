/* apigw.c: API Gateway HTTP API (payload format 2.0) requests and responses for the presign and videos
 * handlers. */
#include "handlers/apigw.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/buf.h"
#include "base/xalloc.h"

const char *vp_apigw_caller(const json_t *event)
{
    const json_t *sub = json_object_get(
        json_object_get(json_object_get(json_object_get(json_object_get(event, "requestContext"), "authorizer"),
                                        "jwt"),
                        "claims"),
        "sub");
    size_t len = json_string_length(sub);

    if (!json_is_string(sub) || len == 0 || len > VP_APIGW_SUB_MAX || strlen(json_string_value(sub)) != len)
        return NULL;
    return json_string_value(sub);
}

static bool is_id_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

char *vp_apigw_user_id(const char *sub)
{
    static const char hex[] = "0123456789ABCDEF";
    struct vp_buf out = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    for (const unsigned char *p = (const unsigned char *)sub; *p; p++) {
        if (is_id_byte(*p)) {
            vp_buf_putc(&out, (char)*p);
        } else {
            char enc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
            vp_buf_put(&out, enc, sizeof(enc));
        }
    }
    return vp_buf_detach(&out, NULL);
}

json_t *vp_apigw_response(int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    /* no-store: answers carry presigned URLs and one user's list; no cache may keep them. */
    json_t *resp = json_pack("{s:i, s:{s:s, s:s}, s:s}", "statusCode", status, "headers", "content-type",
                             "application/json", "cache-control", "no-store", "body", text ? text : "{}");

    free(text);
    json_decref(body);
    return resp;
}

json_t *vp_apigw_error(int status, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    return vp_apigw_response(status, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message));
}

json_t *vp_apigw_unauthorized(void)
{
    return vp_apigw_error(401, "unauthorized", "this route needs a signed-in caller (a JWT with a sub claim)");
}

/* Standard base64 (API Gateway's isBase64Encoded bodies) into out; false when it is not base64. */
static bool base64_decode(const char *in, size_t len, struct vp_buf *out)
{
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    unsigned char *bytes = vp_xmalloc(len / 4 * 3 + 3 + 1);
    int n = 0, tail = 0;
    bool ok;

    if (!ctx)
        abort();
    EVP_DecodeInit(ctx);
    ok = EVP_DecodeUpdate(ctx, bytes, &n, (const unsigned char *)in, (int)len) >= 0 &&
         EVP_DecodeFinal(ctx, bytes + n, &tail) == 1;
    if (ok)
        vp_buf_put(out, bytes, (size_t)(n + tail));
    EVP_ENCODE_CTX_free(ctx);
    free(bytes);
    return ok;
}

static json_t *bad_body(json_t **error_response, const char *code, const char *message)
{
    *error_response = vp_apigw_error(400, code, "%s", message);
    return NULL;
}

json_t *vp_apigw_json_body(const json_t *event, size_t max_bytes, json_t **error_response)
{
    const json_t *body = json_object_get(event, "body");
    struct vp_buf text = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    json_error_t jerr;
    json_t *doc;
    size_t len = json_string_length(body);

    *error_response = NULL;
    if (!json_is_string(body) || len == 0)
        return bad_body(error_response, "missing_body", "the request needs a JSON body");
    if (json_is_true(json_object_get(event, "isBase64Encoded"))) {
        /* Bound the encoded text before decoding it: 4 characters carry 3 bytes. */
        if (len / 4 * 3 > max_bytes + 3)
            return bad_body(error_response, "body_too_large", "the request body is too large");
        if (!base64_decode(json_string_value(body), len, &text)) {
            vp_buf_release(&text);
            return bad_body(error_response, "invalid_body", "the request body is not valid base64");
        }
    } else {
        vp_buf_put(&text, json_string_value(body), len);
    }
    if (text.len > max_bytes) {
        vp_buf_release(&text);
        return bad_body(error_response, "body_too_large", "the request body is too large");
    }
    if (memchr(text.data, '\0', text.len)) {
        vp_buf_release(&text);
        return bad_body(error_response, "invalid_json", "the request body holds a NUL byte");
    }
    /* jansson refuses nesting deeper than JSON_PARSER_MAX_DEPTH (2048) and "\u0000" in strings; duplicate
     * keys are refused too, so no two readers can see different values. */
    doc = json_loadb(text.data, text.len, JSON_REJECT_DUPLICATES, &jerr);
    vp_buf_release(&text);
    if (!doc)
        return bad_body(error_response, "invalid_json", "the request body is not valid JSON");
    if (!json_is_object(doc)) {
        json_decref(doc);
        return bad_body(error_response, "invalid_json", "the request body must be a JSON object");
    }
    return doc;
}

int vp_apigw_query(const json_t *event, const char *name, const char **value)
{
    const json_t *v = json_object_get(json_object_get(event, "queryStringParameters"), name);

    *value = NULL;
    if (!v)
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    *value = json_string_value(v);
    return 0;
}
