/* creditcode.c - the GB 32100-2015 unified social credit code check. */
#include "creditcode.h"
#include "../analysis/i18n.h"

#include <stdio.h>
#include <string.h>

enum { CODE_LEN = 18, BASE = 31 };

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[CODE_LEN - 1] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

/* Value 0..30 of c in the code alphabet, or -1. */
static int char_value(char c)
{
    if (c == 0)
        return -1;
    const char *p = strchr(alphabet, c);
    return p ? (int)(p - alphabet) : -1;
}

char geo_creditcode_check_char(const char *code17)
{
    if (!code17)
        return 0;
    int sum = 0;
    for (int i = 0; i < CODE_LEN - 1; i++) {
        int v = char_value(code17[i]);
        if (v < 0)
            return 0;
        sum += v * weights[i];
    }
    int check = BASE - sum % BASE;
    return alphabet[check == BASE ? 0 : check];
}

static void describe_char(char c, char *buf, size_t len)
{
    unsigned char u = (unsigned char)c;
    if (u >= 0x20 && u < 0x7f)
        snprintf(buf, len, "'%c'", c);
    else
        snprintf(buf, len, "byte 0x%02X", u);
}

int geo_creditcode_check(const char *code, char *why, size_t why_len)
{
    char dummy[8];
    if (!why || why_len == 0) {
        why = dummy;
        why_len = sizeof(dummy);
    }
    why[0] = 0;
    if (!code || !*code) {
        snprintf(why, why_len, _("is empty (expected 18 characters)"));
        return -1;
    }
    size_t n = strlen(code);
    if (n != CODE_LEN) {
        snprintf(why, why_len, _("has %zu characters (expected 18)"), n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (char_value(code[i]) < 0) {
            char what[16];
            describe_char(code[i], what, sizeof(what));
            if (code[i] >= 'a' && code[i] <= 'z')
                snprintf(why, why_len,
                         _("character %s at position %zu is lower-case (expected 0-9 or upper-case "
                           "A-Z without I, O, S, V, Z)"),
                         what, i + 1);
            else
                snprintf(why, why_len,
                         _("character %s at position %zu is not allowed (expected 0-9 or A-Z "
                           "without I, O, S, V, Z)"),
                         what, i + 1);
            return -1;
        }
    }
    char expect = geo_creditcode_check_char(code);
    if (code[CODE_LEN - 1] != expect) {
        snprintf(why, why_len, _("check character is '%c' (expected '%c')"), code[CODE_LEN - 1],
                 expect);
        return -1;
    }
    return 0;
}

int geo_creditcode_division(const char *code, char out[7])
{
    if (!code || strnlen(code, 8) < 8) {
        out[0] = 0;
        return -1;
    }
    memcpy(out, code + 2, 6);
    out[6] = 0;
    return 0;
}
