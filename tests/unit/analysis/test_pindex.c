/* test_pindex.c - the packed Hilbert R-tree over organization points: box queries against brute
 * force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../../analysis/pindex.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static struct cov_org *make_orgs(size_t n)
{
    struct cov_org *o = calloc(n, sizeof(*o));
    assert_non_null(o);
    for (size_t i = 0; i < n; i++) {
        o[i].x = unif() * 10000;
        o[i].y = unif() * 5000;
        if (i % 97 == 0)
            o[i].x = NAN; /* not indexed */
        if (i % 101 == 0)
            o[i].y = INFINITY;
        if (i % 7 == 0 && i > 0 && isfinite(o[i - 1].x)) { /* duplicates */
            o[i].x = o[i - 1].x;
            o[i].y = o[i - 1].y;
        }
    }
    return o;
}

static void test_index_holds_the_finite_points(void **state)
{
    (void)state;
    size_t n = 20000;
    struct cov_org *o = make_orgs(n);
    struct cov_pindex ix;
    assert_int_equal(cov_pindex_build(&ix, o, n), 0);
    size_t finite = 0;
    for (size_t i = 0; i < n; i++)
        finite += isfinite(o[i].x) && isfinite(o[i].y);
    assert_int_equal(ix.n, finite);
    assert_true(ix.n_levels >= 4); /* 20000 / 8 leaves, 8 a node */
    unsigned char *seen = calloc(n, 1);
    for (size_t k = 0; k < ix.n; k++) {
        uint32_t i = ix.org[k];
        assert_true(i < n);
        assert_false(seen[i]);
        seen[i] = 1;
        assert_true(ix.x[k] == o[i].x && ix.y[k] == o[i].y);
    }
    /* deterministic layout */
    struct cov_pindex ix2;
    assert_int_equal(cov_pindex_build(&ix2, o, n), 0);
    assert_memory_equal(ix.org, ix2.org, ix.n * sizeof(*ix.org));
    cov_pindex_release(&ix2);
    free(seen);
    cov_pindex_release(&ix);
    cov_pindex_release(&ix); /* twice: harmless */
    free(o);
}

static void test_box_queries_match_brute_force(void **state)
{
    (void)state;
    size_t n = 20000;
    struct cov_org *o = make_orgs(n);
    struct cov_pindex ix;
    assert_int_equal(cov_pindex_build(&ix, o, n), 0);
    struct cov_u32vec got = {0};
    uint32_t *want = malloc(n * sizeof(*want));
    uint32_t *have = malloc(n * sizeof(*have));
    for (int t = 0; t < 200; t++) {
        double x0 = unif() * 10000, y0 = unif() * 5000;
        double w = t % 10 == 0 ? 20000 : unif() * 800, h = unif() * 800;
        if (t % 13 == 0) { /* a degenerate box exactly on a point */
            size_t i = (size_t)t * 31 % n;
            if (isfinite(o[i].x) && isfinite(o[i].y)) {
                x0 = o[i].x;
                y0 = o[i].y;
                w = h = 0;
            }
        }
        assert_int_equal(cov_pindex_query(&ix, x0, y0, x0 + w, y0 + h, &got), 0);
        size_t nw = 0;
        for (size_t i = 0; i < n; i++)
            if (o[i].x >= x0 && o[i].x <= x0 + w && o[i].y >= y0 && o[i].y <= y0 + h)
                want[nw++] = (uint32_t)i;
        assert_int_equal(got.n, nw);
        for (size_t k = 0; k < got.n; k++)
            have[k] = ix.org[got.v[k]];
        qsort(have, got.n, sizeof(*have), cmp_u32);
        assert_memory_equal(have, want, nw * sizeof(*want));
    }
    free(got.v);
    free(want);
    free(have);
    cov_pindex_release(&ix);
    free(o);
}

/* The Hilbert key as defined, a bit at a time (the loop the index used). */
static uint32_t hilbert_by_bits(uint32_t x, uint32_t y)
{
    const uint32_t n = 1u << 16;
    uint32_t d = 0;
    for (uint32_t s = n / 2; s > 0; s /= 2) {
        uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            uint32_t t = x;
            x = y;
            y = t;
        }
    }
    return d;
}

static void test_hilbert_keys_as_defined(void **state)
{
    (void)state;
    /* The whole of a 256 x 256 corner and of the far corner, then random cells. */
    for (uint32_t x = 0; x < 256; x++)
        for (uint32_t y = 0; y < 256; y++) {
            assert_int_equal(cov_pindex_hilbert(x, y), hilbert_by_bits(x, y));
            assert_int_equal(cov_pindex_hilbert(65535 - x, 65535 - y),
                             hilbert_by_bits(65535 - x, 65535 - y));
        }
    uint32_t r = 12345;
    for (int i = 0; i < 1000000; i++) {
        r = r * 1664525u + 1013904223u;
        uint32_t x = r >> 16;
        r = r * 1664525u + 1013904223u;
        uint32_t y = r >> 16;
        assert_int_equal(cov_pindex_hilbert(x, y), hilbert_by_bits(x, y));
    }
    /* The curve starts at the origin. */
    assert_int_equal(cov_pindex_hilbert(0, 0), 0);
}

static void test_empty(void **state)
{
    (void)state;
    struct cov_pindex ix;
    struct cov_u32vec got = {0};
    assert_int_equal(cov_pindex_build(&ix, NULL, 0), 0);
    assert_int_equal(cov_pindex_query(&ix, -1e9, -1e9, 1e9, 1e9, &got), 0);
    assert_int_equal(got.n, 0);
    cov_pindex_release(&ix);
    struct cov_org one = {0};
    one.x = NAN;
    one.y = 1;
    assert_int_equal(cov_pindex_build(&ix, &one, 1), 0);
    assert_int_equal(ix.n, 0);
    assert_int_equal(cov_pindex_query(&ix, -1e9, -1e9, 1e9, 1e9, &got), 0);
    assert_int_equal(got.n, 0);
    cov_pindex_release(&ix);
    free(got.v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_holds_the_finite_points),
        cmocka_unit_test(test_box_queries_match_brute_force),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_hilbert_keys_as_defined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
