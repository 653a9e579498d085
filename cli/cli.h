/*
 * cli.h - the command-line front: the dispatch table and helpers shared by
 * the subcommands (one file per subcommand: cmd_<name>.c).
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "../analysis/labels.h"
#include "../analysis/model.h"
#include "../geodata/store.h"
#include "options.h"

/* Exit codes (documented in docs/USAGE.md). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAIL = 1,   /* the command failed; the message says why */
    CLI_EXIT_USAGE = 2,  /* bad command line, or command not built yet */
    CLI_EXIT_TARGET = 3, /* a check ran and a target was missed (--strict) */
    CLI_EXIT_INPUT = 4,  /* input data failed validation; nothing was written */
};

struct cli_ctx {
    const char *db_path;     /* --db, $ORGCOVER_DB or ./orgcover.sqlite */
    int db_given;            /* 1 when --db was on the command line */
    struct geo_store *store; /* opened by main for commands flagged CLI_STORE */
    enum cov_lang lang;      /* --lang (global; render too), zh by default */
    int quiet;               /* -q: no progress, no notes */
    int progress;            /* progress bar on stderr (stderr is a terminal and not quiet) */
    const char *prog;        /* "orgcover" */
    const char *argv0;       /* how the program was invoked, e.g. "build/orgcover" */
    const char *cmd;         /* the subcommand's name */
    int cmd_argc;            /* the subcommand's arguments (cmd_argv[0] its name), to */
    char **cmd_argv;         /* repeat the command in a message; order as getopt left it */
    int store_created;       /* 1 if ctx->store's file was created for this command */
    unsigned flags;          /* the command's CLI_* flags */
};

enum {
    CLI_STORE = 1, /* uses ctx->store: cli_open_store() after parsing options; main closes it */
    CLI_STORE_CREATE = 2, /* ... creating it when missing */
    CLI_NOT_BUILT = 4,    /* listed in --help, says so and exits 2 */
};

struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv, struct cli_ctx *ctx);
    const char *summary;
    unsigned flags;
};

/* Subcommands (argv[0] is the command name; getopt_long-ready). */
int cli_cmd_init(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_import(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_status(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_targets(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_uncovered(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_organizations(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_policy(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_propose(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_render(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_demo(int argc, char **argv, struct cli_ctx *ctx);

/* ---- helpers (cli/util.c) ---- */

/*
 * Open ctx->store (once) for a command flagged CLI_STORE, creating the file
 * when the command is also flagged CLI_STORE_CREATE. Commands call it after
 * parsing their options, so that --help and usage errors never touch the
 * store. Returns an exit code (0 ok) after reporting any error.
 */
int cli_open_store(struct cli_ctx *ctx);

/* Print "orgcover CMD: message" for each line of err to stderr, plus warnings. */
void cli_report(const struct cli_ctx *ctx, const struct cov_err *err);
/* Print a usage error: message, synopsis, "try 'orgcover CMD --help'"; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_ctx *ctx, const char *synopsis, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Map a cov status code onto an exit code. */
int cli_exit_for(int status);
/* Parse a whole-string integer / number; 0 on success. */
int cli_parse_long(const char *s, long min, long max, long *out);
int cli_parse_double(const char *s, double *out);
/* Progress callback printing a bar on stderr when ctx->progress; user = ctx. */
int cli_progress(double fraction, const char *what, void *user);
/* Display width of UTF-8 text in a terminal (CJK wide chars count 2). */
int cli_display_width(const char *s);
/* Print s padded with spaces to display width w (left aligned; right if right=1). */
void cli_print_padded(FILE *f, const char *s, int w, int right);

/*
 * Open ctx->store and load the model from it with geo_store_load_current()
 * (layers in mask plus policy; assignments made current, coverage classified),
 * noting on stderr when a read-only store could not keep the recomputed
 * assignments. Returns an exit code after reporting any error. Caller-owned model.
 */
int cli_load_model(struct cli_ctx *ctx, unsigned mask, struct cov_model **out);

/* Output formats of list commands. */
enum cli_format { CLI_FMT_TABLE, CLI_FMT_CSV, CLI_FMT_JSON, CLI_FMT_GEOJSON };
/* Parse --format; returns -1 for an unknown name. */
int cli_parse_format(const char *s, int allow_geojson);

/* JSON: a string with escapes; a number, or null when NAN/infinite. */
void cli_json_str(FILE *f, const char *s);
void cli_json_num(FILE *f, double v);
/*
 * v in decimal, without printf: the output's hot loops (a row per community,
 * 6x10^5 at national size) avoid it because a library GDAL loads
 * (libquadmath) registers printf hooks that send every printf in the
 * process down glibc's slow path, twice the time per call.
 */
enum { CLI_LONG_CHARS = 24 };
char *cli_fmt_long(char buf[CLI_LONG_CHARS], long v); /* returns buf (geo_put_int64) */
void cli_json_int(FILE *f, long v);
/* ', "key": v' (cli_json_kv for strings) */
void cli_json_kv_int(FILE *f, const char *key, long v);
void cli_json_kv_num(FILE *f, const char *key, double v);
/* ', "key": value' (value a JSON string, or null when NULL): a member after the first. */
void cli_json_kv(FILE *f, const char *key, const char *value);

/*
 * A JSON record built in memory and written with one call: the per-community
 * and per-organization lists (10^6 records, 10^8 bytes at national size) are
 * otherwise a dozen stdio calls a record. The text is the cli_json_* text,
 * byte for byte. Out of memory, appends are dropped and cli_jline_flush
 * returns -1.
 *
 *     struct cli_jline j = {0};
 *     for (...) { cli_jline_raw(&j, "{\"code\": "); cli_jline_str(&j, code); ...
 *                 cli_jline_flush_at(&j, f, 1 << 16); }
 *     cli_jline_flush(&j, f); cli_jline_release(&j);
 */
struct cli_jline {
    char *buf;
    size_t len, cap;
    int failed;
};
void cli_jline_raw(struct cli_jline *j, const char *s);
void cli_jline_str(struct cli_jline *j, const char *s); /* as cli_json_str */
void cli_jline_int(struct cli_jline *j, long v);        /* as cli_json_int */
void cli_jline_kv(struct cli_jline *j, const char *key, const char *value);
void cli_jline_kv_int(struct cli_jline *j, const char *key, long v);
/* Write what is held when it is at least min bytes (0: always); 0, or -1 when
 * an append failed or the write did. */
int cli_jline_flush_at(struct cli_jline *j, FILE *f, size_t min);
int cli_jline_flush(struct cli_jline *j, FILE *f);
void cli_jline_release(struct cli_jline *j);

/*
 * A table of text cells printed aligned by display width (Chinese counts 2)
 * or as CSV. Embedded: cli_table_init / cli_table_release.
 */
struct cli_table {
    size_t ncols, nrows, cap;
    const char *const *head; /* borrowed, ncols entries */
    const int *right;        /* borrowed, ncols flags: right-align (numbers); may be NULL */
    char **row;              /* owned, nrows: each row's ncols cells, each NUL-terminated */
    struct cov_arena text;   /* owns the rows' cells */
    FILE *stream;            /* cli_table_stream_csv(): rows go straight out, not kept */
    int head_done;           /* the stream's header is written */
};
void cli_table_init(struct cli_table *t, size_t ncols, const char *const *head, const int *right);
void cli_table_release(struct cli_table *t);
/* CSV written to f as rows are added instead of kept for cli_table_print()
 * (which then only writes the header if no row came): for lists of 10^5 rows
 * and more, where nothing needs the column widths. */
void cli_table_stream_csv(struct cli_table *t, FILE *f);
/* Append a row of ncols cells (copied; NULL prints empty). 0 or COV_ENOMEM. */
int cli_table_add(struct cli_table *t, const char *const *cells);
/* Print as CLI_FMT_TABLE or CLI_FMT_CSV. */
void cli_table_print(struct cli_table *t, FILE *f, int fmt);
/* Borrowed cell text. */
const char *cli_table_cell(const struct cli_table *t, size_t row, size_t col);

/* Report writers shared by the commands and the demo (cmd_status.c, cmd_targets.c). */
struct cov_targets;
struct cov_plan;
int cli_status_write(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m,
                     const struct cov_areasel *sel, int by, int issues, int fmt,
                     const struct cov_plan *plan, struct cov_err *err);
/* sel: the chosen areas (cli_args.sel), for the district and street of each community;
 * NULL: made for the call. */
struct cov_areasel;
void cli_targets_write(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m,
                       const struct cov_areasel *sel, const struct cov_targets *tg, int fmt,
                       int failing);

/*
 * Files for people (-o FILE: docs/FORMATS.md "Exports"): column names and enumerated values
 * in the user's language (values from analysis/labels.h), coordinates as --t-srs says.
 * A column has a Chinese and an English name, an enum geo_col_type, and a Chinese name of
 * at most 10 bytes for a shapefile's .dbf (NULL: the Chinese name, cut to fit).
 */
struct cli_col {
    const char *zh, *en;
    int type;
    const char *zh_dbf;
};
struct cli_export {
    enum cov_lang lang;         /* of column names and values */
    struct geo_export_opts geo; /* --t-srs; lon/lat column names in lang */
};
/* x for the command's -o (ctx->lang, args->t_srs; args may be NULL). */
void cli_export_init(struct cli_export *x, const struct cli_ctx *ctx, const struct cli_args *args);
/* x for --format geojson on stdout: English, as the JSON output (args->t_srs applies). */
void cli_export_init_stdout(struct cli_export *x, const struct cli_args *args);
/* The geo_export columns of cols[0..n) in x->lang, into out (n entries). */
void cli_export_cols(const struct cli_export *x, const struct cli_col *cols, size_t n,
                     struct geo_export_col *out);

/* The indices of the organizations matching flt, sorted by district, street, community,
 * id; *n of them. Caller-owned (free); NULL when out of memory. */
struct cov_filter;
size_t *cli_uncovered_select(const struct cov_model *m, const struct cov_filter *flt, size_t *n);
/*
 * Export the organizations idx[0..n) through geo_export (path, format_ext and layer as
 * there; columns cols[0..ncols) in x's language), a point for those placed by their own
 * coordinates and none for the others; fill writes an organization's ncols cells (they
 * may point into b). 0 or a cov status.
 */
struct cli_org_buf {
    char num[16];
    char status[128];
};
int cli_orgs_export(const struct cov_model *m, const size_t *idx, size_t n, const char *path,
                    const char *format_ext, const char *layer, const struct cli_col *cols,
                    size_t ncols,
                    void (*fill)(const struct cov_model *m, const struct cov_org *o,
                                 const struct cli_export *x, struct cli_org_buf *b,
                                 const char **cells),
                    const struct cli_export *x, struct cov_err *err);
int cli_uncovered_export(const struct cov_model *m, const size_t *idx, size_t n, const char *path,
                         const char *format_ext, const struct cli_export *x, struct cov_err *err);

struct cov_plan;
/*
 * The saved plan (recomputed from its saved options), or a fresh one with the
 * policy's defaults when none is saved. *saved = 1 when a saved plan was used.
 * A saved plan made before the data or a policy value it uses changed is
 * never used as it is: with replan (--replan) it is made again (options that
 * followed the policy follow the new values) and saved when the store is
 * writable; without, COV_EUSAGE saying what changed and the command to run.
 */
int cli_plan_get(struct cli_ctx *ctx, const struct cov_model *m, int replan, struct cov_plan **out,
                 int *saved, struct cov_err *err);
void cli_propose_write(FILE *f, const struct cli_ctx *ctx, const struct cov_model *m,
                       const struct cov_plan *p, int fmt);
int cli_propose_export(const struct cov_model *m, const struct cov_plan *p, const char *path,
                       const char *format_ext, const struct cli_export *x, struct cov_err *err);

/* Write table t to path through geo_export (driver from the extension), one column
 * per table column: cols (t->ncols entries) name and type them in x's language. */
int cli_table_export(const struct cli_table *t, const struct cli_col *cols, const char *path,
                     const char *layer, const struct cli_export *x, struct cov_err *err);

/*
 * Output files (docs/USAGE.md "Output files"): written to a temporary file
 * next to path, checked, synced and renamed over path; on failure path is
 * untouched and nothing is left behind. cli_write_text runs fn on the open
 * file (fn returns 0 or a cov status); cli_render_file draws a map (atlas_by
 * >= 0: an atlas by that layer) to o->path. Both return 0 or a cov status.
 */
int cli_write_text(const char *path, int (*fn)(FILE *f, void *user, struct cov_err *err),
                   void *user, struct cov_err *err);
struct map_opts;
int cli_render_file(struct cli_ctx *ctx, const struct cov_model *m, int atlas_by,
                    const struct map_opts *o, struct cov_err *err);

/* 1 when path ends in .json: -o then writes the command's --format json text. */
int cli_is_json_path(const char *path);

/* Format a rate as "87.5%" (or "-" when NAN) into buf. */
const char *cli_pct(char *buf, size_t n, double rate);

#endif
