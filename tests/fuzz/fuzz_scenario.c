/* libFuzzer harness for the scenario loader, in two modes (built twice by `make fuzz`):
 *
 * - load (default): any bytes as a scenario file, with and without a --set override. The
 *   loader must return a status and a message, never crash or leak (built with AddressSanitizer
 *   and UBSan). A session of 180 s (742 000 inputs, seeded with scenarios/) found nothing.
 * - simulate (-DFUZZ_SIMULATE): what loads is also run, one replication of each variant (at
 *   most three), bounded: the horizon cut to 60 s (the warm-up to half of it), and skipped when
 *   the model's event estimate (model_estimate_events) is above 200 000; work the estimate
 *   does not foresee (retries, say) stops at 2 000 000 events (cfg max_events, the backstop
 *   --max-events sets: a CI run once timed out on such an input). The model must end
 *   with PT_OK or a status, never crash: this mode is what would have found issue 10 item 1
 *   (a batch group size past INT_MAX overflowed start_batch's group array).
 *
 * Run with `make fuzz` (clang), e.g. FUZZ_SECONDS=600; .ci/run runs both briefly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "app/scenario.h"
#ifdef FUZZ_SIMULATE
#include "models/model.h"

#define FUZZ_HORIZON_S 60.0
#define FUZZ_MAX_EVENTS 2e5

static void simulate(const struct scenario *sc)
{
	for (int v = 0; v < sc->n_variants && v < 3; v++) {
		struct cfg_scenario cfg = sc->variants[v].cfg;
		if (cfg.horizon_s > FUZZ_HORIZON_S) {
			cfg.horizon_s = FUZZ_HORIZON_S;
			if (cfg.warmup_s >= cfg.horizon_s)
				cfg.warmup_s = cfg.horizon_s / 2;
		}
		if (!(model_estimate_events(&cfg) <= FUZZ_MAX_EVENTS))
			continue;
		cfg.max_events = 10 * FUZZ_MAX_EVENTS;
		struct model_result *r = model_result_create(&cfg);
		if (!r)
			continue;
		(void)model_run(&cfg, 0, r, NULL);
		model_result_destroy(r);
	}
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	gsl_set_error_handler_off();
	snprintf(path, sizeof path, "/tmp/pooltide-fuzz-%d.json", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct scenario *sc = NULL;
	char err[512];
	const char *sets[] = {"pools.main.size=3"};
	if (scenario_load(&sc, path, size % 2 ? sets : NULL, (int)(size % 2), err, sizeof err) == 0) {
#ifdef FUZZ_SIMULATE
		simulate(sc);
#endif
		scenario_destroy(sc);
	}
	remove(path);
	return 0;
}
