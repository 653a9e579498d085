/* test_rtree.c - the packed R*Tree writer: SQLite's rtreecheck() accepts the tree, window
 * queries through it find exactly what a scan finds, and the tree stays usable for the
 * rtree module's own inserts and deletes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../../../geodata/rtree.h"

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE b(id INTEGER PRIMARY KEY, x0, x1, y0, y1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void expect_ok(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT rtreecheck('idx')", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

/* n boxes with integer corners (exact in float) from a fixed LCG, ids
 * stride apart; every seventh one has NULL coordinates and must be left out
 * of the index. */
static long fill_ids(sqlite3 *db, long n, long stride)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO b VALUES(?, ?, ?, ?, ?)", -1, &st, NULL),
                     SQLITE_OK);
    uint64_t r = 12345;
    long kept = 0;
    for (long i = 1; i <= n; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        int x = (int)((r >> 33) % 100000), y = (int)((r >> 13) % 100000);
        int w = (int)((r >> 5) % 50), h = (int)((r >> 45) % 50);
        sqlite3_bind_int64(st, 1, i * stride);
        if (i % 7 == 0) {
            for (int k = 2; k <= 5; k++)
                sqlite3_bind_null(st, k);
        } else {
            sqlite3_bind_int(st, 2, x);
            sqlite3_bind_int(st, 3, x + w);
            sqlite3_bind_int(st, 4, y);
            sqlite3_bind_int(st, 5, y + h);
            kept++;
        }
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    return kept;
}

static long fill(sqlite3 *db, long n)
{
    return fill_ids(db, n, 3); /* sparse ids, as after deletes */
}

static void pack(sqlite3 *db)
{
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_rtree_pack(db, "idx", "SELECT id, x0, x1, y0, y1 FROM b", &err), 0);
    cov_err_release(&err);
}

/* Windows over the whole extent: the index and a scan agree on every one. */
static void expect_same_answers(sqlite3 *db)
{
    uint64_t r = 99;
    for (int q = 0; q < 60; q++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        int x = (int)((r >> 33) % 100000), y = (int)((r >> 13) % 100000);
        int s = 1 + (int)((r >> 7) % (q < 30 ? 3000 : 40000));
        char a[256], b[256];
        snprintf(a, sizeof(a),
                 "SELECT count(*) FROM idx WHERE xmin <= %d AND xmax >= %d AND ymin <= %d"
                 " AND ymax >= %d",
                 x + s, x, y + s, y);
        snprintf(b, sizeof(b),
                 "SELECT count(*) FROM b WHERE x0 IS NOT NULL AND x0 <= %d AND x1 >= %d AND"
                 " y0 <= %d AND y1 >= %d",
                 x + s, x, y + s, y);
        assert_int_equal(scalar(db, a), scalar(db, b));
    }
}

static void check_size(long n, long depth)
{
    sqlite3 *db = open_db();
    long kept = fill(db, n);
    pack(db);
    expect_ok(db);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx"), kept);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx_rowid"), kept);
    /* The root's first two bytes are the depth. */
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT data FROM idx_node WHERE nodeno = 1", -1, &st,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *root = sqlite3_column_blob(st, 0);
    assert_int_equal(root[0] << 8 | root[1], depth);
    sqlite3_finalize(st);
    expect_same_answers(db);
    sqlite3_close(db);
}

/* Boxes held in memory (a bulk write's) give the same valid tree as the
 * query, whatever the spacing of the ids: dense ones (a new table), sparse
 * ones placed by direct address, very sparse ones sorted. */
static void check_from_memory(long n, long stride)
{
    sqlite3 *db = open_db();
    long kept = fill_ids(db, n, stride);
    struct geo_rbox *v = malloc((size_t)(kept ? kept : 1) * sizeof(*v));
    assert_non_null(v);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, x0, x1, y0, y1 FROM b WHERE x0 IS NOT NULL",
                                        -1, &st, NULL),
                     SQLITE_OK);
    long k = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        v[k++] = geo_rtree_box(sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
                               sqlite3_column_double(st, 2), sqlite3_column_double(st, 3),
                               sqlite3_column_double(st, 4));
    sqlite3_finalize(st);
    assert_int_equal(k, kept);
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_rtree_pack_boxes(db, "idx", v, (size_t)k, &err), 0);
    cov_err_release(&err);
    free(v);
    expect_ok(db);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx"), kept);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx_rowid"), kept);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx_rowid r JOIN b ON b.id = r.rowid"), kept);
    expect_same_answers(db);
    sqlite3_close(db);
}

static void test_from_memory(void **state)
{
    (void)state;
    check_from_memory(0, 1);
    check_from_memory(5000, 1);
    check_from_memory(5000, 4);
    check_from_memory(5000, 1000);
}

static int by_centre(const void *a, const void *b, int axis)
{
    const struct geo_rbox *p = a, *q = b;
    float u = p->c[2 * axis] + p->c[2 * axis + 1], v = q->c[2 * axis] + q->c[2 * axis + 1];
    if (u != v)
        return u < v ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}
static int by_x(const void *a, const void *b) { return by_centre(a, b, 0); }
static int by_y(const void *a, const void *b) { return by_centre(a, b, 1); }

/* The level sort gives exactly the comparison order: negative and mixed-sign
 * centres, -0 against +0, many ties (broken by id), ids shuffled and far apart. */
static void test_sort_is_comparison_order(void **state)
{
    (void)state;
    uint64_t r = 7;
    for (int round = 0; round < 40; round++) {
        size_t n = round < 10 ? (size_t)round * 7 : 3000 + (size_t)round * 97;
        struct geo_rbox *a = malloc((n ? n : 1) * sizeof(*a)), *b = malloc((n ? n : 1) * sizeof(*b));
        assert_true(a && b);
        int64_t base = round % 3 == 0 ? -5000000000LL : round % 3 == 1 ? 1 : 4000000000LL;
        for (size_t i = 0; i < n; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            int kind = (int)(r >> 60);
            float x0 = kind < 4    ? (float)((int)((r >> 20) % 200) - 100) /* ties */
                       : kind < 6 ? -0.0f
                       : kind < 8 ? 0.0f
                                  : (float)((double)(int64_t)(r >> 11) / 1e12 - 4e6);
            float y0 = (float)((int)((r >> 30) % 50) - 25);
            a[i].id = (int64_t)i;
            a[i].c[0] = x0;
            a[i].c[1] = kind & 1 ? x0 : x0 + 1.5f;
            a[i].c[2] = y0;
            a[i].c[3] = y0 + (float)(kind % 3);
        }
        /* Unique ids in shuffled order, from base; every fourth round more than
         * 2^32 apart (the comparison sort's fallback). */
        int64_t step = round % 4 == 3 ? ((int64_t)1 << 33) : 1 + round % 5;
        for (size_t i = n; i > 1; i--) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            size_t j = (size_t)(r >> 33) % i;
            int64_t t = a[i - 1].id;
            a[i - 1].id = a[j].id;
            a[j].id = t;
        }
        for (size_t i = 0; i < n; i++)
            a[i].id = base + a[i].id * step;
        for (int axis = 0; axis < 2; axis++) {
            memcpy(b, a, n * sizeof(*a));
            geo_rtree_sort(a, n, axis);
            qsort(b, n, sizeof(*b), axis ? by_y : by_x);
            for (size_t i = 0; i < n; i++)
                if (a[i].id != b[i].id)
                    fail_msg("round %d axis %d: position %zu holds %lld, expected %lld", round,
                             axis, i, (long long)a[i].id, (long long)b[i].id);
        }
        free(a);
        free(b);
    }
}

/* The row ids written for json_each: as printf writes them, the extremes included. */
static void test_put_int64(void **state)
{
    (void)state;
    const int64_t v[] = {0, 7, -1, 10, 1234567890123LL, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char got[32], want[32];
        size_t n = geo_put_int64(got, v[i]);
        got[n] = 0;
        snprintf(want, sizeof(want), "%lld", (long long)v[i]);
        assert_string_equal(got, want);
    }
}

static void test_empty(void **state)
{
    (void)state;
    check_size(0, 0);
}

static void test_one_leaf(void **state)
{
    (void)state;
    check_size(1, 0);
    check_size(59, 0); /* 51 kept: exactly one full node */
}

static void test_two_levels(void **state)
{
    (void)state;
    check_size(60, 1); /* 52 kept: one more than a node holds */
    check_size(3000, 1);
}

static void test_three_levels(void **state)
{
    (void)state;
    check_size(40000, 2);
}

static void test_four_levels(void **state)
{
    (void)state;
    check_size(160000, 3); /* 137,143 kept > 51^3 */
}

/* The rtree module goes on maintaining the packed tree: inserts that split
 * full nodes and deletes that empty them keep it consistent and correct. */
static void test_module_edits_after_pack(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    fill(db, 5000);
    pack(db);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO idx SELECT id + 1, x0 + 1, x1 + 1, y0, y1 FROM b"
                                  " WHERE x0 IS NOT NULL AND id % 2 = 0;"
                                  "DELETE FROM idx WHERE pkid % 5 = 0",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    expect_ok(db);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx WHERE pkid % 5 = 0"), 0);
    sqlite3_close(db);
}

/* Coordinates that float cannot hold: the stored box still contains the
 * double one (minimum rounded down, maximum up). */
static void test_rounding_outward(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO b VALUES(1, 500000.123456789, 500000.123456789,"
                                  " 3812345.987654321, 3812345.987654321)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    pack(db);
    expect_ok(db);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx WHERE xmin <= 500000.123456789 AND"
                                " xmax >= 500000.123456789 AND ymin <= 3812345.987654321 AND"
                                " ymax >= 3812345.987654321"),
                     1);
    assert_int_equal(scalar(db, "SELECT xmin < xmax AND ymin < ymax FROM idx"), 1);
    sqlite3_close(db);
}

/* A packed index replaces whatever the table held before. */
static void test_repack_replaces(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    long kept = fill(db, 800);
    pack(db);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM b WHERE id > 1200", NULL, NULL, NULL), SQLITE_OK);
    pack(db);
    expect_ok(db);
    assert_true(scalar(db, "SELECT count(*) FROM idx") < kept);
    assert_int_equal(scalar(db, "SELECT count(*) FROM idx"),
                     scalar(db, "SELECT count(*) FROM b WHERE x0 IS NOT NULL"));
    expect_same_answers(db);
    sqlite3_close(db);
}

static void test_bad_query_reported(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    struct cov_err err;
    cov_err_init(&err);
    assert_int_not_equal(geo_rtree_pack(db, "idx", "SELECT id FROM nowhere", &err), 0);
    assert_non_null(strstr(cov_err_msg(&err), "idx"));
    cov_err_release(&err);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_int64),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_one_leaf),
        cmocka_unit_test(test_two_levels),
        cmocka_unit_test(test_three_levels),
        cmocka_unit_test(test_four_levels),
        cmocka_unit_test(test_from_memory),
        cmocka_unit_test(test_sort_is_comparison_order),
        cmocka_unit_test(test_module_edits_after_pack),
        cmocka_unit_test(test_rounding_outward),
        cmocka_unit_test(test_repack_replaces),
        cmocka_unit_test(test_bad_query_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
