/* cmd_policy.c - orgcover policy [set NAME VALUE | reset [NAME]]: the policy parameters. */
#include <string.h>

#include "../analysis/i18n.h"
#include "cli.h"

static const struct cli_usage usage = {
    .synopsis = "orgcover [--db FILE] policy [--format table|csv|json] | policy set NAME VALUE | "
                "policy reset [NAME]",
    .about = N_("Show the policy parameters of the project (every threshold of the governing\n"
                "policy, with the policy's value as default and the clause it comes from),\n"
                "change one with 'set', or go back to the policy's value with 'reset'.\n"),
    .max_args = -1,
    /* options end at the action, so 'set joint_max_units -3' reads -3 as the value */
    .stop_at_arg = 1,
};

static void print_policy(const struct cli_ctx *ctx, const struct cov_policy *p, int fmt)
{
    const struct cov_param *t = cov_param_table();
    if (fmt == CLI_FMT_JSON) {
        printf("{\"parameters\": [");
        for (int i = 0; i < COV_P_COUNT; i++) {
            printf("%s\n  {\"name\": \"%s\", \"value\": %.10g, \"default\": %.10g, \"clause\": ",
                   i ? "," : "", t[i].name, p->v[i], t[i].def);
            cli_json_str(stdout, t[i].clause);
            printf(", \"description\": ");
            cli_json_str(stdout, t[i].description);
            printf(", \"description_zh\": ");
            cli_json_str(stdout, t[i].description_zh);
            printf("}");
        }
        printf("\n]}\n");
        return;
    }
    if (fmt == CLI_FMT_CSV) {
        /* the names of the table's columns, as on screen */
        printf("%s,%s,%s,%s,%s\n", _("parameter"), _("value"), _("policy"), _("clause"),
               _("description"));
        for (int i = 0; i < COV_P_COUNT; i++)
            printf("%s,%.10g,%.10g,%s,\"%s\"\n", t[i].name, p->v[i], t[i].def, _(t[i].clause),
                   ctx->lang == COV_LANG_EN ? t[i].description : t[i].description_zh);
        return;
    }
    int wn = 4;
    for (int i = 0; i < COV_P_COUNT; i++)
        if ((int)strlen(t[i].name) > wn)
            wn = (int)strlen(t[i].name);
    /* The Chinese descriptions are the policy's own words (description_zh,
     * also in the JSON), not translations of the English ones. */
    int zh = ctx->lang == COV_LANG_ZH;
    cli_print_padded(stdout, _("parameter"), wn, 0);
    printf("  ");
    cli_print_padded(stdout, _("value"), 8, 1);
    printf("  ");
    cli_print_padded(stdout, _("policy"), 8, 1);
    printf("  ");
    cli_print_padded(stdout, _("clause"), 10, 0);
    printf("  %s\n", _("description"));
    for (int i = 0; i < COV_P_COUNT; i++) {
        char v[32], d[32];
        snprintf(v, sizeof(v), "%g", p->v[i]);
        snprintf(d, sizeof(d), "%g", t[i].def);
        cli_print_padded(stdout, t[i].name, wn, 0);
        printf("  ");
        cli_print_padded(stdout, v, 8, 1);
        printf("  ");
        cli_print_padded(stdout, d, 8, 1);
        printf("  ");
        cli_print_padded(stdout, _(t[i].clause), 10, 0);
        printf("  %s%s\n", zh ? t[i].description_zh : t[i].description,
               p->v[i] != t[i].def ? _(" (changed)") : "");
    }
}

int cli_cmd_policy(int argc, char **argv, struct cli_ctx *ctx)
{
    struct cli_args args;
    const struct cli_option opts[] = {
        CLI_OPT_INCLUDE(cli_opts_format, NULL),
        CLI_OPT_END(),
    };
    int pc = cli_parse(ctx, &usage, opts, &args, argc, argv);
    if (pc != CLI_GO)
        return pc;
    int fmt = args.fmt;
    int ec = cli_open_store(ctx);
    if (ec)
        return ec;
    struct cov_err err;
    cov_err_init(&err);
    struct cov_policy p;
    int rc = geo_store_load_policy(ctx->store, &p, &err);
    int nargs = args.npos;
    char **arg = args.pos;
    const char *verb = nargs ? arg[0] : NULL;
    if (rc == COV_EINPUT && verb && (!strcmp(verb, "set") || !strcmp(verb, "reset"))) {
        /* a bad stored value must not stop the command that repairs it */
        cli_report(ctx, &err);
        cov_err_clear(&err);
        rc = 0;
    }
    if (rc)
        goto cleanup;
    if (!verb) {
        print_policy(ctx, &p, fmt);
    } else if (!strcmp(verb, "set")) {
        if (nargs != 3) {
            cov_err_release(&err);
            return cli_usage_error(ctx, usage.synopsis, _("'set' takes NAME and VALUE"));
        }
        int id = cov_param_find(arg[1]);
        if (id < 0) {
            cov_err_release(&err);
            return cli_usage_error(ctx, usage.synopsis,
                                   _("'%s' is not a policy parameter (see 'orgcover policy' "
                                     "for the list)"),
                                   arg[1]);
        }
        if (cov_policy_set(&p, id, arg[2], &err)) { /* a bad value: usage, exit 2 */
            int ec2 = cli_usage_error(ctx, usage.synopsis, "%s", cov_err_msg(&err));
            cov_err_release(&err);
            return ec2;
        }
        if ((rc = geo_store_save_policy(ctx->store, &p, &err)))
            goto cleanup;
        printf("%s = %g\n", arg[1], p.v[id]);
    } else if (!strcmp(verb, "reset")) {
        if (nargs > 2) {
            cov_err_release(&err);
            return cli_usage_error(ctx, usage.synopsis, _("'reset' takes at most one NAME"));
        }
        const struct cov_param *t = cov_param_table();
        int id = nargs == 2 ? cov_param_find(arg[1]) : -1;
        if (nargs == 2 && id < 0) {
            cov_err_release(&err);
            return cli_usage_error(ctx, usage.synopsis, _("'%s' is not a policy parameter"),
                                   arg[1]);
        }
        for (int i = 0; i < COV_P_COUNT; i++)
            if (id < 0 || i == id)
                p.v[i] = t[i].def;
        if ((rc = geo_store_save_policy(ctx->store, &p, &err)))
            goto cleanup;
        if (id < 0)
            printf("%s", _("all parameters reset to the policy's values\n"));
        else
            printf("%s = %g\n", t[id].name, p.v[id]);
    } else {
        cov_err_release(&err);
        return cli_usage_error(ctx, usage.synopsis,
                               _("'%s' is not a policy action (expected set or reset)"), verb);
    }
cleanup:
    cli_report(ctx, &err);
    cov_err_release(&err);
    return cli_exit_for(rc);
}
