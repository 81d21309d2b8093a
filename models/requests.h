/* Request workload: API traffic competing for a pool.
 *
 * Requests arrive from an arrival process (arrivals.h: Poisson, a rate profile with bursts,
 * or a trace) until the horizon, spread round-robin over the application processes (each
 * process has its own pool). Each runs one transaction:
 *
 *   [routing: a read-only transaction may run on a replica's pool, routing.h]
 *   checkout -> BEGIN (1 RTT) -> [write: take the user's row lock, waiting FIFO while holding
 *   the connection] -> statements (db_time, in processor sharing when the database has
 *   cores, plus one RTT each) -> app_time -> COMMIT (1 RTT, releases the lock) -> checkin
 *
 * A request's random numbers (db_time, app_time, user, whether it writes) are drawn when it
 * arrives, in a fixed order, from the workload's own stream: the n-th request is the same
 * request in every variant (common random numbers) whatever the pool does to it. After a
 * pool timeout a client may retry (`retries`, backoff doubling from `backoff_s`); its wait is
 * measured from its first attempt. Requests that arrive before the warm-up ends run but are not
 * counted. Request records are recycled through a free list: memory follows the number of
 * requests in flight, not the simulated time. No I/O. */
#ifndef POOLTIDE_REQUESTS_H
#define POOLTIDE_REQUESTS_H

#include <stdbool.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/database.h"
#include "models/pool.h"
#include "models/users.h"
#include "models/window.h"
#include "sim/engine.h"
#include "sim/stats.h"

/* Why a request finally failed (after any retries): one entry per cause, in the order the
 * reports list them. X(id, name, rate_name, label): `name` is the count metric, `rate_name`
 * its share of offered requests, `label` what a person reads. A new cause is one line here:
 * the metric table, failure_rate, the failure plot and the tables follow. */
#define REQUESTS_FAILURES(X)                                                                 \
	X(REQ_TIMED_OUT, "timed_out", "timeout_rate", "timed out (pool timeout)")            \
	X(REQ_REFUSED, "refused", "refused_rate", "refused by the database")                 \
	X(REQ_LOCK_TIMEOUT, "lock_timed_out", "lock_timeout_rate",                           \
	  "cancelled by lock_timeout")                                                        \
	X(REQ_STATEMENT_TIMEOUT, "statement_timed_out", "statement_timeout_rate",            \
	  "cancelled by statement_timeout")                                                   \
	X(REQ_GIVEN_UP, "given_up", "given_up_rate", "given up by the client (client_timeout)") \
	X(REQ_PGBOUNCER_TIMED_OUT, "pgbouncer_timed_out", "pgbouncer_timeout_rate",            \
	  "timed out at PgBouncer (query_wait_timeout)")                                     \
	X(REQ_PGBOUNCER_REFUSED, "pgbouncer_refused", "pgbouncer_refused_rate",                \
	  "refused by PgBouncer")

enum requests_failure {
#define REQUESTS_ENUM_(id, name, rate, label) id,
	REQUESTS_FAILURES(REQUESTS_ENUM_)
#undef REQUESTS_ENUM_
	REQ_FAILURES
};

/* The cause's count metric name, rate metric name and label (REQUESTS_FAILURES). */
const char *requests_failure_name(enum requests_failure f);
const char *requests_failure_rate_name(enum requests_failure f);
const char *requests_failure_label(enum requests_failure f);

/* What one replication measured for one workload (counted requests only). */
struct requests_stats {
	uint64_t offered;     /* counted arrivals */
	uint64_t served;      /* got a connection (possibly after retries) and finished without a
				 failure: a transaction cancelled by lock_timeout or
				 statement_timeout, or answered after client_timeout, counts under
				 that cause instead (its wait is still among the served waits: it
				 got its connection) */
	uint64_t failed[REQ_FAILURES]; /* final failures by cause: offered = served + their sum */
	uint64_t retried;     /* requests that retried at least once */
	uint64_t retries;     /* retry attempts */
	uint64_t pool_timeouts;        /* every pool timeout, retried or final */
	uint64_t timeouts_batch_heavy; /* pool timeouts while batch workloads held at least half
					  the pool's connections (size + max_overflow) */
	uint64_t timeouts_lock_heavy;  /* pool timeouts while batches and transactions waiting
					  for a row lock together held at least half of them */
	uint64_t lock_waits;  /* transactions that waited for a row lock */
	uint64_t routed_reads; /* read-only transactions routed to a replica (cfg->reads) */
	uint64_t app_queued;  /* waited for a worker of its process (concurrency) */
	struct tally app_wait;     /* arrival -> reaching the pool (0 without a queue) */
	struct tally lock_wait;    /* their time waiting for it */
	struct tally wait_served;  /* first attempt -> usable connection, served requests */
	struct tally wait_all;     /* same, every request (a failed one counts its wait) */
	struct tally connect;      /* connect time paid within a served request's wait */
	struct tally hold;         /* connection hold time of served requests: checkout to
				      checkin, lock waits and CPU contention included */
	struct histo h_served;
	struct histo h_all;
	struct histo h_hold;       /* the hold tally's values, for its quantiles */
	struct histo h_lock_wait;  /* the lock_wait tally's values */
	/* The worst windows (models/window.h) of each length cfg->windows_s, in that order; the
	 * unused ones have length 0 and NAN values. Filled by requests_finish. */
	struct window_result worst[CFG_MAX_WINDOWS];
};

/* Every final failure, whatever its cause. */
uint64_t requests_failures(const struct requests_stats *s);

struct requests;

/* A workload whose processes use pools[0 .. n_processes-1]; arrivals and holds are drawn from
 * the two streams given (borrowed). `db` gives the RTT, the CPU and the row locks; `users`
 * the user of each request. It initialises *stats and records into it. The first arrival is
 * scheduled by requests_start. NULL when out of memory. */
struct requests *requests_create(const struct cfg_requests *cfg, struct sim *sim,
				 struct database *db, struct pool *const *pools, int n_processes,
				 const struct users *users, gsl_rng *arrivals, gsl_rng *holds,
				 double warmup_s, double horizon_s, struct requests_stats *stats);
void requests_destroy(struct requests *r);
/* Schedule the first arrival (the process starts empty at time 0). */
void requests_start(struct requests *r);
/* Complete the statistics once the run has drained (wait_all and h_all hold only the failed
 * requests' waits until then). Call exactly once. */
void requests_finish(struct requests *r);
struct pgbouncer;
/* Run every transaction through PgBouncer b (borrowed): a server is asked for at BEGIN and
 * given back at COMMIT; a request's wait then runs until its server is linked, and PgBouncer's
 * errors fail it (REQ_PGBOUNCER_TIMED_OUT for query_wait_timeout, REQ_PGBOUNCER_REFUSED for
 * the others). Call before requests_start. */
void requests_use_pgbouncer(struct requests *r, struct pgbouncer *b);

/* Route read-only transactions to replicas (cfg->reads, models/routing.h): pools[k] are the
 * per-process instances of cfg->reads.pools[k], servers[k] its server, rng the workload's
 * routing stream (all borrowed). Call before requests_start. PT_ENOMEM when out of memory. */
int requests_route_reads(struct requests *r, gsl_rng *rng, struct pool *const *const *pools,
			 struct database *const *servers);

/* Requests in flight now (for tests and drain checks). */
uint64_t requests_in_flight(const struct requests *r);

/* Optional observer of every arrival time (tests of common random numbers); NULL to clear. */
void requests_observe_arrivals(struct requests *r, void (*fn)(void *ctx, double t), void *ctx);

#endif
