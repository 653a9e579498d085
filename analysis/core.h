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

/*
 * Hash of n bytes (or of a NUL-terminated string) for open-addressing tables
 * indexed by its low bits: FNV-1a, then a 64-bit finalizer. FNV-1a alone
 * leaves the low bits of keys that differ only in their last digits (org ids,
 * area codes) clustered: lookups probed long runs of strcmp at national size.
 */
uint64_t cov_hash_bytes(const void *s, size_t n);
uint64_t cov_hash_str(const char *s);

/* Heap helpers that abort on out-of-memory are NOT provided on purpose:
 * callers check and return COV_ENOMEM. */

#endif
