#include "models/routing.h"

#include <stdlib.h>

#include "sim/status.h"

int routing_init(struct routing *rt, const struct cfg_reads *cfg, gsl_rng *rng, int n_processes)
{
	*rt = (struct routing){.cfg = cfg, .rng = rng, .n_processes = n_processes};
	if (cfg->n_pools == 0)
		return PT_OK;
	rt->next = calloc((size_t)(n_processes > 0 ? n_processes : 1), sizeof *rt->next);
	return rt->next ? PT_OK : PT_ENOMEM;
}

void routing_fini(struct routing *rt)
{
	free(rt->next);
	rt->next = NULL;
}

bool routing_enabled(const struct routing *rt) { return rt->cfg->n_pools > 0; }

int routing_pick(struct routing *rt, int proc, bool writes)
{
	const struct cfg_reads *cfg = rt->cfg;
	if (cfg->n_pools == 0)
		return -1;
	/* both draws always, in this order: see the header */
	double u_share = gsl_rng_uniform(rt->rng);
	double u_pick = gsl_rng_uniform(rt->rng);
	if (writes || !(u_share < cfg->share))
		return -1;
	int n = cfg->n_pools;
	if (cfg->routing == CFG_ROUTING_RANDOM) {
		int k = (int)(u_pick * n); /* u_pick < 1, so k < n */
		return k < n ? k : n - 1;
	}
	int k = rt->next[proc];
	rt->next[proc] = k + 1 == n ? 0 : k + 1;
	return k;
}
