/* legend.c - the page layout of a map and its legend: what is counted,
 * whether points are aggregated, which classes the legend lists. */
#include "map.h"
#include "render_int.h"

#include "../analysis/place.h"
#include "themes.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct map_rgb hex(unsigned v)
{
    return (struct map_rgb){((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0,
                            (v & 0xff) / 255.0};
}

int map_status_covered(enum cov_status s)
{
    return s <= COV_ST_FUNCTIONAL;
}

/* ColorBrewer RdYlBu, 4 classes (colour-blind safe): red = little covered. */
struct map_rgb map_agg_color(int k)
{
    static const unsigned c[MAP_AGG_CLASSES] = {0xd7191c, 0xfdae61, 0xabd9e9, 0x2c7bb6};
    return hex(c[k < 0 ? 0 : k >= MAP_AGG_CLASSES ? MAP_AGG_CLASSES - 1 : k]);
}

int map_agg_class(double share)
{
    return share < 0.5 ? 0 : share < 0.75 ? 1 : share < 0.9 ? 2 : 3;
}

struct map_rgb map_community_fill(enum cov_ur ur)
{
    /* subtle: warm grey for urban, pale green-grey for rural */
    return hex(ur == COV_UR_URBAN ? 0xece6df : ur == COV_UR_RURAL ? 0xeef2e6 : 0xf1f1f1);
}

/* ColorBrewer PuOr: blue-purple for met, oranges for the shortfall. */
struct map_rgb map_tclass_color(int tclass)
{
    static const unsigned c[MAP_T_COUNT] = {0xededed, 0xcfd8ea, 0xfdb863, 0xe66101};
    return hex(c[tclass < 0 || tclass >= MAP_T_COUNT ? 0 : tclass]);
}

struct map_rgb map_group_color(int kind)
{
    static const unsigned c[COV_G_COUNT] = {[COV_G_STANDALONE] = 0x009e73,
                                            [COV_G_FUNCTIONAL] = 0xcc79a7,
                                            [COV_G_REGIONAL] = 0x0072b2,
                                            [COV_G_INDUSTRY] = 0xe69f00,
                                            [COV_G_JOINT] = 0xd55e00};
    return hex(c[kind < 0 || kind >= COV_G_COUNT ? 0 : kind]);
}

void map_format_count(long v, char *buf, size_t n)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%ld", v < 0 ? -v : v);
    size_t k = 0;
    if (v < 0 && k + 1 < n)
        buf[k++] = '-';
    for (int i = 0; i < len && k + 1 < n; i++) {
        if (i && (len - i) % 3 == 0 && k + 1 < n)
            buf[k++] = ',';
        if (k + 1 < n)
            buf[k++] = tmp[i];
    }
    if (n)
        buf[k < n ? k : n - 1] = 0;
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

static void extent_of(const struct cov_model *m, const struct map_layout *L, double e[4])
{
    e[0] = e[1] = INFINITY;
    e[2] = e[3] = -INFINITY;
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

int map_layout_compute(const struct cov_model *m, const struct map_opts *o, struct map_layout *L,
                       struct cov_err *err)
{
    memset(L, 0, sizeof(*L));
    L->focus_layer = -1;
    L->focus = -1;
    L->png = path_is_png(o->path);
    L->dpi = o->dpi > 0 ? o->dpi : 150;
    if (L->png && o->px_w > 0 && o->px_h > 0) {
        L->pw = o->px_w * 72.0 / L->dpi;
        L->ph = o->px_h * 72.0 / L->dpi;
    } else {
        L->pw = MAP_MM(o->page_w_mm > 0 ? o->page_w_mm : 297);
        L->ph = MAP_MM(o->page_h_mm > 0 ? o->page_h_mm : 210);
    }
    L->dev = L->png ? 72.0 / L->dpi : 72.0 / 300;
    double short_mm = fmin(L->pw, L->ph) * 25.4 / 72;
    L->u = fmin(1.5, fmax(0.55, short_mm / 210));
    if (L->png && o->px_w > 0)
        /* a screen image: the smallest text (5.5 u points) at least 8.5 pixels */
        L->u = fmin(1.5, fmax(L->u, 8.5 / (5.5 * L->dpi / 72)));
    if (o->area >= 0) {
        if (o->area_layer < 0 || o->area_layer >= COV_NAREAS ||
            (size_t)o->area >= m->n_areas[o->area_layer] || !m->areas[o->area_layer][o->area].geom)
            return cov_err_set(err, COV_EINPUT, "zoom area %ld of layer %d does not exist", o->area,
                               o->area_layer);
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
        return cov_err_set(err, COV_EINPUT, "page %.0fx%.0f mm is too small for a map",
                           L->pw * 25.4 / 72, L->ph * 25.4 / 72);

    double e[4];
    extent_of(m, L, e);
    map_view_fit(&L->view, fx, fy, fw, fh, e[0], e[1], e[2], e[3], 0.04);
    map_view_extent(&L->view, &L->vminx, &L->vminy, &L->vmaxx, &L->vmaxy);

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
        return cov_err_set(err, COV_ENOMEM, "out of memory aggregating organizations");
    if (!L->aggregated && point_radius(m, L))
        return cov_err_set(err, COV_ENOMEM, "out of memory sizing the point symbols");
    L->point_r = fmax(L->point_r, 1.2 * L->dev);
    return 0;
}

void map_layout_release(struct map_layout *L)
{
    free(L->cell_n);
    free(L->cell_cov);
    free(L->cell_x);
    free(L->cell_y);
    L->cell_n = L->cell_cov = NULL;
    L->cell_x = L->cell_y = NULL;
}

/* ---- legend ---- */

struct lb {
    struct map_legend_entry *out;
    size_t cap, n;
};

static struct map_legend_entry *add(struct lb *b, enum map_legend_kind kind, int key, long count,
                                    struct map_rgb c, double width, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static struct map_legend_entry *add(struct lb *b, enum map_legend_kind kind, int key, long count,
                                    struct map_rgb c, double width, const char *fmt, ...)
{
    struct map_legend_entry *e = NULL;
    if (b->n < b->cap) {
        e = &b->out[b->n];
        e->kind = kind;
        e->key = key;
        e->count = count;
        e->color = c;
        e->width = width;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->label, sizeof(e->label), fmt, ap);
        va_end(ap);
    }
    b->n++;
    return e;
}

static const struct map_rgb black = {0, 0, 0};

static void legend_points(const struct cov_model *m, const struct map_opts *o,
                          const struct map_layout *L, struct lb *b)
{
    int en = o->lang_en;
    (void)m;
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s",
        en ? "Social organizations by status" : "社会组织（按覆盖状态）");
    long covered = 0;
    for (int s = 0; s < COV_ST_COUNT; s++) {
        add(b, L->aggregated ? MAP_LEG_NOTE : MAP_LEG_POINT, s, L->counts[s],
            map_status_color((enum cov_status)s), L->point_r, "%s",
            map_status_label((enum cov_status)s, en));
        if (map_status_covered((enum cov_status)s))
            covered += L->counts[s];
    }
    char a[32], t[32];
    if (L->n_approx && !L->aggregated) {
        add(b, MAP_LEG_HOLLOW, -1, L->n_approx, (struct map_rgb){0.3, 0.3, 0.3}, L->point_r, "%s",
            en ? "Placed by address (approximate)" : "按地址定位（近似）");
    }
    if (L->n_unplaced) {
        map_format_count(L->n_unplaced, a, sizeof(a));
        add(b, MAP_LEG_NOTE, -1, L->n_unplaced, black, 0,
            en ? "%s not placed, not on the map" : "%s 个无法定位，未在图上显示", a);
    }
    map_format_count(covered, a, sizeof(a));
    map_format_count(L->n_focus, t, sizeof(t));
    if (L->n_focus)
        add(b, MAP_LEG_NOTE, -1, -1, black, 0,
            en ? "Coverage rate %.1f %% (%s of %s)" : "覆盖率 %.1f%%（%s / %s）",
            100.0 * (double)covered / (double)L->n_focus, a, t);
    if (L->aggregated) {
        add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s",
            en ? "Aggregated: too many points" : "组织密集，按网格汇总");
        add(b, MAP_LEG_NOTE, -1, -1, black, 0,
            en ? "Circles per %.0f mm cell, area = organizations"
               : "每 %.0f mm 网格一圆，面积表示组织数",
            L->cell * 25.4 / 72);
        static const char *const zh[MAP_AGG_CLASSES] = {"覆盖率 < 50%", "覆盖率 50–75%",
                                                        "覆盖率 75–90%", "覆盖率 ≥ 90%"};
        static const char *const enl[MAP_AGG_CLASSES] = {"covered < 50 %", "covered 50–75 %",
                                                         "covered 75–90 %", "covered ≥ 90 %"};
        for (int k = MAP_AGG_CLASSES - 1; k >= 0; k--)
            add(b, MAP_LEG_CIRCLE, k, -1, map_agg_color(k), 0.2 * L->cell, "%s",
                en ? enl[k] : zh[k]);
        long big = L->agg_max > 0 ? L->agg_max : 1;
        char c1[32];
        map_format_count(big, c1, sizeof(c1));
        add(b, MAP_LEG_CIRCLE, -1, -1, (struct map_rgb){0.6, 0.6, 0.6}, 0.5 * L->cell, "%s %s", c1,
            map_unit_orgs(big, en));
        if (big >= 4) {
            map_format_count(big / 4, c1, sizeof(c1));
            add(b, MAP_LEG_CIRCLE, -1, -1, (struct map_rgb){0.6, 0.6, 0.6}, 0.25 * L->cell, "%s %s",
                c1, map_unit_orgs(big / 4, en));
        }
    }
}

static void legend_base(const struct cov_model *m, const struct map_opts *o, int theme_fills,
                        struct lb *b)
{
    int en = o->lang_en;
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s", en ? "Base map" : "底图");
    if (theme_fills && m->n_areas[COV_COMMUNITIES]) {
        add(b, MAP_LEG_FILL, COV_UR_URBAN, -1, map_community_fill(COV_UR_URBAN), 0, "%s",
            en ? "Urban community" : "城市社区");
        add(b, MAP_LEG_FILL, COV_UR_RURAL, -1, map_community_fill(COV_UR_RURAL), 0, "%s",
            en ? "Rural community (village)" : "农村社区（村）");
    }
    if (m->n_areas[COV_DISTRICTS])
        add(b, MAP_LEG_LINE, COV_DISTRICTS, -1, (struct map_rgb){0.29, 0.29, 0.29}, 1.1, "%s",
            en ? "District / county boundary" : "县区界");
    if (m->n_areas[COV_STREETS])
        add(b, MAP_LEG_LINE, COV_STREETS, -1, (struct map_rgb){0.63, 0.63, 0.63}, 0.45, "%s",
            en ? "Street / township boundary" : "街道（乡镇）界");
    if (m->n_areas[COV_PARKS])
        add(b, MAP_LEG_FILL, 100 + COV_PARKS, -1, (struct map_rgb){0.85, 0.82, 0.9}, 0, "%s",
            en ? "Industrial park" : "园区");
    if (m->n_areas[COV_BUILDINGS])
        add(b, MAP_LEG_FILL, 100 + COV_BUILDINGS, -1, (struct map_rgb){0.78, 0.78, 0.78}, 0, "%s",
            en ? "Office building" : "楼宇");
}

static void legend_targets(const struct cov_model *m, const struct map_opts *o,
                           const struct map_layout *L, struct lb *b)
{
    int en = o->lang_en;
    long cnt[MAP_T_COUNT] = {0};
    struct map_rates rates = {0};
    map_targets_counts(m, o->targets, L, cnt, &rates);
    add(b, MAP_LEG_HEADING, -1, -1, black, 0,
        en ? "Community target (urban ≥ %.0f, rural ≥ %.0f)"
           : "社区社会组织目标（城市≥%.0f，农村≥%.0f）",
        m->policy.v[COV_P_URBAN_COMMUNITY_MIN_ORGS], m->policy.v[COV_P_RURAL_COMMUNITY_MIN_ORGS]);
    add(b, MAP_LEG_FILL, MAP_T_MET, cnt[MAP_T_MET], map_tclass_color(MAP_T_MET), 0, "%s",
        en ? "Target met" : "已达标");
    add(b, MAP_LEG_FILL, MAP_T_SHORT1, cnt[MAP_T_SHORT1], map_tclass_color(MAP_T_SHORT1), 0, "%s",
        en ? "Short by 1" : "差 1 个");
    add(b, MAP_LEG_FILL, MAP_T_SHORT2, cnt[MAP_T_SHORT2], map_tclass_color(MAP_T_SHORT2), 0, "%s",
        en ? "Short by 2 or more" : "差 2 个及以上");
    if (cnt[MAP_T_NODATA])
        add(b, MAP_LEG_FILL, MAP_T_NODATA, cnt[MAP_T_NODATA], map_tclass_color(MAP_T_NODATA), 0,
            "%s", en ? "No target data" : "无目标数据");
    add(b, MAP_LEG_HATCH, -1, -1, (struct map_rgb){1, 1, 1}, 0, "%s",
        en ? "Rural community (hatched)" : "农村社区（斜线）");
    add(b, MAP_LEG_NOTE, -1, -1, black, 0, "%s",
        en ? "Labels: failing communities, orgs / required" : "标注：未达标社区 现有数/要求数");
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s", en ? "Rate targets" : "比率目标");
    for (size_t k = 0; k < rates.n; k++) {
        const struct map_rate *r = &rates.r[k];
        struct map_rgb c = r->met ? map_tclass_color(MAP_T_MET) : map_tclass_color(MAP_T_SHORT2);
        if (r->rate && !isfinite(r->value))
            add(b, MAP_LEG_POINT, 1000 + (int)k, -1, c, 3, "%s: %s", en ? r->label_en : r->label_zh,
                en ? "n/a (nothing to form)" : "无（无需组建）");
        else if (r->rate)
            add(b, MAP_LEG_POINT, 1000 + (int)k, -1, c, 3,
                en ? "%s %.1f %% (target ≥ %.0f %%): %s" : "%s %.1f%%（目标≥%.0f%%）%s",
                en ? r->label_en : r->label_zh, 100 * r->value, 100 * r->threshold,
                r->met ? (en ? "met" : "达标") : (en ? "missed" : "未达标"));
        else
            add(b, MAP_LEG_POINT, 1000 + (int)k, -1, c, 3,
                en ? "%s: %.0f of %.0f communities: %s" : "%s：%.0f / %.0f 个社区 %s",
                en ? r->label_en : r->label_zh, r->value, r->threshold,
                r->met ? (en ? "met" : "达标") : (en ? "missed" : "未达标"));
    }
    legend_base(m, o, 0, b);
}

static void legend_plan(const struct cov_model *m, const struct map_opts *o,
                        const struct map_layout *L, struct lb *b)
{
    int en = o->lang_en;
    const struct cov_plan *p = o->plan;
    long groups[COV_G_COUNT] = {0}, orgs[COV_G_COUNT] = {0}, instr = 0;
    map_plan_counts(m, p, L, groups, orgs, &instr);
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s",
        en ? "Proposed organizations (groups)" : "拟组建党组织（个）");
    static const char *const zh[COV_G_COUNT] = {"单独组建", "功能型党支部", "区域性党组织",
                                                "行业党组织", "联合党支部"};
    static const char *const enl[COV_G_COUNT] = {"Standalone", "Functional branch", "Regional",
                                                 "Industry", "Joint branch"};
    static const enum map_legend_kind kinds[COV_G_COUNT] = {
        MAP_LEG_POINT, MAP_LEG_POINT, MAP_LEG_FILL, MAP_LEG_LINK, MAP_LEG_LINK};
    for (int k = 0; k < COV_G_COUNT; k++) {
        char c1[32];
        map_format_count(orgs[k], c1, sizeof(c1));
        add(b, kinds[k], k, groups[k], map_group_color(k), 2.6,
            en ? "%s, covering %s %s" : "%s，覆盖 %s %s", en ? enl[k] : zh[k], c1,
            en ? map_unit_orgs(orgs[k], en) : "家");
    }
    add(b, MAP_LEG_POINT, 100, instr, (struct map_rgb){0.5, 0.5, 0.5}, 1.6, "%s",
        en ? "Instructor needed" : "派驻党建工作指导员");
    add(b, MAP_LEG_POINT, 101, -1, (struct map_rgb){0.75, 0.75, 0.75}, 1.2, "%s",
        en ? "Other organizations" : "其他社会组织");
    if (isfinite(p->coverage_rate_after)) {
        long before = 0;
        for (int s = 0; s <= COV_ST_FUNCTIONAL; s++)
            before += L->counts[s];
        if (L->focus < 0)
            add(b, MAP_LEG_NOTE, -1, -1, black, 0,
                en ? "Coverage %.1f %% now, %.1f %% after the plan"
                   : "覆盖率：现 %.1f%%，实施后 %.1f%%",
                L->n_focus ? 100.0 * (double)before / (double)L->n_focus : 0.0,
                100.0 * p->coverage_rate_after);
    }
    legend_base(m, o, 1, b);
}

size_t map_legend_for(const struct cov_model *m, const struct map_opts *o,
                      const struct map_layout *L, struct map_legend_entry *out, size_t cap)
{
    struct lb b = {out, cap, 0};
    switch (o->theme) {
    case MAP_THEME_TARGETS:
        if (o->targets) {
            legend_targets(m, o, L, &b);
            break;
        }
        /* fall through */
    case MAP_THEME_PLAN:
        if (o->theme == MAP_THEME_PLAN && o->plan) {
            legend_plan(m, o, L, &b);
            break;
        }
        /* fall through */
    case MAP_THEME_COVERAGE:
    default:
        legend_points(m, o, L, &b);
        legend_base(m, o, 1, &b);
        break;
    }
    return b.n;
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

size_t map_legend_build(const struct cov_model *m, const struct map_opts *o,
                        struct map_legend_entry *out, size_t cap)
{
    struct map_layout L;
    struct cov_err err;
    cov_err_init(&err);
    size_t n = 0;
    if (!map_layout_compute(m, o, &L, &err))
        n = map_legend_for(m, o, &L, out, cap);
    map_layout_release(&L);
    cov_err_release(&err);
    return n;
}
