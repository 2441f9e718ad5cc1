/* convert.c: S3 ObjectCreated -> a MediaConvert job and a PROCESSING item in the videos table.
 *
 * Each record of the batch is handled on its own: an upload under VIDPIPE_UPLOAD_PREFIX
 * (<prefix><user>/<video>/<file>) starts one job from VIDPIPE_JOB_TEMPLATE writing to
 * s3://VIDPIPE_OUTPUT_BUCKET/videos/<user>/<video>/, then the item is written. Redelivery is safe twice over:
 * an item already recording this upload's job skips the record, and the job's ClientRequestToken (from bucket,
 * key and version) makes MediaConvert answer a repeated CreateJob with the first job. Records that are not
 * ours or are malformed are logged and skipped (a retry cannot fix them); if any record failed for another
 * reason the invocation fails after every record was tried, naming the failed keys, so Lambda retries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/endpoint.h"
#include "base/xalloc.h"
#include "handlers/config.h"
#include "handlers/convert.h"
#include "handlers/handler.h"

struct convert_config {
    char *prefix;                       /* "" or ends with '/' */
    char *table;
    struct vp_convert_job job;          /* strings owned */
};

/* One invocation's progress. */
struct convert_run {
    const struct convert_config *c;
    struct vp_lambda_ctx *ctx;
    json_t *template_settings;          /* fetched once an invocation, when the first upload needs it */
    json_t *started, *skipped, *failed; /* the response's lists */
};

static void convert_release(void *config)
{
    struct convert_config *c = config;

    if (!c)
        return;
    free(c->prefix);
    free(c->table);
    free((char *)c->job.job_template);
    free((char *)c->job.role_arn);
    free((char *)c->job.output_bucket);
    free((char *)c->job.stack);
    free(c);
}

/* ---- init ---- */

/* An account endpoint (VIDPIPE_MEDIACONVERT_ENDPOINT) is used unless AWS_ENDPOINT_URL_MEDIACONVERT is set:
 * the core resolves endpoints from the environment, so init hands it over there, once, before any call. */
static int mediaconvert_endpoint(struct vp_err *err)
{
    const char *v = vp_env_or("VIDPIPE_MEDIACONVERT_ENDPOINT", NULL);

    if (!v || vp_env_or("AWS_ENDPOINT_URL_MEDIACONVERT", NULL))
        return 0;
    if (vp_endpoint_check(v, "VIDPIPE_MEDIACONVERT_ENDPOINT", err) < 0)
        return -1;
    if (setenv("AWS_ENDPOINT_URL_MEDIACONVERT", v, 1) != 0)
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_MEDIACONVERT_ENDPOINT could not be applied");
    return 0;
}

static int read_prefix(struct convert_config *c, struct vp_err *err)
{
    const char *v = getenv("VIDPIPE_UPLOAD_PREFIX");
    size_t n;

    if (!v)
        v = "uploads/";
    n = strlen(v);
    if (n > 256 || (n && v[n - 1] != '/') || v[0] == '/')
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_UPLOAD_PREFIX '%s' must be empty or like 'uploads/'", v);
    c->prefix = vp_xstrdup(v);
    return 0;
}

static int convert_init(void **config, struct vp_err *err)
{
    struct convert_config *c = vp_xcalloc(1, sizeof(*c));
    const char *template, *role, *bucket, *table;

    *config = NULL;
    if (read_prefix(c, err) < 0 || vp_env_required("VIDPIPE_JOB_TEMPLATE", &template, err) < 0 ||
        vp_env_required("VIDPIPE_MEDIACONVERT_ROLE_ARN", &role, err) < 0 ||
        vp_env_required("VIDPIPE_OUTPUT_BUCKET", &bucket, err) < 0 ||
        vp_env_required("VIDPIPE_VIDEOS_TABLE", &table, err) < 0 || mediaconvert_endpoint(err) < 0) {
        convert_release(c);
        return -1;
    }
    if (strncmp(role, "arn:", 4) != 0) {
        convert_release(c);
        return vp_fail(err, VP_E_USAGE, "VIDPIPE_MEDIACONVERT_ROLE_ARN '%s' is not an ARN", role);
    }
    c->job.job_template = vp_xstrdup(template);
    c->job.role_arn = vp_xstrdup(role);
    c->job.output_bucket = vp_xstrdup(bucket);
    c->job.stack = vp_env_or("VIDPIPE_STACK", NULL) ? vp_xstrdup(vp_env_or("VIDPIPE_STACK", NULL)) : NULL;
    c->table = vp_xstrdup(table);
    *config = c;
    return 0;
}

/* ---- one upload ---- */

static void rfc3339_now(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int start_job(struct convert_run *run, const struct vp_upload *up, char **job_id, struct vp_err *err)
{
    json_t *body;
    int ret;

    if (!run->template_settings &&
        vp_convert_template_settings(run->ctx->aws, run->c->job.job_template, &run->template_settings, err) < 0)
        return vp_err_prefix(err, "reading job template '%s'", run->c->job.job_template);
    body = vp_convert_job_request(&run->c->job, up, run->template_settings, err);
    if (!body)
        return -1;
    ret = vp_convert_create_job(run->ctx->aws, body, job_id, err);
    json_decref(body);
    return ret < 0 ? vp_err_prefix(err, "starting the job") : 0;
}

/* 0 done (the job started now or before), -1 failed (err filled). */
static int convert_upload(struct convert_run *run, const struct vp_upload *up, struct vp_err *err)
{
    json_t *fields = json_pack("{s:s, s:s, s:s, s:s}", "bucket", up->bucket, "key", up->key, "user_id", up->user_id,
                               "video_id", up->video_id);
    char created_at[32], *job_id = NULL;
    int found = vp_convert_recorded_job(run->ctx->aws, run->c->table, up, &job_id, err), written = 0;

    if (found < 0) {
        vp_err_prefix(err, "reading the video's item");
        goto fail;
    }
    if (found == 0) {
        if (start_job(run, up, &job_id, err) < 0)
            goto fail;
        rfc3339_now(created_at);
        written = vp_convert_put_item(run->ctx->aws, run->c->table, up, job_id, created_at, err);
        if (written < 0) {
            vp_err_prefix(err, "recording the video (job %s)", job_id);
            goto fail;
        }
    }
    json_object_set_new(fields, "job_id", json_string(job_id));
    if (found)
        vp_lambda_log(run->ctx, "INFO", fields, "this upload's job was started before; nothing to do");
    else if (written)
        vp_lambda_log(run->ctx, "INFO", fields, "started a job");
    else
        vp_lambda_log(run->ctx, "WARN", fields, "started a job, but the video's item records another job");
    json_array_append_new(run->started, json_pack("{s:s, s:s, s:s}", "key", up->key, "video_id", up->video_id,
                                                  "job_id", job_id));
    json_decref(fields);
    free(job_id);
    return 0;
fail:
    json_decref(fields);
    free(job_id);
    return -1;
}

/* ---- one record ---- */

/* The record's key as sent, for log lines: long or missing keys are not repeated. */
static const char *raw_key_of(const json_t *record)
{
    const char *k = json_string_value(json_object_get(json_object_get(json_object_get(record, "s3"), "object"), "key"));

    if (!k)
        return "(no key)";
    return strlen(k) > 3 * VP_CONVERT_KEY_MAX ? "(a key too long to log)" : k;
}

static void convert_record(struct convert_run *run, const json_t *record, size_t index)
{
    struct vp_upload up;
    struct vp_err err = { 0 };
    const char *why;
    json_t *fields = json_pack("{s:I, s:s}", "record", (json_int_t)index, "key", raw_key_of(record));
    int taken = vp_convert_parse_record(record, run->c->prefix, &up, &why, &err);

    if (taken == 0) {
        vp_lambda_log(run->ctx, "INFO", fields, "skipped: %s", why);
        json_object_set_new(fields, "reason", json_string(why));
        json_array_append(run->skipped, fields);
    } else if (taken < 0) {
        vp_lambda_log(run->ctx, "ERROR", fields, "skipped a malformed record: %s", err.msg);
        json_object_set_new(fields, "reason", json_string(err.msg));
        json_array_append(run->skipped, fields);
    } else if (convert_upload(run, &up, &err) < 0) {
        json_object_set_new(fields, "key", json_string(up.key));
        vp_lambda_log(run->ctx, "ERROR", fields, "failed: %s", err.msg);
        json_object_set_new(fields, "error", json_string(err.msg));
        json_array_append(run->failed, fields);
    }
    json_decref(fields);
    vp_upload_release(&up);
}

/* ---- the event ---- */

static int failure(const json_t *failed, size_t total, struct vp_err *err)
{
    char keys[400] = "";
    size_t i, used = 0;
    const json_t *f;

    json_array_foreach(failed, i, f) {
        int n = snprintf(keys + used, sizeof(keys) - used, "%s'%s'", i ? ", " : "",
                         json_string_value(json_object_get(f, "key")));
        if (n < 0 || (size_t)n >= sizeof(keys) - used)
            break;
        used += (size_t)n;
    }
    return vp_fail(err, VP_E_AWS, "%zu of %zu records failed (retrying is safe): %s", json_array_size(failed), total,
                   keys);
}

static int convert_handle(void *config, struct vp_lambda_ctx *ctx, const json_t *event, json_t **response,
                          struct vp_err *err)
{
    const json_t *records = json_object_get(event, "Records"), *record;
    struct convert_run run = { config, ctx, NULL, json_array(), json_array(), json_array() };
    size_t i;
    int ret = 0;

    *response = NULL;
    if (!json_is_array(records))
        ret = vp_fail(err, VP_E_PARSE, "the event is not an S3 notification: no Records array");
    else if (json_array_size(records) > VP_CONVERT_MAX_RECORDS)
        ret = vp_fail(err, VP_E_PARSE, "the event holds %zu records; S3 sends one, at most %d are taken",
                      json_array_size(records), VP_CONVERT_MAX_RECORDS);
    if (ret < 0) {
        vp_lambda_log(ctx, "ERROR", NULL, "%s", err->msg);
    } else {
        json_array_foreach(records, i, record)
            convert_record(&run, record, i);
        if (json_array_size(run.failed) > 0)
            ret = failure(run.failed, json_array_size(records), err);
        else
            *response = json_pack("{s:O, s:O}", "started", run.started, "skipped", run.skipped);
    }
    json_decref(run.template_settings);
    json_decref(run.started);
    json_decref(run.skipped);
    json_decref(run.failed);
    return ret;
}

const struct vp_handler vp_handler_convert = {
    .name = "convert",
    .init = convert_init,
    .handle = convert_handle,
    .release = convert_release,
};
