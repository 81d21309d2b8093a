/* The pool kinds' exact-test harness (tests/poolfx.h). */
#include "tests/poolfx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "sim/dist.h"

void fx_assert_near(double a, double b, const char *expr, const char *file, int line)
{
	if (!(fabs(a - b) <= FX_TOL)) {
		print_error("%s = %.17g, expected %.17g\n", expr, a, b);
		_fail(file, line);
	}
}

static void ev_release(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct client *c = obj;
	pool_checkin(c->fx->pool, c->conn);
}

static void ev_release_closed(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct client *c = obj;
	pool_checkin_closed(c->fx->pool, c->conn);
}

static void on_ready(struct pool_client *pc, struct pool_conn *conn)
{
	struct client *c = (struct client *)pc;
	struct sim *sim = c->fx->sim;
	double now = sim_now(sim);
	assert_int_equal(c->outcome, FX_PENDING); /* exactly one callback per checkout */
	c->outcome = FX_READY;
	c->t_done = now;
	c->wait_s = now - pc->t_request;
	c->connect_s = pc->connect_s;
	c->conn = conn;
	c->conn_id = conn->id;
	c->created_at = conn->created_at;
	assert_true(conn->alive);
	c->order = ++c->fx->n_answered;
	if (isfinite(c->hold_s))
		assert_true(sim_schedule_in(sim, c->hold_s, PRIO_COMPLETION, ev_release, c, 0) !=
			    SIM_NO_EVENT);
}

static void on_fail(struct pool_client *pc, enum pool_failure why)
{
	struct client *c = (struct client *)pc;
	assert_int_equal(c->outcome, FX_PENDING);
	c->outcome = why == POOL_TIMEOUT ? FX_TIMED_OUT : why == POOL_REFUSED ? FX_REFUSED
									  : FX_PENDING;
	assert_int_not_equal(c->outcome, FX_PENDING);
	c->t_done = sim_now(c->fx->sim);
	c->wait_s = c->t_done - pc->t_request;
	c->order = ++c->fx->n_answered;
}

static void ev_checkout(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct client *c = obj;
	pool_checkout(c->fx->pool, &c->pc);
}

static void ev_probe(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	struct fx *fx = obj;
	fx->probes[arg] = (struct probe){
		.out = pool_checked_out(fx->pool),
		.in = pool_checked_in(fx->pool),
		.overflow = pool_overflow(fx->pool),
		.open = pool_open(fx->pool),
		.waiting = pool_waiting(fx->pool),
		.db_open = fx->db.open,
		.db_refused = fx->db.refused,
		.taken = true,
	};
}

static void ev_drain(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct fx *fx = obj;
	pool_drain(fx->pool);
}

int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	fx->dbcfg.max_connections = 100;
	fx->dbcfg.superuser_reserved_connections = 3;
	fx->dbcfg.rtt_s = 0;
	if (dist_constant(&fx->dbcfg.connect_time, 0.125) != 0) {
		free(fx);
		return -1;
	}
	cfg_pool_defaults(&fx->pc);
	*state = fx;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *fx = *state;
	if (!fx)
		return 0;
	pool_destroy(fx->pool);
	sim_destroy(fx->sim);
	if (fx->rng)
		gsl_rng_free(fx->rng);
	free(fx);
	return 0;
}

void fx_connect_time(struct fx *fx, double s)
{
	assert_int_equal(dist_constant(&fx->dbcfg.connect_time, s), 0);
}

void fx_config(struct fx *fx, int size, int overflow, double timeout_s, double connect_s)
{
	fx->pc.size = size;
	fx->pc.max_overflow = overflow;
	fx->pc.timeout_s = timeout_s;
	fx_connect_time(fx, connect_s);
}

void fx_start(struct fx *fx)
{
	fx->sim = sim_create();
	assert_non_null(fx->sim);
	database_init(&fx->db, &fx->dbcfg, 0);
	fx->rng = gsl_rng_alloc(gsl_rng_mt19937); /* constant connect times never draw from it */
	assert_non_null(fx->rng);
	fx->pool = pool_create(&fx->pc, fx->sim, &fx->db, fx->rng);
	assert_non_null(fx->pool);
}

void fx_run(struct fx *fx)
{
	sim_run(fx->sim, INFINITY);
	assert_int_equal(sim_status(fx->sim), 0);
	assert_int_equal(sim_pending(fx->sim), 0);
}

struct client *fx_arrive_prio(struct fx *fx, int i, double t, int prio, double hold_s)
{
	assert_true(i >= 0 && i < FX_MAX_CLIENTS);
	struct client *c = &fx->cl[i];
	c->fx = fx;
	c->hold_s = hold_s;
	c->pc.on_ready = on_ready;
	c->pc.on_fail = on_fail;
	assert_true(sim_schedule_at(fx->sim, t, prio, ev_checkout, c, 0) != SIM_NO_EVENT);
	return c;
}

struct client *fx_arrive(struct fx *fx, int i, double t, double hold_s)
{
	return fx_arrive_prio(fx, i, t, PRIO_ARRIVAL, hold_s);
}

const struct probe *fx_probe_at(struct fx *fx, double t)
{
	assert_true(fx->n_probes < FX_MAX_PROBES);
	int k = fx->n_probes++;
	assert_true(sim_schedule_at(fx->sim, t, SIM_PRIO_MAX, ev_probe, fx, (uint64_t)k) !=
		    SIM_NO_EVENT);
	return &fx->probes[k];
}

void fx_drain_at(struct fx *fx, double t)
{
	assert_true(sim_schedule_at(fx->sim, t, PRIO_ARRIVAL, ev_drain, fx, 0) != SIM_NO_EVENT);
}

void fx_release_at(struct fx *fx, struct client *c, double t)
{
	assert_true(sim_schedule_at(fx->sim, t, PRIO_COMPLETION, ev_release, c, 0) !=
		    SIM_NO_EVENT);
}

void fx_release_closed_at(struct fx *fx, struct client *c, double t)
{
	assert_true(sim_schedule_at(fx->sim, t, PRIO_COMPLETION, ev_release_closed, c, 0) !=
		    SIM_NO_EVENT);
}
