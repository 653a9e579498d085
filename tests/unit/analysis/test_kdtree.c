/* test_kdtree.c - the k-d tree's k-nearest queries against brute force, with free flags, filters
 * and ties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/core.h"
#include "../../../analysis/kdtree.h"

#define N 3000

static uint64_t rng = 88172645463325252ULL;
static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

struct cand {
    double d2;
    uint32_t u;
};

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->d2 != y->d2)
        return x->d2 < y->d2 ? -1 : 1;
    return (x->u > y->u) - (x->u < y->u);
}

static int even_only(uint32_t u, void *ctx)
{
    (void)ctx;
    return (u & 1) == 0;
}

/* The query q answered by looking at every point. */
static int brute(const double *x, const double *y, const unsigned char *freef, size_t n,
                 const struct cov_knn *q, struct cand *out)
{
    static struct cand all[N];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = q->qx - x[i], dy = q->qy - y[i], d2 = dx * dx + dy * dy;
        if (i == q->self || d2 > q->r2 || (q->free_only && !freef[i]) ||
            (q->accept && !q->accept((uint32_t)i, q->ctx)))
            continue;
        all[m].d2 = d2;
        all[m++].u = (uint32_t)i;
    }
    qsort(all, m, sizeof(*all), cmp_cand);
    int k = (int)m < q->k ? (int)m : q->k;
    memcpy(out, all, (size_t)k * sizeof(*out));
    return k;
}

static void check_queries(const struct cov_kd *t, const double *x, const double *y,
                          const unsigned char *freef, int free_only, int with_accept)
{
    uint32_t out[40];
    double d2[40];
    struct cand want[40];
    for (int t_ = 0; t_ < 300; t_++) {
        struct cov_knn q = {0};
        q.self = t_ % 3 == 0 ? (uint32_t)(t_ * 7 % N) : UINT32_MAX;
        q.qx = q.self != UINT32_MAX ? x[q.self] : unif() * 1000;
        q.qy = q.self != UINT32_MAX ? y[q.self] : unif() * 1000;
        q.r2 = t_ % 2 ? 50.0 * 50.0 : INFINITY;
        q.k = 1 + t_ % 40;
        q.free_only = free_only;
        q.accept = with_accept ? even_only : NULL;
        q.out = out;
        q.d2 = d2;
        cov_kd_knn(t, &q);
        int k = brute(x, y, freef, N, &q, want);
        assert_int_equal(q.n, k);
        for (int i = 0; i < k; i++) {
            assert_int_equal(out[i], want[i].u);
            assert_true(d2[i] == want[i].d2);
        }
    }
}

static void test_knn_matches_brute_force(void **state)
{
    (void)state;
    static double x[N], y[N];
    static unsigned char freef[N];
    for (size_t i = 0; i < N; i++) {
        /* a coarse lattice makes many equal distances: ties go by index */
        x[i] = i % 5 == 0 ? (double)(i % 17) * 10 : unif() * 1000;
        y[i] = i % 5 == 0 ? (double)(i % 13) * 10 : unif() * 1000;
        freef[i] = 1;
    }
    struct cov_kd t;
    assert_int_equal(cov_kd_build(&t, x, y, N), 0);
    check_queries(&t, x, y, freef, 0, 0);
    check_queries(&t, x, y, freef, 1, 0);
    check_queries(&t, x, y, freef, 0, 1);
    /* take two thirds; free-only queries see the rest */
    for (size_t i = 0; i < N; i++)
        if (i % 3) {
            cov_kd_set_free(&t, (uint32_t)i, 0);
            freef[i] = 0;
        }
    cov_kd_set_free(&t, 1, 0); /* twice: no double count */
    check_queries(&t, x, y, freef, 1, 0);
    check_queries(&t, x, y, freef, 1, 1);
    /* give them back: the counts return */
    for (size_t i = 0; i < N; i++) {
        cov_kd_set_free(&t, (uint32_t)i, 1);
        freef[i] = 1;
    }
    size_t mid = N / 2; /* the root counts every free point */
    assert_int_equal(t.cnt[mid], N);
    check_queries(&t, x, y, freef, 1, 0);
    cov_kd_release(&t);
    cov_kd_release(&t); /* released twice: harmless */
}

static void test_tiny_trees(void **state)
{
    (void)state;
    double x[1] = {5}, y[1] = {5};
    struct cov_kd t;
    uint32_t out[4];
    double d2[4];
    assert_int_equal(cov_kd_build(&t, x, y, 0), 0);
    struct cov_knn q = {.qx = 0, .qy = 0, .r2 = INFINITY, .k = 4, .self = UINT32_MAX};
    q.out = out;
    q.d2 = d2;
    cov_kd_knn(&t, &q);
    assert_int_equal(q.n, 0);
    cov_kd_release(&t);
    assert_int_equal(cov_kd_build(&t, x, y, 1), 0);
    cov_kd_knn(&t, &q);
    assert_int_equal(q.n, 1);
    assert_int_equal(out[0], 0);
    assert_true(d2[0] == 50.0);
    q.self = 0; /* the point itself is left out */
    cov_kd_knn(&t, &q);
    assert_int_equal(q.n, 0);
    cov_kd_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_knn_matches_brute_force),
        cmocka_unit_test(test_tiny_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
