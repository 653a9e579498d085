/*
 * crs.h - what the project needs to know about a coordinate reference system.
 */
#ifndef GEO_CRS_H
#define GEO_CRS_H

#include <stddef.h>

#include <ogr_srs_api.h>

#include "../analysis/err.h"

/*
 * Parse "EPSG:N" or "N" into an EPSG code and check that it is a projected
 * CRS with metre units (the analysis measures distances in metres).
 * Writes its name into name (name_len bytes, may be NULL).
 * Returns 0, or COV_EUSAGE (a bad --crs) with a message naming text and what
 * was expected.
 */
int geo_crs_parse_projected(const char *text, int *epsg, char *name, size_t name_len,
                            struct cov_err *err);

/*
 * A spatial reference for EPSG code epsg with the traditional GIS axis
 * order (lon/lat, x/y) that every OGR reference in orgcover uses.
 * Caller-owned (OSRDestroySpatialReference); NULL when PROJ does not know it.
 */
OGRSpatialReferenceH geo_srs_from_epsg(int epsg);

/* Name of EPSG code epsg into name ("EPSG:N" when unknown). */
void geo_crs_name(int epsg, char *name, size_t name_len);

#endif
