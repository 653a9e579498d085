/*
 * sample_party.c - the Party organizations of the sample's social
 * organizations (standalone, functional, regional, industry, joint) and the
 * Party-building instructors.
 */
#include "sample.h"
#include "die.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Existing joint branches (step 5 of sample_assign_party). */
#define JOINT_PROGRESS_LO 0.60
#define JOINT_PROGRESS_HI 1.00
#define JOINT_URBAN_FACTOR 0.55
#define JOINT_REACH_M 1500.0

static void give_party(struct sample *s, struct org *o, enum party p)
{
    o->party = p;
    snprintf(o->party_id, sizeof(o->party_id), "%s%c%04d", s->counties[o->county].code,
             sample_party_letters[p], ++s->seq_party[o->county][p]);
}

static void share_party(struct org *o, const struct org *host)
{
    o->party = host->party;
    memcpy(o->party_id, host->party_id, sizeof(o->party_id));
}

static int in_uncovered_cluster(const struct sample *s, const struct org *o)
{
    return (o->park >= 0 && !s->parks[o->park].covered) ||
           (o->bldg >= 0 && !s->bldgs[o->bldg].covered);
}

static int is_assoc(const char *name)
{
    return strstr(name, "协会") || strstr(name, "学会") || strstr(name, "商会") ||
           strstr(name, "研究会");
}

/* Squared distances from the current seed, for by_dist (qsort has no context). */
static double *dist_key;
static int by_dist(const void *a, const void *b)
{
    double da = dist_key[*(const int *)a], db = dist_key[*(const int *)b];
    return da < db ? -1 : da > db ? 1 : *(const int *)a - *(const int *)b;
}

void sample_assign_party(struct sample *s)
{
    /* 1. standalone for most with >= 3 formal members */
    for (int i = 0; i < s->n_orgs; i++)
        if (s->orgs[i].members >= 3 && rng_chance(&s->rng, 0.85))
            give_party(s, &s->orgs[i], P_STANDALONE);
    /* 2. functional branches for a few associations with untransferred members */
    for (int i = 0; i < s->n_orgs; i++) {
        struct org *o = &s->orgs[i];
        if (o->party == P_NONE && o->members < 3 && o->untransferred >= 3 && o->staff >= 5 &&
            is_assoc(o->name) && rng_chance(&s->rng, 0.5))
            give_party(s, o, P_FUNCTIONAL);
    }
    /* 3. regional branches in the covered parks and buildings */
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? s->n_bldgs : s->n_parks;
        for (int pi = 0; pi < n; pi++) {
            struct place *p = pass ? &s->bldgs[pi] : &s->parks[pi];
            if (!p->covered)
                continue;
            struct org *host = NULL;
            for (int i = 0; i < s->n_orgs; i++) {
                struct org *o = &s->orgs[i];
                if ((pass ? o->bldg : o->park) != pi || o->party != P_NONE ||
                    rng_chance(&s->rng, 0.1))
                    continue;
                if (!host) {
                    give_party(s, o, P_REGIONAL);
                    host = o;
                } else {
                    share_party(o, host);
                }
            }
        }
    }
    /* 4. one industry Party organization per county, over one trade */
    for (int ci = 0; ci < s->n_counties; ci++) {
        static const int ind_for[6] = {I_TRADE, I_EDU, I_TRADE, I_ELDER, I_TRADE, I_SOCIAL};
        struct org *host = NULL;
        int taken = 0;
        for (int i = 0; i < s->n_orgs && taken < 9; i++) {
            struct org *o = &s->orgs[i];
            if (o->county != ci || o->party != P_NONE || o->community_org ||
                o->industry != ind_for[ci] || in_uncovered_cluster(s, o) ||
                rng_chance(&s->rng, 0.4))
                continue;
            if (!host) {
                give_party(s, o, P_INDUSTRY);
                host = o;
            } else {
                share_party(o, host);
            }
            taken++;
        }
    }
    /* 5. joint branches: a seed with 1-2 members plus its nearest uncovered
     * neighbours in the same town (within JOINT_REACH_M of the seed), <= 5
     * units, >= 3 members together. How far a town has got differs: each town
     * draws the share of its small organizations that start a branch, and
     * urban streets, where small organizations multiply fastest, lag. */
    double *progress = xcalloc((size_t)s->n_towns, sizeof(double));
    for (int t = 0; t < s->n_towns; t++) {
        int urban = 0, n = s->towns[t].n_comm;
        for (int j = 0; j < n; j++)
            urban += s->comms[s->towns[t].first_comm + j].urban;
        progress[t] = rng_range(&s->rng, JOINT_PROGRESS_LO, JOINT_PROGRESS_HI) *
                      (n && 2 * urban > n ? JOINT_URBAN_FACTOR : 1.0);
    }
    int *order = xcalloc((size_t)s->n_orgs, sizeof(int));
    int *cand = xcalloc((size_t)s->n_orgs, sizeof(int));
    dist_key = xcalloc((size_t)s->n_orgs, sizeof(double));
    for (int i = 0; i < s->n_orgs; i++)
        order[i] = i;
    for (int i = s->n_orgs - 1; i > 0; i--) {
        int j = rng_int(&s->rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int k = 0; k < s->n_orgs; k++) {
        struct org *seed = &s->orgs[order[k]];
        if (seed->party != P_NONE || seed->members < 1 || seed->members > 2 ||
            in_uncovered_cluster(s, seed) || !rng_chance(&s->rng, progress[seed->town]))
            continue;
        int nc = 0;
        for (int i = 0; i < s->n_orgs; i++) {
            struct org *o = &s->orgs[i];
            if (o == seed || o->party != P_NONE || o->town != seed->town || o->members >= 3 ||
                in_uncovered_cluster(s, o))
                continue;
            double dx = (o->x - seed->x) * M_PER_DEG_LON, dy = (o->y - seed->y) * M_PER_DEG_LAT;
            dist_key[i] = dx * dx + dy * dy;
            if (dist_key[i] > JOINT_REACH_M * JOINT_REACH_M)
                continue;
            cand[nc++] = i;
        }
        qsort(cand, (size_t)nc, sizeof(int), by_dist);
        int group[5] = {(int)(seed - s->orgs)}, ng = 1, sum = seed->members;
        for (int c = 0; c < nc && ng < 5; c++) {
            struct org *o = &s->orgs[cand[c]];
            if (sum >= 3 && ng >= 3 && rng_chance(&s->rng, 0.06))
                break;
            if (sum < 3 && o->members == 0 && ng >= 3)
                continue; /* keep room for a member-holding unit */
            if (sum >= 3 && o->members > 0)
                continue; /* enough members: fill the seats with memberless units */
            group[ng++] = cand[c];
            sum += o->members;
        }
        if (sum < 3)
            continue;
        give_party(s, seed, P_JOINT);
        for (int g = 1; g < ng; g++)
            share_party(&s->orgs[group[g]], seed);
    }
    free(order);
    free(cand);
    free(dist_key);
    free(progress);
    /* 6. Party-building instructors, mostly where no organization exists yet */
    for (int i = 0; i < s->n_orgs; i++) {
        struct org *o = &s->orgs[i];
        if (o->members == 0)
            o->instructor = rng_chance(&s->rng, o->party == P_NONE ? 0.45 : 0.08);
        else if (o->party == P_NONE)
            o->instructor = rng_chance(&s->rng, 0.25);
    }
}
