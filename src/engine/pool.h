/* pool.h: run independent jobs on up to N threads and wait for all (the engine's parallel reads). */
#ifndef VP_ENGINE_POOL_H
#define VP_ENGINE_POOL_H

#include <stddef.h>

typedef void vp_job_fn(void *job);

/* Calls fn(jobs[i]) for every i, at most parallelism at once; returns when all are done. */
void vp_pool_run(void *const *jobs, size_t n, vp_job_fn *fn, int parallelism);

#endif
