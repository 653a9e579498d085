/*
 * place.h - place an organization that has no coordinates in the district,
 * street or community that its register row names: a 所属社区 column, a
 * 所属街道 column, the address (住所) and the unified social credit code.
 *
 * Pure text matching against the area names and codes of a model (no
 * geometry, except cov_place_point, which picks a point to draw an
 * approximately placed organization at). docs/FORMATS.md, "Placement without
 * coordinates", is the user-facing description of the rules below.
 *
 * Sources, in order: community column, street column, address, credit code.
 * Each names areas by code or by name. The result is the most precise place
 * that the sources support consistently:
 * - the first source that places at all sets the place; a later source only
 *   refines it, and only inside it (street column 新浦街道, address naming
 *   王庄社区 of that street: community, source address); a later source that
 *   contradicts an earlier one is ignored (the note says so);
 * - what a later source establishes is context for an earlier one that was
 *   ambiguous on its own (所属社区 "王庄社区" shared by two streets, 所属街道
 *   "新浦街道": community, source community column);
 * - the credit code's division (characters 3-8) places in a district only
 *   when nothing else does, and is the district context for names that
 *   name no district.
 *
 * Codes: community 12 digits (exact); street 9 digits, or 12 ending in 000;
 * district 6 digits, or the first 6 of a 9- or 12-digit code. An unknown
 * 12-digit code falls back to its street (first 9) and district (first 6),
 * with a note: the statistical code says where it lies.
 *
 * Names walk the hierarchy: a district, a street of that district, a
 * community of that street. A name counts only inside its parent. Text
 * without a district uses the context above (earlier sources, then the
 * credit code); a street name unique in the whole gazetteer places without
 * context. A community named without its street places only when its name is
 * unique in the district that the text, an earlier source or the credit code
 * gives; a name that several streets share places to the district (if the
 * text names one), never to a guessed community.
 *
 * Name forms: the statistical (NBS) names carry suffixes that registers drop
 * or vary. An area name splits into a stem and a suffix of a kind:
 *   districts   区 县 市                (text: stem + 区 or 县; stem + 市 only
 *                                        when a street or community named in
 *                                        the same text, or the context, confirms
 *                                        it, because prefecture cities share
 *                                        their name with a county: 淮安市/淮安区)
 *   streets     街道办事处 街道办 街道 办事处 街办 (one kind); 镇 镇人民政府 镇政府;
 *               乡 乡人民政府 乡政府
 *   communities 社区居民委员会 社区居委会 居民委员会 居委会 社区 (urban kind);
 *               村民委员会 村委会 村 (rural kind)
 * Text matches an area when it holds the stem followed by a suffix of the
 * same kind: 王庄社区, 王庄居委会 and 王庄社区居委会 are one community; 王庄村
 * is the rural 王庄村委会, never the urban one. The kind comes from the
 * name's suffix; only a name without a suffix takes it from ur (unknown ur:
 * either kind). A stem followed by anything else is no match, so roads named
 * after an area (王庄路, 华山路, 新浦大街) are roads. Names without a known
 * suffix (东辛农场, 新浦经济开发区) match whole, but not when a road word
 * (路 街 巷 弄 大道 大街) follows. Stems of one character match only with a
 * suffix (东村 for 东村委会; a district 城区 only as 城区). The longest match
 * at a position wins (新浦东社区 is not 新浦 + 东社区).
 *
 * Text is normalised first: whitespace (also U+3000 and other Unicode
 * spaces) removed, full-width ASCII made half-width, invalid UTF-8 and
 * control bytes replaced by '?'. Province and city names in front
 * (江苏省连云港市...) match nothing and are skipped.
 *
 * Cost: building indexes every stem by its first two characters; placing
 * costs O(length of the text) lookups, independent of the gazetteer's size.
 */
#ifndef COV_PLACE_H
#define COV_PLACE_H

#include <stdint.h>

#include "model.h"

/* How precisely an organization was placed. */
enum cov_placed {
    COV_PLACED_NONE,
    COV_PLACED_DISTRICT,
    COV_PLACED_STREET,
    COV_PLACED_COMMUNITY,
    COV_PLACED_POINT, /* coordinates: the caller's business, never set by cov_place */
    COV_PLACED_COUNT
};

/* What placed it. */
enum cov_source {
    COV_SRC_NONE,
    COV_SRC_COORDINATES,
    COV_SRC_COMMUNITY_COLUMN,
    COV_SRC_STREET_COLUMN,
    COV_SRC_ADDRESS,
    COV_SRC_CREDIT_CODE,
    COV_SRC_COUNT
};

/* Borrowed: "none", "district", "street", "community", "point" (the JSON
 * values); "unknown" out of range. */
const char *cov_placed_name(enum cov_placed p);
/* Borrowed: cov_label_placed(p, COV_LANG_ZH) (labels.h); "未知" out of range. */
const char *cov_placed_name_zh(enum cov_placed p);
/* Borrowed: "none", "coordinates", "community column", "street column",
 * "address", "credit code"; "unknown" out of range. */
const char *cov_source_name(enum cov_source s);
/* Borrowed: cov_label_source(s, COV_LANG_ZH) (labels.h); "未知" out of range. */
const char *cov_source_name_zh(enum cov_source s);
/* The cov_placed whose cov_placed_name is name (for --placed), or -1. */
int cov_placed_find(const char *name);

/* The names and codes of the districts, streets and communities of one
 * model, indexed for cov_place. Read-only once built: one gazetteer may be
 * used by several threads at once. */
struct cov_gazetteer;

/*
 * Index the districts, streets and communities of m (names, codes, parent
 * codes, urban/rural). Caller-owned: free with cov_gazetteer_free. Borrows
 * m, which must outlive it and not change while it lives. Parents: a
 * street's parent code names its district (exactly, or by the first 6
 * digits of a 9- or 12-digit code); a community's names its street (exactly,
 * or by the first 9 digits of a 12-digit code ending in 000); an area
 * without a parent code takes it from its own 9- or 12-digit code. Areas
 * without a name are found by code only. NULL on out of memory (or more
 * than 2^31-1 areas in a layer).
 */
struct cov_gazetteer *cov_gazetteer_new(const struct cov_model *m);
/*
 * The same without the names: codes and parents only, for
 * cov_gazetteer_ancestors (a few percent of cov_gazetteer_new's time and
 * memory at national size). Not for cov_place or name lookups.
 */
struct cov_gazetteer *cov_gazetteer_new_hierarchy(const struct cov_model *m);
/* Accepts NULL. */
void cov_gazetteer_free(struct cov_gazetteer *g);

/*
 * The district and street that area idx of layer (COV_DISTRICTS ..
 * COV_COMMUNITIES) lies in, by the parent codes as cov_gazetteer_new
 * resolved them: a community's street and that street's district, a
 * street's district, a district itself (street -1). -1 where unknown or idx
 * is out of range.
 */
void cov_gazetteer_ancestors(const struct cov_gazetteer *g, enum cov_layer layer, int32_t idx,
                             int32_t *district, int32_t *street);

/*
 * Does text name the area called area_name of layer (COV_DISTRICTS ..
 * COV_COMMUNITIES; ur: a community's urban/rural, for a name without
 * suffix)? Both are normalised as above. 2: the same name; 1: the same stem
 * with a suffix of an agreeing kind, or text without suffix (新浦,
 * 新浦街道办事处 for 新浦街道; 王庄, 王庄居委会 for 王庄社区, but 王庄村 not; for
 * districts 区, 县 and 市 all agree); names complete as they stand
 * (东辛农场) only as 2. 0: no; -1: out of memory.
 */
int cov_place_name_match(enum cov_layer layer, const char *area_name, enum cov_ur ur,
                         const char *text);
/* The normalised stem of name (a name of layer, its suffix stripped as above)
 * into out (cap bytes, whole code points that fit, NUL-terminated); its length. */
size_t cov_place_name_stem(enum cov_layer layer, const char *name, char *out, size_t cap);

/* What a register row says about where an organization is. Any field may be
 * NULL or "". Borrowed for the call only. */
struct cov_place_in {
    const char *community;   /* 所属社区 column: 12-digit code, or a name (maybe with
                                street and district in front) */
    const char *street;      /* 所属街道 column: 9-digit code, or a name */
    const char *address;     /* 住所 / 地址 */
    const char *credit_code; /* unified social credit code; characters 3-8 are the
                                registering authority's division code */
};

struct cov_placement {
    enum cov_placed level;  /* NONE .. COMMUNITY */
    enum cov_source source; /* the source that gave level; NONE when level is NONE */
    /* Indices into m->areas[COV_DISTRICTS / COV_STREETS / COV_COMMUNITIES], -1
     * where not placed; filled up the hierarchy (a community's street and
     * district, when their codes are known). */
    int32_t district, street, community;
    /* Below community level: why, in Chinese, short, naming the ambiguity or
     * the conflict (社区名“王庄社区”在2个街道（新浦街道、浦西街道）中都有;
     * 地址未写明街道或社区). "" at community level. Valid UTF-8. */
    char note[200];
};

/*
 * Place one organization (see the rules at the top). g, in and out must not
 * be NULL. Deterministic. Returns 0, or COV_ENOMEM (only for texts longer than
 * 1 KiB, which need a heap buffer); out is always filled.
 */
int cov_place(const struct cov_gazetteer *g, const struct cov_place_in *in,
              struct cov_placement *out);

/*
 * A point strictly inside a polygonal area, for drawing an organization
 * placed to that area. For a MultiPolygon (or a collection), the part with
 * the largest area (the first of equal ones). The point is the centre of the
 * part's largest inscribed circle, to a tolerance of 1/200 of the part's
 * larger envelope side (GEOSMaximumInscribedCircle_r): far from the edges
 * even in concave (U-shaped) areas; if that is not strictly inside (only
 * for degenerate or invalid polygons), GEOSPointOnSurface_r of the part; if
 * neither is strictly inside (invalid geometry), the point on surface anyway.
 * Points and lines give GEOSPointOnSurface_r. Deterministic. Coordinates in
 * the geometry's CRS.
 * Returns 0; COV_EINPUT when area is NULL or empty, or has only polygons of
 * zero area; COV_EFAIL when GEOS fails (cov_geos_last_error says why).
 */
int cov_place_point(GEOSContextHandle_t h, const GEOSGeometry *area, double *x, double *y);

#endif
