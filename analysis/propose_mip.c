/*
 * propose_mip.c - exact joint branches on a MIP solver (propose_mip.h,
 * cov_joint_solve_exact); the 0-1 models are built and solved through mip.h.
 *
 * The formulation rests on member cores. A core is a set of units with
 * members, pairwise within the distance, whose members sum to at least F
 * while no proper subset does ({2,1}, {2,2} and {1,1,1} for F = 3). Every
 * feasible group contains a core (drop member units while the sum stays >= F),
 * so disjoint groups hold disjoint cores and, with nu the most disjoint cores,
 * no plan covers more than min(units that can join some core, K * nu).
 *
 * Per scope:
 *  1. the heuristic's plan (propose_joint.c): the start, and the fallback;
 *  2. units that cannot be in any group are dropped (no partner in reach, or
 *     too few members within reach, iterated), the rest split into the
 *     connected pieces of the distance graph: no group spans two pieces;
 *  3. per piece, while time is left: the cores; the bound U = min(joinable,
 *     K * nu) from the packing model (max cores, each member unit in at most
 *     one: its proven bound on nu is enough); the joint model restricted to
 *     the packing's cores and the heuristic's (which fills them with the other
 *     units, started from the heuristic); and only when that misses U, the
 *     joint model over every core. Joint model: y_c (core c is a group),
 *     x_ic (unit i joins c's group): each unit at most once; c takes at most
 *     K - |c| more units, pairwise within the distance, and at least one if
 *     |c| = 1; maximise the units covered. Its proven bound tightens U.
 *  4. the better of the solver's plan (polished by the heuristic's
 *     compactness moves at fixed coverage) and the heuristic's is kept.
 * A piece the solver cannot take (too many units or cores, failure, no time
 * left) keeps the heuristic's plan and contributes its bound U (or, without
 * cores, the geography-free bound): the gap stays honest.
 */
#include "propose_mip.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mip.h"
#include "propose.h"
#include "propose_joint.h"
#include "i18n.h"

#define CORES_MAX 400000       /* cores in one piece */
#define EDGES_MAX 40000000L    /* compatible pairs in one scope (adjacency lists) */
#define JOINT_NNZ_MAX 6000000L /* coefficients of one joint model */

/* ---------------------------------------------------------------- scope graph */

struct cell_key {
    long cx, cy;
    uint32_t u;
};

static int cmp_cell(const void *a, const void *b)
{
    const struct cell_key *x = a, *y = b;
    if (x->cx != y->cx)
        return x->cx < y->cx ? -1 : 1;
    if (x->cy != y->cy)
        return x->cy < y->cy ? -1 : 1;
    return (x->u > y->u) - (x->u < y->u);
}

/* Compatible pairs as adjacency lists (ascending), from a grid of cells of size D. */
struct adj {
    size_t *start; /* n + 1 */
    uint32_t *nb;
};

static void adj_release(struct adj *a)
{
    free(a->start);
    free(a->nb);
}

static double pdist2(const struct cov_joint_problem *p, size_t a, size_t b)
{
    double dx = p->x[a] - p->x[b], dy = p->y[a] - p->y[b];
    return dx * dx + dy * dy;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* 0, COV_ENOMEM, or 1 when the scope has more than EDGES_MAX compatible pairs. */
static int adj_build(const struct cov_joint_problem *p, struct adj *a)
{
    size_t n = p->n;
    double D = p->max_distance_m, D2 = D * D;
    struct cell_key *k = malloc((n + 1) * sizeof(*k));
    a->start = calloc(n + 2, sizeof(*a->start));
    a->nb = NULL;
    if (!k || !a->start) {
        free(k);
        adj_release(a);
        return COV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        k[i].cx = (long)floor(p->x[i] / D);
        k[i].cy = (long)floor(p->y[i] / D);
        k[i].u = (uint32_t)i;
    }
    qsort(k, n, sizeof(*k), cmp_cell);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t s = 0; s < n; s++) {
            uint32_t u = k[s].u;
            size_t cnt = 0;
            for (long dx = -1; dx <= 1; dx++) {
                struct cell_key q = {k[s].cx + dx, k[s].cy - 1, 0};
                size_t lo = 0, hi = n;
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (cmp_cell(&k[mid], &q) < 0)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                for (size_t t = lo; t < n && k[t].cx == q.cx && k[t].cy <= k[s].cy + 1; t++) {
                    uint32_t v = k[t].u;
                    if (v == u || pdist2(p, u, v) > D2)
                        continue;
                    if (pass == 1)
                        a->nb[a->start[u] + cnt] = v;
                    cnt++;
                }
            }
            if (pass == 0)
                a->start[u + 1] = cnt;
        }
        if (pass == 0) {
            for (size_t i = 0; i < n; i++)
                a->start[i + 1] += a->start[i];
            if (a->start[n] > (size_t)EDGES_MAX) {
                free(k);
                adj_release(a);
                return 1;
            }
            a->nb = malloc((a->start[n] + 1) * sizeof(*a->nb));
            if (!a->nb) {
                free(k);
                adj_release(a);
                return COV_ENOMEM;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        qsort(a->nb + a->start[i], a->start[i + 1] - a->start[i], sizeof(*a->nb), cmp_u32);
    free(k);
    return 0;
}

/*
 * useful[i] = 0 for units that can be in no group: without a useful partner
 * in reach, or with fewer than F members among itself and its useful
 * neighbours. Removal by a work list until nothing changes.
 */
static int filter_useful(const struct cov_joint_problem *p, const struct adj *a,
                         unsigned char *useful)
{
    size_t n = p->n;
    long *reach = malloc((n + 1) * sizeof(*reach)), *deg = malloc((n + 1) * sizeof(*deg));
    uint32_t *work = malloc((n + 1) * sizeof(*work));
    if (!reach || !deg || !work) {
        free(reach);
        free(deg);
        free(work);
        return COV_ENOMEM;
    }
    size_t nw = 0;
    for (size_t i = 0; i < n; i++) {
        useful[i] = 1;
        reach[i] = p->members[i] > 0 ? p->members[i] : 0;
        deg[i] = (long)(a->start[i + 1] - a->start[i]);
        for (size_t e = a->start[i]; e < a->start[i + 1]; e++)
            reach[i] += p->members[a->nb[e]] > 0 ? p->members[a->nb[e]] : 0;
    }
    for (size_t i = 0; i < n; i++)
        if (deg[i] == 0 || reach[i] < p->min_members) {
            useful[i] = 0;
            work[nw++] = (uint32_t)i;
        }
    while (nw > 0) {
        uint32_t u = work[--nw];
        int mu = p->members[u] > 0 ? p->members[u] : 0;
        for (size_t e = a->start[u]; e < a->start[u + 1]; e++) {
            uint32_t v = a->nb[e];
            if (!useful[v])
                continue;
            deg[v]--;
            reach[v] -= mu;
            if (deg[v] == 0 || reach[v] < p->min_members) {
                useful[v] = 0;
                work[nw++] = v;
            }
        }
    }
    free(reach);
    free(deg);
    free(work);
    return 0;
}

/* ---------------------------------------------------------------- pieces */

struct piece {
    const struct cov_joint_problem *p;
    int n, K, F;
    double D2;
    const uint32_t *u; /* scope index of local unit i */
    int *m;            /* members of local unit i */
    size_t *nstart;    /* local adjacency, ascending */
    int *nb;
    /* cores: units ascending in cu[cstart[c] .. cstart[c + 1]) */
    int *cu;
    size_t *cstart;
    long nc;
    size_t cap_cu;
    long cap_c;
    int overflow;
    /* per unit: the cores holding it */
    size_t *ustart;
    long *ucore;
};

static int compat(const struct piece *pc, int i, int j)
{
    return pdist2(pc->p, pc->u[i], pc->u[j]) <= pc->D2;
}

static int csize(const struct piece *pc, long c)
{
    return (int)(pc->cstart[c + 1] - pc->cstart[c]);
}

static int core_push(struct piece *pc, const int *l, int s)
{
    if (pc->nc >= CORES_MAX) {
        pc->overflow = 1;
        return 0;
    }
    if (pc->nc + 2 > pc->cap_c) {
        long c = pc->cap_c ? 2 * pc->cap_c : 1024;
        size_t *ns = realloc(pc->cstart, (size_t)c * sizeof(*ns));
        if (!ns)
            return COV_ENOMEM;
        pc->cstart = ns;
        pc->cap_c = c;
    }
    size_t at = pc->cstart[pc->nc];
    if (at + (size_t)s > pc->cap_cu) {
        size_t c = pc->cap_cu ? 2 * pc->cap_cu : 4096;
        while (c < at + (size_t)s)
            c *= 2;
        int *nu = realloc(pc->cu, c * sizeof(*nu));
        if (!nu)
            return COV_ENOMEM;
        pc->cu = nu;
        pc->cap_cu = c;
    }
    memcpy(pc->cu + at, l, (size_t)s * sizeof(*l));
    pc->cstart[++pc->nc] = at + (size_t)s;
    return 0;
}

/* Extend core l[0..s) (sum < F) by member units from cand[0..nc), all compatible with l. */
static int core_dfs(struct piece *pc, int *l, int s, int sum, const int *cand, int ncand)
{
    int *next = malloc(((size_t)ncand + 1) * sizeof(*next));
    int rc = 0;
    if (!next)
        return COV_ENOMEM;
    for (int t = 0; t < ncand && !rc && !pc->overflow; t++) {
        int v = cand[t];
        l[s] = v;
        int sum2 = sum + pc->m[v];
        if (sum2 >= pc->F) {
            int minimal = 1;
            for (int q = 0; q <= s && minimal; q++)
                minimal = sum2 - pc->m[l[q]] < pc->F;
            if (minimal)
                rc = core_push(pc, l, s + 1);
            continue;
        }
        if (s + 1 >= pc->K)
            continue;
        int nn = 0;
        for (int q = t + 1; q < ncand; q++)
            if (compat(pc, v, cand[q]))
                next[nn++] = cand[q];
        rc = core_dfs(pc, l, s + 1, sum2, next, nn);
    }
    free(next);
    return rc;
}

static int enum_cores(struct piece *pc)
{
    int *l = malloc(((size_t)pc->K + 1) * sizeof(*l));
    int *cand = malloc(((size_t)pc->n + 1) * sizeof(*cand));
    int rc = 0;
    pc->cstart = malloc(1024 * sizeof(*pc->cstart));
    if (!l || !cand || !pc->cstart) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    pc->cap_c = 1024;
    pc->cstart[0] = 0;
    for (int i = 0; i < pc->n && !rc && !pc->overflow; i++) {
        if (pc->m[i] <= 0)
            continue;
        l[0] = i;
        if (pc->m[i] >= pc->F) {
            rc = core_push(pc, l, 1);
            continue;
        }
        int nn = 0;
        for (size_t e = pc->nstart[i]; e < pc->nstart[i + 1]; e++)
            if (pc->nb[e] > i && pc->m[pc->nb[e]] > 0)
                cand[nn++] = pc->nb[e];
        rc = core_dfs(pc, l, 1, pc->m[i], cand, nn);
    }
    if (rc || pc->overflow)
        goto cleanup;
    /* unit -> cores */
    pc->ustart = calloc((size_t)pc->n + 2, sizeof(*pc->ustart));
    pc->ucore = malloc((pc->cstart[pc->nc] + 1) * sizeof(*pc->ucore));
    if (!pc->ustart || !pc->ucore) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    for (size_t k = 0; k < pc->cstart[pc->nc]; k++)
        pc->ustart[pc->cu[k] + 2]++;
    for (int i = 0; i < pc->n; i++)
        pc->ustart[i + 2] += pc->ustart[i + 1];
    for (long c = 0; c < pc->nc; c++)
        for (size_t k = pc->cstart[c]; k < pc->cstart[c + 1]; k++)
            pc->ucore[pc->ustart[pc->cu[k] + 1]++] = c;
cleanup:
    free(l);
    free(cand);
    return rc;
}

/* Units that may join core c's group: compatible with all of c, not in c, by index. */
static int fillers(const struct piece *pc, long c, int *out)
{
    const int *l = pc->cu + pc->cstart[c];
    int s = csize(pc, c), k = 0;
    for (size_t e = pc->nstart[l[0]]; e < pc->nstart[l[0] + 1]; e++) {
        int v = pc->nb[e], ok = 1;
        for (int q = 1; q < s && ok; q++)
            ok = v != l[q] && compat(pc, v, l[q]);
        if (ok)
            out[k++] = v;
    }
    return k;
}

/* Find the core with units l[0..s) (ascending); -1 if none. */
static long core_find(const struct piece *pc, const int *l, int s)
{
    for (size_t k = pc->ustart[l[0]]; k < pc->ustart[l[0] + 1]; k++) {
        long c = pc->ucore[k];
        if (csize(pc, c) == s && !memcmp(pc->cu + pc->cstart[c], l, (size_t)s * sizeof(*l)))
            return c;
    }
    return -1;
}

/*
 * A plan of the piece as asg[i] = the core of unit i's group (-1: none); the
 * group is the core plus the units mapped to it. From the groups of group_of
 * (local): a core per group by dropping member units, richest first, while
 * the sum stays >= F.
 */
static int plan_from_groups(const struct piece *pc, const long *g, long *asg)
{
    int n = pc->n;
    int *l = malloc(((size_t)n + 1) * sizeof(*l));
    long *seen = malloc(((size_t)n + 1) * sizeof(*seen));
    if (!l || !seen) {
        free(l);
        free(seen);
        return COV_ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        asg[i] = -1;
        seen[i] = 0;
    }
    for (int i = 0; i < n; i++) {
        if (g[i] < 0 || seen[i])
            continue;
        int s = 0, sum = 0;
        for (int j = i; j < n; j++)
            if (g[j] == g[i]) {
                seen[j] = 1;
                if (pc->m[j] > 0) {
                    l[s++] = j;
                    sum += pc->m[j];
                }
            }
        /* drop the member units that are not needed, largest first */
        for (int changed = 1; changed;) {
            changed = 0;
            int best = -1;
            for (int q = 0; q < s; q++)
                if (sum - pc->m[l[q]] >= pc->F && (best < 0 || pc->m[l[q]] > pc->m[l[best]]))
                    best = q;
            if (best >= 0) {
                sum -= pc->m[l[best]];
                memmove(l + best, l + best + 1, (size_t)(s - best - 1) * sizeof(*l));
                s--;
                changed = 1;
            }
        }
        long c = s > 0 ? core_find(pc, l, s) : -1;
        if (c < 0)
            continue; /* cannot happen with every core enumerated; the group is dropped */
        for (int j = i; j < n; j++)
            if (g[j] == g[i])
                asg[j] = c;
    }
    free(l);
    free(seen);
    return 0;
}

static long plan_covered(const struct piece *pc, const long *asg)
{
    long c = 0;
    for (int i = 0; i < pc->n; i++)
        c += asg[i] >= 0;
    return c;
}

/* Units that can be in some group: in a core, or able to join one. */
static int count_joinable(const struct piece *pc, long *out)
{
    unsigned char *can = calloc((size_t)pc->n + 1, 1);
    int *f = malloc(((size_t)pc->n + 1) * sizeof(*f));
    if (!can || !f) {
        free(can);
        free(f);
        return COV_ENOMEM;
    }
    for (long c = 0; c < pc->nc; c++) {
        int s = csize(pc, c);
        if (s >= pc->K) {
            for (int q = 0; q < s; q++)
                can[pc->cu[pc->cstart[c] + q]] = 1;
            continue;
        }
        int k = fillers(pc, c, f);
        if (s == 1 && k == 0)
            continue;
        for (int q = 0; q < s; q++)
            can[pc->cu[pc->cstart[c] + q]] = 1;
        for (int q = 0; q < k; q++)
            can[f[q]] = 1;
    }
    long cnt = 0;
    for (int i = 0; i < pc->n; i++)
        cnt += can[i];
    *out = cnt;
    free(can);
    free(f);
    return 0;
}

/* nu's packing model: most disjoint cores. Proven upper bound on nu in *nu_ub. */
static int solve_packing(const struct piece *pc, double tl, double *waited, long *nu_ub,
                         long *asg_cores, int *n_sel)
{
    struct cov_mip m;
    struct cov_mip_result r;
    int *f = malloc(((size_t)pc->n + 1) * sizeof(*f)), nmu = 0;
    if (!f)
        return COV_ENOMEM;
    cov_mip_init(&m);
    for (int i = 0; i < pc->n; i++)
        nmu += pc->m[i] > 0;
    /*
     * Among the largest packings, prefer cores that leave members over and
     * have memberless units to fill them: weight 1 + eps * w, w in [0, 1],
     * eps * nu < 1, so floor(bound) still bounds nu.
     */
    double eps = 0.5 / (nmu + 1);
    for (long c = 0; c < pc->nc; c++) {
        int s = csize(pc, c), k = s < pc->K ? fillers(pc, c, f) : 0, free0 = 0, sum = 0;
        for (int t = 0; t < k; t++)
            free0 += pc->m[f[t]] == 0;
        for (size_t q = pc->cstart[c]; q < pc->cstart[c + 1]; q++)
            sum += pc->m[pc->cu[q]];
        int want = pc->K - s;
        double w = want > 0 ? (double)(free0 < want ? free0 : want) / want : 1;
        w = (w + 1.0 / (1 + sum - pc->F)) / 2;
        cov_mip_col(&m, 1 + eps * w);
    }
    free(f);
    for (int i = 0; i < pc->n; i++) {
        if (pc->ustart[i + 1] == pc->ustart[i])
            continue;
        int row = cov_mip_row(&m, -INFINITY, 1);
        for (size_t k = pc->ustart[i]; k < pc->ustart[i + 1]; k++)
            cov_mip_coef(&m, row, (int)pc->ucore[k], 1);
    }
    int rc = cov_mip_solve(&m, tl, NULL, &r);
    *waited = r.waited_s;
    cov_mip_release(&m);
    if (rc)
        return rc;
    *n_sel = 0;
    if (isfinite(r.bound))
        *nu_ub = (long)floor(r.bound + 1e-6);
    if (r.x)
        for (long c = 0; c < pc->nc; c++)
            if (r.x[c] > 0.5)
                asg_cores[(*n_sel)++] = c;
    free(r.x);
    return 0;
}

static int in_core(const struct piece *pc, long c, int u)
{
    for (size_t k = pc->cstart[c]; k < pc->cstart[c + 1]; k++)
        if (pc->cu[k] == u)
            return 1;
    return 0;
}

/* Does plan asg form core c's group? */
static int plan_uses(const struct piece *pc, const long *asg, long c)
{
    return asg[pc->cu[pc->cstart[c]]] == c;
}

/*
 * The joint model over the cores cs[0..ncs) (see the file comment). start:
 * a plan (asg) using only those cores, or NULL. On a solution, asg receives
 * it; *bound the proven bound (INFINITY if none). Returns 0, COV_ENOMEM, or
 * 1 when the model would be too large.
 */
static int solve_joint(const struct piece *pc, const long *cs, long ncs, const long *start,
                       const unsigned char *conf, long ub, double tl, double *waited, long *asg,
                       double *bound, int *optimal)
{
    struct cov_mip m;
    struct cov_mip_result r = {0};
    int K = pc->K, rc = 0;
    long *coreof = NULL; /* per column: its core position in cs */
    int *unitof = NULL;  /* per column: the filler, -1 for y */
    int *f = malloc(((size_t)pc->n + 1) * sizeof(*f));
    double *st = NULL;
    cov_mip_init(&m);
    *waited = 0;
    *bound = INFINITY;
    *optimal = 0;
    if (!f) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    /* rows 0..n-1: each unit at most once; coefficients added as columns appear */
    for (int i = 0; i < pc->n; i++)
        cov_mip_row(&m, -INFINITY, 1);
    size_t cap = 0;
    for (long q = 0; q < ncs && !m.failed; q++) {
        long c = cs[q];
        const int *l = pc->cu + pc->cstart[c];
        int s = csize(pc, c);
        int y = cov_mip_col(&m, s);
        if ((size_t)m.ncols + (size_t)pc->n + 2 > cap) {
            cap = 2 * ((size_t)m.ncols + (size_t)pc->n + 2);
            long *nc = realloc(coreof, cap * sizeof(*nc));
            if (nc)
                coreof = nc;
            int *nu = nc ? realloc(unitof, cap * sizeof(*nu)) : NULL;
            if (!nu) {
                rc = COV_ENOMEM;
                goto cleanup;
            }
            unitof = nu;
        }
        coreof[y] = q;
        unitof[y] = -1;
        for (int t = 0; t < s; t++)
            cov_mip_coef(&m, l[t], y, 1);
        if (s >= K)
            continue;
        int k = fillers(pc, c, f);
        if (s == 1 && k == 0) {
            cov_mip_row(&m, 0, 0); /* a lone core without a partner: never a group */
            cov_mip_coef(&m, m.nrows - 1, y, 1);
            continue;
        }
        int capr = cov_mip_row(&m, -INFINITY, 0);
        cov_mip_coef(&m, capr, y, -(double)(K - s));
        int need = s == 1 ? cov_mip_row(&m, -INFINITY, 0) : -1;
        if (need >= 0)
            cov_mip_coef(&m, need, y, 1);
        int x0 = m.ncols;
        for (int t = 0; t < k; t++) {
            int x = cov_mip_col(&m, 1);
            if (x < 0)
                break;
            coreof[x] = q;
            unitof[x] = f[t];
            cov_mip_coef(&m, f[t], x, 1);
            cov_mip_coef(&m, capr, x, 1);
            /* x_ic <= y_c: a much tighter relaxation than the cap alone */
            int row = cov_mip_row(&m, -INFINITY, 0);
            cov_mip_coef(&m, row, x, 1);
            cov_mip_coef(&m, row, y, -1);
            if (need >= 0)
                cov_mip_coef(&m, need, x, -1);
        }
        /* fillers out of reach of each other: not both */
        if (K - s >= 2 && (!conf || conf[c]))
            for (int a = 0; a < k; a++)
                for (int b = a + 1; b < k; b++)
                    if (!compat(pc, f[a], f[b])) {
                        int row = cov_mip_row(&m, -INFINITY, 1);
                        cov_mip_coef(&m, row, x0 + a, 1);
                        cov_mip_coef(&m, row, x0 + b, 1);
                    }
        if (m.nnz > (size_t)JOINT_NNZ_MAX) {
            rc = 1;
            goto cleanup;
        }
    }
    /* the proven bound as a row: the search ends as soon as a plan reaches it */
    if (ub >= 0) {
        int row = cov_mip_row(&m, -INFINITY, (double)ub);
        for (int j = 0; j < m.ncols; j++)
            cov_mip_coef(&m, row, j, m.obj[j]);
    }
    if (m.failed) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    if (start) {
        /* y for the cores in use, x for their other units */
        st = calloc((size_t)m.ncols + 1, sizeof(*st));
        if (!st) {
            rc = COV_ENOMEM;
            goto cleanup;
        }
        for (int j = 0; j < m.ncols; j++) {
            long c = cs[coreof[j]];
            if (unitof[j] < 0)
                st[j] = plan_uses(pc, start, c);
            else
                st[j] = start[unitof[j]] == c && !in_core(pc, c, unitof[j]);
        }
    }
    rc = cov_mip_solve(&m, tl, st, &r);
    *waited = r.waited_s;
    if (rc)
        goto cleanup;
    *bound = r.bound;
    if (r.x) {
        for (int i = 0; i < pc->n; i++)
            asg[i] = -1;
        for (int j = 0; j < m.ncols; j++) {
            if (r.x[j] < 0.5)
                continue;
            long c = cs[coreof[j]];
            if (unitof[j] >= 0) {
                asg[unitof[j]] = c;
            } else {
                for (size_t k = pc->cstart[c]; k < pc->cstart[c + 1]; k++)
                    asg[pc->cu[k]] = c;
            }
        }
        *optimal = r.status == COV_MIP_OPTIMAL;
    } else {
        rc = 2; /* no solution */
    }
cleanup:
    free(r.x);
    free(st);
    free(coreof);
    free(unitof);
    free(f);
    cov_mip_release(&m);
    return rc;
}

/* Repair plan asg: drop the fillers of a group that conflict most until none do.
 * 1 if it changed, 0 if not, -1 out of memory. */
static int repair(const struct piece *pc, long *asg)
{
    int *l = malloc(((size_t)pc->n + 1) * sizeof(*l)), rc = 0;
    if (!l)
        return -1;
    for (long c = 0; c < pc->nc; c++) {
        if (!plan_uses(pc, asg, c))
            continue;
        for (;;) {
            int k = 0, worst = -1, wcnt = 0;
            for (int i = 0; i < pc->n; i++)
                if (asg[i] == c && !in_core(pc, c, i))
                    l[k++] = i;
            for (int a = 0; a < k; a++) {
                int cnt = 0;
                for (int b = 0; b < k; b++)
                    cnt += b != a && !compat(pc, l[a], l[b]);
                if (cnt > wcnt) {
                    wcnt = cnt;
                    worst = l[a];
                }
            }
            if (worst < 0)
                break;
            asg[worst] = -1;
            rc = 1;
        }
    }
    free(l);
    return rc;
}

/* Cores of plan asg whose fillers conflict: flag them in conf; 1 if any. */
static int flag_conflicts(const struct piece *pc, const long *asg, unsigned char *conf)
{
    int any = 0;
    for (int i = 0; i < pc->n; i++) {
        long c = asg[i];
        if (c < 0 || conf[c] || in_core(pc, c, i))
            continue;
        for (int j = i + 1; j < pc->n; j++)
            if (asg[j] == c && !in_core(pc, c, j) && !compat(pc, i, j)) {
                conf[c] = 1;
                any = 1;
                break;
            }
    }
    return any;
}

/* Is plan asg feasible? Checked before it replaces the heuristic's: the solver's
 * word is not taken for it. */
static int plan_valid(const struct piece *pc, const long *asg)
{
    for (int i = 0; i < pc->n; i++) {
        if (asg[i] < 0 || asg[i] >= pc->nc)
            continue;
        int size = 0, sum = 0;
        for (int j = 0; j < pc->n; j++) {
            if (asg[j] != asg[i])
                continue;
            size++;
            sum += pc->m[j];
            if (!compat(pc, i, j) && i != j)
                return 0;
        }
        if (size < 2 || size > pc->K || sum < pc->F)
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- one piece */

struct budget {
    double limit, used; /* seconds; waiting for the solver lock is not counted */
};

static double budget_left(const struct budget *b)
{
    return b->limit - b->used;
}

/* Charge the time since t0, less what was spent waiting. */
static void budget_charge(struct budget *b, double t0, double waited)
{
    b->used += cov_mip_now_s() - t0 - waited;
}

#define MIN_SOLVE_S 0.05 /* below this a solver call is not worth starting */

/*
 * The joint model over cs, with the fillers' pairwise conflicts added lazily:
 * solved without them first (a relaxation: its bound holds), then again with
 * the conflicts of every core whose fillers clashed, until a plan has none or
 * time runs out (then the clashing fillers are dropped). asg receives a
 * feasible plan; *ub is lowered to the proven bound when cs holds every core
 * (a restricted model bounds nothing), and is a row of the model. Returns 0, COV_ENOMEM, or 1
 * (no plan: too large, no solution in time).
 */
static int joint_rounds(const struct piece *pc, const long *cs, long ncs, long *start,
                        unsigned char *conf, long *ub, struct budget *bud, long *asg)
{
    int all = ncs == pc->nc; /* only the model over every core bounds the piece */
    int rc = 1;
    for (;;) {
        double b = INFINITY, waited = 0, t0 = cov_mip_now_s();
        int opt = 0;
        int r =
            solve_joint(pc, cs, ncs, start, conf, *ub, budget_left(bud), &waited, asg, &b, &opt);
        budget_charge(bud, t0, waited);
        if (r == COV_ENOMEM)
            return r;
        if (all && isfinite(b) && (long)floor(b + 1e-6) < *ub)
            *ub = (long)floor(b + 1e-6);
        if (r)
            return rc;
        rc = 0;
        if (!flag_conflicts(pc, asg, conf))
            return 0;
        /* the next round starts from this plan made feasible, when it is better */
        if (repair(pc, asg) < 0)
            return COV_ENOMEM;
        if (plan_covered(pc, asg) > plan_covered(pc, start))
            memcpy(start, asg, (size_t)pc->n * sizeof(*start));
        else
            memcpy(asg, start, (size_t)pc->n * sizeof(*asg));
        if (budget_left(bud) < MIN_SOLVE_S)
            return 0;
    }
}

/*
 * Solve one piece from the heuristic's plan hg (local group numbers, -1
 * none). asg receives the best plan found (as cores, see plan_from_groups),
 * *bound the proven upper bound on its coverage. *solved: 1 when the solver
 * took part (cores enumerated), 0 when the piece was left to the heuristic.
 */
static int piece_solve(struct piece *pc, const long *hg, struct budget *bud, long *asg, long *bound,
                       int *solved)
{
    int n = pc->n, rc = 0;
    long *tmp = NULL, *cs = NULL;
    double waited = 0, t0 = cov_mip_now_s();
    *solved = 0;
    *bound = cov_joint_bound(pc->m, (size_t)n, pc->F, pc->K);
    for (int i = 0; i < n; i++)
        asg[i] = hg[i]; /* group numbers until the cores are known */
    if ((rc = enum_cores(pc)))
        goto cleanup;
    if (pc->overflow)
        goto cleanup;
    tmp = malloc(((size_t)n + 1) * sizeof(*tmp));
    cs = malloc(((size_t)pc->nc + 1) * sizeof(*cs));
    if (!tmp || !cs) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    if ((rc = plan_from_groups(pc, hg, asg)))
        goto cleanup;
    *solved = 1;
    long joinable;
    if ((rc = count_joinable(pc, &joinable)))
        goto cleanup;
    if (joinable < *bound)
        *bound = joinable;
    long best = plan_covered(pc, asg);
    budget_charge(bud, t0, 0);
    if (best >= *bound || budget_left(bud) < MIN_SOLVE_S)
        goto cleanup;
    /* the packing bound */
    long nu = -1;
    int nsel = 0;
    t0 = cov_mip_now_s();
    rc = solve_packing(pc, budget_left(bud), &waited, &nu, cs, &nsel);
    budget_charge(bud, t0, waited);
    if (rc)
        goto cleanup;
    if (nu >= 0 && (long)pc->K * nu < *bound)
        *bound = (long)pc->K * nu;
    if (best >= *bound || budget_left(bud) < MIN_SOLVE_S)
        goto cleanup;
    /* fill the packing's cores and the heuristic's */
    long ncs = nsel;
    unsigned char *mark = calloc((size_t)pc->nc + 1, 1);
    if (!mark) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    for (long q = 0; q < ncs; q++)
        mark[cs[q]] = 1;
    for (int i = 0; i < n; i++)
        if (asg[i] >= 0 && !mark[asg[i]]) {
            mark[asg[i]] = 1;
            cs[ncs++] = asg[i];
        }
    free(mark);
    unsigned char *conf = calloc((size_t)pc->nc + 1, 1);
    if (!conf) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    rc = joint_rounds(pc, cs, ncs, asg, conf, bound, bud, tmp);
    if (rc == COV_ENOMEM) {
        free(conf);
        goto cleanup;
    }
    if (rc == 0 && plan_covered(pc, tmp) > plan_covered(pc, asg))
        memcpy(asg, tmp, (size_t)n * sizeof(*asg));
    best = plan_covered(pc, asg);
    rc = 0;
    if (best >= *bound || budget_left(bud) < MIN_SOLVE_S) {
        free(conf);
        goto cleanup;
    }
    /* the joint model over every core */
    for (long c = 0; c < pc->nc; c++)
        cs[c] = c;
    rc = joint_rounds(pc, cs, pc->nc, asg, conf, bound, bud, tmp);
    free(conf);
    if (rc == COV_ENOMEM)
        goto cleanup;
    if (rc == 0 && plan_covered(pc, tmp) > plan_covered(pc, asg))
        memcpy(asg, tmp, (size_t)n * sizeof(*asg));
    rc = 0;
cleanup:
    free(tmp);
    free(cs);
    return rc;
}

static void piece_release(struct piece *pc)
{
    free(pc->m);
    free(pc->nstart);
    free(pc->nb);
    free(pc->cu);
    free(pc->cstart);
    free(pc->ustart);
    free(pc->ucore);
}

/* ---------------------------------------------------------------- scope */

struct scope {
    const struct cov_joint_problem *p;
    struct adj a;
    unsigned char *useful;
    long *comp;     /* piece of each useful unit, -1 */
    uint32_t *list; /* units by piece */
    size_t *pstart; /* pieces in list */
    size_t np;
};

static void scope_release(struct scope *s)
{
    adj_release(&s->a);
    free(s->useful);
    free(s->comp);
    free(s->list);
    free(s->pstart);
}

/* Connected pieces of the useful units, each listed in ascending unit order. */
static int scope_pieces(struct scope *s)
{
    size_t n = s->p->n;
    s->comp = malloc((n + 1) * sizeof(*s->comp));
    s->list = malloc((n + 1) * sizeof(*s->list));
    s->pstart = malloc((n + 2) * sizeof(*s->pstart));
    uint32_t *stack = malloc((n + 1) * sizeof(*stack));
    size_t *cnt = NULL;
    if (!s->comp || !s->list || !s->pstart || !stack) {
        free(stack);
        return COV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        s->comp[i] = -1;
    s->np = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s->useful[i] || s->comp[i] >= 0)
            continue;
        size_t ns = 0;
        stack[ns++] = (uint32_t)i;
        s->comp[i] = (long)s->np;
        while (ns > 0) {
            uint32_t u = stack[--ns];
            for (size_t e = s->a.start[u]; e < s->a.start[u + 1]; e++) {
                uint32_t v = s->a.nb[e];
                if (s->useful[v] && s->comp[v] < 0) {
                    s->comp[v] = (long)s->np;
                    stack[ns++] = v;
                }
            }
        }
        s->np++;
    }
    free(stack);
    cnt = calloc(s->np + 2, sizeof(*cnt));
    if (!cnt)
        return COV_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (s->comp[i] >= 0)
            cnt[s->comp[i] + 1]++;
    for (size_t c = 0; c < s->np; c++)
        cnt[c + 1] += cnt[c];
    memcpy(s->pstart, cnt, (s->np + 1) * sizeof(*cnt));
    for (size_t i = 0; i < n; i++)
        if (s->comp[i] >= 0)
            s->list[cnt[s->comp[i]]++] = (uint32_t)i;
    free(cnt);
    return 0;
}

/* Local copy of piece k: members, adjacency restricted to the piece. */
static int piece_init(struct piece *pc, const struct scope *s, size_t k)
{
    const struct cov_joint_problem *p = s->p;
    memset(pc, 0, sizeof(*pc));
    pc->p = p;
    pc->u = s->list + s->pstart[k];
    pc->n = (int)(s->pstart[k + 1] - s->pstart[k]);
    pc->K = p->max_units;
    pc->F = p->min_members;
    pc->D2 = p->max_distance_m * p->max_distance_m;
    size_t ne = 0;
    for (int i = 0; i < pc->n; i++)
        ne += s->a.start[pc->u[i] + 1] - s->a.start[pc->u[i]];
    pc->m = malloc(((size_t)pc->n + 1) * sizeof(*pc->m));
    pc->nstart = malloc(((size_t)pc->n + 2) * sizeof(*pc->nstart));
    pc->nb = malloc((ne + 1) * sizeof(*pc->nb));
    if (!pc->m || !pc->nstart || !pc->nb)
        return COV_ENOMEM;
    /* local index of a scope unit: its rank in the ascending piece list */
    pc->nstart[0] = 0;
    for (int i = 0; i < pc->n; i++) {
        uint32_t u = pc->u[i];
        pc->m[i] = p->members[u] > 0 ? p->members[u] : 0;
        size_t at = pc->nstart[i];
        for (size_t e = s->a.start[u]; e < s->a.start[u + 1]; e++) {
            uint32_t v = s->a.nb[e];
            if (!s->useful[v])
                continue;
            size_t lo = 0, hi = (size_t)pc->n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (pc->u[mid] < v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            pc->nb[at++] = (int)lo;
        }
        pc->nstart[i + 1] = at;
    }
    return 0;
}

/* The sub-problem of units u[0..n) (scope indices), with local copies in buf. */
struct subp {
    struct cov_joint_problem p;
    double *x, *y;
    int *m;
    long *tags;
};

static void subp_release(struct subp *q)
{
    free(q->x);
    free(q->y);
    free(q->m);
    free(q->tags);
}

static int subp_init(struct subp *q, const struct cov_joint_problem *p, const uint32_t *u, int n)
{
    memset(q, 0, sizeof(*q));
    q->x = malloc(((size_t)n + 1) * sizeof(*q->x));
    q->y = malloc(((size_t)n + 1) * sizeof(*q->y));
    q->m = malloc(((size_t)n + 1) * sizeof(*q->m));
    q->tags = malloc((3 * (size_t)n + 1) * sizeof(*q->tags));
    if (!q->x || !q->y || !q->m || !q->tags)
        return COV_ENOMEM;
    for (int i = 0; i < n; i++) {
        q->x[i] = p->x[u[i]];
        q->y[i] = p->y[u[i]];
        q->m[i] = p->members[u[i]];
        for (int t = 0; t < 3; t++)
            q->tags[(size_t)t * (size_t)n + (size_t)i] = p->tag[t] ? p->tag[t][u[i]] : -1;
    }
    q->p = *p;
    q->p.n = (size_t)n;
    q->p.x = q->x;
    q->p.y = q->y;
    q->p.members = q->m;
    for (int t = 0; t < 3; t++)
        q->p.tag[t] = p->tag[t] ? q->tags + (size_t)t * (size_t)n : NULL;
    return 0;
}

/* Renumber groups 0, 1, ... by their lowest unit. */
static int renumber(long *g, size_t n)
{
    long mx = -1;
    for (size_t i = 0; i < n; i++)
        if (g[i] > mx)
            mx = g[i];
    long *map = malloc(((size_t)mx + 2) * sizeof(*map)), next = 0;
    if (!map)
        return COV_ENOMEM;
    for (long k = 0; k <= mx; k++)
        map[k] = -1;
    for (size_t i = 0; i < n; i++)
        if (g[i] >= 0) {
            if (map[g[i]] < 0)
                map[g[i]] = next++;
            g[i] = map[g[i]];
        }
    free(map);
    return 0;
}

static int cmp_piece_size(const void *a, const void *b, void *ctx)
{
    const size_t *ps = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    size_t nx = ps[x + 1] - ps[x], ny = ps[y + 1] - ps[y];
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return (x > y) - (x < y);
}

/* Solve piece k and write its plan into group_of when it beats the heuristic's. */
static int scope_piece(struct scope *s, size_t k, long *group_of, long *next_group,
                       struct budget *bud, struct cov_joint_proof *pr)
{
    const struct cov_joint_problem *p = s->p;
    struct piece pc;
    struct subp sub;
    long *hg = NULL, *asg = NULL;
    int rc = 0, solved = 0;
    memset(&sub, 0, sizeof(sub));
    if ((rc = piece_init(&pc, s, k)))
        goto cleanup;
    int n = pc.n;
    hg = malloc(((size_t)n + 1) * sizeof(*hg));
    asg = malloc(((size_t)n + 1) * sizeof(*asg));
    if (!hg || !asg) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    long hcov = 0;
    for (int i = 0; i < n; i++) {
        hg[i] = group_of[pc.u[i]];
        hcov += hg[i] >= 0;
    }
    long bound = 0;
    int too_large = n > (p->exact_max_units > 0 ? p->exact_max_units : COV_EXACT_MAX_UNITS);
    if (too_large) {
        bound = cov_joint_bound(pc.m, (size_t)n, pc.F, pc.K);
        memcpy(asg, hg, (size_t)n * sizeof(*asg));
    } else if ((rc = piece_solve(&pc, hg, bud, asg, &bound, &solved))) {
        goto cleanup;
    }
    long cov = 0;
    for (int i = 0; i < n; i++)
        cov += asg[i] >= 0;
    if (solved && !plan_valid(&pc, asg)) { /* cannot happen; if it did, the heuristic's */
        cov = 0;
        solved = 0;
    }
    pr->pieces++;
    if (cov > hcov) {
        /* the solver's plan, made compact by the heuristic's moves */
        struct cov_err e;
        cov_err_init(&e);
        if ((rc = subp_init(&sub, p, pc.u, n)) == 0 && (rc = renumber(asg, (size_t)n)) == 0)
            rc = cov_joint_polish(&sub.p, asg, &e);
        cov_err_release(&e);
        if (rc)
            goto cleanup;
        for (int i = 0; i < n; i++)
            group_of[pc.u[i]] = asg[i] >= 0 ? *next_group + asg[i] : -1;
        long mx = -1;
        for (int i = 0; i < n; i++)
            if (asg[i] > mx)
                mx = asg[i];
        *next_group += mx + 1;
    } else {
        cov = hcov;
    }
    if (cov > bound) /* cannot happen: a bound below a feasible plan */
        bound = cov;
    pr->covered += cov;
    pr->bound += bound;
    if (cov == bound)
        pr->pieces_optimal++;
    else if (!solved)
        pr->pieces_heuristic++;
    if (cov != bound && too_large)
        pr->pieces_too_large++;
cleanup:
    piece_release(&pc);
    subp_release(&sub);
    free(hg);
    free(asg);
    return rc;
}

const char *cov_joint_solver_name(void)
{
    return cov_mip_solver_name();
}

int cov_joint_solve_exact(const struct cov_joint_problem *p, long *group_of,
                          struct cov_joint_proof *proof, struct cov_err *err)
{
    struct cov_joint_proof pr = {0};
    struct scope s;
    size_t *order = NULL;
    double t0 = cov_mip_now_s();
    int rc;
    memset(&s, 0, sizeof(s));
    s.p = p;
    if (proof)
        memset(proof, 0, sizeof(*proof));
    if (p->time_limit_s < 0 || !isfinite(p->time_limit_s))
        return cov_err_set(err, COV_EINPUT, _("time limit %g s: expected a number >= 0"),
                           p->time_limit_s);
    if ((rc = cov_joint_solve(p, group_of, err)))
        return rc;
    struct budget bud = {p->time_limit_s > 0 ? p->time_limit_s : COV_EXACT_TIME_LIMIT_S, 0};
    bud.used = cov_mip_now_s() - t0;
    rc = adj_build(p, &s.a);
    if (rc == 1) { /* too dense to take apart: the heuristic's plan, the geography-free bound */
        rc = 0;
        for (size_t i = 0; i < p->n; i++)
            pr.covered += group_of[i] >= 0;
        pr.bound = cov_joint_bound(p->members, p->n, p->min_members, p->max_units);
        pr.pieces = 1;
        pr.pieces_optimal = pr.covered == pr.bound;
        pr.pieces_heuristic = !pr.pieces_optimal;
        pr.pieces_too_large = !pr.pieces_optimal;
        goto done;
    }
    if (rc)
        goto nomem;
    s.useful = malloc(p->n + 1);
    if (!s.useful || filter_useful(p, &s.a, s.useful) || scope_pieces(&s))
        goto nomem;
    order = malloc((s.np + 1) * sizeof(*order));
    if (!order)
        goto nomem;
    for (size_t k = 0; k < s.np; k++)
        order[k] = k;
    /* small pieces first: they are quick, and the largest gets what is left */
    qsort_r(order, s.np, sizeof(*order), cmp_piece_size, s.pstart);
    long next_group = 0;
    for (size_t i = 0; i < p->n; i++)
        if (group_of[i] >= next_group)
            next_group = group_of[i] + 1;
    for (size_t k = 0; k < s.np; k++)
        if ((rc = scope_piece(&s, order[k], group_of, &next_group, &bud, &pr)))
            goto nomem;
    if (renumber(group_of, p->n))
        goto nomem;
done:
    pr.seconds = cov_mip_now_s() - t0;
    if (proof)
        *proof = pr;
    scope_release(&s);
    free(order);
    return 0;
nomem:
    scope_release(&s);
    free(order);
    return cov_err_set(err, COV_ENOMEM, _("exact mode: out of memory (%zu units)"), p->n);
}
