/* export.c - results to GeoPackage, Shapefile, GeoJSON, CSV or XLSX through OGR. */
#include "export.h"

#include "coords.h"
#include "crs.h"
#include "csv.h"
#include "outfile.h"
#include "sqlmem.h"
#include "../analysis/geos.h"
#include "../analysis/i18n.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

struct driver_map {
    const char *ext;
    const char *driver;
    int wgs84; /* geometries must be EPSG:4326 */
    int table; /* no geometry column: points become lon/lat */
};

static const struct driver_map drivers[] = {
    {".gpkg", "GPKG", 0, 0},       {".shp", "ESRI Shapefile", 0, 0},
    {".geojson", "GeoJSON", 1, 0}, {".json", "GeoJSON", 1, 0},
    {".csv", "CSV", 1, 1},         {".xlsx", "XLSX", 1, 1},
};

static const struct driver_map *find_driver(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
        if (!strcasecmp(dot, drivers[i].ext))
            return &drivers[i];
    return NULL;
}

int geo_export_supported(const char *path)
{
    return find_driver(path) != NULL;
}

/* GDAL's messages during an export go into the caller's error value, not to stderr. */
struct cpl_sink {
    struct cov_err *err;
    const char *path;
};

static void CPL_STDCALL on_cpl(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num;
    struct cpl_sink *sink = CPLGetErrorHandlerUserData();
    if (!sink || cls == CE_Debug)
        return;
    if (cls == CE_Warning)
        cov_err_warn(sink->err, "%s: %s", sink->path, msg);
    /* Failures are reported by the call that failed, with CPLGetLastErrorMsg(). */
}

/* GDAL's last message cut to its first line (a failed GeoPackage statement
 * would otherwise bring kilobytes of SQL with it). Borrowed, per thread. */
static const char *short_msg(void)
{
    static _Thread_local char buf[200];
    const char *m = CPLGetLastErrorMsg();
    size_t n = strcspn(m, "\n");
    if (n >= sizeof(buf))
        n = sizeof(buf) - 4;
    memcpy(buf, m, n);
    strcpy(buf + n, n < strlen(m) ? "..." : "");
    return buf;
}

/* Excel keeps at most 32,767 characters (UTF-16 units) in a cell. Returns the
 * byte length of the longest prefix of s within that, cut between characters. */
enum { XLSX_MAX_CELL = 32767 };
static size_t xlsx_cut(const char *s)
{
    size_t units = 0, i = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p[i]) {
        size_t n = p[i] < 0x80 ? 1 : (p[i] & 0xe0) == 0xc0 ? 2 : (p[i] & 0xf0) == 0xe0 ? 3 : 4;
        size_t u = n == 4 ? 2 : 1;
        if (units + u > XLSX_MAX_CELL)
            return i;
        for (size_t k = 1; k < n; k++)
            if (!p[i + k])
                return i + k;
        units += u;
        i += n;
    }
    return i;
}

/* The folder part of path with a trailing '/', into buf ("" when none). */
static void dir_prefix(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) + 1 : 0;
    snprintf(buf, n, "%.*s", (int)len, path);
}

/*
 * Move what GDAL wrote into mem_dir (one file, or a shapefile's parts) next
 * to path, each part through a temporary file renamed over its target only
 * once every part is written and synced. A part an old shapefile set had and
 * the new one lacks is removed so that the set stays consistent.
 */
static int publish(const char *mem_dir, const char *path, const struct driver_map *dm,
                   struct cov_err *err)
{
    char **files = VSIReadDir(mem_dir);
    int n = CSLCount(files), rc = 0, begun = 0;
    struct geo_out *outs = calloc((size_t)(n ? n : 1), sizeof(*outs));
    char prefix[4096], target[4096 + 520], src[512];
    if (!outs) {
        CSLDestroy(files);
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
    }
    dir_prefix(path, prefix, sizeof(prefix));
    for (int i = 0; i < n && !rc; i++) {
        if (!strcmp(files[i], ".") || !strcmp(files[i], ".."))
            continue;
        snprintf(target, sizeof(target), "%s%s", prefix, files[i]);
        snprintf(src, sizeof(src), "%s/%s", mem_dir, files[i]);
        vsi_l_offset len = 0;
        GByte *data = VSIGetMemFileBuffer(src, &len, FALSE);
        if ((rc = geo_out_begin(&outs[begun], target, err)))
            break;
        begun++;
        if (data && len && (rc = geo_out_write(&outs[begun - 1], data, (size_t)len, err)))
            break; /* geo_out_write released it */
    }
    for (int i = 0; i < begun; i++) {
        if (rc)
            geo_out_abort(&outs[i]);
        else if ((rc = geo_out_commit(&outs[i], err)))
            for (int k = i + 1; k < begun; k++)
                geo_out_abort(&outs[k]);
    }
    if (!rc && !strcmp(dm->driver, "ESRI Shapefile")) {
        static const char *const parts[] = {".shp", ".shx", ".dbf", ".prj",
                                            ".cpg", ".qix", ".sbn", ".sbx"};
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t stem = strlen(base) - strlen(dm->ext);
        for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
            char name[512];
            snprintf(name, sizeof(name), "%.*s%s", (int)stem, base, parts[k]);
            int written = 0;
            for (int i = 0; i < n; i++)
                written |= !strcasecmp(files[i], name);
            snprintf(target, sizeof(target), "%s%s", prefix, name);
            if (!written && access(target, F_OK) == 0)
                unlink(target);
        }
    }
    free(outs);
    CSLDestroy(files);
    return rc;
}

int geo_export_srs_parse(const char *text, struct geo_export_srs *out, struct cov_err *err)
{
    struct geo_export_srs r = {0, GEO_WEB_NONE};
    const char *t = text ? text : "";
    if (!strcasecmp(t, "GCJ02") || !strcasecmp(t, "GCJ-02"))
        r = (struct geo_export_srs){4326, GEO_WEB_GCJ02};
    else if (!strcasecmp(t, "BD09") || !strcasecmp(t, "BD-09"))
        r = (struct geo_export_srs){4326, GEO_WEB_BD09};
    else if (!strcasecmp(t, "WGS84"))
        r.epsg = 4326;
    else {
        const char *num = strncasecmp(t, "EPSG:", 5) ? t : t + 5;
        char *end;
        errno = 0;
        long v = strtol(num, &end, 10);
        if (end == num || *end || errno || v <= 0 || v > 1000000)
            return cov_err_set(err, COV_EINPUT,
                               _("--t-srs: '%s' (expected GCJ02, BD09, WGS84 or EPSG:N)"), t);
        OGRSpatialReferenceH srs = geo_srs_from_epsg((int)v);
        int ok = srs && (OSRIsGeographic(srs) || OSRIsProjected(srs));
        OSRDestroySpatialReference(srs);
        if (!ok)
            return cov_err_set(err, COV_EINPUT,
                               _("--t-srs: EPSG:%ld is not a geographic or projected CRS known to "
                                 "PROJ"),
                               v);
        r.epsg = (int)v;
    }
    *out = r;
    return COV_OK;
}

/* v rounded to 1/scale (scale 0: unchanged). */
static double round_to(double v, double scale)
{
    return scale > 0 ? round(v * scale) / scale : v;
}

/* Every vertex of g shifted to web-map coordinates (g in WGS84) and rounded. */
static void map_vertices(OGRGeometryH g, enum geo_web_crs web, double scale)
{
    int n = OGR_G_GetGeometryCount(g);
    for (int i = 0; i < n; i++)
        map_vertices(OGR_G_GetGeometryRef(g, i), web, scale);
    int np = OGR_G_GetPointCount(g);
    for (int i = 0; i < np; i++) {
        double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
        if (web == GEO_WEB_GCJ02)
            geo_wgs84_to_gcj02(x, y, &x, &y);
        else if (web == GEO_WEB_BD09)
            geo_wgs84_to_bd09(x, y, &x, &y);
        OGR_G_SetPoint_2D(g, i, round_to(x, scale), round_to(y, scale));
    }
}

enum { DBF_NAME_MAX = 10 };

/* The .dbf name of a field: want cut to DBF_NAME_MAX bytes between UTF-8
 * characters, numbered (_2, _3, ...) when the layer has that name already. */
static void dbf_field_name(const char *want, OGRFeatureDefnH defn, char *out, size_t len)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)want;
    while (p[n]) {
        size_t k = p[n] < 0x80 ? 1 : (p[n] & 0xe0) == 0xc0 ? 2 : (p[n] & 0xf0) == 0xe0 ? 3 : 4;
        if (n + k > DBF_NAME_MAX)
            break;
        n += k;
    }
    snprintf(out, len, "%.*s", (int)n, want);
    for (int i = 2; OGR_FD_GetFieldIndex(defn, out) >= 0 && i < 100; i++) {
        char suffix[8];
        int sl = snprintf(suffix, sizeof(suffix), "_%d", i);
        size_t keep = 0;
        while (keep < n) {
            size_t k = p[keep] < 0x80             ? 1
                       : (p[keep] & 0xe0) == 0xc0 ? 2
                       : (p[keep] & 0xf0) == 0xe0 ? 3
                                                  : 4;
            if (keep + k + (size_t)sl > DBF_NAME_MAX)
                break;
            keep += k;
        }
        snprintf(out, len, "%.*s%s", (int)keep, want, suffix);
    }
}

int geo_export(const char *path, const char *format_ext, const char *layer_name,
               const struct geo_export_col *cols, size_t ncols, size_t nrows,
               geo_export_row_fn rowfn, void *user, GEOSContextHandle_t geos, int srid,
               int geom_type, const struct geo_export_opts *xo, struct cov_err *err)
{
    static const struct geo_export_opts defaults = {{0, GEO_WEB_NONE}, NULL, NULL};
    if (!xo)
        xo = &defaults;
    const struct driver_map *dm = find_driver(format_ext ? format_ext : path);
    if (!dm)
        return cov_err_set(err, COV_EINPUT,
                           _("%s: unknown output format (expected .gpkg, .shp, .geojson, .csv or "
                             ".xlsx)"),
                           path ? path : "");
    int rc = COV_OK;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH src = NULL, dst = NULL;
    OGRCoordinateTransformationH ct = NULL;
    GEOSWKBWriter *wkbw = NULL;
    const char **cells = calloc(ncols ? ncols : 1, sizeof(*cells));
    if (!cells)
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
    int direct = !strncmp(path, "/vsi", 4); /* e.g. /vsistdout/: written as it goes */
    char mem_dir[96] = "", mem_path[96 + 260];
    int is_csv = !strcmp(dm->driver, "CSV"), is_xlsx = !strcmp(dm->driver, "XLSX");
    int is_shp = !strcmp(dm->driver, "ESRI Shapefile");
    long n_cut = 0;
    char *guarded = NULL;

    struct cpl_sink sink = {err, path};
    CPLPushErrorHandlerEx(on_cpl, &sink);
    geo_sqlite_configure(); /* before GDAL's drivers start SQLite */
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName(dm->driver);
    if (!drv) {
        rc = cov_err_set(err, COV_EIO, _("%s: GDAL has no %s driver"), path, dm->driver);
        goto cleanup;
    }
    /* GDAL writes into memory; only complete files reach the disk (publish()),
     * so a full disk or a kill never leaves a damaged or half-replaced file. */
    if (!direct) {
        static unsigned seq;
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        snprintf(mem_dir, sizeof(mem_dir), "/vsimem/orgcover-export-%ld-%u", (long)getpid(), seq++);
        VSIMkdir(mem_dir, 0755);
        snprintf(mem_path, sizeof(mem_path), "%s/%.255s", mem_dir, base);
    }
    CPLErrorReset();
    ds = GDALCreate(drv, direct ? path : mem_path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        rc = cov_err_set(err, COV_EIO, _("%s: cannot create (%s)"), path, short_msg());
        goto cleanup;
    }
    int has_geom = geom_type >= 0 && srid > 0;
    int out_epsg = xo->srs.web ? 4326 : xo->srs.epsg ? xo->srs.epsg : dm->wgs84 ? 4326 : srid;
    double scale = 0; /* coordinates rounded to 1/scale: 7 decimals in degrees, 2 in metres */
    if (has_geom) {
        src = geo_srs_from_epsg(srid);
        dst = geo_srs_from_epsg(out_epsg);
        if (!src || !dst) {
            rc = cov_err_set(err, COV_EIO, _("%s: EPSG:%d unknown to PROJ"), path,
                             src ? out_epsg : srid);
            goto cleanup;
        }
        if (out_epsg != srid && !(ct = OCTNewCoordinateTransformation(src, dst))) {
            rc = cov_err_set(err, COV_EIO, _("%s: no transformation from EPSG:%d to EPSG:%d"), path,
                             srid, out_epsg);
            goto cleanup;
        }
        scale = OSRIsGeographic(dst) ? 1e7 : 1e2;
        wkbw = GEOSWKBWriter_create_r(geos);
    }
    int as_xy = has_geom && dm->table;
    char **lopts = NULL;
    if (!strcmp(dm->driver, "ESRI Shapefile"))
        lopts = CSLSetNameValue(lopts, "ENCODING", "UTF-8");
    if (!strcmp(dm->driver, "GeoJSON")) {
        /* RFC 7946 is WGS84 only; another CRS is declared in a "crs" member */
        lopts = CSLSetNameValue(lopts, "RFC7946", out_epsg == 4326 ? "YES" : "NO");
        lopts = CSLSetNameValue(lopts, "COORDINATE_PRECISION", scale == 1e2 ? "2" : "7");
    }
    if (is_csv)
        lopts = CSLSetNameValue(lopts, "WRITE_BOM", "YES"); /* else Excel reads it as ANSI */
    OGRLayerH lyr = GDALDatasetCreateLayer(
        ds, layer_name, (has_geom && !as_xy) ? dst : NULL,
        (has_geom && !as_xy) ? (OGRwkbGeometryType)geom_type : wkbNone, lopts);
    CSLDestroy(lopts);
    if (!lyr) {
        rc = cov_err_set(err, COV_EIO, _("%s: cannot create layer (%s)"), path, short_msg());
        goto cleanup;
    }
    for (size_t c = 0; c < ncols; c++) {
        OGRFieldType ft = cols[c].type == GEO_COL_INT    ? OFTInteger
                          : cols[c].type == GEO_COL_REAL ? OFTReal
                                                         : OFTString;
        char dbf[DBF_NAME_MAX + 8];
        if (is_shp) /* cut here, between characters: GDAL would cut inside one, and warn */
            dbf_field_name(cols[c].dbf_name ? cols[c].dbf_name : cols[c].name,
                           OGR_L_GetLayerDefn(lyr), dbf, sizeof(dbf));
        OGRFieldDefnH fd = OGR_Fld_Create(is_shp ? dbf : cols[c].name, ft);
        OGRErr oe = OGR_L_CreateField(lyr, fd, 1);
        OGR_Fld_Destroy(fd);
        if (oe != OGRERR_NONE) {
            rc = cov_err_set(err, COV_EIO, _("%s: cannot create field %s"), path, cols[c].name);
            goto cleanup;
        }
    }
    if (as_xy) {
        const char *xy[2] = {xo->lon_name ? xo->lon_name : "lon",
                             xo->lat_name ? xo->lat_name : "lat"};
        if (scale == 1e2)
            xy[0] = "x", xy[1] = "y";
        for (int i = 0; i < 2; i++) {
            OGRFieldDefnH fd = OGR_Fld_Create(xy[i], OFTReal);
            OGR_L_CreateField(lyr, fd, 1);
            OGR_Fld_Destroy(fd);
        }
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    GDALDatasetStartTransaction(ds, 0);
    for (size_t r = 0; r < nrows && !rc; r++) {
        const GEOSGeometry *g = NULL;
        memset(cells, 0, ncols * sizeof(*cells));
        if (rowfn(user, r, cells, &g)) {
            rc = cov_err_set(err, COV_EFAIL, _("%s: writing row %zu failed"), path, r + 1);
            break;
        }
        OGRFeatureH f = OGR_F_Create(defn);
        for (size_t c = 0; c < ncols; c++) {
            if (!cells[c] || !*cells[c])
                continue;
            if (cols[c].type == GEO_COL_INT)
                OGR_F_SetFieldInteger(f, (int)c, (int)strtol(cells[c], NULL, 10));
            else if (cols[c].type == GEO_COL_REAL)
                OGR_F_SetFieldDouble(f, (int)c, strtod(cells[c], NULL));
            else if (is_csv && geo_csv_needs_guard(cells[c])) {
                /* the same OWASP guard as every other CSV orgcover writes */
                free(guarded);
                guarded = malloc(strlen(cells[c]) + 2);
                if (!guarded) {
                    rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
                    break;
                }
                guarded[0] = '\'';
                strcpy(guarded + 1, cells[c]);
                OGR_F_SetFieldString(f, (int)c, guarded);
            } else if (is_xlsx && strlen(cells[c]) > XLSX_MAX_CELL) {
                size_t cut = xlsx_cut(cells[c]);
                if (cells[c][cut]) {
                    if (!n_cut++)
                        cov_err_warn(err,
                                     _("%s: row %zu, %s: text longer than Excel's 32,767 "
                                       "characters was cut to fit"),
                                     path, r + 1, cols[c].name);
                    free(guarded);
                    guarded = strndup(cells[c], cut);
                    if (!guarded) {
                        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
                        break;
                    }
                    OGR_F_SetFieldString(f, (int)c, guarded);
                } else {
                    OGR_F_SetFieldString(f, (int)c, cells[c]);
                }
            } else
                OGR_F_SetFieldString(f, (int)c, cells[c]);
        }
        if (g && has_geom) {
            size_t len = 0;
            unsigned char *wkb = GEOSWKBWriter_write_r(geos, wkbw, g, &len);
            OGRGeometryH og = NULL;
            if (wkb && OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) == OGRERR_NONE) {
                if (ct)
                    OGR_G_Transform(og, ct);
                /* a centroid is taken before rounding, and rounded itself */
                map_vertices(og, xo->srs.web, as_xy ? 0 : scale);
                if (as_xy) {
                    OGRGeometryH pt = og;
                    if (wkbFlatten(OGR_G_GetGeometryType(og)) != wkbPoint) {
                        pt = OGR_G_CreateGeometry(wkbPoint);
                        OGR_G_Centroid(og, pt);
                    }
                    OGR_F_SetFieldDouble(f, (int)ncols, round_to(OGR_G_GetX(pt, 0), scale));
                    OGR_F_SetFieldDouble(f, (int)ncols + 1, round_to(OGR_G_GetY(pt, 0), scale));
                    if (pt != og)
                        OGR_G_DestroyGeometry(pt);
                    OGR_G_DestroyGeometry(og);
                } else {
                    OGR_F_SetGeometryDirectly(f, og);
                }
            }
            GEOSFree_r(geos, wkb);
        }
        if (!rc && OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            rc = cov_err_set(err, COV_EIO, _("%s: cannot write row %zu (%s)"), path, r + 1,
                             short_msg());
        OGR_F_Destroy(f);
    }
    if (n_cut > 1)
        cov_err_warn(err, _("%s: %ld cells in all were cut to Excel's 32,767 characters"), path,
                     n_cut);
    if (!rc && GDALDatasetCommitTransaction(ds) == OGRERR_FAILURE)
        rc = cov_err_set(err, COV_EIO, _("%s: cannot write (%s)"), path, short_msg());
cleanup:
    if (ds) {
        CPLErrorReset();
        GDALClose(ds);
        if (!rc && CPLGetLastErrorType() >= CE_Failure)
            rc = cov_err_set(err, COV_EIO, _("%s: closing failed (%s)"), path, short_msg());
    }
    if (!rc && !direct)
        rc = publish(mem_dir, path, dm, err);
    if (!rc && is_shp && !(geom_type >= 0 && srid > 0)) /* OGR writes no .shp for a table */
        cov_err_warn(err, _("%s: a table without geometry: written as %.*s.dbf (with .cpg)"), path,
                     (int)(strlen(path) - strlen(dm->ext)), path);
    if (*mem_dir)
        VSIRmdirRecursive(mem_dir);
    CPLPopErrorHandler();
    free(guarded);
    if (wkbw)
        GEOSWKBWriter_destroy_r(geos, wkbw);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(src);
    OSRDestroySpatialReference(dst);
    free(cells);
    return rc;
}
