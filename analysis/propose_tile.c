/* propose_tile.c - the joint-branch heuristic on a big scope cut into spatial tiles
 * (propose_tile.h). */
#include "propose_tile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pool.h"
#include "propose_joint.h"

/* Seam width, in joint distances from a cut: a free unit farther than one distance
 * from a cut cannot join a group across it; the second distance lets a member on
 * the way pass its seat along (an eject) or a group re-form around the cut. */
#define SEAM_DISTANCES 2.0

/* ---------------------------------------------------------------- the cut */

/* The total order of the cut along one axis: coordinate, then unit index. */
static int key_less(const double *c, uint32_t a, uint32_t b)
{
    return c[a] < c[b] || (c[a] == c[b] && a < b);
}

static void swap_u(uint32_t *v, size_t i, size_t j)
{
    uint32_t t = v[i];
    v[i] = v[j];
    v[j] = t;
}

/* Reorder v[0..n) so that v[k] is the k-th smallest by key_less, smaller ones before
 * it and larger ones after (keys are distinct: the index breaks ties). */
static void select_k(uint32_t *v, size_t n, size_t k, const double *c)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2, last = hi - 1;
        /* median of three as the pivot, moved to the end */
        if (key_less(c, v[mid], v[lo]))
            swap_u(v, mid, lo);
        if (key_less(c, v[last], v[lo]))
            swap_u(v, last, lo);
        if (key_less(c, v[mid], v[last]))
            swap_u(v, mid, last);
        uint32_t piv = v[last];
        size_t st = lo;
        for (size_t i = lo; i < last; i++)
            if (key_less(c, v[i], piv))
                swap_u(v, i, st++);
        swap_u(v, st, last);
        if (k == st)
            return;
        if (k < st)
            hi = st;
        else
            lo = st + 1;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static size_t count_tiles(size_t n, size_t max_units)
{
    if (n <= max_units)
        return 1;
    return count_tiles(n / 2, max_units) + count_tiles(n - n / 2, max_units);
}

struct cut_ctx {
    const double *c[2];
    size_t max_units;
    struct cov_tiling *t;
};

static void cut(struct cut_ctx *cx, size_t lo, size_t hi, const double box[4], int depth)
{
    struct cov_tiling *t = cx->t;
    uint32_t *u = t->unit;
    if (hi - lo <= cx->max_units) {
        qsort(u + lo, hi - lo, sizeof(*u), cmp_u32);
        t->start[t->n_tiles] = lo;
        memcpy(t->box + 4 * t->n_tiles, box, 4 * sizeof(*box));
        t->n_tiles++;
        return;
    }
    double mn[2] = {INFINITY, INFINITY}, mx[2] = {-INFINITY, -INFINITY};
    for (size_t i = lo; i < hi; i++)
        for (int d = 0; d < 2; d++) {
            double v = cx->c[d][u[i]];
            if (v < mn[d])
                mn[d] = v;
            if (v > mx[d])
                mx[d] = v;
        }
    int d = mx[1] - mn[1] > mx[0] - mn[0] ? 1 : 0;
    size_t mid = lo + (hi - lo) / 2;
    select_k(u + lo, hi - lo, mid - lo, cx->c[d]);
    double s = cx->c[d][u[mid]];
    struct cov_tile_cutline *cl = &t->cuts[t->n_cuts++];
    cl->lo = lo;
    cl->hi = hi;
    cl->dim = d;
    cl->at = s;
    cl->depth = depth;
    if (depth + 1 > t->depth)
        t->depth = depth + 1;
    double left[4], right[4];
    memcpy(left, box, sizeof(left));
    memcpy(right, box, sizeof(right));
    left[2 + d] = s;
    right[d] = s;
    cut(cx, lo, mid, left, depth + 1);
    cut(cx, mid, hi, right, depth + 1);
}

void cov_tile_release(struct cov_tiling *t)
{
    free(t->unit);
    free(t->start);
    free(t->box);
    free(t->cuts);
    memset(t, 0, sizeof(*t));
}

int cov_tile_cut(const double *x, const double *y, size_t n, size_t max_units, struct cov_tiling *t)
{
    memset(t, 0, sizeof(*t));
    if (max_units < 1)
        max_units = 1;
    size_t nt = count_tiles(n, max_units);
    t->n = n;
    t->unit = malloc(n * sizeof(*t->unit) + 1);
    t->start = malloc((nt + 1) * sizeof(*t->start));
    t->box = malloc(4 * nt * sizeof(*t->box));
    t->cuts = malloc(nt * sizeof(*t->cuts));
    if (!t->unit || !t->start || !t->box || !t->cuts) {
        cov_tile_release(t);
        return COV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        t->unit[i] = (uint32_t)i;
    struct cut_ctx cx = {{x, y}, max_units, t};
    const double all[4] = {-INFINITY, -INFINITY, INFINITY, INFINITY};
    cut(&cx, 0, n, all, 0);
    t->start[t->n_tiles] = n;
    return 0;
}

/* ---------------------------------------------------------------- solving */

/* The sub-problem of p on units list[0..k): coordinates, members and tags gathered
 * (sub_make / sub_free; released also after a failed sub_make). */
struct sub {
    struct cov_joint_problem p;
    double *x, *y;
    int *mem;
    long *tags;
};

static int sub_make(struct sub *s, const struct cov_joint_problem *p, const uint32_t *list,
                    size_t k)
{
    memset(s, 0, sizeof(*s));
    s->x = malloc((k + 1) * sizeof(*s->x));
    s->y = malloc((k + 1) * sizeof(*s->y));
    s->mem = malloc((k + 1) * sizeof(*s->mem));
    s->tags = malloc((3 * k + 1) * sizeof(*s->tags));
    if (!s->x || !s->y || !s->mem || !s->tags)
        return COV_ENOMEM;
    s->p = *p;
    s->p.progress = NULL; /* a tile or seam runs on a worker: it never reports */
    s->p.n = k;
    s->p.x = s->x;
    s->p.y = s->y;
    s->p.members = s->mem;
    for (size_t i = 0; i < k; i++) {
        uint32_t u = list[i];
        s->x[i] = p->x[u];
        s->y[i] = p->y[u];
        s->mem[i] = p->members[u];
    }
    for (int d = 0; d < 3; d++) {
        if (!p->tag[d]) {
            s->p.tag[d] = NULL;
            continue;
        }
        long *t = s->tags + (size_t)d * k;
        for (size_t i = 0; i < k; i++)
            t[i] = p->tag[d][list[i]];
        s->p.tag[d] = t;
    }
    return 0;
}

static void sub_free(struct sub *s)
{
    free(s->x);
    free(s->y);
    free(s->mem);
    free(s->tags);
}

struct tiled_ctx {
    const struct cov_joint_problem *p;
    const struct cov_tiling *t;
    long *group_of;     /* the whole problem's; a task writes only its cell's units */
    size_t *todo;       /* the cuts of the current depth */
    int round;          /* 0 tiles, then 1, 2, ... for the cuts from the deepest up */
    int *rc;            /* per tile / per cut */
    char **msg;         /* per tile / per cut: heap, the error message */
    double done, share; /* progress: the whole problem's fraction before this round, and
                           the round's part of it */
};

static void task_error(struct tiled_ctx *c, size_t k, int rc, const struct cov_err *e)
{
    c->rc[k] = rc;
    const char *m = cov_err_msg(e);
    c->msg[k] = malloc(strlen(m) + 1);
    if (c->msg[k])
        strcpy(c->msg[k], m);
}

/* Tile k: its groups are numbered lo + 0, 1, ... (fewer than its units). */
static void run_tile(struct cov_pool *pool, int worker, size_t k, void *ctx)
{
    (void)pool;
    (void)worker;
    struct tiled_ctx *c = ctx;
    const struct cov_tiling *t = c->t;
    size_t lo = t->start[k], hi = t->start[k + 1];
    struct sub s;
    struct cov_err e;
    cov_err_init(&e);
    long *g = malloc((hi - lo + 1) * sizeof(*g));
    int rc = sub_make(&s, c->p, t->unit + lo, hi - lo);
    if (rc || !g)
        rc =
            cov_err_set(&e, COV_ENOMEM, _("out of memory for joint branches (%zu units)"), hi - lo);
    else
        rc = cov_joint_solve(&s.p, g, &e);
    if (rc)
        task_error(c, k, rc, &e);
    else
        for (size_t q = lo; q < hi; q++)
            c->group_of[t->unit[q]] = g[q - lo] >= 0 ? (long)lo + g[q - lo] : -1;
    free(g);
    sub_free(&s);
    cov_err_release(&e);
}

static size_t tile_weight(size_t k, void *ctx)
{
    const struct tiled_ctx *c = ctx;
    return c->t->start[k + 1] - c->t->start[k];
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/*
 * The seam of one cut: the free units of its cell within SEAM_DISTANCES joint
 * distances of the cut line, plus every group with a member there (whole, all in
 * the cell), improved as one problem. New group numbers: round * n + lo + 0, 1, ...
 */
static int seam(const struct tiled_ctx *c, const struct cov_tile_cutline *cl, struct cov_err *err)
{
    const struct cov_joint_problem *p = c->p;
    const struct cov_tiling *t = c->t;
    const double *co = cl->dim ? p->y : p->x;
    double w = SEAM_DISTANCES * p->max_distance_m;
    size_t cn = cl->hi - cl->lo, k = 0, ngl = 0;
    long *gl = malloc((cn + 1) * sizeof(*gl)), *sg = malloc((cn + 1) * sizeof(*sg));
    uint32_t *list = malloc((cn + 1) * sizeof(*list));
    struct sub s;
    memset(&s, 0, sizeof(s));
    int rc = 0;
    if (!gl || !sg || !list) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"), cn);
        goto cleanup;
    }
    for (size_t q = cl->lo; q < cl->hi; q++) {
        uint32_t u = t->unit[q];
        if (c->group_of[u] >= 0 && fabs(co[u] - cl->at) <= w)
            gl[ngl++] = c->group_of[u];
    }
    qsort(gl, ngl, sizeof(*gl), cmp_long);
    size_t m = 0;
    for (size_t i = 0; i < ngl; i++)
        if (m == 0 || gl[m - 1] != gl[i])
            gl[m++] = gl[i];
    ngl = m;
    for (size_t q = cl->lo; q < cl->hi; q++) {
        uint32_t u = t->unit[q];
        long g = c->group_of[u];
        if (g < 0 ? fabs(co[u] - cl->at) <= w : bsearch(&g, gl, ngl, sizeof(*gl), cmp_long) != NULL)
            list[k++] = u;
    }
    if (k < 2)
        goto cleanup;
    qsort(list, k, sizeof(*list), cmp_u32);
    for (size_t i = 0; i < k; i++) {
        long g = c->group_of[list[i]];
        const long *at = g >= 0 ? bsearch(&g, gl, ngl, sizeof(*gl), cmp_long) : NULL;
        sg[i] = at ? (long)(at - gl) : -1;
    }
    if (sub_make(&s, p, list, k)) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"), k);
        goto cleanup;
    }
    if ((rc = cov_joint_improve(&s.p, sg, err)))
        goto cleanup;
    long base = (long)c->round * (long)p->n + (long)cl->lo;
    for (size_t i = 0; i < k; i++)
        c->group_of[list[i]] = sg[i] >= 0 ? base + sg[i] : -1;
cleanup:
    sub_free(&s);
    free(gl);
    free(sg);
    free(list);
    return rc;
}

static void run_seam(struct cov_pool *pool, int worker, size_t k, void *ctx)
{
    (void)pool;
    (void)worker;
    struct tiled_ctx *c = ctx;
    struct cov_err e;
    cov_err_init(&e);
    int rc = seam(c, &c->t->cuts[c->todo[k]], &e);
    if (rc)
        task_error(c, k, rc, &e);
    cov_err_release(&e);
}

static size_t seam_weight(size_t k, void *ctx)
{
    const struct tiled_ctx *c = ctx;
    const struct cov_tile_cutline *cl = &c->t->cuts[c->todo[k]];
    return cl->hi - cl->lo;
}

/* The pool's progress through a round, as the whole problem's. */
static int round_progress(double f, const char *what, void *user)
{
    const struct tiled_ctx *c = user;
    return c->p->progress(c->done + f * c->share, what, c->p->progress_user);
}

/* Run n tasks on the pool as the next `share` of the progress; 0, COV_ECANCEL or
 * the first failed task's error. */
static int run_round(struct tiled_ctx *c, size_t n, int workers, cov_pool_task_fn fn,
                     size_t (*weight)(size_t, void *), double share, struct cov_err *err)
{
    for (size_t k = 0; k < n; k++) {
        c->rc[k] = 0;
        c->msg[k] = NULL;
    }
    c->share = share;
    struct cov_pool_opts po = {.n_tasks = n,
                               .workers = workers,
                               .run = fn,
                               .weight = weight,
                               .ctx = c,
                               .progress = c->p->progress ? round_progress : NULL,
                               .user = c,
                               .what = _("grouping joint branches")};
    int stopped = cov_pool_run(&po) == COV_ECANCEL;
    c->done += share;
    int rc =
        stopped ? cov_err_set(err, COV_ECANCEL, _("cancelled while grouping joint branches")) : 0;
    for (size_t k = 0; k < n; k++) {
        if (c->rc[k] && !rc)
            rc = cov_err_set(err, c->rc[k], "%s", c->msg[k] ? c->msg[k] : _("out of memory"));
        free(c->msg[k]);
        c->msg[k] = NULL;
    }
    return rc;
}

int cov_joint_solve_tiled(const struct cov_joint_problem *p, long *group_of, int workers,
                          struct cov_err *err)
{
    int rc = cov_joint_check(p, err);
    if (rc)
        return rc;
    size_t n = p->n, tu = p->tile_units ? p->tile_units : COV_TILE_UNITS;
    struct cov_joint_problem whole = *p;
    whole.tile_units = tu;
    if (n <= tu)
        return cov_joint_solve(&whole, group_of, err);
    struct cov_tiling t;
    if (cov_tile_cut(p->x, p->y, n, tu, &t))
        return cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"), n);
    size_t ng = (size_t)(t.depth + 1) * n; /* group numbers stay below this */
    long *num = malloc((ng + 1) * sizeof(*num));
    int *trc = calloc(t.n_tiles + 1, sizeof(*trc));
    char **msg = calloc(t.n_tiles + 1, sizeof(*msg));
    size_t *todo = malloc((t.n_cuts + 1) * sizeof(*todo));
    if (!num || !trc || !msg || !todo) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory for joint branches (%zu units)"), n);
        goto cleanup;
    }
    if (workers < 1)
        workers = 1;
    struct tiled_ctx c = {&whole, &t, group_of, todo, 0, trc, msg, 0, 0};
    /* progress: the tiles are most of the work, the seams' rounds share the rest */
    double seams = t.depth > 0 ? 0.2 : 0;
    if ((rc = run_round(&c, t.n_tiles, workers, run_tile, tile_weight, 1 - seams, err)))
        goto cleanup;
    /* the seams, deepest cuts first; the cells of one depth are disjoint */
    for (int d = t.depth - 1; d >= 0; d--) {
        size_t nd = 0;
        for (size_t i = 0; i < t.n_cuts; i++)
            if (t.cuts[i].depth == d)
                todo[nd++] = i;
        c.round = t.depth - d;
        if ((rc = run_round(&c, nd, workers, run_seam, seam_weight, seams / t.depth, err)))
            goto cleanup;
    }
    /* renumber in order of each group's lowest unit (propose_score.h) */
    for (size_t g = 0; g < ng; g++)
        num[g] = -1;
    long next = 0;
    for (size_t u = 0; u < n; u++) {
        long g = group_of[u];
        if (g < 0)
            continue;
        if (num[g] < 0)
            num[g] = next++;
        group_of[u] = num[g];
    }
cleanup:
    free(msg);
    free(trc);
    free(todo);
    free(num);
    cov_tile_release(&t);
    return rc;
}
