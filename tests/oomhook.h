/* The allocation-failure hook of the out-of-memory tests (SQLite's malloc-failure testing):
 * tests/oomhook.c defines malloc, calloc and realloc, which reach glibc's own through
 * __libc_malloc & co. and, once armed with a budget of N, let N more allocations succeed and
 * fail every later one. It replaces the allocator of the whole binary, so the Makefile links
 * it only into the tests that ask for it (OOM_HOOK_TESTS), not into every test as the other
 * support files.
 *
 * Under AddressSanitizer the allocator belongs to the sanitizer: OOM_HOOK is 0, the hook is
 * not defined, and a test that needs it skips. */
#ifndef POOLTIDE_TESTS_OOMHOOK_H
#define POOLTIDE_TESTS_OOMHOOK_H

#if defined(__SANITIZE_ADDRESS__)
#define OOM_HOOK 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OOM_HOOK 0
#endif
#endif
#ifndef OOM_HOOK
#define OOM_HOOK 1
#endif

/* Let `budget` more allocations succeed, then fail every one; budget < 0: never fail. */
void oomhook_arm(long budget);
/* Every allocation succeeds again (the state at start). */
void oomhook_disarm(void);
/* The allocations made while disarmed, since the start (0 without the hook). */
unsigned long oomhook_allocations(void);

#endif
