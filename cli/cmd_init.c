/* cmd_init.c - orgcover init: create a project store, optionally fixing its CRS. */
#include <string.h>
#include <unistd.h>

#include "../analysis/i18n.h"
#include "../geodata/crs.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] init [--crs EPSG:N]",
    .about = N_("Create an empty project store (a SpatiaLite file; default ./orgcover.sqlite,\n"
                "or --db FILE, or $ORGCOVER_DB).\n"),
    .notes = N_("'orgcover import' creates the store too when it does not exist yet.\n"),
};

int cli_cmd_init(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *crs = NULL;
    struct cli_args args;
    int ec;
    const struct cli_option opts[] = {
        CLI_OPT_STRING(0, "crs", "EPSG:N", &crs,
                       N_("the project's projected CRS in metres. Without it the first import "
                          "chooses one: the CGCS2000 3-degree Gauss-Krüger zone (EPSG:4534-4554) "
                          "covering the data's centre inside China, UTM elsewhere.")),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse(ctx, &usage, opts, &args, argc, argv)) != CLI_GO)
        return ec;

    struct cov_err err;
    cov_err_init(&err);
    struct geo_store *s = NULL;
    int rc = COV_OK, epsg = 0;
    char name[256] = "";
    if (crs && (rc = geo_crs_parse_projected(crs, &epsg, name, sizeof(name), &err)))
        goto cleanup;
    if (access(ctx->db_path, F_OK) == 0) {
        rc = cov_err_set(&err, COV_EFAIL,
                         _("%s: a project store already exists here (choose another with --db)"),
                         ctx->db_path);
        goto cleanup;
    }
    if ((rc = geo_store_open(ctx->db_path, 1, &s, &err)))
        goto cleanup;
    if (epsg && (rc = geo_store_set_srid(s, epsg, &err)))
        goto cleanup;
    printf(_("created project store %s\n"), ctx->db_path);
    if (epsg)
        printf(_("project CRS: EPSG:%d (%s)\n"), epsg, name);
    else
        printf("%s", _("project CRS: chosen from the first imported layer\n"));
cleanup:
    geo_store_close(s);
    if (rc && s)
        unlink(ctx->db_path); /* never leave a half-initialised store behind */
    cli_report(ctx, &err);
    cov_err_release(&err);
    return cli_exit_for(rc);
}
