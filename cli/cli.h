/*
 * cli.h - the command-line front: the dispatch table and helpers shared by
 * the subcommands (one file per subcommand: cmd_<name>.c).
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "../analysis/model.h"
#include "../geodata/store.h"

/* Exit codes (documented in docs/USAGE.md). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAIL = 1,    /* the command failed; the message says why */
    CLI_EXIT_USAGE = 2,   /* bad command line, or command not built yet */
    CLI_EXIT_TARGET = 3,  /* a check ran and a target was missed (--strict) */
    CLI_EXIT_INPUT = 4,   /* input data failed validation; nothing was written */
};

enum cli_lang { CLI_LANG_ZH, CLI_LANG_EN };

struct cli_ctx {
    const char *db_path;     /* --db, $ORGCOVER_DB or ./orgcover.sqlite */
    struct geo_store *store; /* opened by main for commands flagged CLI_STORE */
    enum cli_lang lang;      /* --lang (global), zh by default */
    int quiet;               /* -q: no progress, no notes */
    int progress;            /* progress bar on stderr (stderr is a terminal and not quiet) */
    const char *prog;        /* "orgcover" */
    const char *cmd;         /* the subcommand's name */
};

enum {
    CLI_STORE = 1,        /* main opens ctx->store before calling */
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
int cli_cmd_policy(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_propose(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_render(int argc, char **argv, struct cli_ctx *ctx);
int cli_cmd_demo(int argc, char **argv, struct cli_ctx *ctx);

/* ---- helpers (cli/util.c) ---- */

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
 * Load the model from ctx->store (layers in mask plus policy), recompute and
 * save assignments when stale, and classify coverage. Caller-owned model.
 */
int cli_load_model(struct cli_ctx *ctx, unsigned mask, struct cov_model **out);

/* Output formats of list commands. */
enum cli_format { CLI_FMT_TABLE, CLI_FMT_CSV, CLI_FMT_JSON, CLI_FMT_GEOJSON };
/* Parse --format; returns -1 for an unknown name. */
int cli_parse_format(const char *s, int allow_geojson);

#endif
