/* The allocation-failure hook (tests/oomhook.h). */
#include "tests/oomhook.h"

#include <stddef.h>

/* -1: never fail; else the number of allocations that may still succeed. */
static long countdown = -1;
static unsigned long allocations; /* counted while the countdown is off */

void oomhook_arm(long budget)
{
	countdown = budget < 0 ? -1 : budget;
}

void oomhook_disarm(void)
{
	countdown = -1;
}

unsigned long oomhook_allocations(void)
{
	return allocations;
}

#if OOM_HOOK
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

static int allowed(void)
{
	if (countdown < 0) {
		allocations++;
		return 1;
	}
	if (countdown == 0)
		return 0;
	countdown--;
	return 1;
}

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);

void *malloc(size_t n) { return allowed() ? __libc_malloc(n) : NULL; }
void *calloc(size_t n, size_t size) { return allowed() ? __libc_calloc(n, size) : NULL; }
void *realloc(void *p, size_t n) { return allowed() ? __libc_realloc(p, n) : NULL; }
#endif
