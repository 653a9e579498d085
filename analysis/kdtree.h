/*
 * kdtree.h - private to analysis/ (and its unit tests): an implicit 2-d tree
 * over points given by coordinate arrays, with a "free" flag per point so that
 * searches for free points skip exhausted subtrees. The joint-branch heuristic
 * keeps its unassigned units free (propose_state.h).
 *
 * idx is a permutation of the points; the node of range [lo, hi) is idx[mid],
 * mid = lo + (hi - lo) / 2, split on dim[mid] (the longer side of the range's
 * box); cnt[mid] counts the free points of the range.
 */
#ifndef COV_KDTREE_H
#define COV_KDTREE_H

#include <stddef.h>
#include <stdint.h>

/* Embedded: cov_kd_build() / cov_kd_release(). The coordinates are borrowed. */
struct cov_kd {
    size_t n;
    const double *c[2];
    uint32_t *idx, *pos, *cnt;
    unsigned char *dim, *free;
};

/* Build over points (x[i], y[i]), i < n (n < 2^32); every point starts free.
 * 0 or COV_ENOMEM (t is then released). */
int cov_kd_build(struct cov_kd *t, const double *x, const double *y, size_t n);
/* Free what t owns; safe on a released or zeroed tree. */
void cov_kd_release(struct cov_kd *t);
/* Mark point u free (f != 0) or taken; O(log n). */
void cov_kd_set_free(struct cov_kd *t, uint32_t u, int f);

/*
 * A k-nearest query around (qx, qy): the k points nearest to it by (squared
 * distance, index) with squared distance <= r2, other than `self` (UINT32_MAX
 * for none), free ones only when free_only, and only those accept() takes
 * (accept may be NULL). The caller sets every field but n and provides out[k]
 * and d2[k]; cov_kd_knn sets n and fills out/d2 sorted by (distance, index).
 */
struct cov_knn {
    double qx, qy, r2;
    int k, n;
    int free_only;
    uint32_t self;
    uint32_t *out;
    double *d2;
    int (*accept)(uint32_t u, void *ctx);
    void *ctx;
};
void cov_kd_knn(const struct cov_kd *t, struct cov_knn *q);

#endif
