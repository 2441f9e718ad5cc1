/* stack.c: options and stack opening shared by plan, apply, destroy, drift, show, state, import, output
 * and force-unlock. */
#include "cli/stack.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "base/xalloc.h"
#include "cli/render.h"

volatile sig_atomic_t vp_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    if (vp_interrupted)
        _exit(130);                 /* the second Ctrl-C: stop now */
    vp_interrupted = 1;
    static const char msg[] = "\nvidpipe: interrupt received: finishing the operations in flight, then stopping "
                              "(press Ctrl-C again to stop at once)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)ignored;
}

void vp_install_interrupt_handler(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

bool vp_use_color(FILE *out)
{
    const char *no = getenv("NO_COLOR");

    return isatty(fileno(out)) && !(no && *no);
}

/* "30s", "5m", "1500ms", "10" (seconds) -> milliseconds; -1 when malformed. */
static long parse_duration_ms(const char *s)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || v < 0)
        return -1;
    if (strcmp(end, "ms") == 0)
        return (long)v;
    if (*end == '\0' || strcmp(end, "s") == 0)
        return (long)(v * 1000);
    if (strcmp(end, "m") == 0)
        return (long)(v * 60000);
    return -1;
}

static int parse(const char *cmd, int argc, char **argv, unsigned allowed, const char *usage, struct vp_cmd_opts *o)
{
    enum {
        O_VAR = 256, O_VAR_FILE, O_STATE, O_JSON, O_OUT, O_DETAILED, O_AUTO, O_PAR, O_TARGET, O_LOCK, O_DESTROY,
        O_FORMAT,
    };
    static const struct option options[] = {
        { "var", required_argument, NULL, O_VAR }, { "var-file", required_argument, NULL, O_VAR_FILE },
        { "state", required_argument, NULL, O_STATE }, { "json", no_argument, NULL, O_JSON },
        { "out", required_argument, NULL, O_OUT }, { "detailed-exitcode", no_argument, NULL, O_DETAILED },
        { "auto-approve", no_argument, NULL, O_AUTO }, { "parallelism", required_argument, NULL, O_PAR },
        { "target", required_argument, NULL, O_TARGET }, { "lock-timeout", required_argument, NULL, O_LOCK },
        { "destroy", no_argument, NULL, O_DESTROY }, { "format", required_argument, NULL, O_FORMAT },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    static const unsigned needs[] = {
        [O_VAR - O_VAR] = OPT_VARS, [O_VAR_FILE - O_VAR] = OPT_VARS, [O_STATE - O_VAR] = OPT_STATE,
        [O_JSON - O_VAR] = OPT_JSON, [O_OUT - O_VAR] = OPT_OUT, [O_DETAILED - O_VAR] = OPT_DETAILED,
        [O_AUTO - O_VAR] = OPT_AUTO_APPROVE, [O_PAR - O_VAR] = OPT_PARALLELISM, [O_TARGET - O_VAR] = OPT_TARGET,
        [O_LOCK - O_VAR] = OPT_LOCK_TIMEOUT, [O_DESTROY - O_VAR] = OPT_DESTROY, [O_FORMAT - O_VAR] = OPT_FORMAT,
    };
    const char *format = NULL;      /* --format's value, checked against --json at the end */
    struct vp_err err = { 0 };
    int c, index;
    char *end;

    memset(o, 0, sizeof(*o));
    vp_spec_opts_init(&o->spec);
    o->parallelism = 10;
    optind = 0;             /* 0, not 1: glibc then starts afresh, so options may follow the SPEC */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, &index)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 2;
        }
        if (c == '?' || c == ':' || c < O_VAR || !(allowed & needs[c - O_VAR])) {
            const char *bad = argv[optind - 1];
            if (c == '?' && optopt >= O_VAR)
                return vp_cli_usage_error(cmd, "option '%s' needs a value", bad);
            return vp_cli_usage_error(cmd, "unknown option '%s'", bad);
        }
        switch (c) {
        case O_VAR:
            if (vp_spec_opts_add_var(&o->spec, optarg, &err) < 0)
                return vp_cli_usage_error(cmd, "%s", err.msg);
            break;
        case O_VAR_FILE: vp_spec_opts_add_var_file(&o->spec, optarg); break;
        case O_STATE: o->state_path = optarg; break;
        case O_JSON: o->json = true; break;
        case O_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "markdown"))
                return vp_cli_usage_error(cmd, "--format takes text, json or markdown, not '%s'", optarg);
            format = optarg;
            break;
        case O_OUT: o->out = optarg; break;
        case O_DETAILED: o->detailed = true; break;
        case O_AUTO: o->auto_approve = true; break;
        case O_DESTROY: o->destroy = true; break;
        case O_PAR:
            o->parallelism = (int)strtol(optarg, &end, 10);
            if (*end || o->parallelism < 1 || o->parallelism > 256)
                return vp_cli_usage_error(cmd, "--parallelism takes a number from 1 to 256, not '%s'", optarg);
            break;
        case O_TARGET:
            o->targets = vp_xrealloc(o->targets, (o->n_targets + 1) * sizeof(*o->targets));
            o->targets[o->n_targets++] = optarg;
            break;
        case O_LOCK:
            if ((o->lock_timeout_ms = parse_duration_ms(optarg)) < 0)
                return vp_cli_usage_error(cmd, "--lock-timeout takes a duration such as 30s or 5m, not '%s'", optarg);
            break;
        }
    }
    if (format && o->json && strcmp(format, "json"))
        return vp_cli_usage_error(cmd, "--json and --format %s disagree", format);
    if (format && strcmp(format, "json") == 0)
        o->json = true;
    o->format = o->json ? VP_FORMAT_JSON : format && strcmp(format, "markdown") == 0 ? VP_FORMAT_MARKDOWN
                                                                                    : VP_FORMAT_TEXT;
    o->args = argv + optind;
    o->n_args = argc - optind;
    return 0;
}

int vp_cmd_opts_parse(const char *cmd, int argc, char **argv, unsigned allowed, const char *usage,
                      struct vp_cmd_opts *o)
{
    int rc = parse(cmd, argc, argv, allowed, usage, o);

    if (rc == 0)
        return -1;
    vp_cmd_opts_release(o);
    return rc == 2 ? 0 : 1;
}

void vp_cmd_opts_release(struct vp_cmd_opts *o)
{
    vp_spec_opts_release(&o->spec);
    free(o->targets);
}

const char *vp_default_spec_path(const char *arg)
{
    if (arg)
        return arg;
    return access("vidpipe.yaml", R_OK) == 0 ? "vidpipe.yaml" : NULL;
}

void vp_cmd_engine_opts(const struct vp_cmd_opts *o, struct vp_engine_opts *eo)
{
    const char *poll = getenv("VIDPIPE_WAIT_POLL_MS");

    vp_engine_opts_init(eo);
    eo->parallelism = o->parallelism;
    eo->targets = o->targets;
    eo->n_targets = o->n_targets;
    eo->interrupted = &vp_interrupted;
    if (poll)
        eo->wait_poll_ms = strtol(poll, NULL, 10);
}

static struct vp_backend *make_backend(struct vp_cli *cli, const struct vp_cmd_opts *o, const struct vp_spec *spec,
                                       struct vp_err *err)
{
    struct vp_aws *aws;
    char *path;
    struct vp_backend *b;

    if (o->state_path)
        return vp_backend_local_new(o->state_path);
    if (!spec) {
        vp_fail(err, VP_E_USAGE, "no spec: name the spec file (or vidpipe.yaml in this folder), or pass --state PATH");
        return NULL;
    }
    if (spec->backend.kind == VP_BACKEND_S3) {
        if (!(aws = vp_cli_aws(cli, err)))
            return NULL;
        return vp_backend_s3_new(aws, spec->backend.bucket, spec->backend.key,
                                 spec->backend.region ? spec->backend.region : spec->region);
    }
    if (spec->backend.path)
        return vp_backend_local_new(spec->backend.path);
    path = vp_xasprintf("state/%s.json", spec->stack);
    b = vp_backend_local_new(path);
    free(path);
    return b;
}

int vp_stack_open(struct vp_cli *cli, const struct vp_cmd_opts *o, const char *spec_path, const char *lock_operation,
                  struct vp_stack *st)
{
    struct vp_err err = { 0 };
    struct vp_lock_info info;

    memset(st, 0, sizeof(*st));
    if (spec_path && !(st->spec = vp_spec_opts_load(&o->spec, spec_path)))
        return 1;
    if (st->spec && !cli->region)
        cli->region = st->spec->region;    /* the spec's region, unless --region says otherwise */
    if (st->spec)
        vp_render_hide(st->spec->secrets);
    if (!(st->backend = make_backend(cli, o, st->spec, &err)))
        goto fail;
    if (lock_operation) {
        vp_lock_info_init(&info, lock_operation);
        if (st->backend->lock(st->backend, &info, o->lock_timeout_ms, &err) < 0)
            goto fail;
        st->locked = true;
    }
    if (st->backend->read(st->backend, &st->state, &err) < 0)
        goto fail;
    return 0;
fail:
    vp_cli_print_err(cli, &err);
    vp_stack_close(cli, st);
    return 1;
}

void vp_stack_close(struct vp_cli *cli, struct vp_stack *st)
{
    struct vp_err err = { 0 };

    if (st->locked && st->backend->unlock(st->backend, &err) < 0)
        vp_cli_print_err(cli, &err);
    st->locked = false;
    if (st->backend)
        st->backend->free(st->backend);
    json_decref(st->state);
    if (st->spec && cli->region == st->spec->region)
        cli->region = NULL;                /* it pointed into the spec, freed next */
    if (st->spec)
        vp_render_hide(NULL);
    vp_spec_free(st->spec);
    memset(st, 0, sizeof(*st));
}

bool vp_confirm(const char *question)
{
    char line[64];

    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "vidpipe: error: not asking for confirmation without a terminal; pass --auto-approve\n");
        return false;
    }
    fprintf(stderr, "%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question);
    fflush(stderr);
    if (!fgets(line, sizeof(line), stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return strcmp(line, "yes") == 0;
}
