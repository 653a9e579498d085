/*
 * mkcountry - write a synthetic country for the end-to-end benchmark.
 *
 *   mkcountry [--outside FRACTION] N_COMMUNITIES N_ORGS OUTDIR
 *
 * WGS84 lon/lat over lon 100..120, lat 22..40 (China's core extent). Writes
 * into OUTDIR, in the formats and with the columns `orgcover import` reads:
 *
 *   districts.gpkg     county polygons, 6-digit codes (blocks of 3x4 streets)
 *   streets.gpkg       street/town polygons, 9-digit codes (blocks of 4x4
 *                      communities), parent = district code
 *   communities.gpkg   N_COMMUNITIES polygons: a grid of quadrilaterals whose
 *                      interior vertices are jittered (every edge shared
 *                      exactly by its two neighbours, every street and
 *                      district boundary made of the same vertices), 12-digit
 *                      codes, parent = street code, ur_code 111 (urban: near
 *                      each district's centre) or 220 (rural)
 *   organizations.csv  N_ORGS rows, Chinese headers 编号,名称,正式党员数,
 *                      党组织类型,社区社会组织,党建工作指导员,经度,纬度; own
 *                      ids (no credit codes); formal members 55 % 0, 20 % 1,
 *                      10 % 2, 15 % 3+; 55 % covered (单独 for most with 3+
 *                      members, 联合 otherwise); 45 %
 *                      community social organizations; points placed inside a
 *                      community drawn with weights (urban cells 6x, one cell
 *                      in 200 a hot spot 20x, log-normal noise), well inside
 *                      the cell (5 % margin) so reprojection cannot move them
 *                      across an edge. With --outside FRACTION (0..1,
 *                      default 0) each organization is, with that
 *                      probability, placed instead in the strip lon 120.05..
 *                      120.95 east of every community (the "outside every
 *                      community" answer of bench/peers.sh); 0 draws nothing
 *                      extra, so the default output is unchanged.
 *
 * Deterministic: a fixed-seed xoshiro256** stream and a hash of the vertex
 * index for the jitter; the same arguments give the same data. The
 * GeoPackages are written with one transaction per layer and no spatial index
 * (the importer reads sequentially), which keeps 6x10^5 polygons to seconds.
 */
#include "lib/die.h"
#include "lib/rng.h"
#include "lib/csv_record.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PI 3.14159265358979323846
#define SEED 0x434F554E54525931ULL /* "COUNTRY1" */
#define LON0 100.0
#define LON1 120.0
#define LAT0 22.0
#define LAT1 40.0
#define JITTER 0.2   /* of a cell, interior vertices */
#define MARGIN 0.05  /* of a cell, organizations keep off the edges */
#define STREET_W 4   /* communities per street, across */
#define STREET_H 4   /* and up */
#define DISTRICT_W 3 /* streets per district, across */
#define DISTRICT_H 4 /* and up */
#define URBAN_RADIUS 4.5 /* cells from a district's centre that are urban */

static struct rng rng;

/* Uniform in [-1, 1) from a hash of (i, j, salt): the jitter of a vertex. */
static double hash_unit(long i, long j, uint64_t salt)
{
    uint64_t x = SEED ^ salt ^ ((uint64_t)i * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)j << 32);
    uint64_t z = rng_splitmix64(&x);
    return (double)(z >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* ------------------------------------------------------------------ grid */

struct grid {
    long nx, ny;  /* cells across, up */
    long n_comm;  /* cells used: the first n_comm in row order */
    double dx, dy; /* cell size, degrees */
    long snx, sny; /* streets across, up */
    long dnx, dny; /* districts across, up */
};

static void vertex(const struct grid *g, long i, long j, double *lon, double *lat)
{
    double jx = (i == 0 || i == g->nx) ? 0 : JITTER * hash_unit(i, j, 1);
    double jy = (j == 0 || j == g->ny) ? 0 : JITTER * hash_unit(i, j, 2);
    *lon = LON0 + ((double)i + jx) * g->dx;
    *lat = LAT0 + ((double)j + jy) * g->dy;
}

/* Polygon of the vertex block [i0, i1] x [j0, j1] walking every grid vertex on its boundary. */
static OGRGeometryH block_polygon(const struct grid *g, long i0, long j0, long i1, long j1)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    double x, y;
    for (long i = i0; i < i1; i++)
        vertex(g, i, j0, &x, &y), OGR_G_AddPoint_2D(ring, x, y);
    for (long j = j0; j < j1; j++)
        vertex(g, i1, j, &x, &y), OGR_G_AddPoint_2D(ring, x, y);
    for (long i = i1; i > i0; i--)
        vertex(g, i, j1, &x, &y), OGR_G_AddPoint_2D(ring, x, y);
    for (long j = j1; j > j0; j--)
        vertex(g, i0, j, &x, &y), OGR_G_AddPoint_2D(ring, x, y);
    vertex(g, i0, j0, &x, &y);
    OGR_G_AddPoint_2D(ring, x, y);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

static void district_code(long d, char *buf, size_t n)
{
    /* province 11.., prefecture 01..20, county 01..20 */
    snprintf(buf, n, "%02ld%02ld%02ld", 11 + d / 400, 1 + (d / 20) % 20, 1 + d % 20);
}

static long district_of_street(const struct grid *g, long sx, long sy)
{
    return (sy / DISTRICT_H) * g->dnx + sx / DISTRICT_W;
}

static void street_code(const struct grid *g, long sx, long sy, char *buf, size_t n)
{
    char d[48];
    district_code(district_of_street(g, sx, sy), d, sizeof(d));
    long k = (sy % DISTRICT_H) * DISTRICT_W + sx % DISTRICT_W + 1;
    snprintf(buf, n, "%s%03ld", d, k);
}

static int cell_urban(long cx, long cy)
{
    /* distance, in cells, from the centre of the cell's district block */
    double bw = STREET_W * DISTRICT_W, bh = STREET_H * DISTRICT_H;
    double ox = fmod((double)cx, bw) + 0.5 - bw / 2, oy = fmod((double)cy, bh) + 0.5 - bh / 2;
    return ox * ox + oy * oy <= URBAN_RADIUS * URBAN_RADIUS;
}

/* ------------------------------------------------------------- GeoPackage */

struct gpkg {
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRFeatureDefnH defn;
    int has_ur;
};

static void gpkg_open(struct gpkg *o, const char *dir, const char *name, int has_ur)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.gpkg", dir, name);
    unlink(path);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv)
        die("GDAL has no GPKG driver");
    o->ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!o->ds)
        die("cannot create: %s", path);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    char **lco = CSLSetNameValue(NULL, "SPATIAL_INDEX", "NO");
    o->lyr = GDALDatasetCreateLayer(o->ds, name, srs, wkbPolygon, lco);
    CSLDestroy(lco);
    OSRDestroySpatialReference(srs);
    if (!o->lyr)
        die("cannot create layer: %s", name);
    const char *fields[] = {"code", "name", "parent", "ur_code"};
    o->has_ur = has_ur;
    for (int i = 0; i < (has_ur ? 4 : 3); i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i], OFTString);
        if (OGR_L_CreateField(o->lyr, fd, TRUE) != OGRERR_NONE)
            die("cannot create field: %s", fields[i]);
        OGR_Fld_Destroy(fd);
    }
    o->defn = OGR_L_GetLayerDefn(o->lyr);
    if (GDALDatasetStartTransaction(o->ds, FALSE) != OGRERR_NONE)
        die("cannot start a transaction in: %s", path);
}

static void gpkg_add(struct gpkg *o, const char *code, const char *name, const char *parent,
                     const char *ur, OGRGeometryH poly)
{
    OGRFeatureH f = OGR_F_Create(o->defn);
    OGR_F_SetFieldString(f, 0, code);
    OGR_F_SetFieldString(f, 1, name);
    OGR_F_SetFieldString(f, 2, parent);
    if (o->has_ur)
        OGR_F_SetFieldString(f, 3, ur);
    OGR_F_SetGeometryDirectly(f, poly);
    if (OGR_L_CreateFeature(o->lyr, f) != OGRERR_NONE)
        die("cannot write feature: %s", code);
    OGR_F_Destroy(f);
}

static void gpkg_close(struct gpkg *o)
{
    if (GDALDatasetCommitTransaction(o->ds) != OGRERR_NONE)
        die("cannot commit");
    GDALClose(o->ds);
}

/* ---------------------------------------------------------------- layers */

static long write_districts(const struct grid *g, const char *dir)
{
    struct gpkg o;
    gpkg_open(&o, dir, "districts", 0);
    long n = 0;
    char code[96], parent[96], name[64];
    for (long dy = 0; dy < g->dny; dy++)
        for (long dx = 0; dx < g->dnx; dx++) {
            long d = dy * g->dnx + dx;
            long i0 = dx * DISTRICT_W * STREET_W, j0 = dy * DISTRICT_H * STREET_H;
            long i1 = i0 + DISTRICT_W * STREET_W, j1 = j0 + DISTRICT_H * STREET_H;
            if (i1 > g->nx)
                i1 = g->nx;
            if (j1 > g->ny)
                j1 = g->ny;
            district_code(d, code, sizeof(code));
            snprintf(parent, sizeof(parent), "%.4s00", code);
            snprintf(name, sizeof(name), "第%ld区县", d + 1);
            gpkg_add(&o, code, name, parent, NULL, block_polygon(g, i0, j0, i1, j1));
            n++;
        }
    gpkg_close(&o);
    return n;
}

static long write_streets(const struct grid *g, const char *dir)
{
    struct gpkg o;
    gpkg_open(&o, dir, "streets", 0);
    long n = 0;
    char code[96], parent[96], name[64];
    for (long sy = 0; sy < g->sny; sy++)
        for (long sx = 0; sx < g->snx; sx++) {
            long i0 = sx * STREET_W, j0 = sy * STREET_H;
            long i1 = i0 + STREET_W, j1 = j0 + STREET_H;
            if (i1 > g->nx)
                i1 = g->nx;
            if (j1 > g->ny)
                j1 = g->ny;
            street_code(g, sx, sy, code, sizeof(code));
            district_code(district_of_street(g, sx, sy), parent, sizeof(parent));
            snprintf(name, sizeof(name), "第%ld街道", sy * g->snx + sx + 1);
            gpkg_add(&o, code, name, parent, NULL, block_polygon(g, i0, j0, i1, j1));
            n++;
        }
    gpkg_close(&o);
    return n;
}

static void write_communities(const struct grid *g, const char *dir)
{
    struct gpkg o;
    gpkg_open(&o, dir, "communities", 1);
    char code[112], parent[96], name[64];
    for (long c = 0; c < g->n_comm; c++) {
        long cx = c % g->nx, cy = c / g->nx;
        long sx = cx / STREET_W, sy = cy / STREET_H;
        street_code(g, sx, sy, parent, sizeof(parent));
        snprintf(code, sizeof(code), "%s%03ld", parent,
                 (cy % STREET_H) * STREET_W + cx % STREET_W + 1);
        int urban = cell_urban(cx, cy);
        snprintf(name, sizeof(name), urban ? "第%ld社区居委会" : "第%ld村委会", c + 1);
        gpkg_add(&o, code, name, parent, urban ? "111" : "220",
                 block_polygon(g, cx, cy, cx + 1, cy + 1));
    }
    gpkg_close(&o);
}

static void write_orgs(const struct grid *g, long n_orgs, double outside, const char *dir)
{
    /* cumulative cell weights */
    double *cum = xcalloc((size_t)g->n_comm, sizeof(double));
    double sum = 0;
    for (long c = 0; c < g->n_comm; c++) {
        double w = cell_urban(c % g->nx, c / g->nx) ? 6.0 : 1.0;
        if (rng_unif(&rng) < 0.005)
            w *= 20.0;
        w *= exp(0.6 * rng_normal(&rng));
        sum += w;
        cum[c] = sum;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/organizations.csv", dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        die("cannot create: %s", path);
    static const char *const suffix[] = {"协会", "商会", "服务中心", "志愿服务队", "研究会",
                                         "促进会", "文化艺术团", "养老服务中心"};
    static const char *const head[] = {"编号",         "名称",           "正式党员数", "党组织类型",
                                       "社区社会组织", "党建工作指导员", "经度",       "纬度"};
    csv_record_write(fp, head, 8); /* write errors show in ferror(fp), checked at the end */
    for (long k = 0; k < n_orgs; k++) {
        /* the cell */
        double r = rng_unif(&rng) * sum;
        long lo = 0, hi = g->n_comm - 1;
        while (lo < hi) {
            long mid = (lo + hi) / 2;
            if (cum[mid] > r)
                hi = mid;
            else
                lo = mid + 1;
        }
        long cx = lo % g->nx, cy = lo / g->nx;
        /* a bilinear point of the (convex) quadrilateral, off its edges */
        double u = MARGIN + (1 - 2 * MARGIN) * rng_unif(&rng);
        double v = MARGIN + (1 - 2 * MARGIN) * rng_unif(&rng);
        double x00, y00, x10, y10, x01, y01, x11, y11;
        vertex(g, cx, cy, &x00, &y00);
        vertex(g, cx + 1, cy, &x10, &y10);
        vertex(g, cx, cy + 1, &x01, &y01);
        vertex(g, cx + 1, cy + 1, &x11, &y11);
        double lon = (1 - u) * (1 - v) * x00 + u * (1 - v) * x10 + (1 - u) * v * x01 + u * v * x11;
        double lat = (1 - u) * (1 - v) * y00 + u * (1 - v) * y10 + (1 - u) * v * y01 + u * v * y11;
        if (outside > 0 && rng_unif(&rng) < outside) {
            /* off the grid's east edge (lon 120) by at least 0.05 degrees */
            lon = LON1 + 0.05 + 0.9 * rng_unif(&rng);
            lat = LAT0 + (LAT1 - LAT0) * rng_unif(&rng);
        }
        /* attributes */
        double m = rng_unif(&rng);
        int members = m < 0.55 ? 0 : m < 0.75 ? 1 : m < 0.85 ? 2 : 3 + (int)(-4.0 * log(1 - rng_unif(&rng)));
        /* 55 % covered overall: 90 % of those with 3+ members (95 % of them standalone),
         * 48.8 % of the others (joint) */
        int covered = rng_unif(&rng) < (members >= 3 ? 0.9 : 0.488);
        const char *party = !covered ? "无" : (members >= 3 && rng_unif(&rng) < 0.95) ? "单独" : "联合";
        int comm_org = rng_unif(&rng) < 0.45;
        int instructor = !covered && rng_unif(&rng) < 0.4;
        char id[32], name[64], n_members[16], x[32], y[32];
        snprintf(id, sizeof(id), "ORG%08ld", k + 1);
        snprintf(name, sizeof(name), "第%ld%s", k + 1,
                 suffix[k % (long)(sizeof(suffix) / sizeof(suffix[0]))]);
        snprintf(n_members, sizeof(n_members), "%d", members);
        snprintf(x, sizeof(x), "%.6f", lon);
        snprintf(y, sizeof(y), "%.6f", lat);
        const char *row[] = {id, name, n_members, party, comm_org ? "是" : "否",
                             instructor ? "是" : "否", x, y};
        csv_record_write(fp, row, 8);
    }
    if (ferror(fp) | (fclose(fp) != 0))
        die("cannot write: %s", path);
    free(cum);
}

int main(int argc, char **argv)
{
    char *end;
    double outside = 0;
    if (argc == 6 && strcmp(argv[1], "--outside") == 0) {
        errno = 0;
        outside = strtod(argv[2], &end);
        if (*end || errno || !(outside >= 0 && outside <= 1))
            die("--outside must be a fraction from 0 to 1: %s", argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: mkcountry [--outside FRACTION] N_COMMUNITIES N_ORGS OUTDIR\n");
        return 2;
    }
    errno = 0;
    long n_comm = strtol(argv[1], &end, 10);
    if (*end || errno || n_comm < 1 || n_comm > 100000000)
        die("N_COMMUNITIES must be a whole number from 1 to 10^8: %s", argv[1]);
    long n_orgs = strtol(argv[2], &end, 10);
    if (*end || errno || n_orgs < 0 || n_orgs > 100000000)
        die("N_ORGS must be a whole number from 0 to 10^8: %s", argv[2]);
    const char *dir = argv[3];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die("cannot create directory: %s", dir);

    /* cells about square on the ground at the extent's middle latitude */
    double aspect = (LON1 - LON0) * cos((LAT0 + LAT1) / 2 * PI / 180) / (LAT1 - LAT0);
    struct grid g = {0};
    g.nx = lround(sqrt((double)n_comm * aspect));
    if (g.nx < 1)
        g.nx = 1;
    g.ny = (n_comm + g.nx - 1) / g.nx;
    g.n_comm = n_comm;
    g.dx = (LON1 - LON0) / (double)g.nx;
    g.dy = (LAT1 - LAT0) / (double)g.ny;
    g.snx = (g.nx + STREET_W - 1) / STREET_W;
    g.sny = (g.ny + STREET_H - 1) / STREET_H;
    g.dnx = (g.snx + DISTRICT_W - 1) / DISTRICT_W;
    g.dny = (g.sny + DISTRICT_H - 1) / DISTRICT_H;
    if ((11 + (g.dnx * g.dny - 1) / 400) > 99)
        die("too many districts for 6-digit codes: %s", argv[1]);

    rng_seed(&rng, SEED);

    GDALAllRegister();
    long nd = write_districts(&g, dir);
    long ns = write_streets(&g, dir);
    write_communities(&g, dir);
    write_orgs(&g, n_orgs, outside, dir);
    printf("mkcountry: %ld districts, %ld streets, %ld communities (%ldx%ld grid, cells %.4fx%.4f "
           "deg), %ld organizations -> %s\n",
           nd, ns, n_comm, g.nx, g.ny, g.dx, g.dy, n_orgs, dir);
    return 0;
}
