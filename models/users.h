/* The user population whose rows transactions lock: which user a request or a user-date group
 * belongs to. Uniform, or Zipf (user k, 1-based, with probability proportional to 1/k^s: a few
 * heavy users own most of the traffic and most of the data). Zipf draws are exact, by
 * rejection-inversion: no table, so a population of 2 million costs what one of 2000 costs, in
 * memory (a few numbers) and in time (about one uniform and one exp per draw). A users object
 * is read-only after creation: one serves every replication and thread of a scenario
 * (models/experiment.c). No I/O. */
#ifndef POOLTIDE_USERS_H
#define POOLTIDE_USERS_H

#include <gsl/gsl_rng.h>

#include "models/config.h"

struct users;

/* NULL when out of memory. */
struct users *users_create(const struct cfg_users *cfg);
void users_destroy(struct users *u);
/* A user id in 0 .. count-1 (0 the heaviest), from uniforms of r: one for a uniform
 * population; for Zipf one per attempt, and an attempt is accepted with probability above 0.9
 * (the number of draws taken from r depends only on r's state, not on the caller). */
int users_draw(const struct users *u, gsl_rng *r);
int users_count(const struct users *u);

#endif
