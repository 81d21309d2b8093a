#include "sim/runner.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sim/status.h"

struct shared {
	pthread_mutex_t mu;
	pthread_cond_t done_cv;
	int next, done, n;
	runner_task_fn task;
	void *ctx;
};

int runner_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(n > 256 ? 256 : n) : 1;
}

static void *worker(void *arg)
{
	struct shared *s = arg;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		int i = s->next < s->n ? s->next++ : -1;
		pthread_mutex_unlock(&s->mu);
		if (i < 0)
			return NULL;
		s->task(s->ctx, i);
		pthread_mutex_lock(&s->mu);
		s->done++;
		pthread_cond_signal(&s->done_cv);
		pthread_mutex_unlock(&s->mu);
	}
}

int runner_run(int n, int threads, runner_task_fn task, void *ctx, runner_progress_fn progress,
	       void *pctx, double tick)
{
	if (threads <= 0)
		threads = runner_default_threads();
	if (threads > n)
		threads = n;
	if (n <= 0)
		return PT_OK;
	struct shared s = {.next = 0, .done = 0, .n = n, .task = task, .ctx = ctx};
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.done_cv, NULL);
	pthread_t *tids = malloc((size_t)threads * sizeof *tids);
	int started = 0;
	for (int i = 0; tids && i < threads; i++) {
		if (pthread_create(&tids[i], NULL, worker, &s) != 0)
			break;
		started++;
	}
	if (started == 0) {
		/* No thread: run everything here. */
		for (int i = 0; i < n; i++) {
			task(ctx, i);
			if (progress)
				progress(pctx, i + 1, n);
		}
	} else {
		pthread_mutex_lock(&s.mu);
		int reported = -1;
		while (s.done < n) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			double t = ts.tv_nsec / 1e9 + (tick > 0 ? tick : 0.25);
			ts.tv_sec += (time_t)t;
			ts.tv_nsec = (long)((t - (double)(time_t)t) * 1e9);
			pthread_cond_timedwait(&s.done_cv, &s.mu, &ts);
			int d = s.done;
			if (progress) {
				pthread_mutex_unlock(&s.mu);
				progress(pctx, d, n);
				reported = d;
				pthread_mutex_lock(&s.mu);
			}
		}
		pthread_mutex_unlock(&s.mu);
		if (progress && reported != n)
			progress(pctx, n, n);
		for (int i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
	}
	free(tids);
	pthread_cond_destroy(&s.done_cv);
	pthread_mutex_destroy(&s.mu);
	return PT_OK;
}
