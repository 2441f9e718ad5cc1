/* paginate.c: walking list operations page by page until the answer carries no next token. A token that
 * comes back unchanged would loop for ever: that is an error, not a page. */
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"

static bool has_token(json_t *token)
{
    return token && !json_is_null(token) && !(json_is_string(token) && json_string_length(token) == 0);
}

int vp_json_paginate(struct vp_aws *aws, const struct vp_service *svc, const char *operation, json_t *in,
                     const char *token_in, const char *token_out, vp_page_fn *each, void *ctx,
                     struct vp_err *err)
{
    json_t *req = in ? json_deep_copy(in) : json_object();
    json_t *prev = NULL;
    int ret = 0;

    for (;;) {
        json_t *page, *token;
        int rc;

        if (vp_json_call(aws, svc, operation, req, &page, err) < 0) {
            ret = -1;
            break;
        }
        rc = each(page, ctx, err);
        token = json_object_get(page, token_out);
        if (rc != 0 || !has_token(token)) {
            ret = rc < 0 ? -1 : 0;
            json_decref(page);
            break;
        }
        if (prev && json_equal(prev, token)) {
            json_decref(page);
            ret = vp_fail(err, VP_E_AWS_RESPONSE, "%s %s: the service returned the same page token twice",
                          svc->name, operation);
            break;
        }
        json_decref(prev);
        prev = json_incref(token);
        json_object_set(req, token_in, token);
        json_decref(page);
    }
    json_decref(prev);
    json_decref(req);
    return ret;
}

int vp_rest_json_paginate(struct vp_aws *aws, const struct vp_service *svc, const char *operation,
                          const char *path, const struct vp_kvlist *query, const char *token_in,
                          const char *token_out, vp_page_fn *each, void *ctx, struct vp_err *err)
{
    struct vp_kvlist q = VP_KVLIST_INIT;
    char *prev = NULL;
    int ret = 0;

    if (query)
        vp_kv_copy(&q, query);
    for (;;) {
        json_t *page;
        const char *token;
        int rc;

        if (vp_rest_json_call(aws, svc, operation, "GET", path, &q, NULL, &page, err) < 0) {
            ret = -1;
            break;
        }
        rc = each(page, ctx, err);
        token = json_string_value(json_object_get(page, token_out));
        if (rc != 0 || !token || !*token) {
            ret = rc < 0 ? -1 : 0;
            json_decref(page);
            break;
        }
        if (prev && strcmp(prev, token) == 0) {
            json_decref(page);
            ret = vp_fail(err, VP_E_AWS_RESPONSE, "%s %s: the service returned the same page token twice",
                          svc->name, operation);
            break;
        }
        free(prev);
        prev = vp_xstrdup(token);
        vp_kv_set(&q, token_in, token);
        json_decref(page);
    }
    free(prev);
    vp_kv_release(&q);
    return ret;
}
