/*
 * render_int.h - private to render/: what the files of render/ give each
 * other, one section per file, in the order the files are layered. A file
 * calls only the files of the sections above its own, never one below, so
 * there is no circle and map_render() reads top-down: page.c -> layout.c ->
 * themes.c -> layers.c -> labels.c -> furniture.c (-> legend.c), with
 * style.c, svg.c, text.c and path.c as the tools they share (opts.c, the
 * options, and simplify.c stand alone).
 * tests/unit/render/test_layering.c checks that order on the compiled objects.
 * simplify.h (one algorithm, used by path.c only) keeps its own header.
 */
#ifndef MAP_RENDER_INT_H
#define MAP_RENDER_INT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "../analysis/geos.h"
#include "../analysis/i18n.h"
#include "../analysis/labels.h"
#include "../analysis/propose.h"
#include "map.h"

struct cov_targets; /* analysis/targets.h */

#define MAP_FONT "Noto Sans CJK SC"
/* millimetres -> points */
#define MAP_MM(x) ((x)*72.0 / 25.4)

/* The language of the labels of a map. */
static inline enum cov_lang map_lang(const struct map_opts *o)
{
    return o->lang_en ? COV_LANG_EN : COV_LANG_ZH;
}

/*
 * The map's text s (an English message, extracted by `make pot` as the
 * keyword map_tr) in the map's language: s itself on an English map (en),
 * else its translation in the gettext catalogue, which cli/ binds to the
 * same --lang (see analysis/i18n.h). So map_opts.lang_en alone decides, as
 * it does for the names of analysis/labels.h.
 */
__attribute__((format_arg(2))) static inline const char *map_tr(int en, const char *s)
{
    return en ? s : gettext(s);
}

/* map_tr with a count: the singular or plural (keyword map_trn). */
__attribute__((format_arg(2))) __attribute__((format_arg(3))) static inline const char *
map_trn(int en, const char *one, const char *many, long n)
{
    unsigned long k = n < 0 ? (unsigned long)-n : (unsigned long)n;
    return en ? (k == 1 ? one : many) : ngettext(one, many, k);
}

/* ---- style.c: palettes and colours of every class, numbers as text ---- */

/* Classes of the aggregated symbols: share of organizations covered. */
enum { MAP_AGG_CLASSES = 4 };
/* Classes of the targets theme (community target). */
enum map_tclass { MAP_T_NODATA, MAP_T_MET, MAP_T_SHORT1, MAP_T_SHORT2, MAP_T_COUNT };

/* 1 if status s counts as covered. */
int map_status_covered(enum cov_status s);
/* The colour of aggregated-symbol class k (share covered). */
struct map_rgb map_agg_color(int k);
/* The class of a share covered, and the share where class k (1..MAP_AGG_CLASSES-1) starts. */
int map_agg_class(double share);
double map_agg_break(int k);
/* Community fills. */
struct map_rgb map_community_fill(enum cov_ur ur);
struct map_rgb map_tclass_color(int tclass);
/* Plan group colours. */
struct map_rgb map_group_color(int kind);
void map_set_rgb(cairo_t *cr, struct map_rgb c);
void map_set_rgba(cairo_t *cr, struct map_rgb c, double a);
/* Thousands separators: 1234567 -> "1,234,567". */
void map_format_count(long v, char *buf, size_t n);
/* Features outside a zoom area (its neighbours) are drawn at this strength:
 * symbols with this alpha, label colours mixed towards white. */
#define MAP_FADE 0.35
/* ... and their names at this strength (text must stay legible). */
#define MAP_FADE_TEXT 0.55
/* c as it shows at strength a (0..1) over white. */
struct map_rgb map_rgb_fade(struct map_rgb c, double a);

/* ---- svg.c: a growable string, and SVG documents merged into named layers ---- */

/* A growable string: an SVG document, or the text it carries in <title>/<desc>. */
struct map_sbuf {
    char *s;
    size_t len, cap;
    int oom; /* set when an append ran out of memory; later appends do nothing */
};
/* Append text, XML-escaped when xml is 1. b may be NULL (then nothing happens). */
void map_sb_add(struct map_sbuf *b, const char *text, int xml);
/* Append n raw bytes; keeps b->s NUL-terminated. */
void map_sb_addn(struct map_sbuf *b, const char *data, size_t n);
/* cairo_write_func_t appending to the struct map_sbuf closure. */
cairo_status_t map_svg_write(void *closure, const unsigned char *data, unsigned int length);
/*
 * Add one layer's cairo document (doc, n bytes) to the merged SVG: the first
 * one gives the XML declaration and the <svg> root (into head, with the
 * inkscape namespace declared); each adds its <defs> and its drawing wrapped
 * in <g id="layer-NAME"> to body, every id prefixed with NAME. 0 or COV_EFAIL
 * (path names the file in the message).
 */
int map_svg_merge(struct map_sbuf *head, struct map_sbuf *body, const char *doc, size_t n,
                  const char *name, const char *path, struct cov_err *err);

/* ---- text.c: pango text in the map font ---- */

/* A pango context for cr with the hinting maps need (none: text scales with the page). */
PangoContext *map_text_context_new(cairo_t *cr);
/* A layout of s at size points, bold or not, wrapped to width points when width > 0.
 * Caller-owned: g_object_unref(). */
PangoLayout *map_text_new(PangoContext *pc, const char *s, double size, int bold, double width);
void map_text_size(PangoLayout *ly, double *w, double *h);
/* Draw ly with its top-left corner at (x, y); halo > 0 draws a white outline
 * of that width first, so the text reads over features. */
void map_text_draw(cairo_t *cr, PangoLayout *ly, double x, double y, struct map_rgb c, double halo);
/* One line of text; returns its width. align: 0 left, 1 right, 2 centre of x. */
double map_text_at(cairo_t *cr, PangoContext *pc, const char *s, double x, double y, double size,
                   int bold, struct map_rgb c, int align);

/* ---- layout.c: page geometry, the view, what is in focus ---- */

/* Above this many organizations in view the points are aggregated. */
#define MAP_AGG_MAX_POINTS 20000

/*
 * Maps of one area in several pieces (a street with a detached part): the
 * frame holds the main part, the piece with most of the area's organizations
 * (ties: the larger). Another piece joins the frame while the scale stays at
 * least MAP_PART_ZOOM_KEEP of the main part's; a piece with less than
 * MAP_PART_SHOWN of its envelope in view is marked by an arrow at the frame
 * edge (furniture.c), at most MAP_PART_ARROWS of them (most organizations,
 * then the largest, first).
 */
#define MAP_PART_ZOOM_KEEP 0.9
#define MAP_PART_SHOWN 0.5
#define MAP_PART_ARROWS 6
struct map_part {
    double x, y;                   /* a point inside the piece, metres */
    double minx, miny, maxx, maxy; /* its envelope */
    double area;                   /* square metres */
    long orgs;                     /* organizations of the zoom area inside it */
    double dist;                   /* metres from the main part */
    int shown;                     /* 1: in view; 0: outside, marked by an arrow */
};
/*
 * The main piece of n: the one with most organizations, ties by the larger
 * area, then the first. -1 when n is 0.
 */
long map_main_part(const struct map_part *p, size_t n);

/*
 * Where the furniture goes: the frame is cut into square cells of
 * MAP_OCC_CELL_MM (times u) holding the weight of the features under them,
 * an organization of the zoom area MAP_OCC_FOCUS_ORG, any other
 * organization in view MAP_OCC_ORG, a cell whose centre lies in the subject
 * (the zoom area, or any district on a whole map) MAP_OCC_AREA. A box in a
 * corner of the frame covers the sum of the cells it touches.
 */
#define MAP_OCC_CELL_MM 2.5
#define MAP_OCC_FOCUS_ORG 3.0
#define MAP_OCC_ORG 1.0
#define MAP_OCC_AREA 0.5
enum map_corner { MAP_C_BL, MAP_C_BR, MAP_C_TL, MAP_C_TR, MAP_C_COUNT };

/*
 * Orgs placed only to a district, street or community are one hollow ring on
 * that area's drawing point. Per area of one of those layers (indexed by
 * layer: districts, streets, communities): its ring's page point and how many
 * orgs it stands for (0: no ring in view).
 */
enum { MAP_RING_LAYERS = COV_COMMUNITIES + 1 };
_Static_assert(COV_DISTRICTS == 0 && COV_STREETS == 1 && COV_COMMUNITIES == 2,
               "ring[] is indexed by the layers districts, streets, communities");
struct map_ring_set {
    double *x, *y;
    long *n;
    unsigned char *in; /* 1 when one of its orgs is in the zoom area */
    unsigned *st;      /* bit s: an org of status s (enum cov_status) is in it */
};
/* Most rings in view for their counts to be written beside them. */
#define MAP_RING_COUNTS_MAX 150

struct map_layout {
    double pw, ph;    /* page size, points */
    int png;          /* 1 when the output is a raster */
    double dpi;       /* raster resolution */
    double u;         /* furniture scale: 1 on A4, larger on A3, smaller on small PNGs */
    double dev;       /* points per device pixel (1/300 in for vector output) */
    double legend[4]; /* legend panel x, y, w, h */
    int legend_cols;  /* columns the legend flows into */
    double foot_y;    /* top of the attribution line */
    struct map_view view;
    double vminx, vminy, vmaxx, vmaxy; /* the world box in view */
    int focus_layer;                   /* zoom area layer, or -1 */
    long focus;                        /* zoom area index, or -1 */
    long counts[COV_ST_COUNT];         /* organizations in focus by status */
    long n_focus;                      /* organizations in focus */
    long n_approx;                     /* in focus, placed only to an area (hollow symbols) */
    long n_unplaced;                   /* in focus, placed nowhere: not drawn */
    long n_view;                       /* organizations inside the view */
    double point_r;                    /* point symbol radius, points */
    int aggregated;                    /* 1: points drawn as per-cell proportional circles */
    double cell;                       /* aggregation cell size, points */
    int nx, ny;                        /* aggregation grid */
    long *cell_n, *cell_cov;           /* per cell: organizations, covered ones */
    double *cell_x, *cell_y;           /* per cell: sum of page coordinates */
    long agg_max;                      /* largest cell count */
    struct map_part *parts;            /* pieces of the zoom area (n_parts > 1), else NULL */
    size_t n_parts;
    long main_part; /* index into parts of the piece framed, -1 for an area in one piece */
    double *occ;    /* features per cell of the frame (MAP_OCC_*), ox x oy cells */
    int ox, oy;
    double ocell; /* cell size, points */
    /* The rings in view (coverage map, points not aggregated), by layer: */
    struct map_ring_set ring[MAP_RING_LAYERS];
    /* 1: at most MAP_RING_COUNTS_MAX rings in view and one standing for several
     * orgs: the labels write "×n" beside such rings and the legend says so. */
    int ring_counts;
    /* 1: a ring in view nests rings of several statuses: the legend says so. */
    int ring_nested;
};

/* Radius of the hollow ring drawn for an org placed only to an area. */
double map_ring_radius(const struct map_layout *L);
/*
 * The orgs of several statuses placed to one area are concentric rings, the
 * most alarming innermost at map_ring_radius(), each other status one step
 * out: the radius of status s's ring at area a of layer, and the outermost.
 * map_ring_layer: the layer whose drawing point carries an org placed
 * `placed` (enum cov_placed), -1 for none.
 */
int map_ring_layer(int placed);
extern const enum cov_status map_status_order[COV_ST_COUNT]; /* least alarming first */
double map_ring_radius_of(const struct map_layout *L, int layer, size_t a, int status);
double map_ring_outer(const struct map_layout *L, int layer, size_t a);

/* The page size in points of the map o draws (png: whether it is a raster, where
 * an explicit pixel size applies). */
void map_page_size(const struct map_opts *o, int png, double *w, double *h);
/*
 * Compute the layout of the map (o, m) draws. COV_EINPUT for a bad zoom area,
 * COV_ENOMEM. Release with map_layout_release() in every case.
 */
int map_layout_compute(const struct cov_model *m, const struct map_opts *o, struct map_layout *L,
                       struct cov_err *err);
void map_layout_release(struct map_layout *L);
/* 1 when org i is in the layout's focus (always 1 without a zoom area). */
int map_org_in_focus(const struct cov_model *m, const struct map_layout *L, size_t i);
/* 1 when area idx of layer lies in the layout's focus (its point on surface
 * is in the focus area); always 1 without a zoom area. */
int map_area_in_focus(const struct cov_model *m, const struct map_layout *L, int layer, size_t idx);
/* The feature weight a page box (x, y, w, h) covers on the occupancy grid;
 * a box reaching out of the frame also counts what it hides of it only. */
double map_occupancy(const struct map_layout *L, const double b[4]);
/*
 * The corner (enum map_corner) whose box covers the least weight: box[c] is
 * the box the furniture would take in corner c; corners whose bit is set in
 * taken, or whose box overlaps one of the n_avoid boxes, are skipped unless
 * none is left. Ties go to the earlier corner in pref (MAP_C_COUNT entries).
 */
int map_corner_best(const struct map_layout *L, const double box[MAP_C_COUNT][4], unsigned taken,
                    const double (*avoid)[4], size_t n_avoid, const int pref[MAP_C_COUNT]);

/* ---- one pass of drawing one page (set up by page.c, drawn by the files below) ---- */

/*
 * Layers of a page, in drawing order. PNG and PDF pages draw all of them in
 * one pass; an SVG is drawn once per layer, each pass with only that layer's
 * bit set in layers, and the passes are merged into named groups (page.c).
 * A step whose layer is off draws nothing but still leaves the cairo state it
 * would have left (fill rule, line join and cap), so that the later steps
 * draw exactly as in a single pass.
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

struct map_ctx {
    unsigned layers;       /* ML_* bits drawn by this pass */
    struct map_sbuf *meta; /* SVG only: legend and labels as text, XML-escaped */
    const struct cov_model *m;
    const struct map_opts *o;
    struct map_layout L;
    cairo_t *cr;
    PangoContext *pc;
    double stroke_w; /* line width of the paths being built for a stroke, or 0 for a fill */
    double fade;     /* strength of the theme's symbols being drawn: 1, or MAP_FADE */
    double *buf;     /* page coordinates of the ring being drawn */
    size_t cap;
    int oom;
    double obst[4 + MAP_PART_ARROWS][4]; /* furniture boxes inside the frame, for the labels */
    size_t n_obst;
    int sb_corner, na_corner;       /* corners (enum map_corner) of scale bar and north arrow */
    size_t arrows[MAP_PART_ARROWS]; /* L.parts marked by an arrow at the frame edge */
    double arrow_box[MAP_PART_ARROWS][4];
    size_t n_arrows;
    signed char *cls; /* targets theme: per community class, target and count */
    int *have, *need;
};

static inline int map_on(const struct map_ctx *r, unsigned layer)
{
    return (r->layers & layer) != 0;
}

/* ---- path.c: GEOS geometries as cairo paths, simplified to the device pixel ---- */

/* 1 when area a is in view and at least half a device pixel across. */
int map_area_visible(const struct map_ctx *r, const struct cov_area *a);
/* Add the rings of a polygon, multipolygon or collection to the current path
 * (r->stroke_w set: rings finer than half that width are simplified away). */
void map_path_geom(struct map_ctx *r, const GEOSGeometry *g);
/* Point areas (buildings given as points): a square of half side `half` points. */
void map_path_point_area(struct map_ctx *r, const struct cov_area *a, double half);
int map_is_point_area(const struct map_ctx *r, const struct cov_area *a);

/* ---- themes.c: what the targets and plan themes read from the analysis ---- */

struct map_rate {
    int target;              /* COV_T_* of analysis/targets.h: its label is cov_label_target() */
    double value, threshold; /* rates 0..1, or counts */
    int met;
    int rate; /* 1: value/threshold are rates */
};
struct map_rates {
    struct map_rate r[8];
    size_t n;
};

/*
 * Per community (m->n_areas[COV_COMMUNITIES] entries): its target class
 * (enum map_tclass), its community social organizations and the number
 * required (-1 when the targets have no entry). Returns 0 or COV_EINPUT when
 * t refers to a community the model does not have.
 */
int map_targets_classes(const struct cov_model *m, const struct cov_targets *t, signed char *cls,
                        int *have, int *need);
/* Communities in the layout's focus per class, and the rate targets. */
void map_targets_counts(const struct cov_model *m, const struct cov_targets *t,
                        const struct map_layout *L, long cnt[MAP_T_COUNT], struct map_rates *rates);
/* Groups and covered organizations per group kind with a member in focus, and
 * instructor organizations in focus. */
void map_plan_counts(const struct cov_model *m, const struct cov_plan *p,
                     const struct map_layout *L, long groups[COV_G_COUNT], long orgs[COV_G_COUNT],
                     long *instr);

/* ---- legend.c: the entries of the legend ---- */

/* Legend of an already computed layout (see map_legend_build). */
size_t map_legend_for(const struct cov_model *m, const struct map_opts *o,
                      const struct map_layout *L, struct map_legend_entry *out, size_t cap);

/* ---- layers.c: the map itself inside the frame ---- */

/* Base layers, the theme's layer (points, aggregation or plan) and the zoom
 * mask, inside the frame (the caller clips to it). */
void map_draw_layers(struct map_ctx *r);

/* ---- labels.c: area and group names placed on the map ---- */

/* Collect, measure, place (avoiding r->obst) and draw the labels; placed ones
 * are listed in r->meta. */
void map_draw_labels(struct map_ctx *r);

/* ---- furniture.c: north arrow, scale bar, frame, titles, legend panel ---- */

/* Choose the corners of the scale bar and the north arrow and the arrows to
 * detached pieces of the zoom area (once per page, before the labels). */
void map_furniture_place(struct map_ctx *r);
/* The arrows to detached pieces of the zoom area, with their names. */
void map_draw_part_arrows(struct map_ctx *r);

/* The box the north arrow takes inside the frame. */
void map_north_arrow_box(const struct map_ctx *r, double b[4]);
void map_draw_north_arrow(struct map_ctx *r);
/* The box the scale bar takes into box; draws it when ML_FURNITURE is on. */
void map_draw_scalebar(struct map_ctx *r, double box[4]);
/* The frame line, title, subtitle and footer of the page. */
void map_draw_titles(struct map_ctx *r);
void map_draw_legend(struct map_ctx *r);
/* The theme's default title, and the page's title (o->title, or the zoom
 * area's name with the default title) into title (n bytes). */
const char *map_default_title(const struct map_opts *o);
void map_page_title(const struct cov_model *m, const struct map_opts *o, char *title, size_t n);

#endif
