/* cmd_status.c - orgcover status: coverage figures, overall or per area. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/coverage.h"
#include "../analysis/place.h"
#include "../analysis/propose.h"
#include "../geodata/export.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] status [--by district|street|community|park|building] "
                "[--issues] [--plan [--replan]] [--format table|csv|json] [-o FILE]",
    .about = "Coverage figures of the project: organizations, covered by a Party\n"
             "organization, coverage rate (target policy coverage_rate_target), organizations\n"
             "with enough formal members for their own organization and how many have one\n"
             "(standalone formation rate), organizations without members and those with an\n"
             "instructor (work coverage), organizations outside every community.\n",
    .notes = "Rates are fractions in JSON (0.9, not 90); a rate with nothing to count is null.\n",
};

static int set_by(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    int by = cov_layer_find(arg);
    if (by < 0 || by >= COV_NAREAS)
        return cli_opt_error(p,
                             "--by: '%s' (expected district, street, community, park or "
                             "building)",
                             arg);
    *(int *)o->value = by;
    return CLI_GO;
}

static void json_summary(FILE *f, const struct cov_summary *s)
{
    fprintf(f, "\"organizations\": %ld, \"covered\": %ld, \"coverage_rate\": ", s->organizations,
            s->covered);
    cli_json_num(f, s->coverage_rate);
    fprintf(f, ", \"standalone_eligible\": %ld, \"standalone_formed\": %ld, \"standalone_rate\": ",
            s->standalone_eligible, s->standalone_formed);
    cli_json_num(f, s->standalone_rate);
    fprintf(f, ", \"no_members\": %ld, \"work_covered\": %ld, \"outside_all_communities\": %ld",
            s->no_members, s->work_covered, s->outside_all_communities);
    fprintf(f, ", \"placed\": {");
    static const int order[] = {COV_PLACED_POINT, COV_PLACED_COMMUNITY, COV_PLACED_STREET,
                                COV_PLACED_DISTRICT, COV_PLACED_NONE};
    for (int i = 0; i < COV_PLACED_COUNT; i++)
        fprintf(f, "%s\"%s\": %ld", i ? ", " : "", cov_placed_name((enum cov_placed)order[i]),
                s->placed[order[i]]);
    fprintf(f, "}");
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

static int add_row(struct cli_table *t, const char *code, const char *name,
                   const struct cov_summary *s)
{
    char v[8][32];
    snprintf(v[0], 32, "%ld", s->organizations);
    snprintf(v[1], 32, "%ld", s->covered);
    cli_pct(v[2], 32, s->coverage_rate);
    snprintf(v[3], 32, "%ld", s->standalone_eligible);
    snprintf(v[4], 32, "%ld", s->standalone_formed);
    cli_pct(v[5], 32, s->standalone_rate);
    snprintf(v[6], 32, "%ld", s->no_members);
    snprintf(v[7], 32, "%ld", s->work_covered);
    const char *cells[] = {code, name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
    return cli_table_add(t, cells);
}

/* The finding's name: the machine name in English (as the JSON has it), the label in Chinese. */
static const char *finding_kind(enum cov_finding_kind k, enum cov_lang l)
{
    return l == COV_LANG_ZH ? cov_label_finding(k, l) : cov_finding_name(k);
}

static int print_issues(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m, int fmt,
                        struct cov_err *err)
{
    struct cov_finding *fd = NULL;
    size_t n = 0;
    int rc = cov_findings(m, &fd, &n, err);
    if (rc)
        return rc;
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
    int by, issues;
    const struct cov_plan *plan;
};

static int status_json_fn(FILE *f, void *user, struct cov_err *err)
{
    const struct status_job *j = user;
    return cli_status_write(f, j->ctx, j->m, j->by, j->issues, CLI_FMT_JSON, j->plan, err);
}

static int status_json_file(const struct cli_ctx *ctx, const struct cov_model *m, int by,
                            int issues, const struct cov_plan *plan, const char *path,
                            struct cov_err *err)
{
    struct status_job j = {ctx, m, by, issues, plan};
    int rc = cli_write_text(path, status_json_fn, &j, err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, "%s status: wrote %s\n", ctx->prog, path);
    return rc;
}

/* The figures as a file a planner opens in Excel or QGIS: raw numbers, rates as fractions. */
static int export_status(const struct cli_ctx *ctx, const struct cov_model *m, int by,
                         const char *path, struct cov_err *err)
{
    static const char *const head[] = {"code",
                                       "name",
                                       "organizations",
                                       "covered",
                                       "coverage_rate",
                                       "standalone_eligible",
                                       "standalone_formed",
                                       "standalone_rate",
                                       "no_members",
                                       "work_covered",
                                       "outside_all_communities"};
    static const int types[] = {GEO_COL_TEXT, GEO_COL_TEXT, GEO_COL_INT, GEO_COL_INT,
                                GEO_COL_REAL, GEO_COL_INT,  GEO_COL_INT, GEO_COL_REAL,
                                GEO_COL_INT,  GEO_COL_INT,  GEO_COL_INT};
    struct cov_summary total, *per = NULL;
    int rc = cov_summarize(m, by, &total, by >= 0 ? &per : NULL, err);
    if (rc)
        return rc;
    struct cli_table t;
    cli_table_init(&t, 11, head, NULL);
    size_t n = by >= 0 ? m->n_areas[by] : 0;
    for (size_t i = 0; i <= n && !rc; i++) {
        const struct cov_summary *s = i < n ? &per[i] : &total;
        char v[9][32];
        snprintf(v[0], 32, "%ld", s->organizations);
        snprintf(v[1], 32, "%ld", s->covered);
        snprintf(v[2], 32, isfinite(s->coverage_rate) ? "%.6f" : "", s->coverage_rate);
        snprintf(v[3], 32, "%ld", s->standalone_eligible);
        snprintf(v[4], 32, "%ld", s->standalone_formed);
        snprintf(v[5], 32, isfinite(s->standalone_rate) ? "%.6f" : "", s->standalone_rate);
        snprintf(v[6], 32, "%ld", s->no_members);
        snprintf(v[7], 32, "%ld", s->work_covered);
        snprintf(v[8], 32, "%ld", s->outside_all_communities);
        const char *cells[] = {i < n ? m->areas[by][i].code : "",
                               i < n ? m->areas[by][i].name
                                     : (ctx->lang == COV_LANG_ZH ? "合计" : "total"),
                               v[0],
                               v[1],
                               v[2],
                               v[3],
                               v[4],
                               v[5],
                               v[6],
                               v[7],
                               v[8]};
        if (cli_table_add(&t, cells))
            rc = cov_err_set(err, COV_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = cli_table_export(&t, types, path, "status", err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, "%s status: wrote %zu rows to %s\n", ctx->prog, t.nrows, path);
    cli_table_release(&t);
    free(per);
    return rc;
}

int cli_status_write(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m, int by,
                     int issues, int fmt, const struct cov_plan *plan, struct cov_err *err)
{
    struct cov_summary total, *per = NULL;
    int rc;
    if (issues) {
        rc = print_issues(f, ctx, m, fmt, err);
        goto cleanup;
    }
    rc = cov_summarize(m, by, &total, by >= 0 ? &per : NULL, err);
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
            for (size_t i = 0; i < n; i++) {
                fprintf(f, "%s\n  {\"code\": ", i ? "," : "");
                cli_json_str(f, m->areas[by][i].code);
                fprintf(f, ", \"name\": ");
                cli_json_str(f, m->areas[by][i].name);
                fprintf(f, ", ");
                json_summary(f, &per[i]);
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
    static const char *const head_zh[] = {"代码",   "名称",       "社会组织",   "已覆盖",
                                          "覆盖率", "应单独组建", "已单独组建", "单独组建率",
                                          "无党员", "工作覆盖"};
    static const char *const head_en[] = {
        "code",       "name",        "orgs",       "covered",
        "coverage",   "eligible",    "standalone", "standalone_rate",
        "no_members", "work_covered"};
    static const int right[] = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
    struct cli_table t;
    cli_table_init(&t, 10, zh ? head_zh : head_en, right);
    for (size_t i = 0; i < n; i++)
        add_row(&t, m->areas[by][i].code, m->areas[by][i].name, &per[i]);
    add_row(&t, "", zh ? "合计" : "total", &total);
    cli_table_print(&t, f, fmt);
    cli_table_release(&t);
    if (fmt == CLI_FMT_TABLE && total.outside_all_communities)
        fprintf(f,
                zh ? "\n%ld 个社会组织不在任何社区/村范围内（见 orgcover status --issues）\n"
                   : "\n%ld organizations lie outside every community\n",
                total.outside_all_communities);
cleanup:
    free(per);
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
                         "one row per district, street, community, park or building"),
        CLI_OPT_FLAG(0, "issues", &issues,
                     "list data-quality findings instead: credit codes whose division code "
                     "(characters 3-8) disagrees with the district the point lies in, "
                     "organizations outside every community or district"),
        CLI_OPT_FLAG(0, "plan", &want_plan,
                     "also the coverage rate the branch plan would reach (the plan saved with "
                     "'propose --save', else a fresh one with the policy's defaults)"),
        CLI_OPT_INCLUDE(cli_opts_replan, NULL),
        CLI_OPT_INCLUDE(cli_opts_format, NULL),
        CLI_OPT_INCLUDE(cli_opts_output, "the figures, rates as fractions; .json: the --format "
                                         "json text"),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse_model(ctx, &usage, opts, &args, argc, argv, &m)) != CLI_GO)
        return ec;
    if (args.replan && !want_plan) {
        cov_model_free(m);
        return cli_usage_error(ctx, usage.synopsis, "--replan only applies with --plan");
    }
    struct cov_plan *plan = NULL;
    int saved = 0, rc = 0;
    struct cov_err err;
    cov_err_init(&err);
    if (want_plan)
        rc = cli_plan_get(ctx, m, args.replan, &plan, &saved, &err);
    if (!rc && args.out && cli_is_json_path(args.out))
        rc = status_json_file(ctx, m, by, issues, plan, args.out, &err);
    else if (!rc && args.out)
        rc = export_status(ctx, m, by, args.out, &err);
    else if (!rc)
        rc = cli_status_write(stdout, ctx, m, by, issues, args.fmt, plan, &err);
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
    cov_model_free(m);
    return cli_exit_for(rc);
}
