/*
 * map.h - cartography: coverage, target and plan maps of a struct cov_model,
 * drawn with cairo (PNG, PDF, SVG surfaces) and pango (text, Noto Sans CJK SC).
 *
 * render/ knows nothing of the CLI, the store or GDAL. Coordinates of the
 * model are projected metres (m->srid); grid north is drawn up.
 *
 * Page geometry: every length on the page is in PostScript points (1/72 in),
 * y pointing down. A PNG is the same page rasterized at o->dpi.
 *
 * How legend entries are checked: map_legend_build() is the single source of
 * the legend (the drawing code renders exactly its entries), so unit tests
 * check the entries there; PDF output keeps text as real text (pdftotext
 * finds the legend and the labels), PNG output is checked by pixel colours.
 *
 * SVG layers: cairo 1.16's SVG surface writes a flat list of elements and
 * cannot name groups, so an SVG page is drawn once per layer (background,
 * communities, parks-buildings, streets, districts, focus, organizations or
 * plan, labels, furniture, legend; a layer the page does not have is left
 * out), each pass into its own in-memory SVG document with the same layout
 * and transforms and only that layer's drawing steps enabled. The documents
 * are merged into one: one <svg> root (that of the first), then per layer
 * its <defs> and its drawing inside <g id="layer-NAME"
 * inkscape:groupmode="layer" inkscape:label="NAME">, which Inkscape and
 * QGIS show as layers; every id and every reference to one (href="#...",
 * url(#...)) is prefixed with "NAME-", so glyph and clip ids of different
 * passes never collide. The layout and the label placement are computed once
 * for all passes. PNG and PDF pages draw all layers in one pass, unchanged.
 * cairo writes SVG text as glyph outlines, so the SVG also carries its title,
 * legend entries with counts and placed labels as <title> and <desc> text,
 * and a "layout:" section: the world box in view, the pieces of a zoom area
 * in several pieces (which is framed, which marked by an arrow) and the
 * corners of scale bar and north arrow with the feature weight they cover.
 * Labels of features outside a zoom area, drawn faded, end in " (context)".
 *
 * One area (o->area): the frame holds the area's main piece (most of its
 * organizations); detached pieces out of view get an arrow at the frame edge
 * with their name, organizations and distance; features outside the area
 * are drawn faded; scale bar and north arrow take the corners of the frame
 * that hide the fewest features.
 *
 * Dense data: above ~20,000 organizations in view (or points closer than
 * ~2.5 pt) the coverage theme draws per-cell proportional circles coloured by
 * the share covered, and the legend says so; in PDF/SVG output more than
 * 50,000 visible communities are drawn as one 300 dpi image.
 */
#ifndef MAP_H
#define MAP_H

#include <stddef.h>

#include "../analysis/core.h"
#include "../analysis/model.h"

struct cov_targets; /* analysis/targets.h */
struct cov_plan;    /* analysis/propose.h */

enum map_theme { MAP_THEME_COVERAGE, MAP_THEME_TARGETS, MAP_THEME_PLAN };

struct map_opts {
    const char *path; /* output file; .png, .pdf or .svg picks the cairo surface */
    enum map_theme theme;
    double page_w_mm, page_h_mm;       /* page size (default A4 landscape 297x210) */
    int px_w, px_h;                    /* explicit PNG pixel size (0 = from page size and dpi) */
    double dpi;                        /* PNG resolution, default 150 */
    const char *title, *subtitle;      /* NULL = a default per theme and language */
    int lang_en;                       /* 0 Chinese (default), 1 English */
    int area_layer;                    /* zoom to this area (COV_DISTRICTS .. COV_BUILDINGS) ... */
    long area;                         /* ... index into m->areas[area_layer]; -1 = whole model */
    const char *attribution;           /* e.g. "边界：Vonng/adcode (CC BY 4.0)"; NULL = none */
    const char *data_date;             /* shown in the subtitle; NULL = omit */
    const struct cov_targets *targets; /* required for MAP_THEME_TARGETS */
    const struct cov_plan *plan;       /* required for MAP_THEME_PLAN */
    int aggregate;                     /* points: 0 auto (dense -> grid), 1 always, -1 never */
    const unsigned char *atlas_pages;  /* map_render_atlas: per area of its layer, 0 leaves its
                                          page out; NULL: every page */
};

/* Defaults: coverage theme, A4 landscape, 150 dpi, Chinese, whole model. */
void map_opts_init(struct map_opts *o);
/*
 * "A4", "A3" (portrait), "A4-landscape", "A3-landscape" (case-insensitive) set
 * page_w_mm/page_h_mm and clear px_w/px_h; "WxH" (pixels, 16..20000 each) sets
 * px_w/px_h. Otherwise COV_EINPUT with the accepted forms; o is then unchanged.
 */
int map_size_parse(const char *s, struct map_opts *o, struct cov_err *err);
/* "coverage", "targets", "plan" -> *t; COV_EINPUT otherwise. */
int map_theme_parse(const char *s, enum map_theme *t, struct cov_err *err);

/*
 * Draw one map to o->path. Requires m->assigned and m->classified (and
 * o->targets / o->plan for those themes). Returns 0, COV_EINPUT (bad options,
 * unknown extension, missing analysis), COV_EIO (cannot write) or COV_ENOMEM.
 */
int map_render(const struct cov_model *m, const struct map_opts *o, struct cov_err *err);
/*
 * Multi-page PDF: an overview page (o->area as given), then one page per area
 * of layer `by` (COV_DISTRICTS or COV_STREETS) in model order (areas without
 * geometry and those o->atlas_pages leaves out skipped), each zoomed to its
 * area with the figures of its own organizations, titled with its name
 * (o->title and o->subtitle apply to the overview only); PDF bookmarks name
 * the pages. o->path must end in .pdf.
 * progress may be NULL; returning nonzero from it cancels (COV_ECANCEL).
 * Cost: every page walks all organizations and areas, so an atlas of
 * thousands of pages over a national model is slow.
 */
int map_render_atlas(const struct cov_model *m, int by, const struct map_opts *o,
                     cov_progress_fn progress, void *user, struct cov_err *err);

/*
 * Release the font caches pango, fontconfig and cairo keep for the life of
 * the process (so that leak checkers stay quiet). Optional; call at most once,
 * at exit, from the thread that rendered, after the last map_* call.
 */
void map_global_cleanup(void);

/* ---- pure building blocks, public for the CLI and the tests ---- */

struct map_rgb {
    double r, g, b; /* 0..1 */
};
/* The colour-blind-safe (Okabe-Ito) colour of an organization status. */
struct map_rgb map_status_color(enum cov_status s);
/* Borrowed: "organization" or "organizations" by count in English, "个组织" in Chinese. */
const char *map_unit_orgs(long n, int en);

/* World (metres) -> page (points) transform of a map frame. */
struct map_view {
    double fx, fy, fw, fh; /* map frame on the page, points, y down */
    double s;              /* page points per metre */
    double cx, cy;         /* world point drawn at the frame centre */
};
/*
 * Fit the world box into the frame (fx, fy, fw, fh) keeping the aspect ratio,
 * leaving margin_frac (e.g. 0.04) of the frame free on each side. A degenerate
 * box gets a 500 m extent around its centre.
 */
void map_view_fit(struct map_view *v, double fx, double fy, double fw, double fh, double minx,
                  double miny, double maxx, double maxy, double margin_frac);
void map_view_to_page(const struct map_view *v, double x, double y, double *px, double *py);
void map_view_to_world(const struct map_view *v, double px, double py, double *x, double *y);
/* The world box the frame shows. */
void map_view_extent(const struct map_view *v, double *minx, double *miny, double *maxx,
                     double *maxy);
/* Scale denominator N of "1:N" for this view printed at its page size. */
double map_view_denominator(const struct map_view *v);
/*
 * The transform map_render(m, o) uses for its map frame (page points; a PNG
 * pixel is a point times o->dpi / 72). COV_EINPUT for a bad zoom area.
 */
int map_page_view(const struct cov_model *m, const struct map_opts *o, struct map_view *v,
                  struct cov_err *err);
/* The largest round length (1, 2 or 5 x 10^k metres) <= max_m; 0 if max_m <= 0. */
double map_scalebar_length(double max_m);
/* "500 m", "2 km", "1.5 km" ... into buf (always NUL-terminated); on a
 * Chinese map (en 0) the units of the message catalogue ("2 千米"). */
void map_format_length(double metres, int en, char *buf, size_t n);

/* Label placement. */
struct map_label {
    double ax, ay;   /* anchor on the page (points) */
    double w, h;     /* text box size (points) */
    double priority; /* higher is placed first */
    int point;       /* 1: beside a point (right, left, above, below); 0: centred */
    double gap;      /* distance from a point anchor, or from an off_anchor one */
    int off_anchor;  /* area label (point 0) that must leave its anchor free (a
                      * symbol sits there): just above it, else just below, gap away */
    /* out: */
    int placed;  /* 1 if placed */
    double x, y; /* top-left corner of the placed box */
};
/*
 * Place labels in priority order (ties: array order); a label is dropped if
 * every candidate position overlaps an already placed label or an obstacle
 * box (x, y, w, h; may be NULL when n_obst is 0) or leaves the bounds box.
 * Array order is kept. *n_placed (may be NULL) gets the number placed.
 * 0 or COV_ENOMEM.
 */
int map_labels_place(struct map_label *l, size_t n, const double bounds[4], const double (*obst)[4],
                     size_t n_obst, size_t *n_placed);

/* Legend. */
enum map_legend_kind {
    MAP_LEG_HEADING, /* a section title */
    MAP_LEG_POINT,   /* a point symbol of colour `color` */
    MAP_LEG_HOLLOW,  /* a hollow point symbol: placed only to an area, by its address */
    MAP_LEG_FILL,    /* an area fill */
    MAP_LEG_HATCH,   /* an area fill with the rural hatching */
    MAP_LEG_LINE,    /* a boundary line, `width` points */
    MAP_LEG_CIRCLE,  /* a proportional circle (aggregated points) */
    MAP_LEG_LINK,    /* a member-to-medoid link (plan) */
    MAP_LEG_NOTE     /* a line of explanatory text */
};
struct map_legend_entry {
    enum map_legend_kind kind;
    int key;         /* theme class: enum cov_status, target class, group kind... or -1 */
    char label[160]; /* UTF-8 in the options' language, without the count */
    long count;      /* features in the class, -1 when not counted */
    struct map_rgb color;
    double width; /* lines: width in points; circles: radius in points */
};
/*
 * The legend of the map map_render(m, o) draws (theme, language, zoom area,
 * aggregation): writes at most cap entries into out (may be NULL when cap is
 * 0) and returns the number of entries the legend has.
 */
size_t map_legend_build(const struct cov_model *m, const struct map_opts *o,
                        struct map_legend_entry *out, size_t cap);

/* Number of characters of text the map font cannot show (missing-glyph boxes). */
int map_text_unknown_glyphs(const char *text);

#endif
