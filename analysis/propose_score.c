/*
 * propose_score.c - the joint-branch problem's parameter check, bounds and
 * score (units covered, distance to medoids, shared buildings, parks and
 * industries), shared by every joint-branch solver.
 */
#include "propose_score.h"
#include "i18n.h"

#include <math.h>
#include <stdlib.h>

int cov_joint_check(const struct cov_joint_problem *p, struct cov_err *err)
{
    if (p->max_units < 2 || p->max_units > 200)
        return cov_err_set(err, COV_EINPUT, _("max units %d: expected 2 to 200"), p->max_units);
    if (p->min_members < 1)
        return cov_err_set(err, COV_EINPUT, _("min members %d: expected at least 1"),
                           p->min_members);
    if (!(p->max_distance_m > 0) || !isfinite(p->max_distance_m))
        return cov_err_set(err, COV_EINPUT, _("max distance %g m: expected a positive number"),
                           p->max_distance_m);
    if (p->n >= UINT32_MAX / 2)
        return cov_err_set(err, COV_EINPUT, _("too many units (%zu) in one scope"), p->n);
    return 0;
}

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

static double dist(const struct cov_joint_problem *p, size_t a, size_t b)
{
    double dx = p->x[a] - p->x[b], dy = p->y[a] - p->y[b];
    return sqrt(dx * dx + dy * dy);
}

double cov_joint_medoid_cost(const struct cov_joint_problem *p, const uint32_t *list, int s,
                             int *medoid)
{
    double best = INFINITY;
    int bi = 0;
    for (int i = 0; i < s; i++) {
        double c = 0;
        for (int j = 0; j < s; j++)
            if (j != i)
                c += dist(p, list[i], list[j]);
        if (c < best - COV_JOINT_EPS_M) {
            best = c;
            bi = i;
        }
    }
    if (medoid)
        *medoid = bi;
    return s > 0 ? best : 0;
}

int cov_joint_share_pairs(const struct cov_joint_problem *p, const uint32_t *list, int s)
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
        cost += cov_joint_medoid_cost(p, list, s, NULL);
        i = j;
    }
    free(pairs);
    free(list);
    *covered = cov;
    *cost_m = cost;
}
