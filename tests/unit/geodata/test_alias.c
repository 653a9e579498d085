/* test_alias.c - column aliases, overrides and value parsers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
    assert_string_equal(out, "经度");
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
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 3, ov, 1, 0), COV_EUSAGE);
    assert_non_null(strstr(cov_err_msg(&f->err), "unknown field 'members' (fields of "
                                                 "organizations: id, name, kind,"));
}

static void test_override_absent_column_lists_columns(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"信用代码", "名称", "正式党员数"};
    static const char *const ov[] = {"name=单位"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 3, ov, 1, 0), COV_EUSAGE);
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
    assert_int_equal(geo_parse_coord("119.2X", &d), -2);
    assert_int_equal(geo_parse_coord("inf", &d), -2);
    assert_int_equal(geo_parse_coord("1e999", &d), -3);
}

/* Plain decimals (the fast path) give strtod's value bit for bit, whatever
 * their number of digits (more than 15 take the general path). */
static void test_coord_plain_decimals_are_exact(void **state) {
    (void)state;
    uint64_t r = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        int ip = (int)(r % 181), nd = (int)((r >> 8) % 19);
        char s[64];
        int k = snprintf(s, sizeof(s), "%s%d.", (r >> 20) & 1 ? "-" : "", ip);
        uint64_t q = r >> 24;
        for (int j = 0; j < nd; j++, q /= 10)
            s[k++] = (char)('0' + q % 10);
        s[k] = '\0';
        double got = -999, want = strtod(s, NULL) + 0.0;
        if (geo_parse_coord(s, &got) || memcmp(&got, &want, sizeof(got)))
            fail_msg("'%s': %.17g, strtod %.17g", s, got, want);
    }
    double d = -1;
    assert_int_equal(geo_parse_coord("-0.0", &d), 0);
    assert_true(d == 0 && !signbit(d));
    assert_int_equal(geo_parse_coord(" .5 ", &d), 0);
    assert_true(d == 0.5);
    assert_int_equal(geo_parse_coord("+5", &d), 0);
    assert_true(d == 5);
    assert_int_equal(geo_parse_coord("1.", &d), 0);
    assert_true(d == 1);
    assert_int_equal(geo_parse_coord(".", &d), -2);
    assert_int_equal(geo_parse_coord("1.2.3", &d), -2);
    assert_int_equal(geo_parse_coord("--1", &d), -2);
}

static void assert_coord(const char *s, double want)
{
    double d = -999;
    if (geo_parse_coord(s, &d))
        fail_msg("'%s' not parsed", s);
    if (fabs(d - want) > 1e-9)
        fail_msg("'%s' parsed as %.10f, expected %.10f", s, d, want);
}

static void test_coord_dms_fullwidth_and_letters(void **state) {
    (void)state;
    assert_coord("119°09'41.1\"", 119 + 9 / 60.0 + 41.1 / 3600.0);
    assert_coord("119°9′37.98″", 119 + 9 / 60.0 + 37.98 / 3600.0);
    assert_coord("119度10分12.6秒", 119 + 10 / 60.0 + 12.6 / 3600.0);
    assert_coord("E119°09'41.1\"", 119 + 9 / 60.0 + 41.1 / 3600.0);
    assert_coord("34°36'N", 34.6);
    assert_coord("E119.16", 119.16);
    assert_coord("119.16E", 119.16);
    assert_coord("119.16°", 119.16);
    assert_coord("N 34.6", 34.6);
    assert_coord("S 34.6", -34.6);
    assert_coord("W119°30'", -119.5);
    assert_coord("１１９．１６", 119.16);
    assert_coord("１１９°０９′", 119.15);
    double d;
    assert_int_equal(geo_parse_coord("119°61'", &d), -2);     /* minutes < 60 */
    assert_int_equal(geo_parse_coord("119 09 41", &d), -2);   /* ambiguous without marks */
    assert_int_equal(geo_parse_coord("119°09'41\"12", &d), -2); /* too many parts */
    assert_int_equal(geo_parse_coord("东经119度", &d), -2);
}

static void test_count_fullwidth(void **state) {
    (void)state;
    int v = -1;
    assert_int_equal(geo_parse_count("１５", &v), GEO_COUNT_OK);
    assert_int_equal(v, 15);
    assert_int_equal(geo_parse_count("\xE3\x80\x80３\xE3\x80\x80", &v), GEO_COUNT_OK);
    assert_int_equal(v, 3);
}

static void test_normalize_register_headers(void **state) {
    (void)state;
    char out[128];
    geo_alias_normalize("正式党员数（人）", out, sizeof(out));
    assert_string_equal(out, "正式党员数");
    geo_alias_normalize("正式 党员数", out, sizeof(out));
    assert_string_equal(out, "正式党员数");
    geo_alias_normalize("正式\n党员数（人）", out, sizeof(out));
    assert_string_equal(out, "正式党员数");
    geo_alias_normalize("资产(万元)", out, sizeof(out));
    assert_string_equal(out, "资产");
    geo_alias_normalize("ＩＤ", out, sizeof(out));
    assert_string_equal(out, "id");
    geo_alias_normalize("村（居）委会", out, sizeof(out));
    assert_string_equal(out, "村(居)委会");
}

static void test_register_columns_map(void **state) {
    struct fixture *f = *state;
    static const char *const cols[] = {"序号",     "统一社会信用代码", "社会组织名称",
                                       "登记管理机关", "业务主管单位", "法定代表人",
                                       "成立登记日期", "住  所", "正式\n党员数（人）",
                                       "所属社区", "所属街道（乡镇）"};
    assert_int_equal(map(f, COV_ORGANIZATIONS, cols, 11, NULL, 0, 0), 0);
    assert_int_equal(f->map.col[GEO_ORG_AUTHORITY], 3);
    assert_int_equal(f->map.col[GEO_ORG_SUPERVISOR], 4);
    assert_int_equal(f->map.col[GEO_ORG_LEGAL_REP], 5);
    assert_int_equal(f->map.col[GEO_ORG_REG_DATE], 6);
    assert_int_equal(f->map.col[GEO_ORG_ADDRESS], 7);
    assert_int_equal(f->map.col[GEO_ORG_FORMAL], 8);
    assert_int_equal(f->map.col[GEO_ORG_COMM_REF], 9);
    assert_int_equal(f->map.col[GEO_ORG_STREET_REF], 10);
    assert_int_equal(f->map.col[GEO_ORG_LON], -1);
}

static void test_header_score(void **state) {
    (void)state;
    int key = 0;
    static const char *const title[] = {"连云港市海州区社会组织名录（2021年）", "", ""};
    assert_int_equal(geo_alias_header_score(COV_ORGANIZATIONS, title, 3, &key), 0);
    static const char *const hdr[] = {"序号", "统一社会信用代码", "名称", "住所"};
    assert_int_equal(geo_alias_header_score(COV_ORGANIZATIONS, hdr, 4, &key), 3);
    assert_int_equal(key, 1);
    /* two known names but neither the id nor the name */
    static const char *const nokey[] = {"住所", "正式党员数"};
    assert_int_equal(geo_alias_header_score(COV_ORGANIZATIONS, nokey, 2, &key), 2);
    assert_int_equal(key, 0);
}

static void test_escape_and_text_checks(void **state) {
    (void)state;
    char out[64];
    assert_string_equal(geo_escape("正式\n党员数", out, sizeof(out)), "正式\\n党员数");
    assert_string_equal(geo_escape("a\x01" "b\xff" "c", out, sizeof(out)), "a\\x01b\\xffc");
    char small[12];
    geo_escape("一二三四五六七八", small, sizeof(small));
    assert_true(strlen(small) < sizeof(small));
    const char *why = NULL;
    assert_int_equal(geo_text_ok("王庄社区\t解放路", &why), 1);
    assert_int_equal(geo_text_ok("bad\xff\xfe", &why), 0);
    assert_string_equal(why, "is not valid UTF-8");
    assert_int_equal(geo_text_ok("a\x07" "b", &why), 0);
    assert_string_equal(why, "contains a control character");
    assert_int_equal(geo_text_ok("\xED\xA0\x80", &why), 0); /* a surrogate */
}

static void test_ur_2008_categories(void **state) {
    (void)state;
    enum cov_ur ur = COV_UR_UNKNOWN;
    assert_int_equal(geo_parse_ur("城区", &ur), 0);
    assert_int_equal(ur, COV_UR_URBAN);
    assert_int_equal(geo_parse_ur("镇区", &ur), 0);
    assert_int_equal(ur, COV_UR_URBAN);
    assert_int_equal(geo_parse_ur("乡村", &ur), 0);
    assert_int_equal(ur, COV_UR_RURAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_bom_space_case_parens),
        cmocka_unit_test(test_coord_dms_fullwidth_and_letters),
        cmocka_unit_test(test_count_fullwidth),
        cmocka_unit_test(test_normalize_register_headers),
        cmocka_unit_test_setup_teardown(test_register_columns_map, setup, teardown),
        cmocka_unit_test(test_header_score),
        cmocka_unit_test(test_escape_and_text_checks),
        cmocka_unit_test(test_ur_2008_categories),
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
        cmocka_unit_test(test_coord_plain_decimals_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
