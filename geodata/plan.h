/*
 * plan.h - a branch plan kept in the project store.
 *
 * `orgcover propose --save` writes the plan's groups into tables that QGIS
 * and spreadsheets read (plan_groups, plan_members, plan_instructor) and
 * records the options it was made with. Because the planner is
 * deterministic, maps and status redraw exactly that plan from the options
 * while the data and the policy are unchanged; after a new import or a
 * policy change the saved plan is reported stale.
 */
#ifndef GEO_PLAN_H
#define GEO_PLAN_H

#include "../analysis/propose.h"
#include "store.h"

/* Replace the saved plan (one transaction). */
int geo_plan_save(struct geo_store *s, const struct cov_model *m, const struct cov_plan *p,
                  const struct cov_propose_opts *o, struct cov_err *err);

/*
 * The options of the saved plan into *o. Returns 1 when a plan is saved
 * (*current = 1 when neither the layers nor the policy changed since), 0 when
 * none is, or -1 on error (err filled).
 */
int geo_plan_saved_opts(struct geo_store *s, const struct cov_policy *policy,
                        struct cov_propose_opts *o, int *current, struct cov_err *err);

#endif
