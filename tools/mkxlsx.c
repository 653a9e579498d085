/*
 * mkxlsx.c - build an XLSX workbook from tab-separated text files, so that
 * tests can make spreadsheet fixtures (title rows, merged cells, several
 * sheets, line breaks in headers) at test time.
 *
 *   mkxlsx [--store] OUT.xlsx NAME=FILE [NAME=FILE ...]
 *
 * One sheet per argument, named NAME (split at the first '='), in argument
 * order. FILE is UTF-8 text; each line is one row, cells separated by TAB:
 *   - an empty line is an empty row; an empty cell stays empty;
 *   - a cell that is a plain decimal number (-?(0|[1-9][0-9]*)(.[0-9]+)?, at
 *     most 15 significant digits, as Excel keeps) is a numeric cell; every
 *     other cell is text;
 *   - a cell starting with ' is text with the apostrophe removed ('0012, '15);
 *   - in text, \n is a line break, \t a tab and \\ a backslash;
 *   - a line "#merge A1:H1" is no row: it merges that range of the sheet.
 * A trailing CR (CRLF files) is dropped. The output is byte-reproducible.
 * --store writes the zip entries uncompressed (readable with grep).
 * Exit status: 0 ok, 1 bad input or write error, 2 usage.
 */
#include "lib/xlsxw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "usage: mkxlsx [--store] OUT.xlsx NAME=FILE [NAME=FILE ...]\n";

/* Reads all of path into a NUL-terminated buffer (caller frees); NULL on error. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t len = 0, cap = 4096;
    char *p = malloc(cap);
    while (p) {
        size_t n = fread(p + len, 1, cap - len - 1, fp);
        len += n;
        if (n == 0)
            break;
        if (len + 1 == cap) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    int err = ferror(fp);
    fclose(fp);
    if (!p || err) {
        free(p);
        errno = err ? EIO : ENOMEM;
        return NULL;
    }
    p[len] = 0;
    if (strlen(p) != len) {
        free(p);
        errno = EINVAL; /* a NUL byte: not text */
        return NULL;
    }
    return p;
}

/* Significant digits of a plain decimal, or -1 if s is not one. */
static int plain_decimal(const char *s)
{
    const char *p = s;
    int digits = 0, lead = 1;
    if (*p == '-')
        p++;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return -1; /* leading zero: a code, not a number */
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        lead = lead && *p == '0';
        digits += !lead;
    }
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++) {
            lead = lead && *p == '0';
            digits += !lead;
        }
    }
    return *p ? -1 : digits;
}

/* Resolves \n, \t and \\ in place. */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && (p[1] == 'n' || p[1] == 't' || p[1] == '\\')) {
            p++;
            *o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : '\\';
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
}

static int add_cell(struct xlsxw *w, char *cell, const char *file, int line, int col)
{
    if (cell[0] == 0)
        return xlsxw_skip(w);
    if (cell[0] == '\'') {
        unescape(cell + 1);
        return xlsxw_text(w, cell + 1);
    }
    int digits = plain_decimal(cell);
    if (digits > 15) {
        fprintf(stderr,
                "mkxlsx: %s:%d: cell %d '%s' has %d significant digits (Excel keeps 15; "
                "prefix ' to write it as text)\n",
                file, line, col, cell, digits);
        return -2;
    }
    if (digits >= 0)
        return xlsxw_number(w, strtod(cell, NULL));
    unescape(cell);
    return xlsxw_text(w, cell);
}

/* Adds one sheet from file; 0 ok, -1 after printing the error. */
static int add_sheet(struct xlsxw *w, const char *name, const char *file)
{
    if (xlsxw_add_sheet(w, name) != 0) {
        fprintf(stderr, "mkxlsx: %s\n", xlsxw_errmsg(w));
        return -1;
    }
    char *text = slurp(file);
    if (!text) {
        fprintf(stderr, "mkxlsx: %s: %s\n", file,
                errno == EINVAL ? "holds a NUL byte (expected UTF-8 text)" : strerror(errno));
        return -1;
    }
    int rc = 0, line = 0;
    char *p = text;
    while (*p && rc == 0) {
        char *end = strchr(p, '\n');
        char *next = end ? end + 1 : p + strlen(p);
        if (end)
            *end = 0;
        size_t len = strlen(p);
        if (len > 0 && p[len - 1] == '\r')
            p[len - 1] = 0;
        line++;
        if (strncmp(p, "#merge ", 7) == 0) {
            const char *ref = p + 7 + strspn(p + 7, " ");
            if (xlsxw_merge_ref(w, ref) != 0) {
                fprintf(stderr, "mkxlsx: %s:%d: %s\n", file, line, xlsxw_errmsg(w));
                rc = -1;
            }
        } else if (xlsxw_next_row(w) != 0) {
            fprintf(stderr, "mkxlsx: %s:%d: %s\n", file, line, xlsxw_errmsg(w));
            rc = -1;
        } else {
            int col = 0;
            for (char *cell = p; cell && rc == 0; col++) {
                char *tab = strchr(cell, '\t');
                if (tab)
                    *tab = 0;
                int r = add_cell(w, cell, file, line, col + 1);
                if (r == -1)
                    fprintf(stderr, "mkxlsx: %s:%d: %s\n", file, line, xlsxw_errmsg(w));
                rc = r ? -1 : 0;
                cell = tab ? tab + 1 : NULL;
            }
        }
        p = next;
    }
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    int store = 0;
    if (argc > 1 && strcmp(argv[1], "--store") == 0) {
        store = 1;
        argv++;
        argc--;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        puts("One sheet per NAME=FILE; FILE holds one row per line, cells separated by TAB.\n"
             "Plain decimal numbers become numeric cells ('text forces text); \\n is a line\n"
             "break; a line \"#merge A1:H1\" merges a range. --store: no compression.\n"
             "See the comment in tools/mkxlsx.c.");
        return 0;
    }
    if (argc < 3) {
        fputs(usage, stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (!strchr(argv[i], '=') || argv[i][0] == '=') {
            fprintf(stderr, "mkxlsx: '%s' is not NAME=FILE\n", argv[i]);
            fputs(usage, stderr);
            return 2;
        }
    struct xlsxw *w = xlsxw_new();
    if (!w) {
        fputs("mkxlsx: out of memory\n", stderr);
        return 1;
    }
    if (store)
        xlsxw_set_level(w, 0);
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        char *arg = argv[i], *eq = strchr(arg, '=');
        *eq = 0;
        rc = add_sheet(w, arg, eq + 1);
    }
    if (rc == 0 && xlsxw_save(w, argv[1]) != 0) {
        fprintf(stderr, "mkxlsx: %s\n", xlsxw_errmsg(w));
        rc = -1;
    }
    xlsxw_free(w);
    return rc == 0 ? 0 : 1;
}
