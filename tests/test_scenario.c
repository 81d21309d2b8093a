/* Tests of app/scenario: the scenario loader.
 *
 * Every scenario here is written to a temporary file under /tmp (mkstemp/mkdtemp) and removed
 * after loading. JSON in this file is written with single quotes for readability; sq() turns
 * them into double quotes before the text is written (none of the inputs needs a literal ').
 *
 * What is checked: a complete scenario with every field and its parsed values; the defaults;
 * durations and rates in every unit; every distribution form against the sim/dist.h
 * constructors; variants and command-line overrides and their order; the resolved JSON (loads
 * back to the same cfg, byte-identical when printed again); and every error path with its exact
 * one-line message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include "app/scenario.h"
#include "app/units.h"
#include "app/sha256.h"
#include "models/config.h"
#include "sim/dist.h"
#include "sim/status.h"

#define assert_dbl(a, b)                                                                        \
	do {                                                                                    \
		double a_ = (a), b_ = (b);                                                      \
		if (!(a_ == b_))                                                                \
			fail_msg("%s = %.17g, expected %.17g (line %d)", #a, a_, b_, __LINE__); \
	} while (0)

/* ---- helpers ------------------------------------------------------------------------------ */

/* text with every ' replaced by " (malloc'd). */
static char *sq(const char *text)
{
	char *s = strdup(text);
	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

/* Write len bytes to a new temporary file; returns its path (malloc'd). */
static char *write_temp_n(const char *text, size_t len)
{
	char tmpl[] = "/tmp/pooltide-test-scenario-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	char *path = strdup(tmpl);
	assert_non_null(path);
	return path;
}

/* Write sq(json) to a temporary file; returns its path (malloc'd). */
static char *write_temp(const char *json)
{
	char *text = sq(json);
	char *path = write_temp_n(text, strlen(text));
	free(text);
	return path;
}

static void remove_temp(char *path)
{
	assert_int_equal(remove(path), 0);
	free(path);
}

/* Load sq(json) with sets; must succeed. */
static struct scenario *load_sets(const char *json, const char *const *sets, int n_sets)
{
	struct scenario *sc = NULL;
	char err[1024] = "";
	char *path = write_temp(json);
	int rc = scenario_load(&sc, path, sets, n_sets, err, sizeof err);
	if (rc != PT_OK)
		fail_msg("scenario_load failed: %s", err);
	assert_non_null(sc);
	assert_string_equal(sc->path, path);
	remove_temp(path);
	return sc;
}

static struct scenario *load(const char *json)
{
	return load_sets(json, NULL, 0);
}

/* Load sq(json) (or the raw bytes when raw_len > 0) with sets; must fail with status want_rc and
 * the message "<path>" want_after_path: one line, nothing returned. */
static void expect_raw(const char *json, size_t raw_len, const char *const *sets, int n_sets,
		       int want_rc, const char *want_after_path)
{
	struct scenario *sc = (struct scenario *)&sc; /* must be reset to NULL */
	char err[1024] = "x", want[1024];
	char *path = raw_len ? write_temp_n(json, raw_len) : write_temp(json);
	int rc = scenario_load(&sc, path, sets, n_sets, err, sizeof err);

	snprintf(want, sizeof want, "%s%s", path, want_after_path);
	remove_temp(path);
	assert_string_equal(err, want);
	assert_int_equal(rc, want_rc);
	assert_null(sc);
	assert_null(strchr(err, '\n'));
}

/* The common case: an invalid scenario, message "<path>: " want. */
static void expect_sets(const char *json, const char *const *sets, int n_sets, const char *want)
{
	char after[1024];
	snprintf(after, sizeof after, ": %s", want);
	expect_raw(json, 0, sets, n_sets, PT_EINVAL, after);
}

static void expect(const char *json, const char *want)
{
	expect_sets(json, NULL, 0, want);
}

static void assert_dist_equal(const struct dist *got, const struct dist *want)
{
	assert_int_equal(got->kind, want->kind);
	assert_dbl(got->a, want->a);
	assert_dbl(got->b, want->b);
	assert_dbl(got->mean, want->mean);
	assert_dbl(got->sd, want->sd);
}

/* Arrival processes field by field; traces by content (a reloaded scenario has its own
 * copies). */
static void assert_arrival_equal(const struct cfg_arrival *a, const struct cfg_arrival *b)
{
	assert_dbl(a->rate_per_s, b->rate_per_s);
	assert_int_equal(a->n_profile, b->n_profile);
	for (int i = 0; i < a->n_profile; i++) {
		assert_dbl(a->profile[i].t_s, b->profile[i].t_s);
		assert_dbl(a->profile[i].rate_per_s, b->profile[i].rate_per_s);
	}
	assert_dbl(a->profile_period_s, b->profile_period_s);
	assert_int_equal(a->n_bursts, b->n_bursts);
	for (int i = 0; i < a->n_bursts; i++) {
		assert_dbl(a->bursts[i].start_s, b->bursts[i].start_s);
		assert_dbl(a->bursts[i].end_s, b->bursts[i].end_s);
		assert_dbl(a->bursts[i].factor, b->bursts[i].factor);
	}
	assert_int_equal(a->trace_n, b->trace_n);
	assert_int_equal(a->trace_t == NULL, b->trace_t == NULL);
	assert_int_equal(a->trace_hold == NULL, b->trace_hold == NULL);
	for (size_t i = 0; i < a->trace_n; i++) {
		assert_dbl(a->trace_t[i], b->trace_t[i]);
		if (a->trace_hold)
			assert_dbl(a->trace_hold[i], b->trace_hold[i]);
	}
}

/* Field by field (no memcmp: struct padding is not part of the value). */
static void assert_cfg_equal(const struct cfg_scenario *a, const struct cfg_scenario *b)
{
	assert_string_equal(a->name, b->name);
	assert_dbl(a->horizon_s, b->horizon_s);
	assert_dbl(a->warmup_s, b->warmup_s);
	assert_int_equal(a->replications, b->replications);
	assert_true(a->seed == b->seed);
	assert_int_equal(a->db.max_connections, b->db.max_connections);
	assert_int_equal(a->db.superuser_reserved_connections, b->db.superuser_reserved_connections);
	assert_int_equal(a->db.reserved_connections, b->db.reserved_connections);
	assert_dist_equal(&a->db.connect_time, &b->db.connect_time);
	assert_dbl(a->db.rtt_s, b->db.rtt_s);
	assert_int_equal(a->db.cores, b->db.cores);
	assert_int_equal(a->db.row_locks, b->db.row_locks);
	assert_int_equal(a->processes, b->processes);
	assert_int_equal(a->users.count, b->users.count);
	assert_dbl(a->users.zipf_s, b->users.zipf_s);
	assert_int_equal(a->n_pools, b->n_pools);
	for (int i = 0; i < a->n_pools; i++) {
		const struct cfg_pool *p = &a->pools[i], *q = &b->pools[i];
		assert_string_equal(p->name, q->name);
		assert_int_equal(p->size, q->size);
		assert_int_equal(p->max_overflow, q->max_overflow);
		assert_dbl(p->timeout_s, q->timeout_s);
		assert_int_equal(p->use_lifo, q->use_lifo);
		assert_int_equal(p->pre_ping, q->pre_ping);
		assert_dbl(p->recycle_s, q->recycle_s);
		assert_dbl(p->wakeup_latency.mean, q->wakeup_latency.mean);
		assert_int_equal(p->wakeup_latency.kind, q->wakeup_latency.kind);
	}
	assert_int_equal(a->n_workloads, b->n_workloads);
	for (int i = 0; i < a->n_workloads; i++) {
		const struct cfg_workload *w = &a->workloads[i], *v = &b->workloads[i];
		assert_string_equal(w->name, v->name);
		assert_int_equal(w->kind, v->kind);
		assert_int_equal(w->pool, v->pool);
		if (w->kind == CFG_WORKLOAD_BATCH) {
			const struct cfg_batch *x = &w->batch, *y = &v->batch;
			assert_arrival_equal(&x->records, &y->records);
			assert_dbl(x->every_s, y->every_s);
			assert_int_equal(x->batch_size, y->batch_size);
			assert_int_equal(x->max_batch_size, y->max_batch_size);
			assert_dist_equal(&x->group_size, &y->group_size);
			assert_dist_equal(&x->per_record, &y->per_record);
			assert_int_equal(x->commit, y->commit);
			assert_int_equal(x->workers, y->workers);
			assert_int_equal(x->processes, y->processes);
			continue;
		}
		assert_arrival_equal(&w->req.arrival, &v->req.arrival);
		assert_dist_equal(&w->req.db_time, &v->req.db_time);
		assert_dist_equal(&w->req.app_time, &v->req.app_time);
		assert_int_equal(w->req.statements, v->req.statements);
		assert_dbl(w->req.writes, v->req.writes);
		assert_int_equal(w->req.retries, v->req.retries);
		assert_dbl(w->req.backoff_s, v->req.backoff_s);
		assert_int_equal(w->req.processes, v->req.processes);
	}
	assert_int_equal(a->n_slo, b->n_slo);
	for (int i = 0; i < a->n_slo; i++) {
		assert_int_equal(a->slo[i].workload, b->slo[i].workload);
		assert_string_equal(a->slo[i].metric, b->slo[i].metric);
		assert_dbl(a->slo[i].limit, b->slo[i].limit);
	}
}

/* The smallest valid scenario, in pieces for the error tests. */
#define POOLS "'pools': {'main': {}}"
#define WORKLOADS                                                                           \
	"'workloads': {'api': {'type': 'requests', 'arrival': {'rate': 10}, "                  \
	"'transaction': {'db_time': '10ms'}}}"
#define MINIMAL "{" POOLS ", " WORKLOADS "}"
/* MINIMAL plus top-level members x */
#define WITH(x) "{" POOLS ", " WORKLOADS ", " x "}"
/* a pool "main" with members x */
#define POOL(x) "{'pools': {'main': {" x "}}, " WORKLOADS "}"
/* a database with members x */
#define DB(x) WITH("'database': {" x "}")
/* workload "api" with members x (pool "main") */
#define WL(x) "{" POOLS ", 'workloads': {'api': {" x "}}}"
/* workload "api" with a transaction x */
#define TX(x) WL("'type': 'requests', 'arrival': {'rate': 10}, 'transaction': {" x "}")
/* workload "api" with db_time x */
#define DBT(x) TX("'db_time': " x)
/* workload "api" with arrival x */
#define ARR(x) WL("'type': 'requests', 'arrival': " x ", 'transaction': {'db_time': '10ms'}")

#define DUR_WHAT "a duration with a unit such as \"8ms\" or \"8s\" (us, ms, s, m, min, h, d; " \
	"a bare number only for 0)"
#define DUR_POS_WHAT "a duration > 0 with a unit such as \"8ms\" or \"8s\" (us, ms, s, m, " \
	"min, h, d)"
#define RATE_WHAT "a rate > 0 such as \"120/s\" or a number per second"
#define DIST_WHAT "a distribution such as {\"dist\": \"exponential\", \"mean\": \"20ms\"} or a duration with a unit such as \"8ms\" or \"8s\""
#define DIST_NAMES "constant, exponential, uniform, lognormal, gamma, empirical"
#define SET_WHAT "a dotted path such as pools.main.size (not into variants)"
#define DBT_PATH "workloads.api.transaction.db_time"

/* ---- valid scenarios ---------------------------------------------------------------------- */

static void test_destroy_null(void **state)
{
	(void)state;
	scenario_destroy(NULL);
}

static const char complete[] =
	"{'name': 'full', 'description': 'every field', 'horizon': '2h', 'warmup': '10m',"
	" 'replications': 20, 'seed': 12345,"
	" 'database': {'max_connections': 200, 'superuser_reserved_connections': 5,"
	"   'reserved_connections': 2, 'connect_time': {'dist': 'lognormal', 'median': '8ms',"
	"   'p99': '40ms'}, 'rtt': '500us'},"
	" 'pools': {"
	"   'api': {'size': 10, 'max_overflow': 20, 'timeout': '45s', 'use_lifo': true,"
	"     'pre_ping': true, 'recycle': '30m', 'wakeup_latency': '0.25ms'},"
	"   'worker': {'size': 2, 'max_overflow': -1, 'timeout': '5s', 'use_lifo': false,"
	"     'pre_ping': false, 'recycle': -1, 'wakeup_latency': 0}},"
	" 'workloads': {"
	"   'web': {'type': 'requests', 'pool': 'api', 'arrival': {'rate': '150/s'},"
	"     'transaction': {'db_time': {'dist': 'gamma', 'mean': '15ms', 'cv': 1.5},"
	"       'app_time': {'dist': 'uniform', 'min': '1ms', 'max': '3ms'}, 'statements': 3}},"
	"   'jobs': {'type': 'requests', 'pool': 'worker', 'arrival': {'rate': 0.5},"
	"     'transaction': {'db_time': {'dist': 'exponential', 'mean': '200ms'}}}}}";

static void test_complete(void **state)
{
	struct scenario *sc = load(complete);
	const struct cfg_scenario *c = &sc->variants[0].cfg;
	struct dist d;
	(void)state;

	assert_string_equal(sc->description, "every field");
	assert_int_equal(sc->n_variants, 1);
	assert_string_equal(sc->variants[0].name, "base");
	assert_string_equal(c->name, "full");
	assert_dbl(c->horizon_s, 7200);
	assert_dbl(c->warmup_s, 600);
	assert_int_equal(c->replications, 20);
	assert_true(c->seed == 12345);

	assert_int_equal(c->db.max_connections, 200);
	assert_int_equal(c->db.superuser_reserved_connections, 5);
	assert_int_equal(c->db.reserved_connections, 2);
	assert_int_equal(dist_lognormal_median_p99(&d, 0.008, 0.040), PT_OK);
	assert_dist_equal(&c->db.connect_time, &d);
	assert_dbl(c->db.rtt_s, 0.0005);

	assert_int_equal(c->n_pools, 2);
	assert_string_equal(c->pools[0].name, "api");
	assert_int_equal(c->pools[0].size, 10);
	assert_int_equal(c->pools[0].max_overflow, 20);
	assert_dbl(c->pools[0].timeout_s, 45);
	assert_true(c->pools[0].use_lifo);
	assert_true(c->pools[0].pre_ping);
	assert_dbl(c->pools[0].recycle_s, 1800);
	assert_dbl(c->pools[0].wakeup_latency.mean, 0.00025);
	assert_string_equal(c->pools[1].name, "worker");
	assert_int_equal(c->pools[1].size, 2);
	assert_int_equal(c->pools[1].max_overflow, -1);
	assert_dbl(c->pools[1].timeout_s, 5);
	assert_false(c->pools[1].use_lifo);
	assert_false(c->pools[1].pre_ping);
	assert_dbl(c->pools[1].recycle_s, -1);
	assert_dbl(c->pools[1].wakeup_latency.mean, 0);

	assert_int_equal(c->n_workloads, 2);
	assert_string_equal(c->workloads[0].name, "web");
	assert_int_equal(c->workloads[0].kind, CFG_WORKLOAD_REQUESTS);
	assert_int_equal(c->workloads[0].pool, 0);
	assert_dbl(c->workloads[0].req.arrival.rate_per_s, 150);
	assert_int_equal(dist_gamma_mean_cv(&d, 0.015, 1.5), PT_OK);
	assert_dist_equal(&c->workloads[0].req.db_time, &d);
	assert_int_equal(dist_uniform(&d, 0.001, 0.003), PT_OK);
	assert_dist_equal(&c->workloads[0].req.app_time, &d);
	assert_int_equal(c->workloads[0].req.statements, 3);
	assert_string_equal(c->workloads[1].name, "jobs");
	assert_int_equal(c->workloads[1].pool, 1);
	assert_dbl(c->workloads[1].req.arrival.rate_per_s, 0.5);
	assert_int_equal(dist_exponential(&d, 0.2), PT_OK);
	assert_dist_equal(&c->workloads[1].req.db_time, &d);
	assert_int_equal(dist_constant(&d, 0), PT_OK);
	assert_dist_equal(&c->workloads[1].req.app_time, &d);
	assert_int_equal(c->workloads[1].req.statements, 1);
	scenario_destroy(sc);
}

/* Every default, and the name from the file name ("incident.json" -> "incident"). */
static void test_defaults(void **state)
{
	char dir[] = "/tmp/pooltide-test-scenario-XXXXXX", path[256], err[512] = "";
	struct scenario *sc = NULL;
	struct cfg_scenario want;
	char *text = sq(MINIMAL);
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/incident.json", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	free(text);
	if (scenario_load(&sc, path, NULL, 0, err, sizeof err) != PT_OK)
		fail_msg("%s", err);
	assert_int_equal(remove(path), 0);
	assert_int_equal(rmdir(dir), 0);

	/* the documented defaults, from models/config.h and the scenario format */
	cfg_scenario_defaults(&want);
	memcpy(want.name, "incident", sizeof "incident");
	want.n_pools = 1;
	cfg_pool_defaults(&want.pools[0]);
	memcpy(want.pools[0].name, "main", sizeof "main");
	want.n_workloads = 1;
	memcpy(want.workloads[0].name, "api", sizeof "api");
	want.workloads[0].kind = CFG_WORKLOAD_REQUESTS;
	want.workloads[0].pool = 0;
	cfg_requests_defaults(&want.workloads[0].req);
	want.workloads[0].req.arrival.rate_per_s = 10;
	assert_int_equal(dist_constant(&want.workloads[0].req.db_time, 0.010), PT_OK);

	assert_int_equal(sc->n_variants, 1);
	assert_string_equal(sc->variants[0].name, "base");
	assert_string_equal(sc->description, "");
	assert_cfg_equal(&sc->variants[0].cfg, &want);
	/* spelled out, so a changed default in config.c is noticed here too */
	const struct cfg_scenario *c = &sc->variants[0].cfg;
	assert_dbl(c->horizon_s, 3600);
	assert_dbl(c->warmup_s, 0);
	assert_int_equal(c->replications, 10);
	assert_true(c->seed == 1);
	assert_int_equal(c->db.max_connections, 100);
	assert_int_equal(c->db.superuser_reserved_connections, 3);
	assert_int_equal(c->db.reserved_connections, 0);
	assert_int_equal(c->db.connect_time.kind, DIST_LOGNORMAL);
	assert_dbl(c->db.connect_time.mean, 0.005);
	assert_dbl(c->db.connect_time.sd, 0.002);
	assert_dbl(c->db.rtt_s, 0);
	assert_int_equal(c->pools[0].size, 5);
	assert_int_equal(c->pools[0].max_overflow, 10);
	assert_dbl(c->pools[0].timeout_s, 30);
	assert_false(c->pools[0].use_lifo);
	assert_false(c->pools[0].pre_ping);
	assert_dbl(c->pools[0].recycle_s, -1);
	assert_dbl(c->pools[0].wakeup_latency.mean, 0);
	assert_int_equal(c->workloads[0].req.app_time.kind, DIST_CONSTANT);
	assert_dbl(c->workloads[0].req.app_time.mean, 0);
	assert_int_equal(c->workloads[0].req.statements, 1);

	/* the resolved JSON spells out every default */
	assert_non_null(strstr(sc->resolved_json, "\"name\":\t\"incident\""));
	assert_non_null(strstr(sc->resolved_json, "\"horizon\":\t\"3600s\""));
	assert_non_null(strstr(sc->resolved_json, "\"superuser_reserved_connections\":\t3"));
	assert_non_null(strstr(sc->resolved_json, "\"mean\":\t\"0.005s\""));
	assert_non_null(strstr(sc->resolved_json, "\"recycle\":\t-1"));
	assert_non_null(strstr(sc->resolved_json, "\"pool\":\t\"main\""));
	assert_null(strstr(sc->resolved_json, "variants"));
	scenario_destroy(sc);
}

/* SQLAlchemy 2.0: pool_size 0 means no limit, max_overflow forced to -1. */
static void test_size_zero(void **state)
{
	struct scenario *sc = load(POOL("'size': 0, 'max_overflow': 10"));
	(void)state;
	assert_int_equal(sc->variants[0].cfg.pools[0].size, 0);
	assert_int_equal(sc->variants[0].cfg.pools[0].max_overflow, -1);
	scenario_destroy(sc);
}

static void test_parse_duration(void **state)
{
	static const struct {
		const char *text;
		double want;
	} ok[] = {
		{"250us", 0.00025}, {"150ms", 0.15}, {"1.5s", 1.5},   {"30s", 30},
		{"2m", 120},        {"2min", 120},   {"2h", 7200},    {"1d", 86400},
		{"0.0", 0},         {"0", 0},        {"1e3ms", 1},    {"2.5E1s", 25},
		{".5s", 0.5},       {"5.s", 5},      {"0.25ms", 0.00025},
	};
	static const char *const bad[] = {
		"",     "thirty", "-1s",   "+1s", "30 s",  "30S",  "30sec", "s",   " 30s",
		"30s ", "1..5s",  "nan",   "inf", "0x10s", "1e400s", "1e",  "1,5s", "1/s",
		"30ss", "45",     "0.5",   "1e3",
	};
	double v;
	(void)state;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		v = -1;
		if (units_parse_duration(ok[i].text, &v) != PT_OK)
			fail_msg("\"%s\" rejected", ok[i].text);
		assert_dbl(v, ok[i].want);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 42;
		if (units_parse_duration(bad[i], &v) != PT_EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_dbl(v, 42); /* untouched */
	}
	assert_int_equal(units_parse_duration(NULL, &v), PT_EINVAL);
}

static void test_parse_rate(void **state)
{
	static const struct {
		const char *text;
		double want;
	} ok[] = {
		{"120/s", 120},  {"7200/min", 120}, {"7200/m", 120}, {"3600/h", 1},
		{"86400/d", 1},  {"0.5/ms", 500},   {"2/us", 2e6},   {"120", 120},
		{"0.25/s", 0.25}, {"0", 0},
	};
	static const char *const bad[] = {"", "fast", "-5/s", "120/", "120/sec", "120/ s",
					  "/s", "120 /s", "120s", "nan/s", "1e400/s"};
	double v;
	(void)state;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		v = -1;
		if (units_parse_rate(ok[i].text, &v) != PT_OK)
			fail_msg("\"%s\" rejected", ok[i].text);
		assert_dbl(v, ok[i].want);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 42;
		if (units_parse_rate(bad[i], &v) != PT_EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_dbl(v, 42);
	}
	assert_int_equal(units_parse_rate(NULL, &v), PT_EINVAL);
}

/* Durations and rates in a file, in every unit and as plain numbers. */
static void test_units_in_file(void **state)
{
	struct scenario *sc = load(
		"{'horizon': '1d', 'warmup': '2min',"
		" 'database': {'rtt': '250us', 'connect_time': '3ms'},"
		" 'pools': {'a': {'timeout': '1.5s', 'recycle': '2h', 'wakeup_latency': '0.125s'},"
		"           'b': {'timeout': '7s', 'recycle': '5m'}},"
		" 'workloads': {"
		"  'w1': {'type': 'requests', 'pool': 'a', 'arrival': {'rate': '7200/min'},"
		"         'transaction': {'db_time': '150ms'}},"
		"  'w2': {'type': 'requests', 'pool': 'a', 'arrival': {'rate': '3600/h'},"
		"         'transaction': {'db_time': '0.02s'}},"
		"  'w3': {'type': 'requests', 'pool': 'b', 'arrival': {'rate': '0.5/ms'},"
		"         'transaction': {'db_time': '1e3us'}},"
		"  'w4': {'type': 'requests', 'pool': 'b', 'arrival': {'rate': 12.5},"
		"         'transaction': {'db_time': '2s'}},"
		"  'w5': {'type': 'requests', 'pool': 'b', 'arrival': {'rate': '60/m'},"
		"         'transaction': {'db_time': '1m'}},"
		"  'w6': {'type': 'requests', 'pool': 'b', 'arrival': {'rate': '172800/d'},"
		"         'transaction': {'db_time': '1h'}}}}");
	const struct cfg_scenario *c = &sc->variants[0].cfg;
	static const double rate[] = {120, 1, 500, 12.5, 1, 2};
	static const double db[] = {0.15, 0.02, 0.001, 2, 60, 3600};
	(void)state;

	assert_dbl(c->horizon_s, 86400);
	assert_dbl(c->warmup_s, 120);
	assert_dbl(c->db.rtt_s, 0.00025);
	assert_int_equal(c->db.connect_time.kind, DIST_CONSTANT);
	assert_dbl(c->db.connect_time.mean, 0.003);
	assert_dbl(c->pools[0].timeout_s, 1.5);
	assert_dbl(c->pools[0].recycle_s, 7200);
	assert_dbl(c->pools[0].wakeup_latency.mean, 0.125);
	assert_dbl(c->pools[1].timeout_s, 7);
	assert_dbl(c->pools[1].recycle_s, 300);
	assert_int_equal(c->n_workloads, 6);
	for (int i = 0; i < 6; i++) {
		assert_dbl(c->workloads[i].req.arrival.rate_per_s, rate[i]);
		assert_int_equal(c->workloads[i].req.db_time.kind, DIST_CONSTANT);
		assert_dbl(c->workloads[i].req.db_time.mean, db[i]);
	}
	scenario_destroy(sc);
}

/* Every distribution form gives what its sim/dist.h constructor gives. */
static void test_distributions(void **state)
{
	static const char *const forms[] = {
		"{'dist': 'constant', 'value': '20ms'}",
		"'20ms'",
		"'0.02s'",
		"{'dist': 'exponential', 'mean': '20ms'}",
		"{'dist': 'uniform', 'min': '10ms', 'max': '30ms'}",
		"{'dist': 'uniform', 'min': '20ms', 'max': '20ms'}",
		"{'dist': 'lognormal', 'mean': '20ms', 'sd': '10ms'}",
		"{'dist': 'lognormal', 'median': '15ms', 'p99': '100ms'}",
		"{'dist': 'gamma', 'mean': '20ms', 'cv': 0.5}",
	};
	struct dist want[9];
	(void)state;

	assert_int_equal(dist_constant(&want[0], 0.02), PT_OK);
	want[1] = want[0];
	want[2] = want[0];
	assert_int_equal(dist_exponential(&want[3], 0.02), PT_OK);
	assert_int_equal(dist_uniform(&want[4], 0.01, 0.03), PT_OK);
	assert_int_equal(dist_uniform(&want[5], 0.02, 0.02), PT_OK);
	assert_int_equal(dist_lognormal_mean_sd(&want[6], 0.02, 0.01), PT_OK);
	assert_int_equal(dist_lognormal_median_p99(&want[7], 0.015, 0.1), PT_OK);
	assert_int_equal(dist_gamma_mean_cv(&want[8], 0.02, 0.5), PT_OK);

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		char json[512];
		snprintf(json, sizeof json, TX("'db_time': %s, 'app_time': %s"), forms[i],
			 forms[i]);
		struct scenario *sc = load(json);
		const struct cfg_requests *r = &sc->variants[0].cfg.workloads[0].req;
		assert_dist_equal(&r->db_time, &want[i]);
		assert_dist_equal(&r->app_time, &want[i]);
		scenario_destroy(sc);
	}
}

static const char with_variants[] =
	"{'name': 'incident', 'horizon': '2h',"
	" 'pools': {'main': {'size': 10, 'max_overflow': 20, 'timeout': '30s'}},"
	" 'workloads': {'api': {'type': 'requests', 'arrival': {'rate': '150/s'},"
	"   'transaction': {'db_time': {'dist': 'exponential', 'mean': '15ms'}}}},"
	" 'variants': ["
	"   {'name': 'before'},"
	"   {'name': 'after', 'set': {'pools.main.size': 20, 'pools.main.max_overflow': 30,"
	"      'pools.main.timeout': '45s', 'workloads.api.transaction.db_time.mean': '10ms'}},"
	"   {'name': 'replica', 'set': {'pools.replica': {'size': 2},"
	"      'workloads.api.pool': 'replica', 'workloads.api.transaction.db_time': '5ms',"
	"      'database.rtt': '1ms'}},"
	"   {'name': 'whole pool', 'set': {'pools.main': {'use_lifo': true}}}"
	" ]}";

static void test_variants(void **state)
{
	struct scenario *sc = load(with_variants);
	const struct cfg_scenario *c;
	struct dist d;
	(void)state;

	assert_int_equal(sc->n_variants, 4);
	assert_string_equal(sc->variants[0].name, "before");
	assert_string_equal(sc->variants[1].name, "after");
	assert_string_equal(sc->variants[2].name, "replica");
	assert_string_equal(sc->variants[3].name, "whole pool");

	c = &sc->variants[0].cfg; /* the base as it is */
	assert_string_equal(c->name, "incident");
	assert_int_equal(c->pools[0].size, 10);
	assert_int_equal(c->pools[0].max_overflow, 20);
	assert_dbl(c->pools[0].timeout_s, 30);
	assert_int_equal(dist_exponential(&d, 0.015), PT_OK);
	assert_dist_equal(&c->workloads[0].req.db_time, &d);

	c = &sc->variants[1].cfg; /* overrides, down to a distribution parameter */
	assert_string_equal(c->name, "incident");
	assert_dbl(c->horizon_s, 7200);
	assert_int_equal(c->pools[0].size, 20);
	assert_int_equal(c->pools[0].max_overflow, 30);
	assert_dbl(c->pools[0].timeout_s, 45);
	assert_int_equal(dist_exponential(&d, 0.010), PT_OK);
	assert_dist_equal(&c->workloads[0].req.db_time, &d);

	c = &sc->variants[2].cfg; /* a new pool, a rebound workload, a created database object */
	assert_int_equal(c->n_pools, 2);
	assert_string_equal(c->pools[1].name, "replica");
	assert_int_equal(c->pools[1].size, 2);
	assert_int_equal(c->pools[1].max_overflow, 10);
	assert_int_equal(c->pools[0].size, 10); /* not the previous variant's 20 */
	assert_int_equal(c->workloads[0].pool, 1);
	assert_int_equal(dist_constant(&d, 0.005), PT_OK);
	assert_dist_equal(&c->workloads[0].req.db_time, &d);
	assert_dbl(c->db.rtt_s, 0.001);

	c = &sc->variants[3].cfg; /* a replaced object loses the members it does not repeat */
	assert_true(c->pools[0].use_lifo);
	assert_int_equal(c->pools[0].size, 5);
	assert_int_equal(c->pools[0].max_overflow, 10);

	/* the resolved JSON is the base, plus the variants as given */
	assert_non_null(strstr(sc->resolved_json, "\"size\":\t10"));
	assert_non_null(strstr(sc->resolved_json, "\"variants\":"));
	assert_non_null(strstr(sc->resolved_json, "\"pools.main.timeout\":\t\"45s\""));
	scenario_destroy(sc);
}

static void test_cli_set(void **state)
{
	const char *sets[] = {
		"pools.main.size=7",           /* a number */
		"pools.main.timeout=45s",      /* not JSON: a string */
		"pools.main.use_lifo=true",    /* a boolean */
		"database.max_connections=50", /* "database" is absent: created */
		"workloads.api.transaction.app_time={\"dist\": \"exponential\", \"mean\": \"2ms\"}",
		"name=\"renamed\"",
		"description=set from the command line",
		"replications=3",
		"replications=4", /* in order: the last one wins */
	};
	struct scenario *sc = load_sets(with_variants, sets, sizeof sets / sizeof sets[0]);
	struct dist d;
	(void)state;

	assert_string_equal(sc->description, "set from the command line");
	for (int i = 0; i < sc->n_variants; i++) {
		const struct cfg_scenario *c = &sc->variants[i].cfg;
		assert_string_equal(c->name, "renamed");
		assert_dbl(c->pools[0].timeout_s, i == 3 ? 30 : 45); /* 3 replaces the pool */
		assert_true(c->pools[0].use_lifo);
		assert_int_equal(c->db.max_connections, 50);
		assert_int_equal(c->replications, 4);
		assert_int_equal(dist_exponential(&d, 0.002), PT_OK);
		assert_dist_equal(&c->workloads[0].req.app_time, &d);
	}
	/* --set applies to the base, before the variants: a variant's set wins */
	assert_int_equal(sc->variants[0].cfg.pools[0].size, 7);
	assert_int_equal(sc->variants[1].cfg.pools[0].size, 20);
	assert_int_equal(sc->variants[2].cfg.pools[0].size, 7);
	assert_int_equal(sc->variants[3].cfg.pools[0].size, 5);
	/* and the resolved JSON is the base after --set */
	assert_non_null(strstr(sc->resolved_json, "\"size\":\t7"));
	assert_non_null(strstr(sc->resolved_json, "\"max_connections\":\t50"));
	scenario_destroy(sc);
}

/* The resolved JSON loads back to the same cfg for every variant, and prints the same. */
static void test_round_trip(void **state)
{
	static const char *const files[] = {complete, with_variants, MINIMAL,
		/* doubles that %.15g does not round-trip, and numbers in a variant's set */
		"{'horizon': '1234.5678901234567s', 'pools': {'p': {'timeout': '0.30000000000000004s',"
		" 'wakeup_latency': '0.1ms'}}, 'workloads': {'w': {'type': 'requests',"
		" 'arrival': {'rate': '1/h'}, 'transaction': {'db_time': {'dist': 'lognormal',"
		" 'median': '1ms', 'p99': '0.012345678901234567s'}, 'app_time': '0.7ms'}}},"
		" 'variants': [{'name': 'v', 'set': {'pools.p.timeout': '0.10000000000000002s',"
		" 'pools.p.recycle': '1e-7s'}}]}"};
	const char *sets[] = {"pools.main.recycle=3600s"};
	(void)state;

	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		int n_sets = f == 1 ? 1 : 0;
		struct scenario *a = load_sets(files[f], sets, n_sets);
		char *path = write_temp_n(a->resolved_json, strlen(a->resolved_json));
		struct scenario *b = NULL;
		char err[512] = "";
		if (scenario_load(&b, path, NULL, 0, err, sizeof err) != PT_OK)
			fail_msg("reloading the resolved JSON: %s\n%s", err, a->resolved_json);
		remove_temp(path);
		assert_int_equal(a->n_variants, b->n_variants);
		for (int i = 0; i < a->n_variants; i++) {
			assert_string_equal(a->variants[i].name, b->variants[i].name);
			assert_cfg_equal(&a->variants[i].cfg, &b->variants[i].cfg);
		}
		assert_string_equal(a->description, b->description);
		assert_string_equal(a->resolved_json, b->resolved_json);
		scenario_destroy(a);
		scenario_destroy(b);
	}
}

/* The same file twice gives byte-identical resolved JSON. */
static void test_deterministic(void **state)
{
	struct scenario *a = load(complete), *b = load(complete);
	(void)state;
	assert_string_equal(a->resolved_json, b->resolved_json);
	scenario_destroy(a);
	scenario_destroy(b);
}

/* Numbers mean the same under a locale with a decimal comma. Skipped when none is installed;
 * to run it anyway: localedef -i de_DE -f UTF-8 /tmp/loc/de_DE.UTF-8 and LOCPATH=/tmp/loc. */
static void test_locale(void **state)
{
	static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
					    "fr_FR.utf8"};
	const char *set = NULL;
	double v = 0;
	(void)state;

	for (size_t i = 0; i < sizeof names / sizeof names[0] && !set; i++)
		set = setlocale(LC_NUMERIC, names[i]);
	if (!set)
		skip();
	assert_int_equal(units_parse_duration("1.5s", &v), PT_OK);
	assert_dbl(v, 1.5);
	struct scenario *sc = load(POOL("'timeout': '2.5s'"));
	assert_dbl(sc->variants[0].cfg.pools[0].timeout_s, 2.5);
	assert_non_null(strstr(sc->resolved_json, "\"timeout\":\t2.5"));
	scenario_destroy(sc);
	setlocale(LC_NUMERIC, "C");
}

/* ---- errors ------------------------------------------------------------------------------- */

static void test_err_syntax(void **state)
{
	(void)state;
	expect_raw("{\n  'a': 1,\n  'b' 2\n}", 0, NULL, 0, PT_EINVAL, ":3:7: invalid JSON");
	expect_raw(MINIMAL " x", 0, NULL, 0, PT_EINVAL, ":1:130: invalid JSON"); /* 128 + 2 */
	expect_raw("", 0, NULL, 0, PT_EINVAL, ":1:1: invalid JSON");
	expect_raw("{'pools': [1, 2,]}", 0, NULL, 0, PT_EINVAL, ":1:17: invalid JSON");
	expect_raw("{\n\t'name': tru}", 0, NULL, 0, PT_EINVAL, ":2:10: invalid JSON");
	expect_raw("{\n\t'name': 'x}", 0, NULL, 0, PT_EINVAL, ":2:11: invalid JSON");
	expect_raw("{} {}", 0, NULL, 0, PT_EINVAL, ":1:4: invalid JSON");
	expect_raw("{}\0{}", 5, NULL, 0, PT_EINVAL, ":1:3: invalid JSON");
}

static void test_err_file(void **state)
{
	struct scenario *sc = (struct scenario *)&sc;
	char err[512];
	char dir[] = "/tmp/pooltide-test-scenario-XXXXXX", path[256];
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/missing.json", dir);
	assert_int_equal(scenario_load(&sc, path, NULL, 0, err, sizeof err), PT_EIO);
	assert_null(sc);
	char want[512];
	snprintf(want, sizeof want, "%s: cannot read: No such file or directory", path);
	assert_string_equal(err, want);

	sc = (struct scenario *)&sc;
	assert_int_equal(scenario_load(&sc, dir, NULL, 0, err, sizeof err), PT_EIO);
	assert_null(sc);
	snprintf(want, sizeof want, "%s: cannot read: Is a directory", dir);
	assert_string_equal(err, want);
	assert_int_equal(rmdir(dir), 0);
}

static void test_err_keys(void **state)
{
	(void)state;
	expect("[1, 2]", "expected a JSON object at the top level, got [1,2]");
	expect(WITH("'slos': {'api.timeout_rate': 0.001}"),
	       "slos: unknown key (expected one of: name, description, horizon, warmup, "
	       "replications, seed, database, replicas, pgbouncer, deployment, users, pools, workloads, slo, "
	       "variants)");
	expect(POOL("'sise': 10"),
	       "pools.main.sise: unknown key (expected one of: kind, max_waiting, server, size, "
	       "max_overflow, timeout, use_lifo, pre_ping, recycle, wakeup_latency, checkout_cost, close_time)");
	/* The pool seam: the kind comes first and decides the keys; every kind has max_waiting. */
	expect(POOL("'kind': 'hikari'"),
	       "pools.main.kind: expected one of: sqlalchemy, sqlalchemy-null, sqlalchemy-async, "
	       "hikaricp, go, got \"hikari\"");
	expect(POOL("'kind': 3"), "pools.main.kind: expected one of: sqlalchemy, sqlalchemy-null, "
				  "sqlalchemy-async, hikaricp, go, got 3");
	expect(POOL("'max_waiting': -1"),
	       "pools.main.max_waiting: expected an integer >= 0, got -1");
	expect(POOL("'max_waiting': 2.5"),
	       "pools.main.max_waiting: expected an integer >= 0, got 2.5");
	expect(DB("'max_conn': 10"),
	       "database.max_conn: unknown key (expected one of: max_connections, "
	       "superuser_reserved_connections, reserved_connections, connect_time, rtt, cores, "
	       "row_locks, lock_timeout, statement_timeout)");
	/* users belong to the scenario, not to a workload */
	expect(WL("'type': 'requests', 'users': 2000"),
	       "workloads.api.users: unknown key (expected one of: type, pool, arrival, "
	       "transaction, retries, backoff, processes, lock_timeout, statement_timeout, "
	       "concurrency, client_timeout, reads)");
	expect(ARR("{'rate': 1, 'burst': []}"),
	       "workloads.api.arrival.burst: unknown key (expected one of: rate, profile, period, "
	       "bursts, trace)");
	expect(TX("'db_time': '1ms', 'write': 0.3"),
	       "workloads.api.transaction.write: unknown key (expected one of: db_time, "
	       "app_time, statements, writes)");
	expect(DBT("{'dist': 'exponential', 'mean': '1ms', 'sd': '1ms'}"),
	       DBT_PATH ".sd: unknown key (expected one of: dist, mean)");
	expect(POOL("'size': 1, 'size': 2"), "pools.main.size: duplicate key");
	expect(WITH("'variants': [{'name': 'a', 'set': {'seed': 1, 'seed': 2}}]"),
	       "variants[0].set.seed: duplicate key");
}

static void test_err_top(void **state)
{
	(void)state;
	expect(WITH("'name': 5"), "name: expected a non-empty string of at most 63 bytes, got 5");
	expect(WITH("'name': ''"), "name: expected a non-empty string of at most 63 bytes, got \"\"");
	expect(WITH("'name': '0123456789012345678901234567890123456789012345678901234567890123'"),
	       "name: expected a non-empty string of at most 63 bytes, got "
	       "\"0123456789012345678901234567890123456789012345678901234567890123\"");
	expect(WITH("'description': ['a']"), "description: expected a string, got [\"a\"]");
	expect(WITH("'horizon': 'thirty'"),
	       "horizon: expected " DUR_POS_WHAT ", got \"thirty\"");
	expect(WITH("'horizon': 0"), "horizon: expected " DUR_POS_WHAT ", got 0");
	expect(WITH("'horizon': -5"), "horizon: expected " DUR_POS_WHAT ", got -5");
	expect(WITH("'horizon': 1e999"),
	       "horizon: expected " DUR_POS_WHAT ", got a number out of range");
	expect(WITH("'warmup': 'thirty'"), "warmup: expected " DUR_WHAT ", got \"thirty\"");
	expect(WITH("'warmup': '2h'"),
	       "warmup: expected a duration shorter than horizon (3600 s), got \"2h\"");
	expect(WITH("'horizon': '10m', 'warmup': '600s'"),
	       "warmup: expected a duration shorter than horizon (600 s), got \"600s\"");
	/* a bare number is not a duration (8 meant 8 ms as often as 8 s), 0 excepted */
	expect(WITH("'warmup': 600"), "warmup: expected " DUR_WHAT ", got 600");
	expect(WITH("'warmup': '600'"), "warmup: expected " DUR_WHAT ", got \"600\"");
	expect(WITH("'replications': 0"),
	       "replications: expected an integer from 1 to 10000, got 0");
	expect(WITH("'replications': 10001"),
	       "replications: expected an integer from 1 to 10000, got 10001");
	expect(WITH("'replications': 2.5"),
	       "replications: expected an integer from 1 to 10000, got 2.5");
	expect(WITH("'replications': '20'"),
	       "replications: expected an integer from 1 to 10000, got \"20\"");
	expect(WITH("'seed': 0"),
	       "seed: expected an integer from 1 to 9007199254740992 (2^53), got 0");
	expect(WITH("'seed': 9007199254740994"),
	       "seed: expected an integer from 1 to 9007199254740992 (2^53), got 9007199254740994");
	expect(WITH("'seed': 1.5"),
	       "seed: expected an integer from 1 to 9007199254740992 (2^53), got 1.5");
	expect(WITH("'seed': '1'"),
	       "seed: expected an integer from 1 to 9007199254740992 (2^53), got \"1\"");
}

/* PgBouncer's section: PgBouncer's parameter names, each error naming the JSON path. */
#define PGB(x) WITH("'pgbouncer': {" x "}")
static void test_err_pgbouncer(void **state)
{
	(void)state;
	expect(WITH("'pgbouncer': 'transaction'"), "pgbouncer: expected an object, got \"transaction\"");
	expect(PGB("'pool_mode': 'transaction', 'pool_size': 20"),
	       "pgbouncer.pool_size: unknown key (expected one of: pool_mode, max_client_conn, "
	       "default_pool_size, min_pool_size, reserve_pool_size, reserve_pool_timeout, "
	       "max_db_connections, query_wait_timeout, server_login_retry, server_idle_timeout, "
	       "server_lifetime, server_reset_query, client_connect_time)");
	expect(PGB("'pool_mode': 'transactions'"),
	       "pgbouncer.pool_mode: expected one of: session, transaction, statement, got "
	       "\"transactions\"");
	expect(PGB("'server_reset_query': 7"),
	       "pgbouncer.server_reset_query: expected a query of at most 63 characters (\"\": none), "
	       "got 7");
	expect(PGB("'pool_mode': 'transaction', 'default_pool_size': 0"),
	       "pgbouncer.default_pool_size: expected an integer >= 1, got 0");
	expect(PGB("'pool_mode': 'transaction', 'max_client_conn': 'many'"),
	       "pgbouncer.max_client_conn: expected an integer >= 1, got \"many\"");
	expect(PGB("'pool_mode': 'transaction', 'query_wait_timeout': '-1s'"),
	       "pgbouncer.query_wait_timeout: expected " DUR_WHAT ", got \"-1s\"");
	expect(PGB("'pool_mode': 'transaction', 'client_connect_time': {'dist': 'constant'}"),
	       "pgbouncer.client_connect_time.value: required");
}

/* Session pooling, PgBouncer's default pool_mode, loads; server_reset_query defaults to
 * "DISCARD ALL" and "" turns it off. */
static void test_pgbouncer_session(void **state)
{
	(void)state;
	struct scenario *sc = load(PGB("'default_pool_size': 4"));
	const struct cfg_pgbouncer *g = &sc->variants[0].cfg.pgbouncer;
	assert_true(g->enabled);
	assert_int_equal(g->pool_mode, CFG_POOL_MODE_SESSION);
	assert_int_equal(g->default_pool_size, 4);
	assert_string_equal(g->server_reset_query, "DISCARD ALL");
	scenario_destroy(sc);
	sc = load(PGB("'pool_mode': 'session', 'server_reset_query': ''"));
	assert_string_equal(sc->variants[0].cfg.pgbouncer.server_reset_query, "");
	scenario_destroy(sc);
}

static void test_err_database(void **state)
{
	(void)state;
	expect(WITH("'database': 5"), "database: expected an object, got 5");
	expect(DB("'max_connections': 0"),
	       "database.max_connections: expected an integer >= 1, got 0");
	expect(DB("'max_connections': 2000000"),
	       "database.max_connections: expected an integer from 1 to 1000000, got 2000000");
	expect(DB("'max_connections': '100'"),
	       "database.max_connections: expected an integer >= 1, got \"100\"");
	expect(DB("'superuser_reserved_connections': -1"),
	       "database.superuser_reserved_connections: expected an integer >= 0, got -1");
	expect(DB("'reserved_connections': 'two'"),
	       "database.reserved_connections: expected an integer >= 0, got \"two\"");
	expect(DB("'max_connections': 5, 'reserved_connections': 2"),
	       "database.max_connections: expected an integer > superuser_reserved_connections + "
	       "reserved_connections (5), so that one connection slot is usable, got 5");
	expect(DB("'rtt': '-1ms'"), "database.rtt: expected " DUR_WHAT ", got \"-1ms\"");
	expect(DB("'connect_time': {'dist': 'lognormal', 'mean': '5ms'}"),
	       "database.connect_time.sd: required");
	expect(DB("'connect_time': 'slow'"),
	       "database.connect_time: expected " DIST_WHAT ", got \"slow\"");
}

static void test_err_pools(void **state)
{
	(void)state;
	expect("{" WORKLOADS "}", "pools: required");
	expect("{'pools': {}, " WORKLOADS "}", "pools: expected 1 to 8 pools, got 0");
	expect("{'pools': {'a': {}, 'b': {}, 'c': {}, 'd': {}, 'e': {}, 'f': {}, 'g': {}, 'h': {},"
	       " 'i': {}}, " WORKLOADS "}",
	       "pools: expected 1 to 8 pools, got 9");
	expect("{'pools': [], " WORKLOADS "}",
	       "pools: expected an object mapping pool names to pools, got []");
	expect("{'pools': {'a.b': {}}, " WORKLOADS "}",
	       "pools: expected pool names of 1 to 63 letters, digits, '_' or '-', got \"a.b\"");
	expect("{'pools': {'': {}}, " WORKLOADS "}",
	       "pools: expected pool names of 1 to 63 letters, digits, '_' or '-', got \"\"");
	expect("{'pools': {'main': 5}, " WORKLOADS "}", "pools.main: expected an object, got 5");
	expect(POOL("'size': -3"), "pools.main.size: expected an integer >= 0, got -3");
	expect(POOL("'size': 'five'"), "pools.main.size: expected an integer >= 0, got \"five\"");
	expect(POOL("'size': 2.5"), "pools.main.size: expected an integer >= 0, got 2.5");
	expect(POOL("'size': 1e7"),
	       "pools.main.size: expected an integer from 0 to 1000000, got 10000000");
	expect(POOL("'max_overflow': -2"),
	       "pools.main.max_overflow: expected an integer >= -1, got -2");
	expect(POOL("'max_overflow': 'twenty'"),
	       "pools.main.max_overflow: expected an integer >= -1, got \"twenty\"");
	expect(POOL("'timeout': '30 seconds'"),
	       "pools.main.timeout: expected " DUR_WHAT ", got \"30 seconds\"");
	expect(POOL("'timeout': null"), "pools.main.timeout: expected " DUR_WHAT ", got null");
	expect(POOL("'use_lifo': 'yes'"), "pools.main.use_lifo: expected true or false, got \"yes\"");
	expect(POOL("'pre_ping': 1"), "pools.main.pre_ping: expected true or false, got 1");
	expect(POOL("'recycle': -2"),
	       "pools.main.recycle: expected " DUR_WHAT ", or -1 (off), got -2");
	expect(POOL("'recycle': 'never'"),
	       "pools.main.recycle: expected " DUR_WHAT ", or -1 (off), got \"never\"");
	expect(POOL("'wakeup_latency': -1"),
	       "pools.main.wakeup_latency: expected a distribution such as {\"dist\": "
	       "\"exponential\", \"mean\": \"20ms\"} or a duration with a unit such as \"8ms\" or "
	       "\"8s\", got -1");
	expect(POOL("'checkout_cost': '-1ms'"),
	       "pools.main.checkout_cost: expected " DUR_WHAT ", got \"-1ms\"");
}

static void test_err_workloads(void **state)
{
	(void)state;
	expect("{" POOLS "}", "workloads: required");
	expect("{" POOLS ", 'workloads': {}}", "workloads: expected 1 to 8 workloads, got 0");
	expect("{" POOLS ", 'workloads': 'api'}",
	       "workloads: expected an object mapping workload names to workloads, got \"api\"");
	expect("{" POOLS ", 'workloads': {'my api': {}}}",
	       "workloads: expected workload names of 1 to 63 letters, digits, '_' or '-', "
	       "got \"my api\"");
	expect("{" POOLS ", 'workloads': {'api': []}}", "workloads.api: expected an object, got []");
	expect(WL("'arrival': {'rate': 1}"), "workloads.api.type: required");
	expect(WL("'type': 'bulk'"),
	       "workloads.api.type: expected one of: requests, batch, got \"bulk\"");
	expect(WL("'type': ['batch']"),
	       "workloads.api.type: expected one of: requests, batch, got [\"batch\"]");
	expect(WL("'type': 'requests', 'pool': 'mian'"),
	       "workloads.api.pool: expected the name of a pool (main), got \"mian\"");
	expect("{'pools': {'main': {}, 'replica': {}}, 'workloads': {'api': {'type': 'requests',"
	       " 'pool': 2}}}",
	       "workloads.api.pool: expected the name of a pool (main, replica), got 2");
	expect("{'pools': {'main': {}, 'replica': {}}, " WORKLOADS "}",
	       "workloads.api.pool: required when there is more than one pool");
	expect(WL("'type': 'requests'"), "workloads.api.arrival: required");
	expect(ARR("5"), "workloads.api.arrival: expected an object, got 5");
	expect(ARR("{}"),
	       "workloads.api.arrival.rate: required unless a profile or a trace is given");
	expect(ARR("{'rate': 0}"), "workloads.api.arrival.rate: expected " RATE_WHAT ", got 0");
	expect(ARR("{'rate': -5}"), "workloads.api.arrival.rate: expected " RATE_WHAT ", got -5");
	expect(ARR("{'rate': 'fast'}"),
	       "workloads.api.arrival.rate: expected " RATE_WHAT ", got \"fast\"");
	expect(ARR("{'rate': '10/fortnight'}"),
	       "workloads.api.arrival.rate: expected " RATE_WHAT ", got \"10/fortnight\"");
	expect(ARR("{'rate': '0/s'}"),
	       "workloads.api.arrival.rate: expected " RATE_WHAT ", got \"0/s\"");
	expect(ARR("{'rate': true}"), "workloads.api.arrival.rate: expected " RATE_WHAT ", got true");
	expect(WL("'type': 'requests', 'arrival': {'rate': 1}"),
	       "workloads.api.transaction: required");
	expect(TX("'app_time': '1ms'"), DBT_PATH ": required");
	expect(TX("'db_time': '1ms', 'statements': 0"),
	       "workloads.api.transaction.statements: expected an integer >= 1, got 0");
	expect(TX("'db_time': '1ms', 'app_time': '-1ms'"),
	       "workloads.api.transaction.app_time: expected " DIST_WHAT ", got \"-1ms\"");
}

static void test_err_distributions(void **state)
{
	(void)state;
	expect(DBT("true"), DBT_PATH ": expected " DIST_WHAT ", got true");
	expect(DBT("'fast'"), DBT_PATH ": expected " DIST_WHAT ", got \"fast\"");
	expect(DBT("-0.5"), DBT_PATH ": expected " DIST_WHAT ", got -0.5");
	expect(DBT("{'mean': '1ms'}"), DBT_PATH ".dist: required");
	expect(DBT("{'dist': 'weibull', 'mean': '1ms'}"),
	       DBT_PATH ".dist: expected one of: " DIST_NAMES ", got \"weibull\"");
	expect(DBT("{'dist': 3}"), DBT_PATH ".dist: expected one of: " DIST_NAMES ", got 3");
	expect(DBT("{'dist': 'constant'}"), DBT_PATH ".value: required");
	expect(DBT("{'dist': 'exponential', 'mean': 0}"),
	       DBT_PATH ": expected an exponential distribution with mean > 0, got "
	       "{\"dist\":\"exponential\",\"mean\":0}");
	expect(DBT("{'dist': 'exponential', 'mean': 'abc'}"),
	       DBT_PATH ".mean: expected " DUR_WHAT ", got \"abc\"");
	expect(DBT("{'dist': 'uniform', 'min': '3ms', 'max': '1ms'}"),
	       DBT_PATH ": expected a uniform distribution with min <= max, got "
	       "{\"dist\":\"uniform\",\"min\":\"3ms\",\"max\":\"1ms\"}");
	expect(DBT("{'dist': 'uniform', 'min': '3ms'}"), DBT_PATH ".max: required");
	expect(DBT("{'dist': 'lognormal', 'median': '20ms', 'p99': '10ms'}"),
	       DBT_PATH ": expected a lognormal distribution with 0 < median < p99, got "
	       "{\"dist\":\"lognormal\",\"median\":\"20ms\",\"p99\":\"10ms\"}");
	expect(DBT("{'dist': 'lognormal', 'mean': 0, 'sd': '1ms'}"),
	       DBT_PATH ": expected a lognormal distribution with mean > 0 and sd > 0, got "
	       "{\"dist\":\"lognormal\",\"mean\":0,\"sd\":\"1ms\"}");
	expect(DBT("{'dist': 'lognormal', 'mean': '10ms', 'p99': '50ms'}"),
	       DBT_PATH ": expected a lognormal distribution given by mean and sd, or by median "
	       "and p99, got {\"dist\":\"lognormal\",\"mean\":\"10ms\",\"p99\":\"50ms\"}");
	expect(DBT("{'dist': 'lognormal'}"),
	       DBT_PATH ": expected a lognormal distribution given by mean and sd, or by median "
	       "and p99, got {\"dist\":\"lognormal\"}");
	expect(DBT("{'dist': 'lognormal', 'median': '10ms'}"), DBT_PATH ".p99: required");
	expect(DBT("{'dist': 'gamma', 'mean': '10ms', 'cv': 0}"),
	       DBT_PATH ": expected a gamma distribution with mean > 0 and cv > 0, got "
	       "{\"dist\":\"gamma\",\"mean\":\"10ms\",\"cv\":0}");
	expect(DBT("{'dist': 'gamma', 'mean': '10ms', 'cv': '1'}"),
	       DBT_PATH ".cv: expected a number (the coefficient of variation), got \"1\"");
	expect(DBT("{'dist': 'gamma', 'mean': '10ms'}"), DBT_PATH ".cv: required");
	/* a value longer than 80 bytes is cut to 77 + "..." */
	expect(DBT("{'dist': 'uniform', 'min': '30000000000000000000000000000000000000000ms', 'max': '1ms'}"),
	       DBT_PATH ": expected a uniform distribution with min <= max, got "
	       "{\"dist\":\"uniform\",\"min\":\"30000000000000000000000000000000000000000ms\",\"max\":\"...");
}

static void test_err_variants(void **state)
{
	(void)state;
	expect(WITH("'variants': {}"),
	       "variants: expected a non-empty array of {\"name\": ..., \"set\": {...}} objects, "
	       "got {}");
	expect(WITH("'variants': []"),
	       "variants: expected a non-empty array of {\"name\": ..., \"set\": {...}} objects, "
	       "got []");
	expect(WITH("'variants': [3]"),
	       "variants[0]: expected an object {\"name\": ..., \"set\": {...}}, got 3");
	expect(WITH("'variants': [{'set': {}}]"), "variants[0].name: required");
	expect(WITH("'variants': [{'name': ''}]"),
	       "variants[0].name: expected a non-empty string of at most 127 bytes, got \"\"");
	expect(WITH("'variants': [{'name': 'a'}, {'name': 'b'}, {'name': 'a'}]"),
	       "variants[2].name: expected a name not used by an earlier variant (variants[0] has "
	       "it), got \"a\"");
	expect(WITH("'variants': [{'name': 'a', 'sets': {}}]"),
	       "variants[0].sets: unknown key (expected one of: name, set)");
	expect(WITH("'variants': [{'name': 'a', 'set': []}]"),
	       "variants[0] (\"a\").set: expected an object mapping dotted paths such as "
	       "\"pools.main.size\" to values, got []");
	expect(WITH("'variants': [{'name': 'a', 'set': {'pools..size': 1}}]"),
	       "variants[0] (\"a\").set: expected " SET_WHAT ", got \"pools..size\"");
	expect(WITH("'variants': [{'name': 'a', 'set': {'variants.x': 1}}]"),
	       "variants[0] (\"a\").set: expected " SET_WHAT ", got \"variants.x\"");
	expect(WITH("'variants': [{'name': 'before'}, {'name': 'after', 'set': "
		    "{'pools.main.size': -3}}]"),
	       "variants[1] (\"after\").set: pools.main.size: expected an integer >= 0, got -3");
	expect(WITH("'horizon': '1h', 'variants': [{'name': 'a', 'set': {'horizon.x': 1}}]"),
	       "variants[0] (\"a\").set: horizon: expected an object, got \"1h\"");
	expect(WITH("'variants': [{'name': 'a', 'set': {'pools.mian.size': 1}}]"),
	       "variants[0] (\"a\").set: pools.mian: unknown key (expected one of: main)");
	expect(WITH("'variants': [{'name': 'a', 'set': {'pools.main.sise': 1}}]"),
	       "variants[0] (\"a\").set: pools.main.sise: unknown key (expected one of: kind, "
	       "max_waiting, server, size, max_overflow, timeout, use_lifo, pre_ping, recycle, "
	       "wakeup_latency, checkout_cost, close_time)");
	expect(WITH("'variants': [{'name': 'a', 'set': {'warmup': '2h'}}]"),
	       "variants[0] (\"a\").set: warmup: expected a duration shorter than horizon "
	       "(3600 s), got \"2h\"");
}

static void test_err_cli_set(void **state)
{
	const char *no_eq[] = {"pools.main.size"};
	const char *bad_path[] = {"pools..size=3"};
	const char *empty_path[] = {"=3"};
	const char *into_variants[] = {"variants=[]"};
	const char *bad_value[] = {"pools.main.size=abc"};
	const char *not_object[] = {"horizon.x=3"};
	const char *unknown_pool[] = {"pools.mian.size=3"};
	const char *unknown_key[] = {"pools.main.sise=3"};
	const char *dist_param[] = {"workloads.api.transaction.db_time={\"dist\": \"exponential\","
				    " \"mean\": 1}",
				    "workloads.api.transaction.db_time.mean=0"};
	const char *second[] = {"pools.main.size=3", "replications=0"};
	const char *cross[] = {"horizon=10m"};
	(void)state;

	expect_sets(MINIMAL, no_eq, 1,
		    "--set pools.main.size: expected path=value, such as pools.main.size=20");
	expect_sets(MINIMAL, bad_path, 1,
		    "--set pools..size=3: expected " SET_WHAT ", got \"pools..size\"");
	expect_sets(MINIMAL, empty_path, 1, "--set =3: expected " SET_WHAT ", got \"\"");
	expect_sets(MINIMAL, into_variants, 1,
		    "--set variants=[]: expected " SET_WHAT ", got \"variants\"");
	expect_sets(MINIMAL, bad_value, 1,
		    "--set pools.main.size=abc: pools.main.size: expected an integer >= 0, "
		    "got \"abc\"");
	expect_sets(WITH("'horizon': '1h'"), not_object, 1,
		    "--set horizon.x=3: horizon: expected an object, got \"1h\"");
	expect_sets(MINIMAL, unknown_pool, 1,
		    "--set pools.mian.size=3: pools.mian: unknown key (expected one of: main)");
	expect_sets(MINIMAL, unknown_key, 1,
		    "--set pools.main.sise=3: pools.main.sise: unknown key (expected one of: kind, "
		    "max_waiting, server, size, max_overflow, timeout, use_lifo, pre_ping, recycle, "
		    "wakeup_latency, checkout_cost, close_time)");
	expect_sets(MINIMAL, dist_param, 2,
		    "--set workloads.api.transaction.db_time.mean=0: " DBT_PATH ": expected an "
		    "exponential distribution with mean > 0, got {\"dist\":\"exponential\",\"mean\":0}");
	expect_sets(MINIMAL, second, 2,
		    "--set replications=0: replications: expected an integer from 1 to 10000, got 0");
	/* an error between fields is reported where it is, without guessing the override */
	expect_sets(WITH("'warmup': '30m'"), cross, 1,
		    "warmup: expected a duration shorter than horizon (600 s), got \"30m\"");
}

/* A short err buffer gets a truncated, terminated message; a NULL one is allowed. */
static void test_err_buffer(void **state)
{
	struct scenario *sc = NULL;
	char err[16];
	char *path = write_temp(POOL("'size': -3"));
	(void)state;

	memset(err, 'x', sizeof err);
	assert_int_equal(scenario_load(&sc, path, NULL, 0, err, sizeof err), PT_EINVAL);
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_memory_equal(err, path, sizeof err - 1);
	assert_int_equal(scenario_load(&sc, path, NULL, 0, NULL, 0), PT_EINVAL);
	assert_null(sc);
	remove_temp(path);
}

/* ---- service-level objectives ------------------------------------------------------------- */

/* two workloads on one pool, for the slo tests */
#define TWO_WORKLOADS                                                                       \
	"'pools': {'main': {}}, 'workloads': {"                                                \
	"'api': {'type': 'requests', 'arrival': {'rate': 10}, 'transaction': {'db_time': '10ms'}}," \
	"'jobs': {'type': 'requests', 'arrival': {'rate': 1}, 'transaction': {'db_time': '1s'}}}"
#define SLO2(x) "{" TWO_WORKLOADS ", 'slo': " x "}"
#define SLO_METRICS                                                                         \
	"failure_rate, timeout_rate, refused_rate, wait_mean, wait_p50, wait_p90, wait_p95, wait_p99, "      \
	"wait_p999, wait_max, worst_1m.failure_rate, worst_1m.wait_p99, worst_5m.failure_rate, "  \
	"worst_5m.wait_p99"
#define SLO_WHAT                                                                            \
	"an object mapping workload names to limits, such as {\"api\": {\"timeout_rate\": "   \
	"0.001, \"wait_p99\": \"100ms\"}}"
#define SLO_LIMITS_WHAT                                                                     \
	"an object mapping limits to values, such as {\"timeout_rate\": 0.001, \"wait_p99\": " \
	"\"100ms\"}"
#define FRACTION_WHAT "a fraction from 0 to 1 such as 0.001, or a percentage such as \"0.1%\""

static void assert_slo(const struct cfg_slo *s, int workload, const char *metric, double limit)
{
	assert_int_equal(s->workload, workload);
	assert_string_equal(s->metric, metric);
	assert_dbl(s->limit, limit);
}

/* The nested form, the flat form of DESIGN.md section 3, and both mixed give the same cfg,
 * ordered by workload then limit whatever the order in the file. */
static void test_slo_forms(void **state)
{
	static const char *const files[] = {
		SLO2("{'api': {'timeout_rate': 0.001, 'wait_p99': '100ms'}, 'jobs': {'wait_max': '60s'}}"),
		SLO2("{'jobs.wait_max': '1m', 'api.wait_p99': '100ms', 'api.timeout_rate': 0.001}"),
		SLO2("{'api.wait_p99': '0.1s', 'jobs': {'wait_max': '60s'}, 'api': {'timeout_rate': '0.1%'}}"),
	};
	(void)state;

	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		struct scenario *sc = load(files[f]);
		const struct cfg_scenario *c = &sc->variants[0].cfg;
		assert_int_equal(c->n_slo, 3);
		assert_slo(&c->slo[0], 0, "timeout_rate", 0.001);
		assert_slo(&c->slo[1], 0, "wait_p99", 0.1);
		assert_slo(&c->slo[2], 1, "wait_max", 60);
		/* the resolved JSON has the nested form, rates as fractions, waits in seconds */
		assert_non_null(strstr(sc->resolved_json,
				       "\"slo\":\t{\n\t\t\"api\":\t{\n\t\t\t\"timeout_rate\":\t0.001,\n"
				       "\t\t\t\"wait_p99\":\t\"0.1s\"\n\t\t},\n\t\t\"jobs\":\t{\n"
				       "\t\t\t\"wait_max\":\t\"60s\"\n\t\t}\n\t}"));
		scenario_destroy(sc);
	}
}

/* slo.WORKLOAD.window: the worst windows' lengths (default 1m and 5m), one duration or a list
 * of up to three, nested or flat; the window limits' names follow them, and the resolved tree
 * keeps the lengths as given, in seconds. */
static void test_slo_windows(void **state)
{
	(void)state;
	struct scenario *sc = load(SLO2("{'api': {'window': ['90s', '10m'], "
					"'worst_10m.failure_rate': '2%', 'worst_90s': {'wait_p99': '1s'}},"
					" 'jobs.window': '1h', 'jobs.worst_1h.failure_rate': 0.5}"));
	const struct cfg_scenario *c = &sc->variants[0].cfg;
	assert_int_equal(c->workloads[0].req.n_windows, 2);
	assert_dbl(c->workloads[0].req.windows_s[0], 90);
	assert_dbl(c->workloads[0].req.windows_s[1], 600);
	assert_int_equal(c->workloads[1].req.n_windows, 1);
	assert_dbl(c->workloads[1].req.windows_s[0], 3600);
	assert_int_equal(c->n_slo, 3);
	assert_slo(&c->slo[0], 0, "worst_90s.wait_p99", 1);
	assert_string_equal(c->slo[0].table, "window1.wait_p99");
	assert_slo(&c->slo[1], 0, "worst_10m.failure_rate", 0.02);
	assert_string_equal(c->slo[1].table, "window2.failure_rate");
	assert_slo(&c->slo[2], 1, "worst_1h.failure_rate", 0.5);
	assert_string_equal(c->slo[2].table, "window1.failure_rate");
	assert_non_null(strstr(sc->resolved_json, "\"api\":\t{\n\t\t\t\"window\":\t[\"90s\", \"600s\"],"));
	scenario_destroy(sc);
	/* without a window key: 1m and 5m */
	sc = load(SLO2("{'api': {'worst_5m.failure_rate': '2%'}}"));
	assert_int_equal(sc->variants[0].cfg.workloads[0].req.n_windows, 2);
	assert_string_equal(sc->variants[0].cfg.slo[0].table, "window2.failure_rate");
	scenario_destroy(sc);

#define WINDOW_WHAT "a window length or a list of 1 to 3 different ones, each a duration in " \
	"whole seconds from 1s to 1h, such as [\"1m\", \"5m\"]"
	expect(SLO2("{'api': {'window': ['90s', '10m'], 'worst_5m.failure_rate': '2%'}}"),
	       "slo.api.worst_5m.failure_rate: unknown limit (expected one of: " "failure_rate, "
	       "timeout_rate, refused_rate, wait_mean, wait_p50, wait_p90, wait_p95, wait_p99, "
	       "wait_p999, wait_max, worst_90s.failure_rate, worst_90s.wait_p99, "
	       "worst_10m.failure_rate, worst_10m.wait_p99)");
	expect(SLO2("{'api': {'window': '1.5s'}}"),
	       "slo.api.window: expected " WINDOW_WHAT ", got \"1.5s\"");
	expect(SLO2("{'api': {'window': ['1m', '2h']}}"),
	       "slo.api.window[1]: expected " WINDOW_WHAT ", got \"2h\"");
	expect(SLO2("{'api': {'window': 60}}"),
	       "slo.api.window: expected " WINDOW_WHAT ", got 60");
	expect(SLO2("{'api': {'window': []}}"), "slo.api.window: expected " WINDOW_WHAT ", got []");
	expect(SLO2("{'api': {'window': ['1m', '2m', '3m', '4m']}}"),
	       "slo.api.window: expected " WINDOW_WHAT ", got [\"1m\",\"2m\",\"3m\",\"4m\"]");
	expect(SLO2("{'api': {'window': ['1m', '60s']}}"),
	       "slo.api.window[1]: the length 60s is given twice (expected different window "
	       "lengths)");
	expect(SLO2("{'api': {'window': '1m'}, 'api.window': '2m'}"),
	       "slo.api.window: duplicate window (given both as \"api.window\" and inside \"api\")");
#undef WINDOW_WHAT
}

/* Every limit, rates as fractions or percentages, waits in any unit; none, and empty objects. */
static void test_slo_values(void **state)
{
	struct scenario *sc = load(SLO2(
		"{'api': {'wait_max': '30s', 'wait_p999': '1s', 'wait_p99': '250ms', 'wait_p95': "
		"'0.05s', 'wait_p90': '500us', 'wait_p50': 0, 'wait_mean': '2ms', 'refused_rate': "
		"'0%', 'timeout_rate': '2.5e-1%'}, 'jobs.timeout_rate': 1, 'jobs.refused_rate': "
		"'100%', 'jobs.wait_p50': '1m', 'jobs': {'wait_p90': '0.5h'}}"));
	const struct cfg_scenario *c = &sc->variants[0].cfg;
	(void)state;

	assert_int_equal(c->n_slo, 13);
	assert_slo(&c->slo[0], 0, "timeout_rate", 0.0025);
	assert_slo(&c->slo[1], 0, "refused_rate", 0);
	assert_slo(&c->slo[2], 0, "wait_mean", 0.002);
	assert_slo(&c->slo[3], 0, "wait_p50", 0);
	assert_slo(&c->slo[4], 0, "wait_p90", 0.0005);
	assert_slo(&c->slo[5], 0, "wait_p95", 0.05);
	assert_slo(&c->slo[6], 0, "wait_p99", 0.25);
	assert_slo(&c->slo[7], 0, "wait_p999", 1);
	assert_slo(&c->slo[8], 0, "wait_max", 30);
	assert_slo(&c->slo[9], 1, "timeout_rate", 1);
	assert_slo(&c->slo[10], 1, "refused_rate", 1);
	assert_slo(&c->slo[11], 1, "wait_p50", 60);
	assert_slo(&c->slo[12], 1, "wait_p90", 1800);
	scenario_destroy(sc);

	/* a percentage is the same double as the fraction written out */
	static const struct {
		const char *text;
		double want;
	} pct[] = {{"'0.1%'", 0.001}, {"'1%'", 0.01}, {"'0.01%'", 0.0001}, {"'33.3%'", 0.333},
		   {"'0.07%'", 0.0007}, {"'.5%'", 0.005}, {"'5.%'", 0.05}, {"'1e-1%'", 0.001}};
	for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++) {
		char json[512];
		snprintf(json, sizeof json, WITH("'slo': {'api.timeout_rate': %s}"), pct[i].text);
		sc = load(json);
		assert_int_equal(sc->variants[0].cfg.n_slo, 1);
		assert_dbl(sc->variants[0].cfg.slo[0].limit, pct[i].want);
		scenario_destroy(sc);
	}

	static const char *const none[] = {MINIMAL, WITH("'slo': {}"), WITH("'slo': {'api': {}}")};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		sc = load(none[i]);
		assert_int_equal(sc->variants[0].cfg.n_slo, 0);
		assert_non_null(strstr(sc->resolved_json, "\"slo\":\t{\n\t}"));
		scenario_destroy(sc);
	}
}

/* A variant's set (and --set) overrides a limit in whichever form the base gave it, replaces a
 * workload's limits as a whole, or adds limits; the other variants keep the base's. */
static void test_slo_overrides(void **state)
{
	static const char *const bases[] = {
		"{'api.timeout_rate': 0.001, 'api.wait_p99': '100ms'}",
		"{'api': {'timeout_rate': 0.001, 'wait_p99': '100ms'}}",
	};
	const char *sets[] = {"slo.api.wait_p99=250ms"};
	(void)state;

	for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
		char json[2048];
		snprintf(json, sizeof json,
			 "{" TWO_WORKLOADS ", 'slo': %s, 'variants': ["
			 " {'name': 'base'},"
			 " {'name': 'looser', 'set': {'slo.api.timeout_rate': 0.01}},"
			 " {'name': 'percent', 'set': {'slo.api.timeout_rate': '0.5%%'}},"
			 " {'name': 'replaced', 'set': {'slo.api': {'wait_p50': '5ms'}}},"
			 " {'name': 'added', 'set': {'slo.jobs.wait_max': '30s',"
			 "   'slo.api.wait_max': '1s'}},"
			 " {'name': 'none', 'set': {'slo': {}}}]}",
			 bases[b]);
		for (int n_sets = 0; n_sets <= 1; n_sets++) {
			struct scenario *sc = load_sets(json, sets, n_sets);
			double p99 = n_sets ? 0.25 : 0.1;
			const struct cfg_scenario *c;

			assert_int_equal(sc->n_variants, 6);
			c = &sc->variants[0].cfg;
			assert_int_equal(c->n_slo, 2);
			assert_slo(&c->slo[0], 0, "timeout_rate", 0.001);
			assert_slo(&c->slo[1], 0, "wait_p99", p99);
			c = &sc->variants[1].cfg;
			assert_int_equal(c->n_slo, 2);
			assert_slo(&c->slo[0], 0, "timeout_rate", 0.01);
			assert_slo(&c->slo[1], 0, "wait_p99", p99);
			c = &sc->variants[2].cfg;
			assert_int_equal(c->n_slo, 2);
			assert_slo(&c->slo[0], 0, "timeout_rate", 0.005);
			c = &sc->variants[3].cfg;
			assert_int_equal(c->n_slo, 1);
			assert_slo(&c->slo[0], 0, "wait_p50", 0.005);
			c = &sc->variants[4].cfg;
			assert_int_equal(c->n_slo, 4);
			assert_slo(&c->slo[0], 0, "timeout_rate", 0.001);
			assert_slo(&c->slo[1], 0, "wait_p99", p99);
			assert_slo(&c->slo[2], 0, "wait_max", 1);
			assert_slo(&c->slo[3], 1, "wait_max", 30);
			assert_int_equal(sc->variants[5].cfg.n_slo, 0);
			scenario_destroy(sc);
		}
	}

	/* limits only in a variant, or only from the command line */
	const char *add[] = {"slo.jobs.timeout_rate=1%"};
	struct scenario *sc = load_sets("{" TWO_WORKLOADS ", 'variants': [{'name': 'a'},"
					" {'name': 'b', 'set': {'slo.api.wait_p99': '20ms'}}]}",
					add, 1);
	assert_int_equal(sc->variants[0].cfg.n_slo, 1);
	assert_slo(&sc->variants[0].cfg.slo[0], 1, "timeout_rate", 0.01);
	assert_int_equal(sc->variants[1].cfg.n_slo, 2);
	assert_slo(&sc->variants[1].cfg.slo[0], 0, "wait_p99", 0.02);
	assert_slo(&sc->variants[1].cfg.slo[1], 1, "timeout_rate", 0.01);
	scenario_destroy(sc);
}

/* The resolved JSON with limits loads back to the same cfg and prints the same. */
static void test_slo_round_trip(void **state)
{
	static const char *const files[] = {
		SLO2("{'jobs.wait_max': '1m', 'api.wait_p99': '100ms', 'api.timeout_rate': '0.1%'}"),
		SLO2("{'api': {'timeout_rate': 0.30000000000000004, 'wait_p50': '0.1ms'},"
		     " 'jobs': {'refused_rate': '33.3%', 'wait_p999': '1234.5678901234567s'}}"),
		"{" TWO_WORKLOADS ", 'slo': {'api.timeout_rate': 0.001}, 'variants': [{'name': 'a',"
		" 'set': {'slo.api.timeout_rate': '1%', 'slo.jobs.wait_mean': '3ms'}}]}",
	};
	(void)state;

	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		struct scenario *a = load(files[f]);
		char *path = write_temp_n(a->resolved_json, strlen(a->resolved_json));
		struct scenario *b = NULL;
		char err[512] = "";
		if (scenario_load(&b, path, NULL, 0, err, sizeof err) != PT_OK)
			fail_msg("reloading the resolved JSON: %s\n%s", err, a->resolved_json);
		remove_temp(path);
		assert_int_equal(a->n_variants, b->n_variants);
		for (int i = 0; i < a->n_variants; i++) {
			assert_true(a->variants[i].cfg.n_slo > 0);
			assert_cfg_equal(&a->variants[i].cfg, &b->variants[i].cfg);
		}
		assert_string_equal(a->resolved_json, b->resolved_json);
		scenario_destroy(a);
		scenario_destroy(b);
	}
}

static void test_err_slo(void **state)
{
	(void)state;
	expect(WITH("'slo': 5"), "slo: expected " SLO_WHAT ", got 5");
	expect(WITH("'slo': ['api.timeout_rate']"),
	       "slo: expected " SLO_WHAT ", got [\"api.timeout_rate\"]");
	/* workloads */
	expect(WITH("'slo': {'web': {'timeout_rate': 0.001}}"),
	       "slo.web: unknown workload (expected one of: api)");
	expect(WITH("'slo': {'web.timeout_rate': 0.001}"),
	       "slo.web: unknown workload (expected one of: api)");
	expect(SLO2("{'api.timeout_rate': 0.001, 'job.wait_p99': '1s'}"),
	       "slo.job: unknown workload (expected one of: api, jobs)");
	expect(WITH("'slo': {'timeout_rate': 0.001}"),
	       "slo.timeout_rate: unknown workload (expected one of: api)");
	expect(WITH("'slo': {'.timeout_rate': 0.001}"),
	       "slo.: unknown workload (expected one of: api)");
	/* limits */
	expect(WITH("'slo': {'api': 0.001}"), "slo.api: expected " SLO_LIMITS_WHAT ", got 0.001");
	expect(WITH("'slo': {'api': ['timeout_rate']}"),
	       "slo.api: expected " SLO_LIMITS_WHAT ", got [\"timeout_rate\"]");
	expect(WITH("'slo': {'api': {'timeout_rate': 0.001, 'p99': '100ms'}}"),
	       "slo.api.p99: unknown limit (expected one of: " SLO_METRICS ")");
	expect(WITH("'slo': {'api.wait_p98': '100ms'}"),
	       "slo.api.wait_p98: unknown limit (expected one of: " SLO_METRICS ")");
	expect(WITH("'slo': {'api.wait.p99': '100ms'}"),
	       "slo.api.wait.p99: unknown limit (expected one of: " SLO_METRICS ")");
	expect(WITH("'slo': {'api.': '100ms'}"),
	       "slo.api.: unknown limit (expected one of: " SLO_METRICS ")");
	expect(WITH("'slo': {'api.hold_mean': '100ms'}"), /* a metric, but not one to bound */
	       "slo.api.hold_mean: unknown limit (expected one of: " SLO_METRICS ")");
	/* keys are checked before values: the unknown limit is reported, not the bad value */
	expect(WITH("'slo': {'api.timeout_rate': 5, 'api.p99': 1}"),
	       "slo.api.p99: unknown limit (expected one of: " SLO_METRICS ")");
	/* the same limit twice */
	expect(WITH("'slo': {'api.timeout_rate': 0.001, 'api': {'timeout_rate': 0.002}}"),
	       "slo.api.timeout_rate: duplicate limit (given both as \"api.timeout_rate\" and "
	       "inside \"api\")");
	expect(WITH("'slo': {'api': {'wait_p99': '1s'}, 'api.wait_p99': 1}"),
	       "slo.api.wait_p99: duplicate limit (given both as \"api.wait_p99\" and inside "
	       "\"api\")");
	expect(WITH("'slo': {'api.timeout_rate': 0.001, 'api.timeout_rate': 0.002}"),
	       "slo.api.timeout_rate: duplicate key");
	/* rates */
	expect(WITH("'slo': {'api': {'timeout_rate': 2}}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got 2");
	expect(WITH("'slo': {'api.timeout_rate': -0.001}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got -0.001");
	expect(WITH("'slo': {'api.timeout_rate': '0.001'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"0.001\"");
	expect(WITH("'slo': {'api.timeout_rate': '150%'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"150%\"");
	expect(WITH("'slo': {'api.timeout_rate': '-1%'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"-1%\"");
	expect(WITH("'slo': {'api.timeout_rate': '0.1 %'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"0.1 %\"");
	expect(WITH("'slo': {'api.timeout_rate': '0.1%%'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"0.1%%\"");
	expect(WITH("'slo': {'api.timeout_rate': '%'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"%\"");
	expect(WITH("'slo': {'api.timeout_rate': 'nan%'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"nan%\"");
	expect(WITH("'slo': {'api.timeout_rate': '1e999%'}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got \"1e999%\"");
	expect(WITH("'slo': {'api.timeout_rate': 1e999}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got a number out of range");
	expect(WITH("'slo': {'api.refused_rate': true}"),
	       "slo.api.refused_rate: expected " FRACTION_WHAT ", got true");
	expect(WITH("'slo': {'api': {'refused_rate': null}}"),
	       "slo.api.refused_rate: expected " FRACTION_WHAT ", got null");
	/* waits */
	expect(WITH("'slo': {'api': {'wait_p99': 'fast'}}"),
	       "slo.api.wait_p99: expected " DUR_WHAT ", got \"fast\"");
	expect(WITH("'slo': {'api.wait_p99': '100 ms'}"),
	       "slo.api.wait_p99: expected " DUR_WHAT ", got \"100 ms\"");
	expect(WITH("'slo': {'api.wait_max': -1}"),
	       "slo.api.wait_max: expected " DUR_WHAT ", got -1");
	expect(WITH("'slo': {'api.wait_mean': '0.1%'}"),
	       "slo.api.wait_mean: expected " DUR_WHAT ", got \"0.1%\"");
	expect(WITH("'slo': {'api.wait_p50': {'dist': 'constant', 'value': '1ms'}}"),
	       "slo.api.wait_p50: expected " DUR_WHAT ", got {\"dist\":\"constant\",\"value\":\"1ms\"}");
	/* values are checked by workload, then limit in the documented order, not in file order */
	expect(WITH("'slo': {'api.wait_p99': 'x', 'api.timeout_rate': 5}"),
	       "slo.api.timeout_rate: expected " FRACTION_WHAT ", got 5");
	expect(SLO2("{'jobs': {'timeout_rate': 5}, 'api': {'wait_max': 'x'}}"),
	       "slo.api.wait_max: expected " DUR_WHAT ", got \"x\"");
	/* at most 32 limits: 4 workloads x 9 */
	expect("{'pools': {'main': {}}, 'workloads': {"
	       "'a': {'type': 'requests', 'arrival': {'rate': 1}, 'transaction': {'db_time': '1s'}},"
	       "'b': {'type': 'requests', 'arrival': {'rate': 1}, 'transaction': {'db_time': '1s'}},"
	       "'c': {'type': 'requests', 'arrival': {'rate': 1}, 'transaction': {'db_time': '1s'}},"
	       "'d': {'type': 'requests', 'arrival': {'rate': 1}, 'transaction': {'db_time': '1s'}}},"
	       " 'slo': {"
	       "'a': {'timeout_rate': 0, 'refused_rate': 0, 'wait_mean': 0, 'wait_p50': 0, 'wait_p90': 0,"
	       " 'wait_p95': 0, 'wait_p99': 0, 'wait_p999': 0, 'wait_max': 0},"
	       "'b': {'timeout_rate': 0, 'refused_rate': 0, 'wait_mean': 0, 'wait_p50': 0, 'wait_p90': 0,"
	       " 'wait_p95': 0, 'wait_p99': 0, 'wait_p999': 0, 'wait_max': 0},"
	       "'c': {'timeout_rate': 0, 'refused_rate': 0, 'wait_mean': 0, 'wait_p50': 0, 'wait_p90': 0,"
	       " 'wait_p95': 0, 'wait_p99': 0, 'wait_p999': 0, 'wait_max': 0},"
	       "'d': {'timeout_rate': 0, 'refused_rate': 0, 'wait_mean': 0, 'wait_p50': 0, 'wait_p90': 0,"
	       " 'wait_p95': 0, 'wait_p99': 0, 'wait_p999': 0, 'wait_max': 0}}}",
	       "slo: expected at most 32 limits, got 36");
}

/* Errors in limits that come from a variant's set or from --set name where they come from. */
static void test_err_slo_overrides(void **state)
{
	const char *bad_wait[] = {"slo.api.wait_p99=fast"};
	const char *bad_workload[] = {"slo.web.wait_p99=1s"};
	const char *bad_limit[] = {"slo.api.p99=1s"};
	const char *into_limit[] = {"slo.api.timeout_rate.x=1"};
	(void)state;

	expect(WITH("'slo': {'api.timeout_rate': 0.001}, 'variants': [{'name': 'a'}, {'name': 'b',"
		    " 'set': {'slo.api.timeout_rate': 2}}]"),
	       "variants[1] (\"b\").set: slo.api.timeout_rate: expected " FRACTION_WHAT ", got 2");
	expect(WITH("'variants': [{'name': 'a', 'set': {'slo.mian.timeout_rate': 0.1}}]"),
	       "variants[0] (\"a\").set: slo.mian: unknown workload (expected one of: api)");
	expect(WITH("'variants': [{'name': 'a', 'set': {'slo.api.timeout': 0.1}}]"),
	       "variants[0] (\"a\").set: slo.api.timeout: unknown limit (expected one of: "
	       SLO_METRICS ")");
	expect(WITH("'variants': [{'name': 'a', 'set': {'slo': {'api.timeout_rate': 0.1,"
		    " 'api': {'timeout_rate': 0.2}}}}]"),
	       "variants[0] (\"a\").set: slo.api.timeout_rate: duplicate limit (given both as "
	       "\"api.timeout_rate\" and inside \"api\")");
	expect(WITH("'slo': {'api': 1}, 'variants': [{'name': 'a', 'set': "
		    "{'slo.api.timeout_rate': 0.1}}]"),
	       "slo.api: expected " SLO_LIMITS_WHAT ", got 1");
	expect_sets(WITH("'slo': {'api.wait_p99': '1s'}"), bad_wait, 1,
		    "--set slo.api.wait_p99=fast: slo.api.wait_p99: expected " DUR_WHAT
		    ", got \"fast\"");
	expect_sets(MINIMAL, bad_workload, 1,
		    "--set slo.web.wait_p99=1s: slo.web: unknown workload (expected one of: api)");
	expect_sets(MINIMAL, bad_limit, 1,
		    "--set slo.api.p99=1s: slo.api.p99: unknown limit (expected one of: "
		    SLO_METRICS ")");
	expect_sets(WITH("'slo': {'api': {'timeout_rate': 0.1}}"), into_limit, 1,
		    "--set slo.api.timeout_rate.x=1: slo.api.timeout_rate: expected an object, "
		    "got 0.1");
}

/* ---- issue 3: deployment, users, cores, row locks, traffic shapes, batch workloads --------- */

#define REQ(x) WL("'type': 'requests', 'arrival': {'rate': 1}, 'transaction': {'db_time': '1s'}, " x)
/* a batch workload "agg" with members x (pool "main") */
#define BATCH(x) "{" POOLS ", 'workloads': {'agg': {'type': 'batch', " x "}}}"
/* the same with its required members, plus x */
#define BATCH_OK(x) BATCH("'every': '1m', 'backlog_rate': '5/s', 'per_record': '100ms', " x)
#define RATE0_WHAT "a rate >= 0 such as \"120/s\" or a number per second"
#define WRITES_WHAT "a fraction from 0 to 1 such as 0.3, or a percentage such as \"30%\""
#define COUNTS_WHAT "a number > 0 or a distribution of counts such as {\"dist\": \"uniform\", " \
	"\"min\": 1, \"max\": 20}"
#define TRACE_WHAT "the path of a CSV file of arrival times, relative to the scenario file"
#define USERS_WHAT "an integer >= 1 or an object {\"count\": ..., \"zipf\": ...}"
#define POINTS_WHAT "an array of 1 to 96 points {\"at\": ..., \"rate\": ...}"
#define BURSTS_WHAT "an array of at most 16 windows {\"start\": ..., \"end\": ..., \"factor\": ...}"
#define BATCH_KEYS "type, pool, every, backlog_rate, records, batch_size, max_batch_size, " \
	"group_size, per_record, commit, workers, processes, lock_timeout, statement_timeout"
#define REQUESTS_KEYS                                                                       \
	"type, pool, arrival, transaction, retries, backoff, processes, lock_timeout, "      \
	"statement_timeout, concurrency, client_timeout, reads"
#define NOT_WITH_TRACE "not allowed with \"trace\" (the trace gives the arrival times)"

/* A temporary directory for a scenario ("s.json") and the files it names. */
static void dir_make(char dir[64])
{
	snprintf(dir, 64, "/tmp/pooltide-test-scenario-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

/* Write text (len bytes; strlen when len is 0) to dir/name, as is (no quote conversion). */
static void dir_write_n(const char *dir, const char *name, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	if (!len)
		len = strlen(text);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void dir_write(const char *dir, const char *name, const char *text)
{
	dir_write_n(dir, name, text, 0);
}

static void dir_unlink(const char *dir, const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(remove(path), 0);
}

/* Load sq(json) from dir/s.json with sets; must succeed. */
static struct scenario *load_in(const char *dir, const char *json, const char *const *sets,
				int n_sets)
{
	struct scenario *sc = NULL;
	char path[256], err[1024] = "";
	char *text = sq(json);

	dir_write(dir, "s.json", text);
	free(text);
	snprintf(path, sizeof path, "%s/s.json", dir);
	if (scenario_load(&sc, path, sets, n_sets, err, sizeof err) != PT_OK)
		fail_msg("scenario_load failed: %s", err);
	dir_unlink(dir, "s.json");
	return sc;
}

/* Load sq(json) from dir/s.json with sets; must fail with want_rc and the message
 * "<dir>/s.json: " want, where every '@' of want stands for dir. */
static void expect_in(const char *dir, const char *json, const char *const *sets, int n_sets,
		      int want_rc, const char *want)
{
	struct scenario *sc = (struct scenario *)&sc;
	char path[256], err[1024] = "x", full[1024];
	char *text = sq(json);
	size_t n;

	dir_write(dir, "s.json", text);
	free(text);
	snprintf(path, sizeof path, "%s/s.json", dir);
	int rc = scenario_load(&sc, path, sets, n_sets, err, sizeof err);
	dir_unlink(dir, "s.json");
	snprintf(full, sizeof full, "%s: ", path);
	n = strlen(full);
	for (const char *w = want; *w && n + 64 < sizeof full; w++) {
		if (*w == '@') {
			snprintf(full + n, sizeof full - n, "%s", dir);
			n += strlen(dir);
		} else {
			full[n++] = *w;
		}
	}
	full[n] = '\0';
	assert_string_equal(err, full);
	assert_int_equal(rc, want_rc);
	assert_null(sc);
}

/* The scenario of DESIGN.md section 3 and issue 3, grown to use every new key. */
static const char issue3[] =
	"{'name': 'vitals-aggregation-incident', 'horizon': '2h', 'warmup': '10m',"
	" 'replications': 20, 'seed': 1,"
	" 'database': {'max_connections': 100, 'connect_time': {'dist': 'lognormal', 'mean': '8ms',"
	"   'sd': '4ms'}, 'cores': 8, 'row_locks': true},"
	" 'deployment': {'processes': 2},"
	" 'users': {'count': 2000, 'zipf': 1.1},"
	" 'pools': {'main': {'size': 10, 'max_overflow': 20, 'timeout': '30s'}, 'worker': {'size': 2}},"
	" 'workloads': {"
	"  'api': {'type': 'requests', 'pool': 'main',"
	"    'arrival': {'profile': [{'at': 0, 'rate': '100/s'}, {'at': '8h', 'rate': 150},"
	"      {'at': '20h', 'rate': 0}], 'period': '1d',"
	"      'bursts': [{'start': '30m', 'end': '35m', 'factor': 3},"
	"                 {'start': '3600s', 'end': '61m', 'factor': 0.5}]},"
	"    'transaction': {'db_time': {'dist': 'lognormal', 'mean': '15ms', 'sd': '20ms'},"
	"      'writes': 0.3},"
	"    'retries': 2, 'backoff': '500ms', 'processes': 1},"
	"  'aggregation': {'type': 'batch', 'pool': 'main', 'every': '60s', 'backlog_rate': '5/s',"
	"    'batch_size': 100, 'max_batch_size': 500, 'group_size': 8,"
	"    'per_record': {'dist': 'gamma', 'mean': '120ms', 'cv': 1.0}, 'commit': 'per_batch',"
	"    'workers': 2, 'processes': 3},"
	"  'nightly': {'type': 'batch', 'pool': 'worker', 'every': '5m',"
	"    'records': {'rate': '600/h', 'bursts': [{'start': '1h', 'end': '90m', 'factor': 4}]},"
	"    'batch_size': 50, 'group_size': {'dist': 'uniform', 'min': 1, 'max': 20},"
	"    'per_record': '40ms', 'commit': 'per_group'},"
	"  'replay': {'type': 'requests', 'pool': 'worker', 'arrival': {'trace': 'holds.csv'},"
	"    'transaction': {'db_time': '5ms', 'writes': '25%'}}},"
	" 'variants': ["
	"  {'name': 'before: 10+20, batch 100, commit per batch'},"
	"  {'name': 'after: 20+30, batch 50, commit per group',"
	"   'set': {'pools.main.size': 20, 'pools.main.max_overflow': 30, 'pools.main.timeout': '45s',"
	"     'workloads.aggregation.batch_size': 50, 'workloads.aggregation.max_batch_size': 200,"
	"     'workloads.aggregation.commit': 'per_group'}},"
	"  {'name': 'no locks, 4 processes', 'set': {'database.row_locks': false,"
	"     'deployment.processes': 4, 'users.zipf': 0, 'database.cores': 0,"
	"     'workloads.nightly.group_size.max': 5, 'workloads.api.retries': 0,"
	"     'workloads.replay.arrival.trace': 'times.csv'}}],"
	" 'slo': {'api.timeout_rate': 0.001, 'api.wait_p99': '100ms'}}";

static const char holds_csv[] = "t_s,hold_s\n0.5,0.02\n1.25,0.5\n1.25,0\n4,1e-3\n";
static const char times_csv[] = "0\n0.5\n0.5\n2.25\n";

static void test_issue3_complete(void **state)
{
	char dir[64];
	struct scenario *sc;
	const struct cfg_scenario *c;
	const struct cfg_workload *w;
	struct dist d;
	(void)state;

	dir_make(dir);
	dir_write(dir, "holds.csv", holds_csv);
	dir_write(dir, "times.csv", times_csv);
	sc = load_in(dir, issue3, NULL, 0);
	assert_int_equal(sc->n_variants, 3);
	c = &sc->variants[0].cfg;

	assert_int_equal(c->db.cores, 8);
	assert_true(c->db.row_locks);
	assert_int_equal(c->processes, 2);
	assert_int_equal(c->users.count, 2000);
	assert_dbl(c->users.zipf_s, 1.1);
	assert_int_equal(c->n_workloads, 4);

	w = &c->workloads[0]; /* api: a daily profile with bursts */
	assert_string_equal(w->name, "api");
	assert_int_equal(w->kind, CFG_WORKLOAD_REQUESTS);
	assert_int_equal(w->pool, 0);
	assert_int_equal(w->req.arrival.n_profile, 3);
	assert_dbl(w->req.arrival.profile[0].t_s, 0);
	assert_dbl(w->req.arrival.profile[0].rate_per_s, 100);
	assert_dbl(w->req.arrival.profile[1].t_s, 28800);
	assert_dbl(w->req.arrival.profile[1].rate_per_s, 150);
	assert_dbl(w->req.arrival.profile[2].t_s, 72000);
	assert_dbl(w->req.arrival.profile[2].rate_per_s, 0);
	assert_dbl(w->req.arrival.profile_period_s, 86400);
	assert_int_equal(w->req.arrival.n_bursts, 2);
	assert_dbl(w->req.arrival.bursts[0].start_s, 1800);
	assert_dbl(w->req.arrival.bursts[0].end_s, 2100);
	assert_dbl(w->req.arrival.bursts[0].factor, 3);
	assert_dbl(w->req.arrival.bursts[1].start_s, 3600);
	assert_dbl(w->req.arrival.bursts[1].end_s, 3660);
	assert_dbl(w->req.arrival.bursts[1].factor, 0.5);
	assert_int_equal(w->req.arrival.trace_n, 0);
	assert_null(w->req.arrival.trace_t);
	assert_null(w->req.arrival.trace_hold);
	assert_int_equal(dist_lognormal_mean_sd(&d, 0.015, 0.020), PT_OK);
	assert_dist_equal(&w->req.db_time, &d);
	assert_dbl(w->req.writes, 0.3);
	assert_int_equal(w->req.retries, 2);
	assert_dbl(w->req.backoff_s, 0.5);
	assert_int_equal(w->req.processes, 1);

	w = &c->workloads[1]; /* aggregation: the incident's worker */
	assert_string_equal(w->name, "aggregation");
	assert_int_equal(w->kind, CFG_WORKLOAD_BATCH);
	assert_int_equal(w->pool, 0);
	assert_dbl(w->batch.every_s, 60);
	assert_dbl(w->batch.records.rate_per_s, 5);
	assert_int_equal(w->batch.records.n_profile, 0);
	assert_int_equal(w->batch.records.n_bursts, 0);
	assert_int_equal(w->batch.records.trace_n, 0);
	assert_int_equal(w->batch.batch_size, 100);
	assert_int_equal(w->batch.max_batch_size, 500);
	assert_int_equal(dist_constant(&d, 8), PT_OK);
	assert_dist_equal(&w->batch.group_size, &d);
	assert_int_equal(dist_gamma_mean_cv(&d, 0.120, 1.0), PT_OK);
	assert_dist_equal(&w->batch.per_record, &d);
	assert_int_equal(w->batch.commit, CFG_COMMIT_PER_BATCH);
	assert_int_equal(w->batch.workers, 2);
	assert_int_equal(w->batch.processes, 3);

	w = &c->workloads[2]; /* nightly: records as an arrival object, group sizes drawn */
	assert_int_equal(w->kind, CFG_WORKLOAD_BATCH);
	assert_int_equal(w->pool, 1);
	assert_dbl(w->batch.every_s, 300);
	assert_dbl(w->batch.records.rate_per_s, 600.0 / 3600);
	assert_int_equal(w->batch.records.n_bursts, 1);
	assert_dbl(w->batch.records.bursts[0].start_s, 3600);
	assert_dbl(w->batch.records.bursts[0].end_s, 5400);
	assert_dbl(w->batch.records.bursts[0].factor, 4);
	assert_int_equal(w->batch.batch_size, 50);
	assert_int_equal(w->batch.max_batch_size, 50); /* = batch_size */
	assert_int_equal(dist_uniform(&d, 1, 20), PT_OK);
	assert_dist_equal(&w->batch.group_size, &d);
	assert_int_equal(dist_constant(&d, 0.040), PT_OK);
	assert_dist_equal(&w->batch.per_record, &d);
	assert_int_equal(w->batch.commit, CFG_COMMIT_PER_GROUP);
	assert_int_equal(w->batch.workers, 1);
	assert_int_equal(w->batch.processes, 1);

	w = &c->workloads[3]; /* replay: a trace with hold times */
	assert_int_equal(w->kind, CFG_WORKLOAD_REQUESTS);
	assert_int_equal(w->req.arrival.trace_n, 4);
	assert_non_null(w->req.arrival.trace_hold);
	static const double t_want[] = {0.5, 1.25, 1.25, 4}, h_want[] = {0.02, 0.5, 0, 0.001};
	for (int i = 0; i < 4; i++) {
		assert_dbl(w->req.arrival.trace_t[i], t_want[i]);
		assert_dbl(w->req.arrival.trace_hold[i], h_want[i]);
	}
	assert_dbl(w->req.writes, 0.25);
	assert_int_equal(w->req.retries, 0);
	assert_dbl(w->req.backoff_s, 1);
	assert_int_equal(w->req.processes, 0);

	/* SLO limits on the request workload only (issue 10 item 13: none applies to a batch) */
	assert_int_equal(c->n_slo, 2);
	assert_int_equal(c->slo[1].workload, 0);
	assert_string_equal(c->slo[1].metric, "wait_p99");

	/* the fix */
	c = &sc->variants[1].cfg;
	assert_int_equal(c->pools[0].size, 20);
	assert_int_equal(c->workloads[1].batch.batch_size, 50);
	assert_int_equal(c->workloads[1].batch.max_batch_size, 200);
	assert_int_equal(c->workloads[1].batch.commit, CFG_COMMIT_PER_GROUP);
	assert_int_equal(c->workloads[1].batch.workers, 2);
	assert_true(c->db.row_locks);

	/* set paths into the new sections, a distribution parameter of counts, another trace */
	c = &sc->variants[2].cfg;
	assert_false(c->db.row_locks);
	assert_int_equal(c->db.cores, 0);
	assert_int_equal(c->processes, 4);
	assert_int_equal(c->users.count, 2000);
	assert_dbl(c->users.zipf_s, 0);
	assert_int_equal(dist_uniform(&d, 1, 5), PT_OK);
	assert_dist_equal(&c->workloads[2].batch.group_size, &d);
	assert_int_equal(c->workloads[0].req.retries, 0);
	assert_int_equal(c->workloads[3].req.arrival.trace_n, 4);
	assert_null(c->workloads[3].req.arrival.trace_hold);
	assert_dbl(c->workloads[3].req.arrival.trace_t[3], 2.25);
	assert_int_equal(c->workloads[1].batch.commit, CFG_COMMIT_PER_BATCH);

	/* the resolved JSON spells out the new sections */
	assert_non_null(strstr(sc->resolved_json, "\"cores\":\t8,\n\t\t\"row_locks\":\ttrue"));
	assert_non_null(strstr(sc->resolved_json, "\"deployment\":\t{\n\t\t\"processes\":\t2\n\t}"));
	assert_non_null(strstr(sc->resolved_json,
			       "\"users\":\t{\n\t\t\"count\":\t2000,\n\t\t\"zipf\":\t1.1\n\t}"));
	/* a trace is named absolutely (a manifest in a result folder must find it) */
	assert_non_null(strstr(sc->resolved_json, "\"trace\":\t\"/"));
	assert_non_null(strstr(sc->resolved_json, "/holds.csv\""));
	assert_non_null(strstr(sc->resolved_json, "\"period\":\t\"86400s\""));
	assert_non_null(strstr(sc->resolved_json, "\"commit\":\t\"per_group\""));
	assert_non_null(strstr(sc->resolved_json, "\"max_batch_size\":\t500"));
	scenario_destroy(sc);
	dir_unlink(dir, "holds.csv");
	dir_unlink(dir, "times.csv");
	assert_int_equal(rmdir(dir), 0);
}

/* The defaults of every new key (models/config.c), in the cfg and in the resolved JSON. */
static void test_issue3_defaults(void **state)
{
	struct scenario *sc = load("{" POOLS ", 'workloads': {"
				   "'api': {'type': 'requests', 'arrival': {'rate': 10},"
				   "  'transaction': {'db_time': '10ms'}},"
				   "'agg': {'type': 'batch', 'every': '1m', 'backlog_rate': 2,"
				   "  'per_record': '50ms'}}}");
	const struct cfg_scenario *c = &sc->variants[0].cfg;
	struct cfg_batch want_b;
	struct dist d;
	(void)state;

	assert_int_equal(c->db.cores, 0);
	assert_true(c->db.row_locks);
	assert_int_equal(c->processes, 1);
	assert_int_equal(c->users.count, 1000);
	assert_dbl(c->users.zipf_s, 0);

	const struct cfg_requests *r = &c->workloads[0].req;
	assert_dbl(r->arrival.rate_per_s, 10);
	assert_int_equal(r->arrival.n_profile, 0);
	assert_dbl(r->arrival.profile_period_s, 0);
	assert_int_equal(r->arrival.n_bursts, 0);
	assert_int_equal(r->arrival.trace_n, 0);
	assert_null(r->arrival.trace_t);
	assert_dbl(r->writes, 0);
	assert_int_equal(r->retries, 0);
	assert_dbl(r->backoff_s, 1);
	assert_int_equal(r->processes, 0);

	const struct cfg_batch *b = &c->workloads[1].batch;
	cfg_batch_defaults(&want_b);
	assert_int_equal(c->workloads[1].kind, CFG_WORKLOAD_BATCH);
	assert_int_equal(c->workloads[1].pool, 0);
	assert_dbl(b->every_s, 60);
	assert_dbl(b->records.rate_per_s, 2);
	assert_int_equal(b->records.n_profile, 0);
	assert_int_equal(b->records.n_bursts, 0);
	assert_int_equal(b->batch_size, 100);
	assert_int_equal(b->max_batch_size, 100);
	assert_dist_equal(&b->group_size, &want_b.group_size);
	assert_int_equal(dist_constant(&d, 8), PT_OK);
	assert_dist_equal(&b->group_size, &d);
	assert_int_equal(dist_constant(&d, 0.05), PT_OK);
	assert_dist_equal(&b->per_record, &d);
	assert_int_equal(b->commit, CFG_COMMIT_PER_BATCH);
	assert_int_equal(b->workers, 1);
	assert_int_equal(b->processes, 1);

	assert_non_null(strstr(sc->resolved_json, "\"cores\":\t0,\n\t\t\"row_locks\":\ttrue"));
	assert_non_null(strstr(sc->resolved_json, "\"deployment\":\t{\n\t\t\"processes\":\t1\n\t}"));
	assert_non_null(strstr(sc->resolved_json,
			       "\"users\":\t{\n\t\t\"count\":\t1000,\n\t\t\"zipf\":\t0\n\t}"));
	assert_non_null(strstr(sc->resolved_json,
			       "\"arrival\":\t{\n\t\t\t\t\"rate\":\t10,\n\t\t\t\t\"bursts\":\t[]\n"));
	assert_non_null(strstr(sc->resolved_json, "\"statements\":\t1,\n\t\t\t\t\"writes\":\t0\n"));
	assert_non_null(strstr(sc->resolved_json, "\"retries\":\t0,\n\t\t\t\"backoff\":\t\"1s\",\n"
			       "\t\t\t\"processes\":\t0,\n\t\t\t\"concurrency\":\t0,\n"
			       "\t\t\t\"client_timeout\":\t\"0s\"\n"));
	assert_non_null(strstr(sc->resolved_json,
			       "\"type\":\t\"batch\",\n\t\t\t\"pool\":\t\"main\",\n\t\t\t\"every\":\t\"60s\",\n"
			       "\t\t\t\"backlog_rate\":\t2,\n\t\t\t\"batch_size\":\t100,\n"
			       "\t\t\t\"group_size\":\t{\n\t\t\t\t\"dist\":\t\"constant\",\n"
			       "\t\t\t\t\"value\":\t8\n\t\t\t},\n"));
	/* the cap follows batch_size and is printed only when given */
	assert_null(strstr(sc->resolved_json, "max_batch_size"));
	assert_non_null(strstr(sc->resolved_json, "\"commit\":\t\"per_batch\",\n\t\t\t\"workers\":\t1,\n"
			       "\t\t\t\"processes\":\t1\n"));
	scenario_destroy(sc);

	/* users as a bare count */
	sc = load(WITH("'users': 300"));
	assert_int_equal(sc->variants[0].cfg.users.count, 300);
	assert_dbl(sc->variants[0].cfg.users.zipf_s, 0);
	scenario_destroy(sc);
}

/* Rates in profiles, bursts with a rate, group sizes in every form, commit strategies. */
static void test_issue3_forms(void **state)
{
	struct scenario *sc;
	const struct cfg_arrival *a;
	struct dist d;
	(void)state;

	sc = load(ARR("{'profile': [{'at': 0, 'rate': '7200/min'}, {'at': '30m', 'rate': '0/s'},"
		      " {'at': '3600.5s', 'rate': 0.25}]}"));
	a = &sc->variants[0].cfg.workloads[0].req.arrival;
	assert_int_equal(a->n_profile, 3);
	assert_dbl(a->profile[0].rate_per_s, 120);
	assert_dbl(a->profile[1].t_s, 1800);
	assert_dbl(a->profile[1].rate_per_s, 0);
	assert_dbl(a->profile[2].t_s, 3600.5);
	assert_dbl(a->profile[2].rate_per_s, 0.25);
	assert_dbl(a->profile_period_s, 0); /* no period: the last rate holds */
	assert_int_equal(a->n_bursts, 0);
	assert_null(strstr(sc->resolved_json, "\"period\""));
	assert_null(strstr(sc->resolved_json, "\"rate\":\t1\n")); /* no base rate printed */
	scenario_destroy(sc);

	/* bursts with a constant rate; they may overlap */
	sc = load(ARR("{'rate': '10/s', 'bursts': [{'start': 0, 'end': '1s', 'factor': 10},"
		      " {'start': '0.5s', 'end': '2h', 'factor': 1.5}]}"));
	a = &sc->variants[0].cfg.workloads[0].req.arrival;
	assert_dbl(a->rate_per_s, 10);
	assert_int_equal(a->n_profile, 0);
	assert_int_equal(a->n_bursts, 2);
	assert_dbl(a->bursts[0].start_s, 0);
	assert_dbl(a->bursts[0].end_s, 1);
	assert_dbl(a->bursts[0].factor, 10);
	assert_dbl(a->bursts[1].start_s, 0.5);
	assert_dbl(a->bursts[1].end_s, 7200);
	assert_dbl(a->bursts[1].factor, 1.5);
	scenario_destroy(sc);

	/* 96 profile points and 16 bursts: the most a cfg holds */
	{
		char json[16384], *p = json;
		size_t left = sizeof json;
		int k = snprintf(p, left, "{" POOLS ", 'workloads': {'api': {'type': 'requests',"
				 " 'transaction': {'db_time': '1s'}, 'arrival': {'profile': [");
		p += k, left -= (size_t)k;
		for (int i = 0; i < 96; i++) {
			k = snprintf(p, left, "%s{'at': '%ds', 'rate': %d}", i ? ", " : "", i * 60, i + 1);
			p += k, left -= (size_t)k;
		}
		k = snprintf(p, left, "], 'period': '96m', 'bursts': [");
		p += k, left -= (size_t)k;
		for (int i = 0; i < 16; i++) {
			k = snprintf(p, left, "%s{'start': '%ds', 'end': '%ds', 'factor': 2}", i ? ", " : "",
				     i, i + 1);
			p += k, left -= (size_t)k;
		}
		snprintf(p, left, "]}}}}");
		sc = load(json);
		a = &sc->variants[0].cfg.workloads[0].req.arrival;
		assert_int_equal(a->n_profile, 96);
		assert_dbl(a->profile[95].t_s, 5700);
		assert_dbl(a->profile[95].rate_per_s, 96);
		assert_dbl(a->profile_period_s, 5760);
		assert_int_equal(a->n_bursts, 16);
		assert_dbl(a->bursts[15].start_s, 15);
		scenario_destroy(sc);
	}

	/* group sizes: a number, a constant, distributions of counts with plain numbers */
	static const struct {
		const char *json;
		int kind;
		double a, b;
	} groups[] = {
		{"8", 0, 8, 0},
		{"2.5", 0, 2.5, 0},
		{"{'dist': 'constant', 'value': 12}", 0, 12, 0},
		{"{'dist': 'uniform', 'min': 0, 'max': 20}", 1, 0, 20},
		{"{'dist': 'exponential', 'mean': 6}", 2, 6, 0},
		{"{'dist': 'lognormal', 'mean': 8, 'sd': 4}", 3, 8, 4},
		{"{'dist': 'lognormal', 'median': 5, 'p99': 40}", 4, 5, 40},
		{"{'dist': 'gamma', 'mean': 8, 'cv': 0.5}", 5, 8, 0.5},
	};
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		char json[512];
		snprintf(json, sizeof json, BATCH_OK("'group_size': %s"), groups[i].json);
		sc = load(json);
		switch (groups[i].kind) {
		case 0:
			assert_int_equal(dist_constant(&d, groups[i].a), PT_OK);
			break;
		case 1:
			assert_int_equal(dist_uniform(&d, groups[i].a, groups[i].b), PT_OK);
			break;
		case 2:
			assert_int_equal(dist_exponential(&d, groups[i].a), PT_OK);
			break;
		case 3:
			assert_int_equal(dist_lognormal_mean_sd(&d, groups[i].a, groups[i].b), PT_OK);
			break;
		case 4:
			assert_int_equal(dist_lognormal_median_p99(&d, groups[i].a, groups[i].b),
					 PT_OK);
			break;
		default:
			assert_int_equal(dist_gamma_mean_cv(&d, groups[i].a, groups[i].b), PT_OK);
		}
		assert_dist_equal(&sc->variants[0].cfg.workloads[0].batch.group_size, &d);
		scenario_destroy(sc);
	}

	/* every commit strategy, and a batch taking its records from a profile */
	static const char *const commits[] = {"per_batch", "per_group", "per_record"};
	static const enum cfg_commit commit_want[] = {CFG_COMMIT_PER_BATCH, CFG_COMMIT_PER_GROUP,
						      CFG_COMMIT_PER_RECORD};
	for (int i = 0; i < 3; i++) {
		char json[512];
		snprintf(json, sizeof json, BATCH("'every': '30s', 'records': {'profile': [{'at': 0,"
			 " 'rate': 1}, {'at': '1h', 'rate': 5}]}, 'per_record': '1ms',"
			 " 'batch_size': 1000000, 'commit': '%s'"), commits[i]);
		sc = load(json);
		const struct cfg_batch *b = &sc->variants[0].cfg.workloads[0].batch;
		assert_int_equal(b->commit, commit_want[i]);
		assert_int_equal(b->records.n_profile, 2);
		assert_dbl(b->records.profile[1].rate_per_s, 5);
		assert_int_equal(b->batch_size, 1000000);
		assert_int_equal(b->max_batch_size, 1000000);
		scenario_destroy(sc);
	}
}

/* Traces: one column or two, a header, comments, blank lines, CRLF, blanks around fields, a
 * byte order mark; relative to the scenario file or absolute; each file read once. */
static void test_issue3_traces(void **state)
{
	char dir[64], json[2048], abs_times[128];
	struct scenario *sc;
	const struct cfg_scenario *c;
	(void)state;

	dir_make(dir);
	dir_write(dir, "times.csv", times_csv);
	dir_write(dir, "holds.csv", "\xEF\xBB\xBF# exported from the gateway log\r\n"
		  "arrival_s , hold_s\r\n\r\n  0.1, 0.02\r\n0.2 ,0.5\t\r\n# a comment\n\n3,0");
	dir_write(dir, "header.csv", "t_s\n1e-3\n2.5E1\n");
	snprintf(abs_times, sizeof abs_times, "%s/times.csv", dir);
	snprintf(json, sizeof json,
		 "{'pools': {'main': {}}, 'workloads': {"
		 "'a': {'type': 'requests', 'arrival': {'trace': 'times.csv'},"
		 "  'transaction': {'db_time': '1s'}},"
		 "'b': {'type': 'requests', 'arrival': {'trace': 'holds.csv'},"
		 "  'transaction': {'db_time': '1s'}},"
		 "'c': {'type': 'requests', 'arrival': {'trace': '%s'}, 'transaction': {'db_time': '1s'}},"
		 "'d': {'type': 'batch', 'every': '1s', 'records': {'trace': './header.csv'},"
		 "  'per_record': '1s'}},"
		 "'variants': [{'name': 'base'}, {'name': 'swap', 'set': {"
		 "  'workloads.a.arrival.trace': 'holds.csv', 'workloads.b.arrival': {'rate': 3}}}]}",
		 abs_times);
	sc = load_in(dir, json, NULL, 0);
	c = &sc->variants[0].cfg;

	const struct cfg_arrival *a = &c->workloads[0].req.arrival;
	assert_int_equal(a->trace_n, 4);
	assert_null(a->trace_hold);
	static const double times[] = {0, 0.5, 0.5, 2.25}; /* equal times are allowed */
	for (int i = 0; i < 4; i++)
		assert_dbl(a->trace_t[i], times[i]);
	assert_int_equal(a->n_profile, 0);
	assert_int_equal(a->n_bursts, 0);

	const struct cfg_arrival *b = &c->workloads[1].req.arrival;
	assert_int_equal(b->trace_n, 3);
	assert_non_null(b->trace_hold);
	assert_dbl(b->trace_t[0], 0.1);
	assert_dbl(b->trace_t[1], 0.2);
	assert_dbl(b->trace_t[2], 3);
	assert_dbl(b->trace_hold[0], 0.02);
	assert_dbl(b->trace_hold[1], 0.5);
	assert_dbl(b->trace_hold[2], 0);

	/* the same file by an absolute path is read once: the same arrays */
	assert_ptr_equal(c->workloads[2].req.arrival.trace_t, a->trace_t);
	assert_int_equal(c->workloads[2].req.arrival.trace_n, 4);

	const struct cfg_arrival *r = &c->workloads[3].batch.records;
	assert_int_equal(r->trace_n, 2);
	assert_null(r->trace_hold);
	assert_dbl(r->trace_t[0], 0.001);
	assert_dbl(r->trace_t[1], 25);

	/* a variant names another trace (already read: shared) or replaces one by a rate */
	c = &sc->variants[1].cfg;
	assert_ptr_equal(c->workloads[0].req.arrival.trace_t, b->trace_t);
	assert_ptr_equal(c->workloads[0].req.arrival.trace_hold, b->trace_hold);
	assert_int_equal(c->workloads[1].req.arrival.trace_n, 0);
	assert_null(c->workloads[1].req.arrival.trace_t);
	assert_dbl(c->workloads[1].req.arrival.rate_per_s, 3);
	assert_ptr_equal(sc->variants[0].cfg.workloads[2].req.arrival.trace_t,
			 c->workloads[2].req.arrival.trace_t);

	/* the resolved JSON names the files absolutely, whatever was given */
	assert_null(strstr(sc->resolved_json, "\"trace\":\t\"times.csv\""));
	assert_null(strstr(sc->resolved_json, "\"trace\":\t\"./header.csv\""));
	assert_non_null(strstr(sc->resolved_json, "/times.csv\""));
	assert_non_null(strstr(sc->resolved_json, "/header.csv\""));
	assert_non_null(strstr(sc->resolved_json, abs_times));
	assert_null(strstr(sc->resolved_json, "\"bursts\"")); /* a trace has none */
	scenario_destroy(sc);

	/* --set a trace: relative to the scenario file, not to the working directory */
	const char *sets[] = {"workloads.api.arrival={\"trace\": \"header.csv\"}"};
	sc = load_in(dir, MINIMAL, sets, 1);
	assert_int_equal(sc->variants[0].cfg.workloads[0].req.arrival.trace_n, 2);
	scenario_destroy(sc);

	dir_unlink(dir, "times.csv");
	dir_unlink(dir, "holds.csv");
	dir_unlink(dir, "header.csv");
	assert_int_equal(rmdir(dir), 0);
}

/* Command-line overrides of the new keys. */
static void test_issue3_cli_set(void **state)
{
	const char *sets[] = {
		"deployment.processes=4",
		"database.row_locks=false",
		"database.cores=16",
		"users.zipf=0.8",
		"users.count=50",
		"workloads.agg.commit=per_group", /* not JSON: a string */
		"workloads.agg.group_size={\"dist\": \"uniform\", \"min\": 1, \"max\": 20}",
		"workloads.agg.max_batch_size=300",
		("workloads.agg.records={\"rate\": \"2/s\", \"bursts\": [{\"start\": \"1m\","
		 " \"end\": \"2m\", \"factor\": 3}]}"),
	};
	struct scenario *sc;
	const struct cfg_scenario *c;
	struct dist d;
	(void)state;

	sc = load_sets("{" POOLS ", 'workloads': {'agg': {'type': 'batch', 'every': '1m',"
		       " 'records': {'rate': 1}, 'per_record': '100ms'}}}",
		       sets, sizeof sets / sizeof sets[0]);
	c = &sc->variants[0].cfg;
	assert_int_equal(c->processes, 4);
	assert_false(c->db.row_locks);
	assert_int_equal(c->db.cores, 16);
	assert_dbl(c->users.zipf_s, 0.8);
	assert_int_equal(c->users.count, 50);
	assert_int_equal(c->workloads[0].batch.commit, CFG_COMMIT_PER_GROUP);
	assert_int_equal(dist_uniform(&d, 1, 20), PT_OK);
	assert_dist_equal(&c->workloads[0].batch.group_size, &d);
	assert_int_equal(c->workloads[0].batch.max_batch_size, 300);
	assert_dbl(c->workloads[0].batch.records.rate_per_s, 2);
	assert_int_equal(c->workloads[0].batch.records.n_bursts, 1);
	assert_dbl(c->workloads[0].batch.records.bursts[0].factor, 3);
	scenario_destroy(sc);
}

/* The resolved JSON with every new key loads back to the same cfg and prints the same; trace
 * names are relative to the file, so the reloaded file sits next to the traces. */
static void test_issue3_round_trip(void **state)
{
	static const char *const files[] = {
		issue3,
		/* a variant that changes batch_size alone keeps the cap tied to it */
		"{" POOLS ", 'workloads': {'agg': {'type': 'batch', 'every': '1m', 'backlog_rate': 2,"
		" 'per_record': '50ms', 'group_size': {'dist': 'gamma', 'mean': 7.3,"
		" 'cv': 0.30000000000000004}}},"
		" 'variants': [{'name': 'a'}, {'name': 'b', 'set': {'workloads.agg.batch_size': 400}}]}",
		/* doubles that %.15g does not round-trip */
		"{" POOLS ", 'users': {'count': 7, 'zipf': 0.30000000000000004},"
		" 'workloads': {'api': {'type': 'requests', 'arrival': {'profile': [{'at': 0,"
		" 'rate': 1234.5678901234567}, {'at': '0.10000000000000002s', 'rate': '1/h'}],"
		" 'period': '1.2345678901234567s', 'bursts': [{'start': '1e-7s',"
		" 'end': '0.30000000000000004s', 'factor': 1.0000000000000002}]},"
		" 'transaction': {'db_time': '1s', 'writes': '0.07%'}, 'backoff': '0.30000000000000004s'},"
		" 'tr': {'type': 'requests', 'arrival': {'trace': 'times.csv'},"
		" 'transaction': {'db_time': '1s'}}}}",
	};
	char dir[64];
	(void)state;

	dir_make(dir);
	dir_write(dir, "holds.csv", holds_csv);
	dir_write(dir, "times.csv", times_csv);
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		struct scenario *a = load_in(dir, files[f], NULL, 0), *b = NULL;
		char path[256], err[512] = "";
		dir_write(dir, "resolved.json", a->resolved_json);
		snprintf(path, sizeof path, "%s/resolved.json", dir);
		if (scenario_load(&b, path, NULL, 0, err, sizeof err) != PT_OK)
			fail_msg("reloading the resolved JSON: %s\n%s", err, a->resolved_json);
		dir_unlink(dir, "resolved.json");
		assert_int_equal(a->n_variants, b->n_variants);
		for (int i = 0; i < a->n_variants; i++) {
			assert_string_equal(a->variants[i].name, b->variants[i].name);
			assert_cfg_equal(&a->variants[i].cfg, &b->variants[i].cfg);
		}
		assert_string_equal(a->resolved_json, b->resolved_json);
		if (f == 1) {
			assert_int_equal(a->variants[1].cfg.workloads[0].batch.max_batch_size, 400);
			assert_int_equal(b->variants[1].cfg.workloads[0].batch.max_batch_size, 400);
		}
		scenario_destroy(a);
		scenario_destroy(b);
	}
	dir_unlink(dir, "holds.csv");
	dir_unlink(dir, "times.csv");
	assert_int_equal(rmdir(dir), 0);
}

static void test_err_issue3_top(void **state)
{
	(void)state;
	expect(DB("'cores': -1"), "database.cores: expected an integer from 0 to 4096, got -1");
	expect(DB("'cores': 5000"), "database.cores: expected an integer from 0 to 4096, got 5000");
	expect(DB("'cores': 2.5"), "database.cores: expected an integer from 0 to 4096, got 2.5");
	expect(DB("'row_locks': 'no'"), "database.row_locks: expected true or false, got \"no\"");
	expect(WITH("'deployment': 4"), "deployment: expected an object, got 4");
	expect(WITH("'deployment': {'processes': 0}"),
	       "deployment.processes: expected an integer from 1 to 1000, got 0");
	expect(WITH("'deployment': {'processes': 1001}"),
	       "deployment.processes: expected an integer from 1 to 1000, got 1001");
	expect(WITH("'deployment': {'process': 2}"),
	       "deployment.process: unknown key (expected one of: processes)");
	expect(WITH("'users': 0"), "users: expected an integer >= 1, got 0");
	expect(WITH("'users': 2e7"), "users: expected an integer from 1 to 10000000, got 20000000");
	expect(WITH("'users': 'many'"), "users: expected " USERS_WHAT ", got \"many\"");
	expect(WITH("'users': {'count': 0}"), "users.count: expected an integer >= 1, got 0");
	expect(WITH("'users': {'zipf': -0.5}"), "users.zipf: expected a number >= 0, got -0.5");
	expect(WITH("'users': {'zipf': '1'}"), "users.zipf: expected a number >= 0, got \"1\"");
	expect(WITH("'users': {'count': 10, 'skew': 1}"),
	       "users.skew: unknown key (expected one of: count, zipf)");
}

static void test_err_issue3_requests(void **state)
{
	(void)state;
	expect(TX("'db_time': '1ms', 'writes': 1.5"),
	       "workloads.api.transaction.writes: expected " WRITES_WHAT ", got 1.5");
	expect(TX("'db_time': '1ms', 'writes': -0.1"),
	       "workloads.api.transaction.writes: expected " WRITES_WHAT ", got -0.1");
	expect(TX("'db_time': '1ms', 'writes': '130%'"),
	       "workloads.api.transaction.writes: expected " WRITES_WHAT ", got \"130%\"");
	expect(REQ("'retries': 101"),
	       "workloads.api.retries: expected an integer from 0 to 100, got 101");
	expect(REQ("'retries': -1"), "workloads.api.retries: expected an integer from 0 to 100, got -1");
	expect(REQ("'backoff': '-1s'"), "workloads.api.backoff: expected " DUR_WHAT ", got \"-1s\"");
	expect(REQ("'processes': 1001"),
	       "workloads.api.processes: expected an integer from 0 to 1000, got 1001");
	/* a key of the other type */
	expect(REQ("'commit': 'per_group'"),
	       "workloads.api.commit: unknown key (expected one of: " REQUESTS_KEYS ")");
	expect(REQ("'every': '1m'"),
	       "workloads.api.every: unknown key (expected one of: " REQUESTS_KEYS ")");
}

static void test_err_issue3_arrival(void **state)
{
	(void)state;
	/* profiles */
	expect(ARR("{'profile': [{'at': '1h', 'rate': 5}]}"),
	       "workloads.api.arrival.profile[0].at: expected 0 (a profile starts at time 0), "
	       "got \"1h\"");
	expect(ARR("{'profile': [{'at': 0, 'rate': 5}, {'at': '2h', 'rate': 1},"
		   " {'at': '1h', 'rate': 2}]}"),
	       "workloads.api.arrival.profile[2].at: expected a duration > the previous point's "
	       "(7200 s), got \"1h\"");
	expect(ARR("{'profile': [{'at': 0, 'rate': 5}, {'at': 0, 'rate': 1}]}"),
	       "workloads.api.arrival.profile[1].at: expected a duration > the previous point's "
	       "(0 s), got 0");
	expect(ARR("{'profile': [{'at': 0, 'rate': 5}, {'at': '12h', 'rate': 1},"
		   " {'at': '1d', 'rate': 2}], 'period': '1d'}"),
	       "workloads.api.arrival.profile[2].at: expected a duration < period (86400 s), "
	       "got \"1d\"");
	expect(ARR("{'profile': []}"),
	       "workloads.api.arrival.profile: expected " POINTS_WHAT ", got []");
	expect(ARR("{'profile': {'at': 0, 'rate': 1}}"),
	       "workloads.api.arrival.profile: expected " POINTS_WHAT ", got {\"at\":0,\"rate\":1}");
	expect(ARR("{'profile': [5]}"),
	       "workloads.api.arrival.profile[0]: expected an object {\"at\": ..., \"rate\": ...}, "
	       "got 5");
	expect(ARR("{'profile': [{'at': 0, 'rate': 1, 'r': 2}]}"),
	       "workloads.api.arrival.profile[0].r: unknown key (expected one of: at, rate)");
	expect(ARR("{'profile': [{'at': 0}]}"), "workloads.api.arrival.profile[0].rate: required");
	expect(ARR("{'profile': [{'rate': 1}]}"), "workloads.api.arrival.profile[0].at: required");
	expect(ARR("{'profile': [{'at': 'noon', 'rate': 1}]}"),
	       "workloads.api.arrival.profile[0].at: expected " DUR_WHAT ", got \"noon\"");
	expect(ARR("{'profile': [{'at': 0, 'rate': -1}]}"),
	       "workloads.api.arrival.profile[0].rate: expected " RATE0_WHAT ", got -1");
	expect(ARR("{'profile': [{'at': 0, 'rate': 1}, {'at': '1s', 'rate': 'lots'}]}"),
	       "workloads.api.arrival.profile[1].rate: expected " RATE0_WHAT ", got \"lots\"");
	expect(ARR("{'profile': [{'at': 0, 'rate': 0}, {'at': '1s', 'rate': '0/s'}]}"),
	       "workloads.api.arrival.profile: expected a profile with at least one rate > 0, got "
	       "[{\"at\":0,\"rate\":0},{\"at\":\"1s\",\"rate\":\"0/s\"}]");
	expect(ARR("{'rate': 1, 'profile': [{'at': 0, 'rate': 1}]}"),
	       "workloads.api.arrival.rate: not allowed with \"profile\" (the profile gives the "
	       "rates)");
	expect(ARR("{'rate': 1, 'period': '1d'}"),
	       "workloads.api.arrival.period: allowed only with a profile");
	expect(ARR("{'profile': [{'at': 0, 'rate': 1}], 'period': 0}"),
	       "workloads.api.arrival.period: expected " DUR_POS_WHAT ", got 0");
	{
		/* 97 points: too many; the value quoted is cut to 77 bytes and "..." */
		char points[256] = "[", json[1024], want[512];
		for (int i = 0; i < 97; i++)
			strcat(points, i ? ",1" : "1");
		strcat(points, "]");
		snprintf(json, sizeof json, ARR("{'profile': %s}"), points);
		points[77] = '\0';
		snprintf(want, sizeof want, "workloads.api.arrival.profile: expected " POINTS_WHAT
			 ", got %s...", points);
		expect(json, want);
	}
	/* bursts */
	expect(ARR("{'rate': 1, 'bursts': [{'start': '10m', 'end': '5m', 'factor': 2}]}"),
	       "workloads.api.arrival.bursts[0].end: expected a duration > start (600 s), "
	       "got \"5m\"");
	expect(ARR("{'rate': 1, 'bursts': [{'start': '60s', 'end': '1m', 'factor': 2}]}"),
	       "workloads.api.arrival.bursts[0].end: expected a duration > start (60 s), "
	       "got \"1m\"");
	expect(ARR("{'rate': 1, 'bursts': [{'start': 0, 'end': '1s', 'factor': 0}]}"),
	       "workloads.api.arrival.bursts[0].factor: expected a number > 0, got 0");
	expect(ARR("{'rate': 1, 'bursts': [{'start': 0, 'end': '1s', 'factor': 2},"
		   " {'start': 0, 'end': '1s', 'factor': -2}]}"),
	       "workloads.api.arrival.bursts[1].factor: expected a number > 0, got -2");
	expect(ARR("{'rate': 1, 'bursts': [{'start': 0, 'end': '1s', 'factor': 'x2'}]}"),
	       "workloads.api.arrival.bursts[0].factor: expected a number > 0, got \"x2\"");
	expect(ARR("{'rate': 1, 'bursts': {}}"),
	       "workloads.api.arrival.bursts: expected " BURSTS_WHAT ", got {}");
	expect(ARR("{'rate': 1, 'bursts': [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}"),
	       "workloads.api.arrival.bursts: expected " BURSTS_WHAT
	       ", got [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]");
	expect(ARR("{'rate': 1, 'bursts': [{'start': 0, 'end': '1s', 'factor': 2}, 'x']}"),
	       "workloads.api.arrival.bursts[1]: expected an object {\"start\": ..., \"end\": ..., "
	       "\"factor\": ...}, got \"x\"");
	expect(ARR("{'rate': 1, 'bursts': [{'start': 0, 'end': '1s'}]}"),
	       "workloads.api.arrival.bursts[0].factor: required");
	expect(ARR("{'rate': 1, 'bursts': [{'end': '1s', 'factor': 2}]}"),
	       "workloads.api.arrival.bursts[0].start: required");
	expect(ARR("{'rate': 1, 'bursts': [{'start': 0, 'factor': 2}]}"),
	       "workloads.api.arrival.bursts[0].end: required");
	expect(ARR("{'rate': 1, 'bursts': [{'start': 0, 'stop': 1, 'factor': 2}]}"),
	       "workloads.api.arrival.bursts[0].stop: unknown key (expected one of: start, end, "
	       "factor)");
	/* a trace excludes the other forms */
	expect(ARR("{'rate': 1, 'trace': 't.csv'}"), "workloads.api.arrival.rate: " NOT_WITH_TRACE);
	expect(ARR("{'trace': 't.csv', 'profile': [{'at': 0, 'rate': 1}]}"),
	       "workloads.api.arrival.profile: " NOT_WITH_TRACE);
	expect(ARR("{'trace': 't.csv', 'period': '1d'}"),
	       "workloads.api.arrival.period: " NOT_WITH_TRACE);
	expect(ARR("{'trace': 't.csv', 'bursts': []}"),
	       "workloads.api.arrival.bursts: " NOT_WITH_TRACE);
	expect(ARR("{'trace': 5}"), "workloads.api.arrival.trace: expected " TRACE_WHAT ", got 5");
	expect(ARR("{'trace': ''}"),
	       "workloads.api.arrival.trace: expected " TRACE_WHAT ", got \"\"");
}

static void test_err_issue3_traces(void **state)
{
	static const struct {
		const char *csv, *want;
	} bad[] = {
		{"0.5\nabc\n", "@/t.csv:2: expected a time in seconds >= the previous one, got \"abc\""},
		{"1\n2\n# late\n\n1.5\n",
		 "@/t.csv:5: expected a time in seconds >= the previous one, got \"1.5\""},
		{"-1\n", "@/t.csv:1: expected a time in seconds >= 0, got \"-1\""},
		{"t_s\n-1\n", "@/t.csv:2: expected a time in seconds >= 0, got \"-1\""},
		{"0.1\n0x10\n", "@/t.csv:2: expected a time in seconds >= the previous one, got \"0x10\""},
		{"0.1\n1e999\n",
		 "@/t.csv:2: expected a time in seconds >= the previous one, got \"1e999\""},
		{"0.1,0.02\n0.2\n", "@/t.csv:2: expected 2 fields as on line 1, got \"0.2\""},
		{"t_s\n0.1\n0.2,0.3\n", "@/t.csv:3: expected 1 field as on line 1, got \"0.2,0.3\""},
		{"# a\nt,hold\n0.1\n", "@/t.csv:3: expected 2 fields as on line 2, got \"0.1\""},
		{"0.1,0.2\n0.3,0.4,0.5\n",
		 "@/t.csv:2: expected 2 fields as on line 1, got \"0.3,0.4,0.5\""},
		{"1,2,3\n", "@/t.csv:1: expected 1 or 2 fields (t_s or t_s,hold_s), got \"1,2,3\""},
		{"0.1,abc\n", "@/t.csv:1: expected a hold time in seconds >= 0, got \"abc\""},
		{"0.1,-1\n", "@/t.csv:1: expected a hold time in seconds >= 0, got \"-1\""},
		{"0.1,\n", "@/t.csv:1: expected a hold time in seconds >= 0, got \"\""},
		{"t_s\n# nothing yet\n\n", "@/t.csv: expected at least one arrival time, got none"},
		{"", "@/t.csv: expected at least one arrival time, got none"},
	};
	char dir[64];
	(void)state;

	dir_make(dir);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[512];
		dir_write_n(dir, "t.csv", bad[i].csv, strlen(bad[i].csv));
		snprintf(want, sizeof want, "workloads.api.arrival.trace: %s", bad[i].want);
		expect_in(dir, ARR("{'trace': 't.csv'}"), NULL, 0, PT_EINVAL, want);
	}
	dir_write_n(dir, "t.csv", "0.1\n\0\n0.2\n", 9);
	expect_in(dir, ARR("{'trace': 't.csv'}"), NULL, 0, PT_EINVAL,
		  "workloads.api.arrival.trace: @/t.csv: expected a text file, got a NUL byte");
	/* records carry no hold time */
	dir_write(dir, "t.csv", "0.1,0.02\n");
	expect_in(dir, BATCH("'every': '1s', 'records': {'trace': 't.csv'}, 'per_record': 1"), NULL, 0,
		  PT_EINVAL, "workloads.agg.records.trace: @/t.csv: expected 1 field per line "
		  "(records have no hold time), got 2");
	/* a missing file; a bad one from a variant; a missing one from --set */
	expect_in(dir, ARR("{'trace': 'none.csv'}"), NULL, 0, PT_EIO,
		  "workloads.api.arrival.trace: @/none.csv: cannot read: No such file or directory");
	dir_write(dir, "t.csv", "0\n1\n");
	dir_write(dir, "bad.csv", "1\n0\n");
	expect_in(dir, "{" POOLS ", 'workloads': {'api': {'type': 'requests', 'arrival': {'trace':"
		  " 't.csv'}, 'transaction': {'db_time': '1s'}}}, 'variants': [{'name': 'a'},"
		  " {'name': 'b', 'set': {'workloads.api.arrival.trace': 'bad.csv'}}]}", NULL, 0,
		  PT_EINVAL, "variants[1] (\"b\").set: workloads.api.arrival.trace: @/bad.csv:2: "
		  "expected a time in seconds >= the previous one, got \"0\"");
	const char *sets[] = {"workloads.api.arrival.trace=none.csv"};
	expect_in(dir, ARR("{'trace': 't.csv'}"), sets, 1, PT_EIO,
		  "--set workloads.api.arrival.trace=none.csv: workloads.api.arrival.trace: "
		  "@/none.csv: cannot read: No such file or directory");
	dir_unlink(dir, "t.csv");
	dir_unlink(dir, "bad.csv");
	assert_int_equal(rmdir(dir), 0);
}

/* Issue 10 item 10 (regression): a first line with a malformed number was taken as a header
 * and silently skipped; a header has no number-like field, so each of these is line 1's error. */
static void test_err_issue10_trace_header(void **state)
{
	static const struct {
		const char *csv, *want;
	} bad[] = {
		{"1.2.3\n2\n", "@/t.csv:1: expected a time in seconds >= 0, got \"1.2.3\""},
		{"1 s\n2\n", "@/t.csv:1: expected a time in seconds >= 0, got \"1 s\""},
		{"nan\n2\n", "@/t.csv:1: expected a time in seconds >= 0, got \"nan\""},
		{"-Inf\n2\n", "@/t.csv:1: expected a time in seconds >= 0, got \"-Inf\""},
		{".5x\n2\n", "@/t.csv:1: expected a time in seconds >= 0, got \".5x\""},
		{"t_s,1e\n2,1\n", "@/t.csv:1: expected a time in seconds >= 0, got \"t_s\""},
	};
	char dir[64];
	(void)state;

	dir_make(dir);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[512];
		dir_write_n(dir, "t.csv", bad[i].csv, strlen(bad[i].csv));
		snprintf(want, sizeof want, "workloads.api.arrival.trace: %s", bad[i].want);
		expect_in(dir, ARR("{'trace': 't.csv'}"), NULL, 0, PT_EINVAL, want);
	}
	/* a header is still a header: no field looks like a number */
	dir_write(dir, "t.csv", "time_s,info\n0.5,1\n");
	struct scenario *sc = load_in(dir, ARR("{'trace': 't.csv'}"), NULL, 0);
	assert_int_equal(sc->variants[0].cfg.workloads[0].req.arrival.trace_n, 1);
	scenario_destroy(sc);
	dir_unlink(dir, "t.csv");
	assert_int_equal(rmdir(dir), 0);
}

/* Issue 10 items 1 and 2 (regressions): a batch group size beyond what a batch can hold
 * crashed the model (int overflow); a horizon of 1e-320 s hung the timeline's step search. */
static void test_err_issue10_bounds(void **state)
{
	(void)state;
	expect(BATCH_OK("'group_size': 2147483648"),
	       "workloads.agg.group_size: expected records per group up to 1000000 (the value), "
	       "got 2147483648");
	expect(BATCH_OK("'group_size': {'dist': 'exponential', 'mean': 1e9}"),
	       "workloads.agg.group_size: expected records per group up to 1000000 (the mean), "
	       "got {\"dist\":\"exponential\",\"mean\":1000000000}");
	expect(BATCH_OK("'group_size': {'dist': 'uniform', 'min': 1, 'max': 3e9}"),
	       "workloads.agg.group_size: expected records per group up to 1000000 (the uniform "
	       "max), got {\"dist\":\"uniform\",\"min\":1,\"max\":3000000000}");
	expect(WITH("'horizon': '1e-320s'"), /* subnormal: the timeline's step search hung */
	       "horizon: expected a duration from 1us to 1000d, got \"1e-320s\"");
	expect(WITH("'horizon': '1001d'"),
	       "horizon: expected a duration from 1us to 1000d, got \"1001d\"");
	struct scenario *sc = load(WITH("'horizon': '1us', 'warmup': 0"));
	assert_dbl(sc->variants[0].cfg.horizon_s, 1e-6);
	scenario_destroy(sc);
	sc = load(WITH("'horizon': '1000d'"));
	assert_dbl(sc->variants[0].cfg.horizon_s, 86400000);
	scenario_destroy(sc);
}

/* Issue 10 items 12 and 15 (regressions): what the JSON parser would silently mangle is
 * refused with its position (a NUL escape cut names at the NUL; bytes that are not UTF-8 went
 * raw into summary.json; a nesting past cJSON's limit said only "invalid JSON"); an override
 * follows the file's rules (a duplicate key in a --set value was accepted); messages of
 * distributions that overflow say what overflows ("sd > 0" for sd 1e300 misled). */
static void test_err_issue10_text(void **state)
{
	(void)state;
	static const char bad_utf8[] = "{\"description\": \"caf\xC3\", \"pools\": {}}";
	expect_raw(bad_utf8, sizeof bad_utf8 - 1, NULL, 0, PT_EINVAL,
		   ":1:21: invalid JSON: not valid UTF-8");
	static const char surrogate[] = "{\"description\": \"\xED\xA0\x80\"}"; /* U+D800 */
	expect_raw(surrogate, sizeof surrogate - 1, NULL, 0, PT_EINVAL,
		   ":1:18: invalid JSON: not valid UTF-8");
	static const char nul[] = "{\"pools\": {\"ma\\u0000in\": {}}}";
	expect_raw(nul, sizeof nul - 1, NULL, 0, PT_EINVAL,
		   ":1:15: invalid JSON: \\u0000 (a NUL character) is not allowed in a string");
	/* an escaped backslash followed by the text u0000 is no NUL */
	struct scenario *sc = load(WITH("'description': 'a\\\\u0000 \xC3\xA9'"));
	assert_string_equal(sc->description, "a\\u0000 \xC3\xA9");
	scenario_destroy(sc);

	char deep[2 * 1001 + 1];
	memset(deep, '[', 1001);
	memset(deep + 1001, ']', 1001);
	expect_raw(deep, 2002, NULL, 0, PT_EINVAL,
		   ":1:1001: invalid JSON: arrays and objects nested deeper than 1000 levels");
	memset(deep, '[', 1000); /* 1000 levels parse: then it is not an object */
	memset(deep + 1000, ']', 1000);
	expect_raw(deep, 2000, NULL, 0, PT_EINVAL, ": expected a JSON object at the top level, "
		   "got "
		   "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...");

	const char *dup[] = {"pools.main={\"size\": 3, \"max_overflow\": 1, \"size\": 4}"};
	expect_sets(MINIMAL, dup, 1,
		    "--set pools.main={\"size\": 3, \"max_overflow\": 1, \"size\": 4}: "
		    "pools.main.size: duplicate key");
	const char *bytes[] = {"description=caf\xC3"};
	expect_sets(MINIMAL, bytes, 1,
		    "--set description=caf\xC3: expected UTF-8 text, got a byte sequence that is not");
	const char *nulset[] = {"pools.main={\"ma\\u0000x\": 1}"};
	expect_sets(MINIMAL, nulset, 1, "--set pools.main={\"ma\\u0000x\": 1}: pools.main: "
		    "expected a value without \\u0000 (a NUL character)");

	expect(DBT("{'dist': 'lognormal', 'mean': '10ms', 'sd': '1e300s'}"),
	       DBT_PATH ": expected a lognormal distribution with sd/mean below 1e154 (its sigma "
	       "overflows), got {\"dist\":\"lognormal\",\"mean\":\"10ms\",\"sd\":\"1e300s\"}");
	expect(DBT("{'dist': 'lognormal', 'median': '1e-300s', 'p99': '1e300s'}"),
	       DBT_PATH ": expected a lognormal distribution with a finite mean (p99/median is "
	       "too large), got {\"dist\":\"lognormal\",\"median\":\"1e-300s\",\"p99\":\"1e300s\"}");
	expect(DBT("{'dist': 'gamma', 'mean': '1s', 'cv': 1e-300}"),
	       DBT_PATH ": expected a gamma distribution with cv >= 1e-154 (its shape 1/cv^2 "
	       "overflows), got {\"dist\":\"gamma\",\"mean\":\"1s\",\"cv\":1e-300}");
	expect(DBT("{'dist': 'gamma', 'mean': '1e300s', 'cv': 1e10}"),
	       DBT_PATH ": expected a gamma distribution with a finite scale mean x cv^2 (cv is "
	       "too large), got {\"dist\":\"gamma\",\"mean\":\"1e300s\",\"cv\":10000000000}");
}

/* Issue 10 item 4 (regression): the duplicate-key check compared every pair of keys: 100 000
 * keys took 36 s, 400 000 never finished. Sorted, 400 000 take well under a second; the alarm
 * (30 s, for slow sanitizer builds) turns a hang into a failure. */
static void test_err_issue10_many_keys(void **state)
{
	(void)state;
	enum { N = 400000 };
	size_t cap = (size_t)N * 24 + 64, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "{");
	for (int i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s\"k%d\": 0", i ? ", " : "", i);
	n += (size_t)snprintf(text + n, cap - n, ", \"k123\": 1}");
	alarm(30);
	expect_raw(text, n, NULL, 0, PT_EINVAL, ": k123: duplicate key");
	text[n - 12] = '}'; /* no duplicate: the first unknown key is reported */
	{
		char *path = write_temp_n(text, n - 11), err[1024] = "";
		struct scenario *sc = NULL;
		assert_int_equal(scenario_load(&sc, path, NULL, 0, err, sizeof err), PT_EINVAL);
		assert_null(sc);
		assert_non_null(strstr(err, ": k0: unknown key (expected one of: name, description, "));
		remove_temp(path);
	}
	alarm(0);
	free(text);
}

/* Issue 10 item 3 (regression): the scenario was read by the loader and again to hash it, so
 * a FIFO blocked for ever and /dev/stdin hashed nothing. The loader hashes the bytes it read:
 * through a FIFO (a child writes it once) the hash is that of the bytes written. */
static void test_issue10_fifo_read_once(void **state)
{
	(void)state;
	char dir[64], fifo[128], want[65];
	char *text = sq(MINIMAL);
	dir_make(dir);
	snprintf(fifo, sizeof fifo, "%s/s.json", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(fifo, "w");
		_exit(f && fputs(text, f) >= 0 && fclose(f) == 0 ? 0 : 1);
	}
	alarm(30);
	struct scenario *sc = NULL;
	char err[512] = "";
	int rc = scenario_load(&sc, fifo, NULL, 0, err, sizeof err);
	alarm(0);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (rc)
		fail_msg("%s", err);
	sha256_hex(text, strlen(text), want);
	assert_string_equal(sc->sha256, want);
	scenario_destroy(sc);
	free(text);
	dir_unlink(dir, "s.json");
	assert_int_equal(rmdir(dir), 0);
}

static void test_err_issue3_batch(void **state)
{
	(void)state;
	expect(BATCH("'backlog_rate': 1, 'per_record': 1"), "workloads.agg.every: required");
	expect(BATCH("'every': 0, 'backlog_rate': 1, 'per_record': 1"),
	       "workloads.agg.every: expected " DUR_POS_WHAT ", got 0");
	expect(BATCH("'every': 'hourly', 'backlog_rate': 1, 'per_record': 1"),
	       "workloads.agg.every: expected " DUR_POS_WHAT ", got \"hourly\"");
	expect(BATCH("'every': '1s', 'per_record': 1"),
	       "workloads.agg.backlog_rate: required unless \"records\" is given");
	expect(BATCH("'every': '1s', 'backlog_rate': 1, 'records': {'rate': 1}, 'per_record': 1"),
	       "workloads.agg.records: not allowed with \"backlog_rate\" (give one of the two)");
	expect(BATCH("'every': '1s', 'backlog_rate': 0, 'per_record': 1"),
	       "workloads.agg.backlog_rate: expected " RATE_WHAT ", got 0");
	expect(BATCH("'every': '1s', 'backlog_rate': '5 per second', 'per_record': 1"),
	       "workloads.agg.backlog_rate: expected " RATE_WHAT ", got \"5 per second\"");
	expect(BATCH("'every': '1s', 'records': 5, 'per_record': 1"),
	       "workloads.agg.records: expected an object, got 5");
	expect(BATCH("'every': '1s', 'records': {}, 'per_record': 1"),
	       "workloads.agg.records.rate: required unless a profile or a trace is given");
	expect(BATCH("'every': '1s', 'records': {'rates': 1}, 'per_record': 1"),
	       "workloads.agg.records.rates: unknown key (expected one of: rate, profile, period, "
	       "bursts, trace)");
	expect(BATCH("'every': '1s', 'records': {'profile': [{'at': '5s', 'rate': 1}]}, 'per_record': 1"),
	       "workloads.agg.records.profile[0].at: expected 0 (a profile starts at time 0), got \"5s\"");
	expect(BATCH_OK("'batch_size': 0"),
	       "workloads.agg.batch_size: expected an integer >= 1, got 0");
	expect(BATCH_OK("'batch_size': 2e6"),
	       "workloads.agg.batch_size: expected an integer from 1 to 1000000, got 2000000");
	expect(BATCH_OK("'max_batch_size': 50"),
	       "workloads.agg.max_batch_size: expected an integer >= batch_size (100), got 50");
	expect(BATCH_OK("'batch_size': 200, 'max_batch_size': 150"),
	       "workloads.agg.max_batch_size: expected an integer >= batch_size (200), got 150");
	expect(BATCH_OK("'max_batch_size': 'big'"),
	       "workloads.agg.max_batch_size: expected an integer >= batch_size (100), got \"big\"");
	expect(BATCH_OK("'max_batch_size': 250.5"),
	       "workloads.agg.max_batch_size: expected an integer >= batch_size (100), got 250.5");
	expect(BATCH_OK("'max_batch_size': 2e6"),
	       "workloads.agg.max_batch_size: expected an integer from 100 to 1000000, got 2000000");
	expect(BATCH_OK("'group_size': 0"),
	       "workloads.agg.group_size: expected " COUNTS_WHAT ", got 0");
	expect(BATCH_OK("'group_size': -3"),
	       "workloads.agg.group_size: expected " COUNTS_WHAT ", got -3");
	expect(BATCH_OK("'group_size': '8'"),
	       "workloads.agg.group_size: expected " COUNTS_WHAT ", got \"8\"");
	expect(BATCH_OK("'group_size': {'dist': 'uniform', 'min': '1ms', 'max': 20}"),
	       "workloads.agg.group_size.min: expected a number >= 0, got \"1ms\"");
	expect(BATCH_OK("'group_size': {'dist': 'constant', 'value': 0}"),
	       "workloads.agg.group_size: expected a constant distribution with value > 0, got "
	       "{\"dist\":\"constant\",\"value\":0}");
	expect(BATCH_OK("'group_size': {'dist': 'uniform', 'min': 5, 'max': 2}"),
	       "workloads.agg.group_size: expected a uniform distribution with min <= max, got "
	       "{\"dist\":\"uniform\",\"min\":5,\"max\":2}");
	expect(BATCH_OK("'group_size': {'dist': 'exponential'}"),
	       "workloads.agg.group_size.mean: required");
	expect(BATCH("'every': '1s', 'backlog_rate': 1"), "workloads.agg.per_record: required");
	expect(BATCH("'every': '1s', 'backlog_rate': 1, 'per_record': 'slow'"),
	       "workloads.agg.per_record: expected " DIST_WHAT ", got \"slow\"");
	expect(BATCH("'every': '1s', 'backlog_rate': 1, 'per_record': {'dist': 'constant',"
		     " 'value': 'x'}"),
	       "workloads.agg.per_record.value: expected " DUR_WHAT ", got \"x\"");
	expect(BATCH_OK("'commit': 'per_user'"),
	       "workloads.agg.commit: expected one of: per_batch, per_group, per_record, "
	       "got \"per_user\"");
	expect(BATCH_OK("'commit': 1"),
	       "workloads.agg.commit: expected one of: per_batch, per_group, per_record, got 1");
	expect(BATCH_OK("'workers': 0"),
	       "workloads.agg.workers: expected an integer from 1 to 1000, got 0");
	expect(BATCH_OK("'workers': 1001"),
	       "workloads.agg.workers: expected an integer from 1 to 1000, got 1001");
	expect(BATCH_OK("'processes': 0"),
	       "workloads.agg.processes: expected an integer from 1 to 1000, got 0");
	expect(BATCH_OK("'pool': 'worker'"),
	       "workloads.agg.pool: expected the name of a pool (main), got \"worker\"");
	/* keys of the other type, or of none: the accepted keys of a batch workload */
	expect(BATCH_OK("'worker': 2"),
	       "workloads.agg.worker: unknown key (expected one of: " BATCH_KEYS ")");
	expect(BATCH_OK("'arrival': {'rate': 1}"),
	       "workloads.agg.arrival: unknown key (expected one of: " BATCH_KEYS ")");
	expect(BATCH_OK("'transaction': {'db_time': '1s'}"),
	       "workloads.agg.transaction: unknown key (expected one of: " BATCH_KEYS ")");
	expect(BATCH_OK("'retries': 3"),
	       "workloads.agg.retries: unknown key (expected one of: " BATCH_KEYS ")");
	/* Issue 10 item 13 (regression): an SLO on a batch workload was accepted and every
	 * verdict stayed "inconclusive" for ever; every limit is a request metric */
	expect("{" POOLS ", 'workloads': {'agg': {'type': 'batch', 'every': '1s', 'backlog_rate': 1,"
	       " 'per_record': '1s'}}, 'slo': {'agg.wait_p99': '1s'}}",
	       "slo.agg: a batch workload has no SLO limits (failure_rate, timeout_rate, refused_rate, "
	       "wait_mean, wait_p50, wait_p90, wait_p95, wait_p99, wait_p999, wait_max, "
	       "worst_1m.failure_rate, worst_1m.wait_p99, worst_5m.failure_rate, "
	       "worst_5m.wait_p99 apply to request workloads)");
	expect("{" POOLS ", 'workloads': {'agg': {'type': 'batch', 'every': '1s', 'backlog_rate': 1,"
	       " 'per_record': '1s'}}, 'slo': {'agg': {'timeout_rate': 0.01}}}",
	       "slo.agg: a batch workload has no SLO limits (failure_rate, timeout_rate, refused_rate, "
	       "wait_mean, wait_p50, wait_p90, wait_p95, wait_p99, wait_p999, wait_max, "
	       "worst_1m.failure_rate, worst_1m.wait_p99, worst_5m.failure_rate, "
	       "worst_5m.wait_p99 apply to request workloads)");
	expect("{" POOLS ", 'workloads': {'agg': {'type': 'batch', 'every': '1s', 'backlog_rate': 1,"
	       " 'per_record': '1s'}}, 'slo': {'api.wait_p99': 1}}",
	       "slo.api: unknown workload (expected one of: agg)");
}

/* Errors in the new keys coming from a variant's set or from --set name where they come from. */
static void test_err_issue3_overrides(void **state)
{
	const char *deploy[] = {"deployment.processes=0"};
	const char *locks[] = {"database.row_locks=maybe"};
	const char *arrival[] = {"workloads.api.arrival={\"profile\": [{\"at\": \"1s\", \"rate\": 1}]}"};
	const char *points[] = {"workloads.api.arrival.profile=[{\"at\": 0, \"rate\": 1},"
				" {\"at\": 0, \"rate\": 2}]"};
	const char *commit[] = {"workloads.agg.commit=per_user"};
	const char *zipf[] = {"users.zipf=-1"};
	/* issue 7: the user meant 8 ms; a pool_timeout of 30000 would be 8 h 20 min */
	const char *bare_db[] = {"workloads.api.transaction.db_time=8"};
	const char *bare_timeout[] = {"pools.main.timeout=30000"};
	(void)state;

	expect_sets(MINIMAL, deploy, 1, "--set deployment.processes=0: deployment.processes: "
		    "expected an integer from 1 to 1000, got 0");
	expect_sets(MINIMAL, locks, 1, "--set database.row_locks=maybe: database.row_locks: "
		    "expected true or false, got \"maybe\"");
	expect_sets(MINIMAL, bare_db, 1, "--set workloads.api.transaction.db_time=8: "
		    "workloads.api.transaction.db_time: expected " DIST_WHAT ", got 8");
	expect_sets(MINIMAL, bare_timeout, 1, "--set pools.main.timeout=30000: "
		    "pools.main.timeout: expected " DUR_WHAT ", got 30000");
	expect_sets(MINIMAL, arrival, 1,
		    "--set workloads.api.arrival={\"profile\": [{\"at\": \"1s\", \"rate\": 1}]}: "
		    "workloads.api.arrival.profile[0].at: expected 0 (a profile starts at time 0), "
		    "got \"1s\"");
	/* an error inside an array that was set names the override too */
	expect_sets(ARR("{'profile': [{'at': 0, 'rate': 1}]}"), points, 1,
		    "--set workloads.api.arrival.profile=[{\"at\": 0, \"rate\": 1}, {\"at\": 0, "
		    "\"rate\": 2}]: workloads.api.arrival.profile[1].at: expected a duration > the "
		    "previous point's (0 s), got 0");
	expect_sets(BATCH_OK("'commit': 'per_group'"), commit, 1,
		    "--set workloads.agg.commit=per_user: workloads.agg.commit: expected one of: "
		    "per_batch, per_group, per_record, got \"per_user\"");
	expect_sets(WITH("'users': 10"), zipf, 1,
		    "--set users.zipf=-1: users: expected an object, got 10");
	expect(WITH("'variants': [{'name': 'a'}, {'name': 'b', 'set': {'database.cores': -4}}]"),
	       "variants[1] (\"b\").set: database.cores: expected an integer from 0 to 4096, got -4");
	/* a variant that raises batch_size above the base's cap */
	expect("{" POOLS ", 'workloads': {'agg': {'type': 'batch', 'every': '1s', 'backlog_rate': 1,"
	       " 'per_record': '1s', 'max_batch_size': 500}}, 'variants': [{'name': 'big', 'set':"
	       " {'workloads.agg.batch_size': 600}}]}",
	       "variants[0] (\"big\").set: workloads.agg.max_batch_size: expected an integer >= "
	       "batch_size (600), got 500");
}

/* ---- issue 9: the empirical distribution and SQLAlchemy's argument names ------------------ */

#define EMP_POOLS "'pools': {'main': {}}"
#define EMP(dist)                                                                           \
	"{" EMP_POOLS ", 'workloads': {'api': {'type': 'requests', 'arrival': {'rate': 10}, "  \
	"'transaction': {'db_time': " dist "}}}}"

static void test_empirical_forms(void **state)
{
	(void)state;
	/* inline values: the mean (10 + 20 + 30) / 3 = 20 ms */
	struct scenario *sc = load(EMP("{'dist': 'empirical', 'values': ['10ms', '0.02s', '30ms']}"));
	const struct dist *d = &sc->variants[0].cfg.workloads[0].req.db_time;
	assert_int_equal(d->kind, DIST_EMPIRICAL);
	assert_int_equal(d->n, 3);
	assert_null(d->cum);
	assert_true(d->x[0] == 0.01 && d->x[2] == 0.03);
	assert_true(fabs(d->mean - 0.02) < 1e-15);
	assert_non_null(strstr(sc->resolved_json, "\"values\":\t[\"0.01s\", \"0.02s\", \"0.03s\"]"));
	scenario_destroy(sc);

	/* a histogram: bins [0, 10) and [10, 20) ms with 1 and 3: mean (5 + 3 x 15) / 4 = 12.5 ms */
	sc = load(EMP("{'dist': 'empirical', 'histogram': {'edges': [0, '10ms', '20ms'], "
		      "'counts': [1, 3]}}"));
	d = &sc->variants[0].cfg.workloads[0].req.db_time;
	assert_int_equal(d->kind, DIST_EMPIRICAL);
	assert_int_equal(d->n, 2);
	assert_true(d->cum[0] == 1 && d->cum[1] == 4);
	assert_true(fabs(d->mean - 0.0125) < 1e-15);
	assert_non_null(strstr(sc->resolved_json, "\"edges\":\t[\"0s\", \"0.01s\", \"0.02s\"]"));
	scenario_destroy(sc);

	/* a CSV column, relative to the scenario file; empty fields (timeouts) skipped; the
	 * resolved scenario names it absolutely and loads again to the same values */
	char csv[] = "/tmp/pooltide-test-holds-XXXXXX";
	int fd = mkstemp(csv);
	assert_true(fd >= 0);
	const char *rows = "idx,status,hold\n0,ok,0.010\n1,timeout,\n2,ok,0.030\n";
	assert_int_equal(write(fd, rows, strlen(rows)), (ssize_t)strlen(rows));
	close(fd);
	char json[512];
	snprintf(json, sizeof json, EMP("{'dist': 'empirical', 'file': '%s'}"), csv + 5);
	sc = load(json);
	d = &sc->variants[0].cfg.workloads[0].req.db_time;
	assert_int_equal(d->n, 2);
	assert_true(d->x[0] == 0.010 && d->x[1] == 0.030);
	char want[512];
	snprintf(want, sizeof want, "\"file\":\t\"%s\",", csv);
	assert_non_null(strstr(sc->resolved_json, want));
	assert_non_null(strstr(sc->resolved_json, "\"column\":\t\"hold\""));
	char *again = write_temp_n(sc->resolved_json, strlen(sc->resolved_json));
	struct scenario *sc2;
	char err[512];
	assert_int_equal(scenario_load(&sc2, again, NULL, 0, err, sizeof err), PT_OK);
	assert_cfg_equal(&sc->variants[0].cfg, &sc2->variants[0].cfg);
	scenario_destroy(sc2);
	remove_temp(again);
	scenario_destroy(sc);

	/* errors */
	snprintf(json, sizeof json, EMP("{'dist': 'empirical', 'file': '%s', 'column': 'h'}"),
		 csv + 5);
	snprintf(want, sizeof want, "workloads.api.transaction.db_time.file: %s:1: expected a "
		 "column \"h\", got columns: idx, status, hold", csv);
	expect(json, want);
	snprintf(json, sizeof json, EMP("{'dist': 'empirical', 'file': '%s', 'column': 'status'}"),
		 csv + 5);
	snprintf(want, sizeof want, "workloads.api.transaction.db_time.file: %s:2: column "
		 "\"status\": expected a number of seconds >= 0, got \"ok\"", csv);
	expect(json, want);
	remove(csv);
	/* an unreadable file is an I/O error, as for traces */
	expect_raw(EMP("{'dist': 'empirical', 'file': 'nonexistent-holds.csv'}"), 0, NULL, 0,
		   PT_EIO, ": workloads.api.transaction.db_time.file: /tmp/nonexistent-holds.csv: "
		   "cannot read: No such file or directory");
	expect(EMP("{'dist': 'empirical', 'values': ['10ms'], 'histogram': {}}"),
	       "workloads.api.transaction.db_time: expected an empirical distribution given by one "
	       "of \"file\" (with \"column\"), \"values\" or \"histogram\", got "
	       "{\"dist\":\"empirical\",\"values\":[\"10ms\"],\"histogram\":{}}");
	expect(EMP("{'dist': 'empirical', 'values': ['10ms'], 'column': 'hold'}"),
	       "workloads.api.transaction.db_time.column: only with \"file\"");
	expect(EMP("{'dist': 'empirical', 'values': []}"),
	       "workloads.api.transaction.db_time.values: expected an array of at least 1 duration "
	       "such as \"12ms\", got []");
	expect(EMP("{'dist': 'empirical', 'values': ['10ms', 0.02]}"),
	       "workloads.api.transaction.db_time.values[1]: expected " DUR_WHAT ", got 0.02");
	expect(EMP("{'dist': 'empirical', 'histogram': {'edges': [0, '20ms', '10ms'], 'counts': [1, 2]}}"),
	       "workloads.api.transaction.db_time.histogram.edges[2]: expected edges in strictly "
	       "ascending order");
	expect(EMP("{'dist': 'empirical', 'histogram': {'edges': [0, '10ms'], 'counts': [1, 2]}}"),
	       "workloads.api.transaction.db_time.histogram.counts: expected an array of 1 counts "
	       "(one per bin between the edges), got [1,2]");
	expect(EMP("{'dist': 'empirical', 'histogram': {'edges': [0, '10ms'], 'counts': [-1]}}"),
	       "workloads.api.transaction.db_time.histogram.counts[0]: expected a count >= 0, got -1");
	expect(EMP("{'dist': 'empirical', 'histogram': {'edges': [0, '10ms'], 'counts': [0]}}"),
	       "workloads.api.transaction.db_time.histogram.counts: expected counts with a total "
	       "> 0, got [0]");
	expect(EMP("{'dist': 'empirical', 'histogram': {'edges': [0, '10ms']}}"),
	       "workloads.api.transaction.db_time.histogram.counts: required");
}

static void test_sqlalchemy_aliases(void **state)
{
	(void)state;
	struct scenario *sc = load(
		"{'pools': {'main': {'pool_size': 7, 'max_overflow': 3, 'pool_timeout': '2s', "
		"'pool_recycle': 3600, 'pool_pre_ping': true, 'pool_use_lifo': true}}, " WORKLOADS
		", 'variants': [{'name': 'a'}, {'name': 'b', 'set': {'pools.main.pool_timeout': "
		"'5s'}}]}");
	const struct cfg_pool *p = &sc->variants[0].cfg.pools[0];
	assert_int_equal(p->size, 7);
	assert_int_equal(p->max_overflow, 3);
	/* pool_recycle=3600 as in create_engine: seconds */
	assert_true(p->timeout_s == 2 && p->recycle_s == 3600 && p->pre_ping && p->use_lifo);
	assert_true(sc->variants[1].cfg.pools[0].timeout_s == 5);
	/* the resolved scenario speaks pooltide's names */
	assert_non_null(strstr(sc->resolved_json, "\"size\":\t7"));
	assert_null(strstr(sc->resolved_json, "pool_size"));
	scenario_destroy(sc);

	/* an override by SQLAlchemy's name sets the pool key, whichever name the file used */
	static const char *const sets[] = {"pools.main.pool_size=9", "pools.main.pool_timeout=7",
					   "pools.main.pool_recycle=-1"};
	sc = load_sets("{'pools': {'main': {'size': 4, 'recycle': '1h'}}, " WORKLOADS "}", sets, 3);
	assert_int_equal(sc->variants[0].cfg.pools[0].size, 9);
	assert_true(sc->variants[0].cfg.pools[0].timeout_s == 7); /* seconds, as in create_engine */
	assert_true(sc->variants[0].cfg.pools[0].recycle_s == -1);
	scenario_destroy(sc);
	/* pool_timeout=30 in create_engine is 30 s; pool_recycle=-1 is off */
	sc = load("{'pools': {'main': {'pool_timeout': 30, 'pool_recycle': -1}}, " WORKLOADS "}");
	assert_true(sc->variants[0].cfg.pools[0].timeout_s == 30);
	assert_true(sc->variants[0].cfg.pools[0].recycle_s == -1);
	scenario_destroy(sc);

	expect("{'pools': {'main': {'size': 4, 'pool_size': 5}}, " WORKLOADS "}",
	       "pools.main.pool_size: not allowed with \"size\" (the same setting, by SQLAlchemy's "
	       "name)");
	expect("{'pools': {'main': {'pool_size': 'ten'}}, " WORKLOADS "}",
	       "pools.main.size: expected an integer >= 0, got \"ten\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_null),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_units_in_file),
		cmocka_unit_test(test_distributions),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_cli_set),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_err_syntax),
		cmocka_unit_test(test_err_file),
		cmocka_unit_test(test_err_keys),
		cmocka_unit_test(test_err_top),
		cmocka_unit_test(test_err_database),
		cmocka_unit_test(test_err_pgbouncer),
		cmocka_unit_test(test_pgbouncer_session),
		cmocka_unit_test(test_err_pools),
		cmocka_unit_test(test_err_workloads),
		cmocka_unit_test(test_err_distributions),
		cmocka_unit_test(test_err_variants),
		cmocka_unit_test(test_err_cli_set),
		cmocka_unit_test(test_err_buffer),
		cmocka_unit_test(test_slo_forms),
		cmocka_unit_test(test_slo_windows),
		cmocka_unit_test(test_slo_values),
		cmocka_unit_test(test_slo_overrides),
		cmocka_unit_test(test_slo_round_trip),
		cmocka_unit_test(test_err_slo),
		cmocka_unit_test(test_err_slo_overrides),
		cmocka_unit_test(test_issue3_complete),
		cmocka_unit_test(test_issue3_defaults),
		cmocka_unit_test(test_issue3_forms),
		cmocka_unit_test(test_issue3_traces),
		cmocka_unit_test(test_issue3_cli_set),
		cmocka_unit_test(test_issue3_round_trip),
		cmocka_unit_test(test_err_issue3_top),
		cmocka_unit_test(test_err_issue3_requests),
		cmocka_unit_test(test_err_issue3_arrival),
		cmocka_unit_test(test_err_issue3_traces),
		cmocka_unit_test(test_err_issue3_batch),
		cmocka_unit_test(test_err_issue10_trace_header),
		cmocka_unit_test(test_err_issue10_bounds),
		cmocka_unit_test(test_err_issue10_text),
		cmocka_unit_test(test_err_issue10_many_keys),
		cmocka_unit_test(test_issue10_fifo_read_once),
		cmocka_unit_test(test_err_issue3_overrides),
		cmocka_unit_test(test_empirical_forms),
		cmocka_unit_test(test_sqlalchemy_aliases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
