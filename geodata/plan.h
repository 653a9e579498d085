/*
 * plan.h - a branch plan kept in the project store.
 *
 * `orgcover propose --save` writes the plan's groups into tables that QGIS
 * and spreadsheets read (plan_groups, plan_members, plan_instructor) and
 * records the options it was made with. Because the planner is
 * deterministic, maps and status redraw exactly that plan from the options
 * while the data and the policy are unchanged; after a new import or a
 * change of a policy value the plan uses, the saved plan is stale and
 * geo_plan_saved_opts says what changed.
 */
#ifndef GEO_PLAN_H
#define GEO_PLAN_H

#include "../analysis/propose.h"
#include "store.h"

/* Replace the saved plan (one transaction). */
int geo_plan_save(struct geo_store *s, const struct cov_model *m, const struct cov_plan *p,
                  const struct cov_propose_opts *o, struct cov_err *err);

/*
 * What changed since the saved plan was made (geo_plan_saved_opts). The plan
 * is current when layers == 0 and policy == 0.
 */
struct geo_plan_drift {
    unsigned layers;       /* bit 1 << layer (enum cov_layer) for each layer imported again
                              since; all bits when the store cannot tell which */
    int policy;            /* 1: a policy value the plan depends on
                              (cov_propose_uses_param) changed since */
    int policy_known;      /* 1: was holds the policy values the plan was made with */
    struct cov_policy was; /* those values (when policy_known) */
};

/*
 * The options of the saved plan into *o. Returns 1 when a plan is saved (*d
 * says what changed since, compared with the store's layers and policy), 0
 * when none is, or -1 on error (err filled). d may be NULL.
 */
int geo_plan_saved_opts(struct geo_store *s, const struct cov_policy *policy,
                        struct cov_propose_opts *o, struct geo_plan_drift *d, struct cov_err *err);

#endif
