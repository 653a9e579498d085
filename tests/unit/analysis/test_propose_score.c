/* test_propose_score.c - the joint-branch problem's check, medoid cost, shared pairs and score by
 * hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../../analysis/propose_score.h"

static void test_medoid_cost(void **state)
{
    (void)state;
    /* on a line at 0, 1, 3 and 10: the medoid of {0,1,3} is 1 (1 + 2), of all four 1 or 3 */
    double x[] = {0, 1, 3, 10}, y[] = {0, 0, 0, 0};
    int mem[] = {1, 1, 1, 1};
    struct cov_joint_problem p = {.n = 4,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 5,
                                  .min_members = 3,
                                  .max_distance_m = 20};
    uint32_t l[] = {2, 0, 1};
    int med = -1;
    assert_true(cov_joint_medoid_cost(&p, l, 3, &med) == 3.0);
    assert_int_equal(l[med], 1);
    uint32_t all[] = {3, 2, 1, 0};
    /* 1: 1 + 2 + 9 = 12; 3: 3 + 2 + 7 = 12: equal, the first in the list wins */
    assert_true(cov_joint_medoid_cost(&p, all, 4, &med) == 12.0);
    assert_int_equal(all[med], 3 - 1);
    assert_true(cov_joint_medoid_cost(&p, l, 1, &med) == 0.0);
    assert_int_equal(med, 0);
    assert_true(cov_joint_medoid_cost(&p, l, 0, NULL) == 0.0);
    /* Euclidean: a 3-4-5 triangle */
    double x2[] = {0, 3, 0}, y2[] = {0, 0, 4};
    p.x = x2;
    p.y = y2;
    p.n = 3;
    uint32_t t[] = {0, 1, 2};
    assert_true(cov_joint_medoid_cost(&p, t, 3, &med) == 7.0);
    assert_int_equal(t[med], 0);
}

static void test_share_pairs(void **state)
{
    (void)state;
    double x[5] = {0}, y[5] = {0};
    int mem[5] = {1, 1, 1, 1, 1};
    long building[] = {7, 7, -1, -1, 7}, park[] = {-1, -1, -1, -1, -1},
         industry[] = {1, 2, 1, 2, 2};
    struct cov_joint_problem p = {.n = 5,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 5,
                                  .min_members = 3,
                                  .max_distance_m = 1};
    uint32_t l[] = {0, 1, 2, 3, 4};
    assert_int_equal(cov_joint_share_pairs(&p, l, 5), 0); /* no tags given */
    p.tag[0] = building;
    p.tag[1] = park;
    p.tag[2] = industry;
    /* buildings: (0,1) (0,4) (1,4); unknown (-1) never shares; industries: (0,2) (1,3) (1,4) (3,4)
     */
    assert_int_equal(cov_joint_share_pairs(&p, l, 5), 7);
    assert_int_equal(cov_joint_share_pairs(&p, l, 2), 1);
}

static void test_score(void **state)
{
    (void)state;
    double x[] = {0, 1, 3, 100, 104, 50}, y[] = {0, 0, 0, 0, 0, 0};
    int mem[] = {1, 1, 1, 2, 1, 0};
    struct cov_joint_problem p = {.n = 6,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 5,
                                  .min_members = 3,
                                  .max_distance_m = 10};
    long g[] = {0, 0, 0, 1, 1, -1};
    long covered;
    double cost;
    cov_joint_score(&p, g, &covered, &cost);
    assert_int_equal(covered, 5);
    assert_true(cost == 3.0 + 4.0);
    long none[] = {-1, -1, -1, -1, -1, -1};
    cov_joint_score(&p, none, &covered, &cost);
    assert_int_equal(covered, 0);
    assert_true(cost == 0);
}

static void test_check(void **state)
{
    (void)state;
    struct cov_joint_problem p = {.n = 0, .max_units = 5, .min_members = 3, .max_distance_m = 3000};
    struct cov_err e;
    cov_err_init(&e);
    assert_int_equal(cov_joint_check(&p, &e), 0);
    p.max_units = 1;
    assert_int_equal(cov_joint_check(&p, &e), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&e), "max units"));
    cov_err_release(&e);
    cov_err_init(&e);
    p.max_units = 5;
    p.min_members = 0;
    assert_int_equal(cov_joint_check(&p, &e), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&e), "min members"));
    cov_err_release(&e);
    cov_err_init(&e);
    p.min_members = 3;
    p.max_distance_m = NAN;
    assert_int_equal(cov_joint_check(&p, &e), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&e), "max distance"));
    cov_err_release(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_medoid_cost),
        cmocka_unit_test(test_share_pairs),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
