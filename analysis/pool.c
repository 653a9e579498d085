/* pool.c - the worker pool of analysis/: tasks handed out by an atomic counter to pthreads. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct cov_pool {
    const struct cov_pool_opts *o;
    size_t total; /* weight of all tasks */
    atomic_size_t next, done;
    atomic_int stop, cancelled;
    atomic_int running; /* started threads still running (not counting the caller) */
    int last_pct;       /* caller only */
};

struct thread_arg {
    struct cov_pool *pool;
    int worker;
    pthread_t tid;
    int started;
};

int cov_pool_workers(int requested)
{
    long n = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > COV_POOL_MAX_THREADS ? COV_POOL_MAX_THREADS : (int)n;
}

void cov_pool_stop(struct cov_pool *pool)
{
    atomic_store(&pool->stop, 1);
}

int cov_pool_stopped(const struct cov_pool *pool)
{
    return atomic_load(&((struct cov_pool *)pool)->stop);
}

static size_t weight_of(const struct cov_pool *p, size_t task)
{
    return p->o->weight ? p->o->weight(task, p->o->ctx) : 1;
}

/* Report when another whole percent is done (the calling thread only). */
static void report(struct cov_pool *p)
{
    const struct cov_pool_opts *o = p->o;
    if (!o->progress || p->total == 0)
        return;
    size_t done = atomic_load(&p->done);
    int pct = (int)(100.0 * (double)done / (double)p->total);
    if (pct > p->last_pct) {
        p->last_pct = pct;
        if (o->progress((double)done / (double)p->total, o->what, o->user)) {
            atomic_store(&p->cancelled, 1);
            atomic_store(&p->stop, 1);
        }
    }
}

static void run_tasks(struct cov_pool *p, int worker)
{
    const struct cov_pool_opts *o = p->o;
    while (!atomic_load(&p->stop)) {
        size_t t = atomic_fetch_add(&p->next, 1);
        if (t >= o->n_tasks)
            break;
        o->run(p, worker, t, o->ctx);
        atomic_fetch_add(&p->done, weight_of(p, t));
        if (worker == 0)
            report(p);
    }
}

static void *thread_main(void *arg)
{
    struct thread_arg *a = arg;
    run_tasks(a->pool, a->worker);
    atomic_fetch_sub(&a->pool->running, 1);
    return NULL;
}

int cov_pool_run(const struct cov_pool_opts *o)
{
    struct cov_pool p;
    p.o = o;
    p.total = 0;
    p.last_pct = -1;
    atomic_init(&p.next, 0);
    atomic_init(&p.done, 0);
    atomic_init(&p.stop, 0);
    atomic_init(&p.cancelled, 0);
    atomic_init(&p.running, 0);
    if (o->progress)
        for (size_t t = 0; t < o->n_tasks; t++)
            p.total += weight_of(&p, t);
    int workers = o->workers < 1 ? 1 : o->workers;
    if (workers > COV_POOL_MAX_THREADS)
        workers = COV_POOL_MAX_THREADS;
    if ((size_t)workers > o->n_tasks)
        workers = o->n_tasks ? (int)o->n_tasks : 1;
    /* a failed allocation runs everything on the calling thread */
    struct thread_arg *th = workers > 1 ? calloc((size_t)workers, sizeof(*th)) : NULL;
    for (int t = 1; th && t < workers; t++) {
        th[t].pool = &p;
        th[t].worker = t;
        atomic_fetch_add(&p.running, 1);
        th[t].started = pthread_create(&th[t].tid, NULL, thread_main, &th[t]) == 0;
        if (!th[t].started)
            atomic_fetch_sub(&p.running, 1); /* the others take its share */
    }
    run_tasks(&p, 0);
    /* keep reporting (and honouring a cancel) while the others finish */
    while (o->progress && atomic_load(&p.running) > 0) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
        report(&p);
    }
    for (int t = 1; th && t < workers; t++)
        if (th[t].started)
            pthread_join(th[t].tid, NULL);
    free(th);
    if (atomic_load(&p.cancelled))
        return COV_ECANCEL;
    if (o->progress && !atomic_load(&p.stop) && p.last_pct < 100)
        o->progress(1.0, o->what, o->user);
    return 0;
}
