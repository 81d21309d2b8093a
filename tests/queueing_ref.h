/*
 * queueing_ref: exact steady-state answers for the textbook queues that pooltide must reproduce
 * (reference/queueing.md): Erlang B, M/M/c (Erlang C), M/M/c/K, M/M/c+D (deterministic timeout,
 * FIFO) and the M/M/1-PS mean sojourn. Statistical validation tests compare simulated metrics
 * against these values; test_queueing_ref.c checks the calculator itself.
 *
 * It is not a simulator and not part of the product: it lives under tests/ and is linked into
 * every test binary. All metrics are per arriving request (PASTA), steady state, in the metric
 * vocabulary of reference/queueing.md. Rates are per second, times in seconds.
 *
 * Numerics: no factorials and no powers that can overflow; Erlang B is kept as a logarithm and
 * every M/M/c+D quantity is a ratio of log-sum-exp terms, so c up to 500 and beyond, and
 * overloaded cases such as c = 10, rho = 1.3, T = 1000 (terms of order e^3000), stay finite.
 * Tail probabilities are computed directly, never as 1 - cdf, so tiny tails keep their digits.
 *
 * Error convention: functions returning int give 0 on success, QREF_EUNSTABLE when the model
 * has no steady state (rho >= 1 where a finite queue is required) and QREF_EDOM for parameters
 * outside their domain; on failure every field of *out is NaN. Functions returning double give
 * NaN in both failure cases. Nothing here allocates, and there is no state.
 */
#ifndef POOLTIDE_TESTS_QUEUEING_REF_H
#define POOLTIDE_TESTS_QUEUEING_REF_H

enum {
	QREF_OK = 0,
	QREF_EUNSTABLE = 1, /* rho >= 1 for a model that needs rho < 1 */
	QREF_EDOM = 2       /* c < 1, non-positive rate, negative or non-finite time, q outside [0,1) */
};

/* ---- Erlang B ---------------------------------------------------------------------------- */

/* Erlang B blocking probability B(c, a) for c >= 0 servers and offered load a >= 0 Erlangs, by
 * the recursion 1/B(k,a) = 1 + (k/a)/B(k-1,a), B(0,a) = 1, carried with a separate binary
 * exponent so it neither overflows nor loses digits. May underflow to 0 for tiny a/c; use
 * qref_log_erlang_b then. NaN for c < 0 or a < 0 / NaN. */
double qref_erlang_b(int c, double a);

/* log B(c, a), finite whenever a > 0 (for a = 0 and c > 0 it is -inf). Same domain as above. */
double qref_log_erlang_b(int c, double a);

/* ---- M/M/c (Erlang C) -------------------------------------------------------------------- */

struct qref_mmc {
	double p_wait;               /* Erlang C: P(Wq > 0) */
	double mean_wait;            /* E[Wq] = C/delta, s */
	double mean_wait_given_wait; /* E[Wq | Wq > 0] = 1/delta, s */
	double utilization;          /* rho */
};

/* M/M/c with c >= 1 connections, arrival rate lam > 0 (1/s), hold rate mu > 0 (1/s), no
 * timeout. Returns QREF_EUNSTABLE if rho = lam/(c mu) >= 1, QREF_EDOM for bad parameters. */
int qref_mmc(int c, double lam, double mu, struct qref_mmc *out);

/* P(Wq > t) = C exp(-delta t) for t >= 0 (1 for t < 0). NaN if rho >= 1 or bad parameters. */
double qref_mmc_wait_tail(int c, double lam, double mu, double t);

/* q-quantile of Wq, max(0, ln(C/(1-q))/delta), s, for 0 <= q < 1. NaN if rho >= 1. */
double qref_mmc_wait_quantile(int c, double lam, double mu, double q);

/* ---- M/M/c/K ----------------------------------------------------------------------------- */

struct qref_mmck {
	double p_block;   /* fraction of all arrivals rejected at the door (system holds K) */
	double p_wait;    /* P(Wq > 0 | admitted) */
	double mean_wait; /* E[Wq | admitted], s */
};

/* M/M/c/K: c >= 1 connections, capacity K >= c (in service + waiting), blocked arrivals lost.
 * Valid for any rho. Cost O(K - c). QREF_EDOM for bad parameters. */
int qref_mmck(int c, int K, double lam, double mu, struct qref_mmck *out);

/* P(Wq > t | admitted) = sum_{j=c}^{K-1} q_j P(Poisson(c mu t) <= j - c), t in s. NaN for bad
 * parameters. Cost O(K - c) Poisson cdf evaluations. */
double qref_mmck_wait_tail(int c, int K, double lam, double mu, double t);

/* ---- M/M/c+D: deterministic timeout T, FIFO (reference/queueing.md section 4) ------------ */

struct qref_mmcd {
	double p_abandon;        /* fraction of all arrivals that time out (after exactly T) */
	double p_served;         /* fraction of all arrivals that get a connection */
	double p_wait;           /* P(arrival finds all connections busy), timed-out ones included */
	double mean_wait_served; /* E[Wq | served], s */
	double mean_wait_all;    /* E[Wq] over all arrivals, a timeout counting as T, s */
	double utilization;      /* lam p_served / (c mu) */
};

/* M/M/c+D with c >= 1, lam > 0, mu > 0 (1/s) and a finite timeout T >= 0 (s). Valid for any rho,
 * including rho > 1 and rho = 1 exactly (series for |delta T| < 1e-3). T = 0 gives Erlang B as
 * p_abandon; for T = infinity use qref_mmc. QREF_EDOM for bad parameters. */
int qref_mmcd(int c, double lam, double mu, double T, struct qref_mmcd *out);

/* P(Wq <= t | served) = (A0 + A1(t)) / (A0 + A1(T)); 0 for t < 0, 1 for t >= T. NaN for bad
 * parameters. */
double qref_mmcd_wait_cdf_served(int c, double lam, double mu, double T, double t);

/* P(Wq > t | served) = (A1(T) - A1(t)) / (A0 + A1(T)), computed directly (not 1 - cdf). */
double qref_mmcd_wait_tail_served(int c, double lam, double mu, double T, double t);

/* P(Wq > t) over all arrivals, timed-out ones included with wait T:
 * (A1(T) - A1(t) + A2) / Z for 0 <= t < T, 0 for t >= T, 1 for t < 0. */
double qref_mmcd_wait_tail_all(int c, double lam, double mu, double T, double t);

/* Exact q-quantile (0 <= q <= 1) of the wait of served requests, s: the smallest t in [0, T]
 * with P(Wq <= t | served) >= q, by inverting (A0 + A1(t))/(A0 + A1(T)) = q in closed form.
 * 0 when q <= P(Wq = 0 | served). NaN for bad parameters. */
double qref_mmcd_wait_quantile_served(int c, double lam, double mu, double T, double q);

/* Exact q-quantile (0 <= q <= 1) of the wait of every arrival, a timed-out one counting T, s:
 * the smallest t in [0, T] with P(Wq <= t) >= q. Below T the distribution of all arrivals is
 * the served one scaled by P(served) (queueing.md section 4: P(Wq <= t) = (A0 + A1(t)) / Z =
 * P(served) P(Wq <= t | served) for 0 <= t < T), and the timed-out arrivals are an atom of
 * mass P(abandon) at T. So the quantile is qref_mmcd_wait_quantile_served at q / P(served)
 * when q <= P(served), else T. NaN for bad parameters. */
double qref_mmcd_wait_quantile_all(int c, double lam, double mu, double T, double q);

/* ---- M/M/1 processor sharing ------------------------------------------------------------- */

/* Mean sojourn time of M/M/1-PS, 1/(mu - lam) s (insensitive to the discipline among work-
 * conserving ones). NaN unless 0 <= lam < mu. */
double qref_mm1ps_sojourn(double lam, double mu);

#endif
