/* alias.c - canonical fields, column aliases and value parsers. */
#include "alias.h"
#include "../analysis/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- tables ---- */

/* The first five are credit-code aliases (see CREDIT_ALIASES); then own-id columns. */
static const char *const a_org_id[] = {
    "统一社会信用代码", "信用代码", "社会信用代码", "credit_code", "uscc", "编号", "id", NULL};
enum { CREDIT_ALIASES = 5 };
static const char *const a_org_name[] = {"名称",         "组织名称", "单位名称",
                                         "社会组织名称", "name",     NULL};
static const char *const a_org_kind[] = {"类型", "组织类型", "社会组织类型", "kind", "type", NULL};
static const char *const a_org_comm[] = {"社区社会组织", "是否社区社会组织", "community_org", NULL};
static const char *const a_org_industry[] = {"所属行业", "行业", "行业类别", "industry", NULL};
static const char *const a_org_rating[] = {"评估等级", "等级", "rating", NULL};
static const char *const a_org_formal[] = {"正式党员数", "正式党员", "正式党员人数",
                                           "formal_members", NULL};
static const char *const a_org_untr[] = {"组织关系未转入党员数", "未转入党员数",
                                         "untransferred_members", NULL};
static const char *const a_org_staff[] = {"从业人员数", "职工人数", "从业人数", "staff", NULL};
static const char *const a_org_party[] = {"党组织类型", "党组织", "党组织情况", "party_org", NULL};
static const char *const a_org_party_id[] = {"党组织编号", "party_org_id", NULL};
static const char *const a_org_instr[] = {"党建工作指导员", "是否选派党建工作指导员", "instructor",
                                          NULL};
static const char *const a_lon[] = {"经度", "lng", "lon", "long", "longitude", "x", NULL};
static const char *const a_lat[] = {"纬度", "lat", "latitude", "y", NULL};
static const char *const a_org_address[] = {"住所",     "地址",    "办公地址", "注册地址",
                                            "详细地址", "住址",    "办公场所", "单位地址",
                                            "通讯地址", "address", NULL};
static const char *const a_org_comm_ref[] = {
    "所属社区", "所属村（居）", "所属社区（村）", "村（居）委会", "社区（村）",
    "所属村居", "村居",         "社区",           "community",    NULL};
static const char *const a_org_street_ref[] = {
    "所属街道", "所属乡镇", "所属街道（乡镇）", "所属镇街", "街道（乡镇）", "乡镇（街道）",
    "街道",     "乡镇",     "street",           NULL};
static const char *const a_org_authority[] = {"登记管理机关", "登记机关", "authority", NULL};
static const char *const a_org_supervisor[] = {"业务主管单位", "主管单位", "业务指导单位",
                                               "supervisor", NULL};
static const char *const a_org_legal_rep[] = {"法定代表人", "法人代表", "法定代表人（负责人）",
                                              "legal_rep", NULL};
static const char *const a_org_reg_date[] = {"成立登记日期", "成立日期", "登记日期",
                                             "成立时间",     "reg_date", NULL};

static const struct geo_field_def org_fields[GEO_ORG_NFIELDS] = {
    [GEO_ORG_ID] = {"id", GEO_REQUIRED, GEO_FT_TEXT, a_org_id},
    [GEO_ORG_NAME] = {"name", GEO_REQUIRED, GEO_FT_TEXT, a_org_name},
    [GEO_ORG_KIND] = {"kind", GEO_OPTIONAL, GEO_FT_TEXT, a_org_kind},
    [GEO_ORG_COMMUNITY] = {"community_org", GEO_OPTIONAL, GEO_FT_YESNO, a_org_comm},
    [GEO_ORG_INDUSTRY] = {"industry", GEO_OPTIONAL, GEO_FT_TEXT, a_org_industry},
    [GEO_ORG_RATING] = {"rating", GEO_OPTIONAL, GEO_FT_TEXT, a_org_rating},
    [GEO_ORG_FORMAL] = {"formal_members", GEO_REQUIRED, GEO_FT_INT, a_org_formal},
    [GEO_ORG_UNTRANSFERRED] = {"untransferred_members", GEO_OPTIONAL, GEO_FT_INT, a_org_untr},
    [GEO_ORG_STAFF] = {"staff", GEO_OPTIONAL, GEO_FT_INT, a_org_staff},
    [GEO_ORG_PARTY] = {"party_org", GEO_OPTIONAL, GEO_FT_PARTY, a_org_party},
    [GEO_ORG_PARTY_ID] = {"party_org_id", GEO_OPTIONAL, GEO_FT_TEXT, a_org_party_id},
    [GEO_ORG_INSTRUCTOR] = {"instructor", GEO_OPTIONAL, GEO_FT_YESNO, a_org_instr},
    [GEO_ORG_LON] = {"lon", GEO_REQUIRED_LONLAT, GEO_FT_LON, a_lon},
    [GEO_ORG_LAT] = {"lat", GEO_REQUIRED_LONLAT, GEO_FT_LAT, a_lat},
    [GEO_ORG_ADDRESS] = {"address", GEO_OPTIONAL, GEO_FT_TEXT, a_org_address},
    [GEO_ORG_COMM_REF] = {"community", GEO_OPTIONAL, GEO_FT_TEXT, a_org_comm_ref},
    [GEO_ORG_STREET_REF] = {"street", GEO_OPTIONAL, GEO_FT_TEXT, a_org_street_ref},
    [GEO_ORG_AUTHORITY] = {"authority", GEO_OPTIONAL, GEO_FT_TEXT, a_org_authority},
    [GEO_ORG_SUPERVISOR] = {"supervisor", GEO_OPTIONAL, GEO_FT_TEXT, a_org_supervisor},
    [GEO_ORG_LEGAL_REP] = {"legal_rep", GEO_OPTIONAL, GEO_FT_TEXT, a_org_legal_rep},
    [GEO_ORG_REG_DATE] = {"reg_date", GEO_OPTIONAL, GEO_FT_TEXT, a_org_reg_date},
};

static const char *const a_code[] = {"区划代码", "统计用区划代码", "代码",   "编码",
                                     "code",     "adcode",         "code12", NULL};
static const char *const a_area_name[] = {"名称", "name", "区划名称", NULL};
static const char *const a_parent_any[] = {"parent", NULL};
static const char *const a_parent_street[] = {"所属区县代码",  "区县代码", "县区代码",
                                              "district_code", "parent",   NULL};
static const char *const a_parent_comm[] = {"所属街道代码", "街道代码", "所属街道",
                                            "street_code",  "parent",   NULL};
static const char *const a_ur_code[] = {"城乡分类代码", "城乡分类", "ur_code", NULL};
static const char *const a_ur_type[] = {"类型", "城乡类型", "社区类型", "type", NULL};

#define AREA_FIELDS(parent_aliases)                                                                \
    [GEO_AREA_CODE] = {"code", GEO_REQUIRED, GEO_FT_TEXT, a_code},                                 \
    [GEO_AREA_NAME] = {"name", GEO_REQUIRED, GEO_FT_TEXT, a_area_name},                            \
    [GEO_AREA_PARENT] = {"parent", GEO_OPTIONAL, GEO_FT_TEXT, parent_aliases}

static const struct geo_field_def plain_area_fields[3] = {AREA_FIELDS(a_parent_any)};
static const struct geo_field_def street_fields[3] = {AREA_FIELDS(a_parent_street)};
static const struct geo_field_def community_fields[GEO_AREA_NFIELDS] = {
    AREA_FIELDS(a_parent_comm),
    [GEO_AREA_UR_CODE] = {"ur_code", GEO_REQUIRED_UR, GEO_FT_URCODE, a_ur_code},
    [GEO_AREA_TYPE] = {"type", GEO_REQUIRED_UR, GEO_FT_UR, a_ur_type},
};

const struct geo_field_def *geo_alias_fields(enum cov_layer layer, size_t *n)
{
    switch (layer) {
    case COV_DISTRICTS:
    case COV_PARKS:
    case COV_BUILDINGS:
        *n = 3;
        return plain_area_fields;
    case COV_STREETS:
        *n = 3;
        return street_fields;
    case COV_COMMUNITIES:
        *n = GEO_AREA_NFIELDS;
        return community_fields;
    case COV_ORGANIZATIONS:
        *n = GEO_ORG_NFIELDS;
        return org_fields;
    default:
        *n = 0;
        return NULL;
    }
}

int geo_alias_field_index(enum cov_layer layer, const char *name)
{
    size_t n;
    const struct geo_field_def *f = geo_alias_fields(layer, &n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].name, name))
            return (int)i;
    return -1;
}

/* ---- normalisation ---- */

enum { NAME_MAX_LEN = 256 };

/* Length of a space-like sequence at p: ASCII space/tab/CR/LF, U+3000, U+00A0; 0 if none. */
static size_t space_len(const unsigned char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\v' || *p == '\f')
        return 1;
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
        return 3;
    if (p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    return 0;
}

/* Trimmed span of s: start and length, BOM skipped. */
static const char *trim_span(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3;
    size_t k;
    while ((k = space_len(p)) > 0)
        p += k;
    size_t n = strlen((const char *)p);
    while (n > 0) {
        unsigned char c = p[n - 1];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
            n--;
        else if (n >= 3 && p[n - 3] == 0xE3 && p[n - 2] == 0x80 && p[n - 1] == 0x80)
            n -= 3;
        else if (n >= 2 && p[n - 2] == 0xC2 && p[n - 1] == 0xA0)
            n -= 2;
        else
            break;
    }
    *len = n;
    return (const char *)p;
}

/* Length of the UTF-8 sequence at p when it is a full-width ASCII character
 * (U+FF01..U+FF5E, *c set to its ASCII twin), else 0. */
static size_t fullwidth_len(const unsigned char *p, unsigned char *c)
{
    if (p[0] != 0xEF)
        return 0;
    if (p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) {
        *c = (unsigned char)(0x21 + (p[2] - 0x81));
        return 3;
    }
    if (p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E) {
        *c = (unsigned char)(0x60 + (p[2] - 0x80));
        return 3;
    }
    return 0;
}

size_t geo_halfwidth(const char *s, char *out, size_t out_len)
{
    if (!out_len)
        return 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t o = 0;
    while (*p && o + 1 < out_len) {
        unsigned char c;
        size_t k = fullwidth_len(p, &c);
        if (!k && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            c = ' ';
            k = 3;
        }
        if (k) {
            out[o++] = (char)c;
            p += k;
            continue;
        }
        out[o++] = (char)*p++;
    }
    out[o] = '\0';
    return o;
}

void geo_alias_normalize(const char *in, char *out, size_t out_len)
{
    if (!out_len)
        return;
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3;
    size_t o = 0;
    while (*p && o + 1 < out_len) {
        size_t k = space_len(p);
        if (k) {
            p += k;
            continue;
        }
        unsigned char c;
        if ((k = fullwidth_len(p, &c)) != 0)
            p += k;
        else
            c = *p++;
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    out[o] = '\0';
    /* A trailing unit in parentheses: 正式党员数(人), 资产(万元). */
    if (o > 2 && out[o - 1] == ')') {
        char *open = strrchr(out, '(');
        if (open && open > out && !strchr(open, ')')[1])
            *open = '\0';
    }
}

int geo_alias_header_score(enum cov_layer layer, const char *const *cells, size_t n, int *key)
{
    size_t nf;
    const struct geo_field_def *f = geo_alias_fields(layer, &nf);
    int score = 0;
    *key = 0;
    char(*norm)[NAME_MAX_LEN] = calloc(n ? n : 1, sizeof(*norm));
    if (!norm)
        return 0;
    for (size_t c = 0; c < n; c++)
        geo_alias_normalize(cells[c] ? cells[c] : "", norm[c], NAME_MAX_LEN);
    for (size_t i = 0; i < nf; i++) {
        int hit = 0;
        for (size_t a = 0; f[i].aliases[a] && !hit; a++) {
            char al[NAME_MAX_LEN];
            geo_alias_normalize(f[i].aliases[a], al, sizeof(al));
            for (size_t c = 0; c < n && !hit; c++)
                hit = norm[c][0] && !strcmp(norm[c], al);
        }
        if (!hit)
            continue;
        score++;
        if (layer == COV_ORGANIZATIONS ? (i == GEO_ORG_ID || i == GEO_ORG_NAME)
                                       : (i == GEO_AREA_CODE || i == GEO_AREA_NAME))
            *key = 1;
    }
    free(norm);
    return score;
}

const char *geo_escape(const char *s, char *out, size_t out_len)
{
    if (!out_len)
        return out;
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    for (; *p; p++) {
        char tmp[8];
        const char *piece = tmp;
        if (*p == '\n')
            piece = "\\n";
        else if (*p == '\r')
            piece = "\\r";
        else if (*p == '\t')
            piece = "\\t";
        else if (*p < 0x20 || *p == 0x7F)
            snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
        else if (*p < 0x80)
            tmp[0] = (char)*p, tmp[1] = '\0';
        else {
            /* a whole valid UTF-8 character, else the byte escaped */
            size_t k = *p >= 0xF0 && *p <= 0xF4  ? 4
                       : *p >= 0xE0 && *p < 0xF0 ? 3
                       : *p >= 0xC2 && *p < 0xE0 ? 2
                                                 : 0;
            size_t i = 1;
            while (k && i < k && (p[i] & 0xC0) == 0x80)
                i++;
            if (k && i == k) {
                memcpy(tmp, p, k);
                tmp[k] = '\0';
                p += k - 1;
            } else {
                snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
            }
        }
        size_t k = strlen(piece);
        if (o + k + 4 > out_len) {
            /* cut on a character boundary */
            while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
                o--;
            if (o > 0 && (unsigned char)out[o - 1] >= 0xC0)
                o--;
            if (o + 4 <= out_len)
                memcpy(out + o, "...", 3), o += 3;
            break;
        }
        memcpy(out + o, piece, k);
        o += k;
    }
    out[o] = '\0';
    return out;
}

int geo_text_ok(const char *s, const char **why)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned char c = *p;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                *why = N_("contains a control character");
                return 0;
            }
            p++;
            continue;
        }
        size_t k = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (!k || c > 0xF4) {
            *why = N_("is not valid UTF-8");
            return 0;
        }
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80) {
                *why = N_("is not valid UTF-8");
                return 0;
            }
        /* overlong 3/4-byte forms, surrogates, > U+10FFFF */
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) ||
            (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)) {
            *why = N_("is not valid UTF-8");
            return 0;
        }
        p += k;
    }
    return 1;
}

/* ---- mapping ---- */

/* Column index whose normalised name equals norm, or -1. */
static int find_col(char (*norm_cols)[NAME_MAX_LEN], size_t n_cols, const char *norm)
{
    for (size_t c = 0; c < n_cols; c++)
        if (!strcmp(norm_cols[c], norm))
            return (int)c;
    return -1;
}

/* Append "a, b, c" (the strings of list, n of them or NULL-terminated when n == SIZE_MAX). */
static void join(char *buf, size_t cap, const char *const *list, size_t n)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < n && list[i]; i++) {
        char esc[NAME_MAX_LEN];
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "",
                         geo_escape(list[i], esc, sizeof(esc)));
        if (w < 0 || (size_t)w >= cap - used) {
            buf[cap - 1] = '\0';
            return;
        }
        used += (size_t)w;
    }
}

static int is_credit_column(const char *norm)
{
    for (int i = 0; i < CREDIT_ALIASES; i++) {
        char a[NAME_MAX_LEN];
        geo_alias_normalize(a_org_id[i], a, sizeof(a));
        if (!strcmp(a, norm))
            return 1;
    }
    return strstr(norm, "信用代码") || strstr(norm, "credit") || strstr(norm, "uscc");
}

static void missing_column(const char *file, const struct geo_field_def *f,
                           const struct geo_field_def *also, const char *const *columns,
                           size_t n_cols, struct cov_err *err)
{
    char looked[1024] = "", present[2048] = "";
    join(looked, sizeof(looked), f->aliases, SIZE_MAX);
    if (also) {
        strncat(looked, ", ", sizeof(looked) - strlen(looked) - 1);
        join(looked, sizeof(looked), also->aliases, SIZE_MAX);
    }
    join(present, sizeof(present), columns, n_cols);
    if (also)
        cov_err_set(err, COV_EINPUT,
                    _("%s: required column for %s or %s not found (looked for: %s; columns "
                      "present: %s)"),
                    file, f->name, also->name, looked, n_cols ? present : "none");
    else
        cov_err_set(err, COV_EINPUT,
                    _("%s: required column for %s not found (looked for: %s; columns present: %s)"),
                    file, f->name, looked, n_cols ? present : "none");
}

int geo_alias_map(enum cov_layer layer, const char *const *columns, size_t n_cols,
                  const char *const *overrides, size_t n_overrides, unsigned flags,
                  const char *file, struct geo_field_map *map, struct cov_err *err)
{
    size_t nf;
    const struct geo_field_def *f = geo_alias_fields(layer, &nf);
    int rc = COV_OK;
    char(*norm)[NAME_MAX_LEN] = calloc(n_cols ? n_cols : 1, sizeof(*norm));
    if (!norm)
        return cov_err_set(err, COV_ENOMEM, _("%s: out of memory"), file);
    for (size_t c = 0; c < n_cols; c++)
        geo_alias_normalize(columns[c], norm[c], NAME_MAX_LEN);

    memset(map, 0, sizeof(*map));
    map->n = nf;
    for (size_t i = 0; i < GEO_MAX_FIELDS; i++)
        map->col[i] = -1;
    int overridden[GEO_MAX_FIELDS] = {0};

    for (size_t o = 0; o < n_overrides; o++) {
        const char *eq = strchr(overrides[o], '=');
        size_t klen = eq ? (size_t)(eq - overrides[o]) : strlen(overrides[o]);
        int fi = -1;
        for (size_t i = 0; i < nf; i++)
            if (strlen(f[i].name) == klen && !strncmp(f[i].name, overrides[o], klen))
                fi = (int)i;
        if (fi < 0 || !eq) {
            char names[512] = "";
            for (size_t i = 0; i < nf; i++) {
                strncat(names, i ? ", " : "", sizeof(names) - strlen(names) - 1);
                strncat(names, f[i].name, sizeof(names) - strlen(names) - 1);
            }
            rc = cov_err_set(
                err, COV_EUSAGE, _("%s: --field %s: unknown field '%.*s' (fields of %s: %s)"), file,
                overrides[o], (int)klen, overrides[o], cov_layer_name((int)layer), names);
            continue;
        }
        char want[NAME_MAX_LEN];
        geo_alias_normalize(eq + 1, want, sizeof(want));
        int c = find_col(norm, n_cols, want);
        if (c < 0) {
            char present[2048] = "";
            join(present, sizeof(present), columns, n_cols);
            rc = cov_err_set(err, COV_EUSAGE,
                             _("%s: --field %s: no column '%s' (columns present: %s)"), file,
                             overrides[o], eq + 1, n_cols ? present : "none");
            continue;
        }
        map->col[fi] = c;
        overridden[fi] = 1;
        if (layer == COV_ORGANIZATIONS && fi == GEO_ORG_ID)
            map->id_is_credit = is_credit_column(want);
    }

    for (size_t i = 0; i < nf; i++) {
        if (overridden[i])
            continue;
        for (size_t a = 0; f[i].aliases[a]; a++) {
            char al[NAME_MAX_LEN];
            geo_alias_normalize(f[i].aliases[a], al, sizeof(al));
            int c = find_col(norm, n_cols, al);
            if (c >= 0) {
                map->col[i] = c;
                if (layer == COV_ORGANIZATIONS && i == GEO_ORG_ID)
                    map->id_is_credit = a < CREDIT_ALIASES;
                break;
            }
        }
    }

    for (size_t i = 0; i < nf; i++) {
        if (map->col[i] >= 0)
            continue;
        int update_only =
            (flags & GEO_MAP_UPDATE) && !(layer == COV_ORGANIZATIONS && i == GEO_ORG_ID);
        if (update_only)
            continue;
        if (f[i].req == GEO_REQUIRED ||
            (f[i].req == GEO_REQUIRED_LONLAT && (flags & GEO_MAP_LONLAT))) {
            missing_column(file, &f[i], NULL, columns, n_cols, err);
            rc = COV_EINPUT;
        }
    }
    if (layer == COV_COMMUNITIES && map->col[GEO_AREA_UR_CODE] < 0 && map->col[GEO_AREA_TYPE] < 0) {
        missing_column(file, &f[GEO_AREA_UR_CODE], &f[GEO_AREA_TYPE], columns, n_cols, err);
        rc = COV_EINPUT;
    }
    free(norm);
    return rc;
}

/* ---- values ---- */

/* Copy the trimmed value into buf (full-width ASCII made ASCII, ASCII
 * lower-cased); returns its length or -1 if too long. */
static int trimmed_lower(const char *s, char *buf, size_t cap)
{
    size_t n;
    const char *p = trim_span(s ? s : "", &n);
    if (n + 1 > cap)
        return -1;
    char tmp[512];
    if (n + 1 > sizeof(tmp))
        return -1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    n = geo_halfwidth(tmp, buf, cap);
    /* trim again: an ideographic space became ASCII */
    size_t k;
    p = trim_span(buf, &k);
    memmove(buf, p, k);
    buf[k] = '\0';
    for (size_t i = 0; i < k; i++)
        buf[i] = (char)(buf[i] >= 'A' && buf[i] <= 'Z' ? buf[i] + ('a' - 'A') : buf[i]);
    (void)n;
    return (int)k;
}

static int in_list(const char *v, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(v, list[i]))
            return 1;
    return 0;
}

int geo_parse_yesno(const char *s, int *out)
{
    static const char *const yes[] = {"是", "有", "yes", "y", "true", "1", NULL};
    static const char *const no[] = {"否", "无", "no", "n", "false", "0", "", NULL};
    char v[64];
    if (trimmed_lower(s, v, sizeof(v)) < 0)
        return -1;
    if (in_list(v, yes)) {
        *out = 1;
        return 0;
    }
    if (in_list(v, no)) {
        *out = 0;
        return 0;
    }
    return -1;
}

int geo_parse_party(const char *s, enum cov_party *out)
{
    static const struct {
        const char *word;
        enum cov_party p;
        int prefix; /* Chinese type words also match as the start of a longer value */
    } words[] = {
        {"", COV_PARTY_NONE, 0},
        {"无", COV_PARTY_NONE, 0},
        {"未建", COV_PARTY_NONE, 0},
        {"没有", COV_PARTY_NONE, 0},
        {"空", COV_PARTY_NONE, 0},
        {"none", COV_PARTY_NONE, 0},
        {"单独", COV_PARTY_STANDALONE, 1},
        {"独立", COV_PARTY_STANDALONE, 1},
        {"standalone", COV_PARTY_STANDALONE, 0},
        {"联合", COV_PARTY_JOINT, 1},
        {"joint", COV_PARTY_JOINT, 0},
        {"区域", COV_PARTY_REGIONAL, 1},
        {"regional", COV_PARTY_REGIONAL, 0},
        {"行业", COV_PARTY_INDUSTRY, 1},
        {"industry", COV_PARTY_INDUSTRY, 0},
        {"功能", COV_PARTY_FUNCTIONAL, 1},
        {"functional", COV_PARTY_FUNCTIONAL, 0},
    };
    char v[256];
    if (trimmed_lower(s, v, sizeof(v)) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t wl = strlen(words[i].word);
        if (!strcmp(v, words[i].word) || (words[i].prefix && !strncmp(v, words[i].word, wl))) {
            *out = words[i].p;
            return 0;
        }
    }
    return -1;
}

int geo_parse_ur(const char *s, enum cov_ur *out)
{
    static const char *const urban[] = {"城市",   "城镇", "城区",       "镇区", "urban",
                                        "居委会", "社区", "社区居委会", NULL};
    static const char *const rural[] = {"农村",       "乡村", "rural", "村委会",
                                        "村民委员会", "村",   NULL};
    char v[64];
    if (trimmed_lower(s, v, sizeof(v)) <= 0)
        return -1;
    if (in_list(v, urban)) {
        *out = COV_UR_URBAN;
        return 0;
    }
    if (in_list(v, rural)) {
        *out = COV_UR_RURAL;
        return 0;
    }
    return -1;
}

int geo_parse_urcode(const char *s, enum cov_ur *out, int *code)
{
    char v[16];
    if (trimmed_lower(s, v, sizeof(v)) != 3)
        return -1;
    for (int i = 0; i < 3; i++)
        if (v[i] < '0' || v[i] > '9')
            return -1;
    if (v[0] != '1' && v[0] != '2')
        return -1;
    *out = v[0] == '1' ? COV_UR_URBAN : COV_UR_RURAL;
    *code = atoi(v);
    return 0;
}

enum geo_count_status geo_parse_count(const char *s, int *out)
{
    char v[64];
    int n = trimmed_lower(s, v, sizeof(v));
    if (n == 0)
        return GEO_COUNT_EMPTY;
    if (n < 0)
        return GEO_COUNT_NOT_NUMBER;
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end != '\0' || !isfinite(d))
        return GEO_COUNT_NOT_NUMBER;
    if (d < 0)
        return GEO_COUNT_NEGATIVE;
    if (d != floor(d))
        return GEO_COUNT_NOT_INTEGER;
    if (d > INT_MAX)
        return GEO_COUNT_TOO_LARGE;
    *out = (int)d;
    return GEO_COUNT_OK;
}

/* Unit marker at p: 0 degrees, 1 minutes, 2 seconds, -1 none; *len its bytes. */
static int dms_marker(const char *p, size_t *len)
{
    static const struct {
        const char *m;
        int slot;
    } marks[] = {
        {"\xC2\xB0", 0}, {"\xC2\xBA", 0}, {"度", 0},           {"''", 2}, {"\xE2\x80\xB2", 1},
        {"'", 1},        {"分", 1},       {"\xE2\x80\xB3", 2}, {"\"", 2}, {"秒", 2},
    };
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        size_t k = strlen(marks[i].m);
        if (!strncmp(p, marks[i].m, k)) {
            *len = k;
            return marks[i].slot;
        }
    }
    return -1;
}

/*
 * The common case of geo_parse_coord: a plain decimal, [+-]digits[.digits],
 * with ASCII spaces around, in at most 15 significant digits and 22 decimals.
 * The digits as an integer (exact in a double below 2^53) divided by an exact
 * power of ten is one correctly rounded operation, so the value is strtod's,
 * bit for bit, at a fraction of its cost (10^6 rows have 2x10^6 of these).
 * 1 when handled, 0 to take the general path.
 */
static int plain_decimal(const char *s, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    while (*s == ' ')
        s++;
    int neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    uint64_t m = 0;
    int digits = 0, frac = -1;
    for (;; s++) {
        if (*s >= '0' && *s <= '9') {
            if (m >= 100000000000000ull) /* a 16th significant digit: general path */
                return 0;
            m = m * 10 + (uint64_t)(*s - '0');
            digits++;
            frac += frac >= 0;
        } else if (*s == '.' && frac < 0) {
            frac = 0;
        } else {
            break;
        }
    }
    while (*s == ' ')
        s++;
    if (*s || !digits || frac > 22)
        return 0;
    double d = (double)m / p10[frac > 0 ? frac : 0];
    *out = (neg ? -d : d) + 0.0; /* -0 is 0, as on the general path */
    return 1;
}

int geo_parse_coord(const char *s, double *out)
{
    if (s && plain_decimal(s, out))
        return 0;
    char v[128];
    int n = trimmed_lower(s, v, sizeof(v));
    if (n == 0)
        return -1;
    if (n < 0)
        return -2;
    /* Hemisphere letter before or after: n/e positive, s/w negative. */
    double sign = 1;
    char *p = v, *end = v + n;
    if (*p == 'n' || *p == 'e' || *p == 's' || *p == 'w') {
        sign = *p == 's' || *p == 'w' ? -1 : 1;
        p++;
    } else if (end[-1] == 'n' || end[-1] == 'e' || end[-1] == 's' || end[-1] == 'w') {
        sign = end[-1] == 's' || end[-1] == 'w' ? -1 : 1;
        *--end = '\0';
    }
    while (*p == ' ')
        p++;
    double part[3] = {0, 0, 0};
    int filled = 0, markers = 0, next = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (next > 2)
            return -2;
        char *e;
        if (!(isdigit((unsigned char)*p) || *p == '.' || (next == 0 && (*p == '-' || *p == '+'))))
            return -2;
        double d = strtod(p, &e);
        if (e == p)
            return -2;
        p = e;
        while (*p == ' ')
            p++;
        size_t ml;
        int slot = dms_marker(p, &ml);
        if (slot >= 0) {
            if (slot < next)
                return -2;
            next = slot;
            p += ml;
            markers++;
        }
        part[next] = d;
        filled |= 1 << next;
        next++;
    }
    if (!filled)
        return -2;
    if (filled != 1 && !markers)
        return -2; /* "119 09 41": ambiguous without a marker */
    if (filled != 1) {
        if (part[0] < 0 || part[1] < 0 || part[1] >= 60 || part[2] < 0 || part[2] >= 60)
            return -2;
        if (part[0] != floor(part[0]) && (filled & 6))
            return -2;
    }
    double d = part[0] + part[1] / 60.0 + part[2] / 3600.0;
    if (part[0] < 0)
        d = part[0] - part[1] / 60.0 - part[2] / 3600.0;
    if (!isfinite(d))
        return -3;
    *out = sign * d;
    return 0;
}
