/*
 * mip.h - private to analysis/ (and its unit tests): a small 0-1 model builder
 * and the call of the MIP solver (mip.c) behind exact mode (propose_mip.c).
 *
 * The solver is GLPK (glp_intopt); built with MIP=cbc (make MIP=cbc), CBC
 * through its C API instead, which is only there to compare the two on the
 * same models (docs/ARCHITECTURE.md says why GLPK). CBC 2.10's CbcMain is not
 * reentrant and GLPK keeps its environment per thread only when built so:
 * solver calls are serialised by a mutex; everything around them runs on the
 * calling threads.
 */
#ifndef COV_MIP_H
#define COV_MIP_H

#include <stddef.h>

#include "core.h"

/* A maximisation over binary columns, rows lo <= a x <= hi. */
struct cov_mip {
    int ncols, nrows;
    double *obj;     /* per column */
    double *lo, *hi; /* per row; -INFINITY / INFINITY for none */
    int *ti, *tj;    /* coefficients as triplets: row, column, value */
    double *tv;
    size_t nnz, cap_nnz;
    int cap_cols, cap_rows;
    int failed; /* an allocation failed: every later call is a no-op */
};

enum cov_mip_status {
    COV_MIP_OPTIMAL,    /* proven optimal */
    COV_MIP_FEASIBLE,   /* a solution, stopped by the time limit */
    COV_MIP_NOSOLUTION, /* stopped before any solution */
    COV_MIP_FAILED      /* the solver gave up (numerics, infeasible, out of memory) */
};

struct cov_mip_result {
    enum cov_mip_status status;
    double obj;      /* objective of x (NAN without a solution) */
    double bound;    /* proven upper bound on the objective (INFINITY if none) */
    double *x;       /* column values, rounded to 0/1, caller-owned (free); NULL without one */
    double waited_s; /* seconds spent waiting for another thread's solve */
};

void cov_mip_init(struct cov_mip *m);
void cov_mip_release(struct cov_mip *m);
/* A new binary column with objective coefficient c; its index, or -1 (m->failed). */
int cov_mip_col(struct cov_mip *m, double c);
/* A new row lo <= . <= hi; its index, or -1 (m->failed). */
int cov_mip_row(struct cov_mip *m, double lo, double hi);
/* Coefficient v of column j in row i. */
void cov_mip_coef(struct cov_mip *m, int i, int j, double v);
/*
 * Solve within time_limit_s seconds (> 0), from start (a feasible 0/1 column
 * vector, or NULL). 0 with *r filled (r->x caller-owned), or COV_ENOMEM.
 */
int cov_mip_solve(const struct cov_mip *m, double time_limit_s, const double *start,
                  struct cov_mip_result *r);

/* The solver, e.g. "GLPK 5.0" (borrowed, static). */
const char *cov_mip_solver_name(void);
/* Monotonic wall-clock seconds: the clock of every time limit. */
double cov_mip_now_s(void);

#endif
