/* Report formatting: numbers and counts for people never in exponent notation (a review pastes
 * "10400", not "1.04e+04"), with the digits each promises; durations for any double.
 *
 * Issue 10 item 8 (regression): durations past the int range went through an int conversion
 * (undefined behaviour) and printed as "-2147483648h46m". Every double now formats without
 * one: the sign, then the magnitude; whole hours as a double below a million hours, then
 * "%.3gh"; infinities as "inf", NaN as "-". */
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

static void expect_duration(double s, const char *want)
{
	char buf[64];
	report_format_duration(s, buf, sizeof buf);
	if (strcmp(buf, want) != 0)
		fail_msg("report_format_duration(%.17g) = \"%s\", expected \"%s\"", s, buf, want);
}

static void test_format_duration(void **state)
{
	(void)state;
	/* the ranges below an hour, unchanged */
	expect_duration(NAN, "-");
	expect_duration(0, "0");
	expect_duration(2.5e-4, "250us");
	expect_duration(0.0123, "12.3ms");
	expect_duration(1.2, "1.2s");
	expect_duration(185, "3m05s");
	expect_duration(7200 + 46 * 60, "2h46m");
	/* 1e9 s = 277 777 h 46 min 40 s; past INT_MAX hours (1e13 s = 2.78e9 h) the old int
	 * conversion was undefined */
	expect_duration(1e9, "277777h46m");
	expect_duration(1e13, "2.78e+09h");
	expect_duration(3600 * 999999.0 + 60, "999999h01m");
	expect_duration(3600 * 1e6, "1e+06h");
	expect_duration(1e300, "2.78e+296h");
	expect_duration(INFINITY, "inf");
	expect_duration(-1e9, "-277777h46m");
	expect_duration(-0.0123, "-12.3ms");
	expect_duration(-INFINITY, "-inf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_format_duration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
