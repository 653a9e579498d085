/*
 * sample.h - the Lianyungang sample generator's world (tools/mksample.c):
 * counties, towns, communities, parks, buildings and organizations, and the
 * stages that read, synthesize, check and write them.
 *
 * Stages run in the order mksample calls them, all drawing from s->rng: the
 * sample is reproducible to the byte only while each stage makes the same
 * draws in the same order. Draw order: never draw twice in one expression
 * whose order C leaves open (the arguments of one call); where the first
 * generator did, GCC drew the last argument first, and the code now says
 * so in separate statements, so the sample no longer depends on the compiler. Coordinates are
 * GCJ-02 lon/lat degrees. Every stage dies (tools/lib/die.h) on bad input or a GEOS/GDAL failure.
 *
 *   sample_read.c       the reference data (county boundaries, NBS codes)
 *   sample_areas.c      town and community cells (Voronoi)
 *   sample_places.c     parks and buildings
 *   sample_names.c      name tables and the labels the files use
 *   sample_orgs.c       organizations: place, name, attributes, credit code
 *   sample_party.c      their Party organizations
 *   sample_check.c      checks before writing, the summary after
 *   sample_write.c      the layers and organizations.xlsx
 *   sample_register.c   the register-shaped rows (sample_register.h)
 *   sample_register_write.c  organizations-register.xlsx and the truth file
 */
#ifndef TOOLS_SAMPLE_H
#define TOOLS_SAMPLE_H

#include "../../analysis/geos.h"
#include "rng.h"

#include <stddef.h>
#include <stdint.h>

#define SAMPLE_PI 3.14159265358979323846

/* Size of a degree around Lianyungang (34.6 N), metres. */
#define M_PER_DEG_LAT 110950.0
#define M_PER_DEG_LON 91480.0

/* Orgs keep this far from community / park boundaries (degrees, ~15 m), so
 * that the GCJ-02 -> WGS84 -> projected transform on import cannot move a
 * point across an edge. */
#define EDGE_MARGIN 0.00015

#define SAMPLE_N_COUNTIES 6 /* Lianyungang's districts and counties; the reader wants all six */

struct county {
    char code[7];
    char name[32];
    GEOSGeometry *geom;
    const GEOSPreparedGeometry *prep;
    int central; /* 海州区, 连云区: the city centre */
};

struct town {
    char code[10]; /* 9-digit NBS town code */
    char name[64];
    int county;
    double x, y;
    int real_pt;
    GEOSGeometry *cell;
    const GEOSPreparedGeometry *prep;
    int first_comm, n_comm; /* real communities, contiguous in comms[] */
};

struct comm {
    char code[13];
    char name[96];
    char ur[4];
    int town;
    int urban;
    double x, y;
    int real_pt;
    int virtual_unit; /* 虚拟社区 of the list: no road is named after it */
    GEOSGeometry *cell;
    const GEOSPreparedGeometry *prep;
    GEOSGeometry *boundary;
    double xmin, ymin, xmax, ymax;
    int n_corg; /* community social organizations to place */
};

struct place { /* a park or a building */
    char code[16];
    char name[96];
    int county;
    int covered;                /* has a regional Party organization */
    double cx, cy, half, angle; /* buildings: square centre, half side (m), rotation */
    GEOSGeometry *geom;
    const GEOSPreparedGeometry *prep;
    GEOSGeometry *boundary;
};

enum party { P_NONE, P_STANDALONE, P_JOINT, P_REGIONAL, P_INDUSTRY, P_FUNCTIONAL, N_PARTY };
enum { K_GROUP = 1, K_PRIVATE = 2, K_FOUNDATION = 3 };
enum { I_EDU, I_ELDER, I_CULTURE, I_SOCIAL, I_TRADE, I_TECH, I_HEALTH, I_CHARITY, N_IND };

struct org {
    char code[19];
    char name[160];
    int kind;
    int community_org;
    int industry;
    const char *sector; /* concrete 所属行业 of a sector association, else NULL */
    const char *rating;
    int members, untransferred, staff;
    enum party party;
    char party_id[24];
    int instructor;
    double x, y;
    int county, town, comm, park, bldg;
};

struct sample {
    GEOSContextHandle_t gh;
    struct rng rng;
    struct county counties[SAMPLE_N_COUNTIES];
    int n_counties;
    struct town *towns;
    int n_towns;
    struct comm *comms;
    int n_comms;
    struct place parks[8], bldgs[24];
    int n_parks, n_bldgs;
    struct org *orgs;
    int n_orgs, cap_orgs;
    /* Virtual units of the adcode CSV (kept: each is the only unit of its town). */
    char virtual_units[16][160];
    int n_virtual;
    int n_real_town_pts, n_real_comm_pts, n_comm_pts_rejected;
    int seq_party[SAMPLE_N_COUNTIES][N_PARTY]; /* last Party organization number */
};

/* sample.c: an empty world with its GEOS context and s->rng seeded; release frees it all. */
void sample_init(struct sample *s, uint64_t seed);
void sample_release(struct sample *s);

/* sample_read.c: the six county boundaries and the towns and communities of
 * SOURCE_DIR (see data/lianyungang/source/PROVENANCE.md). */
void sample_read_counties(struct sample *s, const char *dir);
void sample_read_adcode(struct sample *s, const char *dir);
/* Index of the county / town whose code begins with code6 / code9, or -1. */
int sample_county_index(const struct sample *s, const char *code6);
int sample_town_index(const struct sample *s, const char *code9);

/* sample_areas.c: town seats, town cells, community seeds and cells. */
void sample_place_missing_towns(struct sample *s);
void sample_make_town_cells(struct sample *s);
void sample_make_comm_cells(struct sample *s);
/* Community holding (x, y) at least EDGE_MARGIN inside, or -1. */
int sample_find_comm(const struct sample *s, double x, double y);

/* sample_places.c: parks and office buildings, each mostly on communities. */
void sample_make_parks(struct sample *s);
void sample_make_buildings(struct sample *s);
/* Point (u, v) of building b's square, u and v in [-1, 1] from its centre. */
void sample_bldg_corner(const struct place *b, double u, double v, double *x, double *y);

/* sample_names.c: labels written into the files, indexed by the enums above. */
extern const char *const sample_party_names[N_PARTY];
extern const char sample_party_letters[N_PARTY + 1];
extern const char *const sample_kind_names[4];
extern const char *const sample_industries[N_IND];
/* Name prefix of a county: 连云港市海州区 / 东海县. */
void sample_county_prefix(const struct sample *s, int ci, char *buf, size_t len);
/* Non-community organization: draws its kind, industry, sector and name. */
void sample_name_org(struct sample *s, struct org *o);
/* Community social organization of community m: name, kind and industry. */
void sample_name_community_org(struct sample *s, struct org *o, const struct comm *m);
/* A word of sample_name_org's brand table, to make a taken name distinct. */
const char *sample_brand(struct sample *s);
/* A person's name (surname and given name), for 法定代表人. */
void sample_person_name(struct sample *s, char *buf, size_t len);

/* sample_orgs.c: community social organizations, the park and building
 * clusters and the rest by density, each with attributes and a credit code. */
void sample_make_orgs(struct sample *s);
/* 1 if an organization already has this credit code. */
int sample_code_taken(const struct sample *s, const char *code);
/* GB 32100 check character of the 17 characters c17 (computed here, to
 * cross-check geodata's). */
char sample_gb32100_check(const char *c17);

/* sample_party.c: standalone, functional, regional, industry and joint Party
 * organizations, then Party-building instructors. */
void sample_assign_party(struct sample *s);

/* sample_check.c: every polygon valid and inside its county, every
 * organization inside its community with a valid code (dies otherwise);
 * the summary printed on stdout at the end. */
void sample_check(struct sample *s);
void sample_report(const struct sample *s);

/* sample_write.c: districts.geojson, streets.gpkg, communities.shp (GBK, no
 * .cpg), parks.geojson, buildings.geojson and organizations.xlsx in dir.
 * Sorts s->orgs into the output order (county, then code). */
void sample_write_layers(struct sample *s, const char *dir);

#endif
