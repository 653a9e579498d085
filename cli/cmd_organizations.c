/*
 * cmd_organizations.c - orgcover organizations: every organization with where
 * and how precisely it was placed, for checking and fixing in Excel.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/geos.h"
#include "../analysis/coverage.h"
#include "../analysis/place.h"
#include "../geodata/export.h"
#include "cli.h"

static const char synopsis[] =
    "orgcover [--db FILE] organizations [--district X] [--street X] [--community X] "
    "[--placed point|community|street|district|none] [--format table|csv|json|geojson] "
    "[-o FILE]";

static void help(void)
{
    printf("Usage: %s\n"
           "\n"
           "List every organization with the district, street and community it is\n"
           "placed in, how precisely (placed) and by what (placed_by: coordinates, the\n"
           "community or street column, the address, the credit code). Organizations\n"
           "placed to a street count in that street and its district but in no\n"
           "community; those placed nowhere count only in the totals.\n"
           "\n"
           "To place more of them: 'orgcover organizations --placed none -o 待定位.xlsx',\n"
           "add 经度/纬度 (e.g. from a batch-geocoding service), then\n"
           "'orgcover import organizations 待定位.xlsx --update --s-srs GCJ02'.\n"
           "\n"
           "Options:\n"
           "  --district X, --street X, --community X\n"
           "                      only organizations placed in this area (code or name)\n"
           "  --placed LEVEL      only those placed this precisely: point, community,\n"
           "                      street, district or none\n"
           "  --format F          table (default), csv, json or geojson\n"
           "  -o FILE             write to FILE; the extension picks the format:\n"
           "                      .xlsx .csv .gpkg .shp .geojson (a point only for\n"
           "                      organizations placed by their coordinates)\n"
           "  -h, --help          this help\n",
           synopsis);
}

enum { NCOLS = 19 };
static const struct geo_export_col export_cols[NCOLS] = {
    {"id", GEO_COL_TEXT},
    {"name", GEO_COL_TEXT},
    {"kind", GEO_COL_TEXT},
    {"formal_members", GEO_COL_INT},
    {"status", GEO_COL_TEXT},
    {"district_code", GEO_COL_TEXT},
    {"district", GEO_COL_TEXT},
    {"street_code", GEO_COL_TEXT},
    {"street", GEO_COL_TEXT},
    {"community_code", GEO_COL_TEXT},
    {"community", GEO_COL_TEXT},
    {"placed", GEO_COL_TEXT},
    {"placed_by", GEO_COL_TEXT},
    {"address", GEO_COL_TEXT},
    {"community_given", GEO_COL_TEXT},
    {"street_given", GEO_COL_TEXT},
    {"authority", GEO_COL_TEXT},
    {"supervisor", GEO_COL_TEXT},
    {"reg_date", GEO_COL_TEXT},
};

struct row_ctx {
    const struct cov_model *m;
    const size_t *idx;
    char members[16];
    GEOSGeometry *pt;
};

static const char *area_field(const struct cov_model *m, const struct cov_org *o, int layer,
                              int code)
{
    int32_t a = o->area[layer];
    if (a < 0)
        return NULL;
    return code ? m->areas[layer][a].code : m->areas[layer][a].name;
}

static void fill_cells(struct row_ctx *rc, const struct cov_org *o, const char **cells)
{
    const struct cov_model *m = rc->m;
    snprintf(rc->members, sizeof(rc->members), "%d", o->formal_members);
    const char *v[NCOLS] = {
        o->id,
        o->name,
        o->kind,
        rc->members,
        cov_status_name(o->status),
        area_field(m, o, COV_DISTRICTS, 1),
        area_field(m, o, COV_DISTRICTS, 0),
        area_field(m, o, COV_STREETS, 1),
        area_field(m, o, COV_STREETS, 0),
        area_field(m, o, COV_COMMUNITIES, 1),
        area_field(m, o, COV_COMMUNITIES, 0),
        cov_placed_name((enum cov_placed)o->placed),
        cov_source_name((enum cov_source)o->placed_by),
        o->address,
        o->community_ref,
        o->street_ref,
        o->authority,
        o->supervisor,
        o->reg_date,
    };
    memcpy(cells, v, sizeof(v));
}

static int export_row(void *user, size_t row, const char **cells, const GEOSGeometry **geom)
{
    struct row_ctx *rc = user;
    const struct cov_org *o = &rc->m->orgs[rc->idx[row]];
    fill_cells(rc, o, cells);
    if (rc->pt)
        GEOSGeom_destroy_r(rc->m->geos, rc->pt);
    rc->pt = NULL;
    *geom = NULL;
    /* Only an organization's own coordinates are a point; a drawing point
     * inside its community would claim a precision the data do not have. */
    if (o->placed != COV_PLACED_POINT)
        return 0;
    rc->pt = GEOSGeom_createPointFromXY_r(rc->m->geos, o->x, o->y);
    *geom = rc->pt;
    return rc->pt ? 0 : 1;
}

static void print_json(const struct cov_model *m, const size_t *idx, size_t n)
{
    printf("{\"organizations\": [");
    for (size_t i = 0; i < n; i++) {
        const struct cov_org *o = &m->orgs[idx[i]];
        printf("%s\n  {\"id\": ", i ? "," : "");
        cli_json_str(stdout, o->id);
        printf(", \"name\": ");
        cli_json_str(stdout, o->name);
        printf(", \"district\": ");
        cli_json_str(stdout, area_field(m, o, COV_DISTRICTS, 1));
        printf(", \"street\": ");
        cli_json_str(stdout, area_field(m, o, COV_STREETS, 1));
        printf(", \"community\": ");
        cli_json_str(stdout, area_field(m, o, COV_COMMUNITIES, 1));
        printf(", \"placed\": \"%s\", \"placed_by\": ",
               cov_placed_name((enum cov_placed)o->placed));
        cli_json_str(stdout, o->placed == COV_PLACED_NONE
                                 ? NULL
                                 : cov_source_name((enum cov_source)o->placed_by));
        printf(", \"address\": ");
        cli_json_str(stdout, o->address);
        printf(", \"status\": \"%s\", \"formal_members\": %d, \"kind\": ",
               cov_status_name(o->status), o->formal_members);
        cli_json_str(stdout, o->kind);
        printf(", \"authority\": ");
        cli_json_str(stdout, o->authority);
        printf(", \"supervisor\": ");
        cli_json_str(stdout, o->supervisor);
        printf(", \"legal_rep\": ");
        cli_json_str(stdout, o->legal_rep);
        printf(", \"reg_date\": ");
        cli_json_str(stdout, o->reg_date);
        printf("}");
    }
    printf("\n]}\n");
}

static int print_table(const struct cli_ctx *ctx, const struct cov_model *m, const size_t *idx,
                       size_t n, int fmt, struct cov_err *err)
{
    int zh = ctx->lang == CLI_LANG_ZH;
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
                               zh ? cov_placed_name_zh(p) : cov_placed_name(p),
                               p == COV_PLACED_NONE ? ""
                               : zh                 ? cov_source_name_zh(s)
                                                    : cov_source_name(s),
                               o->address};
        for (int c = 0; c < 8; c++)
            if (!cells[c])
                cells[c] = "";
        if (cli_table_add(&t, cells))
            rc = cov_err_set(err, COV_ENOMEM, "out of memory");
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
    enum { O_DISTRICT = 256, O_STREET, O_COMMUNITY, O_PLACED, O_FORMAT };
    static const struct option opts[] = {
        {"district", required_argument, NULL, O_DISTRICT},
        {"street", required_argument, NULL, O_STREET},
        {"community", required_argument, NULL, O_COMMUNITY},
        {"placed", required_argument, NULL, O_PLACED},
        {"format", required_argument, NULL, O_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *area_arg[3] = {NULL, NULL, NULL}, *out = NULL;
    struct cov_filter flt;
    cov_filter_init(&flt);
    int fmt = CLI_FMT_TABLE, placed = -1, c;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case O_DISTRICT:
        case O_STREET:
        case O_COMMUNITY:
            area_arg[c - O_DISTRICT] = optarg;
            break;
        case O_PLACED:
            placed = cov_placed_find(optarg);
            if (placed < 0)
                return cli_usage_error(ctx, synopsis,
                                       "--placed: '%s' (expected point, community, street, "
                                       "district or none)",
                                       optarg);
            break;
        case O_FORMAT:
            if (cli_opt_format(ctx, synopsis, optarg, 1, &fmt))
                return CLI_EXIT_USAGE;
            break;
        case 'o':
            out = optarg;
            if (cli_opt_output(ctx, synopsis, out))
                return CLI_EXIT_USAGE;
            break;
        case 'h':
            help();
            return CLI_EXIT_OK;
        default:
            return cli_usage_error(ctx, synopsis, "bad option");
        }
    }
    if (cli_opt_end(ctx, synopsis, argc, argv))
        return CLI_EXIT_USAGE;

    struct cov_model *m = NULL;
    int exit_code = cli_load_model(ctx, GEO_ALL_LAYERS, &m);
    if (exit_code)
        return exit_code;
    struct cov_err err;
    cov_err_init(&err);
    int rc = COV_OK;
    size_t *idx = NULL, n = 0;
    long *slots[3] = {&flt.district, &flt.street, &flt.community};
    static const char *const lname[3] = {"district", "street", "community"};
    for (int l = 0; l < 3; l++) {
        if (!area_arg[l])
            continue;
        *slots[l] = cov_model_find_area(m, (enum cov_layer)l, area_arg[l]);
        if (*slots[l] < 0) {
            rc = cov_err_set(&err, COV_EINPUT, "--%s: no %s has code or name '%s'", lname[l],
                             lname[l], area_arg[l]);
            goto cleanup;
        }
    }
    idx = malloc((m->n_orgs ? m->n_orgs : 1) * sizeof(*idx));
    if (!idx) {
        rc = cov_err_set(&err, COV_ENOMEM, "out of memory");
        goto cleanup;
    }
    n = cli_uncovered_select(m, &flt, idx);
    if (placed >= 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (m->orgs[idx[i]].placed == placed)
                idx[k++] = idx[i];
        n = k;
    }
    if (out || fmt == CLI_FMT_GEOJSON) {
        struct row_ctx rctx = {.m = m, .idx = idx};
        rc = geo_export(out ? out : "/vsistdout/", out ? NULL : ".geojson", "organizations",
                        export_cols, NCOLS, n, export_row, &rctx, m->geos, m->srid, 1, &err);
        if (rctx.pt)
            GEOSGeom_destroy_r(m->geos, rctx.pt);
        if (!rc && out && !ctx->quiet)
            fprintf(stderr, "%s organizations: wrote %zu organizations to %s\n", ctx->prog, n, out);
    } else if (fmt == CLI_FMT_JSON) {
        print_json(m, idx, n);
    } else {
        rc = print_table(ctx, m, idx, n, fmt, &err);
    }
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    free(idx);
    cov_model_free(m);
    return cli_exit_for(rc);
}
