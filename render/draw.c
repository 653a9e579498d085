/* draw.c - drawing a map page with cairo and pango: base layers from GEOS
 * geometries, organization points (or their aggregation), theme layers,
 * labels and the map furniture; surfaces for PNG, PDF and SVG; atlases. */
#include "map.h"
#include "render_int.h"

#include "../analysis/geos.h"
#include "../analysis/place.h"
#include "themes.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A growable string: the text an SVG carries in <title>/<desc>. */
struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
};

/* Room for n more bytes and the NUL; sets b->oom and returns -1 when out of memory. */
static int sb_reserve(struct sbuf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? 2 * b->cap : 1024;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *q = realloc(b->s, cap);
    if (!q) {
        b->oom = 1;
        return -1;
    }
    b->s = q;
    b->cap = cap;
    return 0;
}

static void sb_add(struct sbuf *b, const char *text, int xml)
{
    if (!b || b->oom)
        return;
    for (const char *p = text; *p; p++) {
        const char *rep = NULL;
        char one[2] = {*p, 0};
        if (xml && *p == '&')
            rep = "&amp;";
        else if (xml && *p == '<')
            rep = "&lt;";
        else if (xml && *p == '>')
            rep = "&gt;";
        const char *add = rep ? rep : one;
        size_t n = strlen(add);
        if (sb_reserve(b, n))
            return;
        memcpy(b->s + b->len, add, n + 1);
        b->len += n;
    }
}

/* Append n raw bytes (no escaping); keeps b->s NUL-terminated. */
static void sb_addn(struct sbuf *b, const char *data, size_t n)
{
    if (!b || b->oom)
        return;
    if (sb_reserve(b, n))
        return;
    memcpy(b->s + b->len, data, n);
    b->len += n;
    b->s[b->len] = 0;
}

/*
 * Layers of a page, in drawing order. PNG and PDF pages draw all of them in
 * one pass; an SVG is drawn once per layer, each pass with only that layer's
 * bit set in rc.layers, and the passes are merged into named groups (see
 * render_svg). A step whose layer is off draws nothing but still leaves the
 * cairo state it would have left (fill rule, line join and cap), so that the
 * later steps draw exactly as in a single pass.
 */
enum {
    ML_BACKGROUND = 1u << 0,  /* page, frame ground, district fills */
    ML_COMMUNITIES = 1u << 1, /* community fills (or their raster), hatching, separators */
    ML_PARKS = 1u << 2,       /* parks and buildings */
    ML_STREETS = 1u << 3,     /* street boundaries */
    ML_DISTRICTS = 1u << 4,   /* district boundaries */
    ML_ORGS = 1u << 5,        /* organization points or their aggregation (coverage) */
    ML_PLAN = 1u << 6,        /* the proposal plan (plan theme) */
    ML_FOCUS = 1u << 7,       /* the mask around a zoom area */
    ML_LABELS = 1u << 8,      /* placed labels */
    ML_FURNITURE = 1u << 9,   /* north arrow, scale bar, frame, titles, attribution */
    ML_LEGEND = 1u << 10,     /* the legend panel */
    ML_ALL = (1u << 11) - 1
};

static const struct {
    unsigned bit;
    const char *name; /* SVG group "layer-NAME"; also the id prefix of the pass */
} LAYERS[] = {
    {ML_BACKGROUND, "background"},
    {ML_COMMUNITIES, "communities"},
    {ML_PARKS, "parks-buildings"},
    {ML_STREETS, "streets"},
    {ML_DISTRICTS, "districts"},
    {ML_ORGS, "organizations"},
    {ML_PLAN, "plan"},
    {ML_FOCUS, "focus"},
    {ML_LABELS, "labels"},
    {ML_FURNITURE, "furniture"},
    {ML_LEGEND, "legend"},
};

struct rc {
    unsigned layers;   /* ML_* bits drawn by this pass */
    struct sbuf *meta; /* SVG only: legend and labels as text, XML-escaped */
    const struct cov_model *m;
    const struct map_opts *o;
    struct map_layout L;
    cairo_t *cr;
    PangoContext *pc;
    double *buf; /* page coordinates of the ring being drawn */
    size_t cap;
    int oom;
    double obst[4][4]; /* furniture boxes inside the frame, for the labels */
    size_t n_obst;
    signed char *cls; /* targets theme: per community class, target and count */
    int *have, *need;
};

static int on(const struct rc *r, unsigned layer)
{
    return (r->layers & layer) != 0;
}

static void set_rgb(cairo_t *cr, struct map_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void set_rgba(cairo_t *cr, struct map_rgb c, double a)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

/* ---- text ---- */

static PangoLayout *text_new(struct rc *r, const char *s, double size, int bold, double width)
{
    PangoLayout *ly = pango_layout_new(r->pc);
    PangoFontDescription *fd = pango_font_description_from_string(MAP_FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(ly, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(ly, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(ly, s, -1);
    return ly;
}

static void text_size(PangoLayout *ly, double *w, double *h)
{
    int iw, ih;
    pango_layout_get_size(ly, &iw, &ih);
    *w = (double)iw / PANGO_SCALE;
    *h = (double)ih / PANGO_SCALE;
}

/* Draw ly with its top-left corner at (x, y); halo > 0 draws a white outline
 * of that width first, so the text reads over features. */
static void text_draw(struct rc *r, PangoLayout *ly, double x, double y, struct map_rgb c,
                      double halo)
{
    cairo_t *cr = r->cr;
    if (halo > 0) {
        cairo_new_path(cr);
        cairo_move_to(cr, x, y);
        pango_cairo_layout_path(cr, ly);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_set_line_width(cr, halo);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_move_to(cr, x, y);
    set_rgb(cr, c);
    pango_cairo_show_layout(cr, ly);
    cairo_new_path(cr);
}

/* One line of text; returns its width. align: 0 left, 1 right, 2 centre of x. */
static double text_at(struct rc *r, const char *s, double x, double y, double size, int bold,
                      struct map_rgb c, int align)
{
    PangoLayout *ly = text_new(r, s, size, bold, 0);
    double w, h;
    text_size(ly, &w, &h);
    double tx = align == 1 ? x - w : align == 2 ? x - w / 2 : x;
    text_draw(r, ly, tx, y, c, 0);
    g_object_unref(ly);
    return w;
}

int map_text_unknown_glyphs(const char *text)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    cairo_t *cr = cairo_create(s);
    PangoLayout *ly = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(MAP_FONT " 10");
    pango_layout_set_font_description(ly, fd);
    pango_layout_set_text(ly, text, -1);
    int n = pango_layout_get_unknown_glyphs_count(ly);
    pango_font_description_free(fd);
    g_object_unref(ly);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return n;
}

void map_global_cleanup(void)
{
    /* Drops pango's font map and with it the cached fonts. cairo_debug_reset_static_data()
     * and FcFini() would free more, but they assert that no cairo object is alive
     * anywhere, and pango's caches made that fail now and then (an abort in
     * _cairo_hash_table_destroy); what is left is reachable and freed at exit, except a
     * small fontconfig parser leak suppressed by name in tests/lsan.supp. */
    pango_cairo_font_map_set_default(NULL);
}

/* ---- geometry paths ---- */

static int area_visible(const struct rc *r, const struct cov_area *a)
{
    const struct map_layout *L = &r->L;
    if (!a->geom || a->maxx < L->vminx || a->minx > L->vmaxx || a->maxy < L->vminy ||
        a->miny > L->vmaxy)
        return 0;
    double s = L->view.s;
    return (a->maxx - a->minx) * s >= 0.5 * L->dev || (a->maxy - a->miny) * s >= 0.5 * L->dev;
}

static void path_ring(struct rc *r, const GEOSGeometry *ring)
{
    GEOSContextHandle_t h = r->m->geos;
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 3)
        return;
    if (2 * (size_t)n > r->cap) {
        size_t cap = 2 * (size_t)n + 64;
        double *b = realloc(r->buf, cap * sizeof(*b));
        if (!b) {
            r->oom = 1;
            return;
        }
        r->buf = b;
        r->cap = cap;
    }
    /* skip vertices closer than a third of a device pixel to the last kept
     * one: the model is not simplified, only what would not show */
    double tol = r->L.dev / 3;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    size_t k = 0;
    for (unsigned int i = 0; i < n; i++) {
        double x, y, px, py;
        if (!GEOSCoordSeq_getXY_r(h, cs, i, &x, &y))
            return;
        map_view_to_page(&r->L.view, x, y, &px, &py);
        if (k && i + 1 < n && fabs(px - r->buf[2 * k - 2]) < tol &&
            fabs(py - r->buf[2 * k - 1]) < tol)
            continue;
        r->buf[2 * k] = px;
        r->buf[2 * k + 1] = py;
        k++;
        minx = fmin(minx, px), maxx = fmax(maxx, px);
        miny = fmin(miny, py), maxy = fmax(maxy, py);
    }
    if (k < 3 || (maxx - minx < r->L.dev / 2 && maxy - miny < r->L.dev / 2))
        return;
    cairo_move_to(r->cr, r->buf[0], r->buf[1]);
    for (size_t i = 1; i < k; i++)
        cairo_line_to(r->cr, r->buf[2 * i], r->buf[2 * i + 1]);
    cairo_close_path(r->cr);
}

static void path_geom(struct rc *r, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = r->m->geos;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        const GEOSGeometry *ext = GEOSGetExteriorRing_r(h, g);
        if (ext)
            path_ring(r, ext);
        int ni = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < ni; i++) {
            const GEOSGeometry *in = GEOSGetInteriorRingN_r(h, g, i);
            if (in)
                path_ring(r, in);
        }
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
            if (p)
                path_geom(r, p);
        }
    }
}

/* Point areas (buildings given as points): a small square. */
static void path_point_area(struct rc *r, const struct cov_area *a, double half)
{
    double px, py;
    map_view_to_page(&r->L.view, (a->minx + a->maxx) / 2, (a->miny + a->maxy) / 2, &px, &py);
    cairo_rectangle(r->cr, px - half, py - half, 2 * half, 2 * half);
}

static int is_point_area(const struct rc *r, const struct cov_area *a)
{
    int t = GEOSGeomTypeId_r(r->m->geos, a->geom);
    return t == GEOS_POINT || t == GEOS_MULTIPOINT;
}

/* ---- layers ---- */

static void fill_areas(struct rc *r, int layer, struct map_rgb c)
{
    cairo_new_path(r->cr);
    for (size_t i = 0; i < r->m->n_areas[layer]; i++)
        if (area_visible(r, &r->m->areas[layer][i]))
            path_geom(r, r->m->areas[layer][i].geom);
    set_rgb(r->cr, c);
    cairo_fill(r->cr);
}

static void stroke_areas(struct rc *r, int layer, struct map_rgb c, double alpha, double width)
{
    cairo_new_path(r->cr);
    for (size_t i = 0; i < r->m->n_areas[layer]; i++)
        if (area_visible(r, &r->m->areas[layer][i]))
            path_geom(r, r->m->areas[layer][i].geom);
    set_rgba(r->cr, c, alpha);
    cairo_set_line_width(r->cr, width);
    cairo_set_line_join(r->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(r->cr);
}

/* 1 when draw_communities strokes the separators of `visible` communities. */
static int community_separators(const struct rc *r, size_t visible)
{
    double fa = r->L.view.fw * r->L.view.fh;
    return visible && fa / (double)visible > 14 * 14 * r->L.u * r->L.u;
}

/* The number of communities draw_communities fills. */
static size_t communities_drawn(const struct rc *r, const signed char *cls)
{
    const struct cov_model *m = r->m;
    int nclass = cls ? MAP_T_COUNT : 3;
    size_t n = 0;
    for (size_t i = 0; i < m->n_areas[COV_COMMUNITIES]; i++) {
        const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
        int ck = cls ? cls[i] : (int)a->ur;
        n += ck >= 0 && ck < nclass && area_visible(r, a);
    }
    return n;
}

/* Community fills, batched per class: one cairo path per colour. cls may be
 * NULL (coverage theme: urban/rural). */
static void draw_communities(struct rc *r, const signed char *cls)
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
            if (ck != k || !area_visible(r, a))
                continue;
            path_geom(r, a->geom);
            visible++;
        }
        set_rgb(r->cr, cls ? map_tclass_color(k) : map_community_fill((enum cov_ur)k));
        cairo_fill(r->cr);
    }
    if (cls) {
        /* rural communities hatched, so that urban and rural stay apart
         * whatever their target class */
        cairo_new_path(r->cr);
        for (size_t i = 0; i < nc; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            if (a->ur == COV_UR_RURAL && area_visible(r, a))
                path_geom(r, a->geom);
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

static void draw_communities_raster(struct rc *r, const signed char *cls)
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

static void draw_base(struct rc *r, const signed char *cls)
{
    const struct map_view *v = &r->L.view;
    cairo_t *cr = r->cr;
    double u = r->L.u;
    /* outside the districts: a pale grey; the districts themselves white */
    if (on(r, ML_BACKGROUND)) {
        cairo_rectangle(cr, v->fx, v->fy, v->fw, v->fh);
        cairo_set_source_rgb(cr, 0.955, 0.96, 0.965);
        cairo_fill(cr);
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    if (on(r, ML_BACKGROUND))
        fill_areas(r, COV_DISTRICTS, (struct map_rgb){1, 1, 1});
    size_t nvis = 0;
    if (!r->L.png)
        for (size_t i = 0; i < r->m->n_areas[COV_COMMUNITIES]; i++)
            nvis += area_visible(r, &r->m->areas[COV_COMMUNITIES][i]);
    if (on(r, ML_COMMUNITIES)) {
        if (nvis > MAP_RASTER_COMMUNITIES)
            draw_communities_raster(r, cls);
        else
            draw_communities(r, cls);
    } else if (on(r, ML_PARKS) && nvis <= MAP_RASTER_COMMUNITIES &&
               community_separators(r, communities_drawn(r, cls))) {
        /* the building outlines are stroked with the join the separators left */
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    }
    /* parks and buildings */
    if (on(r, ML_PARKS) && r->m->n_areas[COV_PARKS]) {
        fill_areas(r, COV_PARKS, (struct map_rgb){0.85, 0.82, 0.9});
        cairo_set_dash(cr, (double[]){2 * u, 1.2 * u}, 2, 0);
        stroke_areas(r, COV_PARKS, (struct map_rgb){0.45, 0.36, 0.6}, 0.9, 0.5 * u);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    if (on(r, ML_PARKS) && r->m->n_areas[COV_BUILDINGS]) {
        cairo_new_path(cr);
        for (size_t i = 0; i < r->m->n_areas[COV_BUILDINGS]; i++) {
            const struct cov_area *a = &r->m->areas[COV_BUILDINGS][i];
            if (!a->geom || a->maxx < r->L.vminx || a->minx > r->L.vmaxx || a->maxy < r->L.vminy ||
                a->miny > r->L.vmaxy)
                continue;
            if (is_point_area(r, a))
                path_point_area(r, a, 1.4 * u);
            else if (area_visible(r, a))
                path_geom(r, a->geom);
        }
        cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.42, 0.42, 0.42);
        cairo_set_line_width(cr, 0.4 * u);
        cairo_stroke(cr);
    }
    if (on(r, ML_STREETS))
        stroke_areas(r, COV_STREETS, (struct map_rgb){0.63, 0.63, 0.63}, 1, 0.45 * u);
    /* district boundaries: a light casing under a dark line */
    if (on(r, ML_DISTRICTS)) {
        stroke_areas(r, COV_DISTRICTS, (struct map_rgb){1, 1, 1}, 0.8, 2.6 * u);
        stroke_areas(r, COV_DISTRICTS, (struct map_rgb){0.29, 0.29, 0.29}, 1, 1.1 * u);
    } else {
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND); /* as stroke_areas leaves it */
    }
}

/* Points of every org with status s inside the view, one path per call. */
static void add_point(struct rc *r, double x, double y, double rad)
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

static void fill_outline(struct rc *r, struct map_rgb c, double rad)
{
    cairo_t *cr = r->cr;
    set_rgb(cr, c);
    if (rad >= 1.5 * r->L.dev) {
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0.15, 0.15, 0.15, 0.6);
        cairo_set_line_width(cr, 0.25 * r->L.u);
        cairo_stroke(cr);
    } else {
        cairo_fill(cr);
    }
}

static void draw_points(struct rc *r)
{
    /* most alarming on top */
    static const enum cov_status order[COV_ST_COUNT] = {
        COV_ST_NO_MEMBERS, COV_ST_STANDALONE, COV_ST_JOINT, COV_ST_REGIONAL,
        COV_ST_INDUSTRY,   COV_ST_FUNCTIONAL, COV_ST_SMALL, COV_ST_ELIGIBLE};
    cairo_set_fill_rule(r->cr, CAIRO_FILL_RULE_WINDING);
    /* Placed only to an area: a hollow ring at the area's drawing point,
     * under the real points, so that nobody reads it as an address. */
    double ring = fmax(r->L.point_r, 1.4 * r->L.u);
    for (int k = 0; k < COV_ST_COUNT; k++) {
        enum cov_status s = order[k];
        cairo_new_path(r->cr);
        for (size_t i = 0; i < r->m->n_orgs; i++) {
            const struct cov_org *o = &r->m->orgs[i];
            if (o->status == s && o->placed != COV_PLACED_POINT)
                add_point(r, o->x, o->y, ring);
        }
        set_rgb(r->cr, map_status_color(s));
        cairo_set_line_width(r->cr, fmax(0.5 * r->L.u, r->L.dev));
        cairo_stroke(r->cr);
    }
    for (int k = 0; k < COV_ST_COUNT; k++) {
        enum cov_status s = order[k];
        cairo_new_path(r->cr);
        for (size_t i = 0; i < r->m->n_orgs; i++)
            if (r->m->orgs[i].status == s && r->m->orgs[i].placed == COV_PLACED_POINT)
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

static void draw_aggregated(struct rc *r)
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
        set_rgba(r->cr, map_agg_color(map_agg_class((double)L->cell_cov[c] / n)), 0.9);
        cairo_fill_preserve(r->cr);
        cairo_set_source_rgb(r->cr, 1, 1, 1);
        cairo_set_line_width(r->cr, 0.4 * L->u);
        cairo_stroke(r->cr);
    }
    free(ord);
}

/* Orgs drawn light grey under a theme's own symbols. */
static void draw_points_faint(struct rc *r, double rad)
{
    cairo_new_path(r->cr);
    for (size_t i = 0; i < r->m->n_orgs; i++)
        add_point(r, r->m->orgs[i].x, r->m->orgs[i].y, rad);
    set_rgb(r->cr, (struct map_rgb){0.75, 0.75, 0.75});
    cairo_fill(r->cr);
}

static void draw_plan(struct rc *r)
{
    const struct cov_plan *p = r->o->plan;
    const struct cov_model *m = r->m;
    cairo_t *cr = r->cr;
    double u = r->L.u, rad = fmax(r->L.point_r, 1.6 * u);
    draw_points_faint(r, fmin(r->L.point_r, 1.2 * u));
    /* instructor candidates: small dark grey dots */
    cairo_new_path(cr);
    for (size_t k = 0; k < p->n_instructor; k++)
        if (p->instructor[k] < m->n_orgs)
            add_point(r, m->orgs[p->instructor[k]].x, m->orgs[p->instructor[k]].y,
                      fmin(r->L.point_r, 1.6 * u));
    set_rgb(cr, (struct map_rgb){0.5, 0.5, 0.5});
    cairo_fill(cr);
    /* regional: the park or building highlighted */
    for (size_t g = 0; g < p->n_groups; g++) {
        const struct cov_group *gr = &p->groups[g];
        if (gr->kind != COV_G_REGIONAL || gr->host < 0 ||
            (gr->host_layer != COV_PARKS && gr->host_layer != COV_BUILDINGS) ||
            (size_t)gr->host >= m->n_areas[gr->host_layer])
            continue;
        const struct cov_area *a = &m->areas[gr->host_layer][gr->host];
        cairo_new_path(cr);
        if (is_point_area(r, a))
            path_point_area(r, a, 3 * u);
        else
            path_geom(r, a->geom);
        set_rgba(cr, map_group_color(COV_G_REGIONAL), 0.3);
        cairo_fill_preserve(cr);
        set_rgb(cr, map_group_color(COV_G_REGIONAL));
        cairo_set_line_width(cr, 1.2 * u);
        cairo_stroke(cr);
    }
    /* joint and industry: members linked to the medoid (joint) or host */
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int kind = COV_G_INDUSTRY; kind <= COV_G_JOINT; kind++) {
        cairo_new_path(cr);
        for (size_t g = 0; g < p->n_groups; g++) {
            const struct cov_group *gr = &p->groups[g];
            if ((int)gr->kind != kind)
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
        set_rgba(cr, map_group_color(kind), kind == COV_G_INDUSTRY ? 0.35 : 0.9);
        cairo_set_line_width(cr, (kind == COV_G_INDUSTRY ? 0.4 : 0.9) * u);
        cairo_stroke(cr);
    }
    /* member symbols of every group, hubs larger */
    for (int kind = 0; kind < COV_G_COUNT; kind++) {
        cairo_new_path(cr);
        for (size_t g = 0; g < p->n_groups; g++) {
            const struct cov_group *gr = &p->groups[g];
            if ((int)gr->kind != kind)
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

/* ---- labels ---- */

struct lab {
    char *text;
    double size;
    int bold;
    struct map_rgb color;
    PangoLayout *ly;
};

struct labels {
    struct map_label *l;
    struct lab *t;
    size_t n, cap;
};

static void labels_add(struct rc *r, struct labels *ls, const char *text, double x, double y,
                       double prio, int point, double size, int bold, struct map_rgb c)
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
    double px, py;
    map_view_to_page(&r->L.view, x, y, &px, &py);
    ls->l[ls->n] = (struct map_label){
        .ax = px, .ay = py, .priority = prio, .point = point, .gap = r->L.point_r + 1.5 * r->L.u};
    ls->t[ls->n] = (struct lab){dup, size, bold, c, NULL};
    ls->n++;
}

static int anchor_of(struct rc *r, const GEOSGeometry *g, double *x, double *y)
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

static int cmp_label_prio(const void *a, const void *b)
{
    const struct map_label *x = a, *y = b;
    return x->priority != y->priority ? (x->priority > y->priority ? -1 : 1) : 0;
}

static void labels_collect(struct rc *r, struct labels *ls, const signed char *cls, const int *have,
                           const int *need)
{
    const struct cov_model *m = r->m;
    double u = r->L.u;
    struct map_rgb dark = {0.15, 0.15, 0.15}, mid = {0.4, 0.4, 0.4};
    /* zoomed into a street or community, the district name is no help */
    int district_labels = r->L.focus < 0 || r->L.focus_layer == COV_DISTRICTS;
    for (size_t i = 0; district_labels && i < m->n_areas[COV_DISTRICTS]; i++) {
        const struct cov_area *a = &m->areas[COV_DISTRICTS][i];
        double x, y;
        if (a->name && area_visible(r, a) && !anchor_of(r, a->geom, &x, &y))
            labels_add(r, ls, a->name, x, y,
                       1000 + (a->maxx - a->minx) * (a->maxy - a->miny) * 1e-12, 0, 10 * u, 1,
                       dark);
    }
    /* streets when zoomed in far enough that their names can fit */
    size_t ns = m->n_areas[COV_STREETS], vis = 0;
    for (size_t i = 0; i < ns; i++)
        vis += area_visible(r, &m->areas[COV_STREETS][i]);
    if (vis && vis <= 120 && (!cls || r->L.focus >= 0)) {
        for (size_t i = 0; i < ns; i++) {
            const struct cov_area *a = &m->areas[COV_STREETS][i];
            double x, y;
            if (!a->name || !area_visible(r, a) || anchor_of(r, a->geom, &x, &y))
                continue;
            /* outside a zoom area: context only, lighter and placed last */
            int in = map_area_in_focus(m, &r->L, COV_STREETS, i);
            labels_add(r, ls, a->name, x, y, (in ? 500 : 400) + (a->maxx - a->minx) * 1e-9, 0,
                       6.5 * u, 0, in ? mid : (struct map_rgb){0.62, 0.62, 0.62});
        }
    }
    /* community names once few enough are in view to read them */
    size_t nc = m->n_areas[COV_COMMUNITIES], cvis = 0;
    int comm_labels = r->o->theme == MAP_THEME_COVERAGE;
    for (size_t i = 0; comm_labels && i < nc; i++)
        cvis += area_visible(r, &m->areas[COV_COMMUNITIES][i]);
    if (comm_labels && cvis && cvis <= 80) {
        for (size_t i = 0; i < nc; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            double x, y;
            if (!a->name || !area_visible(r, a) || anchor_of(r, a->geom, &x, &y))
                continue;
            labels_add(r, ls, a->name, x, y, 300 + (a->maxx - a->minx) * 1e-9, 0, 5.5 * u, 0,
                       (struct map_rgb){0.5, 0.44, 0.38});
        }
    }
    if (cls) {
        /* failing communities, largest shortfall first; at most 3000 tried */
        for (size_t i = 0; i < m->n_areas[COV_COMMUNITIES]; i++) {
            const struct cov_area *a = &m->areas[COV_COMMUNITIES][i];
            if ((cls[i] != MAP_T_SHORT1 && cls[i] != MAP_T_SHORT2) || !a->name ||
                !area_visible(r, a))
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
            labels_add(r, ls, buf, x, y, 10 + (need[i] - have[i]) + sz * 1e-4, 0, 6 * u, 0,
                       (struct map_rgb){0.45, 0.18, 0.0});
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
            labels_add(r, ls, gr->name, o->x, o->y, 20 + (double)gr->n_members, 1, 6 * u, 0,
                       map_group_color(gr->kind));
        }
    }
}

static void draw_labels(struct rc *r, const signed char *cls, const int *have, const int *need)
{
    struct labels ls = {0};
    labels_collect(r, &ls, cls, have, need);
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
    for (size_t i = 0; i < ls.n; i++) {
        ls.t[i].ly = text_new(r, ls.t[i].text, ls.t[i].size, ls.t[i].bold, 0);
        text_size(ls.t[i].ly, &ls.l[i].w, &ls.l[i].h);
        ls.l[i].w += 2 * pad;
        ls.l[i].h += 0;
    }
    const struct map_view *v = &r->L.view;
    double bounds[4] = {v->fx, v->fy, v->fw, v->fh};
    if (map_labels_place(ls.l, ls.n, bounds, (const double(*)[4])r->obst, r->n_obst, NULL)) {
        r->oom = 1;
        goto cleanup;
    }
    for (size_t i = 0; i < ls.n; i++)
        if (ls.l[i].placed && r->meta) {
            sb_add(r->meta, "\n  ", 0);
            sb_add(r->meta, ls.t[i].text, 1);
        }
    for (size_t i = 0; i < ls.n; i++)
        if (ls.l[i].placed)
            text_draw(r, ls.t[i].ly, ls.l[i].x + pad, ls.l[i].y, ls.t[i].color,
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

/* ---- furniture ---- */

static void draw_focus_mask(struct rc *r)
{
    if (r->L.focus < 0)
        return;
    const struct cov_area *a = &r->m->areas[r->L.focus_layer][r->L.focus];
    const struct map_view *v = &r->L.view;
    cairo_t *cr = r->cr;
    cairo_new_path(cr);
    cairo_rectangle(cr, v->fx, v->fy, v->fw, v->fh);
    path_geom(r, a->geom);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
    cairo_fill(cr);
    cairo_new_path(cr);
    path_geom(r, a->geom);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.6 * r->L.u);
    cairo_stroke(cr);
}

static void north_arrow_box(const struct rc *r, double b[4])
{
    const struct map_view *v = &r->L.view;
    double u = r->L.u, w = MAP_MM(7) * u, h = MAP_MM(13) * u;
    b[0] = v->fx + v->fw - MAP_MM(4) * u - w;
    b[1] = v->fy + MAP_MM(4) * u;
    b[2] = w;
    b[3] = h;
}

static void draw_north_arrow(struct rc *r)
{
    double b[4];
    north_arrow_box(r, b);
    cairo_t *cr = r->cr;
    double u = r->L.u, cx = b[0] + b[2] / 2;
    double top = b[1] + MAP_MM(4.5) * u, bot = b[1] + b[3], hw = MAP_MM(2.2) * u;
    double mid = bot - MAP_MM(2.2) * u;
    struct map_rgb dark = {0.15, 0.15, 0.15};
    text_at(r, r->o->lang_en ? "N" : "北", cx, b[1], 8 * u, 1, dark, 2);
    cairo_new_path(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx - hw, bot);
    cairo_line_to(cr, cx, mid);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    set_rgb(cr, dark);
    cairo_set_line_width(cr, 0.5 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx + hw, bot);
    cairo_line_to(cr, cx, mid);
    cairo_close_path(cr);
    cairo_fill_preserve(cr);
    cairo_stroke(cr);
}

static void draw_scalebar(struct rc *r, double box[4])
{
    const struct map_view *v = &r->L.view;
    cairo_t *cr = r->cr;
    double u = r->L.u;
    double len = map_scalebar_length(0.25 * v->fw / v->s);
    double bl = len * v->s, bh = MAP_MM(1.5) * u;
    double x0 = v->fx + MAP_MM(6) * u, ybar = v->fy + v->fh - MAP_MM(9) * u;
    char lab[48], half[48], den[64], num[32];
    map_format_length(len, lab, sizeof(lab));
    map_format_length(len / 2, half, sizeof(half));
    map_format_count((long)(round(map_view_denominator(v) / 10) * 10), num, sizeof(num));
    snprintf(den, sizeof(den), "1:%s", num);
    PangoLayout *dl = text_new(r, den, 6.5 * u, 0, 0), *ll = text_new(r, lab, 6.5 * u, 0, 0);
    double dw, dh, lw, lh;
    text_size(dl, &dw, &dh);
    text_size(ll, &lw, &lh);
    /* white backing so the bar reads over any map content */
    double pad = MAP_MM(2.5) * u, right = fmax(x0 + bl + lw / 2, x0 + bl + MAP_MM(3) * u + dw);
    box[0] = x0 - pad;
    box[1] = ybar - MAP_MM(3.6) * u - pad / 2;
    box[2] = right + pad - box[0];
    box[3] = ybar + bh + pad - box[1];
    if (!on(r, ML_FURNITURE)) {
        g_object_unref(dl);
        g_object_unref(ll);
        return;
    }
    cairo_rectangle(cr, box[0], box[1], box[2], box[3]);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill(cr);
    /* 1-2-5 lengths split into 5 (1, 5) or 4 (2) equal segments */
    int first = (int)round(len / pow(10, floor(log10(len) + 1e-9)));
    int seg = first == 2 ? 4 : 5;
    for (int i = 0; i < seg; i++) {
        cairo_rectangle(cr, x0 + bl * i / seg, ybar, bl / seg, bh);
        if (i % 2 == 0)
            cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, ybar, bl, bh);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 0.4 * u);
    cairo_stroke(cr);
    struct map_rgb dark = {0.15, 0.15, 0.15};
    double ty = ybar - MAP_MM(3.6) * u;
    text_at(r, "0", x0, ty, 6.5 * u, 0, dark, 2);
    if (bl > 3 * lw) /* room for the middle figure */
        text_at(r, half, x0 + bl / 2, ty, 6.5 * u, 0, dark, 2);
    text_draw(r, ll, x0 + bl - lw / 2, ty, dark, 0);
    text_draw(r, dl, x0 + bl + MAP_MM(3) * u, ybar + bh / 2 - dh / 2,
              (struct map_rgb){0.35, 0.35, 0.35}, 0);
    g_object_unref(dl);
    g_object_unref(ll);
}

static void legend_symbol(struct rc *r, const struct map_legend_entry *e, double x, double y,
                          double w, double h)
{
    cairo_t *cr = r->cr;
    double u = r->L.u, cx = x + w / 2, cy = y + h / 2;
    cairo_new_path(cr);
    switch (e->kind) {
    case MAP_LEG_POINT: {
        double rad = fmin(fmax(e->width, 1.6 * u), h / 2);
        cairo_arc(cr, cx, cy, rad, 0, 2 * M_PI);
        set_rgb(cr, e->color);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0.15, 0.15, 0.15, 0.6);
        cairo_set_line_width(cr, 0.25 * u);
        cairo_stroke(cr);
        break;
    }
    case MAP_LEG_HOLLOW: {
        double rad = fmin(fmax(e->width, 1.6 * u), h / 2);
        cairo_arc(cr, cx, cy, rad, 0, 2 * M_PI);
        set_rgb(cr, e->color);
        cairo_set_line_width(cr, 0.5 * u);
        cairo_stroke(cr);
        break;
    }
    case MAP_LEG_FILL:
    case MAP_LEG_HATCH:
        cairo_rectangle(cr, x, y, w, h);
        set_rgb(cr, e->color);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        cairo_set_line_width(cr, 0.35 * u);
        cairo_stroke(cr);
        if (e->kind == MAP_LEG_HATCH) {
            cairo_save(cr);
            cairo_rectangle(cr, x, y, w, h);
            cairo_clip(cr);
            double step = MAP_MM(1.6) * u;
            for (double d = -h; d < w; d += step) {
                cairo_move_to(cr, x + d, y + h);
                cairo_line_to(cr, x + d + h, y);
            }
            cairo_set_source_rgba(cr, 0.35, 0.45, 0.3, 0.6);
            cairo_set_line_width(cr, 0.3 * u);
            cairo_stroke(cr);
            cairo_restore(cr);
        }
        break;
    case MAP_LEG_LINE:
        cairo_move_to(cr, x, cy);
        cairo_line_to(cr, x + w, cy);
        set_rgb(cr, e->color);
        cairo_set_line_width(cr, e->width * u);
        cairo_stroke(cr);
        break;
    case MAP_LEG_LINK:
        cairo_move_to(cr, x + 1.5 * u, y + h - 1.5 * u);
        cairo_line_to(cr, cx, cy);
        cairo_line_to(cr, x + w - 1.5 * u, y + 1.5 * u);
        cairo_move_to(cr, cx, cy);
        cairo_line_to(cr, x + w - 1.5 * u, y + h - 1.5 * u);
        set_rgb(cr, e->color);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
        cairo_arc(cr, cx, cy, 2.4 * u, 0, 2 * M_PI);
        cairo_fill(cr);
        break;
    case MAP_LEG_CIRCLE: {
        double rad = e->width;
        cairo_arc(cr, cx, cy, rad, 0, 2 * M_PI);
        set_rgba(cr, e->color, 0.9);
        cairo_fill(cr);
        break;
    }
    default:
        break;
    }
}

static void draw_legend(struct rc *r)
{
    struct map_legend_entry *e = NULL;
    size_t n = map_legend_for(r->m, r->o, &r->L, NULL, 0);
    e = calloc(n ? n : 1, sizeof(*e));
    if (!e) {
        r->oom = 1;
        return;
    }
    n = map_legend_for(r->m, r->o, &r->L, e, n);
    sb_add(r->meta, "\nlegend:", 0);
    for (size_t i = 0; i < n && r->meta; i++) {
        char cnt[48] = "";
        if (e[i].count >= 0)
            snprintf(cnt, sizeof(cnt), " (%ld)", e[i].count);
        sb_add(r->meta, "\n  ", 0);
        sb_add(r->meta, e[i].label, 1);
        sb_add(r->meta, cnt, 0);
    }
    cairo_t *cr = r->cr;
    double u = r->L.u, *b = r->L.legend, pad = MAP_MM(3) * u;
    cairo_rectangle(cr, b[0], b[1], b[2], b[3]);
    cairo_set_source_rgb(cr, 0.72, 0.72, 0.72);
    cairo_set_line_width(cr, 0.5 * u);
    cairo_stroke(cr);
    cairo_save(cr);
    cairo_rectangle(cr, b[0], b[1], b[2], b[3]);
    cairo_clip(cr);
    struct map_rgb dark = {0.12, 0.12, 0.12}, grey = {0.35, 0.35, 0.35};
    int cols = r->L.legend_cols > 1 ? r->L.legend_cols : 1, col = 0;
    double colgap = MAP_MM(6) * u;
    double x = b[0] + pad, y = b[1] + pad, w = (b[2] - 2 * pad - (cols - 1) * colgap) / cols;
    double sw = MAP_MM(6) * u, sh = MAP_MM(3.4) * u, fs = 7 * u, row = MAP_MM(4.7) * u;
    text_at(r, r->o->lang_en ? "Legend" : "图  例", x, y, 10 * u, 1, dark, 0);
    y += MAP_MM(6) * u;
    double ytop = y, ybot = b[1] + b[3] - pad;
    for (size_t i = 0; i < n; i++) {
        double tw, th;
        /* next column when this entry (a heading: with two rows under it)
         * would not fit */
        double need = row;
        if (e[i].kind == MAP_LEG_HEADING) {
            /* keep a section together when a column can hold it */
            size_t k = i + 1;
            while (k < n && e[k].kind != MAP_LEG_HEADING)
                k++;
            need = (double)(k - i + 1) * row;
            if (need > ybot - ytop)
                need = 3 * row;
        }
        if (e[i].kind == MAP_LEG_CIRCLE)
            need = fmax(row, 2 * e[i].width + 2 * u);
        if (y + need > ybot && col + 1 < cols) {
            col++;
            x += w + colgap;
            y = ytop;
        }
        if (e[i].kind == MAP_LEG_HEADING) {
            y += MAP_MM(1.5) * u;
            PangoLayout *ly = text_new(r, e[i].label, 7.5 * u, 1, w);
            text_size(ly, &tw, &th);
            text_draw(r, ly, x, y, dark, 0);
            g_object_unref(ly);
            y += th + MAP_MM(1) * u;
            continue;
        }
        if (e[i].kind == MAP_LEG_NOTE && e[i].count < 0) {
            PangoLayout *ly = text_new(r, e[i].label, 6.5 * u, 0, w);
            text_size(ly, &tw, &th);
            text_draw(r, ly, x, y, grey, 0);
            g_object_unref(ly);
            y += th + MAP_MM(0.8) * u;
            continue;
        }
        double symw = e[i].kind == MAP_LEG_CIRCLE ? fmax(sw, 2 * e[i].width) : sw;
        double sym = e[i].kind == MAP_LEG_NOTE ? 0 : symw + MAP_MM(2) * u;
        double cw = 0;
        char cnt[32] = "";
        if (e[i].count >= 0) {
            map_format_count(e[i].count, cnt, sizeof(cnt));
            PangoLayout *cl = text_new(r, cnt, fs, 0, 0);
            double ch;
            text_size(cl, &cw, &ch);
            g_object_unref(cl);
        }
        double rowh = e[i].kind == MAP_LEG_CIRCLE ? fmax(sh, 2 * e[i].width + 2 * u) : sh;
        PangoLayout *ly = text_new(r, e[i].label, fs, 0, w - sym - cw - MAP_MM(2) * u);
        text_size(ly, &tw, &th);
        double hh = fmax(rowh, th);
        if (e[i].kind == MAP_LEG_CIRCLE)
            legend_symbol(r, &e[i], x, y + (hh - rowh) / 2, symw, rowh);
        else if (e[i].kind != MAP_LEG_NOTE)
            legend_symbol(r, &e[i], x, y + (fmin(hh, th) - sh) / 2, sw, sh);
        text_draw(r, ly, x + sym, y + (hh - th) / 2, dark, 0);
        g_object_unref(ly);
        if (cnt[0])
            text_at(r, cnt, x + w, y + (hh - th) / 2, fs, 0, dark, 1);
        y += hh + MAP_MM(1.3) * u;
    }
    cairo_restore(cr);
    free(e);
}

static const char *default_title(const struct map_opts *o)
{
    static const char *const zh[] = {"社会组织党组织覆盖情况", "社区社会组织与党建目标",
                                     "党组织组建方案"};
    static const char *const en[] = {"Party organization coverage of social organizations",
                                     "Policy targets: community organizations and coverage",
                                     "Party organization formation plan"};
    int t = (unsigned)o->theme <= MAP_THEME_PLAN ? (int)o->theme : 0;
    return o->lang_en ? en[t] : zh[t];
}

static void page_title(const struct cov_model *m, const struct map_opts *o, char *title, size_t n)
{
    const char *fname = NULL;
    if (o->area >= 0 && o->area_layer >= 0 && o->area_layer < COV_NAREAS &&
        (size_t)o->area < m->n_areas[o->area_layer])
        fname = m->areas[o->area_layer][o->area].name;
    if (o->title)
        snprintf(title, n, "%s", o->title);
    else if (fname)
        snprintf(title, n, "%s%s%s", fname, o->lang_en ? ": " : " · ", default_title(o));
    else
        snprintf(title, n, "%s", default_title(o));
}

static void draw_titles(struct rc *r)
{
    const struct map_opts *o = r->o;
    const struct map_layout *L = &r->L;
    const struct cov_model *m = r->m;
    double u = L->u, margin = MAP_MM(8) * u;
    char title[512], sub[512], a[32], b[32];
    page_title(m, o, title, sizeof(title));
    if (o->subtitle) {
        snprintf(sub, sizeof(sub), "%s", o->subtitle);
    } else if (o->theme == MAP_THEME_PLAN && o->plan) {
        long groups[COV_G_COUNT], orgs[COV_G_COUNT], instr, ng = 0, no = 0;
        map_plan_counts(m, o->plan, L, groups, orgs, &instr);
        for (int k = 0; k < COV_G_COUNT; k++)
            ng += groups[k], no += orgs[k];
        map_format_count(ng, a, sizeof(a));
        map_format_count(no, b, sizeof(b));
        int k = o->lang_en
                    ? snprintf(sub, sizeof(sub), "%s %s proposed, taking in %s social %s", a,
                               map_unit_orgs(ng, 1), b, map_unit_orgs(no, 1))
                    : snprintf(sub, sizeof(sub), "拟组建党组织 %s 个，覆盖社会组织 %s 个", a, b);
        if (L->focus < 0 && isfinite(o->plan->coverage_rate_after) && k > 0 &&
            (size_t)k < sizeof(sub))
            k +=
                snprintf(sub + k, sizeof(sub) - (size_t)k,
                         o->lang_en ? "; coverage after the plan %.1f %%" : "，实施后覆盖率 %.1f%%",
                         100 * o->plan->coverage_rate_after);
        if (o->data_date && k > 0 && (size_t)k < sizeof(sub))
            snprintf(sub + k, sizeof(sub) - (size_t)k,
                     o->lang_en ? " · data as of %s" : " · 数据日期 %s", o->data_date);
    } else if (o->theme == MAP_THEME_TARGETS && o->targets) {
        long cnt[MAP_T_COUNT];
        struct map_rates rates;
        map_targets_counts(m, o->targets, L, cnt, &rates);
        map_format_count(cnt[MAP_T_MET] + cnt[MAP_T_SHORT1] + cnt[MAP_T_SHORT2], a, sizeof(a));
        map_format_count(cnt[MAP_T_SHORT1] + cnt[MAP_T_SHORT2], b, sizeof(b));
        int k = snprintf(sub, sizeof(sub),
                         o->lang_en ? "%s communities with a target, %s short of it"
                                    : "有目标的社区 %s 个，未达标 %s 个",
                         a, b);
        if (o->data_date && k > 0 && (size_t)k < sizeof(sub))
            snprintf(sub + k, sizeof(sub) - (size_t)k,
                     o->lang_en ? " · data as of %s" : " · 数据日期 %s", o->data_date);
    } else {
        long cov = 0;
        for (int s = 0; s <= COV_ST_FUNCTIONAL; s++)
            cov += L->counts[s];
        map_format_count(L->n_focus, a, sizeof(a));
        map_format_count(cov, b, sizeof(b));
        double pct = L->n_focus ? 100.0 * (double)cov / (double)L->n_focus : 0.0;
        int k = o->lang_en ? snprintf(sub, sizeof(sub), "%s social %s, %s covered (%.1f %%)", a,
                                      map_unit_orgs(L->n_focus, 1), b, pct)
                           : snprintf(sub, sizeof(sub), "社会组织 %s 个，已覆盖 %s 个（%.1f%%）", a,
                                      b, pct);
        if (L->n_unplaced && k > 0 && (size_t)k < sizeof(sub)) {
            map_format_count(L->n_unplaced, a, sizeof(a));
            k += snprintf(sub + k, sizeof(sub) - (size_t)k,
                          o->lang_en ? "; %s not placed and not on the map"
                                     : "，其中 %s 个无法定位、未在图上",
                          a);
        }
        if (o->data_date && k > 0 && (size_t)k < sizeof(sub))
            snprintf(sub + k, sizeof(sub) - (size_t)k,
                     o->lang_en ? " · data as of %s" : " · 数据日期 %s", o->data_date);
    }
    struct map_rgb dark = {0.1, 0.1, 0.1}, grey = {0.35, 0.35, 0.35};
    text_at(r, title, margin, margin, 15 * u, 1, dark, 0);
    text_at(r, sub, margin, margin + MAP_MM(8.5) * u, 8 * u, 0, grey, 0);
    sb_add(r->meta, "\n", 0);
    sb_add(r->meta, sub, 1);
    double ry = margin + MAP_MM(14) * u;
    cairo_move_to(r->cr, margin, ry);
    cairo_line_to(r->cr, L->pw - margin, ry);
    cairo_set_source_rgb(r->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(r->cr, 0.5 * u);
    cairo_stroke(r->cr);
    /* bottom line: attribution left, CRS and maker right */
    double by = L->foot_y;
    if (o->attribution)
        text_at(r, o->attribution, margin, by, 6.5 * u, 0, grey, 0);
    char crs[160];
    if (m->srid > 0)
        snprintf(crs, sizeof(crs),
                 o->lang_en ? "CRS EPSG:%d · made with orgcover" : "坐标系 EPSG:%d · orgcover 制图",
                 m->srid);
    else
        snprintf(crs, sizeof(crs), "%s", o->lang_en ? "made with orgcover" : "orgcover 制图");
    text_at(r, crs, L->pw - margin, by, 6.5 * u, 0, grey, 1);
}

/* ---- one page ---- */

/* Compute the layout and the theme classes of a page drawn on cr (which also
 * sets up the pango context). Release with page_end() in every case. */
static int page_begin(struct rc *r, cairo_t *cr, const struct cov_model *m,
                      const struct map_opts *o, struct sbuf *meta, struct cov_err *err)
{
    *r = (struct rc){.layers = ML_ALL, .m = m, .o = o, .cr = cr, .meta = meta};
    int rc = map_layout_compute(m, o, &r->L, err);
    if (rc)
        return rc;
    r->pc = pango_cairo_create_context(cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(r->pc, fo);
    cairo_font_options_destroy(fo);

    if (o->theme == MAP_THEME_TARGETS) {
        size_t nc = m->n_areas[COV_COMMUNITIES];
        r->cls = malloc(nc ? nc : 1);
        r->have = malloc((nc ? nc : 1) * sizeof(*r->have));
        r->need = malloc((nc ? nc : 1) * sizeof(*r->need));
        if (!r->cls || !r->have || !r->need)
            return cov_err_set(err, COV_ENOMEM, "out of memory drawing the targets map");
        if (map_targets_classes(m, o->targets, r->cls, r->have, r->need))
            return cov_err_set(err, COV_EINPUT,
                               "targets refer to a community the model does not have");
    }
    return 0;
}

static void page_end(struct rc *r)
{
    if (r->pc)
        g_object_unref(r->pc);
    r->pc = NULL;
    map_layout_release(&r->L);
    free(r->buf);
    free(r->cls);
    free(r->have);
    free(r->need);
    r->buf = NULL;
    r->cls = NULL;
    r->have = r->need = NULL;
}

/* The layers page r has (ML_* bits), for the SVG groups. */
static unsigned page_layers(const struct rc *r)
{
    const struct cov_model *m = r->m;
    unsigned l = ML_BACKGROUND | ML_COMMUNITIES | ML_STREETS | ML_DISTRICTS | ML_LABELS |
                 ML_FURNITURE | ML_LEGEND;
    if (m->n_areas[COV_PARKS] || m->n_areas[COV_BUILDINGS])
        l |= ML_PARKS;
    if (r->o->theme == MAP_THEME_COVERAGE)
        l |= ML_ORGS;
    if (r->o->theme == MAP_THEME_PLAN)
        l |= ML_PLAN;
    if (r->L.focus >= 0)
        l |= ML_FOCUS;
    return l;
}

/* Draw the layers r->layers of the page on r->cr; 0 or the error. */
static int page_draw(struct rc *r, struct cov_err *err)
{
    cairo_t *cr = r->cr;
    const struct map_opts *o = r->o;
    r->n_obst = 0;
    if (on(r, ML_BACKGROUND)) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    const struct map_view *v = &r->L.view;
    cairo_save(cr);
    cairo_rectangle(cr, v->fx, v->fy, v->fw, v->fh);
    cairo_clip(cr);
    draw_base(r, r->cls);
    /* a skipped step sets the state the later steps inherit from it */
    if (o->theme == MAP_THEME_PLAN) {
        if (on(r, ML_PLAN))
            draw_plan(r);
        else
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    } else if (o->theme == MAP_THEME_COVERAGE && r->L.aggregated) {
        if (on(r, ML_ORGS))
            draw_aggregated(r);
    } else if (o->theme == MAP_THEME_COVERAGE) {
        if (on(r, ML_ORGS))
            draw_points(r);
        else
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    }
    /* targets: communities are the subject, points would only add noise */
    if (on(r, ML_FOCUS))
        draw_focus_mask(r);
    else if (r->L.focus >= 0)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    north_arrow_box(r, r->obst[r->n_obst++]);
    double sb[4];
    draw_scalebar(r, sb);
    memcpy(r->obst[r->n_obst++], sb, sizeof(sb));
    if (on(r, ML_LABELS)) {
        sb_add(r->meta, "\nlabels:", 0);
        draw_labels(r, r->cls, r->have, r->need);
    }
    if (on(r, ML_FURNITURE))
        draw_north_arrow(r);
    /* redraw the scale bar over any label halo that came close */
    draw_scalebar(r, sb);
    cairo_restore(cr);
    if (on(r, ML_FURNITURE)) {
        cairo_rectangle(cr, v->fx, v->fy, v->fw, v->fh);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 0.7 * r->L.u);
        cairo_stroke(cr);
        draw_titles(r);
    }
    if (on(r, ML_LEGEND))
        draw_legend(r);
    if (r->oom)
        return cov_err_set(err, COV_ENOMEM, "out of memory drawing the map");
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return cov_err_set(err, COV_EFAIL, "drawing failed: %s",
                           cairo_status_to_string(cairo_status(cr)));
    return 0;
}

/* One page with all its layers (PNG, PDF, atlas pages). */
static int draw_page(cairo_t *cr, const struct cov_model *m, const struct map_opts *o,
                     struct sbuf *meta, struct cov_err *err)
{
    struct rc r;
    int rc = page_begin(&r, cr, m, o, meta, err);
    if (!rc)
        rc = page_draw(&r, err);
    page_end(&r);
    return rc;
}

/* ---- surfaces ---- */

enum fmt { FMT_PNG, FMT_PDF, FMT_SVG, FMT_BAD };

static enum fmt fmt_of(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n < 5)
        return FMT_BAD;
    if (!strcasecmp(path + n - 4, ".png"))
        return FMT_PNG;
    if (!strcasecmp(path + n - 4, ".pdf"))
        return FMT_PDF;
    if (!strcasecmp(path + n - 4, ".svg"))
        return FMT_SVG;
    return FMT_BAD;
}

static int check_inputs(const struct cov_model *m, const struct map_opts *o, struct cov_err *err)
{
    if (!m->assigned || !m->classified)
        return cov_err_set(err, COV_EINPUT,
                           "the model must be assigned and classified before it is drawn "
                           "(run the coverage analysis first)");
    if (o->theme == MAP_THEME_TARGETS && !o->targets)
        return cov_err_set(err, COV_EINPUT, "the targets map needs the target checks");
    if (o->theme == MAP_THEME_PLAN && !o->plan)
        return cov_err_set(err, COV_EINPUT, "the plan map needs a proposal plan");
    if ((unsigned)o->theme > MAP_THEME_PLAN)
        return cov_err_set(err, COV_EINPUT, "unknown map theme %d", (int)o->theme);
    return 0;
}

static int surface_error(cairo_surface_t *s, const char *path, struct cov_err *err)
{
    cairo_status_t st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        return 0;
    return cov_err_set(err, st == CAIRO_STATUS_NO_MEMORY ? COV_ENOMEM : COV_EIO,
                       "%s: cannot write: %s", path, cairo_status_to_string(st));
}

static void page_points(const struct map_opts *o, int png, double *w, double *h)
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

/* ---- SVG: one cairo document per layer, merged into named groups ---- */

static cairo_status_t svg_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct sbuf *b = closure;
    sb_addn(b, (const char *)data, length);
    return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Copy n bytes of cairo's SVG markup, prefixing every id="X" and every
 * reference to one (href="#X", url(#X)) with "PREFIX-". */
static void sb_add_prefixed(struct sbuf *b, const char *s, size_t n, const char *prefix)
{
    static const char *const pat[] = {"id=\"", "href=\"#", "url(#"};
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof(pat) / sizeof(pat[0]); k++) {
            size_t pl = strlen(pat[k]);
            if (s[i] != pat[k][0] || n - i < pl || memcmp(s + i, pat[k], pl))
                continue;
            /* an attribute name starts after white space (id) or a colon (xlink:href) */
            if (k < 2 && (i == 0 || !strchr(k == 0 ? " \t\r\n" : " \t\r\n:", s[i - 1])))
                continue;
            sb_addn(b, s + done, i + pl - done);
            sb_add(b, prefix, 0);
            sb_add(b, "-", 0);
            done = i + pl;
            i += pl - 1;
            break;
        }
    }
    sb_addn(b, s + done, n - done);
}

/*
 * Add one layer's cairo document (doc, n bytes) to the merged SVG: the first
 * one gives the XML declaration and the <svg> root (into head, with the
 * inkscape namespace declared); each adds its <defs> and its drawing wrapped
 * in <g id="layer-NAME"> to body, every id prefixed with NAME.
 */
static int svg_merge(struct sbuf *head, struct sbuf *body, const char *doc, size_t n,
                     const char *name, const char *path, struct cov_err *err)
{
    const char *root = memmem(doc, n, "<svg", 4);
    const char *rend = root ? memchr(root, '>', n - (size_t)(root - doc)) : NULL;
    const char *close = NULL;
    for (const char *p = rend; p && (p = memmem(p, n - (size_t)(p - doc), "</svg>", 6)); p++)
        close = p;
    if (!rend || !close || rend[-1] == '/')
        return cov_err_set(err, COV_EFAIL, "%s: cairo wrote no <svg> document for layer %s", path,
                           name);
    if (!head->len) {
        sb_addn(head, doc, (size_t)(rend - doc));
        sb_add(head, " xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\">", 0);
    }
    const char *c = rend + 1, *end = close;
    while (c < end && strchr(" \t\r\n", *c))
        c++;
    if (end - c >= 6 && !memcmp(c, "<defs>", 6)) {
        const char *de = memmem(c, (size_t)(end - c), "</defs>", 7);
        if (!de)
            return cov_err_set(err, COV_EFAIL, "%s: unterminated <defs> in layer %s", path, name);
        de += 7;
        sb_add(body, "\n", 0);
        sb_add_prefixed(body, c, (size_t)(de - c), name);
        c = de;
    }
    sb_add(body, "\n<g id=\"layer-", 0);
    sb_add(body, name, 0);
    sb_add(body, "\" inkscape:groupmode=\"layer\" inkscape:label=\"", 0);
    sb_add(body, name, 0);
    sb_add(body, "\">", 0);
    sb_add_prefixed(body, c, (size_t)(end - c), name);
    sb_add(body, "</g>", 0);
    return 0;
}

/*
 * cairo 1.16 cannot name groups in SVG output, so the page is drawn once per
 * layer, each into its own in-memory SVG document with the same page and
 * transforms, and the documents are merged into one: one <svg> root, then per
 * layer its <defs> and a <g id="layer-NAME" inkscape:groupmode="layer">
 * (QGIS, Inkscape and browsers see the layers), ids prefixed per layer so
 * glyphs and clips of different documents never collide. cairo writes text as
 * glyph outlines, so the title, the legend entries (with counts) and the
 * placed labels are also given as the SVG's <title> and <desc>.
 */
static int render_svg(const struct cov_model *m, const struct map_opts *o, double w, double h,
                      const char *title, struct cov_err *err)
{
    struct rc r = {0};
    struct sbuf meta = {0}, doc = {0}, head = {0}, body = {0}, t = {0};
    cairo_surface_t *s = NULL;
    cairo_t *cr = NULL;
    int rc = 0, begun = 0;
    unsigned want = 0;
    FILE *out = fopen(o->path, "wb"); /* an unwritable path fails before the drawing */
    if (!out)
        return cov_err_set(err, COV_EIO, "%s: cannot write", o->path);
    for (size_t i = 0; i < sizeof(LAYERS) / sizeof(LAYERS[0]); i++) {
        if (begun && !(want & LAYERS[i].bit))
            continue;
        doc.len = 0;
        s = cairo_svg_surface_create_for_stream(svg_write, &doc, w, h);
        if ((rc = surface_error(s, o->path, err)))
            goto cleanup;
        cr = cairo_create(s);
        if (!begun) {
            begun = 1;
            if ((rc = page_begin(&r, cr, m, o, &meta, err)))
                goto cleanup;
            want = page_layers(&r) | ML_BACKGROUND; /* the first pass is always drawn */
        } else {
            r.cr = cr;
            pango_cairo_update_context(cr, r.pc);
        }
        r.layers = LAYERS[i].bit;
        if ((rc = page_draw(&r, err)))
            goto cleanup;
        cairo_show_page(cr);
        cairo_destroy(cr);
        cr = NULL;
        cairo_surface_finish(s);
        rc = surface_error(s, o->path, err);
        cairo_surface_destroy(s);
        s = NULL;
        if (rc)
            goto cleanup;
        if (doc.oom) {
            rc = cov_err_set(err, COV_ENOMEM, "out of memory writing %s", o->path);
            goto cleanup;
        }
        if ((rc = svg_merge(&head, &body, doc.s ? doc.s : "", doc.len, LAYERS[i].name, o->path,
                            err)))
            goto cleanup;
    }
    sb_add(&t, "\n<title>", 0);
    sb_add(&t, title, 1);
    sb_add(&t, "</title>\n<desc>", 0);
    sb_add(&t, meta.s ? meta.s : "", 0);
    sb_add(&t, "\n</desc>", 0);
    sb_add(&body, "\n</svg>\n", 0);
    if (meta.oom || head.oom || body.oom || t.oom) {
        rc = cov_err_set(err, COV_ENOMEM, "out of memory writing %s", o->path);
        goto cleanup;
    }
    int bad = fwrite(head.s, 1, head.len, out) != head.len || fwrite(t.s, 1, t.len, out) != t.len ||
              fwrite(body.s, 1, body.len, out) != body.len;
    if (bad)
        rc = cov_err_set(err, COV_EIO, "%s: cannot write", o->path);
cleanup:
    if (fclose(out) && !rc)
        rc = cov_err_set(err, COV_EIO, "%s: cannot write", o->path);
    if (rc)
        remove(o->path);
    if (cr)
        cairo_destroy(cr);
    if (s) {
        cairo_surface_finish(s);
        cairo_surface_destroy(s);
    }
    page_end(&r);
    free(meta.s);
    free(doc.s);
    free(head.s);
    free(body.s);
    free(t.s);
    return rc;
}

int map_render(const struct cov_model *m, const struct map_opts *o, struct cov_err *err)
{
    enum fmt f = fmt_of(o->path);
    if (f == FMT_BAD)
        return cov_err_set(err, COV_EINPUT, "%s: the map file must end in .png, .pdf or .svg",
                           o->path ? o->path : "(no output file)");
    int rc = check_inputs(m, o, err);
    if (rc)
        return rc;
    double w, h;
    page_points(o, f == FMT_PNG, &w, &h);
    cairo_surface_t *s = NULL;
    cairo_t *cr = NULL;
    char title[512];
    page_title(m, o, title, sizeof(title));
    if (f == FMT_SVG)
        return render_svg(m, o, w, h, title, err);
    if (f == FMT_PNG) {
        double dpi = o->dpi > 0 ? o->dpi : 150;
        int pw = o->px_w > 0 && o->px_h > 0 ? o->px_w : (int)lround(w / 72 * dpi);
        int ph = o->px_w > 0 && o->px_h > 0 ? o->px_h : (int)lround(h / 72 * dpi);
        if (pw > 30000 || ph > 30000)
            return cov_err_set(err, COV_EINPUT, "%s: %dx%d pixels is too large (dpi %.0f)", o->path,
                               pw, ph, dpi);
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    } else {
        s = cairo_pdf_surface_create(o->path, w, h);
    }
    if ((rc = surface_error(s, o->path, err)))
        goto cleanup;
    if (f == FMT_PDF) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "orgcover");
    }
    cr = cairo_create(s);
    if (f == FMT_PNG) {
        double dpi = o->dpi > 0 ? o->dpi : 150;
        cairo_scale(cr, dpi / 72, dpi / 72);
    }
    if ((rc = draw_page(cr, m, o, NULL, err)))
        goto cleanup;
    cairo_show_page(cr);
    if (f == FMT_PNG) {
        cairo_status_t st = cairo_surface_write_to_png(s, o->path);
        if (st != CAIRO_STATUS_SUCCESS)
            rc = cov_err_set(err, COV_EIO, "%s: cannot write: %s", o->path,
                             cairo_status_to_string(st));
    }
cleanup:
    if (cr)
        cairo_destroy(cr);
    if (s) {
        cairo_surface_finish(s);
        if (!rc)
            rc = surface_error(s, o->path, err);
        cairo_surface_destroy(s);
    }
    return rc;
}

int map_render_atlas(const struct cov_model *m, int by, const struct map_opts *o,
                     cov_progress_fn progress, void *user, struct cov_err *err)
{
    if (fmt_of(o->path) != FMT_PDF)
        return cov_err_set(err, COV_EINPUT, "%s: an atlas is a PDF file (.pdf)",
                           o->path ? o->path : "(no output file)");
    if (by != COV_DISTRICTS && by != COV_STREETS)
        return cov_err_set(err, COV_EINPUT, "atlas pages are per district or per street");
    int rc = check_inputs(m, o, err);
    if (rc)
        return rc;
    double w, h;
    page_points(o, 0, &w, &h);
    cairo_surface_t *s = cairo_pdf_surface_create(o->path, w, h);
    cairo_t *cr = NULL;
    if ((rc = surface_error(s, o->path, err)))
        goto cleanup;
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                   o->title ? o->title : default_title(o));
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "orgcover");
    cr = cairo_create(s);
    size_t n = m->n_areas[by], pages = 0;
    for (size_t i = 0; i <= n; i++) {
        if (progress && progress((double)i / (double)(n + 1), "drawing atlas pages", user)) {
            rc = cov_err_set(err, COV_ECANCEL, "atlas cancelled");
            goto cleanup;
        }
        struct map_opts po = *o;
        if (i > 0) {
            po.area_layer = by;
            po.area = (long)(i - 1);
            po.title = NULL; /* each page titled with its area and its own figures */
            po.subtitle = NULL;
            if (!m->areas[by][i - 1].geom)
                continue;
        }
        if ((rc = draw_page(cr, m, &po, NULL, err)))
            goto cleanup;
        cairo_show_page(cr);
        char link[32];
        snprintf(link, sizeof(link), "page=%zu", ++pages);
        const char *name = i ? m->areas[by][i - 1].name : NULL;
        cairo_pdf_surface_add_outline(s, CAIRO_PDF_OUTLINE_ROOT,
                                      name ? name : (o->lang_en ? "Overview" : "总览"), link, 0);
    }
    if (progress)
        progress(1.0, "drawing atlas pages", user);
cleanup:
    if (cr)
        cairo_destroy(cr);
    if (s) {
        cairo_surface_finish(s);
        if (!rc)
            rc = surface_error(s, o->path, err);
        cairo_surface_destroy(s);
    }
    return rc;
}
