/* resource.h: the one interface every resource type implements (src/resources/<type>.c), after Terraform's
 * provider protocol: read, create, update, delete one resource, with its attributes described as data (which
 * ones update in place, which force a replacement) so the engine diffs generically.
 *
 * Attribute values are JSON objects keyed by the schema's attribute names. `want` holds every attribute of
 * the schema that is not computed, defaults applied and default tags merged into `tags`; `live` holds what
 * AWS reports in the same shape (absent optional settings as the schema's default, empty lists as []) plus
 * the computed attributes (arn, ...). A provider never prints and never sees another resource. */
#ifndef VP_ENGINE_RESOURCE_H
#define VP_ENGINE_RESOURCE_H

#include <jansson.h>

#include "aws/client.h"
#include "base/err.h"
#include "spec/schema.h"

struct vp_call {
    struct vp_aws *aws;
    struct vp_err *err;                 /* filled on failure */
    const char *address;                /* "s3_bucket.uploads": for messages */
    long wait_poll_ms;                  /* how often waiters poll (1000 against AWS; tests lower it) */
    long wait_timeout_ms;               /* how long a waiter waits before it fails */
};

struct vp_resource_type {
    const char *type;                   /* "s3_bucket": the spec's `type:` */
    const struct vp_attr *attrs;        /* ends with { 0 } */
    const char *id_attr;                /* the attribute that is the physical id, known before create ("name") */
    const char *doc;                    /* one line for specs/README.md */
    vp_type_check_fn *check;            /* rules across attributes, checked at validate time; may be NULL */

    /* About how many calls in turn a read takes (0: one). The plan starts the longest reads first, so a slow
     * one does not start last, when the others are done, and add its whole length to the plan's time. */
    unsigned read_rounds;
    /* *live NULL when the resource does not exist. */
    int (*read)(struct vp_call *c, const char *id, json_t **live);
    /* Creates and waits until ready; *id and *live (as read would return them) on success. Must adopt a
     * resource of that id that already exists and is ours to take (a rerun after a crash mid-create). */
    int (*create)(struct vp_call *c, const json_t *want, char **id, json_t **live);
    /* Changes what differs between have (live) and want, in place, and waits until ready. */
    int (*update)(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live);
    /* Deletes and waits until gone; a resource already gone is success. */
    int (*delete)(struct vp_call *c, const char *id, const json_t *have);
    /* Optional: completes want, in place, after defaults, with what only this machine knows when the plan is
     * made and no spec states (lambda_function: its zip's hash, so a changed zip shows in the diff). Never calls
     * AWS; values may still be "(known after apply)". 0, or -1 with err filled (vp_want_build names the
     * resource). Called for plan and again for apply. */
    int (*prepare_want)(json_t *want, struct vp_err *err);
};

/* Every type, NULL-terminated (resources/registry.c). */
extern const struct vp_resource_type *const vp_resource_types[];
const struct vp_resource_type *vp_resource_type_find(const char *type);
/* Tests only: look types up in this NULL-terminated list instead of the registry (NULL: the registry). */
void vp_resource_types_use(const struct vp_resource_type *const *types);
/* The schemas of every type for the validator, NULL-terminated. */
const struct vp_type_schema *const *vp_resource_schemas(void);

#endif
