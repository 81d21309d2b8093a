/* Batch workload: the aggregation worker of the incident.
 *
 * Records arrive into a backlog (an arrival process, arrivals.h). Every `every_s` (ticks at
 * every, 2 every, ... before the horizon; a tick runs after every other event at its instant,
 * so it sees the records arriving then) each idle worker of each process, in order, takes a
 * batch from the front of the shared backlog: all of it when it holds at most batch_size
 * records, else up to max_batch_size (>= batch_size: the batch grows with the backlog up to
 * that cap, as the original worker did); a worker busy at a tick skips it. When a batch fails
 * at once during a tick (the database refused its connect), no other worker starts one at
 * that tick. The batch is split into user-date groups of
 * `group_size` records, each group one user's rows; groups are processed in ascending user
 * order (so two workers can never deadlock), each record taking `per_record` of database work
 * (in processor sharing when the database has cores). Transactions follow the SQLAlchemy
 * Session: the connection is checked out by the first statement and returned at commit.
 *
 *   per_batch:  one transaction for the whole batch: one connection held throughout, and each
 *               group's user locked from its first write until the batch commits;
 *   per_group:  a transaction per group: checkout, lock the user, process, commit, checkin;
 *   per_record: a transaction per record.
 *
 * A worker whose checkout fails (pool timeout, or the database refusing) fails its batch: the
 * records not yet committed go back to the front of the backlog and the failure is counted.
 * Memory: per worker arrays sized by max_batch_size; the backlog holds one arrival time per
 * waiting record. No I/O. */
#ifndef POOLTIDE_BATCH_H
#define POOLTIDE_BATCH_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/database.h"
#include "models/pool.h"
#include "models/users.h"
#include "sim/engine.h"
#include "sim/stats.h"

struct batch_stats {
	uint64_t batches;           /* started after the warm-up */
	uint64_t failed;            /* of those, failed (a checkout, or a transaction cancelled by
				       lock_timeout / statement_timeout) */
	uint64_t lock_timeouts;     /* transactions of counted batches cancelled by lock_timeout */
	uint64_t statement_timeouts; /* ... and by statement_timeout */
	uint64_t completed;         /* of those, committed in full */
	uint64_t records;           /* records committed by counted batches */
	uint64_t transactions;      /* transactions committed by counted batches */
	uint64_t pool_timeouts;     /* checkouts of counted batches that timed out in the
				       application pool */
	uint64_t pgbouncer_timeouts; /* transactions of counted batches that PgBouncer
					disconnected after query_wait_timeout (their own cause,
					as requests' pgbouncer_timed_out) */
	uint64_t lock_waits;        /* row-lock waits of counted batches (a per-batch transaction
				       may wait once per group) */
	struct tally size;          /* records per counted batch */
	struct tally duration;      /* completed batches: the tick that started it to its last
				       commit (waits for connections included) */
	struct tally hold;          /* connection hold per transaction: connection in hand to
				       checkin (the wait for it excluded) */
	struct tally lock_wait;     /* time waiting for a row lock */
	struct tally lag;           /* a committed record: arrival into the backlog to commit */
	struct level backlog;       /* records waiting, over [warmup, horizon] */
	struct level active;        /* workers running a batch, over [warmup, horizon] */
	double backlog_mean, backlog_max, active_mean; /* read off the levels at the horizon */
	double backlog_end;         /* records still waiting at the horizon */
};

struct batch;

/* A batch workload whose processes use pools[0 .. cfg->processes-1]; record arrivals from
 * `arrivals`, group sizes, users and per-record times from `work` (borrowed). It initialises
 * *stats and records into it. NULL when out of memory. */
struct batch *batch_create(const struct cfg_batch *cfg, struct sim *sim, struct database *db,
			   struct pool *const *pools, const struct users *users,
			   gsl_rng *arrivals, gsl_rng *work, double warmup_s, double horizon_s,
			   struct batch_stats *stats);
void batch_destroy(struct batch *b);
/* Schedule the first record arrival and the first tick. */
void batch_start(struct batch *b);
struct pgbouncer;
/* Run every transaction through PgBouncer pb (borrowed): a server is asked for at BEGIN and
 * given back at COMMIT (session mode: when the client connection closes); PgBouncer's errors
 * fail the batch as a failed checkout does (query_wait_timeout counted in
 * pgbouncer_timeouts, not pool_timeouts). Call before batch_start. */
void batch_use_pgbouncer(struct batch *b, struct pgbouncer *pb);
/* Restart the levels at the current time (warm-up) / read them off at the horizon. */
void batch_reset_levels(struct batch *b);
void batch_snapshot_levels(struct batch *b);
/* Records waiting now; the age of the oldest one (0 when none); workers running a batch now. */
int batch_backlog(const struct batch *b);
double batch_backlog_age(const struct batch *b);
int batch_active(const struct batch *b);

#endif
