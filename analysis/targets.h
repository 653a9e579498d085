/*
 * targets.h - the policy's checkable targets.
 *
 * - coverage_rate: organization coverage rate (coverage.h) against
 *   coverage_rate_target (clause 4, 0.90).
 * - standalone_rate: standalone formation rate against standalone_rate_target
 *   (clause 4, 1.00).
 *   A rate target is met when value >= threshold - 1e-9. A NAN rate (no
 *   organizations, or none eligible for a standalone organization) counts as
 *   met: there is nothing to do.
 * - urban_community_orgs / rural_community_orgs (clause 11): every urban
 *   community has >= urban_community_min_orgs (5) community social
 *   organizations (orgs with community_org == 1 located in it), every rural
 *   one >= rural_community_min_orgs (2). value = communities of that type
 *   meeting it, threshold = communities of that type; met when all do (also
 *   when there are none). Communities of unknown type are listed with
 *   required 0 and count towards neither target.
 */
#ifndef COV_TARGETS_H
#define COV_TARGETS_H

#include <stddef.h>

#include "core.h"
#include "model.h"

enum { COV_T_COVERAGE_RATE, COV_T_STANDALONE_RATE, COV_T_URBAN, COV_T_RURAL, COV_T_COUNT };

struct cov_target {
    const char *id;   /* "coverage_rate", "standalone_rate", "urban_community_orgs",
                         "rural_community_orgs" (static strings) */
    double value;     /* the rate (NAN when undefined), or the number of communities meeting it */
    double threshold; /* the rate target, or the number of communities of that type */
    int met;
};

struct cov_community_check {
    size_t community; /* index into m->areas[COV_COMMUNITIES] */
    enum cov_ur ur;
    int community_orgs; /* orgs with community_org == 1 located in it */
    int required;       /* policy minimum for its type (urban/rural); 0 for unknown type */
    int met;            /* community_orgs >= required */
    int shortfall;      /* max(0, required - community_orgs) */
};

/* Embedded: filled by cov_targets_compute(), released by cov_targets_release(). */
struct cov_targets {
    struct cov_target targets[COV_T_COUNT];  /* in the order of the enum above */
    struct cov_community_check *communities; /* one per community (of those chosen: _in),
                                                model order; owned */
    size_t n_communities;
};

/*
 * Compute every target under m->policy. Needs current assignments when the
 * model has areas (COV_EINPUT otherwise); COV_ENOMEM. On failure *out is
 * left released (safe to pass to cov_targets_release()).
 */
int cov_targets_compute(const struct cov_model *m, struct cov_targets *out, struct cov_err *err);
/*
 * cov_targets_compute for the areas chosen in sel (areasel.h; NULL or no
 * choice: the whole model): the rates over the organizations inside, the
 * communities inside (communities[] lists only those, in model order).
 */
struct cov_areasel;
int cov_targets_compute_in(const struct cov_model *m, const struct cov_areasel *sel,
                           struct cov_targets *out, struct cov_err *err);
/* Free what out owns; accepts NULL and a released value. */
void cov_targets_release(struct cov_targets *t);
/* 1 when every target is met. */
int cov_targets_all_met(const struct cov_targets *t);

#endif
