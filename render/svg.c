/* svg.c - a growable string, and the merge of one cairo SVG document per
 * layer into one SVG whose layers are named groups (cairo 1.16 cannot name
 * groups; see map.h). */
#include "render_int.h"

#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL; sets b->oom and returns -1 when out of memory. */
static int sb_reserve(struct map_sbuf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? 2 * b->cap : 1024;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *q = realloc(b->s, cap);
    if (!q) {
        b->oom = 1;
        return -1;
    }
    b->s = q;
    b->cap = cap;
    return 0;
}

void map_sb_add(struct map_sbuf *b, const char *text, int xml)
{
    if (!b || b->oom)
        return;
    for (const char *p = text; *p; p++) {
        const char *rep = NULL;
        char one[2] = {*p, 0};
        if (xml && *p == '&')
            rep = "&amp;";
        else if (xml && *p == '<')
            rep = "&lt;";
        else if (xml && *p == '>')
            rep = "&gt;";
        const char *add = rep ? rep : one;
        size_t n = strlen(add);
        if (sb_reserve(b, n))
            return;
        memcpy(b->s + b->len, add, n + 1);
        b->len += n;
    }
}

void map_sb_addn(struct map_sbuf *b, const char *data, size_t n)
{
    if (!b || b->oom)
        return;
    if (sb_reserve(b, n))
        return;
    memcpy(b->s + b->len, data, n);
    b->len += n;
    b->s[b->len] = 0;
}

cairo_status_t map_svg_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct map_sbuf *b = closure;
    map_sb_addn(b, (const char *)data, length);
    return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Copy n bytes of cairo's SVG markup, prefixing every id="X" and every
 * reference to one (href="#X", url(#X)) with "PREFIX-". */
static void sb_add_prefixed(struct map_sbuf *b, const char *s, size_t n, const char *prefix)
{
    static const char *const pat[] = {"id=\"", "href=\"#", "url(#"};
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof(pat) / sizeof(pat[0]); k++) {
            size_t pl = strlen(pat[k]);
            if (s[i] != pat[k][0] || n - i < pl || memcmp(s + i, pat[k], pl))
                continue;
            /* an attribute name starts after white space (id) or a colon (xlink:href) */
            if (k < 2 && (i == 0 || !strchr(k == 0 ? " \t\r\n" : " \t\r\n:", s[i - 1])))
                continue;
            map_sb_addn(b, s + done, i + pl - done);
            map_sb_add(b, prefix, 0);
            map_sb_add(b, "-", 0);
            done = i + pl;
            i += pl - 1;
            break;
        }
    }
    map_sb_addn(b, s + done, n - done);
}

int map_svg_merge(struct map_sbuf *head, struct map_sbuf *body, const char *doc, size_t n,
                  const char *name, const char *path, struct cov_err *err)
{
    const char *root = memmem(doc, n, "<svg", 4);
    const char *rend = root ? memchr(root, '>', n - (size_t)(root - doc)) : NULL;
    const char *close = NULL;
    for (const char *p = rend; p && (p = memmem(p, n - (size_t)(p - doc), "</svg>", 6)); p++)
        close = p;
    if (!rend || !close || rend[-1] == '/')
        return cov_err_set(err, COV_EFAIL, _("%s: cairo wrote no <svg> document for layer %s"),
                           path, name);
    if (!head->len) {
        map_sb_addn(head, doc, (size_t)(rend - doc));
        map_sb_add(head, " xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\">", 0);
    }
    const char *c = rend + 1, *end = close;
    while (c < end && strchr(" \t\r\n", *c))
        c++;
    if (end - c >= 6 && !memcmp(c, "<defs>", 6)) {
        const char *de = memmem(c, (size_t)(end - c), "</defs>", 7);
        if (!de)
            return cov_err_set(err, COV_EFAIL, _("%s: unterminated <defs> in layer %s"), path,
                               name);
        de += 7;
        map_sb_add(body, "\n", 0);
        sb_add_prefixed(body, c, (size_t)(de - c), name);
        c = de;
    }
    map_sb_add(body, "\n<g id=\"layer-", 0);
    map_sb_add(body, name, 0);
    map_sb_add(body, "\" inkscape:groupmode=\"layer\" inkscape:label=\"", 0);
    map_sb_add(body, name, 0);
    map_sb_add(body, "\">", 0);
    sb_add_prefixed(body, c, (size_t)(end - c), name);
    map_sb_add(body, "</g>", 0);
    return 0;
}
