/* The scenario loader's servers: the "database" section (PostgreSQL's connection slots,
 * connect time, round trip, cores, row locks, lock_timeout and statement_timeout) and the
 * optional "pgbouncer" section (PgBouncer's own parameter names and defaults).
 *
 * Not here: the pools that connect to them (app/load_pool.c). */
#include "app/load.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const database_keys[] = {"max_connections", "superuser_reserved_connections",
					    "reserved_connections", "connect_time", "rtt",
					    "cores", "row_locks", "lock_timeout",
					    "statement_timeout", NULL};
/* PgBouncer's own parameter names (doc/config.md), plus the client-side connect time. */
static const char *const pgbouncer_keys[] = {
	"pool_mode",	      "max_client_conn",      "default_pool_size",  "min_pool_size",
	"reserve_pool_size",  "reserve_pool_timeout", "max_db_connections", "query_wait_timeout",
	"server_login_retry", "server_idle_timeout",  "server_lifetime",    "server_reset_query",
	"client_connect_time", NULL};
/* indexed by enum cfg_pool_mode */
static const char *const pool_mode_names[] = {"session", "transaction", "statement", NULL};

int load_get_database(struct load_ctx *c, const cJSON *v, struct cfg_database *db, cJSON *res)
{
	const char *path = "database";
	cJSON *r = load_put_obj(c, res, path);
	int rc, reserved;

	if (v && !cJSON_IsObject(v))
		return load_expected(c, path, v, "an object");
	if ((v && (rc = load_check_keys(c, v, path, database_keys))) ||
	    (rc = load_get_int(c, v, path, "max_connections", 1, INT_CAP, 100, &db->max_connections)) ||
	    (rc = load_get_int(c, v, path, "superuser_reserved_connections", 0, INT_CAP, 3,
			       &db->superuser_reserved_connections)) ||
	    (rc = load_get_int(c, v, path, "reserved_connections", 0, INT_CAP, 0,
			       &db->reserved_connections)))
		return rc;
	reserved = db->superuser_reserved_connections + db->reserved_connections;
	if (db->max_connections <= reserved)
		return load_fail(c, "database.max_connections",
				 "expected an integer > superuser_reserved_connections + "
				 "reserved_connections (%d), so that one connection slot is usable, got %d",
				 reserved, db->max_connections);
	load_put_int(c, r, "max_connections", db->max_connections);
	load_put_int(c, r, "superuser_reserved_connections", db->superuser_reserved_connections);
	load_put_int(c, r, "reserved_connections", db->reserved_connections);

	if (load_member(v, "connect_time")) {
		if ((rc = load_get_dist(c, load_member(v, "connect_time"), "database.connect_time", false,
					&db->connect_time, r, "connect_time")))
			return rc;
	} else {
		/* the default of cfg_scenario_defaults: lognormal, mean 5 ms, sd 2 ms */
		dist_lognormal_mean_sd(&db->connect_time, 0.005, 0.002);
		load_put_dist(c, r, "connect_time", "lognormal", false, "mean", 0.005, "sd", 0.002);
	}
	if ((rc = load_get_duration(c, v, path, "rtt", false, &db->rtt_s)) ||
	    (rc = load_get_int(c, v, path, "cores", 0, CORES_MAX, 0, &db->cores)) ||
	    (rc = load_get_bool(c, v, path, "row_locks", &db->row_locks)))
		return rc;
	load_put_dur(c, r, "rtt", db->rtt_s);
	load_put_int(c, r, "cores", db->cores);
	load_put_bool(c, r, "row_locks", db->row_locks);
	if ((rc = load_get_duration(c, v, path, "lock_timeout", false, &db->lock_timeout_s)) ||
	    (rc = load_get_duration(c, v, path, "statement_timeout", false, &db->statement_timeout_s)))
		return rc;
	load_put_dur(c, r, "lock_timeout", db->lock_timeout_s);
	load_put_dur(c, r, "statement_timeout", db->statement_timeout_s);
	return PT_OK;
}

/* "pgbouncer": absent, PgBouncer is not there; present (even {}), every pool connects to it
 * and its defaults are PgBouncer's. */
int load_get_pgbouncer(struct load_ctx *c, const cJSON *v, struct cfg_pgbouncer *b, cJSON *res)
{
	const char *path = "pgbouncer";
	const cJSON *x;
	char p[PATH_LEN];
	int rc;

	cfg_pgbouncer_defaults(b);
	if (!v)
		return PT_OK;
	if (!cJSON_IsObject(v))
		return load_expected(c, path, v, "an object");
	if ((rc = load_check_keys(c, v, path, pgbouncer_keys)))
		return rc;
	b->enabled = true;
	cJSON *r = load_put_obj(c, res, path);
	if ((x = load_member(v, "pool_mode"))) {
		int k = cJSON_IsString(x) ? load_find_name(pool_mode_names, x->valuestring) : -1;
		char list[MSG_LEN / 2];
		if (k < 0) {
			load_join(p, sizeof p, path, "pool_mode");
			load_join_list(list, sizeof list, pool_mode_names);
			return load_expected(c, p, x, "one of: %s", list);
		}
		b->pool_mode = (enum cfg_pool_mode)k;
	}
	load_put_str(c, r, "pool_mode", pool_mode_names[b->pool_mode]);
	if ((rc = load_get_int(c, v, path, "max_client_conn", 1, INT_CAP, 100, &b->max_client_conn)) ||
	    (rc = load_get_int(c, v, path, "default_pool_size", 1, INT_CAP, 20,
			       &b->default_pool_size)) ||
	    (rc = load_get_int(c, v, path, "min_pool_size", 0, INT_CAP, 0, &b->min_pool_size)) ||
	    (rc = load_get_int(c, v, path, "reserve_pool_size", 0, INT_CAP, 0,
			       &b->reserve_pool_size)) ||
	    (rc = load_get_duration(c, v, path, "reserve_pool_timeout", false,
				    &b->reserve_pool_timeout_s)) ||
	    (rc = load_get_int(c, v, path, "max_db_connections", 0, INT_CAP, 0,
			       &b->max_db_connections)) ||
	    (rc = load_get_duration(c, v, path, "query_wait_timeout", false,
				    &b->query_wait_timeout_s)) ||
	    (rc = load_get_duration(c, v, path, "server_login_retry", false,
				    &b->server_login_retry_s)) ||
	    (rc = load_get_duration(c, v, path, "server_idle_timeout", false,
				    &b->server_idle_timeout_s)) ||
	    (rc = load_get_duration(c, v, path, "server_lifetime", false, &b->server_lifetime_s)))
		return rc;
	load_put_int(c, r, "max_client_conn", b->max_client_conn);
	load_put_int(c, r, "default_pool_size", b->default_pool_size);
	load_put_int(c, r, "min_pool_size", b->min_pool_size);
	load_put_int(c, r, "reserve_pool_size", b->reserve_pool_size);
	load_put_dur(c, r, "reserve_pool_timeout", b->reserve_pool_timeout_s);
	load_put_int(c, r, "max_db_connections", b->max_db_connections);
	load_put_dur(c, r, "query_wait_timeout", b->query_wait_timeout_s);
	load_put_dur(c, r, "server_login_retry", b->server_login_retry_s);
	load_put_dur(c, r, "server_idle_timeout", b->server_idle_timeout_s);
	load_put_dur(c, r, "server_lifetime", b->server_lifetime_s);
	/* Only whether it is empty matters to the model (a reset costs one round trip, in session
	 * mode); the text is kept for pgbouncer.ini. */
	if ((x = load_member(v, "server_reset_query"))) {
		if (!cJSON_IsString(x) || strlen(x->valuestring) >= sizeof b->server_reset_query) {
			load_join(p, sizeof p, path, "server_reset_query");
			return load_expected(c, p, x, "a query of at most %zu characters (\"\": none)",
					     sizeof b->server_reset_query - 1);
		}
		load_copy_str(b->server_reset_query, sizeof b->server_reset_query, x->valuestring);
	}
	load_put_str(c, r, "server_reset_query", b->server_reset_query);
	if (load_member(v, "client_connect_time")) {
		if ((rc = load_get_dist(c, load_member(v, "client_connect_time"),
					"pgbouncer.client_connect_time", false, &b->client_connect_time,
					r, "client_connect_time")))
			return rc;
	} else {
		/* the default of cfg_pgbouncer_defaults: lognormal, mean 1 ms, sd 0.5 ms */
		load_put_dist(c, r, "client_connect_time", "lognormal", false, "mean", 0.001, "sd",
			      0.0005);
	}
	return PT_OK;
}
