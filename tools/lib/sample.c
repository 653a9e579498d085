/*
 * sample.c - the sample generator's world: set up with its GEOS context and
 * seeded stream, and freed with everything it holds.
 */
#include "sample.h"
#include "die.h"

#include <stdlib.h>
#include <string.h>

void sample_init(struct sample *s, uint64_t seed)
{
    memset(s, 0, sizeof(*s));
    s->gh = cov_geos_new();
    if (!s->gh)
        die("out of memory");
    rng_seed(&s->rng, seed);
}

void sample_release(struct sample *s)
{
    for (int i = 0; i < s->n_counties; i++) {
        GEOSPreparedGeom_destroy_r(s->gh, s->counties[i].prep);
        GEOSGeom_destroy_r(s->gh, s->counties[i].geom);
    }
    for (int i = 0; i < s->n_towns; i++) {
        GEOSPreparedGeom_destroy_r(s->gh, s->towns[i].prep);
        GEOSGeom_destroy_r(s->gh, s->towns[i].cell);
    }
    for (int i = 0; i < s->n_comms; i++) {
        GEOSPreparedGeom_destroy_r(s->gh, s->comms[i].prep);
        GEOSGeom_destroy_r(s->gh, s->comms[i].cell);
        GEOSGeom_destroy_r(s->gh, s->comms[i].boundary);
    }
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? s->n_bldgs : s->n_parks;
        for (int i = 0; i < n; i++) {
            struct place *p = pass ? &s->bldgs[i] : &s->parks[i];
            GEOSPreparedGeom_destroy_r(s->gh, p->prep);
            GEOSGeom_destroy_r(s->gh, p->geom);
            GEOSGeom_destroy_r(s->gh, p->boundary);
        }
    }
    free(s->towns);
    free(s->comms);
    free(s->orgs);
    cov_geos_free(s->gh);
    memset(s, 0, sizeof(*s));
}
