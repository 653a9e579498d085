/* rtree.h - write a SQLite R*Tree (a SpatiaLite spatial index) packed, in one pass. */
#ifndef GEO_RTREE_H
#define GEO_RTREE_H

#include <stddef.h>
#include <stdint.h>

#include "../analysis/core.h"

/*
 * Fills the 2-D SQLite R*Tree virtual table `name` (created here, dropped
 * first if it exists) with the bounding boxes returned by `select`, a query
 * of five columns: rowid, min x, max x, min y, max y (rows whose min x is
 * NULL are left out, as SpatiaLite's own index build does).
 *
 * The tree is built bottom-up by Sort-Tile-Recursive packing and written
 * straight into the table's three shadow tables (%_node, %_parent, %_rowid)
 * in the format SQLite's rtree module reads: full nodes, so a search visits
 * fewer pages than after row-by-row insertion, in a fraction of the time
 * (about 10^6 boxes a second instead of 6x10^4). The result passes
 * SQLite's rtreecheck(). Runs inside the caller's transaction.
 */
struct sqlite3; /* store.c's connection: only store.c and rtree.c include <sqlite3.h> */
int geo_rtree_pack(struct sqlite3 *db, const char *name, const char *select, struct cov_err *err);

/* One entry: a row's id and its bounding box (min x, max x, min y, max y),
 * already rounded outward to float (geo_rtree_box()). */
struct geo_rbox {
    int64_t id;
    float c[4];
};

/* The box of row `id` spanning [minx, maxx] x [miny, maxy], each bound rounded
 * outward to float as the rtree module stores it. */
struct geo_rbox geo_rtree_box(int64_t id, double minx, double maxx, double miny, double maxy);

/* The decimal digits of v at p (at most 20 bytes, no NUL), as JSON and SQL read
 * them; returns how many. For the arrays of row ids given to json_each. */
size_t geo_put_int64(char *p, int64_t v);

/*
 * Sorts v[0..n) by the centre along axis (0: x, 1: y), ties by id: the order
 * of each level of the packing. A radix sort of the centres, runs of equal
 * ones then sorted by id (qsort for small n); exposed for its test.
 */
void geo_rtree_sort(struct geo_rbox *v, size_t n, int axis);

/*
 * As geo_rtree_pack(), from boxes the caller already holds (a bulk write
 * records them as it inserts, so the table need not be read back). Reorders
 * v[0..n) in place.
 */
int geo_rtree_pack_boxes(struct sqlite3 *db, const char *name, struct geo_rbox *v, size_t n,
                         struct cov_err *err);

#endif
