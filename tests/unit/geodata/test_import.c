/*
 * test_import.c - geo_import() end to end: real files from tests/fixtures/import/
 * and small ones written into /vsimem/, into a real store in a temp directory.
 * Run from the repository root (the fixtures path is relative), or set
 * ORGCOVER_FIXTURES to the fixtures folder.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../../../analysis/geos.h"
#include "../../../geodata/import.h"
#include "../../../geodata/store.h"
#include "../../../geodata/store_sql.h"

struct fx {
    char dir[256];
    char db[300];
    struct geo_store *s;
    struct cov_err err;
    struct geo_import_opts o;
    struct geo_import_result res;
};

static const char *fixture(const char *name) {
    static char path[1024];
    const char *dir = getenv("ORGCOVER_FIXTURES");
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures/import", name);
    return path;
}

static int setup(void **state) {
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/orgcover-test-import-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/store.sqlite", f->dir);
    cov_err_init(&f->err);
    if (geo_store_open(f->db, 1, &f->s, &f->err))
        return -1;
    f->o.mode = GEO_IMPORT_NEW;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fx *f = *state;
    geo_store_close(f->s);
    cov_err_release(&f->err);
    geo_import_result_release(&f->res);
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char p[600];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void put_vsimem(const char *path, const char *text) {
    VSILFILE *fp = VSIFOpenL(path, "wb");
    assert_non_null(fp);
    assert_int_equal(VSIFWriteL(text, 1, strlen(text), fp), strlen(text));
    VSIFCloseL(fp);
}

static int import(struct fx *f, enum cov_layer layer, const char *src) {
    cov_err_release(&f->err);
    geo_import_result_release(&f->res);
    memset(&f->res, 0, sizeof(f->res));
    return geo_import(f->s, layer, src, &f->o, &f->res, &f->err);
}

static void assert_msg(struct fx *f, const char *needle) {
    if (!strstr(cov_err_msg(&f->err), needle))
        fail_msg("message lacks \"%s\"; got:\n%s", needle, cov_err_msg(&f->err));
}

static const char *warning_with(struct fx *f, const char *needle) {
    for (size_t i = 0; i < f->err.n_warnings; i++)
        if (strstr(f->err.warnings[i], needle))
            return f->err.warnings[i];
    return NULL;
}

static struct cov_model *load(struct fx *f, enum cov_layer layer) {
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    struct cov_err e;
    cov_err_init(&e);
    int rc = geo_store_load(f->s, 1u << layer, m, NULL, NULL, &e);
    if (rc)
        fail_msg("load: %s", cov_err_msg(&e));
    cov_err_release(&e);
    return m;
}

static const struct cov_org *find_org(const struct cov_model *m, const char *id) {
    for (size_t i = 0; i < m->n_orgs; i++)
        if (!strcmp(m->orgs[i].id, id))
            return &m->orgs[i];
    fail_msg("no organization %s", id);
    return NULL;
}

static const char orgs_header[] = "统一社会信用代码,名称,正式党员数,经度,纬度\n";

/* ---- good inputs ---- */

static void test_good_utf8_csv_imports_every_row(void **state) {
    struct fx *f = *state;
    int rc = import(f, COV_ORGANIZATIONS, fixture("orgs_good_utf8.csv"));
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    assert_int_equal(f->res.read, 8);
    assert_int_equal(f->res.imported, 8);
    assert_int_equal(f->res.rejected, 0);
    assert_int_equal(f->res.srid, 4549); /* CGCS2000 GK zone CM 120E */
    assert_int_equal(f->res.srid_chosen, 1);
    assert_int_equal(geo_store_srid(f->s), 4549);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 8);
}

static void test_good_csv_values_are_parsed(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_good_utf8.csv")), 0);
    struct cov_model *m = load(f, COV_ORGANIZATIONS);
    const struct cov_org *o = find_org(m, "51320703MJ0005010C");
    assert_string_equal(o->name, "连云区海滨志愿者协会");
    assert_string_equal(o->kind, "社会团体");
    assert_string_equal(o->rating, "3A");
    assert_int_equal(o->community_org, 1);
    assert_int_equal(o->formal_members, 4);
    assert_int_equal(o->staff, 12);
    assert_int_equal(o->party, COV_PARTY_STANDALONE);
    assert_int_equal(o->instructor, 0);
    /* 119.3652E 34.7561N in EPSG:4549 (false easting 500 km, CM 120E). */
    assert_true(fabs(o->x - 441878) < 5);
    assert_true(fabs(o->y - 3847719) < 5);
    const struct cov_org *p = find_org(m, "51320703MJ0005015U");
    assert_int_equal(p->staff, COV_UNKNOWN);
    assert_int_equal(p->party, COV_PARTY_NONE);
    assert_int_equal(find_org(m, "51320703MJ0005016Y")->party, COV_PARTY_FUNCTIONAL);
    assert_int_equal(find_org(m, "51320703MJ00050172")->instructor, 1);
    cov_model_free(m);
}

static void test_gbk_csv_is_transcoded(void **state) {
    struct fx *f = *state;
    int rc = import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv"));
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    assert_int_equal(f->res.imported, 5);
    struct cov_model *m = load(f, COV_ORGANIZATIONS);
    const struct cov_org *o = find_org(m, "51320703MJ0005011F");
    assert_string_equal(o->name, "连云区老年人书画协会");
    assert_int_equal(o->party, COV_PARTY_JOINT);
    assert_int_equal(o->untransferred_members, 1);
    cov_model_free(m);
}

/* A file on disk is read through a memory map, and gives what the same
 * bytes give from memory (/vsimem, read into a buffer): with a BOM, and a
 * last row that ends exactly at a page's end, without a newline, whole. */
static void test_mapped_text_file_reads_as_from_memory(void **state) {
    struct fx *f = *state;
    enum { SIZE = 8192 };
    char *text = malloc(SIZE + 1);
    assert_non_null(text);
    int k = snprintf(text, SIZE, "\xEF\xBB\xBF编号,名称,正式党员数,经度,纬度\n");
    for (int i = 0; i < 40; i++)
        k += snprintf(text + k, (size_t)(SIZE - k), "X%d,协会%d,2,119.%03d,34.5\n", i, i, i);
    const char *tail = "LAST,";
    k += snprintf(text + k, (size_t)(SIZE - k), "%s", tail);
    int pad = SIZE - k - (int)strlen(",3,119.5,34.6");
    assert_true(pad > 10);
    memset(text + k, 'n', (size_t)pad);
    k += pad;
    k += snprintf(text + k, (size_t)(SIZE + 1 - k), ",3,119.5,34.6");
    assert_int_equal(k, SIZE);
    char path[300];
    snprintf(path, sizeof(path), "%s/page.csv", f->dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, SIZE, fp), SIZE);
    fclose(fp);
    put_vsimem("/vsimem/page.csv", text);
    for (int pass = 0; pass < 2; pass++) {
        int rc = import(f, COV_ORGANIZATIONS, pass ? "/vsimem/page.csv" : path);
        if (rc)
            fail_msg("%s", cov_err_msg(&f->err));
        assert_int_equal(f->res.imported, 41);
        struct cov_model *m = load(f, COV_ORGANIZATIONS);
        assert_string_equal(find_org(m, "X0")->name, "协会0");
        const struct cov_org *last = find_org(m, "LAST");
        assert_int_equal((int)strlen(last->name), pad);
        assert_int_equal(last->formal_members, 3);
        cov_model_free(m);
        assert_int_equal(geo_store_clear(f->s, COV_ORGANIZATIONS, &f->err), 0);
    }
    VSIUnlink("/vsimem/page.csv");
    unlink(path);
    free(text);
}

static void test_encoding_option_overrides_detection(void **state) {
    struct fx *f = *state;
    /* Read as UTF-8, the GBK bytes are refused with a hint. */
    f->o.encoding = "UTF-8";
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), COV_EINPUT);
    assert_msg(f, "orgs_gbk.csv: text is not valid UTF-8 (--encoding UTF-8); give --encoding GBK");
    f->o.encoding = "GBK";
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), 0);
    assert_int_equal(f->res.imported, 5);
}

static void test_xlsx_with_text_cells(void **state) {
    struct fx *f = *state;
    int rc = import(f, COV_ORGANIZATIONS, fixture("orgs_textcells.xlsx"));
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    assert_int_equal(f->res.imported, 8);
    struct cov_model *m = load(f, COV_ORGANIZATIONS);
    assert_int_equal(find_org(m, "51320703MJ0005014Q")->formal_members, 5);
    cov_model_free(m);
    /* The thread-local switch is reset afterwards. */
    assert_null(CPLGetThreadLocalConfigOption("OGR_XLSX_HEADERS", NULL));
}

static void test_geojson_communities(void **state) {
    struct fx *f = *state;
    int rc = import(f, COV_COMMUNITIES, fixture("communities_good.geojson"));
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    assert_int_equal(f->res.imported, 3);
    struct cov_model *m = load(f, COV_COMMUNITIES);
    assert_int_equal(m->n_areas[COV_COMMUNITIES], 3);
    long i = cov_model_find_area(m, COV_COMMUNITIES, "320703102201");
    assert_true(i >= 0);
    const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
    assert_int_equal(a->ur, COV_UR_RURAL);
    assert_int_equal(a->ur_code, 220);
    assert_string_equal(a->parent, "320703102");
    double area = 0;
    assert_int_equal(GEOSArea_r(m->geos, a->geom, &area), 1);
    /* 0.01 x 0.01 degrees at 34.75N: about 914 m x 1109 m. */
    assert_true(area > 0.95e6 && area < 1.10e6);
    cov_model_free(m);
}

static void test_bowtie_repaired_with_warning(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/bowtie.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"id\":7,\"properties\":{\"code\":\"C1\",\"name\":\"bow\","
               "\"type\":\"urban\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.38,34.74],[119.39,34.75],[119.39,34.74],[119.38,34.75],[119.38,34.74]]]}}"
               "]}");
    int rc = import(f, COV_COMMUNITIES, "/vsimem/bowtie.geojson");
    VSIUnlink("/vsimem/bowtie.geojson");
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    assert_int_equal(f->res.repaired, 1);
    const char *w = warning_with(f, "feature 7: geometry: invalid (");
    assert_non_null(w);
    assert_non_null(strstr(w, "repaired with MakeValid"));
    struct cov_model *m = load(f, COV_COMMUNITIES);
    const struct cov_area *a = &m->areas[COV_COMMUNITIES][0];
    assert_int_equal(GEOSisValid_r(m->geos, a->geom), 1);
    assert_int_equal(GEOSGeomTypeId_r(m->geos, a->geom), GEOS_MULTIPOLYGON);
    assert_int_equal(GEOSGetNumGeometries_r(m->geos, a->geom), 2);
    double area = 0;
    GEOSArea_r(m->geos, a->geom, &area);
    assert_true(area > 0.45e6 && area < 0.55e6); /* two triangles: half the square */
    cov_model_free(m);
}

static int last_fraction_x1000;
static int progress(double fraction, const char *what, void *user) {
    (void)what;
    (*(int *)user)++;
    last_fraction_x1000 = (int)lround(fraction * 1000);
    return 0;
}

static void test_progress_reaches_one(void **state) {
    struct fx *f = *state;
    int calls = 0;
    f->o.progress = progress;
    f->o.progress_user = &calls;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_good_utf8.csv")), 0);
    assert_true(calls >= 1);
    assert_int_equal(last_fraction_x1000, 1000);
}

/* ---- validation ---- */

static void test_bad_csv_reports_every_problem(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_bad.csv")), COV_EINPUT);
    assert_msg(f, "orgs_bad.csv:row 2: column \"统一社会信用代码\": '51320703MJ00050100' is not a valid unified social "
                  "credit code: ");
    assert_msg(f, "orgs_bad.csv:row 4: column \"统一社会信用代码\": duplicate '51320703MJ0005011F' (also in row 3;");
    assert_msg(f, "orgs_bad.csv:row 5: column \"正式党员数\": -2 is negative (expected a whole number "
                  ">= 0)");
    assert_msg(f, "orgs_bad.csv:row 6: columns \"经度\" and \"纬度\": lon 34.6024, lat 119.2231 out of range; looks like "
                  "longitude and latitude are swapped");
    assert_msg(f, "orgs_bad.csv:row 7: column \"纬度\": missing while lon is given (expected latitude in "
                  "degrees");
    assert_int_equal(f->err.count, 5);
    assert_int_equal(f->err.code, COV_EINPUT);
}

static void test_bad_import_writes_nothing(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_bad.csv")), COV_EINPUT);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 0);
    assert_int_equal(geo_store_srid(f->s), 0);
    char *srid = geo_store_meta_get(f->s, "srid");
    assert_true(srid == NULL || !strcmp(srid, "0"));
    free(srid);
}

static long log_rows(struct fx *f) {
    struct geo_stmt *st = NULL;
    long n = -1;
    struct cov_err err;
    cov_err_init(&err);
    if (!geo_store_prepare(f->s, "SELECT count(*) FROM import_log", &st, &err) &&
        geo_stmt_step(st, "counting import_log", &err) == 1)
        n = (long)geo_stmt_column_int(st, 0);
    geo_stmt_finalize(st);
    cov_err_release(&err);
    return n;
}

static void test_failed_import_leaves_store_unchanged(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_COMMUNITIES, fixture("communities_good.geojson")), 0);
    long before[COV_NLAYERS];
    for (int l = 0; l < COV_NLAYERS; l++)
        before[l] = geo_store_count(f->s, (enum cov_layer)l, &f->err);
    char *srid0 = geo_store_meta_get(f->s, "srid");
    char *ver0 = geo_store_meta_get(f->s, "version.communities");
    long log0 = log_rows(f);

    f->o.mode = GEO_IMPORT_REPLACE;
    assert_int_equal(import(f, COV_COMMUNITIES, fixture("communities_bad.geojson")), COV_EINPUT);
    assert_msg(f, "communities_bad.geojson:feature 2: column \"区划代码\": missing");

    for (int l = 0; l < COV_NLAYERS; l++)
        assert_int_equal(geo_store_count(f->s, (enum cov_layer)l, &f->err), before[l]);
    char *srid1 = geo_store_meta_get(f->s, "srid");
    char *ver1 = geo_store_meta_get(f->s, "version.communities");
    assert_non_null(srid0);
    assert_string_equal(srid0, srid1);
    assert_non_null(ver0);
    assert_string_equal(ver0, ver1);
    assert_int_equal(log_rows(f), log0);
    free(srid0);
    free(srid1);
    free(ver0);
    free(ver1);
}

static void test_count_not_a_number_and_not_whole(void **state) {
    struct fx *f = *state;
    char csv[1024];
    snprintf(csv, sizeof(csv),
             "%s51320703MJ0005010C,a,abc,119.3,34.7\n51320703MJ0005011F,b,2.5,119.3,34.7\n"
             "51320703MJ0005012J,c,,119.3,34.7\n",
             orgs_header);
    put_vsimem("/vsimem/counts.csv", csv);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/counts.csv"), COV_EINPUT);
    VSIUnlink("/vsimem/counts.csv");
    assert_msg(f, "/vsimem/counts.csv:row 2: column \"正式党员数\": 'abc' is not a number (expected a "
                  "whole number >= 0)");
    assert_msg(f, "row 3: column \"正式党员数\": 2.5 is not a whole number");
    assert_msg(f, "row 4: column \"正式党员数\": missing (expected a whole number >= 0)");
}

static void test_coordinate_out_of_range_and_not_a_number(void **state) {
    struct fx *f = *state;
    char csv[1024];
    snprintf(csv, sizeof(csv),
             "%s51320703MJ0005010C,a,1,200,34.7\n51320703MJ0005011F,b,1,119.3,34.7Q\n"
             "51320703MJ0005012J,c,1,inf,34.7\n",
             orgs_header);
    put_vsimem("/vsimem/range.csv", csv);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/range.csv"), COV_EINPUT);
    VSIUnlink("/vsimem/range.csv");
    assert_msg(f, "row 2: column \"经度\": 200 is out of range (expected -180..180)");
    assert_msg(f, "row 3: column \"纬度\": '34.7Q' is not a number (expected latitude in degrees");
    assert_msg(f, "row 4: column \"经度\": 'inf' is not a number");
}

static void test_yesno_and_party_unrecognised(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/yn.csv", "信用代码,名称,正式党员数,社区社会组织,党组织,lng,lat\n"
                                 "51320703MJ0005010C,a,1,也许,有,119.3,34.7\n");
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/yn.csv"), COV_EINPUT);
    VSIUnlink("/vsimem/yn.csv");
    assert_msg(f, "row 2: column \"社区社会组织\": '也许' is not yes or no (expected 是/否");
    assert_msg(f, "row 2: column \"党组织\": '有' is not a Party organization type (expected 无/单独/联合");
}

static void test_own_id_checked_only_for_presence_and_uniqueness(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/ownid.csv", "编号,名称,正式党员数,经度,纬度\n"
                                    "A1,a,1,119.3,34.7\nA1,b,1,119.3,34.7\n,c,1,119.3,34.7\n");
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/ownid.csv"), COV_EINPUT);
    VSIUnlink("/vsimem/ownid.csv");
    assert_msg(f, "row 3: column \"编号\": duplicate 'A1' (also in row 2;");
    assert_msg(f, "row 4: column \"编号\": missing (expected an id unique in the file)");
    assert_null(strstr(cov_err_msg(&f->err), "credit code"));
    assert_int_equal(f->err.count, 2);
}

static void test_missing_required_column_is_named(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/nocol.csv", "信用代码,名称,经度,纬度\n51320703MJ0005010C,a,119.3,34.7\n");
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/nocol.csv"), COV_EINPUT);
    VSIUnlink("/vsimem/nocol.csv");
    assert_msg(f, "/vsimem/nocol.csv: required column for formal_members not found (looked for: "
                  "正式党员数, 正式党员, 正式党员人数, formal_members; columns present: 信用代码, "
                  "名称, 经度, 纬度)");
}

static void test_field_override_in_import(void **state) {
    struct fx *f = *state;
    static const char *const ov[] = {"formal_members=党员"};
    put_vsimem("/vsimem/ov.csv",
               "信用代码,名称,党员,经度,纬度\n51320703MJ0005010C,a,3,119.3,34.7\n");
    f->o.fields = ov;
    f->o.n_fields = 1;
    int rc = import(f, COV_ORGANIZATIONS, "/vsimem/ov.csv");
    VSIUnlink("/vsimem/ov.csv");
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    struct cov_model *m = load(f, COV_ORGANIZATIONS);
    assert_int_equal(find_org(m, "51320703MJ0005010C")->formal_members, 3);
    cov_model_free(m);
}

static void test_title_row_notes_and_problem_count(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/title.csv",
               "某市社会组织名录,,,,\n编号,名称,正式党员数（人）,经度,纬度\n"
               "A1,甲,1,119.05,34.55\n\nA2,乙,x,119.05,34.55\n合计,,,,\n");
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/title.csv"), COV_EINPUT);
    assert_msg(f, "/vsimem/title.csv:row 5: column \"正式党员数（人）\": 'x' is not a number");
    assert_non_null(f->res.notes);
    assert_non_null(strstr(f->res.notes, "header on row 2; row 1 is a title"));
    assert_non_null(strstr(f->res.notes, "skipped 1 notes row at the end (row 6"));
    assert_int_equal(f->res.problems, 1);
    /* the real total, also past the 200 messages kept */
    size_t cap = 64 * 400 + 128, n;
    char *csv = malloc(cap);
    assert_non_null(csv);
    n = (size_t)snprintf(csv, cap, "编号,名称,正式党员数,经度,纬度\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(csv + n, cap - n, "X%d,n,-1,119.05,34.55\n", i);
    put_vsimem("/vsimem/many.csv", csv);
    free(csv);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/many.csv"), COV_EINPUT);
    assert_int_equal(f->res.problems, 300);
    assert_msg(f, "... and 100 more problems");
    VSIUnlink("/vsimem/title.csv");
    VSIUnlink("/vsimem/many.csv");
}

static void test_empty_layer_is_an_error(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/empty.csv", orgs_header);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/empty.csv"), COV_EINPUT);
    VSIUnlink("/vsimem/empty.csv");
    assert_msg(f, "/vsimem/empty.csv: no rows (the source is empty)");
}

static void test_missing_file_is_named(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/nonexistent/orgs.csv"), COV_EIO);
    assert_msg(f, "/nonexistent/orgs.csv: no such file");
}

static void test_org_polygon_is_wrong_type(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/orgpoly.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"id\":3,\"properties\":{\"uscc\":\"51320703MJ0005010C\","
               "\"name\":\"a\",\"formal_members\":1},\"geometry\":{\"type\":\"Polygon\","
               "\"coordinates\":[[[119.3,34.7],[119.31,34.7],[119.31,34.71],[119.3,34.7]]]}}]}");
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/orgpoly.geojson"), COV_EINPUT);
    VSIUnlink("/vsimem/orgpoly.geojson");
    assert_msg(f, "/vsimem/orgpoly.geojson:feature 3: geometry: is a Polygon (expected Point)");
}

static void test_community_type_unrecognised_or_missing(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/ctype.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"id\":1,\"properties\":{\"code\":\"C1\",\"name\":\"a\","
               "\"type\":\"镇\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.3,34.7],[119.31,34.7],[119.31,34.71],[119.3,34.7]]]}},"
               "{\"type\":\"Feature\",\"id\":2,\"properties\":{\"code\":\"C2\",\"name\":\"b\","
               "\"type\":null},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.3,34.7],[119.31,34.7],[119.31,34.71],[119.3,34.7]]]}}]}");
    assert_int_equal(import(f, COV_COMMUNITIES, "/vsimem/ctype.geojson"), COV_EINPUT);
    VSIUnlink("/vsimem/ctype.geojson");
    assert_msg(f, "feature 1: column \"type\": '镇' is not a community type (expected 城市/农村");
    assert_msg(f, "feature 2: column \"type\": missing (expected 城乡分类代码 1xx/2xx");
}

static void test_problem_list_is_capped(void **state) {
    struct fx *f = *state;
    size_t cap = 64 * 300 + 128;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t n = (size_t)snprintf(csv, cap, "%s", orgs_header);
    for (int i = 0; i < 250; i++)
        n += (size_t)snprintf(csv + n, cap - n, "X%d,n,-1,119.3,34.7\n", i);
    put_vsimem("/vsimem/many.csv", csv);
    free(csv);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/many.csv"), COV_EINPUT);
    VSIUnlink("/vsimem/many.csv");
    /* 500 problems (credit code and count per row): 200 lines plus the summary. */
    assert_int_equal(f->err.count, 201);
    assert_msg(f, "... and 300 more problems");
}

static int cancel_progress(double fraction, const char *what, void *user) {
    (void)fraction;
    (void)what;
    (void)user;
    return 1;
}

static void test_cancel_through_progress(void **state) {
    struct fx *f = *state;
    size_t cap = 64 * 1600 + 128;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t n = (size_t)snprintf(csv, cap, "编号,名称,正式党员数,经度,纬度\n");
    for (int i = 0; i < 1500; i++)
        n += (size_t)snprintf(csv + n, cap - n, "X%d,n,1,119.3,34.7\n", i);
    put_vsimem("/vsimem/cancel.csv", csv);
    free(csv);
    f->o.progress = cancel_progress;
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/cancel.csv"), COV_ECANCEL);
    VSIUnlink("/vsimem/cancel.csv");
    assert_msg(f, "/vsimem/cancel.csv: import cancelled");
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 0);
}

/* ---- the pipelined write: a store whose CRS is set takes rows while they are read ---- */

/* n organizations X<id0>.. on a grid near Lianyungang; data row bad_row
 * (1-based, 0 = none) has a bad member count. */
/* n organizations X<id0>.. on a grid at 119E 34.5N, row bad_row's members
 * not a number; rows from west on 19 degrees further west. */
static void put_grid_west(const char *path, int n, int id0, int bad_row, int west) {
    size_t cap = (size_t)n * 48 + 128;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t k = (size_t)snprintf(csv, cap, "编号,名称,正式党员数,经度,纬度\n");
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(csv + k, cap - k, "X%d,n,%s,%.4f,%.4f\n", id0 + i,
                              i + 1 == bad_row ? "abc" : "2",
                              119.0 + (i % 100) * 0.001 - (i >= west ? 19.0 : 0.0),
                              34.5 + (i / 100) * 0.001);
    put_vsimem(path, csv);
    free(csv);
}

static void put_grid_csv(const char *path, int n, int id0, int bad_row) {
    put_grid_west(path, n, id0, bad_row, n);
}

static void set_crs(struct fx *f) {
    assert_int_equal(geo_store_set_srid(f->s, 4549, &f->err), 0);
}

/* The same rows written while read and written after reading: the same layer. */
static void test_pipelined_equals_read_then_write(void **state) {
    struct fx *f = *state;
    set_crs(f);
    put_grid_csv("/vsimem/grid.csv", 3 * GEO_IMPORT_CHUNK + 17, 0, 0);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/grid.csv"), 0);
    assert_int_equal(f->res.pipelined, 1);
    assert_int_equal(f->res.imported, 3 * GEO_IMPORT_CHUNK + 17);
    /* The import left the layer's load cache, stamped with the new version. */
    struct geo_stmt *st = NULL;
    assert_int_equal(geo_store_prepare(f->s,
                                       "SELECT count(*) FROM cache JOIN meta ON meta.key ="
                                       " 'version.organizations' AND cache.stamp = meta.value"
                                       " WHERE cache.key = 'orgs'",
                                       &st, &f->err),
                     0);
    assert_int_equal(geo_stmt_step(st, "cache", &f->err), 1);
    assert_int_equal(geo_stmt_column_int(st, 0), 1);
    geo_stmt_finalize(st);
    struct cov_model *a = load(f, COV_ORGANIZATIONS);
    /* A second store: the rows read first and written after. */
    struct geo_store *piped = f->s;
    char db2[320];
    snprintf(db2, sizeof(db2), "%s/serial.sqlite", f->dir);
    assert_int_equal(geo_store_open(db2, 1, &f->s, &f->err), 0);
    set_crs(f);
    setenv("ORGCOVER_NO_PIPELINE", "1", 1);
    int rc = import(f, COV_ORGANIZATIONS, "/vsimem/grid.csv");
    unsetenv("ORGCOVER_NO_PIPELINE");
    assert_int_equal(rc, 0);
    struct cov_model *b = load(f, COV_ORGANIZATIONS);
    geo_store_close(f->s);
    f->s = piped;
    VSIUnlink("/vsimem/grid.csv");
    assert_int_equal(a->n_orgs, b->n_orgs);
    for (size_t i = 0; i < a->n_orgs; i++) {
        assert_string_equal(a->orgs[i].id, b->orgs[i].id);
        assert_true(a->orgs[i].x == b->orgs[i].x && a->orgs[i].y == b->orgs[i].y);
        assert_true(a->orgs[i].x > 3e5 && a->orgs[i].x < 5e5); /* EPSG:4549 metres, CM 120E */
    }
    cov_model_free(a);
    cov_model_free(b);
}

static void expect_no_orgs(struct fx *f, long log0) {
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 0);
    assert_int_equal(log_rows(f), log0);
    char *ver = geo_store_meta_get(f->s, "version.organizations");
    assert_true(ver == NULL || !strcmp(ver, "0"));
    free(ver);
}

/* A bad row after the writer has written thousands: nothing is kept. */
static void test_pipelined_bad_row_late_writes_nothing(void **state) {
    struct fx *f = *state;
    set_crs(f);
    long log0 = log_rows(f);
    put_grid_csv("/vsimem/late.csv", 3 * GEO_IMPORT_CHUNK, 0, 3 * GEO_IMPORT_CHUNK - 1);
    int rc = import(f, COV_ORGANIZATIONS, "/vsimem/late.csv");
    VSIUnlink("/vsimem/late.csv");
    assert_int_equal(rc, COV_EINPUT);
    assert_msg(f, "column \"正式党员数\": 'abc' is not a number");
    expect_no_orgs(f, log0);
}

/* The writer fails (an appended id already in the store): its message, nothing added. */
static void test_pipelined_writer_failure_is_reported(void **state) {
    struct fx *f = *state;
    set_crs(f);
    put_grid_csv("/vsimem/first.csv", 10, 2 * GEO_IMPORT_CHUNK + 5, 0);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/first.csv"), 0);
    long log0 = log_rows(f);
    f->o.mode = GEO_IMPORT_APPEND;
    put_grid_csv("/vsimem/again.csv", 4 * GEO_IMPORT_CHUNK, 0, 0);
    int rc = import(f, COV_ORGANIZATIONS, "/vsimem/again.csv");
    VSIUnlink("/vsimem/first.csv");
    VSIUnlink("/vsimem/again.csv");
    assert_int_equal(rc, COV_EINPUT);
    char want[64];
    snprintf(want, sizeof(want), "id 'X%d' appears twice", 2 * GEO_IMPORT_CHUNK + 5);
    assert_msg(f, want);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 10);
    assert_int_equal(log_rows(f), log0);
}

/* The writer fails early and a row far after it is bad: the bad row is what is
 * reported (every row is still read), as when nothing is written before the end. */
static void test_pipelined_problems_outrank_writer_failure(void **state) {
    struct fx *f = *state;
    set_crs(f);
    put_grid_csv("/vsimem/first.csv", 3, 5, 0);
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/first.csv"), 0);
    f->o.mode = GEO_IMPORT_APPEND;
    put_grid_csv("/vsimem/again.csv", 4 * GEO_IMPORT_CHUNK, 0, 4 * GEO_IMPORT_CHUNK - 2);
    int rc = import(f, COV_ORGANIZATIONS, "/vsimem/again.csv");
    VSIUnlink("/vsimem/first.csv");
    VSIUnlink("/vsimem/again.csv");
    assert_int_equal(rc, COV_EINPUT);
    assert_msg(f, "column \"正式党员数\": 'abc' is not a number");
    assert_null(strstr(cov_err_msg(&f->err), "appears twice"));
    assert_int_equal(f->res.problems, 1);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 3);
}

static int cancel_late(double fraction, const char *what, void *user) {
    (void)what;
    (void)user;
    return fraction > 0.5;
}

static void test_pipelined_cancel_writes_nothing(void **state) {
    struct fx *f = *state;
    set_crs(f);
    long log0 = log_rows(f);
    put_grid_csv("/vsimem/cancel2.csv", 4 * GEO_IMPORT_CHUNK, 0, 0);
    f->o.progress = cancel_late;
    int rc = import(f, COV_ORGANIZATIONS, "/vsimem/cancel2.csv");
    VSIUnlink("/vsimem/cancel2.csv");
    assert_int_equal(rc, COV_ECANCEL);
    expect_no_orgs(f, log0);
}

/*
 * Organizations into a store without a CRS: written while read under the CRS
 * the first chunk chooses (geodata/import.c, struct guess). put_grid_west()'s
 * rows from `west` on make the whole extent choose another zone than the first
 * chunk (west < n) or the same (west >= n).
 */
static long srs_rows(struct fx *f, int srid) {
    struct geo_stmt *st = NULL;
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM spatial_ref_sys WHERE srid = %d", srid);
    assert_int_equal(geo_store_prepare(f->s, sql, &st, &f->err), 0);
    assert_int_equal(geo_stmt_step(st, "srs", &f->err), 1);
    long n = geo_stmt_column_int(st, 0);
    geo_stmt_finalize(st);
    return n;
}

/* The import into f's new store and the same rows read first into another:
 * the same CRS, rows and coordinates. */
static void expect_guess_equals_serial(struct fx *f, const char *src, int n, int srid,
                                       int pipelined) {
    assert_int_equal(geo_store_srid(f->s), 0);
    assert_int_equal(import(f, COV_ORGANIZATIONS, src), 0);
    assert_int_equal(f->res.pipelined, pipelined);
    assert_int_equal(f->res.imported, n);
    assert_int_equal(f->res.srid, srid);
    assert_int_equal(f->res.srid_chosen, 1);
    assert_int_equal(geo_store_srid(f->s), srid);
    assert_int_equal(srs_rows(f, 4549), srid == 4549);
    struct cov_model *a = load(f, COV_ORGANIZATIONS);
    struct geo_store *guessed = f->s;
    char db2[320];
    snprintf(db2, sizeof(db2), "%s/serial.sqlite", f->dir);
    assert_int_equal(geo_store_open(db2, 1, &f->s, &f->err), 0);
    setenv("ORGCOVER_NO_PIPELINE", "1", 1);
    int rc = import(f, COV_ORGANIZATIONS, src);
    unsetenv("ORGCOVER_NO_PIPELINE");
    assert_int_equal(rc, 0);
    assert_int_equal(f->res.pipelined, 0);
    assert_int_equal(geo_store_srid(f->s), srid);
    struct cov_model *b = load(f, COV_ORGANIZATIONS);
    geo_store_close(f->s);
    f->s = guessed;
    assert_int_equal(a->n_orgs, (size_t)n);
    assert_int_equal(a->n_orgs, b->n_orgs);
    for (size_t i = 0; i < a->n_orgs; i++) {
        assert_string_equal(a->orgs[i].id, b->orgs[i].id);
        assert_true(a->orgs[i].x == b->orgs[i].x && a->orgs[i].y == b->orgs[i].y);
    }
    cov_model_free(a);
    cov_model_free(b);
}

static void test_guessed_crs_kept_when_the_extent_agrees(void **state) {
    struct fx *f = *state;
    int n = 3 * GEO_IMPORT_CHUNK + 17;
    put_grid_west("/vsimem/one.csv", n, 0, 0, n);
    expect_guess_equals_serial(f, "/vsimem/one.csv", n, 4549, 1); /* CM 120E, written while read */
    VSIUnlink("/vsimem/one.csv");
}

static void test_guessed_crs_undone_when_the_extent_disagrees(void **state) {
    struct fx *f = *state;
    int n = 3 * GEO_IMPORT_CHUNK + 17;
    /* the first chunk at 119E (CM 120E), the whole at 100-119E (CM 111E) */
    put_grid_west("/vsimem/two.csv", n, 0, 0, 2 * GEO_IMPORT_CHUNK);
    expect_guess_equals_serial(f, "/vsimem/two.csv", n, 4546, 0); /* undone, written after */
    VSIUnlink("/vsimem/two.csv");
}

/* A bad row after thousands written under a guessed CRS: nothing kept, not even the CRS. */
static void test_guessed_crs_bad_row_late_writes_nothing(void **state) {
    struct fx *f = *state;
    long log0 = log_rows(f);
    int n = 3 * GEO_IMPORT_CHUNK;
    put_grid_west("/vsimem/late.csv", n, 0, n - 1, n);
    int rc = import(f, COV_ORGANIZATIONS, "/vsimem/late.csv");
    VSIUnlink("/vsimem/late.csv");
    assert_int_equal(rc, COV_EINPUT);
    assert_msg(f, "column \"正式党员数\": 'abc' is not a number");
    expect_no_orgs(f, log0);
    assert_int_equal(geo_store_srid(f->s), 0);
    assert_int_equal(srs_rows(f, 4549), 0);
}

static void test_gdal_error_names_the_source(void **state) {
    struct fx *f = *state;
    put_vsimem("/vsimem/broken.geojson", "{\"type\": \"FeatureCollection\", \"features\": [");
    int rc = import(f, COV_COMMUNITIES, "/vsimem/broken.geojson");
    VSIUnlink("/vsimem/broken.geojson");
    assert_int_equal(rc, COV_EIO);
    assert_true(!strncmp(cov_err_msg(&f->err), "/vsimem/broken.geojson: ", 24));
}

/* ---- modes, rejects ---- */

static void test_existing_layer_needs_replace_or_append(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_good_utf8.csv")), 0);
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_good_utf8.csv")), COV_EFAIL);
    assert_msg(f, "layer organizations already holds 8 rows: give --replace to replace them, "
                  "--append to add to them");
    f->o.mode = GEO_IMPORT_REPLACE;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), 0);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 5);
    assert_int_equal(f->res.srid_chosen, 0);
}

static void test_append_adds_rows_and_refuses_duplicates(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), 0);
    f->o.mode = GEO_IMPORT_APPEND;
    put_vsimem("/vsimem/more.csv", "信用代码,名称,正式党员数,经度,纬度\n"
                                   "51320703MJ0005016Y,a,1,119.3,34.7\n");
    assert_int_equal(import(f, COV_ORGANIZATIONS, "/vsimem/more.csv"), 0);
    VSIUnlink("/vsimem/more.csv");
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 6);
    /* The same rows again: the store refuses the duplicate ids, nothing is added. */
    assert_int_not_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), 0);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 6);
}

static char *read_text(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void test_skip_invalid_writes_rejects_csv(void **state) {
    struct fx *f = *state;
    f->o.skip_invalid = 1;
    int rc = import(f, COV_ORGANIZATIONS, fixture("orgs_bad.csv"));
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    assert_int_equal(f->res.read, 6);
    assert_int_equal(f->res.imported, 1);
    assert_int_equal(f->res.rejected, 5);
    assert_int_equal(geo_store_count(f->s, COV_ORGANIZATIONS, &f->err), 1);
    char want[600];
    snprintf(want, sizeof(want), "%s.organizations-rejects.csv", f->db);
    assert_string_equal(f->res.rejects_path, want);
    const char *t = read_text(want);
    assert_non_null(t);
    assert_memory_equal(t, "\xEF\xBB\xBF统一社会信用代码,社会组织名称,", 3 + 25);
    assert_non_null(strstr(t, ",经度,纬度,reason\r\n"));
    assert_non_null(strstr(t, "51320703MJ0005013M,海州区康复服务中心,民办非企业单位,否,卫生,,-2,"));
    assert_non_null(strstr(t, "row 5: column \"\"正式党员数\"\": -2 is negative"));
    assert_non_null(strstr(t, "row 7: column \"\"纬度\"\": missing"));
    int lines = 0;
    for (const char *p = t; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 6);
    assert_non_null(warning_with(f, "5 of 6 rows rejected"));
}

/* Areas into a store whose CRS is set: written while read, their validity
 * checked on the writer thread. The same outcome as reading everything first:
 * a repair is a warning, an unrepairable polygon a problem (nothing written)
 * or, with --skip-invalid, a rejected row. */
static void test_pipelined_areas_validity(void **state) {
    struct fx *f = *state;
    set_crs(f);
    put_vsimem("/vsimem/mixed.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"id\":7,\"properties\":{\"code\":\"C1\",\"name\":\"bow\","
               "\"type\":\"urban\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.38,34.74],[119.39,34.75],[119.39,34.74],[119.38,34.75],[119.38,34.74]]]}},"
               "{\"type\":\"Feature\",\"id\":8,\"properties\":{\"code\":\"C2\",\"name\":\"flat\","
               "\"type\":\"urban\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.38,34.74],[119.39,34.75],[119.38,34.74],[119.38,34.74]]]}},"
               "{\"type\":\"Feature\",\"id\":9,\"properties\":{\"code\":\"C3\",\"name\":\"ok\","
               "\"type\":\"rural\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.40,34.74],[119.41,34.74],[119.41,34.75],[119.40,34.74]]]}}"
               "]}");
    for (int serial = 0; serial < 2; serial++) {
        if (serial)
            setenv("ORGCOVER_NO_PIPELINE", "1", 1);
        f->o.skip_invalid = 0;
        assert_int_equal(import(f, COV_COMMUNITIES, "/vsimem/mixed.geojson"), COV_EINPUT);
        assert_msg(f, "feature 8: geometry: invalid (");
        assert_msg(f, "MakeValid left no polygon");
        assert_int_equal(geo_store_count(f->s, COV_COMMUNITIES, &f->err), 0);
        char rej[600];
        snprintf(rej, sizeof(rej), "%s/rej%d.csv", f->dir, serial);
        f->o.skip_invalid = 1;
        f->o.rejects_path = rej;
        f->o.mode = GEO_IMPORT_REPLACE;
        int rc = import(f, COV_COMMUNITIES, "/vsimem/mixed.geojson");
        unsetenv("ORGCOVER_NO_PIPELINE");
        if (rc)
            fail_msg("%s", cov_err_msg(&f->err));
        assert_int_equal(f->res.imported, 2);
        assert_int_equal(f->res.rejected, 1);
        assert_int_equal(f->res.repaired, 1);
        assert_non_null(warning_with(f, "feature 7: geometry: invalid ("));
        assert_non_null(strstr(read_text(rej), "feature 8: geometry: invalid ("));
        struct cov_model *m = load(f, COV_COMMUNITIES);
        assert_int_equal(m->n_areas[COV_COMMUNITIES], 2);
        for (size_t i = 0; i < 2; i++)
            assert_int_equal(GEOSisValid_r(m->geos, m->areas[COV_COMMUNITIES][i].geom), 1);
        cov_model_free(m);
        assert_int_equal(geo_store_clear(f->s, COV_COMMUNITIES, &f->err), 0);
        f->o.mode = GEO_IMPORT_NEW;
        f->o.rejects_path = NULL;
    }
    VSIUnlink("/vsimem/mixed.geojson");
}

/* Areas go from OGR to GEOS one ring at a time (on either thread): parts,
 * holes and vertices kept exactly, a ring GEOS refuses named with its row. */
static void test_areas_converted_ring_by_ring(void **state) {
    struct fx *f = *state;
    set_crs(f);
    put_vsimem("/vsimem/rings.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"id\":1,\"properties\":{\"code\":\"C1\",\"name\":\"two\","
               "\"type\":\"urban\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":["
               "[[[119.40,34.74],[119.41,34.74],[119.41,34.75],[119.40,34.74]]],"
               "[[[119.42,34.74],[119.43,34.74],[119.43,34.75],[119.42,34.75],[119.42,34.74]],"
               "[[119.421,34.741],[119.422,34.741],[119.422,34.742],[119.421,34.741]]]]}},"
               "{\"type\":\"Feature\",\"id\":2,\"properties\":{\"code\":\"C2\",\"name\":\"one\","
               "\"type\":\"rural\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.38,34.74],[119.39,34.74],[119.39,34.75],[119.38,34.74]]]}}]}");
    put_vsimem("/vsimem/open.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"id\":1,\"properties\":{\"code\":\"C1\",\"name\":\"ok\","
               "\"type\":\"urban\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.38,34.74],[119.39,34.74],[119.39,34.75],[119.38,34.74]]]}},"
               "{\"type\":\"Feature\",\"id\":5,\"properties\":{\"code\":\"C5\",\"name\":\"open\","
               "\"type\":\"urban\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[119.38,34.74],[119.39,34.74],[119.39,34.75],[119.38,34.75]]]}}]}");
    /* GDAL's own reading of the same file, transformed by OGR, for comparison. */
    OGRSpatialReferenceH dst = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(dst, 4549), OGRERR_NONE);
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    GDALDatasetH ds = GDALOpenEx("/vsimem/rings.geojson", GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    double want_area[2];
    int want_parts[2], want_holes = 0;
    for (int k = 0; k < 2; k++) {
        OGRFeatureH ft = OGR_L_GetNextFeature(lyr);
        OGRGeometryH g = OGR_F_GetGeometryRef(ft);
        assert_int_equal(OGR_G_TransformTo(g, dst), OGRERR_NONE);
        want_area[k] = OGR_G_Area(g);
        int multi = wkbFlatten(OGR_G_GetGeometryType(g)) == wkbMultiPolygon;
        want_parts[k] = multi ? OGR_G_GetGeometryCount(g) : 1;
        if (k == 0)
            want_holes = OGR_G_GetGeometryCount(OGR_G_GetGeometryRef(g, 1)) - 1;
        OGR_F_Destroy(ft);
    }
    GDALClose(ds);
    OSRDestroySpatialReference(dst);
    assert_int_equal(want_holes, 1);
    for (int serial = 0; serial < 2; serial++) {
        if (serial)
            setenv("ORGCOVER_NO_PIPELINE", "1", 1);
        int rc = import(f, COV_COMMUNITIES, "/vsimem/rings.geojson");
        if (rc)
            fail_msg("%s", cov_err_msg(&f->err));
        struct cov_model *m = load(f, COV_COMMUNITIES);
        assert_int_equal(m->n_areas[COV_COMMUNITIES], 2);
        for (size_t i = 0; i < 2; i++) {
            const GEOSGeometry *g = m->areas[COV_COMMUNITIES][i].geom;
            double area;
            assert_int_equal(GEOSArea_r(m->geos, g, &area), 1);
            assert_true(area > 0 && fabs(area - want_area[i]) <= 1e-9 * want_area[i]);
            assert_int_equal(GEOSGetNumGeometries_r(m->geos, g), want_parts[i]);
        }
        const GEOSGeometry *p1 = GEOSGetGeometryN_r(m->geos, m->areas[COV_COMMUNITIES][0].geom, 1);
        assert_int_equal(GEOSGetNumInteriorRings_r(m->geos, p1), 1);
        cov_model_free(m);
        assert_int_equal(geo_store_clear(f->s, COV_COMMUNITIES, &f->err), 0);

        assert_int_equal(import(f, COV_COMMUNITIES, "/vsimem/open.geojson"), COV_EINPUT);
        assert_msg(f, "feature 5: geometry: cannot be read by GEOS: ");
        assert_msg(f, "closed linestring");
        assert_int_equal(geo_store_count(f->s, COV_COMMUNITIES, &f->err), 0);
        unsetenv("ORGCOVER_NO_PIPELINE");
        cov_err_clear(&f->err);
    }
    VSIUnlink("/vsimem/rings.geojson");
    VSIUnlink("/vsimem/open.geojson");
}

/* Several chunks of areas through the pipelined import, some invalid and
 * repaired on the writer: every polygon is freed once (by the thread that
 * made it, as soon as it is written) and every one is stored whole. */
static void test_many_chunks_of_areas_written_and_freed(void **state) {
    struct fx *f = *state;
    set_crs(f);
    enum { N = 10 * GEO_IMPORT_CHUNK + 17, BOWTIE_EVERY = 997 };
    const double step = 0.001, side = 0.0005;
    size_t cap = (size_t)N * 260 + 64, len = 0;
    char *json = malloc(cap);
    assert_non_null(json);
    len += (size_t)snprintf(json + len, cap - len, "{\"type\":\"FeatureCollection\",\"features\":[");
    long bowties = 0;
    for (int i = 0; i < N; i++) {
        double x = 119.0 + (i % 100) * step, y = 34.0 + (i / 100) * step;
        int bow = i % BOWTIE_EVERY == 5;
        bowties += bow;
        /* a bow-tie (its diagonals crossing) is invalid; MakeValid keeps both halves */
        if (bow)
            len += (size_t)snprintf(json + len, cap - len,
                                    "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"C%d\","
                                    "\"name\":\"n%d\",\"type\":\"urban\"},\"geometry\":{\"type\":"
                                    "\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],"
                                    "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}",
                                    i ? "," : "", i, i, x, y, x + side, y + side, x + side, y, x,
                                    y + side, x, y);
        else
            len += (size_t)snprintf(json + len, cap - len,
                                    "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"C%d\","
                                    "\"name\":\"n%d\",\"type\":\"urban\"},\"geometry\":{\"type\":"
                                    "\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],"
                                    "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}",
                                    i ? "," : "", i, i, x, y, x + side, y, x + side, y + side, x,
                                    y + side, x, y);
        assert_true(len < cap);
    }
    len += (size_t)snprintf(json + len, cap - len, "]}");
    put_vsimem("/vsimem/chunks.geojson", json);
    free(json);
    for (int serial = 0; serial < 2; serial++) {
        if (serial)
            setenv("ORGCOVER_NO_PIPELINE", "1", 1);
        int rc = import(f, COV_COMMUNITIES, "/vsimem/chunks.geojson");
        if (rc)
            fail_msg("%s", cov_err_msg(&f->err));
        assert_int_equal(f->res.imported, N);
        assert_int_equal(f->res.repaired, bowties);
        struct cov_model *m = load(f, COV_COMMUNITIES);
        assert_int_equal(m->n_areas[COV_COMMUNITIES], N);
        double square = 0;
        for (size_t i = 0; i < N; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            double area;
            assert_int_equal(GEOSArea_r(m->geos, a->geom, &area), 1);
            int code = atoi(a->code + 1);
            if (!square && code % BOWTIE_EVERY != 5)
                square = area;
            double want = code % BOWTIE_EVERY == 5 ? square / 2 : square;
            /* the squares shrink a little northwards in metres; not by 1 % here */
            if (!(fabs(area - want) < 0.01 * want))
                fail_msg("%s: area %.1f, expected about %.1f", a->code, area, want);
        }
        cov_model_free(m);
        assert_int_equal(geo_store_clear(f->s, COV_COMMUNITIES, &f->err), 0);
        unsetenv("ORGCOVER_NO_PIPELINE");
    }
    VSIUnlink("/vsimem/chunks.geojson");
}

static void test_skip_invalid_geojson_repairs_and_rejects(void **state) {
    struct fx *f = *state;
    char rej[600];
    snprintf(rej, sizeof(rej), "%s/rej.csv", f->dir);
    f->o.skip_invalid = 1;
    f->o.rejects_path = rej;
    int rc = import(f, COV_COMMUNITIES, fixture("communities_bad.geojson"));
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    assert_int_equal(f->res.imported, 2);
    assert_int_equal(f->res.rejected, 1);
    assert_int_equal(f->res.repaired, 1);
    assert_string_equal(f->res.rejects_path, rej);
    const char *t = read_text(rej);
    assert_non_null(t);
    assert_non_null(
        strstr(t, ",无码村,320703102,村委会,\"feature 2: column \"\"区划代码\"\": missing (expected a code"));
}

static void test_gcj02_is_converted(void **state) {
    struct fx *f = *state;
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), 0);
    struct cov_model *plain = load(f, COV_ORGANIZATIONS);
    f->o.mode = GEO_IMPORT_REPLACE;
    f->o.s_srs = "GCJ02";
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), 0);
    struct cov_model *gcj = load(f, COV_ORGANIZATIONS);
    const struct cov_org *a = find_org(plain, "51320703MJ0005011F");
    const struct cov_org *b = find_org(gcj, "51320703MJ0005011F");
    /* Undoing GCJ-02 near Lianyungang moves points ~520 m west and ~80 m north. */
    double dx = b->x - a->x, dy = b->y - a->y;
    assert_true(dx < -400 && dx > -650);
    assert_true(dy > 0 && dy < 200);
    cov_model_free(plain);
    cov_model_free(gcj);
}

static void test_bad_s_srs_is_named(void **state) {
    struct fx *f = *state;
    f->o.s_srs = "EPSG:99999999";
    assert_int_equal(import(f, COV_ORGANIZATIONS, fixture("orgs_gbk.csv")), COV_EUSAGE);
    assert_msg(f, "--s-srs EPSG:99999999: not a coordinate system");
}

static void test_shapefile_without_cpg_is_read_as_gbk(void **state) {
    struct fx *f = *state;
    /* Write a GBK shapefile, then drop its .cpg and the DBF's code page byte. */
    char shp[600], cpg[600], dbf[600];
    snprintf(shp, sizeof(shp), "%s/orgs.shp", f->dir);
    snprintf(cpg, sizeof(cpg), "%s/orgs.cpg", f->dir);
    snprintf(dbf, sizeof(dbf), "%s/orgs.dbf", f->dir);
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, shp, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    char **lco = CSLSetNameValue(NULL, "ENCODING", "CP936");
    OGRLayerH l = GDALDatasetCreateLayer(ds, "orgs", NULL, wkbPoint, lco);
    CSLDestroy(lco);
    assert_non_null(l);
    const char *names[] = {"信用代码", "名称", "正式党员"};
    for (int i = 0; i < 3; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], OFTString);
        assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
        OGR_Fld_Destroy(fd);
    }
    OGRFeatureH feat = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(feat, 0, "51320703MJ0005010C");
    OGR_F_SetFieldString(feat, 1, "连云区海滨志愿者协会");
    OGR_F_SetFieldString(feat, 2, "4");
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, 119.3652, 34.7561);
    OGR_F_SetGeometryDirectly(feat, pt);
    assert_int_equal(OGR_L_CreateFeature(l, feat), OGRERR_NONE);
    OGR_F_Destroy(feat);
    GDALClose(ds);
    unlink(cpg);
    FILE *fp = fopen(dbf, "r+b");
    assert_non_null(fp);
    fseek(fp, 29, SEEK_SET);
    fputc(0, fp);
    fclose(fp);

    int rc = import(f, COV_ORGANIZATIONS, shp);
    if (rc)
        fail_msg("%s", cov_err_msg(&f->err));
    struct cov_model *m = load(f, COV_ORGANIZATIONS);
    assert_string_equal(find_org(m, "51320703MJ0005010C")->name, "连云区海滨志愿者协会");
    cov_model_free(m);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_good_utf8_csv_imports_every_row),
        T(test_good_csv_values_are_parsed),
        T(test_gbk_csv_is_transcoded),
        T(test_mapped_text_file_reads_as_from_memory),
        T(test_encoding_option_overrides_detection),
        T(test_xlsx_with_text_cells),
        T(test_geojson_communities),
        T(test_bowtie_repaired_with_warning),
        T(test_progress_reaches_one),
        T(test_bad_csv_reports_every_problem),
        T(test_bad_import_writes_nothing),
        T(test_failed_import_leaves_store_unchanged),
        T(test_count_not_a_number_and_not_whole),
        T(test_coordinate_out_of_range_and_not_a_number),
        T(test_yesno_and_party_unrecognised),
        T(test_own_id_checked_only_for_presence_and_uniqueness),
        T(test_missing_required_column_is_named),
        T(test_field_override_in_import),
        T(test_title_row_notes_and_problem_count),
        T(test_empty_layer_is_an_error),
        T(test_missing_file_is_named),
        T(test_org_polygon_is_wrong_type),
        T(test_community_type_unrecognised_or_missing),
        T(test_problem_list_is_capped),
        T(test_cancel_through_progress),
        T(test_pipelined_equals_read_then_write),
        T(test_pipelined_bad_row_late_writes_nothing),
        T(test_pipelined_writer_failure_is_reported),
        T(test_pipelined_problems_outrank_writer_failure),
        T(test_pipelined_areas_validity),
        T(test_areas_converted_ring_by_ring),
        T(test_many_chunks_of_areas_written_and_freed),
        T(test_pipelined_cancel_writes_nothing),
        T(test_guessed_crs_kept_when_the_extent_agrees),
        T(test_guessed_crs_undone_when_the_extent_disagrees),
        T(test_guessed_crs_bad_row_late_writes_nothing),
        T(test_gdal_error_names_the_source),
        T(test_existing_layer_needs_replace_or_append),
        T(test_append_adds_rows_and_refuses_duplicates),
        T(test_skip_invalid_writes_rejects_csv),
        T(test_skip_invalid_geojson_repairs_and_rejects),
        T(test_gcj02_is_converted),
        T(test_bad_s_srs_is_named),
        T(test_shapefile_without_cpg_is_read_as_gbk),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
