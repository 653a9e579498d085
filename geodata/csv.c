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
    size_t n = strlen(s);
    int guard = geo_csv_needs_guard(s);
    int quote = guard || strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote)
        return fputs(s, f) < 0 ? EOF : 0;
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
