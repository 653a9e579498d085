/*
 * coords.h - Chinese web-map coordinate systems and the choice of a
 * project CRS.
 *
 * GCJ-02 ("Mars coordinates", AMap/Tencent) and BD-09 (Baidu) are
 * obfuscated variants of WGS84 that PROJ does not know. The forward
 * GCJ-02 formula is public; its inverse is computed by fixed-point
 * iteration to well under a metre. Outside China both are identical to
 * WGS84 (the offset is only applied inside China's rough bounding box).
 */
#ifndef GEO_COORDS_H
#define GEO_COORDS_H

/* Degrees in, degrees out (lon, lat order). */
void geo_wgs84_to_gcj02(double lon, double lat, double *out_lon, double *out_lat);
void geo_gcj02_to_wgs84(double lon, double lat, double *out_lon, double *out_lat);
void geo_gcj02_to_bd09(double lon, double lat, double *out_lon, double *out_lat);
void geo_bd09_to_gcj02(double lon, double lat, double *out_lon, double *out_lat);
void geo_bd09_to_wgs84(double lon, double lat, double *out_lon, double *out_lat);
void geo_wgs84_to_bd09(double lon, double lat, double *out_lon, double *out_lat);

/* 1 if (lon, lat) lies in the rough box where GCJ-02 applies an offset. */
int geo_in_china(double lon, double lat);

/*
 * The projected CRS for data centred at (lon, lat) in degrees: inside
 * China the CGCS2000 3-degree Gauss-Krüger zone with central meridian
 * nearest lon (EPSG:4534 CM 75E ... EPSG:4554 CM 135E); elsewhere the WGS84
 * UTM zone (EPSG:326NN north, 327NN south). 0 when lon or lat is not finite.
 */
int geo_crs_choose(double lon, double lat);

#endif
