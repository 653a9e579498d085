/* text.c - text in the map font with pango: layouts, their size, drawing
 * with a halo, the font check and the release of pango's caches. */
#include "render_int.h"

PangoContext *map_text_context_new(cairo_t *cr)
{
    PangoContext *pc = pango_cairo_create_context(cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    /* Pango rounds glyph positions to whole units of user space by default.
     * Our user space is the page in points, scaled to the device afterwards
     * (2.08 pixels a point at 150 dpi): a position rounded by up to half a
     * point lands a pixel or more off, so small text falls apart ("Vonn g/ad
     * code") at sizes where the rounding errors add up. Unrounded positions
     * are exact at every scale. */
    pango_context_set_round_glyph_positions(pc, FALSE);
    return pc;
}

PangoLayout *map_text_new(PangoContext *pc, const char *s, double size, int bold, double width)
{
    PangoLayout *ly = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_from_string(MAP_FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(ly, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(ly, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(ly, s, -1);
    return ly;
}

void map_text_size(PangoLayout *ly, double *w, double *h)
{
    int iw, ih;
    pango_layout_get_size(ly, &iw, &ih);
    *w = (double)iw / PANGO_SCALE;
    *h = (double)ih / PANGO_SCALE;
}

void map_text_draw(cairo_t *cr, PangoLayout *ly, double x, double y, struct map_rgb c, double halo)
{
    if (halo > 0) {
        cairo_new_path(cr);
        cairo_move_to(cr, x, y);
        pango_cairo_layout_path(cr, ly);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_set_line_width(cr, halo);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_move_to(cr, x, y);
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    pango_cairo_show_layout(cr, ly);
    cairo_new_path(cr);
}

double map_text_at(cairo_t *cr, PangoContext *pc, const char *s, double x, double y, double size,
                   int bold, struct map_rgb c, int align)
{
    PangoLayout *ly = map_text_new(pc, s, size, bold, 0);
    double w, h;
    map_text_size(ly, &w, &h);
    double tx = align == 1 ? x - w : align == 2 ? x - w / 2 : x;
    map_text_draw(cr, ly, tx, y, c, 0);
    g_object_unref(ly);
    return w;
}

int map_text_unknown_glyphs(const char *text)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    cairo_t *cr = cairo_create(s);
    PangoLayout *ly = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(MAP_FONT " 10");
    pango_layout_set_font_description(ly, fd);
    pango_layout_set_text(ly, text, -1);
    int n = pango_layout_get_unknown_glyphs_count(ly);
    pango_font_description_free(fd);
    g_object_unref(ly);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return n;
}

void map_global_cleanup(void)
{
    /* Drops pango's font map and with it the cached fonts. cairo_debug_reset_static_data()
     * and FcFini() would free more, but they assert that no cairo object is alive
     * anywhere, and pango's caches made that fail now and then (an abort in
     * _cairo_hash_table_destroy); what is left is reachable and freed at exit, except a
     * small fontconfig parser leak suppressed by name in tests/lsan.supp. */
    pango_cairo_font_map_set_default(NULL);
}
