/*
 * import.c - one layer from anything OGR opens into the project store.
 *
 * Three steps, so that nothing is written unless everything is right:
 *   1. read: every feature's fields are parsed and checked, its geometry (or
 *      lon/lat columns) copied out in the source CRS (GCJ-02/BD-09 undone);
 *   2. convert: the project CRS is known (or chosen from the extent), every
 *      geometry is transformed to it, turned into GEOS and repaired if invalid;
 *   3. write: one transaction, one reused insert statement per layer.
 * Problems are collected, all of them, as "FILE:row N: field: what (expected)".
 */
#include "import.h"

#include "crs.h"
#include "csv.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "alias.h"
#include "coords.h"
#include "creditcode.h"
#include "encoding.h"

enum { MAX_PROBLEMS = 200, MAX_GDAL_WARNINGS = 20 };

enum webcrs { WEB_NONE, WEB_GCJ02, WEB_BD09 };

/* Where a row came from and what was wrong with it. */
struct rowinfo {
    long loc; /* spreadsheet row (tabular) or FID */
    GIntBig fid;
    int bad;      /* rejected */
    char *reason; /* arena; "field: what; field: what" */
    char **orig;  /* arena; original column values, for the rejects CSV */
};

struct dup_slot {
    const char *key;
    long loc;
};

struct imp {
    const char *file;
    enum cov_layer layer;
    const struct geo_import_opts *o;
    struct cov_err *err;
    struct cov_arena arena;
    GEOSContextHandle_t geos;

    /* source */
    GDALDatasetH ds;
    OGRLayerH lyr;
    char vsimem[96];
    char *membuf;
    int tabular; /* CSV/XLSX: rows numbered like a spreadsheet */
    int xlsx;
    char *old_headers, *old_types; /* saved thread-local config (CPLStrdup'd, or NULL) */
    int n_cols;
    char **cols; /* arena copies of the column names */
    struct geo_field_map map;
    int use_geom;                 /* geometry from the features (else lon/lat columns) */
    OGRSpatialReferenceH src_srs; /* owned */
    enum webcrs web;
    int geographic; /* source coordinates are lon/lat degrees */

    /* rows */
    size_t n, cap;
    struct rowinfo *info;
    struct cov_org *orgs;
    struct cov_area *areas;
    OGRGeometryH *ogeom;
    double minx, miny, maxx, maxy;
    int have_extent;

    /* duplicates */
    struct dup_slot *dups;
    size_t dup_cap, dup_n;

    /* problems */
    long n_problems;
    long cur; /* index of the row being checked */
    char *rowbuf;
    size_t rowbuf_len, rowbuf_cap;
    int gdal_failed;
    int gdal_warnings;
    long repaired;
};

/* ---- messages ---- */

static void CPL_STDCALL cpl_handler(CPLErr cls, CPLErrorNum no, const char *msg)
{
    (void)no;
    struct imp *im = CPLGetErrorHandlerUserData();
    if (!im)
        return;
    if (cls == CE_Failure || cls == CE_Fatal) {
        im->gdal_failed = 1;
        cov_err_set(im->err, COV_EIO, "%s: %s", im->file, msg);
    } else if (cls == CE_Warning && im->gdal_warnings++ < MAX_GDAL_WARNINGS) {
        cov_err_warn(im->err, "%s: %s", im->file, msg);
    }
}

static const char *loc_word(const struct imp *im)
{
    return im->tabular ? "row" : "feature";
}

static void rowbuf_add(struct imp *im, const char *field, const char *what)
{
    size_t need = im->rowbuf_len + strlen(field) + strlen(what) + 8;
    if (need > im->rowbuf_cap) {
        size_t cap = need * 2;
        char *b = realloc(im->rowbuf, cap);
        if (!b)
            return;
        im->rowbuf = b;
        im->rowbuf_cap = cap;
    }
    im->rowbuf_len += (size_t)snprintf(im->rowbuf + im->rowbuf_len, im->rowbuf_cap - im->rowbuf_len,
                                       "%s%s: %s", im->rowbuf_len ? "; " : "", field, what);
}

/* One problem with the current row (im->cur): counted, reported (capped), kept as its reason. */
static void problem(struct imp *im, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(struct imp *im, const char *field, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    struct rowinfo *ri = &im->info[im->cur];
    ri->bad = 1;
    im->n_problems++;
    if (!im->o->skip_invalid && im->n_problems <= MAX_PROBLEMS)
        cov_err_set(im->err, COV_EINPUT, "%s:%s %ld: %s: %s", im->file, loc_word(im), ri->loc,
                    field, what);
    rowbuf_add(im, field, what);
}

/* ---- small helpers ---- */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

/* Arena copy of s without surrounding ASCII spaces; NULL when empty. */
static char *dup_trim(struct imp *im, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return n ? cov_arena_strndup(&im->arena, s, n) : NULL;
}

/* Borrowed (from the feature): value of canonical field fi, "" when unmapped or null. */
static const char *fval(const struct imp *im, OGRFeatureH f, int fi)
{
    int c = im->map.col[fi];
    if (c < 0 || !OGR_F_IsFieldSetAndNotNull(f, c))
        return "";
    return OGR_F_GetFieldAsString(f, c);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Record key at loc; returns the earlier loc when key is a duplicate, 0 when new, -1 on ENOMEM. */
static long dup_check(struct imp *im, const char *key, long loc)
{
    if ((im->dup_n + 1) * 2 > im->dup_cap) {
        size_t cap = im->dup_cap ? im->dup_cap * 2 : 1024;
        struct dup_slot *t = calloc(cap, sizeof(*t));
        if (!t)
            return -1;
        for (size_t i = 0; i < im->dup_cap; i++) {
            if (!im->dups[i].key)
                continue;
            size_t j = hash_str(im->dups[i].key) & (cap - 1);
            while (t[j].key)
                j = (j + 1) & (cap - 1);
            t[j] = im->dups[i];
        }
        free(im->dups);
        im->dups = t;
        im->dup_cap = cap;
    }
    size_t j = hash_str(key) & (im->dup_cap - 1);
    while (im->dups[j].key) {
        if (!strcmp(im->dups[j].key, key))
            return im->dups[j].loc;
        j = (j + 1) & (im->dup_cap - 1);
    }
    im->dups[j].key = key;
    im->dups[j].loc = loc;
    im->dup_n++;
    return 0;
}

/* ---- opening the source ---- */

static void restore_xlsx_config(struct imp *im)
{
    if (!im->xlsx)
        return;
    CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", im->old_headers);
    CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", im->old_types);
    CPLFree(im->old_headers);
    CPLFree(im->old_types);
    im->old_headers = im->old_types = NULL;
    im->xlsx = 0;
}

/* Read a whole file through VSI (so /vsimem/ works too). Caller frees *buf with free(). */
static int slurp(struct imp *im, const char *path, size_t limit, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    VSILFILE *fp = VSIFOpenL(path, "rb");
    if (!fp)
        return cov_err_set(im->err, COV_EIO, "%s: cannot open for reading", path);
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    int rc = COV_OK;
    while (b) {
        if (n == cap) {
            if (limit && n >= limit)
                break;
            cap *= 2;
            char *nb = realloc(b, cap + 1);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
        size_t want = cap - n;
        if (limit && n + want > limit)
            want = limit - n;
        size_t got = VSIFReadL(b + n, 1, want, fp);
        n += got;
        if (got < want)
            break;
        if (limit && n >= limit)
            break;
    }
    VSIFCloseL(fp);
    if (!b)
        return cov_err_set(im->err, COV_ENOMEM, "%s: out of memory reading the file", path);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return rc;
}

/* CSV: detect/transcode into /vsimem/ and open that with every column as text. */
static int open_csv(struct imp *im, const char *source)
{
    char *raw = NULL;
    size_t len = 0;
    int rc = slurp(im, source, 0, &raw, &len);
    if (rc)
        return rc;
    const char *from = im->o->encoding;
    if (!from) {
        enum geo_encoding e = geo_encoding_detect(raw, len, 0);
        if (e == GEO_ENC_UNKNOWN) {
            free(raw);
            return cov_err_set(im->err, COV_EINPUT,
                               "%s: text is neither UTF-8 nor GB18030/GBK (give --encoding)",
                               im->file);
        }
        from = e == GEO_ENC_GB18030 ? "GB18030" : "UTF-8";
    }
    if (geo_encoding_is_utf8(from)) {
        if (len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3)) {
            memmove(raw, raw + 3, len - 3);
            len -= 3;
        }
        im->membuf = raw;
    } else {
        size_t out_len;
        rc = geo_transcode_to_utf8(raw, len, from, im->file, &im->membuf, &out_len, im->err);
        free(raw);
        if (rc)
            return rc;
        len = out_len;
    }
    snprintf(im->vsimem, sizeof(im->vsimem), "/vsimem/orgcover-import-%p.csv", (void *)im);
    VSILFILE *fp = VSIFileFromMemBuffer(im->vsimem, (GByte *)im->membuf, (vsi_l_offset)len, FALSE);
    if (!fp) {
        im->vsimem[0] = '\0';
        return cov_err_set(im->err, COV_EIO, "%s: cannot stage the transcoded text", im->file);
    }
    VSIFCloseL(fp);
    static const char *const drivers[] = {"CSV", NULL};
    static const char *const oo[] = {"AUTODETECT_TYPE=NO", "HEADERS=YES", "EMPTY_STRING_AS_NULL=NO",
                                     NULL};
    im->ds = GDALOpenEx(im->vsimem, GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR, drivers, oo, NULL);
    return im->ds ? COV_OK : COV_EIO;
}

/* Encoding of a shapefile's .dbf records when it has no .cpg: NULL = leave to GDAL. */
static const char *shp_encoding(struct imp *im, const char *source)
{
    size_t base = strlen(source) - 4;
    char path[4096];
    if (base + 5 > sizeof(path))
        return NULL;
    VSIStatBufL st;
    static const char *const cpg[] = {".cpg", ".CPG"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%.*s%s", (int)base, source, cpg[i]);
        if (VSIStatL(path, &st) == 0)
            return NULL;
    }
    static const char *const dbf[] = {".dbf", ".DBF"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%.*s%s", (int)base, source, dbf[i]);
        if (VSIStatL(path, &st) == 0)
            break;
        path[0] = '\0';
    }
    if (!path[0])
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    struct cov_err quiet;
    cov_err_init(&quiet);
    struct cov_err *keep = im->err;
    im->err = &quiet;
    int rc = slurp(im, path, 4u << 20, &buf, &len);
    im->err = keep;
    cov_err_release(&quiet);
    if (rc || len < 32) {
        free(buf);
        return NULL;
    }
    size_t hdr = (size_t)(unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8;
    const char *enc = NULL;
    if (hdr < len) {
        enum geo_encoding e = geo_encoding_detect(buf + hdr, len - hdr, 1);
        if (e == GEO_ENC_GB18030)
            enc = "CP936";
        else if (e == GEO_ENC_UTF8 || e == GEO_ENC_UTF8_BOM)
            enc = "UTF-8";
    }
    free(buf);
    return enc;
}

static int open_source(struct imp *im, const char *source)
{
    int is_pg = !strncasecmp(source, "PG:", 3);
    if (!is_pg) {
        VSIStatBufL st;
        if (VSIStatL(source, &st) != 0)
            return cov_err_set(im->err, COV_EIO, "%s: no such file", source);
    }
    int rc;
    if (!is_pg && ends_with_ci(source, ".csv")) {
        im->tabular = 1;
        rc = open_csv(im, source);
    } else {
        char **oo = NULL;
        if (!is_pg && ends_with_ci(source, ".xlsx")) {
            /* All-text sheets: force the first row as header, keep every cell as text. */
            im->tabular = 1;
            im->xlsx = 1;
            const char *h = CPLGetThreadLocalConfigOption("OGR_XLSX_HEADERS", NULL);
            const char *t = CPLGetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", NULL);
            im->old_headers = h ? CPLStrdup(h) : NULL;
            im->old_types = t ? CPLStrdup(t) : NULL;
            CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE");
            CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", "STRING");
        } else if (!is_pg && ends_with_ci(source, ".shp")) {
            const char *enc = im->o->encoding ? im->o->encoding : shp_encoding(im, source);
            if (enc)
                oo = CSLSetNameValue(oo, "ENCODING", enc);
        }
        im->ds = GDALOpenEx(source, GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR, NULL,
                            (const char *const *)oo, NULL);
        CSLDestroy(oo);
        rc = im->ds ? COV_OK : COV_EIO;
    }
    if (rc)
        return im->err->code
                   ? im->err->code
                   : cov_err_set(im->err, rc, "%s: cannot open as a vector source", im->file);
    if (im->o->src_layer) {
        im->lyr = GDALDatasetGetLayerByName(im->ds, im->o->src_layer);
        if (!im->lyr) {
            char names[1024] = "";
            for (int i = 0; i < GDALDatasetGetLayerCount(im->ds); i++) {
                OGRLayerH l = GDALDatasetGetLayer(im->ds, i);
                size_t u = strlen(names);
                snprintf(names + u, sizeof(names) - u, "%s%s", i ? ", " : "", OGR_L_GetName(l));
            }
            return cov_err_set(im->err, COV_EINPUT, "%s: no layer '%s' (layers: %s)", im->file,
                               im->o->src_layer, names[0] ? names : "none");
        }
    } else {
        im->lyr = GDALDatasetGetLayerCount(im->ds) > 0 ? GDALDatasetGetLayer(im->ds, 0) : NULL;
        if (!im->lyr)
            return cov_err_set(im->err, COV_EINPUT, "%s: has no layer", im->file);
    }
    return COV_OK;
}

/* ---- columns and CRS ---- */

static int map_columns(struct imp *im)
{
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(im->lyr);
    im->n_cols = OGR_FD_GetFieldCount(fd);
    im->cols = cov_arena_alloc(&im->arena, sizeof(char *) * (size_t)(im->n_cols + 1));
    if (!im->cols)
        return cov_err_set(im->err, COV_ENOMEM, "%s: out of memory", im->file);
    for (int i = 0; i < im->n_cols; i++)
        im->cols[i] = cov_arena_strdup(&im->arena, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)));
    int has_geom = OGR_FD_GetGeomFieldCount(fd) > 0 && OGR_L_GetGeomType(im->lyr) != wkbNone;
    int is_org = im->layer == COV_ORGANIZATIONS;
    im->use_geom = has_geom && !(is_org && im->tabular);
    if (!is_org && !has_geom)
        return cov_err_set(im->err, COV_EINPUT,
                           "%s: has no geometry (%s need polygons: give a Shapefile, GeoPackage, "
                           "GeoJSON or a CSV with a WKT column)",
                           im->file, cov_layer_name((int)im->layer));
    return geo_alias_map(im->layer, (const char *const *)im->cols, (size_t)im->n_cols,
                         im->o->fields, im->o->n_fields, is_org && !im->use_geom, im->file,
                         &im->map, im->err);
}

static int setup_srs(struct imp *im)
{
    const char *s = im->o->s_srs;
    if (s && (!strcasecmp(s, "GCJ02") || !strcasecmp(s, "GCJ-02")))
        im->web = WEB_GCJ02;
    else if (s && (!strcasecmp(s, "BD09") || !strcasecmp(s, "BD-09")))
        im->web = WEB_BD09;
    if (s && im->web == WEB_NONE) {
        im->src_srs = OSRNewSpatialReference(NULL);
        if (!im->src_srs || OSRSetFromUserInput(im->src_srs, s) != OGRERR_NONE)
            return cov_err_set(im->err, COV_EINPUT,
                               "--s-srs %s: not a coordinate system (expected EPSG:N, GCJ02, BD09 "
                               "or a PROJ/WKT definition)",
                               s);
        OSRSetAxisMappingStrategy(im->src_srs, OAMS_TRADITIONAL_GIS_ORDER);
    } else if (!s && im->use_geom && OGR_L_GetSpatialRef(im->lyr)) {
        im->src_srs = OSRClone(OGR_L_GetSpatialRef(im->lyr));
        if (im->src_srs)
            OSRSetAxisMappingStrategy(im->src_srs, OAMS_TRADITIONAL_GIS_ORDER);
    } else {
        im->src_srs = geo_srs_from_epsg(4326);
    }
    if (!im->src_srs)
        return cov_err_set(im->err, COV_EFAIL, "%s: cannot set up the source CRS", im->file);
    im->geographic = OSRIsGeographic(im->src_srs) != 0;
    return COV_OK;
}

static void web_to_wgs84(enum webcrs web, double *x, double *y)
{
    double lon = *x, lat = *y;
    if (web == WEB_GCJ02)
        geo_gcj02_to_wgs84(lon, lat, x, y);
    else if (web == WEB_BD09)
        geo_bd09_to_wgs84(lon, lat, x, y);
}

static void web_geom_to_wgs84(enum webcrs web, OGRGeometryH g)
{
    int n = OGR_G_GetGeometryCount(g);
    for (int i = 0; i < n; i++)
        web_geom_to_wgs84(web, OGR_G_GetGeometryRef(g, i));
    int np = OGR_G_GetPointCount(g);
    for (int i = 0; i < np; i++) {
        double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
        web_to_wgs84(web, &x, &y);
        OGR_G_SetPoint_2D(g, i, x, y);
    }
}

static void extend(struct imp *im, double minx, double miny, double maxx, double maxy)
{
    if (!im->have_extent) {
        im->minx = minx, im->miny = miny, im->maxx = maxx, im->maxy = maxy;
        im->have_extent = 1;
        return;
    }
    im->minx = fmin(im->minx, minx), im->miny = fmin(im->miny, miny);
    im->maxx = fmax(im->maxx, maxx), im->maxy = fmax(im->maxy, maxy);
}

/* ---- reading rows ---- */

static int grow(struct imp *im)
{
    if (im->n < im->cap)
        return COV_OK;
    size_t cap = im->cap ? im->cap * 2 : 256;
    struct rowinfo *info = realloc(im->info, cap * sizeof(*info));
    if (info)
        im->info = info;
    if (!info)
        return COV_ENOMEM;
    if (im->layer == COV_ORGANIZATIONS) {
        struct cov_org *o = realloc(im->orgs, cap * sizeof(*o));
        if (!o)
            return COV_ENOMEM;
        im->orgs = o;
    } else {
        struct cov_area *a = realloc(im->areas, cap * sizeof(*a));
        if (a)
            im->areas = a;
        OGRGeometryH *g = a ? realloc(im->ogeom, cap * sizeof(*g)) : NULL;
        if (!g)
            return COV_ENOMEM;
        im->ogeom = g;
    }
    im->cap = cap;
    return COV_OK;
}

static void check_count(struct imp *im, OGRFeatureH f, int fi, const char *name, int required,
                        int empty_value, int *out)
{
    const char *v = fval(im, f, fi);
    enum geo_count_status st = geo_parse_count(v, out);
    static const char expected[] = "expected a whole number >= 0";
    switch (st) {
    case GEO_COUNT_OK:
        return;
    case GEO_COUNT_EMPTY:
        *out = empty_value;
        if (required)
            problem(im, name, "missing (%s)", expected);
        return;
    case GEO_COUNT_NOT_NUMBER:
        problem(im, name, "'%s' is not a number (%s)", v, expected);
        return;
    case GEO_COUNT_NEGATIVE:
        problem(im, name, "%s is negative (%s)", v, expected);
        return;
    case GEO_COUNT_NOT_INTEGER:
        problem(im, name, "%s is not a whole number (%s)", v, expected);
        return;
    case GEO_COUNT_TOO_LARGE:
        problem(im, name, "%s is too large (%s)", v, expected);
        return;
    }
}

static void check_yesno(struct imp *im, OGRFeatureH f, int fi, const char *name, int *out)
{
    const char *v = fval(im, f, fi);
    *out = 0;
    if (geo_parse_yesno(v, out))
        problem(im, name, "'%s' is not yes or no (expected 是/否, 有/无, yes/no, true/false, 1/0)",
                v);
}

/* Coordinates from lon/lat columns (degrees in a geographic source CRS). 0 ok. */
static int read_lonlat(struct imp *im, OGRFeatureH f, double *x, double *y)
{
    const char *sx = fval(im, f, GEO_ORG_LON), *sy = fval(im, f, GEO_ORG_LAT);
    int rx = geo_parse_coord(sx, x), ry = geo_parse_coord(sy, y);
    int bad = 0;
    static const char *const what[] = {"", "missing", "is not a number", "is not finite"};
    if (rx) {
        if (rx == -1)
            problem(im, "lon", "missing (expected longitude in decimal degrees)");
        else
            problem(im, "lon", "'%s' %s (expected longitude in decimal degrees)", sx, what[-rx]);
        bad = 1;
    }
    if (ry) {
        if (ry == -1)
            problem(im, "lat", "missing (expected latitude in decimal degrees)");
        else
            problem(im, "lat", "'%s' %s (expected latitude in decimal degrees)", sy, what[-ry]);
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* Range checks for geographic coordinates; 0 ok. */
static int check_range(struct imp *im, double x, double y)
{
    int lon_ok = x >= -180 && x <= 180, lat_ok = y >= -90 && y <= 90;
    if (lon_ok && lat_ok)
        return 0;
    if (x >= -90 && x <= 90 && y >= -180 && y <= 180)
        problem(im, "lon/lat",
                "lon %.10g, lat %.10g out of range; looks like longitude and latitude are swapped "
                "(expected lon -180..180, lat -90..90)",
                x, y);
    else if (!lon_ok)
        problem(im, "lon", "%.10g is out of range (expected -180..180)", x);
    else
        problem(im, "lat", "%.10g is out of range (expected -90..90)", y);
    return -1;
}

static const char *geom_type_name(OGRGeometryH g)
{
    return OGRGeometryTypeToName(wkbFlatten(OGR_G_GetGeometryType(g)));
}

static void read_org(struct imp *im, OGRFeatureH f, struct cov_org *o)
{
    memset(o, 0, sizeof(*o));
    o->staff = COV_UNKNOWN;
    o->x = o->y = NAN;
    const char *id = fval(im, f, GEO_ORG_ID);
    o->id = dup_trim(im, id);
    if (!o->id) {
        problem(im, "id", "missing (expected %s)",
                im->map.id_is_credit ? "an 18-character unified social credit code"
                                     : "an id unique in the file");
    } else {
        char why[256];
        if (im->map.id_is_credit && geo_creditcode_check(o->id, why, sizeof(why)))
            problem(im, "id", "'%s' is not a valid unified social credit code: %s", o->id, why);
        long prev = dup_check(im, o->id, im->info[im->cur].loc);
        if (prev > 0)
            problem(im, "id", "duplicate '%s' (also in %s %ld; expected each id once)", o->id,
                    loc_word(im), prev);
    }
    o->name = dup_trim(im, fval(im, f, GEO_ORG_NAME));
    if (!o->name)
        problem(im, "name", "missing (expected the organization's name)");
    o->kind = dup_trim(im, fval(im, f, GEO_ORG_KIND));
    o->industry = dup_trim(im, fval(im, f, GEO_ORG_INDUSTRY));
    o->rating = dup_trim(im, fval(im, f, GEO_ORG_RATING));
    o->party_org_id = dup_trim(im, fval(im, f, GEO_ORG_PARTY_ID));
    check_yesno(im, f, GEO_ORG_COMMUNITY, "community_org", &o->community_org);
    check_yesno(im, f, GEO_ORG_INSTRUCTOR, "instructor", &o->instructor);
    check_count(im, f, GEO_ORG_FORMAL, "formal_members", 1, 0, &o->formal_members);
    check_count(im, f, GEO_ORG_UNTRANSFERRED, "untransferred_members", 0, 0,
                &o->untransferred_members);
    check_count(im, f, GEO_ORG_STAFF, "staff", 0, COV_UNKNOWN, &o->staff);
    const char *pv = fval(im, f, GEO_ORG_PARTY);
    if (geo_parse_party(pv, &o->party))
        problem(im, "party_org",
                "'%s' is not a Party organization type (expected 无/单独/联合/区域/行业/功能型 or "
                "none/standalone/joint/regional/industry/functional)",
                pv);

    double x, y;
    OGRGeometryH g = im->use_geom ? OGR_F_GetGeometryRef(f) : NULL;
    if (g && !OGR_G_IsEmpty(g)) {
        OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
        if (t == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1)
            g = OGR_G_GetGeometryRef(g, 0);
        else if (t != wkbPoint) {
            problem(im, "geometry", "is a %s (expected Point)", geom_type_name(g));
            return;
        }
        x = OGR_G_GetX(g, 0);
        y = OGR_G_GetY(g, 0);
        if (!isfinite(x) || !isfinite(y)) {
            problem(im, "geometry", "coordinates are not finite (expected a Point)");
            return;
        }
    } else if (im->map.col[GEO_ORG_LON] >= 0 && im->map.col[GEO_ORG_LAT] >= 0) {
        if (read_lonlat(im, f, &x, &y))
            return;
    } else {
        problem(im, "geometry", "missing or empty (expected Point)");
        return;
    }
    if (im->geographic && check_range(im, x, y))
        return;
    web_to_wgs84(im->web, &x, &y);
    o->x = x;
    o->y = y;
    if (!im->info[im->cur].bad)
        extend(im, x, y, x, y);
}

static void read_area(struct imp *im, OGRFeatureH f, struct cov_area *a, OGRGeometryH *out)
{
    memset(a, 0, sizeof(*a));
    *out = NULL;
    a->code = dup_trim(im, fval(im, f, GEO_AREA_CODE));
    if (!a->code) {
        problem(im, "code", "missing (expected a code unique in the layer)");
    } else {
        long prev = dup_check(im, a->code, im->info[im->cur].loc);
        if (prev > 0)
            problem(im, "code", "duplicate '%s' (also in %s %ld; expected each code once)", a->code,
                    loc_word(im), prev);
    }
    a->name = dup_trim(im, fval(im, f, GEO_AREA_NAME));
    if (!a->name)
        problem(im, "name", "missing (expected a name)");
    a->parent = dup_trim(im, fval(im, f, GEO_AREA_PARENT));
    if (im->layer == COV_COMMUNITIES) {
        const char *uc = fval(im, f, GEO_AREA_UR_CODE), *ut = fval(im, f, GEO_AREA_TYPE);
        enum cov_ur ur_c = COV_UR_UNKNOWN, ur_t = COV_UR_UNKNOWN;
        int has_c = dup_trim(im, uc) != NULL, has_t = dup_trim(im, ut) != NULL;
        if (has_c && geo_parse_urcode(uc, &ur_c, &a->ur_code))
            problem(im, "ur_code",
                    "'%s' is not an urban-rural code (expected 3 digits, 1xx urban or 2xx rural)",
                    uc);
        if (has_t && geo_parse_ur(ut, &ur_t))
            problem(im, "type",
                    "'%s' is not a community type (expected 城市/农村, 居委会/村委会 or "
                    "urban/rural)",
                    ut);
        if (!has_c && !has_t)
            problem(im, "type",
                    "missing (expected 城乡分类代码 1xx/2xx or 类型 城市/农村, 居委会/村委会, "
                    "urban/rural)");
        a->ur = ur_c != COV_UR_UNKNOWN ? ur_c : ur_t;
    }

    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    int polygonal_only = im->layer != COV_BUILDINGS;
    const char *expected =
        polygonal_only ? "Polygon or MultiPolygon" : "Polygon, MultiPolygon or Point";
    if (!g || OGR_G_IsEmpty(g)) {
        problem(im, "geometry", "missing or empty (expected %s)", expected);
        return;
    }
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbCurvePolygon || t == wkbMultiSurface)
        t = t == wkbCurvePolygon ? wkbPolygon : wkbMultiPolygon;
    if (!(t == wkbPolygon || t == wkbMultiPolygon || (!polygonal_only && t == wkbPoint))) {
        problem(im, "geometry", "is a %s (expected %s)", geom_type_name(g), expected);
        return;
    }
    if (im->info[im->cur].bad)
        return;
    OGRGeometryH c =
        OGR_G_HasCurveGeometry(g, FALSE) ? OGR_G_GetLinearGeometry(g, 0, NULL) : OGR_G_Clone(g);
    if (!c) {
        problem(im, "geometry", "cannot be copied (out of memory)");
        return;
    }
    OGR_G_FlattenTo2D(c);
    web_geom_to_wgs84(im->web, c);
    OGREnvelope env;
    OGR_G_GetEnvelope(c, &env);
    if (im->geographic &&
        (check_range(im, env.MinX, env.MinY) || check_range(im, env.MaxX, env.MaxY))) {
        OGR_G_DestroyGeometry(c);
        return;
    }
    extend(im, env.MinX, env.MinY, env.MaxX, env.MaxY);
    *out = c;
}

/* Original column values of the current feature, for the rejects CSV. */
static void keep_original(struct imp *im, OGRFeatureH f, struct rowinfo *ri)
{
    ri->orig = cov_arena_alloc(&im->arena, sizeof(char *) * (size_t)(im->n_cols + 1));
    if (!ri->orig)
        return;
    for (int c = 0; c < im->n_cols; c++)
        ri->orig[c] = cov_arena_strdup(
            &im->arena, OGR_F_IsFieldSetAndNotNull(f, c) ? OGR_F_GetFieldAsString(f, c) : "");
}

static void finish_row(struct imp *im, OGRFeatureH f)
{
    struct rowinfo *ri = &im->info[im->cur];
    if (ri->bad) {
        ri->reason = cov_arena_strdup(&im->arena, im->rowbuf ? im->rowbuf : "");
        if (im->o->skip_invalid && f && !ri->orig)
            keep_original(im, f, ri);
    }
    im->rowbuf_len = 0;
    if (im->rowbuf)
        im->rowbuf[0] = '\0';
}

static int read_rows(struct imp *im, struct geo_import_result *res)
{
    GIntBig total = im->o->progress ? OGR_L_GetFeatureCount(im->lyr, TRUE) : -1;
    OGR_L_ResetReading(im->lyr);
    OGRFeatureH f;
    char what[512];
    snprintf(what, sizeof(what), "reading %s", im->file);
    while ((f = OGR_L_GetNextFeature(im->lyr)) != NULL) {
        if (grow(im)) {
            OGR_F_Destroy(f);
            return cov_err_set(im->err, COV_ENOMEM, "%s: out of memory", im->file);
        }
        im->cur = (long)im->n;
        struct rowinfo *ri = &im->info[im->n];
        memset(ri, 0, sizeof(*ri));
        ri->fid = OGR_F_GetFID(f);
        ri->loc = im->tabular ? (long)im->n + 2 : (long)ri->fid;
        if (im->layer == COV_ORGANIZATIONS)
            read_org(im, f, &im->orgs[im->n]);
        else
            read_area(im, f, &im->areas[im->n], &im->ogeom[im->n]);
        im->n++;
        finish_row(im, f);
        OGR_F_Destroy(f);
        if (total > 0 && im->n % 1000 == 0 &&
            im->o->progress((double)im->n / (double)total, what, im->o->progress_user))
            return cov_err_set(im->err, COV_ECANCEL, "%s: import cancelled", im->file);
        if (im->gdal_failed)
            return COV_EIO;
    }
    if (im->gdal_failed)
        return COV_EIO;
    if (total > 0 && im->o->progress)
        im->o->progress(1.0, what, im->o->progress_user);
    res->read = (long)im->n;
    if (im->n == 0)
        return cov_err_set(im->err, COV_EINPUT, "%s: no features (the source layer is empty)",
                           im->file);
    return COV_OK;
}

/* ---- converting to the project CRS ---- */

static int choose_srid(struct imp *im, struct geo_store *s, int *srid, int *chosen)
{
    *srid = geo_store_srid(s);
    *chosen = 0;
    if (*srid)
        return COV_OK;
    if (!im->have_extent)
        return cov_err_set(im->err, COV_EINPUT, "%s: no valid coordinates to choose a CRS from",
                           im->file);
    double cx = (im->minx + im->maxx) / 2, cy = (im->miny + im->maxy) / 2;
    if (!im->geographic) {
        OGRSpatialReferenceH wgs = geo_srs_from_epsg(4326);
        OGRCoordinateTransformationH ct =
            wgs ? OCTNewCoordinateTransformation(im->src_srs, wgs) : NULL;
        int ok = ct && OCTTransform(ct, 1, &cx, &cy, NULL);
        OCTDestroyCoordinateTransformation(ct);
        OSRDestroySpatialReference(wgs);
        if (!ok)
            return cov_err_set(im->err, COV_EINPUT,
                               "%s: cannot find the data's centre in WGS84 to choose a CRS "
                               "(give 'orgcover init --crs EPSG:N')",
                               im->file);
    }
    *srid = geo_crs_choose(cx, cy);
    *chosen = 1;
    return COV_OK;
}

/* Polygonal parts of a MakeValid result; NULL when there are none. Takes ownership of g. */
static GEOSGeometry *polygonal(GEOSContextHandle_t h, GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)
        return g;
    int n = GEOSGetNumGeometries_r(h, g);
    GEOSGeometry **parts = calloc((size_t)(n > 0 ? n : 1) * 4, sizeof(*parts));
    int k = 0;
    for (int i = 0; parts && i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
        int pt = GEOSGeomTypeId_r(h, p);
        if (pt == GEOS_POLYGON) {
            parts[k++] = GEOSGeom_clone_r(h, p);
        } else if (pt == GEOS_MULTIPOLYGON) {
            for (int j = 0; j < GEOSGetNumGeometries_r(h, p) && k < n * 4; j++)
                parts[k++] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, p, j));
        }
    }
    GEOSGeom_destroy_r(h, g);
    GEOSGeometry *out = NULL;
    if (k > 0)
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)k);
    free(parts);
    return out;
}

static void convert_area(struct imp *im, size_t i, OGRCoordinateTransformationH ct)
{
    struct cov_area *a = &im->areas[i];
    OGRGeometryH g = im->ogeom[i];
    im->cur = (long)i;
    if (OGR_G_Transform(g, ct) != OGRERR_NONE) {
        problem(im, "geometry",
                "cannot be transformed to the project CRS (expected coordinates "
                "in the source CRS)");
        return;
    }
    int size = OGR_G_WkbSize(g);
    unsigned char *wkb = malloc((size_t)size);
    if (!wkb || OGR_G_ExportToWkb(g, wkbNDR, wkb) != OGRERR_NONE) {
        free(wkb);
        problem(im, "geometry", "cannot be converted (out of memory)");
        return;
    }
    GEOSGeometry *gg = GEOSGeomFromWKB_buf_r(im->geos, wkb, (size_t)size);
    free(wkb);
    if (!gg) {
        problem(im, "geometry", "cannot be read by GEOS: %s", cov_geos_last_error(im->geos));
        return;
    }
    char v = GEOSisValid_r(im->geos, gg);
    if (v != 1) {
        char *why = GEOSisValidReason_r(im->geos, gg);
        GEOSGeometry *fixed = GEOSMakeValid_r(im->geos, gg);
        GEOSGeom_destroy_r(im->geos, gg);
        gg = NULL;
        if (fixed && GEOSGeomTypeId_r(im->geos, fixed) != GEOS_POINT)
            fixed = polygonal(im->geos, fixed);
        if (!fixed || GEOSisEmpty_r(im->geos, fixed) != 0) {
            problem(im, "geometry",
                    "invalid (%s) and MakeValid left no polygon (expected a valid "
                    "Polygon or MultiPolygon)",
                    why ? why : "unknown reason");
            if (fixed)
                GEOSGeom_destroy_r(im->geos, fixed);
        } else {
            cov_err_warn(im->err, "%s:%s %ld: geometry: invalid (%s); repaired with MakeValid",
                         im->file, loc_word(im), im->info[i].loc, why ? why : "unknown reason");
            gg = fixed;
        }
        if (why)
            GEOSFree_r(im->geos, why);
    }
    a->geom = gg;
    if (gg) {
        double x0, y0, x1, y1;
        if (GEOSGeom_getXMin_r(im->geos, gg, &x0) && GEOSGeom_getYMin_r(im->geos, gg, &y0) &&
            GEOSGeom_getXMax_r(im->geos, gg, &x1) && GEOSGeom_getYMax_r(im->geos, gg, &y1))
            a->minx = x0, a->miny = y0, a->maxx = x1, a->maxy = y1;
        if (v != 1)
            im->repaired++;
    }
}

/* A row found bad after reading: keep its reason (and its original values for the rejects). */
static void finish_late_row(struct imp *im, size_t i)
{
    struct rowinfo *ri = &im->info[i];
    if (ri->bad) {
        ri->reason = cov_arena_strdup(&im->arena, im->rowbuf ? im->rowbuf : "");
        if (im->o->skip_invalid && !ri->orig) {
            OGRFeatureH f = OGR_L_GetFeature(im->lyr, ri->fid);
            if (f) {
                keep_original(im, f, ri);
                OGR_F_Destroy(f);
            }
        }
    }
    im->rowbuf_len = 0;
    if (im->rowbuf)
        im->rowbuf[0] = '\0';
}

static int convert_orgs(struct imp *im, OGRCoordinateTransformationH ct)
{
    size_t n = 0;
    double *xs = malloc((im->n ? im->n : 1) * sizeof(double));
    double *ys = malloc((im->n ? im->n : 1) * sizeof(double));
    int *ok = malloc((im->n ? im->n : 1) * sizeof(int));
    size_t *idx = malloc((im->n ? im->n : 1) * sizeof(size_t));
    int rc = COV_OK;
    if (!xs || !ys || !ok || !idx) {
        rc = cov_err_set(im->err, COV_ENOMEM, "%s: out of memory", im->file);
        goto cleanup;
    }
    for (size_t i = 0; i < im->n; i++) {
        if (im->info[i].bad)
            continue;
        xs[n] = im->orgs[i].x;
        ys[n] = im->orgs[i].y;
        ok[n] = 0;
        idx[n++] = i;
    }
    if (n > 0)
        OCTTransformEx(ct, (int)n, xs, ys, NULL, ok);
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        if (ok[k] && isfinite(xs[k]) && isfinite(ys[k])) {
            im->orgs[i].x = xs[k];
            im->orgs[i].y = ys[k];
            continue;
        }
        im->cur = (long)i;
        problem(im, "lon/lat",
                "%g, %g cannot be transformed to the project CRS (expected "
                "coordinates in the source CRS)",
                im->orgs[i].x, im->orgs[i].y);
        finish_late_row(im, i);
    }
cleanup:
    free(xs);
    free(ys);
    free(ok);
    free(idx);
    return rc;
}

static int convert_rows(struct imp *im, int srid)
{
    OGRSpatialReferenceH dst = geo_srs_from_epsg(srid);
    OGRCoordinateTransformationH ct = dst ? OCTNewCoordinateTransformation(im->src_srs, dst) : NULL;
    int rc = COV_OK;
    if (!ct) {
        rc = cov_err_set(im->err, COV_EFAIL, "%s: no transformation from the source CRS to EPSG:%d",
                         im->file, srid);
        goto cleanup;
    }
    if (im->layer == COV_ORGANIZATIONS) {
        rc = convert_orgs(im, ct);
    } else {
        for (size_t i = 0; i < im->n; i++) {
            if (im->info[i].bad)
                continue;
            convert_area(im, i, ct);
            finish_late_row(im, i);
        }
    }
cleanup:
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(dst);
    return rc;
}

/* ---- rejects ---- */

static void csv_cell(FILE *fp, const char *s)
{
    geo_csv_cell(fp, s); /* write errors show in ferror(fp), checked at the end */
}

static int write_rejects(struct imp *im, struct geo_store *s, struct geo_import_result *res)
{
    char path[sizeof(res->rejects_path)];
    if (im->o->rejects_path)
        snprintf(path, sizeof(path), "%s", im->o->rejects_path);
    else
        snprintf(path, sizeof(path), "%s.%s-rejects.csv", geo_store_path(s),
                 cov_layer_name((int)im->layer));
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return cov_err_set(im->err, COV_EIO, "%s: cannot write the rejected rows", path);
    fputs("\xEF\xBB\xBF", fp); /* BOM: Excel then reads the file as UTF-8 */
    for (int c = 0; c < im->n_cols; c++) {
        csv_cell(fp, im->cols[c] ? im->cols[c] : "");
        fputc(',', fp);
    }
    fputs("reason\r\n", fp);
    for (size_t i = 0; i < im->n; i++) {
        const struct rowinfo *ri = &im->info[i];
        if (!ri->bad)
            continue;
        for (int c = 0; c < im->n_cols; c++) {
            csv_cell(fp, ri->orig && ri->orig[c] ? ri->orig[c] : "");
            fputc(',', fp);
        }
        char reason[2048];
        snprintf(reason, sizeof(reason), "%s %ld: %s", loc_word(im), ri->loc,
                 ri->reason ? ri->reason : "");
        csv_cell(fp, reason);
        fputs("\r\n", fp);
    }
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad)
        return cov_err_set(im->err, COV_EIO, "%s: cannot write the rejected rows", path);
    snprintf(res->rejects_path, sizeof(res->rejects_path), "%s", path);
    return COV_OK;
}

/* ---- the import ---- */

static int too_many_problems(struct imp *im)
{
    if (im->n_problems > MAX_PROBLEMS)
        cov_err_set(im->err, COV_EINPUT, "... and %ld more problems",
                    im->n_problems - MAX_PROBLEMS);
    return COV_EINPUT;
}

static int write_rows(struct imp *im, struct geo_store *s, long existing, int srid, int chosen,
                      struct geo_import_result *res)
{
    int rc = geo_store_begin(s, im->err);
    if (rc)
        return rc;
    if (im->o->mode == GEO_IMPORT_REPLACE && existing > 0)
        rc = geo_store_clear(s, im->layer, im->err);
    if (!rc && chosen)
        rc = geo_store_set_srid(s, srid, im->err);
    long written = 0;
    cov_progress_fn progress = im->o->progress;
    void *user = im->o->progress_user;
    char what[64];
    snprintf(what, sizeof(what), "writing %s", cov_layer_name((int)im->layer));
    size_t step = im->n / 100 + 1;
    for (size_t i = 0; i < im->n && !rc; i++) {
        if (progress && i % step == 0 && progress((double)i / (double)im->n, what, user))
            rc = cov_err_set(im->err, COV_ECANCEL, "cancelled");
        if (rc || im->info[i].bad)
            continue;
        if (im->layer == COV_ORGANIZATIONS)
            rc = geo_store_put_org(s, &im->orgs[i], im->err);
        else
            rc = geo_store_put_area(s, im->layer, &im->areas[i], im->geos, im->err);
        written++;
    }
    if (progress && !rc)
        progress(1.0, what, user);
    /* The R*Tree build has no progress of its own: say what is happening. */
    if (progress && !rc)
        progress(0.0, "building the spatial index", user);
    if (!rc)
        rc = geo_store_layer_done(s, im->layer, im->file, written, im->err);
    if (!rc)
        rc = geo_store_commit(s, im->err);
    if (progress && !rc)
        progress(1.0, "building the spatial index", user);
    if (rc) {
        geo_store_rollback(s);
        return rc;
    }
    res->imported = written;
    return COV_OK;
}

int geo_import(struct geo_store *s, enum cov_layer layer, const char *source,
               const struct geo_import_opts *opts, struct geo_import_result *res,
               struct cov_err *err)
{
    static const struct geo_import_opts defaults = {.mode = GEO_IMPORT_NEW};
    struct geo_import_result dummy_res;
    struct cov_err dummy_err;
    cov_err_init(&dummy_err);
    if (!res)
        res = &dummy_res;
    if (!err)
        err = &dummy_err;
    memset(res, 0, sizeof(*res));
    if (!opts)
        opts = &defaults;
    if ((unsigned)layer >= COV_NLAYERS || !source || !s)
        return cov_err_set(err, COV_EFAIL, "geo_import: bad arguments");

    struct imp im;
    memset(&im, 0, sizeof(im));
    im.file = source;
    im.layer = layer;
    im.o = opts;
    im.err = err;
    cov_arena_init(&im.arena);
    GDALAllRegister();
    CPLPushErrorHandlerEx(cpl_handler, &im);

    int rc = COV_OK, srid = 0, chosen = 0;
    long existing = geo_store_count(s, layer, err);
    if (existing < 0) {
        rc = err->code ? err->code : COV_EIO;
        goto cleanup;
    }
    if (existing > 0 && opts->mode == GEO_IMPORT_NEW) {
        /* Not bad data but a refusal to overwrite: a plain failure, not COV_EINPUT. */
        rc = cov_err_set(err, COV_EFAIL,
                         "layer %s already holds %ld rows: give --replace to replace them or "
                         "--append to add to them",
                         cov_layer_name((int)layer), existing);
        goto cleanup;
    }
    im.geos = cov_geos_new();
    if (!im.geos) {
        rc = cov_err_set(err, COV_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = open_source(&im, source)) || (rc = map_columns(&im)) || (rc = setup_srs(&im)) ||
        (rc = read_rows(&im, res)))
        goto cleanup;
    if (im.n_problems && !opts->skip_invalid) {
        rc = too_many_problems(&im);
        goto cleanup;
    }
    if ((rc = choose_srid(&im, s, &srid, &chosen)) || (rc = convert_rows(&im, srid)))
        goto cleanup;
    if (im.n_problems && !opts->skip_invalid) {
        rc = too_many_problems(&im);
        goto cleanup;
    }
    for (size_t i = 0; i < im.n; i++)
        res->rejected += im.info[i].bad != 0;
    if (res->rejected > 0 && (rc = write_rejects(&im, s, res)))
        goto cleanup;
    if (res->rejected == (long)im.n) {
        rc =
            cov_err_set(err, COV_EINPUT, "%s: all %ld rows are invalid; nothing to import (see %s)",
                        source, res->rejected, res->rejects_path);
        goto cleanup;
    }
    if ((rc = write_rows(&im, s, existing, srid, chosen, res)))
        goto cleanup;
    if (res->rejected > 0)
        cov_err_warn(err, "%s: %ld of %ld rows rejected; they are listed with their reasons in %s",
                     source, res->rejected, res->read, res->rejects_path);
    res->repaired = im.repaired;
    res->srid = srid;
    res->srid_chosen = chosen;

cleanup:
    if (im.ds)
        GDALClose(im.ds);
    restore_xlsx_config(&im);
    if (im.vsimem[0])
        VSIUnlink(im.vsimem);
    free(im.membuf);
    CPLPopErrorHandler();
    if (im.ogeom)
        for (size_t i = 0; i < im.n; i++)
            OGR_G_DestroyGeometry(im.ogeom[i]);
    if (im.areas)
        for (size_t i = 0; i < im.n; i++)
            if (im.areas[i].geom)
                GEOSGeom_destroy_r(im.geos, im.areas[i].geom);
    free(im.ogeom);
    free(im.areas);
    free(im.orgs);
    free(im.info);
    free(im.dups);
    free(im.rowbuf);
    OSRDestroySpatialReference(im.src_srs);
    cov_geos_free(im.geos);
    cov_arena_release(&im.arena);
    cov_err_release(&dummy_err);
    return rc;
}
