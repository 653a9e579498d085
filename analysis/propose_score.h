/*
 * propose_score.h - private to analysis/, its unit tests and tools/: the
 * joint-branch problem of one scope, and how a plan for it is checked, scored
 * and bounded. Every joint-branch solver (propose_exact.h, propose_joint.h,
 * propose_mip.h) takes a struct cov_joint_problem and returns group_of[]:
 * the group number of each unit (0, 1, ... in order of each group's lowest
 * unit) or -1.
 */
#ifndef COV_PROPOSE_SCORE_H
#define COV_PROPOSE_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* Distances that differ by less than this many metres are equal. */
#define COV_JOINT_EPS_M 1e-9

/*
 * Units 0..n-1 at (x[i], y[i]) metres with members[i] >= 0 formal members.
 * tag[0..2] (each may be NULL; -1 = none) are building, park and industry
 * keys for the third objective. Hard constraints of a group: 2..max_units
 * units, members summed >= min_members, every pair within max_distance_m.
 */
struct cov_joint_problem {
    size_t n;
    const double *x, *y;
    const int *members;
    const long *tag[3];
    int max_units;   /* >= 2 */
    int min_members; /* >= 1 */
    double max_distance_m;
    double time_limit_s; /* exact mode: solver seconds for the whole problem; 0 = the
                            default COV_EXACT_TIME_LIMIT_S */
    int exact_max_units; /* exact mode: most units of one connected piece the solver takes
                            (larger pieces keep the heuristic's plan); 0 = the default
                            COV_EXACT_MAX_UNITS */
    size_t tile_units;   /* the heuristic cuts a problem of more units than this into
                            spatial tiles (propose_tile.h); 0 = the default COV_TILE_UNITS */
    /* Tiled solving only (cov_joint_solve_tiled): called from the calling thread as
     * its rounds advance (fraction 0..1 of the whole problem); a nonzero return
     * stops it with COV_ECANCEL. NULL: none. Sub-problems never inherit it. */
    cov_progress_fn progress;
    void *progress_user;
};

/* 0, or COV_EINPUT naming the parameter out of range (max_units 2..200,
 * min_members >= 1, a positive finite distance, n < 2^31). */
int cov_joint_check(const struct cov_joint_problem *p, struct cov_err *err);
/*
 * Geography-free upper bound on the units any plan can cover among n units
 * with the given members: min(n, max_units * g), g an upper bound on the
 * number of disjoint feasible groups (see propose_score.c for the proof).
 */
long cov_joint_bound(const int *members, size_t n, int min_members, int max_units);
/* The looser bound min(n, max_units * (M div min_members)). */
long cov_joint_bound_simple(const int *members, size_t n, int min_members, int max_units);
/*
 * Score of an assignment: units covered and total distance to medoids
 * (each group's medoid minimises the sum of distances to the others).
 * Out of memory: *covered = -1, *cost_m = NAN.
 */
void cov_joint_score(const struct cov_joint_problem *p, const long *group_of, long *covered,
                     double *cost_m);
/* Sum of distances to the medoid of units list[0..s) (0 when s == 0); *medoid (may be
 * NULL) its position in list, the first of equals. */
double cov_joint_medoid_cost(const struct cov_joint_problem *p, const uint32_t *list, int s,
                             int *medoid);
/* Pairs of units of list[0..s) sharing a building, a park or an industry (each tag counts). */
int cov_joint_share_pairs(const struct cov_joint_problem *p, const uint32_t *list, int s);

#endif
