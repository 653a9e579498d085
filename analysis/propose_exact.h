/*
 * propose_exact.h - private to analysis/ (and its unit tests): the small exact
 * search for joint branches (propose_exact.c), at most COV_EXACT_MAX_CANDIDATES
 * units: branch and bound over the feasible groups, optimal for coverage, then
 * for total distance to medoids. The heuristic's neighbourhood re-solution
 * (propose_lns.h) runs it on windows of up to 20 units; the tests check the
 * other solvers against it.
 */
#ifndef COV_PROPOSE_EXACT_H
#define COV_PROPOSE_EXACT_H

#include "propose_score.h"

/* Units the search takes at most. */
#define COV_EXACT_MAX_CANDIDATES 40

/*
 * Solve p exactly into group_of (see propose_score.h). start (may be NULL) is a
 * feasible assignment used as the first incumbent. Returns 0, COV_ENOMEM or
 * COV_EINPUT (more than COV_EXACT_MAX_CANDIDATES units, bad parameters, a search
 * too large).
 */
int cov_joint_exact(const struct cov_joint_problem *p, const long *start, long *group_of,
                    struct cov_err *err);
/*
 * As cov_joint_exact with a budget of max_nodes search nodes (<= 0: the
 * default). With complete == NULL an exhausted budget is an error; otherwise
 * *complete is set to 0 and group_of holds the best plan found (never worse
 * than start).
 */
int cov_joint_exact_limited(const struct cov_joint_problem *p, const long *start, long *group_of,
                            long max_nodes, int *complete, struct cov_err *err);

#endif
