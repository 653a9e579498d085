/*
 * propose_lns.h - private to analysis/ (and its unit tests): large
 * neighbourhood search for the joint-branch heuristic. A window of whole
 * groups and free units (at most COV_LNS_MAX) is re-solved by the budgeted
 * exact search (propose_exact.h), started from the current grouping, and the
 * result replaces the window's groups only when it covers more units or, at
 * equal coverage, costs less: a pass never makes the grouping worse and keeps
 * every constraint.
 */
#ifndef COV_PROPOSE_LNS_H
#define COV_PROPOSE_LNS_H

#include "propose_state.h"

#define COV_LNS_MAX 20 /* units per re-solved neighbourhood */

/* For coverage: a window around every free unit with neighbours (up to 3
 * neighbouring groups, free neighbours, then groups next to those), re-solved
 * only where the window's bound allows more coverage. 1 if anything changed. */
int cov_lns_cover(struct cov_jst *s);
/* For compactness: windows of two neighbouring groups plus a few free units;
 * pairs where neither group changed since clock value `since` are skipped.
 * 1 if anything changed. */
int cov_lns_compact(struct cov_jst *s, unsigned long since);

#endif
