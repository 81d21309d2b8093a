#include "sim/rng.h"

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rng_derive_seed(uint64_t master, uint64_t rep, uint64_t stream_id)
{
	uint64_t s = master;
	uint64_t a = splitmix64(&s);
	s = a ^ rep;
	uint64_t b = splitmix64(&s);
	s = b ^ stream_id;
	uint64_t c = splitmix64(&s);
	return c ? c : 0x2545f4914f6cdd1dULL;
}

static void seed_state(struct rng_state *st, uint64_t seed)
{
	uint64_t s = seed;
	for (int i = 0; i < 4; i++)
		st->s[i] = splitmix64(&s);
}

/* gsl_rng_type callbacks: the slow path, for GSL's own samplers. */
static void x_set(void *state, unsigned long seed) { seed_state(state, (uint64_t)seed); }
static unsigned long x_get(void *state) { return (unsigned long)(rng_next64(state) >> 32); }
static double x_get_double(void *state)
{
	return (double)(rng_next64(state) >> 11) * 0x1.0p-53;
}

const gsl_rng_type rng_xoshiro256ss = {
	.name = "xoshiro256**",
	.max = 0xffffffffUL,
	.min = 0,
	.size = sizeof(struct rng_state),
	.set = x_set,
	.get = x_get,
	.get_double = x_get_double,
};

void rng_seed(gsl_rng *r, uint64_t seed) { seed_state(r->state, seed); }

gsl_rng *rng_stream_create(uint64_t master, uint64_t rep, uint64_t stream_id)
{
	gsl_rng *r = gsl_rng_alloc(&rng_xoshiro256ss);
	if (!r)
		return NULL;
	rng_seed(r, rng_derive_seed(master, rep, stream_id));
	return r;
}

uint64_t rng_stream_id(const char *name, uint64_t salt)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= salt * 0x9e3779b97f4a7c15ULL;
	return h;
}
