#include "models/model.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/arrivals.h"
#include "models/cpu.h"
#include "models/database.h"
#include "models/locks.h"
#include "models/pool.h"
#include "models/routing.h"
#include "models/users.h"
#include "sim/rng.h"
#include "sim/status.h"

struct run {
	const struct cfg_scenario *sc;
	struct model_result *out;
	struct sim *sim;
	struct database db;         /* the primary */
	struct database replica[CFG_MAX_REPLICAS];
	struct cpu *replica_cpu[CFG_MAX_REPLICAS];
	gsl_rng *route_rng[CFG_MAX_WORKLOADS]; /* read routing streams, NULL when not routing */
	struct pgbouncer *bouncer;  /* NULL without PgBouncer */
	int bouncer_db[CFG_MAX_REPLICAS + 1]; /* server k's PgBouncer database, -1: not fronted */
	gsl_rng *bouncer_rng[CFG_MAX_REPLICAS + 1];
	struct cpu *cpu;
	struct locks *locks;
	struct users *own_users;     /* built for this run, or NULL when shared */
	const struct users *users;
	int n_proc;
	/* pool instances: pools[p * n_pools + i] is pool i of process p; per pool name, the
	 * instances of processes 0..n_proc-1 are contiguous through `by_pool` */
	struct pool **pools;
	gsl_rng **pool_rng;
	struct pool **by_pool[CFG_MAX_POOLS]; /* by_pool[i][p] */
	struct requests *wl[CFG_MAX_WORKLOADS];
	struct batch *bw[CFG_MAX_WORKLOADS];
	gsl_rng *arr_rng[CFG_MAX_WORKLOADS], *hold_rng[CFG_MAX_WORKLOADS];
	struct arrival_hook {
		const struct model_hooks *hooks;
		int workload;
	} hook[CFG_MAX_WORKLOADS];
	const struct model_hooks *sampler; /* NULL when not sampling */
	uint64_t n_samples;                /* sampling instants */
	uint64_t sample_events;            /* sampler events run: not the model's events */
	bool sampler_oom;
};

int model_processes(const struct cfg_scenario *sc)
{
	int n = sc->processes > 0 ? sc->processes : 1;
	for (int i = 0; i < sc->n_workloads; i++) {
		const struct cfg_workload *w = &sc->workloads[i];
		int k = w->kind == CFG_WORKLOAD_BATCH ? w->batch.processes : w->req.processes;
		if (k > n)
			n = k;
	}
	return n;
}

/* Server k: 0 the primary, k the replica k - 1. */
static struct database *server(struct run *run, int k)
{
	return k == 0 ? &run->db : &run->replica[k - 1];
}

static void ev_warmup_end(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct run *run = obj;
	for (int i = 0; i < run->sc->n_pools * run->n_proc; i++)
		pool_reset(run->pools[i]);
	database_reset(&run->db, sim_now(sim));
	for (int k = 0; k < run->sc->n_replicas; k++) {
		database_reset(&run->replica[k], sim_now(sim));
		if (run->replica_cpu[k])
			cpu_reset(run->replica_cpu[k]);
	}
	if (run->bouncer)
		pgbouncer_reset(run->bouncer);
	if (run->cpu)
		cpu_reset(run->cpu);
	for (int i = 0; i < run->sc->n_workloads; i++)
		if (run->bw[i])
			batch_reset_levels(run->bw[i]);
}

/* Pool i's figures over its instances: time averages averaged, maxima and the longest
 * exhausted stretch the largest, counters summed (counters are filled after the drain). */
static void snapshot_pool(struct pool_result *pr, struct pool *const *inst, int n, double t)
{
	memset(pr, 0, sizeof *pr); /* padding too: results are compared byte for byte */
	pr->first_timeout_overflow = INT_MIN;
	for (int k = 0; k < n; k++) {
		const struct pool_stats *s = pool_stats(inst[k]);
		pr->checked_out_mean += level_mean(&s->checked_out, t) / n;
		pr->checked_in_mean += level_mean(&s->checked_in, t) / n;
		pr->overflow_mean += level_mean(&s->overflow, t) / n;
		pr->waiters_mean += level_mean(&s->waiters, t) / n;
		pr->open_mean += level_mean(&s->open, t) / n;
		pr->exhausted_share += level_mean(&s->exhausted, t) / n;
		pr->checked_out_max = fmax(pr->checked_out_max, s->checked_out.max);
		pr->overflow_max = fmax(pr->overflow_max, s->overflow.max);
		pr->waiters_max = fmax(pr->waiters_max, s->waiters.max);
		pr->open_max = fmax(pr->open_max, s->open.max);
		double longest = s->longest_exhausted_s;
		if (s->exhausted_since >= 0 && t - s->exhausted_since > longest)
			longest = t - s->exhausted_since;
		pr->longest_exhausted_s = fmax(pr->longest_exhausted_s, longest);
	}
}

static void count_pool(struct pool_result *pr, struct pool *const *inst, int n)
{
	pr->checkouts = pr->timeouts = pr->refused = pr->connects = pr->closes = 0;
	pr->reconnects = pr->pings = pr->barged = 0;
	pr->first_timeout_overflow = INT_MIN;
	for (int k = 0; k < n; k++) {
		const struct pool_stats *s = pool_stats(inst[k]);
		pr->checkouts += s->checkouts;
		pr->timeouts += s->timeouts;
		pr->refused += s->refused;
		pr->connects += s->connects;
		pr->closes += s->closes;
		pr->reconnects += s->reconnects;
		pr->pings += s->pings;
		pr->barged += s->barged;
		if (pr->first_timeout_overflow == INT_MIN)
			pr->first_timeout_overflow = s->first_timeout_overflow;
	}
}

/* Levels are observed over [warmup, horizon]: the drain after the horizon has no arrivals
 * and would dilute every average. Counters keep running through the drain, because the
 * requests they count arrived before the horizon. */
static void ev_horizon(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct run *run = obj;
	double t = sim_now(sim);
	for (int i = 0; i < run->sc->n_pools; i++)
		snapshot_pool(&run->out->pools[i], run->by_pool[i], run->n_proc, t);
	/* arrivals have stopped: the pools' own timers (HikariCP's housekeeper, Go's cleaner)
	 * stop too, so the run ends when the last request does */
	for (int i = 0; i < run->sc->n_pools * run->n_proc; i++)
		pool_drain(run->pools[i]);
	if (run->bouncer)
		pgbouncer_drain(run->bouncer);
	run->out->db_open_mean = level_mean(&run->db.open_level, t);
	run->out->db_open_max = run->db.open_level.max;
	run->out->db_lock_waiting_mean = level_mean(&run->db.lock_waiting_level, t);
	run->out->db_lock_waiting_max = run->db.lock_waiting_level.max;
	if (run->cpu) {
		run->out->db_cpu_busy_mean = level_mean(cpu_busy_level(run->cpu), t);
		run->out->db_cpu_active_mean = level_mean(cpu_active_level(run->cpu), t);
	}
	for (int k = 0; k < run->sc->n_replicas; k++) {
		struct server_result *sr = &run->out->replicas[k];
		sr->open_mean = level_mean(&run->replica[k].open_level, t);
		sr->open_max = run->replica[k].open_level.max;
		if (run->replica_cpu[k]) {
			sr->cpu_busy_mean = level_mean(cpu_busy_level(run->replica_cpu[k]), t);
			sr->cpu_active_mean = level_mean(cpu_active_level(run->replica_cpu[k]), t);
		}
	}
	for (int i = 0; i < run->sc->n_workloads; i++)
		if (run->bw[i])
			batch_snapshot_levels(run->bw[i]);
	for (int k = 0; run->bouncer && k <= run->sc->n_replicas; k++) {
		if (run->bouncer_db[k] < 0)
			continue;
		const struct pgbouncer_stats *s = pgbouncer_stats(run->bouncer, run->bouncer_db[k]);
		struct pgbouncer_result *b = &run->out->pgbouncer[k];
		b->cl_active_mean = level_mean(&s->cl_active, t);
		b->cl_active_max = s->cl_active.max;
		b->cl_waiting_mean = level_mean(&s->cl_waiting, t);
		b->cl_waiting_max = s->cl_waiting.max;
		b->sv_active_mean = level_mean(&s->sv_active, t);
		b->sv_active_max = s->sv_active.max;
		b->sv_idle_mean = level_mean(&s->sv_idle, t);
		b->sv_login_mean = level_mean(&s->sv_login, t);
	}
}

/* PgBouncer's counters of database d once the run has drained. */
static void count_pgbouncer(struct pgbouncer_result *b, struct pgbouncer *pb, int d)
{
	const struct pgbouncer_stats *s = pgbouncer_stats(pb, d);
	b->queries = s->queries;
	b->waited = s->waited;
	b->query_wait_timeouts = s->query_wait_timeouts;
	b->login_failing = s->login_failing;
	b->statement_mode = s->statement_mode;
	b->client_refused = pgbouncer_clients(pb, d)->refused;
	b->server_connects = s->server_connects;
	b->server_refused = s->server_refused;
	b->reserve_connects = s->reserve_connects;
	b->idle_closes = s->idle_closes;
	b->lifetime_closes = s->lifetime_closes;
	b->wait_mean = s->wait.n ? tally_mean(&s->wait) : NAN;
	b->maxwait_max = s->maxwait_max;
}

uint64_t model_sample_count(double horizon_s, double step_s)
{
	if (!(step_s > 0) || !(horizon_s >= 0))
		return 0;
	/* 1e-9 relative: 7200 / 0.1 must give 72001 instants, not 72000. */
	return (uint64_t)floor(horizon_s / step_s * (1 + 1e-9)) + 1;
}

/* Instant k of the sampler: k x step (not a running sum, which would drift), the last one
 * clamped to the horizon. */
static double sample_time(const struct run *run, uint64_t k)
{
	double t = (double)k * run->sampler->sample_step_s;
	return t > run->sc->horizon_s ? run->sc->horizon_s : t;
}

/* A sample of every pool, then the next instant. The sampler only reads the pools and draws
 * nothing; its priority is unique, so it never reorders model events at the same instant
 * (their relative insertion order is unchanged). */
static void ev_sample(struct sim *sim, void *obj, uint64_t k)
{
	struct run *run = obj;
	const struct model_hooks *h = run->sampler;
	run->sample_events++;
	int backlog = 0, active = 0;
	double age = 0;
	for (int i = 0; i < run->sc->n_workloads; i++)
		if (run->bw[i]) {
			backlog += batch_backlog(run->bw[i]);
			active += batch_active(run->bw[i]);
			age = fmax(age, batch_backlog_age(run->bw[i]));
		}
	for (int i = 0; i < run->sc->n_pools; i++) {
		const struct pool *p = run->by_pool[i][0];
		struct model_sample s = {
			.backlog = backlog,
			.backlog_age_s = age,
			.batch_active = active,
			.t_s = sim_now(sim),
			.pool = i,
			.checked_out = pool_checked_out(p),
			.checked_in = pool_checked_in(p),
			.overflow = pool_overflow(p),
			.waiters = pool_waiting(p),
			.open = pool_open(p),
			.server_connections = run->db.open, /* the primary's (model.h) */
		};
		int d = run->bouncer ? run->bouncer_db[run->sc->pools[i].server] : -1;
		if (d >= 0)
			pgbouncer_status(run->bouncer, d, &s.pgbouncer);
		h->on_sample(h->ctx, &s);
	}
	if (k + 1 < run->n_samples &&
	    !sim_schedule_at(sim, sample_time(run, k + 1), PRIO_SAMPLE, ev_sample, run, k + 1))
		run->sampler_oom = true;
}

static void observe_arrival(void *ctx, double t)
{
	struct arrival_hook *h = ctx;
	h->hooks->on_arrival(h->hooks->ctx, h->workload, t);
}

double model_estimate_events(const struct cfg_scenario *sc)
{
	double h = sc->horizon_s, total = 0;
	bool cpu = sc->db.cores > 0;
	for (int i = 0; i < sc->n_workloads; i++) {
		const struct cfg_workload *w = &sc->workloads[i];
		if (w->kind == CFG_WORKLOAD_REQUESTS) {
			const struct cfg_arrival *a = &w->req.arrival;
			double steps = arrivals_expected_steps(a, h);
			double arrivals = a->trace_n > 0 || (a->n_profile == 0 && a->n_bursts == 0)
						  ? steps
						  : arrivals_mean_rate(a, h) * h;
			bool lock = w->req.writes > 0 && sc->db.row_locks;
			/* arrival (in steps) + release; lock: write start + statement end; CPU:
			 * the BEGIN round trip, a CPU job per statement and a round trip between
			 * two statements (they run one by one, models/requests.c): 2 x statements
			 * (one fewer without a round-trip time: BEGIN is then no event) */
			double per = 1 + (lock ? 2 : 0) + (cpu ? 2.0 * w->req.statements : 0);
			total += steps + arrivals * per;
		} else {
			const struct cfg_batch *b = &w->batch;
			double records = arrivals_expected_steps(&b->records, h);
			double ticks = h / b->every_s;
			double groups = b->commit == CFG_COMMIT_PER_BATCH ? 0
					: b->commit == CFG_COMMIT_PER_RECORD ? records
					: records / fmax(b->group_size.mean, 1);
			/* each record: arrival, processing (and its CPU job); each tick: itself, and
			 * per busy worker a BEGIN and a COMMIT; per group/record commits: a COMMIT and
			 * a BEGIN each */
			total += ticks * (1 + 2.0 * b->workers * b->processes) +
				 records * (2 + (cpu ? 1 : 0)) + 2 * groups;
		}
	}
	if (sc->pgbouncer.enabled)
		total += 3 * h; /* its janitor, three times a second (models/pgbouncer.c) */
	return isnan(total) ? INFINITY : total;
}

/* The block: the header, then the arrays, each at an offset aligned for any type. */
static size_t align_up(size_t n)
{
	const size_t a = _Alignof(max_align_t);
	return (n + a - 1) / a * a;
}

static size_t block_layout(int n_pools, int n_workloads, size_t *off_pools, size_t *off_wl,
			   size_t *off_b)
{
	size_t n = align_up(sizeof(struct model_result));
	*off_pools = n;
	n = align_up(n + (size_t)n_pools * sizeof(struct pool_result));
	*off_wl = n;
	n = align_up(n + (size_t)n_workloads * sizeof(struct requests_stats));
	*off_b = n;
	return n + (size_t)n_workloads * sizeof(struct batch_stats);
}

/* Point the arrays into r's own block (after a copy from elsewhere). */
static void rebase(struct model_result *r)
{
	size_t op, ow, ob;
	block_layout(r->n_pools, r->n_workloads, &op, &ow, &ob);
	char *base = (char *)r;
	r->pools = (struct pool_result *)(void *)(base + op);
	r->workloads = (struct requests_stats *)(void *)(base + ow);
	r->batches = (struct batch_stats *)(void *)(base + ob);
}

/* Zero the whole block, keeping its shape. */
static void result_clear(struct model_result *r)
{
	int np = r->n_pools, nw = r->n_workloads, nr = r->n_replicas;
	size_t bytes = r->bytes;
	memset(r, 0, bytes);
	r->n_pools = np;
	r->n_workloads = nw;
	r->n_replicas = nr;
	r->bytes = bytes;
	rebase(r);
}

struct model_result *model_result_create(const struct cfg_scenario *sc)
{
	size_t op, ow, ob;
	size_t bytes = block_layout(sc->n_pools, sc->n_workloads, &op, &ow, &ob);
	struct model_result *r = calloc(1, bytes);
	if (!r)
		return NULL;
	r->n_pools = sc->n_pools;
	r->n_workloads = sc->n_workloads;
	r->n_replicas = sc->n_replicas;
	r->bytes = bytes;
	rebase(r);
	return r;
}

void model_result_destroy(struct model_result *r)
{
	free(r);
}

const void *model_result_data(const struct model_result *r, size_t *n)
{
	*n = r->bytes;
	return r;
}

int model_result_load(struct model_result *r, const void *data, size_t n)
{
	if (n != r->bytes || n < sizeof *r)
		return PT_EINVAL;
	const struct model_result *src = data;
	if (src->n_pools != r->n_pools || src->n_workloads != r->n_workloads ||
	    src->n_replicas != r->n_replicas)
		return PT_EINVAL;
	memcpy(r, data, n);
	rebase(r);
	return PT_OK;
}

/* The pointers aside (they name each block's own arrays), the blocks compare as bytes. */
bool model_result_equal(const struct model_result *a, const struct model_result *b)
{
	if (a->bytes != b->bytes || a->n_pools != b->n_pools || a->n_workloads != b->n_workloads)
		return false;
	const char *pa = (const char *)a, *pb = (const char *)b;
	size_t p0 = offsetof(struct model_result, pools);
	size_t p1 = offsetof(struct model_result, batches) + sizeof a->batches;
	return memcmp(pa, pb, p0) == 0 && memcmp(pa + p1, pb + p1, a->bytes - p1) == 0;
}

int model_run(const struct cfg_scenario *sc, uint64_t rep, struct model_result *out,
	      const struct model_hooks *hooks)
{
	return model_run_shared(sc, rep, out, hooks, NULL);
}

int model_run_shared(const struct cfg_scenario *sc, uint64_t rep, struct model_result *out,
		     const struct model_hooks *hooks, const struct users *users)
{
	int status = PT_ENOMEM;
	struct run run = {.sc = sc, .out = out};
	assert(out->n_pools == sc->n_pools && out->n_workloads == sc->n_workloads);
	result_clear(out);
	out->db_cpu_busy_mean = out->db_cpu_active_mean = NAN;
	for (int k = 0; k < CFG_MAX_REPLICAS; k++)
		out->replicas[k].cpu_busy_mean = out->replicas[k].cpu_active_mean = NAN;
	out->window_s = sc->horizon_s - sc->warmup_s;
	out->overloaded_pool = -1;
	out->stuck_server = -1;
	run.n_proc = model_processes(sc);
	out->n_processes = run.n_proc;
	int n_inst = run.n_proc * sc->n_pools;

	run.sim = sim_create();
	if (run.sim && sc->max_events >= 1)
		sim_set_event_limit(run.sim, sc->max_events < 1e19 ? (uint64_t)sc->max_events
								: UINT64_MAX);
	run.pools = calloc((size_t)n_inst, sizeof *run.pools);
	run.pool_rng = calloc((size_t)n_inst, sizeof *run.pool_rng);
	for (int i = 0; i < sc->n_pools; i++)
		run.by_pool[i] = calloc((size_t)run.n_proc, sizeof *run.by_pool[i]);
	if (!run.sim || !run.pools || !run.pool_rng)
		goto fail;
	database_init(&run.db, &sc->db, 0);
	if (sc->db.cores > 0) {
		run.cpu = cpu_create(run.sim, sc->db.cores);
		if (!run.cpu)
			goto fail;
		run.db.cpu = run.cpu;
	}
	for (int k = 0; k < sc->n_replicas; k++) {
		database_init(&run.replica[k], &sc->replicas[k].db, 0);
		if (sc->replicas[k].db.cores > 0) {
			run.replica_cpu[k] = cpu_create(run.sim, sc->replicas[k].db.cores);
			if (!run.replica_cpu[k])
				goto fail;
			run.replica[k].cpu = run.replica_cpu[k];
		}
	}
	if (sc->db.row_locks) {
		run.locks = locks_create(sc->users.count);
		if (!run.locks)
			goto fail;
		run.db.locks = run.locks;
	}
	run.users = users;
	if (!users) {
		run.users = run.own_users = users_create(&sc->users);
		if (!run.users)
			goto fail;
	}
	for (int k = 0; k <= CFG_MAX_REPLICAS; k++)
		run.bouncer_db[k] = -1;
	if (sc->pgbouncer.enabled) {
		/* one [databases] entry per server a pool uses, the primary first */
		struct database *fronted[CFG_MAX_REPLICAS + 1];
		int nd = 0;
		for (int k = 0; k <= sc->n_replicas; k++) {
			if (!cfg_pgbouncer_fronts(sc, k))
				continue;
			run.bouncer_rng[nd] = rng_stream_create(
				sc->seed, rep, rng_stream_id("pgbouncer", STREAM_PGBOUNCER + 16 * (uint64_t)k));
			if (!run.bouncer_rng[nd])
				goto fail;
			fronted[nd] = server(&run, k);
			run.bouncer_db[k] = nd++;
		}
		run.bouncer = pgbouncer_create(&sc->pgbouncer, run.sim, nd, fronted, run.bouncer_rng);
		if (!run.bouncer)
			goto fail;
	}
	for (int i = 0; i < sc->n_pools; i++) {
		if (!run.by_pool[i])
			goto fail;
		const struct cfg_pool *pc = &sc->pools[i];
		for (int p = 0; p < run.n_proc; p++) {
			int k = p * sc->n_pools + i;
			/* Process 0 keeps the stream id of a single-process run. */
			run.pool_rng[k] = rng_stream_create(
				sc->seed, rep, rng_stream_id(pc->name, STREAM_CONNECT + 16 * (uint64_t)p));
			if (!run.pool_rng[k])
				goto fail;
			/* one engine per server; behind PgBouncer, to its server's database there */
			struct database *to = run.bouncer
						      ? pgbouncer_clients(run.bouncer,
									  run.bouncer_db[pc->server])
						      : server(&run, pc->server);
			run.pools[k] = pool_create(pc, run.sim, to, run.pool_rng[k]);
			if (!run.pools[k])
				goto fail;
			run.by_pool[i][p] = run.pools[k];
		}
	}
	for (int i = 0; i < sc->n_workloads; i++) {
		const struct cfg_workload *w = &sc->workloads[i];
		run.arr_rng[i] = rng_stream_create(sc->seed, rep, rng_stream_id(w->name, STREAM_ARRIVALS));
		run.hold_rng[i] = rng_stream_create(sc->seed, rep, rng_stream_id(w->name, STREAM_HOLDS));
		if (!run.arr_rng[i] || !run.hold_rng[i])
			goto fail;
		if (w->kind == CFG_WORKLOAD_BATCH) {
			run.bw[i] = batch_create(&w->batch, run.sim, &run.db, run.by_pool[w->pool],
						 run.users, run.arr_rng[i], run.hold_rng[i],
						 sc->warmup_s, sc->horizon_s, &out->batches[i]);
			if (!run.bw[i])
				goto fail;
			if (run.bouncer)
				batch_use_pgbouncer(run.bw[i], run.bouncer);
			continue;
		}
		int procs = w->req.processes > 0 ? w->req.processes : sc->processes;
		run.wl[i] = requests_create(&w->req, run.sim, &run.db, run.by_pool[w->pool],
					    procs > 0 ? procs : 1, run.users, run.arr_rng[i],
					    run.hold_rng[i], sc->warmup_s, sc->horizon_s,
					    &out->workloads[i]);
		if (!run.wl[i])
			goto fail;
		if (run.bouncer)
			requests_use_pgbouncer(run.wl[i], run.bouncer);
		const struct cfg_reads *rd = &w->req.reads;
		if (rd->n_pools > 0) {
			struct pool *const *rp[CFG_MAX_REPLICAS];
			struct database *rs[CFG_MAX_REPLICAS];
			for (int k = 0; k < rd->n_pools; k++) {
				rp[k] = run.by_pool[rd->pools[k]];
				rs[k] = server(&run, sc->pools[rd->pools[k]].server);
			}
			run.route_rng[i] = rng_stream_create(sc->seed, rep,
							     rng_stream_id(w->name, STREAM_ROUTING));
			if (!run.route_rng[i] || requests_route_reads(run.wl[i], run.route_rng[i], rp, rs))
				goto fail;
		}
		if (hooks && hooks->on_arrival) {
			run.hook[i] = (struct arrival_hook){.hooks = hooks, .workload = i};
			requests_observe_arrivals(run.wl[i], observe_arrival, &run.hook[i]);
		}
	}

	if (sc->warmup_s > 0 &&
	    !sim_schedule_at(run.sim, sc->warmup_s, PRIO_COMPLETION, ev_warmup_end, &run, 0))
		goto fail;
	if (!sim_schedule_at(run.sim, sc->horizon_s, PRIO_ARRIVAL, ev_horizon, &run, 0))
		goto fail;
	if (hooks && hooks->on_sample && hooks->sample_step_s > 0) {
		run.sampler = hooks;
		run.n_samples = model_sample_count(sc->horizon_s, hooks->sample_step_s);
		if (!sim_schedule_at(run.sim, 0, PRIO_SAMPLE, ev_sample, &run, 0))
			goto fail;
	}
	for (int i = 0; i < sc->n_workloads; i++) {
		if (run.wl[i])
			requests_start(run.wl[i]);
		if (run.bw[i])
			batch_start(run.bw[i]);
	}
	sim_run(run.sim, INFINITY);
	if (sim_status(run.sim)) {
		status = sim_status(run.sim);
		for (int k = 0; status == PT_EOVERLOAD && k < n_inst; k++) {
			const struct cfg_pool *pc = pool_config(run.pools[k]);
			if (pc->max_waiting > 0 && pool_waiting(run.pools[k]) >= pc->max_waiting &&
			    out->overloaded_pool < 0)
				out->overloaded_pool = k % sc->n_pools;
		}
		goto fail;
	}
	/* Nothing is left to run, yet clients wait at PgBouncer: with query_wait_timeout 0 they
	 * wait forever (every server linked elsewhere for good). Their requests would never end:
	 * an error, not a run that drops them. */
	for (int k = 0; run.bouncer && k <= sc->n_replicas; k++) {
		struct pgbouncer_status g;
		if (run.bouncer_db[k] < 0)
			continue;
		pgbouncer_status(run.bouncer, run.bouncer_db[k], &g);
		if (g.cl_waiting > 0) {
			status = PT_ESTUCK;
			out->stuck_server = k;
			out->stuck_clients = g.cl_waiting;
			goto fail;
		}
	}
	for (int i = 0; i < sc->n_workloads; i++)
		if (run.wl[i])
			requests_finish(run.wl[i]);

	out->db_refused = run.db.refused;
	for (int k = 0; k < sc->n_replicas; k++)
		out->replicas[k].refused = run.replica[k].refused;
	for (int k = 0; run.bouncer && k <= sc->n_replicas; k++)
		if (run.bouncer_db[k] >= 0)
			count_pgbouncer(&out->pgbouncer[k], run.bouncer, run.bouncer_db[k]);
	for (int i = 0; i < sc->n_pools; i++)
		count_pool(&out->pools[i], run.by_pool[i], run.n_proc);
	if (run.sampler_oom)
		goto fail;
	out->events = sim_events_run(run.sim) - run.sample_events;
	out->peak_pending = sim_peak_pending(run.sim);
	out->end_s = sim_now(run.sim);
	status = PT_OK;
fail:
	for (int i = 0; i < sc->n_workloads; i++) {
		requests_destroy(run.wl[i]);
		batch_destroy(run.bw[i]);
		if (run.arr_rng[i])
			gsl_rng_free(run.arr_rng[i]);
		if (run.hold_rng[i])
			gsl_rng_free(run.hold_rng[i]);
		if (run.route_rng[i])
			gsl_rng_free(run.route_rng[i]);
	}
	/* either array may be missing (out of memory while setting up) */
	for (int i = 0; i < n_inst; i++) {
		if (run.pools)
			pool_destroy(run.pools[i]);
		if (run.pool_rng && run.pool_rng[i])
			gsl_rng_free(run.pool_rng[i]);
	}
	for (int i = 0; i < sc->n_pools; i++)
		free(run.by_pool[i]);
	free(run.pools);
	free(run.pool_rng);
	users_destroy(run.own_users);
	pgbouncer_destroy(run.bouncer);
	for (int k = 0; k <= CFG_MAX_REPLICAS; k++)
		if (run.bouncer_rng[k])
			gsl_rng_free(run.bouncer_rng[k]);
	locks_destroy(run.locks);
	cpu_destroy(run.cpu);
	for (int k = 0; k < CFG_MAX_REPLICAS; k++)
		cpu_destroy(run.replica_cpu[k]);
	sim_destroy(run.sim);
	out->status = status;
	return status;
}

/* The largest rate an arrival process reaches, per second. */
static double peak_rate(const struct cfg_arrival *a, double horizon_s)
{
	if (a->trace_n > 0)
		return horizon_s > 0 ? (double)a->trace_n / horizon_s : 0;
	double r = a->rate_per_s;
	if (a->n_profile > 0) {
		r = 0;
		for (int i = 0; i < a->n_profile; i++)
			r = fmax(r, a->profile[i].rate_per_s);
	}
	double f = 1;
	for (int i = 0; i < a->n_bursts; i++)
		f = fmax(f, a->bursts[i].factor);
	return r * f;
}

/* The fraction of requests workload w's transactions that run on pool `pool` (routing.h):
 * its own pool takes the writes and the reads not routed, (1 - writes)(1 - share) of them;
 * each of its read pools an equal part of the routed reads, (1 - writes) share / n (in
 * expectation, round-robin and random alike). */
static double pool_fraction(const struct cfg_workload *w, int pool)
{
	const struct cfg_reads *rd = &w->req.reads;
	double routed = rd->n_pools > 0 ? (1 - w->req.writes) * rd->share : 0;
	double f = w->pool == pool ? 1 - routed : 0;
	for (int k = 0; k < rd->n_pools; k++)
		if (rd->pools[k] == pool)
			f += routed / rd->n_pools;
	return f;
}

double model_offered_erlangs(const struct cfg_scenario *sc, int pool)
{
	double e = 0;
	/* the round trips are to the pool's own server (a replica may be further away) */
	double rtt_s = cfg_server(sc, sc->pools[pool].server)->rtt_s;
	for (int i = 0; i < sc->n_workloads; i++) {
		const struct cfg_workload *w = &sc->workloads[i];
		if (w->kind != CFG_WORKLOAD_REQUESTS)
			continue;
		double f = pool_fraction(w, pool);
		if (!(f > 0))
			continue;
		int procs = w->req.processes > 0 ? w->req.processes : sc->processes;
		double hold = w->req.db_time.mean + w->req.app_time.mean +
			      (w->req.statements + 2) * rtt_s;
		e += f * peak_rate(&w->req.arrival, sc->horizon_s) / (procs > 0 ? procs : 1) * hold;
	}
	return e;
}

void model_failure_text(const struct cfg_scenario *sc, const struct model_result *r, char *buf,
			size_t len)
{
	if (r->status == PT_ELIMIT) {
		/* the estimate counts what a scenario states; retries, statements that wait, and
		 * pools that churn can add work it does not foresee */
		snprintf(buf, len,
			 "a replication reached %.3g events, the limit (--max-events), against an estimate "
			 "of %.3g for the whole replication: its work outgrew the estimate (retries? "
			 "a queue that never drains?); raise --max-events to let it run",
			 sc->max_events, model_estimate_events(sc));
		return;
	}
	if (r->status == PT_ESTUCK && r->stuck_server >= 0) {
		const struct cfg_pgbouncer *g = &sc->pgbouncer;
		char who[CFG_NAME_MAX + 16];
		snprintf(who, sizeof who, r->stuck_server ? "replica %s's" : "the %s's",
			 cfg_server_name(sc, r->stuck_server));
		snprintf(buf, len,
			 "PgBouncer: %d client%s of %s database still waited for a server when "
			 "nothing was left to free one, and query_wait_timeout 0 waits forever%s: "
			 "their requests would never end (set query_wait_timeout, or more servers)",
			 r->stuck_clients, r->stuck_clients == 1 ? "" : "s", who,
			 g->pool_mode == CFG_POOL_MODE_SESSION
				 ? " (session pooling: each server stays linked to a client connection "
				   "until the application closes it)"
				 : "");
		return;
	}
	if (r->status != PT_EOVERLOAD || r->overloaded_pool < 0) {
		snprintf(buf, len, "%s", pt_strerror(r->status));
		return;
	}
	const struct cfg_pool *pc = &sc->pools[r->overloaded_pool];
	int cap = pool_cfg_cap(pc);
	double erl = model_offered_erlangs(sc, r->overloaded_pool);
	if (cap > 0 && erl > 0) {
		/* whole numbers from 100 up, never 1e+04 */
		char f[32], e[32];
		snprintf(f, sizeof f, erl / cap >= 100 ? "%.0f" : "%.3g", erl / cap);
		snprintf(e, sizeof e, erl >= 100 ? "%.0f" : "%.3g", erl);
		snprintf(buf, len,
			 "pool %s: the queue of waiting requests grew past %d (pools.%s.max_waiting): "
			 "the pool is overloaded by a factor of %s (%s connections busy offered "
			 "at the peak rate, against a cap of %d)",
			 pc->name, pc->max_waiting, pc->name, f, e, cap);
	} else {
		snprintf(buf, len,
			 "pool %s: the queue of waiting requests grew past %d (pools.%s.max_waiting): "
			 "the pool is overloaded",
			 pc->name, pc->max_waiting, pc->name);
	}
}
