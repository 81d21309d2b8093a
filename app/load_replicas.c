/* The scenario loader's read replicas: the "replicas" section (each a PostgreSQL hot standby
 * with its own slots, connect time, round trip, cores and statement_timeout, every key
 * defaulting to the primary's), the server a pool connects to (pools.NAME.server) and a
 * requests workload's read routing (workloads.NAME.reads). models/routing.h has the rule.
 *
 * Not here: the primary (app/load_database.c), the rest of a pool or a workload
 * (app/load_pool.c, app/load_workload.c). */
#include "app/load.h"

#include <stdio.h>
#include <string.h>

static const char *const replica_keys[] = {"max_connections", "superuser_reserved_connections",
					   "reserved_connections", "connect_time", "rtt", "cores",
					   "statement_timeout", NULL};
static const char *const reads_keys[] = {"pools", "share", "routing", NULL};
/* indexed by enum cfg_routing */
static const char *const routing_names[] = {"round-robin", "random", NULL};

#define PRIMARY "primary" /* the name pools.NAME.server gives the "database" section */

static int get_replica(struct load_ctx *c, const cJSON *v, struct cfg_scenario *cfg,
		       struct cfg_replica *rep, const cJSON *db_res, cJSON *res)
{
	char path[PATH_LEN], q[GOT_MAX + 8];
	struct cfg_database *db = &rep->db;
	int rc, reserved;

	load_join(path, sizeof path, "replicas", v->string);
	if (!load_valid_name(v->string)) {
		load_quote(v->string, q, sizeof q);
		return load_fail(c, "replicas", "expected replica names of %s, got %s", NAME_WHAT, q);
	}
	if (strcmp(v->string, PRIMARY) == 0)
		return load_fail(c, path, "\"primary\" names the database section's server; expected "
				 "another name for a replica");
	if (!cJSON_IsObject(v))
		return load_expected(c, path, v, "an object");
	cfg_replica_defaults(cfg, rep, v->string);
	if ((rc = load_check_keys(c, v, path, replica_keys)) ||
	    (rc = load_get_int(c, v, path, "max_connections", 1, INT_CAP, cfg->db.max_connections,
			       &db->max_connections)) ||
	    (rc = load_get_int(c, v, path, "superuser_reserved_connections", 0, INT_CAP,
			       cfg->db.superuser_reserved_connections,
			       &db->superuser_reserved_connections)) ||
	    (rc = load_get_int(c, v, path, "reserved_connections", 0, INT_CAP,
			       cfg->db.reserved_connections, &db->reserved_connections)))
		return rc;
	char p[PATH_LEN];
	load_join(p, sizeof p, path, "max_connections");
	/* PostgreSQL checks it when the standby starts (RecoveryRequiresIntParameter) */
	if (db->max_connections < cfg->db.max_connections)
		return load_fail(c, p,
				 "expected an integer >= database.max_connections (%d): a hot standby "
				 "with fewer does not start (\"hot standby is not possible because of "
				 "insufficient parameter settings\"), got %d",
				 cfg->db.max_connections, db->max_connections);
	reserved = db->superuser_reserved_connections + db->reserved_connections;
	if (db->max_connections <= reserved)
		return load_fail(c, p,
				 "expected an integer > superuser_reserved_connections + "
				 "reserved_connections (%d), so that one connection slot is usable, got %d",
				 reserved, db->max_connections);
	cJSON *r = load_put_obj(c, res, v->string);
	load_put_int(c, r, "max_connections", db->max_connections);
	load_put_int(c, r, "superuser_reserved_connections", db->superuser_reserved_connections);
	load_put_int(c, r, "reserved_connections", db->reserved_connections);
	if (load_member(v, "connect_time")) {
		load_join(p, sizeof p, path, "connect_time");
		if ((rc = load_get_dist(c, load_member(v, "connect_time"), p, false,
					&db->connect_time, r, "connect_time")))
			return rc;
	} else if (r) {
		/* the primary's, as resolved in the database section */
		cJSON *d = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(db_res, "connect_time"),
					   true);
		if (!d || !cJSON_AddItemToObject(r, "connect_time", d)) {
			cJSON_Delete(d);
			return load_fail_oom(c);
		}
	}
	/* statement_timeout: a server setting (postgresql.conf), which a standby may set apart
	 * from the primary; absent, the primary's. No lock_timeout: a replica takes no row lock. */
	if ((rc = load_get_duration(c, v, path, "rtt", false, &db->rtt_s)) ||
	    (rc = load_get_int(c, v, path, "cores", 0, CORES_MAX, cfg->db.cores, &db->cores)) ||
	    (rc = load_get_duration(c, v, path, "statement_timeout", false,
				    &db->statement_timeout_s)))
		return rc;
	load_put_dur(c, r, "rtt", db->rtt_s);
	load_put_int(c, r, "cores", db->cores);
	load_put_dur(c, r, "statement_timeout", db->statement_timeout_s);
	return PT_OK;
}

int load_get_replicas(struct load_ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res)
{
	int rc, i = 0;

	cfg->n_replicas = 0;
	if (!v)
		return PT_OK;
	if (!cJSON_IsObject(v))
		return load_expected(c, "replicas", v, "an object mapping replica names to replicas");
	int n = cJSON_GetArraySize(v);
	if (n > CFG_MAX_REPLICAS)
		return load_fail(c, "replicas", "expected 0 to %d replicas, got %d", CFG_MAX_REPLICAS,
				 n);
	cJSON *r = load_put_obj(c, res, "replicas");
	const cJSON *db_res = cJSON_GetObjectItemCaseSensitive(res, "database");
	for (const cJSON *m = v->child; m; m = m->next, i++) {
		if ((rc = get_replica(c, m, cfg, &cfg->replicas[i], db_res, r)))
			return rc;
	}
	cfg->n_replicas = i;
	return PT_OK;
}

/* "server": "primary" (the default) or a replica's name. */
int load_get_pool_server(struct load_ctx *c, const cJSON *v, const char *path,
			 const struct cfg_scenario *cfg, struct cfg_pool *pool, cJSON *r)
{
	const cJSON *s = load_member(v, "server");
	char p[PATH_LEN], list[MSG_LEN / 2] = PRIMARY;

	pool->server = 0;
	if (!s) {
		if (cfg->n_replicas > 0)
			load_put_str(c, r, "server", PRIMARY);
		return PT_OK;
	}
	load_join(p, sizeof p, path, "server");
	if (cJSON_IsString(s) && strcmp(s->valuestring, PRIMARY) != 0) {
		for (int k = 0; k < cfg->n_replicas; k++)
			if (strcmp(cfg->replicas[k].name, s->valuestring) == 0)
				pool->server = k + 1;
	}
	if (!cJSON_IsString(s) || (pool->server == 0 && strcmp(s->valuestring, PRIMARY) != 0)) {
		for (int k = 0; k < cfg->n_replicas; k++) {
			load_append(list, sizeof list, ", ");
			load_append(list, sizeof list, cfg->replicas[k].name);
		}
		return load_expected(c, p, s, "\"primary\" or the name of a replica (%s)", list);
	}
	if (cfg->n_replicas > 0)
		load_put_str(c, r, "server", cfg_server_name(cfg, pool->server));
	return PT_OK;
}

/* A workload's own pool runs its writes: it must be on the primary. */
int load_check_primary_pool(struct load_ctx *c, const char *path, const cJSON *got,
			    const struct cfg_scenario *cfg, int pool)
{
	int s = cfg->pools[pool].server;
	if (s == 0)
		return PT_OK;
	(void)got; /* absent when the only pool is taken by default: name it */
	return load_fail(c, path,
			 "expected a pool on the primary (pools.%s.server is \"%s\": a workload's "
			 "own pool runs its writes, and a replica is read-only; route reads with "
			 "\"reads\"), got \"%s\"",
			 cfg->pools[pool].name, cfg_server_name(cfg, s), cfg->pools[pool].name);
}

/* "reads": {"pools": [...], "share": 1, "routing": "round-robin"}. */
int load_get_reads(struct load_ctx *c, const cJSON *v, const char *path,
		   const struct cfg_scenario *cfg, struct cfg_reads *rd, cJSON *res)
{
	const cJSON *reads = load_member(v, "reads"), *x;
	char p[PATH_LEN], e[PATH_LEN], list[MSG_LEN / 2];
	int rc, i = 0;

	if (!reads)
		return PT_OK;
	load_join(p, sizeof p, path, "reads");
	if (!cJSON_IsObject(reads))
		return load_expected(c, p, reads, "an object such as {\"pools\": [\"api_replica1\"], "
				     "\"share\": 1, \"routing\": \"round-robin\"}");
	if ((rc = load_check_keys(c, reads, p, reads_keys)) ||
	    (rc = load_require(c, reads, p, "pools")))
		return rc;
	x = load_member(reads, "pools");
	load_join(e, sizeof e, p, "pools");
	if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) < 1 ||
	    cJSON_GetArraySize(x) > CFG_MAX_REPLICAS)
		return load_expected(c, e, x, "an array of 1 to %d pool names, each pool on a read "
				     "replica", CFG_MAX_REPLICAS);
	cJSON *r = load_put_obj(c, res, "reads");
	cJSON *ra = load_put_arr(c, r, "pools");
	for (const cJSON *m = x->child; m; m = m->next, i++) {
		char ep[PATH_LEN];
		int k = -1;
		load_element(ep, sizeof ep, e, i);
		for (int j = 0; cJSON_IsString(m) && j < cfg->n_pools; j++)
			if (strcmp(cfg->pools[j].name, m->valuestring) == 0)
				k = j;
		if (k < 0) {
			load_pool_list(cfg, list, sizeof list);
			return load_expected(c, ep, m, "the name of a pool (%s)", list);
		}
		if (cfg->pools[k].server == 0)
			return load_expected(c, ep, m, "a pool on a read replica (pools.%s.server is "
					     "\"primary\")", cfg->pools[k].name);
		for (int j = 0; j < i; j++)
			if (rd->pools[j] == k)
				return load_expected(c, ep, m, "a pool not listed before");
		rd->pools[i] = k;
		cJSON *s = cJSON_CreateString(cfg->pools[k].name);
		if (ra && (!s || !cJSON_AddItemToArray(ra, s))) {
			cJSON_Delete(s);
			return load_fail_oom(c);
		} else if (!ra) {
			cJSON_Delete(s);
		}
	}
	rd->n_pools = i;
	if ((x = load_member(reads, "share"))) {
		load_join(e, sizeof e, p, "share");
		if (load_to_fraction(x, &rd->share))
			return load_expected(c, e, x, "a fraction from 0 to 1 such as 0.8, or a "
					     "percentage such as \"80%%\"");
	}
	load_put_num(c, r, "share", rd->share);
	if ((x = load_member(reads, "routing"))) {
		int k = cJSON_IsString(x) ? load_find_name(routing_names, x->valuestring) : -1;
		if (k < 0) {
			load_join(e, sizeof e, p, "routing");
			load_join_list(list, sizeof list, routing_names);
			return load_expected(c, e, x, "one of: %s", list);
		}
		rd->routing = (enum cfg_routing)k;
	}
	load_put_str(c, r, "routing", routing_names[rd->routing]);
	return PT_OK;
}
