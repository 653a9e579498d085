/*
 * propose.h - the branch plan: which uncovered organizations set up their own
 * organization, which are functional-branch candidates, which a regional
 * (park/building) or industry organization takes in, which form joint
 * branches with whom, and which are left for a Party-building instructor.
 *
 * Pure computation on a classified struct cov_model (analysis/coverage sets
 * org->status; org->area[] comes from cov_assign). Coordinates are the
 * model's projected CRS, metres. No GEOS, GDAL or SQLite is used.
 *
 * The plan, in order (issue 4); every threshold is a policy parameter:
 *  1. standalone: every org whose status is COV_ST_ELIGIBLE, one group each.
 *  2. functional: remaining uncovered orgs with untransferred_members >=
 *     functional_min_untransferred whose kind contains "社会团体" or whose name
 *     contains 学会/协会/商会/研究会/联合会/促进会 (the associations, societies
 *     and chambers of clause 4). The data carries no "running normally" flag:
 *     these groups are candidates for review. One group each.
 *  3. regional: for each park, then each building (org->area[COV_PARKS],
 *     [COV_BUILDINGS]), the remaining uncovered orgs in it when there are at
 *     least regional_min_orgs of them and their formal members sum to at least
 *     min_members: one group. An org joins at most one (parks come first).
 *  4. industry: an industry association is a covered org (status
 *     COV_ST_STANDALONE..COV_ST_FUNCTIONAL) with a nonempty `industry` whose
 *     name contains 行业协会, 商会, 同业公会 or 行业联合会; an `industry` that itself
 *     contains 协会 or 商会 (a category such as "行业协会/商会", not a sector)
 *     does not count. Remaining uncovered orgs with exactly the same
 *     `industry` string form one group per industry, hosted by the
 *     lowest-index such association.
 *  5. joint: remaining uncovered orgs with fewer than standalone_min_members
 *     formal members (memberless ones unless no_memberless) are the
 *     candidates, grouped per scope area into joint branches (below).
 *  6. instructor: every uncovered org not in a group, sorted by street
 *     (orgs without a street last) then by id.
 *
 * Joint branches. Hard constraints: 2..max_units members, formal members
 * summed >= min_members, every pair within max_distance_m, all members in one
 * scope area, each org in at most one group. Orgs without a scope area
 * (area[scope] == -1) form one extra "no area" scope of their own, so that an
 * unassigned model still gets a plan. Objective, in order: most orgs covered;
 * least total distance of members to their group's medoid; most pairs of
 * members sharing a building, park or industry. The bound reported per scope
 * is the geography-free one of propose_score.h (cov_joint_bound).
 */
#ifndef COV_PROPOSE_H
#define COV_PROPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "model.h"
#include "policy.h"

enum cov_group_kind {
    COV_G_STANDALONE,
    COV_G_FUNCTIONAL,
    COV_G_REGIONAL,
    COV_G_INDUSTRY,
    COV_G_JOINT,
    COV_G_COUNT
};

/* Borrowed: "standalone", "functional", "regional", "industry", "joint"; NULL if out of range. */
const char *cov_group_kind_name(enum cov_group_kind k);
/* Borrowed: cov_label_group_kind(k, COV_LANG_ZH) (labels.h); NULL if out of range. */
const char *cov_group_kind_name_zh(enum cov_group_kind k);

struct cov_group {
    int id; /* 1-based, in plan order, stable for the same input */
    enum cov_group_kind kind;
    int area_layer;  /* the scope layer (e.g. COV_STREETS) */
    long area;       /* index into m->areas[area_layer] shared by all members, or -1 */
    long host;       /* regional: park/building index; industry: org index of the
                        association; else -1 */
    int host_layer;  /* COV_PARKS, COV_BUILDINGS, COV_ORGANIZATIONS, or -1 */
    size_t *members; /* org indices, sorted ascending (plan-owned) */
    size_t n_members;
    int formal_members; /* sum over members */
    double diameter_m;  /* largest pairwise distance, metres */
    double cost_m;      /* total distance of members to the medoid, metres */
    size_t medoid;      /* org index of the member minimising total distance to the others */
    const char *name;   /* suggested name, Chinese (plan-owned) */
    int same_community; /* joint: members are placed only to this community (by address), so
                           they are grouped as "same community", not by distance */
};

struct cov_plan {
    struct cov_group *groups;
    size_t n_groups;
    size_t *instructor; /* org indices left for an instructor, sorted by street then id */
    size_t n_instructor;
    long n_manual;       /* uncovered orgs with 1 .. standalone minimum-1 formal members placed
                            only to a street or district (or nowhere): too rough to group by
                            distance, left for manual handling (not in instructor) */
    int scope;           /* the scope layer used */
    long candidates;     /* uncovered orgs considered for joint branches */
    long covered;        /* of those, covered by a joint group */
    long bound;          /* geography-free upper bound on `covered` (cov_joint_bound per scope) */
    long bound_simple;   /* the bound: sum of min(n, max_units * (M div min_members)) */
    double joint_cost_m; /* sum of cost_m over joint groups */
    double joint_diameter_m;         /* sum of diameter_m over joint groups */
    struct cov_scope_result *scopes; /* per scope with candidates, in area order ("no area"
                                        last); plan-owned */
    size_t n_scopes;
    int exact;                      /* the plan was made in exact mode */
    long optimal_scopes;            /* exact mode: scopes proven optimal */
    long gap;                       /* exact mode: sum over scopes of bound - covered */
    long n_kind[COV_G_COUNT];       /* groups per kind */
    long covered_kind[COV_G_COUNT]; /* orgs per kind */
    long orgs_covered_before;       /* covered orgs in the model now */
    long orgs_covered_after;        /* covered orgs if the plan is carried out */
    double coverage_rate_after;     /* orgs_covered_after / n_orgs, NAN when no orgs */
    struct cov_arena arena;         /* owns members arrays and names */
};

struct cov_propose_opts {
    int scope;             /* COV_STREETS (default), COV_DISTRICTS or COV_COMMUNITIES */
    int max_units;         /* default: policy joint_max_units */
    int min_members;       /* default: policy joint_min_members */
    double max_distance_m; /* default: policy joint_max_distance_m */
    int exact;             /* exact joint branches per scope on the MIP solver (propose_mip.c) */
    double time_limit_s;   /* exact mode: solver seconds per scope; 0 = COV_EXACT_TIME_LIMIT_S */
    int exact_max_units;   /* exact mode: most candidates of one connected piece of a scope
                              (units within reach of each other) the solver takes; a larger
                              piece keeps the heuristic's plan, not proven. 0 =
                              COV_EXACT_MAX_UNITS */
    int no_memberless;     /* leave memberless orgs out of joint branches */
    int threads;           /* 0 = all cores */
    int baseline;          /* 1: group joint branches with the plain greedy (cov_joint_greedy)
                              instead of the heuristic, to compare plans */
    size_t tile_units;     /* a scope of more candidates is cut into spatial tiles solved in
                              parallel, then its seams (analysis/propose_tile.h); 0 = the
                              default (COV_TILE_UNITS, 50,000); SIZE_MAX: never */
};

/* Default solver time per scope in exact mode, seconds. */
#define COV_EXACT_TIME_LIMIT_S 5.0
/* Default exact_max_units: the largest piece the solver takes. */
#define COV_EXACT_MAX_UNITS 5000

/* What exact mode proved about one scope. */
struct cov_scope_result {
    long area;       /* scope area index, -1 for the "no area" scope */
    long candidates; /* joint-branch candidates in the scope */
    long covered;    /* of those, in a joint branch of the plan */
    long bound;      /* proven upper bound on `covered` (exact mode), else the
                        geography-free bound */
    int optimal;     /* exact mode: covered == bound, proven */
    int heuristic;   /* exact mode: some part of the scope was left to the heuristic
                        (too large for the solver, solver failure or time) */
    int too_large;   /* exact mode: some part, not proven, was too large for the solver
                        (more than exact_max_units candidates, or too dense) */
    double seconds;  /* wall-clock seconds spent on the scope */
};

/* Fill o with the defaults, joint thresholds taken from policy p. */
void cov_propose_opts_init(struct cov_propose_opts *o, const struct cov_policy *p);
/*
 * 1 when a plan depends on policy parameter id (enum cov_param_id): the
 * thresholds of standalone, joint, regional and functional branches; 0 for
 * the targets, which a plan is measured against but not made from.
 */
int cov_propose_uses_param(int id);
/*
 * Options o were made under policy was; move those that followed it (equal to
 * what cov_propose_opts_init takes from was) to policy now, keeping the ones
 * chosen explicitly.
 */
void cov_propose_opts_follow(struct cov_propose_opts *o, const struct cov_policy *was,
                             const struct cov_policy *now);

/*
 * Compute the plan for model m (must be classified: m->classified, else
 * COV_EINPUT). o may be NULL for the defaults from m->policy. On success *out
 * is caller-owned (cov_plan_free). Errors: COV_EUSAGE for bad options;
 * COV_ENOMEM; COV_ECANCEL when progress returns nonzero. In exact mode a
 * scope the solver cannot prove is no error: its plan is the best found and
 * plan->scopes says what was proven. progress is only called from the
 * calling thread.
 */
int cov_propose(const struct cov_model *m, const struct cov_propose_opts *o, struct cov_plan **out,
                cov_progress_fn progress, void *user, struct cov_err *err);
/* Frees a plan; accepts NULL. */
void cov_plan_free(struct cov_plan *p);

/* The solver behind exact mode, e.g. "GLPK 5.0" (borrowed, static). The
 * joint-branch engines themselves are private to analysis/: propose_score.h
 * (the problem), propose_joint.h (heuristic), propose_mip.h (exact mode). */
const char *cov_joint_solver_name(void);

#endif
