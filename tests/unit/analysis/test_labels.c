/* test_labels.c - the one table of user-visible names: complete, distinct, thresholds from the
 * policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../../analysis/coverage.h"
#include "../../../analysis/labels.h"
#include "../../../analysis/targets.h"

typedef const char *(*label_fn)(int v, enum cov_lang l);

static const char *status_l(int v, enum cov_lang l)
{
    return cov_label_status((enum cov_status)v, l);
}
static const char *party_l(int v, enum cov_lang l)
{
    return cov_label_party((enum cov_party)v, l);
}
static const char *kind_l(int v, enum cov_lang l)
{
    return cov_label_group_kind((enum cov_group_kind)v, l);
}
static const char *layer_l(int v, enum cov_lang l)
{
    return cov_label_layer((enum cov_layer)v, l);
}
static const char *ur_l(int v, enum cov_lang l)
{
    return cov_label_ur((enum cov_ur)v, l);
}
static const char *placed_l(int v, enum cov_lang l)
{
    return cov_label_placed((enum cov_placed)v, l);
}
static const char *source_l(int v, enum cov_lang l)
{
    return cov_label_source((enum cov_source)v, l);
}
static const char *target_l(int v, enum cov_lang l)
{
    static char buf[COV_T_COUNT][2][128]; /* distinct buffers: the check compares them all */
    return cov_label_target(v, NULL, l, buf[v][l], sizeof(buf[v][l]));
}

/* Every value in [0, n) has a non-empty label in both languages, and the labels of one
 * enum in one language are pairwise distinct. */
static void check_enum(label_fn f, int n)
{
    for (int li = 0; li < 2; li++) {
        enum cov_lang l = li ? COV_LANG_EN : COV_LANG_ZH;
        for (int i = 0; i < n; i++) {
            const char *a = f(i, l);
            assert_non_null(a);
            assert_true(strlen(a) > 0);
            assert_string_not_equal(a, "?");
            for (int j = 0; j < i; j++)
                assert_string_not_equal(a, f(j, l));
        }
    }
    /* English and Chinese differ: a missing translation would copy one into the other */
    for (int i = 0; i < n; i++)
        assert_string_not_equal(f(i, COV_LANG_ZH), f(i, COV_LANG_EN));
}

static void test_every_value_labelled(void **state)
{
    (void)state;
    check_enum(status_l, COV_ST_COUNT);
    check_enum(party_l, COV_PARTY_COUNT);
    check_enum(kind_l, COV_G_COUNT);
    check_enum(layer_l, COV_NLAYERS);
    check_enum(ur_l, COV_UR_RURAL + 1);
    check_enum(target_l, COV_T_COUNT);
    check_enum(placed_l, COV_PLACED_COUNT);
    check_enum(source_l, COV_SRC_COUNT);
}

static void test_out_of_range(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(cov_label_status(COV_ST_COUNT, COV_LANG_ZH), "?");
    assert_string_equal(cov_label_party(COV_PARTY_COUNT, COV_LANG_EN), "?");
    assert_string_equal(cov_label_group_kind(COV_G_COUNT, COV_LANG_ZH), "?");
    assert_string_equal(cov_label_layer(COV_NLAYERS, COV_LANG_ZH), "?");
    assert_string_equal(cov_label_ur((enum cov_ur)3, COV_LANG_EN), "?");
    assert_string_equal(cov_label_target(COV_T_COUNT, NULL, COV_LANG_ZH, buf, sizeof(buf)), "?");
    assert_string_equal(cov_label_target(-1, NULL, COV_LANG_EN, buf, sizeof(buf)), "?");
    assert_null(cov_label_route(COV_ST_COUNT, COV_LANG_ZH));
}

static void test_route(void **state)
{
    (void)state;
    for (int s = 0; s < COV_ST_COUNT; s++) {
        int uncovered = s >= COV_ST_ELIGIBLE;
        for (int li = 0; li < 2; li++) {
            const char *r = cov_label_route((enum cov_status)s, li ? COV_LANG_EN : COV_LANG_ZH);
            if (!uncovered) {
                assert_null(r);
                continue;
            }
            assert_non_null(r);
            assert_true(strlen(r) > 0);
        }
    }
    assert_string_equal(cov_label_route(COV_ST_ELIGIBLE, COV_LANG_ZH), "单独组建");
    assert_string_equal(cov_label_route(COV_ST_SMALL, COV_LANG_ZH), "联合/区域组建");
    assert_string_equal(cov_label_route(COV_ST_NO_MEMBERS, COV_LANG_ZH), "选派党建工作指导员");
    assert_string_not_equal(cov_label_route(COV_ST_SMALL, COV_LANG_EN),
                            cov_label_route(COV_ST_NO_MEMBERS, COV_LANG_EN));
}

/* The old names stay what they were, now read from the one table. */
static void test_wrappers(void **state)
{
    (void)state;
    for (int s = 0; s < COV_ST_COUNT; s++) {
        const char *a = cov_route_name_zh((enum cov_status)s), *b = cov_label_route(s, COV_LANG_ZH);
        if (!b)
            assert_null(a);
        else
            assert_string_equal(a, b);
    }
    for (int k = 0; k < COV_G_COUNT; k++)
        assert_string_equal(cov_group_kind_name_zh((enum cov_group_kind)k),
                            cov_label_group_kind((enum cov_group_kind)k, COV_LANG_ZH));
    assert_null(cov_group_kind_name_zh(COV_G_COUNT));
}

static void test_status_default_policy(void **state)
{
    (void)state;
    struct cov_policy p;
    cov_policy_init(&p);
    char buf[96];
    assert_string_equal(cov_label_status(COV_ST_SMALL, COV_LANG_ZH), "未覆盖（党员1-2人）");
    /* the static label is the policy's default, formatted */
    for (int s = 0; s < COV_ST_COUNT; s++)
        for (int li = 0; li < 2; li++) {
            enum cov_lang l = li ? COV_LANG_EN : COV_LANG_ZH;
            assert_string_equal(cov_label_status_p((enum cov_status)s, &p, l, buf, sizeof(buf)),
                                cov_label_status((enum cov_status)s, l));
            assert_string_equal(cov_label_status_p((enum cov_status)s, NULL, l, buf, sizeof(buf)),
                                cov_label_status((enum cov_status)s, l));
        }
}

static void test_status_follows_policy(void **state)
{
    (void)state;
    struct cov_policy p;
    struct cov_err err;
    cov_err_init(&err);
    cov_policy_init(&p);
    assert_int_equal(cov_policy_set(&p, COV_P_STANDALONE_MIN_MEMBERS, "5", &err), 0);
    char buf[96];
    assert_string_equal(cov_label_status_p(COV_ST_SMALL, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        "未覆盖（党员1-4人）");
    assert_string_equal(cov_label_status_p(COV_ST_SMALL, &p, COV_LANG_EN, buf, sizeof(buf)),
                        "Uncovered: 1-4 formal members");
    /* statuses without a threshold do not move */
    assert_string_equal(cov_label_status_p(COV_ST_ELIGIBLE, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        cov_label_status(COV_ST_ELIGIBLE, COV_LANG_ZH));
    /* a range of one value */
    assert_int_equal(cov_policy_set(&p, COV_P_STANDALONE_MIN_MEMBERS, "2", &err), 0);
    assert_string_equal(cov_label_status_p(COV_ST_SMALL, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        "未覆盖（党员1人）");
    assert_string_equal(cov_label_status_p(COV_ST_SMALL, &p, COV_LANG_EN, buf, sizeof(buf)),
                        "Uncovered: 1 formal member");
    /* truncation keeps a terminated string */
    char small[4];
    cov_label_status_p(COV_ST_SMALL, &p, COV_LANG_EN, small, sizeof(small));
    assert_string_equal(small, "Unc");
    cov_err_release(&err);
}

static void test_target_follows_policy(void **state)
{
    (void)state;
    struct cov_policy p;
    struct cov_err err;
    cov_err_init(&err);
    cov_policy_init(&p);
    char buf[128];
    assert_string_equal(cov_label_target(COV_T_URBAN, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        "城市社区社会组织达标（≥5个）");
    assert_string_equal(cov_label_target(COV_T_RURAL, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        "农村社区社会组织达标（≥2个）");
    assert_int_equal(cov_policy_set(&p, COV_P_URBAN_COMMUNITY_MIN_ORGS, "6", &err), 0);
    assert_int_equal(cov_policy_set(&p, COV_P_RURAL_COMMUNITY_MIN_ORGS, "3", &err), 0);
    assert_string_equal(cov_label_target(COV_T_URBAN, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        "城市社区社会组织达标（≥6个）");
    assert_string_equal(cov_label_target(COV_T_URBAN, &p, COV_LANG_EN, buf, sizeof(buf)),
                        "Urban communities with at least 6 community organizations");
    assert_string_equal(cov_label_target(COV_T_RURAL, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        "农村社区社会组织达标（≥3个）");
    assert_string_equal(cov_label_target(COV_T_COVERAGE_RATE, &p, COV_LANG_ZH, buf, sizeof(buf)),
                        "党的组织覆盖率");
    cov_err_release(&err);
}

static void test_yesno(void **state)
{
    (void)state;
    assert_string_equal(cov_label_yesno(1, COV_LANG_ZH), "是");
    assert_string_equal(cov_label_yesno(0, COV_LANG_ZH), "否");
    assert_string_equal(cov_label_yesno(7, COV_LANG_EN), "yes");
    assert_string_equal(cov_label_yesno(0, COV_LANG_EN), "no");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_value_labelled),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_route),
        cmocka_unit_test(test_wrappers),
        cmocka_unit_test(test_status_default_policy),
        cmocka_unit_test(test_status_follows_policy),
        cmocka_unit_test(test_target_follows_policy),
        cmocka_unit_test(test_yesno),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
