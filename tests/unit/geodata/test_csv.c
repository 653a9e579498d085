/* test_csv.c - the CSV cell writer: quoting and the formula-injection guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../geodata/csv.h"

/* The cell as written, heap. */
static char *cell(const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_int_equal(geo_csv_cell(f, s), 0);
    fclose(f);
    return buf;
}

static void check(const char *in, const char *want)
{
    char *got = cell(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_plain_cells_unchanged(void **state)
{
    (void)state;
    check("连云港市海州区中医药学会", "连云港市海州区中医药学会");
    check("", "");
    check(NULL, "");
    check("a=b", "a=b");
}

static void test_quoting(void **state)
{
    (void)state;
    check("a,b", "\"a,b\"");
    check("say \"hi\"", "\"say \"\"hi\"\"\"");
    check("two\nlines", "\"two\nlines\"");
    check(" padded ", "\" padded \"");
    check("tail ", "\"tail \"");
    check("a\rb", "\"a\rb\"");
    check("中,文", "\"中,文\"");
}

static void test_formulas_guarded(void **state)
{
    (void)state;
    check("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    check("+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\"");
    check("-2+3+cmd", "\"'-2+3+cmd\"");
    check("@SUM(A1)", "\"'@SUM(A1)\"");
    check("\tx", "\"'\tx\"");
    check("\rx", "\"'\rx\"");
}

static void test_numbers_not_guarded(void **state)
{
    (void)state;
    check("-3", "-3");
    check("+1.5", "+1.5");
    check("-2e3", "-2e3");
    check("-12.5%", "-12.5%");
    check("-", "-");
    assert_true(geo_csv_is_number("0.465071"));
    assert_false(geo_csv_is_number("-"));
    assert_false(geo_csv_is_number("1e"));
    assert_false(geo_csv_is_number("-1-1"));
    assert_true(geo_csv_needs_guard("-1-1"));
    assert_false(geo_csv_needs_guard("3-1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_cells_unchanged),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_formulas_guarded),
        cmocka_unit_test(test_numbers_not_guarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
