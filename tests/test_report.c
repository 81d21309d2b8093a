/* Report formatting: numbers and counts for people never in exponent notation (a review pastes
 * "10400", not "1.04e+04"), with the digits each promises. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app/report.h"

static void test_counts(void **state)
{
	(void)state;
	static const struct {
		double x;
		const char *want;
	} cases[] = {
		{10400, "10400"},       {10412.3, "10412"},   {252038, "252038"}, {9999999, "9999999"},
		{12345678, "12.3M"},    {3.25, "3.25"},       {99.5, "99.5"},     {100.4, "100"},
		{0, "0"},               {0.0000123, "0.0000123"}, {NAN, "-"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[32];
		report_format_count(cases[i].x, buf, sizeof buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("count %.17g: \"%s\", expected \"%s\"", cases[i].x, buf, cases[i].want);
	}
}

static void test_numbers(void **state)
{
	(void)state;
	static const struct {
		double x;
		const char *want;
	} cases[] = {
		{10400, "10400"}, {1234.5, "1234"}, {123.4, "123"}, {12.34, "12.3"},
		{0.00123, "0.00123"}, {1.5e-7, "0.000000150"}, {-2.5, "-2.50"}, {NAN, "-"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[32];
		report_format_number(cases[i].x, buf, sizeof buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("number %.17g: \"%s\", expected \"%s\"", cases[i].x, buf, cases[i].want);
	}
	/* No exponent anywhere from 1e-9 to 1e12, for numbers and counts alike. */
	for (double x = 1e-9; x < 1e12; x *= 1.37) {
		char a[48], b[48];
		report_format_number(x, a, sizeof a);
		report_format_count(x, b, sizeof b);
		if (strchr(a, 'e') || strchr(b, 'e'))
			fail_msg("%.17g: \"%s\" / \"%s\"", x, a, b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
