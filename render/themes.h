/*
 * themes.h - private to render/: what the targets and plan themes read from
 * the analysis results (analysis/targets.h, analysis/propose.h), so that the
 * drawing code depends on those structs in one place only.
 */
#ifndef MAP_THEMES_H
#define MAP_THEMES_H

#include "../analysis/propose.h"
#include "render_int.h"

struct map_rate {
    const char *label_zh, *label_en; /* borrowed, static */
    double value, threshold;         /* rates 0..1, or counts */
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
/* 1 when area idx of layer lies in the layout's focus (its point on surface
 * is in the focus area); always 1 without a zoom area. */
int map_area_in_focus(const struct cov_model *m, const struct map_layout *L, int layer, size_t idx);

#endif
