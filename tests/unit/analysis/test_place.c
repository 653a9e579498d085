/* test_place.c - placement by community/street columns, address and credit code; drawing points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/geos.h"
#include "../../../analysis/place.h"

/*
 * The mini gazetteer. Two districts; 新浦 is a street name in both (with
 * different suffixes); 王庄社区居委会 is in two streets of 海州区; 新浦街道
 * has both 王庄社区居委会 and 王庄村委会; 华山社区 gives its stem to 华山路;
 * 新浦东社区 has a stem that begins with another (新浦); 东村委会 has a
 * one-character stem; 柳河 has no suffix (rural by ur); 东辛农场 is a street
 * without a known suffix.
 */
enum { D_HZ, D_LY };
enum { S_XP, S_PX, S_XP_LY, S_JP, S_XG, S_LN, S_DX };
enum { C_WZ_XP, C_WZ_PX, C_WZC_XP, C_LJ, C_XPD, C_HS, C_DC, C_XZ, C_HB, C_LH, C_LNC, C_ZD, C_BZ };

static const struct {
    const char *code, *name, *parent;
    enum cov_ur ur;
} DISTRICTS[] = {{"320706", "海州区", NULL, 0}, {"320703", "连云区", NULL, 0}},
  STREETS[] = {{"320706010", "新浦街道办事处", "320706", 0},
               {"320706016", "浦西街道办事处", "320706", 0},
               {"320703011", "新浦街道", "320703", 0},
               {"320706100", "锦屏镇", "320706", 0},
               {"320703001", "墟沟街道", "320703", 0},
               {"320706200", "李埝乡", "320706", 0},
               {"320703400", "东辛农场", "320703", 0}},
  COMMUNITIES[] = {{"320706010001", "王庄社区居委会", "320706010", COV_UR_URBAN},
                   {"320706016001", "王庄社区居委会", "320706016", COV_UR_URBAN},
                   {"320706010201", "王庄村委会", "320706010", COV_UR_RURAL},
                   {"320706100201", "李集村委会", "320706100", COV_UR_RURAL},
                   {"320706016002", "新浦东社区居委会", "320706016", COV_UR_URBAN},
                   {"320706010002", "华山社区居委会", "320706010", COV_UR_URBAN},
                   {"320706100202", "东村委会", "320706100", COV_UR_RURAL},
                   {"320703001001", "夏庄居委会", "320703001", COV_UR_URBAN},
                   {"320703011001", "海滨社区居委会", "320703011", COV_UR_URBAN},
                   {"320703001201", "柳河", "320703001", COV_UR_RURAL},
                   {"320706200201", "李埝村民委员会", NULL, COV_UR_RURAL},
                   {"320703400001", "镇东管理区社区", "320703400", COV_UR_URBAN},
                   {"320703400500", "包庄管理区生活区", "320703400", COV_UR_URBAN}};

struct fixture {
    struct cov_model *m;
    struct cov_gazetteer *g;
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
    f->g = cov_gazetteer_new(f->m);
    assert_non_null(f->g);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    cov_gazetteer_free(f->g);
    cov_model_free(f->m);
    free(f);
    return 0;
}

/* Place with the given inputs (NULL for absent). */
static struct cov_placement place4(void **state, const char *community, const char *street,
                                   const char *address, const char *credit)
{
    struct fixture *f = *state;
    struct cov_place_in in = {community, street, address, credit};
    struct cov_placement p;
    assert_int_equal(cov_place(f->g, &in, &p), 0);
    return p;
}

static struct cov_placement addr(void **state, const char *address)
{
    return place4(state, NULL, NULL, address, NULL);
}

#define assert_placed(p, lev, src, d, s, c)                                                        \
    do {                                                                                           \
        if ((p).level != (lev) || (p).source != (src) || (p).district != (d) ||                    \
            (p).street != (s) || (p).community != (c))                                             \
            print_error("placed %s by %s at %d/%d/%d (note: %s)\n", cov_placed_name((p).level),    \
                        cov_source_name((p).source), (int)(p).district, (int)(p).street,           \
                        (int)(p).community, (p).note);                                             \
        assert_int_equal((p).level, (lev));                                                        \
        assert_int_equal((p).source, (src));                                                       \
        assert_int_equal((p).district, (d));                                                       \
        assert_int_equal((p).street, (s));                                                         \
        assert_int_equal((p).community, (c));                                                      \
    } while (0)

#define assert_community(p, src, d, s, c) assert_placed(p, COV_PLACED_COMMUNITY, src, d, s, c)
#define assert_street(p, src, d, s) assert_placed(p, COV_PLACED_STREET, src, d, s, -1)
#define assert_district(p, src, d) assert_placed(p, COV_PLACED_DISTRICT, src, d, -1, -1)
#define assert_none(p) assert_placed(p, COV_PLACED_NONE, COV_SRC_NONE, -1, -1, -1)

#define assert_note_has(p, text)                                                                   \
    do {                                                                                           \
        if (!strstr((p).note, (text)))                                                             \
            print_error("note \"%s\" lacks \"%s\"\n", (p).note, (text));                           \
        assert_non_null(strstr((p).note, (text)));                                                 \
    } while (0)

/* ---- names ---- */

/* A farm is a complete name: 东辛农场镇东管理区社区 is 镇东管理区社区 of 东辛农场, not a
 * 东辛农场镇 followed by 东管理区社区; a living quarter is a complete name too. */
static void test_farm_and_living_quarter_names(void **state)
{
    struct cov_placement p = addr(state, "连云区东辛农场镇东管理区社区滨海大道8号");
    assert_community(p, COV_SRC_ADDRESS, D_LY, S_DX, C_ZD);
    p = addr(state, "江苏省连云港市连云区东辛农场包庄管理区生活区");
    assert_community(p, COV_SRC_ADDRESS, D_LY, S_DX, C_BZ);
    p = addr(state, "连云区包庄管理区生活区人民路1号"); /* unique in its district */
    assert_community(p, COV_SRC_ADDRESS, D_LY, S_DX, C_BZ);
}

static void test_names_and_find(void **state)
{
    (void)state;
    const char *en[] = {"none", "district", "street", "community", "point"};
    const char *zh[] = {"未定位", "区县", "街道/乡镇", "社区/村", "坐标"};
    for (int i = 0; i < COV_PLACED_COUNT; i++) {
        assert_string_equal(cov_placed_name((enum cov_placed)i), en[i]);
        assert_string_equal(cov_placed_name_zh((enum cov_placed)i), zh[i]);
        assert_int_equal(cov_placed_find(en[i]), i);
    }
    assert_int_equal(cov_placed_find("Community"), -1);
    assert_int_equal(cov_placed_find(NULL), -1);
    assert_string_equal(cov_placed_name(COV_PLACED_COUNT), "unknown");
    const char *sen[] = {"none",          "coordinates", "community column",
                         "street column", "address",     "credit code"};
    const char *szh[] = {"无", "坐标", "所属社区列", "所属街道列", "地址", "信用代码"};
    for (int i = 0; i < COV_SRC_COUNT; i++) {
        assert_string_equal(cov_source_name((enum cov_source)i), sen[i]);
        assert_string_equal(cov_source_name_zh((enum cov_source)i), szh[i]);
    }
    assert_string_equal(cov_source_name_zh(COV_SRC_COUNT), "未知");
}

/* ---- the address walks the hierarchy ---- */

static void test_full_address_with_city_prefix(void **state)
{
    struct cov_placement p = addr(state, "江苏省连云港市海州区新浦街道王庄社区解放路12号");
    assert_community(p, COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
    assert_string_equal(p.note, "");
}

static void test_shequ_is_not_the_cun_of_the_same_stem(void **state)
{
    assert_community(addr(state, "海州区新浦街道王庄社区"), COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
    assert_community(addr(state, "海州区新浦街道王庄村3组"), COV_SRC_ADDRESS, D_HZ, S_XP, C_WZC_XP);
}

static void test_community_counts_only_in_its_street(void **state)
{
    /* 王庄社区 of 浦西街道, not the one of 新浦街道 */
    assert_community(addr(state, "海州区浦西街道王庄社区"), COV_SRC_ADDRESS, D_HZ, S_PX, C_WZ_PX);
}

static void test_community_not_in_named_street_stops_at_street(void **state)
{
    struct cov_placement p = addr(state, "海州区浦西街道李集村5号");
    assert_street(p, COV_SRC_ADDRESS, D_HZ, S_PX);
    assert_note_has(p, "社区“李集村”不在浦西街道办事处中");
}

static void test_street_not_in_named_district_stops_at_district(void **state)
{
    struct cov_placement p = addr(state, "连云区浦西街道王庄社区");
    assert_district(p, COV_SRC_ADDRESS, D_LY);
    assert_note_has(p, "街道“浦西街道”不在连云区中");
}

static void test_street_unique_in_gazetteer_needs_no_district(void **state)
{
    struct cov_placement p = addr(state, "浦西街道人民路3号");
    assert_street(p, COV_SRC_ADDRESS, D_HZ, S_PX);
    assert_string_equal(p.note, "地址未写明社区");
}

static void test_street_shared_by_two_districts_is_ambiguous(void **state)
{
    struct cov_placement p = addr(state, "新浦街道解放路1号");
    assert_none(p);
    assert_note_has(p, "街道名“新浦街道”在2个区县（海州区、连云区）中都有");
}

static void test_shared_street_resolved_by_named_district(void **state)
{
    assert_street(addr(state, "连云区新浦街道解放路1号"), COV_SRC_ADDRESS, D_LY, S_XP_LY);
    assert_street(addr(state, "海州区新浦街道解放路1号"), COV_SRC_ADDRESS, D_HZ, S_XP);
}

static void test_shared_street_resolved_by_its_community(void **state)
{
    /* 海滨社区 exists only under 连云区's 新浦街道: the chain is unique */
    assert_community(addr(state, "新浦街道海滨社区"), COV_SRC_ADDRESS, D_LY, S_XP_LY, C_HB);
}

static void test_shared_street_resolved_by_credit_code(void **state)
{
    struct cov_placement p = place4(state, NULL, NULL, "新浦街道解放路1号", "51320703MJ0000000X");
    assert_street(p, COV_SRC_ADDRESS, D_LY, S_XP_LY);
}

static void test_community_shared_by_two_streets_places_district(void **state)
{
    struct cov_placement p = addr(state, "海州区王庄社区");
    assert_district(p, COV_SRC_ADDRESS, D_HZ);
    assert_note_has(p, "社区名“王庄社区”在2个街道（新浦街道办事处、浦西街道办事处）中都有");
}

static void test_community_unique_in_district_without_street(void **state)
{
    assert_community(addr(state, "海州区李集村"), COV_SRC_ADDRESS, D_HZ, S_JP, C_LJ);
}

static void test_community_without_any_district_is_not_placed(void **state)
{
    struct cov_placement p = addr(state, "李集村5号");
    assert_none(p);
    assert_note_has(p, "未写明街道或区县，社区“李集村”无法确认");
}

static void test_credit_code_district_is_context_for_community(void **state)
{
    struct cov_placement p = place4(state, NULL, NULL, "李集村5号", "51320706MJ0000000X");
    assert_community(p, COV_SRC_ADDRESS, D_HZ, S_JP, C_LJ);
}

static void test_credit_code_context_does_not_resolve_shared_community(void **state)
{
    struct cov_placement p = place4(state, NULL, NULL, "王庄社区", "51320706MJ0000000X");
    assert_district(p, COV_SRC_CREDIT_CODE, D_HZ);
    assert_note_has(p, "在2个街道");
}

static void test_credit_code_outside_the_text_district_is_ignored(void **state)
{
    /* registered in 连云区, but the address names a 海州区 community */
    struct cov_placement p =
        place4(state, NULL, NULL, "海州区新浦街道华山社区", "51320703MJ0000000X");
    assert_community(p, COV_SRC_ADDRESS, D_HZ, S_XP, C_HS);
}

/* ---- roads are roads ---- */

static void test_road_named_after_community_is_a_road(void **state)
{
    struct cov_placement p = addr(state, "海州区新浦街道华山路8号");
    assert_street(p, COV_SRC_ADDRESS, D_HZ, S_XP);
    assert_string_equal(p.note, "地址未写明社区");
    assert_street(addr(state, "海州区新浦街道王庄路8号"), COV_SRC_ADDRESS, D_HZ, S_XP);
}

static void test_road_named_after_street_is_a_road(void **state)
{
    struct cov_placement p = addr(state, "海州区新浦大街5号");
    assert_district(p, COV_SRC_ADDRESS, D_HZ);
    assert_string_equal(p.note, "地址未写明街道或社区");
}

static void test_bare_street_name_and_its_road(void **state)
{
    assert_street(addr(state, "连云区东辛农场场部"), COV_SRC_ADDRESS, D_LY, S_DX);
    assert_district(addr(state, "连云区东辛农场路5号"), COV_SRC_ADDRESS, D_LY);
}

static void test_city_name_is_not_a_district(void **state)
{
    /* 连云港市 is 连云 + 港: not 连云区 */
    struct cov_placement p = addr(state, "连云港市解放路1号");
    assert_none(p);
    assert_note_has(p, "地址中没有已导入的区县、街道或社区");
}

static void test_longest_stem_wins(void **state)
{
    /* 新浦东社区 is a community of 浦西街道, not 新浦 + 东社区 */
    assert_community(addr(state, "海州区新浦东社区"), COV_SRC_ADDRESS, D_HZ, S_PX, C_XPD);
    assert_community(addr(state, "海州区浦西街道新浦东社区"), COV_SRC_ADDRESS, D_HZ, S_PX, C_XPD);
}

/* ---- name variants ---- */

static void test_street_suffix_variants(void **state)
{
    const char *v[] = {"海州区新浦街道", "海州区新浦街道办事处", "海州区新浦办事处",
                       "海州区新浦街道办", "海州区新浦街办"};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        assert_street(addr(state, v[i]), COV_SRC_ADDRESS, D_HZ, S_XP);
    /* NBS name without 办事处 matched by the long form */
    assert_street(addr(state, "连云区新浦街道办事处"), COV_SRC_ADDRESS, D_LY, S_XP_LY);
}

static void test_town_and_township_variants(void **state)
{
    assert_street(addr(state, "海州区锦屏镇"), COV_SRC_ADDRESS, D_HZ, S_JP);
    assert_street(addr(state, "海州区锦屏镇人民政府"), COV_SRC_ADDRESS, D_HZ, S_JP);
    assert_street(addr(state, "海州区锦屏镇政府"), COV_SRC_ADDRESS, D_HZ, S_JP);
    assert_street(addr(state, "李埝乡"), COV_SRC_ADDRESS, D_HZ, S_LN);
    assert_street(addr(state, "李埝乡人民政府"), COV_SRC_ADDRESS, D_HZ, S_LN);
    /* a town is not a township */
    assert_none(addr(state, "锦屏乡"));
}

static void test_urban_community_variants(void **state)
{
    const char *v[] = {"新浦街道王庄社区", "新浦街道王庄社区居委会", "新浦街道王庄居委会",
                       "新浦街道王庄社区居民委员会", "新浦街道王庄居民委员会"};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct cov_placement p = place4(state, NULL, NULL, v[i], "51320706MJ0000000X");
        assert_community(p, COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
    }
}

static void test_rural_community_variants(void **state)
{
    const char *v[] = {"锦屏镇李集村", "锦屏镇李集村委会", "锦屏镇李集村民委员会",
                       "锦屏镇李集村村委会"};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        assert_community(addr(state, v[i]), COV_SRC_ADDRESS, D_HZ, S_JP, C_LJ);
    /* NBS 村民委员会 found by the short form */
    assert_community(addr(state, "李埝乡李埝村"), COV_SRC_ADDRESS, D_HZ, S_LN, C_LNC);
}

static void test_district_variants(void **state)
{
    assert_street(addr(state, "连云县墟沟街道"), COV_SRC_ADDRESS, D_LY, S_XG);
    assert_district(addr(state, "海州区"), COV_SRC_ADDRESS, D_HZ);
}

static void test_district_as_city_only_with_support(void **state)
{
    /* 海州市: stem + 市 counts when a street of 海州区 confirms it */
    assert_community(addr(state, "海州市新浦街道王庄社区"), COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
    /* alone it may be a prefecture city of the same name: nothing */
    assert_none(addr(state, "海州市解放路1号"));
}

static void test_one_character_stem_needs_its_suffix(void **state)
{
    assert_community(addr(state, "海州区锦屏镇东村"), COV_SRC_ADDRESS, D_HZ, S_JP, C_DC);
    assert_community(addr(state, "海州区锦屏镇东村委会"), COV_SRC_ADDRESS, D_HZ, S_JP, C_DC);
    /* 东 alone is no community */
    assert_street(addr(state, "海州区锦屏镇东街"), COV_SRC_ADDRESS, D_HZ, S_JP);
}

static void test_kind_of_suffixless_name_comes_from_ur(void **state)
{
    /* 柳河 is rural by ur: 柳河村 finds it, 柳河社区 does not */
    assert_community(addr(state, "连云区墟沟街道柳河村"), COV_SRC_ADDRESS, D_LY, S_XG, C_LH);
    assert_street(addr(state, "连云区墟沟街道柳河社区"), COV_SRC_ADDRESS, D_LY, S_XG);
    /* and the bare stem followed by something else is nothing */
    assert_street(addr(state, "连云区墟沟街道柳河路"), COV_SRC_ADDRESS, D_LY, S_XG);
}

static void test_parent_from_code_when_parent_missing(void **state)
{
    /* 李埝村民委员会 has no parent code: its own code gives 320706200 */
    assert_community(addr(state, "海州区李埝村"), COV_SRC_ADDRESS, D_HZ, S_LN, C_LNC);
}

/* ---- text normalisation ---- */

static void test_fullwidth_and_spaced_text(void **state)
{
    assert_community(addr(state, " 海州区　新浦 街道\t王庄\n社区 解放路１２号 "), COV_SRC_ADDRESS,
                     D_HZ, S_XP, C_WZ_XP);
    /* full-width digits in a code column */
    assert_community(place4(state, "３２０７０６０１０００１", NULL, NULL, NULL),
                     COV_SRC_COMMUNITY_COLUMN, D_HZ, S_XP, C_WZ_XP);
    /* full-width credit code */
    assert_district(place4(state, NULL, NULL, NULL, "５１３２０７０６ＭＪ００００００Ｘ"),
                    COV_SRC_CREDIT_CODE, D_HZ);
}

static void test_invalid_utf8_does_not_hide_names(void **state)
{
    struct cov_placement p = addr(state, "海州区\xff\xfe新浦街道\xe7\x8e王庄社区");
    assert_community(p, COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
}

static void test_long_address_uses_heap(void **state)
{
    char buf[3000];
    size_t o = 0;
    while (o + 3 < 2400) {
        memcpy(buf + o, "号", 3);
        o += 3;
    }
    strcpy(buf + o, "海州区新浦街道王庄社区");
    assert_community(addr(state, buf), COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
}

static void test_nothing_given(void **state)
{
    struct cov_placement p = place4(state, NULL, "", " ", NULL);
    assert_none(p);
    assert_string_equal(p.note, "无所属社区、所属街道、地址或信用代码");
}

/* ---- codes ---- */

static void test_community_code_fills_the_hierarchy(void **state)
{
    struct cov_placement p = place4(state, "320706016002", NULL, NULL, NULL);
    assert_community(p, COV_SRC_COMMUNITY_COLUMN, D_HZ, S_PX, C_XPD);
}

static void test_street_codes(void **state)
{
    assert_street(place4(state, NULL, "320706016", NULL, NULL), COV_SRC_STREET_COLUMN, D_HZ, S_PX);
    assert_street(place4(state, NULL, "320706016000", NULL, NULL), COV_SRC_STREET_COLUMN, D_HZ,
                  S_PX);
    /* a community code in the street column gives its street only */
    assert_street(place4(state, NULL, "320706016002", NULL, NULL), COV_SRC_STREET_COLUMN, D_HZ,
                  S_PX);
}

static void test_unknown_community_code_falls_back_to_its_street(void **state)
{
    struct cov_placement p = place4(state, "320706016999", NULL, NULL, NULL);
    assert_street(p, COV_SRC_COMMUNITY_COLUMN, D_HZ, S_PX);
    assert_note_has(p, "社区代码320706016999不在已导入的社区中");
}

static void test_bad_code_length(void **state)
{
    struct cov_placement p = place4(state, "3207060", NULL, NULL, NULL);
    assert_none(p);
    assert_note_has(p, "应为6、9或12位");
}

static void test_credit_code_county_level(void **state)
{
    struct cov_placement p = place4(state, NULL, NULL, NULL, "51320706MJ0000000X");
    assert_district(p, COV_SRC_CREDIT_CODE, D_HZ);
}

static void test_credit_code_city_level_places_nowhere(void **state)
{
    struct cov_placement p = place4(state, NULL, NULL, NULL, "51320700MJ0000000X");
    assert_none(p);
    assert_note_has(p, "市级（320700）");
}

static void test_credit_code_district_not_imported(void **state)
{
    struct cov_placement p = place4(state, NULL, NULL, "解放路1号", "51320722MJ0000000X");
    assert_none(p);
    assert_note_has(p, "（320722）不是已导入的区县");
}

/* ---- sources: order, refinement, conflicts ---- */

static void test_later_source_refines_inside_earlier(void **state)
{
    /* street column 新浦街道 of 海州区; address names only 王庄社区 */
    struct cov_placement p = place4(state, NULL, "海州区新浦街道", "王庄社区解放路1号", NULL);
    assert_community(p, COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
}

static void test_context_street_picks_among_district_communities(void **state)
{
    /* 海州区王庄社区 alone is shared by two streets; the street column decides */
    struct cov_placement p = place4(state, NULL, "海州区新浦街道", "海州区王庄社区", NULL);
    assert_community(p, COV_SRC_ADDRESS, D_HZ, S_XP, C_WZ_XP);
}

static void test_community_outside_context_street_is_a_conflict(void **state)
{
    /* 李集村 is unique in 海州区, but lies in 锦屏镇, not in 浦西街道 */
    struct cov_placement p = place4(state, NULL, "浦西街道", "海州区李集村", NULL);
    assert_street(p, COV_SRC_STREET_COLUMN, D_HZ, S_PX);
    assert_note_has(p, "地址中的“李集村”与所属街道列不符");
}

static void test_later_context_resolves_earlier_ambiguity(void **state)
{
    /* 王庄社区 alone is shared by two streets; the street column settles it */
    struct cov_placement p = place4(state, "王庄社区", "浦西街道", NULL, NULL);
    assert_community(p, COV_SRC_COMMUNITY_COLUMN, D_HZ, S_PX, C_WZ_PX);
}

static void test_conflicting_later_source_is_ignored(void **state)
{
    struct cov_placement p = place4(state, NULL, "浦西街道", "海州区新浦街道王庄社区", NULL);
    assert_street(p, COV_SRC_STREET_COLUMN, D_HZ, S_PX);
    assert_note_has(p, "地址中的“新浦街道”与所属街道列不符");
}

static void test_earlier_source_wins_a_tie(void **state)
{
    struct cov_placement p = place4(state, "320706010001", NULL, "海州区浦西街道王庄社区", NULL);
    assert_community(p, COV_SRC_COMMUNITY_COLUMN, D_HZ, S_XP, C_WZ_XP);
    assert_string_equal(p.note, "");
}

static void test_community_column_with_street_text(void **state)
{
    struct cov_placement p = place4(state, "浦西街道王庄社区居委会", NULL, NULL, NULL);
    assert_community(p, COV_SRC_COMMUNITY_COLUMN, D_HZ, S_PX, C_WZ_PX);
}

static void test_street_column_never_places_a_community(void **state)
{
    struct cov_placement p = place4(state, NULL, "海州区新浦街道王庄社区", NULL, NULL);
    assert_street(p, COV_SRC_STREET_COLUMN, D_HZ, S_XP);
}

static void test_placement_is_deterministic_across_gazetteers(void **state)
{
    struct fixture *f = *state;
    struct cov_gazetteer *g2 = cov_gazetteer_new(f->m);
    assert_non_null(g2);
    struct cov_place_in in = {"王庄社区", NULL, "海州区新浦大街", "51320706MJ0000000X"};
    struct cov_placement a, b;
    assert_int_equal(cov_place(f->g, &in, &a), 0);
    assert_int_equal(cov_place(g2, &in, &b), 0);
    assert_memory_equal(&a, &b, sizeof(a));
    cov_gazetteer_free(g2);
}

static void test_long_note_is_cut_on_a_character(void **state)
{
    (void)state;
    /* one community name in four streets with long names */
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    add(m, COV_DISTRICTS, "320706", "海州区", NULL, 0);
    char code[32], name[128];
    for (int i = 0; i < 4; i++) {
        snprintf(code, sizeof(code), "32070601%d", i);
        snprintf(name, sizeof(name), "第%d个名字非常非常非常非常非常非常长的街道办事处", i);
        add(m, COV_STREETS, code, name, "320706", 0);
        snprintf(code, sizeof(code), "32070601%d001", i);
        add(m, COV_COMMUNITIES, code, "王庄社区居委会", NULL, COV_UR_URBAN);
    }
    struct cov_gazetteer *g = cov_gazetteer_new(m);
    assert_non_null(g);
    struct cov_place_in in = {NULL, NULL, "海州区王庄社区", NULL};
    struct cov_placement p;
    assert_int_equal(cov_place(g, &in, &p), 0);
    assert_int_equal(p.level, COV_PLACED_DISTRICT);
    size_t n = strlen(p.note);
    assert_true(n > 0 && n < sizeof(p.note));
    /* ends on a whole UTF-8 sequence: the last lead byte has all its bytes */
    size_t k = n;
    while (k > 0 && ((unsigned char)p.note[k - 1] & 0xC0) == 0x80)
        k--;
    assert_true(k > 0);
    unsigned char lead = (unsigned char)p.note[k - 1];
    size_t want = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    assert_int_equal(n - (k - 1), want);
    assert_non_null(strstr(p.note, "在4个街道"));
    cov_gazetteer_free(g);
    cov_model_free(m);
}

/* fuzz_place found it: area names from a file may be invalid UTF-8; notes must not be */
static void test_note_is_valid_utf8_with_invalid_area_names(void **state)
{
    (void)state;
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    add(m, COV_DISTRICTS, "320706", "海州区", NULL, 0);
    add(m, COV_STREETS, "320706010", "新浦街道\xe6\x96", "320706", 0);
    add(m, COV_STREETS, "320706011", "新浦街道\x01", "320706", 0);
    add(m, COV_COMMUNITIES, "320706010001", "王庄社区", NULL, COV_UR_URBAN);
    add(m, COV_COMMUNITIES, "320706011001", "王庄社区", NULL, COV_UR_URBAN);
    struct cov_gazetteer *g = cov_gazetteer_new(m);
    assert_non_null(g);
    struct cov_place_in in = {NULL, NULL, "海州区王庄社区", NULL};
    struct cov_placement p;
    assert_int_equal(cov_place(g, &in, &p), 0);
    assert_int_equal(p.level, COV_PLACED_DISTRICT);
    assert_string_equal(p.note, "社区名“王庄社区”在2个街道（新浦街道??、新浦街道?）中都有");
    cov_gazetteer_free(g);
    cov_model_free(m);
}

/* ---- drawing points ---- */

static GEOSGeometry *wkt(GEOSContextHandle_t h, const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    assert_non_null(r);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, text);
    GEOSWKTReader_destroy_r(h, r);
    assert_non_null(g);
    return g;
}

static int strictly_in(GEOSContextHandle_t h, const GEOSGeometry *g, double x, double y)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    assert_non_null(pt);
    char r = GEOSContains_r(h, g, pt);
    GEOSGeom_destroy_r(h, pt);
    assert_true(r == 0 || r == 1);
    return r;
}

static void test_point_inside_u_shape(void **state)
{
    (void)state;
    GEOSContextHandle_t h = cov_geos_new();
    assert_non_null(h);
    /* a U: the centroid (50, 38) lies in the notch (20..80 x 20..100) */
    GEOSGeometry *u = wkt(h, "POLYGON((0 0,100 0,100 100,80 100,80 20,20 20,20 100,0 100,0 0))");
    double x, y;
    assert_int_equal(cov_place_point(h, u, &x, &y), 0);
    assert_int_equal(strictly_in(h, u, x, y), 1);
    assert_false(x > 20 && x < 80 && y > 20);
    /* well away from the edges: the inscribed circle's radius is 10 */
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    GEOSGeometry *bd = GEOSBoundary_r(h, u);
    double dist;
    assert_int_equal(GEOSDistance_r(h, pt, bd, &dist), 1);
    assert_true(dist >= 9.0);
    double x2, y2;
    assert_int_equal(cov_place_point(h, u, &x2, &y2), 0);
    assert_true(x == x2 && y == y2);
    GEOSGeom_destroy_r(h, pt);
    GEOSGeom_destroy_r(h, bd);
    GEOSGeom_destroy_r(h, u);
    cov_geos_free(h);
}

static void test_point_in_largest_part_of_multipolygon(void **state)
{
    (void)state;
    GEOSContextHandle_t h = cov_geos_new();
    assert_non_null(h);
    /* a small square first, then a big ring-shaped (holed) part */
    GEOSGeometry *mp = wkt(h, "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),"
                              "((100 0,200 0,200 100,100 100,100 0),"
                              "(110 10,190 10,190 90,110 90,110 10)))");
    double x, y;
    assert_int_equal(cov_place_point(h, mp, &x, &y), 0);
    assert_int_equal(strictly_in(h, mp, x, y), 1);
    assert_true(x > 100 && x < 200);
    /* not in the hole */
    assert_false(x > 110 && x < 190 && y > 10 && y < 90);
    GEOSGeom_destroy_r(h, mp);
    cov_geos_free(h);
}

static void test_point_rejects_empty_and_null(void **state)
{
    (void)state;
    GEOSContextHandle_t h = cov_geos_new();
    assert_non_null(h);
    double x, y;
    assert_int_equal(cov_place_point(h, NULL, &x, &y), COV_EINPUT);
    GEOSGeometry *e = wkt(h, "POLYGON EMPTY");
    assert_int_equal(cov_place_point(h, e, &x, &y), COV_EINPUT);
    GEOSGeometry *flat = wkt(h, "POLYGON((0 0,10 0,20 0,0 0))");
    assert_int_equal(cov_place_point(h, flat, &x, &y), COV_EINPUT);
    GEOSGeom_destroy_r(h, e);
    GEOSGeom_destroy_r(h, flat);
    cov_geos_free(h);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_find),
        T(test_farm_and_living_quarter_names),
        T(test_full_address_with_city_prefix),
        T(test_shequ_is_not_the_cun_of_the_same_stem),
        T(test_community_counts_only_in_its_street),
        T(test_community_not_in_named_street_stops_at_street),
        T(test_street_not_in_named_district_stops_at_district),
        T(test_street_unique_in_gazetteer_needs_no_district),
        T(test_street_shared_by_two_districts_is_ambiguous),
        T(test_shared_street_resolved_by_named_district),
        T(test_shared_street_resolved_by_its_community),
        T(test_shared_street_resolved_by_credit_code),
        T(test_community_shared_by_two_streets_places_district),
        T(test_community_unique_in_district_without_street),
        T(test_community_without_any_district_is_not_placed),
        T(test_credit_code_district_is_context_for_community),
        T(test_credit_code_context_does_not_resolve_shared_community),
        T(test_credit_code_outside_the_text_district_is_ignored),
        T(test_road_named_after_community_is_a_road),
        T(test_road_named_after_street_is_a_road),
        T(test_bare_street_name_and_its_road),
        T(test_city_name_is_not_a_district),
        T(test_longest_stem_wins),
        T(test_street_suffix_variants),
        T(test_town_and_township_variants),
        T(test_urban_community_variants),
        T(test_rural_community_variants),
        T(test_district_variants),
        T(test_district_as_city_only_with_support),
        T(test_one_character_stem_needs_its_suffix),
        T(test_kind_of_suffixless_name_comes_from_ur),
        T(test_parent_from_code_when_parent_missing),
        T(test_fullwidth_and_spaced_text),
        T(test_invalid_utf8_does_not_hide_names),
        T(test_long_address_uses_heap),
        T(test_nothing_given),
        T(test_community_code_fills_the_hierarchy),
        T(test_street_codes),
        T(test_unknown_community_code_falls_back_to_its_street),
        T(test_bad_code_length),
        T(test_credit_code_county_level),
        T(test_credit_code_city_level_places_nowhere),
        T(test_credit_code_district_not_imported),
        T(test_later_source_refines_inside_earlier),
        T(test_context_street_picks_among_district_communities),
        T(test_community_outside_context_street_is_a_conflict),
        T(test_later_context_resolves_earlier_ambiguity),
        T(test_conflicting_later_source_is_ignored),
        T(test_earlier_source_wins_a_tie),
        T(test_community_column_with_street_text),
        T(test_street_column_never_places_a_community),
        T(test_placement_is_deterministic_across_gazetteers),
        cmocka_unit_test(test_long_note_is_cut_on_a_character),
        cmocka_unit_test(test_note_is_valid_utf8_with_invalid_area_names),
        cmocka_unit_test(test_point_inside_u_shape),
        cmocka_unit_test(test_point_in_largest_part_of_multipolygon),
        cmocka_unit_test(test_point_rejects_empty_and_null),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
