#include "models/experiment.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/users.h"
#include "sim/status.h"

/* The fold in progress: results that finished ahead of their turn wait in slots[k % window]
 * until every task before them has been folded. */
struct experiment_fold {
	pthread_mutex_t mu;
	pthread_cond_t turn;
	int window;
	int next;                       /* the next task to fold */
	struct model_result **slots;    /* [window] */
	unsigned char *ready;           /* [window]: slots[i] holds a result, or NULL for a failed
					   task */
	struct model_result *base;      /* the baseline variant's result of replication base_rep */
	int base_rep;                   /* or -1 */
};

int experiment_tasks(const struct experiment *ex) { return ex->n_tasks; }

int experiment_task_variant(const struct experiment *ex, int k) { return ex->task_var[k]; }

bool experiment_may_start(struct experiment *ex, int k)
{
	struct experiment_fold *f = ex->fold;
	pthread_mutex_lock(&f->mu);
	bool ok = k < f->next + f->window;
	pthread_mutex_unlock(&f->mu);
	return ok;
}

void experiment_wait_turn(struct experiment *ex, int k)
{
	struct experiment_fold *f = ex->fold;
	pthread_mutex_lock(&f->mu);
	while (k >= f->next + f->window)
		pthread_cond_wait(&f->turn, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

void experiment_set_failure(struct experiment *ex, int k, int status, const char *text)
{
	struct experiment_fold *f = ex->fold;
	pthread_mutex_lock(&f->mu);
	if (ex->failed < 0 || k < ex->failed) {
		ex->status = status;
		ex->failed = k;
		snprintf(ex->failure, sizeof ex->failure, "%s", text ? text : pt_strerror(status));
	}
	pthread_mutex_unlock(&f->mu);
}

struct model_result *experiment_compute(struct experiment *ex, int k)
{
	int v = ex->task_var[k], r = ex->task_rep[k];
	const struct model_hooks *h = ex->hooks && r == 0 ? &ex->hooks[v] : NULL;
	struct model_result *res = model_result_create(ex->cfgs[v]);
	int st = res ? model_run_shared(ex->cfgs[v], (uint64_t)r, res, h, ex->users[v])
		     : PT_ENOMEM;
	if (st) {
		/* The first failure in task order is reported, whatever the threads. */
		struct experiment_fold *f = ex->fold;
		pthread_mutex_lock(&f->mu);
		if (ex->failed < 0 || k < ex->failed) {
			ex->status = st;
			ex->failed = k;
			if (res)
				model_failure_text(ex->cfgs[v], res, ex->failure, sizeof ex->failure);
			else
				snprintf(ex->failure, sizeof ex->failure, "%s", pt_strerror(st));
		}
		pthread_mutex_unlock(&f->mu);
		model_result_destroy(res);
		return NULL;
	}
	return res;
}

/* Fold task k (the next in order); called with the lock held. */
static void fold_one(struct experiment *ex, int k, struct model_result *r)
{
	struct experiment_fold *f = ex->fold;
	int v = ex->task_var[k], rep = ex->task_rep[k];
	if (v == 0) {
		model_result_destroy(f->base);
		f->base = r;
		f->base_rep = rep;
	}
	/* A pair needs the baseline's same replication (a sweep point that runs more
	 * replications than the baseline has none beyond the baseline's). */
	if (r)
		aggregate_add(ex->aggs[v], r, f->base_rep == rep ? f->base : NULL);
	if (ex->hooks && ex->hooks[v].on_result)
		ex->hooks[v].on_result(ex->hooks[v].result_ctx, rep, r);
	if (v != 0)
		model_result_destroy(r);
}

void experiment_deliver(struct experiment *ex, int k, struct model_result *r)
{
	struct experiment_fold *f = ex->fold;
	pthread_mutex_lock(&f->mu);
	f->slots[k % f->window] = r; /* NULL: a failed task, folded as nothing */
	f->ready[k % f->window] = 1;
	while (f->next < experiment_tasks(ex) && f->ready[f->next % f->window]) {
		int i = f->next % f->window;
		fold_one(ex, f->next, f->slots[i]);
		f->slots[i] = NULL;
		f->ready[i] = 0;
		f->next++;
	}
	pthread_cond_broadcast(&f->turn);
	pthread_mutex_unlock(&f->mu);
}

static void run_one(void *ctx, int k)
{
	struct experiment *ex = ctx;
	experiment_wait_turn(ex, k);
	experiment_deliver(ex, k, experiment_compute(ex, k));
}

int experiment_run(struct experiment *ex, int n_variants, const struct cfg_scenario *const *cfgs,
		   int threads, runner_progress_fn progress, void *pctx)
{
	return experiment_run_plan(ex, n_variants, cfgs, threads, NULL, progress, pctx);
}

int experiment_run_sampled(struct experiment *ex, int n_variants,
			   const struct cfg_scenario *const *cfgs, int threads,
			   const struct model_hooks *hooks, runner_progress_fn progress, void *pctx)
{
	return experiment_run_plan(ex, n_variants, cfgs, threads,
				   &(struct experiment_plan){.hooks = hooks}, progress, pctx);
}

int experiment_run_on(struct experiment *ex, int n_variants,
		      const struct cfg_scenario *const *cfgs, int threads,
		      const struct model_hooks *hooks, const struct experiment_backend *backend,
		      runner_progress_fn progress, void *pctx)
{
	return experiment_run_plan(ex, n_variants, cfgs, threads,
				   &(struct experiment_plan){.hooks = hooks, .backend = backend},
				   progress, pctx);
}

/* Progress over every round: the tasks of the rounds before, then this round's. */
struct round_progress {
	runner_progress_fn fn;
	void *ctx;
	int before;
};

static void round_progress(void *pctx, int done, int total)
{
	struct round_progress *p = pctx;
	p->fn(p->ctx, p->before + done, p->before + total);
}

/* The round's tasks: replications done[v] .. target[v] - 1 of every variant v, in
 * (replication, variant) order. Returns their number, or -1 when out of memory. */
static int plan_round(struct experiment *ex, const int *done, const int *target)
{
	int lo = -1, hi = 0, n = 0;
	for (int v = 0; v < ex->n_variants; v++) {
		if (target[v] > done[v]) {
			n += target[v] - done[v];
			lo = lo < 0 || done[v] < lo ? done[v] : lo;
		}
		hi = target[v] > hi ? target[v] : hi;
	}
	free(ex->task_var);
	free(ex->task_rep);
	ex->task_var = malloc((size_t)(n > 0 ? n : 1) * sizeof *ex->task_var);
	ex->task_rep = malloc((size_t)(n > 0 ? n : 1) * sizeof *ex->task_rep);
	ex->n_tasks = 0;
	if (!ex->task_var || !ex->task_rep)
		return -1;
	for (int r = lo < 0 ? hi : lo; r < hi; r++)
		for (int v = 0; v < ex->n_variants; v++)
			if (r >= done[v] && r < target[v]) {
				ex->task_var[ex->n_tasks] = v;
				ex->task_rep[ex->n_tasks++] = r;
			}
	return ex->n_tasks;
}

/* After a round: the targets of the next one from the stopping rule (models/precision.h).
 * Returns whether any target grew. */
static bool next_round(struct experiment *ex, const int *done, int *target)
{
	const struct precision *pr = &ex->precision;
	bool grew = false;
	int common = 0;
	for (int v = 0; v < ex->n_variants; v++) {
		long long need = precision_variant_need(ex->aggs[v], ex->cfgs[v], pr->rel);
		ex->decided[v] = need == 0;
		if (need == 0)
			continue;
		int t = precision_next(done[v], need, pr->max_reps);
		if (pr->per_variant) {
			grew |= t > done[v];
			target[v] = t;
		} else if (t > common) {
			common = t;
		}
	}
	if (!pr->per_variant && common > done[0]) {
		for (int v = 0; v < ex->n_variants; v++)
			target[v] = common;
		grew = true;
	}
	/* The event budget: the replications of every round so far and of this one, at the
	 * model's estimate of events per replication. Beyond it, no further round. */
	if (grew && pr->max_events > 0) {
		double events = 0;
		for (int v = 0; v < ex->n_variants; v++)
			events += model_estimate_events(ex->cfgs[v]) * target[v];
		if (!(events <= pr->max_events)) {
			memcpy(target, done, (size_t)ex->n_variants * sizeof *target);
			ex->event_limited = true;
			grew = false;
		}
	}
	return grew;
}

int experiment_run_plan(struct experiment *ex, int n_variants,
			const struct cfg_scenario *const *cfgs, int threads,
			const struct experiment_plan *plan, runner_progress_fn progress,
			void *pctx)
{
	static const struct experiment_plan none = {0};
	if (!plan)
		plan = &none;
	const struct experiment_backend *backend = plan->backend;
	*ex = (struct experiment){.n_variants = n_variants, .cfgs = cfgs, .hooks = plan->hooks,
				  .failed = -1};
	if (plan->precision && plan->precision->rel > 0)
		ex->precision = *plan->precision;
	if (threads <= 0)
		threads = runner_default_threads();
	int *done = calloc((size_t)n_variants, sizeof *done);
	int *target = calloc((size_t)n_variants, sizeof *target);
	ex->aggs = calloc((size_t)n_variants, sizeof *ex->aggs);
	struct experiment_fold *f = calloc(1, sizeof *f);
	if (!ex->aggs || !f || !done || !target)
		goto oom;
	for (int v = 0; v < n_variants; v++) {
		target[v] = plan->reps ? plan->reps[v] : cfgs[0]->replications;
		if (ex->precision.rel > 0 && target[v] > ex->precision.max_reps)
			target[v] = ex->precision.max_reps;
		if (!(ex->aggs[v] = aggregate_create(cfgs[v])))
			goto oom;
	}
	if (ex->precision.rel > 0 && !(ex->decided = calloc((size_t)n_variants, 1)))
		goto oom;
	/* One users table per distinct population, shared by the variants that have it and by
	 * every replication and thread (read-only). */
	ex->users = calloc((size_t)n_variants, sizeof *ex->users);
	ex->own_users = calloc((size_t)n_variants, sizeof *ex->own_users);
	if (!ex->users || !ex->own_users)
		goto oom;
	for (int v = 0; v < n_variants; v++) {
		for (int u = 0; u < v && !ex->users[v]; u++)
			if (cfgs[u]->users.count == cfgs[v]->users.count &&
			    cfgs[u]->users.zipf_s == cfgs[v]->users.zipf_s)
				ex->users[v] = ex->users[u];
		if (!ex->users[v]) {
			ex->users[v] = ex->own_users[v] = users_create(&cfgs[v]->users);
			if (!ex->users[v])
				goto oom;
		}
	}
	/* The window: enough tasks ahead for every thread (and remote slot) to stay busy while
	 * one slow task holds the fold back; the results waiting cost window x a result. */
	f->window = 4 * (threads + (backend ? backend->slots : 0)) + 4;
	f->slots = calloc((size_t)f->window, sizeof *f->slots);
	f->ready = calloc((size_t)f->window, 1);
	if (!f->slots || !f->ready)
		goto oom;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->turn, NULL);
	ex->fold = f;
	int st = PT_OK;
	struct round_progress rp = {.fn = progress, .ctx = pctx};
	for (;;) {
		int n = plan_round(ex, done, target);
		if (n < 0) {
			st = PT_ENOMEM;
			break;
		}
		ex->nrep = 0;
		for (int v = 0; v < n_variants; v++)
			ex->nrep = target[v] > ex->nrep ? target[v] : ex->nrep;
		if (n == 0)
			break;
		f->next = 0;
		f->base_rep = -1;
		if (backend)
			st = backend->run(backend->ctx, ex, threads, progress ? round_progress : NULL,
					  &rp);
		else
			runner_run(n, threads, run_one, ex, progress ? round_progress : NULL, &rp,
				   0.25);
		model_result_destroy(f->base);
		f->base = NULL;
		rp.before += n;
		if (st || ex->status)
			break;
		ex->rounds++;
		memcpy(done, target, (size_t)n_variants * sizeof *done);
		if (!(ex->precision.rel > 0) || !next_round(ex, done, target))
			break;
	}
	pthread_cond_destroy(&f->turn);
	pthread_mutex_destroy(&f->mu);
	free(f->slots);
	free(f->ready);
	free(f);
	ex->fold = NULL;
	free(done);
	free(target);
	return st ? st : ex->status;
oom:
	if (f) {
		free(f->slots);
		free(f->ready);
	}
	free(f);
	free(done);
	free(target);
	experiment_fini(ex);
	return PT_ENOMEM;
}

bool experiment_decided(const struct experiment *ex)
{
	for (int v = 0; ex->decided && v < ex->n_variants; v++)
		if (!ex->decided[v])
			return false;
	return true;
}

void experiment_fini(struct experiment *ex)
{
	if (ex->own_users)
		for (int v = 0; v < ex->n_variants; v++)
			users_destroy(ex->own_users[v]);
	free(ex->own_users);
	free(ex->users);
	ex->own_users = NULL;
	ex->users = NULL;
	if (ex->aggs)
		for (int v = 0; v < ex->n_variants; v++)
			aggregate_destroy(ex->aggs[v]);
	free(ex->aggs);
	ex->aggs = NULL;
	free(ex->task_var);
	free(ex->task_rep);
	free(ex->decided);
	ex->task_var = ex->task_rep = NULL;
	ex->decided = NULL;
}

const struct aggregate *experiment_aggregate(const struct experiment *ex, int v)
{
	return ex->aggs[v];
}
