/* The scenario loader's workloads: "workloads.NAME" objects of type "requests" (arrivals,
 * transactions, retries, per-workload timeouts, concurrency, client patience) or "batch"
 * (schedule, records, batch and group sizes, commit mode, workers), and their arrival
 * processes (a rate, a profile, bursts or a trace).
 *
 * Not here: the data files traces name (app/load_trace.c), the SLO limits (app/load_slo.c). */
/* realpath() is XSI: ask for it (the Makefile sets _POSIX_C_SOURCE only). */
#define _XOPEN_SOURCE 700
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

static const char *const requests_keys[] = {"type",         "pool",        "arrival",
					    "transaction",  "retries",     "backoff",
					    "processes",    "lock_timeout", "statement_timeout",
					    "concurrency",  "client_timeout", "reads", NULL};
static const char *const batch_keys[] = {"type",       "pool",           "every",
					 "backlog_rate", "records",      "batch_size",
					 "max_batch_size", "group_size", "per_record",
					 "commit",     "workers",        "processes",
					 "lock_timeout", "statement_timeout", NULL};
static const char *const arrival_keys[] = {"rate", "profile", "period", "bursts", "trace", NULL};
static const char *const point_keys[] = {"at", "rate", NULL};
static const char *const burst_keys[] = {"start", "end", "factor", NULL};
static const char *const transaction_keys[] = {"db_time", "app_time", "statements", "writes",
					       NULL};
/* indexed by enum cfg_workload_kind and enum cfg_commit */
static const char *const workload_types[] = {"requests", "batch", NULL};
static const char *const commit_names[] = {"per_batch", "per_group", "per_record", NULL};
/* ---- workloads ---------------------------------------------------------------------------- */

/* "trace" of the arrival object at path: the file read into a (as shared pointers), the name as
 * given into r. Without holds (batch records), a second column is an error. */
static int get_trace(struct load_ctx *c, const cJSON *v, const char *path, bool holds,
		     struct cfg_arrival *a, cJSON *r)
{
	const struct scenario_trace *t = NULL;
	char p[PATH_LEN];
	int rc;

	load_join(p, sizeof p, path, "trace");
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return load_expected(c, p, v, TRACE_WHAT);
	if ((rc = load_trace(c, p, v->valuestring, &t)))
		return rc;
	if (t->hold_s && !holds)
		return load_fail(c, p, "%s: expected 1 field per line (records have no hold time), got 2",
				 t->path);
	a->trace_n = t->n;
	a->trace_t = t->t_s;
	a->trace_hold = t->hold_s;
	/* The resolved scenario names the file absolutely: a manifest written into a result
	 * folder must find it again from there (a relative name would be taken relative to the
	 * manifest's own folder). */
	char *abs = realpath(t->path, NULL);
	load_put_str(c, r, "trace", abs ? abs : t->path);
	free(abs);
	return PT_OK;
}

/* "profile": [{"at": 0, "rate": r0}, {"at": t1, "rate": r1}, ...], ats strictly ascending
 * from 0, rates >= 0, one of them > 0. */
static int get_profile(struct load_ctx *c, const cJSON *v, const char *path, struct cfg_arrival *a)
{
	char ip[PATH_LEN], h[NUM_LEN];
	double rate_sum = 0;
	int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0, i = 0, rc;

	if (!cJSON_IsArray(v) || n < 1 || n > CFG_MAX_PROFILE)
		return load_expected(c, path, v, "an array of 1 to %d points " POINT_WHAT,
				     CFG_MAX_PROFILE);
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		struct cfg_rate_point *pt = &a->profile[i];
		char atp[PATH_LEN], rp[PATH_LEN];

		load_element(ip, sizeof ip, path, i);
		if (!cJSON_IsObject(e))
			return load_expected(c, ip, e, "an object " POINT_WHAT);
		if ((rc = load_check_keys(c, e, ip, point_keys)) || (rc = load_require(c, e, ip, "at")) ||
		    (rc = load_get_duration(c, e, ip, "at", false, &pt->t_s)))
			return rc;
		load_join(atp, sizeof atp, ip, "at");
		if (i == 0 && pt->t_s != 0)
			return load_expected(c, atp, load_member(e, "at"), "0 (a profile starts at time 0)");
		if (i > 0 && !(pt->t_s > a->profile[i - 1].t_s)) {
			units_format_number(h, sizeof h, a->profile[i - 1].t_s);
			return load_expected(c, atp, load_member(e, "at"),
					     "a duration > the previous point's (%s s)", h);
		}
		if ((rc = load_require(c, e, ip, "rate")))
			return rc;
		load_join(rp, sizeof rp, ip, "rate");
		if (load_to_rate(load_member(e, "rate"), &pt->rate_per_s))
			return load_expected(c, rp, load_member(e, "rate"), RATE0_WHAT);
		rate_sum += pt->rate_per_s;
	}
	if (!(rate_sum > 0))
		return load_expected(c, path, v, "a profile with at least one rate > 0");
	a->n_profile = n;
	return PT_OK;
}

/* "bursts": [{"start": t0, "end": t1, "factor": f}, ...]: the rate times f in [t0, t1). */
static int get_bursts(struct load_ctx *c, const cJSON *v, const char *path, struct cfg_arrival *a)
{
	char ip[PATH_LEN], h[NUM_LEN];
	int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0, i = 0, rc;

	if (!cJSON_IsArray(v) || n > CFG_MAX_BURSTS)
		return load_expected(c, path, v, "an array of at most %d windows " BURST_WHAT,
				     CFG_MAX_BURSTS);
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		struct cfg_burst *b = &a->bursts[i];
		char ep[PATH_LEN];

		load_element(ip, sizeof ip, path, i);
		if (!cJSON_IsObject(e))
			return load_expected(c, ip, e, "an object " BURST_WHAT);
		if ((rc = load_check_keys(c, e, ip, burst_keys)) || (rc = load_require(c, e, ip, "start")) ||
		    (rc = load_get_duration(c, e, ip, "start", false, &b->start_s)) ||
		    (rc = load_require(c, e, ip, "end")) ||
		    (rc = load_get_duration(c, e, ip, "end", false, &b->end_s)))
			return rc;
		if (!(b->end_s > b->start_s)) {
			load_join(ep, sizeof ep, ip, "end");
			units_format_number(h, sizeof h, b->start_s);
			return load_expected(c, ep, load_member(e, "end"), "a duration > start (%s s)", h);
		}
		if ((rc = load_require(c, e, ip, "factor")) ||
		    (rc = load_get_number(c, e, ip, "factor", 0, true, &b->factor)))
			return rc;
	}
	a->n_bursts = n;
	return PT_OK;
}

/* An arrival object at path (requests' "arrival", a batch's "records") into a and r: exactly
 * one of "rate" (Poisson), "profile" (piecewise rates, "period" to repeat it) or "trace";
 * "bursts" with a rate or a profile. holds: whether a trace may carry hold times. */
static int get_arrival(struct load_ctx *c, const cJSON *v, const char *path, bool holds,
		       struct cfg_arrival *a, cJSON *r)
{
	static const char *const not_with_trace[] = {"rate", "profile", "period", "bursts", NULL};
	const cJSON *rate = load_member(v, "rate"), *profile = load_member(v, "profile");
	char p[PATH_LEN], h[NUM_LEN];
	cJSON *arr;
	int rc;

	if ((rc = load_check_keys(c, v, path, arrival_keys)))
		return rc;
	if (load_member(v, "trace")) {
		for (int i = 0; not_with_trace[i]; i++) {
			if (load_member(v, not_with_trace[i])) {
				load_join(p, sizeof p, path, not_with_trace[i]);
				return load_fail(c, p, "not allowed with \"trace\" (the trace gives the "
						 "arrival times)");
			}
		}
		return get_trace(c, load_member(v, "trace"), path, holds, a, r);
	}

	load_join(p, sizeof p, path, "rate");
	if (rate && profile)
		return load_fail(c, p, "not allowed with \"profile\" (the profile gives the rates)");
	if (!rate && !profile)
		return load_fail(c, p, "required unless a profile or a trace is given");
	if (rate) {
		if (load_to_rate(rate, &a->rate_per_s) || !(a->rate_per_s > 0))
			return load_expected(c, p, rate, RATE_WHAT);
		load_put_num(c, r, "rate", a->rate_per_s);
	}
	if (profile) {
		load_join(p, sizeof p, path, "profile");
		if ((rc = get_profile(c, profile, p, a)))
			return rc;
	}
	if (load_member(v, "period")) {
		load_join(p, sizeof p, path, "period");
		if (!profile)
			return load_fail(c, p, "allowed only with a profile");
		if ((rc = load_get_duration(c, v, path, "period", true, &a->profile_period_s)))
			return rc;
		units_format_number(h, sizeof h, a->profile_period_s);
		for (int i = 0; i < a->n_profile; i++) {
			if (!(a->profile[i].t_s < a->profile_period_s)) {
				char pp[PATH_LEN];
				load_join(pp, sizeof pp, path, "profile");
				load_element(p, sizeof p, pp, i);
				load_append(p, sizeof p, ".at");
				return load_expected(c, p, load_member(cJSON_GetArrayItem(profile, i), "at"),
						     "a duration < period (%s s)", h);
			}
		}
	}
	if (load_member(v, "bursts")) {
		load_join(p, sizeof p, path, "bursts");
		if ((rc = get_bursts(c, load_member(v, "bursts"), p, a)))
			return rc;
	}

	if (profile) {
		arr = load_put_arr(c, r, "profile");
		for (int i = 0; i < a->n_profile; i++) {
			cJSON *o = load_put_elem(c, arr);
			load_put_dur(c, o, "at", a->profile[i].t_s);
			load_put_num(c, o, "rate", a->profile[i].rate_per_s);
		}
		if (a->profile_period_s > 0)
			load_put_dur(c, r, "period", a->profile_period_s);
	}
	arr = load_put_arr(c, r, "bursts");
	for (int i = 0; i < a->n_bursts; i++) {
		cJSON *o = load_put_elem(c, arr);
		load_put_dur(c, o, "start", a->bursts[i].start_s);
		load_put_dur(c, o, "end", a->bursts[i].end_s);
		load_put_num(c, o, "factor", a->bursts[i].factor);
	}
	return PT_OK;
}

/* The members of a "requests" workload after type and pool, into req (holding its defaults). */
/* A workload's own lock_timeout and statement_timeout (PostgreSQL's SET for its role):
 * -1 (not given) follows the database's; printed only when given, so that a variant that
 * changes the database's means the same when the resolved JSON is loaded again. */
static int get_pg_timeouts(struct load_ctx *c, const cJSON *v, const char *path, double *lock_s,
			   double *stmt_s, cJSON *r)
{
	int rc;
	if ((rc = load_get_duration(c, v, path, "lock_timeout", false, lock_s)) ||
	    (rc = load_get_duration(c, v, path, "statement_timeout", false, stmt_s)))
		return rc;
	if (*lock_s >= 0)
		load_put_dur(c, r, "lock_timeout", *lock_s);
	if (*stmt_s >= 0)
		load_put_dur(c, r, "statement_timeout", *stmt_s);
	return PT_OK;
}

static int get_requests(struct load_ctx *c, const cJSON *v, const char *path,
			struct cfg_requests *req, cJSON *r)
{
	const cJSON *arrival, *tx, *writes;
	char p[PATH_LEN], dp[PATH_LEN];
	cJSON *rt;
	int rc;

	load_join(p, sizeof p, path, "arrival");
	if ((rc = load_get_object(c, v, path, "arrival", &arrival)) ||
	    (rc = get_arrival(c, arrival, p, true, &req->arrival, load_put_obj(c, r, "arrival"))))
		return rc;

	load_join(p, sizeof p, path, "transaction");
	if ((rc = load_get_object(c, v, path, "transaction", &tx)) ||
	    (rc = load_check_keys(c, tx, p, transaction_keys)) ||
	    (rc = load_require(c, tx, p, "db_time")))
		return rc;
	rt = load_put_obj(c, r, "transaction");
	load_join(dp, sizeof dp, p, "db_time");
	if ((rc = load_get_dist(c, load_member(tx, "db_time"), dp, false, &req->db_time, rt, "db_time")))
		return rc;
	load_join(dp, sizeof dp, p, "app_time");
	if (load_member(tx, "app_time")) {
		if ((rc = load_get_dist(c, load_member(tx, "app_time"), dp, false, &req->app_time, rt,
					"app_time")))
			return rc;
	} else {
		dist_constant(&req->app_time, 0);
		load_put_dist(c, rt, "app_time", "constant", false, "value", 0, NULL, 0);
	}
	if ((rc = load_get_int(c, tx, p, "statements", 1, INT_CAP, 1, &req->statements)))
		return rc;
	load_put_int(c, rt, "statements", req->statements);
	load_join(dp, sizeof dp, p, "writes");
	if ((writes = load_member(tx, "writes")) && load_to_fraction(writes, &req->writes))
		return load_expected(c, dp, writes, "%s", WRITES_WHAT);
	load_put_num(c, rt, "writes", req->writes);

	if ((rc = load_get_int(c, v, path, "retries", 0, RETRIES_MAX, 0, &req->retries)) ||
	    (rc = load_get_duration(c, v, path, "backoff", false, &req->backoff_s)) ||
	    (rc = load_get_int(c, v, path, "processes", 0, PROCESSES_MAX, 0, &req->processes)))
		return rc;
	load_put_int(c, r, "retries", req->retries);
	load_put_dur(c, r, "backoff", req->backoff_s);
	load_put_int(c, r, "processes", req->processes);
	if ((rc = get_pg_timeouts(c, v, path, &req->lock_timeout_s, &req->statement_timeout_s,
				  r)) ||
	    (rc = load_get_int(c, v, path, "concurrency", 0, INT_CAP, 0, &req->concurrency)) ||
	    (rc = load_get_duration(c, v, path, "client_timeout", false, &req->client_timeout_s)))
		return rc;
	load_put_int(c, r, "concurrency", req->concurrency);
	load_put_dur(c, r, "client_timeout", req->client_timeout_s);
	return PT_OK;
}

/* The members of a "batch" workload after type and pool, into b (holding its defaults). */
static int get_batch(struct load_ctx *c, const cJSON *v, const char *path, struct cfg_batch *b,
		     cJSON *r)
{
	const cJSON *backlog = load_member(v, "backlog_rate"), *records = load_member(v, "records"), *x;
	char p[PATH_LEN];
	int rc;

	if ((rc = load_require(c, v, path, "every")) ||
	    (rc = load_get_duration(c, v, path, "every", true, &b->every_s)))
		return rc;
	load_put_dur(c, r, "every", b->every_s);

	if (!backlog && !records) {
		load_join(p, sizeof p, path, "backlog_rate");
		return load_fail(c, p, "required unless \"records\" is given");
	}
	if (backlog && records) {
		load_join(p, sizeof p, path, "records");
		return load_fail(c, p, "not allowed with \"backlog_rate\" (give one of the two)");
	}
	if (backlog) {
		load_join(p, sizeof p, path, "backlog_rate");
		if (load_to_rate(backlog, &b->records.rate_per_s) || !(b->records.rate_per_s > 0))
			return load_expected(c, p, backlog, RATE_WHAT);
		load_put_num(c, r, "backlog_rate", b->records.rate_per_s);
	} else {
		load_join(p, sizeof p, path, "records");
		if (!cJSON_IsObject(records))
			return load_expected(c, p, records, "an object");
		if ((rc = get_arrival(c, records, p, false, &b->records,
				      load_put_obj(c, r, "records"))))
			return rc;
	}

	if ((rc = load_get_int(c, v, path, "batch_size", 1, INT_CAP, 100, &b->batch_size)))
		return rc;
	load_put_int(c, r, "batch_size", b->batch_size);
	/* the cap follows batch_size unless given: printed only then, so that a variant that
	 * changes batch_size alone means the same when the resolved JSON is loaded again */
	b->max_batch_size = b->batch_size;
	if ((x = load_member(v, "max_batch_size"))) {
		double d = x->valuedouble;
		load_join(p, sizeof p, path, "max_batch_size");
		if (!cJSON_IsNumber(x) || !isfinite(d) || floor(d) != d || d < b->batch_size)
			return load_expected(c, p, x, "an integer >= batch_size (%d)", b->batch_size);
		if (d > INT_CAP)
			return load_expected(c, p, x, "an integer from %d to %d", b->batch_size, INT_CAP);
		b->max_batch_size = (int)d;
		load_put_int(c, r, "max_batch_size", b->max_batch_size);
	}

	load_join(p, sizeof p, path, "group_size");
	if ((x = load_member(v, "group_size"))) {
		if ((rc = load_get_dist(c, x, p, true, &b->group_size, r, "group_size")))
			return rc;
		/* A group never holds more than a batch's records; a larger size is a typo, and
		 * the model converts each draw to an int. */
		double most = b->group_size.kind == DIST_UNIFORM ? b->group_size.b
								 : b->group_size.mean;
		if (!(most <= INT_CAP))
			return load_expected(c, p, x, "records per group up to %d (%s)", INT_CAP,
					     b->group_size.kind == DIST_UNIFORM ? "the uniform max"
					     : b->group_size.kind == DIST_CONSTANT ? "the value"
									      : "the mean");
	} else {
		load_put_dist(c, r, "group_size", "constant", true, "value", b->group_size.mean, NULL, 0);
	}
	load_join(p, sizeof p, path, "per_record");
	if ((rc = load_require(c, v, path, "per_record")) ||
	    (rc = load_get_dist(c, load_member(v, "per_record"), p, false, &b->per_record, r,
				"per_record")))
		return rc;

	if ((x = load_member(v, "commit"))) {
		int k = cJSON_IsString(x) ? load_find_name(commit_names, x->valuestring) : -1;
		char list[MSG_LEN / 2];
		if (k < 0) {
			load_join(p, sizeof p, path, "commit");
			load_join_list(list, sizeof list, commit_names);
			return load_expected(c, p, x, "one of: %s", list);
		}
		b->commit = (enum cfg_commit)k;
	}
	load_put_str(c, r, "commit", commit_names[b->commit]);
	if ((rc = load_get_int(c, v, path, "workers", 1, WORKERS_MAX, 1, &b->workers)) ||
	    (rc = load_get_int(c, v, path, "processes", 1, PROCESSES_MAX, 1, &b->processes)))
		return rc;
	load_put_int(c, r, "workers", b->workers);
	load_put_int(c, r, "processes", b->processes);
	return get_pg_timeouts(c, v, path, &b->lock_timeout_s, &b->statement_timeout_s, r);
}

int load_get_workload(struct load_ctx *c, const cJSON *v, const struct cfg_scenario *cfg,
		      struct cfg_workload *w, cJSON *res)
{
	char path[PATH_LEN], p[PATH_LEN], q[GOT_MAX + 8], list[MSG_LEN / 2];
	const cJSON *type, *pool;
	cJSON *r;
	int rc, kind;

	load_join(path, sizeof path, "workloads", v->string);
	if (!load_valid_name(v->string)) {
		load_quote(v->string, q, sizeof q);
		return load_fail(c, "workloads", "expected workload names of %s, got %s", NAME_WHAT, q);
	}
	if (!cJSON_IsObject(v))
		return load_expected(c, path, v, "an object");
	/* both halves get their defaults; the models read the one of w->kind */
	memset(w, 0, sizeof *w);
	load_copy_str(w->name, sizeof w->name, v->string);
	cfg_requests_defaults(&w->req);
	cfg_batch_defaults(&w->batch);

	/* the type decides which keys are allowed, so it comes first */
	load_join(p, sizeof p, path, "type");
	type = load_member(v, "type");
	if (!type)
		return load_fail(c, p, "required");
	kind = cJSON_IsString(type) ? load_find_name(workload_types, type->valuestring) : -1;
	if (kind < 0) {
		load_join_list(list, sizeof list, workload_types);
		return load_expected(c, p, type, "one of: %s", list);
	}
	w->kind = (enum cfg_workload_kind)kind;
	if ((rc = load_check_keys(c, v, path,
				  w->kind == CFG_WORKLOAD_BATCH ? batch_keys : requests_keys)))
		return rc;

	load_join(p, sizeof p, path, "pool");
	pool = load_member(v, "pool");
	if (!pool) {
		if (cfg->n_pools > 1)
			return load_fail(c, p, "required when there is more than one pool");
		w->pool = 0;
	} else {
		w->pool = -1;
		for (int i = 0; cJSON_IsString(pool) && i < cfg->n_pools; i++)
			if (strcmp(cfg->pools[i].name, pool->valuestring) == 0)
				w->pool = i;
		if (w->pool < 0) {
			load_pool_list(cfg, list, sizeof list);
			return load_expected(c, p, pool, "the name of a pool (%s)", list);
		}
	}

	if ((rc = load_check_primary_pool(c, p, pool, cfg, w->pool)))
		return rc;

	r = load_put_obj(c, res, v->string);
	load_put_str(c, r, "type", workload_types[w->kind]);
	load_put_str(c, r, "pool", cfg->pools[w->pool].name);
	if (w->kind == CFG_WORKLOAD_BATCH)
		return get_batch(c, v, path, &w->batch, r);
	if ((rc = get_requests(c, v, path, &w->req, r)))
		return rc;
	return load_get_reads(c, v, path, cfg, &w->req.reads, r);
}

/* A name-keyed section ("pools", "workloads"): required, 1..max members. */
int load_get_section(struct load_ctx *c, const cJSON *v, const char *key, int max, const char *what)
{
	int n;

	if (!v)
		return load_fail(c, key, "required");
	if (!cJSON_IsObject(v))
		return load_expected(c, key, v, "an object mapping %s names to %ss", what, what);
	n = cJSON_GetArraySize(v);
	if (n < 1 || n > max)
		return load_fail(c, key, "expected 1 to %d %ss, got %d", max, what, n);
	return PT_OK;
}
