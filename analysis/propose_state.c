/* propose_state.c - the grouping under construction of the joint-branch heuristic
 * (propose_state.h). */
#include "propose_state.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void cov_jst_release(struct cov_jst *s)
{
    cov_kd_release(&s->kd);
    free(s->nb);
    free(s->nbn);
    free(s->grp);
    free(s->gm);
    free(s->gsize);
    free(s->gsum);
    free(s->gcost);
    free(s->dead);
    free(s->gstamp);
    free(s->cstamp);
}

static long cell_of(const struct cov_jst *s, double v)
{
    double c = floor(v / s->cell);
    return isfinite(c) && fabs(c) < 1e15 ? (long)c : 0;
}

static size_t cell_slot(const struct cov_jst *s, long cx, long cy)
{
    uint64_t h = (uint64_t)cx * 0x9E3779B97F4A7C15ULL ^ (uint64_t)cy * 0xC2B2AE3D27D4EB4FULL;
    return (size_t)(h ^ (h >> 29)) & s->cmask;
}

static void cell_touch(struct cov_jst *s, uint32_t u)
{
    s->cstamp[cell_slot(s, cell_of(s, s->p->x[u]), cell_of(s, s->p->y[u]))] = s->clock;
}

int cov_jst_quiet(const struct cov_jst *s, uint32_t u, unsigned long since)
{
    long cx = cell_of(s, s->p->x[u]), cy = cell_of(s, s->p->y[u]);
    for (long dy = -2; dy <= 2; dy++)
        for (long dx = -2; dx <= 2; dx++)
            if (s->cstamp[cell_slot(s, cx + dx, cy + dy)] > since)
                return 0;
    return 1;
}

long cov_jst_new_group(struct cov_jst *s)
{
    long g;
    if (s->ndead > 0)
        g = s->dead[--s->ndead];
    else if (s->ng < s->gcap)
        g = s->ng++;
    else
        return -1;
    s->gsize[g] = 0;
    s->gsum[g] = 0;
    s->gcost[g] = 0;
    return g;
}

int cov_jst_init(struct cov_jst *s, const struct cov_joint_problem *p)
{
    memset(s, 0, sizeof(*s));
    s->p = p;
    s->n = p->n;
    s->K = p->max_units;
    s->F = p->min_members;
    s->D2 = p->max_distance_m * p->max_distance_m;
    size_t n = p->n;
    s->gcap = (long)n / 2 + 1;
    if (cov_kd_build(&s->kd, p->x, p->y, n))
        return COV_ENOMEM;
    s->nb = malloc(n * COV_JST_NB * sizeof(*s->nb) + 1);
    s->nbn = calloc(n + 1, 1);
    s->grp = malloc(n * sizeof(*s->grp) + 1);
    s->gm = malloc((size_t)s->gcap * (size_t)s->K * sizeof(*s->gm));
    s->gsize = calloc((size_t)s->gcap, sizeof(*s->gsize));
    s->gsum = calloc((size_t)s->gcap, sizeof(*s->gsum));
    s->gcost = calloc((size_t)s->gcap, sizeof(*s->gcost));
    s->dead = malloc((size_t)s->gcap * sizeof(*s->dead));
    s->gstamp = calloc((size_t)s->gcap, sizeof(*s->gstamp));
    s->cell = 2 * p->max_distance_m;
    s->cmask = 255;
    while (s->cmask < n && s->cmask < ((size_t)1 << 30))
        s->cmask = 2 * s->cmask + 1;
    s->cstamp = calloc(s->cmask + 1, sizeof(*s->cstamp));
    if (!s->dead || !s->gstamp || !s->cstamp || !s->nb || !s->nbn || !s->grp || !s->gm ||
        !s->gsize || !s->gsum || !s->gcost) {
        cov_jst_release(s);
        return COV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        s->grp[i] = -1;
    struct cov_knn q = {0};
    /* in the tree's order: neighbouring queries touch the same nodes (cache) */
    for (size_t r = 0; r < n; r++) {
        size_t i = s->kd.idx[r];
        q.qx = p->x[i];
        q.qy = p->y[i];
        q.r2 = s->D2;
        q.k = COV_JST_NB;
        q.n = 0;
        q.self = (uint32_t)i;
        q.out = s->nb + i * COV_JST_NB;
        q.d2 = s->qd2;
        cov_kd_knn(&s->kd, &q);
        s->nbn[i] = (unsigned char)q.n;
    }
    return 0;
}

static void jst_recost(struct cov_jst *s, long g)
{
    s->gstamp[g] = ++s->clock;
    s->gcost[g] = cov_joint_medoid_cost(s->p, cov_jst_gmem(s, g), s->gsize[g], NULL);
}

void cov_jst_add(struct cov_jst *s, long g, uint32_t u)
{
    assert(s->gsize[g] < s->K && s->grp[u] < 0);
    cov_jst_gmem(s, g)[s->gsize[g]++] = u;
    s->gsum[g] += cov_jst_m(s, u);
    s->grp[u] = g;
    cov_kd_set_free(&s->kd, u, 0);
    jst_recost(s, g);
    cell_touch(s, u);
}

void cov_jst_remove(struct cov_jst *s, long g, uint32_t u)
{
    uint32_t *l = cov_jst_gmem(s, g);
    int i = 0;
    while (l[i] != u)
        i++;
    memmove(l + i, l + i + 1, (size_t)(s->gsize[g] - i - 1) * sizeof(*l));
    s->gsize[g]--;
    s->gsum[g] -= cov_jst_m(s, u);
    s->grp[u] = -1;
    cov_kd_set_free(&s->kd, u, 1);
    jst_recost(s, g);
    cell_touch(s, u);
}

double cov_jst_cost_with(const struct cov_jst *s, long g, uint32_t out, uint32_t in, int *share)
{
    uint32_t l[256];
    int k = 0;
    const uint32_t *m = s->gm + (size_t)g * (size_t)s->K;
    for (int i = 0; i < s->gsize[g]; i++)
        if (m[i] != out)
            l[k++] = m[i];
    if (in != UINT32_MAX)
        l[k++] = in;
    if (share)
        *share = cov_joint_share_pairs(s->p, l, k);
    return cov_joint_medoid_cost(s->p, l, k, NULL);
}

int cov_jst_share(const struct cov_jst *s, long g)
{
    return cov_joint_share_pairs(s->p, s->gm + (size_t)g * (size_t)s->K, s->gsize[g]);
}

void cov_jst_write(const struct cov_jst *s, long *group_of)
{
    long *num = malloc((size_t)(s->ng + 1) * sizeof(*num));
    long next = 0;
    if (num)
        for (long g = 0; g < s->ng; g++)
            num[g] = -1;
    for (size_t u = 0; u < s->n; u++) {
        long g = s->grp[u];
        if (g < 0 || s->gsize[g] < 2) {
            group_of[u] = -1;
            continue;
        }
        if (!num) {
            group_of[u] = g;
            continue;
        }
        if (num[g] < 0)
            num[g] = next++;
        group_of[u] = num[g];
    }
    free(num);
}
