/* mediapackage_endpoint.c: the mediapackage_hls_endpoint type's four operations: a MediaPackage (v1) origin
 * endpoint packaging its channel as HLS, whose `url` is what players open.
 *
 * DESIGN: UpdateOriginEndpoint is a full PUT: every setting is sent on every update, since a field left out
 * is not "unchanged" everywhere (moto blanks it). The channel cannot change (the attribute forces a
 * replacement). Right after CreateChannel, CreateOriginEndpoint can still answer that the channel is not
 * found (aws-cdk #13835): that one error is retried every wait_poll_ms for up to a minute (or the wait
 * timeout when shorter); a channel still unknown after that is almost always a wrong channel_id. */
#include <string.h>

#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/mediapackage.h"
#include "resources/schemas.h"
#include "resources/types.h"

#define CHANNEL_WAIT_MS (60L * 1000)
#define DEFAULT_WAIT_MS (10L * 60 * 1000)

/* What the Describe answer reports, or the schema's default when it reports nothing. */
static const char *str_or(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = vp_res_str(obj, key);

    return s ? s : dflt;
}

static json_t *int_or(const json_t *obj, const char *key, long long dflt)
{
    const json_t *v = json_object_get(obj, key);

    return json_integer(json_is_number(v) ? vp_res_int(obj, key) : dflt);
}

static json_t *live_of(const json_t *d)
{
    const json_t *hls = json_object_get(d, "hlsPackage"), *whitelist = json_object_get(d, "whitelist");
    json_t *live = json_object();

    json_object_set_new(live, "id", json_string(str_or(d, "id", "")));
    json_object_set_new(live, "channel_id", json_string(str_or(d, "channelId", "")));
    json_object_set_new(live, "description", json_string(str_or(d, "description", "")));
    json_object_set_new(live, "manifest_name", json_string(str_or(d, "manifestName", "index")));
    json_object_set_new(live, "segment_duration_seconds", int_or(hls, "segmentDurationSeconds", 6));
    json_object_set_new(live, "playlist_window_seconds", int_or(hls, "playlistWindowSeconds", 60));
    json_object_set_new(live, "startover_window_seconds", int_or(d, "startoverWindowSeconds", 0));
    json_object_set_new(live, "time_delay_seconds", int_or(d, "timeDelaySeconds", 0));
    json_object_set_new(live, "origination", json_string(str_or(d, "origination", "ALLOW")));
    json_object_set_new(live, "whitelist", json_is_array(whitelist) ? json_deep_copy(whitelist) : json_array());
    json_object_set_new(live, "ad_markers", json_string(str_or(hls, "adMarkers", "NONE")));
    json_object_set_new(live, "program_date_time_interval_seconds", int_or(hls, "programDateTimeIntervalSeconds", 0));
    json_object_set_new(live, "include_iframe_only_stream", json_boolean(vp_res_bool(hls, "includeIframeOnlyStream")));
    json_object_set_new(live, "tags", mp_tags_of(d));
    if (vp_res_str(d, "arn"))
        json_object_set_new(live, "arn", json_string(vp_res_str(d, "arn")));
    if (vp_res_str(d, "url"))
        json_object_set_new(live, "url", json_string(vp_res_str(d, "url")));
    return live;
}

static int read_endpoint(struct vp_call *c, const char *id, json_t **live)
{
    json_t *d = NULL;

    *live = NULL;
    if (mp_describe(c, "DescribeOriginEndpoint", "origin_endpoints", id, &d) < 0)
        return -1;
    if (d) {
        *live = live_of(d);
        json_decref(d);
    }
    return 0;
}

static int read_back(struct vp_call *c, const char *id, json_t **live)
{
    if (read_endpoint(c, id, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "origin endpoint '%s' disappeared while vidpipe was configuring it",
                               id);
}

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    if (read_endpoint(c, id, live) < 0)
        return vp_res_context(c, "reading origin endpoint '%s'", id);
    return 0;
}

/* Every setting, as both CreateOriginEndpoint and UpdateOriginEndpoint take them. */
static json_t *settings_input(const json_t *want)
{
    const json_t *whitelist = json_object_get(want, "whitelist");
    json_t *hls = json_pack("{s:I, s:I, s:s, s:I, s:b}",
                            "segmentDurationSeconds", (json_int_t)vp_res_int(want, "segment_duration_seconds"),
                            "playlistWindowSeconds", (json_int_t)vp_res_int(want, "playlist_window_seconds"),
                            "adMarkers", str_or(want, "ad_markers", "NONE"),
                            "programDateTimeIntervalSeconds",
                            (json_int_t)vp_res_int(want, "program_date_time_interval_seconds"),
                            "includeIframeOnlyStream", vp_res_bool(want, "include_iframe_only_stream"));

    return json_pack("{s:s, s:s, s:I, s:I, s:s, s:o, s:o}", "description", str_or(want, "description", ""),
                     "manifestName", str_or(want, "manifest_name", "index"),
                     "startoverWindowSeconds", (json_int_t)vp_res_int(want, "startover_window_seconds"),
                     "timeDelaySeconds", (json_int_t)vp_res_int(want, "time_delay_seconds"),
                     "origination", str_or(want, "origination", "ALLOW"),
                     "whitelist", json_is_array(whitelist) ? json_deep_copy(whitelist) : json_array(),
                     "hlsPackage", hls);
}

static bool settings_changed(const json_t *want, const json_t *have)
{
    static const char *const keys[] = { "description", "manifest_name", "segment_duration_seconds",
                                        "playlist_window_seconds", "startover_window_seconds", "time_delay_seconds",
                                        "origination", "whitelist", "ad_markers",
                                        "program_date_time_interval_seconds", "include_iframe_only_stream", NULL };

    for (size_t i = 0; keys[i]; i++)
        if (vp_res_changed(want, have, keys[i]))
            return true;
    return false;
}

/* One UpdateOriginEndpoint with every setting when any differs, then the tags. */
static int converge(struct vp_call *c, const char *id, const json_t *have, const json_t *want)
{
    if (settings_changed(want, have)) {
        char *path = mp_path("origin_endpoints", id);
        json_t *in = settings_input(want);
        int ret = mp_call(c, "UpdateOriginEndpoint", "PUT", path, NULL, in, NULL);

        json_decref(in);
        free(path);
        if (ret < 0)
            return -1;
    }
    return mp_converge_tags(c, vp_res_str(have, "arn"), json_object_get(have, "tags"), want);
}

/* ---- CreateOriginEndpoint, retried while the channel is not found yet ---- */

static bool channel_not_found_yet(const struct vp_err *err)
{
    return (mp_not_found(err) || vp_res_err_is(err, "UnprocessableEntityException")) && mp_says_not_found(err);
}

static int poll_create(struct vp_call *c, void *ctx, bool *done)
{
    *done = false;
    if (mp_call(c, "CreateOriginEndpoint", "POST", "/origin_endpoints", NULL, ctx, NULL) == 0) {
        *done = true;
        return 0;
    }
    if (channel_not_found_yet(c->err)) {
        vp_err_clear(c->err);
        return 0;
    }
    return -1;
}

static int create_patiently(struct vp_call *c, const char *id, const json_t *want)
{
    struct vp_call bounded = *c;
    long timeout_ms = c->wait_timeout_ms > 0 ? c->wait_timeout_ms : DEFAULT_WAIT_MS;
    const char *channel = str_or(want, "channel_id", "");
    json_t *in = settings_input(want), *tags = json_object_get(want, "tags");
    char *what = vp_xasprintf("until MediaPackage finds channel '%s' to create origin endpoint '%s' on (does the "
                              "channel exist?)", channel, id);
    int ret;

    json_object_set_new(in, "id", json_string(id));
    json_object_set_new(in, "channelId", json_string(channel));
    if (json_object_size(tags))
        json_object_set(in, "tags", tags);
    bounded.wait_timeout_ms = timeout_ms < CHANNEL_WAIT_MS ? timeout_ms : CHANNEL_WAIT_MS;
    ret = vp_res_wait(&bounded, what, poll_create, in);
    free(what);
    json_decref(in);
    return ret;
}

/* CreateOriginEndpoint, unless an endpoint of that id exists already (a rerun after a crash mid-create): that
 * one is adopted and converged on want, if it packages the same channel. */
static int create_endpoint(struct vp_call *c, const char *id, const json_t *want, json_t **live)
{
    json_t *have;
    int ret;

    if (read_endpoint(c, id, &have) < 0)
        return -1;
    if (!have)
        return create_patiently(c, id, want) < 0 ? -1 : read_back(c, id, live);
    if (vp_res_changed(want, have, "channel_id"))
        ret = vp_fail(c->err, VP_E_AWS, "origin endpoint '%s' exists on channel '%s', the spec wants channel '%s'",
                      id, str_or(have, "channel_id", "?"), str_or(want, "channel_id", "?"));
    else
        ret = converge(c, id, have, want);
    json_decref(have);
    return ret < 0 ? -1 : read_back(c, id, live);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = vp_res_str(want, "id");

    *id = NULL;
    *live = NULL;
    if (!name || !vp_res_str(want, "channel_id"))
        return vp_fail(c->err, VP_E_AWS, "%s: the origin endpoint needs an id and a channel_id", c->address);
    if (create_endpoint(c, name, want, live) < 0)
        return vp_res_context(c, "creating origin endpoint '%s'", name);
    *id = vp_xstrdup(name);
    return 0;
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    *live = NULL;
    if (converge(c, id, have, want) < 0 || read_back(c, id, live) < 0)
        return vp_res_context(c, "updating origin endpoint '%s'", id);
    return 0;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    (void)have;
    return mp_delete(c, "DeleteOriginEndpoint", "DescribeOriginEndpoint", "origin_endpoints", id, "origin endpoint");
}

const struct vp_resource_type vp_type_mediapackage_hls_endpoint = {
    .type = "mediapackage_hls_endpoint", .attrs = vp_mediapackage_hls_endpoint_attrs, .id_attr = "id",
    .doc = "A MediaPackage (v1) origin endpoint packaging a channel as HLS; its url is the playback URL. Every "
           "setting but the channel changes in place.",
    .check = vp_mediapackage_hls_endpoint_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
};
