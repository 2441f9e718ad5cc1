/* lambda_function.h: the lambda_function provider's parts (internal to src/resources/lambda_function*.c). */
#ifndef VP_RESOURCES_LAMBDA_FUNCTION_H
#define VP_RESOURCES_LAMBDA_FUNCTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/resource.h"

/* Lambda takes a zip of at most 50 MB in the request itself (ZipFile); larger code goes through S3, which
 * vidpipe does not do. */
#define LF_ZIP_MAX_BYTES (50u * 1024 * 1024)

/* A deployment zip, read whole and checked. */
struct lf_zip {
    char *path;                 /* where it was read from */
    unsigned char *data;
    size_t len;
    char sha256[48];            /* base64(SHA-256(data)): how Lambda reports it as CodeSha256 */
};

/* lambda_function_code.c */
/* Reads the zip want's artifact or zip_file names (exactly one of them), at most LF_ZIP_MAX_BYTES, checks it
 * is a zip archive (and, for the provided.* runtimes, that it holds an executable 'bootstrap' at its root) and
 * hashes it. Fails with a message naming the file and what to do. */
int lf_zip_load(const json_t *want, struct lf_zip *zip, struct vp_err *err);
void lf_zip_release(struct lf_zip *zip);
/* The zip as base64, as CreateFunction and UpdateFunctionCode take it (a new JSON string). */
json_t *lf_zip_base64(const struct lf_zip *zip);
/* The type's prepare_want: source_code_hash from the zip (unknown while the zip's path is). */
int lf_prepare_want(json_t *want, struct vp_err *err);

/* lambda_function_read.c */
/* One Lambda call on a REST path (already percent-encoded); in borrowed (NULL: no body); *out new or NULL. */
int lf_call(struct vp_call *c, const char *operation, const char *method, const char *path,
            const struct vp_kvlist *query, json_t *in, json_t **out);
/* "/2015-03-31/functions/NAME" + suffix (NULL: none), NAME percent-encoded. Caller frees. */
char *lf_function_path(const char *name, const char *suffix);
/* "/2017-03-31/tags/ARN", the ARN percent-encoded. Caller frees. */
char *lf_tags_path(const char *arn);
/* GetFunction's Configuration, a new reference; *config NULL when there is no such function. */
int lf_get_config(struct vp_call *c, const char *name, json_t **config);
/* The attributes of the configuration that the attribute table describes (tags aside). */
json_t *lf_live_from_config(const json_t *config);
/* The function as the attribute table describes it; *live NULL when there is no such function. */
int lf_read(struct vp_call *c, const char *name, json_t **live);
/* The function's tags ({} when none). */
int lf_read_tags(struct vp_call *c, const char *arn, json_t **tags);
/* Waits until the function is neither being created nor updated. With settled, a failed creation or update
 * is an error (after vidpipe's own change); without, only work in progress is waited out (before a change). */
int lf_wait_ready(struct vp_call *c, const char *name, bool settled);
/* Waits until GetFunction no longer finds the function. */
int lf_wait_gone(struct vp_call *c, const char *name);

#endif
