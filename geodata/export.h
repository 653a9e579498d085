/*
 * export.h - write a table of results (with optional geometries) to any
 * file OGR writes, the driver chosen from the extension:
 * .gpkg GeoPackage, .shp Shapefile (UTF-8, with .cpg), .geojson/.json
 * GeoJSON (EPSG:4326, as RFC 7946 wants), .csv and .xlsx (point geometries
 * become lon/lat columns in WGS84 so a planner can map them again).
 */
#ifndef GEO_EXPORT_H
#define GEO_EXPORT_H

#include <stddef.h>

#include "../analysis/model.h" /* GEOSGeometry, GEOSContextHandle_t, struct cov_err */

enum geo_col_type { GEO_COL_TEXT, GEO_COL_INT, GEO_COL_REAL };

struct geo_export_col {
    const char *name;
    enum geo_col_type type;
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
 * centroid when it is not a point).
 * Returns 0 or COV_EIO/COV_EINPUT with a message naming path.
 */
int geo_export(const char *path, const char *format_ext, const char *layer_name,
               const struct geo_export_col *cols, size_t ncols, size_t nrows, geo_export_row_fn row,
               void *user, GEOSContextHandle_t geos, int srid, int geom_type, struct cov_err *err);

#endif
