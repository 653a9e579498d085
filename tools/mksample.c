/*
 * mksample.c - build the Lianyungang sample project (data/lianyungang/) from
 * the real reference data (county boundaries, NBS division and urban-rural
 * codes, known town/community points) plus reproducibly synthesized layers.
 *
 *   mksample [--truth FILE] SOURCE_DIR OUT_DIR
 *
 * SOURCE_DIR holds lianyungang_fences_vonng_gcj02.geojson and
 * lianyungang_adcode_2016_vonng.csv (see PROVENANCE.md there). Writes into
 * OUT_DIR: districts.geojson, streets.gpkg, communities.shp (+.shx .dbf
 * .prj, GBK attributes, no .cpg), parks.geojson, buildings.geojson,
 * organizations.xlsx, and the same organizations as a register-shaped
 * workbook, organizations-register.xlsx (sheets per county, addresses
 * instead of most coordinates). Every coordinate is GCJ-02 lon/lat with 6
 * decimals. --truth FILE writes, as CSV, each register row's true areas and
 * the most precise placement its own data allows (not shipped).
 *
 * Deterministic: a fixed-seed xoshiro256** stream, fixed timestamps in the
 * GeoPackage, the DBF header and the register's zip; the same inputs give the
 * same bytes. The register is drawn last from a second, separately seeded
 * stream, so adding it changed none of the other files.
 *
 * Before writing, every polygon is checked (valid, non-empty, inside its
 * county) and every organization (inside its community, valid credit code);
 * a failure exits with status 1. MKSAMPLE_DEBUG=1 prints multi-part streets
 * and the known community points that could not be used.
 */
#include "lib/sample.h"
#include "lib/sample_register.h"

#include <gdal.h>
#include <cpl_conv.h>

#include <stdio.h>
#include <string.h>

#define SEED 0x4C59473230323630ULL /* "LYG20260" */

int main(int argc, char **argv)
{
    static const char usage[] = "usage: mksample [--truth FILE] SOURCE_DIR OUT_DIR\n";
    const char *truth = NULL;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s", usage);
        printf("Builds the Lianyungang sample project (see data/lianyungang/README.md).\n"
               "--truth FILE also writes, as CSV, each register row's true district, street\n"
               "and community and the most precise placement its own data allows.\n");
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "--truth") == 0) {
        truth = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc != 3) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    const char *src = argv[1], *out = argv[2];
    GDALAllRegister();
    /* fixed timestamps: the GeoPackage records its "last change" */
    CPLSetConfigOption("OGR_CURRENT_DATE", "2026-01-01T00:00:00.000Z");
    struct sample s;
    sample_init(&s, SEED);

    sample_read_counties(&s, src);
    sample_read_adcode(&s, src);
    sample_place_missing_towns(&s);
    sample_make_town_cells(&s);
    sample_make_comm_cells(&s);
    sample_make_parks(&s);
    sample_make_buildings(&s);
    sample_make_orgs(&s);
    sample_assign_party(&s);
    sample_check(&s);

    sample_write_layers(&s, out);
    /* last: the register draws from its own stream, so adding it changed no other file */
    struct sample_register reg;
    sample_register_make(&s, &reg);
    sample_register_write(&s, &reg, out, truth);
    sample_register_release(&reg);
    sample_report(&s);

    sample_release(&s);
    GDALDestroyDriverManager();
    return 0;
}
