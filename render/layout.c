/* layout.c - the geometry of a map page: page size, map frame and legend
 * panel, the world-to-page view (a zoom area in pieces framed by its main
 * piece), what is in focus and counted, whether the points are aggregated or
 * how large they are drawn, and how crowded each corner of the frame is. */
#include "render_int.h"

#include "../analysis/place.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void map_view_fit(struct map_view *v, double fx, double fy, double fw, double fh, double minx,
                  double miny, double maxx, double maxy, double margin_frac)
{
    v->fx = fx;
    v->fy = fy;
    v->fw = fw;
    v->fh = fh;
    double ww = maxx - minx, wh = maxy - miny;
    v->cx = (minx + maxx) / 2;
    v->cy = (miny + maxy) / 2;
    if (!(ww > 1e-6) || !(wh > 1e-6)) {
        double e = fmax(fmax(ww, wh), 500.0);
        ww = fmax(ww, e);
        wh = fmax(wh, e);
    }
    double uw = fw * (1 - 2 * margin_frac), uh = fh * (1 - 2 * margin_frac);
    v->s = fmin(uw / ww, uh / wh);
}

void map_view_to_page(const struct map_view *v, double x, double y, double *px, double *py)
{
    *px = v->fx + v->fw / 2 + (x - v->cx) * v->s;
    *py = v->fy + v->fh / 2 - (y - v->cy) * v->s;
}

void map_view_to_world(const struct map_view *v, double px, double py, double *x, double *y)
{
    *x = v->cx + (px - v->fx - v->fw / 2) / v->s;
    *y = v->cy - (py - v->fy - v->fh / 2) / v->s;
}

void map_view_extent(const struct map_view *v, double *minx, double *miny, double *maxx,
                     double *maxy)
{
    map_view_to_world(v, v->fx, v->fy + v->fh, minx, miny);
    map_view_to_world(v, v->fx + v->fw, v->fy, maxx, maxy);
}

double map_view_denominator(const struct map_view *v)
{
    /* one point on paper is 0.0254/72 m */
    return 72.0 / (0.0254 * v->s);
}

int map_org_in_focus(const struct cov_model *m, const struct map_layout *L, size_t i)
{
    if (L->focus < 0)
        return 1;
    if (L->focus_layer >= COV_NAREAS)
        return 0;
    return m->orgs[i].area[L->focus_layer] == L->focus;
}

static int path_is_png(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n < 4)
        return 1;
    return strcasecmp(path + n - 4, ".pdf") && strcasecmp(path + n - 4, ".svg");
}

long map_main_part(const struct map_part *p, size_t n)
{
    long best = -1;
    for (size_t i = 0; i < n; i++)
        if (best < 0 || p[i].orgs > p[best].orgs ||
            (p[i].orgs == p[best].orgs && p[i].area > p[best].area))
            best = (long)i;
    return best;
}

/* The pieces of a zoom area given as a multipolygon, the organizations of the
 * area inside each, and the main one. Nothing for an area in one piece. */
static int parts_compute(const struct cov_model *m, struct map_layout *L)
{
    GEOSContextHandle_t h = m->geos;
    const GEOSGeometry *g = m->areas[L->focus_layer][L->focus].geom;
    int n = GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, g) : 0;
    if (n < 2)
        return 0;
    int rc = 0;
    const GEOSPreparedGeometry **prep = calloc((size_t)n, sizeof(*prep));
    L->parts = calloc((size_t)n, sizeof(*L->parts));
    if (!prep || !L->parts) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    L->n_parts = (size_t)n;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *pg = GEOSGetGeometryN_r(h, g, i);
        struct map_part *p = &L->parts[i];
        GEOSGeometry *pt = pg ? GEOSPointOnSurface_r(h, pg) : NULL;
        if (!pg || !pt || !GEOSGeom_getXMin_r(h, pg, &p->minx) ||
            !GEOSGeom_getYMin_r(h, pg, &p->miny) || !GEOSGeom_getXMax_r(h, pg, &p->maxx) ||
            !GEOSGeom_getYMax_r(h, pg, &p->maxy) || !GEOSArea_r(h, pg, &p->area) ||
            !GEOSGeomGetX_r(h, pt, &p->x) || !GEOSGeomGetY_r(h, pt, &p->y) ||
            !(prep[i] = GEOSPrepare_r(h, pg))) {
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            rc = COV_EFAIL;
            goto cleanup;
        }
        GEOSGeom_destroy_r(h, pt);
    }
    for (size_t k = 0; k < m->n_orgs; k++) {
        const struct cov_org *o = &m->orgs[k];
        if (!map_org_in_focus(m, L, k) || !isfinite(o->x) || !isfinite(o->y))
            continue;
        GEOSGeometry *pt = NULL;
        for (int i = 0; i < n; i++) {
            struct map_part *p = &L->parts[i];
            if (o->x < p->minx || o->x > p->maxx || o->y < p->miny || o->y > p->maxy)
                continue;
            if (!pt && !(pt = GEOSGeom_createPointFromXY_r(h, o->x, o->y))) {
                rc = COV_ENOMEM;
                goto cleanup;
            }
            if (GEOSPreparedIntersects_r(h, prep[i], pt) == 1) {
                p->orgs++;
                break;
            }
        }
        if (pt)
            GEOSGeom_destroy_r(h, pt);
    }
    L->main_part = map_main_part(L->parts, L->n_parts);
    const GEOSGeometry *mg = GEOSGetGeometryN_r(h, g, (int)L->main_part);
    for (int i = 0; i < n; i++)
        if (i != L->main_part &&
            !GEOSDistance_r(h, GEOSGetGeometryN_r(h, g, i), mg, &L->parts[i].dist))
            L->parts[i].dist = INFINITY;
cleanup:
    for (int i = 0; prep && i < n; i++)
        if (prep[i])
            GEOSPreparedGeom_destroy_r(h, prep[i]);
    free(prep);
    return rc;
}

/* The scale a view of box e would have in the frame. */
static double fit_scale(const double frame[4], const double e[4])
{
    struct map_view v;
    map_view_fit(&v, frame[0], frame[1], frame[2], frame[3], e[0], e[1], e[2], e[3], 0.04);
    return v.s;
}

/* The main piece's envelope, grown by the other pieces (nearest first) that
 * cost the scale little. */
static void extent_of_parts(const struct map_layout *L, const double frame[4], double e[4])
{
    const struct map_part *mp = &L->parts[L->main_part];
    e[0] = mp->minx, e[1] = mp->miny, e[2] = mp->maxx, e[3] = mp->maxy;
    double s0 = fit_scale(frame, e);
    for (size_t tried = 1; tried < L->n_parts; tried++) {
        /* the next nearest piece not tried yet: parts are few, a scan will do */
        size_t best = L->n_parts;
        double bd = 0;
        for (size_t i = 0; i < L->n_parts; i++) {
            const struct map_part *p = &L->parts[i];
            if ((long)i == L->main_part || p->shown < 0)
                continue;
            double d = p->dist;
            if (best == L->n_parts || d < bd)
                best = i, bd = d;
        }
        struct map_part *p = &L->parts[best];
        p->shown = -1; /* tried (reset below) */
        double e2[4] = {fmin(e[0], p->minx), fmin(e[1], p->miny), fmax(e[2], p->maxx),
                        fmax(e[3], p->maxy)};
        if (fit_scale(frame, e2) >= MAP_PART_ZOOM_KEEP * s0)
            memcpy(e, e2, sizeof(e2));
    }
    for (size_t i = 0; i < L->n_parts; i++)
        L->parts[i].shown = 0;
}

/* Which pieces the view shows (enough of their envelope in it). */
static void parts_shown(struct map_layout *L)
{
    for (size_t i = 0; i < L->n_parts; i++) {
        struct map_part *p = &L->parts[i];
        double w = fmin(p->maxx, L->vmaxx) - fmax(p->minx, L->vminx);
        double hh = fmin(p->maxy, L->vmaxy) - fmax(p->miny, L->vminy);
        double env = (p->maxx - p->minx) * (p->maxy - p->miny);
        if ((long)i == L->main_part)
            p->shown = 1;
        else if (env > 0)
            p->shown = w > 0 && hh > 0 && w * hh >= MAP_PART_SHOWN * env;
        else
            p->shown = p->x >= L->vminx && p->x <= L->vmaxx && p->y >= L->vminy && p->y <= L->vmaxy;
    }
}

static void extent_of(const struct cov_model *m, const struct map_layout *L, const double frame[4],
                      double e[4])
{
    e[0] = e[1] = INFINITY;
    e[2] = e[3] = -INFINITY;
    if (L->focus >= 0 && L->main_part >= 0) {
        extent_of_parts(L, frame, e);
        return;
    }
    if (L->focus >= 0) {
        const struct cov_area *a = &m->areas[L->focus_layer][L->focus];
        e[0] = a->minx, e[1] = a->miny, e[2] = a->maxx, e[3] = a->maxy;
        return;
    }
    for (int l = 0; l < COV_NAREAS && !(e[0] <= e[2]); l++)
        for (size_t i = 0; i < m->n_areas[l]; i++) {
            const struct cov_area *a = &m->areas[l][i];
            if (!a->geom)
                continue;
            e[0] = fmin(e[0], a->minx), e[1] = fmin(e[1], a->miny);
            e[2] = fmax(e[2], a->maxx), e[3] = fmax(e[3], a->maxy);
        }
    if (!(e[0] <= e[2]))
        for (size_t i = 0; i < m->n_orgs; i++) {
            const struct cov_org *o = &m->orgs[i];
            if (!isfinite(o->x) || !isfinite(o->y))
                continue;
            e[0] = fmin(e[0], o->x), e[1] = fmin(e[1], o->y);
            e[2] = fmax(e[2], o->x), e[3] = fmax(e[3], o->y);
        }
    if (!(e[0] <= e[2]))
        e[0] = e[1] = 0, e[2] = e[3] = 1000;
}

static int aggregate(const struct cov_model *m, struct map_layout *L)
{
    const struct map_view *v = &L->view;
    L->cell = MAP_MM(6) * L->u;
    L->nx = (int)ceil(v->fw / L->cell);
    L->ny = (int)ceil(v->fh / L->cell);
    size_t nc = (size_t)L->nx * (size_t)L->ny;
    L->cell_n = calloc(nc, sizeof(*L->cell_n));
    L->cell_cov = calloc(nc, sizeof(*L->cell_cov));
    L->cell_x = calloc(nc, sizeof(*L->cell_x));
    L->cell_y = calloc(nc, sizeof(*L->cell_y));
    if (!L->cell_n || !L->cell_cov || !L->cell_x || !L->cell_y)
        return COV_ENOMEM;
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        double px, py;
        map_view_to_page(v, o->x, o->y, &px, &py);
        double cx = (px - v->fx) / L->cell, cy = (py - v->fy) / L->cell;
        if (!(cx >= 0 && cy >= 0 && cx < L->nx && cy < L->ny))
            continue;
        size_t c = (size_t)cy * (size_t)L->nx + (size_t)cx;
        L->cell_n[c]++;
        L->cell_cov[c] += map_status_covered(o->status);
        L->cell_x[c] += px;
        L->cell_y[c] += py;
    }
    for (size_t c = 0; c < nc; c++)
        if (L->cell_n[c] > L->agg_max)
            L->agg_max = L->cell_n[c];
    return 0;
}

/*
 * Point size from how crowded the points are where they are, not on average:
 * the largest radius (2.4 pt down to 1.4 pt, times u) at which at most 40 %
 * of the points sit in 3 mm cells holding more symbols than would cover two
 * thirds of the cell. Smaller symbols lose their colour; beyond that the
 * points are aggregated instead.
 */
static int point_radius(const struct cov_model *m, struct map_layout *L)
{
    const struct map_view *v = &L->view;
    double cell = MAP_MM(3) * L->u;
    int nx = (int)ceil(v->fw / cell), ny = (int)ceil(v->fh / cell);
    size_t nc = (size_t)nx * (size_t)ny;
    long *cnt = calloc(nc ? nc : 1, sizeof(*cnt));
    if (!cnt)
        return COV_ENOMEM;
    long total = 0;
    for (size_t i = 0; i < m->n_orgs; i++) {
        double px, py;
        map_view_to_page(v, m->orgs[i].x, m->orgs[i].y, &px, &py);
        double cx = (px - v->fx) / cell, cy = (py - v->fy) / cell;
        if (!(cx >= 0 && cy >= 0 && cx < nx && cy < ny))
            continue;
        cnt[(size_t)cy * (size_t)nx + (size_t)cx]++;
        total++;
    }
    static const double radii[] = {2.4, 2.1, 1.8, 1.6, 1.4};
    size_t k = 0;
    for (; k + 1 < sizeof(radii) / sizeof(radii[0]); k++) {
        double r = radii[k] * L->u;
        double cap = cell * cell / (M_PI * r * r * 1.5);
        long crowded = 0;
        for (size_t c = 0; c < nc; c++)
            if ((double)cnt[c] > cap)
                crowded += cnt[c];
        if (crowded * 5 <= total * 2)
            break;
    }
    L->point_r = radii[k] * L->u;
    free(cnt);
    return 0;
}

int map_area_in_focus(const struct cov_model *m, const struct map_layout *L, int layer, size_t idx)
{
    if (L->focus < 0)
        return 1;
    if (layer == L->focus_layer)
        return (long)idx == L->focus;
    const struct cov_area *f = &m->areas[L->focus_layer][L->focus];
    const struct cov_area *a = &m->areas[layer][idx];
    if (!a->geom || a->maxx < f->minx || a->minx > f->maxx || a->maxy < f->miny ||
        a->miny > f->maxy)
        return 0;
    GEOSContextHandle_t h = m->geos;
    GEOSGeometry *p = GEOSPointOnSurface_r(h, a->geom);
    if (!p)
        return 0;
    int in = GEOSIntersects_r(h, f->geom, p) == 1;
    GEOSGeom_destroy_r(h, p);
    return in;
}

/* Cells whose centre lies in one of the n geometries get w each. */
static int occupancy_area(const struct cov_model *m, struct map_layout *L,
                          const struct cov_area *const *a, size_t n, double w)
{
    GEOSContextHandle_t h = m->geos;
    const struct map_view *v = &L->view;
    for (size_t k = 0; k < n; k++) {
        if (!a[k]->geom || a[k]->maxx < L->vminx || a[k]->minx > L->vmaxx ||
            a[k]->maxy < L->vminy || a[k]->miny > L->vmaxy)
            continue;
        const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, a[k]->geom);
        if (!pg)
            return COV_EFAIL;
        for (int cy = 0; cy < L->oy; cy++)
            for (int cx = 0; cx < L->ox; cx++) {
                double x, y;
                map_view_to_world(v, v->fx + (cx + 0.5) * L->ocell, v->fy + (cy + 0.5) * L->ocell,
                                  &x, &y);
                if (x < a[k]->minx || x > a[k]->maxx || y < a[k]->miny || y > a[k]->maxy)
                    continue;
                GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
                if (!pt) {
                    GEOSPreparedGeom_destroy_r(h, pg);
                    return COV_ENOMEM;
                }
                if (GEOSPreparedIntersects_r(h, pg, pt) == 1)
                    L->occ[(size_t)cy * (size_t)L->ox + (size_t)cx] += w;
                GEOSGeom_destroy_r(h, pt);
            }
        GEOSPreparedGeom_destroy_r(h, pg);
    }
    return 0;
}

/* The occupancy grid of the frame (see MAP_OCC_CELL_MM). */
static int occupancy(const struct cov_model *m, struct map_layout *L)
{
    const struct map_view *v = &L->view;
    L->ocell = MAP_MM(MAP_OCC_CELL_MM) * L->u;
    L->ox = (int)ceil(v->fw / L->ocell);
    L->oy = (int)ceil(v->fh / L->ocell);
    size_t nc = (size_t)L->ox * (size_t)L->oy;
    L->occ = calloc(nc ? nc : 1, sizeof(*L->occ));
    if (!L->occ)
        return COV_ENOMEM;
    for (size_t i = 0; i < m->n_orgs; i++) {
        double px, py;
        map_view_to_page(v, m->orgs[i].x, m->orgs[i].y, &px, &py);
        double cx = (px - v->fx) / L->ocell, cy = (py - v->fy) / L->ocell;
        if (!(cx >= 0 && cy >= 0 && cx < L->ox && cy < L->oy))
            continue;
        int in = L->focus >= 0 && (!m->assigned || map_org_in_focus(m, L, i));
        L->occ[(size_t)cy * (size_t)L->ox + (size_t)cx] += in ? MAP_OCC_FOCUS_ORG : MAP_OCC_ORG;
    }
    if (L->focus >= 0) {
        const struct cov_area *f = &m->areas[L->focus_layer][L->focus];
        return occupancy_area(m, L, &f, 1, MAP_OCC_AREA);
    }
    size_t nd = m->n_areas[COV_DISTRICTS];
    const struct cov_area **d = malloc((nd ? nd : 1) * sizeof(*d));
    if (!d)
        return COV_ENOMEM;
    for (size_t k = 0; k < nd; k++)
        d[k] = &m->areas[COV_DISTRICTS][k];
    int rc = occupancy_area(m, L, d, nd, MAP_OCC_AREA);
    free(d);
    return rc;
}

double map_occupancy(const struct map_layout *L, const double b[4])
{
    if (!L->occ || !(L->ocell > 0))
        return 0;
    const struct map_view *v = &L->view;
    int x0 = (int)floor((b[0] - v->fx) / L->ocell), y0 = (int)floor((b[1] - v->fy) / L->ocell);
    int x1 = (int)ceil((b[0] + b[2] - v->fx) / L->ocell),
        y1 = (int)ceil((b[1] + b[3] - v->fy) / L->ocell);
    double sum = 0;
    for (int cy = y0 < 0 ? 0 : y0; cy < y1 && cy < L->oy; cy++)
        for (int cx = x0 < 0 ? 0 : x0; cx < x1 && cx < L->ox; cx++)
            sum += L->occ[(size_t)cy * (size_t)L->ox + (size_t)cx];
    return sum;
}

static int box_overlap(const double a[4], const double b[4])
{
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

int map_corner_best(const struct map_layout *L, const double box[MAP_C_COUNT][4], unsigned taken,
                    const double (*avoid)[4], size_t n_avoid, const int pref[MAP_C_COUNT])
{
    int best = -1, best_free = 0;
    double bw = 0;
    for (int k = 0; k < MAP_C_COUNT; k++) {
        int c = pref[k];
        if (c < 0 || c >= MAP_C_COUNT || (taken >> c & 1u))
            continue;
        int is_free = 1;
        for (size_t a = 0; a < n_avoid; a++)
            is_free &= !box_overlap(box[c], avoid[a]);
        double w = map_occupancy(L, box[c]);
        if (best < 0 || (is_free && !best_free) || (is_free == best_free && w < bw))
            best = c, bw = w, best_free = is_free;
    }
    return best < 0 ? pref[0] : best;
}

void map_page_size(const struct map_opts *o, int png, double *w, double *h)
{
    double dpi = o->dpi > 0 ? o->dpi : 150;
    if (png && o->px_w > 0 && o->px_h > 0) {
        *w = o->px_w * 72.0 / dpi;
        *h = o->px_h * 72.0 / dpi;
    } else {
        *w = MAP_MM(o->page_w_mm > 0 ? o->page_w_mm : 297);
        *h = MAP_MM(o->page_h_mm > 0 ? o->page_h_mm : 210);
    }
}

double map_ring_radius(const struct map_layout *L)
{
    return fmax(L->point_r, 1.4 * L->u);
}

/* Statuses from the least to the most alarming: the order the points are
 * drawn in (the most alarming on top) and the rings nest in (innermost). */
const enum cov_status map_status_order[COV_ST_COUNT] = {
    COV_ST_NO_MEMBERS, COV_ST_STANDALONE, COV_ST_JOINT, COV_ST_REGIONAL,
    COV_ST_INDUSTRY,   COV_ST_FUNCTIONAL, COV_ST_SMALL, COV_ST_ELIGIBLE};

/* Between two nested rings: their line (fmax(0.5 u, dev), layers.c) and a gap
 * of two lines, so that each colour shows on its own. */
static double ring_step(const struct map_layout *L)
{
    return 3 * fmax(0.5 * L->u, L->dev);
}

/* The statuses (bit s) of the orgs of area a's ring; 0 without rings. */
static unsigned ring_statuses(const struct map_layout *L, int layer, size_t a)
{
    return layer >= 0 && layer < MAP_RING_LAYERS && L->ring[layer].st ? L->ring[layer].st[a] : 0;
}

double map_ring_radius_of(const struct map_layout *L, int layer, size_t a, int status)
{
    unsigned st = ring_statuses(L, layer, a);
    int k = COV_ST_COUNT - 1, outside = 0;
    while (k >= 0 && (int)map_status_order[k] != status)
        outside += (st >> map_status_order[k--]) & 1u; /* more alarming, present */
    return map_ring_radius(L) + outside * ring_step(L);
}

double map_ring_outer(const struct map_layout *L, int layer, size_t a)
{
    int kinds = __builtin_popcount(ring_statuses(L, layer, a));
    return map_ring_radius(L) + (kinds > 1 ? kinds - 1 : 0) * ring_step(L);
}

int map_ring_layer(int placed)
{
    return placed == COV_PLACED_DISTRICT    ? COV_DISTRICTS
           : placed == COV_PLACED_STREET    ? COV_STREETS
           : placed == COV_PLACED_COMMUNITY ? COV_COMMUNITIES
                                            : -1;
}

/* L->ring and L->ring_counts (struct map_layout). 0 or COV_ENOMEM. */
static int collect_rings(const struct cov_model *m, struct map_layout *L)
{
    for (int l = 0; l < MAP_RING_LAYERS; l++) {
        size_t na = m->n_areas[l] ? m->n_areas[l] : 1;
        struct map_ring_set *rs = &L->ring[l];
        rs->x = malloc(na * sizeof(*rs->x));
        rs->y = malloc(na * sizeof(*rs->y));
        rs->n = calloc(na, sizeof(*rs->n));
        rs->in = calloc(na, 1);
        rs->st = calloc(na, sizeof(*rs->st));
        if (!rs->x || !rs->y || !rs->n || !rs->in || !rs->st)
            return COV_ENOMEM;
    }
    const struct map_view *v = &L->view;
    double rad = map_ring_radius(L);
    long rings = 0, multi = 0;
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        int l = map_ring_layer(o->placed);
        if (l < 0 || !isfinite(o->x) || !isfinite(o->y))
            continue;
        long a = o->area[l];
        if (a < 0 || (size_t)a >= m->n_areas[l])
            continue;
        double px, py;
        map_view_to_page(v, o->x, o->y, &px, &py);
        if (px < v->fx - rad || px > v->fx + v->fw + rad || py < v->fy - rad ||
            py > v->fy + v->fh + rad)
            continue;
        struct map_ring_set *rs = &L->ring[l];
        long k = ++rs->n[a];
        if (k == 1) {
            rs->x[a] = px;
            rs->y[a] = py;
        }
        rings += k == 1;
        multi += k == 2;
        rs->in[a] |= L->focus < 0 || map_org_in_focus(m, L, i);
        if ((unsigned)o->status < COV_ST_COUNT)
            rs->st[a] |= 1u << o->status;
        L->ring_nested |= (rs->st[a] & (rs->st[a] - 1)) != 0; /* two statuses or more */
    }
    L->ring_counts = rings <= MAP_RING_COUNTS_MAX && multi > 0;
    return 0;
}

int map_layout_compute(const struct cov_model *m, const struct map_opts *o, struct map_layout *L,
                       struct cov_err *err)
{
    memset(L, 0, sizeof(*L));
    L->focus_layer = -1;
    L->focus = -1;
    L->main_part = -1;
    L->png = path_is_png(o->path);
    L->dpi = o->dpi > 0 ? o->dpi : 150;
    map_page_size(o, L->png, &L->pw, &L->ph);
    L->dev = L->png ? 72.0 / L->dpi : 72.0 / 300;
    double short_mm = fmin(L->pw, L->ph) * 25.4 / 72;
    L->u = fmin(1.5, fmax(0.55, short_mm / 210));
    if (L->png && o->px_w > 0)
        /* a screen image: the smallest text (5.5 u points) at least 8.5 pixels */
        L->u = fmin(1.5, fmax(L->u, 8.5 / (5.5 * L->dpi / 72)));
    if (o->area >= 0) {
        if (o->area_layer < 0 || o->area_layer >= COV_NAREAS ||
            (size_t)o->area >= m->n_areas[o->area_layer] || !m->areas[o->area_layer][o->area].geom)
            return cov_err_set(err, COV_EINPUT, _("zoom area %ld of layer %d does not exist"),
                               o->area, o->area_layer);
        L->focus_layer = o->area_layer;
        L->focus = o->area;
    }

    double u = L->u, margin = MAP_MM(8) * u, title_h = MAP_MM(17) * u;
    double bottom_h = MAP_MM(7) * u, gap = MAP_MM(4) * u;
    double fx = margin, fy = margin + title_h, fw, fh;
    if (L->ph > 1.05 * L->pw) {
        /* portrait: the legend goes under the map, in two columns */
        double legend_h = fmin(MAP_MM(62) * u, 0.32 * L->ph);
        fw = L->pw - 2 * margin;
        fh = L->ph - fy - bottom_h - margin - legend_h - gap;
        L->legend[0] = fx;
        L->legend[1] = fy + fh + gap;
        L->legend[2] = fw;
        L->legend[3] = legend_h;
        L->legend_cols = 2;
    } else {
        double legend_w = fmax(MAP_MM(50) * u, fmin(0.27 * L->pw, MAP_MM(80) * u));
        fw = L->pw - 2 * margin - legend_w - gap;
        fh = L->ph - fy - bottom_h - margin;
        L->legend[0] = fx + fw + gap;
        L->legend[1] = fy;
        L->legend[2] = legend_w;
        L->legend[3] = fh;
        L->legend_cols = 1;
    }
    L->foot_y = L->ph - margin - bottom_h + MAP_MM(1.8) * u;
    if (fw < 20 || fh < 20)
        return cov_err_set(err, COV_EINPUT, _("page %.0fx%.0f mm is too small for a map"),
                           L->pw * 25.4 / 72, L->ph * 25.4 / 72);

    if (L->focus >= 0 && m->assigned) {
        int prc = parts_compute(m, L);
        if (prc == COV_ENOMEM)
            return cov_err_set(err, COV_ENOMEM, _("out of memory splitting the zoom area"));
        if (prc)
            return cov_err_set(err, COV_EFAIL, _("cannot split zoom area %s into its pieces: %s"),
                               m->areas[L->focus_layer][L->focus].code,
                               cov_geos_last_error(m->geos));
    }
    double e[4], frame[4] = {fx, fy, fw, fh};
    extent_of(m, L, frame, e);
    map_view_fit(&L->view, fx, fy, fw, fh, e[0], e[1], e[2], e[3], 0.04);
    map_view_extent(&L->view, &L->vminx, &L->vminy, &L->vmaxx, &L->vmaxy);
    parts_shown(L);

    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *g = &m->orgs[i];
        if (g->x >= L->vminx && g->x <= L->vmaxx && g->y >= L->vminy && g->y <= L->vmaxy)
            L->n_view++;
        if (L->focus >= 0 && !m->assigned)
            continue;
        if (!map_org_in_focus(m, L, i))
            continue;
        L->n_focus++;
        if ((unsigned)g->status < COV_ST_COUNT)
            L->counts[g->status]++;
        if (g->placed == COV_PLACED_NONE)
            L->n_unplaced++;
        else if (g->placed != COV_PLACED_POINT)
            L->n_approx++;
    }
    double spacing = sqrt(fw * fh / (double)(L->n_view ? L->n_view : 1));
    L->aggregated = o->aggregate > 0 ||
                    (o->aggregate == 0 && (L->n_view > MAP_AGG_MAX_POINTS || spacing < 2.5 * u));
    if (L->aggregated && aggregate(m, L))
        return cov_err_set(err, COV_ENOMEM, _("out of memory aggregating organizations"));
    if (!L->aggregated && point_radius(m, L))
        return cov_err_set(err, COV_ENOMEM, _("out of memory sizing the point symbols"));
    L->point_r = fmax(L->point_r, 1.2 * L->dev);
    if (!L->aggregated && o->theme == MAP_THEME_COVERAGE && L->n_approx && collect_rings(m, L))
        return cov_err_set(err, COV_ENOMEM, _("out of memory drawing the map"));
    int orc = occupancy(m, L);
    if (orc)
        return cov_err_set(err, orc, _("%s weighing the corners of the map"),
                           orc == COV_ENOMEM ? _("out of memory") : _("GEOS failed"));
    return 0;
}

void map_layout_release(struct map_layout *L)
{
    free(L->cell_n);
    free(L->cell_cov);
    free(L->cell_x);
    free(L->cell_y);
    free(L->parts);
    free(L->occ);
    L->cell_n = L->cell_cov = NULL;
    L->cell_x = L->cell_y = NULL;
    L->parts = NULL;
    L->occ = NULL;
    L->n_parts = 0;
    for (int l = 0; l < MAP_RING_LAYERS; l++) {
        free(L->ring[l].x);
        free(L->ring[l].y);
        free(L->ring[l].n);
        free(L->ring[l].in);
        free(L->ring[l].st);
        L->ring[l] = (struct map_ring_set){0};
    }
}

int map_page_view(const struct cov_model *m, const struct map_opts *o, struct map_view *v,
                  struct cov_err *err)
{
    struct map_layout L;
    int rc = map_layout_compute(m, o, &L, err);
    if (!rc)
        *v = L.view;
    map_layout_release(&L);
    return rc;
}
