/*
 * csv_record.h - one CSV record for the tools' CSV files (mkcountry's
 * organizations, mksample's truth file), each cell through geodata's one
 * cell writer, geo_csv_cell (RFC 4180 quoting where needed, formula guard).
 */
#ifndef TOOLS_CSV_RECORD_H
#define TOOLS_CSV_RECORD_H

#include <stdio.h>

/* Writes cells[0..n-1] (NULL = empty) and "\n" to fp; 0, or EOF when writing failed. */
int csv_record_write(FILE *fp, const char *const *cells, int n);

#endif
