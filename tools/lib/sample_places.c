/*
 * sample_places.c - the sample's parks (industrial parks, 园区) and office
 * buildings (楼宇): fixed names near fixed towns, shapes drawn until they lie
 * in their county and mostly on communities.
 */
#include "sample.h"
#include "sample_geom.h"
#include "die.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct park_spec {
    const char *town, *name;
    double dx_km, dy_km, area_km2;
    int covered;
};

static const struct park_spec park_specs[] = {
    {"320706006", "连云港经济技术开发区科创园", 2.6, 1.2, 3.0, 1},
    {"320707100", "赣榆经济开发区智能制造产业园", -1.5, -1.8, 2.6, 0},
    {"320722001", "东海高新技术产业开发区硅材料产业园", 1.8, -1.6, 3.2, 1},
    {"320723100", "灌云经济开发区电子信息产业园", -1.6, 1.4, 2.2, 0},
    {"320724100", "灌南经济开发区食品产业园", 1.7, 1.5, 2.4, 1},
};

struct bldg_spec {
    const char *town, *name;
    int covered;
};

static const struct bldg_spec bldg_specs[] = {
    {"320706006", "港城国际金融中心", 1}, {"320706006", "新海商务大厦", 0},
    {"320706006", "海联科技大厦", 1},     {"320706016", "浦西商务中心", 0},
    {"320706016", "鑫港大厦", 1},         {"320706017", "新东总部大楼", 0},
    {"320706017", "连云港人才大厦", 1},   {"320706019", "路南商贸大厦", 1},
    {"320706018", "凯达国际商务楼", 0},   {"320706013", "洪门创业大厦", 1},
    {"320706001", "朐阳众创大厦", 0},     {"320703001", "墟沟港航大厦", 1},
    {"320703001", "海滨国际写字楼", 0},   {"320703008", "海州湾商务中心", 1},
    {"320703003", "连云港口大厦", 0},     {"320706012", "幸福路科技大厦", 1},
};

static int comm_covered_fraction_ok(struct sample *s, const GEOSGeometry *g)
{
    /* the place must lie in the county and mostly on communities */
    double x0, y0, x1, y1, hit = 0;
    sg_envelope(s->gh, g, &x0, &y0, &x1, &y1);
    const GEOSPreparedGeometry *p = GEOSPrepare_r(s->gh, g);
    int tot = 0;
    for (int i = 0; i < 200; i++) {
        double x = rng_range(&s->rng, x0, x1), y = rng_range(&s->rng, y0, y1);
        if (!sg_contains(s->gh, p, x, y))
            continue;
        tot++;
        if (sample_find_comm(s, x, y) >= 0)
            hit++;
    }
    GEOSPreparedGeom_destroy_r(s->gh, p);
    return tot > 20 && hit / tot > 0.85;
}

void sample_make_parks(struct sample *s)
{
    int n = (int)(sizeof(park_specs) / sizeof(park_specs[0]));
    for (int i = 0; i < n; i++) {
        const struct park_spec *spec = &park_specs[i];
        int ti = sample_town_index(s, spec->town);
        if (ti < 0)
            die("park %s: no town %s", spec->name, spec->town);
        struct town *t = &s->towns[ti];
        struct place *p = &s->parks[s->n_parks];
        double r_m = sqrt(spec->area_km2 * 1e6 / SAMPLE_PI);
        double cx = t->x + spec->dx_km * 1000 / M_PER_DEG_LON;
        double cy = t->y + spec->dy_km * 1000 / M_PER_DEG_LAT;
        GEOSGeometry *g = NULL;
        for (int attempt = 0; attempt < 50; attempt++) {
            double xy[24];
            double rot = rng_range(&s->rng, 0, 2 * SAMPLE_PI);
            for (int k = 0; k < 12; k++) {
                double a = rot + 2 * SAMPLE_PI * k / 12, r = r_m * rng_range(&s->rng, 0.8, 1.15);
                xy[2 * k] = cx + r * cos(a) * 1.25 / M_PER_DEG_LON;
                xy[2 * k + 1] = cy + r * sin(a) * 0.8 / M_PER_DEG_LAT;
            }
            g = sg_snap6(s->gh, sg_polygon(s->gh, xy, 12));
            char inside = GEOSPreparedContains_r(s->gh, s->counties[t->county].prep, g);
            if (inside == 1 && comm_covered_fraction_ok(s, g))
                break;
            GEOSGeom_destroy_r(s->gh, g);
            g = NULL;
            cx = t->x + rng_range(&s->rng, -3, 3) * 1000 / M_PER_DEG_LON;
            cy = t->y + rng_range(&s->rng, -3, 3) * 1000 / M_PER_DEG_LAT;
        }
        if (!g)
            die("park %s: no place found", spec->name);
        char code[sizeof(p->code)]; /* a buffer: GCC takes p->code and the county for overlapping */
        snprintf(code, sizeof(code), "YQ%s%02d", s->counties[t->county].code, i + 1);
        memcpy(p->code, code, sizeof(code));
        snprintf(p->name, sizeof(p->name), "%s", spec->name);
        p->county = t->county;
        p->covered = spec->covered;
        p->geom = g;
        p->prep = GEOSPrepare_r(s->gh, g);
        p->boundary = GEOSBoundary_r(s->gh, g);
        s->n_parks++;
    }
}

void sample_bldg_corner(const struct place *b, double u, double v, double *x, double *y)
{
    double ca = cos(b->angle), sa = sin(b->angle);
    double mx = (u * ca - v * sa) * b->half, my = (u * sa + v * ca) * b->half;
    *x = b->cx + mx / M_PER_DEG_LON;
    *y = b->cy + my / M_PER_DEG_LAT;
}

void sample_make_buildings(struct sample *s)
{
    int n = (int)(sizeof(bldg_specs) / sizeof(bldg_specs[0]));
    for (int i = 0; i < n; i++) {
        const struct bldg_spec *spec = &bldg_specs[i];
        int ti = sample_town_index(s, spec->town);
        if (ti < 0)
            die("building %s: no town %s", spec->name, spec->town);
        struct town *t = &s->towns[ti];
        struct place *b = &s->bldgs[s->n_bldgs];
        int ok = 0;
        for (int attempt = 0; attempt < 500 && !ok; attempt++) {
            double r = rng_range(&s->rng, 100, 1400), a = rng_range(&s->rng, 0, 2 * SAMPLE_PI);
            b->cx = t->x + r * cos(a) / M_PER_DEG_LON;
            b->cy = t->y + r * sin(a) / M_PER_DEG_LAT;
            b->half = rng_range(&s->rng, 30, 50);
            b->angle = rng_range(&s->rng, -0.3, 0.3);
            if (!sg_contains(s->gh, t->prep, b->cx, b->cy))
                continue;
            int far = 1;
            for (int j = 0; j < s->n_bldgs && far; j++) {
                double dx = (s->bldgs[j].cx - b->cx) * M_PER_DEG_LON;
                double dy = (s->bldgs[j].cy - b->cy) * M_PER_DEG_LAT;
                far = dx * dx + dy * dy > 300.0 * 300.0;
            }
            if (!far)
                continue;
            /* most of the footprint must be usable for org points */
            int good = 0;
            for (int k = 0; k < 9; k++) {
                double x, y;
                sample_bldg_corner(b, -0.6 + 0.6 * (k % 3), -0.6 + 0.6 * (k / 3), &x, &y);
                good += sample_find_comm(s, x, y) >= 0;
            }
            ok = good == 9;
        }
        if (!ok)
            die("building %s: no place found", spec->name);
        double xy[8];
        static const double us[4] = {-1, 1, 1, -1}, vs[4] = {-1, -1, 1, 1};
        for (int k = 0; k < 4; k++)
            sample_bldg_corner(b, us[k], vs[k], &xy[2 * k], &xy[2 * k + 1]);
        b->geom = sg_snap6(s->gh, sg_polygon(s->gh, xy, 4));
        b->prep = GEOSPrepare_r(s->gh, b->geom);
        b->boundary = GEOSBoundary_r(s->gh, b->geom);
        char code[sizeof(b->code)]; /* a buffer: GCC takes b->code and the county for overlapping */
        snprintf(code, sizeof(code), "LY%s%02d", s->counties[t->county].code, i + 1);
        memcpy(b->code, code, sizeof(code));
        snprintf(b->name, sizeof(b->name), "%s", spec->name);
        b->county = t->county;
        b->covered = spec->covered;
        s->n_bldgs++;
    }
}
