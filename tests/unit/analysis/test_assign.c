/* test_assign.c - point-in-polygon assignment: edge cases, determinism, reference agreement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/geos.h"
#include "../../../analysis/assign.h"
#include "../../../analysis/place.h"
#include "progress_log.h"

/* ---- fixture helpers ---- */

static GEOSGeometry *wkt(struct cov_model *m, const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(m->geos);
    assert_non_null(r);
    GEOSGeometry *g = GEOSWKTReader_read_r(m->geos, r, text);
    GEOSWKTReader_destroy_r(m->geos, r);
    assert_non_null(g);
    return g;
}

static long add_area(struct cov_model *m, enum cov_layer layer, const char *code, GEOSGeometry *g)
{
    struct cov_area a;
    memset(&a, 0, sizeof(a));
    a.code = code;
    a.name = code;
    a.geom = g;
    long i = cov_model_add_area(m, layer, &a);
    assert_true(i >= 0);
    return i;
}

static long add_wkt(struct cov_model *m, enum cov_layer layer, const char *code, const char *text)
{
    return add_area(m, layer, code, wkt(m, text));
}

static long add_org(struct cov_model *m, double x, double y)
{
    struct cov_org o;
    memset(&o, 0, sizeof(o));
    o.id = "org";
    o.name = "org";
    o.x = x;
    o.y = y;
    long i = cov_model_add_org(m, &o);
    assert_true(i >= 0);
    return i;
}

/* Run one method and return a copy of area[layer] for every org. */
static int32_t *run(struct cov_model *m, enum cov_assign_method method, int threads, int layer)
{
    struct cov_err err;
    cov_err_init(&err);
    struct cov_assign_opts o = {threads, method};
    for (size_t i = 0; i < m->n_orgs; i++)
        m->orgs[i].area[layer] = 12345;
    int rc = cov_assign_ex(m, &o, NULL, NULL, &err);
    if (rc)
        fprintf(stderr, "cov_assign_ex: %s\n", cov_err_msg(&err));
    assert_int_equal(rc, 0);
    assert_int_equal(m->assigned, 1);
    cov_err_release(&err);
    int32_t *r = malloc((m->n_orgs + 1) * sizeof(*r));
    assert_non_null(r);
    for (size_t i = 0; i < m->n_orgs; i++)
        r[i] = m->orgs[i].area[layer];
    return r;
}

/* Assert that the fast method (1 and 2 threads) and the GEOS reference all
 * give expect[] for layer. */
static void check_all_methods(struct cov_model *m, int layer, const int32_t *expect)
{
    const struct {
        enum cov_assign_method method;
        int threads;
    } runs[] = {
        {COV_ASSIGN_FAST, 1}, {COV_ASSIGN_FAST, 2}, {COV_ASSIGN_FAST, 0}, {COV_ASSIGN_GEOS, 1}};
    for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
        int32_t *r = run(m, runs[k].method, runs[k].threads, layer);
        for (size_t i = 0; i < m->n_orgs; i++) {
            if (r[i] != expect[i])
                fprintf(stderr, "method %d threads %d org %zu: got %d expected %d\n",
                        (int)runs[k].method, runs[k].threads, i, (int)r[i], (int)expect[i]);
            assert_int_equal(r[i], expect[i]);
        }
        free(r);
    }
}

static int setup(void **state)
{
    struct cov_model *m = cov_model_new();
    if (!m)
        return -1;
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    cov_model_free(*state);
    return 0;
}

/* A: square with a hole; B: east neighbour sharing x = 10. */
static void two_squares(struct cov_model *m)
{
    add_wkt(m, COV_COMMUNITIES, "A", "POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
    add_wkt(m, COV_COMMUNITIES, "B", "POLYGON((10 0,20 0,20 10,10 10,10 0))");
}

/* ---- tests ---- */

static void test_inside(void **state)
{
    struct cov_model *m = *state;
    two_squares(m);
    add_org(m, 2, 2);
    add_org(m, 15, 3);
    int32_t expect[] = {0, 1};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static void test_outside_all(void **state)
{
    struct cov_model *m = *state;
    two_squares(m);
    add_org(m, 100, 100);
    add_org(m, -0.5, 5);
    add_org(m, 20.000001, 5);
    int32_t expect[] = {-1, -1, -1};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static void test_hole_not_assigned(void **state)
{
    struct cov_model *m = *state;
    two_squares(m);
    add_org(m, 5, 5);
    add_org(m, 4.5, 5.9);
    int32_t expect[] = {-1, -1};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static void test_enclave_gets_point_in_hole(void **state)
{
    struct cov_model *m = *state;
    two_squares(m);
    add_wkt(m, COV_COMMUNITIES, "C", "POLYGON((4 4,6 4,6 6,4 6,4 4))");
    add_org(m, 5, 5);
    add_org(m, 3, 5); /* in A, just outside the hole */
    int32_t expect[] = {2, 0};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static void test_hole_boundary_belongs_to_polygon(void **state)
{
    struct cov_model *m = *state;
    /* enclave listed first: on the shared hole boundary it wins by index */
    add_wkt(m, COV_STREETS, "C", "POLYGON((4 4,6 4,6 6,4 6,4 4))");
    add_wkt(m, COV_STREETS, "A", "POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
    add_org(m, 4, 5); /* on the hole edge */
    add_org(m, 6, 6); /* on a hole vertex */
    add_org(m, 5, 5); /* inside the enclave */
    add_org(m, 1, 1); /* only A */
    int32_t expect[] = {0, 0, 0, 1};
    check_all_methods(m, COV_STREETS, expect);

    /* and A alone covers its hole's boundary but not the hole */
    struct cov_model *m2 = cov_model_new();
    assert_non_null(m2);
    add_wkt(m2, COV_STREETS, "A", "POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
    add_org(m2, 4, 5);
    add_org(m2, 6, 6);
    add_org(m2, 5, 5);
    int32_t expect2[] = {0, 0, -1};
    check_all_methods(m2, COV_STREETS, expect2);
    cov_model_free(m2);
}

static void test_multipolygon_second_part(void **state)
{
    struct cov_model *m = *state;
    add_wkt(m, COV_DISTRICTS, "M",
            "MULTIPOLYGON(((30 0,40 0,40 10,30 10,30 0)),((50 0,60 0,60 10,50 10,50 0)))");
    add_org(m, 55, 5);
    add_org(m, 35, 5);
    add_org(m, 45, 5); /* between the parts */
    int32_t expect[] = {0, 0, -1};
    check_all_methods(m, COV_DISTRICTS, expect);
}

static void test_shared_edge_goes_to_lower_index(void **state)
{
    struct cov_model *m = *state;
    /* the higher-indexed square first in space, to rule out "first found" */
    add_wkt(m, COV_COMMUNITIES, "B", "POLYGON((10 0,20 0,20 10,10 10,10 0))");
    add_wkt(m, COV_COMMUNITIES, "A", "POLYGON((0 0,10 0,10 10,0 10,0 0))");
    add_org(m, 10, 5);
    add_org(m, 10, 0.25);
    int32_t expect[] = {0, 0};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static void test_shared_diagonal_edge(void **state)
{
    struct cov_model *m = *state;
    /* two triangles sharing the diagonal (0,0)-(7,3); points exactly on it */
    add_wkt(m, COV_COMMUNITIES, "U", "POLYGON((0 0,7 3,0 3,0 0))");
    add_wkt(m, COV_COMMUNITIES, "L", "POLYGON((0 0,7 0,7 3,0 0))");
    add_org(m, 3.5, 1.5); /* exactly on the diagonal */
    add_org(m, 1, 2);     /* U only */
    add_org(m, 6, 1);     /* L only */
    int32_t expect[] = {0, 0, 1};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static void test_on_vertex(void **state)
{
    struct cov_model *m = *state;
    two_squares(m);
    add_org(m, 10, 10); /* vertex shared by A and B */
    add_org(m, 20, 0);  /* B's corner only */
    add_org(m, 0, 0);   /* A's corner */
    int32_t expect[] = {0, 1, 0};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static void test_overlapping_polygons(void **state)
{
    struct cov_model *m = *state;
    add_wkt(m, COV_PARKS, "big", "POLYGON((0 0,100 0,100 100,0 100,0 0))");
    add_wkt(m, COV_PARKS, "small", "POLYGON((10 10,20 10,20 20,10 20,10 10))");
    add_wkt(m, COV_PARKS, "east", "POLYGON((90 0,200 0,200 100,90 100,90 0))");
    add_org(m, 15, 15);  /* big and small: big (index 0) */
    add_org(m, 95, 50);  /* big and east */
    add_org(m, 150, 50); /* east only */
    int32_t expect[] = {0, 0, 2};
    check_all_methods(m, COV_PARKS, expect);
}

static void test_point_buildings(void **state)
{
    struct cov_model *m = *state;
    add_wkt(m, COV_BUILDINGS, "b1", "POINT(5 5)");
    add_wkt(m, COV_BUILDINGS, "b2", "POLYGON((10 10,12 10,12 12,10 12,10 10))");
    add_org(m, 5, 5);
    add_org(m, 5, 5.001);
    add_org(m, 11, 11);
    int32_t expect[] = {0, -1, 1};
    check_all_methods(m, COV_BUILDINGS, expect);
}

static void test_layers_without_areas_get_minus_one(void **state)
{
    struct cov_model *m = *state;
    two_squares(m);
    add_org(m, 2, 2);
    int32_t *r = run(m, COV_ASSIGN_FAST, 2, COV_DISTRICTS);
    assert_int_equal(r[0], -1);
    free(r);
    assert_int_equal(m->orgs[0].area[COV_COMMUNITIES], 0);
    assert_int_equal(m->orgs[0].area[COV_BUILDINGS], -1);
}

static void test_nonfinite_point_unassigned(void **state)
{
    struct cov_model *m = *state;
    two_squares(m);
    add_org(m, NAN, 2);
    add_org(m, 2, INFINITY);
    add_org(m, 2, 2);
    int32_t expect[] = {-1, -1, 0};
    check_all_methods(m, COV_COMMUNITIES, expect);
}

static GEOSGeometry *triangle(struct cov_model *m, const double xy[6])
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(m->geos, 4, 2);
    assert_non_null(cs);
    for (unsigned i = 0; i < 4; i++)
        GEOSCoordSeq_setXY_r(m->geos, cs, i, xy[2 * (i % 3)], xy[2 * (i % 3) + 1]);
    GEOSGeometry *shell = GEOSGeom_createLinearRing_r(m->geos, cs);
    assert_non_null(shell);
    GEOSGeometry *g = GEOSGeom_createPolygon_r(m->geos, shell, NULL, 0);
    assert_non_null(g);
    return g;
}

/* Points within a few ulps of the shared edge a-b where the plain floating
 * point determinant is 0 or has the wrong sign; exact side computed with
 * rational arithmetic (Python fractions). Left of a->b is T0, right is T1. */
static void test_near_edge_needs_exact_orientation(void **state)
{
    struct cov_model *m = *state;
    const double ax = 0.1234567891234, ay = 0.3456789123456;
    const double bx = 3.3456789012345e2, by = 7.123456789012e2;
    const double t0[6] = {ax, ay, bx, by, ax, by}, t1[6] = {ax, ay, bx, ay, bx, by};
    add_area(m, COV_COMMUNITIES, "T0", triangle(m, t0));
    add_area(m, COV_COMMUNITIES, "T1", triangle(m, t1));
    static const struct {
        double x, y;
        int32_t side;
    } pts[] = {
        {19.12744902327432, 40.80334877279016, 0},   {79.86710637103334, 170.112231566172, 0},
        {230.13485186256287, 490.0177947164525, 0},  {18.65204208300011, 39.79125316666725, 0},
        {168.27008000257408, 358.3136514467384, 0},  {77.98532036239573, 166.10609032240475, 0},
        {114.52211704897333, 243.88941289435198, 1}, {63.87175556877249, 136.05966965778833, 1},
        {54.11570140491682, 115.28996960536546, 1},  {54.56939552591034, 116.2558407096377, 1},
        {61.441847696323485, 130.8866297363042, 1},  {87.71287927572833, 186.8151267298393, 1},
    };
    enum { NP = sizeof(pts) / sizeof(pts[0]) };
    int32_t expect[NP];
    for (size_t i = 0; i < NP; i++) {
        add_org(m, pts[i].x, pts[i].y);
        expect[i] = pts[i].side;
    }
    check_all_methods(m, COV_COMMUNITIES, expect);
}

/* many-vertex ring: exercises the band index, with points on vertices and edges */
static void test_many_vertices_band_index(void **state)
{
    struct cov_model *m = *state;
    GEOSGeometry *c = wkt(m, "POINT(0 0)");
    GEOSGeometry *circle = GEOSBuffer_r(m->geos, c, 100, 32);
    GEOSGeom_destroy_r(m->geos, c);
    assert_non_null(circle);
    add_area(m, COV_COMMUNITIES, "circle", circle);
    /* points on every vertex, midway along every edge, just inside and outside */
    const GEOSGeometry *ring = GEOSGetExteriorRing_r(m->geos, circle);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(m->geos, ring);
    unsigned int n = 0;
    assert_true(GEOSCoordSeq_getSize_r(m->geos, cs, &n));
    assert_true(n > 100);
    size_t k = 0;
    int32_t *expect = malloc(4 * n * sizeof(*expect));
    assert_non_null(expect);
    for (unsigned int i = 0; i + 1 < n; i++) {
        double x, y, x2, y2;
        GEOSCoordSeq_getXY_r(m->geos, cs, i, &x, &y);
        GEOSCoordSeq_getXY_r(m->geos, cs, i + 1, &x2, &y2);
        add_org(m, x, y);
        expect[k++] = 0;
        add_org(m, x * 0.99, y * 0.99);
        expect[k++] = 0;
        add_org(m, x * 1.01, y * 1.01);
        expect[k++] = -1;
        /* midpoint of a chord: usually not representable exactly on it, so
         * GEOS (the reference) decides; its answer is our expectation */
        add_org(m, (x + x2) / 2, (y + y2) / 2);
        expect[k++] = -2;
    }
    int32_t *ref = run(m, COV_ASSIGN_GEOS, 1, COV_COMMUNITIES);
    for (size_t i = 0; i < k; i++) {
        if (expect[i] == -2)
            expect[i] = ref[i];
        assert_int_equal(ref[i], expect[i]);
    }
    free(ref);
    check_all_methods(m, COV_COMMUNITIES, expect);
    free(expect);
}

/* xorshift for a reproducible random instance */
static uint64_t rng_state = 88172645463325252ull;
static double rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Jittered grid of quadrilaterals (shared edges and vertices), some with
 * holes and enclaves, a few overlapping circles; points random, on vertices,
 * on edges and near edges. All methods and thread counts must agree. */
static void test_threads_and_reference_agree_random(void **state)
{
    struct cov_model *m = *state;
    enum { G = 12 };
    double vx[G + 1][G + 1], vy[G + 1][G + 1];
    for (int i = 0; i <= G; i++)
        for (int j = 0; j <= G; j++) {
            int border = i == 0 || j == 0 || i == G || j == G;
            vx[i][j] = i * 100.0 + (border ? 0 : (rnd() - 0.5) * 60);
            vy[i][j] = j * 100.0 + (border ? 0 : (rnd() - 0.5) * 60);
        }
    char text[512], code[32];
    int nq = 0;
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++) {
            double cx = (vx[i][j] + vx[i + 1][j + 1]) / 2, cy = (vy[i][j] + vy[i + 1][j + 1]) / 2;
            int hole = (i + j) % 5 == 0;
            int n = snprintf(text, sizeof(text),
                             "POLYGON((%.17g %.17g,%.17g %.17g,%.17g %.17g,"
                             "%.17g %.17g,%.17g %.17g)",
                             vx[i][j], vy[i][j], vx[i + 1][j], vy[i + 1][j], vx[i + 1][j + 1],
                             vy[i + 1][j + 1], vx[i][j + 1], vy[i][j + 1], vx[i][j], vy[i][j]);
            if (hole)
                n += snprintf(text + n, sizeof(text) - (size_t)n,
                              ",(%g %g,%g %g,%g %g,%g %g,%g %g)", cx - 10, cy - 10, cx + 10,
                              cy - 10, cx + 10, cy + 10, cx - 10, cy + 10, cx - 10, cy - 10);
            snprintf(text + n, sizeof(text) - (size_t)n, ")");
            snprintf(code, sizeof(code), "q%d", nq++);
            add_wkt(m, COV_COMMUNITIES, code, text);
            if (hole && (i + j) % 10 == 0) {
                snprintf(text, sizeof(text), "POLYGON((%g %g,%g %g,%g %g,%g %g,%g %g))", cx - 10,
                         cy - 10, cx + 10, cy - 10, cx + 10, cy + 10, cx - 10, cy + 10, cx - 10,
                         cy - 10);
                snprintf(code, sizeof(code), "e%d", nq++);
                add_wkt(m, COV_COMMUNITIES, code, text);
            }
        }
    for (int c = 0; c < 6; c++) {
        snprintf(text, sizeof(text), "POINT(%g %g)", 100 + rnd() * 1000, 100 + rnd() * 1000);
        GEOSGeometry *p = wkt(m, text);
        GEOSGeometry *b = GEOSBuffer_r(m->geos, p, 60 + rnd() * 80, 16);
        GEOSGeom_destroy_r(m->geos, p);
        assert_non_null(b);
        if (c % 2) { /* donut: many vertices and a hole (band index with holes) */
            GEOSGeometry *p2 = GEOSGetCentroid_r(m->geos, b);
            GEOSGeometry *inner = GEOSBuffer_r(m->geos, p2, 40, 16);
            GEOSGeometry *donut = GEOSDifference_r(m->geos, b, inner);
            assert_non_null(donut);
            assert_int_equal(GEOSGetNumInteriorRings_r(m->geos, donut), 1);
            GEOSGeom_destroy_r(m->geos, p2);
            GEOSGeom_destroy_r(m->geos, inner);
            GEOSGeom_destroy_r(m->geos, b);
            b = donut;
        }
        snprintf(code, sizeof(code), "c%d", c);
        add_area(m, COV_COMMUNITIES, code, b);
    }
    for (int k = 0; k < 3000; k++)
        add_org(m, -50 + rnd() * 1300, -50 + rnd() * 1300);
    for (int i = 0; i <= G; i++)
        for (int j = 0; j <= G; j++) {
            add_org(m, vx[i][j], vy[i][j]);
            if (i < G) {
                double t = rnd();
                add_org(m, vx[i][j] + t * (vx[i + 1][j] - vx[i][j]),
                        vy[i][j] + t * (vy[i + 1][j] - vy[i][j]));
                add_org(m, (vx[i][j] + vx[i + 1][j]) / 2, (vy[i][j] + vy[i + 1][j]) / 2);
            }
        }
    int32_t *ref = run(m, COV_ASSIGN_GEOS, 1, COV_COMMUNITIES);
    size_t assigned = 0, outside = 0;
    for (size_t i = 0; i < m->n_orgs; i++)
        ref[i] >= 0 ? assigned++ : outside++;
    assert_true(assigned > 2000);
    assert_true(outside > 50);
    check_all_methods(m, COV_COMMUNITIES, ref);
    free(ref);
}

/* Appends "x y" pairs of a star ring around (cx,cy): n spikes from radius r0
 * to r1, starting at a valley, closed. */
static int star_ring(char *buf, size_t cap, double cx, double cy, int n, double r0, double r1)
{
    size_t len = 0;
    for (int k = 0; k <= n; k++) {
        double a = 2 * M_PI * (k % n) / n, t = 2 * M_PI * (k + 0.5) / n;
        len += (size_t)snprintf(buf + len, cap - len, "%s%.17g %.17g", k ? "," : "",
                                cx + r0 * cos(a), cy + r0 * sin(a));
        if (k < n)
            len += (size_t)snprintf(buf + len, cap - len, ",%.17g %.17g", cx + r1 * cos(t),
                                    cy + r1 * sin(t));
        assert_true(len < cap);
    }
    return (int)len;
}

/*
 * Issue 9: districts with very many thin spikes (a horizontal ray crosses a
 * good share of them) are tested through a grid of cells. A star of 4000
 * spikes with a spiky hole, a comb of axis-parallel teeth (collinear edges,
 * points on their lines) as a second part, and points everywhere: on the
 * spikes' and gaps' axes, on vertices, on edges, random. Every method must
 * agree with GEOS.
 */
static void test_spiky_area_cells_agree(void **state)
{
    struct cov_model *m = *state;
    enum { SPIKES = 4000, TEETH = 600 };
    size_t cap = (size_t)(2 * SPIKES + 2 * 300 + 4 * TEETH + 64) * 60;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = (size_t)snprintf(text, cap, "MULTIPOLYGON(((");
    len += (size_t)star_ring(text + len, cap - len, 0, 0, SPIKES, 500, 1500);
    len += (size_t)snprintf(text + len, cap - len, "),(");
    len += (size_t)star_ring(text + len, cap - len, 0, 0, 300, 150, 400);
    len += (size_t)snprintf(text + len, cap - len, ")),((");
    /* comb: base 2000..3000 x 0..100, teeth 1 wide every 1.5 up to 1000 */
    len += (size_t)snprintf(text + len, cap - len, "2000 0,3000 0,3000 100");
    for (int k = TEETH - 1; k >= 0; k--) {
        double x = 2000 + 1.5 * k + 0.25;
        len += (size_t)snprintf(text + len, cap - len, ",%.17g 100,%.17g 1000,%.17g 1000,%.17g 100",
                                x + 1, x + 1, x, x);
    }
    len += (size_t)snprintf(text + len, cap - len, ",2000 100,2000 0)))");
    assert_true(len < cap);
    GEOSGeometry *g = wkt(m, text);
    free(text);
    assert_int_equal(GEOSisValid_r(m->geos, g), 1);
    add_area(m, COV_DISTRICTS, "spiky", g);
    for (int k = 0; k < 3000; k++) {
        int s = (int)(rnd() * SPIKES);
        double t = 2 * M_PI * (s + 0.5) / SPIKES, a = 2 * M_PI * s / SPIKES;
        double r = 500 + rnd() * 1000;
        add_org(m, r * cos(t), r * sin(t)); /* spike axis: in */
        add_org(m, r * cos(a), r * sin(a)); /* gap axis: out */
        add_org(m, -1600 + rnd() * 3200, -1600 + rnd() * 3200);
        add_org(m, 1990 + rnd() * 1020, -10 + rnd() * 1020);
    }
    const GEOSGeometry *star = GEOSGetGeometryN_r(m->geos, g, 0);
    const GEOSCoordSequence *cs =
        GEOSGeom_getCoordSeq_r(m->geos, GEOSGetExteriorRing_r(m->geos, star));
    for (unsigned int i = 0; i < 2 * SPIKES; i += 7) {
        double x, y, x2, y2;
        GEOSCoordSeq_getXY_r(m->geos, cs, i, &x, &y);
        GEOSCoordSeq_getXY_r(m->geos, cs, i + 1, &x2, &y2);
        add_org(m, x, y);
        add_org(m, (x + x2) / 2, (y + y2) / 2);
    }
    for (int k = 0; k < TEETH; k += 3) { /* on a tooth's edge, between teeth, on the tip */
        double x = 2000 + 1.5 * k + 0.25;
        add_org(m, x, 100 + rnd() * 900);
        add_org(m, x + 1.25, 100 + rnd() * 900);
        add_org(m, x + 0.5, 1000);
        add_org(m, x + 0.5, 100 + rnd() * 900);
    }
    int32_t *ref = run(m, COV_ASSIGN_GEOS, 1, COV_DISTRICTS);
    size_t in = 0;
    for (size_t i = 0; i < m->n_orgs; i++)
        in += ref[i] == 0;
    assert_true(in > 4000 && in < m->n_orgs - 4000);
    for (size_t i = 0; i < 3000; i++) {
        assert_int_equal(ref[4 * i], 0);
        assert_int_equal(ref[4 * i + 1], -1);
    }
    check_all_methods(m, COV_DISTRICTS, ref);
    free(ref);
}

static void grid_model(struct cov_model *m, int n)
{
    char text[256], code[32];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            snprintf(text, sizeof(text), "POLYGON((%d %d,%d %d,%d %d,%d %d,%d %d))", i, j, i + 1, j,
                     i + 1, j + 1, i, j + 1, i, j);
            snprintf(code, sizeof(code), "g%d_%d", i, j);
            add_wkt(m, COV_COMMUNITIES, code, text);
        }
    for (int k = 0; k < n * n * 2; k++)
        add_org(m, rnd() * n, rnd() * n);
}

static void test_progress_reaches_one(void **state)
{
    struct cov_model *m = *state;
    grid_model(m, 30);
    struct cov_err err;
    cov_err_init(&err);
    /* one thread: a call per percent, give or take the first and last */
    struct progress_log log = {0, 0, 0, 1};
    assert_int_equal(cov_assign(m, 1, on_progress, &log, &err), 0);
    assert_true(log.calls >= 90);
    assert_true(log.calls <= 103);
    assert_true(log.monotone);
    assert_true(fabs(log.last - 1.0) < 1e-12);
    /* two threads: how many calls depends on scheduling, the shape does not */
    struct progress_log log2 = {0, 0, 0, 1};
    assert_int_equal(cov_assign(m, 2, on_progress, &log2, &err), 0);
    assert_true(log2.calls >= 2);
    assert_true(log2.monotone);
    assert_true(fabs(log2.last - 1.0) < 1e-12);
    cov_err_release(&err);
}

static void test_cancel(void **state)
{
    struct cov_model *m = *state;
    grid_model(m, 30);
    for (size_t i = 0; i < m->n_orgs; i++)
        m->orgs[i].area[COV_COMMUNITIES] = 777;
    struct cov_err err;
    cov_err_init(&err);
    /* mid-way (one thread, so the third call surely comes before the end) */
    struct progress_log log = {0, 3, 0, 1};
    assert_int_equal(cov_assign(m, 1, on_progress, &log, &err), COV_ECANCEL);
    assert_int_equal(log.calls, 3);
    assert_int_equal(m->assigned, 0);
    assert_int_equal(m->orgs[0].area[COV_COMMUNITIES], 777);
    assert_non_null(strstr(cov_err_msg(&err), "cancel"));
    cov_err_release(&err);
    /* at the first call, two threads */
    struct progress_log log2 = {0, 1, 0, 1};
    assert_int_equal(cov_assign(m, 2, on_progress, &log2, &err), COV_ECANCEL);
    assert_int_equal(m->assigned, 0);
    assert_int_equal(m->orgs[5].area[COV_COMMUNITIES], 777);
    cov_err_release(&err);
}

/* Organizations without coordinates are placed by their text, only at the
 * levels it names, with a drawing point inside the finest area; placing again
 * starts from the text, not from the previous drawing point. */
static void test_placed_by_address_without_coordinates(void **state)
{
    struct cov_model *m = *state;
    struct cov_area a;
    memset(&a, 0, sizeof(a));
    a.code = "320701", a.name = "甲区", a.geom = wkt(m, "POLYGON((0 0,20 0,20 10,0 10,0 0))");
    assert_true(cov_model_add_area(m, COV_DISTRICTS, &a) >= 0);
    a.code = "320701001", a.name = "新浦街道", a.parent = "320701";
    a.geom = wkt(m, "POLYGON((0 0,10 0,10 10,0 10,0 0))");
    assert_true(cov_model_add_area(m, COV_STREETS, &a) >= 0);
    a.code = "320701001001", a.name = "王庄社区居委会", a.parent = "320701001", a.ur = COV_UR_URBAN;
    /* a U: its centroid lies outside it */
    a.geom = wkt(m, "POLYGON((0 0,6 0,6 6,4 6,4 2,2 2,2 6,0 6,0 0))");
    assert_true(cov_model_add_area(m, COV_COMMUNITIES, &a) >= 0);
    a.code = "P1", a.name = "园", a.parent = NULL,
    a.geom = wkt(m, "POLYGON((0 0,20 0,20 10,0 10,0 0))");
    assert_true(cov_model_add_area(m, COV_PARKS, &a) >= 0);
    struct cov_org o;
    memset(&o, 0, sizeof(o));
    o.id = "A", o.name = "a", o.x = o.y = NAN, o.address = "甲区新浦街道王庄社区解放路1号";
    assert_true(cov_model_add_org(m, &o) >= 0);
    o.id = "B", o.address = "甲区新浦街道解放路2号";
    assert_true(cov_model_add_org(m, &o) >= 0);
    o.id = "C", o.address = "某路3号";
    assert_true(cov_model_add_org(m, &o) >= 0);
    struct cov_err err;
    cov_err_init(&err);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(cov_assign(m, 1, NULL, NULL, &err), 0);
        const struct cov_org *A = &m->orgs[0], *B = &m->orgs[1], *C = &m->orgs[2];
        assert_int_equal(A->placed, COV_PLACED_COMMUNITY);
        assert_int_equal(A->placed_by, COV_SRC_ADDRESS);
        assert_int_equal(A->area[COV_COMMUNITIES], 0);
        assert_int_equal(A->area[COV_STREETS], 0);
        assert_int_equal(A->area[COV_DISTRICTS], 0);
        assert_int_equal(A->area[COV_PARKS], -1); /* never finer than the text */
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(m->geos, A->x, A->y);
        assert_int_equal(GEOSContains_r(m->geos, m->areas[COV_COMMUNITIES][0].geom, pt), 1);
        GEOSGeom_destroy_r(m->geos, pt);
        assert_int_equal(B->placed, COV_PLACED_STREET);
        assert_int_equal(B->area[COV_STREETS], 0);
        assert_int_equal(B->area[COV_COMMUNITIES], -1);
        assert_int_equal(C->placed, COV_PLACED_NONE);
        assert_true(isnan(C->x));
        for (int l = 0; l < COV_NAREAS; l++)
            assert_int_equal(C->area[l], -1);
    }
    cov_err_release(&err);
}

static void test_empty_model(void **state)
{
    struct cov_model *m = *state;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(cov_assign(m, 0, NULL, NULL, &err), 0);
    assert_int_equal(m->assigned, 1);
    two_squares(m);
    assert_int_equal(m->assigned, 0);
    assert_int_equal(cov_assign(m, 0, NULL, NULL, &err), 0);
    assert_int_equal(m->assigned, 1);
    cov_err_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_placed_by_address_without_coordinates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_outside_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hole_not_assigned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enclave_gets_point_in_hole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hole_boundary_belongs_to_polygon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipolygon_second_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_edge_goes_to_lower_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_diagonal_edge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_on_vertex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlapping_polygons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_point_buildings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layers_without_areas_get_minus_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nonfinite_point_unassigned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_near_edge_needs_exact_orientation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_vertices_band_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_and_reference_agree_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spiky_area_cells_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_reaches_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_model, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
