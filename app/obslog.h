/* Observation logs: what a service recorded about its connection checkouts, read from CSV.
 *
 * One row per checkout: when it was requested, how long it waited (until it had a connection,
 * or until the pool gave up), how long it held the connection, and how it ended. The default
 * column names are those contrib/sqlalchemy/pooltide_log.py writes (time, wait, hold, status);
 * any other CSV is read through a column mapping (struct obslog_map, `--time COL --wait COL
 * --hold COL --status COL --pid COL` on the command line). The file may be gzip-compressed
 * (read through zlib, which passes plain files through unchanged).
 *
 * Processes: each application process has its own pool, so what depends on the pool (the most
 * connections checked out at once, the levels validate compares) is counted per process. A
 * process is a log and a process id in it (the pid column): one file that several workers
 * append to (gunicorn, uvicorn) or logs concatenated hold several; a log without a pid column
 * is one process.
 *
 * Also here: one column of a CSV as numbers (the `empirical` distribution's "file" form), and
 * a pg_stat_statements export (calls, mean and stddev of execution time).
 *
 * Errors name the file, the line and the column, with what was expected:
 *   log.csv:12: column "wait": expected a number of seconds >= 0, got "abc"
 *   log.csv:1: expected a column "latency" (--wait), got columns: time, wait, hold, status
 *
 * Not here: fitting (app/fit.h) or comparing with a simulation (app/validate.h). */
#ifndef POOLTIDE_OBSLOG_H
#define POOLTIDE_OBSLOG_H

#include <stdbool.h>
#include <stddef.h>

/* Column names. A NULL member takes its default; a column named explicitly (`explicit_*`
 * true) must exist, a default one that is absent is simply not read. time is always required. */
struct obslog_map {
	const char *time;    /* request time, seconds (any origin), ascending; default "time" */
	const char *wait;    /* seconds until the connection was handed over or the timeout was
				raised; default "wait" */
	const char *hold;    /* seconds the connection was checked out; empty when none was;
				default "hold" */
	const char *status;  /* "ok", "timeout" or "error"; default "status" */
	const char *pid;     /* the process id, an integer >= 0; default "pid" */
	bool explicit_wait, explicit_hold, explicit_status, explicit_pid;
};

/* One process of the service, with its own pool. */
struct obslog_process {
	unsigned source;     /* the log it wrote (0 for one log read alone) */
	long long pid;       /* its process id, -1 when the log has no pid column */
	size_t rows;         /* its rows */
	double first_s, last_s; /* its first and last request, seconds from the log's first */
};

enum obslog_outcome { OBSLOG_OK, OBSLOG_TIMEOUT, OBSLOG_ERROR };

struct obslog {
	char *path;
	size_t n;                  /* rows */
	double *t_s;               /* n ascending request times, seconds from the first row's */
	double t0_s;               /* the first row's time as written (t_s[i] + t0_s) */
	double *wait_s;            /* n waits, or NULL without a wait column */
	double *hold_s;            /* n holds (NAN when not ok), or NULL without a hold column */
	unsigned char *outcome;    /* n enum obslog_outcome; without a status column: ok when the
				      hold is there, else timeout */
	bool have_status;
	unsigned *source;          /* n: the log each row came from (obslog_merge: 0 .. n_sources
				      - 1, one per process); NULL for one log read alone */
	size_t n_sources;          /* 1 for one log */
	unsigned *process;         /* n: the row's process, an index into processes[]; NULL when
				      every row is process 0 */
	struct obslog_process *processes; /* n_processes, by log and then by first row; NULL
					     in a log built by hand (then one process) */
	size_t n_processes;        /* >= 1 for a log read; 0 in a log built by hand means 1 */
	char cols[5][64];          /* the column names read (time, wait, hold, status, pid), ""
				      when not read */
};

/* The most distinct processes one log (or several merged) may show: deployment.processes'
 * limit (PROCESSES_MAX, app/load.h), since a fitted scenario has one process per pid. */
#define OBSLOG_PROCESSES_MAX 1000

/* Read `path` with `map` (NULL: the defaults). 0, or PT_EIO (unreadable), PT_EINVAL (bad
 * content, more than OBSLOG_PROCESSES_MAX pids) or PT_ENOMEM with one line in err. On failure
 * *log holds nothing to free. */
int obslog_read(struct obslog *log, const char *path, const struct obslog_map *map, char *err,
		size_t errlen);
void obslog_fini(struct obslog *log);

/* The most processes alive at once, each from its first to its last request (spans that
 * touch overlap): the processes a deployment ran together, which is fewer than the processes
 * seen when workers were replaced during the log (gunicorn's max_requests, a restart). Without
 * a process table (a log built by hand), n_processes (0 meaning 1). */
size_t obslog_processes_at_once(const struct obslog *log);

/* Several logs of one service as one, e.g. one per process (the contrib logger writes
 * pool-{pid}.csv): the rows of logs[0 .. n-1] merged by their time as written (t0_s + t_s:
 * the logs must share a clock), equal times in the order of the logs and then of their rows,
 * each row's log kept in out->source and its process (log x pid) in out->process: every
 * process's rows stay apart for what depends on the process, such as connections checked out
 * at once. The logs must have read the same time, wait, hold and status columns (a log
 * without a pid column is one process, beside others with one). out->path is "logs[0].path
 * and N more". The inputs are left as they are. 0, or PT_EINVAL (the columns differ: both logs
 * and the columns named; more than OBSLOG_PROCESSES_MAX processes in all) or PT_ENOMEM with
 * one line in err. */
int obslog_merge(struct obslog *out, const struct obslog *logs, size_t n, char *err,
		 size_t errlen);

/* paths[0 .. n-1] (n >= 1) read with map (obslog_read) and, when n > 1, merged into one
 * (obslog_merge): the logs of one service, one process or several in each. 0, or PT_EIO /
 * PT_EINVAL / PT_ENOMEM with one line in err, as those. */
int obslog_read_all(struct obslog *log, const char *const *paths, size_t n,
		    const struct obslog_map *map, char *err, size_t errlen);

/* The numbers of column `column` (a header name) of the CSV `path`, in file order, empty
 * fields skipped (a timed-out request has no hold). Each must be a number >= 0. *values is
 * malloc'ed (the caller frees it), *n >= 1. 0, or PT_EIO / PT_EINVAL / PT_ENOMEM with err. */
int obslog_read_column(const char *path, const char *column, double **values, size_t *n,
		       char *err, size_t errlen);

/* A pg_stat_statements export: a CSV with the columns calls, mean_exec_time and
 * stddev_exec_time (PostgreSQL 13+; mean_time and stddev_time before 13), milliseconds as
 * PostgreSQL reports them. The call-weighted mean and the pooled standard deviation over every
 * row (statement), in seconds, and the total calls. */
struct obslog_pgss {
	double calls;
	double mean_s, sd_s;
	int statements;
};
int obslog_read_pgss(const char *path, struct obslog_pgss *out, char *err, size_t errlen);

#endif
