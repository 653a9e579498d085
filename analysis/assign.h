/*
 * assign.h - place every organization in the areas that contain it
 * (district, street, community, park, building) by point-in-polygon.
 *
 * Rule (deterministic, documented in docs/POLICY.md):
 * - An organization is in an area when the area's geometry *covers* its point:
 *   interior or boundary, the GEOS "covers" predicate. A point strictly inside
 *   a hole is not in the polygon (an enclave filling the hole gets it); a point
 *   on the boundary of a hole is on the polygon's boundary and so is covered.
 *   MultiPolygons: any part. Point areas (buildings given as points): exact
 *   coordinate equality. Other geometry types and empty geometries contain nothing.
 * - When several areas of one layer cover the point (shared edge, shared vertex,
 *   overlapping data) the organization goes to the one with the smallest index
 *   in the model, i.e. the first in the layer's order (the store keeps layers
 *   sorted by code). Whatever the thread count, the result is the same.
 * - Outside every area of a layer, or a non-finite coordinate: -1.
 */
#ifndef COV_ASSIGN_H
#define COV_ASSIGN_H

#include "core.h"
#include "model.h"

/*
 * Place every org in each area layer (districts..buildings) that has areas:
 * org->area[layer] = index of the containing area (see the rule above) or -1.
 * Layers without areas get -1 everywhere. threads: 0 = all online cores,
 * otherwise the number of threads to use (pthreads, one GEOS context each).
 * progress (may be NULL) is called from the calling thread about every 1 %
 * with what = "assigning organizations"; a nonzero return cancels
 * (COV_ECANCEL, orgs untouched). Sets m->assigned on success.
 * Errors: COV_ENOMEM, COV_EFAIL (GEOS error, naming the area), COV_EINPUT
 * (more than 2^31-1 orgs or areas in a layer).
 */
int cov_assign(struct cov_model *m, int threads, cov_progress_fn progress, void *user,
               struct cov_err *err);

/*
 * Methods, for benchmarks and tests; both give identical results.
 * COV_ASSIGN_FAST (what cov_assign uses): polygon-driven. A packed Hilbert
 *   R-tree over the org points (no GEOS geometry per org); each area queries it
 *   with its envelope and tests the candidates with an exact-when-certain
 *   ray-crossing test (GEOS's RayCrossingCounter rules, orientation by a
 *   floating-point filter with a proven error bound; segments bucketed into
 *   horizontal bands for rings with many vertices). When the filter cannot
 *   decide (point within rounding distance of an edge) the point is decided by
 *   GEOSPreparedCovers_r on that area, so GEOS is the arbiter of every close call.
 * COV_ASSIGN_GEOS: point-driven reference. A GEOS STRtree over the areas
 *   (node capacity 10), one prepared geometry per area, a GEOS point per org,
 *   GEOSPreparedCovers_r on the candidates in index order. Single-threaded
 *   (threads is ignored).
 */
enum cov_assign_method { COV_ASSIGN_FAST, COV_ASSIGN_GEOS };

struct cov_assign_opts {
    int threads;                   /* as cov_assign */
    enum cov_assign_method method; /* COV_ASSIGN_FAST by default */
};

/* cov_assign with explicit options (opts may be NULL for the defaults). */
int cov_assign_ex(struct cov_model *m, const struct cov_assign_opts *opts, cov_progress_fn progress,
                  void *user, struct cov_err *err);

#endif
