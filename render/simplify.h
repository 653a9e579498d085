/*
 * simplify.h - private to render/: reducing a ring to what a device pixel
 * can show before cairo draws it, so that drawing costs what the picture
 * holds, not what the data holds (issue 9: a district of 10^5 thin spikes).
 */
#ifndef MAP_SIMPLIFY_H
#define MAP_SIMPLIFY_H

#include <stddef.h>

/*
 * Simplifies the ring xy[0..2n) (x,y pairs in page units; closed or not,
 * a closing vertex equal to the first is allowed) in place to a grid of
 * `cell` page units: every vertex is snapped to the nearest grid point,
 * repeated points are dropped, and every zero-area out-and-back excursion
 * (A B A, also across the ring's start) is removed. Removing those
 * excursions leaves the filled area exactly as the snapped ring had it. A
 * spike whose two base vertices snap to one grid point vanishes; a fringe of
 * spikes finer than the grid becomes a zigzag with about one tooth per grid
 * point along it. Each vertex moves at most cell * sqrt(2) / 2. Applying it
 * again with a cell twice as large coarsens the result consistently.
 *
 * Returns the number of vertices kept (the ring without its closing vertex,
 * stored in xy[0..2k)); fewer than 3 means nothing with an area is left.
 * Linear time, no allocation. cell <= 0 or not finite: only exact repeats
 * and excursions are removed, nothing is snapped.
 */
size_t map_ring_simplify(double *xy, size_t n, double cell);

#endif
