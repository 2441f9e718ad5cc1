/* want.h: a spec resource's wanted attributes, as providers take them. */
#ifndef VP_ENGINE_WANT_H
#define VP_ENGINE_WANT_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/resource.h"
#include "spec/spec.h"

/* Evaluates every attribute the type declares (computed ones excepted), fills defaults, merges the spec's
 * default tags under the resource's own, and lets the type complete it (prepare_want). *unknown when some
 * value is known only after apply. */
int vp_want_build(const struct vp_spec *spec, const struct vp_spec_resource *res, const struct vp_resource_type *rt,
                  vp_ref_fn *resolve, void *ctx, json_t **want, bool *unknown, struct vp_err *err);
/* Fills absent attributes (recursively, into objects and lists of objects) with their defaults. */
void vp_want_defaults(const struct vp_attr *attrs, json_t *obj);
/* Copies the local attributes (vidpipe's own settings, not AWS's) from from into live. */
void vp_want_copy_local(const struct vp_attr *attrs, const json_t *from, json_t *live);

#endif
