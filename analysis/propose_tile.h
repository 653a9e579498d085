/*
 * propose_tile.h - private to analysis/ (and its unit tests and tools/): the
 * joint-branch heuristic on a big scope (a whole district, or the whole
 * country when no streets are imported), cut into spatial tiles so that its
 * cost stays linear in the scope and the tiles run in parallel.
 *
 * The cut is a k-d split: a cell of more than max_units units is halved at
 * the median unit along the longer side of its units' bounding box (ties by
 * unit index), until every cell (tile) holds at most max_units. Each tile is
 * solved on its own by the heuristic (propose_joint.h). Then, from the
 * deepest cuts up, the seam of each cut - the free units of its cell within
 * twice the joint distance of the cut line plus every group with a member
 * there - is improved as one problem (cov_joint_improve): units on either
 * side of a cut can join each other, and coverage never drops. The seams of
 * one depth are disjoint and run in parallel too.
 * Groups never cross a scope: the tiles cut one scope's problem only, and
 * every constraint (max_units, min_members, max_distance_m) is the problem's.
 * The plan depends on the input only, not on the number of threads.
 */
#ifndef COV_PROPOSE_TILE_H
#define COV_PROPOSE_TILE_H

#include <stddef.h>
#include <stdint.h>

#include "propose_score.h"

/* Default most units of one problem the heuristic solves whole (tile_units). */
#define COV_TILE_UNITS 50000

/* One cut: the cell of units unit[lo .. hi) halved at coordinate `at` of axis dim
 * (0 x, 1 y); units on the lower side are <= at, on the upper side >= at. */
struct cov_tile_cutline {
    size_t lo, hi;
    int dim, depth; /* depth 0: the first cut */
    double at;
};

/* A cut of n points into tiles; cov_tile_cut() / cov_tile_release(). */
struct cov_tiling {
    size_t n, n_tiles, n_cuts;
    uint32_t *unit;                /* the points tile by tile, ascending within a tile */
    size_t *start;                 /* tile t holds unit[start[t] .. start[t + 1]) */
    double *box;                   /* tile t's cell: box[4t..4t+3] = xmin, ymin, xmax, ymax; the
                                      outer sides are -INFINITY / INFINITY */
    struct cov_tile_cutline *cuts; /* n_tiles - 1 of them, parents before children */
    int depth;                     /* deepest cut's depth + 1 (0: one tile) */
};

/*
 * Cut points (x[i], y[i]), i < n, into tiles of at most max_units (>= 1)
 * points. 0, or COV_ENOMEM (t released). Every point is in exactly one tile,
 * inside (or on the edge of) its cell.
 */
int cov_tile_cut(const double *x, const double *y, size_t n, size_t max_units,
                 struct cov_tiling *t);
/* Frees what t owns; safe on a released or zeroed tiling. */
void cov_tile_release(struct cov_tiling *t);

/*
 * The heuristic on p cut into tiles of at most p->tile_units units
 * (COV_TILE_UNITS when 0), tiles solved on `workers` threads (pool.h; 1 = the
 * calling thread only), then the seam. group_of as in propose_score.h. 0,
 * COV_EINPUT (cov_joint_check) or COV_ENOMEM.
 */
int cov_joint_solve_tiled(const struct cov_joint_problem *p, long *group_of, int workers,
                          struct cov_err *err);

#endif
