/* PgBouncer's part of the reports (see report_pgbouncer.h). */
#include "app/report_pgbouncer.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/report.h"
#include "app/table.h"
#include "models/budget.h"
#include "models/pgbouncer.h"
#include "sim/status.h"

/* PgBouncer's pool_mode words, indexed by enum cfg_pool_mode. */
static const char *const modes[] = {"session", "transaction", "statement"};

static bool any_pgbouncer(const struct scenario *sc, const struct experiment *ex)
{
	for (int v = 0; v < ex->n_variants; v++)
		if (sc->variants[v].cfg.pgbouncer.enabled)
			return true;
	return false;
}

/* Whether some variant's PgBouncer fronts a read replica too (one pool per database): the
 * tables then say whose database each row is. */
static bool any_replica_fronted(const struct scenario *sc, const struct experiment *ex)
{
	for (int v = 0; v < ex->n_variants; v++)
		for (int d = 1; d <= sc->variants[v].cfg.n_replicas; d++)
			if (cfg_pgbouncer_fronts(&sc->variants[v].cfg, d))
				return true;
	return false;
}

/* The status table, one row per variant with PgBouncer and database it fronts (a "database"
 * column naming the server when some variant fronts a replica): SHOW POOLS' words as time
 * averages (and cl_waiting's largest value) after the warm-up, maxwait the longest wait of any
 * client, PgBouncer's errors per replication. The terminal shows means, the documents their
 * 95 % intervals. */
static struct table *status_table(const struct scenario *sc, const struct experiment *ex)
{
	struct table *t = table_create("PgBouncer (SHOW POOLS: time averages, max over the run "
				       "after warm-up)");
	static const struct {
		const char *header, *term, *metric;
		enum table_value kind;
	} cols[] = {
		{"cl_active", NULL, "cl_active_mean", TABLE_NUMBER},
		{"cl_waiting", NULL, "cl_waiting_mean", TABLE_NUMBER},
		{"cl_waiting max", "cl_wait max", "cl_waiting_max", TABLE_NUMBER},
		{"sv_active", NULL, "sv_active_mean", TABLE_NUMBER},
		{"sv_idle", NULL, "sv_idle_mean", TABLE_NUMBER},
		{"maxwait", NULL, "maxwait", TABLE_DURATION},
		{"query_wait_timeout per replication", "qwt/rep", "query_wait_timeouts",
		 TABLE_NUMBER},
		{"max_client_conn refusals per replication", "refused/rep", "client_refused",
		 TABLE_NUMBER},
	};
	const size_t n = sizeof cols / sizeof cols[0];
	bool per_db = any_replica_fronted(sc, ex);
	table_add_column(t, &(struct table_column){.header = "variant", .align = TABLE_LEFT});
	if (per_db)
		table_add_column(t, &(struct table_column){.header = "database",
							   .align = TABLE_LEFT, .gap = 2});
	table_add_column(t, &(struct table_column){.header = "pool_mode", .align = TABLE_LEFT,
						   .gap = 2});
	for (size_t k = 0; k < n; k++)
		table_add_column(t, &(struct table_column){.header = cols[k].header,
							   .term = cols[k].term,
							   .flags = TABLE_BRIEF, .width = 9});
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_pgbouncer *g = &sc->variants[v].cfg.pgbouncer;
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		for (int d = 0; g->enabled && d <= c->n_replicas; d++) {
			if (!cfg_pgbouncer_fronts(c, d))
				continue;
			table_add_row(t);
			table_add_text(t, sc->variants[v].name);
			if (per_db)
				table_add_text(t, cfg_server_name(c, d));
			table_add_value(t, modes[g->pool_mode]);
			for (size_t k = 0; k < n; k++) {
				struct estimate e = report_est(ex, v, cols[k].metric, d);
				table_add_estimate(t, cols[k].kind, &e);
			}
		}
	}
	return t;
}

/* Each error PgBouncer gave in a variant, with its count over all replications, as PgBouncer
 * words it: "query_wait_timeout", "no more connections allowed (max_client_conn)", ... */
struct pgb_error {
	double count;
	char msg[256];
};

static int errors_of(const struct scenario *sc, const struct experiment *ex, int v, int d,
		     struct pgb_error out[4])
{
	static const struct {
		const char *metric;
		int error; /* enum pgbouncer_error, 0: a refused client connect */
	} errs[] = {{"query_wait_timeouts", PGBOUNCER_QUERY_WAIT_TIMEOUT},
		    {"login_failing_errors", PGBOUNCER_LOGIN_FAILING},
		    {"statement_mode_errors", PGBOUNCER_STATEMENT_MODE},
		    {"client_refused", 0}};
	const struct cfg_scenario *c = &sc->variants[v].cfg;
	int n = 0;
	for (size_t k = 0; k < sizeof errs / sizeof errs[0]; k++) {
		double count = report_est(ex, v, errs[k].metric, d).mean *
			       experiment_aggregate(ex, v)->nrep;
		if (!(count > 0))
			continue;
		out[n].count = count;
		if (errs[k].error)
			pgbouncer_error_message((enum pgbouncer_error)errs[k].error, cfg_server(c, d),
						out[n].msg, sizeof out[n].msg);
		else
			snprintf(out[n].msg, sizeof out[n].msg, "%s",
				 pgbouncer_client_refusal_message());
		n++;
	}
	return n;
}

int report_pgbouncer_terminal(FILE *out, const struct scenario *sc, const struct experiment *ex)
{
	if (!any_pgbouncer(sc, ex))
		return PT_OK;
	struct table *t = status_table(sc, ex);
	fputc('\n', out);
	int st = table_render(out, t, TABLE_TERMINAL);
	table_destroy(t);
	if (st)
		return st;
	bool per_db = any_replica_fronted(sc, ex);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		for (int d = 0; d <= c->n_replicas; d++) {
			if (!cfg_pgbouncer_fronts(c, d))
				continue;
			struct pgb_error e[4];
			int n = errors_of(sc, ex, v, d, e);
			for (int k = 0; k < n; k++)
				fprintf(out, "%s: PgBouncer%s%s %.0f times over all replications: %s\n",
					sc->variants[v].name, per_db ? ", database of " : "",
					per_db ? cfg_server_name(c, d) : "", e[k].count, e[k].msg);
		}
	}
	return PT_OK;
}

/* What PgBouncer changed in variant v, one list item: the server connections PostgreSQL saw
 * against what the pools could open without PgBouncer (the same budget arithmetic with the
 * section removed), where the clients waited, and PgBouncer's failures. */
static void changed_item(FILE *out, const struct scenario *sc, const struct experiment *ex,
			 int v, int d, bool per_db)
{
	const struct cfg_scenario *c = &sc->variants[v].cfg;
	struct cfg_scenario *direct = malloc(sizeof *direct);
	struct budget with, without = {0};
	budget_compute_server(c, d, &with);
	if (direct) {
		*direct = *c;
		direct->pgbouncer.enabled = false;
		budget_compute_server(direct, d, &without);
		free(direct);
	}
	char wait[32], maxwait[32];
	report_format_duration(report_est(ex, v, "server_wait_mean", d).mean, wait, sizeof wait);
	report_format_duration(report_est(ex, v, "maxwait", d).mean, maxwait, sizeof maxwait);
	fputs("- ", out);
	table_write_text(out, TABLE_MARKDOWN, sc->variants[v].name);
	if (per_db) {
		fputs(", database of ", out);
		table_write_text(out, TABLE_MARKDOWN, cfg_server_name(c, d));
	}
	fprintf(out, " (%s pooling): PostgreSQL saw at most %.0f server connections (the largest "
		     "in a replication, mean over replications; PgBouncer allows %lld",
		modes[c->pgbouncer.pool_mode], report_est(ex, v, "server_connections_max", d).mean,
		with.most);
	if (!direct)
		fputs(")", out);
	else if (without.unlimited)
		fputs(", where the pools alone could open any number: a pool has no cap)", out);
	else
		fprintf(out, ", where the pools alone could open %lld)", without.most);
	fprintf(out, "; transactions that got a server waited %s for it on average, the longest "
		     "wait of any client was %s",
		wait, maxwait);
	struct pgb_error e[4];
	int n = errors_of(sc, ex, v, d, e);
	if (n == 0)
		fputs("; PgBouncer ended no client.\n", out);
	for (int k = 0; k < n; k++)
		fprintf(out, "%s `%s` %.0f times over all replications%s", k ? "," : "; PgBouncer:",
			e[k].msg, e[k].count, k == n - 1 ? ".\n" : "");
}

int report_pgbouncer_md(FILE *out, const struct scenario *sc, const struct experiment *ex)
{
	if (!any_pgbouncer(sc, ex))
		return PT_OK;
	fputs("## PgBouncer\n\n"
	      "PgBouncer stands between the application pools and PostgreSQL: the pools open "
	      "client connections to it, and a transaction waits there for a server connection "
	      "(`cl_waiting`) when all of the pool's are linked to other clients (`sv_active`); "
	      "with read replicas it has one pool per server's database, each with its own "
	      "servers and queue, and max_client_conn counts the clients of all of them. "
	      "Time averages after the warm-up with their 95 % intervals over replications; "
	      "`cl_waiting max` and `maxwait` (the longest wait of any client) are the largest in "
	      "a replication, mean over replications.\n\n",
	      out);
	struct table *t = status_table(sc, ex);
	int st = table_render(out, t, TABLE_MARKDOWN);
	table_destroy(t);
	if (st)
		return st;
	fputs("\nWhat PgBouncer changed:\n\n", out);
	bool per_db = any_replica_fronted(sc, ex);
	for (int v = 0; v < ex->n_variants; v++)
		for (int d = 0; d <= sc->variants[v].cfg.n_replicas; d++)
			if (cfg_pgbouncer_fronts(&sc->variants[v].cfg, d))
				changed_item(out, sc, ex, v, d, per_db);
	fputs("\n![PgBouncer over time, first replication: client connections active and "
	      "waiting, server connections active and idle, and maxwait](pgbouncer.png)\n\n",
	      out);
	return PT_OK;
}
