/*
 * coverage.h - coverage status per organization, summaries, filters for the
 * uncovered list and data-quality findings.
 *
 * Definitions (docs/POLICY.md copies these):
 * - covered (组织覆盖, organization coverage): party != COV_PARTY_NONE, whatever
 *   kind of Party organization covers it (standalone, joint, regional,
 *   industry, functional).
 * - coverage_rate = covered / organizations (clause 4 target 0.90).
 * - standalone_eligible: formal_members >= standalone_min_members (policy,
 *   clause 4, default 3), whatever Party organization the org has now;
 *   standalone_formed: those of them with party == COV_PARTY_STANDALONE;
 *   standalone_rate = standalone_formed / standalone_eligible (target 1.00).
 * - no_members: uncovered and formal_members == 0 (a negative, i.e. unknown,
 *   count is treated as 0); work_covered (工作覆盖, work coverage): those of them
 *   with instructor == 1.
 * - outside_all_communities: orgs in no community, counted only when the
 *   communities layer has areas (no layer, nothing to be outside of).
 * - A rate whose denominator is 0 is NAN (JSON null).
 */
#ifndef COV_COVERAGE_H
#define COV_COVERAGE_H

#include <stddef.h>

#include "core.h"
#include "model.h"
#include "place.h"

/*
 * Status of an org under policy p:
 *   party STANDALONE/JOINT/REGIONAL/INDUSTRY/FUNCTIONAL -> the matching covered status;
 *   party NONE and formal_members >= standalone_min_members -> COV_ST_ELIGIBLE;
 *   party NONE and 1 .. min-1 formal members               -> COV_ST_SMALL;
 *   party NONE and no (or unknown) formal members          -> COV_ST_NO_MEMBERS.
 */
enum cov_status cov_status_of(const struct cov_org *o, const struct cov_policy *p);

/* Sets every org->status with cov_status_of() and m->policy; sets m->classified. */
void cov_classify(struct cov_model *m);

struct cov_summary {
    long organizations, covered, standalone_eligible, standalone_formed, no_members, work_covered,
        outside_all_communities;   /* organizations with coordinates outside every community */
    long placed[COV_PLACED_COUNT]; /* by enum cov_placed: how precisely each is placed */
    long by_status[COV_ST_COUNT];
    double coverage_rate;   /* covered / organizations, NAN when organizations == 0 */
    double standalone_rate; /* standalone_formed / standalone_eligible, NAN when 0 */
};

/*
 * Totals over all orgs into *total (may be NULL), and when by >= 0 (a polygon
 * layer, enum cov_layer) one summary per area of that layer in *per_area
 * (caller-owned array of m->n_areas[by] entries, free(); NULL when the layer
 * is empty) counting the orgs assigned to it. Statuses are computed from the
 * current policy (m->classified is not needed). Counting areas or
 * orgs outside communities needs current assignments: COV_EINPUT when
 * m->assigned is 0 and the model has areas; COV_EINPUT for a bad `by` (or
 * by >= 0 with per_area NULL);
 * COV_ENOMEM.
 */
int cov_summarize(const struct cov_model *m, int by, struct cov_summary *total,
                  struct cov_summary **per_area, struct cov_err *err);

/* cov_summarize over the organizations inside the areas chosen in sel
 * (areasel.h; NULL or no choice: all). */
struct cov_areasel;
int cov_summarize_in(const struct cov_model *m, const struct cov_areasel *sel, int by,
                     struct cov_summary *total, struct cov_summary **per_area, struct cov_err *err);

/* num / den, NAN when den == 0. */
double cov_rate(long num, long den);

/* Borrowed: the recommended route for an uncovered status: "standalone" (ELIGIBLE),
 * "joint_or_regional" (SMALL), "instructor" (NO_MEMBERS); NULL for covered statuses. */
const char *cov_route_name(enum cov_status st);
/* Borrowed: cov_label_route(st, COV_LANG_ZH) (labels.h), kept for the callers of old. */
const char *cov_route_name_zh(enum cov_status st);
/* Borrowed: "standalone", "joint", "regional", "industry", "functional", "eligible",
 * "small", "no_members"; "unknown" when out of range. What a person reads: labels.h. */
const char *cov_status_name(enum cov_status st);
/* Status called name (English as above), or -1. */
int cov_status_find(const char *name);

/* Filters for the uncovered list: -1 / NULL mean "any". */
struct cov_filter {
    long district, street, community; /* area indices (org->area[layer] must equal it) */
    int members_min, members_max;     /* formal members, inclusive; -1 = unbounded */
    const char *kind, *industry;      /* exact match (borrowed) */
    int uncovered_only;               /* 1: only party == COV_PARTY_NONE */
};
/* Everything "any", uncovered_only = 0. */
void cov_filter_init(struct cov_filter *f);
/* 1 when o passes every set criterion of f, else 0. Area criteria read o->area[]
 * (so they need current assignments); m is not read today (room for criteria
 * that need the model). */
int cov_filter_match(const struct cov_model *m, const struct cov_org *o,
                     const struct cov_filter *f);

/*
 * Data-quality findings (issue 3), in org order, and per org in this order:
 * - COV_F_DIVISION_MISMATCH: the org's id is an 18-character credit code
 *   (characters 0-9/A-Z, characters 3-8 six digits) whose division code
 *   (characters 3-8) differs from the first 6 characters of the code of the
 *   district the point falls in. Ids that are not such codes, orgs outside
 *   every district and districts whose code is shorter than 6 are skipped.
 * - COV_F_OUTSIDE_COMMUNITIES: in no community (only when communities exist).
 * - COV_F_OUTSIDE_DISTRICTS: in no district (only when districts exist).
 * detail: an English sentence naming the org and the codes.
 */
enum cov_finding_kind {
    COV_F_DIVISION_MISMATCH,
    COV_F_OUTSIDE_COMMUNITIES,
    COV_F_OUTSIDE_DISTRICTS
};
struct cov_finding {
    enum cov_finding_kind kind;
    size_t org; /* index into m->orgs */
    char detail[160];
};
/* Borrowed: "division_mismatch", "outside_communities", "outside_districts". */
const char *cov_finding_name(enum cov_finding_kind k);
/* *out: caller-owned array of *n findings (free(); NULL when none). Needs current
 * assignments when the model has areas (COV_EINPUT otherwise); COV_ENOMEM. */
int cov_findings(const struct cov_model *m, struct cov_finding **out, size_t *n,
                 struct cov_err *err);

#endif
