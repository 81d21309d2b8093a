/* Helpers shared by the cmocka tests.
 *
 * Death tests: the library uses plain <assert.h> (no cmocka mock_assert), so a call that must
 * fail an assertion runs in a forked child and the parent checks that the child died of
 * SIGABRT. */
#ifndef POOLTIDE_TESTUTIL_H
#define POOLTIDE_TESTUTIL_H

/* Run body(arg) in a forked child with stderr silenced; fail the current test unless the child
 * dies of SIGABRT. Skips the test when built with NDEBUG (no assertions to fire). */
void testutil_expect_abort(void (*body)(const void *arg), const void *arg);

#endif
