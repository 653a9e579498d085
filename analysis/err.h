/*
 * err.h - the error value every layer of orgcover returns its failures in:
 * status codes and struct cov_err. It depends on the C library only, so a
 * module that needs nothing else of analysis/ (geodata's encoding, CSV,
 * output-file and zip helpers, say) includes this header and not the model.
 *
 * Nothing below cli/ prints or exits: a fallible function returns 0 on
 * success or a nonzero status, and appends a message a user can act on
 * (file, row/feature, field, what was expected) to a caller's struct cov_err.
 */
#ifndef COV_ERR_H
#define COV_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Status codes returned by fallible functions. */
enum {
    COV_OK = 0,
    COV_EFAIL = 1,   /* generic failure; the message says why */
    COV_EUSAGE = 2,  /* a caller's argument is wrong: an option's value out of range, a
                        name that names nothing, a request that needs another option */
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

#endif
