/* path.c - GEOS geometries as cairo paths on the page: which areas are
 * visible, and rings reduced to what a device pixel can show. */
#include "render_int.h"
#include "simplify.h"

#include <math.h>
#include <stdlib.h>

/* Rings are drawn snapped to a grid of this many device pixels (simplify.h),
 * so a vertex moves at most 0.18 pixel; a stroke uses half its line width if
 * that is more (what is finer disappears under the line anyway). */
#define MAP_SIMPLIFY_CELL 0.25
/* ... and with at most this many vertices per device pixel of the
 * half-perimeter of their box, the grid coarsened by halves until they do */
#define MAP_SIMPLIFY_MAX 4.0

int map_area_visible(const struct map_ctx *r, const struct cov_area *a)
{
    const struct map_layout *L = &r->L;
    if (!a->geom || a->maxx < L->vminx || a->minx > L->vmaxx || a->maxy < L->vminy ||
        a->miny > L->vmaxy)
        return 0;
    double s = L->view.s;
    return (a->maxx - a->minx) * s >= 0.5 * L->dev || (a->maxy - a->miny) * s >= 0.5 * L->dev;
}

static void path_ring(struct map_ctx *r, const GEOSGeometry *ring)
{
    GEOSContextHandle_t h = r->m->geos;
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 3)
        return;
    if (2 * (size_t)n > r->cap) {
        size_t cap = 2 * (size_t)n + 64;
        double *b = realloc(r->buf, cap * sizeof(*b));
        if (!b) {
            r->oom = 1;
            return;
        }
        r->buf = b;
        r->cap = cap;
    }
    if (!GEOSCoordSeq_copyToBuffer_r(h, cs, r->buf, 0, 0))
        return;
    for (size_t i = 0; i < n; i++)
        map_view_to_page(&r->L.view, r->buf[2 * i], r->buf[2 * i + 1], &r->buf[2 * i],
                         &r->buf[2 * i + 1]);
    /* only what a device pixel can show (a stroke hides what is finer than
     * half its width): the model itself is not simplified */
    double cell = fmax(MAP_SIMPLIFY_CELL * r->L.dev, r->stroke_w / 2);
    size_t k = map_ring_simplify(r->buf, n, cell);
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < k; i++) {
        minx = fmin(minx, r->buf[2 * i]), maxx = fmax(maxx, r->buf[2 * i]);
        miny = fmin(miny, r->buf[2 * i + 1]), maxy = fmax(maxy, r->buf[2 * i + 1]);
    }
    /* a fringe finer than the grid still leaves a zigzag along it: coarsen
     * until the ring has no more vertices than its box has pixels around it
     * (or the grid is as coarse as the box: a ring that still circles that
     * often is drawn as it is) */
    double cap = MAP_SIMPLIFY_MAX * ((maxx - minx) + (maxy - miny)) / r->L.dev + 64;
    double coarsest = fmax(maxx - minx, maxy - miny);
    while (k >= 3 && (double)k > cap && cell < coarsest) {
        cell *= 2;
        k = map_ring_simplify(r->buf, k, cell);
    }
    if (k < 3 || (maxx - minx < r->L.dev / 2 && maxy - miny < r->L.dev / 2))
        return;
    cairo_move_to(r->cr, r->buf[0], r->buf[1]);
    for (size_t i = 1; i < k; i++)
        cairo_line_to(r->cr, r->buf[2 * i], r->buf[2 * i + 1]);
    cairo_close_path(r->cr);
}

void map_path_geom(struct map_ctx *r, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = r->m->geos;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        const GEOSGeometry *ext = GEOSGetExteriorRing_r(h, g);
        if (ext)
            path_ring(r, ext);
        int ni = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < ni; i++) {
            const GEOSGeometry *in = GEOSGetInteriorRingN_r(h, g, i);
            if (in)
                path_ring(r, in);
        }
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
            if (p)
                map_path_geom(r, p);
        }
    }
}

/* Point areas (buildings given as points): a small square. */
void map_path_point_area(struct map_ctx *r, const struct cov_area *a, double half)
{
    double px, py;
    map_view_to_page(&r->L.view, (a->minx + a->maxx) / 2, (a->miny + a->maxy) / 2, &px, &py);
    cairo_rectangle(r->cr, px - half, py - half, 2 * half, 2 * half);
}

int map_is_point_area(const struct map_ctx *r, const struct cov_area *a)
{
    int t = GEOSGeomTypeId_r(r->m->geos, a->geom);
    return t == GEOS_POINT || t == GEOS_MULTIPOINT;
}
