/*
 * fuzz_import_geo.c - libFuzzer harness for geo_import() of a GeoJSON or an
 * XLSX file (GDAL's GeoJSON and XLSX readers as the importer drives them,
 * column mapping, value and geometry checks, the store transaction) and for
 * geo_zip_check() on every XLSX input.
 *
 * The first byte picks the case: bit 0 the format (0 GeoJSON, 1 XLSX), bit 1
 * the layer (0 organizations, 1 communities); the rest is the file, written
 * to /vsimem/x.geojson or /vsimem/x.xlsx. An XLSX that geo_zip_check refuses
 * is not imported (as the importer will do). Invariants as in
 * fuzz_import_csv.c: a failed import leaves the layer's count unchanged and
 * has a message; a successful one holds exactly the imported rows.
 * Run with -max_len=16384 (the fuzz.mk targets do: an XLSX is a few KB).
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
#include "../../geodata/zipguard.h"

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
    snprintf(dir, sizeof(dir), "%s/orgcover-fuzz-geo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(db, sizeof(db), "%s/store.sqlite", dir);
    struct cov_err err;
    cov_err_init(&err);
    if (geo_store_open(db, 1, &store, &err)) {
        fprintf(stderr, "fuzz_import_geo: cannot create store %s: %s\n", db, cov_err_msg(&err));
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
    if (size < 1 || size > 16384)
        return 0;
    int xlsx = data[0] & 1;
    enum cov_layer layer = (data[0] & 2) ? COV_COMMUNITIES : COV_ORGANIZATIONS;
    data++;
    size--;
    const char *path = xlsx ? "/vsimem/x.xlsx" : "/vsimem/x.geojson";
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
    if (xlsx && geo_zip_check(path, NULL, &err)) {
        if (err.count == 0) {
            fprintf(stderr, "fuzz_import_geo: zip check failed without a message\n");
            abort();
        }
        cov_err_release(&err);
        VSIUnlink(path);
        return 0;
    }
    long before = geo_store_count(store, layer, &err);
    if (before < 0) {
        fprintf(stderr, "fuzz_import_geo: cannot count: %s\n", cov_err_msg(&err));
        abort();
    }
    cov_err_clear(&err);

    struct geo_import_opts o;
    memset(&o, 0, sizeof(o));
    o.mode = GEO_IMPORT_REPLACE;
    struct geo_import_result res;
    int rc = geo_import(store, layer, path, &o, &res, &err);

    if (getenv("FUZZ_IMPORT_VERBOSE"))
        fprintf(stderr, "import rc %d: read %ld imported %ld, count %ld\n%s\n", rc, res.read,
                res.imported, before, cov_err_msg(&err));

    geo_import_result_release(&res); /* its notes; the counts stay */
    struct cov_err err2;
    cov_err_init(&err2);
    long after = geo_store_count(store, layer, &err2);
    if (after < 0) {
        fprintf(stderr, "fuzz_import_geo: cannot count after import: %s\n", cov_err_msg(&err2));
        abort();
    }
    if (rc != 0 && after != before) {
        fprintf(stderr,
                "fuzz_import_geo: failed import (rc %d) changed the organization count %ld -> "
                "%ld\n%s\n",
                rc, before, after, cov_err_msg(&err));
        abort();
    }
    if (rc == 0 && after != res.imported) {
        fprintf(stderr,
                "fuzz_import_geo: import reported %ld rows imported but the layer holds %ld\n",
                res.imported, after);
        abort();
    }
    if (rc != 0 && err.count == 0) {
        fprintf(stderr, "fuzz_import_geo: import failed (rc %d) without a message\n", rc);
        abort();
    }
    cov_err_release(&err2);
    cov_err_release(&err);
    VSIUnlink(path);
    return 0;
}
