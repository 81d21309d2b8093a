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

/* NullPool has no size: a connection per checkout. */
static int settings(const struct cfg_pool *cfg, struct pool_setting *out)
{
	(void)cfg;
	(void)out;
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

/* Every checkout connects in the requester's name; a refusal fails it at once. */
static void checkout(struct pool *p, struct pool_client *c)
{
	if (pool_open_for(p, c, NULL) == POOL_OPEN_REFUSED)
		pool_fail(p, c, POOL_REFUSED);
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
	.settings = settings,
	.timeout_message = timeout_message,
};
