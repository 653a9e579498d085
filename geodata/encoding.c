/* encoding.c - UTF-8 / GB18030 detection and transcoding with iconv. */
#include "encoding.h"
#include "../analysis/i18n.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *geo_encoding_name(enum geo_encoding e)
{
    switch (e) {
    case GEO_ENC_UTF8:
        return "UTF-8";
    case GEO_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    case GEO_ENC_GB18030:
        return "GB18030";
    default:
        return "unknown";
    }
}

int geo_utf8_valid(const void *buf, size_t len, int truncated_ok)
{
    const unsigned char *p = buf;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t k = 1; k < n; k++) {
            if (i + k >= len)
                return truncated_ok;
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n;
    }
    return 1;
}

/*
 * Structural GB18030 check (no iconv needed): single bytes 0x00-0x7F, two
 * bytes 81-FE + 40-7E/80-FE, four bytes 81-FE 30-39 81-FE 30-39. iconv is
 * still used for the transcoding itself, which also rejects unassigned codes.
 */
static int gb18030_valid(const unsigned char *p, size_t len, int truncated_ok)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c == 0x80 || c == 0xFF)
            return 0;
        if (i + 1 >= len)
            return truncated_ok;
        unsigned char d = p[i + 1];
        if ((d >= 0x40 && d <= 0x7E) || (d >= 0x80 && d <= 0xFE)) {
            i += 2;
            continue;
        }
        if (d < 0x30 || d > 0x39)
            return 0;
        if (i + 3 >= len)
            return truncated_ok;
        if (p[i + 2] < 0x81 || p[i + 2] > 0xFE || p[i + 3] < 0x30 || p[i + 3] > 0x39)
            return 0;
        i += 4;
    }
    return 1;
}

enum geo_encoding geo_encoding_detect(const void *buf, size_t len, int truncated_ok)
{
    const unsigned char *p = buf;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return GEO_ENC_UTF8_BOM;
    if (geo_utf8_valid(buf, len, truncated_ok))
        return GEO_ENC_UTF8;
    if (gb18030_valid(p, len, truncated_ok)) {
        /* Confirm with iconv on the whole-character prefix. */
        char *tmp = NULL;
        size_t tmp_len = 0;
        size_t n = len;
        if (truncated_ok) {
            /* Drop a possibly cut last character: back up to the last ASCII byte. */
            while (n > 0 && p[n - 1] >= 0x80)
                n--;
        }
        int rc = geo_transcode_to_utf8(buf, n, "GB18030", "", &tmp, &tmp_len, NULL);
        free(tmp);
        if (rc == COV_OK)
            return GEO_ENC_GB18030;
    }
    return GEO_ENC_UNKNOWN;
}

int geo_encoding_is_utf8(const char *name)
{
    return name && (!strcasecmp(name, "UTF-8") || !strcasecmp(name, "UTF8"));
}

int geo_transcode_to_utf8(const void *in, size_t len, const char *from, const char *what,
                          char **out, size_t *out_len, struct cov_err *err)
{
    *out = NULL;
    *out_len = 0;
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return cov_err_set(err, COV_EUSAGE,
                           _("%s: unknown encoding '%s' (expected UTF-8, GB18030, "
                             "GBK or another name iconv knows)"),
                           what, from);
    size_t cap = len * 2 + 16; /* GBK -> UTF-8 grows by at most 3/2; 4-byte GB18030 stays 4 */
    char *buf = malloc(cap);
    int rc = COV_OK;
    if (!buf) {
        rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory transcoding %zu bytes"), what, len);
        goto cleanup;
    }
    char *src = (char *)(uintptr_t)in; /* iconv's prototype is not const-correct */
    size_t left = len, room = cap - 1;
    char *dst = buf;
    while (left > 0) {
        if (iconv(cd, &src, &left, &dst, &room) != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            size_t used = (size_t)(dst - buf);
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory transcoding"), what);
                goto cleanup;
            }
            buf = nb;
            dst = buf + used;
            room = cap - used - 1;
            continue;
        }
        rc = cov_err_set(err, COV_EINPUT,
                         _("%s: byte offset %zu: not valid %s text (expected UTF-8 or GB18030; "
                           "try --encoding)"),
                         what, len - left, from);
        goto cleanup;
    }
    *dst = '\0';
    *out_len = (size_t)(dst - buf);
    *out = buf;
    buf = NULL;
cleanup:
    free(buf);
    iconv_close(cd);
    return rc;
}
