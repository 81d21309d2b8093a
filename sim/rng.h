/* Random-number streams: one generator per stochastic source.
 *
 * The generator is xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021): 256 bits of state, period 2^256 - 1, four xor/shift/rotate
 * steps and two multiplications a draw, and it passes BigCrush and PractRand. Each stream is
 * seeded from a mix of (master seed, replication, stream id) through SplitMix64
 * (rng_derive_seed), and its four state words are the next four SplitMix64 outputs from that
 * seed, as the authors recommend. So the streams of one replication are independent of each
 * other, replications are independent of each other, and the same (seed, replication, id)
 * gives the same numbers on any machine. Variants of a scenario use the same ids for the same
 * sources: common random numbers.
 *
 * A stream is a gsl_rng of type &rng_xoshiro256ss, so GSL's samplers (lognormal, gamma) draw
 * from it unchanged. The uniform draws the hot path needs (rng_uniform, rng_uniform_pos) are
 * inline and read the state directly, without GSL's function pointers; given a gsl_rng of
 * another type (tests use mt19937) they fall back to GSL's calls, so every caller gets the
 * same numbers from the same generator either way.
 *
 * Not here: distributions (dist.h). gsl_rng_env_setup is never called: nothing here reads the
 * environment. */
#ifndef POOLTIDE_RNG_H
#define POOLTIDE_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The 64-bit seed of stream `stream_id` of replication `rep` under `master`; never 0. */
uint64_t rng_derive_seed(uint64_t master, uint64_t rep, uint64_t stream_id);

/* The GSL type of pooltide's streams: name "xoshiro256**", gsl_rng_get gives the high 32
 * bits of an output (max 2^32 - 1), gsl_rng_uniform (x >> 11) 2^-53 in [0, 1).
 * gsl_rng_set(r, s) seeds the state from SplitMix64(s) as rng_seed does. */
extern const gsl_rng_type rng_xoshiro256ss;

/* The state of a rng_xoshiro256ss generator (what gsl_rng.state points to). */
struct rng_state {
	uint64_t s[4];
};

/* A new generator of type rng_xoshiro256ss seeded with rng_derive_seed(master, rep,
 * stream_id); NULL when out of memory. Free with gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t master, uint64_t rep, uint64_t stream_id);

/* Seed a rng_xoshiro256ss generator: its state words are the first four SplitMix64 outputs
 * from state `seed` (never all zero: SplitMix64 maps four consecutive counters to four
 * distinct values, at most one of them 0). */
void rng_seed(gsl_rng *r, uint64_t seed);

/* Stable stream ids from a name (FNV-1a), so a workload named "api" draws from the same stream
 * whatever its position in the scenario file. `salt` separates the sources of one object
 * (arrivals, hold times, ...). */
uint64_t rng_stream_id(const char *name, uint64_t salt);

/* The next 64-bit output of a rng_xoshiro256ss state (the reference xoshiro256** step). */
static inline uint64_t rng_next64(struct rng_state *st)
{
	uint64_t *s = st->s;
	uint64_t x = s[1] * 5;
	uint64_t result = ((x << 7) | (x >> 57)) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return result;
}

/* Uniform on [0, 1): 53 random bits, exactly gsl_rng_uniform on the same generator. */
static inline double rng_uniform(gsl_rng *r)
{
	if (r->type == &rng_xoshiro256ss)
		return (double)(rng_next64(r->state) >> 11) * 0x1.0p-53;
	return gsl_rng_uniform(r);
}

/* Uniform on (0, 1), never 0 nor 1: the midpoints (k + 1/2) 2^-53 of the 2^53 cells of
 * [0, 1), one output a draw (no rejection loop), symmetric about 1/2. Other generators:
 * gsl_rng_uniform_pos. */
static inline double rng_uniform_pos(gsl_rng *r)
{
	if (r->type == &rng_xoshiro256ss)
		return ((double)(rng_next64(r->state) >> 11) + 0.5) * 0x1.0p-53;
	return gsl_rng_uniform_pos(r);
}

#endif
