/*
 * bench_place - time cov_place on a synthetic national gazetteer, and
 * cov_place_point on synthetic concave areas.
 *
 *   bench_place [ADDRESSES [DISTRICTS STREETS COMMUNITIES [POLYGONS]]]
 *   defaults:     1000000    3000      40000   600000        10000
 *
 * Names are drawn from small pools of common characters, so that stems
 * repeat as they do in the national data (the same street name in many
 * districts, the same village name in several streets of one district).
 * Each address is written for a known community, in one of the shapes
 * registers use: with or without province/city prefix, district, street;
 * NBS or short suffixes; a road and a number after it, sometimes a road
 * named after the community. The run reports the time, the placements per
 * level, and how many were placed to an area that is not the address's own
 * (wrong) - which must stay 0 up to genuine name collisions in the
 * synthetic data. Fixed seed; prints lines like
 *   place addresses=1000000 ... seconds=1.23 cpu_seconds=1.20 ... wrong=0
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/geos.h"
#include "lib/bench_clock.h"
#include "lib/rng.h"
#include "../analysis/place.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
    return (unsigned)(rng_xorshift64(&rng_state) % n);
}

/* Common characters of place names. */
static const char *const POOL[] = {
    "新", "东", "西", "南", "北", "中", "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
    "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪",
    "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江",
    "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
    "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤", "庄", "集", "河", "山", "湖", "桥",
    "岗", "营", "店", "屯", "寨", "坝", "埠", "圩", "沟", "湾", "口", "楼", "港", "浦", "城", "阳",
    "华", "兴", "安", "平", "和", "丰", "福", "康", "宁", "泰", "盛", "昌", "明", "光", "春", "秋",
    "花", "园", "林", "松", "柏", "竹", "梅", "青", "红", "金", "银", "龙", "凤", "云", "海", "天",
};
enum { NPOOL = sizeof(POOL) / sizeof(POOL[0]) };

static void stem(char *out, size_t cap, int chars, unsigned pool)
{
    out[0] = '\0';
    for (int i = 0; i < chars; i++)
        strncat(out, POOL[rnd(pool)], cap - strlen(out) - 1);
}

struct truth {
    int32_t d, s, c;
};

static int build(struct cov_model *m, long nd, long ns, long nc)
{
    char code[64], parent[32], name[64], st[40];
    for (long i = 0; i < nd; i++) {
        static const char *const suf[] = {"区", "县", "市"};
        /* 3,000 distinct-ish district names from 2 characters of the pool */
        snprintf(name, sizeof(name), "%s%s%s", POOL[(unsigned)i % NPOOL],
                 POOL[((unsigned)i / NPOOL + (unsigned)i * 7) % NPOOL], suf[i % 3]);
        snprintf(code, sizeof(code), "%06ld", 110000 + i);
        struct cov_area a = {0};
        a.code = code;
        a.name = name;
        if (cov_model_add_area(m, COV_DISTRICTS, &a) < 0)
            return -1;
    }
    for (long i = 0; i < ns; i++) {
        static const char *const suf[] = {"街道办事处", "街道", "镇", "乡", "镇"};
        long d = i % nd;
        stem(st, sizeof(st), 2, 120); /* street names repeat across districts */
        snprintf(name, sizeof(name), "%s%s", st, suf[rnd(5)]);
        snprintf(code, sizeof(code), "%06ld%03ld", 110000 + d, i / nd + 1);
        snprintf(parent, sizeof(parent), "%06ld", 110000 + d);
        struct cov_area a = {0};
        a.code = code;
        a.name = name;
        a.parent = parent;
        if (cov_model_add_area(m, COV_STREETS, &a) < 0)
            return -1;
    }
    for (long i = 0; i < nc; i++) {
        long s = i % ns;
        int rural = rnd(3) != 0;
        stem(st, sizeof(st), 2 + (rnd(4) == 0), 90); /* villages repeat within a county */
        snprintf(name, sizeof(name), "%s%s", st, rural ? "村委会" : "社区居委会");
        snprintf(code, sizeof(code), "%s%03ld", m->areas[COV_STREETS][s].code, i / ns + 1);
        struct cov_area a = {0};
        a.code = code;
        a.name = name;
        a.parent = m->areas[COV_STREETS][s].code;
        a.ur = rural ? COV_UR_RURAL : COV_UR_URBAN;
        if (cov_model_add_area(m, COV_COMMUNITIES, &a) < 0)
            return -1;
    }
    return 0;
}

/* Strip a known suffix into out; returns the stem. */
static const char *strip(char *out, size_t cap, const char *name, const char *const *sufs)
{
    snprintf(out, cap, "%s", name);
    size_t n = strlen(out);
    for (int i = 0; sufs[i]; i++) {
        size_t l = strlen(sufs[i]);
        if (n > l && !strcmp(out + n - l, sufs[i])) {
            out[n - l] = '\0';
            break;
        }
    }
    return out;
}

/* One address for community c, in a random shape. */
static void address(const struct cov_model *m, long c, char *out, size_t cap)
{
    static const char *const ssuf[] = {"街道办事处", "街道", NULL};
    static const char *const csuf[] = {"社区居委会", "村委会", NULL};
    const struct cov_area *ca = &m->areas[COV_COMMUNITIES][c];
    long s = c % (long)m->n_areas[COV_STREETS];
    long d = s % (long)m->n_areas[COV_DISTRICTS];
    const struct cov_area *sa = &m->areas[COV_STREETS][s], *da = &m->areas[COV_DISTRICTS][d];
    char ss[64], cs[64];
    strip(ss, sizeof(ss), sa->name, ssuf);
    strip(cs, sizeof(cs), ca->name, csuf);
    int urban = ca->ur == COV_UR_URBAN;
    size_t o = 0;
    unsigned shape = rnd(10);
    if (rnd(2))
        o += (size_t)snprintf(out + o, cap - o, "江苏省某某市");
    if (shape != 0) /* 10 %: no district */
        o += (size_t)snprintf(out + o, cap - o, "%s", da->name);
    if (shape >= 2) { /* 20 %: no street */
        int town = strstr(sa->name, "镇") || strstr(sa->name, "乡");
        o += (size_t)snprintf(out + o, cap - o, "%s%s", ss, town ? "" : rnd(2) ? "街道" : "办事处");
    }
    if (shape != 9) { /* 10 %: no community, a road named after it */
        static const char *const us[] = {"社区", "居委会", "社区居委会"};
        static const char *const rs[] = {"村", "村委会", "村民委员会"};
        o += (size_t)snprintf(out + o, cap - o, "%s%s", cs, urban ? us[rnd(3)] : rs[rnd(3)]);
        o += (size_t)snprintf(out + o, cap - o, "%s路%u号", POOL[rnd(NPOOL)], 1 + rnd(300));
    } else {
        o += (size_t)snprintf(out + o, cap - o, "%s路%u号", cs, 1 + rnd(300));
    }
}

static int run_place(const struct cov_model *m, long n_addr)
{
    double t0 = bench_now();
    struct cov_gazetteer *g = cov_gazetteer_new(m);
    if (!g)
        return 1;
    double t_build = bench_now() - t0;
    /* addresses generated up front, so that only placing is timed */
    size_t cap = 160;
    char *buf = malloc((size_t)n_addr * cap);
    long *truth = malloc((size_t)n_addr * sizeof(long));
    if (!buf || !truth)
        return 1;
    long nc = (long)m->n_areas[COV_COMMUNITIES];
    for (long i = 0; i < n_addr; i++) {
        truth[i] = (long)(rng_xorshift64(&rng_state) % (uint64_t)nc);
        address(m, truth[i], buf + (size_t)i * cap, cap);
    }
    long count[COV_PLACED_COUNT] = {0}, wrong = 0;
    double t1 = bench_now(), c1 = bench_cpu_now();
    for (long i = 0; i < n_addr; i++) {
        struct cov_place_in in = {NULL, NULL, buf + (size_t)i * cap, NULL};
        struct cov_placement p;
        if (cov_place(g, &in, &p))
            return 1;
        count[p.level]++;
        long c = truth[i];
        long s = c % (long)m->n_areas[COV_STREETS];
        long d = s % (long)m->n_areas[COV_DISTRICTS];
        if ((p.community >= 0 && p.community != c) || (p.street >= 0 && p.street != s) ||
            (p.district >= 0 && p.district != d)) {
            if (wrong < 5)
                fprintf(stderr, "bench_place: wrong: %s -> %s %d/%d/%d\n", buf + (size_t)i * cap,
                        cov_placed_name(p.level), (int)p.district, (int)p.street, (int)p.community);
            wrong++;
        }
    }
    double t = bench_now() - t1, cpu = bench_cpu_now() - c1;
    printf("place addresses=%ld districts=%zu streets=%zu communities=%zu build_seconds=%.2f "
           "seconds=%.2f cpu_seconds=%.2f per_cpu_second=%.0f community=%ld street=%ld "
           "district=%ld none=%ld wrong=%ld\n",
           n_addr, m->n_areas[COV_DISTRICTS], m->n_areas[COV_STREETS], m->n_areas[COV_COMMUNITIES],
           t_build, t, cpu, cpu > 0 ? (double)n_addr / cpu : 0.0, count[COV_PLACED_COMMUNITY],
           count[COV_PLACED_STREET], count[COV_PLACED_DISTRICT], count[COV_PLACED_NONE], wrong);
    fflush(stdout);
    free(buf);
    free(truth);
    cov_gazetteer_free(g);
    return 0;
}

/* A concave star of k points (2k vertices) around (cx, cy). */
static GEOSGeometry *star(GEOSContextHandle_t h, double cx, double cy, int k)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)(2 * k + 1), 2);
    for (int i = 0; i <= 2 * k; i++) {
        double a = M_PI * (double)(i % (2 * k)) / k;
        double r = (i % 2 ? 300.0 : 1000.0) * (0.8 + 0.4 * (double)rnd(1000) / 1000.0);
        if (i == 2 * k) {
            double x, y;
            GEOSCoordSeq_getXY_r(h, cs, 0, &x, &y);
            GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, x, y);
        } else {
            GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, cx + r * cos(a), cy + r * sin(a));
        }
    }
    return GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, cs), NULL, 0);
}

static int run_points(long n)
{
    GEOSContextHandle_t h = cov_geos_new();
    if (!h)
        return 1;
    GEOSGeometry **polys = malloc((size_t)n * sizeof(*polys) + 1);
    if (!polys)
        return 1;
    for (long i = 0; i < n; i++)
        polys[i] =
            star(h, (double)(i % 1000) * 3000.0, (double)(i / 1000) * 3000.0, 8 + (int)rnd(120));
    long inside = 0;
    double t0 = bench_now(), c0 = bench_cpu_now();
    for (long i = 0; i < n; i++) {
        double x, y;
        if (cov_place_point(h, polys[i], &x, &y))
            return 1;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        inside += GEOSContains_r(h, polys[i], pt) == 1;
        GEOSGeom_destroy_r(h, pt);
    }
    double t = bench_now() - t0, cpu = bench_cpu_now() - c0;
    printf("place_point polygons=%ld vertices=16..254 seconds=%.2f cpu_seconds=%.2f "
           "per_cpu_second=%.0f inside=%ld\n",
           n, t, cpu, cpu > 0 ? (double)n / cpu : 0.0, inside);
    for (long i = 0; i < n; i++)
        GEOSGeom_destroy_r(h, polys[i]);
    free(polys);
    cov_geos_free(h);
    return inside == n ? 0 : 1;
}

static long arg_long(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return (end == s || *end || v < 1) ? -1 : v;
}

int main(int argc, char **argv)
{
    long v[5] = {1000000, 3000, 40000, 600000, 10000};
    if (argc != 1 && argc != 2 && argc != 5 && argc != 6) {
        fprintf(stderr, "usage: bench_place [ADDRESSES [DISTRICTS STREETS COMMUNITIES "
                        "[POLYGONS]]]\n");
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if ((v[i - 1] = arg_long(argv[i])) < 0 || (i >= 3 && i <= 4 && v[i - 1] < v[i - 2])) {
            fprintf(stderr,
                    "bench_place: bad number %s (streets >= districts, communities >= "
                    "streets)\n",
                    argv[i]);
            return 2;
        }
    if (v[1] > 899999 || v[2] / v[1] > 998 || v[3] / v[2] > 998) {
        fprintf(stderr, "bench_place: at most 899999 districts, 998 streets per district and 998 "
                        "communities per street\n");
        return 2;
    }
    struct cov_model *m = cov_model_new();
    if (!m)
        return 1;
    double t0 = bench_now();
    if (build(m, v[1], v[2], v[3])) {
        fprintf(stderr, "bench_place: cannot build the synthetic gazetteer\n");
        cov_model_free(m);
        return 1;
    }
    fprintf(stderr, "bench_place: generated in %.2f s\n", bench_now() - t0);
    int rc = run_place(m, v[0]);
    cov_model_free(m);
    if (!rc)
        rc = run_points(v[4]);
    return rc;
}
