/* Cluster: run, sweep and plan across the processes of an MPI job (mpirun, srun).
 *
 * Every rank runs the same command on the same inputs (the scenario file must be readable from
 * every node) and takes the same decisions, because every decision is a function of the
 * aggregates, which rank 0 folds and hands to every rank after each experiment. The tasks of an
 * experiment (replication r of point or variant v) are spread dynamically: rank 0 runs tasks
 * on its own threads and hands out the next task to any rank that asks, a result doubling as
 * the next request, within the fold's window (models/experiment.h), so a fast rank takes more
 * tasks and results are folded in replication order whatever rank computed them: the same
 * bytes with 1, 2 or 3 ranks as on one machine. Replication 0 of each variant records its
 * timeline where it runs; cluster_gather_timelines brings them to rank 0. Rank 0 alone prints
 * and writes the result folder; the other ranks' standard output and error go to /dev/null.
 *
 * Built with MPI only in build/pooltide-mpi (make mpi, -DPOOLTIDE_MPI); in the default build
 * this module is a single process: rank 0 of 1, no backend.
 *
 * Not here: what a task computes (models/experiment.h). */
#ifndef POOLTIDE_CLUSTER_H
#define POOLTIDE_CLUSTER_H

#include <stdbool.h>

#include "models/experiment.h"
#include "models/timeline.h"

struct cluster {
	int rank, size;
	struct experiment_backend backend; /* valid when size > 1 */
};

/* Start MPI when built with it (a process started without mpirun is rank 0 of 1). Returns 0
 * or PT_EIO (MPI could not start). */
int cluster_init(struct cluster *cl, int *argc, char ***argv);
void cluster_finalize(struct cluster *cl);

/* The backend that spreads an experiment's tasks over the ranks, or NULL for one process. */
const struct experiment_backend *cluster_backend(struct cluster *cl);

/* Rank 0's value of v, on every rank (a go / no-go after a step only rank 0 takes, such as
 * creating the result folder). */
int cluster_share(struct cluster *cl, int v);

/* After an experiment with timelines: every timeline recorded on another rank, copied into
 * rank 0's tls[0 .. n-1] (prepared alike on every rank). Collective. */
int cluster_gather_timelines(struct cluster *cl, struct timeline *tls, int n);

#endif
