/*
 * zipguard.h - refuse zip bombs before anything unpacks them.
 *
 * An .xlsx is a zip archive; GDAL's XLSX driver unpacks its sheets into
 * memory, so a sheet declaring gigabytes aborts the process (std::bad_alloc).
 * geo_zip_check() reads only the archive's central directory (the end of the
 * file: no decompression, milliseconds whatever the size) and compares the
 * declared sizes with limits. Called by the importer before GDAL opens an
 * .xlsx; works on any path VSI reads (/vsimem/ included).
 */
#ifndef GEO_ZIPGUARD_H
#define GEO_ZIPGUARD_H

#include <stdint.h>

#include "../analysis/err.h"

struct geo_zip_limits {
    uint64_t max_member; /* bytes one member may unpack to (default 256 MiB) */
    uint64_t max_total;  /* bytes all members together (default 1 GiB) */
    double max_ratio;    /* unpacked / packed of a member over 1 MiB (default 200) */
    long max_members;    /* members in the archive (default 10,000) */
};

/* The defaults above. */
void geo_zip_limits_default(struct geo_zip_limits *lim);

/*
 * Check the archive at path against lim (NULL = defaults). Returns 0 when
 * every declared size is within the limits; COV_EINPUT with a message naming
 * the file, the member and the limit when one is not (or when the file is
 * not a readable zip archive); COV_EIO when it cannot be read.
 */
int geo_zip_check(const char *path, const struct geo_zip_limits *lim, struct cov_err *err);

#endif
