/* test_store.c - the SpatiaLite project store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../../analysis/geos.h"
#include "../../../analysis/place.h"
#include "../../../geodata/alias.h"
#include "../../../geodata/store.h"
#include "../../../geodata/store_sql.h"

struct fx {
    char dir[64];
    char path[128];
    GEOSContextHandle_t geos;
    struct cov_err err;
    struct geo_store *s;
};

static int setup(void **state) {
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_store.XXXXXX");
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

static int teardown(void **state) {
    struct fx *f = *state;
    geo_store_close(f->s);
    cov_geos_free(f->geos);
    cov_err_release(&f->err);
    char p[160];
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-journal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s/other.sqlite", f->dir);
    unlink(p);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Open (creating) the fixture's store; asserts success. */
static struct geo_store *open_store(struct fx *f, int srid) {
    assert_int_equal(geo_store_open(f->path, 1, &f->s, &f->err), 0);
    if (srid)
        assert_int_equal(geo_store_set_srid(f->s, srid, &f->err), 0);
    return f->s;
}

static void reopen(struct fx *f) {
    geo_store_close(f->s);
    f->s = NULL;
    assert_int_equal(geo_store_open(f->path, 0, &f->s, &f->err), 0);
}

static GEOSGeometry *wkt(struct fx *f, const char *text) {
    GEOSWKTReader *r = GEOSWKTReader_create_r(f->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(f->geos, r, text);
    GEOSWKTReader_destroy_r(f->geos, r);
    assert_non_null(g);
    return g;
}

/* Long value of a single-value query, through geodata's private SQL calls. */
static long query_long(struct geo_store *s, const char *sql) {
    struct cov_err err;
    cov_err_init(&err);
    struct geo_stmt *st = NULL;
    if (geo_store_prepare(s, sql, &st, &err) || geo_stmt_step(st, "query_long", &err) != 1)
        fail_msg("%s: %s", sql, cov_err_msg(&err));
    long v = (long)geo_stmt_column_int(st, 0);
    geo_stmt_finalize(st);
    cov_err_release(&err);
    return v;
}

static void put_area(struct fx *f, enum cov_layer layer, const char *code, const char *name,
                     const char *parent, const char *geom_wkt) {
    struct cov_area a = {.code = code, .name = name, .parent = parent};
    a.geom = wkt(f, geom_wkt);
    int rc = geo_store_put_area(f->s, layer, &a, f->geos, &f->err);
    GEOSGeom_destroy_r(f->geos, a.geom);
    assert_int_equal(rc, 0);
}

static struct cov_org org(const char *id, double x, double y) {
    struct cov_org o = {.id = id, .name = "org", .kind = "社会团体", .staff = COV_UNKNOWN};
    o.x = x;
    o.y = y;
    return o;
}

/* A small project: 1 district, 2 streets, 2 communities, 1 park, 1 building, 3 orgs. */
static void fill_small(struct fx *f) {
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    put_area(f, COV_DISTRICTS, "320703", "连云区", NULL, "POLYGON((0 0,100 0,100 100,0 100,0 0))");
    assert_int_equal(geo_store_layer_done(f->s, COV_DISTRICTS, "d.shp", 1, &f->err), 0);
    put_area(f, COV_STREETS, "320703001", "街道一", "320703",
             "POLYGON((0 0,50 0,50 100,0 100,0 0))");
    put_area(f, COV_STREETS, "320703002", "街道二", "320703",
             "POLYGON((50 0,100 0,100 100,50 100,50 0))");
    assert_int_equal(geo_store_layer_done(f->s, COV_STREETS, "s.shp", 2, &f->err), 0);
    struct cov_area c = {.code = "320703001001",
                         .name = "社区一",
                         .parent = "320703001",
                         .ur = COV_UR_URBAN,
                         .ur_code = 111};
    c.geom = wkt(f, "POLYGON((0 0,50 0,50 100,0 100,0 0))");
    assert_int_equal(geo_store_put_area(f->s, COV_COMMUNITIES, &c, f->geos, &f->err), 0);
    GEOSGeom_destroy_r(f->geos, c.geom);
    c = (struct cov_area){.code = "320703002201",
                          .name = "村二",
                          .parent = "320703002",
                          .ur = COV_UR_RURAL,
                          .ur_code = 220};
    c.geom = wkt(f, "MULTIPOLYGON(((50 0,100 0,100 50,50 50,50 0)),((50 60,100 60,100 100,50 100,"
                    "50 60)))");
    assert_int_equal(geo_store_put_area(f->s, COV_COMMUNITIES, &c, f->geos, &f->err), 0);
    GEOSGeom_destroy_r(f->geos, c.geom);
    assert_int_equal(geo_store_layer_done(f->s, COV_COMMUNITIES, "c.gpkg", 2, &f->err), 0);
    put_area(f, COV_PARKS, "P1", "园区", NULL, "POLYGON((10 10,30 10,30 30,10 30,10 10))");
    assert_int_equal(geo_store_layer_done(f->s, COV_PARKS, "p.geojson", 1, &f->err), 0);
    put_area(f, COV_BUILDINGS, "B1", "大厦", NULL, "POINT(20 20)");
    assert_int_equal(geo_store_layer_done(f->s, COV_BUILDINGS, "b.csv", 1, &f->err), 0);

    struct cov_org o = org("91110000600037341L", 20, 20);
    o.community_org = 1;
    o.industry = "教育";
    o.rating = "3A";
    o.formal_members = 4;
    o.untransferred_members = 1;
    o.staff = 12;
    o.party = COV_PARTY_STANDALONE;
    o.party_org_id = "P-001";
    o.instructor = 1;
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    o = org("91350100M000100Y43", 75.5, 80.25);
    o.party = COV_PARTY_JOINT;
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    o = org("51320700MJ5658720L", 60, 20);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "o.xlsx", 3, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
}

static struct cov_model *load_all(struct fx *f) {
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    assert_int_equal(geo_store_load(f->s, GEO_ALL_LAYERS, m, NULL, NULL, &f->err), 0);
    return m;
}

/* ---- open ---- */

static void test_create_then_reopen(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    assert_string_equal(geo_store_path(f->s), f->path);
    assert_int_equal(geo_store_srid(f->s), 0);
    char *v = geo_store_meta_get(f->s, "schema_version");
    assert_non_null(v);
    assert_string_equal(v, "3");
    free(v);
    assert_int_equal(geo_store_meta_set(f->s, "note", "你好", &f->err), 0);
    reopen(f);
    v = geo_store_meta_get(f->s, "note");
    assert_string_equal(v, "你好");
    free(v);
    assert_null(geo_store_meta_get(f->s, "absent"));
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 0);
}

static void test_missing_file_error(void **state) {
    struct fx *f = *state;
    assert_int_equal(geo_store_open(f->path, 0, &f->s, &f->err), COV_EIO);
    assert_null(f->s);
    char want[256];
    snprintf(want, sizeof(want),
             "%s: no such project store (create one with 'orgcover init' or 'orgcover import')",
             f->path);
    assert_string_equal(cov_err_msg(&f->err), want);
    assert_int_not_equal(access(f->path, F_OK), 0); /* not created */
}

static void test_not_sqlite_error(void **state) {
    struct fx *f = *state;
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 64; i++)
        fputs("code,name\n1,not a database\n", fp);
    fclose(fp);
    assert_int_equal(geo_store_open(f->path, 1, &f->s, &f->err), COV_EIO);
    char want[256];
    snprintf(want, sizeof(want), "%s: not an orgcover project store", f->path);
    assert_string_equal(cov_err_msg(&f->err), want);
}

static void test_empty_file_becomes_store_with_create(void **state) {
    struct fx *f = *state;
    FILE *fp = fopen(f->path, "w"); /* e.g. made by mkstemp */
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(geo_store_open(f->path, 0, &f->s, &f->err), COV_EIO);
    assert_non_null(strstr(cov_err_msg(&f->err), "not an orgcover project store"));
    cov_err_clear(&f->err);
    assert_int_equal(geo_store_open(f->path, 1, &f->s, &f->err), 0);
    assert_non_null(f->s);
    /* Spatial metadata, with the geographic CRSs registers come in, not all of EPSG. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM spatial_ref_sys WHERE srid = 4326"), 1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM spatial_ref_sys WHERE srid = 4490"), 1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM spatial_ref_sys"), 2);
}

static void test_foreign_sqlite_error(void **state) {
    struct fx *f = *state;
    /* Someone else's database, made with SQLite itself: not through the store on purpose. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "CREATE TABLE t(a); INSERT INTO t VALUES(1)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    /* Even with create=1 someone else's database is left alone. */
    assert_int_equal(geo_store_open(f->path, 1, &f->s, &f->err), COV_EIO);
    assert_non_null(strstr(cov_err_msg(&f->err), "not an orgcover project store"));
}

static void test_newer_schema_error(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    assert_int_equal(geo_store_meta_set(f->s, "schema_version", "4", &f->err), 0);
    geo_store_close(f->s);
    f->s = NULL;
    assert_int_equal(geo_store_open(f->path, 0, &f->s, &f->err), COV_EIO);
    assert_null(f->s);
    assert_non_null(strstr(cov_err_msg(&f->err), "schema version 4, newer than this orgcover"));
}

/* A store of schema 1 (before register fields) is upgraded in place when opened. */
static void test_schema_1_is_upgraded(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    static const char *const drop[] = {
        "ALTER TABLE organizations DROP COLUMN address",
        "ALTER TABLE organizations DROP COLUMN community_ref",
        "ALTER TABLE organizations DROP COLUMN street_ref",
        "ALTER TABLE organizations DROP COLUMN authority",
        "ALTER TABLE organizations DROP COLUMN supervisor",
        "ALTER TABLE organizations DROP COLUMN legal_rep",
        "ALTER TABLE organizations DROP COLUMN reg_date",
        "DROP VIEW assignments",
        "DROP TABLE assignment_groups",
        "DROP TABLE assignment_points",
        "CREATE TABLE assignments(org_id TEXT PRIMARY KEY, district TEXT, street TEXT,"
        " community TEXT, park TEXT, building TEXT)",
        "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
        "INSERT OR REPLACE INTO meta(key, value) VALUES('assign.stamp', 'old')",
    };
    for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        if (geo_store_exec(f->s, drop[i], &f->err))
            fail_msg("%s: %s", drop[i], cov_err_msg(&f->err));
    geo_store_close(f->s);
    f->s = NULL;
    assert_int_equal(geo_store_open(f->path, 0, &f->s, &f->err), 0);
    char *v = geo_store_meta_get(f->s, "schema_version");
    assert_string_equal(v, "3");
    free(v);
    assert_null(geo_store_meta_get(f->s, "assign.stamp"));
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments"), 0);
    struct cov_org o = {.id = "A1", .name = "n", .address = "海州区新浦街道", .x = NAN, .y = NAN};
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "t", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    struct cov_model *m = cov_model_new();
    assert_int_equal(geo_store_load(f->s, GEO_ALL_LAYERS, m, NULL, NULL, &f->err), 0);
    assert_string_equal(m->orgs[0].address, "海州区新浦街道");
    assert_int_equal(m->orgs[0].has_xy, 0);
    cov_model_free(m);
}

/* A store of schema 2 (assignments as a table of codes) is upgraded: the table
 * becomes rows of rowids behind a view of the same columns, recomputed. */
static void test_schema_2_is_upgraded(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    static const char *const back[] = {
        "DROP VIEW assignments",
        "DROP TABLE assignment_groups",
        "DROP TABLE assignment_points",
        "CREATE TABLE assignments(org_id TEXT PRIMARY KEY, district TEXT, street TEXT,"
        " community TEXT, park TEXT, building TEXT, placed TEXT, placed_by TEXT, px REAL,"
        " py REAL)",
        "INSERT INTO assignments(org_id, district) VALUES('91110000600037341L', '320703')",
        "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
        "INSERT OR REPLACE INTO meta(key, value) VALUES('assign.stamp', 'old')",
    };
    for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++)
        if (geo_store_exec(f->s, back[i], &f->err))
            fail_msg("%s: %s", back[i], cov_err_msg(&f->err));
    reopen(f);
    char *v = geo_store_meta_get(f->s, "schema_version");
    assert_string_equal(v, "3");
    free(v);
    assert_null(geo_store_meta_get(f->s, "assign.stamp"));
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments"), 0);
    struct cov_model *m = cov_model_new();
    enum geo_load_outcome how;
    assert_int_equal(geo_store_load_current(f->s, GEO_ALL_LAYERS, m, NULL, NULL, &how, &f->err), 0);
    assert_int_equal(how, GEO_LOAD_SAVED);
    cov_model_free(m);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments"), 3);
}

/* The assignments view reads as the schema-2 table did: codes and words, by
 * rowid also when rows were deleted and added (rowids with gaps). */
static void test_assignments_view_has_codes(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    /* Gaps: a street and an organization deleted, one organization added. */
    assert_int_equal(geo_store_exec(f->s,
                                    "DELETE FROM streets WHERE code = '320703001';"
                                    " DELETE FROM organizations WHERE id = '91350100M000100Y43'",
                                    &f->err),
                     0);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    struct cov_org o = org("N1", 80, 30);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    o = org("T1", NAN, NAN); /* placed by its community column: a drawing point */
    o.community_ref = "320703001001";
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    o = org("N2", 81, 31); /* N1's group */
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "n.csv", 3, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    struct cov_model *m = cov_model_new();
    assert_int_equal(geo_store_load_current(f->s, GEO_ALL_LAYERS, m, NULL, NULL, NULL, &f->err),
                     0);
    cov_model_free(m);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments"), 5);
    assert_int_equal(query_long(f->s, "SELECT count(DISTINCT org_id) FROM assignments"), 5);
    /* N1 and N2 share one group row; T1 has its drawing point. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignment_groups"), 3);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments WHERE org_id = 'T1' AND"
                                      " community = '320703001001' AND placed = 'community' AND"
                                      " px IS NOT NULL AND py IS NOT NULL"),
                     1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments WHERE px IS NOT NULL"), 1);
    /* (20, 20): district 320703, no street left there, community 320703001001, park P1, building B1. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments WHERE org_id ="
                                      " '91110000600037341L' AND district = '320703' AND street IS"
                                      " NULL AND community = '320703001001' AND park = 'P1' AND"
                                      " building = 'B1' AND placed = 'point' AND placed_by ="
                                      " 'coordinates' AND px IS NULL"),
                     1);
    /* (80, 30): street 320703002, village 320703002201. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM assignments WHERE org_id = 'N1' AND"
                                      " street = '320703002' AND community = '320703002201' AND"
                                      " park IS NULL"),
                     1);
}

/* ---- CRS ---- */

static void test_set_srid_creates_layers(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    assert_int_equal(geo_store_srid(f->s), 4549);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM geometry_columns WHERE srid = 4549"),
                     COV_NLAYERS);
    assert_int_equal(query_long(f->s, "SELECT geometry_type FROM geometry_columns"
                                      " WHERE f_table_name = 'organizations'"),
                     1); /* POINT */
    assert_int_equal(query_long(f->s, "SELECT geometry_type FROM geometry_columns"
                                      " WHERE f_table_name = 'communities'"),
                     0); /* GEOMETRY */
    reopen(f);
    assert_int_equal(geo_store_srid(f->s), 4549);
    for (int l = 0; l < COV_NLAYERS; l++)
        assert_int_equal(geo_store_count(f->s, (enum cov_layer)l, &f->err), 0);
}

static void test_set_srid_change_while_empty(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    assert_int_equal(geo_store_set_srid(f->s, 32650, &f->err), 0);
    assert_int_equal(geo_store_srid(f->s), 32650);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM geometry_columns WHERE srid = 32650"),
                     COV_NLAYERS);
    /* Each project CRS is added to spatial_ref_sys as it is chosen, from PROJ. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM spatial_ref_sys WHERE srid IN (4549,"
                                      " 32650) AND auth_name = 'epsg' AND srtext LIKE 'PROJCS[%'"),
                     2);
}

static void test_set_srid_beyond_spatialite_table(void **state) {
    struct fx *f = *state;
    /* EPSG:8857 (2018) is in PROJ's database and not in SpatiaLite's own. */
    open_store(f, 8857);
    assert_int_equal(geo_store_srid(f->s), 8857);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM spatial_ref_sys WHERE srid = 8857 AND"
                                      " ref_sys_name LIKE '%Equal Earth%'"),
                     1);
    reopen(f);
    assert_int_equal(geo_store_srid(f->s), 8857);
}

static void test_set_srid_inside_transaction_rolls_back(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_set_srid(f->s, 4549, &f->err), 0);
    assert_int_equal(geo_store_srid(f->s), 4549);
    geo_store_rollback(f->s);
    assert_int_equal(geo_store_srid(f->s), 0);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM geometry_columns"), 0);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_set_srid(f->s, 4549, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    reopen(f);
    assert_int_equal(geo_store_srid(f->s), 4549);
}

static void test_set_srid_refused_once_rows_exist(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    struct cov_org o = org("91110000600037341L", 1, 2);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "x", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    assert_int_equal(geo_store_set_srid(f->s, 4548, &f->err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "layer organizations holds 1 rows"));
    assert_int_equal(geo_store_srid(f->s), 4549);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 1);
    cov_err_clear(&f->err);
    assert_int_equal(geo_store_set_srid(f->s, 4549, &f->err), 0); /* same CRS: no-op */
}

static void test_set_srid_unknown_code(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    assert_int_equal(geo_store_set_srid(f->s, 999999, &f->err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "EPSG:999999 is not a known"));
    assert_int_equal(geo_store_srid(f->s), 0);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM spatial_ref_sys"), 2);
}

static void test_put_without_srid_fails(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    struct cov_org o = org("91110000600037341L", 1, 2);
    assert_int_not_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_non_null(strstr(cov_err_msg(&f->err), "project CRS is not set"));
}

/* ---- writes and loads ---- */

static int geom_equal(GEOSContextHandle_t h, const GEOSGeometry *a, const GEOSGeometry *b) {
    GEOSGeometry *x = GEOSGeom_clone_r(h, a), *y = GEOSGeom_clone_r(h, b);
    GEOSNormalize_r(h, x);
    GEOSNormalize_r(h, y);
    int eq = GEOSEqualsExact_r(h, x, y, 0.0);
    GEOSGeom_destroy_r(h, x);
    GEOSGeom_destroy_r(h, y);
    return eq == 1;
}

static void test_round_trip_area_layers(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    reopen(f);
    struct cov_model *m = load_all(f);
    assert_int_equal(m->srid, 4549);
    assert_int_equal(m->n_areas[COV_DISTRICTS], 1);
    assert_int_equal(m->n_areas[COV_STREETS], 2);
    assert_int_equal(m->n_areas[COV_COMMUNITIES], 2);
    assert_int_equal(m->n_areas[COV_PARKS], 1);
    assert_int_equal(m->n_areas[COV_BUILDINGS], 1);

    const struct cov_area *d = &m->areas[COV_DISTRICTS][0];
    assert_string_equal(d->code, "320703");
    assert_string_equal(d->name, "连云区");
    assert_null(d->parent);
    assert_float_equal(d->maxx, 100, 1e-9);
    const struct cov_area *st = &m->areas[COV_STREETS][1];
    assert_string_equal(st->code, "320703002");
    assert_string_equal(st->parent, "320703");

    const struct cov_area *c = &m->areas[COV_COMMUNITIES][1];
    assert_string_equal(c->code, "320703002201");
    assert_int_equal(c->ur, COV_UR_RURAL);
    assert_int_equal(c->ur_code, 220);
    assert_int_equal(m->areas[COV_COMMUNITIES][0].ur, COV_UR_URBAN);
    assert_int_equal(m->areas[COV_COMMUNITIES][0].ur_code, 111);
    GEOSGeometry *want = wkt(f, "MULTIPOLYGON(((50 60,100 60,100 100,50 100,50 60)),"
                                "((50 0,100 0,100 50,50 50,50 0)))");
    assert_true(geom_equal(m->geos, c->geom, want));
    GEOSGeom_destroy_r(f->geos, want);
    assert_int_equal(GEOSGeomTypeId_r(m->geos, m->areas[COV_BUILDINGS][0].geom), GEOS_POINT);
    want = wkt(f, "POLYGON((10 10,30 10,30 30,10 30,10 10))");
    assert_true(geom_equal(m->geos, m->areas[COV_PARKS][0].geom, want));
    GEOSGeom_destroy_r(f->geos, want);
    cov_model_free(m);
}

static void test_round_trip_organizations(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    reopen(f);
    struct cov_model *m = load_all(f);
    assert_int_equal(m->n_orgs, 3);
    const struct cov_org *o = &m->orgs[0];
    assert_string_equal(o->id, "91110000600037341L");
    assert_string_equal(o->name, "org");
    assert_string_equal(o->kind, "社会团体");
    assert_int_equal(o->community_org, 1);
    assert_string_equal(o->industry, "教育");
    assert_string_equal(o->rating, "3A");
    assert_int_equal(o->formal_members, 4);
    assert_int_equal(o->untransferred_members, 1);
    assert_int_equal(o->staff, 12);
    assert_int_equal(o->party, COV_PARTY_STANDALONE);
    assert_string_equal(o->party_org_id, "P-001");
    assert_int_equal(o->instructor, 1);
    assert_float_equal(o->x, 20, 0);
    o = &m->orgs[1];
    assert_int_equal(o->party, COV_PARTY_JOINT);
    assert_float_equal(o->x, 75.5, 0);
    assert_float_equal(o->y, 80.25, 0);
    assert_int_equal(o->staff, COV_UNKNOWN);
    assert_null(o->rating);
    assert_null(o->industry);
    assert_int_equal(m->orgs[2].party, COV_PARTY_NONE);
    assert_int_equal(m->assigned, 0);
    /* The stored point geometry agrees with x/y. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM organizations"
                                      " WHERE X(geom) = x AND Y(geom) = y AND SRID(geom) = 4549"),
                     3);
    cov_model_free(m);
}

static void test_load_mask_selects_layers(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    struct cov_model *m = cov_model_new();
    unsigned mask = (1u << COV_COMMUNITIES) | (1u << COV_ORGANIZATIONS);
    assert_int_equal(geo_store_load(f->s, mask, m, NULL, NULL, &f->err), 0);
    assert_int_equal(m->n_areas[COV_DISTRICTS], 0);
    assert_int_equal(m->n_areas[COV_COMMUNITIES], 2);
    assert_int_equal(m->n_orgs, 3);
    cov_model_free(m);
}

static void test_spatial_index_built_by_layer_done(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM geometry_columns"
                                      " WHERE spatial_index_enabled = 1"),
                     COV_NLAYERS);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_streets_geom"), 2);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"), 3);
    /* The index answers a window query. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"
                                      " WHERE xmin >= 50 AND xmax <= 80"),
                     2);
}

static void test_layer_done_bumps_version_and_logs(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    char *v = geo_store_meta_get(f->s, "version.communities");
    assert_string_equal(v, "1");
    free(v);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM import_log"), COV_NLAYERS);
    assert_int_equal(query_long(f->s, "SELECT rows FROM import_log WHERE layer = 'organizations'"
                                      " AND source = 'o.xlsx' AND time LIKE '20%Z'"),
                     3);
    assert_int_equal(geo_store_layer_done(f->s, COV_COMMUNITIES, "again", 2, &f->err), 0);
    v = geo_store_meta_get(f->s, "version.communities");
    assert_string_equal(v, "2");
    free(v);
}

static void test_duplicate_org_id(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    struct cov_org o = org("91110000600037341L", 1, 2);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), COV_EINPUT);
    assert_string_equal(cov_err_msg(&f->err),
                        "organizations: id '91110000600037341L' appears twice");
    geo_store_rollback(f->s);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 0);
}

/* 37 organizations by geo_store_put_orgs(): two full batches and the rest
 * row by row, some without a point; each row's R*Tree box is its own. */
static void test_put_orgs_in_batches(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    enum { N = 2 * GEO_PUT_BATCH + 5 };
    char ids[N][16];
    struct cov_org o[N];
    const struct cov_org *v[N];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof(ids[i]), "O%d", i);
        o[i] = org(ids[i], 1000 + i, 2000 + 3 * i);
        if (i % 7 == 3)
            o[i].x = o[i].y = NAN;
        v[i] = &o[i];
    }
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_put_orgs(f->s, v, N, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "o.csv", N, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM organizations WHERE rowid ="
                                      " CAST(substr(id, 2) AS INTEGER) + 1 AND name = 'org'"),
                     N);
    long with_point = query_long(f->s, "SELECT count(*) FROM organizations WHERE geom NOT NULL");
    assert_int_equal(with_point, N - 5);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"), with_point);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM organizations o"
                                      " JOIN idx_organizations_geom r ON r.pkid = o.rowid"
                                      " WHERE r.xmin <= o.x AND o.x <= r.xmax"
                                      " AND r.ymin <= o.y AND o.y <= r.ymax"
                                      " AND o.x = X(o.geom) AND o.y = Y(o.geom)"),
                     with_point);
}

/* A batch with an id already written fails as the row by row write does,
 * naming the id, and leaves the transaction to the caller. */
static void test_put_orgs_duplicate_in_a_batch(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    enum { N = GEO_PUT_BATCH + 2 };
    char ids[N][16];
    struct cov_org o[N];
    const struct cov_org *v[N];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof(ids[i]), "B%d", i);
        o[i] = org(ids[i], i, i);
        v[i] = &o[i];
    }
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_put_org(f->s, &o[7], &f->err), 0);
    assert_int_equal(geo_store_put_orgs(f->s, v, N, &f->err), COV_EINPUT);
    assert_string_equal(cov_err_msg(&f->err), "organizations: id 'B7' appears twice");
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM organizations"), 8);
    geo_store_rollback(f->s);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 0);
}

static void test_duplicate_area_code(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    put_area(f, COV_STREETS, "S1", "a", NULL, "POLYGON((0 0,1 0,1 1,0 0))");
    struct cov_area a = {.code = "S1", .name = "b"};
    a.geom = wkt(f, "POLYGON((0 0,2 0,2 2,0 0))");
    assert_int_equal(geo_store_put_area(f->s, COV_STREETS, &a, f->geos, &f->err), COV_EINPUT);
    GEOSGeom_destroy_r(f->geos, a.geom);
    assert_string_equal(cov_err_msg(&f->err), "streets: code 'S1' appears twice");
    geo_store_rollback(f->s);
}

static void test_empty_geometry_rejected(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    struct cov_area a = {.code = "E1", .name = "empty"};
    a.geom = wkt(f, "POLYGON EMPTY");
    assert_int_equal(geo_store_put_area(f->s, COV_PARKS, &a, f->geos, &f->err), COV_EINPUT);
    GEOSGeom_destroy_r(f->geos, a.geom);
    assert_string_equal(cov_err_msg(&f->err), "parks: code 'E1' has no geometry");
    assert_int_equal(geo_store_count(f->s, COV_PARKS, &f->err), 0);
}

static void test_writes_outside_transaction_get_index_at_close(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    put_area(f, COV_PARKS, "P1", "a", NULL, "POLYGON((0 0,1 0,1 1,0 0))");
    put_area(f, COV_PARKS, "P2", "b", NULL, "POLYGON((5 5,6 5,6 6,5 5))");
    reopen(f);
    assert_int_equal(geo_store_count(f->s, COV_PARKS, &f->err), 2);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_parks_geom"), 2);
}

static void test_rollback_leaves_store_unchanged(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    long before[COV_NLAYERS];
    for (int l = 0; l < COV_NLAYERS; l++)
        before[l] = geo_store_count(f->s, (enum cov_layer)l, &f->err);
    long logs = query_long(f->s, "SELECT count(*) FROM import_log");

    /* A replace-import that fails half way. */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_ORGANIZATIONS, &f->err), 0);
    struct cov_org o = org("91440300708461136T", 5, 5);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "bad", 1, &f->err), 0);
    put_area(f, COV_DISTRICTS, "320705", "海州区", NULL, "POLYGON((0 0,1 0,1 1,0 0))");
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 1);
    geo_store_rollback(f->s);

    reopen(f);
    for (int l = 0; l < COV_NLAYERS; l++)
        assert_int_equal(geo_store_count(f->s, (enum cov_layer)l, &f->err), before[l]);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM import_log"), logs);
    char *v = geo_store_meta_get(f->s, "version.organizations");
    assert_string_equal(v, "1");
    free(v);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"), 3);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM geometry_columns"
                                      " WHERE spatial_index_enabled = 1"),
                     COV_NLAYERS);
    assert_int_equal(geo_store_srid(f->s), 4549);
}

/* A bulk write sets SpatiaLite's triggers aside and writes the R*Tree itself:
 * afterwards the same triggers are back, the index is one SQLite accepts, and
 * rows written later outside a bulk write reach it through the triggers. */
static void test_bulk_write_restores_triggers_and_index(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    const char *triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                           " AND tbl_name = 'organizations'";
    long before = query_long(f->s, triggers);
    assert_true(before >= 3);
    fill_small(f);
    assert_int_equal(query_long(f->s, triggers), before);
    assert_int_equal(query_long(f->s, "SELECT rtreecheck('idx_organizations_geom') = 'ok'"), 1);
    assert_int_equal(query_long(f->s, "SELECT rtreecheck('idx_streets_geom') = 'ok'"), 1);
    struct cov_org o = org("91440300708461136T", 55, 56);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0); /* autocommit: triggers */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"
                                      " WHERE xmin <= 55 AND xmax >= 55 AND ymin <= 56"
                                      " AND ymax >= 56"),
                     1);
    assert_int_equal(query_long(f->s, "SELECT rtreecheck('idx_organizations_geom') = 'ok'"), 1);
}

/* The point blob written in C is the one SpatiaLite's MakePoint makes. */
static void test_point_blob_is_makepoint(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    static const double pts[][2] = {{0, 0}, {20, 20}, {-123.456789, 0.000001},
                                    {39532148.123, 4418273.5}, {1e-300, -1e300}};
    for (size_t i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
        unsigned char b[GEO_POINT_BLOB];
        geo_point_blob(b, pts[i][0], pts[i][1], 4549);
        char hex[2 * GEO_POINT_BLOB + 1], sql[512];
        for (int k = 0; k < GEO_POINT_BLOB; k++)
            snprintf(hex + 2 * k, 3, "%02X", b[k]);
        snprintf(sql, sizeof(sql), "SELECT hex(MakePoint(%.17g, %.17g, 4549)) = '%s'", pts[i][0],
                 pts[i][1], hex);
        assert_int_equal(query_long(f->s, sql), 1);
    }
    /* And SpatiaLite reads it back as that point. */
    fill_small(f);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM organizations WHERE ST_X(geom) = 75.5"
                                      " AND ST_Y(geom) = 80.25 AND ST_SRID(geom) = 4549"
                                      " AND ST_IsValid(geom) AND GeometryType(geom) = 'POINT'"),
                     1);
}

/* The index of a bulk write is packed from the boxes kept while inserting when
 * the table held nothing else, and from the table otherwise: appending, replacing
 * and moving points inside one transaction all leave an index of exactly the
 * table's rows. */
static void expect_index_is_table(struct fx *f, long rows) {
    assert_int_equal(query_long(f->s, "SELECT rtreecheck('idx_organizations_geom') = 'ok'"), 1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"), rows);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM organizations o JOIN"
                                      " idx_organizations_geom i ON i.pkid = o.rowid AND"
                                      " i.xmin <= o.x AND i.xmax >= o.x AND i.ymin <= o.y AND"
                                      " i.ymax >= o.y"),
                     rows);
}

/* Polygons are written as SpatiaLite blobs built in C: byte for byte what
 * SpatiaLite makes of their WKB, holes and several parts included; a point
 * building still goes through WKB. */
static void test_area_blob_is_spatialite(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f); /* a square, a two-part multipolygon, a point building */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    put_area(f, COV_PARKS, "P2", "有洞", NULL,
             "POLYGON((0 0,40 0,40 40,0 40,0 0),(10 10,20 10,20 20,10 20,10 10),"
             "(25 25,30 25,30 30,25 25))");
    put_area(f, COV_PARKS, "P3", "两块带洞", NULL,
             "MULTIPOLYGON(((0 0,40 0,40 40,0 40,0 0),(10 10,20 10,20 20,10 10)),"
             "((50.25 -3.5,60 -3.5,60 7.125,50.25 -3.5)))");
    assert_int_equal(geo_store_layer_done(f->s, COV_PARKS, "p.gpkg", 3, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    for (int l = 0; l < COV_NAREAS; l++) {
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM \"%s\" WHERE geom = GeomFromWKB(AsBinary(geom), 4549)"
                 " AND MbrMinX(geom) = ST_MinX(geom) AND MbrMaxY(geom) = ST_MaxY(geom)",
                 cov_layer_name(l));
        char total[128];
        snprintf(total, sizeof(total), "SELECT count(*) FROM \"%s\"", cov_layer_name(l));
        assert_int_equal(query_long(f->s, sql), query_long(f->s, total));
    }
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM parks WHERE code = 'P3' AND"
                                      " ST_NumGeometries(geom) = 2 AND ST_NRings(geom) = 3 AND"
                                      " abs(ST_Area(geom) - (1600 - 50 + 0.5 * 9.75 * 10.625))"
                                      " < 1e-9"),
                     1);
    /* The packed index holds each blob's MBR (rounded outwards to floats). */
    assert_int_equal(query_long(f->s, "SELECT rtreecheck('idx_parks_geom') = 'ok'"), 1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM parks p JOIN idx_parks_geom i ON"
                                      " i.pkid = p.rowid AND i.xmin <= MbrMinX(p.geom) AND"
                                      " i.xmax >= MbrMaxX(p.geom) AND i.ymin <= MbrMinY(p.geom)"
                                      " AND i.ymax >= MbrMaxY(p.geom) AND"
                                      " i.xmax - i.xmin < MbrMaxX(p.geom) - MbrMinX(p.geom) + 1e-3"),
                     3);
}


static void test_bulk_index_append_replace_update(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f); /* a new table: boxes from memory */
    expect_index_is_table(f, 3);
    /* Append: the old rows are read back from the table. */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    struct cov_org o = org("A1", 1, 2);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "a.csv", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    expect_index_is_table(f, 4);
    /* Replace: cleared, then only the new rows (a row put before the clear too is gone). */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_ORGANIZATIONS, &f->err), 0);
    o = org("Z1", 9, 9);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_ORGANIZATIONS, &f->err), 0);
    o = org("R1", 3, 4);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    o = org("R2", 5, 6);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "r.csv", 2, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    expect_index_is_table(f, 2);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"
                                      " WHERE xmin = 5 AND ymin = 6"),
                     1);
    /* Insert, then move a point, in one write: the index has the new place. */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_ORGANIZATIONS, &f->err), 0);
    o = org("M1", 7, 8);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    o = org("M1", 70, 80);
    int found = 0;
    assert_int_equal(geo_store_update_org(f->s, &o, 1u << GEO_ORG_LON | 1u << GEO_ORG_LAT, &found,
                                          &f->err),
                     0);
    assert_int_equal(found, 1);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "m.csv", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    expect_index_is_table(f, 1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"
                                      " WHERE xmin = 70 AND ymin = 80"),
                     1);
    /* An area layer replaced: its index from the kept envelopes. */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_PARKS, &f->err), 0);
    put_area(f, COV_PARKS, "P9", "新园区", NULL, "POLYGON((11 12,31 12,31 42,11 42,11 12))");
    assert_int_equal(geo_store_layer_done(f->s, COV_PARKS, "p.gpkg", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    assert_int_equal(query_long(f->s, "SELECT rtreecheck('idx_parks_geom') = 'ok'"), 1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_parks_geom WHERE xmin = 11 AND"
                                      " xmax = 31 AND ymin = 12 AND ymax = 42"),
                     1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_parks_geom"), 1);
}

/* ---- the organizations' load cache ---- */

static int same_str(const char *a, const char *b) {
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Every field load_orgs() fills, equal in a and b. */
static void expect_same_orgs(const struct cov_model *a, const struct cov_model *b) {
    assert_int_equal(a->n_orgs, b->n_orgs);
    for (size_t i = 0; i < a->n_orgs; i++) {
        const struct cov_org *p = &a->orgs[i], *q = &b->orgs[i];
        assert_true(same_str(p->id, q->id) && same_str(p->name, q->name) &&
                    same_str(p->kind, q->kind) && same_str(p->industry, q->industry) &&
                    same_str(p->rating, q->rating) && same_str(p->party_org_id, q->party_org_id) &&
                    same_str(p->address, q->address) &&
                    same_str(p->community_ref, q->community_ref) &&
                    same_str(p->street_ref, q->street_ref) &&
                    same_str(p->authority, q->authority) &&
                    same_str(p->supervisor, q->supervisor) &&
                    same_str(p->legal_rep, q->legal_rep) && same_str(p->reg_date, q->reg_date));
        assert_int_equal(p->community_org, q->community_org);
        assert_int_equal(p->formal_members, q->formal_members);
        assert_int_equal(p->untransferred_members, q->untransferred_members);
        assert_int_equal(p->staff, q->staff);
        assert_int_equal(p->party, q->party);
        assert_int_equal(p->instructor, q->instructor);
        assert_int_equal(p->has_xy, q->has_xy);
        assert_true((p->x == q->x && p->y == q->y) || (isnan(p->x) && isnan(q->x)));
    }
}

static struct cov_model *load_current(struct fx *f) {
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    assert_int_equal(geo_store_load_current(f->s, GEO_ALL_LAYERS, m, NULL, NULL, NULL, &f->err),
                     0);
    return m;
}

static void expect_same_areas(const struct cov_model *a, const struct cov_model *b) {
    for (int l = 0; l < COV_NAREAS; l++) {
        assert_int_equal(a->n_areas[l], b->n_areas[l]);
        for (size_t i = 0; i < a->n_areas[l]; i++) {
            const struct cov_area *p = &a->areas[l][i], *q = &b->areas[l][i];
            assert_true(same_str(p->code, q->code) && same_str(p->name, q->name) &&
                        same_str(p->parent, q->parent));
            assert_int_equal(p->ur, q->ur);
            assert_int_equal(p->ur_code, q->ur_code);
            assert_true(p->minx == q->minx && p->maxy == q->maxy);
        }
    }
}

static struct cov_model *load_with(struct fx *f, unsigned mask) {
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    assert_int_equal(geo_store_load(f->s, mask, m, NULL, NULL, &f->err), 0);
    return m;
}

static struct cov_model *load_lean(struct fx *f) {
    return load_with(f, GEO_ALL_LAYERS | GEO_LOAD_LEAN);
}

/* The area layers' attributes are kept as blobs by the first load that reads
 * the tables; later loads, lean or with geometries, read the blobs, until an
 * edit of the layer. */
static void test_areas_cache_loads_the_same_and_follows_edits(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    struct cov_model *table = load_current(f); /* reads the tables, writes the blobs */
    assert_null(table->areas[COV_DISTRICTS][0].parent);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM cache WHERE key LIKE 'areas.%'"),
                     COV_NAREAS);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM meta WHERE key = 'cache.communities'"
                                      " AND value = (SELECT value FROM meta"
                                      " WHERE key = 'version.communities')"),
                     1);
    struct cov_model *cached = load_current(f);
    expect_same_areas(table, cached);
    cov_model_free(cached);
    struct cov_model *lean = load_lean(f);
    assert_string_equal(lean->areas[COV_COMMUNITIES][1].name, "村二");
    assert_int_equal(lean->areas[COV_COMMUNITIES][1].ur_code, 220);
    assert_null(lean->areas[COV_COMMUNITIES][1].geom);
    cov_model_free(lean);

    /* The blob is what is read: with its trigger gone, an edit is not seen. */
    assert_int_equal(geo_store_exec(f->s,
                                    "DROP TRIGGER orgcover_communities_cache_upd;"
                                    " UPDATE communities SET name = '改名' WHERE code = '320703002201'",
                                    &f->err),
                     0);
    lean = load_lean(f);
    assert_string_equal(lean->areas[COV_COMMUNITIES][1].name, "村二");
    cov_model_free(lean);
    /* With the trigger (written again with the blob), an edit is seen. */
    assert_int_equal(geo_store_exec(f->s, "DELETE FROM meta WHERE key = 'cache.communities'",
                                    &f->err),
                     0);
    cov_model_free(load_current(f));
    assert_int_equal(geo_store_exec(f->s,
                                    "UPDATE communities SET ur_code = 210 WHERE code ="
                                    " '320703002201'",
                                    &f->err),
                     0);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM meta WHERE key = 'cache.communities'"),
                     0);
    lean = load_lean(f);
    assert_string_equal(lean->areas[COV_COMMUNITIES][1].name, "改名");
    assert_int_equal(lean->areas[COV_COMMUNITIES][1].ur_code, 210);
    cov_model_free(lean);

    /* A damaged blob is not used: the table is read again. */
    cov_model_free(load_current(f));
    assert_int_equal(geo_store_exec(f->s,
                                    "UPDATE cache SET data = substr(data, 1, length(data) - 2)"
                                    " WHERE key = 'areas.streets'",
                                    &f->err),
                     0);
    struct cov_model *again = load_current(f);
    assert_int_equal(again->n_areas[COV_STREETS], 2);
    assert_string_equal(again->areas[COV_STREETS][1].name, "街道二");
    assert_string_equal(again->areas[COV_STREETS][1].parent, "320703");
    cov_model_free(again);
    cov_model_free(table);
}

static void test_orgs_cache_loads_the_same_and_follows_edits(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    /* An organization with every text field and none, to cover the string pool. */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    struct cov_org o = org("X-ALL", 30, 40);
    o.industry = "体育";
    o.rating = "5A";
    o.party_org_id = "P-9";
    o.address = "连云区中山路1号";
    o.community_ref = "社区一";
    o.street_ref = "街道一";
    o.authority = "民政局";
    o.supervisor = "体育局";
    o.legal_rep = "张三";
    o.reg_date = "2019-01-02";
    o.staff = 0;
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    o = (struct cov_org){.id = "X-NONE", .name = "无坐标", .staff = COV_UNKNOWN};
    o.x = o.y = NAN;
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "x.csv", 2, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);

    struct cov_model *table = load_current(f); /* reads the table, writes the cache */
    /* The row without coordinates after one with them: nothing carried over. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM organizations WHERE id = 'X-NONE'"
                                      " AND x IS NULL AND y IS NULL AND geom IS NULL"),
                     1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM cache WHERE key = 'orgs'"), 1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM meta WHERE key = 'cache.orgs'"), 1);
    struct cov_model *cached = load_current(f);
    expect_same_orgs(table, cached);
    cov_model_free(cached);

    /* An edit by another program (QGIS): the cache is no longer valid, the edit is seen. */
    assert_int_equal(geo_store_exec(f->s,
                                    "UPDATE organizations SET formal_members = 9 WHERE id = 'X-ALL'",
                                    &f->err),
                     0);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM meta WHERE key = 'cache.orgs'"), 0);
    struct cov_model *edited = load_current(f);
    for (size_t i = 0; i < edited->n_orgs; i++)
        if (!strcmp(edited->orgs[i].id, "X-ALL"))
            assert_int_equal(edited->orgs[i].formal_members, 9);
    cov_model_free(edited);
    assert_int_equal(geo_store_exec(f->s, "DELETE FROM organizations WHERE id = 'X-NONE'", &f->err),
                     0);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM meta WHERE key = 'cache.orgs'"), 0);
    edited = load_current(f);
    assert_int_equal(edited->n_orgs, table->n_orgs - 1);
    /* The cache table is safe to delete: edits still work (the triggers touch meta only). */
    assert_int_equal(geo_store_exec(f->s,
                                    "DROP TABLE cache; UPDATE organizations SET formal_members ="
                                    " formal_members WHERE id = 'X-ALL'",
                                    &f->err),
                     0);
    struct cov_model *rebuilt = load_current(f); /* the table again, the cache written anew */
    expect_same_orgs(edited, rebuilt);
    cov_model_free(rebuilt);

    /* A damaged cache is not used: the table is read again. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM cache WHERE key = 'orgs'"), 1);
    assert_int_equal(geo_store_exec(f->s,
                                    "UPDATE cache SET data = substr(data, 1, length(data) - 3)"
                                    " || x'414243' WHERE key = 'orgs'",
                                    &f->err),
                     0);
    struct cov_model *again = load_current(f);
    expect_same_orgs(edited, again);
    /* ... and written afresh. */
    struct cov_model *fresh = load_current(f);
    expect_same_orgs(edited, fresh);
    cov_model_free(fresh);
    cov_model_free(again);
    cov_model_free(edited);
    cov_model_free(table);
}

/* Caches larger than one chunk of their readers and writers (2,048 records,
 * 32 KiB buffers, 4,096 assignments a read): 10,000 organizations, every
 * tenth without coordinates, names of varying length, come back from the
 * blob as from the table, and their assignments from the blob alone. */
static void test_caches_of_many_rows_go_in_chunks(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    enum { N = 10000 };
    static char ids[N][16], names[N][64];
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof(ids[i]), "M%05d", i);
        snprintf(names[i], sizeof(names[i]), "组织%.*s%d", i % 7 * 3, "一二三四五六七", i);
        int xy = i % 10 != 0;
        struct cov_org o = org(ids[i], xy ? i % 100 : NAN, xy ? i / 100 : NAN);
        o.name = names[i];
        o.address = i % 3 ? NULL : names[i];
        o.formal_members = i % 5;
        assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    }
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "m.csv", N, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    struct cov_model *table = load_current(f); /* reads the table, writes the cache */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM meta WHERE key = 'cache.orgs'"), 1);
    /* The blob is what is read: an edit behind its trigger's back is not seen. */
    assert_int_equal(geo_store_exec(f->s,
                                    "DROP TRIGGER orgcover_orgs_cache_upd;"
                                    " UPDATE organizations SET name = '改名' WHERE id = 'M09999'",
                                    &f->err),
                     0);
    struct cov_model *m = load_all(f);
    expect_same_orgs(table, m);
    cov_model_free(table);

    for (size_t i = 0; i < m->n_orgs; i++) {
        struct cov_org *o = &m->orgs[i];
        o->area[COV_DISTRICTS] = 0;
        o->area[COV_STREETS] = o->area[COV_COMMUNITIES] = (int32_t)(i % 2);
        o->area[COV_PARKS] = o->area[COV_BUILDINGS] = i % 3 ? -1 : 0;
        if (!o->has_xy) {
            o->placed = COV_PLACED_COMMUNITY;
            o->placed_by = COV_SRC_ADDRESS;
            o->x = 1000.0 + (double)i;
            o->y = 2000.5;
        }
    }
    m->assigned = 1;
    assert_int_equal(geo_store_save_assignments(f->s, m, &f->err), 0);
    assert_int_equal(geo_store_exec(f->s, "DELETE FROM assignment_groups; DELETE FROM assignment_points",
                                    &f->err),
                     0);
    reopen(f);
    struct cov_model *back = load_all(f);
    assert_int_equal(back->assigned, 1);
    assert_int_equal(back->n_orgs, m->n_orgs);
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *p = &m->orgs[i], *q = &back->orgs[i];
        assert_memory_equal(p->area, q->area, sizeof(p->area));
        assert_int_equal(p->placed, q->placed);
        assert_int_equal(p->placed_by, q->placed_by);
        assert_true(p->x == q->x && p->y == q->y);
    }
    cov_model_free(back);
    cov_model_free(m);
}

/* A failed bulk write rolls back with its triggers: they are all there after. */
static void test_rollback_restores_triggers(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    const char *triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'";
    long before = query_long(f->s, triggers);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_ORGANIZATIONS, &f->err), 0);
    assert_true(query_long(f->s, triggers) < before);
    geo_store_rollback(f->s);
    assert_int_equal(query_long(f->s, triggers), before);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_organizations_geom"), 3);
}

static void test_close_rolls_back_open_transaction(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    struct cov_org o = org("91440300708461136T", 5, 5);
    assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    reopen(f);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 0);
}

static void test_begin_is_not_nested(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_not_equal(geo_store_begin(f->s, &f->err), 0);
    assert_non_null(strstr(cov_err_msg(&f->err), "already open"));
    geo_store_rollback(f->s);
}

static void test_clear_then_commit_keeps_index(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_PARKS, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    assert_int_equal(geo_store_count(f->s, COV_PARKS, &f->err), 0);
    assert_int_equal(query_long(f->s, "SELECT spatial_index_enabled FROM geometry_columns"
                                      " WHERE f_table_name = 'parks'"),
                     1);
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM idx_parks_geom"), 0);
}

/* ---- policy ---- */

static void test_policy_defaults_when_never_set(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    struct cov_policy p, def;
    cov_policy_init(&def);
    memset(&p, 0, sizeof(p));
    assert_int_equal(geo_store_load_policy(f->s, &p, &f->err), 0);
    for (int i = 0; i < COV_P_COUNT; i++)
        assert_float_equal(p.v[i], def.v[i], 0);
}

static void test_policy_save_and_load(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    struct cov_policy p;
    cov_policy_init(&p);
    p.v[COV_P_JOINT_MAX_DISTANCE_M] = 1500;
    p.v[COV_P_COVERAGE_RATE_TARGET] = 0.95;
    assert_int_equal(geo_store_save_policy(f->s, &p, &f->err), 0);
    reopen(f);
    struct cov_policy q;
    assert_int_equal(geo_store_load_policy(f->s, &q, &f->err), 0);
    for (int i = 0; i < COV_P_COUNT; i++)
        assert_float_equal(q.v[i], p.v[i], 0);
    /* Only the changed parameters are stored. */
    assert_int_equal(query_long(f->s, "SELECT count(*) FROM policy"), 2);
    struct cov_model *m = load_all(f);
    assert_float_equal(m->policy.v[COV_P_JOINT_MAX_DISTANCE_M], 1500, 0);
    cov_model_free(m);
}

/* ---- assignments ---- */

/* Simulate cov_assign on the small project: org 0 in community 0, org 1 in
 * community 1, org 2 outside every community. */
static void assign_small(struct cov_model *m) {
    for (size_t i = 0; i < m->n_orgs; i++) {
        m->orgs[i].area[COV_DISTRICTS] = 0;
        m->orgs[i].area[COV_STREETS] = i == 0 ? 0 : 1;
        m->orgs[i].area[COV_COMMUNITIES] = i == 2 ? -1 : (int32_t)i;
        m->orgs[i].area[COV_PARKS] = i == 0 ? 0 : -1;
        m->orgs[i].area[COV_BUILDINGS] = i == 0 ? 0 : -1;
    }
    m->assigned = 1;
}

static void test_saved_assignments_load_back(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    struct cov_model *m = load_all(f);
    assign_small(m);
    assert_int_equal(geo_store_save_assignments(f->s, m, &f->err), 0);
    cov_model_free(m);
    reopen(f);
    m = load_all(f);
    assert_int_equal(m->assigned, 1);
    assert_int_equal(m->orgs[0].area[COV_COMMUNITIES], 0);
    assert_int_equal(m->orgs[1].area[COV_COMMUNITIES], 1);
    assert_int_equal(m->orgs[2].area[COV_COMMUNITIES], -1);
    assert_int_equal(m->orgs[1].area[COV_STREETS], 1);
    assert_int_equal(m->orgs[0].area[COV_BUILDINGS], 0);
    assert_int_equal(m->orgs[1].area[COV_PARKS], -1);
    cov_model_free(m);
}

static struct cov_model *load_counts(struct fx *f) {
    return load_with(f, GEO_ALL_LAYERS | GEO_LOAD_LEAN | GEO_LOAD_NO_ORG_TEXT);
}

/* A load for counting skips the organizations' text while the assignments
 * are current and cached, and only then. */
static void test_load_without_org_text(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    struct cov_model *full = load_current(f); /* assigns, saves, keeps the caches */
    assert_int_equal(full->assigned, 1);
    cov_model_free(full);
    reopen(f);
    full = load_all(f);
    assert_int_equal(full->assigned, 1);

    struct cov_model *m = load_counts(f);
    assert_int_equal(m->assigned, 1);
    assert_int_equal(m->n_orgs, full->n_orgs);
    for (size_t i = 0; i < m->n_orgs; i++) {
        assert_null(m->orgs[i].id);
        assert_null(m->orgs[i].name);
        for (int l = 0; l < COV_NAREAS; l++)
            assert_int_equal(m->orgs[i].area[l], full->orgs[i].area[l]);
        assert_true(m->orgs[i].x == full->orgs[i].x);
    }
    cov_model_free(m);

    /* The assignments' cache gone: they are matched by id, so the text is read. */
    assert_int_equal(geo_store_exec(f->s, "DELETE FROM cache WHERE key = 'assignments'", &f->err),
                     0);
    m = load_counts(f);
    assert_int_equal(m->assigned, 1);
    assert_int_equal(m->n_orgs, full->n_orgs);
    for (size_t i = 0; i < m->n_orgs; i++) {
        assert_string_equal(m->orgs[i].id, full->orgs[i].id);
        assert_int_equal(m->orgs[i].area[COV_COMMUNITIES], full->orgs[i].area[COV_COMMUNITIES]);
    }
    cov_model_free(m);

    /* Stale: they will be made again, from the text. */
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_layer_done(f->s, COV_DISTRICTS, "d2.shp", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    m = load_counts(f);
    assert_int_equal(m->assigned, 0);
    for (size_t i = 0; i < m->n_orgs; i++)
        assert_string_equal(m->orgs[i].id, full->orgs[i].id);
    cov_model_free(m);
    cov_model_free(full);
}

static void test_assignments_stale_after_layer_done(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    struct cov_model *m = load_all(f);
    assign_small(m);
    assert_int_equal(geo_store_save_assignments(f->s, m, &f->err), 0);
    cov_model_free(m);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    put_area(f, COV_PARKS, "P2", "新园区", NULL, "POLYGON((60 60,70 60,70 70,60 70,60 60))");
    assert_int_equal(geo_store_layer_done(f->s, COV_PARKS, "p2", 1, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    m = load_all(f);
    assert_int_equal(m->assigned, 0);
    for (size_t i = 0; i < m->n_orgs; i++)
        for (int l = 0; l < COV_NAREAS; l++)
            assert_int_equal(m->orgs[i].area[l], -1);
    cov_model_free(m);
}

static void test_assignments_stale_after_clear(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    struct cov_model *m = load_all(f);
    assign_small(m);
    assert_int_equal(geo_store_save_assignments(f->s, m, &f->err), 0);
    cov_model_free(m);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    assert_int_equal(geo_store_clear(f->s, COV_BUILDINGS, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);
    m = load_all(f);
    assert_int_equal(m->assigned, 0);
    assert_int_equal(m->orgs[0].area[COV_COMMUNITIES], -1);
    cov_model_free(m);
}

static void test_save_assignments_requires_assigned_model(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    fill_small(f);
    struct cov_model *m = load_all(f);
    assert_int_not_equal(geo_store_save_assignments(f->s, m, &f->err), 0);
    assert_null(geo_store_meta_get(f->s, "assign.stamp"));
    cov_model_free(m);
}

/* ---- progress ---- */

struct calls {
    int n;
    double last;
    int cancel_at;
};

static int on_progress(double fraction, const char *what, void *user) {
    struct calls *c = user;
    assert_non_null(what);
    assert_true(fraction >= 0 && fraction <= 1);
    c->last = fraction;
    return ++c->n == c->cancel_at;
}

static void test_progress_and_cancel(void **state) {
    struct fx *f = *state;
    open_store(f, 4549);
    assert_int_equal(geo_store_begin(f->s, &f->err), 0);
    char id[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof(id), "ORG%04d", i);
        struct cov_org o = org(id, i, i);
        assert_int_equal(geo_store_put_org(f->s, &o, &f->err), 0);
    }
    assert_int_equal(geo_store_layer_done(f->s, COV_ORGANIZATIONS, "gen", 1000, &f->err), 0);
    assert_int_equal(geo_store_commit(f->s, &f->err), 0);

    struct calls c = {0, -1, 0};
    struct cov_model *m = cov_model_new();
    assert_int_equal(geo_store_load(f->s, GEO_ALL_LAYERS, m, on_progress, &c, &f->err), 0);
    assert_int_equal(m->n_orgs, 1000);
    assert_true(c.n >= 100 && c.n <= 102); /* about every 1 % */
    assert_float_equal(c.last, 1.0, 0);
    cov_model_free(m);

    c = (struct calls){0, -1, 5};
    m = cov_model_new();
    assert_int_equal(geo_store_load(f->s, GEO_ALL_LAYERS, m, on_progress, &c, &f->err),
                     COV_ECANCEL);
    cov_model_free(m);
}

/* geodata's private SQL calls (store_sql.h): bound values go in and come back. */
static void test_sql_statement_round_trip(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    assert_int_equal(geo_store_exec(f->s, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, v REAL)",
                                    &f->err),
                     0);
    struct geo_stmt *st = NULL;
    assert_int_equal(geo_store_prepare(f->s, "INSERT INTO t VALUES(?1, ?2, ?3)", &st, &f->err), 0);
    geo_stmt_bind_int(st, 1, 7);
    geo_stmt_bind_text(st, 2, "第1联合党支部");
    geo_stmt_bind_double(st, 3, 2.5);
    assert_int_equal(geo_stmt_step(st, "writing t", &f->err), 0);
    geo_stmt_reset(st);
    geo_stmt_bind_int(st, 1, 8);
    geo_stmt_bind_text(st, 2, NULL);
    assert_int_equal(geo_stmt_step(st, "writing t", &f->err), 0);
    geo_stmt_finalize(st);
    assert_int_equal(geo_store_prepare(f->s, "SELECT id, name, v FROM t ORDER BY id", &st, &f->err),
                     0);
    assert_int_equal(geo_stmt_step(st, "reading t", &f->err), 1);
    assert_int_equal(geo_stmt_column_int(st, 0), 7);
    assert_string_equal(geo_stmt_column_text(st, 1), "第1联合党支部");
    assert_string_equal(geo_stmt_column_text(st, 2), "2.5");
    assert_int_equal(geo_stmt_step(st, "reading t", &f->err), 1);
    assert_int_equal(geo_stmt_column_int(st, 0), 8);
    assert_null(geo_stmt_column_text(st, 1));
    assert_int_equal(geo_stmt_step(st, "reading t", &f->err), 0);
    geo_stmt_finalize(st);
    assert_int_equal(f->err.code, 0);
    geo_stmt_finalize(NULL);
}

/* Failures name the store's file and the operation, and say why. */
static void test_sql_errors_name_store_and_operation(void **state) {
    struct fx *f = *state;
    open_store(f, 0);
    struct geo_stmt *st = (struct geo_stmt *)f; /* must be reset to NULL */
    assert_int_equal(geo_store_prepare(f->s, "SELECT * FROM no_such_table", &st, &f->err), COV_EIO);
    assert_null(st);
    assert_non_null(strstr(cov_err_msg(&f->err), f->path));
    assert_non_null(strstr(cov_err_msg(&f->err), "no_such_table"));
    cov_err_clear(&f->err);
    assert_int_equal(geo_store_exec(f->s, "CREATE TABLE t(id INTEGER PRIMARY KEY); NOT SQL", &f->err),
                     COV_EIO);
    assert_non_null(strstr(cov_err_msg(&f->err), f->path));
    cov_err_clear(&f->err);
    assert_int_equal(geo_store_prepare(f->s, "INSERT INTO t VALUES(?1)", &st, &f->err), 0);
    geo_stmt_bind_int(st, 1, 1);
    assert_int_equal(geo_stmt_step(st, "writing t", &f->err), 0);
    geo_stmt_reset(st);
    assert_int_equal(geo_stmt_step(st, "writing t", &f->err), -1);
    assert_int_equal(f->err.code, COV_EIO);
    assert_non_null(strstr(cov_err_msg(&f->err), f->path));
    assert_non_null(strstr(cov_err_msg(&f->err), "writing t"));
    assert_non_null(strstr(cov_err_msg(&f->err), "UNIQUE"));
    geo_stmt_finalize(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_then_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_sqlite_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_file_becomes_store_with_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_sqlite_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_1_is_upgraded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_2_is_upgraded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assignments_view_has_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_statement_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_errors_name_store_and_operation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_srid_creates_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_srid_change_while_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_srid_beyond_spatialite_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_srid_inside_transaction_rolls_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_set_srid_refused_once_rows_exist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_srid_unknown_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_without_srid_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_area_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_organizations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_mask_selects_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spatial_index_built_by_layer_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layer_done_bumps_version_and_logs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_org_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_orgs_in_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_orgs_duplicate_in_a_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_point_blob_is_makepoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_area_blob_is_spatialite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_areas_cache_loads_the_same_and_follows_edits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_orgs_cache_loads_the_same_and_follows_edits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bulk_index_append_replace_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_area_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_geometry_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_outside_transaction_get_index_at_close, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_store_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_write_restores_triggers_and_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_restores_triggers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_rolls_back_open_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_begin_is_not_nested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clear_then_commit_keeps_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_defaults_when_never_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_save_and_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_saved_assignments_load_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_without_org_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caches_of_many_rows_go_in_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assignments_stale_after_layer_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assignments_stale_after_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_assignments_requires_assigned_model, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_progress_and_cancel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
