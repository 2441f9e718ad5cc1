/* function_run.c: one invocation of a function artifact in a child process under a local Runtime API host
 * (see function_run.h).
 *
 * DESIGN: one thread, one poll loop. The child's stdout and stderr share one pipe (as Lambda merges them
 * into one log stream); the host signals a ready outcome by writing a byte to a second pipe. Each turn of
 * the loop copies log bytes, takes the outcome if there is one, reaps the child if it exited, and checks the
 * deadline. The child leads a process group of its own, so killing the group also ends whatever a shell
 * bootstrap started (a `sleep`), which would otherwise keep the log pipe open. */
#include "local/function_run.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "local/rapi_host.h"

extern char **environ;

#define LOADER "lib/ld-linux-x86-64.so.2"
#define DRAIN_MS 300                    /* after the end: how long leftover log bytes are still copied */

struct run {
    const struct vp_function_config *fn;
    char *tmp, *task;                   /* $TMPDIR/vidpipe-invoke-XXXXXX and its task/ */
    struct vp_rapi_host *host;
    int wake[2];                        /* the host's outcome signal */
    int out[2];                         /* the child's stdout and stderr */
    pid_t pid;
    bool reaped;
    int wstatus;
    FILE *log;
};

void vp_invoke_result_release(struct vp_invoke_result *r)
{
    if (!r)
        return;
    free(r->payload);
    free(r->error_type);
    free(r->error_message);
    memset(r, 0, sizeof(*r));
}

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_outcome(void *ctx)
{
    struct run *r = ctx;
    ssize_t ignored = write(r->wake[1], "!", 1);   /* non-blocking: a full pipe already says "look" */

    (void)ignored;
}

static void set_error(struct vp_invoke_result *res, enum vp_invoke_status status, const char *type, const char *msg)
{
    json_t *doc = json_pack("{s:s, s:s}", "errorMessage", msg, "errorType", type);

    res->status = status;
    res->payload = json_dumps(doc, JSON_COMPACT);
    res->len = strlen(res->payload);
    res->error_type = vp_xstrdup(type);
    res->error_message = vp_xstrdup(msg);
    json_decref(doc);
}

static bool is_endpoint_var(const char *entry)
{
    return strncmp(entry, "AWS_ENDPOINT_URL=", 17) == 0 || strncmp(entry, "AWS_ENDPOINT_URL_", 17) == 0 ||
           strncmp(entry, "AWS_CA_BUNDLE=", 14) == 0;
}

/* The child's environment, as "NAME=VALUE" strings (NULL-terminated; free with free_strv). */
static char **build_env(const struct run *r)
{
    const struct vp_function_config *fn = r->fn;
    struct vp_kvlist env = VP_KVLIST_INIT;
    char num[32];
    char **strv;

    if (fn->environment)
        for (size_t i = 0; i < fn->environment->n; i++)
            vp_kv_set(&env, fn->environment->items[i].name, fn->environment->items[i].value);
    for (char **e = environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        char *name;
        if (!eq || !is_endpoint_var(*e))
            continue;
        name = vp_xstrndup(*e, (size_t)(eq - *e));
        if (!vp_kv_get(&env, name))     /* the function's own setting wins */
            vp_kv_set(&env, name, eq + 1);
        free(name);
    }
    /* What Lambda sets for every function; the function cannot override these. */
    vp_kv_set(&env, "AWS_LAMBDA_RUNTIME_API", vp_rapi_host_address(r->host));
    vp_kv_set(&env, "AWS_LAMBDA_FUNCTION_NAME", fn->name ? fn->name : "function");
    snprintf(num, sizeof(num), "%ld", fn->memory_mb > 0 ? fn->memory_mb : 128);
    vp_kv_set(&env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", num);
    vp_kv_set(&env, "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    vp_kv_set(&env, "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    vp_kv_set(&env, "AWS_REGION", fn->region ? fn->region : "us-east-1");
    vp_kv_set(&env, "AWS_DEFAULT_REGION", fn->region ? fn->region : "us-east-1");
    vp_kv_set(&env, "LAMBDA_TASK_ROOT", r->task);
    vp_kv_set(&env, "_HANDLER", fn->handler ? fn->handler : "bootstrap");
    /* Lambda's defaults that a function may set itself. */
    if (!vp_kv_get(&env, "TZ"))
        vp_kv_set(&env, "TZ", ":UTC");
    if (!vp_kv_get(&env, "LANG"))
        vp_kv_set(&env, "LANG", "en_US.UTF-8");
    if (!vp_kv_get(&env, "PATH"))
        vp_kv_set(&env, "PATH", "/usr/local/bin:/usr/bin:/bin");
    if (fn->creds && fn->creds->access_key_id && fn->creds->secret_access_key) {
        vp_kv_set(&env, "AWS_ACCESS_KEY_ID", fn->creds->access_key_id);
        vp_kv_set(&env, "AWS_SECRET_ACCESS_KEY", fn->creds->secret_access_key);
        if (fn->creds->session_token)
            vp_kv_set(&env, "AWS_SESSION_TOKEN", fn->creds->session_token);
        else
            vp_kv_remove(&env, "AWS_SESSION_TOKEN");
    }
    strv = vp_xcalloc(env.n + 1, sizeof(*strv));
    for (size_t i = 0; i < env.n; i++)
        strv[i] = vp_xasprintf("%s=%s", env.items[i].name, env.items[i].value);
    vp_kv_release(&env);
    return strv;
}

static void free_strv(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

/* Starts the child. Between fork and exec only async-signal-safe calls: other threads (the host's) run. */
static int spawn(struct run *r, struct vp_err *err)
{
    char *loader = vp_xasprintf("%s/" LOADER, r->task), *libdir = vp_xasprintf("%s/lib", r->task);
    char *bootstrap = vp_xasprintf("%s/bootstrap", r->task);
    char **envp = build_env(r);
    char *argv[5];
    static const char exec_failed[] = "vidpipe: cannot start bootstrap: exec failed\n";
    long max_fd = sysconf(_SC_OPEN_MAX);
    int ret = 0;

    if (access(loader, X_OK) == 0) {
        argv[0] = loader, argv[1] = "--library-path", argv[2] = libdir, argv[3] = bootstrap, argv[4] = NULL;
    } else {
        argv[0] = bootstrap, argv[1] = NULL;
    }
    if (max_fd < 0 || max_fd > 4096)
        max_fd = 4096;
    r->pid = fork();
    if (r->pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        setpgid(0, 0);
        if (chdir(r->task) != 0 || devnull < 0 || dup2(devnull, 0) < 0 || dup2(r->out[1], 1) < 0 ||
            dup2(r->out[1], 2) < 0)
            _exit(127);
        for (int fd = 3; fd < max_fd; fd++)
            close(fd);
        execve(argv[0], argv, envp);
        ssize_t ignored = write(2, exec_failed, sizeof(exec_failed) - 1);
        (void)ignored;
        _exit(127);
    }
    if (r->pid < 0)
        ret = vp_fail(err, VP_E_IO, "cannot start bootstrap: %s", strerror(errno));
    else
        setpgid(r->pid, r->pid);        /* also here, so a kill right away finds the group */
    close(r->out[1]);
    r->out[1] = -1;
    free_strv(envp);
    free(loader);
    free(libdir);
    free(bootstrap);
    return ret;
}

static void copy_log(struct run *r, bool *eof)
{
    char chunk[8192];
    ssize_t n = read(r->out[0], chunk, sizeof(chunk));

    if (n > 0) {
        if (r->log) {
            fwrite(chunk, 1, (size_t)n, r->log);
            fflush(r->log);
        }
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        *eof = true;
    }
}

static bool reap(struct run *r, bool block)
{
    if (!r->reaped && r->pid > 0) {
        pid_t got;
        do
            got = waitpid(r->pid, &r->wstatus, block ? 0 : WNOHANG);
        while (got < 0 && errno == EINTR);
        if (got == r->pid || (got < 0 && errno == ECHILD))
            r->reaped = true;
    }
    return r->reaped;
}

/* Ends the whole process group, reaps the child, and copies what is left of the log (for a bounded time:
 * a process that left the group could hold the pipe open). */
static void finish_child(struct run *r, bool log_eof)
{
    long long until;

    if (r->pid > 0) {
        kill(-r->pid, SIGKILL);
        kill(r->pid, SIGKILL);
        reap(r, true);
    }
    until = mono_ms() + DRAIN_MS;
    while (!log_eof && r->out[0] >= 0) {
        struct pollfd p = { .fd = r->out[0], .events = POLLIN };
        long long left = until - mono_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        copy_log(r, &log_eof);
    }
}

static void exit_message(int wstatus, char *buf, size_t size)
{
    if (WIFSIGNALED(wstatus))
        snprintf(buf, size, "Runtime exited with error: signal %d (%s)", WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
    else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0)
        snprintf(buf, size, "Runtime exited with error: exit status %d", WEXITSTATUS(wstatus));
    else
        snprintf(buf, size, "Runtime exited without providing a reason");
}

static void take_outcome(struct vp_invoke_result *res, struct vp_rapi_outcome *o)
{
    res->status = o->kind == VP_RAPI_RESPONSE ? VP_INVOKE_RESPONSE
                  : o->kind == VP_RAPI_INIT_ERROR ? VP_INVOKE_INIT_ERROR
                                                  : VP_INVOKE_FUNCTION_ERROR;
    res->payload = o->body;
    res->len = o->len;
    res->error_type = o->error_type;
    res->error_message = o->error_message;
    memset(o, 0, sizeof(*o));
}

/* The poll loop: returns when there is an outcome, the child ended, or the deadline passed. */
static void supervise(struct run *r, const char *id, long long deadline, struct vp_invoke_result *res)
{
    bool log_eof = false;
    struct vp_err err = { 0 };
    char msg[160];

    for (;;) {
        struct pollfd p[2] = { { .fd = r->wake[0], .events = POLLIN }, { .fd = log_eof ? -1 : r->out[0], .events = POLLIN } };
        struct vp_rapi_outcome o;
        long long left = deadline - mono_ms();
        int rc;

        if (left > 100)
            left = 100;                 /* also look at the child now and then */
        rc = poll(p, 2, left > 0 ? (int)left : 0);
        if (rc > 0 && (p[0].revents & POLLIN)) {
            char drain[64];
            while (read(r->wake[0], drain, sizeof(drain)) > 0)
                ;
        }
        if (rc > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            copy_log(r, &log_eof);
        if (vp_rapi_host_wait(r->host, id, 0, &o, &err) == 0) {
            take_outcome(res, &o);
            break;
        }
        if (reap(r, false)) {
            /* It may have answered just before exiting. */
            if (vp_rapi_host_wait(r->host, id, 0, &o, &err) == 0) {
                take_outcome(res, &o);
                break;
            }
            exit_message(r->wstatus, msg, sizeof(msg));
            set_error(res, VP_INVOKE_CRASH, "Runtime.ExitError", msg);
            break;
        }
        if (r->fn->interrupted && *r->fn->interrupted) {
            set_error(res, VP_INVOKE_INTERRUPTED, "Interrupted", "interrupted: the function was ended");
            break;
        }
        if (mono_ms() >= deadline) {
            snprintf(msg, sizeof(msg), "Task timed out after %.2f seconds", (double)r->fn->timeout_s);
            set_error(res, VP_INVOKE_TIMEOUT, "Sandbox.Timedout", msg);
            break;
        }
    }
    vp_rapi_host_cancel(r->host, id);
    finish_child(r, log_eof);
}

/* A pipe closed on exec, its read end non-blocking (pipe2 is not POSIX). */
static int make_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++)
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    return 0;
}

/* The task folder: unpacked, with an executable bootstrap at its root. */
static int prepare_task(struct run *r, struct vp_err *err)
{
    const char *tmpdir = getenv("TMPDIR");
    struct stat st;
    char *bootstrap;
    int ret = 0;

    if (stat(r->fn->zip_path, &st) != 0)
        return vp_fail(err, VP_E_IO, "cannot read the function's zip '%s': %s", r->fn->zip_path, strerror(errno));
    r->tmp = vp_xasprintf("%s/vidpipe-invoke-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(r->tmp)) {
        ret = vp_fail(err, VP_E_IO, "cannot create a folder for the function under '%s': %s",
                      tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
        free(r->tmp);
        r->tmp = NULL;
        return ret;
    }
    r->task = vp_xasprintf("%s/task", r->tmp);
    if (mkdir(r->task, 0755) != 0)
        return vp_fail(err, VP_E_IO, "cannot create '%s': %s", r->task, strerror(errno));
    if (vp_unzip_to(r->fn->zip_path, r->task, err) < 0)
        return -1;
    bootstrap = vp_xasprintf("%s/bootstrap", r->task);
    if (stat(bootstrap, &st) != 0 || !S_ISREG(st.st_mode))
        ret = vp_fail(err, VP_E_PARSE, "zip '%s' has no file 'bootstrap' at its root, which a custom runtime needs",
                      r->fn->zip_path);
    else if (!(st.st_mode & S_IXUSR))
        ret = vp_fail(err, VP_E_PARSE, "'bootstrap' in zip '%s' is not executable (zip it with mode 755)",
                      r->fn->zip_path);
    free(bootstrap);
    return ret;
}

int vp_function_invoke(const struct vp_function_config *fn, const char *event, size_t len, FILE *log,
                       struct vp_invoke_result *res, struct vp_err *err)
{
    struct run r = { .fn = fn, .wake = { -1, -1 }, .out = { -1, -1 }, .log = log };
    struct vp_rapi_host_opts ho = {
        .function_name = fn->name, .region = fn->region, .timeout_ms = (fn->timeout_s > 0 ? fn->timeout_s : 3) * 1000,
        .on_outcome = on_outcome, .on_outcome_ctx = &r,
    };
    struct vp_function_config defaulted = *fn;
    long long start;
    int ret = -1;

    memset(res, 0, sizeof(*res));
    if (defaulted.timeout_s <= 0)
        defaulted.timeout_s = 3;
    r.fn = &defaulted;
    if (prepare_task(&r, err) < 0)
        goto done;
    if (make_pipe(r.wake) < 0 || make_pipe(r.out) < 0) {
        vp_fail(err, VP_E_IO, "cannot make a pipe: %s", strerror(errno));
        goto done;
    }
    fcntl(r.wake[1], F_SETFL, O_NONBLOCK);
    if (vp_rapi_host_start(&ho, &r.host, err) < 0 ||
        vp_rapi_host_queue(r.host, event, len, res->request_id, err) < 0)
        goto done;
    start = mono_ms();
    if (spawn(&r, err) < 0)
        goto done;
    supervise(&r, res->request_id, start + defaulted.timeout_s * 1000, res);
    res->duration_ms = (long)(mono_ms() - start);
    ret = 0;
done:
    if (r.pid > 0 && !r.reaped)
        finish_child(&r, true);
    vp_rapi_host_stop(r.host);          /* after the child: nothing polls it any more */
    for (int i = 0; i < 2; i++) {
        if (r.wake[i] >= 0)
            close(r.wake[i]);
        if (r.out[i] >= 0)
            close(r.out[i]);
    }
    if (r.tmp)
        vp_remove_tree(r.tmp);
    free(r.task);
    free(r.tmp);
    if (ret < 0)
        vp_invoke_result_release(res);
    return ret;
}
