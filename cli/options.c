/*
 * options.c - the option parser behind every command (see options.h): tables
 * into getopt_long, --help generated from the same tables, and the options
 * several commands share, each declared once.
 */
#include <assert.h>
#include <getopt.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../analysis/areasel.h"
#include "../analysis/coverage.h"
#include "../geodata/export.h"
#include "cli.h"
#include "lang.h"
#include "options.h"

/* ---- the shared options ---- */

static int set_format(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    int allow_geojson = o->min != 0;
    int f = cli_parse_format(arg, allow_geojson);
    if (f < 0)
        return cli_opt_error(p,
                             allow_geojson
                                 ? _("--format: '%s' (expected table, csv, json or geojson)")
                                 : _("--format: '%s' (expected table, csv or json)"),
                             arg);
    p->args->fmt = f;
    return CLI_GO;
}

const struct cli_option cli_opts_format[] = {
    CLI_OPT_CALLBACK_DATA(0, "format", "F", NULL, set_format, 0,
                          N_("output format: table (default), csv or json")),
    CLI_OPT_END(),
};

const struct cli_option cli_opts_format_geo[] = {
    CLI_OPT_CALLBACK_DATA(0, "format", "F", NULL, set_format, 1,
                          N_("output format: table (default), csv, json or geojson")),
    CLI_OPT_END(),
};

static int set_output(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)o;
    if (!geo_export_supported(arg))
        return cli_opt_error(p,
                             _("-o %s: unknown extension (expected .xlsx, .csv, .gpkg, .shp or "
                               ".geojson)"),
                             arg);
    p->args->out = arg;
    return CLI_GO;
}

const struct cli_option cli_opts_output[] = {
    CLI_OPT_CALLBACK('o', "output", "FILE", NULL, set_output,
                     N_("write to FILE instead; the extension picks the format: .xlsx .csv "
                        ".gpkg .shp .geojson")),
    CLI_OPT_END(),
};

static int set_output_map(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)o;
    const char *dot = strrchr(arg, '.');
    if (!dot || (strcasecmp(dot, ".png") && strcasecmp(dot, ".pdf") && strcasecmp(dot, ".svg")))
        return cli_opt_error(p, _("-o %s: unknown extension (expected .png, .pdf or .svg)"), arg);
    p->args->out = arg;
    return CLI_GO;
}

const struct cli_option cli_opts_output_map[] = {
    CLI_OPT_CALLBACK('o', "output", "FILE", NULL, set_output_map,
                     N_("the map file: .png, .pdf or .svg")),
    CLI_OPT_END(),
};

static int set_lang(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)o;
    if (!strcmp(arg, "zh"))
        p->ctx->lang = COV_LANG_ZH;
    else if (!strcmp(arg, "en"))
        p->ctx->lang = COV_LANG_EN;
    else
        return cli_opt_error(p, _("--lang: '%s' (expected zh or en)"), arg);
    cli_lang_use(p->ctx->lang);
    return CLI_GO;
}

const struct cli_option cli_opts_lang[] = {
    CLI_OPT_CALLBACK(0, "lang", "zh|en", NULL, set_lang,
                     N_("language of everything printed: maps, tables, reports, messages "
                        "(default zh, or $ORGCOVER_LANG)")),
    CLI_OPT_END(),
};

/* min: the layer (0 district, 1 street, 2 community). */
static int set_area(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    p->args->area[o->min] = arg;
    return CLI_GO;
}

const struct cli_option cli_opts_area[] = {
    CLI_OPT_CALLBACK_DATA(0, "district", "X", NULL, set_area, 0,
                          N_("only this district or county: its code, or its name with or "
                             "without the suffix (海州区 or 海州)")),
    CLI_OPT_CALLBACK_DATA(0, "street", "X", NULL, set_area, 1,
                          N_("only this street or township (新浦, 新浦街道 and 新浦街道办事处 "
                             "are one street)")),
    CLI_OPT_CALLBACK_DATA(0, "community", "X", NULL, set_area, 2,
                          N_("only this community or village (code or name; with --street or "
                             "--district, one of theirs)")),
    CLI_OPT_END(),
};

static int set_t_srs(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)o;
    struct cov_err err;
    cov_err_init(&err);
    int rc = geo_export_srs_parse(arg, &p->args->t_srs, &err);
    if (rc)
        rc = cli_opt_error(p, "%s", cov_err_msg(&err));
    cov_err_release(&err);
    p->args->t_srs_given = 1;
    return rc ? rc : CLI_GO;
}

const struct cli_option cli_opts_t_srs[] = {
    CLI_OPT_CALLBACK(0, "t-srs", "SRS", NULL, set_t_srs,
                     N_("coordinates of the exported file: GCJ02 (AMap, Tencent), BD09 "
                        "(Baidu), WGS84 or EPSG:N (default: WGS84 lon/lat in .csv .xlsx "
                        ".geojson, the project CRS in .gpkg .shp)")),
    CLI_OPT_END(),
};

static int show_help(struct cli_parser *p, const struct cli_option *o, const char *arg);

/* Part of every command's table, added by cli_parse. */
static const struct cli_option opts_help[] = {
    CLI_OPT_CALLBACK('h', "help", NULL, NULL, show_help, N_("this help")),
    CLI_OPT_END(),
};

/* ---- finding the areas the options name ---- */

/* Suggestions shown for a name that matches nothing; lines of an ambiguous one. */
enum { AREA_SUGGEST = 5, AREA_LIST_MAX = 20 };

static const char *const opt_layer[3] = {"district", "street", "community"};

/* What to add to tell the areas of one name apart, by layer. */
static const char *const give_code[3] = {
    N_("give the code (codes are unambiguous)"),
    N_("give the code (codes are unambiguous), or add --district"),
    N_("give the code (codes are unambiguous), or add --street or --district"),
};

/* A message built piece by piece (truncated when it outgrows the buffer). */
struct msg {
    char buf[4096];
    size_t len;
};

__attribute__((format(printf, 2, 3))) static void msg_add(struct msg *b, const char *fmt, ...)
{
    if (b->len >= sizeof(b->buf) - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->buf + b->len, sizeof(b->buf) - b->len, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->len += (size_t)w < sizeof(b->buf) - b->len ? (size_t)w : sizeof(b->buf) - 1 - b->len;
}

/* "新浦街道 (320706010, 海州区)": an area with its code and where it lies. */
static void msg_area(struct msg *b, const struct cov_model *m, const struct cov_areasel *sel,
                     int layer, int32_t idx)
{
    const struct cov_area *a = &m->areas[layer][idx];
    int32_t d, s;
    cov_areasel_ancestors(sel, (enum cov_layer)layer, idx, &d, &s);
    /* TRANSLATORS: an area's name, then its code in brackets, e.g. 新浦街道 (320706010 */
    msg_add(b, _("%s (%s"), a->name ? a->name : "", a->code ? a->code : "");
    if (layer > COV_DISTRICTS && d >= 0)
        msg_add(b, _(", %s"), m->areas[COV_DISTRICTS][d].name);
    if (layer > COV_STREETS && s >= 0)
        msg_add(b, " %s", m->areas[COV_STREETS][s].name);
    msg_add(b, "%s", _(")"));
}

/* " in 海州区 新浦街道": the chosen areas a lookup was limited to. */
static void msg_within(struct msg *b, const struct cov_model *m, int32_t d, int32_t s)
{
    if (d < 0 && s < 0)
        return;
    char where[512];
    snprintf(where, sizeof(where), "%s%s%s", d >= 0 ? m->areas[COV_DISTRICTS][d].name : "",
             d >= 0 && s >= 0 ? " " : "", s >= 0 ? m->areas[COV_STREETS][s].name : "");
    msg_add(b, _(" in %s"), where);
}

/*
 * Find the area that text (the value of option opt) names in the layers
 * lo..hi, inside district d and street s (-1: anywhere): a code or whole name
 * before a stem, the higher layer first. Returns CLI_GO with *layer and *idx,
 * or the exit code after the usage error: none (with the closest names) or
 * several (every one, with where it lies).
 */
static int find_area(struct cli_ctx *ctx, const struct cli_usage *u, const struct cov_model *m,
                     const struct cov_areasel *sel, const char *opt, int lo, int hi,
                     const char *text, int32_t d, int32_t s, int *layer, long *idx)
{
    struct cov_area_lookup lk[3];
    struct cov_err err;
    cov_err_init(&err);
    int rc = CLI_GO, best = -1;
    for (int l = lo; l <= hi; l++) {
        lk[l].hits = NULL;
        lk[l].n = 0;
        if (cov_areasel_find(sel, (enum cov_layer)l, text, d, s, AREA_SUGGEST, &lk[l], &err)) {
            for (int k = lo; k < l; k++)
                cov_area_lookup_release(&lk[k]);
            cli_report(ctx, &err);
            cov_err_release(&err);
            return CLI_EXIT_FAIL;
        }
        if (lk[l].how != COV_AREA_NONE && (best < 0 || lk[l].how < lk[best].how))
            best = l;
    }
    struct msg b = {.len = 0};
    if (best >= 0 && lk[best].n == 1) {
        *layer = best;
        *idx = lk[best].hits[0];
    } else if (best >= 0) {
        /* whole sentences, so that each translates as one; literals, so that
         * the compiler checks the format of each */
        int code = lk[best].how == COV_AREA_CODE;
        msg_add(&b,
                best == COV_DISTRICTS
                    ? (code ? _("%s '%s': %zu districts or counties have this code")
                            : _("%s '%s': %zu districts or counties have this name"))
                : best == COV_STREETS
                    ? (code ? _("%s '%s': %zu streets or townships have this code")
                            : _("%s '%s': %zu streets or townships have this name"))
                    : (code ? _("%s '%s': %zu communities or villages have this code")
                            : _("%s '%s': %zu communities or villages have this name")),
                opt, text, lk[best].n);
        msg_within(&b, m, d, s);
        msg_add(&b, "%s", _(":")); /* the list follows */
        for (size_t i = 0; i < lk[best].n && i < AREA_LIST_MAX; i++) {
            msg_add(&b, "\n  ");
            msg_area(&b, m, sel, best, lk[best].hits[i]);
        }
        if (lk[best].n > AREA_LIST_MAX)
            msg_add(&b, _("\n  ... and %zu more"), lk[best].n - AREA_LIST_MAX);
        msg_add(&b, "\n%s", _(give_code[best]));
        rc = cli_usage_error(ctx, u->synopsis, "%s", b.buf);
    } else {
        int l1 = lo == hi ? lo : -1;
        msg_add(&b,
                l1 == COV_DISTRICTS ? _("%s '%s': no district or county has this code or name")
                : l1 == COV_STREETS ? _("%s '%s': no street or township has this code or name")
                : l1 == COV_COMMUNITIES
                    ? _("%s '%s': no community or village has this code or name")
                    : _("%s '%s': no district, street or community has this code or name"),
                opt, text);
        msg_within(&b, m, d, s);
        int any = 0;
        for (int l = lo; l <= hi; l++)
            for (size_t i = 0; i < lk[l].n; i++) {
                msg_add(&b, "%s", any ? _(", ") : _("\nclosest: "));
                msg_area(&b, m, sel, l, lk[l].hits[i]);
                any = 1;
            }
        if (d >= 0 || s >= 0) { /* perhaps it lies elsewhere */
            struct cov_area_lookup out;
            int ok = 0;
            for (int l = lo; l <= hi && !ok; l++) {
                if (cov_areasel_find(sel, (enum cov_layer)l, text, -1, -1, 0, &out, &err))
                    break;
                for (size_t i = 0; i < out.n && i < AREA_LIST_MAX; i++) {
                    msg_add(&b, "%s",
                            i ? _(", ") : _("\nthere is, outside the other area options: "));
                    msg_area(&b, m, sel, l, out.hits[i]);
                }
                ok = out.n > 0;
                cov_area_lookup_release(&out);
            }
        }
        if (!any)
            msg_add(&b, _("\nno similar name either ('orgcover status --by %s' lists them)"),
                    lo == hi ? opt_layer[lo] : "street");
        rc = cli_usage_error(ctx, u->synopsis, "%s", b.buf);
    }
    for (int l = lo; l <= hi; l++)
        cov_area_lookup_release(&lk[l]);
    cov_err_release(&err);
    return rc;
}

int cli_find_area(struct cli_ctx *ctx, const struct cli_usage *u, const struct cov_model *m,
                  const struct cli_args *args, const char *opt, const char *text, int *layer,
                  long *idx)
{
    int32_t d = (int32_t)args->area_idx[COV_DISTRICTS], s = (int32_t)args->area_idx[COV_STREETS];
    return find_area(ctx, u, m, args->sel, opt, COV_DISTRICTS, COV_COMMUNITIES, text, d, s, layer,
                     idx);
}

int cli_parse_model(struct cli_ctx *ctx, const struct cli_usage *u, const struct cli_option *opts,
                    struct cli_args *args, int argc, char **argv, struct cov_model **m)
{
    *m = NULL;
    int ec = cli_parse(ctx, u, opts, args, argc, argv);
    if (ec != CLI_GO)
        return ec;
    return cli_load_model_areas(ctx, u, args, m);
}

int cli_load_model_areas(struct cli_ctx *ctx, const struct cli_usage *u, struct cli_args *args,
                         struct cov_model **m)
{
    static const char *const opt[3] = {"--district", "--street", "--community"};
    int ec;
    *m = NULL;
    unsigned mask = GEO_ALL_LAYERS | (u->geometry ? 0 : GEO_LOAD_LEAN) |
                    (u->counts_only ? GEO_LOAD_NO_ORG_TEXT : 0);
    if ((ec = cli_load_model(ctx, mask, m)))
        return ec;
    struct cov_err err;
    cov_err_init(&err);
    if (!(args->sel = cov_areasel_new(*m))) {
        cov_err_set(&err, COV_ENOMEM, _("out of memory indexing the area names"));
        ec = CLI_EXIT_FAIL;
        goto fail;
    }
    for (int l = 0; l < 3; l++) {
        if (!args->area[l])
            continue;
        int layer;
        ec = find_area(ctx, u, *m, args->sel, opt[l], l, l, args->area[l],
                       (int32_t)args->area_idx[COV_DISTRICTS], (int32_t)args->area_idx[COV_STREETS],
                       &layer, &args->area_idx[l]);
        if (ec != CLI_GO)
            goto fail;
    }
    if (cov_areasel_choose(args->sel, args->area_idx, &err)) {
        ec = CLI_EXIT_FAIL;
        goto fail;
    }
    return CLI_GO;
fail:
    cli_report(ctx, &err);
    cov_err_release(&err);
    cli_args_release(args);
    cov_model_free(*m);
    *m = NULL;
    return ec;
}

void cli_args_release(struct cli_args *args)
{
    cov_areasel_free(args->sel);
    args->sel = NULL;
}

void cli_parents_get(const struct cov_model *m, const struct cov_areasel *sel, int layer,
                     size_t idx, struct cli_parents *out)
{
    *out = (struct cli_parents){NULL, NULL, NULL, NULL};
    if (!sel || layer < COV_DISTRICTS || layer > COV_COMMUNITIES || idx > INT32_MAX)
        return;
    int32_t d, s;
    cov_areasel_ancestors(sel, (enum cov_layer)layer, (int32_t)idx, &d, &s);
    if (d >= 0) {
        out->district_code = m->areas[COV_DISTRICTS][d].code;
        out->district_name = m->areas[COV_DISTRICTS][d].name;
    }
    if (s >= 0) {
        out->street_code = m->areas[COV_STREETS][s].code;
        out->street_name = m->areas[COV_STREETS][s].name;
    }
}

void cli_args_filter(const struct cli_args *args, struct cov_filter *flt)
{
    long *slot[3] = {&flt->district, &flt->street, &flt->community};
    for (int l = 0; l < 3; l++)
        if (args->area[l])
            *slot[l] = args->area_idx[l];
}

/* ---- the parser ---- */

/* The most options one command has, shared and -h included. */
enum { MAX_OPTS = 40 };

/* The table's options with the included tables' spliced in; returns how many.
 * extra[i]: the help an include adds to option i (NULL: none). */
static int flatten(const struct cli_option *opts, const struct cli_option **flat,
                   const char **extra, int n)
{
    for (const struct cli_option *o = opts; o->type != CLI_OPTION_END; o++) {
        if (o->type == CLI_OPTION_INCLUDE) {
            int first = n;
            n = flatten(o->include, flat, extra, n);
            if (o->help && n > first)
                extra[n - 1] = o->help;
            continue;
        }
        assert(n < MAX_OPTS);
        flat[n] = o;
        extra[n] = NULL;
        n++;
    }
    return n;
}

static int flatten_all(const struct cli_option *opts, const struct cli_option **flat,
                       const char **extra)
{
    int n = flatten(opts, flat, extra, 0);
    return flatten(opts_help, flat, extra, n);
}

/* Apply option o with argument arg; CLI_GO or an exit code. */
static int apply(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    switch (o->type) {
    case CLI_OPTION_FLAG:
        *(int *)o->value = 1;
        return CLI_GO;
    case CLI_OPTION_STRING:
        *(const char **)o->value = arg;
        return CLI_GO;
    case CLI_OPTION_INT: {
        long v;
        if (cli_parse_long(arg, o->min, o->max, &v))
            return cli_opt_error(p, _("--%s: '%s' (%s)"), o->long_name, arg, _(o->expect));
        *(int *)o->value = (int)v;
        return CLI_GO;
    }
    case CLI_OPTION_POSITIVE: {
        double v;
        if (cli_parse_double(arg, &v) || !(v > 0) || (o->max && v > (double)o->max))
            return cli_opt_error(p, _("--%s: '%s' (%s)"), o->long_name, arg, _(o->expect));
        *(double *)o->value = v;
        return CLI_GO;
    }
    case CLI_OPTION_CALLBACK:
        return o->fn(p, o, arg);
    case CLI_OPTION_END:
    case CLI_OPTION_INCLUDE:
        break;
    }
    assert(!"unreachable option type");
    return CLI_EXIT_FAIL;
}

/* A long-only option's getopt value: past every char. */
enum { LONG_ONLY = 256 };

static int show_help(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)o;
    (void)arg;
    cli_help_print(stdout, p->usage, p->opts);
    return CLI_EXIT_OK;
}

/* The option getopt_long reported by value v (optopt), or NULL. */
static const struct cli_option *option_of(const struct cli_option **flat, int n, int v)
{
    if (v >= LONG_ONLY && v < LONG_ONLY + n)
        return flat[v - LONG_ONLY];
    for (int i = 0; i < n && v > 0 && v < LONG_ONLY; i++)
        if (flat[i]->short_name == v)
            return flat[i];
    return NULL;
}

/* What getopt_long found wrong (c '?' or ':'), said in the user's language;
 * `word` is the argument it stopped at. */
static int bad_option(struct cli_parser *p, const struct cli_option **flat, int n, int c,
                      const char *word)
{
    const struct cli_option *o = option_of(flat, n, optopt);
    char name[64];
    if (o && o->long_name && !strncmp(word, "--", 2))
        snprintf(name, sizeof(name), "--%s", o->long_name);
    else if (o && o->short_name)
        snprintf(name, sizeof(name), "-%c", o->short_name);
    else if (o)
        snprintf(name, sizeof(name), "--%s", o->long_name);
    if (c == ':' && o)
        return cli_opt_error(p, _("option '%s' needs an argument"), name);
    if (o) /* '?' for a known option: "--quiet=1" */
        return cli_opt_error(p, _("option '%s' takes no argument"), name);
    if (optopt > 0 && optopt < LONG_ONLY)
        return cli_opt_error(p, _("unknown option '-%c'"), optopt);
    return cli_opt_error(p, _("unknown or ambiguous option '%s'"), word);
}

int cli_parse(struct cli_ctx *ctx, const struct cli_usage *u, const struct cli_option *opts,
              struct cli_args *args, int argc, char **argv)
{
    memset(args, 0, sizeof(*args));
    args->fmt = CLI_FMT_TABLE;
    for (int l = 0; l < 3; l++)
        args->area_idx[l] = -1;
    struct cli_parser p = {ctx, u, opts, args};
    const struct cli_option *flat[MAX_OPTS];
    const char *extra[MAX_OPTS];
    int n = flatten_all(opts, flat, extra);

    struct option longs[MAX_OPTS + 1];
    char shorts[3 + 2 * MAX_OPTS + 1], *s = shorts;
    if (u->stop_at_arg)
        *s++ = '+';
    *s++ = ':'; /* a missing argument returns ':'; the messages are ours (translated) */
    int nl = 0;
    for (int i = 0; i < n; i++) {
        const struct cli_option *o = flat[i];
        int has_arg = o->argh ? required_argument : no_argument;
        if (o->short_name) {
            *s++ = (char)o->short_name;
            if (has_arg)
                *s++ = ':';
        }
        if (o->long_name)
            longs[nl++] = (struct option){o->long_name, has_arg, NULL,
                                          o->short_name ? o->short_name : LONG_ONLY + i};
    }
    *s = 0;
    longs[nl] = (struct option){NULL, 0, NULL, 0};

    optind = 0; /* GNU: 0 starts a fresh scan */
    opterr = 0; /* getopt's own messages are English only */
    int c, rc = CLI_GO;
    while (rc == CLI_GO && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == '?' || c == ':') {
            rc = bad_option(&p, flat, n, c, argv[optind - 1]);
            continue;
        }
        const struct cli_option *o = NULL;
        if (c >= LONG_ONLY && c < LONG_ONLY + n)
            o = flat[c - LONG_ONLY];
        for (int i = 0; i < n && !o && c < LONG_ONLY; i++)
            if (flat[i]->short_name == c)
                o = flat[i];
        if (!o) /* an option in getopt's table is always in flat: cannot happen */
            rc = cli_opt_error(&p, _("unknown option '%s'"), argv[optind - 1]);
        else
            rc = apply(&p, o, optarg);
    }
    if (rc != CLI_GO)
        return rc;
    if (args->t_srs_given && !(args->out && !cli_is_json_path(args->out)) &&
        args->fmt != CLI_FMT_GEOJSON)
        return cli_opt_error(&p, "%s",
                             _("--t-srs applies to -o FILE (.xlsx .csv .gpkg .shp .geojson) "
                               "and --format geojson"));
    args->pos = argv + optind;
    args->npos = argc - optind;
    if (args->npos < u->min_args || (u->max_args >= 0 && args->npos > u->max_args)) {
        if (u->args_error)
            return cli_opt_error(&p, "%s", _(u->args_error));
        if (args->npos < u->min_args)
            return cli_opt_error(&p, "%s", _("missing argument"));
        return cli_opt_error(&p, _("unexpected argument '%s'"), args->pos[u->max_args]);
    }
    return CLI_GO;
}

int cli_opt_error(struct cli_parser *p, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return cli_usage_error(p->ctx, p->usage->synopsis, "%s", msg);
}

/* ---- --help ---- */

enum { HELP_WIDTH = 80, HELP_COL_MAX = 26 };

/* "-o, --output FILE", "--format F", "-q, --quiet" into buf. */
static void option_left(const struct cli_option *o, char *buf, size_t len)
{
    int w = 0;
    if (o->short_name && o->long_name)
        w = snprintf(buf, len, "-%c, --%s", o->short_name, o->long_name);
    else if (o->short_name)
        w = snprintf(buf, len, "-%c", o->short_name);
    else
        w = snprintf(buf, len, "--%s", o->long_name);
    if (o->argh && w >= 0 && (size_t)w < len)
        snprintf(buf + w, len - (size_t)w, " %s", o->argh);
}

/* 1 when p starts with one of the UTF-8 characters of set (concatenated); its length in *k. */
static int starts_with_one_of(const char *p, const char *set, size_t *k)
{
    for (const char *q = set; *q;) {
        size_t n = (*q & 0xe0) == 0xc0 ? 2 : (*q & 0xf0) == 0xe0 ? 3 : 1;
        if (!strncmp(p, q, n)) {
            *k = n;
            return 1;
        }
        q += n;
    }
    return 0;
}

/* Chinese line-breaking rules (禁则): no line starts with these ... */
static const char no_line_start[] = "，。、；：？！）》」』”’…";
/* ... and none ends with these. */
static const char no_line_end[] = "（《「『“‘";

static size_t wrap_unit_plain(const char *p, int *w);

/* Bytes of the next unit of p that wrapping keeps whole: a run of narrow
 * characters up to a space or newline, or one wide (CJK) character, which
 * may be broken after as Chinese text is; an opening bracket or quote stays
 * with what follows it and closing punctuation with what precedes it. Its
 * display width into *w. */
static size_t wrap_unit(const char *p, int *w)
{
    size_t k, n = 0;
    *w = 0;
    while (starts_with_one_of(p + n, no_line_end, &k)) {
        n += k;
        *w += 2;
    }
    int uw;
    size_t u = wrap_unit_plain(p + n, &uw);
    n += u;
    *w += uw;
    while (starts_with_one_of(p + n, no_line_start, &k)) {
        n += k;
        *w += 2;
    }
    return n;
}

static size_t wrap_unit_plain(const char *p, int *w)
{
    size_t n = 0;
    for (;;) {
        const unsigned char c = (unsigned char)p[n];
        if (!c || c == ' ' || c == '\n')
            break;
        size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
        char ch[5] = {0};
        for (size_t i = 0; i < k; i++) {
            if (!p[n + i]) {
                k = i;
                break;
            }
            ch[i] = p[n + i];
        }
        if (!k)
            break;
        int cw = cli_display_width(ch);
        if (cw == 2) {
            if (!n) { /* a wide character is a unit of its own */
                *w = 2;
                return k;
            }
            break;
        }
        n += k;
    }
    char buf[256];
    size_t m = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;
    memcpy(buf, p, m);
    buf[m] = 0;
    *w = cli_display_width(buf);
    return n;
}

/* Print text from column `col` (the cursor is there), wrapped at HELP_WIDTH by
 * display width, between words and between Chinese characters; "\n" in text
 * starts a new line. */
static void print_wrapped(FILE *f, const char *text, int col)
{
    int x = col;
    const char *p = text;
    int space = 0; /* a space separates the next unit from the last */
    while (*p) {
        if (*p == '\n') {
            fprintf(f, "\n%*s", col, "");
            x = col;
            space = 0;
            p++;
            continue;
        }
        if (*p == ' ') {
            space = x > col;
            p++;
            continue;
        }
        int w;
        size_t n = wrap_unit(p, &w);
        if (x > col && x + space + w > HELP_WIDTH) {
            fprintf(f, "\n%*s", col, "");
            x = col;
        } else if (space) {
            fputc(' ', f);
            x++;
        }
        fwrite(p, 1, n, f);
        x += w;
        p += n;
        space = 0;
    }
    fputc('\n', f);
}

void cli_help_print(FILE *f, const struct cli_usage *u, const struct cli_option *opts)
{
    const struct cli_option *flat[MAX_OPTS];
    const char *extra[MAX_OPTS];
    int n = flatten_all(opts, flat, extra);
    char left[128];
    int col = 0;
    for (int i = 0; i < n; i++) {
        option_left(flat[i], left, sizeof(left));
        int w = 2 + cli_display_width(left) + 2;
        if (w > col && w <= HELP_COL_MAX)
            col = w;
    }
    fprintf(f, _("Usage: %s\n\n"), u->synopsis);
    if (u->about)
        fprintf(f, "%s\n", _(u->about));
    if (u->about_fn) {
        u->about_fn(f);
        fputc('\n', f);
    }
    fprintf(f, "%s\n", u->options_title ? _(u->options_title) : _("Options:"));
    for (int i = 0; i < n; i++) {
        option_left(flat[i], left, sizeof(left));
        int w = 2 + cli_display_width(left);
        fprintf(f, "  %s", left);
        if (w + 2 > col)
            fprintf(f, "\n%*s", col, "");
        else
            fprintf(f, "%*s", col - w, "");
        char help[1024];
        /* The tables hold English (marked N_()); translated as printed. */
        snprintf(help, sizeof(help), "%s%s%s%s", flat[i]->help ? _(flat[i]->help) : "",
                 extra[i] ? _(" (") : "", extra[i] ? _(extra[i]) : "", extra[i] ? _(")") : "");
        print_wrapped(f, help, col);
    }
    if (u->notes)
        fprintf(f, "\n%s", _(u->notes));
    if (u->notes_fn) {
        fputc('\n', f);
        u->notes_fn(f);
    }
}

/* --replan, shared by the commands that use the saved plan (cli_plan_get). */
static int set_replan(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)o, (void)arg;
    p->args->replan = 1;
    return CLI_GO;
}

const struct cli_option cli_opts_replan[] = {
    CLI_OPT_CALLBACK(0, "replan", NULL, NULL, set_replan,
                     N_("when the saved plan is out of date (the data or a policy value it "
                        "uses changed since 'propose --save'), make it again with its options "
                        "and save it; without --replan such a plan is refused (exit 2)")),
    CLI_OPT_END(),
};
