/* cmd_import.c - orgcover import LAYER SOURCE: one layer into the project store. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../geodata/crs.h"
#include "../analysis/place.h"
#include "../geodata/import.h"
#include "cli.h"

static const char synopsis[] =
    "orgcover [--db FILE] import LAYER SOURCE [--src-layer NAME] [--s-srs SRS] "
    "[--encoding ENC] [--header-row N] [--field CANONICAL=SOURCE]... [--skip-invalid] "
    "[--replace|--append|--update]";

static void help(void)
{
    printf("Usage: %s\n"
           "\n"
           "Import one layer into the project store, in one transaction: on any error\n"
           "nothing is written and every problem is listed as\n"
           "  FILE:row N: field: what is wrong (what was expected)\n"
           "\n"
           "LAYER   districts, streets, communities, parks, buildings or organizations\n"
           "SOURCE  anything GDAL/OGR opens: Shapefile, GeoPackage, GeoJSON, CSV, TSV, XLSX,\n"
           "        XLS or ODS, or a PostGIS connection 'PG:dbname=...'\n"
           "\n"
           "Organizations need no coordinates: a register with 住所/地址, 所属社区 or 所属街道\n"
           "columns, or only credit codes, is placed to the community, street or district\n"
           "they name (import the districts, streets and communities first). Tables may\n"
           "have title rows above the header and notes rows below the records; every\n"
           "sheet of a workbook is imported.\n"
           "\n"
           "Options:\n"
           "  --src-layer NAME        layer of a multi-layer source, or one sheet of a\n"
           "                          workbook (default: the first layer; every sheet)\n"
           "  --header-row N          the header is row N of the table (default: found in\n"
           "                          the first 20 rows)\n"
           "  --s-srs SRS             coordinates of the source: EPSG:N, GCJ02 (AMap, Tencent),\n"
           "                          BD09 (Baidu), or any PROJ string. Default: the CRS the\n"
           "                          source declares; EPSG:4326 for lon/lat tables\n"
           "  --encoding ENC          text encoding (UTF-8, GB18030, GBK); default: detected\n"
           "  --field CANONICAL=COL   read canonical field CANONICAL from column COL\n"
           "                          (repeatable; fields and aliases: docs/FORMATS.md)\n"
           "  --skip-invalid          import the valid rows; write the others with their\n"
           "                          reasons to a CSV next to the store\n"
           "  --rejects FILE          where --skip-invalid writes the rejected rows\n"
           "  --replace               replace the layer's rows\n"
           "  --append                add to the layer's rows\n"
           "  --update                organizations: change the given fields (e.g. 经度/纬度\n"
           "                          from a geocoding service) of the rows with these ids;\n"
           "                          empty cells change nothing, unknown ids are listed\n"
           "  -h, --help              this help\n"
           "\n"
           "Exit status: 0 imported, 1 failure, 2 usage error, 4 the data failed validation.\n",
           synopsis);
}

int cli_cmd_import(int argc, char **argv, struct cli_ctx *ctx)
{
    enum {
        O_SRC_LAYER = 256,
        O_S_SRS,
        O_ENCODING,
        O_FIELD,
        O_SKIP,
        O_REJECTS,
        O_REPLACE,
        O_APPEND,
        O_UPDATE,
        O_HEADER_ROW
    };
    static const struct option opts[] = {
        {"src-layer", required_argument, NULL, O_SRC_LAYER},
        {"s-srs", required_argument, NULL, O_S_SRS},
        {"encoding", required_argument, NULL, O_ENCODING},
        {"field", required_argument, NULL, O_FIELD},
        {"skip-invalid", no_argument, NULL, O_SKIP},
        {"rejects", required_argument, NULL, O_REJECTS},
        {"replace", no_argument, NULL, O_REPLACE},
        {"append", no_argument, NULL, O_APPEND},
        {"update", no_argument, NULL, O_UPDATE},
        {"header-row", required_argument, NULL, O_HEADER_ROW},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct geo_import_opts o = {0};
    struct geo_import_result res = {0};
    const char **fields = calloc((size_t)argc + 1, sizeof(*fields));
    struct cov_err err;
    cov_err_init(&err);
    int rc = COV_OK, exit_code = CLI_EXIT_OK, c;
    if (!fields)
        return CLI_EXIT_FAIL;
    o.fields = fields;
    o.mode = GEO_IMPORT_NEW;
    int replace = 0, append = 0, update = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_SRC_LAYER:
            o.src_layer = optarg;
            break;
        case O_S_SRS:
            o.s_srs = optarg;
            break;
        case O_ENCODING:
            o.encoding = optarg;
            break;
        case O_FIELD:
            if (!strchr(optarg, '=') || optarg[0] == '=') {
                exit_code = cli_usage_error(
                    ctx, synopsis, "--field '%s': expected CANONICAL=SOURCE_COLUMN", optarg);
                goto done;
            }
            fields[o.n_fields++] = optarg;
            break;
        case O_SKIP:
            o.skip_invalid = 1;
            break;
        case O_REJECTS:
            o.rejects_path = optarg;
            break;
        case O_REPLACE:
            replace = 1;
            break;
        case O_APPEND:
            append = 1;
            break;
        case O_UPDATE:
            update = 1;
            break;
        case O_HEADER_ROW: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || v < 1 || v > 20) {
                exit_code = cli_usage_error(
                    ctx, synopsis, "--header-row '%s': expected a row number from 1 to 20", optarg);
                goto done;
            }
            o.header_row = (int)v;
            break;
        }
        case 'h':
            help();
            goto done;
        default:
            exit_code = cli_usage_error(ctx, synopsis, "bad option");
            goto done;
        }
    }
    if (replace + append + update > 1) {
        exit_code =
            cli_usage_error(ctx, synopsis, "--replace, --append and --update exclude each other");
        goto done;
    }
    o.mode = replace  ? GEO_IMPORT_REPLACE
             : append ? GEO_IMPORT_APPEND
             : update ? GEO_IMPORT_UPDATE
                      : GEO_IMPORT_NEW;
    if (argc - optind != 2) {
        exit_code = cli_usage_error(ctx, synopsis, "expected LAYER and SOURCE");
        goto done;
    }
    int layer = cov_layer_find(argv[optind]);
    if (layer < 0) {
        exit_code = cli_usage_error(ctx, synopsis,
                                    "'%s' is not a layer (expected districts, streets, "
                                    "communities, parks, buildings or organizations)",
                                    argv[optind]);
        goto done;
    }
    const char *source = argv[optind + 1];
    if ((exit_code = cli_open_store(ctx)))
        goto done;
    o.progress = cli_progress;
    o.progress_user = ctx;

    rc = geo_import(ctx->store, (enum cov_layer)layer, source, &o, &res, &err);
    if (res.notes && !ctx->quiet)
        fprintf(stderr, "%s", res.notes);
    cli_report(ctx, &err);
    if (rc) {
        if (res.problems > 1)
            fprintf(stderr, "%s import: %ld problems; nothing was imported\n", ctx->prog,
                    res.problems);
        else
            fprintf(stderr, "%s import: nothing was imported\n", ctx->prog);
        exit_code = cli_exit_for(rc);
        if (ctx->store_created) {
            /* The store was created for this import only: leave no empty file behind. */
            geo_store_close(ctx->store);
            ctx->store = NULL;
            unlink(ctx->db_path);
        }
        goto done;
    }
    if (update)
        printf("updated %ld organizations from %s in %s\n", res.updated, source, ctx->db_path);
    else
        printf("imported %ld %s from %s into %s\n", res.imported, cov_layer_name(layer), source,
               ctx->db_path);
    if (res.unknown_ids)
        printf("%ld rows name ids that are not in the store (listed above)\n", res.unknown_ids);
    if (res.placed_known)
        printf("placed: %ld by coordinates, %ld to a community, %ld to a street, %ld to a "
               "district only, %ld nowhere\n",
               res.placed[COV_PLACED_POINT], res.placed[COV_PLACED_COMMUNITY],
               res.placed[COV_PLACED_STREET], res.placed[COV_PLACED_DISTRICT],
               res.placed[COV_PLACED_NONE]);
    if (res.rejected)
        printf("rejected %ld rows (reasons in %s)\n", res.rejected, res.rejects_path);
    if (res.repaired)
        printf("repaired %ld invalid geometries\n", res.repaired);
    if (res.srid_chosen) {
        char name[256];
        geo_crs_name(res.srid, name, sizeof(name));
        printf("project CRS chosen from the data: EPSG:%d (%s)\n", res.srid, name);
    }
done:
    geo_import_result_release(&res);
    cov_err_release(&err);
    free(fields);
    return exit_code;
}
