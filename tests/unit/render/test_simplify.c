/* test_simplify.c - ring simplification to the device pixel (render/simplify.h):
 * snapping, repeats, zero-area excursions inside and across the ring's start,
 * the fill area it keeps, and the bound on what a spiky ring leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../../render/simplify.h"

#define PI 3.14159265358979323846

/* Shoelace area of the ring xy[0..2n) (closing edge implied). */
static double ring_area(const double *xy, size_t n)
{
    double a = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        a += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
    }
    return a / 2;
}

static void test_square_snapped_repeats_dropped(void **state)
{
    (void)state;
    double xy[] = {0.1, 0.05, 5, 0, 5.02, 0.01, 5, 5, 0, 5, 0, 5.1, 0.1, 0.05};
    size_t k = map_ring_simplify(xy, 7, 0.25);
    assert_int_equal(k, 4);
    double want[] = {0, 0, 5, 0, 5, 5, 0, 5};
    for (size_t i = 0; i < 8; i++)
        assert_true(xy[i] == want[i]);
}

static void test_thin_spike_removed_wide_kept(void **state)
{
    (void)state;
    /* a spike 0.05 wide and 20 long on the square's top edge */
    double thin[] = {0, 0, 10, 0, 10, 10, 5.05, 10, 5.02, 30, 5, 10, 0, 10, 0, 0};
    size_t k = map_ring_simplify(thin, 8, 0.25);
    assert_int_equal(k, 5); /* the square and the spike's base, now on the top edge */
    assert_true(fabs(ring_area(thin, k) - 100) < 1e-12);
    assert_true(thin[6] == 5 && thin[7] == 10);
    /* 2 wide: stays, with its tip */
    double wide[] = {0, 0, 10, 0, 10, 10, 6, 10, 5, 30, 4, 10, 0, 10, 0, 0};
    k = map_ring_simplify(wide, 8, 0.25);
    assert_int_equal(k, 7);
    assert_true(fabs(ring_area(wide, k) - 120) < 1e-12);
}

static void test_excursions_across_the_start(void **state)
{
    (void)state;
    /* the ring starts at the tip of a thin spike */
    double a[] = {5, 30, 5.04, 10, 0, 10, 0, 0, 10, 0, 10, 10, 4.98, 10, 5, 30};
    size_t k = map_ring_simplify(a, 8, 0.25);
    assert_int_equal(k, 5);
    assert_true(fabs(fabs(ring_area(a, k)) - 100) < 1e-12);
    for (size_t i = 0; i < k; i++)
        assert_true(a[2 * i + 1] <= 10);
    /* the ring starts at the spike's base, the tip is its last vertex before closing */
    double b[] = {5, 10, 0, 10, 0, 0, 10, 0, 10, 10, 5, 10, 5, 30};
    k = map_ring_simplify(b, 7, 0.25);
    assert_int_equal(k, 5);
    for (size_t i = 0; i < k; i++)
        assert_true(b[2 * i + 1] <= 10);
    assert_true(fabs(fabs(ring_area(b, k)) - 100) < 1e-12);
    /* nested excursions at the start: a spike on a spike */
    double c[] = {5, 40, 5, 30, 0, 10, 0, 0, 10, 0, 10, 10, 5, 30};
    k = map_ring_simplify(c, 7, 0);
    assert_int_equal(k, 5);
    assert_true(fabs(fabs(ring_area(c, k)) - 200) < 1e-12); /* square and roof, no mast */
}

static void test_without_cell_only_exact_repeats(void **state)
{
    (void)state;
    double xy[] = {0.1, 0.1, 3.3, 0.1, 3.3, 0.1, 3.3, 2.7, 3.3, 9, 3.3, 2.7, 0.1, 2.7, 0.1, 0.1};
    size_t k = map_ring_simplify(xy, 8, 0);
    assert_int_equal(k, 4);
    double want[] = {0.1, 0.1, 3.3, 0.1, 3.3, 2.7, 0.1, 2.7};
    for (size_t i = 0; i < 8; i++)
        assert_true(xy[i] == want[i]);
    assert_int_equal(map_ring_simplify(xy, 0, 1), 0);
    double seg[] = {1, 1, 2, 2, 1, 1};
    assert_true(map_ring_simplify(seg, 3, 0) < 3);
}

/* Star-shaped random rings: the fill area after simplification equals the
 * snapped ring's, and no vertex moves more than half a cell's diagonal. */
static void test_fill_area_kept(void **state)
{
    (void)state;
    unsigned long long seed = 12345;
    enum { N = 400 };
    double xy[2 * N], snapped[2 * N];
    for (int trial = 0; trial < 200; trial++) {
        double cell = trial % 2 ? 0.25 : 1.0;
        for (int i = 0; i < N; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            double u = (double)(seed >> 11) / 9007199254740992.0;
            double r = (i % 2 ? 20 : 60) + 15 * u, t = 2 * PI * (i + u * 0.1 * (trial % 3)) / N;
            xy[2 * i] = 100 + r * cos(t);
            xy[2 * i + 1] = 100 + r * sin(t);
            snapped[2 * i] = floor(xy[2 * i] / cell + 0.5) * cell;
            snapped[2 * i + 1] = floor(xy[2 * i + 1] / cell + 0.5) * cell;
        }
        double orig[2 * N];
        memcpy(orig, xy, sizeof(orig));
        size_t k = map_ring_simplify(xy, N, cell);
        assert_true(k >= 3 && k <= N);
        assert_true(fabs(ring_area(xy, k) - ring_area(snapped, N)) < 1e-6);
        for (size_t i = 0; i < k; i++) {
            double best = INFINITY;
            for (int j = 0; j < N; j++)
                best = fmin(best, hypot(xy[2 * i] - orig[2 * j], xy[2 * i + 1] - orig[2 * j + 1]));
            assert_true(best <= cell * sqrt(2) / 2 + 1e-9);
        }
    }
}

/* 10^5 spikes 0.016 wide at their base around a 130-unit disc, 270 long:
 * what is left is bounded by the grid points along the two circles (there and
 * back), and it fills what the star fills. */
static void test_spiky_star_bounded(void **state)
{
    (void)state;
    enum { SPIKES = 50000 };
    double *xy = malloc(2 * (2 * SPIKES + 1) * sizeof(*xy));
    assert_non_null(xy);
    double r0 = 130, R = 400, cell = 0.25;
    for (int k = 0; k < SPIKES; k++) {
        double a = 2 * PI * k / SPIKES, t = 2 * PI * (k + 0.5) / SPIKES;
        xy[4 * k] = 500 + r0 * cos(a);
        xy[4 * k + 1] = 500 + r0 * sin(a);
        xy[4 * k + 2] = 500 + R * cos(t);
        xy[4 * k + 3] = 500 + R * sin(t);
    }
    xy[4 * SPIKES] = xy[0];
    xy[4 * SPIKES + 1] = xy[1];
    double area = ring_area(xy, 2 * SPIKES);
    size_t k = map_ring_simplify(xy, 2 * SPIKES + 1, cell);
    /* grid points along both circles, twice (there and back) */
    double bound = 2 * 2 * PI * (r0 + R) / cell;
    assert_true(k >= 3);
    assert_true((double)k < bound);
    assert_true((double)k < 2.0 * SPIKES / 4);
    assert_true(fabs(ring_area(xy, k) - area) < 0.01 * area);
    free(xy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_square_snapped_repeats_dropped),
        cmocka_unit_test(test_thin_spike_removed_wide_kept),
        cmocka_unit_test(test_excursions_across_the_start),
        cmocka_unit_test(test_without_cell_only_exact_repeats),
        cmocka_unit_test(test_fill_area_kept),
        cmocka_unit_test(test_spiky_star_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
