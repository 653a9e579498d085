/*
 * propose_joint.c - joint branches within one scope: the bound, the
 * heuristic, the plain greedy baseline and the score of an assignment.
 *
 * The heuristic, near-linear in the number of units n:
 *  1. neighbours: an implicit k-d tree; each unit keeps its NB_K nearest
 *     units within max_distance (O(n log n)). The tree also counts free
 *     units per subtree, so "nearest free unit that fits" queries skip
 *     exhausted regions.
 *  2. cores: units with members, richest first (a 2 looks for a 1, the exact
 *     fit), most constrained first among equals, grow a minimal group: each
 *     step takes, among the CAND_K nearest free units compatible with the
 *     core, the one that best fits the missing members (least waste), then the
 *     nearest. Cores maximise the number of groups, which bounds coverage.
 *  3. seats: free units, fewest options first, join the compatible group with
 *     a free seat whose total distance to its medoid grows least.
 *  4. coverage search: insert; eject (a free unit takes the seat of a member
 *     that moves to another group); a new core around a free unit using
 *     members that groups with surplus members can spare.
 *  5. neighbourhoods: the exact search (propose_exact.c) with a small budget
 *     re-solves a free unit with up to 3 nearby groups and free neighbours
 *     (only where the window's bound allows more coverage), then pairs of
 *     neighbouring groups for compactness. Started from the current grouping,
 *     so never worse.
 *  6. compactness moves: relocate a member, swap members of two groups, swap
 *     a member for a free unit, when the total distance to medoids drops (or
 *     stays and more pairs share a building, park or industry).
 * Every step keeps every constraint, and every choice breaks ties on unit
 * index: the result depends on the input only.
 */
#include "propose.h"
#include "propose_mip.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS_M 1e-9
#define NB_K 30        /* static neighbours kept per unit */
#define CAND_K 16      /* free neighbours examined when growing a core */
#define COVER_PASSES 8 /* local-search passes raising coverage */
#define COMPACT_PASSES 4
#define COMPACT_NB 8 /* neighbours examined per unit by compactness moves */

/* ---------------------------------------------------------------- bound */

/*
 * Upper bound on `covered`. Relax the problem to: disjoint groups of >= 2
 * units whose members sum to >= F (no distance, no size cap). Let g be the
 * largest number of such groups. Any plan has at most g groups of at most K
 * units, and covers at most n units: covered <= min(n, K * g).
 *
 * To bound g we use weight functions w with w(G) >= 1 for every relaxed
 * feasible group G; disjointness then gives g <= floor(sum of w):
 *   w1(u) = m_u / F            a group holds >= F members   -> floor(M / F)
 *   w2(u) = [m_u > 0] / p      p = ceil(F / mmax): a group needs at least p
 *                               units with members, since none has more
 *                               than mmax                   -> floor(P / p)
 *   w3(u) = 1 / 2              a group has >= 2 units       -> floor(n / 2)
 * so g <= min(floor(M/F), floor(P/p), floor(n/2)). Memberless units weigh 0
 * in w1 and w2: they add seats, not groups, which is why K * g, not n, is the
 * binding term where they abound.
 *
 * For F = 3 and members in {1, 2} (a ones, b twos, both present) p = 2 and
 * min(floor((a+2b)/3), floor((a+b)/2)) is the FIELD-NOTES bound: when a >= b,
 * (a+2b)/3 <= (a+b)/2 and floor((a+2b)/3) = b + (a-b) div 3; when a < b the
 * second is smaller and floor((a+b)/2) = a + (b-a) div 2. With only ones,
 * p = 3 and floor(P/3) = floor(M/3). There this g is attained by some
 * grouping, so it cannot be tightened without geography.
 */
long cov_joint_bound(const int *members, size_t n, int min_members, int max_units)
{
    long M = 0, P = 0, mmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (members[i] > 0) {
            M += members[i];
            P++;
            if (members[i] > mmax)
                mmax = members[i];
        }
    }
    if (mmax == 0 || min_members < 1 || max_units < 2)
        return 0;
    long F = min_members;
    long p = (F + mmax - 1) / mmax;
    long g = M / F;
    if (P / p < g)
        g = P / p;
    if ((long)n / 2 < g)
        g = (long)n / 2;
    long c = (long)max_units * g;
    return c < (long)n ? c : (long)n;
}

long cov_joint_bound_simple(const int *members, size_t n, int min_members, int max_units)
{
    long M = 0;
    for (size_t i = 0; i < n; i++)
        M += members[i] > 0 ? members[i] : 0;
    if (min_members < 1)
        return 0;
    long c = (long)max_units * (M / min_members);
    return c < (long)n ? c : (long)n;
}

/* ---------------------------------------------------------------- score */

static double dist(const struct cov_joint_problem *p, size_t a, size_t b)
{
    double dx = p->x[a] - p->x[b], dy = p->y[a] - p->y[b];
    return sqrt(dx * dx + dy * dy);
}

/* Sum of distances to the medoid of units list[0..s); *medoid its index in list. */
static double medoid_cost(const struct cov_joint_problem *p, const uint32_t *list, int s,
                          int *medoid)
{
    double best = INFINITY;
    int bi = 0;
    for (int i = 0; i < s; i++) {
        double c = 0;
        for (int j = 0; j < s; j++)
            if (j != i)
                c += dist(p, list[i], list[j]);
        if (c < best - EPS_M) {
            best = c;
            bi = i;
        }
    }
    if (medoid)
        *medoid = bi;
    return s > 0 ? best : 0;
}

static int share_pairs(const struct cov_joint_problem *p, const uint32_t *list, int s)
{
    int c = 0;
    for (int t = 0; t < 3; t++) {
        if (!p->tag[t])
            continue;
        for (int i = 0; i < s; i++)
            for (int j = i + 1; j < s; j++)
                if (p->tag[t][list[i]] >= 0 && p->tag[t][list[i]] == p->tag[t][list[j]])
                    c++;
    }
    return c;
}

static int cmp_pair_long(const void *a, const void *b)
{
    const long *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

void cov_joint_score(const struct cov_joint_problem *p, const long *group_of, long *covered,
                     double *cost_m)
{
    long cov = 0;
    double cost = 0;
    long *pairs = malloc(p->n * 2 * sizeof(*pairs) + 1);
    uint32_t *list = malloc(p->n * sizeof(*list) + 1);
    if (!pairs || !list) {
        free(pairs);
        free(list);
        *covered = -1;
        *cost_m = NAN;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++)
        if (group_of[i] >= 0) {
            pairs[2 * k] = group_of[i];
            pairs[2 * k + 1] = (long)i;
            k++;
        }
    qsort(pairs, k, 2 * sizeof(*pairs), cmp_pair_long);
    for (size_t i = 0; i < k;) {
        size_t j = i;
        int s = 0;
        while (j < k && pairs[2 * j] == pairs[2 * i])
            list[s++] = (uint32_t)pairs[2 * j++ + 1];
        cov += s;
        cost += medoid_cost(p, list, s, NULL);
        i = j;
    }
    free(pairs);
    free(list);
    *covered = cov;
    *cost_m = cost;
}

/* ---------------------------------------------------------------- k-d tree */

/*
 * An implicit k-d tree: idx is a permutation of the units; the node of range
 * [lo, hi) is idx[mid], mid = lo + (hi - lo) / 2, split on dim[mid]. cnt[mid]
 * counts the free units of the range, so that searches for free units skip
 * exhausted subtrees.
 */
struct kd {
    size_t n;
    const double *c[2];
    uint32_t *idx, *pos, *cnt;
    unsigned char *dim, *free;
};

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

static void kd_build_range(struct kd *t, size_t lo, size_t hi)
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

static void kd_release(struct kd *t)
{
    free(t->idx);
    free(t->pos);
    free(t->cnt);
    free(t->dim);
    free(t->free);
}

/* All units start free. 0 or COV_ENOMEM. */
static int kd_build(struct kd *t, const double *x, const double *y, size_t n)
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
        kd_release(t);
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

static void kd_set_free(struct kd *t, uint32_t u, int f)
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

/* A k-nearest query: result sorted by (distance, index). */
struct knn {
    double qx, qy, r2;
    int k, n;
    int free_only;
    uint32_t self;
    uint32_t *out;
    double *d2;
    int (*accept)(uint32_t u, void *ctx);
    void *ctx;
};

static void knn_insert(struct knn *q, uint32_t u, double d2)
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

static void kd_search(const struct kd *t, struct knn *q, size_t lo, size_t hi)
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

/* ---------------------------------------------------------------- state */

struct jst {
    const struct cov_joint_problem *p;
    size_t n;
    int K, F;
    double D2;
    struct kd kd;
    uint32_t *nb; /* NB_K per unit, sorted by distance */
    unsigned char *nbn;
    long *grp;
    uint32_t *gm; /* K per group */
    int *gsize, *gsum;
    double *gcost;
    long ng, gcap;
    long *dead; /* ids of emptied groups, for reuse */
    long ndead;
    unsigned long *gstamp, clock; /* when each group last changed */
    /* scratch for queries */
    uint32_t qout[NB_K + CAND_K];
    double qd2[NB_K + CAND_K];
    uint32_t core[256];
    int ncore;
};

static double d2u(const struct jst *s, uint32_t a, uint32_t b)
{
    double dx = s->p->x[a] - s->p->x[b], dy = s->p->y[a] - s->p->y[b];
    return dx * dx + dy * dy;
}

static int m_of(const struct jst *s, uint32_t u)
{
    return s->p->members[u] > 0 ? s->p->members[u] : 0;
}

static void jst_release(struct jst *s)
{
    kd_release(&s->kd);
    free(s->nb);
    free(s->nbn);
    free(s->grp);
    free(s->gm);
    free(s->gsize);
    free(s->gsum);
    free(s->gcost);
    free(s->dead);
    free(s->gstamp);
}

/* A free group id, or -1 when none is left. */
static long new_group(struct jst *s)
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

static int jst_init(struct jst *s, const struct cov_joint_problem *p)
{
    memset(s, 0, sizeof(*s));
    s->p = p;
    s->n = p->n;
    s->K = p->max_units;
    s->F = p->min_members;
    s->D2 = p->max_distance_m * p->max_distance_m;
    size_t n = p->n;
    s->gcap = (long)n / 2 + 1;
    if (kd_build(&s->kd, p->x, p->y, n))
        return COV_ENOMEM;
    s->nb = malloc(n * NB_K * sizeof(*s->nb) + 1);
    s->nbn = calloc(n + 1, 1);
    s->grp = malloc(n * sizeof(*s->grp) + 1);
    s->gm = malloc((size_t)s->gcap * (size_t)s->K * sizeof(*s->gm));
    s->gsize = calloc((size_t)s->gcap, sizeof(*s->gsize));
    s->gsum = calloc((size_t)s->gcap, sizeof(*s->gsum));
    s->gcost = calloc((size_t)s->gcap, sizeof(*s->gcost));
    s->dead = malloc((size_t)s->gcap * sizeof(*s->dead));
    s->gstamp = calloc((size_t)s->gcap, sizeof(*s->gstamp));
    if (!s->dead || !s->gstamp || !s->nb || !s->nbn || !s->grp || !s->gm || !s->gsize || !s->gsum ||
        !s->gcost) {
        jst_release(s);
        return COV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        s->grp[i] = -1;
    struct knn q = {0};
    for (size_t i = 0; i < n; i++) {
        q.qx = p->x[i];
        q.qy = p->y[i];
        q.r2 = s->D2;
        q.k = NB_K;
        q.n = 0;
        q.self = (uint32_t)i;
        q.out = s->nb + i * NB_K;
        q.d2 = s->qd2;
        kd_search(&s->kd, &q, 0, n);
        s->nbn[i] = (unsigned char)q.n;
    }
    return 0;
}

static uint32_t *gmem(struct jst *s, long g)
{
    return s->gm + (size_t)g * (size_t)s->K;
}

static int fits(const struct jst *s, long g, uint32_t u)
{
    if (s->gsize[g] >= s->K)
        return 0;
    const uint32_t *l = s->gm + (size_t)g * (size_t)s->K;
    for (int i = 0; i < s->gsize[g]; i++)
        if (d2u(s, l[i], u) > s->D2)
            return 0;
    return 1;
}

/* Would group g with v replaced by u respect distance and members? */
static int fits_swap(const struct jst *s, long g, uint32_t v, uint32_t u)
{
    if (s->gsum[g] - m_of(s, v) + m_of(s, u) < s->F)
        return 0;
    const uint32_t *l = s->gm + (size_t)g * (size_t)s->K;
    for (int i = 0; i < s->gsize[g]; i++)
        if (l[i] != v && d2u(s, l[i], u) > s->D2)
            return 0;
    return 1;
}

static void grp_recost(struct jst *s, long g)
{
    s->gstamp[g] = ++s->clock;
    s->gcost[g] = medoid_cost(s->p, gmem(s, g), s->gsize[g], NULL);
}

static void grp_add(struct jst *s, long g, uint32_t u)
{
    assert(s->gsize[g] < s->K && s->grp[u] < 0);
    gmem(s, g)[s->gsize[g]++] = u;
    s->gsum[g] += m_of(s, u);
    s->grp[u] = g;
    kd_set_free(&s->kd, u, 0);
    grp_recost(s, g);
}

static void grp_remove(struct jst *s, long g, uint32_t u)
{
    uint32_t *l = gmem(s, g);
    int i = 0;
    while (l[i] != u)
        i++;
    memmove(l + i, l + i + 1, (size_t)(s->gsize[g] - i - 1) * sizeof(*l));
    s->gsize[g]--;
    s->gsum[g] -= m_of(s, u);
    s->grp[u] = -1;
    kd_set_free(&s->kd, u, 1);
    grp_recost(s, g);
}

/* Cost of group g with `out` removed (UINT32_MAX: none) and `in` added (UINT32_MAX: none). */
static double cost_with(const struct jst *s, long g, uint32_t out, uint32_t in, int *share)
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
        *share = share_pairs(s->p, l, k);
    return medoid_cost(s->p, l, k, NULL);
}

static int gshare(const struct jst *s, long g)
{
    return share_pairs(s->p, s->gm + (size_t)g * (size_t)s->K, s->gsize[g]);
}

/* ---------------------------------------------------------------- cores */

struct core_ctx {
    const struct jst *s;
};

static int accept_core(uint32_t u, void *ctx)
{
    const struct jst *s = ((struct core_ctx *)ctx)->s;
    for (int i = 0; i < s->ncore; i++)
        if (d2u(s, s->core[i], u) > s->D2)
            return 0;
    return 1;
}

/* Key of candidate v for a core still needing `need` members (smaller is better). */
static long core_key(const struct jst *s, uint32_t v, int need)
{
    int mv = m_of(s, v);
    if (need > 0)
        return mv >= need ? mv - need : 1000L + need - mv;
    return mv; /* only a second unit is missing: prefer memberless */
}

/*
 * Grow a core (a minimal member-feasible group) around seed, from free units
 * and, when donors is set, from units whose group stays feasible without
 * them (one per group). On success creates the group and returns its number;
 * else -1 with nothing changed.
 */
static long build_core(struct jst *s, uint32_t seed, int donors)
{
    long donor_grp[256];
    uint32_t donor_unit[256];
    int nd = 0;
    s->ncore = 1;
    s->core[0] = seed;
    int sum = m_of(s, seed);
    kd_set_free(&s->kd, seed, 0);
    struct core_ctx cx = {s};
    int ok = 0;
    while (s->ncore < s->K && s->ncore < 256) {
        if (sum >= s->F && s->ncore >= 2) {
            ok = 1;
            break;
        }
        int need = s->F - sum;
        struct knn q = {0};
        q.qx = s->p->x[seed];
        q.qy = s->p->y[seed];
        q.r2 = s->D2;
        q.k = CAND_K;
        q.self = seed;
        q.free_only = 1;
        q.out = s->qout;
        q.d2 = s->qd2;
        q.accept = accept_core;
        q.ctx = &cx;
        kd_search(&s->kd, &q, 0, s->n);
        long bkey = 0;
        int bdonor = 0;
        double bd = 0;
        uint32_t best = UINT32_MAX;
        long bgrp = -1;
        for (int i = 0; i < q.n; i++) {
            uint32_t v = q.out[i];
            if (need > 0 && m_of(s, v) == 0)
                continue;
            long key = core_key(s, v, need);
            if (best == UINT32_MAX || key < bkey || (key == bkey && q.d2[i] < bd)) {
                best = v;
                bkey = key;
                bd = q.d2[i];
                bdonor = 0;
                bgrp = -1;
            }
        }
        if (donors) {
            const uint32_t *nb = s->nb + (size_t)seed * NB_K;
            for (int i = 0; i < s->nbn[seed]; i++) {
                uint32_t v = nb[i];
                long g = s->grp[v];
                if (g < 0 || s->gsize[g] < 3 || s->gsum[g] - m_of(s, v) < s->F)
                    continue;
                if (need > 0 && m_of(s, v) == 0)
                    continue;
                int used = 0;
                for (int j = 0; j < nd; j++)
                    used |= donor_grp[j] == g;
                if (used || !accept_core(v, &cx))
                    continue;
                long key = core_key(s, v, need);
                double d = d2u(s, seed, v);
                if (best == UINT32_MAX || key < bkey ||
                    (key == bkey && (bdonor > 1 || (bdonor == 1 && d < bd)))) {
                    best = v;
                    bkey = key;
                    bd = d;
                    bdonor = 1;
                    bgrp = g;
                }
            }
        }
        if (best == UINT32_MAX)
            break;
        if (bgrp >= 0) {
            donor_grp[nd] = bgrp;
            donor_unit[nd++] = best;
        } else {
            kd_set_free(&s->kd, best, 0);
        }
        s->core[s->ncore++] = best;
        sum += m_of(s, best);
    }
    if (!ok && sum >= s->F && s->ncore >= 2)
        ok = 1;
    long g = ok ? new_group(s) : -1;
    if (g < 0) {
        for (int i = 0; i < s->ncore; i++) {
            int isdonor = 0;
            for (int j = 0; j < nd; j++)
                isdonor |= donor_unit[j] == s->core[i];
            if (!isdonor)
                kd_set_free(&s->kd, s->core[i], 1);
        }
        return -1;
    }
    for (int j = 0; j < nd; j++)
        grp_remove(s, donor_grp[j], donor_unit[j]);
    for (int i = 0; i < s->ncore; i++) {
        kd_set_free(&s->kd, s->core[i], 1);
        grp_add(s, g, s->core[i]);
    }
    return g;
}

/* ---------------------------------------------------------------- seats */

/* Best group among u's neighbours' groups that u fits, by added cost; -1 if none. */
static long best_seat(struct jst *s, uint32_t u, long exclude, int *n_options)
{
    const uint32_t *nb = s->nb + (size_t)u * NB_K;
    long best = -1;
    double bdelta = 0;
    int bshare = 0, nopt = 0;
    for (int i = 0; i < s->nbn[u]; i++) {
        long g = s->grp[nb[i]];
        if (g < 0 || g == exclude)
            continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = s->grp[nb[j]] == g;
        if (seen || !fits(s, g, u))
            continue;
        nopt++;
        int sh;
        double delta = cost_with(s, g, UINT32_MAX, u, &sh) - s->gcost[g];
        sh -= gshare(s, g);
        if (best < 0 || delta < bdelta - EPS_M ||
            (delta <= bdelta + EPS_M && (sh > bshare || (sh == bshare && g < best)))) {
            best = g;
            bdelta = delta;
            bshare = sh;
        }
    }
    if (n_options)
        *n_options = nopt;
    return best;
}

struct ukey {
    long k1, k2;
    uint32_t u;
};

static int cmp_ukey(const void *a, const void *b)
{
    const struct ukey *x = a, *y = b;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    return (x->u > y->u) - (x->u < y->u);
}

static int fill_seats(struct jst *s, struct ukey *keys)
{
    size_t k = 0;
    for (size_t u = 0; u < s->n; u++) {
        if (s->grp[u] >= 0)
            continue;
        int nopt = 0;
        best_seat(s, (uint32_t)u, -1, &nopt);
        if (nopt == 0)
            continue;
        keys[k].k1 = nopt;
        keys[k].k2 = m_of(s, (uint32_t)u);
        keys[k++].u = (uint32_t)u;
    }
    qsort(keys, k, sizeof(*keys), cmp_ukey);
    int changed = 0;
    for (size_t i = 0; i < k; i++) {
        long g = best_seat(s, keys[i].u, -1, NULL);
        if (g >= 0) {
            grp_add(s, g, keys[i].u);
            changed = 1;
        }
    }
    return changed;
}

/* Unassigned u takes the seat of v in a group; v moves to another group. */
static int try_eject(struct jst *s, uint32_t u)
{
    const uint32_t *nb = s->nb + (size_t)u * NB_K;
    for (int i = 0; i < s->nbn[u]; i++) {
        long g = s->grp[nb[i]];
        if (g < 0)
            continue;
        for (int j = 0; j < s->gsize[g]; j++) {
            uint32_t v = gmem(s, g)[j];
            if (!fits_swap(s, g, v, u))
                continue;
            long h = best_seat(s, v, g, NULL);
            if (h < 0)
                continue;
            grp_remove(s, g, v);
            grp_add(s, g, u);
            grp_add(s, h, v);
            return 1;
        }
    }
    return 0;
}

/* Fill the free seats of a fresh group from free neighbours of its seed. */
static void fill_group(struct jst *s, long g, uint32_t seed)
{
    const uint32_t *nb = s->nb + (size_t)seed * NB_K;
    for (int i = 0; i < s->nbn[seed] && s->gsize[g] < s->K; i++)
        if (s->grp[nb[i]] < 0 && fits(s, g, nb[i]))
            grp_add(s, g, nb[i]);
}

/* ---------------------------------------------------------------- compactness */

/* Try the best improving move of unit u; 1 if one was made. */
static int compact_unit(struct jst *s, uint32_t u)
{
    long g = s->grp[u];
    if (g < 0)
        return 0;
    const uint32_t *nb = s->nb + (size_t)u * NB_K;
    int lim = s->nbn[u] < COMPACT_NB ? s->nbn[u] : COMPACT_NB;
    int gsh = gshare(s, g);
    double bdelta = 0;
    int bshare = 0, btype = 0;
    long bh = -1;
    uint32_t bv = 0;
    int can_leave = s->gsize[g] >= 3 && s->gsum[g] - m_of(s, u) >= s->F;
    for (int i = 0; i < lim; i++) {
        uint32_t v = nb[i];
        long h = s->grp[v];
        double delta;
        int sh, sh2;
        int type;
        if (h == g)
            continue;
        if (h < 0) { /* swap u out for the free v */
            if (!fits_swap(s, g, u, v))
                continue;
            delta = cost_with(s, g, u, v, &sh) - s->gcost[g];
            sh -= gsh;
            type = 1;
        } else {
            /* move u to h */
            if (can_leave && fits(s, h, u)) {
                delta = cost_with(s, g, u, UINT32_MAX, &sh) + cost_with(s, h, UINT32_MAX, u, &sh2) -
                        s->gcost[g] - s->gcost[h];
                sh += sh2 - gsh - gshare(s, h);
                if (delta < bdelta - EPS_M || (delta <= bdelta + EPS_M && sh > bshare)) {
                    bdelta = delta;
                    bshare = sh;
                    btype = 2;
                    bh = h;
                    bv = v;
                }
            }
            /* swap u and v */
            if (!fits_swap(s, g, u, v) || !fits_swap(s, h, v, u))
                continue;
            delta = cost_with(s, g, u, v, &sh) + cost_with(s, h, v, u, &sh2) - s->gcost[g] -
                    s->gcost[h];
            sh += sh2 - gsh - gshare(s, h);
            type = 3;
        }
        if (delta < bdelta - EPS_M || (delta <= bdelta + EPS_M && sh > bshare)) {
            bdelta = delta;
            bshare = sh;
            btype = type;
            bh = h;
            bv = v;
        }
    }
    if (btype == 0 || !(bdelta < -EPS_M || (bdelta <= EPS_M && bshare > 0)))
        return 0;
    grp_remove(s, g, u);
    if (btype == 1) {
        grp_add(s, g, bv);
    } else if (btype == 2) {
        grp_add(s, bh, u);
    } else {
        grp_remove(s, bh, bv);
        grp_add(s, g, bv);
        grp_add(s, bh, u);
    }
    return 1;
}

/* ---------------------------------------------------------------- neighbourhoods */

#define LNS_MAX 20    /* units per re-solved neighbourhood */
#define LNS_GROUPS 5  /* groups in one around a free unit */
#define LNS_FREE 6    /* free units added to one */
#define LNS_NODES 500 /* search budget per neighbourhood */

/*
 * Re-solve the units w[0..nw) - whole groups plus free units - with the exact
 * search (budgeted, started from the current grouping, so never worse) and
 * apply the result when it covers more or costs less. 1 if applied.
 */
static int lns_window(struct jst *s, const uint32_t *w, int nw, int need_cover)
{
    double x[LNS_MAX], y[LNS_MAX];
    int mem[LNS_MAX];
    long start[LNS_MAX], out[LNS_MAX], gl[LNS_MAX];
    int ngl = 0;
    long cur_cov = 0;
    double cur_cost = 0;
    for (int i = 0; i < nw; i++) {
        x[i] = s->p->x[w[i]];
        y[i] = s->p->y[w[i]];
        mem[i] = m_of(s, w[i]);
        long g = s->grp[w[i]];
        start[i] = -1;
        if (g < 0)
            continue;
        int k = 0;
        while (k < ngl && gl[k] != g)
            k++;
        if (k == ngl) {
            gl[ngl++] = g;
            cur_cost += s->gcost[g];
        }
        start[i] = k;
        cur_cov++;
    }
    if (need_cover && cur_cov >= cov_joint_bound(mem, (size_t)nw, s->F, s->K))
        return 0; /* coverage cannot rise here; compactness is lns_compact's job */
    struct cov_joint_problem sub = {.n = (size_t)nw,
                                    .x = x,
                                    .y = y,
                                    .members = mem,
                                    .max_units = s->K,
                                    .min_members = s->F,
                                    .max_distance_m = s->p->max_distance_m};
    struct cov_err e;
    cov_err_init(&e);
    int complete;
    int rc = cov_joint_exact_limited(&sub, start, out, LNS_NODES, &complete, &e);
    cov_err_release(&e);
    if (rc)
        return 0;
    long nc = 0, nq = 0;
    double nk = 0;
    for (int i = 0; i < nw; i++)
        if (out[i] >= 0) {
            nc++;
            if (out[i] + 1 > nq)
                nq = out[i] + 1;
        }
    uint32_t l[LNS_MAX];
    for (long q = 0; q < nq; q++) {
        int k = 0;
        for (int i = 0; i < nw; i++)
            if (out[i] == q)
                l[k++] = w[i];
        nk += medoid_cost(s->p, l, k, NULL);
    }
    if (!(nc > cur_cov || (nc == cur_cov && nk < cur_cost - 1e-6)))
        return 0;
    for (int i = 0; i < nw; i++)
        if (s->grp[w[i]] >= 0)
            grp_remove(s, s->grp[w[i]], w[i]);
    for (int k = 0; k < ngl; k++)
        s->dead[s->ndead++] = gl[k];
    for (long q = 0; q < nq; q++) {
        long g = new_group(s);
        assert(g >= 0);
        for (int i = 0; i < nw; i++)
            if (out[i] == q)
                grp_add(s, g, w[i]);
    }
    return 1;
}

static int in_window(const uint32_t *w, int nw, uint32_t u)
{
    for (int i = 0; i < nw; i++)
        if (w[i] == u)
            return 1;
    return 0;
}

/* Append whole group g to the window if it fits. */
static int add_group_to_window(const struct jst *s, long g, uint32_t *w, int *nw)
{
    if (*nw + s->gsize[g] > LNS_MAX)
        return 0;
    const uint32_t *m = s->gm + (size_t)g * (size_t)s->K;
    for (int i = 0; i < s->gsize[g]; i++)
        w[(*nw)++] = m[i];
    return 1;
}

static void add_free_to_window(const struct jst *s, uint32_t around, uint32_t *w, int *nw,
                               int limit)
{
    const uint32_t *nb = s->nb + (size_t)around * NB_K;
    int added = 0;
    for (int i = 0; i < s->nbn[around] && added < limit && *nw < LNS_MAX; i++)
        if (s->grp[nb[i]] < 0 && !in_window(w, *nw, nb[i])) {
            w[(*nw)++] = nb[i];
            added++;
        }
}

/* Windows around free units: up to 3 neighbouring groups, free neighbours, then groups
 * next to those groups. */
static int lns_cover(struct jst *s)
{
    int changed = 0;
    uint32_t w[LNS_MAX];
    for (size_t u = 0; u < s->n; u++) {
        if (s->grp[u] >= 0 || s->nbn[u] == 0)
            continue;
        int nw = 0, ng = 0;
        w[nw++] = (uint32_t)u;
        const uint32_t *nb = s->nb + u * NB_K;
        for (int i = 0; i < s->nbn[u] && ng < 3; i++) {
            long g = s->grp[nb[i]];
            if (g >= 0 && !in_window(w, nw, nb[i]) && nw + s->gsize[g] <= LNS_MAX - 2)
                ng += add_group_to_window(s, g, w, &nw);
        }
        add_free_to_window(s, (uint32_t)u, w, &nw, LNS_FREE);
        /* second ring: groups next to those, so that a member can pass along a chain */
        for (int k = 1; k < nw && ng < LNS_GROUPS; k++) {
            if (s->grp[w[k]] < 0)
                continue;
            const uint32_t *nb2 = s->nb + (size_t)w[k] * NB_K;
            for (int i = 0; i < s->nbn[w[k]] && ng < LNS_GROUPS; i++) {
                long g = s->grp[nb2[i]];
                if (g >= 0 && !in_window(w, nw, nb2[i]))
                    ng += add_group_to_window(s, g, w, &nw);
            }
        }
        if (nw >= 2)
            changed |= lns_window(s, w, nw, 1);
    }
    return changed;
}

/*
 * Windows of two neighbouring groups (plus a few free units) for compactness.
 * Pairs where neither group changed since `since` were tried before: skipped.
 */
static int lns_compact(struct jst *s, unsigned long since)
{
    int changed = 0;
    uint32_t w[LNS_MAX];
    for (long g = 0; g < s->ng; g++) {
        long tried[3];
        int nt = 0;
        for (int j = 0; j < s->gsize[g] && nt < 3; j++) {
            uint32_t u = gmem(s, g)[j];
            const uint32_t *nb = s->nb + (size_t)u * NB_K;
            int lim = s->nbn[u] < COMPACT_NB ? s->nbn[u] : COMPACT_NB;
            for (int i = 0; i < lim && nt < 3 && s->gsize[g] >= 2; i++) {
                long h = s->grp[nb[i]];
                if (h <= g)
                    continue;
                int seen = 0;
                for (int t = 0; t < nt; t++)
                    seen |= tried[t] == h;
                if (seen)
                    continue;
                tried[nt++] = h;
                if (s->gstamp[g] < since && s->gstamp[h] < since)
                    continue;
                int nw = 0;
                if (!add_group_to_window(s, g, w, &nw) || !add_group_to_window(s, h, w, &nw))
                    continue;
                add_free_to_window(s, u, w, &nw, 2);
                changed |= lns_window(s, w, nw, 0);
            }
        }
    }
    return changed;
}

/* ---------------------------------------------------------------- driver */

static void write_result(const struct jst *s, long *group_of)
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

/* The compactness moves of the heuristic (steps 6 and 5) on the current groups. */
static void compact(struct jst *s)
{
    for (int pass = 0; pass < COMPACT_PASSES; pass++) {
        int changed = 0;
        for (size_t u = 0; u < s->n; u++)
            changed |= compact_unit(s, (uint32_t)u);
        if (!changed)
            break;
    }
    if (s->K <= LNS_MAX / 2) {
        unsigned long since = 0;
        for (int pass = 0; pass < 2; pass++) {
            unsigned long t = s->clock;
            if (!lns_compact(s, since))
                break;
            since = t;
        }
    }
}

static int heuristic(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    struct jst s;
    struct ukey *keys = NULL;
    int rc = 0;
    if (jst_init(&s, p))
        return cov_err_set(err, COV_ENOMEM, "out of memory for joint branches (%zu units)", p->n);
    keys = malloc(p->n * sizeof(*keys) + 1);
    if (!keys) {
        rc = cov_err_set(err, COV_ENOMEM, "out of memory for joint branches (%zu units)", p->n);
        goto cleanup;
    }
    /* Cores: richest first (a 2 finds its 1), the most constrained first among equals. */
    size_t k = 0;
    for (size_t u = 0; u < p->n; u++)
        if (m_of(&s, (uint32_t)u) > 0) {
            keys[k].k1 = -(long)m_of(&s, (uint32_t)u);
            keys[k].k2 = s.nbn[u];
            keys[k++].u = (uint32_t)u;
        }
    qsort(keys, k, sizeof(*keys), cmp_ukey);
    for (size_t i = 0; i < k; i++)
        if (s.grp[keys[i].u] < 0)
            build_core(&s, keys[i].u, 0);
    fill_seats(&s, keys);
    /* Local search for coverage: insert, eject, new core with donors. */
    for (int pass = 0; pass < COVER_PASSES; pass++) {
        int changed = 0;
        for (size_t u = 0; u < p->n; u++) {
            if (s.grp[u] >= 0)
                continue;
            long g = best_seat(&s, (uint32_t)u, -1, NULL);
            if (g >= 0) {
                grp_add(&s, g, (uint32_t)u);
                changed = 1;
                continue;
            }
            if (try_eject(&s, (uint32_t)u)) {
                changed = 1;
                continue;
            }
            g = build_core(&s, (uint32_t)u, 1);
            if (g >= 0) {
                fill_group(&s, g, (uint32_t)u);
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
    if (s.K <= LNS_MAX / 3) {
        for (int pass = 0; pass < 2; pass++)
            if (!lns_cover(&s))
                break;
    }
    compact(&s);
    write_result(&s, group_of);
cleanup:
    free(keys);
    jst_release(&s);
    return rc;
}

static int check_problem(const struct cov_joint_problem *p, struct cov_err *err)
{
    if (p->max_units < 2 || p->max_units > 200)
        return cov_err_set(err, COV_EINPUT, "max units %d: expected 2 to 200", p->max_units);
    if (p->min_members < 1)
        return cov_err_set(err, COV_EINPUT, "min members %d: expected at least 1", p->min_members);
    if (!(p->max_distance_m > 0) || !isfinite(p->max_distance_m))
        return cov_err_set(err, COV_EINPUT, "max distance %g m: expected a positive number",
                           p->max_distance_m);
    if (p->n >= UINT32_MAX / 2)
        return cov_err_set(err, COV_EINPUT, "too many units (%zu) in one scope", p->n);
    return 0;
}

int cov_joint_solve(const struct cov_joint_problem *p, int exact, long *group_of,
                    struct cov_err *err)
{
    if (exact)
        return cov_joint_solve_exact(p, group_of, NULL, err);
    int rc = check_problem(p, err);
    if (rc)
        return rc;
    return heuristic(p, group_of, err);
}

/* ---------------------------------------------------------------- polish */

int cov_joint_polish(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    int rc = check_problem(p, err);
    if (rc)
        return rc;
    struct jst s;
    long *map = malloc((p->n + 1) * sizeof(*map));
    if (!map || jst_init(&s, p)) {
        free(map);
        return cov_err_set(err, COV_ENOMEM, "out of memory for joint branches (%zu units)", p->n);
    }
    for (size_t i = 0; i < p->n; i++)
        map[i] = -1;
    for (size_t u = 0; u < p->n; u++) {
        long g = group_of[u];
        if (g < 0)
            continue;
        assert((size_t)g < p->n);
        if (map[g] < 0)
            map[g] = new_group(&s);
        assert(map[g] >= 0);
        grp_add(&s, map[g], (uint32_t)u);
    }
    compact(&s);
    write_result(&s, group_of);
    free(map);
    jst_release(&s);
    return 0;
}

/* ---------------------------------------------------------------- greedy */

struct greedy_ctx {
    const struct jst *s;
    const uint32_t *list;
    int n;
};

static int accept_greedy(uint32_t u, void *ctx)
{
    const struct greedy_ctx *c = ctx;
    for (int i = 0; i < c->n; i++)
        if (d2u(c->s, c->list[i], u) > c->s->D2)
            return 0;
    return 1;
}

int cov_joint_greedy(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    int rc = check_problem(p, err);
    if (rc)
        return rc;
    struct jst s;
    if (jst_init(&s, p))
        return cov_err_set(err, COV_ENOMEM, "out of memory for joint branches (%zu units)", p->n);
    struct ukey *keys = malloc(p->n * sizeof(*keys) + 1);
    if (!keys) {
        jst_release(&s);
        return cov_err_set(err, COV_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t u = 0; u < p->n; u++)
        if (m_of(&s, (uint32_t)u) > 0) {
            keys[k].k1 = -(long)m_of(&s, (uint32_t)u);
            keys[k].k2 = 0;
            keys[k++].u = (uint32_t)u;
        }
    qsort(keys, k, sizeof(*keys), cmp_ukey);
    uint32_t list[256];
    for (size_t i = 0; i < k; i++) {
        uint32_t seed = keys[i].u;
        if (s.grp[seed] >= 0)
            continue;
        int nl = 1, sum = m_of(&s, seed);
        list[0] = seed;
        kd_set_free(&s.kd, seed, 0);
        struct greedy_ctx c = {&s, list, 0};
        while (nl < s.K && nl < 256) {
            uint32_t out[1];
            double d2[1];
            c.n = nl;
            struct knn q = {0};
            q.qx = p->x[seed];
            q.qy = p->y[seed];
            q.r2 = s.D2;
            q.k = 1;
            q.self = seed;
            q.free_only = 1;
            q.out = out;
            q.d2 = d2;
            q.accept = accept_greedy;
            q.ctx = &c;
            kd_search(&s.kd, &q, 0, s.n);
            if (q.n == 0)
                break;
            list[nl++] = out[0];
            sum += m_of(&s, out[0]);
            kd_set_free(&s.kd, out[0], 0);
        }
        for (int j = 0; j < nl; j++)
            kd_set_free(&s.kd, list[j], 1);
        long g;
        if (nl >= 2 && sum >= s.F && (g = new_group(&s)) >= 0) {
            for (int j = 0; j < nl; j++)
                grp_add(&s, g, list[j]);
        }
    }
    write_result(&s, group_of);
    free(keys);
    jst_release(&s);
    return 0;
}
