/* propose_lns.c - neighbourhood re-solution for the joint-branch heuristic (propose_lns.h). */
#include "propose_lns.h"

#include <assert.h>
#include <stdint.h>

#include "propose_exact.h"

#define LNS_GROUPS 5  /* groups in one around a free unit */
#define LNS_FREE 6    /* free units added to one */
#define LNS_NODES 500 /* search budget per neighbourhood */

/*
 * Re-solve the units w[0..nw) - whole groups plus free units - with the exact
 * search (budgeted, started from the current grouping, so never worse) and
 * apply the result when it covers more or costs less. 1 if applied.
 */
static int lns_window(struct cov_jst *s, const uint32_t *w, int nw, int need_cover)
{
    double x[COV_LNS_MAX], y[COV_LNS_MAX];
    int mem[COV_LNS_MAX];
    long start[COV_LNS_MAX], out[COV_LNS_MAX], gl[COV_LNS_MAX];
    int ngl = 0;
    long cur_cov = 0;
    double cur_cost = 0;
    for (int i = 0; i < nw; i++) {
        x[i] = s->p->x[w[i]];
        y[i] = s->p->y[w[i]];
        mem[i] = cov_jst_m(s, w[i]);
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
    uint32_t l[COV_LNS_MAX];
    for (long q = 0; q < nq; q++) {
        int k = 0;
        for (int i = 0; i < nw; i++)
            if (out[i] == q)
                l[k++] = w[i];
        nk += cov_joint_medoid_cost(s->p, l, k, NULL);
    }
    if (!(nc > cur_cov || (nc == cur_cov && nk < cur_cost - 1e-6)))
        return 0;
    for (int i = 0; i < nw; i++)
        if (s->grp[w[i]] >= 0)
            cov_jst_remove(s, s->grp[w[i]], w[i]);
    for (int k = 0; k < ngl; k++)
        s->dead[s->ndead++] = gl[k];
    for (long q = 0; q < nq; q++) {
        long g = cov_jst_new_group(s);
        assert(g >= 0);
        for (int i = 0; i < nw; i++)
            if (out[i] == q)
                cov_jst_add(s, g, w[i]);
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
static int add_group_to_window(const struct cov_jst *s, long g, uint32_t *w, int *nw)
{
    if (*nw + s->gsize[g] > COV_LNS_MAX)
        return 0;
    const uint32_t *m = s->gm + (size_t)g * (size_t)s->K;
    for (int i = 0; i < s->gsize[g]; i++)
        w[(*nw)++] = m[i];
    return 1;
}

static void add_free_to_window(const struct cov_jst *s, uint32_t around, uint32_t *w, int *nw,
                               int limit)
{
    const uint32_t *nb = s->nb + (size_t)around * COV_JST_NB;
    int added = 0;
    for (int i = 0; i < s->nbn[around] && added < limit && *nw < COV_LNS_MAX; i++)
        if (s->grp[nb[i]] < 0 && !in_window(w, *nw, nb[i])) {
            w[(*nw)++] = nb[i];
            added++;
        }
}

int cov_lns_cover(struct cov_jst *s)
{
    int changed = 0;
    uint32_t w[COV_LNS_MAX];
    for (size_t u = 0; u < s->n; u++) {
        if (s->grp[u] >= 0 || s->nbn[u] == 0)
            continue;
        int nw = 0, ng = 0;
        w[nw++] = (uint32_t)u;
        const uint32_t *nb = s->nb + u * COV_JST_NB;
        for (int i = 0; i < s->nbn[u] && ng < 3; i++) {
            long g = s->grp[nb[i]];
            if (g >= 0 && !in_window(w, nw, nb[i]) && nw + s->gsize[g] <= COV_LNS_MAX - 2)
                ng += add_group_to_window(s, g, w, &nw);
        }
        add_free_to_window(s, (uint32_t)u, w, &nw, LNS_FREE);
        /* second ring: groups next to those, so that a member can pass along a chain */
        for (int k = 1; k < nw && ng < LNS_GROUPS; k++) {
            if (s->grp[w[k]] < 0)
                continue;
            const uint32_t *nb2 = s->nb + (size_t)w[k] * COV_JST_NB;
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

int cov_lns_compact(struct cov_jst *s, unsigned long since)
{
    int changed = 0;
    uint32_t w[COV_LNS_MAX];
    for (long g = 0; g < s->ng; g++) {
        long tried[3];
        int nt = 0;
        for (int j = 0; j < s->gsize[g] && nt < 3; j++) {
            uint32_t u = cov_jst_gmem(s, g)[j];
            const uint32_t *nb = s->nb + (size_t)u * COV_JST_NB;
            int lim = s->nbn[u] < COV_JST_COMPACT_NB ? s->nbn[u] : COV_JST_COMPACT_NB;
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
