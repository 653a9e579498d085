/* test_store_current.c - geo_store_load_current: the one place that decides when the
 * assignments of organizations to areas are stale, recomputes and saves them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../../analysis/geos.h"
#include "../../../geodata/store.h"
#include "../../../geodata/store_sql.h"

struct fx {
    char dir[64];
    char path[128];
    GEOSContextHandle_t geos;
    struct cov_err err;
    struct geo_store *s;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_store_current.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/p.sqlite", f->dir);
    f->geos = cov_geos_new();
    cov_err_init(&f->err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    geo_store_close(f->s);
    cov_geos_free(f->geos);
    cov_err_release(&f->err);
    chmod(f->dir, 0755);
    chmod(f->path, 0644);
    char p[160];
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-journal", f->path);
    unlink(p);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void put_area(struct fx *f, enum cov_layer layer, const char *code, const char *parent,
                     const char *geom_wkt)
{
    struct cov_area a = {.code = code, .name = code, .parent = parent, .ur = COV_UR_URBAN};
    GEOSWKTReader *r = GEOSWKTReader_create_r(f->geos);
    a.geom = GEOSWKTReader_read_r(f->geos, r, geom_wkt);
    GEOSWKTReader_destroy_r(f->geos, r);
    assert_non_null(a.geom);
    int rc = geo_store_put_area(f->s, layer, &a, f->geos, &f->err);
    GEOSGeom_destroy_r(f->geos, a.geom);
    assert_int_equal(rc, 0);
}

static void put_org(struct fx *f, const char *id, double x, double y, int members)
{
    struct cov_org o = {.id = id, .name = id, .kind = "社会团体", .staff = COV_UNKNOWN};
    o.x = x;
    o.y = y;
    o.formal_members = members;
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
}

/* Two streets side by side, a community in each, three organizations. */
static void make_project(struct fx *f)
{
    assert_int_equal(geo_store_open(f->path, 1, &f->s, &f->err), 0);
    assert_int_equal(geo_store_set_srid(f->s, 4549, &f->err), 0);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    put_area(f, COV_DISTRICTS, "320703", NULL, "POLYGON((0 0,100 0,100 100,0 100,0 0))");
    assert_int_equal(geo_store_layer_done(f->s, COV_DISTRICTS, "d", 1, &f->err), 0);
    put_area(f, COV_STREETS, "320703001", "320703", "POLYGON((0 0,50 0,50 100,0 100,0 0))");
    put_area(f, COV_STREETS, "320703002", "320703", "POLYGON((50 0,100 0,100 100,50 100,50 0))");
    assert_int_equal(geo_store_layer_done(f->s, COV_STREETS, "s", 2, &f->err), 0);
    put_area(f, COV_COMMUNITIES, "320703001001", "320703001",
             "POLYGON((0 0,50 0,50 100,0 100,0 0))");
    put_area(f, COV_COMMUNITIES, "320703002001", "320703002",
             "POLYGON((50 0,100 0,100 100,50 100,50 0))");
    assert_int_equal(geo_store_layer_done(f->s, COV_COMMUNITIES, "c", 2, &f->err), 0);
    put_org(f, "A", 20, 20, 4);
    put_org(f, "B", 70, 30, 1);
    put_org(f, "C", 75, 80, 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "o", 3, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
}

/* A fresh model loaded with geo_store_load_current; *how says what it did. */
static struct cov_model *load(struct fx *f, unsigned mask, enum geo_load_outcome *how)
{
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    *how = (enum geo_load_outcome) - 1;
    assert_int_equal(geo_store_load_current(f->s, mask, m, NULL, NULL, how, &f->err), 0);
    return m;
}

static void assert_assigned(const struct cov_model *m)
{
    assert_int_equal(m->assigned, 1);
    assert_int_equal(m->n_orgs, 3);
    assert_int_equal(m->orgs[0].area[COV_STREETS], 0);
    assert_int_equal(m->orgs[1].area[COV_STREETS], 1);
    assert_int_equal(m->orgs[2].area[COV_COMMUNITIES], 1);
    /* classified against the policy: 4 members is enough for one's own organization */
    assert_int_equal(m->orgs[0].status, COV_ST_ELIGIBLE);
    assert_int_equal(m->orgs[1].status, COV_ST_SMALL);
    assert_int_equal(m->orgs[2].status, COV_ST_NO_MEMBERS);
}

static void test_first_load_computes_and_saves(void **state)
{
    struct fx *f = *state;
    make_project(f);
    assert_null(geo_store_meta_get(f->s, "assign.stamp"));
    enum geo_load_outcome how;
    struct cov_model *m = load(f, GEO_ALL_LAYERS, &how);
    assert_int_equal(how, GEO_LOAD_SAVED);
    assert_assigned(m);
    cov_model_free(m);
    char *stamp = geo_store_meta_get(f->s, "assign.stamp");
    assert_non_null(stamp);
    free(stamp);
}

static void test_current_assignments_are_loaded(void **state)
{
    struct fx *f = *state;
    make_project(f);
    enum geo_load_outcome how;
    cov_model_free(load(f, GEO_ALL_LAYERS, &how));
    struct cov_model *m = load(f, GEO_ALL_LAYERS, &how);
    assert_int_equal(how, GEO_LOAD_STORED);
    assert_assigned(m);
    cov_model_free(m);
}

static void test_a_changed_layer_makes_them_stale(void **state)
{
    struct fx *f = *state;
    make_project(f);
    enum geo_load_outcome how;
    cov_model_free(load(f, GEO_ALL_LAYERS, &how));
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    put_area(f, COV_PARKS, "P1", NULL, "POLYGON((60 20,80 20,80 40,60 40,60 20))");
    assert_int_equal(geo_store_layer_done(f->s, COV_PARKS, "p", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    struct cov_model *m = load(f, GEO_ALL_LAYERS, &how);
    assert_int_equal(how, GEO_LOAD_SAVED);
    assert_assigned(m);
    assert_int_equal(m->orgs[1].area[COV_PARKS], 0); /* B lies in the new park */
    assert_int_equal(m->orgs[0].area[COV_PARKS], -1);
    cov_model_free(m);
    m = load(f, GEO_ALL_LAYERS, &how);
    assert_int_equal(how, GEO_LOAD_STORED);
    assert_int_equal(m->orgs[1].area[COV_PARKS], 0);
    cov_model_free(m);
}

static void test_a_partial_load_is_not_saved(void **state)
{
    struct fx *f = *state;
    make_project(f);
    enum geo_load_outcome how;
    unsigned mask = (1u << COV_STREETS) | (1u << COV_ORGANIZATIONS);
    struct cov_model *m = load(f, mask, &how);
    assert_int_equal(how, GEO_LOAD_PARTIAL);
    assert_int_equal(m->assigned, 1);
    assert_int_equal(m->orgs[1].area[COV_STREETS], 1);
    cov_model_free(m);
    assert_null(geo_store_meta_get(f->s, "assign.stamp"));
}

static void test_a_read_only_store_answers_from_memory(void **state)
{
    struct fx *f = *state;
    make_project(f);
    geo_store_close(f->s);
    f->s = NULL;
    assert_int_equal(chmod(f->path, 0444), 0);
    assert_int_equal(chmod(f->dir, 0555), 0);
    if (access(f->path, W_OK) == 0)
        skip(); /* root writes through permissions (e2e msg-readonly-store mounts instead) */
    assert_int_equal(geo_store_open(f->path, 0, &f->s, &f->err), 0);
    assert_int_equal(geo_store_readonly(f->s), 1);
    enum geo_load_outcome how;
    struct cov_model *m = load(f, GEO_ALL_LAYERS, &how);
    assert_int_equal(how, GEO_LOAD_READONLY);
    assert_assigned(m);
    cov_model_free(m);
    assert_null(geo_store_meta_get(f->s, "assign.stamp"));
}

static long count_of(struct fx *f, const char *sql)
{
    struct geo_stmt *st = NULL;
    assert_int_equal(geo_store_prepare(f->s, sql, &st, &f->err), 0);
    assert_int_equal(geo_stmt_step(st, "test", &f->err), 1);
    long v = (long)geo_stmt_column_int(st, 0);
    geo_stmt_finalize(st);
    return v;
}

/* The saved assignments come back from their cache blob; a damaged blob is
 * ignored (the table answers) and written again. */
static void test_cache_serves_and_a_bad_one_falls_back(void **state)
{
    struct fx *f = *state;
    make_project(f);
    enum geo_load_outcome how;
    cov_model_free(load(f, GEO_ALL_LAYERS, &how));
    assert_int_equal(count_of(f, "SELECT count(*) FROM cache WHERE key = 'assignments'"), 1);
    struct cov_model *m = load(f, GEO_ALL_LAYERS, &how);
    assert_int_equal(how, GEO_LOAD_STORED);
    assert_assigned(m);
    cov_model_free(m);
    /* An index out of range: C's community becomes 7. */
    assert_int_equal(geo_store_exec(f->s,
                                    "UPDATE cache SET data = substr(data, 1, 32 + 2 * 20 + 8)"
                                    " || x'07000000' || substr(data, 32 + 2 * 20 + 12 + 1)"
                                    " WHERE key = 'assignments'",
                                    &f->err),
                     0);
    m = load(f, GEO_ALL_LAYERS, &how);
    assert_int_equal(how, GEO_LOAD_STORED);
    assert_assigned(m);
    cov_model_free(m);
    /* Rewritten from the table: the next load reads it again. */
    assert_int_equal(count_of(f, "SELECT substr(data, 32 + 2 * 20 + 9, 4) = x'01000000'"
                                 " FROM cache WHERE key = 'assignments'"),
                     1);
    assert_int_equal(geo_store_exec(f->s, "UPDATE cache SET data = x'00' WHERE key = 'assignments'",
                                    &f->err), 0);
    m = load(f, GEO_ALL_LAYERS, &how);
    assert_assigned(m);
    cov_model_free(m);
}

/* A lean load leaves the area geometries out when the assignments are
 * current, and reads them when it has to assign. */
static void test_lean_load(void **state)
{
    struct fx *f = *state;
    make_project(f);
    enum geo_load_outcome how;
    struct cov_model *m = load(f, GEO_ALL_LAYERS | GEO_LOAD_LEAN, &how);
    assert_int_equal(how, GEO_LOAD_SAVED);
    assert_assigned(m);
    assert_non_null(m->areas[COV_STREETS][0].geom);
    cov_model_free(m);
    m = load(f, GEO_ALL_LAYERS | GEO_LOAD_LEAN, &how);
    assert_int_equal(how, GEO_LOAD_STORED);
    assert_assigned(m);
    assert_null(m->areas[COV_STREETS][0].geom);
    assert_null(m->areas[COV_COMMUNITIES][1].geom);
    assert_string_equal(m->areas[COV_COMMUNITIES][1].code, "320703002001");
    cov_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_load_computes_and_saves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_assignments_are_loaded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_changed_layer_makes_them_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_partial_load_is_not_saved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_serves_and_a_bad_one_falls_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lean_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_read_only_store_answers_from_memory, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
