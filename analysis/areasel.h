/*
 * areasel.h - the area filters of the commands (--district, --street,
 * --community): finding a district, street or community by what a person
 * types (a code, or a name with or without its suffix), and which
 * organizations, areas and plan groups a chosen district, street or
 * community holds.
 *
 * Pure: no printing. Names are matched by place.h's name forms
 * (cov_place_name_match): 新浦, 新浦街道 and 新浦街道办事处 all name 新浦街道;
 * 王庄 and 王庄居委会 name 王庄社区, 王庄村 does not. The hierarchy (a
 * community's street, a street's district) is the gazetteer's, from the
 * areas' parent codes (cov_gazetteer_ancestors).
 */
#ifndef COV_AREASEL_H
#define COV_AREASEL_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "model.h"

struct cov_plan; /* propose.h */

/* A model's districts, streets and communities indexed for lookups, and the
 * areas chosen (none at first). Borrows the model, which must outlive it
 * and not change while it lives. */
struct cov_areasel;

/* Caller-owned (cov_areasel_free); NULL on out of memory. */
struct cov_areasel *cov_areasel_new(const struct cov_model *m);
/* Accepts NULL. */
void cov_areasel_free(struct cov_areasel *s);

/* How the areas of a lookup were found. */
enum cov_area_how {
    COV_AREA_NONE, /* nothing: the hits are suggestions, closest first */
    COV_AREA_CODE, /* the code is the text */
    COV_AREA_NAME, /* the whole name is the text (normalised) */
    COV_AREA_STEM, /* the name without its suffix is the text's (cov_place_name_match 1) */
};

/* The result of cov_areasel_find. Embedded; cov_area_lookup_release frees hits. */
struct cov_area_lookup {
    enum cov_area_how how;
    int32_t *hits; /* indices into m->areas[layer]: the matches (1: found, more:
                      ambiguous), in model order; for NONE the suggestions */
    size_t n;
};
void cov_area_lookup_release(struct cov_area_lookup *l);

/*
 * Find the areas of layer (COV_DISTRICTS .. COV_COMMUNITIES) that text names,
 * among those inside district and street (indices; -1: anywhere). In order,
 * the first step that finds any: areas whose code is text; whose name is
 * text; whose stem is text's with agreeing suffixes. When none is found,
 * out->hits holds up to max_suggest suggestions among the areas inside
 * district and street: names whose stem contains text's stem or is contained
 * in it first, then by the edit distance (in characters) between the stems;
 * only names sharing at least one character with text's stem; ties in
 * model order. Returns 0 or COV_ENOMEM (err says so); out is always valid
 * for cov_area_lookup_release.
 */
int cov_areasel_find(const struct cov_areasel *s, enum cov_layer layer, const char *text,
                     int32_t district, int32_t street, size_t max_suggest,
                     struct cov_area_lookup *out, struct cov_err *err);

/* The district and street area idx of layer lies in (cov_gazetteer_ancestors). */
void cov_areasel_ancestors(const struct cov_areasel *s, enum cov_layer layer, int32_t idx,
                           int32_t *district, int32_t *street);

/*
 * Choose the areas: area[COV_DISTRICTS], area[COV_STREETS],
 * area[COV_COMMUNITIES] (indices, -1 for none). Organizations are inside
 * when their area[] equals every chosen one. An area of the three
 * administrative layers is inside when it lies in every chosen area or
 * holds it (so --street X --by district still lists X's district, counting
 * X's organizations); a park or building when it holds an organization
 * that is inside. Returns 0 or COV_ENOMEM.
 */
int cov_areasel_choose(struct cov_areasel *s, const long area[3], struct cov_err *err);
/* 1 when some area is chosen. */
int cov_areasel_active(const struct cov_areasel *s);
/* 1 when o is inside the chosen areas (always without a choice). */
int cov_areasel_has_org(const struct cov_areasel *s, const struct cov_org *o);
/* 1 when area idx of layer (a polygon layer) is inside (always without a choice). */
int cov_areasel_has_area(const struct cov_areasel *s, int layer, size_t idx);
/* Per area of layer, 1 when inside; NULL without a choice. Borrowed. */
const unsigned char *cov_areasel_mask(const struct cov_areasel *s, int layer);
/* Organizations inside (all of them without a choice). */
size_t cov_areasel_n_orgs(const struct cov_areasel *s);

/*
 * The part of plan p (made for the model of s) that concerns the chosen
 * areas: the groups with a member inside, the instructor organizations
 * inside, the exact-mode scope results of the scope areas inside; counts
 * per kind and the coverage before and after over the organizations inside
 * (covered_kind: members inside); candidates, covered and bounds summed
 * over those scope areas; n_manual: uncovered organizations inside in no
 * group and not left for an instructor. Caller-owned, free with
 * cov_plan_free; borrows the groups' members and names from p, which must
 * outlive it. NULL on out of memory.
 */
struct cov_plan *cov_areasel_plan(const struct cov_areasel *s, const struct cov_plan *p);

#endif
