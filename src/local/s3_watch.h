/* s3_watch.h: notices objects created, overwritten and removed in one bucket (optionally under a prefix) by
 * listing it again and again (ListObjectsV2, paged with continuation tokens, through the client core), for
 * `vidpipe serve` to turn into S3 notifications where the emulator sends none.
 *
 * What exists when the watch starts is the baseline and is never reported. Each poll lists the bucket again
 * and reports, in key order: keys that are new or whose ETag or LastModified changed, as ObjectCreated:Put
 * (ObjectCreated:CompleteMultipartUpload when the ETag ends with a -N part count), then keys that vanished,
 * as ObjectRemoved:Delete. What happens between two polls is seen as its net effect: a key written twice is
 * one event, a key created and removed is none, a key removed and created again is one ObjectCreated.
 *
 * The client comes from the environment (AWS_ENDPOINT_URL, credentials) as every command's does. One watch
 * is used by one thread at a time. */
#ifndef VP_LOCAL_S3_WATCH_H
#define VP_LOCAL_S3_WATCH_H

#include "base/err.h"
#include "local/s3_event.h"

struct vp_s3_watch;

/* Lists the bucket once (the baseline): 0 with *out set, or -1 with err filled (no such bucket, no
 * credentials, ...). prefix may be NULL; region NULL: the environment's. */
int vp_s3_watch_new(const char *bucket, const char *region, const char *prefix, struct vp_s3_watch **out,
                    struct vp_err *err);

/* Called once per change; e and its strings are borrowed for the call (event_name, bucket, key, size, etag,
 * sequencer and region are set; version_id, configuration_id, principal_id and source_ip are NULL). */
typedef void vp_s3_watch_cb(void *ctx, const struct vp_s3_object_event *e);

/* Lists again and reports the changes since the last successful poll: 0, or -1 with err filled (nothing is
 * reported and the next poll compares with the same listing as this one did). */
int vp_s3_watch_poll(struct vp_s3_watch *w, vp_s3_watch_cb *cb, void *ctx, struct vp_err *err);

/* How many keys the last listing held. */
size_t vp_s3_watch_count(const struct vp_s3_watch *w);

void vp_s3_watch_free(struct vp_s3_watch *w);       /* NULL: nothing */

#endif
