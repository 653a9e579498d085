/*
 * sample_register.c - the rows of the register-shaped workbook: a credit code
 * (a few city-level), an address in one of the forms real registers use, a
 * 所属社区 cell on one sheet, and how precisely each row's own data place it.
 */
#include "sample_register.h"
#include "die.h"
#include "../../geodata/creditcode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED_REGISTER 0x4C59475245473231ULL /* "LYGREG21" */
#define REG_COORD_SHARE 0.15                /* rows that keep their lon/lat */
#define REG_CITY_SHARE 0.05                 /* rows with a city-level credit code */
#define REG_COLUMN_SHARE 0.88               /* rows of the 所属社区 sheet with that cell */

const char *const reg_level_names[L_POINT + 1] = {"none", "district", "street", "community",
                                                  "point"};

/* Community name classes: 居 (社区/居委会 ...), 村 (村/村委会 ...), other. */
enum { NM_JU, NM_CUN, NM_OTHER };

const char *const reg_form_names[N_FORMS] = {
    "full",           "nbs",         "short",         "village",   "no_district", "no_street",
    "community_only", "street_only", "district_road", "road_only", "empty",       "unusable"};
/* Form weights for 居-type and 村-type communities (both sum to 90). */
static const double form_w_ju[N_FORMS] = {24, 10, 14, 2, 8, 8, 3, 10, 6, 2, 2, 1};
static const double form_w_cun[N_FORMS] = {12, 8, 8, 22, 6, 8, 5, 10, 6, 2, 2, 1};

static int ends_with(const char *s, const char *suf)
{
    size_t ls = strlen(s), lf = strlen(suf);
    return ls > lf && strcmp(s + ls - lf, suf) == 0;
}

static void prepare_names(struct sample *s, struct sample_register *reg)
{
    static const char *const ju[] = {"社区居民委员会", "社区居委会", "居民委员会", "居委会",
                                     "社区"};
    static const char *const cun[] = {"村民委员会", "村委会", "村"};
    reg->comm_stem = xcalloc((size_t)s->n_comms, sizeof(*reg->comm_stem));
    reg->comm_type = xcalloc((size_t)s->n_comms, sizeof(int));
    reg->comm_ambiguous = xcalloc((size_t)s->n_comms, sizeof(int));
    reg->town_stem = xcalloc((size_t)s->n_towns, sizeof(*reg->town_stem));
    reg->town_is_jd = xcalloc((size_t)s->n_towns, sizeof(int));
    for (int i = 0; i < s->n_comms; i++) {
        const char *nm = s->comms[i].name;
        reg->comm_type[i] = NM_OTHER;
        snprintf(reg->comm_stem[i], sizeof(reg->comm_stem[i]), "%s", nm);
        for (int pass = 0; pass < 2 && reg->comm_type[i] == NM_OTHER; pass++) {
            const char *const *suf = pass ? cun : ju;
            int n = pass ? 3 : 5;
            for (int k = 0; k < n; k++)
                if (ends_with(nm, suf[k])) {
                    reg->comm_stem[i][strlen(nm) - strlen(suf[k])] = 0;
                    reg->comm_type[i] = pass ? NM_CUN : NM_JU;
                    break;
                }
        }
    }
    for (int i = 0; i < s->n_comms; i++)
        for (int j = 0; j < s->n_comms; j++)
            if (j != i && s->towns[s->comms[j].town].county == s->towns[s->comms[i].town].county &&
                reg->comm_type[j] == reg->comm_type[i] &&
                strcmp(reg->comm_stem[j], reg->comm_stem[i]) == 0)
                reg->comm_ambiguous[i] = 1;
    for (int i = 0; i < s->n_towns; i++) {
        const char *nm = s->towns[i].name;
        snprintf(reg->town_stem[i], sizeof(reg->town_stem[i]), "%s", nm);
        if (ends_with(nm, "街道办事处") || ends_with(nm, "街道")) {
            reg->town_is_jd[i] = 1;
            reg->town_stem[i][strlen(nm) -
                              (ends_with(nm, "街道") ? strlen("街道") : strlen("街道办事处"))] = 0;
        } else if (ends_with(nm, "镇") || ends_with(nm, "乡")) {
            reg->town_stem[i][strlen(nm) - strlen("镇")] = 0; /* 镇 and 乡 are both 3 bytes */
        }
    }
}

/* Variant k of a community's name; returns the number of variants. */
static int comm_variant(struct sample *s, struct sample_register *reg, int m, int k, char *buf,
                        size_t len)
{
    static const char *const ju[] = {"社区", "社区居委会", "居委会", "居民委员会",
                                     "社区居民委员会"};
    static const char *const cun[] = {"村", "村委会", "村民委员会"};
    if (reg->comm_type[m] == NM_JU) {
        snprintf(buf, len, "%s%s", reg->comm_stem[m], ju[k % 5]);
        return 5;
    }
    if (reg->comm_type[m] == NM_CUN) {
        snprintf(buf, len, "%s%s", reg->comm_stem[m], cun[k % 3]);
        return 3;
    }
    snprintf(buf, len, "%s", s->comms[m].name);
    return 1;
}

/* Variant k of a town's name; returns the number of variants. */
static int town_variant(struct sample *s, struct sample_register *reg, int t, int k, char *buf,
                        size_t len)
{
    static const char *const jd[] = {"街道", "街道办事处", "办事处"};
    if (reg->town_is_jd[t]) {
        snprintf(buf, len, "%s%s", reg->town_stem[t], jd[k % 3]);
        return 3;
    }
    snprintf(buf, len, "%s", s->towns[t].name);
    return 1;
}

struct hit {
    int is_comm, idx;
    size_t start, end;
};

static void add_hits(const char *addr, const char *name, int is_comm, int idx, struct hit *hits,
                     int *n, int max)
{
    size_t l = strlen(name);
    for (const char *p = strstr(addr, name); p && *n < max; p = strstr(p + 1, name))
        hits[(*n)++] = (struct hit){is_comm, idx, (size_t)(p - addr), (size_t)(p - addr) + l};
}

/*
 * The towns and communities of county ci that addr names, in any variant;
 * a match inside a longer match (王庄村 in 大王庄村委会) does not count.
 * Fills towns_out / comms_out (flags per index) and returns the number of
 * matches kept.
 */
static int scan_address(struct sample *s, struct sample_register *reg, const char *addr, int ci,
                        int *towns_out, int *comms_out)
{
    enum { MAX_HITS = 256 };
    struct hit hits[MAX_HITS];
    int n = 0;
    char v[160];
    for (int t = 0; t < s->n_towns; t++) {
        if (s->towns[t].county != ci)
            continue;
        int nv = town_variant(s, reg, t, 0, v, sizeof(v));
        for (int k = 0; k < nv; k++) {
            town_variant(s, reg, t, k, v, sizeof(v));
            add_hits(addr, v, 0, t, hits, &n, MAX_HITS);
        }
        for (int j = 0; j < s->towns[t].n_comm; j++) {
            int m = s->towns[t].first_comm + j;
            int nc = comm_variant(s, reg, m, 0, v, sizeof(v));
            for (int k = 0; k < nc; k++) {
                comm_variant(s, reg, m, k, v, sizeof(v));
                add_hits(addr, v, 1, m, hits, &n, MAX_HITS);
            }
        }
    }
    if (n == MAX_HITS)
        die("register: address '%s' matches too many names", addr);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        int inside = 0;
        for (int j = 0; j < n && !inside; j++)
            inside = hits[j].start <= hits[i].start && hits[i].end <= hits[j].end &&
                     hits[j].end - hits[j].start > hits[i].end - hits[i].start;
        if (inside)
            continue;
        (hits[i].is_comm ? comms_out : towns_out)[hits[i].idx] = 1;
        kept++;
    }
    return kept;
}

struct resolved {
    enum level level;
    int county, town, comm;
    const char *basis;
};

/*
 * How precisely the row's own data places it: district from the address or
 * a county-level credit code; a 所属社区 value naming one community of that
 * district; a street of that district named in the address, and a community
 * of that street; or a community named without street that is the only one
 * of that name in the district. Coordinates are handled by the caller.
 */
static struct resolved resolve_row(struct sample *s, struct sample_register *reg, const char *addr,
                                   const char *column, const char *code)
{
    struct resolved r = {L_NONE, -1, -1, -1, "none"};
    int from_code = -1, named = 0;
    if (strncmp(code + 2, CITY_CODE, 6) != 0)
        from_code = sample_county_index(s, code + 2);
    for (int c = 0; c < s->n_counties; c++)
        if (strstr(addr, s->counties[c].name)) {
            if (r.county >= 0)
                die("register: address '%s' names two districts", addr);
            r.county = c;
            named = 1;
        }
    if (r.county < 0)
        r.county = from_code;
    if (r.county < 0)
        return r;
    r.level = L_DISTRICT;
    r.basis = named ? "district_address" : "district_code";
    int *tf = xcalloc((size_t)s->n_towns, sizeof(int)),
        *cf = xcalloc((size_t)s->n_comms, sizeof(int));
    scan_address(s, reg, addr, r.county, tf, cf);
    int nt = 0, t = -1;
    for (int i = 0; i < s->n_towns; i++)
        if (tf[i]) {
            nt++;
            t = i;
        }
    if (nt > 1)
        die("register: address '%s' names %d streets", addr, nt);
    int nc = 0, m = -1;
    char v[160];
    for (int i = 0; i < s->n_comms; i++) {
        if (s->towns[s->comms[i].town].county != r.county)
            continue;
        /* a community named in the address counts under the street named, if any */
        if (cf[i] && (t < 0 || s->comms[i].town == t)) {
            nc++;
            m = i;
        }
    }
    if (nt == 1) {
        r.town = t;
        r.level = L_STREET;
        r.basis = "street";
    }
    if (nc == 1) {
        r.comm = m;
        r.town = s->comms[m].town;
        r.level = L_COMMUNITY;
        r.basis = nt == 1 ? "street_community" : "community_unique";
    }
    if (column && column[0] && r.level < L_COMMUNITY) {
        int hits = 0, mm = -1;
        for (int i = 0; i < s->n_comms; i++) {
            if (s->towns[s->comms[i].town].county != r.county)
                continue;
            int nv = comm_variant(s, reg, i, 0, v, sizeof(v));
            for (int k = 0; k < nv; k++) {
                comm_variant(s, reg, i, k, v, sizeof(v));
                if (strcmp(v, column) == 0 || strcmp(s->comms[i].code, column) == 0) {
                    hits++;
                    mm = i;
                    break;
                }
            }
        }
        if (hits == 1) {
            r.comm = mm;
            r.town = s->comms[mm].town;
            r.level = L_COMMUNITY;
            r.basis = "community_column";
        }
    }
    free(tf);
    free(cf);
    return r;
}

static void reg_road(struct sample *s, struct sample_register *reg, const struct org *o, char *buf,
                     size_t len)
{
    static const char *const roads[] = {
        "解放路",     "人民路", "建设路", "幸福路",   "海连路", "朝阳路",   "通灌路", "郁洲路",
        "苍梧路",     "陇海路", "青年路", "民主路",   "振兴路", "和平路",   "盐河路", "凤凰大道",
        "花果山大道", "珠江路", "黄河路", "长江路",   "淮海路", "东方大道", "瀛洲路", "临洪大道",
        "巨龙路",     "学院路", "新华路", "港城大道", "中山路", "海宁路",   "华山路", "解放中路",
        "人民东路",   "秦东路", "团结路", "文化路",   "北京路", "上海路"};
    static const char *const road_suf[] = {"路", "大道", "中路", "东路", "西路", "南路", "北路"};
    static const char *const cn[] = {"一", "二", "三", "四", "五", "六", "七", "八"};
    char road[128];
    if (o->bldg >= 0 && rng_chance(&s->rng, 0.5)) {
        int floor = 2 + rng_int(&s->rng, 24);
        snprintf(buf, len, "%s%d楼%d%02d室", s->bldgs[o->bldg].name, floor, floor,
                 1 + rng_int(&s->rng, 20));
        return;
    }
    if (rng_chance(&s->rng, 0.3)) { /* a road named after an area: 墟沟路, 新浦路 */
        int same = rng_chance(&s->rng, 0.5), tries = 0;
        road[0] = 0;
        while (!road[0] && tries++ < 100) {
            if (rng_chance(&s->rng, 0.4)) {
                int t = rng_int(&s->rng, s->n_towns);
                if ((same && s->towns[t].county != o->county) ||
                    (!reg->town_is_jd[t] && !ends_with(s->towns[t].name, "镇")))
                    continue;
                snprintf(road, sizeof(road), "%s%s", reg->town_stem[t],
                         RNG_ITEM(&s->rng, road_suf));
            } else {
                int m = rng_int(&s->rng, s->n_comms);
                if ((same && s->towns[s->comms[m].town].county != o->county) ||
                    reg->comm_type[m] == NM_OTHER || s->comms[m].virtual_unit)
                    continue;
                snprintf(road, sizeof(road), "%s%s", reg->comm_stem[m],
                         RNG_ITEM(&s->rng, road_suf));
            }
        }
        if (!road[0])
            snprintf(road, sizeof(road), "%s", RNG_ITEM(&s->rng, roads));
    } else {
        snprintf(road, sizeof(road), "%s", RNG_ITEM(&s->rng, roads));
    }
    int no = 1 + (int)(300.0 * pow(rng_unif(&s->rng), 2));
    double r = rng_unif(&s->rng);
    if (r < 0.75)
        snprintf(buf, len, "%s%d号", road, no);
    else if (r < 0.9) {
        /* room, floor, block: see sample.h on draw order */
        int room = 1 + rng_int(&s->rng, 6), floor = 1 + rng_int(&s->rng, 18);
        int block = 1 + rng_int(&s->rng, 12);
        snprintf(buf, len, "%s%d号%d幢%d%02d室", road, no, block, floor, room);
    } else if (r < 0.95)
        snprintf(buf, len, "%s%d号院", road, no);
    else
        snprintf(buf, len, "%s%d号%s楼", road, no, RNG_ITEM(&s->rng, cn));
}

/* A community variant typical of a form: short ones in running addresses. */
static void reg_comm_name(struct sample *s, struct sample_register *reg, int m, enum form f,
                          char *buf, size_t len)
{
    int k;
    if (reg->comm_type[m] == NM_JU) {
        static const int full[] = {0, 0, 0, 1, 2}, shrt[] = {0, 2, 2, 0, 1}, only[] = {1, 3, 4, 1};
        k = f == F_COMMONLY ? only[rng_int(&s->rng, 4)]
            : f == F_SHORT  ? shrt[rng_int(&s->rng, 5)]
                            : full[rng_int(&s->rng, 5)];
    } else {
        static const int full[] = {0, 0, 0, 1}, only[] = {1, 2, 2};
        k = f == F_COMMONLY ? only[rng_int(&s->rng, 3)] : full[rng_int(&s->rng, 4)];
    }
    if (f == F_NBS) {
        snprintf(buf, len, "%s", s->comms[m].name);
        return;
    }
    comm_variant(s, reg, m, k, buf, len);
}

static void reg_town_name(struct sample *s, struct sample_register *reg, int t, enum form f,
                          char *buf, size_t len)
{
    if (f == F_NBS) {
        snprintf(buf, len, "%s", s->towns[t].name);
        return;
    }
    static const int full[] = {0, 0, 0, 1, 2}, shrt[] = {2, 2, 0, 1};
    town_variant(s, reg, t, f == F_SHORT ? shrt[rng_int(&s->rng, 4)] : full[rng_int(&s->rng, 5)],
                 buf, len);
}

static void reg_address(struct sample *s, struct sample_register *reg, const struct org *o,
                        const struct reg_row *row, enum form f, char *buf, size_t len)
{
    static const char *const prefixes[] = {"", CITY_NAME, "江苏省" CITY_NAME};
    static const char *const junk[] = {CITY_NAME, "江苏省" CITY_NAME, "详见登记证书", "无",
                                       "待补充"};
    static const char *const cn[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    const char *dist = s->counties[o->county].name;
    char town[96], com[160], road[160];
    reg_town_name(s, reg, o->town, f, town, sizeof(town));
    reg_comm_name(s, reg, o->comm, f, com, sizeof(com));
    reg_road(s, reg, o, road, sizeof(road));
    switch (f) {
    case F_FULL:
        snprintf(buf, len, "江苏省" CITY_NAME "%s%s%s%s", dist, town, com, road);
        break;
    case F_NBS:
        snprintf(buf, len, CITY_NAME "%s%s%s", dist, town, com);
        break;
    case F_SHORT:
        snprintf(buf, len, "%s%s%s%s", dist, town, com, road);
        break;
    case F_VILLAGE:
        if (reg->comm_type[o->comm] == NM_CUN && rng_chance(&s->rng, 0.5))
            snprintf(buf, len, "%s%s%s%s组", dist, town, com, cn[rng_int(&s->rng, 10)]);
        else
            snprintf(buf, len, "%s%s%s", dist, town, com);
        break;
    case F_NODIST:
        snprintf(buf, len, "%s%s%s", town, com, road);
        break;
    case F_NOSTREET:
        snprintf(buf, len, "%s%s%s%s", prefixes[rng_int(&s->rng, 2)], dist, com, road);
        break;
    case F_COMMONLY:
        snprintf(buf, len, "%s", com);
        break;
    case F_STREET:
        if (row->city || rng_chance(&s->rng, 0.3))
            snprintf(buf, len, "%s%s%s%s", prefixes[rng_int(&s->rng, 3)], dist, town, road);
        else
            snprintf(buf, len, "%s%s", town, road);
        break;
    case F_DROAD:
        snprintf(buf, len, "%s%s%s", prefixes[rng_int(&s->rng, 3)], dist, road);
        break;
    case F_ROAD:
        snprintf(buf, len, CITY_NAME "%s", road);
        break;
    case F_EMPTY:
        buf[0] = 0;
        break;
    default:
        snprintf(buf, len, "%s", RNG_ITEM(&s->rng, junk));
        break;
    }
}

/* The address-only level a form is meant to reach (the scan must agree). */
static int form_reaches(enum form f, enum level l, int city)
{
    switch (f) {
    case F_FULL:
    case F_NBS:
    case F_SHORT:
    case F_VILLAGE:
    case F_NODIST:
        return l == L_COMMUNITY;
    case F_NOSTREET:
    case F_COMMONLY:
        return l == L_COMMUNITY || l == L_DISTRICT;
    case F_STREET:
        return l == L_STREET;
    case F_DROAD:
        return l == L_DISTRICT;
    default:
        return l == (city ? L_NONE : L_DISTRICT);
    }
}

static void reg_code(struct sample *s, const struct org *o, struct reg_row *row,
                     const struct reg_row *rows, int n_done)
{
    memcpy(row->code, o->code, sizeof(row->code));
    row->city = 0;
    if (!rng_chance(&s->rng, REG_CITY_SHARE))
        return;
    char c[19];
    snprintf(c, sizeof(c), "%.2s%s%.9s", o->code, CITY_CODE, o->code + 8);
    c[17] = sample_gb32100_check(c);
    c[18] = 0;
    if (geo_creditcode_check(c, NULL, 0) != 0)
        die("register: city-level code %s is invalid", c);
    if (sample_code_taken(s, c))
        return;
    for (int i = 0; i < n_done; i++)
        if (strcmp(rows[i].code, c) == 0)
            return;
    memcpy(row->code, c, sizeof(row->code));
    row->city = 1;
}

/* Draws the register's rows (orgs are already in their output order). */
void sample_register_make(struct sample *s, struct sample_register *reg)
{
    memset(reg, 0, sizeof(*reg));
    rng_seed(&s->rng, SEED_REGISTER);
    prepare_names(s, reg);
    struct reg_row *rows = reg->rows = xcalloc((size_t)s->n_orgs, sizeof(*rows));
    int column_county = sample_county_index(s, REG_COLUMN_COUNTY);
    char v[160];
    for (int i = 0; i < s->n_orgs; i++) {
        const struct org *o = &s->orgs[i];
        struct reg_row *row = &rows[i];
        reg_code(s, o, row, rows, i);
        row->coords = rng_chance(&s->rng, REG_COORD_SHARE);
        double w[N_FORMS];
        for (int f = 0; f < N_FORMS; f++) {
            w[f] = reg->comm_type[o->comm] == NM_JU ? form_w_ju[f] : form_w_cun[f];
            if (reg->comm_ambiguous[o->comm] && (f == F_NOSTREET || f == F_COMMONLY))
                w[f] *= 4; /* the name is shared within the county: worth testing */
            if (row->city && (f == F_NODIST || f == F_COMMONLY))
                w[f] = 0; /* no district in the text and none in the code */
        }
        struct resolved r = {L_NONE, -1, -1, -1, "none"};
        int tries = 0;
        for (;; tries++) {
            if (tries == 60)
                die("register: no usable address for %s (%s, form %s): last '%s' reads as %s",
                    o->code, s->comms[o->comm].name, reg_form_names[row->form], row->addr,
                    reg_level_names[r.level]);
            row->form = (enum form)rng_pick(&s->rng, w, N_FORMS);
            reg_address(s, reg, o, row, row->form, row->addr, sizeof(row->addr));
            r = resolve_row(s, reg, row->addr, NULL, row->code);
            if (!form_reaches(row->form, r.level, row->city))
                continue;
            /* whatever the text names must be the organization's own area */
            if ((r.level >= L_DISTRICT && r.county != o->county) ||
                (r.level >= L_STREET && r.town != o->town) ||
                (r.level >= L_COMMUNITY && r.comm != o->comm))
                continue;
            break;
        }
        row->column[0] = 0;
        if (o->county == column_county && r.county >= 0 && rng_chance(&s->rng, REG_COLUMN_SHARE)) {
            if (rng_chance(&s->rng, 0.05)) {
                snprintf(row->column, sizeof(row->column), "%s", s->comms[o->comm].code);
            } else {
                reg_comm_name(s, reg, o->comm, rng_chance(&s->rng, 0.5) ? F_FULL : F_COMMONLY, v,
                              sizeof(v));
                snprintf(row->column, sizeof(row->column), "%s", v);
            }
            struct resolved rc = resolve_row(s, reg, row->addr, row->column, row->code);
            if (rc.level == L_COMMUNITY && rc.comm != o->comm)
                die("register: 所属社区 '%s' of %s names another community", row->column, o->code);
            if (r.level < L_COMMUNITY && rc.level < L_COMMUNITY)
                row->column[0] = 0; /* a name the county shares: left blank, as registers do */
            else
                r = rc;
        }
        row->expect_nc = r.level;
        row->basis = r.basis;
        row->expect = row->coords ? L_POINT : r.level;
    }
}

void sample_register_release(struct sample_register *reg)
{
    free(reg->rows);
    free(reg->comm_stem);
    free(reg->comm_type);
    free(reg->comm_ambiguous);
    free(reg->town_stem);
    free(reg->town_is_jd);
    memset(reg, 0, sizeof(*reg));
}
