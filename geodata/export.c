/* export.c - results to GeoPackage, Shapefile, GeoJSON, CSV or XLSX through OGR. */
#include "export.h"

#include "crs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
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

int geo_export(const char *path, const char *format_ext, const char *layer_name,
               const struct geo_export_col *cols, size_t ncols, size_t nrows,
               geo_export_row_fn rowfn, void *user, GEOSContextHandle_t geos, int srid,
               int geom_type, struct cov_err *err)
{
    const struct driver_map *dm = find_driver(format_ext ? format_ext : path);
    if (!dm)
        return cov_err_set(err, COV_EINPUT,
                           "%s: unknown output format (expected .gpkg, .shp, .geojson, .csv or "
                           ".xlsx)",
                           path ? path : "");
    int rc = COV_OK;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH src = NULL, dst = NULL;
    OGRCoordinateTransformationH ct = NULL;
    GEOSWKBWriter *wkbw = NULL;
    const char **cells = calloc(ncols ? ncols : 1, sizeof(*cells));
    if (!cells)
        return cov_err_set(err, COV_ENOMEM, "out of memory");

    struct cpl_sink sink = {err, path};
    CPLPushErrorHandlerEx(on_cpl, &sink);
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName(dm->driver);
    if (!drv) {
        rc = cov_err_set(err, COV_EIO, "%s: GDAL has no %s driver", path, dm->driver);
        goto cleanup;
    }
    if (strncmp(path, "/vsi", 4) && access(path, F_OK) == 0) {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        if (GDALDeleteDataset(drv, path) != CE_None)
            unlink(path);
        CPLPopErrorHandler();
    }
    CPLErrorReset();
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        rc = cov_err_set(err, COV_EIO, "%s: cannot create (%s)", path, CPLGetLastErrorMsg());
        goto cleanup;
    }
    int has_geom = geom_type >= 0 && srid > 0;
    if (has_geom) {
        src = geo_srs_from_epsg(srid);
        dst = dm->wgs84 ? geo_srs_from_epsg(4326) : geo_srs_from_epsg(srid);
        if (!src || !dst) {
            rc = cov_err_set(err, COV_EIO, "%s: EPSG:%d unknown to PROJ", path, srid);
            goto cleanup;
        }
        if (dm->wgs84 && !(ct = OCTNewCoordinateTransformation(src, dst))) {
            rc = cov_err_set(err, COV_EIO, "%s: no transformation from EPSG:%d to WGS84", path,
                             srid);
            goto cleanup;
        }
        wkbw = GEOSWKBWriter_create_r(geos);
    }
    int as_xy = has_geom && dm->table;
    char **lopts = NULL;
    if (!strcmp(dm->driver, "ESRI Shapefile"))
        lopts = CSLSetNameValue(lopts, "ENCODING", "UTF-8");
    if (!strcmp(dm->driver, "GeoJSON"))
        lopts = CSLSetNameValue(lopts, "RFC7946", "YES");
    OGRLayerH lyr = GDALDatasetCreateLayer(
        ds, layer_name, (has_geom && !as_xy) ? dst : NULL,
        (has_geom && !as_xy) ? (OGRwkbGeometryType)geom_type : wkbNone, lopts);
    CSLDestroy(lopts);
    if (!lyr) {
        rc = cov_err_set(err, COV_EIO, "%s: cannot create layer (%s)", path, CPLGetLastErrorMsg());
        goto cleanup;
    }
    for (size_t c = 0; c < ncols; c++) {
        OGRFieldType ft = cols[c].type == GEO_COL_INT    ? OFTInteger
                          : cols[c].type == GEO_COL_REAL ? OFTReal
                                                         : OFTString;
        OGRFieldDefnH fd = OGR_Fld_Create(cols[c].name, ft);
        OGRErr oe = OGR_L_CreateField(lyr, fd, 1);
        OGR_Fld_Destroy(fd);
        if (oe != OGRERR_NONE) {
            rc = cov_err_set(err, COV_EIO, "%s: cannot create field %s", path, cols[c].name);
            goto cleanup;
        }
    }
    if (as_xy) {
        const char *xy[2] = {"lon", "lat"};
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
            rc = cov_err_set(err, COV_EFAIL, "%s: writing row %zu failed", path, r + 1);
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
            else
                OGR_F_SetFieldString(f, (int)c, cells[c]);
        }
        if (g && has_geom) {
            size_t len = 0;
            unsigned char *wkb = GEOSWKBWriter_write_r(geos, wkbw, g, &len);
            OGRGeometryH og = NULL;
            if (wkb && OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) == OGRERR_NONE) {
                if (ct)
                    OGR_G_Transform(og, ct);
                if (as_xy) {
                    OGRGeometryH pt = og;
                    if (wkbFlatten(OGR_G_GetGeometryType(og)) != wkbPoint) {
                        pt = OGR_G_CreateGeometry(wkbPoint);
                        OGR_G_Centroid(og, pt);
                    }
                    OGR_F_SetFieldDouble(f, (int)ncols, OGR_G_GetX(pt, 0));
                    OGR_F_SetFieldDouble(f, (int)ncols + 1, OGR_G_GetY(pt, 0));
                    if (pt != og)
                        OGR_G_DestroyGeometry(pt);
                    OGR_G_DestroyGeometry(og);
                } else {
                    OGR_F_SetGeometryDirectly(f, og);
                }
            }
            GEOSFree_r(geos, wkb);
        }
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            rc = cov_err_set(err, COV_EIO, "%s: cannot write row %zu (%s)", path, r + 1,
                             CPLGetLastErrorMsg());
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
cleanup:
    if (ds) {
        CPLErrorReset();
        GDALClose(ds);
        if (!rc && CPLGetLastErrorType() >= CE_Failure)
            rc = cov_err_set(err, COV_EIO, "%s: closing failed (%s)", path, CPLGetLastErrorMsg());
        if (rc && strncmp(path, "/vsi", 4))
            unlink(path);
    }
    CPLPopErrorHandler();
    if (wkbw)
        GEOSWKBWriter_destroy_r(geos, wkbw);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(src);
    OSRDestroySpatialReference(dst);
    free(cells);
    return rc;
}
