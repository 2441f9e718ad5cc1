/* proto_json.c: the JSON 1.0/1.1 protocol (DynamoDB, EventBridge) and REST-JSON (Lambda, MediaConvert,
 * MediaPackage, API Gateway v2): JSON in, JSON out; errors are parsed by the client core. */
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"

/* The answer's JSON: {} for an empty body; a body that is not JSON is an error naming the operation. */
static int decode_answer(const struct vp_service *svc, const char *operation, const struct vp_response *resp,
                         json_t **out, struct vp_err *err)
{
    json_error_t jerr;

    if (resp->body.len == 0) {
        *out = json_object();
        return 0;
    }
    *out = json_loadb(resp->body.data, resp->body.len, JSON_DECODE_ANY, &jerr);
    if (!*out)
        return vp_fail(err, VP_E_AWS_RESPONSE, "%s %s: malformed JSON answer (HTTP %ld, %zu bytes): %s",
                       svc->name, operation, resp->status, resp->body.len, jerr.text);
    return 0;
}

static void set_body(struct vp_request *req, json_t *in)
{
    char *text = json_dumps(in, JSON_COMPACT);

    vp_buf_puts(&req->body, text);
    free(text);
}

int vp_json_call(struct vp_aws *aws, const struct vp_service *svc, const char *operation, json_t *in,
                 json_t **out, struct vp_err *err)
{
    struct vp_request req;
    struct vp_response resp;
    char *target = vp_xasprintf("%s.%s", svc->target_prefix, operation);
    char *type = vp_xasprintf("application/x-amz-json-%s", svc->json_version);
    json_t *empty = in ? NULL : json_object();
    int ret;

    *out = NULL;
    vp_request_init(&req, svc, "POST");
    vp_response_init(&resp);
    req.operation = operation;
    vp_kv_add(&req.headers, "Content-Type", type);
    vp_kv_add(&req.headers, "X-Amz-Target", target);
    set_body(&req, in ? in : empty);
    ret = vp_aws_send(aws, &req, &resp, err);
    if (ret == 0)
        ret = decode_answer(svc, operation, &resp, out, err);
    json_decref(empty);
    free(target);
    free(type);
    vp_request_release(&req);
    vp_response_release(&resp);
    return ret;
}

int vp_rest_json_call(struct vp_aws *aws, const struct vp_service *svc, const char *operation,
                      const char *method, const char *path, const struct vp_kvlist *query, json_t *in,
                      json_t **out, struct vp_err *err)
{
    return vp_rest_json_call_opts(aws, svc, operation, method, path, query, NULL, in, out, err);
}

int vp_rest_json_call_opts(struct vp_aws *aws, const struct vp_service *svc, const char *operation,
                           const char *method, const char *path, const struct vp_kvlist *query,
                           const struct vp_call_opts *opts, json_t *in, json_t **out, struct vp_err *err)
{
    struct vp_request req;
    struct vp_response resp;
    int ret;

    *out = NULL;
    vp_request_init(&req, svc, method);
    vp_response_init(&resp);
    req.operation = operation;
    if (opts) {
        req.anonymous = opts->anonymous;
        req.creds = opts->creds;
        req.region = opts->region;
        req.endpoint = opts->endpoint;
        req.not_idempotent = opts->not_idempotent;
    }
    vp_buf_puts(&req.path, path);
    if (query)
        vp_kv_copy(&req.query, query);
    if (in) {
        vp_kv_add(&req.headers, "Content-Type", "application/json");
        set_body(&req, in);
    }
    ret = vp_aws_send(aws, &req, &resp, err);
    if (ret == 0)
        ret = decode_answer(svc, operation, &resp, out, err);
    vp_request_release(&req);
    vp_response_release(&resp);
    return ret;
}
