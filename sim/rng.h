/* Random-number streams: one GSL generator per stochastic source.
 *
 * Each stream is seeded from a mix of (master seed, replication, stream id) through SplitMix64,
 * so streams of one replication are independent of each other, replications are independent of
 * each other, and the same (seed, replication, id) gives the same numbers on any machine.
 * Variants of a scenario use the same ids for the same sources: common random numbers.
 *
 * Not here: distributions (dist.h). gsl_rng_env_setup is never called: nothing here reads the
 * environment. */
#ifndef POOLTIDE_RNG_H
#define POOLTIDE_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The 64-bit seed of stream `stream_id` of replication `rep` under `master`; never 0. */
uint64_t rng_derive_seed(uint64_t master, uint64_t rep, uint64_t stream_id);

/* A new Mersenne Twister (gsl_rng_mt19937) seeded by rng_derive_seed; NULL when out of
 * memory. Free with gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t master, uint64_t rep, uint64_t stream_id);

/* Stable stream ids from a name (FNV-1a), so a workload named "api" draws from the same stream
 * whatever its position in the scenario file. `salt` separates the sources of one object
 * (arrivals, hold times, ...). */
uint64_t rng_stream_id(const char *name, uint64_t salt);

#endif
