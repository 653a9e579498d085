/* model.c - construction and destruction of the in-memory model. */
#include "model.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "geos.h"
#include "grow.h"
#include "place.h"

static const char *const layer_names[COV_NLAYERS] = {"districts", "streets",   "communities",
                                                     "parks",     "buildings", "organizations"};
static const char *const layer_singular[COV_NLAYERS] = {"district", "street",   "community",
                                                        "park",     "building", "organization"};
static const char *const party_names[COV_PARTY_COUNT] = {"none",     "standalone", "joint",
                                                         "regional", "industry",   "functional"};

const char *cov_layer_name(int layer)
{
    return layer >= 0 && layer < COV_NLAYERS ? layer_names[layer] : NULL;
}

int cov_layer_find(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < COV_NLAYERS; i++)
        if (!strcmp(name, layer_names[i]) || !strcmp(name, layer_singular[i]))
            return i;
    return -1;
}

const char *cov_party_name(enum cov_party p)
{
    return (unsigned)p < COV_PARTY_COUNT ? party_names[p] : "none";
}

struct cov_model *cov_model_new(void)
{
    struct cov_model *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->geos = cov_geos_new();
    if (!m->geos) {
        free(m);
        return NULL;
    }
    cov_policy_init(&m->policy);
    cov_arena_init(&m->arena);
    return m;
}

void cov_model_free(struct cov_model *m)
{
    if (!m)
        return;
    for (int l = 0; l < COV_NAREAS; l++) {
        for (size_t i = 0; i < m->n_areas[l]; i++)
            if (m->areas[l][i].geom)
                GEOSGeom_destroy_r(m->geos, m->areas[l][i].geom);
        free(m->areas[l]);
    }
    free(m->orgs);
    cov_arena_release(&m->arena);
    cov_geos_free(m->geos);
    free(m);
}

/* A reservation is followed by as many adds, each writing its record whole:
 * the records' memory is faulted in at once on two threads (core.h). */
int cov_model_reserve_orgs(struct cov_model *m, size_t n)
{
    int rc = COV_GROW(m->orgs, m->cap_orgs, m->n_orgs + n);
    if (!rc)
        cov_populate(m->orgs + m->n_orgs, n * sizeof(*m->orgs));
    return rc;
}

int cov_model_reserve_areas(struct cov_model *m, enum cov_layer layer, size_t n)
{
    int rc = COV_GROW(m->areas[layer], m->cap_areas[layer], m->n_areas[layer] + n);
    if (!rc)
        cov_populate(m->areas[layer] + m->n_areas[layer], n * sizeof(*m->areas[layer]));
    return rc;
}

void cov_area_envelope_r(GEOSContextHandle_t h, struct cov_area *a)
{
    a->minx = a->miny = a->maxx = a->maxy = 0;
    if (!a->geom)
        return;
    GEOSGeom_getXMin_r(h, a->geom, &a->minx);
    GEOSGeom_getYMin_r(h, a->geom, &a->miny);
    GEOSGeom_getXMax_r(h, a->geom, &a->maxx);
    GEOSGeom_getYMax_r(h, a->geom, &a->maxy);
}

void cov_area_envelope(const struct cov_model *m, struct cov_area *a)
{
    cov_area_envelope_r(m->geos, a);
}

long cov_model_add_area_owned(struct cov_model *m, enum cov_layer layer, const struct cov_area *a)
{
    if ((unsigned)layer >= COV_NAREAS || cov_model_reserve_areas(m, layer, 1)) {
        if (a->geom)
            GEOSGeom_destroy_r(m->geos, a->geom);
        return -1;
    }
    struct cov_area *d = &m->areas[layer][m->n_areas[layer]];
    *d = *a;
    cov_area_envelope(m, d);
    m->assigned = 0;
    return (long)m->n_areas[layer]++;
}

long cov_model_add_area(struct cov_model *m, enum cov_layer layer, const struct cov_area *a)
{
    struct cov_area c = *a;
    c.code = cov_arena_strdup(&m->arena, a->code);
    c.name = cov_arena_strdup(&m->arena, a->name);
    c.parent = cov_arena_strdup(&m->arena, a->parent);
    return cov_model_add_area_owned(m, layer, &c);
}

/* Appends o with its strings as given (the caller has placed them). */
static long add_org(struct cov_model *m, const struct cov_org *o)
{
    if (cov_model_reserve_orgs(m, 1))
        return -1;
    struct cov_org *d = &m->orgs[m->n_orgs];
    *d = *o;
    d->has_xy = isfinite(o->x) && isfinite(o->y);
    d->placed = d->has_xy ? COV_PLACED_POINT : COV_PLACED_NONE;
    d->placed_by = d->has_xy ? COV_SRC_COORDINATES : COV_SRC_NONE;
    if (!d->has_xy)
        d->x = d->y = NAN;
    for (int l = 0; l < COV_NAREAS; l++)
        d->area[l] = -1;
    m->assigned = 0;
    m->classified = 0;
    return (long)m->n_orgs++;
}

const size_t cov_org_strings[COV_ORG_NSTRINGS] = {
    offsetof(struct cov_org, id),         offsetof(struct cov_org, name),
    offsetof(struct cov_org, kind),       offsetof(struct cov_org, industry),
    offsetof(struct cov_org, rating),     offsetof(struct cov_org, party_org_id),
    offsetof(struct cov_org, address),    offsetof(struct cov_org, community_ref),
    offsetof(struct cov_org, street_ref), offsetof(struct cov_org, authority),
    offsetof(struct cov_org, supervisor), offsetof(struct cov_org, legal_rep),
    offsetof(struct cov_org, reg_date)};

long cov_model_add_org(struct cov_model *m, const struct cov_org *o)
{
    struct cov_org c = *o;
    for (int k = 0; k < COV_ORG_NSTRINGS; k++) {
        const char **f = cov_org_string(&c, k);
        *f = cov_arena_strdup(&m->arena, *f);
    }
    return add_org(m, &c);
}

long cov_model_add_org_owned(struct cov_model *m, const struct cov_org *o)
{
    return add_org(m, o);
}

long cov_model_find_area(const struct cov_model *m, enum cov_layer layer, const char *key)
{
    if ((unsigned)layer >= COV_NAREAS || !key)
        return -1;
    for (size_t i = 0; i < m->n_areas[layer]; i++)
        if (m->areas[layer][i].code && !strcmp(m->areas[layer][i].code, key))
            return (long)i;
    for (size_t i = 0; i < m->n_areas[layer]; i++)
        if (m->areas[layer][i].name && !strcmp(m->areas[layer][i].name, key))
            return (long)i;
    return -1;
}
