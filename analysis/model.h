/*
 * model.h - the in-memory domain model every layer works on.
 *
 * geodata/ fills it from the project store, analysis/ computes on it,
 * render/ draws it. All coordinates are in the project's projected CRS
 * (metres, EPSG code in srid). Strings live in the model's arena.
 */
#ifndef COV_MODEL_H
#define COV_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "policy.h"

/*
 * The GEOS types the model holds, declared by their tags so that the model
 * does not carry <geos_c.h> into every header above it. geos_c.h declares
 * the same typedefs (C11 allows the repetition); a file that calls GEOS
 * includes "geos.h" (analysis/geos.h) itself.
 */
typedef struct GEOSGeom_t GEOSGeometry;
typedef struct GEOSContextHandle_HS *GEOSContextHandle_t;

/* Layers, in the order of the administrative hierarchy; organizations last. */
enum cov_layer {
    COV_DISTRICTS,   /* 县/区 */
    COV_STREETS,     /* 街道/乡镇 */
    COV_COMMUNITIES, /* 社区/村 */
    COV_PARKS,       /* 园区 */
    COV_BUILDINGS,   /* 楼宇 */
    COV_ORGANIZATIONS,
    COV_NLAYERS
};
enum { COV_NAREAS = COV_ORGANIZATIONS }; /* polygon layers: 0 .. COV_NAREAS-1 */

/* Borrowed: "districts", "streets", ..., "organizations"; NULL if out of range.
 * These machine names (and cov_party_name's) are the JSON contract; what a person
 * reads comes from labels.h. */
const char *cov_layer_name(int layer);
/* The layer called name (also accepts the singular, e.g. "district"), or -1. */
int cov_layer_find(const char *name);

enum cov_ur { COV_UR_UNKNOWN = 0, COV_UR_URBAN = 1, COV_UR_RURAL = 2 };

/* A polygon feature of one of the area layers. */
struct cov_area {
    const char *code; /* unique within its layer */
    const char *name;
    const char
        *parent;    /* code one level up (street -> district, community -> street); may be NULL */
    enum cov_ur ur; /* communities: urban or rural */
    int ur_code;    /* statistical urban-rural code (111..123, 210, 220), 0 if unknown */
    GEOSGeometry *geom; /* owned by the model; Polygon/MultiPolygon (buildings may be Point) */
    double minx, miny, maxx, maxy; /* envelope of geom */
};

/* Existing Party organization of a social organization. */
enum cov_party {
    COV_PARTY_NONE,
    COV_PARTY_STANDALONE, /* 单独组建 */
    COV_PARTY_JOINT,      /* 联合 */
    COV_PARTY_REGIONAL,   /* 区域 */
    COV_PARTY_INDUSTRY,   /* 行业 */
    COV_PARTY_FUNCTIONAL, /* 功能型 */
    COV_PARTY_COUNT
};
/* Borrowed: "none", "standalone", "joint", "regional", "industry", "functional". */
const char *cov_party_name(enum cov_party p);

/* Coverage status, computed by analysis/coverage from the policy. */
enum cov_status {
    COV_ST_STANDALONE, /* covered by its own organization */
    COV_ST_JOINT,      /* covered by a joint organization */
    COV_ST_REGIONAL,
    COV_ST_INDUSTRY,
    COV_ST_FUNCTIONAL,
    COV_ST_ELIGIBLE,   /* uncovered, formal members >= standalone minimum */
    COV_ST_SMALL,      /* uncovered, 1 .. minimum-1 formal members */
    COV_ST_NO_MEMBERS, /* uncovered, no formal members */
    COV_ST_COUNT
};

/* Value of count fields that the source left empty where that is allowed. */
#define COV_UNKNOWN (-1)

struct cov_org {
    /* Ordered by size, the small fields last: at national size every command
     * holds 10^6 of these, and each byte is a megabyte of fresh memory. */
    const char *id; /* unified social credit code, or the source's own id */
    const char *name;
    const char *kind; /* 社会团体 / 民办非企业单位 / 基金会 ... as given */
    const char *industry;
    const char *rating; /* e.g. "3A"; NULL if none */
    const char *party_org_id;
    /* What a register says of where the organization is (NULL when absent);
     * analysis/place.h places organizations without coordinates by them. */
    const char *address;       /* 住所 */
    const char *community_ref; /* 所属社区: code or name */
    const char *street_ref;    /* 所属街道: code or name */
    /* Register fields kept for searching and exports (NULL when absent). */
    const char *authority;  /* 登记管理机关 */
    const char *supervisor; /* 业务主管单位 */
    const char *legal_rep;  /* 法定代表人 */
    const char *reg_date;   /* 成立登记日期, as written */
    /*
     * Project CRS, metres. With has_xy, the organization's own point; else,
     * after cov_assign, a representative point of the area it is placed to,
     * for drawing only (NAN when placed nowhere). Distances between
     * organizations are only meaningful when placed == COV_PLACED_POINT.
     */
    double x, y;
    int formal_members;        /* >= 0 */
    int untransferred_members; /* >= 0 */
    int staff;                 /* >= 0 or COV_UNKNOWN */
    enum cov_party party;
    int32_t area[COV_NAREAS]; /* index into model->areas[layer], -1 if none; see cov_assign */
    enum cov_status status;   /* see cov_classify */
    int8_t community_org;     /* 1 if a community social organization (社区社会组织) */
    int8_t instructor;        /* 1 if a Party-building instructor is assigned */
    int8_t has_xy;            /* 1 when the source gave coordinates (x, y above) */
    int8_t placed;            /* enum cov_placed (place.h), set by cov_assign */
    int8_t placed_by;         /* enum cov_source (place.h), set by cov_assign */
};

struct cov_model {
    GEOSContextHandle_t geos; /* owned; used for every geometry in the model */
    int srid;                 /* EPSG code of the projected CRS, 0 if unknown */
    struct cov_area *areas[COV_NAREAS];
    size_t n_areas[COV_NAREAS];
    struct cov_org *orgs;
    size_t n_orgs;
    struct cov_policy policy;
    int assigned;                           /* 1 when every org's area[] is valid */
    int classified;                         /* 1 when every org's status is valid */
    struct cov_arena arena;                 /* owns every string of the model */
    size_t cap_areas[COV_NAREAS], cap_orgs; /* allocated lengths (private) */
};

/* Caller-owned empty model with default policy; NULL on out of memory. */
struct cov_model *cov_model_new(void);
/* Frees the model, its geometries and strings; accepts NULL. */
void cov_model_free(struct cov_model *m);
/*
 * Append an area (copying strings into the arena, taking ownership of geom,
 * computing the envelope). Returns its index, or -1 on out of memory (geom is
 * then destroyed).
 */
long cov_model_add_area(struct cov_model *m, enum cov_layer layer, const struct cov_area *a);
/* As cov_model_add_area, strings not copied: they must already live in m's arena. */
long cov_model_add_area_owned(struct cov_model *m, enum cov_layer layer, const struct cov_area *a);
/* Sets a's envelope from a->geom (all 0 without one), with m's GEOS context;
 * cov_area_envelope_r with context h (a thread's own). */
void cov_area_envelope(const struct cov_model *m, struct cov_area *a);
void cov_area_envelope_r(GEOSContextHandle_t h, struct cov_area *a);
/* The text fields of struct cov_org (id, name, kind, ... reg_date), as byte
 * offsets: code that copies or serialises every one of them loops over these. */
enum { COV_ORG_NSTRINGS = 13 };
extern const size_t cov_org_strings[COV_ORG_NSTRINGS];
/* The address of o's text field k (0 <= k < COV_ORG_NSTRINGS). */
static inline const char **cov_org_string(struct cov_org *o, int k)
{
    return (const char **)(void *)((char *)o + cov_org_strings[k]);
}
/* Append an organization (strings copied); returns its index or -1. area[] set to -1. */
long cov_model_add_org(struct cov_model *m, const struct cov_org *o);
/* As cov_model_add_org, strings not copied: they must already live in m's
 * arena (a loader that copied a whole block of them there at once). */
long cov_model_add_org_owned(struct cov_model *m, const struct cov_org *o);
/* Reserve room for n more orgs / areas (optional, for speed). 0 or COV_ENOMEM. */
int cov_model_reserve_orgs(struct cov_model *m, size_t n);
int cov_model_reserve_areas(struct cov_model *m, enum cov_layer layer, size_t n);
/* Index of the area with this code or (if none) exactly this name, or -1. Linear. */
long cov_model_find_area(const struct cov_model *m, enum cov_layer layer, const char *code_or_name);

#endif
