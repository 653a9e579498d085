/*
 * mip.c - a maximisation over binary columns, built row by row and solved by
 * GLPK (glp_intopt), or with MIP=cbc by CBC through its C API (kept to compare
 * the two on the same models; docs/ARCHITECTURE.md says why GLPK).
 */
#include "mip.h"
#include "i18n.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef COV_MIP_CBC
#include <coin/Cbc_C_Interface.h>
#else
#include <glpk.h>
#endif

/* ---------------------------------------------------------------- model */

void cov_mip_init(struct cov_mip *m)
{
    memset(m, 0, sizeof(*m));
}

void cov_mip_release(struct cov_mip *m)
{
    free(m->obj);
    free(m->lo);
    free(m->hi);
    free(m->ti);
    free(m->tj);
    free(m->tv);
    memset(m, 0, sizeof(*m));
}

static int grow(void **p, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return 0;
    int c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, (size_t)c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int cov_mip_col(struct cov_mip *m, double c)
{
    int cap = m->cap_cols;
    if (m->failed || grow((void **)&m->obj, &cap, m->ncols + 1, sizeof(*m->obj))) {
        m->failed = 1;
        return -1;
    }
    m->cap_cols = cap;
    m->obj[m->ncols] = c;
    return m->ncols++;
}

int cov_mip_row(struct cov_mip *m, double lo, double hi)
{
    int cap = m->cap_rows, cap2 = m->cap_rows;
    if (m->failed || grow((void **)&m->lo, &cap, m->nrows + 1, sizeof(*m->lo)) ||
        grow((void **)&m->hi, &cap2, m->nrows + 1, sizeof(*m->hi))) {
        m->failed = 1;
        return -1;
    }
    m->cap_rows = cap;
    m->lo[m->nrows] = lo;
    m->hi[m->nrows] = hi;
    return m->nrows++;
}

void cov_mip_coef(struct cov_mip *m, int i, int j, double v)
{
    if (m->failed || i < 0 || j < 0)
        return;
    if (m->nnz == m->cap_nnz) {
        size_t c = m->cap_nnz ? 2 * m->cap_nnz : 1024;
        int *ti = realloc(m->ti, c * sizeof(*ti));
        if (ti)
            m->ti = ti;
        int *tj = ti ? realloc(m->tj, c * sizeof(*tj)) : NULL;
        if (tj)
            m->tj = tj;
        double *tv = tj ? realloc(m->tv, c * sizeof(*tv)) : NULL;
        if (!tv) {
            m->failed = 1;
            return;
        }
        m->tv = tv;
        m->cap_nnz = c;
    }
    m->ti[m->nnz] = i;
    m->tj[m->nnz] = j;
    m->tv[m->nnz++] = v;
}

/* Neither solver is reentrant in its Debian 12 build: one solve at a time. */
static pthread_mutex_t solver_lock = PTHREAD_MUTEX_INITIALIZER;

double cov_mip_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#ifdef COV_MIP_CBC

const char *cov_mip_solver_name(void)
{
    static char name[32];
    if (!name[0])
        snprintf(name, sizeof(name), "CBC %s", Cbc_getVersion());
    return name;
}

static int solve_backend(const struct cov_mip *m, double tl, const double *start,
                         struct cov_mip_result *r)
{
    int n = m->ncols, rc = 0;
    CoinBigIndex *cs = calloc((size_t)n + 1, sizeof(*cs));
    int *idx = malloc((m->nnz + 1) * sizeof(*idx)), *sidx = NULL;
    double *val = malloc((m->nnz + 1) * sizeof(*val));
    double *clo = calloc((size_t)n + 1, sizeof(*clo)),
           *cup = malloc(((size_t)n + 1) * sizeof(*cup));
    double *sval = NULL;
    Cbc_Model *cbc = NULL;
    if (!cs || !idx || !val || !clo || !cup) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    /* triplets to compressed columns */
    for (size_t k = 0; k < m->nnz; k++)
        cs[m->tj[k] + 1]++;
    for (int j = 0; j < n; j++)
        cs[j + 1] += cs[j];
    for (size_t k = 0; k < m->nnz; k++) {
        CoinBigIndex at = cs[m->tj[k]]++;
        idx[at] = m->ti[k];
        val[at] = m->tv[k];
    }
    for (int j = n; j > 0; j--)
        cs[j] = cs[j - 1];
    cs[0] = 0;
    for (int j = 0; j < n; j++)
        cup[j] = 1;
    cbc = Cbc_newModel();
    if (!cbc) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    Cbc_loadProblem(cbc, n, m->nrows, cs, idx, val, clo, cup, m->obj, m->lo, m->hi);
    for (int j = 0; j < n; j++)
        Cbc_setInteger(cbc, j);
    Cbc_setObjSense(cbc, -1);
    Cbc_setLogLevel(cbc, 0);
    Cbc_setMaximumSeconds(cbc, tl);
    if (start) {
        int k = 0;
        sidx = malloc(((size_t)n + 1) * sizeof(*sidx));
        sval = malloc(((size_t)n + 1) * sizeof(*sval));
        if (!sidx || !sval) {
            rc = COV_ENOMEM;
            goto cleanup;
        }
        for (int j = 0; j < n; j++)
            if (start[j] > 0.5) {
                sidx[k] = j;
                sval[k++] = 1;
            }
        Cbc_setMIPStartI(cbc, k, sidx, sval);
    }
    Cbc_solve(cbc);
    const double *x = Cbc_getColSolution(cbc);
    int have = x && Cbc_numberSavedSolutions(cbc) > 0;
    if (Cbc_isProvenInfeasible(cbc) || Cbc_isAbandoned(cbc)) {
        r->status = COV_MIP_FAILED;
    } else if (have) {
        r->x = malloc(((size_t)n + 1) * sizeof(*r->x));
        if (!r->x) {
            rc = COV_ENOMEM;
            goto cleanup;
        }
        double obj = 0;
        for (int j = 0; j < n; j++) {
            r->x[j] = x[j] > 0.5 ? 1 : 0;
            obj += r->x[j] * m->obj[j];
        }
        r->obj = obj;
        r->status = Cbc_isProvenOptimal(cbc) ? COV_MIP_OPTIMAL : COV_MIP_FEASIBLE;
        r->bound = r->status == COV_MIP_OPTIMAL ? obj : Cbc_getBestPossibleObjValue(cbc);
    } else {
        r->status = Cbc_isSecondsLimitReached(cbc) ? COV_MIP_NOSOLUTION : COV_MIP_FAILED;
        r->bound = Cbc_getBestPossibleObjValue(cbc);
    }
cleanup:
    if (cbc)
        Cbc_deleteModel(cbc);
    free(cs);
    free(idx);
    free(val);
    free(clo);
    free(cup);
    free(sidx);
    free(sval);
    return rc;
}

#else /* GLPK */

const char *cov_mip_solver_name(void)
{
    static char name[32];
    if (!name[0])
        snprintf(name, sizeof(name), "GLPK %s", glp_version());
    return name;
}

struct glpk_cb {
    const double *start;
    int ncols, given;
    double bound;
};

static void glpk_callback(glp_tree *t, void *info)
{
    struct glpk_cb *c = info;
    int r = glp_ios_reason(t);
    if (r == GLP_IHEUR && c->start && !c->given) {
        double *v = malloc(((size_t)c->ncols + 1) * sizeof(*v));
        if (v) {
            memcpy(v + 1, c->start, (size_t)c->ncols * sizeof(*v));
            glp_ios_heur_sol(t, v);
            free(v);
        }
        c->given = 1;
    }
    if (r == GLP_ISELECT || r == GLP_IBINGO || r == GLP_IHEUR) {
        int b = glp_ios_best_node(t);
        if (b)
            c->bound = glp_ios_node_bound(t, b);
    }
}

static int solve_backend(const struct cov_mip *m, double tl, const double *start,
                         struct cov_mip_result *r)
{
    glp_prob *lp = glp_create_prob();
    int *ia = malloc((m->nnz + 1) * sizeof(*ia)), *ja = malloc((m->nnz + 1) * sizeof(*ja));
    double *ar = malloc((m->nnz + 1) * sizeof(*ar));
    int rc = 0;
    if (!ia || !ja || !ar) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    glp_set_obj_dir(lp, GLP_MAX);
    if (m->nrows)
        glp_add_rows(lp, m->nrows);
    for (int i = 0; i < m->nrows; i++) {
        int fl = isfinite(m->lo[i]), fh = isfinite(m->hi[i]);
        int type = fl && fh ? (m->lo[i] == m->hi[i] ? GLP_FX : GLP_DB)
                   : fl     ? GLP_LO
                   : fh     ? GLP_UP
                            : GLP_FR;
        glp_set_row_bnds(lp, i + 1, type, fl ? m->lo[i] : 0, fh ? m->hi[i] : 0);
    }
    if (m->ncols)
        glp_add_cols(lp, m->ncols);
    for (int j = 0; j < m->ncols; j++) {
        glp_set_col_kind(lp, j + 1, GLP_BV);
        glp_set_obj_coef(lp, j + 1, m->obj[j]);
    }
    for (size_t k = 0; k < m->nnz; k++) {
        ia[k + 1] = m->ti[k] + 1;
        ja[k + 1] = m->tj[k] + 1;
        ar[k + 1] = m->tv[k];
    }
    glp_load_matrix(lp, (int)m->nnz, ia, ja, ar);
    struct glpk_cb cb = {start, m->ncols, 0, INFINITY};
    double lpb;
    /* No MIP presolver: the callback's start must be in the original columns, so
     * glp_intopt starts from an optimal LP basis of its own. */
    double t0 = cov_mip_now_s();
    glp_smcp sp;
    glp_init_smcp(&sp);
    sp.msg_lev = GLP_MSG_OFF;
    sp.tm_lim = (int)(tl * 1000) > 1 ? (int)(tl * 1000) : 1;
    if (glp_simplex(lp, &sp) != 0 || glp_get_status(lp) != GLP_OPT) {
        r->status = glp_get_status(lp) == GLP_OPT ? COV_MIP_FAILED : COV_MIP_NOSOLUTION;
        goto cleanup;
    }
    lpb = glp_get_obj_val(lp); /* the LP bound, until the search tightens it */
    r->bound = lpb;
    tl -= cov_mip_now_s() - t0;
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.presolve = GLP_OFF;
    parm.msg_lev = GLP_MSG_OFF;
    parm.tm_lim = (int)(tl * 1000) > 1 ? (int)(tl * 1000) : 1;
    parm.cb_func = glpk_callback;
    parm.cb_info = &cb;
    int ret = glp_intopt(lp, &parm);
    int st = glp_mip_status(lp);
    if (st == GLP_OPT || st == GLP_FEAS) {
        r->x = malloc(((size_t)m->ncols + 1) * sizeof(*r->x));
        if (!r->x) {
            rc = COV_ENOMEM;
            goto cleanup;
        }
        for (int j = 0; j < m->ncols; j++)
            r->x[j] = glp_mip_col_val(lp, j + 1) > 0.5 ? 1 : 0;
        r->obj = glp_mip_obj_val(lp);
        r->status = st == GLP_OPT && ret == 0 ? COV_MIP_OPTIMAL : COV_MIP_FEASIBLE;
        r->bound = r->status == COV_MIP_OPTIMAL ? r->obj : cb.bound < lpb ? cb.bound : lpb;
    } else if (ret == GLP_ETMLIM) {
        r->status = COV_MIP_NOSOLUTION;
        r->bound = cb.bound < lpb ? cb.bound : lpb;
    } else {
        r->status = COV_MIP_FAILED;
    }
cleanup:
    free(ia);
    free(ja);
    free(ar);
    glp_delete_prob(lp);
    /* GLPK keeps an environment per thread; the scope threads end, so free it
     * here rather than leave it behind */
    glp_free_env();
    return rc;
}

#endif

int cov_mip_solve(const struct cov_mip *m, double time_limit_s, const double *start,
                  struct cov_mip_result *r)
{
    memset(r, 0, sizeof(*r));
    r->obj = NAN;
    r->bound = INFINITY;
    r->status = COV_MIP_FAILED;
    if (m->failed)
        return COV_ENOMEM;
    double t0 = cov_mip_now_s();
    pthread_mutex_lock(&solver_lock);
    r->waited_s = cov_mip_now_s() - t0;
    int rc = solve_backend(m, time_limit_s > 0.01 ? time_limit_s : 0.01, start, r);
    pthread_mutex_unlock(&solver_lock);
    if (!(r->bound == r->bound)) /* NAN from a solver that did not get far */
        r->bound = INFINITY;
    return rc;
}
