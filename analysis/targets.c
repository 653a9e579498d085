/* targets.c - target checks of clauses 4 and 11. */
#include "targets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "areasel.h"
#include "coverage.h"
#include "i18n.h"

static const double RATE_TOLERANCE = 1e-9;

static void rate_target(struct cov_target *t, const char *id, double value, double threshold)
{
    t->id = id;
    t->value = value;
    t->threshold = threshold;
    t->met = isnan(value) || value >= threshold - RATE_TOLERANCE;
}

void cov_targets_release(struct cov_targets *t)
{
    if (!t)
        return;
    free(t->communities);
    t->communities = NULL;
    t->n_communities = 0;
}

int cov_targets_all_met(const struct cov_targets *t)
{
    for (int i = 0; i < COV_T_COUNT; i++)
        if (!t->targets[i].met)
            return 0;
    return 1;
}

int cov_targets_compute(const struct cov_model *m, struct cov_targets *out, struct cov_err *err)
{
    return cov_targets_compute_in(m, NULL, out, err);
}

int cov_targets_compute_in(const struct cov_model *m, const struct cov_areasel *sel,
                           struct cov_targets *out, struct cov_err *err)
{
    memset(out, 0, sizeof(*out));
    struct cov_summary s;
    int rc = cov_summarize_in(m, sel, -1, &s, NULL, err);
    if (rc)
        return rc;
    const struct cov_policy *p = &m->policy;
    rate_target(&out->targets[COV_T_COVERAGE_RATE], "coverage_rate", s.coverage_rate,
                p->v[COV_P_COVERAGE_RATE_TARGET]);
    rate_target(&out->targets[COV_T_STANDALONE_RATE], "standalone_rate", s.standalone_rate,
                p->v[COV_P_STANDALONE_RATE_TARGET]);

    size_t nc = m->n_areas[COV_COMMUNITIES];
    /* Both written whole, 20 MB at national size: 2 MiB pages (core.h). */
    int *count = cov_calloc_huge(nc + 1, sizeof(*count));
    if (nc)
        out->communities = cov_malloc_huge(nc * sizeof(*out->communities));
    if (out->communities)
        cov_populate(out->communities, nc * sizeof(*out->communities));
    if (!count || (nc && !out->communities)) {
        free(count);
        return cov_err_set(err, COV_ENOMEM, _("out of memory checking %zu communities"), nc);
    }
    for (size_t i = 0; i < m->n_orgs; i++) {
        int32_t c = m->orgs[i].area[COV_COMMUNITIES];
        if (m->orgs[i].community_org == 1 && c >= 0 && (size_t)c < nc)
            count[c]++;
    }
    long urban = 0, urban_met = 0, rural = 0, rural_met = 0;
    int umin = (int)p->v[COV_P_URBAN_COMMUNITY_MIN_ORGS];
    int rmin = (int)p->v[COV_P_RURAL_COMMUNITY_MIN_ORGS];
    for (size_t c = 0; c < nc; c++) {
        if (!cov_areasel_has_area(sel, COV_COMMUNITIES, c))
            continue;
        struct cov_community_check *k = &out->communities[out->n_communities++];
        k->community = c;
        k->community_orgs = count[c];
        k->ur = m->areas[COV_COMMUNITIES][c].ur;
        k->required = k->ur == COV_UR_URBAN ? umin : k->ur == COV_UR_RURAL ? rmin : 0;
        k->met = k->community_orgs >= k->required;
        k->shortfall = k->met ? 0 : k->required - k->community_orgs;
        if (k->ur == COV_UR_URBAN) {
            urban++;
            urban_met += k->met;
        } else if (k->ur == COV_UR_RURAL) {
            rural++;
            rural_met += k->met;
        }
    }
    free(count);
    struct cov_target *t = &out->targets[COV_T_URBAN];
    *t = (struct cov_target){"urban_community_orgs", (double)urban_met, (double)urban,
                             urban_met == urban};
    t = &out->targets[COV_T_RURAL];
    *t = (struct cov_target){"rural_community_orgs", (double)rural_met, (double)rural,
                             rural_met == rural};
    return 0;
}
