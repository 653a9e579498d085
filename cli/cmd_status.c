/* cmd_status.c - orgcover status: coverage figures, overall or per area. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/areasel.h"
#include "../analysis/coverage.h"
#include "../analysis/place.h"
#include "../analysis/propose.h"
#include "../geodata/export.h"
#include "../analysis/i18n.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] status [--by district|street|community|park|building] "
                "[--district X] [--street X] [--community X] [--issues] [--plan [--replan]] "
                "[--format table|csv|json] [-o FILE]",
    .about = N_("Coverage figures of the project: organizations, covered by a Party\n"
                "organization, coverage rate (target policy coverage_rate_target), organizations\n"
                "with enough formal members for their own organization and how many have one\n"
                "(standalone formation rate), organizations without members and those with an\n"
                "instructor (work coverage), organizations outside every community.\n"
                "\n"
                "With --district, --street or --community the figures count the organizations\n"
                "of that area, and --by lists the areas inside it (and those holding it).\n"),
    .notes =
        N_("Rates are fractions in JSON (0.9, not 90); a rate with nothing to count is null.\n"),
};

static int set_by(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    int by = cov_layer_find(arg);
    if (by < 0 || by >= COV_NAREAS)
        return cli_opt_error(p,
                             _("--by: '%s' (expected district, street, community, park or "
                               "building)"),
                             arg);
    *(int *)o->value = by;
    return CLI_GO;
}

static void json_summary(FILE *f, const struct cov_summary *s)
{
    fputs("\"organizations\": ", f);
    cli_json_int(f, s->organizations);
    cli_json_kv_int(f, "covered", s->covered);
    cli_json_kv_num(f, "coverage_rate", s->coverage_rate);
    cli_json_kv_int(f, "standalone_eligible", s->standalone_eligible);
    cli_json_kv_int(f, "standalone_formed", s->standalone_formed);
    cli_json_kv_num(f, "standalone_rate", s->standalone_rate);
    cli_json_kv_int(f, "no_members", s->no_members);
    cli_json_kv_int(f, "work_covered", s->work_covered);
    cli_json_kv_int(f, "outside_all_communities", s->outside_all_communities);
    fputs(", \"placed\": {", f);
    static const int order[] = {COV_PLACED_POINT, COV_PLACED_COMMUNITY, COV_PLACED_STREET,
                                COV_PLACED_DISTRICT, COV_PLACED_NONE};
    for (int i = 0; i < COV_PLACED_COUNT; i++) {
        fputs(i ? ", \"" : "\"", f);
        fputs(cov_placed_name((enum cov_placed)order[i]), f);
        fputs("\": ", f);
        cli_json_int(f, s->placed[order[i]]);
    }
    fputs("}", f);
}

/* "坐标 120，社区/村 800，…": how precisely the organizations are placed. */
static void print_placed(FILE *f, const struct cov_summary *t, int zh)
{
    static const int order[] = {COV_PLACED_POINT, COV_PLACED_COMMUNITY, COV_PLACED_STREET,
                                COV_PLACED_DISTRICT, COV_PLACED_NONE};
    static const char *const en[] = {"by coordinates", "to a community", "to a street",
                                     "to a district only", "nowhere"};
    static const char *const cn[] = {"按坐标", "到社区/村", "到街道/乡镇", "仅到县区", "未能定位"};
    cli_print_padded(f, zh ? "定位精度" : "placed", 30, 0);
    fprintf(f, "   ");
    for (int i = 0; i < COV_PLACED_COUNT; i++)
        fprintf(f, "%s%s %ld", i ? (zh ? "，" : ", ") : "", zh ? cn[i] : en[i],
                t->placed[order[i]]);
    fprintf(f, "\n");
    if (t->placed[COV_PLACED_NONE])
        fprintf(f,
                zh ? "（%ld 个未能定位的社会组织计入总数，但不在任何区域和地图中；"
                     "orgcover organizations --placed none 列出它们）\n"
                   : "(%ld organizations placed nowhere are counted in the totals but in no area "
                     "and on no map; 'orgcover organizations --placed none' lists them)\n",
                t->placed[COV_PLACED_NONE]);
}

/* The columns that say which area a row is: code and name; a community's
 * district and street too (names on the terminal, codes and names in csv
 * and files). */
enum { LEAD_MAX = 6 };
static size_t lead_heads(int by, int fmt, int zh, const char **head)
{
    static const char *const comm_zh[] = {"县区代码",  "县区",     "街道代码",
                                          "街道/乡镇", "社区代码", "社区名称"};
    static const char *const comm_en[] = {"district_code", "district_name", "street_code",
                                          "street_name",   "code",          "name"};
    if (by != COV_COMMUNITIES) {
        head[0] = zh ? "代码" : "code";
        head[1] = zh ? "名称" : "name";
        return 2;
    }
    const char *const *h = zh ? comm_zh : comm_en;
    if (fmt != CLI_FMT_TABLE) {
        for (size_t i = 0; i < 6; i++)
            head[i] = h[i];
        return 6;
    }
    head[0] = zh ? "县区" : "district";
    head[1] = zh ? "街道/乡镇" : "street";
    head[2] = h[4];
    head[3] = h[5];
    return 4;
}

/* The lead cells of area i of layer by (as lead_heads). */
static void lead_cells(const struct cov_model *m, const struct cov_areasel *sel, int by, size_t i,
                       int fmt, const char **cell)
{
    const struct cov_area *a = &m->areas[by][i];
    if (by != COV_COMMUNITIES) {
        cell[0] = a->code;
        cell[1] = a->name;
        return;
    }
    struct cli_parents pa;
    cli_parents_get(m, sel, by, i, &pa);
    if (fmt != CLI_FMT_TABLE) {
        const char *c[] = {pa.district_code, pa.district_name, pa.street_code,
                           pa.street_name,   a->code,          a->name};
        memcpy(cell, c, sizeof(c));
    } else {
        const char *c[] = {pa.district_name, pa.street_name, a->code, a->name};
        memcpy(cell, c, sizeof(c));
    }
}

static int add_row(struct cli_table *t, const char *const *lead, size_t nlead,
                   const struct cov_summary *s)
{
    char v[8][32];
    cli_fmt_long(v[0], s->organizations);
    cli_fmt_long(v[1], s->covered);
    cli_pct(v[2], 32, s->coverage_rate);
    cli_fmt_long(v[3], s->standalone_eligible);
    cli_fmt_long(v[4], s->standalone_formed);
    cli_pct(v[5], 32, s->standalone_rate);
    cli_fmt_long(v[6], s->no_members);
    cli_fmt_long(v[7], s->work_covered);
    const char *cells[LEAD_MAX + 8];
    memcpy(cells, lead, nlead * sizeof(*lead));
    for (size_t k = 0; k < 8; k++)
        cells[nlead + k] = v[k];
    return cli_table_add(t, cells);
}

/* The finding's name: the machine name in English (as the JSON has it), the label in Chinese. */
static const char *finding_kind(enum cov_finding_kind k, enum cov_lang l)
{
    return l == COV_LANG_ZH ? cov_label_finding(k, l) : cov_finding_name(k);
}

static int print_issues(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m,
                        const struct cov_areasel *sel, int fmt, struct cov_err *err)
{
    struct cov_finding *fd = NULL;
    size_t n = 0;
    int rc = cov_findings(m, &fd, &n, err);
    if (rc)
        return rc;
    size_t kept = 0; /* those of the organizations inside the chosen areas */
    for (size_t i = 0; i < n; i++)
        if (cov_areasel_has_org(sel, &m->orgs[fd[i].org]))
            fd[kept++] = fd[i];
    n = kept;
    if (fmt == CLI_FMT_JSON) {
        fprintf(f, "{\"issues\": [");
        for (size_t i = 0; i < n; i++) {
            const struct cov_org *o = &m->orgs[fd[i].org];
            fprintf(f, "%s\n  {\"kind\": \"%s\", \"id\": ", i ? "," : "",
                    cov_finding_name(fd[i].kind));
            cli_json_str(f, o->id);
            fprintf(f, ", \"name\": ");
            cli_json_str(f, o->name);
            fprintf(f, ", \"detail\": ");
            cli_json_str(f, fd[i].detail);
            fprintf(f, "}");
        }
        fprintf(f, "\n]}\n");
    } else {
        int zh = ctx->lang == COV_LANG_ZH;
        static const char *const hz[] = {"问题", "统一社会信用代码", "名称", "说明"};
        static const char *const he[] = {"issue", "id", "name", "detail"};
        struct cli_table t;
        cli_table_init(&t, 4, zh ? hz : he, NULL);
        for (size_t i = 0; i < n; i++) {
            const struct cov_org *o = &m->orgs[fd[i].org];
            const char *cells[] = {finding_kind(fd[i].kind, ctx->lang), o->id, o->name,
                                   fd[i].detail};
            cli_table_add(&t, cells);
        }
        cli_table_print(&t, f, fmt);
        cli_table_release(&t);
        if (fmt == CLI_FMT_TABLE)
            fprintf(f, zh ? "共 %zu 条\n" : "%zu findings\n", n);
    }
    free(fd);
    return 0;
}

/* Without --by the terminal gets the figures one per line, with what they mean. */
static void print_totals(FILE *f, const struct cov_model *m, const struct cov_summary *t, int zh)
{
    const struct cov_policy *p = &m->policy;
    char r[16], lbl[64], note[3][160];
    snprintf(lbl, sizeof(lbl), zh ? "正式党员%g人以上" : "with >= %g formal members",
             p->v[COV_P_STANDALONE_MIN_MEMBERS]);
    snprintf(note[0], sizeof(note[0]),
             zh ? "覆盖率 %s（目标 %.0f%%）" : "coverage rate %s (target %.0f%%)",
             cli_pct(r, sizeof(r), t->coverage_rate), p->v[COV_P_COVERAGE_RATE_TARGET] * 100);
    snprintf(note[1], sizeof(note[1]),
             zh ? "其中单独组建 %ld，单独组建率 %s（目标 %.0f%%）"
                : "standalone %ld, rate %s (target %.0f%%)",
             t->standalone_formed, cli_pct(r, sizeof(r), t->standalone_rate),
             p->v[COV_P_STANDALONE_RATE_TARGET] * 100);
    snprintf(note[2], sizeof(note[2]),
             zh ? "其中已选派党建工作指导员（工作覆盖）%ld"
                : "with an instructor (work coverage) %ld",
             t->work_covered);
    const struct {
        const char *label;
        long value;
        const char *note;
    } rows[] = {
        {zh ? "社会组织" : "organizations", t->organizations, ""},
        {zh ? "已建党组织（覆盖）" : "covered", t->covered, note[0]},
        {lbl, t->standalone_eligible, note[1]},
        {zh ? "未覆盖且无正式党员" : "uncovered, no formal members", t->no_members, note[2]},
        {zh ? "不在任何社区/村内" : "outside every community", t->outside_all_communities, ""},
    };
    size_t n = sizeof(rows) / sizeof(rows[0]) - (m->n_areas[COV_COMMUNITIES] ? 0 : 1);
    for (size_t i = 0; i < n; i++) {
        char v[32];
        snprintf(v, sizeof(v), "%ld", rows[i].value);
        cli_print_padded(f, rows[i].label, 30, 0);
        cli_print_padded(f, v, 8, 1);
        fprintf(f, "%s%s\n", *rows[i].note ? "   " : "", rows[i].note);
    }
    print_placed(f, t, zh);
}

/* -o FILE.json: the documented JSON of --format json, written atomically. */
struct status_job {
    const struct cli_ctx *ctx;
    const struct cov_model *m;
    const struct cov_areasel *sel;
    int by, issues;
    const struct cov_plan *plan;
};

static int status_json_fn(FILE *f, void *user, struct cov_err *err)
{
    const struct status_job *j = user;
    return cli_status_write(f, j->ctx, j->m, j->sel, j->by, j->issues, CLI_FMT_JSON, j->plan, err);
}

static int status_json_file(const struct cli_ctx *ctx, const struct cov_model *m,
                            const struct cov_areasel *sel, int by, int issues,
                            const struct cov_plan *plan, const char *path, struct cov_err *err)
{
    struct status_job j = {ctx, m, sel, by, issues, plan};
    int rc = cli_write_text(path, status_json_fn, &j, err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, _("%s status: wrote %s\n"), ctx->prog, path);
    return rc;
}

/* The figures as a file a planner opens in Excel or QGIS: raw numbers, rates as fractions. */
static int export_status(const struct cli_ctx *ctx, const struct cov_model *m,
                         const struct cov_areasel *sel, int by, const char *path,
                         struct cov_err *err)
{
    /* docs/FORMATS.md "status": the area's lead columns (a community's with its district
     * and street), then the figures */
    static const struct cli_col lead_area[] = {
        {"代码", "code", GEO_COL_TEXT, NULL},
        {"名称", "name", GEO_COL_TEXT, NULL},
    };
    static const struct cli_col lead_comm[] = {
        {"县区代码", "district_code", GEO_COL_TEXT, "县区码"},
        {"县区", "district_name", GEO_COL_TEXT, NULL},
        {"街道代码", "street_code", GEO_COL_TEXT, "街道码"},
        {"街道/乡镇", "street_name", GEO_COL_TEXT, "街道"},
        {"社区代码", "code", GEO_COL_TEXT, "社区码"},
        {"社区名称", "name", GEO_COL_TEXT, "社区名"},
    };
    static const struct cli_col figures[] = {
        {"社会组织", "organizations", GEO_COL_INT, "组织数"},
        {"已覆盖", "covered", GEO_COL_INT, NULL},
        {"覆盖率", "coverage_rate", GEO_COL_REAL, NULL},
        {"应单独组建", "standalone_eligible", GEO_COL_INT, "应单建"},
        {"已单独组建", "standalone_formed", GEO_COL_INT, "已单建"},
        {"单独组建率", "standalone_rate", GEO_COL_REAL, "单建率"},
        {"无党员", "no_members", GEO_COL_INT, NULL},
        {"工作覆盖", "work_covered", GEO_COL_INT, "工作覆"},
        {"不在社区内", "outside_all_communities", GEO_COL_INT, "社区外"},
    };
    const struct cli_col *lead = by == COV_COMMUNITIES ? lead_comm : lead_area;
    size_t nlead = by == COV_COMMUNITIES ? sizeof(lead_comm) / sizeof(*lead_comm)
                                         : sizeof(lead_area) / sizeof(*lead_area);
    struct cli_col cols[LEAD_MAX + 9];
    memcpy(cols, lead, nlead * sizeof(*lead));
    memcpy(cols + nlead, figures, sizeof(figures));
    struct cov_summary total, *per = NULL;
    int rc = cov_summarize_in(m, sel, by, &total, by >= 0 ? &per : NULL, err);
    if (rc)
        return rc;
    struct cli_table t;
    cli_table_init(&t, nlead + 9, NULL, NULL);
    size_t n = by >= 0 ? m->n_areas[by] : 0;
    for (size_t i = 0; i <= n && !rc; i++) {
        if (i < n && !cov_areasel_has_area(sel, by, i))
            continue;
        const struct cov_summary *s = i < n ? &per[i] : &total;
        char v[9][32];
        cli_fmt_long(v[0], s->organizations);
        cli_fmt_long(v[1], s->covered);
        snprintf(v[2], 32, isfinite(s->coverage_rate) ? "%.6f" : "", s->coverage_rate);
        cli_fmt_long(v[3], s->standalone_eligible);
        cli_fmt_long(v[4], s->standalone_formed);
        snprintf(v[5], 32, isfinite(s->standalone_rate) ? "%.6f" : "", s->standalone_rate);
        cli_fmt_long(v[6], s->no_members);
        cli_fmt_long(v[7], s->work_covered);
        cli_fmt_long(v[8], s->outside_all_communities);
        const char *cells[LEAD_MAX + 9] = {NULL};
        if (i < n)
            lead_cells(m, sel, by, i, CLI_FMT_CSV, cells);
        else
            cells[nlead - 1] = ctx->lang == COV_LANG_ZH ? "合计" : "total";
        for (size_t k = 0; k < 9; k++)
            cells[nlead + k] = v[k];
        if (cli_table_add(&t, cells))
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
    }
    struct cli_export x;
    cli_export_init(&x, ctx, NULL);
    if (!rc)
        rc = cli_table_export(&t, cols, path, "status", &x, err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, _("%s status: wrote %zu rows to %s\n"), ctx->prog, t.nrows, path);
    cli_table_release(&t);
    free(per);
    return rc;
}

int cli_status_write(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m,
                     const struct cov_areasel *sel, int by, int issues, int fmt,
                     const struct cov_plan *plan, struct cov_err *err)
{
    struct cov_summary total, *per = NULL;
    struct cov_areasel *own = NULL;
    struct cov_plan *part = NULL;
    int rc;
    if (issues) {
        rc = print_issues(f, ctx, m, sel, fmt, err);
        goto cleanup;
    }
    if (!sel && by == COV_COMMUNITIES && !(sel = own = cov_areasel_new(m))) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    if (plan && cov_areasel_active(sel)) { /* the plan's figures for the chosen areas */
        if (!(part = cov_areasel_plan(sel, plan))) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
            goto cleanup;
        }
        plan = part;
    }
    rc = cov_summarize_in(m, sel, by, &total, by >= 0 ? &per : NULL, err);
    if (rc)
        goto cleanup;
    size_t n = by >= 0 ? m->n_areas[by] : 0;
    if (fmt == CLI_FMT_JSON) {
        fprintf(f, "{");
        json_summary(f, &total);
        if (plan) {
            fprintf(f, ", \"plan\": {\"orgs_covered_after\": %ld, \"coverage_rate_after\": ",
                    plan->orgs_covered_after);
            cli_json_num(f, plan->coverage_rate_after);
            fprintf(f, "}");
        }
        if (by >= 0) {
            fprintf(f, ", \"by\": \"%s\", \"areas\": [", cov_layer_name(by));
            int first = 1;
            for (size_t i = 0; i < n; i++) {
                if (!cov_areasel_has_area(sel, by, i))
                    continue;
                fprintf(f, "%s\n  {\"code\": ", first ? "" : ",");
                first = 0;
                cli_json_str(f, m->areas[by][i].code);
                fprintf(f, ", \"name\": ");
                cli_json_str(f, m->areas[by][i].name);
                fprintf(f, ", ");
                json_summary(f, &per[i]);
                if (by == COV_COMMUNITIES) { /* after the figures older readers expect */
                    struct cli_parents pa;
                    cli_parents_get(m, sel, by, i, &pa);
                    cli_json_kv(f, "district_code", pa.district_code);
                    cli_json_kv(f, "district_name", pa.district_name);
                    cli_json_kv(f, "street_code", pa.street_code);
                    cli_json_kv(f, "street_name", pa.street_name);
                }
                fprintf(f, "}");
            }
            fprintf(f, "\n]");
        }
        fprintf(f, "}\n");
        goto cleanup;
    }
    int zh = ctx->lang == COV_LANG_ZH;
    if (by < 0 && fmt == CLI_FMT_TABLE) {
        print_totals(f, m, &total, zh);
        if (plan) {
            char r[16];
            fprintf(f,
                    zh ? "方案实施后覆盖率                  %s（覆盖 %ld 个）\n"
                       : "coverage rate after the plan      %s (%ld covered)\n",
                    cli_pct(r, sizeof(r), plan->coverage_rate_after), plan->orgs_covered_after);
        }
        goto cleanup;
    }
    static const char *const head_zh[] = {"社会组织",   "已覆盖",     "覆盖率", "应单独组建",
                                          "已单独组建", "单独组建率", "无党员", "工作覆盖"};
    static const char *const head_en[] = {"orgs",       "covered",     "coverage",
                                          "eligible",   "standalone",  "standalone_rate",
                                          "no_members", "work_covered"};
    const char *head[LEAD_MAX + 8];
    int right[LEAD_MAX + 8];
    size_t nlead = lead_heads(by, fmt, zh, head);
    for (size_t k = 0; k < nlead + 8; k++) {
        if (k >= nlead)
            head[k] = (zh ? head_zh : head_en)[k - nlead];
        right[k] = k >= nlead;
    }
    struct cli_table t;
    cli_table_init(&t, nlead + 8, head, right);
    const char *lead[LEAD_MAX];
    for (size_t i = 0; i < n; i++) {
        if (!cov_areasel_has_area(sel, by, i))
            continue;
        lead_cells(m, sel, by, i, fmt, lead);
        add_row(&t, lead, nlead, &per[i]);
    }
    for (size_t k = 0; k < nlead; k++)
        lead[k] = "";
    lead[nlead - 1] = zh ? "合计" : "total";
    add_row(&t, lead, nlead, &total);
    cli_table_print(&t, f, fmt);
    cli_table_release(&t);
    if (fmt == CLI_FMT_TABLE && total.outside_all_communities)
        fprintf(f,
                zh ? "\n%ld 个社会组织不在任何社区/村范围内（见 orgcover status --issues）\n"
                   : "\n%ld organizations lie outside every community\n",
                total.outside_all_communities);
cleanup:
    free(per);
    cov_plan_free(part);
    cov_areasel_free(own);
    return rc;
}

int cli_cmd_status(int argc, char **argv, struct cli_ctx *ctx)
{
    int by = -1, issues = 0, want_plan = 0;
    struct cli_args args;
    int ec;
    struct cov_model *m;
    const struct cli_option opts[] = {
        CLI_OPT_CALLBACK(0, "by", "LAYER", &by, set_by,
                         N_("one row per district, street, community, park or building")),
        CLI_OPT_INCLUDE(cli_opts_area, NULL),
        CLI_OPT_FLAG(0, "issues", &issues,
                     N_("list data-quality findings instead: credit codes whose division code "
                        "(characters 3-8) disagrees with the district the point lies in, "
                        "organizations outside every community or district")),
        CLI_OPT_FLAG(0, "plan", &want_plan,
                     N_("also the coverage rate the branch plan would reach (the plan saved with "
                        "'propose --save', else a fresh one with the policy's defaults)")),
        CLI_OPT_INCLUDE(cli_opts_replan, NULL),
        CLI_OPT_INCLUDE(cli_opts_format, NULL),
        CLI_OPT_INCLUDE(cli_opts_output, N_("the figures, rates as fractions; .json: the --format "
                                            "json text")),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse_model(ctx, &usage, opts, &args, argc, argv, &m)) != CLI_GO)
        return ec;
    if (args.replan && !want_plan) {
        cov_model_free(m);
        cli_args_release(&args);
        return cli_usage_error(ctx, usage.synopsis, _("--replan only applies with --plan"));
    }
    struct cov_plan *plan = NULL;
    int saved = 0, rc = 0;
    struct cov_err err;
    cov_err_init(&err);
    if (want_plan)
        rc = cli_plan_get(ctx, m, args.replan, &plan, &saved, &err);
    if (!rc && args.out && cli_is_json_path(args.out))
        rc = status_json_file(ctx, m, args.sel, by, issues, plan, args.out, &err);
    else if (!rc && args.out)
        rc = export_status(ctx, m, args.sel, by, args.out, &err);
    else if (!rc)
        rc = cli_status_write(stdout, ctx, m, args.sel, by, issues, args.fmt, plan, &err);
    char *rej = ctx->store ? geo_store_meta_get(ctx->store, "rejected.organizations") : NULL;
    if (!rc && rej && atol(rej) > 0 && !ctx->quiet)
        fprintf(stderr,
                ctx->lang == COV_LANG_ZH
                    ? "%s status: 注意：导入时有 %ld "
                      "行因数据错误被拒绝，未计入以上数字（见导入时的拒绝清单）\n"
                    : "%s status: note: %ld rows were rejected at import for bad data and are not "
                      "in these figures (see the rejects file of that import)\n",
                ctx->prog, atol(rej));
    free(rej);
    cov_plan_free(plan);
    cli_report(ctx, &err);
    cov_err_release(&err);
    cli_args_release(&args);
    cov_model_free(m);
    return cli_exit_for(rc);
}
