/* core.c - the string arena. */
#include "core.h"

#include <stdlib.h>
#include <string.h>

struct cov_arena_block {
    struct cov_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK = 1 << 16 };

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

void *cov_arena_alloc(struct cov_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    struct cov_arena_block *b = a->head;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;
        b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, n);
    return p;
}

char *cov_arena_strndup(struct cov_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = cov_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
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
