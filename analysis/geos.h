/*
 * geos.h - the one place orgcover includes GEOS. Only the reentrant (_r)
 * API compiles: GEOS_USE_ONLY_R_API hides the non-reentrant calls.
 * Include this header instead of <geos_c.h>.
 */
#ifndef COV_GEOS_H
#define COV_GEOS_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "core.h"

/*
 * A GEOS context whose error and notice handlers write into a buffer
 * instead of stderr. One per thread. Caller-owned: cov_geos_new() /
 * cov_geos_free(); NULL on out of memory.
 */
GEOSContextHandle_t cov_geos_new(void);
void cov_geos_free(GEOSContextHandle_t h);
/* Borrowed: the last GEOS error message of this context, or "". */
const char *cov_geos_last_error(GEOSContextHandle_t h);

#endif
