/* Object pool: fixed-size records recycled through a free list.
 *
 * Records are carved from chunks whose addresses never move, so a pointer to a record stays
 * valid for the life of the pool; a freed record is reused by the next get. After the pool
 * has grown to the peak number of records in use, get and put never call malloc: memory
 * follows the peak in flight, not the number of records ever used. Used for requests in
 * flight, connection records and lock waiters.
 *
 * Not here: construction (a record comes back with unspecified contents); no I/O. */
#ifndef POOLTIDE_OBJPOOL_H
#define POOLTIDE_OBJPOOL_H

#include <stddef.h>

struct objpool_chunk;

struct objpool {
	size_t size;        /* bytes per record, rounded up to max_align_t */
	size_t per_chunk;   /* records per chunk */
	void *free;         /* first free record; the link lives in the record itself */
	struct objpool_chunk *chunks;
	size_t capacity;    /* records in all chunks */
};

/* A pool of records of `size` bytes, allocated `per_chunk` at a time. Allocates nothing yet. */
void objpool_init(struct objpool *p, size_t size, size_t per_chunk);
/* Free every chunk (records still in use become invalid). */
void objpool_fini(struct objpool *p);
/* A record, or NULL when out of memory. */
void *objpool_get(struct objpool *p);
/* Give a record back. */
void objpool_put(struct objpool *p, void *obj);
/* Records allocated so far (in use or free). */
size_t objpool_capacity(const struct objpool *p);

#endif
