/* areasel.c - area filters: find an area by code or name, and what the chosen areas hold. */
#include "areasel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "i18n.h"
#include "place.h"
#include "propose.h"

enum { NLEV = 3 }; /* COV_DISTRICTS, COV_STREETS, COV_COMMUNITIES */

struct cov_areasel {
    const struct cov_model *m;
    struct cov_gazetteer *g;       /* built on first need (ancestors()) */
    long area[NLEV];               /* chosen, -1 none */
    unsigned char *in[COV_NAREAS]; /* per area: inside; NULL without a choice */
    size_t n_orgs;                 /* organizations inside */
};

struct cov_areasel *cov_areasel_new(const struct cov_model *m)
{
    struct cov_areasel *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->m = m;
    for (int l = 0; l < NLEV; l++)
        s->area[l] = -1;
    s->n_orgs = m->n_orgs;
    return s;
}

static void masks_free(struct cov_areasel *s)
{
    for (int l = 0; l < COV_NAREAS; l++) {
        free(s->in[l]);
        s->in[l] = NULL;
    }
}

void cov_areasel_free(struct cov_areasel *s)
{
    if (!s)
        return;
    masks_free(s);
    cov_gazetteer_free(s->g);
    free(s);
}

void cov_area_lookup_release(struct cov_area_lookup *l)
{
    if (!l)
        return;
    free(l->hits);
    l->hits = NULL;
    l->n = 0;
}

/*
 * The gazetteer, built the first time a command needs an area's district or
 * street, and only its codes and parents (cov_gazetteer_new_hierarchy): the
 * names would cost 85 MiB and a quarter of the start at national size. A cache, so the selection
 * stays logically const. Out of memory, every area is in no district and no street.
 */
static void ancestors(const struct cov_areasel *s, enum cov_layer layer, int32_t idx,
                      int32_t *district, int32_t *street)
{
    struct cov_areasel *w = (struct cov_areasel *)s;
    if (!w->g)
        w->g = cov_gazetteer_new_hierarchy(s->m);
    if (!w->g) {
        *district = *street = -1;
        return;
    }
    cov_gazetteer_ancestors(w->g, layer, idx, district, street);
}

void cov_areasel_ancestors(const struct cov_areasel *s, enum cov_layer layer, int32_t idx,
                           int32_t *district, int32_t *street)
{
    ancestors(s, layer, idx, district, street);
}

/* Is area i of layer inside district d and street st (-1: any)? */
static int within(const struct cov_areasel *s, int layer, int32_t i, int32_t d, int32_t st)
{
    int32_t ad, as;
    ancestors(s, (enum cov_layer)layer, i, &ad, &as);
    if (d >= 0 && ad != d)
        return 0;
    if (st >= 0 && layer >= COV_STREETS && as != st)
        return 0;
    return 1;
}

/* ---- suggestions ---- */

enum { STEM_MAX = 256, CPS_MAX = 64 };

/* The code points of UTF-8 s (valid: place.c normalised it), at most CPS_MAX. */
static size_t to_cps(const char *s, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p && n < CPS_MAX) {
        uint32_t v = *p;
        int l = v < 0x80 ? 1 : v < 0xE0 ? 2 : v < 0xF0 ? 3 : 4;
        if (l > 1)
            v &= (uint32_t)(0x3F >> (l - 1));
        for (int k = 1; k < l && (p[k] & 0xC0) == 0x80; k++)
            v = (v << 6) | (p[k] & 0x3F);
        cp[n++] = v;
        for (int k = 0; k < l && *p; k++)
            p++;
    }
    return n;
}

static size_t edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t row[CPS_MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

static int shares_char(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (a[i] == b[j])
                return 1;
    return 0;
}

struct cand {
    int32_t idx;
    int contains; /* 0: one stem holds the other; 1: not */
    size_t dist;
};

static int cmp_cand(const void *pa, const void *pb)
{
    const struct cand *a = pa, *b = pb;
    if (a->contains != b->contains)
        return a->contains - b->contains;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static int suggest(const struct cov_areasel *s, int layer, const char *text, int32_t d, int32_t st,
                   size_t max, struct cov_area_lookup *out)
{
    const struct cov_model *m = s->m;
    size_t n = m->n_areas[layer];
    char key[STEM_MAX], stem[STEM_MAX];
    uint32_t kc[CPS_MAX], sc[CPS_MAX];
    cov_place_name_stem((enum cov_layer)layer, text, key, sizeof(key));
    size_t nk = to_cps(key, kc);
    if (!nk || !max || !n)
        return 0;
    struct cand *c = malloc(n * sizeof(*c));
    if (!c)
        return COV_ENOMEM;
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cov_area *a = &m->areas[layer][i];
        if (!a->name || !within(s, layer, (int32_t)i, d, st))
            continue;
        cov_place_name_stem((enum cov_layer)layer, a->name, stem, sizeof(stem));
        size_t ns = to_cps(stem, sc);
        if (!ns || !shares_char(kc, nk, sc, ns))
            continue;
        int contains = strstr(stem, key) || strstr(key, stem);
        c[nc++] = (struct cand){(int32_t)i, !contains, edit_distance(kc, nk, sc, ns)};
    }
    qsort(c, nc, sizeof(*c), cmp_cand);
    if (nc > max)
        nc = max;
    int rc = 0;
    if (nc) {
        out->hits = malloc(nc * sizeof(*out->hits));
        if (!out->hits)
            rc = COV_ENOMEM;
        for (size_t i = 0; !rc && i < nc; i++)
            out->hits[out->n++] = c[i].idx;
    }
    free(c);
    return rc;
}

/* ---- lookup ---- */

/* Trimmed copy of text (leading and trailing ASCII blanks), heap. */
static char *trimmed(const char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t l = strlen(text);
    while (l && (text[l - 1] == ' ' || text[l - 1] == '\t'))
        l--;
    char *t = malloc(l + 1);
    if (t) {
        memcpy(t, text, l);
        t[l] = 0;
    }
    return t;
}

int cov_areasel_find(const struct cov_areasel *s, enum cov_layer layer, const char *text,
                     int32_t district, int32_t street, size_t max_suggest,
                     struct cov_area_lookup *out, struct cov_err *err)
{
    out->how = COV_AREA_NONE;
    out->hits = NULL;
    out->n = 0;
    if (layer > COV_COMMUNITIES || !text)
        return 0;
    const struct cov_model *m = s->m;
    size_t n = m->n_areas[layer];
    char *key = trimmed(text);
    int rc = 0;
    if (!key || !(out->hits = malloc((n ? n : 1) * sizeof(*out->hits)))) {
        rc = COV_ENOMEM;
        goto cleanup;
    }
    static const enum cov_area_how steps[] = {COV_AREA_CODE, COV_AREA_NAME, COV_AREA_STEM};
    for (size_t k = 0; k < 3 && !out->n; k++) {
        for (size_t i = 0; i < n; i++) {
            const struct cov_area *a = &m->areas[layer][i];
            int hit;
            if (steps[k] == COV_AREA_CODE) {
                hit = a->code && *key && !strcmp(a->code, key);
            } else {
                hit = cov_place_name_match(layer, a->name, a->ur, key);
                if (hit < 0) {
                    rc = COV_ENOMEM;
                    goto cleanup;
                }
                hit = hit == (steps[k] == COV_AREA_NAME ? 2 : 1);
            }
            if (hit && within(s, layer, (int32_t)i, district, street))
                out->hits[out->n++] = (int32_t)i;
        }
        if (out->n)
            out->how = steps[k];
    }
    if (!out->n) {
        free(out->hits);
        out->hits = NULL;
        rc = suggest(s, layer, key, district, street, max_suggest, out);
    }
cleanup:
    free(key);
    if (rc) {
        cov_area_lookup_release(out);
        out->how = COV_AREA_NONE;
        return cov_err_set(err, rc, _("out of memory looking up '%s'"), text);
    }
    return 0;
}

/* ---- the chosen areas ---- */

int cov_areasel_active(const struct cov_areasel *s)
{
    return s && (s->area[0] >= 0 || s->area[1] >= 0 || s->area[2] >= 0);
}

int cov_areasel_has_org(const struct cov_areasel *s, const struct cov_org *o)
{
    if (!s)
        return 1;
    for (int l = 0; l < NLEV; l++)
        if (s->area[l] >= 0 && o->area[l] != s->area[l])
            return 0;
    return 1;
}

int cov_areasel_has_area(const struct cov_areasel *s, int layer, size_t idx)
{
    if (!s || layer < 0 || layer >= COV_NAREAS || !s->in[layer])
        return 1;
    return idx < s->m->n_areas[layer] && s->in[layer][idx];
}

const unsigned char *cov_areasel_mask(const struct cov_areasel *s, int layer)
{
    return s && layer >= 0 && layer < COV_NAREAS ? s->in[layer] : NULL;
}

size_t cov_areasel_n_orgs(const struct cov_areasel *s)
{
    return s ? s->n_orgs : 0;
}

/* Is administrative area i of layer inside: in every chosen area, or holding it? */
static int admin_inside(const struct cov_areasel *s, int layer, int32_t i)
{
    int32_t anc[NLEV];
    ancestors(s, (enum cov_layer)layer, i, &anc[COV_DISTRICTS], &anc[COV_STREETS]);
    anc[COV_COMMUNITIES] = layer == COV_COMMUNITIES ? i : -1;
    for (int j = 0; j < NLEV; j++) {
        if (s->area[j] < 0)
            continue;
        if (j <= layer) { /* i must lie in the chosen area of level j */
            if (anc[j] != s->area[j])
                return 0;
        } else { /* i must hold the chosen area of the deeper level j */
            int32_t cd, cs;
            ancestors(s, (enum cov_layer)j, (int32_t)s->area[j], &cd, &cs);
            if ((layer == COV_DISTRICTS ? cd : cs) != i)
                return 0;
        }
    }
    return 1;
}

int cov_areasel_choose(struct cov_areasel *s, const long area[3], struct cov_err *err)
{
    const struct cov_model *m = s->m;
    masks_free(s);
    for (int l = 0; l < NLEV; l++)
        s->area[l] = area[l] >= 0 && (size_t)area[l] < m->n_areas[l] ? area[l] : -1;
    s->n_orgs = m->n_orgs;
    if (!cov_areasel_active(s))
        return 0;
    for (int l = 0; l < COV_NAREAS; l++) {
        s->in[l] = calloc(m->n_areas[l] + 1, 1);
        if (!s->in[l]) {
            masks_free(s);
            return cov_err_set(err, COV_ENOMEM, _("out of memory choosing the areas"));
        }
    }
    for (int l = 0; l < NLEV; l++)
        for (size_t i = 0; i < m->n_areas[l]; i++)
            s->in[l][i] = (unsigned char)admin_inside(s, l, (int32_t)i);
    s->n_orgs = 0;
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        if (!cov_areasel_has_org(s, o))
            continue;
        s->n_orgs++;
        for (int l = NLEV; l < COV_NAREAS; l++)
            if (o->area[l] >= 0 && (size_t)o->area[l] < m->n_areas[l])
                s->in[l][o->area[l]] = 1;
    }
    return 0;
}

/* ---- the part of a plan ---- */

static int org_covered(const struct cov_org *o)
{
    return o->status <= COV_ST_FUNCTIONAL;
}

struct cov_plan *cov_areasel_plan(const struct cov_areasel *s, const struct cov_plan *p)
{
    const struct cov_model *m = s->m;
    struct cov_plan *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    *v = *p;
    cov_arena_init(&v->arena);
    v->groups = malloc((p->n_groups + 1) * sizeof(*v->groups));
    v->instructor = malloc((p->n_instructor + 1) * sizeof(*v->instructor));
    v->scopes = malloc((p->n_scopes + 1) * sizeof(*v->scopes));
    if (!v->groups || !v->instructor || !v->scopes) {
        free(v->groups);
        free(v->instructor);
        free(v->scopes);
        free(v);
        return NULL;
    }
    v->n_groups = v->n_instructor = v->n_scopes = 0;
    memset(v->n_kind, 0, sizeof(v->n_kind));
    memset(v->covered_kind, 0, sizeof(v->covered_kind));
    v->joint_cost_m = v->joint_diameter_m = 0;
    long inside = 0, before = 0, after = 0, uncovered = 0;
    for (size_t i = 0; i < m->n_orgs; i++) {
        if (!cov_areasel_has_org(s, &m->orgs[i]))
            continue;
        inside++;
        before += org_covered(&m->orgs[i]);
        uncovered += !org_covered(&m->orgs[i]);
    }
    after = before;
    long in_groups = 0;
    for (size_t g = 0; g < p->n_groups; g++) {
        const struct cov_group *gr = &p->groups[g];
        long k = 0;
        for (size_t j = 0; j < gr->n_members; j++)
            k += gr->members[j] < m->n_orgs && cov_areasel_has_org(s, &m->orgs[gr->members[j]]);
        if (!k)
            continue;
        v->groups[v->n_groups++] = *gr;
        if ((unsigned)gr->kind < COV_G_COUNT) {
            v->n_kind[gr->kind]++;
            v->covered_kind[gr->kind] += k;
        }
        after += k;
        in_groups += k;
        if (gr->kind == COV_G_JOINT) {
            v->joint_cost_m += gr->cost_m;
            v->joint_diameter_m += gr->diameter_m;
        }
    }
    for (size_t i = 0; i < p->n_instructor; i++) {
        size_t o = p->instructor[i];
        if (o < m->n_orgs && cov_areasel_has_org(s, &m->orgs[o]))
            v->instructor[v->n_instructor++] = o;
    }
    v->n_manual = uncovered - in_groups - (long)v->n_instructor;
    if (v->n_manual < 0)
        v->n_manual = 0;
    v->candidates = v->covered = v->bound = 0;
    v->bound_simple = -1; /* not kept per scope area */
    v->optimal_scopes = v->gap = 0;
    for (size_t k = 0; k < p->n_scopes; k++) {
        const struct cov_scope_result *r = &p->scopes[k];
        if (r->area < 0 || !cov_areasel_has_area(s, p->scope, (size_t)r->area))
            continue;
        v->scopes[v->n_scopes++] = *r;
        v->candidates += r->candidates;
        v->covered += r->covered;
        v->bound += r->bound;
        v->optimal_scopes += r->optimal;
        v->gap += r->bound - r->covered;
    }
    v->orgs_covered_before = before;
    v->orgs_covered_after = after;
    v->coverage_rate_after = inside ? (double)after / (double)inside : NAN;
    return v;
}
