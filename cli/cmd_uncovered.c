/* cmd_uncovered.c - orgcover uncovered: the organizations still to be covered. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/geos.h"
#include "../analysis/coverage.h"
#include "../analysis/place.h"
#include "../geodata/export.h"
#include "cli.h"

static const char synopsis[] =
    "orgcover [--db FILE] uncovered [--district X] [--street X] [--community X] "
    "[--members MIN-MAX] [--kind K] [--industry I] [--format table|csv|json|geojson] [-o FILE]";

static void help(void)
{
    printf("Usage: %s\n"
           "\n"
           "List the organizations without a Party organization, with their formal\n"
           "members, where they are and the recommended route: their own organization\n"
           "(>= standalone_min_members formal members), a joint or regional branch\n"
           "(1-2 members), or a Party-building instructor (no members).\n"
           "\n"
           "Options:\n"
           "  --district X, --street X, --community X\n"
           "                      only organizations in this area (code or name)\n"
           "  --members MIN-MAX   formal members in range, e.g. 3-, 1-2, 0\n"
           "  --kind K            only this kind (e.g. 社会团体)\n"
           "  --industry I        only this industry\n"
           "  --format F          table (default), csv, json or geojson\n"
           "  -o FILE             write to FILE; the extension picks the format:\n"
           "                      .xlsx .csv .gpkg .shp .geojson\n"
           "  -h, --help          this help\n",
           synopsis);
}

struct row_ctx {
    const struct cov_model *m;
    const size_t *idx;
    char members[16];
    GEOSGeometry *pt;
};

static const char *area_name(const struct cov_model *m, const struct cov_org *o, int layer)
{
    return o->area[layer] >= 0 ? m->areas[layer][o->area[layer]].name : "";
}

static const char *area_code(const struct cov_model *m, const struct cov_org *o, int layer)
{
    return o->area[layer] >= 0 ? m->areas[layer][o->area[layer]].code : "";
}

enum { NCOLS = 14 };
static const struct geo_export_col export_cols[NCOLS] = {
    {"id", GEO_COL_TEXT},       {"name", GEO_COL_TEXT},          {"kind", GEO_COL_TEXT},
    {"industry", GEO_COL_TEXT}, {"formal_members", GEO_COL_INT}, {"district", GEO_COL_TEXT},
    {"street", GEO_COL_TEXT},   {"community", GEO_COL_TEXT},     {"community_code", GEO_COL_TEXT},
    {"status", GEO_COL_TEXT},   {"route", GEO_COL_TEXT},         {"route_zh", GEO_COL_TEXT},
    {"placed", GEO_COL_TEXT},   {"address", GEO_COL_TEXT},
};

static void fill_cells(struct row_ctx *rc, const struct cov_org *o, const char **cells)
{
    snprintf(rc->members, sizeof(rc->members), "%d", o->formal_members);
    cells[0] = o->id;
    cells[1] = o->name;
    cells[2] = o->kind;
    cells[3] = o->industry;
    cells[4] = rc->members;
    cells[5] = area_name(rc->m, o, COV_DISTRICTS);
    cells[6] = area_name(rc->m, o, COV_STREETS);
    cells[7] = area_name(rc->m, o, COV_COMMUNITIES);
    cells[8] = area_code(rc->m, o, COV_COMMUNITIES);
    cells[9] = cov_status_name(o->status);
    cells[10] = cov_route_name(o->status);
    cells[11] = cov_route_name_zh(o->status);
    cells[12] = cov_placed_name((enum cov_placed)o->placed);
    cells[13] = o->address;
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
    /* A point only where the organization has its own coordinates. */
    if (o->placed != COV_PLACED_POINT)
        return 0;
    rc->pt = GEOSGeom_createPointFromXY_r(rc->m->geos, o->x, o->y);
    *geom = rc->pt;
    return rc->pt ? 0 : 1;
}

static const struct cov_model *sort_model;
static int by_place(const void *a, const void *b)
{
    const struct cov_org *x = &sort_model->orgs[*(const size_t *)a];
    const struct cov_org *y = &sort_model->orgs[*(const size_t *)b];
    static const int order[] = {COV_DISTRICTS, COV_STREETS, COV_COMMUNITIES};
    for (int i = 0; i < 3; i++) {
        /* unassigned (-1) sort last */
        unsigned long p = (unsigned long)(long)x->area[order[i]];
        unsigned long q = (unsigned long)(long)y->area[order[i]];
        if (p != q)
            return p < q ? -1 : 1;
    }
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

static int parse_members(const char *s, int *lo, int *hi)
{
    const char *dash = strchr(s, '-');
    long a = -1, b = -1;
    if (!dash) {
        if (cli_parse_long(s, 0, 1000000, &a))
            return -1;
        b = a;
    } else {
        char left[32];
        size_t n = (size_t)(dash - s);
        if (n >= sizeof(left))
            return -1;
        memcpy(left, s, n);
        left[n] = 0;
        if (n && cli_parse_long(left, 0, 1000000, &a))
            return -1;
        if (dash[1] && cli_parse_long(dash + 1, 0, 1000000, &b))
            return -1;
        if (!n && !dash[1])
            return -1;
        if (a >= 0 && b >= 0 && a > b)
            return -1;
    }
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

size_t cli_uncovered_select(const struct cov_model *m, const struct cov_filter *flt, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_orgs; i++)
        if (cov_filter_match(m, &m->orgs[i], flt))
            idx[n++] = i;
    sort_model = m;
    qsort(idx, n, sizeof(*idx), by_place);
    return n;
}

int cli_uncovered_export(const struct cov_model *m, const size_t *idx, size_t n, const char *path,
                         const char *format_ext, struct cov_err *err)
{
    struct row_ctx rctx = {.m = m, .idx = idx};
    int rc = geo_export(path, format_ext, "uncovered", export_cols, NCOLS, n, export_row, &rctx,
                        m->geos, m->srid, 1, err);
    if (rctx.pt)
        GEOSGeom_destroy_r(m->geos, rctx.pt);
    return rc;
}

int cli_cmd_uncovered(int argc, char **argv, struct cli_ctx *ctx)
{
    enum { O_DISTRICT = 256, O_STREET, O_COMMUNITY, O_MEMBERS, O_KIND, O_INDUSTRY, O_FORMAT };
    static const struct option opts[] = {
        {"district", required_argument, NULL, O_DISTRICT},
        {"street", required_argument, NULL, O_STREET},
        {"community", required_argument, NULL, O_COMMUNITY},
        {"members", required_argument, NULL, O_MEMBERS},
        {"kind", required_argument, NULL, O_KIND},
        {"industry", required_argument, NULL, O_INDUSTRY},
        {"format", required_argument, NULL, O_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *area_arg[3] = {NULL, NULL, NULL}, *out = NULL;
    struct cov_filter flt;
    cov_filter_init(&flt);
    flt.uncovered_only = 1;
    int fmt = CLI_FMT_TABLE, c;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case O_DISTRICT:
        case O_STREET:
        case O_COMMUNITY:
            area_arg[c - O_DISTRICT] = optarg;
            break;
        case O_MEMBERS:
            if (parse_members(optarg, &flt.members_min, &flt.members_max))
                return cli_usage_error(ctx, synopsis,
                                       "--members: '%s' (expected MIN-MAX, MIN-, -MAX or N with "
                                       "whole numbers)",
                                       optarg);
            break;
        case O_KIND:
            flt.kind = optarg;
            break;
        case O_INDUSTRY:
            flt.industry = optarg;
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
    int rc = COV_OK, usage_rc = 0;
    size_t *idx = NULL, n = 0;
    long *slots[3] = {&flt.district, &flt.street, &flt.community};
    for (int l = 0; l < 3; l++) {
        if (!area_arg[l])
            continue;
        *slots[l] = cov_model_find_area(m, (enum cov_layer)l, area_arg[l]);
        if (*slots[l] < 0) {
            rc = cov_err_set(&err, COV_EINPUT, "--%s: no %s has code or name '%s'",
                             l == 0   ? "district"
                             : l == 1 ? "street"
                                      : "community",
                             l == 0   ? "district"
                             : l == 1 ? "street"
                                      : "community",
                             area_arg[l]);
            cli_usage_error(ctx, synopsis, "%s", cov_err_msg(&err));
            cov_err_clear(&err);
            usage_rc = 1;
            goto cleanup;
        }
    }
    idx = malloc((m->n_orgs ? m->n_orgs : 1) * sizeof(*idx));
    if (!idx) {
        rc = cov_err_set(&err, COV_ENOMEM, "out of memory");
        goto cleanup;
    }
    n = cli_uncovered_select(m, &flt, idx);

    int zh = ctx->lang == CLI_LANG_ZH;
    if (out || fmt == CLI_FMT_GEOJSON) {
        rc = cli_uncovered_export(m, idx, n, out ? out : "/vsistdout/", out ? NULL : ".geojson",
                                  &err);
        if (!rc && out && !ctx->quiet)
            fprintf(stderr, "%s uncovered: wrote %zu organizations to %s\n", ctx->prog, n, out);
        goto cleanup;
    }
    if (fmt == CLI_FMT_JSON) {
        printf("{\"organizations\": [");
        for (size_t i = 0; i < n; i++) {
            const struct cov_org *o = &m->orgs[idx[i]];
            printf("%s\n  {\"id\": ", i ? "," : "");
            cli_json_str(stdout, o->id);
            printf(", \"name\": ");
            cli_json_str(stdout, o->name);
            printf(", \"kind\": ");
            cli_json_str(stdout, o->kind);
            printf(", \"industry\": ");
            cli_json_str(stdout, o->industry);
            printf(", \"formal_members\": %d, \"district\": ", o->formal_members);
            cli_json_str(stdout,
                         o->area[COV_DISTRICTS] >= 0 ? area_name(m, o, COV_DISTRICTS) : NULL);
            printf(", \"street\": ");
            cli_json_str(stdout, o->area[COV_STREETS] >= 0 ? area_name(m, o, COV_STREETS) : NULL);
            printf(", \"community\": ");
            cli_json_str(stdout,
                         o->area[COV_COMMUNITIES] >= 0 ? area_name(m, o, COV_COMMUNITIES) : NULL);
            printf(", \"community_code\": ");
            cli_json_str(stdout,
                         o->area[COV_COMMUNITIES] >= 0 ? area_code(m, o, COV_COMMUNITIES) : NULL);
            printf(", \"status\": \"%s\", \"route\": \"%s\", \"placed\": \"%s\"}",
                   cov_status_name(o->status), cov_route_name(o->status),
                   cov_placed_name((enum cov_placed)o->placed));
        }
        printf("\n]}\n");
        goto cleanup;
    }
    static const char *const hz[] = {"统一社会信用代码", "名称",    "正式党员", "县区",
                                     "街道/乡镇",        "社区/村", "建议"};
    static const char *const he[] = {"id",     "name",      "formal_members", "district",
                                     "street", "community", "route"};
    static const int right[] = {0, 0, 1, 0, 0, 0, 0};
    struct cli_table t;
    cli_table_init(&t, 7, zh ? hz : he, right);
    for (size_t i = 0; i < n; i++) {
        const struct cov_org *o = &m->orgs[idx[i]];
        char mem[16];
        snprintf(mem, sizeof(mem), "%d", o->formal_members);
        const char *cells[] = {o->id,
                               o->name,
                               mem,
                               area_name(m, o, COV_DISTRICTS),
                               area_name(m, o, COV_STREETS),
                               area_name(m, o, COV_COMMUNITIES),
                               zh ? cov_route_name_zh(o->status) : cov_route_name(o->status)};
        if ((rc = cli_table_add(&t, cells))) {
            cov_err_set(&err, rc, "out of memory");
            break;
        }
    }
    cli_table_print(&t, stdout, fmt);
    cli_table_release(&t);
    if (fmt == CLI_FMT_TABLE && !ctx->quiet)
        fprintf(stderr, zh ? "共 %zu 个未覆盖社会组织\n" : "%zu uncovered organizations\n", n);
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    free(idx);
    cov_model_free(m);
    return usage_rc ? CLI_EXIT_USAGE : cli_exit_for(rc);
}
