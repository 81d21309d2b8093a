/*
 * queueing_ref: the reference calculator of reference/queueing.md (see queueing_ref.h).
 *
 * Everything is carried as natural logarithms of unnormalised masses and combined with
 * log-sum-exp, so a result is always exp(log numerator - log denominator). The only inputs
 * that are not logs are rates, times and the (bounded) probabilities handed back.
 */
#include "queueing_ref.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

/* ln 2; M_LN2 is not ISO C. */
#define LN2 0.693147180559945309417232121458176568

/* ---- small numerical helpers ------------------------------------------------------------- */

/* log(e^x + e^y), exact for -inf operands (log 0 + log 0 = log 0, never NaN). */
static double lse(double x, double y)
{
	double hi = x > y ? x : y;
	double lo = x > y ? y : x;

	if (hi == -INFINITY)
		return -INFINITY;
	return hi + log1p(exp(lo - hi));
}

/* log(1 + e^x) without overflow. */
static double softplus(double x)
{
	return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* log(1/B(c, a)) for c >= 0, a > 0, by 1/B(k) = 1 + (k/a)/B(k-1), 1/B(0) = 1.
 * Why a mantissa and a separate binary exponent rather than iterating on the logarithm: the
 * linear recursion is contracting (each step damps the relative error of the previous value by
 * k/(k + a B(k-1)) < 1), so it is accurate to a few ulps even for c = 500, whereas a log-space
 * iteration adds an absolute rounding of about eps * |log B| per step. Splitting off the exponent
 * with frexp keeps that accuracy while 1/B grows far beyond DBL_MAX. */
static double log_inv_erlang_b(int c, double a)
{
	double m = 1.0;
	int e = 0;

	for (int k = 1; k <= c; k++) {
		int de;

		m = ldexp(1.0, -e) + ((double)k / a) * m;
		m = frexp(m, &de);
		e += de;
	}
	return log(m) + (double)e * LN2;
}

/* The M/M/c+D masses below contain e^{-delta v} for v up to T, which is e^{3000} for c = 10,
 * rho = 1.3, T = 1000. They are all divided by sigma = e^{max(0, -delta T)} analytically, so the
 * large exponent cancels exactly instead of leaving an absolute rounding of eps * 3000 in every
 * log-space difference. The two "scaled" functions are therefore the logs of
 * psi(x) e^{-max(0,-x)} and phi(x) e^{-max(0,-x)}, x = delta t, which are O(1) for x < 0. */

/* log(psi(x) e^{-max(0,-x)}), psi(x) = (1 - e^-x)/x, psi(0) = 1; t psi(delta t) is the mass of
 * the offered-wait density e^{-delta v} on (0, t). Series for |x| < 1e-3 as in the reference
 * (continuity through rho = 1); expm1 is accurate to an ulp everywhere else. */
static double log_psi_scaled(double x)
{
	if (fabs(x) < 1e-3) {
		double l = log1p(x * (-1.0 / 2 + x * (1.0 / 6 + x * (-1.0 / 24 + x * (1.0 / 120)))));

		return x < 0 ? l + x : l;
	}
	if (x > 0)
		return log(-expm1(-x)) - log(x);
	/* x < 0: (e^{|x|} - 1)/|x| = e^{|x|} (1 - e^{-|x|})/|x|. */
	return log(-expm1(x)) - log(-x);
}

/* log(phi(x) e^{-max(0,-x)}), phi(x) = (1 - e^-x (1 + x))/x^2, phi(0) = 1/2; t^2 phi(delta t)
 * is the first moment of the same density on (0, t). Why the series is used up to |x| < 1,
 * wider than the 1e-3 the reference asks for: the closed form cancels to x^2/2 and loses about
 * eps/x^2 relative (1e-10 at x = 1e-3), while the series sum_n (-x)^n (n+1)/(n+2)! has no
 * cancellation for |x| < 1 and reaches 1e-18 within 20 terms. */
static double log_phi_scaled(double x)
{
	if (fabs(x) < 1.0) {
		double term = 0.5, sum = 0.5;

		for (int n = 1; n < 40 && fabs(term) > 1e-18 * sum; n++) {
			term *= -x * (double)(n + 1) / ((double)n * (double)(n + 2));
			sum += term;
		}
		return x < 0 ? log(sum) + x : log(sum);
	}
	if (x > 0)
		return log1p(-exp(-x) * (1.0 + x)) - 2.0 * log(x);
	/* x <= -1: (1 + e^{|x|} (|x| - 1))/x^2 = e^{|x|} (e^{-|x|} + |x| - 1)/x^2. */
	return log(exp(x) - x - 1.0) - 2.0 * log(-x);
}

static int rates_ok(int c, double lam, double mu)
{
	return c >= 1 && isfinite(lam) && lam > 0 && isfinite(mu) && mu > 0;
}

/* ---- Erlang B ---------------------------------------------------------------------------- */

double qref_log_erlang_b(int c, double a)
{
	if (c < 0 || !(a >= 0))
		return NAN;
	if (c == 0)
		return 0.0;
	if (a == 0)
		return -INFINITY;
	return -log_inv_erlang_b(c, a);
}

double qref_erlang_b(int c, double a)
{
	return exp(qref_log_erlang_b(c, a));
}

/* ---- M/M/c ------------------------------------------------------------------------------- */

/* log C and delta = c mu - lam for a stable M/M/c; status as qref_mmc. */
static int mmc_log_c(int c, double lam, double mu, double *log_c, double *delta)
{
	double cmu = (double)c * mu;

	if (!rates_ok(c, lam, mu))
		return QREF_EDOM;
	*delta = cmu - lam;
	if (!(*delta > 0))
		return QREF_EUNSTABLE;
	/* 1/C = rho + (1 - rho)/B(c, a), with 1 - rho = delta/(c mu). */
	*log_c = -lse(log(lam / cmu), log(*delta / cmu) + log_inv_erlang_b(c, lam / mu));
	return QREF_OK;
}

int qref_mmc(int c, double lam, double mu, struct qref_mmc *out)
{
	double log_c = 0, delta = 0;
	int rc = mmc_log_c(c, lam, mu, &log_c, &delta);

	if (rc != QREF_OK) {
		out->p_wait = out->mean_wait = out->mean_wait_given_wait = out->utilization = NAN;
		return rc;
	}
	out->p_wait = exp(log_c);
	out->mean_wait = out->p_wait / delta;
	out->mean_wait_given_wait = 1.0 / delta;
	out->utilization = lam / ((double)c * mu);
	return QREF_OK;
}

double qref_mmc_wait_tail(int c, double lam, double mu, double t)
{
	double log_c = 0, delta = 0;

	if (mmc_log_c(c, lam, mu, &log_c, &delta) != QREF_OK || isnan(t))
		return NAN;
	if (t < 0)
		return 1.0;
	return exp(log_c - delta * t);
}

double qref_mmc_wait_quantile(int c, double lam, double mu, double q)
{
	double log_c = 0, delta = 0, t;

	if (mmc_log_c(c, lam, mu, &log_c, &delta) != QREF_OK || !(q >= 0 && q < 1))
		return NAN;
	t = (log_c - log1p(-q)) / delta;
	return t > 0 ? t : 0.0;
}

/* ---- M/M/c/K ----------------------------------------------------------------------------- */

/* Logs of the birth-death weights relative to w_c = a^c/c!: below c they sum to
 * (c/a)/B(c-1, a) (Erlang-B balance), and state c + i has weight rho^i, i = 0..K-c. */
struct mmck_logs {
	double lr;        /* log rho */
	double adm;       /* log sum_{j<K} w_j / w_c: states an admitted arrival can see */
	double queue_adm; /* log sum_{j=c}^{K-1} w_j / w_c: admitted and has to wait */
	double mean_adm;  /* log sum_{j=c}^{K-1} (j-c+1) w_j / w_c */
	double all;       /* log sum_{j<=K} w_j / w_c */
};

static int mmck_logs(int c, int K, double lam, double mu, struct mmck_logs *m)
{
	double a = lam / mu;
	int n = K - c; /* waiting places */
	double shift, s = 0, s1 = 0;

	if (!rates_ok(c, lam, mu) || K < c)
		return QREF_EDOM;
	m->lr = log(lam / ((double)c * mu));
	/* Terms e^{i lr}, i < n, are monotone: scale by the largest so none overflows. */
	shift = m->lr > 0 && n > 0 ? (double)(n - 1) * m->lr : 0.0;
	for (int i = 0; i < n; i++) {
		double w = exp((double)i * m->lr - shift);

		s += w;
		s1 += (double)(i + 1) * w;
	}
	m->queue_adm = n > 0 ? shift + log(s) : -INFINITY;
	m->mean_adm = n > 0 ? shift + log(s1) : -INFINITY;
	m->adm = lse(log((double)c / a) + log_inv_erlang_b(c - 1, a), m->queue_adm);
	m->all = lse(m->adm, (double)n * m->lr);
	return QREF_OK;
}

int qref_mmck(int c, int K, double lam, double mu, struct qref_mmck *out)
{
	struct mmck_logs m;
	int rc = mmck_logs(c, K, lam, mu, &m);

	if (rc != QREF_OK) {
		out->p_block = out->p_wait = out->mean_wait = NAN;
		return rc;
	}
	out->p_block = exp((double)(K - c) * m.lr - m.all);
	out->p_wait = exp(m.queue_adm - m.adm);
	out->mean_wait = exp(m.mean_adm - m.adm) / ((double)c * mu);
	return QREF_OK;
}

double qref_mmck_wait_tail(int c, int K, double lam, double mu, double t)
{
	struct mmck_logs m;
	double sum = 0;

	if (mmck_logs(c, K, lam, mu, &m) != QREF_OK || isnan(t))
		return NAN;
	if (t < 0)
		return 1.0;
	if (t == 0)
		return exp(m.queue_adm - m.adm);
	if (isinf(t))
		return 0.0;
	/* An admitted arrival that finds j = c + i waits for i + 1 completions at rate c mu.
	 * (t > 0 here: GSL rejects a Poisson mean of 0 through its error handler.) */
	for (int i = 0; i < K - c; i++)
		sum += exp((double)i * m.lr - m.adm) *
		       gsl_cdf_poisson_P((unsigned)i, (double)c * mu * t);
	return sum;
}

/* ---- M/M/c+D ----------------------------------------------------------------------------- */

/* Logs of the unnormalised masses of section 4, divided by pi_{c-1} and by the scale
 * sigma = e^{max(0, -delta T)} (see log_psi_scaled). */
struct mmcd_logs {
	double lam, delta, T;
	double a0;  /* log A0 = log 1/B(c-1, a): V = 0 */
	double a1t; /* log A1(T) = log lam T psi(delta T): 0 < V < T */
	double a2;  /* log A2 = log (lam/(c mu)) e^{-delta T}: V >= T, times out */
	double s;   /* log (A0 + A1(T)): served */
	double z;   /* log Z */
	double m1;  /* log lam T^2 phi(delta T) = log E[V; 0 < V < T] (unnormalised) */
};

static int mmcd_logs(int c, double lam, double mu, double T, struct mmcd_logs *m)
{
	double cmu = (double)c * mu, x;

	if (!rates_ok(c, lam, mu) || !isfinite(T) || T < 0)
		return QREF_EDOM;
	m->lam = lam;
	m->delta = cmu - lam;
	m->T = T;
	x = m->delta * T;
	/* log sigma = max(0, -x): A0 is the only mass that is not naturally scaled. */
	m->a0 = log_inv_erlang_b(c - 1, lam / mu) - (x < 0 ? -x : 0.0);
	m->a1t = log(lam) + log(T) + log_psi_scaled(x); /* -inf at T = 0 */
	m->a2 = log(lam / cmu) - (x > 0 ? x : 0.0);
	m->s = lse(m->a0, m->a1t);
	m->z = lse(m->s, m->a2);
	m->m1 = log(lam) + 2.0 * log(T) + log_phi_scaled(x);
	return QREF_OK;
}

/* log A1(t) / sigma, 0 <= t <= T. For delta < 0, sigma = e^{-delta T}, and
 * psi(delta t) = psi_scaled(delta t) e^{-delta t}, leaving e^{delta (T - t)}. */
static double log_a1(const struct mmcd_logs *m, double t)
{
	double rest = m->delta < 0 ? m->delta * (m->T - t) : 0.0;

	return log(m->lam) + log(t) + log_psi_scaled(m->delta * t) + rest;
}

/* log (A1(T) - A1(t)) / sigma, from lam int_t^T e^{-delta v} dv = lam e^{-delta t} u psi(delta u),
 * u = T - t, formed directly (no cancellation). For delta < 0 the exponents cancel exactly:
 * e^{-delta t} e^{-delta u} / e^{-delta T} = 1. */
static double log_a1_between(const struct mmcd_logs *m, double t)
{
	double u = m->T - t;
	double rest = m->delta > 0 ? -m->delta * t : 0.0;

	return log(m->lam) + log(u) + log_psi_scaled(m->delta * u) + rest;
}

int qref_mmcd(int c, double lam, double mu, double T, struct qref_mmcd *out)
{
	struct mmcd_logs m;
	int rc = mmcd_logs(c, lam, mu, T, &m);

	if (rc != QREF_OK) {
		out->p_abandon = out->p_served = out->p_wait = NAN;
		out->mean_wait_served = out->mean_wait_all = out->utilization = NAN;
		return rc;
	}
	out->p_abandon = exp(m.a2 - m.z);
	out->p_served = exp(m.s - m.z);
	out->p_wait = exp(lse(m.a1t, m.a2) - m.z);
	out->mean_wait_served = exp(m.m1 - m.s);
	out->mean_wait_all = exp(lse(m.m1, log(T) + m.a2) - m.z);
	out->utilization = exp(log(lam / ((double)c * mu)) + m.s - m.z);
	return QREF_OK;
}

double qref_mmcd_wait_cdf_served(int c, double lam, double mu, double T, double t)
{
	struct mmcd_logs m;

	if (mmcd_logs(c, lam, mu, T, &m) != QREF_OK || isnan(t))
		return NAN;
	if (t < 0)
		return 0.0;
	if (t >= T)
		return 1.0;
	return exp(lse(m.a0, log_a1(&m, t)) - m.s);
}

double qref_mmcd_wait_tail_served(int c, double lam, double mu, double T, double t)
{
	struct mmcd_logs m;

	if (mmcd_logs(c, lam, mu, T, &m) != QREF_OK || isnan(t))
		return NAN;
	if (t < 0)
		return 1.0;
	if (t >= T)
		return 0.0;
	return exp(log_a1_between(&m, t) - m.s);
}

double qref_mmcd_wait_tail_all(int c, double lam, double mu, double T, double t)
{
	struct mmcd_logs m;

	if (mmcd_logs(c, lam, mu, T, &m) != QREF_OK || isnan(t))
		return NAN;
	if (t < 0)
		return 1.0;
	if (t >= T)
		return 0.0;
	return exp(lse(log_a1_between(&m, t), m.a2) - m.z);
}

double qref_mmcd_wait_quantile_served(int c, double lam, double mu, double T, double q)
{
	struct mmcd_logs m;
	double p0, d, l, t;

	if (mmcd_logs(c, lam, mu, T, &m) != QREF_OK || !(q >= 0 && q <= 1))
		return NAN;
	d = m.delta;
	p0 = exp(m.a0 - m.s); /* P(Wq = 0 | served) */
	if (q <= p0)
		return 0.0;
	if (q >= 1)
		return T;
	/* Both forms below are exact; the one whose right-hand side is the smaller share of the
	 * served mass has no cancellation, so the quantile keeps its digits near 0 and near T. */
	if (q - p0 <= 1 - q) {
		/* From below: A1(t) = lam (1 - e^{-delta t})/delta = R := (q - p0)(A0 + A1(T)).
		 * l = log R - log sigma, sigma = e^{max(0, -delta T)}. */
		l = m.s + log(q - p0);
		if (d > 0) {
			t = -log1p(-exp(l + log(d) - log(lam))) / d;
		} else if (d < 0) {
			/* e^{|d| t} = 1 + R |d|/lam, and R |d|/lam can be e^3000. */
			double w = l - d * T + log(-d) - log(lam);

			t = (w > 0 ? w + log1p(exp(-w)) : log1p(exp(w))) / -d;
		} else {
			t = exp(l - log(lam));
		}
	} else {
		/* From above, u = T - t: A1(T) - A1(t) = lam e^{-delta T} (e^{delta u} - 1)/delta
		 * = Q := (1 - q)(A0 + A1(T)); l = log Q - log sigma. */
		double u;

		l = m.s + log1p(-q);
		if (d > 0)
			u = softplus(l + d * T + log(d) - log(lam)) / d;
		else if (d < 0) /* Q e^{delta T} = e^l */
			u = -log1p(-exp(l + log(-d) - log(lam))) / -d;
		else
			u = exp(l - log(lam));
		t = T - u;
	}
	if (!(t > 0))
		return 0.0;
	return t < T ? t : T;
}

double qref_mmcd_wait_quantile_all(int c, double lam, double mu, double T, double q)
{
	struct qref_mmcd d;

	if (qref_mmcd(c, lam, mu, T, &d) != QREF_OK || !(q >= 0 && q <= 1))
		return NAN;
	if (q > d.p_served)
		return T;
	return qref_mmcd_wait_quantile_served(c, lam, mu, T, fmin(1.0, q / d.p_served));
}

/* ---- M/M/1-PS ---------------------------------------------------------------------------- */

double qref_mm1ps_sojourn(double lam, double mu)
{
	if (!(lam >= 0 && mu > lam && isfinite(mu)))
		return NAN;
	return 1.0 / (mu - lam);
}
