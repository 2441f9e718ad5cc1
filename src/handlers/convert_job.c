/* convert_job.c: the MediaConvert job for one upload.
 *
 * The job names its template (JobTemplate) and also carries the template's settings in full, with the input
 * and each output group's destination filled in. MediaConvert lets job settings override a template's, but
 * it documents no rule for merging a partial output group into the template's, so the job sends whole groups
 * copied from the template (as AWS's Video on Demand solution does): what runs is exactly the template plus
 * this video's input and destinations. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "handlers/convert.h"

/* The settings object that holds an output group's Destination, by OutputGroupSettings.Type. */
static const struct {
    const char *type, *settings;
} group_settings[] = {
    { "HLS_GROUP_SETTINGS", "hlsGroupSettings" },
    { "FILE_GROUP_SETTINGS", "fileGroupSettings" },
    { "DASH_ISO_GROUP_SETTINGS", "dashIsoGroupSettings" },
    { "CMAF_GROUP_SETTINGS", "cmafGroupSettings" },
    { "MS_SMOOTH_GROUP_SETTINGS", "msSmoothGroupSettings" },
};

char *vp_convert_output_prefix(const struct vp_upload *up)
{
    return vp_xasprintf("videos/%s/%s/", up->user_id, up->video_id);
}

/* Sets the destination of one output group (a copy); 0 done, -1 a group of a type we cannot address. */
static int set_destination(json_t *group, const char *destination)
{
    json_t *ogs = json_object_get(group, "outputGroupSettings");
    const char *type = json_string_value(json_object_get(ogs, "type"));

    if (!json_is_object(ogs) || !type)
        return -1;
    for (size_t i = 0; i < sizeof(group_settings) / sizeof(group_settings[0]); i++) {
        json_t *settings;

        if (strcmp(type, group_settings[i].type) != 0)
            continue;
        settings = json_object_get(ogs, group_settings[i].settings);
        if (!json_is_object(settings)) {
            settings = json_object();
            json_object_set_new(ogs, group_settings[i].settings, settings);
        }
        json_object_set_new(settings, "destination", json_string(destination));
        return 0;
    }
    return -1;
}

/* The settings: the template's (copied), the input's file set, every group's destination set. */
static json_t *job_settings(const struct vp_convert_job *job, const struct vp_upload *up,
                            const json_t *template_settings, struct vp_err *err)
{
    json_t *settings = json_is_object(template_settings) ? json_deep_copy(template_settings) : json_object();
    json_t *inputs = json_object_get(settings, "inputs"), *input, *groups, *group;
    char *prefix = vp_convert_output_prefix(up);
    char *destination = vp_xasprintf("s3://%s/%s", job->output_bucket, prefix);
    char *file = vp_xasprintf("s3://%s/%s", up->bucket, up->key);
    size_t i;

    input = json_is_array(inputs) && json_is_object(json_array_get(inputs, 0)) ? json_incref(json_array_get(inputs, 0))
                                                                                  : json_object();
    json_object_set_new(input, "fileInput", json_string(file));
    json_object_set_new(settings, "inputs", json_pack("[o]", input));
    groups = json_object_get(settings, "outputGroups");
    if (!json_is_array(groups) || json_array_size(groups) == 0) {
        vp_fail(err, VP_E_USAGE, "job template '%s' has no output groups", job->job_template);
        json_decref(settings);
        settings = NULL;
    }
    json_array_foreach(groups, i, group) {
        if (settings && set_destination(group, destination) < 0) {
            vp_fail(err, VP_E_USAGE, "job template '%s': output group %zu has no type whose destination can be set",
                    job->job_template, i + 1);
            json_decref(settings);
            settings = NULL;
        }
    }
    free(prefix);
    free(destination);
    free(file);
    return settings;
}

json_t *vp_convert_job_request(const struct vp_convert_job *job, const struct vp_upload *up,
                               const json_t *template_settings, struct vp_err *err)
{
    char token[VP_CONVERT_TOKEN_LEN + 1];
    json_t *settings = job_settings(job, up, template_settings, err), *metadata;

    if (!settings)
        return NULL;
    vp_convert_token(up->bucket, up->key, up->version, token);
    metadata = json_pack("{s:s, s:s}", "video_id", up->video_id, "user_id", up->user_id);
    if (job->stack)
        json_object_set_new(metadata, "stack", json_string(job->stack));
    return json_pack("{s:s, s:s, s:o, s:o, s:s}", "jobTemplate", job->job_template, "role", job->role_arn,
                     "settings", settings, "userMetadata", metadata, "clientRequestToken", token);
}
