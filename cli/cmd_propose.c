/* cmd_propose.c - orgcover propose: the branch plan that closes the coverage gaps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/areasel.h"
#include "../analysis/geos.h"
#include "../analysis/i18n.h"
#include "../analysis/propose.h"
#include "../geodata/export.h"
#include "../geodata/plan.h"
#include "cli.h"

static void propose_notes(FILE *f)
{
    fprintf(f,
            _("--exact uses the MIP solver %s; --time-limit defaults to %g seconds per scope.\n"),
            cov_joint_solver_name(), COV_EXACT_TIME_LIMIT_S);
}

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] propose [--scope street|district|community] "
                "[--district X] [--street X] [--community X] "
                "[--max-units N] [--min-members N] [--max-distance M] "
                "[--exact [--time-limit S] [--exact-max-units N]] "
                "[--no-memberless] [--greedy] [--format table|csv|json|geojson] "
                "[-o FILE [--t-srs SRS]] [--save]",
    .about =
        N_("Propose how to cover the uncovered organizations, in the policy's order:\n"
           "  1. standalone organizations (单独组建) for those with enough formal members\n"
           "  2. functional branch (功能型党支部) candidates: untransferred members\n"
           "  3. regional organizations (区域性党组织) where they concentrate in a park or\n"
           "     building\n"
           "  4. industry organizations (行业党组织) hosted by a covered industry association\n"
           "  5. joint branches (联合党支部) of 2 to --max-units adjacent units in one scope\n"
           "     area, reaching --min-members formal members together, every pair within\n"
           "     --max-distance metres\n"
           "  6. an instructor (党建工作指导员) for the rest, grouped by street\n"
           "\n"
           "The plan is made for the whole project (and --save keeps all of it); with\n"
           "--district, --street or --community the output holds the groups with a member\n"
           "there, the figures count its organizations, and the joint-branch candidates\n"
           "and bounds are those of the scope areas inside it or holding it.\n"),
    .options_title = N_("Options (defaults are the project's policy parameters):"),
    .notes_fn = propose_notes,
};

static int set_scope(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    int l = cov_layer_find(arg);
    if (l != COV_STREETS && l != COV_DISTRICTS && l != COV_COMMUNITIES)
        return cli_opt_error(p, _("--scope: '%s' (expected street, district or community)"), arg);
    *(int *)o->value = l;
    return CLI_GO;
}

struct export_ctx {
    const struct cov_model *m;
    const struct cov_plan *p;
    const struct cli_export *x;
    char buf[5][64];
    char *members;
    GEOSGeometry *g;
};

/* The columns of -o (docs/FORMATS.md "propose"). */
enum { NCOLS = 9 };
static const struct cli_col cols[NCOLS] = {
    {"编号", "id", GEO_COL_INT, NULL},
    {"类型", "kind", GEO_COL_TEXT, NULL},
    {"名称", "name", GEO_COL_TEXT, NULL},
    {"区域代码", "area_code", GEO_COL_TEXT, "区域码"},
    {"区域名称", "area_name", GEO_COL_TEXT, "区域"},
    {"单位数", "units", GEO_COL_INT, NULL},
    {"正式党员数", "formal_members", GEO_COL_INT, "党员数"},
    {"直径（米）", "diameter_m", GEO_COL_REAL, "直径米"},
    {"成员", "members", GEO_COL_TEXT, NULL},
};

/* The group drawn as its members linked to the medoid (a point for one member). */
static GEOSGeometry *group_geometry(const struct cov_model *m, const struct cov_group *g)
{
    GEOSContextHandle_t h = m->geos;
    const struct cov_org *med = &m->orgs[g->medoid];
    if (g->n_members < 2)
        return GEOSGeom_createPointFromXY_r(h, med->x, med->y);
    GEOSGeometry **lines = calloc(g->n_members, sizeof(*lines));
    if (!lines)
        return NULL;
    unsigned n = 0;
    for (size_t i = 0; i < g->n_members; i++) {
        if (g->members[i] == g->medoid)
            continue;
        const struct cov_org *o = &m->orgs[g->members[i]];
        GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
        GEOSCoordSeq_setXY_r(h, cs, 0, med->x, med->y);
        GEOSCoordSeq_setXY_r(h, cs, 1, o->x, o->y);
        lines[n++] = GEOSGeom_createLineString_r(h, cs);
    }
    GEOSGeometry *mls = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, lines, n);
    free(lines);
    return mls;
}

static char *member_ids(const struct cov_model *m, const struct cov_group *g)
{
    size_t len = 1;
    for (size_t i = 0; i < g->n_members; i++)
        len += strlen(m->orgs[g->members[i]].id) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    *p = 0;
    for (size_t i = 0; i < g->n_members; i++)
        p += sprintf(p, "%s%s", i ? "," : "", m->orgs[g->members[i]].id);
    return s;
}

static int export_row(void *user, size_t row, const char **cells, const GEOSGeometry **geom)
{
    struct export_ctx *x = user;
    const struct cov_group *g = &x->p->groups[row];
    const struct cov_model *m = x->m;
    free(x->members);
    if (x->g)
        GEOSGeom_destroy_r(m->geos, x->g);
    x->members = member_ids(m, g);
    x->g = group_geometry(m, g);
    snprintf(x->buf[0], 64, "%d", g->id);
    snprintf(x->buf[1], 64, "%zu", g->n_members);
    snprintf(x->buf[2], 64, "%d", g->formal_members);
    snprintf(x->buf[3], 64, "%.2f", g->diameter_m);
    const struct cov_area *a = g->area >= 0 ? &m->areas[g->area_layer][g->area] : NULL;
    cells[0] = x->buf[0];
    cells[1] = cov_label_group_kind(g->kind, x->x->lang);
    cells[2] = g->name;
    cells[3] = a ? a->code : NULL;
    cells[4] = a ? a->name : NULL;
    cells[5] = x->buf[1];
    cells[6] = x->buf[2];
    cells[7] = x->buf[3];
    cells[8] = x->members;
    *geom = x->g;
    return x->members && x->g ? 0 : 1;
}

/* -o FILE.json: the documented JSON of --format json, written atomically. */
struct propose_job {
    const struct cli_ctx *ctx;
    const struct cov_model *m;
    const struct cov_plan *p;
};

static int propose_json_fn(FILE *f, void *user, struct cov_err *err)
{
    (void)err;
    const struct propose_job *j = user;
    cli_propose_write(f, j->ctx, j->m, j->p, CLI_FMT_JSON);
    return 0;
}

static int propose_json_file(const struct cli_ctx *ctx, const struct cov_model *m,
                             const struct cov_plan *p, const char *path, struct cov_err *err)
{
    struct propose_job j = {ctx, m, p};
    int rc = cli_write_text(path, propose_json_fn, &j, err);
    if (!rc && !ctx->quiet)
        fprintf(stderr, _("%s propose: wrote %zu groups to %s\n"), ctx->prog, p->n_groups, path);
    return rc;
}

int cli_propose_export(const struct cov_model *m, const struct cov_plan *p, const char *path,
                       const char *format_ext, const struct cli_export *xo, struct cov_err *err)
{
    struct export_ctx x = {.m = m, .p = p, .x = xo};
    struct geo_export_col gc[NCOLS];
    cli_export_cols(xo, cols, NCOLS, gc);
    int rc = geo_export(path, format_ext, "plan", gc, NCOLS, p->n_groups, export_row, &x, m->geos,
                        m->srid, 0, &xo->geo, err);
    free(x.members);
    if (x.g)
        GEOSGeom_destroy_r(m->geos, x.g);
    return rc;
}

/* Exact mode: per scope "optimal" or the gap, then the totals. */
static void write_exact(FILE *f, const struct cov_model *m, const struct cov_plan *p, int zh)
{
    for (size_t k = 0; k < p->n_scopes; k++) {
        const struct cov_scope_result *r = &p->scopes[k];
        const char *name = r->area >= 0 ? m->areas[p->scope][r->area].name : NULL;
        if (!name)
            name = zh ? "（无所属区域）" : "(no area)";
        if (zh && r->optimal)
            fprintf(f, "  %s：纳入 %ld / 候选 %ld，最优（已证明）\n", name, r->covered,
                    r->candidates);
        else if (zh)
            fprintf(f, "  %s：纳入 %ld / 候选 %ld，上限 %ld，差距 %ld%s\n", name, r->covered,
                    r->candidates, r->bound, r->bound - r->covered,
                    r->too_large   ? "（部分超出精确求解规模，用启发式方案）"
                    : r->heuristic ? "（时限内未求解，用启发式方案）"
                                   : "（时限内未证明）");
        else if (r->optimal)
            fprintf(f, "  %s: %ld of %ld covered, optimal (proven)\n", name, r->covered,
                    r->candidates);
        else
            fprintf(f, "  %s: %ld of %ld covered, bound %ld, gap %ld%s\n", name, r->covered,
                    r->candidates, r->bound, r->bound - r->covered,
                    r->too_large   ? " (partly too large for the exact method: heuristic plan)"
                    : r->heuristic ? " (not solved within the time limit: heuristic plan)"
                                   : " (not proven within the time limit)");
    }
    if (zh)
        fprintf(f, "精确求解：%ld / %zu 个区域已证明最优，差距合计 %ld 个单位\n", p->optimal_scopes,
                p->n_scopes, p->gap);
    else
        fprintf(f, "exact: %ld of %zu scopes proven optimal, total gap %ld units\n",
                p->optimal_scopes, p->n_scopes, p->gap);
}

/* On stderr: the scopes exact mode did not prove optimal, and why; a plan is there all the same. */
static void warn_unproven(const struct cli_ctx *ctx, const struct cov_model *m,
                          const struct cov_plan *p)
{
    long n = (long)p->n_scopes - p->optimal_scopes, shown = 0, large = 0;
    if (n <= 0 || ctx->quiet)
        return;
    int zh = ctx->lang == COV_LANG_ZH;
    char names[1024] = "";
    size_t off = 0;
    for (size_t k = 0; k < p->n_scopes; k++) {
        const struct cov_scope_result *r = &p->scopes[k];
        if (r->optimal)
            continue;
        large += r->too_large;
        if (shown++ >= 8)
            continue;
        const char *name = r->area >= 0 ? m->areas[p->scope][r->area].name : NULL;
        if (!name)
            name = zh ? "（无所属区域）" : "(no area)";
        if (off < sizeof(names))
            off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
                                    shown > 1 ? (zh ? "、" : ", ") : "", name);
    }
    long slow = n - large;
    char why[256];
    if (zh)
        /* "%.0ld": a count of 0 prints nothing, and neither does its text */
        snprintf(why, sizeof(why), "%.0ld%s%s%.0ld%s", large,
                 large ? " 个有部分超出精确求解规模（--exact-max-units），用启发式方案" : "",
                 large && slow ? "；" : "", slow, slow ? " 个在时限内未证明（--time-limit）" : "");
    else
        snprintf(why, sizeof(why), "%.0ld%s%s%.0ld%s", large,
                 large ? " partly too large for the exact method (--exact-max-units), where "
                         "the heuristic's plan is kept"
                       : "",
                 large && slow ? "; " : "", slow,
                 slow ? " not proven within the time limit (--time-limit)" : "");
    if (zh)
        fprintf(stderr,
                "%s propose: 警告：%ld 个区域未证明最优（%s%s）：%s。方案照常给出；已证明最优的"
                "区域 %ld 个\n",
                ctx->prog, n, names, shown > 8 ? " 等" : "", why, p->optimal_scopes);
    else
        fprintf(stderr,
                "%s propose: warning: %ld scopes not proven optimal (%s%s): %s. The plan is "
                "complete all the same; %ld scopes are proven optimal\n",
                ctx->prog, n, names, shown > 8 ? ", ..." : "", why, p->optimal_scopes);
}

void cli_propose_write(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m,
                       const struct cov_plan *p, int fmt)
{
    if (fmt == CLI_FMT_JSON) {
        fprintf(f, "{\"groups\": [");
        for (size_t i = 0; i < p->n_groups; i++) {
            const struct cov_group *g = &p->groups[i];
            fprintf(f, "%s\n  {\"id\": %d, \"kind\": \"%s\", \"area\": ", i ? "," : "", g->id,
                    cov_group_kind_name(g->kind));
            cli_json_str(f, g->area >= 0 ? m->areas[g->area_layer][g->area].code : NULL);
            fprintf(f, ", \"members\": [");
            for (size_t k = 0; k < g->n_members; k++) {
                if (k)
                    fputs(", ", f);
                cli_json_str(f, m->orgs[g->members[k]].id);
            }
            fprintf(f, "], \"formal_members\": %d, \"diameter_m\": ", g->formal_members);
            cli_json_num(f, round(g->diameter_m * 10) / 10);
            fprintf(f, ", \"name\": ");
            cli_json_str(f, g->name);
            if (g->same_community)
                fprintf(f, ", \"same_community\": true");
            fprintf(f, "}");
        }
        fprintf(f, "\n], \"instructor\": [");
        for (size_t i = 0; i < p->n_instructor; i++) {
            fputs(i ? ", " : "", f);
            cli_json_str(f, m->orgs[p->instructor[i]].id);
        }
        fprintf(f,
                "],\n\"summary\": {\"candidates\": %ld, \"covered\": %ld, \"bound\": %ld, "
                "\"bound_simple\": ",
                p->candidates, p->covered, p->bound);
        if (p->bound_simple >= 0) /* -1: not known for the chosen areas */
            fprintf(f, "%ld", p->bound_simple);
        else
            fprintf(f, "null");
        fprintf(f, ", \"manual\": %ld, \"covered_over_bound\": ", p->n_manual);
        cli_json_num(f, p->bound ? (double)p->covered / (double)p->bound : NAN);
        fprintf(f,
                ", \"orgs_covered_before\": %ld, \"orgs_covered_after\": %ld, "
                "\"coverage_rate_after\": ",
                p->orgs_covered_before, p->orgs_covered_after);
        cli_json_num(f, p->coverage_rate_after);
        if (p->exact) {
            fprintf(f, ", \"optimal_scopes\": %ld, \"scopes\": %zu, \"gap\": %ld",
                    p->optimal_scopes, p->n_scopes, p->gap);
            fprintf(f, ",\n \"exact\": [");
            for (size_t k = 0; k < p->n_scopes; k++) {
                const struct cov_scope_result *r = &p->scopes[k];
                fprintf(f, "%s\n  {\"area\": ", k ? "," : "");
                cli_json_str(f, r->area >= 0 ? m->areas[p->scope][r->area].code : NULL);
                fprintf(f,
                        ", \"candidates\": %ld, \"covered\": %ld, \"bound\": %ld, "
                        "\"optimal\": %s, \"gap\": %ld, \"unproven\": ",
                        r->candidates, r->covered, r->bound, r->optimal ? "true" : "false",
                        r->bound - r->covered);
                cli_json_str(f, r->optimal ? NULL : r->too_large ? "too_large" : "time_limit");
                fprintf(f, ", \"seconds\": ");
                cli_json_num(f, round(r->seconds * 100) / 100);
                fprintf(f, "}");
            }
            fprintf(f, "]");
        }
        fprintf(f, "}}\n");
        return;
    }
    int zh = ctx->lang == COV_LANG_ZH;
    static const char *const hz[] = {"编号",   "类型",     "建议名称", "所在区域",
                                     "单位数", "正式党员", "直径(米)", "成员"};
    static const char *const he[] = {"id",    "kind",           "name",       "area",
                                     "units", "formal_members", "diameter_m", "members"};
    static const int right[] = {1, 0, 0, 0, 1, 1, 1, 0};
    struct cli_table t;
    cli_table_init(&t, 8, zh ? hz : he, right);
    for (size_t i = 0; i < p->n_groups; i++) {
        const struct cov_group *g = &p->groups[i];
        char b[4][32];
        snprintf(b[0], 32, "%d", g->id);
        snprintf(b[1], 32, "%zu", g->n_members);
        snprintf(b[2], 32, "%d", g->formal_members);
        snprintf(b[3], 32, "%.0f", g->diameter_m);
        /* members by name in the table, by id in csv (machine-readable) */
        size_t len = 1;
        for (size_t k = 0; k < g->n_members; k++) {
            const struct cov_org *o = &m->orgs[g->members[k]];
            len += strlen(fmt == CLI_FMT_CSV ? o->id : o->name) + 3;
        }
        char *mem = malloc(len), *q = mem;
        if (!mem)
            break;
        *q = 0;
        for (size_t k = 0; k < g->n_members; k++) {
            const struct cov_org *o = &m->orgs[g->members[k]];
            q += sprintf(q, "%s%s", k ? (fmt == CLI_FMT_CSV ? ";" : "、") : "",
                         fmt == CLI_FMT_CSV ? o->id : o->name);
        }
        char nm[600];
        snprintf(nm, sizeof(nm), "%s%s", g->name,
                 !g->same_community ? ""
                 : zh               ? "（同社区，按地址定位）"
                                    : " (same community, placed by address)");
        const char *cells[] = {
            b[0], zh ? cov_label_group_kind(g->kind, COV_LANG_ZH) : cov_group_kind_name(g->kind),
            nm,   g->area >= 0 ? m->areas[g->area_layer][g->area].name : "",
            b[1], b[2],
            b[3], mem};
        cli_table_add(&t, cells);
        free(mem);
    }
    cli_table_print(&t, f, fmt);
    cli_table_release(&t);
    if (fmt != CLI_FMT_TABLE)
        return;
    char r0[16], r1[16];
    /* over the organizations the plan counts: all, or those of the chosen areas
     * (cov_areasel_plan), whose number is after / rate_after */
    double before = p->orgs_covered_after > 0
                        ? p->coverage_rate_after * (double)p->orgs_covered_before /
                              (double)p->orgs_covered_after
                        : p->coverage_rate_after;
    if (zh) {
        fprintf(f, "\n方案：");
        for (int k = 0; k < COV_G_COUNT; k++)
            fprintf(f, "%s%s %ld 个（%ld 个单位）", k ? "，" : "",
                    cov_label_group_kind((enum cov_group_kind)k, COV_LANG_ZH), p->n_kind[k],
                    p->covered_kind[k]);
        fprintf(f, "；选派党建工作指导员 %zu 个单位\n", p->n_instructor);
        fprintf(f, "联合组建：候选 %ld 个单位，纳入 %ld 个，理论上限 %ld 个（%s）\n", p->candidates,
                p->covered, p->bound,
                cli_pct(r0, sizeof(r0), p->bound ? (double)p->covered / (double)p->bound : NAN));
        fprintf(f, "党的组织覆盖率：现在 %s，方案实施后 %s\n", cli_pct(r0, sizeof(r0), before),
                cli_pct(r1, sizeof(r1), p->coverage_rate_after));
        if (p->n_manual)
            fprintf(f,
                    "另有 %ld 个党员不足的单位只定位到街道、区县或未能定位，无法按距离联合组建，"
                    "需人工研究（orgcover organizations --placed street 等列出）\n",
                    p->n_manual);
        if (p->exact)
            write_exact(f, m, p, 1);
    } else {
        fprintf(f, "\nplan:");
        for (int k = 0; k < COV_G_COUNT; k++)
            fprintf(f, "%s %ld %s (%ld units)", k ? "," : "", p->n_kind[k],
                    cov_group_kind_name((enum cov_group_kind)k), p->covered_kind[k]);
        fprintf(f, "; instructor for %zu units\n", p->n_instructor);
        fprintf(f, "joint branches: %ld candidates, %ld covered, upper bound %ld (%s)\n",
                p->candidates, p->covered, p->bound,
                cli_pct(r0, sizeof(r0), p->bound ? (double)p->covered / (double)p->bound : NAN));
        fprintf(f, "coverage rate: now %s, after the plan %s\n", cli_pct(r0, sizeof(r0), before),
                cli_pct(r1, sizeof(r1), p->coverage_rate_after));
        if (p->n_manual)
            fprintf(f,
                    "%ld more units with too few members are placed only to a street or district "
                    "(or nowhere): no distance to group them by; handle them by hand "
                    "('orgcover organizations --placed street' lists them)\n",
                    p->n_manual);
        if (p->exact)
            write_exact(f, m, p, 0);
    }
}

int cli_cmd_propose(int argc, char **argv, struct cli_ctx *ctx)
{
    int scope = -1, max_units = 0, min_members = 0, exact = 0, no_memberless = 0, save = 0;
    int greedy = 0, exact_max = 0;
    double max_dist = 0, time_limit = 0;
    struct cli_args args;
    int ec;
    const struct cli_option opts[] = {
        CLI_OPT_INCLUDE(cli_opts_area, NULL),
        CLI_OPT_CALLBACK(0, "scope", "LAYER", &scope, set_scope,
                         N_("joint branches stay within one street (default), district or "
                            "community")),
        CLI_OPT_INT(0, "max-units", "N", &max_units, 2, 200,
                    N_("expected a whole number, 2 to 200"),
                    N_("most units in a joint branch (joint_max_units, 5)")),
        CLI_OPT_INT(0, "min-members", "N", &min_members, 1, 1000,
                    N_("expected a whole number >= 1"),
                    N_("formal members a joint branch needs (joint_min_members, 3)")),
        CLI_OPT_POSITIVE(0, "max-distance", "M", &max_dist, 0, N_("expected metres > 0"),
                         N_("metres between any two units (joint_max_distance_m, 3000)")),
        CLI_OPT_FLAG(0, "exact", &exact,
                     N_("joint branches proven optimal per scope by a MIP solver; a scope not "
                        "proven within the time limit keeps the best plan found and reports its "
                        "gap")),
        CLI_OPT_POSITIVE(0, "time-limit", "S", &time_limit, 1000000, N_("expected seconds > 0"),
                         N_("exact mode: solver seconds per scope")),
        CLI_OPT_INT(0, "exact-max-units", "N", &exact_max, 2, 1000000,
                    N_("expected a whole number >= 2"),
                    N_("exact mode: most candidates in one part of a scope (units within reach of "
                       "each other) the solver takes; a larger part keeps the heuristic's plan and "
                       "its scope is reported not proven optimal")),
        CLI_OPT_FLAG(0, "no-memberless", &no_memberless,
                     N_("leave organizations without members out of joint branches")),
        CLI_OPT_FLAG(0, "greedy", &greedy,
                     N_("for comparison: form joint branches with a plain greedy (seed on the "
                        "richest, add the nearest until full)")),
        CLI_OPT_INCLUDE(cli_opts_format_geo, NULL),
        CLI_OPT_INCLUDE(cli_opts_output, N_("the groups: one feature per group, members linked to "
                                            "the medoid; .json: the --format json text")),
        CLI_OPT_INCLUDE(cli_opts_t_srs, NULL),
        CLI_OPT_FLAG(0, "save", &save,
                     N_("keep the plan in the project (tables plan_groups, plan_members, "
                        "plan_instructor) for 'render --theme plan' and 'status --plan'")),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse(ctx, &usage, opts, &args, argc, argv)) != CLI_GO)
        return ec;
    if (time_limit > 0 && !exact)
        return cli_usage_error(ctx, usage.synopsis, _("--time-limit only applies with --exact"));
    if (exact_max && !exact)
        return cli_usage_error(ctx, usage.synopsis,
                               _("--exact-max-units only applies with --exact"));
    if (greedy && exact)
        return cli_usage_error(ctx, usage.synopsis, _("--greedy and --exact exclude each other"));
    struct cov_model *m = NULL;
    if ((ec = cli_load_model_areas(ctx, &usage, &args, &m)) != CLI_GO)
        return ec;
    const char *out = args.out;
    struct cov_propose_opts po;
    cov_propose_opts_init(&po, &m->policy);
    if (scope >= 0)
        po.scope = scope;
    if (max_units)
        po.max_units = max_units;
    if (min_members)
        po.min_members = min_members;
    if (max_dist > 0)
        po.max_distance_m = max_dist;
    po.exact = exact;
    if (time_limit > 0)
        po.time_limit_s = time_limit;
    po.exact_max_units = exact_max;
    po.no_memberless = no_memberless;
    po.baseline = greedy;

    struct cov_err err;
    cov_err_init(&err);
    struct cov_plan *plan = NULL, *whole = NULL;
    int rc = cov_propose(m, &po, &plan, cli_progress, ctx, &err);
    if (rc)
        goto cleanup;
    if (plan->exact)
        warn_unproven(ctx, m, plan);
    if (save) {
        if ((rc = geo_plan_save(ctx->store, m, plan, &po, &err)))
            goto cleanup;
        if (!ctx->quiet)
            fprintf(stderr, _("%s propose: plan saved in %s (%zu groups)\n"), ctx->prog,
                    ctx->db_path, plan->n_groups);
    }
    if (cov_areasel_active(args.sel)) { /* what of it concerns the chosen areas */
        whole = plan;
        if (!(plan = cov_areasel_plan(args.sel, whole))) {
            rc = cov_err_set(&err, COV_ENOMEM, _("out of memory"));
            goto cleanup;
        }
    }
    if (out && cli_is_json_path(out)) {
        rc = propose_json_file(ctx, m, plan, out, &err);
        goto cleanup;
    }
    if (out || args.fmt == CLI_FMT_GEOJSON) {
        struct cli_export x;
        if (out)
            cli_export_init(&x, ctx, &args);
        else
            cli_export_init_stdout(&x, &args);
        rc = cli_propose_export(m, plan, out ? out : "/vsistdout/", out ? NULL : ".geojson", &x,
                                &err);
        if (!rc && out && !ctx->quiet)
            fprintf(stderr, _("%s propose: wrote %zu groups to %s\n"), ctx->prog, plan->n_groups,
                    out);
        if (!out || rc)
            goto cleanup;
    }
    cli_propose_write(stdout, ctx, m, plan, args.fmt);
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    cov_plan_free(plan);
    cov_plan_free(whole);
    cli_args_release(&args);
    cov_model_free(m);
    return cli_exit_for(rc);
}
