/* pool.c: a fixed set of threads taking jobs by index until none is left. */
#include "engine/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "base/xalloc.h"

struct run {
    void *const *jobs;
    size_t n;
    vp_job_fn *fn;
    atomic_size_t next;
};

static void *worker(void *arg)
{
    struct run *r = arg;
    size_t i;

    while ((i = atomic_fetch_add(&r->next, 1)) < r->n)
        r->fn(r->jobs[i]);
    return NULL;
}

void vp_pool_run(void *const *jobs, size_t n, vp_job_fn *fn, int parallelism)
{
    struct run r = { .jobs = jobs, .n = n, .fn = fn };
    size_t threads = parallelism > 0 ? (size_t)parallelism : 1;
    pthread_t *ids;
    size_t started = 0;

    atomic_init(&r.next, 0);
    if (threads > n)
        threads = n;
    if (threads <= 1) {
        worker(&r);
        return;
    }
    ids = vp_xcalloc(threads, sizeof(*ids));
    for (size_t t = 0; t < threads; t++)
        if (pthread_create(&ids[t], NULL, worker, &r) == 0)
            started++;
    if (started == 0)
        worker(&r);             /* no thread could start: do it all here */
    for (size_t t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    free(ids);
}
