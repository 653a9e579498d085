/*
 * rng.h - the tools' one pseudo-random generator: xoshiro256** seeded through
 * splitmix64 (the sample and country generators), and the xorshift64 step the
 * benchmarks have always drawn their synthetic inputs from.
 *
 * Every stream is fixed by its seed: the shipped sample (data/lianyungang/)
 * is compared byte for byte with what mksample makes from it, so changing a
 * function here changes the sample. State lives in the caller's struct; there
 * is no global state.
 */
#ifndef TOOLS_RNG_H
#define TOOLS_RNG_H

#include <stdint.h>

/* A xoshiro256** stream; set with rng_seed before the first draw. */
struct rng {
    uint64_t s[4];
};

/* splitmix64: advances *x and returns the next output (seeding, hashing). */
uint64_t rng_splitmix64(uint64_t *x);

/* Seeds r from seed: its four words are the next four splitmix64 outputs. */
void rng_seed(struct rng *r, uint64_t seed);

/* The next 64 bits of r. */
uint64_t rng_next(struct rng *r);

/* Uniform in [0, 1), from the 53 high bits of one draw. */
double rng_unif(struct rng *r);

/* Uniform in [lo, hi). */
double rng_range(struct rng *r, double lo, double hi);

/* Uniform integer in [0, n). */
int rng_int(struct rng *r, int n);

/* 1 with probability p. */
int rng_chance(struct rng *r, double p);

/* Standard normal (Box-Muller, two uniform draws). */
double rng_normal(struct rng *r);

/* An index drawn from the weights w[0..n-1] (not necessarily normalised). */
int rng_pick(struct rng *r, const double *w, int n);

/* One of the n strings of list, uniformly (borrowed). */
const char *rng_item(struct rng *r, const char *const *list, int n);
#define RNG_ITEM(r, a) rng_item((r), (a), (int)(sizeof(a) / sizeof((a)[0])))

/* Marsaglia's xorshift64 (13, 7, 17): advances *x (never 0) and returns it. */
uint64_t rng_xorshift64(uint64_t *x);
/* Uniform in [0, 1) from the 53 high bits of the next xorshift64 value. */
double rng_xorshift64_unif(uint64_t *x);

#endif
