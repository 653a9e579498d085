/* test_export.c - results written through OGR, CRS helpers, saved plans. */
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

#include <gdal.h>
#include <ogr_api.h>

#include "../../../analysis/geos.h"
#include "../../../geodata/coords.h"
#include "../../../geodata/crs.h"
#include "../../../geodata/export.h"
#include "../../../geodata/plan.h"
#include "../../../geodata/store_sql.h"

struct fx {
    char dir[64];
    GEOSContextHandle_t geos;
    struct cov_err err;
    GEOSGeometry *pt[2];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_export.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    f->geos = cov_geos_new();
    cov_err_init(&f->err);
    /* two points in EPSG:4549 (CGCS2000 GK CM 120E) near Lianyungang */
    f->pt[0] = GEOSGeom_createPointFromXY_r(f->geos, 420000.0, 3830000.0);
    f->pt[1] = GEOSGeom_createPointFromXY_r(f->geos, 430000.0, 3840000.0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 2; i++)
        GEOSGeom_destroy_r(f->geos, f->pt[i]);
    cov_geos_free(f->geos);
    cov_err_release(&f->err);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static const struct geo_export_col cols[3] = {
    {"code", GEO_COL_TEXT, NULL}, {"count", GEO_COL_INT, NULL}, {"rate", GEO_COL_REAL, NULL}};

static int row(void *user, size_t r, const char **cells, const GEOSGeometry **geom)
{
    struct fx *f = user;
    static const char *const codes[] = {"320703001001", "320703001002"};
    static const char *const counts[] = {"7", "0"};
    static const char *const rates[] = {"0.5", ""};
    cells[0] = codes[r];
    cells[1] = counts[r];
    cells[2] = rates[r];
    *geom = f->pt[r];
    return 0;
}

/* Open path with OGR and return its first layer's dataset (caller closes). */
static GDALDatasetH open_vector(const char *path)
{
    GDALAllRegister();
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

static void test_supported_extensions(void **state)
{
    (void)state;
    assert_true(geo_export_supported("a.gpkg"));
    assert_true(geo_export_supported("a.SHP"));
    assert_true(geo_export_supported("/x/y.geojson"));
    assert_true(geo_export_supported("a.csv"));
    assert_true(geo_export_supported("未覆盖.xlsx"));
    assert_false(geo_export_supported("a.kml"));
    assert_false(geo_export_supported("noext"));
}

static void test_unknown_extension_is_named(void **state)
{
    struct fx *f = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/x.kml", f->dir);
    assert_int_equal(geo_export(path, NULL, "t", cols, 3, 2, row, f, f->geos, 4549, 1, NULL, &f->err),
                     COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "x.kml: unknown output format"));
    assert_int_equal(access(path, F_OK), -1);
}

static void test_gpkg_keeps_types_values_and_project_crs(void **state)
{
    struct fx *f = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/out.gpkg", f->dir);
    assert_int_equal(geo_export(path, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, NULL, &f->err),
                     0);
    GDALDatasetH ds = open_vector(path);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "res");
    assert_non_null(l);
    assert_int_equal(OGR_L_GetFeatureCount(l, 1), 2);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, 0)), OFTString);
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, 1)), OFTInteger);
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, 2)), OFTReal);
    OGRFeatureH ft = OGR_L_GetNextFeature(l);
    assert_string_equal(OGR_F_GetFieldAsString(ft, 0), "320703001001"); /* no lost zeros */
    assert_int_equal(OGR_F_GetFieldAsInteger(ft, 1), 7);
    assert_true(fabs(OGR_F_GetFieldAsDouble(ft, 2) - 0.5) < 1e-12);
    OGRGeometryH g = OGR_F_GetGeometryRef(ft);
    assert_true(fabs(OGR_G_GetX(g, 0) - 420000.0) < 1e-6);
    assert_true(fabs(OGR_G_GetY(g, 0) - 3830000.0) < 1e-6);
    OGR_F_Destroy(ft);
    ft = OGR_L_GetNextFeature(l);
    assert_false(OGR_F_IsFieldSetAndNotNull(ft, 2)); /* empty cell = null */
    OGR_F_Destroy(ft);
    GDALClose(ds);
}

static void test_geojson_and_csv_are_wgs84(void **state)
{
    struct fx *f = *state;
    char gj[128], csv[128];
    snprintf(gj, sizeof(gj), "%s/out.geojson", f->dir);
    snprintf(csv, sizeof(csv), "%s/out.csv", f->dir);
    assert_int_equal(geo_export(gj, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, NULL, &f->err), 0);
    assert_int_equal(geo_export(csv, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, NULL, &f->err),
                     0);
    /* 420000 E, 3830000 N in CM 120E: about 119.12 E, 34.60 N */
    GDALDatasetH ds = open_vector(gj);
    assert_non_null(ds);
    OGRFeatureH ft = OGR_L_GetNextFeature(GDALDatasetGetLayer(ds, 0));
    OGRGeometryH g = OGR_F_GetGeometryRef(ft);
    assert_true(fabs(OGR_G_GetX(g, 0) - 119.12) < 0.02);
    assert_true(fabs(OGR_G_GetY(g, 0) - 34.60) < 0.02);
    OGR_F_Destroy(ft);
    GDALClose(ds);
    FILE *fp = fopen(csv, "r");
    assert_non_null(fp);
    char line[256];
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_string_equal(line, "\xef\xbb\xbf" "code,count,rate,lon,lat\n"); /* BOM for Excel */
    assert_non_null(fgets(line, sizeof(line), fp));
    double lon = 0, lat = 0;
    char *p = strrchr(line, ',');
    lat = atof(p + 1);
    *p = 0;
    lon = atof(strrchr(line, ',') + 1);
    assert_true(fabs(lon - 119.12) < 0.02 && fabs(lat - 34.60) < 0.02);
    fclose(fp);
}

/* Decimals of the number that starts at s (up to the next ',', ' ', ']' or end). */
static int decimals(const char *s)
{
    const char *dot = strchr(s, '.');
    size_t end = strcspn(s, ", ]\n");
    if (!dot || (size_t)(dot - s) > end)
        return 0;
    return (int)(end - (size_t)(dot - s) - 1);
}

/* The first data row's last two cells of a CSV file (lon/lat or x/y) and its header. */
static void csv_xy(const char *path, char *head, size_t hlen, double *x, double *y, int *dx,
                   int *dy)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[256];
    assert_non_null(fgets(head, (int)hlen, fp));
    assert_non_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    char *p = strrchr(line, ',');
    *y = atof(p + 1);
    *dy = decimals(p + 1);
    *p = 0;
    p = strrchr(line, ',');
    *x = atof(p + 1);
    *dx = decimals(p + 1);
}

static void test_csv_degrees_to_7_decimals(void **state)
{
    struct fx *f = *state;
    char csv[128], head[128];
    snprintf(csv, sizeof(csv), "%s/d.csv", f->dir);
    assert_int_equal(
        geo_export(csv, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, NULL, &f->err), 0);
    double lon, lat;
    int dx, dy;
    csv_xy(csv, head, sizeof(head), &lon, &lat, &dx, &dy);
    /* PROJ gives 14 or so; 7 decimals are about a centimetre */
    assert_in_range(dx, 5, 7);
    assert_in_range(dy, 5, 7);
    assert_true(fabs(lon * 1e7 - round(lon * 1e7)) < 1e-6);
}

static void test_csv_column_names_and_projected_xy(void **state)
{
    struct fx *f = *state;
    char csv[128], head[128];
    snprintf(csv, sizeof(csv), "%s/n.csv", f->dir);
    struct geo_export_opts xo = {{0, GEO_WEB_NONE}, "经度", "纬度"};
    assert_int_equal(geo_export(csv, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, &xo,
                                &f->err),
                     0);
    double x, y;
    int dx, dy;
    csv_xy(csv, head, sizeof(head), &x, &y, &dx, &dy);
    assert_string_equal(head, "\xef\xbb\xbf" "code,count,rate,经度,纬度\n");
    /* a projected --t-srs: x/y in metres, 2 decimals at most */
    xo.srs.epsg = 4549;
    assert_int_equal(geo_export(csv, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, &xo,
                                &f->err),
                     0);
    csv_xy(csv, head, sizeof(head), &x, &y, &dx, &dy);
    assert_string_equal(head, "\xef\xbb\xbf" "code,count,rate,x,y\n");
    assert_true(fabs(x - 420000.0) < 0.01 && fabs(y - 3830000.0) < 0.01);
    assert_true(dx <= 2 && dy <= 2);
}

/* The first feature's point of the first layer of path. */
static void first_point(const char *path, double *x, double *y, int *epsg)
{
    GDALDatasetH ds = open_vector(path);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH ft = OGR_L_GetNextFeature(l);
    assert_non_null(ft);
    OGRGeometryH g = OGR_F_GetGeometryRef(ft);
    *x = OGR_G_GetX(g, 0);
    *y = OGR_G_GetY(g, 0);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    const char *code = srs ? OSRGetAuthorityCode(srs, NULL) : NULL;
    *epsg = code ? atoi(code) : 0;
    OGR_F_Destroy(ft);
    GDALClose(ds);
}

static void test_t_srs_web_maps(void **state)
{
    struct fx *f = *state;
    char wgs[128], gcj[128], bd[128];
    snprintf(wgs, sizeof(wgs), "%s/w.gpkg", f->dir);
    snprintf(gcj, sizeof(gcj), "%s/g.gpkg", f->dir);
    snprintf(bd, sizeof(bd), "%s/b.geojson", f->dir);
    struct geo_export_opts xo = {{4326, GEO_WEB_NONE}, NULL, NULL};
    assert_int_equal(geo_export(wgs, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, &xo,
                                &f->err),
                     0);
    assert_int_equal(geo_export_srs_parse("GCJ02", &xo.srs, &f->err), 0);
    assert_int_equal(geo_export(gcj, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, &xo,
                                &f->err),
                     0);
    assert_int_equal(geo_export_srs_parse("bd-09", &xo.srs, &f->err), 0);
    assert_int_equal(geo_export(bd, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, &xo,
                                &f->err),
                     0);
    double wx, wy, gx, gy, bx, by, ex, ey;
    int e1, e2, e3;
    first_point(wgs, &wx, &wy, &e1);
    first_point(gcj, &gx, &gy, &e2);
    first_point(bd, &bx, &by, &e3);
    assert_int_equal(e1, 4326);
    assert_int_equal(e2, 4326); /* web-map files declare WGS84, as web maps' own do */
    geo_wgs84_to_gcj02(wx, wy, &ex, &ey);
    assert_true(fabs(gx - ex) < 2e-7 && fabs(gy - ey) < 2e-7);
    geo_wgs84_to_bd09(wx, wy, &ex, &ey);
    assert_true(fabs(bx - ex) < 2e-7 && fabs(by - ey) < 2e-7);
    /* and back: within a few centimetres of the WGS84 point */
    geo_gcj02_to_wgs84(gx, gy, &ex, &ey);
    assert_true(fabs(ex - wx) < 1e-6 && fabs(ey - wy) < 1e-6);
    geo_bd09_to_wgs84(bx, by, &ex, &ey);
    assert_true(fabs(ex - wx) < 1e-6 && fabs(ey - wy) < 1e-6);
}

static void test_geojson_other_crs_and_precision(void **state)
{
    struct fx *f = *state;
    char gj[128];
    snprintf(gj, sizeof(gj), "%s/p.geojson", f->dir);
    struct geo_export_opts xo = {{0, GEO_WEB_NONE}, NULL, NULL};
    assert_int_equal(geo_export_srs_parse("EPSG:4549", &xo.srs, &f->err), 0);
    assert_int_equal(geo_export(gj, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, &xo,
                                &f->err),
                     0);
    double x, y;
    int epsg;
    first_point(gj, &x, &y, &epsg);
    assert_int_equal(epsg, 4549);
    assert_true(fabs(x - 420000.0) < 0.01);
    /* default: RFC 7946, degrees with 7 decimals at most */
    assert_int_equal(
        geo_export(gj, NULL, "res", cols, 3, 2, row, f, f->geos, 4549, 1, NULL, &f->err), 0);
    FILE *fp = fopen(gj, "r");
    assert_non_null(fp);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = 0;
    const char *c = strstr(buf, "\"coordinates\": [ ");
    assert_non_null(c);
    c += strlen("\"coordinates\": [ ");
    assert_in_range(decimals(c), 5, 7);
    assert_in_range(decimals(strchr(c, ',') + 2), 5, 7);
}

static void test_srs_parse(void **state)
{
    struct fx *f = *state;
    struct geo_export_srs s;
    assert_int_equal(geo_export_srs_parse("gcj-02", &s, &f->err), 0);
    assert_int_equal(s.web, GEO_WEB_GCJ02);
    assert_int_equal(s.epsg, 4326);
    assert_int_equal(geo_export_srs_parse("BD09", &s, &f->err), 0);
    assert_int_equal(s.web, GEO_WEB_BD09);
    assert_int_equal(geo_export_srs_parse("WGS84", &s, &f->err), 0);
    assert_true(s.epsg == 4326 && s.web == GEO_WEB_NONE);
    assert_int_equal(geo_export_srs_parse("epsg:4490", &s, &f->err), 0);
    assert_int_equal(s.epsg, 4490);
    assert_int_equal(geo_export_srs_parse("32650", &s, &f->err), 0);
    assert_int_equal(s.epsg, 32650);
    assert_int_equal(geo_export_srs_parse("Mars", &s, &f->err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "--t-srs: 'Mars' (expected GCJ02, BD09"));
    cov_err_clear(&f->err);
    assert_int_equal(geo_export_srs_parse("EPSG:999999", &s, &f->err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&f->err), "EPSG:999999"));
    cov_err_clear(&f->err);
    assert_int_equal(geo_export_srs_parse("EPSG:", &s, &f->err), COV_EINPUT);
}

/* A shapefile's .dbf keeps 10 bytes of a name: cut between characters, the short
 * name when given, numbered when a cut name repeats, and no GDAL warning. */
static void test_shapefile_field_names(void **state)
{
    struct fx *f = *state;
    static const struct geo_export_col zh[4] = {
        {"统一社会信用代码", GEO_COL_TEXT, "信用码"},
        {"正式党员数", GEO_COL_INT, NULL},
        {"community_code", GEO_COL_TEXT, NULL},
        {"community_given", GEO_COL_TEXT, NULL},
    };
    char path[128];
    snprintf(path, sizeof(path), "%s/n.shp", f->dir);
    assert_int_equal(geo_export(path, NULL, "n", zh, 4, 2, row, f, f->geos, 4549, 1, NULL, &f->err),
                     0);
    assert_int_equal(f->err.n_warnings, 0);
    GDALDatasetH ds = open_vector(path);
    assert_non_null(ds);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(GDALDatasetGetLayer(ds, 0));
    assert_int_equal(OGR_FD_GetFieldCount(d), 4);
    assert_string_equal(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, 0)), "信用码");
    assert_string_equal(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, 1)), "正式党"); /* 9 bytes */
    assert_string_equal(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, 2)), "community_");
    assert_string_equal(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, 3)), "communit_2");
    GDALClose(ds);
}

static void test_table_without_geometry(void **state)
{
    struct fx *f = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/plain.xlsx", f->dir);
    assert_int_equal(geo_export(path, NULL, "t", cols, 3, 2, row, f, NULL, 0, -1, NULL, &f->err), 0);
    GDALDatasetH ds = open_vector(path);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    assert_int_equal(OGR_L_GetFeatureCount(l, 1), 2);
    assert_int_equal(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(l)), 3); /* no lon/lat */
    GDALClose(ds);
}

static void test_crs_parse_projected(void **state)
{
    struct fx *f = *state;
    int epsg = 0;
    char name[128];
    assert_int_equal(geo_crs_parse_projected("EPSG:4549", &epsg, name, sizeof(name), &f->err), 0);
    assert_int_equal(epsg, 4549);
    assert_non_null(strstr(name, "CM 120E"));
    assert_int_equal(geo_crs_parse_projected("32650", &epsg, NULL, 0, &f->err), 0);
    assert_int_equal(epsg, 32650);
    assert_int_equal(geo_crs_parse_projected("EPSG:4326", &epsg, NULL, 0, &f->err), COV_EUSAGE);
    assert_non_null(strstr(cov_err_msg(&f->err), "is not a projected CRS"));
    cov_err_clear(&f->err);
    assert_int_equal(geo_crs_parse_projected("banana", &epsg, NULL, 0, &f->err), COV_EUSAGE);
    assert_non_null(strstr(cov_err_msg(&f->err), "'banana' is not an EPSG code"));
    assert_null(geo_srs_from_epsg(999999));
}

/* A store with a tiny model and a one-group plan. */
static void test_plan_save_and_staleness(void **state)
{
    struct fx *f = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/plan.sqlite", f->dir);
    struct geo_store *s = NULL;
    assert_int_equal(geo_store_open(path, 1, &s, &f->err), 0);
    assert_int_equal(geo_store_set_srid(s, 4549, &f->err), 0);
    struct cov_model *m = cov_model_new();
    m->srid = 4549;
    struct cov_org o = {.id = "A", .name = "甲", .x = 1, .y = 2};
    cov_model_add_org(m, &o);
    o.id = "B";
    cov_model_add_org(m, &o);
    size_t members[2] = {0, 1}, instr[1] = {1};
    struct cov_group g = {.id = 1,
                          .kind = COV_G_JOINT,
                          .area_layer = -1,
                          .area = -1,
                          .host = -1,
                          .host_layer = -1,
                          .members = members,
                          .n_members = 2,
                          .formal_members = 3,
                          .diameter_m = 12.5,
                          .medoid = 0,
                          .name = "第1联合党支部"};
    struct cov_plan p = {.groups = &g, .n_groups = 1, .instructor = instr, .n_instructor = 1};
    struct cov_propose_opts po;
    cov_propose_opts_init(&po, &m->policy);
    po.max_units = 4;
    po.max_distance_m = 2500;
    assert_int_equal(geo_plan_save(s, m, &p, &po, &f->err), 0);

    struct geo_stmt *st = NULL;
    assert_int_equal(
        geo_store_prepare(s, "SELECT name, units, formal_members FROM plan_groups", &st, &f->err),
        0);
    assert_int_equal(geo_stmt_step(st, "reading plan_groups", &f->err), 1);
    assert_string_equal(geo_stmt_column_text(st, 0), "第1联合党支部");
    assert_int_equal(geo_stmt_column_int(st, 1), 2);
    assert_int_equal(geo_stmt_column_int(st, 2), 3);
    assert_int_equal(geo_stmt_step(st, "reading plan_groups", &f->err), 0);
    geo_stmt_finalize(st);

    struct cov_propose_opts back;
    cov_propose_opts_init(&back, &m->policy);
    struct geo_plan_drift d;
    assert_int_equal(geo_plan_saved_opts(s, &m->policy, &back, &d, &f->err), 1);
    assert_int_equal(d.layers, 0);
    assert_int_equal(d.policy, 0);
    assert_int_equal(back.max_units, 4);
    assert_true(fabs(back.max_distance_m - 2500) < 1e-9);
    /* a change of a value the plan uses makes it stale, and the old values are known */
    struct cov_policy changed = m->policy;
    changed.v[COV_P_STANDALONE_MIN_MEMBERS] = 4;
    assert_int_equal(geo_plan_saved_opts(s, &changed, &back, &d, &f->err), 1);
    assert_int_equal(d.policy, 1);
    assert_int_equal(d.layers, 0);
    assert_int_equal(d.policy_known, 1);
    assert_true(d.was.v[COV_P_STANDALONE_MIN_MEMBERS] == m->policy.v[COV_P_STANDALONE_MIN_MEMBERS]);
    /* a target is not what the plan is made from: still current */
    changed = m->policy;
    changed.v[COV_P_COVERAGE_RATE_TARGET] = 0.95;
    assert_int_equal(geo_plan_saved_opts(s, &changed, &back, &d, &f->err), 1);
    assert_int_equal(d.policy, 0);
    /* a layer imported again: named by its bit */
    assert_int_equal(geo_store_begin(s, &f->err), 0);
    assert_int_equal(geo_store_layer_done(s, COV_PARKS, "p.geojson", 0, &f->err), 0);
    assert_int_equal(geo_store_commit(s, &f->err), 0);
    assert_int_equal(geo_plan_saved_opts(s, &m->policy, &back, &d, &f->err), 1);
    assert_int_equal(d.layers, 1u << COV_PARKS);
    assert_int_equal(d.policy, 0);
    cov_model_free(m);
    geo_store_close(s);
}

static void test_no_saved_plan(void **state)
{
    struct fx *f = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/empty.sqlite", f->dir);
    struct geo_store *s = NULL;
    assert_int_equal(geo_store_open(path, 1, &s, &f->err), 0);
    struct cov_policy pol;
    cov_policy_init(&pol);
    struct cov_propose_opts po;
    cov_propose_opts_init(&po, &pol);
    assert_int_equal(geo_plan_saved_opts(s, &pol, &po, NULL, &f->err), 0);
    geo_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_supported_extensions),
        cmocka_unit_test_setup_teardown(test_unknown_extension_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpkg_keeps_types_values_and_project_crs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_geojson_and_csv_are_wgs84, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_degrees_to_7_decimals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_column_names_and_projected_xy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_t_srs_web_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geojson_other_crs_and_precision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_srs_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shapefile_field_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_without_geometry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crs_parse_projected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_save_and_staleness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_saved_plan, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
