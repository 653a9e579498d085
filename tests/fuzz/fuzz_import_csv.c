/*
 * fuzz_import_csv.c - libFuzzer harness for geo_import() of a CSV file
 * (geodata/import.c: encoding detection, GDAL's CSV reader, column mapping,
 * every value check, coordinate handling, the store transaction).
 *
 * The input is written to /vsimem/x.csv and imported as the organizations
 * layer into one store per process (a temp directory, removed at exit),
 * mode GEO_IMPORT_REPLACE. The result is ignored except for the store's
 * promise (store.h, import.h): a failed import leaves the store as it was,
 * so the organization count must be unchanged; a successful one holds
 * exactly the imported rows. Either violation abort()s.
 * Run with -max_len=4096 (the fuzz.mk targets do).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>

#include "../../geodata/import.h"
#include "../../geodata/store.h"
#include "../../geodata/store_sql.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static char db[320];
static struct geo_store *store;

static void cleanup(void)
{
    geo_store_close(store);
    store = NULL;
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char p[400];
        snprintf(p, sizeof(p), "%s%s", db, suffixes[i]);
        unlink(p);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler); /* geo_import pushes its own handler */
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/orgcover-fuzz-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(db, sizeof(db), "%s/store.sqlite", dir);
    struct cov_err err;
    cov_err_init(&err);
    if (geo_store_open(db, 1, &store, &err)) {
        fprintf(stderr, "fuzz_import_csv: cannot create store %s: %s\n", db, cov_err_msg(&err));
        abort();
    }
    cov_err_release(&err);
    /* Speed only: the store's transactions are still real, just not fsync'd. */
    geo_store_exec(store, "PRAGMA synchronous=OFF", NULL);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    static const char path[] = "/vsimem/x.csv";
    /* VSIFileFromMemBuffer does not copy: give it its own buffer, freed by VSIUnlink. */
    GByte *buf = CPLMalloc(size ? size : 1);
    memcpy(buf, data, size);
    VSILFILE *fp = VSIFileFromMemBuffer(path, buf, (vsi_l_offset)size, TRUE);
    if (!fp) {
        CPLFree(buf);
        return 0;
    }
    VSIFCloseL(fp);

    struct cov_err err;
    cov_err_init(&err);
    long before = geo_store_count(store, COV_ORGANIZATIONS, &err);
    if (before < 0) {
        fprintf(stderr, "fuzz_import_csv: cannot count: %s\n", cov_err_msg(&err));
        abort();
    }
    cov_err_clear(&err);

    struct geo_import_opts o;
    memset(&o, 0, sizeof(o));
    o.mode = GEO_IMPORT_REPLACE;
    struct geo_import_result res;
    int rc = geo_import(store, COV_ORGANIZATIONS, path, &o, &res, &err);

    if (getenv("FUZZ_IMPORT_VERBOSE"))
        fprintf(stderr, "import rc %d: read %ld imported %ld, count %ld\n%s\n", rc, res.read,
                res.imported, before, cov_err_msg(&err));

    geo_import_result_release(&res); /* its notes; the counts stay */
    struct cov_err err2;
    cov_err_init(&err2);
    long after = geo_store_count(store, COV_ORGANIZATIONS, &err2);
    if (after < 0) {
        fprintf(stderr, "fuzz_import_csv: cannot count after import: %s\n", cov_err_msg(&err2));
        abort();
    }
    if (rc != 0 && after != before) {
        fprintf(stderr,
                "fuzz_import_csv: failed import (rc %d) changed the organization count %ld -> "
                "%ld\n%s\n",
                rc, before, after, cov_err_msg(&err));
        abort();
    }
    if (rc == 0 && after != res.imported) {
        fprintf(stderr,
                "fuzz_import_csv: import reported %ld rows imported but the layer holds %ld\n",
                res.imported, after);
        abort();
    }
    if (rc != 0 && err.count == 0) {
        fprintf(stderr, "fuzz_import_csv: import failed (rc %d) without a message\n", rc);
        abort();
    }
    cov_err_release(&err2);
    cov_err_release(&err);
    VSIUnlink(path);
    return 0;
}
