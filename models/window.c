#include "models/window.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PER_OCTAVE 16
#define OCTAVES 27                      /* 1e-4 s * 2^27 = 13 422 s */
#define LOW_S 1e-4
#define NB (2 + OCTAVES * PER_OCTAVE + 1) /* zero, (0, LOW), the octaves, overflow */

struct bin {
	uint32_t done, failed;
	uint32_t h[NB];
};

struct sums {
	uint64_t done, failed;
	uint64_t h[NB];
};

struct windows {
	int n;
	int64_t len[WINDOW_MAX];   /* seconds */
	int64_t ring_n;            /* bins kept: the longest length + 1 (the bin being filled
				      must not reuse a slot a window still has to subtract) */
	int64_t n_bins;            /* bins in the period: ceil(end - start) */
	double start_s;
	int64_t cur;               /* the bin being filled */
	bool any_full[WINDOW_MAX];
	struct bin *ring;          /* ring[s % ring_n] is bin s */
	struct sums sum[WINDOW_MAX];
	struct window_result res[WINDOW_MAX];
};

static int bucket_of(double w)
{
	if (!(w > 0))
		return 0;
	if (w < LOW_S)
		return 1;
	int b = 2 + (int)floor(log2(w / LOW_S) * PER_OCTAVE);
	return b < NB - 1 ? b : NB - 1;
}

/* A value for bucket b: 0, the low bound, the geometric middle, or the overflow's floor. */
static double bucket_value(int b)
{
	if (b == 0)
		return 0;
	if (b == 1)
		return LOW_S;
	if (b == NB - 1)
		return LOW_S * exp2((double)OCTAVES);
	return LOW_S * exp2((b - 2 + 0.5) / PER_OCTAVE);
}

/* The 0.99 quantile of the waits in s: the smallest value with at least 99 % of the waits at
 * or below it (rank ceil(0.99 n)); NAN when empty. */
static double p99(const struct sums *s)
{
	uint64_t n = 0;
	for (int b = 0; b < NB; b++)
		n += s->h[b];
	if (n == 0)
		return NAN;
	uint64_t rank = (uint64_t)ceil(0.99 * (double)n), seen = 0;
	for (int b = 0; b < NB; b++) {
		seen += s->h[b];
		if (seen >= rank)
			return bucket_value(b);
	}
	return bucket_value(NB - 1);
}

struct windows *windows_create(const double *lengths_s, int n, double start_s, double end_s)
{
	struct windows *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->n = n < WINDOW_MAX ? n : WINDOW_MAX;
	w->start_s = start_s;
	double span = end_s - start_s;
	w->n_bins = span > 0 ? (int64_t)ceil(span) : 0;
	w->ring_n = 1;
	for (int i = 0; i < w->n; i++) {
		double l = round(lengths_s[i]);
		w->len[i] = l >= 1 ? (int64_t)l : 1;
		if (w->len[i] > w->ring_n)
			w->ring_n = w->len[i];
		w->res[i] = (struct window_result){(double)w->len[i], NAN, NAN, NAN, NAN};
	}
	w->ring_n++;
	w->ring = calloc((size_t)w->ring_n, sizeof *w->ring);
	if (!w->ring) {
		free(w);
		return NULL;
	}
	return w;
}

void windows_destroy(struct windows *w)
{
	if (!w)
		return;
	free(w->ring);
	free(w);
}

static void judge(struct windows *w, int i, double start)
{
	struct window_result *r = &w->res[i];
	const struct sums *s = &w->sum[i];
	if (s->done > 0) {
		double rate = (double)s->failed / (double)s->done;
		if (isnan(r->failure_rate) || rate > r->failure_rate) {
			r->failure_rate = rate;
			r->failure_start_s = start;
		}
	}
	double q = p99(s);
	if (!isnan(q) && (isnan(r->wait_p99) || q > r->wait_p99)) {
		r->wait_p99 = q;
		r->wait_start_s = start;
	}
}

/* Bin s is complete: it joins every window's sums, the bin a window length ago leaves them,
 * and every window that is now full is judged. */
static void close_bin(struct windows *w, int64_t s)
{
	const struct bin *in = &w->ring[s % w->ring_n];
	for (int i = 0; i < w->n; i++) {
		struct sums *su = &w->sum[i];
		su->done += in->done;
		su->failed += in->failed;
		for (int b = 0; b < NB; b++)
			su->h[b] += in->h[b];
		if (s - w->len[i] >= 0) {
			const struct bin *out = &w->ring[(s - w->len[i]) % w->ring_n];
			su->done -= out->done;
			su->failed -= out->failed;
			for (int b = 0; b < NB; b++)
				su->h[b] -= out->h[b];
		}
		if (s + 1 >= w->len[i]) {
			w->any_full[i] = true;
			judge(w, i, w->start_s + (double)(s + 1 - w->len[i]));
		}
	}
}

/* Nothing in any window and nothing in the bin being filled: closing bins changes no sum and
 * judges nothing (an empty window has no rate and no quantile). */
static bool idle(const struct windows *w)
{
	for (int i = 0; i < w->n; i++)
		if (w->sum[i].done)
			return false;
	return w->ring[w->cur % w->ring_n].done == 0;
}

/* Close bins until `to` is the bin being filled; a bin reused by the ring starts empty. An
 * idle stretch is skipped in one step, so the cost follows the requests, not the horizon
 * (a profile that ends at 0 under a horizon of 1000 days). */
static void advance(struct windows *w, int64_t to)
{
	while (w->cur < to) {
		if (idle(w)) {
			for (int i = 0; i < w->n; i++)
				if (to >= w->len[i])
					w->any_full[i] = true;
			memset(w->ring, 0, (size_t)w->ring_n * sizeof *w->ring);
			w->cur = to;
			return;
		}
		close_bin(w, w->cur);
		w->cur++;
		/* the bin about to be filled reuses the slot of bin cur - ring_n, which every
		 * window let go of when bin cur - 1 closed (ring_n > the longest length) */
		memset(&w->ring[w->cur % w->ring_n], 0, sizeof *w->ring);
	}
}

void windows_add(struct windows *w, double t, bool failed, double wait_s)
{
	double x = t - w->start_s;
	if (!(x >= 0))
		return;
	int64_t s = (int64_t)floor(x);
	if (s >= w->n_bins)
		return;
	if (s > w->cur)
		advance(w, s);
	struct bin *b = &w->ring[s % w->ring_n];
	b->done++;
	if (failed)
		b->failed++;
	else
		b->h[bucket_of(wait_s)]++;
}

void windows_finish(struct windows *w, struct window_result *out)
{
	if (w->n_bins > 0) {
		advance(w, w->n_bins - 1);
		close_bin(w, w->n_bins - 1);
	}
	for (int i = 0; i < w->n; i++) {
		/* a period shorter than the window: the window is the whole period */
		if (!w->any_full[i] && w->n_bins > 0)
			judge(w, i, w->start_s);
		out[i] = w->res[i];
	}
}
