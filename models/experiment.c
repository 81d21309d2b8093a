#include "models/experiment.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

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
	struct model_result *base;      /* the baseline variant's result of the current replication */
};

int experiment_tasks(const struct experiment *ex) { return ex->n_variants * ex->nrep; }

int experiment_task_variant(const struct experiment *ex, int k) { return k % ex->n_variants; }

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
	int v = k % ex->n_variants, r = k / ex->n_variants;
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
	int v = k % ex->n_variants;
	if (v == 0) {
		model_result_destroy(f->base);
		f->base = r;
	}
	if (r)
		aggregate_add(ex->aggs[v], r, f->base);
	if (ex->hooks && ex->hooks[v].on_result)
		ex->hooks[v].on_result(ex->hooks[v].result_ctx, k / ex->n_variants, r);
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
	return experiment_run_on(ex, n_variants, cfgs, threads, NULL, NULL, progress, pctx);
}

int experiment_run_sampled(struct experiment *ex, int n_variants,
			   const struct cfg_scenario *const *cfgs, int threads,
			   const struct model_hooks *hooks, runner_progress_fn progress, void *pctx)
{
	return experiment_run_on(ex, n_variants, cfgs, threads, hooks, NULL, progress, pctx);
}

int experiment_run_on(struct experiment *ex, int n_variants,
		      const struct cfg_scenario *const *cfgs, int threads,
		      const struct model_hooks *hooks, const struct experiment_backend *backend,
		      runner_progress_fn progress, void *pctx)
{
	*ex = (struct experiment){.n_variants = n_variants, .cfgs = cfgs, .hooks = hooks,
				  .failed = -1};
	ex->nrep = cfgs[0]->replications;
	if (threads <= 0)
		threads = runner_default_threads();
	ex->aggs = calloc((size_t)n_variants, sizeof *ex->aggs);
	struct experiment_fold *f = calloc(1, sizeof *f);
	if (!ex->aggs || !f)
		goto oom;
	for (int v = 0; v < n_variants; v++)
		if (!(ex->aggs[v] = aggregate_create(cfgs[v])))
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
	if (backend)
		st = backend->run(backend->ctx, ex, threads, progress, pctx);
	else
		runner_run(experiment_tasks(ex), threads, run_one, ex, progress, pctx, 0.25);
	model_result_destroy(f->base);
	pthread_cond_destroy(&f->turn);
	pthread_mutex_destroy(&f->mu);
	free(f->slots);
	free(f->ready);
	free(f);
	ex->fold = NULL;
	return st ? st : ex->status;
oom:
	if (f) {
		free(f->slots);
		free(f->ready);
	}
	free(f);
	experiment_fini(ex);
	return PT_ENOMEM;
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
}

const struct aggregate *experiment_aggregate(const struct experiment *ex, int v)
{
	return ex->aggs[v];
}
