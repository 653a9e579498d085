/*
 * bench_propose - runtime and quality of the branch plan on synthetic cities.
 *
 *   bench_propose [N ...]        default: 10000 100000 1000000
 *   options: --threads T (0 = all cores, default), --seed S, --per-street K
 *            (orgs per street, default 250), --exact-sample M (also run exact
 *            mode on M small scopes cut from the first instance, default 0)
 *            --exact (also solve every instance in exact mode and compare),
 *            --one-scope (every org in one street: the city laid out as usual but
 *            planned as one scope, as with no streets imported),
 *            --tile-units U (cut a scope of more candidates into tiles, 0 = the
 *            default, a huge U: never, the heuristic on the whole scope),
 *            --time-limit S (exact mode's seconds per scope, default 5)
 *
 * Each instance: N organizations in N/K streets laid out as 10 km squares;
 * inside a street 1-5 clusters (normal, sigma 700 m) hold 80 % of the orgs,
 * the rest is uniform. Formal members: 0 (50 %), 1 (25 %), 2 (13 %), 3-6
 * (7 %, eligible for standalone); 5 % are already covered. Prints per N: the
 * runtime of cov_propose (wall clock, plan_s, and the process's CPU time over all
 * threads, plan_cpu), candidates, covered, bound and covered/bound, and
 * the same for the plain greedy baseline (cov_joint_greedy, per street).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bench_clock.h"
#include "lib/rng.h"
#include "../analysis/propose.h"
#include "../analysis/propose_joint.h"

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static uint64_t rnd(void)
{
    return rng_xorshift64(&rng_state);
}

static double unif(void)
{
    return rng_xorshift64_unif(&rng_state);
}

static double gauss(void)
{
    double u = unif(), v = unif();
    return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* --one-scope: every org in street 0 (the layout of the streets is kept), as when a
 * layer has no streets imported and the whole city is one scope. */
static int one_scope;

static struct cov_model *make_city(size_t n, size_t per_street)
{
    struct cov_model *m = cov_model_new();
    if (!m)
        return NULL;
    size_t ns = n / per_street ? n / per_street : 1;
    size_t side = (size_t)ceil(sqrt((double)ns));
    if (cov_model_reserve_orgs(m, n) || cov_model_reserve_areas(m, COV_STREETS, ns))
        goto fail;
    for (size_t s = 0; s < ns; s++) {
        char code[32], name[64];
        snprintf(code, sizeof(code), "S%06zu", s);
        snprintf(name, sizeof(name), "第%zu街道", s + 1);
        struct cov_area a = {.code = code, .name = name};
        if (cov_model_add_area(m, COV_STREETS, &a) < 0)
            goto fail;
    }
    double cx[5], cy[5];
    for (size_t i = 0; i < n; i++) {
        size_t s = i * ns / n;
        double ox = (double)(s % side) * 10000, oy = (double)(s / side) * 10000;
        if (i == 0 || (i - 1) * ns / n != s) /* first org of a street: its clusters */
            for (int c = 0; c < 5; c++) {
                cx[c] = ox + 1500 + unif() * 7000;
                cy[c] = oy + 1500 + unif() * 7000;
            }
        int nclu = 1 + (int)(s % 5);
        double x, y;
        if (unif() < 0.8) {
            int c = (int)(rnd() % (uint64_t)nclu);
            x = cx[c] + 700 * gauss();
            y = cy[c] + 700 * gauss();
        } else {
            x = ox + unif() * 10000;
            y = oy + unif() * 10000;
        }
        double u = unif();
        int formal = u < 0.50   ? 0
                     : u < 0.75 ? 1
                     : u < 0.88 ? 2
                     : u < 0.95 ? 3 + (int)(rnd() % 4)
                                : 0;
        char id[32];
        snprintf(id, sizeof(id), "B%09zu", i);
        struct cov_org o = {.id = id,
                            .name = "单位",
                            .formal_members = formal,
                            .staff = COV_UNKNOWN,
                            .x = x,
                            .y = y};
        long k = cov_model_add_org(m, &o);
        if (k < 0)
            goto fail;
        m->orgs[k].area[COV_STREETS] = one_scope ? 0 : (int32_t)s;
        m->orgs[k].status = u >= 0.95     ? COV_ST_STANDALONE
                            : formal >= 3 ? COV_ST_ELIGIBLE
                            : formal > 0  ? COV_ST_SMALL
                                          : COV_ST_NO_MEMBERS;
    }
    m->assigned = 1;
    m->classified = 1;
    return m;
fail:
    cov_model_free(m);
    return NULL;
}

/* The plain greedy baseline per street, over the same candidates as the plan. */
static long greedy_covered(const struct cov_model *m, const struct cov_propose_opts *o,
                           double *secs)
{
    size_t ns = m->n_areas[COV_STREETS];
    size_t *cnt = calloc(ns + 1, sizeof(*cnt)), *idx = malloc(m->n_orgs * sizeof(*idx));
    double *x = malloc(m->n_orgs * sizeof(*x)), *y = malloc(m->n_orgs * sizeof(*y));
    int *mem = malloc(m->n_orgs * sizeof(*mem));
    long *g = malloc(m->n_orgs * sizeof(*g)), covered = 0;
    if (!cnt || !idx || !x || !y || !mem || !g) {
        covered = -1;
        goto cleanup;
    }
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *org = &m->orgs[i];
        if (org->status == COV_ST_SMALL || org->status == COV_ST_NO_MEMBERS)
            cnt[org->area[COV_STREETS] + 1]++;
    }
    for (size_t s = 0; s < ns; s++)
        cnt[s + 1] += cnt[s];
    size_t *pos = calloc(ns + 1, sizeof(*pos));
    if (!pos) {
        covered = -1;
        goto cleanup;
    }
    memcpy(pos, cnt, (ns + 1) * sizeof(*pos));
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *org = &m->orgs[i];
        if (org->status == COV_ST_SMALL || org->status == COV_ST_NO_MEMBERS)
            idx[pos[org->area[COV_STREETS]]++] = i;
    }
    free(pos);
    double t0 = bench_now();
    for (size_t s = 0; s < ns; s++) {
        size_t lo = cnt[s], n = cnt[s + 1] - lo;
        for (size_t k = 0; k < n; k++) {
            x[k] = m->orgs[idx[lo + k]].x;
            y[k] = m->orgs[idx[lo + k]].y;
            mem[k] = m->orgs[idx[lo + k]].formal_members;
        }
        struct cov_joint_problem p = {.n = n,
                                      .x = x,
                                      .y = y,
                                      .members = mem,
                                      .max_units = o->max_units,
                                      .min_members = o->min_members,
                                      .max_distance_m = o->max_distance_m};
        struct cov_err e;
        cov_err_init(&e);
        if (cov_joint_greedy(&p, g, &e) == 0)
            for (size_t k = 0; k < n; k++)
                covered += g[k] >= 0;
        cov_err_release(&e);
    }
    *secs = bench_now() - t0;
cleanup:
    free(cnt);
    free(idx);
    free(x);
    free(y);
    free(mem);
    free(g);
    return covered;
}

int main(int argc, char **argv)
{
    size_t sizes[16];
    int nsizes = 0, threads = 0, exact = 0;
    double time_limit = COV_EXACT_TIME_LIMIT_S;
    size_t per_street = 250, tile_units = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            rng_state = strtoull(argv[++i], NULL, 10) | 1;
        else if (!strcmp(argv[i], "--exact"))
            exact = 1;
        else if (!strcmp(argv[i], "--one-scope"))
            one_scope = 1;
        else if (!strcmp(argv[i], "--tile-units") && i + 1 < argc)
            tile_units = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--time-limit") && i + 1 < argc)
            time_limit = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--per-street") && i + 1 < argc)
            per_street = strtoul(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && nsizes < 16)
            sizes[nsizes++] = strtoul(argv[i], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_propose [--threads T] [--seed S] [--per-street K] "
                            "[--exact] [--time-limit S] [--one-scope] [--tile-units U] [N ...]\n");
            return 2;
        }
    }
    if (nsizes == 0) {
        sizes[0] = 10000;
        sizes[1] = 100000;
        sizes[2] = 1000000;
        nsizes = 3;
    }
    if (per_street < 2)
        per_street = 2;
    printf("%10s %8s %9s %9s %9s %9s %9s %7s %9s %9s %7s\n", "orgs", "threads", "plan_s",
           "plan_cpu", "candidat", "covered", "bound", "cov/bnd", "greedy", "greedy_s", "gr/bnd");
    for (int k = 0; k < nsizes; k++) {
        struct cov_model *m = make_city(sizes[k], per_street);
        if (!m) {
            fprintf(stderr, "bench_propose: out of memory\n");
            return 1;
        }
        struct cov_propose_opts o;
        cov_propose_opts_init(&o, &m->policy);
        o.threads = threads;
        o.tile_units = tile_units;
        struct cov_plan *p = NULL;
        struct cov_err e;
        cov_err_init(&e);
        double t0 = bench_now(), c0 = bench_cpu_now();
        int rc = cov_propose(m, &o, &p, NULL, NULL, &e);
        double t = bench_now() - t0, ct = bench_cpu_now() - c0;
        if (rc) {
            fprintf(stderr, "bench_propose: %s\n", cov_err_msg(&e));
            return 1;
        }
        double gs = 0;
        long gc = greedy_covered(m, &o, &gs);
        printf("%10zu %8d %9.2f %9.2f %9ld %9ld %9ld %7.3f %9ld %9.2f %7.3f\n", sizes[k], threads,
               t, ct, p->candidates, p->covered, p->bound,
               p->bound ? (double)p->covered / (double)p->bound : 0.0, gc, gs,
               p->bound ? (double)gc / (double)p->bound : 0.0);
        fflush(stdout);
        if (exact) {
            struct cov_plan *x = NULL;
            o.exact = 1;
            o.time_limit_s = time_limit;
            t0 = bench_now();
            rc = cov_propose(m, &o, &x, NULL, NULL, &e);
            double tx = bench_now() - t0;
            if (rc) {
                fprintf(stderr, "bench_propose: %s\n", cov_err_msg(&e));
                return 1;
            }
            printf("  exact (%s, %g s per scope): %.2f s; covered %ld, proven bound %ld, gap %ld; "
                   "%ld of %zu streets optimal\n",
                   cov_joint_solver_name(), time_limit, tx, x->covered, x->covered + x->gap,
                   x->gap, x->optimal_scopes, x->n_scopes);
            printf("  heuristic / exact: coverage %ld / %ld = %.4f; total diameter %.0f / %.0f m "
                   "= %.4f; distance to medoids %.0f / %.0f m = %.4f\n",
                   p->covered, x->covered,
                   x->covered ? (double)p->covered / (double)x->covered : 1.0,
                   p->joint_diameter_m, x->joint_diameter_m,
                   x->joint_diameter_m > 0 ? p->joint_diameter_m / x->joint_diameter_m : 1.0,
                   p->joint_cost_m, x->joint_cost_m,
                   x->joint_cost_m > 0 ? p->joint_cost_m / x->joint_cost_m : 1.0);
            fflush(stdout);
            cov_plan_free(x);
            o.exact = 0;
        }
        cov_err_release(&e);
        cov_plan_free(p);
        cov_model_free(m);
    }
    return 0;
}
