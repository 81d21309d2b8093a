/* The scenario loader's shared parts: included by app/scenario.c and app/load_*.c only.
 *
 * The loader is one module in several files, one per part of the schema: the context and
 * typed reads (load.c), distributions (load_dist.c), servers (load_database.c), read
 * replicas and routing (load_replicas.c), pools
 * (load_pool.c), workloads (load_workload.c), data files (load_trace.c), SLOs (load_slo.c),
 * and the file as a whole, overrides and variants (scenario.c). Every reader takes the
 * context (the first error, the file, the traces read so far), a JSON value and its path,
 * fills a cfg struct, and writes the canonical form into the resolved tree. */
#ifndef POOLTIDE_APP_LOAD_H
#define POOLTIDE_APP_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "app/scenario.h"
#include "app/units.h"
#include "sim/dist.h"
#include "sim/status.h"


#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define PATH_LEN 384            /* a JSON path in a message; longer ones are truncated */
#define MSG_LEN (768 + 4096)    /* what is wrong at that path: room for a trace's path */
#define GOT_MAX 80              /* longest value quoted after "got" */
#define INT_CAP 1000000         /* upper bound of counts without a natural one (no overflow) */
#define REPLICATIONS_MAX 10000
#define SEED_MAX 9007199254740992.0 /* 2^53: every integer up to it is exact in a double */
#define FILE_MAX ((size_t)64 << 20) /* a scenario is a few KiB; this stops /dev/zero */
#define NUM_LEN 40              /* "%.17g" of any double */
#define USERS_MAX 10000000
#define CORES_MAX 4096
#define PROCESSES_MAX 1000      /* deployment.processes and a workload's processes */
#define WORKERS_MAX 1000
#define RETRIES_MAX 100
#define HORIZON_MIN 1e-6        /* a microsecond: below it the timeline has no readable step */
#define HORIZON_MAX 86400000.0  /* 1000 days: beyond it a scenario is a typo, not a plan */

#define DURATION_WHAT "a duration with a unit such as \"8ms\" or \"8s\" (us, ms, s, m, " \
	"min, h, d; a bare number only for 0)"
#define DURATION_POS_WHAT "a duration > 0 with a unit such as \"8ms\" or \"8s\" (us, ms, s, " \
	"m, min, h, d)"
#define RATE_WHAT "a rate > 0 such as \"120/s\" or a number per second"
#define RATE0_WHAT "a rate >= 0 such as \"120/s\" or a number per second"
#define WRITES_WHAT "a fraction from 0 to 1 such as 0.3, or a percentage such as \"30%\""
#define COUNTS_WHAT "a number > 0 or a distribution of counts such as " \
	"{\"dist\": \"uniform\", \"min\": 1, \"max\": 20}"
#define TRACE_WHAT "the path of a CSV file of arrival times, relative to the scenario file"
#define USERS_WHAT "an integer >= 1 or an object {\"count\": ..., \"zipf\": ...}"
#define POINT_WHAT "{\"at\": ..., \"rate\": ...}"
#define BURST_WHAT "{\"start\": ..., \"end\": ..., \"factor\": ...}"
#define NAME_WHAT "1 to 63 letters, digits, '_' or '-'"
#define SET_PATH_WHAT "a dotted path such as pools.main.size (not into variants)"
#define SLO_WHAT "an object mapping workload names to limits, such as " \
	"{\"api\": {\"timeout_rate\": 0.001, \"wait_p99\": \"100ms\"}}"
#define SLO_LIMITS_WHAT "an object mapping limits to values, such as " \
	"{\"timeout_rate\": 0.001, \"wait_p99\": \"100ms\"}"
#define FRACTION_WHAT "a fraction from 0 to 1 such as 0.001, or a percentage such as \"0.1%\""

/* A trace file read for an arrival process; one per distinct path, shared by every variant.
 * The same list holds the data of `empirical` distributions (column set): one column of a CSV
 * file (t_s = its values; one per distinct path and column), or values or a histogram given in
 * the JSON (path "", never shared: t_s = the values or the edges, hold_s = the cumulative
 * counts). */
struct scenario_trace {
	struct scenario_trace *next;
	char *path;          /* as opened: the scenario file's directory joined with the name */
	size_t n;
	double *t_s;         /* n ascending arrival times */
	double *hold_s;      /* n hold times, or NULL when the file has one column */
	char *column;        /* empirical data: the CSV column, or "" for inline data; else NULL */
};

/* The first error found: where (a JSON path, "" for the file as a whole) and what; and what
 * validation needs beyond the JSON: the scenario file (traces are relative to it) and the
 * traces read so far (handed to the struct scenario on success). */
struct load_ctx {
	char path[PATH_LEN];
	char msg[MSG_LEN];
	bool oom; /* building the resolved tree ran out of memory */
	const char *file;
	struct scenario_trace *traces;
	int hikari_pools; /* HikariCP pools read so far: the N of the default "HikariPool-N" */
};


/* app/load.c */
void load_append(char *dst, size_t n, const char *src);
int load_check_duplicates(struct load_ctx *c, const cJSON *v, char *path, size_t n);
int load_check_keys(struct load_ctx *c, const cJSON *obj, const char *path, const char *const *keys);
cJSON *load_copy_exact(const cJSON *v);
void load_copy_str(char *dst, size_t n, const char *src);
void load_element(char *dst, size_t n, const char *path, int i);
int load_expected(struct load_ctx *c, const char *path, const cJSON *got, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
int load_fail(struct load_ctx *c, const char *path, const char *fmt, ...) PRINTF_LIKE(3, 4);
int load_fail_oom(struct load_ctx *c);
int load_find_name(const char *const *names, const char *s);
int load_get_bool(struct load_ctx *c, const cJSON *obj, const char *path, const char *key, bool *out);
int load_get_duration(struct load_ctx *c, const cJSON *obj, const char *path, const char *key,
		      bool positive, double *out);
int load_get_int(struct load_ctx *c, const cJSON *obj, const char *path, const char *key, int min,
		 int max, int def, int *out);
int load_get_number(struct load_ctx *c, const cJSON *obj, const char *path, const char *key,
		    double min, bool strict, double *out);
int load_get_object(struct load_ctx *c, const cJSON *obj, const char *path, const char *key,
		    const cJSON **out);
void load_join(char *dst, size_t n, const char *parent, const char *key);
void load_join_list(char *dst, size_t n, const char *const *items);
const cJSON *load_member(const cJSON *obj, const char *key);
cJSON *load_put_arr(struct load_ctx *c, cJSON *res, const char *key);
void load_put_bool(struct load_ctx *c, cJSON *res, const char *key, bool b);
void load_put_dur(struct load_ctx *c, cJSON *res, const char *key, double seconds);
cJSON *load_put_elem(struct load_ctx *c, cJSON *arr);
void load_put_int(struct load_ctx *c, cJSON *res, const char *key, long long v);
void load_put_num(struct load_ctx *c, cJSON *res, const char *key, double v);
cJSON *load_put_obj(struct load_ctx *c, cJSON *res, const char *key);
void load_put_str(struct load_ctx *c, cJSON *res, const char *key, const char *s);
void load_quote(const char *str, char *buf, size_t n);
int load_read_file(const char *path, char **text, size_t *len, int *errnum);
void load_report(const struct load_ctx *c, const char *file, const char *prefix, char *err,
		 size_t errlen);
int load_require(struct load_ctx *c, const cJSON *obj, const char *path, const char *key);
int load_to_duration(const cJSON *v, double *seconds);
int load_to_fraction(const cJSON *v, double *out);
int load_to_rate(const cJSON *v, double *per_second);
bool load_valid_name(const char *s);

/* app/load_dist.c */
int load_get_dist(struct load_ctx *c, const cJSON *v, const char *path, bool counts, struct dist *d,
		  cJSON *res, const char *key);
extern const char *const load_histogram_keys[];
void load_put_dist(struct load_ctx *c, cJSON *res, const char *key, const char *kind, bool counts,
		   const char *k1, double v1, const char *k2, double v2);

/* app/load_database.c */
int load_get_database(struct load_ctx *c, const cJSON *v, struct cfg_database *db, cJSON *res);
int load_get_pgbouncer(struct load_ctx *c, const cJSON *v, struct cfg_pgbouncer *b, cJSON *res);

/* app/load_replicas.c */
int load_get_replicas(struct load_ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res);
int load_get_pool_server(struct load_ctx *c, const cJSON *v, const char *path,
			 const struct cfg_scenario *cfg, struct cfg_pool *pool, cJSON *r);
int load_check_primary_pool(struct load_ctx *c, const char *path, const cJSON *got,
			    const struct cfg_scenario *cfg, int pool);
int load_get_reads(struct load_ctx *c, const cJSON *v, const char *path,
		   const struct cfg_scenario *cfg, struct cfg_reads *rd, cJSON *res);

/* app/load_pool.c */
int load_get_pool(struct load_ctx *c, const cJSON *v, const struct cfg_scenario *cfg,
		  struct cfg_pool *pool, cJSON *res);
const char *load_pool_key(const char *key);
void load_pool_list(const struct cfg_scenario *cfg, char *buf, size_t n);
int load_rename_pool_aliases(struct load_ctx *c, cJSON *root);

/* app/load_workload.c */
int load_get_section(struct load_ctx *c, const cJSON *v, const char *key, int max, const char *what);
int load_get_workload(struct load_ctx *c, const cJSON *v, const struct cfg_scenario *cfg,
		      struct cfg_workload *w, cJSON *res);

/* app/load_trace.c */
void load_free_traces(struct scenario_trace *t);
int load_get_empirical(struct load_ctx *c, const cJSON *v, const char *path, struct dist *d,
		       cJSON *res, const char *key);
int load_trace(struct load_ctx *c, const char *path, const char *name,
	       const struct scenario_trace **out);

/* app/load_slo.c */
int load_get_slo(struct load_ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res);

#endif
