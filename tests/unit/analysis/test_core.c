/* Unit tests for analysis/core.c: the arena and the huge-page helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../../analysis/core.h"

/* The VmFlags of the mapping holding address p, from /proc/self/smaps; ""
 * when not found (no /proc). */
static void vm_flags(const void *p, char *out, size_t len) {
    out[0] = 0;
    FILE *fp = fopen("/proc/self/smaps", "r");
    if (!fp)
        return;
    char line[512];
    int inside = 0;
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof(line), fp)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            inside = a >= lo && a < hi;
        else if (inside && !strncmp(line, "VmFlags:", 8)) {
            snprintf(out, len, "%s", line + 8);
            break;
        }
    }
    fclose(fp);
}

static int has_flag(const char *flags, const char *f) {
    size_t n = strlen(f);
    for (const char *p = flags; (p = strstr(p, f)) != NULL; p += n)
        if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
            return 1;
    return 0;
}

/* Growing past COV_HUGE_MIN keeps the bytes and asks for huge pages (flag
 * "hg" in smaps); a small buffer is left alone. */
static void test_realloc_huge_keeps_bytes_and_advises(void **state) {
    (void)state;
    size_t small = 1000, big = COV_HUGE_MIN * 2;
    unsigned char *p = cov_realloc_huge(NULL, 0, small);
    assert_non_null(p);
    for (size_t i = 0; i < small; i++)
        p[i] = (unsigned char)(i * 7);
    unsigned char *q = cov_realloc_huge(p, small, big);
    assert_non_null(q);
    for (size_t i = 0; i < small; i++)
        assert_int_equal(q[i], (unsigned char)(i * 7));
    char flags[512];
    vm_flags(q + big / 2, flags, sizeof(flags));
    if (flags[0])
        assert_true(has_flag(flags, "hg"));
    memset(q, 1, big);
    /* Shrinking keeps the first bytes. */
    unsigned char *r = cov_realloc_huge(q, big, small);
    assert_non_null(r);
    assert_int_equal(r[small - 1], 1);
    free(r);
}

static void test_advise_huge_ignores_small_and_null(void **state) {
    (void)state;
    cov_advise_huge(NULL, COV_HUGE_MIN * 4);
    char *p = malloc(4096);
    assert_non_null(p);
    cov_advise_huge(p, 4096);
    char flags[512];
    vm_flags(p, flags, sizeof(flags));
    if (flags[0])
        assert_false(has_flag(flags, "hg"));
    free(p);
}

/* Blocks grow: 10^5 strings of 40 bytes all readable afterwards, and a
 * string longer than any block. */
static void test_arena_blocks_grow(void **state) {
    (void)state;
    struct cov_arena a;
    cov_arena_init(&a);
    enum { N = 100000 };
    char **v = malloc(N * sizeof(*v));
    assert_non_null(v);
    char buf[48];
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof(buf), "organization-%026d", i);
        v[i] = cov_arena_strdup(&a, buf);
        assert_non_null(v[i]);
    }
    size_t big = (size_t)16 << 20;
    char *s = malloc(big + 1);
    assert_non_null(s);
    memset(s, 'x', big);
    s[big] = 0;
    char *t = cov_arena_strndup(&a, s, big);
    assert_non_null(t);
    assert_int_equal(strlen(t), big);
    free(s);
    unsigned char *z = cov_arena_alloc(&a, 100);
    assert_non_null(z);
    for (int i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof(buf), "organization-%026d", i);
        assert_string_equal(v[i], buf);
    }
    free(v);
    cov_arena_release(&a);
}

/* A large buffer starts on a 2 MiB boundary and is advised from its first
 * byte (malloc's would start 16 bytes into a mapping and leave its first
 * part in small pages); all of it is usable. */
static void test_malloc_huge_aligned_from_the_start(void **state) {
    (void)state;
    size_t n = COV_HUGE_MIN + 1000;
    unsigned char *p = cov_malloc_huge(n);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % ((uintptr_t)2 << 20), 0);
    char flags[512];
    vm_flags(p, flags, sizeof(flags));
    if (flags[0])
        assert_true(has_flag(flags, "hg"));
    memset(p, 3, n);
    assert_int_equal(p[n - 1], 3);
    free(p);
    unsigned char *q = cov_malloc_huge(100);
    assert_non_null(q);
    free(q);
}

/* The number of pages of [p, p + n) resident, by mincore(2); -1 if it fails. */
static long resident_pages(const void *p, size_t n) {
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t lo = (uintptr_t)p & ~((uintptr_t)page - 1);
    size_t len = (uintptr_t)p + n - lo, np = (len + (size_t)page - 1) / (size_t)page;
    unsigned char *v = malloc(np);
    if (!v || mincore((void *)lo, len, v)) {
        free(v);
        return -1;
    }
    long r = 0;
    for (size_t i = 0; i < np; i++)
        r += v[i] & 1;
    free(v);
    return r;
}

/* cov_populate faults a large range in, both halves, and writes no byte; a
 * small range is left alone. */
static void test_populate_faults_in_without_writing(void **state) {
    (void)state;
    size_t n = COV_POPULATE_MIN * 2;
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    p[0] = 7;
    p[n - 1] = 9;
    long before = resident_pages(p, n);
    if (before < 0 || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        munmap(p, n);
        skip(); /* no mincore, or one CPU: cov_populate does nothing by design */
    }
    assert_true(before <= 2);
    cov_populate(p + 1, 100); /* small: nothing */
    assert_int_equal(resident_pages(p, n), before);
    cov_populate(p, n);
    long after = resident_pages(p, n);
    if (after == before) { /* a kernel without MADV_POPULATE_WRITE (before 5.14) */
        munmap(p, n);
        skip();
    }
    assert_int_equal(after, (long)(n / (size_t)page));
    assert_int_equal(p[0], 7);
    assert_int_equal(p[n - 1], 9);
    for (size_t i = 1; i < n - 1; i += (size_t)page / 2)
        assert_int_equal(p[i], 0);
    munmap(p, n);
}

static int cmp_keyed(const void *a, const void *b) {
    const struct cov_keyed *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return (p->val > q->val) - (p->val < q->val);
}

/* The radix sort is qsort's order by (key, original position): stable, for
 * keys differing in every byte, in one byte only (the other passes skipped),
 * and all equal. */
static void test_radix_sort_is_stable_and_complete(void **state) {
    (void)state;
    enum { N = 50000 };
    struct cov_keyed *v = malloc(N * sizeof(*v)), *t = malloc(N * sizeof(*t)),
                     *want = malloc(N * sizeof(*want));
    assert_non_null(v);
    assert_non_null(t);
    assert_non_null(want);
    static const uint32_t masks[] = {0xffffffffu, 0x00ff0000u, 0x0000000fu, 0};
    uint32_t x = 12345;
    for (size_t m = 0; m < sizeof(masks) / sizeof(*masks); m++) {
        for (uint32_t i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            v[i].key = ((x >> 3) ^ (x << 7)) & masks[m];
            v[i].val = i;
        }
        memcpy(want, v, N * sizeof(*v));
        qsort(want, N, sizeof(*want), cmp_keyed);
        const struct cov_keyed *got = cov_radix_sort(v, t, N);
        assert_true(got == v || got == t);
        for (size_t i = 0; i < N; i++) {
            assert_int_equal(got[i].key, want[i].key);
            assert_int_equal(got[i].val, want[i].val);
        }
    }
    assert_ptr_equal(cov_radix_sort(v, t, 1), v);
    free(v);
    free(t);
    free(want);
}

/* cov_calloc_huge: zeroed whether small or large (memory reused from a
 * freed dirty buffer included), NULL on overflow. */
static void test_calloc_huge_zeroes(void **state) {
    (void)state;
    size_t n = COV_POPULATE_MIN / sizeof(long) + 3;
    long *dirty = cov_malloc_huge(n * sizeof(long));
    assert_non_null(dirty);
    memset(dirty, 0xab, n * sizeof(long));
    free(dirty);
    long *p = cov_calloc_huge(n, sizeof(long));
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(p[i], 0);
    free(p);
    int *q = cov_calloc_huge(10, sizeof(int));
    assert_non_null(q);
    for (int i = 0; i < 10; i++)
        assert_int_equal(q[i], 0);
    free(q);
    assert_null(cov_calloc_huge(SIZE_MAX / 2, 4));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realloc_huge_keeps_bytes_and_advises),
        cmocka_unit_test(test_malloc_huge_aligned_from_the_start),
        cmocka_unit_test(test_populate_faults_in_without_writing),
        cmocka_unit_test(test_radix_sort_is_stable_and_complete),
        cmocka_unit_test(test_calloc_huge_zeroes),
        cmocka_unit_test(test_advise_huge_ignores_small_and_null),
        cmocka_unit_test(test_arena_blocks_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
