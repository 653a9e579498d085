/* test_coverage.c - classification, summaries, filters and findings on a hand-computed city. */
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
#include "../../../analysis/coverage.h"

/* cmocka 1.1.5 has only a float comparison */
#define assert_close(a, b, eps) close_check((a), (b), (eps), __FILE__, __LINE__)
static void close_check(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps)) {
        print_error("%.17g != %.17g (tolerance %g)\n", a, b, eps);
        _fail(file, line);
    }
}

/*
 * Districts D0 "320703" (0,0)-(100,100) and D1 "320706" (100,0)-(200,100).
 * Communities (y 0..50): C0 urban (0-50), C1 rural (50-100), C2 unknown
 * (100-150), C3 urban (150-200); C4 urban, far away, empty.
 *
 *  org  party       formal instr c.org  where           status
 *  o0   standalone    5     0    1     C0 (10,10)       STANDALONE
 *  o1   none          4     0    1     C0 (20,20)       ELIGIBLE
 *  o2   joint         1     0    1     C0 (30,30)       JOINT
 *  o3   none          2     0    1     C1 (60,10)       SMALL
 *  o4   none          0     1    0     C1 (70,10)       NO_MEMBERS (work covered)
 *  o5   none          0     0    0     D0 only (10,80)  NO_MEMBERS
 *  o6   regional      0     0    1     C2 (110,10)      REGIONAL
 *  o7   industry      3     0    1     C3 (160,10)      INDUSTRY
 *  o8   functional    2     0    0     D1 only (160,80) FUNCTIONAL
 *  o9   none          1     0    0     nowhere          SMALL
 *  o10  standalone    3     0    1     C3 (170,10)      STANDALONE
 */
struct fx {
    enum cov_party party;
    int formal, instructor, community_org;
    double x, y;
    const char *id, *kind, *industry;
};

static const struct fx ORGS[] = {
    {COV_PARTY_STANDALONE, 5, 0, 1, 10, 10, "ORG-0", "社会团体", "教育"},
    {COV_PARTY_NONE, 4, 0, 1, 20, 20, "51320703MJ58003211", "社会团体", "体育"},
    {COV_PARTY_JOINT, 1, 0, 1, 30, 30, "51320706MJ580041", "民办非企业单位", "教育"},
    {COV_PARTY_NONE, 2, 0, 1, 60, 10, "51320706MJ5800417K", "社会团体", "教育"},
    {COV_PARTY_NONE, 0, 1, 0, 70, 10, "ORG-4", "基金会", NULL},
    {COV_PARTY_NONE, 0, 0, 0, 10, 80, "ORG-5", "社会团体", "养老"},
    {COV_PARTY_REGIONAL, 0, 0, 1, 110, 10, "ORG-6", "社会团体", "养老"},
    {COV_PARTY_INDUSTRY, 3, 0, 1, 160, 10, "513207035098712341", "社会团体", "教育"},
    {COV_PARTY_FUNCTIONAL, 2, 0, 0, 160, 80, "ORG-8", "民办非企业单位", "教育"},
    {COV_PARTY_NONE, 1, 0, 0, 500, 500, "52320703MJ58005X02", "社会团体", "教育"},
    {COV_PARTY_STANDALONE, 3, 0, 1, 170, 10, "ORG-10", "社会团体", "体育"},
};
enum { N_ORGS = sizeof(ORGS) / sizeof(ORGS[0]) };

static GEOSGeometry *box(struct cov_model *m, double x0, double y0, double x1, double y1)
{
    GEOSGeometry *g = GEOSGeom_createRectangle_r(m->geos, x0, y0, x1, y1);
    assert_non_null(g);
    return g;
}

static void area(struct cov_model *m, enum cov_layer l, const char *code, const char *name,
                 enum cov_ur ur, double x0, double y0, double x1, double y1)
{
    struct cov_area a;
    memset(&a, 0, sizeof(a));
    a.code = code;
    a.name = name;
    a.ur = ur;
    a.geom = box(m, x0, y0, x1, y1);
    assert_true(cov_model_add_area(m, l, &a) >= 0);
}

static struct cov_model *city(int assign)
{
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    area(m, COV_DISTRICTS, "320703", "连云区", COV_UR_UNKNOWN, 0, 0, 100, 100);
    area(m, COV_DISTRICTS, "320706", "海州区", COV_UR_UNKNOWN, 100, 0, 200, 100);
    area(m, COV_COMMUNITIES, "320703001001", "C0", COV_UR_URBAN, 0, 0, 50, 50);
    area(m, COV_COMMUNITIES, "320703001201", "C1", COV_UR_RURAL, 50, 0, 100, 50);
    area(m, COV_COMMUNITIES, "320706001001", "C2", COV_UR_UNKNOWN, 100, 0, 150, 50);
    area(m, COV_COMMUNITIES, "320706001002", "C3", COV_UR_URBAN, 150, 0, 200, 50);
    area(m, COV_COMMUNITIES, "320706009009", "C4", COV_UR_URBAN, 1000, 1000, 1010, 1010);
    for (size_t i = 0; i < N_ORGS; i++) {
        struct cov_org o;
        memset(&o, 0, sizeof(o));
        o.id = ORGS[i].id;
        o.name = ORGS[i].id;
        o.kind = ORGS[i].kind;
        o.industry = ORGS[i].industry;
        o.party = ORGS[i].party;
        o.formal_members = ORGS[i].formal;
        o.instructor = ORGS[i].instructor;
        o.community_org = ORGS[i].community_org;
        o.x = ORGS[i].x;
        o.y = ORGS[i].y;
        assert_true(cov_model_add_org(m, &o) >= 0);
    }
    if (assign) {
        struct cov_err err;
        cov_err_init(&err);
        assert_int_equal(cov_assign(m, 1, NULL, NULL, &err), 0);
        cov_err_release(&err);
    }
    return m;
}

static int setup(void **state)
{
    *state = city(1);
    return 0;
}

static int teardown(void **state)
{
    cov_model_free(*state);
    return 0;
}

/* ---- classification ---- */

static void test_classify_every_status(void **state)
{
    struct cov_model *m = *state;
    const enum cov_status expect[N_ORGS] = {COV_ST_STANDALONE, COV_ST_ELIGIBLE,   COV_ST_JOINT,
                                            COV_ST_SMALL,      COV_ST_NO_MEMBERS, COV_ST_NO_MEMBERS,
                                            COV_ST_REGIONAL,   COV_ST_INDUSTRY,   COV_ST_FUNCTIONAL,
                                            COV_ST_SMALL,      COV_ST_STANDALONE};
    assert_int_equal(m->classified, 0);
    cov_classify(m);
    assert_int_equal(m->classified, 1);
    for (size_t i = 0; i < N_ORGS; i++)
        assert_int_equal(m->orgs[i].status, expect[i]);
}

static void test_classify_boundary_of_minimum(void **state)
{
    struct cov_model *m = *state;
    struct cov_org o;
    memset(&o, 0, sizeof(o));
    o.party = COV_PARTY_NONE;
    o.formal_members = 3;
    assert_int_equal(cov_status_of(&o, &m->policy), COV_ST_ELIGIBLE);
    o.formal_members = 2;
    assert_int_equal(cov_status_of(&o, &m->policy), COV_ST_SMALL);
    o.formal_members = 1;
    assert_int_equal(cov_status_of(&o, &m->policy), COV_ST_SMALL);
    o.formal_members = 0;
    assert_int_equal(cov_status_of(&o, &m->policy), COV_ST_NO_MEMBERS);
    o.formal_members = COV_UNKNOWN;
    assert_int_equal(cov_status_of(&o, &m->policy), COV_ST_NO_MEMBERS);
    o.party = COV_PARTY_JOINT;
    o.formal_members = 7;
    assert_int_equal(cov_status_of(&o, &m->policy), COV_ST_JOINT);
}

static void test_classify_changed_minimum(void **state)
{
    struct cov_model *m = *state;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_policy_set(&m->policy, COV_P_STANDALONE_MIN_MEMBERS, "2", &err), 0);
    cov_classify(m);
    assert_int_equal(m->orgs[3].status, COV_ST_ELIGIBLE); /* 2 members now enough */
    assert_int_equal(m->orgs[9].status, COV_ST_SMALL);
    assert_int_equal(cov_policy_set(&m->policy, COV_P_STANDALONE_MIN_MEMBERS, "5", &err), 0);
    cov_classify(m);
    assert_int_equal(m->orgs[1].status, COV_ST_SMALL); /* 4 < 5 */
    assert_int_equal(m->orgs[0].status, COV_ST_STANDALONE);
    cov_err_release(&err);
}

/* ---- summaries ---- */

static void test_summary_totals(void **state)
{
    struct cov_model *m = *state;
    struct cov_summary s;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_summarize(m, -1, &s, NULL, &err), 0);
    assert_int_equal(s.organizations, 11);
    assert_int_equal(s.covered, 6);
    assert_int_equal(s.standalone_eligible, 4);
    assert_int_equal(s.standalone_formed, 2);
    assert_int_equal(s.no_members, 2);
    assert_int_equal(s.work_covered, 1);
    assert_int_equal(s.outside_all_communities, 3);
    assert_close(s.coverage_rate, 6.0 / 11.0, 1e-12);
    assert_close(s.standalone_rate, 0.5, 1e-12);
    cov_err_release(&err);
}

static void test_summary_by_status(void **state)
{
    struct cov_model *m = *state;
    struct cov_summary s;
    assert_int_equal(cov_summarize(m, -1, &s, NULL, NULL), 0);
    const long expect[COV_ST_COUNT] = {2, 1, 1, 1, 1, 1, 2, 2};
    long sum = 0;
    for (int i = 0; i < COV_ST_COUNT; i++) {
        assert_int_equal(s.by_status[i], expect[i]);
        sum += s.by_status[i];
    }
    assert_int_equal(sum, s.organizations);
}

static void test_summary_changed_minimum(void **state)
{
    struct cov_model *m = *state;
    m->policy.v[COV_P_STANDALONE_MIN_MEMBERS] = 2;
    struct cov_summary s;
    assert_int_equal(cov_summarize(m, -1, &s, NULL, NULL), 0);
    /* o0 5, o1 4, o3 2, o7 3, o8 2, o10 3 */
    assert_int_equal(s.standalone_eligible, 6);
    assert_int_equal(s.standalone_formed, 2);
    assert_close(s.standalone_rate, 2.0 / 6.0, 1e-12);
    assert_int_equal(s.by_status[COV_ST_ELIGIBLE], 2);
    assert_int_equal(s.by_status[COV_ST_SMALL], 1);
}

static void test_summary_per_district(void **state)
{
    struct cov_model *m = *state;
    struct cov_summary t, *pa = NULL;
    assert_int_equal(cov_summarize(m, COV_DISTRICTS, &t, &pa, NULL), 0);
    assert_non_null(pa);
    /* D0: o0..o5 */
    assert_int_equal(pa[0].organizations, 6);
    assert_int_equal(pa[0].covered, 2);
    assert_close(pa[0].coverage_rate, 2.0 / 6.0, 1e-12);
    assert_int_equal(pa[0].standalone_eligible, 2);
    assert_int_equal(pa[0].standalone_formed, 1);
    assert_close(pa[0].standalone_rate, 0.5, 1e-12);
    assert_int_equal(pa[0].no_members, 2);
    assert_int_equal(pa[0].work_covered, 1);
    assert_int_equal(pa[0].outside_all_communities, 1);
    /* D1: o6, o7, o8, o10 */
    assert_int_equal(pa[1].organizations, 4);
    assert_int_equal(pa[1].covered, 4);
    assert_close(pa[1].coverage_rate, 1.0, 1e-12);
    assert_int_equal(pa[1].standalone_eligible, 2);
    assert_int_equal(pa[1].standalone_formed, 1);
    assert_int_equal(pa[1].no_members, 0);
    assert_int_equal(pa[1].work_covered, 0);
    assert_int_equal(pa[1].outside_all_communities, 1);
    assert_int_equal(pa[1].by_status[COV_ST_FUNCTIONAL], 1);
    /* o9 is in no district: totals count it, areas do not */
    assert_int_equal(t.organizations, pa[0].organizations + pa[1].organizations + 1);
    free(pa);
}

static void test_summary_per_community_nan_rates(void **state)
{
    struct cov_model *m = *state;
    struct cov_summary *pa = NULL;
    assert_int_equal(cov_summarize(m, COV_COMMUNITIES, NULL, &pa, NULL), 0);
    assert_non_null(pa);
    assert_int_equal(pa[0].organizations, 3); /* C0: o0 o1 o2 */
    assert_int_equal(pa[0].outside_all_communities, 0);
    /* C2: only o6 (regional, no members): nobody eligible */
    assert_int_equal(pa[2].organizations, 1);
    assert_int_equal(pa[2].standalone_eligible, 0);
    assert_true(isnan(pa[2].standalone_rate));
    assert_close(pa[2].coverage_rate, 1.0, 1e-12);
    /* C4: empty */
    assert_int_equal(pa[4].organizations, 0);
    assert_true(isnan(pa[4].coverage_rate));
    assert_true(isnan(pa[4].standalone_rate));
    free(pa);
}

static void test_summary_empty_model_nan(void **state)
{
    (void)state;
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    struct cov_summary s;
    assert_int_equal(cov_summarize(m, -1, &s, NULL, NULL), 0);
    assert_int_equal(s.organizations, 0);
    assert_true(isnan(s.coverage_rate));
    assert_true(isnan(s.standalone_rate));
    assert_int_equal(s.outside_all_communities, 0);
    cov_model_free(m);
}

static void test_summary_needs_assignment(void **state)
{
    (void)state;
    struct cov_model *m = city(0);
    struct cov_summary s;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_summarize(m, -1, &s, NULL, &err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&err), "assign"));
    cov_err_release(&err);
    struct cov_summary *pa = (void *)&s;
    assert_int_equal(cov_summarize(m, COV_NAREAS, &s, &pa, &err), COV_EINPUT);
    assert_null(pa);
    cov_err_release(&err);
    cov_model_free(m);
}

static void test_rate(void **state)
{
    (void)state;
    assert_true(isnan(cov_rate(0, 0)));
    assert_true(isnan(cov_rate(3, 0)));
    assert_close(cov_rate(9, 10), 0.9, 1e-15);
    assert_close(cov_rate(0, 4), 0.0, 0);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(cov_status_name(COV_ST_STANDALONE), "standalone");
    assert_string_equal(cov_status_name(COV_ST_NO_MEMBERS), "no_members");
    assert_string_equal(cov_status_name(COV_ST_ELIGIBLE), "eligible");
    assert_int_equal(cov_status_find("small"), COV_ST_SMALL);
    assert_int_equal(cov_status_find("nope"), -1);
    assert_string_equal(cov_route_name(COV_ST_ELIGIBLE), "standalone");
    assert_string_equal(cov_route_name(COV_ST_SMALL), "joint_or_regional");
    assert_string_equal(cov_route_name(COV_ST_NO_MEMBERS), "instructor");
    assert_null(cov_route_name(COV_ST_JOINT));
    assert_string_equal(cov_route_name_zh(COV_ST_NO_MEMBERS), "选派党建工作指导员");
    assert_string_equal(cov_route_name_zh(COV_ST_SMALL), "联合/区域组建");
    assert_null(cov_route_name_zh(COV_ST_STANDALONE));
}

/* ---- filters ---- */

/* bitmask of the orgs matching f */
static unsigned matching(const struct cov_model *m, const struct cov_filter *f)
{
    unsigned bits = 0;
    for (size_t i = 0; i < m->n_orgs; i++)
        if (cov_filter_match(m, &m->orgs[i], f))
            bits |= 1u << i;
    return bits;
}

#define B(i) (1u << (i))

static void test_filter_default_matches_all(void **state)
{
    struct cov_model *m = *state;
    struct cov_filter f;
    cov_filter_init(&f);
    assert_int_equal(matching(m, &f), (1u << N_ORGS) - 1);
}

static void test_filter_uncovered_in_district(void **state)
{
    struct cov_model *m = *state;
    struct cov_filter f;
    cov_filter_init(&f);
    f.uncovered_only = 1;
    assert_int_equal(matching(m, &f), B(1) | B(3) | B(4) | B(5) | B(9));
    f.district = 0;
    assert_int_equal(matching(m, &f), B(1) | B(3) | B(4) | B(5));
}

static void test_filter_community_and_street(void **state)
{
    struct cov_model *m = *state;
    struct cov_filter f;
    cov_filter_init(&f);
    f.community = 0;
    assert_int_equal(matching(m, &f), B(0) | B(1) | B(2));
    cov_filter_init(&f);
    f.street = 0; /* no streets layer: nobody is in street 0 */
    assert_int_equal(matching(m, &f), 0);
}

static void test_filter_members_range(void **state)
{
    struct cov_model *m = *state;
    struct cov_filter f;
    cov_filter_init(&f);
    f.members_min = 1;
    f.members_max = 2;
    assert_int_equal(matching(m, &f), B(2) | B(3) | B(8) | B(9));
    f.uncovered_only = 1;
    assert_int_equal(matching(m, &f), B(3) | B(9));
    cov_filter_init(&f);
    f.members_min = 3;
    assert_int_equal(matching(m, &f), B(0) | B(1) | B(7) | B(10));
    cov_filter_init(&f);
    f.members_max = 0;
    assert_int_equal(matching(m, &f), B(4) | B(5) | B(6));
}

static void test_filter_kind_industry(void **state)
{
    struct cov_model *m = *state;
    struct cov_filter f;
    cov_filter_init(&f);
    f.kind = "民办非企业单位";
    assert_int_equal(matching(m, &f), B(2) | B(8));
    f.industry = "教育";
    assert_int_equal(matching(m, &f), B(2) | B(8));
    cov_filter_init(&f);
    f.industry = "养老";
    assert_int_equal(matching(m, &f), B(5) | B(6));
    f.kind = "基金会";
    assert_int_equal(matching(m, &f), 0);
    cov_filter_init(&f);
    f.industry = "体"; /* exact, not substring */
    assert_int_equal(matching(m, &f), 0);
}

/* ---- findings ---- */

static void test_findings(void **state)
{
    struct cov_model *m = *state;
    struct cov_finding *fs = NULL;
    size_t n = 0;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_findings(m, &fs, &n, &err), 0);
    const struct {
        enum cov_finding_kind kind;
        size_t org;
    } expect[] = {
        {COV_F_DIVISION_MISMATCH, 3}, /* 320706 code, point in 320703 */
        {COV_F_OUTSIDE_COMMUNITIES, 5},
        {COV_F_DIVISION_MISMATCH, 7}, /* 320703 code, point in 320706 */
        {COV_F_OUTSIDE_COMMUNITIES, 8},
        {COV_F_OUTSIDE_COMMUNITIES, 9}, /* o9: matching code but in no district */
        {COV_F_OUTSIDE_DISTRICTS, 9},
    };
    assert_int_equal(n, sizeof(expect) / sizeof(expect[0]));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(fs[i].kind, expect[i].kind);
        assert_int_equal(fs[i].org, expect[i].org);
        assert_true(strlen(fs[i].detail) > 0);
    }
    assert_non_null(strstr(fs[0].detail, "320706"));
    assert_non_null(strstr(fs[0].detail, "320703"));
    assert_non_null(strstr(fs[0].detail, "51320706MJ5800417K"));
    assert_string_equal(cov_finding_name(COV_F_OUTSIDE_DISTRICTS), "outside_districts");
    free(fs);
    cov_err_release(&err);
}

static void test_findings_skip_non_codes(void **state)
{
    struct cov_model *m = *state;
    /* 18 characters but letters where the division code goes: skipped */
    m->orgs[5].id = "5132A706MJ5800417K";
    /* a lower-case 18-character id: skipped */
    m->orgs[1].id = "51320706mj5800417k";
    struct cov_finding *fs = NULL;
    size_t n = 0;
    assert_int_equal(cov_findings(m, &fs, &n, NULL), 0);
    size_t mismatches = 0;
    for (size_t i = 0; i < n; i++)
        if (fs[i].kind == COV_F_DIVISION_MISMATCH) {
            mismatches++;
            assert_true(fs[i].org == 3 || fs[i].org == 7);
        }
    assert_int_equal(mismatches, 2);
    free(fs);
}

static void test_findings_without_layers(void **state)
{
    (void)state;
    struct cov_model *m = cov_model_new();
    struct cov_org o;
    memset(&o, 0, sizeof(o));
    o.id = "51320706MJ5800417K";
    assert_true(cov_model_add_org(m, &o) >= 0);
    struct cov_finding *fs = (void *)&o;
    size_t n = 99;
    assert_int_equal(cov_findings(m, &fs, &n, NULL), 0);
    assert_int_equal(n, 0);
    assert_null(fs);
    cov_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_classify_every_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_classify_boundary_of_minimum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_classify_changed_minimum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_by_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_changed_minimum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_per_district, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_per_community_nan_rates, setup, teardown),
        cmocka_unit_test(test_summary_empty_model_nan),
        cmocka_unit_test(test_summary_needs_assignment),
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_filter_default_matches_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_uncovered_in_district, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_community_and_street, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_members_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_kind_industry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings_skip_non_codes, setup, teardown),
        cmocka_unit_test(test_findings_without_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
