/* test_encoding.c - UTF-8 / GB18030 detection and transcoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../geodata/encoding.h"

/* "名称,经度" in GBK (made with iconv -t GBK). */
static const char gbk[] = "\xC3\xFB\xB3\xC6,\xBE\xAD\xB6\xC8";
static const char utf8[] = "名称,经度";

static void test_ascii_is_utf8(void **state) {
    (void)state;
    const char s[] = "code,name,lon,lat\n1,a,119.2,34.6\n";
    assert_int_equal(geo_encoding_detect(s, sizeof(s) - 1, 0), GEO_ENC_UTF8);
}

static void test_utf8_chinese(void **state) {
    (void)state;
    assert_int_equal(geo_encoding_detect(utf8, strlen(utf8), 0), GEO_ENC_UTF8);
}

static void test_utf8_bom(void **state) {
    (void)state;
    char buf[64] = "\xEF\xBB\xBF";
    strcat(buf, utf8);
    assert_int_equal(geo_encoding_detect(buf, strlen(buf), 0), GEO_ENC_UTF8_BOM);
}

static void test_gbk_bytes_are_gb18030(void **state) {
    (void)state;
    assert_int_equal(geo_utf8_valid(gbk, strlen(gbk), 0), 0);
    assert_int_equal(geo_encoding_detect(gbk, strlen(gbk), 0), GEO_ENC_GB18030);
}

static void test_garbage_is_unknown(void **state) {
    (void)state;
    const char bad[] = "abc\x80\xFF\xFF";
    assert_int_equal(geo_encoding_detect(bad, sizeof(bad) - 1, 0), GEO_ENC_UNKNOWN);
}

static void test_truncated_utf8_sample(void **state) {
    (void)state;
    /* The sample ends in the middle of 经 (E7 BB 8F). */
    const char cut[] = "名称,\xE7\xBB";
    assert_int_equal(geo_utf8_valid(cut, strlen(cut), 0), 0);
    assert_int_equal(geo_utf8_valid(cut, strlen(cut), 1), 1);
    assert_int_equal(geo_encoding_detect(cut, strlen(cut), 1), GEO_ENC_UTF8);
}

static void test_overlong_and_surrogate_rejected(void **state) {
    (void)state;
    assert_int_equal(geo_utf8_valid("\xC0\xAF", 2, 0), 0);
    assert_int_equal(geo_utf8_valid("\xE0\x80\xAF", 3, 0), 0);
    assert_int_equal(geo_utf8_valid("\xED\xA0\x80", 3, 0), 0);
    assert_int_equal(geo_utf8_valid("\xF4\x90\x80\x80", 4, 0), 0);
    assert_int_equal(geo_utf8_valid("\xF0\x9F\x98\x80", 4, 0), 1);
}

static void test_transcode_gbk(void **state) {
    (void)state;
    char *out = NULL;
    size_t n = 0;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_transcode_to_utf8(gbk, strlen(gbk), "GB18030", "x.csv", &out, &n, &err),
                     0);
    assert_string_equal(out, utf8);
    assert_int_equal(n, strlen(utf8));
    free(out);
    cov_err_release(&err);
}

static void test_transcode_invalid_names_offset(void **state) {
    (void)state;
    char *out = NULL;
    size_t n = 0;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_transcode_to_utf8("ab\xFF", 3, "GB18030", "x.csv", &out, &n, &err),
                     COV_EINPUT);
    assert_null(out);
    assert_non_null(strstr(cov_err_msg(&err), "x.csv: byte offset 2"));
    cov_err_release(&err);
}

static void test_transcode_unknown_encoding(void **state) {
    (void)state;
    char *out = NULL;
    size_t n = 0;
    struct cov_err err;
    cov_err_init(&err);
    assert_int_equal(geo_transcode_to_utf8("ab", 2, "NO-SUCH-ENC", "x.csv", &out, &n, &err),
                     COV_EUSAGE);
    assert_non_null(strstr(cov_err_msg(&err), "unknown encoding 'NO-SUCH-ENC'"));
    cov_err_release(&err);
}

static void test_transcode_grows_buffer(void **state) {
    (void)state;
    /* 4000 GBK characters: 8000 bytes in, 12000 out; forces the E2BIG path. */
    size_t n_in = 8000;
    char *in = malloc(n_in);
    assert_non_null(in);
    for (size_t i = 0; i < n_in; i += 2)
        memcpy(in + i, "\xC3\xFB", 2);
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(geo_transcode_to_utf8(in, n_in, "GBK", "big", &out, &n, NULL), 0);
    assert_int_equal(n, 12000);
    assert_memory_equal(out + 11997, "名", 3);
    free(in);
    free(out);
}

static void test_is_utf8_names(void **state) {
    (void)state;
    assert_true(geo_encoding_is_utf8("utf-8"));
    assert_true(geo_encoding_is_utf8("UTF8"));
    assert_false(geo_encoding_is_utf8("GBK"));
    assert_false(geo_encoding_is_utf8(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_is_utf8),
        cmocka_unit_test(test_utf8_chinese),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_gbk_bytes_are_gb18030),
        cmocka_unit_test(test_garbage_is_unknown),
        cmocka_unit_test(test_truncated_utf8_sample),
        cmocka_unit_test(test_overlong_and_surrogate_rejected),
        cmocka_unit_test(test_transcode_gbk),
        cmocka_unit_test(test_transcode_invalid_names_offset),
        cmocka_unit_test(test_transcode_unknown_encoding),
        cmocka_unit_test(test_transcode_grows_buffer),
        cmocka_unit_test(test_is_utf8_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
