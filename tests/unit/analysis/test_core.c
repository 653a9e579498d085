/* Unit tests for analysis/core.c: the arena and the huge-page helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realloc_huge_keeps_bytes_and_advises),
        cmocka_unit_test(test_advise_huge_ignores_small_and_null),
        cmocka_unit_test(test_arena_blocks_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
