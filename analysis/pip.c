/*
 * pip.c - point in polygon: an area's rings read once from GEOS, and the
 * exact-when-certain ray-crossing test (pip.h), linear, banded or through
 * cells.
 *
 * Why our own ray-crossing test: it follows GEOS's RayCrossingCounter rule
 * for rule (so boundary and vertex cases come out as GEOS's "covers"), but
 * needs no geometry per point. Its only inexact step is the orientation sign;
 * a floating-point filter (Shewchuk's orient2dfast bound) proves the sign or
 * gives up, and then the caller lets GEOS decide that point.
 */
#include "pip.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

enum {
    BAND_MIN_COORDS = 48, /* rings with fewer vertices in total are scanned linearly */
    BAND_MIN_POINTS = 4,  /* ... and so are areas with fewer candidates */
    BAND_BUDGET = 6,      /* band list entries per segment, at most */
    GRID_MIN_BAND = 64,   /* areas whose bands list more segments on average use cells */
    GRID_MIN_POINTS = 16, /* ... when they have at least this many candidates */
    GRID_BUDGET = 32,     /* cell list entries per segment, about */
    GRID_POINTS = 4,      /* candidates per cell, about */
    MAX_DEPTH = 8,        /* nesting of geometry collections */
};

enum { LOC_OUT = 0, LOC_IN = 1, LOC_BOUNDARY = 2 };

void cov_poly_release(struct cov_poly *p)
{
    free(p->xy);
    free(p->rings);
    free(p->pts);
    free(p->band_off);
    free(p->band_seg);
    free(p->seg_ring);
    free(p->cell_off);
    free(p->cell_seg);
    free(p->cell_ref);
    free(p->refs);
    free(p->rstamp);
    free(p->pstamp);
    free(p->touched);
    free(p->cross);
    free(p->onb);
    free(p->shell_loc);
    free(p->in_hole);
    memset(p, 0, sizeof(*p));
}

static void env_add(struct cov_poly *p, double x, double y)
{
    p->minx = fmin(p->minx, x);
    p->maxx = fmax(p->maxx, x);
    p->miny = fmin(p->miny, y);
    p->maxy = fmax(p->maxy, y);
}

/* 0 ok, COV_ENOMEM, or COV_EFAIL (GEOS could not give the coordinates). */
static int poly_add_ring(GEOSContextHandle_t h, struct cov_poly *p, const GEOSGeometry *ring,
                         uint32_t part, int hole)
{
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n))
        return COV_EFAIL;
    if (n < 2)
        return 0;
    if (p->n_xy + n > UINT32_MAX)
        return COV_EINPUT;
    if (COV_GROW(p->xy, p->cap_xy, 2 * (p->n_xy + n)) ||
        COV_GROW(p->rings, p->cap_rings, p->n_rings + 1))
        return COV_ENOMEM;
    double *dst = p->xy + 2 * p->n_xy;
    if (!GEOSCoordSeq_copyToBuffer_r(h, cs, dst, 0, 0))
        return COV_EFAIL;
    for (unsigned int i = 0; i < n; i++)
        env_add(p, dst[2 * i], dst[2 * i + 1]);
    p->rings[p->n_rings++] = (struct cov_ring){(uint32_t)p->n_xy, n, part, hole};
    p->n_xy += n;
    return 0;
}

static int poly_add(GEOSContextHandle_t h, struct cov_poly *p, const GEOSGeometry *g, int depth)
{
    if (depth > MAX_DEPTH)
        return 0;
    char empty = GEOSisEmpty_r(h, g);
    if (empty == 2)
        return COV_EFAIL;
    if (empty)
        return 0;
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        uint32_t part = p->n_parts++;
        int rc = poly_add_ring(h, p, GEOSGetExteriorRing_r(h, g), part, 0);
        int nh = GEOSGetNumInteriorRings_r(h, g);
        if (nh < 0)
            return COV_EFAIL;
        for (int i = 0; !rc && i < nh; i++)
            rc = poly_add_ring(h, p, GEOSGetInteriorRingN_r(h, g, i), part, 1);
        return rc;
    }
    if (type == GEOS_POINT) {
        double x, y;
        if (!GEOSGeomGetX_r(h, g, &x) || !GEOSGeomGetY_r(h, g, &y))
            return COV_EFAIL;
        if (COV_GROW(p->pts, p->cap_pts, 2 * (p->n_pts + 1)))
            return COV_ENOMEM;
        p->pts[2 * p->n_pts] = x;
        p->pts[2 * p->n_pts + 1] = y;
        p->n_pts++;
        env_add(p, x, y);
        return 0;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        if (n < 0)
            return COV_EFAIL;
        for (int i = 0; i < n; i++) {
            int rc = poly_add(h, p, GEOSGetGeometryN_r(h, g, i), depth + 1);
            if (rc)
                return rc;
        }
    }
    return 0; /* lines contain nothing */
}

int cov_poly_load(GEOSContextHandle_t h, struct cov_poly *p, const GEOSGeometry *g)
{
    p->n_xy = p->n_rings = p->n_pts = 0;
    p->n_parts = 0;
    p->nb = 0;
    p->grid = 0;
    p->minx = p->miny = INFINITY;
    p->maxx = p->maxy = -INFINITY;
    int rc = poly_add(h, p, g, 0);
    if (rc)
        return rc;
    if (COV_GROW(p->rstamp, p->cap_rstamp, p->n_rings) ||
        COV_GROW(p->touched, p->cap_touched, p->n_rings) ||
        COV_GROW(p->cross, p->cap_cross, p->n_rings) || COV_GROW(p->onb, p->cap_onb, p->n_rings) ||
        COV_GROW(p->pstamp, p->cap_pstamp, p->n_parts) ||
        COV_GROW(p->shell_loc, p->cap_shell, p->n_parts) ||
        COV_GROW(p->in_hole, p->cap_hole, p->n_parts))
        return COV_ENOMEM;
    if (p->n_rings)
        memset(p->rstamp, 0, p->n_rings * sizeof(*p->rstamp));
    if (p->n_parts)
        memset(p->pstamp, 0, p->n_parts * sizeof(*p->pstamp));
    p->cur = 0;
    return 0;
}

static int band_of(const struct cov_poly *p, double y)
{
    double b = (y - p->by0) / p->bh;
    if (!(b > 0))
        return 0;
    return b >= p->nb - 1 ? p->nb - 1 : (int)b;
}

/* Bucket every segment into the bands its y-range meets. band_of() is
 * monotone in y, so a segment whose closed y-range holds the point's y is
 * always listed in the point's band; a segment whose y-range does not hold
 * it cannot change the crossing count nor touch the point. */
static int poly_build_bands(struct cov_poly *p)
{
    size_t nseg = p->n_xy - p->n_rings;
    int nb = (int)(nseg / 4);
    if (nb > 1 << 16)
        nb = 1 << 16;
    /* A segment is listed in at most dy / bh + 2 bands: with nb bands the
     * lists hold at most 2 nseg + nb * sum(dy) / height entries. Long thin
     * spikes make sum(dy) many heights; fewer bands keep the lists within
     * BAND_BUDGET entries a segment (a point then scans a longer band, but
     * what it scans is what its horizontal ray has to cross anyway). */
    double sum_dy = 0, height = p->maxy - p->miny;
    for (size_t r = 0; r < p->n_rings; r++) {
        const struct cov_ring *rg = &p->rings[r];
        for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++)
            sum_dy += fabs(p->xy[2 * i + 3] - p->xy[2 * i + 1]);
    }
    if (sum_dy > 0 && height > 0) {
        double most = (BAND_BUDGET - 2) * (double)nseg * height / sum_dy;
        if (most < nb)
            nb = (int)most;
    }
    if (nb < 1)
        nb = 1;
    p->nb = nb;
    p->by0 = p->miny;
    p->bh = (p->maxy - p->miny) / nb;
    if (!(p->bh > 0)) {
        p->nb = nb = 1;
        p->bh = 1;
    }
    if (COV_GROW(p->band_off, p->cap_band_off, (size_t)nb + 1) ||
        COV_GROW(p->seg_ring, p->cap_seg_ring, p->n_xy)) {
        p->nb = 0;
        return COV_ENOMEM;
    }
    memset(p->band_off, 0, ((size_t)nb + 1) * sizeof(*p->band_off));
    size_t total = 0;
    for (size_t r = 0; r < p->n_rings; r++) {
        const struct cov_ring *rg = &p->rings[r];
        for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++) {
            p->seg_ring[i] = (uint32_t)r;
            int b0 = band_of(p, fmin(p->xy[2 * i + 1], p->xy[2 * i + 3]));
            int b1 = band_of(p, fmax(p->xy[2 * i + 1], p->xy[2 * i + 3]));
            for (int b = b0; b <= b1; b++)
                p->band_off[b + 1]++;
            total += (size_t)(b1 - b0 + 1);
        }
    }
    if (total > UINT32_MAX || COV_GROW(p->band_seg, p->cap_band_seg, total)) {
        p->nb = 0;
        return COV_ENOMEM;
    }
    for (int b = 0; b < nb; b++)
        p->band_off[b + 1] += p->band_off[b];
    /* fill using band_off[b] as cursor, then shift back */
    for (size_t r = 0; r < p->n_rings; r++) {
        const struct cov_ring *rg = &p->rings[r];
        for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++) {
            int b0 = band_of(p, fmin(p->xy[2 * i + 1], p->xy[2 * i + 3]));
            int b1 = band_of(p, fmax(p->xy[2 * i + 1], p->xy[2 * i + 3]));
            for (int b = b0; b <= b1; b++)
                p->band_seg[p->band_off[b]++] = i;
        }
    }
    for (int b = nb; b > 0; b--)
        p->band_off[b] = p->band_off[b - 1];
    p->band_off[0] = 0;
    return 0;
}

/*
 * Orientation of q relative to a->b: 1 left, -1 right, 0 collinear, 2 when
 * floating point cannot prove the sign. Error bound from Shewchuk,
 * "Adaptive Precision Floating-Point Arithmetic and Fast Robust Geometric
 * Predicates" (orient2d, ccwerrboundA = (3 + 16 eps) eps, eps = 2^-53).
 */
int cov_orient2d(double ax, double ay, double bx, double by, double qx, double qy)
{
    const double errbound = 3.3306690738754716e-16;
    double detleft = (ax - qx) * (by - qy);
    double detright = (ay - qy) * (bx - qx);
    double det = detleft - detright;
    double detsum;
    if (detleft > 0) {
        if (detright <= 0)
            return 1;
        detsum = detleft + detright;
    } else if (detleft < 0) {
        if (detright >= 0)
            return -1;
        detsum = -detleft - detright;
    } else {
        if (detright == 0) {
            /* both products zero: exact only if a factor of each is exactly zero */
            if ((ax == qx || by == qy) && (ay == qy || bx == qx))
                return 0;
            return 2;
        }
        return detright > 0 ? -1 : 1;
    }
    double bound = errbound * detsum;
    if (det >= bound || -det >= bound) {
        if (det == 0)
            return 2; /* bound underflowed to 0 */
        return det > 0 ? 1 : -1;
    }
    return 2;
}

/* GEOS RayCrossingCounter::countSegment for segment (x1,y1)-(x2,y2).
 * Returns 1 when the orientation could not be decided. */
static int count_seg(double px, double py, const double *s, int *cross, unsigned char *onb)
{
    double x1 = s[0], y1 = s[1], x2 = s[2], y2 = s[3];
    if (x1 < px && x2 < px)
        return 0;
    if (px == x2 && py == y2) {
        *onb = 1;
        return 0;
    }
    if (y1 == py && y2 == py) {
        double mn = x1 < x2 ? x1 : x2, mx = x1 < x2 ? x2 : x1;
        if (px >= mn && px <= mx)
            *onb = 1;
        return 0;
    }
    if ((y1 > py && y2 <= py) || (y2 > py && y1 <= py)) {
        int o = cov_orient2d(x1, y1, x2, y2, px, py);
        if (o == 2)
            return 1;
        if (o == 0) {
            *onb = 1;
            return 0;
        }
        if (y2 < y1)
            o = -o;
        if (o == 1)
            (*cross)++;
    }
    return 0;
}

static size_t touch_ring(struct cov_poly *p, uint32_t r, size_t nt)
{
    if (p->rstamp[r] != p->cur) {
        p->rstamp[r] = p->cur;
        p->cross[r] = 0;
        p->onb[r] = 0;
        p->touched[nt++] = r;
    }
    return nt;
}

/* A fresh stamp: every ring and part reads as untouched. */
static void new_stamp(struct cov_poly *p)
{
    if (++p->cur == 0) { /* stamp wrap-around */
        memset(p->rstamp, 0, p->n_rings * sizeof(*p->rstamp));
        memset(p->pstamp, 0, p->n_parts * sizeof(*p->pstamp));
        p->cur = 1;
    }
}

/* Counts the crossings of the horizontal ray from (px,py) with every ring
 * it meets (cross[], onb[] of the touched rings). Returns how many rings were
 * touched, or -1 when an orientation was undecided. */
static long poly_rings_at(struct cov_poly *p, double px, double py)
{
    new_stamp(p);
    size_t nt = 0;
    if (p->nb > 0) {
        int b = band_of(p, py);
        for (uint32_t k = p->band_off[b]; k < p->band_off[b + 1]; k++) {
            uint32_t i = p->band_seg[k], r = p->seg_ring[i];
            nt = touch_ring(p, r, nt);
            if (count_seg(px, py, p->xy + 2 * (size_t)i, &p->cross[r], &p->onb[r]))
                return -1;
        }
    } else {
        for (uint32_t r = 0; r < p->n_rings; r++) {
            const struct cov_ring *rg = &p->rings[r];
            nt = touch_ring(p, r, nt);
            for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++)
                if (count_seg(px, py, p->xy + 2 * (size_t)i, &p->cross[r], &p->onb[r]))
                    return -1;
        }
    }
    return (long)nt;
}

/* 1 when the touched rings' states put the point in or on a part (shell in
 * or on, not inside one of its holes), else 0. Untouched rings are out. */
static int poly_combine(struct cov_poly *p, size_t nt)
{
    for (size_t t = 0; t < nt; t++) {
        uint32_t r = p->touched[t], part = p->rings[r].part;
        if (p->pstamp[part] != p->cur) {
            p->pstamp[part] = p->cur;
            p->shell_loc[part] = LOC_OUT;
            p->in_hole[part] = 0;
        }
        int loc = p->onb[r] ? LOC_BOUNDARY : (p->cross[r] & 1) ? LOC_IN : LOC_OUT;
        if (!p->rings[r].hole)
            p->shell_loc[part] = (unsigned char)loc;
        else if (loc == LOC_IN)
            p->in_hole[part] = 1;
    }
    for (size_t t = 0; t < nt; t++) {
        uint32_t part = p->rings[p->touched[t]].part;
        if (p->shell_loc[part] == LOC_BOUNDARY)
            return 1;
        if (p->shell_loc[part] == LOC_IN && !p->in_hole[part])
            return 1;
    }
    return 0;
}

static int on_point_area(const struct cov_poly *p, double px, double py)
{
    for (size_t i = 0; i < p->n_pts; i++)
        if (p->pts[2 * i] == px && p->pts[2 * i + 1] == py)
            return 1;
    return 0;
}

/* 1 when the area covers (px,py), 0 when not, -1 when undecided. */
static int poly_covers(struct cov_poly *p, double px, double py)
{
    if (on_point_area(p, px, py))
        return 1;
    if (p->n_rings == 0)
        return 0;
    long nt = poly_rings_at(p, px, py);
    return nt < 0 ? -1 : poly_combine(p, (size_t)nt);
}

/* ---- cells over an area whose bands are long (issue 9: 10^5 thin spikes) ---- */

/*
 * Why: a horizontal ray from a point inside a fringe of spikes crosses a
 * good share of all the segments, so the banded scan costs O(vertices) a
 * point. Instead, a grid of cells lists the segments meeting each cell, and
 * the rings around each cell's centre are counted once (by the banded scan,
 * when the first point of the cell comes); a point then only counts the
 * crossings of the short segment from it to the centre. That count is a
 * proper-crossing parity: whenever the segment touches a vertex, runs along
 * an edge, or an orientation is not proven, the point takes the banded scan
 * (and GEOS after it) as before, so the result is the same, exactly.
 */

static const uint32_t REF_TODO = UINT32_MAX, REF_NONE = UINT32_MAX - 1;

static int grid_index(double v, double lo, double w, int n)
{
    double c = (v - lo) / w;
    if (!(c > 0))
        return 0;
    return c >= n - 1 ? n - 1 : (int)c;
}

static int grid_cells_of(const struct cov_poly *p, uint32_t i, double eps, int *c0, int *c1,
                         int row)
{
    const double *s = p->xy + 2 * (size_t)i;
    double ax = s[0], ay = s[1], bx = s[2], by = s[3];
    double ylo = fmin(ay, by), yhi = fmax(ay, by);
    if (row > 0)
        ylo = fmax(ylo, p->gy0 + row * p->gh - eps);
    if (row < p->gny - 1)
        yhi = fmin(yhi, p->gy0 + (row + 1) * p->gh + eps);
    if (ylo > yhi)
        return 0;
    double xlo = fmin(ax, bx), xhi = fmax(ax, bx);
    if (ay != by) {
        double k = (bx - ax) / (by - ay);
        double x1 = ax + (ylo - ay) * k, x2 = ax + (yhi - ay) * k;
        xlo = fmax(xlo, fmin(x1, x2));
        xhi = fmin(xhi, fmax(x1, x2));
    }
    *c0 = grid_index(xlo - eps, p->gx0, p->gw, p->gnx);
    *c1 = grid_index(xhi + eps, p->gx0, p->gw, p->gnx);
    return 1;
}

/* Lists every segment in each cell its closed box (widened by a rounding
 * margin) meets. Sizes the grid so that the lists hold about GRID_BUDGET
 * entries a segment and a cell has GRID_POINTS candidates on average. */
static int poly_build_grid(struct cov_poly *p, size_t n_cand)
{
    size_t nseg = p->n_xy - p->n_rings;
    double W = p->maxx - p->minx, H = p->maxy - p->miny, len = 0;
    for (size_t r = 0; r < p->n_rings; r++) {
        const struct cov_ring *rg = &p->rings[r];
        for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++)
            len +=
                fabs(p->xy[2 * i + 2] - p->xy[2 * i]) + fabs(p->xy[2 * i + 3] - p->xy[2 * i + 1]);
    }
    double cells = fmin((double)nseg / 16, (double)n_cand / GRID_POINTS);
    double w = fmax(len / (GRID_BUDGET * (double)nseg), sqrt(W * H / fmax(cells, 1)));
    if (!(w > 0) || !isfinite(w))
        return 0;
    p->gnx = (int)fmin(fmax(ceil(W / w), 1), 4096);
    p->gny = (int)fmin(fmax(ceil(H / w), 1), 4096);
    p->gx0 = p->minx;
    p->gy0 = p->miny;
    p->gw = W > 0 ? W / p->gnx : 1;
    p->gh = H > 0 ? H / p->gny : 1;
    double eps = 1e-9 * (fabs(p->minx) + fabs(p->miny) + W + H);
    size_t nc = (size_t)p->gnx * (size_t)p->gny;
    if (COV_GROW(p->cell_off, p->cap_cell_off, nc + 1) ||
        COV_GROW(p->cell_ref, p->cap_cell_ref, nc))
        return COV_ENOMEM;
    memset(p->cell_off, 0, (nc + 1) * sizeof(*p->cell_off));
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < p->n_rings; r++) {
            const struct cov_ring *rg = &p->rings[r];
            for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++) {
                const double *s = p->xy + 2 * (size_t)i;
                int r0 = grid_index(fmin(s[1], s[3]) - eps, p->gy0, p->gh, p->gny);
                int r1 = grid_index(fmax(s[1], s[3]) + eps, p->gy0, p->gh, p->gny);
                for (int row = r0; row <= r1; row++) {
                    int c0, c1;
                    if (!grid_cells_of(p, i, eps, &c0, &c1, row))
                        continue;
                    for (int c = c0; c <= c1; c++) {
                        size_t cell = (size_t)row * (size_t)p->gnx + (size_t)c;
                        if (pass == 0)
                            p->cell_off[cell + 1]++;
                        else
                            p->cell_seg[p->cell_off[cell]++] = i;
                    }
                }
            }
        }
        if (pass == 0) {
            size_t total = 0;
            for (size_t c = 0; c < nc; c++) {
                total += p->cell_off[c + 1];
                if (total > UINT32_MAX)
                    return 0; /* no grid: the bands still answer */
                p->cell_off[c + 1] = (uint32_t)total;
            }
            if (COV_GROW(p->cell_seg, p->cap_cell_seg, total ? total : 1))
                return COV_ENOMEM;
        }
    }
    for (size_t c = nc; c > 0; c--)
        p->cell_off[c] = p->cell_off[c - 1];
    p->cell_off[0] = 0;
    for (size_t c = 0; c < nc; c++)
        p->cell_ref[c] = REF_TODO;
    p->n_refs = 0;
    p->grid = 1;
    return 0;
}

/* 1 when segment s and segment (px,py)-(qx,qy) cross properly, 0 when they
 * do not meet, -1 when they touch, overlap, or a sign is not proven. */
static int seg_cross(const double *s, double px, double py, double qx, double qy)
{
    double ax = s[0], ay = s[1], bx = s[2], by = s[3];
    /* plain comparisons: fmin/fmax are calls that honour NaN */
    double lox = px < qx ? px : qx, hix = px < qx ? qx : px;
    double loy = py < qy ? py : qy, hiy = py < qy ? qy : py;
    if ((ax < lox && bx < lox) || (ax > hix && bx > hix) || (ay < loy && by < loy) ||
        (ay > hiy && by > hiy))
        return 0;
    int o1 = cov_orient2d(ax, ay, bx, by, px, py), o2 = cov_orient2d(ax, ay, bx, by, qx, qy);
    if (o1 == 2 || o2 == 2 || o1 == 0 || o2 == 0)
        return -1;
    if (o1 == o2)
        return 0;
    int o3 = cov_orient2d(px, py, qx, qy, ax, ay), o4 = cov_orient2d(px, py, qx, qy, bx, by);
    if (o3 == 2 || o4 == 2 || o3 == 0 || o4 == 0)
        return -1;
    return o3 != o4;
}

/* The rings around the centre of cell c (stored as count, then the rings
 * it is inside of), or REF_NONE when the centre is on a ring or undecided. */
static int cell_reference(struct cov_poly *p, size_t c, int col, int row, double cx, double cy)
{
    p->cell_ref[c] = REF_NONE;
    if (grid_index(cx, p->gx0, p->gw, p->gnx) != col ||
        grid_index(cy, p->gy0, p->gh, p->gny) != row)
        return 0;
    long nt = poly_rings_at(p, cx, cy);
    if (nt < 0)
        return 0;
    size_t odd = 0;
    for (long t = 0; t < nt; t++) {
        uint32_t r = p->touched[t];
        if (p->onb[r])
            return 0;
        odd += p->cross[r] & 1;
    }
    if (p->n_refs + odd + 1 > UINT32_MAX - 2 || COV_GROW(p->refs, p->cap_refs, p->n_refs + odd + 1))
        return COV_ENOMEM;
    p->cell_ref[c] = (uint32_t)p->n_refs;
    p->refs[p->n_refs++] = (uint32_t)odd;
    for (long t = 0; t < nt; t++)
        if (p->cross[p->touched[t]] & 1)
            p->refs[p->n_refs++] = p->touched[t];
    return 0;
}

/* As poly_covers through the grid: 1 or 0, -1 when the point must take the
 * banded scan, COV_ENOMEM (negative, below -1) when out of memory. */
static int poly_covers_grid(struct cov_poly *p, double px, double py)
{
    if (on_point_area(p, px, py))
        return 1;
    int col = grid_index(px, p->gx0, p->gw, p->gnx), row = grid_index(py, p->gy0, p->gh, p->gny);
    size_t c = (size_t)row * (size_t)p->gnx + (size_t)col;
    double cx = p->gx0 + (col + 0.5) * p->gw, cy = p->gy0 + (row + 0.5) * p->gh;
    if (p->cell_ref[c] == REF_TODO && cell_reference(p, c, col, row, cx, cy))
        return -COV_ENOMEM - 1;
    if (p->cell_ref[c] == REF_NONE)
        return -1;
    new_stamp(p);
    size_t nt = 0;
    const uint32_t *ref = p->refs + p->cell_ref[c];
    for (uint32_t k = 1; k <= ref[0]; k++) {
        nt = touch_ring(p, ref[k], nt);
        p->cross[ref[k]] = 1;
    }
    for (uint32_t k = p->cell_off[c]; k < p->cell_off[c + 1]; k++) {
        uint32_t i = p->cell_seg[k];
        int x = seg_cross(p->xy + 2 * (size_t)i, px, py, cx, cy);
        if (x < 0)
            return -1;
        if (x) {
            uint32_t r = p->seg_ring[i];
            nt = touch_ring(p, r, nt);
            p->cross[r]++;
        }
    }
    return poly_combine(p, nt);
}

int cov_poly_prepare(struct cov_poly *p, size_t n_points)
{
    if (p->n_rings && p->n_xy >= BAND_MIN_COORDS && n_points >= BAND_MIN_POINTS &&
        poly_build_bands(p))
        return COV_ENOMEM;
    if (p->nb > 0 && n_points >= GRID_MIN_POINTS &&
        p->band_off[p->nb] > (uint32_t)GRID_MIN_BAND * (uint32_t)p->nb &&
        poly_build_grid(p, n_points))
        return COV_ENOMEM;
    return 0;
}

int cov_poly_covers(struct cov_poly *p, double px, double py)
{
    int c = p->grid ? poly_covers_grid(p, px, py) : -1;
    if (c < -1)
        return -2;
    return c < 0 ? poly_covers(p, px, py) : c;
}
