/* plan.c - saving a branch plan in the project store. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sql.h"
#include "../analysis/i18n.h"

static const char plan_schema[] =
    "CREATE TABLE IF NOT EXISTS plan_groups(id INTEGER PRIMARY KEY, kind TEXT, name TEXT,"
    " area_layer TEXT, area_code TEXT, host_layer TEXT, host_code TEXT, units INTEGER,"
    " formal_members INTEGER, diameter_m REAL, medoid_id TEXT);"
    "CREATE TABLE IF NOT EXISTS plan_members(group_id INTEGER, org_id TEXT);"
    "CREATE TABLE IF NOT EXISTS plan_instructor(org_id TEXT);"
    "DELETE FROM plan_groups; DELETE FROM plan_members; DELETE FROM plan_instructor;";

/* What the plan depends on besides its options: layer versions and policy values. */
static void plan_stamp(struct geo_store *s, const struct cov_policy *p, char *buf, size_t len)
{
    geo_store_version_stamp(s, buf, len);
    size_t off = strlen(buf);
    for (int i = 0; i < COV_P_COUNT && off < len; i++) {
        int n = snprintf(buf + off, len - off, ";%.17g", p->v[i]);
        if (n < 0)
            break;
        off += (size_t)n;
    }
}

static const char *area_code(const struct cov_model *m, int layer, long idx)
{
    if (idx < 0)
        return NULL;
    if (layer == COV_ORGANIZATIONS)
        return m->orgs[idx].id;
    if (layer >= 0 && layer < COV_NAREAS)
        return m->areas[layer][idx].code;
    return NULL;
}

int geo_plan_save(struct geo_store *s, const struct cov_model *m, const struct cov_plan *p,
                  const struct cov_propose_opts *o, struct cov_err *err)
{
    struct geo_stmt *g = NULL, *mem = NULL, *ins = NULL;
    int rc = geo_store_begin(s, err);
    if (rc)
        return rc;
    if ((rc = geo_store_exec(s, plan_schema, err)) ||
        (rc = geo_store_prepare(
             s, "INSERT INTO plan_groups VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)", &g, err)) ||
        (rc = geo_store_prepare(s, "INSERT INTO plan_members VALUES(?1,?2)", &mem, err)) ||
        (rc = geo_store_prepare(s, "INSERT INTO plan_instructor VALUES(?1)", &ins, err)))
        goto cleanup;
    for (size_t i = 0; i < p->n_groups; i++) {
        const struct cov_group *gr = &p->groups[i];
        geo_stmt_bind_int(g, 1, gr->id);
        geo_stmt_bind_text(g, 2, cov_group_kind_name(gr->kind));
        geo_stmt_bind_text(g, 3, gr->name);
        geo_stmt_bind_text(g, 4, cov_layer_name(gr->area_layer));
        geo_stmt_bind_text(g, 5, area_code(m, gr->area_layer, gr->area));
        geo_stmt_bind_text(g, 6, cov_layer_name(gr->host_layer));
        geo_stmt_bind_text(g, 7, area_code(m, gr->host_layer, gr->host));
        geo_stmt_bind_int(g, 8, (int64_t)gr->n_members);
        geo_stmt_bind_int(g, 9, gr->formal_members);
        geo_stmt_bind_double(g, 10, gr->diameter_m);
        geo_stmt_bind_text(g, 11, m->orgs[gr->medoid].id);
        if (geo_stmt_step(g, _("writing plan_groups"), err) < 0) {
            rc = COV_EIO;
            goto cleanup;
        }
        geo_stmt_reset(g);
        for (size_t k = 0; k < gr->n_members; k++) {
            geo_stmt_bind_int(mem, 1, gr->id);
            geo_stmt_bind_text(mem, 2, m->orgs[gr->members[k]].id);
            if (geo_stmt_step(mem, _("writing plan_members"), err) < 0) {
                rc = COV_EIO;
                goto cleanup;
            }
            geo_stmt_reset(mem);
        }
    }
    for (size_t i = 0; i < p->n_instructor; i++) {
        geo_stmt_bind_text(ins, 1, m->orgs[p->instructor[i]].id);
        if (geo_stmt_step(ins, _("writing plan_instructor"), err) < 0) {
            rc = COV_EIO;
            goto cleanup;
        }
        geo_stmt_reset(ins);
    }
    char opts[256], stamp[1024];
    snprintf(opts, sizeof(opts), "%d %d %d %.17g %d %d", o->scope, o->max_units, o->min_members,
             o->max_distance_m, o->exact, o->no_memberless);
    plan_stamp(s, &m->policy, stamp, sizeof(stamp));
    if ((rc = geo_store_meta_set(s, "plan.options", opts, err)) ||
        (rc = geo_store_meta_set(s, "plan.stamp", stamp, err)))
        goto cleanup;
    rc = geo_store_commit(s, err);
cleanup:
    geo_stmt_finalize(g);
    geo_stmt_finalize(mem);
    geo_stmt_finalize(ins);
    if (rc)
        geo_store_rollback(s);
    return rc;
}

/* The layer versions of a stamp's first len bytes "v,v,...": 0 when there is one per layer. */
static int parse_versions(const char *s, size_t len, long *v)
{
    const char *end = s + len;
    for (int l = 0; l < COV_NLAYERS; l++) {
        char *e;
        v[l] = strtol(s, &e, 10);
        if (e == s || e > end || (l + 1 < COV_NLAYERS ? *e != ',' : e != end))
            return -1;
        s = e + 1;
    }
    return 0;
}

/* Compare the saved stamp "v,v,...;p;p;..." (plan_stamp) with the store's now. */
static void plan_drift(struct geo_store *s, const struct cov_policy *policy, const char *saved,
                       struct geo_plan_drift *d)
{
    memset(d, 0, sizeof(*d));
    char now[1024];
    geo_store_version_stamp(s, now, sizeof(now));
    const char *semi = saved ? strchr(saved, ';') : NULL;
    long va[COV_NLAYERS], vb[COV_NLAYERS];
    if (!semi || parse_versions(saved, (size_t)(semi - saved), va) ||
        parse_versions(now, strlen(now), vb)) {
        d->layers = (1u << COV_NLAYERS) - 1; /* cannot tell which */
    } else {
        for (int l = 0; l < COV_NLAYERS; l++)
            if (va[l] != vb[l])
                d->layers |= 1u << l;
    }
    /* the policy values after the ';', one per parameter */
    int n = 0;
    const char *q = semi;
    while (q && *q == ';' && n < COV_P_COUNT) {
        char *e;
        d->was.v[n] = strtod(q + 1, &e);
        if (e == q + 1)
            break;
        n++;
        q = e;
    }
    d->policy_known = n == COV_P_COUNT && q && !*q;
    for (int i = 0; i < COV_P_COUNT; i++)
        if (cov_propose_uses_param(i) && (!d->policy_known || d->was.v[i] != policy->v[i]))
            d->policy = 1;
}

int geo_plan_saved_opts(struct geo_store *s, const struct cov_policy *policy,
                        struct cov_propose_opts *o, struct geo_plan_drift *d, struct cov_err *err)
{
    char *opts = geo_store_meta_get(s, "plan.options");
    char *saved = geo_store_meta_get(s, "plan.stamp");
    int rc = 0;
    if (!opts) {
        rc = 0;
        goto cleanup;
    }
    struct cov_propose_opts t = *o;
    if (sscanf(opts, "%d %d %d %lf %d %d", &t.scope, &t.max_units, &t.min_members,
               &t.max_distance_m, &t.exact, &t.no_memberless) != 6) {
        cov_err_set(err, COV_EIO, _("%s: the saved plan's options are damaged ('%s')"),
                    geo_store_path(s), opts);
        rc = -1;
        goto cleanup;
    }
    *o = t;
    struct geo_plan_drift tmp;
    plan_drift(s, policy, saved, d ? d : &tmp);
    rc = 1;
cleanup:
    free(opts);
    free(saved);
    return rc;
}
