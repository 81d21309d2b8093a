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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/config.h"
#include "models/batch.h"
#include "models/pgbouncer.h"
#include "models/requests.h"

struct pool_result {
	uint64_t checkouts, timeouts, refused, connects, closes, reconnects, pings;
	uint64_t barged;             /* hand-offs to a woken waiter taken by a newcomer */
	double checked_out_mean, checked_out_max;
	double checked_in_mean;
	double overflow_mean, overflow_max;
	double waiters_mean, waiters_max;
	double open_mean, open_max;
	double exhausted_share;      /* fraction of [warmup, horizon] with every allowed
					connection checked out while someone waits */
	double longest_exhausted_s;
	int first_timeout_overflow;  /* SQLAlchemy's overflow() at the first timeout; INT_MIN
					when nothing timed out */
};

/* PgBouncer's figures for one database's pool (all zero without PgBouncer, or for a server
 * it does not front): counters over the run after the warm-up, SHOW POOLS levels over
 * [warmup, horizon]. */
struct pgbouncer_result {
	uint64_t queries, waited, query_wait_timeouts, login_failing, statement_mode;
	uint64_t client_refused;   /* application connects to this database refused
				      (max_client_conn, shared by every database) */
	uint64_t server_connects, server_refused, reserve_connects;
	uint64_t idle_closes, lifetime_closes; /* servers closed by server_idle_timeout and
						  server_lifetime */
	double wait_mean;          /* query to server linked, linked queries (NAN if none) */
	double maxwait_max;        /* longest wait of any client, s */
	double cl_active_mean, cl_active_max, cl_waiting_mean, cl_waiting_max;
	double sv_active_mean, sv_active_max, sv_idle_mean, sv_login_mean;
};

/* A read replica's figures (models/database.h), as the primary's db_* fields below: connects
 * refused after the warm-up; levels over [warmup, horizon]. */
struct server_result {
	uint64_t refused;
	double open_mean, open_max;  /* server connections, all processes and pools */
	double cpu_busy_mean;        /* NAN without cores */
	double cpu_active_mean;      /* NAN without cores */
};

/* Pool figures are per pool name, over the pool's instances in every process: counters are
 * summed, time averages averaged (the status of one process's pool), maxima the largest.
 *
 * A result is sized to its scenario (model_result_create): one block holding this header and
 * the arrays it points to, so its memory follows the scenario's pools and workloads (about
 * 76 KB per workload, dominated by two 37 KB wait histograms) and it can be copied or sent to
 * another process as bytes (model_result_data, model_result_load). Compare two results with
 * model_result_equal, not memcmp of the header (it holds pointers). */
struct model_result {
	int n_pools, n_workloads;
	int n_processes;             /* application processes (each with its own pools) */
	struct pool_result *pools;          /* [n_pools] */
	struct requests_stats *workloads;   /* [n_workloads]: the slots of requests workloads */
	struct batch_stats *batches;        /* [n_workloads]: the slots of batch workloads */
	double window_s;             /* horizon - warmup: the observation window */
	uint64_t db_refused;
	double db_open_mean, db_open_max; /* server connections, all processes and pools */
	double db_lock_waiting_mean, db_lock_waiting_max; /* transactions waiting for a row lock */
	double db_cpu_busy_mean;     /* share of the cores busy (NAN without cores) */
	double db_cpu_active_mean;   /* statements running, time average (NAN without cores) */
	int n_replicas;              /* the scenario's read replicas */
	struct server_result replicas[CFG_MAX_REPLICAS]; /* [n_replicas] (the primary: db_*) */
	/* PgBouncer's pool of server k's database: [0] the primary, [k] replica k - 1; zero for
	 * a server it does not front (cfg_pgbouncer_fronts) */
	struct pgbouncer_result pgbouncer[CFG_MAX_REPLICAS + 1];
	int status;                  /* model_run's return value */
	int overloaded_pool;         /* with PT_EOVERLOAD: the pool whose waiters reached
					max_waiting; else -1 */
	int stuck_server;            /* with PT_ESTUCK: the server whose PgBouncer database still
					had clients waiting when the engine ran dry; else -1 */
	int stuck_clients;           /* with PT_ESTUCK: how many */
	uint64_t events;             /* engine events run */
	size_t peak_pending;         /* largest future-event set */
	double end_s;                /* simulated time when the drain finished */
	size_t bytes;                /* the whole block (this header and its arrays) */
};

/* A result for sc's pools and workloads, zeroed; NULL when out of memory. */
struct model_result *model_result_create(const struct cfg_scenario *sc);
/* NULL is a no-op. */
void model_result_destroy(struct model_result *r);
/* The block as bytes (*n = r->bytes) for a transfer to another process. */
const void *model_result_data(const struct model_result *r, size_t *n);
/* Overwrite r (created for the same scenario) with n bytes from model_result_data of another
 * result; PT_EINVAL when the sizes differ (r is then unchanged). */
int model_result_load(struct model_result *r, const void *data, size_t n);
/* Same values, byte for byte (padding included: model_run zeroes it). */
bool model_result_equal(const struct model_result *a, const struct model_result *b);

/* One pool's status at one instant, in SQLAlchemy's words (models/pool.h): connections handed
 * out (checked_out), idle in the pool (checked_in), beyond pool_size (overflow), all open
 * connection records (open = checked_out + checked_in), and requesters waiting. */
struct model_sample {
	double t_s;
	int pool;             /* index into cfg_scenario.pools (its instance in process 0) */
	int checked_out, checked_in, overflow, waiters, open;
	int backlog;          /* records waiting in every batch workload's backlog */
	double backlog_age_s; /* age of the oldest waiting record (the lag building up), s */
	int batch_active;     /* workers running a batch (all batch workloads and processes) */
	int server_connections; /* backends open on the primary database server: every process
				   and pool, connections being opened included (the same in every
				   pool's sample of one instant; read replicas are not sampled, their
				   levels are in the result's replicas[]) */
	struct pgbouncer_status pgbouncer; /* SHOW POOLS now of PgBouncer's pool for the pool's
					      server (its [databases] entry); zero without it */
};

/* Optional observers; any member may be NULL (or 0). Observing changes nothing: the same
 * random draws, the same events in the same order, the same model_result except the engine
 * figure peak_pending, which counts the sampler's one pending event. */
struct model_hooks {
	void (*on_arrival)(void *ctx, int workload, double t);
	/* With sample_step_s > 0: called for every pool (in pool order) at t = 0, step, 2 step,
	 * ... while t <= horizon (a last instant within 1e-9 relative of the horizon is taken at
	 * the horizon), after every other event at that instant (priority PRIO_SAMPLE). Samples
	 * cover the warm-up too. */
	double sample_step_s;
	void (*on_sample)(void *ctx, const struct model_sample *s);
	void *ctx;
	/* Not the model's: the experiment (models/experiment.h) calls this with every
	 * replication's result of the variant these hooks are given for, replication 0, 1, 2, ...
	 * in order and one call at a time, whatever the threads; r is NULL for a replication
	 * that failed. The result is borrowed for the call. */
	void (*on_result)(void *result_ctx, int rep, const struct model_result *r);
	void *result_ctx;
};

/* The sampler's event priority: the largest there is, so a sample sees the state after every
 * model event at its instant, whatever priorities models add later. */
enum { PRIO_SAMPLE = SIM_PRIO_MAX };

/* Sampling instants for a horizon and step: floor(horizon / step) + 1, with the tolerance
 * above. */
uint64_t model_sample_count(double horizon_s, double step_s);

/* Run replication `rep` (0-based) of `sc` with master seed sc->seed. Fills *out, which
 * model_result_create made for sc (or for a scenario with the same numbers of pools and
 * workloads). Returns 0, or PT_ENOMEM. */
int model_run(const struct cfg_scenario *sc, uint64_t rep, struct model_result *out,
	      const struct model_hooks *hooks);

/* The engine events one replication of `sc` will run, estimated before running it (issue 10
 * item 6: refuse astronomical work up front rather than run for ever without a word). The
 * arrival processes' steps (arrivals_expected_steps: rejected thinning candidates count, they
 * cost a draw each) plus the events each arrival causes: a request's completion, and with row
 * locks its write start and statement end, with database cores its CPU job and the BEGIN
 * round trip; a batch workload's ticks, its records' arrivals and processing, and its
 * transactions' BEGIN and COMMIT. Pool timeouts, connects and retries are not counted: the
 * estimate is the right order of magnitude, not an exact count. +inf when it overflows. */
double model_estimate_events(const struct cfg_scenario *sc);

/* The same with `users` (models/users.h) made for sc->users once and shared read-only by
 * every replication and thread of the scenario (a Zipf table of millions of users is built
 * once, not per replication); NULL: built for this run. */
struct users;
int model_run_shared(const struct cfg_scenario *sc, uint64_t rep, struct model_result *out,
		     const struct model_hooks *hooks, const struct users *users);

/* Stream ids of a workload's and a pool's random sources (documented so tests can rebuild
 * them): rng_stream_id(workload name, STREAM_ARRIVALS / STREAM_HOLDS) and, for the instance
 * of a pool in process p, rng_stream_id(pool name, STREAM_CONNECT + 16 p). */
enum { STREAM_ARRIVALS = 1, STREAM_HOLDS = 2, STREAM_CONNECT = 3 };
/* PgBouncer's server connect times of server k's database (0 the primary, k replica k - 1):
 * rng_stream_id("pgbouncer", STREAM_PGBOUNCER + 16 k) (no pool or workload stream uses these
 * ids; the primary's keeps the id of a PgBouncer with one database). */
enum { STREAM_PGBOUNCER = 4 };
/* A requests workload's read routing (models/routing.h): rng_stream_id(workload name,
 * STREAM_ROUTING), created only when it routes reads. */
enum { STREAM_ROUTING = 5 };

/* Connections per process that the request workloads keep busy on pool `pool` at their peak
 * arrival rate (rate profile maximum times the largest burst factor; a trace's mean rate),
 * in Erlangs: rate x the fraction of transactions run on the pool x mean hold, the hold being
 * db_time + app_time + (statements + 2) round trips to the pool's server. The fraction counts
 * routed reads (routing.h): a workload's own pool takes its writes and the reads not routed,
 * each of its read pools an equal part of (1 - writes) x reads.share. Batch workloads are
 * left out, so it is a lower bound. */
double model_offered_erlangs(const struct cfg_scenario *sc, int pool);

/* What went wrong in a failed replication, for the user: the status's text, and for
 * PT_EOVERLOAD the pool, its cap on waiters and the overload factor (offered Erlangs over
 * the pool's cap). NUL-terminated into buf. */
void model_failure_text(const struct cfg_scenario *sc, const struct model_result *r, char *buf,
			size_t len);

/* Application processes a scenario runs: the largest of deployment.processes and every
 * workload's own processes. */
int model_processes(const struct cfg_scenario *sc);

#endif
