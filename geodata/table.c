/* table.c - rows of text cells from CSV/TSV text or a headerless OGR sheet (table.h). */
#include "table.h"

#include <stdlib.h>
#include <string.h>

struct geo_table {
    /* text source */
    const char *start, *p, *end;
    char delim;
    long line; /* records read so far: the spreadsheet row of the next one, minus 1 */
    /* OGR source */
    OGRLayerH lyr;
    OGRFeatureH feat; /* the current row's feature, kept until the next row */
    /* the current row: cells point into buf */
    char *buf;
    size_t len, cap;
    size_t *off; /* cell start offsets into buf */
    const char **cells;
    int n, cap_cells;
};

struct geo_table *geo_table_new_text(const char *text, size_t len, char delim)
{
    struct geo_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->p = t->start = text;
    t->end = text + len;
    t->delim = delim;
    return t;
}

struct geo_table *geo_table_new_layer(OGRLayerH lyr)
{
    struct geo_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->lyr = lyr;
    OGR_L_ResetReading(lyr);
    return t;
}

void geo_table_free(struct geo_table *t)
{
    if (!t)
        return;
    if (t->feat)
        OGR_F_Destroy(t->feat);
    free(t->buf);
    free(t->off);
    free(t->cells);
    free(t);
}

OGRFeatureH geo_table_feature(struct geo_table *t)
{
    return t->feat;
}

double geo_table_fraction(const struct geo_table *t)
{
    if (t->lyr || t->end == t->start)
        return -1;
    return (double)(t->p - t->start) / (double)(t->end - t->start);
}

long geo_table_count_hint(struct geo_table *t)
{
    if (t->lyr)
        return (long)OGR_L_GetFeatureCount(t->lyr, FALSE);
    return -1;
}

static int put_byte(struct geo_table *t, char c)
{
    if (t->len + 1 >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        char *b = realloc(t->buf, cap);
        if (!b)
            return -1;
        t->buf = b;
        t->cap = cap;
    }
    t->buf[t->len++] = c;
    return 0;
}

/* Ends the current cell (NUL) and starts a new one. */
static int new_cell(struct geo_table *t, int first)
{
    if (!first && put_byte(t, '\0'))
        return -1;
    if (t->n + 1 > t->cap_cells) {
        int cap = t->cap_cells ? t->cap_cells * 2 : 32;
        size_t *o = realloc(t->off, (size_t)cap * sizeof(*o));
        if (!o)
            return -1;
        t->off = o;
        const char **c = realloc(t->cells, (size_t)cap * sizeof(*c));
        if (!c)
            return -1;
        t->cells = c;
        t->cap_cells = cap;
    }
    t->off[t->n++] = t->len;
    return 0;
}

static int finish_row(struct geo_table *t)
{
    if (put_byte(t, '\0'))
        return -1;
    for (int i = 0; i < t->n; i++)
        t->cells[i] = t->buf + t->off[i];
    return 0;
}

/* Cut cells longer than max_cell; returns the first cut cell or -1. */
static int cut_cells(struct geo_table *t, size_t max_cell)
{
    int first = -1;
    if (!max_cell)
        return -1;
    for (int i = 0; i < t->n; i++) {
        size_t k = strlen(t->cells[i]);
        if (k <= max_cell)
            continue;
        char *c = (char *)t->cells[i];
        size_t cut = max_cell;
        while (cut > 0 && ((unsigned char)c[cut] & 0xC0) == 0x80)
            cut--; /* on a character boundary */
        c[cut] = '\0';
        if (first < 0)
            first = i;
    }
    return first;
}

static int next_text(struct geo_table *t, long *row)
{
    if (t->p >= t->end)
        return 0;
    t->len = 0;
    t->n = 0;
    *row = ++t->line;
    if (new_cell(t, 1))
        return -1;
    int quoted = 0, at_start = 1;
    while (t->p < t->end) {
        char c = *t->p++;
        if (quoted) {
            if (c == '"') {
                if (t->p < t->end && *t->p == '"') {
                    t->p++;
                    if (put_byte(t, '"'))
                        return -1;
                } else {
                    quoted = 0;
                }
                continue;
            }
            if (put_byte(t, c))
                return -1;
            continue;
        }
        if (c == '"' && at_start) {
            quoted = 1;
            at_start = 0;
            continue;
        }
        if (c == t->delim) {
            if (new_cell(t, 0))
                return -1;
            at_start = 1;
            continue;
        }
        if (c == '\r' && t->p < t->end && *t->p == '\n')
            continue;
        if (c == '\n' || c == '\r')
            break;
        at_start = 0;
        if (put_byte(t, c))
            return -1;
    }
    return finish_row(t) ? -1 : 1;
}

static int next_layer(struct geo_table *t, long *row)
{
    if (t->feat)
        OGR_F_Destroy(t->feat);
    OGRFeatureH f = t->feat = OGR_L_GetNextFeature(t->lyr);
    if (!f)
        return 0;
    t->len = 0;
    t->n = 0;
    *row = (long)OGR_F_GetFID(f);
    int nf = OGR_F_GetFieldCount(f), rc = 1;
    for (int i = 0; i < nf && rc == 1; i++) {
        if (new_cell(t, i == 0)) {
            rc = -1;
            break;
        }
        /* Copy at once: the string of a non-text field lives in a buffer
         * that the next call overwrites. */
        const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
        for (; *v; v++)
            if (put_byte(t, *v)) {
                rc = -1;
                break;
            }
    }
    if (rc == 1 && nf == 0 && new_cell(t, 1))
        rc = -1;
    if (rc == 1 && finish_row(t))
        rc = -1;
    return rc;
}

int geo_table_next(struct geo_table *t, size_t max_cell, const char *const **cells, int *n_cells,
                   long *row, int *long_cell)
{
    int rc = t->lyr ? next_layer(t, row) : next_text(t, row);
    if (rc != 1)
        return rc;
    *long_cell = cut_cells(t, max_cell);
    *cells = t->cells;
    *n_cells = t->n;
    return 1;
}
