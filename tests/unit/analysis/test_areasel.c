/* test_areasel.c - area filters: finding areas by code or name, and what chosen areas hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/areasel.h"
#include "../../../analysis/coverage.h"
#include "../../../analysis/place.h"
#include "../../../analysis/propose.h"
#include "../../../analysis/targets.h"

/*
 * Two districts. 新浦 is a street of both (新浦街道办事处 in 海州区, 新浦街道 in
 * 连云区); 锦屏镇 is a town. 王庄社区居委会 is in two streets of 海州区, and
 * 新浦街道办事处 also has 王庄村委会 (one stem, two kinds). 东辛农场 is a street
 * whose name is complete without a suffix.
 */
enum { D_HZ, D_LY };
enum { S_XP, S_PX, S_XP_LY, S_JP, S_DX };
enum { C_WZ_XP, C_WZ_PX, C_WZC_XP, C_LJ_JP, C_HB_LY };

static const struct {
    const char *code, *name, *parent;
    enum cov_ur ur;
} DISTRICTS[] = {{"320706", "海州区", NULL, 0}, {"320703", "连云区", NULL, 0}},
  STREETS[] = {{"320706010", "新浦街道办事处", "320706", 0},
               {"320706016", "浦西街道办事处", "320706", 0},
               {"320703011", "新浦街道", "320703", 0},
               {"320706100", "锦屏镇", "320706", 0},
               {"320703400", "东辛农场", "320703", 0}},
  COMMUNITIES[] = {{"320706010001", "王庄社区居委会", "320706010", COV_UR_URBAN},
                   {"320706016001", "王庄社区居委会", "320706016", COV_UR_URBAN},
                   {"320706010201", "王庄村委会", "320706010", COV_UR_RURAL},
                   {"320706100201", "李集村委会", "320706100", COV_UR_RURAL},
                   {"320703011001", "海滨社区居委会", "320703011", COV_UR_URBAN}};

/* Organizations: where they are (district, street, community indices), party, community_org. */
static const struct {
    int d, s, c;
    enum cov_party party;
    int community_org;
} ORGS[] = {
    {D_HZ, S_XP, C_WZ_XP, COV_PARTY_STANDALONE, 1}, /* o0 */
    {D_HZ, S_XP, C_WZ_XP, COV_PARTY_NONE, 1},       /* o1 */
    {D_HZ, S_PX, C_WZ_PX, COV_PARTY_NONE, 0},       /* o2 */
    {D_HZ, S_JP, C_LJ_JP, COV_PARTY_JOINT, 1},      /* o3 */
    {D_LY, S_XP_LY, C_HB_LY, COV_PARTY_NONE, 1},    /* o4 */
    {D_LY, S_XP_LY, -1, COV_PARTY_NONE, 0},         /* o5: placed only to its street */
};
enum { N_ORGS = sizeof(ORGS) / sizeof(ORGS[0]) };

struct fixture {
    struct cov_model *m;
    struct cov_areasel *s;
};

static void add(struct cov_model *m, enum cov_layer layer, const char *code, const char *name,
                const char *parent, enum cov_ur ur)
{
    struct cov_area a;
    memset(&a, 0, sizeof(a));
    a.code = code;
    a.name = name;
    a.parent = parent;
    a.ur = ur;
    assert_true(cov_model_add_area(m, layer, &a) >= 0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->m = cov_model_new();
    assert_non_null(f->m);
#define ADD_ALL(layer, arr)                                                                        \
    for (size_t i = 0; i < sizeof(arr) / sizeof(arr[0]); i++)                                      \
        add(f->m, layer, arr[i].code, arr[i].name, arr[i].parent, arr[i].ur);
    ADD_ALL(COV_DISTRICTS, DISTRICTS)
    ADD_ALL(COV_STREETS, STREETS)
    ADD_ALL(COV_COMMUNITIES, COMMUNITIES)
#undef ADD_ALL
    for (size_t i = 0; i < N_ORGS; i++) {
        struct cov_org o;
        memset(&o, 0, sizeof(o));
        o.id = "x";
        o.party = ORGS[i].party;
        o.community_org = ORGS[i].community_org;
        o.x = o.y = NAN;
        long k = cov_model_add_org(f->m, &o);
        assert_true(k >= 0);
        f->m->orgs[k].area[COV_DISTRICTS] = ORGS[i].d;
        f->m->orgs[k].area[COV_STREETS] = ORGS[i].s;
        f->m->orgs[k].area[COV_COMMUNITIES] = ORGS[i].c;
    }
    f->m->assigned = 1;
    cov_classify(f->m);
    f->s = cov_areasel_new(f->m);
    assert_non_null(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    cov_areasel_free(f->s);
    cov_model_free(f->m);
    free(f);
    return 0;
}

/* Find text in layer inside d and st; the hits' count and how, hits into out[]. */
static size_t find(struct fixture *f, enum cov_layer layer, const char *text, int32_t d, int32_t st,
                   enum cov_area_how *how, int32_t *out)
{
    struct cov_area_lookup l;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_areasel_find(f->s, layer, text, d, st, 5, &l, &err), 0);
    cov_err_release(&err);
    *how = l.how;
    size_t n = l.n;
    for (size_t i = 0; i < n && out; i++)
        out[i] = l.hits[i];
    cov_area_lookup_release(&l);
    return n;
}

static void test_name_match_forms(void **state)
{
    (void)state;
    assert_int_equal(cov_place_name_match(COV_STREETS, "新浦街道", 0, "新浦街道"), 2);
    assert_int_equal(cov_place_name_match(COV_STREETS, "新浦街道", 0, "新浦"), 1);
    assert_int_equal(cov_place_name_match(COV_STREETS, "新浦街道", 0, "新浦街道办事处"), 1);
    assert_int_equal(cov_place_name_match(COV_STREETS, "新浦街道", 0, " 新浦 街道 "), 2);
    assert_int_equal(cov_place_name_match(COV_STREETS, "新浦街道", 0, "新浦镇"), 0);
    assert_int_equal(cov_place_name_match(COV_STREETS, "新浦街道", 0, "新"), 0);
    assert_int_equal(cov_place_name_match(COV_COMMUNITIES, "王庄社区居委会", COV_UR_URBAN, "王庄"),
                     1);
    assert_int_equal(
        cov_place_name_match(COV_COMMUNITIES, "王庄社区居委会", COV_UR_URBAN, "王庄社区"), 1);
    assert_int_equal(
        cov_place_name_match(COV_COMMUNITIES, "王庄社区居委会", COV_UR_URBAN, "王庄村"), 0);
    assert_int_equal(cov_place_name_match(COV_DISTRICTS, "海州区", 0, "海州"), 1);
    assert_int_equal(cov_place_name_match(COV_DISTRICTS, "灌云县", 0, "灌云"), 1);
    /* a name complete without a suffix matches only whole */
    assert_int_equal(cov_place_name_match(COV_STREETS, "东辛农场", 0, "东辛农场"), 2);
    assert_int_equal(cov_place_name_match(COV_STREETS, "东辛农场", 0, "东辛"), 0);
}

static void test_name_stem(void **state)
{
    (void)state;
    char b[64];
    assert_int_equal(cov_place_name_stem(COV_STREETS, "新浦街道办事处", b, sizeof(b)), 6);
    assert_string_equal(b, "新浦");
    cov_place_name_stem(COV_COMMUNITIES, "王庄村村委会", b, sizeof(b));
    assert_string_equal(b, "王庄");
    /* cut on a whole character */
    assert_int_equal(cov_place_name_stem(COV_STREETS, "新浦街道", b, 5), 3);
    assert_string_equal(b, "新");
}

static void test_find_by_code(void **state)
{
    struct fixture *f = *state;
    enum cov_area_how how;
    int32_t h[8];
    assert_int_equal(find(f, COV_STREETS, "320703011", -1, -1, &how, h), 1);
    assert_int_equal(how, COV_AREA_CODE);
    assert_int_equal(h[0], S_XP_LY);
    /* a code is unambiguous where the name is not */
    assert_int_equal(find(f, COV_COMMUNITIES, "320706016001", -1, -1, &how, h), 1);
    assert_int_equal(h[0], C_WZ_PX);
    /* but it must lie inside the district asked for */
    assert_int_equal(find(f, COV_STREETS, "320703011", D_HZ, -1, &how, NULL), 0);
    assert_int_equal(how, COV_AREA_NONE);
}

static void test_find_with_and_without_suffix(void **state)
{
    struct fixture *f = *state;
    enum cov_area_how how;
    int32_t h[8];
    /* 新浦 is a street of both districts: ambiguous, every match in model order */
    assert_int_equal(find(f, COV_STREETS, "新浦", -1, -1, &how, h), 2);
    assert_int_equal(how, COV_AREA_STEM);
    assert_int_equal(h[0], S_XP);
    assert_int_equal(h[1], S_XP_LY);
    /* inside one district: one; with any suffix of the kind: the same one */
    static const char *const forms[] = {"新浦", "新浦街道", "新浦街道办事处", "新浦街办"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(find(f, COV_STREETS, forms[i], D_HZ, -1, &how, h), 1);
        assert_int_equal(h[0], S_XP);
    }
    /* the whole name wins over a stem: 新浦街道 is exactly 连云区's */
    assert_int_equal(find(f, COV_STREETS, "新浦街道", -1, -1, &how, h), 1);
    assert_int_equal(how, COV_AREA_NAME);
    assert_int_equal(h[0], S_XP_LY);
    /* the district by its stem */
    assert_int_equal(find(f, COV_DISTRICTS, "海州", -1, -1, &how, h), 1);
    assert_int_equal(h[0], D_HZ);
}

static void test_find_community_kinds_and_streets(void **state)
{
    struct fixture *f = *state;
    enum cov_area_how how;
    int32_t h[8];
    /* 王庄: both urban ones and the rural one */
    assert_int_equal(find(f, COV_COMMUNITIES, "王庄", -1, -1, &how, h), 3);
    /* 王庄村: the rural one only */
    assert_int_equal(find(f, COV_COMMUNITIES, "王庄村", -1, -1, &how, h), 1);
    assert_int_equal(h[0], C_WZC_XP);
    /* the full urban name is in two streets: ambiguous until a street is given */
    assert_int_equal(find(f, COV_COMMUNITIES, "王庄社区居委会", -1, -1, &how, h), 2);
    assert_int_equal(how, COV_AREA_NAME);
    assert_int_equal(find(f, COV_COMMUNITIES, "王庄社区", -1, S_PX, &how, h), 1);
    assert_int_equal(h[0], C_WZ_PX);
}

static void test_unknown_name_suggests_closest(void **state)
{
    struct fixture *f = *state;
    enum cov_area_how how;
    int32_t h[8];
    /* 浦: both stems that hold it (新浦, 新浦, 浦西) come first */
    size_t n = find(f, COV_STREETS, "浦", -1, -1, &how, h);
    assert_int_equal(how, COV_AREA_NONE);
    assert_int_equal(n, 3);
    assert_int_equal(h[0], S_XP); /* edit distance 1 each: model order */
    assert_int_equal(h[1], S_PX);
    assert_int_equal(h[2], S_XP_LY);
    /* a stem inside the text comes before a closer one that is not: 锦屏 is
     * inside 锦屏新浦 (distance 2), 新浦 too; 浦西 is not (distance 3) */
    n = find(f, COV_STREETS, "锦屏新浦", -1, -1, &how, h);
    assert_int_equal(n, 4);
    assert_int_equal(h[0], S_XP);
    assert_int_equal(h[1], S_XP_LY);
    assert_int_equal(h[2], S_JP);
    assert_int_equal(h[3], S_PX);
    /* a typo: 新埔 shares 新 with 新浦 only */
    n = find(f, COV_STREETS, "新埔", -1, -1, &how, h);
    assert_int_equal(how, COV_AREA_NONE);
    assert_int_equal(n, 2);
    assert_int_equal(h[0], S_XP);
    /* inside a district, only its streets */
    n = find(f, COV_STREETS, "新埔", D_LY, -1, &how, h);
    assert_int_equal(n, 1);
    assert_int_equal(h[0], S_XP_LY);
    /* nothing in common: no suggestion */
    assert_int_equal(find(f, COV_STREETS, "不存在", -1, -1, &how, h), 0);
    /* a partial complete name is suggested, never matched */
    n = find(f, COV_STREETS, "东辛", -1, -1, &how, h);
    assert_int_equal(how, COV_AREA_NONE);
    assert_true(n >= 1);
    assert_int_equal(h[0], S_DX);
}

static void test_ancestors(void **state)
{
    struct fixture *f = *state;
    int32_t d, s;
    cov_areasel_ancestors(f->s, COV_COMMUNITIES, C_WZ_PX, &d, &s);
    assert_int_equal(d, D_HZ);
    assert_int_equal(s, S_PX);
    cov_areasel_ancestors(f->s, COV_STREETS, S_XP_LY, &d, &s);
    assert_int_equal(d, D_LY);
    assert_int_equal(s, S_XP_LY);
    cov_areasel_ancestors(f->s, COV_COMMUNITIES, 99, &d, &s);
    assert_int_equal(d, -1);
    assert_int_equal(s, -1);
}

static void choose(struct fixture *f, long d, long s, long c)
{
    long a[3] = {d, s, c};
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_areasel_choose(f->s, a, &err), 0);
    cov_err_release(&err);
}

static void test_choose_district(void **state)
{
    struct fixture *f = *state;
    assert_false(cov_areasel_active(f->s));
    assert_null(cov_areasel_mask(f->s, COV_STREETS));
    choose(f, D_HZ, -1, -1);
    assert_true(cov_areasel_active(f->s));
    assert_int_equal(cov_areasel_n_orgs(f->s), 4);
    assert_true(cov_areasel_has_org(f->s, &f->m->orgs[2]));
    assert_false(cov_areasel_has_org(f->s, &f->m->orgs[4]));
    assert_true(cov_areasel_has_area(f->s, COV_STREETS, S_JP));
    assert_false(cov_areasel_has_area(f->s, COV_STREETS, S_XP_LY));
    assert_false(cov_areasel_has_area(f->s, COV_STREETS, S_DX));
    assert_true(cov_areasel_has_area(f->s, COV_COMMUNITIES, C_LJ_JP));
    assert_false(cov_areasel_has_area(f->s, COV_COMMUNITIES, C_HB_LY));
    assert_false(cov_areasel_has_area(f->s, COV_DISTRICTS, D_LY));
    /* no choice again: everything */
    choose(f, -1, -1, -1);
    assert_false(cov_areasel_active(f->s));
    assert_true(cov_areasel_has_area(f->s, COV_STREETS, S_XP_LY));
    assert_int_equal(cov_areasel_n_orgs(f->s), N_ORGS);
}

static void test_choose_street_holds_its_district(void **state)
{
    struct fixture *f = *state;
    choose(f, -1, S_XP, -1);
    assert_int_equal(cov_areasel_n_orgs(f->s), 2);
    /* the district holding the street is listed (counting the street's orgs) */
    assert_true(cov_areasel_has_area(f->s, COV_DISTRICTS, D_HZ));
    assert_false(cov_areasel_has_area(f->s, COV_DISTRICTS, D_LY));
    assert_true(cov_areasel_has_area(f->s, COV_COMMUNITIES, C_WZC_XP));
    assert_false(cov_areasel_has_area(f->s, COV_COMMUNITIES, C_WZ_PX));
    assert_false(cov_areasel_has_area(f->s, COV_STREETS, S_PX));
}

static void test_summary_and_targets_inside(void **state)
{
    struct fixture *f = *state;
    struct cov_err err;
    cov_err_init(&err);
    choose(f, D_HZ, -1, -1);
    struct cov_summary t;
    assert_int_equal(cov_summarize_in(f->m, f->s, -1, &t, NULL, &err), 0);
    assert_int_equal(t.organizations, 4);
    assert_int_equal(t.covered, 2);
    struct cov_targets tg;
    assert_int_equal(cov_targets_compute_in(f->m, f->s, &tg, &err), 0);
    /* 海州区's four communities, in model order; 海滨 (连云区) is left out */
    assert_int_equal(tg.n_communities, 4);
    assert_int_equal(tg.communities[0].community, C_WZ_XP);
    assert_int_equal(tg.communities[0].community_orgs, 2);
    assert_int_equal(tg.communities[3].community, C_LJ_JP);
    assert_true(fabs(tg.targets[COV_T_COVERAGE_RATE].value - 0.5) < 1e-12);
    /* urban communities of 海州区: 王庄 x2, one meets nothing: 2 community orgs < 5 */
    assert_int_equal((int)tg.targets[COV_T_URBAN].threshold, 2);
    cov_targets_release(&tg);
    /* no choice: the whole model, as cov_targets_compute */
    choose(f, -1, -1, -1);
    assert_int_equal(cov_targets_compute_in(f->m, f->s, &tg, &err), 0);
    assert_int_equal(tg.n_communities, 5);
    cov_targets_release(&tg);
    cov_err_release(&err);
}

static void test_plan_part(void **state)
{
    struct fixture *f = *state;
    /* A hand-made plan: a standalone group of o1 (海州区), a joint group of o2
     * (海州区) and o4 (连云区), o5 left for an instructor; scope streets. */
    size_t g0[] = {1}, g1[] = {2, 4}, instr[] = {5};
    struct cov_group groups[2];
    memset(groups, 0, sizeof(groups));
    groups[0] = (struct cov_group){.id = 1,
                                   .kind = COV_G_STANDALONE,
                                   .area = S_XP,
                                   .area_layer = COV_STREETS,
                                   .members = g0,
                                   .n_members = 1};
    groups[1] = (struct cov_group){.id = 2,
                                   .kind = COV_G_JOINT,
                                   .area = S_PX,
                                   .area_layer = COV_STREETS,
                                   .members = g1,
                                   .n_members = 2,
                                   .cost_m = 100,
                                   .diameter_m = 200};
    struct cov_scope_result scopes[] = {
        {.area = S_PX, .candidates = 1, .covered = 1, .bound = 1},
        {.area = S_XP_LY, .candidates = 2, .covered = 1, .bound = 2}};
    struct cov_plan p;
    memset(&p, 0, sizeof(p));
    p.groups = groups;
    p.n_groups = 2;
    p.instructor = instr;
    p.n_instructor = 1;
    p.scopes = scopes;
    p.n_scopes = 2;
    p.scope = COV_STREETS;

    choose(f, -1, S_XP_LY, -1); /* 连云区's 新浦街道: o4, o5 */
    struct cov_plan *v = cov_areasel_plan(f->s, &p);
    assert_non_null(v);
    assert_int_equal(v->n_groups, 1);
    assert_int_equal(v->groups[0].id, 2);
    assert_int_equal(v->n_kind[COV_G_JOINT], 1);
    assert_int_equal(v->covered_kind[COV_G_JOINT], 1); /* o4 only */
    assert_int_equal(v->n_instructor, 1);
    assert_int_equal(v->n_scopes, 1);
    assert_int_equal(v->candidates, 2);
    assert_int_equal(v->bound, 2);
    assert_int_equal(v->bound_simple, -1);
    assert_int_equal(v->orgs_covered_before, 0);
    assert_int_equal(v->orgs_covered_after, 1);
    assert_true(fabs(v->coverage_rate_after - 0.5) < 1e-12);
    assert_int_equal(v->n_manual, 0);
    cov_plan_free(v);

    choose(f, D_HZ, -1, -1); /* o0..o3: o0, o3 covered; o1, o2 in groups */
    v = cov_areasel_plan(f->s, &p);
    assert_non_null(v);
    assert_int_equal(v->n_groups, 2);
    assert_int_equal(v->n_instructor, 0);
    assert_int_equal(v->orgs_covered_after, 4);
    assert_true(fabs(v->joint_cost_m - 100) < 1e-12);
    cov_plan_free(v);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_match_forms),
        cmocka_unit_test(test_name_stem),
        T(test_find_by_code),
        T(test_find_with_and_without_suffix),
        T(test_find_community_kinds_and_streets),
        T(test_unknown_name_suggests_closest),
        T(test_ancestors),
        T(test_choose_district),
        T(test_choose_street_holds_its_district),
        T(test_summary_and_targets_inside),
        T(test_plan_part),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
