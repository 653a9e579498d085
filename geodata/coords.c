/* coords.c - GCJ-02 / BD-09 conversions and the choice of a project CRS. */
#include "coords.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Krasovsky 1940 ellipsoid, as used by the public GCJ-02 formula. */
static const double gcj_a = 6378245.0;
static const double gcj_ee = 0.00669342162296594323;
static const double bd_x_pi = M_PI * 3000.0 / 180.0;

int geo_in_china(double lon, double lat)
{
    return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

static double transform_lat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double transform_lon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
    return r;
}

/* The GCJ-02 offset (degrees) added to a WGS84 position. */
static void gcj_delta(double lon, double lat, double *dlon, double *dlat)
{
    double dla = transform_lat(lon - 105.0, lat - 35.0);
    double dlo = transform_lon(lon - 105.0, lat - 35.0);
    double radlat = lat / 180.0 * M_PI;
    double magic = sin(radlat);
    magic = 1.0 - gcj_ee * magic * magic;
    double sqrtmagic = sqrt(magic);
    *dlat = (dla * 180.0) / ((gcj_a * (1.0 - gcj_ee)) / (magic * sqrtmagic) * M_PI);
    *dlon = (dlo * 180.0) / (gcj_a / sqrtmagic * cos(radlat) * M_PI);
}

void geo_wgs84_to_gcj02(double lon, double lat, double *out_lon, double *out_lat)
{
    if (!geo_in_china(lon, lat)) {
        *out_lon = lon;
        *out_lat = lat;
        return;
    }
    double dlon, dlat;
    gcj_delta(lon, lat, &dlon, &dlat);
    *out_lon = lon + dlon;
    *out_lat = lat + dlat;
}

void geo_gcj02_to_wgs84(double lon, double lat, double *out_lon, double *out_lat)
{
    if (!geo_in_china(lon, lat)) {
        *out_lon = lon;
        *out_lat = lat;
        return;
    }
    /* Fixed point: find w with forward(w) = g. The offset varies slowly
     * (its derivative is ~1e-5), so each step gains about five digits. */
    double wlon = lon, wlat = lat;
    for (int i = 0; i < 30; i++) {
        double glon, glat;
        geo_wgs84_to_gcj02(wlon, wlat, &glon, &glat);
        double elon = glon - lon, elat = glat - lat;
        wlon -= elon;
        wlat -= elat;
        if (fabs(elon) < 1e-10 && fabs(elat) < 1e-10)
            break;
    }
    *out_lon = wlon;
    *out_lat = wlat;
}

void geo_gcj02_to_bd09(double lon, double lat, double *out_lon, double *out_lat)
{
    double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * bd_x_pi);
    double theta = atan2(lat, lon) + 0.000003 * cos(lon * bd_x_pi);
    *out_lon = z * cos(theta) + 0.0065;
    *out_lat = z * sin(theta) + 0.006;
}

void geo_bd09_to_gcj02(double lon, double lat, double *out_lon, double *out_lat)
{
    double x = lon - 0.0065, y = lat - 0.006;
    double z = sqrt(x * x + y * y) - 0.00002 * sin(y * bd_x_pi);
    double theta = atan2(y, x) - 0.000003 * cos(x * bd_x_pi);
    *out_lon = z * cos(theta);
    *out_lat = z * sin(theta);
}

void geo_bd09_to_wgs84(double lon, double lat, double *out_lon, double *out_lat)
{
    double glon, glat;
    geo_bd09_to_gcj02(lon, lat, &glon, &glat);
    geo_gcj02_to_wgs84(glon, glat, out_lon, out_lat);
}

void geo_wgs84_to_bd09(double lon, double lat, double *out_lon, double *out_lat)
{
    double glon, glat;
    geo_wgs84_to_gcj02(lon, lat, &glon, &glat);
    geo_gcj02_to_bd09(glon, glat, out_lon, out_lat);
}

int geo_crs_choose(double lon, double lat)
{
    if (!isfinite(lon) || !isfinite(lat))
        return 0;
    if (geo_in_china(lon, lat)) {
        long k = lround((lon - 75.0) / 3.0);
        if (k < 0)
            k = 0;
        if (k > 20)
            k = 20;
        return 4534 + (int)k;
    }
    double l = fmod(lon + 180.0, 360.0);
    if (l < 0)
        l += 360.0;
    l -= 180.0;
    int zone = (int)floor((l + 180.0) / 6.0) + 1;
    if (zone < 1)
        zone = 1;
    if (zone > 60)
        zone = 60;
    return (lat >= 0 ? 32600 : 32700) + zone;
}
