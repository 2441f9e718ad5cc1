/* lambda_function.c: the lambda_function type's four operations. Create uploads the zip with the whole
 * configuration in one CreateFunction; update uploads code only when the zip's hash differs from Lambda's
 * CodeSha256, then changes the configuration, waiting for each change to finish before the next (Lambda
 * answers 409 "An update is in progress" otherwise), then the tags.
 *
 * DESIGN: a role made moments before is often not yet usable by Lambda (IAM is eventually consistent):
 * CreateFunction and UpdateFunctionConfiguration then fail with InvalidParameterValueException "cannot be
 * assumed" or "does not have permissions". Those calls are retried every wait_poll_ms for up to two minutes
 * (or the wait timeout when shorter), as the AWS provider does; a role still refused after that is almost
 * always a wrong ARN or trust policy, and the error says so. */
#include <string.h>

#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/lambda_function.h"
#include "resources/naming.h"
#include "resources/schemas.h"
#include "resources/types.h"

#define ROLE_WAIT_MS (2L * 60 * 1000)
#define DEFAULT_WAIT_MS (10L * 60 * 1000)

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    if (lf_read(c, id, live) < 0)
        return vp_res_context(c, "reading function '%s'", id);
    return 0;
}

/* The spec's validator refuses reserved keys with their position; this catches what bypasses it
 * (`vidpipe debug resource`), since moto would take them and the real service refuse them late. */
static int check_environment(struct vp_call *c, const json_t *want)
{
    const char *key, *why;
    json_t *v;

    json_object_foreach(json_object_get(want, "environment"), key, v) {
        if ((why = vp_check_lambda_env_key(key)))
            return vp_fail(c->err, VP_E_SPEC, "environment key '%s': %s", key, why);
        if (!json_is_string(v))
            return vp_fail(c->err, VP_E_SPEC, "environment key '%s': the value is not a string", key);
    }
    return 0;
}

static json_t *environment_of(const json_t *want)
{
    json_t *vars = json_object_get(want, "environment");

    return json_pack("{s:o}", "Variables", json_is_object(vars) ? json_deep_copy(vars) : json_object());
}

/* What UpdateFunctionConfiguration takes (and CreateFunction, with more). */
static json_t *config_input(const json_t *want)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:o}", "Role", vp_res_str(want, "role"), "Runtime",
                     vp_res_str(want, "runtime"), "Handler", vp_res_str(want, "handler"), "MemorySize",
                     (json_int_t)vp_res_int(want, "memory_size"), "Timeout", (json_int_t)vp_res_int(want, "timeout"),
                     "Description", vp_res_str(want, "description") ? vp_res_str(want, "description") : "",
                     "Environment", environment_of(want));
}

static const char *architecture_of(const json_t *want)
{
    return vp_res_str(want, "architecture") ? vp_res_str(want, "architecture") : "x86_64";
}

static json_t *create_input(const json_t *want, const struct lf_zip *zip)
{
    json_t *in = config_input(want), *tags = json_object_get(want, "tags");

    json_object_set_new(in, "FunctionName", json_string(vp_res_str(want, "name")));
    json_object_set_new(in, "PackageType", json_string("Zip"));
    json_object_set_new(in, "Code", json_pack("{s:o}", "ZipFile", lf_zip_base64(zip)));
    json_object_set_new(in, "Architectures", json_pack("[s]", architecture_of(want)));
    json_object_set_new(in, "Publish", json_false());
    if (json_object_size(tags))
        json_object_set(in, "Tags", tags);
    return in;
}

/* ---- calls that wait out IAM propagation and updates in progress ---- */

struct patient_call {
    const char *operation, *method, *path;
    json_t *in;
    bool creating;                      /* a 409 means the function exists (adopt it), not a busy one */
    bool existed;
};

static bool role_not_usable_yet(const struct vp_err *err)
{
    return vp_res_err_is(err, "InvalidParameterValueException") &&
           (strstr(err->msg, "cannot be assumed") || strstr(err->msg, "does not have permissions"));
}

static int poll_call(struct vp_call *c, void *ctx, bool *done)
{
    struct patient_call *p = ctx;

    *done = false;
    if (lf_call(c, p->operation, p->method, p->path, NULL, p->in, NULL) == 0) {
        *done = true;
        return 0;
    }
    if (role_not_usable_yet(c->err)) {
        vp_err_clear(c->err);
        return 0;
    }
    if (vp_res_err_is(c->err, "ResourceConflictException")) {
        vp_err_clear(c->err);
        if (p->creating)
            *done = p->existed = true;
        return 0;
    }
    return -1;
}

static int call_patiently(struct vp_call *c, struct patient_call *p, const char *name, const char *role)
{
    struct vp_call bounded = *c;
    long timeout_ms = c->wait_timeout_ms > 0 ? c->wait_timeout_ms : DEFAULT_WAIT_MS;
    char *what = vp_xasprintf("until Lambda accepts %s of function '%s': role '%s' still cannot be used by "
                              "Lambda (does it exist and trust lambda.amazonaws.com?), or another update of the "
                              "function is still in progress", p->operation, name, role ? role : "?");
    int ret;

    bounded.wait_timeout_ms = timeout_ms < ROLE_WAIT_MS ? timeout_ms : ROLE_WAIT_MS;
    ret = vp_res_wait(&bounded, what, poll_call, p);
    free(what);
    return ret;
}

/* ---- converging an existing function on want ---- */

static int converge_tags(struct vp_call *c, const char *arn, const json_t *want)
{
    json_t *have, *wanted = json_object_get(want, "tags"), *set = json_object(), *v;
    struct vp_kvlist remove = VP_KVLIST_INIT;
    char *path = lf_tags_path(arn);
    const char *key;
    int ret = 0;

    if (lf_read_tags(c, arn, &have) < 0) {
        free(path);
        json_decref(set);
        return -1;
    }
    json_object_foreach(have, key, v)
        if (!json_object_get(wanted, key))
            vp_kv_add(&remove, "tagKeys", key);
    json_object_foreach(wanted, key, v)
        if (!json_equal(v, json_object_get(have, key)))
            json_object_set(set, key, v);
    if (remove.n)
        ret = lf_call(c, "UntagResource", "DELETE", path, &remove, NULL, NULL);
    if (ret == 0 && json_object_size(set)) {
        json_t *in = json_pack("{s:O}", "Tags", set);
        ret = lf_call(c, "TagResource", "POST", path, NULL, in, NULL);
        json_decref(in);
    }
    vp_kv_release(&remove);
    json_decref(have);
    json_decref(set);
    free(path);
    return ret;
}

static bool config_changed(const json_t *want, const json_t *have)
{
    static const char *const keys[] = { "role", "runtime", "handler", "memory_size", "timeout", "description",
                                        "environment", NULL };

    for (size_t i = 0; keys[i]; i++)
        if (vp_res_changed(want, have, keys[i]))
            return true;
    return false;
}

/* Code first (only when the zip is not what Lambda runs, or the architecture changes: both travel in
 * UpdateFunctionCode), then configuration, then tags; each change finished before the next starts. The
 * function is read again here so every decision is made on what it is now. */
static int converge(struct vp_call *c, const char *name, const json_t *want, const struct lf_zip *zip)
{
    json_t *config, *have;
    char *path;
    int ret = 0;

    if (lf_wait_ready(c, name, false) < 0 || lf_get_config(c, name, &config) < 0)
        return -1;
    if (!config)
        return vp_fail(c->err, VP_E_AWS, "function '%s' does not exist (deleted outside vidpipe?)", name);
    have = lf_live_from_config(config);
    json_decref(config);
    if (strcmp(zip->sha256, vp_res_str(have, "source_code_hash") ? vp_res_str(have, "source_code_hash") : "") != 0 ||
        vp_res_changed(want, have, "architecture")) {
        struct patient_call p = { "UpdateFunctionCode", "PUT", NULL, NULL, false, false };
        p.path = path = lf_function_path(name, "/code");
        p.in = json_pack("{s:o, s:[s], s:b}", "ZipFile", lf_zip_base64(zip), "Architectures",
                         architecture_of(want), "Publish", 0);
        ret = call_patiently(c, &p, name, vp_res_str(want, "role"));
        json_decref(p.in);
        free(path);
        if (ret == 0)
            ret = lf_wait_ready(c, name, true);
    }
    if (ret == 0 && config_changed(want, have)) {
        struct patient_call p = { "UpdateFunctionConfiguration", "PUT", NULL, NULL, false, false };
        p.path = path = lf_function_path(name, "/configuration");
        p.in = config_input(want);
        ret = call_patiently(c, &p, name, vp_res_str(want, "role"));
        json_decref(p.in);
        free(path);
        if (ret == 0)
            ret = lf_wait_ready(c, name, true);
    }
    if (ret == 0)
        ret = converge_tags(c, vp_res_str(have, "arn"), want);
    json_decref(have);
    return ret;
}

/* ---- the operations ---- */

static int read_back(struct vp_call *c, const char *name, json_t **live)
{
    if (lf_read(c, name, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "function '%s' disappeared while vidpipe was configuring it", name);
}

/* CreateFunction. A function of that name that already exists (a rerun after a crash mid-create) is
 * adopted: converged on want like an update. */
static int create_function(struct vp_call *c, const char *name, const json_t *want, json_t **live)
{
    struct patient_call p = { "CreateFunction", "POST", "/2015-03-31/functions", NULL, true, false };
    struct lf_zip zip;
    int ret;

    if (check_environment(c, want) < 0 || lf_zip_load(want, &zip, c->err) < 0)
        return -1;
    p.in = create_input(want, &zip);
    ret = call_patiently(c, &p, name, vp_res_str(want, "role"));
    json_decref(p.in);
    if (ret == 0)
        ret = p.existed ? converge(c, name, want, &zip) : lf_wait_ready(c, name, true);
    lf_zip_release(&zip);
    return ret < 0 ? -1 : read_back(c, name, live);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = vp_res_str(want, "name");

    *id = NULL;
    *live = NULL;
    if (!name)
        return vp_fail(c->err, VP_E_AWS, "%s: the function has no name", c->address);
    if (create_function(c, name, want, live) < 0)
        return vp_res_context(c, "creating function '%s'", name);
    *id = vp_xstrdup(name);
    return 0;
}

static int update_function(struct vp_call *c, const char *id, const json_t *want, json_t **live)
{
    struct lf_zip zip;
    int ret;

    if (check_environment(c, want) < 0 || lf_zip_load(want, &zip, c->err) < 0)
        return -1;
    ret = converge(c, id, want, &zip);
    lf_zip_release(&zip);
    return ret < 0 ? -1 : read_back(c, id, live);
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    (void)have;
    *live = NULL;
    if (update_function(c, id, want, live) < 0)
        return vp_res_context(c, "updating function '%s'", id);
    return 0;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    char *path = lf_function_path(id, NULL);
    int ret = lf_call(c, "DeleteFunction", "DELETE", path, NULL, NULL, NULL);

    (void)have;
    free(path);
    if (ret < 0 && vp_res_err_is(c->err, "ResourceNotFoundException")) {
        vp_err_clear(c->err);
        return 0;
    }
    if (ret < 0 || lf_wait_gone(c, id) < 0)
        return vp_res_context(c, "deleting function '%s'", id);
    return 0;
}

const struct vp_resource_type vp_type_lambda_function = {
    .type = "lambda_function", .attrs = vp_lambda_function_attrs, .id_attr = "name",
    .doc = "A Lambda function from a zip (a handler vidpipe builds, or your own), with its runtime, memory, "
           "timeout, environment and tags; code is uploaded only when the zip's hash differs from Lambda's.",
    .check = vp_lambda_function_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
    .prepare_want = lf_prepare_want,
};
