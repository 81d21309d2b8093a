/* One replication of a resolved scenario: wires the database, the pools and the workloads on
 * an engine, runs it, and returns what was measured.
 *
 * A replication is a pure function of (scenario, replication index): no globals, no I/O, so
 * replications can run on any thread in any order and give the same bytes. Random streams are
 * keyed by the names of workloads and pools, so variants of a scenario see the same arrivals
 * and holds (common random numbers). Arrivals stop at the horizon; the run then drains, so
 * offered = served + timed out + refused exactly. Counts cover requests arriving after the
 * warm-up; time-weighted levels cover [warmup, horizon]. */
#ifndef POOLTIDE_MODEL_H
#define POOLTIDE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "models/config.h"
#include "models/requests.h"

struct pool_result {
	uint64_t checkouts, timeouts, refused, connects, closes, reconnects, pings;
	double checked_out_mean, checked_out_max;
	double checked_in_mean;
	double overflow_mean, overflow_max;
	double waiters_mean, waiters_max;
	double open_mean, open_max;
	double exhausted_share;      /* fraction of [warmup, horizon] with every allowed
					connection checked out */
	double longest_exhausted_s;
	int first_timeout_overflow;  /* SQLAlchemy's overflow() at the first timeout; INT_MIN
					when nothing timed out */
};

struct model_result {
	int n_pools, n_workloads;
	struct pool_result pools[CFG_MAX_POOLS];
	struct requests_stats workloads[CFG_MAX_WORKLOADS];
	uint64_t db_refused;
	double db_open_mean, db_open_max;
	uint64_t events;             /* engine events run */
	size_t peak_pending;         /* largest future-event set */
	double end_s;                /* simulated time when the drain finished */
};

/* Optional observers for tests; any member may be NULL. */
struct model_hooks {
	void (*on_arrival)(void *ctx, int workload, double t);
	void *ctx;
};

/* Run replication `rep` (0-based) of `sc` with master seed sc->seed. Fills *out (which may be
 * large: allocate it on the heap). Returns 0, or PT_ENOMEM. */
int model_run(const struct cfg_scenario *sc, uint64_t rep, struct model_result *out,
	      const struct model_hooks *hooks);

/* Stream ids of a workload's and a pool's random sources (documented so tests can rebuild
 * them). */
enum { STREAM_ARRIVALS = 1, STREAM_HOLDS = 2, STREAM_CONNECT = 3 };

#endif
