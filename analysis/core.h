/*
 * core.h - the few things every layer of orgcover shares: the error value,
 * a string arena and the progress callback.
 *
 * Nothing below cli/ prints or exits: a fallible function returns 0 on
 * success or a nonzero status, and appends a message a user can act on
 * (file, row/feature, field, what was expected) to a caller's struct cov_err.
 */
#ifndef COV_CORE_H
#define COV_CORE_H

#include <stddef.h>
#include <stdarg.h>

/* Status codes returned by fallible functions. */
enum {
    COV_OK = 0,
    COV_EFAIL = 1,   /* generic failure; the message says why */
    COV_EINPUT = 4,  /* bad input data (validation failed) */
    COV_EIO = 5,     /* cannot read or write a file / database */
    COV_ENOMEM = 6,  /* out of memory */
    COV_ECANCEL = 7, /* cancelled through the progress callback */
};

/*
 * An error value that can hold many messages (one per line), so that a
 * validator can report every problem instead of only the first.
 * Embedded: cov_err_init() / cov_err_release().
 */
struct cov_err {
    int code;     /* first nonzero status recorded, 0 if none */
    size_t count; /* number of messages */
    char *msg;    /* heap, NUL-terminated, lines separated by '\n'; NULL if empty */
    size_t len, cap;
    char **warnings; /* non-fatal messages (e.g. repaired geometries), heap */
    size_t n_warnings;
};

void cov_err_init(struct cov_err *e);
void cov_err_release(struct cov_err *e);
void cov_err_clear(struct cov_err *e);
/* Append one message line; records code if none recorded yet. Returns code. */
int cov_err_set(struct cov_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cov_err_vset(struct cov_err *e, int code, const char *fmt, va_list ap);
/* Record a non-fatal warning (does not change e->code). */
void cov_err_warn(struct cov_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Borrowed: the message text, or "" when none. */
const char *cov_err_msg(const struct cov_err *e);

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

/* Heap helpers that abort on out-of-memory are NOT provided on purpose:
 * callers check and return COV_ENOMEM. */

#endif
