/* Tests of app/report: how numbers are formatted for people.
 *
 * Issue 10 item 8 (regression): durations past the int range went through an int conversion
 * (undefined behaviour) and printed as "-2147483648h46m". Every double now formats without
 * one: the sign, then the magnitude; whole hours as a double below a million hours, then
 * "%.3gh"; infinities as "inf", NaN as "-". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/report.h"

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
		cmocka_unit_test(test_format_duration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
