/* pindex.c - the packed Hilbert R-tree over organization points (pindex.h). */
#include "pindex.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
    LEAF = 8,   /* points per R-tree leaf */
    FANOUT = 8, /* children per inner node */
};

/*
 * The Hilbert key of (x, y) on a 2^16 grid, a nibble of each at a time: for
 * each of the four states the curve can be in (the remaining bits swapped
 * or not, complemented or not) and each pair of nibbles, eight bits of the
 * key and the next state. The table is made once from the definition a bit
 * at a time, so the keys are the same; the loop it replaced, a branch per
 * bit, was half of the index's build.
 */
static uint16_t hilbert_step[4][256];
static pthread_once_t hilbert_once = PTHREAD_ONCE_INIT;

static void hilbert_init(void)
{
    for (uint32_t st = 0; st < 4; st++)
        for (uint32_t xy = 0; xy < 256; xy++) {
            uint32_t x = xy >> 4, y = xy & 15, t, swap = st & 1, comp = st >> 1;
            if (swap) {
                t = x;
                x = y;
                y = t;
            }
            if (comp) {
                x = 15 - x;
                y = 15 - y;
            }
            uint32_t d = 0;
            for (uint32_t s = 8; s > 0; s /= 2) {
                uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
                d += s * s * ((3 * rx) ^ ry);
                if (ry == 0) {
                    if (rx == 1) {
                        x = 15 - x;
                        y = 15 - y;
                        comp ^= 1;
                    }
                    t = x;
                    x = y;
                    y = t;
                    swap ^= 1;
                }
            }
            hilbert_step[st][xy] = (uint16_t)(d | (swap | comp << 1) << 8);
        }
}

/* The key from the table (made already). */
static uint32_t hilbert_key(uint32_t x, uint32_t y)
{
    uint32_t d = 0, st = 0;
    for (int sh = 12; sh >= 0; sh -= 4) {
        uint32_t e = hilbert_step[st][((x >> sh) & 15) << 4 | ((y >> sh) & 15)];
        d = d << 8 | (e & 0xff);
        st = e >> 8;
    }
    return d;
}

uint32_t cov_pindex_hilbert(uint32_t x, uint32_t y)
{
    pthread_once(&hilbert_once, hilbert_init);
    return hilbert_key(x, y);
}

static uint32_t grid16(double v, double lo, double span)
{
    if (!(span > 0))
        return 0;
    double g = (v - lo) / span * 65535.0;
    if (!(g > 0))
        return 0;
    return g >= 65535.0 ? 65535u : (uint32_t)g;
}

void cov_pindex_release(struct cov_pindex *ix)
{
    free(ix->x);
    free(ix->y);
    free(ix->org);
    for (int l = 0; l < ix->n_levels; l++)
        free(ix->lev[l]);
    memset(ix, 0, sizeof(*ix));
}

static void node_from_points(struct cov_pnode *nd, const struct cov_pindex *ix, uint32_t s,
                             uint32_t e)
{
    nd->start = s;
    nd->end = e;
    nd->minx = nd->maxx = ix->x[s];
    nd->miny = nd->maxy = ix->y[s];
    for (uint32_t i = s + 1; i < e; i++) {
        nd->minx = fmin(nd->minx, ix->x[i]);
        nd->maxx = fmax(nd->maxx, ix->x[i]);
        nd->miny = fmin(nd->miny, ix->y[i]);
        nd->maxy = fmax(nd->maxy, ix->y[i]);
    }
}

static void node_from_nodes(struct cov_pnode *nd, const struct cov_pnode *ch, uint32_t s,
                            uint32_t e)
{
    nd->start = s;
    nd->end = e;
    nd->minx = ch[s].minx;
    nd->maxx = ch[s].maxx;
    nd->miny = ch[s].miny;
    nd->maxy = ch[s].maxy;
    for (uint32_t i = s + 1; i < e; i++) {
        nd->minx = fmin(nd->minx, ch[i].minx);
        nd->maxx = fmax(nd->maxx, ch[i].maxx);
        nd->miny = fmin(nd->miny, ch[i].miny);
        nd->maxy = fmax(nd->maxy, ch[i].maxy);
    }
}

/* Sort the finite points by Hilbert key (cov_radix_sort(), stable: ties keep
 * org order, so the layout is deterministic) and pack the levels. */
int cov_pindex_build(struct cov_pindex *ix, const struct cov_org *orgs, size_t n_orgs)
{
    memset(ix, 0, sizeof(*ix));
    if (n_orgs == 0)
        return 0;
    int rc = COV_ENOMEM;
    struct cov_keyed *a = NULL, *t = NULL;
    /*
     * Read from the orgs twice (the extent, then the keys) rather than
     * through compact copies, and sort org indices themselves: at 10^6
     * points the copies were 20 MB of fresh memory, dearer than the pass.
     */
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    size_t n = 0;
    for (size_t i = 0; i < n_orgs; i++) {
        double x = orgs[i].x, y = orgs[i].y;
        if (!isfinite(x) || !isfinite(y))
            continue;
        minx = fmin(minx, x);
        maxx = fmax(maxx, x);
        miny = fmin(miny, y);
        maxy = fmax(maxy, y);
        n++;
    }
    if (n == 0)
        return 0;
    a = cov_malloc_huge(n * sizeof(*a));
    t = cov_malloc_huge(n * sizeof(*t));
    ix->org = cov_malloc_huge(n * sizeof(*ix->org));
    if (!a || !t || !ix->org)
        goto cleanup;
    pthread_once(&hilbert_once, hilbert_init);
    for (size_t i = 0, k = 0; i < n_orgs; i++) {
        double x = orgs[i].x, y = orgs[i].y;
        if (!isfinite(x) || !isfinite(y))
            continue;
        a[k].key = hilbert_key(grid16(x, minx, maxx - minx), grid16(y, miny, maxy - miny));
        a[k++].val = (uint32_t)i;
    }
    const struct cov_keyed *sorted = cov_radix_sort(a, t, n);
    for (size_t i = 0; i < n; i++)
        ix->org[i] = sorted[i].val; /* sorted org indices */
    free(a);
    free(t);
    a = t = NULL;
    ix->x = cov_malloc_huge(n * sizeof(double));
    ix->y = cov_malloc_huge(n * sizeof(double));
    if (!ix->x || !ix->y)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        ix->x[i] = orgs[ix->org[i]].x;
        ix->y[i] = orgs[ix->org[i]].y;
    }
    ix->n = n;
    size_t nl = (n + LEAF - 1) / LEAF;
    ix->lev[0] = malloc(nl * sizeof(struct cov_pnode));
    if (!ix->lev[0])
        goto cleanup;
    ix->n_levels = 1;
    ix->lev_n[0] = nl;
    for (size_t i = 0; i < nl; i++) {
        uint32_t s = (uint32_t)(i * LEAF), e = (uint32_t)((i + 1) * LEAF < n ? (i + 1) * LEAF : n);
        node_from_points(&ix->lev[0][i], ix, s, e);
    }
    while (ix->lev_n[ix->n_levels - 1] > 1) {
        int l = ix->n_levels;
        size_t below = ix->lev_n[l - 1], cnt = (below + FANOUT - 1) / FANOUT;
        ix->lev[l] = malloc(cnt * sizeof(struct cov_pnode));
        if (!ix->lev[l])
            goto cleanup;
        ix->lev_n[l] = cnt;
        ix->n_levels++;
        for (size_t i = 0; i < cnt; i++) {
            uint32_t s = (uint32_t)(i * FANOUT);
            uint32_t e = (uint32_t)((i + 1) * FANOUT < below ? (i + 1) * FANOUT : below);
            node_from_nodes(&ix->lev[l][i], ix->lev[l - 1], s, e);
        }
    }
    rc = 0;
cleanup:
    free(a);
    free(t);
    if (rc)
        cov_pindex_release(ix);
    return rc;
}

static int box_hit(const struct cov_pnode *nd, double minx, double miny, double maxx, double maxy)
{
    return nd->minx <= maxx && nd->maxx >= minx && nd->miny <= maxy && nd->maxy >= miny;
}

int cov_pindex_query(const struct cov_pindex *ix, double minx, double miny, double maxx,
                     double maxy, struct cov_u32vec *out)
{
    out->n = 0;
    if (ix->n == 0)
        return 0;
    struct {
        int level;
        uint32_t node;
    } stack[COV_PINDEX_MAX_LEVELS * FANOUT + 1];
    int sp = 0;
    int top = ix->n_levels - 1;
    stack[sp].level = top;
    stack[sp++].node = 0;
    while (sp > 0) {
        sp--;
        int l = stack[sp].level;
        const struct cov_pnode *nd = &ix->lev[l][stack[sp].node];
        if (!box_hit(nd, minx, miny, maxx, maxy))
            continue;
        if (l == 0) {
            if (COV_GROW(out->v, out->cap, out->n + (nd->end - nd->start)))
                return COV_ENOMEM;
            for (uint32_t i = nd->start; i < nd->end; i++)
                if (ix->x[i] >= minx && ix->x[i] <= maxx && ix->y[i] >= miny && ix->y[i] <= maxy)
                    out->v[out->n++] = i;
        } else {
            for (uint32_t c = nd->start; c < nd->end; c++) {
                stack[sp].level = l - 1;
                stack[sp++].node = c;
            }
        }
    }
    return 0;
}
