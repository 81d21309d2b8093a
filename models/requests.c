#include "models/requests.h"

#include <stdlib.h>
#include <gsl/gsl_randist.h>

#include "sim/dist.h"

#define REQ_CHUNK 256

struct request {
	struct pool_client pc;  /* first: the pool hands back a pointer to it */
	struct requests *wl;
	struct pool_conn *conn;
	double hold_s;
	bool counted;
	struct request *next_free;
};

struct req_chunk {
	struct req_chunk *next;
	struct request reqs[REQ_CHUNK];
};

struct requests {
	const struct cfg_requests *cfg;
	double rtt_overhead_s;
	struct sim *sim;
	struct pool *pool;
	gsl_rng *arrivals, *holds;
	double warmup_s, horizon_s, mean_gap_s;
	struct requests_stats *st;
	struct request *free_reqs;
	struct req_chunk *chunks;
	uint64_t in_flight;
	void (*observe)(void *ctx, double t);
	void *observe_ctx;
};

static void ev_arrival(struct sim *sim, void *obj, uint64_t arg);
static void ev_release(struct sim *sim, void *obj, uint64_t arg);

struct requests *requests_create(const struct cfg_requests *cfg, double rtt_s,
				 struct sim *sim, struct pool *pool, gsl_rng *arrivals,
				 gsl_rng *holds, double warmup_s, double horizon_s,
				 struct requests_stats *stats)
{
	struct requests *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->cfg = cfg;
	r->rtt_overhead_s = (cfg->statements + 2) * rtt_s;
	r->sim = sim;
	r->pool = pool;
	r->arrivals = arrivals;
	r->holds = holds;
	r->warmup_s = warmup_s;
	r->horizon_s = horizon_s;
	r->mean_gap_s = 1.0 / cfg->rate_per_s;
	r->st = stats;
	tally_init(&stats->wait_served);
	tally_init(&stats->wait_all);
	tally_init(&stats->connect);
	tally_init(&stats->hold);
	histo_init(&stats->h_served);
	histo_init(&stats->h_all);
	stats->offered = stats->served = stats->timed_out = stats->refused = 0;
	return r;
}

void requests_destroy(struct requests *r)
{
	if (!r)
		return;
	while (r->chunks) {
		struct req_chunk *c = r->chunks;
		r->chunks = c->next;
		free(c);
	}
	free(r);
}

uint64_t requests_in_flight(const struct requests *r) { return r->in_flight; }

void requests_observe_arrivals(struct requests *r, void (*fn)(void *ctx, double t), void *ctx)
{
	r->observe = fn;
	r->observe_ctx = ctx;
}

static struct request *req_new(struct requests *r)
{
	if (!r->free_reqs) {
		struct req_chunk *c = malloc(sizeof *c);
		if (!c)
			abort(); /* out of memory inside an event handler */
		c->next = r->chunks;
		r->chunks = c;
		for (int i = REQ_CHUNK - 1; i >= 0; i--) {
			c->reqs[i].next_free = r->free_reqs;
			r->free_reqs = &c->reqs[i];
		}
	}
	struct request *q = r->free_reqs;
	r->free_reqs = q->next_free;
	r->in_flight++;
	return q;
}

static void req_free(struct requests *r, struct request *q)
{
	q->next_free = r->free_reqs;
	r->free_reqs = q;
	r->in_flight--;
}

static void schedule_next(struct requests *r)
{
	double t = sim_now(r->sim) + gsl_ran_exponential(r->arrivals, r->mean_gap_s);
	if (t < r->horizon_s)
		sim_schedule_at(r->sim, t, PRIO_ARRIVAL, ev_arrival, r, 0);
}

void requests_start(struct requests *r) { schedule_next(r); }

static void on_ready(struct pool_client *c, struct pool_conn *conn)
{
	struct request *q = (struct request *)c;
	struct requests *r = q->wl;
	double now = sim_now(r->sim);
	q->conn = conn;
	if (q->counted) {
		double wait = now - c->t_request;
		struct requests_stats *s = r->st;
		s->served++;
		tally_add(&s->wait_served, wait);
		tally_add(&s->wait_all, wait);
		tally_add(&s->connect, c->connect_s);
		tally_add(&s->hold, q->hold_s);
		histo_add(&s->h_served, wait);
		histo_add(&s->h_all, wait);
	}
	sim_schedule_at(r->sim, now + q->hold_s, PRIO_COMPLETION, ev_release, q, 0);
}

static void on_fail(struct pool_client *c, enum pool_failure why)
{
	struct request *q = (struct request *)c;
	struct requests *r = q->wl;
	if (q->counted) {
		double wait = sim_now(r->sim) - c->t_request;
		struct requests_stats *s = r->st;
		if (why == POOL_TIMEOUT)
			s->timed_out++;
		else
			s->refused++;
		tally_add(&s->wait_all, wait);
		histo_add(&s->h_all, wait);
	}
	req_free(r, q);
}

static void ev_release(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct request *q = obj;
	struct requests *r = q->wl;
	pool_checkin(r->pool, q->conn);
	req_free(r, q);
}

static void ev_arrival(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct requests *r = obj;
	double now = sim_now(sim);
	if (r->observe)
		r->observe(r->observe_ctx, now);
	/* Draw this request's hold before anything else so the draw order is the arrival order
	 * in every variant. */
	double hold = dist_sample(&r->cfg->db_time, r->holds) +
		      dist_sample(&r->cfg->app_time, r->holds) + r->rtt_overhead_s;
	schedule_next(r);
	struct request *q = req_new(r);
	q->wl = r;
	q->conn = NULL;
	q->hold_s = hold;
	q->counted = now >= r->warmup_s;
	q->pc.on_ready = on_ready;
	q->pc.on_fail = on_fail;
	if (q->counted)
		r->st->offered++;
	pool_checkout(r->pool, &q->pc);
}
