/* test_zipguard.c - zip bombs refused from the central directory alone. Run from the repo root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cpl_vsi.h>

#include "../../../geodata/zipguard.h"

struct member {
    const char *name;
    uint64_t csize, usize;
};

static void put16(unsigned char **p, uint32_t v)
{
    (*p)[0] = (unsigned char)v;
    (*p)[1] = (unsigned char)(v >> 8);
    *p += 2;
}

static void put32(unsigned char **p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p, v >> 16);
}

static void put64(unsigned char **p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p, (uint32_t)(v >> 32));
}

/*
 * A zip at path (VSI) whose central directory declares the given sizes; the
 * members' data is a few dummy bytes (a bomb declares what it will unpack to,
 * which is all the guard reads). Sizes over 4 GiB use the zip64 extra field.
 */
static void make_zip(const char *path, const struct member *m, int n)
{
    unsigned char *buf = calloc(1, 65536), *p = buf;
    uint32_t local_off[16];
    for (int i = 0; i < n; i++) {
        local_off[i] = (uint32_t)(p - buf);
        put32(&p, 0x04034b50);
        put16(&p, 20), put16(&p, 0), put16(&p, 8), put32(&p, 0), put32(&p, 0);
        put32(&p, 4), put32(&p, 0), put16(&p, (uint32_t)strlen(m[i].name)), put16(&p, 0);
        memcpy(p, m[i].name, strlen(m[i].name));
        p += strlen(m[i].name);
        memcpy(p, "\x03\x00\x00\x00", 4);
        p += 4;
    }
    uint32_t cd_off = (uint32_t)(p - buf);
    for (int i = 0; i < n; i++) {
        int z64 = m[i].usize > 0xfffffffeu;
        put32(&p, 0x02014b50);
        put16(&p, 45), put16(&p, 45), put16(&p, 0), put16(&p, 8), put32(&p, 0), put32(&p, 0);
        put32(&p, z64 ? 0xffffffffu : (uint32_t)m[i].csize);
        put32(&p, z64 ? 0xffffffffu : (uint32_t)m[i].usize);
        put16(&p, (uint32_t)strlen(m[i].name)), put16(&p, z64 ? 20 : 0), put16(&p, 0);
        put16(&p, 0), put16(&p, 0), put32(&p, 0), put32(&p, local_off[i]);
        memcpy(p, m[i].name, strlen(m[i].name));
        p += strlen(m[i].name);
        if (z64) {
            put16(&p, 1), put16(&p, 16), put64(&p, m[i].usize), put64(&p, m[i].csize);
        }
    }
    uint32_t cd_size = (uint32_t)(p - buf) - cd_off;
    put32(&p, 0x06054b50);
    put16(&p, 0), put16(&p, 0), put16(&p, (uint32_t)n), put16(&p, (uint32_t)n);
    put32(&p, cd_size), put32(&p, cd_off), put16(&p, 0);
    VSILFILE *f = VSIFOpenL(path, "wb");
    assert_non_null(f);
    assert_int_equal(VSIFWriteL(buf, 1, (size_t)(p - buf), f), (size_t)(p - buf));
    VSIFCloseL(f);
    free(buf);
}

static void test_real_workbook_passes(void **state)
{
    (void)state;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("data/lianyungang/organizations.xlsx", NULL, &err), 0);
    assert_int_equal(geo_zip_check("tests/fixtures/import/orgs_textcells.xlsx", NULL, &err), 0);
    cov_err_release(&err);
}

static void test_small_members_pass(void **state)
{
    (void)state;
    struct member m[] = {{"[Content_Types].xml", 400, 1200}, {"xl/worksheets/sheet1.xml", 90000,
                                                                 2000000}};
    make_zip("/vsimem/ok.xlsx", m, 2);
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("/vsimem/ok.xlsx", NULL, &err), 0);
    cov_err_release(&err);
    VSIUnlink("/vsimem/ok.xlsx");
}

static void test_three_gb_cell_refused_fast(void **state)
{
    (void)state;
    struct member m[] = {{"xl/sharedStrings.xml", 3000000, 3000000000ull}};
    make_zip("/vsimem/bomb.xlsx", m, 1);
    struct cov_err err;
    cov_err_init(&err);
    clock_t t0 = clock();
    assert_int_equal(geo_zip_check("/vsimem/bomb.xlsx", NULL, &err), COV_EINPUT);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
    assert_non_null(strstr(cov_err_msg(&err), "/vsimem/bomb.xlsx: refused: part "
                                              "'xl/sharedStrings.xml' would unpack to 2861 MiB"));
    cov_err_release(&err);
    VSIUnlink("/vsimem/bomb.xlsx");
}

static void test_ratio_refused(void **state)
{
    (void)state;
    struct member m[] = {{"xl/worksheets/sheet1.xml", 100000, 100ull << 20}};
    make_zip("/vsimem/ratio.xlsx", m, 1);
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("/vsimem/ratio.xlsx", NULL, &err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&err), "times its size"));
    cov_err_release(&err);
    /* the ratio is a parameter */
    struct geo_zip_limits lim;
    geo_zip_limits_default(&lim);
    lim.max_ratio = 5000;
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("/vsimem/ratio.xlsx", &lim, &err), 0);
    cov_err_release(&err);
    VSIUnlink("/vsimem/ratio.xlsx");
}

static void test_zip64_sizes_read(void **state)
{
    (void)state;
    struct member m[] = {{"xl/worksheets/sheet1.xml", 50ull << 20, 6ull << 30}};
    make_zip("/vsimem/z64.xlsx", m, 1);
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("/vsimem/z64.xlsx", NULL, &err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&err), "would unpack to 6144 MiB"));
    cov_err_release(&err);
    VSIUnlink("/vsimem/z64.xlsx");
}

static void test_total_refused(void **state)
{
    (void)state;
    struct member m[5];
    char names[5][32];
    for (int i = 0; i < 5; i++) {
        snprintf(names[i], sizeof(names[i]), "sheet%d.xml", i);
        m[i] = (struct member){names[i], 100ull << 20, 250ull << 20};
    }
    make_zip("/vsimem/total.xlsx", m, 5);
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("/vsimem/total.xlsx", NULL, &err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&err), "more than 1024 MiB"));
    cov_err_release(&err);
    VSIUnlink("/vsimem/total.xlsx");
}

static void test_not_a_zip(void **state)
{
    (void)state;
    VSILFILE *f = VSIFOpenL("/vsimem/text.xlsx", "wb");
    VSIFWriteL("id,name\n1,x\n", 1, 12, f);
    VSIFCloseL(f);
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("/vsimem/text.xlsx", NULL, &err), COV_EINPUT);
    assert_non_null(strstr(cov_err_msg(&err), "not a readable .xlsx"));
    cov_err_release(&err);
    cov_err_init(&err);
    assert_int_equal(geo_zip_check("/vsimem/absent.xlsx", NULL, &err), COV_EIO);
    cov_err_release(&err);
    VSIUnlink("/vsimem/text.xlsx");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_workbook_passes), cmocka_unit_test(test_small_members_pass),
        cmocka_unit_test(test_three_gb_cell_refused_fast), cmocka_unit_test(test_ratio_refused),
        cmocka_unit_test(test_zip64_sizes_read),     cmocka_unit_test(test_total_refused),
        cmocka_unit_test(test_not_a_zip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
