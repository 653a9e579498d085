/* cmd_uncovered.c - orgcover uncovered: the organizations still to be covered. */
#include <stdlib.h>
#include <string.h>

#include "../analysis/geos.h"
#include "../analysis/coverage.h"
#include "../analysis/place.h"
#include "../geodata/export.h"
#include "../analysis/i18n.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] uncovered [--district X] [--street X] [--community X] "
                "[--members MIN-MAX] [--kind K] [--industry I] "
                "[--format table|csv|json|geojson] [-o FILE [--t-srs SRS]]",
    .about = N_("List the organizations without a Party organization, with their formal\n"
                "members, where they are and the recommended route: their own organization\n"
                "(>= standalone_min_members formal members), a joint or regional branch\n"
                "(1-2 members), or a Party-building instructor (no members).\n"),
};

static const char *area_name(const struct cov_model *m, const struct cov_org *o, int layer)
{
    return o->area[layer] >= 0 ? m->areas[layer][o->area[layer]].name : "";
}

static const char *area_code(const struct cov_model *m, const struct cov_org *o, int layer)
{
    return o->area[layer] >= 0 ? m->areas[layer][o->area[layer]].code : "";
}

/* The columns of -o (docs/FORMATS.md "uncovered"). */
enum { NCOLS = 13 };
/*
 * Listed organizations are read in place order, not store order: at national
 * size each one is a cache miss on its record and two more on its text, and
 * that was most of the listing's time. Ask for the record 16 rows ahead (every
 * line of it) and, once it has arrived, its id and name 8 rows ahead.
 * Always inlined: GCC 12 finds a function whose only effect is a prefetch
 * free of side effects and deletes the call.
 */
static inline __attribute__((always_inline)) void
prefetch_ahead(const struct cov_model *m, const size_t *idx, size_t i, size_t n)
{
    if (i + 16 < n) {
        const char *q = (const char *)&m->orgs[idx[i + 16]];
        for (size_t off = 0; off < sizeof(struct cov_org); off += 64)
            __builtin_prefetch(q + off);
        __builtin_prefetch(q + sizeof(struct cov_org) - 1);
    }
    if (i + 8 < n) {
        const struct cov_org *q = &m->orgs[idx[i + 8]];
        __builtin_prefetch(q->id);
        __builtin_prefetch(q->name);
    }
}

static const struct cli_col export_cols[NCOLS] = {
    {"统一社会信用代码", "id", GEO_COL_TEXT, "信用码"},
    {"名称", "name", GEO_COL_TEXT, NULL},
    {"类型", "kind", GEO_COL_TEXT, NULL},
    {"所属行业", "industry", GEO_COL_TEXT, "行业"},
    {"正式党员数", "formal_members", GEO_COL_INT, "党员数"},
    {"县区", "district", GEO_COL_TEXT, NULL},
    {"街道/乡镇", "street", GEO_COL_TEXT, "街道"},
    {"社区/村", "community", GEO_COL_TEXT, NULL},
    {"社区代码", "community_code", GEO_COL_TEXT, "社区码"},
    {"覆盖情况", "status", GEO_COL_TEXT, "覆盖"},
    {"建议", "route", GEO_COL_TEXT, NULL},
    {"定位精度", "placed", GEO_COL_TEXT, "定位"},
    {"住所", "address", GEO_COL_TEXT, NULL},
};

static void fill_cells(const struct cov_model *m, const struct cov_org *o,
                       const struct cli_export *x, struct cli_org_buf *b, const char **cells)
{
    snprintf(b->num, sizeof(b->num), "%d", o->formal_members);
    cells[0] = o->id;
    cells[1] = o->name;
    cells[2] = o->kind;
    cells[3] = o->industry;
    cells[4] = b->num;
    cells[5] = area_name(m, o, COV_DISTRICTS);
    cells[6] = area_name(m, o, COV_STREETS);
    cells[7] = area_name(m, o, COV_COMMUNITIES);
    cells[8] = area_code(m, o, COV_COMMUNITIES);
    cells[9] = cov_label_status_p(o->status, &m->policy, x->lang, b->status, sizeof(b->status));
    cells[10] = cov_label_route(o->status, x->lang);
    cells[11] = cov_label_placed((enum cov_placed)o->placed, x->lang);
    cells[12] = o->address;
}

struct org_export {
    const struct cov_model *m;
    const size_t *idx;
    void (*fill)(const struct cov_model *m, const struct cov_org *o, const struct cli_export *x,
                 struct cli_org_buf *b, const char **cells);
    const struct cli_export *x;
    struct cli_org_buf buf;
    GEOSGeometry *pt;
};

static int org_export_row(void *user, size_t row, const char **cells, const GEOSGeometry **geom)
{
    struct org_export *x = user;
    const struct cov_org *o = &x->m->orgs[x->idx[row]];
    x->fill(x->m, o, x->x, &x->buf, cells);
    if (x->pt)
        GEOSGeom_destroy_r(x->m->geos, x->pt);
    x->pt = NULL;
    *geom = NULL;
    /* Only an organization's own coordinates are a point; a drawing point
     * inside its community would claim a precision the data do not have. */
    if (o->placed != COV_PLACED_POINT)
        return 0;
    x->pt = GEOSGeom_createPointFromXY_r(x->m->geos, o->x, o->y);
    *geom = x->pt;
    return x->pt ? 0 : 1;
}

int cli_orgs_export(const struct cov_model *m, const size_t *idx, size_t n, const char *path,
                    const char *format_ext, const char *layer, const struct cli_col *cols,
                    size_t ncols,
                    void (*fill)(const struct cov_model *m, const struct cov_org *o,
                                 const struct cli_export *x, struct cli_org_buf *b,
                                 const char **cells),
                    const struct cli_export *x, struct cov_err *err)
{
    struct geo_export_col *gc = calloc(ncols ? ncols : 1, sizeof(*gc));
    if (!gc)
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
    cli_export_cols(x, cols, ncols, gc);
    struct org_export ox = {.m = m, .idx = idx, .fill = fill, .x = x};
    int rc = geo_export(path, format_ext, layer, gc, ncols, n, org_export_row, &ox, m->geos,
                        m->srid, 1, &x->geo, err);
    if (ox.pt)
        GEOSGeom_destroy_r(m->geos, ox.pt);
    free(gc);
    return rc;
}

/* The order of the list: by district, street and community (in load order;
 * unassigned last), then by id. */
static const struct cov_model *sort_model;

static size_t place_bucket(const struct cov_model *m, size_t i, int layer)
{
    int32_t a = m->orgs[i].area[layer];
    return a < 0 ? m->n_areas[layer] : (size_t)a;
}

static int by_id(const void *a, const void *b)
{
    const char *p = sort_model->orgs[*(const size_t *)a].id;
    const char *q = sort_model->orgs[*(const size_t *)b].id;
    return strcmp(p ? p : "", q ? q : "");
}

static int by_place(const void *a, const void *b)
{
    static const int order[] = {COV_DISTRICTS, COV_STREETS, COV_COMMUNITIES};
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    for (int k = 0; k < 3; k++) {
        size_t x = place_bucket(sort_model, i, order[k]), y = place_bucket(sort_model, j, order[k]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return by_id(a, b);
}

/* idx[0..n) in by_place() order: a stable counting sort of compact keys by
 * community, then street, then district, and each run of one place sorted by
 * id (a comparison sort of 4.5x10^5 national rows took a fifth of the
 * command). The keys are copied once: each pass reading the organizations
 * at random cost as much again. qsort when memory is short. */
struct place_key {
    uint32_t b[3]; /* buckets: community, street, district */
    uint32_t at;   /* position in idx */
};

static void sort_places(const struct cov_model *m, size_t *idx, size_t n)
{
    static const int lsd[] = {COV_COMMUNITIES, COV_STREETS, COV_DISTRICTS};
    sort_model = m;
    struct place_key *k = n <= UINT32_MAX ? cov_malloc_huge((n ? n : 1) * sizeof(*k)) : NULL;
    struct place_key *t = k ? cov_malloc_huge((n ? n : 1) * sizeof(*t)) : NULL;
    size_t *out = t ? cov_malloc_huge((n ? n : 1) * sizeof(*out)) : NULL;
    for (size_t i = 0; out && i < n; i++) {
        for (int l = 0; l < 3; l++)
            k[i].b[l] = (uint32_t)place_bucket(m, idx[i], lsd[l]);
        k[i].at = (uint32_t)i;
    }
    for (int l = 0; out && l < 3; l++) {
        size_t buckets = m->n_areas[lsd[l]] + 1;
        size_t *count = calloc(buckets + 1, sizeof(*count));
        if (!count) {
            free(out);
            out = NULL;
            break;
        }
        for (size_t i = 0; i < n; i++)
            count[k[i].b[l] + 1]++;
        for (size_t b = 0; b < buckets; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            t[count[k[i].b[l]]++] = k[i];
        struct place_key *x = k;
        k = t;
        t = x;
        free(count);
    }
    if (out) {
        for (size_t i = 0; i < n; i++)
            out[i] = idx[k[i].at];
        memcpy(idx, out, n * sizeof(*idx));
        for (size_t i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && !memcmp(k[j].b, k[i].b, sizeof(k[i].b)); j++)
                ;
            if (j - i > 1)
                qsort(idx + i, j - i, sizeof(*idx), by_id);
        }
    } else {
        qsort(idx, n, sizeof(*idx), by_place);
    }
    free(k);
    free(t);
    free(out);
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

static int set_members(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    struct cov_filter *flt = o->value;
    if (parse_members(arg, &flt->members_min, &flt->members_max))
        return cli_opt_error(p,
                             _("--members: '%s' (expected MIN-MAX, MIN-, -MAX or N with whole "
                               "numbers)"),
                             arg);
    return CLI_GO;
}

size_t *cli_uncovered_select(const struct cov_model *m, const struct cov_filter *flt, size_t *n)
{
    size_t *idx = cov_malloc_huge((m->n_orgs ? m->n_orgs : 1) * sizeof(*idx));
    *n = 0;
    if (!idx)
        return NULL;
    for (size_t i = 0; i < m->n_orgs; i++)
        if (cov_filter_match(m, &m->orgs[i], flt))
            idx[(*n)++] = i;
    sort_places(m, idx, *n);
    return idx;
}

int cli_uncovered_export(const struct cov_model *m, const size_t *idx, size_t n, const char *path,
                         const char *format_ext, const struct cli_export *x, struct cov_err *err)
{
    return cli_orgs_export(m, idx, n, path, format_ext, "uncovered", export_cols, NCOLS, fill_cells,
                           x, err);
}

int cli_cmd_uncovered(int argc, char **argv, struct cli_ctx *ctx)
{
    struct cov_filter flt;
    cov_filter_init(&flt);
    flt.uncovered_only = 1;
    struct cli_args args;
    int ec;
    struct cov_model *m;
    const struct cli_option opts[] = {
        CLI_OPT_INCLUDE(cli_opts_area, NULL),
        CLI_OPT_CALLBACK(0, "members", "MIN-MAX", &flt, set_members,
                         N_("formal members in range, e.g. 3-, 1-2, 0")),
        CLI_OPT_STRING(0, "kind", "K", &flt.kind, N_("only this kind (e.g. 社会团体)")),
        CLI_OPT_STRING(0, "industry", "I", &flt.industry, N_("only this industry")),
        CLI_OPT_INCLUDE(cli_opts_format_geo, NULL),
        CLI_OPT_INCLUDE(cli_opts_output, NULL),
        CLI_OPT_INCLUDE(cli_opts_t_srs, NULL),
        CLI_OPT_END(),
    };
    if ((ec = cli_parse_model(ctx, &usage, opts, &args, argc, argv, &m)) != CLI_GO)
        return ec;
    struct cov_err err;
    cov_err_init(&err);
    int rc = COV_OK;
    size_t n = 0;
    cli_args_filter(&args, &flt);
    size_t *idx = cli_uncovered_select(m, &flt, &n);
    if (!idx) {
        rc = cov_err_set(&err, COV_ENOMEM, _("out of memory"));
        goto cleanup;
    }

    int zh = ctx->lang == COV_LANG_ZH;
    if (args.out || args.fmt == CLI_FMT_GEOJSON) {
        struct cli_export x;
        if (args.out)
            cli_export_init(&x, ctx, &args);
        else
            cli_export_init_stdout(&x, &args);
        rc = cli_uncovered_export(m, idx, n, args.out ? args.out : "/vsistdout/",
                                  args.out ? NULL : ".geojson", &x, &err);
        if (!rc && args.out && !ctx->quiet)
            fprintf(stderr, _("%s uncovered: wrote %zu organizations to %s\n"), ctx->prog, n,
                    args.out);
        goto cleanup;
    }
    if (args.fmt == CLI_FMT_JSON) {
        printf("{\"organizations\": [");
        struct cli_jline j = {0};
        for (size_t i = 0; i < n; i++) {
            const struct cov_org *o = &m->orgs[idx[i]];
            prefetch_ahead(m, idx, i, n);
            cli_jline_raw(&j, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
            cli_jline_str(&j, o->id);
            cli_jline_kv(&j, "name", o->name);
            cli_jline_kv(&j, "kind", o->kind);
            cli_jline_kv(&j, "industry", o->industry);
            cli_jline_kv_int(&j, "formal_members", o->formal_members);
            cli_jline_kv(&j, "district",
                         o->area[COV_DISTRICTS] >= 0 ? area_name(m, o, COV_DISTRICTS) : NULL);
            cli_jline_kv(&j, "street",
                         o->area[COV_STREETS] >= 0 ? area_name(m, o, COV_STREETS) : NULL);
            cli_jline_kv(&j, "community",
                         o->area[COV_COMMUNITIES] >= 0 ? area_name(m, o, COV_COMMUNITIES) : NULL);
            cli_jline_kv(&j, "community_code",
                         o->area[COV_COMMUNITIES] >= 0 ? area_code(m, o, COV_COMMUNITIES) : NULL);
            /* identifiers: nothing to escape */
            cli_jline_raw(&j, ", \"status\": \"");
            cli_jline_raw(&j, cov_status_name(o->status));
            cli_jline_raw(&j, "\", \"route\": \"");
            cli_jline_raw(&j, cov_route_name(o->status));
            cli_jline_raw(&j, "\", \"placed\": \"");
            cli_jline_raw(&j, cov_placed_name((enum cov_placed)o->placed));
            cli_jline_raw(&j, "\"}");
            cli_jline_flush_at(&j, stdout, 1 << 16);
        }
        cli_jline_flush(&j, stdout);
        cli_jline_release(&j);
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
    if (args.fmt == CLI_FMT_CSV)
        cli_table_stream_csv(&t, stdout);
    for (size_t i = 0; i < n; i++) {
        const struct cov_org *o = &m->orgs[idx[i]];
        prefetch_ahead(m, idx, i, n);
        char mem[CLI_LONG_CHARS];
        const char *cells[] = {o->id,
                               o->name,
                               cli_fmt_long(mem, o->formal_members),
                               area_name(m, o, COV_DISTRICTS),
                               area_name(m, o, COV_STREETS),
                               area_name(m, o, COV_COMMUNITIES),
                               zh ? cov_label_route(o->status, COV_LANG_ZH)
                                  : cov_route_name(o->status)};
        if ((rc = cli_table_add(&t, cells))) {
            cov_err_set(&err, rc, _("out of memory"));
            break;
        }
    }
    cli_table_print(&t, stdout, args.fmt);
    cli_table_release(&t);
    if (args.fmt == CLI_FMT_TABLE && !ctx->quiet)
        fprintf(stderr, zh ? "共 %zu 个未覆盖社会组织\n" : "%zu uncovered organizations\n", n);
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    free(idx);
    cli_args_release(&args);
    cov_model_free(m);
    return cli_exit_for(rc);
}
