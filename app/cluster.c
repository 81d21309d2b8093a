#include "app/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/status.h"

#ifdef POOLTIDE_MPI

#include <mpi.h>
#include <pthread.h>
#include <time.h>

/* Messages: a rank asks for work (READY, empty, once per experiment) and sends each result
 * (RESULT: a header and the result's bytes), which also asks for the next task; rank 0
 * answers with a task index (TASK, -1: no more). Timelines travel as TL (a header and the
 * samples), each rank's ending with TL_END. */
enum { TAG_READY = 1, TAG_RESULT, TAG_TASK, TAG_TL, TAG_TL_END };

struct result_hdr {
	int k, status;
};

/* Rank 0's dispenser: the next task, to a local thread or a rank, in increasing order. */
struct dispatch {
	pthread_mutex_t mu;
	int next, n, done;
	struct experiment *ex;
};

/* Wait for a nonblocking operation without burning a core. OpenMPI's blocking calls poll in a
 * loop until the message comes: a rank waiting for a task, or for rank 0 to finish the last
 * replications and write the folder, would take the core a local thread or another rank
 * needs (and with more ranks than cores, slow everyone). Test, then sleep, doubling from
 * 50 us to 2 ms: a task lasts milliseconds to minutes, so the added latency is small. */
enum { IDLE_MIN_NS = 50000, IDLE_MAX_NS = 2000000 };

static void wait_idle(MPI_Request *req, MPI_Status *status)
{
	long ns = IDLE_MIN_NS;
	for (;;) {
		int done = 0;
		MPI_Test(req, &done, status ? status : MPI_STATUS_IGNORE);
		if (done)
			return;
		struct timespec ts = {0, ns};
		nanosleep(&ts, NULL);
		ns = ns < IDLE_MAX_NS ? 2 * ns : IDLE_MAX_NS;
	}
}

/* The blocking calls that may wait long, through wait_idle. */
static void recv_idle(void *buf, int count, MPI_Datatype type, int src, int tag)
{
	MPI_Request req;
	MPI_Irecv(buf, count, type, src, tag, MPI_COMM_WORLD, &req);
	wait_idle(&req, NULL);
}

static void send_idle(const void *buf, int count, MPI_Datatype type, int dest, int tag)
{
	MPI_Request req;
	MPI_Isend(buf, count, type, dest, tag, MPI_COMM_WORLD, &req);
	wait_idle(&req, NULL);
}

static void bcast_idle(void *buf, int count, MPI_Datatype type)
{
	MPI_Request req;
	MPI_Ibcast(buf, count, type, 0, MPI_COMM_WORLD, &req);
	wait_idle(&req, NULL);
}

static void probe_idle(int src, int tag, MPI_Status *status)
{
	long ns = IDLE_MIN_NS;
	for (;;) {
		int flag = 0;
		MPI_Iprobe(src, tag, MPI_COMM_WORLD, &flag, status);
		if (flag)
			return;
		struct timespec ts = {0, ns};
		nanosleep(&ts, NULL);
		ns = ns < IDLE_MAX_NS ? 2 * ns : IDLE_MAX_NS;
	}
}

static int take(struct dispatch *d)
{
	pthread_mutex_lock(&d->mu);
	int k = d->next < d->n ? d->next++ : -1;
	pthread_mutex_unlock(&d->mu);
	return k;
}

static void count_done(struct dispatch *d)
{
	pthread_mutex_lock(&d->mu);
	d->done++;
	pthread_mutex_unlock(&d->mu);
}

static void *local_worker(void *arg)
{
	struct dispatch *d = arg;
	for (int k; (k = take(d)) >= 0;) {
		experiment_wait_turn(d->ex, k);
		experiment_deliver(d->ex, k, experiment_compute(d->ex, k));
		count_done(d);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A result from rank src, folded (or its failure recorded). */
static void receive_result(struct experiment *ex, MPI_Status *probe)
{
	int count = 0;
	MPI_Get_count(probe, MPI_BYTE, &count);
	char *buf = malloc(count > 0 ? (size_t)count : 1);
	if (!buf) {
		/* nothing to fold into: the run fails, but the message must still be taken */
		char small[sizeof(struct result_hdr)];
		MPI_Recv(small, (int)sizeof small, MPI_BYTE, probe->MPI_SOURCE, TAG_RESULT,
			 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		struct result_hdr h;
		memcpy(&h, small, sizeof h);
		experiment_set_failure(ex, h.k, PT_ENOMEM, NULL);
		experiment_deliver(ex, h.k, NULL);
		return;
	}
	MPI_Recv(buf, count, MPI_BYTE, probe->MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
		 MPI_STATUS_IGNORE);
	struct result_hdr h;
	memcpy(&h, buf, sizeof h);
	struct model_result *r = NULL;
	int st = h.status;
	if (st) {
		/* the failure's text follows the header, terminated */
		buf[count - 1] = 0;
		experiment_set_failure(ex, h.k, st, count > (int)sizeof h + 1 ? buf + sizeof h : NULL);
	} else {
		r = model_result_create(ex->cfgs[experiment_task_variant(ex, h.k)]);
		st = !r ? PT_ENOMEM
			: model_result_load(r, buf + sizeof h, (size_t)count - sizeof h);
		if (st) {
			model_result_destroy(r);
			r = NULL;
			experiment_set_failure(ex, h.k, st, NULL);
		}
	}
	experiment_deliver(ex, h.k, r);
	free(buf);
}

static int root_run(struct cluster *cl, struct experiment *ex, int threads,
		    runner_progress_fn progress, void *pctx)
{
	struct dispatch d = {.n = experiment_tasks(ex), .ex = ex};
	pthread_mutex_init(&d.mu, NULL);
	int workers = cl->size - 1, stopped = 0, npend = 0, started = 0;
	struct pending {
		int rank, k;
	} *pend = calloc((size_t)workers, sizeof *pend);
	pthread_t *tids = calloc((size_t)(threads > 0 ? threads : 1), sizeof *tids);
	if (!pend || !tids) {
		free(pend);
		free(tids);
		pthread_mutex_destroy(&d.mu);
		return PT_ENOMEM;
	}
	for (int i = 0; i < threads; i++)
		if (pthread_create(&tids[started], NULL, local_worker, &d) == 0)
			started++;
	double last = now_s();
	long idle_ns = IDLE_MIN_NS;
	while (stopped < workers) {
		int flag = 0;
		MPI_Status probe;
		MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &probe);
		if (flag) {
			if (probe.MPI_TAG == TAG_RESULT) {
				receive_result(ex, &probe);
				count_done(&d);
			} else {
				MPI_Recv(NULL, 0, MPI_BYTE, probe.MPI_SOURCE, TAG_READY, MPI_COMM_WORLD,
					 MPI_STATUS_IGNORE);
			}
			pend[npend++] = (struct pending){probe.MPI_SOURCE, take(&d)};
		}
		/* Answer every rank whose task is within the fold's window now (or is "no more"). */
		for (int i = 0; i < npend;) {
			if (pend[i].k >= 0 && !experiment_may_start(ex, pend[i].k)) {
				i++;
				continue;
			}
			MPI_Send(&pend[i].k, 1, MPI_INT, pend[i].rank, TAG_TASK, MPI_COMM_WORLD);
			stopped += pend[i].k < 0;
			pend[i] = pend[--npend];
		}
		double t = now_s();
		if (progress && t - last >= 0.25) {
			pthread_mutex_lock(&d.mu);
			int done = d.done;
			pthread_mutex_unlock(&d.mu);
			progress(pctx, done, d.n);
			last = t;
		}
		if (flag) {
			idle_ns = IDLE_MIN_NS;
		} else {
			/* nothing came: wait instead of spinning on a core the local threads and
			 * the other ranks need, longer the longer nothing comes (an Iprobe is
			 * not free: at a fixed 200 us this loop took 70 % of a core) */
			struct timespec ts = {0, idle_ns};
			nanosleep(&ts, NULL);
			idle_ns = idle_ns < IDLE_MAX_NS ? 2 * idle_ns : IDLE_MAX_NS;
		}
	}
	if (started == 0) /* no thread: rank 0 computes what the other ranks did not take */
		local_worker(&d);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (progress)
		progress(pctx, d.n, d.n);
	free(pend);
	free(tids);
	pthread_mutex_destroy(&d.mu);
	return PT_OK;
}

static int worker_run(struct experiment *ex)
{
	send_idle(NULL, 0, MPI_BYTE, 0, TAG_READY);
	for (;;) {
		int k;
		recv_idle(&k, 1, MPI_INT, 0, TAG_TASK);
		if (k < 0)
			return PT_OK;
		struct model_result *r = experiment_compute(ex, k);
		struct result_hdr h = {.k = k, .status = r ? PT_OK : (ex->status ? ex->status
									     : PT_ENOMEM)};
		/* a result's bytes, or a failure's text (this rank's first failure) */
		size_t n = sizeof h + (r ? r->bytes : strlen(ex->failure) + 1);
		char *buf = malloc(n);
		if (!buf) {
			h.status = PT_ENOMEM;
			n = sizeof h;
			buf = (char *)&h; /* the header alone still gets through */
		} else {
			memcpy(buf, &h, sizeof h);
			size_t nb = n - sizeof h;
			memcpy(buf + sizeof h, r ? model_result_data(r, &nb) : (const void *)ex->failure,
			       nb);
		}
		send_idle(buf, (int)n, MPI_BYTE, 0, TAG_RESULT);
		if (buf != (char *)&h)
			free(buf);
		model_result_destroy(r);
	}
}

/* Every rank ends an experiment with rank 0's aggregates and status. */
static int share_aggregates(struct experiment *ex, int st)
{
	bcast_idle(&st, 1, MPI_INT);
	for (int v = 0; v < ex->n_variants; v++) {
		size_t n;
		const void *data = aggregate_data(ex->aggs[v], &n);
		char *buf = malloc(n);
		int ok = buf != NULL, all_ok = 0;
		MPI_Request req;
		MPI_Iallreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &req);
		wait_idle(&req, NULL);
		if (!all_ok) {
			free(buf);
			return PT_ENOMEM;
		}
		memcpy(buf, data, n);
		bcast_idle(buf, (int)n, MPI_BYTE);
		if (aggregate_load(ex->aggs[v], buf, n) && !st)
			st = PT_EINVAL; /* not reached: the same scenario gives the same shapes */
		free(buf);
	}
	return st;
}

static int backend_run(void *ctx, struct experiment *ex, int threads,
		       runner_progress_fn progress, void *pctx)
{
	struct cluster *cl = ctx;
	int st = cl->rank == 0 ? root_run(cl, ex, threads, progress, pctx) : worker_run(ex);
	if (cl->rank == 0 && !st)
		st = ex->status;
	return share_aggregates(ex, st);
}

int cluster_init(struct cluster *cl, int *argc, char ***argv)
{
	*cl = (struct cluster){.rank = 0, .size = 1};
	int provided = 0;
	if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
		return PT_EIO;
	MPI_Comm_rank(MPI_COMM_WORLD, &cl->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &cl->size);
	cl->backend = (struct experiment_backend){.run = backend_run, .ctx = cl,
						  .slots = cl->size - 1};
	if (cl->rank != 0) {
		/* One report: rank 0's. The others run the same command silently. */
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			return PT_EIO;
	}
	return PT_OK;
}

void cluster_finalize(struct cluster *cl)
{
	(void)cl;
	/* meet here first: MPI_Finalize's own synchronisation polls */
	MPI_Request req;
	MPI_Ibarrier(MPI_COMM_WORLD, &req);
	wait_idle(&req, NULL);
	MPI_Finalize();
}

const struct experiment_backend *cluster_backend(struct cluster *cl)
{
	return cl->size > 1 ? &cl->backend : NULL;
}

int cluster_share(struct cluster *cl, int v)
{
	if (cl->size > 1)
		bcast_idle(&v, 1, MPI_INT);
	return v;
}

int cluster_gather_timelines(struct cluster *cl, struct timeline *tls, int n)
{
	if (cl->size == 1)
		return PT_OK;
	int st = PT_OK;
	if (cl->rank != 0) {
		/* rank 0's own are filled already: send what this rank recorded */
		for (int v = 0; v < n; v++) {
			if (!tls || tls[v].n == 0)
				continue;
			size_t bytes = tls[v].n * sizeof *tls[v].samples;
			int hdr[2] = {v, (int)tls[v].n};
			send_idle(hdr, 2, MPI_INT, 0, TAG_TL);
			send_idle(tls[v].samples, (int)bytes, MPI_BYTE, 0, TAG_TL);
		}
		send_idle(NULL, 0, MPI_BYTE, 0, TAG_TL_END);
		return PT_OK;
	}
	for (int src = 1; src < cl->size; src++) {
		for (;;) {
			MPI_Status probe;
			probe_idle(src, MPI_ANY_TAG, &probe);
			if (probe.MPI_TAG == TAG_TL_END) {
				MPI_Recv(NULL, 0, MPI_BYTE, src, TAG_TL_END, MPI_COMM_WORLD,
					 MPI_STATUS_IGNORE);
				break;
			}
			int hdr[2];
			MPI_Recv(hdr, 2, MPI_INT, src, TAG_TL, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			struct timeline *tl = tls && hdr[0] >= 0 && hdr[0] < n ? &tls[hdr[0]] : NULL;
			size_t want = (size_t)hdr[1];
			if (!tl || want > tl->cap) {
				/* cannot happen with the same scenario on every rank; the samples are
				 * taken and dropped */
				MPI_Probe(src, TAG_TL, MPI_COMM_WORLD, &probe);
				int count = 0;
				MPI_Get_count(&probe, MPI_BYTE, &count);
				char *junk = malloc(count > 0 ? (size_t)count : 1);
				MPI_Recv(junk, junk ? count : 0, MPI_BYTE, src, TAG_TL, MPI_COMM_WORLD,
					 MPI_STATUS_IGNORE);
				free(junk);
				st = PT_EINVAL;
				continue;
			}
			MPI_Recv(tl->samples, (int)(want * sizeof *tl->samples), MPI_BYTE, src, TAG_TL,
				 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			tl->n = want;
		}
	}
	return st;
}

#else /* one process */

int cluster_init(struct cluster *cl, int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	*cl = (struct cluster){.rank = 0, .size = 1};
	return PT_OK;
}

void cluster_finalize(struct cluster *cl)
{
	(void)cl;
}

const struct experiment_backend *cluster_backend(struct cluster *cl)
{
	(void)cl;
	return NULL;
}

int cluster_share(struct cluster *cl, int v)
{
	(void)cl;
	return v;
}

int cluster_gather_timelines(struct cluster *cl, struct timeline *tls, int n)
{
	(void)cl;
	(void)tls;
	(void)n;
	return PT_OK;
}

#endif
