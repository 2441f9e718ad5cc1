/* s3_event.h: S3 event notification records, in the shape S3 delivers them to a Lambda function
 * ({"Records": [record]}, one record per event; the AWS S3 user guide's "Event message structure"), and which
 * notification configuration entries select an event.
 *
 * Keys are encoded as S3 encodes them in notifications, application/x-www-form-urlencoded style: letters,
 * digits and . - _ * kept, a space as '+', '/' kept, every other byte (UTF-8 included) as %XX in upper case:
 * "uploads/u1/v1/my clip (1).mp4" becomes "uploads/u1/v1/my+clip+%281%29.mp4".
 *
 * Thread-safe: the sequencer is one process-wide counter under a lock. */
#ifndef VP_LOCAL_S3_EVENT_H
#define VP_LOCAL_S3_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/buf.h"

struct vp_s3_object_event {
    const char *event_name;         /* "ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload",
                                       "ObjectRemoved:Delete" (no "s3:" in front, as in records) */
    const char *bucket, *key;       /* the key raw (not encoded) */
    long long size;                 /* ObjectCreated only */
    const char *etag;               /* without quotes; ObjectCreated only */
    const char *version_id;         /* NULL: none (an unversioned bucket) */
    const char *sequencer;          /* NULL: a fresh one from vp_s3_sequencer_next */
    const char *region;             /* NULL: us-east-1 */
    const char *configuration_id;   /* the notification configuration's Id; NULL: "vidpipe-local" */
    const char *principal_id;       /* who made the request; NULL: an example IAM user id */
    const char *source_ip;          /* NULL: 127.0.0.1 */
};

#define VP_S3_SEQUENCER_LEN 18          /* hex digits, as S3 writes them */

/* One Records[] element (a new reference): eventVersion "2.1", eventSource "aws:s3", awsRegion, eventTime
 * (when, ISO-8601 UTC with milliseconds; when 0: now, to the millisecond), eventName, userIdentity,
 * requestParameters, responseElements (fresh x-amz-request-id and x-amz-id-2), and s3 {s3SchemaVersion "1.0",
 * configurationId, bucket {name, ownerIdentity, arn}, object {key (encoded), size, eTag, versionId, sequencer}}
 * (size and eTag only for ObjectCreated events, versionId only when given). */
json_t *vp_s3_event_record(const struct vp_s3_object_event *e, time_t when);

/* Whether one notification configuration entry selects the event for the key: one of its events names it
 * exactly ("s3:ObjectCreated:Put") or by its family ("s3:ObjectCreated:*"), and the key (as encoded in the
 * record, as S3 compares it: a filter value with special characters must be given encoded) starts with
 * prefix and ends with suffix (NULL or "": no filter). */
bool vp_s3_notification_selects(const char *const *events, size_t n_events, const char *prefix, const char *suffix,
                                const char *event_name, const char *key);

/* Appends key encoded as in notifications. */
void vp_s3_event_key_encode(struct vp_buf *out, const char *key);
/* A fresh sequencer: 18 upper-case hex digits, greater than every one given before in this process (so
 * increasing for every key, as S3's are per key). */
void vp_s3_sequencer_next(char out[VP_S3_SEQUENCER_LEN + 1]);

#endif
