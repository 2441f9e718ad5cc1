/* package.c: EventBridge "MediaConvert Job State Change" -> the video's item READY or FAILED.
 *
 * COMPLETE: the stack's MediaPackage (v1) channel and HLS origin endpoint are made to exist (once a container),
 * then the item moves from PROCESSING to READY with playback_url (VIDPIPE_PLAYBACK_BASE_URL + the HLS main
 * playlist's path) and thumbnail_urls (every frame capture). ERROR: the item moves to FAILED with
 * error_message and error_code. The move is conditional (status PROCESSING and the item's job_id is the
 * event's job), so a repeated or stale event changes nothing. Other statuses, and jobs vidpipe did not start
 * (no user_id and video_id in userMetadata), are logged and ignored. A COMPLETE or ERROR for a video with no
 * item yet fails the invocation so that it is retried. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "handlers/config.h"
#include "handlers/handler.h"
#include "handlers/package.h"

struct package_config {
    char *table;
    char *playback_base;                /* no trailing '/' */
    char *channel_id, *endpoint_id;     /* both NULL: no MediaPackage */
    bool origin_ready;                  /* the channel and endpoint were seen in this container */
};

static void package_release(void *config)
{
    struct package_config *c = config;

    if (!c)
        return;
    free(c->table);
    free(c->playback_base);
    free(c->channel_id);
    free(c->endpoint_id);
    free(c);
}

/* ---- init ---- */

static int read_playback_base(struct package_config *c, struct vp_err *err)
{
    const char *v;
    size_t n;

    if (vp_env_required("VIDPIPE_PLAYBACK_BASE_URL", &v, err) < 0)
        return -1;
    if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_PLAYBACK_BASE_URL '%s' must start with https:// or http://", v);
    n = strlen(v);
    while (n > 0 && v[n - 1] == '/')
        n--;
    c->playback_base = vp_xstrndup(v, n);
    return 0;
}

static int read_mediapackage(struct package_config *c, struct vp_err *err)
{
    const char *channel = vp_env_or("VIDPIPE_MEDIAPACKAGE_CHANNEL", NULL);
    const char *endpoint = vp_env_or("VIDPIPE_MEDIAPACKAGE_ENDPOINT", NULL);
    static const char id_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    if (!channel && !endpoint)
        return 0;
    if (!channel || !endpoint)
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_MEDIAPACKAGE_CHANNEL and VIDPIPE_MEDIAPACKAGE_ENDPOINT go together");
    if (strlen(channel) > 256 || strspn(channel, id_chars) != strlen(channel))
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_MEDIAPACKAGE_CHANNEL '%s' is not a MediaPackage id", channel);
    if (strlen(endpoint) > 256 || strspn(endpoint, id_chars) != strlen(endpoint))
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_MEDIAPACKAGE_ENDPOINT '%s' is not a MediaPackage id", endpoint);
    c->channel_id = vp_xstrdup(channel);
    c->endpoint_id = vp_xstrdup(endpoint);
    return 0;
}

static int package_init(void **config, struct vp_err *err)
{
    struct package_config *c = vp_xcalloc(1, sizeof(*c));
    const char *table;

    *config = NULL;
    if (vp_env_required("VIDPIPE_VIDEOS_TABLE", &table, err) < 0 || read_playback_base(c, err) < 0 ||
        read_mediapackage(c, err) < 0) {
        package_release(c);
        return -1;
    }
    c->table = vp_xstrdup(table);
    *config = c;
    return 0;
}

/* ---- the transitions ---- */

/* Logs how the item update went and builds the response; -1 only for a failed call or a missing item. */
static int finish(struct vp_lambda_ctx *ctx, const struct vp_package_update *u, json_t *fields, json_t **response,
                  struct vp_err *err)
{
    char *current = NULL;
    int moved = vp_package_update_item(ctx->aws, u, &current, err);
    const char *status = u->playback_url ? "READY" : "FAILED";

    if (moved < 0) {
        vp_err_prefix(err, "updating video '%s'", u->video_id);
        vp_lambda_log(ctx, "ERROR", fields, "%s", err->msg);
        return -1;
    }
    if (moved) {
        vp_lambda_log(ctx, "INFO", fields, "video is %s", status);
    } else {
        json_object_set_new(fields, "current_status", json_string(current));
        vp_lambda_log(ctx, "INFO", fields, "video left as it was: it is %s or records another job", current);
    }
    *response = json_pack("{s:s, s:s, s:s, s:b}", "video_id", u->video_id, "user_id", u->user_id, "status",
                          moved ? status : current, "changed", moved);
    free(current);
    return 0;
}

static int complete(struct package_config *c, struct vp_lambda_ctx *ctx, const struct vp_job_event *ev,
                    json_t *fields, json_t **response, struct vp_err *err)
{
    struct vp_package_update u = { c->table, ev->user_id, ev->video_id, ev->job_id, NULL, NULL, NULL, 0 };
    bool truncated;
    char *playback, why[sizeof(err->msg)];
    json_t *thumbs;
    int ret;

    if (c->channel_id && !c->origin_ready) {
        if (vp_package_ensure_origin(ctx->aws, c->channel_id, c->endpoint_id, err) < 0) {
            vp_lambda_log(ctx, "ERROR", fields, "%s", err->msg);
            return -1;
        }
        c->origin_ready = true;
    }
    playback = vp_package_playback_url(c->playback_base, ev->output_groups, err);
    if (!playback) {
        /* The job finished without a playable output: a retry cannot change that, the video failed. */
        snprintf(why, sizeof(why), "%s", err->msg);
        u.error_message = why;
        vp_lambda_log(ctx, "ERROR", fields, "job completed without a playlist: %s", why);
        return finish(ctx, &u, fields, response, err);
    }
    thumbs = vp_package_thumbnail_urls(c->playback_base, ev->output_groups, &truncated);
    if (truncated)
        vp_lambda_log(ctx, "WARN", fields, "only the first %d thumbnails are recorded", VP_PACKAGE_MAX_THUMBNAILS);
    u.playback_url = playback;
    u.thumbnail_urls = thumbs;
    ret = finish(ctx, &u, fields, response, err);
    if (ret == 0 && *response)
        json_object_set_new(*response, "playback_url", json_string(playback));
    json_decref(thumbs);
    free(playback);
    return ret;
}

static int failed(struct package_config *c, struct vp_lambda_ctx *ctx, const struct vp_job_event *ev, json_t *fields,
                  json_t **response, struct vp_err *err)
{
    struct vp_package_update u = { c->table, ev->user_id, ev->video_id, ev->job_id, NULL, NULL,
                                   ev->error_message ? ev->error_message : "the transcoding job failed",
                                   ev->error_code };

    return finish(ctx, &u, fields, response, err);
}

/* ---- the event ---- */

static int package_handle(void *config, struct vp_lambda_ctx *ctx, const json_t *event, json_t **response,
                          struct vp_err *err)
{
    struct package_config *c = config;
    struct vp_job_event ev;
    json_t *fields;
    int ret = 0;

    *response = NULL;
    if (vp_package_parse_event(event, &ev, err) < 0) {
        vp_lambda_log(ctx, "ERROR", NULL, "%s", err->msg);
        return -1;
    }
    fields = json_pack("{s:s, s:s}", "job_id", ev.job_id, "job_status", ev.status);
    if (ev.video_id) {
        json_object_set_new(fields, "user_id", json_string(ev.user_id));
        json_object_set_new(fields, "video_id", json_string(ev.video_id));
    }
    if (ev.state == VP_JOB_OTHER || !ev.video_id) {
        vp_lambda_log(ctx, "INFO", fields, "ignored: %s", !ev.video_id ? "not a vidpipe job" : "no change of state");
        *response = json_pack("{s:s, s:s}", "ignored", ev.job_id, "status", ev.status);
    } else if (ev.state == VP_JOB_COMPLETE) {
        ret = complete(c, ctx, &ev, fields, response, err);
    } else {
        ret = failed(c, ctx, &ev, fields, response, err);
    }
    json_decref(fields);
    return ret;
}

const struct vp_handler vp_handler_package = {
    .name = "package",
    .init = package_init,
    .handle = package_handle,
    .release = package_release,
};
