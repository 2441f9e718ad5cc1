/* drive.c: runs a handler's init once and its handle on each event file, without the Runtime API, the
 * way the Lambda runtime would (the AWS client from the environment, a 30 s deadline). For the handler
 * scenarios (6100-presign.sh, 6200-convert.sh, 6300-package.sh, 6400-videos.sh): each response is one JSON
 * line on stdout; the handler's log lines go to stderr.
 *
 *   drive-handler presign|videos|convert|package EVENT.json...      ('-' reads an event from stdin)
 *
 * Exit status: 0 every event handled, 1 a handle() failed, 2 usage, init or client error. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "handlers/handler.h"

/* NUL bytes are let through (the runtime refuses them) so that the handlers' own checks are what is tested. */
#define LOAD_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)

static const struct vp_handler *find_handler(const char *name)
{
    const struct vp_handler *handlers[] = { &vp_handler_presign, &vp_handler_videos, &vp_handler_convert,
                                            &vp_handler_package };

    for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
        if (strcmp(handlers[i]->name, name) == 0)
            return handlers[i];
    return NULL;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One event: 0 handled (the response printed), -1 not. */
static int drive_one(const struct vp_handler *h, void *config, struct vp_aws *aws, const char *file, int n, FILE *out)
{
    char request_id[32];
    struct vp_lambda_ctx ctx = { .request_id = request_id, .function_arn = "arn:aws:lambda:local:0:function:drive",
                                 .deadline_ms = now_ms() + 30000, .aws = aws, .handler = h->name };
    struct vp_err err = { 0 };
    json_error_t jerr;
    json_t *event = strcmp(file, "-") == 0 ? json_loadf(stdin, LOAD_FLAGS, &jerr)
                                           : json_load_file(file, LOAD_FLAGS, &jerr);
    json_t *response = NULL;
    int rc;

    snprintf(request_id, sizeof(request_id), "drive-%d", n);
    if (!event) {
        fprintf(stderr, "drive-handler: %s: %s\n", file, jerr.text);
        return -1;
    }
    rc = h->handle(config, &ctx, event, &response, &err);
    if (rc == 0) {
        json_dumpf(response, out, JSON_COMPACT);
        fputc('\n', out);
        fflush(out);
    } else {
        fprintf(stderr, "drive-handler: %s: handler failed: %s\n", file, err.msg);
    }
    json_decref(response);
    json_decref(event);
    return rc;
}

int main(int argc, char **argv)
{
    const struct vp_handler *h = argc >= 3 ? find_handler(argv[1]) : NULL;
    struct vp_err err = { 0 };
    struct vp_aws *aws;
    void *config = NULL;
    FILE *out;
    int status = 0, fd;

    if (!h) {
        fprintf(stderr, "usage: drive-handler presign|videos|convert|package EVENT.json...\n");
        return 2;
    }
    /* Responses keep the real stdout; the handler's log lines (stdout in Lambda) go to stderr. */
    fd = dup(STDOUT_FILENO);
    out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        perror("drive-handler");
        return 2;
    }
    vp_log_init_from_env();
    if (!(aws = vp_aws_new(NULL, &err))) {
        fprintf(stderr, "drive-handler: %s\n", err.msg);
        return 2;
    }
    if (h->init && h->init(&config, &err) < 0) {
        fprintf(stderr, "drive-handler: init: %s\n", err.msg);
        vp_aws_free(aws);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (drive_one(h, config, aws, argv[i], i - 1, out) < 0)
            status = 1;
    if (h->release)
        h->release(config);
    vp_aws_free(aws);
    fclose(out);
    return status;
}
