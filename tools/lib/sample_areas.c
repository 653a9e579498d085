/*
 * sample_areas.c - the sample's towns and communities as areas: a seat for
 * every town without a known point, town cells (Voronoi of the seats and the
 * usable known community points, per county) and community cells (Voronoi
 * of the known and synthesized community points, per town).
 */
#include "sample.h"
#include "sample_geom.h"
#include "die.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double min_dist2(double x, double y, const double *xs, const double *ys, int n)
{
    double best = 1e300;
    for (int i = 0; i < n; i++) {
        double dx = (x - xs[i]) * M_PER_DEG_LON, dy = (y - ys[i]) * M_PER_DEG_LAT;
        double d = dx * dx + dy * dy;
        if (d < best)
            best = d;
    }
    return best;
}

/* Seat of a town without a known point: the mean of its known community
 * points when they lie in the county, else the best of many candidates
 * farthest from every other seat (Mitchell's best candidate). */
void sample_place_missing_towns(struct sample *s)
{
    for (int ci = 0; ci < s->n_counties; ci++) {
        struct county *c = &s->counties[ci];
        GEOSGeometry *bnd = GEOSBoundary_r(s->gh, c->geom);
        double xs[64], ys[64];
        int n = 0;
        for (int i = 0; i < s->n_towns; i++)
            if (s->towns[i].county == ci && s->towns[i].real_pt) {
                xs[n] = s->towns[i].x;
                ys[n] = s->towns[i].y;
                n++;
                s->n_real_town_pts++;
            }
        for (int i = 0; i < s->n_towns; i++) {
            struct town *t = &s->towns[i];
            if (t->county != ci || t->real_pt)
                continue;
            double sx = 0, sy = 0;
            int k = 0;
            for (int j = 0; j < t->n_comm; j++) {
                struct comm *m = &s->comms[t->first_comm + j];
                if (m->real_pt && sg_contains(s->gh, c->prep, m->x, m->y)) {
                    sx += m->x;
                    sy += m->y;
                    k++;
                }
            }
            if (k > 0 && sg_contains(s->gh, c->prep, sx / k, sy / k) &&
                min_dist2(sx / k, sy / k, xs, ys, n) > 200.0 * 200.0) {
                t->x = sx / k;
                t->y = sy / k;
            } else {
                double best = -1, bx = 0, by = 0;
                for (int cand = 0; cand < 60; cand++) {
                    double px, py;
                    if (!sg_random_point_in(s->gh, &s->rng, c->geom, c->prep, bnd, 0.01, &px, &py))
                        die("county %s: cannot place town %s", c->code, t->code);
                    double d = min_dist2(px, py, xs, ys, n);
                    if (d > best) {
                        best = d;
                        bx = px;
                        by = py;
                    }
                }
                t->x = bx;
                t->y = by;
            }
            xs[n] = t->x;
            ys[n] = t->y;
            n++;
        }
        GEOSGeom_destroy_r(s->gh, bnd);
    }
}

/*
 * Town cells: Voronoi cells of the town seats and of the known community
 * points (a known point within TOWN_REACH_M of its seat; farther ones are
 * taken for geocoding errors), computed per county, merged per town and
 * clipped to the county. Using the community points keeps every usable known
 * community point inside its own town.
 */
#define TOWN_REACH_M 6000.0

void sample_make_town_cells(struct sample *s)
{
    for (int ci = 0; ci < s->n_counties; ci++) {
        int cap = 64, n = 0;
        double *xs = xcalloc((size_t)cap, sizeof(double));
        double *ys = xcalloc((size_t)cap, sizeof(double));
        int *owner = xcalloc((size_t)cap, sizeof(int));
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < s->n_towns; i++) {
                struct town *t = &s->towns[i];
                if (t->county != ci)
                    continue;
                for (int j = pass ? 0 : -1; j < (pass ? t->n_comm : 0); j++) {
                    double x = t->x, y = t->y;
                    if (j >= 0) {
                        struct comm *m = &s->comms[t->first_comm + j];
                        if (!m->real_pt)
                            continue;
                        x = m->x;
                        y = m->y;
                        double dx = (x - t->x) * M_PER_DEG_LON, dy = (y - t->y) * M_PER_DEG_LAT;
                        if (dx * dx + dy * dy > TOWN_REACH_M * TOWN_REACH_M ||
                            !sg_contains(s->gh, s->counties[ci].prep, x, y) ||
                            min_dist2(x, y, xs, ys, n) < 30.0 * 30.0)
                            continue;
                    }
                    if (n == cap) {
                        cap *= 2;
                        xs = xrealloc(xs, (size_t)cap * sizeof(double));
                        ys = xrealloc(ys, (size_t)cap * sizeof(double));
                        owner = xrealloc(owner, (size_t)cap * sizeof(int));
                    }
                    xs[n] = x;
                    ys[n] = y;
                    owner[n] = i;
                    n++;
                }
            }
        GEOSGeometry **cells = xcalloc((size_t)n, sizeof(*cells));
        sg_voronoi_clip(s->gh, xs, ys, n, s->counties[ci].geom, cells);
        for (int i = 0; i < s->n_towns; i++) {
            if (s->towns[i].county != ci)
                continue;
            GEOSGeometry **mine = xcalloc((size_t)n, sizeof(*mine));
            int k = 0;
            for (int j = 0; j < n; j++)
                if (owner[j] == i) {
                    mine[k++] = cells[j];
                    cells[j] = NULL;
                }
            GEOSGeometry *coll =
                GEOSGeom_createCollection_r(s->gh, GEOS_GEOMETRYCOLLECTION, mine, (unsigned)k);
            free(mine);
            GEOSGeometry *u = GEOSUnaryUnion_r(s->gh, coll);
            if (!u)
                die("GEOS union: %s", cov_geos_last_error(s->gh));
            GEOSGeom_destroy_r(s->gh, coll);
            struct town *t = &s->towns[i];
            t->cell = sg_snap6(s->gh, u);
            if (GEOSisEmpty_r(s->gh, t->cell) == 1)
                die("town %s has an empty cell", t->code);
            if (getenv("MKSAMPLE_DEBUG"))
                fprintf(stderr, "town %s %s: %d seeds, %d parts\n", t->code, t->name, k,
                        GEOSGetNumGeometries_r(s->gh, t->cell));
            t->prep = GEOSPrepare_r(s->gh, t->cell);
        }
        free(cells);
        free(xs);
        free(ys);
        free(owner);
    }
}

void sample_make_comm_cells(struct sample *s)
{
    for (int ti = 0; ti < s->n_towns; ti++) {
        struct town *t = &s->towns[ti];
        if (t->n_comm == 0)
            continue;
        GEOSGeometry *bnd = GEOSBoundary_r(s->gh, t->cell);
        int n = t->n_comm;
        double *xs = xcalloc((size_t)n, sizeof(double)), *ys = xcalloc((size_t)n, sizeof(double));
        int placed = 0;
        double tarea = sg_area(s->gh, t->cell);
        double sig = 0.22 * sqrt(tarea);
        /* real points first, if inside the synthetic town cell and not too close */
        for (int j = 0; j < n; j++) {
            struct comm *m = &s->comms[t->first_comm + j];
            if (!m->real_pt)
                continue;
            if (sg_contains(s->gh, t->prep, m->x, m->y) &&
                sg_dist(s->gh, bnd, m->x, m->y) > 0.0003 &&
                min_dist2(m->x, m->y, xs, ys, placed) > 30.0 * 30.0) {
                xs[placed] = m->x;
                ys[placed] = m->y;
                placed++;
                s->n_real_comm_pts++;
            } else {
                if (getenv("MKSAMPLE_DEBUG"))
                    fprintf(stderr, "point of %s %s: in town %d, edge %.5f\n", m->code, m->name,
                            sg_contains(s->gh, t->prep, m->x, m->y),
                            sg_dist(s->gh, bnd, m->x, m->y));
                m->real_pt = 0;
                s->n_comm_pts_rejected++;
            }
        }
        /* then the others: urban packed round the town seat, rural spread */
        int at = placed;
        for (int j = 0; j < n; j++) {
            struct comm *m = &s->comms[t->first_comm + j];
            if (m->real_pt)
                continue;
            double best = -1, bx = 0, by = 0;
            for (int cand = 0; cand < (m->urban ? 6 : 12); cand++) {
                double px = 0, py = 0;
                int ok = 0;
                for (int tries = 0; tries < 200 && !ok; tries++) {
                    if (m->urban) {
                        px = t->x + rng_normal(&s->rng) * sig;
                        py = t->y + rng_normal(&s->rng) * sig;
                        ok = sg_contains(s->gh, t->prep, px, py);
                    } else {
                        ok =
                            sg_random_point_in(s->gh, &s->rng, t->cell, t->prep, NULL, 0, &px, &py);
                    }
                }
                if (!ok && !sg_random_point_in(s->gh, &s->rng, t->cell, t->prep, NULL, 0, &px, &py))
                    die("town %s: cannot place community %s", t->code, m->code);
                double d = min_dist2(px, py, xs, ys, at);
                if (d > best) {
                    best = d;
                    bx = px;
                    by = py;
                }
            }
            m->x = bx;
            m->y = by;
            xs[at] = bx;
            ys[at] = by;
            at++;
        }
        /* Voronoi in seed order: real ones then generated ones */
        GEOSGeometry **cells = xcalloc((size_t)n, sizeof(*cells));
        sg_voronoi_clip(s->gh, xs, ys, n, t->cell, cells);
        int r = 0, g = placed;
        for (int j = 0; j < n; j++) {
            struct comm *m = &s->comms[t->first_comm + j];
            int k = m->real_pt ? r++ : g++;
            m->cell = sg_snap6(s->gh, cells[k]);
            if (GEOSisEmpty_r(s->gh, m->cell) == 1)
                die("community %s has an empty cell", m->code);
            m->prep = GEOSPrepare_r(s->gh, m->cell);
            m->boundary = GEOSBoundary_r(s->gh, m->cell);
            sg_envelope(s->gh, m->cell, &m->xmin, &m->ymin, &m->xmax, &m->ymax);
        }
        free(cells);
        free(xs);
        free(ys);
        GEOSGeom_destroy_r(s->gh, bnd);
    }
}

/* Community holding (x, y) at least EDGE_MARGIN inside, or -1. */
int sample_find_comm(const struct sample *s, double x, double y)
{
    for (int i = 0; i < s->n_comms; i++) {
        struct comm *m = &s->comms[i];
        if (x < m->xmin || x > m->xmax || y < m->ymin || y > m->ymax)
            continue;
        if (sg_contains(s->gh, m->prep, x, y))
            return sg_dist(s->gh, m->boundary, x, y) >= EDGE_MARGIN ? i : -1;
    }
    return -1;
}
