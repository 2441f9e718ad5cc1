/* state.h: what vidpipe last applied, and where that record lives.
 *
 * The state is a JSON document (specs/state.md):
 *   { "format_version": 1, "serial": N, "lineage": "uuid", "stack": "...", "vidpipe_version": "...",
 *     "resources": [ { "address", "type", "name", "id", "status" ("ready" or "creating"),
 *                      "attributes": {...}, "depends_on": ["s3_bucket.uploads", ...] } ],
 *     "outputs": { "name": value } }
 * `serial` grows by one on every write; `lineage` is fixed when the state is first made. Sensitive attributes
 * are never written: their SHA-256 stands in their place ("sha256:..."). A resource whose create was started
 * but not confirmed stays with status "creating", so a rerun after a crash finds and adopts it.
 *
 * Backends: a local file (written atomically: temporary file, fsync, rename, fsync of the directory, the
 * previous version kept as FILE.backup; locked with FILE.lock created exclusively) or an S3 object (written
 * with If-Match on its ETag; locked by KEY.lock created with If-None-Match: *). */
#ifndef VP_ENGINE_STATE_H
#define VP_ENGINE_STATE_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"
#include "base/err.h"

#define VP_STATE_FORMAT_VERSION 1

/* A random (version 4) UUID: lineages and lock ids. */
void vp_uuid4(char out[37]);

/* A new empty state for a stack, with a fresh lineage and serial 0. */
json_t *vp_state_new(const char *stack);
/* Checks a document read from a backend: format version, serial, lineage, resources' shape. */
int vp_state_check(const json_t *state, const char *where, struct vp_err *err);
/* The resource object of that address, borrowed; NULL if absent. */
json_t *vp_state_resource(const json_t *state, const char *address);
/* Adds or replaces a resource record (the arguments are copied; attributes are stripped of sensitive values
 * by the caller). status is "ready" or "creating". */
void vp_state_put(json_t *state, const char *address, const char *type, const char *name, const char *id,
                  const char *status, const json_t *attributes, const json_t *depends_on);
int vp_state_remove(json_t *state, const char *address);

struct vp_lock_info {
    char id[40];                        /* uuid */
    char operation[32];                 /* "apply", "destroy", "import", "state rm" */
    char who[128];                      /* user@host */
    char version[32];                   /* vidpipe's */
    char created[32];                   /* RFC 3339 UTC */
    char path[256];                     /* what is locked */
};

/* Fills id, who, version and created for an operation. */
void vp_lock_info_init(struct vp_lock_info *info, const char *operation);

struct vp_backend {
    const char *kind;                   /* "local" or "s3" */
    char *where;                        /* "state/dev.json" or "s3://bucket/key": for messages */
    /* *state NULL when there is none yet. */
    int (*read)(struct vp_backend *b, json_t **state, struct vp_err *err);
    /* Bumps serial, then writes atomically; refuses (VP_E_STATE) when the stored serial or lineage moved
     * since it was read (another writer) */
    int (*write)(struct vp_backend *b, json_t *state, struct vp_err *err);
    /* Takes the lock, waiting up to timeout_ms; VP_E_STATE_LOCKED naming holder, since when, operation. */
    int (*lock)(struct vp_backend *b, struct vp_lock_info *info, long timeout_ms, struct vp_err *err);
    int (*unlock)(struct vp_backend *b, struct vp_err *err);
    /* Removes a lock whose id matches (force-unlock). */
    int (*force_unlock)(struct vp_backend *b, const char *lock_id, struct vp_err *err);
    void (*free)(struct vp_backend *b);
};

/* The lock message every backend gives: "state 'WHERE' is locked by ID (OPERATION by WHO since CREATED); ..." */
int vp_lock_held_error(struct vp_err *err, const char *where, const json_t *holder);
/* The lock document written by both backends, and its id. */
json_t *vp_lock_info_json(const struct vp_lock_info *info);

struct vp_backend *vp_backend_local_new(const char *path);
struct vp_backend *vp_backend_s3_new(struct vp_aws *aws, const char *bucket, const char *key, const char *region);

#endif
