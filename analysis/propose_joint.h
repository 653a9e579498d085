/*
 * propose_joint.h - private to analysis/, its unit tests and tools/: the
 * joint-branch heuristic for one scope (propose_joint.c) and the plain greedy
 * baseline. Problem and result as in propose_score.h.
 */
#ifndef COV_PROPOSE_JOINT_H
#define COV_PROPOSE_JOINT_H

#include "propose_score.h"

/*
 * The heuristic: k-d tree neighbours, construction, local search and
 * budgeted exact re-solution of small neighbourhoods; near-linear (see
 * propose_joint.c). A problem of more than tile_units units is cut into
 * tiles (cov_joint_solve_tiled, one thread). Returns 0, COV_ENOMEM or
 * COV_EINPUT (cov_joint_check).
 */
int cov_joint_solve(const struct cov_joint_problem *p, long *group_of, struct cov_err *err);
/*
 * Steps 3-6 of the heuristic (seats, coverage search, neighbourhoods,
 * compactness) from an existing feasible assignment (groups of 2..max_units
 * units; a group number below n): coverage never drops. Used on the seams of
 * a tiled problem (propose_tile.h). group_of renumbered by lowest unit. 0,
 * COV_EINPUT (bad parameters or start) or COV_ENOMEM.
 */
int cov_joint_improve(const struct cov_joint_problem *p, long *group_of, struct cov_err *err);
/*
 * The heuristic's compactness moves (relocate, swap, neighbourhood
 * re-solution) on an existing feasible assignment: coverage never drops,
 * total distance to medoids never rises. group_of renumbered by lowest unit.
 * 0, COV_EINPUT or COV_ENOMEM.
 */
int cov_joint_polish(const struct cov_joint_problem *p, long *group_of, struct cov_err *err);
/*
 * The plain greedy baseline of issue 4: seed on the richest unit left, add the
 * nearest feasible units until the group is full (max_units); keep it when it
 * reaches min_members. 0, COV_EINPUT or COV_ENOMEM.
 */
int cov_joint_greedy(const struct cov_joint_problem *p, long *group_of, struct cov_err *err);

#endif
