/* cmd_targets.c - orgcover targets: the policy's targets, met or missed. */
#include <math.h>
#include <string.h>

#include "../analysis/areasel.h"
#include "../analysis/i18n.h"
#include "../analysis/targets.h"
#include "../geodata/export.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] targets [--district X] [--street X] [--community X] "
                "[--failing] [--strict] [--format table|csv|json] [-o FILE]",
    .about = N_("Check the policy's targets: organization coverage rate (clause 4, >= 90%),\n"
                "standalone formation rate (clause 4, 100%), community social organizations\n"
                "per urban community (clause 11, >= 5) and per rural community (>= 2).\n"
                "These are the policy's values; the project's own are its policy parameters\n"
                "('orgcover policy'), and the report shows those.\n"
                "\n"
                "With --district, --street or --community the rates count the organizations\n"
                "of that area and the community list holds its communities only.\n"),
    .counts_only = 1,
};

static int is_rate(int target)
{
    return target == COV_T_COVERAGE_RATE || target == COV_T_STANDALONE_RATE;
}

void cli_targets_write(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m,
                       const struct cov_areasel *sel, const struct cov_targets *tg, int fmt,
                       int failing)
{
    int zh = ctx->lang == COV_LANG_ZH;
    char label[128];
    const struct cov_area *comms = m->areas[COV_COMMUNITIES];
    struct cov_areasel *own = sel ? NULL : cov_areasel_new(m);
    if (!sel)
        sel = own; /* NULL when out of memory: the district and street columns stay empty */

    if (fmt == CLI_FMT_JSON) {
        fprintf(f, "{\"targets\": [");
        for (int i = 0; i < COV_T_COUNT; i++) {
            fprintf(f, "%s\n  {\"id\": \"%s\", \"value\": ", i ? "," : "", tg->targets[i].id);
            cli_json_num(f, tg->targets[i].value);
            fprintf(f, ", \"threshold\": ");
            cli_json_num(f, tg->targets[i].threshold);
            fprintf(f, ", \"met\": %s}", tg->targets[i].met ? "true" : "false");
        }
        fprintf(f, "\n], \"communities\": [");
        int first = 1;
        struct cli_jline j = {0};
        for (size_t i = 0; i < tg->n_communities; i++) {
            const struct cov_community_check *k = &tg->communities[i];
            if (failing && k->met)
                continue;
            const struct cov_area *a = &comms[k->community];
            cli_jline_raw(&j, first ? "\n  {\"code\": " : ",\n  {\"code\": ");
            first = 0;
            cli_jline_str(&j, a->code);
            cli_jline_raw(&j, ", \"name\": ");
            cli_jline_str(&j, a->name);
            cli_jline_raw(&j, k->ur == COV_UR_URBAN   ? ", \"type\": \"urban\""
                              : k->ur == COV_UR_RURAL ? ", \"type\": \"rural\""
                                                      : ", \"type\": null");
            cli_jline_kv_int(&j, "community_orgs", k->community_orgs);
            cli_jline_kv_int(&j, "required", k->required);
            cli_jline_raw(&j, k->met ? ", \"met\": true" : ", \"met\": false");
            cli_jline_kv_int(&j, "shortfall", k->shortfall);
            struct cli_parents pa; /* where it lies, after the figures older readers expect */
            cli_parents_get(m, sel, COV_COMMUNITIES, k->community, &pa);
            cli_jline_kv(&j, "district_code", pa.district_code);
            cli_jline_kv(&j, "district_name", pa.district_name);
            cli_jline_kv(&j, "street_code", pa.street_code);
            cli_jline_kv(&j, "street_name", pa.street_name);
            cli_jline_raw(&j, "}");
            cli_jline_flush_at(&j, f, 1 << 16);
        }
        cli_jline_flush(&j, f);
        cli_jline_release(&j);
        fprintf(f, "\n]}\n");
    } else {
        if (fmt == CLI_FMT_TABLE) {
            static const char *const hz[] = {"目标", "实际", "要求", "结果"};
            static const char *const he[] = {"target", "value", "threshold", "result"};
            static const int right[] = {0, 1, 1, 0};
            struct cli_table t;
            cli_table_init(&t, 4, zh ? hz : he, right);
            for (int i = 0; i < COV_T_COUNT; i++) {
                const struct cov_target *x = &tg->targets[i];
                char v[32], th[32];
                if (is_rate(i)) {
                    cli_pct(v, sizeof(v), x->value);
                    cli_pct(th, sizeof(th), x->threshold);
                } else {
                    snprintf(v, sizeof(v), "%.0f", x->value);
                    snprintf(th, sizeof(th), "%.0f", x->threshold);
                }
                const char *cells[] = {
                    cov_label_target(i, &m->policy, ctx->lang, label, sizeof(label)), v, th,
                    x->met ? (zh ? "达标" : "met") : (zh ? "未达标" : "MISSED")};
                cli_table_add(&t, cells);
            }
            cli_table_print(&t, f, fmt);
            cli_table_release(&t);
            fprintf(f, "\n");
        }
        /* Where each community lies: names on the terminal, codes and names in csv. */
        static const char *const hz[] = {"县区代码", "县区",     "街道代码", "街道/乡镇",
                                         "社区代码", "社区名称", "类型",     "社区社会组织",
                                         "要求",     "缺口"};
        static const char *const he[] = {
            "district_code", "district_name", "street_code",    "street_name", "code",
            "name",          "type",          "community_orgs", "required",    "shortfall"};
        static const int right[] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
        static const char *const hz_table[] = {"县区", "街道/乡镇",    "社区代码", "社区名称",
                                               "类型", "社区社会组织", "要求",     "缺口"};
        static const char *const he_table[] = {"district", "street",   "code",
                                               "name",     "type",     "community_orgs",
                                               "required", "shortfall"};
        static const int right_table[] = {0, 0, 0, 0, 0, 1, 1, 1};
        int csv = fmt != CLI_FMT_TABLE;
        struct cli_table t;
        if (csv)
            cli_table_init(&t, 10, zh ? hz : he, right);
        else
            cli_table_init(&t, 8, zh ? hz_table : he_table, right_table);
        size_t shown = 0;
        for (size_t i = 0; i < tg->n_communities; i++) {
            const struct cov_community_check *k = &tg->communities[i];
            /* The terminal table lists the failing communities; csv lists all unless --failing. */
            if (k->met && (failing || fmt == CLI_FMT_TABLE))
                continue;
            char a[CLI_LONG_CHARS], b[CLI_LONG_CHARS], d[CLI_LONG_CHARS];
            cli_fmt_long(a, k->community_orgs);
            cli_fmt_long(b, k->required);
            cli_fmt_long(d, k->shortfall);
            struct cli_parents pa;
            cli_parents_get(m, sel, COV_COMMUNITIES, k->community, &pa);
            const char *cells[] = {pa.district_code,
                                   pa.district_name,
                                   pa.street_code,
                                   pa.street_name,
                                   comms[k->community].code,
                                   comms[k->community].name,
                                   cov_label_ur(k->ur, ctx->lang),
                                   a,
                                   b,
                                   d};
            const char *names[] = {
                pa.district_name, pa.street_name, cells[4], cells[5], cells[6], a, b, d};
            cli_table_add(&t, csv ? cells : names);
            shown++;
        }
        if (fmt == CLI_FMT_TABLE)
            fprintf(f,
                    zh ? "未达标社区（%zu 个）：\n" : "Communities missing their target (%zu):\n",
                    shown);
        cli_table_print(&t, f, fmt);
        cli_table_release(&t);
    }
    cov_areasel_free(own);
}

/* The per-community check as a file a planner opens in Excel or QGIS. */
/* -o FILE.json: the documented JSON of --format json, written atomically. */
struct targets_job {
    const struct cli_ctx *ctx;
    const struct cov_model *m;
    const struct cov_areasel *sel;
    const struct cov_targets *tg;
    int failing;
};

static int targets_json_fn(FILE *f, void *user, struct cov_err *err)
{
    (void)err;
    const struct targets_job *j = user;
    cli_targets_write(f, j->ctx, j->m, j->sel, j->tg, CLI_FMT_JSON, j->failing);
    return 0;
}

static int targets_json_file(const struct cli_ctx *ctx, const struct cov_model *m,
                             const struct cov_areasel *sel, const struct cov_targets *tg,
                             int failing, const char *path, struct cov_err *err)
{
    struct targets_job j = {ctx, m, sel, tg, failing};
    int rc = cli_write_text(path, targets_json_fn, &j, err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, _("%s targets: wrote %s\n"), ctx->prog, path);
    return rc;
}

static int export_communities(const struct cli_ctx *ctx, const struct cov_model *m,
                              const struct cov_areasel *sel, const struct cov_targets *tg,
                              int failing, const char *path, struct cov_err *err)
{
    /* docs/FORMATS.md "targets" */
    static const struct cli_col cols[] = {
        {"县区代码", "district_code", GEO_COL_TEXT, "县区码"},
        {"县区", "district_name", GEO_COL_TEXT, NULL},
        {"街道代码", "street_code", GEO_COL_TEXT, "街道码"},
        {"街道/乡镇", "street_name", GEO_COL_TEXT, "街道"},
        {"社区代码", "code", GEO_COL_TEXT, "社区码"},
        {"社区名称", "name", GEO_COL_TEXT, "社区名"},
        {"类型", "type", GEO_COL_TEXT, NULL},
        {"社区社会组织", "community_orgs", GEO_COL_INT, "组织数"},
        {"要求", "required", GEO_COL_INT, NULL},
        {"是否达标", "met", GEO_COL_TEXT, "达标"},
        {"缺口", "shortfall", GEO_COL_INT, NULL},
    };
    struct cli_export x;
    cli_export_init(&x, ctx, NULL);
    struct cli_table t;
    cli_table_init(&t, sizeof(cols) / sizeof(*cols), NULL, NULL);
    int rc = 0;
    for (size_t i = 0; i < tg->n_communities && !rc; i++) {
        const struct cov_community_check *k = &tg->communities[i];
        if (failing && k->met)
            continue;
        const struct cov_area *a = &m->areas[COV_COMMUNITIES][k->community];
        char v[3][16];
        snprintf(v[0], 16, "%d", k->community_orgs);
        snprintf(v[1], 16, "%d", k->required);
        snprintf(v[2], 16, "%d", k->shortfall);
        struct cli_parents pa;
        cli_parents_get(m, sel, COV_COMMUNITIES, k->community, &pa);
        const char *cells[] = {pa.district_code,
                               pa.district_name,
                               pa.street_code,
                               pa.street_name,
                               a->code,
                               a->name,
                               cov_label_ur(k->ur, x.lang),
                               v[0],
                               v[1],
                               cov_label_yesno(k->met, x.lang),
                               v[2]};
        if (cli_table_add(&t, cells))
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
    }
    if (!rc)
        rc = cli_table_export(&t, cols, path, "communities", &x, err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, _("%s targets: wrote %zu communities to %s\n"), ctx->prog, t.nrows, path);
    cli_table_release(&t);
    return rc;
}

int cli_cmd_targets(int argc, char **argv, struct cli_ctx *ctx)
{
    int failing = 0, strict = 0;
    struct cli_args args;
    int ec;
    struct cov_model *m;
    const struct cli_option opts[] = {
        CLI_OPT_INCLUDE(cli_opts_area, NULL),
        CLI_OPT_FLAG(0, "failing", &failing,
                     N_("list only the communities that miss their target")),
        CLI_OPT_FLAG(0, "strict", &strict, N_("exit with status 3 when any target is missed")),
        CLI_OPT_INCLUDE(cli_opts_format, N_("csv lists the communities")),
        CLI_OPT_INCLUDE(cli_opts_output,
                        N_("the communities' figures; with --failing only those; .json: the "
                           "--format json text")),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse_model(ctx, &usage, opts, &args, argc, argv, &m)) != CLI_GO)
        return ec;
    int exit_code = CLI_EXIT_OK;
    struct cov_err err;
    cov_err_init(&err);
    struct cov_targets tg = {0};
    int rc = cov_targets_compute_in(m, args.sel, &tg, &err);
    if (rc)
        goto cleanup;
    int all_met = 1;
    for (int i = 0; i < COV_T_COUNT; i++)
        all_met &= tg.targets[i].met;
    if (args.out && cli_is_json_path(args.out))
        rc = targets_json_file(ctx, m, args.sel, &tg, failing, args.out, &err);
    else if (args.out)
        rc = export_communities(ctx, m, args.sel, &tg, failing, args.out, &err);
    else
        cli_targets_write(stdout, ctx, m, args.sel, &tg, args.fmt, failing);
    if (strict && !all_met)
        exit_code = CLI_EXIT_TARGET;
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    cov_targets_release(&tg);
    cli_args_release(&args);
    cov_model_free(m);
    return rc ? cli_exit_for(rc) : exit_code;
}
