/* mediapackage.h: the MediaPackage (v1) providers' shared parts (internal to src/resources/mediapackage*.c):
 * the REST-JSON call, "not found" as MediaPackage reports it, and tags, which channels and origin endpoints
 * keep the same way (in the Describe answer's `tags`, changed with TagResource and UntagResource). */
#ifndef VP_RESOURCES_MEDIAPACKAGE_H
#define VP_RESOURCES_MEDIAPACKAGE_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/resource.h"

/* One MediaPackage call; path is the wire path (already percent-encoded); in borrowed (NULL: no body);
 * *out new (NULL: not wanted). */
int mp_call(struct vp_call *c, const char *operation, const char *method, const char *path,
            const struct vp_kvlist *query, json_t *in, json_t **out);
/* "/COLLECTION/ID", the id percent-encoded. Caller frees. */
char *mp_path(const char *collection, const char *id);
/* The error is NotFoundException (real MediaPackage answers 404, moto 400: the code is what counts). */
bool mp_not_found(const struct vp_err *err);
/* The error's message says something was not found, in any case ("Channel not found"). */
bool mp_says_not_found(const struct vp_err *err);
/* GET /COLLECTION/ID: *out the answer (new), NULL when there is no such resource. */
int mp_describe(struct vp_call *c, const char *operation, const char *collection, const char *id, json_t **out);
/* Polls GET /COLLECTION/ID until MediaPackage no longer finds it (what: "channel 'x'", for the message). */
int mp_wait_gone(struct vp_call *c, const char *operation, const char *collection, const char *id,
                 const char *what);
/* Deletes /COLLECTION/ID with operation (DeleteChannel) and waits until describe_op no longer finds it; one
 * already gone is success. what ("channel") names it in messages. */
int mp_delete(struct vp_call *c, const char *operation, const char *describe_op, const char *collection,
              const char *id, const char *what);
/* The Describe answer's tags as {k: v} ({} when absent or null). */
json_t *mp_tags_of(const json_t *described);
/* Makes the tags of the resource arn equal want's `tags`, given have (the tags it has): UntagResource for
 * keys to drop, TagResource for keys to add or change; no call when they are equal. */
int mp_converge_tags(struct vp_call *c, const char *arn, const json_t *have, const json_t *want);
/* A MediaPackage id (channel, origin endpoint): 1-256 of A-Z a-z 0-9 _ - (vp_attr_check_fn). */
const char *mp_check_id(const char *id);
/* mediapackage_hls_endpoint's rule across attributes (mediapackage_schema.c). */
vp_type_check_fn vp_mediapackage_hls_endpoint_check;

#endif
