/* page.c - map_render() and map_render_atlas(): the output surface (PNG,
 * PDF, or SVG drawn once per layer and merged), one page's pass set up and
 * drawn in order (layout, theme classes, layers, labels, furniture, legend),
 * and the surface finished with its errors. */
#include "render_int.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    unsigned bit;
    const char *name; /* SVG group "layer-NAME"; also the id prefix of the pass */
} LAYERS[] = {
    {ML_BACKGROUND, "background"}, {ML_COMMUNITIES, "communities"},
    {ML_PARKS, "parks-buildings"}, {ML_STREETS, "streets"},
    {ML_DISTRICTS, "districts"},   {ML_FOCUS, "focus"},
    {ML_ORGS, "organizations"},    {ML_PLAN, "plan"},
    {ML_LABELS, "labels"},         {ML_FURNITURE, "furniture"},
    {ML_LEGEND, "legend"},
};

/* Compute the layout and the theme classes of a page drawn on cr (which also
 * sets up the pango context). Release with page_end() in every case. */
static int page_begin(struct map_ctx *r, cairo_t *cr, const struct cov_model *m,
                      const struct map_opts *o, struct map_sbuf *meta, struct cov_err *err)
{
    *r = (struct map_ctx){.layers = ML_ALL, .m = m, .o = o, .cr = cr, .meta = meta};
    int rc = map_layout_compute(m, o, &r->L, err);
    if (rc)
        return rc;
    r->pc = map_text_context_new(cr);
    map_furniture_place(r);

    if (o->theme == MAP_THEME_TARGETS) {
        size_t nc = m->n_areas[COV_COMMUNITIES];
        r->cls = malloc(nc ? nc : 1);
        r->have = malloc((nc ? nc : 1) * sizeof(*r->have));
        r->need = malloc((nc ? nc : 1) * sizeof(*r->need));
        if (!r->cls || !r->have || !r->need)
            return cov_err_set(err, COV_ENOMEM, _("out of memory drawing the targets map"));
        if (map_targets_classes(m, o->targets, r->cls, r->have, r->need))
            return cov_err_set(err, COV_EINPUT,
                               _("targets refer to a community the model does not have"));
    }
    return 0;
}

static void page_end(struct map_ctx *r)
{
    if (r->pc)
        g_object_unref(r->pc);
    r->pc = NULL;
    map_layout_release(&r->L);
    free(r->buf);
    free(r->cls);
    free(r->have);
    free(r->need);
    r->buf = NULL;
    r->cls = NULL;
    r->have = r->need = NULL;
}

/* The layers page r has (ML_* bits), for the SVG groups. */
static unsigned page_layers(const struct map_ctx *r)
{
    const struct cov_model *m = r->m;
    unsigned l = ML_BACKGROUND | ML_COMMUNITIES | ML_STREETS | ML_DISTRICTS | ML_LABELS |
                 ML_FURNITURE | ML_LEGEND;
    if (m->n_areas[COV_PARKS] || m->n_areas[COV_BUILDINGS])
        l |= ML_PARKS;
    if (r->o->theme == MAP_THEME_COVERAGE)
        l |= ML_ORGS;
    if (r->o->theme == MAP_THEME_PLAN)
        l |= ML_PLAN;
    if (r->L.focus >= 0)
        l |= ML_FOCUS;
    return l;
}

/* Draw the layers r->layers of the page on r->cr; 0 or the error. */
static int page_draw(struct map_ctx *r, struct cov_err *err)
{
    cairo_t *cr = r->cr;
    r->n_obst = 0;
    if (map_on(r, ML_BACKGROUND)) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    const struct map_view *v = &r->L.view;
    cairo_save(cr);
    cairo_rectangle(cr, v->fx, v->fy, v->fw, v->fh);
    cairo_clip(cr);
    map_draw_layers(r);
    /* the furniture inside the frame is an obstacle to the labels */
    map_north_arrow_box(r, r->obst[r->n_obst++]);
    double sb[4];
    map_draw_scalebar(r, sb);
    memcpy(r->obst[r->n_obst++], sb, sizeof(sb));
    for (size_t k = 0; k < r->n_arrows; k++)
        memcpy(r->obst[r->n_obst++], r->arrow_box[k], sizeof(r->arrow_box[k]));
    if (map_on(r, ML_LABELS))
        map_draw_labels(r);
    if (map_on(r, ML_FURNITURE)) {
        map_draw_north_arrow(r);
        map_draw_part_arrows(r);
    }
    /* redraw the scale bar over any label halo that came close */
    map_draw_scalebar(r, sb);
    cairo_restore(cr);
    if (map_on(r, ML_FURNITURE))
        map_draw_titles(r);
    if (map_on(r, ML_LEGEND))
        map_draw_legend(r);
    if (r->oom)
        return cov_err_set(err, COV_ENOMEM, _("out of memory drawing the map"));
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return cov_err_set(err, COV_EFAIL, _("drawing failed: %s"),
                           cairo_status_to_string(cairo_status(cr)));
    return 0;
}

/* One page with all its layers (PNG, PDF, atlas pages). */
static int draw_page(cairo_t *cr, const struct cov_model *m, const struct map_opts *o,
                     struct map_sbuf *meta, struct cov_err *err)
{
    struct map_ctx r;
    int rc = page_begin(&r, cr, m, o, meta, err);
    if (!rc)
        rc = page_draw(&r, err);
    page_end(&r);
    return rc;
}

/* ---- surfaces ---- */

enum fmt { FMT_PNG, FMT_PDF, FMT_SVG, FMT_BAD };

static enum fmt fmt_of(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n < 5)
        return FMT_BAD;
    if (!strcasecmp(path + n - 4, ".png"))
        return FMT_PNG;
    if (!strcasecmp(path + n - 4, ".pdf"))
        return FMT_PDF;
    if (!strcasecmp(path + n - 4, ".svg"))
        return FMT_SVG;
    return FMT_BAD;
}

static int check_inputs(const struct cov_model *m, const struct map_opts *o, struct cov_err *err)
{
    if (!m->assigned || !m->classified)
        return cov_err_set(err, COV_EINPUT,
                           _("the model must be assigned and classified before it is drawn "
                             "(run the coverage analysis first)"));
    if (o->theme == MAP_THEME_TARGETS && !o->targets)
        return cov_err_set(err, COV_EINPUT, _("the targets map needs the target checks"));
    if (o->theme == MAP_THEME_PLAN && !o->plan)
        return cov_err_set(err, COV_EINPUT, _("the plan map needs a proposal plan"));
    if ((unsigned)o->theme > MAP_THEME_PLAN)
        return cov_err_set(err, COV_EINPUT, _("unknown map theme %d"), (int)o->theme);
    return 0;
}

static int surface_error(cairo_surface_t *s, const char *path, struct cov_err *err)
{
    cairo_status_t st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        return 0;
    return cov_err_set(err, st == CAIRO_STATUS_NO_MEMORY ? COV_ENOMEM : COV_EIO,
                       "%s: cannot write: %s", path, cairo_status_to_string(st));
}

/* Destroy cr and finish and destroy s (either may be NULL); a write error of
 * the surface becomes the result when there was none before. */
static int surface_close(cairo_t *cr, cairo_surface_t *s, const char *path, int rc,
                         struct cov_err *err)
{
    if (cr)
        cairo_destroy(cr);
    if (s) {
        cairo_surface_finish(s);
        if (!rc)
            rc = surface_error(s, path, err);
        cairo_surface_destroy(s);
    }
    return rc;
}

/* ---- SVG: one cairo document per layer, merged into named groups ---- */

/*
 * cairo 1.16 cannot name groups in SVG output, so the page is drawn once per
 * layer, each into its own in-memory SVG document with the same page and
 * transforms, and the documents are merged into one: one <svg> root, then per
 * layer its <defs> and a <g id="layer-NAME" inkscape:groupmode="layer">
 * (QGIS, Inkscape and browsers see the layers), ids prefixed per layer so
 * glyphs and clips of different documents never collide. cairo writes text as
 * glyph outlines, so the title, the legend entries (with counts) and the
 * placed labels are also given as the SVG's <title> and <desc>.
 */
static int render_svg(const struct cov_model *m, const struct map_opts *o, double w, double h,
                      const char *title, struct cov_err *err)
{
    struct map_ctx r = {0};
    struct map_sbuf meta = {0}, doc = {0}, head = {0}, body = {0}, t = {0};
    cairo_surface_t *s = NULL;
    cairo_t *cr = NULL;
    int rc = 0, begun = 0;
    unsigned want = 0;
    FILE *out = fopen(o->path, "wb"); /* an unwritable path fails before the drawing */
    if (!out)
        return cov_err_set(err, COV_EIO, _("%s: cannot write"), o->path);
    for (size_t i = 0; i < sizeof(LAYERS) / sizeof(LAYERS[0]); i++) {
        if (begun && !(want & LAYERS[i].bit))
            continue;
        doc.len = 0;
        s = cairo_svg_surface_create_for_stream(map_svg_write, &doc, w, h);
        if ((rc = surface_error(s, o->path, err)))
            goto cleanup;
        cr = cairo_create(s);
        if (!begun) {
            begun = 1;
            if ((rc = page_begin(&r, cr, m, o, &meta, err)))
                goto cleanup;
            want = page_layers(&r) | ML_BACKGROUND; /* the first pass is always drawn */
        } else {
            r.cr = cr;
            pango_cairo_update_context(cr, r.pc);
        }
        r.layers = LAYERS[i].bit;
        if ((rc = page_draw(&r, err)))
            goto cleanup;
        cairo_show_page(cr);
        rc = surface_close(cr, s, o->path, 0, err);
        cr = NULL;
        s = NULL;
        if (rc)
            goto cleanup;
        if (doc.oom) {
            rc = cov_err_set(err, COV_ENOMEM, _("out of memory writing %s"), o->path);
            goto cleanup;
        }
        if ((rc = map_svg_merge(&head, &body, doc.s ? doc.s : "", doc.len, LAYERS[i].name, o->path,
                                err)))
            goto cleanup;
    }
    map_sb_add(&t, "\n<title>", 0);
    map_sb_add(&t, title, 1);
    map_sb_add(&t, "</title>\n<desc>", 0);
    map_sb_add(&t, meta.s ? meta.s : "", 0);
    map_sb_add(&t, "\n</desc>", 0);
    map_sb_add(&body, "\n</svg>\n", 0);
    if (meta.oom || head.oom || body.oom || t.oom) {
        rc = cov_err_set(err, COV_ENOMEM, _("out of memory writing %s"), o->path);
        goto cleanup;
    }
    int bad = fwrite(head.s, 1, head.len, out) != head.len || fwrite(t.s, 1, t.len, out) != t.len ||
              fwrite(body.s, 1, body.len, out) != body.len;
    if (bad)
        rc = cov_err_set(err, COV_EIO, _("%s: cannot write"), o->path);
cleanup:
    rc = surface_close(cr, s, o->path, rc, err);
    if (fclose(out) && !rc)
        rc = cov_err_set(err, COV_EIO, _("%s: cannot write"), o->path);
    if (rc)
        remove(o->path);
    page_end(&r);
    free(meta.s);
    free(doc.s);
    free(head.s);
    free(body.s);
    free(t.s);
    return rc;
}

int map_render(const struct cov_model *m, const struct map_opts *o, struct cov_err *err)
{
    enum fmt f = fmt_of(o->path);
    if (f == FMT_BAD)
        return cov_err_set(err, COV_EINPUT, _("%s: the map file must end in .png, .pdf or .svg"),
                           o->path ? o->path : _("(no output file)"));
    int rc = check_inputs(m, o, err);
    if (rc)
        return rc;
    double w, h;
    map_page_size(o, f == FMT_PNG, &w, &h);
    cairo_surface_t *s = NULL;
    cairo_t *cr = NULL;
    char title[512];
    map_page_title(m, o, title, sizeof(title));
    if (f == FMT_SVG)
        return render_svg(m, o, w, h, title, err);
    if (f == FMT_PNG) {
        double dpi = o->dpi > 0 ? o->dpi : 150;
        int pw = o->px_w > 0 && o->px_h > 0 ? o->px_w : (int)lround(w / 72 * dpi);
        int ph = o->px_w > 0 && o->px_h > 0 ? o->px_h : (int)lround(h / 72 * dpi);
        if (pw > 30000 || ph > 30000)
            return cov_err_set(err, COV_EINPUT, _("%s: %dx%d pixels is too large (dpi %.0f)"),
                               o->path, pw, ph, dpi);
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    } else {
        s = cairo_pdf_surface_create(o->path, w, h);
    }
    if ((rc = surface_error(s, o->path, err)))
        goto cleanup;
    if (f == FMT_PDF) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "orgcover");
    }
    cr = cairo_create(s);
    if (f == FMT_PNG) {
        double dpi = o->dpi > 0 ? o->dpi : 150;
        cairo_scale(cr, dpi / 72, dpi / 72);
    }
    if ((rc = draw_page(cr, m, o, NULL, err)))
        goto cleanup;
    cairo_show_page(cr);
    if (f == FMT_PNG) {
        cairo_status_t st = cairo_surface_write_to_png(s, o->path);
        if (st != CAIRO_STATUS_SUCCESS)
            rc = cov_err_set(err, COV_EIO, _("%s: cannot write: %s"), o->path,
                             cairo_status_to_string(st));
    }
cleanup:
    return surface_close(cr, s, o->path, rc, err);
}

int map_render_atlas(const struct cov_model *m, int by, const struct map_opts *o,
                     cov_progress_fn progress, void *user, struct cov_err *err)
{
    if (fmt_of(o->path) != FMT_PDF)
        return cov_err_set(err, COV_EINPUT, _("%s: an atlas is a PDF file (.pdf)"),
                           o->path ? o->path : _("(no output file)"));
    if (by != COV_DISTRICTS && by != COV_STREETS)
        return cov_err_set(err, COV_EINPUT, _("atlas pages are per district or per street"));
    int rc = check_inputs(m, o, err);
    if (rc)
        return rc;
    double w, h;
    map_page_size(o, 0, &w, &h);
    cairo_surface_t *s = cairo_pdf_surface_create(o->path, w, h);
    cairo_t *cr = NULL;
    if ((rc = surface_error(s, o->path, err)))
        goto cleanup;
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                   o->title ? o->title : map_default_title(o));
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "orgcover");
    cr = cairo_create(s);
    size_t n = m->n_areas[by], pages = 0;
    for (size_t i = 0; i <= n; i++) {
        if (progress && progress((double)i / (double)(n + 1), _("drawing atlas pages"), user)) {
            rc = cov_err_set(err, COV_ECANCEL, _("atlas cancelled"));
            goto cleanup;
        }
        struct map_opts po = *o;
        if (i > 0) {
            po.area_layer = by;
            po.area = (long)(i - 1);
            po.title = NULL; /* each page titled with its area and its own figures */
            po.subtitle = NULL;
            if (!m->areas[by][i - 1].geom || (o->atlas_pages && !o->atlas_pages[i - 1]))
                continue;
        }
        if ((rc = draw_page(cr, m, &po, NULL, err)))
            goto cleanup;
        cairo_show_page(cr);
        char link[32];
        snprintf(link, sizeof(link), "page=%zu", ++pages);
        const char *name = i ? m->areas[by][i - 1].name : NULL;
        cairo_pdf_surface_add_outline(s, CAIRO_PDF_OUTLINE_ROOT,
                                      name ? name : map_tr(o->lang_en, "Overview"), link, 0);
    }
    if (progress)
        progress(1.0, _("drawing atlas pages"), user);
cleanup:
    return surface_close(cr, s, o->path, rc, err);
}
