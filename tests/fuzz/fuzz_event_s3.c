/* fuzz_event_s3.c: an event body -> the runtime's event check, then what the convert handler does with an
 * S3 ObjectCreated notification before any call: each of (at most VP_CONVERT_MAX_RECORDS) Records parsed
 * (source, kind, bucket, key decoded and split into user/video/file, version), and for an upload the job's
 * idempotency token, output prefix and CreateJob body from a fixed template. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "handlers/convert.h"
#include "handlers/runtime_internal.h"

static const char template_text[] =
    "{\"inputs\": [{\"timecodeSource\": \"ZEROBASED\"}], \"outputGroups\": ["
    "{\"outputGroupSettings\": {\"type\": \"HLS_GROUP_SETTINGS\", \"hlsGroupSettings\": {\"segmentLength\": 6}},"
    " \"outputs\": [{\"nameModifier\": \"_720\"}]},"
    "{\"outputGroupSettings\": {\"type\": \"FILE_GROUP_SETTINGS\"}}]}";

static void take_upload(const struct vp_upload *up, const json_t *template_settings)
{
    struct vp_convert_job job = { "vp-hls", "arn:aws:iam::123456789012:role/mc", "vp-media", "fuzz" };
    char token[VP_CONVERT_TOKEN_LEN + 1];
    struct vp_err err = { 0 };

    vp_convert_token(up->bucket, up->key, up->version, token);
    if (strlen(token) != VP_CONVERT_TOKEN_LEN)
        abort();
    free(vp_convert_output_prefix(up));
    json_decref(vp_convert_job_request(&job, up, template_settings, &err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *event = NULL, *record;
    json_t *template_settings = json_loads(template_text, 0, NULL);
    const json_t *records;
    struct vp_err err = { 0 };
    size_t i;

    if (vp_runtime_parse_event((const char *)data, size, false, &event, &err) == 0) {
        records = json_object_get(event, "Records");
        if (json_is_array(records) && json_array_size(records) <= VP_CONVERT_MAX_RECORDS) {
            json_array_foreach(records, i, record) {
                struct vp_upload up = { 0 };
                const char *why = NULL;
                if (vp_convert_parse_record(record, "uploads/", &up, &why, &err) == 1)
                    take_upload(&up, template_settings);
                vp_upload_release(&up);
            }
        }
    }
    json_decref(event);
    json_decref(template_settings);
    return 0;
}
