/* test_pool.c - the worker pool: every task once, progress from the caller only, stop and cancel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/pool.h"

struct ctx {
    atomic_int *runs;      /* per task: times run */
    atomic_int bad_worker; /* a worker number out of range was seen */
    int workers;
    size_t stop_at;        /* a task that stops the run (SIZE_MAX: none) */
    const size_t *weights; /* NULL: 1 each */
    pthread_t caller;
    int progress_calls, progress_off_thread, cancel_at;
    double last, first_backwards;
    double fractions[256];
};

static void task(struct cov_pool *pool, int worker, size_t t, void *arg)
{
    struct ctx *c = arg;
    if (worker < 0 || worker >= c->workers)
        atomic_store(&c->bad_worker, 1);
    atomic_fetch_add(&c->runs[t], 1);
    if (t == c->stop_at) {
        cov_pool_stop(pool);
        assert_true(cov_pool_stopped(pool));
    }
}

static size_t weight(size_t t, void *arg)
{
    const struct ctx *c = arg;
    return c->weights ? c->weights[t] : 1;
}

static int progress(double f, const char *what, void *user)
{
    struct ctx *c = user;
    assert_string_equal(what, "testing");
    if (!pthread_equal(pthread_self(), c->caller))
        c->progress_off_thread = 1;
    if (f < c->last)
        c->first_backwards = f;
    if (c->progress_calls < 256)
        c->fractions[c->progress_calls] = f;
    c->last = f;
    c->progress_calls++;
    return c->cancel_at > 0 && c->progress_calls >= c->cancel_at;
}

static int run(struct ctx *c, size_t n, int workers, int with_progress)
{
    c->runs = calloc(n + 1, sizeof(*c->runs));
    assert_non_null(c->runs);
    c->workers = workers;
    c->caller = pthread_self();
    c->first_backwards = -1;
    struct cov_pool_opts o = {.n_tasks = n,
                              .workers = workers,
                              .run = task,
                              .ctx = c,
                              .weight = weight,
                              .progress = with_progress ? progress : NULL,
                              .user = c,
                              .what = "testing"};
    return cov_pool_run(&o);
}

static struct ctx *new_ctx(void)
{
    struct ctx *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    c->stop_at = SIZE_MAX;
    atomic_init(&c->bad_worker, 0);
    return c;
}

static void free_ctx(struct ctx *c)
{
    free(c->runs);
    free(c);
}

static void test_every_task_once(void **state)
{
    (void)state;
    static const int workers[] = {1, 2, 4, 8};
    static const size_t sizes[] = {0, 1, 3, 1000};
    for (size_t w = 0; w < 4; w++)
        for (size_t s = 0; s < 4; s++) {
            struct ctx *c = new_ctx();
            assert_int_equal(run(c, sizes[s], workers[w], 1), 0);
            for (size_t t = 0; t < sizes[s]; t++)
                assert_int_equal(atomic_load(&c->runs[t]), 1);
            assert_int_equal(atomic_load(&c->bad_worker), 0);
            assert_int_equal(c->progress_off_thread, 0);
            assert_true(c->first_backwards < 0);
            /* the last call says 1.0, also without tasks */
            assert_true(c->progress_calls >= 1);
            assert_true(c->last == 1.0);
            assert_true(c->progress_calls <= 101);
            free_ctx(c);
        }
}

static void test_weights(void **state)
{
    (void)state;
    /* one worker: fractions are exact prefix sums of the weights */
    size_t w[4] = {1, 1, 2, 96};
    struct ctx *c = new_ctx();
    c->weights = w;
    assert_int_equal(run(c, 4, 1, 1), 0);
    assert_int_equal(c->progress_calls, 4);
    assert_true(c->fractions[0] == 0.01);
    assert_true(c->fractions[1] == 0.02);
    assert_true(c->fractions[2] == 0.04);
    assert_true(c->fractions[3] == 1.0);
    free_ctx(c);
}

static void test_stop_from_task(void **state)
{
    (void)state;
    struct ctx *c = new_ctx();
    c->stop_at = 10;
    assert_int_equal(run(c, 1000, 1, 1), 0);
    for (size_t t = 0; t < 1000; t++)
        assert_int_equal(atomic_load(&c->runs[t]), t <= 10 ? 1 : 0);
    assert_true(c->last < 1.0); /* a stopped run is not reported complete */
    free_ctx(c);
    /* several workers: nothing runs twice, and the stop is seen */
    c = new_ctx();
    c->stop_at = 10;
    assert_int_equal(run(c, 100000, 4, 0), 0);
    size_t ran = 0;
    for (size_t t = 0; t < 100000; t++) {
        assert_true(atomic_load(&c->runs[t]) <= 1);
        ran += (size_t)atomic_load(&c->runs[t]);
    }
    assert_true(ran < 100000);
    free_ctx(c);
}

static void test_cancel(void **state)
{
    (void)state;
    struct ctx *c = new_ctx();
    c->cancel_at = 3;
    assert_int_equal(run(c, 1000, 1, 1), COV_ECANCEL);
    assert_int_equal(c->progress_calls, 3);
    size_t ran = 0;
    for (size_t t = 0; t < 1000; t++)
        ran += (size_t)atomic_load(&c->runs[t]);
    /* reports at 0 % (the first task), 1 % and 2 %: stopped after task 20 */
    assert_int_equal(ran, 20);
    free_ctx(c);
    /* a cancel at the very last report still cancels */
    c = new_ctx();
    c->cancel_at = 1;
    assert_int_equal(run(c, 1, 2, 1), COV_ECANCEL);
    free_ctx(c);
}

static void test_workers(void **state)
{
    (void)state;
    assert_true(cov_pool_workers(0) >= 1);
    assert_int_equal(cov_pool_workers(3), 3);
    assert_int_equal(cov_pool_workers(1000), COV_POOL_MAX_THREADS);
    assert_int_equal(cov_pool_workers(-2) >= 1, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_task_once), cmocka_unit_test(test_weights),
        cmocka_unit_test(test_stop_from_task),  cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
