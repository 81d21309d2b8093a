/* Database CPU: statements in processor sharing over `cores`.
 *
 * With n statements active, each progresses at rate min(1, cores / n) seconds of work per
 * second (PostgreSQL backends sharing the server's cores; HikariCP's pool-sizing argument:
 * beyond the cores, more concurrent statements only make each one slower). Implemented with a
 * virtual clock V that advances at the per-statement rate: a statement of work w submitted at
 * virtual time V0 finishes when V reaches V0 + w, so completions come in order of their
 * virtual finish tags, kept in a min-heap, and only the earliest has an engine event. Each
 * change of n costs O(log n): a heap operation plus moving that one event; nothing is
 * rescanned. With cores = 0 there is no CPU limit: every statement takes exactly its work.
 *
 * Not here: locks, connections; no I/O. */
#ifndef POOLTIDE_CPU_H
#define POOLTIDE_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/stats.h"

struct cpu;

/* Called when a statement's work is done (at the engine's current time). */
typedef void (*cpu_done_fn)(void *ctx, uint64_t tag);

/* A CPU on engine `sim` with `cores` (0 = unlimited). NULL when out of memory. */
struct cpu *cpu_create(struct sim *sim, int cores);
void cpu_destroy(struct cpu *c);

/* Start a statement of `work_s` >= 0 seconds (its duration when it runs alone) now;
 * done(ctx, tag) is called when it finishes (never before cpu_submit returns). Returns a
 * handle for cpu_cancel. */
uint64_t cpu_submit(struct cpu *c, double work_s, cpu_done_fn done, void *ctx, uint64_t tag);

/* Cancel a running statement (PostgreSQL's statement_timeout): its done is never called and
 * the others speed up from now on. Returns false when it is no longer running. */
bool cpu_cancel(struct cpu *c, uint64_t handle);

/* Statements running now. */
int cpu_active(const struct cpu *c);

/* Time-weighted number of active statements and the busy share of the cores
 * (min(active, cores) / cores), since the last cpu_reset; both read with level_mean. */
const struct level *cpu_active_level(const struct cpu *c);
const struct level *cpu_busy_level(const struct cpu *c);
void cpu_reset(struct cpu *c);

/* Job records allocated: grows (doubling) to the peak number of active statements, never
 * shrinks; statements are recycled through a free list, so it stays put in a steady state. */
size_t cpu_job_slots(const struct cpu *c);

#endif
