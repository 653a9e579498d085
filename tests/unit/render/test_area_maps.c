/* test_area_maps.c - maps of one area (issue 11): the main piece of an area
 * in several pieces is framed and the others marked, neighbours are faded,
 * the scale bar and north arrow take the emptiest corners, and text keeps
 * its spacing at every scale. Uses the private render_int.h for the layout
 * and the furniture placement, and real PNG / SVG output for the rest. */
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

#include "../../../render/render_int.h"

const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}
const char *__lsan_default_suppressions(void)
{
    return "leak:cairo_surface_finish\nleak:libfontconfig.so\n";
}

/*
 * The fixture (EPSG:4549, metres): district 海州区 (0..30000 x 0..10000);
 * street 新浦街道 in two pieces, A = 0..4000 x 0..6000 holding four
 * organizations and B (x from bx0, bw wide, 6000 high) holding one; street
 * 浦西街道 = 4000..6500 x 0..2000 with one organization near A (4500, 1500); optional
 * organizations of no street in the south-west corner of the frame.
 */
enum { S_XINPU, S_PUXI };

static GEOSGeometry *wkt(struct cov_model *m, const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(m->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(m->geos, r, text);
    GEOSWKTReader_destroy_r(m->geos, r);
    assert_non_null(g);
    return g;
}

static void add_area(struct cov_model *m, int layer, const char *code, const char *name,
                     const char *parent, const char *text)
{
    struct cov_area a = {.code = code, .name = name, .parent = parent, .geom = wkt(m, text)};
    assert_true(cov_model_add_area(m, layer, &a) >= 0);
}

static void add_org(struct cov_model *m, const char *id, double x, double y, long street,
                    enum cov_status st)
{
    struct cov_org o = {.id = id, .name = id, .x = x, .y = y, .staff = COV_UNKNOWN};
    long k = cov_model_add_org(m, &o);
    assert_true(k >= 0);
    m->orgs[k].area[COV_DISTRICTS] = street >= 0 ? 0 : -1;
    m->orgs[k].area[COV_STREETS] = street;
    m->orgs[k].area[COV_COMMUNITIES] = -1;
    m->orgs[k].status = st;
}

static struct cov_model *build(double bx0, double bw, int crowd)
{
    struct cov_model *m = cov_model_new();
    assert_non_null(m);
    m->srid = 4549;
    char b[512];
    add_area(m, COV_DISTRICTS, "320706", "海州区", NULL,
             "POLYGON((-3000 -3000,30000 -3000,30000 10000,-3000 10000,-3000 -3000))");
    snprintf(b, sizeof(b),
             "MULTIPOLYGON(((0 0,4000 0,4000 6000,0 6000,0 0)),"
             "((%f 0,%f 0,%f 6000,%f 6000,%f 0)))",
             bx0, bx0 + bw, bx0 + bw, bx0, bx0);
    add_area(m, COV_STREETS, "320706010", "新浦街道", "320706", b);
    add_area(m, COV_STREETS, "320706020", "浦西街道", "320706",
             "POLYGON((4000 0,6500 0,6500 2000,4000 2000,4000 0))");
    add_org(m, "A1", 1000, 1000, S_XINPU, COV_ST_STANDALONE);
    add_org(m, "A2", 2000, 3000, S_XINPU, COV_ST_STANDALONE);
    add_org(m, "A3", 3000, 5000, S_XINPU, COV_ST_STANDALONE);
    add_org(m, "A4", 1500, 4500, S_XINPU, COV_ST_STANDALONE);
    add_org(m, "B1", bx0 + bw / 2, 3000, S_XINPU, COV_ST_ELIGIBLE);
    add_org(m, "N1", 4500, 1500, S_PUXI, COV_ST_STANDALONE);
    for (int i = 0; crowd && i < 40; i++) {
        char id[16];
        snprintf(id, sizeof(id), "C%02d", i);
        add_org(m, id, -1800 + 20.0 * i, 100 + 50.0 * (i % 5), -1, COV_ST_SMALL);
    }
    m->assigned = 1;
    m->classified = 1;
    return m;
}

static void zoom_opts(struct map_opts *o, const char *path)
{
    map_opts_init(o);
    o->area_layer = COV_STREETS;
    o->area = S_XINPU;
    o->path = path;
}

static void layout_ok(const struct cov_model *m, const struct map_opts *o, struct map_layout *L)
{
    struct cov_err e;
    cov_err_init(&e);
    int rc = map_layout_compute(m, o, L, &e);
    if (rc)
        fail_msg("map_layout_compute: %s", cov_err_msg(&e));
    cov_err_release(&e);
}

/* ---- the main piece ---- */

static void test_main_part_most_orgs_then_area(void **state)
{
    (void)state;
    struct map_part p[3] = {
        {.orgs = 2, .area = 10}, {.orgs = 5, .area = 1}, {.orgs = 5, .area = 3}};
    assert_int_equal(map_main_part(p, 3), 2); /* 5 orgs twice: the larger */
    p[2].area = 1;
    assert_int_equal(map_main_part(p, 3), 1); /* a full tie: the first */
    p[0].orgs = 9;
    assert_int_equal(map_main_part(p, 3), 0); /* most organizations beat area */
    assert_int_equal(map_main_part(p, 0), -1);
}

static void test_frame_holds_main_piece(void **state)
{
    (void)state;
    struct cov_model *m = build(20000, 6000, 0);
    struct map_opts o;
    zoom_opts(&o, "x.png");
    struct map_layout L;
    layout_ok(m, &o, &L);
    assert_int_equal(L.n_parts, 2);
    assert_int_equal(L.main_part, 0); /* 4 organizations, though B is larger */
    assert_int_equal(L.parts[0].orgs, 4);
    assert_int_equal(L.parts[1].orgs, 1);
    assert_float_equal(L.parts[1].dist, 16000, 1e-6);
    /* the frame holds A, and B is far out of it: an arrow, not a zoom-out */
    assert_true(L.vminx <= 0 && L.vminy <= 0 && L.vmaxx >= 4000 && L.vmaxy >= 6000);
    assert_true(L.vmaxx < 20000);
    assert_int_equal(L.parts[0].shown, 1);
    assert_int_equal(L.parts[1].shown, 0);
    /* A fills the frame's height (4 % margins) */
    assert_float_equal((L.vmaxy - L.vminy) * 0.92, 6000, 1);
    map_layout_release(&L);
    /* the whole model still shows everything */
    o.area = -1;
    layout_ok(m, &o, &L);
    assert_true(L.vmaxx >= 26000);
    assert_int_equal(L.n_parts, 0);
    assert_int_equal(L.main_part, -1);
    map_layout_release(&L);
    cov_model_free(m);
}

static void test_near_piece_joins_frame(void **state)
{
    (void)state;
    /* a narrow B just beside A: framing both costs the scale nothing (the
     * height limits it) */
    struct cov_model *m = build(4300, 1000, 0);
    struct map_opts o;
    zoom_opts(&o, "x.png");
    struct map_layout L;
    layout_ok(m, &o, &L);
    assert_int_equal(L.n_parts, 2);
    assert_int_equal(L.parts[1].shown, 1);
    assert_true(L.vmaxx >= 5300);
    assert_float_equal((L.vmaxy - L.vminy) * 0.92, 6000, 1);
    map_layout_release(&L);
    cov_model_free(m);
}

/* ---- corners ---- */

static void test_corner_best_fewest_features(void **state)
{
    (void)state;
    struct map_layout L = {0};
    L.view = (struct map_view){.fx = 0, .fy = 0, .fw = 100, .fh = 100, .s = 1};
    L.ocell = 10;
    L.ox = L.oy = 10;
    double occ[100] = {0};
    L.occ = occ;
    double box[MAP_C_COUNT][4] = {
        [MAP_C_BL] = {0, 80, 30, 20},
        [MAP_C_BR] = {70, 80, 30, 20},
        [MAP_C_TL] = {0, 0, 30, 20},
        [MAP_C_TR] = {70, 0, 30, 20},
    };
    static const int pref[MAP_C_COUNT] = {MAP_C_BL, MAP_C_BR, MAP_C_TL, MAP_C_TR};
    /* empty everywhere: the first preference */
    assert_int_equal(map_corner_best(&L, (const double(*)[4])box, 0, NULL, 0, pref), MAP_C_BL);
    occ[9 * 10 + 1] = 3;   /* a feature in the bottom-left box */
    occ[8 * 10 + 8] = 1;   /* a lighter one in the bottom-right */
    occ[0 * 10 + 0] = 0.5; /* area in the top-left */
    assert_float_equal(map_occupancy(&L, box[MAP_C_BL]), 3, 1e-12);
    assert_int_equal(map_corner_best(&L, (const double(*)[4])box, 0, NULL, 0, pref), MAP_C_TR);
    /* taken corners are skipped */
    assert_int_equal(map_corner_best(&L, (const double(*)[4])box, 1u << MAP_C_TR, NULL, 0, pref),
                     MAP_C_TL);
    /* a corner overlapping a box to avoid loses even when emptier */
    double avoid[1][4] = {{90, 5, 5, 5}};
    assert_int_equal(
        map_corner_best(&L, (const double(*)[4])box, 0, (const double(*)[4])avoid, 1, pref),
        MAP_C_TL);
    /* a tie goes to the earlier preference */
    occ[0] = 0;
    assert_int_equal(map_corner_best(&L, (const double(*)[4])box, 0, NULL, 0, pref), MAP_C_TL);
}

/* The corners map_render would give the scale bar and the north arrow. */
static void place_furniture(const struct cov_model *m, const struct map_opts *o, int *sb, int *na,
                            double *w_sb, double *w_min)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 16, 16);
    cairo_t *cr = cairo_create(s);
    struct map_ctx r = {.layers = ML_ALL, .m = m, .o = o, .cr = cr};
    layout_ok(m, o, &r.L);
    r.pc = map_text_context_new(cr);
    map_furniture_place(&r);
    *sb = r.sb_corner;
    *na = r.na_corner;
    double b[4];
    map_draw_scalebar(&r, b); /* ML_FURNITURE on: draws into the scratch surface */
    *w_sb = map_occupancy(&r.L, b);
    /* the scale bar's box in every corner: none covers less */
    *w_min = INFINITY;
    for (int c = 0; c < MAP_C_COUNT; c++) {
        r.sb_corner = c;
        map_draw_scalebar(&r, b);
        *w_min = fmin(*w_min, map_occupancy(&r.L, b));
    }
    g_object_unref(r.pc);
    map_layout_release(&r.L);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void test_scalebar_leaves_crowded_corner(void **state)
{
    (void)state;
    struct map_opts o;
    zoom_opts(&o, "x.png");
    int sb, na;
    double w, wmin;
    struct cov_model *m = build(20000, 6000, 0);
    place_furniture(m, &o, &sb, &na, &w, &wmin);
    assert_int_equal(sb, MAP_C_BL); /* nothing in the way: where a reader looks first */
    assert_int_equal(na, MAP_C_TR);
    cov_model_free(m);
    /* 40 organizations in the south-west corner of the frame */
    m = build(20000, 6000, 1);
    place_furniture(m, &o, &sb, &na, &w, &wmin);
    assert_int_not_equal(sb, MAP_C_BL);
    assert_int_not_equal(na, sb);
    assert_float_equal(w, wmin, 1e-9);
    cov_model_free(m);
}

/* ---- rendered output ---- */

static struct map_rgb png_at(const char *path, int x, int y)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_true(x >= 0 && y >= 0 && x < cairo_image_surface_get_width(s) &&
                y < cairo_image_surface_get_height(s));
    const unsigned char *p =
        cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s) + 4 * x;
    uint32_t v;
    memcpy(&v, p, 4);
    struct map_rgb c = {((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
    cairo_surface_destroy(s);
    return c;
}

static void page_pixel(const struct cov_model *m, const struct map_opts *o, double x, double y,
                       int *px, int *py)
{
    struct map_view v;
    struct cov_err e;
    cov_err_init(&e);
    assert_int_equal(map_page_view(m, o, &v, &e), 0);
    cov_err_release(&e);
    double qx, qy;
    map_view_to_page(&v, x, y, &qx, &qy);
    *px = (int)floor(qx * o->dpi / 72);
    *py = (int)floor(qy * o->dpi / 72);
}

static void render_ok(const struct cov_model *m, const struct map_opts *o)
{
    struct cov_err e;
    cov_err_init(&e);
    int rc = map_render(m, o, &e);
    if (rc)
        fail_msg("map_render: %s", cov_err_msg(&e));
    cov_err_release(&e);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = 0;
    fclose(fp);
    return buf;
}

static void test_neighbours_faded(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_area_maps.XXXXXX", png[64], svg[64];
    assert_non_null(mkdtemp(dir));
    snprintf(png, sizeof(png), "%s/z.png", dir);
    snprintf(svg, sizeof(svg), "%s/z.svg", dir);
    struct cov_model *m = build(20000, 6000, 0);
    struct map_opts o;
    zoom_opts(&o, png);
    render_ok(m, &o);
    int x, y;
    struct map_rgb full = map_status_color(COV_ST_STANDALONE);
    page_pixel(m, &o, 1000, 1000, &x, &y); /* A1, in the street */
    struct map_rgb in = png_at(png, x, y);
    assert_true(fabs(in.r - full.r) < 0.06 && fabs(in.g - full.g) < 0.06 &&
                fabs(in.b - full.b) < 0.06);
    page_pixel(m, &o, 4500, 1500, &x, &y); /* N1, the neighbour's, same status */
    struct map_rgb out = png_at(png, x, y);
    /* composited at MAP_FADE over the masked ground beside it */
    struct map_rgb ground = png_at(png, x, y + 12);
    assert_true(fabs(out.r - (MAP_FADE * full.r + (1 - MAP_FADE) * ground.r)) < 0.04);
    assert_true(fabs(out.g - (MAP_FADE * full.g + (1 - MAP_FADE) * ground.g)) < 0.04);
    assert_true(fabs(out.b - (MAP_FADE * full.b + (1 - MAP_FADE) * ground.b)) < 0.04);
    assert_true(out.r > full.r + 0.4);
    /* names: the neighbour street's is context */
    o.path = svg;
    render_ok(m, &o);
    char *doc = slurp(svg);
    assert_non_null(strstr(doc, "\n  浦西街道 (context)"));
    assert_non_null(strstr(doc, "\n  新浦街道\n")); /* the area's own, at full strength */
    assert_non_null(strstr(doc, "\n  pieces 2 main 0 orgs 4"));
    assert_non_null(strstr(doc, "\n  piece 1 orgs 1 at 23000 3000 arrow"));
    free(doc);
    /* without a zoom area nothing is faded */
    o.area = -1;
    o.path = png;
    render_ok(m, &o);
    page_pixel(m, &o, 4500, 1500, &x, &y);
    out = png_at(png, x, y);
    assert_true(fabs(out.r - full.r) < 0.06 && fabs(out.g - full.g) < 0.06);
    cov_model_free(m);
    remove(png);
    remove(svg);
    rmdir(dir);
}

/* ---- text ---- */

static void test_text_width_scales_with_size(void **state)
{
    (void)state;
    /* a page scaled to 150 dpi, as a PNG is drawn: the width of a line must
     * follow its size (glyph positions not rounded to whole points, which
     * split "Vonng/adcode" into "Vonn g/ad code" at some sizes) */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 16, 16);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 150.0 / 72, 150.0 / 72);
    PangoContext *pc = map_text_context_new(cr);
    double lo = INFINITY, hi = 0;
    for (double size = 4.5; size <= 9.0; size += 0.1) {
        PangoLayout *ly = map_text_new(pc, "Vonng/adcode (CC BY 4.0) EPSG:4549", size, 0, 0);
        double w, h;
        map_text_size(ly, &w, &h);
        g_object_unref(ly);
        lo = fmin(lo, w / size);
        hi = fmax(hi, w / size);
    }
    assert_true(hi / lo < 1.01);
    g_object_unref(pc);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_part_most_orgs_then_area),
        cmocka_unit_test(test_frame_holds_main_piece),
        cmocka_unit_test(test_near_piece_joins_frame),
        cmocka_unit_test(test_corner_best_fewest_features),
        cmocka_unit_test(test_scalebar_leaves_crowded_corner),
        cmocka_unit_test(test_neighbours_faded),
        cmocka_unit_test(test_text_width_scales_with_size),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    map_global_cleanup();
    return failed;
}
