/* watch.c: drives src/local/s3_watch.c for tests/scenarios/6700-s3-watch.sh. It starts a watch on a bucket
 * (the client from the environment, as every command's), prints "baseline N" (the keys it found), then for
 * each "poll" line on stdin polls once and prints every change as the S3 notification record `vidpipe
 * serve` would deliver (one compact JSON line, vp_s3_event_record), then "polled N".
 *
 *   drive-s3-watch BUCKET [PREFIX]
 *
 * Exit status: 0 at the end of stdin, 2 usage or the first listing failed (the error on stderr). A failed
 * poll prints "error: ..." in place of "polled N" and goes on. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "local/s3_watch.h"

static void print_record(void *ctx, const struct vp_s3_object_event *e)
{
    size_t *n = ctx;
    json_t *record = vp_s3_event_record(e, 0);

    json_dumpf(record, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(record);
    (*n)++;
}

int main(int argc, char **argv)
{
    struct vp_s3_watch *w;
    struct vp_err err = { 0 };
    char line[64];

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: drive-s3-watch BUCKET [PREFIX]\n");
        return 2;
    }
    vp_log_init_from_env();         /* VIDPIPE_LOG=debug shows each listing's requests */
    if (vp_s3_watch_new(argv[1], NULL, argc > 2 ? argv[2] : NULL, &w, &err) < 0) {
        fprintf(stderr, "drive-s3-watch: %s\n", err.msg);
        return 2;
    }
    printf("baseline %zu\n", vp_s3_watch_count(w));
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin)) {
        size_t n = 0;

        if (strncmp(line, "poll", 4) != 0)
            continue;
        if (vp_s3_watch_poll(w, print_record, &n, &err) < 0)
            printf("error: %s\n", err.msg);
        else
            printf("polled %zu\n", n);
        fflush(stdout);
    }
    vp_s3_watch_free(w);
    return 0;
}
