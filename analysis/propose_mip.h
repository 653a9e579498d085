/*
 * propose_mip.h - private to analysis/ (and its unit tests): exact joint
 * branches for one scope on the MIP solver (propose_mip.c, through mip.h),
 * started from the heuristic (propose_joint.h). Problem and result as in
 * propose_score.h.
 */
#ifndef COV_PROPOSE_MIP_H
#define COV_PROPOSE_MIP_H

#include "propose_score.h"

/* What cov_joint_solve_exact proved. */
struct cov_joint_proof {
    long covered;         /* units the returned plan covers */
    long bound;           /* proven upper bound on the units any plan covers */
    int pieces;           /* connected pieces of the distance graph with a possible group */
    int pieces_optimal;   /* of those, proven optimal */
    int pieces_heuristic; /* of those, left to the heuristic's plan: too large for the
                             solver, solver failure, or no time left */
    int pieces_too_large; /* of those, not proven because too large for the solver (more
                             than p->exact_max_units units, or too dense) */
    double seconds;       /* wall clock */
};

/*
 * Exact joint branches on the MIP solver: the heuristic's plan first, then per
 * connected piece of the distance graph a maximum packing of member cores (the
 * bound), a fill of that packing and, when that does not meet the bound, the
 * joint core-and-fill model, each within what is left of p->time_limit_s (0:
 * COV_EXACT_TIME_LIMIT_S of propose.h) and started from the best plan known;
 * the result is never worse than the heuristic's. Coverage is optimal when
 * proof->covered == proof->bound; distance is then improved by the
 * heuristic's polish at fixed coverage (not proven). proof may be NULL.
 * Returns 0, COV_ENOMEM or COV_EINPUT (bad parameters); a piece the solver
 * cannot take is no error.
 */
int cov_joint_solve_exact(const struct cov_joint_problem *p, long *group_of,
                          struct cov_joint_proof *proof, struct cov_err *err);

#endif
