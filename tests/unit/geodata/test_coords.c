/* test_coords.c - GCJ-02 / BD-09 conversions and the project CRS choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "../../../geodata/coords.h"

/* Ground distance in metres between two nearby lon/lat points. */
static double metres(double lon1, double lat1, double lon2, double lat2) {
    const double r = 6371008.8, d2r = 3.14159265358979323846 / 180.0;
    double dx = (lon2 - lon1) * d2r * cos((lat1 + lat2) / 2 * d2r) * r;
    double dy = (lat2 - lat1) * d2r * r;
    return sqrt(dx * dx + dy * dy);
}

static void test_tiananmen_forward(void **state) {
    (void)state;
    double lon, lat;
    geo_wgs84_to_gcj02(116.397128, 39.916527, &lon, &lat);
    /* Published pair: GCJ-02 (116.403370, 39.917933) within ~1e-5 deg. */
    assert_float_equal(lon, 116.40337, 1e-5);
    assert_float_equal(lat, 39.917933, 1e-5);
    /* The offset itself is a few hundred metres, not zero. */
    double d = metres(116.397128, 39.916527, lon, lat);
    assert_true(d > 400 && d < 700);
}

static void test_lianyungang_shift(void **state) {
    (void)state;
    /* FIELD-NOTES: GCJ-02 -> WGS84 is about -0.0057 deg lon, +0.0008 deg lat there. */
    double glon = 119.2216, glat = 34.5966, wlon, wlat;
    geo_gcj02_to_wgs84(glon, glat, &wlon, &wlat);
    assert_float_equal(wlon - glon, -0.0057, 0.0006);
    assert_float_equal(wlat - glat, 0.0008, 0.0006);
}

static void test_gcj02_round_trip_grid(void **state) {
    (void)state;
    double worst = 0;
    for (double lon = 74.0; lon <= 134.0; lon += 1.5) {
        for (double lat = 18.0; lat <= 53.0; lat += 1.25) {
            double glon, glat, wlon, wlat;
            geo_wgs84_to_gcj02(lon, lat, &glon, &glat);
            geo_gcj02_to_wgs84(glon, glat, &wlon, &wlat);
            double d = metres(lon, lat, wlon, wlat);
            if (d > worst)
                worst = d;
            assert_true(fabs(wlon - lon) < 1e-7);
            assert_true(fabs(wlat - lat) < 1e-7);
        }
    }
    assert_true(worst < 0.5);
}

static void test_bd09_round_trip_grid(void **state) {
    (void)state;
    for (double lon = 74.0; lon <= 134.0; lon += 2.5) {
        for (double lat = 18.0; lat <= 53.0; lat += 2.5) {
            double blon, blat, glon, glat;
            geo_gcj02_to_bd09(lon, lat, &blon, &blat);
            /* BD-09 differs visibly from GCJ-02 (about 0.0065 / 0.006 deg). */
            assert_true(fabs(blon - lon) > 0.003);
            geo_bd09_to_gcj02(blon, blat, &glon, &glat);
            assert_true(metres(lon, lat, glon, glat) < 0.5);
        }
    }
}

/* The fixture of the widely used coordtransform library (wandergis/coordtransform,
 * test/app.js and README), point (116.404, 39.915). */
static void test_published_coordtransform_fixture(void **state) {
    (void)state;
    double lon, lat;
    geo_gcj02_to_bd09(116.404, 39.915, &lon, &lat);
    assert_float_equal(lon, 116.41036949371029, 1e-9);
    assert_float_equal(lat, 39.92133699351021, 1e-9);
    geo_bd09_to_gcj02(116.404, 39.915, &lon, &lat);
    assert_float_equal(lon, 116.39762729119315, 1e-9);
    assert_float_equal(lat, 39.90865673957631, 1e-9);
    geo_wgs84_to_gcj02(116.404, 39.915, &lon, &lat);
    assert_float_equal(lon, 116.41024449916938, 1e-9);
    assert_float_equal(lat, 39.91640428150164, 1e-9);
    /* coordtransform's inverse is a single step (116.39775550083061,
     * 39.91359571849836); the iterated inverse differs by well under a metre
     * from it and maps forward exactly onto the input. */
    geo_gcj02_to_wgs84(116.404, 39.915, &lon, &lat);
    assert_true(metres(lon, lat, 116.39775550083061, 39.91359571849836) < 0.5);
    double glon, glat;
    geo_wgs84_to_gcj02(lon, lat, &glon, &glat);
    assert_float_equal(glon, 116.404, 1e-9);
    assert_float_equal(glat, 39.915, 1e-9);
}

static void test_bd09_to_wgs84_chains(void **state) {
    (void)state;
    double glon, glat, blon, blat, wlon, wlat;
    geo_wgs84_to_gcj02(119.2, 34.6, &glon, &glat);
    geo_gcj02_to_bd09(glon, glat, &blon, &blat);
    geo_bd09_to_wgs84(blon, blat, &wlon, &wlat);
    assert_true(metres(119.2, 34.6, wlon, wlat) < 0.5);
}

/* WGS84 -> BD-09 in one call: the published GCJ-02 of coordtransform's fixture point
 * (116.404, 39.915) taken on to BD-09 by the published formula, and back. */
static void test_wgs84_to_bd09(void **state) {
    (void)state;
    double lon, lat, glon, glat, want_lon, want_lat;
    geo_wgs84_to_bd09(116.404, 39.915, &lon, &lat);
    geo_gcj02_to_bd09(116.41024449916938, 39.91640428150164, &want_lon, &want_lat);
    assert_float_equal(lon, want_lon, 1e-9);
    assert_float_equal(lat, want_lat, 1e-9);
    /* BD-09 lies about 0.0065 / 0.006 degrees beyond GCJ-02 */
    geo_wgs84_to_gcj02(116.404, 39.915, &glon, &glat);
    assert_float_equal(lon - glon, 0.0065, 0.001);
    assert_float_equal(lat - glat, 0.006, 0.001);
    for (double x = 74.0; x <= 134.0; x += 3.0)
        for (double y = 18.0; y <= 53.0; y += 3.5) {
            double blon, blat, wlon, wlat;
            geo_wgs84_to_bd09(x, y, &blon, &blat);
            geo_bd09_to_wgs84(blon, blat, &wlon, &wlat);
            assert_true(metres(x, y, wlon, wlat) < 0.5);
        }
}

static void test_outside_china_unchanged(void **state) {
    (void)state;
    double lon, lat;
    geo_wgs84_to_gcj02(2.3522, 48.8566, &lon, &lat); /* Paris */
    assert_float_equal(lon, 2.3522, 0);
    assert_float_equal(lat, 48.8566, 0);
    geo_gcj02_to_wgs84(-74.006, 40.7128, &lon, &lat);
    assert_float_equal(lon, -74.006, 0);
    assert_float_equal(lat, 40.7128, 0);
}

static void test_in_china_box(void **state) {
    (void)state;
    assert_int_equal(geo_in_china(119.2, 34.6), 1);
    assert_int_equal(geo_in_china(72.004, 0.8293), 1);
    assert_int_equal(geo_in_china(137.8347, 55.8271), 1);
    assert_int_equal(geo_in_china(72.0, 30.0), 0);
    assert_int_equal(geo_in_china(137.84, 30.0), 0);
    assert_int_equal(geo_in_china(100.0, 0.82), 0);
    assert_int_equal(geo_in_china(100.0, 55.83), 0);
    assert_int_equal(geo_in_china(NAN, 30.0), 0);
}

static void test_crs_lianyungang(void **state) {
    (void)state;
    assert_int_equal(geo_crs_choose(119.2, 34.6), 4549); /* CM 120E */
}

static void test_crs_zone_edges_and_clamp(void **state) {
    (void)state;
    assert_int_equal(geo_crs_choose(116.4, 39.9), 4548);   /* Beijing, CM 117E */
    assert_int_equal(geo_crs_choose(121.47, 31.23), 4549); /* Shanghai, CM 120E */
    assert_int_equal(geo_crs_choose(118.4, 32.0), 4548);   /* 118.4 -> CM 117E */
    assert_int_equal(geo_crs_choose(118.6, 32.0), 4549);   /* 118.6 -> CM 120E */
    assert_int_equal(geo_crs_choose(115.4, 32.0), 4547);   /* 115.4 -> CM 114E */
    assert_int_equal(geo_crs_choose(75.0, 39.0), 4534);    /* Kashgar side */
    assert_int_equal(geo_crs_choose(72.5, 39.0), 4534);    /* clamped low */
    assert_int_equal(geo_crs_choose(135.0, 48.0), 4554);
    assert_int_equal(geo_crs_choose(137.5, 48.0), 4554); /* clamped high */
}

static void test_crs_utm_outside_china(void **state) {
    (void)state;
    assert_int_equal(geo_crs_choose(2.35, 48.86), 32631);   /* Paris */
    assert_int_equal(geo_crs_choose(-74.0, 40.7), 32618);   /* New York */
    assert_int_equal(geo_crs_choose(151.2, -33.87), 32756); /* Sydney */
    assert_int_equal(geo_crs_choose(-180.0, -10.0), 32701);
    assert_int_equal(geo_crs_choose(179.99, 10.0), 32660);
    assert_int_equal(geo_crs_choose(180.0, 10.0), 32601); /* wraps */
    assert_int_equal(geo_crs_choose(NAN, 10.0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiananmen_forward),
        cmocka_unit_test(test_lianyungang_shift),
        cmocka_unit_test(test_gcj02_round_trip_grid),
        cmocka_unit_test(test_bd09_round_trip_grid),
        cmocka_unit_test(test_published_coordtransform_fixture),
        cmocka_unit_test(test_bd09_to_wgs84_chains),
        cmocka_unit_test(test_wgs84_to_bd09),
        cmocka_unit_test(test_outside_china_unchanged),
        cmocka_unit_test(test_in_china_box),
        cmocka_unit_test(test_crs_lianyungang),
        cmocka_unit_test(test_crs_zone_edges_and_clamp),
        cmocka_unit_test(test_crs_utm_outside_china),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
