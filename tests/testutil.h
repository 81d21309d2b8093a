/* Helpers shared by the cmocka tests.
 *
 * The M/M/c+D scenario: the queue tests/queueing_ref.h solves exactly, which the validation,
 * sensitivity and precision tests simulate.
 *
 * Death tests: the library uses plain <assert.h> (no cmocka mock_assert), so a call that must
 * fail an assertion runs in a forked child and the parent checks that the child died of
 * SIGABRT. */
#ifndef POOLTIDE_TESTUTIL_H
#define POOLTIDE_TESTUTIL_H

#include <stdint.h>

#include "models/config.h"

/* *sc = the documented defaults with one QueuePool "main" (its defaults, no overflow) and
 * one request workload "api" on it (its defaults): the base the tests set up their own
 * scenario from. */
void testutil_one_workload(struct cfg_scenario *sc);

/* *sc = M/M/c+D: one QueuePool "main" of c connections, no overflow, pool timeout `timeout`
 * (1e9: none in practice); one request workload "api" with Poisson arrivals at lam per second
 * holding a connection an exponential time of mean 1/mu; connects free and never refused;
 * `reps` replications of `horizon` seconds after `warmup`, from `seed`. No SLO. */
void testutil_mmcd(struct cfg_scenario *sc, int c, double lam, double mu, double timeout,
		   double horizon, double warmup, int reps, uint64_t seed);

/* Run body(arg) in a forked child with stderr silenced; fail the current test unless the child
 * dies of SIGABRT. Skips the test when built with NDEBUG (no assertions to fire). */
void testutil_expect_abort(void (*body)(const void *arg), const void *arg);

#endif
