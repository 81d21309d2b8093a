/* Tests of models/window: worst windows on hand-built sequences of outcomes.
 *
 * Windows slide by one second over [start, end); a window's outcomes are those that happened
 * in it. Every expected value below is counted by hand from the bins (bin s = [start + s,
 * start + s + 1)). A p99 is read off a histogram of 16 buckets an octave, so it is checked
 * within 2.2 % (half a bucket: 2^(1/32) - 1) of the true quantile. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>

#include "models/window.h"

#define assert_near(a, b, tol)                                                                  \
	do {                                                                                    \
		double a_ = (a), b_ = (b);                                                      \
		if (!(fabs(a_ - b_) <= (tol)))                                                  \
			fail_msg("%s = %.17g, expected %.17g (line %d)", #a, a_, b_, __LINE__); \
	} while (0)

/* Period [10, 30), windows of 3 s and 5 s. Outcomes (bin: what):
 *   t 9.0 failed: before the period, ignored
 *   bin 0 (10.5) served, wait 0      bin 1 (11.2) failed       bin 2 (12.0) served, wait 0.1 s
 *   bin 3 (13.9, 13.95) 2 failed     bin 5 (15.0) served, wait 0
 *   bin 10 (20.5), bin 11 (21.5) served, wait 2 s each
 *   t 30.5 failed: after the period, ignored
 * 3 s windows: [0,2] 1/3, [1,3] 3 of 4 = 0.75, [2,4] 2/3, [3,5] 2/3, later ones 0: worst 0.75
 *   from 11 s. Served waits: a window holding bin 10 or 11 has p99 2 s; the earliest is [8,10],
 *   from 18 s.
 * 5 s windows: [0,4] 3/5 = 0.6, [1,5] 3/5, [2,6] 2/4, [3,7] 2/3 (bins 3 and 5: 2 failed of
 *   3), [4,8] 0: worst 2/3 from 13 s (not where the 3 s worst starts: the lengths see different
 *   things). p99 2 s first in [6,10], from 16 s. */
/* The bucket as it was computed before the table of bounds (models/window.c): 0 for zero, 1
 * below 0.1 ms, then floor(16 log2(w / 0.1 ms)) + 2 up to the overflow, 434. */
static int bucket_formula(double w)
{
	if (!(w > 0))
		return 0;
	if (w < 1e-4)
		return 1;
	int b = 2 + (int)floor(log2(w / 1e-4) * 16);
	return b < 434 ? b : 434;
}

/* The table's buckets are the formula's, exactly: at each bound the formula changes its
 * answer (found here by stepping ulp by ulp, as the table was made), 8 ulps either side of
 * it, and 2 000 000 waits log-uniform from 1 us to 10^5 s, with zero, subnormals and the
 * ends. */
static void test_buckets_exact(void **state)
{
	(void)state;
	const double len = 60;
	struct windows *w = windows_create(&len, 1, 0, 100);
	assert_non_null(w);
	for (int k = 0; k <= 27 * 16; k++) {
		double c = k ? 1e-4 * exp2(k / 16.0) : 1e-4;
		while (bucket_formula(c) >= 2 + k)
			c = nextafter(c, 0);
		while (bucket_formula(c) < 2 + k)
			c = nextafter(c, INFINITY);
		double d = c;
		for (int i = 0; i < 8; i++)
			d = nextafter(d, 0);
		for (int i = 0; i < 16; i++) {
			if (windows_bucket(w, d) != bucket_formula(d))
				fail_msg("bound %d: %a in bucket %d, the formula says %d", k, d,
					 windows_bucket(w, d), bucket_formula(d));
			d = nextafter(d, INFINITY);
		}
	}
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 2000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double v = 1e-6 * pow(10, 11 * (double)(x >> 11) * 0x1p-53);
		assert_int_equal(windows_bucket(w, v), bucket_formula(v));
	}
	const double ends[] = {0, 0x1p-1074, 1e-300, 9.999999999999999e-5, 1e-4, 13421.7728,
			       1e5, 1e300};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		assert_int_equal(windows_bucket(w, ends[i]), bucket_formula(ends[i]));
	windows_destroy(w);
}

static void test_sequence(void **state)
{
	const double len[2] = {3, 5};
	struct window_result r[2];
	(void)state;

	struct windows *w = windows_create(len, 2, 10, 30);
	assert_non_null(w);
	windows_add(w, 9.0, true, NAN);
	windows_add(w, 10.5, false, 0);
	windows_add(w, 11.2, true, NAN);
	windows_add(w, 12.0, false, 0.1);
	windows_add(w, 13.9, true, NAN);
	windows_add(w, 13.95, true, NAN);
	windows_add(w, 15.0, false, 0);
	windows_add(w, 20.5, false, 2);
	windows_add(w, 21.5, false, 2);
	windows_add(w, 30.5, true, NAN);
	windows_finish(w, r);
	windows_destroy(w);

	assert_near(r[0].length_s, 3, 0);
	assert_near(r[0].failure_rate, 0.75, 0);
	assert_near(r[0].failure_start_s, 11, 0);
	/* the counts behind 0.75: [11, 14) holds 11.2 F, 12.0 S, 13.9 F, 13.95 F */
	assert_near(r[0].failed, 3, 0);
	assert_near(r[0].outcomes, 4, 0);
	assert_near(r[0].wait_p99, 2, 2 * 0.022);
	assert_near(r[0].wait_start_s, 18, 0);
	assert_near(r[1].length_s, 5, 0);
	assert_near(r[1].failure_rate, 2.0 / 3.0, 1e-15);
	assert_near(r[1].failure_start_s, 13, 0);
	/* [13, 18): 13.9 F, 13.95 F, 15.0 S */
	assert_near(r[1].failed, 2, 0);
	assert_near(r[1].outcomes, 3, 0);
	assert_near(r[1].wait_p99, 2, 2 * 0.022);
	assert_near(r[1].wait_start_s, 16, 0);
}

/* The ring is reused many times: one served request a second over [0, 1000) and one failure
 * at 500.5. A 3 s window holding bin 500 has 4 outcomes, 1 failed: 0.25; every other window
 * 0. The earliest is [498, 500]. If leaving bins were not subtracted, the rate would be
 * diluted by everything before it. p99 of 99 zero waits and 1 wait of 1 s: in a 100 s
 * window... here every wait is 0 but one: the 1 s wait at 700.25 gives p99 1 s in a 3 s
 * window (3 of 4 served waits are 0, rank ceil(0.99 x 4) = 4: the largest), from 698 s. */
static void test_ring_reuse(void **state)
{
	const double len[1] = {3};
	struct window_result r;
	(void)state;

	struct windows *w = windows_create(len, 1, 0, 1000);
	assert_non_null(w);
	for (int s = 0; s < 1000; s++) {
		windows_add(w, s + 0.25, false, s == 700 ? 1.0 : 0.0);
		if (s == 500)
			windows_add(w, 500.5, true, NAN);
	}
	windows_finish(w, &r);
	windows_destroy(w);
	assert_near(r.failure_rate, 0.25, 0);
	assert_near(r.failure_start_s, 498, 0);
	assert_near(r.wait_p99, 1, 0.022);
	assert_near(r.wait_start_s, 698, 0);
}

/* A period shorter than the window: the window is the whole period. [0, 2.5) with a 60 s
 * window: 1 failed and 1 served (wait 0): 0.5 from 0; p99 0. Nothing at all: undefined. */
static void test_short_period(void **state)
{
	const double len[1] = {60};
	struct window_result r;
	(void)state;

	struct windows *w = windows_create(len, 1, 0, 2.5);
	windows_add(w, 0.5, true, NAN);
	windows_add(w, 1.0, false, 0);
	windows_finish(w, &r);
	windows_destroy(w);
	assert_near(r.failure_rate, 0.5, 0);
	assert_near(r.failure_start_s, 0, 0);
	assert_near(r.wait_p99, 0, 0);

	w = windows_create(len, 1, 0, 100);
	windows_finish(w, &r);
	windows_destroy(w);
	assert_true(isnan(r.failure_rate) && isnan(r.failure_start_s));
	assert_true(isnan(r.wait_p99) && isnan(r.wait_start_s));
	windows_destroy(NULL);
}

/* A p99 is its bucket's middle, which can lie above every wait in the bucket: waits of exactly
 * 30 s (a 30 s pool timeout reached, then a connection) fall in bucket 2 + floor(16 log2(30 /
 * 0.1 ms)) = 2 + 291, whose middle is 0.1 ms x 2^(291.5 / 16) = 30.506 s. The report must not
 * say 30.5 s when no request waited longer than 30 s: the p99 is clipped to the period's
 * longest served wait, 30 s exactly. Period [0, 10), one window of 5 s, two served at 1.5 and
 * 2.5 s having waited 30 s, and one at 3.5 s having waited 1 s: p99 (rank ceil(0.99 x 3) = 3)
 * is the 30 s bucket. */
static void test_p99_never_above_longest_wait(void **state)
{
	(void)state;
	const double len = 5;
	struct windows *w = windows_create(&len, 1, 0, 10);
	assert_non_null(w);
	windows_add(w, 1.5, false, 30);
	windows_add(w, 2.5, false, 30);
	windows_add(w, 3.5, false, 1);
	struct window_result r;
	windows_finish(w, &r);
	windows_destroy(w);
	assert_true(r.wait_p99 == 30.0);
	assert_near(r.failure_rate, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p99_never_above_longest_wait),
		cmocka_unit_test(test_buckets_exact),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_ring_reuse),
		cmocka_unit_test(test_short_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
