/*
 * core.h - what the model and the analyses share besides the error value:
 * a string arena and the progress callback. Includes err.h (struct cov_err
 * and the status codes), so files that include core.h need nothing more.
 */
#ifndef COV_CORE_H
#define COV_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * Progress callback: fraction in [0,1] of the step named by `what`
 * (borrowed, e.g. "assigning organizations"). Return nonzero to cancel.
 * May be NULL wherever a callback is accepted.
 */
typedef int (*cov_progress_fn)(double fraction, const char *what, void *user);

/*
 * A string arena: many small strings freed at once. Embedded:
 * cov_arena_init() / cov_arena_release().
 */
struct cov_arena_block;
struct cov_arena {
    struct cov_arena_block *head;
};
void cov_arena_init(struct cov_arena *a);
void cov_arena_release(struct cov_arena *a);
/* Arena-owned copy of s (NULL stays NULL); NULL on out of memory. */
char *cov_arena_strdup(struct cov_arena *a, const char *s);
char *cov_arena_strndup(struct cov_arena *a, const char *s, size_t n);
/* Arena-owned zeroed memory, 16-byte aligned. */
void *cov_arena_alloc(struct cov_arena *a, size_t n);
/* The same, not cleared: for memory about to be written whole. */
void *cov_arena_take(struct cov_arena *a, size_t n);

/*
 * Large buffers: asks the kernel to back [p, p + n) with 2 MiB pages where
 * it can (Linux transparent huge pages in their "madvise" mode, Debian's
 * default), when n is at least COV_HUGE_MIN. A hint, never an error; call
 * it right after the malloc or realloc, before the memory is first written.
 * Why: on the virtual machines planners and CI run on, the first touch of
 * fresh memory is the dearest part of loading 10^6 rows (each 4 KiB page
 * fault costs microseconds); 2 MiB pages take 512 times fewer faults
 * (docs/BENCHMARKS.md, "Fresh memory").
 */
#define COV_HUGE_MIN ((size_t)2 << 20)
void cov_advise_huge(void *p, size_t n);
/* realloc(p, n) for a buffer of old bytes that may grow large: from
 * COV_HUGE_MIN on, a new buffer from cov_malloc_huge() that the copy writes
 * (realloc would copy into 4 KiB pages first). NULL with p untouched on
 * failure. */
void *cov_realloc_huge(void *p, size_t old, size_t n);
/*
 * Fault [p, p + n) in now, half of it on a second thread, when n is at least
 * COV_POPULATE_MIN and two CPUs are online; else nothing. For memory about
 * to be written whole, right after it is reserved (10^6 organizations
 * loaded: 168 MB). A hint like cov_advise_huge(), never an error.
 */
#define COV_POPULATE_MIN ((size_t)8 << 20)
void cov_populate(void *p, size_t n);
/* malloc(n); from COV_HUGE_MIN on, aligned to 2 MiB, rounded up to whole
 * 2 MiB pages and advised as above. Freed with free(). */
void *cov_malloc_huge(size_t n);
/* calloc(n, size) for an array about to be written all over (per-area sums
 * indexed by organization order): cov_malloc_huge(), faulted in on two
 * threads (cov_populate()), then cleared. NULL on overflow or out of memory. */
void *cov_calloc_huge(size_t n, size_t size);

/*
 * Hash of n bytes (or of a NUL-terminated string) for open-addressing tables
 * indexed by its low bits: FNV-1a, then a 64-bit finalizer. FNV-1a alone
 * leaves the low bits of keys that differ only in their last digits (org ids,
 * area codes) clustered: lookups probed long runs of strcmp at national size.
 */
uint64_t cov_hash_bytes(const void *s, size_t n);
uint64_t cov_hash_str(const char *s);

/*
 * Sorting by 32-bit keys in linear time, for the spatial indexes' packing
 * orders (analysis/pindex.c: Hilbert keys of points; geodata/rtree.c: box
 * centres): a stable LSD radix sort of (key, val) pairs, a byte a pass,
 * skipping a pass whose byte is the same in every key. tmp is scratch of n
 * pairs; the result is in whichever of v and tmp is returned.
 */
struct cov_keyed {
    uint32_t key, val;
};
struct cov_keyed *cov_radix_sort(struct cov_keyed *v, struct cov_keyed *tmp, size_t n);

/* Heap helpers that abort on out-of-memory are NOT provided on purpose:
 * callers check and return COV_ENOMEM. */

#endif
