/* mediapackage_channel.c: the mediapackage_channel type's four operations. A MediaPackage (v1) channel is
 * created with its description and tags in one CreateChannel; afterwards only its description changes in
 * place (UpdateChannel), and its tags through TagResource and UntagResource. DescribeChannel reports the
 * tags itself, so a read is one call. */
#include <string.h>

#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/mediapackage.h"
#include "resources/schemas.h"
#include "resources/types.h"

static json_t *live_of(const json_t *d)
{
    const json_t *ingest = json_array_get(json_object_get(json_object_get(d, "hlsIngest"), "ingestEndpoints"), 0);
    const char *description = vp_res_str(d, "description"), *url = vp_res_str(ingest, "url");
    json_t *live = json_pack("{s:s, s:s, s:o, s:s}", "id", vp_res_str(d, "id") ? vp_res_str(d, "id") : "",
                             "description", description ? description : "", "tags", mp_tags_of(d),
                             "hls_ingest_url", url ? url : "");

    if (vp_res_str(d, "arn"))
        json_object_set_new(live, "arn", json_string(vp_res_str(d, "arn")));
    return live;
}

static int read_channel(struct vp_call *c, const char *id, json_t **live)
{
    json_t *d = NULL;

    *live = NULL;
    if (mp_describe(c, "DescribeChannel", "channels", id, &d) < 0)
        return -1;
    if (d) {
        *live = live_of(d);
        json_decref(d);
    }
    return 0;
}

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    if (read_channel(c, id, live) < 0)
        return vp_res_context(c, "reading channel '%s'", id);
    return 0;
}

static int read_back(struct vp_call *c, const char *id, json_t **live)
{
    if (read_channel(c, id, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "channel '%s' disappeared while vidpipe was configuring it", id);
}

static const char *description_of(const json_t *want)
{
    return vp_res_str(want, "description") ? vp_res_str(want, "description") : "";
}

/* The description (UpdateChannel), then the tags: what differs between have and want. */
static int converge(struct vp_call *c, const char *id, const json_t *have, const json_t *want)
{
    if (vp_res_changed(want, have, "description")) {
        char *path = mp_path("channels", id);
        json_t *in = json_pack("{s:s}", "description", description_of(want));
        int ret = mp_call(c, "UpdateChannel", "PUT", path, NULL, in, NULL);

        json_decref(in);
        free(path);
        if (ret < 0)
            return -1;
    }
    return mp_converge_tags(c, vp_res_str(have, "arn"), json_object_get(have, "tags"), want);
}

/* CreateChannel, unless a channel of that id exists already (a rerun after a crash mid-create): that one
 * is adopted and converged on want. */
static int create_channel(struct vp_call *c, const char *id, const json_t *want, json_t **live)
{
    json_t *have, *in, *tags = json_object_get(want, "tags");
    int ret;

    if (read_channel(c, id, &have) < 0)
        return -1;
    if (have) {
        ret = converge(c, id, have, want);
        json_decref(have);
        return ret < 0 ? -1 : read_back(c, id, live);
    }
    in = json_pack("{s:s, s:s}", "id", id, "description", description_of(want));
    if (json_object_size(tags))
        json_object_set(in, "tags", tags);
    ret = mp_call(c, "CreateChannel", "POST", "/channels", NULL, in, NULL);
    json_decref(in);
    return ret < 0 ? -1 : read_back(c, id, live);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = vp_res_str(want, "id");

    *id = NULL;
    *live = NULL;
    if (!name)
        return vp_fail(c->err, VP_E_AWS, "%s: the channel has no id", c->address);
    if (create_channel(c, name, want, live) < 0)
        return vp_res_context(c, "creating channel '%s'", name);
    *id = vp_xstrdup(name);
    return 0;
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    *live = NULL;
    if (converge(c, id, have, want) < 0 || read_back(c, id, live) < 0)
        return vp_res_context(c, "updating channel '%s'", id);
    return 0;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    (void)have;
    return mp_delete(c, "DeleteChannel", "DescribeChannel", "channels", id, "channel");
}

const struct vp_resource_type vp_type_mediapackage_channel = {
    .type = "mediapackage_channel", .attrs = vp_mediapackage_channel_attrs, .id_attr = "id",
    .doc = "A MediaPackage (v1) channel: the live input its origin endpoints package; its description and tags "
           "change in place.",
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
};
