/* The resolved scenario: plain C values that fully describe one configuration to simulate.
 *
 * The scenario loader (app/) builds one of these per variant from JSON, with every default
 * filled in and every value checked; models read it and never see JSON. Fixed-size arrays keep
 * it a value type: it can be copied, compared and handed to threads without ownership rules.
 * Units: seconds, requests per second. */
#ifndef POOLTIDE_CONFIG_H
#define POOLTIDE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/dist.h"

#define CFG_MAX_POOLS 8
#define CFG_MAX_WORKLOADS 8
#define CFG_NAME_MAX 64
#define CFG_MAX_SLO 32
#define CFG_MAX_WINDOWS 3       /* worst-window lengths per requests workload */
#define CFG_WINDOW_MIN_S 1      /* a worst window's length: whole seconds in [1 s, 1 h] (the */
#define CFG_WINDOW_MAX_S 3600   /* ring of one-second bins costs 1.7 kB a second of length) */
#define CFG_SLO_METRIC_MAX 32
#define CFG_MAX_REPLICAS 4      /* read replicas beside the primary */

/* PostgreSQL server. */
struct cfg_database {
	int max_connections;                /* default 100 */
	int superuser_reserved_connections; /* default 3 */
	int reserved_connections;           /* default 0 (PG 16+) */
	struct dist connect_time;           /* default lognormal mean 5 ms, sd 2 ms */
	double rtt_s;                       /* one client-server round trip; default 0 */
	int cores;                          /* > 0: statements run in processor sharing at rate
					       min(1, cores / active); 0 (default): no CPU limit */
	bool row_locks;                     /* default true; false: writes never wait */
	/* PostgreSQL's lock_timeout and statement_timeout (0 = off, PostgreSQL's default): a
	 * statement waiting longer for a row lock, or running longer (its lock wait included), is
	 * cancelled; the transaction rolls back. Workloads may set their own (SET per role). */
	double lock_timeout_s;
	double statement_timeout_s;
};

/* A read replica (a PostgreSQL hot standby streaming from the primary): its own slots,
 * refusals, connect time, round trip, cores and statement_timeout (a server setting, in its
 * own postgresql.conf; default the primary's). Read-only: it takes no row locks, so
 * lock_timeout never fires there; a workload's own timeouts (role settings) replicate and
 * apply on it too. Replication lag is not modelled: a read sees the primary's latest commit. */
struct cfg_replica {
	char name[CFG_NAME_MAX];
	struct cfg_database db;  /* each field defaults to the primary's (database.*); row_locks
				    false; lock_timeout_s unused (no row locks) */
};

/* How a workload picks a replica for a routed read. */
enum cfg_routing {
	CFG_ROUTING_ROUND_ROBIN,  /* each process cycles through the replicas' pools (default) */
	CFG_ROUTING_RANDOM,       /* one at random, as SQLAlchemy's RoutingSession example does */
};

/* Read routing of a requests workload (models/routing.h): of its read-only transactions
 * (those that do not write), `share` go to one of the pools `pools` (each bound to a replica);
 * the others, and every writing one, run on the workload's own pool (on the primary). */
struct cfg_reads {
	int n_pools;              /* 0 (default): no routing, every transaction on the primary */
	int pools[CFG_MAX_REPLICAS]; /* indices into cfg_scenario.pools, each on a replica */
	double share;             /* default 1 */
	enum cfg_routing routing; /* default round-robin */
};

/* PgBouncer's pool_mode: when a server connection goes back to PgBouncer's pool. */
enum cfg_pool_mode {
	CFG_POOL_MODE_SESSION,      /* at client disconnect (PgBouncer's default) */
	CFG_POOL_MODE_TRANSACTION,  /* at the end of each transaction */
	CFG_POOL_MODE_STATEMENT,    /* after each statement: transaction blocks are refused */
};

/* PgBouncer between every process's pools and the servers (models/pgbouncer.h): one
 * [databases] entry per server a pool uses, so one pool (database, user) per server, each with
 * these pool settings; max_client_conn counts the client connections of every database.
 * Names and defaults are PgBouncer's own (doc/config.md). */
struct cfg_pgbouncer {
	bool enabled;               /* the scenario has a "pgbouncer" section */
	enum cfg_pool_mode pool_mode;   /* default session */
	int max_client_conn;        /* client connections accepted, default 100 */
	int default_pool_size;      /* server connections per (database, user) pool, default 20 */
	int min_pool_size;          /* kept open once a client is connected, default 0 */
	int reserve_pool_size;      /* extra servers once the oldest waiter waited
				       reserve_pool_timeout, default 0 */
	double reserve_pool_timeout_s;  /* default 5 */
	int max_db_connections;     /* server connections per database, 0 (default) = no cap */
	double query_wait_timeout_s;    /* a client waiting longer for a server is disconnected,
					   default 120; 0 = wait forever */
	double server_login_retry_s;    /* no new server connect this long after a failed one,
					   default 15 */
	double server_idle_timeout_s;   /* a server idle longer is closed (unless that would go
					   below min_pool_size), default 600; 0 = never */
	double server_lifetime_s;       /* a server older is closed once unused (at release, or
					   idle), one per lifetime / default_pool_size, default
					   3600; 0 = each server is used once, then closed */
	struct dist client_connect_time; /* an application connect to PgBouncer (no fork, no
					    server): default lognormal mean 1 ms, sd 0.5 ms */
	char server_reset_query[CFG_NAME_MAX]; /* run on a server released in session mode (one
						  round trip); default "DISCARD ALL", "" = none */
};

struct pool_kind;

/* A connection pool of one kind (models/pool.h); the fields below the kind are SQLAlchemy
 * QueuePool's (create_engine's pool_* arguments), the default kind's. The other kinds read
 * their own fields at the end, and the loader also fills size, max_overflow and timeout_s for
 * them (the common cap and timeout every report speaks), as each field's comment says. */
struct cfg_pool {
	char name[CFG_NAME_MAX];
	int server;              /* pools.NAME.server: 0 = the primary (database, default), k =
				    replicas[k - 1]; one engine per server, as applications route */
	const struct pool_kind *kind; /* pools.NAME.kind; NULL or &pool_kind_sqlalchemy: QueuePool */
	int max_waiting;         /* requesters that may wait at once; beyond, the run fails as
				    overloaded (memory follows the scenario, not the overload).
				    default 100000; 0 = no cap */
	int size;                /* pool_size, default 5, >= 0 */
	int max_overflow;        /* default 10; -1 = unlimited */
	double timeout_s;        /* pool_timeout, default 30, >= 0 */
	bool use_lifo;           /* pool_use_lifo, default false */
	bool pre_ping;           /* pool_pre_ping, default false: 1 RTT per checkout when true */
	double recycle_s;        /* pool_recycle, default -1 (off) */
	struct dist wakeup_latency; /* time a woken waiter needs to take the connection (a
				    distribution: measured median 0.08 ms, p99 0.43 ms); constant 0 =
				    strict FIFO hand-off (default) */
	double checkout_cost_s;  /* every checkout takes this long before the requester has its
				    connection (SQLAlchemy's own work: events, fairy, reset); 0 */
	double close_time_s;     /* closing a connection at checkin (overflow churn) takes this
				    long, and the record holds its overflow slot meanwhile
				    (QueuePool._do_return_conn decrements overflow after the close);
				    0 */

	/* HikariCP (kind "hikaricp"): size = maximumPoolSize (default 10), max_overflow = 0,
	 * timeout_s = connectionTimeout (default 30 s; 0 = wait for ever). */
	int min_idle;            /* minimumIdle, default = maximumPoolSize */
	double idle_timeout_s;   /* hikaricp: idleTimeout (default 600 s, 0 = off);
				    go: SetConnMaxIdleTime (default 0 = none) */
	double max_lifetime_s;   /* hikaricp: maxLifetime (default 1800 s, 0 = infinite);
				    go: SetConnMaxLifetime (default 0 = none) */
	double keepalive_s;      /* hikaricp: keepaliveTime, default 0 (off) */
	char pool_name[CFG_NAME_MAX]; /* hikaricp: poolName, default "HikariPool-N" (N: the
					 pool's place among the process's HikariCP pools) */
	/* Go database/sql (kind "go"): size = the idle connections kept (SetMaxIdleConns, after
	 * Go's clipping), max_overflow = max_open - size (-1 when unlimited), timeout_s = the
	 * request's context timeout (INFINITY: no deadline, Go's default). */
	int max_open;            /* SetMaxOpenConns, default 0 = unlimited */
	bool fifo_waiters;       /* go: hand a returned connection to the waiter that asked first
				    (the list of earlier Go releases, golang/go issue #31708)
				    instead of a random one (today's Go);
				    default false */
};

enum cfg_workload_kind { CFG_WORKLOAD_REQUESTS, CFG_WORKLOAD_BATCH };

#define CFG_MAX_PROFILE 96
#define CFG_MAX_BURSTS 16

/* A change of the arrival rate: from t_s on (until the next point) the rate is rate_per_s. */
struct cfg_rate_point {
	double t_s;
	double rate_per_s;
};

/* A window [start_s, end_s) during which the rate is multiplied by factor (> 0). */
struct cfg_burst {
	double start_s, end_s, factor;
};

/* An arrival process: Poisson at rate_per_s, or at a piecewise-constant rate profile
 * (non-homogeneous Poisson, generated by thinning), times burst factors; or the replay of a
 * trace of arrival times. Used for requests and for the records feeding a batch backlog. */
struct cfg_arrival {
	double rate_per_s;            /* base rate; with a profile, ignored */
	int n_profile;                /* 0: constant rate */
	struct cfg_rate_point profile[CFG_MAX_PROFILE]; /* ascending t_s, the first at 0 */
	double profile_period_s;      /* > 0: the profile repeats with this period (a daily
					 curve: 86400); 0: the last rate holds */
	int n_bursts;
	struct cfg_burst bursts[CFG_MAX_BURSTS];
	/* Trace replay (when trace_n > 0): ascending arrival times, seconds from the start, and
	 * optionally one hold time per arrival (replaces the transaction's db_time). The arrays
	 * belong to the scenario loader and outlive every run; configs copy the pointers. */
	size_t trace_n;
	const double *trace_t;
	const double *trace_hold;     /* NULL: holds drawn from the transaction */
};

/* API traffic: one transaction per request. */
struct cfg_requests {
	struct cfg_arrival arrival;
	struct dist db_time;    /* database time of the transaction (statement execution; runs
				   in processor sharing when database.cores > 0) */
	struct dist app_time;   /* application time while holding the connection; default 0 */
	int statements;         /* statements per transaction, default 1: each costs one RTT,
				   plus one for BEGIN and one for COMMIT */
	double writes;          /* fraction of transactions that write a user's rows and so take
				   that user's row lock (held until commit); default 0 */
	int retries;            /* retries after a pool timeout, default 0 */
	double backoff_s;       /* wait before retry k (1-based): backoff_s x 2^(k-1); default 1 */
	int processes;          /* application processes serving it (each with its own pools),
				   arrivals spread round-robin; 0 = deployment.processes */
	double lock_timeout_s;      /* -1 (default): database.lock_timeout */
	double statement_timeout_s; /* -1 (default): database.statement_timeout */
	int concurrency;        /* requests in flight per process (worker threads); beyond, they
				   queue FIFO in the application before the pool. 0 = no limit */
	double client_timeout_s; /* the client (or load balancer) gives up this long after the
				    request arrived: a request that finishes later counts as
				    given_up. 0 (default) = never */
	struct cfg_reads reads; /* read routing to replicas; n_pools 0: none */
	int n_windows;          /* worst-window lengths (models/window.h), default 2: */
	double windows_s[CFG_MAX_WINDOWS]; /* 60 and 300 s (slo.WORKLOAD.window) */
};

enum cfg_commit { CFG_COMMIT_PER_BATCH, CFG_COMMIT_PER_GROUP, CFG_COMMIT_PER_RECORD };

/* Aggregation worker: records arrive into a backlog; a worker wakes every `every_s`, takes a
 * batch, groups it by user-date and commits per batch, per group or per record. */
struct cfg_batch {
	struct cfg_arrival records;   /* arrival process of records into the backlog */
	double every_s;               /* tick period: ticks at every, 2 every, ... */
	int batch_size;               /* records per batch, default 100 */
	int max_batch_size;           /* >= batch_size: cap when catching up (a backlog above
					 batch_size is taken up to this); default = batch_size */
	struct dist group_size;       /* records per user-date group (rounded, >= 1); default
					 constant 8 */
	struct dist per_record;       /* processing time of one record (database work) */
	enum cfg_commit commit;       /* default per_batch */
	int workers;                  /* workers per process that may run at once, default 1 */
	int processes;                /* processes running workers, default 1 (one worker
					 process, such as a celery worker, whatever
					 deployment.processes says); each has its own pools */
	double lock_timeout_s;        /* -1 (default): database.lock_timeout */
	double statement_timeout_s;   /* -1 (default): database.statement_timeout */
};

struct cfg_workload {
	char name[CFG_NAME_MAX];
	enum cfg_workload_kind kind;
	int pool;               /* index into cfg_scenario.pools */
	struct cfg_requests req;   /* kind == CFG_WORKLOAD_REQUESTS */
	struct cfg_batch batch;    /* kind == CFG_WORKLOAD_BATCH */
};

/* The users whose rows transactions lock. */
struct cfg_users {
	int count;              /* population, default 1000 */
	double zipf_s;          /* 0: uniform choice (default); > 0: Zipf with this exponent
				   (user k chosen with probability proportional to 1/k^s) */
};

/* One service-level objective: an upper bound on a metric of one workload (smaller is better).
 * models/slo.h says which metrics may carry one and how a variant is judged against it. */
struct cfg_slo {
	int workload;                   /* index into cfg_scenario.workloads */
	char metric[CFG_SLO_METRIC_MAX]; /* the limit's name as the scenario gives it:
					    "timeout_rate", "wait_p99", "worst_10m.failure_rate" */
	char table[CFG_SLO_METRIC_MAX];  /* the metric's name in models/summary.h's table: the
					    same, but window2.failure_rate for the workload's
					    second window length */
	double limit;                   /* in the metric's unit: a fraction 0..1 for rates,
					   seconds for waits */
};

struct cfg_scenario {
	char name[CFG_NAME_MAX];
	double horizon_s;       /* arrivals stop here; the run then drains. > warmup_s */
	double warmup_s;        /* requests arriving before this are not counted. default 0 */
	int replications;       /* default 10 */
	uint64_t seed;          /* master seed, default 1 */
	double max_events;      /* a replication that runs this many events fails (PT_ELIMIT): the
				   backstop behind model_estimate_events, for work no estimate
				   foresaw. Not a scenario key: the command line's --max-events.
				   0 (default): no limit */
	struct cfg_database db; /* the primary */
	int n_replicas;         /* read replicas, default 0 */
	struct cfg_replica replicas[CFG_MAX_REPLICAS];
	struct cfg_pgbouncer pgbouncer; /* enabled: the pools connect to PgBouncer */
	int processes;          /* deployment.processes: application processes, each with its own
				   pools (default 1) */
	struct cfg_users users;
	int n_pools;
	struct cfg_pool pools[CFG_MAX_POOLS];
	int n_workloads;
	struct cfg_workload workloads[CFG_MAX_WORKLOADS];
	int n_slo;              /* default 0: no objective */
	struct cfg_slo slo[CFG_MAX_SLO]; /* ordered by workload, then by the metric's place in
					    slo_metrics() (whatever the order in the file) */
};

/* Fill every field with its documented default: no pools, no workloads, horizon 1 h. */
void cfg_scenario_defaults(struct cfg_scenario *sc);
void cfg_pool_defaults(struct cfg_pool *p);
void cfg_requests_defaults(struct cfg_requests *r);
void cfg_batch_defaults(struct cfg_batch *b);
/* PgBouncer's defaults, enabled = false. */
void cfg_pgbouncer_defaults(struct cfg_pgbouncer *b);

/* Server connection slots an ordinary role may use:
 * max_connections - superuser_reserved_connections - reserved_connections. */
int cfg_usable_connections(const struct cfg_database *db);

/* The settings of server k: 0 = the primary (sc->db), k = sc->replicas[k - 1]. */
const struct cfg_database *cfg_server(const struct cfg_scenario *sc, int k);
/* The name reports give server k: "primary" or the replica's name. */
const char *cfg_server_name(const struct cfg_scenario *sc, int k);
/* Whether PgBouncer (enabled) fronts server k: it has a [databases] entry, and so a pool of
 * its own, for the primary and for every replica some pool connects to (pools.NAME.server). */
bool cfg_pgbouncer_fronts(const struct cfg_scenario *sc, int k);
/* A replica with every setting of the primary (row locks off) and this name. */
void cfg_replica_defaults(const struct cfg_scenario *sc, struct cfg_replica *r, const char *name);

#endif
