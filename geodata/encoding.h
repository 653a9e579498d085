/*
 * encoding.h - tell UTF-8 from GB18030/GBK text and transcode the latter.
 *
 * Chinese CSV exports from Excel and shapefiles without a .cpg are GBK
 * (a subset of GB18030); GDAL's CSV driver passes their bytes through, so
 * the importer detects the encoding first and transcodes with iconv.
 */
#ifndef GEO_ENCODING_H
#define GEO_ENCODING_H

#include <stddef.h>

#include "../analysis/err.h"

enum geo_encoding {
    GEO_ENC_UNKNOWN, /* neither valid UTF-8 nor valid GB18030 */
    GEO_ENC_UTF8,    /* valid UTF-8 (plain ASCII included), no BOM */
    GEO_ENC_UTF8_BOM,
    GEO_ENC_GB18030,
};

/* Borrowed: "UTF-8", "UTF-8 with BOM", "GB18030", "unknown". */
const char *geo_encoding_name(enum geo_encoding e);

/*
 * 1 if buf[0..len) is valid UTF-8 (no overlongs, surrogates or code points
 * above U+10FFFF). With truncated_ok, a multi-byte sequence cut off by the
 * end of the buffer is accepted (for samples taken from a larger file).
 */
int geo_utf8_valid(const void *buf, size_t len, int truncated_ok);

/*
 * Detect the encoding of a byte buffer: a UTF-8 BOM, else valid UTF-8 wins,
 * else GB18030 when iconv decodes it cleanly. truncated_ok as above.
 */
enum geo_encoding geo_encoding_detect(const void *buf, size_t len, int truncated_ok);

/*
 * Transcode len bytes from encoding `from` (an iconv name: "GB18030", "GBK",
 * "CP936", ...) to UTF-8. *out is caller-owned (free()), NUL-terminated, its
 * length (without the NUL) in *out_len. Returns 0; COV_EINPUT when the bytes
 * are not valid in `from` (message names what and the byte offset);
 * COV_EUSAGE when iconv does not know `from` (a bad --encoding); COV_ENOMEM.
 * what names the input in messages (e.g. the file name).
 */
int geo_transcode_to_utf8(const void *in, size_t len, const char *from, const char *what,
                          char **out, size_t *out_len, struct cov_err *err);

/* 1 if name is a spelling of UTF-8 ("UTF-8", "utf8", ...). */
int geo_encoding_is_utf8(const char *name);

#endif
