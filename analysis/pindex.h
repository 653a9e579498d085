/*
 * pindex.h - private to analysis/ (and its unit tests): a packed Hilbert
 * R-tree over the organizations' points (pindex.c), built once per
 * assignment and queried with each area's envelope. No GEOS geometry per
 * organization: 10^6 points would cost memory and time.
 *
 * The points with finite coordinates are sorted by the Hilbert key of their
 * position on a 2^16 grid over their bounding box (stably, so ties keep the
 * organizations' order and the layout is deterministic), packed 8 to a leaf
 * and 8 children to an inner node. A query's results are positions in that
 * order, so an area's candidates are neighbours in memory.
 */
#ifndef COV_PINDEX_H
#define COV_PINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "grow.h"
#include "model.h"

#define COV_PINDEX_MAX_LEVELS 16 /* 8 * 8^15 > 2^31 points */

struct cov_pnode {
    double minx, miny, maxx, maxy;
    uint32_t start, end; /* children in the level below (points for level 0) */
};

/* Embedded: cov_pindex_build() / cov_pindex_release(). */
struct cov_pindex {
    size_t n;      /* indexed points (finite coordinates) */
    double *x, *y; /* in Hilbert order */
    uint32_t *org; /* org index of each point */
    int n_levels;
    struct cov_pnode *lev[COV_PINDEX_MAX_LEVELS];
    size_t lev_n[COV_PINDEX_MAX_LEVELS];
};

/* The Hilbert key of grid cell (x, y), x, y < 2^16: the order the index keeps points in. */
uint32_t cov_pindex_hilbert(uint32_t x, uint32_t y);
/* Index the points (orgs[i].x, orgs[i].y) that are finite. 0 or COV_ENOMEM (ix released). */
int cov_pindex_build(struct cov_pindex *ix, const struct cov_org *orgs, size_t n_orgs);
/* Free what ix owns; safe on a released index. */
void cov_pindex_release(struct cov_pindex *ix);
/* out := the positions (indices into ix->x, ix->y, ix->org) of the points inside the
 * closed box, in no particular order. 0 or COV_ENOMEM. */
int cov_pindex_query(const struct cov_pindex *ix, double minx, double miny, double maxx,
                     double maxy, struct cov_u32vec *out);

#endif
