#include "models/timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/status.h"

double timeline_step(double horizon_s)
{
	return timeline_step_for(horizon_s, TIMELINE_TARGET_INSTANTS);
}

double timeline_step_for(double horizon_s, int instants)
{
	static const double minutes[] = {10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
					 10800, 21600, 43200, 86400};
	double want = horizon_s / (instants > 0 ? instants : 1);
	if (!(want > 0))
		return 1;
	if (want <= 5) {
		/* 1, 2, 5 x 10^k: start one decade below and climb. A tiny relative slack keeps a
		 * step that is exactly readable (horizon 2000 s -> 1 s) from skipping up. */
		double dec = pow(10, floor(log10(want)) - 1);
		if (!(dec > 0))
			return want; /* a subnormal horizon: dec underflows to 0 and never climbs */
		for (;;) {
			static const double m[] = {1, 2, 5};
			for (int i = 0; i < 3; i++)
				if (m[i] * dec >= want * (1 - 1e-12))
					return m[i] * dec;
			dec *= 10;
		}
	}
	for (size_t i = 0; i < sizeof minutes / sizeof minutes[0]; i++)
		if (minutes[i] >= want * (1 - 1e-12))
			return minutes[i];
	double days = want / 86400, dec = pow(10, floor(log10(days)));
	for (;;) {
		static const double m[] = {1, 2, 5};
		for (int i = 0; i < 3; i++)
			if (m[i] * dec >= days * (1 - 1e-12))
				return m[i] * dec * 86400;
		dec *= 10;
	}
}

static void on_sample(void *ctx, const struct model_sample *s)
{
	struct timeline *tl = ctx;
	/* Capacity is exact (instants x pools), allocated before the run. */
	if (tl->n < tl->cap)
		tl->samples[tl->n++] = *s;
}

int timeline_prepare(struct timeline *tl, const struct cfg_scenario *sc, double step_s,
		     struct model_hooks *hooks)
{
	*tl = (struct timeline){.step_s = step_s > 0 ? step_s : timeline_step(sc->horizon_s),
				.n_pools = sc->n_pools};
	uint64_t instants = model_sample_count(sc->horizon_s, tl->step_s);
	if (instants > TIMELINE_MAX_INSTANTS)
		return PT_ERANGE;
	tl->cap = (size_t)instants * (size_t)(sc->n_pools > 0 ? sc->n_pools : 1);
	tl->samples = malloc(tl->cap * sizeof *tl->samples);
	if (!tl->samples) {
		timeline_fini(tl);
		return PT_ENOMEM;
	}
	*hooks = (struct model_hooks){.sample_step_s = tl->step_s, .on_sample = on_sample,
				      .ctx = tl};
	return PT_OK;
}

int timeline_record(struct timeline *tl, const struct cfg_scenario *sc, double step_s,
		    struct model_result *result)
{
	struct model_hooks hooks;
	int st = timeline_prepare(tl, sc, step_s, &hooks);
	if (st)
		return st;
	struct model_result *r = result ? result : model_result_create(sc);
	st = r ? model_run(sc, 0, r, &hooks) : PT_ENOMEM;
	if (r != result)
		model_result_destroy(r);
	if (st)
		timeline_fini(tl);
	return st;
}

void timeline_fini(struct timeline *tl)
{
	free(tl->samples);
	*tl = (struct timeline){0};
}
