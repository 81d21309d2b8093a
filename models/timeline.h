/* Timeline: the pools' status over simulated time, sampled at a fixed step during one
 * replication (replication 0 of a variant), for the result folder's timeline.csv and the
 * pool-status plot.
 *
 * The experiment samples replication 0 of each variant through a hook (timeline_prepare, then
 * experiment_run_sampled); sampling draws nothing and reorders nothing, so the result is the
 * same as without it. Memory is
 * one record per pool per sampling instant, allocated once: the default step keeps the
 * instants at most TIMELINE_TARGET_INSTANTS + 1 whatever the horizon, so a timeline does not
 * grow with simulated time.
 *
 * Not here: writing the samples out (app/results.c); the other replications. */
#ifndef POOLTIDE_TIMELINE_H
#define POOLTIDE_TIMELINE_H

#include <stddef.h>

#include "models/config.h"
#include "models/model.h"

/* The default step makes horizon / step at most this. */
#define TIMELINE_TARGET_INSTANTS 2000
/* Refuse a step that would make more instants than this (PT_ERANGE). */
#define TIMELINE_MAX_INSTANTS 1000000

struct timeline {
	double step_s;
	int n_pools;
	size_t n;                   /* samples: n_pools per instant, instant by instant */
	size_t cap;
	struct model_sample *samples;
};

/* The default sampling step for a horizon: the smallest "readable" step with
 * horizon / step <= TIMELINE_TARGET_INSTANTS. Readable steps are 1, 2, 5 x 10^k seconds below
 * 10 s, then 10 s, 15 s, 30 s, 1 min, 2 min, 5 min, 10 min, 15 min, 30 min, 1 h, 2 h, 3 h,
 * 6 h, 12 h, 1 d, then 1, 2, 5 x 10^k days. A 2 h horizon gives 5 s (1441 instants), 5 min
 * gives 200 ms, 20 min gives 1 s. */
double timeline_step(double horizon_s);
/* The same for at most `instants` instants instead of TIMELINE_TARGET_INSTANTS (a sweep's
 * points: app/sweep.h). */
double timeline_step_for(double horizon_s, int instants);

/* Prepare *tl to record replication 0 of sc every step_s seconds (timeline_step(sc->horizon_s)
 * when step_s <= 0): allocates the samples and fills *hooks, to pass to model_run for that
 * replication. Returns 0, PT_ENOMEM or PT_ERANGE (too many instants; *tl is then empty). */
int timeline_prepare(struct timeline *tl, const struct cfg_scenario *sc, double step_s,
		     struct model_hooks *hooks);

/* Run replication 0 of sc sampling every step_s seconds (timeline_step(sc->horizon_s) when
 * step_s <= 0) into *tl, which is initialised here; its result goes to *result when that is
 * not NULL. Returns 0, PT_ENOMEM, or PT_ERANGE when the step would give more than
 * TIMELINE_MAX_INSTANTS instants (*tl is then empty and safe to fini). */
int timeline_record(struct timeline *tl, const struct cfg_scenario *sc, double step_s,
		    struct model_result *result);

void timeline_fini(struct timeline *tl);

#endif
