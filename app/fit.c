/* Maximum-likelihood fits of hold times and the arrival process (see fit.h).
 *
 * Estimators and their standard errors (n observations; the SEs are the square roots of the
 * diagonal of the inverse Fisher information divided by n, the asymptotic covariance of the
 * MLE):
 *   exponential, mean m:    m^ = mean(x); I(m) = 1/m^2, SE = m / sqrt(n).
 *   shifted exponential:    the shift's MLE is the minimum (the likelihood grows with the
 *                           shift up to it); the excess mean m' = mean(x) - min. The shift is
 *                           not a regular parameter (the support depends on it), so no Fisher
 *                           information: min - shift is exponential with mean m'/n, hence
 *                           SE(shift) = m'/n; SE(m') = m'/sqrt(n) as above.
 *   lognormal, mu, sigma:   mu^ = mean(ln x), sigma^2^ = mean((ln x - mu^)^2) (closed form);
 *                           I = diag(1/sigma^2, 2/sigma^2): SE(mu) = sigma/sqrt(n),
 *                           SE(sigma) = sigma/sqrt(2n).
 *   gamma, shape k, scale t: the score equations give t = mean(x)/k and
 *                           ln k - psi(k) = ln mean(x) - mean(ln x) = s (> 0 unless all values
 *                           are equal); the left side falls from +inf to 0, so one root, found
 *                           by Brent's method (GSL) from Minka's approximation
 *                           k0 = (3 - s + sqrt((s - 3)^2 + 24 s)) / (12 s).
 *                           I = [[psi'(k), 1/t], [1/t, k/t^2]], det = (k psi'(k) - 1)/t^2:
 *                           Var(k) = k / (n (k psi'(k) - 1)),
 *                           Var(t) = psi'(k) t^2 / (n (k psi'(k) - 1)). */
#include "app/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sort.h>

#include "sim/status.h"

const char *fit_kind_name(enum fit_kind kind)
{
	static const char *const names[] = {"exponential", "shifted exponential", "lognormal",
					    "gamma", "empirical"};
	return (unsigned)kind < FIT_KINDS ? names[kind] : "?";
}

double fit_cdf(const struct fit_result *f, double x, const double *sorted, size_t n)
{
	switch (f->kind) {
	case FIT_EXPONENTIAL:
		return x <= 0 ? 0 : -expm1(-x / f->p[0]);
	case FIT_SHIFTED_EXPONENTIAL:
		return x <= f->p[0] ? 0 : -expm1(-(x - f->p[0]) / f->p[1]);
	case FIT_LOGNORMAL:
		return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, f->p[0], f->p[1]);
	case FIT_GAMMA:
		return x <= 0 ? 0 : gsl_cdf_gamma_P(x, f->p[0], f->p[1]);
	case FIT_EMPIRICAL: {
		/* the share of the sample <= x: the first index whose value exceeds x */
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (sorted[mid] <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		return (double)lo / (double)n;
	}
	case FIT_KINDS:
		break;
	}
	return NAN;
}

double fit_pdf(const struct fit_result *f, double x)
{
	switch (f->kind) {
	case FIT_EXPONENTIAL:
		return x < 0 ? 0 : exp(-x / f->p[0]) / f->p[0];
	case FIT_SHIFTED_EXPONENTIAL:
		return x < f->p[0] ? 0 : exp(-(x - f->p[0]) / f->p[1]) / f->p[1];
	case FIT_LOGNORMAL:
		return x <= 0 ? 0 : gsl_ran_lognormal_pdf(x, f->p[0], f->p[1]);
	case FIT_GAMMA:
		return x <= 0 ? 0 : gsl_ran_gamma_pdf(x, f->p[0], f->p[1]);
	default:
		return NAN;
	}
}

double fit_quantile(const struct fit_result *f, double p, const double *sorted, size_t n)
{
	switch (f->kind) {
	case FIT_EXPONENTIAL:
		return -f->p[0] * log1p(-p);
	case FIT_SHIFTED_EXPONENTIAL:
		return f->p[0] - f->p[1] * log1p(-p);
	case FIT_LOGNORMAL:
		return gsl_cdf_lognormal_Pinv(p, f->p[0], f->p[1]);
	case FIT_GAMMA:
		return gsl_cdf_gamma_Pinv(p, f->p[0], f->p[1]);
	case FIT_EMPIRICAL: {
		/* the inverse of the step CDF: the smallest value whose CDF reaches p */
		double k = ceil(p * (double)n);
		size_t i = k < 1 ? 0 : (size_t)k - 1;
		return sorted[i < n ? i : n - 1];
	}
	case FIT_KINDS:
		break;
	}
	return NAN;
}

/* The Kolmogorov-Smirnov distance sup |F(x) - F_n(x)|: at each sorted x_i the empirical CDF
 * jumps from i/n to (i+1)/n. */
static double ks_distance(const struct fit_result *f, const double *sorted, size_t n)
{
	double d = 0;
	for (size_t i = 0; i < n; i++) {
		double F = fit_cdf(f, sorted[i], sorted, n);
		double a = F - (double)i / (double)n, b = (double)(i + 1) / (double)n - F;
		if (a > d)
			d = a;
		if (b > d)
			d = b;
	}
	return d;
}

static double gamma_score(double k, void *params)
{
	double s = *(const double *)params;
	return log(k) - gsl_sf_psi(k) - s;
}

/* The gamma shape solving ln k - psi(k) = s (s > 0), or NAN. */
static double gamma_shape(double s)
{
	double k0 = (3 - s + sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
	double lo = k0 / 2, hi = k0 * 2, k = NAN;
	gsl_function fn = {gamma_score, &s};
	/* the score falls with k: widen until it changes sign across [lo, hi] */
	for (int i = 0; i < 60 && gamma_score(lo, &s) <= 0; i++)
		lo /= 2;
	for (int i = 0; i < 60 && gamma_score(hi, &s) >= 0; i++)
		hi *= 2;
	if (!(gamma_score(lo, &s) > 0 && gamma_score(hi, &s) < 0))
		return NAN;
	gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!solver)
		return NAN;
	if (gsl_root_fsolver_set(solver, &fn, lo, hi) == GSL_SUCCESS) {
		for (int it = 0; it < 200; it++) {
			if (gsl_root_fsolver_iterate(solver) != GSL_SUCCESS)
				break;
			lo = gsl_root_fsolver_x_lower(solver);
			hi = gsl_root_fsolver_x_upper(solver);
			if (gsl_root_test_interval(lo, hi, 0, 1e-13) == GSL_SUCCESS) {
				k = gsl_root_fsolver_root(solver);
				break;
			}
		}
	}
	gsl_root_fsolver_free(solver);
	return k;
}

int fit_holds(const double *x, size_t n, double *sorted, struct fit_result out[FIT_KINDS])
{
	double dn = (double)n, sum = 0, ss = 0, slog = 0, mean, sd, min;
	bool positive = true;

	if (n < 2)
		return PT_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] >= 0) || !isfinite(x[i]))
			return PT_EINVAL;
		sum += x[i];
		if (x[i] == 0)
			positive = false;
		else
			slog += log(x[i]);
	}
	memcpy(sorted, x, n * sizeof *sorted);
	gsl_sort(sorted, 1, n);
	min = sorted[0];
	if (sorted[n - 1] == min)
		return PT_EINVAL;
	mean = sum / dn;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	sd = sqrt(ss / dn);
	memset(out, 0, sizeof(struct fit_result) * FIT_KINDS);
	for (int k = 0; k < FIT_KINDS; k++) {
		out[k].kind = (enum fit_kind)k;
		out[k].loglik = out[k].aic = out[k].ks = NAN;
		out[k].p[0] = out[k].p[1] = out[k].se[0] = out[k].se[1] = NAN;
	}

	struct fit_result *f = &out[FIT_EXPONENTIAL];
	f->ok = true;
	f->k = 1;
	f->p[0] = mean;
	f->se[0] = mean / sqrt(dn);
	f->mean = f->sd = mean;
	f->loglik = -dn * log(mean) - dn;

	f = &out[FIT_SHIFTED_EXPONENTIAL];
	f->ok = true;
	f->k = 2;
	f->p[0] = min;
	f->p[1] = mean - min;
	f->se[0] = f->p[1] / dn;
	f->se[1] = f->p[1] / sqrt(dn);
	f->mean = mean;
	f->sd = f->p[1];
	/* ln L = -n ln m' - sum (x - min) / m' = -n ln m' - n */
	f->loglik = -dn * log(f->p[1]) - dn;

	if (positive) {
		double mu = slog / dn, s2 = 0, sigma;
		for (size_t i = 0; i < n; i++)
			s2 += (log(x[i]) - mu) * (log(x[i]) - mu);
		sigma = sqrt(s2 / dn);
		f = &out[FIT_LOGNORMAL];
		f->ok = true;
		f->k = 2;
		f->p[0] = mu;
		f->p[1] = sigma;
		f->se[0] = sigma / sqrt(dn);
		f->se[1] = sigma / sqrt(2 * dn);
		f->mean = exp(mu + sigma * sigma / 2);
		f->sd = f->mean * sqrt(expm1(sigma * sigma));
		f->loglik = -slog - dn * log(sigma) - dn / 2 * log(2 * M_PI) - dn / 2;

		double s = log(mean) - slog / dn;
		double shape = s > 0 ? gamma_shape(s) : NAN;
		if (!isfinite(shape))
			return PT_ERANGE;
		double scale = mean / shape, tg = gsl_sf_psi_1(shape);
		double q = dn * (shape * tg - 1);
		f = &out[FIT_GAMMA];
		f->ok = true;
		f->k = 2;
		f->p[0] = shape;
		f->p[1] = scale;
		f->se[0] = sqrt(shape / q);
		f->se[1] = sqrt(tg * scale * scale / q);
		f->mean = mean;
		f->sd = mean / sqrt(shape);
		f->loglik = (shape - 1) * slog - sum / scale - dn * gsl_sf_lngamma(shape) -
			    dn * shape * log(scale);
	}

	f = &out[FIT_EMPIRICAL];
	f->ok = true;
	f->k = 0;
	f->mean = mean;
	f->sd = sd;
	f->ks = 0;
	for (int k = 0; k < FIT_EMPIRICAL; k++) {
		if (!out[k].ok)
			continue;
		out[k].aic = 2 * out[k].k - 2 * out[k].loglik;
		out[k].ks = ks_distance(&out[k], sorted, n);
	}
	return PT_OK;
}

enum fit_kind fit_choose(const struct fit_result f[FIT_KINDS])
{
	int best = -1;
	for (int k = 0; k < FIT_EMPIRICAL; k++)
		if (f[k].ok && (best < 0 || f[k].aic < f[best].aic))
			best = k;
	if (best < 0 || !(f[best].ks <= FIT_KS_MAX))
		return FIT_EMPIRICAL;
	return (enum fit_kind)best;
}

/* ---- arrivals ----------------------------------------------------------------------------- */

static void bin_counts(const double *t, size_t n, double window_s, double bin_s, int nb,
		       double *count, double *width)
{
	for (int b = 0; b < nb; b++) {
		count[b] = 0;
		width[b] = fmin(bin_s, window_s - b * bin_s);
	}
	for (size_t i = 0; i < n; i++) {
		int b = (int)(t[i] / bin_s);
		count[b < nb ? b : nb - 1] += 1;
	}
}

/* The dispersion index of the bins not flagged (flag NULL: all) at `rate`, and its
 * chi-squared upper tail. */
static double dispersion(const double *count, const double *width, const bool *flag, int nb,
			 double rate, double *p)
{
	double d = 0;
	int k = 0;
	for (int b = 0; b < nb; b++) {
		if (flag && flag[b])
			continue;
		double e = rate * width[b];
		d += e > 0 ? (count[b] - e) * (count[b] - e) / e : 0;
		k++;
	}
	*p = k > 1 ? gsl_cdf_chisq_Q(d, k - 1) : 1;
	return d;
}

int fit_arrivals(const double *t, size_t n, double window_s, double bin_s,
		 struct fit_arrivals *out)
{
	double count[FIT_MAX_BINS], width[FIT_MAX_BINS];
	bool flag[FIT_MAX_BINS];
	int nb;

	memset(out, 0, sizeof *out);
	if (n == 0 || !(window_s > 0) || !(bin_s > 0) || !isfinite(window_s / bin_s) ||
	    window_s / bin_s > FIT_MAX_BINS)
		return PT_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!(t[i] >= 0 && t[i] <= window_s))
			return PT_EINVAL;
	out->n = n;
	out->window_s = window_s;
	out->rate = (double)n / window_s;
	out->rate_se = sqrt((double)n) / window_s;
	out->base_rate = out->rate;
	/* bins: the last one may be partial (not below 1e-9 of a bin: rounding of window/bin) */
	nb = (int)ceil(window_s / bin_s - 1e-9);
	if (nb < 1)
		nb = 1;
	out->bin_s = bin_s;
	out->nbins = nb;
	bin_counts(t, n, window_s, bin_s, nb, count, width);
	out->dispersion = dispersion(count, width, NULL, nb, out->rate, &out->p_constant);
	out->shape = FIT_ARRIVAL_CONSTANT;
	if (nb < 2 || out->p_constant >= 0.001)
		return PT_OK;

	/* bursts: bins improbably high at the rate of the others (two rounds: flagging a burst
	 * lowers the base rate the others are judged at) */
	double base = out->rate, p_rest = 0;
	memset(flag, 0, sizeof flag);
	for (int round = 0; round < 2; round++) {
		double c = 0, w = 0;
		for (int b = 0; b < nb; b++) {
			double e = base * width[b];
			flag[b] = count[b] >= 1 && gsl_cdf_poisson_Q((unsigned)count[b] - 1, e) <
							   0.001 / nb;
		}
		for (int b = 0; b < nb; b++)
			if (!flag[b]) {
				c += count[b];
				w += width[b];
			}
		if (!(w > 0) || !(c > 0))
			break;
		base = c / w;
	}
	dispersion(count, width, flag, nb, base, &p_rest);
	int nbursts = 0;
	double burst_s = 0;
	for (int b = 0; b < nb; b++) {
		if (flag[b] && (b == 0 || !flag[b - 1]))
			nbursts++;
		if (flag[b])
			burst_s += width[b];
	}
	if (nbursts > 0 && nbursts <= CFG_MAX_BURSTS && burst_s <= window_s / 4 &&
	    p_rest >= 0.001) {
		out->shape = FIT_ARRIVAL_BURSTS;
		out->base_rate = base;
		for (int b = 0; b < nb;) {
			if (!flag[b]) {
				b++;
				continue;
			}
			double c = 0, w = 0;
			int e = b;
			for (; e < nb && flag[e]; e++) {
				c += count[e];
				w += width[e];
			}
			struct cfg_burst *bu = &out->bursts[out->n_bursts++];
			bu->start_s = b * bin_s;
			bu->end_s = fmin(window_s, e * bin_s);
			bu->factor = c / (base * w);
			b = e;
		}
		return PT_OK;
	}

	/* a profile: one point per bin, bins widened to fit CFG_MAX_PROFILE points */
	if (nb > CFG_MAX_PROFILE) {
		int merge = (nb + CFG_MAX_PROFILE - 1) / CFG_MAX_PROFILE;
		bin_s *= merge;
		nb = (int)ceil(window_s / bin_s - 1e-9);
		out->bin_s = bin_s;
		out->nbins = nb;
		bin_counts(t, n, window_s, bin_s, nb, count, width);
	}
	out->shape = FIT_ARRIVAL_PROFILE;
	out->n_profile = nb;
	for (int b = 0; b < nb; b++) {
		out->profile[b].t_s = b * bin_s;
		out->profile[b].rate_per_s = count[b] / width[b];
	}
	return PT_OK;
}
