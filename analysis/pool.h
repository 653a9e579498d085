/*
 * pool.h - private to analysis/ (and its unit tests): the one worker pool of
 * the layer. cov_assign runs its chunks of areas on it, cov_propose its scopes.
 *
 * A run hands the tasks 0 .. n_tasks-1 out in increasing order, each exactly
 * once, to the calling thread (worker 0) and to workers-1 threads started for
 * the run (a thread that cannot be started leaves its share to the others).
 * Only the calling thread calls progress, so a caller's callback needs no
 * locking. Results must not depend on which worker runs a task: a task
 * writes only its own slots (propose) or combines with an order-free
 * operation such as an atomic minimum (assign).
 */
#ifndef COV_POOL_H
#define COV_POOL_H

#include <stddef.h>

#include "core.h"

/* At most this many threads in one run. */
#define COV_POOL_MAX_THREADS 64

struct cov_pool; /* one run; private to pool.c */

/* Run task `task` as worker `worker` (0 .. workers-1, 0 = the calling thread). */
typedef void (*cov_pool_task_fn)(struct cov_pool *pool, int worker, size_t task, void *ctx);

struct cov_pool_opts {
    size_t n_tasks;
    int workers; /* threads including the caller, 1 .. COV_POOL_MAX_THREADS (see
                    cov_pool_workers); fewer are used when there are fewer tasks */
    cov_pool_task_fn run;
    void *ctx;
    /* Work units of a task, for progress (NULL: 1 each). */
    size_t (*weight)(size_t task, void *ctx);
    /*
     * Called from the calling thread each time another whole percent of the
     * weight is done, also while the other workers finish their last tasks,
     * and once with 1.0 when the run completes unstopped (also with no tasks).
     * A nonzero return stops the run: cov_pool_run returns COV_ECANCEL.
     * May be NULL.
     */
    cov_progress_fn progress;
    void *user;
    const char *what; /* passed to progress */
};

/* Workers for a requested thread count: 0 = the online cores; clamped to 1 .. COV_POOL_MAX_THREADS.
 */
int cov_pool_workers(int requested);
/*
 * Run every task (see above) and return when all have finished or, after a
 * stop, when the running ones have. Returns 0; COV_ECANCEL when progress
 * stopped the run. A stop by cov_pool_stop() returns 0: the task that stopped
 * the run keeps its own reason.
 */
int cov_pool_run(const struct cov_pool_opts *o);
/* From a task: start no further task (the ones running finish). Thread-safe. */
void cov_pool_stop(struct cov_pool *pool);
/* 1 once the run is stopped (by a task or by progress): long tasks may check it. */
int cov_pool_stopped(const struct cov_pool *pool);

#endif
