/* geos.c - GEOS contexts whose messages land in a per-context buffer. */
#include "geos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GEOS gives no user pointer to the old-style handlers, so the _r message
 * handler variant with a user data pointer is used (GEOS >= 3.5). */
struct geos_msgbuf {
    char last[512];
};

static void on_error(const char *message, void *user)
{
    struct geos_msgbuf *b = user;
    snprintf(b->last, sizeof(b->last), "%s", message);
}

static void on_notice(const char *message, void *user)
{
    (void)message;
    (void)user;
}

/* Contexts are few (one per thread), so a small registry maps a context to
 * its buffer without hiding pointers inside GEOS. */
struct geos_entry {
    GEOSContextHandle_t h;
    struct geos_msgbuf *buf;
};

#include <pthread.h>
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct geos_entry *reg;
static size_t reg_n, reg_cap;

GEOSContextHandle_t cov_geos_new(void)
{
    GEOSContextHandle_t h = GEOS_init_r();
    struct geos_msgbuf *b = calloc(1, sizeof(*b));
    if (!h || !b) {
        if (h)
            GEOS_finish_r(h);
        free(b);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(h, on_error, b);
    GEOSContext_setNoticeMessageHandler_r(h, on_notice, b);
    pthread_mutex_lock(&reg_lock);
    if (reg_n == reg_cap) {
        size_t cap = reg_cap ? reg_cap * 2 : 8;
        struct geos_entry *r = realloc(reg, cap * sizeof(*r));
        if (!r) {
            pthread_mutex_unlock(&reg_lock);
            GEOS_finish_r(h);
            free(b);
            return NULL;
        }
        reg = r;
        reg_cap = cap;
    }
    reg[reg_n++] = (struct geos_entry){h, b};
    pthread_mutex_unlock(&reg_lock);
    return h;
}

void cov_geos_free(GEOSContextHandle_t h)
{
    if (!h)
        return;
    pthread_mutex_lock(&reg_lock);
    for (size_t i = 0; i < reg_n; i++) {
        if (reg[i].h == h) {
            free(reg[i].buf);
            reg[i] = reg[--reg_n];
            break;
        }
    }
    if (reg_n == 0) {
        free(reg);
        reg = NULL;
        reg_cap = 0;
    }
    pthread_mutex_unlock(&reg_lock);
    GEOS_finish_r(h);
}

const char *cov_geos_last_error(GEOSContextHandle_t h)
{
    const char *s = "";
    pthread_mutex_lock(&reg_lock);
    for (size_t i = 0; i < reg_n; i++)
        if (reg[i].h == h)
            s = reg[i].buf->last;
    pthread_mutex_unlock(&reg_lock);
    return s;
}
