/*
 * render_int.h - private to render/: the page layout shared by the legend
 * builder and the drawing code. Not installed, not used outside render/.
 */
#ifndef MAP_RENDER_INT_H
#define MAP_RENDER_INT_H

#include "map.h"

#define MAP_FONT "Noto Sans CJK SC"
/* millimetres -> points */
#define MAP_MM(x) ((x)*72.0 / 25.4)
/* Above this many organizations in view the points are aggregated. */
#define MAP_AGG_MAX_POINTS 20000

/* Classes of the aggregated symbols: share of organizations covered. */
enum { MAP_AGG_CLASSES = 4 };

/* Classes of the targets theme (community target). */
enum map_tclass { MAP_T_NODATA, MAP_T_MET, MAP_T_SHORT1, MAP_T_SHORT2, MAP_T_COUNT };

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
};

/*
 * Compute the layout of the map (o, m) draws. COV_EINPUT for a bad zoom area,
 * COV_ENOMEM. Release with map_layout_release() in every case.
 */
int map_layout_compute(const struct cov_model *m, const struct map_opts *o, struct map_layout *L,
                       struct cov_err *err);
void map_layout_release(struct map_layout *L);
/* Legend of an already computed layout (see map_legend_build). */
size_t map_legend_for(const struct cov_model *m, const struct map_opts *o,
                      const struct map_layout *L, struct map_legend_entry *out, size_t cap);

/* 1 if status s counts as covered. */
int map_status_covered(enum cov_status s);
/* The colour of aggregated-symbol class k (share covered). */
struct map_rgb map_agg_color(int k);
int map_agg_class(double share);
/* Community fills. */
struct map_rgb map_community_fill(enum cov_ur ur);
struct map_rgb map_tclass_color(int tclass);
/* Plan group colours. */
struct map_rgb map_group_color(int kind);
/* 1 when org i is in the layout's focus (always 1 without a zoom area). */
int map_org_in_focus(const struct cov_model *m, const struct map_layout *L, size_t i);
/* Thousands separators: 1234567 -> "1,234,567". */
void map_format_count(long v, char *buf, size_t n);

#endif
