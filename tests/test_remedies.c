/* The remedies a review weighs, run as a user runs them: the bundled scenario's verdict on
 * each, from the paired differences (common random numbers) that pooltide reports.
 *
 * lock-timeout.json (issue 8, Done when): the incident with lock_timeout = 2 s and no other
 * change makes the API's failures fall (every cause counted: the pool timeouts go, the lock
 * timeouts come) and the batch's failed share rise; both paired 95 % intervals must exclude
 * 0 in the direction stated, at the scenario's own 10 replications and seed. Per-group commits
 * on top cure both. The binary is $POOLTIDE (set by tests/run_all.sh) or build/pooltide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

static const char *bin(void)
{
	const char *b = getenv("POOLTIDE");
	return b && *b ? b : "build/pooltide";
}

static cJSON *run_json(const char *args)
{
	char cmd[1024], root[] = "/tmp/pooltide-remedies-XXXXXX";
	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof cmd, "%s run %s --format json --no-plot --quiet -o %s 2>/dev/null",
		 bin(), args, root);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t k;
	while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += k;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[n] = 0;
	assert_int_equal(pclose(p), 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	cJSON *j = cJSON_Parse(buf);
	free(buf);
	assert_non_null(j);
	return j;
}

/* variants[name].workloads[wl].diff_to_first[metric] */
static const cJSON *diff(const cJSON *j, const char *variant, const char *wl, const char *metric)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(j, "variants"))
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "name");
		if (cJSON_IsString(name) && strcmp(name->valuestring, variant) == 0) {
			const cJSON *w = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(v, "workloads"), wl);
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(w, "diff_to_first"), metric);
			if (!d)
				fail_msg("%s: %s: no diff_to_first.%s", variant, wl, metric);
			return d;
		}
	}
	fail_msg("no variant %s", variant);
	return NULL;
}

static double num(const cJSON *d, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(d, k);
	assert_true(cJSON_IsNumber(x));
	return x->valuedouble;
}

#define EXPECT_BELOW_0(d, what)                                                               \
	do {                                                                                  \
		if (!(num((d), "ci_high") < 0))                                               \
			fail_msg("%s: paired difference %g [%g, %g] does not exclude 0 below",  \
				 (what), num((d), "mean"), num((d), "ci_low"),                  \
				 num((d), "ci_high"));                                          \
	} while (0)
#define EXPECT_ABOVE_0(d, what)                                                               \
	do {                                                                                  \
		if (!(num((d), "ci_low") > 0))                                                \
			fail_msg("%s: paired difference %g [%g, %g] does not exclude 0 above",  \
				 (what), num((d), "mean"), num((d), "ci_low"),                  \
				 num((d), "ci_high"));                                          \
	} while (0)

static void test_lock_timeout_trades_api_failures_for_batch_failures(void **state)
{
	(void)state;
	cJSON *j = run_json("scenarios/lock-timeout.json");
	EXPECT_BELOW_0(diff(j, "lock_timeout 2s", "api", "failure_rate"),
		       "lock_timeout 2s: api failure_rate");
	EXPECT_BELOW_0(diff(j, "lock_timeout 2s", "api", "wait_p99"),
		       "lock_timeout 2s: api wait_p99");
	EXPECT_ABOVE_0(diff(j, "lock_timeout 2s", "aggregation", "failed_batch_rate"),
		       "lock_timeout 2s: failed_batch_rate");
	EXPECT_BELOW_0(diff(j, "lock_timeout 2s + per-group commits", "api", "failure_rate"),
		       "with per-group commits: api failure_rate");
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_timeout_trades_api_failures_for_batch_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
