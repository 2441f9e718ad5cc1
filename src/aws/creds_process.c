/* creds_process.c: credential_process: run a command and read credentials from its standard output, in
 * the JSON the SDKs define ({"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken",
 * "Expiration"}).
 *
 * DESIGN: as in botocore the command line is split into words as a POSIX shell would split them (quotes
 * and backslashes) and run directly, never through a shell, so nothing in it is expanded. posix_spawnp
 * runs it with stdout and stderr on pipes; poll() reads both (a chatty stderr cannot block the child)
 * up to a size ceiling and a deadline. Nothing the command prints to stdout is ever repeated in an error:
 * it may be a secret. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds_sources.h"
#include "base/buf.h"
#include "base/xalloc.h"

extern char **environ;

#define STDOUT_MAX (1u << 20)
#define STDERR_KEEP 512
#define DEADLINE_MS (10 * 60 * 1000)    /* a process may prompt for MFA; it may not hang vidpipe forever */

struct words {
    char **v;
    size_t n;
};

static void words_free(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
}

/* Python's shlex.split in POSIX mode, which botocore's compat_shell_split uses on Linux and macOS. */
static int split_words(const char *s, struct words *out)
{
    struct vp_buf w = VP_BUF_INIT(0);
    bool in_word = false;

    out->v = NULL;
    out->n = 0;
    for (;;) {
        char c = *s;
        if (c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) {
                out->v = vp_xrealloc(out->v, (out->n + 2) * sizeof(*out->v));
                out->v[out->n++] = vp_buf_detach(&w, NULL);
                out->v[out->n] = NULL;
                in_word = false;
            }
            if (c == '\0')
                break;
            s++;
        } else if (c == '\'') {
            const char *close = strchr(s + 1, '\'');
            if (!close)
                goto unbalanced;
            vp_buf_put(&w, s + 1, (size_t)(close - s - 1));
            in_word = true;
            s = close + 1;
        } else if (c == '"') {
            for (s++; *s != '"'; s++) {
                if (!*s)
                    goto unbalanced;
                if (*s == '\\' && s[1] && strchr("\\\"$`\n", s[1]))
                    s++;
                vp_buf_putc(&w, *s);
            }
            in_word = true;
            s++;
        } else if (c == '\\') {
            if (!s[1])
                goto unbalanced;
            if (s[1] != '\n') {
                vp_buf_putc(&w, s[1]);
                in_word = true;
            }
            s += 2;
        } else {
            vp_buf_putc(&w, c);
            in_word = true;
            s++;
        }
    }
    vp_buf_release(&w);
    return out->n ? 0 : -1;
unbalanced:
    vp_buf_release(&w);
    words_free(out);
    out->v = NULL;
    out->n = 0;
    return -1;
}

static long ms_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Reads the child's stdout (bounded) and the start of its stderr until both close or the deadline passes. */
static int drain(int out_fd, int err_fd, struct vp_buf *out, struct vp_buf *errtext, bool *too_big, bool *timed_out)
{
    struct pollfd p[2] = { { .fd = out_fd, .events = POLLIN }, { .fd = err_fd, .events = POLLIN } };
    struct timespec start;
    char chunk[4096];

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        long left = DEADLINE_MS - ms_since(&start);
        int n;
        if (left <= 0) {
            *timed_out = true;
            return -1;
        }
        n = poll(p, 2, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        for (int i = 0; i < 2; i++) {
            ssize_t got;
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            got = read(p[i].fd, chunk, sizeof(chunk));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                p[i].fd = -1;
                continue;
            }
            if (i == 0 && out->len + (size_t)got > STDOUT_MAX)
                *too_big = true;
            else if (i == 0)
                vp_buf_put(out, chunk, (size_t)got);
            else if (errtext->len < STDERR_KEEP)
                vp_buf_put(errtext, chunk, (size_t)got);
        }
    }
    OPENSSL_cleanse(chunk, sizeof(chunk));
    return 0;
}

/* The first line of what the command wrote to stderr, printable and short, for the error message. */
static void first_line(const struct vp_buf *b, char *out, size_t len)
{
    size_t j = 0;
    const char *s = b->data;

    while (*s == '\n' || *s == '\r' || *s == ' ')
        s++;
    for (; *s && *s != '\n' && *s != '\r' && j + 1 < len; s++)
        out[j++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    out[j] = '\0';
}

static int run(const char *command, const char *profile, struct vp_buf *out, struct vp_err *err)
{
    struct words w;
    int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, status = 0, rc;
    posix_spawn_file_actions_t fa;
    struct vp_buf errtext = VP_BUF_INIT(0);
    bool too_big = false, timed_out = false;
    char line[200];
    pid_t pid;
    int ret = -1;

    if (split_words(command, &w) < 0)
        return vp_fail(err, VP_E_AWS_CONFIG, "credential_process of profile '%s' is empty or has an unclosed quote",
                       profile);
    if (pipe(out_pipe) < 0 || pipe(err_pipe) < 0) {
        vp_fail(err, VP_E_IO, "credential_process of profile '%s': pipe: %s", profile, strerror(errno));
        goto done;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(out_pipe[i], F_SETFD, FD_CLOEXEC);
        fcntl(err_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
    rc = posix_spawnp(&pid, w.v[0], &fa, NULL, w.v, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;
    if (rc != 0) {
        vp_fail(err, VP_E_AWS_CONFIG, "credential_process of profile '%s': cannot run '%.100s': %s", profile, w.v[0],
                strerror(rc));
        goto done;
    }
    drain(out_pipe[0], err_pipe[0], out, &errtext, &too_big, &timed_out);
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    first_line(&errtext, line, sizeof(line));
    if (timed_out)
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "credential_process of profile '%s' did not finish in %d minutes",
                profile, DEADLINE_MS / 60000);
    else if (WIFSIGNALED(status))
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "credential_process of profile '%s' was killed by signal %d", profile,
                WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "credential_process of profile '%s' exited with status %d%s%s", profile,
                WEXITSTATUS(status), line[0] ? ": " : "", line);
    else if (too_big)
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "credential_process of profile '%s' printed more than %u bytes",
                profile, STDOUT_MAX);
    else
        ret = 0;
done:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
    }
    vp_buf_release(&errtext);
    words_free(&w);
    return ret;
}

int vp_creds_process_run(const char *command, const char *profile, time_t now, struct vp_creds *out,
                         struct vp_err *err)
{
    struct vp_buf text = VP_BUF_INIT(0);
    json_error_t jerr;
    json_t *doc = NULL, *version;
    char what[160];
    int ret = -1;

    snprintf(what, sizeof(what), "credential_process of profile '%s'", profile);
    if (run(command, profile, &text, err) < 0)
        goto done;
    doc = json_loadb(text.data, text.len, 0, &jerr);
    /* jansson's error text quotes the offending input, which may be a secret: report the position only. */
    if (!doc) {
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "%s printed malformed JSON (line %d, column %d)", what, jerr.line,
                jerr.column);
        goto done;
    }
    if (!json_is_object(doc)) {
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "%s printed JSON that is not an object", what);
        goto done;
    }
    version = json_object_get(doc, "Version");
    if (!json_is_integer(version) || json_integer_value(version) != 1) {
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "%s printed %s; the only supported Version is 1", what,
                version ? "an unsupported Version" : "no Version");
        goto done;
    }
    if (vp_creds_from_json(doc, "SessionToken", false, what, "credential-process", out, err) < 0) {
        err->code = VP_E_AWS_NO_CREDENTIALS;
        goto done;
    }
    if (out->expires_at && out->expires_at <= now) {
        vp_creds_release(out);
        vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "%s returned credentials that have already expired", what);
        goto done;
    }
    ret = 0;
done:
    json_decref(doc);
    vp_creds_wipe_buf(&text);
    vp_buf_release(&text);
    return ret;
}
