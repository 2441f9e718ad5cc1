/* mediapackage_schema.c: the mediapackage_channel and mediapackage_hls_endpoint types' attributes, as data
 * (see s3_bucket_schema.c). The operations are in mediapackage_channel.c and mediapackage_endpoint.c.
 *
 * MediaPackage v1: a channel's only updatable setting is its description (and tags); an origin endpoint's
 * channel cannot change (replace), everything else is updated by one UpdateOriginEndpoint carrying it all. */
#include <stdio.h>
#include <string.h>

#include "resources/mediapackage.h"
#include "resources/naming.h"
#include "resources/schemas.h"

static const char *const originations[] = { "ALLOW", "DENY", NULL };
static const char *const ad_markers[] = { "NONE", "SCTE35_ENHANCED", "PASSTHROUGH", "DATERANGE", NULL };

const struct vp_attr vp_mediapackage_channel_attrs[] = {
    { .name = "id", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true, .check = mp_check_id,
      .doc = "The channel's id, unique in the account and region: 1-256 of letters, digits, '_' and '-'." },
    { .name = "description", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 1024,
      .doc = "A short description." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The channel's ARN." },
    { .name = "hls_ingest_url", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The URL of the channel's first HLS ingest endpoint, where a live source is sent (\"\" when "
             "MediaPackage reports none)." },
    { 0 }
};

/* DATERANGE ad markers need program date-time tags (MediaPackage refuses them otherwise). */
int vp_mediapackage_hls_endpoint_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const char *markers = json_string_value(json_object_get(values, "ad_markers"));
    const json_t *interval = json_object_get(values, "program_date_time_interval_seconds");

    *attr = NULL;
    if (json_is_string(interval))       /* known only after apply */
        return 0;
    if (markers && strcmp(markers, "DATERANGE") == 0 &&
        !(json_is_integer(interval) && json_integer_value(interval) > 0)) {
        *attr = "ad_markers";
        snprintf(msg, size, "ad_markers DATERANGE needs program_date_time_interval_seconds greater than 0");
        return -1;
    }
    return 0;
}

const struct vp_attr vp_mediapackage_hls_endpoint_attrs[] = {
    { .name = "id", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true, .check = mp_check_id,
      .doc = "The origin endpoint's id, unique in the account and region: 1-256 of letters, digits, '_' and '-'." },
    { .name = "channel_id", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true, .check = mp_check_id,
      .doc = "The id of the channel it packages (usually ${channel.id}); it cannot change." },
    { .name = "description", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 1024,
      .doc = "A short description." },
    { .name = "manifest_name", .kind = VP_K_STRING, .default_json = "\"index\"", .min = 1, .max = 256,
      .doc = "The manifest's file name, the end of the playback URL (index.m3u8)." },
    { .name = "segment_duration_seconds", .kind = VP_K_INT, .default_json = "6", .min = 1, .max = 30,
      .doc = "Duration of each segment, rounded to a multiple of the source's." },
    { .name = "playlist_window_seconds", .kind = VP_K_INT, .default_json = "60", .min = 0, .max = 86400,
      .doc = "The time window each playlist covers." },
    { .name = "startover_window_seconds", .kind = VP_K_INT, .default_json = "0", .min = 0, .max = 1209600,
      .doc = "How much content is kept for startover playback (0: none; at most 14 days)." },
    { .name = "time_delay_seconds", .kind = VP_K_INT, .default_json = "0", .min = 0, .max = 86400,
      .doc = "Delay enforced on playback of live content (0: none)." },
    { .name = "origination", .kind = VP_K_STRING, .default_json = "\"ALLOW\"", .enum_values = originations,
      .doc = "ALLOW playback through the endpoint, or DENY it." },
    { .name = "whitelist", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .doc = "Source IP CIDR blocks allowed to play (empty: any)." },
    { .name = "ad_markers", .kind = VP_K_STRING, .default_json = "\"NONE\"", .enum_values = ad_markers,
      .doc = "SCTE-35 ad markers in the manifest: NONE, SCTE35_ENHANCED, PASSTHROUGH or DATERANGE (DATERANGE "
             "needs program_date_time_interval_seconds)." },
    { .name = "program_date_time_interval_seconds", .kind = VP_K_INT, .default_json = "0", .min = 0, .max = 3600,
      .doc = "Interval between EXT-X-PROGRAM-DATE-TIME tags (0: none)." },
    { .name = "include_iframe_only_stream", .kind = VP_K_BOOL, .default_json = "false",
      .doc = "Include an I-frame only stream." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The origin endpoint's ARN." },
    { .name = "url", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The endpoint's playback URL (the HLS manifest players open)." },
    { 0 }
};
