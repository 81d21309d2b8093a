#include "tests/testutil.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sim/dist.h"

void testutil_expect_abort(void (*body)(const void *arg), const void *arg)
{
#ifdef NDEBUG
	(void)body;
	(void)arg;
	skip();
#else
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		body(arg);
		_exit(0); /* no assertion fired */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status))
		fail_msg("the child exited with status %d, expected SIGABRT",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	assert_int_equal(WTERMSIG(status), SIGABRT);
#endif
}

void testutil_one_workload(struct cfg_scenario *sc)
{
	cfg_scenario_defaults(sc);
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	snprintf(sc->pools[0].name, CFG_NAME_MAX, "main");
	sc->pools[0].max_overflow = 0;
	sc->n_workloads = 1;
	struct cfg_workload *w = &sc->workloads[0];
	snprintf(w->name, CFG_NAME_MAX, "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	w->pool = 0;
	cfg_requests_defaults(&w->req);
}

void testutil_mmcd(struct cfg_scenario *sc, int c, double lam, double mu, double timeout,
		   double horizon, double warmup, int reps, uint64_t seed)
{
	testutil_one_workload(sc);
	sc->horizon_s = horizon;
	sc->warmup_s = warmup;
	sc->replications = reps;
	sc->seed = seed;
	dist_constant(&sc->db.connect_time, 0);
	sc->db.max_connections = 10000;
	sc->pools[0].size = c;
	sc->pools[0].timeout_s = timeout;
	struct cfg_workload *w = &sc->workloads[0];
	w->req.arrival.rate_per_s = lam;
	dist_exponential(&w->req.db_time, 1.0 / mu);
}
