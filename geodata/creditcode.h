/*
 * creditcode.h - the unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * 18 characters: registration authority (1), organization type (1),
 * administrative division code (6, characters 3-8), organization code (9),
 * check character (1). Alphabet: 0-9 and A-Z without I, O, S, V, Z.
 */
#ifndef GEO_CREDITCODE_H
#define GEO_CREDITCODE_H

#include <stddef.h>

/*
 * Check code. Returns 0 when valid; otherwise nonzero and writes into why
 * (why_len bytes, may be NULL) an English reason a user can act on, e.g.
 * "has 17 characters (expected 18)", "character 'I' at position 5 is not
 * allowed (expected 0-9 or A-Z without I, O, S, V, Z)", "check character is
 * 'X' (expected 'Y')". Lower-case letters are not accepted.
 */
int geo_creditcode_check(const char *code, char *why, size_t why_len);

/* The check character for the first 17 characters, or 0 if one is not in the alphabet. */
char geo_creditcode_check_char(const char *code17);

/* Copy characters 3-8 (the division code) into out[7]; 0 ok, -1 if code is too short. */
int geo_creditcode_division(const char *code, char out[7]);

#endif
