/*
 * xlsxw.c - the deterministic XLSX writer of xlsxw.h: sheet XML built in
 * memory, then a zip written by hand (zlib for deflate and CRC-32).
 */
#include "xlsxw.h"

#include <zlib.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
    char *p;
    size_t len, cap;
};

struct merge {
    int r0, c0, r1, c1;
};

struct colw {
    int col;
    double width;
};

struct sheet {
    char *name;
    struct buf rows;  /* <row> elements; the last one is still open */
    size_t row_start; /* offset of the open row in rows */
    int n_rows;       /* rows started */
    int col;          /* next column of the open row */
    int row_cells;    /* cells written in the open row */
    int max_col;      /* columns used, for <dimension> */
    struct merge *merges;
    int n_merges, cap_merges;
    struct colw *cols;
    int n_cols, cap_cols;
};

struct xlsxw {
    struct sheet *sheets;
    int n_sheets, cap_sheets;
    int level;
    char err[256];
};

/* ------------------------------------------------------------- buffers */

static int buf_reserve(struct buf *b, size_t add)
{
    if (b->len + add + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + add + 1) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

static int buf_add(struct buf *b, const void *s, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

static int buf_str(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

static int buf_fmt(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int buf_fmt(struct buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return -1;
    return buf_add(b, tmp, (size_t)n);
}

static void buf_release(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* --------------------------------------------------------------- errors */

static int fail(struct xlsxw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct xlsxw *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof(w->err), fmt, ap);
    va_end(ap);
    return -1;
}

const char *xlsxw_errmsg(const struct xlsxw *w)
{
    return w ? w->err : "";
}

/* ---------------------------------------------------------------- UTF-8 */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || (n == 3 && s[0] > 0xEF))
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong, surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0; /* overlong, beyond U+10FFFF */
    return n;
}

/* Byte offset of the first invalid UTF-8 sequence in s, or -1 if s is valid. */
static long utf8_invalid_at(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = utf8_len(p);
        if (n == 0)
            return (long)(p - (const unsigned char *)s);
        p += n;
    }
    return -1;
}

/*
 * Appends text escaped for XML character data or attribute values. Control
 * characters other than tab and line feed are not allowed in XML 1.0: they
 * become Excel's _xHHHH_ escapes, and a literal "_xHHHH_" in the text gets
 * its underscore escaped so that Excel does not decode it.
 */
static int buf_xml(struct buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int rc;
        if (c == '&')
            rc = buf_str(b, "&amp;");
        else if (c == '<')
            rc = buf_str(b, "&lt;");
        else if (c == '>')
            rc = buf_str(b, "&gt;");
        else if (c == '"')
            rc = buf_str(b, "&quot;");
        else if (c < 0x20 && c != '\t' && c != '\n')
            rc = buf_fmt(b, "_x%04X_", c);
        else if (c == '_' && p[1] == 'x' && strspn(p + 2, "0123456789abcdefABCDEF") >= 4 &&
                 p[6] == '_')
            rc = buf_str(b, "_x005F_");
        else
            rc = buf_add(b, p, 1);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* ----------------------------------------------------------- references */

static void col_letters(int col, char out[4])
{
    char tmp[4];
    int n = 0;
    col++;
    while (col > 0 && n < 3) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

/* Parses "B12" at s; returns the characters consumed, 0 if malformed. */
static size_t parse_cell(const char *s, int *row, int *col)
{
    size_t i = 0;
    long c = 0, r = 0;
    while ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')) {
        c = c * 26 + ((s[i] | 0x20) - 'a' + 1);
        if (c > XLSXW_MAX_COLS)
            return 0;
        i++;
    }
    if (i == 0 || s[i] < '1' || s[i] > '9')
        return 0;
    while (s[i] >= '0' && s[i] <= '9') {
        r = r * 10 + (s[i] - '0');
        if (r > XLSXW_MAX_ROWS)
            return 0;
        i++;
    }
    *row = (int)r - 1;
    *col = (int)c - 1;
    return i;
}

int xlsxw_parse_cell(const char *ref, int *row, int *col)
{
    size_t n = parse_cell(ref, row, col);
    return n > 0 && ref[n] == 0 ? 0 : -1;
}

/* ------------------------------------------------------------- workbook */

struct xlsxw *xlsxw_new(void)
{
    struct xlsxw *w = calloc(1, sizeof(*w));
    if (w)
        w->level = 6;
    return w;
}

void xlsxw_free(struct xlsxw *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->n_sheets; i++) {
        free(w->sheets[i].name);
        buf_release(&w->sheets[i].rows);
        free(w->sheets[i].merges);
        free(w->sheets[i].cols);
    }
    free(w->sheets);
    free(w);
}

void xlsxw_set_level(struct xlsxw *w, int level)
{
    w->level = level < 0 ? 0 : level > 9 ? 9 : level;
}

static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a | 0x20) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b | 0x20) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int xlsxw_add_sheet(struct xlsxw *w, const char *name)
{
    long bad = utf8_invalid_at(name);
    if (bad >= 0)
        return fail(w, "sheet name is not valid UTF-8 (byte %ld)", bad + 1);
    size_t len = strlen(name);
    int units = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p += utf8_len(p))
        units += *p >= 0xF0 ? 2 : 1; /* Excel counts UTF-16 code units */
    if (units == 0 || units > 31)
        return fail(w, "sheet name '%s' has %d characters (expected 1 to 31)", name, units);
    if (strpbrk(name, ":\\/?*[]"))
        return fail(w, "sheet name '%s' contains one of : \\ / ? * [ ] (not allowed)", name);
    if (name[0] == '\'' || name[len - 1] == '\'')
        return fail(w, "sheet name '%s' starts or ends with an apostrophe (not allowed)", name);
    for (int i = 0; i < w->n_sheets; i++)
        if (same_name(w->sheets[i].name, name))
            return fail(w, "sheet name '%s' is used twice", name);
    if (w->n_sheets == w->cap_sheets) {
        int cap = w->cap_sheets ? w->cap_sheets * 2 : 4;
        struct sheet *s = realloc(w->sheets, (size_t)cap * sizeof(*s));
        if (!s)
            return fail(w, "out of memory");
        w->sheets = s;
        w->cap_sheets = cap;
    }
    struct sheet *s = &w->sheets[w->n_sheets];
    memset(s, 0, sizeof(*s));
    s->name = malloc(len + 1);
    if (!s->name)
        return fail(w, "out of memory");
    memcpy(s->name, name, len + 1);
    w->n_sheets++;
    return 0;
}

static struct sheet *current(struct xlsxw *w)
{
    return w->n_sheets ? &w->sheets[w->n_sheets - 1] : NULL;
}

/* Closes the open row of s into s->rows: an empty row becomes <row r="N"/>. */
static int close_row(struct sheet *s, struct buf *out)
{
    if (s->n_rows == 0)
        return 0;
    if (s->row_cells == 0) {
        if (out == &s->rows)
            s->rows.len = s->row_start;
        return buf_fmt(out, "<row r=\"%d\"/>", s->n_rows);
    }
    return buf_str(out, "</row>");
}

int xlsxw_next_row(struct xlsxw *w)
{
    struct sheet *s = current(w);
    if (!s)
        return fail(w, "no sheet added yet");
    if (s->n_rows == XLSXW_MAX_ROWS)
        return fail(w, "sheet '%s': more than %d rows", s->name, XLSXW_MAX_ROWS);
    size_t keep = s->rows.len;
    if (close_row(s, &s->rows) != 0) {
        s->rows.len = keep;
        return fail(w, "out of memory");
    }
    size_t start = s->rows.len;
    if (buf_fmt(&s->rows, "<row r=\"%d\">", s->n_rows + 1) != 0) {
        s->rows.len = keep;
        return fail(w, "out of memory");
    }
    s->row_start = start;
    s->n_rows++;
    s->col = 0;
    s->row_cells = 0;
    return 0;
}

/* Checks that a cell can go into the current row; returns its sheet. */
static struct sheet *cell_target(struct xlsxw *w)
{
    struct sheet *s = current(w);
    if (!s) {
        fail(w, "no sheet added yet");
        return NULL;
    }
    if (s->n_rows == 0) {
        fail(w, "sheet '%s': no row started (call xlsxw_next_row first)", s->name);
        return NULL;
    }
    if (s->col >= XLSXW_MAX_COLS) {
        fail(w, "sheet '%s' row %d: more than %d columns", s->name, s->n_rows, XLSXW_MAX_COLS);
        return NULL;
    }
    return s;
}

static void cell_done(struct sheet *s)
{
    s->col++;
    s->row_cells++;
    if (s->col > s->max_col)
        s->max_col = s->col;
}

int xlsxw_text(struct xlsxw *w, const char *utf8)
{
    struct sheet *s = cell_target(w);
    if (!s)
        return -1;
    long bad = utf8_invalid_at(utf8);
    if (bad >= 0)
        return fail(w, "sheet '%s' row %d column %d: text is not valid UTF-8 (byte %ld)", s->name,
                    s->n_rows, s->col + 1, bad + 1);
    char ref[4];
    col_letters(s->col, ref);
    size_t keep = s->rows.len;
    /* style 1 wraps text, so that line breaks show in Excel and LibreOffice */
    int wrap = strchr(utf8, '\n') != NULL;
    if (buf_fmt(&s->rows, "<c r=\"%s%d\"%s t=\"inlineStr\"><is><t xml:space=\"preserve\">", ref,
                s->n_rows, wrap ? " s=\"1\"" : "") != 0 ||
        buf_xml(&s->rows, utf8) != 0 || buf_str(&s->rows, "</t></is></c>") != 0) {
        s->rows.len = keep;
        return fail(w, "out of memory");
    }
    cell_done(s);
    return 0;
}

int xlsxw_number(struct xlsxw *w, double v)
{
    struct sheet *s = cell_target(w);
    if (!s)
        return -1;
    if (!isfinite(v))
        return fail(w, "sheet '%s' row %d column %d: number is not finite", s->name, s->n_rows,
                    s->col + 1);
    char num[40];
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(num, sizeof(num), "%.0f", v); /* 10, not 1e+01 */
    } else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(num, sizeof(num), "%.*g", prec, v);
            if (strtod(num, NULL) == v)
                break;
        }
    }
    char ref[4];
    col_letters(s->col, ref);
    if (buf_fmt(&s->rows, "<c r=\"%s%d\"><v>%s</v></c>", ref, s->n_rows, num) != 0)
        return fail(w, "out of memory");
    cell_done(s);
    return 0;
}

int xlsxw_skip(struct xlsxw *w)
{
    struct sheet *s = cell_target(w);
    if (!s)
        return -1;
    s->col++;
    return 0;
}

int xlsxw_merge(struct xlsxw *w, int row0, int col0, int row1, int col1)
{
    struct sheet *s = current(w);
    if (!s)
        return fail(w, "no sheet added yet");
    if (row0 < 0 || col0 < 0 || row1 < row0 || col1 < col0 || row1 >= XLSXW_MAX_ROWS ||
        col1 >= XLSXW_MAX_COLS)
        return fail(w, "sheet '%s': merged range out of order or out of bounds", s->name);
    if (row0 == row1 && col0 == col1)
        return fail(w, "sheet '%s': a merged range needs at least two cells", s->name);
    for (int i = 0; i < s->n_merges; i++) {
        const struct merge *m = &s->merges[i];
        if (row0 <= m->r1 && m->r0 <= row1 && col0 <= m->c1 && m->c0 <= col1) {
            char a[4], b[4];
            col_letters(m->c0, a);
            col_letters(m->c1, b);
            return fail(w, "sheet '%s': merged range overlaps %s%d:%s%d", s->name, a, m->r0 + 1, b,
                        m->r1 + 1);
        }
    }
    if (s->n_merges == s->cap_merges) {
        int cap = s->cap_merges ? s->cap_merges * 2 : 8;
        struct merge *m = realloc(s->merges, (size_t)cap * sizeof(*m));
        if (!m)
            return fail(w, "out of memory");
        s->merges = m;
        s->cap_merges = cap;
    }
    s->merges[s->n_merges++] = (struct merge){row0, col0, row1, col1};
    return 0;
}

int xlsxw_merge_ref(struct xlsxw *w, const char *ref)
{
    int r0, c0, r1, c1;
    size_t n = parse_cell(ref, &r0, &c0);
    if (n == 0 || ref[n] != ':' || xlsxw_parse_cell(ref + n + 1, &r1, &c1) != 0)
        return fail(w, "merged range '%s' is not of the form A1:H1", ref);
    return xlsxw_merge(w, r0, c0, r1, c1);
}

int xlsxw_col_width(struct xlsxw *w, int col, double width)
{
    struct sheet *s = current(w);
    if (!s)
        return fail(w, "no sheet added yet");
    if (col < 0 || col >= XLSXW_MAX_COLS || !(width > 0 && width <= 255))
        return fail(w, "sheet '%s': column %d width %g out of range", s->name, col + 1, width);
    for (int i = 0; i < s->n_cols; i++)
        if (s->cols[i].col == col) {
            s->cols[i].width = width;
            return 0;
        }
    if (s->n_cols == s->cap_cols) {
        int cap = s->cap_cols ? s->cap_cols * 2 : 8;
        struct colw *c = realloc(s->cols, (size_t)cap * sizeof(*c));
        if (!c)
            return fail(w, "out of memory");
        s->cols = c;
        s->cap_cols = cap;
    }
    int i = s->n_cols++;
    while (i > 0 && s->cols[i - 1].col > col) { /* kept sorted: Excel wants <col> in order */
        s->cols[i] = s->cols[i - 1];
        i--;
    }
    s->cols[i] = (struct colw){col, width};
    return 0;
}

/* ------------------------------------------------------------ XML parts */

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT_PREFIX "application/vnd.openxmlformats-officedocument.spreadsheetml."

static int content_types(const struct xlsxw *w, struct buf *b)
{
    int rc = buf_str(b, XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                                 "content-types\">"
                                 "<Default Extension=\"rels\" ContentType=\"application/"
                                 "vnd.openxmlformats-package.relationships+xml\"/>"
                                 "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                                 "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT_PREFIX
                                 "sheet.main+xml\"/>"
                                 "<Override PartName=\"/xl/styles.xml\" ContentType=\"" CT_PREFIX
                                 "styles+xml\"/>");
    for (int i = 0; i < w->n_sheets && rc == 0; i++)
        rc = buf_fmt(b,
                     "<Override PartName=\"/xl/worksheets/sheet%d.xml\" ContentType=\"" CT_PREFIX
                     "worksheet+xml\"/>",
                     i + 1);
    return rc ? rc : buf_str(b, "</Types>");
}

static int root_rels(struct buf *b)
{
    return buf_str(b, XML_DECL "<Relationships xmlns=\"" NS_PKG_REL "\">"
                               "<Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" "
                               "Target=\"xl/workbook.xml\"/></Relationships>");
}

static int workbook(const struct xlsxw *w, struct buf *b)
{
    int rc = buf_str(b, XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>");
    for (int i = 0; i < w->n_sheets && rc == 0; i++) {
        rc = buf_str(b, "<sheet name=\"");
        if (rc == 0)
            rc = buf_xml(b, w->sheets[i].name);
        if (rc == 0)
            rc = buf_fmt(b, "\" sheetId=\"%d\" r:id=\"rId%d\"/>", i + 1, i + 1);
    }
    return rc ? rc : buf_str(b, "</sheets></workbook>");
}

static int workbook_rels(const struct xlsxw *w, struct buf *b)
{
    int rc = buf_str(b, XML_DECL "<Relationships xmlns=\"" NS_PKG_REL "\">");
    for (int i = 0; i < w->n_sheets && rc == 0; i++)
        rc = buf_fmt(b,
                     "<Relationship Id=\"rId%d\" Type=\"" NS_REL "/worksheet\" "
                     "Target=\"worksheets/sheet%d.xml\"/>",
                     i + 1, i + 1);
    if (rc == 0)
        rc = buf_fmt(b,
                     "<Relationship Id=\"rId%d\" Type=\"" NS_REL "/styles\" "
                     "Target=\"styles.xml\"/>",
                     w->n_sheets + 1);
    return rc ? rc : buf_str(b, "</Relationships>");
}

/* Two cell formats: 0 the default, 1 wrapped text (cells with line breaks). */
static int styles(struct buf *b)
{
    return buf_str(b, XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">"
                               "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/>"
                               "</font></fonts>"
                               "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
                               "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
                               "<borders count=\"1\"><border><left/><right/><top/><bottom/>"
                               "<diagonal/></border></borders>"
                               "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" "
                               "fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
                               "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
                               "borderId=\"0\" xfId=\"0\"/>"
                               "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" "
                               "xfId=\"0\" applyAlignment=\"1\"><alignment wrapText=\"1\"/></xf>"
                               "</cellXfs>"
                               "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" "
                               "builtinId=\"0\"/></cellStyles></styleSheet>");
}

static int worksheet(struct sheet *s, struct buf *b)
{
    char last[4];
    int rc = buf_str(b, XML_DECL "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">");
    int rows = s->n_rows, cols = s->max_col;
    for (int i = 0; i < s->n_merges; i++) {
        if (s->merges[i].r1 + 1 > rows)
            rows = s->merges[i].r1 + 1;
        if (s->merges[i].c1 + 1 > cols)
            cols = s->merges[i].c1 + 1;
    }
    col_letters(cols > 0 ? cols - 1 : 0, last);
    if (rc == 0)
        rc = rows > 1 || cols > 1
                 ? buf_fmt(b, "<dimension ref=\"A1:%s%d\"/>", last, rows ? rows : 1)
                 : buf_str(b, "<dimension ref=\"A1\"/>");
    if (rc == 0 && s->n_cols > 0) {
        rc = buf_str(b, "<cols>");
        for (int i = 0; i < s->n_cols && rc == 0; i++)
            rc = buf_fmt(b, "<col min=\"%d\" max=\"%d\" width=\"%.4g\" customWidth=\"1\"/>",
                         s->cols[i].col + 1, s->cols[i].col + 1, s->cols[i].width);
        if (rc == 0)
            rc = buf_str(b, "</cols>");
    }
    if (rc == 0)
        rc = s->n_rows ? buf_str(b, "<sheetData>") : buf_str(b, "<sheetData/>");
    if (rc == 0 && s->n_rows) {
        /* the open row is closed in the output only: the sheet stays writable */
        rc = buf_add(b, s->rows.p, s->row_cells ? s->rows.len : s->row_start);
        if (rc == 0)
            rc = close_row(s, b);
        if (rc == 0)
            rc = buf_str(b, "</sheetData>");
    }
    if (rc == 0 && s->n_merges > 0) {
        rc = buf_fmt(b, "<mergeCells count=\"%d\">", s->n_merges);
        for (int i = 0; i < s->n_merges && rc == 0; i++) {
            char a[4], z[4];
            col_letters(s->merges[i].c0, a);
            col_letters(s->merges[i].c1, z);
            rc = buf_fmt(b, "<mergeCell ref=\"%s%d:%s%d\"/>", a, s->merges[i].r0 + 1, z,
                         s->merges[i].r1 + 1);
        }
        if (rc == 0)
            rc = buf_str(b, "</mergeCells>");
    }
    return rc ? rc : buf_str(b, "</worksheet>");
}

/* ------------------------------------------------------------------ zip */

struct zip_entry {
    char name[64];
    uint32_t crc, csize, usize, offset;
    uint16_t method;
};

struct zip {
    struct buf out;
    struct zip_entry *entries;
    int n, cap;
};

/* 1980-01-01 00:00:00 in MS-DOS format: fixed, so output is reproducible. */
#define DOS_TIME 0
#define DOS_DATE ((0 << 9) | (1 << 5) | 1)

static int put16(struct buf *b, unsigned v)
{
    unsigned char c[2] = {(unsigned char)(v & 0xFF), (unsigned char)((v >> 8) & 0xFF)};
    return buf_add(b, c, 2);
}

static int put32(struct buf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)(v & 0xFF), (unsigned char)((v >> 8) & 0xFF),
                          (unsigned char)((v >> 16) & 0xFF), (unsigned char)((v >> 24) & 0xFF)};
    return buf_add(b, c, 4);
}

static int zip_add(struct xlsxw *w, struct zip *z, const char *name, const struct buf *data)
{
    if (data->len > UINT32_MAX || z->out.len > UINT32_MAX)
        return fail(w, "%s: too large for a zip without ZIP64", name);
    if (z->n == z->cap) {
        int cap = z->cap ? z->cap * 2 : 16;
        struct zip_entry *e = realloc(z->entries, (size_t)cap * sizeof(*e));
        if (!e)
            return fail(w, "out of memory");
        z->entries = e;
        z->cap = cap;
    }
    struct zip_entry *e = &z->entries[z->n];
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->usize = (uint32_t)data->len;
    e->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)data->p, (uInt)data->len);
    e->offset = (uint32_t)z->out.len;
    unsigned char *packed = NULL;
    const void *body = data->p;
    size_t body_len = data->len;
    if (w->level > 0) {
        z_stream zs;
        memset(&zs, 0, sizeof(zs));
        if (deflateInit2(&zs, w->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return fail(w, "%s: zlib cannot start deflate", name);
        uLong bound = deflateBound(&zs, (uLong)data->len);
        packed = malloc(bound ? bound : 1);
        if (!packed) {
            deflateEnd(&zs);
            return fail(w, "out of memory");
        }
        zs.next_in = (Bytef *)data->p;
        zs.avail_in = (uInt)data->len;
        zs.next_out = packed;
        zs.avail_out = (uInt)bound;
        int zr = deflate(&zs, Z_FINISH);
        body_len = zs.total_out;
        deflateEnd(&zs);
        if (zr != Z_STREAM_END) {
            free(packed);
            return fail(w, "%s: zlib deflate failed", name);
        }
        body = packed;
        e->method = 8;
    }
    e->csize = (uint32_t)body_len;
    size_t nl = strlen(e->name);
    int rc = put32(&z->out, 0x04034b50);
    rc = rc ? rc : put16(&z->out, 20); /* version needed: 2.0 */
    rc = rc ? rc : put16(&z->out, 0);  /* flags */
    rc = rc ? rc : put16(&z->out, e->method);
    rc = rc ? rc : put16(&z->out, DOS_TIME);
    rc = rc ? rc : put16(&z->out, DOS_DATE);
    rc = rc ? rc : put32(&z->out, e->crc);
    rc = rc ? rc : put32(&z->out, e->csize);
    rc = rc ? rc : put32(&z->out, e->usize);
    rc = rc ? rc : put16(&z->out, (unsigned)nl);
    rc = rc ? rc : put16(&z->out, 0); /* extra field */
    rc = rc ? rc : buf_add(&z->out, e->name, nl);
    rc = rc ? rc : buf_add(&z->out, body, body_len);
    free(packed);
    if (rc != 0)
        return fail(w, "out of memory");
    z->n++;
    return 0;
}

static int zip_finish(struct xlsxw *w, struct zip *z)
{
    if (z->out.len > UINT32_MAX)
        return fail(w, "workbook too large for a zip without ZIP64");
    uint32_t cd_start = (uint32_t)z->out.len;
    int rc = 0;
    for (int i = 0; i < z->n && rc == 0; i++) {
        const struct zip_entry *e = &z->entries[i];
        size_t nl = strlen(e->name);
        rc = put32(&z->out, 0x02014b50);
        rc = rc ? rc : put16(&z->out, 20); /* made by: MS-DOS, 2.0 (no Unix modes) */
        rc = rc ? rc : put16(&z->out, 20);
        rc = rc ? rc : put16(&z->out, 0);
        rc = rc ? rc : put16(&z->out, e->method);
        rc = rc ? rc : put16(&z->out, DOS_TIME);
        rc = rc ? rc : put16(&z->out, DOS_DATE);
        rc = rc ? rc : put32(&z->out, e->crc);
        rc = rc ? rc : put32(&z->out, e->csize);
        rc = rc ? rc : put32(&z->out, e->usize);
        rc = rc ? rc : put16(&z->out, (unsigned)nl);
        rc = rc ? rc : put16(&z->out, 0); /* extra */
        rc = rc ? rc : put16(&z->out, 0); /* comment */
        rc = rc ? rc : put16(&z->out, 0); /* disk */
        rc = rc ? rc : put16(&z->out, 0); /* internal attributes */
        rc = rc ? rc : put32(&z->out, 0); /* external attributes */
        rc = rc ? rc : put32(&z->out, e->offset);
        rc = rc ? rc : buf_add(&z->out, e->name, nl);
    }
    uint32_t cd_size = (uint32_t)(z->out.len - cd_start);
    rc = rc ? rc : put32(&z->out, 0x06054b50);
    rc = rc ? rc : put16(&z->out, 0);
    rc = rc ? rc : put16(&z->out, 0);
    rc = rc ? rc : put16(&z->out, (unsigned)z->n);
    rc = rc ? rc : put16(&z->out, (unsigned)z->n);
    rc = rc ? rc : put32(&z->out, cd_size);
    rc = rc ? rc : put32(&z->out, cd_start);
    rc = rc ? rc : put16(&z->out, 0); /* comment */
    return rc ? fail(w, "out of memory") : 0;
}

int xlsxw_save(struct xlsxw *w, const char *path)
{
    if (w->n_sheets == 0)
        return fail(w, "%s: a workbook needs at least one sheet", path);
    if (w->n_sheets > 65000)
        return fail(w, "%s: too many sheets", path);
    struct zip z = {0};
    struct buf part = {0};
    int rc = 0;
#define PART(name, gen)                                                                            \
    do {                                                                                           \
        part.len = 0;                                                                              \
        if (rc == 0 && (gen) != 0)                                                                 \
            rc = fail(w, "out of memory");                                                         \
        if (rc == 0)                                                                               \
            rc = zip_add(w, &z, (name), &part);                                                    \
    } while (0)
    PART("[Content_Types].xml", content_types(w, &part));
    PART("_rels/.rels", root_rels(&part));
    PART("xl/workbook.xml", workbook(w, &part));
    PART("xl/_rels/workbook.xml.rels", workbook_rels(w, &part));
    PART("xl/styles.xml", styles(&part));
    for (int i = 0; i < w->n_sheets && rc == 0; i++) {
        char name[64];
        snprintf(name, sizeof(name), "xl/worksheets/sheet%d.xml", i + 1);
        PART(name, worksheet(&w->sheets[i], &part));
    }
#undef PART
    if (rc == 0)
        rc = zip_finish(w, &z);
    if (rc == 0) {
        FILE *fp = fopen(path, "wb");
        if (!fp) {
            rc = fail(w, "%s: %s", path, strerror(errno));
        } else {
            size_t n = fwrite(z.out.p, 1, z.out.len, fp);
            int werr = n != z.out.len || ferror(fp);
            int cerr = fclose(fp) != 0;
            if (werr || cerr) {
                rc = fail(w, "%s: write failed: %s", path, strerror(errno));
                remove(path);
            }
        }
    }
    buf_release(&part);
    buf_release(&z.out);
    free(z.entries);
    return rc;
}
