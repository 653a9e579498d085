/* layers.c - the map inside the frame: district, community, park and
 * building, street and district layers, the mask around a zoom area, and the
 * organizations (points or their aggregation) or the plan, those outside a
 * zoom area faded (MAP_FADE). */
#include "render_int.h"

#include "../analysis/place.h"

#include <math.h>
#include <stdlib.h>

static void fill_areas(struct map_ctx *r, int layer, struct map_rgb c)
{
    cairo_new_path(r->cr);
    for (size_t i = 0; i < r->m->n_areas[layer]; i++)
        if (map_area_visible(r, &r->m->areas[layer][i]))
            map_path_geom(r, r->m->areas[layer][i].geom);
    map_set_rgb(r->cr, c);
    cairo_fill(r->cr);
}

static void stroke_areas(struct map_ctx *r, int layer, struct map_rgb c, double alpha, double width)
{
    cairo_new_path(r->cr);
    r->stroke_w = width;
    for (size_t i = 0; i < r->m->n_areas[layer]; i++)
        if (map_area_visible(r, &r->m->areas[layer][i]))
            map_path_geom(r, r->m->areas[layer][i].geom);
    r->stroke_w = 0;
    map_set_rgba(r->cr, c, alpha);
    cairo_set_line_width(r->cr, width);
    cairo_set_line_join(r->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(r->cr);
}

/* 1 when draw_communities strokes the separators of `visible` communities. */
static int community_separators(const struct map_ctx *r, size_t visible)
{
    double fa = r->L.view.fw * r->L.view.fh;
    return visible && fa / (double)visible > 14 * 14 * r->L.u * r->L.u;
}

/* The number of communities draw_communities fills. */
static size_t communities_drawn(const struct map_ctx *r, const signed char *cls)
{
    const struct cov_model *m = r->m;
    int nclass = cls ? MAP_T_COUNT : 3;
    size_t n = 0;
    for (size_t i = 0; i < m->n_areas[COV_COMMUNITIES]; i++) {
        const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
        int ck = cls ? cls[i] : (int)a->ur;
        n += ck >= 0 && ck < nclass && map_area_visible(r, a);
    }
    return n;
}

/* Community fills, batched per class: one cairo path per colour. cls may be
 * NULL (coverage theme: urban/rural). */
static void draw_communities(struct map_ctx *r, const signed char *cls)
{
    const struct cov_model *m = r->m;
    size_t nc = m->n_areas[COV_COMMUNITIES];
    int nclass = cls ? MAP_T_COUNT : 3;
    size_t visible = 0;
    for (int k = 0; k < nclass; k++) {
        cairo_new_path(r->cr);
        for (size_t i = 0; i < nc; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            int ck = cls ? cls[i] : (int)a->ur;
            if (ck != k || !map_area_visible(r, a))
                continue;
            map_path_geom(r, a->geom);
            visible++;
        }
        map_set_rgb(r->cr, cls ? map_tclass_color(k) : map_community_fill((enum cov_ur)k));
        cairo_fill(r->cr);
    }
    if (cls) {
        /* rural communities hatched, so that urban and rural stay apart
         * whatever their target class */
        cairo_new_path(r->cr);
        for (size_t i = 0; i < nc; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            if (a->ur == COV_UR_RURAL && map_area_visible(r, a))
                map_path_geom(r, a->geom);
        }
        cairo_save(r->cr);
        cairo_clip(r->cr);
        double step = MAP_MM(1.6) * r->L.u;
        const struct map_view *v = &r->L.view;
        cairo_new_path(r->cr);
        for (double d = -v->fh; d < v->fw; d += step) {
            cairo_move_to(r->cr, v->fx + d, v->fy + v->fh);
            cairo_line_to(r->cr, v->fx + d + v->fh, v->fy);
        }
        cairo_set_source_rgba(r->cr, 0.35, 0.45, 0.3, 0.35);
        cairo_set_line_width(r->cr, 0.3 * r->L.u);
        cairo_stroke(r->cr);
        cairo_restore(r->cr);
    }
    /* thin white separators while communities are big enough to show them */
    if (community_separators(r, visible))
        stroke_areas(r, COV_COMMUNITIES, (struct map_rgb){1, 1, 1}, 0.9, 0.5 * r->L.u);
}

/* Vector output with very many communities on the page: draw them into a
 * 300 dpi image and place that, as a print layout rasterizes a dense layer;
 * a PDF with millions of tiny polygons is slow to write and to open. */
#define MAP_RASTER_COMMUNITIES 50000

static void draw_communities_raster(struct map_ctx *r, const signed char *cls)
{
    const struct map_view *v = &r->L.view;
    double k = 300.0 / 72;
    int w = (int)ceil(v->fw * k), h = (int)ceil(v->fh * k);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *c2 = cairo_create(img);
    cairo_scale(c2, k, k);
    cairo_translate(c2, -v->fx, -v->fy);
    cairo_set_fill_rule(c2, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_t *saved = r->cr;
    double saved_dev = r->L.dev;
    r->cr = c2;
    r->L.dev = 1 / k;
    draw_communities(r, cls);
    r->cr = saved;
    r->L.dev = saved_dev;
    if (cairo_status(c2) == CAIRO_STATUS_NO_MEMORY)
        r->oom = 1;
    cairo_destroy(c2);
    cairo_surface_flush(img);
    cairo_save(saved);
    cairo_translate(saved, v->fx, v->fy);
    cairo_scale(saved, 1 / k, 1 / k);
    cairo_set_source_surface(saved, img, 0, 0);
    cairo_paint(saved);
    cairo_restore(saved);
    cairo_surface_destroy(img);
}

static void draw_base(struct map_ctx *r, const signed char *cls)
{
    const struct map_view *v = &r->L.view;
    cairo_t *cr = r->cr;
    double u = r->L.u;
    /* outside the districts: a pale grey; the districts themselves white */
    if (map_on(r, ML_BACKGROUND)) {
        cairo_rectangle(cr, v->fx, v->fy, v->fw, v->fh);
        cairo_set_source_rgb(cr, 0.955, 0.96, 0.965);
        cairo_fill(cr);
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    if (map_on(r, ML_BACKGROUND))
        fill_areas(r, COV_DISTRICTS, (struct map_rgb){1, 1, 1});
    size_t nvis = 0;
    if (!r->L.png)
        for (size_t i = 0; i < r->m->n_areas[COV_COMMUNITIES]; i++)
            nvis += map_area_visible(r, &r->m->areas[COV_COMMUNITIES][i]);
    if (map_on(r, ML_COMMUNITIES)) {
        if (nvis > MAP_RASTER_COMMUNITIES)
            draw_communities_raster(r, cls);
        else
            draw_communities(r, cls);
    } else if (map_on(r, ML_PARKS) && nvis <= MAP_RASTER_COMMUNITIES &&
               community_separators(r, communities_drawn(r, cls))) {
        /* the building outlines are stroked with the join the separators left */
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    }
    /* parks and buildings */
    if (map_on(r, ML_PARKS) && r->m->n_areas[COV_PARKS]) {
        fill_areas(r, COV_PARKS, (struct map_rgb){0.85, 0.82, 0.9});
        cairo_set_dash(cr, (double[]){2 * u, 1.2 * u}, 2, 0);
        stroke_areas(r, COV_PARKS, (struct map_rgb){0.45, 0.36, 0.6}, 0.9, 0.5 * u);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    if (map_on(r, ML_PARKS) && r->m->n_areas[COV_BUILDINGS]) {
        cairo_new_path(cr);
        for (size_t i = 0; i < r->m->n_areas[COV_BUILDINGS]; i++) {
            const struct cov_area *a = &r->m->areas[COV_BUILDINGS][i];
            if (!a->geom || a->maxx < r->L.vminx || a->minx > r->L.vmaxx || a->maxy < r->L.vminy ||
                a->miny > r->L.vmaxy)
                continue;
            if (map_is_point_area(r, a))
                map_path_point_area(r, a, 1.4 * u);
            else if (map_area_visible(r, a))
                map_path_geom(r, a->geom);
        }
        cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.42, 0.42, 0.42);
        cairo_set_line_width(cr, 0.4 * u);
        cairo_stroke(cr);
    }
    if (map_on(r, ML_STREETS))
        stroke_areas(r, COV_STREETS, (struct map_rgb){0.63, 0.63, 0.63}, 1, 0.45 * u);
    /* district boundaries: a light casing under a dark line */
    if (map_on(r, ML_DISTRICTS)) {
        stroke_areas(r, COV_DISTRICTS, (struct map_rgb){1, 1, 1}, 0.8, 2.6 * u);
        stroke_areas(r, COV_DISTRICTS, (struct map_rgb){0.29, 0.29, 0.29}, 1, 1.1 * u);
    } else {
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND); /* as stroke_areas leaves it */
    }
}

/* Points of every org with status s inside the view, one path per call. */
static void add_point(struct map_ctx *r, double x, double y, double rad)
{
    if (!isfinite(x) || !isfinite(y))
        return; /* placed nowhere: not drawn */
    double px, py;
    map_view_to_page(&r->L.view, x, y, &px, &py);
    const struct map_view *v = &r->L.view;
    if (px < v->fx - rad || px > v->fx + v->fw + rad || py < v->fy - rad ||
        py > v->fy + v->fh + rad)
        return;
    if (rad < 1.0 * r->L.dev) {
        cairo_rectangle(r->cr, px - rad, py - rad, 2 * rad, 2 * rad);
    } else {
        cairo_move_to(r->cr, px + rad, py);
        cairo_arc(r->cr, px, py, rad, 0, 2 * M_PI);
        cairo_close_path(r->cr);
    }
}

/* The theme's symbols at the pass's strength (r->fade): a neighbour's
 * symbols take the alpha MAP_FADE directly rather than a composited group,
 * which cairo 1.16's SVG surface leaks. */
static void sym_rgba(struct map_ctx *r, struct map_rgb c, double a)
{
    map_set_rgba(r->cr, c, a * r->fade);
}

/* Which features a pass draws: those of the zoom area (IN), the others (OUT)
 * or all (ALL, a map without a zoom area). */
enum { SET_OUT, SET_IN, SET_ALL };

static int org_in_set(const struct map_ctx *r, size_t i, int set)
{
    return set == SET_ALL || map_org_in_focus(r->m, &r->L, i) == (set == SET_IN);
}

static void fill_outline(struct map_ctx *r, struct map_rgb c, double rad)
{
    cairo_t *cr = r->cr;
    sym_rgba(r, c, 1);
    if (rad >= 1.5 * r->L.dev) {
        cairo_fill_preserve(cr);
        sym_rgba(r, (struct map_rgb){0.15, 0.15, 0.15}, 0.6);
        cairo_set_line_width(cr, 0.25 * r->L.u);
        cairo_stroke(cr);
    } else {
        cairo_fill(cr);
    }
}

static void draw_points(struct map_ctx *r, int set)
{
    const enum cov_status *order = map_status_order; /* most alarming on top */
    cairo_set_fill_rule(r->cr, CAIRO_FILL_RULE_WINDING);
    /* Placed only to an area: a hollow ring at the area's drawing point,
     * under the real points, so that nobody reads it as an address; one
     * ring per status there, nested (map_ring_radius_of). */
    double ring = map_ring_radius(&r->L);
    for (int k = 0; k < COV_ST_COUNT; k++) {
        enum cov_status s = order[k];
        cairo_new_path(r->cr);
        for (size_t i = 0; i < r->m->n_orgs; i++) {
            const struct cov_org *o = &r->m->orgs[i];
            if (o->status != s || o->placed == COV_PLACED_POINT || !org_in_set(r, i, set))
                continue;
            int l = map_ring_layer(o->placed);
            long a = l >= 0 ? o->area[l] : -1;
            add_point(r, o->x, o->y,
                      a >= 0 && (size_t)a < r->m->n_areas[l]
                          ? map_ring_radius_of(&r->L, l, (size_t)a, (int)s)
                          : ring);
        }
        sym_rgba(r, map_status_color(s), 1);
        cairo_set_line_width(r->cr, fmax(0.5 * r->L.u, r->L.dev));
        cairo_stroke(r->cr);
    }
    for (int k = 0; k < COV_ST_COUNT; k++) {
        enum cov_status s = order[k];
        cairo_new_path(r->cr);
        for (size_t i = 0; i < r->m->n_orgs; i++)
            if (r->m->orgs[i].status == s && r->m->orgs[i].placed == COV_PLACED_POINT &&
                org_in_set(r, i, set))
                add_point(r, r->m->orgs[i].x, r->m->orgs[i].y, r->L.point_r);
        fill_outline(r, map_status_color(s), r->L.point_r);
    }
}

struct cellref {
    long n;
    size_t c;
};

static int cmp_cell_desc(const void *a, const void *b)
{
    const struct cellref *x = a, *y = b;
    return x->n != y->n ? (x->n > y->n ? -1 : 1) : (x->c > y->c) - (x->c < y->c);
}

static void draw_aggregated(struct map_ctx *r)
{
    const struct map_layout *L = &r->L;
    size_t nc = (size_t)L->nx * (size_t)L->ny, k = 0;
    struct cellref *ord = malloc((nc ? nc : 1) * sizeof(*ord));
    if (!ord) {
        r->oom = 1;
        return;
    }
    for (size_t c = 0; c < nc; c++)
        if (L->cell_n[c])
            ord[k++] = (struct cellref){L->cell_n[c], c};
    qsort(ord, k, sizeof(*ord), cmp_cell_desc); /* big circles first, small on top */
    double rmax = 0.5 * L->cell;                /* the largest circles just touch */
    for (size_t i = 0; i < k; i++) {
        size_t c = ord[i].c;
        double n = (double)L->cell_n[c];
        double rad = fmax(0.8 * L->u, rmax * sqrt(n / (double)L->agg_max));
        double px = L->cell_x[c] / n, py = L->cell_y[c] / n;
        cairo_new_path(r->cr);
        cairo_arc(r->cr, px, py, rad, 0, 2 * M_PI);
        map_set_rgba(r->cr, map_agg_color(map_agg_class((double)L->cell_cov[c] / n)), 0.9);
        cairo_fill_preserve(r->cr);
        cairo_set_source_rgb(r->cr, 1, 1, 1);
        cairo_set_line_width(r->cr, 0.4 * L->u);
        cairo_stroke(r->cr);
    }
    free(ord);
}

/* Orgs drawn light grey under a theme's own symbols. */
static void draw_points_faint(struct map_ctx *r, double rad, int set)
{
    cairo_new_path(r->cr);
    for (size_t i = 0; i < r->m->n_orgs; i++)
        if (org_in_set(r, i, set))
            add_point(r, r->m->orgs[i].x, r->m->orgs[i].y, rad);
    sym_rgba(r, (struct map_rgb){0.75, 0.75, 0.75}, 1);
    cairo_fill(r->cr);
}

/* 1 when group gr belongs to the pass: a group with a member in the zoom
 * area is the area's. */
static int group_in_set(const struct map_ctx *r, const struct cov_group *gr, int set)
{
    if (set == SET_ALL)
        return 1;
    int in = 0;
    for (size_t k = 0; k < gr->n_members && !in; k++)
        in = gr->members[k] < r->m->n_orgs && map_org_in_focus(r->m, &r->L, gr->members[k]);
    return in == (set == SET_IN);
}

static void draw_plan(struct map_ctx *r, int set)
{
    const struct cov_plan *p = r->o->plan;
    const struct cov_model *m = r->m;
    cairo_t *cr = r->cr;
    double u = r->L.u, rad = fmax(r->L.point_r, 1.6 * u);
    draw_points_faint(r, fmin(r->L.point_r, 1.2 * u), set);
    /* instructor candidates: small dark grey dots */
    cairo_new_path(cr);
    for (size_t k = 0; k < p->n_instructor; k++)
        if (p->instructor[k] < m->n_orgs && org_in_set(r, p->instructor[k], set))
            add_point(r, m->orgs[p->instructor[k]].x, m->orgs[p->instructor[k]].y,
                      fmin(r->L.point_r, 1.6 * u));
    sym_rgba(r, (struct map_rgb){0.5, 0.5, 0.5}, 1);
    cairo_fill(cr);
    /* regional: the park or building highlighted */
    for (size_t g = 0; g < p->n_groups; g++) {
        const struct cov_group *gr = &p->groups[g];
        if (gr->kind != COV_G_REGIONAL || gr->host < 0 ||
            (gr->host_layer != COV_PARKS && gr->host_layer != COV_BUILDINGS) ||
            (size_t)gr->host >= m->n_areas[gr->host_layer] || !group_in_set(r, gr, set))
            continue;
        const struct cov_area *a = &m->areas[gr->host_layer][gr->host];
        cairo_new_path(cr);
        if (map_is_point_area(r, a))
            map_path_point_area(r, a, 3 * u);
        else
            map_path_geom(r, a->geom);
        sym_rgba(r, map_group_color(COV_G_REGIONAL), 0.3);
        cairo_fill_preserve(cr);
        sym_rgba(r, map_group_color(COV_G_REGIONAL), 1);
        cairo_set_line_width(cr, 1.2 * u);
        cairo_stroke(cr);
    }
    /* joint and industry: members linked to the medoid (joint) or host */
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int kind = COV_G_INDUSTRY; kind <= COV_G_JOINT; kind++) {
        cairo_new_path(cr);
        for (size_t g = 0; g < p->n_groups; g++) {
            const struct cov_group *gr = &p->groups[g];
            if ((int)gr->kind != kind || !group_in_set(r, gr, set))
                continue;
            size_t hub = gr->medoid;
            if (kind == COV_G_INDUSTRY && gr->host_layer == COV_ORGANIZATIONS && gr->host >= 0)
                hub = (size_t)gr->host;
            if (hub >= m->n_orgs)
                continue;
            double hx, hy;
            map_view_to_page(&r->L.view, m->orgs[hub].x, m->orgs[hub].y, &hx, &hy);
            for (size_t k = 0; k < gr->n_members; k++) {
                if (gr->members[k] >= m->n_orgs || gr->members[k] == hub)
                    continue;
                double px, py;
                map_view_to_page(&r->L.view, m->orgs[gr->members[k]].x, m->orgs[gr->members[k]].y,
                                 &px, &py);
                cairo_move_to(cr, hx, hy);
                cairo_line_to(cr, px, py);
            }
        }
        /* industry groups are not spatial: their spokes stay in the background */
        sym_rgba(r, map_group_color(kind), kind == COV_G_INDUSTRY ? 0.35 : 0.9);
        cairo_set_line_width(cr, (kind == COV_G_INDUSTRY ? 0.4 : 0.9) * u);
        cairo_stroke(cr);
    }
    /* member symbols of every group, hubs larger */
    for (int kind = 0; kind < COV_G_COUNT; kind++) {
        cairo_new_path(cr);
        for (size_t g = 0; g < p->n_groups; g++) {
            const struct cov_group *gr = &p->groups[g];
            if ((int)gr->kind != kind || !group_in_set(r, gr, set))
                continue;
            for (size_t k = 0; k < gr->n_members; k++)
                if (gr->members[k] < m->n_orgs)
                    add_point(r, m->orgs[gr->members[k]].x, m->orgs[gr->members[k]].y,
                              (gr->members[k] == gr->medoid && kind == COV_G_JOINT) ||
                                      kind == COV_G_STANDALONE || kind == COV_G_FUNCTIONAL
                                  ? 1.4 * rad
                                  : rad);
        }
        fill_outline(r, map_group_color(kind), rad);
    }
}

static void draw_focus_mask(struct map_ctx *r)
{
    if (r->L.focus < 0)
        return;
    const struct cov_area *a = &r->m->areas[r->L.focus_layer][r->L.focus];
    const struct map_view *v = &r->L.view;
    cairo_t *cr = r->cr;
    cairo_new_path(cr);
    cairo_rectangle(cr, v->fx, v->fy, v->fw, v->fh);
    map_path_geom(r, a->geom);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
    cairo_fill(cr);
    cairo_new_path(cr);
    map_path_geom(r, a->geom);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.6 * r->L.u);
    cairo_stroke(cr);
}

/* The theme's own layer: the points, their aggregation or the plan. */
static void draw_theme(struct map_ctx *r, int set)
{
    if (r->o->theme == MAP_THEME_PLAN)
        draw_plan(r, set);
    else if (r->o->theme == MAP_THEME_COVERAGE && r->L.aggregated)
        draw_aggregated(r); /* cells mix the area with its neighbours: drawn as one */
    else if (r->o->theme == MAP_THEME_COVERAGE)
        draw_points(r, set);
}

void map_draw_layers(struct map_ctx *r)
{
    cairo_t *cr = r->cr;
    const struct map_opts *o = r->o;
    draw_base(r, r->cls);
    /* the mask under the symbols, so that a neighbour's symbols are faded by
     * one rule (MAP_FADE) and the area's own stay at full strength */
    if (map_on(r, ML_FOCUS))
        draw_focus_mask(r);
    else if (r->L.focus >= 0)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    unsigned theme = o->theme == MAP_THEME_PLAN       ? ML_PLAN
                     : o->theme == MAP_THEME_COVERAGE ? ML_ORGS
                                                      : 0;
    if (!theme)
        return; /* targets: communities are the subject, points would only add noise */
    /* a skipped step sets the state the later steps inherit from it */
    if (!map_on(r, theme)) {
        if (o->theme == MAP_THEME_PLAN)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        else if (!r->L.aggregated)
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        return;
    }
    r->fade = 1;
    if (r->L.focus < 0 || (o->theme == MAP_THEME_COVERAGE && r->L.aggregated)) {
        draw_theme(r, SET_ALL);
        return;
    }
    /* the neighbours first and faded, the area's own over them */
    r->fade = MAP_FADE;
    draw_theme(r, SET_OUT);
    r->fade = 1;
    draw_theme(r, SET_IN);
}
