/* store.c - the project store: one SpatiaLite file per project. */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <cpl_conv.h>
#include <spatialite.h>

#include "../analysis/geos.h"
#include "../analysis/assign.h"
#include "../analysis/coverage.h"
#include "../analysis/place.h"
#include "alias.h"
#include "crs.h"
#include "outfile.h"
#include "rtree.h"
#include "sqlmem.h"
#include "store_sql.h"
#include "../analysis/i18n.h"

/*
 * A layer in a bulk write: its SpatiaLite triggers (geometry constraint,
 * timestamps, R*Tree upkeep) are dropped inside the caller's transaction and
 * their SQL kept here; at the end the R*Tree is written packed and the
 * triggers are created again. Per row, those
 * triggers cost five times the insert itself (docs/BENCHMARKS.md).
 *
 * While the table holds only the bulk write's own inserts (it was empty, or
 * cleared, when they began), each insert's bounding box is kept, so that the
 * R*Tree is packed from memory instead of from a read of the whole table.
 */
struct bulk {
    int on;
    int had_index; /* the R*Tree was enabled when the bulk write began */
    char **trigger_sql;
    int ntriggers;
    int collect;            /* boxes[] is every row of the table */
    struct geo_rbox *boxes; /* the inserted rows' boxes, while collect */
    size_t nbox, capbox;
};

struct geo_store {
    char *path;
    sqlite3 *db;
    void *cache;                    /* SpatiaLite connection cache */
    int srid;                       /* cached meta 'srid', 0 when not chosen */
    int in_tx;                      /* geo_store_begin() is open */
    struct bulk bulk[COV_NLAYERS];  /* triggers set aside for a bulk write */
    sqlite3_stmt *put[COV_NLAYERS]; /* reused INSERT per layer */
    sqlite3_stmt *put_orgs;         /* reused INSERT of GEO_PUT_BATCH organizations */
    int readonly;                   /* opened read-only: file or folder not writable */
    int cache_owed;                 /* assignments were read from the table, not the cache */
    int orgs_cache_owed;            /* organizations were read from the table, not the cache */
    unsigned areas_cache_owed;      /* bit l: area layer l was read from its table */
};

static int bulk_end_all(struct geo_store *s, struct cov_err *err);
static void bulk_forget_all(struct geo_store *s);

/* ---- small helpers ---- */

/* A plain sentence for the failures a user can do something about, else NULL. */
static const char *plain_db_error(struct geo_store *s)
{
    switch (sqlite3_errcode(s->db)) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return _("the store is locked by another process (an import or another orgcover still "
                 "running?); the data is fine, try again when it has finished");
    case SQLITE_READONLY:
        return _("the store is read-only (the file or its folder is not writable); nothing was "
                 "changed");
    case SQLITE_FULL:
        return _("the disk is full; nothing was changed");
    default:
        return NULL;
    }
}

static int db_error(struct geo_store *s, struct cov_err *err, const char *what)
{
    const char *plain = plain_db_error(s);
    if (plain)
        return cov_err_set(err, COV_EIO, "%s%s%s", s->path, _(": "), plain);
    return cov_err_set(err, COV_EIO, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* Run SQL without parameters (fixed text only, never built from data). */
static int exec(struct geo_store *s, const char *sql, struct cov_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        const char *plain = plain_db_error(s);
        cov_err_set(err, COV_EIO, "%s%s%s", s->path, _(": "),
                    plain ? plain
                    : msg ? msg
                          : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return COV_EIO;
    }
    return 0;
}

static int prepare(struct geo_store *s, const char *sql, sqlite3_stmt **st, struct cov_err *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_error(s, err, _("preparing a statement"));
    }
    return 0;
}

/* A savepoint acts as a transaction of its own when none is open and
 * nests inside the caller's otherwise, so every write path is atomic. */
static int sp_begin(struct geo_store *s, struct cov_err *err)
{
    return exec(s, "SAVEPOINT geo_store", err);
}

static int sp_end(struct geo_store *s, int rc, struct cov_err *err)
{
    if (rc) {
        sqlite3_exec(s->db, "ROLLBACK TO geo_store; RELEASE geo_store", NULL, NULL, NULL);
        return rc;
    }
    return exec(s, "RELEASE geo_store", err);
}

static void finalize_puts(struct geo_store *s)
{
    for (int l = 0; l < COV_NLAYERS; l++) {
        sqlite3_finalize(s->put[l]);
        s->put[l] = NULL;
    }
    sqlite3_finalize(s->put_orgs);
    s->put_orgs = NULL;
}

static int file_exists(const char *path, off_t *size)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    *size = st.st_size;
    return 1;
}

/* ---- meta ---- */

char *geo_store_meta_get(struct geo_store *s, const char *key)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL))
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

int geo_store_meta_set(struct geo_store *s, const char *key, const char *value, struct cov_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s, err, _("writing meta"));
    sqlite3_finalize(st);
    return rc;
}

static long meta_get_long(struct geo_store *s, const char *key, long def)
{
    char *v = geo_store_meta_get(s, key);
    if (!v)
        return def;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end || errno)
        n = def;
    free(v);
    return n;
}

static int meta_set_long(struct geo_store *s, const char *key, long v, struct cov_err *err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%ld", v);
    return geo_store_meta_set(s, key, buf, err);
}

void geo_store_version_stamp(struct geo_store *s, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = 0;
    for (int l = 0; l < COV_NLAYERS && off < len; l++) {
        char key[64];
        snprintf(key, sizeof(key), "version.%s", cov_layer_name(l));
        int n = snprintf(buf + off, len - off, "%s%ld", l ? "," : "", meta_get_long(s, key, 0));
        if (n < 0)
            break;
        off += (size_t)n;
    }
}

/* ---- open / close ---- */

/* Schema 3's assignments (see create_assignments_view). */
#define ASSIGNMENT_TABLES                                                                          \
    "CREATE TABLE assignment_groups(district INTEGER, street INTEGER, community INTEGER,"          \
    " park INTEGER, building INTEGER, placed INTEGER, placed_by INTEGER, orgs TEXT);"              \
    "CREATE TABLE assignment_points(org INTEGER PRIMARY KEY, px REAL, py REAL)"

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE policy(name TEXT PRIMARY KEY, value REAL);"
    "CREATE TABLE import_log(id INTEGER PRIMARY KEY, time TEXT, layer TEXT, source TEXT,"
    " rows INTEGER);" ASSIGNMENT_TABLES ";";

/*
 * Schema 3: the organizations that share an assignment (the same district,
 * street, community, park and building rowids, placed the same way) are one
 * row of `assignment_groups`, their rowids a JSON array in `orgs`; the drawing
 * point of each organization placed by its text is in `assignment_points`.
 * The view `assignments` unnests them (json_each) into the readable columns of
 * schema 2: one row per organization, codes, and the words of
 * cov_placed_name()/cov_source_name(). Writing 10^6 rows of codes took most of
 * a first status at national size; about one row per community takes a
 * fraction. Created once the layer tables exist (geo_store_set_srid).
 */
static int create_assignments_view(struct geo_store *s, struct cov_err *err)
{
    char placed[512] = "CASE a.placed", by[512] = "CASE a.placed_by";
    for (int i = 0; i < COV_PLACED_COUNT; i++) {
        size_t u = strlen(placed);
        snprintf(placed + u, sizeof(placed) - u, " WHEN %d THEN '%s'", i,
                 cov_placed_name((enum cov_placed)i));
    }
    for (int i = 0; i < COV_SRC_COUNT; i++) {
        size_t u = strlen(by);
        snprintf(by + u, sizeof(by) - u, " WHEN %d THEN '%s'", i,
                 cov_source_name((enum cov_source)i));
    }
    char *sql = sqlite3_mprintf(
        "DROP VIEW IF EXISTS assignments;"
        " CREATE VIEW assignments AS SELECT o.id AS org_id, d.code AS district,"
        " s.code AS street, c.code AS community, p.code AS park, b.code AS building,"
        " %s END AS placed, %s END AS placed_by, t.px AS px, t.py AS py"
        " FROM assignment_groups a JOIN json_each(a.orgs) j"
        " JOIN organizations o ON o.rowid = j.value"
        " LEFT JOIN districts d ON d.rowid = a.district LEFT JOIN streets s ON s.rowid = a.street"
        " LEFT JOIN communities c ON c.rowid = a.community LEFT JOIN parks p ON p.rowid = a.park"
        " LEFT JOIN buildings b ON b.rowid = a.building"
        " LEFT JOIN assignment_points t ON t.org = j.value",
        placed, by);
    int rc = sql ? exec(s, sql, err) : cov_err_set(err, COV_ENOMEM, _("out of memory"));
    sqlite3_free(sql);
    return rc;
}

/* Schema 1 -> 2: register fields on organizations. */
static const char *const org_v2_columns[] = {
    "address",    "community_ref", "street_ref", "authority",
    "supervisor", "legal_rep",     "reg_date",   NULL};

static int create_schema(struct geo_store *s, struct cov_err *err)
{
    /* InitSpatialMetadata(0) inside our own transaction: the store appears
     * complete or not at all. spatial_ref_sys holds the geographic CRSs
     * registers come in (WGS84, CGCS2000) and, from geo_store_set_srid(),
     * the project's: SpatiaLite's whole EPSG table (6,215 rows, 6.8 MB)
     * made `init` 0.2 s and every store 6.8 MB larger, for rows nothing reads. */
    int rc = exec(s, "BEGIN", err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = prepare(s,
                 "SELECT InitSpatialMetadata(0, 'NONE') AND InsertEpsgSrid(4326)"
                 " AND InsertEpsgSrid(4490)",
                 &st, err);
    if (!rc) {
        if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
            rc = db_error(s, err, _("initializing spatial metadata"));
        sqlite3_finalize(st);
    }
    if (!rc)
        rc = exec(s, schema_sql, err);
    if (!rc)
        rc = meta_set_long(s, "schema_version", GEO_SCHEMA_VERSION, err);
    if (!rc)
        rc = meta_set_long(s, "srid", 0, err);
    if (rc) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return exec(s, "COMMIT", err);
}

/* Number of tables in the file; -1 if it is not an SQLite database, -2 when
 * it cannot be read now (locked by another process, unreadable). */
static int count_tables(struct geo_store *s)
{
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL))
        return plain_db_error(s) || sqlite3_errcode(s->db) == SQLITE_CANTOPEN ? -2 : -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int has_table(struct geo_store *s, const char *name)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL))
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Upgrade a schema-1 or -2 store in place, in one transaction; assignments are recomputed. */
static int migrate(struct geo_store *s, long version, struct cov_err *err)
{
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (rc) {
        cov_err_clear(err);
        return cov_err_set(err, COV_EIO,
                           _("%s: the store was made by an older orgcover and must be upgraded, "
                             "which needs write access (%s)"),
                           s->path, sqlite3_errmsg(s->db));
    }
    char sql[256];
    for (int i = 0; !rc && version < 2 && has_table(s, "organizations") && org_v2_columns[i]; i++) {
        snprintf(sql, sizeof(sql), "ALTER TABLE organizations ADD COLUMN %s TEXT",
                 org_v2_columns[i]);
        rc = exec(s, sql, err);
    }
    /* Schema 2 -> 3: the assignments table becomes groups of rowids and a view. */
    if (!rc)
        rc = exec(s, "DROP TABLE IF EXISTS assignments; " ASSIGNMENT_TABLES, err);
    if (!rc && has_table(s, "organizations"))
        rc = create_assignments_view(s, err);
    if (!rc && has_table(s, "cache"))
        rc = exec(s, "DELETE FROM cache WHERE key = 'assignments'", err);
    if (!rc)
        rc = exec(s, "DELETE FROM meta WHERE key = 'assign.stamp'", err);
    if (!rc)
        rc = meta_set_long(s, "schema_version", GEO_SCHEMA_VERSION, err);
    if (rc) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return exec(s, "COMMIT", err);
}

/*
 * A new store is built in a temporary file next to path and renamed into
 * place only when complete: a failed creation (full disk, no permission)
 * leaves no file, never an empty one that later reads as "not a store".
 */
static int create_file(const char *path, struct cov_err *err)
{
    struct geo_out o;
    int rc = geo_out_begin(&o, path, err);
    if (rc)
        return rc;
    struct geo_store *t = calloc(1, sizeof(*t));
    if (!t || !(t->path = strdup(path))) {
        free(t);
        geo_out_abort(&o);
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), path);
    }
    if (sqlite3_open_v2(o.tmp, &t->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = cov_err_set(err, COV_EIO, _("%s: cannot create: %s"), path,
                         t->db ? sqlite3_errmsg(t->db) : _("out of memory"));
    } else {
        t->cache = spatialite_alloc_connection();
        spatialite_init_ex(t->db, t->cache, 0);
        rc = exec(t, "PRAGMA journal_mode = DELETE", err);
        if (!rc)
            rc = create_schema(t, err);
    }
    geo_store_close(t);
    if (rc) {
        geo_out_abort(&o);
        return rc;
    }
    return geo_out_commit(&o, err);
}

/* A store's page cache, KiB (PRAGMA cache_size). */
#define STORE_CACHE_KIB 65536
#define STR_(x) #x
#define STR(x) STR_(x)

int geo_store_open(const char *path, int create, struct geo_store **out, struct cov_err *err)
{
    geo_sqlite_configure();
    *out = NULL;
    off_t size = 0;
    int exists = file_exists(path, &size);
    if ((!exists || size == 0) && create) { /* an empty file, e.g. from mkstemp, is replaced */
        int crc = create_file(path, err);
        if (crc)
            return crc;
        exists = file_exists(path, &size);
    }
    if (!exists && !create)
        return cov_err_set(err, COV_EIO,
                           _("%s: no such project store (create one with 'orgcover init' or "
                             "'orgcover import')"),
                           path);
    struct geo_store *s = calloc(1, sizeof(*s));
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), path);
    }
    int rc = 0;
    /* A store that cannot be written (file or folder) is opened read-only, so
     * that queries still work; the callers say nothing was saved. */
    char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash)
        *slash = 0;
    const char *folder = !slash ? "." : *dir ? dir : "/";
    s->readonly = access(path, W_OK) != 0 || (dir && access(folder, W_OK) != 0);
    free(dir);
    /* One connection per store, used by one thread: no SQLite mutexes. */
    int flags = (s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        rc = cov_err_set(err, COV_EIO, _("%s: cannot open: %s"), path,
                         s->db ? sqlite3_errmsg(s->db) : _("out of memory"));
        goto cleanup;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    s->cache = spatialite_alloc_connection();
    spatialite_init_ex(s->db, s->cache, 0);

    int ntables = count_tables(s);
    if (ntables == -2) {
        const char *plain = plain_db_error(s);
        rc = cov_err_set(err, COV_EIO, "%s%s%s", path, _(": "),
                         plain ? plain : _("cannot read the store (no permission?)"));
        goto cleanup;
    }
    if (ntables <= 0 || !has_table(s, "meta")) {
        rc = cov_err_set(err, COV_EIO, _("%s: not an orgcover project store"), path);
        goto cleanup;
    }
    /* Bulk loads into fresh tables: a rollback journal only copies the few
     * pre-existing pages a load touches (WAL would write every new page
     * twice), and synchronous=NORMAL still never corrupts or half-applies
     * a transaction. The file is memory-mapped: pages are read in place,
     * not copied into the page cache (a start at national size read 100 MB
     * of cache blobs through it). */
#define STORE_PRAGMAS                                                                              \
    " PRAGMA cache_size = -" STR(STORE_CACHE_KIB) "; PRAGMA temp_store = MEMORY;"                  \
                                                  " PRAGMA mmap_size = 4294967296;"
    rc = exec(s,
              s->readonly
                  ? STORE_PRAGMAS
                  : "PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL;" STORE_PRAGMAS,
              err);
    if (rc)
        goto cleanup;
    long version = meta_get_long(s, "schema_version", -1);
    if (version < 1) {
        rc = cov_err_set(err, COV_EIO, _("%s: not an orgcover project store"), path);
        goto cleanup;
    }
    if (version < GEO_SCHEMA_VERSION && (rc = migrate(s, version, err)))
        goto cleanup;
    if (version > GEO_SCHEMA_VERSION) {
        rc = cov_err_set(err, COV_EIO,
                         _("%s: project store has schema version %ld, newer than this orgcover "
                           "supports (%d); upgrade orgcover"),
                         path, version, GEO_SCHEMA_VERSION);
        goto cleanup;
    }
    s->srid = (int)meta_get_long(s, "srid", 0);
cleanup:
    if (rc) {
        geo_store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void geo_store_close(struct geo_store *s)
{
    if (!s)
        return;
    finalize_puts(s);
    if (s->db) {
        /* A bulk write only happens inside a transaction: rolling it back
         * brings the triggers it set aside back too. */
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        bulk_forget_all(s);
        sqlite3_close_v2(s->db);
    }
    if (s->cache)
        spatialite_cleanup_ex(s->cache);
    free(s->path);
    free(s);
}

const char *geo_store_path(const struct geo_store *s)
{
    return s->path;
}

int geo_store_readonly(const struct geo_store *s)
{
    return s->readonly;
}

/* ---- spatial index ---- */

static int index_enabled(struct geo_store *s, enum cov_layer layer)
{
    sqlite3_stmt *st = NULL;
    int on = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT spatial_index_enabled FROM geometry_columns"
                           " WHERE f_table_name = ? AND f_geometry_column = 'geom'",
                           -1, &st, NULL))
        return 0;
    sqlite3_bind_text(st, 1, cov_layer_name(layer), -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        on = sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return on;
}

/* Runs "SELECT fn(layer, 'geom')" and expects 1. */
static int call_geom_fn(struct geo_store *s, const char *sql, enum cov_layer layer,
                        struct cov_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, cov_layer_name(layer), -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
        rc = cov_err_set(err, COV_EIO, _("%s: %s: %s failed: %s"), s->path, cov_layer_name(layer),
                         sql, sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return rc;
}

/* Disables and drops a layer's R*Tree (before its table is dropped). */
static int index_disable(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    if (!index_enabled(s, layer))
        return 0;
    int rc = call_geom_fn(s, "SELECT DisableSpatialIndex(?, 'geom')", layer, err);
    if (rc)
        return rc;
    char sql[128];
    /* The table name is ours (cov_layer_name), not data. */
    snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS \"idx_%s_geom\"", cov_layer_name(layer));
    return exec(s, sql, err);
}

static void bulk_forget(struct geo_store *s, enum cov_layer layer)
{
    struct bulk *b = &s->bulk[layer];
    for (int i = 0; i < b->ntriggers; i++)
        free(b->trigger_sql[i]);
    free(b->trigger_sql);
    free(b->boxes);
    memset(b, 0, sizeof(*b));
}

static void bulk_forget_all(struct geo_store *s)
{
    for (int l = 0; l < COV_NLAYERS; l++)
        bulk_forget(s, (enum cov_layer)l);
}

static int layer_is_empty(struct geo_store *s, enum cov_layer layer)
{
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT NOT EXISTS(SELECT 1 FROM \"%s\")", cov_layer_name(layer));
    sqlite3_stmt *st = NULL;
    int empty = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        empty = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return empty;
}

/* Keeps the box of the row just inserted into a layer in a bulk write. A
 * failed allocation only ends the collection: the index is then built from
 * the table, as for an append. */
static void bulk_box_at(struct geo_store *s, enum cov_layer layer, sqlite3_int64 rowid, double minx,
                        double maxx, double miny, double maxy)
{
    struct bulk *b = &s->bulk[layer];
    if (!b->collect)
        return;
    if (b->nbox == b->capbox) {
        size_t cap = b->capbox ? b->capbox * 2 : 4096;
        struct geo_rbox *v = cov_realloc_huge(b->boxes, b->capbox * sizeof(*v), cap * sizeof(*v));
        if (!v) {
            free(b->boxes);
            b->boxes = NULL;
            b->nbox = b->capbox = 0;
            b->collect = 0;
            return;
        }

        b->boxes = v;
        b->capbox = cap;
    }
    b->boxes[b->nbox++] = geo_rtree_box(rowid, minx, maxx, miny, maxy);
}

/* The box of the row just inserted. */
static void bulk_box(struct geo_store *s, enum cov_layer layer, double minx, double maxx,
                     double miny, double maxy)
{
    bulk_box_at(s, layer, sqlite3_last_insert_rowid(s->db), minx, maxx, miny, maxy);
}

/*
 * Before a bulk write: set the layer's triggers aside (see struct bulk).
 * Outside a transaction the triggers stay and do their work row by row, so
 * that no crash can leave a table without them.
 */
static int bulk_begin(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    struct bulk *b = &s->bulk[layer];
    if (b->on || sqlite3_get_autocommit(s->db))
        return 0;
    b->had_index = index_enabled(s, layer);
    sqlite3_stmt *st = NULL;
    int rc = prepare(
        s, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, cov_layer_name(layer), -1, SQLITE_STATIC);
    char **names = NULL;
    int n = 0, step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        char **sq = realloc(b->trigger_sql, (size_t)(n + 1) * sizeof(*sq));
        char **nm = sq ? realloc(names, (size_t)(n + 1) * sizeof(*nm)) : NULL;
        if (sq)
            b->trigger_sql = sq;
        if (nm)
            names = nm;
        const char *t = (const char *)sqlite3_column_text(st, 1);
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!sq || !nm || !t || !name || !(sq[n] = strdup(t))) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
            break;
        }
        if (!(nm[n] = strdup(name))) {
            free(sq[n]);
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
            break;
        }
        n++;
    }
    if (!rc && step != SQLITE_DONE)
        rc = db_error(s, err, _("reading the triggers"));
    sqlite3_finalize(st);
    b->ntriggers = n;
    for (int i = 0; i < n && !rc; i++) {
        char *sql = sqlite3_mprintf("DROP TRIGGER \"%w\"", names[i]);
        rc = sql ? exec(s, sql, err) : cov_err_set(err, COV_ENOMEM, _("out of memory"));
        sqlite3_free(sql);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc) {
        bulk_forget(s, layer);
    } else {
        b->on = 1;
        b->collect = b->had_index && layer_is_empty(s, layer);
    }
    return rc;
}

/*
 * After a bulk write: index, and put the triggers back. The geometry
 * constraint the insert trigger checks per row (type and SRID) holds by
 * construction here: every geometry this file writes is made with the
 * project's SRID, 2-D (put_stmt, geo_store_update_org), and the area layers
 * allow any type. Writers other than this file (QGIS) meet the trigger.
 */
static int bulk_end(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    struct bulk *b = &s->bulk[layer];
    if (!b->on)
        return 0;
    const char *t = cov_layer_name(layer);
    int rc = 0;
    if (b->had_index && b->collect) {
        char name[64];
        snprintf(name, sizeof(name), "idx_%s_geom", t);
        rc = geo_rtree_pack_boxes(s->db, name, b->boxes, b->nbox, err);
    } else if (b->had_index) {
        char name[64],
            *select = sqlite3_mprintf("SELECT rowid, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom),"
                                      " MbrMaxY(geom) FROM \"%w\" WHERE geom IS NOT NULL",
                                      t);
        snprintf(name, sizeof(name), "idx_%s_geom", t);
        rc = select ? geo_rtree_pack(s->db, name, select, err)
                    : cov_err_set(err, COV_ENOMEM, _("out of memory"));
        sqlite3_free(select);
    }
    for (int i = 0; i < b->ntriggers && !rc; i++)
        rc = exec(s, b->trigger_sql[i], err);
    if (!rc && has_table(s, "geometry_columns_time")) {
        char *sql = sqlite3_mprintf(
            "UPDATE geometry_columns_time SET last_insert = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ',"
            " 'now') WHERE lower(f_table_name) = lower(%Q) AND f_geometry_column = 'geom'",
            t);
        rc = sql ? exec(s, sql, err) : cov_err_set(err, COV_ENOMEM, _("out of memory"));
        sqlite3_free(sql);
    }
    /* A layer that had no index gets one, as before the bulk write path. */
    if (!rc && !b->had_index)
        rc = call_geom_fn(s, "SELECT CreateSpatialIndex(?, 'geom')", layer, err);
    bulk_forget(s, layer);
    return rc;
}

static int bulk_end_all(struct geo_store *s, struct cov_err *err)
{
    for (int l = 0; l < COV_NLAYERS; l++) {
        int rc = bulk_end(s, (enum cov_layer)l, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- transactions ---- */

int geo_store_begin(struct geo_store *s, struct cov_err *err)
{
    if (s->in_tx || !sqlite3_get_autocommit(s->db))
        return cov_err_set(err, COV_EFAIL, _("%s: a transaction is already open"), s->path);
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (!rc)
        s->in_tx = 1;
    return rc;
}

void geo_store_writeback(struct geo_store *s)
{
#ifdef SYNC_FILE_RANGE_WRITE
    int fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        close(fd);
    }
#else
    (void)s;
#endif
}

int geo_store_commit(struct geo_store *s, struct cov_err *err)
{
    int rc = bulk_end_all(s, err);
    if (rc)
        return rc;
    rc = exec(s, "COMMIT", err);
    if (!rc)
        s->in_tx = 0;
    return rc;
}

void geo_store_rollback(struct geo_store *s)
{
    finalize_puts(s);
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
    bulk_forget_all(s);
    s->srid = (int)meta_get_long(s, "srid", 0);
}

/* ---- layers and CRS ---- */

int geo_store_srid(struct geo_store *s)
{
    return s->srid;
}

long geo_store_count(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    if ((unsigned)layer >= COV_NLAYERS) {
        cov_err_set(err, COV_EFAIL, _("%s: no such layer"), s->path);
        return -1;
    }
    if (!has_table(s, cov_layer_name(layer)))
        return 0;
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", cov_layer_name(layer));
    sqlite3_stmt *st = NULL;
    if (prepare(s, sql, &st, err))
        return -1;
    long n = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    else
        db_error(s, err, _("counting rows"));
    sqlite3_finalize(st);
    return n;
}

static const char *const area_columns = "code TEXT PRIMARY KEY, name TEXT, parent TEXT";
static const char *const org_columns =
    "id TEXT PRIMARY KEY, name TEXT, kind TEXT, community_org INTEGER, industry TEXT,"
    " rating TEXT, formal_members INTEGER, untransferred_members INTEGER, staff INTEGER,"
    " party_org TEXT, party_org_id TEXT, instructor INTEGER, x REAL, y REAL, address TEXT,"
    " community_ref TEXT, street_ref TEXT, authority TEXT, supervisor TEXT, legal_rep TEXT,"
    " reg_date TEXT";

static int drop_layer_table(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    const char *t = cov_layer_name(layer);
    if (!has_table(s, t))
        return 0;
    bulk_forget(s, layer);
    int rc = index_disable(s, layer, err);
    if (!rc)
        rc = call_geom_fn(s, "SELECT DiscardGeometryColumn(?, 'geom')", layer, err);
    char sql[96];
    snprintf(sql, sizeof(sql), "DROP TABLE \"%s\"", t);
    if (!rc)
        rc = exec(s, sql, err);
    return rc;
}

static int create_layer_table(struct geo_store *s, enum cov_layer layer, int srid,
                              struct cov_err *err)
{
    const char *t = cov_layer_name(layer);
    char sql[512];
    if (layer == COV_ORGANIZATIONS)
        snprintf(sql, sizeof(sql), "CREATE TABLE \"%s\"(%s)", t, org_columns);
    else if (layer == COV_COMMUNITIES)
        snprintf(sql, sizeof(sql), "CREATE TABLE \"%s\"(%s, ur INTEGER, ur_code INTEGER)", t,
                 area_columns);
    else
        snprintf(sql, sizeof(sql), "CREATE TABLE \"%s\"(%s)", t, area_columns);
    int rc = exec(s, sql, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if ((rc = prepare(s, "SELECT AddGeometryColumn(?, 'geom', ?, ?, 'XY')", &st, err)))
        return rc;
    sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, srid);
    sqlite3_bind_text(st, 3, layer == COV_ORGANIZATIONS ? "POINT" : "GEOMETRY", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
        rc = cov_err_set(err, COV_EIO, _("%s: %s: cannot add the geometry column in EPSG:%d"),
                         s->path, t, srid);
    sqlite3_finalize(st);
    if (!rc)
        rc = call_geom_fn(s, "SELECT CreateSpatialIndex(?, 'geom')", layer, err);
    return rc;
}

/* 1 when EPSG:srid is in spatial_ref_sys, or was added to it now from
 * PROJ's definition (inside the caller's transaction); 0 when PROJ does not
 * know it either. PROJ rather than SpatiaLite's InsertEpsgSrid(), which
 * prints to stderr for a code its 2015 table lacks. */
static int srid_known(struct geo_store *s, int srid)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM spatial_ref_sys WHERE srid = ?", -1, &st, NULL))
        return 0;
    sqlite3_bind_int(st, 1, srid);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (found)
        return 1;
    OGRSpatialReferenceH srs = geo_srs_from_epsg(srid);
    char *wkt = NULL, *proj4 = NULL;
    const char *name = srs ? OSRGetName(srs) : NULL;
    if (srs && OSRExportToWkt(srs, &wkt) == OGRERR_NONE &&
        OSRExportToProj4(srs, &proj4) == OGRERR_NONE &&
        !sqlite3_prepare_v2(s->db,
                            "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, ref_sys_name,"
                            " proj4text, srtext) VALUES (?1, 'epsg', ?1, ?2, ?3, ?4)",
                            -1, &st, NULL)) {
        sqlite3_bind_int(st, 1, srid);
        sqlite3_bind_text(st, 2, name ? name : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, proj4, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, wkt, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    CPLFree(wkt);
    CPLFree(proj4);
    OSRDestroySpatialReference(srs);
    return found;
}

int geo_store_set_srid(struct geo_store *s, int srid, struct cov_err *err)
{
    if (srid == s->srid && srid != 0)
        return 0;
    if (srid <= 0)
        return cov_err_set(err, COV_EINPUT, _("%s: EPSG:%d is not a known coordinate system"),
                           s->path, srid);
    for (int l = 0; l < COV_NLAYERS; l++) {
        long n = geo_store_count(s, (enum cov_layer)l, err);
        if (n < 0)
            return COV_EIO;
        if (n > 0)
            return cov_err_set(err, COV_EINPUT,
                               _("%s: the project CRS is EPSG:%d and layer %s holds %ld rows; it "
                                 "cannot change to EPSG:%d (use a new store)"),
                               s->path, s->srid, cov_layer_name(l), n, srid);
    }
    finalize_puts(s);
    int rc = sp_begin(s, err);
    if (rc)
        return rc;
    if (!srid_known(s, srid)) /* inside the savepoint: it may add the srid */
        rc = cov_err_set(err, COV_EINPUT, _("%s: EPSG:%d is not a known coordinate system"),
                         s->path, srid);
    for (int l = 0; l < COV_NLAYERS && !rc; l++)
        rc = drop_layer_table(s, (enum cov_layer)l, err);
    for (int l = 0; l < COV_NLAYERS && !rc; l++)
        rc = create_layer_table(s, (enum cov_layer)l, srid, err);
    if (!rc)
        rc = create_assignments_view(s, err);
    if (!rc)
        rc = meta_set_long(s, "srid", srid, err);
    rc = sp_end(s, rc, err);
    if (!rc)
        s->srid = srid;
    else
        bulk_forget_all(s);
    return rc;
}

static int bump_version(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    char key[64];
    snprintf(key, sizeof(key), "version.%s", cov_layer_name(layer));
    return meta_set_long(s, key, meta_get_long(s, key, 0) + 1, err);
}

int geo_store_clear(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    if ((unsigned)layer >= COV_NLAYERS)
        return cov_err_set(err, COV_EFAIL, _("%s: no such layer"), s->path);
    if (!has_table(s, cov_layer_name(layer)))
        return 0;
    int rc = bulk_begin(s, layer, err);
    if (rc)
        return rc;
    char sql[96];
    snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", cov_layer_name(layer));
    if ((rc = exec(s, sql, err)))
        return rc;
    struct bulk *b = &s->bulk[layer];
    b->collect = b->had_index;
    b->nbox = 0;
    /* Stored assignments refer to the deleted rows: make them stale. */
    return bump_version(s, layer, err);
}

/* ---- bulk writes ---- */

static int need_table(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    if (s->srid == 0)
        return cov_err_set(err, COV_EFAIL,
                           _("%s: %s: the project CRS is not set yet (geo_store_set_srid first)"),
                           s->path, cov_layer_name(layer));
    return 0;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le_double(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(u >> (8 * i));
}

/* SpatiaLite's BLOB-Geometry (its manual, "BLOB-Geometry format") up to its
 * class: START 0x00, little-endian 0x01, SRID, MBR (min x, min y, max x,
 * max y), MBR_END 0x7C; 39 bytes. */
enum { BLOB_HEAD = 39 };
static void blob_head(unsigned char *out, int srid, double minx, double miny, double maxx,
                      double maxy)
{
    out[0] = 0x00;
    out[1] = 0x01;
    put_le32(out + 2, (uint32_t)srid);
    put_le_double(out + 6, minx);
    put_le_double(out + 14, miny);
    put_le_double(out + 22, maxx);
    put_le_double(out + 30, maxy);
    out[38] = 0x7C;
}

const unsigned char *geo_point_blob(unsigned char out[GEO_POINT_BLOB], double x, double y, int srid)
{
    /* The head, class 1 (POINT), x, y, END 0xFE. */
    blob_head(out, srid, x, y, x, y);
    put_le32(out + BLOB_HEAD, 1);
    put_le_double(out + 43, x);
    put_le_double(out + 51, y);
    out[59] = 0xFE;
    return out;
}

/* The rings of polygon p (exterior first): their count into *rings and
 * their points' into *points; 0, or -1 when a ring is missing or too short. */
static int polygon_size(GEOSContextHandle_t h, const GEOSGeometry *p, size_t *rings, size_t *points)
{
    int holes = GEOSGetNumInteriorRings_r(h, p);
    if (holes < 0)
        return -1;
    for (int r = -1; r < holes; r++) {
        const GEOSGeometry *ring =
            r < 0 ? GEOSGetExteriorRing_r(h, p) : GEOSGetInteriorRingN_r(h, p, r);
        const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
        unsigned int n = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 4)
            return -1;
        *points += n;
    }
    *rings += (size_t)holes + 1;
    return 0;
}

/* Writes polygon p's body (ring count, then each ring's point count and
 * points) at *out, widening box; 0, or -1. */
static int polygon_put(GEOSContextHandle_t h, const GEOSGeometry *p, unsigned char **out,
                       double *xy, double box[4])
{
    int holes = GEOSGetNumInteriorRings_r(h, p);
    put_le32(*out, (uint32_t)holes + 1);
    *out += 4;
    for (int r = -1; r < holes; r++) {
        const GEOSGeometry *ring =
            r < 0 ? GEOSGetExteriorRing_r(h, p) : GEOSGetInteriorRingN_r(h, p, r);
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
        unsigned int n = 0;
        if (!GEOSCoordSeq_getSize_r(h, cs, &n) || !GEOSCoordSeq_copyToBuffer_r(h, cs, xy, 0, 0))
            return -1;
        put_le32(*out, n);
        *out += 4;
        for (unsigned int i = 0; i < 2 * n; i += 2) {
            box[0] = fmin(box[0], xy[i]);
            box[1] = fmax(box[1], xy[i]);
            box[2] = fmin(box[2], xy[i + 1]);
            box[3] = fmax(box[3], xy[i + 1]);
            put_le_double(*out, xy[i]);
            put_le_double(*out + 8, xy[i + 1]);
            *out += 16;
        }
    }
    return 0;
}

unsigned char *geo_area_blob(GEOSContextHandle_t h, const GEOSGeometry *g, int srid, size_t *size,
                             double box[4])
{
    /* The head (blob_head), class 3 (POLYGON) and its rings, or class 6
     * (MULTIPOLYGON), its count and each polygon as an entity (0x69, class
     * 3, rings); END 0xFE. A ring: its point count, then x y pairs. */
    int type = GEOSGeomTypeId_r(h, g);
    int multi = type == GEOS_MULTIPOLYGON;
    if (type != GEOS_POLYGON && !multi)
        return NULL;
    int parts = multi ? GEOSGetNumGeometries_r(h, g) : 1;
    if (parts < 1)
        return NULL;
    size_t rings = 0, points = 0, most = 0;
    for (int k = 0; k < parts; k++) {
        size_t before = points;
        if (polygon_size(h, multi ? GEOSGetGeometryN_r(h, g, k) : g, &rings, &points))
            return NULL;
        most = points - before > most ? points - before : most;
    }
    /* head, class 4, [count 4, per part 0x69 and class 5], per polygon its
     * ring count 4, per ring its point count 4, points, END 1 */
    *size = BLOB_HEAD + 4 + (multi ? 4 + 5 * (size_t)parts : 0) + 4 * (size_t)parts + 4 * rings +
            16 * points + 1;
    unsigned char *b = malloc(*size);
    double *xy = malloc(2 * most * sizeof(*xy)); /* one polygon's rings at most */
    if (!b || !xy) {
        free(b);
        free(xy);
        return NULL;
    }
    box[0] = box[2] = INFINITY;
    box[1] = box[3] = -INFINITY;
    unsigned char *p = b + BLOB_HEAD;
    put_le32(p, multi ? 6 : 3);
    p += 4;
    if (multi) {
        put_le32(p, (uint32_t)parts);
        p += 4;
    }
    int rc = 0;
    for (int k = 0; !rc && k < parts; k++) {
        if (multi) {
            *p++ = 0x69;
            put_le32(p, 3);
            p += 4;
        }
        rc = polygon_put(h, multi ? GEOSGetGeometryN_r(h, g, k) : g, &p, xy, box);
    }
    free(xy);
    if (rc) {
        free(b);
        return NULL;
    }
    *p = 0xFE;
    blob_head(b, srid, box[0], box[2], box[1], box[3]);
    return b;
}

enum { ORG_NCOLS = 22 };
static const char org_insert_columns[] =
    "(id, name, kind, community_org, industry, rating, formal_members, untransferred_members,"
    " staff, party_org, party_org_id, instructor, x, y, geom, address, community_ref,"
    " street_ref, authority, supervisor, legal_rep, reg_date)";

/* INSERT INTO organizations of rows rows of ORG_NCOLS parameters each. */
static sqlite3_stmt *prepare_org_insert(struct geo_store *s, int rows, struct cov_err *err)
{
    static const char values[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static_assert(sizeof(values) == 2 * ORG_NCOLS + 2, "one ? per organization column");
    char sql[128 + sizeof(org_insert_columns) + GEO_PUT_BATCH * sizeof(values)];
    int len = snprintf(sql, sizeof(sql), "INSERT INTO \"%s\"%s VALUES",
                       cov_layer_name(COV_ORGANIZATIONS), org_insert_columns);
    for (int r = 0; r < rows; r++)
        len += snprintf(sql + len, sizeof(sql) - (size_t)len, "%s%s", r ? "," : "", values);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)) {
        db_error(s, err, _("preparing an insert"));
        return NULL;
    }
    return st;
}

static sqlite3_stmt *put_stmt(struct geo_store *s, enum cov_layer layer, struct cov_err *err)
{
    if (s->put[layer])
        return s->put[layer];
    if (layer == COV_ORGANIZATIONS)
        return s->put[layer] = prepare_org_insert(s, 1, err);
    char sql[768];
    const char *t = cov_layer_name(layer);
    if (layer == COV_COMMUNITIES)
        snprintf(sql, sizeof(sql),
                 "INSERT INTO \"%s\"(code, name, parent, ur, ur_code, geom)"
                 " VALUES(?1, ?2, ?3, ?4, ?5, coalesce(?8, GeomFromWKB(?6, ?7)))",
                 t);
    else
        snprintf(sql, sizeof(sql),
                 "INSERT INTO \"%s\"(code, name, parent, geom) VALUES(?1, ?2, ?3,"
                 " coalesce(?8, GeomFromWKB(?6, ?7)))",
                 t);
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->put[layer], NULL)) {
        s->put[layer] = NULL;
        db_error(s, err, _("preparing an insert"));
    }
    return s->put[layer];
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* After a failed statement: SpatiaLite's geometry-constraint triggers
 * RAISE(ROLLBACK), and SQLite rolls back on a full disk; returns 1, with the
 * error set, when the caller's transaction is gone. */
static int tx_lost(struct geo_store *s, struct cov_err *err)
{
    if (!s->in_tx || !sqlite3_get_autocommit(s->db))
        return 0;
    s->in_tx = 0;
    bulk_forget_all(s);
    cov_err_set(err, COV_EIO, _("%s: the transaction was rolled back"), s->path);
    return 1;
}

static int step_insert(struct geo_store *s, sqlite3_stmt *st, enum cov_layer layer, const char *key,
                       struct cov_err *err)
{
    int rc = sqlite3_step(st);
    int ret = 0;
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
        ret = cov_err_set(err, COV_EINPUT, _("%s: %s '%s' appears twice"), cov_layer_name(layer),
                          layer == COV_ORGANIZATIONS ? "id" : "code", key ? key : "");
    else if (rc != SQLITE_DONE)
        ret = cov_err_set(err, COV_EIO, _("%s: %s: writing '%s': %s"), s->path,
                          cov_layer_name(layer), key ? key : "", sqlite3_errmsg(s->db));
    sqlite3_reset(st);
    if (ret)
        tx_lost(s, err);
    return ret;
}

int geo_store_put_area(struct geo_store *s, enum cov_layer layer, const struct cov_area *a,
                       GEOSContextHandle_t geos, struct cov_err *err)
{
    if ((unsigned)layer >= COV_NAREAS)
        return cov_err_set(err, COV_EFAIL, _("%s: not an area layer"), s->path);
    int rc = need_table(s, layer, err);
    if (rc || (rc = bulk_begin(s, layer, err)))
        return rc;
    sqlite3_stmt *st = put_stmt(s, layer, err);
    if (!st)
        return COV_EIO;
    if (!a->code || !*a->code)
        return cov_err_set(err, COV_EINPUT, _("%s: a feature has no code"), cov_layer_name(layer));
    if (!a->geom || GEOSisEmpty_r(geos, a->geom) != 0)
        return cov_err_set(err, COV_EINPUT, _("%s: code '%s' has no geometry"),
                           cov_layer_name(layer), a->code);
    /* Polygons go in as SpatiaLite blobs written here (?8); anything else
     * as WKB that SpatiaLite converts (?6, ?7): the WKB writer, SpatiaLite's
     * parse and the envelope took a third of the writing thread's time. */
    double box[4];
    size_t size = 0;
    unsigned char *blob = geo_area_blob(geos, a->geom, s->srid, &size, box), *wkb = NULL;
    if (!blob) {
        GEOSWKBWriter *w = GEOSWKBWriter_create_r(geos);
        if (!w)
            return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
        GEOSWKBWriter_setOutputDimension_r(geos, w, 2);
        wkb = GEOSWKBWriter_write_r(geos, w, a->geom, &size);
        GEOSWKBWriter_destroy_r(geos, w);
        if (!wkb)
            return cov_err_set(err, COV_EINPUT, _("%s: code '%s': geometry cannot be written: %s"),
                               cov_layer_name(layer), a->code, cov_geos_last_error(geos));
    }
    sqlite3_bind_text(st, 1, a->code, -1, SQLITE_STATIC);
    bind_text_or_null(st, 2, a->name);
    bind_text_or_null(st, 3, a->parent);
    if (layer == COV_COMMUNITIES) {
        sqlite3_bind_int(st, 4, (int)a->ur);
        sqlite3_bind_int(st, 5, a->ur_code);
    }
    if (blob) {
        sqlite3_bind_null(st, 6);
        sqlite3_bind_blob(st, 8, blob, (int)size, SQLITE_STATIC);
    } else {
        sqlite3_bind_blob(st, 6, wkb, (int)size, SQLITE_STATIC);
        sqlite3_bind_null(st, 8);
    }
    sqlite3_bind_int(st, 7, s->srid);
    rc = step_insert(s, st, layer, a->code, err);
    if (wkb)
        GEOSFree_r(geos, wkb);
    free(blob);
    if (!rc && s->bulk[layer].collect) { /* a->geom is not empty (checked above) */
        if (!blob) {
            struct cov_area e = {.geom = a->geom};
            cov_area_envelope_r(geos, &e);
            box[0] = e.minx, box[1] = e.maxx, box[2] = e.miny, box[3] = e.maxy;
        }
        bulk_box(s, layer, box[0], box[1], box[2], box[3]);
    }
    return rc;
}

/* Binds o to the ORG_NCOLS parameters after base; point holds its geometry
 * until the statement is stepped. Returns whether o has a point. */
static int bind_org(struct geo_store *s, sqlite3_stmt *st, int base, const struct cov_org *o,
                    unsigned char point[GEO_POINT_BLOB])
{
    sqlite3_bind_text(st, base + 1, o->id, -1, SQLITE_STATIC);
    bind_text_or_null(st, base + 2, o->name);
    bind_text_or_null(st, base + 3, o->kind);
    sqlite3_bind_int(st, base + 4, o->community_org);
    bind_text_or_null(st, base + 5, o->industry);
    bind_text_or_null(st, base + 6, o->rating);
    sqlite3_bind_int(st, base + 7, o->formal_members);
    sqlite3_bind_int(st, base + 8, o->untransferred_members);
    if (o->staff == COV_UNKNOWN)
        sqlite3_bind_null(st, base + 9);
    else
        sqlite3_bind_int(st, base + 9, o->staff);
    sqlite3_bind_text(st, base + 10, cov_party_name(o->party), -1, SQLITE_STATIC);
    bind_text_or_null(st, base + 11, o->party_org_id);
    sqlite3_bind_int(st, base + 12, o->instructor);
    int xy = isfinite(o->x) && isfinite(o->y);
    if (xy) {
        sqlite3_bind_double(st, base + 13, o->x);
        sqlite3_bind_double(st, base + 14, o->y);
        sqlite3_bind_blob(st, base + 15, geo_point_blob(point, o->x, o->y, s->srid), GEO_POINT_BLOB,
                          SQLITE_STATIC);
    } else { /* every parameter is bound on every row: no sqlite3_clear_bindings() */
        for (int i = 13; i <= 15; i++)
            sqlite3_bind_null(st, base + i);
    }
    bind_text_or_null(st, base + 16, o->address);
    bind_text_or_null(st, base + 17, o->community_ref);
    bind_text_or_null(st, base + 18, o->street_ref);
    bind_text_or_null(st, base + 19, o->authority);
    bind_text_or_null(st, base + 20, o->supervisor);
    bind_text_or_null(st, base + 21, o->legal_rep);
    bind_text_or_null(st, base + 22, o->reg_date);
    return xy;
}

static int org_has_id(const struct cov_org *o, struct cov_err *err)
{
    if (o->id && *o->id)
        return 1;
    cov_err_set(err, COV_EINPUT, _("organizations: an organization has no id"));
    return 0;
}

int geo_store_put_org(struct geo_store *s, const struct cov_org *o, struct cov_err *err)
{
    int rc = need_table(s, COV_ORGANIZATIONS, err);
    if (rc || (rc = bulk_begin(s, COV_ORGANIZATIONS, err)))
        return rc;
    sqlite3_stmt *st = put_stmt(s, COV_ORGANIZATIONS, err);
    if (!st)
        return COV_EIO;
    if (!org_has_id(o, err))
        return COV_EINPUT;
    unsigned char point[GEO_POINT_BLOB];
    int xy = bind_org(s, st, 0, o, point);
    rc = step_insert(s, st, COV_ORGANIZATIONS, o->id, err);
    if (!rc && xy)
        bulk_box(s, COV_ORGANIZATIONS, o->x, o->x, o->y, o->y);
    return rc;
}

/*
 * GEO_PUT_BATCH rows to one statement: SQLite's cost per statement (begin,
 * cursors, halt) is paid once for them, about a third of the cost of a
 * row. A batch that fails is undone by SQLite (the statement's own journal)
 * and written again row by row, which names the row at fault.
 */
int geo_store_put_orgs(struct geo_store *s, const struct cov_org *const *v, size_t n,
                       struct cov_err *err)
{
    int rc = need_table(s, COV_ORGANIZATIONS, err);
    if (rc || (rc = bulk_begin(s, COV_ORGANIZATIONS, err)))
        return rc;
    size_t i = 0;
    if (n >= GEO_PUT_BATCH && !s->put_orgs &&
        !(s->put_orgs = prepare_org_insert(s, GEO_PUT_BATCH, err)))
        return COV_EIO;
    for (; i + GEO_PUT_BATCH <= n; i += GEO_PUT_BATCH) {
        unsigned char point[GEO_PUT_BATCH][GEO_POINT_BLOB];
        int xy[GEO_PUT_BATCH];
        for (int k = 0; k < GEO_PUT_BATCH; k++) {
            if (!org_has_id(v[i + (size_t)k], err))
                return COV_EINPUT;
            xy[k] = bind_org(s, s->put_orgs, k * ORG_NCOLS, v[i + (size_t)k], point[k]);
        }
        int step = sqlite3_step(s->put_orgs);
        sqlite3_reset(s->put_orgs);
        if (step != SQLITE_DONE) {
            if (tx_lost(s, err))
                return COV_EIO;
            break; /* undone: again row by row, to name the row */
        }
        /* The boxes are kept only while the table holds nothing but this
         * bulk write's rows, from empty, one writer: SQLite gives each new
         * row the largest rowid plus one, so the batch's rows are the
         * GEO_PUT_BATCH rowids that end at the last one. */
        sqlite3_int64 last = sqlite3_last_insert_rowid(s->db);
        for (int k = 0; k < GEO_PUT_BATCH; k++) {
            const struct cov_org *o = v[i + (size_t)k];
            if (xy[k])
                bulk_box_at(s, COV_ORGANIZATIONS, last - (GEO_PUT_BATCH - 1 - k), o->x, o->x, o->y,
                            o->y);
        }
    }
    for (; i < n && !rc; i++)
        rc = geo_store_put_org(s, v[i], err);
    return rc;
}

/* Column, kind and value of each field geo_store_update_org() can set, by
 * enum geo_org_field (geodata/alias.h); NULL column = not a stored column. */
enum uk { UK_TEXT, UK_INT, UK_INT_UNKNOWN, UK_PARTY };
struct ufield {
    const char *col;
    enum uk kind;
    size_t off; /* offset in struct cov_org */
};
#define UF(c, k, m)                                                                                \
    {                                                                                              \
        c, k, offsetof(struct cov_org, m)                                                          \
    }
static const struct ufield ufields[] = {
    [GEO_ORG_NAME] = UF("name", UK_TEXT, name),
    [GEO_ORG_KIND] = UF("kind", UK_TEXT, kind),
    [GEO_ORG_COMMUNITY] = UF("community_org", UK_INT, community_org),
    [GEO_ORG_INDUSTRY] = UF("industry", UK_TEXT, industry),
    [GEO_ORG_RATING] = UF("rating", UK_TEXT, rating),
    [GEO_ORG_FORMAL] = UF("formal_members", UK_INT, formal_members),
    [GEO_ORG_UNTRANSFERRED] = UF("untransferred_members", UK_INT, untransferred_members),
    [GEO_ORG_STAFF] = UF("staff", UK_INT_UNKNOWN, staff),
    [GEO_ORG_PARTY] = UF("party_org", UK_PARTY, party),
    [GEO_ORG_PARTY_ID] = UF("party_org_id", UK_TEXT, party_org_id),
    [GEO_ORG_INSTRUCTOR] = UF("instructor", UK_INT, instructor),
    [GEO_ORG_ADDRESS] = UF("address", UK_TEXT, address),
    [GEO_ORG_COMM_REF] = UF("community_ref", UK_TEXT, community_ref),
    [GEO_ORG_STREET_REF] = UF("street_ref", UK_TEXT, street_ref),
    [GEO_ORG_AUTHORITY] = UF("authority", UK_TEXT, authority),
    [GEO_ORG_SUPERVISOR] = UF("supervisor", UK_TEXT, supervisor),
    [GEO_ORG_LEGAL_REP] = UF("legal_rep", UK_TEXT, legal_rep),
    [GEO_ORG_REG_DATE] = UF("reg_date", UK_TEXT, reg_date),
};
#undef UF

int geo_store_update_org(struct geo_store *s, const struct cov_org *o, uint32_t fields, int *found,
                         struct cov_err *err)
{
    *found = 0;
    if (!o->id)
        return cov_err_set(err, COV_EINPUT, _("organizations: an update row has no id"));
    int rc = isfinite(o->x) && isfinite(o->y) ? bulk_begin(s, COV_ORGANIZATIONS, err) : 0;
    if (rc)
        return rc;
    s->bulk[COV_ORGANIZATIONS].collect = 0; /* a moved point: the boxes kept are stale */
    /* Built from the fixed column names above only; values are bound. */
    char sql[1024] = "UPDATE organizations SET rowid = rowid";
    int xy = isfinite(o->x) && isfinite(o->y);
    for (size_t i = 0; i < sizeof(ufields) / sizeof(ufields[0]); i++)
        if ((fields & (1u << i)) && ufields[i].col) {
            size_t u = strlen(sql);
            snprintf(sql + u, sizeof(sql) - u, ", %s = ?%zu", ufields[i].col, i + 1);
        }
    if (xy) {
        size_t u = strlen(sql);
        snprintf(sql + u, sizeof(sql) - u, ", x = ?90, y = ?91, geom = MakePoint(?90, ?91, ?92)");
    }
    strncat(sql, " WHERE id = ?99", sizeof(sql) - strlen(sql) - 1);
    sqlite3_stmt *st = NULL;
    if ((rc = prepare(s, sql, &st, err)))
        return rc;
    for (size_t i = 0; i < sizeof(ufields) / sizeof(ufields[0]); i++) {
        if (!(fields & (1u << i)) || !ufields[i].col)
            continue;
        const char *base = (const char *)o + ufields[i].off;
        int k = (int)i + 1;
        switch (ufields[i].kind) {
        case UK_TEXT:
            bind_text_or_null(st, k, *(const char *const *)base);
            break;
        case UK_INT:
            sqlite3_bind_int(st, k, *(const int *)base);
            break;
        case UK_INT_UNKNOWN:
            if (*(const int *)base == COV_UNKNOWN)
                sqlite3_bind_null(st, k);
            else
                sqlite3_bind_int(st, k, *(const int *)base);
            break;
        case UK_PARTY:
            sqlite3_bind_text(st, k, cov_party_name(*(const enum cov_party *)base), -1,
                              SQLITE_STATIC);
            break;
        }
    }
    if (xy) {
        sqlite3_bind_double(st, 90, o->x);
        sqlite3_bind_double(st, 91, o->y);
        sqlite3_bind_int(st, 92, s->srid);
    }
    sqlite3_bind_text(st, 99, o->id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(s, err, _("updating an organization"));
    else
        *found = sqlite3_changes(s->db) > 0;
    sqlite3_finalize(st);
    return rc;
}

int geo_store_layer_done(struct geo_store *s, enum cov_layer layer, const char *source, long rows,
                         struct cov_err *err)
{
    if ((unsigned)layer >= COV_NLAYERS)
        return cov_err_set(err, COV_EFAIL, _("%s: no such layer"), s->path);
    int rc = sp_begin(s, err);
    if (rc)
        return rc;
    rc = bulk_end(s, layer, err);
    if (!rc)
        rc = bump_version(s, layer, err);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = prepare(s,
                     "INSERT INTO import_log(time, layer, source, rows)"
                     " VALUES(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?)",
                     &st, err);
    if (!rc) {
        sqlite3_bind_text(st, 1, cov_layer_name(layer), -1, SQLITE_STATIC);
        bind_text_or_null(st, 2, source);
        sqlite3_bind_int64(st, 3, rows);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(s, err, _("writing the import log"));
    }
    sqlite3_finalize(st);
    return sp_end(s, rc, err);
}

/* ---- policy ---- */

/* A value edited into the store by hand is checked like one given to 'policy set':
 * a bad one keeps the policy's value in p and is reported (nonzero). */
static int policy_value_check(struct geo_store *s, sqlite3_stmt *st, int id, struct cov_policy *p,
                              struct cov_err *err)
{
    const struct cov_param *t = &cov_param_table()[id];
    int type = sqlite3_column_type(st, 1);
    double v = sqlite3_column_double(st, 1);
    if ((type == SQLITE_INTEGER || type == SQLITE_FLOAT) && isfinite(v) && v >= t->min &&
        v <= t->max && (!t->integer || v == floor(v))) {
        p->v[id] = v;
        return 0;
    }
    char num[32];
    const char *text = (const char *)sqlite3_column_text(st, 1);
    if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
        snprintf(num, sizeof(num), "%g", v), text = num;
    cov_err_set(err, COV_EINPUT,
                _("%s: policy parameter %s holds '%s' (expected %s %g to %g); set it again with "
                  "'orgcover policy set %s VALUE' or 'orgcover policy reset %s'"),
                s->path, t->name, text ? text : "NULL",
                t->integer ? _("a whole number") : _("a number"), t->min, t->max, t->name, t->name);
    return 1;
}

int geo_store_load_policy(struct geo_store *s, struct cov_policy *p, struct cov_err *err)
{
    cov_policy_init(p);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT name, value FROM policy", &st, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int id = cov_param_find((const char *)sqlite3_column_text(st, 0));
        if (id >= 0)
            rc = policy_value_check(s, st, id, p, err) ? COV_EINPUT : rc;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s, err, _("reading the policy"));
    sqlite3_finalize(st);
    return rc;
}

int geo_store_save_policy(struct geo_store *s, const struct cov_policy *p, struct cov_err *err)
{
    const struct cov_param *t = cov_param_table();
    int rc = sp_begin(s, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = exec(s, "DELETE FROM policy", err);
    if (!rc)
        rc = prepare(s, "INSERT INTO policy(name, value) VALUES(?, ?)", &st, err);
    /* Only values that differ from the policy's: parameters never set keep
     * following the defaults. */
    for (int i = 0; i < COV_P_COUNT && !rc; i++) {
        if (p->v[i] == t[i].def)
            continue;
        sqlite3_bind_text(st, 1, t[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, p->v[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(s, err, _("writing the policy"));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return sp_end(s, rc, err);
}

/* ---- loading ---- */

/* Open-addressing map from a string (borrowed) to an index. */
struct strmap {
    const char **keys;
    int32_t *vals;
    size_t cap; /* power of two */
};

static int strmap_init(struct strmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < n * 2)
        m->cap *= 2;
    m->keys = calloc(m->cap, sizeof(*m->keys));
    m->vals = calloc(m->cap, sizeof(*m->vals));
    return m->keys && m->vals ? 0 : COV_ENOMEM;
}

static void strmap_release(struct strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static void strmap_put(struct strmap *m, const char *k, int32_t v)
{
    size_t i = (size_t)cov_hash_str(k) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], k))
        i = (i + 1) & (m->cap - 1);
    m->keys[i] = k;
    m->vals[i] = v;
}

static int32_t strmap_get(const struct strmap *m, const char *k)
{
    if (!k || !m->cap)
        return -1;
    size_t i = (size_t)cov_hash_str(k) & (m->cap - 1);
    while (m->keys[i]) {
        if (!strcmp(m->keys[i], k))
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

struct progress {
    cov_progress_fn fn;
    void *user;
    const char *what;
    long n, step, next;
};

static void progress_start(struct progress *p, cov_progress_fn fn, void *user, const char *what,
                           long n)
{
    p->fn = fn;
    p->user = user;
    p->what = what;
    p->n = n;
    p->step = n / 100 > 0 ? n / 100 : 1;
    p->next = 0;
}

/* Nonzero when the callback asks to cancel. */
static int progress_tick(struct progress *p, long i)
{
    if (!p->fn || i < p->next)
        return 0;
    p->next = i + p->step;
    return p->fn(p->n > 0 ? (double)i / (double)p->n : 1.0, p->what, p->user);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static const char *const loading_what[COV_NAREAS] = {N_("loading districts"), N_("loading streets"),
                                                     N_("loading communities"), N_("loading parks"),
                                                     N_("loading buildings")};

/* Reads the layer's geometries into the areas load_areas() left without
 * them (same rowid order). */
static int load_area_geometries(struct geo_store *s, enum cov_layer layer, struct cov_model *m,
                                cov_progress_fn fn, void *user, struct cov_err *err);

static int areas_from_cache(struct geo_store *s, enum cov_layer layer, struct cov_model *m);

/* The layer's areas without their geometries (a missing one is an error; from
 * the blob of areas_from_cache() when current), then, when geometry is set,
 * the geometries (load_area_geometries). */
static int load_areas(struct geo_store *s, enum cov_layer layer, struct cov_model *m, int geometry,
                      cov_progress_fn fn, void *user, struct cov_err *err)
{
    const char *what = _(loading_what[layer]);
    int rc = 0;
    /* The cache first: counting rows reads every page holding the polygons. */
    if (m->n_areas[layer] == 0 && areas_from_cache(s, layer, m)) {
        s->areas_cache_owed &= ~(1u << layer);
        if (geometry)
            rc = load_area_geometries(s, layer, m, fn, user, err);
        if (!rc && fn && fn(1.0, what, user))
            rc = cov_err_set(err, COV_ECANCEL, _("cancelled"));
        return rc;
    }
    long n = geo_store_count(s, layer, err);
    if (n < 0)
        return COV_EIO;
    if (n == 0)
        return 0;
    s->areas_cache_owed |= 1u << layer;
    if (cov_model_reserve_areas(m, layer, (size_t)n))
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    char sql[256];
    const char *t = cov_layer_name(layer);
    snprintf(sql, sizeof(sql),
             "SELECT code, name, parent, %s, geom IS NOT NULL FROM \"%s\" ORDER BY rowid",
             layer == COV_COMMUNITIES ? "ur, ur_code" : "0, 0", t);
    sqlite3_stmt *st = NULL;
    if ((rc = prepare(s, sql, &st, err)))
        return rc;
    struct progress pr;
    /* With geometries, their pass is the slow one and reports the progress. */
    progress_start(&pr, geometry ? NULL : fn, user, what, n);
    long i = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (progress_tick(&pr, i++)) {
            rc = cov_err_set(err, COV_ECANCEL, _("cancelled"));
            break;
        }
        struct cov_area a = {0};
        a.code = col_text(st, 0);
        a.name = col_text(st, 1);
        a.parent = col_text(st, 2);
        int ur = sqlite3_column_int(st, 3);
        a.ur = ur == COV_UR_URBAN || ur == COV_UR_RURAL ? (enum cov_ur)ur : COV_UR_UNKNOWN;
        a.ur_code = sqlite3_column_int(st, 4);
        if (!sqlite3_column_int(st, 5)) {
            rc = cov_err_set(err, COV_EIO,
                             _("%s: %s: code '%s': the stored geometry cannot be read"), s->path, t,
                             a.code ? a.code : "");
            break;
        }
        if (cov_model_add_area(m, layer, &a) < 0) {
            rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
            break;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = db_error(s, err, _("reading areas"));
    sqlite3_finalize(st);
    if (!rc && geometry)
        rc = load_area_geometries(s, layer, m, fn, user, err);
    if (!rc && fn && fn(1.0, what, user))
        rc = cov_err_set(err, COV_ECANCEL, _("cancelled"));
    return rc;
}

static int load_area_geometries(struct geo_store *s, enum cov_layer layer, struct cov_model *m,
                                cov_progress_fn fn, void *user, struct cov_err *err)
{
    size_t n = m->n_areas[layer];
    if (n == 0)
        return 0;
    const char *t = cov_layer_name(layer);
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT ST_AsBinary(geom) FROM \"%s\" ORDER BY rowid", t);
    sqlite3_stmt *st = NULL;
    GEOSWKBReader *r = NULL;
    int rc = prepare(s, sql, &st, err);
    if (rc)
        return rc;
    if (!(r = GEOSWKBReader_create_r(m->geos))) {
        rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
        goto cleanup;
    }
    struct progress pr;
    progress_start(&pr, fn, user, _(loading_what[layer]), (long)n);
    size_t i = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && i < n) {
        if (progress_tick(&pr, (long)i)) {
            rc = cov_err_set(err, COV_ECANCEL, _("cancelled"));
            goto cleanup;
        }
        struct cov_area *a = &m->areas[layer][i++];
        const unsigned char *wkb = sqlite3_column_blob(st, 0);
        int size = sqlite3_column_bytes(st, 0);
        a->geom = wkb && size > 0 ? GEOSWKBReader_read_r(m->geos, r, wkb, (size_t)size) : NULL;
        if (!a->geom) {
            rc = cov_err_set(err, COV_EIO,
                             _("%s: %s: code '%s': the stored geometry cannot be read"), s->path, t,
                             a->code ? a->code : "");
            goto cleanup;
        }
        cov_area_envelope(m, a);
    }
    if (step == SQLITE_ROW || i != n)
        rc = cov_err_set(err, COV_EIO, _("%s: %s changed while it was read"), s->path, t);
    else if (step != SQLITE_DONE)
        rc = db_error(s, err, _("reading areas"));
cleanup:
    if (r)
        GEOSWKBReader_destroy_r(m->geos, r);
    sqlite3_finalize(st);
    return rc;
}

static enum cov_party party_from_name(const char *name)
{
    if (name)
        for (int p = 0; p < COV_PARTY_COUNT; p++)
            if (!strcmp(name, cov_party_name((enum cov_party)p)))
                return (enum cov_party)p;
    return COV_PARTY_NONE;
}

/* ---- the caches: derived blobs in table `cache` (key, stamp, data) ---- */

/*
 * A cache blob written in place: its row is inserted as zeroes of the full
 * size, then filled through SQLite's incremental blob API by any number of
 * buffered writers, each at its own offset (a blob's sections are written in
 * one pass over the rows). Binding a whole blob had SQLite copy it first:
 * two buffers of 100 MB at national size, fresh pages the dearest part.
 */
static int cache_open_write(struct geo_store *s, const char *key, const char *stamp, size_t size,
                            sqlite3_blob **b, struct cov_err *err)
{
    *b = NULL;
    int rc = exec(
        s, "CREATE TABLE IF NOT EXISTS cache(key TEXT PRIMARY KEY, stamp TEXT, data BLOB)", err);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = prepare(s, "INSERT OR REPLACE INTO cache(key, stamp, data) VALUES(?, ?, zeroblob(?))",
                     &st, err);
    if (!rc) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, stamp, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
        if (sqlite3_step(st) != SQLITE_DONE ||
            sqlite3_blob_open(s->db, "main", "cache", "data", sqlite3_last_insert_rowid(s->db), 1,
                              b) != SQLITE_OK)
            rc = db_error(s, err, _("writing the cache"));
    }
    sqlite3_finalize(st);
    if (rc && *b) {
        sqlite3_blob_close(*b);
        *b = NULL;
    }
    return rc;
}

struct blob_out {
    sqlite3_blob *b;  /* shared by the writers of one blob */
    size_t off, fill; /* where buf goes in the blob, and its bytes */
    int failed;
    unsigned char buf[1 << 15];
};

static void blob_out_flush(struct blob_out *w)
{
    if (w->fill && !w->failed &&
        sqlite3_blob_write(w->b, w->buf, (int)w->fill, (int)w->off) != SQLITE_OK)
        w->failed = 1;
    w->off += w->fill;
    w->fill = 0;
}

static void blob_out_put(struct blob_out *w, const void *p, size_t n)
{
    const unsigned char *c = p;
    while (n) {
        size_t k = sizeof(w->buf) - w->fill;
        k = k < n ? k : n;
        memcpy(w->buf + w->fill, c, k);
        w->fill += k;
        c += k;
        n -= k;
        if (w->fill == sizeof(w->buf))
            blob_out_flush(w);
    }
}

/* Flushes the n writers of one blob and closes it: rc, or a write's error. */
static int blob_out_close(struct geo_store *s, struct blob_out *w, int n, int rc,
                          struct cov_err *err)
{
    int failed = 0;
    for (int i = 0; i < n; i++) {
        blob_out_flush(&w[i]);
        failed |= w[i].failed;
    }
    if (w[0].b && sqlite3_blob_close(w[0].b) != SQLITE_OK)
        failed = 1;
    if (!rc && failed)
        rc = db_error(s, err, _("writing the cache"));
    return rc;
}

/*
 * A cache blob read in pieces with SQLite's incremental blob API: selecting
 * the column would have SQLite copy the whole blob (100 MB at national size)
 * into memory of its own first, fresh pages the dearest part of a start.
 */
struct blob_in {
    sqlite3_blob *b;
    size_t size, off; /* the blob's bytes; those read by blob_in_read() */
};

/* Opens the blob under key when its stamp is stamp: 1, or 0 (in->b NULL). */
static int blob_in_open(struct geo_store *s, const char *key, const char *stamp, struct blob_in *in)
{
    memset(in, 0, sizeof(*in));
    sqlite3_stmt *st = NULL;
    if (!has_table(s, "cache") ||
        sqlite3_prepare_v2(s->db, "SELECT rowid, stamp, length(data) FROM cache WHERE key = ?", -1,
                           &st, NULL))
        return 0;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 1) &&
             !strcmp((const char *)sqlite3_column_text(st, 1), stamp) &&
             sqlite3_column_int64(st, 2) <= INT_MAX;
    sqlite3_int64 rowid = sqlite3_column_int64(st, 0);
    in->size = ok ? (size_t)sqlite3_column_int64(st, 2) : 0;
    sqlite3_finalize(st);
    if (ok && sqlite3_blob_open(s->db, "main", "cache", "data", rowid, 0, &in->b)) {
        sqlite3_blob_close(in->b);
        in->b = NULL;
    }
    return in->b != NULL;
}

/* The blob's next n bytes into dst: 1, or 0 past its end or on a read error. */
static int blob_in_read(struct blob_in *in, void *dst, size_t n)
{
    if (!in->b || n > in->size - in->off)
        return 0;
    if (n && sqlite3_blob_read(in->b, dst, (int)n, (int)in->off) != SQLITE_OK)
        return 0;
    in->off += n;
    return 1;
}

static void blob_in_close(struct blob_in *in)
{
    sqlite3_blob_close(in->b);
    in->b = NULL;
}

/*
 * The organizations, and each area layer's attributes, as a load reads them
 * (rowid order) kept as one blob each in `cache`, for a fast start: a
 * pool_head, n fixed records, then every string present, NUL-terminated, in
 * record and field order; native byte order, recognised by its magic. A
 * blob is used only while its meta key holds the layer version it was made
 * at (its stamp); three triggers on the layer clear that key on any insert,
 * update or delete by another program (QGIS, sqlite3), so a stale copy is
 * never read. The triggers touch meta only: the cache table is safe to
 * delete, and a trigger naming a missing table would fail every edit.
 */
struct pool_head {
    uint32_t magic, n;
    uint64_t pool; /* bytes of strings after the n records */
};

static void layer_stamp(struct geo_store *s, enum cov_layer layer, char *buf, size_t len)
{
    char key[64];
    snprintf(key, sizeof(key), "version.%s", cov_layer_name(layer));
    snprintf(buf, len, "%ld", meta_get_long(s, key, 0));
}

/* A pool blob being written: its records and its strings (writer 0 and 1). */
struct pool_write {
    struct blob_out w[2];
};

/* Begins the blob under key of layer's current version: a savepoint, the
 * header of n records of rec_size bytes and pool bytes of strings; then
 * pool_rec_put() and pool_put() each record, pool_write_end(). pw is large:
 * allocate it. */
static int pool_write_begin(struct geo_store *s, enum cov_layer layer, const char *key,
                            uint32_t magic, size_t n, size_t rec_size, size_t pool,
                            struct pool_write *pw, struct cov_err *err)
{
    struct pool_head h = {magic, (uint32_t)n, pool};
    char stamp[32];
    layer_stamp(s, layer, stamp, sizeof(stamp));
    for (int i = 0; i < 2; i++)
        memset(&pw->w[i], 0, offsetof(struct blob_out, buf));
    int rc = sp_begin(s, err);
    if (!rc) {
        rc = cache_open_write(s, key, stamp, sizeof(h) + n * rec_size + pool, &pw->w[0].b, err);
        if (rc)
            sp_end(s, rc, err);
    }
    if (rc)
        return rc;
    pw->w[1].b = pw->w[0].b;
    pw->w[1].off = sizeof(h) + n * rec_size;
    blob_out_put(&pw->w[0], &h, sizeof(h));
    return 0;
}

/* Appends t to the pool; 1 when there was one. */
static int pool_put(struct pool_write *pw, const char *t)
{
    if (!t)
        return 0;
    blob_out_put(&pw->w[1], t, strlen(t) + 1);
    return 1;
}

/* Ends the blob of pool_write_begin(): its triggers (names
 * orgcover_<tag>_cache_*) and meta 'cache.<tag>' set, the savepoint released
 * (rolled back on an error). */
static int pool_write_end(struct geo_store *s, enum cov_layer layer, const char *tag,
                          struct pool_write *pw, struct cov_err *err)
{
    char stamp[32], meta[64];
    layer_stamp(s, layer, stamp, sizeof(stamp));
    snprintf(meta, sizeof(meta), "cache.%s", tag);
    const char *t = cov_layer_name(layer);
    int rc = blob_out_close(s, pw->w, 2, 0, err);
    char *triggers =
        rc ? NULL
           : sqlite3_mprintf("CREATE TRIGGER IF NOT EXISTS \"orgcover_%w_cache_ins\" AFTER INSERT"
                             " ON \"%w\" BEGIN DELETE FROM meta WHERE key = %Q; END;"
                             "CREATE TRIGGER IF NOT EXISTS \"orgcover_%w_cache_upd\" AFTER UPDATE"
                             " ON \"%w\" BEGIN DELETE FROM meta WHERE key = %Q; END;"
                             "CREATE TRIGGER IF NOT EXISTS \"orgcover_%w_cache_del\" AFTER DELETE"
                             " ON \"%w\" BEGIN DELETE FROM meta WHERE key = %Q; END;",
                             tag, t, meta, tag, t, meta, tag, t, meta);
    if (!rc && !triggers)
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
    if (!rc)
        rc = exec(s, triggers, err);
    if (!rc)
        rc = geo_store_meta_set(s, meta, stamp, err);
    sqlite3_free(triggers);
    return sp_end(s, rc, err);
}

/* A blob being read: its records a chunk at a time, its strings read into an
 * arena. */
enum { POOL_CHUNK = 1 << 16 };
struct pool_read {
    struct blob_in in;
    size_t n, rec_size; /* records, and the bytes of one */
    unsigned char chunk[POOL_CHUNK];
    size_t have, next; /* records in chunk, and the next one pool_rec() gives */
    char *pool;
    size_t len, off; /* the pool's bytes, and those taken by pool_next() */
};

/* Opens the blob under key of layer's current version (meta 'cache.<tag>')
 * of records of rec_size bytes (< POOL_CHUNK) with magic, and reads its
 * strings into arena (not at all when arena is NULL: pool_next() then has
 * none); pr->n tells how many records. 0 when it is missing, stale or not
 * as expected. pr is large: allocate it. */
static int pool_blob_open(struct geo_store *s, enum cov_layer layer, const char *tag,
                          const char *key, uint32_t magic, size_t rec_size, struct cov_arena *arena,
                          struct pool_read *pr)
{
    memset(&pr->in, 0, sizeof(pr->in));
    pr->n = pr->have = pr->next = pr->len = pr->off = 0;
    pr->rec_size = rec_size;
    pr->pool = NULL;
    char stamp[32], meta[64];
    layer_stamp(s, layer, stamp, sizeof(stamp));
    snprintf(meta, sizeof(meta), "cache.%s", tag);
    char *valid = geo_store_meta_get(s, meta);
    int current = valid && !strcmp(valid, stamp);
    free(valid);
    struct pool_head h;
    if (!current || !blob_in_open(s, key, stamp, &pr->in) || !blob_in_read(&pr->in, &h, sizeof(h)))
        return 0;
    if (h.magic != magic || pr->in.size != sizeof(h) + (size_t)h.n * rec_size + h.pool)
        return 0;
    pr->n = h.n;
    pr->len = arena ? (size_t)h.pool : 0;
    if (pr->len && !(pr->pool = cov_arena_alloc(arena, pr->len)))
        return 0;
    pr->in.off = sizeof(h) + pr->n * rec_size;
    if (!blob_in_read(&pr->in, pr->pool, pr->len))
        return 0;
    pr->in.off = sizeof(h);
    return 1;
}

/* The next record (valid until the next call), NULL when none is left. */
static const unsigned char *pool_rec(struct pool_read *pr)
{
    if (pr->next == pr->have) {
        size_t left = pr->n - (pr->in.off - sizeof(struct pool_head)) / pr->rec_size;
        size_t k = POOL_CHUNK / pr->rec_size;
        if (k > left)
            k = left;
        if (!k || !blob_in_read(&pr->in, pr->chunk, k * pr->rec_size))
            return NULL;
        pr->have = k;
        pr->next = 0;
    }
    return pr->chunk + pr->rec_size * pr->next++;
}

/* The pool's next string, NULL when it has none left. */
static const char *pool_next(struct pool_read *pr)
{
    if (pr->off >= pr->len)
        return NULL;
    const char *t = pr->pool + pr->off, *end = memchr(t, '\0', pr->len - pr->off);
    if (!end)
        return NULL;
    pr->off += (size_t)(end - t) + 1;
    return t;
}

static void pool_blob_close(struct pool_read *pr)
{
    blob_in_close(&pr->in);
}

/*
 * The organizations (cache key 'orgs', meta 'cache.orgs', triggers
 * orgcover_orgs_cache_*): at national size this loads in a tenth of the
 * time of the table scan with its 21 columns. Written by an import that
 * leaves the layer holding just its rows, and by a load that had to read
 * the table.
 */
#define ORGS_MAGIC 0x4f434f31u /* "OCO1" */
struct orgs_rec {
    double x, y;
    int32_t formal, untransferred, staff;
    uint16_t strings;     /* bit k: text field k (cov_org_strings) is in the pool */
    uint8_t party, flags; /* flags: 1 community_org, 2 instructor */
};

int geo_store_cache_orgs(struct geo_store *s, const struct cov_org *const *v, size_t n,
                         struct cov_err *err)
{
    size_t pool = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < COV_ORG_NSTRINGS; k++) {
            const char *t = *cov_org_string((struct cov_org *)v[i], k);
            pool += t ? strlen(t) + 1 : 0;
        }
    if (n > UINT32_MAX || sizeof(struct pool_head) + n * sizeof(struct orgs_rec) + pool > INT_MAX)
        return 0; /* beyond the blob API's offsets: loads read the table */
    struct pool_write *pw = malloc(sizeof(*pw));
    if (!pw)
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    int rc = pool_write_begin(s, COV_ORGANIZATIONS, "orgs", ORGS_MAGIC, n, sizeof(struct orgs_rec),
                              pool, pw, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct cov_org *o = (struct cov_org *)v[i];
        struct orgs_rec r = {o->x,
                             o->y,
                             o->formal_members,
                             o->untransferred_members,
                             o->staff,
                             0,
                             (uint8_t)o->party,
                             (uint8_t)((o->community_org ? 1 : 0) | (o->instructor ? 2 : 0))};
        for (int k = 0; k < COV_ORG_NSTRINGS; k++)
            r.strings |= (uint16_t)(pool_put(pw, *cov_org_string(o, k)) << k);
        blob_out_put(&pw->w[0], &r, sizeof(r));
    }
    if (!rc)
        rc = pool_write_end(s, COV_ORGANIZATIONS, "orgs", pw, err);
    free(pw);
    return rc;
}

/* The organizations from the cache into m (empty of them), with their text
 * unless text is 0 (every string NULL); 1 when loaded, 0 when the cache is
 * missing, stale or not as expected (m unchanged). */
static int orgs_from_cache(struct geo_store *s, struct cov_model *m, int text)
{
    struct pool_read *pr = malloc(sizeof(*pr));
    if (!pr)
        return 0;
    size_t start = m->n_orgs;
    int ok = pool_blob_open(s, COV_ORGANIZATIONS, "orgs", "orgs", ORGS_MAGIC,
                            sizeof(struct orgs_rec), text ? &m->arena : NULL, pr) &&
             !cov_model_reserve_orgs(m, pr->n);
    for (size_t i = 0; ok && i < pr->n; i++) {
        const unsigned char *p = pool_rec(pr);
        struct orgs_rec r;
        if (!p)
            break;
        memcpy(&r, p, sizeof(r));
        if (r.party >= COV_PARTY_COUNT || r.strings >> COV_ORG_NSTRINGS) {
            ok = 0;
            break;
        }
        struct cov_org o = {0};
        o.x = r.x;
        o.y = r.y;
        o.formal_members = r.formal;
        o.untransferred_members = r.untransferred;
        o.staff = r.staff;
        o.party = (enum cov_party)r.party;
        o.community_org = r.flags & 1;
        o.instructor = (r.flags >> 1) & 1;
        for (int k = 0; k < COV_ORG_NSTRINGS && ok && text; k++)
            if (r.strings & (1u << k))
                ok = (*cov_org_string(&o, k) = pool_next(pr)) != NULL;
        ok = ok && cov_model_add_org_owned(m, &o) >= 0;
    }
    ok = ok && m->n_orgs - start == pr->n && pr->off == pr->len;
    if (!ok)
        m->n_orgs = start; /* the pool stays in the arena, unused */
    pool_blob_close(pr);
    free(pr);
    return ok;
}

/*
 * An area layer's attributes (code, name, parent, ur, ur_code; not the
 * geometry: cache key 'areas.<layer>', meta 'cache.<layer>', triggers
 * orgcover_<layer>_cache_*). The layer's table pages hold the polygons too:
 * a lean load (status, targets) of 6x10^5 communities spent 0.2 s scanning
 * them for 16 bytes a row. Written by a load that had to read the table.
 */
#define AREAS_MAGIC 0x4f434131u /* "OCA1" */
struct areas_rec {
    int32_t ur_code;
    uint8_t ur;
    uint8_t strings; /* bit 0 code, 1 name, 2 parent: in the pool */
    uint16_t unused;
};

static int cache_areas(struct geo_store *s, enum cov_layer layer, const struct cov_area *v,
                       size_t n, struct cov_err *err)
{
    size_t pool = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t[3] = {v[i].code, v[i].name, v[i].parent};
        for (int k = 0; k < 3; k++)
            pool += t[k] ? strlen(t[k]) + 1 : 0;
    }
    if (n > UINT32_MAX || sizeof(struct pool_head) + n * sizeof(struct areas_rec) + pool > INT_MAX)
        return 0;
    char key[64];
    snprintf(key, sizeof(key), "areas.%s", cov_layer_name(layer));
    struct pool_write *pw = malloc(sizeof(*pw));
    if (!pw)
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    int rc =
        pool_write_begin(s, layer, key, AREAS_MAGIC, n, sizeof(struct areas_rec), pool, pw, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct areas_rec r = {v[i].ur_code, (uint8_t)v[i].ur, 0, 0};
        const char *t[3] = {v[i].code, v[i].name, v[i].parent};
        for (int k = 0; k < 3; k++)
            r.strings |= (uint8_t)(pool_put(pw, t[k]) << k);
        blob_out_put(&pw->w[0], &r, sizeof(r));
    }
    if (!rc)
        rc = pool_write_end(s, layer, cov_layer_name(layer), pw, err);
    free(pw);
    return rc;
}

/* The areas of layer from the cache into m (empty of them); 1 when loaded,
 * 0 when the cache is missing, stale or not as expected (m unchanged). */
static int areas_from_cache(struct geo_store *s, enum cov_layer layer, struct cov_model *m)
{
    char key[64];
    snprintf(key, sizeof(key), "areas.%s", cov_layer_name(layer));
    struct pool_read *pr = malloc(sizeof(*pr));
    if (!pr)
        return 0;
    int ok = pool_blob_open(s, layer, cov_layer_name(layer), key, AREAS_MAGIC,
                            sizeof(struct areas_rec), &m->arena, pr) &&
             !cov_model_reserve_areas(m, layer, pr->n);
    for (size_t i = 0; ok && i < pr->n; i++) {
        const unsigned char *p = pool_rec(pr);
        struct areas_rec r;
        if (!p)
            break;
        memcpy(&r, p, sizeof(r));
        if (r.strings >> 3) {
            ok = 0;
            break;
        }
        struct cov_area a = {0};
        a.ur = r.ur == COV_UR_URBAN || r.ur == COV_UR_RURAL ? (enum cov_ur)r.ur : COV_UR_UNKNOWN;
        a.ur_code = r.ur_code;
        const char **t[3] = {&a.code, &a.name, &a.parent};
        for (int k = 0; k < 3 && ok; k++)
            if (r.strings & (1u << k))
                ok = (*t[k] = pool_next(pr)) != NULL;
        ok = ok && cov_model_add_area_owned(m, layer, &a) >= 0;
    }
    ok = ok && m->n_areas[layer] == pr->n && pr->off == pr->len;
    if (!ok)
        m->n_areas[layer] = 0; /* the pool stays in the arena, unused */
    pool_blob_close(pr);
    free(pr);
    return ok;
}

static int load_orgs(struct geo_store *s, struct cov_model *m, int text, cov_progress_fn fn,
                     void *user, struct cov_err *err)
{
    /* The cache first: counting the table's rows reads every page of it. */
    if (orgs_from_cache(s, m, text))
        return fn && fn(1.0, _("loading organizations"), user)
                   ? cov_err_set(err, COV_ECANCEL, _("cancelled"))
                   : 0;
    long n = geo_store_count(s, COV_ORGANIZATIONS, err);
    if (n < 0)
        return COV_EIO;
    if (n == 0)
        return 0;
    s->orgs_cache_owed = 1;
    if (cov_model_reserve_orgs(m, (size_t)n))
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s,
                     "SELECT id, name, kind, community_org, industry, rating, formal_members,"
                     " untransferred_members, staff, party_org, party_org_id, instructor, x, y,"
                     " address, community_ref, street_ref, authority, supervisor, legal_rep,"
                     " reg_date FROM organizations ORDER BY rowid",
                     &st, err);
    if (rc)
        return rc;
    const char *what = _("loading organizations");
    struct progress pr;
    progress_start(&pr, fn, user, what, n);
    long i = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (progress_tick(&pr, i++)) {
            rc = cov_err_set(err, COV_ECANCEL, _("cancelled"));
            break;
        }
        struct cov_org o = {0};
        o.id = col_text(st, 0);
        o.name = col_text(st, 1);
        o.kind = col_text(st, 2);
        o.community_org = sqlite3_column_int(st, 3);
        o.industry = col_text(st, 4);
        o.rating = col_text(st, 5);
        o.formal_members = sqlite3_column_int(st, 6);
        o.untransferred_members = sqlite3_column_int(st, 7);
        o.staff =
            sqlite3_column_type(st, 8) == SQLITE_NULL ? COV_UNKNOWN : sqlite3_column_int(st, 8);
        o.party = party_from_name(col_text(st, 9));
        o.party_org_id = col_text(st, 10);
        o.instructor = sqlite3_column_int(st, 11);
        o.x = sqlite3_column_type(st, 12) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 12);
        o.y = sqlite3_column_type(st, 13) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 13);
        o.address = col_text(st, 14);
        o.community_ref = col_text(st, 15);
        o.street_ref = col_text(st, 16);
        o.authority = col_text(st, 17);
        o.supervisor = col_text(st, 18);
        o.legal_rep = col_text(st, 19);
        o.reg_date = col_text(st, 20);
        if (cov_model_add_org(m, &o) < 0) {
            rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
            break;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = db_error(s, err, _("reading organizations"));
    if (!rc && fn && fn(1.0, what, user))
        rc = cov_err_set(err, COV_ECANCEL, _("cancelled"));
    sqlite3_finalize(st);
    return rc;
}

static int source_find(const char *name)
{
    for (int i = 0; name && i < COV_SRC_COUNT; i++)
        if (!strcmp(name, cov_source_name((enum cov_source)i)))
            return i;
    return -1;
}

static void clear_assignments(struct cov_model *m)
{
    for (size_t i = 0; i < m->n_orgs; i++) {
        struct cov_org *o = &m->orgs[i];
        for (int l = 0; l < COV_NAREAS; l++)
            o->area[l] = -1;
        o->placed = o->has_xy ? COV_PLACED_POINT : COV_PLACED_NONE;
        o->placed_by = o->has_xy ? COV_SRC_COORDINATES : COV_SRC_NONE;
        if (!o->has_xy)
            o->x = o->y = NAN;
    }
    m->assigned = 0;
}

/*
 * The assignments again, as the model holds them: area indices in load order
 * (rowid order, so valid while the layer versions in the stamp are), for
 * every organization, in one blob. Reading 10^6 rows of codes and looking each
 * up in hash tables took most of a command's start at national size; this is
 * a copy. The assignments table stays the readable record and the fallback.
 * Native byte order, recognised by its magic: a store moved to a machine of
 * the other order just recomputes.
 */
#define CACHE_MAGIC 0x4f434131u /* "OCA1" */
struct cache_head {
    uint32_t magic, n_orgs, n_areas[COV_NAREAS], n_text;
};
struct cache_text {
    uint32_t org, pad;
    double x, y;
};

static size_t cache_size(size_t n_orgs, size_t n_text)
{
    size_t fixed = sizeof(struct cache_head) + n_orgs * (COV_NAREAS * sizeof(int32_t) + 2);
    fixed = (fixed + 7) & ~(size_t)7;
    return fixed + n_text * sizeof(struct cache_text);
}

static int cache_write_assignments(struct geo_store *s, const struct cov_model *m,
                                   const char *stamp, struct cov_err *err)
{
    struct cache_head h = {CACHE_MAGIC, (uint32_t)m->n_orgs, {0}, 0};
    for (int l = 0; l < COV_NAREAS; l++)
        h.n_areas[l] = (uint32_t)m->n_areas[l];
    for (size_t i = 0; i < m->n_orgs; i++)
        h.n_text += !m->orgs[i].has_xy && isfinite(m->orgs[i].x) && isfinite(m->orgs[i].y);
    size_t size = cache_size(m->n_orgs, h.n_text);
    if (size > INT_MAX)
        return 0; /* beyond the blob API's offsets: loads read the table */
    /* Writers of the four sections: area indices, placed, placed_by, text. */
    struct blob_out *w = malloc(4 * sizeof(*w));
    if (!w)
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    for (int k = 0; k < 4; k++)
        memset(&w[k], 0, offsetof(struct blob_out, buf));
    int rc = cache_open_write(s, "assignments", stamp, size, &w[0].b, err);
    w[1].b = w[2].b = w[3].b = w[0].b;
    w[1].off = sizeof(h) + m->n_orgs * COV_NAREAS * sizeof(int32_t);
    w[2].off = w[1].off + m->n_orgs;
    w[3].off = size - h.n_text * sizeof(struct cache_text);
    if (!rc)
        blob_out_put(&w[0], &h, sizeof(h));
    for (size_t i = 0; !rc && i < m->n_orgs; i++) {
        const struct cov_org *o = &m->orgs[i];
        unsigned char placed = (unsigned char)o->placed, by = (unsigned char)o->placed_by;
        blob_out_put(&w[0], o->area, sizeof(int32_t) * COV_NAREAS);
        blob_out_put(&w[1], &placed, 1);
        blob_out_put(&w[2], &by, 1);
        if (!o->has_xy && isfinite(o->x) && isfinite(o->y)) {
            struct cache_text t = {(uint32_t)i, 0, o->x, o->y};
            blob_out_put(&w[3], &t, sizeof(t));
        }
    }
    rc = blob_out_close(s, w, 4, rc, err);
    free(w);
    return rc;
}

/* 1 and m->assigned = 1 when the cache matches the stamp and the model. */
static int cache_read_assignments(struct geo_store *s, struct cov_model *m, const char *stamp)
{
    struct blob_in in;
    struct cache_head h;
    int ok = 0;
    unsigned char *by = NULL;
    if (!blob_in_open(s, "assignments", stamp, &in) || !blob_in_read(&in, &h, sizeof(h)))
        goto done;
    if (h.magic != CACHE_MAGIC || h.n_orgs != m->n_orgs ||
        in.size != cache_size(h.n_orgs, h.n_text))
        goto done;
    for (int l = 0; l < COV_NAREAS; l++)
        if (h.n_areas[l] != m->n_areas[l])
            goto done;
    /* The area indices straight into the organizations, a chunk at a time. */
    enum { CHUNK = 4096 };
    int32_t area[CHUNK][COV_NAREAS];
    for (size_t i = 0; i < m->n_orgs; i += CHUNK) {
        size_t k = m->n_orgs - i < CHUNK ? m->n_orgs - i : CHUNK;
        if (!blob_in_read(&in, area, k * sizeof(area[0])))
            goto bad;
        for (size_t j = 0; j < k; j++) {
            struct cov_org *o = &m->orgs[i + j];
            memcpy(o->area, area[j], sizeof(area[j]));
            for (int l = 0; l < COV_NAREAS; l++)
                if (o->area[l] < -1 || o->area[l] >= (int32_t)h.n_areas[l])
                    goto bad;
        }
    }
    /* placed[n] then placed_by[n], each a byte. */
    if (!(by = malloc(m->n_orgs ? 2 * m->n_orgs : 1)) || !blob_in_read(&in, by, 2 * m->n_orgs))
        goto bad;
    for (size_t i = 0; i < m->n_orgs; i++) {
        unsigned char placed = by[i], placed_by = by[m->n_orgs + i];
        if (placed >= COV_PLACED_COUNT || placed_by >= COV_SRC_COUNT)
            goto bad;
        m->orgs[i].placed = placed;
        m->orgs[i].placed_by = placed_by;
    }
    in.off = in.size - (size_t)h.n_text * sizeof(struct cache_text);
    for (uint32_t k = 0; k < h.n_text; k++) {
        struct cache_text ct;
        if (!blob_in_read(&in, &ct, sizeof(ct)) || ct.org >= m->n_orgs || m->orgs[ct.org].has_xy)
            goto bad;
        m->orgs[ct.org].x = ct.x;
        m->orgs[ct.org].y = ct.y;
    }
    m->assigned = 1;
    ok = 1;
    goto done;
bad:
    clear_assignments(m);
done:
    free(by);
    blob_in_close(&in);
    return ok;
}

/* 1 when the saved assignments are those of the layers as they are now;
 * stamp[len] gets the layers' version stamp. */
static int assignments_current(struct geo_store *s, char *stamp, size_t len)
{
    geo_store_version_stamp(s, stamp, len);
    char *saved = geo_store_meta_get(s, "assign.stamp");
    int current = saved && !strcmp(saved, stamp);
    free(saved);
    return current;
}

/* Sets m->assigned = 1 when the stored assignments are current and every
 * stored code is found; otherwise leaves them unassigned. From their cache
 * only when the organizations came without text (the table's rows are
 * matched by id). */
static int load_assignments(struct geo_store *s, struct cov_model *m, int text, struct cov_err *err)
{
    char stamp[256];
    if (!assignments_current(s, stamp, sizeof(stamp)) || m->n_orgs == 0)
        return 0;
    if (cache_read_assignments(s, m, stamp) || !text)
        return 0;

    struct strmap orgs = {0}, areas[COV_NAREAS] = {{0}};
    sqlite3_stmt *st = NULL;
    int rc = strmap_init(&orgs, m->n_orgs);
    for (int l = 0; l < COV_NAREAS && !rc; l++)
        rc = strmap_init(&areas[l], m->n_areas[l]);
    if (rc) {
        rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
        goto cleanup;
    }
    for (size_t i = 0; i < m->n_orgs; i++)
        strmap_put(&orgs, m->orgs[i].id, (int32_t)i);
    for (int l = 0; l < COV_NAREAS; l++)
        for (size_t i = 0; i < m->n_areas[l]; i++)
            strmap_put(&areas[l], m->areas[l][i].code, (int32_t)i);
    if ((rc = prepare(s,
                      "SELECT org_id, district, street, community, park, building, placed,"
                      " placed_by, px, py FROM assignments",
                      &st, err)))
        goto cleanup;
    size_t seen = 0;
    int ok = 1, step;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        int32_t oi = strmap_get(&orgs, col_text(st, 0));
        if (oi < 0) {
            ok = 0;
            break;
        }
        seen++;
        for (int l = 0; l < COV_NAREAS; l++) {
            const char *code = col_text(st, 1 + l);
            int32_t ai = code ? strmap_get(&areas[l], code) : -1;
            /* A code of a layer that was loaded must be found. */
            if (code && ai < 0 && m->n_areas[l] > 0)
                ok = 0;
            m->orgs[oi].area[l] = ai;
        }
        struct cov_org *o = &m->orgs[oi];
        int placed = cov_placed_find(col_text(st, 6));
        int by = source_find(col_text(st, 7));
        if (placed < 0 || by < 0) {
            ok = 0;
            break;
        }
        o->placed = placed;
        o->placed_by = by;
        if (!o->has_xy) {
            o->x = sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 8);
            o->y = sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
        }
    }
    if (ok && step != SQLITE_DONE) {
        rc = db_error(s, err, _("reading assignments"));
        ok = 0;
    }
    if (ok && seen == m->n_orgs) {
        m->assigned = 1;
        s->cache_owed = 1;
    } else
        clear_assignments(m);
cleanup:
    sqlite3_finalize(st);
    strmap_release(&orgs);
    for (int l = 0; l < COV_NAREAS; l++)
        strmap_release(&areas[l]);
    return rc;
}

int geo_store_load(struct geo_store *s, unsigned mask, struct cov_model *m,
                   cov_progress_fn progress, void *user, struct cov_err *err)
{
    m->srid = s->srid;
    int geometry = !(mask & GEO_LOAD_LEAN);
    int rc = geo_store_load_policy(s, &m->policy, err);
    for (int l = 0; l < COV_NAREAS && !rc; l++)
        if (mask & (1u << l))
            rc = load_areas(s, (enum cov_layer)l, m, geometry, progress, user, err);
    if (!rc && (mask & (1u << COV_ORGANIZATIONS))) {
        /* Without text only when the assignments need not be made again
         * (placing an organization by its address reads its text). */
        char stamp[256];
        int text = !(mask & GEO_LOAD_NO_ORG_TEXT) || !assignments_current(s, stamp, sizeof(stamp));
        rc = load_orgs(s, m, text, progress, user, err);
        if (!rc)
            rc = load_assignments(s, m, text, err);
        if (!rc && !text && !m->assigned) { /* their cache was unusable after all */
            m->n_orgs = 0;
            rc = load_orgs(s, m, 1, progress, user, err);
            if (!rc)
                rc = load_assignments(s, m, 1, err);
        }
    }
    return rc;
}

/*
 * The rowids of the n rows of layer in rowid order, the order a load reads
 * them in: *rowids NULL when they are 1..n (a layer written by imports only:
 * checked by its least and greatest rowid), else read into *rowids (free it).
 */
static int layer_rowids(struct geo_store *s, enum cov_layer layer, size_t n, int64_t **rowids,
                        struct cov_err *err)
{
    *rowids = NULL;
    if (n == 0)
        return 0;
    char sql[128];
    sqlite3_stmt *st = NULL;
    /* Two subqueries: SQLite answers a lone min() or max() from the b-tree's
     * ends, but scans the whole table for both in one SELECT. */
    snprintf(sql, sizeof(sql),
             "SELECT (SELECT min(rowid) FROM \"%s\"), (SELECT max(rowid) FROM \"%s\")",
             cov_layer_name(layer), cov_layer_name(layer));
    int rc = prepare(s, sql, &st, err);
    if (rc)
        return rc;
    int dense = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 1 &&
                sqlite3_column_int64(st, 1) == (sqlite3_int64)n;
    sqlite3_finalize(st);
    if (dense)
        return 0;
    int64_t *v = cov_malloc_huge(n * sizeof(*v));
    if (!v)
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    snprintf(sql, sizeof(sql), "SELECT rowid FROM \"%s\" ORDER BY rowid", cov_layer_name(layer));
    if ((rc = prepare(s, sql, &st, err))) {
        free(v);
        return rc;
    }
    size_t k = 0;
    while (k < n && sqlite3_step(st) == SQLITE_ROW)
        v[k++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (k != n) {
        free(v);
        return cov_err_set(err, COV_EIO, _("%s: layer %s changed while its assignments were made"),
                           s->path, cov_layer_name(layer));
    }
    *rowids = v;
    return 0;
}

/* One organization's assignment as the key of its group (schema 3). */
struct group_key {
    int32_t k[COV_NAREAS + 2]; /* area indices, placed, placed_by */
    uint32_t org;
};

static int cmp_group_key(const void *a, const void *b)
{
    const struct group_key *x = a, *y = b;
    for (int i = 0; i < COV_NAREAS + 2; i++)
        if (x->k[i] != y->k[i])
            return x->k[i] < y->k[i] ? -1 : 1;
    return (x->org > y->org) - (x->org < y->org);
}

/* The organizations' keys, grouped: bucketed by community in one counting
 * pass, then each bucket (about a community's organizations) sorted. */
static struct group_key *group_keys(const struct cov_model *m)
{
    size_t n = m->n_orgs, nc = m->n_areas[COV_COMMUNITIES] + 1;
    struct group_key *g = cov_malloc_huge((n ? n : 1) * sizeof(*g));
    size_t *start = calloc(nc + 1, sizeof(*start));
    if (!g || !start) {
        free(g);
        free(start);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        start[m->orgs[i].area[COV_COMMUNITIES] + 2]++; /* -1 (none) is bucket 0 */
    for (size_t b = 1; b <= nc; b++)
        start[b] += start[b - 1];
    for (size_t i = 0; i < n; i++) {
        const struct cov_org *o = &m->orgs[i];
        struct group_key *k = &g[start[o->area[COV_COMMUNITIES] + 1]++];
        memcpy(k->k, o->area, sizeof(int32_t) * COV_NAREAS);
        k->k[COV_NAREAS] = o->placed;
        k->k[COV_NAREAS + 1] = o->placed_by;
        k->org = (uint32_t)i;
    }
    /* start[b] is now the end of bucket b. */
    for (size_t b = 0, s0 = 0; b < nc; s0 = start[b++])
        if (start[b] - s0 > 1)
            qsort(g + s0, start[b] - s0, sizeof(*g), cmp_group_key);
    free(start);
    return g;
}

int geo_store_save_assignments(struct geo_store *s, const struct cov_model *m, struct cov_err *err)
{
    if (!m->assigned)
        return cov_err_set(err, COV_EFAIL, _("%s: the model holds no assignments to save"),
                           s->path);
    int rc = sp_begin(s, err);
    if (rc)
        return rc;
    int64_t *rowids[COV_NLAYERS] = {NULL};
    for (int l = 0; l < COV_NLAYERS && !rc; l++)
        rc = layer_rowids(s, (enum cov_layer)l, l == COV_ORGANIZATIONS ? m->n_orgs : m->n_areas[l],
                          &rowids[l], err);
    const int64_t *org_rowid = rowids[COV_ORGANIZATIONS];
#define ORG_ROWID(i) (org_rowid ? org_rowid[i] : (int64_t)(i) + 1)
    struct group_key *g = rc ? NULL : group_keys(m);
    size_t cap = 4096;
    char *json = rc ? NULL : malloc(cap);
    if (!rc && (!g || !json))
        rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    sqlite3_stmt *st = NULL, *pt = NULL;
    if (!rc)
        rc = exec(s, "DELETE FROM assignment_groups; DELETE FROM assignment_points", err);
    if (!rc)
        rc = prepare(s, "INSERT INTO assignment_groups VALUES(?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (!rc)
        rc = prepare(s, "INSERT INTO assignment_points VALUES(?, ?, ?)", &pt, err);
    for (size_t a = 0, b; a < m->n_orgs && !rc; a = b) {
        size_t len = 0;
        for (b = a; b < m->n_orgs && !memcmp(g[b].k, g[a].k, sizeof(g[a].k)); b++) {
            if (len + 26 > cap) {
                char *t = realloc(json, cap *= 2);
                if (!t) {
                    rc = cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
                    break;
                }
                json = t;
            }
            json[len++] = b == a ? '[' : ',';
            len += geo_put_int64(json + len, ORG_ROWID(g[b].org));
        }
        if (rc)
            break;
        json[len++] = ']';
        for (int l = 0; l < COV_NAREAS; l++) {
            int32_t x = g[a].k[l];
            if (x >= 0 && (size_t)x < m->n_areas[l])
                sqlite3_bind_int64(st, 1 + l, rowids[l] ? rowids[l][x] : (sqlite3_int64)x + 1);
            else
                sqlite3_bind_null(st, 1 + l);
        }
        sqlite3_bind_int(st, 6, g[a].k[COV_NAREAS]);
        sqlite3_bind_int(st, 7, g[a].k[COV_NAREAS + 1]);
        sqlite3_bind_text(st, 8, json, (int)len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(s, err, _("writing assignments"));
        sqlite3_reset(st);
    }
    for (size_t i = 0; i < m->n_orgs && !rc; i++) {
        const struct cov_org *o = &m->orgs[i];
        if (o->has_xy || !isfinite(o->x) || !isfinite(o->y))
            continue;
        sqlite3_bind_int64(pt, 1, ORG_ROWID(i));
        sqlite3_bind_double(pt, 2, o->x);
        sqlite3_bind_double(pt, 3, o->y);
        if (sqlite3_step(pt) != SQLITE_DONE)
            rc = db_error(s, err, _("writing assignments"));
        sqlite3_reset(pt);
    }
#undef ORG_ROWID
    sqlite3_finalize(st);
    sqlite3_finalize(pt);
    free(json);
    free(g);
    for (int l = 0; l < COV_NLAYERS; l++)
        free(rowids[l]);
    char stamp[256];
    geo_store_version_stamp(s, stamp, sizeof(stamp));
    if (!rc)
        rc = geo_store_meta_set(s, "assign.stamp", stamp, err);
    if (!rc)
        rc = cache_write_assignments(s, m, stamp, err);
    return sp_end(s, rc, err);
}

int geo_store_load_current(struct geo_store *s, unsigned mask, struct cov_model *m,
                           cov_progress_fn progress, void *user, enum geo_load_outcome *outcome,
                           struct cov_err *err)
{
    enum geo_load_outcome how = GEO_LOAD_STORED;
    int rc = geo_store_load(s, mask, m, progress, user, err);
    if (!rc && m->assigned && s->cache_owed && !s->readonly &&
        (mask & GEO_ALL_LAYERS) == GEO_ALL_LAYERS) {
        /* A store whose assignments predate the cache: write it once, best effort. */
        char stamp[256];
        struct cov_err ignore;
        cov_err_init(&ignore);
        geo_store_version_stamp(s, stamp, sizeof(stamp));
        if (!sp_begin(s, &ignore))
            sp_end(s, cache_write_assignments(s, m, stamp, &ignore), &ignore);
        cov_err_release(&ignore);
    }
    s->cache_owed = 0;
    if (!rc && s->orgs_cache_owed && !s->readonly && m->n_orgs) {
        /* Organizations read from the table: keep them as a blob for the next start. */
        const struct cov_org **v = malloc(m->n_orgs * sizeof(*v));
        struct cov_err ignore;
        cov_err_init(&ignore);
        for (size_t i = 0; v && i < m->n_orgs; i++)
            v[i] = &m->orgs[i];
        if (v)
            geo_store_cache_orgs(s, v, m->n_orgs, &ignore);
        cov_err_release(&ignore);
        free(v);
    }
    s->orgs_cache_owed = 0;
    for (int l = 0; l < COV_NAREAS && !rc && !s->readonly; l++)
        if (s->areas_cache_owed & (1u << l) && m->n_areas[l]) {
            /* Read from the table: kept as a blob for the next start, best effort. */
            struct cov_err ignore;
            cov_err_init(&ignore);
            cache_areas(s, (enum cov_layer)l, m->areas[l], m->n_areas[l], &ignore);
            cov_err_release(&ignore);
        }
    s->areas_cache_owed = 0;
    unsigned layers = mask & GEO_ALL_LAYERS;
    /* A lean load has no area geometries; assigning needs them. */
    for (int l = 0; l < COV_NAREAS && !rc && !m->assigned && (mask & GEO_LOAD_LEAN); l++)
        if (layers & (1u << l))
            rc = load_area_geometries(s, (enum cov_layer)l, m, progress, user, err);
    if (!rc && !m->assigned) {
        rc = cov_assign(m, 0, progress, user, err);
        /* A read-only store still answers from memory; only a full load can be saved
         * (a partial one would lose the other layers' codes). */
        how = s->readonly                ? GEO_LOAD_READONLY
              : layers != GEO_ALL_LAYERS ? GEO_LOAD_PARTIAL
                                         : GEO_LOAD_SAVED;
        if (!rc && how == GEO_LOAD_SAVED)
            rc = geo_store_save_assignments(s, m, err);
    }
    if (!rc)
        cov_classify(m);
    if (outcome)
        *outcome = how;
    return rc;
}

/* ---- SQL for geodata's own tables (store_sql.h) ---- */

struct geo_stmt {
    struct geo_store *s; /* for messages: path and plain reasons */
    sqlite3_stmt *st;
};

int geo_store_exec(struct geo_store *s, const char *sql, struct cov_err *err)
{
    return exec(s, sql, err);
}

int geo_store_prepare(struct geo_store *s, const char *sql, struct geo_stmt **out,
                      struct cov_err *err)
{
    *out = NULL;
    struct geo_stmt *g = calloc(1, sizeof(*g));
    if (!g)
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), s->path);
    int rc = prepare(s, sql, &g->st, err);
    if (rc) {
        free(g);
        return rc;
    }
    g->s = s;
    *out = g;
    return 0;
}

void geo_stmt_bind_text(struct geo_stmt *g, int i, const char *v)
{
    /* SQLITE_STATIC copies nothing, so only a bad index can fail. */
    int rc = v ? sqlite3_bind_text(g->st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(g->st, i);
    assert(rc == SQLITE_OK);
    (void)rc;
}

void geo_stmt_bind_int(struct geo_stmt *g, int i, int64_t v)
{
    int rc = sqlite3_bind_int64(g->st, i, (sqlite3_int64)v);
    assert(rc == SQLITE_OK);
    (void)rc;
}

void geo_stmt_bind_double(struct geo_stmt *g, int i, double v)
{
    int rc = sqlite3_bind_double(g->st, i, v);
    assert(rc == SQLITE_OK);
    (void)rc;
}

int geo_stmt_step(struct geo_stmt *g, const char *what, struct cov_err *err)
{
    switch (sqlite3_step(g->st)) {
    case SQLITE_ROW:
        return 1;
    case SQLITE_DONE:
        return 0;
    default:
        db_error(g->s, err, what);
        return -1;
    }
}

int64_t geo_stmt_column_int(struct geo_stmt *g, int col)
{
    return (int64_t)sqlite3_column_int64(g->st, col);
}

const char *geo_stmt_column_text(struct geo_stmt *g, int col)
{
    return col_text(g->st, col);
}

void geo_stmt_reset(struct geo_stmt *g)
{
    sqlite3_reset(g->st);
}

void geo_stmt_finalize(struct geo_stmt *g)
{
    if (!g)
        return;
    sqlite3_finalize(g->st);
    free(g);
}
