/*
 * export.h - write a table of results (with optional geometries) to any
 * file OGR writes, the driver chosen from the extension:
 * .gpkg GeoPackage, .shp Shapefile (UTF-8, with .cpg), .geojson/.json
 * GeoJSON (EPSG:4326, as RFC 7946 wants), .csv (UTF-8 with a byte-order
 * mark, for Excel) and .xlsx (point geometries become lon/lat columns in
 * WGS84 so a planner can map them again). Options move the coordinates to
 * another CRS or to the GCJ-02/BD-09 of Chinese web maps; degrees are
 * written to 7 decimals (about 1 cm), metres to 2.
 */
#ifndef GEO_EXPORT_H
#define GEO_EXPORT_H

#include <stddef.h>

#include "../analysis/model.h" /* GEOSGeometry, GEOSContextHandle_t, struct cov_err */

enum geo_col_type { GEO_COL_TEXT, GEO_COL_INT, GEO_COL_REAL };

struct geo_export_col {
    const char *name;
    enum geo_col_type type;
    /* Shapefile: the name in the .dbf (at most 10 bytes); NULL: name, cut to
     * 10 bytes between characters (and numbered when that repeats a name). */
    const char *dbf_name;
};

/* Chinese web-map coordinates: WGS84 shifted as AMap/Tencent (GCJ-02) or Baidu (BD-09) do. */
enum geo_web_crs { GEO_WEB_NONE, GEO_WEB_GCJ02, GEO_WEB_BD09 };

/* Where the coordinates of an export go (--t-srs). */
struct geo_export_srs {
    int epsg;             /* 0: the format's default (EPSG:4326 for .geojson .csv .xlsx, the
                             project CRS for .gpkg .shp); else this EPSG code */
    enum geo_web_crs web; /* GCJ-02/BD-09 (epsg is then 4326, as the file declares) */
};

/*
 * Parse --t-srs: "GCJ02"/"GCJ-02", "BD09"/"BD-09", "WGS84", "EPSG:N" or "N"
 * (case-insensitive; a geographic or projected CRS PROJ knows). Returns 0, or
 * COV_EINPUT with "--t-srs: 'TEXT' ..." saying what was expected.
 */
int geo_export_srs_parse(const char *text, struct geo_export_srs *out, struct cov_err *err);

/* Options of geo_export; a zeroed struct (or NULL) gives the defaults. */
struct geo_export_opts {
    struct geo_export_srs srs;
    /* .csv/.xlsx: names of the coordinate columns when they are degrees; NULL: "lon", "lat"
     * (projected coordinates are always "x", "y") */
    const char *lon_name, *lat_name;
};

/*
 * Fill cells[0..ncols-1] for row (borrowed strings, valid until the next
 * call; NULL = empty/null) and *geom (borrowed, project CRS, or NULL).
 * Return 0, or nonzero to abort.
 */
typedef int (*geo_export_row_fn)(void *user, size_t row, const char **cells,
                                 const GEOSGeometry **geom);

/* 1 if path has an extension geo_export() can write. */
int geo_export_supported(const char *path);

/*
 * Write nrows rows to path (replacing an existing file). format_ext (e.g.
 * ".geojson") picks the driver when path has no telling extension, as for
 * "/vsistdout/"; NULL = from path. geom_type is an
 * OGRwkbGeometryType (e.g. 0 any, 1 point, 2 line, 5 multiline, 6 multipolygon)
 * or -1 for a table without geometry; srid is the project CRS of the
 * geometries. In .csv/.xlsx a geometry becomes lon/lat columns (of its
 * centroid when it is not a point), x/y when xo->srs is projected.
 * Coordinates are rounded to 7 decimals in degrees, 2 in metres. xo may be
 * NULL (the defaults). A GeoJSON in another CRS than EPSG:4326 is written
 * with a "crs" member instead of as RFC 7946.
 * Returns 0 or COV_EIO/COV_EINPUT with a message naming path.
 */
int geo_export(const char *path, const char *format_ext, const char *layer_name,
               const struct geo_export_col *cols, size_t ncols, size_t nrows, geo_export_row_fn row,
               void *user, GEOSContextHandle_t geos, int srid, int geom_type,
               const struct geo_export_opts *xo, struct cov_err *err);

#endif
