/* convert.h: the parts of the convert handler (S3 ObjectCreated -> MediaConvert job + videos item) that tests
 * reach directly. The handler itself is vp_handler_convert (handler.h).
 *
 * An upload's key is <prefix><user id>/<video id>/<file name> (presign.c makes them). S3 events carry keys
 * URL-encoded with '+' for a space; decoded, the key must be UTF-8 without control characters. */
#ifndef VP_HANDLERS_CONVERT_H
#define VP_HANDLERS_CONVERT_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

#define VP_CONVERT_KEY_MAX 1024         /* S3's own limit on a key, in bytes (decoded) */
#define VP_CONVERT_VIDEO_ID_MAX 64      /* presign makes 26-character ULIDs; [A-Za-z0-9_-] only */
#define VP_CONVERT_USER_ID_MAX 768      /* vp_apigw_user_id of a 256-byte sub; [A-Za-z0-9_%-] only */
#define VP_CONVERT_MAX_RECORDS 100      /* S3 sends one record an event: a batch over this is refused whole */

/* One uploaded object, decoded from an S3 event record. Every string is owned. */
struct vp_upload {
    char *bucket;
    char *key;                          /* decoded */
    char *user_id, *video_id, *filename;
    char *version;                      /* versionId, else sequencer, else "" */
};

void vp_upload_release(struct vp_upload *up);

/* Decodes an S3 event key: '+' is a space, %XX an escaped byte. -1 (err says why) for a '%' not followed by
 * two hex digits, a key that decodes to bytes that are not UTF-8, a NUL or another control character, or
 * longer than VP_CONVERT_KEY_MAX. *key is new on success. */
int vp_convert_decode_key(const char *raw, char **key, struct vp_err *err);

/* Splits a decoded key into user id, video id and file name (set in up, owned). 1 when the key is an upload,
 * 0 when it lies outside prefix (not ours), -1 (err says why) when it is under prefix but not of the shape
 * <prefix><user>/<video>/<file>: a missing or extra segment, an empty, "." or ".." one, or an id outside its
 * character set. */
int vp_convert_split_key(const char *key, const char *prefix, struct vp_upload *up, struct vp_err *err);

/* One record of event.Records: 1 taken (up filled), 0 not ours (*why set: another event source or kind, a
 * key outside prefix), -1 malformed (err says why). Never trusts a type or a size. */
int vp_convert_parse_record(const json_t *record, const char *prefix, struct vp_upload *up, const char **why,
                            struct vp_err *err);

/* The job's ClientRequestToken: hex SHA-256 of bucket, key and version (64 ASCII characters, MediaConvert's
 * limit), so a redelivered event asks for the same job. */
#define VP_CONVERT_TOKEN_LEN 64
void vp_convert_token(const char *bucket, const char *key, const char *version, char out[VP_CONVERT_TOKEN_LEN + 1]);

/* What a CreateJob for one upload needs besides the upload. */
struct vp_convert_job {
    const char *job_template;           /* the template's name */
    const char *role_arn;
    const char *output_bucket;
    const char *stack;                  /* VIDPIPE_STACK: tagged on the job so the stack's EventBridge rule
                                           matches only its own jobs; NULL: not tagged */
};

/* The CreateJob body (REST-JSON wire names) for up: the template's settings (template: its "settings"
 * object, borrowed; NULL for none) with the input set to s3://bucket/key and every output group's destination
 * set to s3://<output bucket>/videos/<user>/<video>/; JobTemplate, Role, UserMetadata {video_id, user_id,
 * and stack when set}
 * and the ClientRequestToken. -1 when the template has no output group whose destination can be set. */
json_t *vp_convert_job_request(const struct vp_convert_job *job, const struct vp_upload *up,
                               const json_t *template_settings, struct vp_err *err);

/* The per-video output prefix "videos/<user>/<video>/" (caller frees). */
char *vp_convert_output_prefix(const struct vp_upload *up);

/* ---- the calls (convert_calls.c) ---- */

struct vp_aws;

/* GetJobTemplate: *settings is the template's "settings" object (a new reference). */
int vp_convert_template_settings(struct vp_aws *aws, const char *name, json_t **settings, struct vp_err *err);
/* CreateJob with body (borrowed); *job_id is new. */
int vp_convert_create_job(struct vp_aws *aws, json_t *body, char **job_id, struct vp_err *err);
/* The videos item's job_id when the item exists for up with up's source key: 1 (*job_id new), else 0. */
int vp_convert_recorded_job(struct vp_aws *aws, const char *table, const struct vp_upload *up, char **job_id,
                            struct vp_err *err);
/* PutItem {user_id, video_id, status PROCESSING, source_key, filename, job_id, created_at} unless the item
 * exists for another job or has moved on: 1 written, 0 left as it was (ConditionalCheckFailed), -1 error. */
int vp_convert_put_item(struct vp_aws *aws, const char *table, const struct vp_upload *up, const char *job_id,
                        const char *created_at, struct vp_err *err);

#endif
