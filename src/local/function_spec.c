/* function_spec.c: a lambda_function resource of a spec, evaluated for a local run (see function_spec.h). */
#include "local/function_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "local/local_eval.h"
#include "resources/artifacts.h"

/* Only what running the function needs: role, tags and the rest may name resources not applied yet. */
static const char *const needed[] = { "name", "artifact", "zip_file", "handler", "timeout", "memory_size",
                                      "environment", NULL };

static char *scalar_text(const json_t *v)
{
    if (json_is_string(v))
        return vp_xstrdup(json_string_value(v));
    if (json_is_integer(v))
        return vp_xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_boolean(v))
        return vp_xstrdup(json_is_true(v) ? "true" : "false");
    if (json_is_real(v))
        return vp_xasprintf("%g", json_real_value(v));
    return NULL;
}

int vp_local_function_from_spec(const struct vp_spec *spec, const struct vp_spec_resource *res, const json_t *state,
                                struct vp_local_function *out, struct vp_err *err)
{
    json_t *obj = NULL, *v, *env;
    const char *key;
    char *text;

    memset(out, 0, sizeof(*out));
    out->address = vp_xstrdup(res->address);
    if (strcmp(res->type, "lambda_function") != 0)
        return vp_fail(err, VP_E_USAGE, "%s is a %s, not a lambda_function", res->address, res->type);
    if (vp_local_eval(spec, res, state, needed, &obj, err) < 0)
        return -1;
    if (!json_is_string(json_object_get(obj, "name"))) {
        json_decref(obj);
        return vp_fail(err, VP_E_SPEC, "%s has no name", res->address);
    }
    out->name = vp_xstrdup(json_string_value(json_object_get(obj, "name")));
    if (json_is_string(v = json_object_get(obj, "zip_file")))
        out->zip_path = vp_xstrdup(json_string_value(v));
    else if (json_is_string(v = json_object_get(obj, "artifact"))) {
        if (vp_artifact_path(json_string_value(v), &out->zip_path, err) < 0) {
            json_decref(obj);
            return vp_err_prefix(err, "%s", res->address);
        }
    } else {
        json_decref(obj);
        return vp_fail(err, VP_E_SPEC, "%s names no code: give it artifact or zip_file", res->address);
    }
    v = json_object_get(obj, "handler");
    out->handler = vp_xstrdup(json_is_string(v) ? json_string_value(v) : "bootstrap");
    v = json_object_get(obj, "timeout");
    out->timeout_s = json_is_integer(v) ? (long)json_integer_value(v) : 3;
    v = json_object_get(obj, "memory_size");
    out->memory_mb = json_is_integer(v) ? (long)json_integer_value(v) : 128;
    env = json_object_get(obj, "environment");
    if (json_is_object(json_object_get(env, "variables")))     /* Lambda's own shape, {variables: {...}} */
        env = json_object_get(env, "variables");
    json_object_foreach(env, key, v) {
        if (!(text = scalar_text(v))) {
            json_decref(obj);
            return vp_fail(err, VP_E_SPEC, "%s.environment.%s: a variable's value must be a string", res->address,
                           key);
        }
        vp_kv_add(&out->environment, key, text);
        free(text);
    }
    json_decref(obj);
    return 0;
}

void vp_local_function_release(struct vp_local_function *f)
{
    if (!f)
        return;
    free(f->address);
    free(f->name);
    free(f->zip_path);
    free(f->handler);
    vp_kv_release(&f->environment);
    memset(f, 0, sizeof(*f));
}
