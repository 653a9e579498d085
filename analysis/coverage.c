/* coverage.c - coverage status, summaries, filters and data-quality findings. */
#include "coverage.h"

#include "areasel.h"

#include "labels.h"
#include "place.h"
#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[COV_ST_COUNT] = {
    "standalone", "joint", "regional", "industry", "functional", "eligible", "small", "no_members"};

const char *cov_status_name(enum cov_status st)
{
    return (unsigned)st < COV_ST_COUNT ? status_names[st] : "unknown";
}

int cov_status_find(const char *name)
{
    for (int i = 0; name && i < COV_ST_COUNT; i++)
        if (!strcmp(name, status_names[i]))
            return i;
    return -1;
}

const char *cov_route_name(enum cov_status st)
{
    switch (st) {
    case COV_ST_ELIGIBLE:
        return "standalone";
    case COV_ST_SMALL:
        return "joint_or_regional";
    case COV_ST_NO_MEMBERS:
        return "instructor";
    default:
        return NULL;
    }
}

const char *cov_route_name_zh(enum cov_status st)
{
    return cov_label_route(st, COV_LANG_ZH);
}

double cov_rate(long num, long den)
{
    return den == 0 ? NAN : (double)num / (double)den;
}

static int standalone_eligible(const struct cov_org *o, const struct cov_policy *p)
{
    return o->formal_members > 0 && o->formal_members >= p->v[COV_P_STANDALONE_MIN_MEMBERS];
}

enum cov_status cov_status_of(const struct cov_org *o, const struct cov_policy *p)
{
    switch (o->party) {
    case COV_PARTY_STANDALONE:
        return COV_ST_STANDALONE;
    case COV_PARTY_JOINT:
        return COV_ST_JOINT;
    case COV_PARTY_REGIONAL:
        return COV_ST_REGIONAL;
    case COV_PARTY_INDUSTRY:
        return COV_ST_INDUSTRY;
    case COV_PARTY_FUNCTIONAL:
        return COV_ST_FUNCTIONAL;
    default:
        break;
    }
    if (standalone_eligible(o, p))
        return COV_ST_ELIGIBLE;
    return o->formal_members > 0 ? COV_ST_SMALL : COV_ST_NO_MEMBERS;
}

void cov_classify(struct cov_model *m)
{
    for (size_t i = 0; i < m->n_orgs; i++)
        m->orgs[i].status = cov_status_of(&m->orgs[i], &m->policy);
    m->classified = 1;
}

static int has_areas(const struct cov_model *m)
{
    for (int l = 0; l < COV_NAREAS; l++)
        if (m->n_areas[l])
            return 1;
    return 0;
}

static void summary_add(struct cov_summary *s, const struct cov_org *o, const struct cov_policy *p,
                        int count_outside)
{
    enum cov_status st = cov_status_of(o, p);
    int covered = o->party != COV_PARTY_NONE;
    s->organizations++;
    s->by_status[st]++;
    s->covered += covered;
    if (standalone_eligible(o, p)) {
        s->standalone_eligible++;
        s->standalone_formed += o->party == COV_PARTY_STANDALONE;
    }
    if (!covered && o->formal_members <= 0) {
        s->no_members++;
        s->work_covered += o->instructor == 1;
    }
    if (count_outside && o->placed == COV_PLACED_POINT && o->area[COV_COMMUNITIES] < 0)
        s->outside_all_communities++;
    if (o->placed >= 0 && o->placed < COV_PLACED_COUNT)
        s->placed[o->placed]++;
}

static void summary_rates(struct cov_summary *s)
{
    s->coverage_rate = cov_rate(s->covered, s->organizations);
    s->standalone_rate = cov_rate(s->standalone_formed, s->standalone_eligible);
}

int cov_summarize(const struct cov_model *m, int by, struct cov_summary *total,
                  struct cov_summary **per_area, struct cov_err *err)
{
    return cov_summarize_in(m, NULL, by, total, per_area, err);
}

int cov_summarize_in(const struct cov_model *m, const struct cov_areasel *sel, int by,
                     struct cov_summary *total, struct cov_summary **per_area, struct cov_err *err)
{
    if (per_area)
        *per_area = NULL;
    if (by >= COV_NAREAS || (by >= 0 && !per_area))
        return cov_err_set(err, COV_EINPUT, _("cannot summarize by layer %d (expected 0 to %d)"),
                           by, COV_NAREAS - 1);
    if (has_areas(m) && !m->assigned)
        return cov_err_set(err, COV_EINPUT,
                           _("organizations are not assigned to the current areas; "
                             "recompute the assignments first"));
    int count_outside = m->n_areas[COV_COMMUNITIES] > 0;
    struct cov_summary *pa = NULL;
    size_t na = by >= 0 ? m->n_areas[by] : 0;
    if (na) {
        pa = cov_calloc_huge(na, sizeof(*pa)); /* 10^2 MB at 6x10^5 communities */
        if (!pa)
            return cov_err_set(err, COV_ENOMEM, _("out of memory summarizing %zu %s"), na,
                               cov_layer_name(by));
    }
    struct cov_summary t;
    memset(&t, 0, sizeof(t));
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        if (!cov_areasel_has_org(sel, o))
            continue;
        summary_add(&t, o, &m->policy, count_outside);
        if (pa && o->area[by] >= 0 && (size_t)o->area[by] < na)
            summary_add(&pa[o->area[by]], o, &m->policy, count_outside);
    }
    summary_rates(&t);
    for (size_t a = 0; a < na; a++)
        summary_rates(&pa[a]);
    if (total)
        *total = t;
    if (per_area)
        *per_area = pa;
    return 0;
}

void cov_filter_init(struct cov_filter *f)
{
    f->district = f->street = f->community = -1;
    f->members_min = f->members_max = -1;
    f->kind = f->industry = NULL;
    f->uncovered_only = 0;
}

static int area_match(const struct cov_org *o, int layer, long want)
{
    return want < 0 || (long)o->area[layer] == want;
}

static int text_match(const char *have, const char *want)
{
    return !want || (have && !strcmp(have, want));
}

int cov_filter_match(const struct cov_model *m, const struct cov_org *o, const struct cov_filter *f)
{
    (void)m;
    if (f->uncovered_only && o->party != COV_PARTY_NONE)
        return 0;
    if (!area_match(o, COV_DISTRICTS, f->district) || !area_match(o, COV_STREETS, f->street) ||
        !area_match(o, COV_COMMUNITIES, f->community))
        return 0;
    if (f->members_min >= 0 && o->formal_members < f->members_min)
        return 0;
    if (f->members_max >= 0 && o->formal_members > f->members_max)
        return 0;
    return text_match(o->kind, f->kind) && text_match(o->industry, f->industry);
}

/* ---- findings ---- */

const char *cov_finding_name(enum cov_finding_kind k)
{
    switch (k) {
    case COV_F_DIVISION_MISMATCH:
        return "division_mismatch";
    case COV_F_OUTSIDE_COMMUNITIES:
        return "outside_communities";
    case COV_F_OUTSIDE_DISTRICTS:
        return "outside_districts";
    }
    return "unknown";
}

/* An 18-character code over 0-9/A-Z whose characters 3-8 are digits. */
static int credit_code_shaped(const char *id)
{
    if (!id || strlen(id) != 18)
        return 0;
    for (int i = 0; i < 18; i++) {
        char c = id[i];
        int ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        if (!ok || (i >= 2 && i < 8 && !(c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

struct findings {
    struct cov_finding *v;
    size_t n, cap;
};

static struct cov_finding *findings_push(struct findings *f, enum cov_finding_kind k, size_t org)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct cov_finding *v = realloc(f->v, cap * sizeof(*v));
        if (!v)
            return NULL;
        f->v = v;
        f->cap = cap;
    }
    struct cov_finding *x = &f->v[f->n++];
    x->kind = k;
    x->org = org;
    x->detail[0] = 0;
    return x;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

int cov_findings(const struct cov_model *m, struct cov_finding **out, size_t *n,
                 struct cov_err *err)
{
    *out = NULL;
    *n = 0;
    if (has_areas(m) && !m->assigned)
        return cov_err_set(err, COV_EINPUT,
                           _("organizations are not assigned to the current areas; "
                             "recompute the assignments first"));
    struct findings f = {NULL, 0, 0};
    int have_d = m->n_areas[COV_DISTRICTS] > 0, have_c = m->n_areas[COV_COMMUNITIES] > 0;
    for (size_t i = 0; i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        struct cov_finding *x;
        int32_t d = o->area[COV_DISTRICTS];
        if (have_d && d >= 0 && credit_code_shaped(o->id)) {
            const char *dc = m->areas[COV_DISTRICTS][d].code;
            if (dc && strlen(dc) >= 6 && strncmp(o->id + 2, dc, 6) != 0) {
                if (!(x = findings_push(&f, COV_F_DIVISION_MISMATCH, i)))
                    goto oom;
                snprintf(x->detail, sizeof(x->detail),
                         _("%s: credit code division %.6s, but %s in district %.6s (%s)"), o->id,
                         o->id + 2,
                         o->placed == COV_PLACED_POINT ? _("the point is") : _("it is placed"), dc,
                         nz(m->areas[COV_DISTRICTS][d].name));
            }
        }
        if (o->placed != COV_PLACED_POINT)
            continue; /* placed by text: never outside what it was placed to */
        if (have_c && o->area[COV_COMMUNITIES] < 0) {
            if (!(x = findings_push(&f, COV_F_OUTSIDE_COMMUNITIES, i)))
                goto oom;
            snprintf(x->detail, sizeof(x->detail), _("%s: outside every community (%.1f, %.1f)"),
                     nz(o->id), o->x, o->y);
        }
        if (have_d && d < 0) {
            if (!(x = findings_push(&f, COV_F_OUTSIDE_DISTRICTS, i)))
                goto oom;
            snprintf(x->detail, sizeof(x->detail), _("%s: outside every district (%.1f, %.1f)"),
                     nz(o->id), o->x, o->y);
        }
    }
    *out = f.v;
    *n = f.n;
    return 0;
oom:
    free(f.v);
    return cov_err_set(err, COV_ENOMEM, _("out of memory listing data-quality findings"));
}
