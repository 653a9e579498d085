/* policy.c - the policy parameter table. */
#include "policy.h"
#include "i18n.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct cov_param table[COV_P_COUNT] = {
    [COV_P_STANDALONE_MIN_MEMBERS] =
        {"standalone_min_members", 3, 1, 1000, 1, N_("clause 4"),
         "formal Party members from which an organization sets up its own organization",
         "正式党员3人以上的单独组建党组织"},
    [COV_P_JOINT_MAX_UNITS] = {"joint_max_units", 5, 2, 100, 1, N_("clause 4"),
                               "most units one joint organization covers",
                               "联合党组织覆盖单位一般不超过5个"},
    [COV_P_JOINT_MIN_MEMBERS] = {"joint_min_members", 3, 1, 1000, 1, N_("clause 4"),
                                 "formal members a joint branch needs in total",
                                 "联合党支部正式党员不少于3人"},
    [COV_P_JOINT_MAX_DISTANCE_M] = {"joint_max_distance_m", 3000, 1, 1e6, 0, N_("clause 4"),
                                    "largest distance in metres between two units of one joint "
                                    "branch (\"geographically adjacent\")",
                                    "联合组建单位地域相邻（两两距离上限，米）"},
    [COV_P_COVERAGE_RATE_TARGET] = {"coverage_rate_target", 0.90, 0, 1, 0, N_("clause 4"),
                                    "organization coverage rate target",
                                    "党的组织覆盖率达到90%以上"},
    [COV_P_STANDALONE_RATE_TARGET] = {"standalone_rate_target", 1.00, 0, 1, 0, N_("clause 4"),
                                      "standalone formation rate target",
                                      "具备条件的单独组建率达到100%"},
    [COV_P_URBAN_COMMUNITY_MIN_ORGS] =
        {"urban_community_min_orgs", 5, 0, 1000, 1, N_("clause 11"),
         "community social organizations every urban community should have",
         "每个城市社区不少于5个社区社会组织"},
    [COV_P_RURAL_COMMUNITY_MIN_ORGS] =
        {"rural_community_min_orgs", 2, 0, 1000, 1, N_("clause 11"),
         "community social organizations every rural community should have",
         "每个农村社区不少于2个社区社会组织"},
    [COV_P_REGIONAL_MIN_ORGS] =
        {"regional_min_orgs", 3, 2, 10000, 1, N_("clause 4"),
         "uncovered organizations in one park or building that justify a regional branch",
         "园区、楼宇内社会组织集中的建立区域性党组织（最少单位数）"},
    [COV_P_FUNCTIONAL_MIN_UNTRANSFERRED] =
        {"functional_min_untransferred", 3, 1, 1000, 1, N_("clause 4"),
         "untransferred members from which a functional branch is considered",
         "组织关系未转入的党员3人以上可建立功能型党支部"},
};

const struct cov_param *cov_param_table(void)
{
    return table;
}

int cov_param_find(const char *name)
{
    for (int i = 0; i < COV_P_COUNT; i++)
        if (name && strcmp(table[i].name, name) == 0)
            return i;
    return -1;
}

void cov_policy_init(struct cov_policy *p)
{
    for (int i = 0; i < COV_P_COUNT; i++)
        p->v[i] = table[i].def;
}

int cov_policy_set(struct cov_policy *p, int id, const char *text, struct cov_err *err)
{
    if (id < 0 || id >= COV_P_COUNT)
        return cov_err_set(err, COV_EINPUT, _("unknown policy parameter"));
    const struct cov_param *t = &table[id];
    char *end = NULL;
    errno = 0;
    double v = text ? strtod(text, &end) : NAN;
    if (!text || end == text || *end || errno || !isfinite(v))
        return cov_err_set(err, COV_EINPUT, _("%s: '%s' is not a number (expected %g to %g)"),
                           t->name, text ? text : "", t->min, t->max);
    if (v < t->min || v > t->max)
        return cov_err_set(err, COV_EINPUT, _("%s: %s is out of range (expected %g to %g)"),
                           t->name, text, t->min, t->max);
    if (t->integer && v != floor(v))
        return cov_err_set(err, COV_EINPUT, _("%s: %s is not a whole number"), t->name, text);
    p->v[id] = v;
    return 0;
}
