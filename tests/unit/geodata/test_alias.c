/* test_alias.c - column aliases, overrides and value parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../geodata/alias.h"

struct fixture {
    struct cov_err err;
    struct geo_field_map map;
};

static int setup(void **state) {
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    cov_err_init(&f.err);
    *state = &f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    cov_err_release(&f->err);
    return 0;
}

static int map(struct fixture *f, enum cov_layer layer, const char *const *cols, size_t n,
               const char *const *ov, size_t n_ov, int need_lonlat) {
    return geo_alias_map(layer, cols, n, ov, n_ov, need_lonlat, "in.csv", &f->map, &f->err);
}

static void test_normalize_bom_space_case_parens(void **state) {
    (void)state;
    char out[64];
    geo_alias_normalize("\xEF\xBB\xBF  Credit_Code \t", out, sizeof(out));
    assert_string_equal(out, "credit_code");
    geo_alias_normalize("\xE3\x80\x80经度（度）\xE3\x80\x80", out, sizeof(out));
    assert_string_equal(out, "经度(度)");
    geo_alias_normalize("LONGITUDE", out, 4);
    assert_string_equal(out, "lon");
}

static void test_chinese_org_columns_map(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {
        "序号", "统一社会信用代码", "社会组织名称", "正式党员数", "党组织类型", "经度", "纬度"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 7, NULL, 0, 1), 0);
    assert_int_equal(f->map.col[GEO_ORG_ID], 1);
    assert_int_equal(f->map.id_is_credit, 1);
    assert_int_equal(f->map.col[GEO_ORG_NAME], 2);
    assert_int_equal(f->map.col[GEO_ORG_FORMAL], 3);
    assert_int_equal(f->map.col[GEO_ORG_PARTY], 4);
    assert_int_equal(f->map.col[GEO_ORG_LON], 5);
    assert_int_equal(f->map.col[GEO_ORG_LAT], 6);
    assert_int_equal(f->map.col[GEO_ORG_STAFF], -1);
}

static void test_english_columns_with_bom_and_case(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"\xEF\xBB\xBFName", " USCC ", "Formal_Members", "LNG",
                                       "Lat"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 5, NULL, 0, 1), 0);
    assert_int_equal(f->map.col[GEO_ORG_NAME], 0);
    assert_int_equal(f->map.col[GEO_ORG_ID], 1);
    assert_int_equal(f->map.id_is_credit, 1);
    assert_int_equal(f->map.col[GEO_ORG_LON], 3);
    assert_int_equal(f->map.col[GEO_ORG_LAT], 4);
}

static void test_own_id_column_is_not_credit_and_xuhao_is_no_id(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"序号", "编号", "名称", "正式党员"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 4, NULL, 0, 0), 0);
    assert_int_equal(f->map.col[GEO_ORG_ID], 1);
    assert_int_equal(f->map.id_is_credit, 0);

    static const char *const only_xuhao[] = {"序号", "名称", "正式党员"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, only_xuhao, 3, NULL, 0, 0), COV_EINPUT);
}

static void test_credit_alias_wins_over_own_id(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"id", "名称", "信用代码", "正式党员"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 4, NULL, 0, 0), 0);
    assert_int_equal(f->map.col[GEO_ORG_ID], 2);
    assert_int_equal(f->map.id_is_credit, 1);
}

static void test_missing_required_column_lists_aliases_and_columns(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"名称", "正式党员数", "经度", "纬度"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 4, NULL, 0, 1), COV_EINPUT);
    const char *m = cov_err_msg(&f->err);
    assert_non_null(strstr(m,
                           "in.csv: required column for id not found (looked for: "
                           "统一社会信用代码, 信用代码, 社会信用代码, credit_code, uscc, 编号, id;"
                           " columns present: 名称, 正式党员数, 经度, 纬度)"));
    assert_int_equal(f->err.count, 1);
}

static void test_lonlat_required_only_when_asked(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"信用代码", "名称", "正式党员数"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 3, NULL, 0, 0), 0);
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 3, NULL, 0, 1), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "required column for lon not found"));
    assert_non_null(strstr(cov_err_msg(&f->err), "required column for lat not found"));
}

static void test_override_picks_column(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"机构代码", "名称", "党员", "正式党员数"};
    static const char *const ov[] = {"id=机构代码", "formal_members=党员"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 4, ov, 2, 0), 0);
    assert_int_equal(f->map.col[GEO_ORG_ID], 0);
    assert_int_equal(f->map.id_is_credit, 0);
    assert_int_equal(f->map.col[GEO_ORG_FORMAL], 2);
}

static void test_override_unknown_field_names_fields(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"信用代码", "名称", "正式党员数"};
    static const char *const ov[] = {"members=正式党员数"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 3, ov, 1, 0), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "unknown field 'members' (fields of "
                                                 "organizations: id, name, kind,"));
}

static void test_override_absent_column_lists_columns(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"信用代码", "名称", "正式党员数"};
    static const char *const ov[] = {"name=单位"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 3, ov, 1, 0), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err),
                           "--field name=单位: no column '单位' (columns present: 信用代码, 名称, "
                           "正式党员数)"));
}

static void test_community_columns_and_parent(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"统计用区划代码", "名称", "所属街道代码", "城乡分类代码"};
    assert_int_equal(map(f, COV_COMMUNITIES, cols, 4, NULL, 0, 0), 0);
    assert_int_equal(f->map.col[GEO_AREA_CODE], 0);
    assert_int_equal(f->map.col[GEO_AREA_PARENT], 2);
    assert_int_equal(f->map.col[GEO_AREA_UR_CODE], 3);
    assert_int_equal(f->map.col[GEO_AREA_TYPE], -1);
}

static void test_community_needs_ur_code_or_type(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"code", "name"};
    assert_int_equal(map(f, COV_COMMUNITIES, cols, 2, NULL, 0, 0), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "required column for ur_code or type not found"));
    /* The same columns are enough for a district. */
    cov_err_release(&f->err);
    assert_int_equal(map(f, COV_DISTRICTS, cols, 2, NULL, 0, 0), 0);
}

static void test_street_parent_aliases(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"区划代码", "区划名称", "县区代码"};
    assert_int_equal(map(f, COV_STREETS, cols, 3, NULL, 0, 0), 0);
    assert_int_equal(f->map.col[GEO_AREA_NAME], 1);
    assert_int_equal(f->map.col[GEO_AREA_PARENT], 2);
}

static void test_yesno_values(void **state) {
    (void)state;
    int v = -1;
    const char *yes[] = {"是", " 有 ", "YES", "y", "True", "1"};
    const char *no[] = {"否", "无", "no", "N", "false", "0", "", "  "};
    for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
        v = -1;
        assert_int_equal(geo_parse_yesno(yes[i], &v), 0);
        assert_int_equal(v, 1);
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++) {
        v = -1;
        assert_int_equal(geo_parse_yesno(no[i], &v), 0);
        assert_int_equal(v, 0);
    }
    assert_int_equal(geo_parse_yesno("maybe", &v), -1);
    assert_int_equal(geo_parse_yesno("2", &v), -1);
}

static void test_party_values(void **state) {
    (void)state;
    static const struct {
        const char *s;
        enum cov_party p;
    } cases[] = {
        {"", COV_PARTY_NONE},
        {"无", COV_PARTY_NONE},
        {"未建", COV_PARTY_NONE},
        {"没有", COV_PARTY_NONE},
        {"空", COV_PARTY_NONE},
        {"None", COV_PARTY_NONE},
        {"单独", COV_PARTY_STANDALONE},
        {"单独组建", COV_PARTY_STANDALONE},
        {"独立", COV_PARTY_STANDALONE},
        {"standalone", COV_PARTY_STANDALONE},
        {"联合", COV_PARTY_JOINT},
        {"联合组建", COV_PARTY_JOINT},
        {"联合党支部", COV_PARTY_JOINT},
        {"JOINT", COV_PARTY_JOINT},
        {"区域性", COV_PARTY_REGIONAL},
        {"regional", COV_PARTY_REGIONAL},
        {"行业", COV_PARTY_INDUSTRY},
        {"industry", COV_PARTY_INDUSTRY},
        {"功能型", COV_PARTY_FUNCTIONAL},
        {"功能", COV_PARTY_FUNCTIONAL},
        {"functional", COV_PARTY_FUNCTIONAL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        enum cov_party p = COV_PARTY_COUNT;
        assert_int_equal(geo_parse_party(cases[i].s, &p), 0);
        assert_int_equal(p, cases[i].p);
    }
    enum cov_party p = COV_PARTY_COUNT;
    assert_int_equal(geo_parse_party("有", &p), -1);
    assert_int_equal(geo_parse_party("jointly", &p), -1);
    assert_int_equal(p, COV_PARTY_COUNT);
}

static void test_ur_values(void **state) {
    (void)state;
    enum cov_ur u = COV_UR_UNKNOWN;
    int code = 0;
    assert_int_equal(geo_parse_ur("居委会", &u), 0);
    assert_int_equal(u, COV_UR_URBAN);
    assert_int_equal(geo_parse_ur("Urban", &u), 0);
    assert_int_equal(u, COV_UR_URBAN);
    assert_int_equal(geo_parse_ur("村委会", &u), 0);
    assert_int_equal(u, COV_UR_RURAL);
    assert_int_equal(geo_parse_ur("乡村", &u), 0);
    assert_int_equal(u, COV_UR_RURAL);
    assert_int_equal(geo_parse_ur("", &u), -1);
    assert_int_equal(geo_parse_ur("镇", &u), -1);
    assert_int_equal(geo_parse_urcode("111", &u, &code), 0);
    assert_int_equal(u, COV_UR_URBAN);
    assert_int_equal(code, 111);
    assert_int_equal(geo_parse_urcode(" 220 ", &u, &code), 0);
    assert_int_equal(u, COV_UR_RURAL);
    assert_int_equal(code, 220);
    assert_int_equal(geo_parse_urcode("311", &u, &code), -1);
    assert_int_equal(geo_parse_urcode("11", &u, &code), -1);
}

static void test_count_values(void **state) {
    (void)state;
    int v = -7;
    assert_int_equal(geo_parse_count(" 3 ", &v), GEO_COUNT_OK);
    assert_int_equal(v, 3);
    assert_int_equal(geo_parse_count("4.0", &v), GEO_COUNT_OK);
    assert_int_equal(v, 4);
    assert_int_equal(geo_parse_count("", &v), GEO_COUNT_EMPTY);
    assert_int_equal(geo_parse_count("abc", &v), GEO_COUNT_NOT_NUMBER);
    assert_int_equal(geo_parse_count("3人", &v), GEO_COUNT_NOT_NUMBER);
    assert_int_equal(geo_parse_count("nan", &v), GEO_COUNT_NOT_NUMBER);
    assert_int_equal(geo_parse_count("-1", &v), GEO_COUNT_NEGATIVE);
    assert_int_equal(geo_parse_count("2.5", &v), GEO_COUNT_NOT_INTEGER);
    assert_int_equal(geo_parse_count("1e12", &v), GEO_COUNT_TOO_LARGE);
    assert_int_equal(v, 4);
}

static void test_coord_values(void **state) {
    (void)state;
    double d = 0;
    assert_int_equal(geo_parse_coord(" 119.25 ", &d), 0);
    assert_true(d > 119.2499 && d < 119.2501);
    assert_int_equal(geo_parse_coord("", &d), -1);
    assert_int_equal(geo_parse_coord("119.2E", &d), -2);
    assert_int_equal(geo_parse_coord("inf", &d), -3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_bom_space_case_parens),
        cmocka_unit_test_setup_teardown(test_chinese_org_columns_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_english_columns_with_bom_and_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_id_column_is_not_credit_and_xuhao_is_no_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_credit_alias_wins_over_own_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_required_column_lists_aliases_and_columns,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lonlat_required_only_when_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_picks_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_unknown_field_names_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_absent_column_lists_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_community_columns_and_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_community_needs_ur_code_or_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_street_parent_aliases, setup, teardown),
        cmocka_unit_test(test_yesno_values),
        cmocka_unit_test(test_party_values),
        cmocka_unit_test(test_ur_values),
        cmocka_unit_test(test_count_values),
        cmocka_unit_test(test_coord_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
