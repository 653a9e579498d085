/* test_propose_lns.c - the grouping state and the neighbourhood search: more coverage, less
 * distance, never worse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../../analysis/propose_lns.h"

/* Every group of the state is feasible and its bookkeeping matches its members. */
static void check_state(const struct cov_jst *s)
{
    for (long g = 0; g < s->ng; g++) {
        int size = s->gsize[g];
        if (size == 0)
            continue;
        const uint32_t *m = s->gm + (size_t)g * (size_t)s->K;
        int sum = 0;
        for (int i = 0; i < size; i++) {
            assert_int_equal(s->grp[m[i]], g);
            assert_false(s->kd.free[m[i]]);
            sum += cov_jst_m(s, m[i]);
            for (int j = 0; j < i; j++)
                assert_true(cov_jst_d2(s, m[i], m[j]) <= s->D2);
        }
        assert_int_equal(s->gsum[g], sum);
        assert_true(size <= s->K);
        assert_true(fabs(s->gcost[g] - cov_joint_medoid_cost(s->p, m, size, NULL)) < 1e-9);
    }
    for (size_t u = 0; u < s->n; u++)
        assert_int_equal(s->kd.free[u], s->grp[u] < 0);
}

static long group(struct cov_jst *s, const uint32_t *units, int n)
{
    long g = cov_jst_new_group(s);
    assert_true(g >= 0);
    for (int i = 0; i < n; i++)
        cov_jst_add(s, g, units[i]);
    return g;
}

static void score(const struct cov_jst *s, long *covered, double *cost)
{
    long out[16];
    cov_jst_write(s, out);
    cov_joint_score(s->p, out, covered, cost);
}

/* Units at 0, 1, 10 and 11 on a line, paired across: re-solving the two groups pairs neighbours. */
static void test_compact_pairs_neighbours(void **state)
{
    (void)state;
    double x[] = {0, 1, 10, 11}, y[] = {0, 0, 0, 0};
    int mem[] = {1, 1, 1, 1};
    struct cov_joint_problem p = {.n = 4,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 2,
                                  .min_members = 2,
                                  .max_distance_m = 100};
    struct cov_jst s;
    assert_int_equal(cov_jst_init(&s, &p), 0);
    group(&s, (uint32_t[]){0, 2}, 2);
    group(&s, (uint32_t[]){1, 3}, 2);
    check_state(&s);
    long covered;
    double cost;
    score(&s, &covered, &cost);
    assert_true(cost == 20.0);
    assert_int_equal(cov_lns_compact(&s, 0), 1);
    check_state(&s);
    score(&s, &covered, &cost);
    assert_int_equal(covered, 4);
    assert_true(cost == 2.0);
    /* the best grouping stays: nothing to do, nothing changes */
    assert_int_equal(cov_lns_compact(&s, 0), 0);
    cov_jst_release(&s);
}

/* Members 2,1 grouped; three free singles 1,1,1 can form a group of their own. */
static void test_cover_raises_coverage(void **state)
{
    (void)state;
    double x[] = {0, 10, 20, 30, 40}, y[] = {0, 0, 0, 0, 0};
    int mem[] = {2, 1, 1, 1, 1};
    struct cov_joint_problem p = {.n = 5,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 3,
                                  .min_members = 3,
                                  .max_distance_m = 100};
    struct cov_jst s;
    assert_int_equal(cov_jst_init(&s, &p), 0);
    group(&s, (uint32_t[]){0, 1}, 2);
    long covered;
    double cost;
    score(&s, &covered, &cost);
    assert_int_equal(covered, 2);
    assert_int_equal(cov_lns_cover(&s), 1);
    check_state(&s);
    score(&s, &covered, &cost);
    assert_int_equal(covered, 5);
    /* coverage at the bound: the cover pass has nothing left to try */
    assert_int_equal(cov_lns_cover(&s), 0);
    cov_jst_release(&s);
}

/* The state's own operations keep its bookkeeping. */
static void test_state_operations(void **state)
{
    (void)state;
    double x[] = {0, 3, 0, 500}, y[] = {0, 0, 4, 0};
    int mem[] = {1, -1, 2, 1};
    struct cov_joint_problem p = {.n = 4,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 3,
                                  .min_members = 3,
                                  .max_distance_m = 10};
    struct cov_jst s;
    assert_int_equal(cov_jst_init(&s, &p), 0);
    assert_int_equal(cov_jst_m(&s, 1), 0); /* unknown counts as none */
    assert_int_equal(s.nbn[3], 0);         /* nobody within 10 m of 500 */
    assert_int_equal(s.nbn[0], 2);
    long g = group(&s, (uint32_t[]){0, 1}, 2);
    assert_true(cov_jst_fits(&s, g, 2));
    assert_false(cov_jst_fits(&s, g, 3)); /* too far */
    assert_true(cov_jst_cost_with(&s, g, UINT32_MAX, 2, NULL) == 7.0);
    assert_true(cov_jst_cost_with(&s, g, 1, 2, NULL) == 4.0);
    cov_jst_add(&s, g, 2);
    check_state(&s);
    assert_false(cov_jst_fits(&s, g, 3));         /* full */
    assert_false(cov_jst_fits_swap(&s, g, 1, 3)); /* 3 is too far from 0 and 2 */
    assert_true(cov_jst_fits_swap(&s, g, 1, 1));  /* same unit: members and distances hold */
    cov_jst_remove(&s, g, 0);
    check_state(&s);
    assert_int_equal(s.gsum[g], 2);
    long out[4];
    cov_jst_write(&s, out);
    assert_int_equal(out[0], -1);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2], 0);
    assert_int_equal(out[3], -1);
    cov_jst_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_pairs_neighbours),
        cmocka_unit_test(test_cover_raises_coverage),
        cmocka_unit_test(test_state_operations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
