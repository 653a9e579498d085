/*
 * labels.h - every name a person reads for an enum of the model, once, in both
 * languages, with thresholds formatted from the project's policy.
 *
 * This is the one table of user-visible names: render/ and cli/ call it rather
 * than keeping their own. Machine names (the JSON contract: cov_status_name,
 * cov_party_name, cov_group_kind_name, cov_layer_name, ...) stay next to their
 * enums and never change with the language.
 *
 * Every returned string is borrowed (static, or the caller's buf) and UTF-8.
 * A value out of range gives "?" (cov_label_route: NULL), so that a caller can
 * print the result without a check.
 */
#ifndef COV_LABELS_H
#define COV_LABELS_H

#include <stddef.h>

#include "coverage.h"
#include "model.h"
#include "place.h"
#include "policy.h"
#include "propose.h"

enum cov_lang { COV_LANG_ZH, COV_LANG_EN };

/*
 * 单独组建 / Standalone organization ... 未覆盖（党员1-2人）. The label of
 * COV_ST_SMALL carries the policy's default threshold here; use
 * cov_label_status_p() to follow a project's policy.
 */
const char *cov_label_status(enum cov_status s, enum cov_lang l);
/* The recommended route of an uncovered status (单独组建, 联合/区域组建,
 * 选派党建工作指导员); NULL for covered statuses. */
const char *cov_label_route(enum cov_status s, enum cov_lang l);
/* The kind of Party organization an organization has: 无, 单独, 联合, ... */
const char *cov_label_party(enum cov_party p, enum cov_lang l);
/* A proposed group: 单独组建, 功能型党支部, 区域性党组织, 行业党组织, 联合党支部. */
const char *cov_label_group_kind(enum cov_group_kind k, enum cov_lang l);
/* A layer: 县/区, 街道/乡镇, 社区/村, 园区, 楼宇, 社会组织. */
const char *cov_label_layer(enum cov_layer layer, enum cov_lang l);
/* A community's type: 城市社区 / Urban community, 农村社区, 类型未知. */
const char *cov_label_ur(enum cov_ur ur, enum cov_lang l);
/* How precisely an organization is placed (place.h): 未定位, 区县, 街道/乡镇, 社区/村, 坐标. */
const char *cov_label_placed(enum cov_placed p, enum cov_lang l);
/* What placed it: 无, 坐标, 所属社区列, 所属街道列, 地址, 信用代码. */
const char *cov_label_source(enum cov_source s, enum cov_lang l);
/*
 * Labels that contain a threshold, formatted from the policy p (the defaults when
 * p is NULL) into buf (len bytes, truncated if too small); return buf. "未覆盖（党员1-2人）"
 * follows standalone_min_members, "城市社区社会组织达标（≥5个）" follows urban_community_min_orgs
 * (and the rural one rural_community_min_orgs). Statuses without a threshold are copied as
 * cov_label_status() gives them; target is an enum of analysis/targets.h (COV_T_...).
 */
const char *cov_label_status_p(enum cov_status s, const struct cov_policy *p, enum cov_lang l,
                               char *buf, size_t len);
const char *cov_label_target(int target, const struct cov_policy *p, enum cov_lang l, char *buf,
                             size_t len);

/* A yes/no value (a target met, ...): 是/否, yes/no; v nonzero is yes. The importer reads
 * both back (geo_parse_yesno). */
const char *cov_label_yesno(int v, enum cov_lang l);

/* A data-quality finding (coverage.h, 'status --issues'): 信用代码区划不符, 不在任何社区内,
 * 不在任何县区内. */
const char *cov_label_finding(enum cov_finding_kind k, enum cov_lang l);

#endif
