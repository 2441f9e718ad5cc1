/* planfile.h: a saved plan (`plan --out FILE`), applied later with `apply FILE`. It records what the plan was
 * made from (the spec's path and SHA-256, the variables, the targets, the state's lineage and serial, every
 * resource's live attributes) so apply can refuse it when anything moved since, as Terraform refuses a
 * stale plan. */
#ifndef VP_ENGINE_PLANFILE_H
#define VP_ENGINE_PLANFILE_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/engine.h"
#include "spec/spec.h"

struct vp_planfile {
    json_t *doc;                        /* the whole file */
    const char *spec_path;              /* borrowed from doc */
    const char *spec_sha256;
    json_t *vars;                       /* name -> value */
    json_t *targets;                    /* array of strings */
    bool destroy;
};

/* True when path holds a saved plan (so `apply X` knows a plan from a spec). */
bool vp_planfile_is(const char *path);
int vp_planfile_write(const char *path, const struct vp_plan *plan, const struct vp_spec *spec,
                      const char *const *targets, size_t n_targets, struct vp_err *err);
int vp_planfile_read(const char *path, struct vp_planfile *pf, struct vp_err *err);
void vp_planfile_release(struct vp_planfile *pf);
/* The SHA-256 of a file, hex. */
int vp_file_sha256(const char *path, char out[65], struct vp_err *err);
/* 0 when fresh (made now from the same spec and state) does the same as the saved plan from the same live
 * resources; else VP_E_STATE_STALE_PLAN saying what moved. */
int vp_planfile_check(const struct vp_planfile *pf, const json_t *state, const struct vp_plan *fresh,
                      struct vp_err *err);

#endif
