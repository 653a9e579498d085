/*
 * progress_log.h - a cov_progress_fn for the unit tests of analysis/ that
 * records the reports (count, last fraction, whether they ever went backwards
 * or past 1) and asks to stop at the cancel_at-th (0: never). Include after
 * cmocka.h.
 */
#ifndef TEST_PROGRESS_LOG_H
#define TEST_PROGRESS_LOG_H

struct progress_log {
    int calls, cancel_at;
    double last;
    int monotone; /* start at 1 */
};

static int on_progress(double f, const char *what, void *user)
{
    struct progress_log *p = user;
    assert_non_null(what);
    if (f < p->last || f > 1 + 1e-12)
        p->monotone = 0;
    p->last = f;
    p->calls++;
    return p->cancel_at > 0 && p->calls >= p->cancel_at;
}

#endif
