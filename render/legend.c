/* legend.c - the entries of a map's legend per theme: classes with their
 * colours and counts in focus, notes, and the base map. The only source of
 * the legend: the panel (furniture.c) draws exactly these entries. Names and
 * thresholds of the model come from analysis/labels.h with the model's policy. */
#include "render_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

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
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s", map_tr(en, "Social organizations by status"));
    long covered = 0;
    for (int s = 0; s < COV_ST_COUNT; s++) {
        char name[96];
        add(b, L->aggregated ? MAP_LEG_NOTE : MAP_LEG_POINT, s, L->counts[s],
            map_status_color((enum cov_status)s), L->point_r, "%s",
            cov_label_status_p((enum cov_status)s, &m->policy, map_lang(o), name, sizeof(name)));
        if (map_status_covered((enum cov_status)s))
            covered += L->counts[s];
    }
    char a[32], t[32];
    if (L->n_approx && !L->aggregated) {
        add(b, MAP_LEG_HOLLOW, -1, L->n_approx, (struct map_rgb){0.3, 0.3, 0.3}, L->point_r, "%s",
            map_tr(en, "Placed by address (approximate)"));
        if (L->ring_counts)
            add(b, MAP_LEG_NOTE, -1, -1, black, 0, "%s",
                map_tr(en, "×n beside a ring: the organizations it stands for"));
        if (L->ring_nested)
            add(b, MAP_LEG_NOTE, -1, -1, black, 0, "%s",
                map_tr(en, "Rings inside rings: organizations of several statuses there, "
                           "the most urgent innermost"));
    }
    if (L->n_unplaced) {
        map_format_count(L->n_unplaced, a, sizeof(a));
        add(b, MAP_LEG_NOTE, -1, L->n_unplaced, black, 0,
            map_tr(en, "%s not placed, not on the map"), a);
    }
    map_format_count(covered, a, sizeof(a));
    map_format_count(L->n_focus, t, sizeof(t));
    if (L->n_focus)
        add(b, MAP_LEG_NOTE, -1, -1, black, 0, map_tr(en, "Coverage rate %.1f %% (%s of %s)"),
            100.0 * (double)covered / (double)L->n_focus, a, t);
    if (L->aggregated) {
        add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s", map_tr(en, "Aggregated: too many points"));
        add(b, MAP_LEG_NOTE, -1, -1, black, 0,
            map_tr(en, "Circles per %.0f mm cell, area = organizations"), L->cell * 25.4 / 72);
        for (int k = MAP_AGG_CLASSES - 1; k >= 0; k--) {
            double lo = 100 * map_agg_break(k), hi = 100 * map_agg_break(k + 1);
            if (k == 0)
                add(b, MAP_LEG_CIRCLE, k, -1, map_agg_color(k), 0.2 * L->cell,
                    map_tr(en, "covered < %g %%"), hi);
            else if (k == MAP_AGG_CLASSES - 1)
                add(b, MAP_LEG_CIRCLE, k, -1, map_agg_color(k), 0.2 * L->cell,
                    map_tr(en, "covered ≥ %g %%"), lo);
            else
                add(b, MAP_LEG_CIRCLE, k, -1, map_agg_color(k), 0.2 * L->cell,
                    map_tr(en, "covered %g–%g %%"), lo, hi);
        }
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
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s", map_tr(en, "Base map"));
    if (theme_fills && m->n_areas[COV_COMMUNITIES]) {
        add(b, MAP_LEG_FILL, COV_UR_URBAN, -1, map_community_fill(COV_UR_URBAN), 0, "%s",
            cov_label_ur(COV_UR_URBAN, map_lang(o)));
        add(b, MAP_LEG_FILL, COV_UR_RURAL, -1, map_community_fill(COV_UR_RURAL), 0, "%s",
            cov_label_ur(COV_UR_RURAL, map_lang(o)));
    }
    if (m->n_areas[COV_DISTRICTS])
        add(b, MAP_LEG_LINE, COV_DISTRICTS, -1, (struct map_rgb){0.29, 0.29, 0.29}, 1.1, "%s",
            map_tr(en, "District / county boundary"));
    if (m->n_areas[COV_STREETS])
        add(b, MAP_LEG_LINE, COV_STREETS, -1, (struct map_rgb){0.63, 0.63, 0.63}, 0.45, "%s",
            map_tr(en, "Street / township boundary"));
    if (m->n_areas[COV_PARKS])
        add(b, MAP_LEG_FILL, 100 + COV_PARKS, -1, (struct map_rgb){0.85, 0.82, 0.9}, 0, "%s",
            map_tr(en, "Industrial park"));
    if (m->n_areas[COV_BUILDINGS])
        add(b, MAP_LEG_FILL, 100 + COV_BUILDINGS, -1, (struct map_rgb){0.78, 0.78, 0.78}, 0, "%s",
            map_tr(en, "Office building"));
}

static void legend_targets(const struct cov_model *m, const struct map_opts *o,
                           const struct map_layout *L, struct lb *b)
{
    int en = o->lang_en;
    long cnt[MAP_T_COUNT] = {0};
    struct map_rates rates = {0};
    map_targets_counts(m, o->targets, L, cnt, &rates);
    add(b, MAP_LEG_HEADING, -1, -1, black, 0,
        map_tr(en, "Community target (urban ≥ %.0f, rural ≥ %.0f)"),
        m->policy.v[COV_P_URBAN_COMMUNITY_MIN_ORGS], m->policy.v[COV_P_RURAL_COMMUNITY_MIN_ORGS]);
    add(b, MAP_LEG_FILL, MAP_T_MET, cnt[MAP_T_MET], map_tclass_color(MAP_T_MET), 0, "%s",
        map_tr(en, "Target met"));
    add(b, MAP_LEG_FILL, MAP_T_SHORT1, cnt[MAP_T_SHORT1], map_tclass_color(MAP_T_SHORT1), 0, "%s",
        map_tr(en, "Short by 1"));
    add(b, MAP_LEG_FILL, MAP_T_SHORT2, cnt[MAP_T_SHORT2], map_tclass_color(MAP_T_SHORT2), 0, "%s",
        map_tr(en, "Short by 2 or more"));
    if (cnt[MAP_T_NODATA])
        add(b, MAP_LEG_FILL, MAP_T_NODATA, cnt[MAP_T_NODATA], map_tclass_color(MAP_T_NODATA), 0,
            "%s", map_tr(en, "No target data"));
    add(b, MAP_LEG_HATCH, -1, -1, (struct map_rgb){1, 1, 1}, 0, map_tr(en, "%s (hatched)"),
        cov_label_ur(COV_UR_RURAL, map_lang(o)));
    add(b, MAP_LEG_NOTE, -1, -1, black, 0, "%s",
        map_tr(en, "Labels: failing communities, orgs / required"));
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s", map_tr(en, "Rate targets"));
    /* A count target's name is long: its figures go on a line of their own, so
     * that a narrow panel never breaks a word such as 未达标 across lines (pango
     * may break between any two Chinese characters). */
    for (size_t k = 0; k < rates.n; k++) {
        const struct map_rate *r = &rates.r[k];
        struct map_rgb c = r->met ? map_tclass_color(MAP_T_MET) : map_tclass_color(MAP_T_SHORT2);
        char name[128];
        cov_label_target(r->target, &m->policy, map_lang(o), name, sizeof(name));
        if (r->rate && !isfinite(r->value))
            add(b, MAP_LEG_POINT, 1000 + (int)k, -1, c, 3, "%s: %s", name,
                map_tr(en, "n/a (nothing to form)"));
        else if (r->rate)
            add(b, MAP_LEG_POINT, 1000 + (int)k, -1, c, 3,
                r->met ? map_tr(en, "%s %.1f %% (target ≥ %.0f %%): met")
                       : map_tr(en, "%s %.1f %% (target ≥ %.0f %%): missed"),
                name, 100 * r->value, 100 * r->threshold);
        else
            add(b, MAP_LEG_POINT, 1000 + (int)k, -1, c, 3,
                r->met ? map_tr(en, "%s: %.0f of %.0f communities: met")
                       : map_tr(en, "%s: %.0f of %.0f communities: missed"),
                name, r->value, r->threshold);
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
    add(b, MAP_LEG_HEADING, -1, -1, black, 0, "%s", map_tr(en, "Proposed organizations (groups)"));
    static const enum map_legend_kind kinds[COV_G_COUNT] = {
        MAP_LEG_POINT, MAP_LEG_POINT, MAP_LEG_FILL, MAP_LEG_LINK, MAP_LEG_LINK};
    for (int k = 0; k < COV_G_COUNT; k++) {
        char c1[32];
        map_format_count(orgs[k], c1, sizeof(c1));
        add(b, kinds[k], k, groups[k], map_group_color(k), 2.6,
            map_trn(en, "%s, covering %s organization", "%s, covering %s organizations", orgs[k]),
            cov_label_group_kind((enum cov_group_kind)k, map_lang(o)), c1);
    }
    add(b, MAP_LEG_POINT, 100, instr, (struct map_rgb){0.5, 0.5, 0.5}, 1.6, "%s",
        map_tr(en, "Instructor needed"));
    add(b, MAP_LEG_POINT, 101, -1, (struct map_rgb){0.75, 0.75, 0.75}, 1.2, "%s",
        map_tr(en, "Other organizations"));
    if (isfinite(p->coverage_rate_after)) {
        long before = 0;
        for (int s = 0; s <= COV_ST_FUNCTIONAL; s++)
            before += L->counts[s];
        if (L->focus < 0)
            add(b, MAP_LEG_NOTE, -1, -1, black, 0,
                map_tr(en, "Coverage %.1f %% now, %.1f %% after the plan"),
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
