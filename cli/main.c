/*
 * main.c - orgcover's entry point: global options and the command table.
 * Opening and closing the project store happens here, once, for every
 * command flagged CLI_STORE.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../render/map.h"
#include "cli.h"

static const struct cli_cmd commands[] = {
    {"init", cli_cmd_init, "create a project store and choose its CRS", 0},
    {"import", cli_cmd_import,
     "import a layer from a Shapefile, GeoPackage, GeoJSON, CSV, XLSX or PostGIS",
     CLI_STORE | CLI_STORE_CREATE},
    {"organizations", cli_cmd_organizations,
     "list organizations with where and how precisely they are placed", CLI_STORE},
    {"status", cli_cmd_status,
     "coverage figures, overall or by district/street/community/park/building", CLI_STORE},
    {"targets", cli_cmd_targets,
     "check the policy targets (coverage, standalone rate, community orgs)", CLI_STORE},
    {"uncovered", cli_cmd_uncovered, "list uncovered organizations with the recommended route",
     CLI_STORE},
    {"policy", cli_cmd_policy, "show or set the policy parameters", CLI_STORE},
    {"propose", cli_cmd_propose,
     "propose standalone, joint, regional, industry and functional branches", CLI_STORE},
    {"render", cli_cmd_render, "draw coverage, target and plan maps to PNG, PDF or SVG", CLI_STORE},
    {"demo", cli_cmd_demo, "build the Lianyungang sample project, analyse it and draw its maps", 0},
};
enum { N_COMMANDS = sizeof(commands) / sizeof(commands[0]) };

static void usage(FILE *f)
{
    fprintf(f, "Usage: orgcover [--db FILE] [--lang zh|en] [-q] COMMAND [options]\n"
               "\n"
               "Party-organization coverage of social organizations: import the layers,\n"
               "analyse coverage against the policy targets, propose branches, draw maps.\n"
               "\n"
               "Commands:\n");
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s%s\n", commands[i].name, commands[i].summary,
                (commands[i].flags & CLI_NOT_BUILT) ? " (not built yet)" : "");
    fprintf(f, "\n"
               "Global options:\n"
               "  --db FILE      project store (default $ORGCOVER_DB or ./orgcover.sqlite)\n"
               "  --lang zh|en   language of maps, legends and reports (default zh)\n"
               "  -q, --quiet    no progress bar, no notes on stderr\n"
               "  -h, --help     this help; 'orgcover COMMAND --help' for a command\n"
               "  --version      print the version\n"
               "\n"
               "Exit status: 0 ok, 1 failure, 2 usage error, 3 a target was missed (--strict),\n"
               "4 input data failed validation (nothing was written).\n");
}

int main(int argc, char **argv)
{
    struct cli_ctx ctx = {0};
    ctx.prog = "orgcover";
    ctx.argv0 = argv[0];
    ctx.db_path = getenv("ORGCOVER_DB");
    if (!ctx.db_path || !*ctx.db_path)
        ctx.db_path = "orgcover.sqlite";
    ctx.lang = CLI_LANG_ZH;

    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"lang", required_argument, NULL, 'L'},
        {"quiet", no_argument, NULL, 'q'},    {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},  {NULL, 0, NULL, 0},
    };
    int c;
    /* '+': stop at the first non-option, the command name. */
    while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            ctx.db_path = optarg;
            ctx.db_given = 1;
            break;
        case 'L':
            if (!strcmp(optarg, "zh"))
                ctx.lang = CLI_LANG_ZH;
            else if (!strcmp(optarg, "en"))
                ctx.lang = CLI_LANG_EN;
            else {
                fprintf(stderr, "orgcover: --lang: '%s' is not a language (expected zh or en)\n",
                        optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'q':
            ctx.quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return CLI_EXIT_OK;
        case 'V':
            printf("orgcover 0.1.0\n");
            return CLI_EXIT_OK;
        default:
            fprintf(stderr, "try 'orgcover --help'\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[optind];
    const struct cli_cmd *cmd = NULL;
    for (int i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "orgcover: '%s' is not a command; try 'orgcover --help'\n", name);
        return CLI_EXIT_USAGE;
    }
    ctx.cmd = cmd->name;
    if (!cmd->fn) {
        fprintf(stderr, "orgcover %s: not built yet (see the open issues); try 'orgcover --help'\n",
                cmd->name);
        return CLI_EXIT_USAGE;
    }
    ctx.progress = !ctx.quiet && isatty(STDERR_FILENO);

    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    ctx.flags = cmd->flags;
    optind = 0; /* reset getopt for the subcommand (GNU: 0 re-initialises) */
    int rc = cmd->fn(sub_argc, sub_argv, &ctx);
    geo_store_close(ctx.store);
    map_global_cleanup(); /* pango/fontconfig caches: keeps leak checkers quiet */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("orgcover: writing output");
        if (!rc)
            rc = CLI_EXIT_FAIL;
    }
    return rc;
}
