/* crs.c - CRS checks through OGR. */
#include "crs.h"
#include "../analysis/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_error.h>
#include <ogr_srs_api.h>

static int parse_epsg(const char *text, int *epsg)
{
    if (!text)
        return -1;
    if (!strncasecmp(text, "EPSG:", 5))
        text += 5;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v <= 0 || v > 1000000)
        return -1;
    *epsg = (int)v;
    return 0;
}

int geo_crs_parse_projected(const char *text, int *epsg, char *name, size_t name_len,
                            struct cov_err *err)
{
    int code = 0;
    if (parse_epsg(text, &code))
        return cov_err_set(err, COV_EUSAGE,
                           _("--crs: '%s' is not an EPSG code (expected EPSG:N, "
                             "e.g. EPSG:4549 for CGCS2000 3-degree GK CM 120E)"),
                           text ? text : "");
    int rc = COV_OK;
    OGRSpatialReferenceH srs = geo_srs_from_epsg(code);
    if (!srs) {
        rc = cov_err_set(err, COV_EUSAGE, _("--crs: EPSG:%d is not known to PROJ"), code);
        goto cleanup;
    }
    if (!OSRIsProjected(srs)) {
        rc = cov_err_set(err, COV_EUSAGE,
                         _("--crs: EPSG:%d (%s) is not a projected CRS (expected one in metres, "
                           "e.g. EPSG:4549)"),
                         code, OSRGetName(srs) ? OSRGetName(srs) : "?");
        goto cleanup;
    }
    double to_m = OSRGetLinearUnits(srs, NULL);
    if (to_m < 0.999999 || to_m > 1.000001) {
        rc = cov_err_set(err, COV_EUSAGE, _("--crs: EPSG:%d (%s) is not in metres"), code,
                         OSRGetName(srs) ? OSRGetName(srs) : "?");
        goto cleanup;
    }
    *epsg = code;
    if (name && name_len)
        snprintf(name, name_len, "%s", OSRGetName(srs) ? OSRGetName(srs) : "");
cleanup:
    OSRDestroySpatialReference(srs);
    return rc;
}

OGRSpatialReferenceH geo_srs_from_epsg(int epsg)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (!s)
        return NULL;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRErr oe = OSRImportFromEPSG(s, epsg);
    CPLPopErrorHandler();
    if (oe != OGRERR_NONE) {
        OSRDestroySpatialReference(s);
        return NULL;
    }
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

void geo_crs_name(int epsg, char *name, size_t name_len)
{
    OGRSpatialReferenceH srs = geo_srs_from_epsg(epsg);
    if (srs && OSRGetName(srs))
        snprintf(name, name_len, "%s", OSRGetName(srs));
    else
        snprintf(name, name_len, "EPSG:%d", epsg);
    OSRDestroySpatialReference(srs);
}
