/* cmd_render.c - orgcover render: coverage, target and plan maps, and atlases. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../analysis/areasel.h"
#include "../analysis/i18n.h"
#include "../analysis/propose.h"
#include "../analysis/targets.h"
#include "../render/map.h"
#include "cli.h"

static const struct cli_usage usage = {
    .geometry = 1,
    .synopsis = "orgcover [--db FILE] render -o FILE [--theme coverage|targets|plan [--replan]] "
                "[--size SIZE] [--dpi N] [--title TEXT] [--area CODE|NAME] [--district X] "
                "[--street X] [--community X] [--atlas district|street] "
                "[--attribution TEXT] [--lang zh|en]",
    .about = N_("Draw a map of the project to PNG, PDF or SVG (chosen by the extension of -o).\n"
                "\n"
                "Themes:\n"
                "  coverage   (default) organizations coloured by coverage status, over\n"
                "             district and street boundaries and communities shaded urban/rural\n"
                "  targets    communities coloured by the community-organization target (met,\n"
                "             short by 1, short by 2 or more), the rate targets in a panel\n"
                "  plan       the branch plan saved by 'orgcover propose --save', or one made\n"
                "             with the policy's defaults:\n"
                "             joint branches as members linked to the medoid, regional branches\n"
                "             on their park or building, standalone candidates marked\n"
                "\n"
                "--area, --district, --street and --community zoom to one area: --area names\n"
                "a district, street or community (inside those the others name), else the\n"
                "narrowest of the others is the area. With --atlas the pages are those of the\n"
                "districts or streets inside the area (the overview shows the area).\n"),
};

/* --theme and --size (o->min: which) by the render layer's parsers, whose
 * message becomes the usage error. */
enum { MAP_OPT_THEME, MAP_OPT_SIZE };
static int set_map_opt(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    struct map_opts *mo = o->value;
    struct cov_err err;
    cov_err_init(&err);
    int bad = o->min == MAP_OPT_SIZE ? map_size_parse(arg, mo, &err)
                                     : map_theme_parse(arg, &mo->theme, &err);
    int rc = bad ? cli_opt_error(p, "%s", cov_err_msg(&err)) : CLI_GO;
    cov_err_release(&err);
    return rc;
}

static int set_atlas(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    int l = cov_layer_find(arg);
    if (l != COV_DISTRICTS && l != COV_STREETS)
        return cli_opt_error(p, _("--atlas: '%s' (expected district or street)"), arg);
    *(int *)o->value = l;
    return CLI_GO;
}

int cli_cmd_render(int argc, char **argv, struct cli_ctx *ctx)
{
    struct map_opts mo;
    map_opts_init(&mo);
    const char *area = NULL, *attribution = NULL;
    int atlas = -1, dpi = 0;
    struct cli_args args;
    int ec;
    const struct cli_option opts[] = {
        CLI_OPT_INCLUDE(cli_opts_output_map, N_("required")),
        CLI_OPT_CALLBACK_DATA(0, "theme", "T", &mo, set_map_opt, MAP_OPT_THEME,
                              N_("coverage, targets or plan")),
        CLI_OPT_CALLBACK_DATA(0, "size", "SIZE", &mo, set_map_opt, MAP_OPT_SIZE,
                              N_("A4, A3, A4-landscape (default), A3-landscape, or WxH pixels")),
        CLI_OPT_INT(0, "dpi", "N", &dpi, 30, 1200, N_("expected a whole number, 30 to 1200"),
                    N_("PNG resolution (default 150)")),
        CLI_OPT_STRING(0, "title", "TEXT", &mo.title, N_("map title (default: per theme)")),
        CLI_OPT_STRING(0, "area", "CODE|NAME", &area,
                       N_("zoom to a district, street or community (name with or without suffix)")),
        CLI_OPT_INCLUDE(cli_opts_area, NULL),
        CLI_OPT_CALLBACK(0, "atlas", "LAYER", &atlas, set_atlas,
                         N_("multi-page PDF: overview, then one page per district or street")),
        CLI_OPT_STRING(0, "attribution", "TEXT", &attribution,
                       N_("data credit line (default: the project's, if set)")),
        CLI_OPT_INCLUDE(cli_opts_replan, N_("with --theme plan")),
        CLI_OPT_INCLUDE(cli_opts_lang, NULL),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse(ctx, &usage, opts, &args, argc, argv)) != CLI_GO)
        return ec;
    if (dpi)
        mo.dpi = dpi;
    mo.path = args.out;
    if (!mo.path)
        return cli_usage_error(ctx, usage.synopsis, _("-o FILE is required (.png, .pdf or .svg)"));
    if (atlas >= 0 && strcasecmp(strrchr(mo.path, '.'), ".pdf"))
        return cli_usage_error(ctx, usage.synopsis,
                               _("--atlas writes a multi-page PDF: -o must end in .pdf"));
    if (args.replan && mo.theme != MAP_THEME_PLAN)
        return cli_usage_error(ctx, usage.synopsis, _("--replan only applies with --theme plan"));
    mo.lang_en = ctx->lang == COV_LANG_EN;

    struct cov_model *m = NULL;
    if ((ec = cli_load_model_areas(ctx, &usage, &args, &m)) != CLI_GO)
        return ec;
    struct cov_err err;
    cov_err_init(&err);
    int rc = COV_OK;
    struct cov_targets tg = {0};
    struct cov_plan *plan = NULL;
    char *meta_attr = geo_store_meta_get(ctx->store, "attribution");
    char *meta_date = geo_store_meta_get(ctx->store, "data_date");
    /* The zoom area: --area (inside the others), else the narrowest of the others. */
    long chosen[3] = {args.area_idx[0], args.area_idx[1], args.area_idx[2]};
    if (area) {
        int layer;
        long idx;
        if ((ec = cli_find_area(ctx, &usage, m, &args, "--area", area, &layer, &idx)) != CLI_GO)
            goto cleanup; /* reported */
        mo.area_layer = layer;
        mo.area = idx;
        chosen[layer] = idx;
    } else {
        for (int l = COV_DISTRICTS; l <= COV_COMMUNITIES; l++)
            if (chosen[l] >= 0) {
                mo.area_layer = l;
                mo.area = chosen[l];
            }
    }
    if (atlas >= 0 && mo.area >= 0) { /* the pages of the areas inside the zoom area */
        if ((rc = cov_areasel_choose(args.sel, chosen, &err)))
            goto cleanup;
        mo.atlas_pages = cov_areasel_mask(args.sel, atlas);
    }
    mo.attribution = attribution ? attribution : meta_attr;
    mo.data_date = meta_date;
    if (mo.theme == MAP_THEME_TARGETS && (rc = cov_targets_compute(m, &tg, &err)))
        goto cleanup;
    mo.targets = &tg;
    if (mo.theme == MAP_THEME_PLAN) {
        int saved;
        if ((rc = cli_plan_get(ctx, m, args.replan, &plan, &saved, &err)))
            goto cleanup;
        mo.plan = plan;
    }
    rc = cli_render_file(ctx, m, atlas, &mo, &err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, _("%s render: wrote %s\n"), ctx->prog, mo.path);
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    cov_targets_release(&tg);
    cov_plan_free(plan);
    free(meta_attr);
    free(meta_date);
    cli_args_release(&args);
    cov_model_free(m);
    return ec != CLI_GO ? ec : cli_exit_for(rc);
}
