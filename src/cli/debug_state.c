/* debug_state.c: `vidpipe debug state read|lock|bump BACKEND`: a state backend driven directly, so its
 * guarantees (atomic writes, exclusive locks, no lost update between concurrent writers) can be shown from a
 * shell without a whole apply. BACKEND is a local path or s3://BUCKET/KEY. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "cli/cli.h"
#include "engine/state.h"

static const char usage[] =
    "usage: vidpipe debug state read BACKEND\n"
    "       vidpipe debug state lock BACKEND [--timeout-ms N] [--hold-ms N]\n"
    "       vidpipe debug state bump BACKEND --writer NAME --count N\n\n"
    "BACKEND is a local path or s3://BUCKET/KEY.\n"
    "  read   prints the state (null when there is none)\n"
    "  lock   takes the lock, prints its id, holds it --hold-ms, releases it\n"
    "  bump   N times: reads the state, adds one to outputs.NAME, writes it back; a write refused because\n"
    "         another writer moved the state is retried from a fresh read (prints writes and retries)\n";

static struct vp_backend *open_backend(struct vp_cli *cli, const char *where, struct vp_err *err)
{
    struct vp_backend *b;
    struct vp_aws *aws;
    char *bucket, *slash;

    if (strncmp(where, "s3://", 5) != 0)
        return vp_backend_local_new(where);
    if (!(slash = strchr(where + 5, '/')) || !slash[1]) {
        vp_fail(err, VP_E_USAGE, "'%s': expected s3://BUCKET/KEY", where);
        return NULL;
    }
    if (!(aws = vp_cli_aws(cli, err)))
        return NULL;
    bucket = strndup(where + 5, (size_t)(slash - where - 5));
    b = vp_backend_s3_new(aws, bucket, slash + 1, NULL);
    free(bucket);
    return b;
}

static int do_read(struct vp_backend *b, struct vp_err *err)
{
    json_t *state;

    if (b->read(b, &state, err) < 0)
        return -1;
    if (state) {
        char *text = json_dumps(state, JSON_INDENT(2));
        puts(text);
        free(text);
        json_decref(state);
    } else {
        puts("null");
    }
    return 0;
}

static int do_lock(struct vp_backend *b, long timeout_ms, long hold_ms, struct vp_err *err)
{
    struct vp_lock_info info;

    vp_lock_info_init(&info, "debug");
    if (b->lock(b, &info, timeout_ms, err) < 0)
        return -1;
    printf("%s\n", info.id);
    fflush(stdout);
    if (hold_ms > 0)
        usleep((useconds_t)hold_ms * 1000);
    return b->unlock(b, err);
}

/* One read-modify-write; 1 when another writer moved the state in between (so: read again). */
static int bump_once(struct vp_backend *b, const char *writer, struct vp_err *err)
{
    json_t *state, *outputs;
    int rc;

    if (b->read(b, &state, err) < 0)
        return -1;
    if (!state)
        state = vp_state_new("debug");
    outputs = json_object_get(state, "outputs");
    json_object_set_new(outputs, writer, json_integer(json_integer_value(json_object_get(outputs, writer)) + 1));
    rc = b->write(b, state, err);
    json_decref(state);
    if (rc < 0 && err->code == VP_E_STATE && strstr(err->msg, "changed by another run")) {
        vp_err_clear(err);
        return 1;
    }
    return rc;
}

static int do_bump(struct vp_backend *b, const char *writer, long count, struct vp_err *err)
{
    long retries = 0;

    for (long i = 0; i < count; i++) {
        int rc = bump_once(b, writer, err);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            retries++;
            i--;
            usleep((useconds_t)(rand() % 20) * 1000);
        }
    }
    printf("writes: %ld retries: %ld\n", count, retries);
    return 0;
}

int cmd_debug_state(int argc, char **argv, struct vp_cli *cli)
{
    struct vp_err err = { 0 };
    struct vp_backend *b;
    const char *writer = NULL;
    long timeout_ms = 0, hold_ms = 0, count = 0;
    int rc;

    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc < 3)
        return vp_cli_usage_error("debug state", "expected read|lock|bump BACKEND");
    for (int i = 3; i < argc; i++) {
        if (i + 1 >= argc)
            return vp_cli_usage_error("debug state", "'%s' takes a value", argv[i]);
        if (strcmp(argv[i], "--timeout-ms") == 0)
            timeout_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--hold-ms") == 0)
            hold_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--writer") == 0)
            writer = argv[++i];
        else if (strcmp(argv[i], "--count") == 0)
            count = atol(argv[++i]);
        else
            return vp_cli_usage_error("debug state", "unknown option '%s'", argv[i]);
    }
    if (strcmp(argv[1], "bump") == 0 && (!writer || count <= 0))
        return vp_cli_usage_error("debug state", "bump needs --writer NAME and --count N");
    if (!(b = open_backend(cli, argv[2], &err))) {
        vp_cli_print_err(cli, &err);
        return 1;
    }
    srand((unsigned)getpid());
    if (strcmp(argv[1], "read") == 0)
        rc = do_read(b, &err);
    else if (strcmp(argv[1], "lock") == 0)
        rc = do_lock(b, timeout_ms, hold_ms, &err);
    else if (strcmp(argv[1], "bump") == 0)
        rc = do_bump(b, writer, count, &err);
    else
        rc = vp_fail(&err, VP_E_USAGE, "'%s' is not read, lock or bump", argv[1]);
    if (rc < 0)
        vp_cli_print_err(cli, &err);
    b->free(b);
    return rc < 0 ? 1 : 0;
}
