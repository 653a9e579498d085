/* sqlmem.c - SQLite's configuration and allocator (see sqlmem.h). */
#include "sqlmem.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sqlite3.h>

#include "../analysis/core.h"

/* Under AddressSanitizer: LeakSanitizer does not look inside memory it did
 * not allocate, and SQLite keeps pointers in page-sized allocations (a
 * statement's opcodes, say), so the used part of the region is registered
 * as a root, 2 MiB at a time; otherwise what only the region points to
 * would be reported as leaked. */
#if defined(__SANITIZE_ADDRESS__)
#define SQLMEM_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SQLMEM_LSAN 1
#endif
#endif
#ifdef SQLMEM_LSAN
#include <sanitizer/lsan_interface.h>
#define ROOT_STEP ((size_t)2 << 20)
static size_t rooted; /* bytes of the region registered, under region.lock */
#endif

/* Virtual address space only: pages are touched as slots are first used. */
#define REGION_BYTES ((size_t)1 << 30)

struct slot {
    struct slot *next;
};

static struct {
    pthread_mutex_t lock;
    unsigned char *base; /* NULL: no region, everything goes to malloc */
    size_t used;         /* bytes of the region handed out at least once */
    struct slot *free;   /* slots given back */
} region = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, NULL};

int geo_sqlmem_in_region(const void *p)
{
    const unsigned char *c = p;
    return region.base && c >= region.base && c < region.base + REGION_BYTES;
}

/* Other allocations carry their size in front (8 bytes keep malloc's
 * alignment for SQLite's 8-byte fields). */
static void *heap_alloc(int n)
{
    int64_t *p = malloc((size_t)n + 8);
    if (!p)
        return NULL;
    p[0] = n;
    return p + 1;
}

static void *mem_malloc(int n)
{
    if (n > GEO_SQLMEM_MIN && n <= GEO_SQLMEM_SLOT && region.base) {
        void *p = NULL;
        pthread_mutex_lock(&region.lock);
        if (region.free) {
            p = region.free;
            region.free = region.free->next;
        } else if (region.used + GEO_SQLMEM_SLOT <= REGION_BYTES) {
            p = region.base + region.used;
            region.used += GEO_SQLMEM_SLOT;
#ifdef SQLMEM_LSAN
            for (; rooted < region.used; rooted += ROOT_STEP)
                __lsan_register_root_region(region.base + rooted, ROOT_STEP);
#endif
        }
        pthread_mutex_unlock(&region.lock);
        if (p)
            return p;
    }
    return heap_alloc(n);
}

static void mem_free(void *p)
{
    if (!p)
        return;
    if (geo_sqlmem_in_region(p)) {
        struct slot *s = p;
        pthread_mutex_lock(&region.lock);
        s->next = region.free;
        region.free = s;
        pthread_mutex_unlock(&region.lock);
        return;
    }
    free((int64_t *)p - 1);
}

static int mem_size(void *p)
{
    if (!p)
        return 0;
    return geo_sqlmem_in_region(p) ? GEO_SQLMEM_SLOT : (int)((int64_t *)p)[-1];
}

static void *mem_realloc(void *p, int n)
{
    if (!geo_sqlmem_in_region(p)) {
        int64_t *q = realloc((int64_t *)p - 1, (size_t)n + 8);
        if (!q)
            return NULL;
        q[0] = n;
        return q + 1;
    }
    if (n > GEO_SQLMEM_MIN && n <= GEO_SQLMEM_SLOT)
        return p;
    void *q = mem_malloc(n);
    if (q) {
        memcpy(q, p, (size_t)(n < GEO_SQLMEM_SLOT ? n : GEO_SQLMEM_SLOT));
        mem_free(p);
    }
    return q;
}

static int mem_roundup(int n)
{
    return (n + 7) & ~7;
}

static int mem_init(void *app)
{
    (void)app;
    return SQLITE_OK;
}

static void mem_shutdown(void *app)
{
    (void)app;
}

static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    void *base = mmap(NULL, REGION_BYTES, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return;
    cov_advise_huge(base, REGION_BYTES);
    static const sqlite3_mem_methods methods = {mem_malloc,  mem_free, mem_realloc,  mem_size,
                                                mem_roundup, mem_init, mem_shutdown, NULL};
    region.base = base;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) != SQLITE_OK) {
        region.base = NULL; /* SQLite already started: its own allocator stays */
        munmap(base, REGION_BYTES);
    }
}

void geo_sqlite_configure(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure);
}
