/* presign.h: the parts of the presign handler (POST /upload) that tests reach directly: video ids, object
 * keys and the presigned PUT URL. The handler itself is vp_handler_presign (handler.h). */
#ifndef VP_HANDLERS_PRESIGN_H
#define VP_HANDLERS_PRESIGN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "aws/client.h"
#include "base/err.h"

/* A video id: 26 characters of Crockford base32 (ULID layout): 48 bits of Unix time in milliseconds, then
 * 80 random bits. Ids sort by creation time as strings (the videos table's range key relies on it) and
 * cannot be guessed. */
#define VP_VIDEO_ID_LEN 26
void vp_video_id_format(uint64_t unix_ms, const unsigned char random[10], char out[VP_VIDEO_ID_LEN + 1]);
/* A fresh id from the real-time clock and OpenSSL's RAND_bytes; -1 when the generator fails. */
int vp_video_id_new(char out[VP_VIDEO_ID_LEN + 1], struct vp_err *err);

/* The file name part of an object key, from whatever the client sent (caller frees): the last path segment
 * ('/' and '\' both separate), control characters dropped, every byte outside [A-Za-z0-9._-] made '_', runs
 * of '_' or '.' made one, no leading '.' or '-', no trailing '.', at most VP_FILENAME_MAX bytes with a short
 * extension kept; "video" when nothing is left. The result never holds '/', "..", or a NUL. */
#define VP_FILENAME_MAX 128
char *vp_presign_filename(const char *name);

/* What one presigned PUT allows. */
struct vp_presign_put {
    const char *bucket;
    const char *key;                /* the object key, not encoded */
    const char *content_type;       /* signed: the upload must send exactly this Content-Type */
    long long content_length;       /* signed: the upload must be exactly this many bytes (0: not signed) */
    long expires_s;                 /* X-Amz-Expires */
    time_t now;                     /* signing time */
};

/* The presigned URL (caller frees): SigV4 query form with SignedHeaders content-length;content-type;host
 * (content-length only when put->content_length > 0) and an unsigned
 * payload, at the S3 endpoint the client core resolves (AWS_ENDPOINT_URL_S3 and friends), path-style or
 * virtual-hosted as the core decides. Local only: resolving credentials may read the environment or the
 * container credentials endpoint, but nothing is sent to S3. */
int vp_presign_put_url(struct vp_aws *aws, const struct vp_presign_put *put, char **url, struct vp_err *err);

#endif
