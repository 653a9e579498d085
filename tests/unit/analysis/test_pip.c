/* test_pip.c - point in polygon: GEOS's "covers" by ray crossing, linear, banded and through cells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/pip.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

struct fx {
    GEOSContextHandle_t h;
    GEOSWKTReader *r;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->h = cov_geos_new();
    f->r = GEOSWKTReader_create_r(f->h);
    *state = f;
    return f->h && f->r ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    GEOSWKTReader_destroy_r(f->h, f->r);
    cov_geos_free(f->h);
    free(f);
    return 0;
}

static GEOSGeometry *wkt(struct fx *f, const char *text)
{
    GEOSGeometry *g = GEOSWKTReader_read_r(f->h, f->r, text);
    assert_non_null(g);
    return g;
}

static int geos_covers(struct fx *f, const GEOSPreparedGeometry *pg, double x, double y)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(f->h, x, y);
    char c = GEOSPreparedCovers_r(f->h, pg, pt);
    GEOSGeom_destroy_r(f->h, pt);
    assert_true(c == 0 || c == 1);
    return c;
}

/* Every decided answer for the points equals GEOS's; returns how many were undecided. */
static int compare(struct fx *f, const GEOSGeometry *g, size_t n_prepare, const double *xy,
                   size_t n, int *used_bands, int *used_grid)
{
    struct cov_poly p;
    memset(&p, 0, sizeof(p));
    assert_int_equal(cov_poly_load(f->h, &p, g), 0);
    assert_int_equal(cov_poly_prepare(&p, n_prepare), 0);
    *used_bands = p.nb > 0;
    *used_grid = p.grid;
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(f->h, g);
    int undecided = 0;
    for (size_t i = 0; i < n; i++) {
        int c = cov_poly_covers(&p, xy[2 * i], xy[2 * i + 1]);
        assert_true(c >= -1 && c <= 1);
        if (c < 0) {
            undecided++;
            continue;
        }
        int want = geos_covers(f, pg, xy[2 * i], xy[2 * i + 1]);
        if (c != want)
            print_error("point %zu (%.17g, %.17g): %d, GEOS %d\n", i, xy[2 * i], xy[2 * i + 1], c,
                        want);
        assert_int_equal(c, want);
    }
    GEOSPreparedGeom_destroy_r(f->h, pg);
    cov_poly_release(&p);
    return undecided;
}

/* Points on the grid of step `step` over the box (vertices and edges included) and random ones. */
static double *points(double x0, double y0, double x1, double y1, double step, size_t n_rand,
                      size_t *n)
{
    size_t nx = (size_t)((x1 - x0) / step) + 1, ny = (size_t)((y1 - y0) / step) + 1;
    double *xy = malloc((nx * ny + n_rand) * 2 * sizeof(*xy));
    size_t k = 0;
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++) {
            xy[2 * k] = x0 + (double)i * step;
            xy[2 * k++ + 1] = y0 + (double)j * step;
        }
    for (size_t i = 0; i < n_rand; i++) {
        xy[2 * k] = x0 + unif() * (x1 - x0);
        xy[2 * k++ + 1] = y0 + unif() * (y1 - y0);
    }
    *n = k;
    return xy;
}

static void test_square_with_hole_and_enclave(void **state)
{
    struct fx *f = *state;
    GEOSGeometry *g = wkt(f, "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(3 3,3 7,7 7,7 3,3 3)),"
                             "((4 4,6 4,6 6,4 6,4 4)),((20 0,22 0,21 2,20 0)))");
    size_t n;
    double *xy = points(-1, -1, 23, 11, 0.5, 500, &n);
    int bands, grid;
    /* grid points on the triangle's sloping edges are collinear: GEOS decides those */
    int undecided = compare(f, g, 1, xy, n, &bands, &grid);
    assert_true(undecided <= 8);
    assert_false(bands); /* small rings: every segment */
    /* hand-picked: in the hole, on the hole's ring, on the shell, a vertex, the enclave */
    struct cov_poly p;
    memset(&p, 0, sizeof(p));
    assert_int_equal(cov_poly_load(f->h, &p, g), 0);
    assert_int_equal(cov_poly_prepare(&p, 1), 0);
    assert_int_equal(cov_poly_covers(&p, 3.5, 3.5), 0);
    assert_int_equal(cov_poly_covers(&p, 3, 5), 1);
    assert_int_equal(cov_poly_covers(&p, 10, 5), 1);
    assert_int_equal(cov_poly_covers(&p, 0, 0), 1);
    assert_int_equal(cov_poly_covers(&p, 5, 5), 1);
    assert_int_equal(cov_poly_covers(&p, 10.5, 5), 0);
    assert_true(p.minx == 0 && p.maxx == 22 && p.miny == 0 && p.maxy == 10);
    cov_poly_release(&p);
    free(xy);
    GEOSGeom_destroy_r(f->h, g);
}

/* A ring of many vertices (a wiggly circle): bands. */
static void test_banded(void **state)
{
    struct fx *f = *state;
    char *text = malloc(64 * 1024), *q = text;
    q += sprintf(q, "POLYGON((");
    int nv = 400;
    for (int i = 0; i <= nv; i++) {
        double a = 2 * M_PI * (i % nv) / nv, r = 100 + (i % 2 ? 7 : 0);
        q += sprintf(q, "%s%.0f %.0f", i ? "," : "", r * cos(a), r * sin(a));
    }
    sprintf(q, "))");
    GEOSGeometry *g = wkt(f, text);
    size_t n;
    double *xy = points(-110, -110, 110, 110, 1, 2000, &n);
    int bands, grid;
    int undecided = compare(f, g, n, xy, n, &bands, &grid);
    assert_true(bands);
    assert_false(grid);
    assert_true(undecided < (int)n / 50); /* lattice points on the sloping edges */
    /* the linear scan agrees, and leaves the same points undecided */
    assert_int_equal(compare(f, g, 1, xy, n, &bands, &grid), undecided);
    assert_false(bands);
    free(xy);
    free(text);
    GEOSGeom_destroy_r(f->h, g);
}

/* A comb of long thin teeth: every band lists most segments, so cells are used. */
static void test_cells(void **state)
{
    struct fx *f = *state;
    char *text = malloc(256 * 1024), *q = text;
    q += sprintf(q, "POLYGON((0 0");
    int teeth = 300;
    for (int t = 0; t < teeth; t++)
        q += sprintf(q, ",%d 0,%d 1000,%d 1000,%d 1", 4 * t + 1, 4 * t + 1, 4 * t + 3, 4 * t + 3);
    sprintf(q, ",%d 1,%d 0,%d -10,0 -10,0 0))", 4 * teeth, 4 * teeth, 4 * teeth);
    GEOSGeometry *g = wkt(f, text);
    size_t n;
    double *xy = points(-2, -12, 4 * teeth + 2, 1002, 2, 3000, &n);
    int bands, grid;
    int undecided = compare(f, g, n, xy, n, &bands, &grid);
    assert_true(grid);
    assert_true(undecided == 0);
    assert_int_equal(compare(f, g, 8, xy, n, &bands, &grid), 0); /* bands only */
    assert_true(bands);
    assert_false(grid);
    free(xy);
    free(text);
    GEOSGeom_destroy_r(f->h, g);
}

static void test_point_areas_and_lines(void **state)
{
    struct fx *f = *state;
    struct cov_poly p;
    memset(&p, 0, sizeof(p));
    GEOSGeometry *g = wkt(f, "GEOMETRYCOLLECTION(MULTIPOINT((1 1),(2 2)),LINESTRING(0 0,5 5))");
    assert_int_equal(cov_poly_load(f->h, &p, g), 0);
    assert_int_equal(cov_poly_prepare(&p, 100), 0);
    assert_int_equal(cov_poly_covers(&p, 1, 1), 1);
    assert_int_equal(cov_poly_covers(&p, 2, 2), 1);
    assert_int_equal(cov_poly_covers(&p, 3, 3), 0); /* on the line: lines contain nothing */
    assert_int_equal(cov_poly_covers(&p, 1, 1.0000001), 0);
    GEOSGeom_destroy_r(f->h, g);
    /* reload into the same struct: nothing of the old area stays */
    g = wkt(f, "POLYGON EMPTY");
    assert_int_equal(cov_poly_load(f->h, &p, g), 0);
    assert_int_equal(p.n_rings + p.n_pts, 0);
    assert_int_equal(cov_poly_covers(&p, 1, 1), 0);
    GEOSGeom_destroy_r(f->h, g);
    cov_poly_release(&p);
}

static void test_orient(void **state)
{
    (void)state;
    assert_int_equal(cov_orient2d(0, 0, 1, 0, 0.5, 1), 1);
    assert_int_equal(cov_orient2d(0, 0, 1, 0, 0.5, -1), -1);
    assert_int_equal(cov_orient2d(0, 0, 1, 0, 2, 0), 0);
    assert_int_equal(cov_orient2d(0, 5, 0, 9, 0, 7), 0); /* exactly zero factors: proven */
    /* collinear off the axes: the filter cannot prove a zero, GEOS decides */
    assert_int_equal(cov_orient2d(1, 1, 3, 3, 2, 2), 2);
    /* a hair off the line: the right sign, or "cannot prove", never the wrong sign */
    double y = nextafter(2.0, 3.0);
    int o = cov_orient2d(1, 1, 3, 3, 2, y);
    assert_true(o == 1 || o == 2);
    y = nextafter(2.0, 1.0);
    o = cov_orient2d(1, 1, 3, 3, 2, y);
    assert_true(o == -1 || o == 2);
    /* large coordinates, a relative offset of 1e-15: still proven (exactly -1e15) */
    assert_int_equal(cov_orient2d(1e15, 1e15, 3e15, 3e15 + 1, 2e15, 2e15), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_square_with_hole_and_enclave, setup, teardown),
        cmocka_unit_test_setup_teardown(test_banded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_point_areas_and_lines, setup, teardown),
        cmocka_unit_test(test_orient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
