/*
 * propose_state.h - private to analysis/ (and its unit tests): a grouping of
 * the units of one joint-branch problem under construction, shared by the
 * heuristic (propose_joint.c) and its neighbourhood re-solution
 * (propose_lns.c). Every operation keeps the groups' members, member sums,
 * costs (total distance to the medoid) and the k-d tree's free flags in step;
 * a unit is free when it is in no group.
 *
 * Each unit keeps its COV_JST_NB nearest units within the distance (nb, nbn),
 * found once by cov_jst_init. A group holds at most K units; group numbers are
 * reused after cov_jst_remove empties one and lns puts it on `dead`.
 */
#ifndef COV_PROPOSE_STATE_H
#define COV_PROPOSE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "kdtree.h"
#include "propose_score.h"

#define COV_JST_NB 30        /* static neighbours kept per unit */
#define COV_JST_CAND 16      /* free neighbours examined when growing a core */
#define COV_JST_COMPACT_NB 8 /* neighbours examined per unit by compactness moves */

/* Embedded: cov_jst_init() / cov_jst_release(). */
struct cov_jst {
    const struct cov_joint_problem *p;
    size_t n;
    int K, F;
    double D2;
    struct cov_kd kd;
    uint32_t *nb; /* COV_JST_NB per unit, sorted by distance */
    unsigned char *nbn;
    long *grp;
    uint32_t *gm; /* K per group */
    int *gsize, *gsum;
    double *gcost;
    long ng, gcap;
    long *dead; /* ids of emptied groups, for reuse */
    long ndead;
    unsigned long *gstamp, clock; /* when each group last changed */
    /* when a unit last joined or left a group, per cell of side 2 x max distance
     * (hashed: cells sharing a slot share the latest stamp); see cov_jst_quiet */
    unsigned long *cstamp;
    size_t cmask;
    double cell;
    /* scratch for queries */
    uint32_t qout[COV_JST_NB + COV_JST_CAND];
    double qd2[COV_JST_NB + COV_JST_CAND];
    uint32_t core[256];
    int ncore;
};

/* Squared distance between units a and b. */
static inline double cov_jst_d2(const struct cov_jst *s, uint32_t a, uint32_t b)
{
    double dx = s->p->x[a] - s->p->x[b], dy = s->p->y[a] - s->p->y[b];
    return dx * dx + dy * dy;
}

/* Formal members of u (a negative count is 0). */
static inline int cov_jst_m(const struct cov_jst *s, uint32_t u)
{
    return s->p->members[u] > 0 ? s->p->members[u] : 0;
}

/* The members of group g (gsize[g] of them). */
static inline uint32_t *cov_jst_gmem(struct cov_jst *s, long g)
{
    return s->gm + (size_t)g * (size_t)s->K;
}

/* Would u fit into group g (a free seat, within the distance of every member)? */
static inline int cov_jst_fits(const struct cov_jst *s, long g, uint32_t u)
{
    if (s->gsize[g] >= s->K)
        return 0;
    const uint32_t *l = s->gm + (size_t)g * (size_t)s->K;
    for (int i = 0; i < s->gsize[g]; i++)
        if (cov_jst_d2(s, l[i], u) > s->D2)
            return 0;
    return 1;
}

/* Would group g with v replaced by u respect distance and members? */
static inline int cov_jst_fits_swap(const struct cov_jst *s, long g, uint32_t v, uint32_t u)
{
    if (s->gsum[g] - cov_jst_m(s, v) + cov_jst_m(s, u) < s->F)
        return 0;
    const uint32_t *l = s->gm + (size_t)g * (size_t)s->K;
    for (int i = 0; i < s->gsize[g]; i++)
        if (l[i] != v && cov_jst_d2(s, l[i], u) > s->D2)
            return 0;
    return 1;
}

/*
 * 1 when no unit within 4 x max distance of u (and perhaps some farther) has
 * joined or left a group since clock value `since`. Whether a free unit can be
 * seated, take a seat by an eject or start a core with donors depends only on
 * the groups within that reach, so an attempt that failed at `since` would fail
 * again.
 */
int cov_jst_quiet(const struct cov_jst *s, uint32_t u, unsigned long since);
/* Every unit free, no group, the neighbour lists built. 0 or COV_ENOMEM (s released). */
int cov_jst_init(struct cov_jst *s, const struct cov_joint_problem *p);
void cov_jst_release(struct cov_jst *s);
/* A free group number (empty), or -1 when none is left. */
long cov_jst_new_group(struct cov_jst *s);
/* Free unit u joins group g, which has a free seat (distances are the caller's business). */
void cov_jst_add(struct cov_jst *s, long g, uint32_t u);
/* Unit u, a member of g, leaves it and is free. */
void cov_jst_remove(struct cov_jst *s, long g, uint32_t u);
/* Cost of group g with `out` removed (UINT32_MAX: none) and `in` added (UINT32_MAX: none);
 * *share (may be NULL) receives the shared pairs of that group. */
double cov_jst_cost_with(const struct cov_jst *s, long g, uint32_t out, uint32_t in, int *share);
/* Shared pairs of group g (cov_joint_share_pairs). */
int cov_jst_share(const struct cov_jst *s, long g);
/* group_of[u]: groups of at least 2 units numbered in order of their lowest unit, else -1. */
void cov_jst_write(const struct cov_jst *s, long *group_of);

#endif
