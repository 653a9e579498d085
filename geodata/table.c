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
    long lines = 1;
    for (const char *p = t->p; (p = memchr(p, '\n', (size_t)(t->end - p))) != NULL; p++)
        lines++;
    return lines;
}

/* Room for k more bytes in the row's buffer. */
static int reserve(struct geo_table *t, size_t k)
{
    if (t->len + k < t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 1024;
    while (t->len + k >= cap)
        cap *= 2;
    char *b = realloc(t->buf, cap);
    if (!b)
        return -1;
    t->buf = b;
    t->cap = cap;
    return 0;
}

static int put_bytes(struct geo_table *t, const char *s, size_t k)
{
    if (reserve(t, k))
        return -1;
    memcpy(t->buf + t->len, s, k);
    t->len += k;
    return 0;
}

static int put_byte(struct geo_table *t, char c)
{
    return put_bytes(t, &c, 1);
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

/* Length of cell i of the finished row. */
static size_t cell_len(const struct geo_table *t, int i)
{
    return (i + 1 < t->n ? t->off[i + 1] : t->len) - t->off[i] - 1;
}

/* Cut cells longer than max_cell; returns the first cut cell or -1. */
static int cut_cells(struct geo_table *t, size_t max_cell)
{
    int first = -1;
    if (!max_cell)
        return -1;
    for (int i = 0; i < t->n; i++) {
        if (cell_len(t, i) <= max_cell || strlen(t->cells[i]) <= max_cell)
            continue; /* (a NUL byte in a text file ends a cell's text early) */
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

/* The bytes of a cell from p up to (not including) the first of stop1,
 * stop2, stop3 or the end; returns that end. */
static const char *span(const char *p, const char *end, char stop1, char stop2, char stop3)
{
    while (p < end && *p != stop1 && *p != stop2 && *p != stop3)
        p++;
    return p;
}

/*
 * One record of CSV/TSV: cells separated by delim, a cell that starts with
 * '"' quoted (delimiters and line breaks inside it are text, "" is one '"',
 * what follows the closing quote up to the delimiter is kept as text); a
 * '"' later in an unquoted cell is text. Runs of plain bytes are copied at
 * once.
 */
static int next_text(struct geo_table *t, long *row)
{
    if (t->p >= t->end)
        return 0;
    t->len = 0;
    t->n = 0;
    *row = ++t->line;
    if (new_cell(t, 1))
        return -1;
    const char *p = t->p, *end = t->end;
    int at_start = 1;
    while (p < end) {
        if (at_start && *p == '"') {
            p++;
            for (;;) { /* inside the quotes */
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (!q)
                    q = end;
                if (put_bytes(t, p, (size_t)(q - p)))
                    return -1;
                p = q;
                if (p >= end)
                    break;
                p++; /* the quote */
                if (p < end && *p == '"') {
                    if (put_byte(t, '"'))
                        return -1;
                    p++;
                    continue;
                }
                break;
            }
            at_start = 0;
            continue;
        }
        const char *q = span(p, end, t->delim, '\n', '\r');
        if (q > p && put_bytes(t, p, (size_t)(q - p)))
            return -1;
        p = q;
        if (p >= end)
            break;
        char c = *p++;
        if (c == t->delim) {
            if (new_cell(t, 0))
                return -1;
            at_start = 1;
            continue;
        }
        if (c == '\r' && p < end && *p == '\n')
            p++;
        break; /* the end of the record */
    }
    t->p = p;
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
        if (put_bytes(t, v, strlen(v)))
            rc = -1;
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
