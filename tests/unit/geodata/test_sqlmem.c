/* Unit tests for geodata/sqlmem.c: the allocator SQLite is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "../../../geodata/sqlmem.h"

static int setup(void **state)
{
    (void)state;
    geo_sqlite_configure(); /* before anything starts SQLite */
    geo_sqlite_configure(); /* and only once */
    return sqlite3_initialize() == SQLITE_OK ? 0 : -1;
}

/* A page-sized request takes a slot, keeps it while it fits, leaves it for
 * the heap when it shrinks, and a freed slot is the next one given. */
static void test_page_sized_requests_take_slots(void **state)
{
    (void)state;
    unsigned char *p = sqlite3_malloc(GEO_SQLMEM_MIN + 200);
    assert_non_null(p);
    assert_true(geo_sqlmem_in_region(p));
    assert_int_equal(sqlite3_msize(p), GEO_SQLMEM_SLOT);
    for (int i = 0; i < GEO_SQLMEM_MIN + 200; i++)
        p[i] = (unsigned char)(i * 13);
    assert_ptr_equal(sqlite3_realloc(p, GEO_SQLMEM_SLOT), p);
    unsigned char *small = sqlite3_realloc(p, 100);
    assert_non_null(small);
    assert_false(geo_sqlmem_in_region(small));
    assert_true(sqlite3_msize(small) >= 100 && sqlite3_msize(small) < 112); /* rounded to 8 */
    for (int i = 0; i < 100; i++)
        assert_int_equal(small[i], (unsigned char)(i * 13));
    /* The slot p was freed by the move: it is the next one handed out. */
    unsigned char *again = sqlite3_malloc(GEO_SQLMEM_MIN + 1);
    assert_ptr_equal(again, p);
    /* Growing past a slot goes to the heap with the bytes. */
    memset(again, 7, GEO_SQLMEM_MIN + 1);
    unsigned char *big = sqlite3_realloc(again, 3 * GEO_SQLMEM_SLOT);
    assert_non_null(big);
    assert_false(geo_sqlmem_in_region(big));
    assert_int_equal(big[GEO_SQLMEM_MIN], 7);
    assert_int_equal(sqlite3_msize(big), 3 * GEO_SQLMEM_SLOT);
    sqlite3_free(big);
    sqlite3_free(small);
    /* Requests of other sizes never touch the region. */
    void *tiny = sqlite3_malloc(GEO_SQLMEM_MIN), *huge = sqlite3_malloc(GEO_SQLMEM_SLOT + 1);
    assert_false(geo_sqlmem_in_region(tiny));
    assert_false(geo_sqlmem_in_region(huge));
    sqlite3_free(tiny);
    sqlite3_free(huge);
}

/* A database bigger than its page cache works on top of it. */
static void test_a_database_runs_on_it(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA cache_size = 50; CREATE TABLE t(a INTEGER PRIMARY KEY, b);"
                                  " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                                  " WHERE i < 20000) INSERT INTO t SELECT i, hex(randomblob(40))"
                                  " FROM n; CREATE INDEX tb ON t(b);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*), sum(length(b)) FROM t WHERE b > ''"
                                        " AND (SELECT integrity_check FROM pragma_integrity_check)"
                                        " = 'ok'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 20000);
    assert_int_equal(sqlite3_column_int(st, 1), 20000 * 80);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Two threads taking and giving back slots: no slot is handed out twice. */
static void *churn(void *arg)
{
    unsigned char tag = (unsigned char)(uintptr_t)arg;
    for (int round = 0; round < 2000; round++) {
        unsigned char *v[16];
        for (int i = 0; i < 16; i++) {
            v[i] = sqlite3_malloc(GEO_SQLMEM_MIN + 64);
            if (!v[i])
                return (void *)1;
            memset(v[i], tag, GEO_SQLMEM_MIN + 64);
        }
        for (int i = 0; i < 16; i++) {
            for (int k = 0; k < GEO_SQLMEM_MIN + 64; k += 512)
                if (v[i][k] != tag)
                    return (void *)1;
            sqlite3_free(v[i]);
        }
    }
    return NULL;
}

static void test_threads_share_the_region(void **state)
{
    (void)state;
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1)), 0);
    for (int i = 0; i < 2; i++) {
        void *bad = (void *)1;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_null(bad);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_sized_requests_take_slots),
        cmocka_unit_test(test_a_database_runs_on_it),
        cmocka_unit_test(test_threads_share_the_region),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
