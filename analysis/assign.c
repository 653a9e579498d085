/*
 * assign.c - point-in-polygon assignment of organizations to areas.
 *
 * Why polygon-driven: GEOS 3.11 has no GEOSPreparedContainsXY_r, so a
 * point-driven lookup must build one GEOS point per organization per query,
 * and the prepared polygon is only reused by chance. Here each area is
 * read once, queries a packed R-tree of the points with its envelope and
 * tests all its candidates in a row with the same in-memory rings.
 *
 * Why our own ray-crossing test: it follows GEOS's RayCrossingCounter rule
 * for rule (so boundary and vertex cases come out as GEOS's "covers"), but
 * needs no geometry per point. Its only inexact step is the orientation sign;
 * a floating-point filter (Shewchuk's orient2dfast bound) proves the sign or
 * gives up, and then GEOS decides that point (GEOSPreparedCovers_r).
 *
 * Why the result is thread-count independent: every covering (area, org)
 * pair lowers the org's slot with an atomic minimum, and min does not care
 * about the order in which the threads find the pairs.
 */
#include "assign.h"

#include "geos.h"
#include "place.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    LEAF = 8,             /* points per R-tree leaf */
    FANOUT = 8,           /* children per inner node */
    MAX_LEVELS = 16,      /* 8 * 8^15 > 2^31 points */
    BAND_MIN_COORDS = 48, /* rings with fewer vertices in total are scanned linearly */
    BAND_MIN_POINTS = 4,  /* ... and so are areas with fewer candidates */
    MAX_THREADS = 64,
    MAX_DEPTH = 8, /* nesting of geometry collections */
};

static const char WHAT[] = "assigning organizations";

/* ------------------------------------------------------------------ */
/* growable arrays                                                     */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return COV_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

#define GROW(arr, cap, need) grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

struct u32vec {
    uint32_t *v;
    size_t n, cap;
};

/* ------------------------------------------------------------------ */
/* packed Hilbert R-tree over the organizations' points                */

struct pnode {
    double minx, miny, maxx, maxy;
    uint32_t start, end; /* children in the level below (points for level 0) */
};

struct pindex {
    size_t n;      /* indexed points (finite coordinates) */
    double *x, *y; /* in Hilbert order */
    uint32_t *org; /* org index of each point */
    int n_levels;
    struct pnode *lev[MAX_LEVELS];
    size_t lev_n[MAX_LEVELS];
};

static uint32_t hilbert_d(uint32_t x, uint32_t y)
{
    const uint32_t n = 1u << 16;
    uint32_t d = 0;
    for (uint32_t s = n / 2; s > 0; s /= 2) {
        uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            uint32_t t = x;
            x = y;
            y = t;
        }
    }
    return d;
}

static uint32_t grid16(double v, double lo, double span)
{
    if (!(span > 0))
        return 0;
    double g = (v - lo) / span * 65535.0;
    if (!(g > 0))
        return 0;
    return g >= 65535.0 ? 65535u : (uint32_t)g;
}

static void pindex_release(struct pindex *ix)
{
    free(ix->x);
    free(ix->y);
    free(ix->org);
    for (int l = 0; l < ix->n_levels; l++)
        free(ix->lev[l]);
    memset(ix, 0, sizeof(*ix));
}

static void node_from_points(struct pnode *nd, const struct pindex *ix, uint32_t s, uint32_t e)
{
    nd->start = s;
    nd->end = e;
    nd->minx = nd->maxx = ix->x[s];
    nd->miny = nd->maxy = ix->y[s];
    for (uint32_t i = s + 1; i < e; i++) {
        nd->minx = fmin(nd->minx, ix->x[i]);
        nd->maxx = fmax(nd->maxx, ix->x[i]);
        nd->miny = fmin(nd->miny, ix->y[i]);
        nd->maxy = fmax(nd->maxy, ix->y[i]);
    }
}

static void node_from_nodes(struct pnode *nd, const struct pnode *ch, uint32_t s, uint32_t e)
{
    nd->start = s;
    nd->end = e;
    nd->minx = ch[s].minx;
    nd->maxx = ch[s].maxx;
    nd->miny = ch[s].miny;
    nd->maxy = ch[s].maxy;
    for (uint32_t i = s + 1; i < e; i++) {
        nd->minx = fmin(nd->minx, ch[i].minx);
        nd->maxx = fmax(nd->maxx, ch[i].maxx);
        nd->miny = fmin(nd->miny, ch[i].miny);
        nd->maxy = fmax(nd->maxy, ch[i].maxy);
    }
}

/* Sort the finite points by Hilbert key (LSD radix sort, stable: ties keep
 * org order, so the layout is deterministic) and pack the levels. */
static int pindex_build(struct pindex *ix, const struct cov_org *orgs, size_t n_orgs)
{
    memset(ix, 0, sizeof(*ix));
    if (n_orgs == 0)
        return 0;
    int rc = COV_ENOMEM;
    uint32_t *key = NULL, *key2 = NULL, *id = NULL, *id2 = NULL;
    /* compact copy first: the orgs are large structs, read them once */
    double *px = malloc(n_orgs * sizeof(*px)), *py = malloc(n_orgs * sizeof(*py));
    uint32_t *src = malloc(n_orgs * sizeof(*src));
    if (!px || !py || !src)
        goto cleanup;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    size_t n = 0;
    for (size_t i = 0; i < n_orgs; i++) {
        double x = orgs[i].x, y = orgs[i].y;
        if (!isfinite(x) || !isfinite(y))
            continue;
        minx = fmin(minx, x);
        maxx = fmax(maxx, x);
        miny = fmin(miny, y);
        maxy = fmax(maxy, y);
        px[n] = x;
        py[n] = y;
        src[n++] = (uint32_t)i;
    }
    if (n == 0) {
        rc = 0;
        goto cleanup;
    }
    key = malloc(n * sizeof(*key));
    key2 = malloc(n * sizeof(*key2));
    id = malloc(n * sizeof(*id));
    id2 = malloc(n * sizeof(*id2));
    ix->x = malloc(n * sizeof(double));
    ix->y = malloc(n * sizeof(double));
    ix->org = malloc(n * sizeof(uint32_t));
    if (!key || !key2 || !id || !id2 || !ix->x || !ix->y || !ix->org)
        goto cleanup;
    for (size_t k = 0; k < n; k++) {
        key[k] = hilbert_d(grid16(px[k], minx, maxx - minx), grid16(py[k], miny, maxy - miny));
        id[k] = (uint32_t)k;
    }
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((key[i] >> shift) & 0xffu) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) {
            size_t dst = count[(key[i] >> shift) & 0xffu]++;
            key2[dst] = key[i];
            id2[dst] = id[i];
        }
        uint32_t *t = key;
        key = key2;
        key2 = t;
        t = id;
        id = id2;
        id2 = t;
    }
    for (size_t i = 0; i < n; i++) {
        ix->org[i] = src[id[i]];
        ix->x[i] = px[id[i]];
        ix->y[i] = py[id[i]];
    }
    ix->n = n;
    size_t nl = (n + LEAF - 1) / LEAF;
    ix->lev[0] = malloc(nl * sizeof(struct pnode));
    if (!ix->lev[0])
        goto cleanup;
    ix->n_levels = 1;
    ix->lev_n[0] = nl;
    for (size_t i = 0; i < nl; i++) {
        uint32_t s = (uint32_t)(i * LEAF), e = (uint32_t)((i + 1) * LEAF < n ? (i + 1) * LEAF : n);
        node_from_points(&ix->lev[0][i], ix, s, e);
    }
    while (ix->lev_n[ix->n_levels - 1] > 1) {
        int l = ix->n_levels;
        size_t below = ix->lev_n[l - 1], cnt = (below + FANOUT - 1) / FANOUT;
        ix->lev[l] = malloc(cnt * sizeof(struct pnode));
        if (!ix->lev[l])
            goto cleanup;
        ix->lev_n[l] = cnt;
        ix->n_levels++;
        for (size_t i = 0; i < cnt; i++) {
            uint32_t s = (uint32_t)(i * FANOUT);
            uint32_t e = (uint32_t)((i + 1) * FANOUT < below ? (i + 1) * FANOUT : below);
            node_from_nodes(&ix->lev[l][i], ix->lev[l - 1], s, e);
        }
    }
    rc = 0;
cleanup:
    free(px);
    free(py);
    free(src);
    free(key);
    free(key2);
    free(id);
    free(id2);
    if (rc)
        pindex_release(ix);
    return rc;
}

static int box_hit(const struct pnode *nd, double minx, double miny, double maxx, double maxy)
{
    return nd->minx <= maxx && nd->maxx >= minx && nd->miny <= maxy && nd->maxy >= miny;
}

/* Append to out the positions of the points inside the closed box. */
static int pindex_query(const struct pindex *ix, double minx, double miny, double maxx, double maxy,
                        struct u32vec *out)
{
    out->n = 0;
    if (ix->n == 0)
        return 0;
    struct {
        int level;
        uint32_t node;
    } stack[MAX_LEVELS * FANOUT + 1];
    int sp = 0;
    int top = ix->n_levels - 1;
    stack[sp].level = top;
    stack[sp++].node = 0;
    while (sp > 0) {
        sp--;
        int l = stack[sp].level;
        const struct pnode *nd = &ix->lev[l][stack[sp].node];
        if (!box_hit(nd, minx, miny, maxx, maxy))
            continue;
        if (l == 0) {
            if (GROW(out->v, out->cap, out->n + (nd->end - nd->start)))
                return COV_ENOMEM;
            for (uint32_t i = nd->start; i < nd->end; i++)
                if (ix->x[i] >= minx && ix->x[i] <= maxx && ix->y[i] >= miny && ix->y[i] <= maxy)
                    out->v[out->n++] = i;
        } else {
            for (uint32_t c = nd->start; c < nd->end; c++) {
                stack[sp].level = l - 1;
                stack[sp++].node = c;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* an area's rings, read once from GEOS, and the exact point test      */

enum { LOC_OUT = 0, LOC_IN = 1, LOC_BOUNDARY = 2 };

struct ring {
    uint32_t off, n; /* coordinate range (closed ring: last == first) */
    uint32_t part;
    int hole;
};

struct poly {
    double *xy; /* x,y pairs */
    size_t n_xy, cap_xy;
    struct ring *rings;
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
    /* per-point scratch, reset lazily with stamps */
    uint32_t cur;
    uint32_t *rstamp, *pstamp, *touched;
    int *cross;
    unsigned char *onb, *shell_loc, *in_hole;
    size_t cap_rstamp, cap_pstamp, cap_touched, cap_cross, cap_onb, cap_shell, cap_hole;
};

static void poly_release(struct poly *p)
{
    free(p->xy);
    free(p->rings);
    free(p->pts);
    free(p->band_off);
    free(p->band_seg);
    free(p->seg_ring);
    free(p->rstamp);
    free(p->pstamp);
    free(p->touched);
    free(p->cross);
    free(p->onb);
    free(p->shell_loc);
    free(p->in_hole);
    memset(p, 0, sizeof(*p));
}

static void env_add(struct poly *p, double x, double y)
{
    p->minx = fmin(p->minx, x);
    p->maxx = fmax(p->maxx, x);
    p->miny = fmin(p->miny, y);
    p->maxy = fmax(p->maxy, y);
}

/* 0 ok, COV_ENOMEM, or COV_EFAIL (GEOS could not give the coordinates). */
static int poly_add_ring(GEOSContextHandle_t h, struct poly *p, const GEOSGeometry *ring,
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
    if (GROW(p->xy, p->cap_xy, 2 * (p->n_xy + n)) || GROW(p->rings, p->cap_rings, p->n_rings + 1))
        return COV_ENOMEM;
    double *dst = p->xy + 2 * p->n_xy;
    if (!GEOSCoordSeq_copyToBuffer_r(h, cs, dst, 0, 0))
        return COV_EFAIL;
    for (unsigned int i = 0; i < n; i++)
        env_add(p, dst[2 * i], dst[2 * i + 1]);
    p->rings[p->n_rings++] = (struct ring){(uint32_t)p->n_xy, n, part, hole};
    p->n_xy += n;
    return 0;
}

static int poly_add(GEOSContextHandle_t h, struct poly *p, const GEOSGeometry *g, int depth)
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
        if (GROW(p->pts, p->cap_pts, 2 * (p->n_pts + 1)))
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

/* Read geometry g into p (replacing what it held) and size the scratch arrays. */
static int poly_load(GEOSContextHandle_t h, struct poly *p, const GEOSGeometry *g)
{
    p->n_xy = p->n_rings = p->n_pts = 0;
    p->n_parts = 0;
    p->nb = 0;
    p->minx = p->miny = INFINITY;
    p->maxx = p->maxy = -INFINITY;
    int rc = poly_add(h, p, g, 0);
    if (rc)
        return rc;
    if (GROW(p->rstamp, p->cap_rstamp, p->n_rings) ||
        GROW(p->touched, p->cap_touched, p->n_rings) || GROW(p->cross, p->cap_cross, p->n_rings) ||
        GROW(p->onb, p->cap_onb, p->n_rings) || GROW(p->pstamp, p->cap_pstamp, p->n_parts) ||
        GROW(p->shell_loc, p->cap_shell, p->n_parts) || GROW(p->in_hole, p->cap_hole, p->n_parts))
        return COV_ENOMEM;
    if (p->n_rings)
        memset(p->rstamp, 0, p->n_rings * sizeof(*p->rstamp));
    if (p->n_parts)
        memset(p->pstamp, 0, p->n_parts * sizeof(*p->pstamp));
    p->cur = 0;
    return 0;
}

static int band_of(const struct poly *p, double y)
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
static int poly_build_bands(struct poly *p)
{
    size_t nseg = p->n_xy - p->n_rings;
    int nb = (int)(nseg / 4);
    if (nb < 1)
        nb = 1;
    if (nb > 1 << 16)
        nb = 1 << 16;
    p->nb = nb;
    p->by0 = p->miny;
    p->bh = (p->maxy - p->miny) / nb;
    if (!(p->bh > 0)) {
        p->nb = nb = 1;
        p->bh = 1;
    }
    if (GROW(p->band_off, p->cap_band_off, (size_t)nb + 1) ||
        GROW(p->seg_ring, p->cap_seg_ring, p->n_xy)) {
        p->nb = 0;
        return COV_ENOMEM;
    }
    memset(p->band_off, 0, ((size_t)nb + 1) * sizeof(*p->band_off));
    size_t total = 0;
    for (size_t r = 0; r < p->n_rings; r++) {
        const struct ring *rg = &p->rings[r];
        for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++) {
            p->seg_ring[i] = (uint32_t)r;
            int b0 = band_of(p, fmin(p->xy[2 * i + 1], p->xy[2 * i + 3]));
            int b1 = band_of(p, fmax(p->xy[2 * i + 1], p->xy[2 * i + 3]));
            for (int b = b0; b <= b1; b++)
                p->band_off[b + 1]++;
            total += (size_t)(b1 - b0 + 1);
        }
    }
    if (total > UINT32_MAX || GROW(p->band_seg, p->cap_band_seg, total)) {
        p->nb = 0;
        return COV_ENOMEM;
    }
    for (int b = 0; b < nb; b++)
        p->band_off[b + 1] += p->band_off[b];
    /* fill using band_off[b] as cursor, then shift back */
    for (size_t r = 0; r < p->n_rings; r++) {
        const struct ring *rg = &p->rings[r];
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
static int orient(double ax, double ay, double bx, double by, double qx, double qy)
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
        int o = orient(x1, y1, x2, y2, px, py);
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

static size_t touch_ring(struct poly *p, uint32_t r, size_t nt)
{
    if (p->rstamp[r] != p->cur) {
        p->rstamp[r] = p->cur;
        p->cross[r] = 0;
        p->onb[r] = 0;
        p->touched[nt++] = r;
    }
    return nt;
}

/* 1 when the area covers (px,py), 0 when not, -1 when undecided. */
static int poly_covers(struct poly *p, double px, double py)
{
    for (size_t i = 0; i < p->n_pts; i++)
        if (p->pts[2 * i] == px && p->pts[2 * i + 1] == py)
            return 1;
    if (p->n_rings == 0)
        return 0;
    if (++p->cur == 0) { /* stamp wrap-around */
        memset(p->rstamp, 0, p->n_rings * sizeof(*p->rstamp));
        memset(p->pstamp, 0, p->n_parts * sizeof(*p->pstamp));
        p->cur = 1;
    }
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
            const struct ring *rg = &p->rings[r];
            nt = touch_ring(p, r, nt);
            for (uint32_t i = rg->off; i + 1 < rg->off + rg->n; i++)
                if (count_seg(px, py, p->xy + 2 * (size_t)i, &p->cross[r], &p->onb[r]))
                    return -1;
        }
    }
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

/* ------------------------------------------------------------------ */
/* the threaded, polygon-driven driver                                  */

struct chunk {
    int layer;
    uint32_t start, end;
};

struct job {
    const struct cov_model *m;
    const struct pindex *ix;
    struct chunk *chunks;
    size_t n_chunks;
    size_t total; /* areas over all layers */
    atomic_size_t next, done;
    atomic_int stop;
    atomic_int running; /* worker threads still running (not counting the caller) */
    /* per layer and indexed point (Hilbert order, so that an area's candidates
     * are neighbours in memory): smallest covering area or INT32_MAX */
    _Atomic int32_t *res[COV_NAREAS];
    pthread_mutex_t geos_lock; /* GEOS calls that may fill lazy caches of the model's geometries */
    pthread_mutex_t err_lock;
    int status;
    struct cov_err *err;
};

struct worker {
    struct job *job;
    GEOSContextHandle_t h;
    struct poly poly;
    struct u32vec cand;
    const GEOSPreparedGeometry *prep; /* fallback, for area prep_layer/prep_area */
    int prep_layer;
    long prep_area;
    pthread_t tid;
    int started;
};

static void job_fail(struct job *j, int code, const char *msg)
{
    pthread_mutex_lock(&j->err_lock);
    if (!j->status) {
        j->status = code;
        cov_err_set(j->err, code, "%s", msg);
    }
    pthread_mutex_unlock(&j->err_lock);
    atomic_store(&j->stop, 1);
}

static void atomic_min32(_Atomic int32_t *p, int32_t v)
{
    int32_t cur = atomic_load_explicit(p, memory_order_relaxed);
    while (v < cur && !atomic_compare_exchange_weak_explicit(p, &cur, v, memory_order_relaxed,
                                                             memory_order_relaxed))
        ;
}

static void drop_prep(struct worker *w)
{
    if (w->prep) {
        pthread_mutex_lock(&w->job->geos_lock);
        GEOSPreparedGeom_destroy_r(w->h, w->prep);
        pthread_mutex_unlock(&w->job->geos_lock);
    }
    w->prep = NULL;
}

/* GEOS decides a point the filter could not: 1, 0 or -1 on GEOS error. */
static int geos_decide(struct worker *w, int layer, long a, const GEOSGeometry *g, double x,
                       double y)
{
    struct job *j = w->job;
    int r = -1;
    if (!w->prep || w->prep_layer != layer || w->prep_area != a) {
        drop_prep(w);
        pthread_mutex_lock(&j->geos_lock);
        w->prep = GEOSPrepare_r(w->h, g);
        pthread_mutex_unlock(&j->geos_lock);
        if (!w->prep)
            return -1;
        w->prep_layer = layer;
        w->prep_area = a;
    }
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(w->h, x, y);
    if (!pt)
        return -1;
    pthread_mutex_lock(&j->geos_lock);
    char c = GEOSPreparedCovers_r(w->h, w->prep, pt);
    pthread_mutex_unlock(&j->geos_lock);
    GEOSGeom_destroy_r(w->h, pt);
    if (c == 0 || c == 1)
        r = c;
    return r;
}

static void process_area(struct worker *w, int layer, uint32_t a)
{
    struct job *j = w->job;
    const struct cov_area *ar = &j->m->areas[layer][a];
    if (!ar->geom)
        return;
    char msg[768];
    int rc = poly_load(w->h, &w->poly, ar->geom);
    if (rc) {
        snprintf(msg, sizeof(msg), "cannot read the geometry of %s '%s': %s", cov_layer_name(layer),
                 ar->code ? ar->code : "?",
                 rc == COV_ENOMEM ? "out of memory" : cov_geos_last_error(w->h));
        job_fail(j, rc == COV_ENOMEM ? COV_ENOMEM : COV_EFAIL, msg);
        return;
    }
    struct poly *p = &w->poly;
    if (p->n_rings == 0 && p->n_pts == 0)
        return;
    if (pindex_query(j->ix, p->minx, p->miny, p->maxx, p->maxy, &w->cand)) {
        job_fail(j, COV_ENOMEM, "out of memory while assigning organizations");
        return;
    }
    if (w->cand.n == 0)
        return;
    if (p->n_rings && p->n_xy >= BAND_MIN_COORDS && w->cand.n >= BAND_MIN_POINTS &&
        poly_build_bands(p)) {
        job_fail(j, COV_ENOMEM, "out of memory while assigning organizations");
        return;
    }
    _Atomic int32_t *res = j->res[layer];
    for (size_t k = 0; k < w->cand.n; k++) {
        uint32_t pos = w->cand.v[k];
        if (atomic_load_explicit(&res[pos], memory_order_relaxed) <= (int32_t)a)
            continue; /* a lower-indexed area already has it */
        double px = j->ix->x[pos], py = j->ix->y[pos];
        int c = poly_covers(p, px, py);
        if (c < 0)
            c = geos_decide(w, layer, (long)a, ar->geom, px, py);
        if (c < 0) {
            snprintf(msg, sizeof(msg), "GEOS failed testing a point against %s '%s': %s",
                     cov_layer_name(layer), ar->code ? ar->code : "?", cov_geos_last_error(w->h));
            job_fail(j, COV_EFAIL, msg);
            return;
        }
        if (c == 1)
            atomic_min32(&res[pos], (int32_t)a);
    }
    drop_prep(w);
}

static void cancel(struct job *j)
{
    pthread_mutex_lock(&j->err_lock);
    if (!j->status) {
        j->status = COV_ECANCEL;
        cov_err_set(j->err, COV_ECANCEL, "assignment cancelled");
    }
    pthread_mutex_unlock(&j->err_lock);
    atomic_store(&j->stop, 1);
}

/* Report progress when another whole percent is done. */
static void report(struct job *j, cov_progress_fn progress, void *user, int *last_pct)
{
    if (!progress || j->total == 0)
        return;
    size_t done = atomic_load(&j->done);
    int pct = (int)(100.0 * (double)done / (double)j->total);
    if (pct > *last_pct) {
        *last_pct = pct;
        if (progress((double)done / (double)j->total, WHAT, user))
            cancel(j);
    }
}

static void run_chunks(struct worker *w, cov_progress_fn progress, void *user, int *last_pct)
{
    struct job *j = w->job;
    while (!atomic_load(&j->stop)) {
        size_t c = atomic_fetch_add(&j->next, 1);
        if (c >= j->n_chunks)
            break;
        const struct chunk *ch = &j->chunks[c];
        for (uint32_t a = ch->start; a < ch->end && !atomic_load(&j->stop); a++)
            process_area(w, ch->layer, a);
        atomic_fetch_add(&j->done, ch->end - ch->start);
        report(j, progress, user, last_pct);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    run_chunks(w, NULL, NULL, NULL);

    atomic_fetch_sub(&w->job->running, 1);
    return NULL;
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static int assign_fast(struct cov_model *m, int threads, cov_progress_fn progress, void *user,
                       struct cov_err *err)
{
    int rc = 0;
    struct pindex ix;
    struct job j;
    struct worker *w = NULL;
    int nw = 0;
    memset(&j, 0, sizeof(j));
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    atomic_init(&j.stop, 0);
    atomic_init(&j.running, 0);
    memset(&ix, 0, sizeof(ix));
    pthread_mutex_init(&j.geos_lock, NULL);
    pthread_mutex_init(&j.err_lock, NULL);
    j.m = m;
    j.ix = &ix;
    j.err = err;

    rc = pindex_build(&ix, m->orgs, m->n_orgs);
    if (rc) {
        cov_err_set(err, rc, "out of memory indexing %zu organizations", m->n_orgs);
        goto cleanup;
    }
    if (threads <= 0)
        threads = online_cores();
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;

    size_t cap_chunks = 0;
    for (int l = 0; l < COV_NAREAS; l++) {
        size_t n = m->n_areas[l];
        if (n == 0)
            continue;
        j.res[l] = malloc(ix.n ? ix.n * sizeof(*j.res[l]) : 1);
        if (!j.res[l]) {
            rc = cov_err_set(err, COV_ENOMEM, "out of memory assigning organizations");
            goto cleanup;
        }
        for (size_t i = 0; i < ix.n; i++)
            atomic_init(&j.res[l][i], INT32_MAX);
        /* chunks small enough for balance and ~1 % progress steps */
        size_t cs = n / ((size_t)threads * 128);
        cs = cs < 1 ? 1 : cs > 512 ? 512 : cs;
        for (size_t s = 0; s < n; s += cs) {
            if (GROW(j.chunks, cap_chunks, j.n_chunks + 1)) {
                rc = cov_err_set(err, COV_ENOMEM, "out of memory assigning organizations");
                goto cleanup;
            }
            j.chunks[j.n_chunks++] =
                (struct chunk){l, (uint32_t)s, (uint32_t)(s + cs < n ? s + cs : n)};
        }
        j.total += n;
    }
    if (threads > (int)j.n_chunks)
        threads = j.n_chunks ? (int)j.n_chunks : 1;
    w = calloc((size_t)threads, sizeof(*w));
    if (!w) {
        rc = cov_err_set(err, COV_ENOMEM, "out of memory assigning organizations");
        goto cleanup;
    }
    for (nw = 0; nw < threads; nw++) {
        w[nw].job = &j;
        w[nw].h = cov_geos_new();
        if (!w[nw].h) {
            rc = cov_err_set(err, COV_ENOMEM, "out of memory creating a GEOS context");
            goto cleanup;
        }
    }
    if (progress && progress(0.0, WHAT, user)) {
        rc = cov_err_set(err, COV_ECANCEL, "assignment cancelled");
        goto cleanup;
    }
    for (int t = 1; t < nw; t++) {
        atomic_fetch_add(&j.running, 1);
        w[t].started = pthread_create(&w[t].tid, NULL, worker_main, &w[t]) == 0;
        if (!w[t].started)
            atomic_fetch_sub(&j.running, 1); /* the others take its share */
    }
    int last_pct = -1;
    run_chunks(&w[0], progress, user, &last_pct);
    /* keep reporting (and honouring a cancel) while the workers finish */
    while (progress && atomic_load(&j.running) > 0) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
        report(&j, progress, user, &last_pct);
    }
    for (int t = 1; t < nw; t++)
        if (w[t].started)
            pthread_join(w[t].tid, NULL);
    if (j.status) {
        rc = j.status;
        goto cleanup;
    }
    for (size_t i = 0; i < m->n_orgs; i++)
        for (int l = 0; l < COV_NAREAS; l++)
            m->orgs[i].area[l] = -1; /* orgs with non-finite coordinates stay so */
    for (size_t pos = 0; pos < ix.n; pos++)
        for (int l = 0; l < COV_NAREAS; l++) {
            int32_t v =
                j.res[l] ? atomic_load_explicit(&j.res[l][pos], memory_order_relaxed) : INT32_MAX;
            m->orgs[ix.org[pos]].area[l] = v == INT32_MAX ? -1 : v;
        }
    if (progress && last_pct < 100)
        progress(1.0, WHAT, user);
cleanup:
    for (int t = 0; t < nw; t++) {
        drop_prep(&w[t]);
        poly_release(&w[t].poly);
        free(w[t].cand.v);
        cov_geos_free(w[t].h);
    }
    free(w);
    for (int l = 0; l < COV_NAREAS; l++)
        free(j.res[l]);
    free(j.chunks);
    pindex_release(&ix);
    pthread_mutex_destroy(&j.geos_lock);
    pthread_mutex_destroy(&j.err_lock);
    return rc;
}

/* ------------------------------------------------------------------ */
/* the GEOS reference: STRtree over areas, prepared areas, point per org */

struct collect {
    struct u32vec v;
    int oom;
};

static void collect_item(void *item, void *user)
{
    struct collect *c = user;
    if (GROW(c->v.v, c->v.cap, c->v.n + 1) == 0)
        c->v.v[c->v.n++] = *(const uint32_t *)item;
    else
        c->oom = 1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int assign_geos(struct cov_model *m, cov_progress_fn progress, void *user,
                       struct cov_err *err)
{
    GEOSContextHandle_t h = m->geos;
    int rc = 0;
    GEOSSTRtree *tree[COV_NAREAS] = {0};
    const GEOSPreparedGeometry **prep[COV_NAREAS] = {0};
    uint32_t *ids = NULL;
    int32_t *out = NULL;
    struct collect cand = {{0}, 0};
    size_t max_areas = 0;
    for (int l = 0; l < COV_NAREAS; l++)
        if (m->n_areas[l] > max_areas)
            max_areas = m->n_areas[l];
    ids = malloc((max_areas ? max_areas : 1) * sizeof(*ids));
    out = malloc((m->n_orgs ? m->n_orgs : 1) * COV_NAREAS * sizeof(*out));
    if (!ids || !out) {
        rc = cov_err_set(err, COV_ENOMEM, "out of memory assigning organizations");
        goto cleanup;
    }
    for (size_t i = 0; i < max_areas; i++)
        ids[i] = (uint32_t)i;
    for (int l = 0; l < COV_NAREAS; l++) {
        if (!m->n_areas[l])
            continue;
        tree[l] = GEOSSTRtree_create_r(h, 10);
        prep[l] = calloc(m->n_areas[l], sizeof(*prep[l]));
        if (!tree[l] || !prep[l]) {
            rc = cov_err_set(err, COV_ENOMEM, "out of memory indexing %s", cov_layer_name(l));
            goto cleanup;
        }
        for (size_t a = 0; a < m->n_areas[l]; a++) {
            GEOSGeometry *g = m->areas[l][a].geom;
            if (!g || GEOSisEmpty_r(h, g))
                continue;
            prep[l][a] = GEOSPrepare_r(h, g);
            if (!prep[l][a]) {
                rc = cov_err_set(err, COV_EFAIL, "cannot prepare %s '%s': %s", cov_layer_name(l),
                                 m->areas[l][a].code ? m->areas[l][a].code : "?",
                                 cov_geos_last_error(h));
                goto cleanup;
            }
            GEOSSTRtree_insert_r(h, tree[l], g, &ids[a]);
        }
    }
    int last_pct = -1;
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        for (int l = 0; l < COV_NAREAS; l++)
            out[i * COV_NAREAS + l] = -1;
        if (!isfinite(o->x) || !isfinite(o->y))
            continue;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, o->x, o->y);
        if (!pt) {
            rc = cov_err_set(err, COV_EFAIL, "GEOS: %s", cov_geos_last_error(h));
            goto cleanup;
        }
        for (int l = 0; l < COV_NAREAS && !rc; l++) {
            if (!tree[l])
                continue;
            cand.v.n = 0;
            GEOSSTRtree_query_r(h, tree[l], pt, collect_item, &cand);
            if (cand.oom) {
                rc = cov_err_set(err, COV_ENOMEM, "out of memory assigning organizations");
                break;
            }
            if (cand.v.n > 1)
                qsort(cand.v.v, cand.v.n, sizeof(*cand.v.v), cmp_u32);
            for (size_t k = 0; k < cand.v.n; k++) {
                char c = GEOSPreparedCovers_r(h, prep[l][cand.v.v[k]], pt);
                if (c == 2) {
                    rc = cov_err_set(err, COV_EFAIL, "GEOS failed testing organization '%s': %s",
                                     o->id ? o->id : "?", cov_geos_last_error(h));
                    break;
                }
                if (c == 1) {
                    out[i * COV_NAREAS + l] = (int32_t)cand.v.v[k];
                    break;
                }
            }
        }
        GEOSGeom_destroy_r(h, pt);
        if (rc)
            goto cleanup;
        int pct = (int)(100.0 * (double)(i + 1) / (double)m->n_orgs);
        if (progress && pct > last_pct) {
            last_pct = pct;
            if (progress((double)(i + 1) / (double)m->n_orgs, WHAT, user)) {
                rc = cov_err_set(err, COV_ECANCEL, "assignment cancelled");
                goto cleanup;
            }
        }
    }
    for (size_t i = 0; i < m->n_orgs; i++)
        memcpy(m->orgs[i].area, &out[i * COV_NAREAS], sizeof(m->orgs[i].area));
cleanup:
    for (int l = 0; l < COV_NAREAS; l++) {
        if (prep[l])
            for (size_t a = 0; a < m->n_areas[l]; a++)
                if (prep[l][a])
                    GEOSPreparedGeom_destroy_r(h, prep[l][a]);
        free(prep[l]);
        if (tree[l])
            GEOSSTRtree_destroy_r(h, tree[l]);
    }
    free(cand.v.v);
    free(ids);
    free(out);
    return rc;
}

/* ------------------------------------------------------------------ */

/* ---- organizations without coordinates ---- */

/* Drawing point of area a of layer l, computed once (cache holds NAN until then). */
static int area_point(struct cov_model *m, int l, int32_t a, double *cache, double *x, double *y)
{
    if (isnan(cache[2 * a])) {
        double px = NAN, py = NAN;
        /* The centroid when it lies inside (most areas): cheap. Else the
         * inside point of place.h, which costs about 0.3 ms an area. */
        GEOSContextHandle_t h = m->geos;
        const GEOSGeometry *g = m->areas[l][a].geom;
        GEOSGeometry *c = g ? GEOSGetCentroid_r(h, g) : NULL;
        int inside = c && GEOSContains_r(h, g, c) == 1 && GEOSGeomGetX_r(h, c, &px) == 1 &&
                     GEOSGeomGetY_r(h, c, &py) == 1;
        if (c)
            GEOSGeom_destroy_r(h, c);
        if (!inside && cov_place_point(h, g, &px, &py)) {
            px = (m->areas[l][a].minx + m->areas[l][a].maxx) / 2;
            py = (m->areas[l][a].miny + m->areas[l][a].maxy) / 2;
        }
        cache[2 * a] = px;
        cache[2 * a + 1] = py;
    }
    *x = cache[2 * a];
    *y = cache[2 * a + 1];
    return 0;
}

/*
 * Places every organization without coordinates by its text (place.h): the
 * area indices of the levels it is placed to, nothing finer, never a park or
 * building; a drawing point inside the finest area.
 */
static int place_by_text(struct cov_model *m, struct cov_err *err)
{
    size_t need = 0;
    for (size_t i = 0; i < m->n_orgs; i++)
        need += !m->orgs[i].has_xy;
    if (!need)
        return 0;
    static const int levels[] = {COV_DISTRICTS, COV_STREETS, COV_COMMUNITIES};
    double *cache[3] = {NULL, NULL, NULL};
    struct cov_gazetteer *g = cov_gazetteer_new(m);
    int rc = g ? 0 : COV_ENOMEM;
    for (int k = 0; k < 3 && !rc; k++) {
        size_t n = m->n_areas[levels[k]];
        cache[k] = malloc((n ? n : 1) * 2 * sizeof(double));
        if (!cache[k])
            rc = COV_ENOMEM;
        for (size_t a = 0; cache[k] && a < 2 * n; a++)
            cache[k][a] = NAN;
    }
    for (size_t i = 0; i < m->n_orgs && !rc; i++) {
        struct cov_org *o = &m->orgs[i];
        if (o->has_xy)
            continue;
        struct cov_place_in in = {o->community_ref, o->street_ref, o->address, o->id};
        struct cov_placement pl;
        if ((rc = cov_place(g, &in, &pl)))
            break;
        o->placed = pl.level;
        o->placed_by = pl.source;
        for (int l = 0; l < COV_NAREAS; l++)
            o->area[l] = -1;
        o->area[COV_DISTRICTS] = pl.district;
        o->area[COV_STREETS] = pl.level >= COV_PLACED_STREET ? pl.street : -1;
        o->area[COV_COMMUNITIES] = pl.level >= COV_PLACED_COMMUNITY ? pl.community : -1;
        for (int k = 2; k >= 0; k--) {
            int32_t a = o->area[levels[k]];
            if (a >= 0) {
                area_point(m, levels[k], a, cache[k], &o->x, &o->y);
                break;
            }
        }
    }
    cov_gazetteer_free(g);
    for (int k = 0; k < 3; k++)
        free(cache[k]);
    if (rc == COV_ENOMEM)
        return cov_err_set(err, COV_ENOMEM, "out of memory placing organizations by address");
    return rc;
}

int cov_assign_ex(struct cov_model *m, const struct cov_assign_opts *opts, cov_progress_fn progress,
                  void *user, struct cov_err *err)
{
    struct cov_assign_opts def = {0, COV_ASSIGN_FAST};
    if (!opts)
        opts = &def;
    if (m->n_orgs > (size_t)INT32_MAX)
        return cov_err_set(err, COV_EINPUT, "too many organizations (%zu, at most %d)", m->n_orgs,
                           INT32_MAX);
    for (int l = 0; l < COV_NAREAS; l++)
        if (m->n_areas[l] >= (size_t)INT32_MAX)
            return cov_err_set(err, COV_EINPUT, "too many %s (%zu, at most %d)", cov_layer_name(l),
                               m->n_areas[l], INT32_MAX - 1);
    /* Drawing points of a previous placement are not coordinates. */
    for (size_t i = 0; i < m->n_orgs; i++) {
        struct cov_org *o = &m->orgs[i];
        o->placed = o->has_xy ? COV_PLACED_POINT : COV_PLACED_NONE;
        o->placed_by = o->has_xy ? COV_SRC_COORDINATES : COV_SRC_NONE;
        if (!o->has_xy)
            o->x = o->y = NAN;
    }
    int rc = opts->method == COV_ASSIGN_GEOS ? assign_geos(m, progress, user, err)
                                             : assign_fast(m, opts->threads, progress, user, err);
    if (rc == 0)
        rc = place_by_text(m, err);
    if (rc == 0)
        m->assigned = 1;
    return rc;
}

int cov_assign(struct cov_model *m, int threads, cov_progress_fn progress, void *user,
               struct cov_err *err)
{
    struct cov_assign_opts o = {threads, COV_ASSIGN_FAST};
    return cov_assign_ex(m, &o, progress, user, err);
}
