/* test_creditcode.c - GB 32100-2015 check character and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../../geodata/creditcode.h"

/* Codes published by their holders (business licences, registers). */
static const char *const published[] = {
    "91350100M000100Y43", /* check character is a digit */
    "91110000600037341L", "91440300708461136T",
    "91110108551385082Q", "53100000500021676K", /* a foundation (type 5: social organization) */
};

static void test_published_codes_are_valid(void **state) {
    (void)state;
    char why[256];
    for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
        why[0] = 0;
        assert_int_equal(geo_creditcode_check(published[i], why, sizeof(why)), 0);
        assert_string_equal(why, "");
    }
}

static void test_check_char_computed(void **state) {
    (void)state;
    assert_int_equal(geo_creditcode_check_char("91350100M000100Y4"), '3');
    assert_int_equal(geo_creditcode_check_char("91110000600037341"), 'L');
    assert_int_equal(geo_creditcode_check_char("91440300708461136"), 'T');
    /* sum mod 31 == 0 gives check value 31 -> '0' */
    assert_int_equal(geo_creditcode_check_char("00000000000000000"), '0');
    /* 1 at position 1 (weight 1): 31 - 1 = 30 -> 'Y' */
    assert_int_equal(geo_creditcode_check_char("10000000000000000"), 'Y');
}

static void test_check_char_rejects_bad_alphabet(void **state) {
    (void)state;
    assert_int_equal(geo_creditcode_check_char("9111000060003734I"), 0);
    assert_int_equal(geo_creditcode_check_char("9111000060003734"), 0);
    assert_int_equal(geo_creditcode_check_char(NULL), 0);
}

static void test_wrong_check_character_message(void **state) {
    (void)state;
    char why[256];
    /* Not assumed valid: its check character computes to 'L'. */
    assert_int_not_equal(geo_creditcode_check("51320700MJ5658720C", why, sizeof(why)), 0);
    assert_string_equal(why, "check character is 'C' (expected 'L')");
    assert_int_equal(geo_creditcode_check("51320700MJ5658720L", why, sizeof(why)), 0);
}

static void test_length_message(void **state) {
    (void)state;
    char why[256];
    assert_int_not_equal(geo_creditcode_check("91110000600037341", why, sizeof(why)), 0);
    assert_string_equal(why, "has 17 characters (expected 18)");
    assert_int_not_equal(geo_creditcode_check("91110000600037341LX", why, sizeof(why)), 0);
    assert_string_equal(why, "has 19 characters (expected 18)");
}

static void test_empty_message(void **state) {
    (void)state;
    char why[256];
    assert_int_not_equal(geo_creditcode_check("", why, sizeof(why)), 0);
    assert_string_equal(why, "is empty (expected 18 characters)");
    assert_int_not_equal(geo_creditcode_check(NULL, why, sizeof(why)), 0);
    assert_string_equal(why, "is empty (expected 18 characters)");
}

static void test_forbidden_letter_message(void **state) {
    (void)state;
    char why[256];
    assert_int_not_equal(geo_creditcode_check("9111I000600037341L", why, sizeof(why)), 0);
    assert_string_equal(why, "character 'I' at position 5 is not allowed "
                             "(expected 0-9 or A-Z without I, O, S, V, Z)");
    const char *letters = "OSVZ";
    for (const char *c = letters; *c; c++) {
        char code[19] = "91110000600037341L";
        code[9] = *c;
        assert_int_not_equal(geo_creditcode_check(code, why, sizeof(why)), 0);
        assert_non_null(strstr(why, "at position 10 is not allowed"));
    }
}

static void test_lower_case_message(void **state) {
    (void)state;
    char why[256];
    assert_int_not_equal(geo_creditcode_check("91110000600037341l", why, sizeof(why)), 0);
    assert_string_equal(why, "character 'l' at position 18 is lower-case "
                             "(expected 0-9 or upper-case A-Z without I, O, S, V, Z)");
}

static void test_non_ascii_message(void **state) {
    (void)state;
    char why[256];
    /* 18 bytes with one of them a stray high byte. */
    assert_int_not_equal(geo_creditcode_check("9111000060003734\xA1L", why, sizeof(why)), 0);
    assert_string_equal(why, "character byte 0xA1 at position 17 is not allowed "
                             "(expected 0-9 or A-Z without I, O, S, V, Z)");
}

static void test_why_may_be_null_or_short(void **state) {
    (void)state;
    assert_int_not_equal(geo_creditcode_check("91110000600037341X", NULL, 0), 0);
    char tiny[6];
    assert_int_not_equal(geo_creditcode_check("91110000600037341X", tiny, sizeof(tiny)), 0);
    assert_string_equal(tiny, "check");
}

static void test_division(void **state) {
    (void)state;
    char div[7];
    assert_int_equal(geo_creditcode_division("91320700MA1MXXXX", div), 0);
    assert_string_equal(div, "320700");
    assert_int_equal(geo_creditcode_division("9132070", div), -1);
    assert_string_equal(div, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_codes_are_valid),
        cmocka_unit_test(test_check_char_computed),
        cmocka_unit_test(test_check_char_rejects_bad_alphabet),
        cmocka_unit_test(test_wrong_check_character_message),
        cmocka_unit_test(test_length_message),
        cmocka_unit_test(test_empty_message),
        cmocka_unit_test(test_forbidden_letter_message),
        cmocka_unit_test(test_lower_case_message),
        cmocka_unit_test(test_non_ascii_message),
        cmocka_unit_test(test_why_may_be_null_or_short),
        cmocka_unit_test(test_division),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
