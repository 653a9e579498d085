/*
 * store_sql.h - SQL on the project store for the modules of geodata/ that
 * keep tables of their own (geodata/plan.c: the saved plan) and for
 * geodata's unit tests. Private to geodata/: render/ and cli/ go through
 * store.h and plan.h (tests/layers.sh fails the build otherwise).
 *
 * geodata/store.c stays the only file that holds a SQLite handle: a
 * statement is an opaque struct geo_stmt, and every failure becomes a
 * COV_EIO in the caller's struct cov_err naming the store's path (with the
 * plain sentences the store uses for a locked, read-only or full store).
 * SQL text is fixed in the source, never built from data; values travel as
 * bound parameters (STYLE.md 10).
 */
#ifndef GEO_STORE_SQL_H
#define GEO_STORE_SQL_H

#include <stdint.h>

#include "../analysis/err.h"
#include "store.h"

struct geo_stmt;

/* Run fixed SQL without parameters (one or more statements). 0 or COV_EIO. */
int geo_store_exec(struct geo_store *s, const char *sql, struct cov_err *err);

/*
 * Prepare one statement of fixed SQL. Caller-owned: geo_stmt_finalize().
 * 0, COV_EIO (the SQL does not compile against the store) or COV_ENOMEM;
 * *out is NULL on failure.
 */
int geo_store_prepare(struct geo_store *s, const char *sql, struct geo_stmt **out,
                      struct cov_err *err);

/*
 * Bind parameter i (1-based, ?1 ... ?N). Text is borrowed, not copied: it
 * must stay valid until the statement is stepped for the last time with it,
 * reset and rebound, or finalized. NULL text binds SQL NULL. An index out of
 * range is a programming error (assert).
 */
void geo_stmt_bind_text(struct geo_stmt *st, int i, const char *v);
void geo_stmt_bind_int(struct geo_stmt *st, int i, int64_t v);
void geo_stmt_bind_double(struct geo_stmt *st, int i, double v);

/*
 * Run the statement one step: 1 when a row is ready (read it with
 * geo_stmt_column_*), 0 when done, -1 on error with err filled as
 * "path: what: reason" (what names the operation, e.g. "writing plan_groups").
 */
int geo_stmt_step(struct geo_stmt *st, const char *what, struct cov_err *err);

/* The current row's column col (0-based). Text is borrowed until the next
 * step, reset or finalize; NULL when the value is SQL NULL. */
int64_t geo_stmt_column_int(struct geo_stmt *st, int col);
const char *geo_stmt_column_text(struct geo_stmt *st, int col);

/* Make the statement ready to run again; bindings are kept. */
void geo_stmt_reset(struct geo_stmt *st);
/* Free the statement; accepts NULL. */
void geo_stmt_finalize(struct geo_stmt *st);

#endif
