/* Read routing: which server a request workload's transaction runs on.
 *
 * An application that reads from replicas keeps one engine (one pool) per server and picks
 * the engine per transaction (SQLAlchemy: a Session whose get_bind returns the primary's engine
 * for flushes and a replica's for reads). The rule here: a writing transaction always runs on
 * the primary (the workload's own pool), where the row locks live; a read-only one goes to a
 * replica with probability `share` (cfg_reads), the replica chosen round-robin per process or
 * at random; the rest stay on the primary.
 *
 * Common random numbers: every transaction draws exactly two uniforms from the workload's own
 * routing stream, in this order, whether it writes or not and whatever the mode: u_share
 * (routed when u_share < share) and u_pick (random mode: replica floor(u_pick x n)). So the
 * n-th transaction makes the same choice in every variant that keeps the routing settings,
 * adding a replica moves no other stream's draws, and round-robin and random variants see the
 * same routed transactions. Without routing nothing is drawn.
 *
 * Not here: the pools and servers themselves (model.c wires them); no I/O. */
#ifndef POOLTIDE_ROUTING_H
#define POOLTIDE_ROUTING_H

#include <stdbool.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"

struct routing {
	const struct cfg_reads *cfg; /* borrowed */
	gsl_rng *rng;                /* borrowed: the workload's routing stream */
	int n_processes;
	int *next;                   /* round-robin: per process, the next of cfg->pools */
};

/* Routing for a workload with n_processes processes; PT_ENOMEM when out of memory (then
 * routing_fini is still safe). With cfg->n_pools == 0 nothing is allocated or drawn. */
int routing_init(struct routing *rt, const struct cfg_reads *cfg, gsl_rng *rng, int n_processes);
void routing_fini(struct routing *rt);

/* Whether reads are routed at all (cfg->n_pools > 0). */
bool routing_enabled(const struct routing *rt);

/* The transaction of the next request of process `proc`: -1 runs it on the primary (the
 * workload's own pool), k >= 0 on cfg->pools[k]. `writes`: whether it writes. Draws the two
 * uniforms above when routing is enabled. */
int routing_pick(struct routing *rt, int proc, bool writes);

#endif
