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

gsl_rng *rng_stream_create(uint64_t master, uint64_t rep, uint64_t stream_id)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return NULL;
	/* mt19937 uses the low 32 bits of the seed and maps 0 to its default; fold the high half
	 * in and keep it non-zero so every derived seed is a distinct, explicit state. */
	uint64_t s = rng_derive_seed(master, rep, stream_id);
	unsigned long seed32 = (unsigned long)((s ^ (s >> 32)) & 0xffffffffu);
	gsl_rng_set(r, seed32 ? seed32 : 1);
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
