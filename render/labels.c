/* labels.c - names on the map: which district, street, community and group
 * names are candidates and how important each is, their placement without
 * overlaps (a greedy pass in priority order over a grid of placed boxes),
 * and their drawing with a halo. The names themselves come from the model. */
#include "render_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- placement ---- */

static int boxes_overlap(const double a[4], const double b[4])
{
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

static int box_inside(const double a[4], const double b[4])
{
    return a[0] >= b[0] && a[1] >= b[1] && a[0] + a[2] <= b[0] + b[2] && a[1] + a[3] <= b[1] + b[3];
}

struct prio_ref {
    double p;
    size_t i;
};

static int cmp_prio(const void *a, const void *b)
{
    const struct prio_ref *x = a, *y = b;
    if (x->p != y->p)
        return x->p > y->p ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Placed boxes live in a coarse uniform grid so that a few thousand labels
 * cost little more than their count. */
#define LGRID 32

struct lgrid {
    double x0, y0, cw, ch;
    size_t *cells[LGRID * LGRID];
    size_t n[LGRID * LGRID], cap[LGRID * LGRID];
};

static void lgrid_range(const struct lgrid *g, const double b[4], int r[4])
{
    double c[4] = {(b[0] - g->x0) / g->cw, (b[1] - g->y0) / g->ch, (b[0] + b[2] - g->x0) / g->cw,
                   (b[1] + b[3] - g->y0) / g->ch};
    for (int k = 0; k < 4; k++) {
        double v = floor(c[k]);
        r[k] = v < 0 ? 0 : v > LGRID - 1 ? LGRID - 1 : (int)v;
    }
}

static int lgrid_hits(const struct lgrid *g, double (*boxes)[4], const double b[4])
{
    int r[4];
    lgrid_range(g, b, r);
    for (int gy = r[1]; gy <= r[3]; gy++)
        for (int gx = r[0]; gx <= r[2]; gx++) {
            int c = gy * LGRID + gx;
            for (size_t k = 0; k < g->n[c]; k++)
                if (boxes_overlap(boxes[g->cells[c][k]], b))
                    return 1;
        }
    return 0;
}

static int lgrid_add(struct lgrid *g, const double b[4], size_t id)
{
    int r[4];
    lgrid_range(g, b, r);
    for (int gy = r[1]; gy <= r[3]; gy++)
        for (int gx = r[0]; gx <= r[2]; gx++) {
            int c = gy * LGRID + gx;
            if (g->n[c] == g->cap[c]) {
                size_t cap = g->cap[c] ? 2 * g->cap[c] : 8;
                size_t *p = realloc(g->cells[c], cap * sizeof(*p));
                if (!p)
                    return COV_ENOMEM;
                g->cells[c] = p;
                g->cap[c] = cap;
            }
            g->cells[c][g->n[c]++] = id;
        }
    return 0;
}

int map_labels_place(struct map_label *l, size_t n, const double bounds[4], const double (*obst)[4],
                     size_t n_obst, size_t *n_placed)
{
    int rc = 0;
    size_t placed = 0;
    struct prio_ref *order = malloc((n ? n : 1) * sizeof(*order));
    double(*boxes)[4] = malloc((n + n_obst + 1) * sizeof(*boxes));
    struct lgrid *g = calloc(1, sizeof(*g));
    if (!order || !boxes || !g) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    g->x0 = bounds[0];
    g->y0 = bounds[1];
    g->cw = bounds[2] > 0 ? bounds[2] / LGRID : 1;
    g->ch = bounds[3] > 0 ? bounds[3] / LGRID : 1;
    size_t nb = 0;
    for (size_t k = 0; k < n_obst; k++) {
        memcpy(boxes[nb], obst[k], sizeof(boxes[nb]));
        if ((rc = lgrid_add(g, boxes[nb], nb)))
            goto cleanup;
        nb++;
    }
    for (size_t i = 0; i < n; i++) {
        order[i] = (struct prio_ref){l[i].priority, i};
        l[i].placed = 0;
    }
    qsort(order, n, sizeof(*order), cmp_prio);
    for (size_t k = 0; k < n; k++) {
        struct map_label *lb = &l[order[k].i];
        double cand[4][2];
        int nc;
        if (lb->point) {
            double g0 = lb->gap;
            cand[0][0] = lb->ax + g0; /* right */
            cand[0][1] = lb->ay - lb->h / 2;
            cand[1][0] = lb->ax - g0 - lb->w; /* left */
            cand[1][1] = lb->ay - lb->h / 2;
            cand[2][0] = lb->ax - lb->w / 2; /* above */
            cand[2][1] = lb->ay - g0 - lb->h;
            cand[3][0] = lb->ax - lb->w / 2; /* below */
            cand[3][1] = lb->ay + g0;
            nc = 4;
        } else if (lb->off_anchor) {
            cand[0][0] = cand[1][0] = lb->ax - lb->w / 2;
            cand[0][1] = lb->ay - lb->gap - lb->h; /* above */
            cand[1][1] = lb->ay + lb->gap;         /* below */
            nc = 2;
        } else {
            cand[0][0] = lb->ax - lb->w / 2;
            cand[0][1] = lb->ay - lb->h / 2;
            nc = 1;
        }
        for (int c = 0; c < nc; c++) {
            double b[4] = {cand[c][0], cand[c][1], lb->w, lb->h};
            if (!box_inside(b, bounds) || lgrid_hits(g, boxes, b))
                continue;
            memcpy(boxes[nb], b, sizeof(b));
            if ((rc = lgrid_add(g, boxes[nb], nb)))
                goto cleanup;
            nb++;
            lb->placed = 1;
            lb->x = b[0];
            lb->y = b[1];
            placed++;
            break;
        }
    }
cleanup:
    if (g)
        for (int c = 0; c < LGRID * LGRID; c++)
            free(g->cells[c]);
    free(g);
    free(boxes);
    free(order);
    if (n_placed)
        *n_placed = placed;
    return rc;
}

/* ---- what is labelled ---- */

struct lab {
    char *text;
    double size;
    int bold;
    int context; /* outside the zoom area: faded, listed with " (context)" */
    struct map_rgb color;
    PangoLayout *ly;
    int count;     /* 1: the number of orgs a ring stands for, beside it */
    double ring_r; /* anchored at a ring: its outermost radius (map_ring_outer) */
};

struct labels {
    struct map_label *l;
    struct lab *t;
    size_t n, cap;
};

/*
 * An area with a ring (orgs placed only to it, L.ring) has its name anchored
 * at the ring, which is where the name would be centred, and placed just
 * above or below it; "×n" goes beside a ring of several when L.ring_counts.
 * The ring of area i of layer, NULL when it has none.
 */
static const struct map_ring_set *ring_of(const struct map_ctx *r, int layer, size_t i)
{
    const struct map_ring_set *rs = layer < MAP_RING_LAYERS ? &r->L.ring[layer] : NULL;
    return rs && rs->n && rs->n[i] ? rs : NULL;
}

/* A label anchored at page point (px, py). */
static void labels_add_page(struct map_ctx *r, struct labels *ls, const char *text, double px,
                            double py, double prio, int point, double size, int bold,
                            struct map_rgb c, int context)
{
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? 2 * ls->cap : 64;
        struct map_label *l = realloc(ls->l, cap * sizeof(*l));
        if (l)
            ls->l = l;
        struct lab *t = realloc(ls->t, cap * sizeof(*t));
        if (t)
            ls->t = t;
        if (!l || !t) {
            r->oom = 1;
            return;
        }
        ls->cap = cap;
    }
    char *dup = strdup(text);
    if (!dup) {
        r->oom = 1;
        return;
    }
    ls->l[ls->n] = (struct map_label){
        .ax = px, .ay = py, .priority = prio, .point = point, .gap = r->L.point_r + 1.5 * r->L.u};
    if (context)
        c = map_rgb_fade(c, MAP_FADE_TEXT);
    ls->t[ls->n] = (struct lab){dup, size, bold, context, c, NULL, 0, 0};
    ls->n++;
}

/* A label anchored at map point (x, y). */
static void labels_add(struct map_ctx *r, struct labels *ls, const char *text, double x, double y,
                       double prio, int point, double size, int bold, struct map_rgb c, int context)
{
    double px, py;
    map_view_to_page(&r->L.view, x, y, &px, &py);
    labels_add_page(r, ls, text, px, py, prio, point, size, bold, c, context);
}

static int anchor_of(struct map_ctx *r, const GEOSGeometry *g, double *x, double *y);

/* The anchor of area i of layer: the zoom area's on its main piece. */
static int anchor_area(struct map_ctx *r, int layer, size_t i, double *x, double *y)
{
    const GEOSGeometry *g = r->m->areas[layer][i].geom;
    if (layer == r->L.focus_layer && (long)i == r->L.focus && r->L.main_part >= 0) {
        *x = r->L.parts[r->L.main_part].x;
        *y = r->L.parts[r->L.main_part].y;
        return 0;
    }
    return anchor_of(r, g, x, y);
}

static int anchor_of(struct map_ctx *r, const GEOSGeometry *g, double *x, double *y)
{
    GEOSContextHandle_t h = r->m->geos;
    GEOSGeometry *p = GEOSPointOnSurface_r(h, g);
    if (!p)
        return -1;
    int ok = GEOSGeomGetX_r(h, p, x) && GEOSGeomGetY_r(h, p, y);
    GEOSGeom_destroy_r(h, p);
    return ok ? 0 : -1;
}

/* Rough width of text before pango measures it: CJK characters are square,
 * others about half as wide. */
static double est_width(const char *s, double size)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80)
            w += 0.55 * size;
        else if (*p >= 0xC0)
            w += size;
    }
    return w;
}

/* The name of area i of layer: at its ring when it has one, else centred on its anchor. */
static void area_label(struct map_ctx *r, struct labels *ls, int layer, size_t i, const char *text,
                       double prio, double size, int bold, struct map_rgb c, int context)
{
    const struct map_ring_set *rs = ring_of(r, layer, i);
    if (rs) {
        size_t before = ls->n;
        labels_add_page(r, ls, text, rs->x[i], rs->y[i], prio, 0, size, bold, c, context);
        if (ls->n > before) {
            ls->l[before].off_anchor = 1;
            ls->t[before].ring_r = map_ring_outer(&r->L, layer, i);
        }
        return;
    }
    double x, y;
    if (!anchor_area(r, layer, i, &x, &y))
        labels_add(r, ls, text, x, y, prio, 0, size, bold, c, context);
}

static int cmp_label_prio(const void *a, const void *b)
{
    const struct map_label *x = a, *y = b;
    return x->priority != y->priority ? (x->priority > y->priority ? -1 : 1) : 0;
}

static void labels_collect(struct map_ctx *r, struct labels *ls, const signed char *cls,
                           const int *have, const int *need)
{
    const struct cov_model *m = r->m;
    double u = r->L.u;
    struct map_rgb dark = {0.15, 0.15, 0.15}, mid = {0.4, 0.4, 0.4};
    /* zoomed into a street or community, the district name is no help */
    int district_labels = r->L.focus < 0 || r->L.focus_layer == COV_DISTRICTS;
    for (size_t i = 0; district_labels && i < m->n_areas[COV_DISTRICTS]; i++) {
        const struct cov_area *a = &m->areas[COV_DISTRICTS][i];
        int in = map_area_in_focus(m, &r->L, COV_DISTRICTS, i);
        if (a->name && map_area_visible(r, a))
            area_label(r, ls, COV_DISTRICTS, i, a->name,
                       (in ? 1000 : 450) + (a->maxx - a->minx) * (a->maxy - a->miny) * 1e-12,
                       10 * u, 1, dark, !in);
    }
    /* streets when zoomed in far enough that their names can fit */
    size_t ns = m->n_areas[COV_STREETS], vis = 0;
    for (size_t i = 0; i < ns; i++)
        vis += map_area_visible(r, &m->areas[COV_STREETS][i]);
    if (vis && vis <= 120 && (!cls || r->L.focus >= 0)) {
        for (size_t i = 0; i < ns; i++) {
            const struct cov_area *a = &m->areas[COV_STREETS][i];
            if (!a->name || !map_area_visible(r, a))
                continue;
            /* outside a zoom area: context only, lighter and placed last */
            int in = map_area_in_focus(m, &r->L, COV_STREETS, i);
            area_label(r, ls, COV_STREETS, i, a->name,
                       (in ? 500 : 400) + (a->maxx - a->minx) * 1e-9, 6.5 * u, 0, mid, !in);
        }
    }
    /* community names once few enough are in view to read them */
    size_t nc = m->n_areas[COV_COMMUNITIES], cvis = 0;
    int comm_labels = r->o->theme == MAP_THEME_COVERAGE;
    for (size_t i = 0; comm_labels && i < nc; i++)
        cvis += map_area_visible(r, &m->areas[COV_COMMUNITIES][i]);
    if (comm_labels && cvis && cvis <= 80) {
        for (size_t i = 0; i < nc; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            if (!a->name || !map_area_visible(r, a))
                continue;
            int in = map_area_in_focus(m, &r->L, COV_COMMUNITIES, i);
            area_label(r, ls, COV_COMMUNITIES, i, a->name,
                       (in ? 300 : 250) + (a->maxx - a->minx) * 1e-9, 5.5 * u, 0,
                       (struct map_rgb){0.5, 0.44, 0.38}, !in);
        }
    }
    if (cls) {
        /* failing communities, largest shortfall first; at most 3000 tried */
        for (size_t i = 0; i < m->n_areas[COV_COMMUNITIES]; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            if ((cls[i] != MAP_T_SHORT1 && cls[i] != MAP_T_SHORT2) || !a->name ||
                !map_area_visible(r, a))
                continue;
            double sz = (a->maxx - a->minx + a->maxy - a->miny) * r->L.view.s;
            if (sz < 8 * u)
                continue;
            double x, y;
            char buf[256];
            if (anchor_of(r, a->geom, &x, &y))
                continue;
            snprintf(buf, sizeof(buf), "%s %d/%d", a->name, have[i], need[i]);
            /* a label much wider than its community says little about it */
            if ((a->maxx - a->minx) * r->L.view.s < 0.35 * est_width(buf, 6 * u))
                continue;
            int in = map_area_in_focus(m, &r->L, COV_COMMUNITIES, i);
            labels_add(r, ls, buf, x, y,
                       (in ? 10 + (need[i] - have[i]) : 1e-3 * (need[i] - have[i])) + sz * 1e-4, 0,
                       6 * u, 0, (struct map_rgb){0.45, 0.18, 0.0}, !in);
        }
    }
    if (r->o->theme == MAP_THEME_PLAN && r->o->plan) {
        const struct cov_plan *p = r->o->plan;
        for (size_t g = 0; g < p->n_groups; g++) {
            const struct cov_group *gr = &p->groups[g];
            if (!gr->name || gr->medoid >= m->n_orgs || gr->kind == COV_G_STANDALONE ||
                gr->kind == COV_G_FUNCTIONAL)
                continue;
            const struct cov_org *o = &m->orgs[gr->medoid];
            int in = r->L.focus < 0;
            for (size_t k = 0; k < gr->n_members && !in; k++)
                in = gr->members[k] < m->n_orgs && map_org_in_focus(m, &r->L, gr->members[k]);
            /* a neighbour's group: faded, and after every name of the area */
            labels_add(r, ls, gr->name, o->x, o->y,
                       (in ? 20 : 1) + (double)gr->n_members * (in ? 1 : 1e-3), 1, 6 * u, 0,
                       map_group_color(gr->kind), !in);
        }
    }
}

/* Grows *b (capacity *cap) by one box; 0 or COV_ENOMEM. */
static int box_push(double (**b)[4], size_t *n, size_t *cap, double x, double y, double w, double h)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        double(*nb)[4] = realloc(*b, c * sizeof(**b));
        if (!nb)
            return COV_ENOMEM;
        *b = nb;
        *cap = c;
    }
    (*b)[*n][0] = x;
    (*b)[*n][1] = y;
    (*b)[*n][2] = w;
    (*b)[*n][3] = h;
    (*n)++;
    return 0;
}

/* Place the count labels ls->l[from ..): clear of the furniture, of the names
 * placed, of the organizations' points and of the rings. 0 or COV_ENOMEM. */
static int place_counts(struct map_ctx *r, struct labels *ls, size_t from, const double bounds[4])
{
    if (from >= ls->n)
        return 0;
    const struct cov_model *m = r->m;
    const struct map_view *v = &r->L.view;
    double(*ob)[4] = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (size_t k = 0; k < r->n_obst && !rc; k++)
        rc = box_push(&ob, &n, &cap, r->obst[k][0], r->obst[k][1], r->obst[k][2], r->obst[k][3]);
    for (size_t i = 0; i < from && !rc; i++)
        if (ls->l[i].placed)
            rc = box_push(&ob, &n, &cap, ls->l[i].x, ls->l[i].y, ls->l[i].w, ls->l[i].h);
    double pr = r->L.point_r;
    for (size_t i = 0; i < m->n_orgs && !rc; i++) {
        const struct cov_org *o = &m->orgs[i];
        double px, py;
        if (o->placed != COV_PLACED_POINT || !isfinite(o->x) || !isfinite(o->y))
            continue;
        map_view_to_page(v, o->x, o->y, &px, &py);
        if (px >= v->fx - pr && px <= v->fx + v->fw + pr && py >= v->fy - pr &&
            py <= v->fy + v->fh + pr)
            rc = box_push(&ob, &n, &cap, px - pr, py - pr, 2 * pr, 2 * pr);
    }
    for (int layer = 0; layer < MAP_RING_LAYERS && !rc; layer++) {
        const struct map_ring_set *rs = &r->L.ring[layer];
        for (size_t i = 0; rs->n && i < m->n_areas[layer] && !rc; i++)
            if (rs->n[i]) {
                double rr = map_ring_outer(&r->L, layer, i);
                rc = box_push(&ob, &n, &cap, rs->x[i] - rr, rs->y[i] - rr, 2 * rr, 2 * rr);
            }
    }
    if (!rc)
        rc = map_labels_place(ls->l + from, ls->n - from, bounds, (const double(*)[4])ob, n, NULL);
    free(ob);
    return rc;
}

void map_draw_labels(struct map_ctx *r)
{
    struct labels ls = {0};
    map_sb_add(r->meta, "\nlabels:", 0);
    labels_collect(r, &ls, r->cls, r->have, r->need);
    /* "×n" beside a ring of several orgs; placed after the names (place_counts) */
    for (int layer = 0; layer < MAP_RING_LAYERS && r->L.ring_counts && !r->oom; layer++) {
        const struct map_ring_set *rs = &r->L.ring[layer];
        for (size_t i = 0; rs->n && i < r->m->n_areas[layer]; i++) {
            if (rs->n[i] < 2)
                continue;
            char num[32];
            size_t before = ls.n;
            snprintf(num, sizeof(num), "×%ld", rs->n[i]);
            labels_add_page(r, &ls, num, rs->x[i], rs->y[i],
                            (rs->in[i] ? 280 : 1) + 1e-6 * (double)rs->n[i], 1, 5.5 * r->L.u, 1,
                            (struct map_rgb){0.25, 0.25, 0.25}, !rs->in[i]);
            if (ls.n > before) {
                ls.t[before].count = 1;
                ls.t[before].ring_r = map_ring_outer(&r->L, layer, i);
                ls.l[before].gap = fmax(ls.l[before].gap, ls.t[before].ring_r + 0.8 * r->L.u);
            }
        }
    }
    if (r->oom)
        goto cleanup;
    /* measure the most important 3000 only: pango per label is the cost */
    size_t n = ls.n;
    if (n > 3000) {
        /* keep the top priorities: sort a copy of indices by priority */
        struct map_label *tmp = malloc(n * sizeof(*tmp));
        if (!tmp) {
            r->oom = 1;
            goto cleanup;
        }
        for (size_t i = 0; i < n; i++) {
            tmp[i] = ls.l[i];
            tmp[i].x = (double)i; /* original index rides along */
        }
        qsort(tmp, n, sizeof(*tmp), cmp_label_prio);
        struct lab *t2 = malloc(3000 * sizeof(*t2));
        if (!t2) {
            free(tmp);
            r->oom = 1;
            goto cleanup;
        }
        char *keep = calloc(n, 1);
        for (size_t i = 0; i < 3000 && keep; i++)
            keep[(size_t)tmp[i].x] = 1;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (keep && keep[i]) {
                ls.l[k] = ls.l[i];
                t2[k++] = ls.t[i];
            } else {
                free(ls.t[i].text);
            }
        }
        free(keep);
        free(tmp);
        free(ls.t);
        ls.t = t2;
        ls.n = k;
        ls.cap = 3000;
    }
    double pad = 1.0 * r->L.u;
    /* an area's name clears its ring and the count beside it */
    double area_gap = map_ring_radius(&r->L) + 0.5 * r->L.u;
    for (size_t i = 0; i < ls.n; i++) {
        ls.t[i].ly = map_text_new(r->pc, ls.t[i].text, ls.t[i].size, ls.t[i].bold, 0);
        map_text_size(ls.t[i].ly, &ls.l[i].w, &ls.l[i].h);
        ls.l[i].w += 2 * pad;
        if (ls.t[i].count)
            area_gap = fmax(area_gap, ls.l[i].h / 2 + 0.5 * r->L.u);
    }
    for (size_t i = 0; i < ls.n; i++)
        if (ls.l[i].off_anchor) /* nested rings: the outermost one's */
            ls.l[i].gap = fmax(area_gap, ls.t[i].ring_r + 0.5 * r->L.u);
    const struct map_view *v = &r->L.view;
    double bounds[4] = {v->fx, v->fy, v->fw, v->fh};
    /* the names first; the counts (added last) then keep off them and the symbols */
    size_t n_names = 0;
    while (n_names < ls.n && !ls.t[n_names].count)
        n_names++;
    if (map_labels_place(ls.l, n_names, bounds, (const double(*)[4])r->obst, r->n_obst, NULL) ||
        place_counts(r, &ls, n_names, bounds)) {
        r->oom = 1;
        goto cleanup;
    }
    for (size_t i = 0; i < ls.n; i++)
        if (ls.l[i].placed && r->meta) {
            map_sb_add(r->meta, "\n  ", 0);
            map_sb_add(r->meta, ls.t[i].text, 1);
            if (ls.t[i].context)
                map_sb_add(r->meta, " (context)", 0);
        }
    for (size_t i = 0; i < ls.n; i++)
        if (ls.l[i].placed)
            map_text_draw(r->cr, ls.t[i].ly, ls.l[i].x + pad, ls.l[i].y, ls.t[i].color,
                          2.2 * r->L.u * ls.t[i].size / 8);
cleanup:
    for (size_t i = 0; i < ls.n; i++) {
        free(ls.t[i].text);
        if (ls.t[i].ly)
            g_object_unref(ls.t[i].ly);
    }
    free(ls.t);
    free(ls.l);
}
