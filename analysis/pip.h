/*
 * pip.h - private to analysis/ (and its unit tests): point in polygon for
 * the assignment (pip.c). An area's geometry is read once into flat rings;
 * then each point is tested with GEOS's ray-crossing rules, so that the answer
 * is GEOS's "covers" (interior or boundary; a point strictly inside a hole is
 * out, one on a hole's ring is on the boundary and in; MultiPolygons: any
 * part; point areas: exact equality; lines contain nothing), or "undecided"
 * when floating point cannot prove an orientation: then the caller asks GEOS.
 *
 * Three ways to find the segments a point's horizontal ray meets, chosen by
 * cov_poly_prepare from the ring sizes and the number of points to test:
 * every segment (small rings, few points); horizontal bands listing the
 * segments whose y-range meets them; and, for areas whose bands are long
 * (10^5 thin spikes), a grid of cells whose centres' rings are counted once,
 * a point then only counting the crossings of the segment to its cell's
 * centre. All three give the same answers.
 */
#ifndef COV_PIP_H
#define COV_PIP_H

#include <stddef.h>
#include <stdint.h>

#include "geos.h"

struct cov_ring {
    uint32_t off, n; /* coordinate range (closed ring: last == first) */
    uint32_t part;
    int hole;
};

struct cov_poly {
    double *xy; /* x,y pairs */
    size_t n_xy, cap_xy;
    struct cov_ring *rings;
    size_t n_rings, cap_rings;
    uint32_t n_parts;
    double *pts; /* point areas: x,y pairs */
    size_t n_pts, cap_pts;
    double minx, miny, maxx, maxy;
    /* horizontal bands: segment i (xy[i] -> xy[i+1]) listed in every band its y-range meets */
    int nb;
    double by0, bh;
    uint32_t *band_off, *band_seg, *seg_ring;
    size_t cap_band_off, cap_band_seg, cap_seg_ring;
    /* cells (gnx x gny from gx0, gy0, each gw x gh) when grid is set:
     * segments meeting cell c are cell_seg[cell_off[c] .. cell_off[c+1]);
     * cell_ref[c] is "to do", "none" or where in refs the centre's rings are */
    int grid, gnx, gny;
    double gx0, gy0, gw, gh;
    uint32_t *cell_off, *cell_seg, *cell_ref, *refs;
    size_t n_refs, cap_cell_off, cap_cell_seg, cap_cell_ref, cap_refs;
    /* per-point scratch, reset lazily with stamps */
    uint32_t cur;
    uint32_t *rstamp, *pstamp, *touched;
    int *cross;
    unsigned char *onb, *shell_loc, *in_hole;
    size_t cap_rstamp, cap_pstamp, cap_touched, cap_cross, cap_onb, cap_shell, cap_hole;
};

/*
 * Read geometry g into p, replacing what it held (p zeroed the first time;
 * its buffers are reused). 0, COV_ENOMEM, COV_EFAIL (GEOS could not give the
 * coordinates) or COV_EINPUT (more than 2^32 coordinates).
 */
int cov_poly_load(GEOSContextHandle_t h, struct cov_poly *p, const GEOSGeometry *g);
/* Build what testing about n_points points against p is worth (bands, cells). 0 or COV_ENOMEM. */
int cov_poly_prepare(struct cov_poly *p, size_t n_points);
/* 1 when the area covers (px, py), 0 when not, -1 when undecided, -2 when out of memory. */
int cov_poly_covers(struct cov_poly *p, double px, double py);
/* Free what p owns; p is zeroed. */
void cov_poly_release(struct cov_poly *p);
/*
 * Orientation of q relative to a->b: 1 left, -1 right, 0 collinear, 2 when
 * floating point cannot prove the sign (Shewchuk's orient2d error bound).
 */
int cov_orient2d(double ax, double ay, double bx, double by, double qx, double qy);

#endif
