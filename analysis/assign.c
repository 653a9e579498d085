/*
 * assign.c - point-in-polygon assignment of organizations to areas.
 *
 * Why polygon-driven: GEOS 3.11 has no GEOSPreparedContainsXY_r, so a
 * point-driven lookup must build one GEOS point per organization per query,
 * and the prepared polygon is only reused by chance. Here each area is
 * read once, queries a packed R-tree of the points with its envelope and
 * tests all its candidates in a row with the same in-memory rings.
 *
 * The engines are in files of their own: the point index pindex.c, the
 * ray-crossing test pip.c (its undecided points go to GEOSPreparedCovers_r
 * here), the worker pool pool.c.
 *
 * Why the result is thread-count independent: every covering (area, org)
 * pair lowers the org's slot with an atomic minimum, and min does not care
 * about the order in which the threads find the pairs.
 */
#include "assign.h"

#include "geos.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "pindex.h"
#include "pip.h"
#include "place.h"
#include "pool.h"
#include "i18n.h"

#define WHAT _("assigning organizations") /* progress text */

/* ------------------------------------------------------------------ */
/* the threaded, polygon-driven driver                                  */

struct chunk {
    int layer;
    uint32_t start, end;
};

struct job {
    const struct cov_model *m;
    const struct cov_pindex *ix;
    struct chunk *chunks;
    size_t n_chunks;
    struct worker *w; /* one per worker of the pool */
    /* per layer and indexed point (Hilbert order, so that an area's candidates
     * are neighbours in memory): smallest covering area or INT32_MAX */
    _Atomic int32_t *res[COV_NAREAS];
    pthread_mutex_t geos_lock; /* GEOS calls that may fill lazy caches of the model's geometries */
    pthread_mutex_t err_lock;
    int status;
    struct cov_err *err;
};

struct worker {
    struct job *job;
    struct cov_pool *pool; /* the run the worker is in */
    GEOSContextHandle_t h;
    struct cov_poly poly;
    struct cov_u32vec cand;
    const GEOSPreparedGeometry *prep; /* fallback, for area prep_layer/prep_area */
    int prep_layer;
    long prep_area;
};

static void job_fail(struct worker *w, int code, const char *msg)
{
    struct job *j = w->job;
    pthread_mutex_lock(&j->err_lock);
    if (!j->status) {
        j->status = code;
        cov_err_set(j->err, code, "%s", msg);
    }
    pthread_mutex_unlock(&j->err_lock);
    cov_pool_stop(w->pool);
}

static void atomic_min32(_Atomic int32_t *p, int32_t v)
{
    int32_t cur = atomic_load_explicit(p, memory_order_relaxed);
    while (v < cur && !atomic_compare_exchange_weak_explicit(p, &cur, v, memory_order_relaxed,
                                                             memory_order_relaxed))
        ;
}

static void drop_prep(struct worker *w)
{
    if (w->prep) {
        pthread_mutex_lock(&w->job->geos_lock);
        GEOSPreparedGeom_destroy_r(w->h, w->prep);
        pthread_mutex_unlock(&w->job->geos_lock);
    }
    w->prep = NULL;
}

/* GEOS decides a point the filter could not: 1, 0 or -1 on GEOS error. */
static int geos_decide(struct worker *w, int layer, long a, const GEOSGeometry *g, double x,
                       double y)
{
    struct job *j = w->job;
    int r = -1;
    if (!w->prep || w->prep_layer != layer || w->prep_area != a) {
        drop_prep(w);
        pthread_mutex_lock(&j->geos_lock);
        w->prep = GEOSPrepare_r(w->h, g);
        pthread_mutex_unlock(&j->geos_lock);
        if (!w->prep)
            return -1;
        w->prep_layer = layer;
        w->prep_area = a;
    }
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(w->h, x, y);
    if (!pt)
        return -1;
    pthread_mutex_lock(&j->geos_lock);
    char c = GEOSPreparedCovers_r(w->h, w->prep, pt);
    pthread_mutex_unlock(&j->geos_lock);
    GEOSGeom_destroy_r(w->h, pt);
    if (c == 0 || c == 1)
        r = c;
    return r;
}

static void process_area(struct worker *w, int layer, uint32_t a)
{
    struct job *j = w->job;
    const struct cov_area *ar = &j->m->areas[layer][a];
    if (!ar->geom)
        return;
    char msg[768];
    int rc = cov_poly_load(w->h, &w->poly, ar->geom);
    if (rc) {
        snprintf(msg, sizeof(msg), _("cannot read the geometry of %s '%s': %s"),
                 cov_layer_name(layer), ar->code ? ar->code : "?",
                 rc == COV_ENOMEM ? _("out of memory") : cov_geos_last_error(w->h));
        job_fail(w, rc == COV_ENOMEM ? COV_ENOMEM : COV_EFAIL, msg);
        return;
    }
    struct cov_poly *p = &w->poly;
    if (p->n_rings == 0 && p->n_pts == 0)
        return;
    if (cov_pindex_query(j->ix, p->minx, p->miny, p->maxx, p->maxy, &w->cand)) {
        job_fail(w, COV_ENOMEM, _("out of memory while assigning organizations"));
        return;
    }
    if (w->cand.n == 0)
        return;
    if (cov_poly_prepare(p, w->cand.n)) {
        job_fail(w, COV_ENOMEM, _("out of memory while assigning organizations"));
        return;
    }
    _Atomic int32_t *res = j->res[layer];
    for (size_t k = 0; k < w->cand.n; k++) {
        uint32_t pos = w->cand.v[k];
        if (atomic_load_explicit(&res[pos], memory_order_relaxed) <= (int32_t)a)
            continue; /* a lower-indexed area already has it */
        double px = j->ix->x[pos], py = j->ix->y[pos];
        int c = cov_poly_covers(p, px, py);
        if (c < -1) {
            job_fail(w, COV_ENOMEM, _("out of memory while assigning organizations"));
            return;
        }
        if (c < 0)
            c = geos_decide(w, layer, (long)a, ar->geom, px, py);
        if (c < 0) {
            snprintf(msg, sizeof(msg), _("GEOS failed testing a point against %s '%s': %s"),
                     cov_layer_name(layer), ar->code ? ar->code : "?", cov_geos_last_error(w->h));
            job_fail(w, COV_EFAIL, msg);
            return;
        }
        if (c == 1)
            atomic_min32(&res[pos], (int32_t)a);
    }
    drop_prep(w);
}

/* A task of the pool: the areas of chunk c. */
static void run_chunk(struct cov_pool *pool, int worker, size_t c, void *ctx)
{
    struct job *j = ctx;
    const struct chunk *ch = &j->chunks[c];
    j->w[worker].pool = pool;
    for (uint32_t a = ch->start; a < ch->end && !cov_pool_stopped(pool); a++)
        process_area(&j->w[worker], ch->layer, a);
}

static size_t chunk_areas(size_t c, void *ctx)
{
    const struct job *j = ctx;
    return j->chunks[c].end - j->chunks[c].start;
}

static int assign_fast(struct cov_model *m, int threads, cov_progress_fn progress, void *user,
                       struct cov_err *err)
{
    int rc = 0;
    struct cov_pindex ix;
    struct job j;
    struct worker *w = NULL;
    int nw = 0;
    memset(&j, 0, sizeof(j));
    memset(&ix, 0, sizeof(ix));
    pthread_mutex_init(&j.geos_lock, NULL);
    pthread_mutex_init(&j.err_lock, NULL);
    j.m = m;
    j.ix = &ix;
    j.err = err;

    rc = cov_pindex_build(&ix, m->orgs, m->n_orgs);
    if (rc) {
        cov_err_set(err, rc, _("out of memory indexing %zu organizations"), m->n_orgs);
        goto cleanup;
    }
    threads = cov_pool_workers(threads);

    size_t cap_chunks = 0;
    for (int l = 0; l < COV_NAREAS; l++) {
        size_t n = m->n_areas[l];
        if (n == 0)
            continue;
        j.res[l] = cov_malloc_huge(ix.n ? ix.n * sizeof(*j.res[l]) : 1);
        if (!j.res[l]) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory assigning organizations"));
            goto cleanup;
        }
        for (size_t i = 0; i < ix.n; i++)
            atomic_init(&j.res[l][i], INT32_MAX);
        /* chunks small enough for balance and ~1 % progress steps */
        size_t cs = n / ((size_t)threads * 128);
        cs = cs < 1 ? 1 : cs > 512 ? 512 : cs;
        for (size_t s = 0; s < n; s += cs) {
            if (COV_GROW(j.chunks, cap_chunks, j.n_chunks + 1)) {
                rc = cov_err_set(err, COV_ENOMEM, _("out of memory assigning organizations"));
                goto cleanup;
            }
            j.chunks[j.n_chunks++] =
                (struct chunk){l, (uint32_t)s, (uint32_t)(s + cs < n ? s + cs : n)};
        }
    }
    if (threads > (int)j.n_chunks)
        threads = j.n_chunks ? (int)j.n_chunks : 1;
    w = calloc((size_t)threads, sizeof(*w));
    if (!w) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory assigning organizations"));
        goto cleanup;
    }
    j.w = w;
    for (nw = 0; nw < threads; nw++) {
        w[nw].job = &j;
        w[nw].h = cov_geos_new();
        if (!w[nw].h) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory creating a GEOS context"));
            goto cleanup;
        }
    }
    if (progress && progress(0.0, WHAT, user)) {
        rc = cov_err_set(err, COV_ECANCEL, _("assignment cancelled"));
        goto cleanup;
    }
    struct cov_pool_opts po = {.n_tasks = j.n_chunks,
                               .workers = nw,
                               .run = run_chunk,
                               .ctx = &j,
                               .weight = chunk_areas,
                               .progress = progress,
                               .user = user,
                               .what = WHAT};
    int prc = cov_pool_run(&po);
    if (j.status) {
        rc = j.status;
        goto cleanup;
    }
    if (prc) {
        rc = cov_err_set(err, COV_ECANCEL, _("assignment cancelled"));
        goto cleanup;
    }
    for (size_t i = 0; i < m->n_orgs; i++)
        for (int l = 0; l < COV_NAREAS; l++)
            m->orgs[i].area[l] = -1; /* orgs with non-finite coordinates stay so */
    for (size_t pos = 0; pos < ix.n; pos++)
        for (int l = 0; l < COV_NAREAS; l++) {
            int32_t v =
                j.res[l] ? atomic_load_explicit(&j.res[l][pos], memory_order_relaxed) : INT32_MAX;
            m->orgs[ix.org[pos]].area[l] = v == INT32_MAX ? -1 : v;
        }
cleanup:
    for (int t = 0; t < nw; t++) {
        drop_prep(&w[t]);
        cov_poly_release(&w[t].poly);
        free(w[t].cand.v);
        cov_geos_free(w[t].h);
    }
    free(w);
    for (int l = 0; l < COV_NAREAS; l++)
        free(j.res[l]);
    free(j.chunks);
    cov_pindex_release(&ix);
    pthread_mutex_destroy(&j.geos_lock);
    pthread_mutex_destroy(&j.err_lock);
    return rc;
}

/* ------------------------------------------------------------------ */
/* the GEOS reference: STRtree over areas, prepared areas, point per org */

struct collect {
    struct cov_u32vec v;
    int oom;
};

static void collect_item(void *item, void *user)
{
    struct collect *c = user;
    if (COV_GROW(c->v.v, c->v.cap, c->v.n + 1) == 0)
        c->v.v[c->v.n++] = *(const uint32_t *)item;
    else
        c->oom = 1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int assign_geos(struct cov_model *m, cov_progress_fn progress, void *user,
                       struct cov_err *err)
{
    GEOSContextHandle_t h = m->geos;
    int rc = 0;
    GEOSSTRtree *tree[COV_NAREAS] = {0};
    const GEOSPreparedGeometry **prep[COV_NAREAS] = {0};
    uint32_t *ids = NULL;
    int32_t *out = NULL;
    struct collect cand = {{0}, 0};
    size_t max_areas = 0;
    for (int l = 0; l < COV_NAREAS; l++)
        if (m->n_areas[l] > max_areas)
            max_areas = m->n_areas[l];
    ids = malloc((max_areas ? max_areas : 1) * sizeof(*ids));
    out = cov_malloc_huge((m->n_orgs ? m->n_orgs : 1) * COV_NAREAS * sizeof(*out));
    if (!ids || !out) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory assigning organizations"));
        goto cleanup;
    }
    for (size_t i = 0; i < max_areas; i++)
        ids[i] = (uint32_t)i;
    for (int l = 0; l < COV_NAREAS; l++) {
        if (!m->n_areas[l])
            continue;
        tree[l] = GEOSSTRtree_create_r(h, 10);
        prep[l] = calloc(m->n_areas[l], sizeof(*prep[l]));
        if (!tree[l] || !prep[l]) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory indexing %s"), cov_layer_name(l));
            goto cleanup;
        }
        for (size_t a = 0; a < m->n_areas[l]; a++) {
            GEOSGeometry *g = m->areas[l][a].geom;
            if (!g || GEOSisEmpty_r(h, g))
                continue;
            prep[l][a] = GEOSPrepare_r(h, g);
            if (!prep[l][a]) {
                rc = cov_err_set(err, COV_EFAIL, _("cannot prepare %s '%s': %s"), cov_layer_name(l),
                                 m->areas[l][a].code ? m->areas[l][a].code : "?",
                                 cov_geos_last_error(h));
                goto cleanup;
            }
            GEOSSTRtree_insert_r(h, tree[l], g, &ids[a]);
        }
    }
    int last_pct = -1;
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        for (int l = 0; l < COV_NAREAS; l++)
            out[i * COV_NAREAS + l] = -1;
        if (!isfinite(o->x) || !isfinite(o->y))
            continue;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, o->x, o->y);
        if (!pt) {
            rc = cov_err_set(err, COV_EFAIL, _("GEOS: %s"), cov_geos_last_error(h));
            goto cleanup;
        }
        for (int l = 0; l < COV_NAREAS && !rc; l++) {
            if (!tree[l])
                continue;
            cand.v.n = 0;
            GEOSSTRtree_query_r(h, tree[l], pt, collect_item, &cand);
            if (cand.oom) {
                rc = cov_err_set(err, COV_ENOMEM, _("out of memory assigning organizations"));
                break;
            }
            if (cand.v.n > 1)
                qsort(cand.v.v, cand.v.n, sizeof(*cand.v.v), cmp_u32);
            for (size_t k = 0; k < cand.v.n; k++) {
                char c = GEOSPreparedCovers_r(h, prep[l][cand.v.v[k]], pt);
                if (c == 2) {
                    rc = cov_err_set(err, COV_EFAIL, _("GEOS failed testing organization '%s': %s"),
                                     o->id ? o->id : "?", cov_geos_last_error(h));
                    break;
                }
                if (c == 1) {
                    out[i * COV_NAREAS + l] = (int32_t)cand.v.v[k];
                    break;
                }
            }
        }
        GEOSGeom_destroy_r(h, pt);
        if (rc)
            goto cleanup;
        int pct = (int)(100.0 * (double)(i + 1) / (double)m->n_orgs);
        if (progress && pct > last_pct) {
            last_pct = pct;
            if (progress((double)(i + 1) / (double)m->n_orgs, WHAT, user)) {
                rc = cov_err_set(err, COV_ECANCEL, _("assignment cancelled"));
                goto cleanup;
            }
        }
    }
    for (size_t i = 0; i < m->n_orgs; i++)
        memcpy(m->orgs[i].area, &out[i * COV_NAREAS], sizeof(m->orgs[i].area));
cleanup:
    for (int l = 0; l < COV_NAREAS; l++) {
        if (prep[l])
            for (size_t a = 0; a < m->n_areas[l]; a++)
                if (prep[l][a])
                    GEOSPreparedGeom_destroy_r(h, prep[l][a]);
        free(prep[l]);
        if (tree[l])
            GEOSSTRtree_destroy_r(h, tree[l]);
    }
    free(cand.v.v);
    free(ids);
    free(out);
    return rc;
}

/* ------------------------------------------------------------------ */

/* ---- organizations without coordinates ---- */

/* Drawing point of area a of layer l, computed once (cache holds NAN until then). */
static int area_point(struct cov_model *m, int l, int32_t a, double *cache, double *x, double *y)
{
    if (isnan(cache[2 * a])) {
        double px = NAN, py = NAN;
        /* The centroid when it lies inside (most areas): cheap. Else the
         * inside point of place.h, which costs about 0.3 ms an area. */
        GEOSContextHandle_t h = m->geos;
        const GEOSGeometry *g = m->areas[l][a].geom;
        GEOSGeometry *c = g ? GEOSGetCentroid_r(h, g) : NULL;
        int inside = c && GEOSContains_r(h, g, c) == 1 && GEOSGeomGetX_r(h, c, &px) == 1 &&
                     GEOSGeomGetY_r(h, c, &py) == 1;
        if (c)
            GEOSGeom_destroy_r(h, c);
        if (!inside && cov_place_point(h, g, &px, &py)) {
            px = (m->areas[l][a].minx + m->areas[l][a].maxx) / 2;
            py = (m->areas[l][a].miny + m->areas[l][a].maxy) / 2;
        }
        cache[2 * a] = px;
        cache[2 * a + 1] = py;
    }
    *x = cache[2 * a];
    *y = cache[2 * a + 1];
    return 0;
}

/*
 * Places every organization without coordinates by its text (place.h): the
 * area indices of the levels it is placed to, nothing finer, never a park or
 * building; a drawing point inside the finest area.
 */
static int place_by_text(struct cov_model *m, struct cov_err *err)
{
    size_t need = 0;
    for (size_t i = 0; i < m->n_orgs; i++)
        need += !m->orgs[i].has_xy;
    if (!need)
        return 0;
    static const int levels[] = {COV_DISTRICTS, COV_STREETS, COV_COMMUNITIES};
    double *cache[3] = {NULL, NULL, NULL};
    struct cov_gazetteer *g = cov_gazetteer_new(m);
    int rc = g ? 0 : COV_ENOMEM;
    for (int k = 0; k < 3 && !rc; k++) {
        size_t n = m->n_areas[levels[k]];
        cache[k] = malloc((n ? n : 1) * 2 * sizeof(double));
        if (!cache[k])
            rc = COV_ENOMEM;
        for (size_t a = 0; cache[k] && a < 2 * n; a++)
            cache[k][a] = NAN;
    }
    for (size_t i = 0; i < m->n_orgs && !rc; i++) {
        struct cov_org *o = &m->orgs[i];
        if (o->has_xy)
            continue;
        struct cov_place_in in = {o->community_ref, o->street_ref, o->address, o->id};
        struct cov_placement pl;
        if ((rc = cov_place(g, &in, &pl)))
            break;
        o->placed = pl.level;
        o->placed_by = pl.source;
        for (int l = 0; l < COV_NAREAS; l++)
            o->area[l] = -1;
        o->area[COV_DISTRICTS] = pl.district;
        o->area[COV_STREETS] = pl.level >= COV_PLACED_STREET ? pl.street : -1;
        o->area[COV_COMMUNITIES] = pl.level >= COV_PLACED_COMMUNITY ? pl.community : -1;
        for (int k = 2; k >= 0; k--) {
            int32_t a = o->area[levels[k]];
            if (a >= 0) {
                area_point(m, levels[k], a, cache[k], &o->x, &o->y);
                break;
            }
        }
    }
    cov_gazetteer_free(g);
    for (int k = 0; k < 3; k++)
        free(cache[k]);
    if (rc == COV_ENOMEM)
        return cov_err_set(err, COV_ENOMEM, _("out of memory placing organizations by address"));
    return rc;
}

int cov_assign_ex(struct cov_model *m, const struct cov_assign_opts *opts, cov_progress_fn progress,
                  void *user, struct cov_err *err)
{
    struct cov_assign_opts def = {0, COV_ASSIGN_FAST};
    if (!opts)
        opts = &def;
    if (m->n_orgs > (size_t)INT32_MAX)
        return cov_err_set(err, COV_EINPUT, _("too many organizations (%zu, at most %d)"),
                           m->n_orgs, INT32_MAX);
    for (int l = 0; l < COV_NAREAS; l++)
        if (m->n_areas[l] >= (size_t)INT32_MAX)
            return cov_err_set(err, COV_EINPUT, _("too many %s (%zu, at most %d)"),
                               cov_layer_name(l), m->n_areas[l], INT32_MAX - 1);
    /* Drawing points of a previous placement are not coordinates. */
    for (size_t i = 0; i < m->n_orgs; i++) {
        struct cov_org *o = &m->orgs[i];
        o->placed = o->has_xy ? COV_PLACED_POINT : COV_PLACED_NONE;
        o->placed_by = o->has_xy ? COV_SRC_COORDINATES : COV_SRC_NONE;
        if (!o->has_xy)
            o->x = o->y = NAN;
    }
    int rc = opts->method == COV_ASSIGN_GEOS ? assign_geos(m, progress, user, err)
                                             : assign_fast(m, opts->threads, progress, user, err);
    if (rc == 0)
        rc = place_by_text(m, err);
    if (rc == 0)
        m->assigned = 1;
    return rc;
}

int cov_assign(struct cov_model *m, int threads, cov_progress_fn progress, void *user,
               struct cov_err *err)
{
    struct cov_assign_opts o = {threads, COV_ASSIGN_FAST};
    return cov_assign_ex(m, &o, progress, user, err);
}
