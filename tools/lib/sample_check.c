/*
 * sample_check.c - checks the sample before it is written (valid polygons
 * inside their county, organizations inside their community with valid
 * codes) and prints the summary of what was made.
 */
#include "sample.h"
#include "sample_geom.h"
#include "die.h"
#include "../../geodata/creditcode.h"

#include <stdio.h>

void sample_check(struct sample *s)
{
    int bad = 0;
    GEOSGeometry *grown_g[SAMPLE_N_COUNTIES];
    const GEOSPreparedGeometry *grown[SAMPLE_N_COUNTIES];
    for (int i = 0; i < s->n_counties; i++) {
        grown_g[i] = GEOSBuffer_r(s->gh, s->counties[i].geom, 1e-5, 8);
        if (!grown_g[i])
            die("GEOS buffer: %s", cov_geos_last_error(s->gh));
        grown[i] = GEOSPrepare_r(s->gh, grown_g[i]);
    }
    for (int i = 0; i < s->n_towns; i++)
        if (GEOSisValid_r(s->gh, s->towns[i].cell) != 1)
            fprintf(stderr, "invalid town cell %s\n", s->towns[i].code), bad++;
    for (int i = 0; i < s->n_comms; i++) {
        struct comm *m = &s->comms[i];
        if (GEOSisValid_r(s->gh, m->cell) != 1 || GEOSisEmpty_r(s->gh, m->cell) != 0)
            fprintf(stderr, "invalid or empty community cell %s\n", m->code), bad++;
        /* snapping to 1e-6 degrees moves vertices by < 0.1 m: allow 1 m */
        if (GEOSPreparedCovers_r(s->gh, grown[s->towns[m->town].county], m->cell) != 1)
            fprintf(stderr, "community %s sticks out of its county\n", m->code), bad++;
    }
    for (int i = 0; i < s->n_parks; i++)
        bad += GEOSisValid_r(s->gh, s->parks[i].geom) != 1;
    for (int i = 0; i < s->n_bldgs; i++)
        bad += GEOSisValid_r(s->gh, s->bldgs[i].geom) != 1;
    for (int i = 0; i < s->n_orgs; i++) {
        struct org *o = &s->orgs[i];
        if (!sg_contains(s->gh, s->counties[o->county].prep, o->x, o->y) ||
            !sg_contains(s->gh, s->comms[o->comm].prep, o->x, o->y))
            fprintf(stderr, "organization %s outside its community\n", o->code), bad++;
        if (geo_creditcode_check(o->code, NULL, 0) != 0)
            fprintf(stderr, "organization %s: bad credit code\n", o->code), bad++;
    }
    for (int i = 0; i < s->n_counties; i++) {
        GEOSPreparedGeom_destroy_r(s->gh, grown[i]);
        GEOSGeom_destroy_r(s->gh, grown_g[i]);
    }
    if (bad)
        die("%d checks failed", bad);
}

void sample_report(const struct sample *s)
{
    int n_by_party[N_PARTY] = {0}, n_kind[4] = {0}, n_comm_org = 0, eligible = 0, standalone = 0;
    int memberless = 0, instr_memberless = 0, members_hist[4] = {0};
    for (int i = 0; i < s->n_orgs; i++) {
        struct org *o = &s->orgs[i];
        n_by_party[o->party]++;
        n_kind[o->kind]++;
        n_comm_org += o->community_org;
        if (o->members >= 3) {
            eligible++;
            standalone += o->party == P_STANDALONE;
        }
        members_hist[o->members > 3 ? 3 : o->members]++;
        if (o->members == 0) {
            memberless++;
            instr_memberless += o->instructor;
        }
    }
    int urban = 0, rural = 0, urban_ok = 0, rural_ok = 0;
    for (int i = 0; i < s->n_comms; i++) {
        if (s->comms[i].urban) {
            urban++;
            urban_ok += s->comms[i].n_corg >= 5;
        } else {
            rural++;
            rural_ok += s->comms[i].n_corg >= 2;
        }
    }
    printf("districts %d, streets %d, communities %d (urban %d, rural %d), parks %d, "
           "buildings %d\n",
           s->n_counties, s->n_towns, s->n_comms, urban, rural, s->n_parks, s->n_bldgs);
    printf("real points: towns %d of %d, communities %d (%d known points not usable)\n",
           s->n_real_town_pts, s->n_towns, s->n_real_comm_pts, s->n_comm_pts_rejected);
    for (int i = 0; i < s->n_virtual; i++)
        printf("virtual unit kept as its town's community: %s\n", s->virtual_units[i]);
    printf("organizations %d: 社会团体 %d, 民办非企业单位 %d, 基金会 %d; community orgs %d\n",
           s->n_orgs, n_kind[1], n_kind[2], n_kind[3], n_comm_org);
    printf("formal members 0: %d, 1: %d, 2: %d, >=3: %d\n", members_hist[0], members_hist[1],
           members_hist[2], members_hist[3]);
    printf("party organization: none %d, standalone %d, joint %d, regional %d, industry %d, "
           "functional %d; covered %.1f %%\n",
           n_by_party[0], n_by_party[1], n_by_party[2], n_by_party[3], n_by_party[4], n_by_party[5],
           100.0 * (s->n_orgs - n_by_party[0]) / s->n_orgs);
    printf("eligible (>= 3 members) %d, standalone %d (%.1f %%)\n", eligible, standalone,
           100.0 * standalone / (eligible ? eligible : 1));
    printf("instructor for memberless orgs: %d of %d (%.1f %%)\n", instr_memberless, memberless,
           100.0 * instr_memberless / (memberless ? memberless : 1));
    printf("clause 11 met: urban %d of %d, rural %d of %d\n", urban_ok, urban, rural_ok, rural);
}
