/* diff.h: attribute-by-attribute comparison driven by the type's attribute table. */
#ifndef VP_ENGINE_DIFF_H
#define VP_ENGINE_DIFF_H

#include <jansson.h>
#include <stdbool.h>

#include "spec/schema.h"

/* Compares want with have for every attribute that is not computed (and, with skip_local, not local).
 * Appends each differing path ("cors_rules", "tags.env", "cors_rules[0].max_age_seconds") to changed and,
 * when the attribute or field forces a replacement, to replace (may be NULL). A value still unknown in want
 * counts as a difference. Returns the number of differing paths. */
size_t vp_diff(const struct vp_attr *attrs, const json_t *want, const json_t *have, bool skip_local,
               json_t *changed, json_t *replace);
/* "sha256:HEX" of v's canonical JSON: what state keeps in place of a sensitive value. Caller frees. */
char *vp_json_digest(const json_t *v);
/* A copy of attributes with every sensitive attribute replaced by its digest (for state). */
json_t *vp_json_scrub(const struct vp_attr *attrs, const json_t *attributes);

/* A copy of v where every string holding one of secrets (an array of strings: the spec's sensitive values)
 * is replaced: by its digest (for state; comparisons see through digests) or by "(sensitive)" (for people). */
json_t *vp_json_hide_secrets(const json_t *v, const json_t *secrets, bool digest);

/* True when v holds the "(known after apply)" placeholder anywhere. */
bool vp_json_has_unknown(const json_t *v);
/* Two JSON values equal for diffing: objects by key, numbers by value (1 == 1.0). */
bool vp_json_same(const json_t *a, const json_t *b);

#endif
