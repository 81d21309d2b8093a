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
#define CFG_SLO_METRIC_MAX 32

/* PostgreSQL server. */
struct cfg_database {
	int max_connections;                /* default 100 */
	int superuser_reserved_connections; /* default 3 */
	int reserved_connections;           /* default 0 (PG 16+) */
	struct dist connect_time;           /* default lognormal mean 5 ms, sd 2 ms */
	double rtt_s;                       /* one client-server round trip; default 0 */
};

/* A SQLAlchemy QueuePool (create_engine's pool_* arguments). */
struct cfg_pool {
	char name[CFG_NAME_MAX];
	int size;                /* pool_size, default 5, >= 0 */
	int max_overflow;        /* default 10; -1 = unlimited */
	double timeout_s;        /* pool_timeout, default 30, >= 0 */
	bool use_lifo;           /* pool_use_lifo, default false */
	bool pre_ping;           /* pool_pre_ping, default false: 1 RTT per checkout when true */
	double recycle_s;        /* pool_recycle, default -1 (off) */
	double wakeup_latency_s; /* time a woken waiter needs to take the connection; 0 = strict
				    FIFO hand-off (default) */
};

enum cfg_workload_kind { CFG_WORKLOAD_REQUESTS };

/* API traffic: Poisson arrivals, one transaction each. */
struct cfg_requests {
	double rate_per_s;      /* arrival rate, > 0 */
	struct dist db_time;    /* database time of the transaction (statement execution) */
	struct dist app_time;   /* application time while holding the connection; default 0 */
	int statements;         /* statements per transaction, default 1: each costs one RTT,
				   plus one for BEGIN and one for COMMIT */
};

struct cfg_workload {
	char name[CFG_NAME_MAX];
	enum cfg_workload_kind kind;
	int pool;               /* index into cfg_scenario.pools */
	struct cfg_requests req;
};

/* One service-level objective: an upper bound on a metric of one workload (smaller is better).
 * models/slo.h says which metrics may carry one and how a variant is judged against it. */
struct cfg_slo {
	int workload;                   /* index into cfg_scenario.workloads */
	char metric[CFG_SLO_METRIC_MAX]; /* a metric name of models/summary.h: "timeout_rate",
					    "wait_p99", ... */
	double limit;                   /* in the metric's unit: a fraction 0..1 for rates,
					   seconds for waits */
};

struct cfg_scenario {
	char name[CFG_NAME_MAX];
	double horizon_s;       /* arrivals stop here; the run then drains. > warmup_s */
	double warmup_s;        /* requests arriving before this are not counted. default 0 */
	int replications;       /* default 10 */
	uint64_t seed;          /* master seed, default 1 */
	struct cfg_database db;
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

/* Server connection slots an ordinary role may use:
 * max_connections - superuser_reserved_connections - reserved_connections. */
int cfg_usable_connections(const struct cfg_database *db);

#endif
