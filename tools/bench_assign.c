/*
 * bench_assign - time cov_assign on a synthetic country.
 *
 *   bench_assign [--geos] [--threads N] [--vertices K] ORGS COMMUNITIES
 *
 * Communities: a jittered grid of 1 km cells (shared edges and vertices);
 * with --vertices K every edge is split into K wiggly pieces, identical
 * for the two cells sharing it (real boundaries have hundreds of vertices);
 * every 37th cell has a hole whose enclave is a second part of the
 * previous cell's MultiPolygon. Organizations: uniform over the grid's
 * bounding box (the unfilled part of the last row leaves some outside).
 * Fixed seed. Prints one line per run, e.g.
 *   assign method=fast orgs=1000000 communities=600000 threads=2 seconds=2.31 assigned=999000
 * and checks that every run gives the same assignment as the first.
 * --geos also runs the single-threaded GEOS reference (slow at 10^6).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/geos.h"
#include "lib/bench_clock.h"
#include "lib/rng.h"
#include "../analysis/assign.h"
#include "../analysis/model.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double rnd(void)
{
    return rng_xorshift64_unif(&rng_state);
}

static int edge_k = 1; /* pieces per cell edge */

/* Append the points of edge a->b (without b) to xy at *n; the wiggle depends
 * only on the edge's end points, so the neighbour gets the same points. */
static void edge_points(double ax, double ay, double bx, double by, int reverse, double *xy, int *n)
{
    double dx = bx - ax, dy = by - ay;
    double len = sqrt(dx * dx + dy * dy);
    int f = 1 + (int)(fmod(fabs(ax * 7.0 + ay * 13.0 + bx * 3.0 + by), 3.0));
    double pts[2 * 4096];
    int k = edge_k > 4096 ? 4096 : edge_k;
    for (int i = 0; i < k; i++) {
        double t = (double)i / k;
        double off = 0.02 * len * sin(M_PI * t * f);
        pts[2 * i] = ax + t * dx - off * dy / len;
        pts[2 * i + 1] = ay + t * dy + off * dx / len;
    }
    if (!reverse) {
        memcpy(xy + 2 * *n, pts, (size_t)k * 2 * sizeof(double));
        *n += k;
        return;
    }
    /* reversed edge: b->a written as the points of a->b read backwards, from b */
    xy[2 * *n] = bx;
    xy[2 * *n + 1] = by;
    (*n)++;
    for (int i = k - 1; i >= 1; i--) {
        xy[2 * *n] = pts[2 * i];
        xy[2 * *n + 1] = pts[2 * i + 1];
        (*n)++;
    }
}

static GEOSGeometry *ring(GEOSContextHandle_t h, const double *xy, int n)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)n + 1, 2);
    for (int i = 0; i <= n; i++)
        GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, xy[2 * (i % n)], xy[2 * (i % n) + 1]);
    return GEOSGeom_createLinearRing_r(h, cs);
}

static GEOSGeometry *square(GEOSContextHandle_t h, double cx, double cy, double r)
{
    double xy[8] = {cx - r, cy - r, cx + r, cy - r, cx + r, cy + r, cx - r, cy + r};
    return GEOSGeom_createPolygon_r(h, ring(h, xy, 4), NULL, 0);
}

static int build(struct cov_model *m, long n_orgs, long n_comm)
{
    GEOSContextHandle_t h = m->geos;
    long g = (long)ceil(sqrt((double)n_comm));
    const double cell = 1000.0;
    double *vx = malloc((size_t)(g + 1) * (size_t)(g + 1) * sizeof(double));
    double *vy = malloc((size_t)(g + 1) * (size_t)(g + 1) * sizeof(double));
    if (!vx || !vy)
        return -1;
    for (long i = 0; i <= g; i++)
        for (long j = 0; j <= g; j++) {
            int border = i == 0 || j == 0 || i == g || j == g;
            vx[i * (g + 1) + j] = (double)i * cell + (border ? 0 : (rnd() - 0.5) * 0.5 * cell);
            vy[i * (g + 1) + j] = (double)j * cell + (border ? 0 : (rnd() - 0.5) * 0.5 * cell);
        }
    if (cov_model_reserve_areas(m, COV_COMMUNITIES, (size_t)n_comm) ||
        cov_model_reserve_orgs(m, (size_t)n_orgs))
        return -1;
    char code[32];
    for (long c = 0; c < n_comm; c++) {
        long j = c / g, i = c % g; /* row j, column i */
        double xy[8] = {vx[i * (g + 1) + j],           vy[i * (g + 1) + j],
                        vx[(i + 1) * (g + 1) + j],     vy[(i + 1) * (g + 1) + j],
                        vx[(i + 1) * (g + 1) + j + 1], vy[(i + 1) * (g + 1) + j + 1],
                        vx[i * (g + 1) + j + 1],       vy[i * (g + 1) + j + 1]};
        double cx = (xy[0] + xy[2] + xy[4] + xy[6]) / 4, cy = (xy[1] + xy[3] + xy[5] + xy[7]) / 4;
        GEOSGeometry *shell;
        if (edge_k > 1) {
            static double big[2 * 4 * 4096 + 8];
            int nb = 0;
            edge_points(xy[0], xy[1], xy[2], xy[3], 0, big, &nb); /* bottom, shared (i,j) */
            edge_points(xy[2], xy[3], xy[4], xy[5], 0, big, &nb); /* right */
            edge_points(xy[6], xy[7], xy[4], xy[5], 1, big, &nb); /* top = next row's bottom */
            edge_points(xy[0], xy[1], xy[6], xy[7], 1, big, &nb); /* left = previous right */
            shell = ring(h, big, nb);
        } else {
            shell = ring(h, xy, 4);
        }
        GEOSGeometry *geom;
        if (c % 37 == 0 && c > 0) {
            double hxy[8] = {cx - 100, cy - 100, cx + 100, cy - 100,
                             cx + 100, cy + 100, cx - 100, cy + 100};
            GEOSGeometry *holes[1] = {ring(h, hxy, 4)};
            geom = GEOSGeom_createPolygon_r(h, shell, holes, 1);
        } else if ((c + 1) % 37 == 0 && c + 1 < n_comm) {
            /* this cell also owns the enclave in the next cell's hole */
            long j2 = (c + 1) / g, i2 = (c + 1) % g;
            double ncx = (vx[i2 * (g + 1) + j2] + vx[(i2 + 1) * (g + 1) + j2] +
                          vx[(i2 + 1) * (g + 1) + j2 + 1] + vx[i2 * (g + 1) + j2 + 1]) /
                         4;
            double ncy = (vy[i2 * (g + 1) + j2] + vy[(i2 + 1) * (g + 1) + j2] +
                          vy[(i2 + 1) * (g + 1) + j2 + 1] + vy[i2 * (g + 1) + j2 + 1]) /
                         4;
            GEOSGeometry *parts[2] = {GEOSGeom_createPolygon_r(h, shell, NULL, 0),
                                      square(h, ncx, ncy, 100)};
            geom = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 2);
        } else {
            geom = GEOSGeom_createPolygon_r(h, shell, NULL, 0);
        }
        if (!geom)
            return -1;
        snprintf(code, sizeof(code), "%012ld", c);
        struct cov_area a;
        memset(&a, 0, sizeof(a));
        a.code = code;
        a.name = code;
        a.ur = (c % 3) ? COV_UR_URBAN : COV_UR_RURAL;
        a.geom = geom;
        if (cov_model_add_area(m, COV_COMMUNITIES, &a) < 0)
            return -1;
    }
    free(vx);
    free(vy);
    double side = (double)g * cell;
    for (long k = 0; k < n_orgs; k++) {
        struct cov_org o;
        memset(&o, 0, sizeof(o));
        o.x = rnd() * side;
        o.y = rnd() * side;
        if (cov_model_add_org(m, &o) < 0)
            return -1;
    }
    return 0;
}

static int run(struct cov_model *m, enum cov_assign_method method, int threads, long n_orgs,
               long n_comm, int32_t **first)
{
    struct cov_err err;
    cov_err_init(&err);
    struct cov_assign_opts o = {threads, method};
    double t0 = bench_now(), c0 = bench_cpu_now();
    int rc = cov_assign_ex(m, &o, NULL, NULL, &err);
    double t = bench_now() - t0, cpu = bench_cpu_now() - c0;
    if (rc) {
        fprintf(stderr, "bench_assign: %s\n", cov_err_msg(&err));
        cov_err_release(&err);
        return 1;
    }
    cov_err_release(&err);
    long assigned = 0;
    int same = 1;
    if (!*first) {
        *first = malloc(m->n_orgs * sizeof(int32_t) + 1);
        if (!*first)
            return 1;
        for (size_t i = 0; i < m->n_orgs; i++)
            (*first)[i] = m->orgs[i].area[COV_COMMUNITIES];
    }
    for (size_t i = 0; i < m->n_orgs; i++) {
        assigned += m->orgs[i].area[COV_COMMUNITIES] >= 0;
        same &= (*first)[i] == m->orgs[i].area[COV_COMMUNITIES];
    }
    printf("assign method=%s orgs=%ld communities=%ld vertices=%d threads=%d seconds=%.3f "
           "cpu_seconds=%.3f "
           "assigned=%ld%s\n",
           method == COV_ASSIGN_GEOS ? "geos" : "fast", n_orgs, n_comm, 4 * edge_k + 1,
           method == COV_ASSIGN_GEOS ? 1 : threads, t, cpu, assigned, same ? "" : " MISMATCH");
    fflush(stdout);
    return same ? 0 : 1;
}

static long arg_long(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return (end == s || *end || v < 0) ? -1 : v;
}

int main(int argc, char **argv)
{
    int geos = 0, only_threads = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--geos"))
            geos = 1;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            only_threads = (int)arg_long(argv[++i]);
        else if (!strcmp(argv[i], "--vertices") && i + 1 < argc)
            edge_k = (int)arg_long(argv[++i]);
        else
            break;
    }
    if (argc - i != 2 || arg_long(argv[i]) < 0 || arg_long(argv[i + 1]) < 1 || only_threads < 0 ||
        edge_k < 1 || edge_k > 4096) {
        fprintf(stderr,
                "usage: bench_assign [--geos] [--threads N] [--vertices K] ORGS COMMUNITIES\n");
        return 2;
    }
    long n_orgs = arg_long(argv[i]), n_comm = arg_long(argv[i + 1]);
    struct cov_model *m = cov_model_new();
    if (!m)
        return 1;
    double t0 = bench_now();
    if (build(m, n_orgs, n_comm)) {
        fprintf(stderr, "bench_assign: cannot build the synthetic country\n");
        cov_model_free(m);
        return 1;
    }
    fprintf(stderr, "bench_assign: generated in %.2f s\n", bench_now() - t0);
    int32_t *first = NULL;
    int rc = 0;
    if (only_threads)
        rc |= run(m, COV_ASSIGN_FAST, only_threads, n_orgs, n_comm, &first);
    else {
        rc |= run(m, COV_ASSIGN_FAST, 1, n_orgs, n_comm, &first);
        rc |= run(m, COV_ASSIGN_FAST, 2, n_orgs, n_comm, &first);
    }
    if (geos)
        rc |= run(m, COV_ASSIGN_GEOS, 1, n_orgs, n_comm, &first);
    free(first);
    cov_model_free(m);
    return rc;
}
