/*
 * policy.h - every threshold of the governing policy as a named parameter
 * with the policy's value as default and the clause it comes from.
 * The values travel in struct cov_policy; the store persists them.
 */
#ifndef COV_POLICY_H
#define COV_POLICY_H

#include "core.h"

enum cov_param_id {
    COV_P_STANDALONE_MIN_MEMBERS,   /* clause 4: >= 3 formal members -> standalone */
    COV_P_JOINT_MAX_UNITS,          /* clause 4: a joint organization covers <= 5 units */
    COV_P_JOINT_MIN_MEMBERS,        /* clause 4: a joint branch needs >= 3 formal members */
    COV_P_JOINT_MAX_DISTANCE_M,     /* clause 4 "geographically adjacent": metres, pairwise */
    COV_P_COVERAGE_RATE_TARGET,     /* clause 4: organization coverage rate >= 0.90 */
    COV_P_STANDALONE_RATE_TARGET,   /* clause 4: standalone formation rate = 1.00 */
    COV_P_URBAN_COMMUNITY_MIN_ORGS, /* clause 11: urban community >= 5 community social orgs */
    COV_P_RURAL_COMMUNITY_MIN_ORGS, /* clause 11: rural community >= 2 */
    COV_P_REGIONAL_MIN_ORGS,        /* clause 4 (regional): orgs concentrated in a park/building */
    COV_P_FUNCTIONAL_MIN_UNTRANSFERRED, /* clause 4 (functional): >= 3 untransferred members */
    COV_P_COUNT
};

struct cov_param {
    const char *name;        /* e.g. "standalone_min_members" */
    double def;              /* the policy's value */
    double min, max;         /* accepted range */
    int integer;             /* 1: must be a whole number */
    const char *clause;      /* e.g. "clause 4" (marked N_(): shown translated) */
    const char *description; /* English */
    const char *description_zh;
};

struct cov_policy {
    double v[COV_P_COUNT];
};

/* Borrowed: the static table of parameters, COV_P_COUNT entries. */
const struct cov_param *cov_param_table(void);
/* Index of the parameter called name, or -1. */
int cov_param_find(const char *name);
/* Fill p with the policy's defaults. */
void cov_policy_init(struct cov_policy *p);
/*
 * Parse text and set parameter id; checks number syntax, range and
 * integrality. Returns 0 or COV_EINPUT with a message naming the parameter
 * and the accepted range.
 */
int cov_policy_set(struct cov_policy *p, int id, const char *text, struct cov_err *err);

#endif
