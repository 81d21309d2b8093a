/* The user population whose rows transactions lock: which user a request or a user-date group
 * belongs to. Uniform, or Zipf (user k, 1-based, with probability proportional to 1/k^s: a few
 * heavy users own most of the traffic and most of the data). Zipf draws invert the cumulative
 * distribution by binary search: a table for the first 131072 users, and beyond them one
 * running sum every 32 users (a draw there redoes at most 32 terms), so 2 million users cost
 * 1.5 MB, built once. A users table is read-only after creation: one serves every replication
 * and thread of a scenario (models/experiment.c). No I/O. */
#ifndef POOLTIDE_USERS_H
#define POOLTIDE_USERS_H

#include <gsl/gsl_rng.h>

#include "models/config.h"

struct users;

/* NULL when out of memory. */
struct users *users_create(const struct cfg_users *cfg);
void users_destroy(struct users *u);
/* A user id in 0 .. count-1; one uniform draw from r. */
int users_draw(const struct users *u, gsl_rng *r);
/* A user id from a uniform number x in [0, 1) (the same mapping users_draw uses). */
int users_from_uniform(const struct users *u, double x);
int users_count(const struct users *u);

#endif
