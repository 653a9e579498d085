/*
 * import.c - one layer from anything OGR opens into the project store.
 *
 * Three steps, so that nothing is written unless everything is right:
 *   1. read: every row's fields are parsed and checked, its geometry (or
 *      lon/lat columns) copied out in the source CRS (GCJ-02/BD-09 undone);
 *      tables (CSV, TSV, XLSX, XLS, ODS) are read headerless and their
 *      header found among the first rows, every sheet of a workbook in turn;
 *   2. convert: the project CRS is known (or chosen from the extent), every
 *      geometry is transformed to it, turned into GEOS and repaired if invalid;
 *   3. write: one transaction, one reused insert statement per layer.
 * Problems are collected, all of them, as "FILE:row N: field: what (expected)".
 */
#include "import.h"

#include "crs.h"
#include "csv.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../analysis/geos.h"
#include "../analysis/place.h"

#include "alias.h"
#include "coords.h"
#include "creditcode.h"
#include "encoding.h"
#include "sqlmem.h"
#include "table.h"
#include "zipguard.h"
#include "../analysis/i18n.h"

enum {
    MAX_PROBLEMS = 200,
    MAX_GDAL_WARNINGS = 20,
    HEADER_SCAN_ROWS = 20, /* the header is looked for in this many first rows */
    MAX_CELL = 65536,      /* bytes of one value of a mapped field */
    MAX_NOTE_ROWS = 64,    /* notes rows held back to see whether records follow */
};

enum webcrs { WEB_NONE, WEB_GCJ02, WEB_BD09 };

/* Where a row came from and what was wrong with it. */
struct rowinfo {
    long loc; /* spreadsheet row (tabular) or FID */
    int sheet;
    int bad;      /* rejected */
    char *reason; /* arena; "field: what; field: what" */
    char **orig;  /* arena; original values by union column, for the rejects CSV */
    uint32_t set; /* GEO_IMPORT_UPDATE: bit i = field i given (non-empty) */
};

/* A slot of the duplicate-key table: 8 bytes, so that 10^6 keys' table stays
 * in a few MiB of cache-friendly memory; the key is read from the row. */
struct dup_slot {
    uint32_t hash; /* cov_hash_str(key), compared before the key */
    uint32_t row;  /* 1 + the row's index; 0 = empty */
};

/* A row held back (a notes row, or a row read while looking for the header). */
struct held {
    long loc;
    int n;
    char **cells; /* arena */
};

/* Spreadsheet config options set for headerless reading, restored afterwards. */
static const char *const sheet_config[] = {
    "OGR_XLSX_HEADERS",    "OGR_XLSX_FIELD_TYPES", "OGR_XLS_HEADERS",
    "OGR_XLS_FIELD_TYPES", "OGR_ODS_HEADERS",      "OGR_ODS_FIELD_TYPES",
};
enum { N_SHEET_CONFIG = sizeof(sheet_config) / sizeof(sheet_config[0]) };

/* Areas' geometries from OGR to GEOS in the project CRS, by one thread: its
 * GEOS context, its transformation, one ring's coordinates on their way. */
struct conv {
    GEOSContextHandle_t h;
    OGRCoordinateTransformationH ct;
    double *x, *y; /* x owns the block; y and ok are within it */
    int *ok;
    size_t cap;
};

static void conv_release(struct conv *c)
{
    free(c->x);
    c->x = c->y = NULL;
    c->ok = NULL;
    c->cap = 0;
}

struct imp {
    const char *file;
    enum cov_layer layer;
    const struct geo_import_opts *o;
    struct cov_err *err;
    struct cov_arena arena;
    GEOSContextHandle_t geos;
    int update; /* GEO_IMPORT_UPDATE */

    /* source */
    GDALDatasetH ds;
    char *membuf; /* transcoded text of a CSV/TSV */
    char *mapped; /* the file mapped, when membuf points into it (not freed) */
    size_t maplen;
    size_t memlen;
    char delim;
    int tabular;  /* organizations from a table: headerless, header detected */
    int workbook; /* XLSX/XLS/ODS: several sheets */
    int config_set;
    char *old_config[N_SHEET_CONFIG];
    OGRLayerH *sheets; /* layers to import (one, or every sheet of a workbook) */
    int n_sheets;
    int sheet;            /* index of the sheet being read */
    const char *sheet_nm; /* its name in messages, NULL for single-table sources */
    struct geo_table *tab;
    const char *const *cells; /* the current row's cells (borrowed from tab or held) */
    int n_cells;
    int bad_cell[GEO_MAX_FIELDS]; /* field's value failed the text checks */

    /* columns */
    int n_cols;
    char **cols;  /* the sheet's column names (arena) */
    int *ucol;    /* sheet column -> union column */
    char **ucols; /* union of every sheet's column names, for the rejects CSV */
    int n_ucols, cap_ucols;
    struct geo_field_map map;
    int use_geom;    /* geometry from the features (else lon/lat columns) */
    int have_lonlat; /* both lon and lat columns mapped */
    int srs_ready;
    OGRSpatialReferenceH src_srs; /* owned */
    enum webcrs web;
    int geographic; /* source coordinates are lon/lat degrees */

    /* rows */
    size_t n, cap;
    struct rowinfo *info;
    struct cov_org *orgs;
    struct cov_area *areas;
    OGRGeometryH *ogeom;
    struct conv cv; /* the reader's, when it converts the areas itself */
    double minx, miny, maxx, maxy;
    int have_extent;

    /* duplicates */
    struct dup_slot *dups;
    size_t dup_cap, dup_n;

    /* notes for the user (geo_import_result.notes) */
    char sheet_note[1024]; /* a workbook's notes about the sheet being read, one line */
    char *notes;
    size_t notes_len, notes_cap;

    /* problems */
    long n_problems;
    long cur; /* index of the row being checked */
    char *rowbuf;
    size_t rowbuf_len, rowbuf_cap;
    int gdal_failed;
    int gdal_warnings;
    long repaired;
    long long_town_codes; /* communities whose code is not 12 digits */
    char town_example[128];

    /* pipelined write (see struct pipe); NULL when rows are written after reading */
    struct pipe *pipe;
    struct guess *guess; /* organizations into a store without a CRS (struct guess) */
};

/*
 * Organizations into a store whose CRS is not chosen yet: the CRS is chosen
 * from the extent of every row, so the rows would all be read before any is
 * written (4 s for 10^6 rows instead of 2.7). Instead the CRS the first chunk's
 * extent chooses is taken as a guess: the transaction begins with it and the
 * rows are written while read, their source coordinates kept. When the whole
 * extent chooses the same CRS -- a city's register always, a country's when
 * its rows are not sorted by region -- the import is done; otherwise it is
 * rolled back, the coordinates are put back, and the rows are written after
 * reading, as before. Only for lon/lat sources (their transformation to a
 * Gauss-Kruger zone does not fail for valid coordinates, so no row's problem
 * depends on the guess).
 */
struct guess {
    struct geo_store *s;
    long existing;
    struct pipe *pipe; /* the import's, started here */
    int tried;         /* the first chunk has been looked at */
    int tx;            /* the transaction is open */
    int srid;          /* the guess, once the pipe runs */
    double *sx, *sy;   /* rows' source coordinates (NAN: none), rows [0, upto) */
    size_t cap, upto;
};

/*
 * A pipelined import: while this thread reads, checks and converts rows, a
 * writer thread inserts the finished ones into the store, inside the same one
 * transaction (begun before reading; rolled back if anything fails, so a
 * failed import still leaves the store as it was). Used when the store's CRS
 * is already chosen, so that each row can be converted as soon as it is
 * read; otherwise (the first layer of a store without --crs, whose extent
 * chooses the CRS) and for --update every row is read first and written
 * after.
 *
 * Rows [0, ready) are final: read, checked, converted, their bad flag set.
 * The writer reads them under rows_lock (shared); the reader takes it
 * exclusively only to grow the row arrays.
 */
struct pipe {
    struct imp *im;
    struct geo_store *s;
    pthread_t thread;
    pthread_mutex_t lock; /* ready, done, stop */
    pthread_cond_t cond;
    pthread_rwlock_t rows_lock;
    size_t ready;     /* rows the writer may insert */
    size_t taken;     /* rows the writer has taken to insert */
    size_t put;       /* rows the writer has finished with */
    size_t converted; /* rows the reader has converted (reader only) */
    size_t freed;     /* rows whose polygons the reader has freed (reader only) */
    int done;         /* the reader has finished, or given up */
    int stop;         /* the writer failed: the reader gives up */
    int rc;           /* the writer's result */
    long written;
    struct cov_err err; /* the writer's message */
    OGRCoordinateTransformationH ct;
    int srid;
    GEOSContextHandle_t geos; /* the writer's own: a GEOS context is not shared by threads */
    /* What the writer needs to convert areas to GEOS when the reader leaves
     * it a chunk (pipe_publish): its own transformation, made from a copy of
     * the source CRS (an OGR reference is not shared by threads either). */
    OGRSpatialReferenceH wsrc;
    struct conv cv;
    /* Areas' validity is checked (and repaired) by the writer, which has the
     * time to spare; its findings, in row order, are reported by the reader
     * after the join, as the read-then-write path reports them after reading. */
    struct late {
        size_t row;
        int validity; /* enum validity */
        char *why;    /* heap */
    } * late;
    size_t n_late, cap_late;
};

/* ---- messages ---- */

static void CPL_STDCALL cpl_handler(CPLErr cls, CPLErrorNum no, const char *msg)
{
    (void)no;
    struct imp *im = CPLGetErrorHandlerUserData();
    if (!im)
        return;
    if (cls == CE_Failure || cls == CE_Fatal) {
        im->gdal_failed = 1;
        cov_err_set(im->err, COV_EIO, "%s: %s", im->file, msg);
    } else if (cls == CE_Warning && im->gdal_warnings++ < MAX_GDAL_WARNINGS) {
        cov_err_warn(im->err, "%s: %s", im->file, msg);
    }
}

/* "FILE:row N" or "FILE:sheet S row N" for row info ri, into buf. */
static const char *where(const struct imp *im, const struct rowinfo *ri, char *buf, size_t len)
{
    const char *sn =
        im->workbook && ri->sheet < im->n_sheets ? OGR_L_GetName(im->sheets[ri->sheet]) : NULL;
    if (sn)
        snprintf(buf, len, _("%s:sheet %s row %ld"), im->file, sn, ri->loc);
    else
        snprintf(buf, len, im->tabular ? _("%s:row %ld") : _("%s:feature %ld"), im->file, ri->loc);
    return buf;
}

/* Same without the file: "row N" or "sheet S row N". */
static const char *where_short(const struct imp *im, int sheet, long loc, char *buf, size_t len)
{
    if (im->workbook && sheet < im->n_sheets)
        snprintf(buf, len, _("sheet %s row %ld"), OGR_L_GetName(im->sheets[sheet]), loc);
    else
        snprintf(buf, len, im->tabular ? _("row %ld") : _("feature %ld"), loc);
    return buf;
}

static void note(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct imp *im, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    size_t n = strlen(line);
    if (im->notes_len + n + 2 > im->notes_cap) {
        size_t cap = (im->notes_len + n + 2) * 2;
        char *b = realloc(im->notes, cap);
        if (!b)
            return;
        im->notes = b;
        im->notes_cap = cap;
    }
    memcpy(im->notes + im->notes_len, line, n);
    im->notes_len += n;
    im->notes[im->notes_len++] = '\n';
    im->notes[im->notes_len] = '\0';
}

/* The source's own name of canonical field k, or NULL when no column holds it. */
static const char *source_column(const struct imp *im, int k)
{
    int c = k >= 0 && (size_t)k < im->map.n ? im->map.col[k] : -1;
    return c >= 0 && c < im->n_cols && im->cols && im->cols[c] && *im->cols[c] ? im->cols[c] : NULL;
}

/*
 * How messages name a field (a canonical name such as "formal_members"): by
 * the source's own column when the field was read from one, as the planner's
 * spreadsheet spells it; else the canonical name ("geometry" translated).
 */
static const char *field_label(const struct imp *im, const char *field, char *buf, size_t len)
{
    char e1[160], e2[160];
    if (!strcmp(field, "lon/lat")) { /* a problem of the pair (swapped, out of range) */
        const char *x = source_column(im, GEO_ORG_LON), *y = source_column(im, GEO_ORG_LAT);
        if (!x || !y)
            return field;
        snprintf(buf, len, _("columns \"%s\" and \"%s\""), geo_escape(x, e1, sizeof(e1)),
                 geo_escape(y, e2, sizeof(e2)));
        return buf;
    }
    const char *c = source_column(im, geo_alias_field_index(im->layer, field));
    if (c) {
        snprintf(buf, len, _("column \"%s\""), geo_escape(c, e1, sizeof(e1)));
        return buf;
    }
    return strcmp(field, "geometry") ? field : _("geometry");
}

static void rowbuf_add(struct imp *im, const char *field, const char *what)
{
    /* TRANSLATORS: between two problems of one row in the rejects file */
    const char *sep = im->rowbuf_len ? _("; ") : "";
    /* TRANSLATORS: between a field and what is wrong with it */
    const char *colon = _(": ");
    size_t need = im->rowbuf_len + strlen(sep) + strlen(field) + strlen(colon) + strlen(what) + 1;
    if (need > im->rowbuf_cap) {
        size_t cap = need * 2;
        char *b = realloc(im->rowbuf, cap);
        if (!b)
            return;
        im->rowbuf = b;
        im->rowbuf_cap = cap;
    }
    im->rowbuf_len += (size_t)snprintf(im->rowbuf + im->rowbuf_len, im->rowbuf_cap - im->rowbuf_len,
                                       "%s%s%s%s", sep, field, colon, what);
}

/* One problem with the current row (im->cur): counted, reported (capped), kept as its reason. */
static void problem(struct imp *im, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(struct imp *im, const char *field, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    struct rowinfo *ri = &im->info[im->cur];
    ri->bad = 1;
    im->n_problems++;
    char lbl[256];
    field = field_label(im, field, lbl, sizeof(lbl));
    if (!im->o->skip_invalid && im->n_problems <= MAX_PROBLEMS) {
        char w[512];
        /* TRANSLATORS: where (file and row), the field, what is wrong */
        cov_err_set(im->err, COV_EINPUT, _("%s: %s: %s"), where(im, ri, w, sizeof(w)), field, what);
    }
    rowbuf_add(im, field, what);
}

/* ---- small helpers ---- */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

/* Arena copy of s without surrounding ASCII spaces; NULL when empty. */
static char *dup_trim(struct imp *im, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return n ? cov_arena_strndup(&im->arena, s, n) : NULL;
}

/* Borrowed (from the current row): value of canonical field fi, "" when unmapped or empty. */
static const char *fval(const struct imp *im, int fi)
{
    int c = im->map.col[fi];
    if (c < 0 || c >= im->n_cells || im->bad_cell[fi])
        return "";
    return im->cells[c];
}

/* 1 when the current row has a non-blank value for field fi. */
static int fgiven(const struct imp *im, int fi)
{
    const char *v = fval(im, fi);
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    return *v != '\0';
}

static const char *row_key(const struct imp *im, size_t row)
{
    return im->layer == COV_ORGANIZATIONS ? im->orgs[row].id : im->areas[row].code;
}

/* Records the current row's key (its id or code, set already); returns 1 and
 * sets *prev to the row that had it first when key is a duplicate, 0 when new,
 * -1 on ENOMEM. */
static int dup_check(struct imp *im, const char *key, size_t *prev)
{
    if ((im->dup_n + 1) * 2 > im->dup_cap) {
        size_t cap = im->dup_cap * 2;
        if (!im->dup_cap) {
            /* Sized once for the rows read_table_rows() reserved room for (a
             * text's lines, a layer's feature count), not rehashed as it grows. */
            size_t want = 2 * im->cap + 2;
            for (cap = 1024; cap < want && cap < ((size_t)1 << 32); cap *= 2)
                ;
        }
        struct dup_slot *t = calloc(cap, sizeof(*t));
        if (!t)
            return -1;
        cov_advise_huge(t, cap * sizeof(*t)); /* probed at random: TLB misses */
        for (size_t i = 0; i < im->dup_cap; i++) {
            if (!im->dups[i].row)
                continue;
            size_t j = im->dups[i].hash & (cap - 1);
            while (t[j].row)
                j = (j + 1) & (cap - 1);
            t[j] = im->dups[i];
        }
        free(im->dups);
        im->dups = t;
        im->dup_cap = cap;
    }
    uint32_t h = (uint32_t)cov_hash_str(key);
    size_t j = h & (im->dup_cap - 1);
    while (im->dups[j].row) {
        size_t r = im->dups[j].row - 1;
        if (im->dups[j].hash == h && !strcmp(row_key(im, r), key)) {
            *prev = r;
            return 1;
        }
        j = (j + 1) & (im->dup_cap - 1);
    }
    im->dups[j].hash = h;
    im->dups[j].row = (uint32_t)(im->cur + 1);
    im->dup_n++;
    return 0;
}

/* ---- opening the source ---- */

static void restore_sheet_config(struct imp *im)
{
    if (!im->config_set)
        return;
    for (int i = 0; i < N_SHEET_CONFIG; i++) {
        CPLSetThreadLocalConfigOption(sheet_config[i], im->old_config[i]);
        CPLFree(im->old_config[i]);
        im->old_config[i] = NULL;
    }
    im->config_set = 0;
}

/* Spreadsheets are read without a header, every cell as text: the header is found by us. */
static void set_sheet_config(struct imp *im)
{
    for (int i = 0; i < N_SHEET_CONFIG; i++) {
        const char *v = CPLGetThreadLocalConfigOption(sheet_config[i], NULL);
        im->old_config[i] = v ? CPLStrdup(v) : NULL;
        CPLSetThreadLocalConfigOption(sheet_config[i], i % 2 ? "STRING" : "DISABLE");
    }
    im->config_set = 1;
}

/* Read a whole file through VSI (so /vsimem/ works too). Caller frees *buf with free(). */
static int slurp(struct imp *im, const char *path, size_t limit, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    VSILFILE *fp = VSIFOpenL(path, "rb");
    if (!fp)
        return cov_err_set(im->err, COV_EIO, _("%s: cannot open for reading"), path);
    /* Its size up front: one buffer, not doublings that each fault in anew. */
    VSIStatBufL sb;
    size_t cap = 1 << 16, n = 0;
    if (VSIStatL(path, &sb) == 0 && sb.st_size > 0 && (uint64_t)sb.st_size < SIZE_MAX / 2)
        cap = (size_t)sb.st_size + 1; /* + 1: the read that meets the end */
    if (limit && cap > limit)
        cap = limit;
    char *b = malloc(cap + 1);
    cov_advise_huge(b, cap + 1);
    int rc = COV_OK;
    while (b) {
        if (n == cap) {
            if (limit && n >= limit)
                break;
            cap *= 2;
            char *nb = cov_realloc_huge(b, n + 1, cap + 1);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
        size_t want = cap - n;
        if (limit && n + want > limit)
            want = limit - n;
        size_t got = VSIFReadL(b + n, 1, want, fp);
        n += got;
        if (got < want)
            break;
        if (limit && n >= limit)
            break;
    }
    VSIFCloseL(fp);
    if (!b)
        return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory reading the file"), path);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return rc;
}

/* Encoding of a shapefile's .dbf records when it has no .cpg: NULL = leave to GDAL. */
static const char *shp_encoding(struct imp *im, const char *source)
{
    size_t base = strlen(source) - 4;
    char path[4096];
    if (base + 5 > sizeof(path))
        return NULL;
    VSIStatBufL st;
    static const char *const cpg[] = {".cpg", ".CPG"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%.*s%s", (int)base, source, cpg[i]);
        if (VSIStatL(path, &st) == 0)
            return NULL;
    }
    static const char *const dbf[] = {".dbf", ".DBF"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%.*s%s", (int)base, source, dbf[i]);
        if (VSIStatL(path, &st) == 0)
            break;
        path[0] = '\0';
    }
    if (!path[0])
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    struct cov_err quiet;
    cov_err_init(&quiet);
    struct cov_err *keep = im->err;
    im->err = &quiet;
    int rc = slurp(im, path, 4u << 20, &buf, &len);
    im->err = keep;
    cov_err_release(&quiet);
    if (rc || len < 32) {
        free(buf);
        return NULL;
    }
    size_t hdr = (size_t)(unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8;
    const char *enc = NULL;
    if (hdr < len) {
        enum geo_encoding e = geo_encoding_detect(buf + hdr, len - hdr, 1);
        if (e == GEO_ENC_GB18030)
            enc = "CP936";
        else if (e == GEO_ENC_UTF8 || e == GEO_ENC_UTF8_BOM)
            enc = "UTF-8";
    }
    free(buf);
    return enc;
}

/*
 * A local file mapped read-only, with a zero byte after its end (an
 * anonymous page behind it): *len its size, *maplen the mapping's. NULL
 * (nothing to undo) when it is not a regular local file or cannot be
 * mapped. Mapped, the text costs page-cache faults only; read, it was 68 MB
 * of fresh memory for bench-peers' organizations before a row was parsed.
 * As with the store's memory map, a file truncated meanwhile faults.
 */
static char *map_text(const char *path, size_t *len, size_t *maplen)
{
    if (!strncmp(path, "/vsi", 4))
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    long page = sysconf(_SC_PAGESIZE);
    char *p = NULL;
    if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 && page > 0 &&
        (uint64_t)st.st_size < SIZE_MAX / 2) {
        size_t n = (size_t)st.st_size, total = (n / (size_t)page + 1) * (size_t)page;
        p = mmap(NULL, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            p = NULL;
        } else if (mmap(p, n, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
            munmap(p, total);
            p = NULL;
        } else {
            madvise(p, n, MADV_SEQUENTIAL);
            *len = n;
            *maplen = total;
        }
    }
    close(fd);
    return p;
}

/* Read a text table, detect its encoding and transcode it into im->membuf. */
static int load_text(struct imp *im, const char *source)
{
    char *raw = NULL;
    size_t len = 0, maplen = 0;
    int rc = COV_OK;
    if (!(raw = map_text(source, &len, &maplen)) && (rc = slurp(im, source, 0, &raw, &len)))
        return rc;
#define FREE_RAW() (maplen ? (void)munmap(raw, maplen) : free(raw))
    const char *from = im->o->encoding;
    if (!from) {
        enum geo_encoding e = geo_encoding_detect(raw, len, 0);
        if (e == GEO_ENC_UNKNOWN) {
            FREE_RAW();
            return cov_err_set(im->err, COV_EINPUT,
                               _("%s: text is neither UTF-8 nor GB18030/GBK (give --encoding)"),
                               im->file);
        }
        from = e == GEO_ENC_GB18030 ? "GB18030" : "UTF-8";
    }
    if (geo_encoding_is_utf8(from)) {
        if (!geo_utf8_valid(raw, len, 0)) {
            FREE_RAW();
            return cov_err_set(im->err, COV_EINPUT,
                               _("%s: text is not valid UTF-8 (--encoding %s); give --encoding "
                                 "GBK if it came from Excel on a Chinese Windows"),
                               im->file, from);
        }
        size_t bom = len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3) ? 3 : 0;
        if (maplen) { /* read-only: the text starts after the BOM */
            im->mapped = raw;
            im->maplen = maplen;
            im->membuf = raw + bom;
        } else {
            memmove(raw, raw + bom, len - bom + 1);
            im->membuf = raw;
        }
        im->memlen = len - bom;
    } else {
        rc = geo_transcode_to_utf8(raw, len, from, im->file, &im->membuf, &im->memlen, im->err);
        FREE_RAW();
        if (rc)
            return rc;
    }
#undef FREE_RAW
    /* TSV, and .txt exports whose first line holds tabs, are tab-separated. */
    const char *nl = memchr(im->membuf, '\n', im->memlen);
    size_t first = nl ? (size_t)(nl - im->membuf) : im->memlen;
    im->delim = ends_with_ci(source, ".tsv") ||
                        (ends_with_ci(source, ".txt") && memchr(im->membuf, '\t', first))
                    ? '\t'
                    : ',';
    return COV_OK;
}

/* CSV with polygons (a WKT column) for an area layer: GDAL's CSV driver over transcoded text. */
static int open_csv_ogr(struct imp *im, const char *source, char *vsimem, size_t vlen)
{
    int rc = load_text(im, source);
    if (rc)
        return rc;
    snprintf(vsimem, vlen, "/vsimem/orgcover-import-%p.csv", (void *)im);
    VSILFILE *fp =
        VSIFileFromMemBuffer(vsimem, (GByte *)im->membuf, (vsi_l_offset)im->memlen, FALSE);
    if (!fp) {
        vsimem[0] = '\0';
        return cov_err_set(im->err, COV_EIO, _("%s: cannot stage the transcoded text"), im->file);
    }
    VSIFCloseL(fp);
    static const char *const drivers[] = {"CSV", NULL};
    static const char *const oo[] = {"AUTODETECT_TYPE=NO", "HEADERS=YES", "EMPTY_STRING_AS_NULL=NO",
                                     NULL};
    im->ds = GDALOpenEx(vsimem, GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR, drivers, oo, NULL);
    return im->ds ? COV_OK : COV_EIO;
}

static int is_text_table(const char *source)
{
    return ends_with_ci(source, ".csv") || ends_with_ci(source, ".tsv") ||
           ends_with_ci(source, ".txt");
}

static int is_workbook(const char *source)
{
    return ends_with_ci(source, ".xlsx") || ends_with_ci(source, ".xls") ||
           ends_with_ci(source, ".ods");
}

static int list_layers(struct imp *im, char *names, size_t len)
{
    names[0] = '\0';
    int n = GDALDatasetGetLayerCount(im->ds);
    for (int i = 0; i < n; i++) {
        size_t u = strlen(names);
        snprintf(names + u, len - u, "%s%s", i ? ", " : "",
                 OGR_L_GetName(GDALDatasetGetLayer(im->ds, i)));
    }
    return n;
}

/*
 * GeoJSON text may hold "\u0000", which GDAL turns into the end of the
 * string: the value would be cut without a word. Refuse it, naming the
 * feature (the number of "Feature" objects before it).
 */
static int check_json_nul(struct imp *im, const char *source)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = slurp(im, source, 0, &buf, &len);
    if (rc)
        return rc;
    const char *hit = NULL;
    for (const char *p = buf; (p = strstr(p, "\\u0000")) != NULL; p += 6) {
        /* an escaped backslash before it ("\\u0000") is the text \u0000 */
        size_t k = 0;
        while (p - k > buf && p[-(long)k - 1] == '\\')
            k++;
        if (k % 2 == 0) {
            hit = p;
            break;
        }
    }
    if (hit) {
        long feature = -1;
        for (const char *p = buf; (p = strstr(p, "\"Feature\"")) != NULL && p < hit; p += 9)
            feature++;
        rc =
            cov_err_set(im->err, COV_EINPUT,
                        _("%s:feature %ld: a value contains a NUL character (\\u0000), which would "
                          "cut it short (expected text without control characters)"),
                        im->file, feature < 0 ? 0 : feature);
    }
    free(buf);
    return rc;
}

static int open_source(struct imp *im, const char *source, char *vsimem, size_t vlen)
{
    int is_pg = !strncasecmp(source, "PG:", 3);
    if (!is_pg) {
        VSIStatBufL st;
        if (VSIStatL(source, &st) != 0)
            return cov_err_set(im->err, COV_EIO, _("%s: no such file"), source);
    }
    int orgs = im->layer == COV_ORGANIZATIONS;
    int rc = COV_OK;
    if (!is_pg && is_text_table(source)) {
        if (orgs) {
            im->tabular = 1;
            if (im->o->src_layer)
                return cov_err_set(im->err, COV_EUSAGE,
                                   _("%s: --src-layer %s: a text table has no layers or sheets"),
                                   im->file, im->o->src_layer);
            if ((rc = load_text(im, source)))
                return rc;
            im->n_sheets = 1;
            return COV_OK;
        }
        rc = open_csv_ogr(im, source, vsimem, vlen);
    } else {
        char **oo = NULL;
        if (!is_pg && (ends_with_ci(source, ".xlsx") || ends_with_ci(source, ".ods")) &&
            (rc = geo_zip_check(source, NULL, im->err)))
            return rc; /* a zip bomb, refused before GDAL unpacks it */
        if (!is_pg && is_workbook(source) && orgs) {
            im->tabular = 1;
            im->workbook = 1;
            set_sheet_config(im);
        } else if (!is_pg && (ends_with_ci(source, ".geojson") || ends_with_ci(source, ".json"))) {
            if ((rc = check_json_nul(im, source)))
                return rc;
        } else if (!is_pg && ends_with_ci(source, ".shp")) {
            const char *enc = im->o->encoding ? im->o->encoding : shp_encoding(im, source);
            if (enc)
                oo = CSLSetNameValue(oo, "ENCODING", enc);
        }
        im->ds = GDALOpenEx(source, GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR, NULL,
                            (const char *const *)oo, NULL);
        CSLDestroy(oo);
        rc = im->ds ? COV_OK : COV_EIO;
    }
    if (rc)
        return im->err->code
                   ? im->err->code
                   : cov_err_set(im->err, rc, _("%s: cannot open as a vector source"), im->file);
    int n = GDALDatasetGetLayerCount(im->ds);
    im->sheets = cov_arena_alloc(&im->arena, sizeof(OGRLayerH) * (size_t)(n > 0 ? n : 1));
    if (!im->sheets)
        return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
    if (im->o->src_layer) {
        OGRLayerH l = GDALDatasetGetLayerByName(im->ds, im->o->src_layer);
        if (!l) {
            char names[1024];
            int k = list_layers(im, names, sizeof(names));
            return cov_err_set(im->err, COV_EUSAGE, _("%s: no %s '%s' (%s: %s)"), im->file,
                               im->workbook ? "sheet" : "layer", im->o->src_layer,
                               im->workbook ? "sheets" : "layers", k ? names : "none");
        }
        im->sheets[im->n_sheets++] = l;
    } else if (im->workbook) {
        for (int i = 0; i < n; i++)
            im->sheets[im->n_sheets++] = GDALDatasetGetLayer(im->ds, i);
    } else if (n > 0) {
        im->sheets[im->n_sheets++] = GDALDatasetGetLayer(im->ds, 0);
    }
    if (!im->n_sheets)
        return cov_err_set(im->err, COV_EINPUT, _("%s: has no layer"), im->file);
    return COV_OK;
}

/* ---- columns ---- */

/* Union column index of name, added when new; -1 on out of memory. */
static int union_col(struct imp *im, const char *name)
{
    for (int i = 0; i < im->n_ucols; i++)
        if (!strcmp(im->ucols[i], name))
            return i;
    if (im->n_ucols == im->cap_ucols) {
        int cap = im->cap_ucols ? im->cap_ucols * 2 : 32;
        char **u = cov_arena_alloc(&im->arena, sizeof(char *) * (size_t)cap);
        if (!u)
            return -1;
        if (im->n_ucols)
            memcpy(u, im->ucols, sizeof(char *) * (size_t)im->n_ucols);
        im->ucols = u;
        im->cap_ucols = cap;
    }
    im->ucols[im->n_ucols] = cov_arena_strdup(&im->arena, name);
    return im->ucols[im->n_ucols] ? im->n_ucols++ : -1;
}

/* The sheet's columns are names[0..n): copy them, map them onto fields. */
static int set_columns(struct imp *im, const char *const *names, int n)
{
    im->n_cols = n;
    im->cols = cov_arena_alloc(&im->arena, sizeof(char *) * (size_t)(n + 1));
    im->ucol = cov_arena_alloc(&im->arena, sizeof(int) * (size_t)(n + 1));
    if (!im->cols || !im->ucol)
        return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
    for (int i = 0; i < n; i++) {
        char fallback[32];
        const char *nm = names[i];
        if (!nm || !*nm) {
            snprintf(fallback, sizeof(fallback), _("column %d"), i + 1);
            nm = fallback;
        }
        im->cols[i] = cov_arena_strdup(&im->arena, nm);
        if (!im->cols[i] || (im->ucol[i] = union_col(im, nm)) < 0)
            return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
    }
    int is_org = im->layer == COV_ORGANIZATIONS;
    unsigned flags = im->update ? GEO_MAP_UPDATE : 0;
    int rc = geo_alias_map(im->layer, (const char *const *)im->cols, (size_t)n, im->o->fields,
                           im->o->n_fields, flags, im->file, &im->map, im->err);
    if (rc || !is_org)
        return rc;
    int lon = im->map.col[GEO_ORG_LON] >= 0, lat = im->map.col[GEO_ORG_LAT] >= 0;
    if (lon != lat)
        return cov_err_set(im->err, COV_EINPUT,
                           _("%s: found a column for %s but none for %s (expected both 经度 and "
                             "纬度, or neither)"),
                           im->file, lon ? "lon" : "lat", lon ? "lat" : "lon");
    im->have_lonlat = lon && lat;
    int text_place = im->map.col[GEO_ORG_ADDRESS] >= 0 || im->map.col[GEO_ORG_COMM_REF] >= 0 ||
                     im->map.col[GEO_ORG_STREET_REF] >= 0 || im->map.id_is_credit;
    if (!im->update && !im->have_lonlat && !im->use_geom && !text_place) {
        char present[2048] = "";
        for (int i = 0; i < n; i++) {
            char esc[256];
            size_t u = strlen(present);
            snprintf(present + u, sizeof(present) - u, "%s%s", i ? ", " : "",
                     geo_escape(im->cols[i], esc, sizeof(esc)));
        }
        return cov_err_set(im->err, COV_EINPUT,
                           _("%s: no column says where the organizations are (expected 经度/纬度, "
                             "or 住所/地址, 所属社区 or 所属街道, or 统一社会信用代码; columns "
                             "present: %s)"),
                           im->file, n ? present : "none");
    }
    return COV_OK;
}

/* Columns of an OGR layer with a header of its own (Shapefile, GeoPackage, GeoJSON, PG). */
static int map_layer_columns(struct imp *im, OGRLayerH lyr)
{
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(lyr);
    int n = OGR_FD_GetFieldCount(fd);
    const char **names = calloc((size_t)n + 1, sizeof(*names));
    if (!names)
        return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
    for (int i = 0; i < n; i++)
        names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
    int has_geom = OGR_FD_GetGeomFieldCount(fd) > 0 && OGR_L_GetGeomType(lyr) != wkbNone;
    int is_org = im->layer == COV_ORGANIZATIONS;
    im->use_geom = has_geom;
    int rc = COV_OK;
    if (!is_org && !has_geom)
        rc = cov_err_set(im->err, COV_EINPUT,
                         _("%s: has no geometry (%s need polygons: give a Shapefile, GeoPackage, "
                           "GeoJSON or a CSV with a WKT column)"),
                         im->file, cov_layer_name((int)im->layer));
    if (!rc)
        rc = set_columns(im, names, n);
    free(names);
    return rc;
}

/* ---- CRS ---- */

static int setup_srs(struct imp *im)
{
    const char *s = im->o->s_srs;
    if (s && (!strcasecmp(s, "GCJ02") || !strcasecmp(s, "GCJ-02")))
        im->web = WEB_GCJ02;
    else if (s && (!strcasecmp(s, "BD09") || !strcasecmp(s, "BD-09")))
        im->web = WEB_BD09;
    if (s && im->web == WEB_NONE) {
        im->src_srs = OSRNewSpatialReference(NULL);
        if (!im->src_srs || OSRSetFromUserInput(im->src_srs, s) != OGRERR_NONE)
            return cov_err_set(
                im->err, COV_EUSAGE,
                _("--s-srs %s: not a coordinate system (expected EPSG:N, GCJ02, BD09 "
                  "or a PROJ/WKT definition)"),
                s);
        OSRSetAxisMappingStrategy(im->src_srs, OAMS_TRADITIONAL_GIS_ORDER);
    } else if (!s && im->use_geom && OGR_L_GetSpatialRef(im->sheets[im->sheet])) {
        im->src_srs = OSRClone(OGR_L_GetSpatialRef(im->sheets[im->sheet]));
        if (im->src_srs)
            OSRSetAxisMappingStrategy(im->src_srs, OAMS_TRADITIONAL_GIS_ORDER);
    } else {
        im->src_srs = geo_srs_from_epsg(4326);
    }
    if (!im->src_srs)
        return cov_err_set(im->err, COV_EFAIL, _("%s: cannot set up the source CRS"), im->file);
    im->geographic = OSRIsGeographic(im->src_srs) != 0;
    return COV_OK;
}

static void web_to_wgs84(enum webcrs web, double *x, double *y)
{
    double lon = *x, lat = *y;
    if (web == WEB_GCJ02)
        geo_gcj02_to_wgs84(lon, lat, x, y);
    else if (web == WEB_BD09)
        geo_bd09_to_wgs84(lon, lat, x, y);
}

static void web_geom_to_wgs84(enum webcrs web, OGRGeometryH g)
{
    int n = OGR_G_GetGeometryCount(g);
    for (int i = 0; i < n; i++)
        web_geom_to_wgs84(web, OGR_G_GetGeometryRef(g, i));
    int np = OGR_G_GetPointCount(g);
    for (int i = 0; i < np; i++) {
        double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
        web_to_wgs84(web, &x, &y);
        OGR_G_SetPoint_2D(g, i, x, y);
    }
}

static void extend(struct imp *im, double minx, double miny, double maxx, double maxy)
{
    if (!im->have_extent) {
        im->minx = minx, im->miny = miny, im->maxx = maxx, im->maxy = maxy;
        im->have_extent = 1;
        return;
    }
    im->minx = fmin(im->minx, minx), im->miny = fmin(im->miny, miny);
    im->maxx = fmax(im->maxx, maxx), im->maxy = fmax(im->maxy, maxy);
}

/* ---- reading rows ---- */

static int grow_rows(struct imp *im, size_t cap);
static int pipe_publish(struct imp *im, int final);

/* Room for the rows to cap (at least), the writing thread kept out. */
static int reserve_rows(struct imp *im, size_t cap)
{
    if (cap <= im->cap)
        return COV_OK;
    if (!im->pipe)
        return grow_rows(im, cap);
    pthread_rwlock_wrlock(&im->pipe->rows_lock);
    int rc = grow_rows(im, cap);
    pthread_rwlock_unlock(&im->pipe->rows_lock);
    return rc;
}

static int grow(struct imp *im)
{
    return im->n < im->cap ? COV_OK : reserve_rows(im, im->cap ? im->cap * 2 : 256);
}

static int grow_rows(struct imp *im, size_t cap)
{
    struct rowinfo *info = cov_realloc_huge(im->info, im->cap * sizeof(*info), cap * sizeof(*info));
    if (info)
        im->info = info;
    if (!info)
        return COV_ENOMEM;
    if (im->layer == COV_ORGANIZATIONS) {
        struct cov_org *o = cov_realloc_huge(im->orgs, im->cap * sizeof(*o), cap * sizeof(*o));
        if (!o)
            return COV_ENOMEM;
        im->orgs = o;
    } else {
        struct cov_area *a = cov_realloc_huge(im->areas, im->cap * sizeof(*a), cap * sizeof(*a));
        if (a)
            im->areas = a;
        OGRGeometryH *g = a ? realloc(im->ogeom, cap * sizeof(*g)) : NULL;
        if (!g)
            return COV_ENOMEM;
        im->ogeom = g;
    }
    im->cap = cap;
    return COV_OK;
}

static void check_count(struct imp *im, int fi, const char *name, int required, int empty_value,
                        int *out)
{
    const char *v = fval(im, fi);
    enum geo_count_status st = geo_parse_count(v, out);
    if (st == GEO_COUNT_OK || (st == GEO_COUNT_EMPTY && !required)) {
        *out = st == GEO_COUNT_OK ? *out : empty_value;
        return; /* before any gettext: it is slow, and this runs per cell */
    }
    const char *expected = _("expected a whole number >= 0");
    char esc[160];
    switch (st) {
    case GEO_COUNT_OK:
        return;
    case GEO_COUNT_EMPTY:
        *out = empty_value;
        if (required && !im->bad_cell[fi])
            problem(im, name, _("missing (%s)"), _("expected a whole number >= 0"));
        return;
    case GEO_COUNT_NOT_NUMBER:
        problem(im, name, _("'%s' is not a number (%s)"), geo_escape(v, esc, sizeof(esc)),
                expected);
        return;
    case GEO_COUNT_NEGATIVE:
        problem(im, name, _("%s is negative (%s)"), geo_escape(v, esc, sizeof(esc)), expected);
        return;
    case GEO_COUNT_NOT_INTEGER:
        problem(im, name, _("%s is not a whole number (%s)"), geo_escape(v, esc, sizeof(esc)),
                expected);
        return;
    case GEO_COUNT_TOO_LARGE:
        problem(im, name, _("%s is too large (%s)"), geo_escape(v, esc, sizeof(esc)), expected);
        return;
    }
}

static void check_yesno(struct imp *im, int fi, const char *name, int8_t *out)
{
    const char *v = fval(im, fi);
    char esc[160];
    int yes = 0;
    if (geo_parse_yesno(v, &yes))
        problem(im, name,
                _("'%s' is not yes or no (expected 是/否, 有/无, yes/no, true/false, 1/0)"),
                geo_escape(v, esc, sizeof(esc)));
    *out = (int8_t)yes;
}

/* Coordinates from lon/lat columns. 0 ok, 1 both empty (no coordinates), -1 bad. */
static int read_lonlat(struct imp *im, double *x, double *y)
{
    const char *sx = fval(im, GEO_ORG_LON), *sy = fval(im, GEO_ORG_LAT);
    int rx = geo_parse_coord(sx, x), ry = geo_parse_coord(sy, y);
    if (rx == -1 && ry == -1)
        return 1;
    if (!rx && !ry)
        return 0; /* the common case, before any gettext */
    int bad = 0;
    static const char *const what[] = {"", N_("missing"), N_("is not a number"),
                                       N_("is not finite")};
    const char *lon_exp =
        _("expected longitude in degrees, e.g. 119.16, 119°09'41.1\" or 119度9分41秒");
    const char *lat_exp = _("expected latitude in degrees, e.g. 34.60, 34°36'00\" or 34度36分0秒");
    char esc[160];
    if (rx) {
        if (rx == -1)
            problem(im, "lon", _("missing while lat is given (%s)"), lon_exp);
        else
            problem(im, "lon", _("'%s' %s (%s)"), geo_escape(sx, esc, sizeof(esc)), _(what[-rx]),
                    lon_exp);
        bad = 1;
    }
    if (ry) {
        if (ry == -1)
            problem(im, "lat", _("missing while lon is given (%s)"), lat_exp);
        else
            problem(im, "lat", _("'%s' %s (%s)"), geo_escape(sy, esc, sizeof(esc)), _(what[-ry]),
                    lat_exp);
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* Range checks for geographic coordinates; 0 ok. */
static int check_range(struct imp *im, double x, double y)
{
    int lon_ok = x >= -180 && x <= 180, lat_ok = y >= -90 && y <= 90;
    if (lon_ok && lat_ok)
        return 0;
    if (x >= -90 && x <= 90 && y >= -180 && y <= 180)
        problem(
            im, "lon/lat",
            _("lon %.10g, lat %.10g out of range; looks like longitude and latitude are swapped "
              "(expected lon -180..180, lat -90..90)"),
            x, y);
    else if (!lon_ok)
        problem(im, "lon", _("%.10g is out of range (expected -180..180)"), x);
    else
        problem(im, "lat", _("%.10g is out of range (expected -90..90)"), y);
    return -1;
}

static const char *geom_type_name(OGRGeometryH g)
{
    return OGRGeometryTypeToName(wkbFlatten(OGR_G_GetGeometryType(g)));
}

static void read_org(struct imp *im, struct cov_org *o)
{
    struct rowinfo *ri = &im->info[im->cur];
    memset(o, 0, sizeof(*o));
    o->staff = COV_UNKNOWN;
    o->x = o->y = NAN;
    const char *id = fval(im, GEO_ORG_ID);
    o->id = dup_trim(im, id);
    char esc[160];
    if (!o->id && im->bad_cell[GEO_ORG_ID]) {
        /* reported by check_text */
    } else if (!o->id) {
        problem(im, "id", _("missing (expected %s)"),
                im->map.id_is_credit ? _("an 18-character unified social credit code")
                                     : _("an id unique in the file"));
    } else {
        char why[256];
        if (im->map.id_is_credit && !im->update && geo_creditcode_check(o->id, why, sizeof(why)))
            problem(im, "id", _("'%s' is not a valid unified social credit code: %s"),
                    geo_escape(o->id, esc, sizeof(esc)), why);
        size_t prev;
        int d = dup_check(im, o->id, &prev);
        if (d > 0) {
            char w[256];
            problem(im, "id", _("duplicate '%s' (also in %s; expected each id once)"),
                    geo_escape(o->id, esc, sizeof(esc)),
                    where_short(im, im->info[prev].sheet, im->info[prev].loc, w, sizeof(w)));
        }
    }
    for (int fi = 0; fi < GEO_ORG_NFIELDS; fi++)
        if (im->map.col[fi] >= 0 && fgiven(im, fi))
            ri->set |= 1u << fi;
    o->name = dup_trim(im, fval(im, GEO_ORG_NAME));
    if (!o->name && !im->update && !im->bad_cell[GEO_ORG_NAME])
        problem(im, "name", _("missing (expected the organization's name)"));
    o->kind = dup_trim(im, fval(im, GEO_ORG_KIND));
    o->industry = dup_trim(im, fval(im, GEO_ORG_INDUSTRY));
    o->rating = dup_trim(im, fval(im, GEO_ORG_RATING));
    o->party_org_id = dup_trim(im, fval(im, GEO_ORG_PARTY_ID));
    o->address = dup_trim(im, fval(im, GEO_ORG_ADDRESS));
    o->community_ref = dup_trim(im, fval(im, GEO_ORG_COMM_REF));
    o->street_ref = dup_trim(im, fval(im, GEO_ORG_STREET_REF));
    o->authority = dup_trim(im, fval(im, GEO_ORG_AUTHORITY));
    o->supervisor = dup_trim(im, fval(im, GEO_ORG_SUPERVISOR));
    o->legal_rep = dup_trim(im, fval(im, GEO_ORG_LEGAL_REP));
    o->reg_date = dup_trim(im, fval(im, GEO_ORG_REG_DATE));
    check_yesno(im, GEO_ORG_COMMUNITY, "community_org", &o->community_org);
    check_yesno(im, GEO_ORG_INSTRUCTOR, "instructor", &o->instructor);
    check_count(im, GEO_ORG_FORMAL, "formal_members", !im->update, 0, &o->formal_members);
    check_count(im, GEO_ORG_UNTRANSFERRED, "untransferred_members", 0, 0,
                &o->untransferred_members);
    check_count(im, GEO_ORG_STAFF, "staff", 0, COV_UNKNOWN, &o->staff);
    const char *pv = fval(im, GEO_ORG_PARTY);
    if (geo_parse_party(pv, &o->party))
        problem(
            im, "party_org",
            _("'%s' is not a Party organization type (expected 无/单独/联合/区域/行业/功能型 or "
              "none/standalone/joint/regional/industry/functional)"),
            geo_escape(pv, esc, sizeof(esc)));

    double x, y;
    OGRFeatureH f = im->use_geom && im->tab ? geo_table_feature(im->tab) : NULL;
    OGRGeometryH g = f ? OGR_F_GetGeometryRef(f) : NULL;
    if (g && !OGR_G_IsEmpty(g)) {
        OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
        if (t == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1)
            g = OGR_G_GetGeometryRef(g, 0);
        else if (t != wkbPoint) {
            problem(im, "geometry", _("is a %s (expected Point)"), geom_type_name(g));
            return;
        }
        x = OGR_G_GetX(g, 0);
        y = OGR_G_GetY(g, 0);
        if (!isfinite(x) || !isfinite(y)) {
            problem(im, "geometry", _("coordinates are not finite (expected a Point)"));
            return;
        }
    } else if (im->have_lonlat) {
        int r = read_lonlat(im, &x, &y);
        if (r)
            return; /* bad, or no coordinates: placed from the text columns later */
        if (im->update)
            ri->set |= 1u << GEO_ORG_LON | 1u << GEO_ORG_LAT;
    } else {
        return; /* no coordinates: placed from the text columns later */
    }
    if (im->geographic && check_range(im, x, y))
        return;
    web_to_wgs84(im->web, &x, &y);
    o->x = x;
    o->y = y;
    if (!ri->bad)
        extend(im, x, y, x, y);
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static void read_area(struct imp *im, struct cov_area *a, OGRGeometryH *out)
{
    struct rowinfo *ri = &im->info[im->cur];
    memset(a, 0, sizeof(*a));
    *out = NULL;
    char esc[160];
    a->code = dup_trim(im, fval(im, GEO_AREA_CODE));
    /* A cell refused by check_text() is reported there, not again as missing. */
    if (!a->code) {
        if (!im->bad_cell[GEO_AREA_CODE])
            problem(im, "code", _("missing (expected a code unique in the layer)"));
    } else {
        size_t prev;
        if (dup_check(im, a->code, &prev) > 0) {
            char w[256];
            problem(im, "code", _("duplicate '%s' (also in %s; expected each code once)"),
                    geo_escape(a->code, esc, sizeof(esc)),
                    where_short(im, im->info[prev].sheet, im->info[prev].loc, w, sizeof(w)));
        }
        if (im->layer == COV_COMMUNITIES && !(strlen(a->code) == 12 && all_digits(a->code))) {
            if (!im->long_town_codes++) {
                char w[256];
                snprintf(im->town_example, sizeof(im->town_example), "%s: '%s'",
                         where_short(im, ri->sheet, ri->loc, w, sizeof(w)),
                         geo_escape(a->code, esc, sizeof(esc)));
            }
        }
    }
    a->name = dup_trim(im, fval(im, GEO_AREA_NAME));
    if (!a->name && !im->bad_cell[GEO_AREA_NAME])
        problem(im, "name", _("missing (expected a name)"));
    a->parent = dup_trim(im, fval(im, GEO_AREA_PARENT));
    if (im->layer == COV_COMMUNITIES) {
        const char *uc = fval(im, GEO_AREA_UR_CODE), *ut = fval(im, GEO_AREA_TYPE);
        enum cov_ur ur_c = COV_UR_UNKNOWN, ur_t = COV_UR_UNKNOWN;
        int has_c = dup_trim(im, uc) != NULL, has_t = dup_trim(im, ut) != NULL;
        /* The 2008 categories 城区/镇区/乡村 often stand in the code column. */
        if (has_c && geo_parse_urcode(uc, &ur_c, &a->ur_code) && geo_parse_ur(uc, &ur_c))
            problem(im, "ur_code",
                    _("'%s' is not an urban-rural code (expected 3 digits, 1xx urban or 2xx rural, "
                      "or 城区/镇区/乡村)"),
                    geo_escape(uc, esc, sizeof(esc)));
        if (has_t && geo_parse_ur(ut, &ur_t) && geo_parse_urcode(ut, &ur_t, &a->ur_code))
            problem(im, "type",
                    _("'%s' is not a community type (expected 城市/农村, 城区/镇区/乡村, "
                      "居委会/村委会 or urban/rural)"),
                    geo_escape(ut, esc, sizeof(esc)));
        if (!has_c && !has_t)
            problem(im, "type",
                    _("missing (expected 城乡分类代码 1xx/2xx or 类型 城市/农村, 城区/镇区/乡村, "
                      "居委会/村委会, urban/rural)"));
        a->ur = ur_c != COV_UR_UNKNOWN ? ur_c : ur_t;
    }

    OGRFeatureH f = geo_table_feature(im->tab);
    OGRGeometryH g = f ? OGR_F_GetGeometryRef(f) : NULL;
    int polygonal_only = im->layer != COV_BUILDINGS;
    const char *expected =
        polygonal_only ? _("Polygon or MultiPolygon") : _("Polygon, MultiPolygon or Point");
    if (!g || OGR_G_IsEmpty(g)) {
        problem(im, "geometry", _("missing or empty (expected %s)"), expected);
        return;
    }
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbCurvePolygon || t == wkbMultiSurface)
        t = t == wkbCurvePolygon ? wkbPolygon : wkbMultiPolygon;
    if (!(t == wkbPolygon || t == wkbMultiPolygon || (!polygonal_only && t == wkbPoint))) {
        problem(im, "geometry", _("is a %s (expected %s)"), geom_type_name(g), expected);
        return;
    }
    if (ri->bad)
        return;
    /* The feature is dropped at the next row: take its geometry rather than copy it. */
    OGRGeometryH c = OGR_G_HasCurveGeometry(g, FALSE) ? OGR_G_GetLinearGeometry(g, 0, NULL)
                                                      : OGR_F_StealGeometry(f);
    if (!c) {
        problem(im, "geometry", _("cannot be copied (out of memory)"));
        return;
    }
    OGR_G_FlattenTo2D(c);
    web_geom_to_wgs84(im->web, c);
    OGREnvelope env;
    OGR_G_GetEnvelope(c, &env);
    if (im->geographic &&
        (check_range(im, env.MinX, env.MinY) || check_range(im, env.MaxX, env.MaxY))) {
        OGR_G_DestroyGeometry(c);
        return;
    }
    extend(im, env.MinX, env.MinY, env.MaxX, env.MaxY);
    *out = c;
}

/* Original values of the current row by union column, for the rejects CSV. */
static void keep_original(struct imp *im, struct rowinfo *ri)
{
    ri->orig = cov_arena_alloc(&im->arena, sizeof(char *) * (size_t)(im->n_ucols + 1));
    if (!ri->orig)
        return;
    for (int c = 0; c < im->n_cols && c < im->n_cells; c++)
        ri->orig[im->ucol[c]] = cov_arena_strdup(&im->arena, im->cells[c]);
}

static void clear_rowbuf(struct imp *im)
{
    im->rowbuf_len = 0;
    if (im->rowbuf)
        im->rowbuf[0] = '\0';
}

/* Text checks of every mapped field of the current row: valid UTF-8, no
 * control characters, not absurdly long (long_cell from the table). */
static void check_text(struct imp *im, int long_cell)
{
    size_t nf;
    const struct geo_field_def *defs = geo_alias_fields(im->layer, &nf);
    for (size_t fi = 0; fi < nf; fi++) {
        im->bad_cell[fi] = 0;
        int c = im->map.col[fi];
        if (c < 0 || c >= im->n_cells)
            continue;
        const char *why;
        if (c == long_cell) {
            problem(im, defs[fi].name, _("longer than %d bytes (expected a short value)"),
                    MAX_CELL);
            im->bad_cell[fi] = 1;
        } else if (!geo_text_ok(im->cells[c], &why)) {
            problem(im, defs[fi].name, _("%s (the value must be text without control characters)"),
                    _(why));
            im->bad_cell[fi] = 1;
        }
    }
}

/* One record: the current cells at (sheet, loc). */
static int read_record(struct imp *im, long loc, int long_cell)
{
    if (grow(im))
        return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
    im->cur = (long)im->n;
    struct rowinfo *ri = &im->info[im->n];
    memset(ri, 0, sizeof(*ri));
    ri->loc = loc;
    ri->sheet = im->sheet;
    check_text(im, long_cell);
    if (im->layer == COV_ORGANIZATIONS)
        read_org(im, &im->orgs[im->n]);
    else
        read_area(im, &im->areas[im->n], &im->ogeom[im->n]);
    im->n++;
    if (ri->bad)
        ri->reason = cov_arena_strdup(&im->arena, im->rowbuf ? im->rowbuf : "");
    if (im->o->skip_invalid)
        keep_original(im, ri);
    clear_rowbuf(im);
    return COV_OK;
}

/* ---- tables: header, blank and notes rows ---- */

static int blank_row(const char *const *cells, int n)
{
    for (int i = 0; i < n; i++)
        for (const char *p = cells[i]; *p; p++)
            if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
                return 0;
    return 1;
}

/* A notes or totals row: its first non-empty cell starts with one of the words. */
static int notes_row(const char *const *cells, int n)
{
    static const char *const words[] = {"注",   "备注", "说明", "合计", "总计",
                                        "填表", "制表", "审核", "小计"};
    for (int i = 0; i < n; i++) {
        const char *p = cells[i];
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            continue;
        for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
            if (!strncmp(p, words[w], strlen(words[w])))
                return 1;
        return 0;
    }
    return 0;
}

static int hold(struct imp *im, struct held *h, const char *const *cells, int n, long loc)
{
    h->loc = loc;
    h->n = n;
    h->cells = cov_arena_alloc(&im->arena, sizeof(char *) * (size_t)(n + 1));
    if (!h->cells)
        return COV_ENOMEM;
    for (int i = 0; i < n; i++)
        if (!(h->cells[i] = cov_arena_strdup(&im->arena, cells[i])))
            return COV_ENOMEM;
    return COV_OK;
}

static const char *sheet_label(const struct imp *im, char *buf, size_t len);

/* 1 when notes go on the sheet's own line (several sheets of a workbook). */
static int per_sheet_notes(const struct imp *im)
{
    return im->workbook && !im->o->src_layer && im->n_sheets > 1;
}

/* A note about the table being read: its own line, or part of the sheet's line. */
static void table_note(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void table_note(struct imp *im, const char *fmt, ...)
{
    char what[600], lbl[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (per_sheet_notes(im)) {
        size_t u = strlen(im->sheet_note);
        snprintf(im->sheet_note + u, sizeof(im->sheet_note) - u, "%s%s", _("; "), what);
    } else {
        note(im, "%s%s%s", sheet_label(im, lbl, sizeof(lbl)), _(": "), what);
    }
}

static const char *sheet_label(const struct imp *im, char *buf, size_t len)
{
    if (im->workbook)
        snprintf(buf, len, _("%s (sheet %s)"), im->file, OGR_L_GetName(im->sheets[im->sheet]));
    else
        snprintf(buf, len, "%s", im->file);
    return buf;
}

/*
 * Finds the header among the first rows of the current table: the first
 * row with at least two known column names, one of them the name or id
 * (--header-row overrides). Rows read past the header are returned in
 * rest[0..*n_rest) to be read as records. 0 found, 1 none (nothing set).
 */
static int find_header(struct imp *im, struct held *rest, int *n_rest, int *rc)
{
    struct held rows[HEADER_SCAN_ROWS];
    int n = 0, want = im->o->header_row, found = -1;
    const char *const *cells;
    int nc, lc;
    long loc;
    *rc = COV_OK;
    *n_rest = 0;
    int limit = want > 0 ? want : HEADER_SCAN_ROWS;
    while (n < limit && n < HEADER_SCAN_ROWS) {
        int r = geo_table_next(im->tab, 0, &cells, &nc, &loc, &lc);
        if (r < 0) {
            *rc = cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
            return 1;
        }
        if (r == 0)
            break;
        if ((*rc = hold(im, &rows[n], cells, nc, loc)))
            return 1;
        n++;
        if (want > 0) {
            if (loc == want) {
                found = n - 1;
                break;
            }
            continue;
        }
        int key = 0;
        if (geo_alias_header_score(im->layer, cells, (size_t)nc, &key) >= 2 && key) {
            found = n - 1;
            break;
        }
    }
    if (found < 0) {
        for (int i = 0; i < n; i++)
            rest[i] = rows[i]; /* for the message only */
        *n_rest = n;
        return 1;
    }
    if ((*rc = set_columns(im, (const char *const *)rows[found].cells, rows[found].n)))
        return 1;
    long hrow = rows[found].loc;
    if (hrow == 2)
        table_note(im, _("header on row 2; row 1 is a title"));
    else if (hrow > 2)
        table_note(im, _("header on row %ld; rows 1-%ld above it are skipped as a title"), hrow,
                   hrow - 1);
    /* rows after the header read while looking: none (we stop at the header) */
    return 0;
}

/* Every record of the current table; notes rows at the end are skipped. */
static int read_table_rows(struct imp *im, struct geo_import_result *res, long *rows_read)
{
    struct held notes[MAX_NOTE_ROWS];
    int n_notes = 0;
    const char *const *cells;
    int nc, long_cell;
    long loc, total = geo_table_count_hint(im->tab);
    /* The rows' arrays at their size at once when it is known (an upper
     * bound for text: its lines): each doubling wrote them into fresh pages. */
    if (total > 0 && (unsigned long)total < (1ul << 28) &&
        reserve_rows(im, im->n + (size_t)total + 1))
        return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
    double done = 0;
    char what[512];
    snprintf(what, sizeof(what), _("reading %s"), im->file);
    int rc = COV_OK;
    *rows_read = 0;
    for (;;) {
        int r = geo_table_next(im->tab, MAX_CELL, &cells, &nc, &loc, &long_cell);
        if (r < 0)
            return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
        if (r == 0)
            break;
        if (im->gdal_failed)
            return COV_EIO;
        if (im->tabular && blank_row(cells, nc))
            continue;
        /* A notes or totals row has no id, or no name (合计 | 2 个). */
        int id_col = im->map.col[im->layer == COV_ORGANIZATIONS ? GEO_ORG_ID : GEO_AREA_CODE];
        int nm_col = im->map.col[im->layer == COV_ORGANIZATIONS ? GEO_ORG_NAME : GEO_AREA_NAME];
        int no_id = id_col < 0 || id_col >= nc || blank_row(&cells[id_col], 1) || nm_col < 0 ||
                    nm_col >= nc || blank_row(&cells[nm_col], 1);
        if (im->tabular && no_id && notes_row(cells, nc) && n_notes < MAX_NOTE_ROWS) {
            if ((rc = hold(im, &notes[n_notes++], cells, nc, loc)))
                return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
            continue;
        }
        /* Records after notes rows: those were not trailing notes after all. */
        for (int i = 0; i < n_notes; i++) {
            im->cells = (const char *const *)notes[i].cells;
            im->n_cells = notes[i].n;
            if ((rc = read_record(im, notes[i].loc, -1)))
                return rc;
            (*rows_read)++;
        }
        n_notes = 0;
        im->cells = cells;
        im->n_cells = nc;
        if ((rc = read_record(im, loc, long_cell)) || (rc = pipe_publish(im, 0)))
            return rc;
        (*rows_read)++;
        if (im->o->progress && *rows_read % 1000 == 0) {
            done = total > 0 ? (double)*rows_read / (double)total : geo_table_fraction(im->tab);
            if (done >= 0 && im->o->progress(done, what, im->o->progress_user))
                return cov_err_set(im->err, COV_ECANCEL, _("%s: import cancelled"), im->file);
        }
    }
    if (im->gdal_failed)
        return COV_EIO;
    if (im->o->progress && done > 0)
        im->o->progress(1.0, what, im->o->progress_user);
    if (n_notes) {
        char rows[256] = "";
        for (int i = 0; i < n_notes; i++) {
            size_t u = strlen(rows);
            snprintf(rows + u, sizeof(rows) - u, "%s%ld", i ? ", " : "", notes[i].loc);
        }
        char first[48];
        table_note(im,
                   n_notes > 1 ? _("skipped %d notes rows at the end (rows %s: \"%s\")")
                               : _("skipped %d notes row at the end (row %s: \"%s\")"),
                   n_notes, rows,
                   geo_escape(notes[0].cells[0][0] ? notes[0].cells[0]
                              : notes[0].n > 1     ? notes[0].cells[1]
                                                   : "",
                              first, sizeof(first)));
        res->skipped_notes += n_notes;
    }
    return COV_OK;
}

/* Reads every sheet (or the one table) of the source. */
static int read_sheets(struct imp *im, struct geo_import_result *res)
{
    int imported_sheets = 0;
    for (im->sheet = 0; im->sheet < im->n_sheets; im->sheet++) {
        geo_table_free(im->tab);
        im->tab = im->membuf ? geo_table_new_text(im->membuf, im->memlen, im->delim)
                             : geo_table_new_layer(im->sheets[im->sheet]);
        if (!im->tab)
            return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
        int rc = COV_OK;
        char lbl[600];
        im->sheet_note[0] = '\0';
        if (im->tabular) {
            struct held seen[HEADER_SCAN_ROWS];
            int n_seen;
            if (find_header(im, seen, &n_seen, &rc)) {
                if (rc)
                    return rc;
                if (per_sheet_notes(im)) {
                    note(im,
                         _("sheet %s: skipped, no header row with known column names in its "
                           "first %d rows"),
                         OGR_L_GetName(im->sheets[im->sheet]), HEADER_SCAN_ROWS);
                    continue;
                }
                char first[512] = "";
                for (int i = 0; i < n_seen && !first[0]; i++)
                    if (!blank_row((const char *const *)seen[i].cells, seen[i].n))
                        for (int c = 0; c < seen[i].n; c++) {
                            char esc[128];
                            size_t u = strlen(first);
                            snprintf(first + u, sizeof(first) - u, "%s%s", c ? ", " : "",
                                     geo_escape(seen[i].cells[c], esc, sizeof(esc)));
                        }
                if (im->o->header_row > 0)
                    return cov_err_set(
                        im->err, COV_EINPUT, _("%s: --header-row %d: the table has only %d rows"),
                        sheet_label(im, lbl, sizeof(lbl)), im->o->header_row, n_seen);
                return cov_err_set(
                    im->err, COV_EINPUT,
                    _("%s: no header row found in the first %d rows (expected a row with at least "
                      "two known column names, one of them 名称 or 统一社会信用代码; the first row "
                      "holds: %s; give --header-row N)"),
                    sheet_label(im, lbl, sizeof(lbl)), HEADER_SCAN_ROWS,
                    first[0] ? first : "nothing");
            }
        } else if ((rc = map_layer_columns(im, im->sheets[im->sheet]))) {
            return rc;
        }
        if (!im->srs_ready) {
            if ((rc = setup_srs(im)))
                return rc;
            im->srs_ready = 1;
        }
        long rows = 0;
        if ((rc = read_table_rows(im, res, &rows)))
            return rc;
        imported_sheets++;
        if (per_sheet_notes(im))
            note(im, _("sheet %s: %ld rows%s"), OGR_L_GetName(im->sheets[im->sheet]), rows,
                 im->sheet_note);
    }
    if (im->workbook)
        res->sheets = imported_sheets;
    if (im->workbook && imported_sheets == 0)
        return cov_err_set(
            im->err, COV_EINPUT,
            _("%s: no sheet has a header row with known column names (expected at "
              "least two, one of them 名称 or 统一社会信用代码; give --src-layer and "
              "--header-row)"),
            im->file);
    res->read = (long)im->n;
    if (im->n == 0)
        return cov_err_set(im->err, COV_EINPUT, _("%s: no rows (the source is empty)"), im->file);
    return COV_OK;
}

/* ---- converting to the project CRS ---- */

static int extent_srid(struct imp *im, int *srid);

static int choose_srid(struct imp *im, struct geo_store *s, int *srid, int *chosen)
{
    *srid = geo_store_srid(s);
    *chosen = 0;
    if (*srid)
        return COV_OK;
    int rc = extent_srid(im, srid);
    if (!rc)
        *chosen = 1;
    return rc;
}

/* The CRS the rows' extent chooses (geo_crs_choose of its centre). */
static int extent_srid(struct imp *im, int *srid)
{
    if (!im->have_extent)
        return cov_err_set(im->err, COV_EINPUT, _("%s: no valid coordinates to choose a CRS from"),
                           im->file);
    double cx = (im->minx + im->maxx) / 2, cy = (im->miny + im->maxy) / 2;
    if (!im->geographic) {
        OGRSpatialReferenceH wgs = geo_srs_from_epsg(4326);
        OGRCoordinateTransformationH ct =
            wgs ? OCTNewCoordinateTransformation(im->src_srs, wgs) : NULL;
        int ok = ct && OCTTransform(ct, 1, &cx, &cy, NULL);
        OCTDestroyCoordinateTransformation(ct);
        OSRDestroySpatialReference(wgs);
        if (!ok)
            return cov_err_set(im->err, COV_EINPUT,
                               _("%s: cannot find the data's centre in WGS84 to choose a CRS "
                                 "(give 'orgcover init --crs EPSG:N')"),
                               im->file);
    }
    *srid = geo_crs_choose(cx, cy);
    return COV_OK;
}

/* Polygonal parts of a MakeValid result; NULL when there are none. Takes ownership of g. */
static GEOSGeometry *polygonal(GEOSContextHandle_t h, GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)
        return g;
    int n = GEOSGetNumGeometries_r(h, g);
    GEOSGeometry **parts = calloc((size_t)(n > 0 ? n : 1) * 4, sizeof(*parts));
    int k = 0;
    for (int i = 0; parts && i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
        int pt = GEOSGeomTypeId_r(h, p);
        if (pt == GEOS_POLYGON) {
            parts[k++] = GEOSGeom_clone_r(h, p);
        } else if (pt == GEOS_MULTIPOLYGON) {
            for (int j = 0; j < GEOSGetNumGeometries_r(h, p) && k < n * 4; j++)
                parts[k++] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, p, j));
        }
    }
    GEOSGeom_destroy_r(h, g);
    GEOSGeometry *out = NULL;
    if (k > 0)
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)k);
    free(parts);
    return out;
}

/* What became of an area's geometry: converted to GEOS, then checked. */
enum validity {
    AREA_VALID,
    AREA_REPAIRED,
    AREA_UNREPAIRABLE,
    AREA_NOT_TRANSFORMED, /* converting: a point does not transform */
    AREA_NOT_READ,        /* converting: GEOS refused it, or out of memory */
};

/* A ring (a LineString or LinearRing of OGR's) to the project CRS as a GEOS
 * linear ring; NULL with *bad 1 when a point does not transform, 2 when out
 * of memory, 0 when GEOS refuses it (its message in the context). */
static GEOSGeometry *ring_to_geos(struct conv *c, OGRGeometryH r, int *bad)
{
    int n = OGR_G_GetPointCount(r);
    *bad = 2;
    if (n < 0)
        return NULL;
    if ((size_t)n > c->cap) { /* scratch: one block, nothing to keep */
        size_t cap = (size_t)n * 2;
        double *b = malloc(cap * (2 * sizeof(double) + sizeof(int)));
        if (!b)
            return NULL;
        free(c->x);
        c->x = b;
        c->y = b + cap;
        c->ok = (int *)(b + 2 * cap);
        c->cap = cap;
    }
    *bad = 0;
    if (n > 0) {
        OGR_G_GetPoints(r, c->x, sizeof(double), c->y, sizeof(double), NULL, 0);
        OCTTransformEx(c->ct, n, c->x, c->y, NULL, c->ok);
        for (int k = 0; k < n; k++)
            if (!c->ok[k] || !isfinite(c->x[k]) || !isfinite(c->y[k])) {
                *bad = 1;
                return NULL;
            }
    }
    GEOSCoordSequence *cs =
        GEOSCoordSeq_copyFromArrays_r(c->h, c->x, c->y, NULL, NULL, (unsigned)n);
    return cs ? GEOSGeom_createLinearRing_r(c->h, cs) : NULL; /* takes cs, even on failure */
}

/* A Polygon of OGR's to the project CRS in GEOS; NULL as ring_to_geos(). */
static GEOSGeometry *polygon_to_geos(struct conv *c, OGRGeometryH p, int *bad)
{
    int nr = OGR_G_GetGeometryCount(p);
    *bad = 0;
    if (nr <= 0)
        return GEOSGeom_createEmptyPolygon_r(c->h);
    GEOSGeometry *shell = ring_to_geos(c, OGR_G_GetGeometryRef(p, 0), bad);
    GEOSGeometry **holes = shell && nr > 1 ? malloc((size_t)(nr - 1) * sizeof(*holes)) : NULL;
    if (!shell || (nr > 1 && !holes)) {
        if (shell) {
            GEOSGeom_destroy_r(c->h, shell);
            *bad = 2;
        }
        return NULL;
    }
    int k = 0;
    for (; k < nr - 1; k++)
        if (!(holes[k] = ring_to_geos(c, OGR_G_GetGeometryRef(p, k + 1), bad)))
            break;
    GEOSGeometry *out = NULL;
    if (k == nr - 1)
        out = GEOSGeom_createPolygon_r(c->h, shell, holes, (unsigned)k);
    if (!out) { /* refused before taking them: the rings are still ours */
        GEOSGeom_destroy_r(c->h, shell);
        for (int j = 0; j < k; j++)
            GEOSGeom_destroy_r(c->h, holes[j]);
    }
    free(holes);
    return out;
}

/* A Polygon or MultiPolygon of OGR's straight into GEOS; *how 0 converted,
 * 1 a point does not transform, 2 GEOS refused it, 4 out of memory, 3
 * another type. */
static GEOSGeometry *direct_to_geos(struct conv *c, OGRGeometryH g, int *how)
{
    OGRwkbGeometryType t = OGR_G_GetGeometryType(g);
    int bad = 0;
    GEOSGeometry *out = NULL;
    *how = 3;
    if (t == wkbPolygon) {
        out = polygon_to_geos(c, g, &bad);
    } else if (t == wkbMultiPolygon) {
        int n = OGR_G_GetGeometryCount(g), k = 0;
        for (int j = 0; j < n; j++)
            if (OGR_G_GetGeometryType(OGR_G_GetGeometryRef(g, j)) != wkbPolygon)
                return NULL; /* *how 3 */
        GEOSGeometry **parts = malloc((size_t)(n > 0 ? n : 1) * sizeof(*parts));
        bad = parts ? 0 : 2;
        for (; parts && k < n; k++)
            if (!(parts[k] = polygon_to_geos(c, OGR_G_GetGeometryRef(g, k), &bad)))
                break;
        if (parts && k == n)
            out = GEOSGeom_createCollection_r(c->h, GEOS_MULTIPOLYGON, parts, (unsigned)n);
        if (parts && !out)
            for (int j = 0; j < k; j++)
                GEOSGeom_destroy_r(c->h, parts[j]);
        free(parts);
    } else {
        return NULL;
    }
    *how = out ? 0 : bad == 1 ? 1 : bad == 2 ? 4 : 2;
    return out;
}

/*
 * An area's geometry g (taken: destroyed here) to the project CRS in GEOS,
 * by the thread that owns c. Polygons and MultiPolygons go straight, one
 * ring at a time: at 6x10^5 communities the route through OGR's transform,
 * WKB and GEOS's WKB reader cost 0.4 s more. Anything else (a building's
 * Point) takes that route. *v: AREA_VALID (converted, not yet checked),
 * AREA_NOT_TRANSFORMED or AREA_NOT_READ (*why, heap, says why; NULL when
 * out of memory).
 */
static GEOSGeometry *geom_to_geos(struct conv *c, OGRGeometryH g, enum validity *v, char **why)
{
    *why = NULL;
    int how;
    GEOSGeometry *out = direct_to_geos(c, g, &how);
    if (how == 3) {
        how = 4;
        if (OGR_G_Transform(g, c->ct) != OGRERR_NONE) {
            how = 1;
        } else {
            int size = OGR_G_WkbSize(g);
            unsigned char *wkb = malloc((size_t)size);
            if (wkb && OGR_G_ExportToWkb(g, wkbNDR, wkb) == OGRERR_NONE)
                out = GEOSGeomFromWKB_buf_r(c->h, wkb, (size_t)size);
            how = out ? 0 : wkb ? 2 : 4;
            free(wkb);
        }
    }
    if (how == 2)
        *why = strdup(cov_geos_last_error(c->h));
    *v = how == 0 ? AREA_VALID : how == 1 ? AREA_NOT_TRANSFORMED : AREA_NOT_READ;
    OGR_G_DestroyGeometry(g);
    return out;
}

static void report_validity(struct imp *im, size_t i, enum validity v, const char *why);

/* Row i's geometry to the project CRS and into GEOS (a->geom), not yet
 * checked, on the reader's thread; 0, or -1 after reporting the problem. */
static int convert_area_geom(struct imp *im, size_t i, OGRCoordinateTransformationH ct)
{
    OGRGeometryH g = im->ogeom[i];
    im->ogeom[i] = NULL;
    im->cv.h = im->geos;
    im->cv.ct = ct;
    enum validity v;
    char *why;
    im->areas[i].geom = geom_to_geos(&im->cv, g, &v, &why);
    report_validity(im, i, v, why);
    free(why);
    return v == AREA_VALID ? 0 : -1;
}

/*
 * Checks a->geom with context h: an invalid geometry is repaired with
 * MakeValid (its polygons kept) or, when nothing polygonal is left, destroyed
 * (a->geom NULL). Sets the envelope. *why (heap, free it) says what was
 * invalid. Touches nothing but a: the pipelined import runs it on the writer
 * thread.
 */
static enum validity validate_area(GEOSContextHandle_t h, struct cov_area *a, char **why)
{
    *why = NULL;
    GEOSGeometry *gg = a->geom;
    enum validity out = AREA_VALID;
    if (GEOSisValid_r(h, gg) != 1) {
        char *reason = GEOSisValidReason_r(h, gg);
        *why = reason ? strdup(reason) : NULL;
        if (reason)
            GEOSFree_r(h, reason);
        GEOSGeometry *fixed = GEOSMakeValid_r(h, gg);
        GEOSGeom_destroy_r(h, gg);
        if (fixed && GEOSGeomTypeId_r(h, fixed) != GEOS_POINT)
            fixed = polygonal(h, fixed);
        if (!fixed || GEOSisEmpty_r(h, fixed) != 0) {
            if (fixed)
                GEOSGeom_destroy_r(h, fixed);
            a->geom = NULL;
            return AREA_UNREPAIRABLE;
        }
        a->geom = fixed;
        out = AREA_REPAIRED;
    }
    cov_area_envelope_r(h, a);
    return out;
}

/* Reports validate_area()'s outcome for row i: a problem, or a repair warning. */
static void report_validity(struct imp *im, size_t i, enum validity v, const char *why)
{
    im->cur = (long)i;
    if (v == AREA_NOT_TRANSFORMED) {
        problem(im, "geometry",
                _("cannot be transformed to the project CRS (expected coordinates "
                  "in the source CRS)"));
    } else if (v == AREA_NOT_READ) {
        problem(im, "geometry", _("cannot be read by GEOS: %s"), why ? why : _("out of memory"));
    } else if (v == AREA_UNREPAIRABLE) {
        problem(im, "geometry",
                _("invalid (%s) and MakeValid left no polygon (expected a valid "
                  "Polygon or MultiPolygon)"),
                why ? why : _("unknown reason"));
    } else if (v == AREA_REPAIRED) {
        char w[512];
        cov_err_warn(im->err, _("%s: geometry: invalid (%s); repaired with MakeValid"),
                     where(im, &im->info[i], w, sizeof(w)), why ? why : _("unknown reason"));
        im->repaired++;
    }
}

static void convert_area(struct imp *im, size_t i, OGRCoordinateTransformationH ct)
{
    if (convert_area_geom(im, i, ct))
        return;
    char *why;
    enum validity v = validate_area(im->geos, &im->areas[i], &why);
    report_validity(im, i, v, why);
    free(why);
}

/* A row found bad after reading: keep its reason. */
static void finish_late_row(struct imp *im, size_t i)
{
    struct rowinfo *ri = &im->info[i];
    if (ri->bad)
        ri->reason = cov_arena_strdup(&im->arena, im->rowbuf ? im->rowbuf : "");
    clear_rowbuf(im);
}

/* Rows [from, to) of organizations to the project CRS. */
static int convert_orgs(struct imp *im, OGRCoordinateTransformationH ct, size_t from, size_t to)
{
    size_t n = 0, rows = to > from ? to - from : 1;
    double *xs = malloc(rows * sizeof(double));
    double *ys = malloc(rows * sizeof(double));
    int *ok = malloc(rows * sizeof(int));
    size_t *idx = malloc(rows * sizeof(size_t));
    int rc = COV_OK;
    if (!xs || !ys || !ok || !idx) {
        rc = cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
        goto cleanup;
    }
    struct guess *g = im->guess && im->guess->srid ? im->guess : NULL;
    if (g && g->cap < to) {
        size_t cap = g->cap ? g->cap : GEO_IMPORT_CHUNK;
        while (cap < to)
            cap *= 2;
        double *sx = realloc(g->sx, cap * sizeof(double));
        if (sx)
            g->sx = sx;
        double *sy = sx ? realloc(g->sy, cap * sizeof(double)) : NULL;
        if (sy)
            g->sy = sy;
        if (!sx || !sy) {
            rc = cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
            goto cleanup;
        }
        g->cap = cap;
    }
    for (size_t i = from; g && i < to; i++)
        g->sx[i] = g->sy[i] = NAN;
    if (g)
        g->upto = to;
    for (size_t i = from; i < to; i++) {
        if (im->info[i].bad || !isfinite(im->orgs[i].x) || !isfinite(im->orgs[i].y))
            continue; /* no coordinates: placed by its text later */
        if (g) {
            g->sx[i] = im->orgs[i].x;
            g->sy[i] = im->orgs[i].y;
        }
        xs[n] = im->orgs[i].x;
        ys[n] = im->orgs[i].y;
        ok[n] = 0;
        idx[n++] = i;
    }
    if (n > 0)
        OCTTransformEx(ct, (int)n, xs, ys, NULL, ok);
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        if (ok[k] && isfinite(xs[k]) && isfinite(ys[k])) {
            im->orgs[i].x = xs[k];
            im->orgs[i].y = ys[k];
            continue;
        }
        im->cur = (long)i;
        problem(im, "lon/lat",
                _("%g, %g cannot be transformed to the project CRS (expected "
                  "coordinates in the source CRS)"),
                im->orgs[i].x, im->orgs[i].y);
        finish_late_row(im, i);
    }
cleanup:
    free(xs);
    free(ys);
    free(ok);
    free(idx);
    return rc;
}

/* The transformation from the source's CRS src (of file) to EPSG:srid into *ct. */
static int new_transform(OGRSpatialReferenceH src, int srid, const char *file,
                         OGRCoordinateTransformationH *ct, struct cov_err *err)
{
    OGRSpatialReferenceH dst = geo_srs_from_epsg(srid);
    *ct = dst ? OCTNewCoordinateTransformation(src, dst) : NULL;
    OSRDestroySpatialReference(dst);
    if (!*ct)
        return cov_err_set(err, COV_EFAIL,
                           _("%s: no transformation from the source CRS to EPSG:%d"), file, srid);
    return COV_OK;
}

/* Rows [from, to) to the project CRS; areas also checked for validity unless
 * the writer thread does that (check 0, see pipe_validate). */
static int convert_range(struct imp *im, OGRCoordinateTransformationH ct, size_t from, size_t to,
                         int check)
{
    if (im->layer == COV_ORGANIZATIONS)
        return convert_orgs(im, ct, from, to);
    for (size_t i = from; i < to; i++) {
        if (im->info[i].bad)
            continue;
        if (check)
            convert_area(im, i, ct);
        else
            convert_area_geom(im, i, ct);
        finish_late_row(im, i);
    }
    return COV_OK;
}

static int convert_rows(struct imp *im, int srid)
{
    OGRCoordinateTransformationH ct;
    int rc = new_transform(im->src_srs, srid, im->file, &ct, im->err);
    if (!rc)
        rc = convert_range(im, ct, 0, im->n, 1);
    OCTDestroyCoordinateTransformation(ct);
    return rc;
}

/* Row i (good) into the store, with GEOS context geos for an area. */
static int put_row(struct imp *im, struct geo_store *s, size_t i, GEOSContextHandle_t geos,
                   struct cov_err *err)
{
    return im->layer == COV_ORGANIZATIONS
               ? geo_store_put_org(s, &im->orgs[i], err)
               : geo_store_put_area(s, im->layer, &im->areas[i], geos, err);
}

/* ---- the pipelined write (struct pipe) ---- */

/* Writer thread: converts row i's area to GEOS (its OGR geometry taken) and
 * checks it; a failure or an invalid area is recorded in p->late. *mine: the
 * polygon left in the row was made on this thread. */
static int pipe_validate(struct pipe *p, size_t i, int *mine)
{
    struct imp *im = p->im;
    char *why = NULL;
    enum validity v = AREA_VALID;
    int rc = !p->cv.ct && p->wsrc ? new_transform(p->wsrc, p->srid, im->file, &p->cv.ct, &p->err)
                                  : COV_OK;
    if (rc)
        return rc;
    *mine = 0;
    if (im->ogeom[i] && p->cv.ct) {
        OGRGeometryH g = im->ogeom[i];
        im->ogeom[i] = NULL;
        im->areas[i].geom = geom_to_geos(&p->cv, g, &v, &why);
        *mine = 1;
    }
    if (v == AREA_VALID)
        v = validate_area(p->geos, &im->areas[i], &why);
    if (v == AREA_REPAIRED)
        *mine = 1; /* MakeValid's polygon */
    if (v == AREA_VALID)
        return COV_OK;
    if (p->n_late == p->cap_late) {
        size_t cap = p->cap_late ? p->cap_late * 2 : 64;
        struct late *t = realloc(p->late, cap * sizeof(*t));
        if (!t) {
            free(why);
            return cov_err_set(&p->err, COV_ENOMEM, _("%s: out of memory"), p->im->file);
        }
        p->late = t;
        p->cap_late = cap;
    }
    p->late[p->n_late++] = (struct late){i, (int)v, why};
    return COV_OK;
}

/* Writer thread: the good rows of organizations from..to-1, in batches. */
static int pipe_put_orgs(struct pipe *p, size_t from, size_t to)
{
    const struct cov_org *v[GEO_IMPORT_CHUNK];
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        if (!p->im->info[i].bad)
            v[n++] = &p->im->orgs[i];
    int rc = geo_store_put_orgs(p->s, v, n, &p->err);
    if (!rc)
        p->written += (long)n;
    return rc;
}

/*
 * Writer thread: the good rows of an area layer from..to-1, each checked
 * first. A polygon written is no longer needed (the store keeps its box for
 * the index): the ones made here are freed at once, the reader's by the
 * reader (pipe_free_put()), so that the next chunk's polygons reuse their
 * memory instead of fresh pages -- 6x10^5 of them kept to the end were most
 * of the import's peak.
 */
static int pipe_put_areas(struct pipe *p, size_t from, size_t to)
{
    struct imp *im = p->im;
    int rc = COV_OK;
    for (size_t i = from; i < to && !rc; i++) {
        if (im->info[i].bad)
            continue;
        int mine;
        if ((rc = pipe_validate(p, i, &mine)))
            break;
        if (!im->areas[i].geom)
            continue; /* unrepairable: reported after the join */
        rc = put_row(im, p->s, i, p->geos, &p->err);
        p->written += rc == COV_OK;
        if (mine) {
            GEOSGeom_destroy_r(p->geos, im->areas[i].geom);
            im->areas[i].geom = NULL;
        }
    }
    return rc;
}

/* Reader thread: frees the polygons it made for rows the writer is done with. */
static void pipe_free_put(struct imp *im, size_t put)
{
    struct pipe *p = im->pipe;
    for (; p->freed < put; p->freed++)
        if (im->areas[p->freed].geom) {
            GEOSGeom_destroy_r(im->geos, im->areas[p->freed].geom);
            im->areas[p->freed].geom = NULL;
        }
}

static void *pipe_writer(void *arg)
{
    struct pipe *p = arg;
    struct imp *im = p->im;
    size_t next = 0;
    int rc = COV_OK;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (next == p->ready && !p->done && !p->stop)
            pthread_cond_wait(&p->cond, &p->lock);
        size_t end = p->ready;
        if (p->stop || next == end)
            break;
        /* A chunk at a time: the reader may be waiting to grow the rows. */
        if (end - next > GEO_IMPORT_CHUNK)
            end = next + GEO_IMPORT_CHUNK;
        p->taken = end;
        pthread_mutex_unlock(&p->lock);
        pthread_rwlock_rdlock(&p->rows_lock);
        if (im->layer == COV_ORGANIZATIONS)
            rc = pipe_put_orgs(p, next, end);
        else
            rc = pipe_put_areas(p, next, end);
        pthread_rwlock_unlock(&p->rows_lock);
        next = end;
        pthread_mutex_lock(&p->lock);
        p->put = end;
        if (rc) {
            p->rc = rc;
            p->stop = 1;
            break;
        }
    }
    pthread_mutex_unlock(&p->lock);
    /* The rows SQLite has spilled to the file go to the disk while the
     * reader builds the index: the commit's sync then waits for less. */
    if (!rc)
        geo_store_writeback(p->s);
    return NULL;
}

/* Starts the writer thread; the caller has begun the store's transaction. */
static int pipe_start(struct imp *im, struct pipe *p, struct geo_store *s, int srid)
{
    memset(p, 0, sizeof(*p));
    p->im = im;
    p->s = s;
    p->srid = srid;
    cov_err_init(&p->err);
    if (!(p->geos = cov_geos_new()))
        return cov_err_set(im->err, COV_ENOMEM, _("out of memory"));
    p->cv.h = p->geos;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    /* Writer preference: the reader's rare growth is not starved by the
     * writer thread taking the lock again and again. */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&p->rows_lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (pthread_create(&p->thread, NULL, pipe_writer, p)) {
        cov_geos_free(p->geos);
        pthread_rwlock_destroy(&p->rows_lock);
        pthread_cond_destroy(&p->cond);
        pthread_mutex_destroy(&p->lock);
        cov_err_release(&p->err);
        return cov_err_set(im->err, COV_ENOMEM, _("%s: cannot start the writing thread"), im->file);
    }
    im->pipe = p;
    return COV_OK;
}

/*
 * Called by the reader after each row: every GEO_IMPORT_CHUNK rows (and at the end,
 * final), converts the rows read since the last call and hands them to the
 * writer. A failed writer does not stop the reader: every problem of the
 * rows is still found and reported, as when nothing is written before the
 * end.
 */
static int guess_start(struct imp *im);

static int pipe_publish(struct imp *im, int final)
{
    if (!im->pipe && im->guess && !im->guess->tried && !final && im->n >= GEO_IMPORT_CHUNK) {
        int rc = guess_start(im);
        if (rc)
            return rc;
    }
    struct pipe *p = im->pipe;
    if (!p || (!final && im->n - p->converted < GEO_IMPORT_CHUNK))
        return COV_OK;
    int rc = !p->ct && im->src_srs ? new_transform(im->src_srs, p->srid, im->file, &p->ct, im->err)
                                   : COV_OK;
    int here = 1;
    if (!rc && im->layer != COV_ORGANIZATIONS) {
        /* Areas are checked on the writer (pipe_validate), and converted by
         * whichever thread has the time: here while the writer has a chunk
         * or more still to take, else there, from its own copy of the
         * source CRS, made here before it is handed any row. Either thread
         * alone left the other idle for a third of the import. */
        if (!p->wsrc && im->src_srs && !(p->wsrc = OSRClone(im->src_srs)))
            return cov_err_set(im->err, COV_ENOMEM, _("%s: out of memory"), im->file);
        pthread_mutex_lock(&p->lock);
        here = p->ready - p->taken >= GEO_IMPORT_CHUNK;
        size_t put = p->rc ? p->freed : p->put;
        pthread_mutex_unlock(&p->lock);
        pipe_free_put(im, put);
    }
    if (!rc && p->ct && here)
        rc = convert_range(im, p->ct, p->converted, im->n, 0);
    if (rc)
        return rc;
    p->converted = im->n;
    pthread_mutex_lock(&p->lock);
    p->ready = im->n;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    return COV_OK;
}

/*
 * Ends the writer thread: after the rows handed to it when rc is 0, at once
 * otherwise. Returns rc, or the writer's failure with its message moved to
 * im->err -- unless the rows had problems (report_writer 0): those are the
 * error then, as when every row is read before any is written.
 */
static int pipe_finish(struct imp *im, int rc, int report_writer)
{
    struct pipe *p = im->pipe;
    if (!p)
        return rc;
    pthread_mutex_lock(&p->lock);
    p->done = 1;
    if (rc)
        p->stop = 1;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    for (size_t k = 0; k < p->n_late; k++) {
        report_validity(im, p->late[k].row, (enum validity)p->late[k].validity, p->late[k].why);
        finish_late_row(im, p->late[k].row);
        free(p->late[k].why);
    }
    free(p->late);
    if (p->rc && report_writer && !rc)
        rc = cov_err_set(im->err, p->rc, "%s", cov_err_msg(&p->err));
    OCTDestroyCoordinateTransformation(p->ct);
    OCTDestroyCoordinateTransformation(p->cv.ct);
    conv_release(&p->cv);
    OSRDestroySpatialReference(p->wsrc);
    cov_geos_free(p->geos);
    pthread_rwlock_destroy(&p->rows_lock);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    cov_err_release(&p->err);
    im->pipe = NULL;
    return rc;
}

/* ---- rejects ---- */

static void csv_cell(FILE *fp, const char *s)
{
    geo_csv_cell(fp, s); /* write errors show in ferror(fp), checked at the end */
}

static int write_rejects(struct imp *im, struct geo_store *s, struct geo_import_result *res)
{
    char path[sizeof(res->rejects_path)];
    if (im->o->rejects_path)
        snprintf(path, sizeof(path), "%s", im->o->rejects_path);
    else
        snprintf(path, sizeof(path), "%s.%s-rejects.csv", geo_store_path(s),
                 cov_layer_name((int)im->layer));
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return cov_err_set(im->err, COV_EIO, _("%s: cannot write the rejected rows"), path);
    fputs("\xEF\xBB\xBF", fp); /* BOM: Excel then reads the file as UTF-8 */
    for (int c = 0; c < im->n_ucols; c++) {
        csv_cell(fp, im->ucols[c] ? im->ucols[c] : "");
        fputc(',', fp);
    }
    /* TRANSLATORS: header of the rejects file's last column, why the row was not imported */
    csv_cell(fp, _("reason"));
    fputs("\r\n", fp);
    for (size_t i = 0; i < im->n; i++) {
        const struct rowinfo *ri = &im->info[i];
        if (!ri->bad)
            continue;
        for (int c = 0; c < im->n_ucols; c++) {
            csv_cell(fp, ri->orig && ri->orig[c] ? ri->orig[c] : "");
            fputc(',', fp);
        }
        char reason[2048], w[256];
        snprintf(reason, sizeof(reason), "%s%s%s",
                 where_short(im, ri->sheet, ri->loc, w, sizeof(w)), _(": "),
                 ri->reason ? ri->reason : "");
        csv_cell(fp, reason);
        fputs("\r\n", fp);
    }
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad)
        return cov_err_set(im->err, COV_EIO, _("%s: cannot write the rejected rows"), path);
    snprintf(res->rejects_path, sizeof(res->rejects_path), "%s", path);
    return COV_OK;
}

/* ---- the import ---- */

static int too_many_problems(struct imp *im, struct geo_import_result *res)
{
    res->problems = im->n_problems;
    if (im->n_problems > MAX_PROBLEMS)
        cov_err_set(im->err, COV_EINPUT, _("... and %ld more problems"),
                    im->n_problems - MAX_PROBLEMS);
    return COV_EINPUT;
}

/* Opens the import's one transaction: clears the layer for --replace, sets
 * the CRS when this import chose it. Rolled back on failure. */
static int write_begin(struct imp *im, struct geo_store *s, long existing, int srid, int chosen)
{
    int rc = geo_store_begin(s, im->err);
    if (rc)
        return rc;
    if (im->o->mode == GEO_IMPORT_REPLACE && existing > 0)
        rc = geo_store_clear(s, im->layer, im->err);
    if (!rc && chosen)
        rc = geo_store_set_srid(s, srid, im->err);
    if (rc)
        geo_store_rollback(s);
    return rc;
}

/* The first chunk is read: begin the transaction with the CRS its extent
 * chooses and start the writer (struct guess). Without an extent or a lon/lat
 * source, nothing: the rows are written after reading. */
static int guess_start(struct imp *im)
{
    struct guess *g = im->guess;
    g->tried = 1;
    int srid;
    if (!im->have_extent || !im->geographic || extent_srid(im, &srid))
        return COV_OK;
    int rc = write_begin(im, g->s, g->existing, srid, 1);
    if (rc)
        return rc;
    g->tx = 1;
    if ((rc = pipe_start(im, g->pipe, g->s, srid)))
        return rc;
    g->srid = srid;
    return COV_OK;
}

/* The guess was wrong: the rows' source coordinates back (the transaction is
 * rolled back by the caller). */
static void guess_undo(struct imp *im)
{
    struct guess *g = im->guess;
    for (size_t i = 0; i < g->upto; i++)
        if (isfinite(g->sx[i])) {
            im->orgs[i].x = g->sx[i];
            im->orgs[i].y = g->sy[i];
        }
    g->srid = 0;
}

/* Writes (or, for --update, applies) every good row, inside write_begin()'s transaction. */
static int write_rows(struct imp *im, struct geo_store *s, long *written, long *unknown)
{
    cov_progress_fn progress = im->o->progress;
    void *user = im->o->progress_user;
    static const char *const writing[COV_NLAYERS] = {
        N_("writing districts"), N_("writing streets"),   N_("writing communities"),
        N_("writing parks"),     N_("writing buildings"), N_("writing organizations")};
    const char *what = im->update ? _("updating organizations") : _(writing[im->layer]);
    size_t step = im->n / 100 + 1;
    int rc = COV_OK;
    for (size_t i = 0; i < im->n && !rc; i++) {
        if (progress && i % step == 0 && progress((double)i / (double)im->n, what, user))
            rc = cov_err_set(im->err, COV_ECANCEL, _("cancelled"));
        if (rc || im->info[i].bad)
            continue;
        if (im->update) {
            int found = 0;
            rc = geo_store_update_org(s, &im->orgs[i], im->info[i].set, &found, im->err);
            if (!rc && !found && (*unknown)++ < 20) {
                char w[256];
                cov_err_warn(im->err, _("%s:%s: id '%s' is not in the store; row not used"),
                             im->file,
                             where_short(im, im->info[i].sheet, im->info[i].loc, w, sizeof(w)),
                             im->orgs[i].id);
            }
            *written += found;
            continue;
        }
        rc = put_row(im, s, i, im->geos, im->err);
        (*written)++;
    }
    if (progress && !rc)
        progress(1.0, what, user);
    return rc;
}

/* Indexes, logs and commits the rows written; rolls back on failure. */
static int write_end(struct imp *im, struct geo_store *s, long written, long unknown,
                     struct geo_import_result *res)
{
    cov_progress_fn progress = im->o->progress;
    void *user = im->o->progress_user;
    /* The R*Tree build has no progress of its own: say what is happening. */
    if (progress)
        progress(0.0, _("building the spatial index"), user);
    int rc = geo_store_layer_done(s, im->layer, im->file, written, im->err);
    if (!rc && im->layer == COV_ORGANIZATIONS && !im->update && im->o->mode != GEO_IMPORT_APPEND) {
        /* The layer is now exactly the good rows, in order: its load cache, best effort. */
        const struct cov_org **v = malloc((im->n ? im->n : 1) * sizeof(*v));
        size_t k = 0;
        for (size_t i = 0; v && i < im->n; i++)
            if (!im->info[i].bad)
                v[k++] = &im->orgs[i];
        struct cov_err ignore;
        cov_err_init(&ignore);
        if (v)
            geo_store_cache_orgs(s, v, k, &ignore);
        cov_err_release(&ignore);
        free(v);
    }
    if (!rc && !im->update) {
        /* Rows rejected by --skip-invalid are not in the layer: status says so. */
        char key[64], val[32];
        long rejected = 0;
        for (size_t i = 0; i < im->n; i++)
            rejected += im->info[i].bad != 0;
        if (im->o->mode == GEO_IMPORT_APPEND) {
            snprintf(key, sizeof(key), "rejected.%s", cov_layer_name((int)im->layer));
            char *old = geo_store_meta_get(s, key);
            rejected += old ? atol(old) : 0;
            free(old);
        }
        snprintf(key, sizeof(key), "rejected.%s", cov_layer_name((int)im->layer));
        snprintf(val, sizeof(val), "%ld", rejected);
        rc = geo_store_meta_set(s, key, val, im->err);
    }
    if (!rc)
        rc = geo_store_commit(s, im->err);
    if (progress && !rc)
        progress(1.0, _("building the spatial index"), user);
    if (rc) {
        geo_store_rollback(s);
        return rc;
    }
    if (unknown > 20)
        cov_err_warn(im->err, _("%s: ... %ld ids in all are not in the store"), im->file, unknown);
    res->imported = im->update ? 0 : written;
    res->updated = im->update ? written : 0;
    res->unknown_ids = unknown;
    return COV_OK;
}

/*
 * write_end() for an area layer on a second thread, while this one frees the
 * areas' polygons, which write_end() does not need (their boxes were kept
 * while inserting): destroying 6x10^5 GEOS polygons took 0.4 s after the
 * commit. Freed here, by the thread that made them (glibc frees another
 * thread's memory slowly). Without a thread, write_end() then the frees.
 */
struct end_job {
    struct imp *im;
    struct geo_store *s;
    long written, unknown;
    struct geo_import_result *res;
    int rc;
};

static void *end_thread(void *arg)
{
    struct end_job *j = arg;
    j->rc = write_end(j->im, j->s, j->written, j->unknown, j->res);
    return NULL;
}

static int write_end_freeing(struct imp *im, struct geo_store *s, long written, long unknown,
                             struct geo_import_result *res)
{
    struct end_job j = {im, s, written, unknown, res, 0};
    pthread_t t;
    int threaded = im->areas && pthread_create(&t, NULL, end_thread, &j) == 0;
    if (!threaded)
        j.rc = write_end(im, s, written, unknown, res);
    for (size_t i = 0; im->areas && i < im->n; i++)
        if (im->areas[i].geom) {
            GEOSGeom_destroy_r(im->geos, im->areas[i].geom);
            im->areas[i].geom = NULL;
        }
    if (threaded)
        pthread_join(t, NULL);
    return j.rc;
}

/*
 * How precisely the rows would be placed by the area layers now in the
 * store (the same rules cov_assign applies later): counts into res, a
 * warning naming the first rows that cannot be placed and why.
 */
static int placement_report(struct imp *im, struct geo_store *s, struct geo_import_result *res)
{
    if (im->layer != COV_ORGANIZATIONS || im->update)
        return COV_OK;
    /* Rows with coordinates are placed by them: the area layers are only
     * loaded (seconds at national size) when some row needs its text. */
    size_t text_rows = 0;
    for (size_t i = 0; i < im->n; i++) {
        const struct cov_org *o = &im->orgs[i];
        if (im->info[i].bad)
            continue;
        if (isfinite(o->x) && isfinite(o->y))
            res->placed[COV_PLACED_POINT]++;
        else
            text_rows++;
    }
    if (!text_rows) {
        res->placed_known = 1;
        return COV_OK;
    }
    res->placed[COV_PLACED_POINT] = 0;
    struct cov_model *m = cov_model_new();
    if (!m)
        return cov_err_set(im->err, COV_ENOMEM, _("out of memory"));
    unsigned mask = 1u << COV_DISTRICTS | 1u << COV_STREETS | 1u << COV_COMMUNITIES;
    struct cov_gazetteer *g = NULL;
    int rc = geo_store_load(s, mask, m, NULL, NULL, im->err);
    if (!rc && !(g = cov_gazetteer_new(m)))
        rc = cov_err_set(im->err, COV_ENOMEM, _("out of memory"));
    long none = 0;
    char first[1600] = "";
    for (size_t i = 0; i < im->n && !rc; i++) {
        const struct cov_org *o = &im->orgs[i];
        if (im->info[i].bad)
            continue;
        if (isfinite(o->x) && isfinite(o->y)) {
            res->placed[COV_PLACED_POINT]++;
            continue;
        }
        struct cov_place_in in = {o->community_ref, o->street_ref, o->address, o->id};
        struct cov_placement pl;
        if ((rc = cov_place(g, &in, &pl)))
            break;
        res->placed[pl.level]++;
        if (pl.level != COV_PLACED_NONE || none++ >= 5)
            continue;
        char w[256];
        size_t u = strlen(first);
        /* TRANSLATORS: where a row is, and why it cannot be placed */
        snprintf(first + u, sizeof(first) - u, _("%s%s (%s)"), u ? _("; ") : "",
                 where_short(im, im->info[i].sheet, im->info[i].loc, w, sizeof(w)),
                 pl.note[0] ? pl.note : _("no address, community or street given"));
    }
    if (!rc && none)
        cov_err_warn(im->err,
                     _("%s: %ld organizations cannot be placed in any district, street or "
                       "community (they are imported and counted, but on no map and in no area): "
                       "%s%s; list them with 'orgcover organizations --placed none'"),
                     im->file, none, first, none > 5 ? _("; ...") : "");
    res->placed_known = !rc;
    cov_gazetteer_free(g);
    cov_model_free(m);
    return rc;
}

void geo_import_result_release(struct geo_import_result *res)
{
    if (!res)
        return;
    free(res->notes);
    res->notes = NULL;
}

int geo_import(struct geo_store *s, enum cov_layer layer, const char *source,
               const struct geo_import_opts *opts, struct geo_import_result *res,
               struct cov_err *err)
{
    static const struct geo_import_opts defaults = {.mode = GEO_IMPORT_NEW};
    struct geo_import_result dummy_res;
    struct cov_err dummy_err;
    cov_err_init(&dummy_err);
    if (!res)
        res = &dummy_res;
    if (!err)
        err = &dummy_err;
    memset(res, 0, sizeof(*res));
    if (!opts)
        opts = &defaults;
    if ((unsigned)layer >= COV_NLAYERS || !source || !s)
        return cov_err_set(err, COV_EFAIL, _("geo_import: bad arguments"));

    struct imp im;
    memset(&im, 0, sizeof(im));
    im.file = source;
    im.layer = layer;
    im.o = opts;
    im.err = err;
    im.update = opts->mode == GEO_IMPORT_UPDATE;
    cov_arena_init(&im.arena);
    geo_sqlite_configure(); /* before GDAL's drivers start SQLite */
    GDALAllRegister();
    CPLPushErrorHandlerEx(cpl_handler, &im);
    char vsimem[96] = "";

    int rc = COV_OK, srid = 0, chosen = 0;
    struct pipe pipe;
    struct guess guess = {0};
    int tx_open = 0, pipelined = 0;
    long written = 0, unknown = 0;
    long existing = geo_store_count(s, layer, err);
    if (existing < 0) {
        rc = err->code ? err->code : COV_EIO;
        goto cleanup;
    }
    if (im.update && layer != COV_ORGANIZATIONS) {
        rc = cov_err_set(err, COV_EFAIL, _("--update works on organizations only"));
        goto cleanup;
    }
    if (im.update && existing == 0) {
        rc = cov_err_set(err, COV_EFAIL,
                         _("--update: the store has no organizations yet; import them first"));
        goto cleanup;
    }
    if (existing > 0 && opts->mode == GEO_IMPORT_NEW) {
        /* Not bad data but a refusal to overwrite: a plain failure, not COV_EINPUT. */
        rc = cov_err_set(err, COV_EFAIL,
                         _("layer %s already holds %ld rows: give --replace to replace them, "
                           "--append to add to them%s"),
                         cov_layer_name((int)layer), existing,
                         layer == COV_ORGANIZATIONS ? _(" or --update to change some fields") : "");
        goto cleanup;
    }
    im.geos = cov_geos_new();
    if (!im.geos) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    /* Into a store whose CRS is set: written while they are read. Organizations
     * into a store without one: the same, with the CRS guessed (struct guess). */
    pipelined = !im.update && geo_store_srid(s) && !getenv("ORGCOVER_NO_PIPELINE");
    guess.s = s;
    guess.existing = existing;
    guess.pipe = &pipe;
    if (!pipelined && !im.update && !geo_store_srid(s) && layer == COV_ORGANIZATIONS &&
        !getenv("ORGCOVER_NO_PIPELINE"))
        im.guess = &guess;
    if (pipelined) {
        srid = geo_store_srid(s);
        if ((rc = write_begin(&im, s, existing, srid, 0)))
            goto cleanup;
        tx_open = 1;
        if ((rc = pipe_start(&im, &pipe, s, srid)))
            goto cleanup;
    }
    rc = open_source(&im, source, vsimem, sizeof(vsimem));
    if (!rc)
        rc = read_sheets(&im, res);
    if (!rc)
        rc = pipe_publish(&im, 1);
    rc = pipe_finish(&im, rc, !(im.n_problems && !opts->skip_invalid));
    if (guess.tx)
        tx_open = 1;
    if (guess.srid) {
        pipelined = 1;
        srid = guess.srid;
        chosen = 1;
    }
    if (pipelined)
        written = pipe.written;
    if (rc)
        goto cleanup;
    if (im.n_problems && !opts->skip_invalid) {
        rc = too_many_problems(&im, res);
        goto cleanup;
    }
    if (layer == COV_COMMUNITIES && im.long_town_codes)
        cov_err_warn(err,
                     _("%s: %ld of %zu community codes are not 12 digits (first at %s); 9-digit "
                       "codes look like town (street) codes: is this the streets layer?"),
                     source, im.long_town_codes, im.n, im.town_example);
    if (!im.have_extent && !geo_store_srid(s)) {
        rc = cov_err_set(err, COV_EINPUT,
                         _("%s: no row has coordinates, so the organizations can only be placed by "
                           "their addresses, community or street columns or credit codes: import "
                           "the districts, streets and communities first"),
                         source);
        goto cleanup;
    }
    if (guess.srid) {
        int want = 0;
        if ((rc = extent_srid(&im, &want)))
            goto cleanup;
        if (want != guess.srid) { /* guessed wrong: read first, write after */
            geo_store_rollback(s);
            tx_open = 0;
            guess_undo(&im);
            pipelined = chosen = srid = 0;
            written = 0;
        }
    }
    if (pipelined) {
        /* converted while read */
    } else if (im.have_extent || !im.update) {
        if ((rc = choose_srid(&im, s, &srid, &chosen)) || (rc = convert_rows(&im, srid)))
            goto cleanup;
    } else {
        srid = geo_store_srid(s);
    }
    if (im.n_problems && !opts->skip_invalid) {
        rc = too_many_problems(&im, res);
        goto cleanup;
    }
    res->problems = im.n_problems;
    for (size_t i = 0; i < im.n; i++)
        res->rejected += im.info[i].bad != 0;
    if (res->rejected > 0 && (rc = write_rejects(&im, s, res)))
        goto cleanup;
    if (res->rejected == (long)im.n) {
        rc = cov_err_set(err, COV_EINPUT,
                         _("%s: all %ld rows are invalid; nothing to import (see %s)"), source,
                         res->rejected, res->rejects_path);
        goto cleanup;
    }
    if (!pipelined) {
        if ((rc = write_begin(&im, s, existing, srid, chosen)))
            goto cleanup;
        tx_open = 1;
        if ((rc = write_rows(&im, s, &written, &unknown)))
            goto cleanup;
    }
    tx_open = 0; /* write_end() commits, or rolls back on failure */
    if ((rc = write_end_freeing(&im, s, written, unknown, res)) ||
        (rc = placement_report(&im, s, res)))
        goto cleanup;
    if (res->rejected > 0)
        cov_err_warn(err,
                     _("%s: %ld of %ld rows rejected and not imported, so not counted anywhere; "
                       "they are listed with their reasons in %s"),
                     source, res->rejected, res->read, res->rejects_path);
    res->repaired = im.repaired;
    res->srid = srid;
    res->srid_chosen = chosen;
    res->pipelined = pipelined;

cleanup:
    if (tx_open)
        geo_store_rollback(s);
    geo_table_free(im.tab);
    if (im.ds)
        GDALClose(im.ds);
    restore_sheet_config(&im);
    if (vsimem[0])
        VSIUnlink(vsimem);
    if (im.mapped)
        munmap(im.mapped, im.maplen);
    else
        free(im.membuf);
    CPLPopErrorHandler();
    if (im.ogeom)
        for (size_t i = 0; i < im.n; i++)
            OGR_G_DestroyGeometry(im.ogeom[i]);
    if (im.areas)
        for (size_t i = 0; i < im.n; i++)
            if (im.areas[i].geom)
                GEOSGeom_destroy_r(im.geos, im.areas[i].geom);
    free(im.ogeom);
    conv_release(&im.cv);
    free(im.areas);
    free(im.orgs);
    free(im.info);
    free(im.dups);
    free(im.rowbuf);
    free(guess.sx);
    free(guess.sy);
    OSRDestroySpatialReference(im.src_srs);
    cov_geos_free(im.geos);
    cov_arena_release(&im.arena);
    cov_err_release(&dummy_err);
    res->notes = im.notes;
    if (res == &dummy_res)
        free(im.notes);
    return rc;
}
