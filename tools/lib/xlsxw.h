/*
 * xlsxw.h - a small, deterministic XLSX (Office Open XML spreadsheet) writer
 * for the tools: test fixtures and the sample's register-shaped workbook.
 *
 * Writes sheets of inline strings (t="inlineStr", line breaks kept) and
 * numeric cells, merged ranges and column widths; no shared strings, no
 * formulas, no dates. The zip has fixed timestamps (1980-01-01 00:00) and a
 * fixed entry order, so the same calls give the same bytes. Entries are
 * deflated with zlib (level 6 unless xlsxw_set_level says otherwise; 0 stores
 * them, which is byte-identical whatever the zlib version).
 *
 * Rows and columns are 0-based in the API; references ("A1:H1") use Excel's
 * notation. A function that fails returns -1 and leaves an English message
 * in xlsxw_errmsg(); the writer stays usable (the failed call had no effect).
 */
#ifndef XLSXW_H
#define XLSXW_H

/* Excel's limits. */
#define XLSXW_MAX_ROWS 1048576
#define XLSXW_MAX_COLS 16384

struct xlsxw;

/* New empty workbook (caller-owned, free with xlsxw_free); NULL if out of memory. */
struct xlsxw *xlsxw_new(void);

/* Frees the workbook; accepts NULL. */
void xlsxw_free(struct xlsxw *w);

/* The message of the last failure (borrowed; "" if none). */
const char *xlsxw_errmsg(const struct xlsxw *w);

/* Deflate level 1-9, or 0 to store entries uncompressed. Default 6. */
void xlsxw_set_level(struct xlsxw *w, int level);

/*
 * Adds a sheet and makes it current. The name is UTF-8, 1-31 characters,
 * without : \ / ? * [ ], not starting or ending with an apostrophe, and
 * unique in the workbook (ASCII letters compared without case).
 */
int xlsxw_add_sheet(struct xlsxw *w, const char *name);

/* Starts the next row of the current sheet (the first call starts row 0).
 * A row left without cells is written as an empty <row> element. */
int xlsxw_next_row(struct xlsxw *w);

/* Appends a text cell (UTF-8; '\n' is a line break) to the current row. */
int xlsxw_text(struct xlsxw *w, const char *utf8);

/* Appends a numeric cell (finite): an integer as such (30, not 3e+01), other values in
 * the shortest form that reads back exactly. */
int xlsxw_number(struct xlsxw *w, double v);

/* Leaves the next cell of the current row empty. */
int xlsxw_skip(struct xlsxw *w);

/* Merges rows row0..row1, columns col0..col1 (inclusive, 0-based) of the
 * current sheet. The range must cover at least two cells and overlap no
 * other merged range. */
int xlsxw_merge(struct xlsxw *w, int row0, int col0, int row1, int col1);

/* The same from a reference such as "A1:H1" (upper- or lower-case letters). */
int xlsxw_merge_ref(struct xlsxw *w, const char *ref);

/* Column width of the current sheet, in Excel's character units (0 < width <= 255). */
int xlsxw_col_width(struct xlsxw *w, int col, double width);

/* Writes the workbook to path (replacing it). Needs at least one sheet.
 * On failure the file is removed. */
int xlsxw_save(struct xlsxw *w, const char *path);

/* Parses a cell reference such as "B12" into 0-based row and column; 0 ok, -1 if malformed. */
int xlsxw_parse_cell(const char *ref, int *row, int *col);

#endif
