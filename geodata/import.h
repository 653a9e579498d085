/*
 * import.h - import one layer from anything GDAL/OGR opens into the store.
 *
 * Reads the source (Shapefile, GeoPackage, GeoJSON, CSV/XLSX with lon/lat
 * columns, PG: connection strings), maps its columns onto canonical fields
 * through the alias table (alias.h), detects the encoding, transforms the
 * coordinates into the project CRS (choosing it on the first import),
 * validates every row and writes the layer in one transaction.
 *
 * Organizations from tables (CSV, TSV, XLSX, XLS, ODS) are read the way
 * bureaus make them: the header is found among the first 20 rows (title
 * rows above it skipped), blank rows and trailing notes rows skipped, every
 * sheet of a workbook imported. Their location may be coordinates or only
 * text (address, community or street column, credit code): analysis/place.h
 * places those later.
 */
#ifndef GEO_IMPORT_H
#define GEO_IMPORT_H

#include "store.h"

enum geo_import_mode {
    GEO_IMPORT_NEW,     /* refuse when the layer already has rows */
    GEO_IMPORT_REPLACE, /* delete existing rows first (same transaction) */
    GEO_IMPORT_APPEND,  /* add to existing rows */
    GEO_IMPORT_UPDATE,  /* organizations: update the given fields of the rows with these ids */
};

struct geo_import_opts {
    const char *src_layer; /* --src-layer: layer or sheet of a multi-layer source; NULL = the
                              first layer, or every sheet of a workbook */
    int header_row;        /* --header-row: 1-based row of a table's header; 0 = detect */
    const char *encoding;  /* --encoding: "UTF-8", "GB18030", "GBK"...; NULL = detect */
    const char *s_srs; /* --s-srs: "EPSG:N", "GCJ02", "BD09", any PROJ/OGR string; NULL = source's
                          own, EPSG:4326 for lon/lat tables */
    const char *const *fields; /* --field CANONICAL=SOURCE overrides */
    size_t n_fields;
    int skip_invalid;         /* import the good rows; write rejects CSV */
    const char *rejects_path; /* where rejects go; NULL = "<store>.<layer>-rejects.csv" */
    enum geo_import_mode mode;
    cov_progress_fn progress;
    void *progress_user;
};

struct geo_import_result {
    long read;               /* features read from the source */
    long imported;           /* rows written */
    long rejected;           /* rows skipped (with skip_invalid) */
    long repaired;           /* geometries repaired with MakeValid */
    int srid;                /* project CRS after the import */
    int srid_chosen;         /* 1 if this import chose the project CRS */
    int pipelined;           /* 1 if the rows were written while read (import.c, struct pipe) */
    char rejects_path[1024]; /* set when rejected > 0 */
    long problems;           /* every problem found (err holds at most the first 200) */
    long updated;            /* GEO_IMPORT_UPDATE: rows whose id was found and updated */
    long unknown_ids;        /* GEO_IMPORT_UPDATE: ids not in the store (named in warnings) */
    long skipped_notes;      /* trailing notes/totals rows skipped */
    int sheets;              /* sheets imported from a workbook (0 for other sources) */
    long placed[5];          /* organizations by enum cov_placed (analysis/place.h), as the
                                layers in the store place them now; all 0 when not computed */
    int placed_known;        /* 1 when placed[] was computed */
    char *notes;             /* heap, lines separated by '\n': what the import decided and
                                did (header row, sheets, skipped rows); release with
                                geo_import_result_release() */
};

/* Frees what a result owns (its notes); accepts NULL. */
void geo_import_result_release(struct geo_import_result *res);

/*
 * Import source into layer. On any error nothing is written (the store is
 * as before) and err holds every problem found, one line each, as
 * "FILE:row N: field: what is wrong (what was expected)".
 * Warnings (repaired geometries, ...) are added with cov_err_warn().
 *
 * Rows going into a store whose CRS is set are written by a second thread
 * while they are read, GEO_IMPORT_CHUNK rows at a time, in the same one
 * transaction (ORGCOVER_NO_PIPELINE=1 in the environment reads every row
 * first, as --update and the import that chooses the CRS always do).
 */
enum { GEO_IMPORT_CHUNK = 4096 };
int geo_import(struct geo_store *s, enum cov_layer layer, const char *source,
               const struct geo_import_opts *opts, struct geo_import_result *res,
               struct cov_err *err);

#endif
