/* place.c - place organizations without coordinates by the area names and codes of their row. */
#include "place.h"

#include "labels.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geos.h"

/* ------------------------------------------------------------------ names */

static const char *const placed_names[COV_PLACED_COUNT] = {"none", "district", "street",
                                                           "community", "point"};
static const char *const source_names[COV_SRC_COUNT] = {
    "none", "coordinates", "community column", "street column", "address", "credit code"};

const char *cov_placed_name(enum cov_placed p)
{
    return (unsigned)p < COV_PLACED_COUNT ? placed_names[p] : "unknown";
}

const char *cov_placed_name_zh(enum cov_placed p)
{
    return (unsigned)p < COV_PLACED_COUNT ? cov_label_placed(p, COV_LANG_ZH) : "未知";
}

const char *cov_source_name(enum cov_source s)
{
    return (unsigned)s < COV_SRC_COUNT ? source_names[s] : "unknown";
}

const char *cov_source_name_zh(enum cov_source s)
{
    return (unsigned)s < COV_SRC_COUNT ? cov_label_source(s, COV_LANG_ZH) : "未知";
}

int cov_placed_find(const char *name)
{
    for (int i = 0; name && i < COV_PLACED_COUNT; i++)
        if (!strcmp(name, placed_names[i]))
            return i;
    return -1;
}

/* ---------------------------------------------------------- UTF-8 and text */

/* Length of the valid UTF-8 sequence at p (avail bytes readable), 0 if invalid. */
static int u8_seq(const unsigned char *p, size_t avail, uint32_t *cp)
{
    if (avail == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)n > avail)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static int is_space_cp(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/*
 * Normalise n bytes of s into out (room for n + 1 bytes: the result is never
 * longer): whitespace removed, full-width ASCII made half-width, invalid
 * UTF-8 and control characters replaced by '?'. The result is valid UTF-8,
 * NUL-terminated; returns its length.
 */
static size_t norm_text(const char *s, size_t n, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c > 0x20 && c < 0x7F) { /* printable ASCII: as is */
            out[o++] = (char)c;
            i++;
            continue;
        }
        if (c >= 0xE1 && c <= 0xEC && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
            (p[i + 2] & 0xC0) == 0x80 && !(c == 0xE1 && p[i + 1] == 0x9A && p[i + 2] == 0x80)) {
            /* U+1000..U+CFFF (CJK): valid, no space but U+1680, no full-width */
            memcpy(out + o, p + i, 3);
            o += 3;
            i += 3;
            continue;
        }
        uint32_t cp = 0;
        int l = u8_seq(p + i, n - i, &cp);
        if (l == 0) {
            out[o++] = '?';
            i++;
            continue;
        }
        if (is_space_cp(cp)) {
            /* dropped */
        } else if (cp < 0x20 || cp == 0x7F) {
            out[o++] = '?';
        } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
            out[o++] = (char)(cp - 0xFEE0);
        } else {
            memcpy(out + o, p + i, (size_t)l);
            o += (size_t)l;
        }
        i += (size_t)l;
    }
    out[o] = '\0';
    return o;
}

/* Bytes of the code point at s, 0 at the end. Only for text that norm_text
 * made (valid UTF-8): the lead byte tells the length. */
static inline size_t cp_len(const char *s, size_t avail)
{
    unsigned c = (unsigned char)s[0];
    size_t l = c < 0x80 ? 1 : c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return l < avail ? l : avail;
}

static size_t cp_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; k++)
        i += cp_len(s + i, n - i);
    return k;
}

/* The first two code points of s as a key (their bytes, packed); 0 when s
 * has fewer than two. Keys of valid UTF-8 are never 0 and never collide. */
static uint64_t key_at(const char *s, size_t avail)
{
    size_t a = cp_len(s, avail);
    if (a == 0 || a >= avail)
        return 0;
    size_t b = cp_len(s + a, avail - a);
    if (b == 0)
        return 0;
    uint64_t k = 0;
    for (size_t i = 0; i < a + b; i++)
        k |= (uint64_t)(unsigned char)s[i] << (8 * i);
    return k;
}

static int ends_with(const char *s, size_t n, const char *suf, size_t *sl)
{
    size_t l = strlen(suf);
    *sl = l;
    return n >= l && memcmp(s + n - l, suf, l) == 0;
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* ------------------------------------------------------------ name forms */

/*
 * Suffix classes. A name is split into a stem and a suffix; text matches when
 * it holds the stem followed by any suffix of the stem's class. EXACT and
 * BARE records are complete forms (BARE: a name without a known suffix,
 * rejected when a road word follows).
 */
enum cls {
    CLS_EXACT,
    CLS_BARE,
    CLS_DIST,     /* name ended in 区 or 县, or had no suffix */
    CLS_DIST_SHI, /* name ended in 市 */
    CLS_STREET,
    CLS_TOWN,
    CLS_TOWNSHIP,
    CLS_STREET_ANY, /* street name without suffix */
    CLS_URBAN,
    CLS_RURAL,
    CLS_COMM_ANY, /* community name without suffix, urban/rural unknown */
    CLS_COUNT
};

struct suf {
    const char *s;
    size_t len;
};
#define S(x)                                                                                       \
    {                                                                                              \
        x, sizeof(x) - 1                                                                           \
    }
static const struct suf SUF_DIST[] = {S("区"), S("县"), S("市"), {NULL, 0}};
static const struct suf SUF_STREET[] = {S("街道办事处"), S("街道办"), S("街道"),
                                        S("办事处"),     S("街办"),   {NULL, 0}};
static const struct suf SUF_TOWN[] = {S("镇人民政府"), S("镇政府"), S("镇"), {NULL, 0}};
static const struct suf SUF_TOWNSHIP[] = {S("乡人民政府"), S("乡政府"), S("乡"), {NULL, 0}};
static const struct suf SUF_URBAN[] = {S("社区居民委员会"), S("社区居委会"), S("居民委员会"),
                                       S("居委会"),         S("社区"),       {NULL, 0}};
static const struct suf SUF_RURAL[] = {S("村民委员会"), S("村委会"), S("村"), {NULL, 0}};
static const struct suf SUF_NONE[] = {{NULL, 0}};
#undef S

/* The suffix lists a class matches with (up to three lists). */
static void cls_lists(enum cls c, const struct suf *l[3])
{
    l[0] = l[1] = l[2] = SUF_NONE;
    switch (c) {
    case CLS_DIST:
    case CLS_DIST_SHI:
        l[0] = SUF_DIST;
        break;
    case CLS_STREET:
        l[0] = SUF_STREET;
        break;
    case CLS_TOWN:
        l[0] = SUF_TOWN;
        break;
    case CLS_TOWNSHIP:
        l[0] = SUF_TOWNSHIP;
        break;
    case CLS_STREET_ANY:
        l[0] = SUF_STREET, l[1] = SUF_TOWN, l[2] = SUF_TOWNSHIP;
        break;
    case CLS_URBAN:
        l[0] = SUF_URBAN;
        break;
    case CLS_RURAL:
        l[0] = SUF_RURAL;
        break;
    case CLS_COMM_ANY:
        l[0] = SUF_URBAN, l[1] = SUF_RURAL;
        break;
    default:
        break;
    }
}

/* Does a road word start at s (路 街 巷 弄 大道 大街)? 街道 is not a road. */
static int road_follows(const char *s, size_t avail)
{
    static const char *const roads[] = {"路", "巷", "弄", "大道", "大街", NULL};
    for (int i = 0; roads[i]; i++) {
        size_t l = strlen(roads[i]);
        if (avail >= l && !memcmp(s, roads[i], l))
            return 1;
    }
    return avail >= 3 && !memcmp(s, "街", 3) && !(avail >= 6 && !memcmp(s + 3, "道", 3));
}

/* ------------------------------------------------------------ gazetteer */

enum { NLEV = 3 }; /* COV_DISTRICTS, COV_STREETS, COV_COMMUNITIES */

struct ref {
    int32_t d, s, idx; /* district, street (or -1) and the area itself; sorted */
};

struct stem {
    uint64_t key;
    uint32_t off, ref0, nref;
    uint16_t len;
    uint8_t level, cls;
};

struct slot {
    uint64_t key;  /* 0: empty */
    uint64_t lens; /* bit k: some stem of this key has k characters */
    uint32_t first, count;
};

enum { MAX_STEM_CPS = 63 };

struct code_ent {
    uint32_t off;
    int32_t idx; /* -1: empty */
    uint16_t len;
};

struct codemap {
    struct code_ent *e;
    size_t cap; /* power of two */
};

struct cov_gazetteer {
    const struct cov_model *m;
    int32_t *street_district;  /* per street: district index or -1 */
    int32_t *community_street; /* per community: street index or -1 */
    char *text;                /* stems and codes, normalised */
    size_t text_len, text_cap;
    struct stem *stems;
    size_t n_stems;
    struct ref *refs;
    size_t n_refs;
    struct slot *slots;
    size_t n_slots; /* power of two */
    struct codemap codes[NLEV];
};

/* Append n bytes to g->text; offset, or -1 on out of memory / too large. */
static long text_add(struct cov_gazetteer *g, const char *s, size_t n)
{
    if (g->text_len + n + 1 > g->text_cap) {
        size_t cap = g->text_cap ? g->text_cap : 1 << 16;
        while (cap < g->text_len + n + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            return -1;
        char *t = realloc(g->text, cap);
        if (!t)
            return -1;
        g->text = t;
        g->text_cap = cap;
    }
    long off = (long)g->text_len;
    memcpy(g->text + g->text_len, s, n);
    g->text_len += n;
    g->text[g->text_len] = '\0';
    return off;
}

static int32_t code_get(const struct cov_gazetteer *g, int lev, const char *s, size_t n)
{
    const struct codemap *cm = &g->codes[lev];
    if (!cm->cap || n == 0 || n > UINT16_MAX)
        return -1;
    size_t mask = cm->cap - 1;
    for (size_t i = cov_hash_bytes(s, n) & mask;; i = (i + 1) & mask) {
        const struct code_ent *e = &cm->e[i];
        if (e->idx < 0)
            return -1;
        if (e->len == n && !memcmp(g->text + e->off, s, n))
            return e->idx;
    }
}

/* Insert (s, n) -> idx unless the key is there already. 0 or -1 (memory). */
static int code_put(struct cov_gazetteer *g, int lev, const char *s, size_t n, int32_t idx)
{
    struct codemap *cm = &g->codes[lev];
    if (n == 0 || n > UINT16_MAX || code_get(g, lev, s, n) >= 0)
        return 0;
    long off = text_add(g, s, n);
    if (off < 0)
        return -1;
    size_t mask = cm->cap - 1;
    size_t i = cov_hash_bytes(s, n) & mask;
    while (cm->e[i].idx >= 0)
        i = (i + 1) & mask;
    cm->e[i].off = (uint32_t)off;
    cm->e[i].len = (uint16_t)n;
    cm->e[i].idx = idx;
    return 0;
}

/* Normalised copy of s (NULL -> ""), heap; *n its length. NULL on out of memory. */
static char *norm_dup(const char *s, size_t *n)
{
    size_t l = s ? strlen(s) : 0;
    char *o = malloc(l + 1);
    if (!o)
        return NULL;
    *n = norm_text(s ? s : "", l, o);
    return o;
}

/* Code maps of levels [0, levels): exact codes first, then the digit
 * prefixes (6 for districts, 9 for streets) where no exact code claims them. */
static int build_codes(struct cov_gazetteer *g, int levels)
{
    const struct cov_model *m = g->m;
    for (int lev = 0; lev < levels; lev++) {
        size_t n = m->n_areas[lev];
        size_t cap = 16;
        while (cap < 4 * n + 16)
            cap *= 2;
        g->codes[lev].e = malloc(cap * sizeof(struct code_ent));
        if (!g->codes[lev].e)
            return -1;
        g->codes[lev].cap = cap;
        for (size_t i = 0; i < cap; i++)
            g->codes[lev].e[i].idx = -1;
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < n; i++) {
                size_t l;
                char *c = norm_dup(m->areas[lev][i].code, &l);
                if (!c)
                    return -1;
                int rc = 0;
                if (pass == 0) {
                    rc = code_put(g, lev, c, l, (int32_t)i);
                } else if (all_digits(c, l)) {
                    if (lev == COV_DISTRICTS && (l == 9 || l == 12))
                        rc = code_put(g, lev, c, 6, (int32_t)i);
                    else if (lev == COV_STREETS && l == 12 && !memcmp(c + 9, "000", 3))
                        rc = code_put(g, lev, c, 9, (int32_t)i);
                }
                free(c);
                if (rc)
                    return -1;
            }
        }
    }
    return 0;
}

/* Index of the parent (level lev - 1) of an area from its parent code or,
 * failing that, its own code's digit prefix. */
static int32_t find_parent(const struct cov_gazetteer *g, int lev, const struct cov_area *a)
{
    size_t plen = lev == COV_STREETS ? 6 : 9;
    int32_t r = -1;
    size_t l;
    char *p = norm_dup(a->parent, &l);
    if (!p)
        return -2;
    if (l) {
        r = code_get(g, lev - 1, p, l);
        if (r < 0 && all_digits(p, l) && l > plen)
            r = code_get(g, lev - 1, p, plen);
    } else {
        free(p);
        p = norm_dup(a->code, &l);
        if (!p)
            return -2;
        if (all_digits(p, l) && (l == 9 || l == 12) && l > plen)
            r = code_get(g, lev - 1, p, plen);
    }
    free(p);
    return r;
}

/* One name form of one area, before grouping into stems. */
struct raw {
    const char *p; /* into g->text, set after all text is in */
    uint32_t off;
    uint16_t len;
    uint8_t level, cls;
    int32_t d, s, idx;
};

struct raws {
    struct raw *v;
    size_t n, cap;
};

static int raw_add(struct cov_gazetteer *g, struct raws *r, const char *s, size_t n, int level,
                   enum cls c, int32_t d, int32_t st, int32_t idx)
{
    size_t cps = cp_count(s, n);
    if (n == 0 || n > UINT16_MAX || cps < 2 || cps > MAX_STEM_CPS)
        return 0; /* too short to key, or absurdly long */
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        struct raw *v = realloc(r->v, cap * sizeof(*v));
        if (!v)
            return -1;
        r->v = v;
        r->cap = cap;
    }
    long off = text_add(g, s, n);
    if (off < 0)
        return -1;
    struct raw *x = &r->v[r->n++];
    x->p = NULL;
    x->off = (uint32_t)off;
    x->len = (uint16_t)n;
    x->level = (uint8_t)level;
    x->cls = (uint8_t)c;
    x->d = d;
    x->s = st;
    x->idx = idx;
    return 0;
}

/*
 * 1 when a name without a known suffix ends in a word that makes it complete:
 * farms, forest farms, development and management zones, living quarters.
 */
static int type_word_end(const char *name, size_t n)
{
    static const char *const words[] = {"农场", "林场",   "牧场",   "渔场", "盐场",   "茶场",
                                        "果园", "开发区", "管理区", "园区", "生活区", "工业区",
                                        "新区", "度假区", "港区",   "场部", NULL};
    for (int i = 0; words[i]; i++) {
        size_t l = strlen(words[i]);
        if (n > l && !memcmp(name + n - l, words[i], l))
            return 1;
    }
    return 0;
}

/* Strip the longest suffix of list from name (n bytes); the suffix length, or 0. */
static size_t strip(const char *name, size_t n, const struct suf *list)
{
    size_t best = 0;
    for (int i = 0; list[i].s; i++) {
        size_t l = list[i].len;
        if (l < n && l > best && !memcmp(name + n - l, list[i].s, l))
            best = l;
    }
    return best;
}

/*
 * Split a normalised name (n bytes) of an area of level lev into stem and
 * suffix: the class of its suffix (CLS_BARE when it has none) and the
 * suffix's length in *sl.
 */
static enum cls name_split(int lev, const char *name, size_t n, size_t *sl)
{
    enum cls c = CLS_BARE;
    *sl = 0;
    if (lev == COV_DISTRICTS) {
        size_t l;
        if ((*sl = strip(name, n, SUF_DIST)) != 0)
            c = ends_with(name, n, "市", &l) ? CLS_DIST_SHI : CLS_DIST;
    } else if (lev == COV_STREETS) {
        if ((*sl = strip(name, n, SUF_STREET)) != 0)
            c = CLS_STREET;
        else if ((*sl = strip(name, n, SUF_TOWN)) != 0)
            c = CLS_TOWN;
        else if ((*sl = strip(name, n, SUF_TOWNSHIP)) != 0)
            c = CLS_TOWNSHIP;
    } else {
        if ((*sl = strip(name, n, SUF_URBAN)) != 0) {
            c = CLS_URBAN;
        } else if ((*sl = strip(name, n, SUF_RURAL)) != 0) {
            size_t l;
            c = CLS_RURAL;
            /* 王庄村村委会: the village is 王庄 */
            if (ends_with(name, n - *sl, "村", &l) && cp_count(name, n - *sl - l) >= 2)
                *sl += l;
        }
    }
    return c;
}

/*
 * The name forms of one area: a stem record of its class, or complete forms
 * for one-character stems (whose short forms would be common words).
 */
static int add_forms(struct cov_gazetteer *g, struct raws *r, int lev, const struct cov_area *a,
                     int32_t d, int32_t st, int32_t idx)
{
    size_t n;
    char *name = norm_dup(a->name, &n);
    if (!name)
        return -1;
    int rc = 0;
    size_t sl;
    enum cls c = name_split(lev, name, n, &sl);
    size_t stem = n - sl;
    size_t stem_cps = cp_count(name, stem);
    if (c == CLS_BARE && type_word_end(name, n)) {
        /* 东辛农场, 包庄管理区生活区: the name is complete as it stands; a stem
         * form would let 东辛农场镇 swallow the 镇 of a community after it. */
        rc = raw_add(g, r, name, n, lev, CLS_BARE, d, st, idx);
        free(name);
        return rc;
    }
    if (c == CLS_BARE) {
        /* no suffix: whole name (guarded), plus the stem forms of its level */
        enum cls sc = lev == COV_DISTRICTS    ? CLS_DIST
                      : lev == COV_STREETS    ? CLS_STREET_ANY
                      : a->ur == COV_UR_URBAN ? CLS_URBAN
                      : a->ur == COV_UR_RURAL ? CLS_RURAL
                                              : CLS_COMM_ANY;
        /* a bare community of known kind is only a stem: 王庄村 must not find an urban 王庄 */
        if (lev != COV_COMMUNITIES || sc == CLS_COMM_ANY)
            rc = raw_add(g, r, name, n, lev, CLS_BARE, d, st, idx);
        if (!rc && stem_cps >= 2)
            rc = raw_add(g, r, name, n, lev, sc, d, st, idx);
        c = sc;
    } else if (stem_cps >= 2) {
        rc = raw_add(g, r, name, stem, lev, c, d, st, idx);
    } else if (lev == COV_DISTRICTS) {
        rc = raw_add(g, r, name, n, lev, CLS_EXACT, d, st, idx);
    }
    if (c != CLS_BARE && stem_cps == 1 && lev != COV_DISTRICTS) {
        /* one-character stem: each complete form */
        const struct suf *lists[3];
        cls_lists(c, lists);
        char buf[64];
        for (int k = 0; k < 3 && !rc; k++)
            for (int i = 0; lists[k][i].s && !rc; i++) {
                size_t l = lists[k][i].len;
                if (stem + l > sizeof(buf))
                    continue;
                memcpy(buf, name, stem);
                memcpy(buf + stem, lists[k][i].s, l);
                rc = raw_add(g, r, buf, stem + l, lev, CLS_EXACT, d, st, idx);
            }
    }
    free(name);
    return rc;
}

static int cmp_i32(int32_t a, int32_t b)
{
    return a < b ? -1 : a > b;
}

/* Stems in byte order (so that stems sharing their first two characters are
 * adjacent), then class and level; areas by district, street, index. */
static int cmp_raw(const void *pa, const void *pb)
{
    const struct raw *a = pa, *b = pb;
    size_t l = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, l);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if ((c = cmp_i32(a->d, b->d)) || (c = cmp_i32(a->s, b->s)))
        return c;
    return cmp_i32(a->idx, b->idx);
}

static int build_names(struct cov_gazetteer *g)
{
    const struct cov_model *m = g->m;
    struct raws r = {NULL, 0, 0};
    int rc = -1;
    for (int lev = 0; lev < NLEV; lev++)
        for (size_t i = 0; i < m->n_areas[lev]; i++) {
            int32_t d = -1, s = -1;
            if (lev == COV_DISTRICTS) {
                d = (int32_t)i;
            } else if (lev == COV_STREETS) {
                s = (int32_t)i;
                d = g->street_district[i];
            } else {
                s = g->community_street[i];
                d = s >= 0 ? g->street_district[s] : -1;
            }
            if (m->areas[lev][i].name && add_forms(g, &r, lev, &m->areas[lev][i], d, s, (int32_t)i))
                goto cleanup;
        }
    for (size_t i = 0; i < r.n; i++)
        r.v[i].p = g->text + r.v[i].off;
    if (r.n)
        qsort(r.v, r.n, sizeof(*r.v), cmp_raw);

    g->refs = malloc((r.n + 1) * sizeof(*g->refs));
    g->stems = malloc((r.n + 1) * sizeof(*g->stems));
    if (!g->refs || !g->stems)
        goto cleanup;
    size_t n_keys = 0;
    uint64_t last_key = 0;
    for (size_t i = 0; i < r.n; i++) {
        const struct raw *x = &r.v[i];
        g->refs[i] = (struct ref){x->d, x->s, x->idx};
        struct stem *st = g->n_stems ? &g->stems[g->n_stems - 1] : NULL;
        if (!st || st->len != x->len || st->cls != x->cls || st->level != x->level ||
            memcmp(g->text + st->off, x->p, x->len)) {
            st = &g->stems[g->n_stems++];
            st->key = key_at(x->p, x->len);
            st->off = x->off;
            st->len = x->len;
            st->level = x->level;
            st->cls = x->cls;
            st->ref0 = (uint32_t)i;
            st->nref = 0;
            if (st->key != last_key)
                n_keys++;
            last_key = st->key;
        }
        st->nref++;
    }
    g->n_refs = r.n;

    g->n_slots = 16;
    while (g->n_slots < 2 * n_keys + 16)
        g->n_slots *= 2;
    g->slots = calloc(g->n_slots, sizeof(*g->slots));
    if (!g->slots)
        goto cleanup;
    for (size_t i = 0; i < g->n_stems;) {
        size_t j = i;
        uint64_t lens = 0;
        while (j < g->n_stems && g->stems[j].key == g->stems[i].key) {
            lens |= (uint64_t)1 << cp_count(g->text + g->stems[j].off, g->stems[j].len);
            j++;
        }
        size_t mask = g->n_slots - 1;
        size_t h = (size_t)((g->stems[i].key * 0x9E3779B97F4A7C15ull) >> 17) & mask;
        while (g->slots[h].key)
            h = (h + 1) & mask;
        g->slots[h] = (struct slot){g->stems[i].key, lens, (uint32_t)i, (uint32_t)(j - i)};
        i = j;
    }
    rc = 0;
cleanup:
    free(r.v);
    return rc;
}

static struct cov_gazetteer *gazetteer_build(const struct cov_model *m, int names)
{
    if (!m)
        return NULL;
    for (int lev = 0; lev < NLEV; lev++)
        if (m->n_areas[lev] > INT32_MAX)
            return NULL;
    struct cov_gazetteer *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->m = m;
    size_t ns = m->n_areas[COV_STREETS], nc = m->n_areas[COV_COMMUNITIES];
    g->street_district = malloc((ns + 1) * sizeof(int32_t));
    g->community_street = malloc((nc + 1) * sizeof(int32_t));
    /* The hierarchy needs the codes of parents only: not the communities' map,
     * most of the work at national size (6x10^5 codes). */
    if (!g->street_district || !g->community_street ||
        build_codes(g, names ? NLEV : COV_COMMUNITIES))
        goto fail;
    for (size_t i = 0; i < ns; i++)
        if ((g->street_district[i] = find_parent(g, COV_STREETS, &m->areas[COV_STREETS][i])) < -1)
            goto fail;
    for (size_t i = 0; i < nc; i++)
        if ((g->community_street[i] =
                 find_parent(g, COV_COMMUNITIES, &m->areas[COV_COMMUNITIES][i])) < -1)
            goto fail;
    if (names && build_names(g))
        goto fail;
    return g;
fail:
    cov_gazetteer_free(g);
    return NULL;
}

struct cov_gazetteer *cov_gazetteer_new(const struct cov_model *m)
{
    return gazetteer_build(m, 1);
}

struct cov_gazetteer *cov_gazetteer_new_hierarchy(const struct cov_model *m)
{
    return gazetteer_build(m, 0);
}

void cov_gazetteer_free(struct cov_gazetteer *g)
{
    if (!g)
        return;
    free(g->street_district);
    free(g->community_street);
    free(g->text);
    free(g->stems);
    free(g->refs);
    free(g->slots);
    for (int i = 0; i < NLEV; i++)
        free(g->codes[i].e);
    free(g);
}

static int32_t dist_of_street(const struct cov_gazetteer *g, int32_t s)
{
    return s >= 0 ? g->street_district[s] : -1;
}

static int32_t street_of(const struct cov_gazetteer *g, int32_t c)
{
    return c >= 0 ? g->community_street[c] : -1;
}

/* District and street of area idx of level lev. */
static void ancestors(const struct cov_gazetteer *g, int lev, int32_t idx, int32_t *d, int32_t *s)
{
    *s = lev == COV_STREETS ? idx : lev == COV_COMMUNITIES ? street_of(g, idx) : -1;
    *d = lev == COV_DISTRICTS ? idx : dist_of_street(g, *s);
}

void cov_gazetteer_ancestors(const struct cov_gazetteer *g, enum cov_layer layer, int32_t idx,
                             int32_t *district, int32_t *street)
{
    if (layer > COV_COMMUNITIES || idx < 0 ||
        (size_t)idx >= g->m->n_areas[layer]) { /* unsigned: also catches a negative layer */
        *district = *street = -1;
        return;
    }
    ancestors(g, (int)layer, idx, district, street);
}

/* ---------------------------------------------------- names, one by one */

/* The class the stem of an area's normalised name matches with (see
 * add_forms): its suffix's; for a name without one, its level's (a
 * community's from ur); CLS_BARE for a name complete as it stands (农场). */
static enum cls area_stem_class(int lev, const char *name, size_t n, enum cov_ur ur, size_t *sl)
{
    enum cls c = name_split(lev, name, n, sl);
    if (c != CLS_BARE)
        return c;
    if (type_word_end(name, n))
        return CLS_BARE;
    return lev == COV_DISTRICTS ? CLS_DIST
           : lev == COV_STREETS ? CLS_STREET_ANY
           : ur == COV_UR_URBAN ? CLS_URBAN
           : ur == COV_UR_RURAL ? CLS_RURAL
                                : CLS_COMM_ANY;
}

/* Do an area's stem class and a text's suffix class (CLS_BARE: none) agree? */
static int cls_agree(int lev, enum cls area, enum cls text)
{
    if (area == CLS_BARE)
        return 0; /* complete names match whole only */
    if (text == CLS_BARE || lev == COV_DISTRICTS || area == text)
        return 1;
    if (area == CLS_STREET_ANY)
        return text == CLS_STREET || text == CLS_TOWN || text == CLS_TOWNSHIP;
    if (area == CLS_COMM_ANY)
        return text == CLS_URBAN || text == CLS_RURAL;
    return 0;
}

int cov_place_name_match(enum cov_layer layer, const char *area_name, enum cov_ur ur,
                         const char *text)
{
    if (layer > COV_COMMUNITIES || !area_name || !text)
        return 0;
    size_t na, nt;
    char *a = norm_dup(area_name, &na), *t = norm_dup(text, &nt);
    int r = -1;
    if (!a || !t)
        goto cleanup;
    r = 0;
    if (!nt || !na)
        goto cleanup;
    if (na == nt && !memcmp(a, t, na)) {
        r = 2;
        goto cleanup;
    }
    size_t sla, slt;
    enum cls ca = area_stem_class((int)layer, a, na, ur, &sla);
    enum cls ct = name_split((int)layer, t, nt, &slt);
    if (na - sla == nt - slt && na > sla && !memcmp(a, t, na - sla) &&
        cls_agree((int)layer, ca, ct))
        r = 1;
cleanup:
    free(a);
    free(t);
    return r;
}

size_t cov_place_name_stem(enum cov_layer layer, const char *name, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = 0;
    size_t n, sl = 0;
    char *s = norm_dup(name, &n);
    if (!s)
        return 0;
    if (layer <= COV_COMMUNITIES)
        name_split((int)layer, s, n, &sl);
    size_t k = n - sl, o = 0;
    for (size_t i = 0; i < k;) { /* whole code points that fit */
        size_t l = cp_len(s + i, k - i);
        if (o + l >= cap)
            break;
        memcpy(out + o, s + i, l);
        o += l;
        i += l;
    }
    out[o] = 0;
    free(s);
    return o;
}

/* ------------------------------------------------------------- matching */

enum { MAXTOK = 16, MAXM = 8 };

struct match {
    uint32_t stem;
    uint8_t weak; /* district reached by stem + 市 although its name ends otherwise */
};

struct token {
    uint32_t start, len; /* in the normalised text */
    int n;
    struct match m[MAXM];
};

/* Length of the longest form of stem st at text t (avail bytes, starting
 * with the stem), 0 if none. */
static size_t match_stem(const struct cov_gazetteer *g, const struct stem *st, const char *t,
                         size_t avail, int *weak)
{
    *weak = 0;
    (void)g; /* the stem itself is known to be at t */
    if (st->cls == CLS_EXACT)
        return st->len;
    if (st->cls == CLS_BARE)
        return road_follows(t + st->len, avail - st->len) ? 0 : st->len;
    const struct suf *lists[3];
    cls_lists((enum cls)st->cls, lists);
    size_t best = 0;
    const char *rest = t + st->len;
    size_t ravail = avail - st->len;
    for (int k = 0; k < 3; k++)
        for (int i = 0; lists[k][i].s; i++) {
            size_t l = lists[k][i].len;
            if (l > best && l <= ravail && rest[0] == lists[k][i].s[0] &&
                !memcmp(rest, lists[k][i].s, l)) {
                best = l;
                *weak = st->cls == CLS_DIST && lists[k] == SUF_DIST && i == 2; /* 市 */
            }
        }
    return best ? st->len + best : 0;
}

static const struct slot *slot_get(const struct cov_gazetteer *g, uint64_t key)
{
    size_t mask = g->n_slots - 1;
    for (size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & mask;; h = (h + 1) & mask) {
        if (g->slots[h].key == key)
            return &g->slots[h];
        if (!g->slots[h].key)
            return NULL;
    }
}

/* Compare stem st with the n bytes at t, in the order of cmp_raw. */
static int cmp_stem_text(const struct cov_gazetteer *g, const struct stem *st, const char *t,
                         size_t n)
{
    size_t l = st->len < n ? st->len : n;
    int c = memcmp(g->text + st->off, t, l);
    return c ? c : st->len < n ? -1 : st->len > n;
}

/*
 * Leftmost-longest area names in t (n bytes), up to MAXTOK. At each
 * position the stems sharing its first two characters are a sorted run;
 * for each stem length present in the run, a binary search finds the stems
 * equal to the text of that length, whose suffixes are then tried.
 */
static int tokenize(const struct cov_gazetteer *g, const char *t, size_t n, struct token *tok)
{
    int nt = 0;
    size_t p = 0;
    while (p < n && nt < MAXTOK) {
        uint64_t key = key_at(t + p, n - p);
        const struct slot *sl = key && g->n_slots ? slot_get(g, key) : NULL;
        size_t best = 0;
        struct token *k = &tok[nt];
        k->n = 0;
        if (sl) {
            /* byte length of the first L characters at p, L = 1 .. */
            size_t off = 0;
            for (int L = 1; L <= MAX_STEM_CPS && off < n - p && (sl->lens >> L); L++) {
                off += cp_len(t + p + off, n - p - off);
                if (!((sl->lens >> L) & 1))
                    continue;
                size_t a = sl->first, b = (size_t)sl->first + sl->count;
                while (a < b) {
                    size_t mid = (a + b) / 2;
                    if (cmp_stem_text(g, &g->stems[mid], t + p, off) < 0)
                        a = mid + 1;
                    else
                        b = mid;
                }
                for (size_t si = a; si < (size_t)sl->first + sl->count &&
                                    !cmp_stem_text(g, &g->stems[si], t + p, off);
                     si++) {
                    int weak;
                    size_t l = match_stem(g, &g->stems[si], t + p, n - p, &weak);
                    if (l == 0 || l < best)
                        continue;
                    if (l > best) {
                        best = l;
                        k->n = 0;
                    }
                    if (k->n < MAXM)
                        k->m[k->n++] = (struct match){(uint32_t)si, (uint8_t)weak};
                }
            }
        }
        if (best) {
            k->start = (uint32_t)p;
            k->len = (uint32_t)best;
            nt++;
            p += best;
        } else {
            p += cp_len(t + p, n - p);
        }
    }
    return nt;
}

/* ------------------------------------------------------------ id sets */

enum { SET_CAP = 256 };

struct idset {
    int n, more; /* more: there were more than SET_CAP */
    int32_t v[SET_CAP];
    int tok; /* the first token that contributed (for notes), -1 */
};

static void set_clear(struct idset *s)
{
    s->n = s->more = 0;
    s->tok = -1;
}

static void set_add(struct idset *s, int32_t v, int tok)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == v)
            return;
    if (s->n < SET_CAP)
        s->v[s->n++] = v;
    else
        s->more = 1;
    if (s->tok < 0)
        s->tok = tok;
}

static int set_has(const struct idset *s, int32_t v)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == v)
            return 1;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    return cmp_i32(*(const int32_t *)a, *(const int32_t *)b);
}

static void set_sort(struct idset *s)
{
    if (s->n > 16) {
        qsort(s->v, (size_t)s->n, sizeof(int32_t), cmp_id);
        return;
    }
    for (int i = 1; i < s->n; i++) /* small sets: insertion sort */
        for (int j = i; j > 0 && s->v[j - 1] > s->v[j]; j--) {
            int32_t t = s->v[j];
            s->v[j] = s->v[j - 1];
            s->v[j - 1] = t;
        }
}

/* Keep only the members for which keep(g, v, arg) holds. */
static void set_filter(struct idset *s, const struct cov_gazetteer *g,
                       int (*keep)(const struct cov_gazetteer *, int32_t, int32_t), int32_t arg)
{
    int k = 0;
    for (int i = 0; i < s->n; i++)
        if (keep(g, s->v[i], arg))
            s->v[k++] = s->v[i];
    s->n = k;
}

static int street_in_district(const struct cov_gazetteer *g, int32_t s, int32_t d)
{
    return dist_of_street(g, s) == d;
}

static int comm_in_district(const struct cov_gazetteer *g, int32_t c, int32_t d)
{
    return dist_of_street(g, street_of(g, c)) == d;
}

static int comm_in_street(const struct cov_gazetteer *g, int32_t c, int32_t s)
{
    return street_of(g, c) == s;
}

static int ref_before(const struct ref *r, int32_t d, int32_t s)
{
    return r->d < d || (r->d == d && r->s < s);
}

/* Add the areas of stem st lying in district d (any when d == -2) and street
 * s (any when s == -2) to set. */
static void add_range(const struct cov_gazetteer *g, const struct stem *st, int32_t d, int32_t s,
                      struct idset *set, int tok)
{
    const struct ref *r = g->refs + st->ref0;
    size_t lo = 0, hi = st->nref;
    if (d != -2) {
        int32_t s0 = s == -2 ? INT32_MIN : s, s1 = s == -2 ? INT32_MAX : s;
        size_t a = 0, b = st->nref;
        while (a < b) {
            size_t mid = (a + b) / 2;
            if (ref_before(&r[mid], d, s0))
                a = mid + 1;
            else
                b = mid;
        }
        lo = a;
        b = st->nref;
        while (a < b) {
            size_t mid = (a + b) / 2;
            if (!ref_before(&r[mid], d, s1) && !(r[mid].d == d && r[mid].s == s1))
                b = mid;
            else
                a = mid + 1;
        }
        hi = a;
    }
    for (size_t i = lo; i < hi; i++) {
        if (s != -2 && d == -2 && r[i].s != s)
            continue;
        set_add(set, r[i].idx, tok);
    }
}

/* ------------------------------------------------------------- notes */

/* Copy src into dst (cap bytes) as valid UTF-8 without control characters
 * (area names come from files: anything else becomes '?'), and without
 * cutting a sequence. */
static void copy_utf8(char *dst, size_t cap, const char *src)
{
    if (!cap)
        return;
    const unsigned char *p = (const unsigned char *)src;
    size_t n = strlen(src), i = 0, o = 0;
    while (i < n) {
        uint32_t cp = 0;
        int l = u8_seq(p + i, n - i, &cp);
        if (l == 0 || cp < 0x20 || cp == 0x7F) {
            if (o + 1 >= cap)
                break;
            dst[o++] = '?';
            i += l ? (size_t)l : 1;
            continue;
        }
        if (o + (size_t)l >= cap)
            break;
        memcpy(dst + o, p + i, (size_t)l);
        o += (size_t)l;
        i += (size_t)l;
    }
    dst[o] = '\0';
}

static void note_set(char *note, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note_set(char *note, size_t cap, const char *fmt, ...)
{
    if (note[0])
        return; /* the first reason is the one to tell */
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    copy_utf8(note, cap, buf);
}

/* A token's text, shortened to about 16 characters. */
static void tok_text(char *out, size_t cap, const char *t, const struct token *k)
{
    char buf[64];
    size_t n = k->len < sizeof(buf) - 1 ? k->len : sizeof(buf) - 1;
    memcpy(buf, t + k->start, n);
    buf[n] = '\0';
    copy_utf8(out, cap < 49 ? cap : 49, buf);
}

static const char *area_name(const struct cov_gazetteer *g, int lev, int32_t i)
{
    if (i < 0)
        return "?";
    const struct cov_area *a = &g->m->areas[lev][i];
    return a->name ? a->name : a->code ? a->code : "?";
}

/* "A、B、C等": the names of the first three members of s (level lev). */
static void name_list(char *out, size_t cap, const struct cov_gazetteer *g, int lev,
                      const struct idset *s)
{
    char buf[512];
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->n && i < 3; i++) {
        int k =
            snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? "、" : "", area_name(g, lev, s->v[i]));
        if (k < 0 || (size_t)k >= sizeof(buf) - o)
            break;
        o += (size_t)k;
    }
    if ((s->n > 3 || s->more) && o + 4 <= sizeof(buf))
        memcpy(buf + o, "等", 4);
    copy_utf8(out, cap, buf);
}

/* ------------------------------------------------------------- resolving */

struct res {
    int32_t d, s, c;
};

static int res_level(const struct res *r)
{
    return r->c >= 0   ? COV_PLACED_COMMUNITY
           : r->s >= 0 ? COV_PLACED_STREET
           : r->d >= 0 ? COV_PLACED_DISTRICT
                       : COV_PLACED_NONE;
}

static struct res res_of(const struct cov_gazetteer *g, int lev, int32_t idx)
{
    struct res r = {-1, -1, -1};
    if (lev == COV_COMMUNITIES)
        r.c = idx;
    ancestors(g, lev, idx, &r.d, &r.s);
    return r;
}

/* Is r inside ctx (the same area at every level that ctx has)? */
static int res_inside(const struct res *r, const struct res *ctx)
{
    return (ctx->c < 0 || r->c == ctx->c) && (ctx->s < 0 || r->s == ctx->s) &&
           (ctx->d < 0 || r->d == ctx->d);
}

enum { NOTE_CAP = sizeof(((struct cov_placement *)0)->note) };

/* One input, parsed once and then resolved against a changing context. */
struct source {
    enum cov_source src;
    int maxlevel;      /* COV_PLACED_STREET for the street column */
    const char *label; /* "地址" ... for notes */
    int kind;          /* 0 empty, 1 code, 2 text */
    char *text;        /* normalised */
    size_t len;
    struct res code_res; /* kind 1 */
    char code_note[NOTE_CAP];
    int ntok;
    struct token tok[MAXTOK];
    char sbuf[1024];
};

struct ctx {
    struct res r;       /* established by the sources so far: hard */
    const char *rlabel; /* the source that established it, for notes */
    int32_t sd;         /* district of the credit code: soft, or -1 */
};

/* Scratch sets of one cov_place call. */
struct scratch {
    struct idset d, dweak, vs, vc, tmp;
};

/* Codes: community 12 digits, street 9 (or 12 ending 000), district 6. */
static void parse_code(const struct cov_gazetteer *g, struct source *src)
{
    const char *c = src->text;
    size_t n = src->len;
    char *note = src->code_note;
    struct res r = {-1, -1, -1};
    int32_t i;
    int sized = n == 12 || n == 9 || n == 6;
    int town_code = n == 9 || (n == 12 && !memcmp(c + 9, "000", 3));
    if (n == 12 && (i = code_get(g, COV_COMMUNITIES, c, 12)) >= 0) {
        r = res_of(g, COV_COMMUNITIES, i);
    } else if (n > 6 && sized && (i = code_get(g, COV_STREETS, c, 9)) >= 0) {
        r = res_of(g, COV_STREETS, i);
        if (!town_code)
            note_set(note, NOTE_CAP, "社区代码%s不在已导入的社区中", c);
    } else if (sized && (i = code_get(g, COV_DISTRICTS, c, 6)) >= 0) {
        r.d = i;
        if (n > 6)
            note_set(note, NOTE_CAP, "代码%s不在已导入的%s中", c, town_code ? "街道" : "社区");
    } else if (sized) {
        note_set(note, NOTE_CAP, "代码%s不在已导入的区县、街道或社区中", c);
    } else {
        char shown[40];
        copy_utf8(shown, sizeof(shown), c);
        note_set(note, NOTE_CAP, "代码%s%s应为6、9或12位", shown,
                 strlen(c) > strlen(shown) ? "…" : "");
    }
    if (src->maxlevel < COV_PLACED_COMMUNITY)
        r.c = -1;
    src->code_res = r;
}

/* Normalise and tokenize one input. 0 or COV_ENOMEM. */
static int source_init(const struct cov_gazetteer *g, struct source *src, const char *in,
                       enum cov_source which, int maxlevel, const char *label)
{
    src->src = which;
    src->maxlevel = maxlevel;
    src->label = label;
    src->kind = 0;
    src->ntok = 0;
    src->len = 0;
    src->code_note[0] = '\0';
    src->text = src->sbuf;
    src->sbuf[0] = '\0';
    size_t l = in ? strlen(in) : 0;
    if (l == 0)
        return 0;
    if (l >= sizeof(src->sbuf)) {
        char *t = malloc(l + 1);
        if (!t)
            return COV_ENOMEM;
        src->text = t;
    }
    src->len = norm_text(in, l, src->text);
    if (src->len == 0)
        return 0;
    if (all_digits(src->text, src->len)) {
        src->kind = 1;
        parse_code(g, src);
    } else {
        src->kind = 2;
        src->ntok = tokenize(g, src->text, src->len, src->tok);
    }
    return 0;
}

static void source_release(struct source *src)
{
    if (src->text != src->sbuf)
        free(src->text);
    src->text = src->sbuf;
}

/* A district named only as stem + 市 counts when a street or community named
 * in the same text lies in it, or the context is it (淮安市 is a city). */
static int weak_supported(const struct cov_gazetteer *g, const struct source *src, int32_t d,
                          const struct ctx *cx, struct idset *tmp)
{
    if (d == cx->r.d || d == cx->sd)
        return 1;
    for (int t = 0; t < src->ntok; t++)
        for (int j = 0; j < src->tok[t].n; j++) {
            const struct stem *st = &g->stems[src->tok[t].m[j].stem];
            if (st->level == COV_DISTRICTS)
                continue;
            set_clear(tmp);
            add_range(g, st, d, -2, tmp, t);
            if (tmp->n)
                return 1;
        }
    return 0;
}

/* Keep the members of a (level lev) that are the street / district of some
 * member of b (level blev); leave a alone when none is. */
static void narrow_by(const struct cov_gazetteer *g, struct idset *a, int lev,
                      const struct idset *b, int blev, struct idset *tmp)
{
    set_clear(tmp);
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++) {
            int32_t d, s;
            ancestors(g, blev, b->v[j], &d, &s);
            if ((lev == COV_STREETS ? s : d) == a->v[i]) {
                set_add(tmp, a->v[i], a->tok);
                break;
            }
        }
    if (tmp->n) {
        tmp->tok = a->tok;
        *a = *tmp;
    }
}

/* Add the areas of every stem of level lev named in src, within (d, s)
 * (-2: any), to set. */
static void add_named(const struct cov_gazetteer *g, const struct source *src, int lev, int32_t d,
                      int32_t s, struct idset *set)
{
    for (int t = 0; t < src->ntok; t++)
        for (int j = 0; j < src->tok[t].n; j++) {
            const struct stem *st = &g->stems[src->tok[t].m[j].stem];
            if (st->level == lev)
                add_range(g, st, d, s, set, t);
        }
}

/*
 * Resolve a text in context: the deepest place its names give consistently,
 * inside cx->r (a place that contradicts cx->r is none). note: why it went no
 * deeper (the first reason).
 */
static struct res resolve_text(const struct cov_gazetteer *g, const struct source *src,
                               const struct ctx *cx, struct scratch *sc, char *note)
{
    struct res out = {-1, -1, -1};
    const struct res *R = &cx->r;
    struct idset *D = &sc->d, *vs = &sc->vs, *vc = &sc->vc, *tmp = &sc->tmp;
    char q[64], names[160];
    set_clear(D);
    set_clear(&sc->dweak);
    set_clear(vs);
    set_clear(vc);
    set_clear(tmp);
    int has_s = 0, has_c = 0, s_tok = -1, c_tok = -1;
    for (int t = 0; t < src->ntok; t++)
        for (int j = 0; j < src->tok[t].n; j++) {
            const struct match *mt = &src->tok[t].m[j];
            const struct stem *st = &g->stems[mt->stem];
            if (st->level == COV_DISTRICTS) {
                add_range(g, st, -2, -2, mt->weak ? &sc->dweak : D, t);
            } else if (st->level == COV_STREETS) {
                has_s = 1;
                s_tok = s_tok < 0 ? t : s_tok;
            } else if (src->maxlevel >= COV_PLACED_COMMUNITY) {
                has_c = 1;
                c_tok = c_tok < 0 ? t : c_tok;
            }
        }
    if (!D->n)
        for (int i = 0; i < sc->dweak.n; i++)
            if (weak_supported(g, src, sc->dweak.v[i], cx, tmp))
                set_add(D, sc->dweak.v[i], sc->dweak.tok);
    set_sort(D);
    int has_d = D->n > 0;
    if (!has_d && !has_s && !has_c)
        return out;

    /* A district the text names must be the context's. */
    if (has_d && R->d >= 0) {
        if (!set_has(D, R->d)) {
            tok_text(q, sizeof(q), src->text, &src->tok[D->tok]);
            note_set(note, NOTE_CAP, "%s中的“%s”与%s不符", src->label, q, cx->rlabel);
            return out;
        }
        int tok = D->tok;
        set_clear(D);
        set_add(D, R->d, tok);
    }
    /* The credit code's district breaks ties wherever the text allows it. */
    int soft = cx->sd >= 0 && R->d < 0 && (!has_d || set_has(D, cx->sd));

    /* Streets: in a named district, inside the context. */
    int street_bad = 0;
    if (has_s) {
        if (has_d)
            for (int i = 0; i < D->n; i++)
                add_named(g, src, COV_STREETS, D->v[i], -2, vs);
        else
            add_named(g, src, COV_STREETS, -2, -2, vs);
        set_sort(vs);
        tok_text(q, sizeof(q), src->text, &src->tok[s_tok]);
        if (!vs->n) {
            name_list(names, sizeof(names), g, COV_DISTRICTS, D);
            note_set(note, NOTE_CAP, "街道“%s”不在%s中", q, names);
            street_bad = 1;
        } else {
            if (R->s >= 0) {
                int in = set_has(vs, R->s);
                int tok = vs->tok;
                set_clear(vs);
                if (in)
                    set_add(vs, R->s, tok);
            } else if (R->d >= 0) {
                set_filter(vs, g, street_in_district, R->d);
            }
            if (!vs->n) {
                note_set(note, NOTE_CAP, "%s中的“%s”与%s不符", src->label, q, cx->rlabel);
                return out;
            }
        }
    }

    /* Communities: in a named street; with no street named, in the district
     * that the text, the context or the credit code gives. */
    if (has_c && !street_bad) {
        tok_text(q, sizeof(q), src->text, &src->tok[c_tok]);
        int32_t dx = -2;
        int have_ctx = 1, from_cc = 0;
        if (has_s) {
            for (int i = 0; i < vs->n; i++)
                add_named(g, src, COV_COMMUNITIES, dist_of_street(g, vs->v[i]), vs->v[i], vc);
        } else if (has_d) {
            for (int i = 0; i < D->n; i++)
                add_named(g, src, COV_COMMUNITIES, D->v[i], -2, vc);
        } else if (R->s >= 0) {
            add_named(g, src, COV_COMMUNITIES, dist_of_street(g, R->s), R->s, vc);
        } else if (R->d >= 0) {
            add_named(g, src, COV_COMMUNITIES, dx = R->d, -2, vc);
        } else if (cx->sd >= 0) {
            add_named(g, src, COV_COMMUNITIES, dx = cx->sd, -2, vc);
            from_cc = 1;
        } else {
            have_ctx = 0;
        }
        set_sort(vc);
        /* inside the context (a district named in the text may hold more) */
        int had = vc->n;
        if (R->s >= 0)
            set_filter(vc, g, comm_in_street, R->s);
        else if (R->d >= 0)
            set_filter(vc, g, comm_in_district, R->d);
        if (had && !vc->n) {
            note_set(note, NOTE_CAP, "%s中的“%s”与%s不符", src->label, q, cx->rlabel);
            return out;
        }
        if (!have_ctx) {
            note_set(note, NOTE_CAP, "未写明街道或区县，社区“%s”无法确认", q);
        } else if (!vc->n) {
            if (has_s) {
                name_list(names, sizeof(names), g, COV_STREETS, vs);
                note_set(note, NOTE_CAP, "社区“%s”不在%s中", q, names);
            } else if (has_d) {
                name_list(names, sizeof(names), g, COV_DISTRICTS, D);
                note_set(note, NOTE_CAP, "社区“%s”不在%s中", q, names);
            } else if (R->s >= 0) {
                note_set(note, NOTE_CAP, "社区“%s”不在%s中的%s", q, cx->rlabel,
                         area_name(g, COV_STREETS, R->s));
            } else {
                note_set(note, NOTE_CAP, "社区“%s”不在%s%s中", q, from_cc ? "信用代码所示的" : "",
                         area_name(g, COV_DISTRICTS, dx));
            }
        } else {
            if (vc->n > 1 && soft) {
                *tmp = *vc;
                set_filter(tmp, g, comm_in_district, cx->sd);
                if (tmp->n)
                    *vc = *tmp;
            }
            if (vc->n == 1 && !vc->more)
                return res_of(g, COV_COMMUNITIES, vc->v[0]);
            /* ambiguous: say where the name occurs */
            set_clear(tmp);
            for (int i = 0; i < vc->n; i++)
                set_add(tmp, street_of(g, vc->v[i]), -1);
            set_sort(tmp);
            if (tmp->n > 1 || tmp->more) {
                name_list(names, sizeof(names), g, COV_STREETS, tmp);
                note_set(note, NOTE_CAP, "社区名“%s”在%d个街道（%s）中都有", q,
                         tmp->n + (vc->more ? 1 : 0), names);
            } else {
                note_set(note, NOTE_CAP, "社区名“%s”在%s有%d个", q,
                         area_name(g, COV_STREETS, tmp->v[0]), vc->n);
            }
        }
    }

    /* Street: the one named, narrowed by the communities named in it. */
    if (has_s && !street_bad) {
        if (vc->n)
            narrow_by(g, vs, COV_STREETS, vc, COV_COMMUNITIES, tmp);
        if (vs->n > 1 && soft) {
            *tmp = *vs;
            set_filter(tmp, g, street_in_district, cx->sd);
            if (tmp->n)
                *vs = *tmp;
        }
        if (vs->n == 1 && !vs->more)
            return res_of(g, COV_STREETS, vs->v[0]);
        tok_text(q, sizeof(q), src->text, &src->tok[s_tok]);
        set_clear(tmp);
        for (int i = 0; i < vs->n; i++)
            set_add(tmp, dist_of_street(g, vs->v[i]), -1);
        set_sort(tmp);
        if (tmp->n > 1 || tmp->more) {
            name_list(names, sizeof(names), g, COV_DISTRICTS, tmp);
            note_set(note, NOTE_CAP, "街道名“%s”在%d个区县（%s）中都有", q,
                     tmp->n + (vs->more ? 1 : 0), names);
        } else {
            note_set(note, NOTE_CAP, "街道名“%s”在%s有%d个", q,
                     area_name(g, COV_DISTRICTS, tmp->v[0]), vs->n);
            if (tmp->v[0] >= 0)
                out.d = tmp->v[0]; /* same-named streets of one district */
        }
    }

    /* District: the one named, narrowed by the streets or communities named. */
    if (has_d) {
        if (has_s && !street_bad && vs->n)
            narrow_by(g, D, COV_DISTRICTS, vs, COV_STREETS, tmp);
        else if (vc->n)
            narrow_by(g, D, COV_DISTRICTS, vc, COV_COMMUNITIES, tmp);
        if (D->n > 1 && soft && set_has(D, cx->sd)) {
            int tok = D->tok;
            set_clear(D);
            set_add(D, cx->sd, tok);
        }
        if (D->n == 1 && !D->more) {
            out.d = D->v[0];
        } else {
            tok_text(q, sizeof(q), src->text, &src->tok[D->tok]);
            name_list(names, sizeof(names), g, COV_DISTRICTS, D);
            note_set(note, NOTE_CAP, "区县“%s”不能确定（%s）", q, names);
            out.d = -1;
        }
    }
    return out;
}

/* Resolve one source in context; see resolve_text. */
static struct res resolve(const struct cov_gazetteer *g, const struct source *src,
                          const struct ctx *cx, struct scratch *sc, char *note)
{
    struct res none = {-1, -1, -1};
    if (src->kind == 2)
        return resolve_text(g, src, cx, sc, note);
    if (src->code_note[0])
        note_set(note, NOTE_CAP, "%s", src->code_note);
    if (res_level(&src->code_res) == COV_PLACED_NONE)
        return none;
    if (!res_inside(&src->code_res, &cx->r)) {
        note_set(note, NOTE_CAP, "%s中的代码%s与%s不符", src->label, src->text, cx->rlabel);
        return none;
    }
    return src->code_res;
}

/* The district of the credit code's division (characters 3-8), or -1 with a note. */
static int32_t credit_district(const struct cov_gazetteer *g, const char *cc, char *note)
{
    char buf[64];
    size_t l = cc ? strlen(cc) : 0;
    if (l == 0)
        return -1;
    if (l >= sizeof(buf))
        l = sizeof(buf) - 1; /* a division is at the start; the rest is not needed */
    size_t n = norm_text(cc, l, buf);
    if (n == 0)
        return -1;
    if (n < 8 || !all_digits(buf + 2, 6)) {
        note_set(note, NOTE_CAP, "信用代码第3-8位不是行政区划代码");
        return -1;
    }
    char div[7];
    memcpy(div, buf + 2, 6);
    div[6] = '\0';
    if (!memcmp(div + 2, "0000", 4)) {
        note_set(note, NOTE_CAP, "信用代码的登记机关是省级（%s）", div);
        return -1;
    }
    if (!memcmp(div + 4, "00", 2)) {
        note_set(note, NOTE_CAP, "信用代码的登记机关是市级（%s），不能定位到区县", div);
        return -1;
    }
    int32_t d = code_get(g, COV_DISTRICTS, div, 6);
    if (d < 0)
        note_set(note, NOTE_CAP, "信用代码的登记机关（%s）不是已导入的区县", div);
    return d;
}

struct work {
    struct source src[3];
    struct scratch sc;
    char notes[3][NOTE_CAP];
    char ccnote[NOTE_CAP];
};

/* Why a placement stopped above community level when no source said. */
static void generic_note(const struct work *w, int level, enum cov_source source, char *note)
{
    int any_text = w->src[0].kind || w->src[1].kind || w->src[2].kind;
    int addr = w->src[2].kind != 0;
    if (level == COV_PLACED_NONE) {
        if (!any_text && !w->ccnote[0])
            note_set(note, NOTE_CAP, "无所属社区、所属街道、地址或信用代码");
        else if (any_text)
            note_set(note, NOTE_CAP, "%s中没有已导入的区县、街道或社区",
                     addr ? "地址" : "所填内容");
    } else if (level == COV_PLACED_DISTRICT) {
        if (source == COV_SRC_CREDIT_CODE && !any_text)
            note_set(note, NOTE_CAP, "无地址，仅按信用代码定位到区县");
        else
            note_set(note, NOTE_CAP, "%s未写明街道或社区", addr ? "地址" : "");
    } else if (level == COV_PLACED_STREET) {
        note_set(note, NOTE_CAP, "%s未写明社区", addr ? "地址" : "");
    }
}

int cov_place(const struct cov_gazetteer *g, const struct cov_place_in *in,
              struct cov_placement *out)
{
    assert(g && in && out);
    memset(out, 0, sizeof(*out));
    out->level = COV_PLACED_NONE;
    out->source = COV_SRC_NONE;
    out->district = out->street = out->community = -1;
    struct work *w = malloc(sizeof(*w));
    if (!w) {
        copy_utf8(out->note, NOTE_CAP, "内存不足");
        return COV_ENOMEM;
    }
    int rc = COV_OK;
    w->ccnote[0] = '\0';
    for (int i = 0; i < 3; i++) {
        w->notes[i][0] = '\0';
        w->src[i].text = w->src[i].sbuf;
    }
    int32_t sd = credit_district(g, in->credit_code, w->ccnote);
    if ((rc = source_init(g, &w->src[0], in->community, COV_SRC_COMMUNITY_COLUMN,
                          COV_PLACED_COMMUNITY, "所属社区列")) ||
        (rc = source_init(g, &w->src[1], in->street, COV_SRC_STREET_COLUMN, COV_PLACED_STREET,
                          "所属街道列")) ||
        (rc = source_init(g, &w->src[2], in->address, COV_SRC_ADDRESS, COV_PLACED_COMMUNITY,
                          "地址"))) {
        copy_utf8(out->note, NOTE_CAP, "内存不足");
        goto cleanup;
    }

    /* Sources in order; each may refine what the earlier ones set, inside it.
     * Whenever the place gets finer, the sources resolved before it are tried
     * again in the new context (an ambiguous community name in a street named
     * later). Every change deepens the place, so this ends. */
    struct ctx cx = {{-1, -1, -1}, "", sd};
    enum cov_source source = COV_SRC_NONE;
    int version = 0, seen[3] = {-1, -1, -1};
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < 3 && res_level(&cx.r) < COV_PLACED_COMMUNITY; i++) {
            if (!w->src[i].kind || seen[i] == version)
                continue;
            w->notes[i][0] = '\0';
            struct res r = resolve(g, &w->src[i], &cx, &w->sc, w->notes[i]);
            seen[i] = version;
            if (res_level(&r) > res_level(&cx.r) && res_inside(&r, &cx.r)) {
                cx.r = r;
                cx.rlabel = w->src[i].label;
                source = w->src[i].src;
                seen[i] = ++version;
                changed = 1;
            }
        }
    }
    if (res_level(&cx.r) == COV_PLACED_NONE && sd >= 0) {
        cx.r.d = sd;
        source = COV_SRC_CREDIT_CODE;
    }

    out->level = (enum cov_placed)res_level(&cx.r);
    out->source = out->level == COV_PLACED_NONE ? COV_SRC_NONE : source;
    out->district = cx.r.d;
    out->street = cx.r.s;
    out->community = cx.r.c;
    if (out->level < COV_PLACED_COMMUNITY) {
        for (int i = 0; i < 3 && !out->note[0]; i++)
            if (w->src[i].kind)
                note_set(out->note, NOTE_CAP, "%s", w->notes[i]);
        generic_note(w, out->level, out->source, out->note);
        if (out->level == COV_PLACED_NONE && w->ccnote[0]) {
            char buf[2 * NOTE_CAP + 8];
            snprintf(buf, sizeof(buf), "%s%s%s", out->note, out->note[0] ? "；" : "", w->ccnote);
            copy_utf8(out->note, NOTE_CAP, buf);
        }
    }
cleanup:
    for (int i = 0; i < 3; i++)
        source_release(&w->src[i]);
    free(w);
    return rc;
}

/* ------------------------------------------------------ representative point */

/* The polygon of largest area in g (recursing into collections); *best_area
 * is updated. 0, or -1 on a GEOS error. */
static int largest_polygon(GEOSContextHandle_t h, const GEOSGeometry *g, const GEOSGeometry **best,
                           double *best_area)
{
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        double a;
        if (GEOSisEmpty_r(h, g) == 1)
            return 0;
        if (!GEOSArea_r(h, g, &a))
            return -1;
        if (a > *best_area) {
            *best_area = a;
            *best = g;
        }
        return 0;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
            if (!p || largest_polygon(h, p, best, best_area))
                return -1;
        }
    }
    return 0;
}

/* Is (x, y) strictly inside poly? 1, 0, or -1 on a GEOS error. */
static int strictly_inside(GEOSContextHandle_t h, const GEOSGeometry *poly, double x, double y)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!pt)
        return -1;
    char r = GEOSContains_r(h, poly, pt);
    GEOSGeom_destroy_r(h, pt);
    return r == 1 ? 1 : r == 0 ? 0 : -1;
}

/* x, y of a Point geometry. */
static int point_xy(GEOSContextHandle_t h, const GEOSGeometry *p, double *x, double *y)
{
    return GEOSGeomGetX_r(h, p, x) == 1 && GEOSGeomGetY_r(h, p, y) == 1 ? 0 : -1;
}

int cov_place_point(GEOSContextHandle_t h, const GEOSGeometry *area, double *x, double *y)
{
    if (!h || !area || !x || !y)
        return COV_EINPUT;
    char empty = GEOSisEmpty_r(h, area);
    if (empty == 2)
        return COV_EFAIL;
    if (empty)
        return COV_EINPUT;
    const GEOSGeometry *part = NULL;
    double best = 0;
    int type = GEOSGeomTypeId_r(h, area);
    if (largest_polygon(h, area, &part, &best))
        return COV_EFAIL;
    if (!part) {
        if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
            return COV_EINPUT; /* polygons of zero area */
        GEOSGeometry *p = GEOSPointOnSurface_r(h, area);
        int rc = p && !GEOSisEmpty_r(h, p) && !point_xy(h, p, x, y) ? COV_OK : COV_EFAIL;
        GEOSGeom_destroy_r(h, p);
        return rc;
    }

    double x0, y0, x1, y1;
    if (!GEOSGeom_getXMin_r(h, part, &x0) || !GEOSGeom_getYMin_r(h, part, &y0) ||
        !GEOSGeom_getXMax_r(h, part, &x1) || !GEOSGeom_getYMax_r(h, part, &y1))
        return COV_EFAIL;
    double side = x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0;
    GEOSGeometry *mic = GEOSMaximumInscribedCircle_r(h, part, side / 200.0);
    if (mic) {
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, mic);
        double cx, cy;
        if (cs && GEOSCoordSeq_getXY_r(h, cs, 0, &cx, &cy) &&
            strictly_inside(h, part, cx, cy) == 1) {
            GEOSGeom_destroy_r(h, mic);
            *x = cx;
            *y = cy;
            return COV_OK;
        }
        GEOSGeom_destroy_r(h, mic);
    }
    GEOSGeometry *pos = GEOSPointOnSurface_r(h, part);
    double px, py;
    int rc = pos && !GEOSisEmpty_r(h, pos) && !point_xy(h, pos, &px, &py) ? COV_OK : COV_EFAIL;
    GEOSGeom_destroy_r(h, pos);
    if (rc == COV_OK) {
        /* inside for every valid polygon; for an invalid one, the best GEOS has */
        *x = px;
        *y = py;
    }
    return rc;
}
