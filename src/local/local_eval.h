/* local_eval.h: a spec resource's attributes evaluated for local use (vidpipe invoke, vidpipe serve):
 * references to other resources take the values the stack's state records, so what runs locally is wired
 * exactly as what was applied. */
#ifndef VP_LOCAL_LOCAL_EVAL_H
#define VP_LOCAL_LOCAL_EVAL_H

#include <jansson.h>

#include "base/err.h"
#include "spec/spec.h"

/* Evaluates the attributes of res named in names (NULL-terminated; those the spec does not give are left
 * out), then fills the type's defaults. A reference ${NAME.ATTR} takes the value recorded in state, else
 * fails naming it ("apply it first"). 0 with *out a new object, or -1 with err filled (prefixed with the
 * resource's address and the attribute). */
int vp_local_eval(const struct vp_spec *spec, const struct vp_spec_resource *res, const json_t *state,
                  const char *const *names, json_t **out, struct vp_err *err);

/* A state-recorded attribute of a resource (borrowed), or NULL. */
const json_t *vp_local_state_attr(const json_t *state, const char *address, const char *attr);

#endif
