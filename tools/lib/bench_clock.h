/*
 * bench_clock.h - the benchmarks' clocks: wall time (monotonic) and the
 * process's CPU time, in seconds from an arbitrary origin.
 */
#ifndef TOOLS_BENCH_CLOCK_H
#define TOOLS_BENCH_CLOCK_H

double bench_now(void);
double bench_cpu_now(void);

#endif
