/* The scenario loader's pools: "pools.NAME" objects, one reader per pool kind in
 * `pool_loaders[]` (SQLAlchemy QueuePool, its async and NullPool variants, HikariCP, Go
 * database/sql), each with its own parameter names and defaults, and SQLAlchemy's
 * create_engine() argument names (pool_size, pool_timeout, ...) as aliases.
 *
 * Adding a pool kind: its model in models/pool_<kind>.c and its reader and key list here. */
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

#include "models/pool.h"

/* SQLAlchemy's create_engine() argument names, read as the pool keys they set (max_overflow
 * is the same word in both). The file's pools are renamed before anything else; an override
 * path pools.NAME.pool_size sets pools.NAME.size. */
static const char *const pool_aliases[][2] = {
	{"pool_size", "size"},	   {"pool_timeout", "timeout"},	  {"pool_recycle", "recycle"},
	{"pool_pre_ping", "pre_ping"}, {"pool_use_lifo", "use_lifo"},
};
#define N_POOL_ALIASES (sizeof pool_aliases / sizeof pool_aliases[0])

/* The pool key an alias stands for, or key itself. */
const char *load_pool_key(const char *key)
{
	for (size_t i = 0; i < N_POOL_ALIASES; i++)
		if (strcmp(key, pool_aliases[i][0]) == 0)
			return pool_aliases[i][1];
	return key;
}

static const char *const pool_keys[] = {"kind",     "max_waiting", "size",    "max_overflow",
					"timeout",  "use_lifo",    "pre_ping", "recycle",
					"wakeup_latency", "checkout_cost", "close_time", NULL};

/* SQLAlchemy QueuePool: create_engine's pool_* arguments (models/pool_sqlalchemy.c). */
static int get_pool_sqlalchemy(struct load_ctx *c, const cJSON *v, const char *path,
			       struct cfg_pool *pool, cJSON *r)
{
	const cJSON *recycle;
	int rc;

	if ((rc = load_get_int(c, v, path, "size", 0, INT_CAP, 5, &pool->size)) ||
	    (rc = load_get_int(c, v, path, "max_overflow", -1, INT_CAP, 10, &pool->max_overflow)) ||
	    (rc = load_get_duration(c, v, path, "timeout", false, &pool->timeout_s)) ||
	    (rc = load_get_bool(c, v, path, "use_lifo", &pool->use_lifo)) ||
	    (rc = load_get_bool(c, v, path, "pre_ping", &pool->pre_ping)))
		return rc;
	/* SQLAlchemy 2.0 QueuePool: pool_size=0 means "no size limit", and the pool sets
	 * max_overflow to -1 whatever was given; do the same so the model matches. */
	if (pool->size == 0)
		pool->max_overflow = -1;
	recycle = load_member(v, "recycle");
	if (recycle) {
		/* -1 is SQLAlchemy's "off"; any other value is a maximum connection age */
		if (cJSON_IsNumber(recycle) && recycle->valuedouble == -1) {
			pool->recycle_s = -1;
		} else if (load_to_duration(recycle, &pool->recycle_s) != PT_OK) {
			char p[PATH_LEN];
			load_join(p, sizeof p, path, "recycle");
			return load_expected(c, p, recycle, "%s, or -1 (off)", DURATION_WHAT);
		}
	}

	load_put_int(c, r, "size", pool->size);
	load_put_int(c, r, "max_overflow", pool->max_overflow);
	load_put_dur(c, r, "timeout", pool->timeout_s);
	load_put_bool(c, r, "use_lifo", pool->use_lifo);
	load_put_bool(c, r, "pre_ping", pool->pre_ping);
	if (pool->recycle_s < 0)
		load_put_int(c, r, "recycle", -1);
	else
		load_put_dur(c, r, "recycle", pool->recycle_s);
	if (load_member(v, "wakeup_latency")) {
		char p[PATH_LEN];
		load_join(p, sizeof p, path, "wakeup_latency");
		if ((rc = load_get_dist(c, load_member(v, "wakeup_latency"), p, false, &pool->wakeup_latency, r,
					"wakeup_latency")))
			return rc;
	} else {
		load_put_dist(c, r, "wakeup_latency", "constant", false, "value", 0, NULL, 0);
	}
	if ((rc = load_get_duration(c, v, path, "checkout_cost", false, &pool->checkout_cost_s)) ||
	    (rc = load_get_duration(c, v, path, "close_time", false, &pool->close_time_s)))
		return rc;
	load_put_dur(c, r, "checkout_cost", pool->checkout_cost_s);
	load_put_dur(c, r, "close_time", pool->close_time_s);
	return PT_OK;
}

/* SQLAlchemy AsyncAdaptedQueuePool: QueuePool's keys but wakeup_latency (a waiting coroutine
 * is resumed by the event loop at once, models/pool_sqlalchemy.c). */
static const char *const pool_async_keys[] = {"kind",     "max_waiting", "size",
					      "max_overflow", "timeout", "use_lifo",
					      "pre_ping", "recycle", "checkout_cost",
					      "close_time", NULL};

static int get_pool_sqlalchemy_async(struct load_ctx *c, const cJSON *v, const char *path,
				     struct cfg_pool *pool, cJSON *r)
{
	int rc = get_pool_sqlalchemy(c, v, path, pool, r);
	if (!rc && r)
		cJSON_DeleteItemFromObjectCaseSensitive(r, "wakeup_latency");
	return rc;
}

/* SQLAlchemy NullPool: nothing to set; no cap, no waiting. */
static const char *const pool_null_keys[] = {"kind", "max_waiting", NULL};

static int get_pool_sqlalchemy_null(struct load_ctx *c, const cJSON *v, const char *path,
				    struct cfg_pool *pool, cJSON *r)
{
	(void)c;
	(void)v;
	(void)path;
	(void)r;
	pool->size = 0;
	pool->max_overflow = -1;
	return PT_OK;
}

/* HikariCP's own property names (HikariConfig); durations need a unit, since HikariCP's bare
 * numbers are milliseconds and pooltide's would be seconds. */
static const char *const pool_hikaricp_keys[] = {
	"kind",        "max_waiting", "maximumPoolSize", "minimumIdle", "connectionTimeout",
	"idleTimeout", "maxLifetime", "keepaliveTime",   "poolName",    NULL};

/* connectionTimeout 0: HikariCP waits Integer.MAX_VALUE ms. */
#define HIKARI_FOREVER_S 2147483.647

static int get_pool_hikaricp(struct load_ctx *c, const cJSON *v, const char *path,
			     struct cfg_pool *pool, cJSON *r)
{
	char p[PATH_LEN];
	const cJSON *name;
	double timeout = 30, idle = 600, life = 1800, keepalive = 0;
	int rc;

	c->hikari_pools++;
	if ((rc = load_get_int(c, v, path, "maximumPoolSize", 1, INT_CAP, 10, &pool->size)) ||
	    (rc = load_get_int(c, v, path, "minimumIdle", 0, pool->size, pool->size, &pool->min_idle)) ||
	    (rc = load_get_duration(c, v, path, "connectionTimeout", false, &timeout)) ||
	    (rc = load_get_duration(c, v, path, "idleTimeout", false, &idle)) ||
	    (rc = load_get_duration(c, v, path, "maxLifetime", false, &life)) ||
	    (rc = load_get_duration(c, v, path, "keepaliveTime", false, &keepalive)))
		return rc;
	/* HikariConfig.validateNumerics raises these to its floors with a warning; a scenario
	 * says what it means instead */
	if (timeout != 0 && timeout < 0.250) {
		load_join(p, sizeof p, path, "connectionTimeout");
		return load_expected(c, p, load_member(v, "connectionTimeout"),
				     "0 (no timeout) or a duration >= 250ms (HikariCP's minimum)");
	}
	if (idle != 0 && idle < 10) {
		load_join(p, sizeof p, path, "idleTimeout");
		return load_expected(c, p, load_member(v, "idleTimeout"),
				     "0 (never retire idle connections) or a duration >= 10s "
				     "(HikariCP's minimum)");
	}
	if (life != 0 && life < 30) {
		load_join(p, sizeof p, path, "maxLifetime");
		return load_expected(c, p, load_member(v, "maxLifetime"),
				     "0 (no limit) or a duration >= 30s (HikariCP's minimum)");
	}
	if (keepalive != 0 && (keepalive < 30 || (life > 0 && keepalive >= life))) {
		load_join(p, sizeof p, path, "keepaliveTime");
		return load_expected(c, p, load_member(v, "keepaliveTime"),
				     "0 (off) or a duration >= 30s and below maxLifetime");
	}
	/* HikariCP: "idleTimeout is close to or more than maxLifetime, disabling it" */
	if (life > 0 && idle + 1 > life && pool->min_idle < pool->size)
		idle = 0;
	name = load_member(v, "poolName");
	if (name) {
		if (!cJSON_IsString(name) || !load_valid_name(name->valuestring)) {
			load_join(p, sizeof p, path, "poolName");
			return load_expected(c, p, name, "a pool name of %s", NAME_WHAT);
		}
		load_copy_str(pool->pool_name, sizeof pool->pool_name, name->valuestring);
	} else {
		snprintf(pool->pool_name, sizeof pool->pool_name, "HikariPool-%d", c->hikari_pools);
	}
	pool->max_overflow = 0;
	pool->timeout_s = timeout == 0 ? HIKARI_FOREVER_S : timeout;
	pool->idle_timeout_s = idle;
	pool->max_lifetime_s = life;
	pool->keepalive_s = keepalive;

	load_put_int(c, r, "maximumPoolSize", pool->size);
	load_put_int(c, r, "minimumIdle", pool->min_idle);
	load_put_dur(c, r, "connectionTimeout", timeout);
	load_put_dur(c, r, "idleTimeout", idle);
	load_put_dur(c, r, "maxLifetime", life);
	load_put_dur(c, r, "keepaliveTime", keepalive);
	load_put_str(c, r, "poolName", pool->pool_name);
	return PT_OK;
}

/* Go database/sql: the DB setters in snake case (SetMaxOpenConns -> max_open_conns, ...), and
 * the request's context.WithTimeout, which is what ends a wait in Go. */
static const char *const pool_go_keys[] = {"kind",           "max_waiting",
					   "max_open_conns", "max_idle_conns",
					   "conn_max_lifetime", "conn_max_idle_time",
					   "context_timeout", "waiter_order", NULL};
static const char *const waiter_orders[] = {"random", "fifo", NULL};

static int get_pool_go(struct load_ctx *c, const cJSON *v, const char *path, struct cfg_pool *pool,
		       cJSON *r)
{
	char p[PATH_LEN];
	const cJSON *order;
	double life = 0, idle_time = 0, ctx_timeout = 0;
	int idle, rc;

	if ((rc = load_get_int(c, v, path, "max_open_conns", 0, INT_CAP, 0, &pool->max_open)) ||
	    (rc = load_get_int(c, v, path, "max_idle_conns", 0, INT_CAP, 2, &idle)) ||
	    (rc = load_get_duration(c, v, path, "conn_max_lifetime", false, &life)) ||
	    (rc = load_get_duration(c, v, path, "conn_max_idle_time", false, &idle_time)) ||
	    (rc = load_get_duration(c, v, path, "context_timeout", false, &ctx_timeout)))
		return rc;
	order = load_member(v, "waiter_order");
	if (order) {
		if (!cJSON_IsString(order) || load_find_name(waiter_orders, order->valuestring) < 0) {
			load_join(p, sizeof p, path, "waiter_order");
			return load_expected(c, p, order, "one of: random, fifo");
		}
		pool->fifo_waiters = strcmp(order->valuestring, "fifo") == 0;
	}
	load_put_int(c, r, "max_open_conns", pool->max_open);
	load_put_int(c, r, "max_idle_conns", idle);
	/* SetMaxIdleConns(0) keeps none; SetMaxOpenConns clips it to max_open */
	if (pool->max_open > 0 && idle > pool->max_open)
		idle = pool->max_open;
	pool->size = idle;
	pool->max_overflow = pool->max_open > 0 ? pool->max_open - idle : -1;
	pool->max_lifetime_s = life;
	pool->idle_timeout_s = idle_time;
	/* no context deadline (0, Go's context.Background): a waiter waits for ever */
	pool->timeout_s = ctx_timeout > 0 ? ctx_timeout : INFINITY;
	load_put_dur(c, r, "conn_max_lifetime", life);
	load_put_dur(c, r, "conn_max_idle_time", idle_time);
	load_put_dur(c, r, "context_timeout", ctx_timeout);
	load_put_str(c, r, "waiter_order", pool->fifo_waiters ? "fifo" : "random");
	return PT_OK;
}

/* Each pool kind's keys (with the keys every kind has: kind, max_waiting) and reader. Adding
 * a kind is one entry here and its file in models/. */
static const struct pool_loader {
	const char *kind; /* a struct pool_kind's name */
	const char *const *keys;
	int (*get)(struct load_ctx *c, const cJSON *v, const char *path, struct cfg_pool *pool,
		   cJSON *r);
} pool_loaders[] = {
	{"sqlalchemy", pool_keys, get_pool_sqlalchemy},
	{"sqlalchemy-null", pool_null_keys, get_pool_sqlalchemy_null},
	{"sqlalchemy-async", pool_async_keys, get_pool_sqlalchemy_async},
	{"hikaricp", pool_hikaricp_keys, get_pool_hikaricp},
	{"go", pool_go_keys, get_pool_go},
};
#define N_POOL_LOADERS (sizeof pool_loaders / sizeof pool_loaders[0])

int load_get_pool(struct load_ctx *c, const cJSON *v, const struct cfg_scenario *cfg,
		  struct cfg_pool *pool, cJSON *res)
{
	char path[PATH_LEN], p[PATH_LEN], q[GOT_MAX + 8];
	const struct pool_loader *ld = &pool_loaders[0];
	const cJSON *kind;
	cJSON *r;
	int rc;

	load_join(path, sizeof path, "pools", v->string);
	if (!load_valid_name(v->string)) {
		load_quote(v->string, q, sizeof q);
		return load_fail(c, "pools", "expected pool names of %s, got %s", NAME_WHAT, q);
	}
	if (!cJSON_IsObject(v))
		return load_expected(c, path, v, "an object");
	cfg_pool_defaults(pool);
	load_copy_str(pool->name, sizeof pool->name, v->string);
	/* the kind decides which keys are allowed, so it comes first */
	kind = load_member(v, "kind");
	if (kind) {
		ld = NULL;
		for (size_t i = 0; cJSON_IsString(kind) && i < N_POOL_LOADERS; i++)
			if (strcmp(pool_loaders[i].kind, kind->valuestring) == 0)
				ld = &pool_loaders[i];
		if (!ld) {
			const char *names[N_POOL_LOADERS + 1];
			char list[MSG_LEN / 2];
			for (size_t i = 0; i < N_POOL_LOADERS; i++)
				names[i] = pool_loaders[i].kind;
			names[N_POOL_LOADERS] = NULL;
			load_join_list(list, sizeof list, names);
			load_join(p, sizeof p, path, "kind");
			return load_expected(c, p, kind, "one of: %s", list);
		}
	}
	pool->kind = pool_kind_find(ld->kind);
	/* every kind's keys, and after max_waiting the server it connects to */
	const char *keys[64];
	size_t n = 0;
	for (size_t i = 0; ld->keys[i] && n + 2 < sizeof keys / sizeof keys[0]; i++) {
		keys[n++] = ld->keys[i];
		if (strcmp(ld->keys[i], "max_waiting") == 0)
			keys[n++] = "server";
	}
	keys[n] = NULL;
	if ((rc = load_check_keys(c, v, path, keys)) ||
	    (rc = load_get_int(c, v, path, "max_waiting", 0, INT_CAP, 100000, &pool->max_waiting)))
		return rc;
	r = load_put_obj(c, res, v->string);
	load_put_str(c, r, "kind", ld->kind);
	load_put_int(c, r, "max_waiting", pool->max_waiting);
	if ((rc = load_get_pool_server(c, v, path, cfg, pool, r)))
		return rc;
	return ld->get(c, v, path, pool, r);
}

/* "main, replica": the pool names for a message. */
void load_pool_list(const struct cfg_scenario *cfg, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int i = 0; i < cfg->n_pools; i++) {
		if (i > 0)
			load_append(buf, n, ", ");
		load_append(buf, n, cfg->pools[i].name);
	}
}


/* Rename SQLAlchemy's argument names in every pool object of root to the pool keys; both
 * forms of one setting in one pool is an error at the alias. */
int load_rename_pool_aliases(struct load_ctx *c, cJSON *root)
{
	cJSON *pools = cJSON_GetObjectItemCaseSensitive(root, "pools");
	if (!cJSON_IsObject(pools))
		return PT_OK;
	for (cJSON *pool = pools->child; pool; pool = pool->next) {
		cJSON *m, *next;
		if (!cJSON_IsObject(pool))
			continue;
		for (m = pool->child; m; m = next) {
			const char *key = load_pool_key(m->string);
			next = m->next;
			if (key == m->string)
				continue;
			if (cJSON_GetObjectItemCaseSensitive(pool, key)) {
				char p[PATH_LEN], q[PATH_LEN];
				load_join(q, sizeof q, "pools", pool->string);
				load_join(p, sizeof p, q, m->string);
				return load_fail(c, p, "not allowed with \"%s\" (the same setting, by "
						 "SQLAlchemy's name)", key);
			}
			cJSON *item = cJSON_DetachItemViaPointer(pool, m);
			/* SQLAlchemy's pool_timeout and pool_recycle are numbers of seconds
			 * (pool_recycle=3600); under those names a bare number means seconds, as
			 * it does in create_engine (-1, recycle off, stays -1) */
			if (cJSON_IsNumber(item) && (strcmp(key, "timeout") == 0 ||
						     (strcmp(key, "recycle") == 0 &&
						      item->valuedouble != -1))) {
				char b[NUM_LEN + 1];
				units_format_number(b, sizeof b - 1, item->valuedouble);
				load_append(b, sizeof b, "s");
				cJSON_Delete(item);
				if (!(item = cJSON_CreateString(b)))
					return load_fail_oom(c);
			}
			if (!cJSON_AddItemToObject(pool, key, item)) {
				cJSON_Delete(item);
				return load_fail_oom(c);
			}
		}
	}
	return PT_OK;
}
