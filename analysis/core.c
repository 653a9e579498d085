/* core.c - the string arena, huge-page advice, hashes. */
#include "core.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void cov_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (!p || n < COV_HUGE_MIN)
        return;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t hi = ((uintptr_t)p + n) & ~(huge - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

/*
 * A large buffer starts on a 2 MiB boundary and spans whole 2 MiB pages.
 * malloc's large blocks start 16 bytes into a mapping the kernel may place
 * at any 4 KiB page, and the advice covers only the whole 2 MiB pages inside:
 * a 2-8 MiB buffer got small pages for half of itself or all of it. The
 * rounding costs address space, not memory, until the tail is written.
 */
enum { HUGE_PAGE = 2 << 20 };

void *cov_malloc_huge(size_t n)
{
    if (n < COV_HUGE_MIN)
        return malloc(n);
    size_t size = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    void *q;
    if (size < n || posix_memalign(&q, HUGE_PAGE, size))
        return NULL;
    cov_advise_huge(q, size);
    return q;
}

void *cov_calloc_huge(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = cov_malloc_huge(n * size);
    if (p) {
        cov_populate(p, n * size);
        memset(p, 0, n * size);
    }
    return p;
}

void *cov_realloc_huge(void *p, size_t old, size_t n)
{
    if (n < COV_HUGE_MIN)
        return realloc(p, n);
    void *q = cov_malloc_huge(n);
    if (!q)
        return NULL;
    if (p)
        memcpy(q, p, old < n ? old : n);
    free(p);
    return q;
}

/*
 * Faulting memory in is the host's work as much as the guest's, and two
 * vCPUs do it in half the time of one (a 200 MB populate: 0.16 s against
 * 0.30 s, docs/BENCHMARKS.md "Fresh memory"). The caller's thread takes the
 * first half, a second thread the rest, both through MADV_POPULATE_WRITE
 * (Linux 5.14): no byte is written, so a failure changes nothing.
 */
#ifdef __linux__
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

struct populate_part {
    void *p;
    size_t n;
};

static void *populate_part(void *arg)
{
    struct populate_part *x = arg;
    (void)madvise(x->p, x->n, MADV_POPULATE_WRITE);
    return NULL;
}
#endif

void cov_populate(void *p, size_t n)
{
#ifdef __linux__
    if (!p || n < COV_POPULATE_MIN || sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return;
    long ps = sysconf(_SC_PAGESIZE);
    const uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
    /* madvise wants page-aligned ranges: the whole pages inside [p, p + n) */
    uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)p + n) & ~(page - 1);
    uintptr_t mid = (lo + (hi - lo) / 2) & ~(uintptr_t)((2 << 20) - 1);
    if (mid <= lo)
        mid = (lo + (hi - lo) / 2) & ~(page - 1);
    struct populate_part first = {(void *)lo, mid - lo}, rest = {(void *)mid, hi - mid};
    pthread_t t;
    int two = pthread_create(&t, NULL, populate_part, &rest) == 0;
    populate_part(&first);
    if (two)
        pthread_join(t, NULL);
    else
        populate_part(&rest);
#else
    (void)p;
    (void)n;
#endif
}

struct cov_arena_block {
    struct cov_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

/* Blocks double from ARENA_BLOCK to ARENA_BLOCK_MAX: 10^6 organizations'
 * strings take a few dozen huge-page blocks, not a thousand small ones. */
enum { ARENA_BLOCK = 1 << 16, ARENA_BLOCK_MAX = 1 << 23 };

void cov_arena_init(struct cov_arena *a)
{
    a->head = NULL;
}

void cov_arena_release(struct cov_arena *a)
{
    if (!a)
        return;
    struct cov_arena_block *b = a->head;
    while (b) {
        struct cov_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *cov_arena_take(struct cov_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    struct cov_arena_block *b = a->head;
    if (!b || b->cap - b->used < need) {
        /* A block's whole size, its header included, is a power of two:
         * 2 MiB pages from end to end once it is large (cov_malloc_huge()). */
        size_t size = b ? (sizeof(*b) + b->cap) * 2 : ARENA_BLOCK;
        if (size > ARENA_BLOCK_MAX)
            size = ARENA_BLOCK_MAX;
        if (size - sizeof(*b) < need)
            size = sizeof(*b) + need;
        b = cov_malloc_huge(size);
        if (!b)
            return NULL;
        if (size == ARENA_BLOCK_MAX)
            cov_populate(b, size); /* a full-sized block is filled: 10^6 rows' text */
        b->cap = size - sizeof(*b);
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

void *cov_arena_alloc(struct cov_arena *a, size_t n)
{
    void *p = cov_arena_take(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *cov_arena_strndup(struct cov_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = cov_arena_take(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

struct cov_keyed *cov_radix_sort(struct cov_keyed *v, struct cov_keyed *tmp, size_t n)
{
    if (n < 2)
        return v;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((v[i].key >> shift) & 0xffu) + 1]++;
        if (count[((v[0].key >> shift) & 0xffu) + 1] == n)
            continue; /* every key has this byte: the pass would change nothing */
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i].key >> shift) & 0xffu]++] = v[i];
        struct cov_keyed *x = v;
        v = tmp;
        tmp = x;
    }
    return v;
}

static uint64_t hash_finish(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

uint64_t cov_hash_bytes(const void *s, size_t n)
{
    const unsigned char *p = s;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return hash_finish(h);
}

uint64_t cov_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return hash_finish(h);
}

char *cov_arena_strdup(struct cov_arena *a, const char *s)
{
    return s ? cov_arena_strndup(a, s, strlen(s)) : NULL;
}
