/* lambda_function_read.c: a function as the attribute table describes it, from GetFunction (tags included);
 * and the waiters on its State and LastUpdateStatus (Lambda refuses a change while another is in progress:
 * 409 "An update is in progress"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/lambda_function.h"

int lf_call(struct vp_call *c, const char *operation, const char *method, const char *path,
            const struct vp_kvlist *query, json_t *in, json_t **out)
{
    json_t *answer = NULL;
    int ret = vp_rest_json_call(c->aws, &vp_svc_lambda, operation, method, path, query, in, &answer, c->err);

    if (out)
        *out = answer;
    else
        json_decref(answer);
    return ret;
}

char *lf_function_path(const char *name, const char *suffix)
{
    char *enc = vp_uri_encode_new(name, false);
    char *path = vp_xasprintf("/2015-03-31/functions/%s%s", enc, suffix ? suffix : "");

    free(enc);
    return path;
}

/* The core signs it with the ARN encoded once more ("%253A"), as SigV4 wants for every service but S3. */
char *lf_tags_path(const char *arn)
{
    char *enc = vp_uri_encode_new(arn, false);
    char *path = vp_xasprintf("/2017-03-31/tags/%s", enc);

    free(enc);
    return path;
}

/* GetFunction: the configuration, and the tags it carries (NULL when tags is NULL). Lambda puts the tags in
 * the answer only when there are some (and the caller may call ListTags), so a missing "Tags" is none: one
 * read where GetFunction + ListTags took two, as the Terraform provider reads them. */
static int get_function(struct vp_call *c, const char *name, json_t **config, json_t **tags)
{
    char *path = lf_function_path(name, NULL);
    json_t *out = NULL, *t;
    int ret = lf_call(c, "GetFunction", "GET", path, NULL, NULL, &out);

    free(path);
    *config = NULL;
    if (ret < 0) {
        if (!vp_res_err_is(c->err, "ResourceNotFoundException"))
            return -1;
        vp_err_clear(c->err);
        return 0;
    }
    *config = json_incref(json_object_get(out, "Configuration"));
    if (tags) {
        t = json_object_get(out, "Tags");
        *tags = json_is_object(t) ? json_deep_copy(t) : json_object();
    }
    json_decref(out);
    return 0;
}

int lf_get_config(struct vp_call *c, const char *name, json_t **config)
{
    return get_function(c, name, config, NULL);
}

/* arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME -> the ARN API Gateway integrations take. */
static json_t *invoke_arn(const char *arn)
{
    char partition[32], region[32];
    json_t *v;
    char *s;

    if (!arn || sscanf(arn, "arn:%31[^:]:lambda:%31[^:]:", partition, region) != 2)
        return NULL;
    s = vp_xasprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", partition, region, arn);
    v = json_string(s);
    free(s);
    return v;
}

static void set_str(json_t *live, const char *key, const char *value)
{
    if (value)
        json_object_set_new(live, key, json_string(value));
}

json_t *lf_live_from_config(const json_t *config)
{
    json_t *live = json_object(), *vars = json_object_get(json_object_get(config, "Environment"), "Variables");
    json_t *arch = json_array_get(json_object_get(config, "Architectures"), 0), *iarn;
    const char *description = vp_res_str(config, "Description");

    set_str(live, "name", vp_res_str(config, "FunctionName"));
    set_str(live, "role", vp_res_str(config, "Role"));
    set_str(live, "runtime", vp_res_str(config, "Runtime"));
    set_str(live, "handler", vp_res_str(config, "Handler"));
    set_str(live, "architecture", json_is_string(arch) ? json_string_value(arch) : "x86_64");
    json_object_set_new(live, "memory_size", json_integer(vp_res_int(config, "MemorySize")));
    json_object_set_new(live, "timeout", json_integer(vp_res_int(config, "Timeout")));
    set_str(live, "description", description ? description : "");
    json_object_set_new(live, "environment", json_is_object(vars) ? json_deep_copy(vars) : json_object());
    /* the code's identity, read back: source_code_hash is compared with the zip's hash in want */
    set_str(live, "source_code_hash", vp_res_str(config, "CodeSha256"));
    set_str(live, "code_sha256", vp_res_str(config, "CodeSha256"));
    set_str(live, "arn", vp_res_str(config, "FunctionArn"));
    if ((iarn = invoke_arn(vp_res_str(config, "FunctionArn"))))
        json_object_set_new(live, "invoke_arn", iarn);
    return live;
}

int lf_read_tags(struct vp_call *c, const char *arn, json_t **tags)
{
    char *path = lf_tags_path(arn);
    json_t *out = NULL, *t;
    int ret = lf_call(c, "ListTags", "GET", path, NULL, NULL, &out);

    free(path);
    *tags = NULL;
    if (ret < 0)
        return -1;
    t = json_object_get(out, "Tags");
    *tags = json_is_object(t) ? json_deep_copy(t) : json_object();
    json_decref(out);
    return 0;
}

int lf_read(struct vp_call *c, const char *name, json_t **live)
{
    json_t *config, *obj, *tags;

    *live = NULL;
    if (get_function(c, name, &config, &tags) < 0)
        return -1;
    if (!config)
        return 0;
    obj = lf_live_from_config(config);
    json_decref(config);
    if (!vp_res_str(obj, "arn")) {
        json_decref(obj);
        json_decref(tags);
        return vp_fail(c->err, VP_E_AWS, "function '%s': GetFunction gave no FunctionArn", name);
    }
    json_object_set_new(obj, "tags", tags);
    *live = obj;
    return 0;
}

static bool is(const char *value, const char *want)
{
    return value && strcmp(value, want) == 0;
}

struct ready_wait {
    const char *name;
    bool settled;
};

/* State: Pending while being created, then Active (or Inactive when idle long, or Failed). LastUpdateStatus:
 * InProgress during an update, then Successful or Failed; absent before the first update on some emulators. */
static int poll_ready(struct vp_call *c, void *ctx, bool *done)
{
    struct ready_wait *w = ctx;
    json_t *config;
    const char *state, *update;
    int ret = 0;

    if (lf_get_config(c, w->name, &config) < 0)
        return -1;
    if (!config)
        return vp_fail(c->err, VP_E_AWS, "function '%s' disappeared while vidpipe was waiting for it", w->name);
    state = vp_res_str(config, "State");
    update = vp_res_str(config, "LastUpdateStatus");
    *done = !is(state, "Pending") && !is(update, "InProgress");
    if (*done && w->settled && is(state, "Failed"))
        ret = vp_fail(c->err, VP_E_AWS, "function '%s' failed to become Active: %s", w->name,
                      vp_res_str(config, "StateReason") ? vp_res_str(config, "StateReason") : "no reason given");
    else if (*done && w->settled && is(update, "Failed"))
        ret = vp_fail(c->err, VP_E_AWS, "Lambda failed to apply the update of function '%s': %s", w->name,
                      vp_res_str(config, "LastUpdateStatusReason") ? vp_res_str(config, "LastUpdateStatusReason")
                                                                   : "no reason given");
    json_decref(config);
    return ret;
}

int lf_wait_ready(struct vp_call *c, const char *name, bool settled)
{
    struct ready_wait w = { name, settled };
    char what[200];

    snprintf(what, sizeof(what), "until function '%s' is Active and no update is in progress", name);
    return vp_res_wait(c, what, poll_ready, &w);
}

static int poll_gone(struct vp_call *c, void *ctx, bool *done)
{
    json_t *config;

    if (lf_get_config(c, ctx, &config) < 0)
        return -1;
    *done = config == NULL;
    json_decref(config);
    return 0;
}

int lf_wait_gone(struct vp_call *c, const char *name)
{
    char what[200];

    snprintf(what, sizeof(what), "until function '%s' is gone", name);
    return vp_res_wait(c, what, poll_gone, (void *)name);
}
