/* The exact event-sequence harness of the pool kinds' tests (tests/test_pool.c for QueuePool
 * and tests/test_pool_*.c for the other kinds): test clients (struct client, embedding a struct
 * pool_client) check out at chosen instants on one pool, hold for a chosen time after
 * on_ready and check in; probes read the pool's state after everything else at their instant.
 * Connect times and round trips are constants, so every event time is known in advance.
 *
 * Same-instant order (models/pool.h): releases and completions (PRIO_COMPLETION), then
 * deadlines (PRIO_DEADLINE), then arrivals (PRIO_ARRIVAL); probes at SIM_PRIO_MAX. */
#ifndef POOLTIDE_TESTS_POOLFX_H
#define POOLTIDE_TESTS_POOLFX_H

#include <stdbool.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/database.h"
#include "models/pool.h"
#include "sim/engine.h"

#define FX_MAX_CLIENTS 64
#define FX_MAX_PROBES 16
#define FX_TOL 1e-9 /* seconds: for times that are not dyadic (0.03, 0.1, ...) */

enum fx_outcome { FX_PENDING = 0, FX_READY, FX_TIMED_OUT, FX_REFUSED };

struct fx;

struct client {
	struct pool_client pc; /* first: the pool calls back with a pointer to it */
	struct fx *fx;
	double hold_s;         /* release this long after on_ready; INFINITY = never */
	enum fx_outcome outcome;
	double t_done;         /* when on_ready / on_fail ran */
	double wait_s;         /* t_done - pc.t_request */
	double connect_s;      /* pc.connect_s at on_ready */
	uint32_t conn_id;
	double created_at;     /* conn->created_at at hand-out */
	struct pool_conn *conn;
	int order;             /* 1, 2, ...: the order in which clients were answered */
};

struct probe {
	int out, in, overflow, open, waiting, db_open;
	uint64_t db_refused;
	bool taken;
};

struct fx {
	/* Configure these before fx_start (fx_setup sets PostgreSQL's 100 / 3 / 0, rtt 0, a
	 * constant connect time of 0.125 s and cfg_pool_defaults). */
	struct cfg_database dbcfg;
	struct cfg_pool pc;
	/* Built by fx_start. */
	struct sim *sim;
	struct database db;
	gsl_rng *rng;
	struct pool *pool;
	struct client cl[FX_MAX_CLIENTS];
	int n_answered;
	struct probe probes[FX_MAX_PROBES];
	int n_probes;
};

/* cmocka setup / teardown: *state is a struct fx. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* Connect time (constant) in seconds. */
void fx_connect_time(struct fx *fx, double s);
/* A pool of `size` + `overflow` (pool_size, max_overflow), timeout_s, connect time connect_s
 * (constant). */
void fx_config(struct fx *fx, int size, int overflow, double timeout_s, double connect_s);
/* Build the engine, the database and the pool of fx->pc at t = 0. */
void fx_start(struct fx *fx);
/* Run to the end; no event may be left. */
void fx_run(struct fx *fx);
/* Client i checks out at t and holds hold_s after on_ready. */
struct client *fx_arrive(struct fx *fx, int i, double t, double hold_s);
/* The same from an event of priority prio (PRIO_ARRIVAL for fx_arrive). */
struct client *fx_arrive_prio(struct fx *fx, int i, double t, int prio, double hold_s);
/* The pool's state at t, after every other event of that instant. */
const struct probe *fx_probe_at(struct fx *fx, double t);
/* pool_drain at t (the model's horizon): the kind's background timers stop. */
void fx_drain_at(struct fx *fx, double t);
/* Check in client c's connection at t (for a client with an infinite hold). */
void fx_release_at(struct fx *fx, struct client *c, double t);
/* The same through pool_checkin_closed: the server end has gone (PgBouncer dropped it). */
void fx_release_closed_at(struct fx *fx, struct client *c, double t);

void fx_assert_near(double a, double b, const char *expr, const char *file, int line);
#define FX_NEAR(a, b) fx_assert_near((a), (b), #a, __FILE__, __LINE__)

#define EXPECT_READY(c, t, id)                                                                \
	do {                                                                                  \
		assert_int_equal((c)->outcome, FX_READY);                                     \
		FX_NEAR((c)->t_done, (t));                                                    \
		assert_int_equal((c)->conn_id, (id));                                         \
	} while (0)

#define EXPECT_FAIL(c, t, why)                                                                \
	do {                                                                                  \
		assert_int_equal((c)->outcome, (why));                                        \
		FX_NEAR((c)->t_done, (t));                                                    \
	} while (0)

/* out, in (idle), open (records), waiting, server connections of the database */
#define EXPECT_PROBE(pr, out_, in_, open_, waiting_, db_open_)                                \
	do {                                                                                  \
		assert_true((pr)->taken);                                                     \
		assert_int_equal((pr)->out, (out_));                                          \
		assert_int_equal((pr)->in, (in_));                                            \
		assert_int_equal((pr)->open, (open_));                                        \
		assert_int_equal((pr)->waiting, (waiting_));                                  \
		assert_int_equal((pr)->db_open, (db_open_));                                  \
	} while (0)

/* The same with the overflow in use (pool_overflow), after `in` */
#define EXPECT_PROBE_OVERFLOW(pr, out_, in_, ovf_, open_, waiting_, db_open_)                 \
	do {                                                                                  \
		EXPECT_PROBE(pr, out_, in_, open_, waiting_, db_open_);                       \
		assert_int_equal((pr)->overflow, (ovf_));                                     \
	} while (0)

#endif
