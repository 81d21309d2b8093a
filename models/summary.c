#include "models/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"

#define W(r, i) (&(r)->workloads[i])
#define P(r, i) (&(r)->pools[i])
#define B(r, i) (&(r)->batches[i])

enum metric_scope metric_scope_of(const struct cfg_workload *w)
{
	return w->kind == CFG_WORKLOAD_BATCH ? METRIC_BATCH : METRIC_WORKLOAD;
}

static double tmean(const struct tally *t) { return tally_mean(t); }
static double tmax(const struct tally *t) { return t->n ? t->max : NAN; }

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : NAN; }
static double q_or_nan(const struct histo *h, double q) { return h->n ? histo_quantile(h, q) : NAN; }

static double w_offered(const struct model_result *r, int i) { return (double)W(r, i)->offered; }
static double w_served(const struct model_result *r, int i) { return (double)W(r, i)->served; }
/* Per failure cause (models/requests.h): its count, its share of offered requests and the
 * two counts of that share. */
#define CAUSE_FNS_(id, name, rate, label)                                                     \
	static double w_count_##id(const struct model_result *r, int i)                     \
	{                                                                                   \
		return (double)W(r, i)->failed[id];                                         \
	}                                                                                   \
	static double w_rate_##id(const struct model_result *r, int i)                      \
	{                                                                                   \
		return ratio(W(r, i)->failed[id], W(r, i)->offered);                        \
	}                                                                                   \
	static void w_counts_##id(const struct model_result *r, int i, double *e, double *n) \
	{                                                                                   \
		*e = (double)W(r, i)->failed[id];                                           \
		*n = (double)W(r, i)->offered;                                              \
	}
REQUESTS_FAILURES(CAUSE_FNS_)
#undef CAUSE_FNS_

static double w_failed(const struct model_result *r, int i)
{
	return (double)requests_failures(W(r, i));
}
static double w_failure_rate(const struct model_result *r, int i)
{
	return ratio(requests_failures(W(r, i)), W(r, i)->offered);
}
static void w_failure_counts(const struct model_result *r, int i, double *e, double *n)
{
	*e = (double)requests_failures(W(r, i));
	*n = (double)W(r, i)->offered;
}
static void b_failed_counts(const struct model_result *r, int i, double *e, double *n)
{
	*e = (double)B(r, i)->failed;
	*n = (double)B(r, i)->batches;
}
/* Worst windows (models/window.h): slot k is the workload's (k+1)-th window length (1 and 5
 * minutes by default). */
static double w_worst_rate0(const struct model_result *r, int i) { return W(r, i)->worst[0].failure_rate; }
static double w_worst_p99_0(const struct model_result *r, int i) { return W(r, i)->worst[0].wait_p99; }
static double w_worst_rate1(const struct model_result *r, int i) { return W(r, i)->worst[1].failure_rate; }
static double w_worst_p99_1(const struct model_result *r, int i) { return W(r, i)->worst[1].wait_p99; }
static double w_worst_rate2(const struct model_result *r, int i) { return W(r, i)->worst[2].failure_rate; }
static double w_worst_p99_2(const struct model_result *r, int i) { return W(r, i)->worst[2].wait_p99; }
/* The trials behind a worst window's failure rate are the requests whose outcome fell in that
 * window (models/window.h), not the run's offered requests: the rate was read off those and no
 * others, so they are all the evidence it has. Pooled over replications (each replication's
 * worst window, its failed and its outcomes), they give the Wilson interval that the Student
 * interval lacks when the windows are short: 5 requests a window in 10 replications, none
 * failed, is 0 of 50, whose upper end is 7.1 %, not 0 %. Choosing the worst window of each
 * replication biases the rate upwards, never downwards, so widening by its counts cannot make
 * a limit on it look met when it is not. */
static void w_worst_counts(const struct model_result *r, int i, int k, double *e, double *n)
{
	*e = W(r, i)->worst[k].failed;
	*n = W(r, i)->worst[k].outcomes;
}
static void w_worst_counts0(const struct model_result *r, int i, double *e, double *n) { w_worst_counts(r, i, 0, e, n); }
static void w_worst_counts1(const struct model_result *r, int i, double *e, double *n) { w_worst_counts(r, i, 1, e, n); }
static void w_worst_counts2(const struct model_result *r, int i, double *e, double *n) { w_worst_counts(r, i, 2, e, n); }

static double w_wait_mean(const struct model_result *r, int i)
{
	return tally_mean(&W(r, i)->wait_served);
}
static double w_p_wait(const struct model_result *r, int i)
{
	const struct histo *h = &W(r, i)->h_all;
	return h->n ? 1.0 - (double)h->zero / (double)h->n : NAN;
}
static void w_p_wait_counts(const struct model_result *r, int i, double *e, double *n)
{
	const struct histo *h = &W(r, i)->h_all;
	*e = (double)(h->n - h->zero);
	*n = (double)h->n;
}
static double w_wait_p50(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.50); }
static double w_wait_p90(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.90); }
static double w_wait_p95(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.95); }
static double w_wait_p99(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.99); }
static double w_wait_p999(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.999); }
static double w_wait_max(const struct model_result *r, int i)
{
	return W(r, i)->h_served.n ? W(r, i)->h_served.max : NAN;
}
static double w_wait_all_mean(const struct model_result *r, int i)
{
	return tally_mean(&W(r, i)->wait_all);
}
static double w_wait_all_p50(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_all, 0.50); }
static double w_wait_all_p95(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_all, 0.95); }
static double w_wait_all_p99(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_all, 0.99); }
static double w_wait_all_p999(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_all, 0.999); }
static double w_wait_all_max(const struct model_result *r, int i)
{
	return W(r, i)->h_all.n ? W(r, i)->h_all.max : NAN;
}
static double w_connect_mean(const struct model_result *r, int i)
{
	return tally_mean(&W(r, i)->connect);
}
static double w_hold_mean(const struct model_result *r, int i)
{
	return tally_mean(&W(r, i)->hold);
}

static double w_retried(const struct model_result *r, int i) { return (double)W(r, i)->retried; }
static double w_retries(const struct model_result *r, int i) { return (double)W(r, i)->retries; }
static double w_pool_timeouts(const struct model_result *r, int i)
{
	return (double)W(r, i)->pool_timeouts;
}
static double w_batch_heavy_share(const struct model_result *r, int i)
{
	return ratio(W(r, i)->timeouts_batch_heavy, W(r, i)->pool_timeouts);
}
static double w_lock_heavy_share(const struct model_result *r, int i)
{
	return ratio(W(r, i)->timeouts_lock_heavy, W(r, i)->pool_timeouts);
}
static void w_batch_heavy_counts(const struct model_result *r, int i, double *e, double *n)
{
	*e = (double)W(r, i)->timeouts_batch_heavy;
	*n = (double)W(r, i)->pool_timeouts;
}
static void w_lock_heavy_counts(const struct model_result *r, int i, double *e, double *n)
{
	*e = (double)W(r, i)->timeouts_lock_heavy;
	*n = (double)W(r, i)->pool_timeouts;
}
/* Not a proportion, so no counts: lock_wait_rate (transactions that waited for a lock, failed
 * ones included, per served request: it can exceed 1), exhausted_share and cpu_busy_mean
 * (shares of time, not of events). */
static double w_lock_waits(const struct model_result *r, int i) { return (double)W(r, i)->lock_waits; }
static double w_lock_wait_rate(const struct model_result *r, int i)
{
	return ratio(W(r, i)->lock_waits, W(r, i)->served);
}
static double w_lock_wait_mean(const struct model_result *r, int i) { return tmean(&W(r, i)->lock_wait); }
static double w_hold_p50(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_hold, 0.50); }
static double w_hold_p95(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_hold, 0.95); }
static double w_hold_p99(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_hold, 0.99); }
static double w_lock_wait_p50(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_lock_wait, 0.50); }
static double w_lock_wait_p95(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_lock_wait, 0.95); }
static double w_lock_wait_p99(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_lock_wait, 0.99); }
static double w_lock_wait_max(const struct model_result *r, int i) { return tmax(&W(r, i)->lock_wait); }
/* row locks live on the primary: a replica never has a transaction waiting for one */
static double d_lock_waiting_mean(const struct model_result *r, int i)
{
	return i == 0 ? r->db_lock_waiting_mean : 0;
}
static double d_lock_waiting_max(const struct model_result *r, int i)
{
	return i == 0 ? r->db_lock_waiting_max : 0;
}
static double w_hold_max(const struct model_result *r, int i) { return tmax(&W(r, i)->hold); }
static double w_routed_reads(const struct model_result *r, int i) { return (double)W(r, i)->routed_reads; }
static double w_app_queued(const struct model_result *r, int i) { return (double)W(r, i)->app_queued; }
static double w_app_wait_mean(const struct model_result *r, int i) { return tmean(&W(r, i)->app_wait); }
static double w_app_wait_max(const struct model_result *r, int i) { return tmax(&W(r, i)->app_wait); }
static double b_lock_timeouts(const struct model_result *r, int i)
{
	return (double)B(r, i)->lock_timeouts;
}
static double b_statement_timeouts(const struct model_result *r, int i)
{
	return (double)B(r, i)->statement_timeouts;
}

static double b_batches(const struct model_result *r, int i) { return (double)B(r, i)->batches; }
static double b_failed(const struct model_result *r, int i) { return (double)B(r, i)->failed; }
static double b_failed_rate(const struct model_result *r, int i)
{
	return ratio(B(r, i)->failed, B(r, i)->batches);
}
static double b_size_mean(const struct model_result *r, int i) { return tmean(&B(r, i)->size); }
static double b_duration_mean(const struct model_result *r, int i) { return tmean(&B(r, i)->duration); }
static double b_duration_max(const struct model_result *r, int i) { return tmax(&B(r, i)->duration); }
static double b_hold_mean(const struct model_result *r, int i) { return tmean(&B(r, i)->hold); }
static double b_hold_max(const struct model_result *r, int i) { return tmax(&B(r, i)->hold); }
static double b_transactions(const struct model_result *r, int i)
{
	return (double)B(r, i)->transactions;
}
static double b_lock_waits(const struct model_result *r, int i) { return (double)B(r, i)->lock_waits; }
static double b_lock_wait_mean(const struct model_result *r, int i) { return tmean(&B(r, i)->lock_wait); }
static double b_lag_mean(const struct model_result *r, int i) { return tmean(&B(r, i)->lag); }
static double b_lag_max(const struct model_result *r, int i) { return tmax(&B(r, i)->lag); }
static double b_records_per_s(const struct model_result *r, int i)
{
	return r->window_s > 0 ? (double)B(r, i)->records / r->window_s : NAN;
}
static double b_backlog_mean(const struct model_result *r, int i) { return B(r, i)->backlog_mean; }
static double b_backlog_max(const struct model_result *r, int i) { return B(r, i)->backlog_max; }
static double b_backlog_end(const struct model_result *r, int i) { return B(r, i)->backlog_end; }
static double b_active_mean(const struct model_result *r, int i) { return B(r, i)->active_mean; }
static double b_pool_timeouts(const struct model_result *r, int i)
{
	return (double)B(r, i)->pool_timeouts;
}
static double b_pgbouncer_timeouts(const struct model_result *r, int i)
{
	return (double)B(r, i)->pgbouncer_timeouts;
}

/* Server idx: 0 the primary (the db_* fields), k the replica k - 1. */
static double d_open_mean(const struct model_result *r, int i)
{
	return i == 0 ? r->db_open_mean : r->replicas[i - 1].open_mean;
}
static double d_open_max(const struct model_result *r, int i)
{
	return i == 0 ? r->db_open_max : r->replicas[i - 1].open_max;
}
static double d_refused(const struct model_result *r, int i)
{
	return (double)(i == 0 ? r->db_refused : r->replicas[i - 1].refused);
}
static double d_cpu_busy(const struct model_result *r, int i)
{
	return i == 0 ? r->db_cpu_busy_mean : r->replicas[i - 1].cpu_busy_mean;
}
static double d_cpu_active(const struct model_result *r, int i)
{
	return i == 0 ? r->db_cpu_active_mean : r->replicas[i - 1].cpu_active_mean;
}

/* PgBouncer's pool of server idx's database (idx as for the servers above). */
#define G(field) static double g_##field(const struct model_result *r, int i) \
	{ return (double)r->pgbouncer[i].field; }
G(queries)
G(query_wait_timeouts)
G(login_failing)
G(statement_mode)
G(client_refused)
G(server_connects)
G(server_refused)
G(reserve_connects)
G(idle_closes)
G(lifetime_closes)
G(wait_mean)
G(maxwait_max)
G(cl_active_mean)
G(cl_active_max)
G(cl_waiting_mean)
G(cl_waiting_max)
G(sv_active_mean)
G(sv_active_max)
G(sv_idle_mean)
G(sv_login_mean)
#undef G
static void g_qwt_counts(const struct model_result *r, int i, double *events, double *trials)
{
	*events = (double)r->pgbouncer[i].query_wait_timeouts;
	*trials = (double)r->pgbouncer[i].queries;
}
static double g_qwt_rate(const struct model_result *r, int i)
{
	return ratio(r->pgbouncer[i].query_wait_timeouts, r->pgbouncer[i].queries);
}

static double p_checked_out_mean(const struct model_result *r, int i) { return P(r, i)->checked_out_mean; }
static double p_checked_out_max(const struct model_result *r, int i) { return P(r, i)->checked_out_max; }
static double p_checked_in_mean(const struct model_result *r, int i) { return P(r, i)->checked_in_mean; }
static double p_overflow_mean(const struct model_result *r, int i) { return P(r, i)->overflow_mean; }
static double p_overflow_max(const struct model_result *r, int i) { return P(r, i)->overflow_max; }
static double p_waiters_mean(const struct model_result *r, int i) { return P(r, i)->waiters_mean; }
static double p_waiters_max(const struct model_result *r, int i) { return P(r, i)->waiters_max; }
static double p_open_mean(const struct model_result *r, int i) { return P(r, i)->open_mean; }
static double p_open_max(const struct model_result *r, int i) { return P(r, i)->open_max; }
static double p_exhausted_share(const struct model_result *r, int i) { return P(r, i)->exhausted_share; }
static double p_longest_exhausted(const struct model_result *r, int i) { return P(r, i)->longest_exhausted_s; }
static double p_connects(const struct model_result *r, int i) { return (double)P(r, i)->connects; }
static double p_barged(const struct model_result *r, int i) { return (double)P(r, i)->barged; }
static double p_closes(const struct model_result *r, int i) { return (double)P(r, i)->closes; }

static const struct metric_def table[] = {
	{"offered", "requests", METRIC_WORKLOAD, w_offered, NULL, 0},
	{"served", "requests", METRIC_WORKLOAD, w_served, NULL, 0},
#define COUNT_ROW_(id, name, rate, label) {name, "requests", METRIC_WORKLOAD, w_count_##id, NULL, 0},
	REQUESTS_FAILURES(COUNT_ROW_)
#undef COUNT_ROW_
	{"failed", "requests", METRIC_WORKLOAD, w_failed, NULL, 0},
	{"failure_rate", "1", METRIC_WORKLOAD, w_failure_rate, w_failure_counts, 0},
#define RATE_ROW_(id, name, rate, label) {rate, "1", METRIC_WORKLOAD, w_rate_##id, w_counts_##id, 0},
	REQUESTS_FAILURES(RATE_ROW_)
#undef RATE_ROW_
	{"window1.failure_rate", "1", METRIC_WORKLOAD, w_worst_rate0, w_worst_counts0, 1},
	{"window1.wait_p99", "s", METRIC_WORKLOAD, w_worst_p99_0, NULL, 1},
	{"window2.failure_rate", "1", METRIC_WORKLOAD, w_worst_rate1, w_worst_counts1, 2},
	{"window2.wait_p99", "s", METRIC_WORKLOAD, w_worst_p99_1, NULL, 2},
	{"window3.failure_rate", "1", METRIC_WORKLOAD, w_worst_rate2, w_worst_counts2, 3},
	{"window3.wait_p99", "s", METRIC_WORKLOAD, w_worst_p99_2, NULL, 3},
	{"p_wait", "1", METRIC_WORKLOAD, w_p_wait, w_p_wait_counts, 0},
	{"wait_mean", "s", METRIC_WORKLOAD, w_wait_mean, NULL, 0},
	{"wait_p50", "s", METRIC_WORKLOAD, w_wait_p50, NULL, 0},
	{"wait_p90", "s", METRIC_WORKLOAD, w_wait_p90, NULL, 0},
	{"wait_p95", "s", METRIC_WORKLOAD, w_wait_p95, NULL, 0},
	{"wait_p99", "s", METRIC_WORKLOAD, w_wait_p99, NULL, 0},
	{"wait_p999", "s", METRIC_WORKLOAD, w_wait_p999, NULL, 0},
	{"wait_max", "s", METRIC_WORKLOAD, w_wait_max, NULL, 0},
	{"wait_all_mean", "s", METRIC_WORKLOAD, w_wait_all_mean, NULL, 0},
	{"wait_all_p50", "s", METRIC_WORKLOAD, w_wait_all_p50, NULL, 0},
	{"wait_all_p95", "s", METRIC_WORKLOAD, w_wait_all_p95, NULL, 0},
	{"wait_all_p99", "s", METRIC_WORKLOAD, w_wait_all_p99, NULL, 0},
	{"wait_all_p999", "s", METRIC_WORKLOAD, w_wait_all_p999, NULL, 0},
	{"wait_all_max", "s", METRIC_WORKLOAD, w_wait_all_max, NULL, 0},
	{"connect_mean", "s", METRIC_WORKLOAD, w_connect_mean, NULL, 0},
	{"hold_mean", "s", METRIC_WORKLOAD, w_hold_mean, NULL, 0},
	{"hold_max", "s", METRIC_WORKLOAD, w_hold_max, NULL, 0},
	{"hold_p50", "s", METRIC_WORKLOAD, w_hold_p50, NULL, 0},
	{"hold_p95", "s", METRIC_WORKLOAD, w_hold_p95, NULL, 0},
	{"hold_p99", "s", METRIC_WORKLOAD, w_hold_p99, NULL, 0},
	{"retried", "requests", METRIC_WORKLOAD, w_retried, NULL, 0},
	{"retries", "attempts", METRIC_WORKLOAD, w_retries, NULL, 0},
	{"pool_timeouts", "timeouts", METRIC_WORKLOAD, w_pool_timeouts, NULL, 0},
	{"timeouts_batch_heavy_share", "1", METRIC_WORKLOAD, w_batch_heavy_share, w_batch_heavy_counts, 0},
	{"timeouts_lock_heavy_share", "1", METRIC_WORKLOAD, w_lock_heavy_share, w_lock_heavy_counts, 0},
	{"lock_waits", "transactions", METRIC_WORKLOAD, w_lock_waits, NULL, 0},
	{"lock_wait_rate", "1", METRIC_WORKLOAD, w_lock_wait_rate, NULL, 0},
	{"lock_wait_mean", "s", METRIC_WORKLOAD, w_lock_wait_mean, NULL, 0},
	{"lock_wait_p50", "s", METRIC_WORKLOAD, w_lock_wait_p50, NULL, 0},
	{"lock_wait_p95", "s", METRIC_WORKLOAD, w_lock_wait_p95, NULL, 0},
	{"lock_wait_p99", "s", METRIC_WORKLOAD, w_lock_wait_p99, NULL, 0},
	{"lock_wait_max", "s", METRIC_WORKLOAD, w_lock_wait_max, NULL, 0},
	{"routed_reads", "requests", METRIC_WORKLOAD, w_routed_reads, NULL, 0},
	{"app_queued", "requests", METRIC_WORKLOAD, w_app_queued, NULL, 0},
	{"app_wait_mean", "s", METRIC_WORKLOAD, w_app_wait_mean, NULL, 0},
	{"app_wait_max", "s", METRIC_WORKLOAD, w_app_wait_max, NULL, 0},
	{"batches", "batches", METRIC_BATCH, b_batches, NULL, 0},
	{"failed_batches", "batches", METRIC_BATCH, b_failed, NULL, 0},
	{"failed_batch_rate", "1", METRIC_BATCH, b_failed_rate, b_failed_counts, 0},
	{"batch_size_mean", "records", METRIC_BATCH, b_size_mean, NULL, 0},
	{"batch_duration_mean", "s", METRIC_BATCH, b_duration_mean, NULL, 0},
	{"batch_duration_max", "s", METRIC_BATCH, b_duration_max, NULL, 0},
	{"transactions", "transactions", METRIC_BATCH, b_transactions, NULL, 0},
	{"txn_hold_mean", "s", METRIC_BATCH, b_hold_mean, NULL, 0},
	{"txn_hold_max", "s", METRIC_BATCH, b_hold_max, NULL, 0},
	{"batch_lock_waits", "transactions", METRIC_BATCH, b_lock_waits, NULL, 0},
	{"batch_lock_wait_mean", "s", METRIC_BATCH, b_lock_wait_mean, NULL, 0},
	{"lag_mean", "s", METRIC_BATCH, b_lag_mean, NULL, 0},
	{"lag_max", "s", METRIC_BATCH, b_lag_max, NULL, 0},
	{"records_per_s", "1/s", METRIC_BATCH, b_records_per_s, NULL, 0},
	{"backlog_mean", "records", METRIC_BATCH, b_backlog_mean, NULL, 0},
	{"backlog_max", "records", METRIC_BATCH, b_backlog_max, NULL, 0},
	{"backlog_end", "records", METRIC_BATCH, b_backlog_end, NULL, 0},
	{"workers_active_mean", "workers", METRIC_BATCH, b_active_mean, NULL, 0},
	{"batch_pool_timeouts", "timeouts", METRIC_BATCH, b_pool_timeouts, NULL, 0},
	{"batch_lock_timeouts", "transactions", METRIC_BATCH, b_lock_timeouts, NULL, 0},
	{"batch_statement_timeouts", "transactions", METRIC_BATCH, b_statement_timeouts, NULL, 0},
	{"batch_pgbouncer_timeouts", "transactions", METRIC_BATCH, b_pgbouncer_timeouts, NULL, 0},
	{"server_connections_mean", "connections", METRIC_DATABASE, d_open_mean, NULL, 0},
	{"server_connections_max", "connections", METRIC_DATABASE, d_open_max, NULL, 0},
	{"connects_refused", "connects", METRIC_DATABASE, d_refused, NULL, 0},
	{"lock_waiting_mean", "transactions", METRIC_DATABASE, d_lock_waiting_mean, NULL, 0},
	{"lock_waiting_max", "transactions", METRIC_DATABASE, d_lock_waiting_max, NULL, 0},
	{"cpu_busy_mean", "1", METRIC_DATABASE, d_cpu_busy, NULL, 0},
	{"cpu_active_mean", "statements", METRIC_DATABASE, d_cpu_active, NULL, 0},
	/* PgBouncer: SHOW POOLS' words (cl_*, sv_*, maxwait) and its errors */
	{"queries", "transactions", METRIC_PGBOUNCER, g_queries, NULL, 0},
	{"query_wait_timeouts", "transactions", METRIC_PGBOUNCER, g_query_wait_timeouts, NULL, 0},
	{"query_wait_timeout_rate", "1", METRIC_PGBOUNCER, g_qwt_rate, g_qwt_counts, 0},
	{"server_wait_mean", "s", METRIC_PGBOUNCER, g_wait_mean, NULL, 0},
	{"maxwait", "s", METRIC_PGBOUNCER, g_maxwait_max, NULL, 0},
	{"cl_active_mean", "connections", METRIC_PGBOUNCER, g_cl_active_mean, NULL, 0},
	{"cl_active_max", "connections", METRIC_PGBOUNCER, g_cl_active_max, NULL, 0},
	{"cl_waiting_mean", "connections", METRIC_PGBOUNCER, g_cl_waiting_mean, NULL, 0},
	{"cl_waiting_max", "connections", METRIC_PGBOUNCER, g_cl_waiting_max, NULL, 0},
	{"sv_active_mean", "connections", METRIC_PGBOUNCER, g_sv_active_mean, NULL, 0},
	{"sv_active_max", "connections", METRIC_PGBOUNCER, g_sv_active_max, NULL, 0},
	{"sv_idle_mean", "connections", METRIC_PGBOUNCER, g_sv_idle_mean, NULL, 0},
	{"sv_login_mean", "connections", METRIC_PGBOUNCER, g_sv_login_mean, NULL, 0},
	{"client_refused", "connects", METRIC_PGBOUNCER, g_client_refused, NULL, 0},
	{"login_failing_errors", "transactions", METRIC_PGBOUNCER, g_login_failing, NULL, 0},
	{"statement_mode_errors", "transactions", METRIC_PGBOUNCER, g_statement_mode, NULL, 0},
	{"sv_connects", "connects", METRIC_PGBOUNCER, g_server_connects, NULL, 0},
	{"sv_refused", "connects", METRIC_PGBOUNCER, g_server_refused, NULL, 0},
	{"reserve_connects", "connects", METRIC_PGBOUNCER, g_reserve_connects, NULL, 0},
	{"sv_idle_closes", "connects", METRIC_PGBOUNCER, g_idle_closes, NULL, 0},
	{"sv_lifetime_closes", "connects", METRIC_PGBOUNCER, g_lifetime_closes, NULL, 0},
	{"checked_out_mean", "connections", METRIC_POOL, p_checked_out_mean, NULL, 0},
	{"checked_out_max", "connections", METRIC_POOL, p_checked_out_max, NULL, 0},
	{"checked_in_mean", "connections", METRIC_POOL, p_checked_in_mean, NULL, 0},
	{"overflow_mean", "connections", METRIC_POOL, p_overflow_mean, NULL, 0},
	{"overflow_max", "connections", METRIC_POOL, p_overflow_max, NULL, 0},
	{"waiters_mean", "requests", METRIC_POOL, p_waiters_mean, NULL, 0},
	{"waiters_max", "requests", METRIC_POOL, p_waiters_max, NULL, 0},
	{"open_mean", "connections", METRIC_POOL, p_open_mean, NULL, 0},
	{"open_max", "connections", METRIC_POOL, p_open_max, NULL, 0},
	{"exhausted_share", "1", METRIC_POOL, p_exhausted_share, NULL, 0},
	{"longest_exhausted", "s", METRIC_POOL, p_longest_exhausted, NULL, 0},
	{"connects", "connections", METRIC_POOL, p_connects, NULL, 0},
	{"closes", "connections", METRIC_POOL, p_closes, NULL, 0},
	{"barged", "hand-offs", METRIC_POOL, p_barged, NULL, 0},
};

const struct metric_def *metric_table(int *n)
{
	*n = (int)(sizeof table / sizeof table[0]);
	return table;
}

const struct metric_def *metric_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

void metric_window_label(double length_s, char *buf, size_t len)
{
	long long s = llround(length_s);
	if (s > 0 && s % 3600 == 0)
		snprintf(buf, len, "%lldh", s / 3600);
	else if (s > 0 && s % 60 == 0)
		snprintf(buf, len, "%lldm", s / 60);
	else
		snprintf(buf, len, "%llds", s);
}

const char *metric_name_of(const struct metric_def *m, const struct cfg_workload *w, char *buf,
			   size_t len)
{
	if (!m->window || !w || m->window > w->req.n_windows)
		return m->name;
	char label[24];
	metric_window_label(w->req.windows_s[m->window - 1], label, sizeof label);
	snprintf(buf, len, "worst_%s.%s", label, strchr(m->name, '.') + 1);
	return buf;
}

bool metric_applies(const struct metric_def *m, const struct cfg_workload *w)
{
	return !m->window || (w && w->kind == CFG_WORKLOAD_REQUESTS && m->window <= w->req.n_windows);
}

const struct metric_def *metric_find_for(const char *name, const struct cfg_workload *w)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		char buf[CFG_SLO_METRIC_MAX];
		if (table[i].scope == METRIC_WORKLOAD && metric_applies(&table[i], w) &&
		    strcmp(metric_name_of(&table[i], w, buf, sizeof buf), name) == 0)
			return &table[i];
	}
	return NULL;
}

static void estimate_values(double *v, int n, struct estimate *e)
{
	e->n = 0;
	for (int i = 0; i < n; i++)
		e->n += !isnan(v[i]);
	e->mean = ci_student(v, n, 0.95, &e->lo, &e->hi);
}

/* The 95 % Wilson score interval of k events in n trials. */
static void wilson95(double k, double n, double *lo, double *hi)
{
	const double z = 1.959963984540054;
	double p = k / n, z2n = z * z / n;
	double centre = (p + z2n / 2) / (1 + z2n);
	double half = z * sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
	*lo = fmax(0, centre - half);
	*hi = fmin(1, centre + half);
}

void estimate_widen_proportion(struct estimate *e, double events, double trials)
{
	if (!(trials > 0) || isnan(e->mean))
		return;
	double lo, hi;
	wilson95(events, trials, &lo, &hi);
	e->events = events;
	e->trials = trials;
	e->trials_per_rep = e->n > 0 ? trials / e->n : 0;
	e->wilson_lo = !(lo > e->lo); /* a NAN t end (one replication) is the Wilson one too */
	e->wilson_hi = !(hi < e->hi);
	if (lo < e->lo)
		e->lo = lo;
	if (hi > e->hi)
		e->hi = hi;
	/* a proportion lies in [0, 1], whatever the t interval says */
	if (e->lo < 0)
		e->lo = 0;
	if (e->hi > 1)
		e->hi = 1;
}

/* Whether m replications' Wilson interval (same observed rate p, m x trials_per_rep trials)
 * decides against limit on the mean's side. */
static bool wilson_decides(const struct estimate *e, double p, double m, double limit,
			   bool below)
{
	double n = m * e->trials_per_rep, lo, hi;
	wilson95(p * n, n, &lo, &hi);
	return below ? hi <= limit : lo > limit;
}

long long estimate_wilson_replications(const struct estimate *e, double limit)
{
	if (!(e->trials > 0) || !(e->trials_per_rep > 0) || e->n < 1 || isnan(e->mean) ||
	    e->mean == limit)
		return 0;
	bool below = e->mean < limit;
	if (below ? !e->wilson_hi : !e->wilson_lo)
		return 0;
	double p = e->events / e->trials;
	/* the observed pooled rate itself on the limit (or across it, when the replications'
	 * mean and the pooled rate disagree): no number of replications decides it this way */
	if (below ? !(p < limit) : !(p > limit))
		return 1000000000LL;
	long long lo = e->n, hi = 1000000000LL; /* lo does not decide; find the first that does */
	if (!wilson_decides(e, p, (double)hi, limit, below))
		return hi;
	if (wilson_decides(e, p, (double)lo, limit, below))
		return lo + 1; /* decided already by Wilson: the Student-t end binds after all */
	while (hi - lo > 1) {
		long long mid = lo + (hi - lo) / 2;
		if (wilson_decides(e, p, (double)mid, limit, below))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static void widen_by_counts(const struct model_result *const *reps, int nrep,
			    const struct metric_def *m, int idx, struct estimate *e)
{
	double k = 0, n = 0;
	for (int i = 0; i < nrep; i++) {
		double ki, ni;
		m->counts(reps[i], idx, &ki, &ni);
		k += ki;
		n += ni;
	}
	estimate_widen_proportion(e, k, n);
}

void estimate_metric(const struct model_result *const *reps, int nrep,
		     const struct metric_def *m, int idx, struct estimate *e)
{
	double *v = calloc((size_t)(nrep > 0 ? nrep : 1), sizeof *v);
	if (!v) {
		*e = (struct estimate){.mean = NAN, .lo = NAN, .hi = NAN, .n = 0};
		return;
	}
	for (int i = 0; i < nrep; i++)
		v[i] = m->get(reps[i], idx);
	estimate_values(v, nrep, e);
	free(v);
	if (m->counts)
		widen_by_counts(reps, nrep, m, idx, e);
	estimate_clip(m, e);
	const struct metric_def *mx = metric_sample_max(m);
	if (mx) {
		struct estimate emax;
		estimate_metric(reps, nrep, mx, idx, &emax);
		estimate_clip_quantile(e, &emax);
	}
}

/* Quantile metrics by name prefix, and the maximum of their sample. */
static const struct {
	const char *prefix, *max;
} sample_max[] = {
	{"wait_all_p", "wait_all_max"},
	{"wait_p", "wait_max"},
	{"hold_p", "hold_max"},
	{"lock_wait_p", "lock_wait_max"},
};

const struct metric_def *metric_sample_max(const struct metric_def *m)
{
	/* a worst window's p99 is taken from the served waits in that window (counted waits,
	 * a subset of wait_max's sample) and clipped to the longest of them (models/window.c) */
	size_t len = strlen(m->name);
	if (m->window && len > 9 && strcmp(m->name + len - 9, ".wait_p99") == 0)
		return metric_find("wait_max");
	for (size_t i = 0; i < sizeof sample_max / sizeof sample_max[0]; i++) {
		size_t n = strlen(sample_max[i].prefix);
		/* a quantile's name is the prefix and digits only ("wait_p999", not "wait_pool") */
		if (strncmp(m->name, sample_max[i].prefix, n) == 0 && m->name[n] &&
		    strspn(m->name + n, "0123456789") == strlen(m->name + n))
			return metric_find(sample_max[i].max);
	}
	return NULL;
}

void estimate_clip_quantile(struct estimate *e, const struct estimate *max)
{
	/* The point estimates are ordered already (each replication's quantile is at most its
	 * maximum, so their means are too); the intervals are not: a symmetric t interval around
	 * a quantile that varies between replications (a p99 at 22 s in one, 29.99 s in the
	 * other, under a 30 s pool timeout) reached 34.7 s while every wait was at most 30 s. */
	if (isnan(e->hi) || !(max->hi < e->hi))
		return;
	e->hi = max->hi > e->mean ? max->hi : e->mean;
}

void estimate_clip(const struct metric_def *m, struct estimate *e)
{
	/* Every metric of the table is a count, a duration, a level or a rate: none is negative,
	 * and a fraction is at most 1. A symmetric t interval around a skewed mean (a few
	 * replications with many timeouts) can cross those bounds; the part outside holds no
	 * possible value, so it is cut (README, "Reading the table"). */
	if (e->lo < 0)
		e->lo = 0;
	if (strcmp(m->unit, "1") == 0 && e->hi > 1)
		e->hi = 1;
}

void estimate_paired_diff(const struct model_result *const *a, const struct model_result *const *b,
			  int nrep, const struct metric_def *m, int idx, struct estimate *e)
{
	double *v = calloc((size_t)(nrep > 0 ? nrep : 1), sizeof *v);
	if (!v) {
		*e = (struct estimate){.mean = NAN, .lo = NAN, .hi = NAN, .n = 0};
		return;
	}
	for (int i = 0; i < nrep; i++)
		v[i] = m->get(b[i], idx) - m->get(a[i], idx);
	estimate_values(v, nrep, e);
	free(v);
	struct estimate ea, eb;
	estimate_metric(a, nrep, m, idx, &ea);
	estimate_metric(b, nrep, m, idx, &eb);
	estimate_clip_diff(m, &ea, &eb, e);
}

void estimate_clip_diff(const struct metric_def *m, const struct estimate *base,
			const struct estimate *variant, struct estimate *d)
{
	/* The difference of means D = E[V] - E[B] of a metric whose values lie in [0, inf) (every
	 * metric of the table: estimate_clip) or [0, 1] (a fraction). The only certain facts are
	 * the domain's: E[V] >= 0 gives D >= -E[B], E[B] >= 0 gives D <= E[V], and for a
	 * fraction E[V] <= 1 gives D <= 1 - E[B], E[B] <= 1 gives D >= E[V] - 1. The unknown mean
	 * in each bound is replaced by the end of its own 95 % interval that makes the bound
	 * widest (-E[B] >= -B.hi, E[V] <= V.hi, 1 - E[B] <= 1 - B.lo, E[V] - 1 >= V.lo - 1), so
	 * the cut removes only values that the base's or the variant's own reported interval
	 * already rules out: a difference never claims a base better than the base's interval
	 * allows. Example: a base with no failure in any replication (rate 0 [0, 3.84 / n] by
	 * the Wilson widening) and a variant with failures: the paired t interval may start far
	 * below zero, which would mean a variant with fewer than no failures; the clipped one
	 * starts at -3.84 / n, not at 0, as the base's true rate may be up to its upper bound.
	 * The t interval's own coverage is not lowered by more than the two one-sided 2.5 %
	 * tails used (Bonferroni: at least 90 % in the worst case; the cut binds only where the
	 * t interval reached past a side's interval). A cut never passes d's mean (the sides
	 * may be defined in different replications, e.g. a quantile of no served request), and
	 * the sample mean already lies within the cut when they are defined in the same ones
	 * (mean(v) - mean(b) >= -mean(b) >= -B.hi). Not used: the sign of every replication's
	 * difference, which bounds a median, not a mean. */
	if (isnan(d->mean) || isnan(d->lo) || isnan(d->hi))
		return;
	double cut_lo = 0 - base->hi, cut_hi = variant->hi; /* 0 - 0 is +0, not -0 */
	if (strcmp(m->unit, "1") == 0) {
		cut_lo = fmax(cut_lo, variant->lo - 1); /* fmax/fmin ignore a NAN bound */
		cut_hi = fmin(cut_hi, 1 - base->lo);
	}
	if (cut_lo > d->mean)
		cut_lo = d->mean;
	if (cut_hi < d->mean)
		cut_hi = d->mean;
	if (d->lo < cut_lo)
		d->lo = cut_lo;
	if (d->hi > cut_hi)
		d->hi = cut_hi;
}
