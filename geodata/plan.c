/* plan.c - saving a branch plan in the project store. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

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

static int sql_err(struct geo_store *s, struct cov_err *err, const char *what)
{
    return cov_err_set(err, COV_EIO, "%s: %s: %s", geo_store_path(s), what,
                       sqlite3_errmsg(geo_store_db(s)));
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
    sqlite3 *db = geo_store_db(s);
    sqlite3_stmt *g = NULL, *mem = NULL, *ins = NULL;
    int rc = geo_store_begin(s, err);
    if (rc)
        return rc;
    if (sqlite3_exec(db, plan_schema, NULL, NULL, NULL) != SQLITE_OK) {
        rc = sql_err(s, err, "creating the plan tables");
        goto cleanup;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO plan_groups VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
                           -1, &g, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO plan_members VALUES(?1,?2)", -1, &mem, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO plan_instructor VALUES(?1)", -1, &ins, NULL) !=
            SQLITE_OK) {
        rc = sql_err(s, err, "preparing the plan tables");
        goto cleanup;
    }
    for (size_t i = 0; i < p->n_groups; i++) {
        const struct cov_group *gr = &p->groups[i];
        sqlite3_bind_int(g, 1, gr->id);
        sqlite3_bind_text(g, 2, cov_group_kind_name(gr->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(g, 3, gr->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(g, 4, cov_layer_name(gr->area_layer), -1, SQLITE_STATIC);
        sqlite3_bind_text(g, 5, area_code(m, gr->area_layer, gr->area), -1, SQLITE_STATIC);
        sqlite3_bind_text(g, 6, cov_layer_name(gr->host_layer), -1, SQLITE_STATIC);
        sqlite3_bind_text(g, 7, area_code(m, gr->host_layer, gr->host), -1, SQLITE_STATIC);
        sqlite3_bind_int64(g, 8, (sqlite3_int64)gr->n_members);
        sqlite3_bind_int(g, 9, gr->formal_members);
        sqlite3_bind_double(g, 10, gr->diameter_m);
        sqlite3_bind_text(g, 11, m->orgs[gr->medoid].id, -1, SQLITE_STATIC);
        if (sqlite3_step(g) != SQLITE_DONE) {
            rc = sql_err(s, err, "writing plan_groups");
            goto cleanup;
        }
        sqlite3_reset(g);
        for (size_t k = 0; k < gr->n_members; k++) {
            sqlite3_bind_int(mem, 1, gr->id);
            sqlite3_bind_text(mem, 2, m->orgs[gr->members[k]].id, -1, SQLITE_STATIC);
            if (sqlite3_step(mem) != SQLITE_DONE) {
                rc = sql_err(s, err, "writing plan_members");
                goto cleanup;
            }
            sqlite3_reset(mem);
        }
    }
    for (size_t i = 0; i < p->n_instructor; i++) {
        sqlite3_bind_text(ins, 1, m->orgs[p->instructor[i]].id, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = sql_err(s, err, "writing plan_instructor");
            goto cleanup;
        }
        sqlite3_reset(ins);
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
    sqlite3_finalize(g);
    sqlite3_finalize(mem);
    sqlite3_finalize(ins);
    if (rc)
        geo_store_rollback(s);
    return rc;
}

int geo_plan_saved_opts(struct geo_store *s, const struct cov_policy *policy,
                        struct cov_propose_opts *o, int *current, struct cov_err *err)
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
        cov_err_set(err, COV_EIO, "%s: the saved plan's options are damaged ('%s')",
                    geo_store_path(s), opts);
        rc = -1;
        goto cleanup;
    }
    *o = t;
    char stamp[1024];
    plan_stamp(s, policy, stamp, sizeof(stamp));
    *current = saved && !strcmp(saved, stamp);
    rc = 1;
cleanup:
    free(opts);
    free(saved);
    return rc;
}
