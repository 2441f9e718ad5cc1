/* function_spec.h: a spec's lambda_function resource as a function to run locally (function_run.h): its
 * attributes evaluated, references to other resources resolved from the stack's state. */
#ifndef VP_LOCAL_FUNCTION_SPEC_H
#define VP_LOCAL_FUNCTION_SPEC_H

#include <jansson.h>

#include "base/err.h"
#include "base/kv.h"
#include "spec/spec.h"

struct vp_local_function {
    char *address;                      /* "lambda_function.presign" */
    char *name;                         /* the function's name attribute */
    char *zip_path;                     /* from zip_file, or artifact (vp_artifact_path) */
    char *handler;
    long timeout_s, memory_mb;
    struct vp_kvlist environment;       /* in key order */
};

/* Evaluates the attributes of res (which must be a lambda_function) that running it needs: name, artifact
 * or zip_file, handler, timeout, memory_size, environment, defaults filled from the type's table. A
 * reference ${NAME.ATTR} takes the value recorded in state (borrowed; NULL when there is none), else fails
 * naming it. 0, or -1 with err filled. */
int vp_local_function_from_spec(const struct vp_spec *spec, const struct vp_spec_resource *res, const json_t *state,
                                struct vp_local_function *out, struct vp_err *err);
void vp_local_function_release(struct vp_local_function *f);

#endif
