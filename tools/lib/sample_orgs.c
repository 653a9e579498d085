/*
 * sample_orgs.c - the sample's social organizations: how many per community,
 * where each sits (round the community centre, in a park or building, or by
 * density), its name, attributes (members, staff, rating) and a valid,
 * unique unified social credit code.
 */
#include "sample.h"
#include "sample_geom.h"
#include "die.h"
#include "../../geodata/creditcode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_taken(const struct sample *s, const char *nm)
{
    for (int i = 0; i < s->n_orgs; i++)
        if (strcmp(s->orgs[i].name, nm) == 0)
            return 1;
    return 0;
}

int sample_code_taken(const struct sample *s, const char *code)
{
    for (int i = 0; i < s->n_orgs; i++)
        if (strcmp(s->orgs[i].code, code) == 0)
            return 1;
    return 0;
}

/* GB 11714 organization code check character over 8 characters. */
static char orgcode_check(const char *c8)
{
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        int v = c8[i] >= 'A' ? c8[i] - 'A' + 10 : c8[i] - '0';
        sum += v * w[i];
    }
    int c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* The check character computed here, to cross-check geodata's. */
char sample_gb32100_check(const char *c17)
{
    static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (int)(strchr(alpha, c17[i]) - alpha) * w[i];
    int c = 31 - sum % 31;
    return alpha[c == 31 ? 0 : c];
}

static void make_code(struct sample *s, struct org *o)
{
    do {
        char c[19];
        snprintf(c, sizeof(c), "5%d%sMJ%06d", o->kind, s->counties[o->county].code,
                 rng_int(&s->rng, 1000000));
        c[16] = orgcode_check(c + 8);
        c[17] = 0;
        char k = geo_creditcode_check_char(c);
        if (k == 0 || k != sample_gb32100_check(c))
            die("check character mismatch for %s: geodata '%c', mksample '%c'", c, k ? k : '?',
                sample_gb32100_check(c));
        c[17] = k;
        c[18] = 0;
        memcpy(o->code, c, sizeof(o->code));
    } while (sample_code_taken(s, o->code));
    char why[160];
    if (geo_creditcode_check(o->code, why, sizeof(why)) != 0)
        die("generated credit code %s is invalid: %s", o->code, why);
}

static struct org *new_org(struct sample *s)
{
    if (s->n_orgs == s->cap_orgs) {
        s->cap_orgs = s->cap_orgs ? s->cap_orgs * 2 : 1024;
        s->orgs = xrealloc(s->orgs, (size_t)s->cap_orgs * sizeof(*s->orgs));
    }
    struct org *o = &s->orgs[s->n_orgs];
    memset(o, 0, sizeof(*o));
    o->park = o->bldg = -1;
    return o;
}

/* Formal Party members: mostly 0-2, a minority >= 3. */
static int draw_members(struct sample *s, int small)
{
    double r = rng_unif(&s->rng);
    if (small) /* community orgs and the uncovered park/building clusters */
        return r < 0.56 ? 0 : r < 0.82 ? 1 : r < 0.93 ? 2 : 3 + rng_int(&s->rng, 4);
    if (r < 0.47)
        return 0;
    if (r < 0.69)
        return 1;
    if (r < 0.81)
        return 2;
    return 3 + (int)(27.0 * pow(rng_unif(&s->rng), 2.5));
}

static void fill_attributes(struct sample *s, struct org *o, int small)
{
    o->members = draw_members(s, small);
    /* untransferred members: a few, rarely 3 or more (functional-branch cases) */
    double u = rng_unif(&s->rng);
    o->untransferred = u < 0.86 ? 0 : u < 0.995 ? 1 + rng_int(&s->rng, 2) : 3 + rng_int(&s->rng, 3);
    if (o->industry == I_TRADE && !o->community_org && rng_chance(&s->rng, 0.05))
        o->untransferred = 3 + rng_int(&s->rng, 4);
    double median = o->community_org ? 4 : o->members >= 3 ? 25 : 8;
    int staff = (int)lround(median * exp(rng_normal(&s->rng) * 0.9));
    if (o->community_org && staff > 30)
        staff = 30;
    if (staff < o->members + o->untransferred)
        staff = o->members + o->untransferred;
    o->staff = staff < 1 ? 1 : staff > 200 ? 200 : staff;
    static const char *const ratings[] = {"5A", "4A", "3A", "2A", "1A"};
    static const double rw[] = {2, 5, 9, 5, 2, 77};
    int k = rng_pick(&s->rng, rw, 6);
    o->rating = o->community_org || k == 5 ? NULL : ratings[k];
}

static void finish_org(struct sample *s, struct org *o, int small, int community)
{
    o->community_org = community;
    char base[160];
    for (int tries = 0;; tries++) {
        if (community)
            sample_name_community_org(s, o, &s->comms[o->comm]);
        else
            sample_name_org(s, o);
        if (!name_taken(s, o->name))
            break;
        if (tries > 40) { /* a distinct name: add a brand word */
            snprintf(base, sizeof(base), "%s", o->name);
            size_t l = strlen(base);
            snprintf(o->name, sizeof(o->name), "%.*s%s%s", (int)(l > 9 ? l - 9 : 0), base,
                     sample_brand(s), base + (l > 9 ? l - 9 : 0));
            if (!name_taken(s, o->name))
                break;
        }
        if (tries > 200)
            die("cannot find a free organization name");
    }
    fill_attributes(s, o, small);
    make_code(s, o);
    s->n_orgs++;
}

static void set_location(struct sample *s, struct org *o, double x, double y, int comm)
{
    o->x = round(x * 1e6) / 1e6;
    o->y = round(y * 1e6) / 1e6;
    o->comm = comm;
    o->town = s->comms[comm].town;
    o->county = s->towns[o->town].county;
}

/* Number of community social orgs per community: uneven, so that a good
 * share of communities miss clause 11's target (urban 5, rural 2). */
static void draw_community_targets(struct sample *s)
{
    for (int i = 0; i < s->n_comms; i++) {
        struct comm *m = &s->comms[i];
        int central = s->counties[s->towns[m->town].county].central;
        if (m->urban) {
            double meet = central ? 0.26 : 0.11;
            if (rng_chance(&s->rng, meet))
                m->n_corg = 5 + (int)(4.0 * pow(rng_unif(&s->rng), 3));
            else {
                static const double w[] = {50, 25, 13, 8, 4};
                m->n_corg = rng_pick(&s->rng, w, 5);
            }
        } else {
            if (rng_chance(&s->rng, central ? 0.25 : 0.12))
                m->n_corg = 2 + (rng_chance(&s->rng, 0.3) ? 1 : 0);
            else
                m->n_corg = rng_chance(&s->rng, 0.15) ? 1 : 0;
        }
    }
}

static int point_in_comm(struct sample *s, int ci, double *x, double *y)
{
    struct comm *m = &s->comms[ci];
    return sg_random_point_in(s->gh, &s->rng, m->cell, m->prep, m->boundary, EDGE_MARGIN, x, y);
}

/* A point near the community's centre (its seed point, where the community
 * centre, the 党群服务中心, stands): Gaussian with sigma metres, at least
 * EDGE_MARGIN inside; anywhere in the community if the cell is too tight. */
static int point_near_centre(struct sample *s, int ci, double sigma, double *x, double *y)
{
    struct comm *m = &s->comms[ci];
    for (int tries = 0; tries < 60; tries++) {
        double px = m->x + rng_normal(&s->rng) * sigma / M_PER_DEG_LON;
        double py = m->y + rng_normal(&s->rng) * sigma / M_PER_DEG_LAT;
        if (px < m->xmin || px > m->xmax || py < m->ymin || py > m->ymax ||
            !sg_contains(s->gh, m->prep, px, py) ||
            sg_dist(s->gh, m->boundary, px, py) < EDGE_MARGIN)
            continue;
        *x = px;
        *y = py;
        return 1;
    }
    return point_in_comm(s, ci, x, y);
}

/* Where an organization of community ci sits: most cluster round the
 * community centre (urban within a few hundred metres, villages a little
 * wider), the others anywhere in the community. */
static int place_in_comm(struct sample *s, int ci, double p_cluster, double *x, double *y)
{
    if (rng_chance(&s->rng, p_cluster))
        return point_near_centre(s, ci, s->comms[ci].urban ? 130.0 : 250.0, x, y);
    return point_in_comm(s, ci, x, y);
}

void sample_make_orgs(struct sample *s)
{
    draw_community_targets(s);
    int n_community = 0;
    for (int i = 0; i < s->n_comms; i++)
        n_community += s->comms[i].n_corg;
    int n_other = (int)lround(n_community * 55.0 / 45.0);
    int n_in_parks = n_other * 10 / 100, n_in_bldgs = n_other * 6 / 100;

    /* community social organizations in their community */
    for (int i = 0; i < s->n_comms; i++)
        for (int k = 0; k < s->comms[i].n_corg; k++) {
            struct org *o = new_org(s);
            double x, y;
            if (!place_in_comm(s, i, s->comms[i].urban ? 0.85 : 0.7, &x, &y))
                die("community %s: no room for an organization", s->comms[i].code);
            set_location(s, o, x, y, i);
            finish_org(s, o, 1, 1);
        }
    /* clusters in parks and buildings */
    for (int k = 0; k < n_in_parks + n_in_bldgs; k++) {
        int is_park = k < n_in_parks;
        int pi = is_park ? rng_int(&s->rng, s->n_parks) : rng_int(&s->rng, s->n_bldgs);
        struct place *p = is_park ? &s->parks[pi] : &s->bldgs[pi];
        double x = 0, y = 0;
        int ci = -1;
        for (int tries = 0; tries < 2000 && ci < 0; tries++) {
            if (is_park) {
                if (!sg_random_point_in(s->gh, &s->rng, p->geom, p->prep, p->boundary, EDGE_MARGIN,
                                        &x, &y))
                    continue;
            } else {
                /* v before u: see sample.h on draw order */
                double v = rng_range(&s->rng, -0.7, 0.7), u = rng_range(&s->rng, -0.7, 0.7);
                sample_bldg_corner(p, u, v, &x, &y);
            }
            ci = sample_find_comm(s, x, y);
        }
        if (ci < 0)
            die("%s: no room for an organization", p->name);
        struct org *o = new_org(s);
        set_location(s, o, x, y, ci);
        if (is_park)
            o->park = pi;
        else
            o->bldg = pi;
        finish_org(s, o, !p->covered, 0);
    }
    /* the rest by density: the centre and urban communities first */
    double *w = xcalloc((size_t)s->n_comms, sizeof(double));
    for (int i = 0; i < s->n_comms; i++) {
        int central = s->counties[s->towns[s->comms[i].town].county].central;
        w[i] = s->comms[i].urban ? (central ? 6.0 : 3.0) : 0.6;
    }
    int rest = n_other - n_in_parks - n_in_bldgs;
    for (int k = 0; k < rest; k++) {
        int ci = rng_pick(&s->rng, w, s->n_comms);
        double x, y;
        if (!place_in_comm(s, ci, s->comms[ci].urban ? 0.7 : 0.5, &x, &y))
            die("community %s: no room for an organization", s->comms[ci].code);
        struct org *o = new_org(s);
        set_location(s, o, x, y, ci);
        finish_org(s, o, 0, 0);
    }
    free(w);
}
