/*
 * cmd_organizations.c - orgcover organizations: every organization with where
 * and how precisely it was placed, for checking and fixing in Excel.
 */
#include <stdlib.h>
#include <string.h>

#include "../analysis/geos.h"
#include "../analysis/coverage.h"
#include "../analysis/i18n.h"
#include "../analysis/place.h"
#include "../geodata/export.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] organizations [--district X] [--street X] [--community X] "
                "[--placed point|community|street|district|none] "
                "[--format table|csv|json|geojson] [-o FILE [--t-srs SRS]]",
    .about = N_("List every organization with the district, street and community it is\n"
                "placed in, how precisely (placed) and by what (placed_by: coordinates, the\n"
                "community or street column, the address, the credit code). Organizations\n"
                "placed to a street count in that street and its district but in no\n"
                "community; those placed nowhere count only in the totals.\n"
                "\n"
                "To place more of them: 'orgcover organizations --placed none -o 待定位.xlsx',\n"
                "add 经度/纬度 (e.g. from a batch-geocoding service), then\n"
                "'orgcover import organizations 待定位.xlsx --update --s-srs GCJ02'.\n"),
};

static int set_placed(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    int placed = cov_placed_find(arg);
    if (placed < 0)
        return cli_opt_error(p,
                             _("--placed: '%s' (expected point, community, street, district or "
                               "none)"),
                             arg);
    *(int *)o->value = placed;
    return CLI_GO;
}

/* The columns of -o (docs/FORMATS.md "organizations"); 所属社区/所属街道 are the register's
 * own columns, under the names the importer reads back ('import --update'). */
enum { NCOLS = 19 };
static const struct cli_col export_cols[NCOLS] = {
    {"统一社会信用代码", "id", GEO_COL_TEXT, "信用码"},
    {"名称", "name", GEO_COL_TEXT, NULL},
    {"类型", "kind", GEO_COL_TEXT, NULL},
    {"正式党员数", "formal_members", GEO_COL_INT, "党员数"},
    {"覆盖情况", "status", GEO_COL_TEXT, "覆盖"},
    {"县区代码", "district_code", GEO_COL_TEXT, "县区码"},
    {"县区", "district", GEO_COL_TEXT, NULL},
    {"街道代码", "street_code", GEO_COL_TEXT, "街道码"},
    {"街道/乡镇", "street", GEO_COL_TEXT, "街道"},
    {"社区代码", "community_code", GEO_COL_TEXT, "社区码"},
    {"社区/村", "community", GEO_COL_TEXT, NULL},
    {"定位精度", "placed", GEO_COL_TEXT, "定位"},
    {"定位依据", "placed_by", GEO_COL_TEXT, "依据"},
    {"住所", "address", GEO_COL_TEXT, NULL},
    {"所属社区", "community_given", GEO_COL_TEXT, "原社区"},
    {"所属街道", "street_given", GEO_COL_TEXT, "原街道"},
    {"登记管理机关", "authority", GEO_COL_TEXT, "机关"},
    {"业务主管单位", "supervisor", GEO_COL_TEXT, "主管"},
    {"成立登记日期", "reg_date", GEO_COL_TEXT, "成立日"},
};

static const char *area_field(const struct cov_model *m, const struct cov_org *o, int layer,
                              int code)
{
    int32_t a = o->area[layer];
    if (a < 0)
        return NULL;
    return code ? m->areas[layer][a].code : m->areas[layer][a].name;
}

static void fill_cells(const struct cov_model *m, const struct cov_org *o,
                       const struct cli_export *x, struct cli_org_buf *b, const char **cells)
{
    snprintf(b->num, sizeof(b->num), "%d", o->formal_members);
    enum cov_placed placed = (enum cov_placed)o->placed;
    const char *v[NCOLS] = {
        o->id,
        o->name,
        o->kind,
        b->num,
        cov_label_status_p(o->status, &m->policy, x->lang, b->status, sizeof(b->status)),
        area_field(m, o, COV_DISTRICTS, 1),
        area_field(m, o, COV_DISTRICTS, 0),
        area_field(m, o, COV_STREETS, 1),
        area_field(m, o, COV_STREETS, 0),
        area_field(m, o, COV_COMMUNITIES, 1),
        area_field(m, o, COV_COMMUNITIES, 0),
        cov_label_placed(placed, x->lang),
        placed == COV_PLACED_NONE ? NULL : cov_label_source((enum cov_source)o->placed_by, x->lang),
        o->address,
        o->community_ref,
        o->street_ref,
        o->authority,
        o->supervisor,
        o->reg_date,
    };
    memcpy(cells, v, sizeof(v));
}

static void print_json(const struct cov_model *m, const size_t *idx, size_t n)
{
    printf("{\"organizations\": [");
    for (size_t i = 0; i < n; i++) {
        const struct cov_org *o = &m->orgs[idx[i]];
        printf("%s\n  {\"id\": ", i ? "," : "");
        cli_json_str(stdout, o->id);
        cli_json_kv(stdout, "name", o->name);
        cli_json_kv(stdout, "district", area_field(m, o, COV_DISTRICTS, 1));
        cli_json_kv(stdout, "street", area_field(m, o, COV_STREETS, 1));
        cli_json_kv(stdout, "community", area_field(m, o, COV_COMMUNITIES, 1));
        printf(", \"placed\": \"%s\", \"placed_by\": ",
               cov_placed_name((enum cov_placed)o->placed));
        cli_json_str(stdout, o->placed == COV_PLACED_NONE
                                 ? NULL
                                 : cov_source_name((enum cov_source)o->placed_by));
        cli_json_kv(stdout, "address", o->address);
        printf(", \"status\": \"%s\", \"formal_members\": %d, \"kind\": ",
               cov_status_name(o->status), o->formal_members);
        cli_json_str(stdout, o->kind);
        cli_json_kv(stdout, "authority", o->authority);
        cli_json_kv(stdout, "supervisor", o->supervisor);
        cli_json_kv(stdout, "legal_rep", o->legal_rep);
        cli_json_kv(stdout, "reg_date", o->reg_date);
        printf("}");
    }
    printf("\n]}\n");
}

static int print_table(const struct cli_ctx *ctx, const struct cov_model *m, const size_t *idx,
                       size_t n, int fmt, struct cov_err *err)
{
    int zh = ctx->lang == COV_LANG_ZH;
    static const char *const hz[] = {"统一社会信用代码", "名称", "县区", "街道/乡镇",
                                     "社区/村",          "定位", "依据", "住所"};
    static const char *const he[] = {"id",        "name",   "district",  "street",
                                     "community", "placed", "placed_by", "address"};
    struct cli_table t;
    cli_table_init(&t, 8, zh ? hz : he, NULL);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const struct cov_org *o = &m->orgs[idx[i]];
        enum cov_placed p = (enum cov_placed)o->placed;
        enum cov_source s = (enum cov_source)o->placed_by;
        const char *cells[] = {o->id,
                               o->name,
                               area_field(m, o, COV_DISTRICTS, 0),
                               area_field(m, o, COV_STREETS, 0),
                               area_field(m, o, COV_COMMUNITIES, 0),
                               zh ? cov_label_placed(p, COV_LANG_ZH) : cov_placed_name(p),
                               p == COV_PLACED_NONE ? ""
                               : zh                 ? cov_label_source(s, COV_LANG_ZH)
                                                    : cov_source_name(s),
                               o->address};
        for (int c = 0; c < 8; c++)
            if (!cells[c])
                cells[c] = "";
        if (cli_table_add(&t, cells))
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory"));
    }
    if (!rc)
        cli_table_print(&t, stdout, fmt);
    cli_table_release(&t);
    if (!rc && fmt == CLI_FMT_TABLE && !ctx->quiet)
        fprintf(stderr, zh ? "共 %zu 个社会组织\n" : "%zu organizations\n", n);
    return rc;
}

int cli_cmd_organizations(int argc, char **argv, struct cli_ctx *ctx)
{
    int placed = -1;
    struct cli_args args;
    int ec;
    struct cov_model *m;
    const struct cli_option opts[] = {
        CLI_OPT_INCLUDE(cli_opts_area, NULL),
        CLI_OPT_CALLBACK(0, "placed", "LEVEL", &placed, set_placed,
                         N_("only those placed this precisely: point, community, street, "
                            "district or none")),
        CLI_OPT_INCLUDE(cli_opts_format_geo, NULL),
        CLI_OPT_INCLUDE(cli_opts_output,
                        N_("a point only for organizations placed by their coordinates")),
        CLI_OPT_INCLUDE(cli_opts_t_srs, NULL),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse_model(ctx, &usage, opts, &args, argc, argv, &m)) != CLI_GO)
        return ec;
    int rc = COV_OK;
    struct cov_filter flt;
    cov_filter_init(&flt);
    cli_args_filter(&args, &flt);
    struct cov_err err;
    cov_err_init(&err);
    size_t n = 0;
    size_t *idx = cli_uncovered_select(m, &flt, &n);
    if (!idx) {
        rc = cov_err_set(&err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }
    if (placed >= 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (m->orgs[idx[i]].placed == placed)
                idx[k++] = idx[i];
        n = k;
    }
    if (args.out || args.fmt == CLI_FMT_GEOJSON) {
        struct cli_export x;
        if (args.out)
            cli_export_init(&x, ctx, &args);
        else
            cli_export_init_stdout(&x, &args);
        rc = cli_orgs_export(m, idx, n, args.out ? args.out : "/vsistdout/",
                             args.out ? NULL : ".geojson", "organizations", export_cols, NCOLS,
                             fill_cells, &x, &err);
        if (!rc && args.out && !ctx->quiet)
            fprintf(stderr, _("%s organizations: wrote %zu organizations to %s\n"), ctx->prog, n,
                    args.out);
    } else if (args.fmt == CLI_FMT_JSON) {
        print_json(m, idx, n);
    } else {
        rc = print_table(ctx, m, idx, n, args.fmt, &err);
    }
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    free(idx);
    cli_args_release(&args);
    cov_model_free(m);
    return cli_exit_for(rc);
}
