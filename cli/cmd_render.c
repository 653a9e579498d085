/* cmd_render.c - orgcover render: coverage, target and plan maps, and atlases. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../analysis/propose.h"
#include "../analysis/targets.h"
#include "../render/map.h"
#include "cli.h"

static const char synopsis[] =
    "orgcover [--db FILE] render -o FILE [--theme coverage|targets|plan] [--size SIZE] "
    "[--dpi N] [--title TEXT] [--area CODE|NAME] [--atlas district|street] [--lang zh|en]";

static void help(void)
{
    printf("Usage: %s\n"
           "\n"
           "Draw a map of the project to PNG, PDF or SVG (chosen by the extension of -o).\n"
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
           "Options:\n"
           "  -o FILE             output file: .png, .pdf or .svg (required)\n"
           "  --theme T           coverage, targets or plan\n"
           "  --size SIZE         A4, A3, A4-landscape (default), A3-landscape, or WxH pixels\n"
           "  --dpi N             PNG resolution (default 150)\n"
           "  --title TEXT        map title (default: per theme)\n"
           "  --area CODE|NAME    zoom to a district, street or community\n"
           "  --atlas LAYER       multi-page PDF: overview, then one page per district or street\n"
           "  --attribution TEXT  data credit line (default: the project's, if set)\n"
           "  --lang zh|en        language of title, legend and furniture (default zh)\n"
           "  -h, --help          this help\n",
           synopsis);
}

int cli_cmd_render(int argc, char **argv, struct cli_ctx *ctx)
{
    enum { O_THEME = 256, O_SIZE, O_DPI, O_TITLE, O_AREA, O_ATLAS, O_ATTR, O_LANG };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"theme", required_argument, NULL, O_THEME},
        {"size", required_argument, NULL, O_SIZE},
        {"dpi", required_argument, NULL, O_DPI},
        {"title", required_argument, NULL, O_TITLE},
        {"area", required_argument, NULL, O_AREA},
        {"atlas", required_argument, NULL, O_ATLAS},
        {"attribution", required_argument, NULL, O_ATTR},
        {"lang", required_argument, NULL, O_LANG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct map_opts mo;
    map_opts_init(&mo);
    struct cov_err err;
    cov_err_init(&err);
    const char *area = NULL, *attribution = NULL;
    int atlas = -1, c;
    long dpi;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            mo.path = optarg;
            break;
        case O_THEME:
            if (map_theme_parse(optarg, &mo.theme, &err))
                goto usage;
            break;
        case O_SIZE:
            if (map_size_parse(optarg, &mo, &err))
                goto usage;
            break;
        case O_DPI:
            if (cli_parse_long(optarg, 30, 1200, &dpi)) {
                cov_err_set(&err, COV_EINPUT, "--dpi: '%s' (expected a whole number, 30 to 1200)",
                            optarg);
                goto usage;
            }
            mo.dpi = (double)dpi;
            break;
        case O_TITLE:
            mo.title = optarg;
            break;
        case O_AREA:
            area = optarg;
            break;
        case O_ATLAS:
            atlas = cov_layer_find(optarg);
            if (atlas != COV_DISTRICTS && atlas != COV_STREETS) {
                cov_err_set(&err, COV_EINPUT, "--atlas: '%s' (expected district or street)",
                            optarg);
                goto usage;
            }
            break;
        case O_ATTR:
            attribution = optarg;
            break;
        case O_LANG:
            if (strcmp(optarg, "zh") && strcmp(optarg, "en")) {
                cov_err_set(&err, COV_EINPUT, "--lang: '%s' (expected zh or en)", optarg);
                goto usage;
            }
            ctx->lang = !strcmp(optarg, "en") ? CLI_LANG_EN : CLI_LANG_ZH;
            break;
        case 'h':
            help();
            cov_err_release(&err);
            return CLI_EXIT_OK;
        default:
            cov_err_set(&err, COV_EINPUT, "bad option");
            goto usage;
        }
    }
    if (optind < argc) {
        cov_err_set(&err, COV_EINPUT, "unexpected argument '%s'", argv[optind]);
        goto usage;
    }
    if (!mo.path) {
        cov_err_set(&err, COV_EINPUT, "-o FILE is required (.png, .pdf or .svg)");
        goto usage;
    }
    const char *dot = strrchr(mo.path, '.');
    if (!dot || (strcasecmp(dot, ".png") && strcasecmp(dot, ".pdf") && strcasecmp(dot, ".svg"))) {
        cov_err_set(&err, COV_EINPUT, "-o %s: unknown extension (expected .png, .pdf or .svg)",
                    mo.path);
        goto usage;
    }
    if (atlas >= 0 && strcasecmp(dot, ".pdf")) {
        cov_err_set(&err, COV_EINPUT, "--atlas writes a multi-page PDF: -o must end in .pdf");
        goto usage;
    }
    mo.lang_en = ctx->lang == CLI_LANG_EN;

    struct cov_model *m = NULL;
    struct cov_targets tg = {0};
    struct cov_plan *plan = NULL;
    char *meta_attr = NULL, *meta_date = NULL;
    int exit_code = cli_load_model(ctx, GEO_ALL_LAYERS, &m);
    if (exit_code) {
        cov_err_release(&err);
        return exit_code;
    }
    int rc = COV_OK;
    if (area) {
        for (int l = COV_DISTRICTS; l <= COV_COMMUNITIES && mo.area < 0; l++) {
            mo.area = cov_model_find_area(m, (enum cov_layer)l, area);
            mo.area_layer = l;
        }
        if (mo.area < 0) { /* a bad value: usage, exit 2 */
            cov_err_set(&err, COV_EINPUT,
                        "--area: no district, street or community has code or name '%s'", area);
            cov_model_free(m);
            goto usage;
        }
    }
    meta_attr = geo_store_meta_get(ctx->store, "attribution");
    meta_date = geo_store_meta_get(ctx->store, "data_date");
    mo.attribution = attribution ? attribution : meta_attr;
    mo.data_date = meta_date;
    if (mo.theme == MAP_THEME_TARGETS && (rc = cov_targets_compute(m, &tg, &err)))
        goto cleanup;
    mo.targets = &tg;
    if (mo.theme == MAP_THEME_PLAN) {
        int saved;
        if ((rc = cli_plan_get(ctx, m, &plan, &saved, &err)))
            goto cleanup;
        mo.plan = plan;
    }
    rc = cli_render_file(ctx, m, atlas, &mo, &err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, "%s render: wrote %s\n", ctx->prog, mo.path);
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    cov_targets_release(&tg);
    cov_plan_free(plan);
    free(meta_attr);
    free(meta_date);
    cov_model_free(m);
    return cli_exit_for(rc);
usage:
    cli_usage_error(ctx, synopsis, "%s", cov_err_msg(&err));
    cov_err_release(&err);
    return CLI_EXIT_USAGE;
}
