/*
 * grow.h - private to analysis/: growable arrays for the model (model.c)
 * and the engines of assignment (pindex.c, pip.c, assign.c). Header-only.
 */
#ifndef COV_GROW_H
#define COV_GROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core.h"

/* Make *p (of *cap elements of elem bytes) hold at least need elements,
 * doubling from 64. 0, or COV_ENOMEM with *p and *cap untouched. */
static inline int cov_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = cov_realloc_huge(*p, *cap * elem, c * elem);
    if (!q)
        return COV_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

#define COV_GROW(arr, cap, need) cov_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* A growable list of uint32_t; zero-initialised, free(v) to release. */
struct cov_u32vec {
    uint32_t *v;
    size_t n, cap;
};

#endif
