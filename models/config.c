#include "models/config.h"

#include <string.h>

#include "models/pool.h"

void cfg_pool_defaults(struct cfg_pool *p)
{
	memset(p, 0, sizeof *p);
	p->kind = &pool_kind_sqlalchemy;
	p->max_waiting = 100000;
	p->size = 5;
	p->max_overflow = 10;
	p->timeout_s = 30;
	p->use_lifo = false;
	p->pre_ping = false;
	p->recycle_s = -1;
	dist_constant(&p->wakeup_latency, 0);
	p->checkout_cost_s = 0;
	p->close_time_s = 0;
}

void cfg_requests_defaults(struct cfg_requests *r)
{
	memset(r, 0, sizeof *r);
	r->arrival.rate_per_s = 1;
	r->writes = 0;
	r->retries = 0;
	r->backoff_s = 1;
	r->processes = 0;
	dist_exponential(&r->db_time, 0.010);
	dist_constant(&r->app_time, 0);
	r->statements = 1;
	r->lock_timeout_s = -1;
	r->statement_timeout_s = -1;
	r->reads.share = 1;
	r->reads.routing = CFG_ROUTING_ROUND_ROBIN;
	r->n_windows = 2;
	r->windows_s[0] = 60;
	r->windows_s[1] = 300;
}

void cfg_scenario_defaults(struct cfg_scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	memcpy(sc->name, "scenario", sizeof "scenario");
	sc->horizon_s = 3600;
	sc->warmup_s = 0;
	sc->replications = 10;
	sc->seed = 1;
	sc->db.max_connections = 100;
	sc->db.superuser_reserved_connections = 3;
	sc->db.reserved_connections = 0;
	dist_lognormal_mean_sd(&sc->db.connect_time, 0.005, 0.002);
	sc->db.rtt_s = 0;
	sc->db.cores = 0;
	sc->db.row_locks = true;
	cfg_pgbouncer_defaults(&sc->pgbouncer);
	sc->processes = 1;
	sc->users.count = 1000;
	sc->users.zipf_s = 0;
}

void cfg_pgbouncer_defaults(struct cfg_pgbouncer *b)
{
	memset(b, 0, sizeof *b);
	b->enabled = false;
	b->pool_mode = CFG_POOL_MODE_SESSION;
	b->max_client_conn = 100;
	b->default_pool_size = 20;
	b->min_pool_size = 0;
	b->reserve_pool_size = 0;
	b->reserve_pool_timeout_s = 5;
	b->max_db_connections = 0;
	b->query_wait_timeout_s = 120;
	b->server_login_retry_s = 15;
	b->server_idle_timeout_s = 600;
	b->server_lifetime_s = 3600;
	dist_lognormal_mean_sd(&b->client_connect_time, 0.001, 0.0005);
	memcpy(b->server_reset_query, "DISCARD ALL", sizeof "DISCARD ALL");
}

int cfg_usable_connections(const struct cfg_database *db)
{
	int n = db->max_connections - db->superuser_reserved_connections - db->reserved_connections;
	return n > 0 ? n : 0;
}

void cfg_batch_defaults(struct cfg_batch *b)
{
	memset(b, 0, sizeof *b);
	b->records.rate_per_s = 1;
	b->every_s = 60;
	b->batch_size = 100;
	b->max_batch_size = 100;
	dist_constant(&b->group_size, 8);
	dist_constant(&b->per_record, 0.1);
	b->commit = CFG_COMMIT_PER_BATCH;
	b->workers = 1;
	b->processes = 1;
	b->lock_timeout_s = -1;
	b->statement_timeout_s = -1;
}

const struct cfg_database *cfg_server(const struct cfg_scenario *sc, int k)
{
	return k == 0 ? &sc->db : &sc->replicas[k - 1].db;
}

const char *cfg_server_name(const struct cfg_scenario *sc, int k)
{
	return k == 0 ? "primary" : sc->replicas[k - 1].name;
}

bool cfg_pgbouncer_fronts(const struct cfg_scenario *sc, int k)
{
	if (!sc->pgbouncer.enabled)
		return false;
	if (k == 0)
		return true;
	for (int p = 0; p < sc->n_pools; p++)
		if (sc->pools[p].server == k)
			return true;
	return false;
}

void cfg_replica_defaults(const struct cfg_scenario *sc, struct cfg_replica *r, const char *name)
{
	memset(r, 0, sizeof *r);
	size_t n = strlen(name);
	if (n >= sizeof r->name)
		n = sizeof r->name - 1;
	memcpy(r->name, name, n);
	r->db = sc->db;
	r->db.row_locks = false; /* a hot standby runs read-only transactions only */
}
