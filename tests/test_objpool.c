/* Object pool: records are reused, addresses never move, memory follows the peak in use. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/objpool.h"

struct rec {
	double t;
	char name[13];
};

/* A record put back is the next one handed out (LIFO free list), so a steady state of k in
 * flight never allocates beyond the first chunk that holds k. */
static void test_reuse_and_bounded_growth(void **state)
{
	(void)state;
	struct objpool p;
	objpool_init(&p, sizeof(struct rec), 8);
	assert_int_equal(objpool_capacity(&p), 0);
	struct rec *a = objpool_get(&p);
	assert_non_null(a);
	assert_int_equal(objpool_capacity(&p), 8);
	objpool_put(&p, a);
	assert_ptr_equal(objpool_get(&p), a);
	objpool_put(&p, a);
	/* 100000 get/put cycles with up to 5 in flight: still one chunk */
	struct rec *live[5] = {0};
	for (int i = 0; i < 100000; i++) {
		int k = i % 5;
		if (live[k])
			objpool_put(&p, live[k]);
		live[k] = objpool_get(&p);
		assert_non_null(live[k]);
		live[k]->t = i;
	}
	assert_int_equal(objpool_capacity(&p), 8);
	objpool_fini(&p);
}

/* Records are distinct, aligned for any type, and keep their addresses and contents while
 * the pool grows by more chunks. */
static void test_distinct_aligned_stable(void **state)
{
	(void)state;
	struct objpool p;
	objpool_init(&p, sizeof(struct rec), 3);
	struct rec *r[50];
	for (int i = 0; i < 50; i++) {
		r[i] = objpool_get(&p);
		assert_non_null(r[i]);
		assert_int_equal((uintptr_t)r[i] % alignof(max_align_t), 0);
		r[i]->t = i;
		memset(r[i]->name, 'a' + i % 26, sizeof r[i]->name);
	}
	assert_int_equal(objpool_capacity(&p), 51); /* 17 chunks of 3 */
	for (int i = 0; i < 50; i++) {
		assert_true(r[i]->t == i);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(r[i], r[j]);
	}
	objpool_fini(&p);
	/* a record smaller than a pointer still holds the free-list link */
	objpool_init(&p, 1, 4);
	char *c1 = objpool_get(&p), *c2 = objpool_get(&p);
	assert_true(c1 && c2 && c1 != c2);
	objpool_put(&p, c1);
	objpool_put(&p, c2);
	assert_ptr_equal(objpool_get(&p), c2);
	assert_ptr_equal(objpool_get(&p), c1);
	objpool_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_and_bounded_growth),
		cmocka_unit_test(test_distinct_aligned_stable),
	};
	return cmocka_run_group_tests_name("objpool", tests, NULL, NULL);
}
