/* labels.c - the one table of user-visible names per enum, and their thresholds from the policy. */
#include "labels.h"

#include <math.h>
#include <stdio.h>

#include "targets.h"

struct label {
    const char *zh, *en;
};

static const char *pick(const struct label *t, int n, int i, enum cov_lang l)
{
    if (i < 0 || i >= n)
        return "?";
    return l == COV_LANG_EN ? t[i].en : t[i].zh;
}

/* COV_ST_SMALL's row holds the text under the policy's default; label_small() formats it. */
static const struct label status_labels[COV_ST_COUNT] = {
    [COV_ST_STANDALONE] = {"单独组建", "Standalone organization"},
    [COV_ST_JOINT] = {"联合组建", "Joint organization"},
    [COV_ST_REGIONAL] = {"区域组建", "Regional organization"},
    [COV_ST_INDUSTRY] = {"行业组建", "Industry organization"},
    [COV_ST_FUNCTIONAL] = {"功能型", "Functional branch"},
    [COV_ST_ELIGIBLE] = {"未覆盖（可单独组建）", "Uncovered: eligible for standalone"},
    [COV_ST_SMALL] = {"未覆盖（党员1-2人）", "Uncovered: 1-2 formal members"},
    [COV_ST_NO_MEMBERS] = {"未覆盖（无党员）", "Uncovered: no formal members"},
};

static const struct label route_labels[COV_ST_COUNT] = {
    [COV_ST_ELIGIBLE] = {"单独组建", "Form a standalone organization"},
    [COV_ST_SMALL] = {"联合/区域组建", "Join a joint or regional organization"},
    [COV_ST_NO_MEMBERS] = {"选派党建工作指导员", "Send a Party-building instructor"},
};

static const struct label party_labels[COV_PARTY_COUNT] = {
    [COV_PARTY_NONE] = {"无", "None"},           [COV_PARTY_STANDALONE] = {"单独", "Standalone"},
    [COV_PARTY_JOINT] = {"联合", "Joint"},       [COV_PARTY_REGIONAL] = {"区域", "Regional"},
    [COV_PARTY_INDUSTRY] = {"行业", "Industry"}, [COV_PARTY_FUNCTIONAL] = {"功能型", "Functional"},
};

static const struct label group_kind_labels[COV_G_COUNT] = {
    [COV_G_STANDALONE] = {"单独组建", "Standalone"},
    [COV_G_FUNCTIONAL] = {"功能型党支部", "Functional branch"},
    [COV_G_REGIONAL] = {"区域性党组织", "Regional"},
    [COV_G_INDUSTRY] = {"行业党组织", "Industry"},
    [COV_G_JOINT] = {"联合党支部", "Joint branch"},
};

static const struct label layer_labels[COV_NLAYERS] = {
    [COV_DISTRICTS] = {"县/区", "Districts"},
    [COV_STREETS] = {"街道/乡镇", "Streets"},
    [COV_COMMUNITIES] = {"社区/村", "Communities"},
    [COV_PARKS] = {"园区", "Parks"},
    [COV_BUILDINGS] = {"楼宇", "Buildings"},
    [COV_ORGANIZATIONS] = {"社会组织", "Organizations"},
};

static const struct label ur_labels[] = {
    [COV_UR_UNKNOWN] = {"类型未知", "Unknown type"},
    [COV_UR_URBAN] = {"城市社区", "Urban community"},
    [COV_UR_RURAL] = {"农村社区", "Rural community"},
};

static const struct label placed_labels[COV_PLACED_COUNT] = {
    [COV_PLACED_NONE] = {"未定位", "Not placed"},
    [COV_PLACED_DISTRICT] = {"区县", "District"},
    [COV_PLACED_STREET] = {"街道/乡镇", "Street"},
    [COV_PLACED_COMMUNITY] = {"社区/村", "Community"},
    [COV_PLACED_POINT] = {"坐标", "Coordinates"},
};

static const struct label source_labels[COV_SRC_COUNT] = {
    [COV_SRC_NONE] = {"无", "None"},
    [COV_SRC_COORDINATES] = {"坐标", "Coordinates"},
    [COV_SRC_COMMUNITY_COLUMN] = {"所属社区列", "Community column"},
    [COV_SRC_STREET_COLUMN] = {"所属街道列", "Street column"},
    [COV_SRC_ADDRESS] = {"地址", "Address"},
    [COV_SRC_CREDIT_CODE] = {"信用代码", "Credit code"},
};

/* Targets: the name, or for a per-community target the community type whose minimum, policy
 * parameter `param`, goes into the label (-1: no threshold). */
static const struct {
    struct label name;
    int param;
} target_labels[COV_T_COUNT] = {
    [COV_T_COVERAGE_RATE] = {{"党的组织覆盖率", "Organization coverage rate"}, -1},
    [COV_T_STANDALONE_RATE] = {{"单独组建率", "Standalone formation rate"}, -1},
    [COV_T_URBAN] = {{"城市", "Urban"}, COV_P_URBAN_COMMUNITY_MIN_ORGS},
    [COV_T_RURAL] = {{"农村", "Rural"}, COV_P_RURAL_COMMUNITY_MIN_ORGS},
};

#define N(t) ((int)(sizeof(t) / sizeof((t)[0])))

const char *cov_label_status(enum cov_status s, enum cov_lang l)
{
    return pick(status_labels, N(status_labels), (int)s, l);
}

const char *cov_label_route(enum cov_status s, enum cov_lang l)
{
    if ((unsigned)s >= COV_ST_COUNT || !route_labels[s].zh)
        return NULL;
    return pick(route_labels, N(route_labels), (int)s, l);
}

const char *cov_label_party(enum cov_party p, enum cov_lang l)
{
    return pick(party_labels, N(party_labels), (int)p, l);
}

const char *cov_label_group_kind(enum cov_group_kind k, enum cov_lang l)
{
    return pick(group_kind_labels, N(group_kind_labels), (int)k, l);
}

const char *cov_label_layer(enum cov_layer layer, enum cov_lang l)
{
    return pick(layer_labels, N(layer_labels), (int)layer, l);
}

const char *cov_label_ur(enum cov_ur ur, enum cov_lang l)
{
    return pick(ur_labels, N(ur_labels), (int)ur, l);
}

const char *cov_label_placed(enum cov_placed p, enum cov_lang l)
{
    return pick(placed_labels, N(placed_labels), (int)p, l);
}

const char *cov_label_source(enum cov_source s, enum cov_lang l)
{
    return pick(source_labels, N(source_labels), (int)s, l);
}

/* A whole-number parameter of p (the defaults when p is NULL). */
static int param_int(const struct cov_policy *p, int id)
{
    double v = p ? p->v[id] : cov_param_table()[id].def;
    return (int)lround(v);
}

/* 1 .. standalone_min_members-1 formal members: "1-2", or "1" when the range has one value. */
static void label_small(const struct cov_policy *p, enum cov_lang l, char *buf, size_t len)
{
    int hi = param_int(p, COV_P_STANDALONE_MIN_MEMBERS) - 1;
    if (hi <= 1)
        snprintf(buf, len, "%s",
                 l == COV_LANG_EN ? "Uncovered: 1 formal member" : "未覆盖（党员1人）");
    else
        snprintf(buf, len,
                 l == COV_LANG_EN ? "Uncovered: 1-%d formal members" : "未覆盖（党员1-%d人）", hi);
}

const char *cov_label_status_p(enum cov_status s, const struct cov_policy *p, enum cov_lang l,
                               char *buf, size_t len)
{
    if (!buf || !len)
        return buf;
    if (s == COV_ST_SMALL)
        label_small(p, l, buf, len);
    else
        snprintf(buf, len, "%s", cov_label_status(s, l));
    return buf;
}

const char *cov_label_target(int target, const struct cov_policy *p, enum cov_lang l, char *buf,
                             size_t len)
{
    if (!buf || !len)
        return buf;
    if (target < 0 || target >= COV_T_COUNT) {
        snprintf(buf, len, "?");
        return buf;
    }
    const char *name = pick(&target_labels[target].name, 1, 0, l);
    int param = target_labels[target].param;
    if (param < 0)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len,
                 l == COV_LANG_EN ? "%s communities with at least %d community organizations"
                                  : "%s社区社会组织达标（≥%d个）",
                 name, param_int(p, param));
    return buf;
}

static const struct label finding_labels[] = {
    [COV_F_DIVISION_MISMATCH] = {"信用代码区划不符", "Credit code names another district"},
    [COV_F_OUTSIDE_COMMUNITIES] = {"不在任何社区内", "Outside every community"},
    [COV_F_OUTSIDE_DISTRICTS] = {"不在任何县区内", "Outside every district"},
};

const char *cov_label_finding(enum cov_finding_kind k, enum cov_lang l)
{
    return pick(finding_labels, N(finding_labels), (int)k, l);
}

static const struct label yesno_labels[] = {{"否", "no"}, {"是", "yes"}};

const char *cov_label_yesno(int v, enum cov_lang l)
{
    return pick(yesno_labels, N(yesno_labels), v ? 1 : 0, l);
}
