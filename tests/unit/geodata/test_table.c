/*
 * test_table.c - rows of cells from delimited text (geodata/table.c): quoting,
 * line breaks inside cells, CRLF, blank rows and the row numbers a
 * spreadsheet program shows, cutting over-long cells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../../geodata/table.h"

struct row {
    const char *const *cells;
    int n;
    long row;
    int long_cell;
};

static int next(struct geo_table *t, size_t max, struct row *r)
{
    return geo_table_next(t, max, &r->cells, &r->n, &r->row, &r->long_cell);
}

static void test_quotes_and_line_breaks(void **state)
{
    (void)state;
    const char text[] = "a,\"b,1\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\r\n";
    struct geo_table *t = geo_table_new_text(text, sizeof(text) - 1, ',');
    assert_non_null(t);
    struct row r;
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.cells[1], "b,1");
    assert_string_equal(r.cells[2], "say \"hi\"");
    assert_int_equal(r.row, 1);
    assert_int_equal(next(t, 0, &r), 1);
    assert_string_equal(r.cells[1], "two\nlines");
    assert_string_equal(r.cells[2], "3");
    assert_int_equal(r.row, 2); /* a record, not a line: as Excel numbers it */
    assert_int_equal(next(t, 0, &r), 0);
    geo_table_free(t);
}

static void test_blank_rows_are_rows(void **state)
{
    (void)state;
    const char text[] = "title\n\nx\ty\n";
    struct geo_table *t = geo_table_new_text(text, sizeof(text) - 1, '\t');
    struct row r;
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.cells[0], "");
    assert_int_equal(r.row, 2);
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.cells[1], "y");
    assert_int_equal(r.row, 3);
    assert_true(geo_table_fraction(t) > 0.99);
    assert_int_equal(next(t, 0, &r), 0);
    geo_table_free(t);
}

static void test_long_cell_cut_on_a_character(void **state)
{
    (void)state;
    const char text[] = "ok,名名名\n"; /* each 名 is 3 bytes */
    struct geo_table *t = geo_table_new_text(text, sizeof(text) - 1, ',');
    struct row r;
    assert_int_equal(next(t, 7, &r), 1);
    assert_int_equal(r.long_cell, 1);
    assert_string_equal(r.cells[1], "名名"); /* 7 bytes would split the third */
    assert_string_equal(r.cells[0], "ok");
    geo_table_free(t);
}

static void test_unterminated_quote_ends_with_the_text(void **state)
{
    (void)state;
    const char text[] = "a,\"open";
    struct geo_table *t = geo_table_new_text(text, sizeof(text) - 1, ',');
    struct row r;
    assert_int_equal(next(t, 0, &r), 1);
    assert_string_equal(r.cells[1], "open");
    assert_int_equal(next(t, 0, &r), 0);
    geo_table_free(t);
}

/* The rules the copying of runs must keep: a quote opens a quoted cell only
 * at its start, text after the closing quote is kept, a lone CR ends the
 * record, an empty last cell is a cell. */
static void test_quotes_only_at_a_cells_start(void **state)
{
    (void)state;
    const char text[] = "5\"2,\"a\"b,\"\",x\"y\"\rlast,\n\"\"\"q\"\"\"";
    struct geo_table *t = geo_table_new_text(text, sizeof(text) - 1, ',');
    struct row r;
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(r.n, 4);
    assert_string_equal(r.cells[0], "5\"2");
    assert_string_equal(r.cells[1], "ab");
    assert_string_equal(r.cells[2], "");
    assert_string_equal(r.cells[3], "x\"y\"");
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.cells[0], "last");
    assert_string_equal(r.cells[1], "");
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.cells[0], "\"q\"");
    assert_int_equal(r.row, 3);
    assert_int_equal(next(t, 0, &r), 0);
    geo_table_free(t);
}

/* A record longer than the buffer's first size, cells of every length. */
static void test_long_record(void **state)
{
    (void)state;
    char text[6000];
    size_t len = 0;
    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%0*d", i ? "," : "",
                                i % 50 + 1, i);
    text[len++] = '\n';
    struct geo_table *t = geo_table_new_text(text, len, ',');
    struct row r;
    assert_int_equal(next(t, 0, &r), 1);
    assert_int_equal(r.n, 100);
    for (int i = 0; i < 100; i++) {
        char want[64];
        snprintf(want, sizeof(want), "%0*d", i % 50 + 1, i);
        assert_string_equal(r.cells[i], want);
    }
    assert_int_equal(r.long_cell, -1);
    geo_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quotes_and_line_breaks),
        cmocka_unit_test(test_blank_rows_are_rows),
        cmocka_unit_test(test_long_cell_cut_on_a_character),
        cmocka_unit_test(test_unterminated_quote_ends_with_the_text),
        cmocka_unit_test(test_quotes_only_at_a_cells_start),
        cmocka_unit_test(test_long_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
