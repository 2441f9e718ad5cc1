/* mediapackage_common.c: what the mediapackage_channel and mediapackage_hls_endpoint providers share: the
 * REST-JSON call, "not found", and tags (TagResource and UntagResource on /tags/{arn}). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/mediapackage.h"

int mp_call(struct vp_call *c, const char *operation, const char *method, const char *path,
            const struct vp_kvlist *query, json_t *in, json_t **out)
{
    json_t *answer = NULL;
    int ret = vp_rest_json_call(c->aws, &vp_svc_mediapackage, operation, method, path, query, in, &answer, c->err);

    if (out)
        *out = ret == 0 ? answer : NULL;
    if (!out || ret < 0)
        json_decref(answer);
    return ret;
}

char *mp_path(const char *collection, const char *id)
{
    char *enc = vp_uri_encode_new(id, false);
    char *path = vp_xasprintf("/%s/%s", collection, enc);

    free(enc);
    return path;
}

bool mp_not_found(const struct vp_err *err)
{
    return vp_res_err_is(err, "NotFoundException");
}

bool mp_says_not_found(const struct vp_err *err)
{
    char lower[sizeof(err->msg)];
    size_t i;

    for (i = 0; err->msg[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)err->msg[i]);
    lower[i] = '\0';
    return strstr(lower, "not found") != NULL;
}

int mp_describe(struct vp_call *c, const char *operation, const char *collection, const char *id, json_t **out)
{
    char *path = mp_path(collection, id);
    int ret = mp_call(c, operation, "GET", path, NULL, NULL, out);

    free(path);
    if (ret < 0 && mp_not_found(c->err)) {
        vp_err_clear(c->err);
        return 0;
    }
    return ret;
}

struct gone_wait {
    const char *operation, *collection, *id;
};

static int poll_gone(struct vp_call *c, void *ctx, bool *done)
{
    struct gone_wait *w = ctx;
    json_t *d = NULL;

    if (mp_describe(c, w->operation, w->collection, w->id, &d) < 0)
        return -1;
    *done = d == NULL;
    json_decref(d);
    return 0;
}

int mp_wait_gone(struct vp_call *c, const char *operation, const char *collection, const char *id,
                 const char *what)
{
    struct gone_wait w = { operation, collection, id };
    char *until = vp_xasprintf("until %s is gone", what);
    int ret = vp_res_wait(c, until, poll_gone, &w);

    free(until);
    return ret;
}

int mp_delete(struct vp_call *c, const char *operation, const char *describe_op, const char *collection,
              const char *id, const char *what)
{
    char *path = mp_path(collection, id);
    char *named = vp_xasprintf("%s '%s'", what, id);
    int ret = mp_call(c, operation, "DELETE", path, NULL, NULL, NULL);

    free(path);
    if (ret < 0 && mp_not_found(c->err)) {
        vp_err_clear(c->err);
        ret = 0;
    } else if (ret == 0) {
        ret = mp_wait_gone(c, describe_op, collection, id, named);
    }
    if (ret < 0)
        vp_res_context(c, "deleting %s", named);
    free(named);
    return ret;
}

json_t *mp_tags_of(const json_t *described)
{
    json_t *tags = json_object_get(described, "tags");

    return json_is_object(tags) ? json_deep_copy(tags) : json_object();
}

/* The core signs the path with the ARN encoded once more ("%253A"), as SigV4 wants for every service but S3. */
static char *tags_path(const char *arn)
{
    char *enc = vp_uri_encode_new(arn, false);
    char *path = vp_xasprintf("/tags/%s", enc);

    free(enc);
    return path;
}

int mp_converge_tags(struct vp_call *c, const char *arn, const json_t *have, const json_t *want)
{
    json_t *wanted = json_object_get(want, "tags"), *set = json_object(), *v;
    struct vp_kvlist remove = VP_KVLIST_INIT;
    const char *key;
    char *path;
    int ret = 0;

    json_object_foreach((json_t *)have, key, v)
        if (!json_object_get(wanted, key))
            vp_kv_add(&remove, "tagKeys", key);
    json_object_foreach(wanted, key, v)
        if (!json_equal(v, json_object_get(have, key)))
            json_object_set(set, key, v);
    if (!remove.n && !json_object_size(set)) {
        json_decref(set);
        return 0;
    }
    if (!arn) {
        vp_kv_release(&remove);
        json_decref(set);
        return vp_fail(c->err, VP_E_AWS, "%s: MediaPackage reported no ARN to tag", c->address);
    }
    path = tags_path(arn);
    if (remove.n)
        ret = mp_call(c, "UntagResource", "DELETE", path, &remove, NULL, NULL);
    if (ret == 0 && json_object_size(set)) {
        json_t *in = json_pack("{s:O}", "tags", set);
        ret = mp_call(c, "TagResource", "POST", path, NULL, in, NULL);
        json_decref(in);
    }
    vp_kv_release(&remove);
    json_decref(set);
    free(path);
    return ret;
}

const char *mp_check_id(const char *id)
{
    size_t n = strlen(id);

    if (n < 1 || n > 256)
        return "a MediaPackage id is 1 to 256 characters long";
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-'))
            return "a MediaPackage id holds only letters, digits, '_' and '-'";
    return NULL;
}
