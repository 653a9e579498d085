/* util.c - helpers shared by the subcommands: messages, numbers, progress, tables. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../geodata/csv.h"
#include "../geodata/export.h"
#include "../geodata/outfile.h"
#include "../geodata/rtree.h"
#include "../render/map.h"
#include "cli.h"
#include "lang.h"

int cli_open_store(struct cli_ctx *ctx)
{
    if (ctx->store)
        return CLI_EXIT_OK;
    struct cov_err err;
    cov_err_init(&err);
    ctx->store_created = access(ctx->db_path, F_OK) != 0;
    int rc = geo_store_open(ctx->db_path, (ctx->flags & CLI_STORE_CREATE) != 0, &ctx->store, &err);
    if (rc)
        cli_report(ctx, &err);
    cov_err_release(&err);
    return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

void cli_report(const struct cli_ctx *ctx, const struct cov_err *err)
{
    if (!err)
        return;
    if (!ctx->quiet)
        for (size_t i = 0; i < err->n_warnings; i++)
            fprintf(stderr, _("%s %s: warning: %s\n"), ctx->prog, ctx->cmd, err->warnings[i]);
    const char *m = cov_err_msg(err);
    while (*m) {
        const char *nl = strchr(m, '\n');
        int n = nl ? (int)(nl - m) : (int)strlen(m);
        fprintf(stderr, _("%s %s: %.*s\n"), ctx->prog, ctx->cmd, n, m);
        m += n + (nl ? 1 : 0);
    }
    if (err->code == COV_EUSAGE && ctx->cmd) /* a usage error found below cli/ */
        fprintf(stderr, _("try '%s %s --help'\n"), ctx->prog, ctx->cmd);
}

int cli_usage_error(const struct cli_ctx *ctx, const char *synopsis, const char *fmt, ...)
{
    va_list ap;
    /* Without a command: the global options of main. */
    const char *sp = ctx->cmd ? " " : "", *cmd = ctx->cmd ? ctx->cmd : "";
    fprintf(stderr, _("%s%s%s: "), ctx->prog, sp, cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, _("\nusage: %s\ntry '%s%s%s --help'\n"), synopsis, ctx->prog, sp, cmd);
    return CLI_EXIT_USAGE;
}

int cli_exit_for(int status)
{
    switch (status) {
    case COV_OK:
        return CLI_EXIT_OK;
    case COV_EINPUT:
        return CLI_EXIT_INPUT;
    case COV_EUSAGE:
        return CLI_EXIT_USAGE;
    default:
        return CLI_EXIT_FAIL;
    }
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cli_progress(double fraction, const char *what, void *user)
{
    struct cli_ctx *ctx = user;
    if (!ctx || !ctx->progress)
        return 0;
    static int last_pct = -1;
    static const char *last_what;
    int pct = (int)(fraction * 100.0 + 0.5);
    if (pct < 0)
        pct = 0;
    if (pct > 100)
        pct = 100;
    if (pct == last_pct && what == last_what)
        return 0;
    last_pct = pct;
    last_what = what;
    enum { W = 30 };
    char bar[W + 1];
    int fill = pct * W / 100;
    for (int i = 0; i < W; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[W] = 0;
    fprintf(stderr, "\r%s [%s] %3d%% %-40.40s", ctx->cmd, bar, pct, what ? what : "");
    if (pct >= 100) {
        fputs("\r\033[K", stderr);
        last_pct = -1;
    }
    fflush(stderr);
    return 0;
}

/* East Asian Wide and Fullwidth ranges (Unicode 15, condensed). */
static inline int cp_width(uint32_t c)
{
    if (c < 0x80) /* first: most of any table */
        return c >= 0x20 && c != 0x7f;
    if (c < 0xa0)
        return 0;
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || c == 0xfeff)
        return 0;
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
        (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
        (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
        (c >= 0x20000 && c <= 0x3fffd))
        return 2;
    return 1;
}

/* Bytes of the UTF-8 character at p (not at its end) and its display width; an
 * invalid or cut-off sequence is one byte of one column, as terminals show a
 * replacement character. */
static inline int utf8_char(const unsigned char *p, int *width)
{
    if (*p < 0x80) {
        *width = cp_width(*p);
        return 1;
    }
    /* Most of a Chinese register: U+5000..U+9FFF, all CJK ideographs (wide). */
    if (*p >= 0xe5 && *p <= 0xe9 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
        *width = 2;
        return 3;
    }
    uint32_t c;
    int n;
    if ((*p & 0xe0) == 0xc0) {
        c = *p & 0x1f;
        n = 2;
    } else if ((*p & 0xf0) == 0xe0) {
        c = *p & 0x0f;
        n = 3;
    } else if ((*p & 0xf8) == 0xf0) {
        c = *p & 0x07;
        n = 4;
    } else {
        *width = 1;
        return 1;
    }
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *width = 1;
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3f);
    }
    *width = cp_width(c);
    return n;
}

int cli_display_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        int cw;
        p += utf8_char(p, &cw);
        w += cw;
    }
    return w;
}

void cli_print_padded(FILE *f, const char *s, int w, int right)
{
    s = s ? s : "";
    int pad = w - cli_display_width(s);
    if (right)
        for (int i = 0; i < pad; i++)
            fputc(' ', f);
    fputs(s, f);
    if (!right)
        for (int i = 0; i < pad; i++)
            fputc(' ', f);
}

int cli_parse_format(const char *s, int allow_geojson)
{
    if (!strcmp(s, "table"))
        return CLI_FMT_TABLE;
    if (!strcmp(s, "csv"))
        return CLI_FMT_CSV;
    if (!strcmp(s, "json"))
        return CLI_FMT_JSON;
    if (allow_geojson && !strcmp(s, "geojson"))
        return CLI_FMT_GEOJSON;
    return -1;
}

int cli_load_model(struct cli_ctx *ctx, unsigned mask, struct cov_model **out)
{
    *out = NULL;
    int ec = cli_open_store(ctx);
    if (ec)
        return ec;
    struct cov_err err;
    cov_err_init(&err);
    enum geo_load_outcome how;
    struct cov_model *m = cov_model_new();
    int rc = m ? geo_store_load_current(ctx->store, mask, m, cli_progress, ctx, &how, &err)
               : cov_err_set(&err, COV_ENOMEM, "%s", _("out of memory"));
    if (!rc && how == GEO_LOAD_READONLY && !ctx->quiet)
        fprintf(stderr,
                _("%s %s: note: %s is read-only: the assignment to areas was computed in "
                  "memory and nothing was saved\n"),
                ctx->prog, ctx->cmd, ctx->db_path);
    if (rc) {
        cli_report(ctx, &err);
        cov_model_free(m);
        m = NULL;
    }
    cov_err_release(&err);
    *out = m;
    return rc ? cli_exit_for(rc) : CLI_EXIT_OK;
}

/* 1 when byte ch goes into a JSON string as it is. */
static inline int json_plain(unsigned char ch)
{
    return ch != '"' && ch != '\\' && ch >= 0x20;
}

/* The escape of a byte that is not json_plain() into out; its length, at most
 * JSON_ESCAPE_MAX. Used by cli_json_str and cli_jline_str alike. */
enum { JSON_ESCAPE_MAX = 6 };
static int json_escape(unsigned char ch, char *out)
{
    static const char hex[] = "0123456789abcdef";
    if (ch == '"' || ch == '\\' || ch == '\n') {
        out[0] = '\\';
        out[1] = ch == '\n' ? 'n' : (char)ch;
        return 2;
    }
    memcpy(out, "\\u00", 4);
    out[4] = hex[ch >> 4];
    out[5] = hex[ch & 15];
    return JSON_ESCAPE_MAX;
}

void cli_json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    putc('"', f);
    /* Runs of characters that need no escape go out in one write: at national
     * size a list is 10^8 bytes of them. */
    const char *run = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (json_plain(ch))
            continue;
        fwrite(run, 1, (size_t)(s - run), f);
        run = s + 1;
        char e[JSON_ESCAPE_MAX];
        fwrite(e, 1, (size_t)json_escape(ch, e), f);
    }
    fwrite(run, 1, (size_t)(s - run), f);
    putc('"', f);
}

/* ', "key": ' before a member's value */
static void json_key(FILE *f, const char *key)
{
    fputs(", \"", f);
    fputs(key, f);
    fputs("\": ", f);
}

void cli_json_kv(FILE *f, const char *key, const char *value)
{
    json_key(f, key);
    cli_json_str(f, value);
}

char *cli_fmt_long(char buf[CLI_LONG_CHARS], long v)
{
    buf[geo_put_int64(buf, v)] = '\0';
    return buf;
}

void cli_json_int(FILE *f, long v)
{
    char buf[CLI_LONG_CHARS];
    fputs(cli_fmt_long(buf, v), f);
}

void cli_json_kv_int(FILE *f, const char *key, long v)
{
    json_key(f, key);
    cli_json_int(f, v);
}

void cli_json_kv_num(FILE *f, const char *key, double v)
{
    json_key(f, key);
    cli_json_num(f, v);
}

void cli_json_num(FILE *f, double v)
{
    if (!isfinite(v))
        fputs("null", f);
    else if (v == floor(v) && fabs(v) < 1e15)
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.6g", v);
}

/* Room for n more bytes; 0, or -1 (j->failed set) when out of memory. */
static int jline_room(struct cli_jline *j, size_t n)
{
    if (j->failed)
        return -1;
    if (n <= j->cap - j->len)
        return 0;
    size_t cap = j->cap ? j->cap : 4096;
    while (cap - j->len < n) {
        if (cap > SIZE_MAX / 2) {
            j->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *b = realloc(j->buf, cap);
    if (!b) {
        j->failed = 1;
        return -1;
    }
    j->buf = b;
    j->cap = cap;
    return 0;
}

static void jline_put(struct cli_jline *j, const char *s, size_t n)
{
    if (!jline_room(j, n)) {
        memcpy(j->buf + j->len, s, n);
        j->len += n;
    }
}

void cli_jline_raw(struct cli_jline *j, const char *s)
{
    jline_put(j, s, strlen(s));
}

void cli_jline_str(struct cli_jline *j, const char *s)
{
    if (!s) {
        jline_put(j, "null", 4);
        return;
    }
    size_t n = strlen(s);
    if (n > (SIZE_MAX - 2) / JSON_ESCAPE_MAX || jline_room(j, JSON_ESCAPE_MAX * n + 2))
        return;
    char *o = j->buf + j->len;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (json_plain(*p))
            *o++ = (char)*p;
        else
            o += json_escape(*p, o);
    }
    *o++ = '"';
    j->len = (size_t)(o - j->buf);
}

void cli_jline_int(struct cli_jline *j, long v)
{
    char buf[CLI_LONG_CHARS];
    cli_jline_raw(j, cli_fmt_long(buf, v));
}

static void jline_key(struct cli_jline *j, const char *key)
{
    jline_put(j, ", \"", 3);
    cli_jline_raw(j, key);
    jline_put(j, "\": ", 3);
}

void cli_jline_kv(struct cli_jline *j, const char *key, const char *value)
{
    jline_key(j, key);
    cli_jline_str(j, value);
}

void cli_jline_kv_int(struct cli_jline *j, const char *key, long v)
{
    jline_key(j, key);
    cli_jline_int(j, v);
}

int cli_jline_flush_at(struct cli_jline *j, FILE *f, size_t min)
{
    if (j->len < min || !j->len)
        return j->failed ? -1 : 0;
    size_t n = j->len;
    j->len = 0;
    return fwrite(j->buf, 1, n, f) == n && !j->failed ? 0 : -1;
}

int cli_jline_flush(struct cli_jline *j, FILE *f)
{
    return cli_jline_flush_at(j, f, 0);
}

void cli_jline_release(struct cli_jline *j)
{
    free(j->buf);
    *j = (struct cli_jline){0};
}

void cli_table_init(struct cli_table *t, size_t ncols, const char *const *head, const int *right)
{
    memset(t, 0, sizeof(*t));
    cov_arena_init(&t->text);
    t->ncols = ncols;
    t->head = head;
    t->right = right;
}

void cli_table_release(struct cli_table *t)
{
    if (!t)
        return;
    free(t->row);
    cov_arena_release(&t->text);
    memset(t, 0, sizeof(*t));
}

static void csv_row(FILE *f, const char *const *cells, size_t n);

void cli_table_stream_csv(struct cli_table *t, FILE *f)
{
    t->stream = f;
}

static void stream_head(struct cli_table *t)
{
    if (!t->head_done)
        csv_row(t->stream, t->head, t->ncols);
    t->head_done = 1;
}

int cli_table_add(struct cli_table *t, const char *const *cells)
{
    if (t->stream) {
        stream_head(t);
        csv_row(t->stream, cells, t->ncols);
        t->nrows++;
        return 0;
    }
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **r = cov_realloc_huge(t->row, t->cap * sizeof(*r), cap * sizeof(*r));
        if (!r)
            return COV_ENOMEM;
        t->row = r;
        t->cap = cap;
    }
    /* The cells go to the arena's blocks, which are never moved or copied
     * as the table grows and come in 2 MiB pages once large: a national
     * list of 5x10^5 rows is 60 MB of fresh memory, written once. */
    size_t need = 0;
    for (size_t i = 0; i < t->ncols; i++)
        need += strlen(cells[i] ? cells[i] : "") + 1;
    char *at = cov_arena_take(&t->text, need);
    if (!at)
        return COV_ENOMEM;
    t->row[t->nrows++] = at;
    for (size_t i = 0; i < t->ncols; i++) {
        const char *s = cells[i] ? cells[i] : "";
        size_t n = strlen(s) + 1;
        memcpy(at, s, n);
        at += n;
    }
    return 0;
}

/* The cells of a row, in order, each NUL-terminated right after the one before. */
static void row_cells(const struct cli_table *t, size_t row, const char **cells)
{
    const char *p = t->row[row];
    for (size_t c = 0; c < t->ncols; c++) {
        cells[c] = p;
        p += strlen(p) + 1;
    }
}

const char *cli_table_cell(const struct cli_table *t, size_t row, size_t col)
{
    const char *p = t->row[row];
    while (col--)
        p += strlen(p) + 1;
    return p;
}

static void csv_cell(FILE *f, const char *s)
{
    geo_csv_cell(f, s);
}

/* A terminal table shows at most CELL_MAX_WIDTH columns of a cell (then "…");
 * CSV, JSON and files written with -o keep the full text. */
enum { CELL_MAX_WIDTH = 80 };

/* The display width of s when it fits CELL_MAX_WIDTH, else CELL_MAX_WIDTH + 1;
 * *end is set to s's terminating NUL. */
static int cell_width(const char *s, const char **end)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int cw;
        p += utf8_char(p, &cw);
        w += cw;
    }
    *end = (const char *)p;
    return w > CELL_MAX_WIDTH ? CELL_MAX_WIDTH + 1 : w;
}

/* Append n bytes to the line buffer at *at. */
static char *put(char *at, const char *s, size_t n)
{
    memcpy(at, s, n);
    return at + n;
}

static char *put_spaces(char *at, int n)
{
    if (n <= 0)
        return at;
    memset(at, ' ', (size_t)n);
    return at + n;
}

/* One cell of len bytes and display width cw (cell_width()) padded to w
 * columns, cut to CELL_MAX_WIDTH - 1 columns and "…" when wider. */
static char *put_cell(char *at, const char *s, size_t len, int cw, int w, int right)
{
    if (cw <= CELL_MAX_WIDTH) {
        if (right)
            at = put_spaces(at, w - cw);
        at = put(at, s, len);
        return right ? at : put_spaces(at, w - cw);
    }
    /* the widest prefix that leaves one column for the ellipsis */
    const unsigned char *p = (const unsigned char *)s;
    int used = 0;
    while (*p) {
        int ch, n = utf8_char(p, &ch);
        if (used + ch > CELL_MAX_WIDTH - 1)
            break;
        used += ch;
        p += n;
    }
    if (right)
        at = put_spaces(at, w - used - 1);
    at = put(at, s, (size_t)((const char *)p - s));
    at = put(at, "…", strlen("…"));
    return right ? at : put_spaces(at, w - used - 1);
}

static void csv_row(FILE *f, const char *const *cells, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        if (c)
            putc(',', f);
        csv_cell(f, cells[c] ? cells[c] : "");
    }
    putc('\n', f);
}

/*
 * The aligned table: every cell's width measured once (kept a byte each), then
 * each line built in one buffer and written with one call, so that a list of
 * 10^6 rows costs two passes over its text and not a stdio call per space.
 */
static void print_aligned(const struct cli_table *t, FILE *f)
{
    size_t nc = t->ncols, n = t->nrows * nc;
    unsigned char *cw = cov_malloc_huge(n ? n : 1);
    int *w = calloc(nc ? nc : 1, sizeof(*w));
    int *hw = calloc(nc ? nc : 1, sizeof(*hw));
    if (!cw || !w || !hw)
        goto out;
    size_t widest = 0; /* the longest row's bytes, cells and NULs */
    const char *end;
    for (size_t c = 0; c < nc; c++) {
        hw[c] = cell_width(t->head[c], &end);
        widest += (size_t)(end - t->head[c]) + 1;
        w[c] = hw[c] > CELL_MAX_WIDTH ? CELL_MAX_WIDTH : hw[c];
    }
    for (size_t r = 0; r < t->nrows; r++) {
        const char *p = t->row[r], *start = p;
        for (size_t c = 0; c < nc; c++) {
            int x = cell_width(p, &end);
            cw[r * nc + c] = (unsigned char)x;
            if (x > CELL_MAX_WIDTH)
                x = CELL_MAX_WIDTH;
            if (x > w[c])
                w[c] = x;
            p = end + 1;
        }
        if ((size_t)(p - start) > widest)
            widest = (size_t)(p - start);
    }
    /* a line: its cells' bytes, an ellipsis, padding and two spaces per cell, '\n' */
    size_t cap = widest + 1;
    for (size_t c = 0; c < nc; c++)
        cap += (size_t)w[c] + 2 + strlen("…");
    char *line = malloc(cap);
    if (!line)
        goto out;
    for (size_t r = 0; r <= t->nrows; r++) {
        /* row 0 of the output is the header */
        const char *p = r ? t->row[r - 1] : NULL;
        char *at = line;
        for (size_t c = 0; c < nc; c++) {
            const char *s = r ? p : t->head[c];
            size_t len = strlen(s);
            int x = r ? cw[(r - 1) * nc + c] : hw[c];
            int right = t->right && t->right[c];
            if (c)
                at = put_spaces(at, 2);
            /* The last left-aligned column needs no trailing padding. */
            at = put_cell(at, s, len, x, (c + 1 == nc && !right) ? 0 : w[c], right);
            if (r)
                p += len + 1;
        }
        *at++ = '\n';
        fwrite(line, 1, (size_t)(at - line), f);
    }
    free(line);
out:
    free(hw);
    free(w);
    free(cw);
}

void cli_table_print(struct cli_table *t, FILE *f, int fmt)
{
    if (t->stream) {
        stream_head(t);
        return;
    }
    if (fmt != CLI_FMT_CSV) {
        print_aligned(t, f);
        return;
    }
    const char **cells = malloc((t->ncols ? t->ncols : 1) * sizeof(*cells));
    if (!cells)
        return;
    csv_row(f, t->head, t->ncols);
    for (size_t r = 0; r < t->nrows; r++) {
        row_cells(t, r, cells);
        csv_row(f, cells, t->ncols);
    }
    free(cells);
}

const char *cli_pct(char *buf, size_t n, double rate)
{
    if (!isfinite(rate))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1f%%", rate * 100.0);
    return buf;
}

static int table_row(void *user, size_t row, const char **cells, const GEOSGeometry **geom)
{
    const struct cli_table *t = user;
    row_cells(t, row, cells);
    *geom = NULL;
    return 0;
}

void cli_export_init(struct cli_export *x, const struct cli_ctx *ctx, const struct cli_args *args)
{
    memset(x, 0, sizeof(*x));
    x->lang = ctx->lang;
    if (args)
        x->geo.srs = args->t_srs;
    /* the importer's own names, so that an exported sheet imports again */
    x->geo.lon_name = x->lang == COV_LANG_ZH ? "经度" : "lon";
    x->geo.lat_name = x->lang == COV_LANG_ZH ? "纬度" : "lat";
}

void cli_export_init_stdout(struct cli_export *x, const struct cli_args *args)
{
    struct cli_ctx en = {.lang = COV_LANG_EN};
    cli_export_init(x, &en, args);
}

void cli_export_cols(const struct cli_export *x, const struct cli_col *cols, size_t n,
                     struct geo_export_col *out)
{
    int zh = x->lang == COV_LANG_ZH;
    for (size_t c = 0; c < n; c++)
        out[c] =
            (struct geo_export_col){zh ? cols[c].zh : cols[c].en, (enum geo_col_type)cols[c].type,
                                    zh ? cols[c].zh_dbf : NULL};
}

int cli_table_export(const struct cli_table *t, const struct cli_col *cols, const char *path,
                     const char *layer, const struct cli_export *x, struct cov_err *err)
{
    struct geo_export_col *gc = calloc(t->ncols ? t->ncols : 1, sizeof(*gc));
    if (!gc)
        return cov_err_set(err, COV_ENOMEM, "out of memory");
    cli_export_cols(x, cols, t->ncols, gc);
    int rc = geo_export(path, NULL, layer, gc, t->ncols, t->nrows, table_row, (void *)t, NULL, 0,
                        -1, &x->geo, err);
    free(gc);
    return rc;
}

int cli_write_text(const char *path, int (*fn)(FILE *f, void *user, struct cov_err *err),
                   void *user, struct cov_err *err)
{
    struct geo_out o;
    int rc = geo_out_begin(&o, path, err);
    if (rc)
        return rc;
    FILE *f = geo_out_fopen(&o, err);
    if (!f) {
        geo_out_abort(&o);
        return COV_EIO;
    }
    if ((rc = fn(f, user, err))) {
        fclose(f);
        geo_out_abort(&o);
        return rc;
    }
    return geo_out_fclose(&o, f, err);
}

/* Copy src's messages and warnings into dst with every `from` replaced by `to`
 * (the renderer names the temporary file it was given; the user knows the target). */
static void err_copy_renamed(struct cov_err *dst, const struct cov_err *src, const char *from,
                             const char *to)
{
    for (size_t i = 0; i < src->n_warnings; i++)
        cov_err_warn(dst, "%s", src->warnings[i]);
    const char *m = cov_err_msg(src);
    size_t fl = strlen(from);
    while (*m) {
        size_t n = strcspn(m, "\n");
        const char *hit = memmem(m, n, from, fl);
        if (hit)
            cov_err_set(dst, src->code, "%.*s%s%.*s", (int)(hit - m), m, to,
                        (int)(n - (size_t)(hit - m) - fl), hit + fl);
        else
            cov_err_set(dst, src->code, "%.*s", (int)n, m);
        m += n + (m[n] ? 1 : 0);
    }
}

int cli_render_file(struct cli_ctx *ctx, const struct cov_model *m, int atlas_by,
                    const struct map_opts *o, struct cov_err *err)
{
    struct geo_out out;
    int rc = geo_out_begin(&out, o->path, err);
    if (rc)
        return rc;
    struct map_opts to = *o;
    to.path = out.tmp;
    struct cov_err e;
    cov_err_init(&e);
    rc = atlas_by >= 0 ? map_render_atlas(m, atlas_by, &to, cli_progress, ctx, &e)
                       : map_render(m, &to, &e);
    err_copy_renamed(err, &e, out.tmp, o->path);
    cov_err_release(&e);
    if (rc) {
        geo_out_fail(&out, err); /* adds "the disk is full" when that is why */
        return rc;
    }
    return geo_out_commit(&out, err);
}

int cli_is_json_path(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    return dot && !strcasecmp(dot, ".json");
}
