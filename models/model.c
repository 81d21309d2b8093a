#include "models/model.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "models/database.h"
#include "models/pool.h"
#include "sim/rng.h"
#include "sim/status.h"

struct run {
	const struct cfg_scenario *sc;
	struct model_result *out;
	struct sim *sim;
	struct database db;
	struct pool *pools[CFG_MAX_POOLS];
	gsl_rng *pool_rng[CFG_MAX_POOLS];
	struct requests *wl[CFG_MAX_WORKLOADS];
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

static void ev_warmup_end(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct run *run = obj;
	for (int i = 0; i < run->sc->n_pools; i++)
		pool_reset(run->pools[i]);
	database_reset(&run->db, sim_now(sim));
}

static void snapshot_pool(struct pool_result *pr, const struct pool *p, double t)
{
	const struct pool_stats *s = pool_stats(p);
	memset(pr, 0, sizeof *pr); /* padding too: results are compared byte for byte */
	*pr = (struct pool_result){
		.checkouts = s->checkouts,
		.timeouts = s->timeouts,
		.refused = s->refused,
		.connects = s->connects,
		.closes = s->closes,
		.reconnects = s->reconnects,
		.pings = s->pings,
		.checked_out_mean = level_mean(&s->checked_out, t),
		.checked_out_max = s->checked_out.max,
		.checked_in_mean = level_mean(&s->checked_in, t),
		.overflow_mean = level_mean(&s->overflow, t),
		.overflow_max = s->overflow.max,
		.waiters_mean = level_mean(&s->waiters, t),
		.waiters_max = s->waiters.max,
		.open_mean = level_mean(&s->open, t),
		.open_max = s->open.max,
		.exhausted_share = level_mean(&s->exhausted, t),
		.longest_exhausted_s = s->longest_exhausted_s,
		.first_timeout_overflow = s->first_timeout_overflow,
	};
	if (s->exhausted_since >= 0 && t - s->exhausted_since > pr->longest_exhausted_s)
		pr->longest_exhausted_s = t - s->exhausted_since;
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
		snapshot_pool(&run->out->pools[i], run->pools[i], t);
	run->out->db_open_mean = level_mean(&run->db.open_level, t);
	run->out->db_open_max = run->db.open_level.max;
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
	for (int i = 0; i < run->sc->n_pools; i++) {
		const struct pool *p = run->pools[i];
		struct model_sample s = {
			.t_s = sim_now(sim),
			.pool = i,
			.checked_out = pool_checked_out(p),
			.checked_in = pool_checked_in(p),
			.overflow = pool_overflow(p),
			.waiters = pool_waiting(p),
			.open = pool_open(p),
		};
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

int model_run(const struct cfg_scenario *sc, uint64_t rep, struct model_result *out,
	      const struct model_hooks *hooks)
{
	int status = PT_ENOMEM;
	struct run run = {.sc = sc, .out = out};
	memset(out, 0, sizeof *out);
	out->n_pools = sc->n_pools;
	out->n_workloads = sc->n_workloads;

	run.sim = sim_create();
	if (!run.sim)
		goto fail;
	database_init(&run.db, &sc->db, 0);
	for (int i = 0; i < sc->n_pools; i++) {
		const struct cfg_pool *pc = &sc->pools[i];
		run.pool_rng[i] =
			rng_stream_create(sc->seed, rep, rng_stream_id(pc->name, STREAM_CONNECT));
		if (!run.pool_rng[i])
			goto fail;
		run.pools[i] = pool_create(pc, run.sim, &run.db, run.pool_rng[i]);
		if (!run.pools[i])
			goto fail;
	}
	for (int i = 0; i < sc->n_workloads; i++) {
		const struct cfg_workload *w = &sc->workloads[i];
		run.arr_rng[i] = rng_stream_create(sc->seed, rep, rng_stream_id(w->name, STREAM_ARRIVALS));
		run.hold_rng[i] = rng_stream_create(sc->seed, rep, rng_stream_id(w->name, STREAM_HOLDS));
		if (!run.arr_rng[i] || !run.hold_rng[i])
			goto fail;
		run.wl[i] = requests_create(&w->req, sc->db.rtt_s, run.sim, run.pools[w->pool],
					    run.arr_rng[i], run.hold_rng[i], sc->warmup_s,
					    sc->horizon_s, &out->workloads[i]);
		if (!run.wl[i])
			goto fail;
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
	for (int i = 0; i < sc->n_workloads; i++)
		requests_start(run.wl[i]);
	sim_run(run.sim, INFINITY);

	out->db_refused = run.db.refused;
	for (int i = 0; i < sc->n_pools; i++) {
		/* Counters include the drain (the requests arrived before the horizon). */
		const struct pool_stats *s = pool_stats(run.pools[i]);
		out->pools[i].checkouts = s->checkouts;
		out->pools[i].timeouts = s->timeouts;
		out->pools[i].refused = s->refused;
		out->pools[i].connects = s->connects;
		out->pools[i].closes = s->closes;
		out->pools[i].reconnects = s->reconnects;
		out->pools[i].pings = s->pings;
		out->pools[i].first_timeout_overflow = s->first_timeout_overflow;
	}
	if (run.sampler_oom)
		goto fail;
	out->events = sim_events_run(run.sim) - run.sample_events;
	out->peak_pending = sim_peak_pending(run.sim);
	out->end_s = sim_now(run.sim);
	status = PT_OK;
fail:
	for (int i = 0; i < sc->n_workloads; i++) {
		requests_destroy(run.wl[i]);
		if (run.arr_rng[i])
			gsl_rng_free(run.arr_rng[i]);
		if (run.hold_rng[i])
			gsl_rng_free(run.hold_rng[i]);
	}
	for (int i = 0; i < sc->n_pools; i++) {
		pool_destroy(run.pools[i]);
		if (run.pool_rng[i])
			gsl_rng_free(run.pool_rng[i]);
	}
	sim_destroy(run.sim);
	return status;
}
