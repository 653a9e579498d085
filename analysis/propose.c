/*
 * propose.c - the branch plan on a classified model: the six stages of
 * propose.h, the joint stage run per scope area on the worker pool (pool.h).
 * Scopes are independent and each result lands in its scope's slot, so the
 * plan does not depend on the number of threads.
 */
#include "propose.h"

#include "labels.h"
#include "place.h"
#include "pool.h"
#include "propose_joint.h"
#include "propose_mip.h"
#include "propose_score.h"
#include "propose_tile.h"
#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[COV_G_COUNT] = {"standalone", "functional", "regional",
                                                    "industry", "joint"};

const char *cov_group_kind_name(enum cov_group_kind k)
{
    return (unsigned)k < COV_G_COUNT ? kind_names[k] : NULL;
}

const char *cov_group_kind_name_zh(enum cov_group_kind k)
{
    return (unsigned)k < COV_G_COUNT ? cov_label_group_kind(k, COV_LANG_ZH) : NULL;
}

void cov_propose_opts_init(struct cov_propose_opts *o, const struct cov_policy *p)
{
    memset(o, 0, sizeof(*o));
    o->scope = COV_STREETS;
    o->max_units = (int)p->v[COV_P_JOINT_MAX_UNITS];
    o->min_members = (int)p->v[COV_P_JOINT_MIN_MEMBERS];
    o->max_distance_m = p->v[COV_P_JOINT_MAX_DISTANCE_M];
    o->time_limit_s = COV_EXACT_TIME_LIMIT_S;
}

int cov_propose_uses_param(int id)
{
    switch (id) {
    case COV_P_STANDALONE_MIN_MEMBERS: /* who is covered, who gets a standalone branch */
    case COV_P_JOINT_MAX_UNITS:
    case COV_P_JOINT_MIN_MEMBERS:
    case COV_P_JOINT_MAX_DISTANCE_M:
    case COV_P_REGIONAL_MIN_ORGS:
    case COV_P_FUNCTIONAL_MIN_UNTRANSFERRED:
        return 1;
    default:
        return 0;
    }
}

void cov_propose_opts_follow(struct cov_propose_opts *o, const struct cov_policy *was,
                             const struct cov_policy *now)
{
    struct cov_propose_opts a, b;
    cov_propose_opts_init(&a, was);
    cov_propose_opts_init(&b, now);
    if (o->max_units == a.max_units)
        o->max_units = b.max_units;
    if (o->min_members == a.min_members)
        o->min_members = b.min_members;
    if (o->max_distance_m == a.max_distance_m)
        o->max_distance_m = b.max_distance_m;
}

void cov_plan_free(struct cov_plan *p)
{
    if (!p)
        return;
    free(p->groups);
    free(p->instructor);
    free(p->scopes);
    cov_arena_release(&p->arena);
    free(p);
}

/* ---------------------------------------------------------------- helpers */

static int is_uncovered(const struct cov_org *o)
{
    return o->status == COV_ST_ELIGIBLE || o->status == COV_ST_SMALL ||
           o->status == COV_ST_NO_MEMBERS;
}

static int is_covered(const struct cov_org *o)
{
    return o->status >= COV_ST_STANDALONE && o->status <= COV_ST_FUNCTIONAL;
}

static int contains(const char *s, const char *w)
{
    return s && strstr(s, w) != NULL;
}

/* Functional-branch rule: a social group (社会团体) or an association-like name. */
static int is_association(const struct cov_org *o)
{
    static const char *const words[] = {"学会", "协会", "商会", "研究会", "联合会", "促进会"};
    if (contains(o->kind, "社会团体"))
        return 1;
    for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
        if (contains(o->name, words[i]))
            return 1;
    return 0;
}

/* Industry-association rule: a name marking a sector association, with an industry. */
static int is_industry_association(const struct cov_org *o)
{
    static const char *const words[] = {"行业协会", "商会", "同业公会", "行业联合会"};
    /* an industry that names the association category itself (e.g. "行业协会/商会")
     * says nothing about the sector it serves */
    if (!o->industry || !*o->industry || contains(o->industry, "协会") ||
        contains(o->industry, "商会"))
        return 0;
    for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
        if (contains(o->name, words[i]))
            return 1;
    return 0;
}

struct builder {
    const struct cov_model *m;
    struct cov_plan *plan;
    int scope;
    size_t cap;
};

static double odist(const struct cov_model *m, size_t a, size_t b)
{
    return hypot(m->orgs[a].x - m->orgs[b].x, m->orgs[a].y - m->orgs[b].y);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/*
 * Append a group of the given members (copied, sorted); computes members,
 * diameter, medoid and the common scope area. name is copied. NULL on out of
 * memory.
 */
static struct cov_group *add_group(struct builder *b, enum cov_group_kind kind,
                                   const size_t *members, size_t n, long host, int host_layer,
                                   const char *name)
{
    struct cov_plan *p = b->plan;
    const struct cov_model *m = b->m;
    if (p->n_groups == b->cap) {
        size_t c = b->cap ? 2 * b->cap : 64;
        struct cov_group *ng = realloc(p->groups, c * sizeof(*ng));
        if (!ng)
            return NULL;
        p->groups = ng;
        b->cap = c;
    }
    struct cov_group *g = &p->groups[p->n_groups];
    memset(g, 0, sizeof(*g));
    g->members = cov_arena_alloc(&p->arena, (n ? n : 1) * sizeof(*g->members));
    g->name = cov_arena_strdup(&p->arena, name);
    if (!g->members || !g->name)
        return NULL;
    memcpy(g->members, members, n * sizeof(*members));
    qsort(g->members, n, sizeof(*g->members), cmp_size);
    g->n_members = n;
    g->id = (int)p->n_groups + 1;
    g->kind = kind;
    g->host = host;
    g->host_layer = host_layer;
    g->area_layer = b->scope;
    g->area = n ? m->orgs[g->members[0]].area[b->scope] : -1;
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        const struct cov_org *o = &m->orgs[g->members[i]];
        g->formal_members += o->formal_members > 0 ? o->formal_members : 0;
        if (o->area[b->scope] != g->area)
            g->area = -1;
        double c = 0;
        for (size_t j = 0; j < n; j++) {
            double d = odist(m, g->members[i], g->members[j]);
            c += d;
            if (d > g->diameter_m)
                g->diameter_m = d;
        }
        if (c < best - 1e-9) {
            best = c;
            g->medoid = g->members[i];
        }
    }
    g->cost_m = n ? best : 0;
    p->n_kind[kind]++;
    p->covered_kind[kind] += (long)n;
    p->n_groups++;
    return g;
}

static const char *area_label(const struct cov_model *m, int layer, long a)
{
    if (a < 0 || (size_t)a >= m->n_areas[layer])
        return "";
    const struct cov_area *ar = &m->areas[layer][a];
    return ar->name ? ar->name : ar->code ? ar->code : "";
}

/* ---------------------------------------------------------------- stages 1-4 */

static int stage_single(struct builder *b, unsigned char *used, const struct cov_propose_opts *o)
{
    const struct cov_model *m = b->m;
    int fmin = (int)m->policy.v[COV_P_FUNCTIONAL_MIN_UNTRANSFERRED];
    char name[512];
    (void)o;
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *org = &m->orgs[i];
        if (org->status != COV_ST_ELIGIBLE)
            continue;
        snprintf(name, sizeof(name), "%s党支部", org->name ? org->name : org->id ? org->id : "");
        if (!add_group(b, COV_G_STANDALONE, &i, 1, -1, -1, name))
            return COV_ENOMEM;
        used[i] = 1;
    }
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *org = &m->orgs[i];
        if (used[i] || !is_uncovered(org) || org->untransferred_members < fmin ||
            !is_association(org))
            continue;
        snprintf(name, sizeof(name), "%s功能型党支部",
                 org->name ? org->name
                 : org->id ? org->id
                           : "");
        if (!add_group(b, COV_G_FUNCTIONAL, &i, 1, -1, -1, name))
            return COV_ENOMEM;
        used[i] = 1;
    }
    return 0;
}

static int stage_regional(struct builder *b, unsigned char *used, const struct cov_propose_opts *o)
{
    const struct cov_model *m = b->m;
    long rmin = (long)m->policy.v[COV_P_REGIONAL_MIN_ORGS];
    static const int layers[2] = {COV_PARKS, COV_BUILDINGS};
    int rc = 0;
    size_t *start = NULL, *list = NULL;
    char name[512];
    for (int li = 0; li < 2 && !rc; li++) {
        int layer = layers[li];
        size_t na = m->n_areas[layer];
        if (na == 0)
            continue;
        start = calloc(na + 2, sizeof(*start));
        list = malloc((m->n_orgs + 1) * sizeof(*list));
        if (!start || !list) {
            rc = COV_ENOMEM;
            break;
        }
        /* counting sort of the remaining uncovered orgs by area, index order kept */
        for (size_t i = 0; i < m->n_orgs; i++) {
            long a = m->orgs[i].area[layer];
            if (!used[i] && is_uncovered(&m->orgs[i]) && a >= 0 && (size_t)a < na)
                start[a + 2]++;
        }
        for (size_t a = 0; a < na; a++)
            start[a + 2] += start[a + 1];
        for (size_t i = 0; i < m->n_orgs; i++) {
            long a = m->orgs[i].area[layer];
            if (!used[i] && is_uncovered(&m->orgs[i]) && a >= 0 && (size_t)a < na)
                list[start[a + 1]++] = i;
        }
        for (size_t a = 0; a < na && !rc; a++) {
            size_t lo = start[a], hi = start[a + 1];
            long sum = 0;
            for (size_t k = lo; k < hi; k++)
                sum += m->orgs[list[k]].formal_members > 0 ? m->orgs[list[k]].formal_members : 0;
            if ((long)(hi - lo) < rmin || sum < o->min_members)
                continue;
            snprintf(name, sizeof(name), "%s区域性党组织", area_label(m, layer, (long)a));
            if (!add_group(b, COV_G_REGIONAL, list + lo, hi - lo, (long)a, layer, name)) {
                rc = COV_ENOMEM;
                break;
            }
            for (size_t k = lo; k < hi; k++)
                used[list[k]] = 1;
        }
        free(start);
        free(list);
        start = list = NULL;
    }
    free(start);
    free(list);
    return rc;
}

static int cmp_industry(const void *a, const void *b, void *ctx)
{
    const struct cov_model *m = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(m->orgs[x].industry, m->orgs[y].industry);
    if (c)
        return c;
    return (x > y) - (x < y);
}

struct ind_pair {
    const char *industry;
    size_t org;
};

static int cmp_ind_pair(const void *a, const void *b)
{
    const struct ind_pair *x = a, *y = b;
    int c = strcmp(x->industry, y->industry);
    if (c)
        return c;
    return (x->org > y->org) - (x->org < y->org);
}

/* Positions in an ind_pair array, by the org index there. */
static int cmp_host_org(const void *a, const void *b, void *ctx)
{
    const struct ind_pair *h = ctx;
    size_t x = h[*(const size_t *)a].org, y = h[*(const size_t *)b].org;
    return (x > y) - (x < y);
}

static int stage_industry(struct builder *b, unsigned char *used)
{
    const struct cov_model *m = b->m;
    struct ind_pair *hosts = NULL;
    size_t nh = 0, *mem = NULL;
    long *host_of = NULL;
    int rc = 0;
    char name[512];
    hosts = malloc((m->n_orgs + 1) * sizeof(*hosts));
    host_of = malloc((m->n_orgs + 1) * sizeof(*host_of));
    mem = malloc((m->n_orgs + 1) * sizeof(*mem));
    if (!hosts || !host_of || !mem) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < m->n_orgs; i++)
        if (is_covered(&m->orgs[i]) && is_industry_association(&m->orgs[i])) {
            hosts[nh].industry = m->orgs[i].industry;
            hosts[nh++].org = i;
        }
    if (nh == 0)
        goto cleanup;
    qsort(hosts, nh, sizeof(*hosts), cmp_ind_pair);
    size_t k = 0;
    for (size_t i = 0; i < nh; i++) /* keep the lowest-index association per industry */
        if (k == 0 || strcmp(hosts[k - 1].industry, hosts[i].industry))
            hosts[k++] = hosts[i];
    nh = k;
    for (size_t i = 0; i < m->n_orgs; i++) {
        host_of[i] = -1;
        const struct cov_org *org = &m->orgs[i];
        if (used[i] || !is_uncovered(org) || !org->industry || !*org->industry)
            continue;
        struct ind_pair key = {org->industry, 0};
        size_t lo = 0, hi = nh;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(hosts[mid].industry, key.industry) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < nh && !strcmp(hosts[lo].industry, key.industry))
            host_of[i] = (long)lo;
    }
    /* one group per host, in order of the host's index; the members of every host at
     * once by a counting sort on that order (one scan of all orgs per host was
     * O(hosts x orgs)) */
    size_t *order = malloc((nh + 1) * sizeof(*order)), *rank = malloc((nh + 1) * sizeof(*rank));
    size_t *gstart = calloc(nh + 2, sizeof(*gstart));
    if (!order || !rank || !gstart) {
        free(order);
        free(rank);
        free(gstart);
        rc = COV_ENOMEM;
        goto cleanup;
    }
    for (size_t h = 0; h < nh; h++)
        order[h] = h;
    qsort_r(order, nh, sizeof(*order), cmp_host_org, hosts);
    for (size_t r = 0; r < nh; r++)
        rank[order[r]] = r;
    for (size_t i = 0; i < m->n_orgs; i++)
        if (host_of[i] >= 0)
            gstart[rank[host_of[i]] + 2]++;
    for (size_t r = 0; r < nh; r++)
        gstart[r + 2] += gstart[r + 1];
    for (size_t i = 0; i < m->n_orgs; i++)
        if (host_of[i] >= 0)
            mem[gstart[rank[host_of[i]] + 1]++] = i;
    for (size_t r = 0; r < nh && !rc; r++) {
        size_t host = hosts[order[r]].org, n = gstart[r + 1] - gstart[r];
        const size_t *gm = mem + gstart[r];
        if (n == 0)
            continue;
        snprintf(name, sizeof(name), "%s行业党组织", m->orgs[host].industry);
        if (!add_group(b, COV_G_INDUSTRY, gm, n, (long)host, COV_ORGANIZATIONS, name)) {
            rc = COV_ENOMEM;
            break;
        }
        for (size_t i = 0; i < n; i++)
            used[gm[i]] = 1;
    }
    free(order);
    free(rank);
    free(gstart);
cleanup:
    free(hosts);
    free(host_of);
    free(mem);
    return rc;
}

/* ---------------------------------------------------------------- stage 5 */

/* Joint branches need distances: only organizations placed by their own
 * coordinates, or (grouped per community) placed to a community. */
static int joinable(const struct cov_org *o)
{
    return o->placed == COV_PLACED_POINT || o->placed == COV_PLACED_COMMUNITY;
}

struct scope_job {
    size_t lo, hi;  /* range in cand[] */
    long area;      /* scope area index, -1 for orgs without one */
    long community; /* community index of a bucket of orgs placed only to it, else -1 */
    int rc;
    char *msg;  /* heap: the error message of a failed scope */
    char *warn; /* heap: the first warning of the scope, if any */
    long bound, bound_simple;
    struct cov_joint_proof proof; /* exact mode */
};

struct joint_ctx {
    const struct cov_model *m;
    const struct cov_propose_opts *o;
    const size_t *cand; /* candidate org indices grouped by scope */
    long *group_of;     /* per cand position */
    long *industry_id;  /* per org, -1 none */
    struct scope_job *jobs;
    size_t n_jobs;
    const size_t *order; /* jobs, largest first */
    size_t n_big;        /* order[0 .. n_big): scopes cut into tiles, run one at a time
                            before the others, each on all workers */
    int workers;
    cov_progress_fn progress; /* the caller's, for the big scopes' tiles */
    void *user;
    size_t big_done; /* big scopes finished before the one running */
};

/* A big scope's progress through its tiles, as the joint stage's. */
static int big_progress(double f, const char *what, void *user)
{
    const struct joint_ctx *c = user;
    return c->progress(((double)c->big_done + f) / (double)c->n_jobs, what, c->user);
}

/* big: a scope cut into tiles solved on all c->workers (the caller runs it alone). */
static int solve_scope(struct joint_ctx *c, struct scope_job *j, int big)
{
    size_t n = j->hi - j->lo;
    const struct cov_model *m = c->m;
    double *x = malloc((n + 1) * sizeof(*x)), *y = malloc((n + 1) * sizeof(*y));
    int *mem = malloc((n + 1) * sizeof(*mem));
    long *tags = malloc((3 * n + 1) * sizeof(*tags));
    struct cov_err err;
    cov_err_init(&err);
    int rc = 0;
    if (!x || !y || !mem || !tags) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    for (size_t k = 0; k < n; k++) {
        const struct cov_org *org = &m->orgs[c->cand[j->lo + k]];
        x[k] = org->x;
        y[k] = org->y;
        mem[k] = org->formal_members > 0 ? org->formal_members : 0;
        tags[k] = org->area[COV_BUILDINGS];
        tags[n + k] = org->area[COV_PARKS];
        tags[2 * n + k] = c->industry_id[c->cand[j->lo + k]];
    }
    struct cov_joint_problem p = {
        .n = n,
        .x = x,
        .y = y,
        .members = mem,
        .tag = {tags, tags + n, tags + 2 * n},
        .max_units = c->o->max_units,
        .min_members = c->o->min_members,
        .max_distance_m = c->o->max_distance_m,
        .time_limit_s = c->o->time_limit_s,
        .exact_max_units = c->o->exact_max_units,
        .tile_units = c->o->tile_units,
        .progress = big && c->progress ? big_progress : NULL,
        .progress_user = c,
    };
    j->bound = cov_joint_bound(mem, n, p.min_members, p.max_units);
    j->bound_simple = cov_joint_bound_simple(mem, n, p.min_members, p.max_units);
    rc = c->o->baseline ? cov_joint_greedy(&p, c->group_of + j->lo, &err)
         : c->o->exact  ? cov_joint_solve_exact(&p, c->group_of + j->lo, &j->proof, &err)
         : big          ? cov_joint_solve_tiled(&p, c->group_of + j->lo, c->workers, &err)
                        : cov_joint_solve(&p, c->group_of + j->lo, &err);
    if (rc) {
        const char *lbl = j->area >= 0 ? area_label(m, c->o->scope, j->area) : _("(no area)");
        size_t len = strlen(lbl) + strlen(cov_err_msg(&err)) + 64;
        j->msg = malloc(len);
        if (j->msg)
            snprintf(j->msg, len, "%s%s%s", lbl, _(": "), cov_err_msg(&err));
    } else if (err.n_warnings > 0) {
        const char *lbl = j->area >= 0 ? area_label(m, c->o->scope, j->area) : _("(no area)");
        size_t len = strlen(lbl) + strlen(err.warnings[0]) + 64;
        j->warn = malloc(len);
        if (j->warn)
            snprintf(j->warn, len, "%s%s%s", lbl, _(": "), err.warnings[0]);
    }
cleanup:
    cov_err_release(&err);
    free(x);
    free(y);
    free(mem);
    free(tags);
    return rc;
}

/* A task of the pool: the k-th largest scope. */
static void run_job(struct cov_pool *pool, int worker, size_t k, void *ctx)
{
    (void)pool;
    (void)worker;
    struct joint_ctx *c = ctx;
    struct scope_job *j = &c->jobs[c->order[c->n_big + k]];
    j->rc = solve_scope(c, j, 0);
}

static int cmp_job(const void *a, const void *b, void *ctx)
{
    const struct scope_job *jobs = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    size_t nx = jobs[x].hi - jobs[x].lo, ny = jobs[y].hi - jobs[y].lo;
    if (nx != ny)
        return nx > ny ? -1 : 1;
    return (x > y) - (x < y);
}

/* Industry strings as small integers, for the "shared industry" tie-break. */
static int industry_ids(const struct cov_model *m, const size_t *cand, size_t nc, long *id)
{
    size_t *tmp = malloc((nc + 1) * sizeof(*tmp));
    if (!tmp)
        return COV_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < nc; i++) {
        id[cand[i]] = -1;
        if (m->orgs[cand[i]].industry && *m->orgs[cand[i]].industry)
            tmp[k++] = cand[i];
    }
    qsort_r(tmp, k, sizeof(*tmp), cmp_industry, (void *)m);
    long next = -1;
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || strcmp(m->orgs[tmp[i]].industry, m->orgs[tmp[i - 1]].industry))
            next++;
        id[tmp[i]] = next;
    }
    free(tmp);
    return 0;
}

static int stage_joint(struct builder *b, unsigned char *used, const struct cov_propose_opts *o,
                       cov_progress_fn progress, void *user, struct cov_err *err)
{
    const struct cov_model *m = b->m;
    struct cov_plan *p = b->plan;
    int smin = (int)m->policy.v[COV_P_STANDALONE_MIN_MEMBERS];
    size_t na = m->n_areas[o->scope], n_orgs = m->n_orgs;
    /* Buckets: 0..na-1 the scope's areas, na "no area", then one per community
     * for organizations placed only to their community (by address): distances
     * mean nothing there, so they are grouped only with each other. */
    size_t ncomm = m->n_areas[COV_COMMUNITIES], nb = na + 1 + ncomm;
    size_t *start = calloc(nb + 2, sizeof(*start)), *cand = NULL, *order = NULL, *mem = NULL;
    long *group_of = NULL, *ind = NULL;
    struct scope_job *jobs = NULL;
    int rc = 0;
    char name[512];
    struct joint_ctx c;
    if (!start)
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
        /* scope bucket of org i: its area, or na for "no area" */
#define BUCKET(i)                                                                                  \
    (m->orgs[i].placed == COV_PLACED_COMMUNITY ? na + 1 + (size_t)m->orgs[i].area[COV_COMMUNITIES] \
     : m->orgs[i].area[o->scope] >= 0 && (size_t)m->orgs[i].area[o->scope] < na                    \
         ? (size_t)m->orgs[i].area[o->scope]                                                       \
         : na)
#define IS_CAND(i)                                                                                 \
    (!used[i] && is_uncovered(&m->orgs[i]) && m->orgs[i].formal_members < smin &&                  \
     !(o->no_memberless && m->orgs[i].formal_members <= 0) && joinable(&m->orgs[i]))
    size_t nc = 0;
    for (size_t i = 0; i < n_orgs; i++)
        if (IS_CAND(i)) {
            start[BUCKET(i) + 2]++;
            nc++;
        }
    for (size_t a = 0; a < nb; a++)
        start[a + 2] += start[a + 1];
    cand = malloc((nc + 1) * sizeof(*cand));
    group_of = malloc((nc + 1) * sizeof(*group_of));
    ind = malloc((n_orgs + 1) * sizeof(*ind));
    jobs = calloc(nb, sizeof(*jobs));
    order = malloc(nb * sizeof(*order));
    mem = malloc((nc + 1) * sizeof(*mem));
    if (!cand || !group_of || !ind || !jobs || !order || !mem) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    for (size_t i = 0; i < n_orgs; i++)
        if (IS_CAND(i))
            cand[start[BUCKET(i) + 1]++] = i;
#undef BUCKET
#undef IS_CAND
    if (industry_ids(m, cand, nc, ind)) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    size_t nj = 0;
    for (size_t a = 0; a < nb; a++) {
        if (start[a + 1] == start[a])
            continue;
        jobs[nj].lo = start[a];
        jobs[nj].hi = start[a + 1];
        jobs[nj].area = a < na ? (long)a : -1;
        jobs[nj].community = a > na ? (long)(a - na - 1) : -1;
        if (a > na)
            jobs[nj].area = m->orgs[cand[start[a]]].area[o->scope];
        order[nj] = nj;
        nj++;
    }
    qsort_r(order, nj, sizeof(*order), cmp_job, jobs);
    memset(&c, 0, sizeof(c));
    c.m = m;
    c.o = o;
    c.cand = cand;
    c.group_of = group_of;
    c.industry_id = ind;
    c.jobs = jobs;
    c.n_jobs = nj;
    c.order = order;
    c.workers = cov_pool_workers(o->threads);
    c.progress = progress;
    c.user = user;
    /* A scope above the tile size (in the heuristic) is cut into tiles, which run in
     * parallel: such scopes go first, one at a time, then the rest on the pool. */
    size_t tu = o->tile_units ? o->tile_units : COV_TILE_UNITS;
    if (!o->baseline && !o->exact)
        while (c.n_big < nj && jobs[order[c.n_big]].hi - jobs[order[c.n_big]].lo > tu)
            c.n_big++;
    for (size_t k = 0; k < c.n_big; k++) {
        struct scope_job *j = &jobs[order[k]];
        c.big_done = k;
        j->rc = solve_scope(&c, j, 1);
        if (j->rc == COV_ECANCEL) {
            rc = cov_err_set(err, COV_ECANCEL, _("cancelled while grouping joint branches"));
            goto cleanup;
        }
        if (progress &&
            progress((double)(k + 1) / (double)nj, _("grouping joint branches"), user)) {
            rc = cov_err_set(err, COV_ECANCEL, _("cancelled while grouping joint branches"));
            goto cleanup;
        }
    }
    struct cov_pool_opts po = {.n_tasks = nj - c.n_big,
                               .workers = c.workers,
                               .run = run_job,
                               .ctx = &c,
                               .progress = progress,
                               .user = user,
                               .what = _("grouping joint branches")};
    if (nj > c.n_big && cov_pool_run(&po) == COV_ECANCEL) {
        rc = cov_err_set(err, COV_ECANCEL, _("cancelled while grouping joint branches"));
        goto cleanup;
    }
    for (size_t k = 0; k < nj; k++)
        if (jobs[k].rc) {
            rc = cov_err_set(err, jobs[k].rc, "%s", jobs[k].msg ? jobs[k].msg : _("out of memory"));
            goto cleanup;
        }
    for (size_t k = 0; k < nj; k++)
        if (jobs[k].warn)
            cov_err_warn(err, "%s", jobs[k].warn);
    p->candidates = (long)nc;
    p->exact = o->exact;
    p->scopes = calloc(nj + 1, sizeof(*p->scopes));
    if (!p->scopes) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    p->n_scopes = nj;
    for (size_t k = 0; k < nj; k++) {
        struct scope_job *j = &jobs[k];
        struct cov_scope_result *r = &p->scopes[k];
        r->area = j->area;
        r->candidates = (long)(j->hi - j->lo);
        r->bound = o->exact ? j->proof.bound : j->bound;
        r->optimal = o->exact && j->proof.covered == j->proof.bound;
        r->heuristic = o->exact && j->proof.pieces_heuristic > 0;
        r->too_large = o->exact && j->proof.pieces_too_large > 0;
        r->seconds = j->proof.seconds;
        for (size_t q = j->lo; q < j->hi; q++)
            r->covered += group_of[q] >= 0;
        p->optimal_scopes += r->optimal;
        p->gap += o->exact ? r->bound - r->covered : 0;
        p->bound += j->bound;
        p->bound_simple += j->bound_simple;
        long ngr = -1;
        for (size_t q = j->lo; q < j->hi; q++)
            if (group_of[q] > ngr)
                ngr = group_of[q];
        const char *lbl = j->community >= 0 ? area_label(m, COV_COMMUNITIES, j->community)
                          : j->area >= 0    ? area_label(m, o->scope, j->area)
                                            : "";
        /* members of every group at once (a counting sort on the group number, linear
         * in the scope; one scan per group was quadratic in a big scope): group g's
         * members are mem[gstart[g] .. gstart[g + 1]), ascending like cand[] */
        size_t *gstart = calloc((size_t)(ngr + 2) + 1, sizeof(*gstart));
        if (!gstart) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
            goto cleanup;
        }
        for (size_t q = j->lo; q < j->hi; q++)
            if (group_of[q] >= 0)
                gstart[group_of[q] + 2]++;
        for (long g = 0; g <= ngr; g++)
            gstart[g + 2] += gstart[g + 1];
        for (size_t q = j->lo; q < j->hi; q++)
            if (group_of[q] >= 0)
                mem[gstart[group_of[q] + 1]++] = cand[q];
        for (long g = 0; g <= ngr; g++) {
            size_t n = gstart[g + 1] - gstart[g];
            const size_t *gm = mem + gstart[g];
            snprintf(name, sizeof(name), "%s第%ld联合党支部", lbl, g + 1);
            struct cov_group *gr = add_group(b, COV_G_JOINT, gm, n, -1, -1, name);
            if (!gr) {
                free(gstart);
                rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
                goto cleanup;
            }
            gr->same_community = j->community >= 0;
            p->covered += (long)n;
            p->joint_cost_m += gr->cost_m;
            p->joint_diameter_m += gr->diameter_m;
            for (size_t i = 0; i < n; i++)
                used[gm[i]] = 1;
        }
        free(gstart);
    }
cleanup:
    if (jobs)
        for (size_t k = 0; k < nb; k++) {
            free(jobs[k].msg);
            free(jobs[k].warn);
        }
    free(start);
    free(cand);
    free(order);
    free(mem);
    free(group_of);
    free(ind);
    free(jobs);
    return rc;
}

/* ---------------------------------------------------------------- stage 6 */

static int cmp_instructor(const void *a, const void *b, void *ctx)
{
    const struct cov_model *m = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const struct cov_org *ox = &m->orgs[x], *oy = &m->orgs[y];
    long sx = ox->area[COV_STREETS], sy = oy->area[COV_STREETS];
    if (sx != sy) {
        if (sx < 0 || sy < 0)
            return sx < 0 ? 1 : -1;
        return sx < sy ? -1 : 1;
    }
    int c = strcmp(ox->id ? ox->id : "", oy->id ? oy->id : "");
    if (c)
        return c;
    return (x > y) - (x < y);
}

static int stage_instructor(struct builder *b, const unsigned char *used)
{
    const struct cov_model *m = b->m;
    struct cov_plan *p = b->plan;
    p->instructor = malloc((m->n_orgs + 1) * sizeof(*p->instructor));
    if (!p->instructor)
        return COV_ENOMEM;
    int smin = (int)m->policy.v[COV_P_STANDALONE_MIN_MEMBERS];
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        if (used[i] || !is_uncovered(o))
            continue;
        if (o->formal_members > 0 && o->formal_members < smin && !joinable(o))
            p->n_manual++; /* placed too roughly to group: by hand */
        else
            p->instructor[p->n_instructor++] = i;
    }
    qsort_r(p->instructor, p->n_instructor, sizeof(*p->instructor), cmp_instructor, (void *)m);
    return 0;
}

/* ---------------------------------------------------------------- entry */

static int check_opts(const struct cov_propose_opts *o, struct cov_err *err)
{
    if (o->scope != COV_STREETS && o->scope != COV_DISTRICTS && o->scope != COV_COMMUNITIES)
        return cov_err_set(err, COV_EUSAGE, _("scope: expected districts, streets or communities"));
    if (o->max_units < 2 || o->max_units > 200)
        return cov_err_set(err, COV_EUSAGE, _("max units %d: expected 2 to 200"), o->max_units);
    if (o->min_members < 1 || o->min_members > 1000)
        return cov_err_set(err, COV_EUSAGE, _("min members %d: expected 1 to 1000"),
                           o->min_members);
    if (!(o->max_distance_m > 0) || !isfinite(o->max_distance_m))
        return cov_err_set(err, COV_EUSAGE, _("max distance %g m: expected a positive number"),
                           o->max_distance_m);
    if (!(o->time_limit_s >= 0) || !isfinite(o->time_limit_s))
        return cov_err_set(err, COV_EUSAGE, _("time limit %g s: expected a number >= 0"),
                           o->time_limit_s);
    if (o->exact_max_units < 0)
        return cov_err_set(err, COV_EUSAGE, "exact max units %d: expected a number >= 0",
                           o->exact_max_units);
    if (o->threads < 0)
        return cov_err_set(err, COV_EUSAGE, _("threads %d: expected 0 (all cores) or more"),
                           o->threads);
    return 0;
}

int cov_propose(const struct cov_model *m, const struct cov_propose_opts *o, struct cov_plan **out,
                cov_progress_fn progress, void *user, struct cov_err *err)
{
    struct cov_propose_opts def;
    struct cov_plan *p = NULL;
    unsigned char *used = NULL;
    int rc = 0;
    *out = NULL;
    if (!m->classified)
        return cov_err_set(err, COV_EINPUT,
                           _("the model is not classified: run the coverage classification first"));
    if (!o) {
        cov_propose_opts_init(&def, &m->policy);
        o = &def;
    }
    if ((rc = check_opts(o, err)))
        return rc;
    p = calloc(1, sizeof(*p));
    used = calloc(m->n_orgs + 1, 1);
    if (!p || !used) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    cov_arena_init(&p->arena);
    p->scope = o->scope;
    struct builder b = {m, p, o->scope, 0};
    for (size_t i = 0; i < m->n_orgs; i++)
        p->orgs_covered_before += is_covered(&m->orgs[i]);
    if (stage_single(&b, used, o) || stage_regional(&b, used, o) || stage_industry(&b, used)) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    if (progress && progress(0.0, _("grouping joint branches"), user)) {
        rc = cov_err_set(err, COV_ECANCEL, _("cancelled"));
        goto cleanup;
    }
    if ((rc = stage_joint(&b, used, o, progress, user, err)))
        goto cleanup;
    if (stage_instructor(&b, used)) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    p->orgs_covered_after = p->orgs_covered_before;
    for (size_t g = 0; g < p->n_groups; g++)
        p->orgs_covered_after += (long)p->groups[g].n_members;
    p->coverage_rate_after = m->n_orgs ? (double)p->orgs_covered_after / (double)m->n_orgs : NAN;
cleanup:
    free(used);
    if (rc) {
        cov_plan_free(p);
        p = NULL;
    }
    *out = p;
    return rc;
}
