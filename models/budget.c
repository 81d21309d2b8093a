#include "models/budget.h"

#include <stdio.h>
#include <string.h>

#include "models/pool.h"

/* Processes in which a workload runs: a requests workload's own count, else the deployment's;
 * a batch workload's own count (model.c wires them the same way). */
static int workload_processes(const struct cfg_scenario *sc, const struct cfg_workload *w)
{
	int k = w->kind == CFG_WORKLOAD_BATCH ? w->batch.processes
					      : (w->req.processes > 0 ? w->req.processes
								      : sc->processes);
	return k > 0 ? k : 1;
}

/* Whether workload w opens connections through pool p: its own pool, or one its reads are
 * routed to (with a share above 0). */
static bool uses_pool(const struct cfg_workload *w, int p)
{
	if (w->pool == p)
		return true;
	if (w->kind != CFG_WORKLOAD_REQUESTS || !(w->req.reads.share > 0))
		return false;
	for (int k = 0; k < w->req.reads.n_pools; k++)
		if (w->req.reads.pools[k] == p)
			return true;
	return false;
}

void budget_compute(const struct cfg_scenario *sc, struct budget *b)
{
	budget_compute_server(sc, 0, b);
}

void budget_compute_server(const struct cfg_scenario *sc, int server, struct budget *b)
{
	const struct cfg_database *db = cfg_server(sc, server);
	memset(b, 0, sizeof *b);
	b->server = server;
	b->max_connections = db->max_connections;
	b->superuser_reserved = db->superuser_reserved_connections;
	b->reserved = db->reserved_connections;
	b->usable = b->max_connections - b->superuser_reserved - b->reserved;
	for (int p = 0; p < sc->n_pools; p++) {
		int procs = 0;
		if (sc->pools[p].server != server)
			continue;
		for (int w = 0; w < sc->n_workloads; w++) {
			if (!uses_pool(&sc->workloads[w], p))
				continue;
			int k = workload_processes(sc, &sc->workloads[w]);
			if (k > procs)
				procs = k;
		}
		if (procs == 0) /* no workload uses it: it never connects */
			continue;
		struct budget_term *t = &b->terms[b->n_terms++];
		t->pool = p;
		t->processes = procs;
		t->cap = pool_cfg_cap(&sc->pools[p]);
		if (t->cap < 0)
			b->unlimited = true;
		else
			b->most += (long long)procs * t->cap;
	}
	if (cfg_pgbouncer_fronts(sc, server)) { /* the server's own [databases] entry */
		const struct cfg_pgbouncer *g = &sc->pgbouncer;
		int n = g->default_pool_size + g->reserve_pool_size;
		if (g->max_db_connections > 0 && g->max_db_connections < n)
			n = g->max_db_connections;
		b->pgbouncer = n;
		b->most = n;
		b->unlimited = false;
	}
}

bool budget_exceeded(const struct budget *b)
{
	return b->unlimited || b->most > b->usable;
}

bool budget_any_exceeded(const struct cfg_scenario *sc)
{
	for (int k = 0; k <= sc->n_replicas; k++) {
		struct budget b;
		budget_compute_server(sc, k, &b);
		if (budget_exceeded(&b))
			return true;
	}
	return false;
}

int budget_format(char *buf, size_t n, const struct budget *b, const struct cfg_scenario *sc)
{
	char line[1024] = "", part[160];
	for (int i = 0; i < b->n_terms; i++) {
		const struct budget_term *t = &b->terms[i];
		if (t->cap < 0)
			snprintf(part, sizeof part, "%s%d process%s x pool %s (unlimited overflow)",
				 i ? " + " : "", t->processes, t->processes == 1 ? "" : "es",
				 sc->pools[t->pool].name);
		else
			snprintf(part, sizeof part, "%s%d process%s x pool %s (cap %d)", i ? " + " : "",
				 t->processes, t->processes == 1 ? "" : "es", sc->pools[t->pool].name,
				 t->cap);
		strncat(line, part, sizeof line - strlen(line) - 1);
	}
	if (b->n_terms == 0)
		snprintf(line, sizeof line, "no pool in use");
	if (b->pgbouncer > 0)
		snprintf(line, sizeof line,
			 "PgBouncer's default_pool_size %d + reserve_pool_size %d%s (the pools connect "
			 "to PgBouncer)", sc->pgbouncer.default_pool_size,
			 sc->pgbouncer.reserve_pool_size,
			 sc->pgbouncer.max_db_connections > 0 ? ", capped by max_db_connections" : "");
	char total[48];
	if (b->unlimited)
		snprintf(total, sizeof total, "unlimited");
	else
		snprintf(total, sizeof total, "%lld", b->most);
	char who[CFG_NAME_MAX + 8] = "";
	if (sc->n_replicas > 0) /* several servers: say whose slots */
		snprintf(who, sizeof who, "%s: ", cfg_server_name(sc, b->server));
	return snprintf(buf, n, "%s%s = %s %s %d usable slots (max_connections %d - "
			 "superuser_reserved_connections %d - reserved_connections %d)",
			 who, line, total, budget_exceeded(b) ? ">" : "<=", b->usable, b->max_connections,
			 b->superuser_reserved, b->reserved);
}
