/*
 * propose_exact.c - exact joint branches for one small scope: enumerate every
 * feasible group, then branch and bound over the units in index order (the
 * lowest undecided unit either joins one of the feasible groups whose other
 * members are all undecided, or stays out). Optimal for coverage, then for
 * total distance to the medoids.
 *
 * Pruning: coverage so far plus cov_joint_bound's reasoning on the undecided
 * units (valid for any subset); and, when that can at best tie the incumbent,
 * a lower bound on the cost of the units still to cover, nn(u) being u's
 * nearest compatible undecided unit: a group G with medoid c costs
 * sum_{u != c} d(u, c) >= max(sum_{u != c} nn(u), nn(c)) >= (1/2) sum_{u in G} nn(u),
 * and also >= sum over G of nn minus its largest nn; over at most g groups
 * covering `need` units that is at least the sum of the need - g smallest nn.
 * Third, a plan's cost is the sum over its groups G of sum_{u in G} cost(G)/|G|,
 * so each covered unit costs at least lbu(u), the least cost(G)/|G| over the
 * feasible groups containing it.
 */
#include "propose_exact.h"
#include "i18n.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define X_EPS 1e-9
#define X_MAX_GROUPS 3000000
#define X_MAX_NODES 50000000L

struct xgroup {
    uint64_t mask;
    double cost;
    int size;
};

/*
 * Transposition table: for a set R of undecided units, no completion from R
 * is lexicographically better than (cov, cost). Valid because a subtree is
 * only left when none of its completions beats the incumbent, which only
 * improves.
 */
#define X_MEMO_BITS 20
struct xmemo {
    uint64_t key; /* R, 0 = empty slot */
    long cov;
    double cost;
};

struct xst {
    const struct cov_joint_problem *p;
    int n, K, F, pmin;
    int m[COV_EXACT_MAX_CANDIDATES];
    uint64_t compat[COV_EXACT_MAX_CANDIDATES];
    double dm[COV_EXACT_MAX_CANDIDATES][COV_EXACT_MAX_CANDIDATES]; /* distances by label */
    int lab2u[COV_EXACT_MAX_CANDIDATES]; /* labels: most constrained unit first */
    struct xgroup *g;
    size_t ng, cap;
    size_t first[COV_EXACT_MAX_CANDIDATES + 1];
    long best_cov;
    double best_cost;
    int have_sel;
    size_t sel[COV_EXACT_MAX_CANDIDATES], best_sel[COV_EXACT_MAX_CANDIDATES];
    int nsel, nbest;
    double lbu[COV_EXACT_MAX_CANDIDATES]; /* least cost share of a unit in any group */
    struct xmemo *memo;                   /* transposition table, NULL when not used */
    long nodes, max_nodes;
    int soft;   /* on hitting max_nodes keep the best so far instead of failing */
    int quick;  /* small budget (neighbourhoods of the heuristic): cheap set-up */
    int failed; /* COV_ENOMEM or COV_EINPUT (too large) */
};

static double xdist(const struct cov_joint_problem *p, int a, int b)
{
    double dx = p->x[a] - p->x[b], dy = p->y[a] - p->y[b];
    return sqrt(dx * dx + dy * dy);
}

/*
 * Enumerate the feasible groups extending l[0..s) by units of cand. rs[i] is the
 * sum of distances from l[i] to the other members, summed in member order (so
 * the group's cost, the least rs, is exactly what a sum over each member's row
 * gives); kept incrementally, O(s) per group.
 */
static void enum_groups(struct xst *x, int *l, int s, int sum, uint64_t cand, const double *rs)
{
    if (x->failed)
        return;
    if (s >= 2 && sum >= x->F) {
        if (x->ng == x->cap) {
            size_t c = x->cap ? 2 * x->cap : 1024;
            if (c > X_MAX_GROUPS) {
                x->failed = COV_EINPUT;
                return;
            }
            struct xgroup *ng = realloc(x->g, c * sizeof(*ng));
            if (!ng) {
                x->failed = COV_ENOMEM;
                return;
            }
            x->g = ng;
            x->cap = c;
        }
        uint64_t mask = 0;
        double cost = INFINITY;
        for (int i = 0; i < s; i++) {
            mask |= 1ULL << l[i];
            if (rs[i] < cost)
                cost = rs[i];
        }
        x->g[x->ng].mask = mask;
        x->g[x->ng].size = s;
        x->g[x->ng].cost = cost;
        for (int i = 0; i < s; i++)
            if (cost / s < x->lbu[l[i]])
                x->lbu[l[i]] = cost / s;
        x->ng++;
    }
    if (s >= x->K)
        return;
    double nrs[COV_EXACT_MAX_CANDIDATES];
    while (cand) {
        int j = __builtin_ctzll(cand);
        cand &= cand - 1;
        l[s] = j;
        double own = 0;
        for (int i = 0; i < s; i++) {
            nrs[i] = rs[i] + x->dm[l[i]][j];
            own += x->dm[j][l[i]];
        }
        nrs[s] = own;
        enum_groups(x, l, s + 1, sum + x->m[j], cand & x->compat[j], nrs);
    }
}

/* Within a block of one lowest label: larger groups first, then cheaper. */
static int cmp_xgroup(const void *a, const void *b)
{
    const struct xgroup *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return (x->mask > y->mask) - (x->mask < y->mask);
}

/* Upper bound on the units coverable within R; *groups bounds the number of groups. */
/* Stable sort of g[0..n) by size descending (sizes <= top <= 40); tmp has room for n. */
static void size_sort(struct xgroup *g, size_t n, int top, struct xgroup *tmp)
{
    size_t cnt[COV_EXACT_MAX_CANDIDATES + 2] = {0};
    for (size_t i = 0; i < n; i++)
        cnt[top - g[i].size + 1]++;
    for (int s = 1; s <= top + 1; s++)
        cnt[s] += cnt[s - 1];
    for (size_t i = 0; i < n; i++)
        tmp[cnt[top - g[i].size]++] = g[i];
    memcpy(g, tmp, n * sizeof(*g));
}

static long upper(const struct xst *x, uint64_t R, long *groups)
{
    long M = 0, P = 0, n = __builtin_popcountll(R);
    for (uint64_t r = R; r; r &= r - 1) {
        int u = __builtin_ctzll(r);
        M += x->m[u];
        P += x->m[u] > 0;
    }
    long g = M / x->F;
    if (P / x->pmin < g)
        g = P / x->pmin;
    if (n / 2 < g)
        g = n / 2;
    *groups = g;
    long c = (long)x->K * g;
    return c < n ? c : n;
}

static void dfs(struct xst *x, uint64_t R, long c, double cost)
{
    if (x->failed)
        return;
    if (++x->nodes > x->max_nodes) {
        x->failed = x->soft ? -1 : COV_EINPUT;
        return;
    }
    if (c > x->best_cov || (c == x->best_cov && cost < x->best_cost - X_EPS)) {
        x->best_cov = c;
        x->best_cost = cost;
        x->have_sel = 1;
        x->nbest = x->nsel;
        memcpy(x->best_sel, x->sel, (size_t)x->nsel * sizeof(*x->sel));
    }
    /* units with no compatible unit left can only stay out */
    for (uint64_t r = R; r; r &= r - 1) {
        int u = __builtin_ctzll(r);
        if (!(x->compat[u] & R))
            R &= ~(1ULL << u);
    }
    if (!R)
        return;
    long ng;
    long ub = c + upper(x, R, &ng);
    if (ub < x->best_cov)
        return;
    if (ub == x->best_cov) {
        /* every unit still to cover costs at least half its nearest compatible distance */
        double nn[COV_EXACT_MAX_CANDIDATES], sh[COV_EXACT_MAX_CANDIDATES];
        int k = 0;
        for (uint64_t r = R; r; r &= r - 1) {
            int u = __builtin_ctzll(r);
            double d = INFINITY;
            for (uint64_t q = x->compat[u] & R; q; q &= q - 1) {
                int v = __builtin_ctzll(q);
                if (x->dm[u][v] < d)
                    d = x->dm[u][v];
            }
            int t = k;
            while (t > 0 && nn[t - 1] > d) {
                nn[t] = nn[t - 1];
                t--;
            }
            nn[t] = d;
            t = k++;
            while (t > 0 && sh[t - 1] > x->lbu[u]) {
                sh[t] = sh[t - 1];
                t--;
            }
            sh[t] = x->lbu[u];
        }
        /* and all but one per group (the medoid) cost at least their nn: the
         * cheapest need - groups values bound that part */
        long need = x->best_cov - c;
        double lb1 = 0, lb2 = 0, lb3 = 0;
        for (long t = 0; t < need && t < k; t++) {
            lb1 += 0.5 * nn[t];
            if (t < need - ng)
                lb2 += nn[t];
            lb3 += sh[t];
        }
        double lb = lb1 > lb2 ? lb1 : lb2;
        lb = cost + (lb > lb3 ? lb : lb3);
        if (lb >= x->best_cost - X_EPS)
            return;
    }
    struct xmemo *slot = NULL;
    if (x->memo) {
        slot = &x->memo[(R * 0x9E3779B97F4A7C15ULL) >> (64 - X_MEMO_BITS)];
        if (slot->key == R &&
            (c + slot->cov < x->best_cov ||
             (c + slot->cov == x->best_cov && cost + slot->cost >= x->best_cost - X_EPS)))
            return;
    }
    int i = __builtin_ctzll(R);
    for (size_t k = x->first[i]; k < x->first[i + 1]; k++) {
        const struct xgroup *g = &x->g[k];
        if (g->mask & ~R)
            continue;
        x->sel[x->nsel++] = k;
        dfs(x, R & ~g->mask, c + g->size, cost + g->cost);
        x->nsel--;
        if (x->failed)
            return;
    }
    dfs(x, R & ~(1ULL << i), c, cost);
    if (slot && !x->failed) {
        slot->key = R;
        slot->cov = x->best_cov - c;
        slot->cost = x->best_cost - cost;
    }
}

int cov_joint_exact_limited(const struct cov_joint_problem *p, const long *start, long *group_of,
                            long max_nodes, int *complete, struct cov_err *err)
{
    if (p->n > COV_EXACT_MAX_CANDIDATES)
        return cov_err_set(err, COV_EINPUT, _("exact mode: %zu candidates, at most %d per scope"),
                           p->n, COV_EXACT_MAX_CANDIDATES);
    if (p->max_units < 2 || p->min_members < 1 || !(p->max_distance_m > 0))
        return cov_err_set(err, COV_EINPUT, _("exact mode: invalid joint-branch parameters"));
    struct xst *x = calloc(1, sizeof(*x));
    if (!x)
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
    int rc = 0;
    x->p = p;
    x->max_nodes = max_nodes > 0 ? max_nodes : X_MAX_NODES;
    x->soft = complete != NULL;
    x->quick = max_nodes > 0 && max_nodes <= 10000;
    if (complete)
        *complete = 1;
    x->n = (int)p->n;
    x->K = p->max_units;
    x->F = p->min_members;
    int mmax = 0;
    double D = p->max_distance_m;
    int deg[COV_EXACT_MAX_CANDIDATES];
    for (int i = 0; i < x->n; i++) {
        deg[i] = 0;
        for (int j = 0; j < x->n; j++)
            deg[i] += j != i && xdist(p, i, j) <= D;
        /* insertion by (degree, index): the most constrained unit gets label 0 */
        int t = i;
        while (t > 0 && deg[x->lab2u[t - 1]] > deg[i]) {
            x->lab2u[t] = x->lab2u[t - 1];
            t--;
        }
        x->lab2u[t] = i;
    }
    for (int a = 0; a < x->n; a++) {
        int u = x->lab2u[a];
        x->m[a] = p->members[u] > 0 ? p->members[u] : 0;
        x->lbu[a] = INFINITY;
        if (x->m[a] > mmax)
            mmax = x->m[a];
        for (int b = 0; b < x->n; b++) {
            x->dm[a][b] = xdist(p, u, x->lab2u[b]);
            if (a != b && x->dm[a][b] <= D)
                x->compat[a] |= 1ULL << b;
        }
    }
    x->pmin = mmax > 0 ? (x->F + mmax - 1) / mmax : 1;
    int l[COV_EXACT_MAX_CANDIDATES];
    for (int i = 0; i < x->n && !x->failed; i++) {
        l[0] = i;
        uint64_t above = (i + 1 < 64) ? ~0ULL << (i + 1) : 0;
        const double rs0[1] = {0};
        enum_groups(x, l, 1, x->m[i], x->compat[i] & above, rs0);
    }
    if (x->failed) {
        rc = x->failed == COV_ENOMEM
                 ? cov_err_set(err, COV_ENOMEM, _("exact mode: out of memory"))
                 : cov_err_set(err, COV_EINPUT,
                               _("exact mode: more than %d feasible groups among %d candidates; "
                                 "use the heuristic or a smaller scope"),
                               X_MAX_GROUPS, x->n);
        goto cleanup;
    }
    /* groups come out of the enumeration in blocks by lowest label: sort each block */
    {
        size_t k = 0;
        for (int i = 0; i <= x->n; i++) {
            while (k < x->ng && __builtin_ctzll(x->g[k].mask) < i)
                k++;
            x->first[i] = k;
        }
        x->first[x->n] = x->ng;
        struct xgroup *tmp = x->quick ? malloc((x->ng + 1) * sizeof(*tmp)) : NULL;
        if (x->quick && !tmp) {
            rc = cov_err_set(err, COV_ENOMEM, _("exact mode: out of memory"));
            goto cleanup;
        }
        int top = x->K < x->n ? x->K : x->n;
        for (int i = 0; i < x->n; i++) {
            size_t lo = x->first[i], hi = x->first[i + 1];
            if (hi <= lo)
                continue;
            if (x->quick) /* small budget: order by size only (stable counting sort) */
                size_sort(x->g + lo, hi - lo, top, tmp);
            else
                qsort(x->g + lo, hi - lo, sizeof(*x->g), cmp_xgroup);
        }
        free(tmp);
    }
    x->best_cov = 0;
    x->best_cost = 0;
    if (start) {
        cov_joint_score(p, start, &x->best_cov, &x->best_cost);
        if (x->best_cov < 0) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
            goto cleanup;
        }
    }
    if (!x->quick && x->n > 16) {
        x->memo = calloc((size_t)1 << X_MEMO_BITS, sizeof(*x->memo));
        if (!x->memo) {
            rc = cov_err_set(err, COV_ENOMEM, _("exact mode: out of memory"));
            goto cleanup;
        }
    }
    uint64_t all = x->n == 64 ? ~0ULL : ((1ULL << x->n) - 1);
    dfs(x, all, 0, 0);
    if (x->failed == -1) {
        x->failed = 0;
        *complete = 0;
    }
    if (x->failed) {
        rc =
            cov_err_set(err, COV_EINPUT,
                        _("exact mode: search too large (%d candidates); use the heuristic"), x->n);
        goto cleanup;
    }
    if (!x->have_sel && start) {
        memcpy(group_of, start, p->n * sizeof(*group_of));
    } else {
        for (size_t i = 0; i < p->n; i++)
            group_of[i] = -1;
        for (int k = 0; k < x->nbest; k++)
            for (uint64_t r = x->g[x->best_sel[k]].mask; r; r &= r - 1)
                group_of[x->lab2u[__builtin_ctzll(r)]] = k;
        /* number groups in order of their lowest unit */
        long map[COV_EXACT_MAX_CANDIDATES], next = 0;
        for (int k = 0; k < x->nbest; k++)
            map[k] = -1;
        for (size_t i = 0; i < p->n; i++)
            if (group_of[i] >= 0) {
                if (map[group_of[i]] < 0)
                    map[group_of[i]] = next++;
                group_of[i] = map[group_of[i]];
            }
    }
cleanup:
    free(x->memo);
    free(x->g);
    free(x);
    return rc;
}

int cov_joint_exact(const struct cov_joint_problem *p, const long *start, long *group_of,
                    struct cov_err *err)
{
    return cov_joint_exact_limited(p, start, group_of, 0, NULL, err);
}
