/*
 * sqlmem.h - private to geodata/: SQLite's process-wide configuration, and
 * the memory allocator it is given.
 *
 * SQLite's page cache takes each page (4 KiB and its header) with its own
 * malloc: an import of 10^6 rows takes thousands, each a fresh 4 KiB page
 * fault, the dearest kind on the virtual machines orgcover runs on (see
 * docs/BENCHMARKS.md, "Fresh memory"). Allocations of a page's size are
 * served from slots of one reserved region advised for huge pages, touched
 * only as used and reused once freed; the rest go to malloc.
 * (SQLITE_CONFIG_PAGECACHE does the first half but threads its free list
 * through every slot at start: 70 MB touched by every command.)
 */
#ifndef GEO_SQLMEM_H
#define GEO_SQLMEM_H

#include <stddef.h>

/*
 * Configures SQLite once per process, before its first use (later calls,
 * or a SQLite already started by another library, leave it as it is): no
 * memory statistics (they take a global mutex on every SQLite malloc and
 * free), and the allocator above. Thread-safe.
 */
void geo_sqlite_configure(void);

/* Slots of the page region: requests of more than GEO_SQLMEM_MIN and at
 * most GEO_SQLMEM_SLOT bytes. */
#define GEO_SQLMEM_MIN 4096
#define GEO_SQLMEM_SLOT 5120

/* 1 when p (from sqlite3_malloc) lies in the page region; for tests. */
int geo_sqlmem_in_region(const void *p);

#endif
