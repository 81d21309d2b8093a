/* SQLAlchemy NullPool (create_engine(..., poolclass=NullPool)): the pool kind
 * "sqlalchemy-null", the usual choice behind PgBouncer (reference/pool-semantics.md §1; the
 * SQLAlchemy documentation, "Switching Pool Implementations").
 *
 * NullPool keeps nothing: every checkout opens a new server connection in the requester's
 * name (who pays the connect time), every checkin closes it. There is no cap and so no
 * waiting and no pool timeout; the only failure is the database refusing the connect
 * (PostgreSQL's "sorry, too many clients already"), at once. A fresh connection is never
 * pinged and never older than pool_recycle, so those options change nothing and are not keys
 * of this kind. */
#include <stdio.h>

#include "models/pool_kind.h"
#include "sim/dist.h"
#include "sim/status.h"

static void ev_connected(struct sim *sim, void *obj, uint64_t arg);

static int cap(const struct cfg_pool *cfg)
{
	(void)cfg;
	return -1;
}

static int base(const struct cfg_pool *cfg)
{
	(void)cfg;
	return 0;
}

/* Never called with a count of timeouts: NullPool does not wait. */
static void timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len)
{
	(void)cfg;
	(void)overflow;
	snprintf(buf, len, "NullPool does not wait: no pool timeout");
}

static int init(struct pool *p)
{
	(void)p;
	return PT_OK;
}

static void checkout(struct pool *p, struct pool_client *c)
{
	if (!database_connect(p->db, sim_now(p->sim))) {
		pool_fail(p, c, POOL_REFUSED);
		return;
	}
	struct pool_conn *conn = pool_conn_new(p);
	if (!conn)
		return; /* the run has failed */
	p->total++;
	double dt = dist_sample(&p->db->cfg->connect_time, p->rng);
	c->conn = conn;
	c->connect_s += dt;
	p->st.connects++;
	sim_schedule_in(p->sim, dt, PRIO_COMPLETION, ev_connected, c, 0);
}

static void ev_connected(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	struct pool_conn *conn = c->conn;
	conn->alive = true;
	conn->created_at = sim_now(sim);
	pool_grant(p, c, conn);
	pool_levels_update(p);
}

/* NullPool._do_return_conn: close (a connection whose server end has gone, pool.h's
 * pool_checkin_closed, has already given its slot back). */
static void checkin(struct pool *p, struct pool_conn *conn)
{
	pool_conn_disconnect(p, conn);
	p->total--;
	p->st.closes++;
	pool_conn_free(p, conn);
}

const struct pool_kind pool_kind_sqlalchemy_null = {
	.name = "sqlalchemy-null",
	.title = "SQLAlchemy NullPool",
	.size = sizeof(struct pool),
	.init = init,
	.checkout = checkout,
	.checkin = checkin,
	.cap = cap,
	.base = base,
	.timeout_message = timeout_message,
};
