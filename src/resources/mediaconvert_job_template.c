/* mediaconvert_job_template.c: the mediaconvert_job_template type's four operations. Create sends the whole
 * template in one CreateJobTemplate (tags included); update sends UpdateJobTemplate, which replaces the
 * Settings document whole (so it always carries all of it), only when something but the tags differs, then
 * converges the tags with TagResource and UntagResource; delete is DeleteJobTemplate. MediaConvert does all
 * of these at once: there is nothing to wait for.
 *
 * DESIGN, drift: read maps the live Settings back to the attributes (renditions from the HLS outputs,
 * thumbnails from the frame-capture output, segment_length from the HLS group), so a change to one of them
 * names that attribute. What no attribute describes (a codec profile set in the console, an extra output) is
 * caught by settings_fingerprint: read regenerates the document from the attributes it read back and, when
 * that is exactly the live document, reports the generator's fingerprint (the SHA-256 of the document
 * generated for a fixed reference ladder), which is also want's; otherwise it reports the SHA-256 of the live
 * document itself, which differs. So a change is named once, by its attribute when one describes it, else by
 * settings_fingerprint, and the next apply writes vidpipe's whole document back. A release of vidpipe that
 * generates another document changes the generator's fingerprint, and the next apply rewrites templates too.
 *
 * Endpoint: calls go to https://mediaconvert.REGION.amazonaws.com (DescribeEndpoints is deprecated) unless the
 * spec gives an account endpoint; AWS_ENDPOINT_URL_MEDIACONVERT and the other configured overrides win over
 * both. read() and delete() see only the id, so a template created through an endpoint has the id NAME@URL
 * (a name holds no '@'); its reads and deletes go where it was created. */
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/mediaconvert_job_template.h"
#include "resources/schemas.h"
#include "resources/types.h"

/* A template's id: its name, and the endpoint it was created through (NULL: the default one). */
struct mc_id {
    char *name;
    const char *endpoint;               /* inside name's allocation */
};

static void id_parse(const char *id, struct mc_id *out)
{
    char *at;

    out->name = vp_xstrdup(id);
    out->endpoint = NULL;
    if ((at = strchr(out->name, '@'))) {
        *at = '\0';
        out->endpoint = at[1] ? at + 1 : NULL;
    }
}

static const char *want_endpoint(const json_t *want)
{
    const char *e = vp_res_str(want, "endpoint");

    return e && *e ? e : NULL;
}

static int mc_call(struct vp_call *c, const char *endpoint, const char *operation, const char *method,
                   const char *path, json_t *in, json_t **out)
{
    struct vp_call_opts opts = { .endpoint = endpoint };
    json_t *answer = NULL;
    int ret = vp_rest_json_call_opts(c->aws, &vp_svc_mediaconvert, operation, method, path, NULL, &opts, in,
                                     &answer, c->err);

    if (out)
        *out = answer;
    else
        json_decref(answer);
    return ret;
}

static char *template_path(const char *name)
{
    char *enc = vp_uri_encode_new(name, false);
    char *path = vp_xasprintf("/2017-08-29/jobTemplates/%s", enc);

    free(enc);
    return path;
}

/* The core signs it with the ARN encoded once more ("%253A"), as SigV4 wants for every service but S3. */
static char *tags_path(const char *arn)
{
    char *enc = vp_uri_encode_new(arn, false);
    char *path = vp_xasprintf("/2017-08-29/tags/%s", enc);

    free(enc);
    return path;
}

/* ---- read ---- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static json_t *live_from_template(const json_t *jt)
{
    json_t *live = json_object(), *settings = json_object_get(jt, "settings");
    const char *queue = vp_res_str(jt, "queue"), *mode = vp_res_str(json_object_get(jt, "accelerationSettings"), "mode");
    const char *interval = vp_res_str(jt, "statusUpdateInterval");

    json_object_set_new(live, "name", json_string(vp_res_str(jt, "name")));
    json_object_set_new(live, "description", json_string(vp_res_str(jt, "description") ? vp_res_str(jt, "description") : ""));
    json_object_set_new(live, "category", json_string(vp_res_str(jt, "category") ? vp_res_str(jt, "category") : ""));
    /* the account's default queue is what an empty queue means */
    json_object_set_new(live, "queue", json_string(queue && !ends_with(queue, ":queues/Default") ? queue : ""));
    json_object_set_new(live, "acceleration", json_string(mode ? mode : "DISABLED"));
    json_object_set_new(live, "priority", json_integer((json_int_t)vp_res_int(jt, "priority")));
    json_object_set_new(live, "status_update_interval", json_string(interval ? interval : "SECONDS_60"));
    mcjt_read_settings(settings, live);
    json_object_set_new(live, "arn", json_string(vp_res_str(jt, "arn")));
    return live;
}

static int read_tags(struct vp_call *c, const char *endpoint, const char *arn, json_t **tags)
{
    char *path = tags_path(arn);
    json_t *out = NULL, *t;
    int ret = mc_call(c, endpoint, "ListTagsForResource", "GET", path, NULL, &out);

    free(path);
    *tags = NULL;
    if (ret < 0)
        return -1;
    t = json_object_get(json_object_get(out, "resourceTags"), "tags");
    *tags = json_is_object(t) ? json_deep_copy(t) : json_object();
    json_decref(out);
    return 0;
}

/* The template as the attribute table describes it; *live NULL when there is no such template. */
static int read_template(struct vp_call *c, const char *name, const char *endpoint, json_t **live)
{
    char *path = template_path(name);
    json_t *out = NULL, *jt, *obj, *tags;
    int ret = mc_call(c, endpoint, "GetJobTemplate", "GET", path, NULL, &out);

    free(path);
    *live = NULL;
    if (ret < 0) {
        if (!vp_res_err_is(c->err, "NotFoundException"))
            return -1;
        vp_err_clear(c->err);
        return 0;
    }
    jt = json_object_get(out, "jobTemplate");
    if (!vp_res_str(jt, "arn") || !vp_res_str(jt, "name")) {
        json_decref(out);
        return vp_fail(c->err, VP_E_AWS_RESPONSE, "job template '%s': GetJobTemplate gave no name or ARN", name);
    }
    obj = live_from_template(jt);
    json_decref(out);
    if (read_tags(c, endpoint, vp_res_str(obj, "arn"), &tags) < 0) {
        json_decref(obj);
        return -1;
    }
    json_object_set_new(obj, "tags", tags);
    *live = obj;
    return 0;
}

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    struct mc_id mid;
    int ret;

    id_parse(id, &mid);
    ret = read_template(c, mid.name, mid.endpoint, live);
    if (ret < 0)
        vp_res_context(c, "reading job template '%s'", mid.name);
    free(mid.name);
    return ret;
}

/* ---- writing ---- */

/* What CreateJobTemplate and UpdateJobTemplate both take. An empty queue is the default queue: left out of a
 * create, and named on an update (derived from the template's ARN) so a template leaves another queue. */
static json_t *template_input(const json_t *want, const char *arn)
{
    const char *queue = vp_res_str(want, "queue"), *mode = vp_res_str(want, "acceleration");
    const char *interval = vp_res_str(want, "status_update_interval");
    json_t *in = json_pack("{s:o, s:{s:s}, s:I, s:s}", "settings", mcjt_settings_from_attrs(want),
                           "accelerationSettings", "mode", mode ? mode : "DISABLED",
                           "priority", (json_int_t)vp_res_int(want, "priority"),
                           "statusUpdateInterval", interval ? interval : "SECONDS_60");

    if (queue && *queue) {
        json_object_set_new(in, "queue", json_string(queue));
    } else if (arn && strstr(arn, ":jobTemplates/")) {
        char *dflt = vp_xasprintf("%.*squeues/Default", (int)(strstr(arn, ":jobTemplates/") + 1 - arn), arn);
        json_object_set_new(in, "queue", json_string(dflt));
        free(dflt);
    }
    return in;
}

static void set_text(json_t *in, const json_t *want, const char *attr, const char *key, bool even_empty)
{
    const char *v = vp_res_str(want, attr);

    if (v && (*v || even_empty))
        json_object_set_new(in, key, json_string(v));
}

static int converge_tags(struct vp_call *c, const char *endpoint, const char *arn, const json_t *want)
{
    json_t *have, *wanted = json_object_get(want, "tags"), *set = json_object(), *remove = json_array(), *v;
    char *path = tags_path(arn);
    const char *key;
    int ret = 0;

    if (read_tags(c, endpoint, arn, &have) < 0) {
        ret = -1;
        goto done;
    }
    json_object_foreach(have, key, v)
        if (!json_object_get(wanted, key))
            json_array_append_new(remove, json_string(key));
    json_object_foreach(wanted, key, v)
        if (!json_equal(v, json_object_get(have, key)))
            json_object_set(set, key, v);
    if (json_array_size(remove)) {
        json_t *in = json_pack("{s:O}", "tagKeys", remove);
        ret = mc_call(c, endpoint, "UntagResource", "PUT", path, in, NULL);
        json_decref(in);
    }
    if (ret == 0 && json_object_size(set)) {
        json_t *in = json_pack("{s:s, s:O}", "arn", arn, "tags", set);
        ret = mc_call(c, endpoint, "TagResource", "POST", "/2017-08-29/tags", in, NULL);
        json_decref(in);
    }
    json_decref(have);
done:
    json_decref(set);
    json_decref(remove);
    free(path);
    return ret;
}

/* Something UpdateJobTemplate sets differs between have and want. want's settings_fingerprint is computed
 * here, so a want that skipped prepare_want (`vidpipe debug resource`) is judged the same way. */
static bool template_changed(const json_t *have, const json_t *want)
{
    static const char *const keys[] = { "description", "category", "queue", "acceleration", "priority",
                                        "status_update_interval", "destination", "renditions", "segment_length",
                                        "audio_bitrate", "thumbnails", "settings_fingerprint", NULL };
    json_t *full = json_deep_copy(want);
    bool changed = false;

    mcjt_prepare_want(full, NULL);
    for (size_t i = 0; keys[i] && !changed; i++)
        changed = vp_res_changed(full, have, keys[i]);
    json_decref(full);
    return changed;
}

/* Brings an existing template to want: UpdateJobTemplate when needed, then the tags. */
static int converge(struct vp_call *c, const char *name, const char *endpoint, const json_t *want)
{
    json_t *have, *in;
    char *path;
    int ret = 0;

    if (read_template(c, name, endpoint, &have) < 0)
        return -1;
    if (!have)
        return vp_fail(c->err, VP_E_AWS, "job template '%s' does not exist (deleted outside vidpipe?)", name);
    if (template_changed(have, want)) {
        in = template_input(want, vp_res_str(have, "arn"));
        set_text(in, want, "description", "description", true);
        set_text(in, want, "category", "category", true);
        path = template_path(name);
        ret = mc_call(c, endpoint, "UpdateJobTemplate", "PUT", path, in, NULL);
        free(path);
        json_decref(in);
    }
    if (ret == 0)
        ret = converge_tags(c, endpoint, vp_res_str(have, "arn"), want);
    json_decref(have);
    return ret;
}

static int read_back(struct vp_call *c, const char *name, const char *endpoint, json_t **live)
{
    if (read_template(c, name, endpoint, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "job template '%s' disappeared while vidpipe was writing it", name);
}

/* CreateJobTemplate. A template of that name that already exists (a rerun after a crash mid-create) is
 * adopted: converged on want like an update. */
static int create_template(struct vp_call *c, const char *name, const json_t *want, json_t **live)
{
    const char *endpoint = want_endpoint(want);
    json_t *in = template_input(want, NULL), *tags = json_object_get(want, "tags");
    int ret;

    json_object_set_new(in, "name", json_string(name));
    set_text(in, want, "description", "description", false);
    set_text(in, want, "category", "category", false);
    if (json_object_size(tags))
        json_object_set(in, "tags", tags);
    ret = mc_call(c, endpoint, "CreateJobTemplate", "POST", "/2017-08-29/jobTemplates", in, NULL);
    json_decref(in);
    if (ret < 0 && vp_res_err_is(c->err, "ConflictException")) {
        vp_err_clear(c->err);
        ret = converge(c, name, endpoint, want);
    }
    return ret < 0 ? -1 : read_back(c, name, endpoint, live);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = vp_res_str(want, "name"), *endpoint = want_endpoint(want);

    *id = NULL;
    *live = NULL;
    if (!name)
        return vp_fail(c->err, VP_E_AWS, "%s: the job template has no name", c->address);
    if (create_template(c, name, want, live) < 0)
        return vp_res_context(c, "creating job template '%s'", name);
    *id = endpoint ? vp_xasprintf("%s@%s", name, endpoint) : vp_xstrdup(name);
    return 0;
}

/* An update goes to the endpoint the spec now gives, else to the one the template was created through. */
static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    struct mc_id mid;
    const char *endpoint;
    int ret;

    (void)have;                         /* converge reads the template again: decisions on what it is now */
    *live = NULL;
    id_parse(id, &mid);
    endpoint = want_endpoint(want) ? want_endpoint(want) : mid.endpoint;
    ret = converge(c, mid.name, endpoint, want);
    if (ret == 0)
        ret = read_back(c, mid.name, endpoint, live);
    if (ret < 0)
        vp_res_context(c, "updating job template '%s'", mid.name);
    free(mid.name);
    return ret;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    struct mc_id mid;
    char *path;
    int ret;

    (void)have;
    id_parse(id, &mid);
    path = template_path(mid.name);
    ret = mc_call(c, mid.endpoint, "DeleteJobTemplate", "DELETE", path, NULL, NULL);
    if (ret < 0 && vp_res_err_is(c->err, "NotFoundException")) {
        vp_err_clear(c->err);
        ret = 0;
    }
    if (ret < 0)
        vp_res_context(c, "deleting job template '%s'", mid.name);
    free(path);
    free(mid.name);
    return ret;
}

const struct vp_resource_type vp_type_mediaconvert_job_template = {
    .type = "mediaconvert_job_template", .attrs = vp_mediaconvert_job_template_attrs, .id_attr = "name",
    .doc = "A MediaConvert job template written from intent: an HLS ladder of H.264 QVBR renditions with AAC "
           "audio and JPEG thumbnails; drift in any of its settings is detected.",
    .check = vp_mediaconvert_job_template_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
    .read_rounds = 2,
    .prepare_want = mcjt_prepare_want,
};
