/* package.h: the parts of the package handler (EventBridge "MediaConvert Job State Change" -> the video's
 * item READY or FAILED) that tests reach directly. The handler itself is vp_handler_package (handler.h). */
#ifndef VP_HANDLERS_PACKAGE_H
#define VP_HANDLERS_PACKAGE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

#define VP_PACKAGE_MAX_THUMBNAILS 1000  /* a DynamoDB item holds 400 KB: longer lists are cut (and logged) */
#define VP_PACKAGE_USER_ID_MAX 768      /* userMetadata ids: as convert takes them from keys (convert.h) */
#define VP_PACKAGE_VIDEO_ID_MAX 64

enum vp_job_state { VP_JOB_COMPLETE, VP_JOB_ERROR, VP_JOB_OTHER };

/* The fields of one event that the handler acts on; strings borrowed from the event. */
struct vp_job_event {
    enum vp_job_state state;
    const char *status;                 /* detail.status as sent */
    const char *job_id;                 /* detail.jobId */
    const char *user_id, *video_id;     /* detail.userMetadata; NULL for a job vidpipe did not start */
    const json_t *output_groups;        /* detail.outputGroupDetails (COMPLETE), an array or NULL */
    const char *error_message;          /* detail.errorMessage (ERROR) or NULL */
    long long error_code;               /* detail.errorCode (ERROR) or 0 */
};

/* Reads an event. -1 (err says why) when it is not a MediaConvert Job State Change (no detail object, no
 * string status or jobId, a field of the wrong type). A job without vidpipe's userMetadata parses with
 * user_id and video_id NULL. */
int vp_package_parse_event(const json_t *event, struct vp_job_event *ev, struct vp_err *err);

/* The playback URL of the HLS group's main playlist: base + the path of its s3:// URI, percent-encoded
 * ("s3://out/videos/u/v/a b.m3u8" -> base + "/videos/u/v/a%20b.m3u8"). NULL (err says why) when no
 * HLS_GROUP with a playlistFilePaths entry is there or the URI is not s3://bucket/path. Caller frees. */
char *vp_package_playback_url(const char *base, const json_t *output_groups, struct vp_err *err);

/* The thumbnail URLs (a new array of strings) of the frame-capture outputs: MediaConvert names only the
 * last capture ("name.0000011.jpg" after 12 captures), numbered from .0000000, so the list runs from
 * .0000000 to the named number. At most VP_PACKAGE_MAX_THUMBNAILS (*truncated says it cut). Outputs that
 * are not s3://bucket/<path>.<7 digits>.<ext> are left out. An empty array when there is none. */
json_t *vp_package_thumbnail_urls(const char *base, const json_t *output_groups, bool *truncated);

/* ---- the calls (package_calls.c) ---- */

struct vp_aws;

/* The MediaPackage (v1) channel and its HLS origin endpoint exist afterwards, created if missing. */
int vp_package_ensure_origin(struct vp_aws *aws, const char *channel_id, const char *endpoint_id,
                             struct vp_err *err);

/* Moves the video's item from PROCESSING (for job_id) to READY with playback_url and thumbnail_urls
 * (borrowed), or to FAILED with error_message and error_code (playback_url NULL). 1 moved; 0 left as it was
 * (already moved on, or the item records another job; *current is its status, a new string); -1 error,
 * VP_E_STATE when there is no item yet (convert has not recorded the video: retry). */
struct vp_package_update {
    const char *table, *user_id, *video_id, *job_id;
    const char *playback_url;
    const json_t *thumbnail_urls;
    const char *error_message;
    long long error_code;
};
int vp_package_update_item(struct vp_aws *aws, const struct vp_package_update *u, char **current,
                           struct vp_err *err);

#endif
