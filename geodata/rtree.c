/* rtree.c - write a SQLite R*Tree packed, bottom-up (Sort-Tile-Recursive), in one pass. */
#include "rtree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../analysis/core.h"
#include "../analysis/i18n.h"

/*
 * The on-disk format (SQLite ext/rtree/rtree.c, "Database Format of R-Tree
 * Tables"): %_node(nodeno INTEGER PRIMARY KEY, data BLOB) holds fixed-size
 * nodes; the first two bytes of node 1 (the root) give the tree's depth, the
 * next two every node's cell count, then the cells: an 8-byte rowid (a leaf)
 * or child node number (an inner node) and, for each dimension, a 4-byte
 * minimum and maximum. All integers and floats are big-endian. %_rowid maps
 * each rowid to its leaf, %_parent each node but the root to its parent.
 */

struct pair {
    int64_t key, val;
};

struct pairs {
    struct pair *v;
    size_t n, cap;
};

struct writer {
    sqlite3 *db;
    sqlite3_stmt *node, *parent, *rowid;
    int size;   /* bytes per node */
    int fanout; /* cells per node */
    unsigned char *buf;
    int64_t next_node; /* the next free node number (1 is the root's) */
    struct pairs leaf_of, parent_of;
    struct cov_err *err;
    const char *name;
};

static float round_down(double d)
{
    float f = (float)d;
    if ((double)f > d)
        f = nextafterf(f, -INFINITY);
    return f;
}

static float round_up(double d)
{
    float f = (float)d;
    if ((double)f < d)
        f = nextafterf(f, INFINITY);
    return f;
}

static void put_u16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (24 - 8 * i));
}

static void put_i64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(u >> (56 - 8 * i));
}

static void put_float(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    put_u32(p, u);
}

static int pairs_add(struct pairs *a, int64_t key, int64_t val)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        struct pair *v = cov_realloc_huge(a->v, a->cap * sizeof(*v), cap * sizeof(*v));
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n].key = key;
    a->v[a->n].val = val;
    a->n++;
    return 0;
}

static int cmp_pair(const void *a, const void *b)
{
    int64_t x = ((const struct pair *)a)->key, y = ((const struct pair *)b)->key;
    return (x > y) - (x < y);
}

/* Centre order, ties by id: the packing is the same on every run. */
static int cmp_x(const void *a, const void *b)
{
    const struct geo_rbox *p = a, *q = b;
    float u = p->c[0] + p->c[1], v = q->c[0] + q->c[1];
    if (u != v)
        return u < v ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}

static int cmp_y(const void *a, const void *b)
{
    const struct geo_rbox *p = a, *q = b;
    float u = p->c[2] + p->c[3], v = q->c[2] + q->c[3];
    if (u != v)
        return u < v ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = ((const struct geo_rbox *)a)->id, y = ((const struct geo_rbox *)b)->id;
    return (x > y) - (x < y);
}

/*
 * The order of cmp_x (axis 0) or cmp_y (axis 1) in linear time: a radix sort
 * (cov_radix_sort(), stable) of 8-byte (key, position) pairs, the key the centre's float
 * bits made to sort as unsigned integers (-0 taken as +0, as the comparison
 * sees them); then each run of equal centres put in id order, and the boxes
 * moved once. Sorting 32-byte boxes by 64-bit keys (centre and id) moved
 * eight times the bytes: a quarter of a second at 10^6 boxes. The result is
 * qsort's exactly (both orders are total). 0, or -1 (out of memory: nothing
 * done).
 */
static int radix_boxes(struct geo_rbox *v, size_t n, int axis)
{
    if (n > UINT32_MAX)
        return -1;
    struct cov_keyed *a = cov_malloc_huge(n * sizeof(*a)), *t = cov_malloc_huge(n * sizeof(*t));
    struct geo_rbox *out = cov_malloc_huge(n * sizeof(*out));
    if (!a || !t || !out) {
        free(a);
        free(t);
        free(out);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        float c = v[i].c[2 * axis] + v[i].c[2 * axis + 1] + 0.0f;
        uint32_t u;
        memcpy(&u, &c, sizeof(u));
        a[i].key = u & 0x80000000u ? ~u : u | 0x80000000u;
        a[i].val = (uint32_t)i;
    }
    struct cov_keyed *sorted = cov_radix_sort(a, t, n);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && sorted[j].key == sorted[i].key; j++)
            out[j] = v[sorted[j].val];
        if (j - i > 1)
            qsort(out + i, j - i, sizeof(*out), cmp_id); /* ties: by id */
    }
    memcpy(v, out, n * sizeof(*v));
    free(a);
    free(t);
    free(out);
    return 0;
}

void geo_rtree_sort(struct geo_rbox *v, size_t n, int axis)
{
    if (n < 2)
        return;
    if (n < 64 || radix_boxes(v, n, axis))
        qsort(v, n, sizeof(*v), axis ? cmp_y : cmp_x);
}

static int db_fail(struct writer *w, const char *what)
{
    return cov_err_set(w->err, COV_EIO, _("spatial index %s: %s: %s"), w->name, what,
                       sqlite3_errmsg(w->db));
}

/* Writes node `no` holding cells[0..n) and returns its bounding box in *out. */
static int write_node(struct writer *w, int64_t no, int depth, const struct geo_rbox *cells,
                      size_t n, struct geo_rbox *out)
{
    memset(w->buf, 0, (size_t)w->size);
    put_u16(w->buf, no == 1 ? (unsigned)depth : 0);
    put_u16(w->buf + 2, (unsigned)n);
    struct geo_rbox b = {no, {INFINITY, -INFINITY, INFINITY, -INFINITY}};
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = w->buf + 4 + i * 24;
        put_i64(p, cells[i].id);
        for (int k = 0; k < 4; k++)
            put_float(p + 8 + 4 * k, cells[i].c[k]);
        b.c[0] = fminf(b.c[0], cells[i].c[0]);
        b.c[1] = fmaxf(b.c[1], cells[i].c[1]);
        b.c[2] = fminf(b.c[2], cells[i].c[2]);
        b.c[3] = fmaxf(b.c[3], cells[i].c[3]);
        if (pairs_add(depth == 0 ? &w->leaf_of : &w->parent_of, cells[i].id, no))
            return cov_err_set(w->err, COV_ENOMEM, _("out of memory"));
    }
    sqlite3_bind_int64(w->node, 1, no);
    sqlite3_bind_blob(w->node, 2, w->buf, w->size, SQLITE_STATIC);
    int rc = sqlite3_step(w->node);
    sqlite3_reset(w->node);
    if (rc != SQLITE_DONE)
        return db_fail(w, _("writing a node"));
    if (out)
        *out = b;
    return 0;
}

/*
 * One level of STR: tiles v[0..n) into nodes of w->fanout cells (vertical
 * slices by x, then runs by y inside each slice), writes them and replaces
 * v[0..*m) by the nodes' boxes.
 */
static int pack_level(struct writer *w, struct geo_rbox *v, size_t n, int depth, size_t *m)
{
    size_t f = (size_t)w->fanout;
    size_t nodes = (n + f - 1) / f;
    size_t slices = (size_t)ceil(sqrt((double)nodes));
    size_t per_slice = slices ? ((nodes + slices - 1) / slices) * f : n;
    geo_rtree_sort(v, n, 0);
    for (size_t s = 0; s < n; s += per_slice)
        geo_rtree_sort(v + s, n - s < per_slice ? n - s : per_slice, 1);
    /* Node boxes overwrite v from the front: node k is written from
     * v[k*f ..], after which v[k] is free (k <= k*f). */
    size_t k = 0;
    for (size_t s = 0; s < n; s += per_slice) {
        size_t end = s + per_slice < n ? s + per_slice : n;
        for (size_t i = s; i < end; i += f) {
            size_t cnt = end - i < f ? end - i : f;
            struct geo_rbox b;
            int rc = write_node(w, w->next_node++, depth, v + i, cnt, &b);
            if (rc)
                return rc;
            v[k++] = b;
        }
    }
    *m = k;
    return 0;
}

/*
 * Orders a by key (keys are unique: row ids, node numbers). Keys that are
 * dense, as a bulk write's row ids are, are placed by direct address in
 * O(n); others are sorted.
 */
static void sort_pairs(struct pairs *a)
{
    if (a->n < 2)
        return;
    int64_t lo = a->v[0].key, hi = a->v[0].key;
    for (size_t i = 1; i < a->n; i++) {
        lo = a->v[i].key < lo ? a->v[i].key : lo;
        hi = a->v[i].key > hi ? a->v[i].key : hi;
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    int64_t *slot = span <= 4 * (uint64_t)a->n ? malloc(span * sizeof(*slot)) : NULL;
    if (!slot) {
        qsort(a->v, a->n, sizeof(*a->v), cmp_pair);
        return;
    }
    cov_advise_huge(slot, span * sizeof(*slot));
    for (uint64_t k = 0; k < span; k++)
        slot[k] = -1; /* node numbers are >= 1 */
    for (size_t i = 0; i < a->n; i++)
        slot[a->v[i].key - lo] = a->v[i].val;
    size_t j = 0;
    for (uint64_t k = 0; k < span; k++)
        if (slot[k] >= 0)
            a->v[j++] = (struct pair){lo + (int64_t)k, slot[k]};
    free(slot);
}

size_t geo_put_int64(char *p, int64_t v)
{
    char t[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do
        t[n++] = (char)('0' + u % 10);
    while ((u /= 10));
    size_t k = 0;
    if (v < 0)
        p[k++] = '-';
    while (n)
        p[k++] = t[--n];
    return k;
}

/*
 * Consecutive keys k0, k0 + 1, ... (a bulk write's row ids): one statement
 * inserts them all from a JSON array of the values, instead of a step per
 * row (10^6 rows of the row map: 0.4 s -> 0.25 s). bulk_fmt takes the
 * table's name; ?1 is k0, ?2 the array. 1 when done, 0 when the keys have
 * gaps, -1 on failure.
 */
static int write_pairs_dense(struct writer *w, const struct pairs *a, const char *bulk_fmt,
                             const char *what)
{
    if (a->n < 2 || a->v[a->n - 1].key - a->v[0].key != (int64_t)a->n - 1)
        return 0;
    char *json = malloc(a->n * 21 + 2), *p = json;
    char *sql = sqlite3_mprintf(bulk_fmt, w->name);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (!json || !sql) {
        cov_err_set(w->err, COV_ENOMEM, _("out of memory"));
        goto done;
    }
    for (size_t i = 0; i < a->n; i++) {
        *p++ = i ? ',' : '[';
        p += geo_put_int64(p, a->v[i].val);
    }
    *p++ = ']';
    if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL)) {
        db_fail(w, what);
        goto done;
    }
    sqlite3_bind_int64(st, 1, a->v[0].key);
    sqlite3_bind_text(st, 2, json, (int)(p - json), SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(w->db) != (int)a->n)
        db_fail(w, what);
    else
        rc = 1;
done:
    sqlite3_finalize(st);
    sqlite3_free(sql);
    free(json);
    return rc;
}

static int write_pairs(struct writer *w, struct pairs *a, sqlite3_stmt *st, const char *bulk_fmt,
                       const char *what)
{
    sort_pairs(a);
    int dense = write_pairs_dense(w, a, bulk_fmt, what);
    if (dense)
        return dense < 0 ? COV_EIO : 0;
    for (size_t i = 0; i < a->n; i++) {
        sqlite3_bind_int64(st, 1, a->v[i].key);
        sqlite3_bind_int64(st, 2, a->v[i].val);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return db_fail(w, what);
    }
    return 0;
}

static int read_boxes(struct writer *w, const char *select, struct geo_rbox **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(w->db, select, -1, &st, NULL))
        return db_fail(w, _("reading the bounding boxes"));
    size_t cap = 1024, k = 0;
    struct geo_rbox *v = malloc(cap * sizeof(*v));
    int rc = v ? 0 : cov_err_set(w->err, COV_ENOMEM, _("out of memory"));
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue;
        if (k == cap) {
            struct geo_rbox *nv = realloc(v, cap * 2 * sizeof(*v));
            if (!nv) {
                rc = cov_err_set(w->err, COV_ENOMEM, _("out of memory"));
                break;
            }
            v = nv;
            cap *= 2;
        }
        v[k++] = geo_rtree_box(sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
                               sqlite3_column_double(st, 2), sqlite3_column_double(st, 3),
                               sqlite3_column_double(st, 4));
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_fail(w, _("reading the bounding boxes"));
    sqlite3_finalize(st);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

static int exec_fmt(struct writer *w, const char *fmt)
{
    char *sql = sqlite3_mprintf(fmt, w->name, w->name);
    if (!sql)
        return cov_err_set(w->err, COV_ENOMEM, _("out of memory"));
    int rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    return rc ? db_fail(w, _("creating the index table")) : 0;
}

static int prepare_fmt(struct writer *w, const char *fmt, sqlite3_stmt **st)
{
    char *sql = sqlite3_mprintf(fmt, w->name);
    if (!sql)
        return cov_err_set(w->err, COV_ENOMEM, _("out of memory"));
    int rc = sqlite3_prepare_v2(w->db, sql, -1, st, NULL);
    sqlite3_free(sql);
    return rc ? db_fail(w, _("preparing the index writes")) : 0;
}

static int node_size(struct writer *w)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare_fmt(w, "SELECT length(data) FROM \"%w_node\" WHERE nodeno = 1", &st);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        w->size = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    w->fanout = (w->size - 4) / 24;
    if (w->fanout < 2)
        return cov_err_set(w->err, COV_EIO, _("spatial index %s: unexpected node size %d"), w->name,
                           w->size);
    return 0;
}

struct geo_rbox geo_rtree_box(int64_t id, double minx, double maxx, double miny, double maxy)
{
    struct geo_rbox b = {id, {round_down(minx), round_up(maxx), round_down(miny), round_up(maxy)}};
    return b;
}

/* Creates the table and the writer's statements; w->buf sized to a node. */
static int writer_open(struct writer *w)
{
    int rc = exec_fmt(w, "DROP TABLE IF EXISTS \"%w\";"
                         " CREATE VIRTUAL TABLE \"%w\" USING rtree(pkid, xmin, xmax, ymin, ymax)");
    if (!rc)
        rc = node_size(w);
    if (!rc && !(w->buf = malloc((size_t)w->size)))
        rc = cov_err_set(w->err, COV_ENOMEM, _("out of memory"));
    if (!rc)
        rc = prepare_fmt(w, "INSERT OR REPLACE INTO \"%w_node\"(nodeno, data) VALUES(?, ?)",
                         &w->node);
    if (!rc)
        rc = prepare_fmt(w, "INSERT INTO \"%w_parent\"(nodeno, parentnode) VALUES(?, ?)",
                         &w->parent);
    if (!rc)
        rc = prepare_fmt(w, "INSERT INTO \"%w_rowid\"(rowid, nodeno) VALUES(?, ?)", &w->rowid);
    return rc;
}

/* Packs v[0..n) level by level and writes the maps; frees the writer. */
static int writer_pack(struct writer *w, int rc, struct geo_rbox *v, size_t n)
{
    /* Levels below the root; the last level (at most one node's worth of
     * cells) goes into node 1 with the tree's depth. */
    int depth = 0;
    while (!rc && n > (size_t)w->fanout) {
        rc = pack_level(w, v, n, depth, &n);
        depth++;
    }
    if (!rc)
        rc = write_node(w, 1, depth, v, n, NULL);
    if (!rc)
        rc = write_pairs(w, &w->leaf_of, w->rowid,
                         "INSERT INTO \"%w_rowid\"(rowid, nodeno)"
                         " SELECT key + ?1, value FROM json_each(?2)",
                         _("writing the row map"));
    if (!rc)
        rc = write_pairs(w, &w->parent_of, w->parent,
                         "INSERT INTO \"%w_parent\"(nodeno, parentnode)"
                         " SELECT key + ?1, value FROM json_each(?2)",
                         _("writing the parent map"));
    sqlite3_finalize(w->node);
    sqlite3_finalize(w->parent);
    sqlite3_finalize(w->rowid);
    free(w->leaf_of.v);
    free(w->parent_of.v);
    free(w->buf);
    return rc;
}

int geo_rtree_pack(sqlite3 *db, const char *name, const char *select, struct cov_err *err)
{
    struct writer w = {.db = db, .err = err, .name = name, .next_node = 2};
    struct geo_rbox *v = NULL;
    size_t n = 0;
    int rc = writer_open(&w);
    if (!rc)
        rc = read_boxes(&w, select, &v, &n);
    rc = writer_pack(&w, rc, v, n);
    free(v);
    return rc;
}

int geo_rtree_pack_boxes(sqlite3 *db, const char *name, struct geo_rbox *v, size_t n,
                         struct cov_err *err)
{
    struct writer w = {.db = db, .err = err, .name = name, .next_node = 2};
    return writer_pack(&w, writer_open(&w), v, n);
}
