/* style.c - the look of every class a map shows: status, community, target
 * and group colours, the aggregation classes, and numbers as text. */
#include "render_int.h"

#include <stdio.h>

static struct map_rgb hex(unsigned v)
{
    return (struct map_rgb){((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0,
                            (v & 0xff) / 255.0};
}

/* Okabe & Ito (2008), "Color Universal Design": distinguishable with every
 * common form of colour blindness. Uncovered classes take the warm colours. */
static const struct map_rgb status_colors[COV_ST_COUNT] = {
    [COV_ST_STANDALONE] = {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}, /* bluish green */
    [COV_ST_JOINT] = {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0},      /* sky blue */
    [COV_ST_REGIONAL] = {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0},   /* blue */
    [COV_ST_INDUSTRY] = {0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0},   /* reddish purple */
    [COV_ST_FUNCTIONAL] = {0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0}, /* yellow */
    [COV_ST_ELIGIBLE] = {0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0},   /* vermillion */
    [COV_ST_SMALL] = {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0},      /* orange */
    [COV_ST_NO_MEMBERS] = {0x99 / 255.0, 0x99 / 255.0, 0x99 / 255.0}, /* grey */
};

struct map_rgb map_status_color(enum cov_status s)
{
    if ((unsigned)s >= COV_ST_COUNT)
        return (struct map_rgb){0, 0, 0};
    return status_colors[s];
}

int map_status_covered(enum cov_status s)
{
    return s <= COV_ST_FUNCTIONAL;
}

/* ColorBrewer RdYlBu, 4 classes (colour-blind safe): red = little covered. */
struct map_rgb map_agg_color(int k)
{
    static const unsigned c[MAP_AGG_CLASSES] = {0xd7191c, 0xfdae61, 0xabd9e9, 0x2c7bb6};
    return hex(c[k < 0 ? 0 : k >= MAP_AGG_CLASSES ? MAP_AGG_CLASSES - 1 : k]);
}

/* Where classes 1, 2, 3 start: the legend's labels are written from these. */
static const double agg_breaks[MAP_AGG_CLASSES] = {0, 0.5, 0.75, 0.9};

int map_agg_class(double share)
{
    int k = 0;
    while (k + 1 < MAP_AGG_CLASSES && !(share < agg_breaks[k + 1]))
        k++;
    return k;
}

double map_agg_break(int k)
{
    return agg_breaks[k < 0 ? 0 : k >= MAP_AGG_CLASSES ? MAP_AGG_CLASSES - 1 : k];
}

struct map_rgb map_community_fill(enum cov_ur ur)
{
    /* subtle: warm grey for urban, pale green-grey for rural */
    return hex(ur == COV_UR_URBAN ? 0xece6df : ur == COV_UR_RURAL ? 0xeef2e6 : 0xf1f1f1);
}

/* ColorBrewer PuOr: blue-purple for met, oranges for the shortfall. */
struct map_rgb map_tclass_color(int tclass)
{
    static const unsigned c[MAP_T_COUNT] = {0xededed, 0xcfd8ea, 0xfdb863, 0xe66101};
    return hex(c[tclass < 0 || tclass >= MAP_T_COUNT ? 0 : tclass]);
}

struct map_rgb map_group_color(int kind)
{
    static const unsigned c[COV_G_COUNT] = {[COV_G_STANDALONE] = 0x009e73,
                                            [COV_G_FUNCTIONAL] = 0xcc79a7,
                                            [COV_G_REGIONAL] = 0x0072b2,
                                            [COV_G_INDUSTRY] = 0xe69f00,
                                            [COV_G_JOINT] = 0xd55e00};
    return hex(c[kind < 0 || kind >= COV_G_COUNT ? 0 : kind]);
}

void map_set_rgb(cairo_t *cr, struct map_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void map_set_rgba(cairo_t *cr, struct map_rgb c, double a)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

void map_format_count(long v, char *buf, size_t n)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%ld", v < 0 ? -v : v);
    size_t k = 0;
    if (v < 0 && k + 1 < n)
        buf[k++] = '-';
    for (int i = 0; i < len && k + 1 < n; i++) {
        if (i && (len - i) % 3 == 0 && k + 1 < n)
            buf[k++] = ',';
        if (k + 1 < n)
            buf[k++] = tmp[i];
    }
    if (n)
        buf[k < n ? k : n - 1] = 0;
}

const char *map_unit_orgs(long n, int en)
{
    return map_trn(en, "organization", "organizations", n);
}

struct map_rgb map_rgb_fade(struct map_rgb c, double a)
{
    return (struct map_rgb){1 - a * (1 - c.r), 1 - a * (1 - c.g), 1 - a * (1 - c.b)};
}
