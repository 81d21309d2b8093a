/* Fitting a scenario's inputs to observations: hold-time distributions by maximum likelihood,
 * and the arrival process (a constant rate, bursts, or a piecewise profile).
 *
 * Hold times: exponential, exponential shifted by a minimum, lognormal and gamma, each by
 * maximum likelihood (closed forms, and GSL's Brent solver for the gamma shape), with
 * standard errors from the Fisher information, the log-likelihood, AIC = 2 k - 2 ln L and the
 * Kolmogorov-Smirnov distance to the sample; plus the empirical distribution itself. The
 * choice (fit_choose): the parametric fit of lowest AIC (so a shift is taken when it lowers
 * AIC by more than the 2 its parameter costs); if even that one is off the observed CDF by a
 * KS distance above FIT_KS_MAX, the empirical distribution instead.
 *
 * Pure computation on arrays: no I/O (app/fit_report.h reads logs and writes the results). */
#ifndef POOLTIDE_FIT_H
#define POOLTIDE_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "models/config.h"

/* The KS distance above which no parametric shape is trusted. A fixed size, not a test: with
 * thousands of observations a KS test rejects every shape for differences that do not matter
 * to a pool; what matters is how far the CDF is off, and 0.05 (5 percentage points of
 * probability somewhere) is what a QQ plot shows as a visible misfit. */
#define FIT_KS_MAX 0.05

enum fit_kind { FIT_EXPONENTIAL, FIT_SHIFTED_EXPONENTIAL, FIT_LOGNORMAL, FIT_GAMMA, FIT_EMPIRICAL,
		FIT_KINDS };

/* One fitted distribution. Parameters p[0..k-1] (seconds unless said), standard errors se[]:
 *   exponential:          p[0] = mean
 *   shifted exponential:  p[0] = shift (the minimum), p[1] = mean of the excess over it
 *   lognormal:            p[0] = mu, p[1] = sigma (of ln X; dimensionless, ln seconds)
 *   gamma:                p[0] = shape, p[1] = scale
 *   empirical:            k = 0 (the sample itself) */
struct fit_result {
	enum fit_kind kind;
	bool ok;          /* false: not applicable (lognormal and gamma need every value > 0) */
	int k;            /* free parameters */
	double p[2], se[2];
	double mean, sd;  /* of the fitted distribution, seconds */
	double loglik, aic, ks;
};

/* Fit every kind to x[0..n-1] (n >= 2, values >= 0, finite; not modified). sorted: a scratch
 * array of n doubles (filled with x sorted). Returns 0, PT_EINVAL (n < 2, a negative or
 * non-finite value, or all values equal) or PT_ERANGE (the gamma solver did not converge). */
int fit_holds(const double *x, size_t n, double *sorted, struct fit_result out[FIT_KINDS]);

/* The kind fit_choose picks (see the header paragraph). */
enum fit_kind fit_choose(const struct fit_result f[FIT_KINDS]);

/* The fitted distribution's CDF, density and quantile (p in (0, 1)); for FIT_EMPIRICAL the
 * sorted sample's (step CDF, quantile by the inverse, pdf NAN). */
double fit_cdf(const struct fit_result *f, double x, const double *sorted, size_t n);
double fit_pdf(const struct fit_result *f, double x);
double fit_quantile(const struct fit_result *f, double p, const double *sorted, size_t n);

const char *fit_kind_name(enum fit_kind kind);

/* ---- arrivals ----------------------------------------------------------------------------- */

#define FIT_MAX_BINS 4096

/* The arrival process of n request times t[0..n-1] (ascending) observed over [0, window_s):
 *   rate = n / window_s with SE = sqrt(n) / window_s (Poisson counts);
 *   the counts per bin of bin_s (the last bin may be partial: its expectation is scaled) are
 *   tested for a constant rate by the dispersion index D = sum (c - e)^2 / e, chi-squared
 *   with nbins - 1 degrees of freedom under a Poisson process (p_constant = its upper tail);
 *   bins above the constant rate with a Poisson upper-tail probability below 0.001 / nbins
 *   (Bonferroni over the bins) are bursts: their windows (adjacent bins merged, at most
 *   CFG_MAX_BURSTS, covering at most a quarter of the window: a burst is short against what
 *   it interrupts) and factors count / expected at the rate of the other bins;
 *   when the rate is not constant even without the bursts (p < 0.001 again), a profile: one
 *   point per bin (CFG_MAX_PROFILE bins at most: wider bins are then used), no bursts.
 * The verdict is `shape`. */
enum fit_arrival_shape { FIT_ARRIVAL_CONSTANT, FIT_ARRIVAL_BURSTS, FIT_ARRIVAL_PROFILE };

struct fit_arrivals {
	size_t n;
	double window_s, rate, rate_se;
	double bin_s;          /* the bin width used (wider than asked for a profile of too many
				  bins) */
	int nbins;
	double dispersion, p_constant;  /* of every bin */
	double base_rate;      /* the rate outside the bursts (shape BURSTS), else rate */
	enum fit_arrival_shape shape;
	int n_bursts;
	struct cfg_burst bursts[CFG_MAX_BURSTS];
	int n_profile;
	struct cfg_rate_point profile[CFG_MAX_PROFILE];
};

/* 0, or PT_EINVAL (n == 0, window_s <= 0, bin_s <= 0 or more than FIT_MAX_BINS bins, a time
 * outside [0, window_s]). */
int fit_arrivals(const double *t, size_t n, double window_s, double bin_s,
		 struct fit_arrivals *out);

#endif
