/*
 * simplify.c - ring simplification to the device pixel for drawing (see
 * simplify.h).
 *
 * Why snap and cancel excursions rather than Douglas-Peucker: Douglas-Peucker
 * keeps every vertex farther than the tolerance from its chord, so a fringe
 * of 10^5 spikes a few hundredths of a pixel wide but many pixels long
 * survives whole, and cairo's scan converter then pays for 10^5 long edges on
 * every scanline they cross (minutes for one page). On a grid, the
 * neighbouring bases and tips of such spikes fall on the same grid points,
 * runs of them become excursions A B A of zero area, and cancelling those
 * with a stack is linear and exact for the fill: what is left grows with the
 * grid points the ring passes, not with its vertices.
 */
#include "simplify.h"

#include <math.h>

static int same(const double *xy, size_t i, size_t j)
{
    return xy[2 * i] == xy[2 * j] && xy[2 * i + 1] == xy[2 * j + 1];
}

size_t map_ring_simplify(double *xy, size_t n, double cell)
{
    int snap = cell > 0 && isfinite(cell);
    size_t k = 0; /* xy[0..2k) is the stack of kept vertices */
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (snap) {
            x = floor(x / cell + 0.5) * cell;
            y = floor(y / cell + 0.5) * cell;
        }
        if (k >= 1 && xy[2 * k - 2] == x && xy[2 * k - 1] == y)
            continue; /* a repeat */
        if (k >= 2 && xy[2 * k - 4] == x && xy[2 * k - 3] == y) {
            k--; /* A B A: drop B, and A is already on the stack */
            continue;
        }
        xy[2 * k] = x;
        xy[2 * k + 1] = y;
        k++;
    }
    /* The same at the seam: the ring runs ... xy[k-2] xy[k-1] | xy[s] xy[s+1] ... */
    size_t s = 0;
    while (k - s >= 2) {
        if (same(xy, k - 1, s))
            k--; /* the closing vertex, or a repeat across the seam */
        else if (k - s >= 3 && same(xy, k - 1, s + 1))
            s++, k--; /* Y | X Y: X is an excursion */
        else if (k - s >= 3 && same(xy, k - 2, s))
            k -= 2; /* X Y | X: Y is an excursion, the first X stays */
        else
            break;
    }
    if (s > 0)
        for (size_t i = s; i < k; i++) {
            xy[2 * (i - s)] = xy[2 * i];
            xy[2 * (i - s) + 1] = xy[2 * i + 1];
        }
    return k - s;
}
