/*
 * sample_geom.h - GEOS and OGR geometry helpers of the sample generator:
 * points, containment, distances, snapping to the 1e-6 degree grid of the
 * output files, random points and clipped Voronoi cells. Every helper dies
 * (tools/lib/die.h) when GEOS or OGR fails; geometries returned are
 * caller-owned.
 */
#ifndef TOOLS_SAMPLE_GEOM_H
#define TOOLS_SAMPLE_GEOM_H

#include "../../analysis/geos.h"
#include "rng.h"

#include <ogr_api.h>

/* A new point (x, y). */
GEOSGeometry *sg_point(GEOSContextHandle_t gh, double x, double y);
/* 1 if the prepared geometry p contains (x, y). */
int sg_contains(GEOSContextHandle_t gh, const GEOSPreparedGeometry *p, double x, double y);
/* Distance from g to (x, y), degrees. */
double sg_dist(GEOSContextHandle_t gh, const GEOSGeometry *g, double x, double y);
void sg_envelope(GEOSContextHandle_t gh, const GEOSGeometry *g, double *xmin, double *ymin,
                 double *xmax, double *ymax);
double sg_area(GEOSContextHandle_t gh, const GEOSGeometry *g);
/* The polygons of g as a new MultiPolygon (empty if none); takes g. */
GEOSGeometry *sg_multipolygon(GEOSContextHandle_t gh, GEOSGeometry *g);
/* Snapped to the 1e-6 degree grid every output file uses, polygons only; takes g. */
GEOSGeometry *sg_snap6(GEOSContextHandle_t gh, GEOSGeometry *g);
/* The polygon of the ring xy[0..2n-1] (closed here). */
GEOSGeometry *sg_polygon(GEOSContextHandle_t gh, const double *xy, int n);
/*
 * Uniform random point inside g (rejection in its envelope, p its prepared
 * form), at least margin away from boundary when margin > 0 and boundary is
 * given. Returns 0 if none found in 4,000 tries.
 */
int sg_random_point_in(GEOSContextHandle_t gh, struct rng *r, const GEOSGeometry *g,
                       const GEOSPreparedGeometry *p, const GEOSGeometry *boundary, double margin,
                       double *x, double *y);
/*
 * Voronoi cells of n seed points, clipped to clipg. cells[i] gets the cell of
 * seed i (caller-owned MultiPolygon). Seeds must be distinct and inside clipg.
 */
void sg_voronoi_clip(GEOSContextHandle_t gh, const double *xs, const double *ys, int n,
                     const GEOSGeometry *clipg, GEOSGeometry **cells);
/* OGR <-> GEOS through WKB. */
GEOSGeometry *sg_from_ogr(GEOSContextHandle_t gh, OGRGeometryH og);
OGRGeometryH sg_to_ogr(GEOSContextHandle_t gh, const GEOSGeometry *g);

#endif
