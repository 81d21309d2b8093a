#include "sim/objpool.h"

#include <stdalign.h>
#include <stdlib.h>

struct objpool_chunk {
	struct objpool_chunk *next;
	alignas(max_align_t) unsigned char data[];
};

void objpool_init(struct objpool *p, size_t size, size_t per_chunk)
{
	size_t a = alignof(max_align_t);
	if (size < sizeof(void *))
		size = sizeof(void *);
	*p = (struct objpool){.size = (size + a - 1) / a * a, .per_chunk = per_chunk ? per_chunk : 1};
}

void objpool_fini(struct objpool *p)
{
	while (p->chunks) {
		struct objpool_chunk *c = p->chunks;
		p->chunks = c->next;
		free(c);
	}
	p->free = NULL;
	p->capacity = 0;
}

void *objpool_get(struct objpool *p)
{
	if (!p->free) {
		struct objpool_chunk *c = malloc(sizeof *c + p->size * p->per_chunk);
		if (!c)
			return NULL;
		c->next = p->chunks;
		p->chunks = c;
		/* thread the new records onto the free list, first record first */
		for (size_t i = p->per_chunk; i-- > 0;) {
			void *obj = c->data + i * p->size;
			*(void **)obj = p->free;
			p->free = obj;
		}
		p->capacity += p->per_chunk;
	}
	void *obj = p->free;
	p->free = *(void **)obj;
	return obj;
}

void objpool_put(struct objpool *p, void *obj)
{
	*(void **)obj = p->free;
	p->free = obj;
}

size_t objpool_capacity(const struct objpool *p) { return p->capacity; }
