/* sample_geom.c - GEOS and OGR geometry helpers of the sample generator (see sample_geom.h). */
#include "sample_geom.h"
#include "die.h"

#include <stdlib.h>

GEOSGeometry *sg_point(GEOSContextHandle_t gh, double x, double y)
{
    GEOSGeometry *g = GEOSGeom_createPointFromXY_r(gh, x, y);
    if (!g)
        die("GEOS: %s", cov_geos_last_error(gh));
    return g;
}

int sg_contains(GEOSContextHandle_t gh, const GEOSPreparedGeometry *p, double x, double y)
{
    GEOSGeometry *pt = sg_point(gh, x, y);
    char r = GEOSPreparedContains_r(gh, p, pt);
    GEOSGeom_destroy_r(gh, pt);
    if (r == 2)
        die("GEOS: %s", cov_geos_last_error(gh));
    return r == 1;
}

double sg_dist(GEOSContextHandle_t gh, const GEOSGeometry *g, double x, double y)
{
    GEOSGeometry *pt = sg_point(gh, x, y);
    double d = 0;
    if (!GEOSDistance_r(gh, g, pt, &d))
        die("GEOS distance: %s", cov_geos_last_error(gh));
    GEOSGeom_destroy_r(gh, pt);
    return d;
}

void sg_envelope(GEOSContextHandle_t gh, const GEOSGeometry *g, double *xmin, double *ymin,
                 double *xmax, double *ymax)
{
    if (!GEOSGeom_getXMin_r(gh, g, xmin) || !GEOSGeom_getYMin_r(gh, g, ymin) ||
        !GEOSGeom_getXMax_r(gh, g, xmax) || !GEOSGeom_getYMax_r(gh, g, ymax))
        die("GEOS envelope: %s", cov_geos_last_error(gh));
}

double sg_area(GEOSContextHandle_t gh, const GEOSGeometry *g)
{
    double a = 0;
    if (!GEOSArea_r(gh, g, &a))
        die("GEOS area: %s", cov_geos_last_error(gh));
    return a;
}

/* Append clones of the polygons of g (recursively) to out[]. */
static void collect_polys(GEOSContextHandle_t gh, const GEOSGeometry *g, GEOSGeometry ***out,
                          int *n, int *cap)
{
    int t = GEOSGeomTypeId_r(gh, g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(gh, g) == 1)
            return;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *out = xrealloc(*out, (size_t)*cap * sizeof(**out));
        }
        (*out)[(*n)++] = GEOSGeom_clone_r(gh, g);
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(gh, g);
        for (int i = 0; i < k; i++)
            collect_polys(gh, GEOSGetGeometryN_r(gh, g, i), out, n, cap);
    }
}

/* The polygons of g as a new MultiPolygon (empty if none); takes g. */
GEOSGeometry *sg_multipolygon(GEOSContextHandle_t gh, GEOSGeometry *g)
{
    GEOSGeometry **parts = NULL;
    int n = 0, cap = 0;
    collect_polys(gh, g, &parts, &n, &cap);
    GEOSGeom_destroy_r(gh, g);
    GEOSGeometry *m = GEOSGeom_createCollection_r(gh, GEOS_MULTIPOLYGON, parts, (unsigned)n);
    free(parts);
    if (!m)
        die("GEOS collection: %s", cov_geos_last_error(gh));
    return m;
}

/* Snap to the 1e-6 degree grid every output file uses, keep polygons only. */
GEOSGeometry *sg_snap6(GEOSContextHandle_t gh, GEOSGeometry *g)
{
    GEOSGeometry *s = GEOSGeom_setPrecision_r(gh, g, 1e-6, 0);
    if (!s)
        die("GEOS set precision: %s", cov_geos_last_error(gh));
    GEOSGeom_destroy_r(gh, g);
    return sg_multipolygon(gh, s);
}

static GEOSGeometry *clip(GEOSContextHandle_t gh, const GEOSGeometry *a, const GEOSGeometry *b)
{
    GEOSGeometry *r = GEOSIntersection_r(gh, a, b);
    if (!r)
        die("GEOS intersection: %s", cov_geos_last_error(gh));
    return r;
}

/* Uniform random point inside geometry (rejection in its envelope), at least
 * margin away from its boundary. Returns 0 if none found in many tries. */
int sg_random_point_in(GEOSContextHandle_t gh, struct rng *r, const GEOSGeometry *g,
                       const GEOSPreparedGeometry *p, const GEOSGeometry *boundary, double margin,
                       double *x, double *y)
{
    double x0, y0, x1, y1;
    sg_envelope(gh, g, &x0, &y0, &x1, &y1);
    for (int tries = 0; tries < 4000; tries++) {
        double px = rng_range(r, x0, x1), py = rng_range(r, y0, y1);
        if (!sg_contains(gh, p, px, py))
            continue;
        if (margin > 0 && boundary && sg_dist(gh, boundary, px, py) < margin)
            continue;
        *x = px;
        *y = py;
        return 1;
    }
    return 0;
}

/*
 * Voronoi cells of n seed points, clipped to clip. cells[i] gets the cell of
 * seed i (caller-owned MultiPolygon). Seeds must be distinct and inside clip.
 */
void sg_voronoi_clip(GEOSContextHandle_t gh, const double *xs, const double *ys, int n,
                     const GEOSGeometry *clipg, GEOSGeometry **cells)
{
    if (n == 1) {
        cells[0] = sg_multipolygon(gh, GEOSGeom_clone_r(gh, clipg));
        return;
    }
    GEOSGeometry **pts = xcalloc((size_t)n, sizeof(*pts));
    for (int i = 0; i < n; i++)
        pts[i] = sg_point(gh, xs[i], ys[i]);
    GEOSGeometry *mp = GEOSGeom_createCollection_r(gh, GEOS_MULTIPOINT, pts, (unsigned)n);
    free(pts);
    GEOSGeometry *vd = GEOSVoronoiDiagram_r(gh, mp, clipg, 0.0, 0);
    if (!vd)
        die("GEOS Voronoi: %s", cov_geos_last_error(gh));
    int k = GEOSGetNumGeometries_r(gh, vd);
    if (k != n)
        die("Voronoi diagram has %d cells for %d seeds (duplicate seeds?)", k, n);
    for (int i = 0; i < n; i++)
        cells[i] = NULL;
    for (int c = 0; c < k; c++) {
        const GEOSGeometry *cell = GEOSGetGeometryN_r(gh, vd, c);
        const GEOSPreparedGeometry *pc = GEOSPrepare_r(gh, cell);
        int found = -1;
        for (int i = 0; i < n && found < 0; i++)
            if (!cells[i] && sg_contains(gh, pc, xs[i], ys[i]))
                found = i;
        GEOSPreparedGeom_destroy_r(gh, pc);
        if (found < 0)
            die("a Voronoi cell holds no seed");
        cells[found] = sg_multipolygon(gh, clip(gh, cell, clipg));
    }
    GEOSGeom_destroy_r(gh, vd);
    GEOSGeom_destroy_r(gh, mp);
}

GEOSGeometry *sg_from_ogr(GEOSContextHandle_t gh, OGRGeometryH og)
{
    size_t n = (size_t)OGR_G_WkbSize(og);
    unsigned char *wkb = xcalloc(n, 1);
    if (OGR_G_ExportToWkb(og, wkbNDR, wkb) != OGRERR_NONE)
        die("cannot export geometry to WKB");
    GEOSWKBReader *r = GEOSWKBReader_create_r(gh);
    GEOSGeometry *g = GEOSWKBReader_read_r(gh, r, wkb, n);
    GEOSWKBReader_destroy_r(gh, r);
    free(wkb);
    if (!g)
        die("GEOS cannot read WKB: %s", cov_geos_last_error(gh));
    return g;
}

OGRGeometryH sg_to_ogr(GEOSContextHandle_t gh, const GEOSGeometry *g)
{
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(gh);
    size_t n = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(gh, w, g, &n);
    GEOSWKBWriter_destroy_r(gh, w);
    if (!wkb)
        die("GEOS cannot write WKB: %s", cov_geos_last_error(gh));
    OGRGeometryH og = NULL;
    if (OGR_G_CreateFromWkbEx(wkb, NULL, &og, n) != OGRERR_NONE)
        die("OGR cannot read WKB");
    GEOSFree_r(gh, wkb);
    return og;
}

GEOSGeometry *sg_polygon(GEOSContextHandle_t gh, const double *xy, int n)
{
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(gh, (unsigned)n + 1, 2);
    for (int i = 0; i <= n; i++) {
        int k = i % n;
        GEOSCoordSeq_setXY_r(gh, s, (unsigned)i, xy[2 * k], xy[2 * k + 1]);
    }
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(gh, s);
    GEOSGeometry *poly = GEOSGeom_createPolygon_r(gh, ring, NULL, 0);
    if (!poly)
        die("GEOS polygon: %s", cov_geos_last_error(gh));
    return poly;
}
