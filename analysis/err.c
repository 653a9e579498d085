/* err.c - the error value: messages a user can act on, collected one per line. */
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cov_err_init(struct cov_err *e)
{
    memset(e, 0, sizeof(*e));
}

void cov_err_clear(struct cov_err *e)
{
    cov_err_release(e);
}

void cov_err_release(struct cov_err *e)
{
    if (!e)
        return;
    free(e->msg);
    for (size_t i = 0; i < e->n_warnings; i++)
        free(e->warnings[i]);
    free(e->warnings);
    memset(e, 0, sizeof(*e));
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

int cov_err_vset(struct cov_err *e, int code, const char *fmt, va_list ap)
{
    if (!e)
        return code;
    if (!e->code)
        e->code = code ? code : COV_EFAIL;
    char *line = vformat(fmt, ap);
    if (!line)
        return code;
    size_t n = strlen(line);
    size_t need = e->len + n + 2;
    if (need > e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 256;
        while (cap < need)
            cap *= 2;
        char *m = realloc(e->msg, cap);
        if (!m) {
            free(line);
            return code;
        }
        e->msg = m;
        e->cap = cap;
    }
    if (e->len)
        e->msg[e->len++] = '\n';
    memcpy(e->msg + e->len, line, n + 1);
    e->len += n;
    e->count++;
    free(line);
    return code;
}

int cov_err_set(struct cov_err *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cov_err_vset(e, code, fmt, ap);
    va_end(ap);
    return code;
}

void cov_err_warn(struct cov_err *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *line = vformat(fmt, ap);
    va_end(ap);
    if (!line)
        return;
    char **w = realloc(e->warnings, (e->n_warnings + 1) * sizeof(*w));
    if (!w) {
        free(line);
        return;
    }
    e->warnings = w;
    e->warnings[e->n_warnings++] = line;
}

const char *cov_err_msg(const struct cov_err *e)
{
    return e && e->msg ? e->msg : "";
}
