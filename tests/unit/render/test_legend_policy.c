/* test_legend_policy.c - the legend of every theme names statuses, community
 * types, targets and group kinds as analysis/labels.h does, with thresholds
 * that follow the project's policy (issue 10): standalone_min_members = 5 and
 * urban_community_min_orgs = 6 must show as such, never as the defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/coverage.h"
#include "../../../analysis/geos.h"
#include "../../../analysis/labels.h"
#include "../../../analysis/place.h"
#include "../../../analysis/propose.h"
#include "../../../analysis/targets.h"
#include "../../../render/map.h"
#include "zh_catalogue.h"

const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void) {
    return "fast_unwind_on_malloc=0";
}
const char *__lsan_default_suppressions(void) {
    return "leak:cairo_surface_finish\nleak:libfontconfig.so\n";
}

#define X0 500000.0
#define Y0 3800000.0

static GEOSGeometry *rect(struct cov_model *m, double x0, double y0, double x1, double y1) {
    char wkt[256];
    snprintf(wkt, sizeof(wkt), "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))", x0, y0, x1, y0, x1, y1,
             x0, y1, x0, y0);
    GEOSWKTReader *r = GEOSWKTReader_create_r(m->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(m->geos, r, wkt);
    GEOSWKTReader_destroy_r(m->geos, r);
    assert_non_null(g);
    return g;
}

struct fx {
    struct cov_model *m;
    struct cov_targets t;
    struct cov_plan p;
    struct cov_group g[COV_G_COUNT];
    size_t members[COV_G_COUNT];
};

/*
 * One district with an urban and a rural community; organizations with 0..6
 * formal members, some community organizations. Policy: a standalone
 * organization needs 5 formal members, an urban community 6 community
 * organizations.
 */
static int setup(void **state) {
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    struct cov_model *m = f->m = cov_model_new();
    assert_non_null(m);
    m->srid = 4549;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_policy_set(&m->policy, cov_param_find("standalone_min_members"), "5", &err),
                     0);
    assert_int_equal(
        cov_policy_set(&m->policy, cov_param_find("urban_community_min_orgs"), "6", &err), 0);
    cov_err_release(&err);
    struct cov_area d = {.code = "320706", .name = "海州区", .geom = rect(m, X0, Y0, X0 + 8000, Y0 + 4000)};
    assert_true(cov_model_add_area(m, COV_DISTRICTS, &d) >= 0);
    struct cov_area s = {.code = "320706001", .name = "新南街道", .parent = "320706",
                         .geom = rect(m, X0, Y0, X0 + 8000, Y0 + 4000)};
    assert_true(cov_model_add_area(m, COV_STREETS, &s) >= 0);
    struct cov_area c[2] = {{.code = "320706001001", .name = "城东社区", .parent = "320706001",
                             .ur = COV_UR_URBAN, .geom = rect(m, X0, Y0, X0 + 4000, Y0 + 4000)},
                            {.code = "320706001002", .name = "李庄村", .parent = "320706001",
                             .ur = COV_UR_RURAL,
                             .geom = rect(m, X0 + 4000, Y0, X0 + 8000, Y0 + 4000)}};
    for (int k = 0; k < 2; k++)
        assert_true(cov_model_add_area(m, COV_COMMUNITIES, &c[k]) >= 0);
    for (int i = 0; i < 14; i++) {
        char id[16];
        snprintf(id, sizeof(id), "ORG%02d", i);
        struct cov_org o = {.id = id,
                            .name = id,
                            .x = X0 + 500 + (i % 7) * 1000,
                            .y = Y0 + 1000 + (i / 7) * 2000,
                            .community_org = i % 2,
                            .formal_members = i % 7,
                            .staff = COV_UNKNOWN};
        long k = cov_model_add_org(m, &o);
        assert_true(k >= 0);
        m->orgs[k].area[COV_DISTRICTS] = 0;
        m->orgs[k].area[COV_STREETS] = 0;
        m->orgs[k].area[COV_COMMUNITIES] = (i % 7) >= 4;
        m->orgs[k].placed = COV_PLACED_POINT;
    }
    m->assigned = 1;
    cov_classify(m);
    cov_err_init(&err);
    assert_int_equal(cov_targets_compute(m, &f->t, &err), 0);
    cov_err_release(&err);
    /* a plan with one group of every kind */
    for (int k = 0; k < COV_G_COUNT; k++) {
        f->members[k] = (size_t)k;
        f->g[k] = (struct cov_group){.id = k + 1,
                                     .kind = (enum cov_group_kind)k,
                                     .area_layer = COV_STREETS,
                                     .area = 0,
                                     .host = -1,
                                     .host_layer = -1,
                                     .members = &f->members[k],
                                     .n_members = 1,
                                     .medoid = (size_t)k,
                                     .name = "党支部"};
    }
    f->p.groups = f->g;
    f->p.n_groups = COV_G_COUNT;
    f->p.coverage_rate_after = 0.5;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fx *f = *state;
    cov_targets_release(&f->t);
    cov_model_free(f->m);
    free(f);
    return 0;
}

/* The legend of theme t in language en, for the whole model (or aggregated). */
static size_t legend(struct fx *f, enum map_theme t, int en, int aggregate,
                     struct map_legend_entry *e, size_t cap) {
    struct map_opts o;
    map_opts_init(&o);
    o.path = "legend.png";
    o.theme = t;
    o.lang_en = en;
    o.aggregate = aggregate;
    o.targets = &f->t;
    o.plan = &f->p;
    size_t n = map_legend_build(f->m, &o, e, cap);
    assert_true(n > 0 && n <= cap);
    return n;
}

static const struct map_legend_entry *find_key(const struct map_legend_entry *e, size_t n,
                                               enum map_legend_kind kind, int key) {
    for (size_t i = 0; i < n; i++)
        if (e[i].kind == kind && e[i].key == key)
            return &e[i];
    return NULL;
}

static int any_label_has(const struct map_legend_entry *e, size_t n, const char *s) {
    for (size_t i = 0; i < n; i++)
        if (strstr(e[i].label, s))
            return 1;
    return 0;
}

static void test_coverage_status_names_follow_policy(void **state) {
    struct fx *f = *state;
    for (int en = 0; en <= 1; en++)
        for (int agg = -1; agg <= 1; agg += 2) {
            struct map_legend_entry e[64];
            size_t n = legend(f, MAP_THEME_COVERAGE, en, agg, e, 64);
            enum cov_lang l = en ? COV_LANG_EN : COV_LANG_ZH;
            for (int s = 0; s < COV_ST_COUNT; s++) {
                const struct map_legend_entry *x =
                    find_key(e, n, agg > 0 ? MAP_LEG_NOTE : MAP_LEG_POINT, s);
                assert_non_null(x);
                char want[96];
                assert_string_equal(x->label, cov_label_status_p((enum cov_status)s, &f->m->policy,
                                                                 l, want, sizeof(want)));
            }
            /* 1..4 formal members is "small" under standalone_min_members = 5 */
            const struct map_legend_entry *small =
                find_key(e, n, agg > 0 ? MAP_LEG_NOTE : MAP_LEG_POINT, COV_ST_SMALL);
            assert_non_null(small);
            const char *lab = small ? small->label : "";
            assert_non_null(strstr(lab, "1-4"));
            assert_null(strstr(lab, "1-2"));
            assert_false(any_label_has(e, n, "3名"));
            assert_string_equal(find_key(e, n, MAP_LEG_FILL, COV_UR_URBAN)->label,
                                cov_label_ur(COV_UR_URBAN, l));
            assert_string_equal(find_key(e, n, MAP_LEG_FILL, COV_UR_RURAL)->label,
                                cov_label_ur(COV_UR_RURAL, l));
        }
}

static void test_coverage_counts_follow_policy(void **state) {
    struct fx *f = *state;
    struct map_legend_entry e[64];
    size_t n = legend(f, MAP_THEME_COVERAGE, 0, -1, e, 64);
    /* 0..6 formal members, twice: 5 and 6 are eligible, 1..4 small */
    assert_int_equal(find_key(e, n, MAP_LEG_POINT, COV_ST_ELIGIBLE)->count, 4);
    assert_int_equal(find_key(e, n, MAP_LEG_POINT, COV_ST_SMALL)->count, 8);
    assert_int_equal(find_key(e, n, MAP_LEG_POINT, COV_ST_NO_MEMBERS)->count, 2);
}

static void test_targets_thresholds_follow_policy(void **state) {
    struct fx *f = *state;
    for (int en = 0; en <= 1; en++) {
        struct map_legend_entry e[64];
        size_t n = legend(f, MAP_THEME_TARGETS, en, 0, e, 64);
        enum cov_lang l = en ? COV_LANG_EN : COV_LANG_ZH;
        assert_true(any_label_has(e, n, en ? "urban ≥ 6" : "城市≥6"));
        assert_false(any_label_has(e, n, en ? "urban ≥ 5" : "城市≥5"));
        for (int t = 0; t < COV_T_COUNT; t++) {
            const struct map_legend_entry *x = find_key(e, n, MAP_LEG_POINT, 1000 + t);
            assert_non_null(x);
            char want[128];
            cov_label_target(t, &f->m->policy, l, want, sizeof(want));
            assert_memory_equal(x->label, want, strlen(want));
        }
        char urban[128];
        cov_label_target(COV_T_URBAN, &f->m->policy, l, urban, sizeof(urban));
        assert_non_null(strstr(urban, en ? "at least 6" : "≥6个"));
    }
}

static void test_plan_group_kinds_are_analysis_names(void **state) {
    struct fx *f = *state;
    for (int en = 0; en <= 1; en++) {
        struct map_legend_entry e[64];
        size_t n = legend(f, MAP_THEME_PLAN, en, 0, e, 64);
        enum cov_lang l = en ? COV_LANG_EN : COV_LANG_ZH;
        for (int k = 0; k < COV_G_COUNT; k++) {
            const struct map_legend_entry *x = NULL;
            for (size_t i = 0; i < n && !x; i++)
                if (e[i].key == k && e[i].kind != MAP_LEG_HEADING && e[i].kind != MAP_LEG_NOTE &&
                    e[i].kind != MAP_LEG_LINE && e[i].count >= 0)
                    x = &e[i];
            assert_non_null(x);
            const char *name = cov_label_group_kind((enum cov_group_kind)k, l);
            assert_memory_equal(x->label, name, strlen(name));
            assert_int_equal(x->count, 1);
        }
        /* the base map's community fill (not counted; group kinds share its key) */
        const struct map_legend_entry *rural = NULL;
        for (size_t i = 0; i < n; i++)
            if (e[i].kind == MAP_LEG_FILL && e[i].key == COV_UR_RURAL && e[i].count < 0)
                rural = &e[i];
        assert_non_null(rural);
        assert_string_equal(rural ? rural->label : "", cov_label_ur(COV_UR_RURAL, l));
    }
}

int main(void) {
    if (test_use_zh_catalogue()) /* the Chinese maps' text */
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_coverage_status_names_follow_policy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_coverage_counts_follow_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_targets_thresholds_follow_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_group_kinds_are_analysis_names, setup,
                                        teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    map_global_cleanup();
    return rc;
}
