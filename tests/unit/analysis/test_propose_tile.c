/* test_propose_tile.c - big joint-branch scopes cut into tiles: every unit in exactly one
 * tile, feasible and deterministic plans whatever the threads, agreement with the heuristic
 * on the whole problem; the seams' improvement never lowers coverage; the change stamps
 * that let the coverage search skip quiet units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/propose_joint.h"
#include "../../../analysis/propose_state.h"
#include "../../../analysis/propose_tile.h"
#include "progress_log.h"

static uint64_t rng = 88172645463325252ULL;

static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* n units in `clusters` clusters of radius 1500 m, 20 km apart on a line; members 0-2. */
static void make_units(size_t n, int clusters, double *x, double *y, int *mem)
{
    for (size_t i = 0; i < n; i++) {
        int c = (int)(i % (size_t)clusters);
        double a = 6.283185307179586 * unif(), r = 1500 * sqrt(unif());
        x[i] = 20000.0 * c + r * cos(a);
        y[i] = r * sin(a);
        double u = unif();
        mem[i] = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    }
}

/* Every group: 2..K units, members >= F, pairwise within D; numbered 0, 1, ... in order of
 * each group's lowest unit. Returns the units covered. */
static long check_plan(const struct cov_joint_problem *p, const long *g)
{
    long covered = 0, next = 0;
    size_t n = p->n;
    long *size = calloc(n + 1, sizeof(*size)), *sum = calloc(n + 1, sizeof(*sum));
    assert_non_null(size);
    assert_non_null(sum);
    for (size_t u = 0; u < n; u++) {
        if (g[u] < 0)
            continue;
        assert_true(g[u] <= next);
        if (g[u] == next)
            next++;
        size[g[u]]++;
        sum[g[u]] += p->members[u];
        covered++;
        for (size_t v = 0; v < u; v++)
            if (g[v] == g[u])
                assert_true(hypot(p->x[u] - p->x[v], p->y[u] - p->y[v]) <= p->max_distance_m);
    }
    for (long k = 0; k < next; k++) {
        assert_true(size[k] >= 2 && size[k] <= p->max_units);
        assert_true(sum[k] >= p->min_members);
    }
    free(size);
    free(sum);
    return covered;
}

static void check_tiling(const struct cov_tiling *t, const double *x, const double *y, size_t n,
                         size_t max_units)
{
    unsigned char *seen = calloc(n + 1, 1);
    assert_non_null(seen);
    assert_int_equal(t->start[0], 0);
    assert_int_equal(t->start[t->n_tiles], n);
    assert_int_equal(t->n_cuts + 1, t->n_tiles);
    for (size_t k = 0; k < t->n_tiles; k++) {
        assert_true(t->start[k + 1] > t->start[k] || n == 0);
        assert_true(t->start[k + 1] - t->start[k] <= max_units);
        const double *b = t->box + 4 * k;
        for (size_t q = t->start[k]; q < t->start[k + 1]; q++) {
            uint32_t u = t->unit[q];
            assert_true(u < n);
            assert_false(seen[u]);
            seen[u] = 1;
            if (q > t->start[k])
                assert_true(t->unit[q - 1] < u);
            assert_true(x[u] >= b[0] && y[u] >= b[1] && x[u] <= b[2] && y[u] <= b[3]);
        }
    }
    for (size_t u = 0; u < n; u++)
        assert_true(seen[u]);
    for (size_t i = 0; i < t->n_cuts; i++) {
        const struct cov_tile_cutline *c = &t->cuts[i];
        assert_true(c->lo < c->hi && c->hi <= n && c->hi - c->lo > max_units);
        assert_true(c->depth >= 0 && c->depth < t->depth);
    }
    free(seen);
}

static void test_cut_every_unit_once(void **state)
{
    (void)state;
    size_t n = 5003;
    double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
    int *mem = malloc(n * sizeof(*mem));
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(mem);
    make_units(n, 7, x, y, mem);
    size_t sizes[] = {1, 97, 1000, 5003, 6000};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
        struct cov_tiling t;
        assert_int_equal(cov_tile_cut(x, y, n, sizes[k], &t), 0);
        check_tiling(&t, x, y, n, sizes[k]);
        assert_true(sizes[k] < n ? t.n_tiles > 1 : t.n_tiles == 1);
        cov_tile_release(&t);
    }
    /* every unit at one point: the index breaks the ties */
    for (size_t i = 0; i < n; i++)
        x[i] = y[i] = 5;
    struct cov_tiling t;
    assert_int_equal(cov_tile_cut(x, y, n, 100, &t), 0);
    check_tiling(&t, x, y, n, 100);
    cov_tile_release(&t);
    cov_tile_release(&t); /* released twice: harmless */
    free(x);
    free(y);
    free(mem);
}

/* The same plan on 1 and 3 threads and on a second run; feasible; the seams re-solved. */
static void test_tiled_deterministic(void **state)
{
    (void)state;
    size_t n = 3000;
    double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
    int *mem = malloc(n * sizeof(*mem));
    long *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b)), *c = malloc(n * sizeof(*c));
    long *tags = malloc(n * sizeof(*tags));
    assert_true(x && y && mem && a && b && c && tags);
    /* one dense cluster so that every cut runs through it */
    for (size_t i = 0; i < n; i++) {
        x[i] = 12000 * unif();
        y[i] = 12000 * unif();
        double u = unif();
        mem[i] = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
        tags[i] = (long)(i % 13) - 1;
    }
    struct cov_joint_problem p = {.n = n,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .tag = {tags, NULL, NULL},
                                  .max_units = 5,
                                  .min_members = 3,
                                  .max_distance_m = 1000,
                                  .tile_units = 400};
    struct cov_err e;
    cov_err_init(&e);
    assert_int_equal(cov_joint_solve_tiled(&p, a, 1, &e), 0);
    assert_int_equal(cov_joint_solve_tiled(&p, b, 3, &e), 0);
    assert_int_equal(cov_joint_solve(&p, c, &e), 0); /* tiles too: n > tile_units */
    assert_memory_equal(a, b, n * sizeof(*a));
    assert_memory_equal(a, c, n * sizeof(*a));
    long tiled = check_plan(&p, a);
    /* the heuristic on the whole problem: the tiles lose (almost) nothing */
    p.tile_units = SIZE_MAX;
    assert_int_equal(cov_joint_solve(&p, c, &e), 0);
    long whole = check_plan(&p, c);
    assert_true(tiled > 0 && whole > 0);
    assert_true((double)tiled >= 0.99 * (double)whole);
    cov_err_release(&e);
    free(x);
    free(y);
    free(mem);
    free(a);
    free(b);
    free(c);
    free(tags);
}

/* n units in 4 clusters (make_units), with two plans' worth of group_of. */
struct clustered {
    double *x, *y;
    int *mem;
    long *a, *b;
    struct cov_joint_problem p;
};

static void clustered_new(struct clustered *c, size_t n, size_t tile_units)
{
    c->x = malloc(n * sizeof(*c->x));
    c->y = malloc(n * sizeof(*c->y));
    c->mem = malloc(n * sizeof(*c->mem));
    c->a = malloc(n * sizeof(*c->a));
    c->b = malloc(n * sizeof(*c->b));
    assert_true(c->x && c->y && c->mem && c->a && c->b);
    make_units(n, 4, c->x, c->y, c->mem);
    c->p = (struct cov_joint_problem){.n = n,
                                      .x = c->x,
                                      .y = c->y,
                                      .members = c->mem,
                                      .max_units = 5,
                                      .min_members = 3,
                                      .max_distance_m = 800,
                                      .tile_units = tile_units};
}

static void clustered_free(struct clustered *c)
{
    free(c->x);
    free(c->y);
    free(c->mem);
    free(c->a);
    free(c->b);
}

/* A tiled problem reports its progress through tiles and seams, ends at 1, and stops
 * when told; without a callback, or with one, the plan is the same. */
static void test_tiled_progress_and_cancel(void **state)
{
    (void)state;
    struct clustered c;
    clustered_new(&c, 2000, 100);
    struct cov_joint_problem *p = &c.p;
    struct cov_err e;
    cov_err_init(&e);
    assert_int_equal(cov_joint_solve_tiled(p, c.a, 2, &e), 0);
    struct progress_log g = {0, 0, 0, 1};
    p->progress = on_progress;
    p->progress_user = &g;
    assert_int_equal(cov_joint_solve_tiled(p, c.b, 2, &e), 0);
    assert_memory_equal(c.a, c.b, p->n * sizeof(*c.a));
    assert_true(g.calls > 5);
    assert_true(g.monotone);
    assert_true(fabs(g.last - 1) < 1e-9);
    /* stopped at its third report: cancelled, with a message, no further round run */
    struct progress_log h = {0, 3, 0, 1};
    p->progress_user = &h;
    assert_int_equal(cov_joint_solve_tiled(p, c.b, 2, &e), COV_ECANCEL);
    assert_true(h.calls >= 3 && h.calls < g.calls);
    assert_true(h.last < 0.8);
    assert_non_null(strstr(cov_err_msg(&e), "cancel"));
    cov_err_release(&e);
    clustered_free(&c);
}

/* Up to the tile size the tiled solver is the heuristic itself; clusters farther apart than
 * the seams reach give the same coverage cut or whole. */
static void test_tiled_agrees_with_whole(void **state)
{
    (void)state;
    struct clustered c;
    clustered_new(&c, 1200, 1200);
    struct cov_joint_problem *p = &c.p;
    struct cov_err e;
    cov_err_init(&e);
    assert_int_equal(cov_joint_solve_tiled(p, c.a, 2, &e), 0);
    p->tile_units = SIZE_MAX;
    assert_int_equal(cov_joint_solve(p, c.b, &e), 0);
    assert_memory_equal(c.a, c.b, p->n * sizeof(*c.a));
    long whole = check_plan(p, c.b);
    p->tile_units = 300; /* 4 tiles, one per cluster, the cuts in the gaps */
    assert_int_equal(cov_joint_solve_tiled(p, c.a, 2, &e), 0);
    assert_int_equal(check_plan(p, c.a), whole);
    cov_err_release(&e);
    clustered_free(&c);
}

/* From the plain greedy, the improvement covers at least as many, feasibly; a start that is
 * no plan is refused. */
static void test_improve_never_worse(void **state)
{
    (void)state;
    size_t n = 800;
    double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
    int *mem = malloc(n * sizeof(*mem));
    long *g = malloc(n * sizeof(*g));
    assert_true(x && y && mem && g);
    make_units(n, 2, x, y, mem);
    struct cov_joint_problem p = {.n = n,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 4,
                                  .min_members = 3,
                                  .max_distance_m = 700};
    struct cov_err e;
    cov_err_init(&e);
    assert_int_equal(cov_joint_greedy(&p, g, &e), 0);
    long before = check_plan(&p, g);
    assert_int_equal(cov_joint_improve(&p, g, &e), 0);
    long after = check_plan(&p, g);
    assert_true(after > before);
    for (size_t u = 0; u < n; u++)
        g[u] = u < 5 ? 0 : -1; /* 5 units in a group of at most 4 */
    assert_int_equal(cov_joint_improve(&p, g, &e), COV_EINPUT);
    cov_err_release(&e);
    free(x);
    free(y);
    free(mem);
    free(g);
}

/* A change far away leaves a unit quiet; one within reach does not. */
static void test_quiet_stamps(void **state)
{
    (void)state;
    double x[] = {0, 100, 50000, 50100, 3000}, y[] = {0, 0, 0, 0, 0};
    int mem[] = {1, 2, 1, 2, 1};
    struct cov_joint_problem p = {.n = 5,
                                  .x = x,
                                  .y = y,
                                  .members = mem,
                                  .max_units = 3,
                                  .min_members = 3,
                                  .max_distance_m = 1000};
    struct cov_jst s;
    assert_int_equal(cov_jst_init(&s, &p), 0);
    unsigned long t0 = s.clock;
    assert_true(cov_jst_quiet(&s, 0, t0));
    long g = cov_jst_new_group(&s);
    cov_jst_add(&s, g, 2);
    cov_jst_add(&s, g, 3);
    assert_true(cov_jst_quiet(&s, 0, t0)); /* 50 km away */
    assert_false(cov_jst_quiet(&s, 2, t0));
    unsigned long t1 = s.clock;
    long h = cov_jst_new_group(&s);
    cov_jst_add(&s, h, 4); /* 3 km from unit 0: within 4 x 1000 m */
    assert_false(cov_jst_quiet(&s, 0, t1));
    assert_true(cov_jst_quiet(&s, 0, s.clock));
    cov_jst_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_every_unit_once),
        cmocka_unit_test(test_tiled_deterministic),
        cmocka_unit_test(test_tiled_agrees_with_whole),
        cmocka_unit_test(test_tiled_progress_and_cancel),
        cmocka_unit_test(test_improve_never_worse),
        cmocka_unit_test(test_quiet_stamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
