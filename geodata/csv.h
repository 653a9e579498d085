/*
 * csv.h - the one CSV cell writer of orgcover (command output, -o FILE.csv
 * and the import's rejects file), safe to open in a spreadsheet.
 *
 * Quoting follows RFC 4180: a cell holding a comma, a quote, CR or LF (or
 * leading/trailing spaces) is put in double quotes, inner quotes doubled.
 * Formula injection (OWASP "CSV Injection"): a cell beginning with =, +, -,
 * @, TAB or CR is something Excel and LibreOffice may evaluate, so it gets a
 * leading apostrophe (and quotes) unless it is a plain number such as -3,
 * +1.5, -2e3 or -12.5%, or a lone "-" (the "no value" mark).
 */
#ifndef GEO_CSV_H
#define GEO_CSV_H

#include <stdio.h>

/* 1 when s is a plain decimal number (sign, digits, fraction, exponent, optional %). */
int geo_csv_is_number(const char *s);
/* 1 when a spreadsheet could read s as a formula, so it needs the apostrophe. */
int geo_csv_needs_guard(const char *s);
/*
 * Write s (NULL = empty) as one CSV cell to f, guarded and quoted as above.
 * Returns 0, or EOF when writing failed.
 */
int geo_csv_cell(FILE *f, const char *s);

#endif
