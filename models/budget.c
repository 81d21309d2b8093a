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

void budget_compute(const struct cfg_scenario *sc, struct budget *b)
{
	memset(b, 0, sizeof *b);
	b->max_connections = sc->db.max_connections;
	b->superuser_reserved = sc->db.superuser_reserved_connections;
	b->reserved = sc->db.reserved_connections;
	b->usable = b->max_connections - b->superuser_reserved - b->reserved;
	for (int p = 0; p < sc->n_pools; p++) {
		int procs = 0;
		for (int w = 0; w < sc->n_workloads; w++) {
			if (sc->workloads[w].pool != p)
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
}

bool budget_exceeded(const struct budget *b)
{
	return b->unlimited || b->most > b->usable;
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
	char total[48];
	if (b->unlimited)
		snprintf(total, sizeof total, "unlimited");
	else
		snprintf(total, sizeof total, "%lld", b->most);
	return snprintf(buf, n, "%s = %s %s %d usable slots (max_connections %d - "
			 "superuser_reserved_connections %d - reserved_connections %d)",
			 line, total, budget_exceeded(b) ? ">" : "<=", b->usable, b->max_connections,
			 b->superuser_reserved, b->reserved);
}
