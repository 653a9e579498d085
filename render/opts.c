/* opts.c - the options of a map: defaults, and the page size and theme as a
 * user writes them. */
#include "map.h"
#include "../analysis/i18n.h"

#include <string.h>
#include <strings.h>

void map_opts_init(struct map_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->theme = MAP_THEME_COVERAGE;
    o->page_w_mm = 297;
    o->page_h_mm = 210;
    o->dpi = 150;
    o->area_layer = COV_DISTRICTS;
    o->area = -1;
}

static int parse_dim(const char *s, const char *end, int *out)
{
    if (s == end || end - s > 6)
        return -1;
    int v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < 16 || v > 20000)
        return -1;
    *out = v;
    return 0;
}

int map_size_parse(const char *s, struct map_opts *o, struct cov_err *err)
{
    static const struct {
        const char *name;
        double w, h;
    } pages[] = {
        {"A4", 210, 297}, {"A3", 297, 420}, {"A4-landscape", 297, 210}, {"A3-landscape", 420, 297}};
    if (s) {
        for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
            if (!strcasecmp(s, pages[i].name)) {
                o->page_w_mm = pages[i].w;
                o->page_h_mm = pages[i].h;
                o->px_w = o->px_h = 0;
                return 0;
            }
        }
        const char *x = strpbrk(s, "xX");
        int w, h;
        if (x && !parse_dim(s, x, &w) && !parse_dim(x + 1, x + strlen(x), &h)) {
            o->px_w = w;
            o->px_h = h;
            return 0;
        }
    }
    return cov_err_set(err, COV_EINPUT,
                       _("size '%s': expected A4, A3, A4-landscape, A3-landscape or WxH in "
                         "pixels (e.g. 1600x1200, 16..20000 each)"),
                       s ? s : "");
}

int map_theme_parse(const char *s, enum map_theme *t, struct cov_err *err)
{
    static const char *const names[] = {"coverage", "targets", "plan"};
    for (int i = 0; s && i < 3; i++) {
        if (!strcmp(s, names[i])) {
            *t = (enum map_theme)i;
            return 0;
        }
    }
    return cov_err_set(err, COV_EINPUT, _("theme '%s': expected coverage, targets or plan"),
                       s ? s : "");
}
