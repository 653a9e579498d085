/*
 * options.h - declarative command-line options, in the spirit of git's
 * parse-options: a command declares its options once, in a table (long name,
 * short name, argument metavariable, help text, where the value goes or a
 * callback), and cli_parse() builds the getopt_long array and option string
 * from it, prints the Options section of --help, and refuses bad options and
 * leftover arguments with the synopsis and "try 'orgcover CMD --help'".
 *
 * Options shared by several commands are declared once, below, in tables of
 * their own that a command includes with CLI_OPT_INCLUDE; their values go to
 * struct cli_args. -h/--help is part of every table without being named.
 */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdio.h>

#include "../geodata/export.h" /* struct geo_export_srs */

struct cli_ctx;
struct cli_option;
struct cov_model;
struct cov_filter;
struct cov_areasel;

/* Values of the shared options, and the arguments left after the options. */
struct cli_args {
    int fmt;             /* --format: enum cli_format; CLI_FMT_TABLE when not given */
    const char *out;     /* -o/--output FILE (extension checked); NULL when not given */
    const char *area[3]; /* --district, --street, --community: code or name; NULL when not given */
    long area_idx[3];    /* cli_parse_model: the areas found (index in m->areas[layer]), else -1 */
    struct geo_export_srs t_srs; /* --t-srs; zeroed (the format's default) when not given */
    int t_srs_given;
    struct cov_areasel *sel; /* cli_parse_model: the model's areas, those chosen; owned
                                (cli_args_release) */
    int replan;              /* --replan: remake a saved plan that is out of date */
    char **pos;              /* positional arguments, in order (borrowed from argv) */
    int npos;
};

/* What --help says about a command and what arguments it takes besides options. */
struct cli_usage {
    const char *synopsis;      /* "orgcover [--db FILE] status [--by LAYER] ..." */
    const char *about;         /* paragraphs printed after the Usage line ("\n"-terminated) */
    void (*about_fn)(FILE *f); /* more of them, made at run time; may be NULL */
    const char *options_title; /* heading of the option list; NULL: "Options:" */
    const char *notes;         /* printed after the options; may be NULL */
    void (*notes_fn)(FILE *f); /* notes that need values known only at run time; may be NULL */
    int min_args, max_args;    /* positional arguments allowed (max_args -1: any number) */
    const char *args_error;    /* message when their number is wrong; NULL: "unexpected
                                  argument 'X'" */
    int stop_at_arg;           /* 1: options end at the first argument ('set NAME -3') */
    int geometry;              /* 1: the command draws areas, so it loads their geometries;
                                  0: it reports from the assignments (GEO_LOAD_LEAN) */
    int counts_only;           /* 1: it never reads an organization's text, only counts them
                                  (GEO_LOAD_NO_ORG_TEXT) */
};

/* The parser's state, handed to callbacks. */
struct cli_parser {
    struct cli_ctx *ctx;
    const struct cli_usage *usage;
    const struct cli_option *opts; /* the command's table */
    struct cli_args *args;
};

/*
 * A callback receives the option and its argument (NULL for an option
 * without argh) and returns CLI_GO to go on, or an exit code to stop with:
 * cli_opt_error()'s CLI_EXIT_USAGE for a bad value, CLI_EXIT_OK when the
 * option did all there was to do (--help, --version).
 */
enum { CLI_GO = -1 };
typedef int (*cli_opt_fn)(struct cli_parser *p, const struct cli_option *o, const char *arg);

enum cli_option_type {
    CLI_OPTION_END,      /* closes a table */
    CLI_OPTION_FLAG,     /* no argument: *(int *)value = 1 */
    CLI_OPTION_STRING,   /* *(const char **)value = the argument */
    CLI_OPTION_INT,      /* a whole number in [min, max] into *(int *)value; else a usage error
                            "--NAME: 'ARG' (expect)" */
    CLI_OPTION_POSITIVE, /* a number > 0 (and <= max unless max is 0) into *(double *)value;
                            else a usage error "--NAME: 'ARG' (expect)" */
    CLI_OPTION_CALLBACK, /* fn(parser, option, argument); value and min/max are the callback's */
    CLI_OPTION_INCLUDE,  /* the options of the table `include` (shared options); help, when
                            given, is added to the help of that table's last option (what
                            this command does with it) */
};

struct cli_option {
    enum cli_option_type type;
    int short_name;                   /* 0: none */
    const char *long_name;            /* NULL: none */
    const char *argh;                 /* metavariable; NULL: the option takes no argument */
    const char *help;                 /* one paragraph, wrapped to 80 columns by --help */
    void *value;                      /* where the value goes */
    cli_opt_fn fn;                    /* CLI_OPTION_CALLBACK */
    long min, max;                    /* CLI_OPTION_INT's range; a callback's data */
    const char *expect;               /* CLI_OPTION_INT, _POSITIVE: what a bad value should be */
    const struct cli_option *include; /* CLI_OPTION_INCLUDE */
};

#define CLI_OPT_END()                                                                              \
    {                                                                                              \
        .type = CLI_OPTION_END                                                                     \
    }
#define CLI_OPT_FLAG(s, l, v, h)                                                                   \
    {                                                                                              \
        .type = CLI_OPTION_FLAG, .short_name = (s), .long_name = (l), .value = (v), .help = (h)    \
    }
#define CLI_OPT_STRING(s, l, a, v, h)                                                              \
    {                                                                                              \
        .type = CLI_OPTION_STRING, .short_name = (s), .long_name = (l), .argh = (a), .value = (v), \
        .help = (h)                                                                                \
    }
#define CLI_OPT_INT(s, l, a, v, lo, hi, e, h)                                                      \
    {                                                                                              \
        .type = CLI_OPTION_INT, .short_name = (s), .long_name = (l), .argh = (a), .value = (v),    \
        .min = (lo), .max = (hi), .expect = (e), .help = (h)                                       \
    }
#define CLI_OPT_POSITIVE(s, l, a, v, hi, e, h)                                                     \
    {                                                                                              \
        .type = CLI_OPTION_POSITIVE, .short_name = (s), .long_name = (l), .argh = (a),             \
        .value = (v), .max = (hi), .expect = (e), .help = (h)                                      \
    }
#define CLI_OPT_CALLBACK(s, l, a, v, f, h)                                                         \
    {                                                                                              \
        .type = CLI_OPTION_CALLBACK, .short_name = (s), .long_name = (l), .argh = (a),             \
        .value = (v), .fn = (f), .help = (h)                                                       \
    }
/* A callback with data d in .min (e.g. which of several values it sets). */
#define CLI_OPT_CALLBACK_DATA(s, l, a, v, f, d, h)                                                 \
    {                                                                                              \
        .type = CLI_OPTION_CALLBACK, .short_name = (s), .long_name = (l), .argh = (a),             \
        .value = (v), .fn = (f), .min = (d), .help = (h)                                           \
    }
#define CLI_OPT_INCLUDE(t, h)                                                                      \
    {                                                                                              \
        .type = CLI_OPTION_INCLUDE, .include = (t), .help = (h)                                    \
    }

/*
 * The shared options, declared once (options.c):
 *   cli_opts_format      --format F: table, csv or json        -> args->fmt
 *   cli_opts_format_geo  --format F: ... or geojson            -> args->fmt
 *   cli_opts_output      -o, --output FILE: a table or layer file
 *                        (.xlsx .csv .gpkg .shp .geojson .json) -> args->out
 *   cli_opts_output_map  -o, --output FILE: a map (.png .pdf .svg) -> args->out
 *   cli_opts_lang        --lang zh|en                          -> ctx->lang
 *   cli_opts_area        --district X, --street X, --community X -> args->area[]
 *   cli_opts_t_srs       --t-srs GCJ02|BD09|EPSG:N: coordinates of exported points and
 *                        geometries                            -> args->t_srs
 *                        (cli_parse refuses it without -o FILE or --format geojson)
 *   cli_opts_replan      --replan: a stale saved plan is made again -> args->replan
 */
extern const struct cli_option cli_opts_format[];
extern const struct cli_option cli_opts_format_geo[];
extern const struct cli_option cli_opts_output[];
extern const struct cli_option cli_opts_output_map[];
extern const struct cli_option cli_opts_lang[];
extern const struct cli_option cli_opts_area[];
extern const struct cli_option cli_opts_t_srs[];
extern const struct cli_option cli_opts_replan[];

/*
 * Parse argv (argv[0] is the command's name) by the table opts into the
 * values it names and *args (initialised here). Returns CLI_GO when the
 * command should run (args->pos/npos hold the arguments), else the exit code
 * to return: CLI_EXIT_OK after --help, CLI_EXIT_USAGE after a usage error
 * (printed with the synopsis and the --help hint).
 */
int cli_parse(struct cli_ctx *ctx, const struct cli_usage *u, const struct cli_option *opts,
              struct cli_args *args, int argc, char **argv);

/* Print --help: the Usage line, u->about, the option list made from opts, the notes. */
void cli_help_print(FILE *f, const struct cli_usage *u, const struct cli_option *opts);

/* A usage error from a callback: the message, the synopsis and the hint on
 * stderr; returns CLI_EXIT_USAGE. */
int cli_opt_error(struct cli_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * cli_parse, then for a command that runs: load the model (cli_load_model,
 * every layer; caller-owned *m), find the areas of the area options in it
 * (args->area_idx: --district first, then --street inside it, then
 * --community inside those) and choose them in args->sel (caller-owned:
 * cli_args_release). A code or name that names no area, or several, is a
 * usage error listing the closest names or every match with where it lies.
 * Returns CLI_GO with *m set, or the exit code to return with *m NULL (and
 * nothing to release).
 */
int cli_parse_model(struct cli_ctx *ctx, const struct cli_usage *u, const struct cli_option *opts,
                    struct cli_args *args, int argc, char **argv, struct cov_model **m);
/* The second half of cli_parse_model, for a command that checks its options
 * against each other before it loads the model: after cli_parse. */
int cli_load_model_areas(struct cli_ctx *ctx, const struct cli_usage *u, struct cli_args *args,
                         struct cov_model **m);
/* Free what cli_parse_model left in args (args->sel); accepts released args. */
void cli_args_release(struct cli_args *args);

/*
 * Find the district, street or community text names (render --area; opt the
 * option's name for messages), inside the areas chosen in args (as
 * cli_parse_model's options): a code or whole name before a stem, a district
 * before a street before a community. CLI_GO with *layer and *idx, or the
 * exit code after a usage error as cli_parse_model's.
 */
int cli_find_area(struct cli_ctx *ctx, const struct cli_usage *u, const struct cov_model *m,
                  const struct cli_args *args, const char *opt, const char *text, int *layer,
                  long *idx);

/* Where area idx of layer lies: the code and name of its district and street
 * (borrowed from m; NULL where unknown, or sel NULL). */
struct cli_parents {
    const char *district_code, *district_name, *street_code, *street_name;
};
void cli_parents_get(const struct cov_model *m, const struct cov_areasel *sel, int layer,
                     size_t idx, struct cli_parents *out);

/* Set the area criteria of flt from args->area_idx (those given). */
void cli_args_filter(const struct cli_args *args, struct cov_filter *flt);

#endif
