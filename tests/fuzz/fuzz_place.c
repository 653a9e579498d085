/*
 * fuzz_place.c - libFuzzer harness for analysis/place.c (placement by
 * community/street columns, address and credit code).
 *
 * The input is split on '|' into fields. Fields 0-3 are the community
 * column, street column, address and credit code, placed against a fixed
 * gazetteer (built once: the names and codes of the unit tests' mini
 * gazetteer, suffix variants and look-alike roads included). Fields 4 and
 * on, when present, are area names of a second, throw-away gazetteer
 * (district, street, community in turn, each a child of the previous of the
 * level above; every third community without a parent code), so that the
 * name splitting of gazetteer construction sees untrusted text too; fields
 * 0-3 are placed against it as well. A field of the form "#..." gives the
 * next area its code instead of a generated one.
 * Invariants (abort() on violation): cov_place returns 0; the level is
 * NONE..COMMUNITY and is the deepest index set; indices are in range and
 * each lies under the next coarser one where the gazetteer knows the parent;
 * the source is NONE exactly when the level is; the note is NUL-terminated
 * within its buffer, valid UTF-8, and empty exactly at community level;
 * placing the same input again gives the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analysis/place.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_FIELDS = 40 };

static struct cov_model *fixed_model;
static struct cov_gazetteer *fixed;

static void add(struct cov_model *m, enum cov_layer layer, const char *code, const char *name,
                const char *parent, enum cov_ur ur)
{
    struct cov_area a;
    memset(&a, 0, sizeof(a));
    a.code = code;
    a.name = name;
    a.parent = parent;
    a.ur = ur;
    if (cov_model_add_area(m, layer, &a) < 0)
        abort();
}

static void build_fixed(void)
{
    fixed_model = cov_model_new();
    if (!fixed_model)
        abort();
    struct cov_model *m = fixed_model;
    add(m, COV_DISTRICTS, "320706", "海州区", NULL, 0);
    add(m, COV_DISTRICTS, "320703", "连云区", NULL, 0);
    add(m, COV_DISTRICTS, "320700000000", "城区", NULL, 0);
    add(m, COV_STREETS, "320706010", "新浦街道办事处", "320706", 0);
    add(m, COV_STREETS, "320706016", "浦西街道办事处", "320706", 0);
    add(m, COV_STREETS, "320703011", "新浦街道", "320703", 0);
    add(m, COV_STREETS, "320706100", "锦屏镇", "320706", 0);
    add(m, COV_STREETS, "320703001000", "墟沟街道", "320703000000", 0);
    add(m, COV_STREETS, "320706200", "李埝乡", "320706", 0);
    add(m, COV_STREETS, "320703400", "东辛农场", "320703", 0);
    add(m, COV_COMMUNITIES, "320706010001", "王庄社区居委会", "320706010", COV_UR_URBAN);
    add(m, COV_COMMUNITIES, "320706016001", "王庄社区居委会", "320706016", COV_UR_URBAN);
    add(m, COV_COMMUNITIES, "320706010201", "王庄村委会", "320706010", COV_UR_RURAL);
    add(m, COV_COMMUNITIES, "320706100201", "李集村委会", "320706100", COV_UR_RURAL);
    add(m, COV_COMMUNITIES, "320706016002", "新浦东社区居委会", "320706016", COV_UR_URBAN);
    add(m, COV_COMMUNITIES, "320706010002", "华山社区居委会", "320706010", COV_UR_URBAN);
    add(m, COV_COMMUNITIES, "320706100202", "东村委会", "320706100", COV_UR_RURAL);
    add(m, COV_COMMUNITIES, "320703001001", "夏庄居委会", "320703001", COV_UR_URBAN);
    add(m, COV_COMMUNITIES, "320703011001", "海滨社区居委会", "320703011", COV_UR_URBAN);
    add(m, COV_COMMUNITIES, "320703001201", "柳河", "320703001", COV_UR_RURAL);
    add(m, COV_COMMUNITIES, "320706200201", "李埝村民委员会", NULL, COV_UR_RURAL);
    add(m, COV_COMMUNITIES, "320703400001", "包庄管理区生活区", NULL, COV_UR_UNKNOWN);
    fixed = cov_gazetteer_new(m);
    if (!fixed)
        abort();
}

/* Is s (n bytes) valid UTF-8? */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80                 ? 1
                   : c >= 0xC2 && c <= 0xDF ? 2
                   : c >= 0xE0 && c <= 0xEF ? 3
                   : c >= 0xF0 && c <= 0xF4 ? 4
                                            : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        if (k == 3 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0)))
            return 0;
        if (k == 4 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] >= 0x90)))
            return 0;
        i += k;
    }
    return 1;
}

static void check(const struct cov_model *m, const struct cov_gazetteer *g,
                  const struct cov_place_in *in)
{
    struct cov_placement p, q;
    memset(&p, 0xA5, sizeof(p));
    memset(&q, 0x5A, sizeof(q));
    if (cov_place(g, in, &p) != 0 || cov_place(g, in, &q) != 0)
        abort();
    if (p.level != q.level || p.source != q.source || p.district != q.district ||
        p.street != q.street || p.community != q.community || strcmp(p.note, q.note))
        abort(); /* not deterministic */
    if ((int)p.level < COV_PLACED_NONE || p.level > COV_PLACED_COMMUNITY)
        abort();
    if ((int)p.source < 0 || p.source >= COV_SRC_COUNT || p.source == COV_SRC_COORDINATES)
        abort();
    if ((p.level == COV_PLACED_NONE) != (p.source == COV_SRC_NONE))
        abort();
    int32_t idx[3] = {p.district, p.street, p.community};
    for (int l = 0; l < 3; l++)
        if (idx[l] < -1 || (idx[l] >= 0 && (size_t)idx[l] >= m->n_areas[l]))
            abort();
    int deepest = p.community >= 0  ? COV_PLACED_COMMUNITY
                  : p.street >= 0   ? COV_PLACED_STREET
                  : p.district >= 0 ? COV_PLACED_DISTRICT
                                    : COV_PLACED_NONE;
    if (deepest != (int)p.level)
        abort();
    /* the level's own index is set, and coarser ones are only missing when
     * the parent is unknown to the gazetteer: check by re-placing by code */
    if (p.community >= 0 && m->areas[COV_COMMUNITIES][p.community].code) {
        struct cov_place_in byc = {m->areas[COV_COMMUNITIES][p.community].code, NULL, NULL, NULL};
        struct cov_placement r;
        if (cov_place(g, &byc, &r) != 0)
            abort();
        /* duplicate codes resolve to the first; only check when it is this one */
        if (r.community == p.community && (r.street != p.street || r.district != p.district))
            abort();
    }
    size_t n = strnlen(p.note, sizeof(p.note));
    if (n == sizeof(p.note))
        abort();
    if (!utf8_ok((const unsigned char *)p.note, n))
        abort();
    if ((n == 0) != (p.level == COV_PLACED_COMMUNITY))
        abort();
}

/* A throw-away gazetteer whose names (and optional codes) come from f. */
static void second(char **f, int nf, const struct cov_place_in *in)
{
    struct cov_model *m = cov_model_new();
    if (!m)
        abort();
    char code[3][24], last[3][24] = {"", "", ""};
    int count[3] = {0, 0, 0};
    const char *forced = NULL;
    for (int i = 4; i < nf; i++) {
        if (f[i][0] == '#') {
            forced = f[i] + 1;
            continue;
        }
        int lev = (i - 4) % 3;
        count[lev]++;
        if (lev == COV_DISTRICTS)
            snprintf(code[lev], sizeof(code[lev]), "%06d", 320700 + count[lev]);
        else if (lev == COV_STREETS)
            snprintf(code[lev], sizeof(code[lev]), "%.6s%03d", last[0][0] ? last[0] : "320700",
                     count[lev]);
        else
            snprintf(code[lev], sizeof(code[lev]), "%.9s%03d", last[1][0] ? last[1] : "320700000",
                     count[lev]);
        const char *c = forced ? forced : code[lev];
        const char *parent = lev == 0 || (lev == 2 && count[lev] % 3 == 0) ? NULL : last[lev - 1];
        enum cov_ur ur = (enum cov_ur)(count[lev] % 3);
        add(m, (enum cov_layer)lev, c, f[i], parent, ur);
        snprintf(last[lev], sizeof(last[lev]), "%s", c);
        forced = NULL;
    }
    struct cov_gazetteer *g = cov_gazetteer_new(m);
    if (!g)
        abort();
    check(m, g, in);
    cov_gazetteer_free(g);
    cov_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    if (!fixed)
        build_fixed();
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char *f[MAX_FIELDS];
    int nf = 0;
    f[nf++] = s;
    for (char *p = s; *p && nf < MAX_FIELDS; p++)
        if (*p == '|') {
            *p = '\0';
            f[nf++] = p + 1;
        }
    struct cov_place_in in = {f[0], nf > 1 ? f[1] : NULL, nf > 2 ? f[2] : NULL,
                              nf > 3 ? f[3] : NULL};
    check(fixed_model, fixed, &in);
    if (nf > 4)
        second(f, nf, &in);
    free(s);
    return 0;
}
