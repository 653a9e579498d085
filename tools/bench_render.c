/*
 * bench_render - time the maps on a synthetic country.
 *
 *   bench_render ORGS COMMUNITIES OUTDIR
 *
 * Communities: a grid of square cells (2 km), streets of 15x15 cells,
 * districts of 100 streets; organizations uniform over the grid with
 * realistic member counts and a 60 % share covered (fixed seed). The model
 * is assigned, classified and checked against the targets like a real
 * project, then drawn: coverage PNG and PDF, targets PNG and PDF. Prints one
 * line per map, e.g.
 *   render theme=coverage format=png orgs=1000000 communities=600000 seconds=1.42
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../analysis/geos.h"
#include "lib/bench_clock.h"
#include "lib/rng.h"
#include "../analysis/assign.h"
#include "../analysis/coverage.h"
#include "../analysis/targets.h"
#include "../render/map.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static double rnd(void)
{
    return rng_xorshift64_unif(&rng_state);
}

static GEOSGeometry *box(GEOSContextHandle_t h, double x0, double y0, double x1, double y1)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 5, 2);
    double xs[5] = {x0, x1, x1, x0, x0}, ys[5] = {y0, y0, y1, y1, y0};
    for (unsigned i = 0; i < 5; i++)
        GEOSCoordSeq_setXY_r(h, cs, i, xs[i], ys[i]);
    return GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, cs), NULL, 0);
}

static void add_grid(struct cov_model *m, enum cov_layer layer, int side, double cell,
                     const char *name)
{
    char code[32];
    for (int gy = 0; gy < side; gy++)
        for (int gx = 0; gx < side; gx++) {
            snprintf(code, sizeof(code), "%d", gy * side + gx);
            struct cov_area a = {.code = code, .name = name,
                                 .ur = (gx + gy) % 3 ? COV_UR_RURAL : COV_UR_URBAN,
                                 .geom = box(m->geos, gx * cell, gy * cell, (gx + 1) * cell,
                                             (gy + 1) * cell)};
            cov_model_add_area(m, layer, &a);
        }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_render ORGS COMMUNITIES OUTDIR\n");
        return 2;
    }
    long n_orgs = atol(argv[1]), n_comm = atol(argv[2]);
    const char *dir = argv[3];
    int side = (int)ceil(sqrt((double)n_comm));
    double cell = 2000.0, extent = side * cell;
    struct cov_model *m = cov_model_new();
    m->srid = 4549;
    int s_side = (side + 14) / 15, d_side = (s_side + 9) / 10;
    add_grid(m, COV_DISTRICTS, d_side, extent / d_side, "某某区");
    add_grid(m, COV_STREETS, s_side, extent / s_side, "某某街道");
    cov_model_reserve_areas(m, COV_COMMUNITIES, (size_t)side * (size_t)side);
    add_grid(m, COV_COMMUNITIES, side, cell, "某某社区");
    cov_model_reserve_orgs(m, (size_t)n_orgs);
    for (long i = 0; i < n_orgs; i++) {
        double r = rnd();
        struct cov_org o = {.id = "ORG", .name = "社会组织", .x = rnd() * extent,
                            .y = rnd() * extent, .staff = COV_UNKNOWN,
                            .formal_members = r < 0.55 ? 0 : r < 0.75 ? 1 : r < 0.85 ? 2 : 3,
                            .community_org = rnd() < 0.45,
                            .party = rnd() < 0.6 ? COV_PARTY_JOINT : COV_PARTY_NONE};
        cov_model_add_org(m, &o);
    }
    struct cov_err err;
    cov_err_init(&err);
    struct cov_targets tg = {0};
    if (cov_assign(m, 0, NULL, NULL, &err) || (cov_classify(m), 0) ||
        cov_targets_compute(m, &tg, &err)) {
        fprintf(stderr, "bench_render: %s\n", cov_err_msg(&err));
        return 1;
    }
    static const struct {
        enum map_theme theme;
        const char *name, *ext;
    } runs[] = {{MAP_THEME_COVERAGE, "coverage", "png"},
                {MAP_THEME_COVERAGE, "coverage", "pdf"},
                {MAP_THEME_TARGETS, "targets", "png"},
                {MAP_THEME_TARGETS, "targets", "pdf"}};
    int rc = 0;
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]) && !rc; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/bench-%s.%s", dir, runs[i].name, runs[i].ext);
        struct map_opts o;
        map_opts_init(&o);
        o.path = path;
        o.theme = runs[i].theme;
        o.targets = &tg;
        double t0 = bench_now();
        rc = map_render(m, &o, &err);
        printf("render theme=%s format=%s orgs=%ld communities=%zu seconds=%.2f%s%s\n",
               runs[i].name, runs[i].ext, n_orgs, m->n_areas[COV_COMMUNITIES], bench_now() - t0,
               rc ? " FAILED: " : "", rc ? cov_err_msg(&err) : "");
    }
    cov_targets_release(&tg);
    cov_err_release(&err);
    cov_model_free(m);
    map_global_cleanup();
    return rc ? 1 : 0;
}
