/*
 * main.c - orgcover's entry point: global options and the command table.
 * Opening and closing the project store happens here, once, for every
 * command flagged CLI_STORE.
 */
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../render/map.h"
#include "cli.h"
#include "lang.h"

static const struct cli_cmd commands[] = {
    {"init", cli_cmd_init, N_("create a project store and choose its CRS"), 0},
    {"import", cli_cmd_import,
     N_("import a layer from a Shapefile, GeoPackage, GeoJSON, CSV, XLSX or PostGIS"),
     CLI_STORE | CLI_STORE_CREATE},
    {"organizations", cli_cmd_organizations,
     N_("list organizations with where and how precisely they are placed"), CLI_STORE},
    {"status", cli_cmd_status,
     N_("coverage figures, overall or by district/street/community/park/building"), CLI_STORE},
    {"targets", cli_cmd_targets,
     N_("check the policy targets (coverage, standalone rate, community orgs)"), CLI_STORE},
    {"uncovered", cli_cmd_uncovered, N_("list uncovered organizations with the recommended route"),
     CLI_STORE},
    {"policy", cli_cmd_policy, N_("show or set the policy parameters"), CLI_STORE},
    {"propose", cli_cmd_propose,
     N_("propose standalone, joint, regional, industry and functional branches"), CLI_STORE},
    {"render", cli_cmd_render, N_("draw coverage, target and plan maps to PNG, PDF or SVG"),
     CLI_STORE},
    {"demo", cli_cmd_demo, N_("build the Lianyungang sample project, analyse it and draw its maps"),
     0},
};
enum { N_COMMANDS = sizeof(commands) / sizeof(commands[0]) };

static void list_commands(FILE *f)
{
    int w = 0;
    for (int i = 0; i < N_COMMANDS; i++)
        if ((int)strlen(commands[i].name) > w)
            w = (int)strlen(commands[i].name);
    fprintf(f, "%s\n", _("Commands:"));
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-*s  %s%s\n", w, commands[i].name, _(commands[i].summary),
                (commands[i].flags & CLI_NOT_BUILT) ? _(" (not built yet)") : "");
}

static void exit_status(FILE *f)
{
    fputs(_("Exit status: 0 ok, 1 failure, 2 usage error, 3 a target was missed (--strict),\n"
            "4 input data failed validation (nothing was written).\n"),
          f);
}

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] [--lang zh|en] [-q] COMMAND [options]",
    .about = N_("Party-organization coverage of social organizations: import the layers,\n"
                "analyse coverage against the policy targets, propose branches, draw maps.\n"),
    .options_title = N_("Global options ('orgcover COMMAND --help' for a command's):"),
    .about_fn = list_commands,
    .notes_fn = exit_status,
    .max_args = -1,
    .stop_at_arg = 1, /* the command's own options follow its name */
};

static int set_db(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)o;
    p->ctx->db_path = arg;
    p->ctx->db_given = 1;
    return CLI_GO;
}

static int show_version(struct cli_parser *p, const struct cli_option *o, const char *arg)
{
    (void)p, (void)o, (void)arg;
    printf("orgcover 0.1.0\n");
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct cli_ctx ctx = {0};
    ctx.prog = "orgcover";
    ctx.argv0 = argv[0];
    ctx.db_path = getenv("ORGCOVER_DB");
    if (!ctx.db_path || !*ctx.db_path)
        ctx.db_path = "orgcover.sqlite";
    ctx.lang = cli_lang_init(argc, argv); /* first: every message after this is translated */
    /* Reports are written by this thread alone: no lock taken per stdio call
     * (a national targets list makes 10^7 of them). */
    __fsetlocking(stdout, FSETLOCKING_BYCALLER);
    /* Into a file or a pipe a report goes out in 1 MiB writes, not the 4 KiB
     * of stdio's default: a national JSON list was 38,000 write calls, each a
     * trip through the kernel (and the host, on a virtual machine). A terminal
     * keeps its line buffering. Static: stdout is flushed after main returns. */
    static char stdout_buf[1 << 20];
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));

    const struct cli_option opts[] = {
        CLI_OPT_CALLBACK(0, "db", "FILE", NULL, set_db,
                         N_("project store (default $ORGCOVER_DB or ./orgcover.sqlite)")),
        CLI_OPT_INCLUDE(cli_opts_lang, NULL),
        CLI_OPT_FLAG('q', "quiet", &ctx.quiet, N_("no progress bar, no notes on stderr")),
        CLI_OPT_CALLBACK(0, "version", NULL, NULL, show_version, N_("print the version")),
        CLI_OPT_END(),
    };
    struct cli_args args;
    int ec = cli_parse(&ctx, &usage, opts, &args, argc, argv);
    if (ec != CLI_GO)
        return ec;
    if (!args.npos) {
        cli_help_print(stderr, &usage, opts);
        return CLI_EXIT_USAGE;
    }
    const char *name = args.pos[0];
    const struct cli_cmd *cmd = NULL;
    for (int i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, _("orgcover: '%s' is not a command; try 'orgcover --help'\n"), name);
        return CLI_EXIT_USAGE;
    }
    ctx.cmd = cmd->name;
    ctx.cmd_argc = args.npos;
    ctx.cmd_argv = args.pos;
    if (!cmd->fn) {
        fprintf(stderr,
                _("orgcover %s: not built yet (see the open issues); try 'orgcover --help'\n"),
                cmd->name);
        return CLI_EXIT_USAGE;
    }
    ctx.progress = !ctx.quiet && isatty(STDERR_FILENO);

    ctx.flags = cmd->flags;
    int rc = cmd->fn(args.npos, args.pos, &ctx);
    geo_store_close(ctx.store);
    map_global_cleanup(); /* pango/fontconfig caches: keeps leak checkers quiet */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror(_("orgcover: writing output"));
        if (!rc)
            rc = CLI_EXIT_FAIL;
    }
    return rc;
}
