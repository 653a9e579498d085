/* test_targets.c - target checks of clauses 4 and 11 on a hand-computed city. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/geos.h"
#include "../../../analysis/assign.h"
#include "../../../analysis/targets.h"

#define assert_close(a, b, eps) close_check((a), (b), (eps), __FILE__, __LINE__)
static void close_check(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps)) {
        print_error("%.17g != %.17g (tolerance %g)\n", a, b, eps);
        _fail(file, line);
    }
}

/*
 * Communities: C0 urban (0-50), C1 rural (50-100), C2 unknown type
 * (100-150), C3 urban (150-200), C4 urban and empty; all y 0..50.
 * Orgs (party, formal members, community_org, where):
 *   o0 standalone 5 yes C0    o1 none 4 yes C0       o2 joint 1 yes C0
 *   o3 none 2 yes C1          o4 none 0 no C1        o5 none 0 no outside
 *   o6 regional 0 yes C2      o7 industry 3 yes C3   o8 functional 2 no outside
 *   o9 none 1 yes outside     o10 standalone 3 yes C3
 * coverage 6/11; standalone eligible o0 o1 o7 o10, formed o0 o10 -> 1/2.
 * community orgs: C0 3, C1 1, C2 1, C3 2, C4 0 (o9 is outside, not counted).
 */
struct fx {
    enum cov_party party;
    int formal, community_org;
    double x, y;
};
static const struct fx ORGS[] = {
    {COV_PARTY_STANDALONE, 5, 1, 10, 10},  {COV_PARTY_NONE, 4, 1, 20, 20},
    {COV_PARTY_JOINT, 1, 1, 30, 30},       {COV_PARTY_NONE, 2, 1, 60, 10},
    {COV_PARTY_NONE, 0, 0, 70, 10},        {COV_PARTY_NONE, 0, 0, 10, 80},
    {COV_PARTY_REGIONAL, 0, 1, 110, 10},   {COV_PARTY_INDUSTRY, 3, 1, 160, 10},
    {COV_PARTY_FUNCTIONAL, 2, 0, 160, 80}, {COV_PARTY_NONE, 1, 1, 500, 500},
    {COV_PARTY_STANDALONE, 3, 1, 170, 10},
};
enum { N_ORGS = sizeof(ORGS) / sizeof(ORGS[0]) };

static void community(struct cov_model *m, const char *code, enum cov_ur ur, double x0, double y0,
                      double x1, double y1)
{
    struct cov_area a;
    memset(&a, 0, sizeof(a));
    a.code = code;
    a.name = code;
    a.ur = ur;
    a.geom = GEOSGeom_createRectangle_r(m->geos, x0, y0, x1, y1);
    assert_non_null(a.geom);
    assert_true(cov_model_add_area(m, COV_COMMUNITIES, &a) >= 0);
}

static int setup(void **state)
{
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    community(m, "C0", COV_UR_URBAN, 0, 0, 50, 50);
    community(m, "C1", COV_UR_RURAL, 50, 0, 100, 50);
    community(m, "C2", COV_UR_UNKNOWN, 100, 0, 150, 50);
    community(m, "C3", COV_UR_URBAN, 150, 0, 200, 50);
    community(m, "C4", COV_UR_URBAN, 1000, 1000, 1010, 1010);
    for (size_t i = 0; i < N_ORGS; i++) {
        struct cov_org o;
        memset(&o, 0, sizeof(o));
        o.id = "x";
        o.party = ORGS[i].party;
        o.formal_members = ORGS[i].formal;
        o.community_org = ORGS[i].community_org;
        o.x = ORGS[i].x;
        o.y = ORGS[i].y;
        assert_true(cov_model_add_org(m, &o) >= 0);
    }
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_assign(m, 2, NULL, NULL, &err), 0);
    cov_err_release(&err);
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    cov_model_free(*state);
    return 0;
}

static void compute(const struct cov_model *m, struct cov_targets *t)
{
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_targets_compute(m, t, &err), 0);
    cov_err_release(&err);
}

static void test_ids_and_order(void **state)
{
    struct cov_targets t;
    compute(*state, &t);
    assert_string_equal(t.targets[0].id, "coverage_rate");
    assert_string_equal(t.targets[1].id, "standalone_rate");
    assert_string_equal(t.targets[2].id, "urban_community_orgs");
    assert_string_equal(t.targets[3].id, "rural_community_orgs");
    cov_targets_release(&t);
}

static void test_rate_targets_missed(void **state)
{
    struct cov_targets t;
    compute(*state, &t);
    assert_close(t.targets[COV_T_COVERAGE_RATE].value, 6.0 / 11.0, 1e-12);
    assert_close(t.targets[COV_T_COVERAGE_RATE].threshold, 0.90, 0);
    assert_int_equal(t.targets[COV_T_COVERAGE_RATE].met, 0);
    assert_close(t.targets[COV_T_STANDALONE_RATE].value, 0.5, 1e-12);
    assert_close(t.targets[COV_T_STANDALONE_RATE].threshold, 1.0, 0);
    assert_int_equal(t.targets[COV_T_STANDALONE_RATE].met, 0);
    assert_int_equal(cov_targets_all_met(&t), 0);
    cov_targets_release(&t);
}

static void test_rate_targets_met_at_threshold(void **state)
{
    struct cov_model *m = *state;
    m->policy.v[COV_P_COVERAGE_RATE_TARGET] = 6.0 / 11.0 + 1e-12; /* within tolerance */
    m->policy.v[COV_P_STANDALONE_RATE_TARGET] = 0.5;              /* exactly */
    struct cov_targets t;
    compute(m, &t);
    assert_int_equal(t.targets[COV_T_COVERAGE_RATE].met, 1);
    assert_int_equal(t.targets[COV_T_STANDALONE_RATE].met, 1);
    cov_targets_release(&t);
    m->policy.v[COV_P_COVERAGE_RATE_TARGET] = 6.0 / 11.0 + 1e-6; /* beyond it */
    compute(m, &t);
    assert_int_equal(t.targets[COV_T_COVERAGE_RATE].met, 0);
    cov_targets_release(&t);
}

static void test_community_checks(void **state)
{
    struct cov_targets t;
    compute(*state, &t);
    assert_int_equal(t.n_communities, 5);
    const struct {
        enum cov_ur ur;
        int orgs, required, met, shortfall;
    } expect[] = {
        {COV_UR_URBAN, 3, 5, 0, 2}, {COV_UR_RURAL, 1, 2, 0, 1}, {COV_UR_UNKNOWN, 1, 0, 1, 0},
        {COV_UR_URBAN, 2, 5, 0, 3}, {COV_UR_URBAN, 0, 5, 0, 5},
    };
    for (size_t i = 0; i < t.n_communities; i++) {
        const struct cov_community_check *c = &t.communities[i];
        assert_int_equal(c->community, i);
        assert_int_equal(c->ur, expect[i].ur);
        assert_int_equal(c->community_orgs, expect[i].orgs);
        assert_int_equal(c->required, expect[i].required);
        assert_int_equal(c->met, expect[i].met);
        assert_int_equal(c->shortfall, expect[i].shortfall);
    }
    cov_targets_release(&t);
}

static void test_community_targets_missed(void **state)
{
    struct cov_targets t;
    compute(*state, &t);
    /* urban: C0, C3, C4, none meets 5; rural: C1 misses 2; C2 (unknown) in neither */
    assert_close(t.targets[COV_T_URBAN].value, 0, 0);
    assert_close(t.targets[COV_T_URBAN].threshold, 3, 0);
    assert_int_equal(t.targets[COV_T_URBAN].met, 0);
    assert_close(t.targets[COV_T_RURAL].value, 0, 0);
    assert_close(t.targets[COV_T_RURAL].threshold, 1, 0);
    assert_int_equal(t.targets[COV_T_RURAL].met, 0);
    cov_targets_release(&t);
}

static void test_community_minimums_from_policy(void **state)
{
    struct cov_model *m = *state;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_policy_set(&m->policy, COV_P_URBAN_COMMUNITY_MIN_ORGS, "2", &err), 0);
    assert_int_equal(cov_policy_set(&m->policy, COV_P_RURAL_COMMUNITY_MIN_ORGS, "1", &err), 0);
    cov_err_release(&err);
    struct cov_targets t;
    compute(m, &t);
    /* C0 3 >= 2, C3 2 >= 2, C4 0 < 2 */
    assert_close(t.targets[COV_T_URBAN].value, 2, 0);
    assert_close(t.targets[COV_T_URBAN].threshold, 3, 0);
    assert_int_equal(t.targets[COV_T_URBAN].met, 0);
    assert_int_equal(t.communities[3].required, 2);
    assert_int_equal(t.communities[3].met, 1);
    assert_int_equal(t.communities[3].shortfall, 0);
    assert_int_equal(t.communities[4].shortfall, 2);
    assert_close(t.targets[COV_T_RURAL].value, 1, 0);
    assert_close(t.targets[COV_T_RURAL].threshold, 1, 0);
    assert_int_equal(t.targets[COV_T_RURAL].met, 1);
    cov_targets_release(&t);
}

static void test_all_met(void **state)
{
    struct cov_model *m = *state;
    m->policy.v[COV_P_COVERAGE_RATE_TARGET] = 0.5;
    m->policy.v[COV_P_STANDALONE_RATE_TARGET] = 0.5;
    m->policy.v[COV_P_URBAN_COMMUNITY_MIN_ORGS] = 0;
    m->policy.v[COV_P_RURAL_COMMUNITY_MIN_ORGS] = 1;
    struct cov_targets t;
    compute(m, &t);
    for (int i = 0; i < COV_T_COUNT; i++)
        assert_int_equal(t.targets[i].met, 1);
    assert_int_equal(cov_targets_all_met(&t), 1);
    assert_close(t.targets[COV_T_URBAN].value, 3, 0);
    cov_targets_release(&t);
}

static void test_empty_model_nan_rates_met(void **state)
{
    (void)state;
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    struct cov_targets t;
    compute(m, &t);
    assert_true(isnan(t.targets[COV_T_COVERAGE_RATE].value));
    assert_int_equal(t.targets[COV_T_COVERAGE_RATE].met, 1);
    assert_true(isnan(t.targets[COV_T_STANDALONE_RATE].value));
    assert_int_equal(t.targets[COV_T_STANDALONE_RATE].met, 1);
    assert_close(t.targets[COV_T_URBAN].threshold, 0, 0);
    assert_int_equal(t.targets[COV_T_URBAN].met, 1);
    assert_int_equal(t.targets[COV_T_RURAL].met, 1);
    assert_int_equal(t.n_communities, 0);
    assert_null(t.communities);
    cov_targets_release(&t);
    cov_targets_release(NULL);
    cov_model_free(m);
}

static void test_needs_assignment(void **state)
{
    struct cov_model *m = *state;
    struct cov_org o;
    memset(&o, 0, sizeof(o));
    assert_true(cov_model_add_org(m, &o) >= 0); /* makes assignments stale */
    struct cov_targets t;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_targets_compute(m, &t, &err), COV_EINPUT);
    assert_null(t.communities);
    cov_targets_release(&t);
    cov_err_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_targets_missed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_targets_met_at_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_community_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_community_targets_missed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_community_minimums_from_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_met, setup, teardown),
        cmocka_unit_test(test_empty_model_nan_rates_met),
        cmocka_unit_test_setup_teardown(test_needs_assignment, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
