/* cmd_import.c - orgcover import LAYER SOURCE: one layer into the project store. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../geodata/crs.h"
#include "../analysis/place.h"
#include "../geodata/import.h"
#include "../analysis/i18n.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] import LAYER SOURCE [--src-layer NAME] [--s-srs SRS] "
                "[--encoding ENC] [--header-row N] [--field CANONICAL=SOURCE]... "
                "[--skip-invalid] [--rejects FILE] [--replace|--append|--update]",
    .about =
        N_("Import one layer into the project store, in one transaction: on any error\n"
           "nothing is written and every problem is listed as\n"
           "  FILE:row N: column \"C\": what is wrong (what was expected)\n"
           "\n"
           "LAYER   districts, streets, communities, parks, buildings or organizations\n"
           "SOURCE  anything GDAL/OGR opens: Shapefile, GeoPackage, GeoJSON, CSV, TSV, XLSX,\n"
           "        XLS or ODS, or a PostGIS connection 'PG:dbname=...'\n"
           "\n"
           "Organizations need no coordinates: a register with 住所/地址, 所属社区 or 所属街道\n"
           "columns, or only credit codes, is placed to the community, street or district\n"
           "they name (import the districts, streets and communities first). Tables may\n"
           "have title rows above the header and notes rows below the records; every\n"
           "sheet of a workbook is imported.\n"),
    .notes =
        N_("Exit status: 0 imported, 1 failure, 2 usage error, 4 the data failed validation.\n"),
    .min_args = 2,
    .max_args = 2,
    .args_error = N_("expected LAYER and SOURCE"),
};

/* --field CANONICAL=SOURCE, repeatable: appended to the list o->value points to. */
struct field_list {
    const char **v; /* room for every argument */
    size_t n;
};

static int add_field(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    struct field_list *fl = o->value;
    if (!strchr(arg, '=') || arg[0] == '=')
        return cli_opt_error(p, _("--field '%s': expected CANONICAL=SOURCE_COLUMN"), arg);
    fl->v[fl->n++] = arg;
    return CLI_GO;
}

int cli_cmd_import(int argc, char **argv, struct cli_ctx *ctx)
{
    struct geo_import_opts o = {0};
    struct geo_import_result res = {0};
    struct field_list fields = {calloc((size_t)argc + 1, sizeof(*fields.v)), 0};
    struct cov_err err;
    cov_err_init(&err);
    int rc = COV_OK, exit_code = CLI_EXIT_OK;
    if (!fields.v)
        return CLI_EXIT_FAIL;
    int replace = 0, append = 0, update = 0;
    const struct cli_option opts[] = {
        CLI_OPT_STRING(0, "src-layer", "NAME", &o.src_layer,
                       N_("layer of a multi-layer source, or one sheet of a workbook (default: the "
                          "first layer; every sheet)")),
        CLI_OPT_INT(0, "header-row", "N", &o.header_row, 1, 20,
                    N_("expected a row number from 1 to 20"),
                    N_("the header is row N of the table (default: found in the first 20 rows)")),
        CLI_OPT_STRING(0, "s-srs", "SRS", &o.s_srs,
                       N_("coordinates of the source: EPSG:N, GCJ02 (AMap, Tencent), BD09 (Baidu), "
                          "or any PROJ string. Default: the CRS the source declares; EPSG:4326 for "
                          "lon/lat tables")),
        CLI_OPT_STRING(0, "encoding", "ENC", &o.encoding,
                       N_("text encoding (UTF-8, GB18030, GBK); default: detected")),
        CLI_OPT_CALLBACK(
            0, "field", "CANONICAL=COL", &fields, add_field,
            N_("read canonical field CANONICAL from column COL (repeatable; fields and "
               "aliases: docs/FORMATS.md)")),
        CLI_OPT_FLAG(0, "skip-invalid", &o.skip_invalid,
                     N_("import the valid rows; write the others with their reasons to a CSV next "
                        "to the store")),
        CLI_OPT_STRING(0, "rejects", "FILE", &o.rejects_path,
                       N_("where --skip-invalid writes the rejected rows")),
        CLI_OPT_FLAG(0, "replace", &replace, N_("replace the layer's rows")),
        CLI_OPT_FLAG(0, "append", &append, N_("add to the layer's rows")),
        CLI_OPT_FLAG(0, "update", &update,
                     N_("organizations: change the given fields (e.g. 经度/纬度 from a geocoding "
                        "service) of the rows with these ids; empty cells change nothing, unknown "
                        "ids are listed")),
        CLI_OPT_END(),
    };
    struct cli_args args;
    int pc = cli_parse(ctx, &usage, opts, &args, argc, argv);
    if (pc != CLI_GO) {
        exit_code = pc;
        goto done;
    }
    o.fields = fields.v;
    o.n_fields = fields.n;
    if (replace + append + update > 1) {
        exit_code = cli_usage_error(ctx, usage.synopsis,
                                    _("--replace, --append and --update exclude each other"));
        goto done;
    }
    if (o.rejects_path && !o.skip_invalid) {
        exit_code =
            cli_usage_error(ctx, usage.synopsis, _("--rejects only applies with --skip-invalid"));
        goto done;
    }
    o.mode = replace  ? GEO_IMPORT_REPLACE
             : append ? GEO_IMPORT_APPEND
             : update ? GEO_IMPORT_UPDATE
                      : GEO_IMPORT_NEW;
    int layer = cov_layer_find(args.pos[0]);
    if (layer < 0) {
        exit_code = cli_usage_error(ctx, usage.synopsis,
                                    _("'%s' is not a layer (expected districts, streets, "
                                      "communities, parks, buildings or organizations)"),
                                    args.pos[0]);
        goto done;
    }
    const char *source = args.pos[1];
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
            fprintf(stderr, _("%s import: %ld problems; nothing was imported\n"), ctx->prog,
                    res.problems);
        else
            fprintf(stderr, _("%s import: nothing was imported\n"), ctx->prog);
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
        printf(_("updated %ld organizations from %s in %s\n"), res.updated, source, ctx->db_path);
    else
        printf(_("imported %ld %s from %s into %s\n"), res.imported,
               ctx->lang == COV_LANG_ZH ? cov_label_layer(layer, COV_LANG_ZH)
                                        : cov_layer_name(layer),
               source, ctx->db_path);
    if (res.unknown_ids)
        printf(_("%ld rows name ids that are not in the store (listed above)\n"), res.unknown_ids);
    if (res.placed_known)
        printf(_("placed: %ld by coordinates, %ld to a community, %ld to a street, %ld to a "
                 "district only, %ld nowhere\n"),
               res.placed[COV_PLACED_POINT], res.placed[COV_PLACED_COMMUNITY],
               res.placed[COV_PLACED_STREET], res.placed[COV_PLACED_DISTRICT],
               res.placed[COV_PLACED_NONE]);
    if (res.rejected)
        printf(_("rejected %ld rows (reasons in %s)\n"), res.rejected, res.rejects_path);
    if (res.repaired)
        printf(_("repaired %ld invalid geometries\n"), res.repaired);
    if (res.srid_chosen) {
        char name[256];
        geo_crs_name(res.srid, name, sizeof(name));
        printf(_("project CRS chosen from the data: EPSG:%d (%s)\n"), res.srid, name);
    }
done:
    geo_import_result_release(&res);
    cov_err_release(&err);
    free(fields.v);
    return exit_code;
}
