/* zipguard.c - declared sizes of a zip's central directory, checked before anything unpacks it. */
#include "zipguard.h"
#include "../analysis/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_vsi.h>

enum {
    EOCD_SIG = 0x06054b50,
    EOCD_LEN = 22,
    Z64_LOC_SIG = 0x07064b50,
    Z64_LOC_LEN = 20,
    Z64_EOCD_SIG = 0x06064b50,
    CDH_SIG = 0x02014b50,
    CDH_LEN = 46,
    TAIL_MAX = EOCD_LEN + 0xffff, /* the EOCD record plus the longest comment */
};
#define MIB (1024.0 * 1024.0)
#define CD_MAX (64u * 1024u * 1024u) /* a central directory larger than this is refused */

void geo_zip_limits_default(struct geo_zip_limits *lim)
{
    lim->max_member = 256ull << 20;
    lim->max_total = 1ull << 30;
    lim->max_ratio = 200.0;
    lim->max_members = 10000;
}

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Read n bytes at off; 0 ok. */
static int read_at(VSILFILE *f, uint64_t off, void *buf, size_t n)
{
    return VSIFSeekL(f, (vsi_l_offset)off, SEEK_SET) != 0 || VSIFReadL(buf, 1, n, f) != n ? -1 : 0;
}

/* Where the central directory is and how many entries it has. */
struct cd_loc {
    uint64_t offset, size, entries;
};

static int find_cd(VSILFILE *f, uint64_t fsize, struct cd_loc *cd)
{
    size_t tail = fsize < TAIL_MAX ? (size_t)fsize : TAIL_MAX;
    if (tail < EOCD_LEN)
        return -1;
    unsigned char *buf = malloc(tail);
    if (!buf || read_at(f, fsize - tail, buf, tail)) {
        free(buf);
        return -1;
    }
    long at = -1;
    for (long i = (long)tail - EOCD_LEN; i >= 0 && at < 0; i--)
        if (le32(buf + i) == EOCD_SIG)
            at = i;
    int rc = -1;
    if (at >= 0) {
        const unsigned char *e = buf + at;
        cd->entries = le16(e + 10);
        cd->size = le32(e + 12);
        cd->offset = le32(e + 16);
        rc = 0;
        uint64_t eocd_off = fsize - tail + (uint64_t)at;
        int z64 = cd->entries == 0xffff || cd->size == 0xffffffffu || cd->offset == 0xffffffffu;
        unsigned char loc[Z64_LOC_LEN], z[56];
        if (z64) {
            rc = -1;
            if (eocd_off >= Z64_LOC_LEN && !read_at(f, eocd_off - Z64_LOC_LEN, loc, sizeof(loc)) &&
                le32(loc) == Z64_LOC_SIG && !read_at(f, le64(loc + 8), z, sizeof(z)) &&
                le32(z) == Z64_EOCD_SIG) {
                cd->entries = le64(z + 32);
                cd->size = le64(z + 40);
                cd->offset = le64(z + 48);
                rc = 0;
            }
        }
    }
    free(buf);
    return rc;
}

/* The zip64 extra field's values for the 32-bit fields that are 0xffffffff. */
static void zip64_sizes(const unsigned char *extra, size_t n, uint64_t *usize, uint64_t *csize)
{
    size_t i = 0;
    while (i + 4 <= n) {
        uint32_t id = le16(extra + i), len = le16(extra + i + 2);
        if (i + 4 + len > n)
            return;
        if (id == 1) {
            const unsigned char *v = extra + i + 4;
            size_t k = 0;
            if (*usize == 0xffffffffu && k + 8 <= len) {
                *usize = le64(v + k);
                k += 8;
            }
            if (*csize == 0xffffffffu && k + 8 <= len)
                *csize = le64(v + k);
            return;
        }
        i += 4 + len;
    }
}

int geo_zip_check(const char *path, const struct geo_zip_limits *lim, struct cov_err *err)
{
    struct geo_zip_limits def;
    if (!lim) {
        geo_zip_limits_default(&def);
        lim = &def;
    }
    VSILFILE *f = VSIFOpenL(path, "rb");
    if (!f)
        return cov_err_set(err, COV_EIO, _("%s: cannot read"), path);
    int rc = 0;
    unsigned char *cdbuf = NULL;
    struct cd_loc cd;
    VSIFSeekL(f, 0, SEEK_END);
    uint64_t fsize = VSIFTellL(f);
    if (find_cd(f, fsize, &cd) || cd.offset > fsize || cd.size > fsize - cd.offset) {
        rc = cov_err_set(err, COV_EINPUT,
                         _("%s: not a readable .xlsx (no zip central directory; the file is "
                           "damaged or not an Excel workbook)"),
                         path);
        goto cleanup;
    }
    if (cd.entries > (uint64_t)lim->max_members || cd.size > CD_MAX) {
        rc = cov_err_set(err, COV_EINPUT,
                         _("%s: refused: the workbook holds %llu parts (at most %ld expected); "
                           "it looks like a zip bomb, not a register"),
                         path, (unsigned long long)cd.entries, lim->max_members);
        goto cleanup;
    }
    cdbuf = malloc(cd.size ? (size_t)cd.size : 1);
    if (!cdbuf) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    if (read_at(f, cd.offset, cdbuf, (size_t)cd.size)) {
        rc = cov_err_set(err, COV_EINPUT, _("%s: not a readable .xlsx (truncated zip directory)"),
                         path);
        goto cleanup;
    }
    uint64_t total = 0;
    size_t pos = 0;
    for (uint64_t i = 0; i < cd.entries && !rc; i++) {
        const unsigned char *h = cdbuf + pos;
        if (pos + CDH_LEN > cd.size || le32(h) != CDH_SIG) {
            rc = cov_err_set(err, COV_EINPUT, _("%s: not a readable .xlsx (damaged zip directory)"),
                             path);
            break;
        }
        uint64_t csize = le32(h + 20), usize = le32(h + 24);
        size_t nlen = le16(h + 28), xlen = le16(h + 30), clen = le16(h + 32);
        if (pos + CDH_LEN + nlen + xlen + clen > cd.size) {
            rc = cov_err_set(err, COV_EINPUT, _("%s: not a readable .xlsx (damaged zip directory)"),
                             path);
            break;
        }
        zip64_sizes(h + CDH_LEN + nlen, xlen, &usize, &csize);
        int nshow = nlen > 100 ? 100 : (int)nlen;
        const char *name = (const char *)h + CDH_LEN;
        total += usize;
        if (usize > lim->max_member)
            rc =
                cov_err_set(err, COV_EINPUT,
                            _("%s: refused: part '%.*s' would unpack to %.0f MiB (at most %.0f MiB "
                              "per part); a sheet that large is a zip bomb or not a register"),
                            path, nshow, name, (double)usize / MIB, (double)lim->max_member / MIB);
        else if (usize > (1u << 20) && (double)usize > lim->max_ratio * (double)(csize ? csize : 1))
            rc = cov_err_set(err, COV_EINPUT,
                             _("%s: refused: part '%.*s' would unpack %.0f times its size (%.0f "
                               "MiB); that is a zip bomb, not a register"),
                             path, nshow, name, (double)usize / (double)(csize ? csize : 1),
                             (double)usize / MIB);
        else if (total > lim->max_total)
            rc = cov_err_set(err, COV_EINPUT,
                             _("%s: refused: the workbook would unpack to more than %.0f MiB"),
                             path, (double)lim->max_total / MIB);
        pos += CDH_LEN + nlen + xlen + clen;
    }
cleanup:
    free(cdbuf);
    VSIFCloseL(f);
    return rc;
}
