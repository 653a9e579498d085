/*
 * store.h - the project store: one SpatiaLite file per project.
 *
 * Tables: one per layer (districts, streets, communities, parks, buildings,
 * organizations) with a geometry column in the project CRS and a spatial
 * index; meta (key/value: srid, schema_version, layer versions, ...);
 * policy (parameter values); import_log (source, layer, rows, time);
 * assignments (org -> area codes, with the layer versions they were
 * computed from, so that stale assignments are detected and recomputed).
 *
 * Every write path runs inside one transaction: a failed import leaves the
 * file exactly as it was.
 */
#ifndef GEO_STORE_H
#define GEO_STORE_H

#include <stdint.h>

#include "../analysis/model.h"

struct geo_store;

/* 2: organizations carry register fields (address, ...), assignments the placement. */
enum { GEO_SCHEMA_VERSION = 3 };

/*
 * Open the store at path. With create=1 a missing file is created with the
 * empty schema; with create=0 a missing file is an error naming the path
 * and suggesting 'orgcover init' / 'orgcover import'. A new file is built
 * in a temporary file and renamed into place when complete (no empty file
 * is left on failure). A store whose file or folder is not writable is
 * opened read-only (geo_store_readonly). Also fails (COV_EIO) on a file that
 * is not an orgcover store or of a newer schema, or that another process
 * holds locked (the message says so).
 * Caller-owned: geo_store_close().
 */
int geo_store_open(const char *path, int create, struct geo_store **out, struct cov_err *err);
/* Close; accepts NULL. Any open transaction is rolled back. */
void geo_store_close(struct geo_store *s);
/* Borrowed: the path the store was opened with. */
const char *geo_store_path(const struct geo_store *s);
/* 1 when the store was opened read-only (its file or folder is not writable):
 * reads work, every write fails with a message saying the store is read-only. */
int geo_store_readonly(const struct geo_store *s);

/* Project CRS: EPSG code, 0 when not chosen yet (before the first import). */
int geo_store_srid(struct geo_store *s);
/* Set the project CRS; refused (COV_EINPUT) once any layer holds rows. */
int geo_store_set_srid(struct geo_store *s, int srid, struct cov_err *err);

/* Transactions (not nested). */
int geo_store_begin(struct geo_store *s, struct cov_err *err);
/*
 * Asks the kernel to start writing the store's pages that SQLite has handed
 * it so far (Linux sync_file_range, no wait): a big transaction's commit
 * then waits on the disk for less. A hint only; the commit syncs as before.
 */
void geo_store_writeback(struct geo_store *s);
int geo_store_commit(struct geo_store *s, struct cov_err *err);
void geo_store_rollback(struct geo_store *s);

/* Rows in a layer (any of enum cov_layer), or -1 on error. */
long geo_store_count(struct geo_store *s, enum cov_layer layer, struct cov_err *err);
/* Delete every row of a layer (inside the caller's transaction); bumps the layer's version. */
int geo_store_clear(struct geo_store *s, enum cov_layer layer, struct cov_err *err);

/*
 * Bulk write, inside the caller's transaction: geo_store_put_*() reuse one
 * prepared statement per layer. Geometry is taken from a->geom (project
 * CRS, borrowed, not freed). The spatial index of the layer is (re)built
 * by geo_store_layer_done(), which also bumps the layer's version (so
 * assignments become stale) and writes the import log row.
 * Duplicate codes/ids are reported as COV_EINPUT naming the code.
 */
int geo_store_put_area(struct geo_store *s, enum cov_layer layer, const struct cov_area *a,
                       GEOSContextHandle_t geos, struct cov_err *err);
int geo_store_put_org(struct geo_store *s, const struct cov_org *o, struct cov_err *err);
/* The n organizations v[0..n-1], GEO_PUT_BATCH to a statement: faster than
 * n geo_store_put_org() for the same rows; on failure, as the first row
 * geo_store_put_org() would have failed on. */
enum { GEO_PUT_BATCH = 16 };
int geo_store_put_orgs(struct geo_store *s, const struct cov_org *const *v, size_t n,
                       struct cov_err *err);

/* The SpatiaLite BLOB-Geometry of POINT(x y) in srid, byte for byte what
 * MakePoint(x, y, srid) returns, written into out; returns out. */
enum { GEO_POINT_BLOB = 60 };
const unsigned char *geo_point_blob(unsigned char out[GEO_POINT_BLOB], double x, double y,
                                    int srid);
/*
 * The SpatiaLite BLOB-Geometry of g, a POLYGON or MULTIPOLYGON, in srid, XY
 * only: byte for byte what GeomFromWKB(its 2D WKB, srid) returns; box gets
 * its MBR (min x, max x, min y, max y). Malloc'd (free it), *size its bytes;
 * NULL for another type, a ring of fewer than 4 points, or no memory (the
 * caller then goes through WKB).
 */
unsigned char *geo_area_blob(GEOSContextHandle_t h, const GEOSGeometry *g, int srid, size_t *size,
                             double box[4]);
/*
 * Inside the caller's transaction: update the fields of the organization
 * with o->id whose bit (1u << enum geo_org_field of geodata/alias.h) is set
 * in fields; lon/lat update the point when o->x, o->y are finite (project
 * CRS). *found set to 1 when the id exists. The layer's version is bumped
 * by geo_store_layer_done() as for any import.
 */
int geo_store_update_org(struct geo_store *s, const struct cov_org *o, uint32_t fields, int *found,
                         struct cov_err *err);
int geo_store_layer_done(struct geo_store *s, enum cov_layer layer, const char *source, long rows,
                         struct cov_err *err);

/*
 * Load into model m (which must be empty) the layers whose bit (1u << layer)
 * is set in mask, plus the stored policy. Also loads stored assignments when
 * they are current (m->assigned = 1); otherwise m->assigned stays 0 and the
 * caller recomputes with cov_assign() and saves with geo_store_save_assignments().
 */
int geo_store_load(struct geo_store *s, unsigned mask, struct cov_model *m,
                   cov_progress_fn progress, void *user, struct cov_err *err);
#define GEO_ALL_LAYERS ((1u << COV_NLAYERS) - 1)
/*
 * Or'ed into a load mask: the areas come without their geometries (geom NULL,
 * envelope 0), for commands that report from the assignments only. At
 * national size reading 6x10^5 polygons into GEOS is most of a start.
 * geo_store_load_current() still reads them when it must assign.
 */
#define GEO_LOAD_LEAN (1u << 16)
/*
 * Or'ed into a load mask: the organizations come without their text (every
 * string NULL), for commands that count them only (targets): 65 MB less to
 * read at national size. Ignored -- the text is loaded -- when the saved
 * assignments are not current, since making them again reads addresses.
 */
#define GEO_LOAD_NO_ORG_TEXT (1u << 17)

/*
 * Keep organizations v[0..n) -- exactly the organizations layer's rows, in
 * rowid order, as just written or loaded -- as the layer's load cache (one
 * blob; the next load reads it instead of the table while the layer's
 * version is unchanged and no row was touched since). Inside the caller's
 * transaction when one is open.
 */
int geo_store_cache_orgs(struct geo_store *s, const struct cov_org *const *v, size_t n,
                         struct cov_err *err);

/* Persist m's assignments (org -> area codes) stamped with the current layer versions. */
int geo_store_save_assignments(struct geo_store *s, const struct cov_model *m, struct cov_err *err);

/* What geo_store_load_current did with the assignments of organizations to areas. */
enum geo_load_outcome {
    GEO_LOAD_STORED,   /* the stored ones were current and were loaded */
    GEO_LOAD_SAVED,    /* stale or missing: recomputed and saved */
    GEO_LOAD_READONLY, /* stale or missing: recomputed in memory; the store is read-only */
    GEO_LOAD_PARTIAL,  /* stale or missing: recomputed in memory; mask left out a layer */
};

/*
 * The staleness rule in one call: load into m (empty) as geo_store_load does;
 * when the stored assignments are stale (a layer changed since they were
 * computed) or missing, recompute them with cov_assign() and save them, unless
 * the store is read-only or mask leaves out a layer; then classify coverage
 * (cov_classify). m is then ready to report from. *outcome (may be NULL) says
 * which of the above happened. 0 or a cov status (m is then partly filled:
 * the caller frees it).
 */
int geo_store_load_current(struct geo_store *s, unsigned mask, struct cov_model *m,
                           cov_progress_fn progress, void *user, enum geo_load_outcome *outcome,
                           struct cov_err *err);

/* Policy parameters (defaults when never set). A stored value outside its
 * range, not a whole number where one is needed, NaN or text is refused:
 * COV_EINPUT naming the parameter, with the policy's value left in p. */
int geo_store_load_policy(struct geo_store *s, struct cov_policy *p, struct cov_err *err);
int geo_store_save_policy(struct geo_store *s, const struct cov_policy *p, struct cov_err *err);

/* meta key/value; get returns a caller-owned copy or NULL when absent. */
char *geo_store_meta_get(struct geo_store *s, const char *key);
int geo_store_meta_set(struct geo_store *s, const char *key, const char *value,
                       struct cov_err *err);

/* "v0,v1,...": the current version of every layer (changes with each import or clear). */
void geo_store_version_stamp(struct geo_store *s, char *buf, size_t len);

/* Modules of geodata/ that keep tables of their own (saved plans) run their
 * SQL through geodata/store_sql.h; no SQLite handle leaves store.c. */

#endif
