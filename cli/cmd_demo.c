/* cmd_demo.c - orgcover demo: the Lianyungang sample project, end to end. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../analysis/coverage.h"
#include "../analysis/i18n.h"
#include "../analysis/propose.h"
#include "../analysis/targets.h"
#include "../analysis/place.h"
#include "../geodata/import.h"
#include "../render/map.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover demo [DIR] [--data DIR] [--force]",
    .about = N_("Build the Lianyungang (连云港) sample project in DIR (default orgcover-demo/):\n"
                "import its six layers, analyse coverage, check the targets, propose a plan,\n"
                "and draw the maps; then say where everything went. Running it again starts\n"
                "the project afresh. It writes only into a folder it made itself (it leaves a\n"
                "file .orgcover-demo there): a folder holding a project store or any file the\n"
                "demo would write is refused unless --force is given. The store is always\n"
                "DIR/orgcover.sqlite, so the global --db is refused.\n"),
    .max_args = 1,
};

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the sample data lives; writes into buf. 0 found, -1 not. */
static int find_data(const char *given, char *buf, size_t n)
{
    if (given) {
        snprintf(buf, n, "%s", given);
        return is_dir(buf) ? 0 : -1;
    }
    const char *env = getenv("ORGCOVER_DATA");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        if (is_dir(buf))
            return 0;
    }
    snprintf(buf, n, "data/lianyungang");
    if (is_dir(buf))
        return 0;
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        static const char *const rel[] = {"../data/lianyungang", "../../data/lianyungang",
                                          "../share/orgcover/lianyungang"};
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
            int w = snprintf(buf, n, "%s/%s", exe, rel[i]);
            if (w > 0 && (size_t)w < n && is_dir(buf))
                return 0;
        }
    }
    return -1;
}

static const struct {
    enum cov_layer layer;
    const char *file;
} sample[] = {
    {COV_DISTRICTS, "districts.geojson"}, {COV_STREETS, "streets.gpkg"},
    {COV_COMMUNITIES, "communities.shp"}, {COV_PARKS, "parks.geojson"},
    {COV_BUILDINGS, "buildings.geojson"}, {COV_ORGANIZATIONS, "organizations-register.xlsx"},
};

/* The text and JSON reports the demo writes, by the same writers the commands use. */
enum report { R_STATUS_TXT, R_STATUS_JSON, R_TARGETS_JSON, R_PLAN_TXT };
static const struct {
    const char *file;
    enum report kind;
} reports[] = {
    {"status.txt", R_STATUS_TXT},
    {"status.json", R_STATUS_JSON},
    {"targets.json", R_TARGETS_JSON},
    {"plan.txt", R_PLAN_TXT},
};

struct report_job {
    enum report kind;
    const struct cli_ctx *ctx;
    const struct cov_model *m;
    const struct cov_targets *tg;
    const struct cov_plan *plan;
};

static int report_fn(FILE *f, void *user, struct cov_err *err)
{
    const struct report_job *j = user;
    const struct cli_ctx *ctx = j->ctx;
    const struct cov_model *m = j->m;
    const struct cov_targets *tg = j->tg;
    const struct cov_plan *plan = j->plan;
    int rc = 0;
    switch (j->kind) {
    case R_STATUS_TXT:
        rc = cli_status_write(f, ctx, m, NULL, COV_DISTRICTS, 0, CLI_FMT_TABLE, NULL, err);
        break;
    case R_STATUS_JSON:
        rc = cli_status_write(f, ctx, m, NULL, COV_STREETS, 0, CLI_FMT_JSON, plan, err);
        break;
    case R_TARGETS_JSON:
        cli_targets_write(f, ctx, m, NULL, tg, CLI_FMT_JSON, 0);
        break;
    case R_PLAN_TXT:
        cli_propose_write(f, ctx, m, plan, CLI_FMT_TABLE);
        break;
    }
    return rc;
}

/* Written atomically (cli_write_text): a failed report leaves no file. */
static int write_report(const char *path, enum report kind, const struct cli_ctx *ctx,
                        const struct cov_model *m, const struct cov_targets *tg,
                        const struct cov_plan *plan, struct cov_err *err)
{
    struct report_job j = {kind, ctx, m, tg, plan};
    return cli_write_text(path, report_fn, &j, err);
}

/* Left in every folder the demo builds: its files there may be replaced. */
static const char marker[] = ".orgcover-demo";
static const char *const other_outputs[] = {
    "orgcover.sqlite", "uncovered.xlsx",      "plan.gpkg",
    "coverage.png",    "coverage.pdf",        "targets.png",
    "plan.png",        "atlas-districts.pdf", "orgcover.sqlite-journal",
};

/*
 * The demo never touches what it did not create: in a folder without the
 * marker, any file it would write (the store first of all) is refused
 * unless --force. Returns 0 or a status after setting err.
 */
static int check_dir(const char *dir, int force, struct cov_err *err)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof(p), "%s/%s", dir, marker);
    if (force || !is_dir(dir) || access(p, F_OK) == 0)
        return 0;
    const char *found = NULL;
    for (size_t i = 0; i < sizeof(other_outputs) / sizeof(other_outputs[0]) && !found; i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, other_outputs[i]);
        if (access(p, F_OK) == 0)
            found = other_outputs[i];
    }
    for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]) && !found; i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, reports[i].file);
        if (access(p, F_OK) == 0)
            found = reports[i].file;
    }
    if (!found)
        return 0;
    return cov_err_set(err, COV_EFAIL,
                       _("%s/%s exists and the demo did not make it; nothing was changed (the "
                         "demo writes only into a folder it made: choose a new folder, or add "
                         "--force to replace the demo's files in %s)"),
                       dir, found, dir);
}

int cli_cmd_demo(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *data_arg = NULL;
    int force = 0;
    struct cli_args args;
    int ec;
    const struct cli_option opts[] = {
        CLI_OPT_STRING(0, "data", "DIR", &data_arg,
                       N_("the sample data (default: $ORGCOVER_DATA, ./data/lianyungang, or next "
                          "to the program: ../data/lianyungang, ../share/orgcover/lianyungang)")),
        CLI_OPT_FLAG(0, "force", &force,
                     N_("replace the demo's files in DIR even though the demo did not make it")),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse(ctx, &usage, opts, &args, argc, argv)) != CLI_GO)
        return ec;
    const char *dir = args.npos ? args.pos[0] : "orgcover-demo";
    if (ctx->db_given)
        return cli_usage_error(
            ctx, usage.synopsis,
            _("--db %s: the demo always builds its own store, %s/orgcover.sqlite "
              "(leave out --db, or give the folder as DIR)"),
            ctx->db_path, dir);

    struct cov_err err;
    cov_err_init(&err);
    struct cov_model *m = NULL;
    struct cov_targets tg = {0};
    struct cov_plan *plan = NULL;
    int rc = COV_OK;
    char data[PATH_MAX], db[PATH_MAX], path[PATH_MAX + 64];
    char outputs[16][PATH_MAX + 64];
    int n_out = 0;
    int zh = ctx->lang == COV_LANG_ZH;

    if (find_data(data_arg, data, sizeof(data))) {
        rc = cov_err_set(&err, COV_EIO,
                         _("cannot find the sample data (looked in %s); give it with --data DIR"),
                         data_arg ? data_arg
                                  : _("$ORGCOVER_DATA, ./data/lianyungang and next to "
                                      "the program"));
        goto cleanup;
    }
    if ((rc = check_dir(dir, force, &err)))
        goto cleanup;
    if (mkdir(dir, 0777) && errno != EEXIST) {
        rc = cov_err_set(&err, COV_EIO, _("%s: cannot create the folder (%s)"), dir,
                         strerror(errno));
        goto cleanup;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, marker);
    FILE *mf = fopen(path, "w");
    if (!mf ||
        fputs("made by 'orgcover demo', which may replace the files in this folder\n", mf) < 0) {
        rc = cov_err_set(&err, COV_EIO, _("%s: cannot write (%s)"), path, strerror(errno));
        if (mf)
            fclose(mf);
        goto cleanup;
    }
    if (fclose(mf)) {
        rc = cov_err_set(&err, COV_EIO, _("%s: cannot write (%s)"), path, strerror(errno));
        goto cleanup;
    }
    snprintf(db, sizeof(db), "%s/orgcover.sqlite", dir);
    unlink(db); /* the demo starts afresh: the folder is its own (check_dir) */
    ctx->db_path = db;
    ctx->flags = CLI_STORE | CLI_STORE_CREATE;
    if (cli_open_store(ctx)) {
        rc = COV_EIO;
        goto cleanup;
    }

    /* 1. import */
    for (size_t i = 0; i < sizeof(sample) / sizeof(sample[0]); i++) {
        struct geo_import_opts io = {0};
        struct geo_import_result res = {0};
        char src[PATH_MAX + 64];
        snprintf(src, sizeof(src), "%s/%s", data, sample[i].file);
        io.s_srs = "GCJ02"; /* the sample, like most planners' data, comes from a web map */
        io.mode = GEO_IMPORT_NEW;
        io.progress = cli_progress;
        io.progress_user = ctx;
        rc = geo_import(ctx->store, sample[i].layer, src, &io, &res, &err);
        geo_import_result_release(&res);
        if (rc)
            goto cleanup;
        printf(zh ? "导入 %-13s %6ld 条  ← %s\n" : "imported %-13s %6ld  <- %s\n",
               cov_layer_name(sample[i].layer), res.imported, src);
        /* The sample's register, like most, has few coordinates: say how
         * precisely its rows could be placed. */
        if (res.placed_known)
            printf(zh ? "     定位：按坐标 %ld，到社区/村 %ld，到街道/乡镇 %ld，仅到县区 "
                        "%ld，未能定位 "
                        "%ld\n"
                      : "     placed: %ld by coordinates, %ld to a community, %ld to a street, %ld "
                        "to a district only, %ld nowhere\n",
                   res.placed[COV_PLACED_POINT], res.placed[COV_PLACED_COMMUNITY],
                   res.placed[COV_PLACED_STREET], res.placed[COV_PLACED_DISTRICT],
                   res.placed[COV_PLACED_NONE]);
    }
    if ((rc = geo_store_meta_set(
             ctx->store, "attribution",
             zh ? "边界：Vonng/adcode（CC BY 4.0），街道、社区范围与社会组织为合成数据"
                : "Boundaries: Vonng/adcode (CC BY 4.0); streets, communities "
                  "and organizations synthesized",
             &err)) ||
        (rc = geo_store_meta_set(ctx->store, "data_date", "2016 区划 / 2018 边界", &err)))
        goto cleanup;

    /* 2. analyse */
    ec = cli_load_model(ctx, GEO_ALL_LAYERS, &m);
    if (ec) {
        rc = COV_EFAIL;
        goto cleanup;
    }
    if ((rc = cov_targets_compute(m, &tg, &err)))
        goto cleanup;
    int saved; /* a fresh store has no saved plan: this is the policy's default plan */
    if ((rc = cli_plan_get(ctx, m, 0, &plan, &saved, &err)))
        goto cleanup;

    /* 3. reports */
    for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, reports[i].file);
        if ((rc = write_report(path, reports[i].kind, ctx, m, &tg, plan, &err)))
            goto cleanup;
        snprintf(outputs[n_out++], sizeof(outputs[0]), "%s", path);
    }
    struct cov_filter flt;
    cov_filter_init(&flt);
    flt.uncovered_only = 1;
    size_t n_unc;
    size_t *idx = cli_uncovered_select(m, &flt, &n_unc);
    if (!idx) {
        rc = cov_err_set(&err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    snprintf(path, sizeof(path), "%s/uncovered.xlsx", dir);
    struct cli_export x;
    cli_export_init(&x, ctx, NULL);
    rc = cli_uncovered_export(m, idx, n_unc, path, NULL, &x, &err);
    free(idx);
    if (rc)
        goto cleanup;
    snprintf(outputs[n_out++], sizeof(outputs[0]), "%s", path);
    snprintf(path, sizeof(path), "%s/plan.gpkg", dir);
    if ((rc = cli_propose_export(m, plan, path, NULL, &x, &err)))
        goto cleanup;
    snprintf(outputs[n_out++], sizeof(outputs[0]), "%s", path);

    /* 4. maps */
    static const struct {
        enum map_theme theme;
        const char *file;
        int atlas;
    } maps[] = {
        {MAP_THEME_COVERAGE, "coverage.png", -1},
        {MAP_THEME_COVERAGE, "coverage.pdf", -1},
        {MAP_THEME_TARGETS, "targets.png", -1},
        {MAP_THEME_PLAN, "plan.png", -1},
        {MAP_THEME_COVERAGE, "atlas-districts.pdf", COV_DISTRICTS},
    };
    char *attr = geo_store_meta_get(ctx->store, "attribution");
    char *date = geo_store_meta_get(ctx->store, "data_date");
    for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]) && !rc; i++) {
        struct map_opts mo;
        map_opts_init(&mo);
        snprintf(path, sizeof(path), "%s/%s", dir, maps[i].file);
        mo.path = path;
        mo.theme = maps[i].theme;
        mo.lang_en = !zh;
        mo.attribution = attr;
        mo.data_date = date;
        mo.targets = &tg;
        mo.plan = plan;
        rc = cli_render_file(ctx, m, maps[i].atlas, &mo, &err);
        if (!rc)
            snprintf(outputs[n_out++], sizeof(outputs[0]), "%s", path);
    }
    free(attr);
    free(date);
    if (rc)
        goto cleanup;

    /* 5. say what happened and where it went */
    struct cov_summary s;
    if ((rc = cov_summarize(m, -1, &s, NULL, &err)))
        goto cleanup;
    char r0[16], r1[16], r2[16];
    printf("\n");
    if (zh) {
        printf("连云港示例：%ld 个社会组织，%zu 个社区/村\n", s.organizations,
               m->n_areas[COV_COMMUNITIES]);
        printf("  党的组织覆盖率 %s（目标 %s）%s\n", cli_pct(r0, 16, s.coverage_rate),
               cli_pct(r1, 16, tg.targets[COV_T_COVERAGE_RATE].threshold),
               tg.targets[COV_T_COVERAGE_RATE].met ? "达标" : "未达标");
        printf("  单独组建率     %s（目标 %s）%s\n", cli_pct(r0, 16, s.standalone_rate),
               cli_pct(r1, 16, tg.targets[COV_T_STANDALONE_RATE].threshold),
               tg.targets[COV_T_STANDALONE_RATE].met ? "达标" : "未达标");
        printf("  城市社区达标 %.0f / %.0f，农村社区达标 %.0f / %.0f\n",
               tg.targets[COV_T_URBAN].value, tg.targets[COV_T_URBAN].threshold,
               tg.targets[COV_T_RURAL].value, tg.targets[COV_T_RURAL].threshold);
        printf("  建议方案实施后覆盖率 %s\n", cli_pct(r2, 16, plan->coverage_rate_after));
        printf("\n输出：\n  项目库   %s\n", db);
    } else {
        printf("Lianyungang sample: %ld organizations, %zu communities\n", s.organizations,
               m->n_areas[COV_COMMUNITIES]);
        printf("  coverage rate   %s (target %s) %s\n", cli_pct(r0, 16, s.coverage_rate),
               cli_pct(r1, 16, tg.targets[COV_T_COVERAGE_RATE].threshold),
               tg.targets[COV_T_COVERAGE_RATE].met ? "met" : "MISSED");
        printf("  standalone rate %s (target %s) %s\n", cli_pct(r0, 16, s.standalone_rate),
               cli_pct(r1, 16, tg.targets[COV_T_STANDALONE_RATE].threshold),
               tg.targets[COV_T_STANDALONE_RATE].met ? "met" : "MISSED");
        printf("  urban communities meeting the target %.0f / %.0f, rural %.0f / %.0f\n",
               tg.targets[COV_T_URBAN].value, tg.targets[COV_T_URBAN].threshold,
               tg.targets[COV_T_RURAL].value, tg.targets[COV_T_RURAL].threshold);
        printf("  coverage rate after the proposed plan %s\n",
               cli_pct(r2, 16, plan->coverage_rate_after));
        printf("\nOutputs:\n  store    %s\n", db);
    }
    for (int i = 0; i < n_out; i++)
        printf("  %s %s\n",
               strstr(outputs[i], ".png") || strstr(outputs[i], ".pdf")
                   ? (zh ? "地图    " : "map     ")
                   : (zh ? "报告    " : "report  "),
               outputs[i]);
    printf(zh ? "\n接着试试：%s --db %s status --by district\n"
              : "\nNext: %s --db %s status --by district\n",
           strchr(ctx->argv0, '/') ? ctx->argv0 : "orgcover", db);
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    cov_targets_release(&tg);
    cov_plan_free(plan);
    cov_model_free(m);
    return cli_exit_for(rc);
}
