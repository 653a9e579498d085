/*
 * mksample.c - build the Lianyungang sample project (data/lianyungang/) from
 * the real reference data (county boundaries, NBS division and urban-rural
 * codes, known town/community points) plus reproducibly synthesized layers.
 *
 *   mksample [--truth FILE] SOURCE_DIR OUT_DIR
 *
 * SOURCE_DIR holds lianyungang_fences_vonng_gcj02.geojson and
 * lianyungang_adcode_2016_vonng.csv (see PROVENANCE.md there). Writes into
 * OUT_DIR: districts.geojson, streets.gpkg, communities.shp (+.shx .dbf
 * .prj, GBK attributes, no .cpg), parks.geojson, buildings.geojson,
 * organizations.xlsx, and the same organizations as a register-shaped
 * workbook, organizations-register.xlsx (sheets per county, addresses
 * instead of most coordinates). Every coordinate is GCJ-02 lon/lat with 6
 * decimals. --truth FILE writes, as CSV, each register row's true areas and
 * the most precise placement its own data allows (not shipped).
 *
 * Deterministic: a fixed-seed xoshiro256** stream, fixed timestamps in the
 * GeoPackage, the DBF header and the register's zip; the same inputs give the
 * same bytes. The register is drawn last from a second, separately seeded
 * stream, so adding it changed none of the other files.
 *
 * Before writing, every polygon is checked (valid, non-empty, inside its
 * county) and every organization (inside its community, valid credit code);
 * a failure exits with status 1. MKSAMPLE_DEBUG=1 prints multi-part streets
 * and the known community points that could not be used.
 */
#include "../analysis/geos.h"
#include "../geodata/creditcode.h"
#include "lib/xlsxw.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PI 3.14159265358979323846
#define SEED 0x4C59473230323630ULL /* "LYG20260" */

/* Size of a degree around Lianyungang (34.6 N), metres. */
#define M_PER_DEG_LAT 110950.0
#define M_PER_DEG_LON 91480.0

/* Orgs keep this far from community / park boundaries (degrees, ~15 m), so
 * that the GCJ-02 -> WGS84 -> projected transform on import cannot move a
 * point across an edge. */
#define EDGE_MARGIN 0.00015

static GEOSContextHandle_t gh;

/* ---------------------------------------------------------------- errors */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mksample: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p)
        die("out of memory");
    return p;
}

/* ------------------------------------------------------------------- PRNG */

static uint64_t rng_s[4];

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng_s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
    uint64_t result = rotl(rng_s[1] * 5, 7) * 9;
    uint64_t t = rng_s[1] << 17;
    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rotl(rng_s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
static double rng_unif(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_range(double lo, double hi)
{
    return lo + (hi - lo) * rng_unif();
}

/* Uniform integer in [0, n). */
static int rng_int(int n)
{
    return (int)(rng_unif() * n);
}

static int rng_chance(double p)
{
    return rng_unif() < p;
}

static double rng_normal(void)
{
    double u = rng_unif(), v = rng_unif();
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(2.0 * PI * v);
}

/* Index drawn from weights w[0..n-1] (not necessarily normalised). */
static int rng_pick(const double *w, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i];
    double r = rng_unif() * sum;
    for (int i = 0; i < n; i++) {
        if (r < w[i])
            return i;
        r -= w[i];
    }
    return n - 1;
}

/* ------------------------------------------------------------ the domain */

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
    int covered; /* has a regional Party organization */
    double cx, cy, half, angle; /* buildings: square centre, half side (m), rotation */
    GEOSGeometry *geom;
    const GEOSPreparedGeometry *prep;
    GEOSGeometry *boundary;
};

enum party { P_NONE, P_STANDALONE, P_JOINT, P_REGIONAL, P_INDUSTRY, P_FUNCTIONAL };
static const char *const party_names[] = {"无", "单独", "联合", "区域", "行业", "功能型"};
static const char party_letters[] = "-SJQHG";

enum { K_GROUP = 1, K_PRIVATE = 2, K_FOUNDATION = 3 };
static const char *const kind_names[] = {"", "社会团体", "民办非企业单位", "基金会"};

static const char *const industries[] = {"教育", "养老", "文化体育", "社会工作",
                                          "行业协会/商会", "科技", "卫生", "慈善"};
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

static struct county counties[6];
static int n_counties;
static struct town *towns;
static int n_towns;
static struct comm *comms;
static int n_comms;
static struct place parks[8], bldgs[24];
static int n_parks, n_bldgs;
static struct org *orgs;
static int n_orgs, cap_orgs;

/* Rows of the adcode CSV that were skipped (virtual units). */
static char skipped[16][160];
static int n_skipped;
static int n_real_town_pts, n_real_comm_pts, n_comm_pts_rejected;

/* ------------------------------------------------------------ geometry */

static GEOSGeometry *point(double x, double y)
{
    GEOSGeometry *g = GEOSGeom_createPointFromXY_r(gh, x, y);
    if (!g)
        die("GEOS: %s", cov_geos_last_error(gh));
    return g;
}

static int prep_contains(const GEOSPreparedGeometry *p, double x, double y)
{
    GEOSGeometry *pt = point(x, y);
    char r = GEOSPreparedContains_r(gh, p, pt);
    GEOSGeom_destroy_r(gh, pt);
    if (r == 2)
        die("GEOS: %s", cov_geos_last_error(gh));
    return r == 1;
}

static double dist_to(const GEOSGeometry *g, double x, double y)
{
    GEOSGeometry *pt = point(x, y);
    double d = 0;
    if (!GEOSDistance_r(gh, g, pt, &d))
        die("GEOS distance: %s", cov_geos_last_error(gh));
    GEOSGeom_destroy_r(gh, pt);
    return d;
}

static void envelope(const GEOSGeometry *g, double *xmin, double *ymin, double *xmax,
                     double *ymax)
{
    if (!GEOSGeom_getXMin_r(gh, g, xmin) || !GEOSGeom_getYMin_r(gh, g, ymin) ||
        !GEOSGeom_getXMax_r(gh, g, xmax) || !GEOSGeom_getYMax_r(gh, g, ymax))
        die("GEOS envelope: %s", cov_geos_last_error(gh));
}

static double area_of(const GEOSGeometry *g)
{
    double a = 0;
    if (!GEOSArea_r(gh, g, &a))
        die("GEOS area: %s", cov_geos_last_error(gh));
    return a;
}

/* Append clones of the polygons of g (recursively) to out[]. */
static void collect_polys(const GEOSGeometry *g, GEOSGeometry ***out, int *n, int *cap)
{
    int t = GEOSGeomTypeId_r(gh, g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(gh, g) == 1)
            return;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *out = xrealloc(*out, (size_t)*cap * sizeof(**out));
        }
        (*out)[(*n)++] = GEOSGeom_clone_r(gh, g);
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(gh, g);
        for (int i = 0; i < k; i++)
            collect_polys(GEOSGetGeometryN_r(gh, g, i), out, n, cap);
    }
}

/* The polygons of g as a new MultiPolygon (empty if none); takes g. */
static GEOSGeometry *as_multipolygon(GEOSGeometry *g)
{
    GEOSGeometry **parts = NULL;
    int n = 0, cap = 0;
    collect_polys(g, &parts, &n, &cap);
    GEOSGeom_destroy_r(gh, g);
    GEOSGeometry *m = GEOSGeom_createCollection_r(gh, GEOS_MULTIPOLYGON, parts, (unsigned)n);
    free(parts);
    if (!m)
        die("GEOS collection: %s", cov_geos_last_error(gh));
    return m;
}

/* Snap to the 1e-6 degree grid every output file uses, keep polygons only. */
static GEOSGeometry *snap6(GEOSGeometry *g)
{
    GEOSGeometry *s = GEOSGeom_setPrecision_r(gh, g, 1e-6, 0);
    if (!s)
        die("GEOS set precision: %s", cov_geos_last_error(gh));
    GEOSGeom_destroy_r(gh, g);
    return as_multipolygon(s);
}

static GEOSGeometry *clip(const GEOSGeometry *a, const GEOSGeometry *b)
{
    GEOSGeometry *r = GEOSIntersection_r(gh, a, b);
    if (!r)
        die("GEOS intersection: %s", cov_geos_last_error(gh));
    return r;
}

/* Uniform random point inside geometry (rejection in its envelope), at least
 * margin away from its boundary. Returns 0 if none found in many tries. */
static int random_point_in(const GEOSGeometry *g, const GEOSPreparedGeometry *p,
                           const GEOSGeometry *boundary, double margin, double *x, double *y)
{
    double x0, y0, x1, y1;
    envelope(g, &x0, &y0, &x1, &y1);
    for (int tries = 0; tries < 4000; tries++) {
        double px = rng_range(x0, x1), py = rng_range(y0, y1);
        if (!prep_contains(p, px, py))
            continue;
        if (margin > 0 && boundary && dist_to(boundary, px, py) < margin)
            continue;
        *x = px;
        *y = py;
        return 1;
    }
    return 0;
}

/*
 * Voronoi cells of n seed points, clipped to clip. cells[i] gets the cell of
 * seed i (caller-owned MultiPolygon). Seeds must be distinct and inside clip.
 */
static void voronoi_clip(const double *xs, const double *ys, int n, const GEOSGeometry *clipg,
                         GEOSGeometry **cells)
{
    if (n == 1) {
        cells[0] = as_multipolygon(GEOSGeom_clone_r(gh, clipg));
        return;
    }
    GEOSGeometry **pts = xcalloc((size_t)n, sizeof(*pts));
    for (int i = 0; i < n; i++)
        pts[i] = point(xs[i], ys[i]);
    GEOSGeometry *mp = GEOSGeom_createCollection_r(gh, GEOS_MULTIPOINT, pts, (unsigned)n);
    free(pts);
    GEOSGeometry *vd = GEOSVoronoiDiagram_r(gh, mp, clipg, 0.0, 0);
    if (!vd)
        die("GEOS Voronoi: %s", cov_geos_last_error(gh));
    int k = GEOSGetNumGeometries_r(gh, vd);
    if (k != n)
        die("Voronoi diagram has %d cells for %d seeds (duplicate seeds?)", k, n);
    for (int i = 0; i < n; i++)
        cells[i] = NULL;
    for (int c = 0; c < k; c++) {
        const GEOSGeometry *cell = GEOSGetGeometryN_r(gh, vd, c);
        const GEOSPreparedGeometry *pc = GEOSPrepare_r(gh, cell);
        int found = -1;
        for (int i = 0; i < n && found < 0; i++)
            if (!cells[i] && prep_contains(pc, xs[i], ys[i]))
                found = i;
        GEOSPreparedGeom_destroy_r(gh, pc);
        if (found < 0)
            die("a Voronoi cell holds no seed");
        cells[found] = as_multipolygon(clip(cell, clipg));
    }
    GEOSGeom_destroy_r(gh, vd);
    GEOSGeom_destroy_r(gh, mp);
}

/* --------------------------------------------------------------- reading */

static GEOSGeometry *ogr_to_geos(OGRGeometryH og)
{
    size_t n = (size_t)OGR_G_WkbSize(og);
    unsigned char *wkb = xcalloc(n, 1);
    if (OGR_G_ExportToWkb(og, wkbNDR, wkb) != OGRERR_NONE)
        die("cannot export geometry to WKB");
    GEOSWKBReader *r = GEOSWKBReader_create_r(gh);
    GEOSGeometry *g = GEOSWKBReader_read_r(gh, r, wkb, n);
    GEOSWKBReader_destroy_r(gh, r);
    free(wkb);
    if (!g)
        die("GEOS cannot read WKB: %s", cov_geos_last_error(gh));
    return g;
}

static OGRGeometryH geos_to_ogr(const GEOSGeometry *g)
{
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(gh);
    size_t n = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(gh, w, g, &n);
    GEOSWKBWriter_destroy_r(gh, w);
    if (!wkb)
        die("GEOS cannot write WKB: %s", cov_geos_last_error(gh));
    OGRGeometryH og = NULL;
    if (OGR_G_CreateFromWkbEx(wkb, NULL, &og, n) != OGRERR_NONE)
        die("OGR cannot read WKB");
    GEOSFree_r(gh, wkb);
    return og;
}

static void read_counties(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/lianyungang_fences_vonng_gcj02.geojson", dir);
    if (access(path, R_OK) != 0)
        die("%s: %s", path, strerror(errno));
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                 NULL, NULL, NULL);
    if (!ds)
        die("%s: cannot open as GeoJSON: %s", path, CPLGetLastErrorMsg());
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        const char *level = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level"));
        if (strcmp(level, "county") == 0) {
            if (n_counties == 6)
                die("%s: more than 6 county features", path);
            struct county *c = &counties[n_counties++];
            snprintf(c->code, sizeof(c->code), "%s",
                     OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "adcode")));
            snprintf(c->name, sizeof(c->name), "%s",
                     OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")));
            c->geom = ogr_to_geos(OGR_F_GetGeometryRef(f));
            if (GEOSisValid_r(gh, c->geom) != 1)
                die("%s: county %s has an invalid boundary", path, c->code);
            c->geom = snap6(c->geom);
            c->prep = GEOSPrepare_r(gh, c->geom);
            c->central = strcmp(c->code, "320703") == 0 || strcmp(c->code, "320706") == 0;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (n_counties != 6)
        die("%s: %d county features (expected 6)", path, n_counties);
}

static int county_index(const char *code6)
{
    for (int i = 0; i < n_counties; i++)
        if (strncmp(counties[i].code, code6, 6) == 0)
            return i;
    return -1;
}

static int town_index(const char *code9)
{
    for (int i = 0; i < n_towns; i++)
        if (strncmp(towns[i].code, code9, 9) == 0)
            return i;
    return -1;
}

/* Split a CSV line without quoting (the source has none) into fields. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = 0;
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

enum { F_CODE, F_PARENT, F_NAME, F_LEVEL, F_UR = 8, F_VIRTUAL = 10, F_DUMMY, F_LON, F_LAT,
       N_FIELDS = 19 };

static void read_adcode(const char *dir)
{
    char path[4096], line[2048];
    snprintf(path, sizeof(path), "%s/lianyungang_adcode_2016_vonng.csv", dir);
    FILE *fp = fopen(path, "r");
    if (!fp)
        die("%s: %s", path, strerror(errno));
    int cap_t = 128, cap_c = 2048, row = 0;
    towns = xcalloc((size_t)cap_t, sizeof(*towns));
    comms = xcalloc((size_t)cap_c, sizeof(*comms));
    while (fgets(line, sizeof(line), fp)) {
        char *f[N_FIELDS + 1];
        row++;
        if (row == 1)
            continue;
        if (split_csv(line, f, N_FIELDS + 1) != N_FIELDS)
            die("%s:%d: expected %d fields", path, row, N_FIELDS);
        int has_pt = f[F_LON][0] && f[F_LAT][0];
        double x = has_pt ? strtod(f[F_LON], NULL) : 0, y = has_pt ? strtod(f[F_LAT], NULL) : 0;
        if (strcmp(f[F_LEVEL], "town") == 0) {
            if (n_towns == cap_t)
                die("%s: too many towns", path);
            struct town *t = &towns[n_towns];
            snprintf(t->code, sizeof(t->code), "%.9s", f[F_CODE]);
            snprintf(t->name, sizeof(t->name), "%s", f[F_NAME]);
            t->county = county_index(f[F_CODE]);
            if (t->county < 0)
                die("%s:%d: town %s in no known county", path, row, f[F_CODE]);
            t->real_pt = has_pt && prep_contains(counties[t->county].prep, x, y);
            t->x = x;
            t->y = y;
            t->first_comm = -1;
            n_towns++;
        } else if (strcmp(f[F_LEVEL], "village") == 0) {
            if (strcmp(f[F_VIRTUAL], "t") == 0 || strcmp(f[F_DUMMY], "t") == 0) {
                if (n_skipped < 16)
                    snprintf(skipped[n_skipped++], sizeof(skipped[0]), "%s %s (%s)", f[F_CODE],
                             f[F_NAME], f[F_UR]);
                continue;
            }
            if (n_comms == cap_c)
                die("%s: too many communities", path);
            struct comm *c = &comms[n_comms];
            snprintf(c->code, sizeof(c->code), "%s", f[F_CODE]);
            snprintf(c->name, sizeof(c->name), "%s", f[F_NAME]);
            snprintf(c->ur, sizeof(c->ur), "%s", f[F_UR]);
            if (strlen(c->code) != 12 || strlen(c->ur) != 3 || (c->ur[0] != '1' && c->ur[0] != '2'))
                die("%s:%d: bad code or urban-rural code", path, row);
            c->urban = c->ur[0] == '1';
            c->town = town_index(f[F_PARENT]);
            if (c->town < 0)
                die("%s:%d: community %s in no known town", path, row, c->code);
            struct town *t = &towns[c->town];
            if (t->first_comm < 0)
                t->first_comm = n_comms;
            else if (t->first_comm + t->n_comm != n_comms)
                die("%s:%d: communities of town %s are not contiguous", path, row, t->code);
            t->n_comm++;
            c->real_pt = has_pt;
            c->x = x;
            c->y = y;
            n_comms++;
        }
    }
    fclose(fp);
}

/* ----------------------------------------------------------- town cells */

static double min_dist2(double x, double y, const double *xs, const double *ys, int n)
{
    double best = 1e300;
    for (int i = 0; i < n; i++) {
        double dx = (x - xs[i]) * M_PER_DEG_LON, dy = (y - ys[i]) * M_PER_DEG_LAT;
        double d = dx * dx + dy * dy;
        if (d < best)
            best = d;
    }
    return best;
}

/* Seat of a town without a known point: the mean of its known community
 * points when they lie in the county, else the best of many candidates
 * farthest from every other seat (Mitchell's best candidate). */
static void place_missing_towns(void)
{
    for (int ci = 0; ci < n_counties; ci++) {
        struct county *c = &counties[ci];
        GEOSGeometry *bnd = GEOSBoundary_r(gh, c->geom);
        double xs[64], ys[64];
        int n = 0;
        for (int i = 0; i < n_towns; i++)
            if (towns[i].county == ci && towns[i].real_pt) {
                xs[n] = towns[i].x;
                ys[n] = towns[i].y;
                n++;
                n_real_town_pts++;
            }
        for (int i = 0; i < n_towns; i++) {
            struct town *t = &towns[i];
            if (t->county != ci || t->real_pt)
                continue;
            double sx = 0, sy = 0;
            int k = 0;
            for (int j = 0; j < t->n_comm; j++) {
                struct comm *m = &comms[t->first_comm + j];
                if (m->real_pt && prep_contains(c->prep, m->x, m->y)) {
                    sx += m->x;
                    sy += m->y;
                    k++;
                }
            }
            if (k > 0 && prep_contains(c->prep, sx / k, sy / k) &&
                min_dist2(sx / k, sy / k, xs, ys, n) > 200.0 * 200.0) {
                t->x = sx / k;
                t->y = sy / k;
            } else {
                double best = -1, bx = 0, by = 0;
                for (int cand = 0; cand < 60; cand++) {
                    double px, py;
                    if (!random_point_in(c->geom, c->prep, bnd, 0.01, &px, &py))
                        die("county %s: cannot place town %s", c->code, t->code);
                    double d = min_dist2(px, py, xs, ys, n);
                    if (d > best) {
                        best = d;
                        bx = px;
                        by = py;
                    }
                }
                t->x = bx;
                t->y = by;
            }
            xs[n] = t->x;
            ys[n] = t->y;
            n++;
        }
        GEOSGeom_destroy_r(gh, bnd);
    }
}

/*
 * Town cells: Voronoi cells of the town seats and of the known community
 * points (a known point within TOWN_REACH_M of its seat; farther ones are
 * taken for geocoding errors), computed per county, merged per town and
 * clipped to the county. Using the community points keeps every usable known
 * community point inside its own town.
 */
#define TOWN_REACH_M 6000.0

static void make_town_cells(void)
{
    for (int ci = 0; ci < n_counties; ci++) {
        int cap = 64, n = 0;
        double *xs = xcalloc((size_t)cap, sizeof(double));
        double *ys = xcalloc((size_t)cap, sizeof(double));
        int *owner = xcalloc((size_t)cap, sizeof(int));
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < n_towns; i++) {
                struct town *t = &towns[i];
                if (t->county != ci)
                    continue;
                for (int j = pass ? 0 : -1; j < (pass ? t->n_comm : 0); j++) {
                    double x = t->x, y = t->y;
                    if (j >= 0) {
                        struct comm *m = &comms[t->first_comm + j];
                        if (!m->real_pt)
                            continue;
                        x = m->x;
                        y = m->y;
                        double dx = (x - t->x) * M_PER_DEG_LON, dy = (y - t->y) * M_PER_DEG_LAT;
                        if (dx * dx + dy * dy > TOWN_REACH_M * TOWN_REACH_M ||
                            !prep_contains(counties[ci].prep, x, y) ||
                            min_dist2(x, y, xs, ys, n) < 30.0 * 30.0)
                            continue;
                    }
                    if (n == cap) {
                        cap *= 2;
                        xs = xrealloc(xs, (size_t)cap * sizeof(double));
                        ys = xrealloc(ys, (size_t)cap * sizeof(double));
                        owner = xrealloc(owner, (size_t)cap * sizeof(int));
                    }
                    xs[n] = x;
                    ys[n] = y;
                    owner[n] = i;
                    n++;
                }
            }
        GEOSGeometry **cells = xcalloc((size_t)n, sizeof(*cells));
        voronoi_clip(xs, ys, n, counties[ci].geom, cells);
        for (int i = 0; i < n_towns; i++) {
            if (towns[i].county != ci)
                continue;
            GEOSGeometry **mine = xcalloc((size_t)n, sizeof(*mine));
            int k = 0;
            for (int j = 0; j < n; j++)
                if (owner[j] == i) {
                    mine[k++] = cells[j];
                    cells[j] = NULL;
                }
            GEOSGeometry *coll =
                GEOSGeom_createCollection_r(gh, GEOS_GEOMETRYCOLLECTION, mine, (unsigned)k);
            free(mine);
            GEOSGeometry *u = GEOSUnaryUnion_r(gh, coll);
            if (!u)
                die("GEOS union: %s", cov_geos_last_error(gh));
            GEOSGeom_destroy_r(gh, coll);
            struct town *t = &towns[i];
            t->cell = snap6(u);
            if (GEOSisEmpty_r(gh, t->cell) == 1)
                die("town %s has an empty cell", t->code);
            if (getenv("MKSAMPLE_DEBUG"))
                fprintf(stderr, "town %s %s: %d seeds, %d parts\n", t->code, t->name, k,
                        GEOSGetNumGeometries_r(gh, t->cell));
            t->prep = GEOSPrepare_r(gh, t->cell);
        }
        free(cells);
        free(xs);
        free(ys);
        free(owner);
    }
}

/* ------------------------------------------------------ community cells */

static void make_comm_cells(void)
{
    for (int ti = 0; ti < n_towns; ti++) {
        struct town *t = &towns[ti];
        if (t->n_comm == 0)
            continue;
        GEOSGeometry *bnd = GEOSBoundary_r(gh, t->cell);
        int n = t->n_comm;
        double *xs = xcalloc((size_t)n, sizeof(double)), *ys = xcalloc((size_t)n, sizeof(double));
        int placed = 0;
        double tarea = area_of(t->cell);
        double sig = 0.22 * sqrt(tarea);
        /* real points first, if inside the synthetic town cell and not too close */
        for (int j = 0; j < n; j++) {
            struct comm *m = &comms[t->first_comm + j];
            if (!m->real_pt)
                continue;
            if (prep_contains(t->prep, m->x, m->y) && dist_to(bnd, m->x, m->y) > 0.0003 &&
                min_dist2(m->x, m->y, xs, ys, placed) > 30.0 * 30.0) {
                xs[placed] = m->x;
                ys[placed] = m->y;
                placed++;
                n_real_comm_pts++;
            } else {
                if (getenv("MKSAMPLE_DEBUG"))
                    fprintf(stderr, "point of %s %s: in town %d, edge %.5f\n", m->code, m->name,
                            prep_contains(t->prep, m->x, m->y), dist_to(bnd, m->x, m->y));
                m->real_pt = 0;
                n_comm_pts_rejected++;
            }
        }
        /* then the others: urban packed round the town seat, rural spread */
        int at = placed;
        for (int j = 0; j < n; j++) {
            struct comm *m = &comms[t->first_comm + j];
            if (m->real_pt)
                continue;
            double best = -1, bx = 0, by = 0;
            for (int cand = 0; cand < (m->urban ? 6 : 12); cand++) {
                double px = 0, py = 0;
                int ok = 0;
                for (int tries = 0; tries < 200 && !ok; tries++) {
                    if (m->urban) {
                        px = t->x + rng_normal() * sig;
                        py = t->y + rng_normal() * sig;
                        ok = prep_contains(t->prep, px, py);
                    } else {
                        ok = random_point_in(t->cell, t->prep, NULL, 0, &px, &py);
                    }
                }
                if (!ok && !random_point_in(t->cell, t->prep, NULL, 0, &px, &py))
                    die("town %s: cannot place community %s", t->code, m->code);
                double d = min_dist2(px, py, xs, ys, at);
                if (d > best) {
                    best = d;
                    bx = px;
                    by = py;
                }
            }
            m->x = bx;
            m->y = by;
            xs[at] = bx;
            ys[at] = by;
            at++;
        }
        /* Voronoi in seed order: real ones then generated ones */
        GEOSGeometry **cells = xcalloc((size_t)n, sizeof(*cells));
        voronoi_clip(xs, ys, n, t->cell, cells);
        int r = 0, g = placed;
        for (int j = 0; j < n; j++) {
            struct comm *m = &comms[t->first_comm + j];
            int k = m->real_pt ? r++ : g++;
            m->cell = snap6(cells[k]);
            if (GEOSisEmpty_r(gh, m->cell) == 1)
                die("community %s has an empty cell", m->code);
            m->prep = GEOSPrepare_r(gh, m->cell);
            m->boundary = GEOSBoundary_r(gh, m->cell);
            envelope(m->cell, &m->xmin, &m->ymin, &m->xmax, &m->ymax);
        }
        free(cells);
        free(xs);
        free(ys);
        GEOSGeom_destroy_r(gh, bnd);
    }
}

/* Community holding (x, y) at least EDGE_MARGIN inside, or -1. */
static int find_comm(double x, double y)
{
    for (int i = 0; i < n_comms; i++) {
        struct comm *m = &comms[i];
        if (x < m->xmin || x > m->xmax || y < m->ymin || y > m->ymax)
            continue;
        if (prep_contains(m->prep, x, y))
            return dist_to(m->boundary, x, y) >= EDGE_MARGIN ? i : -1;
    }
    return -1;
}

/* ------------------------------------------------------ parks, buildings */

struct park_spec {
    const char *town, *name;
    double dx_km, dy_km, area_km2;
    int covered;
};

static const struct park_spec park_specs[] = {
    {"320706006", "连云港经济技术开发区科创园", 2.6, 1.2, 3.0, 1},
    {"320707100", "赣榆经济开发区智能制造产业园", -1.5, -1.8, 2.6, 0},
    {"320722001", "东海高新技术产业开发区硅材料产业园", 1.8, -1.6, 3.2, 1},
    {"320723100", "灌云经济开发区电子信息产业园", -1.6, 1.4, 2.2, 0},
    {"320724100", "灌南经济开发区食品产业园", 1.7, 1.5, 2.4, 1},
};

struct bldg_spec {
    const char *town, *name;
    int covered;
};

static const struct bldg_spec bldg_specs[] = {
    {"320706006", "港城国际金融中心", 1},  {"320706006", "新海商务大厦", 0},
    {"320706006", "海联科技大厦", 1},      {"320706016", "浦西商务中心", 0},
    {"320706016", "鑫港大厦", 1},          {"320706017", "新东总部大楼", 0},
    {"320706017", "连云港人才大厦", 1},    {"320706019", "路南商贸大厦", 1},
    {"320706018", "凯达国际商务楼", 0},    {"320706013", "洪门创业大厦", 1},
    {"320706001", "朐阳众创大厦", 0},      {"320703001", "墟沟港航大厦", 1},
    {"320703001", "海滨国际写字楼", 0},    {"320703008", "海州湾商务中心", 1},
    {"320703003", "连云港口大厦", 0},      {"320706012", "幸福路科技大厦", 1},
};

static GEOSGeometry *polygon_from(const double *xy, int n)
{
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(gh, (unsigned)n + 1, 2);
    for (int i = 0; i <= n; i++) {
        int k = i % n;
        GEOSCoordSeq_setXY_r(gh, s, (unsigned)i, xy[2 * k], xy[2 * k + 1]);
    }
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(gh, s);
    GEOSGeometry *poly = GEOSGeom_createPolygon_r(gh, ring, NULL, 0);
    if (!poly)
        die("GEOS polygon: %s", cov_geos_last_error(gh));
    return poly;
}

static int comm_covered_fraction_ok(const GEOSGeometry *g)
{
    /* the place must lie in the county and mostly on communities */
    double x0, y0, x1, y1, hit = 0;
    envelope(g, &x0, &y0, &x1, &y1);
    const GEOSPreparedGeometry *p = GEOSPrepare_r(gh, g);
    int tot = 0;
    for (int i = 0; i < 200; i++) {
        double x = rng_range(x0, x1), y = rng_range(y0, y1);
        if (!prep_contains(p, x, y))
            continue;
        tot++;
        if (find_comm(x, y) >= 0)
            hit++;
    }
    GEOSPreparedGeom_destroy_r(gh, p);
    return tot > 20 && hit / tot > 0.85;
}

static void make_parks(void)
{
    int n = (int)(sizeof(park_specs) / sizeof(park_specs[0]));
    for (int i = 0; i < n; i++) {
        const struct park_spec *s = &park_specs[i];
        int ti = town_index(s->town);
        if (ti < 0)
            die("park %s: no town %s", s->name, s->town);
        struct town *t = &towns[ti];
        struct place *p = &parks[n_parks];
        double r_m = sqrt(s->area_km2 * 1e6 / PI);
        double cx = t->x + s->dx_km * 1000 / M_PER_DEG_LON;
        double cy = t->y + s->dy_km * 1000 / M_PER_DEG_LAT;
        GEOSGeometry *g = NULL;
        for (int attempt = 0; attempt < 50; attempt++) {
            double xy[24];
            double rot = rng_range(0, 2 * PI);
            for (int k = 0; k < 12; k++) {
                double a = rot + 2 * PI * k / 12, r = r_m * rng_range(0.8, 1.15);
                xy[2 * k] = cx + r * cos(a) * 1.25 / M_PER_DEG_LON;
                xy[2 * k + 1] = cy + r * sin(a) * 0.8 / M_PER_DEG_LAT;
            }
            g = snap6(polygon_from(xy, 12));
            char inside = GEOSPreparedContains_r(gh, counties[t->county].prep, g);
            if (inside == 1 && comm_covered_fraction_ok(g))
                break;
            GEOSGeom_destroy_r(gh, g);
            g = NULL;
            cx = t->x + rng_range(-3, 3) * 1000 / M_PER_DEG_LON;
            cy = t->y + rng_range(-3, 3) * 1000 / M_PER_DEG_LAT;
        }
        if (!g)
            die("park %s: no place found", s->name);
        snprintf(p->code, sizeof(p->code), "YQ%s%02d", counties[t->county].code, i + 1);
        snprintf(p->name, sizeof(p->name), "%s", s->name);
        p->county = t->county;
        p->covered = s->covered;
        p->geom = g;
        p->prep = GEOSPrepare_r(gh, g);
        p->boundary = GEOSBoundary_r(gh, g);
        n_parks++;
    }
}

static void bldg_corner(const struct place *b, double u, double v, double *x, double *y)
{
    double ca = cos(b->angle), sa = sin(b->angle);
    double mx = (u * ca - v * sa) * b->half, my = (u * sa + v * ca) * b->half;
    *x = b->cx + mx / M_PER_DEG_LON;
    *y = b->cy + my / M_PER_DEG_LAT;
}

static void make_buildings(void)
{
    int n = (int)(sizeof(bldg_specs) / sizeof(bldg_specs[0]));
    for (int i = 0; i < n; i++) {
        const struct bldg_spec *s = &bldg_specs[i];
        int ti = town_index(s->town);
        if (ti < 0)
            die("building %s: no town %s", s->name, s->town);
        struct town *t = &towns[ti];
        struct place *b = &bldgs[n_bldgs];
        int ok = 0;
        for (int attempt = 0; attempt < 500 && !ok; attempt++) {
            double r = rng_range(100, 1400), a = rng_range(0, 2 * PI);
            b->cx = t->x + r * cos(a) / M_PER_DEG_LON;
            b->cy = t->y + r * sin(a) / M_PER_DEG_LAT;
            b->half = rng_range(30, 50);
            b->angle = rng_range(-0.3, 0.3);
            if (!prep_contains(t->prep, b->cx, b->cy))
                continue;
            int far = 1;
            for (int j = 0; j < n_bldgs && far; j++) {
                double dx = (bldgs[j].cx - b->cx) * M_PER_DEG_LON;
                double dy = (bldgs[j].cy - b->cy) * M_PER_DEG_LAT;
                far = dx * dx + dy * dy > 300.0 * 300.0;
            }
            if (!far)
                continue;
            /* most of the footprint must be usable for org points */
            int good = 0;
            for (int k = 0; k < 9; k++) {
                double x, y;
                bldg_corner(b, -0.6 + 0.6 * (k % 3), -0.6 + 0.6 * (k / 3), &x, &y);
                good += find_comm(x, y) >= 0;
            }
            ok = good == 9;
        }
        if (!ok)
            die("building %s: no place found", s->name);
        double xy[8];
        static const double us[4] = {-1, 1, 1, -1}, vs[4] = {-1, -1, 1, 1};
        for (int k = 0; k < 4; k++)
            bldg_corner(b, us[k], vs[k], &xy[2 * k], &xy[2 * k + 1]);
        b->geom = snap6(polygon_from(xy, 4));
        b->prep = GEOSPrepare_r(gh, b->geom);
        b->boundary = GEOSBoundary_r(gh, b->geom);
        snprintf(b->code, sizeof(b->code), "LY%s%02d", counties[t->county].code, i + 1);
        snprintf(b->name, sizeof(b->name), "%s", s->name);
        b->county = t->county;
        b->covered = s->covered;
        n_bldgs++;
    }
}

/* ----------------------------------------------------- organizations */

static const char *const brands[] = {
    "启航", "博文", "育英", "明德", "致远", "阳光", "春晖", "晨曦", "乐龄", "颐康", "福寿",
    "康乐", "同心", "和美", "善行", "暖阳", "星光", "海韵", "港城", "花果", "云台", "朝阳",
    "彩虹", "向日葵", "蒲公英", "翰林", "书香", "金帆", "蓝海", "弘毅", "厚德", "睿智", "聚力",
    "德馨", "兰亭", "锦绣", "安康", "福缘", "常青", "惠民", "益民", "邻里", "微光", "青松",
    "怡然", "馨园", "乐活", "成长", "嘉禾", "天成", "海燕", "东方", "新语", "丰泽", "润泽",
    "瑞祥", "恒信", "宏远", "卓越", "鸿儒", "启明", "凌云", "沐阳", "静心", "知行", "思源",
    "映山红", "紫荆", "银杏", "海棠", "金秋", "夕阳红"};
#define N_BRANDS ((int)(sizeof(brands) / sizeof(brands[0])))

static const char *const sports[] = {
    "篮球", "足球", "乒乓球", "羽毛球", "网球", "围棋", "象棋", "桥牌", "书法家", "摄影家",
    "美术家", "音乐家", "舞蹈家", "太极拳", "钓鱼", "登山", "游泳", "武术", "健身气功", "门球",
    "自行车", "马拉松", "收藏家", "诗词", "楹联", "民间文艺家", "淮海戏", "作家", "戏剧家",
    "柔力球"};
static const char *const trades[] = {
    "餐饮", "物流", "建筑业", "水产", "紫菜", "水晶", "家政服务", "物业管理", "电子商务",
    "汽车维修", "房地产业", "旅游", "农产品流通", "个体劳动者", "工艺美术", "美容美发", "装饰装修",
    "医药", "眼镜", "食品", "酒类流通", "民宿", "船舶", "港口物流", "驾驶员培训", "人力资源服务"};
/* Trades whose associations are sector associations (行业协会) that name a
 * concrete 所属行业; the others keep the category 行业协会/商会. */
static const struct {
    const char *trade, *label, *sector;
} sector_trades[] = {{"物流", "物流", "物流"},
                     {"港口物流", "港口物流", "物流"},
                     {"电子商务", "电子商务", "电子商务"}};
static const char *const origins[] = {
    "浙江", "福建", "温州", "山东", "安徽", "河南", "苏州", "泉州", "江西", "湖南", "盐城", "徐州",
    "宿迁", "淮安", "潮汕", "莆田", "台州", "义乌", "临沂", "日照"};
static const char *const learned[] = {
    "农学会", "水产学会", "计算机学会", "机械工程学会", "土木建筑学会", "电子学会", "科普协会",
    "科技工作者协会", "青年科技人才协会", "徐福文化研究会", "西游记文化研究会", "民俗文化研究会",
    "湿地保护研究会", "海洋经济研究会", "地方文化研究会", "家庭教育研究会", "职业教育协会",
    "教育学会", "老年大学协会", "书画研究会"};
static const char *const health_assoc[] = {"医师协会", "护理学会", "中医药学会", "健康管理协会",
                                            "心理卫生协会", "康复医学会", "营养学会",
                                            "无偿献血志愿者协会"};
static const char *const volunteer[] = {"青年志愿者协会", "巾帼志愿者协会", "爱心志愿者协会",
                                         "义工联合会", "应急救援志愿者协会", "慈善协会",
                                         "老年人体育协会", "社会工作协会", "老年书画协会",
                                         "残疾人康复协会"};
static const char *const subjects[] = {"艺术", "职业技能", "外语", "美术", "音乐", "舞蹈",
                                        "围棋", "编程", "书法", "文化", "体育", "机器人"};

static const char *pick(const char *const *list, int n)
{
    return list[rng_int(n)];
}
#define PICK(a) pick((a), (int)(sizeof(a) / sizeof((a)[0])))

/* Name prefix of a county: 连云港市海州区 / 东海县. */
static void county_prefix(int ci, char *buf, size_t len)
{
    const char *nm = counties[ci].name;
    size_t l = strlen(nm);
    if (l >= 3 && strcmp(nm + l - 3, "区") == 0)
        snprintf(buf, len, "连云港市%.31s", nm);
    else
        snprintf(buf, len, "%.31s", nm);
}

/* Non-community org: kind, industry and name. */
static void name_org(struct org *o)
{
    char pre[64];
    county_prefix(o->county, pre, sizeof(pre));
    o->sector = NULL;
    double r = rng_unif();
    o->kind = r < 0.31 ? K_GROUP : r < 0.945 ? K_PRIVATE : K_FOUNDATION;
    char *n = o->name;
    size_t L = sizeof(o->name);
    if (o->kind == K_FOUNDATION) {
        static const char *const fnd[] = {"慈善基金会", "教育发展基金会", "见义勇为基金会",
                                          "助学基金会", "公益基金会", "关爱老人基金会"};
        o->industry = I_CHARITY;
        if (rng_chance(0.4))
            snprintf(n, L, "%s%s", pre, PICK(fnd));
        else
            snprintf(n, L, "%s%s%s", pre, PICK(brands), PICK(fnd));
        return;
    }
    if (o->kind == K_GROUP) {
        static const double w[] = {22, 26, 12, 8, 8, 6, 8, 10};
        int t = rng_pick(w, 8);
        switch (t) {
        case 0: o->industry = I_CULTURE; snprintf(n, L, "%s%s协会", pre, PICK(sports)); break;
        case 1: {
            const char *t0 = PICK(trades);
            o->industry = I_TRADE;
            snprintf(n, L, "%s%s协会", pre, t0);
            for (size_t k = 0; k < sizeof(sector_trades) / sizeof(sector_trades[0]); k++)
                if (strcmp(t0, sector_trades[k].trade) == 0) {
                    snprintf(n, L, "%s%s行业协会", pre, sector_trades[k].label);
                    o->sector = sector_trades[k].sector;
                }
            break;
        }
        case 2: o->industry = I_TRADE; snprintf(n, L, "%s%s商会", pre, PICK(origins)); break;
        case 3: o->industry = I_TECH; snprintf(n, L, "%s%s", pre, PICK(learned)); break;
        case 4: o->industry = I_HEALTH; snprintf(n, L, "%s%s", pre, PICK(health_assoc)); break;
        case 5:
            o->industry = I_ELDER;
            snprintf(n, L, "%s%s老年协会", pre, PICK(brands));
            break;
        case 6:
            o->industry = I_SOCIAL;
            snprintf(n, L, "%s%s", pre, PICK(volunteer));
            break;
        default:
            o->industry = I_CHARITY;
            snprintf(n, L, "%s%s爱心公益协会", pre, PICK(brands));
            break;
        }
        return;
    }
    static const double w[] = {30, 16, 14, 8, 10, 8, 8, 6};
    int t = rng_pick(w, 8);
    const char *b = PICK(brands);
    switch (t) {
    case 0:
        o->industry = I_EDU;
        snprintf(n, L, "%s%s%s培训学校", pre, b, PICK(subjects));
        break;
    case 1:
        o->industry = I_ELDER;
        snprintf(n, L, "%s%s%s", pre, b, rng_chance(0.5) ? "养老服务中心" : "居家养老服务中心");
        break;
    case 2:
        o->industry = I_SOCIAL;
        snprintf(n, L, "%s%s%s", pre, b, rng_chance(0.7) ? "社会工作服务中心" : "社工事务所");
        break;
    case 3: o->industry = I_EDU; snprintf(n, L, "%s%s幼儿园", pre, b); break;
    case 4:
        o->industry = I_HEALTH;
        snprintf(n, L, "%s%s%s", pre, b, rng_chance(0.5) ? "康复中心" : "心理咨询服务中心");
        break;
    case 5:
        o->industry = I_CULTURE;
        snprintf(n, L, "%s%s%s", pre, b, rng_chance(0.5) ? "体育俱乐部" : "文化艺术中心");
        break;
    case 6:
        o->industry = I_TECH;
        snprintf(n, L, "%s%s%s", pre, b, rng_chance(0.5) ? "科技服务中心" : "技术研究院");
        break;
    default:
        o->industry = I_CHARITY;
        snprintf(n, L, "%s%s公益服务中心", pre, b);
        break;
    }
}

/* Short form of a community / town name for org names. */
static void short_name(const char *nm, char *buf, size_t len)
{
    static const char *const cut[] = {"社区居民委员会", "居民委员会", "村民委员会", "委员会",
                                      "社区居委会", "居委会", "村委会", "办事处"};
    static const char *const repl[] = {"社区", "社区", "村", "", "社区", "社区", "村", ""};
    snprintf(buf, len, "%s", nm);
    for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        size_t lb = strlen(buf), lc = strlen(cut[i]);
        if (lb > lc && strcmp(buf + lb - lc, cut[i]) == 0) {
            buf[lb - lc] = 0;
            if (lb - lc + strlen(repl[i]) < len &&
                !(strlen(repl[i]) && lb - lc >= strlen(repl[i]) &&
                  strcmp(buf + lb - lc - strlen(repl[i]), repl[i]) == 0))
                strcat(buf, repl[i]);
            break;
        }
    }
}

static void name_community_org(struct org *o, const struct comm *m)
{
    static const char *const urban_t[] = {"志愿者协会", "广场舞队", "老年协会", "文艺队",
                                          "睦邻互助会", "书画社", "读书会", "健身队",
                                          "平安巡逻队", "邻里调解会", "合唱团", "太极拳队",
                                          "居家养老服务中心", "四点半课堂", "环保志愿服务队"};
    static const char *const rural_t[] = {"老年协会", "广场舞队", "红白理事会", "志愿者协会",
                                          "文艺队", "农技服务队", "乡贤理事会", "留守儿童关爱队",
                                          "健身队", "调解会"};
    char town[64], com[96];
    short_name(towns[m->town].name, town, sizeof(town));
    short_name(m->name, com, sizeof(com));
    const char *t = m->urban ? PICK(urban_t) : PICK(rural_t);
    snprintf(o->name, sizeof(o->name), "%s%s%s", town, com, t);
    o->kind = strstr(t, "服务中心") || strstr(t, "课堂") ? K_PRIVATE : K_GROUP;
    if (strstr(t, "养老") || strstr(t, "老年"))
        o->industry = I_ELDER;
    else if (strstr(t, "志愿") || strstr(t, "互助") || strstr(t, "调解") || strstr(t, "巡逻") ||
             strstr(t, "理事会") || strstr(t, "关爱"))
        o->industry = I_SOCIAL;
    else if (strstr(t, "课堂") || strstr(t, "读书"))
        o->industry = I_EDU;
    else if (strstr(t, "农技"))
        o->industry = I_TECH;
    else
        o->industry = I_CULTURE;
}

static int name_taken(const char *nm)
{
    for (int i = 0; i < n_orgs; i++)
        if (strcmp(orgs[i].name, nm) == 0)
            return 1;
    return 0;
}

static int code_taken(const char *code)
{
    for (int i = 0; i < n_orgs; i++)
        if (strcmp(orgs[i].code, code) == 0)
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
static char gb32100_check(const char *c17)
{
    static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (int)(strchr(alpha, c17[i]) - alpha) * w[i];
    int c = 31 - sum % 31;
    return alpha[c == 31 ? 0 : c];
}

static void make_code(struct org *o)
{
    do {
        char c[19];
        snprintf(c, sizeof(c), "5%d%sMJ%06d", o->kind, counties[o->county].code,
                 rng_int(1000000));
        c[16] = orgcode_check(c + 8);
        c[17] = 0;
        char k = geo_creditcode_check_char(c);
        if (k == 0 || k != gb32100_check(c))
            die("check character mismatch for %s: geodata '%c', mksample '%c'", c, k ? k : '?',
                gb32100_check(c));
        c[17] = k;
        c[18] = 0;
        memcpy(o->code, c, sizeof(o->code));
    } while (code_taken(o->code));
    char why[160];
    if (geo_creditcode_check(o->code, why, sizeof(why)) != 0)
        die("generated credit code %s is invalid: %s", o->code, why);
}

static struct org *new_org(void)
{
    if (n_orgs == cap_orgs) {
        cap_orgs = cap_orgs ? cap_orgs * 2 : 1024;
        orgs = xrealloc(orgs, (size_t)cap_orgs * sizeof(*orgs));
    }
    struct org *o = &orgs[n_orgs];
    memset(o, 0, sizeof(*o));
    o->park = o->bldg = -1;
    return o;
}

/* Formal Party members: mostly 0-2, a minority >= 3. */
static int draw_members(int small)
{
    double r = rng_unif();
    if (small) /* community orgs and the uncovered park/building clusters */
        return r < 0.56 ? 0 : r < 0.82 ? 1 : r < 0.93 ? 2 : 3 + rng_int(4);
    if (r < 0.47)
        return 0;
    if (r < 0.69)
        return 1;
    if (r < 0.81)
        return 2;
    return 3 + (int)(27.0 * pow(rng_unif(), 2.5));
}

static void fill_attributes(struct org *o, int small)
{
    o->members = draw_members(small);
    /* untransferred members: a few, rarely 3 or more (functional-branch cases) */
    double u = rng_unif();
    o->untransferred = u < 0.86 ? 0 : u < 0.995 ? 1 + rng_int(2) : 3 + rng_int(3);
    if (o->industry == I_TRADE && !o->community_org && rng_chance(0.05))
        o->untransferred = 3 + rng_int(4);
    double median = o->community_org ? 4 : o->members >= 3 ? 25 : 8;
    int staff = (int)lround(median * exp(rng_normal() * 0.9));
    if (o->community_org && staff > 30)
        staff = 30;
    if (staff < o->members + o->untransferred)
        staff = o->members + o->untransferred;
    o->staff = staff < 1 ? 1 : staff > 200 ? 200 : staff;
    static const char *const ratings[] = {"5A", "4A", "3A", "2A", "1A"};
    static const double rw[] = {2, 5, 9, 5, 2, 77};
    int k = rng_pick(rw, 6);
    o->rating = o->community_org || k == 5 ? NULL : ratings[k];
}

static void finish_org(struct org *o, int small, int community)
{
    o->community_org = community;
    char base[160];
    for (int tries = 0;; tries++) {
        if (community)
            name_community_org(o, &comms[o->comm]);
        else
            name_org(o);
        if (!name_taken(o->name))
            break;
        if (tries > 40) { /* a distinct name: add a brand word */
            snprintf(base, sizeof(base), "%s", o->name);
            size_t l = strlen(base);
            snprintf(o->name, sizeof(o->name), "%.*s%s%s", (int)(l > 9 ? l - 9 : 0), base,
                     brands[rng_int(N_BRANDS)], base + (l > 9 ? l - 9 : 0));
            if (!name_taken(o->name))
                break;
        }
        if (tries > 200)
            die("cannot find a free organization name");
    }
    fill_attributes(o, small);
    make_code(o);
    n_orgs++;
}

static void set_location(struct org *o, double x, double y, int comm)
{
    o->x = round(x * 1e6) / 1e6;
    o->y = round(y * 1e6) / 1e6;
    o->comm = comm;
    o->town = comms[comm].town;
    o->county = towns[o->town].county;
}

/* Number of community social orgs per community: uneven, so that a good
 * share of communities miss clause 11's target (urban 5, rural 2). */
static void draw_community_targets(void)
{
    for (int i = 0; i < n_comms; i++) {
        struct comm *m = &comms[i];
        int central = counties[towns[m->town].county].central;
        if (m->urban) {
            double meet = central ? 0.26 : 0.11;
            if (rng_chance(meet))
                m->n_corg = 5 + (int)(4.0 * pow(rng_unif(), 3));
            else {
                static const double w[] = {50, 25, 13, 8, 4};
                m->n_corg = rng_pick(w, 5);
            }
        } else {
            if (rng_chance(central ? 0.25 : 0.12))
                m->n_corg = 2 + (rng_chance(0.3) ? 1 : 0);
            else
                m->n_corg = rng_chance(0.15) ? 1 : 0;
        }
    }
}

static int point_in_comm(int ci, double *x, double *y)
{
    struct comm *m = &comms[ci];
    return random_point_in(m->cell, m->prep, m->boundary, EDGE_MARGIN, x, y);
}

/* A point near the community's centre (its seed point, where the community
 * centre, the 党群服务中心, stands): Gaussian with sigma metres, at least
 * EDGE_MARGIN inside; anywhere in the community if the cell is too tight. */
static int point_near_centre(int ci, double sigma, double *x, double *y)
{
    struct comm *m = &comms[ci];
    for (int tries = 0; tries < 60; tries++) {
        double px = m->x + rng_normal() * sigma / M_PER_DEG_LON;
        double py = m->y + rng_normal() * sigma / M_PER_DEG_LAT;
        if (px < m->xmin || px > m->xmax || py < m->ymin || py > m->ymax ||
            !prep_contains(m->prep, px, py) || dist_to(m->boundary, px, py) < EDGE_MARGIN)
            continue;
        *x = px;
        *y = py;
        return 1;
    }
    return point_in_comm(ci, x, y);
}

/* Where an organization of community ci sits: most cluster round the
 * community centre (urban within a few hundred metres, villages a little
 * wider), the others anywhere in the community. */
static int place_in_comm(int ci, double p_cluster, double *x, double *y)
{
    if (rng_chance(p_cluster))
        return point_near_centre(ci, comms[ci].urban ? 130.0 : 250.0, x, y);
    return point_in_comm(ci, x, y);
}

static void make_orgs(void)
{
    draw_community_targets();
    int n_community = 0;
    for (int i = 0; i < n_comms; i++)
        n_community += comms[i].n_corg;
    int n_other = (int)lround(n_community * 55.0 / 45.0);
    int n_in_parks = n_other * 10 / 100, n_in_bldgs = n_other * 6 / 100;

    /* community social organizations in their community */
    for (int i = 0; i < n_comms; i++)
        for (int k = 0; k < comms[i].n_corg; k++) {
            struct org *o = new_org();
            double x, y;
            if (!place_in_comm(i, comms[i].urban ? 0.85 : 0.7, &x, &y))
                die("community %s: no room for an organization", comms[i].code);
            set_location(o, x, y, i);
            finish_org(o, 1, 1);
        }
    /* clusters in parks and buildings */
    for (int k = 0; k < n_in_parks + n_in_bldgs; k++) {
        int is_park = k < n_in_parks;
        int pi = is_park ? rng_int(n_parks) : rng_int(n_bldgs);
        struct place *p = is_park ? &parks[pi] : &bldgs[pi];
        double x = 0, y = 0;
        int ci = -1;
        for (int tries = 0; tries < 2000 && ci < 0; tries++) {
            if (is_park) {
                if (!random_point_in(p->geom, p->prep, p->boundary, EDGE_MARGIN, &x, &y))
                    continue;
            } else {
                bldg_corner(p, rng_range(-0.7, 0.7), rng_range(-0.7, 0.7), &x, &y);
            }
            ci = find_comm(x, y);
        }
        if (ci < 0)
            die("%s: no room for an organization", p->name);
        struct org *o = new_org();
        set_location(o, x, y, ci);
        if (is_park)
            o->park = pi;
        else
            o->bldg = pi;
        finish_org(o, !p->covered, 0);
    }
    /* the rest by density: the centre and urban communities first */
    double *w = xcalloc((size_t)n_comms, sizeof(double));
    for (int i = 0; i < n_comms; i++) {
        int central = counties[towns[comms[i].town].county].central;
        w[i] = comms[i].urban ? (central ? 6.0 : 3.0) : 0.6;
    }
    int rest = n_other - n_in_parks - n_in_bldgs;
    for (int k = 0; k < rest; k++) {
        int ci = rng_pick(w, n_comms);
        double x, y;
        if (!place_in_comm(ci, comms[ci].urban ? 0.7 : 0.5, &x, &y))
            die("community %s: no room for an organization", comms[ci].code);
        struct org *o = new_org();
        set_location(o, x, y, ci);
        finish_org(o, 0, 0);
    }
    free(w);
}

/* ------------------------------------------------ Party organizations */

static int seq_party[6][6];

/* Existing joint branches (step 5 of assign_party). */
#define JOINT_PROGRESS_LO 0.60
#define JOINT_PROGRESS_HI 1.00
#define JOINT_URBAN_FACTOR 0.55
#define JOINT_REACH_M 1500.0

static void give_party(struct org *o, enum party p)
{
    o->party = p;
    snprintf(o->party_id, sizeof(o->party_id), "%s%c%04d", counties[o->county].code,
             party_letters[p], ++seq_party[o->county][p]);
}

static void share_party(struct org *o, const struct org *host)
{
    o->party = host->party;
    memcpy(o->party_id, host->party_id, sizeof(o->party_id));
}

static int in_uncovered_cluster(const struct org *o)
{
    return (o->park >= 0 && !parks[o->park].covered) || (o->bldg >= 0 && !bldgs[o->bldg].covered);
}

static int is_assoc(const char *name)
{
    return strstr(name, "协会") || strstr(name, "学会") || strstr(name, "商会") ||
           strstr(name, "研究会");
}

static double *dist_key;
static int by_dist(const void *a, const void *b)
{
    double da = dist_key[*(const int *)a], db = dist_key[*(const int *)b];
    return da < db ? -1 : da > db ? 1 : *(const int *)a - *(const int *)b;
}

static void assign_party(void)
{
    /* 1. standalone for most with >= 3 formal members */
    for (int i = 0; i < n_orgs; i++)
        if (orgs[i].members >= 3 && rng_chance(0.85))
            give_party(&orgs[i], P_STANDALONE);
    /* 2. functional branches for a few associations with untransferred members */
    for (int i = 0; i < n_orgs; i++) {
        struct org *o = &orgs[i];
        if (o->party == P_NONE && o->members < 3 && o->untransferred >= 3 && o->staff >= 5 &&
            is_assoc(o->name) && rng_chance(0.5))
            give_party(o, P_FUNCTIONAL);
    }
    /* 3. regional branches in the covered parks and buildings */
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? n_bldgs : n_parks;
        for (int pi = 0; pi < n; pi++) {
            struct place *p = pass ? &bldgs[pi] : &parks[pi];
            if (!p->covered)
                continue;
            struct org *host = NULL;
            for (int i = 0; i < n_orgs; i++) {
                struct org *o = &orgs[i];
                if ((pass ? o->bldg : o->park) != pi || o->party != P_NONE || rng_chance(0.1))
                    continue;
                if (!host) {
                    give_party(o, P_REGIONAL);
                    host = o;
                } else {
                    share_party(o, host);
                }
            }
        }
    }
    /* 4. one industry Party organization per county, over one trade */
    for (int ci = 0; ci < n_counties; ci++) {
        static const int ind_for[6] = {I_TRADE, I_EDU, I_TRADE, I_ELDER, I_TRADE, I_SOCIAL};
        struct org *host = NULL;
        int taken = 0;
        for (int i = 0; i < n_orgs && taken < 9; i++) {
            struct org *o = &orgs[i];
            if (o->county != ci || o->party != P_NONE || o->community_org ||
                o->industry != ind_for[ci] || in_uncovered_cluster(o) || rng_chance(0.4))
                continue;
            if (!host) {
                give_party(o, P_INDUSTRY);
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
    double *progress = xcalloc((size_t)n_towns, sizeof(double));
    for (int t = 0; t < n_towns; t++) {
        int urban = 0, n = towns[t].n_comm;
        for (int j = 0; j < n; j++)
            urban += comms[towns[t].first_comm + j].urban;
        progress[t] = rng_range(JOINT_PROGRESS_LO, JOINT_PROGRESS_HI) *
                      (n && 2 * urban > n ? JOINT_URBAN_FACTOR : 1.0);
    }
    int *order = xcalloc((size_t)n_orgs, sizeof(int));
    int *cand = xcalloc((size_t)n_orgs, sizeof(int));
    dist_key = xcalloc((size_t)n_orgs, sizeof(double));
    for (int i = 0; i < n_orgs; i++)
        order[i] = i;
    for (int i = n_orgs - 1; i > 0; i--) {
        int j = rng_int(i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int k = 0; k < n_orgs; k++) {
        struct org *s = &orgs[order[k]];
        if (s->party != P_NONE || s->members < 1 || s->members > 2 || in_uncovered_cluster(s) ||
            !rng_chance(progress[s->town]))
            continue;
        int nc = 0;
        for (int i = 0; i < n_orgs; i++) {
            struct org *o = &orgs[i];
            if (o == s || o->party != P_NONE || o->town != s->town || o->members >= 3 ||
                in_uncovered_cluster(o))
                continue;
            double dx = (o->x - s->x) * M_PER_DEG_LON, dy = (o->y - s->y) * M_PER_DEG_LAT;
            dist_key[i] = dx * dx + dy * dy;
            if (dist_key[i] > JOINT_REACH_M * JOINT_REACH_M)
                continue;
            cand[nc++] = i;
        }
        qsort(cand, (size_t)nc, sizeof(int), by_dist);
        int group[5] = {(int)(s - orgs)}, ng = 1, sum = s->members;
        for (int c = 0; c < nc && ng < 5; c++) {
            struct org *o = &orgs[cand[c]];
            if (sum >= 3 && ng >= 3 && rng_chance(0.06))
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
        give_party(s, P_JOINT);
        for (int g = 1; g < ng; g++)
            share_party(&orgs[group[g]], s);
    }
    free(order);
    free(cand);
    free(dist_key);
    free(progress);
    /* 6. Party-building instructors, mostly where no organization exists yet */
    for (int i = 0; i < n_orgs; i++) {
        struct org *o = &orgs[i];
        if (o->members == 0)
            o->instructor = rng_chance(o->party == P_NONE ? 0.45 : 0.08);
        else if (o->party == P_NONE)
            o->instructor = rng_chance(0.25);
    }
}

/* -------------------------------------------------------------- writing */

static OGRSpatialReferenceH wgs84(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

static void remove_outputs(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT)
        die("cannot remove %s: %s", path, strerror(errno));
}

static GDALDatasetH create_ds(const char *driver, const char *path)
{
    GDALDriverH drv = GDALGetDriverByName(driver);
    if (!drv)
        die("GDAL has no %s driver", driver);
    remove_outputs(path);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds)
        die("%s: %s", path, CPLGetLastErrorMsg());
    return ds;
}

static void add_field(OGRLayerH lyr, const char *name, OGRFieldType type, int width)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    if (width)
        OGR_Fld_SetWidth(fd, width);
    if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE)
        die("cannot create field %s: %s", name, CPLGetLastErrorMsg());
    OGR_Fld_Destroy(fd);
}

static void close_ds(GDALDatasetH ds, const char *path)
{
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure)
        die("%s: error while closing: %s", path, CPLGetLastErrorMsg());
}

static void put_feature(OGRLayerH lyr, OGRFeatureH f, const GEOSGeometry *g, const char *path)
{
    if (g) {
        OGRGeometryH og = geos_to_ogr(g);
        og = OGR_G_ForceToMultiPolygon(og);
        OGR_F_SetGeometryDirectly(f, og);
    }
    if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
        die("%s: cannot write feature: %s", path, CPLGetLastErrorMsg());
    OGR_F_Destroy(f);
}

/* code, name [, extra string] polygons to GeoJSON */
static void write_geojson(const char *dir, const char *file, int n,
                          const char *(*code)(int), const char *(*name)(int),
                          const GEOSGeometry *(*geom)(int))
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    GDALDatasetH ds = create_ds("GeoJSON", path);
    OGRSpatialReferenceH srs = wgs84();
    char layer[64];
    snprintf(layer, sizeof(layer), "%.*s", (int)(strchr(file, '.') - file), file);
    const char *lco[] = {"COORDINATE_PRECISION=6", "WRITE_BBOX=NO", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, layer, srs, wkbMultiPolygon, (char **)lco);
    OSRDestroySpatialReference(srs);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    add_field(lyr, "code", OFTString, 0);
    add_field(lyr, "name", OFTString, 0);
    for (int i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, code(i));
        OGR_F_SetFieldString(f, 1, name(i));
        put_feature(lyr, f, geom(i), path);
    }
    close_ds(ds, path);
}

static const char *county_code(int i) { return counties[i].code; }
static const char *county_name(int i) { return counties[i].name; }
static const GEOSGeometry *county_geom(int i) { return counties[i].geom; }
static const char *park_code(int i) { return parks[i].code; }
static const char *park_name(int i) { return parks[i].name; }
static const GEOSGeometry *park_geom(int i) { return parks[i].geom; }
static const char *bldg_code(int i) { return bldgs[i].code; }
static const char *bldg_name(int i) { return bldgs[i].name; }
static const GEOSGeometry *bldg_geom(int i) { return bldgs[i].geom; }

static void write_streets(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/streets.gpkg", dir);
    GDALDatasetH ds = create_ds("GPKG", path);
    OGRSpatialReferenceH srs = wgs84();
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "streets", srs, wkbMultiPolygon, NULL);
    OSRDestroySpatialReference(srs);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    add_field(lyr, "code", OFTString, 9);
    add_field(lyr, "name", OFTString, 0);
    add_field(lyr, "district_code", OFTString, 6);
    if (OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        die("%s: cannot start a transaction", path);
    for (int i = 0; i < n_towns; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, towns[i].code);
        OGR_F_SetFieldString(f, 1, towns[i].name);
        OGR_F_SetFieldString(f, 2, counties[towns[i].county].code);
        put_feature(lyr, f, towns[i].cell, path);
    }
    if (OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
        die("%s: commit failed", path);
    close_ds(ds, path);
}

static void write_communities(const char *dir)
{
    char path[4096], aux[4096];
    snprintf(path, sizeof(path), "%s/communities.shp", dir);
    static const char *const exts[] = {"shx", "dbf", "prj", "cpg"};
    for (int i = 0; i < 4; i++) {
        snprintf(aux, sizeof(aux), "%s/communities.%s", dir, exts[i]);
        remove_outputs(aux);
    }
    GDALDatasetH ds = create_ds("ESRI Shapefile", path);
    OGRSpatialReferenceH srs = wgs84();
    const char *lco[] = {"ENCODING=CP936", "DBF_DATE_LAST_UPDATE=2026-01-01", NULL};
    OGRLayerH lyr =
        GDALDatasetCreateLayer(ds, "communities", srs, wkbMultiPolygon, (char **)lco);
    OSRDestroySpatialReference(srs);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    /* DBF field names hold 10 bytes: 城乡分类代码 (12 bytes in GBK) cannot fit */
    add_field(lyr, "区划代码", OFTString, 12);
    add_field(lyr, "名称", OFTString, 80);
    add_field(lyr, "城乡分类", OFTString, 3);
    add_field(lyr, "街道代码", OFTString, 9);
    for (int i = 0; i < n_comms; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, comms[i].code);
        OGR_F_SetFieldString(f, 1, comms[i].name);
        OGR_F_SetFieldString(f, 2, comms[i].ur);
        OGR_F_SetFieldString(f, 3, towns[comms[i].town].code);
        put_feature(lyr, f, comms[i].cell, path);
    }
    close_ds(ds, path);
    /* real Chinese shapefiles come without .cpg: the importer must detect GBK */
    snprintf(aux, sizeof(aux), "%s/communities.cpg", dir);
    remove_outputs(aux);
}

static int by_code(const void *a, const void *b)
{
    const struct org *x = a, *y = b;
    int c = strcmp(counties[x->county].code, counties[y->county].code);
    return c ? c : strcmp(x->code + 8, y->code + 8);
}

static void write_orgs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/organizations.xlsx", dir);
    GDALDatasetH ds = create_ds("XLSX", path);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "社会组织", NULL, wkbNone, NULL);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    static const char *const cols[] = {"统一社会信用代码", "名称", "类型", "社区社会组织",
                                       "所属行业", "评估等级", "正式党员数",
                                       "组织关系未转入党员数", "从业人员数", "党组织类型",
                                       "党组织编号", "党建工作指导员", "经度", "纬度"};
    for (int i = 0; i < 14; i++)
        add_field(lyr, cols[i], i >= 6 && i <= 8 ? OFTInteger : i >= 12 ? OFTReal : OFTString,
                  0);
    qsort(orgs, (size_t)n_orgs, sizeof(*orgs), by_code);
    for (int i = 0; i < n_orgs; i++) {
        struct org *o = &orgs[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, o->code);
        OGR_F_SetFieldString(f, 1, o->name);
        OGR_F_SetFieldString(f, 2, kind_names[o->kind]);
        OGR_F_SetFieldString(f, 3, o->community_org ? "是" : "否");
        OGR_F_SetFieldString(f, 4, o->sector ? o->sector : industries[o->industry]);
        if (o->rating)
            OGR_F_SetFieldString(f, 5, o->rating);
        OGR_F_SetFieldInteger(f, 6, o->members);
        OGR_F_SetFieldInteger(f, 7, o->untransferred);
        OGR_F_SetFieldInteger(f, 8, o->staff);
        OGR_F_SetFieldString(f, 9, party_names[o->party]);
        if (o->party != P_NONE)
            OGR_F_SetFieldString(f, 10, o->party_id);
        OGR_F_SetFieldString(f, 11, o->instructor ? "是" : "否");
        OGR_F_SetFieldDouble(f, 12, o->x);
        OGR_F_SetFieldDouble(f, 13, o->y);
        put_feature(lyr, f, NULL, path);
    }
    close_ds(ds, path);
}

/* ------------------------------------------------- the register workbook */

/*
 * organizations-register.xlsx: the same organizations in the shape of a real
 * civil-affairs register (社会组织名录): one sheet per county with a merged
 * title row, a header with units, a notes row and two empty rows; addresses
 * (住所) in the forms registers use instead of coordinates for most rows; a
 * few city-level credit codes. Drawn from its own stream (SEED_REGISTER)
 * after everything else, so the other files do not change.
 *
 * Every address is checked by scan_address()/resolve_row(), which read the
 * row the way the importer is meant to (issue 8): the district, then a
 * street of that district, then a community of that street, names in any of
 * their usual variants, a longer name winning over one it contains. What
 * that reading finds must be the organization's true area, and the most
 * precise level it reaches is the row's `expect` in the truth file.
 */
#define SEED_REGISTER 0x4C59475245473231ULL /* "LYGREG21" */
#define REG_COORD_SHARE 0.15                /* rows that keep their lon/lat */
#define REG_CITY_SHARE 0.05                 /* rows with a city-level credit code */
#define REG_COLUMN_SHARE 0.88               /* rows of the 所属社区 sheet with that cell */
#define REG_COLUMN_COUNTY "320707"          /* 赣榆区: many repeated village names */
#define CITY_CODE "320700"
#define CITY_NAME "连云港市"

enum level { L_NONE, L_DISTRICT, L_STREET, L_COMMUNITY, L_POINT };
static const char *const level_names[] = {"none", "district", "street", "community", "point"};

/* Community name classes: 居 (社区/居委会 ...), 村 (村/村委会 ...), other. */
enum { NM_JU, NM_CUN, NM_OTHER };

/* Address forms. */
enum form {
    F_FULL,     /* 江苏省连云港市海州区新浦街道王庄社区解放路12号 */
    F_NBS,      /* 连云港市海州区新浦街道办事处王庄社区居委会 */
    F_SHORT,    /* 海州区新浦办事处王庄居委会幸福路8号 */
    F_VILLAGE,  /* 灌云县伊山镇李集村三组 */
    F_NODIST,   /* 新浦街道王庄社区解放路12号 (district from the credit code) */
    F_NOSTREET, /* 海州区王庄社区建设路3号 */
    F_COMMONLY, /* 李集村民委员会 */
    F_STREET,   /* 新浦街道解放中路66号 */
    F_DROAD,    /* 海州区新浦路18号 */
    F_ROAD,     /* 连云港市墟沟路18号: unusable */
    F_EMPTY,    /* (empty) */
    F_JUNK,     /* 连云港市, 详见登记证书 ... */
    N_FORMS
};
static const char *const form_names[] = {
    "full",           "nbs",         "short",         "village",   "no_district", "no_street",
    "community_only", "street_only", "district_road", "road_only", "empty",       "unusable"};
/* Form weights for 居-type and 村-type communities (both sum to 90). */
static const double form_w_ju[N_FORMS] = {24, 10, 14, 2, 8, 8, 3, 10, 6, 2, 2, 1};
static const double form_w_cun[N_FORMS] = {12, 8, 8, 22, 6, 8, 5, 10, 6, 2, 2, 1};

struct reg_row {
    char code[19]; /* the register's credit code */
    int city;      /* registered by the city bureau: city-level code */
    enum form form;
    char addr[640];
    char column[192]; /* 所属社区 (column sheet only) */
    int coords;
    enum level expect, expect_nc; /* with / without the coordinates */
    const char *basis;
    int sheet_row; /* 1-based row in its sheet */
};

static char (*comm_stem)[96];
static int *comm_type;
static int *comm_ambiguous; /* its class occurs more than once in the county */
static char (*town_stem)[64];
static int *town_is_jd; /* a 街道 (X街道 / X街道办事处 / X办事处) */

static int ends_with(const char *s, const char *suf)
{
    size_t ls = strlen(s), lf = strlen(suf);
    return ls > lf && strcmp(s + ls - lf, suf) == 0;
}

static void prepare_names(void)
{
    static const char *const ju[] = {"社区居民委员会", "社区居委会", "居民委员会", "居委会",
                                     "社区"};
    static const char *const cun[] = {"村民委员会", "村委会", "村"};
    comm_stem = xcalloc((size_t)n_comms, sizeof(*comm_stem));
    comm_type = xcalloc((size_t)n_comms, sizeof(int));
    comm_ambiguous = xcalloc((size_t)n_comms, sizeof(int));
    town_stem = xcalloc((size_t)n_towns, sizeof(*town_stem));
    town_is_jd = xcalloc((size_t)n_towns, sizeof(int));
    for (int i = 0; i < n_comms; i++) {
        const char *nm = comms[i].name;
        comm_type[i] = NM_OTHER;
        snprintf(comm_stem[i], sizeof(comm_stem[i]), "%s", nm);
        for (int pass = 0; pass < 2 && comm_type[i] == NM_OTHER; pass++) {
            const char *const *suf = pass ? cun : ju;
            int n = pass ? 3 : 5;
            for (int k = 0; k < n; k++)
                if (ends_with(nm, suf[k])) {
                    comm_stem[i][strlen(nm) - strlen(suf[k])] = 0;
                    comm_type[i] = pass ? NM_CUN : NM_JU;
                    break;
                }
        }
    }
    for (int i = 0; i < n_comms; i++)
        for (int j = 0; j < n_comms; j++)
            if (j != i && towns[comms[j].town].county == towns[comms[i].town].county &&
                comm_type[j] == comm_type[i] && strcmp(comm_stem[j], comm_stem[i]) == 0)
                comm_ambiguous[i] = 1;
    for (int i = 0; i < n_towns; i++) {
        const char *nm = towns[i].name;
        snprintf(town_stem[i], sizeof(town_stem[i]), "%s", nm);
        if (ends_with(nm, "街道办事处") || ends_with(nm, "街道")) {
            town_is_jd[i] = 1;
            town_stem[i][strlen(nm) -
                         (ends_with(nm, "街道") ? strlen("街道") : strlen("街道办事处"))] = 0;
        } else if (ends_with(nm, "镇") || ends_with(nm, "乡")) {
            town_stem[i][strlen(nm) - strlen("镇")] = 0; /* 镇 and 乡 are both 3 bytes */
        }
    }
}

/* Variant k of a community's name; returns the number of variants. */
static int comm_variant(int m, int k, char *buf, size_t len)
{
    static const char *const ju[] = {"社区", "社区居委会", "居委会", "居民委员会",
                                     "社区居民委员会"};
    static const char *const cun[] = {"村", "村委会", "村民委员会"};
    if (comm_type[m] == NM_JU) {
        snprintf(buf, len, "%s%s", comm_stem[m], ju[k % 5]);
        return 5;
    }
    if (comm_type[m] == NM_CUN) {
        snprintf(buf, len, "%s%s", comm_stem[m], cun[k % 3]);
        return 3;
    }
    snprintf(buf, len, "%s", comms[m].name);
    return 1;
}

/* Variant k of a town's name; returns the number of variants. */
static int town_variant(int t, int k, char *buf, size_t len)
{
    static const char *const jd[] = {"街道", "街道办事处", "办事处"};
    if (town_is_jd[t]) {
        snprintf(buf, len, "%s%s", town_stem[t], jd[k % 3]);
        return 3;
    }
    snprintf(buf, len, "%s", towns[t].name);
    return 1;
}

struct hit {
    int is_comm, idx;
    size_t start, end;
};

static void add_hits(const char *addr, const char *name, int is_comm, int idx, struct hit *hits,
                     int *n, int max)
{
    size_t l = strlen(name);
    for (const char *p = strstr(addr, name); p && *n < max; p = strstr(p + 1, name))
        hits[(*n)++] = (struct hit){is_comm, idx, (size_t)(p - addr), (size_t)(p - addr) + l};
}

/*
 * The towns and communities of county ci that addr names, in any variant;
 * a match inside a longer match (王庄村 in 大王庄村委会) does not count.
 * Fills towns_out / comms_out (flags per index) and returns the number of
 * matches kept.
 */
static int scan_address(const char *addr, int ci, int *towns_out, int *comms_out)
{
    enum { MAX_HITS = 256 };
    struct hit hits[MAX_HITS];
    int n = 0;
    char v[160];
    for (int t = 0; t < n_towns; t++) {
        if (towns[t].county != ci)
            continue;
        int nv = town_variant(t, 0, v, sizeof(v));
        for (int k = 0; k < nv; k++) {
            town_variant(t, k, v, sizeof(v));
            add_hits(addr, v, 0, t, hits, &n, MAX_HITS);
        }
        for (int j = 0; j < towns[t].n_comm; j++) {
            int m = towns[t].first_comm + j;
            int nc = comm_variant(m, 0, v, sizeof(v));
            for (int k = 0; k < nc; k++) {
                comm_variant(m, k, v, sizeof(v));
                add_hits(addr, v, 1, m, hits, &n, MAX_HITS);
            }
        }
    }
    if (n == MAX_HITS)
        die("register: address '%s' matches too many names", addr);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        int inside = 0;
        for (int j = 0; j < n && !inside; j++)
            inside = hits[j].start <= hits[i].start && hits[i].end <= hits[j].end &&
                     hits[j].end - hits[j].start > hits[i].end - hits[i].start;
        if (inside)
            continue;
        (hits[i].is_comm ? comms_out : towns_out)[hits[i].idx] = 1;
        kept++;
    }
    return kept;
}

struct resolved {
    enum level level;
    int county, town, comm;
    const char *basis;
};

/*
 * How precisely the row's own data places it: district from the address or
 * a county-level credit code; a 所属社区 value naming one community of that
 * district; a street of that district named in the address, and a community
 * of that street; or a community named without street that is the only one
 * of that name in the district. Coordinates are handled by the caller.
 */
static struct resolved resolve_row(const char *addr, const char *column, const char *code)
{
    struct resolved r = {L_NONE, -1, -1, -1, "none"};
    int from_code = -1, named = 0;
    if (strncmp(code + 2, CITY_CODE, 6) != 0)
        from_code = county_index(code + 2);
    for (int c = 0; c < n_counties; c++)
        if (strstr(addr, counties[c].name)) {
            if (r.county >= 0)
                die("register: address '%s' names two districts", addr);
            r.county = c;
            named = 1;
        }
    if (r.county < 0)
        r.county = from_code;
    if (r.county < 0)
        return r;
    r.level = L_DISTRICT;
    r.basis = named ? "district_address" : "district_code";
    int *tf = xcalloc((size_t)n_towns, sizeof(int)), *cf = xcalloc((size_t)n_comms, sizeof(int));
    scan_address(addr, r.county, tf, cf);
    int nt = 0, t = -1;
    for (int i = 0; i < n_towns; i++)
        if (tf[i]) {
            nt++;
            t = i;
        }
    if (nt > 1)
        die("register: address '%s' names %d streets", addr, nt);
    int nc = 0, m = -1;
    char v[160];
    for (int i = 0; i < n_comms; i++) {
        if (towns[comms[i].town].county != r.county)
            continue;
        /* a community named in the address counts under the street named, if any */
        if (cf[i] && (t < 0 || comms[i].town == t)) {
            nc++;
            m = i;
        }
    }
    if (nt == 1) {
        r.town = t;
        r.level = L_STREET;
        r.basis = "street";
    }
    if (nc == 1) {
        r.comm = m;
        r.town = comms[m].town;
        r.level = L_COMMUNITY;
        r.basis = nt == 1 ? "street_community" : "community_unique";
    }
    if (column && column[0] && r.level < L_COMMUNITY) {
        int hits = 0, mm = -1;
        for (int i = 0; i < n_comms; i++) {
            if (towns[comms[i].town].county != r.county)
                continue;
            int nv = comm_variant(i, 0, v, sizeof(v));
            for (int k = 0; k < nv; k++) {
                comm_variant(i, k, v, sizeof(v));
                if (strcmp(v, column) == 0 || strcmp(comms[i].code, column) == 0) {
                    hits++;
                    mm = i;
                    break;
                }
            }
        }
        if (hits == 1) {
            r.comm = mm;
            r.town = comms[mm].town;
            r.level = L_COMMUNITY;
            r.basis = "community_column";
        }
    }
    free(tf);
    free(cf);
    return r;
}

static void reg_road(const struct org *o, char *buf, size_t len)
{
    static const char *const roads[] = {
        "解放路",     "人民路", "建设路", "幸福路",   "海连路", "朝阳路",   "通灌路", "郁洲路",
        "苍梧路",     "陇海路", "青年路", "民主路",   "振兴路", "和平路",   "盐河路", "凤凰大道",
        "花果山大道", "珠江路", "黄河路", "长江路",   "淮海路", "东方大道", "瀛洲路", "临洪大道",
        "巨龙路",     "学院路", "新华路", "港城大道", "中山路", "海宁路",   "华山路", "解放中路",
        "人民东路",   "秦东路", "团结路", "文化路",   "北京路", "上海路"};
    static const char *const road_suf[] = {"路", "大道", "中路", "东路", "西路", "南路", "北路"};
    static const char *const cn[] = {"一", "二", "三", "四", "五", "六", "七", "八"};
    char road[128];
    if (o->bldg >= 0 && rng_chance(0.5)) {
        int floor = 2 + rng_int(24);
        snprintf(buf, len, "%s%d楼%d%02d室", bldgs[o->bldg].name, floor, floor, 1 + rng_int(20));
        return;
    }
    if (rng_chance(0.3)) { /* a road named after an area: 墟沟路, 新浦路 */
        int same = rng_chance(0.5), tries = 0;
        road[0] = 0;
        while (!road[0] && tries++ < 100) {
            if (rng_chance(0.4)) {
                int t = rng_int(n_towns);
                if ((same && towns[t].county != o->county) ||
                    (!town_is_jd[t] && !ends_with(towns[t].name, "镇")))
                    continue;
                snprintf(road, sizeof(road), "%s%s", town_stem[t], PICK(road_suf));
            } else {
                int m = rng_int(n_comms);
                if ((same && towns[comms[m].town].county != o->county) || comm_type[m] == NM_OTHER)
                    continue;
                snprintf(road, sizeof(road), "%s%s", comm_stem[m], PICK(road_suf));
            }
        }
        if (!road[0])
            snprintf(road, sizeof(road), "%s", PICK(roads));
    } else {
        snprintf(road, sizeof(road), "%s", PICK(roads));
    }
    int no = 1 + (int)(300.0 * pow(rng_unif(), 2));
    double r = rng_unif();
    if (r < 0.75)
        snprintf(buf, len, "%s%d号", road, no);
    else if (r < 0.9)
        snprintf(buf, len, "%s%d号%d幢%d%02d室", road, no, 1 + rng_int(12), 1 + rng_int(18),
                 1 + rng_int(6));
    else if (r < 0.95)
        snprintf(buf, len, "%s%d号院", road, no);
    else
        snprintf(buf, len, "%s%d号%s楼", road, no, PICK(cn));
}

/* A community variant typical of a form: short ones in running addresses. */
static void reg_comm_name(int m, enum form f, char *buf, size_t len)
{
    int k;
    if (comm_type[m] == NM_JU) {
        static const int full[] = {0, 0, 0, 1, 2}, shrt[] = {0, 2, 2, 0, 1}, only[] = {1, 3, 4, 1};
        k = f == F_COMMONLY ? only[rng_int(4)] : f == F_SHORT ? shrt[rng_int(5)] : full[rng_int(5)];
    } else {
        static const int full[] = {0, 0, 0, 1}, only[] = {1, 2, 2};
        k = f == F_COMMONLY ? only[rng_int(3)] : full[rng_int(4)];
    }
    if (f == F_NBS) {
        snprintf(buf, len, "%s", comms[m].name);
        return;
    }
    comm_variant(m, k, buf, len);
}

static void reg_town_name(int t, enum form f, char *buf, size_t len)
{
    if (f == F_NBS) {
        snprintf(buf, len, "%s", towns[t].name);
        return;
    }
    static const int full[] = {0, 0, 0, 1, 2}, shrt[] = {2, 2, 0, 1};
    town_variant(t, f == F_SHORT ? shrt[rng_int(4)] : full[rng_int(5)], buf, len);
}

static void reg_address(const struct org *o, const struct reg_row *row, enum form f, char *buf,
                        size_t len)
{
    static const char *const prefixes[] = {"", CITY_NAME, "江苏省" CITY_NAME};
    static const char *const junk[] = {CITY_NAME, "江苏省" CITY_NAME, "详见登记证书", "无",
                                       "待补充"};
    static const char *const cn[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    const char *dist = counties[o->county].name;
    char town[96], com[160], road[160];
    reg_town_name(o->town, f, town, sizeof(town));
    reg_comm_name(o->comm, f, com, sizeof(com));
    reg_road(o, road, sizeof(road));
    switch (f) {
    case F_FULL:
        snprintf(buf, len, "江苏省" CITY_NAME "%s%s%s%s", dist, town, com, road);
        break;
    case F_NBS:
        snprintf(buf, len, CITY_NAME "%s%s%s", dist, town, com);
        break;
    case F_SHORT:
        snprintf(buf, len, "%s%s%s%s", dist, town, com, road);
        break;
    case F_VILLAGE:
        if (comm_type[o->comm] == NM_CUN && rng_chance(0.5))
            snprintf(buf, len, "%s%s%s%s组", dist, town, com, cn[rng_int(10)]);
        else
            snprintf(buf, len, "%s%s%s", dist, town, com);
        break;
    case F_NODIST:
        snprintf(buf, len, "%s%s%s", town, com, road);
        break;
    case F_NOSTREET:
        snprintf(buf, len, "%s%s%s%s", prefixes[rng_int(2)], dist, com, road);
        break;
    case F_COMMONLY:
        snprintf(buf, len, "%s", com);
        break;
    case F_STREET:
        if (row->city || rng_chance(0.3))
            snprintf(buf, len, "%s%s%s%s", prefixes[rng_int(3)], dist, town, road);
        else
            snprintf(buf, len, "%s%s", town, road);
        break;
    case F_DROAD:
        snprintf(buf, len, "%s%s%s", prefixes[rng_int(3)], dist, road);
        break;
    case F_ROAD:
        snprintf(buf, len, CITY_NAME "%s", road);
        break;
    case F_EMPTY:
        buf[0] = 0;
        break;
    default:
        snprintf(buf, len, "%s", PICK(junk));
        break;
    }
}

/* The address-only level a form is meant to reach (the scan must agree). */
static int form_reaches(enum form f, enum level l, int city)
{
    switch (f) {
    case F_FULL:
    case F_NBS:
    case F_SHORT:
    case F_VILLAGE:
    case F_NODIST:
        return l == L_COMMUNITY;
    case F_NOSTREET:
    case F_COMMONLY:
        return l == L_COMMUNITY || l == L_DISTRICT;
    case F_STREET:
        return l == L_STREET;
    case F_DROAD:
        return l == L_DISTRICT;
    default:
        return l == (city ? L_NONE : L_DISTRICT);
    }
}

static void reg_code(const struct org *o, struct reg_row *row, const struct reg_row *rows,
                     int n_done)
{
    memcpy(row->code, o->code, sizeof(row->code));
    row->city = 0;
    if (!rng_chance(REG_CITY_SHARE))
        return;
    char c[19];
    snprintf(c, sizeof(c), "%.2s%s%.9s", o->code, CITY_CODE, o->code + 8);
    c[17] = gb32100_check(c);
    c[18] = 0;
    if (geo_creditcode_check(c, NULL, 0) != 0)
        die("register: city-level code %s is invalid", c);
    if (code_taken(c))
        return;
    for (int i = 0; i < n_done; i++)
        if (strcmp(rows[i].code, c) == 0)
            return;
    memcpy(row->code, c, sizeof(row->code));
    row->city = 1;
}

/* Draws the register's rows (orgs are already in their output order). */
static struct reg_row *make_register(void)
{
    rng_seed(SEED_REGISTER);
    prepare_names();
    struct reg_row *rows = xcalloc((size_t)n_orgs, sizeof(*rows));
    int column_county = county_index(REG_COLUMN_COUNTY);
    char v[160];
    for (int i = 0; i < n_orgs; i++) {
        const struct org *o = &orgs[i];
        struct reg_row *row = &rows[i];
        reg_code(o, row, rows, i);
        row->coords = rng_chance(REG_COORD_SHARE);
        double w[N_FORMS];
        for (int f = 0; f < N_FORMS; f++) {
            w[f] = comm_type[o->comm] == NM_JU ? form_w_ju[f] : form_w_cun[f];
            if (comm_ambiguous[o->comm] && (f == F_NOSTREET || f == F_COMMONLY))
                w[f] *= 4; /* the name is shared within the county: worth testing */
            if (row->city && (f == F_NODIST || f == F_COMMONLY))
                w[f] = 0; /* no district in the text and none in the code */
        }
        struct resolved r = {L_NONE, -1, -1, -1, "none"};
        int tries = 0;
        for (;; tries++) {
            if (tries == 60)
                die("register: no usable address for %s (%s, form %s): last '%s' reads as %s",
                    o->code, comms[o->comm].name, form_names[row->form], row->addr,
                    level_names[r.level]);
            row->form = (enum form)rng_pick(w, N_FORMS);
            reg_address(o, row, row->form, row->addr, sizeof(row->addr));
            r = resolve_row(row->addr, NULL, row->code);
            if (!form_reaches(row->form, r.level, row->city))
                continue;
            /* whatever the text names must be the organization's own area */
            if ((r.level >= L_DISTRICT && r.county != o->county) ||
                (r.level >= L_STREET && r.town != o->town) ||
                (r.level >= L_COMMUNITY && r.comm != o->comm))
                continue;
            break;
        }
        row->column[0] = 0;
        if (o->county == column_county && r.county >= 0 && rng_chance(REG_COLUMN_SHARE)) {
            if (rng_chance(0.05)) {
                snprintf(row->column, sizeof(row->column), "%s", comms[o->comm].code);
            } else {
                reg_comm_name(o->comm, rng_chance(0.5) ? F_FULL : F_COMMONLY, v, sizeof(v));
                snprintf(row->column, sizeof(row->column), "%s", v);
            }
            struct resolved rc = resolve_row(row->addr, row->column, row->code);
            if (rc.level == L_COMMUNITY && rc.comm != o->comm)
                die("register: 所属社区 '%s' of %s names another community", row->column, o->code);
            if (r.level < L_COMMUNITY && rc.level < L_COMMUNITY)
                row->column[0] = 0; /* a name the county shares: left blank, as registers do */
            else
                r = rc;
        }
        row->expect_nc = r.level;
        row->basis = r.basis;
        row->expect = row->coords ? L_POINT : r.level;
    }
    return rows;
}

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程",
    "曹", "袁", "邓", "许", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏",
    "薛", "叶", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石",
    "姚", "谭", "邹", "金", "陆", "孔", "白", "崔", "孟", "秦", "顾", "侯", "邵", "葛", "惠"};
static const char *const given[] = {
    "伟", "芳",   "娜", "敏", "静",   "丽", "强",   "磊",   "军",   "洋",   "勇",   "艳", "杰",
    "娟", "涛",   "明", "超", "秀英", "霞", "平",   "刚",   "桂英", "建华", "文",   "华", "玉兰",
    "红", "志强", "海", "波", "宁",   "春", "立新", "晓东", "国庆", "建国", "海燕", "丹", "凯",
    "浩", "雪",   "俊", "慧", "鹏",   "玲", "新民", "德胜", "永",   "振",   "兰"};

/* 业务主管单位 by industry; trade associations and chambers register directly. */
static void supervisor(const struct org *o, const char *authority_prefix, char *buf, size_t len)
{
    static const char *const by_ind[N_IND] = {"教育局",         "民政局", "文化广电和旅游局",
                                              "民政局",         NULL,     "科学技术协会",
                                              "卫生健康委员会", "民政局"};
    if (!by_ind[o->industry])
        snprintf(buf, len, "无");
    else
        snprintf(buf, len, "%s%s", authority_prefix, by_ind[o->industry]);
}

static void reg_write_sheet(struct xlsxw *w, int ci, const struct reg_row *rows, int *row_no,
                            const char *path)
{
    static const char *const head[] = {"序号",
                                       "统一社会信用代码",
                                       "社会组织名称",
                                       "类型",
                                       "登记管理机关",
                                       "业务主管单位",
                                       "法定代表人",
                                       "成立登记日期",
                                       "住所",
                                       "所属社区",
                                       "社区社会组织",
                                       "所属行业",
                                       "评估等级",
                                       "正式党员数（人）",
                                       "组织关系未转入党员数（人）",
                                       "从业人员数（人）",
                                       "党组织类型",
                                       "党组织编号",
                                       "党建工作指导员",
                                       "经度",
                                       "纬度"};
    static const double widths[] = {6,  22, 36, 14, 22, 26, 10, 12, 44, 16, 8,
                                    12, 8,  10, 12, 10, 10, 16, 10, 12, 12};
    enum { H_COLUMN = 9, N_HEAD = 21 };
    int with_column = strcmp(counties[ci].code, REG_COLUMN_COUNTY) == 0;
    int ncol = with_column ? N_HEAD : N_HEAD - 1;
    char buf[400], pre[64];
#define X(call)                                                                                    \
    do {                                                                                           \
        if ((call) != 0)                                                                           \
            die("%s: %s", path, xlsxw_errmsg(w));                                                  \
    } while (0)
    X(xlsxw_add_sheet(w, counties[ci].name));
    for (int c = 0, k = 0; c < N_HEAD; c++)
        if (c != H_COLUMN || with_column)
            X(xlsxw_col_width(w, k++, widths[c]));
    X(xlsxw_next_row(w));
    snprintf(buf, sizeof(buf), CITY_NAME "%s社会组织名录（2021年）", counties[ci].name);
    X(xlsxw_text(w, buf));
    X(xlsxw_merge(w, 0, 0, 0, ncol - 1));
    X(xlsxw_next_row(w));
    for (int c = 0; c < N_HEAD; c++) {
        if (c == H_COLUMN && !with_column)
            continue;
        X(xlsxw_text(w, c == 13 && with_column ? "正式\n党员数（人）" : head[c]));
    }
    int row = 2, seq = 0;
    for (int i = 0; i < n_orgs; i++) {
        const struct org *o = &orgs[i];
        const struct reg_row *r = &rows[i];
        if (o->county != ci)
            continue;
        row_no[i] = ++row;
        X(xlsxw_next_row(w));
        X(xlsxw_number(w, ++seq));
        X(xlsxw_text(w, r->code));
        X(xlsxw_text(w, o->name));
        X(xlsxw_text(w, kind_names[o->kind]));
        if (r->city)
            snprintf(pre, sizeof(pre), CITY_NAME);
        else
            county_prefix(ci, pre, sizeof(pre));
        snprintf(buf, sizeof(buf), "%s民政局", pre);
        X(xlsxw_text(w, buf));
        supervisor(o, pre, buf, sizeof(buf));
        X(xlsxw_text(w, buf));
        snprintf(buf, sizeof(buf), "%s%s", PICK(surnames), PICK(given));
        X(xlsxw_text(w, buf));
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", 1998 + rng_int(24), 1 + rng_int(12),
                 1 + rng_int(28));
        X(xlsxw_text(w, buf));
        X(r->addr[0] ? xlsxw_text(w, r->addr) : xlsxw_skip(w));
        if (with_column)
            X(r->column[0] ? xlsxw_text(w, r->column) : xlsxw_skip(w));
        X(xlsxw_text(w, o->community_org ? "是" : "否"));
        X(xlsxw_text(w, o->sector ? o->sector : industries[o->industry]));
        X(o->rating ? xlsxw_text(w, o->rating) : xlsxw_skip(w));
        X(xlsxw_number(w, o->members));
        X(xlsxw_number(w, o->untransferred));
        X(xlsxw_number(w, o->staff));
        X(xlsxw_text(w, party_names[o->party]));
        X(o->party != P_NONE ? xlsxw_text(w, o->party_id) : xlsxw_skip(w));
        X(xlsxw_text(w, o->instructor ? "是" : "否"));
        if (r->coords) {
            X(xlsxw_number(w, o->x));
            X(xlsxw_number(w, o->y));
        }
    }
    X(xlsxw_next_row(w));
    X(xlsxw_text(w, "注：1.本名录数据截至2021年12月31日；2.住所以登记证书所载为准，部分社会组织"
                    "未填报；3.经度、纬度为GCJ-02坐标，仅部分社会组织已采集；4.党组织编号为空表示"
                    "尚未建立党组织。"));
    X(xlsxw_merge(w, row, 0, row, ncol - 1));
    X(xlsxw_next_row(w)); /* two empty rows, as exported registers often end */
    X(xlsxw_next_row(w));
#undef X
}

static void csv_field(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void write_truth(const char *path, const struct reg_row *rows, const int *row_no)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        die("%s: %s", path, strerror(errno));
    fputs("id,district,street,community,expect,expect_without_coordinates,basis,sample_id,"
          "sheet,row,form,address\n",
          fp);
    for (int ci = 0; ci < n_counties; ci++)
        for (int i = 0; i < n_orgs; i++) {
            const struct org *o = &orgs[i];
            const struct reg_row *r = &rows[i];
            if (o->county != ci)
                continue;
            fprintf(fp, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s,", r->code, counties[ci].code,
                    towns[o->town].code, comms[o->comm].code, level_names[r->expect],
                    level_names[r->expect_nc], r->basis, o->code, counties[ci].name, row_no[i],
                    form_names[r->form]);
            csv_field(fp, r->addr);
            fputc('\n', fp);
        }
    if (ferror(fp) | (fclose(fp) != 0))
        die("%s: write failed", path);
}

static void write_register(const char *dir, const char *truth)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/organizations-register.xlsx", dir);
    struct reg_row *rows = make_register();
    int *row_no = xcalloc((size_t)n_orgs, sizeof(int));
    struct xlsxw *w = xlsxw_new();
    if (!w)
        die("out of memory");
    for (int ci = 0; ci < n_counties; ci++)
        reg_write_sheet(w, ci, rows, row_no, path);
    if (xlsxw_save(w, path) != 0)
        die("%s", xlsxw_errmsg(w));
    xlsxw_free(w);
    if (truth)
        write_truth(truth, rows, row_no);

    int n_level[5] = {0}, n_nc[5] = {0}, n_form[N_FORMS] = {0}, n_city = 0, n_column = 0;
    for (int i = 0; i < n_orgs; i++) {
        n_level[rows[i].expect]++;
        n_nc[rows[i].expect_nc]++;
        n_form[rows[i].form]++;
        n_city += rows[i].city;
        n_column += rows[i].column[0] != 0;
    }
    printf("register: %d rows, %d with coordinates, %d city-level codes, %d 所属社区 cells\n",
           n_orgs, n_level[L_POINT], n_city, n_column);
    printf("register expect: point %d, community %d, street %d, district %d, none %d\n",
           n_level[L_POINT], n_level[L_COMMUNITY], n_level[L_STREET], n_level[L_DISTRICT],
           n_level[L_NONE]);
    printf("register without coordinates: community %d, street %d, district %d, none %d\n",
           n_nc[L_COMMUNITY], n_nc[L_STREET], n_nc[L_DISTRICT], n_nc[L_NONE]);
    printf("register address forms:");
    for (int f = 0; f < N_FORMS; f++)
        printf(" %s %d%s", form_names[f], n_form[f], f + 1 < N_FORMS ? "," : "\n");
    free(row_no);
    free(rows);
    free(comm_stem);
    free(comm_type);
    free(comm_ambiguous);
    free(town_stem);
    free(town_is_jd);
}

/* --------------------------------------------------------------- checks */

static void check_outputs(void)
{
    int bad = 0;
    GEOSGeometry *grown_g[6];
    const GEOSPreparedGeometry *grown[6];
    for (int i = 0; i < n_counties; i++) {
        grown_g[i] = GEOSBuffer_r(gh, counties[i].geom, 1e-5, 8);
        if (!grown_g[i])
            die("GEOS buffer: %s", cov_geos_last_error(gh));
        grown[i] = GEOSPrepare_r(gh, grown_g[i]);
    }
    for (int i = 0; i < n_towns; i++)
        if (GEOSisValid_r(gh, towns[i].cell) != 1)
            fprintf(stderr, "invalid town cell %s\n", towns[i].code), bad++;
    for (int i = 0; i < n_comms; i++) {
        struct comm *m = &comms[i];
        if (GEOSisValid_r(gh, m->cell) != 1 || GEOSisEmpty_r(gh, m->cell) != 0)
            fprintf(stderr, "invalid or empty community cell %s\n", m->code), bad++;
        /* snapping to 1e-6 degrees moves vertices by < 0.1 m: allow 1 m */
        if (GEOSPreparedCovers_r(gh, grown[towns[m->town].county], m->cell) != 1)
            fprintf(stderr, "community %s sticks out of its county\n", m->code), bad++;
    }
    for (int i = 0; i < n_parks; i++)
        bad += GEOSisValid_r(gh, parks[i].geom) != 1;
    for (int i = 0; i < n_bldgs; i++)
        bad += GEOSisValid_r(gh, bldgs[i].geom) != 1;
    for (int i = 0; i < n_orgs; i++) {
        struct org *o = &orgs[i];
        if (!prep_contains(counties[o->county].prep, o->x, o->y) ||
            !prep_contains(comms[o->comm].prep, o->x, o->y))
            fprintf(stderr, "organization %s outside its community\n", o->code), bad++;
        if (geo_creditcode_check(o->code, NULL, 0) != 0)
            fprintf(stderr, "organization %s: bad credit code\n", o->code), bad++;
    }
    for (int i = 0; i < n_counties; i++) {
        GEOSPreparedGeom_destroy_r(gh, grown[i]);
        GEOSGeom_destroy_r(gh, grown_g[i]);
    }
    if (bad)
        die("%d checks failed", bad);
}

static void report(void)
{
    int n_by_party[6] = {0}, n_kind[4] = {0}, n_comm_org = 0, eligible = 0, standalone = 0;
    int memberless = 0, instr_memberless = 0, members_hist[4] = {0};
    for (int i = 0; i < n_orgs; i++) {
        struct org *o = &orgs[i];
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
    for (int i = 0; i < n_comms; i++) {
        if (comms[i].urban) {
            urban++;
            urban_ok += comms[i].n_corg >= 5;
        } else {
            rural++;
            rural_ok += comms[i].n_corg >= 2;
        }
    }
    printf("districts %d, streets %d, communities %d (urban %d, rural %d), parks %d, "
           "buildings %d\n",
           n_counties, n_towns, n_comms, urban, rural, n_parks, n_bldgs);
    printf("real points: towns %d of %d, communities %d (%d known points not usable)\n",
           n_real_town_pts, n_towns, n_real_comm_pts, n_comm_pts_rejected);
    for (int i = 0; i < n_skipped; i++)
        printf("skipped virtual unit: %s\n", skipped[i]);
    printf("organizations %d: 社会团体 %d, 民办非企业单位 %d, 基金会 %d; community orgs %d\n",
           n_orgs, n_kind[1], n_kind[2], n_kind[3], n_comm_org);
    printf("formal members 0: %d, 1: %d, 2: %d, >=3: %d\n", members_hist[0], members_hist[1],
           members_hist[2], members_hist[3]);
    printf("party organization: none %d, standalone %d, joint %d, regional %d, industry %d, "
           "functional %d; covered %.1f %%\n",
           n_by_party[0], n_by_party[1], n_by_party[2], n_by_party[3], n_by_party[4],
           n_by_party[5], 100.0 * (n_orgs - n_by_party[0]) / n_orgs);
    printf("eligible (>= 3 members) %d, standalone %d (%.1f %%)\n", eligible, standalone,
           100.0 * standalone / (eligible ? eligible : 1));
    printf("instructor for memberless orgs: %d of %d (%.1f %%)\n", instr_memberless, memberless,
           100.0 * instr_memberless / (memberless ? memberless : 1));
    printf("clause 11 met: urban %d of %d, rural %d of %d\n", urban_ok, urban, rural_ok, rural);
}

/* ----------------------------------------------------------------- main */

static void free_all(void)
{
    for (int i = 0; i < n_counties; i++) {
        GEOSPreparedGeom_destroy_r(gh, counties[i].prep);
        GEOSGeom_destroy_r(gh, counties[i].geom);
    }
    for (int i = 0; i < n_towns; i++) {
        GEOSPreparedGeom_destroy_r(gh, towns[i].prep);
        GEOSGeom_destroy_r(gh, towns[i].cell);
    }
    for (int i = 0; i < n_comms; i++) {
        GEOSPreparedGeom_destroy_r(gh, comms[i].prep);
        GEOSGeom_destroy_r(gh, comms[i].cell);
        GEOSGeom_destroy_r(gh, comms[i].boundary);
    }
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? n_bldgs : n_parks;
        for (int i = 0; i < n; i++) {
            struct place *p = pass ? &bldgs[i] : &parks[i];
            GEOSPreparedGeom_destroy_r(gh, p->prep);
            GEOSGeom_destroy_r(gh, p->geom);
            GEOSGeom_destroy_r(gh, p->boundary);
        }
    }
    free(towns);
    free(comms);
    free(orgs);
}

int main(int argc, char **argv)
{
    static const char usage[] = "usage: mksample [--truth FILE] SOURCE_DIR OUT_DIR\n";
    const char *truth = NULL;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s", usage);
        printf("Builds the Lianyungang sample project (see data/lianyungang/README.md).\n"
               "--truth FILE also writes, as CSV, each register row's true district, street\n"
               "and community and the most precise placement its own data allows.\n");
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "--truth") == 0) {
        truth = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc != 3) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    const char *src = argv[1], *out = argv[2];
    GDALAllRegister();
    /* fixed timestamps: the GeoPackage records its "last change" */
    CPLSetConfigOption("OGR_CURRENT_DATE", "2026-01-01T00:00:00.000Z");
    gh = cov_geos_new();
    if (!gh)
        die("out of memory");
    rng_seed(SEED);

    read_counties(src);
    read_adcode(src);
    place_missing_towns();
    make_town_cells();
    make_comm_cells();
    make_parks();
    make_buildings();
    make_orgs();
    assign_party();
    check_outputs();

    write_geojson(out, "districts.geojson", n_counties, county_code, county_name, county_geom);
    write_streets(out);
    write_communities(out);
    write_geojson(out, "parks.geojson", n_parks, park_code, park_name, park_geom);
    write_geojson(out, "buildings.geojson", n_bldgs, bldg_code, bldg_name, bldg_geom);
    write_orgs(out);
    write_register(out, truth); /* last: its own random stream */
    report();

    free_all();
    cov_geos_free(gh);
    GDALDestroyDriverManager();
    return 0;
}
