/*
 * plan.c - the saved plan for the commands that use it (status --plan,
 * render --theme plan, the demo): made again from its saved options while
 * the data and the policy are unchanged, and never used silently once
 * either changed: --replan makes it again, else it is refused (exit 2).
 */
#include <stdio.h>
#include <string.h>

#include "../analysis/policy.h"
#include "../analysis/propose.h"
#include "../geodata/plan.h"
#include "cli.h"

/* Append " arg" to buf, in single quotes when a shell would split or expand it. */
static void append_arg(char *buf, size_t len, const char *arg)
{
    size_t off = strlen(buf);
    int plain = *arg != 0;
    for (const char *c = arg; *c && plain; c++)
        plain = (unsigned char)*c >= 0x80 || strchr("-_./:=,+@%", *c) || (*c >= '0' && *c <= '9') ||
                (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
    if (plain) {
        snprintf(buf + off, len - off, "%s%s", off ? " " : "", arg);
        return;
    }
    off += (size_t)snprintf(buf + off, len - off, "%s'", off ? " " : "");
    for (const char *c = arg; *c && off + 5 < len; c++)
        off += (size_t)snprintf(buf + off, len - off, *c == '\'' ? "'\\''" : "%c", *c);
    if (off + 1 < len)
        snprintf(buf + off, len - off, "'");
}

/* The command as given, with --replan: what to run to make the plan again. */
static void replan_command(const struct cli_ctx *ctx, char *buf, size_t len)
{
    buf[0] = 0;
    append_arg(buf, len, ctx->prog);
    if (ctx->db_given) {
        append_arg(buf, len, "--db");
        append_arg(buf, len, ctx->db_path);
    }
    for (int i = 0; i < ctx->cmd_argc; i++)
        append_arg(buf, len, ctx->cmd_argv[i]);
    if (!ctx->cmd_argc)
        append_arg(buf, len, ctx->cmd ? ctx->cmd : "status");
    append_arg(buf, len, "--replan");
}

/* "joint_max_units 5 -> 4, ..." (zh: "→"): the values the plan uses that changed. */
static void policy_changes(const struct geo_plan_drift *d, const struct cov_policy *now, int zh,
                           char *buf, size_t len)
{
    const struct cov_param *t = cov_param_table();
    size_t off = 0;
    buf[0] = 0;
    for (int i = 0; i < COV_P_COUNT && off < len; i++)
        if (cov_propose_uses_param(i) && d->was.v[i] != now->v[i])
            off += (size_t)snprintf(buf + off, len - off, "%s%s %g %s %g",
                                    off ? (zh ? "，" : ", ") : "", t[i].name, d->was.v[i],
                                    zh ? "→" : "->", now->v[i]);
}

/* The layers imported again: "社会组织、街道/乡镇" / "organizations, streets". */
static void layer_changes(unsigned layers, int zh, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = 0;
    for (int l = 0; l < COV_NLAYERS && off < len; l++)
        if (layers & (1u << l))
            off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? (zh ? "、" : ", ") : "",
                                    zh ? cov_label_layer((enum cov_layer)l, COV_LANG_ZH)
                                       : cov_layer_name(l));
}

/* err: the saved plan is out of date, what changed, and what to run. */
static int refuse(const struct cli_ctx *ctx, const struct geo_plan_drift *d,
                  const struct cov_policy *now, struct cov_err *err)
{
    int zh = ctx->lang == COV_LANG_ZH;
    char why[1024] = "", what[512], cmd[2048];
    size_t off = 0;
    if (d->policy) {
        policy_changes(d, now, zh, what, sizeof(what));
        if (d->policy_known && *what)
            off += (size_t)snprintf(why, sizeof(why),
                                    zh ? "方案保存后政策参数已修改（%s）"
                                       : "the policy changed since "
                                         "the plan was made (%s)",
                                    what);
        else
            off += (size_t)snprintf(why, sizeof(why),
                                    zh ? "方案保存后政策参数已修改"
                                       : "the policy changed since the plan was "
                                         "made");
    }
    if (d->layers && off < sizeof(why)) {
        unsigned all = (1u << COV_NLAYERS) - 1;
        layer_changes(d->layers, zh, what, sizeof(what));
        const char *lead = !off ? (zh ? "方案保存后数据已变更"
                                      : "the data changed since the plan "
                                        "was made")
                                : (zh ? "，数据也已变更" : "; the data changed too");
        if ((d->layers & all) != all)
            snprintf(why + off, sizeof(why) - off,
                     zh ? "%s（重新导入了%s）" : "%s (%s imported again)", lead, what);
        else
            snprintf(why + off, sizeof(why) - off, "%s", lead);
    }
    replan_command(ctx, cmd, sizeof(cmd));
    return cov_err_set(err, COV_EUSAGE,
                       zh ? "保存的方案已过时：%s，不再使用。\n"
                            "按现行数据和参数重新制定并保存方案：%s\n"
                            "（或用 orgcover propose --save 另行制定）"
                          : "the saved plan is out of date: %s; it is not used.\n"
                            "to make it again with the current data and policy and save it, "
                            "run: %s\n"
                            "(or make a new one with 'orgcover propose --save')",
                       why, cmd);
}

int cli_plan_get(struct cli_ctx *ctx, const struct cov_model *m, int replan, struct cov_plan **out,
                 int *saved, struct cov_err *err)
{
    struct cov_propose_opts po;
    cov_propose_opts_init(&po, &m->policy);
    struct geo_plan_drift d;
    int have = geo_plan_saved_opts(ctx->store, &m->policy, &po, &d, err);
    if (have < 0)
        return err->code ? err->code : COV_EIO;
    *saved = have;
    int stale = have && (d.layers || d.policy);
    if (stale && !replan)
        return refuse(ctx, &d, &m->policy, err);
    if (stale && d.policy_known)
        cov_propose_opts_follow(&po, &d.was, &m->policy);
    int rc = cov_propose(m, &po, out, cli_progress, ctx, err);
    if (rc || !stale)
        return rc;
    int zh = ctx->lang == COV_LANG_ZH;
    if (geo_store_readonly(ctx->store)) {
        if (!ctx->quiet)
            fprintf(stderr,
                    zh ? "%s %s：已按现行数据和参数重新制定方案；项目库只读，未保存\n"
                       : "%s %s: the plan was made again with the current data and policy; the "
                         "store is read-only, so it was not saved\n",
                    ctx->prog, ctx->cmd);
        return 0;
    }
    if ((rc = geo_plan_save(ctx->store, m, *out, &po, err)))
        return rc;
    if (!ctx->quiet)
        fprintf(stderr,
                zh ? "%s %s：已按现行数据和参数重新制定方案并保存在 %s（%zu 个党组织）\n"
                   : "%s %s: the plan was made again with the current data and policy and saved "
                     "in %s (%zu groups)\n",
                ctx->prog, ctx->cmd, ctx->db_path, (*out)->n_groups);
    return 0;
}
