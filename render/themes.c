/* themes.c - what the targets and plan themes read from the analysis
 * results: each community's target class, and the figures in focus. */
#include "render_int.h"

#include <stdlib.h>
#include <string.h>

#include "../analysis/geos.h"
#include "../analysis/targets.h"

int map_targets_classes(const struct cov_model *m, const struct cov_targets *t, signed char *cls,
                        int *have, int *need)
{
    size_t nc = m->n_areas[COV_COMMUNITIES];
    for (size_t i = 0; i < nc; i++) {
        cls[i] = MAP_T_NODATA;
        if (have)
            have[i] = -1;
        if (need)
            need[i] = -1;
    }
    if (!t)
        return 0;
    for (size_t k = 0; k < t->n_communities; k++) {
        const struct cov_community_check *c = &t->communities[k];
        if (c->community >= nc)
            return COV_EINPUT;
        cls[c->community] = c->required <= 0    ? MAP_T_NODATA
                            : c->met            ? MAP_T_MET
                            : c->shortfall <= 1 ? MAP_T_SHORT1
                                                : MAP_T_SHORT2;
        if (have)
            have[c->community] = c->community_orgs;
        if (need)
            need[c->community] = c->required;
    }
    return 0;
}

void map_targets_counts(const struct cov_model *m, const struct cov_targets *t,
                        const struct map_layout *L, long cnt[MAP_T_COUNT], struct map_rates *rates)
{
    memset(cnt, 0, sizeof(long) * MAP_T_COUNT);
    memset(rates, 0, sizeof(*rates));
    size_t nc = m->n_areas[COV_COMMUNITIES];
    signed char *cls = malloc(nc ? nc : 1);
    if (cls && !map_targets_classes(m, t, cls, NULL, NULL))
        for (size_t i = 0; i < nc; i++)
            if (map_area_in_focus(m, L, COV_COMMUNITIES, i))
                cnt[(int)cls[i]]++;
    free(cls);
    if (!t)
        return;
    for (size_t k = 0; k < COV_T_COUNT && rates->n < 8; k++) {
        struct map_rate *r = &rates->r[rates->n++];
        r->target = (int)k;
        r->rate = k == COV_T_COVERAGE_RATE || k == COV_T_STANDALONE_RATE;
        r->value = t->targets[k].value;
        r->threshold = t->targets[k].threshold;
        r->met = t->targets[k].met;
    }
}

void map_plan_counts(const struct cov_model *m, const struct cov_plan *p,
                     const struct map_layout *L, long groups[COV_G_COUNT], long orgs[COV_G_COUNT],
                     long *instr)
{
    memset(groups, 0, sizeof(long) * COV_G_COUNT);
    memset(orgs, 0, sizeof(long) * COV_G_COUNT);
    *instr = 0;
    if (!p)
        return;
    for (size_t g = 0; g < p->n_groups; g++) {
        const struct cov_group *gr = &p->groups[g];
        if ((unsigned)gr->kind >= COV_G_COUNT)
            continue;
        long in = 0;
        for (size_t k = 0; k < gr->n_members; k++)
            if (gr->members[k] < m->n_orgs && map_org_in_focus(m, L, gr->members[k]))
                in++;
        if (in) {
            groups[gr->kind]++;
            orgs[gr->kind] += in;
        }
    }
    for (size_t k = 0; k < p->n_instructor; k++)
        if (p->instructor[k] < m->n_orgs && map_org_in_focus(m, L, p->instructor[k]))
            (*instr)++;
}
