/* csv.c - CSV cells: RFC 4180 quoting plus the OWASP guard against formula injection. */
#include "csv.h"

#include <ctype.h>
#include <string.h>

int geo_csv_is_number(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == '%')
        p++;
    return *p == 0;
}

int geo_csv_needs_guard(const char *s)
{
    if (!s || !strchr("=+-@\t\r", *s) || !*s)
        return 0;
    if (!strcmp(s, "-"))
        return 0;
    return !geo_csv_is_number(s);
}

int geo_csv_cell(FILE *f, const char *s)
{
    s = s ? s : "";
    /* One pass for the common cell: its length up to the first character
     * that needs quotes, which is all of it when there is none. */
    size_t n = strcspn(s, ",\"\r\n");
    int guard = geo_csv_needs_guard(s);
    int quote = guard || s[n] || (n && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote)
        return fwrite(s, 1, n, f) < n ? EOF : 0;
    if (fputc('"', f) == EOF || (guard && fputc('\'', f) == EOF))
        return EOF;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', f) == EOF)
            return EOF;
        if (fputc(*s, f) == EOF)
            return EOF;
    }
    return fputc('"', f) == EOF ? EOF : 0;
}
