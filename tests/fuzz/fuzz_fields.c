/*
 * fuzz_fields.c - libFuzzer harness for the value parsers, the column-name
 * normaliser and the column mapping of geodata/alias.c, and for the
 * encoding detection and transcoding of geodata/encoding.c.
 *
 * The input (NUL-terminated copy) is fed to every value parser and to
 * geo_alias_normalize (output buffers of several sizes), then split on
 * commas into column names for geo_alias_map of every layer (the first
 * few pieces also tried as --field overrides), and finally the raw bytes
 * go through geo_utf8_valid, geo_encoding_detect and
 * geo_transcode_to_utf8 from GB18030, GBK and UTF-8. Everything returned
 * is freed and every struct cov_err released, so leaks are findings too.
 * Invariants (abort() on violation): parser results are in range, the
 * normalised name is NUL-terminated within its buffer, a buffer detected
 * as UTF-8 is valid UTF-8, GB18030 detection agrees with transcoding.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../geodata/alias.h"
#include "../../geodata/encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_COLS = 64 };

static void values(const char *s)
{
    int yn = 7;
    if (geo_parse_yesno(s, &yn) == 0 && yn != 0 && yn != 1)
        abort();
    enum cov_party p = (enum cov_party)-1;
    if (geo_parse_party(s, &p) == 0 && ((int)p < 0 || p >= COV_PARTY_COUNT))
        abort();
    enum cov_ur ur = COV_UR_UNKNOWN;
    if (geo_parse_ur(s, &ur) == 0 && ur != COV_UR_URBAN && ur != COV_UR_RURAL)
        abort();
    int code = -1;
    ur = COV_UR_UNKNOWN;
    if (geo_parse_urcode(s, &ur, &code) == 0 &&
        (code < 100 || code > 299 || (ur == COV_UR_URBAN) != (code < 200)))
        abort();
    int n = -1;
    if (geo_parse_count(s, &n) == GEO_COUNT_OK && n < 0)
        abort();
    double d = NAN;
    if (geo_parse_coord(s, &d) == 0 && !isfinite(d))
        abort();
}

static void normalize(const char *s, size_t size)
{
    static const size_t lens[] = {1, 2, 3, 4, 16, 256};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        char *out = malloc(lens[i]);
        if (!out)
            return;
        geo_alias_normalize(s, out, lens[i]);
        if (strnlen(out, lens[i]) == lens[i])
            abort();
        free(out);
    }
    char *big = malloc(size + 1);
    if (!big)
        return;
    geo_alias_normalize(s, big, size + 1);
    if (strlen(big) > size)
        abort();
    free(big);
    geo_alias_normalize(NULL, (char[4]){0}, 4);
    geo_alias_normalize(s, NULL, 0);
}

static void mapping(const char *s)
{
    char *copy = strdup(s);
    if (!copy)
        return;
    const char *cols[MAX_COLS];
    size_t n = 0;
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (n < MAX_COLS)
            cols[n++] = p;
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    for (int layer = 0; layer < COV_NLAYERS; layer++) {
        for (int lonlat = 0; lonlat < 2; lonlat++) {
            struct geo_field_map map;
            struct cov_err err;
            cov_err_init(&err);
            int rc = geo_alias_map((enum cov_layer)layer, cols, n, NULL, 0, lonlat, "fuzz.csv",
                                   &map, &err);
            if (rc == 0) {
                for (size_t i = 0; i < map.n; i++)
                    if (map.col[i] < -1 || map.col[i] >= (int)n)
                        abort();
            } else if (err.count == 0) {
                abort(); /* a failure says why */
            }
            cov_err_release(&err);
        }
        /* The pieces as --field overrides (CANONICAL=SOURCE) against the same columns. */
        size_t n_ov = n < 4 ? n : 4;
        struct geo_field_map map;
        struct cov_err err;
        cov_err_init(&err);
        geo_alias_map((enum cov_layer)layer, cols, n, cols, n_ov, 1, "fuzz.csv", &map, &err);
        cov_err_release(&err);
    }
    /* Zero columns. */
    struct geo_field_map map;
    struct cov_err err;
    cov_err_init(&err);
    geo_alias_map(COV_ORGANIZATIONS, cols, 0, NULL, 0, 1, "fuzz.csv", &map, &err);
    cov_err_release(&err);
    free(copy);
}

static void encoding(const uint8_t *data, size_t size)
{
    int v0 = geo_utf8_valid(data, size, 0);
    int v1 = geo_utf8_valid(data, size, 1);
    if (v0 && !v1)
        abort();
    for (int t = 0; t < 2; t++) {
        enum geo_encoding e = geo_encoding_detect(data, size, t);
        if (e == GEO_ENC_UTF8 && !geo_utf8_valid(data, size, t))
            abort();
        if ((int)e < GEO_ENC_UNKNOWN || e > GEO_ENC_GB18030)
            abort();
        if (!geo_encoding_name(e))
            abort();
        if (t == 0 && e == GEO_ENC_GB18030) {
            char *out = NULL;
            size_t out_len = 0;
            struct cov_err err;
            cov_err_init(&err);
            if (geo_transcode_to_utf8(data, size, "GB18030", "fuzz", &out, &out_len, &err) != 0)
                abort(); /* detection said it transcodes cleanly */
            if (!geo_utf8_valid(out, out_len, 0) || strlen(out) > out_len)
                abort();
            free(out);
            cov_err_release(&err);
        }
    }
    static const char *const from[] = {"GB18030", "GBK", "UTF-8"};
    for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
        char *out = NULL;
        size_t out_len = 0;
        struct cov_err err;
        cov_err_init(&err);
        int rc = geo_transcode_to_utf8(data, size, from[i], "fuzz", &out, &out_len, &err);
        if (rc == 0) {
            if (!out || out[out_len] != '\0')
                abort();
        } else if (out || err.count == 0) {
            abort();
        }
        free(out);
        cov_err_release(&err);
    }
    /* Without an error value (the detection path does this). */
    char *out = NULL;
    size_t out_len = 0;
    geo_transcode_to_utf8(data, size, "GBK", "fuzz", &out, &out_len, NULL);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    values(s);
    normalize(s, size);
    mapping(s);
    encoding(data, size);
    free(s);
    return 0;
}
