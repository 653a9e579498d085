/*
 * alias.h - canonical fields of every layer, the column-name aliases that
 * map a source's columns onto them, and the parsers of their values.
 *
 * Column names are compared after normalisation (geo_alias_normalize): a
 * UTF-8 BOM and every space removed (ASCII, line breaks, U+3000, U+00A0,
 * also inside the name), full-width ASCII turned into ASCII, ASCII letters
 * lower-cased and a trailing unit in parentheses dropped ("正式党员数（人）"
 * is "正式党员数"). The first alias in table order that matches a column
 * wins. The tables are documented for users in docs/FORMATS.md.
 */
#ifndef GEO_ALIAS_H
#define GEO_ALIAS_H

#include <stddef.h>

#include "../analysis/model.h"

/* Value type of a canonical field. */
enum geo_ftype {
    GEO_FT_TEXT,
    GEO_FT_INT,    /* whole number >= 0 */
    GEO_FT_YESNO,  /* 是/否, yes/no, ... (geo_parse_yesno) */
    GEO_FT_PARTY,  /* 无/单独/联合/... (geo_parse_party) */
    GEO_FT_URCODE, /* statistical urban-rural code, 1xx urban, 2xx rural */
    GEO_FT_UR,     /* 城市/农村, 居委会/村委会, urban/rural (geo_parse_ur) */
    GEO_FT_LON,
    GEO_FT_LAT,
};

/* When a canonical field's column must be present. */
enum geo_freq {
    GEO_OPTIONAL,
    GEO_REQUIRED,
    GEO_REQUIRED_LONLAT, /* required when coordinates come from columns */
    GEO_REQUIRED_UR,     /* communities: ur_code or type, at least one */
};

struct geo_field_def {
    const char *name; /* canonical name, e.g. "formal_members" */
    enum geo_freq req;
    enum geo_ftype type;
    const char *const *aliases; /* NULL-terminated, in matching order */
};

/* Indices into the organizations' field table (and struct geo_field_map.col). */
enum geo_org_field {
    GEO_ORG_ID,
    GEO_ORG_NAME,
    GEO_ORG_KIND,
    GEO_ORG_COMMUNITY,
    GEO_ORG_INDUSTRY,
    GEO_ORG_RATING,
    GEO_ORG_FORMAL,
    GEO_ORG_UNTRANSFERRED,
    GEO_ORG_STAFF,
    GEO_ORG_PARTY,
    GEO_ORG_PARTY_ID,
    GEO_ORG_INSTRUCTOR,
    GEO_ORG_LON,
    GEO_ORG_LAT,
    GEO_ORG_ADDRESS,    /* 住所 / 地址: where the organization is, as text */
    GEO_ORG_COMM_REF,   /* 所属社区: a community code or name */
    GEO_ORG_STREET_REF, /* 所属街道: a street code or name */
    GEO_ORG_AUTHORITY,  /* 登记管理机关 */
    GEO_ORG_SUPERVISOR, /* 业务主管单位 */
    GEO_ORG_LEGAL_REP,  /* 法定代表人 */
    GEO_ORG_REG_DATE,   /* 成立登记日期, kept as written */
    GEO_ORG_NFIELDS
};

/* Indices into an area layer's field table; ur_code and type exist for communities only. */
enum geo_area_field {
    GEO_AREA_CODE,
    GEO_AREA_NAME,
    GEO_AREA_PARENT,
    GEO_AREA_UR_CODE,
    GEO_AREA_TYPE,
    GEO_AREA_NFIELDS
};

enum { GEO_MAX_FIELDS = GEO_ORG_NFIELDS };

/*
 * Borrowed, static: the canonical fields of layer, *n set to their number
 * (0 and NULL for a layer out of range).
 */
const struct geo_field_def *geo_alias_fields(enum cov_layer layer, size_t *n);

/* Index of canonical field name in layer's table, or -1. Exact, case-sensitive. */
int geo_alias_field_index(enum cov_layer layer, const char *name);

/*
 * Normalise a column name into out (out_len bytes, always NUL-terminated;
 * truncated if too long). See the top of this file.
 */
void geo_alias_normalize(const char *in, char *out, size_t out_len);

enum { GEO_MAP_LONLAT = 1, GEO_MAP_UPDATE = 2 };

/* The result of matching a source's columns: col[i] is the column index of field i, or -1. */
struct geo_field_map {
    int col[GEO_MAX_FIELDS];
    size_t n;         /* number of canonical fields of the layer */
    int id_is_credit; /* organizations: the id column holds unified social credit codes */
};

/*
 * Map columns (n_cols names, as the source spells them) onto layer's
 * canonical fields, applying overrides ("CANONICAL=SOURCE" strings) first.
 * flags: GEO_MAP_LONLAT when an organization's coordinates must come from
 * lon/lat columns (then those columns are required); GEO_MAP_UPDATE when
 * only the id is required (updating some fields of existing rows).
 * file names the source in messages. Returns 0, or COV_EINPUT with one
 * message per problem:
 *   "FILE: required column for FIELD not found (looked for: A, B, ...; columns present: X, Y)"
 *   "FILE: --field X=Y: unknown field 'X' (fields of LAYER: ...)"
 *   "FILE: --field X=Y: no column 'Y' (columns present: ...)"
 */
int geo_alias_map(enum cov_layer layer, const char *const *columns, size_t n_cols,
                  const char *const *overrides, size_t n_overrides, unsigned flags,
                  const char *file, struct geo_field_map *map, struct cov_err *err);

/*
 * Value parsers. Each trims spaces first; an empty value gives the stated
 * default. Return 0 when recognised, -1 otherwise (*out unchanged).
 */
/* 是/否, 有/无, yes/no, y/n, true/false, 1/0 (ASCII case-insensitive); empty -> 0. */
int geo_parse_yesno(const char *s, int *out);
/*
 * 无/未建/没有/空 -> none, 单独/单独组建/独立 -> standalone, 联合/联合组建 -> joint,
 * 区域/区域性 -> regional, 行业 -> industry, 功能型/功能 -> functional, the English
 * names; a Chinese value starting with one of the type words (e.g. 联合党支部)
 * is taken as that type; empty -> none.
 */
int geo_parse_party(const char *s, enum cov_party *out);
/*
 * 城市/城镇/城区/镇区/urban/居委会/社区居委会 -> urban, 农村/乡村/rural/村委会/村 -> rural
 * (城区, 镇区 and 乡村 are the 2008 statistical categories); empty -> -1.
 */
int geo_parse_ur(const char *s, enum cov_ur *out);
/* Urban-rural code "1xx" -> urban, "2xx" -> rural (3 digits); *code set too. Empty -> -1. */
int geo_parse_urcode(const char *s, enum cov_ur *out, int *code);

/* Result of geo_parse_count. */
enum geo_count_status {
    GEO_COUNT_OK,
    GEO_COUNT_EMPTY,
    GEO_COUNT_NOT_NUMBER,
    GEO_COUNT_NEGATIVE,
    GEO_COUNT_NOT_INTEGER,
    GEO_COUNT_TOO_LARGE,
};
/* A count: whole number >= 0 ("3", " 3 ", "3.0" accepted). */
enum geo_count_status geo_parse_count(const char *s, int *out);

/*
 * A coordinate in degrees: decimal ("119.16", "１１９．１６", "119.16°", "E119.16",
 * "119.16E") or degrees-minutes-seconds ("119°09'41.1\"", "119°9′37.98″",
 * "119度10分12.6秒", with or without an N/E/S/W letter before or after; S and W
 * negate). 0 ok, -1 empty, -2 not a number, -3 not finite.
 */
int geo_parse_coord(const char *s, double *out);

/*
 * Copy s into out (out_len bytes, always NUL-terminated) with full-width ASCII
 * (U+FF01..U+FF5E) and the ideographic space turned into ASCII. Returns the
 * length written.
 */
size_t geo_halfwidth(const char *s, char *out, size_t out_len);

/*
 * Escape control characters of s for a message ("正式\n党员数"): out gets
 * at most out_len bytes, always NUL-terminated, cut with "..." when longer.
 * Returns out.
 */
const char *geo_escape(const char *s, char *out, size_t out_len);

/*
 * 1 when the text is valid UTF-8 without control characters other than tab,
 * line feed and carriage return; else 0 and *why says what (static, in English:
 * pass it through _() to show it).
 */
int geo_text_ok(const char *s, const char **why);

/*
 * Score of a row of cells as the header of layer: the number of cells that
 * match an alias of one of the layer's fields (each field counted once).
 * *key set to 1 when one of them is the name or the id (organizations) or
 * the code or the name (areas).
 */
int geo_alias_header_score(enum cov_layer layer, const char *const *cells, size_t n, int *key);

#endif
