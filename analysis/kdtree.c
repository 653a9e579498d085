/* kdtree.c - the implicit 2-d tree with free counts behind the joint-branch heuristic. */
#include "kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static void kd_select(uint32_t *idx, const double *c, long lo, long hi, long k)
{
    while (hi > lo) {
        double pv = c[idx[lo + (hi - lo) / 2]];
        long i = lo, j = hi;
        while (i <= j) {
            while (c[idx[i]] < pv)
                i++;
            while (c[idx[j]] > pv)
                j--;
            if (i <= j) {
                uint32_t t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
}

static void kd_build_range(struct cov_kd *t, size_t lo, size_t hi)
{
    if (hi <= lo)
        return;
    size_t mid = lo + (hi - lo) / 2;
    double mn[2] = {INFINITY, INFINITY}, mx[2] = {-INFINITY, -INFINITY};
    for (size_t i = lo; i < hi; i++)
        for (int d = 0; d < 2; d++) {
            double v = t->c[d][t->idx[i]];
            if (v < mn[d])
                mn[d] = v;
            if (v > mx[d])
                mx[d] = v;
        }
    int d = (mx[1] - mn[1] > mx[0] - mn[0]) ? 1 : 0;
    kd_select(t->idx, t->c[d], (long)lo, (long)hi - 1, (long)mid);
    t->dim[mid] = (unsigned char)d;
    t->cnt[mid] = (uint32_t)(hi - lo);
    kd_build_range(t, lo, mid);
    kd_build_range(t, mid + 1, hi);
}

void cov_kd_release(struct cov_kd *t)
{
    free(t->idx);
    free(t->pos);
    free(t->cnt);
    free(t->dim);
    free(t->free);
    memset(t, 0, sizeof(*t));
}

int cov_kd_build(struct cov_kd *t, const double *x, const double *y, size_t n)
{
    memset(t, 0, sizeof(*t));
    t->n = n;
    t->c[0] = x;
    t->c[1] = y;
    t->idx = malloc(n * sizeof(*t->idx) + 1);
    t->pos = malloc(n * sizeof(*t->pos) + 1);
    t->cnt = malloc(n * sizeof(*t->cnt) + 1);
    t->dim = malloc(n + 1);
    t->free = malloc(n + 1);
    if (!t->idx || !t->pos || !t->cnt || !t->dim || !t->free) {
        cov_kd_release(t);
        return COV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        t->idx[i] = (uint32_t)i;
    memset(t->free, 1, n);
    kd_build_range(t, 0, n);
    for (size_t i = 0; i < n; i++)
        t->pos[t->idx[i]] = (uint32_t)i;
    return 0;
}

void cov_kd_set_free(struct cov_kd *t, uint32_t u, int f)
{
    if (t->free[u] == (f ? 1 : 0))
        return;
    t->free[u] = f ? 1 : 0;
    size_t lo = 0, hi = t->n, pu = t->pos[u];
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (f)
            t->cnt[mid]++;
        else
            t->cnt[mid]--;
        if (pu == mid)
            break;
        if (pu < mid)
            hi = mid;
        else
            lo = mid + 1;
    }
}

static void knn_insert(struct cov_knn *q, uint32_t u, double d2)
{
    if (q->n == q->k && (d2 > q->d2[q->n - 1] || (d2 == q->d2[q->n - 1] && u > q->out[q->n - 1])))
        return;
    int i = q->n < q->k ? q->n++ : q->n - 1;
    while (i > 0 && (q->d2[i - 1] > d2 || (q->d2[i - 1] == d2 && q->out[i - 1] > u))) {
        q->d2[i] = q->d2[i - 1];
        q->out[i] = q->out[i - 1];
        i--;
    }
    q->d2[i] = d2;
    q->out[i] = u;
}

static void kd_search(const struct cov_kd *t, struct cov_knn *q, size_t lo, size_t hi)
{
    if (hi <= lo)
        return;
    size_t mid = lo + (hi - lo) / 2;
    if (q->free_only && t->cnt[mid] == 0)
        return;
    uint32_t u = t->idx[mid];
    double dx = q->qx - t->c[0][u], dy = q->qy - t->c[1][u];
    double d2 = dx * dx + dy * dy;
    if (u != q->self && d2 <= q->r2 && (!q->free_only || t->free[u]) &&
        (!q->accept || q->accept(u, q->ctx)))
        knn_insert(q, u, d2);
    double diff = t->dim[mid] ? dy : dx;
    size_t nlo = lo, nhi = mid, flo = mid + 1, fhi = hi;
    if (diff > 0) {
        nlo = mid + 1;
        nhi = hi;
        flo = lo;
        fhi = mid;
    }
    kd_search(t, q, nlo, nhi);
    double worst = q->n == q->k ? q->d2[q->n - 1] : q->r2;
    if (worst > q->r2)
        worst = q->r2;
    if (diff * diff <= worst)
        kd_search(t, q, flo, fhi);
}

void cov_kd_knn(const struct cov_kd *t, struct cov_knn *q)
{
    q->n = 0;
    kd_search(t, q, 0, t->n);
}
