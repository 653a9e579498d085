/* furniture.c - what a map page carries besides the map: north arrow and
 * scale bar in the corners of the frame that hide the fewest features,
 * arrows to the detached pieces of a zoom area, frame, title and subtitle
 * with the page's figures, footer, and the legend panel drawn from the
 * legend's entries (legend.c). */
#include "render_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double map_scalebar_length(double max_m)
{
    if (!(max_m > 0) || !isfinite(max_m))
        return 0;
    double p = pow(10, floor(log10(max_m)));
    /* guard against log10 rounding just below a power of ten */
    if (p * 10 <= max_m)
        p *= 10;
    if (p > max_m)
        p /= 10;
    static const double steps[] = {5, 2, 1};
    for (int i = 0; i < 3; i++)
        if (steps[i] * p <= max_m)
            return steps[i] * p;
    return p;
}

void map_format_length(double metres, int en, char *buf, size_t n)
{
    if (metres >= 1000) {
        double km = metres / 1000;
        if (fabs(km - round(km)) < 1e-9)
            snprintf(buf, n, map_tr(en, "%.0f km"), km);
        else
            snprintf(buf, n, map_tr(en, "%g km"), km);
    } else {
        snprintf(buf, n, map_tr(en, "%g m"), metres);
    }
}

/* Insets of furniture from the frame edges, mm (times u). */
#define INSET_SIDE 4.0
#define INSET_TOP 4.0
#define INSET_BOTTOM 5.0

/* The box of size w x h in corner c of the frame. */
static void corner_box(const struct map_ctx *r, int c, double w, double h, double b[4])
{
    const struct map_view *v = &r->L.view;
    double u = r->L.u;
    int right = c == MAP_C_BR || c == MAP_C_TR, top = c == MAP_C_TL || c == MAP_C_TR;
    b[0] = right ? v->fx + v->fw - MAP_MM(INSET_SIDE) * u - w : v->fx + MAP_MM(INSET_SIDE) * u;
    b[1] = top ? v->fy + MAP_MM(INSET_TOP) * u : v->fy + v->fh - MAP_MM(INSET_BOTTOM) * u - h;
    b[2] = w;
    b[3] = h;
}

static const char *const CORNER_NAMES[MAP_C_COUNT] = {"bottom-left", "bottom-right", "top-left",
                                                      "top-right"};

void map_north_arrow_box(const struct map_ctx *r, double b[4])
{
    double u = r->L.u;
    corner_box(r, r->na_corner, MAP_MM(7) * u, MAP_MM(13) * u, b);
}

void map_draw_north_arrow(struct map_ctx *r)
{
    double b[4];
    map_north_arrow_box(r, b);
    cairo_t *cr = r->cr;
    double u = r->L.u, cx = b[0] + b[2] / 2;
    double top = b[1] + MAP_MM(4.5) * u, bot = b[1] + b[3], hw = MAP_MM(2.2) * u;
    double mid = bot - MAP_MM(2.2) * u;
    struct map_rgb dark = {0.15, 0.15, 0.15};
    /* TRANSLATORS: the north arrow's letter */
    map_text_at(r->cr, r->pc, map_tr(r->o->lang_en, "N"), cx, b[1], 8 * u, 1, dark, 2);
    cairo_new_path(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx - hw, bot);
    cairo_line_to(cr, cx, mid);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, dark);
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

/* The scale bar's parts relative to its box's top-left corner. */
struct scalebar {
    double len, bl, bh; /* length in metres and on the page, bar height */
    double x0, ybar;    /* bar start, bar top (relative to the box) */
    double w, h;        /* the white box */
    char lab[48], half[48], den[64];
    PangoLayout *dl, *ll; /* caller-owned */
    double dw, dh, lw, lh;
};

static void scalebar_measure(const struct map_ctx *r, struct scalebar *sb)
{
    const struct map_view *v = &r->L.view;
    double u = r->L.u;
    char num[32];
    sb->len = map_scalebar_length(0.25 * v->fw / v->s);
    sb->bl = sb->len * v->s;
    sb->bh = MAP_MM(1.5) * u;
    map_format_length(sb->len, r->o->lang_en, sb->lab, sizeof(sb->lab));
    map_format_length(sb->len / 2, r->o->lang_en, sb->half, sizeof(sb->half));
    map_format_count((long)(round(map_view_denominator(v) / 10) * 10), num, sizeof(num));
    snprintf(sb->den, sizeof(sb->den), "1:%s", num);
    sb->dl = map_text_new(r->pc, sb->den, 6.5 * u, 0, 0);
    sb->ll = map_text_new(r->pc, sb->lab, 6.5 * u, 0, 0);
    map_text_size(sb->dl, &sb->dw, &sb->dh);
    map_text_size(sb->ll, &sb->lw, &sb->lh);
    double pad = MAP_MM(2.5) * u;
    double right = fmax(sb->bl + sb->lw / 2, sb->bl + MAP_MM(3) * u + sb->dw);
    sb->x0 = pad;
    sb->ybar = pad / 2 + MAP_MM(3.6) * u;
    sb->w = right + 2 * pad;
    sb->h = sb->ybar + sb->bh + pad;
}

void map_draw_scalebar(struct map_ctx *r, double box[4])
{
    cairo_t *cr = r->cr;
    double u = r->L.u;
    struct scalebar sb;
    scalebar_measure(r, &sb);
    corner_box(r, r->sb_corner, sb.w, sb.h, box);
    double x0 = box[0] + sb.x0, ybar = box[1] + sb.ybar, bl = sb.bl, bh = sb.bh;
    if (!map_on(r, ML_FURNITURE)) {
        g_object_unref(sb.dl);
        g_object_unref(sb.ll);
        return;
    }
    /* white backing so the bar reads over any map content */
    cairo_rectangle(cr, box[0], box[1], box[2], box[3]);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill(cr);
    /* 1-2-5 lengths split into 5 (1, 5) or 4 (2) equal segments */
    int first = (int)round(sb.len / pow(10, floor(log10(sb.len) + 1e-9)));
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
    map_text_at(r->cr, r->pc, "0", x0, ty, 6.5 * u, 0, dark, 2);
    if (bl > 3 * sb.lw) /* room for the middle figure */
        map_text_at(r->cr, r->pc, sb.half, x0 + bl / 2, ty, 6.5 * u, 0, dark, 2);
    map_text_draw(r->cr, sb.ll, x0 + bl - sb.lw / 2, ty, dark, 0);
    map_text_draw(r->cr, sb.dl, x0 + bl + MAP_MM(3) * u, ybar + bh / 2 - sb.dh / 2,
                  (struct map_rgb){0.35, 0.35, 0.35}, 0);
    g_object_unref(sb.dl);
    g_object_unref(sb.ll);
}

/* ---- arrows to the detached pieces of a zoom area ---- */

/* The text of the arrow to piece p (the zoom area's name, its organizations,
 * how far it lies from the main piece). */
static void arrow_text(const struct map_ctx *r, const struct map_part *p, char *buf, size_t n)
{
    const struct cov_area *a = &r->m->areas[r->L.focus_layer][r->L.focus];
    char d[48], c[32];
    int en = r->o->lang_en;
    map_format_length(p->dist >= 1000 ? round(p->dist / 100) * 100 : round(p->dist / 10) * 10, en,
                      d, sizeof(d));
    map_format_count(p->orgs, c, sizeof(c));
    const char *name = a->name ? a->name : a->code;
    snprintf(buf, n,
             map_trn(en, "%s, detached part: %s organization, %s away",
                     "%s, detached part: %s organizations, %s away", p->orgs),
             name, c, d);
}

/* Where the arrow to piece p goes: its tip on the frame edge towards the
 * piece, its unit direction, the text's layout (caller-owned) and
 * top-left corner, and the box holding both. */
struct arrow {
    double tx, ty, dx, dy;
    PangoLayout *ly;
    double lx, ly_y, lw, lh;
    double box[4];
};

static void arrow_geom(const struct map_ctx *r, const struct map_part *p, struct arrow *a)
{
    const struct map_view *v = &r->L.view;
    double u = r->L.u, in = MAP_MM(2) * u, len = MAP_MM(7) * u, gap = MAP_MM(1.2) * u;
    double cx = v->fx + v->fw / 2, cy = v->fy + v->fh / 2, px, py;
    map_view_to_page(v, p->x, p->y, &px, &py);
    double dx = px - cx, dy = py - cy, d = hypot(dx, dy);
    if (!(d > 0))
        dx = 0, dy = -1, d = 1;
    a->dx = dx / d, a->dy = dy / d;
    double hx = v->fw / 2 - in, hy = v->fh / 2 - in;
    double t = fmin(fabs(a->dx) > 1e-12 ? hx / fabs(a->dx) : INFINITY,
                    fabs(a->dy) > 1e-12 ? hy / fabs(a->dy) : INFINITY);
    a->tx = cx + t * a->dx, a->ty = cy + t * a->dy;
    char text[256];
    arrow_text(r, p, text, sizeof(text));
    a->ly = map_text_new(r->pc, text, 6.5 * u, 1, 0);
    map_text_size(a->ly, &a->lw, &a->lh);
    /* the text beyond the arrow's tail, kept inside the frame */
    double bx = a->tx - (len + gap) * a->dx, by = a->ty - (len + gap) * a->dy;
    a->lx = bx - a->lw / 2 - a->dx * a->lw / 2;
    a->ly_y = by - a->lh / 2 - a->dy * a->lh / 2;
    a->lx = fmax(v->fx + in, fmin(a->lx, v->fx + v->fw - in - a->lw));
    a->ly_y = fmax(v->fy + in, fmin(a->ly_y, v->fy + v->fh - in - a->lh));
    double x0 = fmin(a->lx, fmin(a->tx, a->tx - len * a->dx)) - u;
    double y0 = fmin(a->ly_y, fmin(a->ty, a->ty - len * a->dy)) - u;
    double x1 = fmax(a->lx + a->lw, fmax(a->tx, a->tx - len * a->dx)) + u;
    double y1 = fmax(a->ly_y + a->lh, fmax(a->ty, a->ty - len * a->dy)) + u;
    a->box[0] = x0, a->box[1] = y0, a->box[2] = x1 - x0, a->box[3] = y1 - y0;
}

/* 1 when piece a goes before piece b: more organizations, then larger. */
static int part_before(const struct map_part *a, const struct map_part *b)
{
    return a->orgs != b->orgs ? a->orgs > b->orgs : a->area > b->area;
}

void map_furniture_place(struct map_ctx *r)
{
    const struct map_layout *L = &r->L;
    /* the detached pieces out of view, most organizations first; pieces are
     * few, so a selection will do */
    r->n_arrows = 0;
    while (r->n_arrows < MAP_PART_ARROWS) {
        size_t best = L->n_parts;
        for (size_t i = 0; i < L->n_parts; i++) {
            int taken = L->parts[i].shown;
            for (size_t k = 0; k < r->n_arrows && !taken; k++)
                taken = r->arrows[k] == i;
            if (!taken && (best == L->n_parts || part_before(&L->parts[i], &L->parts[best])))
                best = i;
        }
        if (best == L->n_parts)
            break;
        r->arrows[r->n_arrows++] = best;
    }
    for (size_t k = 0; k < r->n_arrows; k++) {
        struct arrow a;
        arrow_geom(r, &L->parts[r->arrows[k]], &a);
        memcpy(r->arrow_box[k], a.box, sizeof(a.box));
        g_object_unref(a.ly);
    }
    /* the scale bar first (it is the larger), then the north arrow */
    struct scalebar sb;
    scalebar_measure(r, &sb);
    g_object_unref(sb.dl);
    g_object_unref(sb.ll);
    double boxes[MAP_C_COUNT][4];
    static const int sb_pref[MAP_C_COUNT] = {MAP_C_BL, MAP_C_BR, MAP_C_TL, MAP_C_TR};
    static const int na_pref[MAP_C_COUNT] = {MAP_C_TR, MAP_C_TL, MAP_C_BR, MAP_C_BL};
    for (int c = 0; c < MAP_C_COUNT; c++)
        corner_box(r, c, sb.w, sb.h, boxes[c]);
    r->sb_corner = map_corner_best(L, (const double(*)[4])boxes, 0,
                                   (const double(*)[4])r->arrow_box, r->n_arrows, sb_pref);
    double sbw = map_occupancy(L, boxes[r->sb_corner]);
    double u = L->u;
    for (int c = 0; c < MAP_C_COUNT; c++)
        corner_box(r, c, MAP_MM(7) * u, MAP_MM(13) * u, boxes[c]);
    r->na_corner = map_corner_best(L, (const double(*)[4])boxes, 1u << r->sb_corner,
                                   (const double(*)[4])r->arrow_box, r->n_arrows, na_pref);
    double naw = map_occupancy(L, boxes[r->na_corner]);
    /* a machine-readable account of the frame (SVG <desc>; tests read it) */
    if (!r->meta)
        return;
    char line[256];
    snprintf(line, sizeof(line), "\nlayout:\n  view %.0f %.0f %.0f %.0f", L->vminx, L->vminy,
             L->vmaxx, L->vmaxy);
    map_sb_add(r->meta, line, 0);
    if (L->n_parts) {
        const struct map_part *mp = &L->parts[L->main_part];
        snprintf(line, sizeof(line),
                 "\n  pieces %zu main %ld orgs %ld envelope %.0f %.0f %.0f %.0f", L->n_parts,
                 L->main_part, mp->orgs, mp->minx, mp->miny, mp->maxx, mp->maxy);
        map_sb_add(r->meta, line, 0);
    }
    for (size_t i = 0; i < L->n_parts; i++) {
        if ((long)i == L->main_part)
            continue;
        int arrow = 0;
        for (size_t k = 0; k < r->n_arrows; k++)
            arrow |= r->arrows[k] == i;
        snprintf(line, sizeof(line), "\n  piece %zu orgs %ld at %.0f %.0f %s", i, L->parts[i].orgs,
                 L->parts[i].x, L->parts[i].y,
                 L->parts[i].shown ? "shown"
                 : arrow           ? "arrow"
                                   : "left out");
        map_sb_add(r->meta, line, 0);
    }
    snprintf(line, sizeof(line), "\n  scalebar %s covers %.1f\n  north-arrow %s covers %.1f",
             CORNER_NAMES[r->sb_corner], sbw, CORNER_NAMES[r->na_corner], naw);
    map_sb_add(r->meta, line, 0);
}

void map_draw_part_arrows(struct map_ctx *r)
{
    cairo_t *cr = r->cr;
    double u = r->L.u, len = MAP_MM(7) * u, hw = MAP_MM(1.6) * u, hl = MAP_MM(2.6) * u;
    struct map_rgb dark = {0.1, 0.1, 0.1};
    cairo_save(cr); /* the later steps keep the line cap they had */
    for (size_t k = 0; k < r->n_arrows; k++) {
        struct arrow a;
        arrow_geom(r, &r->L.parts[r->arrows[k]], &a);
        double bx = a.tx - hl * a.dx, by = a.ty - hl * a.dy, nx = -a.dy, ny = a.dx;
        cairo_new_path(cr);
        cairo_move_to(cr, a.tx - len * a.dx, a.ty - len * a.dy);
        cairo_line_to(cr, bx, by);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_set_line_width(cr, 2.6 * u);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_stroke_preserve(cr);
        map_set_rgb(cr, dark);
        cairo_set_line_width(cr, 1.1 * u);
        cairo_stroke(cr);
        cairo_move_to(cr, a.tx, a.ty);
        cairo_line_to(cr, bx + hw * nx, by + hw * ny);
        cairo_line_to(cr, bx - hw * nx, by - hw * ny);
        cairo_close_path(cr);
        cairo_fill(cr);
        map_text_draw(cr, a.ly, a.lx, a.ly_y, dark, 2.2 * u);
        g_object_unref(a.ly);
    }
    cairo_restore(cr);
}

static void legend_symbol(struct map_ctx *r, const struct map_legend_entry *e, double x, double y,
                          double w, double h)
{
    cairo_t *cr = r->cr;
    double u = r->L.u, cx = x + w / 2, cy = y + h / 2;
    cairo_new_path(cr);
    switch (e->kind) {
    case MAP_LEG_POINT: {
        double rad = fmin(fmax(e->width, 1.6 * u), h / 2);
        cairo_arc(cr, cx, cy, rad, 0, 2 * M_PI);
        map_set_rgb(cr, e->color);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0.15, 0.15, 0.15, 0.6);
        cairo_set_line_width(cr, 0.25 * u);
        cairo_stroke(cr);
        break;
    }
    case MAP_LEG_HOLLOW: {
        double rad = fmin(fmax(e->width, 1.6 * u), h / 2);
        cairo_arc(cr, cx, cy, rad, 0, 2 * M_PI);
        map_set_rgb(cr, e->color);
        cairo_set_line_width(cr, 0.5 * u);
        cairo_stroke(cr);
        break;
    }
    case MAP_LEG_FILL:
    case MAP_LEG_HATCH:
        cairo_rectangle(cr, x, y, w, h);
        map_set_rgb(cr, e->color);
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
        map_set_rgb(cr, e->color);
        cairo_set_line_width(cr, e->width * u);
        cairo_stroke(cr);
        break;
    case MAP_LEG_LINK:
        cairo_move_to(cr, x + 1.5 * u, y + h - 1.5 * u);
        cairo_line_to(cr, cx, cy);
        cairo_line_to(cr, x + w - 1.5 * u, y + 1.5 * u);
        cairo_move_to(cr, cx, cy);
        cairo_line_to(cr, x + w - 1.5 * u, y + h - 1.5 * u);
        map_set_rgb(cr, e->color);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
        cairo_arc(cr, cx, cy, 2.4 * u, 0, 2 * M_PI);
        cairo_fill(cr);
        break;
    case MAP_LEG_CIRCLE: {
        double rad = e->width;
        cairo_arc(cr, cx, cy, rad, 0, 2 * M_PI);
        map_set_rgba(cr, e->color, 0.9);
        cairo_fill(cr);
        break;
    }
    default:
        break;
    }
}

void map_draw_legend(struct map_ctx *r)
{
    struct map_legend_entry *e = NULL;
    size_t n = map_legend_for(r->m, r->o, &r->L, NULL, 0);
    e = calloc(n ? n : 1, sizeof(*e));
    if (!e) {
        r->oom = 1;
        return;
    }
    n = map_legend_for(r->m, r->o, &r->L, e, n);
    map_sb_add(r->meta, "\nlegend:", 0);
    for (size_t i = 0; i < n && r->meta; i++) {
        char cnt[48] = "";
        if (e[i].count >= 0)
            snprintf(cnt, sizeof(cnt), " (%ld)", e[i].count);
        map_sb_add(r->meta, "\n  ", 0);
        map_sb_add(r->meta, e[i].label, 1);
        map_sb_add(r->meta, cnt, 0);
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
    /* TRANSLATORS: the legend panel's heading (Chinese maps space it: 图  例) */
    map_text_at(r->cr, r->pc, map_tr(r->o->lang_en, "Legend"), x, y, 10 * u, 1, dark, 0);
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
            PangoLayout *ly = map_text_new(r->pc, e[i].label, 7.5 * u, 1, w);
            map_text_size(ly, &tw, &th);
            map_text_draw(r->cr, ly, x, y, dark, 0);
            g_object_unref(ly);
            y += th + MAP_MM(1) * u;
            continue;
        }
        if (e[i].kind == MAP_LEG_NOTE && e[i].count < 0) {
            PangoLayout *ly = map_text_new(r->pc, e[i].label, 6.5 * u, 0, w);
            map_text_size(ly, &tw, &th);
            map_text_draw(r->cr, ly, x, y, grey, 0);
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
            PangoLayout *cl = map_text_new(r->pc, cnt, fs, 0, 0);
            double ch;
            map_text_size(cl, &cw, &ch);
            g_object_unref(cl);
        }
        double rowh = e[i].kind == MAP_LEG_CIRCLE ? fmax(sh, 2 * e[i].width + 2 * u) : sh;
        PangoLayout *ly = map_text_new(r->pc, e[i].label, fs, 0, w - sym - cw - MAP_MM(2) * u);
        map_text_size(ly, &tw, &th);
        double hh = fmax(rowh, th);
        if (e[i].kind == MAP_LEG_CIRCLE)
            legend_symbol(r, &e[i], x, y + (hh - rowh) / 2, symw, rowh);
        else if (e[i].kind != MAP_LEG_NOTE)
            legend_symbol(r, &e[i], x, y + (fmin(hh, th) - sh) / 2, sw, sh);
        map_text_draw(r->cr, ly, x + sym, y + (hh - th) / 2, dark, 0);
        g_object_unref(ly);
        if (cnt[0])
            map_text_at(r->cr, r->pc, cnt, x + w, y + (hh - th) / 2, fs, 0, dark, 1);
        y += hh + MAP_MM(1.3) * u;
    }
    cairo_restore(cr);
    free(e);
}

const char *map_default_title(const struct map_opts *o)
{
    switch (o->theme) {
    case MAP_THEME_TARGETS:
        return map_tr(o->lang_en, "Policy targets: community organizations and coverage");
    case MAP_THEME_PLAN:
        return map_tr(o->lang_en, "Party organization formation plan");
    case MAP_THEME_COVERAGE:
    default:
        return map_tr(o->lang_en, "Party organization coverage of social organizations");
    }
}

void map_page_title(const struct cov_model *m, const struct map_opts *o, char *title, size_t n)
{
    const char *fname = NULL;
    if (o->area >= 0 && o->area_layer >= 0 && o->area_layer < COV_NAREAS &&
        (size_t)o->area < m->n_areas[o->area_layer])
        fname = m->areas[o->area_layer][o->area].name;
    if (o->title)
        snprintf(title, n, "%s", o->title);
    else if (fname)
        /* TRANSLATORS: a map's title: the area's name, then the theme's title */
        snprintf(title, n, map_tr(o->lang_en, "%s: %s"), fname, map_default_title(o));
    else
        snprintf(title, n, "%s", map_default_title(o));
}

void map_draw_titles(struct map_ctx *r)
{
    const struct map_opts *o = r->o;
    const struct map_layout *L = &r->L;
    const struct cov_model *m = r->m;
    int en = o->lang_en;
    double u = L->u, margin = MAP_MM(8) * u;
    char title[512], sub[512], a[32], b[32];
    const struct map_view *v = &L->view;
    cairo_rectangle(r->cr, v->fx, v->fy, v->fw, v->fh);
    cairo_set_source_rgb(r->cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(r->cr, 0.7 * u);
    cairo_stroke(r->cr);
    map_page_title(m, o, title, sizeof(title));
    if (o->subtitle) {
        snprintf(sub, sizeof(sub), "%s", o->subtitle);
    } else if (o->theme == MAP_THEME_PLAN && o->plan) {
        long groups[COV_G_COUNT], orgs[COV_G_COUNT], instr, ng = 0, no = 0;
        map_plan_counts(m, o->plan, L, groups, orgs, &instr);
        for (int k = 0; k < COV_G_COUNT; k++)
            ng += groups[k], no += orgs[k];
        map_format_count(ng, a, sizeof(a));
        map_format_count(no, b, sizeof(b));
        /* TRANSLATORS: "%s organizations proposed" comes first, then this */
        char took[160];
        snprintf(took, sizeof(took),
                 map_trn(en, ", taking in %s social organization",
                         ", taking in %s social organizations", no),
                 b);
        int k = snprintf(
            sub, sizeof(sub),
            map_trn(en, "%s organization proposed%s", "%s organizations proposed%s", ng), a, took);
        if (L->focus < 0 && isfinite(o->plan->coverage_rate_after) && k > 0 &&
            (size_t)k < sizeof(sub))
            k += snprintf(sub + k, sizeof(sub) - (size_t)k,
                          map_tr(en, "; coverage after the plan %.1f %%"),
                          100 * o->plan->coverage_rate_after);
        if (o->data_date && k > 0 && (size_t)k < sizeof(sub))
            snprintf(sub + k, sizeof(sub) - (size_t)k, map_tr(en, " · data as of %s"),
                     o->data_date);
    } else if (o->theme == MAP_THEME_TARGETS && o->targets) {
        long cnt[MAP_T_COUNT];
        struct map_rates rates;
        map_targets_counts(m, o->targets, L, cnt, &rates);
        map_format_count(cnt[MAP_T_MET] + cnt[MAP_T_SHORT1] + cnt[MAP_T_SHORT2], a, sizeof(a));
        map_format_count(cnt[MAP_T_SHORT1] + cnt[MAP_T_SHORT2], b, sizeof(b));
        int k = snprintf(sub, sizeof(sub),
                         map_tr(en, "%s communities with a target, %s short of it"), a, b);
        if (o->data_date && k > 0 && (size_t)k < sizeof(sub))
            snprintf(sub + k, sizeof(sub) - (size_t)k, map_tr(en, " · data as of %s"),
                     o->data_date);
    } else {
        long cov = 0;
        for (int s = 0; s <= COV_ST_FUNCTIONAL; s++)
            cov += L->counts[s];
        map_format_count(L->n_focus, a, sizeof(a));
        map_format_count(cov, b, sizeof(b));
        double pct = L->n_focus ? 100.0 * (double)cov / (double)L->n_focus : 0.0;
        int k = snprintf(sub, sizeof(sub),
                         map_trn(en, "%s social organization, %s covered (%.1f %%)",
                                 "%s social organizations, %s covered (%.1f %%)", L->n_focus),
                         a, b, pct);
        if (L->n_unplaced && k > 0 && (size_t)k < sizeof(sub)) {
            map_format_count(L->n_unplaced, a, sizeof(a));
            k += snprintf(sub + k, sizeof(sub) - (size_t)k,
                          map_tr(en, "; %s not placed and not on the map"), a);
        }
        if (o->data_date && k > 0 && (size_t)k < sizeof(sub))
            snprintf(sub + k, sizeof(sub) - (size_t)k, map_tr(en, " · data as of %s"),
                     o->data_date);
    }
    struct map_rgb dark = {0.1, 0.1, 0.1}, grey = {0.35, 0.35, 0.35};
    map_text_at(r->cr, r->pc, title, margin, margin, 15 * u, 1, dark, 0);
    map_text_at(r->cr, r->pc, sub, margin, margin + MAP_MM(8.5) * u, 8 * u, 0, grey, 0);
    map_sb_add(r->meta, "\n", 0);
    map_sb_add(r->meta, sub, 1);
    double ry = margin + MAP_MM(14) * u;
    cairo_move_to(r->cr, margin, ry);
    cairo_line_to(r->cr, L->pw - margin, ry);
    cairo_set_source_rgb(r->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(r->cr, 0.5 * u);
    cairo_stroke(r->cr);
    /* bottom line: attribution left, CRS and maker right */
    double by = L->foot_y;
    if (o->attribution)
        map_text_at(r->cr, r->pc, o->attribution, margin, by, 6.5 * u, 0, grey, 0);
    char crs[160];
    if (m->srid > 0)
        snprintf(crs, sizeof(crs), map_tr(en, "CRS EPSG:%d · made with orgcover"), m->srid);
    else
        snprintf(crs, sizeof(crs), "%s", map_tr(en, "made with orgcover"));
    map_text_at(r->cr, r->pc, crs, L->pw - margin, by, 6.5 * u, 0, grey, 1);
}
