/* Configuration as code (see config_code.h). */
#include "app/config_code.h"

#include <string.h>

#include "models/model.h"
#include "models/pool.h"

/* A number of seconds as SQLAlchemy takes it: an int when whole (pool_timeout=30). */
static void seconds(FILE *out, double s)
{
	if (s == (double)(long long)s)
		fprintf(out, "%lld", (long long)s);
	else
		fprintf(out, "%.9g", s);
}

/* SQLAlchemy: create_engine's pool arguments (QueuePool). Every argument is written, defaults
 * too, so the review sees the whole configuration; pool_timeout and pool_recycle in seconds,
 * as create_engine takes them. */
static void sqlalchemy(FILE *out, const struct cfg_scenario *sc, int p)
{
	const struct cfg_pool *pc = &sc->pools[p];
	fprintf(out, "# pool \"%s\": one engine per process (%d process%s)\n", pc->name,
		model_processes(sc), model_processes(sc) == 1 ? "" : "es");
	fputs("engine = create_engine(\n    DATABASE_URL,\n", out);
	fprintf(out, "    pool_size=%d,\n    max_overflow=%d,\n    pool_timeout=", pc->size,
		pc->max_overflow);
	seconds(out, pc->timeout_s);
	fputs(",\n    pool_recycle=", out);
	seconds(out, pc->recycle_s);
	fprintf(out, ",\n    pool_pre_ping=%s,\n    pool_use_lifo=%s,\n)\n",
		pc->pre_ping ? "True" : "False", pc->use_lifo ? "True" : "False");
}

static const struct config_code_kind kinds[] = {
	{"sqlalchemy", "python", sqlalchemy},
};

const struct config_code_kind *config_code_find(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

const char *config_code_pool_kind(const struct cfg_scenario *sc, int p)
{
	const struct pool_kind *k = sc->pools[p].kind;
	return k ? k->name : pool_kind_sqlalchemy.name;
}

void config_code_budget(FILE *out, const struct cfg_scenario *sc)
{
	int procs = model_processes(sc), usable = cfg_usable_connections(&sc->db);
	long long total = 0;
	int unbounded = 0;

	fputs("Connection budget: ", out);
	for (int p = 0; p < sc->n_pools; p++) {
		const struct cfg_pool *pc = &sc->pools[p];
		int cap = pool_cfg_cap(pc); /* the kind's rule */
		fprintf(out, "%spool \"%s\" %d x ", p ? ", " : "", pc->name, procs);
		if (cap < 0) {
			fprintf(out, "(%d + unlimited overflow)", pc->size);
			unbounded = 1;
		} else if (cap == pc->size + pc->max_overflow) {
			fprintf(out, "(%d + %d) = %lld", pc->size, pc->max_overflow,
				(long long)procs * cap);
			total += (long long)procs * cap;
		} else {
			fprintf(out, "%d = %lld", cap, (long long)procs * cap);
			total += (long long)procs * cap;
		}
	}
	fprintf(out, "; PostgreSQL allows %d (max_connections %d - superuser_reserved_connections "
		"%d - reserved_connections %d): ", usable, sc->db.max_connections,
		sc->db.superuser_reserved_connections, sc->db.reserved_connections);
	if (unbounded)
		fputs("unbounded (max_overflow = -1): a burst can exhaust the server, and a connect "
		      "beyond it fails with \"FATAL: sorry, too many clients already\".\n", out);
	else if (total > usable)
		fprintf(out, "%lld at most, %lld over: at the peak a connect fails with \"FATAL: "
			"sorry, too many clients already\".\n", total, total - usable);
	else
		fprintf(out, "%lld at most, within it (%lld to spare).\n", total, usable - total);
}

void config_code_md(FILE *out, const char *title, const struct cfg_scenario *sc)
{
	fprintf(out, "### %s\n\n", title);
	for (int p = 0; p < sc->n_pools; p++) {
		const char *kind = config_code_pool_kind(sc, p);
		const struct config_code_kind *k = config_code_find(kind);
		if (!k) {
			fprintf(out, "Pool \"%s\" (kind %s): no renderer for this kind yet.\n\n",
				sc->pools[p].name, kind);
			continue;
		}
		fprintf(out, "```%s\n", k->lang);
		k->render(out, sc, p);
		fputs("```\n\n", out);
	}
	config_code_budget(out, sc);
	fputc('\n', out);
}
