/*
 * outfile.h - write an output file so that nobody ever sees half of it.
 *
 * The new content goes to a temporary file in the target's own folder
 * (".orgcover-XXXXXX-NAME", so it keeps the target's extension for code
 * that picks a format by it); every write and the close are checked, the
 * file is synced, then renamed over the target and the folder synced. On any
 * error the temporary file is removed and the target is left as it was.
 * An existing target is replaced (docs/USAGE.md: "Output files").
 *
 *     struct geo_out o;
 *     if (geo_out_begin(&o, "plan.txt", &err)) return ...;
 *     FILE *f = geo_out_fopen(&o, &err);           // or let a library write o.tmp
 *     ... fprintf(f, ...) ...
 *     rc = geo_out_fclose(&o, f, &err);            // checks, syncs, renames
 *
 * Messages name the target (never the temporary file) and say why in plain
 * words: the disk is full, no permission to write in the folder, the folder
 * does not exist, the disk is read-only.
 */
#ifndef GEO_OUTFILE_H
#define GEO_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "../analysis/err.h"

struct geo_out {
    char *path; /* the target (owned copy) */
    char *tmp;  /* the temporary file next to it (owned); NULL once committed/aborted */
};

/*
 * Create the (empty) temporary file for path. On success the caller must
 * end with geo_out_commit() or geo_out_abort(). COV_EIO with a plain reason
 * when the folder is missing, not writable or read-only.
 */
int geo_out_begin(struct geo_out *o, const char *path, struct cov_err *err);
/* Open o->tmp for writing; NULL (and a message) on failure, o unchanged. */
FILE *geo_out_fopen(struct geo_out *o, struct cov_err *err);
/* Write n bytes to the temporary file (appending); 0 or COV_EIO. */
int geo_out_write(struct geo_out *o, const void *data, size_t n, struct cov_err *err);
/*
 * Check f (written through geo_out_fopen) for a write error, close it and
 * commit; on any failure abort instead. Returns 0 or COV_EIO.
 */
int geo_out_fclose(struct geo_out *o, FILE *f, struct cov_err *err);
/*
 * Sync the temporary file, rename it over the target, sync the folder.
 * On failure the temporary file is removed. Releases o either way.
 */
int geo_out_commit(struct geo_out *o, struct cov_err *err);
/* Remove the temporary file and release o. Accepts a released o. */
void geo_out_abort(struct geo_out *o);
/*
 * When something else (cairo, a library) failed writing o->tmp: add a plain
 * reason for path when the disk turns out to be full (checked while the
 * temporary file still exists), then abort. Returns COV_EIO.
 */
int geo_out_fail(struct geo_out *o, struct cov_err *err);

/* Plain words for an errno of a failed write/create ("the disk is full", ...). Borrowed. */
const char *geo_out_reason(int errnum);

#endif
