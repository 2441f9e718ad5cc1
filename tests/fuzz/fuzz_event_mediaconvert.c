/* fuzz_event_mediaconvert.c: an event body -> the runtime's event check, then what the package handler
 * reads from an EventBridge "MediaConvert Job State Change" before any call: the job's state, id and
 * vidpipe's userMetadata, and for a COMPLETE job the HLS playback URL and the thumbnail URLs built from
 * outputGroupDetails. */
#include <jansson.h>
#include <stdlib.h>

#include "fuzz.h"
#include "handlers/package.h"
#include "handlers/runtime_internal.h"

#define PLAYBACK_BASE "https://d111111abcdef8.cloudfront.net"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *event = NULL;
    struct vp_job_event ev;
    struct vp_err err = { 0 };

    if (vp_runtime_parse_event((const char *)data, size, false, &event, &err) == 0 &&
        vp_package_parse_event(event, &ev, &err) == 0 && ev.state == VP_JOB_COMPLETE) {
        bool truncated = false;
        json_t *thumbs = vp_package_thumbnail_urls(PLAYBACK_BASE, ev.output_groups, &truncated);
        free(vp_package_playback_url(PLAYBACK_BASE, ev.output_groups, &err));
        if (json_array_size(thumbs) > VP_PACKAGE_MAX_THUMBNAILS)
            abort();                    /* package.h promises the cut */
        json_decref(thumbs);
    }
    json_decref(event);
    return 0;
}
