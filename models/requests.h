/* Request workload: API traffic competing for a pool.
 *
 * Requests arrive as a Poisson process at `rate_per_s` until the horizon. Each runs one
 * transaction: it checks a connection out, holds it for
 *   db_time + app_time + (statements + 2) x rtt   (BEGIN, each statement, COMMIT)
 * and checks it back in. The hold is drawn when the request arrives, from the workload's own
 * stream, so the n-th request holds for the same time in every variant (common random
 * numbers) whatever the pool does to it. Requests that arrive before the warm-up ends run but
 * are not counted. Request records are recycled through a free list: memory follows the
 * number of requests in flight, not the simulated time.
 *
 * Not here: the statistics summary across replications (summary.h); any I/O. */
#ifndef POOLTIDE_REQUESTS_H
#define POOLTIDE_REQUESTS_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/pool.h"
#include "sim/engine.h"
#include "sim/stats.h"

/* What one replication measured for one workload (counted requests only). */
struct requests_stats {
	uint64_t offered;     /* counted arrivals */
	uint64_t served;      /* got a connection */
	uint64_t timed_out;   /* pool timeout */
	uint64_t refused;     /* the database refused the connect */
	struct tally wait_served;  /* request -> usable connection, served requests */
	struct tally wait_all;     /* same, every request (a timed-out one counts its wait) */
	struct tally connect;      /* connect time paid within a served request's wait */
	struct tally hold;         /* connection hold time of served requests */
	struct histo h_served;
	struct histo h_all;
};

struct requests;

/* A workload on `pool`; arrival times from `arrivals`, holds from `holds` (borrowed). It
 * initialises *stats and records into it. The first arrival is scheduled by requests_start.
 * NULL when out of memory. */
struct requests *requests_create(const struct cfg_requests *cfg, double rtt_s,
				 struct sim *sim, struct pool *pool, gsl_rng *arrivals,
				 gsl_rng *holds, double warmup_s, double horizon_s,
				 struct requests_stats *stats);
void requests_destroy(struct requests *r);
/* Schedule the first arrival (the process starts empty at time 0). */
void requests_start(struct requests *r);
/* Requests in flight now (for tests and drain checks). */
uint64_t requests_in_flight(const struct requests *r);

/* Optional observer of every arrival time (tests of common random numbers); NULL to clear. */
void requests_observe_arrivals(struct requests *r, void (*fn)(void *ctx, double t), void *ctx);

#endif
