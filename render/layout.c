/* layout.c - the pure parts of map making: options, page sizes, the
 * world-to-page transform, the scale bar and label placement. */
#include "map.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void map_opts_init(struct map_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->theme = MAP_THEME_COVERAGE;
    o->page_w_mm = 297;
    o->page_h_mm = 210;
    o->dpi = 150;
    o->area_layer = COV_DISTRICTS;
    o->area = -1;
}

static int parse_dim(const char *s, const char *end, int *out)
{
    if (s == end || end - s > 6)
        return -1;
    int v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < 16 || v > 20000)
        return -1;
    *out = v;
    return 0;
}

int map_size_parse(const char *s, struct map_opts *o, struct cov_err *err)
{
    static const struct {
        const char *name;
        double w, h;
    } pages[] = {
        {"A4", 210, 297}, {"A3", 297, 420}, {"A4-landscape", 297, 210}, {"A3-landscape", 420, 297}};
    if (s) {
        for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
            if (!strcasecmp(s, pages[i].name)) {
                o->page_w_mm = pages[i].w;
                o->page_h_mm = pages[i].h;
                o->px_w = o->px_h = 0;
                return 0;
            }
        }
        const char *x = strpbrk(s, "xX");
        int w, h;
        if (x && !parse_dim(s, x, &w) && !parse_dim(x + 1, x + strlen(x), &h)) {
            o->px_w = w;
            o->px_h = h;
            return 0;
        }
    }
    return cov_err_set(err, COV_EINPUT,
                       "size '%s': expected A4, A3, A4-landscape, A3-landscape or WxH in "
                       "pixels (e.g. 1600x1200, 16..20000 each)",
                       s ? s : "");
}

int map_theme_parse(const char *s, enum map_theme *t, struct cov_err *err)
{
    static const char *const names[] = {"coverage", "targets", "plan"};
    for (int i = 0; s && i < 3; i++) {
        if (!strcmp(s, names[i])) {
            *t = (enum map_theme)i;
            return 0;
        }
    }
    return cov_err_set(err, COV_EINPUT, "theme '%s': expected coverage, targets or plan",
                       s ? s : "");
}

/* Okabe & Ito (2008), "Color Universal Design": distinguishable with every
 * common form of colour blindness. Uncovered classes take the warm colours. */
static const struct map_rgb status_colors[COV_ST_COUNT] = {
    [COV_ST_STANDALONE] = {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}, /* bluish green */
    [COV_ST_JOINT] = {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0},      /* sky blue */
    [COV_ST_REGIONAL] = {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0},   /* blue */
    [COV_ST_INDUSTRY] = {0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0},   /* reddish purple */
    [COV_ST_FUNCTIONAL] = {0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0}, /* yellow */
    [COV_ST_ELIGIBLE] = {0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0},   /* vermillion */
    [COV_ST_SMALL] = {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0},      /* orange */
    [COV_ST_NO_MEMBERS] = {0x99 / 255.0, 0x99 / 255.0, 0x99 / 255.0}, /* grey */
};

struct map_rgb map_status_color(enum cov_status s)
{
    if ((unsigned)s >= COV_ST_COUNT)
        return (struct map_rgb){0, 0, 0};
    return status_colors[s];
}

const char *map_status_label(enum cov_status s, int lang_en)
{
    static const char *const zh[COV_ST_COUNT] = {"单独组建",
                                                 "联合组建",
                                                 "区域覆盖",
                                                 "行业覆盖",
                                                 "功能型党支部",
                                                 "未覆盖：具备单独组建条件",
                                                 "未覆盖：党员不足3名",
                                                 "未覆盖：无正式党员"};
    static const char *const en[COV_ST_COUNT] = {"Standalone organization",
                                                 "Joint organization",
                                                 "Regional organization",
                                                 "Industry organization",
                                                 "Functional branch",
                                                 "Uncovered: eligible for standalone",
                                                 "Uncovered: 1-2 formal members",
                                                 "Uncovered: no formal members"};
    if ((unsigned)s >= COV_ST_COUNT)
        return "";
    return lang_en ? en[s] : zh[s];
}

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

void map_format_length(double metres, char *buf, size_t n)
{
    if (metres >= 1000) {
        double km = metres / 1000;
        if (fabs(km - round(km)) < 1e-9)
            snprintf(buf, n, "%.0f km", km);
        else
            snprintf(buf, n, "%g km", km);
    } else {
        snprintf(buf, n, "%g m", metres);
    }
}

/* ---- labels ---- */

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

const char *map_unit_orgs(long n, int en)
{
    if (!en)
        return "个组织";
    return n == 1 ? "organization" : "organizations";
}
