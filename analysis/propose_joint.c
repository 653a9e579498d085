/*
 * propose_joint.c - joint branches within one scope: the heuristic, its
 * compactness polish (reused by exact mode) and the plain greedy baseline.
 * The k-d tree is kdtree.c, the grouping state propose_state.c, the score and
 * bounds propose_score.c, the neighbourhood re-solution (step 5) propose_lns.c.
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
 *  5. neighbourhoods (propose_lns.c): the exact search with a small budget
 *     re-solves a free unit with up to 3 nearby groups and free neighbours
 *     (only where the window's bound allows more coverage), then pairs of
 *     neighbouring groups for compactness. Started from the current grouping,
 *     so never worse.
 *  6. compactness moves: relocate a member, swap members of two groups, swap
 *     a member for a free unit, when the total distance to medoids drops (or
 *     stays and more pairs share a building, park or industry).
 * Every step keeps every constraint, and every choice breaks ties on unit
 * index: the result depends on the input only. Steps 3-6 alone, from a given
 * grouping, are cov_joint_improve (the seams of propose_tile.c, which takes
 * a problem of more than tile_units units: cut into tiles).
 */
#include "propose_joint.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include "propose_lns.h"
#include "propose_state.h"
#include "propose_tile.h"
#include "i18n.h"

#define COVER_PASSES 8 /* local-search passes raising coverage */
#define COMPACT_PASSES 4

/* ---------------------------------------------------------------- cores */

struct core_ctx {
    const struct cov_jst *s;
};

static int accept_core(uint32_t u, void *ctx)
{
    const struct cov_jst *s = ((struct core_ctx *)ctx)->s;
    for (int i = 0; i < s->ncore; i++)
        if (cov_jst_d2(s, s->core[i], u) > s->D2)
            return 0;
    return 1;
}

/* Key of candidate v for a core still needing `need` members (smaller is better). */
static long core_key(const struct cov_jst *s, uint32_t v, int need)
{
    int mv = cov_jst_m(s, v);
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
static long build_core(struct cov_jst *s, uint32_t seed, int donors)
{
    long donor_grp[256];
    uint32_t donor_unit[256];
    int nd = 0;
    s->ncore = 1;
    s->core[0] = seed;
    int sum = cov_jst_m(s, seed);
    cov_kd_set_free(&s->kd, seed, 0);
    struct core_ctx cx = {s};
    int ok = 0;
    while (s->ncore < s->K && s->ncore < 256) {
        if (sum >= s->F && s->ncore >= 2) {
            ok = 1;
            break;
        }
        int need = s->F - sum;
        struct cov_knn q = {0};
        q.qx = s->p->x[seed];
        q.qy = s->p->y[seed];
        q.r2 = s->D2;
        q.k = COV_JST_CAND;
        q.self = seed;
        q.free_only = 1;
        q.out = s->qout;
        q.d2 = s->qd2;
        q.accept = accept_core;
        q.ctx = &cx;
        cov_kd_knn(&s->kd, &q);
        long bkey = 0;
        int bdonor = 0;
        double bd = 0;
        uint32_t best = UINT32_MAX;
        long bgrp = -1;
        for (int i = 0; i < q.n; i++) {
            uint32_t v = q.out[i];
            if (need > 0 && cov_jst_m(s, v) == 0)
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
            const uint32_t *nb = s->nb + (size_t)seed * COV_JST_NB;
            for (int i = 0; i < s->nbn[seed]; i++) {
                uint32_t v = nb[i];
                long g = s->grp[v];
                if (g < 0 || s->gsize[g] < 3 || s->gsum[g] - cov_jst_m(s, v) < s->F)
                    continue;
                if (need > 0 && cov_jst_m(s, v) == 0)
                    continue;
                int used = 0;
                for (int j = 0; j < nd; j++)
                    used |= donor_grp[j] == g;
                if (used || !accept_core(v, &cx))
                    continue;
                long key = core_key(s, v, need);
                double d = cov_jst_d2(s, seed, v);
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
            cov_kd_set_free(&s->kd, best, 0);
        }
        s->core[s->ncore++] = best;
        sum += cov_jst_m(s, best);
    }
    if (!ok && sum >= s->F && s->ncore >= 2)
        ok = 1;
    long g = ok ? cov_jst_new_group(s) : -1;
    if (g < 0) {
        for (int i = 0; i < s->ncore; i++) {
            int isdonor = 0;
            for (int j = 0; j < nd; j++)
                isdonor |= donor_unit[j] == s->core[i];
            if (!isdonor)
                cov_kd_set_free(&s->kd, s->core[i], 1);
        }
        return -1;
    }
    for (int j = 0; j < nd; j++)
        cov_jst_remove(s, donor_grp[j], donor_unit[j]);
    for (int i = 0; i < s->ncore; i++) {
        cov_kd_set_free(&s->kd, s->core[i], 1);
        cov_jst_add(s, g, s->core[i]);
    }
    return g;
}

/* ---------------------------------------------------------------- seats */

/* Best group among u's neighbours' groups that u fits, by added cost; -1 if none. */
static long best_seat(struct cov_jst *s, uint32_t u, long exclude, int *n_options)
{
    const uint32_t *nb = s->nb + (size_t)u * COV_JST_NB;
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
        if (seen || !cov_jst_fits(s, g, u))
            continue;
        nopt++;
        int sh;
        double delta = cov_jst_cost_with(s, g, UINT32_MAX, u, &sh) - s->gcost[g];
        sh -= cov_jst_share(s, g);
        if (best < 0 || delta < bdelta - COV_JOINT_EPS_M ||
            (delta <= bdelta + COV_JOINT_EPS_M && (sh > bshare || (sh == bshare && g < best)))) {
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

static int fill_seats(struct cov_jst *s, struct ukey *keys)
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
        keys[k].k2 = cov_jst_m(s, (uint32_t)u);
        keys[k++].u = (uint32_t)u;
    }
    qsort(keys, k, sizeof(*keys), cmp_ukey);
    int changed = 0;
    for (size_t i = 0; i < k; i++) {
        long g = best_seat(s, keys[i].u, -1, NULL);
        if (g >= 0) {
            cov_jst_add(s, g, keys[i].u);
            changed = 1;
        }
    }
    return changed;
}

/* Unassigned u takes the seat of v in a group; v moves to another group. */
static int try_eject(struct cov_jst *s, uint32_t u)
{
    const uint32_t *nb = s->nb + (size_t)u * COV_JST_NB;
    long seen[COV_JST_NB];
    int nseen = 0;
    for (int i = 0; i < s->nbn[u]; i++) {
        long g = s->grp[nb[i]];
        if (g < 0)
            continue;
        /* a group already tried failed and nothing has changed since: skip it */
        int again = 0;
        for (int k = 0; k < nseen && !again; k++)
            again = seen[k] == g;
        if (again)
            continue;
        seen[nseen++] = g;
        for (int j = 0; j < s->gsize[g]; j++) {
            uint32_t v = cov_jst_gmem(s, g)[j];
            if (!cov_jst_fits_swap(s, g, v, u))
                continue;
            long h = best_seat(s, v, g, NULL);
            if (h < 0)
                continue;
            cov_jst_remove(s, g, v);
            cov_jst_add(s, g, u);
            cov_jst_add(s, h, v);
            return 1;
        }
    }
    return 0;
}

/* Fill the free seats of a fresh group from free neighbours of its seed. */
static void fill_group(struct cov_jst *s, long g, uint32_t seed)
{
    const uint32_t *nb = s->nb + (size_t)seed * COV_JST_NB;
    for (int i = 0; i < s->nbn[seed] && s->gsize[g] < s->K; i++)
        if (s->grp[nb[i]] < 0 && cov_jst_fits(s, g, nb[i]))
            cov_jst_add(s, g, nb[i]);
}

/* ---------------------------------------------------------------- compactness */

/* Try the best improving move of unit u; 1 if one was made. */
static int compact_unit(struct cov_jst *s, uint32_t u)
{
    long g = s->grp[u];
    if (g < 0)
        return 0;
    const uint32_t *nb = s->nb + (size_t)u * COV_JST_NB;
    int lim = s->nbn[u] < COV_JST_COMPACT_NB ? s->nbn[u] : COV_JST_COMPACT_NB;
    int gsh = cov_jst_share(s, g);
    double bdelta = 0;
    int bshare = 0, btype = 0;
    long bh = -1;
    uint32_t bv = 0;
    int can_leave = s->gsize[g] >= 3 && s->gsum[g] - cov_jst_m(s, u) >= s->F;
    for (int i = 0; i < lim; i++) {
        uint32_t v = nb[i];
        long h = s->grp[v];
        double delta;
        int sh, sh2;
        int type;
        if (h == g)
            continue;
        if (h < 0) { /* swap u out for the free v */
            if (!cov_jst_fits_swap(s, g, u, v))
                continue;
            delta = cov_jst_cost_with(s, g, u, v, &sh) - s->gcost[g];
            sh -= gsh;
            type = 1;
        } else {
            /* move u to h */
            if (can_leave && cov_jst_fits(s, h, u)) {
                delta = cov_jst_cost_with(s, g, u, UINT32_MAX, &sh) +
                        cov_jst_cost_with(s, h, UINT32_MAX, u, &sh2) - s->gcost[g] - s->gcost[h];
                sh += sh2 - gsh - cov_jst_share(s, h);
                if (delta < bdelta - COV_JOINT_EPS_M ||
                    (delta <= bdelta + COV_JOINT_EPS_M && sh > bshare)) {
                    bdelta = delta;
                    bshare = sh;
                    btype = 2;
                    bh = h;
                    bv = v;
                }
            }
            /* swap u and v */
            if (!cov_jst_fits_swap(s, g, u, v) || !cov_jst_fits_swap(s, h, v, u))
                continue;
            delta = cov_jst_cost_with(s, g, u, v, &sh) + cov_jst_cost_with(s, h, v, u, &sh2) -
                    s->gcost[g] - s->gcost[h];
            sh += sh2 - gsh - cov_jst_share(s, h);
            type = 3;
        }
        if (delta < bdelta - COV_JOINT_EPS_M ||
            (delta <= bdelta + COV_JOINT_EPS_M && sh > bshare)) {
            bdelta = delta;
            bshare = sh;
            btype = type;
            bh = h;
            bv = v;
        }
    }
    if (btype == 0 || !(bdelta < -COV_JOINT_EPS_M || (bdelta <= COV_JOINT_EPS_M && bshare > 0)))
        return 0;
    cov_jst_remove(s, g, u);
    if (btype == 1) {
        cov_jst_add(s, g, bv);
    } else if (btype == 2) {
        cov_jst_add(s, bh, u);
    } else {
        cov_jst_remove(s, bh, bv);
        cov_jst_add(s, g, bv);
        cov_jst_add(s, bh, u);
    }
    return 1;
}

/* ---------------------------------------------------------------- driver */

/* The compactness moves of the heuristic (steps 6 and 5) on the current groups. */
static void compact(struct cov_jst *s)
{
    for (int pass = 0; pass < COMPACT_PASSES; pass++) {
        int changed = 0;
        for (size_t u = 0; u < s->n; u++)
            changed |= compact_unit(s, (uint32_t)u);
        if (!changed)
            break;
    }
    if (s->K <= COV_LNS_MAX / 2) {
        unsigned long since = 0;
        for (int pass = 0; pass < 2; pass++) {
            unsigned long t = s->clock;
            if (!cov_lns_compact(s, since))
                break;
            since = t;
        }
    }
}

/* Steps 3-6 on the current groups: seats, the coverage search, the
 * neighbourhoods, the compactness moves. keys: scratch of n entries. */
static void improve(struct cov_jst *s, struct ukey *keys)
{
    fill_seats(s, keys);
    /* Local search for coverage: insert, eject, new core with donors. failed[u]: 1 +
     * the clock when u's last attempt failed (0: none); nothing near u changed since
     * means it would fail again (cov_jst_quiet), so it is skipped (without the
     * memory for it, nothing is skipped: the same plan, only slower). */
    unsigned long *failed = calloc(s->n + 1, sizeof(*failed));
    for (int pass = 0; pass < COVER_PASSES; pass++) {
        int changed = 0;
        for (size_t u = 0; u < s->n; u++) {
            if (s->grp[u] >= 0)
                continue;
            if (failed && failed[u] && cov_jst_quiet(s, (uint32_t)u, failed[u] - 1))
                continue;
            long g = best_seat(s, (uint32_t)u, -1, NULL);
            if (g >= 0) {
                cov_jst_add(s, g, (uint32_t)u);
                changed = 1;
                continue;
            }
            if (try_eject(s, (uint32_t)u)) {
                changed = 1;
                continue;
            }
            g = build_core(s, (uint32_t)u, 1);
            if (g >= 0) {
                fill_group(s, g, (uint32_t)u);
                changed = 1;
            } else if (failed) {
                failed[u] = s->clock + 1;
            }
        }
        if (!changed)
            break;
    }
    free(failed);
    if (s->K <= COV_LNS_MAX / 3) {
        for (int pass = 0; pass < 2; pass++)
            if (!cov_lns_cover(s))
                break;
    }
    compact(s);
}

static int heuristic(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    struct cov_jst s;
    struct ukey *keys = NULL;
    int rc = 0;
    if (cov_jst_init(&s, p))
        return cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"),
                           p->n);
    keys = malloc(p->n * sizeof(*keys) + 1);
    if (!keys) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"), p->n);
        goto cleanup;
    }
    /* Cores: richest first (a 2 finds its 1), the most constrained first among equals. */
    size_t k = 0;
    for (size_t u = 0; u < p->n; u++)
        if (cov_jst_m(&s, (uint32_t)u) > 0) {
            keys[k].k1 = -(long)cov_jst_m(&s, (uint32_t)u);
            keys[k].k2 = s.nbn[u];
            keys[k++].u = (uint32_t)u;
        }
    qsort(keys, k, sizeof(*keys), cmp_ukey);
    for (size_t i = 0; i < k; i++)
        if (s.grp[keys[i].u] < 0)
            build_core(&s, keys[i].u, 0);
    improve(&s, keys);
    cov_jst_write(&s, group_of);
cleanup:
    free(keys);
    cov_jst_release(&s);
    return rc;
}

int cov_joint_solve(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    int rc = cov_joint_check(p, err);
    if (rc)
        return rc;
    if (p->n > (p->tile_units ? p->tile_units : COV_TILE_UNITS))
        return cov_joint_solve_tiled(p, group_of, 1, err);
    return heuristic(p, group_of, err);
}

/* Load a feasible assignment (group numbers below n) into s; 0 or COV_EINPUT. */
static int load_groups(struct cov_jst *s, const long *group_of, long *map)
{
    size_t n = s->n;
    for (size_t i = 0; i < n; i++)
        map[i] = -1;
    for (size_t u = 0; u < n; u++) {
        long g = group_of[u];
        if (g < 0)
            continue;
        if ((size_t)g >= n)
            return COV_EINPUT;
        if (map[g] < 0)
            map[g] = cov_jst_new_group(s);
        if (map[g] < 0 || s->gsize[map[g]] >= s->K)
            return COV_EINPUT;
        cov_jst_add(s, map[g], (uint32_t)u);
    }
    return 0;
}

int cov_joint_improve(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    int rc = cov_joint_check(p, err);
    if (rc)
        return rc;
    struct cov_jst s;
    long *map = malloc((p->n + 1) * sizeof(*map));
    struct ukey *keys = malloc(p->n * sizeof(*keys) + 1);
    if (!map || !keys || cov_jst_init(&s, p)) {
        free(map);
        free(keys);
        return cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"),
                           p->n);
    }
    if (load_groups(&s, group_of, map))
        rc = cov_err_set(err, COV_EINPUT, "joint branches: the starting groups are not a plan");
    else {
        improve(&s, keys);
        cov_jst_write(&s, group_of);
    }
    free(map);
    free(keys);
    cov_jst_release(&s);
    return rc;
}

/* ---------------------------------------------------------------- polish */

int cov_joint_polish(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    int rc = cov_joint_check(p, err);
    if (rc)
        return rc;
    struct cov_jst s;
    long *map = malloc((p->n + 1) * sizeof(*map));
    if (!map || cov_jst_init(&s, p)) {
        free(map);
        return cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"),
                           p->n);
    }
    for (size_t i = 0; i < p->n; i++)
        map[i] = -1;
    for (size_t u = 0; u < p->n; u++) {
        long g = group_of[u];
        if (g < 0)
            continue;
        assert((size_t)g < p->n);
        if (map[g] < 0)
            map[g] = cov_jst_new_group(&s);
        assert(map[g] >= 0);
        cov_jst_add(&s, map[g], (uint32_t)u);
    }
    compact(&s);
    cov_jst_write(&s, group_of);
    free(map);
    cov_jst_release(&s);
    return 0;
}

/* ---------------------------------------------------------------- greedy */

struct greedy_ctx {
    const struct cov_jst *s;
    const uint32_t *list;
    int n;
};

static int accept_greedy(uint32_t u, void *ctx)
{
    const struct greedy_ctx *c = ctx;
    for (int i = 0; i < c->n; i++)
        if (cov_jst_d2(c->s, c->list[i], u) > c->s->D2)
            return 0;
    return 1;
}

int cov_joint_greedy(const struct cov_joint_problem *p, long *group_of, struct cov_err *err)
{
    int rc = cov_joint_check(p, err);
    if (rc)
        return rc;
    struct cov_jst s;
    if (cov_jst_init(&s, p))
        return cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"),
                           p->n);
    struct ukey *keys = malloc(p->n * sizeof(*keys) + 1);
    if (!keys) {
        cov_jst_release(&s);
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
    }
    size_t k = 0;
    for (size_t u = 0; u < p->n; u++)
        if (cov_jst_m(&s, (uint32_t)u) > 0) {
            keys[k].k1 = -(long)cov_jst_m(&s, (uint32_t)u);
            keys[k].k2 = 0;
            keys[k++].u = (uint32_t)u;
        }
    qsort(keys, k, sizeof(*keys), cmp_ukey);
    uint32_t list[256];
    for (size_t i = 0; i < k; i++) {
        uint32_t seed = keys[i].u;
        if (s.grp[seed] >= 0)
            continue;
        int nl = 1, sum = cov_jst_m(&s, seed);
        list[0] = seed;
        cov_kd_set_free(&s.kd, seed, 0);
        struct greedy_ctx c = {&s, list, 0};
        while (nl < s.K && nl < 256) {
            uint32_t out[1];
            double d2[1];
            c.n = nl;
            struct cov_knn q = {0};
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
            cov_kd_knn(&s.kd, &q);
            if (q.n == 0)
                break;
            list[nl++] = out[0];
            sum += cov_jst_m(&s, out[0]);
            cov_kd_set_free(&s.kd, out[0], 0);
        }
        for (int j = 0; j < nl; j++)
            cov_kd_set_free(&s.kd, list[j], 1);
        long g;
        if (nl >= 2 && sum >= s.F && (g = cov_jst_new_group(&s)) >= 0) {
            for (int j = 0; j < nl; j++)
                cov_jst_add(&s, g, list[j]);
        }
    }
    cov_jst_write(&s, group_of);
    free(keys);
    cov_jst_release(&s);
    return 0;
}
