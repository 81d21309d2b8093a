/*
 * Self-tests of the queueing reference calculator (tests/queueing_ref.c) against the worked
 * example, identities and limits of reference/queueing.md, and against a naive long-double
 * transcription of section 4 (no log space, no series) where that one is accurate.
 *
 * Values the calculator gives (mu = 10/s, i.e. mean hold 0.1 s), for reading and for sizing
 * statistical tests; times in seconds:
 *
 *   M/M/c (Erlang C)         c = 1, lam = 8    c = 10, lam = 80    c = 30, lam = 280
 *   rho                      0.8               0.8                 0.93333333333
 *   Erlang B(c, a)           0.44444444444     0.12166106425       0.098122095434
 *   P(wait > 0) = C          0.8               0.40918015080       0.62005545883
 *   E[Wq] = C/delta          0.4               0.020459007540      0.031002772942
 *   E[Wq | Wq > 0] = 1/delta 0.5               0.05                0.05
 *   Wq quantile q = 0.9      1.0397207708      0.070449266979      0.091231936889
 *   Wq quantile q = 0.99     2.1910133173      0.18557852163       0.20636119154
 *
 *   M/M/30+D, lam = 280      T = 0.05           T = 0.5
 *   P(abandon)               0.019320311       1.8767476e-06
 *   P(served)                0.98067969        0.99999812
 *   P(wait > 0)              0.51728640        0.62004548
 *   E[Wq | served]           0.010613120       0.030988163
 *   E[Wq] (timeouts = T)     0.011374087       0.030989043
 *   utilization              0.91530104        0.93333158
 *   served-wait median       0.00048639802     0.010758634
 *   served-wait q = 0.9      0.035426505       0.091219271
 *   served-wait q = 0.99     0.048336031       0.20622204
 *
 * (The M/M/30+D rows were also confirmed by a throw-away direct FIFO simulation with 2e7
 * arrivals: 0.01938, 0.51741, 0.010634 and -, 0.62008, 0.031018.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "queueing_ref.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static void check_rel(double got, double want, double tol, const char *what, const char *file,
		      int line)
{
	double err = fabs(got - want);

	if (!(isfinite(got) && err <= tol * fabs(want))) {
		print_error("%s = %.17g, want %.17g (rel err %.3g > %.3g)\n", what, got, want,
			    err / fabs(want), tol);
		_fail(file, line);
	}
}

static void check_abs(double got, double want, double tol, const char *what, const char *file,
		      int line)
{
	if (!(isfinite(got) && fabs(got - want) <= tol)) {
		print_error("%s = %.17g, want %.17g +- %.3g\n", what, got, want, tol);
		_fail(file, line);
	}
}

#define CHECK_REL(got, want, tol) check_rel((got), (want), (tol), #got, __FILE__, __LINE__)
#define CHECK_ABS(got, want, tol) check_abs((got), (want), (tol), #got, __FILE__, __LINE__)

/* The worked example is quoted to a few significant digits: agree to half a unit of the last. */
#define CHECK_SHOWN(got, shown, ulp) CHECK_ABS((got), (shown), 0.5 * (ulp))

/* Naive section 4 in long double: plain sums of a^j/j!, exp and division, the limit forms at
 * delta = 0 exactly. Accurate where nothing overflows and |delta T| is 0 or >= 5e-4 (the
 * moment numerator cancels to x^2/2, losing eps_ld/x^2 = 4e-13 there). */
struct naive {
	long double p_abandon, p_served, p_wait, mean_wait_served, mean_wait_all;
};

static struct naive naive_mmcd(int c, double lam_d, double mu_d, double T_d)
{
	long double lam = lam_d, mu = mu_d, T = T_d, a = lam / mu;
	long double d = (long double)c * mu - lam, x = d * T;
	long double term = 1, sum = 1, a0, a1, a2, m1, z;
	struct naive r;

	for (int j = 1; j < c; j++) {
		term *= a / j;
		sum += term;
	}
	a0 = sum / term; /* sum_{j<c} a^j/j! / (a^{c-1}/(c-1)!) */
	if (d == 0) {
		a1 = lam * T;
		m1 = lam * T * T / 2;
	} else {
		a1 = lam * (1 - expl(-x)) / d;
		m1 = lam * (1 - expl(-x) * (1 + x)) / (d * d);
	}
	a2 = lam / ((long double)c * mu) * expl(-x);
	z = a0 + a1 + a2;
	r.p_abandon = a2 / z;
	r.p_served = (a0 + a1) / z;
	r.p_wait = (a1 + a2) / z;
	r.mean_wait_served = m1 / (a0 + a1);
	r.mean_wait_all = (m1 + T * a2) / z;
	return r;
}

static void check_against_naive(int c, double lam, double mu, double T, double tol)
{
	struct qref_mmcd d;
	struct naive n = naive_mmcd(c, lam, mu, T);

	assert_int_equal(qref_mmcd(c, lam, mu, T, &d), QREF_OK);
	CHECK_REL(d.p_abandon, (double)n.p_abandon, tol);
	CHECK_REL(d.p_served, (double)n.p_served, tol);
	CHECK_REL(d.p_wait, (double)n.p_wait, tol);
	CHECK_REL(d.mean_wait_served, (double)n.mean_wait_served, tol);
	CHECK_REL(d.mean_wait_all, (double)n.mean_wait_all, tol);
}

/* ---- Erlang B ---------------------------------------------------------------------------- */

static void test_erlang_b_small_cases(void **state)
{
	(void)state;
	/* B(0,a) = 1, B(1,a) = a/(1+a), B(2,a) = (a^2/2)/(1 + a + a^2/2). */
	CHECK_REL(qref_erlang_b(0, 3.0), 1.0, 0);
	CHECK_REL(qref_erlang_b(1, 0.8), 0.8 / 1.8, 1e-15);
	CHECK_REL(qref_erlang_b(2, 3.0), 4.5 / 8.5, 1e-15);
	CHECK_REL(qref_erlang_b(3, 1e-3), 1e-9 / 6 / (1 + 1e-3 + 1e-6 / 2 + 1e-9 / 6), 1e-15);
	assert_true(qref_erlang_b(5, 0.0) == 0.0);
	assert_true(isnan(qref_erlang_b(-1, 1.0)));
	assert_true(isnan(qref_erlang_b(3, -1.0)));
	assert_true(isnan(qref_erlang_b(3, NAN)));
}

static void test_erlang_b_log_space_large_c(void **state)
{
	(void)state;
	/* B(500, 10) = 10^500/500! / (sum) is about 1e-634: it underflows, its log must not.
	 * log B = 500 ln 10 - lgamma(501) - ln(sum_{j<=500} 10^j/j!), the sum being e^10 to far
	 * below a double ulp. */
	double want = 500 * log(10.0) - lgamma(501.0) - 10.0;

	assert_true(qref_erlang_b(500, 10.0) == 0.0);
	CHECK_REL(qref_log_erlang_b(500, 10.0), want, 1e-13);
	/* Heavy load: B(c, a) -> 1 - c/a for a >> c. */
	CHECK_REL(qref_erlang_b(500, 1e9), 1 - 500 / 1e9, 1e-12);
	assert_true(isfinite(qref_log_erlang_b(5000, 4000.0)));
}

/* ---- M/M/c ------------------------------------------------------------------------------- */

static void test_mmc_single_server(void **state)
{
	static const double lams[] = { 0.5, 8.0, 9.9, 9.999 };
	(void)state;
	for (size_t i = 0; i < sizeof lams / sizeof lams[0]; i++) {
		double lam = lams[i], mu = 10, rho = lam / mu;
		struct qref_mmc m;

		assert_int_equal(qref_mmc(1, lam, mu, &m), QREF_OK);
		CHECK_REL(m.p_wait, rho, 1e-13);
		CHECK_REL(m.mean_wait, rho / (mu - lam), 1e-13);
		CHECK_REL(m.mean_wait_given_wait, 1 / (mu - lam), 1e-15);
		CHECK_REL(m.utilization, rho, 1e-15);
		CHECK_REL(qref_mmc_wait_tail(1, lam, mu, 0.3), rho * exp(-(mu - lam) * 0.3), 1e-13);
	}
}

static void test_mmc_commented_values(void **state)
{
	struct qref_mmc m;
	(void)state;
	assert_int_equal(qref_mmc(10, 80, 10, &m), QREF_OK);
	CHECK_REL(m.p_wait, 0.40918015080, 1e-10);
	CHECK_REL(m.mean_wait, 0.020459007540, 1e-10);
	CHECK_REL(m.mean_wait_given_wait, 0.05, 1e-14);
	assert_int_equal(qref_mmc(30, 280, 10, &m), QREF_OK);
	CHECK_REL(m.p_wait, 0.62005545883, 1e-10);
	CHECK_REL(m.mean_wait, 0.031002772942, 1e-10);
	CHECK_REL(qref_erlang_b(30, 28.0), 0.098122095434, 1e-10);
	CHECK_REL(qref_mmc_wait_quantile(30, 280, 10, 0.9), 0.091231936889, 1e-10);
	CHECK_REL(qref_mmc_wait_quantile(10, 80, 10, 0.99), 0.18557852163, 1e-10);
}

static void test_mmc_quantile_inverts_tail(void **state)
{
	static const double qs[] = { 0.0, 0.3, 0.5, 0.9, 0.99, 0.999999 };
	(void)state;
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		double q = qs[i], c_prob = 0.62005545883, t = qref_mmc_wait_quantile(30, 280, 10, q);

		if (q <= 1 - c_prob)
			assert_true(t == 0.0);
		else
			CHECK_REL(qref_mmc_wait_tail(30, 280, 10, t), 1 - q, 1e-12);
	}
}

static void test_mmc_errors(void **state)
{
	struct qref_mmc m;
	(void)state;
	assert_int_equal(qref_mmc(10, 100, 10, &m), QREF_EUNSTABLE);
	assert_true(isnan(m.p_wait) && isnan(m.mean_wait) && isnan(m.utilization));
	assert_int_equal(qref_mmc(10, 150, 10, &m), QREF_EUNSTABLE);
	assert_int_equal(qref_mmc(0, 1, 10, &m), QREF_EDOM);
	assert_int_equal(qref_mmc(3, -1, 10, &m), QREF_EDOM);
	assert_int_equal(qref_mmc(3, 1, 0, &m), QREF_EDOM);
	assert_true(isnan(qref_mmc_wait_tail(10, 100, 10, 1.0)));
	assert_true(isnan(qref_mmc_wait_quantile(10, 80, 10, 1.0)));
	assert_true(qref_mmc_wait_tail(10, 80, 10, -1.0) == 1.0);
}

/* ---- M/M/c+D ----------------------------------------------------------------------------- */

static void test_mmcd_worked_example(void **state)
{
	struct qref_mmcd d;
	(void)state;
	/* reference/queueing.md: c = 30, lam = 280/s, mu = 10/s. */
	assert_int_equal(qref_mmcd(30, 280, 10, 0.05, &d), QREF_OK);
	CHECK_SHOWN(d.p_abandon, 0.01932, 1e-5);
	CHECK_SHOWN(d.p_wait, 0.5173, 1e-4);
	CHECK_SHOWN(d.mean_wait_served, 0.01061, 1e-5);

	assert_int_equal(qref_mmcd(30, 280, 10, 0.5, &d), QREF_OK);
	CHECK_SHOWN(d.p_abandon, 1.88e-6, 1e-8);
	CHECK_SHOWN(d.p_wait, 0.6200, 1e-4);
	CHECK_SHOWN(d.mean_wait_served, 0.03099, 1e-5);
}

static void test_mmcd_internal_consistency(void **state)
{
	static const struct { int c; double lam, mu, T; } cases[] = {
		{ 30, 280, 10, 0.05 }, { 30, 280, 10, 0.5 }, { 1, 8, 10, 0.2 },
		{ 10, 130, 10, 1.0 }, { 30, 300, 10, 0.05 }, { 500, 600, 1, 0.02 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int c = cases[i].c;
		double lam = cases[i].lam, mu = cases[i].mu, T = cases[i].T;
		struct qref_mmcd d;

		assert_int_equal(qref_mmcd(c, lam, mu, T, &d), QREF_OK);
		CHECK_REL(d.p_served + d.p_abandon, 1.0, 1e-15);
		CHECK_REL(d.utilization, lam * d.p_served / (c * mu), 1e-14);
		/* A timeout waits exactly T. */
		CHECK_REL(d.mean_wait_all, d.p_served * d.mean_wait_served + d.p_abandon * T, 1e-13);
		/* Tails at 0 and just below T: P(wait > 0) and P(abandon). */
		CHECK_REL(qref_mmcd_wait_tail_all(c, lam, mu, T, 0.0), d.p_wait, 1e-13);
		CHECK_REL(qref_mmcd_wait_tail_all(c, lam, mu, T, T * (1 - 1e-15)), d.p_abandon, 1e-12);
		assert_true(qref_mmcd_wait_tail_all(c, lam, mu, T, T) == 0.0);
		assert_true(qref_mmcd_wait_tail_all(c, lam, mu, T, -1.0) == 1.0);
		for (int k = 0; k <= 10; k++) {
			double t = T * k / 10.0;
			double cdf = qref_mmcd_wait_cdf_served(c, lam, mu, T, t);
			double tail = qref_mmcd_wait_tail_served(c, lam, mu, T, t);
			double all = qref_mmcd_wait_tail_all(c, lam, mu, T, t);

			CHECK_REL(cdf + tail, 1.0, 1e-14);
			/* Among all arrivals: the served ones waiting beyond t, plus every timeout. */
			if (k < 10)
				CHECK_REL(all, d.p_served * tail + d.p_abandon, 1e-13);
		}
		/* P(Wq = 0 | served) p_served = P(V = 0) = 1 - p_wait (absolute: it can be 1e-14). */
		CHECK_ABS(qref_mmcd_wait_cdf_served(c, lam, mu, T, 0.0) * d.p_served, 1 - d.p_wait,
			  1e-15);
	}
}

/* Boots & Tijms (1999): P(abandon) = (1 - rho) P(W > T) / (1 - rho P(W > T)),
 * P(W > T) = C e^{-delta T}, for every c = 1..500. */
static void test_mmcd_boots_tijms(void **state)
{
	static const double rhos[] = { 0.3, 0.8, 0.95, 0.999 };
	static const double taus[] = { 0.01, 1.0, 5.0 }; /* delta T */
	double worst = 0;
	(void)state;
	for (int c = 1; c <= 500; c++)
		for (size_t i = 0; i < sizeof rhos / sizeof rhos[0]; i++)
			for (size_t k = 0; k < sizeof taus / sizeof taus[0] + 1; k++) {
				double mu = 10, lam = rhos[i] * c * mu, delta = c * mu - lam;
				/* Last T is fixed, so delta T grows with c up to about 175. */
				double T = k < 3 ? taus[k] / delta : 0.35 / mu;
				double pw = qref_mmc_wait_tail(c, lam, mu, T), bt, rho = lam / (c * mu);
				struct qref_mmcd d;

				assert_int_equal(qref_mmcd(c, lam, mu, T, &d), QREF_OK);
				bt = (1 - rho) * pw / (1 - rho * pw);
				if (bt < 1e-280) /* both underflow together */
					continue;
				CHECK_REL(d.p_abandon, bt, 1e-12);
				if (fabs(d.p_abandon / bt - 1) > worst)
					worst = fabs(d.p_abandon / bt - 1);
			}
	print_message("Boots-Tijms: worst relative difference %.3g over c = 1..500\n", worst);
}

static void test_mmcd_limit_large_timeout_is_erlang_c(void **state)
{
	static const int cs[] = { 1, 10, 30, 200, 500 };
	static const double rhos[] = { 0.5, 0.8, 0.99 };
	(void)state;
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
		for (size_t k = 0; k < sizeof rhos / sizeof rhos[0]; k++) {
			int c = cs[i];
			double mu = 10, lam = rhos[k] * c * mu, T = 1e6;
			struct qref_mmcd d;
			struct qref_mmc m;

			assert_int_equal(qref_mmcd(c, lam, mu, T, &d), QREF_OK);
			assert_int_equal(qref_mmc(c, lam, mu, &m), QREF_OK);
			CHECK_REL(d.p_wait, m.p_wait, 1e-13);
			assert_true(d.p_abandon == 0.0); /* e^{-delta 1e6} */
			CHECK_REL(d.mean_wait_served, m.mean_wait, 1e-13);
			CHECK_REL(d.mean_wait_all, m.mean_wait, 1e-13);
			CHECK_REL(d.utilization, m.utilization, 1e-14);
			for (double t = 0; t < 5 / (c * mu - lam); t += 0.5 / (c * mu - lam))
				CHECK_REL(qref_mmcd_wait_tail_all(c, lam, mu, T, t),
					  qref_mmc_wait_tail(c, lam, mu, t), 1e-13);
		}
}

static void test_mmcd_limit_zero_timeout_is_erlang_b(void **state)
{
	static const int cs[] = { 1, 2, 10, 30, 200, 500 };
	static const double rhos[] = { 0.1, 0.8, 1.0, 1.3, 5.0 };
	(void)state;
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
		for (size_t k = 0; k < sizeof rhos / sizeof rhos[0]; k++) {
			int c = cs[i];
			double mu = 10, lam = rhos[k] * c * mu, b = qref_erlang_b(c, lam / mu);
			struct qref_mmcd d;

			assert_int_equal(qref_mmcd(c, lam, mu, 0.0, &d), QREF_OK);
			if (b < 1e-280)
				continue;
			CHECK_REL(d.p_abandon, b, 1e-13);
			assert_true(d.mean_wait_served == 0.0 && d.mean_wait_all == 0.0);
		}
}

static void test_mmcd_against_naive(void **state)
{
	static const int cs[] = { 1, 2, 5, 10, 30, 60 };
	static const double rhos[] = { 0.5, 0.9, 0.999, 1.0, 1.001, 1.2, 2.0 };
	static const double Ts[] = { 1e-4, 0.01, 0.05, 0.3, 1.0 };
	(void)state;
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
		for (size_t k = 0; k < sizeof rhos / sizeof rhos[0]; k++)
			for (size_t j = 0; j < sizeof Ts / sizeof Ts[0]; j++) {
				double mu = 10, lam = rhos[k] * cs[i] * mu;
				double x = (cs[i] * mu - lam) * Ts[j];

				if (x != 0 && fabs(x) < 5e-4)
					continue; /* naive moment cancels */
				check_against_naive(cs[i], lam, mu, Ts[j], 1e-11);
			}
}

/* Both sides of each series/closed-form switch (|delta T| = 1e-3 for psi, 1 for phi), where the
 * naive long-double form is accurate, so a wrong series term shows as a jump. */
static void test_mmcd_series_switch(void **state)
{
	static const double xs[] = { 1e-3, 1.0 };
	static const double sides[] = { 0.5, 0.999999, 1.000001, 2.0 };
	(void)state;
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < 4; k++)
			for (int sign = -1; sign <= 1; sign += 2) {
				/* c = 30, mu = 10, lam = 300 - delta; T chosen so delta T = x. */
				double delta = sign * 2.0, x = sign * xs[i] * sides[k];

				check_against_naive(30, 300 - delta, 10, x / delta, 1e-11);
			}
}

/* rho = 1 exactly (delta = 0: psi(0) = 1, phi(0) = 1/2) against rho = 1 +- 1e-9. Each metric is
 * a ratio of masses whose log-derivatives in the load are bounded: A0 = 1/B(c-1, a) is a
 * polynomial of degree c - 1 in 1/a (at most c), e^{-delta T} contributes c mu T, the rest O(1).
 * So the change may be up to 1e-9 (2 + c + c mu T) and a jump at the series switch would exceed
 * it; T = 5000 puts the neighbours at |delta T| = 1.5e-3, outside the series, the centre inside. */
static void test_mmcd_continuity_at_rho_one(void **state)
{
	static const double Ts[] = { 0.001, 0.05, 0.5, 5.0, 5000.0 };
	const int c = 30;
	const double mu = 10;
	(void)state;
	for (size_t j = 0; j < sizeof Ts / sizeof Ts[0]; j++) {
		double T = Ts[j], tol = 1e-9 * (2 + c + c * mu * T);
		struct qref_mmcd d0, dm, dp;
		struct naive n = naive_mmcd(c, c * mu, mu, T); /* delta = 0 limit forms */

		assert_int_equal(qref_mmcd(c, c * mu, mu, T, &d0), QREF_OK);
		assert_int_equal(qref_mmcd(c, c * mu * (1 - 1e-9), mu, T, &dm), QREF_OK);
		assert_int_equal(qref_mmcd(c, c * mu * (1 + 1e-9), mu, T, &dp), QREF_OK);
		CHECK_REL(d0.p_abandon, (double)n.p_abandon, 1e-13);
		CHECK_REL(d0.mean_wait_served, (double)n.mean_wait_served, 1e-13);
		CHECK_REL(dm.p_abandon, d0.p_abandon, tol);
		CHECK_REL(dp.p_abandon, d0.p_abandon, tol);
		CHECK_REL(dm.p_wait, d0.p_wait, tol);
		CHECK_REL(dp.p_wait, d0.p_wait, tol);
		CHECK_REL(dm.mean_wait_served, d0.mean_wait_served, tol);
		CHECK_REL(dp.mean_wait_served, d0.mean_wait_served, tol);
		CHECK_REL(dm.mean_wait_all, d0.mean_wait_all, tol);
		CHECK_REL(dp.mean_wait_all, d0.mean_wait_all, tol);
		/* Monotone in the load: more load, more timeouts. */
		assert_true(dm.p_abandon <= d0.p_abandon && d0.p_abandon <= dp.p_abandon);
		CHECK_REL(qref_mmcd_wait_tail_all(c, c * mu * (1 + 1e-9), mu, T, T / 3),
			  qref_mmcd_wait_tail_all(c, c * mu, mu, T, T / 3), tol);
	}
}

/* c = 10, rho = 1.3, T = 1000: masses of order e^3000. A0 is negligible, so P(served) =
 * A1/(A1 + A2) = (1/|delta|)/(1/|delta| + 1/(c mu)) = c mu/lam to double precision, the
 * served wait is Exp(|delta|) reflected at T: E = T - 1/|delta|, and every arrival waits. */
static void test_mmcd_heavy_overload_finite(void **state)
{
	const int c = 10;
	const double mu = 10, lam = 130, T = 1000, nd = lam - c * mu;
	struct qref_mmcd d;
	(void)state;
	assert_int_equal(qref_mmcd(c, lam, mu, T, &d), QREF_OK);
	CHECK_REL(d.p_served, c * mu / lam, 1e-14);
	CHECK_REL(d.p_abandon, 1 - c * mu / lam, 1e-14);
	CHECK_REL(d.p_wait, 1.0, 1e-15);
	CHECK_REL(d.mean_wait_served, T - 1 / nd, 1e-14);
	CHECK_REL(d.mean_wait_all, T - c * mu / lam / nd, 1e-14);
	CHECK_REL(d.utilization, 1.0, 1e-14);
	/* Served tail P(Wq > T - u | served) = 1 - e^{-|delta| u}; median T - ln 2/|delta|. */
	{
		double t = T - 0.01, u = T - t; /* u is not exactly 0.01 */

		CHECK_REL(qref_mmcd_wait_tail_served(c, lam, mu, T, t), -expm1(-nd * u), 1e-13);
	}
	CHECK_REL(qref_mmcd_wait_tail_all(c, lam, mu, T, 10.0), 1.0, 1e-14);
	CHECK_REL(qref_mmcd_wait_quantile_served(c, lam, mu, T, 0.5), T - log(2.0) / nd, 1e-14);
	assert_true(isfinite(qref_mmcd_wait_cdf_served(c, lam, mu, T, 1.0)));
	/* Same with c = 500 and an even larger exponent. */
	assert_int_equal(qref_mmcd(500, 650, 1, 1e4, &d), QREF_OK);
	CHECK_REL(d.p_served, 500.0 / 650.0, 1e-14);
}

/* The quantile inverts the cdf; cross-checked by bisection on the cdf. */
static void test_mmcd_quantile_served(void **state)
{
	static const struct { int c; double lam, mu, T; } cases[] = {
		{ 30, 280, 10, 0.05 }, { 30, 280, 10, 0.5 }, { 30, 300, 10, 0.2 },
		{ 10, 130, 10, 1.0 }, { 1, 8, 10, 2.0 }, { 500, 600, 1, 0.02 },
	};
	static const double qs[] = { 0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0 };
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
			int c = cases[i].c;
			double lam = cases[i].lam, mu = cases[i].mu, T = cases[i].T, q = qs[k];
			double t = qref_mmcd_wait_quantile_served(c, lam, mu, T, q);
			double lo = 0, hi = T;

			assert_true(t >= 0 && t <= T);
			for (int it = 0; it < 200; it++) {
				double mid = 0.5 * (lo + hi);

				if (qref_mmcd_wait_cdf_served(c, lam, mu, T, mid) >= q)
					hi = mid;
				else
					lo = mid;
			}
			if (qref_mmcd_wait_cdf_served(c, lam, mu, T, 0.0) >= q)
				hi = 0; /* atom at 0 */
			CHECK_ABS(t, hi, 1e-12 * T);
		}
	CHECK_REL(qref_mmcd_wait_quantile_served(30, 280, 10, 0.05, 0.9), 0.035426505, 1e-7);
	CHECK_REL(qref_mmcd_wait_quantile_served(30, 280, 10, 0.5, 0.99), 0.20622204, 1e-7);
}

/* The quantile of every arrival's wait inverts P(Wq <= t) = 1 - P(Wq > t) (the tail over all
 * arrivals, with its atom P(abandon) at T); cross-checked by bisection on the tail. */
static void test_mmcd_quantile_all(void **state)
{
	static const struct { int c; double lam, mu, T; } cases[] = {
		{ 30, 280, 10, 0.05 }, { 30, 280, 10, 0.5 }, { 10, 130, 10, 0.5 },
		{ 10, 105, 10, 1.0 }, { 1, 8, 10, 0.2 },
	};
	static const double qs[] = { 0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0 };
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
			int c = cases[i].c;
			double lam = cases[i].lam, mu = cases[i].mu, T = cases[i].T, q = qs[k];
			double t = qref_mmcd_wait_quantile_all(c, lam, mu, T, q);
			double lo = 0, hi = T;

			assert_true(t >= 0 && t <= T);
			for (int it = 0; it < 200; it++) {
				double mid = 0.5 * (lo + hi);

				if (1 - qref_mmcd_wait_tail_all(c, lam, mu, T, mid) >= q)
					hi = mid;
				else
					lo = mid;
			}
			if (1 - qref_mmcd_wait_tail_all(c, lam, mu, T, 0.0) >= q)
				hi = 0; /* atom at 0 */
			CHECK_ABS(t, hi, 1e-9 * T); /* the bisection works on 1 - tail: 1e-16 / density */
		}
	/* Overloaded c = 10, rho = 1.3, T = 0.5: the timed-out atom holds P(abandon) = 0.2308, so
	 * the 0.95 quantile is T; with delta = -30 the served waits have density proportional to
	 * e^(30 t) on (0, T), and the median of all arrivals solves
	 * (e^(30 t) - 1) / (e^15 - 1) = 0.5 / P(served) (A0 = 1/B(9, 13) is 1e-7 of the mass). */
	CHECK_REL(qref_mmcd_wait_quantile_all(10, 130, 10, 0.5, 0.95), 0.5, 0);
	struct qref_mmcd d;
	assert_int_equal(qref_mmcd(10, 130, 10, 0.5, &d), QREF_OK);
	CHECK_REL(qref_mmcd_wait_quantile_all(10, 130, 10, 0.5, 0.5),
		  log1p(0.5 / d.p_served * expm1(15.0)) / 30, 1e-6);
}

static void test_mmcd_errors(void **state)
{
	struct qref_mmcd d;
	(void)state;
	assert_int_equal(qref_mmcd(0, 1, 1, 1, &d), QREF_EDOM);
	assert_true(isnan(d.p_abandon) && isnan(d.mean_wait_all));
	assert_int_equal(qref_mmcd(3, 1, 1, -1, &d), QREF_EDOM);
	assert_int_equal(qref_mmcd(3, 1, 1, INFINITY, &d), QREF_EDOM);
	assert_int_equal(qref_mmcd(3, 0, 1, 1, &d), QREF_EDOM);
	assert_true(isnan(qref_mmcd_wait_quantile_served(3, 1, 1, 1, 1.5)));
	assert_true(isnan(qref_mmcd_wait_tail_all(3, 1, 1, 1, NAN)));
}

/* ---- M/M/c/K ----------------------------------------------------------------------------- */

static void test_mmck_k_equals_c_is_erlang_b(void **state)
{
	static const double rhos[] = { 0.2, 0.9, 1.0, 1.5 };
	(void)state;
	for (int c = 1; c <= 500; c++)
		for (size_t k = 0; k < sizeof rhos / sizeof rhos[0]; k++) {
			double mu = 10, lam = rhos[k] * c * mu, b = qref_erlang_b(c, lam / mu);
			struct qref_mmck m;

			assert_int_equal(qref_mmck(c, c, lam, mu, &m), QREF_OK);
			CHECK_REL(m.p_block, b, 1e-12);
			assert_true(m.p_wait == 0.0 && m.mean_wait == 0.0);
		}
}

static void test_mmck_large_k_is_erlang_c(void **state)
{
	static const struct { int c; double lam; } cases[] = { { 1, 8 }, { 10, 80 }, { 30, 280 } };
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		int c = cases[i].c;
		double lam = cases[i].lam, mu = 10;
		struct qref_mmck k;
		struct qref_mmc m;

		/* rho^(K-c) <= 0.9333^3970 = 1e-119: the truncation is invisible. */
		assert_int_equal(qref_mmck(c, 4000, lam, mu, &k), QREF_OK);
		assert_int_equal(qref_mmc(c, lam, mu, &m), QREF_OK);
		assert_true(k.p_block < 1e-100);
		CHECK_REL(k.p_wait, m.p_wait, 1e-13);
		CHECK_REL(k.mean_wait, m.mean_wait, 1e-12);
		for (int j = 0; j <= 4; j++) {
			double t = j * 0.5 / (c * mu - lam);

			CHECK_REL(qref_mmck_wait_tail(c, 4000, lam, mu, t),
				  qref_mmc_wait_tail(c, lam, mu, t), 1e-10);
		}
	}
}

static void test_mmck_single_server_blocking(void **state)
{
	static const double rs[] = { 0.5, 0.9, 1.0, 1.5, 4.0 };
	static const int Ks[] = { 1, 2, 5, 20, 200 };
	(void)state;
	for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
		for (size_t j = 0; j < sizeof Ks / sizeof Ks[0]; j++) {
			double r = rs[i], mu = 10, want;
			int K = Ks[j];
			struct qref_mmck m;

			want = r == 1.0 ? 1.0 / (K + 1)
					: (1 - r) * pow(r, K) / (1 - pow(r, K + 1));
			assert_int_equal(qref_mmck(1, K, r * mu, mu, &m), QREF_OK);
			CHECK_REL(m.p_block, want, 1e-12);
			/* M/M/1/K: admitted arrivals see j < K with weights r^j and wait iff j >= 1. */
			CHECK_REL(m.p_wait, 1 - (r == 1.0 ? 1.0 / K : (1 - r) / (1 - pow(r, K))),
				  1e-12);
		}
	/* Tiny M/M/2/3 by hand: weights 1, a, a^2/2, a^3/4 with a = 2 -> 1, 2, 2, 2 (sum 7).
	 * Admitted see 0,1,2 with 1/5, 2/5, 2/5; only state 2 waits, one completion at 2 mu. */
	{
		struct qref_mmck m;

		assert_int_equal(qref_mmck(2, 3, 20, 10, &m), QREF_OK);
		CHECK_REL(m.p_block, 2.0 / 7, 1e-14);
		CHECK_REL(m.p_wait, 2.0 / 5, 1e-14);
		CHECK_REL(m.mean_wait, 2.0 / 5 / 20, 1e-14);
		CHECK_REL(qref_mmck_wait_tail(2, 3, 20, 10, 0.1), 2.0 / 5 * exp(-2.0), 1e-13);
	}
	{
		struct qref_mmck m;

		assert_int_equal(qref_mmck(3, 2, 1, 1, &m), QREF_EDOM);
		assert_true(isnan(m.p_block));
	}
}

/* ---- M/M/1-PS ---------------------------------------------------------------------------- */

static void test_mm1ps(void **state)
{
	(void)state;
	CHECK_REL(qref_mm1ps_sojourn(8, 10), 0.5, 1e-15);
	CHECK_REL(qref_mm1ps_sojourn(0, 10), 0.1, 1e-15);
	assert_true(isnan(qref_mm1ps_sojourn(10, 10)));
	assert_true(isnan(qref_mm1ps_sojourn(-1, 10)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_b_small_cases),
		cmocka_unit_test(test_erlang_b_log_space_large_c),
		cmocka_unit_test(test_mmc_single_server),
		cmocka_unit_test(test_mmc_commented_values),
		cmocka_unit_test(test_mmc_quantile_inverts_tail),
		cmocka_unit_test(test_mmc_errors),
		cmocka_unit_test(test_mmcd_worked_example),
		cmocka_unit_test(test_mmcd_internal_consistency),
		cmocka_unit_test(test_mmcd_boots_tijms),
		cmocka_unit_test(test_mmcd_limit_large_timeout_is_erlang_c),
		cmocka_unit_test(test_mmcd_limit_zero_timeout_is_erlang_b),
		cmocka_unit_test(test_mmcd_against_naive),
		cmocka_unit_test(test_mmcd_series_switch),
		cmocka_unit_test(test_mmcd_continuity_at_rho_one),
		cmocka_unit_test(test_mmcd_heavy_overload_finite),
		cmocka_unit_test(test_mmcd_quantile_served),
		cmocka_unit_test(test_mmcd_errors),
		cmocka_unit_test(test_mmck_k_equals_c_is_erlang_b),
		cmocka_unit_test(test_mmck_large_k_is_erlang_c),
		cmocka_unit_test(test_mmck_single_server_blocking),
		cmocka_unit_test(test_mm1ps),
		cmocka_unit_test(test_mmcd_quantile_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
