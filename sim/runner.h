/* Replication runner: run n independent tasks on several threads.
 *
 * Each task is a pure function of its index (a replication of a variant), writing only its
 * own result slot, so the results are the same bytes whatever the number of threads or the
 * order in which tasks finish. The calling thread only waits and reports progress.
 *
 * Not here: what a task does; any I/O (progress is a callback). */
#ifndef POOLTIDE_RUNNER_H
#define POOLTIDE_RUNNER_H

typedef void (*runner_task_fn)(void *ctx, int index);
/* Called on the calling thread after each completed task and at least every `tick` seconds
 * while tasks run: done tasks so far, total. */
typedef void (*runner_progress_fn)(void *pctx, int done, int total);

/* Threads to use when asked for 0: the online processors (at least 1). */
int runner_default_threads(void);

/* Run task(ctx, i) for i = 0..n-1 on `threads` threads (0 = runner_default_threads()).
 * Every task runs: when threads cannot be started they run on the calling thread (the result
 * is the same, only slower). Returns 0. */
int runner_run(int n, int threads, runner_task_fn task, void *ctx, runner_progress_fn progress,
	       void *pctx, double tick);

#endif
