/* Units: the numbers and durations of scenario files and the command line.
 *
 * A duration is a decimal number with a unit (us, ms, s, m, min, h, d): "150ms", "2.5s"; a
 * bare number is a duration only when it is 0 (a bare "8" meant 8 ms as often as 8 s). A rate
 * is a number per unit of time ("120/s", "3/min") or a bare number per second. Numbers have no
 * sign, hex, inf or nan.
 *
 * Not here: where a duration is allowed and its bounds (the scenario loader). */
#ifndef POOLTIDE_APP_UNITS_H
#define POOLTIDE_APP_UNITS_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

/* Parse a duration / a rate ("45s", "120/s"); 0 on success, PT_EINVAL otherwise. */
int units_parse_duration(const char *text, double *seconds);
int units_parse_rate(const char *text, double *per_second);

/* The decimal number at the start of s: digits with an optional fraction and exponent; no
 * sign, no hex, no inf or nan. Returns the number of bytes it takes, 0 if there is none. */
size_t units_scan_number(const char *s, double *v);
bool units_is_digit(char ch);

/* The shortest of %.15g, %.16g, %.17g that reads back as exactly v: a JSON number ("null"
 * for a non-finite v). */
void units_format_number(char *buf, size_t n, double v);

/* Switch this thread to the C locale for numbers (strtod, printf) and back. */
struct units_c_numeric {
	locale_t c, old;
};
void units_c_numeric_begin(struct units_c_numeric *cn);
void units_c_numeric_end(struct units_c_numeric *cn);

#endif
