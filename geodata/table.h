/*
 * table.h - rows of text cells from a delimited text (CSV, TSV) or from one
 * sheet of a workbook read through OGR without a header, numbered as the
 * spreadsheet numbers them, so that the importer can find the header itself
 * (bureaus put title rows above it) and name the real row in every message.
 * Private to geodata/.
 */
#ifndef GEO_TABLE_H
#define GEO_TABLE_H

#include <stddef.h>

#include <ogr_api.h>

#include "../analysis/err.h"

struct geo_table;

/*
 * A table over UTF-8 text (borrowed; must outlive the table) of len bytes,
 * cells separated by delim (',' or '\t'), RFC 4180 quoting ("" inside
 * quotes, line breaks inside quoted cells). Caller-owned; NULL on out of
 * memory.
 */
struct geo_table *geo_table_new_text(const char *text, size_t len, char delim);

/*
 * A table over an OGR layer: cells are the fields' values as text. For a
 * sheet opened without a header every row is a feature and the FID its
 * 1-based row number; for other layers the FID is the feature's. The layer
 * is borrowed. Caller-owned;
 * NULL on out of memory.
 */
struct geo_table *geo_table_new_layer(OGRLayerH lyr);

/*
 * The next row: 1 with *cells (borrowed until the next call; n_cells of
 * them, never NULL, "" for empty) and *row (1-based row number);
 * 0 at the end. A text table numbers records (a quoted line break does not
 * start a new row), as a spreadsheet program shows them. Cells longer than max_cell bytes (when
 * max_cell > 0) are cut to that length and *long_cell is set to the 0-based index of the first such
 * cell (-1 when none). -1 on out of memory.
 */
int geo_table_next(struct geo_table *t, size_t max_cell, const char *const **cells, int *n_cells,
                   long *row, int *long_cell);

/* Borrowed: the feature of the current row (OGR tables), valid until the next row. */
OGRFeatureH geo_table_feature(struct geo_table *t);

/* Fraction of a text table read so far, -1 for OGR tables. */
double geo_table_fraction(const struct geo_table *t);

/* Number of rows (features) when known cheaply, else -1; for text, its lines
 * left: at least the records left (a quoted cell may hold a line break). */
long geo_table_count_hint(struct geo_table *t);

/* Frees the table; accepts NULL. */
void geo_table_free(struct geo_table *t);

#endif
