/* handler_bench.c: times one Lambda bootstrap (any language) under the project's local Runtime API host
 * (src/local/rapi_host.c), the host `vidpipe invoke` and `vidpipe serve` use.
 *
 *   handler-bench --event FILE [--seq N] [--invocations N] [--warmup N] [--timeout-ms N] [--cwd DIR]
 *                 [--log FILE] -- PROGRAM [ARG...]
 *
 * One run is one cold start: the first event is queued, then PROGRAM is started (its environment: ours plus
 * AWS_LAMBDA_RUNTIME_API; stdin /dev/null; stdout and stderr to --log, else /dev/null). Measured:
 *   init_us        fork -> the host hands the first event out (the runtime's first GET invocation/next)
 *   first_us       that hand-out -> the first outcome posted (the cold invocation)
 *   latencies_us   after --warmup more invocations, --invocations more: each hand-out -> outcome posted
 *   init_cpu_us, init_wait_us  of init_us, the time the runtime spent on a CPU and waiting for one
 *   rss_kib        the process's peak RSS (wait4's ru_maxrss) once it is killed after the last invocation
 * Every "@SEQ@" in the event is replaced by a number, --seq for the first event and one more for each next,
 * so every invocation can name a fresh object. Hand-out and outcome are timed on the host's own threads
 * (rapi_host.h's on_dispatch and on_outcome), CLOCK_MONOTONIC.
 * Prints one JSON object: {init_us, init_cpu_us, init_wait_us, first_us, latencies_us: [...], errors, first_error, response, rss_kib}.
 * Exit 0 when it ran (errors counts outcomes that were not responses), 1 when it could not. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "local/rapi_host.h"

extern char **environ;

struct options {
    const char *event_file, *cwd, *log;
    long seq, invocations, warmup, timeout_ms;
    char **argv;                        /* PROGRAM [ARG...] */
};

/* The two moments the host reports, for the one invocation in flight. The host calls on_outcome after its
 * waiters are woken, so read_marks waits until the outcome of the n-th invocation has been stamped. */
struct clock_marks {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    long long dispatched_us, outcome_us;
    long outcomes;
    pid_t pid;                          /* the runtime, once started */
    long long init_cpu_us, init_wait_us;    /* its on-CPU and run-queue time at the first hand-out; -1 unknown */
};

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* /proc/PID/schedstat: nanoseconds on a CPU and waiting on a run queue (the process's main thread; the
 * bootstraps run single-threaded). On a busy machine init's wall time is mostly the second. */
static void read_schedstat(pid_t pid, long long *cpu_us, long long *wait_us)
{
    char path[64];
    unsigned long long cpu_ns, wait_ns;
    FILE *f;

    *cpu_us = *wait_us = -1;
    snprintf(path, sizeof(path), "/proc/%ld/schedstat", (long)pid);
    if (!(f = fopen(path, "r")))
        return;
    if (fscanf(f, "%llu %llu", &cpu_ns, &wait_ns) == 2) {
        *cpu_us = (long long)(cpu_ns / 1000);
        *wait_us = (long long)(wait_ns / 1000);
    }
    fclose(f);
}

static void on_dispatch(void *ctx, const char *request_id)
{
    struct clock_marks *m = ctx;
    long long t = now_us(), cpu = -1, wait = -1;
    bool first;

    (void)request_id;
    pthread_mutex_lock(&m->mu);
    first = m->dispatched_us == 0;
    m->dispatched_us = t;
    pthread_mutex_unlock(&m->mu);
    if (first && m->pid > 0) {          /* the runtime is blocked in its first `next` until we answer */
        read_schedstat(m->pid, &cpu, &wait);
        pthread_mutex_lock(&m->mu);
        m->init_cpu_us = cpu;
        m->init_wait_us = wait;
        pthread_mutex_unlock(&m->mu);
    }
}

static void on_outcome(void *ctx)
{
    struct clock_marks *m = ctx;
    long long t = now_us();

    pthread_mutex_lock(&m->mu);
    m->outcome_us = t;
    m->outcomes++;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

static void read_marks(struct clock_marks *m, long nth, long long *dispatched, long long *outcome)
{
    pthread_mutex_lock(&m->mu);
    while (m->outcomes < nth)
        pthread_cond_wait(&m->cond, &m->mu);
    *dispatched = m->dispatched_us;
    *outcome = m->outcome_us;
    pthread_mutex_unlock(&m->mu);
}

static int usage(void)
{
    fprintf(stderr, "usage: handler-bench --event FILE [--seq N] [--invocations N] [--warmup N] [--timeout-ms N] "
                    "[--cwd DIR] [--log FILE] -- PROGRAM [ARG...]\n");
    return 1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){ .timeout_ms = 30000 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--") == 0) {
            o->argv = argv + i + 1;
            return o->event_file && o->argv[0] ? 0 : -1;
        }
        if (!v)
            return -1;
        if (strcmp(a, "--event") == 0)
            o->event_file = v;
        else if (strcmp(a, "--cwd") == 0)
            o->cwd = v;
        else if (strcmp(a, "--log") == 0)
            o->log = v;
        else if (strcmp(a, "--seq") == 0)
            o->seq = atol(v);
        else if (strcmp(a, "--invocations") == 0)
            o->invocations = atol(v);
        else if (strcmp(a, "--warmup") == 0)
            o->warmup = atol(v);
        else if (strcmp(a, "--timeout-ms") == 0)
            o->timeout_ms = atol(v);
        else
            return -1;
        i++;
    }
    return -1;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    char chunk[4096];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vp_buf_put(&b, chunk, n);
    fclose(f);
    return vp_buf_detach(&b, NULL);
}

/* The event with every "@SEQ@" replaced by seq. */
static char *event_for(const char *tmpl, long seq)
{
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    char num[24];
    const char *p = tmpl, *hit;

    snprintf(num, sizeof(num), "%ld", seq);
    while ((hit = strstr(p, "@SEQ@"))) {
        vp_buf_put(&b, p, (size_t)(hit - p));
        vp_buf_puts(&b, num);
        p = hit + 5;
    }
    vp_buf_puts(&b, p);
    return vp_buf_detach(&b, NULL);
}

/* Our environment plus AWS_LAMBDA_RUNTIME_API (replacing any of ours). */
static char **child_env(const char *address)
{
    size_t n = 0, k = 0;
    char **env;

    while (environ[n])
        n++;
    env = vp_xcalloc(n + 2, sizeof(*env));
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "AWS_LAMBDA_RUNTIME_API=", 23) != 0)
            env[k++] = environ[i];
    env[k++] = vp_xasprintf("AWS_LAMBDA_RUNTIME_API=%s", address);
    env[k] = NULL;
    return env;
}

/* fork + exec; between them only async-signal-safe calls (the host's threads run). */
static pid_t spawn(const struct options *o, char **env, long long *started_us)
{
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(o->log ? o->log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_t pid;

    if (in < 0 || out < 0) {
        perror("handler-bench: opening the child's stdin or log");
        return -1;
    }
    *started_us = now_us();
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        if (o->cwd && chdir(o->cwd) != 0)
            _exit(126);
        execve(o->argv[0], o->argv, env);
        _exit(127);
    }
    close(in);
    close(out);
    if (pid < 0)
        perror("handler-bench: fork");
    return pid;
}

/* Queues the event for seq and waits for its outcome: 0 response, 1 any other outcome (*error_text set
 * once), -1 no outcome in time. */
static int invoke_one(struct vp_rapi_host *h, const char *tmpl, long seq, long timeout_ms, char **response,
                      char **error_text)
{
    char id[VP_RAPI_ID_LEN], *event = event_for(tmpl, seq);
    struct vp_rapi_outcome out;
    struct vp_err err = { 0 };
    int ret;

    ret = vp_rapi_host_queue(h, event, strlen(event), id, &err);
    free(event);
    if (ret < 0) {
        fprintf(stderr, "handler-bench: %s\n", err.msg);
        return -1;
    }
    ret = vp_rapi_host_wait(h, id, timeout_ms, &out, &err);
    if (ret != 0) {
        vp_rapi_host_cancel(h, id);
        return -1;
    }
    ret = out.kind == VP_RAPI_RESPONSE ? 0 : 1;
    if (ret == 0 && response && !*response)
        *response = vp_xstrdup(out.body);
    if (ret == 1 && !*error_text)
        *error_text = vp_xstrdup(out.body);
    vp_rapi_outcome_release(&out);
    return ret;
}

static long stop_child(pid_t pid)
{
    struct rusage ru;
    int status;

    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return -1;
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    struct options o;
    struct clock_marks marks = { .mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
                                 .init_cpu_us = -1, .init_wait_us = -1 };
    struct vp_rapi_host_opts hopts = { .function_name = "bench", .timeout_ms = 30000, .on_outcome = on_outcome,
                                       .on_outcome_ctx = &marks, .on_dispatch = on_dispatch,
                                       .on_dispatch_ctx = &marks };
    struct vp_rapi_host *h = NULL;
    struct vp_err err = { 0 };
    char *tmpl, *response = NULL, *error_text = NULL, **env;
    long long started, dispatched, outcome, init_us = -1, first_us = -1;
    long seq, errors = 0, rss;
    json_t *latencies = json_array(), *doc;
    pid_t pid;
    int status = 0, r;

    if (parse_args(argc, argv, &o) < 0)
        return usage();
    if (!(tmpl = read_file(o.event_file))) {
        fprintf(stderr, "handler-bench: cannot read %s: %s\n", o.event_file, strerror(errno));
        return 1;
    }
    if (vp_rapi_host_start(&hopts, &h, &err) < 0) {
        fprintf(stderr, "handler-bench: %s\n", err.msg);
        return 1;
    }
    env = child_env(vp_rapi_host_address(h));
    seq = o.seq;

    /* The cold start: the event waits in the queue, so the first `next` is answered at once. */
    char id[VP_RAPI_ID_LEN], *event = event_for(tmpl, seq++);
    struct vp_rapi_outcome out;

    if (vp_rapi_host_queue(h, event, strlen(event), id, &err) < 0) {
        fprintf(stderr, "handler-bench: %s\n", err.msg);
        return 1;
    }
    free(event);
    /* The lock orders the pid's store before on_dispatch reads it; the child cannot reach `next` sooner. */
    pthread_mutex_lock(&marks.mu);
    pid = spawn(&o, env, &started);
    marks.pid = pid;
    pthread_mutex_unlock(&marks.mu);
    if (pid < 0)
        return 1;
    r = vp_rapi_host_wait(h, id, o.timeout_ms, &out, &err);
    if (r != 0) {
        fprintf(stderr, "handler-bench: no answer to the first event within %ld ms\n", o.timeout_ms);
        status = 1;
    } else {
        read_marks(&marks, 1, &dispatched, &outcome);
        init_us = dispatched - started;
        first_us = outcome - dispatched;
        if (out.kind == VP_RAPI_RESPONSE)
            response = vp_xstrdup(out.body);
        else
            errors++, error_text = vp_xstrdup(out.body);
        vp_rapi_outcome_release(&out);
    }

    /* Warm invocations: the runtime is already waiting in `next`. */
    for (long i = 0; status == 0 && i < o.warmup + o.invocations; i++) {
        r = invoke_one(h, tmpl, seq++, o.timeout_ms, NULL, &error_text);
        if (r < 0) {
            fprintf(stderr, "handler-bench: no answer to invocation %ld within %ld ms\n", i + 2, o.timeout_ms);
            status = 1;
            break;
        }
        errors += r;
        read_marks(&marks, i + 2, &dispatched, &outcome);
        if (i >= o.warmup)
            json_array_append_new(latencies, json_integer(outcome - dispatched));
    }
    rss = stop_child(pid);
    vp_rapi_host_stop(h);

    doc = json_pack("{s:I, s:I, s:I, s:I, s:o, s:I, s:s?, s:s?, s:I}", "init_us", (json_int_t)init_us,
                    "init_cpu_us", (json_int_t)marks.init_cpu_us, "init_wait_us", (json_int_t)marks.init_wait_us,
                    "first_us", (json_int_t)first_us, "latencies_us", latencies, "errors", (json_int_t)errors, "first_error",
                    error_text, "response", response, "rss_kib", (json_int_t)rss);
    json_dumpf(doc, stdout, JSON_COMPACT);
    putchar('\n');
    json_decref(doc);
    for (size_t i = 0; env[i]; i++)     /* the one entry child_env made is the last */
        if (!env[i + 1])
            free(env[i]);
    free(env);
    free(response);
    free(error_text);
    free(tmpl);
    return status;
}
