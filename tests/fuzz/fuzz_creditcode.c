/*
 * fuzz_creditcode.c - libFuzzer harness for geodata/creditcode.c.
 *
 * The input, NUL-terminated, goes through geo_creditcode_check (with a
 * reason buffer of several sizes, including none), geo_creditcode_check_char
 * and geo_creditcode_division. Invariants checked (abort() on violation):
 * a code reported valid has 18 characters whose last is the computed check
 * character; the reason is always NUL-terminated; the division is 6 bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../geodata/creditcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    char why[256];
    int rc = geo_creditcode_check(s, why, sizeof(why));
    if (strnlen(why, sizeof(why)) == sizeof(why))
        abort();
    if (rc == 0) {
        if (strlen(s) != 18 || why[0] != '\0')
            abort();
        if (geo_creditcode_check_char(s) != s[17])
            abort();
    } else if (why[0] == '\0') {
        abort(); /* an invalid code must say why */
    }
    /* Tiny and absent reason buffers must be safe and give the same verdict. */
    char small[5];
    if ((geo_creditcode_check(s, small, sizeof(small)) == 0) != (rc == 0))
        abort();
    if (strnlen(small, sizeof(small)) == sizeof(small))
        abort();
    char one[1];
    if ((geo_creditcode_check(s, one, sizeof(one)) == 0) != (rc == 0) || one[0] != '\0')
        abort();
    if ((geo_creditcode_check(s, NULL, 0) == 0) != (rc == 0))
        abort();

    char c = geo_creditcode_check_char(s);
    if (c && !strchr("0123456789ABCDEFGHJKLMNPQRTUWXY", c))
        abort();

    char div[7];
    if (geo_creditcode_division(s, div) == 0) {
        if (strlen(s) < 8 || strlen(div) > 6 || memcmp(div, s + 2, strlen(div)) != 0)
            abort();
    } else if (div[0] != '\0') {
        abort();
    }
    free(s);
    return 0;
}
