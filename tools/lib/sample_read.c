/*
 * sample_read.c - the sample's reference data: the six county boundaries
 * (GeoJSON) and the NBS town and community codes with their known points (CSV).
 */
#include "sample.h"
#include "sample_geom.h"
#include "die.h"

#include <gdal.h>
#include <ogr_api.h>
#include <cpl_error.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sample_read_counties(struct sample *s, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/lianyungang_fences_vonng_gcj02.geojson", dir);
    if (access(path, R_OK) != 0)
        die("%s: %s", path, strerror(errno));
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                 NULL, NULL, NULL);
    if (!ds)
        die("%s: cannot open as GeoJSON: %s", path, CPLGetLastErrorMsg());
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        const char *level = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level"));
        if (strcmp(level, "county") == 0) {
            if (s->n_counties == SAMPLE_N_COUNTIES)
                die("%s: more than %d county features", path, SAMPLE_N_COUNTIES);
            struct county *c = &s->counties[s->n_counties++];
            snprintf(c->code, sizeof(c->code), "%s",
                     OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "adcode")));
            snprintf(c->name, sizeof(c->name), "%s",
                     OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")));
            c->geom = sg_from_ogr(s->gh, OGR_F_GetGeometryRef(f));
            if (GEOSisValid_r(s->gh, c->geom) != 1)
                die("%s: county %s has an invalid boundary", path, c->code);
            c->geom = sg_snap6(s->gh, c->geom);
            c->prep = GEOSPrepare_r(s->gh, c->geom);
            c->central = strcmp(c->code, "320703") == 0 || strcmp(c->code, "320706") == 0;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (s->n_counties != SAMPLE_N_COUNTIES)
        die("%s: %d county features (expected %d)", path, s->n_counties, SAMPLE_N_COUNTIES);
}

int sample_county_index(const struct sample *s, const char *code6)
{
    for (int i = 0; i < s->n_counties; i++)
        if (strncmp(s->counties[i].code, code6, 6) == 0)
            return i;
    return -1;
}

int sample_town_index(const struct sample *s, const char *code9)
{
    for (int i = 0; i < s->n_towns; i++)
        if (strncmp(s->towns[i].code, code9, 9) == 0)
            return i;
    return -1;
}

/* Split a CSV line without quoting (the source has none) into fields. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = 0;
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

enum {
    F_CODE,
    F_PARENT,
    F_NAME,
    F_LEVEL,
    F_UR = 8,
    F_VIRTUAL = 10,
    F_DUMMY,
    F_LON,
    F_LAT,
    N_FIELDS = 19
};

void sample_read_adcode(struct sample *s, const char *dir)
{
    char path[4096], line[2048];
    snprintf(path, sizeof(path), "%s/lianyungang_adcode_2016_vonng.csv", dir);
    FILE *fp = fopen(path, "r");
    if (!fp)
        die("%s: %s", path, strerror(errno));
    int cap_t = 128, cap_c = 2048, row = 0;
    s->towns = xcalloc((size_t)cap_t, sizeof(*s->towns));
    s->comms = xcalloc((size_t)cap_c, sizeof(*s->comms));
    while (fgets(line, sizeof(line), fp)) {
        char *f[N_FIELDS + 1];
        row++;
        if (row == 1)
            continue;
        if (split_csv(line, f, N_FIELDS + 1) != N_FIELDS)
            die("%s:%d: expected %d fields", path, row, N_FIELDS);
        int has_pt = f[F_LON][0] && f[F_LAT][0];
        double x = has_pt ? strtod(f[F_LON], NULL) : 0, y = has_pt ? strtod(f[F_LAT], NULL) : 0;
        if (strcmp(f[F_LEVEL], "town") == 0) {
            if (s->n_towns == cap_t)
                die("%s: too many towns", path);
            struct town *t = &s->towns[s->n_towns];
            snprintf(t->code, sizeof(t->code), "%.9s", f[F_CODE]);
            snprintf(t->name, sizeof(t->name), "%s", f[F_NAME]);
            t->county = sample_county_index(s, f[F_CODE]);
            if (t->county < 0)
                die("%s:%d: town %s in no known county", path, row, f[F_CODE]);
            t->real_pt = has_pt && sg_contains(s->gh, s->counties[t->county].prep, x, y);
            t->x = x;
            t->y = y;
            t->first_comm = -1;
            s->n_towns++;
        } else if (strcmp(f[F_LEVEL], "village") == 0) {
            /* A virtual (dummy) unit has no territory of its own in the list, but in
             * this list each is the only unit of its town (a development zone, a farm):
             * kept, it gets its town's whole cell, so no street of the sample is left
             * without communities. */
            if (strcmp(f[F_VIRTUAL], "t") == 0 || strcmp(f[F_DUMMY], "t") == 0) {
                if (s->n_virtual < 16)
                    snprintf(s->virtual_units[s->n_virtual++], sizeof(s->virtual_units[0]),
                             "%s %s (%s)", f[F_CODE], f[F_NAME], f[F_UR]);
            }
            if (s->n_comms == cap_c)
                die("%s: too many communities", path);
            struct comm *c = &s->comms[s->n_comms];
            snprintf(c->code, sizeof(c->code), "%s", f[F_CODE]);
            snprintf(c->name, sizeof(c->name), "%s", f[F_NAME]);
            snprintf(c->ur, sizeof(c->ur), "%s", f[F_UR]);
            if (strlen(c->code) != 12 || strlen(c->ur) != 3 || (c->ur[0] != '1' && c->ur[0] != '2'))
                die("%s:%d: bad code or urban-rural code", path, row);
            c->urban = c->ur[0] == '1';
            c->town = sample_town_index(s, f[F_PARENT]);
            if (c->town < 0)
                die("%s:%d: community %s in no known town", path, row, c->code);
            struct town *t = &s->towns[c->town];
            if (t->first_comm < 0)
                t->first_comm = s->n_comms;
            else if (t->first_comm + t->n_comm != s->n_comms)
                die("%s:%d: communities of town %s are not contiguous", path, row, t->code);
            t->n_comm++;
            c->real_pt = has_pt;
            c->virtual_unit = strcmp(f[F_VIRTUAL], "t") == 0 || strcmp(f[F_DUMMY], "t") == 0;
            c->x = x;
            c->y = y;
            s->n_comms++;
        }
    }
    fclose(fp);
}
